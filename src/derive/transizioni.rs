//! The transitions (`transizioni`): for each relationship of the careers' window, what came
//! after it for the same worker (its successor, the gap, the J2J class of the separation) and
//! what came before it (the class of the hire), computed by `oml build` from the relationships
//! in memory, with the size of the employer on each side.
//!
//! Conventions (docs/convenzioni.md § 1, "Le transizioni"), the LEHD job-to-job flows
//! (DOMAIN.md § 7.4) adapted to daily data:
//!
//! - The relationships are those of the careers (`carriere.rs`): in the window from the coverage
//!   start to the horizon. A relationship is *open* when it has no last day by the horizon.
//! - The **successor** of a relationship r is the first relationship of the same worker, by start
//!   (then `id_rapporto`), that starts strictly after r and lasts beyond r's last day: the job the
//!   worker holds after r. A side job that started and ended within r is not a successor, nor a
//!   relationship that started the same day as r (it ran beside r from the start).
//! - The **gap** (`giorni_interruzione`) is the days without that job between r's last day and
//!   the successor's first: 0 when it starts the day after, −1 on r's last day, −n for n days of
//!   overlap, g for g days without it.
//! - The **class of the separation** (`classe_uscita`), first rule that applies:
//!   `in_corso` r is open at the horizon; `EE` the successor starts no later than the day after
//!   r's last (gap ≤ 0: job to job with no day out of work); `altro_rapporto` the worker keeps
//!   another relationship that started no later than r and goes on after it; `AQHire` a successor
//!   after 1 to L days (the AQHire limit, 91 days by default: the "adjacent quarter" as days);
//!   `NEPersist` no successor within L days (persistent non-employment; a later successor is still
//!   recorded, with its gap); `censurata` no successor by the horizon, which is less than L + 1
//!   days after r's last day (undetermined).
//! - The **class of the hire** (`classe_ingresso`) of s, from the latest last day M of the
//!   worker's relationships that started strictly before s (its holder is the *predecessor*):
//!   `non_osservata` s started before the coverage start, or there is no predecessor and fewer
//!   than L days of the window precede s; `EE` M ≥ the day before s's start and s lasts beyond M
//!   (s replaces the jobs held before); `da_occupato` M ≥ the day before s's start and s ends no
//!   later than M (a job beside one that goes on); `AQHire` 1 to L days without a job before s;
//!   `ENPersist` more than L days without a job before s, or no predecessor in the L days of the
//!   window before s (hire from persistent non-employment).
//! - **Recall** (`richiamo`, `richiamo_ingresso`): the successor's (predecessor's) employer is r's.
//! - **Employer size** (`posizioni_datore_inizio`, `posizioni_datore_fine`): the employer's
//!   relationships in force in the lake on r's first and on r's last day, r included: the
//!   employees the CO of the lake show, not the firm's (sites in other territories are not in a
//!   provincial lake) [I].
//! - The two sides count different things: when two jobs end into one new job, there are two
//!   `EE` separations and one `EE` hire.

use super::carriere::{write_by_worker, Spell, NONE};
use super::events::NO_DATE;
use super::output::year_of;
use super::rapporti::{Built, Params};
use crate::lake::catalog::transizioni_schema;
pub use crate::lake::catalog::TRANSIZIONI;
use crate::lake::manifest::FileEntry;
use crate::lake::Staging;
use anyhow::Result;
use arrow::array::{ArrayRef, BooleanArray, Date32Array, Int32Array, Int64Array, RecordBatch, StringArray};
use rayon::prelude::*;
use std::sync::Arc;

/// The AQHire limit by default: a gap of up to 91 days (a quarter) is a short one.
pub const LIMITE_AQHIRE: i32 = 91;

/// A last day for relationships open at the horizon.
const OPEN: i32 = i32::MAX;

/// Class of a separation (module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uscita {
    InCorso,
    EE,
    AltroRapporto,
    AQHire,
    NEPersist,
    Censurata,
}

impl Uscita {
    pub fn code(self) -> &'static str {
        match self {
            Uscita::InCorso => "in_corso",
            Uscita::EE => "EE",
            Uscita::AltroRapporto => "altro_rapporto",
            Uscita::AQHire => "AQHire",
            Uscita::NEPersist => "NEPersist",
            Uscita::Censurata => "censurata",
        }
    }
}

/// Class of a hire (module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ingresso {
    NonOsservata,
    EE,
    DaOccupato,
    AQHire,
    ENPersist,
}

impl Ingresso {
    pub fn code(self) -> &'static str {
        match self {
            Ingresso::NonOsservata => "non_osservata",
            Ingresso::EE => "EE",
            Ingresso::DaOccupato => "da_occupato",
            Ingresso::AQHire => "AQHire",
            Ingresso::ENPersist => "ENPersist",
        }
    }
}

/// The window and the AQHire limit.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub orizzonte: i32,
    pub inizio_copertura: i32,
    /// Longest gap, in days, of an AQHire.
    pub limite: i32,
}

impl Rules {
    pub fn new(p: &Params, limite: i32) -> Rules {
        Rules {
            orizzonte: p.orizzonte,
            inizio_copertura: p.inizio_copertura,
            limite,
        }
    }
}

/// One relationship as the transitions see it.
#[derive(Debug, Clone, Copy)]
pub struct Job {
    /// Index in [`Built::rapporti`].
    pub index: u32,
    pub id: u32,
    pub employer: u128,
    /// First day (before the coverage start for a left-censored relationship).
    pub start: i32,
    /// Last day, [`OPEN`] when open at the horizon (or ending after it).
    pub end: i32,
}

/// The transitions of one relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transizione {
    /// Index in [`Built::rapporti`].
    pub index: u32,
    pub uscita: Uscita,
    /// Index of the successor ([`NONE`] if none).
    pub successivo: u32,
    pub giorni_interruzione: Option<i32>,
    pub richiamo: Option<bool>,
    pub ingresso: Ingresso,
    /// Index of the predecessor ([`NONE`] if none).
    pub precedente: u32,
    pub giorni_da_precedente: Option<i32>,
    pub richiamo_ingresso: Option<bool>,
}

fn job(built: &Built, s: &Spell, rules: &Rules) -> Job {
    let r = &built.rapporti[s.index as usize];
    Job {
        index: s.index,
        id: r.id,
        employer: r.employer,
        start: r.data_inizio,
        end: match r.data_fine_effettiva {
            d if d == NO_DATE || d > rules.orizzonte => OPEN,
            d => d,
        },
    }
}

/// The transitions of one worker's relationships (any order; sorted here by start, then id).
/// Linear after the sort: the successors with a stack from the right (the first later job
/// lasting longer), the predecessors with a running maximum from the left.
pub fn transitions(jobs: &mut [Job], rules: &Rules, out: &mut Vec<Transizione>) {
    jobs.sort_unstable_by_key(|j| (j.start, j.id));
    let n = jobs.len();
    // Successors: jobs grouped by start, processed from the right; the stack holds candidates
    // with strictly later starts, their last days decreasing from the bottom (index 0) up.
    let mut next = vec![NONE; n];
    let mut stack: Vec<usize> = Vec::new();
    let groups: Vec<(usize, usize)> = group_bounds(jobs);
    for &(a, b) in groups.iter().rev() {
        for (j, slot) in jobs[a..b].iter().zip(&mut next[a..b]) {
            let k = stack.partition_point(|&p| jobs[p].end > j.end);
            if k > 0 {
                *slot = stack[k - 1] as u32;
            }
        }
        for i in (a..b).rev() {
            while stack.last().is_some_and(|&p| jobs[p].end <= jobs[i].end) {
                stack.pop();
            }
            stack.push(i);
        }
    }
    // Predecessors: the latest last day among strictly earlier starts, and its holder.
    let mut before: Option<(i32, usize)> = None;
    for &(a, b) in &groups {
        // The two latest last days within the group, for "another job started no later".
        let (mut top, mut second) = (None::<(i32, usize)>, None::<i32>);
        for (i, j) in jobs.iter().enumerate().take(b).skip(a) {
            let e = j.end;
            match top {
                Some((t, _)) if e <= t => second = Some(second.map_or(e, |s| s.max(e))),
                _ => {
                    second = top.map(|(t, _)| t);
                    top = Some((e, i));
                }
            }
        }
        for (i, &succ) in next.iter().enumerate().take(b).skip(a) {
            let other_in_group = match top {
                Some((t, h)) if h != i => Some(t),
                _ => second,
            };
            let other = before.map(|(m, _)| m).max(other_in_group);
            out.push(classify(jobs, i, succ, before, other, rules));
        }
        for (i, j) in jobs.iter().enumerate().take(b).skip(a) {
            if before.is_none_or(|(m, _)| j.end >= m) {
                before = Some((j.end, i));
            }
        }
    }
}

/// Bounds of the runs of equal start in jobs sorted by start.
fn group_bounds(jobs: &[Job]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut a = 0;
    for i in 1..=jobs.len() {
        if i == jobs.len() || jobs[i].start != jobs[a].start {
            out.push((a, i));
            a = i;
        }
    }
    out
}

/// The classes of job `i`, given its successor, the latest last day among earlier starts and
/// its holder (`before`), and the latest last day of any other job started no later (`other`).
fn classify(
    jobs: &[Job],
    i: usize,
    next: u32,
    before: Option<(i32, usize)>,
    other: Option<i32>,
    rules: &Rules,
) -> Transizione {
    let j = jobs[i];
    let succ = (next != NONE).then(|| jobs[next as usize]);
    let gap = succ.filter(|_| j.end != OPEN).map(|s| s.start - j.end - 1);
    let uscita = if j.end == OPEN {
        Uscita::InCorso
    } else if gap.is_some_and(|g| g <= 0) {
        Uscita::EE
    } else if other.is_some_and(|m| m > j.end) {
        Uscita::AltroRapporto
    } else if gap.is_some_and(|g| g <= rules.limite) {
        Uscita::AQHire
    } else if gap.is_some() || j.end + 1 + rules.limite <= rules.orizzonte {
        Uscita::NEPersist
    } else {
        Uscita::Censurata
    };
    let pred = before.map(|(m, h)| (m, jobs[h]));
    let ingresso = if j.start < rules.inizio_copertura {
        Ingresso::NonOsservata
    } else {
        match pred {
            Some((m, _)) if m >= j.start - 1 => {
                if j.end > m {
                    Ingresso::EE
                } else {
                    Ingresso::DaOccupato
                }
            }
            Some((m, _)) if j.start - m - 1 <= rules.limite => Ingresso::AQHire,
            Some(_) => Ingresso::ENPersist,
            None if j.start - rules.limite >= rules.inizio_copertura => Ingresso::ENPersist,
            None => Ingresso::NonOsservata,
        }
    };
    Transizione {
        index: j.index,
        uscita,
        successivo: succ.map_or(NONE, |s| s.index),
        giorni_interruzione: gap,
        richiamo: succ.map(|s| s.employer == j.employer),
        ingresso,
        precedente: pred.map_or(NONE, |(_, p)| p.index),
        giorni_da_precedente: pred.and_then(|(m, _)| (m != OPEN).then(|| j.start - m - 1)),
        richiamo_ingresso: pred.map(|(_, p)| p.employer == j.employer),
    }
}

/// Each relationship's employer size on its first and on its last day: the employer's
/// relationships of the window in force on that day, itself included. The relationships are
/// grouped by employer (one sort of 4-byte indices), then each employer's starts and last days
/// are sorted and counted on its own, in parallel.
pub struct Positions {
    /// By index in [`Built::rapporti`] (0 for a relationship outside the window).
    pub inizio: Vec<i32>,
    /// By index in [`Built::rapporti`] (0 while open).
    pub fine: Vec<i32>,
}

impl Positions {
    /// The sizes of `jobs`' relationships.
    pub fn new(jobs: &[Job], n_rapporti: usize) -> Positions {
        Positions::of(jobs.len(), &|i| jobs[i], n_rapporti)
    }

    /// The sizes of the window's relationships, read from `built` (no copy of the window).
    pub fn of_window(built: &Built, spells: &[Spell], rules: &Rules) -> Positions {
        Positions::of(spells.len(), &|i| job(built, &spells[i], rules), built.rapporti.len())
    }

    fn of(n: usize, job: &(dyn Fn(usize) -> Job + Sync), n_rapporti: usize) -> Positions {
        let mut order: Vec<(u128, u32)> = (0..n).into_par_iter().map(|i| (job(i).employer, i as u32)).collect();
        order.par_sort_unstable();
        let groups: Vec<&[(u128, u32)]> = order.chunk_by(|a, b| a.0 == b.0).collect();
        let sizes: Vec<(u32, i32, i32)> = groups
            .par_iter()
            .flat_map_iter(|g| employer_sizes(g.iter().map(|&(_, i)| job(i as usize)).collect()))
            .collect();
        drop(order);
        let mut out = Positions {
            inizio: vec![0; n_rapporti],
            fine: vec![0; n_rapporti],
        };
        for (index, a, b) in sizes {
            out.inizio[index as usize] = a;
            out.fine[index as usize] = b;
        }
        out
    }
}

/// (index, size on the first day, size on the last day or 0 while open) of one employer's jobs.
fn employer_sizes(group: Vec<Job>) -> Vec<(u32, i32, i32)> {
    let mut starts: Vec<i32> = group.iter().map(|j| j.start).collect();
    let mut ends: Vec<i32> = group.iter().map(|j| j.end).collect();
    starts.sort_unstable();
    ends.sort_unstable();
    // In force on `day`: started by it, minus ended before it.
    let on = |day: i32| (starts.partition_point(|&s| s <= day) - ends.partition_point(|&e| e < day)) as i32;
    group
        .iter()
        .map(|j| (j.index, on(j.start), if j.end == OPEN { 0 } else { on(j.end) }))
        .collect()
}

/// The window's relationships (the careers' spells, sorted by worker) as jobs.
pub fn jobs(built: &Built, spells: &[Spell], rules: &Rules) -> Vec<Job> {
    spells.par_iter().map(|s| job(built, s, rules)).collect()
}

/// The transitions of jobs sorted by worker (whole workers), in the jobs' order per worker.
pub fn all_transitions(spells: &[Spell], jobs: &[Job], rules: &Rules) -> Vec<Transizione> {
    let mut out = Vec::with_capacity(jobs.len());
    let mut a = 0;
    while a < spells.len() {
        let mut b = a + 1;
        while b < spells.len() && spells[b].worker == spells[a].worker {
            b += 1;
        }
        let mut worker: Vec<Job> = jobs[a..b].to_vec();
        transitions(&mut worker, rules, &mut out);
        a = b;
    }
    out
}

/// Computes and writes `transizioni` into the staging generation; returns its files and rows.
pub fn write_transitions(
    staging: &Staging,
    built: &Built,
    spells: &[Spell],
    rules: &Rules,
) -> Result<(Vec<FileEntry>, u64)> {
    let positions = Positions::of_window(built, spells, rules);
    write_by_worker(staging, TRANSIZIONI, transizioni_schema(), spells, &|run| {
        let t = all_transitions(run, &jobs(built, run, rules), rules);
        let years: Vec<i32> = t
            .iter()
            .map(|x| year_of(built.rapporti[x.index as usize].data_inizio))
            .collect();
        Ok((batch(&t, built, &positions, rules)?, years))
    })
}

/// The transitions as a batch of [`transizioni_schema`].
pub fn batch(t: &[Transizione], built: &Built, positions: &Positions, rules: &Rules) -> Result<RecordBatch> {
    let rel = |i: u32| &built.rapporti[i as usize];
    let id = |i: u32| (i != NONE).then(|| rel(i).id as i64 + 1);
    let last_day = |x: &Transizione| match rel(x.index).data_fine_effettiva {
        d if d == NO_DATE || d > rules.orizzonte => None,
        d => Some(d),
    };
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from_iter_values(
            t.iter().map(|x| rel(x.index).id as i64 + 1),
        )),
        Arc::new(Date32Array::from_iter_values(
            t.iter().map(|x| rel(x.index).data_inizio),
        )),
        Arc::new(Date32Array::from_iter(t.iter().map(last_day))),
        Arc::new(StringArray::from_iter_values(t.iter().map(|x| x.uscita.code()))),
        Arc::new(Int64Array::from_iter(t.iter().map(|x| id(x.successivo)))),
        Arc::new(Int32Array::from_iter(t.iter().map(|x| x.giorni_interruzione))),
        Arc::new(BooleanArray::from_iter(t.iter().map(|x| x.richiamo))),
        Arc::new(StringArray::from_iter_values(t.iter().map(|x| x.ingresso.code()))),
        Arc::new(Int64Array::from_iter(t.iter().map(|x| id(x.precedente)))),
        Arc::new(Int32Array::from_iter(t.iter().map(|x| x.giorni_da_precedente))),
        Arc::new(BooleanArray::from_iter(t.iter().map(|x| x.richiamo_ingresso))),
        Arc::new(Int32Array::from_iter_values(
            t.iter().map(|x| positions.inizio[x.index as usize]),
        )),
        Arc::new(Int32Array::from_iter(
            t.iter().map(|x| last_day(x).map(|_| positions.fine[x.index as usize])),
        )),
    ];
    Ok(RecordBatch::try_new(transizioni_schema(), columns)?)
}
