//! `oml catalog`: the DuckDB database file of the lake's views, every view and column described
//! from the data dictionary (`reference/oml/dizionario.csv`), opened as a researcher opens it.

use crate::build_indicators::built_synthetic;
use oml::reference::Reference;
use std::collections::BTreeSet;
use std::path::Path;

/// The views and their columns of a catalog, opened with the embedded DuckDB from its folder.
fn views_and_columns(file: &Path) -> Vec<(String, String, Option<String>, Option<String>)> {
    let conn = duckdb::Connection::open(file).unwrap();
    conn.execute_batch(&format!(
        "SET file_search_path = '{}'",
        file.parent().unwrap().to_string_lossy()
    ))
    .unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT v.view_name, c.column_name, v.comment, c.comment FROM duckdb_views() v \
             JOIN duckdb_columns() c ON c.table_oid = v.view_oid WHERE NOT v.internal ORDER BY 1, c.column_index",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// A catalog of the shared synthetic lake, in a folder of its own outside the lake (the paths
/// from there to the lake are relative), written once.
fn catalog() -> &'static Path {
    static CAT: std::sync::OnceLock<(tempfile::TempDir, std::path::PathBuf)> = std::sync::OnceLock::new();
    &CAT.get_or_init(|| {
        let d = tempfile::Builder::new().prefix("oml-catalog-").tempdir().unwrap();
        let file = d.path().join("oml.duckdb");
        let c = oml::analytics::catalog::write(built_synthetic(), &file).unwrap();
        assert!(c.undescribed.is_empty(), "without a description: {:?}", c.undescribed);
        assert!(c.views >= 30 && c.columns >= 900, "{c:?}");
        (d, file)
    })
    .1
}

#[test]
fn every_view_and_column_of_the_catalog_has_its_description_and_every_view_answers() {
    let file = catalog();
    let rows = views_and_columns(file);
    for (view, column, vc, cc) in &rows {
        assert!(
            vc.as_deref().is_some_and(|c| !c.is_empty()),
            "view {view} without a comment"
        );
        let want = Reference::get().descrizione_colonna(view, column);
        assert_eq!(cc.as_deref(), want, "{view}.{column}");
    }
    // Every view answers, from the catalog's own folder, through relative paths only.
    let conn = duckdb::Connection::open(file).unwrap();
    conn.execute_batch(&format!(
        "SET file_search_path = '{}'",
        file.parent().unwrap().to_string_lossy()
    ))
    .unwrap();
    let views: BTreeSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    for v in &views {
        conn.prepare(&format!("SELECT * FROM \"{v}\" LIMIT 1"))
            .and_then(|mut s| s.query([]).map(|_| ()))
            .unwrap_or_else(|e| panic!("{v}: {e}"));
    }
    let root = std::fs::canonicalize(&built_synthetic().root).unwrap();
    let sql: Vec<String> = conn
        .prepare("SELECT sql FROM duckdb_views() WHERE NOT internal")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(sql.iter().any(|s| s.contains("read_parquet('")));
    assert!(
        sql.iter().all(|s| !s.contains(&*root.to_string_lossy())),
        "a view names the lake by its absolute path"
    );
}

#[test]
fn every_row_of_the_dictionary_names_a_view_or_column_of_the_lake() {
    // A renamed or dropped view or column leaves no stale description behind.
    let rows = views_and_columns(catalog());
    let views: BTreeSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let columns: BTreeSet<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    let pairs: BTreeSet<(&str, &str)> = rows.iter().map(|r| (r.0.as_str(), r.1.as_str())).collect();
    for voce in Reference::get().voci_dizionario() {
        let ok = match voce {
            (Some(v), None) => views.contains(v),
            (None, Some(c)) => columns.contains(c),
            (Some(v), Some(c)) => pairs.contains(&(v, c)),
            (None, None) => false,
        };
        assert!(ok, "reference/oml/dizionario.csv: {voce:?} is not in the lake's views");
    }
}

/// The catalog opens in the Python `duckdb` package of the pinned release and of the newest one
/// (`OML_PYDUCKDB`, as in `python_duckdb_runs_the_views_and_indicators`), from its folder: every
/// view answers and every view and column has its comment.
#[test]
fn the_catalog_opens_in_python_duckdb() {
    let dirs = crate::python_duckdb_dirs("the_catalog_opens_in_python_duckdb");
    let file = catalog();
    let n_views = views_and_columns(file)
        .iter()
        .map(|r| r.0.clone())
        .collect::<BTreeSet<_>>()
        .len();
    for dir in &dirs {
        let v = crate::python_duckdb(dir, "catalogo.py", &[&file.to_string_lossy()]);
        let version = v["version"].as_str().unwrap();
        assert_eq!(v["answers"].as_object().unwrap().len(), n_views, "duckdb {version}");
        assert_eq!(v["answers"]["rapporti"], 1, "duckdb {version}");
        assert_eq!(v["no_view_comment"].as_array().unwrap().len(), 0, "duckdb {version}");
        assert_eq!(v["no_column_comment"].as_array().unwrap().len(), 0, "duckdb {version}");
        eprintln!("python duckdb {version}: the catalog's {n_views} views answer, all described");
    }
}

/// `docs/colonne.md` is the Markdown dictionary `oml catalog --dizionario` writes for this lake:
/// a description or a column changed without it fails here. To write it again:
/// `OML_SCRIVI_DIZIONARIO=1 cargo test --release --test integration catalogo`.
#[test]
fn docs_colonne_md_is_the_dictionary_the_catalog_generates() {
    let generated = oml::analytics::catalog::markdown(catalog()).unwrap();
    let path = Path::new("docs/colonne.md");
    if std::env::var_os("OML_SCRIVI_DIZIONARIO").is_some() {
        std::fs::write(path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/colonne.md differs from what `oml catalog --dizionario` generates: write it again with \
         OML_SCRIVI_DIZIONARIO=1 cargo test --release --test integration catalogo"
    );
    // Every view of the lake has its section, every column its row.
    let rows = views_and_columns(catalog());
    let views: BTreeSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(committed.matches("\n## `").count(), views.len());
    assert_eq!(committed.lines().filter(|l| l.starts_with("| `")).count(), rows.len());
}

#[test]
fn oml_catalog_writes_the_file_and_the_dictionary_and_refuses_a_lake_not_built() {
    let d = tempfile::Builder::new().prefix("oml-catalog-cli-").tempdir().unwrap();
    let lake = std::fs::canonicalize(&built_synthetic().root).unwrap();
    let (out, md) = (d.path().join("oml.duckdb"), d.path().join("colonne.md"));
    let (ok, stdout, err) = crate::oml(
        &[
            "--lake",
            &lake.to_string_lossy(),
            "catalog",
            "--out",
            &out.to_string_lossy(),
            "--dizionario",
            &md.to_string_lossy(),
        ],
        d.path(),
        &[],
    );
    assert!(ok, "{err}");
    assert!(stdout.contains("ognuna con la sua descrizione"), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(&md).unwrap(),
        oml::analytics::catalog::markdown(&out).unwrap()
    );
    // An empty folder is not a lake: the exit code says so (3), and no file is left behind.
    let empty = d.path().join("vuoto");
    std::fs::create_dir(&empty).unwrap();
    let (ok, _, err) = crate::oml(&["--lake", "vuoto", "catalog"], d.path(), &[]);
    assert!(!ok, "{err}");
    assert!(!empty.join("oml.duckdb").exists());
}

/// The column tables of `docs/dizionario.md` (its blocks `<!-- colonne: VIEW -->`) are those the
/// catalog generates; the prose around them is written by hand.
#[test]
fn the_column_tables_of_docs_dizionario_md_are_generated() {
    let path = Path::new("docs/dizionario.md");
    let mut committed = std::fs::read_to_string(path).unwrap();
    let generated = oml::analytics::catalog::fill_blocks(&committed, catalog()).unwrap();
    if std::env::var_os("OML_SCRIVI_DIZIONARIO").is_some() {
        std::fs::write(path, &generated).unwrap();
        committed.clone_from(&generated);
    }
    assert!(
        committed == generated,
        "the column tables of docs/dizionario.md differ from the catalog's: write them again with \
         OML_SCRIVI_DIZIONARIO=1 cargo test --release --test integration catalogo"
    );
    assert!(committed.matches("<!-- colonne: ").count() >= 7);
}

/// The reasons of the quarantine table in `docs/dizionario.md` are the validation's, all of them
/// and no other (`oml::quality::Motivo`).
#[test]
fn the_quarantine_reasons_of_docs_dizionario_md_are_the_validations() {
    let text = std::fs::read_to_string("docs/dizionario.md").unwrap();
    let start = text.find("| motivo | quando |").expect("the reasons' table");
    let documented: BTreeSet<String> = text[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .flat_map(|l| {
            let first = l.split('|').nth(1).unwrap_or_default();
            first
                .split('`')
                .enumerate()
                .filter(|(i, _)| i % 2 == 1)
                .map(|(_, c)| c.to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    let codes: BTreeSet<String> = oml::quality::Motivo::ALL.iter().map(|m| m.code().to_string()).collect();
    assert_eq!(documented, codes);
}
