//! `oml outcomes`: the outcomes of a crisis measure's entry cohorts — re-employment curves,
//! a new employer against a recall, and the comparison with similar people who did not enter
//! the measure — through disclosure control, in any output format.

use super::indicators::DisclosureArgs;
use super::Global;
use anyhow::{bail, Result};
use clap::Args;
use oml::analytics::indicators::{Periodicity, Territory};
use oml::analytics::outcomes::{self, MatchArea, Measure, Request, MIN_CURVE, TABLES};
use oml::analytics::Session;
use oml::lake::Lake;
use oml::model::period::Period;
use oml::report::export::{export, write_batches, ExportFormat, OutputFormat};
use oml::report::{write_xlsx, Sheet};
use std::path::PathBuf;

pub const LONG_ABOUT: &str = "Follow the people who entered a crisis measure — a DID (dichiarazione di immediata \
disponibilità), a mobility list or Cassa integrazione — and tell who got back to work, how fast, and how: a new \
employer or a recall by the one they came from. Cohorts are the entries of each period (--periodicity, default \
trimestre), by the attributes at entry (--by).\n\nFive tables:\n  \
sintesi        counts per cohort and group (entries, with a job at entry, re-employed, recalls, likely changes of \
company name, censored) and estimates: median days to re-employment, share re-employed by 91/182/365 days \
(1 − Kaplan–Meier, Greenwood 95% interval) and the cumulative incidence of a new employer and of a recall \
(Aalen–Johansen)\n  \
curve          the re-employment curve of each group every --passo days\n  \
test           log-rank test between the groups of each cohort\n  \
confronto      DID and mobility: people who entered the measure within 90 days of losing a job against people \
who lost a job in the same way and did not, matched exactly on sex, age class, sector, area, contract, cause of the separation, \
quarter and delay; the difference in re-employment within 3, 6 and 12 months with its 95% interval (a comparison under the \
matching assumptions, not a causal effect)\n  \
bilanciamento  the covariates of the two groups before and after matching (standardised differences)\n\n\
People not re-employed by the lake's horizon are censored, never counted as failures. The complete-window shares \
in the form of the public monitoring of active policies (employed within 365 days, stable jobs, employed 180 days \
after the end) are `oml indicators esiti`. Every table goes through disclosure control: counts by the threshold \
with secondary suppression, estimates only where the events behind them are none or at least the threshold, curves \
only for groups of at least --min-curva people. Definitions: docs/esiti.md.\n\n\
Examples:\n  oml outcomes --misura DID --period 2023 --by sesso\n  \
oml outcomes --misura DID --period 2022-Q1..2023-Q4 --table confronto --format csv\n  \
oml outcomes --misura CIG --period 2023 --by tipo --format xlsx --out esiti_cig.xlsx";

#[derive(Args)]
pub struct OutcomesArgs {
    /// The crisis measure: DID, MOBILITA (mobility lists, up to 2016) or CIG.
    #[arg(long, value_enum, default_value = "DID")]
    misura: Measure,
    /// Entries (day zero) in this period: 2023, 2023-Q1, 2023-03, or FROM..TO. Default: the
    /// whole lake.
    #[arg(long)]
    period: Option<Period>,
    /// Length of the cohorts (default trimestre).
    #[arg(long, value_enum, default_value = "trimestre")]
    periodicity: Periodicity,
    /// Groups of the cohorts, at most two, comma-separated: tipo (benefit of the DID, list, type
    /// of CIG), sesso, classe_eta, area_cittadinanza, livello_istruzione, settore_origine,
    /// contratto_origine, cpi, provincia.
    #[arg(long, value_delimiter = ',')]
    by: Vec<String>,
    /// The table to write in csv, json or parquet (all of them go to the terminal and to xlsx):
    /// sintesi, curve, test, confronto, bilanciamento.
    #[arg(long, value_parser = TABLES)]
    table: Option<String>,
    /// Output format (parquet and xlsx need --out).
    #[arg(long, value_enum, default_value_t = ExportFormat::Table)]
    format: ExportFormat,
    /// Output file (default: standard output for table, csv, json).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    disclosure: DisclosureArgs,
    /// Minimum people in a group for its curve to be drawn.
    #[arg(long = "min-curva", default_value_t = MIN_CURVE)]
    min_curve: u64,
    /// Days between two points of a curve.
    #[arg(long = "passo", default_value_t = 30)]
    step: u32,
    /// The curves' last day after entry (the follow-up horizon of the curves).
    #[arg(long = "giorni", visible_alias = "orizzonte", default_value_t = 730)]
    max_days: u32,
    /// The area matched on in the comparison: cpi (default) or provincia.
    #[arg(long = "area-abbinamento", value_enum, default_value = "cpi")]
    match_area: MatchArea,
    /// Only measures in this province (sigla, e.g. PO).
    #[arg(long)]
    province: Option<String>,
    /// Only measures in this region (as in the regione column).
    #[arg(long)]
    region: Option<String>,
    /// Unprotected tables for internal use: nothing suppressed, every cell labelled riservata.
    #[arg(long)]
    confidential: bool,
}

impl OutcomesArgs {
    fn request(&self) -> Result<Request> {
        let mode = self.disclosure.mode(self.confidential)?;
        Ok(Request {
            measure: self.misura,
            period: self.period.map(|p| (p.dal, p.al)),
            periodicity: self.periodicity,
            by: self.by.clone(),
            territory: Territory {
                provincia: self.province.as_ref().map(|p| p.to_uppercase()),
                regione: self.region.clone(),
            },
            mode,
            min_curve: self.min_curve,
            step: self.step,
            max_days: self.max_days,
            match_area: self.match_area,
        })
    }
}

pub fn run(g: &Global, a: &OutcomesArgs) -> Result<()> {
    let req = a.request()?;
    let lake = Lake::new(&g.lake);
    lake.require_built()?;
    let session = Session::open(&lake)?;
    let result = outcomes::compute(&session, &req)?;
    let title = |name: &str| format!("Esiti {} — {name}", req.measure.code());
    match (a.format, &a.table) {
        (ExportFormat::Xlsx, _) => {
            let Some(path) = &a.out else {
                bail!("--format xlsx needs --out FILE")
            };
            let sheets: Vec<Sheet> = result
                .tables
                .iter()
                .filter(|(n, _)| a.table.as_deref().is_none_or(|t| t == *n))
                .map(|(n, b)| {
                    let mut s = Sheet::new(*n, vec![b.clone()]).with_title(title(n));
                    for note in &result.notes {
                        s = s.with_note(note);
                    }
                    s
                })
                .collect();
            write_xlsx(path, &sheets)?;
            eprintln!("Scritto {} ({} fogli).", path.display(), sheets.len());
        }
        (ExportFormat::Table, None) => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            for (n, b) in &result.tables {
                use std::io::Write;
                writeln!(out, "\n{}", title(n))?;
                write_batches(&mut out, &b.schema(), std::slice::from_ref(b), OutputFormat::Table)?;
            }
            for note in &result.notes {
                println!("{note}");
            }
        }
        (fmt, table) => {
            let name = table.as_deref().unwrap_or("sintesi");
            let (_, batch) = result
                .tables
                .iter()
                .find(|(n, _)| *n == name)
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "{} has no table {name}: Cassa integrazione has no comparison group (its workers keep their job; docs/esiti.md)",
                        req.measure.code()
                    )
                })?;
            export(batch, fmt, a.out.as_deref(), &title(name), &result.notes)?;
            if let Some(p) = &a.out {
                eprintln!("Scritto {} ({} righe).", p.display(), batch.num_rows());
            }
        }
    }
    Ok(())
}
