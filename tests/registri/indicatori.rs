//! The registered-unemployment indicator (`sql/indicatori/did.sql`): a hand-made file whose
//! every cell is derived by hand at the conventions' edges (release and end on the same day, an
//! end or a resumption on the month's last day, a benefit's last day), the synthetic province's
//! monthly truth by CPI and sex, the identities in every cell, and the threshold on persons
//! only (the records have no employer).

use super::motivi::{cf, write, DID_HEADER};
use super::{did, loaded, province};
use oml::analytics::indicators::{compute, Periodicity, Request, Table};
use oml::analytics::Session;
use oml::sdc::{Mode, Status};
use std::collections::{BTreeMap, HashMap};

fn request(by: &[&str], dal: &str, al: &str, mode: Mode) -> Request {
    Request {
        indicator: "did".into(),
        by: by.iter().map(|s| s.to_string()).collect(),
        period: Some((dal.parse().unwrap(), al.parse().unwrap())),
        periodicity: Periodicity::Month,
        totals: true,
        mode,
        territory: Default::default(),
        perimeter: Default::default(),
        parameters: BTreeMap::new(),
    }
}

/// (periodo, dims joined by '|', misura) → value (a missing row is 0).
pub(super) fn values(t: &Table) -> HashMap<(String, String, String), f64> {
    t.rows
        .iter()
        .map(|r| {
            let dims: Vec<&str> = r.dims.iter().map(|d| d.as_deref().unwrap_or("Totale")).collect();
            (
                (r.periodo.clone(), dims.join("|"), r.misura.clone()),
                r.valore.unwrap_or(f64::NAN),
            )
        })
        .collect()
}

/// Every identity the file declares holds exactly in every cell (details and margins).
pub(super) fn assert_identities(t: &Table) {
    let v = values(t);
    let cells: std::collections::BTreeSet<(String, String)> =
        v.keys().map(|(p, d, _)| (p.clone(), d.clone())).collect();
    assert!(!t.indicator.identities.is_empty());
    for (p, d) in &cells {
        let get = |m: &str| v.get(&(p.clone(), d.clone(), m.to_string())).copied().unwrap_or(0.0);
        for id in &t.indicator.identities {
            let rhs: f64 = id.plus.iter().map(|m| get(m)).sum::<f64>() - id.minus.iter().map(|m| get(m)).sum::<f64>();
            assert_eq!(
                get(&id.total),
                rhs,
                "{p} {d}: {} ≠ {:?} − {:?}",
                id.total,
                id.plus,
                id.minus
            );
        }
    }
}

#[test]
fn did_indicator_hand_derived_cells_at_the_conventions_edges() {
    let (d, lake) = super::super::tmp_lake("did-ind-hand");
    let (a, b, c, e) = (
        cf("RSSMRA85T10A562"),
        cf("BNCLCU90A41G999"),
        cf("VRDGNN70C15D612"),
        cf("NREPLA60M01G999"),
    );
    let rel = |id: &str, who: &str, day: &str, punto: &str| {
        format!("{id};{who};RILASCIO;{day};PO01;{punto};;02;;;;000;4;G999;Mario Rossi")
    };
    let ev = |id: &str, who: &str, kind: &str, day: &str, causa: &str, prest: &str| {
        format!("{id};{who};{kind};{day};;;;;{causa};{prest};;;;;")
    };
    let rows = [
        // D5: released a year before, ends on 1 January (decadenza): in January's opening stock.
        rel("D5", &e, "2019-01-01", "CPI"),
        ev("D5", &e, "FINE", "2020-01-01", "02", ""),
        // D1: suspended on 31 January (suspended in January's closing stock), resumed on
        // 29 February (no longer suspended that evening), ended by a hire on 31 March.
        rel("D1", &a, "2020-01-10", "CPI"),
        ev("D1", &a, "SOSPENSIONE", "2020-01-31", "LAVORO_BREVE", ""),
        ev("D1", &a, "RIPRESA", "2020-02-29", "", ""),
        ev("D1", &a, "FINE", "2020-03-31", "03", ""),
        // D2: online on 31 January, NASpI from 1 to 29 February (its last day counts).
        rel("D2", &b, "2020-01-31", "PORTALE"),
        ev("D2", &b, "PRESTAZIONE_INIZIO", "2020-02-01", "", "NASPI"),
        ev("D2", &b, "PRESTAZIONE_FINE", "2020-02-29", "", "NASPI"),
        // D3: released and withdrawn on the same day: a flow in and out, never in a stock.
        rel("D3", &c, "2020-02-15", "CPI"),
        ev("D3", &c, "FINE", "2020-02-15", "01", ""),
        // D4: the same person as D1, again, at a municipal desk: a repeat entrant.
        rel("D4", &a, "2020-04-01", "SPORTELLO_COMUNALE"),
    ];
    let rows: Vec<(&str, &str)> = rows.iter().map(|r| (r.as_str(), "-")).collect();
    let file = write(d.path(), "did.csv", DID_HEADER, &rows);
    let r = did(&lake, &[file]).unwrap();
    assert_eq!(r.caricati[0].quarantena, 0);
    let session = Session::open(&lake).unwrap();
    let t = compute(&session, &request(&[], "2020-01-01", "2020-04-30", Mode::Confidential)).unwrap();
    let v = values(&t);
    let get = |p: &str, m: &str| {
        v.get(&(p.to_string(), String::new(), m.to_string()))
            .copied()
            .unwrap_or(0.0)
    };
    #[rustfmt::skip]
    let expected: [(&str, &str, f64); 33] = [
        ("2020-01", "stock_inizio", 1.0), ("2020-01", "ingressi", 2.0), ("2020-01", "uscite", 1.0),
        ("2020-01", "stock_fine", 2.0), ("2020-01", "stock_fine_sospese", 1.0),
        ("2020-01", "stock_fine_con_prestazione", 0.0), ("2020-01", "ingressi_con_prestazione", 1.0),
        ("2020-01", "ingressi_cpi", 1.0), ("2020-01", "ingressi_portale", 1.0),
        ("2020-01", "uscite_decadenza", 1.0), ("2020-01", "uscite_durata_181_365", 1.0),
        ("2020-01", "stock_fine_durata_fino_90", 2.0), ("2020-01", "durata_mediana_stock_fine", 10.5),
        ("2020-02", "stock_inizio", 2.0), ("2020-02", "ingressi", 1.0), ("2020-02", "uscite", 1.0),
        ("2020-02", "uscite_istanza_lavoratore", 1.0), ("2020-02", "stock_fine", 2.0),
        ("2020-02", "stock_fine_sospese", 0.0), ("2020-02", "stock_fine_con_prestazione", 1.0),
        ("2020-02", "durata_mediana_uscite", 0.0),
        ("2020-03", "stock_inizio", 2.0), ("2020-03", "ingressi", 0.0), ("2020-03", "uscite", 1.0),
        ("2020-03", "uscite_assunzione", 1.0), ("2020-03", "uscite_durata_fino_90", 1.0),
        ("2020-03", "durata_mediana_uscite", 81.0), ("2020-03", "stock_fine", 1.0),
        ("2020-03", "stock_fine_con_prestazione", 0.0),
        ("2020-04", "ingressi", 1.0), ("2020-04", "ingressi_ripetuti", 1.0),
        ("2020-04", "ingressi_sportello_comunale", 1.0), ("2020-04", "stock_fine", 2.0),
    ];
    for (p, m, want) in expected {
        assert_eq!(get(p, m), want, "{p} {m}");
    }
    assert_eq!(get("2020-01", "ingressi_ripetuti"), 0.0);
    assert_identities(&t);
    // No employer behind any cell: the published n_datori is empty.
    assert!(t.rows.iter().all(|r| r.n_datori.is_none()));
    let b = t.to_batch().unwrap();
    assert_eq!(b.column_by_name("n_datori").unwrap().null_count(), b.num_rows());
}

#[test]
fn did_indicator_equals_the_synthetic_truth_and_protects_on_persons() {
    let (_d, lake) = loaded("did-ind-truth");
    let session = Session::open(&lake).unwrap();
    let t = compute(
        &session,
        &request(&["cpi", "sesso"], "2015-01-01", "2017-12-31", Mode::Confidential),
    )
    .unwrap();
    let v = values(&t);
    let mut r = csv::Reader::from_path(province().join("truth/did_stock_mensile.csv")).unwrap();
    let mut n = 0;
    for row in r.records() {
        let row = row.unwrap();
        let key = |m: &str| (row[0].to_string(), format!("{}|{}", &row[1], &row[2]), m.to_string());
        for (m, col) in [
            ("ingressi", 3),
            ("uscite", 4),
            ("stock_fine", 5),
            ("stock_fine_sospese", 6),
        ] {
            let want: f64 = row[col].parse().unwrap();
            assert_eq!(v.get(&key(m)).copied().unwrap_or(0.0), want, "{} {m}", &row[0]);
            n += 1;
        }
    }
    assert!(n > 100, "{n} cells compared");
    assert_identities(&t);
    // Protected: a cell is suppressed as primary only for fewer than 3 persons.
    let p = compute(
        &session,
        &request(&["cpi", "sesso"], "2015-01-01", "2017-12-31", Mode::default()),
    )
    .unwrap();
    for (row, s) in p.rows.iter().zip(&p.status) {
        if *s == Status::SuppressedPrimary {
            assert!(row.n_lavoratori < 3, "{row:?}");
        } else if row.n_lavoratori >= 3 && p.indicator.additive.contains(&row.misura) {
            assert_ne!(*s, Status::SuppressedPrimary);
        }
    }
    assert!(p.notes().iter().any(|n| n.contains("DID")));
}
