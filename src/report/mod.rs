//! Reports for analysts: query results and bulletins as files that open in their everyday tools.
//!
//! - `export` writes query results as a terminal table, CSV, JSON, Parquet or XLSX;
//! - `status` prints the ingest, build and lake status texts;
//! - `xlsx` writes Arrow record batches as an Excel workbook (one worksheet per result), with
//!   numbers and dates as real numeric cells (the SpreadsheetML is `rust_xlsxwriter`'s);
//! - `format` writes numbers and periods the Italian way (1.234,5; "gen 2024");
//! - `seasonal` adjusts monthly series (X-11-style moving averages);
//! - `charts` draws PNG and SVG charts with plotters and an embedded font, one file per kind of
//!   chart (lines, bars, pyramid, heatmap) over a shared theme, axis and layout;
//! - `bulletin` assembles the provincial bulletin from the indicators, one file per section, and
//!   writes its HTML and Markdown from the templates of `templates/bulletin/` (minijinja).

pub mod bulletin;
pub mod charts;
pub mod export;
pub mod format;
pub mod pubblico;
pub mod seasonal;
pub mod status;
pub mod xlsx;

pub use xlsx::{write_xlsx, write_xlsx_to, Sheet};
