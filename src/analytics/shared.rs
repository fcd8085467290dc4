//! Several cubes of one indicator that differ only in their breakdown, from one run of its file.
//!
//! A bulletin asks `flussi` by contract, by sector, by ATECO section, by CPI and by comune over
//! the same periods: five runs of the file, each over every event. When the file declares
//! `-- margini: somma` (`analytics::cube`), every one of those cubes is a set of margins of the
//! finest cube over the union of their breakdowns, so the file runs once, with that union, and
//! each requested cube is summed from it (values, ratios, distinct counts and contributors
//! exactly as its own run gives them: `tests/build_indicators/cubo.rs`), then protected on its
//! own. Other files, and requests that differ in anything but the breakdown, are computed one by
//! one.

use super::indicators::{check, compute, find, prepare, protect_rows, subsets_of, Request, Table};
use super::Session;
use crate::sdc::Mode;
use anyhow::{Context, Result};

/// The tables of `reqs`, in their order: from one run at the union of their breakdowns where
/// they share everything else and the file declares `margini: somma`, else one by one.
pub fn compute_shared(session: &Session, reqs: &[Request]) -> Result<Vec<Table>> {
    let Some(first) = reqs.first() else {
        return Ok(Vec::new());
    };
    let ind = find(&first.indicator)?;
    let alike = |r: &Request| {
        Request {
            by: Vec::new(),
            ..r.clone()
        } == Request {
            by: Vec::new(),
            ..first.clone()
        }
    };
    let listing = ind.listing_sql();
    let shareable =
        ind.margins_sum && reqs.len() > 1 && reqs.iter().all(alike) && !matches!(first.mode, Mode::CellKey(..));
    let (Some(sql), true) = (listing, shareable) else {
        return reqs.iter().map(|r| compute(session, r)).collect();
    };
    for r in reqs {
        check(&ind, r)?;
    }
    // The union of the breakdowns, in the order its columns first appear.
    let mut columns: Vec<String> = Vec::new();
    for d in reqs.iter().flat_map(|r| &r.by) {
        if !columns.contains(d) {
            columns.push(d.clone());
        }
    }
    prepare(session, &ind, first)?;
    let listed = super::cube::Listed::run_all(session, &sql, (&ind.shape(), &ind.unions), &columns)
        .with_context(|| format!("running sql/indicatori/{}.sql", ind.name))?;
    let measures = ind.cube_measures();
    reqs.iter()
        .map(|r| {
            let subsets = subsets_of(&r.by, r.totals);
            let mut rows = super::cube::rows(&listed, &measures, &columns, &subsets)?;
            // From the union's columns to the request's.
            let at: Vec<usize> =
                r.by.iter()
                    .map(|d| columns.iter().position(|u| u == d).expect("a column of the union"))
                    .collect();
            for row in &mut rows {
                row.dims = at.iter().map(|&k| row.dims[k].take()).collect();
            }
            protect_rows(ind.clone(), r, rows)
        })
        .collect()
}
