//! XLSX workbooks from Arrow record batches, written with `rust_xlsxwriter`.
//!
//! One [`Sheet`] per query result. What this module adds to the crate is the mapping from
//! Arrow types to Excel cells and the sheet layout; the SpreadsheetML, the zip and the
//! styles are `rust_xlsxwriter`'s.
//!
//! - Numbers are numeric cells: integers with the format `#,##0`, floats and decimals
//!   `#,##0.0##` (Excel shows the separators of the user's locale: an Italian Excel shows
//!   1.234,5). Excel holds every number as a double: integers beyond 2^53 lose their last
//!   digits there as in any spreadsheet.
//! - Dates are date serials formatted `dd/mm/yyyy`, timestamps `dd/mm/yyyy hh:mm`; dates
//!   outside Excel's range 1900-03-01 ..= 9999-12-31 are written as text `dd/mm/yyyy`.
//!   Timestamps with a time zone show the wall-clock time of that zone; only UTC and fixed
//!   offsets (`+01:00`) are understood (Arrow is built without the time-zone database): a
//!   named zone such as `Europe/Rome` is an error, to be cast away in the query.
//! - Booleans are booleans; strings lose the characters XML 1.0 forbids and are cut to
//!   Excel's 32,767 characters per cell; nulls, NaN and infinities leave the cell empty; any
//!   other Arrow type is written as the text of Arrow's display.
//!
//! Layout of a worksheet: optional title in A1 (bold) and a blank row; the column header
//! (bold, frozen, with an autofilter over header and data); the data; a blank row and the
//! notes (italic), one per row. Column widths are estimated from the header and the first
//! [`WIDTH_SAMPLE_ROWS`] rows. Sheet names are made valid for Excel (at most 31 characters,
//! none of `[]:*?/\`, unique ignoring case).
//!
//! Rows are streamed to a temporary file per sheet (`rust_xlsxwriter`'s low-memory mode):
//! memory holds the distinct strings, not the rows. At most [`MAX_ROWS`] rows (title,
//! header, data and notes together) and [`MAX_COLS`] columns per sheet: more is an error,
//! raised before anything is written. The output is deterministic (fixed document date and
//! zip timestamps), and [`write_xlsx`] replaces its file atomically.

use std::collections::HashSet;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{bail, Context, Result};
use arrow::array::{Array, ArrayRef, AsArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Date32Type, Float64Type, Int64Type, TimeUnit};
use arrow::record_batch::RecordBatch;
use arrow::util::display::{ArrayFormatter, FormatOptions};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet};

/// Excel's row limit per worksheet.
pub const MAX_ROWS: usize = 1_048_576;
/// Excel's column limit per worksheet (XFD).
pub const MAX_COLS: usize = 16_384;
/// Rows (from the first) looked at to estimate column widths.
pub const WIDTH_SAMPLE_ROWS: usize = 10_000;
/// Excel's limit on the characters (UTF-16 units) of a cell.
const MAX_CELL_CHARS: usize = 32_767;
/// Excel's limit on the characters of a sheet name.
const MAX_SHEET_NAME: usize = 31;
const MIN_WIDTH: usize = 8;
const MAX_WIDTH: usize = 60;
/// Serial of 1970-01-01 with Excel's 1899-12-30 epoch.
const UNIX_EPOCH_SERIAL: i64 = 25_569;
/// 1900-03-01: from here on the 1899-12-30 epoch gives Excel's serials.
const FIRST_SERIAL: i64 = 61;
/// 9999-12-31, the last day Excel knows.
const LAST_SERIAL: i64 = 2_958_465;
const SECONDS_PER_DAY: i64 = 86_400;

const FMT_INT: &str = "#,##0";
const FMT_FLOAT: &str = "#,##0.0##";
const FMT_DATE: &str = "dd/mm/yyyy";
const FMT_DATETIME: &str = "dd/mm/yyyy hh:mm";

/// One worksheet: a name and the query result to put in it.
///
/// All batches must have the same column types; the header comes from the first batch's
/// schema. A sheet without batches has no header (only the title and notes, if any).
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    /// Sheet name; made valid for Excel by [`write_xlsx`].
    pub name: String,
    pub batches: Vec<RecordBatch>,
    /// Written in A1 (bold), followed by a blank row.
    pub title: Option<String>,
    /// Written below the data after a blank row, one per row (source, legend, …).
    pub notes: Vec<String>,
}

impl Sheet {
    pub fn new(name: impl Into<String>, batches: Vec<RecordBatch>) -> Self {
        Sheet {
            name: name.into(),
            batches,
            title: None,
            notes: Vec::new(),
        }
    }

    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }
}

/// Writes a workbook atomically: a temporary file in the same folder, renamed over `path`
/// once complete. Everything is validated before the temporary file is created.
pub fn write_xlsx(path: &Path, sheets: &[Sheet]) -> Result<()> {
    let plans = plan_workbook(sheets)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let file_name = path
        .file_name()
        .with_context(|| format!("{} has no file name", path.display()))?;
    let prefix = format!(".{}.", file_name.to_string_lossy());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Like any new file (subject to the umask), not the 0600 of temporary files.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    {
        let mut out = BufWriter::with_capacity(1 << 20, tmp.as_file_mut());
        write_planned(&mut out, &plans).with_context(|| format!("writing {}", path.display()))?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()
            .with_context(|| format!("syncing {}", tmp.path().display()))?;
    }
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("renaming the workbook to {}", path.display()))?;
    Ok(())
}

/// Writes a workbook into any writer (a file, a `Vec<u8>`) and returns it.
pub fn write_xlsx_to<W: Write + Send>(mut out: W, sheets: &[Sheet]) -> Result<W> {
    let plans = plan_workbook(sheets)?;
    write_planned(&mut out, &plans)?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Planning: names, columns, row positions, limits.

/// How the values of a column become cells.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// Numbers shown as integers (`#,##0`).
    Int,
    /// Numbers shown with decimals (`#,##0.0##`).
    Float,
    /// Single-precision floats, written in their own shortest decimal form.
    Float32,
    Bool,
    Text,
    Date,
    /// Timestamps in `unit`, plus `offset` seconds to reach the zone's wall-clock time.
    Timestamp {
        unit: TimeUnit,
        offset: i64,
    },
    /// Arrow's display.
    Display,
}

struct ColumnPlan {
    name: String,
    kind: Kind,
}

struct SheetPlan<'a> {
    sheet: &'a Sheet,
    name: String,
    columns: Vec<ColumnPlan>,
    data_rows: usize,
    /// 1-based row of the header, if the sheet has columns.
    header_row: Option<usize>,
    /// 1-based row of the first note.
    notes_row: usize,
    /// 1-based last row written (0: empty sheet).
    last_row: usize,
}

fn plan_workbook(sheets: &[Sheet]) -> Result<Vec<SheetPlan<'_>>> {
    if sheets.is_empty() {
        bail!("a workbook needs at least one sheet");
    }
    let names = sheet_names(sheets.iter().map(|s| s.name.as_str()));
    sheets
        .iter()
        .zip(names)
        .map(|(sheet, name)| plan_sheet(sheet, name))
        .collect()
}

fn plan_sheet(sheet: &Sheet, name: String) -> Result<SheetPlan<'_>> {
    let mut columns = Vec::new();
    if let Some(first) = sheet.batches.first() {
        let schema = first.schema();
        if schema.fields().len() > MAX_COLS {
            bail!(
                "sheet '{name}': {} columns, more than Excel's limit of {MAX_COLS}",
                schema.fields().len()
            );
        }
        let types = |b: &RecordBatch| {
            b.schema()
                .fields()
                .iter()
                .map(|f| f.data_type().clone())
                .collect::<Vec<_>>()
        };
        let first_types = types(first);
        for (k, batch) in sheet.batches.iter().enumerate().skip(1) {
            if types(batch) != first_types {
                bail!(
                    "sheet '{name}': batch {k} has column types {:?}, the first batch {first_types:?}",
                    types(batch)
                );
            }
        }
        for field in schema.fields() {
            let kind = kind(field.data_type()).with_context(|| format!("sheet '{name}', column '{}'", field.name()))?;
            columns.push(ColumnPlan {
                name: field.name().clone(),
                kind,
            });
        }
    }
    let data_rows: usize = sheet.batches.iter().map(|b| b.num_rows()).sum();
    let top = if sheet.title.is_some() { 3 } else { 1 };
    let header_row = (!columns.is_empty()).then_some(top);
    let notes_row = match header_row {
        Some(h) => h + data_rows + 2,
        None => top,
    };
    let last_row = if !sheet.notes.is_empty() {
        notes_row + sheet.notes.len() - 1
    } else if let Some(h) = header_row {
        h + data_rows
    } else if sheet.title.is_some() {
        1
    } else {
        0
    };
    if last_row > MAX_ROWS {
        bail!(
            "sheet '{name}' needs {last_row} rows ({data_rows} of data), more than Excel's limit of {MAX_ROWS} rows \
             per sheet: split the result over several sheets or files"
        );
    }
    Ok(SheetPlan {
        sheet,
        name,
        columns,
        data_rows,
        header_row,
        notes_row,
        last_row,
    })
}

fn kind(dt: &DataType) -> Result<Kind> {
    Ok(match dt {
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64 => Kind::Int,
        DataType::Float16 | DataType::Float32 => Kind::Float32,
        DataType::Float64 => Kind::Float,
        DataType::Decimal32(_, s)
        | DataType::Decimal64(_, s)
        | DataType::Decimal128(_, s)
        | DataType::Decimal256(_, s) => {
            if *s > 0 {
                Kind::Float
            } else {
                Kind::Int
            }
        }
        DataType::Boolean => Kind::Bool,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Kind::Text,
        DataType::Date32 | DataType::Date64 => Kind::Date,
        DataType::Timestamp(unit, tz) => {
            let offset = match tz {
                Some(tz) => parse_tz(tz).with_context(|| {
                    format!(
                        "time zone '{tz}' is not supported (only UTC and fixed offsets such as +01:00): convert the \
                         timestamps to local time without a zone in the query"
                    )
                })?,
                None => 0,
            };
            Kind::Timestamp { unit: *unit, offset }
        }
        DataType::Dictionary(_, v) => kind(v)?,
        _ => Kind::Display,
    })
}

/// UTC and fixed offsets `+HH:MM`, `+HHMM`, `+HH` (and `-`).
fn parse_tz(tz: &str) -> Option<i64> {
    let t = tz.trim();
    if ["UTC", "Z", "GMT", "Etc/UTC", "Etc/GMT", "UCT", "Zulu", "Universal"]
        .iter()
        .any(|u| t.eq_ignore_ascii_case(u))
    {
        return Some(0);
    }
    let sign = match t.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = t[1..].chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m) = match digits.len() {
        2 => (digits.parse::<i64>().ok()?, 0),
        4 => (digits[..2].parse::<i64>().ok()?, digits[2..].parse::<i64>().ok()?),
        _ => return None,
    };
    if h > 23 || m > 59 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60))
}

/// Valid, unique (ignoring case) sheet names, deterministically.
fn sheet_names<'a>(raw: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut used: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    for (i, r) in raw.enumerate() {
        let cleaned: String = r
            .chars()
            .filter(|c| is_xml_char(*c) && !c.is_control())
            .map(|c| {
                if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        // No apostrophe at either end (Excel's rule), also after the cut.
        let trim = |s: &str| s.trim_matches(|c: char| c.is_whitespace() || c == '\'').to_string();
        let mut base = trim(truncate_utf16(&trim(&cleaned), MAX_SHEET_NAME));
        if base.is_empty() {
            base = format!("Foglio{}", i + 1);
        } else if base.eq_ignore_ascii_case("History") {
            // Reserved by Excel.
            base.push('_');
        }
        let mut name = base.clone();
        let mut n = 2;
        while used.contains(&name.to_lowercase()) {
            let suffix = format!(" ({n})");
            let room = MAX_SHEET_NAME - suffix.len();
            name = format!("{}{suffix}", truncate_utf16(&base, room).trim_end());
            n += 1;
        }
        used.insert(name.to_lowercase());
        out.push(name);
    }
    out
}

/// The longest prefix of `s` with at most `max` UTF-16 units.
fn truncate_utf16(s: &str, max: usize) -> &str {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max {
            return &s[..i];
        }
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Cells.

/// A non-null value ready to be written.
#[derive(Debug, PartialEq)]
enum Cell {
    Number(f64),
    Bool(bool),
    Text(String),
    /// Date serial (whole days).
    Serial(i64),
    /// Date-time serial.
    SerialTime(f64),
}

/// One column of one batch, cast to the array its [`Kind`] reads.
struct BatchCol<'a> {
    kind: Kind,
    array: ArrayRef,
    display: Option<ArrayFormatter<'a>>,
}

impl<'a> BatchCol<'a> {
    fn new(array: &'a ArrayRef, kind: Kind) -> Result<Self> {
        let target = match kind {
            Kind::Int | Kind::Float => Some(DataType::Float64),
            Kind::Float32 | Kind::Text => Some(DataType::Utf8),
            Kind::Bool => Some(DataType::Boolean),
            Kind::Date => Some(DataType::Date32),
            Kind::Timestamp { .. } => Some(DataType::Int64),
            Kind::Display => None,
        };
        let (array, display) = match target {
            Some(t) => (
                cast(array, &t).with_context(|| format!("converting {} to {t}", array.data_type()))?,
                None,
            ),
            None => {
                let options = FormatOptions::default().with_null("");
                (array.clone(), Some(ArrayFormatter::try_new(array.as_ref(), &options)?))
            }
        };
        Ok(BatchCol { kind, array, display })
    }

    fn cell(&self, i: usize) -> Result<Option<Cell>> {
        if self.array.logical_nulls().is_some_and(|n| n.is_null(i)) {
            return Ok(None);
        }
        Ok(match self.kind {
            Kind::Int | Kind::Float => {
                let v = self.array.as_primitive::<Float64Type>().value(i);
                v.is_finite().then_some(Cell::Number(v))
            }
            Kind::Float32 => {
                // The shortest form of the f32 (0.1, not 0.10000000149011612).
                let v: f64 = self.array.as_string::<i32>().value(i).parse().unwrap_or(f64::NAN);
                v.is_finite().then_some(Cell::Number(v))
            }
            Kind::Bool => Some(Cell::Bool(self.array.as_boolean().value(i))),
            Kind::Text => Some(Cell::Text(clean_text(self.array.as_string::<i32>().value(i)))),
            Kind::Date => Some(date_cell(i64::from(self.array.as_primitive::<Date32Type>().value(i)))),
            Kind::Timestamp { unit, offset } => {
                let v = self.array.as_primitive::<Int64Type>().value(i);
                let per_second = match unit {
                    TimeUnit::Second => 1,
                    TimeUnit::Millisecond => 1_000,
                    TimeUnit::Microsecond => 1_000_000,
                    TimeUnit::Nanosecond => 1_000_000_000,
                };
                let nanos = v.rem_euclid(per_second) * (1_000_000_000 / per_second);
                Some(datetime_cell(v.div_euclid(per_second) + offset, nanos))
            }
            Kind::Display => {
                let f = self.display.as_ref().expect("a formatter for displayed columns");
                Some(Cell::Text(clean_text(&f.value(i).try_to_string()?)))
            }
        })
    }
}

/// A date (days since 1970-01-01) as a serial, or as text outside Excel's range.
fn date_cell(days: i64) -> Cell {
    let serial = days.saturating_add(UNIX_EPOCH_SERIAL);
    if (FIRST_SERIAL..=LAST_SERIAL).contains(&serial) {
        return Cell::Serial(serial);
    }
    let text = i32::try_from(days)
        .ok()
        .and_then(|d| chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(chrono::Duration::days(d.into())))
        .map_or_else(
            || format!("{days} giorni dal 01/01/1970"),
            |d| d.format("%d/%m/%Y").to_string(),
        );
    Cell::Text(text)
}

/// A wall-clock time (seconds since 1970-01-01 and nanoseconds) as a serial, or as text
/// outside Excel's range.
fn datetime_cell(secs: i64, nanos: i64) -> Cell {
    let days = secs.div_euclid(SECONDS_PER_DAY);
    match date_cell(days) {
        Cell::Serial(day) => {
            let in_day = secs.rem_euclid(SECONDS_PER_DAY) as f64 + nanos as f64 / 1e9;
            Cell::SerialTime(day as f64 + in_day / SECONDS_PER_DAY as f64)
        }
        _ => {
            let text = chrono::DateTime::from_timestamp(secs, 0).map_or_else(
                || format!("{secs} secondi dal 01/01/1970"),
                |t| t.format("%d/%m/%Y %H:%M").to_string(),
            );
            Cell::Text(text)
        }
    }
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Without the characters XML 1.0 forbids, at most Excel's 32,767 UTF-16 units.
fn clean_text(s: &str) -> String {
    let kept: String = s.chars().filter(|c| is_xml_char(*c)).collect();
    truncate_utf16(&kept, MAX_CELL_CHARS).to_string()
}

/// The width of a cell in characters, roughly as Excel shows it with its format.
fn cell_width(cell: &Cell, kind: Kind) -> usize {
    match cell {
        Cell::Number(v) => {
            let int_digits = if v.abs() < 1.0 {
                1
            } else {
                v.abs().log10().floor() as usize + 1
            };
            let grouped = int_digits + (int_digits - 1) / 3 + usize::from(*v < 0.0);
            if kind == Kind::Int {
                grouped
            } else {
                grouped + 4
            }
        }
        Cell::Bool(_) => 5,
        Cell::Text(t) => t.chars().count(),
        Cell::Serial(_) => 10,
        Cell::SerialTime(_) => 16,
    }
}

/// Column widths from the header and the first [`WIDTH_SAMPLE_ROWS`] rows.
fn estimate_widths(plan: &SheetPlan<'_>) -> Result<Vec<usize>> {
    let mut widths: Vec<usize> = plan.columns.iter().map(|c| c.name.chars().count() + 4).collect();
    let mut seen = 0;
    for batch in &plan.sheet.batches {
        if seen >= WIDTH_SAMPLE_ROWS {
            break;
        }
        let take = batch.num_rows().min(WIDTH_SAMPLE_ROWS - seen);
        for (c, column) in plan.columns.iter().enumerate() {
            let col = BatchCol::new(batch.column(c), column.kind)?;
            for i in 0..take {
                if let Some(cell) = col.cell(i)? {
                    widths[c] = widths[c].max(cell_width(&cell, column.kind) + 2);
                }
            }
        }
        seen += take;
    }
    Ok(widths.into_iter().map(|w| w.clamp(MIN_WIDTH, MAX_WIDTH)).collect())
}

// ---------------------------------------------------------------------------------------------
// Writing.

struct Formats {
    bold: Format,
    italic: Format,
    int: Format,
    float: Format,
    date: Format,
    datetime: Format,
}

fn write_planned<W: Write + Send>(out: W, plans: &[SheetPlan<'_>]) -> Result<()> {
    let mut workbook = Workbook::new();
    // A fixed document date: the same input gives the same bytes.
    let epoch = ExcelDateTime::from_ymd(2000, 1, 1)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&epoch));
    let formats = Formats {
        bold: Format::new().set_bold(),
        italic: Format::new().set_italic(),
        int: Format::new().set_num_format(FMT_INT),
        float: Format::new().set_num_format(FMT_FLOAT),
        date: Format::new().set_num_format(FMT_DATE),
        datetime: Format::new().set_num_format(FMT_DATETIME),
    };
    for plan in plans {
        let widths = estimate_widths(plan)?;
        let ws = workbook
            .add_worksheet_with_low_memory()
            .context("creating a worksheet's temporary file")?;
        ws.set_name(&plan.name)?;
        write_sheet(ws, plan, &widths, &formats).with_context(|| format!("sheet '{}'", plan.name))?;
    }
    workbook.save_to_writer(out)?;
    Ok(())
}

/// 0-based row and column as `rust_xlsxwriter` takes them (the plan has checked the limits).
fn at(row_1: usize, col_0: usize) -> (u32, u16) {
    ((row_1 - 1) as u32, col_0 as u16)
}

fn write_sheet(ws: &mut Worksheet, plan: &SheetPlan<'_>, widths: &[usize], f: &Formats) -> Result<()> {
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w as f64)?;
    }
    if let Some(title) = &plan.sheet.title {
        ws.write_string_with_format(0, 0, clean_text(title), &f.bold)?;
    }
    if let Some(h) = plan.header_row {
        let (hr, _) = at(h, 0);
        let last_col = (plan.columns.len() - 1) as u16;
        ws.set_freeze_panes(hr + 1, 0)?;
        ws.autofilter(hr, 0, hr + plan.data_rows as u32, last_col)?;
        for (c, column) in plan.columns.iter().enumerate() {
            ws.write_string_with_format(hr, c as u16, clean_text(&column.name), &f.bold)?;
        }
        let mut row = h + 1;
        for batch in &plan.sheet.batches {
            let cols = batch
                .columns()
                .iter()
                .zip(&plan.columns)
                .map(|(a, c)| BatchCol::new(a, c.kind))
                .collect::<Result<Vec<_>>>()?;
            for i in 0..batch.num_rows() {
                for (c, col) in cols.iter().enumerate() {
                    let (r, c) = at(row, c);
                    match col.cell(i)? {
                        None => {}
                        Some(Cell::Number(v)) => {
                            let fmt = if col.kind == Kind::Int { &f.int } else { &f.float };
                            ws.write_number_with_format(r, c, v, fmt)?;
                        }
                        Some(Cell::Bool(b)) => {
                            ws.write_boolean(r, c, b)?;
                        }
                        Some(Cell::Text(t)) => {
                            ws.write_string(r, c, t)?;
                        }
                        Some(Cell::Serial(d)) => {
                            ws.write_number_with_format(r, c, d as f64, &f.date)?;
                        }
                        Some(Cell::SerialTime(t)) => {
                            ws.write_number_with_format(r, c, t, &f.datetime)?;
                        }
                    }
                }
                row += 1;
            }
        }
    }
    for (k, note) in plan.sheet.notes.iter().enumerate() {
        let (r, c) = at(plan.notes_row + k, 0);
        ws.write_string_with_format(r, c, clean_text(note), &f.italic)?;
    }
    debug_assert!(plan.last_row <= MAX_ROWS);
    Ok(())
}

#[cfg(test)]
#[path = "xlsx_tests.rs"]
mod tests;
