//! Disclosure control on the shared synthetic province (docs/riservatezza.md): interval
//! protection publishes most of the fine comune × settore × contratto table with the audits
//! clean, and the cell-key method perturbs every count consistently.

use super::{built_synthetic, run};
use oml::analytics::indicators::{Periodicity, Table};
use oml::sdc::{CellKeySalt, DisclosureConfig, Method, Mode, Status, Suppression};
use std::collections::BTreeMap;

const FINE: [&str; 3] = ["comune", "settore", "macro_contratto"];
const YEAR: Option<(&str, &str)> = Some(("2023-01-01", "2023-12-31"));

fn flussi(by: &[&str], mode: Mode) -> Table {
    run(built_synthetic(), "flussi", by, YEAR, Periodicity::Year, mode)
}

/// (breakdown values, measure) → (value, status).
type Cells = BTreeMap<(Vec<Option<String>>, String), (Option<f64>, Status)>;

fn cells(t: &Table) -> Cells {
    t.rows
        .iter()
        .zip(&t.status)
        .map(|(r, s)| ((r.dims.clone(), r.misura.clone()), (r.valore, *s)))
        .collect()
}

#[test]
fn interval_protection_publishes_most_of_the_fine_table() {
    let t = flussi(&FINE, Mode::default());
    let r = &t.report;
    assert_eq!(r.method, Method::Intervals);
    assert!(r.unprotected.is_empty() && r.irreparable.is_empty(), "{r}");
    assert_eq!(r.unaudited_components, 0);
    assert!(r.intervals_checked > 0 && r.intervals_checked == r.suppressed_primary);
    // The test province is smaller than the demo's (341 primary cells of 1,416): measured 63.2%
    // of the cells that meet the threshold (82.5% of the value), against 1.6% (17 of 1,075) with
    // the heuristic, whose hypercubes spread over the whole table. On the demo's province the
    // same table publishes 80.1% (the heuristic 55.3%; docs/riservatezza.md; tested in
    // tests/integration.rs).
    assert!(r.published_share() >= 0.6, "{r}");
    let heuristic = DisclosureConfig::default().with_suppression(Suppression::Heuristic);
    let h = flussi(&FINE, Mode::Protected(heuristic));
    assert_eq!(h.report.method, Method::Heuristic);
    eprintln!("riservatezza: intervals {r}\nheuristic {}", h.report);
    assert!(
        r.published_share() > h.report.published_share() + 0.4,
        "{r} / {}",
        h.report
    );
}

#[test]
fn the_cell_key_method_perturbs_every_count_consistently() {
    let salt = CellKeySalt(*b"0123456789abcdef");
    let mode = Mode::CellKey(DisclosureConfig::default(), salt);
    let truth = cells(&flussi(&FINE, Mode::Confidential));
    let fine = flussi(&FINE, mode);
    assert_eq!(fine.report.method, Method::CellKey);
    let published = cells(&fine);
    let mut deviations = 0.0;
    let mut n = 0.0;
    for (k, (v, s)) in &published {
        let (true_v, _) = truth[k];
        let (v, true_v) = (v.unwrap(), true_v.unwrap());
        if k.1 == "saldo" {
            continue;
        }
        if true_v == 0.0 {
            assert_eq!((v, *s), (0.0, Status::Ok), "zeros untouched: {k:?}");
            continue;
        }
        assert_eq!(*s, Status::Perturbed);
        assert!(
            v != 1.0 && v != 2.0 && v >= 0.0 && (v - true_v).abs() <= 2.0,
            "{k:?}: {true_v} -> {v}"
        );
        deviations += (v - true_v).powi(2);
        n += 1.0;
    }
    // Variance about 1 (the table's V; small values have 2): a sanity check on 1,000+ cells.
    assert!(
        n > 1000.0 && (0.6..1.6).contains(&(deviations / n)),
        "{}",
        deviations / n
    );
    // The saldo follows its perturbed counts in every cell.
    for ((dims, m), (v, _)) in &published {
        if m != "saldo" {
            continue;
        }
        let g = |m: &str| {
            published
                .get(&(dims.clone(), m.to_string()))
                .and_then(|x| x.0)
                .unwrap_or(0.0)
        };
        let derived =
            g("attivazioni") - g("cessazioni") + g("trasformazioni_in_entrata") - g("trasformazioni_in_uscita");
        assert_eq!(v.unwrap(), derived, "{dims:?}");
    }
    // The same cell, in another table and another run, has the same noise.
    let coarse = cells(&flussi(&["settore", "macro_contratto"], mode));
    let mut same = 0;
    for ((dims, m), (v, _)) in &coarse {
        let mut wide = vec![None];
        wide.extend(dims.iter().cloned());
        assert_eq!(published[&(wide, m.clone())].0, *v, "{dims:?} {m}");
        same += 1;
    }
    assert!(same > 50);
    assert_eq!(cells(&flussi(&FINE, mode)), published);
    // Another key, other noise.
    let other = cells(&flussi(
        &FINE,
        Mode::CellKey(DisclosureConfig::default(), CellKeySalt([7; 16])),
    ));
    assert_ne!(other, published);
}
