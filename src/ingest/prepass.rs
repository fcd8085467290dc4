//! Pre-pass: the codes that rettifiche and annullamenti point at.
//!
//! Knowing them before the main pass lets the ingest hold back exactly those records (and
//! the corrections) and stream every other record straight to Parquet, instead of rewriting
//! files after resolution. The pass reads only the `CodiceComunicazionePrecedente` values.

use super::worker::code_hash;
use crate::model::F;
use crate::sources::{self, co_csv, InputFile, SourceFormat};
use anyhow::{Context, Result};
use indicatif::ProgressBar;
use rustc_hash::FxHashSet;
use std::io::Read;

fn scan_xml(bytes: &[u8], out: &mut FxHashSet<u64>) {
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
}

fn scan_xml_stream(mut r: impl Read, out: &mut FxHashSet<u64>, pb: &ProgressBar) -> Result<()> {
    let mut buf = vec![0u8; 4 << 20];
    let mut carry = 0usize;
    loop {
        let n = r.read(&mut buf[carry..])?;
        if n == 0 {
            scan_xml(&buf[..carry], out);
            return Ok(());
        }
        pb.inc(n as u64);
        let filled = carry + n;
        // Scan up to the last '>' so a tag is never cut; keep the rest.
        let cut = memchr::memrchr(b'>', &buf[..filled]).map_or(0, |k| k + 1);
        scan_xml(&buf[..cut], out);
        buf.copy_within(cut..filled, 0);
        carry = filled - cut;
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

/// The values of column `col` in a chunk of whole CSV records. Without quotes in the chunk a
/// record is a line and fields are split with memchr; otherwise the CSV parser reads it.
fn scan_csv_chunk(bytes: &[u8], col: usize, header: &co_csv::Header, out: &mut FxHashSet<u64>) -> Result<()> {
    if memchr::memchr(b'"', bytes).is_none() {
        for line in bytes.split(|&b| b == b'\n') {
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
        return Ok(());
    }
    co_csv::for_each_byte_record(bytes, 0, header, |_, rec| {
        if let Some(v) = rec.get(col) {
            if !v.is_empty() {
                insert_code(v, out);
            }
        }
    })
}

/// One pass over an input: its sha256 and the codes its corrections point at.
pub fn scan_input(inp: &InputFile, pb: &ProgressBar) -> Result<(String, FxHashSet<u64>)> {
    let mut codes = FxHashSet::default();
    let file = std::fs::File::open(&inp.path).with_context(|| format!("opening {}", inp.path.display()))?;
    let mut f = sources::HashingReader::new(file);
    match inp.format {
        SourceFormat::Lombardia => {
            // A file whose event kind cannot be told is a file-level error, raised before any
            // record is read rather than as one quarantined row per record.
            let (header, _, _) = co_csv::read_header(&mut f, SourceFormat::Lombardia)
                .with_context(|| format!("{}: reading the header", inp.path.display()))?;
            let name = inp
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            crate::sources::lombardia::Columns::from_header(&header, &name)?;
            pb.inc(inp.bytes);
        }
        SourceFormat::Csv => {
            let (header, rest, _) = co_csv::read_header(&mut f, SourceFormat::Csv)
                .with_context(|| format!("{}: reading the header", inp.path.display()))?;
            let col = header
                .fields
                .iter()
                .position(|f| *f == Some(F::CodiceComunicazionePrecedente))
                .context("missing column invio_CodiceComunicazionePrecedente")?;
            sources::chunk_stream(
                &mut f,
                sources::BLOCK_BYTES,
                rest,
                2,
                sources::csv_boundary,
                &mut |bytes, _| {
                    scan_csv_chunk(&bytes, col, &header, &mut codes)?;
                    pb.inc(bytes.len() as u64);
                    Ok(())
                },
            )?;
        }
        SourceFormat::Unilav => {
            if inp.path.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip")) {
                let mut z = zip::ZipArchive::new(std::fs::File::open(&inp.path)?)
                    .with_context(|| format!("{}: not a zip archive", inp.path.display()))?;
                for i in 0..z.len() {
                    let e = z.by_index(i)?;
                    if e.name().is_ok_and(|n| n.to_lowercase().ends_with(".xml")) {
                        scan_xml_stream(e, &mut codes, &ProgressBar::hidden())?;
                    }
                }
                pb.inc(inp.bytes);
            } else {
                scan_xml_stream(&mut f, &mut codes, pb)?;
            }
        }
    }
    Ok((f.finish()?, codes))
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
        scan_csv_chunk(plain, 1, &h, &mut a).unwrap();
        scan_csv_chunk(quoted, 1, &h, &mut b).unwrap();
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
        scan_xml_stream(doc.as_bytes(), &mut out, &ProgressBar::hidden()).unwrap();
        assert_eq!(out.len(), 50_000);
        assert!(out.contains(&code_hash("0000000000049999")));
    }
}
