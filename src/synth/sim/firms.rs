//! The employers of the province: how many each sector has (by its share of the hires and its
//! kind: agencies, households, public bodies, schools, hospitals, firms), their size (the
//! weight with which they hire), public / Chinese-run / personal, their sede, and their codice
//! fiscale (11 digits, or the owner's personal code for ditte individuali and households);
//! and the user firms of agency work (somministrazione): private employers of the other sectors,
//! by their sector's share of the hires and their size.

use super::pool::Pool;
use crate::synth::events::{Employer, NO_USER, OWNER_BASE};
use crate::synth::people::{numeric_cf, NameGroup};
use crate::synth::profile::World;
use crate::synth::rng::{Alias, Rng};

/// The employers, by sector.
pub struct Firms {
    pub employers: Vec<Employer>,
    sector_emps: Vec<Vec<u32>>,
    /// Choice of an employer inside a sector, by size.
    sector_alias: Vec<Alias>,
    /// Sectors whose firms take agency workers (not agencies, households or public bodies),
    /// and the choice among them by share of the hires.
    user_sectors: Vec<usize>,
    user_alias: Alias,
}

impl Firms {
    /// Creates the employers of every sector for `hires_per_year`; owners are as old as they
    /// are on `sim_start`.
    pub fn build(w: &World, pool: &mut Pool, rng: &mut Rng, hires_per_year: f64, sim_start: i32) -> Firms {
        let user_sectors: Vec<usize> = (0..w.sectors.len())
            .filter(|&i| {
                let s = &w.sectors[i];
                !s.agency && !s.household && s.pa < 1.0
            })
            .collect();
        let user_weights: Vec<f64> = user_sectors.iter().map(|&i| w.sectors[i].weight).collect();
        let mut f = Firms {
            employers: Vec::new(),
            sector_emps: Vec::new(),
            sector_alias: Vec::new(),
            user_alias: Alias::new(&user_weights),
            user_sectors,
        };
        let total: f64 = w.sectors.iter().map(|s| s.weight).sum::<f64>().max(1e-9);
        let h = hires_per_year.max(1.0);
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
                let id = f.employers.len() as u32;
                let size_w = if s.household {
                    1.0
                } else if s.agency {
                    1.0 + rng.below(5) as f64
                } else {
                    match rng.weighted(&[0.78, 0.17, 0.04, 0.01]) {
                        0 => 1.0,
                        1 => 6.0,
                        2 => 30.0,
                        _ => 150.0,
                    }
                };
                let pa = !s.household && rng.chance(s.pa);
                let chinese = !pa && rng.chance(s.chinese);
                let personal = s.household || (!pa && size_w <= 1.0 && rng.chance(if chinese { 0.7 } else { 0.3 }));
                let sede = pool.comune_alias.sample(rng) as u16;
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
                        w.cit_china.unwrap_or(w.cit_italy)
                    } else if s.household || rng.chance(0.85) {
                        w.cit_italy
                    } else {
                        pool.draw_cit(rng, false, false)
                    };
                    let c = &w.cits[cit as usize];
                    let female = rng.chance(if s.household { 0.6 } else { 0.35 });
                    let age = if s.household {
                        rng.range(45, 90)
                    } else {
                        rng.range(28, 66)
                    } as i32;
                    let birth = sim_start - age * 365 - rng.range(0, 364) as i32;
                    let place = if c.italian {
                        pool.places[pool.italian_place(rng, 0.7) as usize]
                    } else {
                        c.z
                    };
                    let (cfb, salt) = pool.unique_cf(OWNER_BASE + id as u64, c.group, female, birth, place);
                    e.cf = cfb;
                    e.cf_len = 16;
                    e.owner_group = c.group;
                    e.owner_female = female;
                    e.owner_salt = salt;
                } else {
                    let first = if pa { 8 + rng.below(2) as u8 } else { rng.below(3) as u8 };
                    loop {
                        let b = numeric_cf(rng.next_u64(), first);
                        let mut key = [b' '; 16];
                        key[..11].copy_from_slice(&b);
                        if pool.claim_cf(key) {
                            e.cf[..11].copy_from_slice(&b);
                            break;
                        }
                    }
                }
                f.employers.push(e);
                ids.push(id);
                weights.push(size_w);
            }
            f.sector_alias.push(Alias::new(&weights));
            f.sector_emps.push(ids);
        }
        f
    }

    /// Draws an employer of `sector`, by size.
    pub fn pick(&self, rng: &mut Rng, sector: usize) -> u32 {
        let emp_ix = self.sector_alias[sector].sample(rng);
        self.sector_emps[sector][emp_ix]
    }

    /// Draws the user firm of an agency worker's mission: a private employer of a sector that
    /// takes agency workers, by the sector's share and the firm's size (a public body drawn is
    /// drawn again, a few times, then kept). `rng` is the relationship's own stream, so the
    /// rest of the simulation draws the same numbers with or without agency work.
    pub fn pick_user(&self, rng: &mut Rng) -> u32 {
        let mut e = NO_USER;
        for _ in 0..4 {
            let sector = self.user_sectors[self.user_alias.sample(rng)];
            e = self.pick(rng, sector);
            if !self.employers[e as usize].pa {
                break;
            }
        }
        e
    }

    /// The employer `ix`, or `None` for [`NO_USER`].
    pub fn user(&self, ix: u32) -> Option<Employer> {
        (ix != NO_USER).then(|| self.employers[ix as usize])
    }
}
