//! The monthly series a bulletin publishes, written as `dati/serie_mensili.csv` (one row per
//! measure and month: misura, mese, valore, stato, data_estrazione, ambito), and read back from the
//! previous bulletin's folder (`--precedente`) to show how its figures were revised: vintage
//! against vintage, published figures against published figures (not a rebuild of the lake as of
//! an earlier extraction date).

use super::data::{months, Figures};
use super::Figure;
use crate::sdc::Status;
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Where a bulletin keeps its series, inside its output folder.
pub const SERIES_FILE: &str = "dati/serie_mensili.csv";

/// The series written: measures of the monthly flussi cube (table t02, charts g01 and g02).
pub const MEASURES: [&str; 3] = ["attivazioni", "cessazioni", "saldo"];

/// One published cell of a monthly series.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub misura: String,
    /// "2024-01".
    pub mese: String,
    pub figure: Figure,
}

/// The monthly series of one bulletin and the extraction date (vintage) of its data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PublishedSeries {
    pub extraction: Option<NaiveDate>,
    /// The province and perimeter the series count ([`scope`]): two bulletins are compared only
    /// when they count the same records.
    pub scope: String,
    pub points: Vec<Point>,
}

/// The province and perimeter of a bulletin, as the options that select them ("PO", "PO --datori
/// privati").
pub fn scope(spec: &super::BulletinSpec) -> String {
    format!("{}{}", spec.province.trim().to_uppercase(), spec.perimetro.options())
}

/// A row of the file: only published values; a withheld cell has its status and no value.
#[derive(Serialize, Deserialize)]
struct Row {
    misura: String,
    mese: String,
    valore: Option<f64>,
    stato: String,
    data_estrazione: Option<String>,
    ambito: String,
}

impl PublishedSeries {
    /// The series of [`MEASURES`] a bulletin ending on `al` shows, from the monthly cube.
    pub fn of(f: &Figures, al: NaiveDate, scope: String) -> PublishedSeries {
        let ms = months(f.series_from, al);
        let points = MEASURES
            .iter()
            .flat_map(|m| {
                ms.iter().map(move |(_, _, k)| Point {
                    misura: m.to_string(),
                    mese: k.clone(),
                    figure: f.monthly.count(k, &[], m),
                })
            })
            .collect();
        PublishedSeries {
            extraction: f.extraction,
            scope,
            points,
        }
    }

    /// The cell of `misura` in month `mese`, if the bulletin has it.
    pub fn get(&self, misura: &str, mese: &str) -> Option<&Figure> {
        self.points
            .iter()
            .find(|p| p.misura == misura && p.mese == mese)
            .map(|p| &p.figure)
    }

    /// Writes the series as CSV at `path` (its folder must exist).
    pub fn write(&self, path: &Path) -> Result<()> {
        let mut w = csv::Writer::from_path(path).with_context(|| format!("creating {}", path.display()))?;
        let extraction = self.extraction.map(|d| d.format("%Y-%m-%d").to_string());
        for p in &self.points {
            w.serialize(Row {
                misura: p.misura.clone(),
                mese: p.mese.clone(),
                valore: p.figure.published(),
                stato: p.figure.status.label().to_string(),
                data_estrazione: extraction.clone(),
                ambito: self.scope.clone(),
            })
            .with_context(|| format!("writing {}", path.display()))?;
        }
        w.flush().with_context(|| format!("writing {}", path.display()))?;
        Ok(())
    }

    /// Reads the series a bulletin wrote at `path`.
    pub fn read(path: &Path) -> Result<PublishedSeries> {
        let mut r = csv::Reader::from_path(path)
            .with_context(|| format!("reading the previous bulletin's series {}", path.display()))?;
        let mut out = PublishedSeries::default();
        for (i, row) in r.deserialize::<Row>().enumerate() {
            // Line 1 is the header.
            let at = || format!("{}, line {}", path.display(), i + 2);
            let row = row.with_context(|| format!("{}: not a row of the bulletin's monthly series", at()))?;
            if i > 0 && row.ambito != out.scope {
                bail!(
                    "{}: ambito {:?} after {:?}: one bulletin has one scope",
                    at(),
                    row.ambito,
                    out.scope
                );
            }
            out.scope = row.ambito.clone();
            let (point, extraction) = row.parse().with_context(at)?;
            out.extraction = out.extraction.or(extraction);
            out.points.push(point);
        }
        if out.points.is_empty() {
            bail!("{}: no monthly series in the file", path.display());
        }
        Ok(out)
    }

    /// Reads the series of the bulletin written in folder `dir`.
    pub fn read_bulletin(dir: &Path) -> Result<PublishedSeries> {
        PublishedSeries::read(&series_path(dir))
    }
}

/// The series file of the bulletin in `dir`.
pub fn series_path(dir: &Path) -> PathBuf {
    dir.join(SERIES_FILE)
}

impl Row {
    fn parse(self) -> Result<(Point, Option<NaiveDate>)> {
        let status = Status::from_label(&self.stato).with_context(|| format!("unknown stato {:?}", self.stato))?;
        if status.is_published() != self.valore.is_some() {
            bail!(
                "{} {}: stato {} with valore {:?}",
                self.misura,
                self.mese,
                self.stato,
                self.valore
            );
        }
        NaiveDate::parse_from_str(&format!("{}-01", self.mese), "%Y-%m-%d")
            .with_context(|| format!("mese {:?} is not YYYY-MM", self.mese))?;
        let extraction = self
            .data_estrazione
            .map(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").with_context(|| format!("data_estrazione {d:?}")))
            .transpose()?;
        let point = Point {
            misura: self.misura,
            mese: self.mese,
            figure: Figure {
                value: self.valore,
                status,
            },
        };
        Ok((point, extraction))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(misura: &str, mese: &str, figure: Figure) -> Point {
        Point {
            misura: misura.into(),
            mese: mese.into(),
            figure,
        }
    }

    #[test]
    fn the_series_file_round_trips_and_keeps_withheld_cells_without_value() {
        let withheld = Figure {
            value: None,
            status: Status::SuppressedSecondary,
        };
        let series = PublishedSeries {
            extraction: NaiveDate::from_ymd_opt(2024, 3, 5),
            scope: "PO --datori privati".into(),
            points: vec![
                point("attivazioni", "2024-01", Figure::ok(3412.0)),
                point("cessazioni", "2024-01", withheld.clone()),
                point("saldo", "2024-01", Figure::ok(-17.0)),
            ],
        };
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("serie.csv");
        series.write(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("misura,mese,valore,stato,data_estrazione,ambito\n"),
            "{text}"
        );
        assert!(
            text.contains("cessazioni,2024-01,,soppressa_secondaria,2024-03-05,PO --datori privati\n"),
            "{text}"
        );
        assert_eq!(PublishedSeries::read(&path).unwrap(), series);
        assert_eq!(series.get("saldo", "2024-01"), Some(&Figure::ok(-17.0)));
        assert_eq!(series.get("saldo", "2024-02"), None);
    }

    #[test]
    fn a_malformed_series_file_is_an_error_naming_it() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("serie.csv");
        for bad in [
            "misura,mese,valore,stato,data_estrazione,ambito\nattivazioni,2024-01,,ok,,PO\n",
            "misura,mese,valore,stato,data_estrazione,ambito\nattivazioni,2024-01,5,soppressa_primaria,,PO\n",
            "misura,mese,valore,stato,data_estrazione,ambito\nattivazioni,gennaio,5,ok,,PO\n",
            "misura,mese,valore,stato,data_estrazione,ambito\nattivazioni,2024-01,tre,ok,,PO\n",
            "misura,mese,valore,stato,data_estrazione,ambito\n",
            "misura,mese,valore,stato,data_estrazione,ambito\nattivazioni,2024-01,5,ok,,PO\nattivazioni,2024-02,5,ok,,FI\n",
            "a,b\n1,2\n",
        ] {
            std::fs::write(&path, bad).unwrap();
            let e = format!("{:#}", PublishedSeries::read(&path).unwrap_err());
            assert!(e.contains(&path.display().to_string()), "{bad:?}: {e}");
        }
        let e = format!(
            "{:#}",
            PublishedSeries::read_bulletin(&d.path().join("nulla")).unwrap_err()
        );
        assert!(e.contains("nulla/dati/serie_mensili.csv"), "{e}");
    }
}
