//! What follows the CO stream outside it: DID with NASpI / DIS-COLL (`did.csv`), the liste di
//! mobilità up to 2016 (`mobilita.csv`), workers in Cassa integrazione (`cig_lavoratori.csv`)
//! and the INPS open-data aggregates of the province's CIG (`inps/`), with their ground truth
//! under `truth/`.
//!
//! Everything here is drawn after the simulation from the true relationships the CO stream
//! holds ([`careers`]), with random streams of its own: the CO files are the same with or
//! without these, and every re-employment recorded here is an avviamento of the CO.
//!
//! Files, from the bottom of the ladder up: `careers.rs` (the relationships by worker),
//! `out.rs` (file writing), then `did.rs`, `mobilita.rs`, `cig.rs` (independent of each
//! other), and `mod.rs` (the run, the counts, the links between them in the truth).

mod careers;
mod cig;
mod did;
mod mobilita;
mod out;
#[cfg(test)]
mod tests;

pub use careers::Spell;
#[cfg(test)]
pub use cig::{CIG_HEADER, FORMAT_A_HEADER, FORMAT_B_HEADER, MESI};
#[cfg(test)]
pub use did::{DID_HEADER, EPISODI_HEADER};
#[cfg(test)]
pub use mobilita::MOB_HEADER;

use super::events::{Worker, NONE};
use super::profile::World;
use crate::reference::Reference;
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What the run needs from the simulation.
pub struct Input<'a> {
    pub w: &'a World,
    pub workers: &'a [Worker],
    pub places: &'a [&'static str],
    pub spells: Vec<Spell>,
    pub seed: u64,
    pub first_day: i32,
    pub last_day: i32,
    pub first_year: i32,
    pub last_year: i32,
    pub crisis_year: Option<i32>,
}

/// Counts for the summary.
#[derive(Debug, Clone, Default)]
pub struct Counts {
    pub did_episodi: u64,
    pub did_eventi: u64,
    /// Episodes ended with cause 03 (an avviamento of the CO).
    pub did_rioccupati: u64,
    pub naspi: u64,
    pub discoll: u64,
    pub mobilita_pratiche: u64,
    pub mobilita_eventi: u64,
    pub cig_periodi: u64,
    pub cig_ore_autorizzate: u64,
    /// CIG ore autorizzate in the crisis year.
    pub cig_ore_crisi: u64,
}

/// Draws and writes the files; returns the counts and the files written.
pub fn run(inp: Input<'_>, out: &Path) -> Result<(Counts, Vec<PathBuf>)> {
    let r = Reference::get();
    let n_prov = inp.w.comuni.len() as u32;
    // Domicile place → CPI, for the people domiciled in the province.
    let cpi: Vec<String> = inp.w.comuni.iter().map(|c| r.cpi_code_or_province(c)).collect();
    let cpi_of = |place: u32| (place < n_prov).then(|| cpi[place as usize].clone());
    let c = careers::Careers::new(inp.w, inp.workers, inp.spells);
    let eps = did::episodes(&c, &cpi_of, inp.seed, inp.first_day, inp.last_day);
    let mob = mobilita::pratiche(&c, &cpi_of, inp.seed, inp.first_day, inp.last_day);
    let cig = cig::periods(
        &c,
        inp.seed,
        inp.first_year,
        inp.last_year,
        inp.crisis_year,
        inp.last_day,
    );
    let mut files = did::write(&c, &eps, inp.places, out, inp.first_day, inp.last_day)?;
    files.extend(mobilita::write(&c, &mob, inp.places, out)?);
    let by_origin: BTreeMap<(u32, u32, i32), &str> = eps
        .iter()
        .filter_map(|e| e.origin.map(|s| ((s.worker, s.employer, s.start), e.id.as_str())))
        .collect();
    let did_of = |s: &Spell| by_origin.get(&(s.worker, s.employer, s.start)).map(|x| x.to_string());
    files.extend(cig::write(&c, &cig, &did_of, out)?);
    let counts = Counts {
        did_episodi: eps.len() as u64,
        did_eventi: eps.iter().map(|e| e.events.len() as u64).sum(),
        did_rioccupati: eps.iter().filter(|e| e.end != NONE && e.end_cause == "03").count() as u64,
        naspi: eps
            .iter()
            .filter(|e| matches!(e.benefit, Some(("NASPI", _, _))))
            .count() as u64,
        discoll: eps
            .iter()
            .filter(|e| matches!(e.benefit, Some(("DISCOLL", _, _))))
            .count() as u64,
        mobilita_pratiche: mob.len() as u64,
        mobilita_eventi: mob.iter().map(|p| p.events.len() as u64).sum(),
        cig_periodi: cig.len() as u64,
        cig_ore_autorizzate: cig.iter().map(|p| p.ore).sum(),
        cig_ore_crisi: cig
            .iter()
            .filter(|p| Some(super::cal::civil_from_days(p.start).0) == inp.crisis_year)
            .map(|p| p.ore)
            .sum(),
    };
    Ok((counts, files))
}
