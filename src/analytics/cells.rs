//! The disclosure-control view of an indicator's rows: one `sdc::Cell` per row, the equations
//! the indicator's identities add to the cube's, and the ratios withheld beside a withheld member.

use super::headers::{Identity, Ratio};
use super::row::Row;
use crate::sdc::{self, Cell, Status};
use std::collections::HashMap;

/// Withholds (secondary suppression) every published ratio of `ratios` one of whose members
/// is withheld in the same cell (same period and breakdown; a member with no row is a known zero):
/// `tiraggio` = used ÷ authorised
/// hours beside a published `ore_utilizzate` would give a suppressed `ore_autorizzate_con_utilizzo`
/// back. Ratios are in no equation, so withholding one more never exposes another cell. Returns
/// how many were withheld.
pub(super) fn withhold_ratios(ratios: &[Ratio], rows: &[Row], status: &mut [Status]) -> usize {
    if ratios.is_empty() {
        return 0;
    }
    let at: HashMap<(&str, &[Option<String>], &str), usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| ((r.periodo.as_str(), r.dims.as_slice(), r.misura.as_str()), i))
        .collect();
    let mut withheld = 0;
    for (i, r) in rows.iter().enumerate() {
        let Some(ratio) = ratios.iter().find(|q| q.measure == r.misura) else {
            continue;
        };
        let member_withheld = ratio.of.iter().any(|m| {
            at.get(&(r.periodo.as_str(), r.dims.as_slice(), m.as_str()))
                .is_some_and(|&j| !status[j].is_published())
        });
        if member_withheld && status[i] == Status::Ok {
            status[i] = Status::SuppressedSecondary;
            withheld += 1;
        }
    }
    withheld
}

/// The disclosure-control cells of an indicator's rows (key = periodo, then the breakdowns).
pub(super) fn cells_of(additive: &[String], signed: &[String], public: bool, rows: &[Row]) -> Vec<Cell> {
    rows.iter()
        .map(|r| {
            let mut key = vec![Some(r.periodo.clone())];
            key.extend(r.dims.iter().cloned());
            Cell {
                key,
                measure: r.misura.clone(),
                value: r.valore,
                n_workers: r.n_lavoratori,
                n_employers: r.n_datori,
                additive: additive.iter().any(|a| a == &r.misura),
                signed: signed.iter().any(|a| a == &r.misura),
                preset: if r.valore.is_none() {
                    Some(Status::NotAvailable)
                } else {
                    public.then_some(Status::Public)
                },
                // Only files over individual records give their largest employer
                // contributions (`TOP_COLUMNS`); counts and public tables carry none.
                top: r.top,
                cell_key: r.chiave_cella,
                headline: false,
            }
        })
        .collect()
}

/// The equations the indicator's identities give in each cell. A member with no row is a known
/// zero (no event) and drops out.
pub fn identity_equations(cells: &[Cell], identities: &[Identity]) -> Vec<sdc::Equation> {
    // Most files declare none: then nothing to index (the index took 2.2 s of the national
    // comune × comune commuting matrix by quarter).
    if identities.is_empty() {
        return Vec::new();
    }
    let mut at: HashMap<(&[Option<String>], &str), usize> = HashMap::new();
    for (i, c) in cells.iter().enumerate() {
        at.entry((c.key.as_slice(), c.measure.as_str())).or_insert(i);
    }
    let mut keys: Vec<&[Option<String>]> = cells.iter().map(|c| c.key.as_slice()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Vec::new();
    for key in keys {
        for id in identities {
            let find = |m: &String| at.get(&(key, m.as_str())).copied();
            let Some(total) = find(&id.total) else { continue };
            let parts: Vec<usize> = id.plus.iter().filter_map(find).collect();
            let minus: Vec<usize> = id.minus.iter().filter_map(find).collect();
            if !parts.is_empty() || !minus.is_empty() {
                out.push(sdc::Equation { total, parts, minus });
            }
        }
    }
    out
}
