//! `oml report`: standalone notes for policy makers, written like a bulletin (HTML, Markdown,
//! XLSX, CSV, charts). `oml report esiti`: the outcomes of the DID entries of a province and
//! period (`oml::report::bulletin::run_esiti_report`).

use super::indicators::DisclosureArgs;
use super::Global;
use anyhow::Result;
use clap::{Args, Subcommand};
use oml::lake::Lake;
use oml::model::period::Period;
use std::path::PathBuf;

pub const ESITI_ABOUT: &str = "A policy note on the outcomes of a crisis measure: the people who entered a DID \
(dichiarazione di immediata disponibilità) in the CPIs of the province during the period, followed in the \
communications to the lake's horizon. Italian sentences on each quarter's cohort (\"Dei 1.240 lavoratori entrati \
in DID nel I trimestre 2023 senza un lavoro, il 41,3% aveva un nuovo rapporto di lavoro entro 6 mesi …\"), the \
re-employment curves as a chart, the shares by 3, 6 and 12 months with a new employer and a recall apart, the \
complete-window shares in the form of the public monitoring of active policies, and the comparison with similar \
people who lost a job and did not enter the DID. Every table through disclosure control. The same section is in \
`oml bulletin` (cohorts of a year before the bulletin's period).\n\nWrites into --out: bollettino.html, \
bollettino.md, bollettino.xlsx, csv/, grafici/.\n\nExample:\n  oml report esiti --province PO --period 2023";

#[derive(Subcommand)]
pub enum ReportCommand {
    /// Outcomes of the DID entries of a province and period: re-employment, contracts, a
    /// matched comparison group.
    #[command(long_about = ESITI_ABOUT)]
    Esiti(EsitiArgs),
}

#[derive(Args)]
pub struct EsitiArgs {
    /// Province of the CPIs, by sigla (e.g. PO).
    #[arg(long)]
    province: String,
    /// Entries in this period: 2023, 2023-Q1, 2023-03 or FROM..TO.
    #[arg(long)]
    period: Period,
    /// Output folder (default: note/esiti-PROVINCE-PERIOD).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    disclosure: DisclosureArgs,
}

pub fn run(g: &Global, c: &ReportCommand) -> Result<()> {
    match c {
        ReportCommand::Esiti(a) => {
            let out = a.out.clone().unwrap_or_else(|| {
                PathBuf::from("note").join(format!("esiti-{}-{}", a.province.to_uppercase(), a.period))
            });
            let written = oml::report::bulletin::run_esiti_report(
                &Lake::new(&g.lake),
                &a.province,
                &a.period,
                &out,
                a.disclosure.config()?,
            )?;
            super::bulletin::print_written("Nota sugli esiti scritta", &written);
            Ok(())
        }
    }
}
