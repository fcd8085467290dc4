//! ISTAT unemployment rates (Rilevazione sulle forze di lavoro) for the bulletin's
//! "Disoccupazione" section: the province beside its region and Italy. The CO lake has no
//! registered-unemployment (DID) data, so this is the survey rate, already public.

use anyhow::{Context, Result};

const RFL: &str = include_str!("../../../reference/istat_rfl_tasso_disoccupazione_2019_2020.csv");

/// One published rate.
#[derive(Debug, Clone, PartialEq)]
pub struct Rate {
    pub territorio: String,
    /// '1' maschi, '2' femmine, '9' totale.
    pub sesso: String,
    pub anno: i32,
    pub tasso: f64,
}

/// Annual rates, ages 15–74, of the named territories (ISTAT names: "Prato", "Toscana",
/// "Italia"), sorted by territory order given, sex, year.
pub fn annual_rates(territories: &[&str]) -> Result<Vec<Rate>> {
    let text = RFL.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = reader.headers().context("reading the ISTAT RFL header")?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("the ISTAT RFL file has no column {name}"))
    };
    let (c_terr, c_sex, c_age, c_time, c_value) = (
        col("Territorio")?,
        col("SEXISTAT1")?,
        col("ETA1")?,
        col("TIME")?,
        col("Value")?,
    );
    let mut out = Vec::new();
    for (line, rec) in reader.records().enumerate() {
        let rec = rec.with_context(|| format!("ISTAT RFL file, record {}", line + 2))?;
        let field = |i: usize| rec.get(i).unwrap_or("");
        if field(c_age) != "Y15-74" || field(c_time).contains('Q') {
            continue;
        }
        let Some(pos) = territories.iter().position(|t| *t == field(c_terr)) else {
            continue;
        };
        let anno: i32 = field(c_time)
            .parse()
            .with_context(|| format!("ISTAT RFL file, record {}: year {:?}", line + 2, field(c_time)))?;
        let tasso: f64 = field(c_value)
            .parse()
            .with_context(|| format!("ISTAT RFL file, record {}: value {:?}", line + 2, field(c_value)))?;
        out.push((
            pos,
            Rate {
                territorio: territories[pos].to_string(),
                sesso: field(c_sex).to_string(),
                anno,
                tasso,
            },
        ));
    }
    out.sort_by(|a, b| (a.0, &a.1.sesso, a.1.anno).cmp(&(b.0, &b.1.sesso, b.1.anno)));
    Ok(out.into_iter().map(|(_, r)| r).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prato_toscana_italia_2019_2020() {
        let r = annual_rates(&["Prato", "Toscana", "Italia"]).unwrap();
        // 3 territories × 3 sexes × 2 years.
        assert_eq!(r.len(), 18);
        assert_eq!(r[0].territorio, "Prato");
        let toscana_m_2019 = r
            .iter()
            .find(|x| x.territorio == "Toscana" && x.sesso == "1" && x.anno == 2019)
            .unwrap();
        // Y15-74 differs from the Y_GE15 row shown in the reference README (5.928064).
        assert!(toscana_m_2019.tasso > 0.0 && toscana_m_2019.tasso < 20.0);
        assert!(annual_rates(&["Atlantide"]).unwrap().is_empty());
    }
}
