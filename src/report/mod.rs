//! Reports for analysts: query results as files that open in their everyday tools.
//!
//! `xlsx` writes Arrow record batches as an Excel workbook (one worksheet per result), with
//! numbers and dates as real numeric cells, without any dependency beyond `zip`.

pub mod xlsx;

pub use xlsx::{write_xlsx, write_xlsx_to, Sheet};
