//! Liste di mobilità (`mobilita.csv`, `docs/formato_mobilita.md`) drawn from the CO stream:
//! a subordinate worker dismissed by a firm (LC licenziamento collettivo → lista 1, L. 223/91,
//! with indennità when employed there at least 12 months; LO giustificato motivo oggettivo →
//! lista 2, L. 236/93, without) is enrolled at the CPI of the domicile a few days later, when
//! the enrolment falls on or before 2016-12-31 (no new entries from 2017, L. 92/2012). The list
//! lasts 12 months (under 40), 24 (40–49) or 36 (50 and over). The worker's later
//! relationships in the CO decide the exits: an open-ended hire cancels with cause 07, a
//! fixed-term one with cause 01 (and a reiscrizione the day after it ends, if the list period
//! is still running); no hire, cancellation 05 (fine lista) at the end of the period.

use super::careers::{Careers, Spell};
use super::out::{date, Table};
use crate::synth::cal::{age_at, civil_from_days, days_from_civil};
use crate::synth::events::NONE;
use crate::synth::rng::Rng;
use anyhow::Result;
use std::path::{Path, PathBuf};

const STREAM_MOB: u64 = 0x4D4F_425F_5354_524D;

pub const MOB_HEADER: [&str; 16] = [
    "id_pratica",
    "codice_fiscale",
    "lista",
    "evento",
    "data_evento",
    "causa",
    "datore_codice_fiscale",
    "data_licenziamento",
    "indennita",
    "data_fine_indennita",
    "cpi",
    "ateco_datore",
    "sesso",
    "cittadinanza",
    "livello_istruzione",
    "comune_domicilio",
];

/// One pratica with its events (evento code, day, causa).
#[derive(Debug, Clone)]
pub struct Pratica {
    pub worker: u32,
    pub id: String,
    pub lista: &'static str,
    pub spell: Spell,
    pub iscrizione: i32,
    pub indennita: bool,
    pub fine_lista: i32,
    pub cpi: String,
    pub events: Vec<(&'static str, i32, &'static str)>,
}

/// The mobility pratiche of the people domiciled in the province.
pub fn pratiche(c: &Careers, cpi_of: &dyn Fn(u32) -> Option<String>, seed: u64, first: i32, last: i32) -> Vec<Pratica> {
    let cutoff = days_from_civil(2016, 12, 31);
    let mut out = Vec::new();
    for s in &c.spells {
        if s.end == NONE || s.end >= last || !s.subordinate() || s.emp.personal {
            continue;
        }
        let lista = match c.cause(s) {
            "LC" => "1",
            "LO" => "2",
            _ => continue,
        };
        let wk = &c.workers[s.worker as usize];
        let Some(cpi) = cpi_of(wk.domicilio) else { continue };
        let mut rng = Rng::new(
            seed,
            STREAM_MOB ^ (s.worker as u64).wrapping_mul(0x9E37) ^ s.start as u64,
        );
        if !rng.chance(0.85) {
            continue;
        }
        let isc = s.end + 1 + rng.range(3, 40) as i32;
        if isc < first || isc > cutoff || isc > last {
            continue;
        }
        let age = age_at(wk.birth, isc);
        let months = if age < 40 {
            12
        } else if age < 50 {
            24
        } else {
            36
        };
        let (y, m, d) = civil_from_days(isc);
        let ym = y * 12 + m as i32 - 1 + months;
        let fine = days_from_civil(ym.div_euclid(12), (ym.rem_euclid(12) + 1) as u32, d.min(28)) - 1;
        let indennita = lista == "1" && s.end - s.start >= 365;
        let mut events = vec![("01", isc, "")];
        if indennita {
            events.push(("06", isc, ""));
        }
        let mut enrolled = true;
        let mut last_ev = isc;
        for o in c.of(s.worker).filter(|o| o.start > isc && o.start <= last) {
            if o.start <= last_ev {
                // Began while the worker was off the list (a job overlapping the last one).
                continue;
            }
            if !enrolled || o.start > fine {
                break;
            }
            if o.open_ended() {
                events.push(("03", o.start, "07"));
                enrolled = false;
                break;
            }
            events.push(("03", o.start, "01"));
            enrolled = false;
            // A reiscrizione the day after the fixed-term job ends, within the period.
            if o.end != NONE && o.end + 1 < fine && o.end < last {
                events.push(("04", o.end + 1, ""));
                enrolled = true;
                last_ev = o.end + 1;
            }
        }
        if enrolled && fine <= last {
            events.push(("03", fine, "05"));
        }
        out.push(Pratica {
            worker: s.worker,
            id: String::new(),
            lista,
            spell: *s,
            iscrizione: isc,
            indennita,
            fine_lista: fine,
            cpi,
            events,
        });
    }
    out.sort_by_key(|p| (p.iscrizione, p.worker));
    let sigla = c.w.prov.sigla.as_str();
    let mut year = i32::MIN;
    let mut n = 0;
    for p in out.iter_mut() {
        let y = civil_from_days(p.iscrizione).0;
        if y != year {
            year = y;
            n = 0;
        }
        n += 1;
        p.id = format!("{sigla}-MOB-{y}-{n:04}");
    }
    out
}

/// Writes `mobilita.csv` (`;`, LF) and `truth/mobilita.csv`.
pub fn write(c: &Careers, ps: &[Pratica], places: &[&str], out: &Path) -> Result<Vec<PathBuf>> {
    let mut f = Table::create(&out.join("mobilita.csv"), &MOB_HEADER, ';', false)?;
    let mut t = Table::create(
        &out.join("truth").join("mobilita.csv"),
        &[
            "id_pratica",
            "cf_lavoratore",
            "lista",
            "cf_datore",
            "causa_cessazione_co",
            "data_licenziamento",
            "data_iscrizione",
            "indennita",
            "data_fine_lista",
            "data_cancellazione",
            "causa_cancellazione",
            "n_reiscrizioni",
        ],
        ',',
        false,
    )?;
    for p in ps {
        let wk = &c.workers[p.worker as usize];
        let cf = std::str::from_utf8(&wk.cf).unwrap_or("").to_string();
        let ateco = c.w.sectors[p.spell.emp.sector as usize].ateco;
        let fine_ind = if p.indennita { date(p.fine_lista) } else { String::new() };
        for &(ev, day, causa) in &p.events {
            let isc = ev == "01";
            let on = |v: String| if isc { v } else { String::new() };
            f.row(&[
                p.id.clone(),
                cf.clone(),
                p.lista.to_string(),
                ev.to_string(),
                date(day),
                causa.to_string(),
                on(p.spell.emp.cf_str().to_string()),
                on(date(p.spell.end)),
                on(if p.indennita { "SI" } else { "NO" }.to_string()),
                on(fine_ind.clone()),
                on(p.cpi.clone()),
                on(ateco.to_string()),
                on(if wk.female { "F" } else { "M" }.to_string()),
                on(c.w.cits[wk.cit as usize].codice.to_string()),
                on(wk.livello.to_string()),
                on(places[wk.domicilio as usize].to_string()),
            ])?;
        }
        let last_ces = p.events.iter().rev().find(|e| e.0 == "03" || e.0 == "04");
        let (dc, cc) = match last_ces {
            Some(&("03", d, causa)) => (date(d), causa),
            _ => (String::new(), ""),
        };
        t.row(&[
            p.id.clone(),
            cf,
            p.lista.to_string(),
            p.spell.emp.cf_str().to_string(),
            c.cause(&p.spell).to_string(),
            date(p.spell.end),
            date(p.iscrizione),
            if p.indennita { "SI" } else { "NO" }.to_string(),
            date(p.fine_lista),
            dc,
            cc.to_string(),
            p.events.iter().filter(|e| e.0 == "04").count().to_string(),
        ])?;
    }
    Ok(vec![f.finish()?, t.finish()?])
}
