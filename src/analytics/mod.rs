//! Analytics: an embedded DuckDB session with views on the lake, and query output.
//!
//! The views are defined once, in the files of `sql/` (see `sql/README.md`): DuckDB macros
//! (`sql/macros/`), then the views of the layers `sql/staging/`, `sql/intermediate/` and
//! `sql/marts/`. `build.rs` finds the files and embeds them, in that order, as one text
//! ([`VIEWS_SQL`]); the same text, rendered, is stored in the lake as `views.sql` for DuckDB
//! users. Each `{{dataset}}` placeholder becomes a `read_parquet` over the dataset's hive
//! partitions, or an empty relation of the right schema when the dataset has no file yet.

pub mod indicators;
pub mod marts;

use crate::lake::manifest::Manifest;
use crate::lake::Lake;
use anyhow::{bail, Context, Result};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use std::path::Path;

/// The files of `sql/`, found and embedded by `build.rs`.
mod sql_files {
    include!(concat!(env!("OUT_DIR"), "/sql_files.rs"));
}

/// The view definitions: `sql/header.sql`, then the files of `sql/macros/`, `sql/staging/`,
/// `sql/intermediate/` and `sql/marts/` (by name within each), each after a line naming it.
pub const VIEWS_SQL: &str = sql_files::VIEWS_SQL;

/// The files [`VIEWS_SQL`] is made of, in run order: path under `sql/`, text.
pub const VIEW_FILES: &[(&str, &str)] = sql_files::VIEW_FILES;

fn duck_type(t: &arrow::datatypes::DataType) -> &'static str {
    use arrow::datatypes::DataType as D;
    match t {
        D::Utf8 => "VARCHAR",
        D::Int64 => "BIGINT",
        D::Int32 => "INTEGER",
        D::Float64 => "DOUBLE",
        D::Boolean => "BOOLEAN",
        D::Date32 => "DATE",
        D::Timestamp(_, _) => "TIMESTAMP",
        _ => "VARCHAR",
    }
}

/// The relation a dataset placeholder stands for. `base` = None gives paths relative to the
/// lake folder (for the copy stored in the lake).
fn relation(manifest: &Manifest, dataset: &str, base: Option<&Path>) -> Result<String> {
    if manifest.files(dataset).is_empty() {
        let s = crate::lake::catalog::dataset_schema(dataset).with_context(|| format!("unknown dataset {dataset}"))?;
        let cols: Vec<String> = s
            .fields()
            .iter()
            .map(|f| format!("NULL::{} AS {}", duck_type(f.data_type()), f.name()))
            .chain(std::iter::once("NULL::INTEGER AS anno".to_string()))
            .collect();
        return Ok(format!("(SELECT {} WHERE false)", cols.join(", ")));
    }
    let dir = match base {
        Some(b) => b.join(dataset).to_string_lossy().into_owned(),
        None => dataset.to_string(),
    };
    Ok(format!(
        "read_parquet('{}/*/*.parquet', hive_partitioning = true, hive_types = {{'anno': INTEGER}})",
        dir.replace('\'', "''")
    ))
}

fn render(manifest: &Manifest, base: Option<&Path>) -> Result<String> {
    let mut sql = VIEWS_SQL.to_string();
    for ds in crate::lake::all_datasets() {
        sql = sql.replace(&format!("{{{{{ds}}}}}"), &relation(manifest, ds, base)?);
    }
    let date = |d: Option<&str>| match d.and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()) {
        Some(d) => format!("DATE '{d}'"),
        None => "NULL::DATE".to_string(),
    };
    let b = manifest.build.as_ref();
    sql = sql.replace("{{orizzonte}}", &date(b.map(|b| b.orizzonte.as_str())));
    sql = sql.replace("{{inizio_copertura}}", &date(b.map(|b| b.inizio_copertura.as_str())));
    Ok(sql)
}

/// The views with paths relative to the lake (stored as `<lake>/views.sql`).
pub fn render_views(manifest: &Manifest) -> Result<String> {
    render(manifest, None)
}

/// The DuckDB release OML is built and tested with (`duckdb` crate 1.10506.x; the prebuilt
/// library or the bundled build of the same release).
pub const DUCKDB_VERSION: &str = "v1.5.6";

/// An in-memory DuckDB that never tries to download an extension: the ones OML needs
/// (Parquet, JSON) are built into the library.
pub fn open_duckdb() -> Result<duckdb::Connection> {
    let conn = duckdb::Connection::open_in_memory().context("starting DuckDB")?;
    conn.execute_batch("SET autoinstall_known_extensions = false; SET autoload_known_extensions = false;")
        .context("configuring DuckDB")?;
    Ok(conn)
}

/// A DuckDB session over a lake.
pub struct Session {
    pub conn: duckdb::Connection,
}

impl Session {
    /// Opens an in-memory DuckDB with the lake's views (an empty lake gives empty views).
    pub fn open(lake: &Lake) -> Result<Session> {
        let conn = open_duckdb()?;
        let manifest = lake.manifest()?;
        let base = std::fs::canonicalize(&lake.root).unwrap_or_else(|_| lake.root.clone());
        let sql = render(&manifest, Some(&base))?;
        conn.execute_batch(&sql).context("creating the lake views (sql/)")?;
        Ok(Session { conn })
    }

    /// Opens an in-memory DuckDB with views over a generation being built (`oml build` uses it
    /// to compute the marts before committing them with the relationships).
    pub fn open_generation(dir: &Path, manifest: &Manifest) -> Result<Session> {
        let conn = open_duckdb()?;
        let sql = render(manifest, Some(dir))?;
        conn.execute_batch(&sql).context("creating the views (sql/)")?;
        Ok(Session { conn })
    }

    /// Runs a query typed by a user (`oml sql`): only reading statements are allowed, so the
    /// lake can be queried but never written through OML (no `COPY … TO`, `ATTACH`,
    /// `CREATE`, `INSTALL`, `SET`, …). The check is DuckDB's own parser: every statement of
    /// the text must serialise as a `SELECT` (`json_serialize_sql`), or start with
    /// `DESCRIBE`, `SHOW` or `SUMMARIZE` followed by a name or a `SELECT`.
    pub fn query_read_only(&self, sql: &str) -> Result<(SchemaRef, Vec<RecordBatch>)> {
        let trimmed = sql.trim_start();
        let first = trimmed
            .split(|c: char| c.is_whitespace() || c == '(')
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let checked = if matches!(first.as_str(), "DESCRIBE" | "SHOW" | "SUMMARIZE") {
            let rest = trimmed[first.len()..].trim();
            // A name (`DESCRIBE co_eventi`), or a query that must itself be a SELECT.
            if rest
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '"')
            {
                String::from("SELECT 1")
            } else {
                rest.to_string()
            }
        } else {
            sql.to_string()
        };
        let verdict: String = self
            .conn
            .query_row(
                "SELECT CASE WHEN (j->>'error')::BOOLEAN THEN coalesce(j->>'error_message', 'error') ELSE '' END
                 FROM (SELECT json_serialize_sql(?::VARCHAR)::JSON AS j)",
                [&checked],
                |r| r.get(0),
            )
            .context("checking the query")?;
        if !verdict.is_empty() {
            bail!(
                "oml sql runs queries that read (SELECT, WITH … SELECT, DESCRIBE, SHOW, SUMMARIZE); \
                 the lake is written only by oml ingest and oml build. DuckDB says: {verdict}"
            );
        }
        let locked: bool = self
            .conn
            .query_row("SELECT current_setting('lock_configuration')", [], |r| r.get(0))
            .context("reading the session's settings")?;
        if !locked {
            self.conn
                .execute_batch("SET lock_configuration = true;")
                .context("locking the session's settings")?;
        }
        self.query(sql)
    }

    /// Runs a query and returns its result as Arrow record batches.
    pub fn query(&self, sql: &str) -> Result<(SchemaRef, Vec<RecordBatch>)> {
        let mut stmt = self
            .conn
            .prepare(sql)
            .with_context(|| "preparing the query".to_string())?;
        let arrow = stmt.query_arrow([]).context("running the query")?;
        let schema = arrow.get_schema();
        let batches: Vec<RecordBatch> = arrow.collect();
        Ok((schema, batches))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The files of sql/ follow sql/README.md: the layers in run order; a macro file defines
    /// `oml_` macros only; a view file defines one view, named as the file (after an optional
    /// numeric prefix). Every lake dataset
    /// has its view, and rendering leaves no placeholder: the text runs in a plain DuckDB.
    #[test]
    fn sql_files_follow_the_layout_and_render_for_duckdb() {
        let layers = ["macros", "staging", "intermediate", "marts"];
        let mut last = 0;
        for (path, text) in VIEW_FILES {
            let (layer, file) = path.split_once('/').unwrap();
            let i = layers.iter().position(|l| *l == layer).unwrap();
            assert!(i >= last, "{path} runs after a later layer");
            last = i;
            assert!(VIEWS_SQL.contains(&format!("-- sql/{path}\n{text}")), "{path}");
            let creates: Vec<&str> = text.lines().filter(|l| l.starts_with("CREATE")).collect();
            if layer == "macros" {
                assert!(!creates.is_empty(), "{path}");
                for c in creates {
                    assert!(c.starts_with("CREATE OR REPLACE MACRO oml_"), "{path}: {c}");
                }
            } else {
                // The view's name, after an optional ordering prefix (`10_`).
                let stem = file.strip_suffix(".sql").unwrap();
                let name = stem
                    .split_once('_')
                    .filter(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                    .map_or(stem, |(_, rest)| rest);
                let view = format!("CREATE OR REPLACE VIEW {name} AS");
                assert!(
                    creates.len() == 1 && creates[0].starts_with(&view),
                    "{path}: {creates:?}"
                );
            }
        }
        for ds in crate::lake::all_datasets() {
            let staged = VIEW_FILES
                .iter()
                .any(|(_, text)| text.contains(&format!("CREATE OR REPLACE VIEW {ds} AS SELECT * FROM {{{{{ds}}}}};")));
            assert!(staged, "no view over the dataset {ds}");
        }
        let sql = render_views(&Manifest::default()).unwrap();
        assert!(!sql.replace("{{dataset}}", "").contains("{{"), "a placeholder is left");
        open_duckdb().unwrap().execute_batch(&sql).unwrap();
    }

    /// The linked library is the pinned release, with Parquet and JSON built in and loaded
    /// (nothing to download at run time).
    #[test]
    fn duckdb_is_the_pinned_release_with_its_extensions() {
        let conn = open_duckdb().unwrap();
        let version: String = conn.query_row("SELECT version()", [], |r| r.get(0)).unwrap();
        assert_eq!(version, DUCKDB_VERSION);
        for ext in ["parquet", "json"] {
            let loaded: bool = conn
                .query_row(
                    "SELECT loaded FROM duckdb_extensions() WHERE extension_name = ?",
                    [ext],
                    |r| r.get(0),
                )
                .unwrap();
            assert!(loaded, "{ext} is built in and loaded");
        }
        // Parquet and JSON work offline.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.parquet");
        conn.execute_batch(&format!(
            "COPY (SELECT 42 AS x, '{{\"a\": 1}}'::JSON AS j) TO '{}' (FORMAT parquet);",
            p.display()
        ))
        .unwrap();
        let (x, a): (i64, i64) = conn
            .query_row(
                &format!("SELECT x, j->>'a' FROM read_parquet('{}')", p.display()),
                [],
                |r| Ok((r.get(0)?, r.get::<_, String>(1)?.parse().unwrap())),
            )
            .unwrap();
        assert_eq!((x, a), (42, 1));
    }
}
