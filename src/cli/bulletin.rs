//! `oml bulletin`: the provincial bulletin of one period (`oml::report::bulletin`).

use super::indicators::{DisclosureArgs, PerimeterArgs};
use super::{progress, Global};
use anyhow::Result;
use clap::Args;
use oml::lake::Lake;
use oml::model::period::Period;
use oml::report::bulletin::{self, BulletinSpec};
use std::path::PathBuf;

pub const LONG_ABOUT: &str = "Write the provincial labour-market bulletin for one month, quarter or year.\n\n\
Sections: sintesi (generated Italian sentences), flussi e saldi (monthly series, seasonally adjusted, 12-month \
moving sum; hires by age and sex), contratti, settori, territorio (CPI, comuni, region), CIG, disoccupazione (ISTAT), \
esiti delle misure di crisi (the DID cohorts of a year before the period: re-employment within 3, 6, 12 months, a \
matched comparison; `oml report esiti` writes it alone), mobilità, nota metodologica e glossario, fonti. Every number comes from an indicator of sql/indicatori/ (the \
commands are printed under each table) and every table goes through disclosure control; all tables of the \
bulletin are protected together, so none can be subtracted from another.\n\nWrites into --out: bollettino.html \
(self-contained, prints to PDF), bollettino.md, bollettino.xlsx, csv/, grafici/ (SVG and PNG) and \
dati/serie_mensili.csv (the monthly series it publishes, with their disclosure status and extraction date).\n\n\
The perimeter (--datori, --escludi, --geografia) applies to every table from the communications and is printed \
in a box under the sintesi; the DID, CIG and ISTAT tables keep their own.\n\n\
The last months are provisional: late communications, corrections and cancellations keep arriving. With \
--precedente the bulletin shows how the figures of the previous bulletin were revised: the monthly series \
of that bulletin's dati/serie_mensili.csv against this one's, month by month (table t24 and one sentence in \
the sintesi).\n\n\
Examples:\n  oml bulletin --province PO --period 2024-Q4 --out bollettini/PO-2024-Q4\n  \
oml bulletin --province PO --period 2025-Q1 --out bollettini/PO-2025-Q1 --precedente bollettini/PO-2024-Q4\n  \
oml bulletin --province PO --period 2024-03 --datori privati --escludi agricoltura,domestico  (as INPS counts)";

#[derive(Args)]
pub struct BulletinArgs {
    /// Province of the workplace, by sigla (e.g. PO).
    #[arg(long)]
    province: String,
    /// The period: a month (2024-03), a quarter (2024-Q4) or a year (2024).
    #[arg(long, value_parser = single_period)]
    period: Period,
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
    /// Year the saldo cumulated from January is compared with, besides the previous year
    /// (default 2019, the last before the pandemic; shown when the lake covers it).
    #[arg(long, value_name = "ANNO")]
    anno_riferimento: Option<i32>,
    /// Output folder of the previous bulletin: the monthly series it published (its
    /// dati/serie_mensili.csv) are compared with this bulletin's, month by month, to show how
    /// they were revised (vintage against vintage: the figures of the two bulletins as
    /// published, not the lake rebuilt as of the earlier extraction).
    #[arg(long, value_name = "DIR")]
    precedente: Option<PathBuf>,
    #[command(flatten)]
    disclosure: DisclosureArgs,
    #[command(flatten)]
    perimeter: PerimeterArgs,
}

/// A bulletin covers one month, quarter or year: checked when the arguments are read.
fn single_period(s: &str) -> Result<Period> {
    Ok(Period::parse_single(s)?.0)
}

impl BulletinArgs {
    fn spec(&self) -> Result<BulletinSpec> {
        let spec = BulletinSpec {
            province: self.province.clone(),
            period: self.period,
            out: self
                .out
                .clone()
                .unwrap_or_else(|| bulletin::default_out(&self.province, &self.period)),
            sections: (!self.sections.is_empty()).then(|| self.sections.clone()),
            title: self.title.clone(),
            history_years: self.history_years,
            min_workers: self.disclosure.min_workers,
            min_employers: self.disclosure.min_employers,
            dominanza: Some(self.disclosure.dominance.to_string()),
            protezione: self.disclosure.protection,
            anno_riferimento: self.anno_riferimento,
            perimetro: self.perimeter.perimeter(),
            precedente: self.precedente.clone(),
        };
        spec.disclosure()?;
        Ok(spec)
    }
}

/// Writes the bulletin with a spinner and prints where it is.
pub fn write_and_report(lake: &Lake, spec: &BulletinSpec, quiet: bool) -> Result<()> {
    let spinner = progress::spinner(quiet);
    let written = bulletin::run(lake, spec, &|msg| spinner.set_message(format!("Bollettino: {msg}")))?;
    spinner.finish_and_clear();
    print_written("Bollettino scritto", &written);
    Ok(())
}

/// Where a bulletin (or a note written like one) is and what it holds.
pub fn print_written(what: &str, written: &bulletin::Written) {
    println!(
        "{what} in {}: {} tavole, {} grafici, {} celle soppresse per riservatezza.",
        written.dir.display(),
        written.tables,
        written.charts,
        written.suppressed_cells
    );
    println!("Apri {}", written.html.display());
}

pub fn run(g: &Global, a: &BulletinArgs) -> Result<()> {
    write_and_report(&Lake::new(&g.lake), &a.spec()?, g.quiet)
}
