//! Robustness: unlucky and hostile inputs never lose, resurrect or leak data, and one writer
//! at a time changes the lake. One test per guarantee of `docs/robustezza.md`, named for what
//! it proves.

mod proprieta;
use super::{count, key, opts, synthetic, tmp_lake};
use crate::build;
use oml::derive::BuildOptions;
use oml::ingest::ingest;
use oml::lake::Lake;
pub(crate) use proprieta::{assert_no_identifier, lake_texts};
use std::collections::HashSet;
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
fn every_byte_of_a_file_is_in_a_record_of_known_fate_or_in_structure() {
    let (d, lake) = tmp_lake("bytes");
    let (header, lines) = csv_lines();
    // CRLF line ends; a blank line; a quoted field holding a line break; a record with a
    // missing column; an exact copy of an earlier record; the synthetic extract's rettifiche
    // and annullamenti (accepted, superseded, orphans).
    let mut parts: Vec<(Option<usize>, String)> = vec![(None, header.trim_end().to_string() + "\r\n")];
    for (i, l) in lines.iter().take(400).enumerate() {
        let l = l.trim_end_matches(['\r', '\n']);
        let l = match i {
            5 => l.replacen(";", ";\"riga\r\nspezzata\";", 1).replacen(";", "", 1),
            9 => l.rsplit_once(';').unwrap().0.to_string(),
            _ => l.to_string(),
        };
        parts.push((Some(i), format!("{l}\r\n")));
        if i == 20 {
            parts.push((None, "\r\n".into()));
        }
    }
    parts.push((Some(400), lines[3].trim_end_matches(['\r', '\n']).to_string() + "\r\n"));
    let text: String = parts.iter().map(|(_, t)| t.as_str()).collect();
    let p = write(d.path(), "conti.csv", &text);
    let run = ingest(&lake, &key(), &[p], &opts()).unwrap().run.unwrap();
    let b = run.inputs[0].byte;
    assert!(b.reconciles(), "{b:?}");
    // Where each record went, by its first line, from the lake itself.
    let mut fate: std::collections::HashMap<u64, &str> = Default::default();
    for (dataset, sql) in [
        ("eventi", "SELECT record_origine FROM co_eventi"),
        ("superati", "SELECT record_origine FROM co_superati"),
        ("quarantena", "SELECT record_origine FROM quarantena"),
    ] {
        for r in super::query_strings(&lake, sql) {
            assert!(
                fate.insert(r[0].parse().unwrap(), dataset).is_none(),
                "line {} twice",
                r[0]
            );
        }
    }
    let (mut expect, mut line) = (std::collections::BTreeMap::<&str, u64>::new(), 1u64);
    let mut structure = 0u64;
    for (rec, t) in &parts {
        match rec {
            Some(_) => *expect.entry(fate[&line]).or_default() += t.len() as u64,
            None => structure += t.len() as u64,
        }
        line += t.matches('\n').count() as u64;
    }
    assert!(expect.values().all(|v| *v > 0) && expect.len() == 3, "{expect:?}");
    assert_eq!(
        (b.accettati, b.superati, b.quarantena, b.struttura, b.letti),
        (
            expect["eventi"],
            expect["superati"],
            expect["quarantena"],
            structure,
            text.len() as u64
        )
    );
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
    let copy = write(d.path(), "copia_lf.csv", &text);
    let report = ingest(&lake, &key(), &[copy], &opts()).unwrap();
    assert!(
        report.run.is_none(),
        "the same records' text: skipped as already ingested"
    );
    assert_eq!(report.skipped.len(), 1);
    // Without its last record it is other content: every record is checked one by one, and
    // none is taken again or brought back to life.
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    lines.pop();
    let copy = write(d.path(), "copia_senza_ultima.csv", lines.concat());
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

/// A name, a birth date or an address typed into a field with a code list, a date or free text
/// reaches the quarantine only as its shape (`privacy::shape`), in `record_grezzo` and in
/// `dettaglio`; a valid code is still shown as it is.
#[test]
fn values_not_valid_for_their_field_reach_the_quarantine_only_as_their_shape() {
    use oml::model::F;
    let (d, lake) = tmp_lake("forma");
    let text = edited_csv(3, |i, fields| match i {
        0 => {
            fields[F::LavoratoreCittadinanza as usize] = "Mario Rossi".into();
            fields[F::Ccnl as usize] = "10/12/1985".into();
            fields[F::QualificaProfessionale as usize] = "Via Roma 3".into();
        }
        1 => {
            fields[F::TipologiaContrattuale as usize] = "Rossi Mario".into();
            fields[F::SedeLavoroCap as usize] = "Via Verdi 5".into();
        }
        2 => fields[F::DataInizio as usize] = "10/13/1985".into(),
        _ => {}
    });
    let p = write(d.path(), "campi_con_nomi.csv", text);
    ingest(&lake, &key(), &[p], &opts()).unwrap();
    assert!(count(&lake, "SELECT count(*) FROM quarantena") >= 3);
    for secret in ["Mario", "Rossi", "1985", "Roma", "Verdi"] {
        let n = count(
            &lake,
            &format!(
                "SELECT count(*) FROM quarantena WHERE record_grezzo LIKE '%{secret}%' OR dettaglio LIKE '%{secret}%'"
            ),
        );
        assert_eq!(n, 0, "{secret} in quarantena");
    }
    for shape in ["Aaaaa Aaaaa", "99/99/9999", "Aaa Aaaa 9", "Aaa Aaaaa 9"] {
        let n = count(
            &lake,
            &format!("SELECT count(*) FROM quarantena WHERE record_grezzo LIKE '%{shape}%'"),
        );
        assert!(n >= 1, "{shape} not in quarantena");
    }
    for (campo, dettaglio) in [
        ("lavoratore_Cittadinanza", "codice 'Aaaaa Aaaaa' sconosciuto"),
        ("rapporto_TipologiaContrattuale", "codice 'Aaaaa Aaaaa' sconosciuto"),
        ("rapporto_DataInizio", "data '99/99/9999' illeggibile o impossibile"),
    ] {
        let n = count(
            &lake,
            &format!(
                "SELECT count(*) FROM quarantena WHERE campo = '{campo}' AND dettaglio = '{}'",
                dettaglio.replace('\'', "''")
            ),
        );
        assert_eq!(n, 1, "{campo}");
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

/// Every row of `dataset` without the columns that say where and when a record came in
/// (file, line, run, extraction date, free-text detail), sorted: what a lake *holds*. Returns
/// the column names and the rows.
fn holdings(lake: &Lake, dataset: &str) -> (Vec<String>, Vec<Vec<String>>) {
    const PROVENANCE: &str =
        "file_origine, record_origine, id_run, data_estrazione, id_run_superamento, dettaglio, record_grezzo";
    let cols: Vec<String> = super::query_strings(
        lake,
        &format!(
            "SELECT column_name FROM (DESCRIBE SELECT * FROM {dataset}) \
             WHERE column_name NOT IN ('{}') ORDER BY column_name",
            PROVENANCE.replace(", ", "','")
        ),
    )
    .into_iter()
    .map(|r| r[0].clone())
    .collect();
    let list: Vec<String> = cols.iter().map(|c| format!("\"{c}\"")).collect();
    let rows = super::query_strings(lake, &format!("SELECT {} FROM {dataset} ORDER BY ALL", list.join(", ")));
    (cols, rows)
}

#[test]
fn the_same_records_in_any_split_into_runs_give_the_same_lake() {
    let (d, one) = tmp_lake("lineage-one");
    let csv = synthetic().join("co.csv");
    ingest(&one, &key(), std::slice::from_ref(&csv), &opts()).unwrap();
    build(&one, &BuildOptions::default(), &|_, _, _| {}).unwrap();

    // The same records, shuffled (a fixed seed), in five files ingested in five runs: corrections
    // arrive before, after and in the same run as their targets.
    let (header, mut lines) = csv_lines();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for i in (1..lines.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        lines.swap(i, (state % (i as u64 + 1)) as usize);
    }
    let split = Lake::new(d.path().join("split"));
    let per = lines.len().div_ceil(5);
    for (k, part) in lines.chunks(per).enumerate() {
        let p = write(
            d.path(),
            &format!("lotto_{k}.csv"),
            format!("{header}{}", part.concat()),
        );
        ingest(&split, &key(), &[p], &opts()).unwrap();
    }
    build(&split, &BuildOptions::default(), &|_, _, _| {}).unwrap();
    for ds in [
        "co_eventi",
        "co_superati",
        "quarantena",
        "co_in_attesa",
        "rapporti",
        "segmenti",
        "rapporti_anomalie",
        "carriere",
    ] {
        let ((cols, a), (_, b)) = (holdings(&one, ds), holdings(&split, ds));
        assert!(!a.is_empty(), "{ds} is empty");
        let (sa, sb): (HashSet<_>, HashSet<_>) = (a.iter().collect(), b.iter().collect());
        let only_a: Vec<_> = a.iter().filter(|r| !sb.contains(r)).collect();
        let only_b: Vec<_> = b.iter().filter(|r| !sa.contains(r)).collect();
        let differing: Vec<String> = match (only_a.first(), only_b.first()) {
            (Some(x), Some(y)) => (0..cols.len())
                .filter(|&c| x[c] != y[c])
                .map(|c| format!("{}: {} / {}", cols[c], x[c], y[c]))
                .collect(),
            _ => Vec::new(),
        };
        assert_eq!(
            (a.len(), only_a.len(), only_b.len()),
            (b.len(), 0, 0),
            "{ds}: one run {} rows, five runs {} rows; first rows only in one of them differ in {differing:?}",
            a.len(),
            b.len()
        );
    }
    // Every orphan correction waits in co_in_attesa, and nothing else does; `oml status`
    // checks the live records, not only the counts.
    for lake in [&one, &split] {
        let status = oml::report::status::lake_summary(lake).unwrap();
        assert!(status.contains("Record vivi") && !status.contains("ERRORE"), "{status}");
        assert_eq!(
            count(lake, "SELECT count(*) FROM co_in_attesa"),
            count(
                lake,
                "SELECT count(*) FROM quarantena WHERE motivo IN ('rettifica_orfana', 'annullamento_orfano')"
            )
        );
    }
}

#[test]
fn a_chain_resolves_the_same_whatever_order_its_members_arrive_in() {
    // One avviamento A; rettifiche C1 (sent later) and C2 (sent earlier) of A; D rettifies C1;
    // E rettifies a code nobody sent. Together: C1 beats C2, D replaces C1, D is live with
    // root A; E waits. Every order of arrival, one record per run, must give that lake.
    let (header, lines) = csv_lines();
    let base: Vec<String> = lines
        .iter()
        .map(|l| {
            l.trim_end_matches(['\r', '\n'])
                .split(';')
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .find(|f| f[2] == "01" && f[4] == "ASS")
        .unwrap();
    let rec = |code: &str, prec: &str, tipo: &str, invio: &str| {
        let mut f = base.clone();
        f[0] = code.into();
        f[1] = prec.into();
        f[2] = tipo.into();
        f[3] = invio.into();
        format!("{}\n", f.join(";"))
    };
    let a = &base[0];
    let records = [
        rec(a, "", "01", &base[3]),
        rec("1799000000000001", a, "03", "2024-06-02T10:00:00"),
        rec("1799000000000002", a, "03", "2024-06-01T10:00:00"),
        rec("1799000000000003", "1799000000000001", "03", "2024-06-03T10:00:00"),
        rec("1799000000000004", "1799999999999999", "03", "2024-06-04T10:00:00"),
    ];
    let d = tempfile::tempdir().unwrap();
    let together = Lake::new(d.path().join("together"));
    let all = write(d.path(), "all.csv", format!("{header}{}", records.concat()));
    ingest(&together, &key(), &[all], &opts()).unwrap();
    let expect: Vec<_> = ["co_eventi", "co_superati", "quarantena", "co_in_attesa"]
        .map(|ds| holdings(&together, ds).1)
        .into();
    assert_eq!(
        super::query_strings(
            &together,
            "SELECT codice_comunicazione, codice_comunicazione_radice FROM co_eventi"
        ),
        vec![vec!["1799000000000003".to_string(), a.clone()]]
    );
    for (k, order) in [
        [0, 1, 2, 3, 4],
        [4, 3, 2, 1, 0],
        [3, 1, 0, 4, 2],
        [1, 3, 0, 2, 4],
        [2, 0, 3, 4, 1],
    ]
    .iter()
    .enumerate()
    {
        let lake = Lake::new(d.path().join(format!("order{k}")));
        for &i in order {
            let p = write(d.path(), &format!("o{k}_{i}.csv"), format!("{header}{}", records[i]));
            ingest(&lake, &key(), &[p], &opts()).unwrap();
        }
        let got: Vec<_> = ["co_eventi", "co_superati", "quarantena", "co_in_attesa"]
            .map(|ds| holdings(&lake, ds).1)
            .into();
        assert_eq!(got, expect, "arrival order {order:?}");
    }
}

/// A Lombardia open-data file (attivati) with these DATA, sector and contract values.
fn lombardia(rows: &[(&str, &str, &str)]) -> String {
    let mut s = String::from(
        "DATA,GENERE,ETA,SETTOREECONOMICODETTAGLIO,TITOLOSTUDIO,CONTRATTO,MODALITALAVORO,PROVINCIAIMPRESA,ITALIANO\n",
    );
    for (data, settore, contratto) in rows {
        s.push_str(&format!(
            "{data},F,30,{settore},LICENZA MEDIA,{contratto},TEMPO PIENO,MILANO,ITALIA\n"
        ));
    }
    s
}

fn dates_in(lake: &Lake) -> Vec<String> {
    super::query_strings(
        lake,
        "SELECT data_evento::VARCHAR FROM co_eventi ORDER BY record_origine",
    )
    .into_iter()
    .map(|r| r[0].clone())
    .collect()
}

#[test]
fn public_files_are_checked_not_guessed() {
    let d = tempfile::tempdir().unwrap();
    let ok = ("Ristorazione con somministrazione", "LAVORO A TEMPO DETERMINATO");
    let file = |name: &str, dates: &[&str]| {
        let rows: Vec<_> = dates.iter().map(|x| (*x, ok.0, ok.1)).collect();
        write(d.path(), name, lombardia(&rows))
    };
    let with = |order| {
        let mut o = opts();
        o.assume.date_order = order;
        o
    };
    let err = |lake: &Lake, p: &Path, o: &oml::ingest::IngestOptions| {
        let e = format!("{:#}", ingest(lake, &key(), &[p.to_path_buf()], o).unwrap_err());
        assert!(e.contains(&p.display().to_string()), "the error names the file: {e}");
        assert_eq!(inputs_recorded(lake), 0, "nothing recorded after: {e}");
        e
    };

    // Date order: from the data, or said when the data cannot tell, never guessed.
    let lake = Lake::new(d.path().join("ambigua"));
    let ambigua = file("ambigua_attivati.csv", &["05/03/2024", "01/02/2024"]);
    assert!(err(&lake, &ambigua, &opts()).contains("--date-order"));
    let run = ingest(
        &lake,
        &key(),
        &[ambigua],
        &with(Some(oml::sources::lombardia::DateOrder::Mdy)),
    )
    .unwrap()
    .run
    .unwrap();
    assert_eq!(dates_in(&lake), ["2024-05-03", "2024-01-02"]);
    assert_eq!(run.inputs[0].ordine_date.as_deref(), Some("mm/gg/aaaa"));

    let lake = Lake::new(d.path().join("usa"));
    let usa = file("usa_attivati.csv", &["03/15/2024", "04/01/2024"]);
    let e = err(&lake, &usa, &with(Some(oml::sources::lombardia::DateOrder::Dmy)));
    assert!(e.contains("contradicts") && e.contains("line 2"), "{e}");
    ingest(&lake, &key(), &[usa], &opts()).unwrap();
    assert_eq!(
        dates_in(&lake),
        ["2024-03-15", "2024-04-01"],
        "month first, from the data"
    );

    let lake = Lake::new(d.path().join("mista"));
    let mista = file("mista_attivati.csv", &["15/03/2024", "01/01/2024", "03/15/2024"]);
    let e = err(&lake, &mista, &opts());
    assert!(
        e.contains("line 2") && e.contains("line 4") && e.contains("mixes"),
        "{e}"
    );

    // Encoding: a Latin-1 export reads as its UTF-8 twin, and the manifest says which it was.
    let rows = [
        (
            "15/03/2024",
            "Attività manifatturiere",
            "LAVORO O ATTIVITÀ SOCIALMENTE UTILE (LSU - ASU)",
        ),
        ("16/03/2024", ok.0, ok.1),
    ];
    let text = lombardia(&rows);
    let (latin1, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!unmappable);
    let mut lakes = Vec::new();
    for (name, bytes) in [
        ("utf8_attivati.csv", text.as_bytes().to_vec()),
        ("latin1_attivati.csv", latin1.to_vec()),
    ] {
        let bytes_len = bytes.len() as u64;
        let lake = Lake::new(d.path().join(format!("lago_{name}")));
        let run = ingest(&lake, &key(), &[write(d.path(), name, bytes)], &opts())
            .unwrap()
            .run
            .unwrap();
        // Bytes counted in the file as it is (a Latin-1 `à` is one byte), all in accepted records.
        let b = run.inputs[0].byte;
        assert!(
            b.reconciles() && b.letti == bytes_len && b.accettati == b.record,
            "{name}: {b:?}"
        );
        lakes.push((run.inputs[0].codifica.clone(), lake));
    }
    let read = |lake: &Lake| {
        super::query_strings(
            lake,
            "SELECT ateco, tipologia_contrattuale, data_evento FROM co_eventi ORDER BY record_origine",
        )
    };
    assert_eq!(lakes[0].0.as_deref(), Some("UTF-8"));
    assert_eq!(lakes[1].0.as_deref(), Some("ISO-8859-1"));
    assert_eq!(read(&lakes[0].1), read(&lakes[1].1));
    assert_eq!(read(&lakes[1].1)[0][..2], ["C".to_string(), "C.03.00".to_string()]);
    // The same rows, in the other encoding or with CRLF line ends, are the same data: skipped.
    let crlf = write(d.path(), "crlf_attivati.csv", text.replace('\n', "\r\n"));
    let twin = d.path().join("latin1_attivati.csv");
    let report = ingest(&lakes[0].1, &key(), &[twin, crlf], &opts()).unwrap();
    assert!(
        report.run.is_none() && report.skipped.len() == 2,
        "{:?}",
        report.skipped
    );
    // Two encodings in one file: refused, naming a line of each.
    let mut mixed = latin1.to_vec();
    mixed.extend_from_slice(
        "17/03/2024,F,30,Attività manifatturiere,,LAVORO A TEMPO DETERMINATO,,MILANO,ITALIA\n".as_bytes(),
    );
    let lake = Lake::new(d.path().join("mixed"));
    let e = err(&lake, &write(d.path(), "mixed_attivati.csv", mixed), &opts());
    assert!(e.contains("line 2 is not UTF-8, line 4 is UTF-8"), "{e}");

    // Vocabulary: a wording that maps to no code refuses the file, listing every such wording.
    let strane = [
        ("15/03/2024", "Estrazione di unobtainium", ok.1),
        ("16/03/2024", ok.0, "LAVORO SU MARTE"),
        ("17/03/2024", ok.0, "LAVORO SU MARTE"),
    ];
    let p = write(d.path(), "strane_attivati.csv", lombardia(&strane));
    let lake = Lake::new(d.path().join("strane"));
    let e = err(&lake, &p, &opts());
    assert!(
        e.contains("CONTRATTO: 'LAVORO SU MARTE' (2 righe, la prima alla riga 3)")
            && e.contains("SETTOREECONOMICODETTAGLIO: 'Estrazione di unobtainium'")
            && e.contains("--allow-unmapped-labels"),
        "{e}"
    );
    let mut o = opts();
    o.assume.allow_unmapped_labels = true;
    let run = ingest(&lake, &key(), &[p], &o).unwrap().run.unwrap();
    assert_eq!(run.totali.accettati, 3);
    // Counted by shape: the manifest is in the lake, the wording is in the refusal above.
    assert_eq!(run.etichette_non_abbinate["CONTRATTO: AAAAAA AA AAAAA"], 2);
    assert!(!run.etichette_non_abbinate.keys().any(|k| k.contains("MARTE")));
}

/// Rewrites every file of `co_eventi` of the current generation without the columns of
/// `co_eventi` that schema version 2 added: the lake an OML of layout 1 wrote.
fn as_layout_1(lake: &Lake) {
    use parquet::arrow::ArrowWriter;
    let dir = lake.current_dir().unwrap().join("co_eventi");
    for year in std::fs::read_dir(&dir).unwrap().flatten() {
        for f in std::fs::read_dir(year.path()).unwrap().flatten() {
            let batches = oml::lake::read_file(&f.path()).unwrap();
            let old: Vec<_> = batches
                .iter()
                .map(|b| {
                    let keep: Vec<usize> = (0..b.num_columns())
                        .filter(|&i| !oml::lake::schema::ADDED_IN_2.contains(&b.schema().field(i).name().as_str()))
                        .collect();
                    b.project(&keep).unwrap()
                })
                .collect();
            let out = std::fs::File::create(f.path()).unwrap();
            let mut w = ArrowWriter::try_new(out, old[0].schema(), None).unwrap();
            for b in &old {
                w.write(b).unwrap();
            }
            w.close().unwrap();
        }
    }
}

#[test]
fn a_lake_of_the_first_layout_takes_agency_work_corrections_and_a_build() {
    // A lake whose co_eventi files predate the user firm's columns: a rettifica that rewrites
    // one of its files, a UNISOMM communication beside it, a build and the views all work, and
    // the old communications read the new columns as empty.
    use crate::fixtures;
    use oml::model::F;
    let (d, lake) = tmp_lake("layout1");
    let a = fixtures::record("1700000000900001", &fixtures::cf("RSSMRA85T10A562"));
    let b = fixtures::record("1700000000900002", &fixtures::cf("BNCLRA90A41G999"));
    let csv = |name: &str, recs: &[oml::model::RawCo]| {
        let p = d.path().join(name);
        let mut w = oml::sources::co_csv::CsvWriter::create(&p).unwrap();
        for r in recs {
            w.write(r).unwrap();
        }
        w.finish().unwrap();
        p
    };
    ingest(&lake, &key(), &[csv("uno.csv", &[a.clone(), b])], &opts()).unwrap();
    as_layout_1(&lake);
    let mut r = fixtures::rettifica(&a, "1700000000900003", "2024-03-02T09:30:00");
    r.set(F::DataFine, "2024-09-30");
    let mut s = fixtures::record("1700000000900004", &fixtures::cf("VRDGPP75C15G999"));
    s.set(F::TipoModulo, "US");
    s.set(F::DatoreSettore, "78.20.00");
    s.set(F::UtilizzatriceCodiceFiscale, "01234560017");
    s.set(F::UtilizzatriceSettore, "25.11.00");
    s.set(F::UtilizzatricePa, "NO");
    s.set(F::UtilizzatriceSedeLavoroComune, "G999");
    s.set(F::MissioneDataInizio, "2024-03-04");
    s.set(F::MissioneDataFine, "2024-05-31");
    ingest(&lake, &key(), &[csv("due.csv", &[r, s])], &opts()).unwrap();
    build(&lake, &BuildOptions::default(), &|_, _, _| {}).unwrap();
    let rows = crate::query_strings(
        &lake,
        "SELECT codice_comunicazione, data_fine, id_utilizzatrice IS NULL, coalesce(ateco_utilizzatrice, ''), \
         coalesce(data_fine_missione::VARCHAR, '') FROM co_eventi ORDER BY 1",
    );
    let expect = |c: &str, fine: &str, vuota: &str, ateco: &str, missione: &str| {
        [c, fine, vuota, ateco, missione].map(str::to_string).to_vec()
    };
    assert_eq!(
        rows,
        vec![
            expect("1700000000900002", "2024-08-31", "true", "", ""),
            expect("1700000000900003", "2024-09-30", "true", "", ""),
            expect("1700000000900004", "2024-08-31", "false", "25.11.00", "2024-05-31"),
        ]
    );
    assert_eq!(count(&lake, "SELECT count(*) FROM co_superati"), 1);
    let sezioni = crate::query_strings(
        &lake,
        "SELECT coalesce(ateco_sezione_utilizzatrice, '-') FROM rapporti ORDER BY data_fine_prevista, 1",
    );
    assert_eq!(sezioni.concat(), ["-", "C", "-"]);
}
