//! The SQL of `sql/` (see `sql/README.md`), found and embedded by `build.rs`: the views of the
//! lake in their layers (macros, staging, intermediate, marts) and the indicators. Data, not
//! code: the lake renders the views from it (`lake::views`), analytics runs the indicators.

/// The generated file (`$OUT_DIR/sql_files.rs`).
mod sql_files {
    include!(concat!(env!("OUT_DIR"), "/sql_files.rs"));
}

/// The view definitions: `sql/header.sql`, then the files of `sql/macros/`, `sql/staging/`,
/// `sql/intermediate/` and `sql/marts/` (by name within each), each after a line naming it.
pub const VIEWS_SQL: &str = sql_files::VIEWS_SQL;

/// The files [`VIEWS_SQL`] is made of, in run order: path under `sql/`, text.
pub const VIEW_FILES: &[(&str, &str)] = sql_files::VIEW_FILES;

/// The indicators: `sql/indicatori/NAME.sql`, as (name, text).
pub const INDICATOR_FILES: &[(&str, &str)] = sql_files::INDICATOR_FILES;
