//! Shares over a margin (`-- quote:` header of an indicator file): `quota_riga = transizioni /
//! destinazione` adds, beside each cell of `transizioni` with a value of `destinazione`, its share
//! in percent of the margin over `destinazione` (the row total of a matrix).
//!
//! The shares are computed after disclosure control, from published cells only: a share whose
//! cell or margin is withheld is withheld too (status `soppressa_secondaria`, no value), so a
//! share never tells more than the published counts. They are in no equation of the protection.

use super::row::Row;
use crate::sdc::Status;
use std::collections::HashMap;

/// One `quote:` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    /// The measure added (`quota_riga`).
    pub measure: String,
    /// The counted measure (`transizioni`).
    pub of: String,
    /// The breakdown whose margin is the denominator (`destinazione`).
    pub over: String,
}

/// Parses `quota_riga = transizioni / destinazione; …` (malformed parts are a bug of an embedded
/// file: the catalog tests catch them).
pub fn parse(s: &str) -> Vec<Share> {
    s.split(';')
        .filter_map(|part| {
            let (measure, rhs) = part.split_once('=')?;
            let (of, over) = rhs.split_once('/')?;
            Some(Share {
                measure: measure.trim().to_string(),
                of: of.trim().to_string(),
                over: over.trim().to_string(),
            })
        })
        .filter(|s| !s.measure.is_empty() && !s.of.is_empty() && !s.over.is_empty())
        .collect()
}

/// Appends the shares to a protected table (`rows` and their `status`), for the requested
/// breakdowns `by`; `confidential`: every cell counts as shown.
pub fn add(shares: &[Share], by: &[String], rows: &mut Vec<Row>, status: &mut Vec<Status>, confidential: bool) {
    for share in shares {
        let Some(k) = by.iter().position(|b| b == &share.over) else {
            continue;
        };
        let shown = |i: usize| confidential || status[i].is_published();
        let at: HashMap<(&str, &[Option<String>]), usize> = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.misura == share.of)
            .map(|(i, r)| ((r.periodo.as_str(), r.dims.as_slice()), i))
            .collect();
        let mut added = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            if r.misura != share.of || r.dims[k].is_none() {
                continue;
            }
            let mut margin = r.dims.clone();
            margin[k] = None;
            let Some(&j) = at.get(&(r.periodo.as_str(), margin.as_slice())) else {
                continue;
            };
            let visible = shown(i) && shown(j);
            let value = match (r.valore, rows[j].valore) {
                (Some(v), Some(t)) if t > 0.0 && visible => Some((1000.0 * v / t).round() / 10.0),
                _ => None,
            };
            let st = match value {
                Some(_) => status[i],
                None if visible => Status::NotAvailable,
                None => Status::SuppressedSecondary,
            };
            let row = Row {
                misura: share.measure.clone(),
                valore: value,
                top: None,
                ..r.clone()
            };
            added.push((row, st));
        }
        for (row, st) in added {
            rows.push(row);
            status.push(st);
        }
    }
}
