//! The CIG indicators (`sql/indicatori/cig_ore.sql`, `cig_beneficiari.sql`) against values
//! derived by hand from a small classic table, and against the synthetic province's truth
//! (`truth/cig_ore_mensili.csv` equals what the indicators compute after `oml ingest cig` of
//! the synth's `inps/` files).

use super::{load, opts};
use oml::analytics::indicators::{compute, Periodicity, Request, Table};
use oml::analytics::Session;
use oml::ingest::cig::ingest_cig;
use oml::sdc::{Mode, Status};
use std::collections::BTreeMap;

fn request(indicator: &str, by: &[&str], period: &str, p: Periodicity) -> Request {
    let (dal, al) = period.split_once("..").unwrap();
    Request {
        indicator: indicator.into(),
        by: by.iter().map(|s| s.to_string()).collect(),
        period: Some((dal.parse().unwrap(), al.parse().unwrap())),
        periodicity: p,
        totals: true,
        mode: Mode::default(),
        territory: Default::default(),
        perimeter: Default::default(),
        parameters: BTreeMap::new(),
    }
}

/// (periodo, dims joined by '|', misura) → (valore, status).
fn cells(t: &Table) -> BTreeMap<(String, String, String), (Option<f64>, Status)> {
    t.rows
        .iter()
        .zip(&t.status)
        .map(|(r, s)| {
            let dims: Vec<&str> = r.dims.iter().map(|d| d.as_deref().unwrap_or("Totale")).collect();
            ((r.periodo.clone(), dims.join("|"), r.misura.clone()), (r.valore, *s))
        })
        .collect()
}

fn value(c: &BTreeMap<(String, String, String), (Option<f64>, Status)>, p: &str, d: &str, m: &str) -> Option<f64> {
    c.get(&(p.into(), d.into(), m.into()))
        .unwrap_or_else(|| panic!("no cell {p} {d} {m}: {:?}", c.keys().collect::<Vec<_>>()))
        .0
}

const CLASSIC: &str = "anno;mese;provincia;settore;tipo_intervento;ore_autorizzate\r\n\
2023;gennaio;PO;Industria;CIGO;1700\r\n\
2023;gennaio;PO;Edilizia;CIGO;340\r\n\
2023;febbraio;PO;Industria;CIGS;850\r\n\
2023;marzo;PO;Industria;CIGO;170\r\n\
2024;gennaio;PO;Industria;CIGO;3400\r\n\
2024;febbraio;PO;Industria;CIGO;510\r\n\
2024;marzo;PO;Industria;CIGS;1020\r\n\
2024;marzo;FI;Industria;CIGO;999\r\n";

#[test]
fn cig_ore_hand_derived_hours_change_and_workers_at_zero_hours() {
    let (_d, lake) = super::super::tmp_lake("cig-ind");
    let file = lake.root.parent().unwrap().join("classica.csv");
    std::fs::write(&file, CLASSIC).unwrap();
    load(&lake, &[file], "2024-06-30").unwrap();
    let session = Session::open(&lake).unwrap();
    let by = ["tipo_intervento", "territorio"];
    let t = compute(
        &session,
        &request("cig_ore", &by, "2024-01-01..2024-03-31", Periodicity::Quarter),
    )
    .unwrap();
    let c = cells(&t);
    let q = "2024-Q1";
    // Prato (100), CIGO: 3400 + 510 this year; 1700 + 340 + 170 a year earlier.
    assert_eq!(value(&c, q, "CIGO|100", "ore_autorizzate"), Some(3910.0));
    assert_eq!(
        value(&c, q, "CIGO|100", "ore_autorizzate_anno_precedente"),
        Some(2210.0)
    );
    assert_eq!(value(&c, q, "CIGO|100", "variazione_percentuale"), Some(76.9)); // 1700/2210
    assert_eq!(value(&c, q, "CIGO|100", "lavoratori_equivalenti"), Some(7.7)); // 3910/(170×3)
    assert_eq!(value(&c, q, "CIGS|100", "variazione_percentuale"), Some(20.0)); // 1020 vs 850
    assert_eq!(value(&c, q, "CIGS|100", "lavoratori_equivalenti"), Some(2.0)); // 1020/510
                                                                               // Firenze (048): nothing a year earlier, so no percentage change.
    assert_eq!(value(&c, q, "CIGO|048", "ore_autorizzate_anno_precedente"), Some(0.0));
    assert_eq!(value(&c, q, "CIGO|048", "variazione_percentuale"), None);
    assert_eq!(
        c[&(q.into(), "CIGO|048".into(), "variazione_percentuale".into())].1,
        Status::NotAvailable
    );
    // Margins: recomputed sums.
    assert_eq!(value(&c, q, "Totale|100", "ore_autorizzate"), Some(4930.0));
    assert_eq!(value(&c, q, "Totale|100", "variazione_percentuale"), Some(61.1)); // 4930/3060
    assert_eq!(value(&c, q, "Totale|Totale", "ore_autorizzate"), Some(5929.0));
    assert_eq!(value(&c, q, "Totale|Totale", "lavoratori_equivalenti"), Some(11.6)); // 5929/510
                                                                                     // Public open data: nothing suppressed, no contributor counts, the divisor beside it.
    assert!(t
        .status
        .iter()
        .all(|s| matches!(s, Status::Public | Status::NotAvailable)));
    let batch = t.to_batch().unwrap();
    let div = batch.column_by_name("divisore_ore").unwrap();
    let div = div.as_any().downcast_ref::<arrow::array::StringArray>().unwrap();
    assert!((0..batch.num_rows()).all(|i| div.value(i) == "170"));
    assert_eq!(
        batch.column_by_name("n_lavoratori").unwrap().null_count(),
        batch.num_rows()
    );
    let notes = t.notes().join("\n");
    assert!(
        notes.contains("170 ore al mese") && notes.contains("livello provincia"),
        "{notes}"
    );
    // Another divisor, by month: 510 hours in February 2024 / 160.
    let mut r = request(
        "cig_ore",
        &["tipo_intervento"],
        "2024-02-01..2024-02-29",
        Periodicity::Month,
    );
    r.parameters.insert("divisore_ore".into(), "160".into());
    let t = compute(&session, &r).unwrap();
    let c = cells(&t);
    assert_eq!(value(&c, "2024-02", "CIGO", "lavoratori_equivalenti"), Some(3.2)); // 510/160 = 3.19
    assert_eq!(value(&c, "2024-02", "CIGO", "variazione_percentuale"), None); // 0 in Feb 2023
    assert!(t.notes().join("\n").contains("160 ore al mese"));
    // A period the file does not cover (it ends in March 2024) gives no rows, not zeros.
    let t = compute(
        &session,
        &request("cig_ore", &[], "2024-04-01..2024-06-30", Periodicity::Quarter),
    )
    .unwrap();
    assert!(t.rows.is_empty(), "{:?}", t.rows);
    // Breakdowns of the CO views are refused, and CIG breakdowns for the CO indicators.
    let e = compute(
        &session,
        &request("cig_ore", &["sesso"], "2024-01-01..2024-03-31", Periodicity::Quarter),
    );
    assert!(e.unwrap_err().to_string().contains("takes only these breakdowns"));
    let e = compute(
        &session,
        &request(
            "flussi",
            &["tipo_intervento"],
            "2024-01-01..2024-03-31",
            Periodicity::Quarter,
        ),
    );
    assert!(e
        .unwrap_err()
        .to_string()
        .contains("is a breakdown of these indicators only: cig_ore"));
}

/// truth/cig_ore_mensili.csv: (anno, mese, tipo) → (ore_autorizzate, lavoratori).
fn truth(dir: &std::path::Path) -> BTreeMap<(i32, u32, String), (f64, f64)> {
    let mut r = csv::Reader::from_path(dir.join("truth/cig_ore_mensili.csv")).unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (
                (rec[0].parse().unwrap(), rec[1].parse().unwrap(), rec[2].to_string()),
                (rec[3].parse().unwrap(), rec[5].parse().unwrap()),
            )
        })
        .collect()
}

#[test]
fn cig_indicators_equal_the_synthetic_truth() {
    let dir = super::super::synthetic();
    let (_d, lake) = super::super::tmp_lake("cig-truth");
    let files = vec![
        dir.join("inps/cig_fondi_ore.csv"),
        dir.join("inps/integrazioni_salariali_lavoratori.csv"),
    ];
    ingest_cig(&lake, &files, &opts("2025-01-31")).unwrap();
    let session = Session::open(&lake).unwrap();
    let truth = truth(dir);
    // The inps/ files carry the hours of the funds (format A: FIS, Altri fondi = the synth's
    // FONDI) and the workers of every type (format B: FONDI as FONDI_Centrali).
    let (first, last) = (truth.keys().next().unwrap().0, truth.keys().last().unwrap().0);
    let period = format!("{first}-01-01..{last}-12-31");
    for (indicator, misura, types) in [
        (
            "cig_ore",
            "ore_autorizzate",
            [("FIS", "FIS"), ("ALTRI_FONDI", "FONDI")].as_slice(),
        ),
        (
            "cig_beneficiari",
            "lavoratori",
            [
                ("CIGO", "CIGO"),
                ("CIGS", "CIGS"),
                ("FIS", "FIS"),
                ("FONDI_CENTRALI", "FONDI"),
            ]
            .as_slice(),
        ),
    ] {
        let t = compute(
            &session,
            &request(indicator, &["tipo_intervento"], &period, Periodicity::Month),
        )
        .unwrap();
        let c = cells(&t);
        let mut months = 0;
        let mut compared = 0;
        for ((periodo, dims, m), (v, status)) in &c {
            if m != misura || dims == "Totale" {
                continue;
            }
            assert_eq!(*status, Status::Public);
            months += 1;
            let (anno, mese) = periodo.split_once('-').unwrap();
            let key = |tipo: &str| {
                (
                    anno.parse::<i32>().unwrap(),
                    mese.parse::<u32>().unwrap(),
                    tipo.to_string(),
                )
            };
            let (_, truth_type) = types.iter().find(|(code, _)| code == dims).expect("a known type");
            let want = truth
                .get(&key(truth_type))
                .map_or(0.0, |(ore, lav)| if misura == "lavoratori" { *lav } else { *ore });
            assert_eq!(v.unwrap(), want, "{indicator} {periodo} {dims}");
            compared += 1;
        }
        // Every month of the truth with a value of these types is in a covered period.
        for ((anno, mese, tipo), (ore, lav)) in &truth {
            let Some((code, _)) = types.iter().find(|(_, t)| t == tipo) else {
                continue;
            };
            let want = if misura == "lavoratori" { *lav } else { *ore };
            let got = value(&c, &format!("{anno}-{mese:02}"), code, misura);
            assert_eq!(got, Some(want), "{indicator} {anno}-{mese} {tipo}");
        }
        assert!(months > 10 && compared == months, "{indicator}: {months} cells");
    }
    // The bulletin's figures: Prato has no provincial INPS data, so its region's, said so; the
    // quarter's total is the truth's FIS + FONDI hours of its three months.
    let last = truth.keys().last().unwrap().0;
    let period = oml::report::bulletin::BulletinPeriod::new(&format!("{last}-Q4").parse().unwrap()).unwrap();
    let from = chrono::NaiveDate::from_ymd_opt(last - 1, 1, 1).unwrap();
    let f = oml::report::bulletin::cig::figures(&session, &period, from, ("100", "Prato"), ("09", "Toscana"))
        .unwrap()
        .expect("the lake holds CIG hours");
    assert_eq!(
        (f.dove.as_str(), f.livello.as_str(), f.divisore.as_str()),
        ("in Toscana", "regione", "170")
    );
    assert!(
        f.fonte.contains("cig_fondi_ore.csv (vintage 2025-01-31)"),
        "{}",
        f.fonte
    );
    let want: f64 = truth
        .iter()
        .filter(|((y, m, t), _)| *y == last && *m >= 10 && (t == "FIS" || t == "FONDI"))
        .map(|(_, (ore, _))| ore)
        .sum();
    let total = f.periodo.iter().find(|p| p.tipo.is_none());
    match total {
        Some(t) => assert_eq!(t.ore, Some(want)),
        // Not covered: the data end before the quarter does.
        None => assert!(f.ultimo_mese.is_some_and(|(y, m)| (y, m) < (last, 12))),
    }
    assert!(!f.mensili.is_empty() && f.mensili.iter().all(|(_, v)| v.len() == f.tipi.len()));
}
