//! Query output in the format the user asks for: an aligned table for the terminal, CSV, JSON,
//! Parquet or an XLSX workbook (`oml sql`, `oml indicators`).

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

/// `--format` of commands that export tables (indicators): the query formats plus files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ExportFormat {
    /// Aligned table for the terminal.
    #[default]
    Table,
    /// CSV with a header (comma-separated, UTF-8).
    Csv,
    /// A JSON array of objects.
    Json,
    /// A Parquet file (needs --out): DuckDB, polars, pandas, R arrow.
    Parquet,
    /// An Excel workbook (needs --out), numbers as numbers, flags visible.
    Xlsx,
}

/// Writes a table in an export format: to `out` (a file) or, for the text formats without
/// `out`, to standard output. `title` and `notes` go into the workbook (and under the terminal table).
pub fn export(
    batch: &RecordBatch,
    fmt: ExportFormat,
    out: Option<&std::path::Path>,
    title: &str,
    notes: &[String],
) -> Result<()> {
    let text = |f: OutputFormat| -> Result<()> {
        let schema = batch.schema();
        match out {
            Some(p) => {
                let mut file = std::io::BufWriter::new(
                    std::fs::File::create(p).map_err(|e| anyhow::anyhow!("creating {}: {e}", p.display()))?,
                );
                write_batches(&mut file, &schema, std::slice::from_ref(batch), f)?;
                file.flush()?;
            }
            None => {
                let stdout = std::io::stdout();
                let mut lock = stdout.lock();
                write_batches(&mut lock, &schema, std::slice::from_ref(batch), f)?;
                if f == OutputFormat::Table {
                    for n in notes {
                        writeln!(lock, "{n}")?;
                    }
                }
            }
        }
        Ok(())
    };
    match fmt {
        ExportFormat::Table => text(OutputFormat::Table),
        ExportFormat::Csv => text(OutputFormat::Csv),
        ExportFormat::Json => text(OutputFormat::Json),
        ExportFormat::Parquet => {
            let p = out.ok_or_else(|| anyhow::anyhow!("--format parquet needs --out FILE"))?;
            let tmp = p.with_extension("parquet.tmp");
            crate::lake::write_file(&tmp, std::slice::from_ref(batch), batch.schema())?;
            std::fs::rename(&tmp, p)?;
            Ok(())
        }
        ExportFormat::Xlsx => {
            let p = out.ok_or_else(|| anyhow::anyhow!("--format xlsx needs --out FILE"))?;
            let mut sheet = super::Sheet::new(title, vec![batch.clone()]).with_title(title);
            for n in notes {
                sheet = sheet.with_note(n);
            }
            super::write_xlsx(p, &[sheet])
        }
    }
}
