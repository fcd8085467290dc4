//! The simulation: every day, the hires it expects (sector seasonality, weekdays, the crisis
//! year), each with an employer, a worker and the whole life of the relationship decided at
//! hire time, plus job-to-job moves; before that, an initial stock of open-ended
//! relationships started before the simulation.
//!
//! Every communication becomes an [`Item`] in the bucket of the month of its `data_invio`;
//! [`super::number`] takes a month once no later hire can add to it. All draws here come from
//! the *truth* random stream (one stream, drawn in a fixed order), never from the fault
//! stream, so the true relationships do not depend on fault injection.
//!
//! Parts, each importing only those above it in this list: [`life`] (the plan of one
//! relationship), [`pool`] (workers and places), [`firms`] (employers), [`queue`] (plans into
//! items and truth); this file runs the days.

mod firms;
mod life;
mod pool;
mod queue;

use crate::synth::cal::{self, age_at, civil_from_days, days_from_civil, weekday};
use crate::synth::codes::{Kind, KINDS, OR_F};
use crate::synth::events::{FAR, NONE, NO_USER};
use crate::synth::profile::World;
use crate::synth::rng::{hash3, Alias, Rng};
use firms::Firms;
use life::{kind_fallback, Life};
use pool::Pool;
use queue::Queue;
use std::collections::BTreeMap;

/// Stream of the user firms of agency work (one per relationship: worker and start).
const STREAM_USER: u64 = 0x5553_4552;

/// Parameters of the simulation (derived from the configuration).
pub struct Params {
    pub seed: u64,
    pub first_day: i32,
    pub last_day: i32,
    pub sim_start: i32,
    /// Hires per year.
    pub hires_per_year: f64,
    pub crisis_year: Option<i32>,
}

/// Generator state shared by the simulation and the numbering.
pub struct Gen<'w> {
    pub w: &'w World,
    pub p: Params,
    /// The truth random stream.
    rng: Rng,
    pub pool: Pool<'w>,
    pub firms: Firms,
    pub queue: Queue,
    /// Sector choice by month (seasonality), and the overall monthly factor.
    month_alias: Vec<Alias>,
    month_factor: [f64; 12],
    /// Workers scheduled for a job-to-job move, by day.
    scheduled: BTreeMap<i32, Vec<u32>>,
    /// Relationships started so far (initial stock excluded).
    pub hires: u64,
}

impl<'w> Gen<'w> {
    pub fn new(w: &'w World, p: Params) -> Gen<'w> {
        let mut rng = Rng::new(p.seed, 0x5452_5554);
        let mut month_alias = Vec::with_capacity(12);
        let mut month_factor = [0.0; 12];
        let total: f64 = w.sectors.iter().map(|s| s.weight).sum::<f64>().max(1e-9);
        for (m, mf) in month_factor.iter_mut().enumerate() {
            let ws: Vec<f64> = w.sectors.iter().map(|s| s.weight * s.season[m]).collect();
            *mf = ws.iter().sum::<f64>() / total;
            month_alias.push(Alias::new(&ws));
        }
        let mut pool = Pool::new(w, p.seed);
        let firms = Firms::build(w, &mut pool, &mut rng, p.hires_per_year, p.sim_start);
        let queue = Queue::new(p.first_day, p.last_day);
        Gen {
            w,
            p,
            rng,
            pool,
            firms,
            queue,
            month_alias,
            month_factor,
            scheduled: BTreeMap::new(),
            hires: 0,
        }
    }

    fn life(&mut self) -> Life<'_> {
        Life {
            rng: &mut self.rng,
            w: self.w,
            crisis_year: self.p.crisis_year,
        }
    }

    /// Seeds the pool with available workers.
    pub fn seed_pool(&mut self, n: usize) {
        self.pool.seed(&mut self.rng, self.p.sim_start, n);
    }

    fn crisis_factor(&self, day: i32) -> f64 {
        let (y, m, _) = civil_from_days(day);
        match self.p.crisis_year {
            Some(cy) if cy == y => match m {
                1 | 2 => 1.0,
                3 => 0.6,
                4 => 0.35,
                5 => 0.6,
                6 => 0.8,
                _ => 0.88,
            },
            _ => 1.0,
        }
    }

    fn day_weight(day: i32) -> f64 {
        const WD: [f64; 7] = [1.45, 1.15, 1.1, 1.05, 0.95, 0.22, 0.08];
        let (_, _, d) = civil_from_days(day);
        WD[weekday(day) as usize] * if d == 1 { 2.5 } else { 1.0 }
    }

    /// Expected hires on `day`.
    fn expected_hires(&self, day: i32) -> f64 {
        let (y, m, _) = civil_from_days(day);
        let first = days_from_civil(y, m, 1);
        let n = cal::days_in_month(y, m) as i32;
        let tot: f64 = (0..n).map(|k| Self::day_weight(first + k)).sum();
        self.p.hires_per_year / 12.0
            * self.month_factor[(m - 1) as usize]
            * self.crisis_factor(day)
            * Self::day_weight(day)
            / tot.max(1e-9)
    }

    /// Runs the hires of one day.
    /// Runs the hires of one day.
    pub fn run_day(&mut self, day: i32) {
        self.pool.release(day);
        let expected = self.expected_hires(day);
        let mut n = expected.floor() as i64;
        if self.rng.f64() < expected - n as f64 {
            n += 1;
        }
        if let Some(list) = self.scheduled.remove(&day) {
            for wid in list {
                let w = self.pool.workers[wid as usize];
                if w.busy_until >= day || age_at(w.birth, day) > 66 {
                    continue;
                }
                self.hire(day, Some(wid));
                n -= 1;
            }
        }
        for _ in 0..n.max(0) {
            self.hire(day, None);
        }
    }

    /// One hire on `day` (a job-to-job move when `worker` is given).
    fn hire(&mut self, day: i32, worker: Option<u32>) {
        let m = civil_from_days(day).1 as usize - 1;
        let sector = self.month_alias[m].sample(&mut self.rng);
        let employer = self.firms.pick(&mut self.rng, sector);
        let w = self.w;
        let s = &w.sectors[sector];
        let mix = s.mix;
        let kind = KINDS[self.rng.weighted(&mix)];
        let kind = kind_fallback(w, kind, day);
        let (orario, ore) = self.life().draw_orario(kind);
        let pt = orario != OR_F;
        let wid = match worker {
            Some(w) => w,
            None => {
                let chinese = self.firms.employers[employer as usize].chinese;
                self.pool.pick_worker(&mut self.rng, day, sector, chinese, kind, pt)
            }
        };
        let open = match kind {
            Kind::Ti | Kind::Appr => true,
            Kind::Dom => self.rng.chance(0.6),
            Kind::Interm => self.rng.chance(0.3),
            _ => false,
        };
        let fine = if open {
            NONE
        } else {
            day + self.life().term_days(kind, sector, day) - 1
        };
        let h = Hire::new(wid, employer, sector, kind, orario, ore);
        self.start_relationship(day, h, fine);
        // Intermittent calls / one-day jobs on consecutive days.
        if fine == day
            && (kind == Kind::Interm
                || (matches!(kind, Kind::Td) && (s.sezione == b'I' || (s.sezione == b'N' && !s.agency))))
            && self.rng.chance(0.3)
        {
            let k = self.rng.range(1, 4) as i32;
            for j in 1..=k {
                let d = day + j;
                if d > self.p.last_day {
                    break;
                }
                self.start_relationship(d, h, d);
            }
        }
    }

    /// Draws the life of a relationship started on `start` (its hazards run from
    /// `life_from`), queues its communications and keeps the worker busy until it ends.
    /// Returns its last day.
    fn relationship(&mut self, h: Hire, start: i32, fine: i32, life_from: i32) -> i32 {
        let pa = self.firms.employers[h.employer as usize].pa;
        let birth = self.pool.workers[h.wid as usize].birth;
        let plan = self.life().plan(
            h.kind,
            h.kind.tip(),
            h.sector,
            pa,
            start,
            fine,
            birth,
            h.orario,
            h.ore,
            life_from,
        );
        // Agency work: the user firm of the mission, from the relationship's own stream.
        let user = if self.w.sectors[h.sector].agency {
            let mut r = Rng::new(hash3(self.p.seed, STREAM_USER, h.wid as u64), start as u64);
            self.firms.pick_user(&mut r)
        } else {
            NO_USER
        };
        self.queue.emit_plan(&mut self.rng, &plan, h.wid, h.employer, user);
        let end = plan.end;
        self.pool.set_busy(h.wid, if end > self.p.last_day { FAR } else { end });
        self.pool.workers[h.wid as usize].pt = h.orario != OR_F;
        end
    }

    fn start_relationship(&mut self, day: i32, h: Hire, fine: i32) {
        self.hires += 1;
        let end = self.relationship(h, day, fine, day);
        self.pool.workers[h.wid as usize].last_start = day;
        // Job-to-job moves.
        if end < self.p.last_day {
            let p = self.rng.f64();
            let next = if p < 0.14 {
                Some(end + 1)
            } else if p < 0.3 {
                Some(end + 1 + self.rng.range(7, 60) as i32)
            } else {
                None
            };
            if let Some(n) = next {
                if n <= self.p.last_day && n > day {
                    self.scheduled.entry(n).or_default().push(h.wid);
                }
            }
        }
    }

    /// The initial stock: open-ended relationships started before the simulation.
    pub fn initial_stock(&mut self, n: usize) {
        let sim_start = self.p.sim_start;
        let lo = days_from_civil(2008, 1, 1).min(sim_start - 1);
        let ws: Vec<f64> = self
            .w
            .sectors
            .iter()
            .map(|s| {
                s.weight
                    * if s.sezione == b'C' {
                        1.6
                    } else if s.sezione == b'I' {
                        0.6
                    } else {
                        1.0
                    }
            })
            .collect();
        let alias = Alias::new(&ws);
        for _ in 0..n {
            let sector = alias.sample(&mut self.rng);
            let employer = self.firms.pick(&mut self.rng, sector);
            let wo = self.w;
            let s = &wo.sectors[sector];
            let kind = if s.household {
                Kind::Dom
            } else if self.rng.chance(0.06) {
                Kind::Appr
            } else {
                Kind::Ti
            };
            // Started after the CO went online (2008), before the simulation.
            let start = match kind {
                Kind::Appr => (sim_start - 1 - self.rng.range(0, 700) as i32).max(lo),
                _ => {
                    let age_days = self.rng.exp(365.25 * 7.0) as i32;
                    let s0 = sim_start - 1 - age_days;
                    if s0 < lo {
                        self.rng.range(lo as i64, (sim_start - 1) as i64) as i32
                    } else {
                        s0
                    }
                }
            };
            let kind = kind_fallback(wo, kind, start);
            let kind = if kind == Kind::Td { Kind::Ti } else { kind };
            let (orario, ore) = self.life().draw_orario(kind);
            // A worker old enough to have started then, and young enough to be working now.
            let age_now = self.rng.range(22, 64) as i32;
            let age_start = age_at(sim_start - age_now * 365, start);
            let age_now = if age_start < 18 {
                age_now + (18 - age_start)
            } else {
                age_now
            }
            .min(66);
            let female = self.rng.chance(s.female);
            let chinese = self.firms.employers[employer as usize].chinese;
            let cit = self.pool.draw_cit(&mut self.rng, chinese, s.household);
            let wid = self.pool.new_worker(&mut self.rng, sim_start, age_now, female, cit);
            let h = Hire::new(wid, employer, sector, kind, orario, ore);
            // Open-ended life drawn from the simulation start (memoryless hazards).
            self.relationship(h, start, NONE, sim_start);
        }
    }
}

/// Who is hired, by whom, in which sector, on which contract and working time.
#[derive(Debug, Clone, Copy)]
struct Hire {
    wid: u32,
    employer: u32,
    sector: usize,
    kind: Kind,
    orario: u8,
    ore: u8,
}

impl Hire {
    fn new(wid: u32, employer: u32, sector: usize, kind: Kind, orario: u8, ore: u8) -> Hire {
        Hire {
            wid,
            employer,
            sector,
            kind,
            orario,
            ore,
        }
    }
}
