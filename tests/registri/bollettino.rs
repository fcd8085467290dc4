//! The bulletin's tables of the workers in cassa integrazione (t15) and of the mobility lists
//! (t16 period, t17 yearly series) on the 2015–2017 synthetic province, whose lists still hold
//! pratiche: every published cell equals the indicator computed without protection, the take-up
//! and the equivalent workers are published only beside their published hours, and the lists'
//! stock identity holds across the published years.

use super::indicatori_liste_cig::{getter, request};
use super::loaded;
use crate::bulletin::{csv_rows, spec};
use oml::analytics::indicators::{compute, Periodicity};
use oml::analytics::Session;
use oml::derive::BuildOptions;
use oml::lake::Lake;
use oml::report::bulletin::registri::LISTE_SHOWN;
use oml::report::bulletin::{run, Written};
use oml::sdc::Mode;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The province with CO, DID, CIG workers and mobility lists, built, with its 2016 bulletin.
pub(super) fn bulletin() -> &'static (tempfile::TempDir, Lake, Written) {
    static B: OnceLock<(tempfile::TempDir, Lake, Written)> = OnceLock::new();
    B.get_or_init(|| {
        let (d, lake) = loaded("bollettino-registri");
        crate::build(&lake, &BuildOptions::default(), &|_, _, _| {}).unwrap();
        let w = run(&lake, &spec(d.path(), "2016"), &|_| {}).unwrap();
        (d, lake, w)
    })
}

/// A published number of a bulletin CSV row, or None when the cell is withheld.
fn published(r: &HashMap<String, String>, col: &str) -> Option<f64> {
    let state = &r[&format!("{col} – stato")];
    let value = &r[col];
    match state.as_str() {
        "ok" => Some(value.parse().unwrap()),
        _ => {
            assert!(value.is_empty(), "{col}: {state} but shows {value}");
            None
        }
    }
}

#[test]
fn bulletin_mobility_lists_equal_the_indicator_across_years() {
    let (_, lake, w) = bulletin();
    let session = Session::open(lake).unwrap();
    let unprotected = |dal: &str, al: &str, per: Periodicity| {
        let mut req = request("mobilita_liste", &[], dal, al, per, Mode::Confidential);
        req.territory.provincia = Some("PO".into());
        compute(&session, &req).unwrap()
    };
    // The table's rows and the series' columns are in this order.
    let measures = LISTE_SHOWN;
    // t16: the year and the year before, rows in the order of `measures`.
    let quarters = unprotected("2015-01-01", "2016-12-31", Periodicity::Year);
    let q = getter(&quarters);
    let t16 = csv_rows(&w.dir, "t16_mobilita_liste_periodo");
    assert_eq!(t16.len(), measures.len());
    let mut compared = 0;
    for (r, m) in t16.iter().zip(measures) {
        for (col, period) in [("2016", "2016"), ("2015", "2015")] {
            if let Some(v) = published(r, col) {
                assert_eq!(v, q(period, "", m), "t16 {period} {m}");
                compared += 1;
            }
        }
    }
    assert!(compared >= 10, "{compared} t16 cells compared");
    assert!(
        q("2016", "", "stock_fine") > 0.0,
        "the lists hold pratiche at the end of 2016"
    );
    // t17: one row per whole year from the first pratica to the bulletin's year.
    let years = unprotected("2015-01-01", "2016-12-31", Periodicity::Year);
    let y = getter(&years);
    let t17 = csv_rows(&w.dir, "t17_mobilita_liste_serie");
    let rows: Vec<&str> = t17.iter().map(|r| r["Anno"].as_str()).collect();
    assert_eq!(rows, ["2015", "2016"]);
    let columns = [
        "Iscritti a fine anno",
        "di cui con indennità",
        "Iscrizioni",
        "Cancellazioni",
        "per assunzione a tempo indeterminato",
        "per assunzione a termine o part-time",
        "per fine del periodo di iscrizione",
        "per decadenza",
        "per altre cause",
    ];
    let mut stock_before: Option<f64> = None;
    for r in &t17 {
        let year = r["Anno"].as_str();
        let got: Vec<Option<f64>> = columns.iter().map(|c| published(r, c)).collect();
        for (v, m) in got.iter().zip(measures) {
            if let Some(v) = v {
                assert_eq!(*v, y(year, "", m), "t17 {year} {m}");
            }
        }
        // Stock identity across years, where its members are published.
        if let (Some(before), Some(fine), Some(isc), Some(canc)) = (stock_before, got[0], got[2], got[3]) {
            assert_eq!(fine, before + isc - canc, "{year}");
        }
        stock_before = got[0];
    }
    let md = std::fs::read_to_string(w.dir.join("bollettino.md")).unwrap();
    assert!(md.contains("Dal 2017 le liste non accolgono nuove iscrizioni"));
    assert!(md.contains("g14_mobilita_liste_serie"));
}

#[test]
fn bulletin_cig_workers_equal_the_indicator_and_ratios_follow_their_hours() {
    let (_, lake, w) = bulletin();
    let session = Session::open(lake).unwrap();
    let req = request(
        "cig_lavoratori",
        &["tipo_intervento"],
        "2015-01-01",
        "2016-12-31",
        Periodicity::Year,
        Mode::Confidential,
    );
    let t = compute(&session, &req).unwrap();
    let get = getter(&t);
    let t15 = csv_rows(&w.dir, "t15_cig_lavoratori_tipo");
    assert!(t15.len() >= 2, "{t15:?}");
    let columns = [
        ("Ore autorizzate, 2016", "2016", "ore_autorizzate"),
        ("Ore autorizzate, 2015", "2015", "ore_autorizzate"),
        ("Ore utilizzate", "2016", "ore_utilizzate"),
        ("Tiraggio %", "2016", "tiraggio"),
        ("Lavoratori", "2016", "lavoratori"),
        ("di cui a zero ore", "2016", "lavoratori_zero_ore"),
        (
            "Lavoratori equivalenti a zero ore (stima)",
            "2016",
            "lavoratori_equivalenti",
        ),
    ];
    let mut compared = 0;
    for r in &t15 {
        let label = &r["Tipo di intervento"];
        let code = match label.rsplit_once('(') {
            Some((_, c)) => c.trim_end_matches(')').to_string(),
            None => label.clone(),
        };
        let mut shown = HashMap::new();
        for (col, period, m) in columns {
            let v = published(r, col);
            if let Some(v) = v {
                assert!((v - get(period, &code, m)).abs() < 0.051, "t15 {label} {col}: {v}");
                compared += 1;
            }
            if period == "2016" {
                shown.insert(m, v.is_some());
            }
        }
        // A ratio is published only beside the hours it divides.
        if shown["tiraggio"] {
            assert!(shown["ore_utilizzate"], "{label}: take-up beside withheld used hours");
        }
        if shown["lavoratori_equivalenti"] {
            assert!(shown["ore_autorizzate"], "{label}: equivalents beside withheld hours");
        }
    }
    assert!(compared >= 8, "{compared} t15 cells compared");
    let md = std::fs::read_to_string(w.dir.join("bollettino.md")).unwrap();
    assert!(md.contains("i lavoratori con almeno un giorno di cassa integrazione nei dati individuali"));
}
