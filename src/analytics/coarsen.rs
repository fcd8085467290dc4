//! Automatic coarsening of a mobility matrix (`matrice_transizioni --accorpa`): where cells of
//! the matrix do not reach the disclosure threshold, their classes are merged into the class
//! above before the table is protected, so that the flows are published at a coarser grain
//! instead of being suppressed.
//!
//! The rule ("global recoding" in the SDC literature, Hundepool et al., *Statistical Disclosure
//! Control*, 2012, § 4.2.2, applied to one axis):
//!
//! - The hierarchy of each axis is in the SQL (`sql/indicatori/matrice_transizioni.sql`, macro
//!   `oml_accorpa`): ATECO division → section → macro-sector, comune → CPI → province. Contract
//!   and employer size have one level: nothing to merge, suppression does the rest.
//! - A cell fails when its `transizioni` are below the contributor threshold (the primary rule of
//!   `sdc`). Of its two classes (origin, destination), the one with fewer transitions in the whole
//!   matrix is lifted to its parent, if it can be (not at the top, not `FUORI_TERRITORIO`);
//!   otherwise the cell is left to suppression: a large class is never pulled up by a small
//!   partner. First the finest classes (level 1 lifts) until no failing cell has one to lift,
//!   then the merged classes one level more (level 2).
//! - A lifted class reads as its parent followed by `+` ("C+": the divisions of section C that
//!   were merged); the finer classes that pass stay as they are. The list of lifts is the
//!   parameter `accorpa` of the table (a column, and a note under it), so a reader always sees
//!   what was merged.
//! - The table is then computed again with the merged classes (distinct counts recounted, not
//!   summed) and protected as any other: cells still failing are suppressed.

use super::indicators::{compute, Request, Table};
use super::Session;
use crate::sdc::{primary_status, Cell, DisclosureConfig, Mode, Status};
use anyhow::{ensure, Result};
use std::collections::{BTreeMap, BTreeSet};

/// The breakdowns the classes are in.
pub const ORIGIN: &str = "origine";
pub const DESTINATION: &str = "destinazione";
/// The parameter that carries the lifts.
pub const PARAMETER: &str = "accorpa";

/// Most recomputations before giving up (each lifts at least one class).
const MAX_ROUNDS: usize = 12;

/// A coarsened table and what was merged.
pub struct Coarsened {
    pub table: Table,
    /// The lifts, as the parameter lists them (`1:13`, `2:C`).
    pub lifted: Vec<String>,
    /// Times the matrix was computed before the final table.
    pub rounds: usize,
}

/// Levels of the hierarchy of an axis (`asse`, `livello` parameters of matrice_transizioni).
pub fn levels(asse: &str, livello: &str) -> usize {
    match (asse, livello) {
        ("ateco_divisione", _) | ("area", "comune") => 3,
        ("ateco_sezione", _) | ("area", "cpi") => 2,
        _ => 1,
    }
}

/// Computes `req` with the classes of origin and destination merged where cells fail.
pub fn compute_coarsened(session: &Session, req: &Request) -> Result<Coarsened> {
    let position = |d: &str| req.by.iter().position(|b| b == d);
    let (Some(o), Some(d)) = (position(ORIGIN), position(DESTINATION)) else {
        anyhow::bail!("--accorpa merges the classes of a matrix: give --by origine,destinazione");
    };
    ensure!(
        !req.parameters.contains_key(PARAMETER),
        "--accorpa chooses the merged classes itself"
    );
    let param = |k: &str, default: &str| req.parameters.get(k).cloned().unwrap_or_else(|| default.to_string());
    let depth = levels(&param("asse", "settore"), &param("livello", "comune"));
    let rules = match &req.mode {
        Mode::Protected(c) | Mode::CellKey(c, _) => *c,
        Mode::Confidential => DisclosureConfig::default(),
    };
    let mut lifted: Vec<String> = Vec::new();
    // Lifts the SQL could not apply (a class without a parent, such as FUORI_TERRITORIO): taken
    // back, and never tried again.
    let mut stuck: BTreeSet<String> = BTreeSet::new();
    let mut rounds = 0;
    // Level-1 labels: the merged classes after the first phase (lifted again in the second).
    let mut merged_once: Option<BTreeSet<String>> = None;
    for level in 1..depth {
        while rounds < MAX_ROUNDS {
            let probe = probe(session, req, &lifted)?;
            rounds += 1;
            let present = labels(&probe, o, d);
            // A lift took effect when its class no longer appears ("1:13": 13; "2:C": C+).
            lifted.retain(|item| {
                let gone = !present.contains(&lifted_label(item));
                if !gone {
                    stuck.insert(item.clone());
                }
                gone
            });
            let liftable = |label: &str| match level {
                1 => !label.ends_with('+') && !label.is_empty(),
                _ => merged_once.as_ref().is_some_and(|m| m.contains(label)),
            };
            let fresh: Vec<String> = choose(&probe, o, d, &rules, &liftable)
                .into_iter()
                .map(|label| format!("{level}:{}", label.trim_end_matches('+')))
                .filter(|item| !lifted.contains(item) && !stuck.contains(item))
                .collect();
            if fresh.is_empty() {
                if level == 1 {
                    merged_once = Some(present.into_iter().filter(|l| l.ends_with('+')).collect());
                }
                break;
            }
            lifted.extend(fresh);
        }
    }
    let mut last = req.clone();
    if !lifted.is_empty() {
        last.parameters.insert(PARAMETER.into(), lifted.join(","));
    }
    Ok(Coarsened {
        table: compute(session, &last)?,
        lifted,
        rounds,
    })
}

/// The detail cells of the matrix with the current lifts, unprotected.
fn probe(session: &Session, req: &Request, lifted: &[String]) -> Result<Table> {
    let mut p = req.clone();
    p.mode = Mode::Confidential;
    p.totals = false;
    if !lifted.is_empty() {
        p.parameters.insert(PARAMETER.into(), lifted.join(","));
    }
    compute(session, &p)
}

/// The class a lift replaces: `1:13` → `13`, `2:C` → `C+`.
fn lifted_label(item: &str) -> String {
    match item.split_once(':') {
        Some(("1", class)) => class.to_string(),
        Some((_, class)) => format!("{class}+"),
        None => item.to_string(),
    }
}

fn labels(t: &Table, o: usize, d: usize) -> BTreeSet<String> {
    t.rows
        .iter()
        .flat_map(|r| [r.dims[o].clone(), r.dims[d].clone()])
        .flatten()
        .collect()
}

/// The classes to lift: for each failing cell of `transizioni`, the liftable one of its two
/// classes with fewer transitions in the matrix.
fn choose(
    t: &Table,
    o: usize,
    d: usize,
    rules: &DisclosureConfig,
    liftable: &dyn Fn(&str) -> bool,
) -> BTreeSet<String> {
    let moves = || t.rows.iter().filter(|r| r.misura == "transizioni");
    let mut size: BTreeMap<(usize, &str), f64> = BTreeMap::new();
    for r in moves() {
        for k in [o, d] {
            if let Some(label) = r.dims[k].as_deref() {
                *size.entry((k, label)).or_default() += r.valore.unwrap_or(0.0);
            }
        }
    }
    let mut out = BTreeSet::new();
    for r in moves() {
        let cell = Cell {
            n_employers: r.n_datori,
            value: r.valore,
            ..Cell::new(r.dims.clone(), &r.misura, 0.0, r.n_lavoratori, 0)
        };
        if primary_status(&cell, rules) != Status::SuppressedPrimary {
            continue;
        }
        // The smaller class of the two goes up, if it can; a large class is never pulled up by a
        // small partner that cannot move (the cell is left to suppression).
        let sides = [o, d].map(|k| {
            r.dims[k]
                .as_deref()
                .map(|l| (size.get(&(k, l)).copied().unwrap_or(0.0), l))
        });
        if let Some((_, label)) = sides.into_iter().flatten().min_by(|a, b| a.0.total_cmp(&b.0)) {
            if liftable(label) {
                out.insert(label.to_string());
            }
        }
    }
    out
}
