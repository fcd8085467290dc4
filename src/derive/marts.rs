//! The standard marts `oml build` materialises in the lake: protected indicator tables with
//! the breakdowns a provincial bulletin uses, ready for DuckDB, polars, pandas, R or Excel
//! without recomputation. They are the same tables `oml indicators` prints (same SQL, same
//! disclosure control, totals included), partitioned by the year of the period.

use crate::analytics::indicators::{compute, Periodicity, Request, Table};
use crate::analytics::Session;
use crate::lake::manifest::FileEntry;
use crate::lake::{PartitionedWriter, Staging};
use anyhow::{Context, Result};
use arrow::array::AsArray;
use arrow::datatypes::SchemaRef;

/// One mart: an indicator with a fixed breakdown and periodicity.
pub struct Mart {
    pub dataset: &'static str,
    pub indicator: &'static str,
    pub by: &'static [&'static str],
    pub periodicity: Periodicity,
}

pub const MARTS: [Mart; 3] = [
    Mart {
        dataset: "mart_flussi",
        indicator: "flussi",
        by: &["settore", "macro_contratto"],
        periodicity: Periodicity::Quarter,
    },
    Mart {
        dataset: "mart_posizioni",
        indicator: "posizioni",
        by: &["macro_contratto"],
        periodicity: Periodicity::Quarter,
    },
    Mart {
        dataset: "mart_flussi_mensili",
        indicator: "flussi",
        by: &["macro_contratto"],
        periodicity: Periodicity::Month,
    },
];

impl Mart {
    fn request(&self) -> Request {
        Request {
            indicator: self.indicator.into(),
            by: self.by.iter().map(|s| s.to_string()).collect(),
            period: None,
            periodicity: self.periodicity,
            totals: true,
            mode: Default::default(),
            territory: Default::default(),
        }
    }

    /// Schema of the mart's Parquet files.
    pub fn schema(&self) -> SchemaRef {
        Table::schema_for(&self.request().by)
    }
}

/// Computes every mart over the generation being built and writes it into the staging area.
pub fn write_marts(staging: &Staging, session: &Session) -> Result<Vec<(&'static str, Vec<FileEntry>)>> {
    let mut out = Vec::new();
    for m in &MARTS {
        let table = compute(session, &m.request()).with_context(|| format!("computing {}", m.dataset))?;
        let batch = table.to_batch()?;
        let periodo = batch.column(0).as_string::<i32>();
        let years: Vec<i32> = (0..batch.num_rows())
            .map(|i| periodo.value(i).get(..4).and_then(|y| y.parse().ok()).unwrap_or(0))
            .collect();
        let mut w = PartitionedWriter::new(staging, m.dataset, "part-build", batch.schema());
        super::output::write_by_year(&mut w, &batch, &years)?;
        out.push((m.dataset, w.finish()?));
    }
    Ok(out)
}
