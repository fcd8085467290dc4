//! Robustness: unlucky and hostile inputs never lose, resurrect or leak data, and one writer
//! at a time changes the lake. One test per guarantee of `docs/robustezza.md`, named for what
//! it proves.

mod proprieta;
use super::{count, key, opts, synthetic, tmp_lake};
use oml::build::{build, BuildOptions};
use oml::ingest::ingest;
use oml::lake::Lake;
use std::path::{Path, PathBuf};

/// The synthetic CSV extract: header and data lines (with their line ends).
fn csv_lines() -> (String, Vec<String>) {
    let text = std::fs::read_to_string(synthetic().join("co.csv")).unwrap();
    let mut lines = text.split_inclusive('\n').map(str::to_string);
    let header = lines.next().unwrap();
    (header, lines.collect())
}

/// The header and the first `n` records of the synthetic extract, each record's fields
/// passed through `edit(index, fields)` first.
fn edited_csv(n: usize, edit: impl Fn(usize, &mut Vec<String>)) -> String {
    let (mut text, lines) = csv_lines();
    for (i, l) in lines.iter().take(n).enumerate() {
        let mut fields: Vec<String> = l
            .trim_end_matches(['\r', '\n'])
            .split(';')
            .map(str::to_string)
            .collect();
        edit(i, &mut fields);
        text.push_str(&fields.join(";"));
        text.push('\n');
    }
    text
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn inputs_recorded(lake: &Lake) -> usize {
    lake.manifest().unwrap().runs.iter().map(|r| r.inputs.len()).sum()
}

fn live(lake: &Lake) -> u64 {
    count(lake, "SELECT count(*) FROM co_eventi")
}

#[test]
fn an_unbalanced_quote_stops_the_file_and_records_nothing() {
    let (d, lake) = tmp_lake("quote");
    let (header, lines) = csv_lines();
    // A quote opened at the start of a field on data line 3 (file line 4), never closed.
    let mut text = header.clone();
    for (i, l) in lines.iter().enumerate() {
        if i == 2 {
            text.push_str(&l.replacen(';', ";\"", 1));
        } else {
            text.push_str(l);
        }
    }
    let p = write(d.path(), "rotto.csv", &text);
    let err = format!(
        "{:#}",
        ingest(&lake, &key(), std::slice::from_ref(&p), &opts()).unwrap_err()
    );
    assert!(
        err.contains("rotto.csv") && err.contains("line 4") && err.contains("never closed"),
        "{err}"
    );
    assert_eq!(inputs_recorded(&lake), 0, "the file is not recorded as ingested");
    // The same quote closed a few lines later: the swallowed lines make a record with the
    // wrong number of columns over several lines, also a file error.
    let mut text = header;
    for (i, l) in lines.iter().enumerate() {
        match i {
            2 => text.push_str(&l.replacen(';', ";\"", 1)),
            5 => text.push_str(&l.replacen(';', "\";", 1)),
            _ => text.push_str(l),
        }
    }
    let p2 = write(d.path(), "rotto2.csv", &text);
    let err = format!("{:#}", ingest(&lake, &key(), &[p2], &opts()).unwrap_err());
    assert!(
        err.contains("rotto2.csv") && err.contains("line 4") && err.contains("columns"),
        "{err}"
    );
    assert_eq!(inputs_recorded(&lake), 0);
    // Fixed, the file goes in whole.
    let ok = ingest(&lake, &key(), &[synthetic().join("co.csv")], &opts()).unwrap();
    let c = ok.run.unwrap().totali;
    assert_eq!(c.letti, lines.len() as u64);
}

#[test]
fn bare_cr_line_ends_and_empty_or_non_xml_files_are_refused_by_name() {
    let (d, lake) = tmp_lake("cr");
    let (header, lines) = csv_lines();
    let mut text = header.replace("\r\n", "\r").replace('\n', "\r");
    for l in lines.iter().take(50) {
        text.push_str(&l.replace("\r\n", "\r").replace('\n', "\r"));
    }
    let p = write(d.path(), "mac.csv", &text);
    let err = format!("{:#}", ingest(&lake, &key(), &[p], &opts()).unwrap_err());
    assert!(err.contains("mac.csv") && err.contains("bare CR"), "{err}");
    for (name, body) in [
        ("vuoto.xml", ""),
        ("testo.xml", "questo non è XML\n"),
        ("solo_intestazione.csv", header.as_str()),
    ] {
        let p = write(d.path(), name, body);
        let err = format!("{:#}", ingest(&lake, &key(), &[p], &opts()).unwrap_err());
        assert!(err.contains(name), "{name}: {err}");
    }
    assert_eq!(inputs_recorded(&lake), 0);
    assert!(lake.current_dir().is_none(), "the lake is unchanged (still empty)");
}

#[test]
fn the_same_records_in_another_file_resurrect_nothing() {
    let (d, lake) = tmp_lake("resurrect");
    let csv = synthetic().join("co.csv");
    ingest(&lake, &key(), std::slice::from_ref(&csv), &opts()).unwrap();
    let before = (
        live(&lake),
        count(&lake, "SELECT count(*) FROM co_superati"),
        count(&lake, "SELECT count(*) FROM co_eventi WHERE codice_comunicazione IN (SELECT codice_comunicazione FROM co_superati)"),
    );
    assert!(before.1 > 0, "the extract has rettifiche and annullamenti");
    assert_eq!(before.2, 0);
    // The same export saved with LF instead of CRLF: another sha256, the same communications.
    let text = std::fs::read_to_string(&csv).unwrap().replace("\r\n", "\n");
    let copy = write(d.path(), "copia_lf.csv", text);
    let run = ingest(&lake, &key(), &[copy], &opts()).unwrap().run.unwrap();
    assert_eq!(run.totali.accettati, 0, "{:?}", run.totali);
    let after = (
        live(&lake),
        count(&lake, "SELECT count(*) FROM co_superati"),
        count(&lake, "SELECT count(*) FROM co_eventi WHERE codice_comunicazione IN (SELECT codice_comunicazione FROM co_superati)"),
    );
    assert_eq!(after, before, "live, superseded, resurrected");
    // And the XML of the same records adds nothing either.
    let run = ingest(&lake, &key(), &[synthetic().join("unilav")], &opts())
        .unwrap()
        .run
        .unwrap();
    assert_eq!(live(&lake), before.0, "{:?}", run.totali);
}

#[test]
fn concurrent_ingests_give_the_lake_of_sequential_ones() {
    let (d, lake) = tmp_lake("lock");
    let (header, lines) = csv_lines();
    let half = lines.len() / 2;
    let a = write(d.path(), "a.csv", format!("{header}{}", lines[..half].concat()));
    let b = write(d.path(), "b.csv", format!("{header}{}", lines[half..].concat()));
    // Sequential reference.
    let (_r, reference) = tmp_lake("lock-ref");
    ingest(&reference, &key(), std::slice::from_ref(&a), &opts()).unwrap();
    ingest(&reference, &key(), std::slice::from_ref(&b), &opts()).unwrap();
    // Two writers at once, and a build racing them.
    std::thread::scope(|s| {
        let t1 = s.spawn(|| ingest(&lake, &key(), std::slice::from_ref(&a), &opts()).map(|_| ()));
        let t2 = s.spawn(|| ingest(&lake, &key(), std::slice::from_ref(&b), &opts()).map(|_| ()));
        t1.join().unwrap().unwrap();
        t2.join().unwrap().unwrap();
    });
    for sql in [
        "SELECT count(*) FROM co_eventi",
        "SELECT count(*) FROM co_superati",
        "SELECT count(*) FROM quarantena",
    ] {
        assert_eq!(count(&lake, sql), count(&reference, sql), "{sql}");
    }
    let m = lake.manifest().unwrap();
    assert_eq!(m.runs.len(), 2, "both runs are in the manifest");
    // Every Parquet file of the generation is in the manifest: no orphans.
    let cur = lake.current_dir().unwrap();
    let listed: std::collections::BTreeSet<String> = m.datasets.values().flatten().map(|f| f.path.clone()).collect();
    let mut on_disk = std::collections::BTreeSet::new();
    let mut stack = vec![cur.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "parquet") {
                on_disk.insert(p.strip_prefix(&cur).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    assert_eq!(on_disk, listed);
}

#[test]
fn oml_sql_cannot_write() {
    let (d, lake) = tmp_lake("sql");
    ingest(&lake, &key(), &[synthetic().join("co.csv")], &opts()).unwrap();
    let s = oml::analytics::Session::open(&lake).unwrap();
    let target = d.path().join("lake/co_eventi/anno=2023/intruso.csv");
    for sql in [
        format!("COPY (SELECT 1) TO '{}'", target.display()),
        format!("SELECT 1; COPY (SELECT 1) TO '{}'", target.display()),
        "ATTACH 'x.duckdb' AS x".to_string(),
        "CREATE TABLE t AS SELECT 1".to_string(),
        "SET enable_external_access = true".to_string(),
        "INSTALL httpfs".to_string(),
    ] {
        let err = s.query_read_only(&sql).unwrap_err().to_string();
        assert!(err.contains("oml sql runs queries that read"), "{sql}: {err}");
    }
    assert!(!target.exists());
    assert!(s.query_read_only("SELECT count(*) FROM co_eventi").is_ok());
    assert!(s.query_read_only("DESCRIBE co_eventi").is_ok());
    assert!(s
        .query_read_only("WITH x AS (SELECT anno FROM co_eventi) SELECT anno, count(*) FROM x GROUP BY ALL")
        .is_ok());
}

#[cfg(unix)]
#[test]
fn a_fifo_among_the_inputs_is_refused_by_name() {
    let (d, lake) = tmp_lake("fifo");
    let dir = d.path().join("in");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(synthetic().join("co.csv"), dir.join("a.csv")).unwrap();
    let fifo = dir.join("b.csv");
    let ok = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(ok.success());
    let err = format!("{:#}", ingest(&lake, &key(), &[dir], &opts()).unwrap_err());
    assert!(err.contains("b.csv") && err.contains("FIFO"), "{err}");
}

#[test]
fn a_lake_with_no_valid_record_builds_empty_datasets() {
    let (d, lake) = tmp_lake("empty");
    // Every record with an impossible date of sending: all quarantined.
    let text = edited_csv(20, |_, fields| {
        fields[oml::model::F::DataInvio as usize] = "non-una-data".into();
    });
    let p = write(d.path(), "tutti_scartati.csv", text);
    ingest(&lake, &key(), &[p], &opts()).unwrap();
    assert_eq!(live(&lake), 0);
    build(&lake, &BuildOptions::default(), &|_, _, _| {}).unwrap();
    assert_eq!(count(&lake, "SELECT count(*) FROM rapporti"), 0);
    assert_eq!(count(&lake, "SELECT count(*) FROM segmenti"), 0);
}

#[test]
fn identifiers_typed_into_the_wrong_fields_reach_neither_lake_nor_quarantine() {
    use oml::model::F;
    let (d, lake) = tmp_lake("ids");
    let cf_lower = "rssmra85t10a562s";
    let piva = "00743110157";
    let text = edited_csv(40, |i, fields| match i {
        // A codice fiscale (lower case) in the CCNL, a partita IVA in the qualifica.
        0 => fields[F::Ccnl as usize] = cf_lower.into(),
        1 => fields[F::QualificaProfessionale as usize] = format!("p.iva {piva}"),
        // A record that goes to quarantine (impossible date) with the same values.
        2 => {
            fields[F::DataInvio as usize] = "non-una-data".into();
            fields[F::Ccnl as usize] = cf_lower.into();
            fields[F::EntePrevidenziale as usize] = piva.into();
        }
        _ => {}
    });
    let p = write(d.path(), "campi_sbagliati.csv", text);
    ingest(&lake, &key(), &[p], &opts()).unwrap();
    assert!(count(&lake, "SELECT count(*) FROM quarantena") >= 1);
    for view in ["co_eventi", "quarantena", "co_superati"] {
        for secret in [cf_lower, piva] {
            let n = count(
                &lake,
                &format!("SELECT count(*) FROM {view} t WHERE lower(CAST(t AS VARCHAR)) LIKE '%{secret}%'"),
            );
            assert_eq!(n, 0, "{secret} in {view}");
        }
    }
}

/// A writer killed at any step of a commit (`OML_CRASH_AT`, which aborts like `kill -9`)
/// leaves the lake readable, in the state before or after the run, and a new run completes
/// it: for the first ingest of a lake and for a later one.
#[test]
fn a_writer_killed_at_any_commit_point_leaves_a_readable_lake() {
    let (header, lines) = csv_lines();
    let half = lines.len() / 2;
    let d = tempfile::tempdir().unwrap();
    let a = write(d.path(), "a.csv", format!("{header}{}", lines[..half].concat()));
    let b = write(d.path(), "b.csv", format!("{header}{}", lines[half..].concat()));
    let (_r, reference) = tmp_lake("crash-ref");
    ingest(&reference, &key(), std::slice::from_ref(&a), &opts()).unwrap();
    let after_a = live(&reference);
    ingest(&reference, &key(), std::slice::from_ref(&b), &opts()).unwrap();
    let after_b = live(&reference);
    let key_hex = "5e".repeat(32);
    let run = |lake: &Path, input: &Path, crash: Option<&str>| {
        let mut envs = vec![("OML_KEY", key_hex.as_str())];
        if let Some(c) = crash {
            envs.push(("OML_CRASH_AT", c));
        }
        super::oml(
            &[
                "--quiet",
                "--lake",
                lake.to_str().unwrap(),
                "ingest",
                "co",
                "--vintage",
                "2025-01-15",
                input.to_str().unwrap(),
            ],
            d.path(),
            &envs,
        )
    };
    for point in oml::lake::CRASH_POINTS {
        for first in [true, false] {
            let root = d.path().join(format!("lago-{point}-{first}"));
            let lake = Lake::new(&root);
            if !first {
                let (ok, _, err) = run(&root, &a, None);
                assert!(ok, "{err}");
            }
            let input = if first { &a } else { &b };
            let (ok, _, _) = run(&root, input, Some(point));
            assert!(!ok, "{point}: the writer was killed");
            // Readable, in one of the two states.
            let before = if first { 0 } else { after_a };
            let done = if first { after_a } else { after_b };
            let n = if lake.current_dir().is_some() { live(&lake) } else { 0 };
            // Before the switch of `current` the previous state, after it the new one.
            let expected = if point == "generazione-attiva" { done } else { before };
            assert_eq!(n, expected, "{point}, first={first}");
            // A new run completes the lake (or finds the input already in).
            let (ok, _, err) = run(&root, input, None);
            assert!(ok, "{point}, first={first}: {err}");
            assert_eq!(live(&lake), done, "{point}, first={first}");
        }
    }
}

#[test]
fn caps_on_file_record_and_field_size_give_clear_errors() {
    use oml::model::F;
    let (d, lake) = tmp_lake("caps");
    let text = edited_csv(30, |i, fields| match i {
        0 => fields[F::Ccnl as usize] = "x".repeat(5_000),
        1 => fields[F::Ccnl as usize] = "a\0b".into(),
        _ => {}
    });
    let p = write(d.path(), "campi.csv", &text);
    let mut o = opts();
    o.limits.max_file_bytes = Some(1000);
    let err = format!("{:#}", ingest(&lake, &key(), std::slice::from_ref(&p), &o).unwrap_err());
    assert!(err.contains("campi.csv") && err.contains("--max-file-bytes"), "{err}");
    let mut o = opts();
    o.limits.max_record_bytes = 4_096;
    let err = format!("{:#}", ingest(&lake, &key(), std::slice::from_ref(&p), &o).unwrap_err());
    assert!(err.contains("campi.csv") && err.contains("--max-record-bytes"), "{err}");
    let mut o = opts();
    o.limits.max_field_bytes = 1_000;
    let run = ingest(&lake, &key(), std::slice::from_ref(&p), &o)
        .unwrap()
        .run
        .unwrap();
    assert_eq!(run.totali.letti, 30);
    let why = super::query_strings(
        &lake,
        "SELECT dettaglio FROM quarantena WHERE motivo = 'record_malformato' ORDER BY record_origine",
    );
    assert_eq!(why.len(), 2, "{why:?}");
    assert!(
        why[0][0].contains("--max-field-bytes") && why[1][0].contains("NUL"),
        "{why:?}"
    );
}
