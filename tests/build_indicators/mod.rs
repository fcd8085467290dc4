//! `oml build` and the indicator library: relationships against the generator's truth,
//! accounting identities in every cell, hand-derived values for every indicator, and
//! disclosure control on published tables.

mod carriere;
mod cubo;
mod esiti;
mod pendolarismo;
mod pendolarismo_od;
mod perimetro;
mod riferimento;
mod riservatezza;
mod transizioni;

use super::{fixtures, key, opts, synthetic, tmp_lake};
use crate::build;
use oml::analytics::indicators::{compute, Periodicity, Request, Table};
use oml::analytics::Session;
use oml::derive::BuildOptions;
use oml::ingest::ingest;
use oml::lake::Lake;
use oml::model::F;
use oml::sdc::{Mode, Status};
use std::collections::BTreeMap;
use std::sync::OnceLock;

fn date(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Day numbers (days from the common era) of a YYYY-MM-DD text.
fn day(s: &str) -> i32 {
    use chrono::Datelike;
    date(s).num_days_from_ce()
}

/// A true relationship of the synthetic province: worker and employer pseudonyms under the lake's
/// key (hex), first day, last day (None while open at the generator's end), and whether the CO show
/// it (its assunzione is in the extract, or it is a relationship of the initial stock with a later
/// communication in the lake).
struct TrueRelationship {
    worker: String,
    employer: String,
    start: i32,
    end: Option<i32>,
    seen: bool,
}

/// The generator's true relationships (`truth/rapporti.csv`, `truth/rapporti_pregressi.csv`).
fn true_relationships(lake: &Lake) -> Vec<TrueRelationship> {
    let stock_seen: std::collections::BTreeSet<(String, i32)> = crate::query_strings(
        lake,
        "SELECT DISTINCT id_lavoratore, data_inizio FROM rapporti WHERE NOT avviamento_nel_lago",
    )
    .into_iter()
    .map(|r| (r[0].clone(), day(&r[1])))
    .collect();
    let mut pseudo = oml::privacy::Pseudonymizer::new(&key());
    let hex = |id: [u8; 16]| {
        let mut h = [0u8; 32];
        oml::privacy::id_hex(&id, &mut h);
        String::from_utf8(h.to_vec()).unwrap()
    };
    let mut out = Vec::new();
    for f in ["truth/rapporti.csv", "truth/rapporti_pregressi.csv"] {
        let mut r = csv::Reader::from_path(synthetic().join(f)).unwrap();
        let h = r.headers().unwrap().clone();
        let col = |n: &str| h.iter().position(|x| x == n).unwrap();
        let (cf, cfd, inizio, fine) = (
            col("cf_lavoratore"),
            col("cf_datore"),
            col("data_inizio"),
            col("data_fine_effettiva"),
        );
        for rec in r.records() {
            let rec = rec.unwrap();
            let worker = hex(pseudo.worker(&rec[cf]));
            let start = day(&rec[inizio]);
            let seen = f == "truth/rapporti.csv" || stock_seen.contains(&(worker.clone(), start));
            out.push(TrueRelationship {
                employer: hex(pseudo.employer(&rec[cfd])),
                worker,
                start,
                end: (!rec[fine].is_empty()).then(|| day(&rec[fine])),
                seen,
            });
        }
    }
    out
}

/// The shared synthetic province, ingested and built once.
pub(crate) fn built_synthetic() -> &'static Lake {
    static LAKE: OnceLock<(tempfile::TempDir, Lake)> = OnceLock::new();
    &LAKE
        .get_or_init(|| {
            let (d, lake) = tmp_lake("build");
            ingest(&lake, &key(), &[synthetic().join("unilav")], &opts()).unwrap();
            build(&lake, &BuildOptions::default(), &|_, _, _| {}).unwrap();
            // The province's INPS open data too, as `oml demo` loads them (the cig_* indicators).
            let inps = ["cig_fondi_ore.csv", "integrazioni_salariali_lavoratori.csv"]
                .map(|f| synthetic().join("inps").join(f));
            let cig = oml::ingest::cig::CigOptions {
                format: None,
                land: oml::ingest::tables::LandOptions {
                    vintage: chrono::NaiveDate::from_ymd_opt(2024, 1, 31),
                    fail_before_commit: false,
                },
            };
            oml::ingest::cig::ingest_cig(&lake, &inps, &cig).unwrap();
            // And its records of the labour information system (did, cig_lavoratori, mobilita_liste).
            use oml::ingest::registri::{ingest as registro, CigLavoratori, Did, Mobilita};
            registro::<Did>(&lake, &key(), &[synthetic().join("did.csv")]).unwrap();
            registro::<CigLavoratori>(&lake, &key(), &[synthetic().join("cig_lavoratori.csv")]).unwrap();
            registro::<Mobilita>(&lake, &key(), &[synthetic().join("mobilita.csv")]).unwrap();
            (d, lake)
        })
        .1
}

fn run(lake: &Lake, name: &str, by: &[&str], period: Option<(&str, &str)>, p: Periodicity, mode: Mode) -> Table {
    let s = Session::open(lake).unwrap();
    compute(
        &s,
        &Request {
            indicator: name.into(),
            by: by.iter().map(|s| s.to_string()).collect(),
            period: period.map(|(a, b)| (date(a), date(b))),
            periodicity: p,
            totals: true,
            mode,
            territory: Default::default(),
            perimeter: Default::default(),
            parameters: Default::default(),
        },
    )
    .unwrap()
}

/// (periodo, dims joined by '|', misura) → value, for an unprotected table.
fn values(t: &Table) -> BTreeMap<(String, String, String), Option<f64>> {
    t.rows
        .iter()
        .map(|r| {
            let dims: Vec<&str> = r.dims.iter().map(|d| d.as_deref().unwrap_or("Totale")).collect();
            ((r.periodo.clone(), dims.join("|"), r.misura.clone()), r.valore)
        })
        .collect()
}

#[test]
fn rapporti_match_the_generator_truth() {
    let lake = built_synthetic();
    let m = lake.manifest().unwrap();
    let b = m.build.as_ref().unwrap();
    assert_eq!(b.eventi, b.eventi_applicati + b.eventi_non_applicati);
    assert_eq!(b.orizzonte, "2023-12-31");
    let truth = synthetic().join("truth/rapporti.csv");
    let s = Session::open(lake).unwrap();
    let sql = format!(
        "SELECT count(*), count(r.id_rapporto),
            count(*) FILTER (WHERE r.data_inizio::VARCHAR = t.data_inizio
                AND coalesce(r.data_fine_effettiva::VARCHAR, '') = coalesce(t.data_fine_effettiva, '')
                AND r.tipologia_contrattuale = t.tipologia_contrattuale
                AND r.cessazione_imputata::VARCHAR = t.cessazione_imputata),
            count(*) FILTER (WHERE coalesce(r.data_fine_prevista::VARCHAR, '') = coalesce(t.data_fine_prevista, '')),
            (SELECT count(*) FROM rapporti WHERE avviamento_nel_lago)
         FROM read_csv('{}', all_varchar = true) t
         LEFT JOIN rapporti r ON r.codice_comunicazione_avvio = t.codice_comunicazione_avvio",
        truth.display()
    );
    let (_, batches) = s.query(&sql).unwrap();
    let b = &batches[0];
    let n = |i: usize| {
        arrow::compute::cast(b.column(i), &arrow::datatypes::DataType::Int64)
            .unwrap()
            .as_any()
            .downcast_ref::<arrow::array::Int64Array>()
            .unwrap()
            .value(0)
    };
    let (total, matched, exact, prevista, ours) = (n(0), n(1), n(2), n(3), n(4));
    assert!(total > 5_000, "{total}");
    assert_eq!(matched, total, "every true relationship is rebuilt");
    assert_eq!(ours, total, "no relationship with an avviamento beyond the true ones");
    let share = exact as f64 / total as f64;
    assert!(share >= 0.999, "exact match {exact}/{total} = {share:.5}");
    assert!(
        prevista as f64 / total as f64 >= 0.999,
        "data_fine_prevista {prevista}/{total}"
    );
    eprintln!("rapporti vs truth: {exact}/{total} exact ({:.4} %)", 100.0 * share);
}

#[test]
fn positions_move_by_the_saldo_in_every_cell() {
    let lake = built_synthetic();
    let by = ["cpi", "settore", "macro_contratto"];
    let period = Some(("2022-01-01", "2023-12-31"));
    let f = values(&run(
        lake,
        "flussi",
        &by,
        period,
        Periodicity::Quarter,
        Mode::Confidential,
    ));
    let p = values(&run(
        lake,
        "posizioni",
        &by,
        period,
        Periodicity::Quarter,
        Mode::Confidential,
    ));
    let mut checked = 0;
    for ((periodo, dims, misura), v) in &p {
        if misura != "posizioni_fine" {
            continue;
        }
        let get = |m: &BTreeMap<_, Option<f64>>, per: &str, mis: &str| {
            m.get(&(per.to_string(), dims.clone(), mis.to_string()))
                .copied()
                .flatten()
                .unwrap_or(0.0)
        };
        let fine = v.unwrap();
        let inizio = get(&p, periodo, "posizioni_inizio");
        let saldo = get(&f, periodo, "saldo");
        let att = get(&f, periodo, "attivazioni");
        let ces = get(&f, periodo, "cessazioni");
        let tri = get(&f, periodo, "trasformazioni_in_entrata");
        let tru = get(&f, periodo, "trasformazioni_in_uscita");
        assert_eq!(fine, inizio + saldo, "{periodo} {dims}: {fine} != {inizio} + {saldo}");
        assert_eq!(saldo, att - ces + tri - tru, "{periodo} {dims}");
        if dims.ends_with("|Totale") {
            // Over all contracts the trasformazioni cancel out.
            assert_eq!(tri, tru, "{periodo} {dims}");
        }
        checked += 1;
    }
    assert!(checked > 500, "{checked} cells checked");
    // The stock at the start of a quarter is the stock at the end of the previous one.
    let quarters: Vec<String> = p
        .keys()
        .map(|k| k.0.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    for w in quarters.windows(2) {
        for ((per, dims, mis), v) in &p {
            if per == &w[1] && mis == "posizioni_inizio" {
                let prev = p
                    .get(&(w[0].clone(), dims.clone(), "posizioni_fine".into()))
                    .copied()
                    .flatten()
                    .unwrap_or(0.0);
                assert_eq!(v.unwrap(), prev, "{per} {dims}");
            }
        }
    }
}

#[test]
fn qwi_identities_hold_in_every_cell() {
    let lake = built_synthetic();
    let t = run(
        lake,
        "qwi",
        &["settore", "sesso"],
        None,
        Periodicity::Quarter,
        Mode::Confidential,
    );
    let v = values(&t);
    let cells: std::collections::BTreeSet<(String, String)> = v.keys().map(|k| (k.0.clone(), k.1.clone())).collect();
    let quarters: Vec<String> = cells
        .iter()
        .map(|c| c.0.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut checked = 0;
    for (per, dims) in &cells {
        let g = |m: &str| v.get(&(per.clone(), dims.clone(), m.to_string())).copied().flatten();
        let x = |m: &str| g(m).unwrap_or(0.0);
        assert_eq!(x("EmpEnd"), x("Emp") + x("HirAEnd") - x("SepBeg"), "{per} {dims}");
        assert_eq!(x("FrmJbC"), x("EmpEnd") - x("Emp"), "{per} {dims}");
        assert_eq!(x("FrmJbC"), x("FrmJbGn") - x("FrmJbLs"), "{per} {dims}");
        assert_eq!(x("EmpTotal"), x("Emp") + x("HirA"), "{per} {dims}");
        assert!(x("EmpS") <= x("Emp").min(x("EmpEnd")), "{per} {dims}");
        // New hires and recalls are both available (their sum is HirA) or neither is.
        let (hn, hr) = (g("HirN"), g("HirR"));
        if hn.is_some() || hr.is_some() {
            assert_eq!(hn.unwrap_or(0.0) + hr.unwrap_or(0.0), x("HirA"), "{per} {dims}");
        }
        if let Some(i) = quarters.iter().position(|q| q == per) {
            if let Some(next) = quarters.get(i + 1) {
                let emp_next = v
                    .get(&(next.clone(), dims.clone(), "Emp".into()))
                    .copied()
                    .flatten()
                    .unwrap_or(0.0);
                assert_eq!(emp_next, x("EmpEnd"), "Emp({next}) = EmpEnd({per}) {dims}");
            }
        }
        checked += 1;
    }
    assert!(checked > 50);
    // New hires need four quarters of history: not available in the first year of the lake.
    assert!(v
        .iter()
        .filter(|(k, _)| k.0.starts_with("2022") && k.2 == "HirN")
        .all(|(_, x)| x.is_none()));
    assert!(v
        .iter()
        .filter(|(k, _)| k.0.starts_with("2023") && k.2 == "HirN")
        .all(|(_, x)| x.is_some()));
}

#[test]
fn published_tables_respect_the_threshold_and_resist_differencing() {
    let lake = built_synthetic();
    let by = ["cpi", "ateco_divisione"];
    let period = Some(("2023-10-01", "2023-12-31"));
    let t = run(
        lake,
        "flussi",
        &by,
        period,
        Periodicity::Quarter,
        Mode::Protected(Default::default()),
    );
    let batch = t.to_batch().unwrap();
    let valore = batch.column_by_name("valore").unwrap();
    let mut suppressed = 0;
    for (i, r) in t.rows.iter().enumerate() {
        let st = t.status[i];
        if st == Status::Ok {
            let empty = r.valore == Some(0.0) && r.n_lavoratori == 0;
            assert!(
                empty || (r.n_lavoratori >= 3 && r.n_datori.is_none_or(|n| n >= 3)),
                "published under threshold: {r:?}"
            );
            assert!(arrow::array::Array::is_valid(valore, i));
        } else {
            assert!(
                arrow::array::Array::is_null(valore, i),
                "a withheld cell shows its value: {r:?}"
            );
            suppressed += 1;
        }
        if r.valore.is_some() && (r.n_lavoratori < 3 || r.n_datori.is_some_and(|n| n < 3)) && r.n_lavoratori > 0 {
            assert_eq!(st, Status::SuppressedPrimary, "{r:?}");
        }
    }
    assert!(
        t.report.suppressed_primary > 0 && t.report.suppressed_secondary > 0,
        "{}",
        t.report
    );
    assert!(suppressed > 0);
    // Differencing: rebuild the cells and equations and check that no withheld cell can be
    // worked out from the published ones, by any linear combination.
    let cells: Vec<oml::sdc::Cell> = t
        .rows
        .iter()
        .map(|r| {
            let mut key = vec![Some(r.periodo.clone())];
            key.extend(r.dims.iter().cloned());
            oml::sdc::Cell {
                key,
                measure: r.misura.clone(),
                value: r.valore,
                n_workers: r.n_lavoratori,
                n_employers: r.n_datori,
                additive: t.indicator.additive.contains(&r.misura),
                preset: None,
                top: None,
                cell_key: None,
                signed: t.indicator.signed.contains(&r.misura),
                headline: false,
            }
        })
        .collect();
    let eq = oml::sdc::cube_equations(&cells);
    assert!(!eq.is_empty());
    assert!(oml::sdc::recoverable(&cells, &eq, &t.status).is_empty());
    // And the plain attacker: no equation has exactly one withheld member.
    for e in &eq {
        let unknown = std::iter::once(e.total)
            .chain(e.parts.iter().copied())
            .filter(|&i| !t.status[i].is_published())
            .count();
        assert_ne!(unknown, 1, "a withheld cell is the difference of published ones");
    }
}

/// A hand-made year: five relationships whose indicators are derived by hand in the comments.
fn hand_lake() -> (tempfile::TempDir, Lake) {
    let (d, lake) = tmp_lake("hand");
    let w1 = fixtures::cf("RSSMRA85T10A562");
    let w2 = fixtures::cf("BNCLRA90A41G999");
    let w3 = fixtures::cf("VRDGPP75C15G999");
    let w4 = fixtures::cf("NREANN99E50A562");
    let d1 = "00743110157";
    let d2 = "01234560017";
    let mut recs = Vec::new();
    let mut n = 0;
    let mut rec =
        |cf: &str, datore: &str, ev: &str, sent: &str, inizio: &str, fine: &str, f: &dyn Fn(&mut oml::model::RawCo)| {
            n += 1;
            let mut r = fixtures::record(&format!("17000000009{n:05}"), cf);
            r.set(F::DatoreCodiceFiscale, datore);
            r.set(F::TipoEvento, ev);
            r.set(F::DataInvio, format!("{sent}T10:00:00"));
            r.set(F::DataInizio, inizio);
            r.set(F::DataFine, fine);
            f(&mut r);
            recs.push(r);
        };
    // R1: W1 at D1, TD 15 Jan - 31 Mar, prorogated to 30 Jun, no cessazione (imputed 30 Jun).
    rec(&w1, d1, "ASS", "2024-01-14", "2024-01-15", "2024-03-31", &|_| {});
    rec(&w1, d1, "PRO", "2024-03-28", "2024-01-15", "2024-03-31", &|r| {
        r.set(F::ProrogaDataFine, "2024-06-30")
    });
    // R2: W2 at D1, TD from 1 Feb, TD -> TI on 1 May, cessazione 30 Sep.
    rec(&w2, d1, "ASS", "2024-01-31", "2024-02-01", "2024-12-31", &|_| {});
    rec(&w2, d1, "TRS", "2024-05-02", "2024-02-01", "", &|r| {
        r.set(F::TipologiaContrattuale, "A.01.00");
        r.set(F::CodiceTrasformazione, "DI");
        r.set(F::DataTrasformazione, "2024-05-01");
    });
    rec(&w2, d1, "CES", "2024-10-01", "2024-02-01", "", &|r| {
        r.set(F::TipologiaContrattuale, "A.01.00");
        r.set(F::DataCessazione, "2024-09-30");
        r.set(F::CodiceCausaCessazione, "LI");
    });
    // R3: W3 at D2, TI part-time 20 h from 10 Mar, open.
    rec(&w3, d2, "ASS", "2024-03-09", "2024-03-10", "", &|r| {
        r.set(F::TipologiaContrattuale, "A.01.00");
        r.set(F::TipoOrario, "P");
        r.set(F::OreSettimanaliMedie, "20");
    });
    // R4: W4 at D2, one-day TD on 1 Apr (imputed).
    rec(&w4, d2, "ASS", "2024-03-31", "2024-04-01", "2024-04-01", &|_| {});
    // R5: W1 at D2, TD 1-10 Jul, cessazione on the day of the hire.
    rec(&w1, d2, "ASS", "2024-06-30", "2024-07-01", "2024-07-10", &|_| {});
    rec(&w1, d2, "CES", "2024-07-02", "2024-07-01", "2024-07-10", &|r| {
        r.set(F::DataCessazione, "2024-07-01");
        r.set(F::CodiceCausaCessazione, "LI");
    });
    let csv = d.path().join("mano.csv");
    let mut w = oml::sources::co_csv::CsvWriter::create(&csv).unwrap();
    for r in &recs {
        w.write(r).unwrap();
    }
    w.finish().unwrap();
    let rep = ingest(&lake, &key(), &[csv], &opts()).unwrap();
    let q = rep.run.unwrap().totali.quarantena;
    if q > 0 {
        let why = super::query_strings(
            &lake,
            "SELECT codice_comunicazione, motivo, campo, dettaglio FROM quarantena",
        );
        panic!("the hand-made records are valid, but {q} were quarantined: {why:?}");
    }
    let b = build(
        &lake,
        &BuildOptions {
            orizzonte: Some(date("2024-12-31")),
            inizio_copertura: Some(date("2024-01-01")),
            ..Default::default()
        },
        &|_, _, _| {},
    )
    .unwrap();
    assert_eq!((b.record.rapporti, b.record.eventi_non_applicati), (5, 0));
    (d, lake)
}

#[test]
fn every_indicator_matches_a_hand_derived_year() {
    let (_d, lake) = hand_lake();
    let year = Some(("2024-01-01", "2024-12-31"));
    let q = |name: &str, by: &[&str]| values(&run(&lake, name, by, year, Periodicity::Quarter, Mode::Confidential));
    let at = |v: &BTreeMap<(String, String, String), Option<f64>>, per: &str, dims: &str, m: &str| {
        v.get(&(per.to_string(), dims.to_string(), m.to_string()))
            .copied()
            .flatten()
    };
    // flussi, by contract. Q1: R1, R2 (TD) and R3 (TI) hired. Q2: R4 hired and ended the same
    // day, R1 ended 30 Jun (both imputed), R2 TD -> TI. Q3: R5 hired and ended, R2 ended.
    let f = q("flussi", &["macro_contratto"]);
    assert_eq!(at(&f, "2024-Q1", "Totale", "attivazioni"), Some(3.0));
    assert_eq!(at(&f, "2024-Q1", "TD", "attivazioni"), Some(2.0));
    assert_eq!(at(&f, "2024-Q2", "Totale", "cessazioni"), Some(2.0));
    assert_eq!(at(&f, "2024-Q2", "Totale", "cessazioni_imputate"), Some(2.0));
    assert_eq!(at(&f, "2024-Q2", "TD", "saldo"), Some(-2.0)); // 1 - 2 + 0 - 1
    assert_eq!(at(&f, "2024-Q2", "TI", "saldo"), Some(1.0)); // 0 - 0 + 1 - 0
    assert_eq!(at(&f, "2024-Q2", "Totale", "saldo"), Some(-1.0));
    assert_eq!(at(&f, "2024-Q3", "Totale", "cessazioni_comunicate"), Some(2.0));
    assert_eq!(at(&f, "2024-Q3", "TI", "cessazioni"), Some(1.0));
    // posizioni: end of Q1 R1, R2, R3; end of Q2 R2, R3 (R1's last day is 30 Jun); end of Q3 R3.
    let p = q("posizioni", &["macro_contratto"]);
    assert_eq!(at(&p, "2024-Q1", "Totale", "posizioni_inizio"), None, "0: no row");
    assert_eq!(at(&p, "2024-Q1", "Totale", "posizioni_fine"), Some(3.0));
    assert_eq!(at(&p, "2024-Q2", "Totale", "posizioni_fine"), Some(2.0));
    assert_eq!(at(&p, "2024-Q2", "TI", "posizioni_fine"), Some(2.0));
    assert_eq!(at(&p, "2024-Q2", "TD", "posizioni_inizio"), Some(2.0));
    assert_eq!(at(&p, "2024-Q3", "Totale", "posizioni_fine"), Some(1.0));
    assert_eq!(at(&p, "2024-Q4", "Totale", "variazione"), Some(0.0));
    // giornate, Q1: R1 15 Jan - 31 Mar = 77, R2 1 Feb - 31 Mar = 60, R3 10 - 31 Mar = 22;
    // ula = (77 + 60 + 22 x 20/40) / 91 = 148 / 91 = 1.6.
    let g = q("giornate", &[]);
    assert_eq!(at(&g, "2024-Q1", "", "giornate"), Some(159.0));
    assert_eq!(at(&g, "2024-Q1", "", "ula"), Some(1.6));
    // Q4: only R3, 92 days x 0.5 / 92 = 0.5.
    assert_eq!(at(&g, "2024-Q4", "", "giornate"), Some(92.0));
    assert_eq!(at(&g, "2024-Q4", "", "ula"), Some(0.5));
    // durate, Q2 endings: R4 (1 day) and R1 (15 Jan - 30 Jun = 168 days).
    let d = q("durate", &[]);
    assert_eq!(at(&d, "2024-Q2", "", "durata_effettiva_media"), Some(84.5));
    assert_eq!(at(&d, "2024-Q2", "", "durata_effettiva_mediana"), Some(84.5));
    assert_eq!(at(&d, "2024-Q2", "", "quota_effettiva_fino_1"), Some(50.0));
    assert_eq!(at(&d, "2024-Q2", "", "quota_effettiva_fino_30"), Some(50.0));
    // Q3: R5 lasted 1 day (cessazione on the day of the hire), R2 1 Feb - 30 Sep = 243 days.
    assert_eq!(at(&d, "2024-Q3", "", "quota_effettiva_fino_1"), Some(50.0));
    assert_eq!(at(&d, "2024-Q3", "", "durata_effettiva_media"), Some(122.0));
    // Q1 hires with an expected end: R1 (15 Jan - 31 Mar = 77), R2 (1 Feb - 31 Dec = 335).
    assert_eq!(at(&d, "2024-Q1", "", "durata_prevista_media"), Some(206.0));
    // lavoratori interessati over the year: W1 twice, W2, W3, W4 = 4 workers, 5 attivazioni.
    let y = values(&run(
        &lake,
        "lavoratori_interessati",
        &[],
        year,
        Periodicity::Year,
        Mode::Confidential,
    ));
    assert_eq!(at(&y, "2024", "", "lavoratori_interessati"), Some(4.0));
    assert_eq!(at(&y, "2024", "", "attivazioni_per_lavoratore"), Some(1.25));
    // datori: Q3 D1 (R2) and D2 (R3, R5) active, only D2 hires; Q4 only D2.
    let da = q("datori_attivi", &[]);
    assert_eq!(at(&da, "2024-Q3", "", "datori_attivi"), Some(2.0));
    assert_eq!(at(&da, "2024-Q3", "", "datori_che_assumono"), Some(1.0));
    assert_eq!(at(&da, "2024-Q4", "", "datori_attivi"), Some(1.0));
    let pr = q("proroghe", &[]);
    assert_eq!(at(&pr, "2024-Q1", "", "proroghe"), Some(1.0));
    let tr = q("trasformazioni", &["codice_trasformazione"]);
    assert_eq!(at(&tr, "2024-Q2", "DI", "trasformazioni_a_ti"), Some(1.0));
    assert_eq!(at(&tr, "2024-Q2", "Totale", "trasformazioni"), Some(1.0));
    // QWI, Q2: Emp = R1, R2, R3; EmpEnd = R2, R3; HirA = R4; Sep = R4, R1; SepBeg = R1;
    // HirAEnd = 0; EmpS = R2, R3; by employer D1 2 -> 1, D2 1 -> 1: FrmJbGn 0, FrmJbLs 1.
    let w = q("qwi", &[]);
    for (m, x) in [
        ("Emp", 3.0),
        ("EmpEnd", 2.0),
        ("EmpS", 2.0),
        ("EmpTotal", 4.0),
        ("HirA", 1.0),
        ("Sep", 2.0),
        ("SepBeg", 1.0),
        ("FrmJbGn", 0.0),
        ("FrmJbLs", 1.0),
        ("FrmJbC", -1.0),
    ] {
        assert_eq!(at(&w, "2024-Q2", "", m), Some(x), "{m}");
    }
    assert_eq!(at(&w, "2024-Q2", "", "HirAEnd"), None, "0: no row");
    // The lake starts in 2024: no four quarters of history for HirN.
    assert_eq!(at(&w, "2024-Q2", "", "HirN"), None);
    // transizioni: R1 (W1 at D1) ends on 30 Jun and W1 starts R5 at D2 on 1 Jul: one transition,
    // counted in Q2. R2, R4 and R5 end with no new relationship within 30 days.
    let t = q("transizioni", &[]);
    assert_eq!(at(&t, "2024-Q2", "", "transizioni"), Some(1.0));
    assert_eq!(t.keys().filter(|k| k.2 == "transizioni").count(), 1, "{t:?}");
    // j2j (coverage from 1 Jan, AQHire limit 91 days). Hires: R1, R2, R3 less than 91 days into
    // the window (not observed); R4 on 1 Apr after 91 days of window without a job (ENPersist);
    // R5 the day after R1's last (EE). Exits: R1 → R5 with no gap (EE, Q2); R4, R5, R2 with no
    // job within 91 days (NEPersist; R2's 30 Sep + 92 days is the horizon); R3 open.
    // Employment at the start: Q2 R1, R2, R3; Q3 R2, R3.
    let j = q("j2j", &[]);
    for (per, m, x) in [
        ("2024-Q1", "assunzioni", 3.0),
        ("2024-Q1", "ingressi_non_osservati", 3.0),
        ("2024-Q2", "ENPersist", 1.0),
        ("2024-Q2", "uscite_EE", 1.0),
        ("2024-Q2", "NEPersist", 1.0),
        ("2024-Q2", "cessazioni", 2.0),
        ("2024-Q2", "occupazione_inizio", 3.0),
        ("2024-Q2", "tasso_ENPersist", 33.33),
        ("2024-Q3", "EE", 1.0),
        ("2024-Q3", "J2J", 1.0),
        ("2024-Q3", "NEPersist", 2.0),
        ("2024-Q3", "occupazione_inizio", 2.0),
        ("2024-Q3", "tasso_J2J", 50.0),
        ("2024-Q3", "tasso_EE", 50.0),
    ] {
        assert_eq!(at(&j, per, "", m), Some(x), "{per} {m}");
    }
    assert_eq!(at(&j, "2024-Q1", "", "occupazione_inizio"), None, "0: no row");
    // matrice_transizioni by contract: R1 (TD) → R5 (TD) in Q2, and R2's TD → TI trasformazione.
    let s = Session::open(&lake).unwrap();
    let m = values(
        &compute(
            &s,
            &Request {
                indicator: "matrice_transizioni".into(),
                by: vec!["origine".into(), "destinazione".into()],
                period: Some((date("2024-01-01"), date("2024-12-31"))),
                periodicity: Periodicity::Quarter,
                totals: true,
                mode: Mode::Confidential,
                territory: Default::default(),
                perimeter: Default::default(),
                parameters: [("asse".to_string(), "contratto".to_string())].into(),
            },
        )
        .unwrap(),
    );
    assert_eq!(at(&m, "2024-Q2", "TD|TD", "transizioni"), Some(1.0));
    assert_eq!(at(&m, "2024-Q2", "TD|TD", "EE"), Some(1.0));
    assert_eq!(at(&m, "2024-Q2", "TD|Totale", "tasso_permanenza"), Some(100.0));
    assert_eq!(at(&m, "2024-Q2", "TD|TI", "trasformazioni"), Some(1.0));
    assert_eq!(
        at(&m, "2024-Q2", "TD|TD", "tasso_permanenza"),
        None,
        "only without destinazione"
    );
    assert_eq!(
        m.keys().filter(|k| k.2 == "transizioni").count(),
        4,
        "TD|TD and its margins: {m:?}"
    );
}

#[test]
fn an_ingest_drops_the_relationships_and_a_crash_during_build_changes_nothing() {
    let (d, lake) = hand_lake();
    let before = std::fs::read_to_string(lake.root.join("_manifest.json")).unwrap();
    let err = build(
        &lake,
        &BuildOptions {
            fail_before_commit: true,
            ..Default::default()
        },
        &|_, _, _| {},
    );
    assert!(err.is_err());
    assert_eq!(
        std::fs::read_to_string(lake.root.join("_manifest.json")).unwrap(),
        before
    );
    assert_eq!(
        super::count(&lake, "SELECT count(*) FROM rapporti"),
        5,
        "the committed relationships are still there"
    );
    // A new ingest (here a new extract holding one communication already in the lake, which
    // goes to quarantine as a duplicate) makes the relationships stale: they are dropped
    // until the next build.
    let csv = d.path().join("mano.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let extra = d.path().join("altro.csv");
    let first_two: Vec<&str> = text.lines().take(2).collect();
    std::fs::write(&extra, first_two.join("\n") + "\n").unwrap();
    ingest(&lake, &key(), &[extra], &opts()).unwrap();
    assert!(lake.manifest().unwrap().build.is_none());
    assert_eq!(super::count(&lake, "SELECT count(*) FROM rapporti"), 0);
}

#[test]
fn the_cli_exports_protected_indicators_to_every_format() {
    let (d, lake) = hand_lake();
    let l = lake.root.to_string_lossy().to_string();
    let run = |extra: &[&str]| {
        let mut args = vec!["--lake", l.as_str(), "indicators"];
        args.extend_from_slice(extra);
        super::oml(&args, d.path(), &[])
    };
    // The hand-made year has 4 workers and 2 employers: every non-empty cell is suppressed.
    let (ok, out, err) = run(&["flussi", "--period", "2024", "--format", "csv"]);
    assert!(ok, "{err}");
    assert!(
        out.starts_with("periodo,misura,valore,stato,codice_stato,n_lavoratori,n_datori"),
        "{out}"
    );
    assert!(out.contains("2024,attivazioni,,soppressa_primaria,5,,"), "{out}");
    let (ok, out, err) = run(&["flussi", "--period", "2024", "--format", "json", "--confidential"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("\"misura\":\"attivazioni\",\"valore\":5.0,\"stato\":\"riservata\""),
        "{out}"
    );
    let pq = d.path().join("flussi.parquet");
    let (ok, _, err) = run(&[
        "flussi",
        "--by",
        "macro_contratto",
        "--format",
        "parquet",
        "--out",
        &pq.to_string_lossy(),
    ]);
    assert!(ok, "{err}");
    let rows: usize = oml::lake::read_file(&pq).unwrap().iter().map(|b| b.num_rows()).sum();
    assert!(rows > 0);
    let xl = d.path().join("qwi.xlsx");
    let (ok, _, err) = run(&["qwi", "--format", "xlsx", "--out", &xl.to_string_lossy()]);
    assert!(ok, "{err}");
    assert!(std::fs::metadata(&xl).unwrap().len() > 1000);
    // Thresholds below the legal minimum are refused; unknown breakdowns are explained.
    let (ok, _, err) = run(&["flussi", "--min-workers", "2"]);
    assert!(!ok && err.contains('3'), "{err}");
    let (ok, _, err) = run(&["flussi", "--by", "colore"]);
    assert!(!ok && err.contains("available"), "{err}");
}

/// The SQL researchers run by hand (the lake's `views.sql`, then any file of
/// `sql/indicatori/`) gives the same rows in the Python `duckdb` package of the pinned release
/// and of the newest one as in OML's embedded engine. `OML_PYDUCKDB` lists folders, separated
/// by `:`, each holding one version of the package (`pip install --target DIR duckdb==X`);
/// `.ci/run` installs 1.5.6 and the newest 2.0.x and sets `OML_REQUIRE_PYDUCKDB`.
#[test]
fn python_duckdb_runs_the_views_and_indicators() {
    let dirs = crate::python_duckdb_dirs("python_duckdb_runs_the_views_and_indicators");
    if dirs.is_empty() {
        return;
    }
    let lake = built_synthetic();
    let root = std::fs::canonicalize(&lake.root).unwrap();
    let sql_dir = std::fs::canonicalize("sql/indicatori").unwrap();
    let (by, periodicity, dal, al) = ("settore,macro_contratto", "trimestre", "2022-01-01", "2023-12-31");

    // The embedded engine, with the same settings.
    let s = Session::open(lake).unwrap();
    s.conn
        .execute_batch(&format!(
            "SET VARIABLE oml_per = ['settore', 'macro_contratto']::VARCHAR[];
             SET VARIABLE oml_periodicita = '{periodicity}';
             SET VARIABLE oml_dal = DATE '{dal}'; SET VARIABLE oml_al = DATE '{al}';"
        ))
        .unwrap();
    let mut embedded: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for entry in std::fs::read_dir(&sql_dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "sql") {
            let (_, batches) = s.query(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let opts = arrow::util::display::FormatOptions::default().with_null("");
            let mut rows = Vec::new();
            for b in &batches {
                let cols: Vec<_> = b
                    .columns()
                    .iter()
                    .map(|c| arrow::util::display::ArrayFormatter::try_new(c.as_ref(), &opts).unwrap())
                    .collect();
                for i in 0..b.num_rows() {
                    rows.push(cols.iter().map(|c| c.value(i).to_string()).collect());
                }
            }
            embedded.insert(path.file_name().unwrap().to_string_lossy().into_owned(), rows);
        }
    }
    assert!(embedded.len() >= 10, "{:?}", embedded.keys());

    for dir in &dirs {
        let v = crate::python_duckdb(
            dir,
            "duckdb_sql.py",
            &[
                root.to_str().unwrap(),
                sql_dir.to_str().unwrap(),
                by,
                periodicity,
                dal,
                al,
            ],
        );
        let version = v["version"].as_str().unwrap();
        let results = v["results"].as_object().unwrap();
        assert_eq!(results.len(), embedded.len(), "duckdb {version}");
        for (file, ours) in &embedded {
            let theirs: Vec<Vec<String>> = results[file]["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    r.as_array()
                        .unwrap()
                        .iter()
                        .map(|c| c.as_str().unwrap().to_string())
                        .collect()
                })
                .collect();
            assert_eq!(theirs.len(), ours.len(), "duckdb {version}, {file}: rows");
            // The lists took no entries from 2017: a 2022–2023 province has none.
            assert!(!ours.is_empty() || file == "mobilita_liste.sql", "{file} gives rows");
            for (a, b) in theirs.iter().zip(ours) {
                let same = a.len() == b.len()
                    && a.iter().zip(b).all(|(x, y)| {
                        x == y
                            || matches!((x.parse::<f64>(), y.parse::<f64>()),
                                (Ok(p), Ok(q)) if (p - q).abs() <= 1e-9 * p.abs().max(1.0))
                    });
                assert!(same, "duckdb {version}, {file}: {a:?} vs {b:?}");
            }
        }
        eprintln!(
            "python duckdb {version}: {} indicator files, same rows as the embedded engine",
            results.len()
        );
    }
}
