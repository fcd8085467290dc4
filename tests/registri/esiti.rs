//! The outcomes of the mobility lists and of Cassa integrazione (docs/esiti.md) on the 2015–2017
//! province, whose lists still hold pratiche: one entry per pratica of the truth, one per episode
//! of Cassa integrazione (periods of a worker at an employer less than 30 days apart merged, here
//! by a loop independent of the view's window functions), the comparison only for the lists, and
//! the bulletin's section on the DID cohorts and CIG episodes of a year before its period.

use super::bollettino::bulletin;
use super::province;
use arrow::array::{Array, AsArray};
use arrow::datatypes::Float64Type;
use chrono::NaiveDate;
use oml::analytics::indicators::Periodicity;
use oml::analytics::outcomes::{compute, MatchArea, Measure, Request, MIN_CURVE};
use oml::analytics::Session;
use oml::sdc::Mode;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn request(measure: Measure) -> Request {
    Request {
        measure,
        period: Some((day("2015-01-01"), day("2016-12-31"))),
        periodicity: Periodicity::Year,
        by: vec![],
        territory: Default::default(),
        mode: Mode::Confidential,
        min_curve: MIN_CURVE,
        step: 30,
        max_days: 730,
        match_area: MatchArea::Cpi,
    }
}

/// The sum over the cohorts of a count of the summary.
fn total(o: &oml::analytics::outcomes::Outcomes, measure: &str) -> f64 {
    let b = &o.tables.iter().find(|(n, _)| *n == "sintesi").unwrap().1;
    let m = b.column_by_name("misura").unwrap().as_string::<i32>();
    let v = b.column_by_name("valore").unwrap().as_primitive::<Float64Type>();
    (0..b.num_rows())
        .filter(|&i| m.value(i) == measure && !v.is_null(i))
        .map(|i| v.value(i))
        .sum()
}

#[test]
fn mobility_and_cig_entries_follow_their_records() {
    let (_d, lake, _) = bulletin();
    let s = Session::open(lake).unwrap();
    // Mobility: every pratica enrolled in 2015–2016 is an entry; the comparison is there.
    let mut r = csv::Reader::from_path(province().join("truth/mobilita.csv")).unwrap();
    let pratiche = r
        .records()
        .filter(|row| {
            let d = day(&row.as_ref().unwrap()[6]);
            d >= day("2015-01-01") && d <= day("2016-12-31")
        })
        .count();
    let o = compute(&s, &request(Measure::Mobilita)).unwrap();
    assert!(pratiche > 10);
    assert_eq!(total(&o, "ingressi"), pratiche as f64);
    assert_eq!(
        total(&o, "ingressi"),
        total(&o, "ingressi_occupati") + total(&o, "rioccupati") + total(&o, "censurati")
    );
    let names: Vec<&str> = o.tables.iter().map(|(n, _)| *n).collect();
    assert!(
        names.contains(&"confronto") && names.contains(&"bilanciamento"),
        "{names:?}"
    );
    // CIG: episodes merged here by a plain loop over the periods.
    let periods = crate::query_strings(
        lake,
        "SELECT id_lavoratore, id_datore, data_inizio, data_fine FROM cig_lavoratori ORDER BY ALL",
    );
    let (mut episodes, mut last): (usize, Option<(String, String, NaiveDate)>) = (0, None);
    for p in &periods {
        let (start, end) = (day(&p[2]), day(&p[3]));
        let same = last
            .as_ref()
            .is_some_and(|(w, e, until)| *w == p[0] && *e == p[1] && start <= *until + chrono::Days::new(30));
        if !same && start >= day("2015-01-01") && start <= day("2016-12-31") {
            episodes += 1;
        }
        let until = match &last {
            Some((w, e, until)) if same && *w == p[0] && *e == p[1] => (*until).max(end),
            _ => end,
        };
        last = Some((p[0].clone(), p[1].clone(), until));
    }
    let o = compute(&s, &request(Measure::Cig)).unwrap();
    assert!(episodes > 10, "{episodes}");
    assert_eq!(total(&o, "ingressi"), episodes as f64);
    let names: Vec<&str> = o.tables.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["sintesi", "curve", "test"], "no comparison group for CIG");
}

#[test]
fn the_bulletin_follows_the_did_cohorts_of_a_year_before() {
    let (_d, _lake, w) = bulletin();
    let csv = std::fs::read_to_string(w.dir.join("csv/t28_esiti_coorti.csv")).unwrap();
    for q in ["I trim. 2015", "II trim. 2015", "III trim. 2015", "IV trim. 2015"] {
        assert!(csv.contains(q), "{q}: {csv}");
    }
    // The CIG episodes: the entries outside the CO's coverage and the observed never exceed the
    // entries.
    let cig = std::fs::read_to_string(w.dir.join("csv/t31_esiti_cig.csv")).unwrap();
    let mut rows = 0;
    for line in cig.lines().filter(|l| l.contains("trim. 2015")) {
        let cells: Vec<&str> = line.split(',').collect();
        let n = |i: usize| cells.get(i).and_then(|c| c.trim_matches('"').parse::<f64>().ok());
        if let (Some(all), Some(out), Some(observed)) = (n(1), n(3), n(5)) {
            assert!(out + observed <= all, "{line}");
            rows += 1;
        }
    }
    assert!(rows >= 1, "no published CIG cohort to check: {cig}");
    let html = std::fs::read_to_string(&w.html).unwrap();
    assert!(html.contains("Esiti delle misure di crisi") && html.contains("lavoratori entrati in DID"));
}
