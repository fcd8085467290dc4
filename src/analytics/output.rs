//! Query output as a table (terminal), CSV or JSON.

use anyhow::Result;
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use std::io::Write;

/// `--format` of query commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OutputFormat {
    /// Aligned table for the terminal.
    #[default]
    Table,
    /// CSV with a header (comma-separated, UTF-8): opens in Excel, pandas, R.
    Csv,
    /// A JSON array of objects.
    Json,
}

/// Writes query results in the chosen format.
pub fn write_batches(
    out: &mut dyn Write,
    schema: &SchemaRef,
    batches: &[RecordBatch],
    fmt: OutputFormat,
) -> Result<()> {
    match fmt {
        OutputFormat::Table => {
            if batches.iter().all(|b| b.num_rows() == 0) {
                let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
                writeln!(out, "(nessuna riga) colonne: {}", names.join(", "))?;
            } else {
                writeln!(out, "{}", arrow::util::pretty::pretty_format_batches(batches)?)?;
            }
        }
        OutputFormat::Csv => {
            if batches.is_empty() {
                let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
                writeln!(out, "{}", names.join(","))?;
            } else {
                let mut w = arrow::csv::WriterBuilder::new().with_header(true).build(&mut *out);
                for b in batches {
                    w.write(b)?;
                }
            }
        }
        OutputFormat::Json => {
            let mut w = arrow::json::ArrayWriter::new(&mut *out);
            for b in batches {
                w.write(b)?;
            }
            w.finish()?;
            writeln!(out)?;
        }
    }
    Ok(())
}
