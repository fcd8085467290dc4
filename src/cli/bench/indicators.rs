//! `oml bench indicators`: every file of `sql/indicatori/` over one year of a lake (the national
//! synthetic year of `oml bench build`, or any lake given with `--lake`), by two breakdowns and
//! quarter, with its margins and disclosure control, as a user runs it (`oml indicators`) —
//! beside its floor: the same file, the same grouping and margins, with every distinct count made
//! a plain count and no protection (`Indicator::without_distinct_counts`, run by the hidden
//! `oml bench indicators-floor`). Each run is its own process, so its peak RSS is its own.
//!
//! The targets (issue "National scale, interactive"): at most 15 s and 4 GB for each indicator on
//! a national year, within 2× of its floor.

use super::{met, run_child_limited, Child};
use anyhow::{bail, Result};
use oml::analytics::indicators::{self as ind, Indicator};
use std::path::Path;

const TARGET_SECS: f64 = 15.0;
const TARGET_RSS_KB: u64 = 4 * 1024 * 1024;
const TARGET_RATIO: f64 = 2.0;

/// Options of `oml bench indicators`.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchIndicatorsArgs {
    /// The year measured (a period of `oml indicators`).
    #[arg(long, default_value = "2024")]
    pub period: String,
    /// Only these indicators, comma-separated (default: every file of sql/indicatori/).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Skip the floor runs (the indicators alone).
    #[arg(long)]
    pub no_floor: bool,
    /// Stop a run that takes longer than this many seconds (reported as stopped, with the peak
    /// RSS it had reached).
    #[arg(long, default_value_t = 600)]
    pub limit: u64,
    /// Cap DuckDB's memory in every run, the indicators' and the floors' (e.g. 3GB: sets
    /// OML_MEMORIA_DUCKDB; default: DuckDB's own, 80 % of the machine's memory).
    #[arg(long)]
    pub memoria: Option<String>,
}

/// The two breakdowns an indicator is measured by: settore × macro_contratto where it takes
/// them, else the pair its own file is about (origine × destinazione, the two areas of the
/// commuting matrix, the area and its sector), else provincia × sesso, else its first two.
pub fn breakdowns(i: &Indicator) -> Vec<String> {
    let takes = |d: &str| i.dimensions.as_ref().is_none_or(|own| own.iter().any(|o| o == d));
    let pairs = [
        ["origine", "destinazione"],
        ["area_domicilio", "area_lavoro"],
        ["area", "settore"],
        ["settore", "macro_contratto"],
        ["provincia", "sesso"],
        ["tipo_intervento", "territorio"],
    ];
    let declared_only =
        |d: &str| i.dimensions.is_none() && ["origine", "area", "area_domicilio", "tipo_intervento"].contains(&d);
    if let Some(p) = pairs.iter().find(|p| p.iter().all(|d| takes(d) && !declared_only(d))) {
        return p.iter().map(|d| d.to_string()).collect();
    }
    i.dimensions.iter().flatten().take(2).cloned().collect()
}

struct Line {
    name: &'static str,
    by: String,
    cells: usize,
    secs: f64,
    rss_kb: u64,
    floor: Option<(f64, u64)>,
    /// Stopped at the time limit.
    stopped: bool,
    error: Option<String>,
}

/// The targets; a stopped run misses every one: its time, memory and ratio are only bounds.
impl Line {
    fn in_time(&self) -> bool {
        !self.stopped && self.secs <= TARGET_SECS
    }
    fn in_memory(&self) -> bool {
        !self.stopped && self.rss_kb <= TARGET_RSS_KB
    }
    fn near_floor(&self) -> bool {
        !self.stopped && self.floor.is_some_and(|(f, _)| self.secs <= TARGET_RATIO * f)
    }
}

/// The benchmark.
pub fn indicators(lake: &Path, a: &BenchIndicatorsArgs, quiet: bool) -> Result<()> {
    if cfg!(debug_assertions) {
        eprintln!("warning: this is a debug build; benchmark figures only mean something with --release");
    }
    let catalog: Vec<Indicator> = ind::catalog()
        .into_iter()
        .filter(|i| a.only.is_empty() || a.only.iter().any(|o| o == i.name))
        .collect();
    if catalog.is_empty() {
        bail!("--only names no indicator of sql/indicatori/");
    }
    let l = lake.to_string_lossy().to_string();
    let env: Vec<(&str, String)> = a
        .memoria
        .iter()
        .map(|m| (oml::analytics::MEMORY_ENV, m.clone()))
        .collect();
    println!(
        "oml bench indicators — {} over {}, by two breakdowns and quarter, totals and disclosure control; {} cores; DuckDB memory {}",
        a.period,
        lake.display(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        a.memoria.as_deref().unwrap_or("as DuckDB's default")
    );
    println!(
        "{:<24} {:<32} {:>7} {:>9} {:>9} {:>9} {:>9} {:>7}",
        "indicator", "by", "cells", "seconds", "RSS MB", "floor s", "floor MB", "× floor"
    );
    let mut lines = Vec::new();
    for i in &catalog {
        let by = breakdowns(i).join(",");
        let common = [
            "--by",
            &by,
            "--period",
            &a.period,
            "--periodicity",
            "trimestre",
            "--format",
            "csv",
        ];
        let mut args = vec!["--quiet", "--lake", &l, "indicators", i.name];
        args.extend(common);
        if !quiet {
            eprintln!("{} …", i.name);
        }
        let mut line = Line {
            name: i.name,
            by: by.clone(),
            cells: 0,
            secs: 0.0,
            rss_kb: 0,
            floor: None,
            stopped: false,
            error: None,
        };
        let limit = Some(std::time::Duration::from_secs(a.limit));
        match run_child_limited(&args, &env, limit) {
            Ok(Child::Done(secs, rss, out)) => {
                line.secs = secs;
                line.rss_kb = rss;
                line.cells = out.lines().count().saturating_sub(1);
            }
            Ok(Child::Stopped(secs, rss)) => {
                (line.secs, line.rss_kb, line.stopped) = (secs, rss, true);
            }
            Err(e) => line.error = Some(first_line(&e.to_string())),
        }
        if line.error.is_none() && !a.no_floor {
            let mut args = vec!["--quiet", "--lake", &l, "bench", "indicators-floor", i.name];
            args.extend(common);
            match run_child_limited(&args, &env, limit) {
                Ok(Child::Done(secs, rss, _)) => line.floor = Some((secs, rss)),
                Ok(Child::Stopped(secs, _)) => line.floor = Some((secs, 0)),
                Err(e) => line.error = Some(format!("floor: {}", first_line(&e.to_string()))),
            }
        }
        print_line(&line);
        lines.push(line);
    }
    let ok: Vec<&Line> = lines.iter().filter(|l| l.error.is_none()).collect();
    let (time, memory, ratio) = (Line::in_time, Line::in_memory, Line::near_floor);
    let within = |f: &dyn Fn(&Line) -> bool| ok.iter().filter(|l| f(l)).count();
    let all = |f: &dyn Fn(&Line) -> bool| met(ok.iter().all(|l| f(l)));
    println!(
        "targets over {} indicators computed: ≤ {TARGET_SECS} s: {} ({}); ≤ 4 GB: {} ({}); ≤ {TARGET_RATIO}× floor: {} ({})",
        ok.len(),
        within(&time),
        all(&time),
        within(&memory),
        all(&memory),
        within(&ratio),
        all(&ratio)
    );
    if lines.len() > ok.len() {
        println!("{} indicators failed (see above)", lines.len() - ok.len());
    }
    Ok(())
}

fn first_line(s: &str) -> String {
    s.lines()
        .filter(|l| !l.trim().is_empty())
        .find(|l| l.contains("error") || l.contains("Error"))
        .or_else(|| s.lines().next())
        .unwrap_or("")
        .chars()
        .take(160)
        .collect()
}

fn print_line(l: &Line) {
    if let Some(e) = &l.error {
        println!("{:<24} {:<32} failed: {e}", l.name, l.by);
        return;
    }
    let cells = if l.stopped {
        "stopped".to_string()
    } else {
        l.cells.to_string()
    };
    let (floor_s, floor_mb, ratio) = match l.floor {
        Some((f, rss)) => (
            format!("{f:.2}"),
            format!("{:.0}", rss as f64 / 1024.0),
            format!("{:.2}", l.secs / f.max(1e-9)),
        ),
        None => ("-".into(), "-".into(), "-".into()),
    };
    println!(
        "{:<24} {:<32} {cells:>7} {:>9.2} {:>9.0} {floor_s:>9} {floor_mb:>9} {ratio:>7}",
        l.name,
        l.by,
        l.secs,
        l.rss_kb as f64 / 1024.0
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_indicator_gets_two_breakdowns_it_takes() {
        for i in ind::catalog() {
            let by = breakdowns(&i);
            assert_eq!(by.len(), 2, "{}: {by:?}", i.name);
            if let Some(own) = &i.dimensions {
                assert!(by.iter().all(|d| own.contains(d)), "{}: {by:?} not in {own:?}", i.name);
            }
        }
        let flussi = ind::find("flussi").unwrap();
        assert_eq!(breakdowns(&flussi), ["settore", "macro_contratto"]);
    }

    #[test]
    fn a_stopped_run_misses_every_target() {
        let mut l = Line {
            name: "x",
            by: String::new(),
            cells: 0,
            secs: 10.0,
            rss_kb: 1024,
            floor: Some((10.0, 0)),
            stopped: false,
            error: None,
        };
        assert!(l.in_time() && l.in_memory() && l.near_floor());
        l.stopped = true;
        assert!(!l.in_time() && !l.in_memory() && !l.near_floor());
    }
}
