//! Commuting (`pendolarismo`): its identities in every cell, its jobs equal to the positions of
//! `posizioni`, and its counts by province against the positions read from `rapporti` with the
//! domicile's province from the reference tables in Rust.

use super::{built_synthetic, date};
use arrow::array::{Array, AsArray};
use oml::analytics::indicators::{compute, Periodicity, Request};
use oml::analytics::Session;
use oml::sdc::Mode;
use std::collections::HashMap;

pub(super) type Cells = HashMap<(String, String, String), f64>;

pub(super) fn table(s: &Session, name: &str, by: &[&str], livello: Option<&str>) -> Cells {
    let t = compute(
        s,
        &Request {
            indicator: name.into(),
            by: by.iter().map(|b| b.to_string()).collect(),
            period: Some((date("2022-01-01"), date("2023-12-31"))),
            periodicity: Periodicity::Year,
            totals: true,
            mode: Mode::Confidential,
            territory: Default::default(),
            perimeter: Default::default(),
            parameters: livello
                .map(|l| ("livello".to_string(), l.to_string()))
                .into_iter()
                .collect(),
        },
    )
    .unwrap();
    t.rows
        .iter()
        .filter_map(|r| {
            let dims: Vec<&str> = r.dims.iter().map(|d| d.as_deref().unwrap_or("Totale")).collect();
            Some(((r.periodo.clone(), dims.join("|"), r.misura.clone()), r.valore?))
        })
        .collect()
}

pub(super) fn get(c: &Cells, p: &str, d: &str, m: &str) -> f64 {
    c.get(&(p.into(), d.into(), m.into())).copied().unwrap_or(0.0)
}

#[test]
fn commuting_identities_hold_in_every_cell_at_every_level() {
    let s = Session::open(built_synthetic()).unwrap();
    for livello in ["comune", "cpi", "provincia"] {
        let c = table(&s, "pendolarismo", &["area", "settore"], Some(livello));
        let keys: std::collections::BTreeSet<(&str, &str)> =
            c.keys().map(|(p, d, _)| (p.as_str(), d.as_str())).collect();
        assert!(keys.len() > 10, "{livello}: {} cells", keys.len());
        for (p, d) in keys {
            let g = |m: &str| get(&c, p, d, m);
            assert_eq!(
                g("saldo_pendolare"),
                g("in_entrata") - g("in_uscita"),
                "{livello} {p} {d}"
            );
            assert_eq!(
                g("occupati_residenti"),
                g("interni") + g("in_uscita"),
                "{livello} {p} {d}"
            );
            assert_eq!(
                g("posti_di_lavoro"),
                g("interni") + g("in_entrata") + g("domicilio_non_indicato"),
                "{livello} {p} {d}"
            );
            if g("occupati_residenti") > 0.0 {
                let share = (1000.0 * g("interni") / g("occupati_residenti")).round() / 10.0;
                assert_eq!(g("autocontenimento"), share, "{livello} {p} {d}");
            }
        }
    }
}

#[test]
fn commuting_jobs_are_the_positions_and_provinces_match_the_reference_tables() {
    let lake = built_synthetic();
    let s = Session::open(lake).unwrap();
    // The jobs of each workplace comune are the positions at the end of the year.
    let c = table(&s, "pendolarismo", &["area"], None);
    let pos = table(&s, "posizioni", &["comune"], None);
    for year in ["2022", "2023"] {
        let comuni: Vec<&String> = pos
            .keys()
            .filter(|(p, _, m)| p == year && m == "posizioni_fine")
            .map(|(_, d, _)| d)
            .collect();
        assert!(comuni.len() > 3);
        for d in comuni {
            assert_eq!(
                get(&c, year, d, "posti_di_lavoro"),
                get(&pos, year, d, "posizioni_fine"),
                "{year} {d}"
            );
        }
    }
    // By province: the positions at the end of 2023 from `rapporti`, the domicile's province
    // from the reference tables.
    let r = oml::reference::Reference::get();
    let (_, batches) = s
        .query(
            "SELECT provincia, comune_domicilio FROM rapporti WHERE data_inizio <= DATE '2023-12-31' \
             AND (data_fine_effettiva IS NULL OR data_fine_effettiva > DATE '2023-12-31')",
        )
        .unwrap();
    let (mut interni, mut entrata, mut uscita) = (HashMap::<String, f64>::new(), HashMap::new(), HashMap::new());
    for b in &batches {
        let (work, home) = (b.column(0).as_string::<i32>(), b.column(1).as_string::<i32>());
        for i in 0..b.num_rows() {
            let w = work.value(i).to_string();
            let h = (!home.is_null(i))
                .then(|| r.comune_by_istat(home.value(i)))
                .flatten()
                .map(|c| c.sigla.clone())
                .filter(|s| !s.is_empty());
            match h {
                Some(h) if h == w => *interni.entry(w).or_insert(0.0) += 1.0,
                Some(h) => {
                    *entrata.entry(w).or_insert(0.0) += 1.0;
                    *uscita.entry(h).or_insert(0.0) += 1.0;
                }
                None => {}
            }
        }
    }
    assert!(
        !entrata.is_empty() && !uscita.is_empty(),
        "the synthetic workers commute"
    );
    let c = table(&s, "pendolarismo", &["area"], Some("provincia"));
    for (kind, want) in [("interni", &interni), ("in_entrata", &entrata), ("in_uscita", &uscita)] {
        for (sigla, n) in want {
            assert_eq!(get(&c, "2023", sigla, kind), *n, "{kind} {sigla}");
        }
        let total: f64 = want.values().sum();
        assert_eq!(get(&c, "2023", "Totale", kind), total, "{kind} total");
    }
}
