//! The standard marts `oml build` materialises in the lake: protected indicator tables with
//! the breakdowns a provincial bulletin uses (listed, as data, in `lake::catalog::MARTS`),
//! ready for DuckDB, polars, pandas, R or Excel without recomputation. They are the same tables
//! `oml indicators` prints (same SQL, same disclosure control, totals included), partitioned by
//! the year of the period, and committed in the same generation as the relationships they are
//! computed from ([`build`]).

use super::indicators::{compute, Request};
use super::Session;
use crate::derive::{BuildOptions, BuildReport};
use crate::lake::catalog::{Mart, MARTS};
use crate::lake::manifest::{FileEntry, Manifest};
use crate::lake::{Lake, PartitionedWriter, Staging};
use anyhow::{Context, Result};
use arrow::array::AsArray;

/// `oml build`: the relationships (`derive`) and, unless `marts` is false, the standard marts,
/// committed together as one generation.
pub fn build(
    lake: &Lake,
    opts: &BuildOptions,
    marts: bool,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<BuildReport> {
    let extra = |staging: &Staging, m: &Manifest| write_marts(staging, &Session::open_generation(&staging.dir, m)?);
    crate::derive::build_with(lake, opts, progress, marts.then_some(&extra as _))
}

fn request(m: &Mart) -> Request {
    Request {
        indicator: m.indicator.into(),
        by: m.by.iter().map(|s| s.to_string()).collect(),
        period: None,
        periodicity: m.periodicity,
        totals: true,
        mode: Default::default(),
        territory: Default::default(),
        perimeter: Default::default(),
        parameters: Default::default(),
    }
}

/// Computes every mart over the generation being built and writes it into the staging area.
pub fn write_marts(staging: &Staging, session: &Session) -> Result<Vec<(&'static str, Vec<FileEntry>)>> {
    let mut out = Vec::new();
    for m in &MARTS {
        let table = compute(session, &request(m)).with_context(|| format!("computing {}", m.dataset))?;
        let batch = table.to_batch()?;
        let periodo = batch.column(0).as_string::<i32>();
        let years: Vec<i32> = (0..batch.num_rows())
            .map(|i| periodo.value(i).get(..4).and_then(|y| y.parse().ok()).unwrap_or(0))
            .collect();
        let mut w = PartitionedWriter::new(staging, m.dataset, "part-build", batch.schema());
        crate::derive::output::write_by_year(&mut w, &batch, &years)?;
        out.push((m.dataset, w.finish()?));
    }
    Ok(out)
}
