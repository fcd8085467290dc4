//! `oml bench outcomes`: the outcomes of a year's DID cohorts on a national-size synthetic year
//! (the extract of `oml bench build`, with the DID records the generator writes beside it),
//! each phase its own process: `oml outcomes` (Kaplan–Meier, Aalen–Johansen, log-rank and the
//! matched comparison, all tables through disclosure control), beside the complete-window shares
//! in DuckDB SQL over the same views (`oml indicators esiti`, what a user would write in SQL), and
//! the floor: a plain read of the columns the outcomes need.

use super::{ensure_synth, random_key_hex, run_child, BenchOutcomesArgs, BUILD_PROVINCE};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// The target for the outcomes of a year's cohorts on 2 cores.
const TARGET_SECS: f64 = 60.0;

/// The benchmark, on the synthetic year of `oml bench build` (same options).
pub fn outcomes(o: &BenchOutcomesArgs, quiet: bool) -> Result<()> {
    let a = &o.year;
    if a.rows == 0 {
        bail!("--rows must be > 0");
    }
    std::fs::create_dir_all(&a.dir)?;
    let synth = a.dir.join(format!("csv-{BUILD_PROVINCE}-{}-{}", a.year, a.rows));
    ensure_synth(&synth, BUILD_PROVINCE, a.year, a.rows, true, quiet)?;
    // A lake of its own, with a key kept beside it: the DID records join the CO by pseudonym.
    // `lake-esiti.ready` says it was finished; anything else is made again.
    let lake = a.dir.join("lake-esiti");
    let key = a.dir.join("lake-esiti.key");
    let ready = a.dir.join("lake-esiti.ready");
    let l = lake.to_string_lossy().to_string();
    let env = [("OML_KEY_FILE", key.to_string_lossy().to_string())];
    if !ready.exists() {
        if lake.exists() {
            std::fs::remove_dir_all(&lake).with_context(|| format!("removing {}", lake.display()))?;
        }
        std::fs::write(&key, random_key_hex()?)?;
        // The DID loader reads at most 256 MiB a file: the national file goes in parts.
        let parts = split_by_episode(&synth.join("did.csv"), &a.dir.join("did-parti"), 200 << 20)?;
        let mut did = vec!["ingest".to_string(), "did".into()];
        did.extend(parts.iter().map(|p| p.to_string_lossy().to_string()));
        let steps: [(&str, Vec<String>); 3] = [
            (
                "ingest co",
                vec![
                    "ingest".into(),
                    "co".into(),
                    synth.join("co.csv").to_string_lossy().into(),
                ],
            ),
            ("ingest did", did),
            ("build", vec!["build".into(), "--skip-marts".into()]),
        ];
        for (name, args) in steps {
            let mut all = vec!["--quiet", "--lake", &l];
            all.extend(args.iter().map(String::as_str));
            let (secs, _) = run_child(&all, &env)?;
            if !quiet {
                eprintln!("  {name}: {secs:.0} s");
            }
        }
        std::fs::write(&ready, "")?;
    }
    let year = a.year.to_string();
    let out = a.dir.join("esiti-out");
    std::fs::create_dir_all(&out)?;
    let file = |n: &str| out.join(n).to_string_lossy().to_string();
    let (sintesi, esiti) = (file("sintesi.csv"), file("esiti.csv"));
    let floor_sql =
        "SELECT (SELECT sum(hash(id_lavoratore, id_datore, data_inizio, data_fine_effettiva, macro_contratto, \
                     comune_lavoro, ateco_sezione)) FROM rapporti), (SELECT count(*) FROM did_episodi), \
                     (SELECT sum(hash(id_rapporto, classe_uscita)) FROM transizioni)";
    let phases: [(&str, Vec<&str>); 3] = [
        (
            "OML outcomes (curves, tests, matching)",
            vec![
                "outcomes", "--misura", "DID", "--period", &year, "--format", "csv", "--out", &sintesi,
            ],
        ),
        (
            "DuckDB SQL: complete-window shares",
            vec![
                "indicators",
                "esiti",
                "--misura",
                "DID",
                "--period",
                &year,
                "--periodicity",
                "trimestre",
                "--format",
                "csv",
                "--out",
                &esiti,
            ],
        ),
        (
            "floor: plain read of the columns",
            vec!["sql", floor_sql, "--format", "csv"],
        ),
    ];
    // Each phase `runs` times, in turns; the best time of each (with its peak RSS), and all times.
    let mut rows: Vec<(&str, f64, u64, Vec<f64>)> = phases
        .iter()
        .map(|(name, _)| (*name, f64::INFINITY, 0, Vec::new()))
        .collect();
    for _ in 0..o.runs {
        for ((_, args), row) in phases.iter().zip(rows.iter_mut()) {
            let mut all = vec!["--quiet", "--lake", &l];
            all.extend(args.iter().copied());
            let (secs, rss) = run_child(&all, &env)?;
            if secs < row.1 {
                (row.1, row.2) = (secs, rss);
            }
            row.3.push(secs);
        }
    }
    let entries: String = std::process::Command::new(std::env::current_exe()?)
        .args([
            "--quiet",
            "--lake",
            &l,
            "sql",
            "SELECT count(*) FROM did_episodi",
            "--format",
            "csv",
        ])
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .nth(1)
                .unwrap_or("?")
                .to_string()
        })?;
    let floor = rows[2].1.max(1e-9);
    println!(
        "oml bench outcomes — DID cohorts of {year} on the synthetic {BUILD_PROVINCE} year of {} communications \
         ({entries} DID episodes in the lake), {} cores, best of {} run(s) each",
        a.rows,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        o.runs
    );
    println!(
        "{:<40} {:>9} {:>12} {:>14}",
        "phase", "seconds", "peak RSS MB", "× the floor"
    );
    for (name, secs, rss, all) in &rows {
        let all: Vec<String> = all.iter().map(|s| format!("{s:.1}")).collect();
        println!(
            "{name:<40} {secs:>9.2} {:>12.0} {:>14.2}   runs: {}",
            *rss as f64 / 1024.0,
            secs / floor,
            all.join(", ")
        );
    }
    println!(
        "target < {TARGET_SECS:.0} s for the outcomes of a year's cohorts: {:.1} s → {}",
        rows[0].1,
        super::met(rows[0].1 < TARGET_SECS)
    );
    Ok(())
}

/// Splits a `;` CSV with a header into parts of about `max` bytes, each with the header, never
/// between two lines of the same first field (the events of one DID stay in one part).
fn split_by_episode(path: &Path, dir: &Path, max: u64) -> Result<Vec<PathBuf>> {
    use std::io::{BufRead, Write};
    std::fs::create_dir_all(dir)?;
    let mut lines =
        std::io::BufReader::new(std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?)
            .lines();
    let header = lines.next().context("an empty DID file")??;
    let mut parts: Vec<PathBuf> = Vec::new();
    let mut out: Option<std::io::BufWriter<std::fs::File>> = None;
    let (mut written, mut last) = (0u64, String::new());
    for line in lines {
        let line = line?;
        let id = line.split(';').next().unwrap_or("").to_string();
        if out.is_none() || (written >= max && id != last) {
            if let Some(mut o) = out.take() {
                o.flush()?;
            }
            let p = dir.join(format!("did-{:03}.csv", parts.len()));
            let mut o = std::io::BufWriter::new(std::fs::File::create(&p)?);
            writeln!(o, "{header}")?;
            parts.push(p);
            out = Some(o);
            written = 0;
        }
        let o = out.as_mut().expect("a part is open");
        writeln!(o, "{line}")?;
        written += line.len() as u64 + 1;
        last = id;
    }
    if let Some(mut o) = out {
        o.flush()?;
    }
    Ok(parts)
}
