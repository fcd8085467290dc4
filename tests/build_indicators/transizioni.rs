//! The transitions (`transizioni`) of the shared synthetic province: one row per relationship of
//! the careers' window, classes consistent with their gaps, and the classes and gaps of each
//! relationship equal to those derived, by a plain quadratic reading of docs/convenzioni.md
//! ("Le transizioni"), from the generator's true relationships; the j2j measures add up to the
//! flows and stocks of `flussi` and `posizioni`, and the matrices' margins to the j2j exits.

use super::{built_synthetic, day, run, true_relationships, values};
use crate::query_strings;
use oml::analytics::indicators::Periodicity;
use oml::sdc::Mode;
use std::collections::BTreeMap;

const OPEN: i32 = i32::MAX;

/// (employer, first day, last day or OPEN).
type Job = (String, i32, i32);
/// Key (worker, employer, first day) → (exit class, gap, entry class).
type Classes = BTreeMap<(String, String, i32), (String, Option<i32>, String)>;

/// The classes of one worker's jobs, straight from the written rules.
fn classify(worker: &str, jobs: &[Job], coverage: i32, horizon: i32, limit: i32, out: &mut Classes) {
    for (i, (employer, start, end)) in jobs.iter().enumerate() {
        let others = || jobs.iter().enumerate().filter(move |(k, _)| *k != i).map(|(_, j)| j);
        let successor = others()
            .filter(|(_, s, e)| s > start && e > end)
            .min_by_key(|(_, s, _)| *s);
        let gap = successor.filter(|_| *end != OPEN).map(|(_, s, _)| s - end - 1);
        let still_employed = others().any(|(_, s, e)| s <= start && e > end);
        let exit = if *end == OPEN {
            "in_corso"
        } else if gap.is_some_and(|g| g <= 0) {
            "EE"
        } else if still_employed {
            "altro_rapporto"
        } else if gap.is_some_and(|g| g <= limit) {
            "AQHire"
        } else if gap.is_some() || end + 1 + limit <= horizon {
            "NEPersist"
        } else {
            "censurata"
        };
        let before = others().filter(|(_, s, _)| s < start).map(|(_, _, e)| *e).max();
        let entry = if *start < coverage {
            "non_osservata"
        } else {
            match before {
                Some(m) if m >= start - 1 && *end > m => "EE",
                Some(m) if m >= start - 1 => "da_occupato",
                Some(m) if start - m - 1 <= limit => "AQHire",
                Some(_) => "ENPersist",
                None if start - limit >= coverage => "ENPersist",
                None => "non_osservata",
            }
        };
        out.insert(
            (worker.to_string(), employer.clone(), *start),
            (exit.to_string(), gap, entry.to_string()),
        );
    }
}

#[test]
fn transitions_match_those_of_the_generator_true_relationships() {
    let lake = built_synthetic();
    let b = lake.manifest().unwrap().build.unwrap();
    let (coverage, horizon) = (day(&b.inizio_copertura), day(&b.orizzonte));
    assert_eq!(b.limite_aqhire, 91);
    // One row per relationship of the careers' window.
    let n = |sql: &str| -> i64 { query_strings(lake, sql)[0][0].parse().unwrap() };
    assert_eq!(n("SELECT count(*) FROM transizioni") as u64, b.transizioni);
    assert_eq!(
        n("SELECT count(*) FROM transizioni") ,
        n(&format!(
            "SELECT count(*) FROM rapporti WHERE data_inizio <= DATE '{}' AND coalesce(data_fine_effettiva, DATE '9999-12-31') >= DATE '{}'",
            b.orizzonte, b.inizio_copertura
        ))
    );
    // Classes consistent with the gaps, successors of the same worker, sizes at least 1.
    let broken = n("WITH t AS (SELECT * FROM transizioni JOIN rapporti USING (id_rapporto, data_inizio))
        SELECT count(*) FROM t LEFT JOIN t s ON s.id_rapporto = t.id_rapporto_successivo
        WHERE (t.classe_uscita = 'EE' AND NOT t.giorni_interruzione <= 0)
           OR (t.classe_uscita = 'AQHire' AND NOT t.giorni_interruzione BETWEEN 1 AND 91)
           OR (t.classe_uscita = 'in_corso' AND t.data_fine IS NOT NULL)
           OR (t.id_rapporto_successivo IS NOT NULL AND (s.id_lavoratore <> t.id_lavoratore OR s.data_inizio <= t.data_inizio
               OR t.richiamo <> (s.id_datore = t.id_datore)))
           OR t.posizioni_datore_inizio < 1 OR t.posizioni_datore_fine < 1");
    assert_eq!(broken, 0);

    // The true relationships the CO show, in the window.
    let mut workers: BTreeMap<String, Vec<Job>> = BTreeMap::new();
    for t in true_relationships(lake) {
        let end = t.end.filter(|&e| e <= horizon).unwrap_or(OPEN);
        if t.seen && t.start <= horizon && end >= coverage {
            workers.entry(t.worker).or_default().push((t.employer, t.start, end));
        }
    }
    let mut truth = Classes::new();
    for (w, jobs) in &workers {
        classify(w, jobs, coverage, horizon, 91, &mut truth);
    }
    let built: Classes = query_strings(
        lake,
        "SELECT id_lavoratore, id_datore, data_inizio, classe_uscita, giorni_interruzione, classe_ingresso
         FROM transizioni JOIN rapporti USING (id_rapporto, data_inizio)",
    )
    .into_iter()
    .map(|r| {
        (
            (r[0].clone(), r[1].clone(), day(&r[2])),
            (r[3].clone(), r[4].parse().ok(), r[5].clone()),
        )
    })
    .collect();
    let same = truth.iter().filter(|(k, v)| built.get(*k) == Some(*v)).count();
    let share = same as f64 / truth.len() as f64;
    let mut by_class: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (k, v) in &truth {
        let e = by_class.entry(v.0.as_str()).or_default();
        e.0 += 1;
        e.1 += usize::from(built.get(k) == Some(v));
    }
    eprintln!(
        "transizioni vs truth: {same}/{} relationships with the true classes and gap ({:.2} %); by exit class: {by_class:?}",
        truth.len(),
        100.0 * share
    );
    assert!(truth.len() > 5_000, "{} true relationships", truth.len());
    assert!(
        share >= 0.99,
        "transitions matching the truth: {same}/{} = {share:.4}",
        truth.len()
    );
}

type Cells = BTreeMap<(String, String, String), Option<f64>>;

fn get(t: &Cells, per: &str, dims: &str, m: &str) -> f64 {
    t.get(&(per.to_string(), dims.to_string(), m.to_string()))
        .copied()
        .flatten()
        .unwrap_or(0.0)
}

#[test]
fn j2j_adds_up_to_the_flows_and_the_matrices_to_the_j2j_exits_in_every_cell() {
    let lake = built_synthetic();
    let period = Some(("2022-01-01", "2023-12-31"));
    let table =
        |name: &str, by: &[&str]| values(&run(lake, name, by, period, Periodicity::Quarter, Mode::Confidential));
    for by in ["settore", "macro_contratto", "sesso"] {
        let j = table("j2j", &[by]);
        let f = table("flussi", &[by]);
        let cells: std::collections::BTreeSet<(String, String)> =
            j.keys().chain(f.keys()).map(|k| (k.0.clone(), k.1.clone())).collect();
        assert!(cells.len() > 8, "{by}: {cells:?}");
        for (per, dims) in &cells {
            let (j, f) = (|m: &str| get(&j, per, dims, m), |m: &str| get(&f, per, dims, m));
            assert_eq!(j("assunzioni"), f("attivazioni"), "{by} {per} {dims}");
            assert_eq!(j("cessazioni"), f("cessazioni"), "{by} {per} {dims}");
            let classes = ["EE", "AQHire", "ENPersist", "da_occupato", "ingressi_non_osservati"];
            assert_eq!(
                j("assunzioni"),
                classes.iter().map(|c| j(c)).sum::<f64>(),
                "{by} {per} {dims}"
            );
            let exits = [
                "uscite_EE",
                "uscite_AQHire",
                "NEPersist",
                "uscite_altro_rapporto",
                "uscite_censurate",
            ];
            assert_eq!(
                j("cessazioni"),
                exits.iter().map(|c| j(c)).sum::<f64>(),
                "{by} {per} {dims}"
            );
            assert_eq!(j("J2J"), j("EE") + j("AQHire"));
            assert!(j("richiami") <= j("J2J"));
        }
    }
    // Employment at the start of each quarter: the positions of posizioni (not by contract: j2j
    // takes the first contract, posizioni the one in force).
    let j = table("j2j", &["settore"]);
    let p = table("posizioni", &["settore"]);
    for ((per, dims, m), v) in &p {
        if m == "posizioni_inizio" {
            assert_eq!(
                get(&j, per, dims, "occupazione_inizio"),
                v.unwrap_or(0.0),
                "{per} {dims}"
            );
        }
    }
    // The sector matrix: each row adds up to its margin, and the margins to the j2j exits of the
    // sector of origin.
    let m = table("matrice_transizioni", &["origine", "destinazione"]);
    let mut rows: BTreeMap<(String, String), f64> = BTreeMap::new();
    for ((per, dims, misura), v) in &m {
        let (o, d) = dims.split_once('|').unwrap();
        if misura == "transizioni" && d != "Totale" {
            *rows.entry((per.clone(), o.to_string())).or_default() += v.unwrap_or(0.0);
        }
    }
    assert!(rows.len() > 8);
    for ((per, o), sum) in &rows {
        assert_eq!(*sum, get(&m, per, &format!("{o}|Totale"), "transizioni"), "{per} {o}");
        let dims = if o == "Totale" { "Totale".to_string() } else { o.clone() };
        let exits = get(&j, per, &dims, "uscite_EE") + get(&j, per, &dims, "uscite_AQHire");
        assert_eq!(get(&m, per, &format!("{o}|Totale"), "transizioni"), exits, "{per} {o}");
        // Row shares: each cell over its row's margin.
        for ((p2, dims, misura), v) in &m {
            let (o2, d) = dims.split_once('|').unwrap();
            if p2 == per && o2 == o && misura == "transizioni" && d != "Totale" && *sum > 0.0 {
                let q = (1000.0 * v.unwrap_or(0.0) / sum).round() / 10.0;
                assert_eq!(get(&m, per, dims, "quota_riga"), q, "{per} {dims}");
            }
        }
        // Retention: the diagonal over the row.
        let kept = get(&m, per, &format!("{o}|{o}"), "transizioni");
        if o != "Totale" {
            assert_eq!(get(&m, per, &format!("{o}|Totale"), "permanenze"), kept, "{per} {o}");
        }
    }
}

#[test]
fn coarsening_merges_small_classes_and_publishes_more_of_the_matrix() {
    use oml::analytics::coarsen::compute_coarsened;
    use oml::analytics::indicators::{compute, Request, Table};
    use oml::analytics::Session;
    use oml::sdc::{DisclosureConfig, Status};
    let lake = built_synthetic();
    let s = Session::open(lake).unwrap();
    let req = |mode: Mode| Request {
        indicator: "matrice_transizioni".into(),
        by: vec!["origine".into(), "destinazione".into()],
        period: Some((super::date("2022-01-01"), super::date("2023-12-31"))),
        periodicity: Periodicity::Year,
        totals: true,
        mode,
        territory: Default::default(),
        perimeter: Default::default(),
        parameters: [("asse".to_string(), "ateco_divisione".to_string())].into(),
    };
    let protected = Mode::Protected(DisclosureConfig::default());
    // (detail cells, published, value published) of transizioni.
    let published = |t: &Table| {
        let mut out = (0, 0, 0.0);
        for (r, st) in t.rows.iter().zip(&t.status) {
            if r.misura == "transizioni" && r.dims.iter().all(|d| d.is_some()) {
                out.0 += 1;
                if *st == Status::Ok {
                    out.1 += 1;
                    out.2 += r.valore.unwrap_or(0.0);
                }
            }
        }
        out
    };
    let plain = compute(&s, &req(protected)).unwrap();
    let c = compute_coarsened(&s, &req(protected)).unwrap();
    let total = values(&compute(&s, &req(Mode::Confidential)).unwrap());
    let coarse_total = values(&compute_coarsened(&s, &req(Mode::Confidential)).unwrap().table);
    let (a, b) = (published(&plain), published(&c.table));
    eprintln!(
        "matrice_transizioni by ATECO division, 2022-2023: without coarsening {}/{} cells, {} transitions published; \
         with it {}/{} cells, {} published ({} merges, {} rounds)",
        a.1,
        a.0,
        a.2,
        b.1,
        b.0,
        b.2,
        c.lifted.len(),
        c.rounds
    );
    assert!(!c.lifted.is_empty());
    assert!(b.2 > a.2, "more of the flows published");
    // The test province is small (about 6,000 communications a year): half the merged cells, a
    // larger share than the fine matrix (measured: 87/149 against 152/1,054).
    assert!(
        b.1 * a.0 > a.1 * b.0 && 2 * b.1 >= b.0,
        "cells published after merging: {}/{}",
        b.1,
        b.0
    );
    // The flows are the same, only regrouped: every year's grand total is unchanged.
    for ((per, dims, m), v) in &total {
        if m == "transizioni" && dims == "Totale|Totale" {
            assert_eq!(
                coarse_total.get(&(per.clone(), dims.clone(), m.clone())),
                Some(v),
                "{per}"
            );
        }
    }
    // Every merged class is flagged with + and every lift is listed in the accorpa column.
    let accorpa = c.table.rows[0]
        .parameters
        .iter()
        .flatten()
        .find(|p| p.contains(':'))
        .cloned()
        .unwrap_or_default();
    assert_eq!(accorpa, c.lifted.join(","));
    let merged = c
        .table
        .rows
        .iter()
        .flat_map(|r| r.dims.iter().flatten())
        .filter(|l| l.ends_with('+'))
        .count();
    assert!(merged > 0);
}
