//! DID episodes (`did.csv`, `docs/formato_did.md`) drawn from the careers of the CO stream.
//!
//! A person domiciled in the province may release a DID a few days after a relationship ends
//! (when no other job runs and none starts before the release): often after a licenziamento,
//! less after the end of a fixed-term contract, rarely after dimissioni. Young people entering
//! the labour market release one before their first job (stato 01). The episode then follows
//! the person's later relationships in the CO: a subordinate job of at most 6 months (183
//! days; by its expected end if it runs at the horizon) suspends it (`LAVORO_BREVE`; a short tirocinio or
//! collaboration `ALTRO`) and it resumes the day after the job ends; any other avviamento ends
//! it with cause 03 on its start day. So a FINE with cause 03 happens exactly on an avviamento
//! of the CO. Some episodes end without a job (01 istanza, 02 decadenza). NASpI follows an
//! involuntary end of subordinate work from 2015-05-01 (DIS-COLL after a collaboration from
//! 2015), from the 8th day after the end (or the day after the application), for half the
//! weeks worked in the 4 years before (at least 13 weeks; at most 24 months, DIS-COLL 6),
//! ending at the latest the day before the DID ends.

use super::careers::{Careers, Spell};
use super::out::{date, Table};
use crate::synth::cal::{age_at, civil_from_days, days_from_civil, month_index, month_start};
use crate::synth::events::{FAR, NONE};
use crate::synth::rng::Rng;
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const STREAM_DID: u64 = 0x4449_445F_5354_524D;

pub const DID_HEADER: [&str; 14] = [
    "id_did",
    "codice_fiscale",
    "evento",
    "data_evento",
    "cpi",
    "punto_servizio",
    "codice_sportello",
    "stato_occupazionale",
    "causa",
    "prestazione",
    "sesso",
    "cittadinanza",
    "livello_istruzione",
    "comune_domicilio",
];

pub const EPISODI_HEADER: [&str; 17] = [
    "id_did",
    "cf_lavoratore",
    "data_rilascio",
    "cpi",
    "punto_servizio",
    "stato_occupazionale",
    "origine",
    "data_cessazione_co",
    "causa_cessazione_co",
    "cf_datore_cessazione",
    "n_sospensioni",
    "data_fine",
    "causa_fine",
    "data_rioccupazione_co",
    "prestazione",
    "prestazione_inizio",
    "prestazione_fine",
];

/// One event of an episode.
#[derive(Debug, Clone, Copy)]
pub struct Event {
    pub day: i32,
    pub kind: &'static str,
    pub causa: &'static str,
}

/// The DID resumes the day after the suspending job ends (`b`); an exit planned during the
/// suspension moves to a month after the resumption.
fn resume(ev: &mut Vec<Event>, exit_at: &mut i32, b: i32) {
    ev.push(Event {
        day: b + 1,
        kind: "RIPRESA",
        causa: "",
    });
    if *exit_at <= b {
        *exit_at = b + 31;
    }
}

fn rank(kind: &str) -> u8 {
    match kind {
        "RILASCIO" => 0,
        "RIPRESA" => 1,
        "SOSPENSIONE" => 2,
        "PRESTAZIONE_INIZIO" => 3,
        "PRESTAZIONE_FINE" => 4,
        _ => 5,
    }
}

/// One DID episode with its truth.
#[derive(Debug, Clone)]
pub struct Episode {
    pub worker: u32,
    pub id: String,
    pub release: i32,
    pub cpi: String,
    pub punto: &'static str,
    pub sportello: String,
    pub stato: &'static str,
    /// The relationship whose end led to the DID (none for entrants).
    pub origin: Option<Spell>,
    /// FINE day and cause, [`NONE`] / "" while open at the horizon.
    pub end: i32,
    pub end_cause: &'static str,
    pub suspensions: u32,
    /// (NASPI | DISCOLL, start, end or NONE).
    pub benefit: Option<(&'static str, i32, i32)>,
    pub events: Vec<Event>,
}

/// Probability of a DID after a relationship ends, by how it ended.
fn did_chance(c: &Careers, s: &Spell) -> f64 {
    if !s.subordinate() && !s.collaboration() {
        return 0.2;
    }
    match c.cause(s) {
        "" if s.imputata => 0.3,
        "FT" | "FM" => 0.3,
        "LI" | "LC" | "LO" | "LS" | "LG" | "AC" | "AM" => 0.7,
        "AR" | "PR" | "CA" | "DG" | "AD" => 0.4,
        "RC" => 0.25,
        "AL" => 0.2,
        "DM" => 0.05,
        _ => 0.0,
    }
}

/// An involuntary end that gives NASpI (or DIS-COLL to a collaborator).
fn involuntary(c: &Careers, s: &Spell) -> bool {
    match c.cause(s) {
        "" => s.imputata,
        code => matches!(
            code,
            "FT" | "FM" | "LI" | "LC" | "LO" | "LS" | "LG" | "AC" | "AM" | "AR" | "PR" | "CA" | "DG" | "AD"
        ),
    }
}

/// The DID episodes of the people domiciled in the province, by worker.
pub fn episodes(c: &Careers, cpi_of: &dyn Fn(u32) -> Option<String>, seed: u64, first: i32, last: i32) -> Vec<Episode> {
    let mut out = Vec::new();
    for (wi, wk) in c.workers.iter().enumerate() {
        let wi = wi as u32;
        let Some(cpi) = cpi_of(wk.domicilio) else { continue };
        let mut rng = Rng::new(seed, STREAM_DID ^ (wi as u64).wrapping_mul(0x9E37));
        let spells: Vec<&Spell> = c.of(wi).collect();
        let mut free_from = i32::MIN;
        // Entrants: a DID before the first job.
        if let Some(f) = spells.first() {
            if !f.pregresso && f.start >= first + 30 && age_at(wk.birth, f.start) < 30 && rng.chance(0.2) {
                let r = f.start - rng.range(15, 240) as i32;
                if r >= first {
                    let e = episode(c, &mut rng, wi, r, None, &cpi, last);
                    free_from = if e.end == NONE { FAR } else { e.end + 1 };
                    out.push(e);
                }
            }
        }
        for (k, s) in spells.iter().enumerate() {
            if s.end == NONE || s.end >= last {
                continue;
            }
            let cday = s.end + 1;
            if spells.iter().enumerate().any(|(j, o)| j != k && o.active(cday)) {
                continue;
            }
            if !rng.chance(did_chance(c, s)) {
                continue;
            }
            let delay = if rng.chance(0.85) {
                rng.range(0, 15)
            } else {
                rng.range(16, 60)
            } as i32;
            let r = cday + delay;
            if r < first || r > last || r < free_from {
                continue;
            }
            if spells.iter().any(|o| o.start >= cday && o.start <= r) {
                continue;
            }
            let e = episode(c, &mut rng, wi, r, Some(**s), &cpi, last);
            free_from = if e.end == NONE { FAR } else { e.end + 1 };
            out.push(e);
        }
    }
    number(&mut out, c.w.prov.sigla.as_str());
    out
}

/// Numbers the episodes by release date: `<sigla>-<year>-<n>`.
fn number(eps: &mut [Episode], sigla: &str) {
    eps.sort_by_key(|e| (e.release, e.worker));
    let mut year = i32::MIN;
    let mut n = 0;
    for e in eps.iter_mut() {
        let y = civil_from_days(e.release).0;
        if y != year {
            year = y;
            n = 0;
        }
        n += 1;
        e.id = format!("{sigla}-{y}-{n:06}");
    }
}

fn service_point(rng: &mut Rng, cpi: &str, year: i32) -> (&'static str, String) {
    let portal = (0.15 + 0.07 * (year - 2016) as f64).clamp(0.1, 0.6);
    let x = rng.f64();
    if x < portal {
        ("PORTALE", String::new())
    } else if x < portal + 0.15 {
        ("SPORTELLO_PARTNER", format!("{cpi}-P{:02}", rng.range(1, 3)))
    } else if x < portal + 0.2 {
        ("SPORTELLO_COMUNALE", format!("{cpi}-C{:02}", rng.range(1, 2)))
    } else {
        ("CPI", format!("{cpi}-S01"))
    }
}

fn episode(c: &Careers, rng: &mut Rng, wi: u32, r: i32, origin: Option<Spell>, cpi: &str, last: i32) -> Episode {
    let (punto, sportello) = service_point(rng, cpi, civil_from_days(r).0);
    let stato = match origin {
        None => "01",
        Some(_) if rng.chance(0.03) => "03",
        Some(_) => "02",
    };
    let mut exit_at = if rng.chance(0.35) {
        r + 30 + rng.exp(420.0) as i32
    } else {
        FAR
    };
    let mut ev = vec![Event {
        day: r,
        kind: "RILASCIO",
        causa: "",
    }];
    let mut end = NONE;
    let mut end_cause = "";
    let mut susp: Option<(i32, i32)> = None;
    let mut nsusp = 0;
    let exit_cause = |rng: &mut Rng| if rng.chance(0.6) { "01" } else { "02" };
    'jobs: for o in c.of(wi).filter(|o| o.start > r && o.start <= last) {
        if let Some((_, b)) = susp.filter(|&(_, b)| o.start > b) {
            resume(&mut ev, &mut exit_at, b);
            susp = None;
        }
        if susp.is_none() && exit_at < o.start && exit_at <= last {
            end = exit_at;
            end_cause = exit_cause(rng);
            break 'jobs;
        }
        // A job still running at the horizon counts as short by its expected end.
        let known = o.end != NONE && o.end < last;
        let o_end = if known {
            o.end
        } else if o.fine_prevista != NONE {
            o.fine_prevista.max(last)
        } else {
            FAR
        };
        let short = if known {
            o.end - o.start < 183
        } else {
            o.fine_prevista != NONE && o.fine_prevista - o.start < 183
        };
        match susp {
            Some((a, b)) => {
                let nb = b.max(o_end);
                if short && nb - a < 183 {
                    susp = Some((a, nb));
                    continue;
                }
            }
            None if short => {
                let causa = if o.subordinate() { "LAVORO_BREVE" } else { "ALTRO" };
                ev.push(Event {
                    day: o.start,
                    kind: "SOSPENSIONE",
                    causa,
                });
                nsusp += 1;
                susp = Some((o.start, o_end));
                continue;
            }
            None => {}
        }
        end = o.start;
        end_cause = "03";
        break;
    }
    if end == NONE {
        if let Some((_, b)) = susp.filter(|&(_, b)| b < last) {
            resume(&mut ev, &mut exit_at, b);
            susp = None;
        }
        if susp.is_none() && exit_at <= last {
            end = exit_at;
            end_cause = exit_cause(rng);
        }
    }
    let benefit = origin.and_then(|s| benefit(c, rng, &s, r, end, last));
    if let Some((kind, a, b)) = benefit {
        ev.push(Event {
            day: a,
            kind: "PRESTAZIONE_INIZIO",
            causa: kind,
        });
        if b != NONE {
            ev.push(Event {
                day: b,
                kind: "PRESTAZIONE_FINE",
                causa: kind,
            });
        }
    }
    if end != NONE {
        ev.push(Event {
            day: end,
            kind: "FINE",
            causa: end_cause,
        });
    }
    ev.sort_by_key(|e| (e.day, rank(e.kind)));
    Episode {
        worker: wi,
        id: String::new(),
        release: r,
        cpi: cpi.to_string(),
        punto,
        sportello,
        stato,
        origin,
        end,
        end_cause,
        suspensions: nsusp,
        benefit,
        events: ev,
    }
}

fn benefit(c: &Careers, rng: &mut Rng, s: &Spell, r: i32, end: i32, last: i32) -> Option<(&'static str, i32, i32)> {
    let cday = s.end + 1;
    let (kind, from, cap) = if s.collaboration() {
        ("DISCOLL", days_from_civil(2015, 1, 1), 183)
    } else if s.subordinate() {
        ("NASPI", days_from_civil(2015, 5, 1), 730)
    } else {
        return None;
    };
    if cday < from || !involuntary(c, s) {
        return None;
    }
    let weeks = c.days_worked(s.worker, cday - 4 * 365, s.end) / 7;
    if weeks < 13 {
        return None;
    }
    let dur = ((weeks / 2) * 7).min(cap);
    let app = r + rng.range(0, 20) as i32;
    let a = (s.end + 8).max(app + 1);
    let limit = if end == NONE { FAR } else { end - 1 };
    if a > limit || a > last {
        return None;
    }
    let b = (a + dur - 1).min(limit);
    Some((kind, a, if b <= last { b } else { NONE }))
}

/// Writes `did.csv` (`;`, LF) and the truth `truth/did_episodi.csv`, `truth/did_stock_mensile.csv`.
pub fn write(c: &Careers, eps: &[Episode], places: &[&str], out: &Path, first: i32, last: i32) -> Result<Vec<PathBuf>> {
    let mut f = Table::create(&out.join("did.csv"), &DID_HEADER, ';', false)?;
    let mut t = Table::create(&out.join("truth").join("did_episodi.csv"), &EPISODI_HEADER, ',', false)?;
    for e in eps {
        let wk = &c.workers[e.worker as usize];
        let cf = std::str::from_utf8(&wk.cf).unwrap_or("");
        let sesso = if wk.female { "F" } else { "M" };
        let cit = c.w.cits[wk.cit as usize].codice;
        let liv = wk.livello.to_string();
        let dom = places[wk.domicilio as usize];
        for x in &e.events {
            let rel = x.kind == "RILASCIO";
            let (causa, prest) = if x.kind.starts_with("PRESTAZIONE") {
                ("", x.causa)
            } else {
                (x.causa, "")
            };
            let on = |v: &str| if rel { v.to_string() } else { String::new() };
            f.row(&[
                e.id.clone(),
                cf.to_string(),
                x.kind.to_string(),
                date(x.day),
                on(&e.cpi),
                on(e.punto),
                on(&e.sportello),
                on(e.stato),
                causa.to_string(),
                prest.to_string(),
                on(sesso),
                on(cit),
                on(&liv),
                on(dom),
            ])?;
        }
        let (ces, causa_ces, datore) = match &e.origin {
            Some(s) => (date(s.end), c.cause(s).to_string(), s.emp.cf_str().to_string()),
            None => (String::new(), String::new(), String::new()),
        };
        let (pk, pa, pb) = e.benefit.map_or(("", NONE, NONE), |b| b);
        t.row(&[
            e.id.clone(),
            cf.to_string(),
            date(e.release),
            e.cpi.clone(),
            e.punto.to_string(),
            e.stato.to_string(),
            if e.origin.is_some() { "CESSAZIONE" } else { "INGRESSO" }.to_string(),
            ces,
            causa_ces,
            datore,
            e.suspensions.to_string(),
            date(e.end),
            e.end_cause.to_string(),
            date(if e.end_cause == "03" { e.end } else { NONE }),
            pk.to_string(),
            date(pa),
            date(pb),
        ])?;
    }
    let files = vec![f.finish()?, t.finish()?, stock(c, eps, out, first, last)?];
    Ok(files)
}

/// Monthly truth by CPI and sex: releases and ends in the month, episodes open at the month's
/// last day (released ≤ t < FINE) and, of those, suspended at t.
fn stock(c: &Careers, eps: &[Episode], out: &Path, first: i32, last: i32) -> Result<PathBuf> {
    let m0 = month_index(first);
    let m1 = month_index(last);
    // (month, cpi, sex) → [rilasci, fini, aperte, sospese]
    let mut cells: BTreeMap<(i32, String, &str), [u64; 4]> = BTreeMap::new();
    for e in eps {
        let sex = if c.workers[e.worker as usize].female { "F" } else { "M" };
        let to = if e.end == NONE { m1 } else { month_index(e.end).min(m1) };
        for m in month_index(e.release).max(m0)..=to {
            let t = month_start(m + 1) - 1;
            let ms = month_start(m);
            let cell = cells.entry((m, e.cpi.clone(), sex)).or_default();
            if e.release >= ms && e.release <= t {
                cell[0] += 1;
            }
            if e.end != NONE && e.end >= ms && e.end <= t {
                cell[1] += 1;
            }
            if e.release <= t && (e.end == NONE || e.end > t) {
                cell[2] += 1;
                let mut suspended = false;
                for x in e.events.iter().filter(|x| x.day <= t) {
                    match x.kind {
                        "SOSPENSIONE" => suspended = true,
                        "RIPRESA" => suspended = false,
                        _ => {}
                    }
                }
                if suspended {
                    cell[3] += 1;
                }
            }
        }
    }
    let mut f = Table::create(
        &out.join("truth").join("did_stock_mensile.csv"),
        &["mese", "cpi", "sesso", "rilasci", "fini", "did_aperte", "did_sospese"],
        ',',
        false,
    )?;
    for ((m, cpi, sex), v) in cells {
        if v == [0; 4] {
            continue;
        }
        f.row(&[
            format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1),
            cpi,
            sex.to_string(),
            v[0].to_string(),
            v[1].to_string(),
            v[2].to_string(),
            v[3].to_string(),
        ])?;
    }
    f.finish()
}
