//! The lake's DuckDB views: the SQL of `sql/` (`crate::sql`) with each `{{dataset}}`
//! placeholder replaced by a `read_parquet` over the dataset's hive partitions, or by an empty
//! relation of the right schema (`catalog`) when the dataset has no file yet, and the build's
//! horizon and coverage start filled in, and the two reference lookups the views of records
//! without a comune need rendered from the code lists (`{{area_cittadinanza}}`: citizenship area
//! of a code at a date; `{{cpi_territorio}}`: province and region of each CPI). A copy with paths relative to the lake is committed in
//! every generation as `views.sql` (`duckdb -init views.sql`); sessions render it with absolute
//! paths.

use super::catalog;
use super::manifest::Manifest;
use super::schema;
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
    // The ingested communications accumulate files of every schema version: read by name, a
    // column an older file lacks is NULL (lake::schema::ADDED_IN_2).
    let by_name = if matches!(dataset, schema::CO_EVENTI | schema::CO_SUPERATI | schema::CO_IN_ATTESA) {
        ", union_by_name = true"
    } else {
        ""
    };
    Ok(format!(
        "read_parquet('{}/*/*.parquet', hive_partitioning = true, hive_types = {{'anno': INTEGER}}{by_name})",
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
    sql = sql.replace("{{area_cittadinanza}}", &area_cittadinanza_sql());
    sql = sql.replace("{{cpi_territorio}}", &cpi_territorio_sql());
    sql = sql.replace("{{comuni_territorio}}", &comuni_territorio_sql());
    sql = sql.replace("{{gruppo_causa}}", &gruppo_causa_sql());
    Ok(sql)
}

fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The citizenship area of `codice` (3-digit Ministry code) at `data`, as a SQL expression over
/// the macro's parameters: the ANPAL list's area of each code, with the dated EU memberships of
/// `reference/oml/cittadinanze_ue.csv` (the rule of `Cittadinanza::area_at`, which the CO apply
/// at ingest); NULL for a missing or unknown code.
fn area_cittadinanza_sql() -> String {
    use crate::reference::{AreaCittadinanza, Reference};
    let r = Reference::get();
    let day = |d: chrono::NaiveDate| format!("DATE '{d}'");
    let mut sql = String::from("CASE WHEN codice IS NULL THEN NULL");
    let dated = r.periodi_ue();
    for (code, ue) in &dated {
        let mut inside = vec!["true".to_string()];
        inside.extend(ue.from.map(|f| format!("data >= {}", day(f))));
        inside.extend(ue.to.map(|t| format!("data <= {}", day(t))));
        sql.push_str(&format!(
            " WHEN codice = {} THEN CASE WHEN {} THEN 'UE' ELSE 'EXTRA_UE' END",
            quoted(code),
            inside.join(" AND ")
        ));
    }
    for area in [
        AreaCittadinanza::Italia,
        AreaCittadinanza::Ue,
        AreaCittadinanza::ExtraUe,
        AreaCittadinanza::Apolide,
    ] {
        let codes: Vec<String> = r
            .cittadinanze()
            .iter()
            .filter(|c| c.area == area && !dated.iter().any(|(d, _)| *d == c.codice))
            .map(|c| quoted(&c.codice))
            .collect();
        if !codes.is_empty() {
            sql.push_str(&format!(
                " WHEN codice IN ({}) THEN '{}'",
                codes.join(", "),
                area.code()
            ));
        }
    }
    sql.push_str(" END");
    sql
}

/// The `WHEN` branches of the Ministry's group of each causa di cessazione code
/// (`reference/oml/cause_cessazione.csv`, column `gruppo_ministero`), over the parameter `codice`.
fn gruppo_causa_sql() -> String {
    use crate::reference::{Reference, GRUPPI_MINISTERO};
    let cause = Reference::get().cause_cessazione();
    GRUPPI_MINISTERO
        .iter()
        .filter_map(|g| {
            let codes: Vec<String> = cause
                .iter()
                .filter(|c| c.gruppo_ministero == *g)
                .map(|c| quoted(&c.codice))
                .collect();
            (!codes.is_empty()).then(|| format!("WHEN codice IN ({}) THEN '{g}'", codes.join(", ")))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The rows `(cpi, provincia, regione)` of every CPI code a record may carry: the CPIs of
/// `reference/oml/cpi_comuni.csv` with the province of their comuni, and `PRV-<sigla>` of every
/// province (the code of a comune outside the table), as a SQL VALUES list; provincia is the
/// sigla, regione the ISTAT region code, as in the CO views.
fn cpi_territorio_sql() -> String {
    use crate::reference::Reference;
    let r = Reference::get();
    let row = |cpi: &str, p: &crate::reference::Provincia| {
        format!("({}, {}, {})", quoted(cpi), quoted(&p.sigla), quoted(&p.regione_istat))
    };
    let mut rows: Vec<String> = r.cpi_province().into_iter().map(|(c, p)| row(&c.codice, p)).collect();
    rows.extend(
        r.province()
            .iter()
            .filter(|p| !p.sigla.is_empty())
            .map(|p| row(&format!("PRV-{}", p.sigla), p)),
    );
    rows.join(", ")
}

/// The rows `comune,provincia,regione,cpi` of every comune a record's domicile may carry
/// (current and suppressed, by ISTAT code as the CO store it), with the territory the ingest
/// gives a workplace in that comune, joined by `;` into one SQL text literal (an empty field is
/// unknown); codes only, so no quote or separator inside a field.
fn comuni_territorio_sql() -> String {
    use crate::reference::Reference;
    let r = Reference::get();
    let mut seen = std::collections::HashSet::new();
    r.comuni()
        .iter()
        .chain(r.comuni_soppressi())
        .filter(|c| !c.istat.is_empty() && seen.insert(c.istat.as_str()))
        .filter_map(|c| r.comune_by_istat(&c.istat))
        .map(|c| {
            format!(
                "{},{},{},{}",
                c.istat,
                c.sigla,
                c.regione_istat,
                r.cpi_code_or_province(c)
            )
        })
        .filter(|row| !row.contains(['\'', ';']) && row.matches(',').count() == 3)
        .collect::<Vec<_>>()
        .join(";")
}

/// The views with paths relative to the lake (stored as `<lake>/views.sql`).
pub fn render_views(manifest: &Manifest) -> Result<String> {
    render(manifest, None)
}
