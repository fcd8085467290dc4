//! `oml build`: employment relationships (`rapporti`), their contract segments (`segmenti`),
//! the anomalies met on the way (`rapporti_anomalie`), rebuilt from `co_eventi`, the workers'
//! careers (`carriere`) cut from the relationships, and their transitions (`transizioni`).
//!
//! Five steps, each measured: read the columns the reconstruction needs (pass 1, parallel
//! by row group), sort by relationship key and apply the communications (`rapporti.rs`),
//! write the datasets (pass 2 fetches each relationship's attributes from its avviamento),
//! sweep each worker's relationships into periods of employment and non-employment
//! (`carriere.rs`, from the relationships in memory), link each relationship to the next and the
//! previous one of the same worker with their job-to-job classes (`transizioni.rs`).
//! The datasets are rebuilt from scratch every time, in a new lake generation committed
//! atomically like an ingest; an ingest drops them, since they no longer match `co_eventi`.
//!
//! Reconciliation: every communication of `co_eventi` is either applied to a relationship
//! or recorded in `rapporti_anomalie` as not applied; the build fails if the counts differ.

pub mod carriere;
pub mod events;
pub mod output;
pub mod rapporti;
#[cfg(test)]
mod tests;
pub mod transizioni;

use crate::lake::catalog::DERIVED;
use crate::lake::manifest::{BuildRecord, FileEntry, Manifest};
use crate::lake::{schema, Lake, Staging};
use crate::model::period::last_day_of_month;
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use rapporti::Params;
use std::collections::BTreeMap;
use std::time::Instant;

/// Each item's key with the item's position, sorted (equal keys by position), in parallel: the
/// order in which the reconstruction groups communications and the build numbers pseudonyms.
pub(crate) fn sorted_keys<T: Sync, K: Ord + Send>(items: &[T], key: impl Fn(&T) -> K + Sync) -> Vec<(K, u32)> {
    use rayon::prelude::*;
    let mut keys: Vec<(K, u32)> = items.par_iter().enumerate().map(|(i, x)| (key(x), i as u32)).collect();
    keys.par_sort_unstable();
    keys
}

/// Options of `oml build`.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Last day the communications are complete for (default: the last day of the month of
    /// the latest data_invio in the lake).
    pub orizzonte: Option<NaiveDate>,
    /// First day the lake covers (default: the day of the earliest data_invio).
    pub inizio_copertura: Option<NaiveDate>,
    /// Longest gap, in days, of an AQHire transition (default [`transizioni::LIMITE_AQHIRE`]).
    pub limite_aqhire: Option<i32>,
    /// Stop before committing (test hook for crash safety).
    pub fail_before_commit: bool,
}

/// What a build did, with its timings.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub record: BuildRecord,
    pub secondi_lettura: f64,
    pub secondi_ricostruzione: f64,
    pub secondi_scrittura: f64,
    /// The careers step alone: sweep and write `carriere`.
    pub secondi_carriere: f64,
    /// The transitions step alone: successors, predecessors, employer sizes, write `transizioni`.
    pub secondi_transizioni: f64,
    pub secondi_mart: f64,
    /// The datasets the caller's extra step added (the marts of `analytics::marts`).
    pub mart: Vec<&'static str>,
}

fn epoch_days(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()).num_days() as i32
}

fn day(days: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(days + 719_163).unwrap_or_default()
}

/// Datasets computed by a stage above over the staged generation (its relationships already
/// written) and committed with it: the standard marts (`analytics::marts`), so that a build is
/// one atomic generation. Returns each dataset's name and files.
pub type Extra<'a> = &'a dyn Fn(&Staging, &Manifest) -> Result<Vec<(&'static str, Vec<FileEntry>)>>;

/// Rebuilds the relationships of the lake and commits them as a new generation (no marts; see
/// `analytics::build` for `oml build`).
pub fn build(lake: &Lake, opts: &BuildOptions, progress: &(dyn Fn(&str, u64, u64) + Sync)) -> Result<BuildReport> {
    build_with(lake, opts, progress, None)
}

/// [`build`], with `extra` datasets computed over the new generation and committed with it.
pub fn build_with(
    lake: &Lake,
    opts: &BuildOptions,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
    extra: Option<Extra>,
) -> Result<BuildReport> {
    // One writer at a time; the manifest is read under the lock.
    let lock = lake.lock_writer("build", &|msg| eprintln!("{msg}"))?;
    let manifest = lake.manifest()?;
    let current = lake.require_current()?;
    let rels: Vec<String> = manifest
        .files(schema::CO_EVENTI)
        .iter()
        .map(|f| f.path.clone())
        .collect();
    // A lake whose records were all quarantined is still a lake: its derived datasets are
    // empty, with their schemas (the views give empty tables).
    let started = Instant::now();
    let groups = events::row_groups(&events::dataset_files(&current, &rels))?;
    let total: u64 = groups.iter().map(|g| g.rows).sum();
    let done = std::sync::atomic::AtomicU64::new(0);
    let tick = |phase: &str, n: u64| {
        let d = done.fetch_add(n, std::sync::atomic::Ordering::Relaxed) + n;
        progress(phase, d.min(total), total);
    };
    let (evs, codes) = events::read_events(&groups, &|n| tick("lettura", n))?;
    let t_read = started.elapsed().as_secs_f64();

    let micros_to_day = |us: i64| us.div_euclid(86_400_000_000) as i32;
    let max_invio = evs.iter().map(|e| e.data_invio).max().unwrap_or(0);
    let min_invio = evs.iter().map(|e| e.data_invio).min().unwrap_or(0);
    let today = chrono::Local::now().date_naive();
    let orizzonte = opts.orizzonte.unwrap_or_else(|| {
        last_day_of_month(if evs.is_empty() {
            today
        } else {
            day(micros_to_day(max_invio))
        })
    });
    let inizio_copertura = opts.inizio_copertura.unwrap_or_else(|| {
        if evs.is_empty() {
            orizzonte
        } else {
            day(micros_to_day(min_invio))
        }
    });
    let params = Params {
        orizzonte: epoch_days(orizzonte),
        inizio_copertura: epoch_days(inizio_copertura),
    };
    let t1 = Instant::now();
    let n_eventi = evs.len() as u64;
    let built = rapporti::rebuild(evs, &params);
    let t_rebuild = t1.elapsed().as_secs_f64();
    if built.applicati + built.scartati != n_eventi {
        bail!(
            "reconciliation failed: {} communications read, {} applied + {} not applied; nothing was committed",
            n_eventi,
            built.applicati,
            built.scartati
        );
    }

    let t2 = Instant::now();
    let staging = lake.begin(lock)?;
    for d in DERIVED {
        for f in manifest.files(d) {
            staging.remove(&f.path)?;
        }
    }
    done.store(0, std::sync::atomic::Ordering::Relaxed);
    let mut written = output::write_datasets(&staging, &groups, &built, &codes, &|n| tick("scrittura", n))?;
    let t_write = t2.elapsed().as_secs_f64();
    let t4 = Instant::now();
    progress("carriere", 0, 0);
    let spells = carriere::spells(&built, &params);
    let (career_files, n_carriere) = carriere::write_careers(&staging, &built, &spells, &codes, &params)?;
    written.push((carriere::CARRIERE, career_files));
    let t_careers = t4.elapsed().as_secs_f64();
    let t5 = Instant::now();
    progress("transizioni", 0, 0);
    let limite_aqhire = opts.limite_aqhire.unwrap_or(transizioni::LIMITE_AQHIRE);
    let rules = transizioni::Rules::new(&params, limite_aqhire);
    let (transition_files, n_transizioni) = transizioni::write_transitions(&staging, &built, &spells, &rules)?;
    written.push((transizioni::TRANSIZIONI, transition_files));
    drop(spells);
    let t_transitions = t5.elapsed().as_secs_f64();

    let mut per_motivo: BTreeMap<String, u64> = BTreeMap::new();
    for a in &built.anomalie {
        *per_motivo.entry(a.motivo.code().to_string()).or_default() += 1;
    }
    let record = BuildRecord {
        formato: crate::lake::manifest::BUILD_FORMAT,
        eseguito: chrono::Local::now()
            .naive_local()
            .format("%Y-%m-%dT%H:%M:%S")
            .to_string(),
        generazione_eventi: manifest.generazione,
        orizzonte: orizzonte.to_string(),
        inizio_copertura: inizio_copertura.to_string(),
        eventi: n_eventi,
        eventi_applicati: built.applicati,
        eventi_non_applicati: built.scartati,
        rapporti: built.rapporti.len() as u64,
        segmenti: built.segmenti.len() as u64,
        carriere: n_carriere,
        transizioni: n_transizioni,
        limite_aqhire,
        censura_sinistra: built.rapporti.iter().filter(|r| r.censura_sinistra).count() as u64,
        cessazioni_imputate: built.rapporti.iter().filter(|r| r.cessazione_imputata).count() as u64,
        aperti: built
            .rapporti
            .iter()
            .filter(|r| r.data_fine_effettiva == events::NO_DATE)
            .count() as u64,
        anomalie_per_motivo: per_motivo,
        secondi: started.elapsed().as_secs_f64(),
    };
    let mut m: Manifest = manifest.clone();
    for d in DERIVED {
        m.datasets.remove(d);
    }
    m.generazione = staging.number;
    m.aggiornato = record.eseguito.clone();
    for (name, files) in written {
        let mut files = files;
        files.sort_by(|a, b| a.path.cmp(&b.path));
        m.datasets.insert(name.to_string(), files);
    }
    if m.rows(output::RAPPORTI) != record.rapporti
        || m.rows(output::SEGMENTI) != record.segmenti
        || m.rows(carriere::CARRIERE) != record.carriere
        || m.rows(transizioni::TRANSIZIONI) != record.transizioni
    {
        bail!("internal error: the rows written differ from the relationships built; nothing was committed");
    }
    m.build = Some(record.clone());
    // The extra datasets (the marts), computed over the staged generation.
    let t3 = Instant::now();
    progress("indicatori", 0, 0);
    let mut mart = Vec::new();
    if let Some(extra) = extra {
        for (name, mut files) in extra(&staging, &m)? {
            files.sort_by(|a, b| a.path.cmp(&b.path));
            m.datasets.insert(name.to_string(), files);
            mart.push(name);
        }
    }
    let t_marts = t3.elapsed().as_secs_f64();
    if opts.fail_before_commit {
        bail!("simulated crash before the manifest (test hook)");
    }
    staging.commit(&m).context("committing the new lake generation")?;
    Ok(BuildReport {
        record,
        secondi_lettura: t_read,
        secondi_ricostruzione: t_rebuild,
        secondi_scrittura: t_write,
        secondi_carriere: t_careers,
        secondi_transizioni: t_transitions,
        secondi_mart: t_marts,
        mart,
    })
}
