//! `oml`: the command-line entry point. Each subcommand is one user task; the work is in the
//! library (`src/lib.rs`).

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use oml::analytics::output::{export, write_batches, ExportFormat, OutputFormat};
use oml::ingest::{ingest, IngestOptions};
use oml::lake::Lake;
use oml::privacy::Key;
use oml::quality::report::{lake_summary, run_report};
use oml::sources::SourceFormat;
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
or pass --key-file, and keep the key outside the lake and the repository."
)]
struct Cli {
    /// The lake folder (created on first ingest).
    #[arg(long, global = true, env = "OML_LAKE", default_value = "lake")]
    lake: PathBuf,
    /// No progress bars.
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a synthetic province, ingest it, and print what the lake holds.
    Demo(DemoArgs),
    /// Generate a synthetic province (UNILAV XML, CSV extract and ground truth).
    Synth(SynthArgs),
    /// Load data into the lake.
    #[command(subcommand)]
    Ingest(IngestCommand),
    /// Rebuild employment relationships (rapporti), their contract segments and anomalies
    /// from co_eventi, in a new lake generation.
    #[command(long_about = "Rebuild employment relationships from co_eventi.\n\n\
A relationship (rapporto) is the Ministry's key: worker, employer, data_inizio. Proroghe move its expected end, \
trasformazioni split it into contract / working-time segments (dataset segmenti), a cessazione ends it. A fixed-term \
relationship that reaches its (prorogated) expected end on or before the horizon without any cessazione is closed on \
that day with cessazione_imputata = true. Relationships whose avviamento predates the lake are kept, flagged \
censura_sinistra, and every communication that cannot be applied is listed in rapporti_anomalie with its reason: \
communications read = applied + not applied, or nothing is committed.\n\nDate conventions: docs/convenzioni.md.")]
    Build(BuildArgs),
    /// Run SQL on the lake with DuckDB (views: co_eventi, quarantena, co_superati, rapporti, segmenti, …).
    Sql(SqlArgs),
    /// Compute a named indicator (sql/indicatori/NAME.sql) by period and breakdown, with
    /// disclosure control. `oml indicators --list` lists indicators and breakdown columns.
    #[command(
        long_about = "Compute a named indicator from sql/indicatori/ over the lake, by period and breakdown, \
with disclosure control.\n\nEvery cell carries a status (stato): ok; soppressa_primaria when fewer than 3 distinct \
workers or 3 distinct employers are behind it (thresholds configurable upward); soppressa_secondaria when it is hidden \
so that a suppressed cell cannot be recovered by subtraction from the totals published with it; non_disponibile when \
it cannot be computed. Totals over each breakdown column are included (a cube) and protected together with the \
detail. --confidential gives the unprotected table for internal use, every cell labelled riservata.\n\n\
Examples:\n  oml indicators flussi --by macro_contratto --period 2024-Q1..2024-Q4\n  \
oml indicators posizioni --by settore,sesso --period 2019..2024 --format xlsx --out posizioni.xlsx\n  \
oml indicators qwi --by ateco_sezione --period 2023..2024 --format csv"
    )]
    Indicators(IndicatorsArgs),
    /// Write the provincial bulletin (HTML, Markdown, XLSX, CSV, charts) for one period.
    #[command(
        long_about = "Write the provincial labour-market bulletin for one month, quarter or year.\n\n\
Sections: sintesi (generated Italian sentences), flussi e saldi (monthly series, seasonally adjusted, 12-month \
moving sum; hires by age and sex), contratti, settori, territorio (CPI, comuni, region), CIG, disoccupazione (ISTAT), \
mobilità, nota metodologica e glossario, fonti. Every number comes from an indicator of sql/indicatori/ (the \
commands are printed under each table) and every table goes through disclosure control; all tables of the \
bulletin are protected together, so none can be subtracted from another.\n\nWrites into --out: bollettino.html \
(self-contained, prints to PDF), bollettino.md, bollettino.xlsx, csv/ and grafici/ (SVG and PNG).\n\n\
Example:\n  oml bulletin --province PO --period 2024-Q4 --out bollettini/PO-2024-Q4"
    )]
    Bulletin(BulletinArgs),
    /// Run a pipeline file (pipelines/*.toml): optional rebuild, then the bulletin it describes.
    Run {
        /// The pipeline file, e.g. pipelines/prato.toml.
        file: PathBuf,
    },
    /// Summarise what the lake holds: communications by year and event, quarantine, reconciliation.
    Status,
    /// Benchmarks with a DuckDB-only baseline side by side (build with --release).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Run a SQL script with the embedded DuckDB (used by the benchmarks).
    #[command(hide = true, name = "duckdb-script")]
    DuckdbScript { file: PathBuf },
}

#[derive(Args)]
struct DemoArgs {
    /// Working folder: synthetic data in DIR/dati, the lake in DIR/lake (unless --lake is given).
    #[arg(long, default_value = "demo")]
    dir: PathBuf,
    #[command(flatten)]
    province: ProvinceArgs,
}

/// Which synthetic province to generate.
#[derive(Args, Clone)]
struct ProvinceArgs {
    /// Province by sigla (PO) or ISTAT code (100); its real comuni are used.
    #[arg(long, default_value = "PO")]
    province: String,
    /// Years covered, FROM-TO (e.g. 2019-2024) or one year.
    #[arg(long, default_value = "2019-2024")]
    years: String,
    /// Communications per year (≈).
    #[arg(long, default_value_t = 80_000)]
    volume: usize,
}

#[derive(Args)]
struct SynthArgs {
    #[command(flatten)]
    province: ProvinceArgs,
    /// Seed: the same seed gives byte-identical output.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Output folder: unilav/ (XML), co.csv (CSV extract), truth/ (ground truth).
    #[arg(long)]
    out: PathBuf,
    /// Do not inject faults (bad CF, unknown codes, duplicates, rettifiche…).
    #[arg(long)]
    no_faults: bool,
    /// Write only the CSV extract (no XML).
    #[arg(long, conflicts_with = "xml_only")]
    csv_only: bool,
    /// Write only the UNILAV XML (no CSV).
    #[arg(long)]
    xml_only: bool,
}

#[derive(Subcommand)]
enum IngestCommand {
    /// Comunicazioni Obbligatorie: UNILAV XML files, folders or .zip batches; the CSV extract;
    /// Lombardia open-data CSV. Files already in the lake (same sha256) are skipped.
    Co(IngestCoArgs),
}

#[derive(Args)]
struct IngestCoArgs {
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
    #[arg(long, default_value_t = oml::sources::MAX_RECORD_BYTES)]
    max_record_bytes: usize,
    /// A field longer than this many bytes, or holding a NUL byte, sends its record to
    /// quarantine (reason record_malformato).
    #[arg(long, default_value_t = oml::sources::MAX_FIELD_BYTES)]
    max_field_bytes: usize,
    /// Lombardia open data: the order of day and month in DATA, for a file whose every date
    /// reads both ways (day and month up to 12). Otherwise the order is read from the data (a
    /// first number above 12 means day first) and this must agree with it.
    #[arg(long, value_enum)]
    date_order: Option<oml::sources::lombardia::DateOrder>,
    /// Lombardia open data: take a file whose contract or sector wordings match no code,
    /// with null codes (the wordings are counted in the run). By default such a file is
    /// refused with the wordings listed: add them to reference/oml/etichette_contratto.csv.
    #[arg(long)]
    allow_unmapped_labels: bool,
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Ingest throughput and peak memory vs a DuckDB-only SQL ETL and a plain CSV → Parquet copy.
    Ingest(oml::bench::BenchIngestArgs),
    /// Rebuild of relationships (oml build) vs the same reconstruction in DuckDB SQL, with agreement.
    Build(oml::bench::BenchBuildArgs),
}

#[derive(Args, Default)]
struct BuildArgs {
    /// Last day the communications are complete for, YYYY-MM-DD (default: the last day of the
    /// month of the latest data_invio). Fixed-term relationships expected to end by then
    /// without a cessazione get an imputed one; later ones stay open.
    #[arg(long)]
    horizon: Option<chrono::NaiveDate>,
    /// First day the lake covers, YYYY-MM-DD (default: the day of the earliest data_invio).
    /// Relationships without avviamento that started earlier are left-censored.
    #[arg(long)]
    coverage_start: Option<chrono::NaiveDate>,
    /// Do not compute the standard marts (mart_flussi, mart_posizioni, …).
    #[arg(long)]
    skip_marts: bool,
}

#[derive(Args)]
struct IndicatorsArgs {
    /// Indicator name (flussi, posizioni, giornate, durate, lavoratori_interessati, datori_attivi,
    /// proroghe, trasformazioni, qwi).
    #[arg(required_unless_present = "list")]
    name: Option<String>,
    /// Breakdown columns, comma-separated (e.g. cpi,macro_contratto). See --list.
    #[arg(long, value_delimiter = ',')]
    by: Vec<String>,
    /// Period: 2024, 2024-Q4, 2024-03, 2024-03-15, or FROM..TO (e.g. 2023-Q1..2024-Q4).
    /// Default: the whole lake (coverage start to horizon of the last build).
    #[arg(long)]
    period: Option<String>,
    /// Length of the periods in the result (default: as written in --period, else anno).
    #[arg(long, value_enum)]
    periodicity: Option<oml::analytics::indicators::Periodicity>,
    /// Output format (parquet and xlsx need --out).
    #[arg(long, value_enum, default_value_t = ExportFormat::Table)]
    format: ExportFormat,
    /// Output file (default: standard output for table, csv, json).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Minimum distinct workers behind a published cell (at least 3).
    #[arg(long, default_value_t = 3)]
    min_workers: u64,
    /// Minimum distinct employers behind a published cell (at least 3).
    #[arg(long, default_value_t = 3)]
    min_employers: u64,
    /// No totals over the breakdown columns (only the detail cells, still protected).
    #[arg(long)]
    no_totals: bool,
    /// Unprotected table for internal use: nothing suppressed, every cell labelled riservata.
    #[arg(long)]
    confidential: bool,
    /// Only workplaces in this province (sigla, e.g. PO).
    #[arg(long)]
    province: Option<String>,
    /// Only workplaces in this region (as in the regione column; see `oml sql`).
    #[arg(long)]
    region: Option<String>,
    /// List the indicators, their measures and the breakdown columns.
    #[arg(long)]
    list: bool,
}

#[derive(Args)]
struct BulletinArgs {
    /// Province of the workplace, by sigla (e.g. PO).
    #[arg(long)]
    province: String,
    /// The period: a month (2024-03), a quarter (2024-Q4) or a year (2024).
    #[arg(long)]
    period: String,
    /// Output folder (default: bollettini/PROVINCE-PERIOD).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Sections to include, comma-separated (default: all).
    #[arg(long, value_delimiter = ',')]
    sections: Vec<String>,
    /// Title of the bulletin.
    #[arg(long)]
    title: Option<String>,
    /// Years of monthly history in the charts.
    #[arg(long, default_value_t = 5)]
    history_years: u32,
    /// Minimum distinct workers behind a published cell (at least 3).
    #[arg(long, default_value_t = 3)]
    min_workers: u64,
    /// Minimum distinct employers behind a published cell (at least 3).
    #[arg(long, default_value_t = 3)]
    min_employers: u64,
}

#[derive(Args)]
struct SqlArgs {
    /// The query, e.g. "SELECT anno, evento, count(*) FROM co_eventi GROUP BY ALL".
    query: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
}

fn parse_years(s: &str) -> Result<(i32, i32)> {
    let (a, b) = match s.split_once('-') {
        Some((a, b)) => (a, b),
        None => (s, s),
    };
    let a: i32 = a
        .trim()
        .parse()
        .with_context(|| format!("--years '{s}': expected FROM-TO, e.g. 2019-2024"))?;
    let b: i32 = b
        .trim()
        .parse()
        .with_context(|| format!("--years '{s}': expected FROM-TO, e.g. 2019-2024"))?;
    if a > b || !(2008..=2100).contains(&a) {
        bail!("--years '{s}': expected FROM-TO with 2008 ≤ FROM ≤ TO");
    }
    Ok((a, b))
}

fn synth(args: &SynthArgs, quiet: bool) -> Result<oml::synth::SynthSummary> {
    let (first_year, last_year) = parse_years(&args.province.years)?;
    let cfg = oml::synth::SynthConfig {
        province: args.province.province.clone(),
        first_year,
        last_year,
        volume: args.province.volume,
        seed: args.seed,
        faults: !args.no_faults,
        write_csv: !args.xml_only,
        write_xml: !args.csv_only,
        ..Default::default()
    };
    let pb = if quiet {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new(0)
    };
    pb.set_style(
        indicatif::ProgressStyle::with_template("sintesi      [{elapsed_precise}] {wide_bar} {pos}/{len}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let summary = oml::synth::generate(&cfg, &args.out, &|done, total| {
        pb.set_length(total);
        pb.set_position(done);
    })?;
    pb.finish_and_clear();
    Ok(summary)
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
            limits: oml::sources::Limits {
                max_file_bytes: self.max_file_bytes,
                max_record_bytes: self.max_record_bytes,
                max_field_bytes: self.max_field_bytes,
            },
            assume: oml::ingest::prepass::ScanOptions {
                date_order: self.date_order,
                allow_unmapped_labels: self.allow_unmapped_labels,
            },
        }
    }
}

fn run_ingest(lake: &Lake, key: &Key, paths: &[PathBuf], opts: &IngestOptions) -> Result<()> {
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

fn demo(cli: &Cli, args: &DemoArgs) -> Result<()> {
    let lake_dir = if std::env::var_os("OML_LAKE").is_none() && cli.lake == Path::new("lake") {
        args.dir.join("lake")
    } else {
        cli.lake.clone()
    };
    let lake = Lake::new(&lake_dir);
    let data = args.dir.join("dati");
    let key_path = args.dir.join("chiave-demo.key");
    let key = if key_path.exists() {
        Key::resolve(Some(&key_path), &lake_dir)?
    } else {
        let k = Key::create_file(&key_path)?;
        println!(
            "Creata una chiave di pseudonimizzazione locale per la demo: {} (fuori dal lago; per dati reali usa OML_KEY o --key-file).",
            key_path.display()
        );
        k
    };
    if !data.join("co.csv").exists() {
        println!(
            "Genero una provincia sintetica ({}, {}, {} comunicazioni/anno) in {} …",
            args.province.province,
            args.province.years,
            args.province.volume,
            data.display()
        );
        let s = synth(
            &SynthArgs {
                province: args.province.clone(),
                seed: 42,
                out: data.clone(),
                no_faults: false,
                csv_only: false,
                xml_only: false,
            },
            cli.quiet,
        )?;
        println!(
            "  {} comunicazioni, {} rapporti di lavoro veri (verità in {}).",
            s.communications,
            s.rapporti,
            data.join("truth").display()
        );
    }
    println!(
        "Acquisisco i file UNILAV XML di {} nel lago {} …",
        data.join("unilav").display(),
        lake_dir.display()
    );
    let opts = IngestOptions {
        progress: !cli.quiet,
        ..Default::default()
    };
    run_ingest(&lake, &key, &[data.join("unilav")], &opts)?;
    println!("\nRicostruisco i rapporti di lavoro (oml build) …");
    run_build(&lake, &BuildArgs::default(), cli.quiet)?;
    println!();
    print!("{}", lake_summary(&lake)?);
    let l = lake_dir.display();
    println!(
        "\nProva ora:\n  oml --lake {l} sql \"SELECT anno, macro_contratto, count(*) AS avviamenti FROM co_eventi WHERE evento = 'ASS' GROUP BY ALL ORDER BY ALL\"\n  \
         oml --lake {l} sql \"SELECT * FROM qualita_per_motivo\" --format csv\n  \
         oml --lake {l} status\n  \
         oml --lake {l} indicators --list\n  \
         oml --lake {l} indicators flussi --by macro_contratto --period 2024-Q1..2024-Q4\n  \
         oml --lake {l} indicators posizioni --by settore --period 2024 --format xlsx --out posizioni.xlsx\n  \
         oml --lake {l} bulletin --province PO --period 2024-Q3 --out bollettini/PO-2024-Q3\n  \
         cd {l} && duckdb -init views.sql      (o pandas/polars/R arrow su {l}/co_eventi)\n  \
         OML_KEY_FILE={} oml --lake {l} ingest co {}   (lo stesso dato in CSV: le comunicazioni già acquisite vanno in quarantena come duplicati)",
        key_path.display(),
        data.join("co.csv").display()
    );
    // The bulletin of the last complete quarter.
    let horizon = lake
        .manifest()?
        .build
        .map(|b| b.orizzonte)
        .context("the demo lake has no build")?;
    let period = last_complete_quarter(&horizon)?;
    println!("\nScrivo il bollettino provinciale del {period} …");
    let spec = oml::report::bulletin::BulletinSpec {
        province: args.province.province.clone(),
        period: period.clone(),
        out: args.dir.join("bollettino"),
        sections: None,
        title: None,
        history_years: 5,
        min_workers: 3,
        min_employers: 3,
    };
    run_bulletin(&lake, &spec, cli.quiet)
}

/// '2024-Q4' for a horizon of 2024-12-31; '2024-Q3' for 2024-12-15.
fn last_complete_quarter(horizon: &str) -> Result<String> {
    use chrono::Datelike;
    let d = chrono::NaiveDate::parse_from_str(horizon, "%Y-%m-%d").with_context(|| format!("horizon {horizon:?}"))?;
    let next = d.succ_opt().context("horizon at the end of time")?;
    // The quarter that ends on or before the horizon.
    let q_start_month = (next.month0() / 3) * 3 + 1;
    let start = chrono::NaiveDate::from_ymd_opt(next.year(), q_start_month, 1).context("quarter start")?;
    let last = start.pred_opt().context("quarter end")?;
    Ok(format!("{}-Q{}", last.year(), last.month0() / 3 + 1))
}

fn run_build(lake: &Lake, args: &BuildArgs, quiet: bool) -> Result<()> {
    let bar = (!quiet).then(|| {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} comunicazioni ({eta})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let progress = |phase: &str, done: u64, total: u64| {
        if let Some(b) = &bar {
            b.set_length(total);
            b.set_position(done);
            b.set_message(phase.to_string());
        }
    };
    let opts = oml::derive::BuildOptions {
        orizzonte: args.horizon,
        inizio_copertura: args.coverage_start,
        fail_before_commit: false,
        skip_marts: args.skip_marts,
    };
    let report = oml::derive::build(lake, &opts, &progress)?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    print!("{}", oml::derive::summary(&report));
    Ok(())
}

fn run_indicators(lake: &Lake, a: &IndicatorsArgs) -> Result<()> {
    use oml::analytics::indicators as ind;
    if a.list {
        for i in ind::catalog() {
            println!("{} — {}\n{}\n", i.name, i.title, i.description);
        }
        println!("Colonne di disaggregazione (--by):");
        for (n, d) in ind::DIMENSIONS {
            println!("  {n:<24} {d}");
        }
        return Ok(());
    }
    let name = a.name.clone().context("give an indicator name (see --list)")?;
    let (period, written) = match &a.period {
        Some(p) => {
            let (dal, al, g) = ind::parse_period(p)?;
            (Some((dal, al)), g)
        }
        None => (None, None),
    };
    let mode = if a.confidential {
        oml::sdc::Mode::Confidential
    } else {
        oml::sdc::Mode::Protected(oml::sdc::Rules::new(a.min_workers, a.min_employers)?)
    };
    let manifest = lake.manifest()?;
    if manifest.build.is_none() {
        bail!("the lake has no rapporti: run `oml build` first (after every ingest)");
    }
    let req = ind::Request {
        indicator: name,
        by: a.by.clone(),
        period,
        periodicity: a.periodicity.or(written).unwrap_or(ind::Periodicity::Year),
        totals: !a.no_totals,
        mode,
        territory: ind::Territory {
            provincia: a.province.as_ref().map(|p| p.to_uppercase()),
            regione: a.region.clone(),
        },
    };
    let session = oml::analytics::Session::open(lake)?;
    let table = ind::compute(&session, &req)?;
    let batch = table.to_batch()?;
    export(
        &batch,
        a.format,
        a.out.as_deref(),
        &table.indicator.title,
        &table.notes(),
    )?;
    if let Some(p) = &a.out {
        eprintln!(
            "Scritto {} ({} celle; {}).",
            p.display(),
            batch.num_rows(),
            table.report
        );
    }
    Ok(())
}

fn run_bulletin(lake: &Lake, spec: &oml::report::bulletin::BulletinSpec, quiet: bool) -> Result<()> {
    let bar = (!quiet).then(|| {
        let b = indicatif::ProgressBar::new_spinner();
        b.enable_steady_tick(std::time::Duration::from_millis(120));
        b
    });
    let progress = |msg: &str| {
        if let Some(b) = &bar {
            b.set_message(format!("Bollettino: {msg}"));
        }
    };
    let written = oml::report::bulletin::run(lake, spec, &progress)?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    println!(
        "Bollettino scritto in {}: {} tavole, {} grafici, {} celle soppresse per riservatezza.",
        written.dir.display(),
        written.tables,
        written.charts,
        written.suppressed_cells
    );
    println!("Apri {}", written.html.display());
    Ok(())
}

fn main() {
    let cli = Cli::parse();
    let result = run(&cli);
    oml::bench::report_peak_rss_if_asked();
    if let Err(e) = result {
        eprintln!("oml: error: {e:#}");
        std::process::exit(1);
    }
}

fn run(cli: &Cli) -> Result<()> {
    let lake = Lake::new(&cli.lake);
    match &cli.command {
        Command::Demo(a) => demo(cli, a),
        Command::Synth(a) => {
            let s = synth(a, cli.quiet)?;
            println!(
                "{} comunicazioni, {} rapporti di lavoro in {}",
                s.communications,
                s.rapporti,
                a.out.display()
            );
            for (m, n) in &s.faults_by_motivo {
                println!("  anomalia iniettata {m:<36} {n}");
            }
            Ok(())
        }
        Command::Ingest(IngestCommand::Co(a)) => {
            let key = Key::resolve(a.key_file.as_deref(), &cli.lake)?;
            run_ingest(&lake, &key, &a.paths, &a.options(cli.quiet))
        }
        Command::Build(a) => run_build(&lake, a, cli.quiet),
        Command::Indicators(a) => run_indicators(&lake, a),
        Command::Bulletin(a) => {
            let spec = oml::report::bulletin::BulletinSpec {
                province: a.province.clone(),
                period: a.period.clone(),
                out: a
                    .out
                    .clone()
                    .unwrap_or_else(|| oml::report::bulletin::default_out(&a.province, &a.period)),
                sections: (!a.sections.is_empty()).then(|| a.sections.clone()),
                title: a.title.clone(),
                history_years: a.history_years,
                min_workers: a.min_workers,
                min_employers: a.min_employers,
            };
            run_bulletin(&lake, &spec, cli.quiet)
        }
        Command::Run { file } => {
            let p = oml::pipeline::Pipeline::load(file)?;
            let lake = match (&p.pipeline.lake, std::env::var_os("OML_LAKE")) {
                (Some(l), None) if cli.lake == Path::new("lake") => Lake::new(l),
                _ => lake,
            };
            if let Some(n) = &p.pipeline.name {
                println!("Pipeline: {n}");
            }
            if p.pipeline.build_if_stale && lake.manifest()?.build.is_none() {
                println!("I rapporti di lavoro non sono aggiornati: eseguo oml build …");
                run_build(&lake, &BuildArgs::default(), cli.quiet)?;
            }
            run_bulletin(&lake, &p.bulletin, cli.quiet)
        }
        Command::Sql(a) => {
            let session = oml::analytics::Session::open(&lake)?;
            let (schema, batches) = session.query_read_only(&a.query)?;
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            write_batches(&mut out, &schema, &batches, a.format)
        }
        Command::Status => {
            print!("{}", lake_summary(&lake)?);
            Ok(())
        }
        Command::Bench(BenchCommand::Ingest(a)) => oml::bench::ingest(a, cli.quiet),
        Command::Bench(BenchCommand::Build(a)) => oml::bench::build(a, cli.quiet),
        Command::DuckdbScript { file } => oml::bench::run_duckdb_script(file),
    }
}
