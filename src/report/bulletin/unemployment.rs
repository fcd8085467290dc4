//! ISTAT unemployment rates (Rilevazione sulle forze di lavoro) for the bulletin's
//! "Disoccupazione" section: the province beside its region and Italy. This is the survey rate,
//! already public: from the lake's view `tasso_disoccupazione` (`oml ingest istat`) when it holds
//! rates for these territories, else from the export shipped in `reference/`, read by
//! [`crate::sources::istat_rfl`]; either way matched by today's ISTAT codes through the ITTER107
//! crosswalk, and the source and vintage are stated.

use crate::analytics::Session;
use crate::reference::{LivelloTerritorio, Relazione};
use crate::sources::istat_rfl;
use anyhow::{Context, Result};

/// One published rate.
#[derive(Debug, Clone, PartialEq)]
pub struct Rate {
    /// The name the caller gave the territory.
    pub territorio: String,
    /// '1' maschi, '2' femmine, '9' totale.
    pub sesso: String,
    pub anno: i32,
    pub tasso: f64,
}

/// A territory the bulletin shows: its name in the bulletin, its level and today's ISTAT code
/// (`"100"` Prato, `"09"` Toscana, `"IT"` Italia).
pub type Territory<'a> = (&'a str, LivelloTerritorio, &'a str);

/// Rates and where they come from.
#[derive(Debug, Clone, PartialEq)]
pub struct Rates {
    pub rates: Vec<Rate>,
    /// The source line: the lake's files and vintages, or the shipped export.
    pub fonte: String,
}

/// Annual rates, ages 15–74, of the given territories, sorted by the territory order given, sex,
/// year: from the lake (when `session` is given and its view holds any of them), else from the
/// shipped export.
pub fn annual_rates(session: Option<&Session>, territories: &[Territory<'_>]) -> Result<Rates> {
    if let Some(s) = session {
        let r = lake_rates(s, territories)?;
        if !r.rates.is_empty() {
            return Ok(r);
        }
    }
    Ok(Rates {
        rates: shipped_rates(territories)?,
        fonte: format!(
            "{} (ISTAT, Rilevazione sulle forze di lavoro; esportazione inclusa in OML)",
            istat_rfl::SHIPPED_PATH
        ),
    })
}

/// The rates of the lake's view `tasso_disoccupazione`.
fn lake_rates(session: &Session, territories: &[Territory<'_>]) -> Result<Rates> {
    const Q: &str = "SELECT livello_territorio, territorio, sesso, anno::INTEGER, valore FROM tasso_disoccupazione \
        WHERE classe_eta = 'Y15-74' AND periodicita = 'anno' AND relazione = 'identico' AND valore IS NOT NULL";
    let mut stmt = session
        .conn
        .prepare(Q)
        .context("reading the view tasso_disoccupazione")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, i32>(3)?,
            r.get::<_, f64>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (livello, code, sesso, anno, tasso) = row?;
        if let Some(pos) = territories
            .iter()
            .position(|(_, l, c)| l.code() == livello && *c == code)
        {
            let territorio = territories[pos].0.to_string();
            out.push((
                pos,
                Rate {
                    territorio,
                    sesso,
                    anno,
                    tasso,
                },
            ));
        }
    }
    out.sort_by(|a, b| (a.0, &a.1.sesso, a.1.anno).cmp(&(b.0, &b.1.sesso, b.1.anno)));
    let fonti = files_and_vintages(
        session,
        "FROM tasso_disoccupazione WHERE classe_eta = 'Y15-74' AND periodicita = 'anno'",
        &[],
    )?;
    Ok(Rates {
        rates: out.into_iter().map(|(_, r)| r).collect(),
        fonte: format!(
            "lago OML, vista tasso_disoccupazione (ISTAT, Rilevazione sulle forze di lavoro; oml ingest istat): {}",
            fonti.join("; ")
        ),
    })
}

/// `file (vintage AAAA-MM-GG)` for each file and vintage of an aggregate table's rows
/// (`from_where`: `FROM view WHERE …`, with `?` for `params`), the file by its name only.
pub fn files_and_vintages(session: &Session, from_where: &str, params: &[&str]) -> Result<Vec<String>> {
    let sql = format!("SELECT DISTINCT file_origine, vintage::VARCHAR {from_where} ORDER BY ALL");
    let mut stmt = session
        .conn
        .prepare(&sql)
        .with_context(|| format!("reading the sources: {sql}"))?;
    let rows = stmt.query_map(duckdb::params_from_iter(params), |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (file, vintage) = row?;
        let name = std::path::Path::new(&file)
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or(file);
        out.push(format!("{name} (vintage {vintage})"));
    }
    Ok(out)
}

/// The rates of the shipped export.
fn shipped_rates(territories: &[Territory<'_>]) -> Result<Vec<Rate>> {
    let file = istat_rfl::shipped()?;
    let mut out = Vec::new();
    for t in &file.tassi {
        if t.classe_eta != "Y15-74" || t.periodicita != crate::model::period::Periodicity::Year {
            continue;
        }
        let x = t.territorio;
        let Some(pos) = territories
            .iter()
            .position(|(_, l, c)| t.relazione == Relazione::Identico && x.livello == *l && x.codice_istat == *c)
        else {
            continue;
        };
        let Some(tasso) = t.valore else { continue };
        let anno = chrono::Datelike::year(&t.periodo.dal);
        out.push((
            pos,
            Rate {
                territorio: territories[pos].0.to_string(),
                sesso: t.sesso.code().to_string(),
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
    use crate::sources::istat_rfl::Sesso;

    #[test]
    fn prato_toscana_italia_2019_2020() {
        let all = annual_rates(
            None,
            &[
                ("Prato", LivelloTerritorio::Provincia, "100"),
                ("Toscana", LivelloTerritorio::Regione, "09"),
                ("Italia", LivelloTerritorio::Italia, "IT"),
            ],
        )
        .unwrap();
        assert!(all.fonte.starts_with(istat_rfl::SHIPPED_PATH));
        let r = all.rates;
        // 3 territories × 3 sexes × 2 years.
        assert_eq!(r.len(), 18);
        assert_eq!(r[0].territorio, "Prato");
        let rate = |t: &str, s: Sesso, y: i32| {
            r.iter()
                .find(|x| x.territorio == t && x.sesso == s.code() && x.anno == y)
                .map(|x| x.tasso)
        };
        // Hand-checked in the file: lines 7085 (Prato) and the README's Italia 2019.
        assert_eq!(rate("Prato", Sesso::Totale, 2019), Some(6.225624));
        assert_eq!(rate("Italia", Sesso::Totale, 2019), Some(9.982126));
        assert!(
            annual_rates(None, &[("Atlantide", LivelloTerritorio::Provincia, "999")])
                .unwrap()
                .rates
                .is_empty()
        );
    }
}
