//! `oml ingest co`: load communications into the lake (see `oml::ingest` for the pipeline and
//! `docs/robustezza.md` for what is refused and why); `oml ingest cig`: INPS CIG open data into
//! the lake (view `cig`; `oml::ingest::cig`, layouts in `docs/formato_cig.md`); `oml ingest did`,
//! `cig-lavoratori`, `mobilita`: individual records of the labour information system
//! (`oml::ingest::registri`, layouts in `docs/formato_did.md`, `formato_cig_lavoratori.md`,
//! `formato_mobilita.md`); `oml ingest istat`: ISTAT unemployment-rate exports into the lake
//! (view `tasso_disoccupazione`).

use super::Global;
use anyhow::Result;
use clap::{Args, Subcommand};
use oml::ingest::cig::{ingest_cig, CigOptions};
use oml::ingest::istat::ingest_istat;
use oml::ingest::registri;
use oml::ingest::tables::{LandOptions, LandReport};
use oml::ingest::{ingest, prepass::ScanOptions, IngestOptions};
use oml::lake::Lake;
use oml::privacy::Key;
use oml::report::status::{run_report, scartati_line};
use oml::sources::inps_cig::CigFormat;
use oml::sources::{lombardia::DateOrder, Limits, SourceFormat, MAX_FIELD_BYTES, MAX_RECORD_BYTES};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum IngestCommand {
    /// Comunicazioni Obbligatorie: UNILAV XML files, folders or .zip batches; the CSV extract;
    /// Lombardia open-data CSV. Files already in the lake (same sha256) are skipped.
    Co(IngestCoArgs),
    /// INPS cassa integrazione open data: the Fondi di solidarietà hours file (format A), the
    /// integrazioni salariali files (format B: lavoratori, domande, mensilità) and the classic
    /// provincial CIG table (docs/formato_cig.md), into the lake (view `cig`). Files already in the
    /// lake (same sha256) are skipped; a newer vintage restates the keys it holds.
    Cig(IngestCigArgs),
    /// DID: dichiarazioni di immediata disponibilità with NASpI / DIS-COLL, one row per event
    /// (docs/formato_did.md), into `did_eventi` (views `did_episodi`). Pseudonymised with the
    /// lake's key, as the CO.
    Did(IngestRegistriArgs),
    /// Workers in Cassa integrazione, one row per period (docs/formato_cig_lavoratori.md), into
    /// `cig_lavoratori`. Pseudonymised with the lake's key, as the CO.
    CigLavoratori(IngestRegistriArgs),
    /// Liste di mobilità (up to 2016), one row per event (docs/formato_mobilita.md), into
    /// `mobilita_eventi` (view `mobilita_iscrizioni`). Pseudonymised with the lake's key.
    Mobilita(IngestRegistriArgs),
    /// ISTAT unemployment rates (Rilevazione sulle forze di lavoro): newer exports of the
    /// dataset shipped in reference/ (I.Stat CSV with ITTER107, or IstatData SDMX-CSV with
    /// REF_AREA), into the lake (view `tasso_disoccupazione`; the bulletin reads it when it holds
    /// data). Files already in the lake (same sha256) are skipped; a newer vintage restates the
    /// rates it holds.
    Istat(IngestIstatArgs),
}

#[derive(Args)]
pub struct IngestRegistriArgs {
    /// CSV files in the layout of the command.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Key file for the pseudonyms (else OML_KEY, else OML_KEY_FILE). Must be outside the lake.
    #[arg(long)]
    key_file: Option<PathBuf>,
}

/// Loads files of individual records and prints, per file, the account and the reasons.
fn ingest_registri_and_report<R: registri::Registro>(g: &Global, a: &IngestRegistriArgs) -> Result<()> {
    let key = Key::resolve(a.key_file.as_deref(), &g.lake)?;
    let report = registri::ingest::<R>(&Lake::new(&g.lake), &key, &a.files)?;
    for f in &report.gia_presenti {
        println!("{f}: già nel lago (stesso sha256 o stesso contenuto), nulla aggiunto.");
    }
    for r in &report.caricati {
        println!(
            "{}: formato {}, {} record letti = {} accettati + {} in quarantena ({} duplicati)",
            r.path, r.formato, r.letti, r.accettati, r.quarantena, r.duplicati
        );
        for (motivo, n) in &r.per_motivo {
            println!("  {motivo:<36} {n:>8}");
        }
        print!("{}", scartati_line(&r.valori_non_codificati_scartati));
    }
    if report.caricati.is_empty() {
        println!("Nulla da fare: il lago non è cambiato.");
    }
    Ok(())
}

#[derive(Args)]
pub struct IngestIstatArgs {
    /// CSV exports as ISTAT's data warehouse writes them.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The date of the publisher's data (vintage), YYYY-MM-DD; default today.
    #[arg(long)]
    vintage: Option<chrono::NaiveDate>,
}

#[derive(Args)]
pub struct IngestCigArgs {
    /// CSV files as INPS publishes them.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Force the layout instead of detecting it from the header.
    #[arg(long, value_enum)]
    format: Option<CigFormat>,
    /// The date of the publisher's data (vintage), YYYY-MM-DD; default today. A newer vintage
    /// of a key supersedes an older one in the `cig` view; every vintage is kept.
    #[arg(long)]
    vintage: Option<chrono::NaiveDate>,
}

/// Loads CIG files and prints, per file, the per-measure totals (file vs lake) and what was
/// superseded.
fn ingest_cig_and_report(lake: &Lake, a: &IngestCigArgs) -> Result<()> {
    let opts = CigOptions {
        format: a.format,
        land: LandOptions {
            vintage: a.vintage,
            fail_before_commit: false,
        },
    };
    let report = ingest_cig(lake, &a.files, &opts)?;
    print_land_report(&report);
    Ok(())
}

/// Per file: the values checked (file vs lake) and what was superseded.
fn print_land_report(report: &LandReport) {
    for f in &report.gia_presenti {
        println!("{f}: già nel lago (stesso sha256), nulla aggiunto.");
    }
    for t in &report.caricati {
        println!(
            "{}: formato {}, vintage {}, {} record, {} righe caricate, {} celle vuote",
            t.path, t.formato, t.vintage, t.record, t.righe, t.celle_vuote
        );
        for (misura, tot) in &t.totali {
            println!("  {misura}: totale del file {}, caricato {}", tot.file, tot.caricato);
        }
        println!(
            "  sostituite {} righe di vintage precedenti; {} righe già sostituite da un vintage più recente",
            t.superate, t.gia_superate
        );
    }
    if report.caricati.is_empty() {
        println!("Nulla da fare: il lago non è cambiato.");
    }
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
        IngestCommand::Cig(a) => ingest_cig_and_report(&Lake::new(&g.lake), a),
        IngestCommand::Did(a) => ingest_registri_and_report::<registri::Did>(g, a),
        IngestCommand::CigLavoratori(a) => ingest_registri_and_report::<registri::CigLavoratori>(g, a),
        IngestCommand::Mobilita(a) => ingest_registri_and_report::<registri::Mobilita>(g, a),
        IngestCommand::Istat(a) => {
            let opts = LandOptions {
                vintage: a.vintage,
                fail_before_commit: false,
            };
            print_land_report(&ingest_istat(&Lake::new(&g.lake), &a.files, &opts)?);
            Ok(())
        }
    }
}
