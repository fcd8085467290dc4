//! The indicators over the mobility lists (`sql/indicatori/mobilita_liste.sql`) and the CIG
//! workers (`sql/indicatori/cig_lavoratori.sql`): hand-made files whose cells are derived by
//! hand at the conventions' edges (an iscrizione and a cancellazione on a month's last day, a
//! reiscrizione, a suspension; a CIG period across two months, the take-up, one employer
//! dominating the hours), the synthetic province's truth recounted here, the identities in
//! every cell.

use super::indicatori::{assert_identities, values};
use super::motivi::{cf, write, PIVA};
use super::{cig, loaded, mobilita, province};
use chrono::{Datelike, NaiveDate};
use oml::analytics::indicators::{catalog, compute, Periodicity, Request, Table};
use oml::analytics::Session;
use oml::sdc::{self, Mode, Status};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Two more valid partite IVA (office 001 and 002, Luhn check digit).
const PIVA2: &str = "12345670017";
const PIVA3: &str = "76543210025";

const MOB_HEADER: &str = "id_pratica;codice_fiscale;lista;evento;data_evento;causa;datore_codice_fiscale;\
data_licenziamento;indennita;data_fine_indennita;cpi;ateco_datore;sesso;cittadinanza;livello_istruzione;comune_domicilio";
const CIG_HEADER: &str = "codice_fiscale;datore_codice_fiscale;tipo_intervento;data_inizio;data_fine;ore_autorizzate;\
ore_utilizzate;zero_ore;numero_autorizzazione;causale;ateco_datore;comune_unita_produttiva";

pub(super) fn request(ind: &str, by: &[&str], dal: &str, al: &str, per: Periodicity, mode: Mode) -> Request {
    Request {
        indicator: ind.into(),
        by: by.iter().map(|s| s.to_string()).collect(),
        period: Some((dal.parse().unwrap(), al.parse().unwrap())),
        periodicity: per,
        totals: true,
        mode,
        territory: Default::default(),
        perimeter: Default::default(),
        parameters: BTreeMap::new(),
    }
}

/// The value of (periodo, dims, misura) in a table, 0 for a missing row.
pub(super) fn getter(t: &Table) -> impl Fn(&str, &str, &str) -> f64 {
    let v = values(t);
    move |p, d, m| {
        v.get(&(p.to_string(), d.to_string(), m.to_string()))
            .copied()
            .unwrap_or(0.0)
    }
}

fn date(s: &str) -> Option<NaiveDate> {
    (!s.is_empty()).then(|| s.parse().unwrap())
}

/// Every month of the years from `first` to `last`: (label, first day, last day).
fn months(first: i32, last: i32) -> Vec<(String, NaiveDate, NaiveDate)> {
    (first..=last)
        .flat_map(|y| (1..=12).map(move |m| (y, m)))
        .map(|(y, m)| {
            let start = NaiveDate::from_ymd_opt(y, m, 1).unwrap();
            let next = start.checked_add_months(chrono::Months::new(1)).unwrap();
            (format!("{y}-{m:02}"), start, next.pred_opt().unwrap())
        })
        .collect()
}

#[test]
fn mobilita_liste_hand_derived_cells_at_the_conventions_edges() {
    let (d, lake) = super::super::tmp_lake("mob-ind-hand");
    let (a, b, c, e) = (
        cf("RSSMRA85T10A562"),
        cf("BNCLCU90A41G999"),
        cf("VRDGNN70C15D612"),
        cf("NREPLA60M01G999"),
    );
    let isc = |id: &str, who: &str, lista: u8, day: &str, datore: &str, ind: &str, fine: &str| {
        format!("{id};{who};{lista};01;{day};;{datore};2015-05-29;{ind};{fine};PO01;13.20.00;M;000;4;G999")
    };
    let ev = |id: &str, who: &str, kind: &str, day: &str, causa: &str| {
        format!("{id};{who};1;{kind};{day};{causa};;;;;;;;;;")
    };
    let rows = [
        // M4: in the lists since June 2015, indennità until 29 February (its last day counts).
        isc("M4", &e, 1, "2015-06-01", PIVA, "SI", "2016-02-29"),
        // M1: entered on 31 December (in January's opening stock), indennità until 31 January;
        // cancelled on 31 January (hired for a term) and re-entered on 15 February: not an exit;
        // cancelled for good on 31 March (hired open-ended): out of March's closing stock.
        isc("M1", &a, 1, "2015-12-31", PIVA, "SI", "2016-01-31"),
        ev("M1", &a, "03", "2016-01-31", "01"),
        ev("M1", &a, "04", "2016-02-15", ""),
        ev("M1", &a, "03", "2016-03-31", "07"),
        // M2: list 2, entered on 31 January (January's closing stock), suspended in February:
        // still in the lists.
        isc("M2", &b, 2, "2016-01-31", PIVA2, "NO", ""),
        ev("M2", &b, "02", "2016-02-10", ""),
        // M3: entered and revoked (absent at the call) on the same day: in and out, never in a stock.
        isc("M3", &c, 1, "2016-02-01", PIVA2, "NO", ""),
        ev("M3", &c, "05", "2016-02-01", "08"),
    ];
    let rows: Vec<(&str, &str)> = rows.iter().map(|r| (r.as_str(), "-")).collect();
    let r = mobilita(&lake, &[write(d.path(), "mob.csv", MOB_HEADER, &rows)]).unwrap();
    assert_eq!(r.caricati[0].quarantena, 0);
    let session = Session::open(&lake).unwrap();
    let req = request(
        "mobilita_liste",
        &[],
        "2016-01-01",
        "2016-04-30",
        Periodicity::Month,
        Mode::Confidential,
    );
    let t = compute(&session, &req).unwrap();
    let get = getter(&t);
    #[rustfmt::skip]
    let expected: [(&str, &str, f64); 26] = [
        ("2016-01", "stock_inizio", 2.0), ("2016-01", "iscrizioni", 1.0), ("2016-01", "cancellazioni", 0.0),
        ("2016-01", "stock_fine", 3.0), ("2016-01", "stock_fine_con_indennita", 2.0),
        ("2016-02", "stock_inizio", 3.0), ("2016-02", "iscrizioni", 1.0), ("2016-02", "cancellazioni", 1.0),
        ("2016-02", "cancellazioni_decadenza", 1.0), ("2016-02", "stock_fine", 3.0),
        ("2016-02", "stock_fine_con_indennita", 1.0),
        ("2016-03", "stock_inizio", 3.0), ("2016-03", "iscrizioni", 0.0), ("2016-03", "cancellazioni", 1.0),
        ("2016-03", "cancellazioni_assunzione_indeterminato", 1.0),
        ("2016-03", "cancellazioni_assunzione_termine", 0.0), ("2016-03", "stock_fine", 2.0),
        ("2016-03", "stock_fine_con_indennita", 0.0),
        ("2016-04", "stock_inizio", 2.0), ("2016-04", "iscrizioni", 0.0), ("2016-04", "cancellazioni", 0.0),
        ("2016-04", "stock_fine", 2.0), ("2016-04", "cancellazioni_fine_lista", 0.0),
        ("2016-04", "cancellazioni_altre", 0.0), ("2016-01", "cancellazioni_assunzione_termine", 0.0),
        ("2016-02", "cancellazioni_altre", 0.0),
    ];
    for (p, m, want) in expected {
        assert_eq!(get(p, "", m), want, "{p} {m}");
    }
    assert_identities(&t);
    // The dismissing employers are known: January's closing stock has two of them.
    let row = t
        .rows
        .iter()
        .find(|r| r.periodo == "2016-01" && r.misura == "stock_fine")
        .unwrap();
    assert_eq!((row.n_lavoratori, row.n_datori), (3, Some(2)));
    // By list: M2 is the only pratica of list 2.
    let req = request(
        "mobilita_liste",
        &["lista"],
        "2016-01-01",
        "2016-04-30",
        Periodicity::Month,
        Mode::Confidential,
    );
    let t = compute(&session, &req).unwrap();
    assert_eq!(getter(&t)("2016-04", "2", "stock_fine"), 1.0);
    assert_eq!(getter(&t)("2016-04", "1", "stock_fine"), 1.0);
    assert!(t.notes().iter().any(|n| n.contains("L. 92/2012")));
}

/// The cause group of a DEC_CAUSA_EVENTO_MOBILITA code, as the file's header documents it.
fn gruppo(causa: &str) -> &'static str {
    match causa {
        "07" => "cancellazioni_assunzione_indeterminato",
        "01" | "02" | "10" => "cancellazioni_assunzione_termine",
        "05" => "cancellazioni_fine_lista",
        "06" | "08" => "cancellazioni_decadenza",
        _ => "cancellazioni_altre",
    }
}

#[test]
fn mobilita_liste_equals_the_synthetic_truth() {
    let (_d, lake) = loaded("mob-ind-truth");
    let session = Session::open(&lake).unwrap();
    let req = request(
        "mobilita_liste",
        &["lista"],
        "2015-01-01",
        "2017-12-31",
        Periodicity::Month,
        Mode::Confidential,
    );
    let t = compute(&session, &req).unwrap();
    let get = getter(&t);
    // (lista, iscrizione, cancellazione, causa) of every pratica of the truth.
    let mut r = csv::Reader::from_path(province().join("truth/mobilita.csv")).unwrap();
    let pratiche: Vec<(String, NaiveDate, Option<NaiveDate>, String)> = r
        .records()
        .map(|row| {
            let row = row.unwrap();
            (
                row[2].to_string(),
                date(&row[6]).unwrap(),
                date(&row[9]),
                row[10].to_string(),
            )
        })
        .collect();
    let mut n = 0;
    for (label, start, end) in months(2015, 2017) {
        for lista in ["1", "2", "Totale"] {
            let mut want: HashMap<&str, f64> = HashMap::new();
            for (l, isc, canc, causa) in &pratiche {
                if lista != "Totale" && l != lista {
                    continue;
                }
                let in_stock = |day: NaiveDate| *isc <= day && canc.is_none_or(|c| c > day);
                let mut add = |m: &'static str| *want.entry(m).or_default() += 1.0;
                if in_stock(start.pred_opt().unwrap()) {
                    add("stock_inizio");
                }
                if in_stock(end) {
                    add("stock_fine");
                }
                if (start..=end).contains(isc) {
                    add("iscrizioni");
                }
                if canc.is_some_and(|c| (start..=end).contains(&c)) {
                    add("cancellazioni");
                    add(gruppo(causa));
                }
            }
            for m in [
                "stock_inizio",
                "stock_fine",
                "iscrizioni",
                "cancellazioni",
                "cancellazioni_assunzione_indeterminato",
                "cancellazioni_assunzione_termine",
                "cancellazioni_fine_lista",
                "cancellazioni_decadenza",
                "cancellazioni_altre",
            ] {
                let w = want.get(m).copied().unwrap_or(0.0);
                assert_eq!(get(&label, lista, m), w, "{label} {lista} {m}");
                n += usize::from(w > 0.0);
            }
        }
        // No iscrizione from 2017 (L. 92/2012).
        if label.starts_with("2017") {
            assert_eq!(get(&label, "Totale", "iscrizioni"), 0.0);
        }
    }
    assert!(n > 50, "{n} non-empty cells compared");
    assert_identities(&t);
}

#[test]
fn cig_lavoratori_hand_case_pro_rata_take_up_and_dominance() {
    let (d, lake) = super::super::tmp_lake("cig-ind-hand");
    let (a, b, c, e) = (
        cf("RSSMRA85T10A562"),
        cf("BNCLCU90A41G999"),
        cf("VRDGNN70C15D612"),
        cf("NREPLA60M01G999"),
    );
    let rows = [
        // 30 days, 15 in January and 15 in February: half the hours in each month.
        format!("{a};{PIVA};CIGO;2020-01-17;2020-02-15;300;240;SI;;;13.20.00;G999"),
        format!("{b};{PIVA};CIGO;2020-01-01;2020-01-31;100;;NO;;;13.20.00;G999"),
        format!("{c};{PIVA2};CIGO;2020-01-01;2020-01-31;10;5;NO;;;13.20.00;G999"),
        format!("{e};{PIVA3};CIGS;2020-01-01;2020-01-31;10;4;;;;;"),
    ];
    let rows: Vec<(&str, &str)> = rows.iter().map(|r| (r.as_str(), "-")).collect();
    let r = cig(&lake, &[write(d.path(), "cig.csv", CIG_HEADER, &rows)]).unwrap();
    assert_eq!(r.caricati[0].quarantena, 0);
    let session = Session::open(&lake).unwrap();
    let month = |mode: Mode| {
        compute(
            &session,
            &request(
                "cig_lavoratori",
                &[],
                "2020-01-01",
                "2020-02-29",
                Periodicity::Month,
                mode,
            ),
        )
        .unwrap()
    };
    let t = month(Mode::Confidential);
    let get = getter(&t);
    #[rustfmt::skip]
    let expected: [(&str, &str, f64); 14] = [
        ("2020-01", "ore_autorizzate", 270.0), ("2020-01", "ore_utilizzate", 129.0),
        ("2020-01", "ore_autorizzate_con_utilizzo", 170.0), ("2020-01", "tiraggio", 75.9),
        ("2020-01", "lavoratori", 4.0), ("2020-01", "lavoratori_zero_ore", 1.0),
        ("2020-01", "lavoratori_equivalenti", 1.6),
        ("2020-02", "ore_autorizzate", 150.0), ("2020-02", "ore_utilizzate", 120.0),
        ("2020-02", "ore_autorizzate_con_utilizzo", 150.0), ("2020-02", "tiraggio", 80.0),
        ("2020-02", "lavoratori", 1.0), ("2020-02", "lavoratori_zero_ore", 1.0),
        ("2020-02", "lavoratori_equivalenti", 0.9),
    ];
    for (p, m, want) in expected {
        assert_eq!(get(p, "", m), want, "{p} {m}");
    }
    // The quarter adds up its months' hours; its equivalents divide by three months.
    let q = compute(
        &session,
        &request(
            "cig_lavoratori",
            &[],
            "2020-01-01",
            "2020-03-31",
            Periodicity::Quarter,
            Mode::Confidential,
        ),
    )
    .unwrap();
    assert_eq!(getter(&q)("2020-Q1", "", "ore_autorizzate"), 420.0);
    assert_eq!(getter(&q)("2020-Q1", "", "lavoratori_equivalenti"), 0.8);
    assert_eq!(getter(&q)("2020-Q1", "", "lavoratori"), 4.0);
    // By type: the CIGS worker alone. By sex: the one woman's record gives no used hours, so
    // her cell has no take-up.
    let by = |dim: &str| {
        compute(
            &session,
            &request(
                "cig_lavoratori",
                &[dim],
                "2020-01-01",
                "2020-01-31",
                Periodicity::Month,
                Mode::Confidential,
            ),
        )
        .unwrap()
    };
    assert_eq!(
        getter(&by("tipo_intervento"))("2020-01", "CIGS", "ore_autorizzate"),
        10.0
    );
    let sesso = by("sesso");
    assert_eq!(getter(&sesso)("2020-01", "F", "ore_autorizzate"), 100.0);
    assert!(!sesso
        .rows
        .iter()
        .any(|r| r.dims[0].as_deref() == Some("F") && r.misura == "tiraggio"));
    // Dominance: in January one employer holds 250 of 270 authorised hours and 120 of 129 used
    // hours (over 85 %): with (1, 85) the hours and the take-up are suppressed, the worker
    // counts (no contributions) are not; without the rule everything is published.
    let status = |t: &Table, p: &str, m: &str| {
        let i = t.rows.iter().position(|r| r.periodo == p && r.misura == m).unwrap();
        (t.rows[i].top, t.status[i])
    };
    let rule = |r: &str| Mode::Protected(sdc::DisclosureConfig::default().with_dominance(r.parse().unwrap()));
    let p = month(rule("1,85"));
    let (top, s) = status(&p, "2020-01", "ore_autorizzate");
    assert_eq!((top, s), (Some([250.0, 10.0]), Status::SuppressedPrimary));
    assert_eq!(status(&p, "2020-01", "tiraggio").1, Status::SuppressedPrimary);
    assert_eq!(status(&p, "2020-01", "lavoratori").1, Status::Ok);
    let p = month(rule("no"));
    for m in ["ore_autorizzate", "tiraggio", "lavoratori"] {
        assert_eq!(status(&p, "2020-01", m).1, Status::Ok, "{m}");
    }
}

#[test]
fn cig_lavoratori_equals_the_synthetic_truth() {
    let (_d, lake) = loaded("cig-ind-truth");
    let session = Session::open(&lake).unwrap();
    let req = request(
        "cig_lavoratori",
        &["tipo_intervento"],
        "2015-01-01",
        "2017-12-31",
        Periodicity::Month,
        Mode::Confidential,
    );
    let t = compute(&session, &req).unwrap();
    let get = getter(&t);
    let mut r = csv::Reader::from_path(province().join("truth/cig.csv")).unwrap();
    // (worker, type, first day, last day, authorised hours)
    let periods: Vec<(String, String, NaiveDate, NaiveDate, f64)> = r
        .records()
        .map(|row| {
            let row = row.unwrap();
            let (s, e) = (date(&row[3]).unwrap(), date(&row[4]).unwrap());
            (row[0].to_string(), row[2].to_string(), s, e, row[5].parse().unwrap())
        })
        .collect();
    assert!(
        periods.iter().any(|p| p.2.month() != p.3.month()),
        "a period spans months"
    );
    let mut n = 0;
    let mut yearly: BTreeMap<(i32, String), f64> = BTreeMap::new();
    for (label, start, end) in months(2015, 2017) {
        let mut ore: BTreeMap<&str, f64> = BTreeMap::new();
        let mut chi: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (w, tipo, s, e, h) in &periods {
            let (from, to) = ((*s).max(start), (*e).min(end));
            if from > to {
                continue;
            }
            let share = ((to - from).num_days() + 1) as f64 / ((*e - *s).num_days() + 1) as f64;
            for k in [tipo.as_str(), "Totale"] {
                *ore.entry(k).or_default() += h * share;
                chi.entry(k).or_default().insert(w);
            }
        }
        for (k, h) in &ore {
            let got = get(&label, k, "ore_autorizzate");
            assert!((got - h).abs() <= 0.05 + 1e-9, "{label} {k}: {got} vs {h}");
            assert_eq!(get(&label, k, "lavoratori"), chi[k].len() as f64, "{label} {k}");
            *yearly.entry((start.year(), k.to_string())).or_default() += h;
            n += 1;
        }
    }
    assert!(n > 20, "{n} cells compared");
    // The months add up to the year.
    let y = compute(
        &session,
        &request(
            "cig_lavoratori",
            &["tipo_intervento"],
            "2015-01-01",
            "2017-12-31",
            Periodicity::Year,
            Mode::Confidential,
        ),
    )
    .unwrap();
    for ((year, k), h) in &yearly {
        let got = getter(&y)(&year.to_string(), k, "ore_autorizzate");
        assert!((got - h).abs() <= 0.05 + 1e-6, "{year} {k}: {got} vs {h}");
    }
}

#[test]
fn indicators_list_shows_the_two_new_indicators() {
    let names: Vec<&str> = catalog().iter().map(|i| i.name).collect();
    for n in ["mobilita_liste", "cig_lavoratori"] {
        assert!(names.contains(&n), "{names:?}");
    }
    let mob = catalog().into_iter().find(|i| i.name == "mobilita_liste").unwrap();
    assert!(
        !mob.no_employers,
        "the dismissing employer is known: the employer threshold applies"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_oml"))
        .args(["indicators", "--list"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("mobilita_liste") && text.contains("cig_lavoratori"),
        "{text}"
    );
}
