//! ISTAT unemployment rates (Rilevazione sulle forze di lavoro) for the bulletin's
//! "Disoccupazione" section: the province beside its region and Italy. The CO lake has no
//! registered-unemployment (DID) data, so this is the survey rate, already public, read from the
//! shipped export by [`crate::sources::istat_rfl`] and matched by today's ISTAT codes through the
//! ITTER107 crosswalk.

use crate::reference::{LivelloTerritorio, Relazione};
use crate::sources::istat_rfl;
use anyhow::Result;

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

/// Annual rates, ages 15–74, of the given territories, sorted by the territory order given,
/// sex, year.
pub fn annual_rates(territories: &[Territory<'_>]) -> Result<Vec<Rate>> {
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
        let r = annual_rates(&[
            ("Prato", LivelloTerritorio::Provincia, "100"),
            ("Toscana", LivelloTerritorio::Regione, "09"),
            ("Italia", LivelloTerritorio::Italia, "IT"),
        ])
        .unwrap();
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
        assert!(annual_rates(&[("Atlantide", LivelloTerritorio::Provincia, "999")])
            .unwrap()
            .is_empty());
    }
}
