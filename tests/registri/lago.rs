//! What a load does to the lake as a whole: a malformed file (a missing mandatory column, a
//! record over two lines) is refused with a message naming what was seen and the lake is
//! unchanged; loading the same file again — or the same records with other line ends and
//! column order — adds nothing; a crash before the manifest leaves the lake as it was; no value
//! shaped like a codice fiscale or partita IVA is in any file of the lake.

use super::motivi::{cf, write, DID_HEADER};
use super::{did, loaded, one, province};
use oml::lake::Lake;
use std::path::Path;

/// Every text value of every Parquet file of the lake's current generation.
fn texts(lake: &Lake) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let cur = lake.current_dir().expect("a committed lake");
    fn walk(d: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "parquet") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(&cur, &mut files);
    for f in files {
        for b in oml::lake::read_file(&f).unwrap() {
            for (i, field) in b.schema().fields().iter().enumerate() {
                let col = arrow::compute::cast(b.column(i), &arrow::datatypes::DataType::Utf8).unwrap();
                let a = col.as_any().downcast_ref::<arrow::array::StringArray>().unwrap();
                for v in a.iter().flatten() {
                    out.push((format!("{}:{}", f.display(), field.name()), v.to_string()));
                }
            }
        }
    }
    out
}

/// None of `words` is in any value of the lake.
pub fn assert_no_text(lake: &Lake, words: &[&str]) {
    for (where_, v) in texts(lake) {
        for w in words {
            assert!(!v.contains(w), "{w} found in {where_}: {v}");
        }
    }
}

#[test]
fn registri_no_identifier_in_the_lake_files() {
    let (_d, lake) = loaded("registri-pii");
    let mut n = 0;
    for (where_, v) in texts(&lake) {
        if where_.contains("/co_") || where_.contains("/quarantena/") {
            continue; // the CO datasets have their own scan (robustezza)
        }
        assert!(
            !oml::quality::cf::contains_cf_pattern(&v),
            "identifier-shaped value in {where_}"
        );
        n += 1;
    }
    assert!(n > 10_000, "{n} values scanned");
    // The pseudonyms are 32 hex characters, never a CF.
    assert_eq!(
        one(&lake, "SELECT count(*) FROM did_eventi WHERE NOT regexp_full_match(id_lavoratore, '[0-9a-f]{32}') OR NOT regexp_full_match(id_did, '[0-9a-f]{32}')"),
        "0"
    );
}

#[test]
fn registri_malformed_file_is_refused_and_the_lake_unchanged() {
    let (d, lake) = super::super::tmp_lake("registri-malformed");
    let a = cf("RSSMRA85T10A562");
    let ok = write(
        d.path(),
        "ok.csv",
        DID_HEADER,
        &[(&format!("D1;{a};RILASCIO;2020-01-10;PO01;CPI;;02;;;;;;;"), "-")],
    );
    did(&lake, &[ok]).unwrap();
    let before = crate::snapshot(&lake);
    // A header without `evento`: refused, naming the missing column and the columns seen.
    let bad = d.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!("id_did;codice_fiscale;data;cpi\nD2;{a};2020-01-01;PO01\n"),
    )
    .unwrap();
    let e = format!("{:#}", did(&lake, std::slice::from_ref(&bad)).unwrap_err());
    assert!(
        e.contains("evento") && e.contains("columns seen: id_did, codice_fiscale, data, cpi"),
        "{e}"
    );
    assert!(!e.contains(&a), "{e}");
    assert_eq!(crate::snapshot(&lake), before);
    // A good file and a bad one together: nothing of either is loaded.
    let ok2 = write(
        d.path(),
        "ok2.csv",
        DID_HEADER,
        &[(&format!("D9;{a};RILASCIO;2021-01-10;PO01;CPI;;02;;;;;;;"), "-")],
    );
    assert!(did(&lake, &[ok2, bad]).is_err());
    assert_eq!(crate::snapshot(&lake), before);
    // A quoted line break: one record over two lines is refused naming the line.
    let spans = d.path().join("spans.csv");
    std::fs::write(
        &spans,
        format!("{DID_HEADER}\nD3;{a};RILASCIO;2022-01-10;PO01;CPI;\"PO01\nS01\";02;;;;;;;\n"),
    )
    .unwrap();
    let e = format!("{:#}", did(&lake, &[spans]).unwrap_err());
    assert!(e.contains("line 2"), "{e}");
    assert_eq!(crate::snapshot(&lake), before);
    // A crash before the manifest: the lake is as it was.
    let ok3 = write(
        d.path(),
        "ok3.csv",
        DID_HEADER,
        &[(&format!("D8;{a};RILASCIO;2023-01-10;PO01;CPI;;02;;;;;;;"), "-")],
    );
    assert!(oml::ingest::registri::ingest_opts::<oml::ingest::registri::Did>(
        &lake,
        &super::super::key(),
        &[ok3],
        true
    )
    .is_err());
    let after = crate::snapshot(&lake);
    let committed = |s: &(String, Vec<String>)| -> Vec<String> {
        s.1.iter().filter(|p| !p.contains("/.gen/000002/")).cloned().collect()
    };
    assert_eq!((&after.0, committed(&after)), (&before.0, committed(&before)));
    assert_eq!(one(&lake, "SELECT count(*) FROM did_eventi"), "1");
}

#[test]
fn registri_reload_adds_nothing() {
    let p = province();
    let (d, lake) = super::super::tmp_lake("registri-reload");
    let first = did(&lake, &[p.join("did.csv")]).unwrap();
    assert_eq!(first.caricati.len(), 1);
    let before = crate::snapshot(&lake);
    // The same file.
    let again = did(&lake, &[p.join("did.csv")]).unwrap();
    assert!(again.caricati.is_empty() && again.gia_presenti.len() == 1);
    assert_eq!(crate::snapshot(&lake), before);
    // The same records with CRLF line ends and the columns in another order.
    let text = std::fs::read_to_string(p.join("did.csv")).unwrap();
    let mut out = String::new();
    for line in text.lines() {
        let mut f: Vec<&str> = line.split(';').collect();
        f.swap(0, 2);
        out.push_str(&f.join(";"));
        out.push_str("\r\n");
    }
    let copy = d.path().join("did_crlf.csv");
    std::fs::write(&copy, out).unwrap();
    let again = did(&lake, &[copy]).unwrap();
    assert!(again.caricati.is_empty() && again.gia_presenti.len() == 1, "{again:?}");
    assert_eq!(crate::snapshot(&lake), before);
    // Part of the file again, with one new record: the old ones are duplicates, the new one lands.
    let part: Vec<&str> = text.lines().take(4).collect();
    let a = cf("RSSMRA85T10A562");
    let extra = d.path().join("did_part.csv");
    std::fs::write(
        &extra,
        format!("{}\nX1;{a};RILASCIO;2019-05-02;PO01;CPI;;02;;;;;;\n", part.join("\n")),
    )
    .unwrap();
    let r = did(&lake, &[extra]).unwrap();
    let rec = &r.caricati[0];
    assert_eq!((rec.letti, rec.accettati, rec.duplicati), (4, 1, 3));
    let truth_events = text.lines().skip(1).count() + 1;
    assert_eq!(one(&lake, "SELECT count(*) FROM did_eventi"), truth_events.to_string());
}
