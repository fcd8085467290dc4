//! The cohort tables on hand-made entries: values derived by hand, a cohort everyone in is
//! censored, a person with two entries in one quarter, and the disclosure rules.

use super::cohorts::{self, Rules};
use super::entries::{date, Entry};
use crate::model::period::Periodicity;
use crate::sdc::{DisclosureConfig, Mode};
use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::Float64Type;
use chrono::NaiveDate;

fn day(s: &str) -> i32 {
    (s.parse::<NaiveDate>().unwrap() - date(0)).num_days() as i32
}

fn entry(worker: &str, day0: &str, after: Option<i32>, recall: bool) -> Entry {
    let d0 = day(day0);
    Entry {
        worker: worker.into(),
        employer: None,
        day0: d0,
        reemployed: after.map(|a| d0 + a),
        recall,
        suspect: false,
        employed: false,
        groups: vec![],
    }
}

fn rules(mode: Mode) -> Rules {
    Rules {
        periodicity: Periodicity::Quarter,
        by: vec![],
        horizon: day("2023-12-31"),
        mode,
        min_curve: 3,
        step: 30,
        max_days: 120,
        level: 0.95,
    }
}

/// (misura → (valore, stato)) of the summary rows of one period.
fn summary(b: &RecordBatch, period: &str) -> std::collections::BTreeMap<String, (Option<f64>, String)> {
    let p = b.column_by_name("periodo").unwrap().as_string::<i32>();
    let m = b.column_by_name("misura").unwrap().as_string::<i32>();
    let v = b.column_by_name("valore").unwrap().as_primitive::<Float64Type>();
    let s = b.column_by_name("stato").unwrap().as_string::<i32>();
    (0..b.num_rows())
        .filter(|&i| p.value(i) == period)
        .map(|i| {
            let value = (!v.is_null(i)).then(|| v.value(i));
            (m.value(i).to_string(), (value, s.value(i).to_string()))
        })
        .collect()
}

#[test]
fn kaplan_meier_and_competing_outcomes_by_hand() {
    // Re-employed after 10 days (new employer), 20 (recall), 30 (new employer); one followed to
    // the horizon, 100 days after entry. S: 3/4 at 10, 1/2 at 20, 1/4 at 30; at 91 days one is
    // still followed: re-employed 75 %, of which a new employer 1/4 + 1/2·1/2 = 50 % and a recall
    // 3/4·1/3 = 25 %. Median: 20 days (S reaches 1/2).
    let e = vec![
        entry("a", "2023-09-10", Some(10), false),
        entry("b", "2023-09-10", Some(20), true),
        entry("c", "2023-09-10", Some(30), false),
        entry("d", "2023-09-22", None, false),
    ];
    let t = cohorts::tables(&e, &rules(Mode::Confidential)).unwrap();
    let s = summary(&t.summary, "2023-Q3");
    assert_eq!(s["ingressi"].0, Some(4.0));
    assert_eq!(s["rioccupati"].0, Some(3.0));
    assert_eq!(s["richiami"].0, Some(1.0));
    assert_eq!(s["censurati"].0, Some(1.0));
    assert_eq!(s["mediana_giorni"].0, Some(20.0));
    assert_eq!(s["quota_rioccupati_3m"].0, Some(75.0));
    assert_eq!(s["incidenza_nuovo_datore_3m"].0, Some(50.0));
    assert_eq!(s["incidenza_richiamo_3m"].0, Some(25.0));
    // Nobody is followed 182 days: no estimate, not a flat extrapolation.
    assert_eq!(s["quota_rioccupati_6m"], (None, "non_disponibile".to_string()));
    assert_eq!(
        t.curves.num_rows(),
        4,
        "days 0, 30, 60 and 90: nobody is followed on day 120"
    );
}

#[test]
fn a_cohort_everyone_in_is_censored() {
    let e: Vec<Entry> = (0..25)
        .map(|i| entry(&format!("w{i}"), "2023-12-01", None, false))
        .collect();
    let t = cohorts::tables(&e, &rules(Mode::Protected(DisclosureConfig::default()))).unwrap();
    let s = summary(&t.summary, "2023-Q4");
    assert_eq!(s["ingressi_non_occupati"].0, Some(25.0));
    assert_eq!(s["censurati"].0, Some(25.0));
    assert_eq!(s["rioccupati"].0, Some(0.0));
    assert_eq!(s["mediana_giorni"], (None, "non_disponibile".to_string()));
    for h in ["3m", "6m", "12m"] {
        assert_eq!(s[&format!("quota_rioccupati_{h}")].1, "non_disponibile", "{h}");
    }
    // The curve: flat at 0 % for the 30 days everyone is followed.
    let q = t
        .curves
        .column_by_name("quota_rioccupati")
        .unwrap()
        .as_primitive::<Float64Type>();
    assert!(q.iter().all(|v| v == Some(0.0)), "{q:?}");
}

#[test]
fn two_entries_of_one_person_in_a_quarter_count_twice_as_entries_once_as_a_person() {
    let mut e: Vec<Entry> = (0..4)
        .map(|i| entry(&format!("w{i}"), "2023-02-01", Some(40), false))
        .collect();
    e.push(entry("w0", "2023-03-20", Some(5), false));
    let t = cohorts::tables(&e, &rules(Mode::Confidential)).unwrap();
    let b = &t.summary;
    let m = b.column_by_name("misura").unwrap().as_string::<i32>();
    let n = b
        .column_by_name("n_lavoratori")
        .unwrap()
        .as_primitive::<arrow::datatypes::Int64Type>();
    let i = (0..b.num_rows()).find(|&i| m.value(i) == "ingressi").unwrap();
    assert_eq!(summary(b, "2023-Q1")["ingressi"].0, Some(5.0));
    assert_eq!(n.value(i), 4);
}

#[test]
fn small_cohorts_and_steps_are_not_published() {
    // Two people: every count of 1 or 2 is suppressed, no estimate and no curve.
    let e = vec![
        entry("a", "2023-03-01", Some(10), false),
        entry("b", "2023-03-01", None, false),
    ];
    let t = cohorts::tables(&e, &rules(Mode::Protected(DisclosureConfig::default()))).unwrap();
    let s = summary(&t.summary, "2023-Q1");
    assert_eq!(s["ingressi"], (None, "soppressa_primaria".to_string()));
    assert!(s["quota_rioccupati_3m"].0.is_none());
    assert_eq!(t.curves.num_rows(), 0);
    // Thirty people, of whom 1 re-employed in the first month and 10 in the second: the first
    // point after day 0 would show one person's step, so it is withheld; the second shows 11.
    let mut e: Vec<Entry> = (0..30)
        .map(|i| entry(&format!("w{i}"), "2023-01-01", None, false))
        .collect();
    e[0].reemployed = Some(e[0].day0 + 5);
    for x in e.iter_mut().skip(1).take(10) {
        x.reemployed = Some(x.day0 + 45);
    }
    let t = cohorts::tables(&e, &rules(Mode::Protected(DisclosureConfig::default()))).unwrap();
    let st = t.curves.column_by_name("stato").unwrap().as_string::<i32>();
    let ev = t
        .curves
        .column_by_name("rioccupati")
        .unwrap()
        .as_primitive::<Float64Type>();
    assert_eq!(st.value(0), "ok");
    assert_eq!(st.value(1), "soppressa_primaria");
    assert!(ev.is_null(1));
    assert_eq!((st.value(2), ev.value(2)), ("ok", 11.0));
}

#[test]
fn a_group_under_the_minimum_is_summarised_but_its_curve_is_not_drawn_and_says_so() {
    let e: Vec<Entry> = (0..10)
        .map(|i| entry(&format!("w{i}"), "2023-05-01", Some(20 + i), false))
        .collect();
    let mut r = rules(Mode::Protected(DisclosureConfig::default()));
    r.min_curve = 20;
    let t = cohorts::tables(&e, &r).unwrap();
    assert_eq!(t.curves.num_rows(), 0);
    assert_eq!(t.undrawn, 1);
    let flag = t.summary.column_by_name("curva").unwrap().as_string::<i32>();
    assert!((0..flag.len()).all(|i| flag.value(i) == "non disegnata: meno di 20 persone"));
    assert_eq!(summary(&t.summary, "2023-Q2")["ingressi"].0, Some(10.0));
}

#[test]
fn the_copy_of_the_outcomes_holds_every_breakdown() {
    let kept: Vec<&str> = super::entries::COMPUTED_COLUMNS.split(',').map(str::trim).collect();
    for g in super::GROUPS {
        assert!(
            kept.contains(&g),
            "{g} is a breakdown but not in the copy of misure_esiti"
        );
    }
}

/// The views' as-of joins pick one relationship when days tie, by the rules of docs/esiti.md
/// (macros oml_ordine, oml_giorni_a_fine, oml_giorni_da_1900): each order as the views write it
/// (checked in their text), on hand-made relationships of one person.
#[test]
fn ties_of_days_are_broken_by_rule_never_at_random() {
    let conn = crate::analytics::open_duckdb().unwrap();
    let views = crate::lake::views::render(&crate::lake::manifest::Manifest::default(), None).unwrap();
    conn.execute_batch(&views).unwrap();
    conn.execute_batch(
        "CREATE TEMP TABLE r AS SELECT * FROM (VALUES
            (3, DATE '2024-03-01', NULL::DATE), (4, DATE '2024-03-01', NULL),
            (5, DATE '2024-03-01', DATE '2024-03-10'), (5000000000, DATE '2024-03-01', DATE '2024-03-10'),
            (1, DATE '1965-05-01', DATE '2024-02-01'), (2, DATE '2023-01-01', DATE '2024-02-01'),
            (6, DATE '2023-06-01', DATE '2024-02-01'), (7, DATE '2023-06-01', DATE '2024-02-01'))
            t(id_rapporto, data_inizio, data_fine_effettiva);",
    )
    .unwrap();
    let bound = "oml_ordine(data_ingresso + 1, 0, 0)";
    assert!(views.contains(bound), "the views no longer bound a day by {bound}");
    let pick = |order: &str, cmp: &str, day: &str| -> i64 {
        assert!(views.contains(order), "the views no longer order by {order}");
        conn.query_row(
            &format!(
                "SELECT a.id_rapporto FROM (SELECT 1 AS p, DATE '{day}' AS data_ingresso) z
                 ASOF JOIN (SELECT 1 AS p, id_rapporto, {order} AS o FROM r WHERE {order} IS NOT NULL) a
                    ON a.p = z.p AND a.o {cmp} {bound}"
            ),
            [],
            |row| row.get(0),
        )
        .unwrap()
    };
    // Re-employment (misure_rioccupazioni): the first start after the day, the one that lasts
    // longest (open), then the lowest id.
    let start = "oml_ordine(data_inizio, oml_giorni_a_fine(data_fine_effettiva), id_rapporto)";
    assert_eq!(pick(start, ">=", "2024-02-15"), 3);
    // With the measure's employer (misure_ingressi_origini): the last start up to the day, the one
    // that ends last, then the highest id.
    let with_employer = "oml_ordine(data_inizio, 4194303 - oml_giorni_a_fine(data_fine_effettiva), id_rapporto)";
    assert_eq!(pick(with_employer, "<", "2024-03-05"), 4);
    // The last ended up to the day: the one started last, then the highest id.
    let ended = "oml_ordine(data_fine_effettiva, oml_giorni_da_1900(data_inizio), id_rapporto)";
    assert_eq!(pick(ended, "<", "2024-02-15"), 7);
    // Ids beyond 32 bits keep their order: of the two ending 2024-03-10, the higher id.
    assert_eq!(pick(ended, "<", "2024-03-20"), 5000000000);
}
