//! The careers (`carriere`): for each worker, the observed time cut into consecutive periods
//! of employment and non-employment, computed by `oml build` from the relationships it holds in
//! memory (no second read of the lake).
//!
//! Conventions (docs/convenzioni.md § 1, "Le carriere"), with those of the R package vecshift
//! (`gmontaletti/vecshift`, `R/vecshift.R`) and where OML differs:
//!
//! - Days are inclusive at both ends, as for the relationships: a relationship works on its
//!   `data_inizio` and on its last day (`data_fine_effettiva`). Same as vecshift.
//! - The sweep: +1 on the first day of each relationship, −1 on the day after its last, and a
//!   cut on every day where the set of concurrent relationships changes. vecshift places the −1
//!   on the last day itself and repairs the boundaries afterwards (non-employment segments
//!   moved by one day at each end, a duration correction for the segment that opens an
//!   overlap); OML's "day after" gives the same days without any repair, and each day of the
//!   observed window belongs to exactly one period.
//! - The observed window of a worker runs from the first day of their first relationship (the
//!   coverage start, `inizio_copertura`, for a relationship that started before it) to the
//!   build horizon (`orizzonte`). A relationship open at the horizon runs to it; one that ends
//!   after it (a cessazione dated beyond the horizon) is cut there; one that starts after it,
//!   or ends before the coverage start, is not in the careers. vecshift has no window: its last
//!   segment ends with the last contract (the tail to a date is a separate function,
//!   `add_unemployment_tail`) and contracts need an end date.
//! - Periods are maximal for their set of relationships: two periods touch only when the set
//!   changes (a relationship starts or ends), as vecshift's segments. Adjacent relationships (one
//!   ends on d, the next starts on d + 1) give no non-employment period; a trasformazione does
//!   not cut a period (it is the same relationship).
//! - The dominant relationship of an employment period (vecshift keeps the id of the contract
//!   whose event opened the segment and a full/part-time flag `prior`): among the concurrent
//!   relationships, with the contract in force on the period's first day, first an open-ended
//!   one (macro class TI or APPRENDISTATO), then full time (tipo orario `F`), then the longest
//!   planned duration (to the expected end after the proroghe; open-ended counts as endless),
//!   then the earliest start, then the smallest `id_rapporto`.
//! - No consolidation: longworkR's merging of overlapping or adjacent spells and bridging of
//!   short gaps (`consolidate_short_gaps`) are left to the readers, who can do them from these
//!   periods; vecshift's `over_id` (the block of consecutive employment periods) is the run of
//!   `occupato` periods between two `non_occupato` ones.

use super::events::{Codes, NO_DATE};
use super::output::{hex_ids, write_by_year, year_of};
use super::rapporti::{Built, Params, Rapporto};
use crate::lake::catalog::carriere_schema;
pub use crate::lake::catalog::CARRIERE;
use crate::lake::manifest::FileEntry;
use crate::lake::{PartitionedWriter, Staging};
use anyhow::Result;
use arrow::array::{ArrayRef, BooleanArray, Date32Array, Int32Array, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::SchemaRef;
use rayon::prelude::*;
use std::cmp::Reverse;
use std::sync::Arc;

/// `stato` of a period with at least one relationship.
pub const OCCUPATO: &str = "occupato";
/// `stato` of a period without relationships.
pub const NON_OCCUPATO: &str = "non_occupato";
/// No relationship (a non-employment period's dominant).
pub const NONE: u32 = u32::MAX;

/// A relationship as the careers see it: its days within the observed window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Spell {
    pub worker: u128,
    /// First day in the window (the coverage start for an earlier relationship).
    pub start: i32,
    /// Last day in the window (the horizon for an open relationship).
    pub end: i32,
    /// Index in [`Built::rapporti`].
    pub index: u32,
    /// The relationship started before the coverage start.
    pub left_censored: bool,
}

/// One period of a worker's career.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Periodo {
    pub worker: u128,
    /// 1, 2, … within the worker.
    pub n_periodo: u32,
    pub data_inizio: i32,
    /// Last day (inclusive).
    pub data_fine: i32,
    pub n_rapporti: u32,
    /// Index in [`Built::rapporti`] of the dominant relationship ([`NONE`] when not employed).
    pub prevalente: u32,
    /// Index in [`Built::segmenti`] of its contract on the period's first day ([`NONE`] too).
    pub segmento: u32,
    /// The period runs to the horizon.
    pub censura_destra: bool,
    /// The period starts on the coverage start with a relationship that started before it.
    pub censura_sinistra: bool,
}

/// The relationships of `built` within the observed window, sorted by worker and start.
pub fn spells(built: &Built, p: &Params) -> Vec<Spell> {
    let mut v: Vec<Spell> = built
        .rapporti
        .par_iter()
        .enumerate()
        .filter_map(|(i, r)| spell(r, i as u32, p))
        .collect();
    v.par_sort_unstable();
    v
}

fn spell(r: &Rapporto, index: u32, p: &Params) -> Option<Spell> {
    if r.data_inizio == NO_DATE {
        return None;
    }
    let end = match r.data_fine_effettiva {
        NO_DATE => p.orizzonte,
        d => d.min(p.orizzonte),
    };
    let start = r.data_inizio.max(p.inizio_copertura);
    (start <= end).then_some(Spell {
        worker: r.worker,
        start,
        end,
        index,
        left_censored: r.data_inizio < p.inizio_copertura,
    })
}

/// The dominance rule (module doc), over the codes of one build.
pub struct Ranker<'a> {
    built: &'a Built,
    /// By macro-class code: open-ended (TI, APPRENDISTATO).
    open_ended: Vec<bool>,
    /// By tipo-orario code: full time (`F`).
    full_time: Vec<bool>,
}

impl<'a> Ranker<'a> {
    pub fn new(built: &'a Built, codes: &Codes) -> Ranker<'a> {
        let flags = |values: &[String], yes: &[&str]| values.iter().map(|v| yes.contains(&v.as_str())).collect();
        Ranker {
            built,
            open_ended: flags(&codes.macro_contratto.values, &["TI", "APPRENDISTATO"]),
            full_time: flags(&codes.orario.values, &["F"]),
        }
    }

    /// A ranker over explicit tables (by macro-class code and by tipo-orario code).
    pub fn with_tables(built: &'a Built, open_ended: Vec<bool>, full_time: Vec<bool>) -> Ranker<'a> {
        Ranker {
            built,
            open_ended,
            full_time,
        }
    }

    /// The segment of relationship `index` in force on `day` (its first one before it starts).
    fn segment(&self, r: &Rapporto, day: i32) -> u32 {
        let segs = &self.built.segmenti[r.segments.clone()];
        if segs.is_empty() {
            return NONE;
        }
        let k = segs.partition_point(|s| s.data_inizio <= day);
        (r.segments.start + k.saturating_sub(1)) as u32
    }

    /// Sort key of a relationship on `day`: the smallest dominates.
    fn key(&self, index: u32, day: i32) -> (bool, bool, Reverse<i64>, i32, u32) {
        let r = &self.built.rapporti[index as usize];
        let (open, full) = match self.built.segmenti.get(self.segment(r, day) as usize) {
            Some(s) => (
                self.open_ended
                    .get(s.macro_contratto as usize)
                    .copied()
                    .unwrap_or(false),
                self.full_time.get(s.orario as usize).copied().unwrap_or(false),
            ),
            None => (false, false),
        };
        let planned = match r.data_fine_prevista {
            NO_DATE => i64::MAX,
            d => d as i64 - r.data_inizio as i64 + 1,
        };
        (!open, !full, Reverse(planned), r.data_inizio, r.id)
    }
}

/// The careers of a run of spells sorted by worker and start (whole workers).
pub fn careers(spells: &[Spell], p: &Params, rank: &Ranker) -> Vec<Periodo> {
    let mut out = Vec::with_capacity(spells.len() * 2 + 1);
    let mut events: Vec<(i32, u32)> = Vec::new();
    let mut active: Vec<u32> = Vec::new();
    for worker in spells.chunk_by(|a, b| a.worker == b.worker) {
        sweep(worker, p, rank, &mut events, &mut active, &mut out);
    }
    out
}

/// The periods of one worker: +1 on each start, −1 on the day after each end, a period between
/// two consecutive days with events, and a last non-employment period to the horizon.
fn sweep(
    spells: &[Spell],
    p: &Params,
    rank: &Ranker,
    events: &mut Vec<(i32, u32)>,
    active: &mut Vec<u32>,
    out: &mut Vec<Periodo>,
) {
    events.clear();
    active.clear();
    for (k, s) in spells.iter().enumerate() {
        events.push((s.start, k as u32));
        events.push((s.end + 1, k as u32));
    }
    events.sort_unstable();
    let Some(&(first, _)) = events.first() else {
        return;
    };
    let mut n = 0u32;
    let mut emit = |from: i32, to: i32, active: &[u32]| {
        n += 1;
        let best = active
            .iter()
            .map(|&k| spells[k as usize].index)
            .min_by_key(|&i| rank.key(i, from));
        out.push(Periodo {
            worker: spells[0].worker,
            n_periodo: n,
            data_inizio: from,
            data_fine: to,
            n_rapporti: active.len() as u32,
            prevalente: best.unwrap_or(NONE),
            segmento: best.map_or(NONE, |i| rank.segment(&rank.built.rapporti[i as usize], from)),
            censura_destra: to == p.orizzonte,
            censura_sinistra: from == p.inizio_copertura && active.iter().any(|&k| spells[k as usize].left_censored),
        });
    };
    let mut from = first;
    let mut i = 0;
    while i < events.len() {
        let day = events[i].0;
        if day > from {
            emit(from, day - 1, active);
        }
        while i < events.len() && events[i].0 == day {
            let k = events[i].1;
            // The start of spell k comes before its end (start ≤ end < end + 1).
            match active.iter().position(|&a| a == k) {
                Some(pos) => {
                    active.swap_remove(pos);
                }
                None => active.push(k),
            }
            i += 1;
        }
        from = day;
    }
    if from <= p.orizzonte {
        emit(from, p.orizzonte, &[]);
    }
}

/// Spells per chunk of the parallel write (whole workers; about 40 MB of periods in flight per
/// thread at most).
const CHUNK: usize = 1 << 18;

/// Boundaries of chunks of about `size` spells that do not split a worker.
fn chunks(spells: &[Spell], size: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut a = 0;
    while a < spells.len() {
        let mut b = (a + size).min(spells.len());
        while b < spells.len() && spells[b].worker == spells[b - 1].worker {
            b += 1;
        }
        out.push((a, b));
        a = b;
    }
    out
}

/// Computes and writes `carriere` into the staging generation; returns its files and rows.
pub fn write_careers(
    staging: &Staging,
    built: &Built,
    spells: &[Spell],
    codes: &Codes,
    p: &Params,
) -> Result<(Vec<FileEntry>, u64)> {
    let rank = Ranker::new(built, codes);
    write_by_worker(staging, CARRIERE, carriere_schema(), spells, &|run| {
        let periods = careers(run, p, &rank);
        let years: Vec<i32> = periods.iter().map(|q| year_of(q.data_inizio)).collect();
        Ok((batch(&periods, built, codes)?, years))
    })
}

/// The rows of a run of whole workers' spells, with the year partition of each row.
pub(crate) type RunRows<'a> = dyn Fn(&[Spell]) -> Result<(RecordBatch, Vec<i32>)> + Sync + 'a;

/// Writes a dataset computed from runs of whole workers' spells (chunks of about [`CHUNK`]),
/// one writer per thread: `make` gives each run's rows and the year partition of each row.
pub(crate) fn write_by_worker(
    staging: &Staging,
    dataset: &'static str,
    schema: SchemaRef,
    spells: &[Spell],
    make: &RunRows,
) -> Result<(Vec<FileEntry>, u64)> {
    let bounds = chunks(spells, CHUNK);
    let lanes = rayon::current_num_threads().max(1).min(bounds.len().max(1));
    let per_lane: Vec<(Vec<FileEntry>, u64)> = (0..lanes)
        .into_par_iter()
        .map(|lane| {
            let mut w = PartitionedWriter::new(staging, dataset, &format!("part-build-{lane}"), schema.clone());
            let mut rows = 0u64;
            for &(a, b) in bounds.iter().skip(lane).step_by(lanes) {
                let (batch, years) = make(&spells[a..b])?;
                rows += batch.num_rows() as u64;
                write_by_year(&mut w, &batch, &years)?;
            }
            Ok((w.finish()?, rows))
        })
        .collect::<Result<_>>()?;
    let mut files = Vec::new();
    let mut rows = 0;
    for (f, n) in per_lane {
        files.extend(f);
        rows += n;
    }
    Ok((files, rows))
}

/// The periods as a batch of [`carriere_schema`].
pub fn batch(periods: &[Periodo], built: &Built, codes: &Codes) -> Result<RecordBatch> {
    let dominant = |q: &Periodo| built.rapporti.get(q.prevalente as usize);
    let columns: Vec<ArrayRef> = vec![
        hex_ids(periods.iter().map(|q| Some(q.worker))),
        Arc::new(Int32Array::from_iter_values(periods.iter().map(|q| q.n_periodo as i32))),
        Arc::new(Date32Array::from_iter_values(periods.iter().map(|q| q.data_inizio))),
        Arc::new(Date32Array::from_iter_values(periods.iter().map(|q| q.data_fine))),
        Arc::new(Int32Array::from_iter_values(
            periods.iter().map(|q| q.data_fine - q.data_inizio + 1),
        )),
        Arc::new(StringArray::from_iter_values(periods.iter().map(|q| {
            if q.n_rapporti > 0 {
                OCCUPATO
            } else {
                NON_OCCUPATO
            }
        }))),
        Arc::new(Int32Array::from_iter_values(
            periods.iter().map(|q| q.n_rapporti as i32),
        )),
        Arc::new(Int64Array::from_iter(
            periods.iter().map(|q| dominant(q).map(|r| r.id as i64 + 1)),
        )),
        Arc::new(StringArray::from_iter(periods.iter().map(|q| {
            built
                .segmenti
                .get(q.segmento as usize)
                .and_then(|s| codes.macro_contratto.get(s.macro_contratto as u16))
        }))),
        hex_ids(periods.iter().map(|q| dominant(q).map(|r| r.employer))),
        Arc::new(BooleanArray::from_iter(periods.iter().map(|q| Some(q.censura_destra)))),
        Arc::new(BooleanArray::from_iter(
            periods.iter().map(|q| Some(q.censura_sinistra)),
        )),
    ];
    Ok(RecordBatch::try_new(carriere_schema(), columns)?)
}
