//! `oml sql`: a query on the lake's views with DuckDB, opened read-only.

use super::Global;
use anyhow::Result;
use clap::Args;
use oml::analytics::Session;
use oml::lake::Lake;
use oml::report::export::{write_batches, OutputFormat};

#[derive(Args)]
pub struct SqlArgs {
    /// The query, e.g. "SELECT anno, evento, count(*) FROM co_eventi GROUP BY ALL".
    query: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
}

pub fn run(g: &Global, a: &SqlArgs) -> Result<()> {
    let session = Session::open(&Lake::new(&g.lake))?;
    let (schema, batches) = session.query_read_only(&a.query)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    write_batches(&mut out, &schema, &batches, a.format)
}
