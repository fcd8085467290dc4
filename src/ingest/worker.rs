//! The parallel part of an ingest: a chunk of records in, validated columns out.

use crate::lake::schema::{EventBuilder, Provenance, QuarantineRow};
use crate::model::{RawView, F};
use crate::privacy::Pseudonymizer;
use crate::quality::{self, redact, redact_xml_text, Motivo, Rejection};
use crate::sources::{co_csv, lombardia, unilav_xml, Chunk, SourceFormat};
use arrow::record_batch::RecordBatch;
use rustc_hash::FxHashSet;
use std::sync::Arc;
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

/// Per accepted row: what the ordered stage needs to deduplicate and resolve.
#[derive(Debug, Clone, Copy)]
pub struct RowMeta {
    pub code_hash: u64,
    /// Keyed hash of the raw record (all fields): equal content ⇔ exact duplicate.
    pub content_hash: u64,
    pub anno: i32,
    pub line: u64,
    /// Held back until resolution: a rettifica/annullamento, or the target of one.
    pub held: bool,
    /// Bytes the record takes in its file (line end included; a whole `UniLav` element).
    pub bytes: u64,
}

/// What a worker returns for a chunk.
pub struct ChunkResult {
    pub seq: u64,
    pub fonte: &'static str,
    pub input: usize,
    pub label: Arc<str>,
    /// Bytes of input the chunk held (progress).
    pub bytes: u64,
    pub read: u64,
    pub batch: RecordBatch,
    pub meta: Vec<RowMeta>,
    pub quarantine: Vec<QuarantineRow>,
    /// Bytes, in the file, of the records in `quarantine`.
    pub quarantined_bytes: u64,
    pub unmatched: lombardia::Unmatched,
    /// Values of coded fields dropped from the accepted records (`quality::codici`).
    pub scartati: quality::Scartati,
}

/// Shared, read-only context of the workers.
pub struct WorkerContext {
    /// Hashes of the codes referenced by any rettifica/annullamento of this run.
    pub targets: FxHashSet<u64>,
    pub content_seed: u64,
    pub data_estrazione: i32,
    pub id_run: Arc<str>,
    /// sha256 prefix of each input (Lombardia synthetic codes).
    pub code_prefix: Vec<String>,
    /// A longer field, or one holding a NUL byte, quarantines its record.
    pub max_field_bytes: usize,
}

pub fn code_hash(code: &str) -> u64 {
    xxh3_64(code.as_bytes())
}

fn content_hash(raw: &RawView<'_>, seed: u64, buf: &mut Vec<u8>) -> u64 {
    buf.clear();
    for v in raw {
        buf.extend_from_slice(v.as_bytes());
        buf.push(0x1f);
    }
    xxh3_64_with_seed(buf, seed)
}

/// Year of a record for the quarantine partition: from the sending date, else the start
/// date, else 0 (unknown).
fn anno_of(raw: &RawView<'_>) -> i32 {
    for f in [F::DataInvio, F::DataInizio] {
        let s = raw[f as usize].trim();
        if let Some(y) = s.get(..4).and_then(|y| y.parse::<i32>().ok()) {
            if (1900..=2100).contains(&y) {
                return y;
            }
        }
    }
    0
}

struct Out<'c> {
    ctx: &'c WorkerContext,
    chunk_label: Arc<str>,
    fonte: &'static str,
    builder: EventBuilder,
    meta: Vec<RowMeta>,
    quarantine: Vec<QuarantineRow>,
    read: u64,
    /// Bytes in the file of the record being looked at, and of those quarantined.
    record_bytes: u64,
    quarantined_bytes: u64,
    prov: Provenance,
    hash_buf: Vec<u8>,
    scartati: quality::Scartati,
}

impl Out<'_> {
    /// Starts a record that takes `bytes` in its file.
    fn record(&mut self, bytes: u64) {
        self.read += 1;
        self.record_bytes = bytes;
    }

    fn reject(&mut self, line: u64, codice: Option<&str>, rej: Rejection, grezzo: Option<String>, anno: i32) {
        self.quarantined_bytes += self.record_bytes;
        self.quarantine.push(QuarantineRow {
            anno,
            // Only a well-formed code is kept: an invalid one may be an identifier.
            codice_comunicazione: codice
                .filter(|c| quality::check_code_shape(c).is_ok())
                .map(str::to_string),
            motivo: rej.motivo.code(),
            campo: rej.campo,
            dettaglio: quality::mask_cf_patterns(&rej.dettaglio),
            fonte: self.fonte,
            file_origine: self.chunk_label.clone(),
            record_origine: line,
            record_grezzo: grezzo,
        });
    }

    fn accept(&mut self, v: &quality::Validated<'_>, line: u64, content: u64) {
        let code_hash = code_hash(v.codice_comunicazione);
        let held = v.is_correction() || self.ctx.targets.contains(&code_hash);
        self.builder.append(v, &self.prov, line, content);
        self.meta.push(RowMeta {
            code_hash,
            content_hash: content,
            anno: v.anno(),
            line,
            held,
            bytes: self.record_bytes,
        });
    }

    /// Validates a record of the UNILAV layout (counted with [`Out::record`] by the caller).
    fn unilav(&mut self, raw: &RawView<'_>, line: u64, pseudo: &mut Pseudonymizer) {
        // Fields no communication holds: too long, or with NUL bytes (binary data).
        let bad = raw.iter().enumerate().find_map(|(i, v)| {
            let name = F::from_index(i).name();
            if v.len() > self.ctx.max_field_bytes {
                Some(format!(
                    "campo {name}: {} byte, oltre il limite di {} (--max-field-bytes)",
                    v.len(),
                    self.ctx.max_field_bytes
                ))
            } else if v.contains('\0') {
                Some(format!("campo {name}: contiene byte NUL"))
            } else {
                None
            }
        });
        if let Some(dettaglio) = bad {
            let rej = Rejection {
                motivo: Motivo::RecordMalformato,
                campo: None,
                dettaglio,
            };
            let codice = raw[F::CodiceComunicazione as usize].trim();
            let codice = (codice.len() <= 64 && !codice.contains('\0')).then(|| codice.to_string());
            // The record is not kept in quarantine: only where it is and why.
            self.reject(line, codice.as_deref(), rej, None, anno_of(raw));
            return;
        }
        match quality::validate(raw, pseudo) {
            Ok(v) => {
                for (campo, f) in v.campi_scartati() {
                    let k = quality::chiave_scartato(campo, raw[f as usize]);
                    quality::conta_scartato(&mut self.scartati, &k, 1);
                }
                let h = content_hash(raw, self.ctx.content_seed, &mut self.hash_buf);
                self.accept(&v, line, h);
            }
            Err(rej) => {
                let codice = raw[F::CodiceComunicazione as usize].trim().to_string();
                self.reject(line, Some(&codice), rej, Some(redact(raw)), anno_of(raw));
            }
        }
    }
}

/// Validates every record of a chunk.
pub fn process(chunk: Chunk, ctx: &WorkerContext, pseudo: &mut Pseudonymizer) -> ChunkResult {
    let fonte = chunk.format.fonte();
    let bytes = chunk.bytes.len() as u64;
    let mut out = Out {
        ctx,
        chunk_label: chunk.label.clone(),
        fonte,
        builder: EventBuilder::new(),
        meta: Vec::new(),
        quarantine: Vec::new(),
        read: 0,
        record_bytes: 0,
        quarantined_bytes: 0,
        prov: Provenance {
            fonte,
            file_origine: chunk.label.clone(),
            data_estrazione: ctx.data_estrazione,
            id_run: ctx.id_run.clone(),
        },
        hash_buf: Vec::with_capacity(2048),
        scartati: quality::Scartati::new(),
    };
    let mut unmatched = lombardia::Unmatched::new();
    match chunk.format {
        SourceFormat::Csv => {
            if let Some(header) = chunk.header.as_deref() {
                co_csv::for_each_record(&chunk.bytes, chunk.first_line, header, |line, bytes, rec| {
                    out.record(chunk.encoding.source_len(bytes) as u64);
                    match rec {
                        co_csv::CsvRecord::Ok(view) => out.unilav(&view, line, pseudo),
                        co_csv::CsvRecord::Bad(msg) => {
                            // Columns cannot be told apart, so personal fields cannot be redacted:
                            // the record stays only in the source file, at this line.
                            let rej = Rejection {
                                motivo: Motivo::RecordMalformato,
                                campo: None,
                                dettaglio: msg,
                            };
                            out.reject(line, None, rej, None, 0);
                        }
                    }
                });
            }
        }
        SourceFormat::Unilav => {
            let (spans, open) = unilav_xml::split_elements(&chunk.bytes);
            for sp in spans {
                let line = chunk.first_line + sp.line - 1;
                let bytes = &chunk.bytes[sp.start..sp.end];
                out.record(bytes.len() as u64);
                let parsed = if chunk.namespace_ok {
                    unilav_xml::parse_element(bytes)
                } else {
                    Err(unilav_xml::XmlError {
                        message: format!("namespace {} non dichiarato", unilav_xml::NAMESPACE),
                    })
                };
                match parsed {
                    Ok(co) => out.unilav(&co.view(), line, pseudo),
                    Err(e) => {
                        let text = String::from_utf8_lossy(bytes);
                        let rej = Rejection {
                            motivo: Motivo::RecordMalformato,
                            campo: None,
                            dettaglio: e.message,
                        };
                        out.reject(line, None, rej, Some(redact_xml_text(&text)), 0);
                    }
                }
            }
            if let Some(sp) = open {
                out.record((sp.end - sp.start) as u64);
                let rej = Rejection {
                    motivo: Motivo::RecordMalformato,
                    campo: None,
                    dettaglio: "elemento UniLav non chiuso (file troncato?)".into(),
                };
                out.reject(chunk.first_line + sp.line - 1, None, rej, None, 0);
            }
        }
        SourceFormat::Lombardia => {
            if let Some(header) = chunk.header.as_deref() {
                let file_name = chunk.label.rsplit('/').next().unwrap_or(&chunk.label).to_string();
                // The pre-pass already refused a file whose header does not parse; should the
                // two ever disagree, its records are quarantined, never lost.
                let columns = lombardia::Columns::from_header(header, &file_name);
                let prefix = ctx.code_prefix.get(chunk.input).cloned().unwrap_or_default();
                let res =
                    co_csv::for_each_byte_record_sized(&chunk.bytes, chunk.first_line, header, |line, bytes, rec| {
                        if co_csv::is_blank(rec) {
                            return;
                        }
                        out.record(chunk.encoding.source_len(bytes) as u64);
                        let (cols, default_ev) = match &columns {
                            Ok((cols, ev)) => (cols, *ev),
                            Err(e) => {
                                let rej = Rejection {
                                    motivo: Motivo::RecordMalformato,
                                    campo: None,
                                    dettaglio: e.to_string(),
                                };
                                out.reject(line, None, rej, None, 0);
                                return;
                            }
                        };
                        let codice = lombardia::codice(&prefix, line);
                        if rec.len() != header.names.len() {
                            let rej = Rejection {
                                motivo: Motivo::RecordMalformato,
                                campo: None,
                                dettaglio: format!("{} colonne invece di {}", rec.len(), header.names.len()),
                            };
                            let grezzo = lombardia::estratto(rec, None, chunk.date_order);
                            out.reject(line, Some(&codice), rej, Some(grezzo), 0);
                            return;
                        }
                        match lombardia::validate(rec, cols, default_ev, chunk.date_order, &codice, &mut unmatched) {
                            Ok(v) => {
                                let h = xxh3_64_with_seed(rec.as_slice(), ctx.content_seed);
                                out.accept(&v, line, h);
                            }
                            Err(rej) => {
                                let grezzo = lombardia::estratto(rec, Some(cols), chunk.date_order);
                                out.reject(line, Some(&codice), rej, Some(grezzo), 0)
                            }
                        }
                    });
                if let Err(e) = res {
                    out.record(0);
                    let rej = Rejection {
                        motivo: Motivo::RecordMalformato,
                        campo: None,
                        dettaglio: format!("CSV illeggibile: {e}"),
                    };
                    out.reject(chunk.first_line, None, rej, None, 0);
                }
            }
        }
    }
    ChunkResult {
        seq: chunk.seq,
        fonte,
        bytes,
        input: chunk.input,
        label: chunk.label,
        read: out.read,
        batch: out.builder.finish(),
        meta: out.meta,
        quarantine: out.quarantine,
        quarantined_bytes: out.quarantined_bytes,
        unmatched,
        scartati: out.scartati,
    }
}
