//! The lake read by a distributed engine: Apache Spark reads a demo lake's hive-partitioned
//! Parquet files (`spark.read.parquet`, its own partition discovery) and gets the same totals as
//! DuckDB (`scripts/spark/totals.py`: schema, rows, rows per `anno` and per category, distinct
//! workers, a profile of every column).
//!
//! Needs Python packages: `OML_PYSPARK` names the folder(s) holding pyspark
//! (`pip install --target DIR pyspark==4.3.0`, with a Java 17+ runtime on PATH) and
//! `OML_PYDUCKDB` those holding duckdb (the first is used; `.ci/run` installs it). Without them
//! the test is skipped with a message; with `OML_REQUIRE_PYSPARK=1` it fails instead.
//! Its own test binary, so that it runs alone: `cargo test --release --test spark`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn folders(var: &str) -> Vec<PathBuf> {
    std::env::var(var)
        .unwrap_or_default()
        .split(':')
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .collect()
}

/// Why the test cannot run here, if it cannot: the PYTHONPATH otherwise.
fn pythonpath() -> Result<String, String> {
    let spark = folders("OML_PYSPARK");
    if !spark.iter().any(|d| d.join("pyspark").is_dir()) {
        return Err("OML_PYSPARK names no folder holding pyspark \
                    (pip install --target DIR pyspark==4.3.0)"
            .into());
    }
    let duck = folders("OML_PYDUCKDB");
    let Some(duck) = duck.first().filter(|d| d.join("duckdb").is_dir()) else {
        return Err("OML_PYDUCKDB names no folder holding duckdb \
                    (pip install --target DIR duckdb==1.5.6)"
            .into());
    };
    match Command::new("java").arg("-version").output() {
        Ok(o) if o.status.success() => {}
        _ => return Err("no java on PATH (apt-get install openjdk-17-jre-headless)".into()),
    }
    let mut path: Vec<String> = spark.iter().map(|d| d.to_string_lossy().into_owned()).collect();
    path.push(duck.to_string_lossy().into_owned());
    Ok(path.join(":"))
}

fn totals(pythonpath: &str, lake: &Path, extra: &[&str]) -> Output {
    Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/spark/totals.py"))
        .arg(lake)
        .args(extra)
        .env("PYTHONPATH", pythonpath)
        .output()
        .expect("running python3")
}

#[test]
fn spark_reads_the_lake_with_the_same_totals_as_duckdb() {
    let pythonpath = match pythonpath() {
        Ok(p) => p,
        Err(why) => {
            let required = std::env::var("OML_REQUIRE_PYSPARK").is_ok_and(|v| !v.is_empty() && v != "0");
            assert!(!required, "OML_REQUIRE_PYSPARK is set but {why}");
            eprintln!("SKIPPED spark_reads_the_lake_with_the_same_totals_as_duckdb: {why}");
            return;
        }
    };

    // A small demo lake, as `oml demo` makes it (a generation under .gen, `current` and the
    // per-dataset symlinks): the script is given the lake folder, symlinks and all.
    let d = tempfile::Builder::new().prefix("oml-spark-").tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_oml"))
        .args([
            "--quiet",
            "demo",
            "--dir",
            "demo",
            "--volume",
            "2000",
            "--years",
            "2023-2024",
        ])
        .current_dir(d.path())
        .env_remove("OML_KEY")
        .env_remove("OML_KEY_FILE")
        .env_remove("OML_LAKE")
        .output()
        .unwrap();
    assert!(out.status.success(), "demo: {}", String::from_utf8_lossy(&out.stderr));
    let lake = d.path().join("demo/lake");
    assert!(std::fs::symlink_metadata(lake.join("current"))
        .unwrap()
        .file_type()
        .is_symlink());

    let out = totals(&pythonpath, &lake, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "Spark and DuckDB disagree or the script failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{stdout}");
    for ds in [
        "co_eventi",
        "rapporti",
        "segmenti",
        "transizioni",
        "carriere",
        "did_eventi",
    ] {
        let mut checks = vec!["righe", "righe per anno", "profilo delle colonne"];
        if ds != "transizioni" {
            checks.push("lavoratori distinti");
        }
        for check in checks {
            assert_eq!(
                result(&stdout, ds, check).as_deref(),
                Some("OK"),
                "{ds}, {check}:\n{stdout}"
            );
        }
        let schema = stdout
            .lines()
            .find(|l| l.starts_with(&format!("{ds} ")) && l.contains(" schema "));
        assert!(schema.is_some_and(|l| l.ends_with("OK")), "{ds}, schema:\n{stdout}");
    }
    for (ds, check) in [
        ("co_eventi", "righe per anno e evento"),
        ("rapporti", "righe per anno e macro_contratto"),
        ("rapporti", "somma di durata_effettiva"),
        ("carriere", "righe per anno e stato"),
    ] {
        assert_eq!(
            result(&stdout, ds, check).as_deref(),
            Some("OK"),
            "{ds}, {check}:\n{stdout}"
        );
    }
    assert!(stdout.contains("su 6 dataset, 0 differenze"), "{stdout}");

    // A difference is caught: DuckDB skips one row of co_eventi, the script exits 1.
    let out = totals(&pythonpath, &lake, &["--datasets", "co_eventi", "--prova-differenza"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        result(&stdout, "co_eventi", "righe").as_deref(),
        Some("DIVERSO"),
        "{stdout}"
    );
    assert_eq!(
        result(&stdout, "co_eventi", "righe per anno").as_deref(),
        Some("DIVERSO (1)"),
        "{stdout}"
    );
    assert_eq!(
        result(&stdout, "co_eventi", "lavoratori distinti").as_deref(),
        Some("OK"),
        "{stdout}"
    );
}

/// The outcome (last column) of the script's table line for one dataset and check (the check's
/// name may be followed by a count in brackets); the columns are separated by two spaces or more.
fn result(stdout: &str, dataset: &str, check: &str) -> Option<String> {
    stdout.lines().find_map(|l| {
        let cells: Vec<&str> = l.split("  ").map(str::trim).filter(|c| !c.is_empty()).collect();
        (cells.len() >= 3 && cells[0] == dataset && (cells[1] == check || cells[1].starts_with(&format!("{check} ("))))
            .then(|| cells[cells.len() - 1].to_string())
    })
}
