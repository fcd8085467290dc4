//! The simulation: a worker pool, employers, daily hires, and the whole life of every
//! employment relationship (proroghe, trasformazioni, cessazione), decided at hire time.
//!
//! Every event of a relationship becomes an [`Item`] in the bucket of the month of its
//! `data_invio`; [`super::emit`] flushes a month once no later hire can add to it. All draws
//! here come from the *truth* random stream, never from the fault stream, so the true
//! relationships do not depend on fault injection.

use super::cal::{self, age_at, civil_from_days, days_from_civil, month_index, weekday};
use super::emit::{Item, Mutation};
use super::people::{self, codice_fiscale, numeric_cf, omocodic};
use super::profile::{Kind, NameGroup, World, KINDS, TIP_TI, TRS_DI, TRS_FF, TRS_PP, TRS_TP};
use super::rng::{hash3, unit, Alias, Rng};
use rustc_hash::FxHashSet;
use std::collections::BTreeMap;

/// No date.
pub const NONE: i32 = i32::MIN;
/// An item without truth attached.
pub const NO_TRUTH: u32 = u32::MAX;
/// Never (beyond any horizon).
pub const FAR: i32 = i32::MAX;

pub const EV_ASS: u8 = 0;
pub const EV_PRO: u8 = 1;
pub const EV_TRS: u8 = 2;
pub const EV_CES: u8 = 3;

/// Working-time codes.
pub const ORARI: [&str; 5] = ["F", "P", "V", "M", "N"];
pub const OR_F: u8 = 0;
pub const OR_P: u8 = 1;
pub const OR_N: u8 = 4;

const OMOCODIA_RATE: f64 = 0.001;
const STREAM_OMO: u64 = 0x4F4D_4F43;

/// A worker of the pool. Names are derived again from the seed and the id.
#[derive(Debug, Clone, Copy)]
pub struct Worker {
    pub cf: [u8; 16],
    pub birth: i32,
    /// Last day of the current job(s); before today = available.
    pub busy_until: i32,
    pub birth_place: u32,
    pub domicilio: u32,
    pub cit: u8,
    pub female: bool,
    pub livello: u8,
    pub salt: u8,
    /// The current job is part-time (a second part-time job is possible).
    pub pt: bool,
    /// Start of the latest job (two jobs never share worker, employer and start day).
    pub last_start: i32,
    pub omocodic: bool,
}

/// An employer. Names are derived again from the seed and the id.
#[derive(Debug, Clone, Copy)]
pub struct Employer {
    pub cf: [u8; 16],
    pub cf_len: u8,
    pub sector: u16,
    pub sede: u16,
    pub pa: bool,
    pub chinese: bool,
    /// Ditta individuale or household: a personal CF, the denominazione is the owner's name.
    pub personal: bool,
    pub owner_group: NameGroup,
    pub owner_female: bool,
    pub owner_salt: u8,
}

impl Employer {
    pub fn cf_str(&self) -> &str {
        std::str::from_utf8(&self.cf[..self.cf_len as usize]).unwrap_or("")
    }
}

/// One communication's content, before it is written.
#[derive(Debug, Clone, Copy)]
pub struct Ev {
    pub worker: u32,
    pub employer: u32,
    pub start: i32,
    /// DataFine (expected end) as the communication states it; [`NONE`] = open-ended.
    pub fine: i32,
    /// ProrogaDataFine / DataTrasformazione / DataCessazione.
    pub date: i32,
    pub kind: u8,
    pub tip: u8,
    pub orario: u8,
    pub ore: u8,
    /// Trasformazione code index or cessazione cause index.
    pub code: u8,
}

/// Ground truth of one relationship, as of the horizon.
#[derive(Debug, Clone, Copy)]
pub struct Truth {
    pub worker: u32,
    pub employer: u32,
    pub start: i32,
    /// True last day worked, [`NONE`] if still open at the horizon.
    pub end: i32,
    pub tip0: u8,
    pub tip_final: u8,
    pub imputata: bool,
    /// Expected end after the last proroga, [`NONE`] if open-ended.
    pub fine_prevista: i32,
    pub n_pro: u8,
    /// (trasformazione code index, date) of the last trasformazione, if any.
    pub trs: Option<(u8, i32)>,
    /// Cause of the cessazione communicated.
    pub cause: Option<u8>,
    pub ces_comunicata: bool,
}

/// Events of a relationship's plan.
#[derive(Debug, Clone, Copy)]
enum PlanEv {
    Pro {
        old_end: i32,
        new_end: i32,
    },
    Trs {
        date: i32,
        code: u8,
        tip: u8,
        orario: u8,
        ore: u8,
        ends_term: bool,
    },
    Ces {
        date: i32,
        cause: u8,
    },
}

impl PlanEv {
    fn date(&self) -> i32 {
        match *self {
            PlanEv::Pro { old_end, .. } => old_end,
            PlanEv::Trs { date, .. } => date,
            PlanEv::Ces { date, .. } => date,
        }
    }
}

/// A relationship's whole life.
struct Plan {
    tip: u8,
    orario: u8,
    ore: u8,
    start: i32,
    fine: i32,
    events: Vec<PlanEv>,
    /// Effective last day ([`FAR`] if beyond the simulation).
    end: i32,
    imputata: bool,
}

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

/// Generator state shared by the simulation and the emitter.
pub struct Gen<'w> {
    pub w: &'w World,
    pub p: Params,
    rng: Rng,
    pub workers: Vec<Worker>,
    base_cfs: FxHashSet<[u8; 16]>,
    pub employers: Vec<Employer>,
    sector_emps: Vec<Vec<u32>>,
    sector_alias: Vec<Alias>,
    month_alias: Vec<Alias>,
    month_factor: [f64; 12],
    /// Places (Belfiore / Z codes) of birth and domicile.
    pub places: Vec<&'static str>,
    place_prov: (u32, u32),
    place_region: (u32, u32),
    place_italy: (u32, u32),
    place_z: Vec<u32>,
    cit_alias: Alias,
    comune_alias: Alias,
    scheduled: BTreeMap<i32, Vec<u32>>,
    /// Pending items by month index of their `data_invio`.
    pub buckets: BTreeMap<i32, Vec<Item>>,
    /// Available workers, and each worker's position there (u32::MAX = not available).
    idle: Vec<u32>,
    idle_pos: Vec<u32>,
    /// Workers whose job(s) end the day before, by day.
    releases: BTreeMap<i32, Vec<u32>>,
    pub seq: u64,
    /// Truth of relationships whose ASS is pending, by the ASS item's seq.
    truth_slab: Vec<Truth>,
    truth_free: Vec<u32>,
    /// Relationships started before the window and alive at its start.
    pub pregressi: Vec<Truth>,
    pub hires: u64,
}

fn ore_draw(rng: &mut Rng) -> u8 {
    const ORE: [u8; 10] = [15, 18, 20, 20, 24, 24, 25, 30, 30, 32];
    ORE[rng.below(10) as usize]
}

impl<'w> Gen<'w> {
    pub fn new(w: &'w World, p: Params) -> Gen<'w> {
        let rng = Rng::new(p.seed, 0x5452_5554);
        let mut places: Vec<&'static str> = Vec::new();
        let a = places.len() as u32;
        places.extend(w.comuni.iter().map(|c| c.belfiore.as_str()));
        let place_prov = (a, places.len() as u32);
        let a = places.len() as u32;
        places.extend(w.region_comuni.iter().map(|c| c.belfiore.as_str()));
        let place_region = (a, places.len() as u32);
        let a = places.len() as u32;
        places.extend(w.italy_comuni.iter().map(|c| c.belfiore.as_str()));
        let place_italy = (a, places.len() as u32);
        let mut place_z = Vec::with_capacity(w.cits.len());
        for c in &w.cits {
            if c.italian {
                place_z.push(u32::MAX);
            } else {
                place_z.push(places.len() as u32);
                places.push(c.z);
            }
        }
        // Sector choice by month (seasonality), and the overall monthly factor.
        let mut month_alias = Vec::with_capacity(12);
        let mut month_factor = [0.0; 12];
        let total: f64 = w.sectors.iter().map(|s| s.weight).sum::<f64>().max(1e-9);
        for (m, mf) in month_factor.iter_mut().enumerate() {
            let ws: Vec<f64> = w.sectors.iter().map(|s| s.weight * s.season.factors()[m]).collect();
            *mf = ws.iter().sum::<f64>() / total;
            month_alias.push(Alias::new(&ws));
        }
        let cit_alias = Alias::new(&w.cit_weights);
        let comune_alias = Alias::new(&w.comune_weights);
        let mut g = Gen {
            w,
            p,
            rng,
            workers: Vec::new(),
            base_cfs: FxHashSet::default(),
            employers: Vec::new(),
            sector_emps: Vec::new(),
            sector_alias: Vec::new(),
            month_alias,
            month_factor,
            places,
            place_prov,
            place_region,
            place_italy,
            place_z,
            cit_alias,
            comune_alias,
            scheduled: BTreeMap::new(),
            buckets: BTreeMap::new(),
            seq: 0,
            truth_slab: Vec::new(),
            truth_free: Vec::new(),
            idle: Vec::new(),
            idle_pos: Vec::new(),
            releases: BTreeMap::new(),
            pregressi: Vec::new(),
            hires: 0,
        };
        g.build_employers();
        g
    }

    // ----- people ------------------------------------------------------------------------------

    fn place_in(&mut self, range: (u32, u32)) -> u32 {
        if range.1 <= range.0 {
            return self.place_prov.0;
        }
        range.0 + self.rng.below((range.1 - range.0) as u64) as u32
    }

    fn prov_place(&mut self) -> u32 {
        self.place_prov.0 + self.comune_alias.sample(&mut self.rng) as u32
    }

    fn draw_cit(&mut self, chinese_employer: bool, household: bool) -> u8 {
        if chinese_employer {
            if let Some(c) = self.w.cit_china {
                if self.rng.chance(0.85) {
                    return c;
                }
            }
        }
        let mut c = self.cit_alias.sample(&mut self.rng) as u8;
        if household && self.w.cits[c as usize].italian && self.rng.chance(0.55) {
            c = self.cit_alias.sample(&mut self.rng) as u8; // domestic work: more foreigners
        }
        c
    }

    fn draw_livello(&mut self, italian: bool, age: i32) -> u8 {
        let w: [f64; 13] = if italian {
            [1.0, 1.5, 24.0, 9.0, 36.0, 1.0, 1.2, 19.0, 2.5, 1.8, 1.2, 1.0, 0.8]
        } else {
            [9.0, 12.0, 38.0, 8.0, 21.0, 0.6, 0.8, 8.0, 0.8, 0.6, 0.3, 0.3, 0.3]
        };
        let mut l = self.rng.weighted(&w) as u8;
        if age < 19 && l > 3 {
            l = 2;
        } else if age < 23 && l > 4 {
            l = 4;
        }
        l
    }

    /// Creates a worker born so as to be `age` on `day`.
    fn new_worker(&mut self, day: i32, age: i32, female: bool, cit: u8) -> u32 {
        let id = self.workers.len() as u32;
        let birth = day - (age as i64 * 36525 / 100) as i32 - self.rng.range(0, 364) as i32;
        let c = &self.w.cits[cit as usize];
        let italian = c.italian;
        let group = c.group;
        let birth_place = if italian {
            if self.rng.chance(0.62) {
                self.prov_place()
            } else {
                self.place_in(self.place_italy)
            }
        } else if age < 30 && self.rng.chance(0.15) {
            self.prov_place()
        } else {
            self.place_z[cit as usize]
        };
        let domicilio = if self.rng.chance(0.86) {
            self.prov_place()
        } else {
            self.place_in(self.place_region)
        };
        let livello = self.draw_livello(italian, age);
        let place = self.places[birth_place as usize];
        let (mut cog, mut nom) = (String::new(), String::new());
        let mut salt = 0u8;
        let mut cfb;
        loop {
            people::person_names(self.p.seed, id as u64, salt, group, female, &mut cog, &mut nom);
            cfb = codice_fiscale(&cog, &nom, birth, female, place);
            if !self.base_cfs.contains(&cfb) || salt == u8::MAX {
                break;
            }
            salt += 1;
        }
        self.base_cfs.insert(cfb);
        let h = hash3(self.p.seed, STREAM_OMO, id as u64);
        let omocodic_cf = unit(h) < OMOCODIA_RATE;
        if omocodic_cf {
            cfb = omocodic(&cfb, 1 + (h >> 32) as usize % 3);
        }
        self.idle_pos.push(u32::MAX);
        self.workers.push(Worker {
            cf: cfb,
            birth,
            busy_until: NONE,
            birth_place,
            domicilio,
            cit,
            female,
            livello,
            salt,
            pt: false,
            last_start: NONE,
            omocodic: omocodic_cf,
        });
        id
    }

    fn entry_age(&mut self, young: bool) -> i32 {
        if young {
            let w = [0.45, 0.3, 0.17, 0.08];
            match self.rng.weighted(&w) {
                0 => self.rng.range(16, 24) as i32,
                1 => self.rng.range(25, 34) as i32,
                2 => self.rng.range(35, 49) as i32,
                _ => self.rng.range(50, 60) as i32,
            }
        } else {
            let w = [0.2, 0.27, 0.23, 0.19, 0.11];
            match self.rng.weighted(&w) {
                0 => self.rng.range(16, 24) as i32,
                1 => self.rng.range(25, 34) as i32,
                2 => self.rng.range(35, 44) as i32,
                3 => self.rng.range(45, 54) as i32,
                _ => self.rng.range(55, 64) as i32,
            }
        }
    }

    /// Seeds the pool with available workers.
    pub fn seed_pool(&mut self, n: usize) {
        let day = self.p.sim_start;
        for _ in 0..n {
            let age = self.entry_age(false);
            let female = self.rng.chance(0.46);
            let cit = self.draw_cit(false, false);
            let wid = self.new_worker(day, age, female, cit);
            self.mark_idle(wid);
        }
    }

    fn mark_idle(&mut self, wid: u32) {
        if self.idle_pos[wid as usize] == u32::MAX {
            self.idle_pos[wid as usize] = self.idle.len() as u32;
            self.idle.push(wid);
        }
    }

    fn mark_busy(&mut self, wid: u32) {
        let pos = self.idle_pos[wid as usize];
        if pos == u32::MAX {
            return;
        }
        self.idle.swap_remove(pos as usize);
        if let Some(&moved) = self.idle.get(pos as usize) {
            self.idle_pos[moved as usize] = pos;
        }
        self.idle_pos[wid as usize] = u32::MAX;
    }

    /// Records that a worker is busy until `until` (inclusive; [`FAR`] = beyond the horizon).
    fn set_busy(&mut self, wid: u32, until: i32) {
        self.mark_busy(wid);
        let w = &mut self.workers[wid as usize];
        w.busy_until = if w.busy_until == NONE {
            until
        } else {
            w.busy_until.max(until)
        };
        if until != FAR {
            self.releases.entry(until + 1).or_default().push(wid);
        }
    }

    // ----- employers ---------------------------------------------------------------------------

    fn build_employers(&mut self) {
        let w = self.w;
        let total: f64 = w.sectors.iter().map(|s| s.weight).sum::<f64>().max(1e-9);
        let h = self.p.hires_per_year.max(1.0);
        for (si, s) in w.sectors.iter().enumerate() {
            let hires_s = h * s.weight / total;
            let n = if s.agency {
                (hires_s / 2500.0).ceil().max(3.0)
            } else if s.household {
                (hires_s * 0.75).ceil().max(5.0)
            } else if s.pa >= 1.0 {
                (hires_s / 400.0).ceil().max(2.0)
            } else if s.divisione == 85 {
                (hires_s / 60.0).ceil().max(3.0)
            } else if s.divisione == 86 {
                (hires_s / 120.0).ceil().max(3.0)
            } else {
                (hires_s * 0.3).ceil().max(3.0)
            } as usize;
            let mut ids = Vec::with_capacity(n);
            let mut weights = Vec::with_capacity(n);
            for _ in 0..n {
                let id = self.employers.len() as u32;
                let size_w = if s.household {
                    1.0
                } else if s.agency {
                    1.0 + self.rng.below(5) as f64
                } else {
                    match self.rng.weighted(&[0.78, 0.17, 0.04, 0.01]) {
                        0 => 1.0,
                        1 => 6.0,
                        2 => 30.0,
                        _ => 150.0,
                    }
                };
                let pa = !s.household && self.rng.chance(s.pa);
                let chinese = !pa && self.rng.chance(s.chinese);
                let personal =
                    s.household || (!pa && size_w <= 1.0 && self.rng.chance(if chinese { 0.7 } else { 0.3 }));
                let sede = self.comune_alias.sample(&mut self.rng) as u16;
                let mut e = Employer {
                    cf: [b'0'; 16],
                    cf_len: 11,
                    sector: si as u16,
                    sede,
                    pa,
                    chinese,
                    personal,
                    owner_group: NameGroup::Italian,
                    owner_female: false,
                    owner_salt: 0,
                };
                if personal {
                    let cit = if chinese {
                        self.w.cit_china.unwrap_or(self.w.cit_italy)
                    } else if s.household || self.rng.chance(0.85) {
                        self.w.cit_italy
                    } else {
                        self.draw_cit(false, false)
                    };
                    let c = &self.w.cits[cit as usize];
                    let female = self.rng.chance(if s.household { 0.6 } else { 0.35 });
                    let age = if s.household {
                        self.rng.range(45, 90)
                    } else {
                        self.rng.range(28, 66)
                    } as i32;
                    let birth = self.p.sim_start - age * 365 - self.rng.range(0, 364) as i32;
                    let place = if c.italian {
                        let pl = if self.rng.chance(0.7) {
                            self.prov_place()
                        } else {
                            self.place_in(self.place_italy)
                        };
                        self.places[pl as usize]
                    } else {
                        c.z
                    };
                    let (mut cog, mut nom) = (String::new(), String::new());
                    let mut salt = 0u8;
                    let oid = OWNER_BASE + id as u64;
                    let mut cfb;
                    loop {
                        people::person_names(self.p.seed, oid, salt, c.group, female, &mut cog, &mut nom);
                        cfb = codice_fiscale(&cog, &nom, birth, female, place);
                        if !self.base_cfs.contains(&cfb) || salt == u8::MAX {
                            break;
                        }
                        salt += 1;
                    }
                    self.base_cfs.insert(cfb);
                    e.cf = cfb;
                    e.cf_len = 16;
                    e.owner_group = c.group;
                    e.owner_female = female;
                    e.owner_salt = salt;
                } else {
                    let first = if pa {
                        8 + self.rng.below(2) as u8
                    } else {
                        self.rng.below(3) as u8
                    };
                    loop {
                        let b = numeric_cf(self.rng.next_u64(), first);
                        let mut key = [b' '; 16];
                        key[..11].copy_from_slice(&b);
                        if !self.base_cfs.contains(&key) {
                            self.base_cfs.insert(key);
                            e.cf[..11].copy_from_slice(&b);
                            break;
                        }
                    }
                }
                self.employers.push(e);
                ids.push(id);
                weights.push(size_w);
            }
            self.sector_alias.push(Alias::new(&weights));
            self.sector_emps.push(ids);
        }
    }

    // ----- calendar of hires ---------------------------------------------------------------------

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
    pub fn run_day(&mut self, day: i32) {
        if let Some(list) = self.releases.remove(&day) {
            for wid in list {
                if self.workers[wid as usize].busy_until < day {
                    self.mark_idle(wid);
                }
            }
        }
        let expected = self.expected_hires(day);
        let mut n = expected.floor() as i64;
        if self.rng.f64() < expected - n as f64 {
            n += 1;
        }
        if let Some(list) = self.scheduled.remove(&day) {
            for wid in list {
                let w = self.workers[wid as usize];
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

    // ----- one hire ------------------------------------------------------------------------------

    fn draw_orario(&mut self, kind: Kind) -> (u8, u8) {
        let w: [f64; 4] = match kind {
            Kind::Ti => [0.68, 0.24, 0.04, 0.04],
            Kind::Td | Kind::TdSost => [0.6, 0.32, 0.04, 0.04],
            Kind::Appr => [0.86, 0.14, 0.0, 0.0],
            Kind::Dom => [0.35, 0.55, 0.05, 0.05],
            Kind::Tiroc => [0.78, 0.22, 0.0, 0.0],
            Kind::Domicilio => [0.5, 0.5, 0.0, 0.0],
            Kind::Interm | Kind::Parasub => return (OR_N, 0),
        };
        let o = self.rng.weighted(&w) as u8;
        if o == OR_F {
            (OR_F, 0)
        } else {
            (o, ore_draw(&mut self.rng))
        }
    }

    /// Duration in days (≥ 1) of a fixed-term contract.
    fn term_days(&mut self, kind: Kind, sector: usize, start: i32) -> i32 {
        let w = self.w;
        let s = &w.sectors[sector];
        let (_, m, _) = civil_from_days(start);
        let w: [f64; 7] = match kind {
            Kind::Interm => [0.3, 0.15, 0.15, 0.15, 0.15, 0.08, 0.02],
            Kind::Tiroc => [0.0, 0.0, 0.0, 0.2, 0.5, 0.3, 0.0],
            Kind::Parasub => [0.02, 0.05, 0.1, 0.25, 0.3, 0.25, 0.03],
            Kind::Dom => [0.02, 0.05, 0.15, 0.3, 0.3, 0.15, 0.03],
            _ if s.agency => [0.18, 0.14, 0.22, 0.24, 0.14, 0.07, 0.01],
            _ if s.sezione == b'A' => [0.1, 0.15, 0.35, 0.3, 0.08, 0.02, 0.0],
            _ if s.sezione == b'I' || s.sezione == b'R' => {
                if (4..=6).contains(&m) {
                    [0.12, 0.1, 0.1, 0.2, 0.38, 0.08, 0.02]
                } else {
                    [0.22, 0.15, 0.16, 0.2, 0.17, 0.08, 0.02]
                }
            }
            _ if s.sezione == b'N' => [0.2, 0.14, 0.16, 0.2, 0.18, 0.1, 0.02],
            _ if s.divisione == 85 => [0.05, 0.1, 0.15, 0.15, 0.15, 0.38, 0.02],
            _ => [0.07, 0.08, 0.15, 0.25, 0.22, 0.19, 0.04],
        };
        // School year contracts and tourist seasons end on fixed dates.
        if s.divisione == 85 && (m == 9 || m == 10) && self.rng.chance(0.4) {
            let (y, _, _) = civil_from_days(start);
            return days_from_civil(y + 1, 6, 30) - start + 1;
        }
        if s.sezione == b'I' && (4..=6).contains(&m) && self.rng.chance(0.35) {
            let (y, _, _) = civil_from_days(start);
            let end = days_from_civil(y, 9, 15) + self.rng.range(0, 30) as i32;
            return end - start + 1;
        }
        match self.rng.weighted(&w) {
            0 => 1,
            1 => self.rng.range(2, 7) as i32,
            2 => self.rng.range(8, 30) as i32,
            3 => self.rng.range(31, 90) as i32,
            4 => self.rng.range(91, 180) as i32,
            5 => self.rng.range(181, 365) as i32,
            _ => self.rng.range(366, 730) as i32,
        }
    }

    fn extension_days(&mut self) -> i32 {
        match self.rng.weighted(&[0.3, 0.4, 0.2, 0.1]) {
            0 => self.rng.range(8, 30) as i32,
            1 => self.rng.range(31, 90) as i32,
            2 => self.rng.range(91, 180) as i32,
            _ => self.rng.range(181, 365) as i32,
        }
    }

    /// A cause code drawn among `(code, weight)`, skipping codes the table lacks.
    fn cause(&mut self, choices: &[(&str, f64)]) -> u8 {
        let w = self.w;
        let total: f64 = choices
            .iter()
            .filter(|(c, _)| w.causes.idx(c).is_some())
            .map(|(_, p)| p)
            .sum();
        let mut x = self.rng.f64() * total;
        let mut last = None;
        for (c, p) in choices {
            if let Some(i) = w.causes.idx(c) {
                last = Some(i);
                if x < *p {
                    return i;
                }
                x -= p;
            }
        }
        last.unwrap_or_else(|| w.cause("DM"))
    }

    fn early_cause(&mut self, days_in: i32) -> u8 {
        if days_in < 60 && self.rng.chance(0.22) {
            return self.cause(&[("PR", 1.0)]);
        }
        self.cause(&[
            ("DM", 0.5),
            ("LI", 0.1),
            ("LO", 0.06),
            ("LS", 0.03),
            ("LG", 0.03),
            ("RC", 0.14),
            ("AL", 0.05),
            ("CA", 0.03),
        ])
    }

    /// Life of an open-ended contract from `t0` (hire or trasformazione). Returns the end
    /// day and the events (TRS for PT/TP/FF, CES).
    #[allow(clippy::too_many_arguments)]
    fn open_life(
        &mut self,
        kind: Kind,
        sector: usize,
        pa: bool,
        t0: i32,
        birth: i32,
        orario: u8,
        ore: u8,
        stock: bool,
        events: &mut Vec<PlanEv>,
    ) -> i32 {
        let w = self.w;
        let s = &w.sectors[sector];
        let section_c = s.sezione == b'C';
        let agency = s.agency;
        let year = 365.25;
        let (mut end, mut cause): (i32, u8);
        match kind {
            Kind::Appr => {
                let training = self.rng.range(24 * 30, 36 * 30) as i32;
                let t = self.rng.exp(year / 0.2) as i32;
                if t < training {
                    end = t0 + t;
                    cause = if self.rng.chance(0.25) {
                        self.cause(&[("AD", 0.3), ("AC", 0.2), ("AM", 0.5)])
                    } else {
                        self.early_cause(t)
                    };
                } else if self.w.has_trs[TRS_FF as usize] && self.rng.chance(0.8) {
                    let ff = t0 + training;
                    events.push(PlanEv::Trs {
                        date: ff,
                        code: TRS_FF,
                        tip: TIP_TI,
                        orario,
                        ore,
                        ends_term: false,
                    });
                    end = ff + self.rng.exp(year / 0.09) as i32;
                    cause = self.ti_cause(pa, birth, end);
                } else {
                    end = t0 + training - 1;
                    cause = self.cause(&[("AR", 1.0)]);
                }
            }
            Kind::Dom => {
                end = t0 + self.rng.exp(year / 0.35) as i32;
                cause = self.cause(&[("DM", 0.45), ("LI", 0.25), ("RC", 0.1), ("DE", 0.1), ("AL", 0.1)]);
            }
            Kind::Interm => {
                end = t0 + self.rng.exp(year / 0.6) as i32;
                cause = self.cause(&[("DM", 0.4), ("LI", 0.2), ("RC", 0.2), ("AL", 0.2)]);
            }
            _ => {
                let h = if pa {
                    0.05
                } else if agency {
                    0.2
                } else {
                    0.12
                };
                if !stock && self.rng.chance(0.04) {
                    end = t0 + self.rng.range(0, 59) as i32;
                    cause = self.cause(&[("PR", 0.6), ("DM", 0.4)]);
                } else {
                    end = t0 + 60 + self.rng.exp(year / h) as i32;
                    cause = self.ti_cause(pa, birth, end);
                }
            }
        }
        // Retirement at 67.
        let (by, bm, bd) = civil_from_days(birth);
        let bd = bd.min(cal::days_in_month(by + 67, bm));
        let d67 = days_from_civil(by + 67, bm, bd);
        if end >= d67 && d67 > t0 {
            end = d67 - 1;
            cause = self.cause(&[("PE", 1.0)]);
        }
        // Crisis: manufacturing layoffs.
        if let Some(cy) = self.p.crisis_year {
            if section_c && self.rng.chance(0.07) {
                let lo = days_from_civil(cy, 3, 15);
                let hi = days_from_civil(cy, 12, 31);
                let cd = self.rng.range(lo as i64, hi as i64) as i32;
                if cd > t0 && cd < end {
                    end = cd;
                    cause = self.cause(&[("LC", 0.6), ("LO", 0.4)]);
                }
            }
        }
        // Working-time change.
        if (kind == Kind::Ti || kind == Kind::Dom) && self.rng.chance(0.05) {
            let d = t0 + self.rng.range(120, 1500) as i32;
            if d < end {
                let (code, o2, ore2) = if orario == OR_F {
                    (TRS_TP, OR_P, ore_draw(&mut self.rng))
                } else {
                    (TRS_PP, OR_F, 0)
                };
                if self.w.has_trs[code as usize] {
                    let tip = if kind == Kind::Dom { 5 } else { TIP_TI };
                    events.push(PlanEv::Trs {
                        date: d,
                        code,
                        tip,
                        orario: o2,
                        ore: ore2,
                        ends_term: false,
                    });
                }
            }
        }
        events.retain(|e| e.date() <= end);
        events.sort_by_key(|e| e.date());
        events.push(PlanEv::Ces { date: end, cause });
        end
    }

    fn ti_cause(&mut self, pa: bool, birth: i32, end: i32) -> u8 {
        if age_at(birth, end) >= 60 && self.rng.chance(0.3) {
            return self.cause(&[("PE", 1.0)]);
        }
        if pa && self.rng.chance(0.2) {
            return self.cause(&[("EP", 0.7), ("DS", 0.3)]);
        }
        self.cause(&[
            ("DM", 0.5),
            ("DG", 0.03),
            ("LI", 0.06),
            ("LO", 0.1),
            ("LS", 0.03),
            ("LG", 0.03),
            ("LC", 0.02),
            ("RC", 0.12),
            ("DE", 0.005),
            ("CA", 0.03),
            ("AL", 0.03),
        ])
    }

    /// The full life of a relationship started on `start`.
    #[allow(clippy::too_many_arguments)]
    fn plan(
        &mut self,
        kind: Kind,
        tip: u8,
        sector: usize,
        pa: bool,
        start: i32,
        fine: i32,
        birth: i32,
        orario: u8,
        ore: u8,
        life_from: i32,
    ) -> Plan {
        let mut events: Vec<PlanEv> = Vec::new();
        let w = self.w;
        let s = &w.sectors[sector];
        let agency = s.agency;
        let mut imputata = false;
        let end;
        if fine == NONE {
            end = self.open_life(
                kind,
                sector,
                pa,
                life_from,
                birth,
                orario,
                ore,
                life_from != start,
                &mut events,
            );
        } else {
            let dur = fine - start + 1;
            let p_pro = match kind {
                Kind::Td | Kind::TdSost if dur <= 7 => 0.04,
                Kind::Td | Kind::TdSost => 0.3,
                Kind::Tiroc => 0.15,
                Kind::Parasub => 0.12,
                Kind::Dom => 0.1,
                _ => 0.05,
            };
            let cap = if matches!(kind, Kind::Td | Kind::TdSost) {
                start + 729
            } else {
                start + 3 * 365
            };
            let mut pros: Vec<(i32, i32)> = Vec::new();
            let mut fine_final = fine;
            if self.rng.chance(p_pro) {
                let n = 1 + self.rng.weighted(&[0.65, 0.22, 0.09, 0.04]);
                for _ in 0..n {
                    let new = (fine_final + self.extension_days()).min(cap);
                    if new <= fine_final {
                        break;
                    }
                    pros.push((fine_final, new));
                    fine_final = new;
                }
            }
            let di = if matches!(kind, Kind::Td | Kind::TdSost)
                && !agency
                && self.w.has_trs[TRS_DI as usize]
                && fine_final - start >= 14
                && self.rng.chance(0.075)
            {
                Some(if self.rng.chance(0.5) {
                    fine_final + 1
                } else {
                    start + self.rng.range(14, (fine_final - start) as i64) as i32
                })
            } else {
                None
            };
            let p_early = match kind {
                Kind::Td | Kind::TdSost => 0.12,
                Kind::Tiroc => 0.1,
                Kind::Parasub => 0.06,
                Kind::Dom => 0.12,
                _ => 0.05,
            };
            let early = if fine_final > start && self.rng.chance(p_early) {
                Some(self.rng.range(start as i64, (fine_final - 1) as i64) as i32)
            } else {
                None
            };
            match (di, early) {
                (Some(t), e) if e.is_none_or(|e| t <= e) => {
                    for &(o, n) in pros.iter().filter(|(o, _)| *o < t) {
                        events.push(PlanEv::Pro { old_end: o, new_end: n });
                    }
                    events.push(PlanEv::Trs {
                        date: t,
                        code: TRS_DI,
                        tip: TIP_TI,
                        orario,
                        ore,
                        ends_term: true,
                    });
                    let mut rest = Vec::new();
                    end = self.open_life(Kind::Ti, sector, pa, t, birth, orario, ore, false, &mut rest);
                    events.extend(rest);
                }
                (_, Some(e)) => {
                    for &(o, n) in pros.iter().filter(|(o, _)| *o < e) {
                        events.push(PlanEv::Pro { old_end: o, new_end: n });
                    }
                    let c = self.early_cause(e - start);
                    events.push(PlanEv::Ces { date: e, cause: c });
                    end = e;
                }
                _ => {
                    for &(o, n) in &pros {
                        events.push(PlanEv::Pro { old_end: o, new_end: n });
                    }
                    end = fine_final;
                    if self.rng.chance(0.4) {
                        let c = if agency && self.rng.chance(0.3) {
                            self.cause(&[("FM", 1.0)])
                        } else {
                            self.cause(&[("FT", 1.0)])
                        };
                        events.push(PlanEv::Ces { date: end, cause: c });
                    } else {
                        imputata = true;
                    }
                }
            }
        }
        Plan {
            tip,
            orario,
            ore,
            start,
            fine,
            events,
            end,
            imputata,
        }
    }

    fn business_secs(&mut self) -> i64 {
        let h = match self.rng.weighted(&[0.02, 0.08, 0.8, 0.1]) {
            0 => self.rng.range(0, 6),
            1 => self.rng.range(6, 7),
            2 => self.rng.range(8, 17),
            _ => self.rng.range(18, 22),
        };
        h * 3600 + self.rng.range(0, 3599)
    }

    fn delay_days(&mut self) -> i32 {
        self.rng.weighted(&[0.25, 0.3, 0.15, 0.12, 0.1, 0.08]) as i32
    }

    /// Turns a plan into items (those inside the window) and truth.
    fn emit_plan(&mut self, plan: &Plan, worker: u32, employer: u32) {
        let first = self.p.first_day;
        let last = self.p.last_day;
        let horizon_end = last as i64 * 86_400 + 86_399;
        let in_window = |d: i32| d >= first && d <= last;
        let mut ev = Ev {
            worker,
            employer,
            start: plan.start,
            fine: plan.fine,
            date: NONE,
            kind: EV_ASS,
            tip: plan.tip,
            orario: plan.orario,
            ore: plan.ore,
            code: 0,
        };
        let mut truth = Truth {
            worker,
            employer,
            start: plan.start,
            end: if plan.end <= last { plan.end } else { NONE },
            tip0: plan.tip,
            tip_final: plan.tip,
            imputata: plan.imputata && plan.end <= last,
            fine_prevista: plan.fine,
            n_pro: 0,
            trs: None,
            cause: None,
            ces_comunicata: false,
        };
        // ASS.
        let ass_day = if self.rng.chance(0.6) {
            plan.start - 1
        } else {
            plan.start
        };
        let ass_day = ass_day.max(first);
        let mut prev_ts = ass_day as i64 * 86_400 + self.business_secs();
        if plan.start == ass_day && prev_ts % 86_400 > 12 * 3600 && self.rng.chance(0.7) {
            prev_ts = ass_day as i64 * 86_400 + self.rng.range(6 * 3600, 9 * 3600);
        }
        // The ASS is queued last (with the finished truth) but numbered first.
        let ass = in_window(plan.start).then(|| {
            let seq = self.seq;
            self.seq += 1;
            (seq, prev_ts.min(horizon_end), ev)
        });
        for pe in &plan.events {
            match *pe {
                PlanEv::Pro { old_end, new_end } => {
                    let inv = (old_end - self.rng.range(0, 5) as i32).max(plan.start);
                    if inv > last {
                        break;
                    }
                    truth.n_pro += 1;
                    truth.fine_prevista = new_end;
                    let mut e = ev;
                    e.kind = EV_PRO;
                    e.fine = old_end;
                    e.date = new_end;
                    let ts = (inv as i64 * 86_400 + self.business_secs())
                        .max(prev_ts + 60)
                        .min(horizon_end);
                    prev_ts = ts;
                    if inv >= first {
                        self.push(ts, e);
                    }
                    ev.fine = new_end;
                }
                PlanEv::Trs {
                    date,
                    code,
                    tip,
                    orario,
                    ore,
                    ends_term,
                } => {
                    if date > last {
                        break;
                    }
                    ev.tip = tip;
                    ev.orario = orario;
                    ev.ore = ore;
                    if ends_term {
                        ev.fine = NONE;
                        truth.fine_prevista = NONE;
                    }
                    truth.tip_final = tip;
                    truth.trs = Some((code, date));
                    let mut e = ev;
                    e.kind = EV_TRS;
                    e.date = date;
                    e.code = code;
                    let inv = date + self.delay_days();
                    let ts = (inv as i64 * 86_400 + self.business_secs())
                        .max(prev_ts + 60)
                        .min(horizon_end);
                    prev_ts = ts;
                    if date >= first {
                        self.push(ts, e);
                    }
                }
                PlanEv::Ces { date, cause } => {
                    if date > last {
                        break;
                    }
                    truth.cause = Some(cause);
                    let mut e = ev;
                    e.kind = EV_CES;
                    e.date = date;
                    e.code = cause;
                    let inv = date + self.delay_days();
                    let ts = (inv as i64 * 86_400 + self.business_secs())
                        .max(prev_ts + 60)
                        .min(horizon_end);
                    prev_ts = ts;
                    if date >= first {
                        self.push(ts, e);
                        truth.ces_comunicata = true;
                    }
                }
            }
        }
        if let Some((seq, ts, ev)) = ass {
            let idx = match self.truth_free.pop() {
                Some(i) => {
                    self.truth_slab[i as usize] = truth;
                    i
                }
                None => {
                    self.truth_slab.push(truth);
                    (self.truth_slab.len() - 1) as u32
                }
            };
            self.push_item(seq, ts, ev, idx);
        } else if plan.start < first && plan.end >= first {
            self.pregressi.push(truth);
        }
    }

    fn push(&mut self, ts: i64, ev: Ev) {
        let seq = self.seq;
        self.seq += 1;
        self.push_item(seq, ts, ev, NO_TRUTH);
    }

    /// Takes the truth of a relationship (by the index its ASS item carries).
    pub fn take_truth(&mut self, idx: u32) -> Option<Truth> {
        let t = *self.truth_slab.get(idx as usize)?;
        self.truth_free.push(idx);
        Some(t)
    }

    fn push_item(&mut self, seq: u64, ts: i64, ev: Ev, truth: u32) {
        let mi = month_index(ts.div_euclid(86_400) as i32);
        self.buckets.entry(mi).or_default().push(Item {
            ts,
            seq,
            sub: 1,
            ev,
            prog: 0,
            prec: 0,
            tipo: 1,
            mutation: Mutation::None,
            motivo: 0,
            real: true,
            alt: false,
            truth,
        });
    }

    fn kind_fallback(&self, kind: Kind, day: i32) -> Kind {
        if self.w.tip_valid(kind.tip(), day) {
            return kind;
        }
        match kind {
            Kind::Appr => Kind::Ti,
            _ => Kind::Td,
        }
    }

    /// Picks a worker for a hire, or creates one.
    fn pick_worker(&mut self, day: i32, sector: usize, employer: u32, kind: Kind, pt: bool) -> u32 {
        let wo = self.w;
        let s = &wo.sectors[sector];
        let (female_share, household) = (s.female, s.household);
        let chinese = self.employers[employer as usize].chinese;
        let (min_age, max_age) = match kind {
            Kind::Appr => (16, 29),
            Kind::Tiroc => (16, 35),
            _ => (15, 66),
        };
        let n = self.workers.len() as u64;
        if n > 0 && pt && self.rng.chance(0.03) {
            for _ in 0..10 {
                let id = self.rng.below(n) as u32;
                let w = self.workers[id as usize];
                let a = age_at(w.birth, day);
                if w.busy_until >= day
                    && w.busy_until != FAR
                    && w.pt
                    && w.last_start < day
                    && a >= min_age.max(18)
                    && a <= max_age
                {
                    return id;
                }
            }
        }
        if !self.idle.is_empty() && !self.rng.chance(0.12) {
            let fm = female_share.max(1.0 - female_share);
            for _ in 0..40 {
                if self.idle.is_empty() {
                    break;
                }
                let id = self.idle[self.rng.below(self.idle.len() as u64) as usize];
                let w = self.workers[id as usize];
                let a = age_at(w.birth, day);
                if a > 66 {
                    self.mark_busy(id); // retired: leaves the pool for good
                    continue;
                }
                if a < min_age || a > max_age {
                    continue;
                }
                let sex_acc = if w.female {
                    female_share / fm
                } else {
                    (1.0 - female_share) / fm
                };
                let is_cn = Some(w.cit) == self.w.cit_china;
                let age_acc = if a >= 55 {
                    0.45
                } else if a >= 25 {
                    0.9
                } else {
                    1.0
                };
                let cit_acc = age_acc
                    * if chinese {
                        if is_cn {
                            1.0
                        } else {
                            0.25
                        }
                    } else if is_cn {
                        0.2
                    } else if household && self.w.cits[w.cit as usize].italian {
                        0.45
                    } else {
                        1.0
                    };
                if self.rng.chance(sex_acc * cit_acc) {
                    return id;
                }
            }
        }
        let mut age = self.entry_age(true);
        age = age.clamp(min_age, max_age);
        let female = self.rng.chance(female_share);
        let cit = self.draw_cit(chinese, household);
        self.new_worker(day, age, female, cit)
    }

    /// One hire on `day` (a job-to-job move when `worker` is given).
    fn hire(&mut self, day: i32, worker: Option<u32>) {
        let m = civil_from_days(day).1 as usize - 1;
        let sector = self.month_alias[m].sample(&mut self.rng);
        let emp_ix = self.sector_alias[sector].sample(&mut self.rng);
        let employer = self.sector_emps[sector][emp_ix];
        let w = self.w;
        let s = &w.sectors[sector];
        let mix = s.mix;
        let kind = KINDS[self.rng.weighted(&mix)];
        let kind = self.kind_fallback(kind, day);
        let (orario, ore) = self.draw_orario(kind);
        let pt = orario != OR_F;
        let wid = match worker {
            Some(w) => w,
            None => self.pick_worker(day, sector, employer, kind, pt),
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
            day + self.term_days(kind, sector, day) - 1
        };
        self.start_relationship(day, wid, employer, sector, kind, fine, orario, ore);
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
                self.start_relationship(d, wid, employer, sector, kind, d, orario, ore);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn start_relationship(
        &mut self,
        day: i32,
        wid: u32,
        employer: u32,
        sector: usize,
        kind: Kind,
        fine: i32,
        orario: u8,
        ore: u8,
    ) {
        self.hires += 1;
        let e = self.employers[employer as usize];
        let birth = self.workers[wid as usize].birth;
        let plan = self.plan(kind, kind.tip(), sector, e.pa, day, fine, birth, orario, ore, day);
        self.emit_plan(&plan, wid, employer);
        let end = plan.end;
        let until = if end > self.p.last_day { FAR } else { end };
        self.set_busy(wid, until);
        self.workers[wid as usize].pt = orario != OR_F;
        self.workers[wid as usize].last_start = day;
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
                    self.scheduled.entry(n).or_default().push(wid);
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
            let emp_ix = self.sector_alias[sector].sample(&mut self.rng);
            let employer = self.sector_emps[sector][emp_ix];
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
            let kind = self.kind_fallback(kind, start);
            let kind = if kind == Kind::Td { Kind::Ti } else { kind };
            let (orario, ore) = self.draw_orario(kind);
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
            let household = s.household;
            let chinese = self.employers[employer as usize].chinese;
            let cit = self.draw_cit(chinese, household);
            let wid = self.new_worker(sim_start, age_now, female, cit);
            let birth = self.workers[wid as usize].birth;
            let e = self.employers[employer as usize];
            // Open-ended life drawn from the simulation start (memoryless hazards).
            let plan = self.plan(
                kind,
                kind.tip(),
                sector,
                e.pa,
                start,
                NONE,
                birth,
                orario,
                ore,
                sim_start,
            );
            self.emit_plan(&plan, wid, employer);
            let end = plan.end;
            self.set_busy(wid, if end > self.p.last_day { FAR } else { end });
            self.workers[wid as usize].pt = orario != OR_F;
        }
    }
}

/// Ids of employer owners live in their own name space.
pub const OWNER_BASE: u64 = 1 << 40;
