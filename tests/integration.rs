//! End-to-end tests: synthetic province → lake, checked against the generator's ground truth.
//! One test binary (link time and memory), sharing one small synthetic province.

use oml::analytics::Session;
use oml::ingest::{ingest, IngestOptions};
use oml::lake::Lake;
use oml::privacy::{Key, KeySource};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

mod build_indicators;
mod bulletin;
mod catalogo;
mod cig;
mod fixtures;
mod istat;
mod notebooks;
mod pubblico;
mod registri;
mod robustezza;

/// `oml build`: relationships and marts in one generation (what the command does).
fn build(
    lake: &Lake,
    opts: &oml::derive::BuildOptions,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> anyhow::Result<oml::derive::BuildReport> {
    oml::analytics::marts::build(lake, opts, true, progress)
}

fn key() -> Key {
    Key::from_text(&"5e".repeat(32), KeySource::Env).unwrap()
}

fn opts() -> IngestOptions {
    IngestOptions {
        vintage: chrono::NaiveDate::from_ymd_opt(2025, 1, 15),
        threads: Some(2),
        ..Default::default()
    }
}

/// A small synthetic province with faults, generated once per test binary.
fn synthetic() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("oml-it-synth-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let cfg = oml::synth::SynthConfig {
            province: "PO".into(),
            first_year: 2022,
            last_year: 2023,
            volume: 6000,
            seed: 7,
            ..Default::default()
        };
        oml::synth::generate(&cfg, &dir, &|_, _| {}).expect("synth");
        dir
    })
}

fn tmp_lake(tag: &str) -> (tempfile::TempDir, Lake) {
    let d = tempfile::Builder::new()
        .prefix(&format!("oml-it-{tag}-"))
        .tempdir()
        .unwrap();
    let lake = Lake::new(d.path().join("lake"));
    (d, lake)
}

fn query_strings(lake: &Lake, sql: &str) -> Vec<Vec<String>> {
    session_strings(&Session::open(lake).unwrap(), sql)
}

/// The rows of a query in a session, every value as text (NULL as the empty string).
fn session_strings(s: &Session, sql: &str) -> Vec<Vec<String>> {
    let (_, batches) = s.query(sql).unwrap();
    let mut out = Vec::new();
    for b in batches {
        let cols: Vec<_> = (0..b.num_columns())
            .map(|c| arrow::compute::cast(b.column(c), &arrow::datatypes::DataType::Utf8).unwrap())
            .collect();
        for r in 0..b.num_rows() {
            out.push(
                cols.iter()
                    .map(|c| {
                        let a = c.as_any().downcast_ref::<arrow::array::StringArray>().unwrap();
                        if arrow::array::Array::is_null(a, r) {
                            String::new()
                        } else {
                            a.value(r).to_string()
                        }
                    })
                    .collect(),
            );
        }
    }
    out
}

/// Everything of the lake folder that a load could change: the manifest and the file list.
fn snapshot(lake: &Lake) -> (String, Vec<String>) {
    let manifest = std::fs::read_to_string(lake.root.join("_manifest.json")).unwrap_or_default();
    let mut files = Vec::new();
    fn walk(d: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() && !p.is_symlink() {
                walk(&p, out);
            } else {
                out.push(p.display().to_string());
            }
        }
    }
    walk(&lake.root, &mut files);
    files.sort();
    (manifest, files)
}

fn count(lake: &Lake, sql: &str) -> u64 {
    query_strings(lake, sql)[0][0].parse().unwrap()
}

/// truth/anomalie.csv as (code, motivo) pairs.
fn truth_anomalies(dir: &Path) -> Vec<(String, String)> {
    let mut r = csv::Reader::from_path(dir.join("truth/anomalie.csv")).unwrap();
    r.records()
        .map(|x| x.unwrap())
        .map(|x| (x[0].to_string(), x[1].to_string()))
        .collect()
}

const SUPERSEDED_MOTIVI: [&str; 3] = ["rettificato", "annullato", "annullamento"];

#[test]
fn xml_ingest_recovers_injected_faults_exactly() {
    let dir = synthetic();
    let (_d, lake) = tmp_lake("faults");
    let rep = ingest(&lake, &key(), &[dir.join("unilav")], &opts()).unwrap();
    let run = rep.run.expect("a run");
    assert!(run.totali.reconciles());
    assert!(run.totali.letti > 10_000, "{:?}", run.totali);

    let truth = truth_anomalies(dir);
    let want_q: BTreeSet<(String, String)> = truth
        .iter()
        .filter(|(_, m)| !SUPERSEDED_MOTIVI.contains(&m.as_str()))
        .cloned()
        .collect();
    let want_s: BTreeSet<(String, String)> = truth
        .iter()
        .filter(|(_, m)| SUPERSEDED_MOTIVI.contains(&m.as_str()))
        .cloned()
        .collect();
    // Every injected kind is present at this volume.
    let kinds: BTreeSet<&str> = truth.iter().map(|(_, m)| m.as_str()).collect();
    for k in [
        "cf_lavoratore_carattere_controllo",
        "cf_lavoratore_formato",
        "codice_sconosciuto",
        "codice_non_valido_alla_data",
        "data_non_valida",
        "duplicato",
        "rettifica_orfana",
        "rettificato",
        "annullato",
        "annullamento",
    ] {
        assert!(kinds.contains(k), "no injected {k} at this volume");
    }

    let got_q: BTreeSet<(String, String)> = query_strings(&lake, "SELECT codice_comunicazione, motivo FROM quarantena")
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let got_s: BTreeSet<(String, String)> = query_strings(
        &lake,
        "SELECT codice_comunicazione, motivo_superamento FROM co_superati",
    )
    .into_iter()
    .map(|r| (r[0].clone(), r[1].clone()))
    .collect();
    assert_eq!(
        got_q.len() as u64,
        run.totali.quarantena,
        "quarantine rows are unique (code, motivo)"
    );
    let missing: Vec<_> = want_q.difference(&got_q).take(5).collect();
    let extra: Vec<_> = got_q.difference(&want_q).take(5).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "quarantine ≠ truth: missing {missing:?}, extra {extra:?}"
    );
    assert_eq!(got_s, want_s, "co_superati ≠ truth rettificato/annullato/annullamento");

    // Per reason, as a table an analyst would read.
    let mut by_reason: BTreeMap<String, u64> = BTreeMap::new();
    for (_, m) in &want_q {
        *by_reason.entry(m.clone()).or_default() += 1;
    }
    assert_eq!(by_reason, run.quarantena_per_motivo);

    // Lake-wide identity.
    let ev = count(&lake, "SELECT count(*) FROM co_eventi");
    let sup = count(&lake, "SELECT count(*) FROM co_superati");
    let q = count(&lake, "SELECT count(*) FROM quarantena");
    assert_eq!(ev + sup + q, run.totali.letti);
    assert_eq!(ev, run.totali.accettati);

    // Every true relationship's avviamento is in the lake, live.
    let mut r = csv::Reader::from_path(dir.join("truth/rapporti.csv")).unwrap();
    let avvii: BTreeSet<String> = r.records().map(|x| x.unwrap()[0].to_string()).collect();
    let live: BTreeSet<String> =
        query_strings(&lake, "SELECT codice_comunicazione FROM co_eventi WHERE evento = 'ASS'")
            .into_iter()
            .map(|r| r[0].clone())
            .collect();
    let lost: Vec<_> = avvii.difference(&live).take(5).collect();
    assert!(lost.is_empty(), "true avviamenti missing from co_eventi: {lost:?}");
}

#[test]
fn xml_and_csv_paths_give_identical_co_eventi() {
    let dir = synthetic();
    let (_d1, a) = tmp_lake("xml");
    let (_d2, b) = tmp_lake("csv");
    ingest(&a, &key(), &[dir.join("unilav")], &opts()).unwrap();
    ingest(&b, &key(), &[dir.join("co.csv")], &opts()).unwrap();
    let cols = "* EXCLUDE (fonte, file_origine, record_origine, id_run)";
    let qa = query_strings(
        &a,
        &format!("SELECT {cols} FROM co_eventi ORDER BY codice_comunicazione"),
    );
    let qb = query_strings(
        &b,
        &format!("SELECT {cols} FROM co_eventi ORDER BY codice_comunicazione"),
    );
    assert_eq!(qa.len(), qb.len());
    assert!(qa == qb, "co_eventi differs between the XML and the CSV path");
    let sa = query_strings(&a, "SELECT codice_comunicazione, motivo FROM quarantena ORDER BY ALL");
    let sb = query_strings(&b, "SELECT codice_comunicazione, motivo FROM quarantena ORDER BY ALL");
    assert_eq!(sa, sb);
}

fn tree_digest(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    fn walk(base: &Path, p: &Path, out: &mut BTreeMap<String, String>) {
        for e in std::fs::read_dir(p).unwrap() {
            let e = e.unwrap();
            let path = e.path();
            let rel = path.strip_prefix(base).unwrap().to_string_lossy().to_string();
            let ft = std::fs::symlink_metadata(&path).unwrap().file_type();
            if ft.is_symlink() {
                out.insert(rel, format!("-> {}", std::fs::read_link(&path).unwrap().display()));
            } else if ft.is_dir() {
                walk(base, &path, out);
            } else {
                out.insert(rel, oml::sources::sha256_file(&path).unwrap());
            }
        }
    }
    walk(root, root, &mut out);
    out
}

#[test]
fn ingesting_the_same_input_twice_changes_nothing() {
    let dir = synthetic();
    let (_d, lake) = tmp_lake("idem");
    ingest(&lake, &key(), &[dir.join("co.csv")], &opts()).unwrap();
    let before = tree_digest(&lake.root);
    let rep = ingest(&lake, &key(), &[dir.join("co.csv")], &opts()).unwrap();
    assert!(rep.run.is_none());
    assert_eq!(rep.skipped.len(), 1);
    assert_eq!(tree_digest(&lake.root), before);
}

#[test]
fn a_crash_before_the_manifest_leaves_nothing_visible_and_a_rerun_completes() {
    let dir = synthetic();
    let (_d, lake) = tmp_lake("crash");
    // First a committed generation, so the crash happens on a non-empty lake.
    let fx = fixtures::write_all(&lake.root.parent().unwrap().join("fx"));
    ingest(&lake, &key(), std::slice::from_ref(&fx.unilav_batch), &opts()).unwrap();
    let before = tree_digest(&lake.root);
    let visible_before = count(&lake, "SELECT count(*) FROM co_eventi");
    let mut o = opts();
    o.fail_before_commit = true;
    let err = ingest(&lake, &key(), &[dir.join("co.csv")], &o).unwrap_err();
    assert!(err.to_string().contains("simulated crash"));
    // The staged generation exists on disk but is not visible through the lake's paths.
    assert_eq!(count(&lake, "SELECT count(*) FROM co_eventi"), visible_before);
    let visible: BTreeMap<_, _> = tree_digest(&lake.root)
        .into_iter()
        .filter(|(k, _)| !k.starts_with(".gen/000002"))
        .collect();
    assert_eq!(visible, before);
    // Re-run completes and equals a clean run.
    let rep = ingest(&lake, &key(), &[dir.join("co.csv")], &opts())
        .unwrap()
        .run
        .unwrap();
    let (_d2, clean) = tmp_lake("clean");
    let rep_clean = ingest(&clean, &key(), &[dir.join("co.csv")], &opts())
        .unwrap()
        .run
        .unwrap();
    assert_eq!(rep.totali, rep_clean.totali);
    assert!(!lake.root.join(".gen/000002").exists() || lake.current_dir().unwrap().ends_with("000002"));
}

#[test]
fn no_codice_fiscale_anywhere_in_the_lake() {
    let dir = synthetic();
    let (_d, lake) = tmp_lake("privacy");
    ingest(&lake, &key(), &[dir.join("unilav")], &opts()).unwrap();
    ingest(&lake, &key(), &[dir.join("co.csv")], &opts()).unwrap(); // everything again: duplicates
    let s = Session::open(&lake).unwrap();
    for view in ["co_eventi", "quarantena", "co_superati"] {
        let (_, batches) = s.query(&format!("SELECT * FROM {view}")).unwrap();
        let mut buf = Vec::new();
        let schema = batches[0].schema();
        oml::report::export::write_batches(&mut buf, &schema, &batches, oml::report::export::OutputFormat::Csv)
            .unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(text.lines().count() > 10, "{view} is empty");
        for line in text.lines() {
            assert!(
                !oml::quality::cf::contains_cf_pattern(line),
                "CF pattern in {view}: {line}"
            );
        }
    }
    // Nor in the raw bytes of any file (manifest, views, Parquet pages).
    for (path, _) in tree_digest(&lake.root) {
        let p = lake.root.join(&path);
        if p.is_file() {
            let bytes = std::fs::read(&p).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(!oml::quality::cf::contains_cf_pattern(&text), "CF pattern in {path}");
        }
    }
}

#[test]
fn a_rettifica_in_a_later_run_replaces_the_record_in_the_lake() {
    let (d, lake) = tmp_lake("crossrun");
    let fx = fixtures::write_all(&d.path().join("fx"));
    let r1 = ingest(&lake, &key(), std::slice::from_ref(&fx.unilav_single), &opts())
        .unwrap()
        .run
        .unwrap();
    assert_eq!((r1.totali.letti, r1.totali.accettati), (1, 1));
    let r2 = ingest(&lake, &key(), std::slice::from_ref(&fx.rettifica_later), &opts())
        .unwrap()
        .run
        .unwrap();
    assert_eq!(r2.superati_nel_lago, 1);
    assert_eq!(r2.totali.accettati, 1);
    let live = query_strings(
        &lake,
        "SELECT codice_comunicazione, codice_comunicazione_radice, strftime(data_fine, '%Y-%m-%d') FROM co_eventi",
    );
    assert_eq!(
        live,
        vec![vec![
            fixtures::RETTIFICA_CODE.to_string(),
            fixtures::ORIGINAL_CODE.to_string(),
            "2024-09-30".to_string()
        ]]
    );
    let sup = query_strings(
        &lake,
        "SELECT codice_comunicazione, motivo_superamento, codice_superante FROM co_superati",
    );
    assert_eq!(
        sup,
        vec![vec![
            fixtures::ORIGINAL_CODE.to_string(),
            "rettificato".to_string(),
            fixtures::RETTIFICA_CODE.to_string()
        ]]
    );
    // An annullamento of the rettifica, in a third run, removes the relationship.
    ingest(&lake, &key(), std::slice::from_ref(&fx.annullamento_later), &opts()).unwrap();
    assert_eq!(count(&lake, "SELECT count(*) FROM co_eventi"), 0);
    assert_eq!(count(&lake, "SELECT count(*) FROM co_superati"), 3);
    let m = lake.manifest().unwrap();
    let read: u64 = m.runs.iter().map(|r| r.totali.letti).sum();
    assert_eq!(read, 3);
}

#[test]
fn hand_made_fixtures_in_every_format() {
    let (d, lake) = tmp_lake("fixtures");
    let fx = fixtures::write_all(&d.path().join("fx"));
    let run = ingest(
        &lake,
        &key(),
        &[
            fx.unilav_batch.clone(),
            fx.unilav_zip.clone(),
            fx.csv.clone(),
            fx.lombardia.clone(),
        ],
        &opts(),
    )
    .unwrap()
    .run
    .unwrap();
    assert!(run.totali.reconciles());
    let per_file: BTreeMap<String, (u64, u64, u64, u64)> = run
        .inputs
        .iter()
        .map(|i| {
            let name = Path::new(&i.path).file_name().unwrap().to_string_lossy().to_string();
            (
                name,
                (
                    i.conteggi.letti,
                    i.conteggi.accettati,
                    i.conteggi.superati,
                    i.conteggi.quarantena,
                ),
            )
        })
        .collect();
    assert_eq!(per_file["batch.xml"], (3, 1, 0, 2), "{per_file:?}");
    assert_eq!(per_file["lotto.zip"], (2, 2, 0, 0), "{per_file:?}");
    assert_eq!(per_file["estrazione.csv"], (4, 2, 1, 1), "{per_file:?}");
    assert_eq!(per_file["rapporti_attivati.csv"], (4, 3, 0, 1), "{per_file:?}");
    let q = query_strings(
        &lake,
        "SELECT file_origine, record_origine, motivo, campo FROM quarantena ORDER BY file_origine, record_origine",
    );
    let mut q: Vec<(String, String, String)> = q
        .into_iter()
        .map(|r| {
            (
                Path::new(&r[0]).file_name().unwrap().to_string_lossy().to_string(),
                r[1].clone(),
                r[2].clone(),
            )
        })
        .collect();
    q.sort_by_key(|(f, l, _)| (f.clone(), l.parse::<u64>().unwrap()));
    let (l1, l2) = fx.batch_bad_lines;
    assert_eq!(
        q,
        vec![
            (
                "batch.xml".into(),
                l1.to_string(),
                "cf_lavoratore_carattere_controllo".into()
            ),
            ("batch.xml".into(), l2.to_string(), "record_malformato".into()),
            ("estrazione.csv".into(), "4".into(), "annullamento_orfano".into()),
            ("rapporti_attivati.csv".into(), "5".into(), "data_non_valida".into()),
        ]
    );
    // Lombardia: labels mapped to codes, the unmatched one reported.
    let l = query_strings(
        &lake,
        "SELECT ateco, tipologia_contrattuale, macro_contratto, sesso, classe_eta, provincia FROM co_eventi WHERE fonte = 'lombardia' ORDER BY record_origine",
    );
    assert_eq!(l[0], vec!["56.10.11", "A.02.01", "TD", "F", "25-34", "MI"]);
    assert_eq!(
        l[1][1], "A.01.00",
        "platform variant: an alias of reference/oml/etichette_contratto.csv"
    );
    assert_eq!(l[1][2], "TI");
    assert!(
        run.etichette_non_abbinate.keys().all(|k| k.starts_with("ETA")),
        "{:?}",
        run.etichette_non_abbinate
    );
    // What the pre-pass established, and where every byte went.
    for i in &run.inputs {
        let name = Path::new(&i.path).file_name().unwrap().to_string_lossy().to_string();
        assert_eq!(i.byte.letti, i.byte.record + i.byte.struttura, "{name}");
        assert!(i.byte.record > 0 && i.byte.struttura > 0, "{name}: {:?}", i.byte);
        assert!(i.byte.reconciles(), "{name}: {:?}", i.byte);
        assert_eq!(
            (i.byte.accettati > 0, i.byte.superati > 0, i.byte.quarantena > 0),
            (
                i.conteggi.accettati > 0,
                i.conteggi.superati > 0,
                i.conteggi.quarantena > 0
            ),
            "{name}: {:?}",
            i.byte
        );
        // The CSV files quarantine one line each: exactly its bytes, line end included.
        let quarantined_line = match name.as_str() {
            "estrazione.csv" => Some(4),
            "rapporti_attivati.csv" => Some(5),
            _ => None,
        };
        if let Some(n) = quarantined_line {
            let text = std::fs::read(&i.path).unwrap();
            let line = text.split_inclusive(|b| *b == b'\n').nth(n - 1).unwrap();
            assert_eq!(i.byte.quarantena, line.len() as u64, "{name}");
        }
        if !name.ends_with(".zip") {
            assert_eq!(i.byte.letti, i.bytes, "{name}");
        }
        let expect = match name.as_str() {
            "rapporti_attivati.csv" => (Some("UTF-8"), Some("gg/mm/aaaa")),
            "estrazione.csv" => (Some("UTF-8"), None),
            _ => (None, None),
        };
        assert_eq!((i.codifica.as_deref(), i.ordine_date.as_deref()), expect, "{name}");
    }
    // The zip path names the entry.
    assert_eq!(
        count(
            &lake,
            "SELECT count(*) FROM co_eventi WHERE file_origine LIKE '%lotto.zip!%'"
        ),
        2
    );
}

#[test]
fn a_different_key_is_refused_on_an_existing_lake() {
    let (d, lake) = tmp_lake("key");
    let fx = fixtures::write_all(&d.path().join("fx"));
    ingest(&lake, &key(), std::slice::from_ref(&fx.unilav_single), &opts()).unwrap();
    let other = Key::from_text(&"77".repeat(32), KeySource::Env).unwrap();
    let err = ingest(&lake, &other, std::slice::from_ref(&fx.csv), &opts())
        .unwrap_err()
        .to_string();
    assert!(err.contains("another pseudonymisation key"), "{err}");
}

/// The folders of `OML_PYDUCKDB` (`:`-separated, each holding one version of the Python `duckdb`
/// package; `.ci/run` installs the pinned release and the newest one): empty, after saying that
/// `test` is skipped, when it is not set, unless `OML_REQUIRE_PYDUCKDB` asks for them.
fn python_duckdb_dirs(test: &str) -> Vec<String> {
    let dirs: Vec<String> = std::env::var("OML_PYDUCKDB")
        .unwrap_or_default()
        .split(':')
        .filter(|d| !d.is_empty())
        .map(str::to_string)
        .collect();
    if dirs.is_empty() {
        assert!(
            std::env::var_os("OML_REQUIRE_PYDUCKDB").is_none(),
            "OML_REQUIRE_PYDUCKDB is set (as in .ci/run) but OML_PYDUCKDB names no package folder"
        );
        eprintln!("SKIPPED {test}: OML_PYDUCKDB is not set (pip install --target DIR duckdb==1.5.6; .ci/run does it)");
    }
    dirs
}

/// The folder of the Python packages of the notebooks, pandas and pyarrow (`OML_PYNB`, which
/// `.ci/run` installs): None, after saying that `test` is skipped, when it is not set, unless
/// `OML_REQUIRE_NOTEBOOKS` asks for it.
fn python_packages(test: &str) -> Option<std::ffi::OsString> {
    let dir = std::env::var_os("OML_PYNB").filter(|d| !d.is_empty());
    if dir.is_none() {
        assert!(
            std::env::var_os("OML_REQUIRE_NOTEBOOKS").is_none(),
            "OML_REQUIRE_NOTEBOOKS is set (as in .ci/run) but OML_PYNB names no package folder"
        );
        eprintln!(
            "SKIPPED {test}: OML_PYNB is not set (pip install --target DIR nbclient nbformat ipykernel \
             duckdb==1.5.6 polars matplotlib pandas pyarrow; .ci/run does it)"
        );
    }
    dir
}

/// Runs a script of `tests/python/` with the Python packages of `dir` (`duckdb` among them) and
/// returns its JSON output.
fn python_duckdb(dir: &str, script: &str, args: &[&str]) -> serde_json::Value {
    let out = std::process::Command::new("python3")
        .arg(format!("tests/python/{script}"))
        .args(args)
        .env("PYTHONPATH", dir)
        .output()
        .expect("running python3");
    assert!(
        out.status.success(),
        "python duckdb from {dir}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn oml(args: &[&str], cwd: &Path, envs: &[(&str, &str)]) -> (bool, String, String) {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_oml"));
    c.args(args)
        .current_dir(cwd)
        .env_remove("OML_KEY")
        .env_remove("OML_KEY_FILE")
        .env_remove("OML_LAKE");
    for (k, v) in envs {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Issue 18's goal, on the demo province itself (`oml demo`'s defaults: Prato, 2019–2024): its
/// comune × settore × contratto flows of 2023 publish at least 80% of the cells that meet the
/// threshold, every primary cell's interval checked and the exact audit clean
/// (docs/riservatezza.md; `oml bench riservatezza` times it).
#[test]
fn the_demo_provinces_fine_table_publishes_four_cells_in_five() {
    let d = tempfile::tempdir().unwrap();
    let (ok, _, err) = oml(&["--quiet", "demo"], d.path(), &[]);
    assert!(ok, "demo failed: {err}");
    let (ok, out, err) = oml(
        &[
            "--quiet",
            "--lake",
            "demo/lake",
            "indicators",
            "flussi",
            "--by",
            "comune,settore,macro_contratto",
            "--period",
            "2023",
        ],
        d.path(),
        &[],
    );
    assert!(ok, "{err}");
    let line = out
        .lines()
        .find(|l| l.starts_with("Controllo della divulgazione"))
        .unwrap_or_else(|| panic!("no report in {out}"));
    // "… pubblicate 1.208 delle 1.509 celle sopra soglia …"
    let number = |w: &str| w.replace('.', "").parse::<u64>().unwrap();
    let words: Vec<&str> = line.split("pubblicate ").nth(1).unwrap().split_whitespace().collect();
    let (published, meeting) = (number(words[0]), number(words[2]));
    assert!(meeting > 1000, "{line}");
    assert!(published * 5 >= meeting * 4, "{published} of {meeting}: {line}");
    assert!(line.contains("non verificate 0"), "{line}");
    assert!(line.contains("intervalli verificati 172"), "{line}");
    assert!(!line.contains("ATTENZIONE"), "{line}");
}

#[test]
fn the_cli_demo_sql_and_key_refusal() {
    let d = tempfile::tempdir().unwrap();
    let (ok, out, err) = oml(
        &["--quiet", "demo", "--volume", "2000", "--years", "2023-2024"],
        d.path(),
        &[],
    );
    assert!(ok, "demo failed: {err}");
    assert!(out.contains("chiave-demo.key"), "the demo says it created a key: {out}");
    assert!(out.contains("Riconciliazione del lago") && out.contains("OK"), "{out}");
    assert!(out.contains("Quarantena per motivo"), "{out}");
    assert!(d.path().join("demo/lake/co_eventi").is_dir());
    assert!(!d.path().join("demo/lake/chiave-demo.key").exists());

    let (ok, json, err) = oml(
        &[
            "--lake",
            "demo/lake",
            "sql",
            "SELECT evento, count(*) AS n FROM co_eventi GROUP BY ALL ORDER BY evento",
            "--format",
            "json",
        ],
        d.path(),
        &[],
    );
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows[0]["evento"], "ASS");
    assert!(rows[0]["n"].as_i64().unwrap() > 100);

    let (ok, csv_out, _) = oml(
        &[
            "--lake",
            "demo/lake",
            "sql",
            "SELECT * FROM qualita_per_motivo",
            "--format",
            "csv",
        ],
        d.path(),
        &[],
    );
    assert!(ok);
    assert!(csv_out.starts_with("motivo,fonte,record"), "{csv_out}");

    // A second demo run changes nothing.
    let (ok, out2, _) = oml(
        &["--quiet", "demo", "--volume", "2000", "--years", "2023-2024"],
        d.path(),
        &[],
    );
    assert!(ok);
    assert!(out2.contains("Nulla da fare"), "{out2}");

    // Ingest without a key is refused with a clear message.
    let (ok, _, err) = oml(&["--lake", "altro", "ingest", "co", "demo/dati/co.csv"], d.path(), &[]);
    assert!(!ok);
    assert!(err.contains("OML_KEY"), "{err}");
    // A missing input is a clear error, not a panic.
    let (ok, _, err) = oml(
        &["--lake", "altro", "ingest", "co", "non/esiste.csv"],
        d.path(),
        &[("OML_KEY", &"ab".repeat(32))],
    );
    assert!(!ok && err.contains("no such file"), "{err}");
}

#[test]
fn a_lake_not_ready_or_a_wrong_key_is_a_typed_error_with_its_own_exit_code() {
    let d = tempfile::tempdir().unwrap();
    let key = "cd".repeat(32);
    let code = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_oml"))
            .args(args)
            .current_dir(d.path())
            .env_remove("OML_LAKE")
            .env("OML_KEY", &key)
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    // Nothing ingested: exit 3 (oml::lake::LakeError::Empty), for build as for indicators.
    for args in [
        &["--lake", "lago", "build"][..],
        &["--lake", "lago", "indicators", "flussi"],
    ] {
        let (c, err) = code(args);
        assert_eq!(c, Some(3), "{args:?}: {err}");
        assert!(err.contains("is empty: ingest communications first"), "{err}");
    }
    // Ingested but not built: exit 4 (LakeError::NotBuilt), for indicators and the bulletin.
    let csv = synthetic().join("co.csv");
    let (c, err) = code(&["--quiet", "--lake", "lago", "ingest", "co", csv.to_str().unwrap()]);
    assert_eq!(c, Some(0), "{err}");
    for args in [
        &["--lake", "lago", "indicators", "flussi"][..],
        &[
            "--quiet",
            "--lake",
            "lago",
            "bulletin",
            "--province",
            "PO",
            "--period",
            "2023-Q4",
        ],
    ] {
        let (c, err) = code(args);
        assert_eq!(c, Some(4), "{args:?}: {err}");
        assert!(err.contains("lake not built yet: run `oml build`"), "{err}");
    }
    // A key that is not the lake's: exit 5 (oml::privacy::KeyError), as a missing key.
    let other = "ef".repeat(32);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_oml"))
        .args(["--lake", "lago", "ingest", "co", csv.to_str().unwrap()])
        .current_dir(d.path())
        .env_remove("OML_LAKE")
        .env("OML_KEY", &other)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("another pseudonymisation key"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_oml"))
        .args(["--lake", "lago", "ingest", "co", csv.to_str().unwrap()])
        .current_dir(d.path())
        .env_remove("OML_LAKE")
        .env_remove("OML_KEY")
        .env_remove("OML_KEY_FILE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    // Any other error is 1; a usage error is clap's 2.
    assert_eq!(
        code(&["--lake", "lago", "sql", "SELECT * FROM nessuna_tabella"]).0,
        Some(1)
    );
    assert_eq!(
        code(&["--lake", "lago", "indicators", "flussi", "--period", "2024-Q5"]).0,
        Some(2)
    );
}

#[test]
fn a_lombardia_file_without_event_kind_is_a_clear_file_error() {
    let (d, lake) = tmp_lake("lomb");
    let p = d.path().join("estratto.csv");
    std::fs::write(
        &p,
        "DATA,GENERE,ETA,CONTRATTO\n15/03/2024,F,29,LAVORO A TEMPO DETERMINATO\n",
    )
    .unwrap();
    let err = format!(
        "{:#}",
        ingest(&lake, &key(), std::slice::from_ref(&p), &opts()).unwrap_err()
    );
    assert!(err.contains("cannot tell the event kind"), "{err}");
    assert!(lake.manifest().unwrap().runs.is_empty(), "nothing committed");
}
