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

pub mod prepass;
pub mod resolve;
pub mod worker;

use crate::lake::manifest::{ByteAccount, Conteggi, FileEntry, InputRecord, RunRecord};
use crate::lake::schema::{self, QuarantineRow};
use crate::lake::{Lake, PartitionedWriter};
use crate::privacy::{Key, Pseudonymizer};
use crate::quality::Motivo;
use crate::sources::{self, InputFile, SourceFormat};
use anyhow::{bail, Context, Result};
use arrow::array::{Array, BooleanArray, StringArray};
use arrow::compute::filter_record_batch;
use arrow::record_batch::RecordBatch;
use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use worker::{ChunkResult, RowMeta, WorkerContext};

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

/// Runs an ingest of `paths` into `lake`.
pub fn ingest(lake: &Lake, key: &Key, paths: &[PathBuf], opts: &IngestOptions) -> Result<IngestReport> {
    let started = std::time::Instant::now();
    let inizio = chrono::Local::now().naive_local();
    let mut inputs = sources::discover(paths, opts.format, &opts.limits)?;
    // One writer at a time; the manifest is read under the lock.
    let lock = lake.lock_writer("ingest", &|msg| eprintln!("{msg}"))?;
    let manifest = lake.manifest()?;
    let fingerprint = key.fingerprint();
    if let Some(fp) = &manifest.impronta_chiave {
        if *fp != fingerprint {
            bail!(
                "this lake was built with another pseudonymisation key (fingerprint {fp}, yours {fingerprint}): \
                 pseudonyms would not link across runs. Use the lake's key, or a new lake."
            );
        }
    }

    // 1. One pass over every input: its sha256 (inputs already in the lake are skipped, by
    // content, not by name) and the codes its rettifiche/annullamenti point at.
    let total_all: u64 = inputs.iter().map(|f| f.bytes).sum();
    let pb = progress_bar(opts.progress, total_all, "pre-lettura");
    let mut scans: Vec<prepass::Scan> = Vec::with_capacity(inputs.len());
    for inp in inputs.iter_mut() {
        let scan = prepass::scan_input(inp, &opts.assume, &pb)?;
        // What the pre-pass established is how the main pass reads the file.
        inp.encoding = scan.encoding.unwrap_or_default();
        inp.date_order = scan.date_order;
        scans.push(scan);
    }
    let mut new_inputs: Vec<(usize, &InputFile)> = Vec::new();
    let mut skipped = Vec::new();
    let mut seen_sha = std::collections::HashSet::new();
    let mut target_codes = rustc_hash::FxHashSet::default();
    let mut seen_content = std::collections::HashSet::new();
    for (i, (inp, scan)) in inputs.iter().zip(scans.iter_mut()).enumerate() {
        // Known by its bytes, or by its records' text (the same export saved with other line
        // ends or in another encoding).
        let same_content = scan
            .content
            .as_deref()
            .is_some_and(|c| manifest.input_with_content(c).is_some() || !seen_content.insert(c.to_string()));
        if manifest.has_input(&scan.sha256) || !seen_sha.insert(scan.sha256.clone()) || same_content {
            skipped.push(inp.path.display().to_string());
        } else {
            new_inputs.push((i, inp));
            target_codes.extend(std::mem::take(&mut scan.codes));
        }
    }
    pb.finish_and_clear();
    if new_inputs.is_empty() {
        return Ok(IngestReport { run: None, skipped });
    }

    let data_estrazione = opts.vintage.unwrap_or_else(|| inizio.date());
    let id_run = format!(
        "{}-{}",
        inizio.format("%Y%m%dT%H%M%S"),
        &scans[new_inputs[0].0].sha256[..8]
    );
    let total_bytes: u64 = new_inputs.iter().map(|(_, f)| f.bytes).sum();

    // Codes already live in the lake (for duplicates and corrections across runs).
    let lake_index = resolve::LakeIndex::load(lake, &manifest)?;

    // Records arriving with a code a waiting correction points at are held back too.
    target_codes.extend(lake_index.pending_targets());

    let staging = lake.begin(lock)?;
    let stem = format!("part-{id_run}");
    let mut eventi_w = PartitionedWriter::new(&staging, schema::CO_EVENTI, &stem, schema::eventi_schema());
    let ctx = Arc::new(WorkerContext {
        targets: target_codes,
        content_seed: key_seed(key),
        data_estrazione: crate::quality::dates::to_days(data_estrazione),
        id_run: id_run.clone().into(),
        // Lombardia codes are built from the content fingerprint: a record has the same code
        // whatever the line ends or the encoding of the file that carried it.
        code_prefix: scans
            .iter()
            .map(|s| s.content.as_deref().unwrap_or(&s.sha256)[..6].to_string())
            .collect(),
        max_field_bytes: opts.limits.max_field_bytes,
    });

    // 3. Parallel validation, ordered write.
    let threads = opts
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .max(1);
    let pb = progress_bar(opts.progress, total_bytes, "acquisizione");
    let mut st = OrderedState::new(inputs.len(), &lake_index);
    let (chunk_tx, chunk_rx) = crossbeam_channel::bounded::<sources::Chunk>(threads * 2);
    let (res_tx, res_rx) = crossbeam_channel::bounded::<ChunkResult>(threads * 2);
    let key_for_workers = key.clone();
    std::thread::scope(|scope| -> Result<()> {
        let reader = scope.spawn(|| {
            let r = sources::read_inputs(&new_inputs, &mut |c| {
                chunk_tx.send(c).map_err(|_| anyhow::anyhow!("workers stopped"))
            });
            drop(chunk_tx);
            r
        });
        for _ in 0..threads {
            let rx = chunk_rx.clone();
            let tx = res_tx.clone();
            let ctx = ctx.clone();
            let key = key_for_workers.clone();
            scope.spawn(move || {
                let mut pseudo = Pseudonymizer::new(&key);
                for chunk in rx {
                    let r = worker::process(chunk, &ctx, &mut pseudo);
                    if tx.send(r).is_err() {
                        break;
                    }
                }
            });
        }
        drop(chunk_rx);
        drop(res_tx);
        let mut pending: BTreeMap<u64, ChunkResult> = BTreeMap::new();
        let mut next = 1u64;
        let mut failure: Option<anyhow::Error> = None;
        for r in res_rx.iter() {
            pending.insert(r.seq, r);
            while let Some(r) = pending.remove(&next) {
                next += 1;
                if failure.is_none() {
                    pb.inc(r.bytes);
                    if let Err(e) = st.take(r, &mut eventi_w) {
                        failure = Some(e);
                    }
                }
            }
        }
        let read_result = reader
            .join()
            .map_err(|_| anyhow::anyhow!("the reader thread panicked"))?;
        read_result?;
        if let Some(e) = failure {
            return Err(e);
        }
        if !pending.is_empty() {
            bail!(
                "internal error: {} chunks were not written back in order",
                pending.len()
            );
        }
        Ok(())
    })?;
    pb.finish_and_clear();

    // 4. Resolution of rettifiche and annullamenti.
    let resolved = resolve::resolve(&st, &lake_index, lake, &manifest, &id_run)?;
    for (anno, b) in &resolved.live_batches {
        eventi_w.write(*anno, b)?;
    }
    let eventi_files = eventi_w.finish()?;
    let mut superati_w = PartitionedWriter::new(&staging, schema::CO_SUPERATI, &stem, schema::superati_schema());
    for (anno, b) in &resolved.superseded_batches {
        superati_w.write(*anno, b)?;
    }
    let superati_files = superati_w.finish()?;
    let mut attesa_w = PartitionedWriter::new(&staging, schema::CO_IN_ATTESA, &stem, schema::eventi_schema());
    for (anno, b) in &resolved.pending_batches {
        attesa_w.write(*anno, b)?;
    }
    let attesa_files = attesa_w.finish()?;
    let mut quarantine: Vec<QuarantineRow> = std::mem::take(&mut st.quarantine);
    quarantine.extend(resolved.quarantine.iter().cloned());
    let mut q_by_year: BTreeMap<i32, Vec<&QuarantineRow>> = BTreeMap::new();
    for q in quarantine.iter().chain(&resolved.lake_quarantine) {
        q_by_year.entry(q.anno).or_default().push(q);
    }
    let mut quar_w = PartitionedWriter::new(&staging, schema::QUARANTENA, &stem, schema::quarantena_schema());
    for (anno, rows) in &q_by_year {
        let b = schema::quarantine_batch(rows, ctx.data_estrazione, &id_run);
        quar_w.write(*anno, &b)?;
    }
    let quar_files = quar_w.finish()?;
    // Lake files that lost records resolved again are replaced in the new generation.
    let mut replaced: Vec<String> = Vec::new();
    let mut rewritten: Vec<(&'static str, FileEntry)> = Vec::new();
    for rw in &resolved.rewrites {
        staging.remove(&rw.old_path)?;
        replaced.push(rw.old_path.clone());
        if let Some(new_path) = &rw.new_path {
            let rows = crate::lake::write_file(&staging.path(new_path), &rw.batches, rw.schema.clone())?;
            let bytes = std::fs::metadata(staging.path(new_path))?.len();
            rewritten.push((
                rw.dataset,
                FileEntry {
                    path: new_path.clone(),
                    anno: rw.anno,
                    rows,
                    bytes,
                },
            ));
        }
    }

    // 5. Reconciliation, per input and in total.
    let mut per_input: Vec<Conteggi> = vec![Conteggi::default(); inputs.len()];
    for (i, c) in st.read.iter().enumerate() {
        per_input[i].letti = *c;
    }
    for (i, c) in st.quarantined.iter().enumerate() {
        per_input[i].quarantena += *c;
    }
    for (i, c) in st.accepted_streamed.iter().enumerate() {
        per_input[i].accettati += *c;
    }
    let mut per_input_bytes = std::mem::take(&mut st.bytes);
    for &(i, b) in &resolved.live_inputs {
        per_input[i].accettati += 1;
        per_input_bytes[i].accettati += b;
    }
    for &(i, b) in &resolved.superseded_inputs {
        per_input[i].superati += 1;
        per_input_bytes[i].superati += b;
    }
    for &(i, b) in &resolved.quarantine_inputs {
        per_input[i].quarantena += 1;
        per_input_bytes[i].quarantena += b;
    }
    let mut totali = Conteggi::default();
    let mut input_records = Vec::new();
    for &(i, inp) in &new_inputs {
        let c = per_input[i];
        let scan = &scans[i];
        let zip = inp.path.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip"));
        if (!zip && scan.bytes_read != inp.bytes) || scan.record_bytes > scan.bytes_read {
            bail!(
                "{}: {} bytes when listed, {} read, {} in records: the file changed while it was read? nothing was committed",
                inp.path.display(),
                inp.bytes,
                scan.bytes_read,
                scan.record_bytes
            );
        }
        if c.letti != scan.records {
            bail!(
                "{}: the file holds {} records, {} were read; nothing was committed",
                inp.path.display(),
                scan.records,
                c.letti
            );
        }
        if !c.reconciles() {
            bail!(
                "reconciliation failed for {}: read {} ≠ accepted {} + superseded {} + quarantined {}; nothing was committed",
                inp.path.display(),
                c.letti,
                c.accettati,
                c.superati,
                c.quarantena
            );
        }
        let byte = ByteAccount {
            letti: scan.bytes_read,
            record: scan.record_bytes,
            struttura: scan.bytes_read - scan.record_bytes,
            ..per_input_bytes[i]
        };
        if !byte.reconciles() {
            bail!(
                "{}: its records take {} bytes, {} were read into records: accepted {} + superseded {} + quarantined {}; nothing was committed",
                inp.path.display(),
                byte.record,
                byte.accettati + byte.superati + byte.quarantena,
                byte.accettati,
                byte.superati,
                byte.quarantena
            );
        }
        totali.add(&c);
        input_records.push(InputRecord {
            path: inp.path.display().to_string(),
            sha256: scan.sha256.clone(),
            bytes: inp.bytes,
            formato: inp.format.fonte().to_string(),
            conteggi: c,
            byte,
            codifica: scan.encoding.map(|e| e.name().to_string()),
            ordine_date: scan.date_order.map(|o| o.name().to_string()),
            impronta_contenuto: scan.content.clone(),
        });
    }
    let mut per_motivo: BTreeMap<String, u64> = BTreeMap::new();
    for q in &quarantine {
        *per_motivo.entry(q.motivo.to_string()).or_insert(0) += 1;
    }
    if per_motivo.values().sum::<u64>() != totali.quarantena {
        bail!("reconciliation failed: quarantine rows do not match the per-input counts; nothing was committed");
    }

    // 6. Manifest and commit.
    let mut new_manifest = manifest.clone();
    new_manifest.formato = "oml-lake".into();
    new_manifest.versione_schema = schema::SCHEMA_VERSION;
    new_manifest.generazione = staging.number;
    new_manifest.impronta_chiave = Some(fingerprint);
    let fine = chrono::Local::now().naive_local();
    new_manifest.aggiornato = fine.format("%Y-%m-%dT%H:%M:%S").to_string();
    for files in new_manifest.datasets.values_mut() {
        files.retain(|f| !replaced.contains(&f.path));
    }
    for (dataset, files) in [
        (schema::CO_EVENTI, eventi_files),
        (schema::CO_SUPERATI, superati_files),
        (schema::QUARANTENA, quar_files),
        (schema::CO_IN_ATTESA, attesa_files),
    ] {
        new_manifest.datasets.entry(dataset.into()).or_default().extend(files);
    }
    for (dataset, f) in rewritten {
        new_manifest.datasets.entry(dataset.into()).or_default().push(f);
    }
    // Relationships and marts no longer match co_eventi: drop them until the next build.
    for d in crate::lake::catalog::DERIVED {
        for f in manifest.files(d) {
            staging.remove(&f.path)?;
        }
        new_manifest.datasets.remove(d);
    }
    new_manifest.build = None;
    for d in crate::lake::catalog::INGESTED {
        new_manifest
            .datasets
            .entry(d.into())
            .or_default()
            .sort_by(|a, b| a.path.cmp(&b.path));
    }
    let run = RunRecord {
        id_run: id_run.clone(),
        inizio: inizio.format("%Y-%m-%dT%H:%M:%S").to_string(),
        fine: new_manifest.aggiornato.clone(),
        versione_codice: env!("CARGO_PKG_VERSION").into(),
        data_estrazione: data_estrazione.to_string(),
        inputs: input_records,
        gia_acquisiti: skipped.clone(),
        totali,
        quarantena_per_motivo: per_motivo,
        superati_nel_lago: resolved.superseded_in_lake(),
        rivalutati_nel_lago: resolved.moves.clone(),
        etichette_non_abbinate: std::mem::take(&mut st.unmatched),
        secondi: started.elapsed().as_secs_f64(),
    };
    new_manifest.runs.push(run.clone());
    // Lake-wide identity: every record ever read is in exactly one dataset.
    let all_read: u64 = new_manifest.runs.iter().map(|r| r.totali.letti).sum();
    let in_lake: u64 = crate::lake::RECONCILED.iter().map(|d| new_manifest.rows(d)).sum();
    if all_read != in_lake {
        bail!("reconciliation failed: {all_read} records read over all runs, {in_lake} rows in the lake; nothing was committed");
    }
    if opts.fail_before_commit {
        bail!("simulated crash before the manifest (test hook)");
    }
    staging
        .commit(&new_manifest)
        .context("committing the new lake generation")?;
    Ok(IngestReport {
        run: Some(run),
        skipped,
    })
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
