//! The careers (`carriere`) of the shared synthetic province: they tile each worker's observed
//! time with no gap and no overlap, agree with the relationships they are cut from, and match
//! the careers rebuilt, day by day, from the generator's true relationships.

use super::{built_synthetic, day, true_relationships};
use crate::query_strings;
use oml::lake::Lake;
use std::collections::BTreeMap;

fn count(lake: &Lake, sql: &str) -> i64 {
    query_strings(lake, sql)[0][0].parse().unwrap()
}

#[test]
fn careers_tile_each_workers_observed_time_with_no_gap_and_no_overlap() {
    let lake = built_synthetic();
    let b = lake.manifest().unwrap().build.unwrap();
    let total = count(lake, "SELECT count(*) FROM carriere");
    assert!(total > 5_000, "{total} periods");
    assert_eq!(total as u64, b.carriere);
    // Each period against its neighbours and its own columns.
    let broken = query_strings(
        lake,
        "WITH c AS (SELECT *, lag(data_fine) OVER w AS fine_prima, lag(n_periodo) OVER w AS n_prima,
                           lead(stato) OVER w AS stato_dopo
                    FROM carriere WINDOW w AS (PARTITION BY id_lavoratore ORDER BY data_inizio))
         SELECT id_lavoratore, n_periodo, data_inizio, data_fine FROM c
         WHERE (n_prima IS NULL AND n_periodo <> 1)
            OR (n_prima IS NOT NULL AND (n_periodo <> n_prima + 1 OR data_inizio <> fine_prima + 1))
            OR durata <> data_fine - data_inizio + 1 OR durata < 1
            OR (stato = 'occupato') <> (n_rapporti >= 1)
            OR (stato = 'occupato') <> (id_rapporto_prevalente IS NOT NULL)
            OR (n_prima IS NULL AND stato <> 'occupato')
            OR (stato = 'non_occupato' AND stato_dopo = 'non_occupato')
            OR censura_destra <> (data_fine = oml_orizzonte())
            OR data_fine > oml_orizzonte() OR data_inizio < oml_inizio_copertura()
            OR (stato_dopo IS NULL AND data_fine <> oml_orizzonte())
         LIMIT 5",
    );
    assert!(broken.is_empty(), "periods breaking the tiling: {broken:?}");
    // n_rapporti = the worker's relationships in force (within the window) on the first and on the
    // last day of the period; the dominant is one of them, with its employer and first contract.
    let wrong = query_strings(
        lake,
        "WITH r AS (SELECT id_rapporto, id_lavoratore, id_datore,
                           greatest(data_inizio, oml_inizio_copertura()) AS a,
                           least(coalesce(data_fine_effettiva, oml_orizzonte()), oml_orizzonte()) AS b
                    FROM rapporti),
              k AS (SELECT c.id_lavoratore, c.n_periodo, c.n_rapporti,
                           count(r.id_rapporto) FILTER (WHERE r.a <= c.data_inizio AND c.data_inizio <= r.b) AS primo,
                           count(r.id_rapporto) FILTER (WHERE r.a <= c.data_fine AND c.data_fine <= r.b) AS ultimo,
                           count(r.id_rapporto) FILTER (WHERE r.id_rapporto = c.id_rapporto_prevalente
                               AND r.id_datore = c.id_datore_prevalente
                               AND r.a <= c.data_inizio AND c.data_fine <= r.b) AS prevalente
                    FROM carriere c LEFT JOIN r USING (id_lavoratore) GROUP BY ALL)
         SELECT * FROM k
         WHERE primo <> n_rapporti OR ultimo <> n_rapporti OR prevalente <> (n_rapporti > 0)::INT
         LIMIT 5",
    );
    assert!(
        wrong.is_empty(),
        "periods disagreeing with the relationships: {wrong:?}"
    );
    // Every worker with a relationship in the window has a career starting on its first day.
    let missing = count(
        lake,
        "SELECT count(*) FROM (
             SELECT id_lavoratore, min(greatest(data_inizio, oml_inizio_copertura())) AS primo
             FROM rapporti
             WHERE data_inizio <= oml_orizzonte() AND coalesce(data_fine_effettiva, oml_orizzonte()) >= oml_inizio_copertura()
             GROUP BY ALL) r
         LEFT JOIN (SELECT id_lavoratore, data_inizio FROM carriere WHERE n_periodo = 1) c USING (id_lavoratore)
         WHERE c.data_inizio IS DISTINCT FROM r.primo",
    );
    assert_eq!(
        missing, 0,
        "workers whose career does not start with their first relationship"
    );
    // Left censoring only on a first period at the coverage start.
    let left = count(
        lake,
        "SELECT count(*) FROM carriere WHERE censura_sinistra AND (n_periodo <> 1 OR data_inizio <> oml_inizio_copertura())",
    );
    assert_eq!(left, 0);
    assert!(count(lake, "SELECT count(*) FROM carriere WHERE censura_sinistra") > 0);
    assert!(count(lake, "SELECT count(*) FROM carriere WHERE n_rapporti >= 2") > 0);
}

/// (first day, last day, concurrent relationships) of each period of one worker, found day by
/// day: a new period wherever the set of relationships in force changes.
fn day_by_day(spells: &[(i32, i32)], from: i32, to: i32) -> Vec<(i32, i32, usize)> {
    let mut out: Vec<(i32, i32, usize)> = Vec::new();
    let mut previous: Option<Vec<usize>> = None;
    let first = spells.iter().map(|s| s.0).min().unwrap_or(to + 1).max(from);
    for t in first..=to {
        let set: Vec<usize> = (0..spells.len())
            .filter(|&k| spells[k].0 <= t && t <= spells[k].1)
            .collect();
        if previous.as_ref() == Some(&set) {
            out.last_mut().unwrap().1 = t;
        } else {
            out.push((t, t, set.len()));
            previous = Some(set);
        }
    }
    out
}

/// The share of workers whose periods in `built` are exactly those of `expected` (over the
/// workers of either), with the count.
fn agreement(expected: &Periods, built: &Periods) -> (usize, usize) {
    let workers: std::collections::BTreeSet<&String> = expected.keys().chain(built.keys()).collect();
    let same = workers.iter().filter(|w| expected.get(**w) == built.get(**w)).count();
    (same, workers.len())
}

type Periods = BTreeMap<String, Vec<(i32, i32, usize)>>;
/// Each worker's relationships as (first day, last day) within the window.
type Spells = BTreeMap<String, Vec<(i32, i32)>>;

#[test]
fn careers_match_the_generator_true_job_moves() {
    let lake = built_synthetic();
    let b = lake.manifest().unwrap().build.unwrap();
    let (from, to) = (day(&b.inizio_copertura), day(&b.orizzonte));
    // The true relationships by the worker's pseudonym under the lake's key: all of them, and
    // those the CO show.
    let (mut all, mut seen): (Spells, Spells) = Default::default();
    for t in true_relationships(lake) {
        let end = t.end.map_or(to, |e| e.min(to));
        let start = t.start.max(from);
        if start > end {
            continue;
        }
        all.entry(t.worker.clone()).or_default().push((start, end));
        if t.seen {
            seen.entry(t.worker).or_default().push((start, end));
        }
    }
    let careers = |t: &Spells| -> Periods {
        t.iter()
            .map(|(w, spells)| (w.clone(), day_by_day(spells, from, to)))
            .collect()
    };
    let mut built: Periods = BTreeMap::new();
    for r in query_strings(
        lake,
        "SELECT id_lavoratore, data_inizio, data_fine, n_rapporti FROM carriere ORDER BY id_lavoratore, n_periodo",
    ) {
        built
            .entry(r[0].clone())
            .or_default()
            .push((day(&r[1]), day(&r[2]), r[3].parse().unwrap()));
    }
    let (same, workers) = agreement(&careers(&seen), &built);
    let (same_all, workers_all) = agreement(&careers(&all), &built);
    eprintln!(
        "carriere vs truth: {same}/{workers} workers with exactly the true periods of the relationships the CO show \
         ({:.2} %); against every true relationship, initial stock without communications included: \
         {same_all}/{workers_all} ({:.2} %)",
        100.0 * same as f64 / workers as f64,
        100.0 * same_all as f64 / workers_all as f64
    );
    assert!(workers > 2_000, "{workers} workers");
    let share = same as f64 / workers as f64;
    assert!(
        share >= 0.99,
        "careers matching the truth: {same}/{workers} = {share:.4}"
    );
}
