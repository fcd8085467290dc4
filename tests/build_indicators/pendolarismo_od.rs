//! The origin–destination matrix of commuting (`pendolarismo_od`): its margins are the measures of
//! `pendolarismo` in every cell, at every level (comune, CPI, province) and by sector too.
//!
//! With NI = NON_INDICATO (domicile missing or abroad, or a workplace without a comune) and
//! OD(o, w) the positions at the end of the period domiciled in o and working in w, for every area
//! A, period and sector (its total included):
//! - posti_di_lavoro(A) = Σ_o OD(o, A); domicilio_non_indicato(A) = OD(NI, A);
//!   in_entrata(A) = Σ_{o ∉ {A, NI}} OD(o, A);
//! - for A ≠ NI: interni(A) = OD(A, A); occupati_residenti(A) = Σ_w OD(A, w); in_uscita(A) =
//!   Σ_{w ≠ A} OD(A, w), over the workplaces of the lake's positions (a workplace outside the
//!   lake is in neither), NI included;
//! - interni(NI) = in_uscita(NI) = 0;
//! - and the matrix's own margins: OD(Totale, A) = posti_di_lavoro(A), OD(A, Totale) =
//!   occupati_residenti(A) for A ≠ NI, OD(Totale, Totale) = posti_di_lavoro(Totale).

use super::built_synthetic;
use super::pendolarismo::{get, table};
use oml::analytics::Session;
use std::collections::{BTreeMap, BTreeSet};

const NI: &str = "NON_INDICATO";

#[test]
fn od_margins_are_the_commuting_measures_in_every_cell_at_every_level() {
    let s = Session::open(built_synthetic()).unwrap();
    for livello in ["comune", "cpi", "provincia"] {
        let per_area = table(&s, "pendolarismo", &["area", "settore"], Some(livello));
        let od = table(
            &s,
            "pendolarismo_od",
            &["area_domicilio", "area_lavoro", "settore"],
            Some(livello),
        );
        // (period, sector) → (origin, destination) → positions, detail cells of the matrix only.
        type Matrix = BTreeMap<(String, String), f64>;
        let mut by_cell: BTreeMap<(String, String), Matrix> = BTreeMap::new();
        for ((p, d, m), v) in &od {
            assert_eq!(m, "posizioni", "{livello}");
            let [o, w, set]: [&str; 3] = d.split('|').collect::<Vec<_>>().try_into().unwrap();
            if o != "Totale" && w != "Totale" {
                by_cell
                    .entry((p.clone(), set.to_string()))
                    .or_default()
                    .insert((o.to_string(), w.to_string()), *v);
            }
        }
        let (mut checked, mut commuting) = (0, 0.0);
        for ((p, set), cells) in &by_cell {
            let sum = |keep: &dyn Fn(&str, &str) -> bool| -> f64 {
                cells.iter().filter(|((o, w), _)| keep(o, w)).map(|(_, v)| v).sum()
            };
            let areas: BTreeSet<String> = cells
                .keys()
                .flat_map(|(o, w)| [o.clone(), w.clone()])
                .chain(
                    per_area
                        .keys()
                        .filter(|(pp, d, _)| pp == p && d.ends_with(&format!("|{set}")))
                        .map(|(_, d, _)| d.rsplit_once('|').unwrap().0.to_string()),
                )
                .filter(|a| a != "Totale")
                .collect();
            for a in &areas {
                let a = a.as_str();
                let cell = format!("{a}|{set}");
                let g = |m: &str| get(&per_area, p, &cell, m);
                let at = format!("{livello} {p} {cell}");
                assert_eq!(g("posti_di_lavoro"), sum(&|_, w| w == a), "posti {at}");
                assert_eq!(
                    get(&od, p, &format!("Totale|{a}|{set}"), "posizioni"),
                    g("posti_di_lavoro"),
                    "{at}"
                );
                assert_eq!(g("domicilio_non_indicato"), sum(&|o, w| w == a && o == NI), "{at}");
                assert_eq!(
                    g("in_entrata"),
                    sum(&|o, w| w == a && o != a && o != NI),
                    "in_entrata {at}"
                );
                if a == NI {
                    assert_eq!((g("interni"), g("in_uscita")), (0.0, 0.0), "{at}");
                } else {
                    assert_eq!(g("interni"), sum(&|o, w| o == a && w == a), "interni {at}");
                    assert_eq!(g("occupati_residenti"), sum(&|o, _| o == a), "{at}");
                    assert_eq!(
                        get(&od, p, &format!("{a}|Totale|{set}"), "posizioni"),
                        g("occupati_residenti"),
                        "{at}"
                    );
                    assert_eq!(g("in_uscita"), sum(&|o, w| o == a && w != a), "in_uscita {at}");
                }
                checked += 1;
            }
            assert_eq!(
                get(&od, p, &format!("Totale|Totale|{set}"), "posizioni"),
                get(&per_area, p, &format!("Totale|{set}"), "posti_di_lavoro"),
                "{livello} {p} {set}"
            );
            commuting += sum(&|o, w| o != w && o != NI && w != NI);
        }
        assert!(checked > 20, "{livello}: {checked} areas checked");
        assert!(commuting > 0.0, "{livello}: the synthetic workers commute");
    }
}

#[test]
fn od_rejects_an_unknown_level_and_takes_only_its_breakdowns() {
    let s = Session::open(built_synthetic()).unwrap();
    let request = |by: &[&str], livello: &str| oml::analytics::indicators::Request {
        indicator: "pendolarismo_od".into(),
        by: by.iter().map(|b| b.to_string()).collect(),
        period: None,
        periodicity: oml::analytics::indicators::Periodicity::Year,
        totals: true,
        mode: oml::sdc::Mode::Confidential,
        territory: Default::default(),
        perimeter: Default::default(),
        parameters: [("livello".to_string(), livello.to_string())].into(),
    };
    let compute = |r| oml::analytics::indicators::compute(&s, &r);
    let err = compute(request(&["area_domicilio"], "regione")).unwrap_err();
    assert!(
        format!("{err:#}").contains("livello must be comune, cpi or provincia"),
        "{err:#}"
    );
    let err = compute(request(&["area"], "cpi")).unwrap_err();
    assert!(format!("{err:#}").contains("takes only these breakdowns"), "{err:#}");
    // area_domicilio is a breakdown of pendolarismo_od only.
    let mut r = request(&["area_domicilio"], "cpi");
    r.indicator = "posizioni".into();
    r.parameters.clear();
    let err = compute(r).unwrap_err();
    assert!(format!("{err:#}").contains("pendolarismo_od"), "{err:#}");
}
