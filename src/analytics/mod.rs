//! Analytics: an embedded DuckDB session with the lake's views (`lake::views`, from the SQL of
//! `sql/`), the named indicators of `sql/indicatori/` run through disclosure control
//! ([`indicators`]), the automatic coarsening of mobility matrices ([`coarsen`]), the shares over
//! a margin added after protection ([`shares`]), and the standard marts `oml build` commits with
//! the relationships ([`marts`]).

pub mod catalog;
mod cells;
pub mod coarsen;
mod cube;
mod headers;
pub mod indicators;
pub mod marts;
pub mod outcomes;
pub mod perimeter;
mod row;
pub mod shared;
pub mod shares;

use crate::lake::manifest::Manifest;
use crate::lake::Lake;
use anyhow::{bail, Context, Result};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use std::path::Path;

/// The DuckDB release OML is built and tested with (`duckdb` crate 1.10506.x; the prebuilt
/// library or the bundled build of the same release).
pub const DUCKDB_VERSION: &str = "v1.5.6";

/// Environment variable that caps DuckDB's memory (`OML_MEMORIA_DUCKDB=3GB`, DuckDB's units):
/// beyond it DuckDB spills to a temporary folder, or fails with its own error where an operator
/// cannot spill. Unset, DuckDB takes its default (80 % of the machine's memory).
pub const MEMORY_ENV: &str = "OML_MEMORIA_DUCKDB";

/// An in-memory DuckDB that never tries to download an extension: the ones OML needs
/// (Parquet, JSON) are built into the library; with [`MEMORY_ENV`] set, within that memory.
pub fn open_duckdb() -> Result<duckdb::Connection> {
    let conn = duckdb::Connection::open_in_memory().context("starting DuckDB")?;
    conn.execute_batch("SET autoinstall_known_extensions = false; SET autoload_known_extensions = false;")
        .context("configuring DuckDB")?;
    if let Some(limit) = std::env::var_os(MEMORY_ENV) {
        let limit = limit.to_string_lossy().replace('\'', "");
        // One folder per process: DuckDB names its spill files alike in every process.
        let spill = std::env::temp_dir().join(format!("oml-duckdb-{}", std::process::id()));
        conn.execute_batch(&format!(
            "SET memory_limit = '{limit}'; SET temp_directory = '{}';",
            spill.to_string_lossy().replace('\'', "''")
        ))
        .with_context(|| format!("{MEMORY_ENV}={limit}: not a DuckDB memory size (e.g. 3GB)"))?;
    }
    Ok(conn)
}

/// The stages of `misure_esiti` (sql/intermediate/), in order: each view reads the ones before
/// it. Kept one after the other (`Session::with_kept`), every join of a stage knows the exact size
/// of the stages it reads, so DuckDB builds its hash tables on the few rows that ask for a
/// relationship rather than on all the lake's relationships (docs/esiti.md, "Il calcolo").
pub const ESITI_STAGES: [&str; 4] = [
    "misure_ingressi_origini",
    "misure_ingressi",
    "misure_separazioni",
    "misure_rioccupazioni",
];

/// A costly source of the indicators, kept as temporary tables (`Session::with_kept`) while a
/// request reads it. Each view reads only variables that the indicator's `prepare` sets before
/// (`misure_esiti`: the esiti parameters), so a copy is the view for the whole request.
struct KeptSource {
    /// The `-- fonte:` of the files.
    source: &'static str,
    /// Kept whenever a file reads the source, even once: its stages, cheaper one by one.
    stages: &'static [&'static str],
    /// Kept when a file runs over the source more than once (once per subset of its breakdown:
    /// four times for two columns).
    repeated: &'static [&'static str],
    /// A boolean variable set false meanwhile: misure_esiti without the comparison pool, as the
    /// files read the entries only.
    off: Option<&'static str>,
}

const KEPT_SOURCES: [KeptSource; 3] = [
    KeptSource {
        source: "did_episodi",
        stages: &[],
        repeated: &["did_episodi", "did_periodi"],
        off: None,
    },
    KeptSource {
        source: "mobilita_iscrizioni",
        stages: &[],
        repeated: &["mobilita_iscrizioni"],
        off: None,
    },
    KeptSource {
        source: "misure_esiti",
        stages: &ESITI_STAGES,
        repeated: &["misure_esiti"],
        off: Some("oml_esiti_bacino"),
    },
];

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
        let sql = crate::lake::views::render(&manifest, Some(&base))?;
        conn.execute_batch(&sql).context("creating the lake views (sql/)")?;
        Ok(Session { conn })
    }

    /// Another connection to the same DuckDB: the same views and macros, its own variables
    /// and temporary tables. Queries of two connections run at once on DuckDB's threads (the
    /// bulletin computes its registers' sections beside the communications' ones).
    pub fn another(&self) -> Result<Session> {
        let conn = self.conn.try_clone().context("opening a second DuckDB connection")?;
        Ok(Session { conn })
    }

    /// Opens an in-memory DuckDB with views over a generation being built (`oml build` uses it
    /// to compute the marts before committing them with the relationships).
    pub fn open_generation(dir: &Path, manifest: &Manifest) -> Result<Session> {
        let conn = open_duckdb()?;
        let sql = crate::lake::views::render(manifest, Some(dir))?;
        conn.execute_batch(&sql).context("creating the views (sql/)")?;
        Ok(Session { conn })
    }

    /// Runs `work` with each of `views` computed once into a temporary table of the same name,
    /// which DuckDB resolves before the view (the temporary catalog comes first), then drops
    /// them, whatever `work` returns: several runs over one costly view (the bulletin's DID
    /// cubes over `did_episodi` and `did_periodi`, an indicator's runs per subset) compute it
    /// once. Only for views that no variable `work` sets changes. A view already kept by a
    /// caller stays as it is (and is not dropped here).
    pub fn with_kept<T>(&self, views: &[&str], work: impl FnOnce() -> Result<T>) -> Result<T> {
        let mut kept: Vec<&str> = Vec::new();
        for view in views {
            if !self.is_kept(view)? {
                if let Err(e) = self.keep(view) {
                    kept.iter().try_for_each(|v| self.forget(v))?;
                    return Err(e);
                }
                kept.push(view);
            }
        }
        let result = work();
        kept.iter().try_for_each(|v| self.forget(v))?;
        result
    }

    /// Runs `work`, which reads `source` `runs` times, with the views of `source` kept
    /// ([`Session::with_kept`]) when it is one of [`KEPT_SOURCES`]: its stages always, the rest
    /// when it is read more than once. Nothing when a caller keeps `source` already (the
    /// bulletin's `misure_esiti`, `outcomes::keep_computed`).
    pub fn with_source_kept<T>(&self, source: &str, runs: usize, work: impl FnOnce() -> Result<T>) -> Result<T> {
        let Some(kept) = KEPT_SOURCES.iter().find(|k| k.source == source) else {
            return work();
        };
        let mut views = self.stages_of(source)?.to_vec();
        if runs > 1 && !self.is_kept(source)? {
            views.extend(kept.repeated);
        }
        if views.is_empty() {
            return work();
        }
        if let Some(v) = kept.off {
            self.conn.execute_batch(&format!("SET VARIABLE {v} = false;"))?;
        }
        let result = self.with_kept(&views, work);
        if let Some(v) = kept.off {
            self.conn.execute_batch(&format!("RESET VARIABLE {v};"))?;
        }
        result
    }

    /// The stages to keep before reading `source` ([`KEPT_SOURCES`], e.g. [`ESITI_STAGES`]): none
    /// when `source` has none, or when a caller keeps `source` itself already (the bulletin's
    /// `misure_esiti`: its stages would be computed for nothing).
    pub fn stages_of(&self, source: &str) -> Result<&'static [&'static str]> {
        let stages = KEPT_SOURCES
            .iter()
            .find(|k| k.source == source)
            .map_or(&[][..], |k| k.stages);
        if stages.is_empty() || self.is_kept(source)? {
            return Ok(&[]);
        }
        Ok(stages)
    }

    /// Whether `view` is kept ([`Session::keep`]): a temporary table of its name exists.
    pub fn is_kept(&self, view: &str) -> Result<bool> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?",
            [view],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }

    /// The first half of [`Session::with_kept`]: `view` computed into a temporary table of its
    /// name, until [`Session::forget`].
    pub fn keep(&self, view: &str) -> Result<()> {
        self.forget(view)?;
        self.conn
            .execute_batch(&format!("CREATE TEMP TABLE {view} AS FROM {view};"))
            .with_context(|| format!("computing the view {view}"))
    }

    /// Drops the table of [`Session::keep`]: `view` is the view again.
    pub fn forget(&self, view: &str) -> Result<()> {
        Ok(self
            .conn
            .execute_batch(&format!("DROP TABLE IF EXISTS temp.main.{view};"))?)
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

    /// Sets the breakdown columns the indicator files group by (`oml_per()`).
    pub fn set_breakdown(&self, columns: &[&str]) -> Result<()> {
        let quoted: Vec<String> = columns.iter().map(|s| format!("'{}'", s.replace('\'', "''"))).collect();
        self.conn
            .execute_batch(&format!("SET VARIABLE oml_per = [{}]::VARCHAR[];", quoted.join(", ")))
            .context("setting the breakdown")
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
    use crate::lake::views::render_views;
    use crate::sql::{VIEWS_SQL, VIEW_FILES};

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
