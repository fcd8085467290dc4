//! `oml build`: rebuild relationships, segments, anomalies and the standard marts in a new
//! lake generation (`oml::derive`).

use super::{progress, Global};
use anyhow::Result;
use clap::Args;
use oml::derive::BuildOptions;
use oml::lake::Lake;

pub const LONG_ABOUT: &str = "Rebuild employment relationships from co_eventi.\n\n\
A relationship (rapporto) is the Ministry's key: worker, employer, data_inizio. Proroghe move its expected end, \
trasformazioni split it into contract / working-time segments (dataset segmenti), a cessazione ends it. A fixed-term \
relationship that reaches its (prorogated) expected end on or before the horizon without any cessazione is closed on \
that day with cessazione_imputata = true. Relationships whose avviamento predates the lake are kept, flagged \
censura_sinistra, and every communication that cannot be applied is listed in rapporti_anomalie with its reason: \
communications read = applied + not applied, or nothing is committed. The workers' careers (dataset carriere) \
cut each worker's time, from the first relationship to the horizon, into periods of employment (with the number of \
concurrent relationships and the dominant one) and non-employment. The transitions (dataset transizioni) link each \
relationship to the worker's next job and previous one, with the gap in days and the job-to-job class of the \
separation (EE, AQHire, NEPersist, …) and of the hire (EE, AQHire, ENPersist, …), as in the LEHD J2J flows \
adapted to daily dates.\n\nDate conventions: docs/convenzioni.md.";

#[derive(Args, Default)]
pub struct BuildArgs {
    /// Last day the communications are complete for, YYYY-MM-DD (default: the last day of the
    /// month of the latest data_invio). Fixed-term relationships expected to end by then
    /// without a cessazione get an imputed one; later ones stay open.
    #[arg(long)]
    horizon: Option<chrono::NaiveDate>,
    /// First day the lake covers, YYYY-MM-DD (default: the day of the earliest data_invio).
    /// Relationships without avviamento that started earlier are left-censored.
    #[arg(long)]
    coverage_start: Option<chrono::NaiveDate>,
    /// Longest gap, in days, between two jobs for the transition to count as AQHire (a short
    /// spell out of work, "within the adjacent quarter"); longer gaps are persistent
    /// non-employment (NEPersist, ENPersist). Default 91.
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(i32).range(1..=3650))]
    limite_aqhire: Option<i32>,
    /// Do not compute the standard marts (mart_flussi, mart_posizioni, …).
    #[arg(long)]
    skip_marts: bool,
}

impl BuildArgs {
    fn options(&self) -> BuildOptions {
        BuildOptions {
            orizzonte: self.horizon,
            inizio_copertura: self.coverage_start,
            limite_aqhire: self.limite_aqhire,
            fail_before_commit: false,
        }
    }
}

/// Builds with a progress bar and prints the summary.
pub fn build_and_report(lake: &Lake, opts: &BuildOptions, marts: bool, quiet: bool) -> Result<()> {
    let bar = progress::bar(quiet, "{msg:>10} [{bar:40}] {pos}/{len} comunicazioni ({eta})");
    let on_progress = |phase: &str, done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
        bar.set_message(phase.to_string());
    };
    let report = oml::analytics::marts::build(lake, opts, marts, &on_progress)?;
    bar.finish_and_clear();
    print!("{}", oml::report::status::build_summary(&report));
    Ok(())
}

pub fn run(g: &Global, a: &BuildArgs) -> Result<()> {
    build_and_report(&Lake::new(&g.lake), &a.options(), !a.skip_marts, g.quiet)
}
