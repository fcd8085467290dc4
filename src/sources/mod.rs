//! Source adapters: find the input files, detect their format, and cut them into chunks of
//! whole records that worker threads parse in parallel.
//!
//! Memory stays bounded whatever the input size: files are read in blocks of
//! [`BLOCK_BYTES`], each chunk ends on a record boundary (a newline outside quotes for CSV,
//! the end of a `UniLav` element for XML), and the channel to the workers is bounded.

pub mod co_csv;
pub mod lombardia;
pub mod unilav_xml;

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
        if p.is_dir() {
            walk(&p, out)?;
        } else if has_ext(&p, "xml") || has_ext(&p, "zip") || has_ext(&p, "csv") {
            out.push(p);
        }
    }
    Ok(())
}

/// Expands files and folders (recursively, sorted by path) into the inputs to ingest.
pub fn discover(paths: &[PathBuf], forced: Option<SourceFormat>) -> Result<Vec<InputFile>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut files)?;
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            bail!("{}: no such file or folder", p.display());
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
            Ok(InputFile { path, format, bytes })
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
}

/// End (exclusive) of the last complete CSV record in `buf`: the last newline outside quotes.
/// `buf` starts on a record boundary.
pub fn csv_boundary(buf: &[u8]) -> Option<usize> {
    let mut in_quotes = false;
    let mut last = None;
    for pos in memchr::memchr2_iter(b'"', b'\n', buf) {
        if buf[pos] == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes {
            last = Some(pos + 1);
        }
    }
    last
}

/// End (exclusive) of the last complete `UniLav` element in `buf` (after its closing tag).
pub fn xml_boundary(buf: &[u8]) -> Option<usize> {
    let mut hay = buf;
    loop {
        let pos = memchr::memmem::rfind(hay, b"UniLav>")?;
        // A closing tag: `</UniLav>` or `</prefix:UniLav>`.
        let mut i = pos;
        if i > 0 && hay[i - 1] == b':' {
            i -= 1;
            while i > 0 && (hay[i - 1].is_ascii_alphanumeric() || hay[i - 1] == b'_' || hay[i - 1] == b'-') {
                i -= 1;
            }
        }
        if i >= 2 && hay[i - 2] == b'<' && hay[i - 1] == b'/' {
            return Some(pos + "UniLav>".len());
        }
        hay = &hay[..pos];
    }
}

/// Cuts a stream into chunks ending on record boundaries and hands them to `emit`.
/// `boundary` finds the end of the last whole record in a buffer.
pub(crate) fn chunk_stream(
    mut r: impl Read,
    block: usize,
    mut prefix: Vec<u8>,
    mut first_line: u64,
    boundary: fn(&[u8]) -> Option<usize>,
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
            if !buf.is_empty() {
                emit(buf, first_line)?;
            }
            return Ok(());
        }
        if let Some(end) = boundary(&buf) {
            let rest = buf[end..].to_vec();
            buf.truncate(end);
            let lines = memchr::memchr_iter(b'\n', &buf).count() as u64;
            emit(std::mem::replace(&mut buf, rest), first_line)?;
            first_line += lines;
        }
        // No boundary yet: the record is longer than a block; keep reading.
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
                let (header, rest, first_line) = co_csv::read_header(&mut f, input.format)
                    .with_context(|| format!("{}: reading the header", input.path.display()))?;
                let header = Arc::new(header);
                let fmt = input.format;
                chunk_stream(
                    f,
                    BLOCK_BYTES,
                    rest,
                    first_line,
                    csv_boundary,
                    &mut |bytes, first_line| {
                        seq += 1;
                        emit(Chunk {
                            seq,
                            input: idx,
                            label: label.clone(),
                            format: fmt,
                            bytes,
                            first_line,
                            header: Some(header.clone()),
                            namespace_ok: true,
                        })
                    },
                )?;
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
                    xml_chunks(entry, entry_label, idx, &mut seq, emit)?;
                }
            }
            SourceFormat::Unilav => {
                let f =
                    std::fs::File::open(&input.path).with_context(|| format!("opening {}", input.path.display()))?;
                xml_chunks(f, label.clone(), idx, &mut seq, emit)?;
            }
        }
    }
    Ok(())
}

fn xml_chunks(
    mut r: impl Read,
    label: Arc<str>,
    idx: usize,
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
    chunk_stream(r, BLOCK_BYTES, head, 1, xml_boundary, &mut |bytes, first_line| {
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
        })
    })
}

/// A reader that computes the sha256 of everything read through it, so that an input is
/// identified in the same pass that reads it.
pub struct HashingReader<R> {
    inner: R,
    hasher: sha2::Sha256,
}

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R) -> Self {
        use sha2::Digest;
        HashingReader {
            inner,
            hasher: sha2::Sha256::new(),
        }
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
    fn csv_boundary_respects_quotes() {
        assert_eq!(csv_boundary(b"a;b\nc;\"x\ny\"\nd"), Some(12));
        assert_eq!(csv_boundary(b"a;\"open\nstill"), None);
        assert_eq!(csv_boundary(b"abc"), None);
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
        chunk_stream(&data[..], 4096, Vec::new(), 2, csv_boundary, &mut |b, l| {
            got.push((b, l));
            Ok(())
        })
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
