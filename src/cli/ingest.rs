//! `oml ingest co`: load communications into the lake (see `oml::ingest` for the pipeline and
//! `docs/robustezza.md` for what is refused and why).

use super::Global;
use anyhow::Result;
use clap::{Args, Subcommand};
use oml::ingest::{ingest, prepass::ScanOptions, IngestOptions};
use oml::lake::Lake;
use oml::privacy::Key;
use oml::report::status::run_report;
use oml::sources::{lombardia::DateOrder, Limits, SourceFormat, MAX_FIELD_BYTES, MAX_RECORD_BYTES};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum IngestCommand {
    /// Comunicazioni Obbligatorie: UNILAV XML files, folders or .zip batches; the CSV extract;
    /// Lombardia open-data CSV. Files already in the lake (same sha256) are skipped.
    Co(IngestCoArgs),
}

#[derive(Args)]
pub struct IngestCoArgs {
    /// Files or folders (searched recursively for .xml, .zip, .csv).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Force the input format instead of detecting it.
    #[arg(long, value_enum)]
    format: Option<SourceFormat>,
    /// Extraction date of the data (vintage), YYYY-MM-DD; default today.
    #[arg(long)]
    vintage: Option<chrono::NaiveDate>,
    /// Key file for the pseudonyms (else OML_KEY, else OML_KEY_FILE). Must be outside the lake.
    #[arg(long)]
    key_file: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Refuse, by name, an input file larger than this many bytes (default: no limit).
    #[arg(long)]
    max_file_bytes: Option<u64>,
    /// A record (CSV record, UniLav element) that does not end within this many bytes stops
    /// its file with an error naming the line: an unbalanced quote, a binary or endless file.
    #[arg(long, default_value_t = MAX_RECORD_BYTES)]
    max_record_bytes: usize,
    /// A field longer than this many bytes, or holding a NUL byte, sends its record to
    /// quarantine (reason record_malformato).
    #[arg(long, default_value_t = MAX_FIELD_BYTES)]
    max_field_bytes: usize,
    /// Lombardia open data: the order of day and month in DATA, for a file whose every date
    /// reads both ways (day and month up to 12). Otherwise the order is read from the data (a
    /// first number above 12 means day first) and this must agree with it.
    #[arg(long, value_enum)]
    date_order: Option<DateOrder>,
    /// Lombardia open data: take a file whose contract or sector wordings match no code,
    /// with null codes (the wordings are counted in the run). By default such a file is
    /// refused with the wordings listed: add them to reference/oml/etichette_contratto.csv.
    #[arg(long)]
    allow_unmapped_labels: bool,
}

impl IngestCoArgs {
    /// The resolved options of the run.
    fn options(&self, quiet: bool) -> IngestOptions {
        IngestOptions {
            format: self.format,
            vintage: self.vintage,
            threads: self.threads,
            progress: !quiet,
            fail_before_commit: false,
            limits: Limits {
                max_file_bytes: self.max_file_bytes,
                max_record_bytes: self.max_record_bytes,
                max_field_bytes: self.max_field_bytes,
            },
            assume: ScanOptions {
                date_order: self.date_order,
                allow_unmapped_labels: self.allow_unmapped_labels,
            },
        }
    }
}

/// Ingests and prints the run's report (or that there was nothing to do).
pub fn ingest_and_report(lake: &Lake, key: &Key, paths: &[PathBuf], opts: &IngestOptions) -> Result<()> {
    let report = ingest(lake, key, paths, opts)?;
    match &report.run {
        Some(run) => print!("{}", run_report(run)),
        None => println!(
            "Nulla da fare: {} file già presenti nel lago (stesso sha256). Il lago non è cambiato.",
            report.skipped.len()
        ),
    }
    Ok(())
}

pub fn run(g: &Global, cmd: &IngestCommand) -> Result<()> {
    match cmd {
        IngestCommand::Co(a) => {
            let key = Key::resolve(a.key_file.as_deref(), &g.lake)?;
            ingest_and_report(&Lake::new(&g.lake), &key, &a.paths, &a.options(g.quiet))
        }
    }
}
