//! The worker pool: the places people are born and live in, the workers (each with a codice
//! fiscale unique in the run), who is available on a day, and the choice of the worker for a
//! hire. Employer owners get their personal codice fiscale here too, from the same set of
//! codes, so that no two people share one.

use crate::synth::cal::age_at;
use crate::synth::codes::Kind;
use crate::synth::events::{Worker, FAR, NONE};
use crate::synth::people::{self, codice_fiscale, omocodic, NameGroup};
use crate::synth::profile::World;
use crate::synth::rng::{hash3, unit, Alias, Rng};
use rustc_hash::FxHashSet;
use std::collections::BTreeMap;

const OMOCODIA_RATE: f64 = 0.001;
const STREAM_OMO: u64 = 0x4F4D_4F43;

/// Workers and places. Every draw takes the simulation's random stream as an argument.
pub struct Pool<'w> {
    w: &'w World,
    seed: u64,
    pub workers: Vec<Worker>,
    /// Codici fiscali given so far (base codes, before any omocodia; 11-digit codes padded).
    base_cfs: FxHashSet<[u8; 16]>,
    /// Places (Belfiore / Z codes) of birth and domicile.
    pub places: Vec<&'static str>,
    place_prov: (u32, u32),
    place_region: (u32, u32),
    place_italy: (u32, u32),
    place_z: Vec<u32>,
    cit_alias: Alias,
    pub comune_alias: Alias,
    /// Available workers, and each worker's position there (u32::MAX = not available).
    idle: Vec<u32>,
    idle_pos: Vec<u32>,
    /// Workers whose job(s) end the day before, by day.
    releases: BTreeMap<i32, Vec<u32>>,
}

impl<'w> Pool<'w> {
    pub fn new(w: &'w World, seed: u64) -> Pool<'w> {
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
        Pool {
            w,
            seed,
            workers: Vec::new(),
            base_cfs: FxHashSet::default(),
            places,
            place_prov,
            place_region,
            place_italy,
            place_z,
            cit_alias: Alias::new(&w.cit_weights),
            comune_alias: Alias::new(&w.comune_weights),
            idle: Vec::new(),
            idle_pos: Vec::new(),
            releases: BTreeMap::new(),
        }
    }

    fn place_in(&self, rng: &mut Rng, range: (u32, u32)) -> u32 {
        if range.1 <= range.0 {
            return self.place_prov.0;
        }
        range.0 + rng.below((range.1 - range.0) as u64) as u32
    }

    fn prov_place(&self, rng: &mut Rng) -> u32 {
        self.place_prov.0 + self.comune_alias.sample(rng) as u32
    }

    /// An Italian birthplace: in the province with probability `p_prov`, else anywhere in Italy.
    pub fn italian_place(&self, rng: &mut Rng, p_prov: f64) -> u32 {
        if rng.chance(p_prov) {
            self.prov_place(rng)
        } else {
            self.place_in(rng, self.place_italy)
        }
    }

    pub fn draw_cit(&self, rng: &mut Rng, chinese_employer: bool, household: bool) -> u8 {
        if chinese_employer {
            if let Some(c) = self.w.cit_china {
                if rng.chance(0.85) {
                    return c;
                }
            }
        }
        let mut c = self.cit_alias.sample(rng) as u8;
        if household && self.w.cits[c as usize].italian && rng.chance(0.55) {
            c = self.cit_alias.sample(rng) as u8; // domestic work: more foreigners
        }
        c
    }

    fn draw_livello(rng: &mut Rng, italian: bool, age: i32) -> u8 {
        let w: [f64; 13] = if italian {
            [1.0, 1.5, 24.0, 9.0, 36.0, 1.0, 1.2, 19.0, 2.5, 1.8, 1.2, 1.0, 0.8]
        } else {
            [9.0, 12.0, 38.0, 8.0, 21.0, 0.6, 0.8, 8.0, 0.8, 0.6, 0.3, 0.3, 0.3]
        };
        let mut l = rng.weighted(&w) as u8;
        if age < 19 && l > 3 {
            l = 2;
        } else if age < 23 && l > 4 {
            l = 4;
        }
        l
    }

    /// The codice fiscale of person `id` (names drawn again with a new salt until the code is
    /// new), and the salt of the names it was computed from.
    pub fn unique_cf(&mut self, id: u64, group: NameGroup, female: bool, birth: i32, place: &str) -> ([u8; 16], u8) {
        let (mut cog, mut nom) = (String::new(), String::new());
        let mut salt = 0u8;
        let mut cfb;
        loop {
            people::person_names(self.seed, id, salt, group, female, &mut cog, &mut nom);
            cfb = codice_fiscale(&cog, &nom, birth, female, place);
            if !self.base_cfs.contains(&cfb) || salt == u8::MAX {
                break;
            }
            salt += 1;
        }
        self.base_cfs.insert(cfb);
        (cfb, salt)
    }

    /// Takes a code that is not a person's (an employer's numeric CF): false if already given.
    pub fn claim_cf(&mut self, key: [u8; 16]) -> bool {
        self.base_cfs.insert(key)
    }

    /// Creates a worker born so as to be `age` on `day`.
    pub fn new_worker(&mut self, rng: &mut Rng, day: i32, age: i32, female: bool, cit: u8) -> u32 {
        let id = self.workers.len() as u32;
        let birth = day - (age as i64 * 36525 / 100) as i32 - rng.range(0, 364) as i32;
        let c = &self.w.cits[cit as usize];
        let italian = c.italian;
        let group = c.group;
        let birth_place = if italian {
            self.italian_place(rng, 0.62)
        } else if age < 30 && rng.chance(0.15) {
            self.prov_place(rng)
        } else {
            self.place_z[cit as usize]
        };
        let domicilio = if rng.chance(0.86) {
            self.prov_place(rng)
        } else {
            self.place_in(rng, self.place_region)
        };
        let livello = Self::draw_livello(rng, italian, age);
        let place = self.places[birth_place as usize];
        let (mut cfb, salt) = self.unique_cf(id as u64, group, female, birth, place);
        let h = hash3(self.seed, STREAM_OMO, id as u64);
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

    fn entry_age(rng: &mut Rng, young: bool) -> i32 {
        if young {
            let w = [0.45, 0.3, 0.17, 0.08];
            match rng.weighted(&w) {
                0 => rng.range(16, 24) as i32,
                1 => rng.range(25, 34) as i32,
                2 => rng.range(35, 49) as i32,
                _ => rng.range(50, 60) as i32,
            }
        } else {
            let w = [0.2, 0.27, 0.23, 0.19, 0.11];
            match rng.weighted(&w) {
                0 => rng.range(16, 24) as i32,
                1 => rng.range(25, 34) as i32,
                2 => rng.range(35, 44) as i32,
                3 => rng.range(45, 54) as i32,
                _ => rng.range(55, 64) as i32,
            }
        }
    }

    /// Seeds the pool with `n` workers available on `day`.
    pub fn seed(&mut self, rng: &mut Rng, day: i32, n: usize) {
        for _ in 0..n {
            let age = Self::entry_age(rng, false);
            let female = rng.chance(0.46);
            let cit = self.draw_cit(rng, false, false);
            let wid = self.new_worker(rng, day, age, female, cit);
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
    pub fn set_busy(&mut self, wid: u32, until: i32) {
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

    /// Makes the workers whose jobs ended before `day` available again.
    pub fn release(&mut self, day: i32) {
        if let Some(list) = self.releases.remove(&day) {
            for wid in list {
                if self.workers[wid as usize].busy_until < day {
                    self.mark_idle(wid);
                }
            }
        }
    }

    /// Picks a worker for a hire in `sector` by a (`chinese`) employer, or creates one.
    pub fn pick_worker(&mut self, rng: &mut Rng, day: i32, sector: usize, chinese: bool, kind: Kind, pt: bool) -> u32 {
        let wo = self.w;
        let s = &wo.sectors[sector];
        let (female_share, household) = (s.female, s.household);
        let (min_age, max_age) = match kind {
            Kind::Appr => (16, 29),
            Kind::Tiroc => (16, 35),
            _ => (15, 66),
        };
        let n = self.workers.len() as u64;
        if n > 0 && pt && rng.chance(0.03) {
            for _ in 0..10 {
                let id = rng.below(n) as u32;
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
        if !self.idle.is_empty() && !rng.chance(0.12) {
            let fm = female_share.max(1.0 - female_share);
            for _ in 0..40 {
                if self.idle.is_empty() {
                    break;
                }
                let id = self.idle[rng.below(self.idle.len() as u64) as usize];
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
                if rng.chance(sex_acc * cit_acc) {
                    return id;
                }
            }
        }
        let mut age = Self::entry_age(rng, true);
        age = age.clamp(min_age, max_age);
        let female = rng.chance(female_share);
        let cit = self.draw_cit(rng, chinese, household);
        self.new_worker(rng, day, age, female, cit)
    }
}
