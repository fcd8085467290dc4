//! One ingest run, phase by phase (the numbers of the module doc of `ingest`): [`ingest`] reads
//! as the table of contents, each phase is a function of its own.

use super::prepass::{self, Scan};
use super::resolve::{self, LakeIndex, Resolved};
use super::worker::{self, ChunkResult, WorkerContext};
use super::{key_seed, progress_bar, IngestOptions, IngestReport, OrderedState};
use crate::lake::manifest::{ByteAccount, Conteggi, FileEntry, InputRecord, Manifest, RunRecord};
use crate::lake::schema::{self, QuarantineRow};
use crate::lake::{Lake, PartitionedWriter, Staging};
use crate::privacy::{Key, Pseudonymizer};
use crate::sources::{self, InputFile};
use anyhow::{bail, Context, Result};
use indicatif::ProgressBar;
use rustc_hash::FxHashSet;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

/// Runs an ingest of `paths` into `lake`.
pub fn ingest(lake: &Lake, key: &Key, paths: &[PathBuf], opts: &IngestOptions) -> Result<IngestReport> {
    let started = std::time::Instant::now();
    let inizio = chrono::Local::now().naive_local();
    let mut inputs = sources::discover(paths, opts.format, &opts.limits)?;
    // One writer at a time; the manifest is read under the lock.
    let lock = lake.lock_writer("ingest", &|msg| eprintln!("{msg}"))?;
    let manifest = lake.manifest()?;
    // A lake is pseudonymised with one key: another key would break the links across runs.
    key.check_against(manifest.impronta_chiave.as_deref())?;

    // 1–2. The pre-pass over every input; inputs already in the lake are skipped.
    let mut scans = prepass_all(&mut inputs, opts)?;
    let selected = select_new(&inputs, &mut scans, &manifest);
    let Some(&(first, _)) = selected.new_inputs.first() else {
        return Ok(IngestReport {
            run: None,
            skipped: selected.skipped,
        });
    };
    let data_estrazione = opts.vintage.unwrap_or_else(|| inizio.date());
    let id_run = format!("{}-{}", inizio.format("%Y%m%dT%H%M%S"), &scans[first].sha256[..8]);

    // Codes already in the lake (for duplicates and corrections across runs); records arriving
    // with a code a waiting correction points at are held back too.
    let lake_index = LakeIndex::load(lake, &manifest)?;
    let mut targets = selected.target_codes;
    targets.extend(lake_index.pending_targets());
    let staging = lake.begin(lock)?;
    let stem = format!("part-{id_run}");
    let ctx = Arc::new(WorkerContext {
        targets,
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
    let mut eventi_w = PartitionedWriter::new(&staging, schema::CO_EVENTI, &stem, schema::eventi_schema());
    let mut st = OrderedState::new(inputs.len(), &lake_index);
    read_in_parallel(&selected.new_inputs, &ctx, key, opts, &mut st, &mut eventi_w)?;

    // 4. Resolution of rettifiche and annullamenti, and the datasets written.
    let resolved = resolve::resolve(&st, &lake_index, lake, &manifest, &id_run)?;
    let mut quarantine: Vec<QuarantineRow> = std::mem::take(&mut st.quarantine);
    quarantine.extend(resolved.quarantine.iter().cloned());
    let written = write_outcomes(&staging, &stem, &resolved, &quarantine, eventi_w, &ctx, &id_run)?;

    // 5. Reconciliation, per input and in total.
    let reconciled = reconcile(&mut st, &resolved, &selected.new_inputs, &scans, &quarantine)?;

    // 6. Manifest and commit.
    let mut new_manifest = next_manifest(&manifest, &staging, key, written)?;
    let run = RunRecord {
        id_run,
        inizio: inizio.format("%Y-%m-%dT%H:%M:%S").to_string(),
        fine: new_manifest.aggiornato.clone(),
        versione_codice: env!("CARGO_PKG_VERSION").into(),
        data_estrazione: data_estrazione.to_string(),
        inputs: reconciled.inputs,
        gia_acquisiti: selected.skipped.clone(),
        totali: reconciled.totali,
        quarantena_per_motivo: reconciled.per_motivo,
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
        skipped: selected.skipped,
    })
}

/// The pre-pass over every input: its sha256, encoding, byte account, content fingerprint and
/// the codes its rettifiche/annullamenti point at. What it establishes (encoding, date order)
/// is how the main pass reads the file.
fn prepass_all(inputs: &mut [InputFile], opts: &IngestOptions) -> Result<Vec<Scan>> {
    let total: u64 = inputs.iter().map(|f| f.bytes).sum();
    let pb = progress_bar(opts.progress, total, "pre-lettura");
    let mut scans = Vec::with_capacity(inputs.len());
    for inp in inputs.iter_mut() {
        let scan = prepass::scan_input(inp, &opts.assume, &pb)?;
        inp.encoding = scan.encoding.unwrap_or_default();
        inp.date_order = scan.date_order;
        scans.push(scan);
    }
    pb.finish_and_clear();
    Ok(scans)
}

/// The inputs of a run, after the ones the lake already holds are set aside.
struct Selected<'a> {
    /// (index in the inputs, input) of the files to read.
    new_inputs: Vec<(usize, &'a InputFile)>,
    /// Files already in the lake (or twice among the inputs).
    skipped: Vec<String>,
    /// Codes the corrections of the new inputs point at.
    target_codes: FxHashSet<u64>,
}

/// Sets aside the inputs known by their bytes (sha256) or by their records' text (the same
/// export saved with other line ends or in another encoding), in the lake or earlier in the list.
fn select_new<'a>(inputs: &'a [InputFile], scans: &mut [Scan], manifest: &Manifest) -> Selected<'a> {
    let mut sel = Selected {
        new_inputs: Vec::new(),
        skipped: Vec::new(),
        target_codes: FxHashSet::default(),
    };
    let mut seen_sha = HashSet::new();
    let mut seen_content = HashSet::new();
    for (i, (inp, scan)) in inputs.iter().zip(scans.iter_mut()).enumerate() {
        let same_content = scan
            .content
            .as_deref()
            .is_some_and(|c| manifest.input_with_content(c).is_some() || !seen_content.insert(c.to_string()));
        if manifest.has_input(&scan.sha256) || !seen_sha.insert(scan.sha256.clone()) || same_content {
            sel.skipped.push(inp.path.display().to_string());
        } else {
            sel.new_inputs.push((i, inp));
            sel.target_codes.extend(std::mem::take(&mut scan.codes));
        }
    }
    sel
}

/// A reader thread cuts the inputs into chunks, worker threads validate and pseudonymise them
/// in parallel, and this thread takes the results back in input order into the ordered state
/// (duplicates dropped, corrections and their targets held, the rest streamed to `co_eventi`).
fn read_in_parallel(
    new_inputs: &[(usize, &InputFile)],
    ctx: &Arc<WorkerContext>,
    key: &Key,
    opts: &IngestOptions,
    st: &mut OrderedState,
    eventi_w: &mut PartitionedWriter,
) -> Result<()> {
    let threads = opts
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .max(1);
    let total: u64 = new_inputs.iter().map(|(_, f)| f.bytes).sum();
    let pb = progress_bar(opts.progress, total, "acquisizione");
    let (chunk_tx, chunk_rx) = crossbeam_channel::bounded::<sources::Chunk>(threads * 2);
    let (res_tx, res_rx) = crossbeam_channel::bounded::<ChunkResult>(threads * 2);
    std::thread::scope(|scope| -> Result<()> {
        let reader = scope.spawn(|| {
            let r = sources::read_inputs(new_inputs, &mut |c| {
                chunk_tx.send(c).map_err(|_| anyhow::anyhow!("workers stopped"))
            });
            drop(chunk_tx);
            r
        });
        for _ in 0..threads {
            let rx = chunk_rx.clone();
            let tx = res_tx.clone();
            let ctx = ctx.clone();
            let key = key.clone();
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
        let failure = take_in_order(res_rx, st, eventi_w, &pb);
        let read_result = reader
            .join()
            .map_err(|_| anyhow::anyhow!("the reader thread panicked"))?;
        read_result?;
        failure
    })?;
    pb.finish_and_clear();
    Ok(())
}

/// Takes the workers' results back in chunk order. After a failure the rest is drained (so the
/// workers and the reader can stop) and the first error returned.
fn take_in_order(
    results: crossbeam_channel::Receiver<ChunkResult>,
    st: &mut OrderedState,
    eventi_w: &mut PartitionedWriter,
    pb: &ProgressBar,
) -> Result<()> {
    let mut pending: BTreeMap<u64, ChunkResult> = BTreeMap::new();
    let mut next = 1u64;
    let mut failure: Option<anyhow::Error> = None;
    for r in results.iter() {
        pending.insert(r.seq, r);
        while let Some(r) = pending.remove(&next) {
            next += 1;
            if failure.is_none() {
                pb.inc(r.bytes);
                if let Err(e) = st.take(r, eventi_w) {
                    failure = Some(e);
                }
            }
        }
    }
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
}

/// The files a run adds to (or replaces in) the lake.
struct Written {
    /// New files per ingested dataset.
    added: Vec<(&'static str, Vec<FileEntry>)>,
    /// Lake files whose records were resolved again: removed from the new generation…
    replaced: Vec<String>,
    /// …and rewritten without those records.
    rewritten: Vec<(&'static str, FileEntry)>,
}

/// Writes what resolution decided: the live, superseded and waiting records, the quarantine,
/// and the lake files that lost records resolved again.
fn write_outcomes(
    staging: &Staging,
    stem: &str,
    resolved: &Resolved,
    quarantine: &[QuarantineRow],
    eventi_w: PartitionedWriter,
    ctx: &WorkerContext,
    id_run: &str,
) -> Result<Written> {
    let write_all = |mut w: PartitionedWriter, batches: &[(i32, arrow::record_batch::RecordBatch)]| {
        for (anno, b) in batches {
            w.write(*anno, b)?;
        }
        w.finish()
    };
    let eventi = write_all(eventi_w, &resolved.live_batches)?;
    let superati = write_all(
        PartitionedWriter::new(staging, schema::CO_SUPERATI, stem, schema::superati_schema()),
        &resolved.superseded_batches,
    )?;
    let attesa = write_all(
        PartitionedWriter::new(staging, schema::CO_IN_ATTESA, stem, schema::eventi_schema()),
        &resolved.pending_batches,
    )?;
    let mut q_by_year: BTreeMap<i32, Vec<&QuarantineRow>> = BTreeMap::new();
    for q in quarantine.iter().chain(&resolved.lake_quarantine) {
        q_by_year.entry(q.anno).or_default().push(q);
    }
    let mut quar_w = PartitionedWriter::new(staging, schema::QUARANTENA, stem, schema::quarantena_schema());
    for (anno, rows) in &q_by_year {
        let b = schema::quarantine_batch(rows, ctx.data_estrazione, id_run);
        quar_w.write(*anno, &b)?;
    }
    let quarantena = quar_w.finish()?;
    let mut written = Written {
        added: vec![
            (schema::CO_EVENTI, eventi),
            (schema::CO_SUPERATI, superati),
            (schema::QUARANTENA, quarantena),
            (schema::CO_IN_ATTESA, attesa),
        ],
        replaced: Vec::new(),
        rewritten: Vec::new(),
    };
    for rw in &resolved.rewrites {
        staging.remove(&rw.old_path)?;
        written.replaced.push(rw.old_path.clone());
        if let Some(new_path) = &rw.new_path {
            let rows = crate::lake::write_file(&staging.path(new_path), &rw.batches, rw.schema.clone())?;
            let bytes = std::fs::metadata(staging.path(new_path))?.len();
            written.rewritten.push((
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
    Ok(written)
}

/// What reconciliation establishes for the run record.
struct Reconciled {
    inputs: Vec<InputRecord>,
    totali: Conteggi,
    per_motivo: BTreeMap<String, u64>,
}

/// Per input: records read = accepted + superseded + quarantined, as many records as the
/// pre-pass counted, the file unchanged since it was listed, and its bytes accounted for by
/// outcome; in total, the quarantine rows match the per-input counts. Any failure stops the
/// run before anything is committed.
fn reconcile(
    st: &mut OrderedState,
    resolved: &Resolved,
    new_inputs: &[(usize, &InputFile)],
    scans: &[Scan],
    quarantine: &[QuarantineRow],
) -> Result<Reconciled> {
    let mut per_input: Vec<Conteggi> = vec![Conteggi::default(); scans.len()];
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
    let mut out = Reconciled {
        inputs: Vec::new(),
        totali: Conteggi::default(),
        per_motivo: BTreeMap::new(),
    };
    for &(i, inp) in new_inputs {
        let c = per_input[i];
        let scan = &scans[i];
        let byte = ByteAccount {
            letti: scan.bytes_read,
            record: scan.record_bytes,
            struttura: scan.bytes_read - scan.record_bytes.min(scan.bytes_read),
            ..per_input_bytes[i]
        };
        check_input(inp, scan, &c, &byte)?;
        out.totali.add(&c);
        out.inputs.push(InputRecord {
            path: inp.path.display().to_string(),
            sha256: scan.sha256.clone(),
            bytes: inp.bytes,
            formato: inp.format.fonte().to_string(),
            conteggi: c,
            byte,
            codifica: scan.encoding.map(|e| e.name().to_string()),
            ordine_date: scan.date_order.map(|o| o.name().to_string()),
            impronta_contenuto: scan.content.clone(),
            valori_non_codificati_scartati: std::mem::take(&mut st.scartati[i]),
        });
    }
    for q in quarantine {
        *out.per_motivo.entry(q.motivo.to_string()).or_insert(0) += 1;
    }
    if out.per_motivo.values().sum::<u64>() != out.totali.quarantena {
        bail!("reconciliation failed: quarantine rows do not match the per-input counts; nothing was committed");
    }
    Ok(out)
}

/// The checks of one input (see [`reconcile`]).
fn check_input(inp: &InputFile, scan: &Scan, c: &Conteggi, byte: &ByteAccount) -> Result<()> {
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
    Ok(())
}

/// The manifest of the new generation: the run's files added, the replaced ones swapped, the
/// derived datasets dropped (they no longer match `co_eventi` until the next build).
fn next_manifest(manifest: &Manifest, staging: &Staging, key: &Key, written: Written) -> Result<Manifest> {
    let mut m = manifest.clone();
    m.formato = "oml-lake".into();
    m.versione_schema = schema::SCHEMA_VERSION;
    m.generazione = staging.number;
    m.impronta_chiave = Some(key.fingerprint());
    m.aggiornato = chrono::Local::now()
        .naive_local()
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string();
    for files in m.datasets.values_mut() {
        files.retain(|f| !written.replaced.contains(&f.path));
    }
    for (dataset, files) in written.added {
        m.datasets.entry(dataset.into()).or_default().extend(files);
    }
    for (dataset, f) in written.rewritten {
        m.datasets.entry(dataset.into()).or_default().push(f);
    }
    for d in crate::lake::catalog::DERIVED {
        for f in manifest.files(d) {
            staging.remove(&f.path)?;
        }
        m.datasets.remove(d);
    }
    m.build = None;
    for d in crate::lake::catalog::INGESTED {
        m.datasets
            .entry(d.into())
            .or_default()
            .sort_by(|a, b| a.path.cmp(&b.path));
    }
    Ok(m)
}
