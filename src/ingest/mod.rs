//! `oml ingest co`: input files → validated, pseudonymised, resolved Parquet lake.
//!
//! Flow: (1) find inputs and skip those whose sha256 the lake already holds; (2) a fast
//! pre-pass collects the codes that rettifiche/annullamenti point at; (3) a reader thread cuts
//! the inputs into chunks, worker threads validate them in parallel, and this thread takes
//! the results back in input order, drops exact duplicates, holds back corrections and their
//! targets, and streams everything else to Parquet; (4) the held records are resolved
//! (chains followed, orphans quarantined, superseded records to `co_superati`); (5) the
//! counts are reconciled — read = accepted + superseded + quarantined, or the run fails —
//! and the new generation is committed with its manifest.
//!
//! Aggregate public tables (`oml ingest cig`, the INPS CIG open data) take their own, simpler
//! path: `tables.rs` lands a few whole files as one generation (sha256 skip, exact totals read
//! back, vintages kept), `cig.rs` turns the CIG reader's rows into its batches.

mod chains;
pub mod cig;
pub mod istat;
pub mod prepass;
pub mod registri;
pub mod resolve;
mod run;
pub mod tables;
pub mod worker;

pub use run::ingest;

use crate::lake::manifest::{ByteAccount, RunRecord};
use crate::lake::schema::QuarantineRow;
use crate::lake::PartitionedWriter;
use crate::privacy::Key;
use crate::quality::Motivo;
use crate::sources::{self, SourceFormat};
use anyhow::{Context, Result};
use arrow::array::{Array, BooleanArray, StringArray};
use arrow::compute::filter_record_batch;
use arrow::record_batch::RecordBatch;
use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use worker::{ChunkResult, RowMeta};

/// Options of an ingest run.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// Force a format instead of detecting it.
    pub format: Option<SourceFormat>,
    /// Extraction date of the data (the vintage); default: today.
    pub vintage: Option<NaiveDate>,
    /// Worker threads; default: available cores.
    pub threads: Option<usize>,
    /// Show progress bars on stderr.
    pub progress: bool,
    /// Test hook: fail after writing the data, before the manifest (crash simulation).
    pub fail_before_commit: bool,
    /// Caps on file, record and field size.
    pub limits: sources::Limits,
    /// What the data of a Lombardia file cannot settle (`--date-order`,
    /// `--allow-unmapped-labels`).
    pub assume: prepass::ScanOptions,
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct IngestReport {
    /// None when every input was already in the lake (nothing changed).
    pub run: Option<RunRecord>,
    pub skipped: Vec<String>,
}

/// A held (not yet written) accepted record.
#[derive(Debug, Clone)]
pub struct Held {
    pub batch: usize,
    pub row: usize,
    pub input: usize,
    pub meta: RowMeta,
}

fn progress_bar(show: bool, len: u64, msg: &str) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template(
            "{msg:12} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    pb.set_message(msg.to_string());
    pb
}

/// Seed of the keyed content hash (so record fingerprints cannot be brute-forced).
fn key_seed(key: &Key) -> u64 {
    u64::from_str_radix(&key.fingerprint()[..16], 16).unwrap_or(0x6f6d6c)
}

/// State of the ordered stage.
pub struct OrderedState {
    /// Codes already acquired: code hash → content hash (this run, the lake's live and
    /// superseded records).
    pub seen: FxHashMap<u64, u64>,
    /// Codes the lake holds as superseded (a copy of one is not resurrected).
    pub superseded: rustc_hash::FxHashSet<u64>,
    pub read: Vec<u64>,
    pub quarantined: Vec<u64>,
    pub accepted_streamed: Vec<u64>,
    /// Per input, the bytes of its records by outcome so far (before resolution).
    pub bytes: Vec<ByteAccount>,
    pub quarantine: Vec<QuarantineRow>,
    pub held_batches: Vec<RecordBatch>,
    pub held: Vec<Held>,
    pub unmatched: BTreeMap<String, u64>,
    /// Per input, the values of coded fields dropped from accepted records.
    pub scartati: Vec<crate::quality::Scartati>,
}

impl OrderedState {
    fn new(n_inputs: usize, lake: &resolve::LakeIndex) -> Self {
        OrderedState {
            seen: lake.records.iter().map(|(k, (c, _))| (*k, *c)).collect(),
            superseded: lake
                .records
                .iter()
                .filter(|(_, (_, p))| matches!(p, resolve::Place::Superseded(_)))
                .map(|(k, _)| *k)
                .collect(),
            read: vec![0; n_inputs],
            quarantined: vec![0; n_inputs],
            accepted_streamed: vec![0; n_inputs],
            bytes: vec![ByteAccount::default(); n_inputs],
            quarantine: Vec::new(),
            held_batches: Vec::new(),
            held: Vec::new(),
            unmatched: BTreeMap::new(),
            scartati: vec![crate::quality::Scartati::new(); n_inputs],
        }
    }

    /// Takes one chunk result, in input order.
    fn take(&mut self, r: ChunkResult, w: &mut PartitionedWriter) -> Result<()> {
        self.read[r.input] += r.read;
        self.quarantined[r.input] += r.quarantine.len() as u64;
        self.bytes[r.input].quarantena += r.quarantined_bytes;
        self.quarantine.extend(r.quarantine);
        for (k, v) in r.unmatched {
            *self.unmatched.entry(k).or_insert(0) += v;
        }
        for (k, v) in &r.scartati {
            crate::quality::conta_scartato(&mut self.scartati[r.input], k, *v);
        }
        let n = r.batch.num_rows();
        if n == 0 {
            return Ok(());
        }
        let codes = r
            .batch
            .column(0)
            .as_any()
            .downcast_ref::<StringArray>()
            .context("codice_comunicazione column")?
            .clone();
        let mut keep = Vec::with_capacity(n);
        let mut hold = Vec::with_capacity(n);
        let mut any_drop = false;
        for (i, m) in r.meta.iter().enumerate() {
            match self.seen.get(&m.code_hash) {
                Some(&c) => {
                    let (motivo, dettaglio) = if c == m.content_hash && self.superseded.contains(&m.code_hash) {
                        (
                            Motivo::Duplicato,
                            "copia esatta di una comunicazione già acquisita e poi rettificata o annullata: \
                             resta superata",
                        )
                    } else if c == m.content_hash {
                        (
                            Motivo::Duplicato,
                            "copia esatta di una comunicazione già acquisita con lo stesso codice",
                        )
                    } else {
                        (
                            Motivo::CodiceComunicazioneConflitto,
                            "codice già acquisito con contenuto diverso",
                        )
                    };
                    self.quarantine.push(QuarantineRow {
                        anno: m.anno,
                        codice_comunicazione: Some(codes.value(i).to_string()),
                        motivo: motivo.code(),
                        campo: Some(crate::model::F::CodiceComunicazione.name()),
                        dettaglio: dettaglio.into(),
                        fonte: r.fonte,
                        file_origine: r.label.clone(),
                        record_origine: m.line,
                        record_grezzo: None,
                    });
                    self.quarantined[r.input] += 1;
                    self.bytes[r.input].quarantena += m.bytes;
                    keep.push(false);
                    hold.push(false);
                    any_drop = true;
                }
                None => {
                    self.seen.insert(m.code_hash, m.content_hash);
                    keep.push(!m.held);
                    hold.push(m.held);
                    any_drop |= m.held;
                }
            }
        }
        // Stream the kept rows, split by year.
        let kept_batch = if any_drop {
            filter_record_batch(&r.batch, &BooleanArray::from(keep.clone()))?
        } else {
            r.batch.clone()
        };
        let kept_meta: Vec<&RowMeta> = r.meta.iter().zip(&keep).filter(|(_, k)| **k).map(|(m, _)| m).collect();
        self.accepted_streamed[r.input] += kept_meta.len() as u64;
        self.bytes[r.input].accettati += kept_meta.iter().map(|m| m.bytes).sum::<u64>();
        let years: std::collections::BTreeSet<i32> = kept_meta.iter().map(|m| m.anno).collect();
        if years.len() == 1 {
            if let Some(&y) = years.iter().next() {
                w.write(y, &kept_batch)?;
            }
        } else {
            for y in years {
                let mask: BooleanArray = kept_meta.iter().map(|m| Some(m.anno == y)).collect();
                w.write(y, &filter_record_batch(&kept_batch, &mask)?)?;
            }
        }
        // Keep the held rows for resolution.
        if hold.iter().any(|h| *h) {
            let hb = filter_record_batch(&r.batch, &BooleanArray::from(hold.clone()))?;
            let bi = self.held_batches.len();
            let metas: Vec<&RowMeta> = r.meta.iter().zip(&hold).filter(|(_, h)| **h).map(|(m, _)| m).collect();
            for (row, m) in metas.into_iter().enumerate() {
                self.held.push(Held {
                    batch: bi,
                    row,
                    input: r.input,
                    meta: *m,
                });
            }
            self.held_batches.push(hb);
        }
        Ok(())
    }
}
