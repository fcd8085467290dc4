//! The commands of `oml`, one file each (as xsv's `src/cmd/`): each declares its arguments
//! with clap, resolves them into the library's validated spec (a [`Period`](oml::model::period::Period),
//! the disclosure thresholds, checked paths) and calls the library; the library never sees raw
//! command-line strings. This file holds the top-level parser, the options every command shares
//! and the dispatch.

pub mod bench;
mod build;
mod bulletin;
mod catalog;
mod demo;
mod export;
pub(crate) mod indicators;
mod ingest;
mod outcomes;
mod progress;
mod report;
mod run;
mod sql;
mod status;
mod synth;

use anyhow::Result;
use clap::{Parser, Subcommand};
use oml::lake::Lake;
use std::path::{Path, PathBuf};

#[derive(Parser)]
#[command(
    name = "oml",
    version,
    about = "OML — Osservatorio del Mercato del Lavoro: Comunicazioni Obbligatorie into a Parquet lake, analysed with DuckDB",
    long_about = "OML turns the mandatory employer communications (Comunicazioni Obbligatorie: avviamenti, proroghe, \
trasformazioni, cessazioni) into a validated, pseudonymised, hive-partitioned Parquet lake, and queries it with an \
embedded DuckDB.\n\nStart with `oml demo`: it generates a synthetic province, ingests it and shows what the lake holds.\n\
Workers and employers are stored only as keyed pseudonyms: set OML_KEY (e.g. `export OML_KEY=$(openssl rand -hex 32)`) \
or pass --key-file, and keep the key outside the lake and the repository.",
    after_long_help = "Exit codes: 0 done, 1 error, 2 wrong arguments, 3 the lake is empty (ingest first), \
4 the lake is not built (run `oml build`), 5 the pseudonymisation key is missing, broken, inside the lake \
or not the lake's."
)]
pub struct App {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// The options every command takes.
#[derive(clap::Args)]
pub struct Global {
    /// The lake folder (created on first ingest).
    #[arg(long, global = true, env = "OML_LAKE", default_value = "lake")]
    pub lake: PathBuf,
    /// No progress bars.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

impl Global {
    /// The lake a command works on: `default` (a demo folder, a pipeline's own lake) unless
    /// `--lake` or `OML_LAKE` names one.
    pub fn lake_or(&self, default: Option<&Path>) -> Lake {
        match default {
            Some(d) if std::env::var_os("OML_LAKE").is_none() && self.lake == Path::new("lake") => Lake::new(d),
            _ => Lake::new(&self.lake),
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Generate a synthetic province, ingest it, and print what the lake holds.
    Demo(demo::DemoArgs),
    /// Generate a synthetic province (UNILAV XML, CSV extract and ground truth).
    Synth(synth::SynthArgs),
    /// Load data into the lake.
    #[command(subcommand)]
    Ingest(ingest::IngestCommand),
    /// Rebuild employment relationships (rapporti), their contract segments and anomalies
    /// from co_eventi, in a new lake generation.
    #[command(long_about = build::LONG_ABOUT)]
    Build(build::BuildArgs),
    /// Run SQL on the lake with DuckDB (views: co_eventi, quarantena, co_superati, rapporti, segmenti, …).
    Sql(sql::SqlArgs),
    /// Compute a named indicator (sql/indicatori/NAME.sql) by period and breakdown, with
    /// disclosure control. `oml indicators --list` lists indicators and breakdown columns.
    #[command(long_about = indicators::LONG_ABOUT)]
    Indicators(indicators::IndicatorsArgs),
    /// Outcomes of a crisis measure (DID, mobility lists, CIG): re-employment curves, new
    /// employer or recall, and a matched comparison group, with disclosure control.
    #[command(long_about = outcomes::LONG_ABOUT)]
    Outcomes(outcomes::OutcomesArgs),
    /// Write the provincial bulletin (HTML, Markdown, XLSX, CSV, charts) for one period.
    #[command(long_about = bulletin::LONG_ABOUT)]
    Bulletin(bulletin::BulletinArgs),
    /// Standalone notes for policy makers (`oml report esiti`: outcomes of the DID entries).
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// Run a pipeline file (pipelines/*.toml): optional rebuild, then the bulletin it describes.
    Run(run::RunArgs),
    /// Summarise what the lake holds: communications by year and event, quarantine, reconciliation.
    Status,
    /// Write a DuckDB database file of the lake's views, every view and column described
    /// (`duckdb oml.duckdb`).
    #[command(long_about = catalog::LONG_ABOUT)]
    Catalog(catalog::CatalogArgs),
    /// Write the public-use files: the protected marts as CSV, Parquet and XLSX with a LEGGIMI.md.
    #[command(long_about = export::LONG_ABOUT)]
    Export(export::ExportArgs),
    /// Benchmarks with a DuckDB-only baseline side by side (build with --release).
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Run a SQL script with the embedded DuckDB (used by the benchmarks).
    #[command(hide = true, name = "duckdb-script")]
    DuckdbScript { file: PathBuf },
}

/// The exit code of a failed command: the typed errors of the library's edges have their own
/// (3 the lake is empty, 4 the lake is not built: `oml::lake::LakeError`; 5 the key is missing,
/// broken, inside the lake or not the lake's: `oml::privacy::KeyError`), anything else is 1.
pub fn exit_code(e: &anyhow::Error) -> i32 {
    if let Some(l) = e.downcast_ref::<oml::lake::LakeError>() {
        return l.exit_code();
    }
    e.downcast_ref::<oml::privacy::KeyError>().map_or(1, |k| k.exit_code())
}

/// Runs the command the user gave.
pub fn run(app: &App) -> Result<()> {
    let g = &app.global;
    match &app.command {
        Command::Demo(a) => demo::run(g, a),
        Command::Synth(a) => synth::run(g, a),
        Command::Ingest(a) => ingest::run(g, a),
        Command::Build(a) => build::run(g, a),
        Command::Sql(a) => sql::run(g, a),
        Command::Indicators(a) => indicators::run(g, a),
        Command::Outcomes(a) => outcomes::run(g, a),
        Command::Bulletin(a) => bulletin::run(g, a),
        Command::Report(a) => report::run(g, a),
        Command::Run(a) => run::run(g, a),
        Command::Status => status::run(g),
        Command::Catalog(a) => catalog::run(g, a),
        Command::Export(a) => export::run(g, a),
        Command::Bench(a) => bench::run(g, a),
        Command::DuckdbScript { file } => bench::run_duckdb_script(file),
    }
}
