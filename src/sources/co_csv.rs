//! The CSV extract: one row per communication, the flattened UNILAV fields as columns
//! (DOMAIN.md §1.2; the exact layout is in `docs/formato_csv.md` and [`crate::model::FIELD_NAMES`]).
//!
//! `;` separator (the usual Italian regional extract; `,` is detected too), UTF-8 with an
//! optional BOM, a header row, dates as `YYYY-MM-DD` (`dd/mm/yyyy` accepted), fields quoted
//! only when they contain the separator, a quote or a line break.

use crate::model::{RawCo, FIELD_NAMES};
use anyhow::{Context, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Writes the CSV extract.
pub struct CsvWriter<W: Write> {
    w: csv::Writer<W>,
}

impl CsvWriter<BufWriter<File>> {
    /// Creates the file (and its parent folders) and writes the header.
    pub fn create(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let f = File::create(path).with_context(|| format!("creating {}", path.display()))?;
        CsvWriter::new(BufWriter::with_capacity(1 << 20, f))
    }
}

impl<W: Write> CsvWriter<W> {
    pub fn new(w: W) -> Result<Self> {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(w);
        w.write_record(FIELD_NAMES)?;
        Ok(CsvWriter { w })
    }

    pub fn write(&mut self, co: &RawCo) -> Result<()> {
        self.w.write_record(&co.fields)?;
        Ok(())
    }

    pub fn finish(self) -> Result<W> {
        self.w
            .into_inner()
            .map_err(|e| anyhow::anyhow!("flushing CSV: {}", e.error()))
    }
}

use crate::model::{RawView, N_FIELDS};
use crate::sources::SourceFormat;
use std::io::Read;

/// The header of a CSV input: separator and, per column, the field it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub delimiter: u8,
    /// Column names as written (trimmed).
    pub names: Vec<String>,
    /// For the OML extract: the field of each column (`None` = extra column, ignored).
    pub fields: Vec<Option<crate::model::F>>,
}

impl Header {
    /// Parses a header line. For the extract, every field of the layout must be present
    /// (in any order) but the user firm's of agency work ([`crate::model::UNISOMM_FIELDS`]),
    /// which a UNILAV-only extract leaves out; extra columns are ignored.
    pub fn parse(line: &str, format: SourceFormat) -> Result<Header> {
        let semis = line.matches(';').count();
        let commas = line.matches(',').count();
        let delimiter = if semis >= commas { b';' } else { b',' };
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .from_reader(line.as_bytes());
        let rec = rdr
            .records()
            .next()
            .ok_or_else(|| anyhow::anyhow!("empty header"))?
            .map_err(|e| anyhow::anyhow!("unreadable header: {e}"))?;
        let names: Vec<String> = rec.iter().map(|s| s.trim().to_string()).collect();
        let fields: Vec<Option<crate::model::F>> = match format {
            SourceFormat::Csv => names
                .iter()
                .map(|n| crate::model::F::all().find(|f| f.name() == n))
                .collect(),
            _ => vec![None; names.len()],
        };
        if format == SourceFormat::Csv {
            let missing: Vec<&str> = crate::model::F::all()
                .filter(|f| !fields.contains(&Some(*f)) && !crate::model::UNISOMM_FIELDS.contains(f))
                .map(|f| f.name())
                .collect();
            if !missing.is_empty() {
                anyhow::bail!("the CSV extract lacks the columns {}", missing.join(", "));
            }
        }
        Ok(Header {
            delimiter,
            names,
            fields,
        })
    }

    /// Index of a column by name (case-insensitive), for the Lombardia layout.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n.eq_ignore_ascii_case(name))
    }
}

/// Reads the header line of a CSV file (BOM stripped). Returns the header, the bytes already
/// read past it, and the line number of the first data record.
pub fn read_header(r: &mut impl Read, format: SourceFormat, max_record: usize) -> Result<(Header, Vec<u8>, u64)> {
    let mut buf = Vec::new();
    let mut tmp = vec![0u8; 64 * 1024];
    let end = loop {
        if let Some(k) = memchr::memchr(b'\n', &buf) {
            break k;
        }
        let n = r.read(&mut tmp)?;
        if n == 0 {
            if buf.is_empty() {
                anyhow::bail!("the file is empty");
            }
            break buf.len();
        }
        buf.extend_from_slice(&tmp[..n]);
        if buf.len() > max_record && memchr::memchr(b'\n', &buf).is_none() {
            let cr = memchr::memchr(b'\r', &buf).is_some();
            anyhow::bail!(
                "line 1: no line end within {max_record} bytes{}",
                if cr {
                    " (the lines end with a bare CR: save the file with LF or CRLF line ends)"
                } else {
                    ""
                }
            );
        }
    };
    super::encoding::check_start(&buf)?;
    let start = if buf.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };
    // Column names are ASCII; a Latin-1 header (an accented name) is read as such.
    let line = match std::str::from_utf8(&buf[start..end]) {
        Ok(l) => std::borrow::Cow::Borrowed(l),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(&buf[start..end])
                .0
        }
    };
    let line = line.strip_suffix('\r').unwrap_or(&line);
    if line.contains('\r') {
        anyhow::bail!(
            "line 1: the lines end with a bare CR (old Mac line ends): save the file with LF or CRLF line ends"
        );
    }
    let header = Header::parse(line, format)?;
    let rest = if end < buf.len() {
        buf[end + 1..].to_vec()
    } else {
        Vec::new()
    };
    Ok((header, rest, 2))
}

/// One parsed CSV record of a chunk (handed to a callback, never stored: its size is fine).
#[allow(clippy::large_enum_variant)]
pub enum CsvRecord<'a> {
    /// The fields, mapped onto the raw communication.
    Ok(RawView<'a>),
    /// Unreadable: wrong number of columns, or not UTF-8. Why.
    Bad(String),
}

/// A blank line (a record of one field of white space), skipped by every CSV reader.
pub fn is_blank(rec: &csv::ByteRecord) -> bool {
    rec.len() == 1 && rec.get(0).is_some_and(|c| c.iter().all(|b| b.is_ascii_whitespace()))
}

/// Parses the records of a chunk of the CSV extract, calling `f(line, bytes, record)` for
/// each: `bytes` are what the record takes in the chunk, its line end included (none for the
/// error that stops an unreadable chunk).
pub fn for_each_record(chunk: &[u8], first_line: u64, header: &Header, mut f: impl FnMut(u64, &[u8], CsvRecord<'_>)) {
    let mut last_line = first_line;
    let res = for_each_byte_record_sized(chunk, first_line, header, |line, raw, rec| {
        last_line = line;
        if is_blank(rec) {
            return;
        }
        if rec.len() != header.names.len() {
            f(
                line,
                raw,
                CsvRecord::Bad(format!("{} colonne invece di {}", rec.len(), header.names.len())),
            );
            return;
        }
        let mut view: RawView<'_> = [""; N_FIELDS];
        for (i, fld) in header.fields.iter().enumerate() {
            if let Some(fld) = fld {
                match rec.get(i).map(std::str::from_utf8) {
                    Some(Ok(s)) => view[*fld as usize] = s,
                    _ => {
                        f(line, raw, CsvRecord::Bad("testo non UTF-8".into()));
                        return;
                    }
                }
            }
        }
        f(line, raw, CsvRecord::Ok(view));
    });
    if let Err(e) = res {
        f(last_line, &[], CsvRecord::Bad(format!("CSV illeggibile: {e}")));
    }
}

/// Reads a generic CSV chunk (any layout) record by record, giving the raw byte fields.
pub fn for_each_byte_record(
    chunk: &[u8],
    first_line: u64,
    header: &Header,
    mut f: impl FnMut(u64, &csv::ByteRecord),
) -> Result<()> {
    for_each_byte_record_sized(chunk, first_line, header, |line, _, rec| f(line, rec))
}

/// [`for_each_byte_record`], also giving the bytes each record takes in the chunk (its line
/// end included).
pub fn for_each_byte_record_sized(
    chunk: &[u8],
    first_line: u64,
    header: &Header,
    mut f: impl FnMut(u64, &[u8], &csv::ByteRecord),
) -> Result<()> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(header.delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(chunk);
    let mut rec = csv::ByteRecord::new();
    let mut lines = LineCounter::new(chunk, first_line);
    loop {
        let before = rdr.position().byte() as usize;
        if !rdr.read_byte_record(&mut rec)? {
            return Ok(());
        }
        let end = (rdr.position().byte() as usize).min(chunk.len());
        // The reader skips empty lines before a record: they are not part of it.
        let start = before.min(end)
            + chunk[before.min(end)..end]
                .iter()
                .take_while(|b| matches!(b, b'\n' | b'\r'))
                .count();
        let line = lines.at(start);
        if rec.len() != header.names.len() {
            // A record with the wrong number of columns that runs over several lines is a
            // quote opened by mistake swallowing the lines after it: a file error, not one
            // malformed record (that would hide the swallowed communications).
            let raw = chunk[start.min(end)..end].trim_ascii();
            let extra = memchr::memchr_iter(b'\n', raw).count();
            if extra > 0 {
                anyhow::bail!(
                    "line {line}: a quoted field runs over {} lines and the record has {} columns instead of {}: \
                     an unbalanced `\"`? Fix the quote and ingest the file again",
                    extra + 1,
                    rec.len(),
                    header.names.len()
                );
            }
        }
        // A CR alone (not before a LF) ends a record for the reader, not a line: a line break
        // the file does not have, or one communication cut in two. Refused at its line.
        if end > 0 && chunk[end - 1] == b'\r' && chunk.get(end) != Some(&b'\n') && end < chunk.len() {
            anyhow::bail!(bare_cr_message(line));
        }
        // The record's bytes run to its own line end (the reader may stop inside a CRLF).
        let mut own_end = end;
        let ended = end > 0 && chunk[end - 1] == b'\n';
        while !ended && own_end < chunk.len() && chunk[own_end] == b'\r' {
            own_end += 1;
        }
        if !ended && own_end < chunk.len() && chunk[own_end] == b'\n' {
            own_end += 1;
        }
        f(line, &chunk[start.min(own_end)..own_end], &rec);
    }
}

/// The error for a carriage return that is not part of a CRLF line end.
pub fn bare_cr_message(line: u64) -> String {
    format!(
        "line {line}: a carriage return (CR) alone inside the line ends a record for CSV readers: \
         one communication would be read as two; remove it (or save the file with LF or CRLF line ends)"
    )
}

/// Line numbers of record starts, counted from the bytes (the csv crate's own line count
/// does not survive CRLF line ends).
struct LineCounter<'a> {
    chunk: &'a [u8],
    counted: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(chunk: &'a [u8], first_line: u64) -> Self {
        LineCounter {
            chunk,
            counted: 0,
            line: first_line,
        }
    }

    /// Line of the record starting at `offset` (offsets must not decrease). The reader stops
    /// inside a CRLF and before blank lines: step over line ends first.
    fn at(&mut self, offset: usize) -> u64 {
        let mut end = offset.min(self.chunk.len());
        while end < self.chunk.len() && matches!(self.chunk[end], b'\r' | b'\n') {
            end += 1;
        }
        if end > self.counted {
            self.line += memchr::memchr_iter(b'\n', &self.chunk[self.counted..end]).count() as u64;
            self.counted = end;
        }
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RawCo, F, FIELD_NAMES};

    #[test]
    fn write_then_read_round_trip() {
        let mut co = RawCo::default();
        for f in F::all() {
            co.set(f, format!("v{};x\"y", f as usize));
        }
        let mut w = CsvWriter::new(Vec::new()).unwrap();
        w.write(&co).unwrap();
        let bytes = w.finish().unwrap();
        let mut r = &bytes[..];
        let (h, rest, first) = read_header(&mut r, SourceFormat::Csv, crate::sources::MAX_RECORD_BYTES).unwrap();
        assert_eq!(h.delimiter, b';');
        assert_eq!(first, 2);
        let mut n = 0;
        for_each_record(&rest, first, &h, |line, _, rec| {
            n += 1;
            assert_eq!(line, 2);
            match rec {
                CsvRecord::Ok(v) => {
                    for f in F::all() {
                        assert_eq!(v[f as usize], co.get(f));
                    }
                }
                CsvRecord::Bad(m) => panic!("{m}"),
            }
        });
        assert_eq!(n, 1);
    }

    #[test]
    fn columns_in_another_order_with_bom_and_commas() {
        let mut names: Vec<&str> = FIELD_NAMES.to_vec();
        names.reverse();
        let mut text = String::from("\u{feff}");
        text.push_str(&names.join(","));
        text.push_str(",extra\n");
        let vals: Vec<String> = names.iter().map(|n| format!("<{n}>")).collect();
        text.push_str(&vals.join(","));
        text.push_str(",z\r\nshort,row\n");
        let mut r = text.as_bytes();
        let (h, rest, first) = read_header(&mut r, SourceFormat::Csv, crate::sources::MAX_RECORD_BYTES).unwrap();
        assert_eq!(h.delimiter, b',');
        let mut seen = Vec::new();
        for_each_record(&rest, first, &h, |line, _, rec| match rec {
            CsvRecord::Ok(v) => {
                assert_eq!(v[F::DataInizio as usize], "<rapporto_DataInizio>");
                seen.push((line, true));
            }
            CsvRecord::Bad(m) => {
                assert!(m.contains("colonne"), "{m}");
                seen.push((line, false));
            }
        });
        assert_eq!(seen, vec![(2, true), (3, false)]);
    }

    #[test]
    fn missing_columns_are_a_clear_error() {
        let err = Header::parse("invio_CodiceComunicazione;rapporto_DataInizio", SourceFormat::Csv).unwrap_err();
        assert!(err.to_string().contains("lacks the columns"));
    }
}
