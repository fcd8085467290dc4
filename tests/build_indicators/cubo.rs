//! The fast paths of `analytics::cube` against the plain runs per subset of the breakdown with
//! DuckDB's distinct counts, cell by cell: the same rows in the same order, with the same values,
//! contributor counts and statuses, for several breakdowns, periodicities, perimeters and
//! disclosure modes — the cube from its detail (files with `-- margini: somma`) and the
//! contributors listed and counted in Rust (`-- contributori: liste`).

use super::{built_synthetic, date};
use oml::analytics::indicators::{catalog, compute_indicator, Periodicity, Request, Table};
use oml::analytics::perimeter::{Employers, Exclusion, Geography, Perimeter};
use oml::analytics::Session;
use oml::sdc::{DisclosureConfig, Mode};

fn request(name: &str, by: &[&str], p: Periodicity, perimeter: Perimeter, mode: Mode) -> Request {
    Request {
        indicator: name.into(),
        by: by.iter().map(|s| s.to_string()).collect(),
        period: Some((date("2022-01-01"), date("2023-12-31"))),
        periodicity: p,
        totals: true,
        mode,
        territory: Default::default(),
        perimeter,
        parameters: Default::default(),
    }
}

/// The same rows in the same order, with the same values, contributors and statuses, and the same
/// published table.
fn assert_same_table(fast: &Table, slow: &Table, what: &str) {
    assert_eq!(fast.rows.len(), slow.rows.len(), "{what}: rows");
    for (k, (a, b)) in fast.rows.iter().zip(&slow.rows).enumerate() {
        assert_eq!(
            (&a.periodo, &a.dims, &a.misura, a.valore, a.n_lavoratori, a.n_datori),
            (&b.periodo, &b.dims, &b.misura, b.valore, b.n_lavoratori, b.n_datori),
            "{what}: row {k}"
        );
    }
    assert_eq!(fast.status, slow.status, "{what}: statuses");
    assert_eq!(
        fast.to_batch().unwrap(),
        slow.to_batch().unwrap(),
        "{what}: the published table"
    );
}

/// Breakdowns only the files that name them in `dimensioni:` take.
const OWN_BREAKDOWNS: [&str; 3] = ["area", "origine", "destinazione"];

#[test]
fn the_cube_from_the_detail_is_the_cube_of_the_runs_per_subset() {
    let lake = built_synthetic();
    let s = Session::open(lake).unwrap();
    let opted: Vec<_> = catalog()
        .into_iter()
        .filter(|i| i.margins_sum || i.listed_contributors)
        .collect();
    assert!(
        opted.iter().filter(|i| i.margins_sum).count() >= 5,
        "the count indicators over segmenti and rapporti declare margini: somma"
    );
    let protected = Mode::Protected(DisclosureConfig::default());
    let residence = Perimeter::new(Employers::Private, &[Exclusion::Agricoltura], Geography::Residence);
    let cases: [(&[&str], Periodicity, Perimeter, Mode); 6] = [
        (
            &["settore", "macro_contratto"],
            Periodicity::Quarter,
            Perimeter::default(),
            protected,
        ),
        (&["comune", "sesso"], Periodicity::Year, residence, protected),
        (
            &["classe_eta"],
            Periodicity::Month,
            Perimeter::default(),
            Mode::Confidential,
        ),
        (&[], Periodicity::Year, Perimeter::default(), protected),
        // The breakdowns of pendolarismo and of the matrices (the others drop them).
        (
            &["area", "settore"],
            Periodicity::Quarter,
            Perimeter::default(),
            protected,
        ),
        (
            &["origine", "destinazione"],
            Periodicity::Year,
            Perimeter::default(),
            protected,
        ),
    ];
    for ind in &opted {
        for (by, p, perimeter, mode) in &cases {
            let by: Vec<&str> = by
                .iter()
                .copied()
                .filter(|d| match &ind.dimensions {
                    Some(own) => own.iter().any(|o| o == d),
                    None => !OWN_BREAKDOWNS.contains(d),
                })
                .collect();
            // A perimeter is refused by the indicators that do not read the CO (did).
            let perimeter = if ind.reads_co() {
                perimeter.clone()
            } else {
                Perimeter::default()
            };
            let req = request(ind.name, &by, *p, perimeter, *mode);
            let fast = compute_indicator(&s, ind.clone(), &req).unwrap();
            let mut plain = ind.clone();
            plain.margins_sum = false;
            plain.listed_contributors = false;
            let slow = compute_indicator(&s, plain, &req).unwrap();
            let what = format!("{} by {by:?} {p:?}", ind.name);
            assert!(!fast.rows.is_empty(), "{what}: no rows");
            assert_same_table(&fast, &slow, &what);
        }
    }
}

#[test]
fn cubes_shared_from_one_run_are_the_cubes_of_their_own_runs() {
    let lake = built_synthetic();
    let s = Session::open(lake).unwrap();
    let protected = Mode::Protected(DisclosureConfig::default());
    let bys: [&[&str]; 5] = [
        &["macro_contratto"],
        &["settore", "sesso"],
        &["ateco_sezione"],
        &["cpi"],
        &["comune", "macro_contratto"],
    ];
    for name in ["flussi", "j2j", "datori_attivi", "posizioni"] {
        let reqs: Vec<Request> = bys
            .iter()
            .map(|by| request(name, by, Periodicity::Quarter, Perimeter::default(), protected))
            .collect();
        let shared = oml::analytics::shared::compute_shared(&s, &reqs).unwrap();
        assert_eq!(shared.len(), reqs.len());
        for (req, fast) in reqs.iter().zip(&shared) {
            let own = oml::analytics::indicators::compute(&s, req).unwrap();
            let what = format!("{name} by {:?}", req.by);
            assert_eq!(fast.by, own.by, "{what}");
            assert_same_table(fast, &own, &what);
        }
    }
    // A request that differs in more than its breakdown is computed on its own.
    let other = request("flussi", &["sesso"], Periodicity::Year, Perimeter::default(), protected);
    let reqs = [
        request(
            "flussi",
            &["sesso"],
            Periodicity::Quarter,
            Perimeter::default(),
            protected,
        ),
        other.clone(),
    ];
    let tables = oml::analytics::shared::compute_shared(&s, &reqs).unwrap();
    let own = oml::analytics::indicators::compute(&s, &other).unwrap();
    assert_eq!(tables[1].to_batch().unwrap(), own.to_batch().unwrap());
}
