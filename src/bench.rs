//! `oml bench ingest`: ingest throughput and peak memory, side by side in the same run with
//! the obvious alternative (a DuckDB-only SQL ETL, `benches/duckdb_etl.sql`) and the floor
//! (a plain DuckDB CSV → Parquet copy, `benches/duckdb_floor.sql`).
//!
//! Each phase runs as a child process of this binary, so every peak RSS is that phase's own
//! (the child reports its `VmHWM` on exit). Figures only mean something in a release build.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Options of `oml bench ingest`.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchIngestArgs {
    /// Communications in the synthetic CSV extract.
    #[arg(long, default_value_t = 5_000_000)]
    pub rows: usize,
    /// Communications in the synthetic UNILAV XML (smaller: XML is ~10× bigger per record).
    #[arg(long, default_value_t = 1_000_000)]
    pub xml_rows: usize,
    /// Working folder for the generated inputs and outputs (reused between runs).
    #[arg(long, default_value = "bench-data")]
    pub dir: PathBuf,
    /// Skip the XML phase.
    #[arg(long)]
    pub no_xml: bool,
}

/// Environment variable that makes `oml` print its peak RSS on exit (used by the benchmark).
pub const PEAK_RSS_ENV: &str = "OML_REPORT_PEAK_RSS";
const PEAK_RSS_TAG: &str = "oml-peak-rss-kb";

/// Peak resident set size of this process so far, in KiB (Linux `VmHWM`).
pub fn peak_rss_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

/// Called at the end of `main`: reports the peak RSS when the benchmark asked for it.
pub fn report_peak_rss_if_asked() {
    if std::env::var_os(PEAK_RSS_ENV).is_some() {
        if let Some(kb) = peak_rss_kb() {
            eprintln!("{PEAK_RSS_TAG} {kb}");
        }
    }
}

/// Runs a SQL script with an embedded DuckDB (hidden command used by the benchmark).
pub fn run_duckdb_script(path: &Path) -> Result<()> {
    let sql = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let conn = duckdb::Connection::open_in_memory()?;
    let _ = conn.execute_batch("SET autoinstall_known_extensions = false; SET autoload_known_extensions = false;");
    conn.execute_batch(&sql)
        .with_context(|| format!("running {}", path.display()))?;
    Ok(())
}

struct Phase {
    name: &'static str,
    secs: f64,
    rss_kb: u64,
    rows: usize,
    bytes: u64,
}

fn run_child(args: &[&str], envs: &[(&str, String)]) -> Result<(f64, u64)> {
    let exe = std::env::current_exe()?;
    let t = Instant::now();
    let mut cmd = Command::new(exe);
    cmd.args(args).env(PEAK_RSS_ENV, "1");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().context("starting a benchmark phase")?;
    let secs = t.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        bail!("benchmark phase {args:?} failed:\n{stderr}");
    }
    let rss = stderr
        .lines()
        .filter_map(|l| l.strip_prefix(PEAK_RSS_TAG))
        .filter_map(|v| v.trim().parse().ok())
        .next_back()
        .unwrap_or(0);
    Ok((secs, rss))
}

fn fill(template: &str, pairs: &[(&str, String)]) -> String {
    let mut s = template.to_string();
    for (k, v) in pairs {
        s = s.replace(&format!("{{{{{k}}}}}"), &v.replace('\'', "''"));
    }
    s
}

fn dir_bytes(p: &Path) -> u64 {
    let mut total = 0;
    if let Ok(rd) = std::fs::read_dir(p) {
        for e in rd.flatten() {
            let path = e.path();
            if path.is_dir() {
                total += dir_bytes(&path);
            } else if let Ok(m) = e.metadata() {
                total += m.len();
            }
        }
    }
    total
}

fn ensure_synth(dir: &Path, rows: usize, csv: bool, quiet: bool) -> Result<()> {
    let marker = dir.join(if csv { "co.csv" } else { "unilav" });
    if marker.exists() {
        return Ok(());
    }
    if !quiet {
        eprintln!("generating {rows} synthetic communications in {} …", dir.display());
    }
    let cfg = crate::synth::SynthConfig {
        province: "RM".into(),
        first_year: 2024,
        last_year: 2024,
        volume: rows,
        seed: 2024,
        faults: true,
        write_csv: csv,
        write_xml: !csv,
        crisis_year: None,
    };
    crate::synth::generate(&cfg, dir, &|_, _| {})?;
    Ok(())
}

/// The benchmark.
pub fn ingest(a: &BenchIngestArgs, quiet: bool) -> Result<()> {
    if cfg!(debug_assertions) {
        eprintln!("warning: this is a debug build; benchmark figures only mean something with --release");
    }
    std::fs::create_dir_all(&a.dir)?;
    let csv_dir = a.dir.join(format!("csv-{}", a.rows));
    let xml_dir = a.dir.join(format!("xml-{}", a.xml_rows));
    ensure_synth(&csv_dir, a.rows, true, quiet)?;
    if !a.no_xml {
        ensure_synth(&xml_dir, a.xml_rows, false, quiet)?;
    }
    let csv = csv_dir.join("co.csv");
    let csv_bytes = std::fs::metadata(&csv)?.len();
    let csv_rows = count_lines(&csv)?.saturating_sub(1);
    let key_hex = {
        let mut b = [0u8; 32];
        let mut f = std::fs::File::open("/dev/urandom")?;
        std::io::Read::read_exact(&mut f, &mut b)?;
        hex::encode(b)
    };
    let ref_dir = a.dir.join("ref");
    write_reference(&ref_dir)?;
    let mut phases: Vec<Phase> = Vec::new();
    println!(
        "oml bench ingest — {} cores, release build: {}",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        !cfg!(debug_assertions)
    );
    println!(
        "{:<36} {:>12} {:>9} {:>14} {:>10} {:>12}",
        "phase", "records", "seconds", "records/s", "MB/s", "peak RSS MB"
    );
    let mut done = |p: Phase| {
        println!(
            "{:<36} {:>12} {:>9.2} {:>14.0} {:>10.1} {:>12.0}",
            p.name,
            p.rows,
            p.secs,
            p.rows as f64 / p.secs,
            p.bytes as f64 / 1e6 / p.secs,
            p.rss_kb as f64 / 1024.0
        );
        phases.push(p);
    };

    // OML, CSV.
    let lake_csv = a.dir.join("lake-csv");
    let _ = std::fs::remove_dir_all(&lake_csv);
    let lake_s = lake_csv.to_string_lossy().to_string();
    let csv_s = csv.to_string_lossy().to_string();
    let (secs, rss) = run_child(
        &["--quiet", "--lake", &lake_s, "ingest", "co", &csv_s],
        &[("OML_KEY", key_hex.clone())],
    )?;
    done(Phase {
        name: "OML ingest, CSV extract",
        secs,
        rss_kb: rss,
        rows: csv_rows,
        bytes: csv_bytes,
    });

    // DuckDB-only ETL on the same CSV.
    let out_etl = a.dir.join("duckdb-etl");
    let _ = std::fs::remove_dir_all(&out_etl);
    std::fs::create_dir_all(&out_etl)?;
    let script = fill(
        include_str!("../benches/duckdb_etl.sql"),
        &[
            ("input", csv_s.clone()),
            ("ref", ref_dir.to_string_lossy().to_string()),
            ("out", out_etl.to_string_lossy().to_string()),
            ("salt", key_hex.clone()),
        ],
    );
    let script_path = a.dir.join("duckdb_etl.filled.sql");
    std::fs::write(&script_path, script)?;
    let sp = script_path.to_string_lossy().to_string();
    let (secs, rss) = run_child(&["--quiet", "duckdb-script", &sp], &[])?;
    done(Phase {
        name: "DuckDB-only SQL ETL, same CSV",
        secs,
        rss_kb: rss,
        rows: csv_rows,
        bytes: csv_bytes,
    });

    // Floor: plain copy.
    let out_floor = a.dir.join("duckdb-floor");
    let _ = std::fs::remove_dir_all(&out_floor);
    std::fs::create_dir_all(&out_floor)?;
    let script = fill(
        include_str!("../benches/duckdb_floor.sql"),
        &[
            ("input", csv_s.clone()),
            ("out", out_floor.to_string_lossy().to_string()),
        ],
    );
    let floor_path = a.dir.join("duckdb_floor.filled.sql");
    std::fs::write(&floor_path, script)?;
    let fp = floor_path.to_string_lossy().to_string();
    let (secs, rss) = run_child(&["--quiet", "duckdb-script", &fp], &[])?;
    done(Phase {
        name: "DuckDB CSV → Parquet copy (floor)",
        secs,
        rss_kb: rss,
        rows: csv_rows,
        bytes: csv_bytes,
    });

    // OML, XML.
    if !a.no_xml {
        let lake_xml = a.dir.join("lake-xml");
        let _ = std::fs::remove_dir_all(&lake_xml);
        let xml_bytes = dir_bytes(&xml_dir.join("unilav"));
        let lx = lake_xml.to_string_lossy().to_string();
        let xs = xml_dir.join("unilav").to_string_lossy().to_string();
        let (secs, rss) = run_child(
            &["--quiet", "--lake", &lx, "ingest", "co", &xs],
            &[("OML_KEY", key_hex.clone())],
        )?;
        let rows = crate::lake::Lake::new(&lake_xml)
            .manifest()?
            .runs
            .iter()
            .map(|r| r.totali.letti as usize)
            .sum();
        done(Phase {
            name: "OML ingest, UNILAV XML",
            secs,
            rss_kb: rss,
            rows,
            bytes: xml_bytes,
        });
    }

    let oml = &phases[0];
    println!(
        "OML vs DuckDB-only ETL: {:.2}× faster; OML vs floor: {:.2}× the floor's time",
        phases[1].secs / oml.secs,
        oml.secs / phases[2].secs
    );
    Ok(())
}

fn count_lines(p: &Path) -> Result<usize> {
    let mut f = std::fs::File::open(p)?;
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0;
    loop {
        let k = std::io::Read::read(&mut f, &mut buf)?;
        if k == 0 {
            return Ok(n);
        }
        n += memchr::memchr_iter(b'\n', &buf[..k]).count();
    }
}

/// The reference tables the SQL baseline joins with (the same files OML embeds).
fn write_reference(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let files: [(&str, &[u8]); 3] = [
        (
            "tipologie_contrattuali.csv",
            include_bytes!("../reference/anpal/tipologie_contrattuali.csv"),
        ),
        (
            "comuni_belfiore_storico.csv",
            include_bytes!("../reference/anpal/comuni_belfiore_storico.csv"),
        ),
        ("ateco2007.csv", include_bytes!("../reference/anpal/ateco2007.csv")),
    ];
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes)?;
    }
    Ok(())
}
