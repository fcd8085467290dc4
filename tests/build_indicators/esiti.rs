//! The outcomes of crisis measures (docs/esiti.md) on the synthetic province: the re-employment
//! of every DID against the generator's true relationships, the identities of the `esiti`
//! indicator in every cell, and the tables of `oml outcomes` (counts that add up, curves that
//! only rise, nothing under the threshold, the comparison balanced on what it matches).

use super::{built_synthetic, day, key, run, synthetic, true_relationships, values};
use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::Float64Type;
use oml::analytics::indicators::Periodicity;
use oml::analytics::outcomes::{self, MatchArea, Measure, Request, MIN_CURVE};
use oml::analytics::Session;
use oml::sdc::{Mode, Status};
use std::collections::{BTreeMap, HashMap};

#[test]
fn did_reemployment_matches_the_generator_truth() {
    let lake = built_synthetic();
    let horizon = day("2023-12-31");
    // The first true relationship each worker starts after a day.
    let mut starts: HashMap<String, Vec<i32>> = HashMap::new();
    for r in true_relationships(lake)
        .into_iter()
        .filter(|r| r.seen && r.start <= horizon)
    {
        starts.entry(r.worker).or_default().push(r.start);
    }
    for v in starts.values_mut() {
        v.sort_unstable();
    }
    let mut pseudo = oml::privacy::Pseudonymizer::new(&key());
    let hex = |id: [u8; 16]| {
        let mut h = [0u8; 32];
        oml::privacy::id_hex(&id, &mut h);
        String::from_utf8(h.to_vec()).unwrap()
    };
    let mut truth: BTreeMap<(String, i32), Option<i32>> = BTreeMap::new();
    let mut r = csv::Reader::from_path(synthetic().join("truth/did_episodi.csv")).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        let worker = hex(pseudo.worker(&rec[1]));
        let release = day(&rec[2]);
        let first = starts
            .get(&worker)
            .and_then(|v| v.iter().copied().find(|&s| s > release));
        truth.insert((worker, release), first);
    }
    let ours: BTreeMap<(String, i32), Option<i32>> = crate::query_strings(
        lake,
        "SELECT id_lavoratore, data_ingresso, data_rioccupazione FROM misure_esiti
         WHERE ruolo = 'ingresso' AND misura = 'DID'",
    )
    .into_iter()
    .map(|r| ((r[0].clone(), day(&r[1])), (!r[2].is_empty()).then(|| day(&r[2]))))
    .collect();
    assert_eq!(ours.len(), truth.len(), "one entry per true DID");
    let same = truth.iter().filter(|(k, v)| ours.get(*k) == Some(*v)).count();
    let reemployed = truth.values().filter(|v| v.is_some()).count();
    let share = same as f64 / truth.len() as f64;
    eprintln!(
        "DID re-employment vs truth: {same}/{} entries ({:.3} %), {reemployed} re-employed by the horizon",
        truth.len(),
        100.0 * share
    );
    assert!(truth.len() > 500 && reemployed > 200, "{} {reemployed}", truth.len());
    assert!(share >= 0.995, "{same}/{}", truth.len());
}

#[test]
fn the_stages_kept_give_the_views_themselves() {
    // oml outcomes, the esiti indicator and the bulletin compute the stages of misure_esiti one
    // by one into tables (ESITI_STAGES): the same rows as the views computed whole, every column.
    let s = Session::open(built_synthetic()).unwrap();
    let views = [
        "SELECT * REPLACE (entrate::VARCHAR AS entrate) FROM misure_esiti ORDER BY ruolo, id_ingresso",
        "SELECT * FROM misure_confronto ORDER BY misura, id_ingresso",
        "SELECT * FROM misure_rioccupazioni ORDER BY ALL",
    ];
    let whole: Vec<_> = views.iter().map(|q| crate::session_strings(&s, q)).collect();
    let staged: Vec<_> = s
        .with_kept(&oml::analytics::ESITI_STAGES, || {
            Ok(views.iter().map(|q| crate::session_strings(&s, q)).collect())
        })
        .unwrap();
    for ((w, k), q) in whole.iter().zip(&staged).zip(views) {
        assert!(w.len() > 1000, "{q}: {} rows", w.len());
        assert_eq!(w.len(), k.len(), "{q}");
        for (a, b) in w.iter().zip(k) {
            assert_eq!(a, b, "{q}");
        }
    }
    let separations = whole[0].iter().filter(|r| r[0] == "separazione").count();
    assert!(separations > 1000, "{separations} separations in the pool");
}

#[test]
fn esiti_identities_hold_in_every_cell() {
    let lake = built_synthetic();
    for by in [&["sesso", "tipo"][..], &["contratto_rioccupazione"][..]] {
        let t = run(
            lake,
            "esiti",
            by,
            Some(("2022-01-01", "2023-12-31")),
            Periodicity::Quarter,
            Mode::Confidential,
        );
        let v = values(&t);
        let cells: std::collections::BTreeSet<(String, String)> =
            v.keys().map(|(p, d, _)| (p.clone(), d.clone())).collect();
        assert!(cells.len() > 8, "{by:?}");
        for (p, d) in &cells {
            let get = |m: &str| {
                v.get(&(p.clone(), d.clone(), m.to_string()))
                    .copied()
                    .flatten()
                    .unwrap_or(0.0)
            };
            for id in &t.indicator.identities {
                let rhs: f64 =
                    id.plus.iter().map(|m| get(m)).sum::<f64>() - id.minus.iter().map(|m| get(m)).sum::<f64>();
                assert_eq!(get(&id.total), rhs, "{by:?} {p} {d}: {}", id.total);
            }
            // A cohort's windows: the observed at 12 months are among the observed at 3.
            assert!(get("osservati_12m") <= get("osservati_3m"), "{p} {d}");
            assert!(get("rioccupati_3m") <= get("rioccupati_12m") || get("osservati_12m") < get("osservati_3m"));
        }
    }
}

fn col<'a>(b: &'a RecordBatch, name: &str) -> &'a dyn Array {
    b.column_by_name(name)
        .unwrap_or_else(|| panic!("column {name}"))
        .as_ref()
}

fn text(b: &RecordBatch, name: &str, i: usize) -> String {
    col(b, name).as_string::<i32>().value(i).to_string()
}

fn number(b: &RecordBatch, name: &str, i: usize) -> Option<f64> {
    let a = col(b, name).as_primitive::<Float64Type>();
    (!a.is_null(i)).then(|| a.value(i))
}

#[test]
fn outcomes_add_up_rise_and_protect() {
    let lake = built_synthetic();
    let s = Session::open(lake).unwrap();
    let req = Request {
        measure: Measure::Did,
        period: Some((super::date("2022-01-01"), super::date("2023-06-30"))),
        periodicity: Periodicity::Quarter,
        by: vec!["sesso".into()],
        territory: Default::default(),
        mode: Mode::Protected(Default::default()),
        min_curve: MIN_CURVE,
        step: 30,
        max_days: 720,
        match_area: MatchArea::Cpi,
    };
    let o = outcomes::compute(&s, &req).unwrap();
    let t: BTreeMap<&str, &RecordBatch> = o.tables.iter().map(|(n, b)| (*n, b)).collect();
    assert_eq!(
        t.keys().copied().collect::<Vec<_>>(),
        ["bilanciamento", "confronto", "curve", "sintesi", "test"]
    );
    // Sintesi: published counts are 0 or at least 3 and add up in every published cohort.
    let b = t["sintesi"];
    let mut cohorts: BTreeMap<(String, String), BTreeMap<String, Option<f64>>> = BTreeMap::new();
    for i in 0..b.num_rows() {
        let status = text(b, "stato", i);
        let v = number(b, "valore", i);
        if Status::from_label(&status).unwrap().is_published() {
            // Every count (not an estimate in % or days) is 0 or at least the threshold.
            let m = text(b, "misura", i);
            let estimate = ["quota_", "incidenza_", "mediana_"].iter().any(|p| m.starts_with(p));
            assert!(estimate || v.is_none_or(|v| v == 0.0 || v >= 3.0), "{m}: {v:?}");
        } else {
            assert!(v.is_none());
        }
        cohorts
            .entry((text(b, "periodo", i), text(b, "sesso", i)))
            .or_default()
            .insert(text(b, "misura", i), v);
    }
    assert!(cohorts.len() >= 6 * 3, "{}", cohorts.len());
    let mut estimated = 0;
    for ((p, g), m) in &cohorts {
        if let (Some(Some(all)), Some(Some(a)), Some(Some(n))) = (
            m.get("ingressi"),
            m.get("ingressi_occupati"),
            m.get("ingressi_non_occupati"),
        ) {
            assert_eq!(*all, a + n, "{p} {g}");
        }
        if let (Some(Some(n)), Some(Some(r)), Some(Some(c))) =
            (m.get("ingressi_non_occupati"), m.get("rioccupati"), m.get("censurati"))
        {
            assert_eq!(*n, r + c, "{p} {g}");
        }
        if let (Some(Some(q3)), Some(Some(q12))) = (m.get("quota_rioccupati_3m"), m.get("quota_rioccupati_12m")) {
            assert!(q3 <= q12, "{p} {g}");
            let (Some(Some(f1)), Some(Some(f2))) =
                (m.get("incidenza_nuovo_datore_12m"), m.get("incidenza_richiamo_12m"))
            else {
                continue;
            };
            assert!((f1 + f2 - q12).abs() <= 0.11, "{p} {g}: {f1} + {f2} ≠ {q12}");
            estimated += 1;
        }
    }
    assert!(estimated >= 6, "{estimated}");
    // Curves: within a group the share re-employed never falls, the people at risk never rise.
    let c = t["curve"];
    assert!(c.num_rows() > 50);
    let mut last: HashMap<(String, String), (f64, f64)> = HashMap::new();
    for i in 0..c.num_rows() {
        let (Some(q), Some(r)) = (number(c, "quota_rioccupati", i), number(c, "a_rischio", i)) else {
            continue;
        };
        assert!(r >= 3.0);
        let k = (text(c, "periodo", i), text(c, "sesso", i));
        if let Some((q0, r0)) = last.insert(k, (q, r)) {
            assert!(q >= q0 && r <= r0);
        }
    }
    // The comparison: treated matched, the matched covariates balanced exactly, year of birth
    // (not matched, but within the age classes) below 0.1.
    let e = t["confronto"];
    let ok = (0..e.num_rows()).filter(|&i| text(e, "stato", i) == "ok").count();
    assert!(ok >= 3, "{ok}");
    let bal = t["bilanciamento"];
    for i in 0..bal.num_rows() {
        let v = text(bal, "variabile", i);
        let after = number(bal, "diff_std_dopo", i);
        let matched = col(bal, "abbinata").as_boolean().value(i);
        if matched {
            assert!(after.is_none_or(|d| d.abs() < 1e-9), "{v}: {after:?}");
        }
        if v == "anno_nascita" {
            let d = after.expect("year of birth balance");
            eprintln!(
                "anno_nascita: standardised difference {:?} before, {d} after",
                number(bal, "diff_std_prima", i)
            );
            assert!(d.abs() < 0.1, "{d}");
        }
    }
}
