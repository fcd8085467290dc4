//! The lake's DuckDB views: the SQL of `sql/` (`crate::sql`) with each `{{dataset}}`
//! placeholder replaced by a `read_parquet` over the dataset's hive partitions, or by an empty
//! relation of the right schema (`catalog`) when the dataset has no file yet, and the build's
//! horizon and coverage start filled in. A copy with paths relative to the lake is committed in
//! every generation as `views.sql` (`duckdb -init views.sql`); sessions render it with absolute
//! paths.

use super::catalog;
use super::manifest::Manifest;
use crate::sql::VIEWS_SQL;
use anyhow::{Context, Result};
use std::path::Path;

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
        let s = catalog::dataset_schema(dataset).with_context(|| format!("unknown dataset {dataset}"))?;
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

/// The views with paths under `base` (absolute, for a session), or relative to the lake folder
/// when `base` is None.
pub fn render(manifest: &Manifest, base: Option<&Path>) -> Result<String> {
    let mut sql = VIEWS_SQL.to_string();
    for ds in catalog::all_datasets() {
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
