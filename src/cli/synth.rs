//! `oml synth`: generate a synthetic province (UNILAV XML, CSV extract, ground truth).

use super::{progress, Global};
use anyhow::{bail, Context, Result};
use clap::Args;
use oml::synth::{SynthConfig, SynthSummary};
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct SynthArgs {
    #[command(flatten)]
    pub province: ProvinceArgs,
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

/// Which synthetic province to generate.
#[derive(Args, Clone)]
pub struct ProvinceArgs {
    /// Province by sigla (PO) or ISTAT code (100); its real comuni are used.
    #[arg(long, default_value = "PO")]
    pub province: String,
    /// Years covered, FROM-TO (e.g. 2019-2024) or one year.
    #[arg(long, default_value = "2019-2024", value_parser = parse_years)]
    pub years: (i32, i32),
    /// Communications per year (≈).
    #[arg(long, default_value_t = 80_000)]
    pub volume: usize,
}

impl ProvinceArgs {
    /// The generator's configuration for this province (seed 42, faults injected, XML and CSV).
    pub fn config(&self) -> SynthConfig {
        SynthConfig {
            province: self.province.clone(),
            first_year: self.years.0,
            last_year: self.years.1,
            volume: self.volume,
            seed: 42,
            faults: true,
            write_csv: true,
            write_xml: true,
            ..Default::default()
        }
    }
}

/// `2019-2024` or `2024`: first and last year.
fn parse_years(s: &str) -> Result<(i32, i32)> {
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let year = |t: &str| {
        t.trim()
            .parse::<i32>()
            .with_context(|| format!("--years '{s}': expected FROM-TO, e.g. 2019-2024"))
    };
    let (a, b) = (year(a)?, year(b)?);
    if a > b || !(2008..=2100).contains(&a) {
        bail!("--years '{s}': expected FROM-TO with 2008 ≤ FROM ≤ TO");
    }
    Ok((a, b))
}

/// Generates with a progress bar.
pub fn generate(cfg: &SynthConfig, out: &Path, quiet: bool) -> Result<SynthSummary> {
    let pb = progress::bar(quiet, "sintesi      [{elapsed_precise}] {wide_bar} {pos}/{len}");
    let summary = oml::synth::generate(cfg, out, &|done, total| {
        pb.set_length(total);
        pb.set_position(done);
    })?;
    pb.finish_and_clear();
    Ok(summary)
}

pub fn run(g: &Global, a: &SynthArgs) -> Result<()> {
    let cfg = SynthConfig {
        seed: a.seed,
        faults: !a.no_faults,
        write_csv: !a.xml_only,
        write_xml: !a.csv_only,
        ..a.province.config()
    };
    let s = generate(&cfg, &a.out, g.quiet)?;
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
