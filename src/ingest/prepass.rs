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
use crate::sources::{self, co_csv, unilav_xml, InputFile, SourceFormat};
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
}

/// Start tags of `UniLav` elements (`<UniLav …>`, `<UniLav/>`, `<ns:UniLav …>`).
fn count_start_tags(bytes: &[u8]) -> u64 {
    memchr::memmem::find_iter(bytes, b"UniLav")
        .filter(|&pos| {
            matches!(
                unilav_xml::unilav_tag_at(bytes, pos),
                Some(unilav_xml::UniLavTag::Start(_))
            )
        })
        .count() as u64
}

fn scan_xml(bytes: &[u8], out: &mut FxHashSet<u64>) -> u64 {
    const TAG: &[u8] = b"CodiceComunicazionePrecedente>";
    for pos in memchr::memmem::find_iter(bytes, TAG) {
        // Only opening tags: `<CodiceComunicazionePrecedente>` or `<p:CodiceComunicazionePrecedente>`.
        let before = pos.checked_sub(1).map(|i| bytes[i]);
        if before == Some(b'/') {
            continue;
        }
        let start = pos + TAG.len();
        if let Some(len) = memchr::memchr(b'<', &bytes[start..]) {
            if let Ok(code) = std::str::from_utf8(&bytes[start..start + len]) {
                let code = code.trim();
                if !code.is_empty() {
                    out.insert(code_hash(code));
                }
            }
        }
    }
    count_start_tags(bytes)
}

/// Scans an XML stream; returns the number of `UniLav` elements.
fn scan_xml_stream(mut r: impl Read, max_record: usize, out: &mut FxHashSet<u64>, pb: &ProgressBar) -> Result<u64> {
    let mut buf = vec![0u8; 4 << 20];
    let mut carry = 0usize;
    let mut records = 0;
    let mut offset = 0u64;
    loop {
        let n = r.read(&mut buf[carry..])?;
        if n == 0 {
            return Ok(records + scan_xml(&buf[..carry], out));
        }
        pb.inc(n as u64);
        let filled = carry + n;
        // Scan up to the last '>' so a tag is never cut; keep the rest.
        let cut = memchr::memrchr(b'>', &buf[..filled]).map_or(0, |k| k + 1);
        records += scan_xml(&buf[..cut], out);
        offset += cut as u64;
        buf.copy_within(cut..filled, 0);
        carry = filled - cut;
        if carry > max_record {
            anyhow::bail!(
                "byte {offset}: no `>` within {max_record} bytes: not an XML document (a binary or endless file?)"
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

/// The lines of a chunk without quotes (the last one may lack its `\n`), found with memchr.
fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut start = 0;
    let mut ends = memchr::memchr_iter(b'\n', bytes);
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let end = ends.next().unwrap_or(bytes.len());
        let line = &bytes[start..end];
        start = end + 1;
        Some(line)
    })
}

/// Reads a chunk of whole CSV records: collects the values of column `col` (the codes
/// corrections point at) when given, and returns how many records the chunk holds (blank
/// lines are not records). Without quotes in the chunk a record is a line and fields are
/// split with memchr; otherwise the CSV parser reads it.
fn scan_csv_chunk(
    bytes: &[u8],
    first_line: u64,
    col: Option<usize>,
    header: &co_csv::Header,
    max_record: usize,
    out: &mut FxHashSet<u64>,
) -> Result<u64> {
    let mut records = 0;
    if memchr::memchr(b'"', bytes).is_none() {
        for (k, line) in lines(bytes).enumerate() {
            if line.len() > max_record {
                anyhow::bail!(
                    "line {}: a record of {} bytes, more than the limit of {max_record} (--max-record-bytes)",
                    first_line + k as u64,
                    line.len()
                );
            }
            if blank(line) {
                continue;
            }
            records += 1;
            let Some(col) = col else { continue };
            let mut start = 0usize;
            let mut k = 0usize;
            let mut it = memchr::memchr_iter(header.delimiter, line);
            let field = loop {
                let end = it.next();
                if k == col {
                    break Some(&line[start..end.unwrap_or(line.len())]);
                }
                match end {
                    Some(e) => start = e + 1,
                    None => break None,
                }
                k += 1;
            };
            if let Some(v) = field {
                let v = v.strip_suffix(b"\r").unwrap_or(v);
                if !v.is_empty() {
                    insert_code(v, out);
                }
            }
        }
        return Ok(records);
    }
    co_csv::for_each_byte_record(bytes, first_line, header, |_, rec| {
        if co_csv::is_blank(rec) {
            return;
        }
        records += 1;
        if let Some(v) = col.and_then(|c| rec.get(c)) {
            if !v.is_empty() {
                insert_code(v, out);
            }
        }
    })?;
    Ok(records)
}

/// One pass over an input: its sha256, its records and the codes its corrections point at.
/// Errors name the file (and the line, or the zip member).
pub fn scan_input(inp: &InputFile, pb: &ProgressBar) -> Result<Scan> {
    let name = inp.path.display();
    scan(inp, pb).with_context(|| format!("{name}"))
}

fn scan(inp: &InputFile, pb: &ProgressBar) -> Result<Scan> {
    let mut codes = FxHashSet::default();
    let mut records = 0u64;
    let file = std::fs::File::open(&inp.path).context("opening the file")?;
    let mut f = sources::HashingReader::new(file);
    match inp.format {
        SourceFormat::Lombardia | SourceFormat::Csv => {
            let (header, rest, first_line) =
                co_csv::read_header(&mut f, inp.format, inp.max_record_bytes).context("reading the header")?;
            let col = match inp.format {
                SourceFormat::Csv => Some(
                    header
                        .fields
                        .iter()
                        .position(|f| *f == Some(F::CodiceComunicazionePrecedente))
                        .context("missing column invio_CodiceComunicazionePrecedente")?,
                ),
                _ => {
                    // A file whose event kind cannot be told is a file-level error, raised
                    // before any record is read rather than as one quarantined row per record.
                    let name = inp
                        .path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    crate::sources::lombardia::Columns::from_header(&header, &name)?;
                    None
                }
            };
            sources::chunk_stream(
                &mut f,
                sources::BLOCK_BYTES,
                rest,
                first_line,
                sources::Records::Csv(header.delimiter),
                inp.max_record_bytes,
                &mut |bytes, line| {
                    records += scan_csv_chunk(&bytes, line, col, &header, inp.max_record_bytes, &mut codes)?;
                    pb.inc(bytes.len() as u64);
                    Ok(())
                },
            )?;
        }
        SourceFormat::Unilav => {
            if inp.path.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip")) {
                let mut z = zip::ZipArchive::new(std::fs::File::open(&inp.path)?).context("not a valid zip archive")?;
                for i in 0..z.len() {
                    let e = z.by_index(i).with_context(|| format!("reading zip entry {i}"))?;
                    let member = e.name().map(|n| n.into_owned()).unwrap_or_default();
                    if member.to_lowercase().ends_with(".xml") {
                        records += scan_xml_stream(e, inp.max_record_bytes, &mut codes, &ProgressBar::hidden())
                            .with_context(|| format!("zip member {member}"))?;
                    }
                }
                pb.inc(inp.bytes);
            } else {
                records += scan_xml_stream(&mut f, inp.max_record_bytes, &mut codes, pb)?;
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
    Ok(Scan {
        sha256: f.finish()?,
        codes,
        records,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fast_path_and_quoted_fallback_agree() {
        let h = co_csv::Header::parse(&crate::model::FIELD_NAMES.join(";"), SourceFormat::Csv).unwrap();
        let plain = b"1700000000000002;1700000000000001;03\r\n1700000000000003;;01\n";
        let quoted = b"1700000000000002;\"1700000000000001\";03\n1700000000000003;;\"a;b\"\n";
        let (mut a, mut b) = (FxHashSet::default(), FxHashSet::default());
        let max = sources::MAX_RECORD_BYTES;
        assert_eq!(scan_csv_chunk(plain, 2, Some(1), &h, max, &mut a).unwrap(), 2);
        assert_eq!(scan_csv_chunk(quoted, 2, Some(1), &h, max, &mut b).unwrap(), 2);
        // Blank lines are not records, a last line without its line end is.
        let mut c = FxHashSet::default();
        assert_eq!(
            scan_csv_chunk(b"1;2;3\n\n  \r\n4;5;6", 2, None, &h, max, &mut c).unwrap(),
            2
        );
        let err = scan_csv_chunk(b"1;2;3\n4;55555;6\n", 2, None, &h, 7, &mut c).unwrap_err();
        assert!(err.to_string().contains("line 3"), "{err}");
        assert_eq!(a, b);
        assert_eq!(a.len(), 1);
        assert!(a.contains(&code_hash("1700000000000001")));
    }

    #[test]
    fn finds_precedente_codes_across_buffer_cuts() {
        let mut doc = String::from("<UniLavBatch>");
        for i in 0..50_000 {
            doc.push_str(&format!(
                "<UniLav><TipoComunicazione codice=\"03\"><CodiceComunicazionePrecedente>{i:016}</CodiceComunicazionePrecedente></TipoComunicazione></UniLav>\n"
            ));
        }
        let mut out = FxHashSet::default();
        scan_xml_stream(
            doc.as_bytes(),
            sources::MAX_RECORD_BYTES,
            &mut out,
            &ProgressBar::hidden(),
        )
        .unwrap();
        assert_eq!(out.len(), 50_000);
        assert!(out.contains(&code_hash("0000000000049999")));
    }
}
