//! `oml export --public`: the public-use files hold the protected marts and nothing else, every
//! row flagged, nothing of a pseudonym; and the lake and those files read in pandas and pyarrow
//! without OML.

use crate::build_indicators::built_synthetic;
use oml::report::pubblico::{check, export_public};
use std::path::{Path, PathBuf};

/// The public files of the shared synthetic lake, written once.
fn exported() -> &'static Path {
    static DIR: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    &DIR.get_or_init(|| {
        let d = tempfile::Builder::new().prefix("oml-pubblico-").tempdir().unwrap();
        let out = d.path().join("pubblico");
        export_public(built_synthetic(), &out).unwrap();
        (d, out)
    })
    .1
}

/// Tokens of exactly 32 hexadecimal digits (the shape of a pseudonym) in a text.
fn pseudonym_tokens(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_ascii_hexdigit())
        .filter(|t| t.len() == 32)
        .collect()
}

#[test]
fn the_public_files_are_the_protected_marts_with_every_row_flagged_and_no_pseudonym() {
    let dir = exported();
    let lake = built_synthetic();
    for m in &oml::lake::catalog::MARTS {
        let pq = dir.join(format!("{}.parquet", m.dataset));
        let batches = oml::lake::read_file(&pq).unwrap();
        let batch = arrow::compute::concat_batches(&batches[0].schema(), &batches).unwrap();
        check(m.dataset, &batch).unwrap();
        let rows = crate::count(lake, &format!("SELECT count(*) FROM {}", m.dataset));
        assert_eq!(batch.num_rows() as u64, rows, "{}", m.dataset);
        let csv = std::fs::read_to_string(dir.join(format!("{}.csv", m.dataset))).unwrap();
        assert_eq!(csv.lines().count() as u64, rows + 1, "{}: header and rows", m.dataset);
        assert!(pseudonym_tokens(&csv).is_empty(), "{}", m.dataset);
    }
    // LEGGIMI.md names every file with its sha256, and says what every status means.
    let readme = std::fs::read_to_string(dir.join("LEGGIMI.md")).unwrap();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "LEGGIMI.md" {
            continue;
        }
        use sha2::Digest;
        let sha = hex::encode(sha2::Sha256::digest(std::fs::read(entry.path()).unwrap()));
        assert!(readme.contains(&format!("| `{name}` |")), "{name} not listed");
        assert!(readme.contains(&sha), "{name}: sha256 not in LEGGIMI.md");
    }
    for s in ["`ok`", "`soppressa_primaria`", "`soppressa_secondaria`"] {
        assert!(readme.contains(s), "{s}");
    }
    assert!(
        !readme.contains("riservata"),
        "the unprotected status is not a public one"
    );
}

#[test]
fn a_table_unfit_for_the_public_is_refused_and_a_folder_in_use_is_not_touched() {
    use arrow::array::{Float64Array, Int64Array, StringArray};
    use arrow::datatypes::{Field, Schema};
    use std::sync::Arc;
    let table = |cols: Vec<(&str, Arc<dyn arrow::array::Array>)>| {
        let schema = Arc::new(Schema::new(
            cols.iter()
                .map(|(n, c)| Field::new(*n, c.data_type().clone(), true))
                .collect::<Vec<_>>(),
        ));
        arrow::record_batch::RecordBatch::try_new(schema, cols.into_iter().map(|c| c.1).collect()).unwrap()
    };
    let base = |stato: &str, valore: Option<f64>, settore: &str| {
        vec![
            (
                "settore",
                Arc::new(StringArray::from(vec![settore])) as Arc<dyn arrow::array::Array>,
            ),
            ("valore", Arc::new(Float64Array::from(vec![valore])) as _),
            ("stato", Arc::new(StringArray::from(vec![stato])) as _),
            (
                "n_lavoratori",
                Arc::new(Int64Array::from(vec![valore.map(|v| v as i64)])) as _,
            ),
            (
                "n_datori",
                Arc::new(Int64Array::from(vec![valore.map(|v| v as i64)])) as _,
            ),
        ]
    };
    check("t", &table(base("ok", Some(12.0), "INDUSTRIA"))).unwrap();
    check("t", &table(base("soppressa_primaria", None, "INDUSTRIA"))).unwrap();
    let refused = [
        (
            "a value behind a suppressed cell",
            table(base("soppressa_secondaria", Some(2.0), "INDUSTRIA")),
        ),
        ("no status", table(base("", Some(12.0), "INDUSTRIA"))),
        ("an unprotected cell", table(base("riservata", Some(2.0), "INDUSTRIA"))),
        (
            "a pseudonym as a value",
            table(base("ok", Some(12.0), "0123456789abcdef0123456789abcdef")),
        ),
        ("a pseudonym column", {
            let mut c = base("ok", Some(12.0), "INDUSTRIA");
            c.push(("id_datore", Arc::new(StringArray::from(vec!["x"])) as _));
            table(c)
        }),
    ];
    for (what, t) in refused {
        assert!(check("t", &t).is_err(), "{what} accepted");
    }
    // A folder with something in it is refused, and left as it was.
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("mio.txt"), "x").unwrap();
    let err = export_public(built_synthetic(), d.path()).unwrap_err();
    assert!(err.to_string().contains("not empty"), "{err}");
    assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
}

/// The lake (hive-partitioned Parquet) and the public files read in pandas and pyarrow, without
/// OML or DuckDB, with the rows and sums DuckDB finds.
#[test]
fn pandas_and_pyarrow_read_the_lake_and_the_public_files() {
    let Some(dir) = crate::python_packages("pandas_and_pyarrow_read_the_lake_and_the_public_files") else {
        return;
    };
    let lake = built_synthetic();
    let root = std::fs::canonicalize(&lake.root).unwrap();
    let out = std::process::Command::new("python3")
        .arg("tests/python/pandas_legge.py")
        .arg(&root)
        .arg(exported())
        .env("PYTHONPATH", &dir)
        .output()
        .expect("running python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for name in ["co_eventi", "rapporti", "segmenti", "mart_flussi"] {
        let rows = crate::count(lake, &format!("SELECT count(*) FROM {name}"));
        assert_eq!(v["lago"][name]["righe"], rows, "pandas, {name}");
        let years = crate::query_strings(lake, &format!("SELECT DISTINCT anno FROM {name} ORDER BY 1"));
        let years: Vec<i64> = years.iter().map(|r| r[0].parse().unwrap()).collect();
        assert_eq!(
            v["lago"][name]["anni"],
            serde_json::json!(years),
            "pandas, {name}: hive years"
        );
    }
    for m in &oml::lake::catalog::MARTS {
        let sum: f64 = crate::query_strings(lake, &format!("SELECT coalesce(sum(valore), 0) FROM {}", m.dataset))[0][0]
            .parse()
            .unwrap();
        let ok = crate::count(lake, &format!("SELECT count(*) FROM {} WHERE stato = 'ok'", m.dataset));
        for ext in ["parquet", "csv"] {
            let f = &v["pubblico"][format!("{}.{ext}", m.dataset)];
            assert!(
                (f["valore"].as_f64().unwrap() - sum).abs() < 1e-6,
                "{} {ext}",
                m.dataset
            );
            assert_eq!(f["pubblicate"], ok, "{} {ext}", m.dataset);
        }
    }
}
