//! The careers the CO stream holds: every true relationship (`truth/rapporti.csv` and
//! `truth/rapporti_pregressi.csv`), indexed by worker and ordered by start. DID, mobility and
//! CIG are drawn from these, so that every re-employment they record is an avviamento of the CO.

use super::super::codes::{TIP_CODES, TIP_TI};
use super::super::events::{Employer, TruthRow, Worker, NONE};
use super::super::profile::World;

/// One relationship of a worker.
#[derive(Debug, Clone, Copy)]
pub struct Spell {
    pub worker: u32,
    pub employer: u32,
    pub start: i32,
    /// Last day worked, [`NONE`] if open at the horizon.
    pub end: i32,
    /// Expected end after the proroghe as of the horizon, [`NONE`] if open-ended.
    pub fine_prevista: i32,
    pub tip: u8,
    /// Cause code index of the cessazione (`None`: open, or ended at term without one).
    pub cause: Option<u8>,
    pub imputata: bool,
    /// Started before the first year (its ASS is not in the extract).
    pub pregresso: bool,
    pub emp: Employer,
}

impl Spell {
    pub fn from_truth(r: &TruthRow, pregresso: bool) -> Spell {
        Spell {
            worker: r.t.worker,
            employer: r.t.employer,
            start: r.t.start,
            end: r.t.end,
            fine_prevista: r.t.fine_prevista,
            tip: r.t.tip0,
            cause: r.t.cause,
            imputata: r.t.imputata,
            pregresso,
            emp: r.emp,
        }
    }

    /// Active on `day`.
    pub fn active(&self, day: i32) -> bool {
        self.start <= day && (self.end == NONE || self.end >= day)
    }

    /// Subordinate work (not a tirocinio, not a collaboration).
    pub fn subordinate(&self) -> bool {
        !matches!(TIP_CODES[self.tip as usize], "C.01.00" | "B.03.00")
    }

    pub fn collaboration(&self) -> bool {
        TIP_CODES[self.tip as usize] == "B.03.00"
    }

    /// Open-ended at the start (TI or apprendistato).
    pub fn open_ended(&self) -> bool {
        self.tip == TIP_TI || TIP_CODES[self.tip as usize].starts_with("A.03")
    }
}

/// All relationships, and each worker's in order of start.
pub struct Careers<'a> {
    pub w: &'a World,
    pub workers: &'a [Worker],
    pub spells: Vec<Spell>,
    /// Per worker, indexes into `spells` by (start, employer).
    pub by_worker: Vec<Vec<u32>>,
}

impl<'a> Careers<'a> {
    pub fn new(w: &'a World, workers: &'a [Worker], mut spells: Vec<Spell>) -> Careers<'a> {
        spells.sort_by_key(|s| (s.worker, s.start, s.employer, s.end));
        let mut by_worker = vec![Vec::new(); workers.len()];
        for (i, s) in spells.iter().enumerate() {
            if let Some(v) = by_worker.get_mut(s.worker as usize) {
                v.push(i as u32);
            }
        }
        Careers {
            w,
            workers,
            spells,
            by_worker,
        }
    }

    /// The relationships of a worker, by start.
    pub fn of(&self, worker: u32) -> impl Iterator<Item = &Spell> + '_ {
        self.by_worker[worker as usize]
            .iter()
            .map(|&i| &self.spells[i as usize])
    }

    /// The cause code of a spell ("" when none was communicated).
    pub fn cause(&self, s: &Spell) -> &'static str {
        s.cause.map_or("", |c| self.w.causes.codes[c as usize])
    }

    /// Days worked by `worker` in `[from, to]` (overlapping jobs counted once per job).
    pub fn days_worked(&self, worker: u32, from: i32, to: i32) -> i32 {
        self.of(worker)
            .map(|s| {
                let a = s.start.max(from);
                let b = if s.end == NONE { to } else { s.end.min(to) };
                (b - a + 1).max(0)
            })
            .sum()
    }
}
