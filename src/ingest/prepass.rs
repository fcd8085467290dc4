//! Pre-pass: each input's identity, how many records it holds, and the codes that
//! rettifiche and annullamenti point at.
//!
//! Knowing the codes before the main pass lets the ingest hold back exactly those records
//! (and the corrections) and stream every other record straight to Parquet, instead of
//! rewriting files after resolution. The record count is what the main pass must read back
//! from the file, record for record, or the run fails: a file never yields less than it
//! holds. The pass also stops, before anything is written, a file that cannot be cut into
//! records (an unbalanced quote, bare CR line ends, no record end within
//! [`sources::Limits::max_record_bytes`], no record at all).

use super::worker::code_hash;
use crate::model::F;
use crate::sources::encoding::{Encoding, EncodingEvidence};
use crate::sources::{self, co_csv, lombardia, unilav_xml, InputFile, SourceFormat};
use anyhow::{Context, Result};
use indicatif::ProgressBar;
use rustc_hash::FxHashSet;
use std::io::Read;

/// What the pre-pass learns of an input.
#[derive(Debug, Clone)]
pub struct Scan {
    /// Hex sha256 of the file's bytes.
    pub sha256: String,
    /// Hashes of the codes its corrections point at.
    pub codes: FxHashSet<u64>,
    /// Records it holds: `UniLav` start tags, or CSV records that are not blank lines.
    pub records: u64,
    /// Bytes of those records (a `UniLav` element from `<` to `>`; a CSV record with its line
    /// end), and bytes read: the rest is structure (header, blank lines, XML prolog and
    /// wrappers). For a zip, the bytes of its XML members.
    pub record_bytes: u64,
    pub bytes_read: u64,
    /// CSV: its encoding.
    pub encoding: Option<Encoding>,
    /// Lombardia: the order of day and month of its dates (None: no nn/nn/nnnn date).
    pub date_order: Option<lombardia::DateOrder>,
    /// CSV: fingerprint of its records' text (hex xxh3): the same records saved with other
    /// line ends or in another encoding have the same one.
    pub content: Option<String>,
}

/// Communication elements (`UniLav`, `UniSomm`) of an XML stream: how many, and how many bytes they take, counted the
/// way the main pass cuts them (`unilav_xml::split_elements`): an element runs from its start
/// tag to its end tag; one left open runs to the next start tag, or to the end of the stream.
#[derive(Debug, Default)]
struct XmlCount {
    records: u64,
    record_bytes: u64,
    /// Stream offset of the start tag of the element still open.
    open: Option<u64>,
}

impl XmlCount {
    /// Counts the tags of `bytes`, which start at stream offset `base` and end before a `<`.
    fn tags(&mut self, bytes: &[u8], base: u64) {
        for (pos, tag) in unilav_xml::tags(bytes) {
            match tag {
                unilav_xml::UniLavTag::Start(at) => {
                    self.records += 1;
                    let at_stream = base + at as u64;
                    if let Some(open) = self.open.take() {
                        self.record_bytes += at_stream - open;
                    }
                    let len = unilav_xml::tag_len(&bytes[at..]);
                    if unilav_xml::self_closing(&bytes[at..]) {
                        self.record_bytes += len as u64;
                    } else {
                        self.open = Some(at_stream);
                    }
                }
                unilav_xml::UniLavTag::End => {
                    if let Some(open) = self.open.take() {
                        let end = pos + unilav_xml::tag_len(&bytes[pos..]);
                        self.record_bytes += base + end as u64 - open;
                    }
                }
            }
        }
    }

    fn finish(&mut self, total: u64) {
        if let Some(open) = self.open.take() {
            self.record_bytes += total - open;
        }
    }
}

fn scan_codes(bytes: &[u8], out: &mut FxHashSet<u64>) {
    const TAG: &[u8] = b"CodiceComunicazionePrecedente>";
    for pos in memchr::memmem::find_iter(bytes, TAG) {
        // Only opening tags: `<CodiceComunicazionePrecedente>` or `<p:CodiceComunicazionePrecedente>`.
        let before = pos.checked_sub(1).map(|i| bytes[i]);
        if before == Some(b'/') {
            continue;
        }
        // The text runs to the next `<`, or to the end of the slice, which is cut before one.
        let start = pos + TAG.len();
        let len = memchr::memchr(b'<', &bytes[start..]).unwrap_or(bytes.len() - start);
        if let Ok(code) = std::str::from_utf8(&bytes[start..start + len]) {
            let code = code.trim();
            if !code.is_empty() {
                out.insert(code_hash(code));
            }
        }
    }
}

/// Scans an XML stream; returns its `UniLav` elements, their bytes and the bytes read.
fn scan_xml_stream(
    mut r: impl Read,
    max_record: usize,
    out: &mut FxHashSet<u64>,
    pb: &ProgressBar,
) -> Result<(u64, u64, u64)> {
    let mut buf = vec![0u8; 4 << 20];
    let mut carry = 0usize;
    let mut count = XmlCount::default();
    let mut offset = 0u64;
    loop {
        let n = r.read(&mut buf[carry..])?;
        if n == 0 {
            scan_codes(&buf[..carry], out);
            count.tags(&buf[..carry], offset);
            let total = offset + carry as u64;
            count.finish(total);
            return Ok((count.records, count.record_bytes, total));
        }
        pb.inc(n as u64);
        let filled = carry + n;
        // Scan up to the last '<': no tag is cut, and a text node stays with the tag before
        // it (a code is never split from its `<CodiceComunicazionePrecedente>`); keep the rest.
        let cut = memchr::memrchr(b'<', &buf[..filled]).unwrap_or(0);
        scan_codes(&buf[..cut], out);
        count.tags(&buf[..cut], offset);
        offset += cut as u64;
        buf.copy_within(cut..filled, 0);
        carry = filled - cut;
        if carry > max_record {
            anyhow::bail!(
                "byte {offset}: no `<` within {max_record} bytes: not an XML document (a binary or endless file?)"
            );
        }
        if carry == buf.len() {
            buf.resize(buf.len() * 2, 0);
        }
    }
}

fn insert_code(v: &[u8], out: &mut FxHashSet<u64>) {
    if let Ok(s) = std::str::from_utf8(v) {
        let s = s.trim();
        if !s.is_empty() {
            out.insert(code_hash(s));
        }
    }
}

/// Whether a line (without its `\n`) is blank: white space only.
fn blank(line: &[u8]) -> bool {
    line.iter().all(|b| b.is_ascii_whitespace())
}

/// The lines of a chunk without quotes (the last one may lack its `\n`), each with its line
/// end, found with memchr.
fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut start = 0;
    let mut ends = memchr::memchr_iter(b'\n', bytes);
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let end = ends.next().map_or(bytes.len(), |e| e + 1);
        let line = &bytes[start..end];
        start = end;
        Some(line)
    })
}

/// A column the pre-pass reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Watch {
    /// CO CSV: the code a correction points at.
    Precedente,
    /// Lombardia: `DATA`, `CONTRATTO`, `SETTOREECONOMICODETTAGLIO`.
    Data,
    Contratto,
    Settore,
}

/// What the pre-pass gathers from the fields of a CSV file.
struct CsvScan<'a> {
    /// Watched columns, by position.
    watched: Vec<(usize, Watch)>,
    codes: &'a mut FxHashSet<u64>,
    dates: lombardia::DateEvidence,
    vocabulary: lombardia::Vocabulary,
    encoding: EncodingEvidence,
    records: u64,
    record_bytes: u64,
    /// Hash of the records' text: line ends normalised, Latin-1 read as such.
    content: xxhash_rust::xxh3::Xxh3,
    /// First error found inside a record callback.
    error: Option<anyhow::Error>,
}

impl<'a> CsvScan<'a> {
    fn new(watched: Vec<(usize, Watch)>, codes: &'a mut FxHashSet<u64>) -> Self {
        CsvScan {
            watched,
            codes,
            dates: lombardia::DateEvidence::default(),
            vocabulary: lombardia::Vocabulary::default(),
            encoding: EncodingEvidence::default(),
            records: 0,
            record_bytes: 0,
            content: xxhash_rust::xxh3::Xxh3::new(),
            error: None,
        }
    }

    fn visit(&mut self, w: Watch, v: &[u8], line: u64) {
        let r = match w {
            Watch::Precedente => {
                if !v.is_empty() {
                    insert_code(v, self.codes);
                }
                Ok(())
            }
            Watch::Data => {
                self.dates.observe(v, line);
                Ok(())
            }
            Watch::Contratto => self.vocabulary.observe(false, v, line),
            Watch::Settore => self.vocabulary.observe(true, v, line),
        };
        if let (Err(e), None) = (r, &self.error) {
            self.error = Some(e);
        }
    }

    /// Reads a chunk of whole CSV records (blank lines are not records). Without quotes in
    /// the chunk a record is a line and fields are split with memchr; otherwise the CSV
    /// parser reads it.
    fn chunk(&mut self, bytes: &[u8], first_line: u64, header: &co_csv::Header, max_record: usize) -> Result<()> {
        let utf8 = self.encoding.observe(bytes, first_line);
        self.fingerprint(bytes, utf8);
        let last = self.watched.iter().map(|(c, _)| *c).max();
        if memchr::memchr(b'"', bytes).is_none() {
            // A CR that is not part of a CRLF ends a record for a CSV reader, not for a line
            // count: found cheaply (every CR in a CRLF), then named by its line.
            let crs = memchr::memchr_iter(b'\r', bytes).count();
            if crs > 0 && crs != memchr::memmem::find_iter(bytes, b"\r\n").count() {
                for (k, line) in lines(bytes).enumerate() {
                    let text = line.strip_suffix(b"\n").unwrap_or(line);
                    let text = text.strip_suffix(b"\r").unwrap_or(text);
                    if memchr::memchr(b'\r', text).is_some() {
                        bail_bare_cr(first_line + k as u64)?;
                    }
                }
            }
            let mut bounds: Vec<(usize, usize)> = Vec::new();
            for (k, line) in lines(bytes).enumerate() {
                let line_no = first_line + k as u64;
                let text = line.strip_suffix(b"\n").unwrap_or(line);
                if text.len() > max_record {
                    anyhow::bail!(
                        "line {line_no}: a record of {} bytes, more than the limit of {max_record} (--max-record-bytes)",
                        text.len()
                    );
                }
                if blank(text) {
                    continue;
                }
                self.records += 1;
                self.record_bytes += line.len() as u64;
                let Some(last) = last else { continue };
                let text = text.strip_suffix(b"\r").unwrap_or(text);
                bounds.clear();
                let mut start = 0usize;
                for end in memchr::memchr_iter(header.delimiter, text).chain(std::iter::once(text.len())) {
                    bounds.push((start, end));
                    start = end + 1;
                    if bounds.len() > last {
                        break;
                    }
                }
                for i in 0..self.watched.len() {
                    let (col, w) = self.watched[i];
                    if let Some(&(a, b)) = bounds.get(col) {
                        self.visit(w, &text[a..b], line_no);
                    }
                }
            }
        } else {
            co_csv::for_each_byte_record_sized(bytes, first_line, header, |line, raw, rec| {
                if co_csv::is_blank(rec) {
                    return;
                }
                self.records += 1;
                self.record_bytes += raw.len() as u64;
                for i in 0..self.watched.len() {
                    let (col, w) = self.watched[i];
                    if let Some(v) = rec.get(col) {
                        self.visit(w, v, line);
                    }
                }
            })?;
        }
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

fn bail_bare_cr(line: u64) -> Result<()> {
    anyhow::bail!(co_csv::bare_cr_message(line))
}

impl CsvScan<'_> {
    /// Feeds the content fingerprint: every non-blank line without its line end, as text (a
    /// chunk that is not UTF-8 is read as Latin-1, as the main pass will read it). The same
    /// records give the same fingerprint whatever the line ends, the encoding or the cut into
    /// chunks.
    fn fingerprint(&mut self, bytes: &[u8], utf8: bool) {
        let text: std::borrow::Cow<[u8]> = if utf8 {
            bytes.into()
        } else {
            Encoding::Latin1.to_utf8(bytes.to_vec()).into()
        };
        for line in lines(&text) {
            let line = line.strip_suffix(b"\n").unwrap_or(line);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if !blank(line) {
                self.content.update(line);
                self.content.update(b"\n");
            }
        }
    }
}

/// One pass over an input: its sha256, its records and the codes its corrections point at.
/// Errors name the file (and the line, or the zip member).
pub fn scan_input(inp: &InputFile, opts: &ScanOptions, pb: &ProgressBar) -> Result<Scan> {
    let name = inp.path.display();
    scan(inp, opts, pb).with_context(|| format!("{name}"))
}

/// What the user said about inputs the data cannot settle.
#[derive(Debug, Clone, Copy, Default)]
pub struct ScanOptions {
    /// `--date-order`: for Lombardia files whose every date reads both ways.
    pub date_order: Option<lombardia::DateOrder>,
    /// `--allow-unmapped-labels`: take a Lombardia file whose contract or sector wordings match
    /// no code (null codes, counted), instead of refusing it.
    pub allow_unmapped_labels: bool,
}

fn scan(inp: &InputFile, opts: &ScanOptions, pb: &ProgressBar) -> Result<Scan> {
    let mut codes = FxHashSet::default();
    let mut records = 0u64;
    let mut record_bytes = 0u64;
    let mut encoding = None;
    let mut date_order = None;
    // Zip: the bytes of its XML members, unpacked.
    let mut unpacked = 0u64;
    let mut content = None;
    let file = std::fs::File::open(&inp.path).context("opening the file")?;
    let mut f = sources::HashingReader::new(file);
    match inp.format {
        SourceFormat::Lombardia | SourceFormat::Csv => {
            let (header, rest, first_line) =
                co_csv::read_header(&mut f, inp.format, inp.max_record_bytes).context("reading the header")?;
            let watched = match inp.format {
                SourceFormat::Csv => vec![(
                    header
                        .fields
                        .iter()
                        .position(|f| *f == Some(F::CodiceComunicazionePrecedente))
                        .context("missing column invio_CodiceComunicazionePrecedente")?,
                    Watch::Precedente,
                )],
                _ => {
                    // A file whose event kind cannot be told is a file-level error, raised
                    // before any record is read rather than as one quarantined row per record.
                    let name = inp
                        .path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let (cols, _) = lombardia::Columns::from_header(&header, &name)?;
                    let (data, contratto, settore) = cols.checked();
                    let mut w = vec![(data, Watch::Data)];
                    w.extend(contratto.map(|c| (c, Watch::Contratto)));
                    w.extend(settore.map(|c| (c, Watch::Settore)));
                    w.sort_by_key(|(c, _)| *c);
                    w
                }
            };
            let mut cs = CsvScan::new(watched, &mut codes);
            sources::chunk_stream(
                &mut f,
                sources::BLOCK_BYTES,
                rest,
                first_line,
                sources::Records::Csv(header.delimiter),
                inp.max_record_bytes,
                &mut |bytes, line| {
                    cs.chunk(&bytes, line, &header, inp.max_record_bytes)?;
                    pb.inc(bytes.len() as u64);
                    Ok(())
                },
            )?;
            let enc = cs.encoding.decide()?;
            encoding = Some(enc);
            if inp.format == SourceFormat::Lombardia {
                date_order = cs.dates.decide(opts.date_order)?;
                let unmapped = cs.vocabulary.unmapped(enc);
                if !unmapped.is_empty() && !opts.allow_unmapped_labels {
                    anyhow::bail!(
                        "{} wordings match no code, so their records would lose their contract or sector:\n  {}\n\
                         add them to reference/oml/etichette_contratto.csv (contracts) with their source, or take the \
                         file with null codes: --allow-unmapped-labels",
                        unmapped.len(),
                        unmapped.iter().take(30).cloned().collect::<Vec<_>>().join("\n  ")
                    );
                }
            }
            records = cs.records;
            record_bytes = cs.record_bytes;
            content = Some(format!("{:016x}", cs.content.digest()));
        }
        SourceFormat::Unilav => {
            if inp.path.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip")) {
                let mut z = zip::ZipArchive::new(std::fs::File::open(&inp.path)?).context("not a valid zip archive")?;
                for i in 0..z.len() {
                    let e = z.by_index(i).with_context(|| format!("reading zip entry {i}"))?;
                    let member = e.name().map(|n| n.into_owned()).unwrap_or_default();
                    if member.to_lowercase().ends_with(".xml") {
                        let (n, b, read) = scan_xml_stream(e, inp.max_record_bytes, &mut codes, &ProgressBar::hidden())
                            .with_context(|| format!("zip member {member}"))?;
                        records += n;
                        record_bytes += b;
                        unpacked += read;
                    } else if !e.is_dir() && e.size() > 0 {
                        anyhow::bail!(
                            "zip member {member} is not an XML file: its {} bytes would not be read; \
                             take it out of the archive, or unpack the archive and ingest the XML files",
                            e.size()
                        );
                    }
                }
                pb.inc(inp.bytes);
            } else {
                let (n, b, _) = scan_xml_stream(&mut f, inp.max_record_bytes, &mut codes, pb)?;
                records += n;
                record_bytes += b;
            }
        }
    }
    if records == 0 {
        anyhow::bail!(
            "no communication in the file ({}): nothing to ingest; an empty export is left out rather than recorded",
            match inp.format {
                SourceFormat::Unilav => "no UniLav element",
                _ => "no record after the header",
            }
        );
    }
    let bytes_read = if unpacked > 0 { unpacked } else { f.position() };
    Ok(Scan {
        sha256: f.finish()?,
        codes,
        records,
        record_bytes,
        bytes_read,
        encoding,
        date_order,
        content,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records, record bytes and codes of one chunk read by [`CsvScan`].
    fn csv(bytes: &[u8], watch: Option<usize>, max: usize) -> Result<(u64, u64, FxHashSet<u64>)> {
        let h = co_csv::Header::parse(&crate::model::FIELD_NAMES.join(";"), SourceFormat::Csv).unwrap();
        let mut codes = FxHashSet::default();
        let mut cs = CsvScan::new(watch.map(|c| (c, Watch::Precedente)).into_iter().collect(), &mut codes);
        cs.chunk(bytes, 2, &h, max)?;
        let (r, b) = (cs.records, cs.record_bytes);
        Ok((r, b, codes))
    }

    #[test]
    fn csv_fast_path_and_quoted_fallback_agree() {
        let plain = b"1700000000000002;1700000000000001;03\r\n1700000000000003;;01\n";
        let quoted = b"1700000000000002;\"1700000000000001\";03\n1700000000000003;;\"a;b\"\n";
        let max = sources::MAX_RECORD_BYTES;
        let (n, bytes, a) = csv(plain, Some(1), max).unwrap();
        assert_eq!((n, bytes), (2, plain.len() as u64));
        let (n, bytes, b) = csv(quoted, Some(1), max).unwrap();
        assert_eq!((n, bytes), (2, quoted.len() as u64));
        assert_eq!(a, b);
        assert_eq!(a.len(), 1);
        assert!(a.contains(&code_hash("1700000000000001")));
        // Blank lines are not records (their bytes are structure), a last line without its
        // line end is; both paths count the same bytes.
        let (n, bytes, _) = csv(b"1;2;3\n\n  \r\n4;5;6", None, max).unwrap();
        assert_eq!((n, bytes), (2, 11));
        let (n, bytes, _) = csv(b"1;\"2\";3\n\n  \r\n4;5;6", None, max).unwrap();
        assert_eq!((n, bytes), (2, 13));
        let (n, bytes, _) = csv(b"1;\"2\";3\r\n\r\n4;5;6\r\n", None, max).unwrap();
        assert_eq!((n, bytes), (2, 16));
        let err = csv(b"1;2;3\n4;55555;6\n", None, 7).unwrap_err();
        assert!(err.to_string().contains("line 3"), "{err}");
    }

    #[test]
    fn finds_precedente_codes_and_element_bytes_across_buffer_cuts() {
        let head = "<?xml version=\"1.0\"?>\n<UniLavBatch>\n";
        let mut doc = String::from(head);
        let mut elements = 0;
        for i in 0..50_000 {
            let e = format!(
                "<UniLav><TipoComunicazione codice=\"03\"><CodiceComunicazionePrecedente>{i:016}</CodiceComunicazionePrecedente></TipoComunicazione></UniLav>"
            );
            elements += e.len();
            doc.push_str(&e);
            doc.push('\n');
        }
        doc.push_str("<UniLav/></UniLavBatch>\n");
        let mut out = FxHashSet::default();
        let (n, bytes, read) = scan_xml_stream(
            doc.as_bytes(),
            sources::MAX_RECORD_BYTES,
            &mut out,
            &ProgressBar::hidden(),
        )
        .unwrap();
        assert_eq!(out.len(), 50_000);
        assert!(out.contains(&code_hash("0000000000049999")));
        assert_eq!((n, bytes, read), (50_001, elements as u64 + 9, doc.len() as u64));
        // An element left open runs to the end of the stream, as the main pass cuts it.
        let (n, bytes, _) =
            scan_xml_stream(&b"<a><UniLav><x/>"[..], 1 << 20, &mut out, &ProgressBar::hidden()).unwrap();
        assert_eq!((n, bytes), (1, 12));
    }
}
