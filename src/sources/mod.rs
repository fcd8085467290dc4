//! Source adapters: find the input files, detect their format, and cut them into chunks of
//! whole records that worker threads parse in parallel.
//!
//! Memory stays bounded whatever the input size: files are read in blocks of
//! [`BLOCK_BYTES`], each chunk ends on a record boundary (a newline outside quotes for CSV,
//! the end of a `UniLav` element for XML), and the channel to the workers is bounded.

pub mod co_csv;
pub mod encoding;
pub mod inps_cig;
pub mod istat_rfl;
pub mod lombardia;
pub mod registri;
pub mod unilav_xml;
pub mod unisomm_xml;
mod xml_blocks;

use anyhow::{bail, Context, Result};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Size of the blocks read from disk (and so, roughly, of a chunk).
pub const BLOCK_BYTES: usize = 4 << 20;

/// Input formats `oml ingest co` understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum SourceFormat {
    /// UNILAV XML documents (`.xml`), or `.zip` batches of them.
    Unilav,
    /// The CSV extract with the flattened UNILAV columns (docs/formato_csv.md).
    Csv,
    /// Regione Lombardia open-data CSV (one row per event, labels instead of codes).
    Lombardia,
}

impl SourceFormat {
    /// The value stored in the `fonte` column.
    pub fn fonte(self) -> &'static str {
        match self {
            SourceFormat::Unilav => "unilav",
            SourceFormat::Csv => "csv",
            SourceFormat::Lombardia => "lombardia",
        }
    }
}

/// One input file to ingest.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: PathBuf,
    pub format: SourceFormat,
    pub bytes: u64,
    /// The most bytes one of its records may take ([`Limits::max_record_bytes`]).
    pub max_record_bytes: usize,
    /// CSV: its encoding, as the pre-pass established it (chunks are transcoded to UTF-8).
    pub encoding: encoding::Encoding,
    /// Lombardia: the order of day and month in `DATA`, as the pre-pass established it.
    pub date_order: Option<lombardia::DateOrder>,
}

/// Caps on what an input may hold, with clear errors past them (`oml ingest co
/// --max-file-bytes/--max-record-bytes/--max-field-bytes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A larger file is refused by name before it is read (none by default).
    pub max_file_bytes: Option<u64>,
    /// A record (CSV record, `UniLav` element) that does not end within this many bytes stops
    /// its file: bounds memory on any input, endless ones included.
    pub max_record_bytes: usize,
    /// A field longer than this, or holding a NUL byte, sends its record to quarantine.
    pub max_field_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: None,
            max_record_bytes: MAX_RECORD_BYTES,
            max_field_bytes: MAX_FIELD_BYTES,
        }
    }
}

fn has_ext(p: &Path, ext: &str) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// Reads the first line of a CSV file (without BOM).
fn first_line(path: &Path) -> Result<String> {
    let mut f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut buf = vec![0u8; 8192];
    let n = f.read(&mut buf)?;
    buf.truncate(n);
    let start = if buf.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };
    let end = memchr::memchr(b'\n', &buf[start..]).map_or(buf.len(), |k| start + k);
    Ok(String::from_utf8_lossy(&buf[start..end])
        .trim_end_matches('\r')
        .to_string())
}

/// Decides the format of a file from its extension and, for CSV, its header.
pub fn detect_format(path: &Path) -> Result<SourceFormat> {
    if has_ext(path, "xml") || has_ext(path, "zip") {
        return Ok(SourceFormat::Unilav);
    }
    if has_ext(path, "csv") || has_ext(path, "txt") {
        let header = first_line(path)?;
        if header.contains(crate::model::FIELD_NAMES[0]) {
            return Ok(SourceFormat::Csv);
        }
        let up = header.to_uppercase();
        if up.contains("DATA") && (up.contains("SETTOREECONOMICODETTAGLIO") || up.contains("CONTRATTO")) {
            return Ok(SourceFormat::Lombardia);
        }
        bail!(
            "{}: CSV header not recognised (expected the OML extract columns, e.g. `{}`, or the Lombardia open-data columns DATA, GENERE, ETA, SETTOREECONOMICODETTAGLIO, CONTRATTO…); use --format to force a format",
            path.display(),
            crate::model::FIELD_NAMES[0]
        );
    }
    bail!(
        "{}: unknown file type (expected .xml, .zip or .csv); use --format to force a format",
        path.display()
    )
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading folder {}", dir.display()))?
        .collect::<std::result::Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let meta = std::fs::metadata(&p).with_context(|| format!("{}: cannot be read", p.display()))?;
        if meta.is_dir() {
            walk(&p, out).with_context(|| format!("reading folder {}", p.display()))?;
        } else if has_ext(&p, "xml") || has_ext(&p, "zip") || has_ext(&p, "csv") {
            regular_file(&p, &meta)?;
            out.push(p);
        }
    }
    Ok(())
}

/// Only regular files are inputs: a FIFO, a device or a socket could block or never end.
pub fn regular_file(p: &Path, meta: &std::fs::Metadata) -> Result<()> {
    if meta.is_file() {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        let kind = if t.is_fifo() {
            "a FIFO (named pipe)"
        } else if t.is_char_device() || t.is_block_device() {
            "a device"
        } else if t.is_socket() {
            "a socket"
        } else {
            "not a regular file"
        };
        bail!("{}: {kind}, not a file: OML reads only regular files", p.display());
    }
    #[cfg(not(unix))]
    bail!("{}: not a regular file: OML reads only regular files", p.display())
}

/// Largest file the loaders that read a file whole take (the INPS and ISTAT tables, the
/// registri layouts, whose rules between records need every record of the file at once): their
/// memory grows with the file (about 25 bytes per byte for a DID file), so a bound keeps it
/// bounded; a larger extraction is split by year.
pub const MAX_WHOLE_FILE: u64 = 256 * 1024 * 1024;

/// A regular file read whole, with its sha256 (hex), refused with a clear message beyond
/// [`MAX_WHOLE_FILE`] bytes (checked while reading: a file that grows is not read forever).
pub fn read_whole(p: &Path) -> Result<(Vec<u8>, String)> {
    read_bounded(p, MAX_WHOLE_FILE)
}

fn read_bounded(p: &Path, max: u64) -> Result<(Vec<u8>, String)> {
    use sha2::{Digest, Sha256};
    let meta = std::fs::metadata(p).with_context(|| format!("{}: no such file", p.display()))?;
    regular_file(p, &meta)?;
    let mut bytes = Vec::with_capacity(meta.len().min(max) as usize);
    std::fs::File::open(p)
        .and_then(|f| f.take(max + 1).read_to_end(&mut bytes))
        .with_context(|| format!("reading {}", p.display()))?;
    if bytes.len() as u64 > max {
        bail!(
            "{}: larger than {} bytes ({} MiB), the most this loader reads at once: split the extraction (e.g. by year) and load the parts",
            p.display(),
            max,
            max / (1024 * 1024)
        );
    }
    let sha = hex::encode(Sha256::digest(&bytes));
    Ok((bytes, sha))
}

/// Expands files and folders (recursively, sorted by path) into the inputs to ingest.
pub fn discover(paths: &[PathBuf], forced: Option<SourceFormat>, limits: &Limits) -> Result<Vec<InputFile>> {
    let mut files = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).with_context(|| format!("{}: no such file or folder", p.display()))?;
        if meta.is_dir() {
            walk(p, &mut files)?;
        } else {
            regular_file(p, &meta)?;
            files.push(p.clone());
        }
    }
    if files.is_empty() {
        bail!("no input files found in {paths:?} (looked for .xml, .zip and .csv)");
    }
    files
        .into_iter()
        .map(|path| {
            let format = match forced {
                Some(f) => f,
                None => detect_format(&path)?,
            };
            let bytes = std::fs::metadata(&path)?.len();
            if let Some(max) = limits.max_file_bytes.filter(|m| bytes > *m) {
                bail!(
                    "{}: {bytes} bytes, more than the limit of {max} (--max-file-bytes)",
                    path.display()
                );
            }
            Ok(InputFile {
                path,
                format,
                bytes,
                max_record_bytes: limits.max_record_bytes,
                encoding: encoding::Encoding::Utf8,
                date_order: None,
            })
        })
        .collect()
}

/// A piece of an input holding whole records.
#[derive(Debug)]
pub struct Chunk {
    /// Position in the global input order (chunks are written back in this order).
    pub seq: u64,
    /// Index of the input file.
    pub input: usize,
    /// File name as reported in the lake (`file_origine`), e.g. `co.csv` or `batch.zip!a.xml`.
    pub label: Arc<str>,
    pub format: SourceFormat,
    pub bytes: Vec<u8>,
    /// 1-based line of the chunk's first byte in its file.
    pub first_line: u64,
    /// CSV: the header mapping of the file. XML: unused.
    pub header: Option<Arc<co_csv::Header>>,
    /// XML: whether the file declares the UNILAV namespace.
    pub namespace_ok: bool,
    /// Lombardia: the order of day and month in `DATA` (day first when the file has none).
    pub date_order: lombardia::DateOrder,
    /// The encoding of the file: `bytes` are transcoded to UTF-8, and a record's size in the
    /// file is [`encoding::Encoding::source_len`] of its bytes here.
    pub encoding: encoding::Encoding,
}

/// The most bytes one record may take (a CSV record, a `UniLav` element) before the file is
/// refused: bounds memory on any input, and stops a file whose quote is never closed (which
/// would otherwise swallow the rest of it into one field) at the line where the quote opens.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// Default of [`Limits::max_field_bytes`]: no field of a communication comes near it.
pub const MAX_FIELD_BYTES: usize = 64 << 10;

/// Where a CSV chunk may be cut, read the way the `csv` crate reads records: a quote opens a
/// quoted field only at the start of a field; inside it, `""` is a quote and a line end is
/// data; a quote elsewhere is an ordinary character.
#[derive(Debug, Clone, Copy)]
pub struct CsvCut {
    /// End (exclusive) of the last complete record.
    pub end: Option<usize>,
    /// Offset of the quote that opened a field still open at the end of the buffer.
    pub open_quote: Option<usize>,
}

/// Scans `buf`, which starts on a record boundary, for the last record end outside quotes.
/// Quote-free stretches are crossed with `memchr` (a quote is found, then the last line end
/// before it): as fast as a plain line scan on files without quotes.
pub fn csv_cut(buf: &[u8], delimiter: u8) -> CsvCut {
    #[derive(PartialEq)]
    enum St {
        FieldStart,
        Unquoted,
        Quoted,
        /// Just after a quote inside a quoted field: its end, or the first half of `""`.
        QuoteInQuoted,
    }
    let mut st = St::FieldStart;
    let mut end = None;
    let mut open = 0;
    let mut i = 0;
    while i < buf.len() {
        match st {
            St::Quoted => match memchr::memchr(b'"', &buf[i..]) {
                Some(k) => {
                    i += k + 1;
                    st = St::QuoteInQuoted;
                }
                None => break,
            },
            St::QuoteInQuoted => {
                st = match buf[i] {
                    b'"' => St::Quoted,
                    b'\n' => {
                        end = Some(i + 1);
                        St::FieldStart
                    }
                    b if b == delimiter => St::FieldStart,
                    _ => St::Unquoted,
                };
                i += 1;
            }
            St::FieldStart | St::Unquoted => {
                // No quote before `q`: only its last line end and the byte before `q` matter.
                let q = memchr::memchr(b'"', &buf[i..]).map(|k| i + k);
                let stretch = &buf[i..q.unwrap_or(buf.len())];
                if let Some(n) = memchr::memrchr(b'\n', stretch) {
                    end = Some(i + n + 1);
                }
                let Some(q) = q else { break };
                let at_field_start = if q == i {
                    st == St::FieldStart
                } else {
                    buf[q - 1] == b'\n' || buf[q - 1] == delimiter
                };
                if at_field_start {
                    open = q;
                    st = St::Quoted;
                } else {
                    st = St::Unquoted;
                }
                i = q + 1;
            }
        }
    }
    CsvCut {
        end,
        open_quote: (st == St::Quoted).then_some(open),
    }
}

/// End (exclusive) of the last complete communication element (`UniLav`, `UniSomm`) in `buf`
/// (after its closing tag).
pub fn xml_boundary(buf: &[u8]) -> Option<usize> {
    let mut hay = buf;
    loop {
        let pos = memchr::memmem::rfind(hay, unilav_xml::ROOT_PREFIX)?;
        // A closing tag: `</UniLav>` or `</prefix:UniSomm>`, whole in `buf`.
        if unilav_xml::unilav_tag_at(hay, pos) == Some(unilav_xml::UniLavTag::End) {
            if let Some(k) = memchr::memchr(b'>', &hay[pos..]) {
                return Some(pos + k + 1);
            }
        }
        hay = &hay[..pos];
    }
}

/// How a stream is cut into records.
#[derive(Debug, Clone, Copy)]
pub enum Records {
    /// CSV with this delimiter.
    Csv(u8),
    /// `UniLav` elements.
    Xml,
}

impl Records {
    /// End (exclusive) of the last whole record in `buf`.
    fn boundary(self, buf: &[u8]) -> Option<usize> {
        match self {
            Records::Csv(d) => csv_cut(buf, d).end,
            Records::Xml => xml_boundary(buf),
        }
    }

    /// At the end of the stream, the error for a last record that cannot be complete.
    fn check_last(self, buf: &[u8], first_line: u64) -> Result<()> {
        if let Records::Csv(d) = self {
            if let Some(q) = csv_cut(buf, d).open_quote {
                let line = first_line + memchr::memchr_iter(b'\n', &buf[..q]).count() as u64;
                bail!(
                    "line {line}: a quoted field opened here is never closed (an unbalanced `\"`): \
                     the rest of the file would be read as one field; fix the quote and ingest the file again"
                );
            }
        }
        Ok(())
    }
}

/// Cuts a stream into chunks ending on record boundaries and hands them to `emit`, with
/// the 1-based line of each chunk's first byte. Errors (naming the line) when a record does
/// not end within `max_record` bytes, or a CSV stream ends inside a quoted field.
pub(crate) fn chunk_stream(
    mut r: impl Read,
    block: usize,
    mut prefix: Vec<u8>,
    mut first_line: u64,
    records: Records,
    max_record: usize,
    emit: &mut dyn FnMut(Vec<u8>, u64) -> Result<()>,
) -> Result<()> {
    let mut buf = std::mem::take(&mut prefix);
    loop {
        let old = buf.len();
        buf.resize(old + block, 0);
        let mut filled = old;
        while filled < buf.len() {
            let n = r.read(&mut buf[filled..])?;
            if n == 0 {
                break;
            }
            filled += n;
        }
        buf.truncate(filled);
        let eof = filled == old;
        if eof {
            records.check_last(&buf, first_line)?;
            if !buf.is_empty() {
                emit(buf, first_line)?;
            }
            return Ok(());
        }
        match records.boundary(&buf) {
            Some(end) => {
                let rest = buf[end..].to_vec();
                buf.truncate(end);
                let lines = memchr::memchr_iter(b'\n', &buf).count() as u64;
                emit(std::mem::replace(&mut buf, rest), first_line)?;
                first_line += lines;
            }
            // No boundary yet: the record is longer than a block; keep reading, up to the cap.
            None if buf.len() > max_record => {
                records.check_last(&buf, first_line)?;
                bail!(
                    "line {first_line}: no end of record within {max_record} bytes (a record this long is not \
                     a communication: a wrong format, or a binary or endless file; --max-record-bytes)"
                );
            }
            None => {}
        }
    }
}

/// Reads every new input in order and emits its chunks.
pub fn read_inputs(inputs: &[(usize, &InputFile)], emit: &mut dyn FnMut(Chunk) -> Result<()>) -> Result<()> {
    let mut seq = 0u64;
    for &(idx, input) in inputs {
        let label: Arc<str> = input.path.to_string_lossy().into();
        match input.format {
            SourceFormat::Csv | SourceFormat::Lombardia => {
                let mut f =
                    std::fs::File::open(&input.path).with_context(|| format!("opening {}", input.path.display()))?;
                let (header, rest, first_line) = co_csv::read_header(&mut f, input.format, input.max_record_bytes)
                    .with_context(|| format!("{}: reading the header", input.path.display()))?;
                let header = Arc::new(header);
                let fmt = input.format;
                let enc = input.encoding;
                let date_order = input.date_order.unwrap_or(lombardia::DateOrder::Dmy);
                chunk_stream(
                    f,
                    BLOCK_BYTES,
                    rest,
                    first_line,
                    Records::Csv(header.delimiter),
                    input.max_record_bytes,
                    &mut |bytes, first_line| {
                        seq += 1;
                        emit(Chunk {
                            seq,
                            input: idx,
                            label: label.clone(),
                            format: fmt,
                            bytes: enc.to_utf8(bytes),
                            first_line,
                            header: Some(header.clone()),
                            namespace_ok: true,
                            date_order,
                            encoding: enc,
                        })
                    },
                )
                .with_context(|| input.path.display().to_string())?;
            }
            SourceFormat::Unilav if has_ext(&input.path, "zip") => {
                let f =
                    std::fs::File::open(&input.path).with_context(|| format!("opening {}", input.path.display()))?;
                let mut z = zip::ZipArchive::new(f)
                    .with_context(|| format!("{}: not a valid zip archive", input.path.display()))?;
                let mut names: Vec<(String, usize)> = Vec::new();
                for i in 0..z.len() {
                    let e = z
                        .by_index(i)
                        .with_context(|| format!("{}: reading entry {i}", input.path.display()))?;
                    let name = e.name().map(|n| n.into_owned()).unwrap_or_default();
                    if name.to_lowercase().ends_with(".xml") {
                        names.push((name, i));
                    }
                }
                names.sort();
                for (name, i) in names {
                    let entry = z
                        .by_index(i)
                        .with_context(|| format!("{}: reading entry {name}", input.path.display()))?;
                    let entry_label: Arc<str> = format!("{}!{}", input.path.to_string_lossy(), name).into();
                    xml_chunks(entry, entry_label, idx, input.max_record_bytes, &mut seq, emit)
                        .with_context(|| format!("{}: zip member {name}", input.path.display()))?;
                }
            }
            SourceFormat::Unilav => {
                let f =
                    std::fs::File::open(&input.path).with_context(|| format!("opening {}", input.path.display()))?;
                xml_chunks(f, label.clone(), idx, input.max_record_bytes, &mut seq, emit)
                    .with_context(|| input.path.display().to_string())?;
            }
        }
    }
    Ok(())
}

fn xml_chunks(
    mut r: impl Read,
    label: Arc<str>,
    idx: usize,
    max_record: usize,
    seq: &mut u64,
    emit: &mut dyn FnMut(Chunk) -> Result<()>,
) -> Result<()> {
    // The namespace is declared at the top of the document: look at the first block.
    let mut head = vec![0u8; 64 * 1024];
    let mut n = 0;
    while n < head.len() {
        let k = r.read(&mut head[n..])?;
        if k == 0 {
            break;
        }
        n += k;
    }
    head.truncate(n);
    let namespace_ok = unilav_xml::declares_namespace(&head);
    chunk_stream(
        r,
        BLOCK_BYTES,
        head,
        1,
        Records::Xml,
        max_record,
        &mut |bytes, first_line| {
            *seq += 1;
            emit(Chunk {
                seq: *seq,
                input: idx,
                label: label.clone(),
                format: SourceFormat::Unilav,
                bytes,
                first_line,
                header: None,
                namespace_ok,
                date_order: lombardia::DateOrder::Dmy,
                encoding: encoding::Encoding::Utf8,
            })
        },
    )
}

/// A reader that computes the sha256 of everything read through it, so that an input is
/// identified in the same pass that reads it.
pub struct HashingReader<R> {
    inner: R,
    hasher: sha2::Sha256,
    read: u64,
}

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R) -> Self {
        use sha2::Digest;
        HashingReader {
            inner,
            hasher: sha2::Sha256::new(),
            read: 0,
        }
    }

    /// Bytes read so far.
    pub fn position(&self) -> u64 {
        self.read
    }

    /// Reads what is left and returns the hex sha256 of the whole stream.
    pub fn finish(mut self) -> Result<String> {
        use sha2::Digest;
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = self.inner.read(&mut buf)?;
            if n == 0 {
                break;
            }
            self.hasher.update(&buf[..n]);
        }
        Ok(hex::encode(self.hasher.finalize()))
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use sha2::Digest;
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.read += n as u64;
        Ok(n)
    }
}

/// sha256 of a file, streamed (identifies an input in the manifest).
pub fn sha256_file(path: &Path) -> Result<String> {
    use sha2::Digest;
    let mut f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_file_beyond_the_bound_is_refused_with_its_name() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("did.csv");
        std::fs::write(&p, b"0123456789").unwrap();
        let (bytes, sha) = read_bounded(&p, 10).unwrap();
        assert_eq!((bytes.len(), sha.len()), (10, 64));
        let e = read_bounded(&p, 9).unwrap_err().to_string();
        assert!(e.contains("did.csv") && e.contains("larger than 9 bytes"), "{e}");
        assert!(read_whole(d.path()).is_err(), "a folder is not a file");
    }

    #[test]
    fn csv_cut_reads_quotes_like_the_csv_parser() {
        let cut = |b: &[u8]| csv_cut(b, b';');
        assert_eq!(cut(b"a;b\nc;\"x\ny\"\nd").end, Some(12));
        assert_eq!(cut(b"a;\"open\nstill").end, None);
        assert_eq!(cut(b"a;\"open\nstill").open_quote, Some(2));
        assert_eq!(cut(b"abc").end, None);
        // A quote inside an unquoted field is a character, not the start of a quoted field.
        assert_eq!(cut(b"ab\"c;d\ne;f\n").end, Some(11));
        assert_eq!(cut(b"ab\"c;d\ne;f\n").open_quote, None);
        // "" inside a quoted field, text after a closing quote, CRLF.
        assert_eq!(cut(b"\"a\"\"\n\";x\r\n\"b\"c;d\r\n").end, Some(18));
        assert_eq!(csv_cut(b"a,\"b,c\",d\n", b',').end, Some(10));
    }

    #[test]
    fn an_unbalanced_quote_stops_the_file_at_its_line() {
        let mut data = b"1;a\n2;\"b\n".to_vec();
        for i in 0..100 {
            data.extend_from_slice(format!("{i};x\n").as_bytes());
        }
        let run = |cap: usize| {
            chunk_stream(
                &data[..],
                64,
                Vec::new(),
                2,
                Records::Csv(b';'),
                cap,
                &mut |_, _| Ok(()),
            )
            .unwrap_err()
            .to_string()
        };
        // At the end of the stream, or when the record outgrows the cap: the opening line.
        assert!(run(1 << 20).contains("line 3"), "{}", run(1 << 20));
        assert!(run(256).contains("line 3"), "{}", run(256));
        // An endless stream without record ends stops at the cap.
        let zeros = std::io::repeat(0).take(10 << 20);
        let err = chunk_stream(zeros, 4096, Vec::new(), 1, Records::Xml, 1 << 20, &mut |_, _| Ok(()));
        assert!(err.unwrap_err().to_string().contains("no end of record"));
    }

    #[test]
    fn xml_boundary_finds_last_closing_tag() {
        let doc = b"<B><UniLav a=\"1\"></UniLav><UniLav></UniLav><UniLav a=\"2\">";
        assert_eq!(xml_boundary(doc), Some(43));
        assert_eq!(xml_boundary(b"<x:UniLav></x:UniLav>tail"), Some(21));
        assert_eq!(xml_boundary(b"<UniLav>"), None);
    }

    #[test]
    fn chunking_keeps_records_whole_and_counts_lines() {
        let mut data = Vec::new();
        for i in 0..200_000 {
            data.extend_from_slice(format!("{i};\"q;\nx\"\n").as_bytes());
        }
        let mut got = Vec::new();
        chunk_stream(
            &data[..],
            4096,
            Vec::new(),
            2,
            Records::Csv(b';'),
            MAX_RECORD_BYTES,
            &mut |b, l| {
                got.push((b, l));
                Ok(())
            },
        )
        .unwrap();
        assert!(got.len() > 1);
        let joined: Vec<u8> = got.iter().flat_map(|(b, _)| b.clone()).collect();
        assert_eq!(joined, data);
        for (b, l) in &got {
            let first: String = String::from_utf8_lossy(&b[..b.iter().position(|&c| c == b';').unwrap()]).into();
            let i: u64 = first.parse().unwrap();
            assert_eq!(*l, 2 + 2 * i, "each record spans two lines");
        }
    }
}
