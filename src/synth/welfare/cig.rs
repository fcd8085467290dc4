//! Workers in Cassa integrazione (`cig_lavoratori.csv`, `docs/formato_cig_lavoratori.md`) and
//! the INPS open-data aggregates derived from them (`inps/cig_fondi_ore.csv`, format A;
//! `inps/integrazioni_salariali_lavoratori.csv`, format B; DOMAIN.md §4.2–4.3).
//!
//! Each year some employers put the workers they employ on a day into CIG for one to three
//! contiguous periods of 4–13 weeks: manufacturing firms (CIGO; some through a solidarity fund,
//! `FONDI`; outside the crisis year a few CIGS), other private firms through the FIS. In the
//! crisis year far more do, from March (causale `COVID-19` in 2020), and a manufacturing firm
//! that dismisses workers (LC / LO in the CO) that year nearly always does (a fifth of them in
//! other years), with the workers it then dismisses: their CIG ends before their cessazione, and many of them release a DID.
//! Hours: 8 per working day (Monday–Friday) at zero ore, a quarter to three quarters of that
//! otherwise; the hours used are 55–100 % of those authorised.
//!
//! The aggregates count each period in the month of its `data_inizio` (INPS counts the month of
//! authorisation [I]): format A sums the authorised hours of `FIS` and `FONDI` (`Altri fondi`)
//! by ramo (`data/rami_inps.csv`), format B counts the distinct workers by month and type
//! (`FONDI` as `FONDI_Centrali` [I]); the region is spelt as each file does
//! (`reference/oml/inps_regioni.csv`).

use super::careers::{Careers, Spell};
use super::out::{date, Table};
use crate::reference::Reference;
use crate::synth::cal::{civil_from_days, days_from_civil, weekday};
use crate::synth::data;
use crate::synth::events::NONE;
use crate::synth::rng::Rng;
use anyhow::{anyhow, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Hours authorised, hours used and the distinct workers of one (year, month, type).
type Cell = (u64, u64, BTreeSet<u32>);

const STREAM_CIG: u64 = 0x4349_475F_5354_524D;

pub const MESI: [&str; 12] = [
    "Gennaio",
    "Febbraio",
    "Marzo",
    "Aprile",
    "Maggio",
    "Giugno",
    "Luglio",
    "Agosto",
    "Settembre",
    "Ottobre",
    "Novembre",
    "Dicembre",
];

pub const CIG_HEADER: [&str; 12] = [
    "codice_fiscale",
    "datore_codice_fiscale",
    "tipo_intervento",
    "data_inizio",
    "data_fine",
    "ore_autorizzate",
    "ore_utilizzate",
    "zero_ore",
    "numero_autorizzazione",
    "causale",
    "ateco_datore",
    "comune_unita_produttiva",
];
pub const FORMAT_A_HEADER: [&str; 6] = [
    "Anno",
    "gestione_fondi",
    "Regione",
    "Mese",
    "Ramo di attività",
    "totale_ore_autorizzate",
];
pub const FORMAT_B_HEADER: [&str; 5] = ["Anno", "Mese", "Tipo_intervento", "Regione", "numero_lavoratori"];

/// One period of one worker.
#[derive(Debug, Clone)]
pub struct Period {
    pub spell: Spell,
    pub tipo: &'static str,
    pub start: i32,
    pub end: i32,
    pub ore: u64,
    pub usate: u64,
    pub zero: bool,
    pub autorizzazione: String,
    pub causale: &'static str,
}

fn working_days(a: i32, b: i32) -> u64 {
    (a..=b).filter(|&d| weekday(d) < 5).count() as u64
}

/// The CIG periods of every year, by start, employer and worker.
pub fn periods(c: &Careers, seed: u64, first_year: i32, last_year: i32, crisis: Option<i32>, last: i32) -> Vec<Period> {
    let mut by_emp: BTreeMap<u32, Vec<&Spell>> = BTreeMap::new();
    for s in c.spells.iter().filter(|s| s.subordinate()) {
        by_emp.entry(s.employer).or_default().push(s);
    }
    let sigla = c.w.prov.sigla.as_str();
    let mut out = Vec::new();
    for year in first_year..=last_year {
        let (ys, ye) = (days_from_civil(year, 1, 1), days_from_civil(year, 12, 31).min(last));
        let in_crisis = crisis == Some(year);
        for (&emp, spells) in &by_emp {
            let e = spells[0].emp;
            let sector = &c.w.sectors[e.sector as usize];
            if e.pa || sector.household {
                continue;
            }
            let manuf = sector.sezione == b'C';
            let mut rng = Rng::new(seed, STREAM_CIG ^ ((emp as u64) << 16) ^ year as u64);
            let layoffs = manuf
                && spells
                    .iter()
                    .any(|s| s.end >= ys && s.end <= ye && matches!(c.cause(s), "LC" | "LO"));
            let p = match (in_crisis, manuf, layoffs) {
                (true, true, true) => 0.9,
                (true, true, false) => 0.55,
                (true, false, _) => 0.25,
                (false, true, true) => 0.2,
                (false, true, false) => 0.025,
                (false, false, _) => 0.005,
            };
            if !rng.chance(p) {
                continue;
            }
            let tipo = if !manuf {
                "FIS"
            } else if rng.chance(0.2) {
                "FONDI"
            } else if !in_crisis && rng.chance(0.15) {
                "CIGS"
            } else {
                "CIGO"
            };
            let causale = match tipo {
                _ if in_crisis && year == 2020 => "COVID-19",
                _ if in_crisis => "CRISI DI MERCATO",
                "CIGS" => "RIORGANIZZAZIONE AZIENDALE",
                _ => "MANCANZA DI LAVORO O COMMESSE",
            };
            let mut a = if in_crisis {
                days_from_civil(year, 3, 9) + rng.range(0, 22) as i32
            } else {
                ys + rng.range(0, 290) as i32
            };
            let k = if in_crisis { rng.range(1, 3) } else { rng.range(1, 2) };
            let share = if in_crisis { 0.8 } else { 0.6 };
            let zero_p = if in_crisis { 0.55 } else { 0.35 };
            for n in 1..=k {
                if a > ye {
                    break;
                }
                let b = (a + 7 * rng.range(4, 13) as i32 - 1).min(ye);
                let autorizzazione = format!("INPS-{sigla}-{year}-{emp:07}-{n}");
                let mut seen = BTreeSet::new();
                for s in spells.iter().filter(|s| s.active(a)) {
                    let dismissed = s.end != NONE && s.end <= ye && matches!(c.cause(s), "LC" | "LO");
                    if !seen.insert(s.worker) || !rng.chance(if dismissed { 0.95 } else { share }) {
                        continue;
                    }
                    let pe = if s.end != NONE && s.end <= b + 20 {
                        s.end - rng.range(1, 20) as i32
                    } else {
                        b
                    };
                    let pe = pe.min(b);
                    if pe < a + 4 {
                        continue;
                    }
                    let zero = rng.chance(zero_p);
                    let frac = if zero {
                        1.0
                    } else {
                        [0.25, 0.5, 0.75][rng.below(3) as usize]
                    };
                    let ore = (working_days(a, pe) as f64 * 8.0 * frac).round() as u64;
                    if ore == 0 {
                        continue;
                    }
                    let usate = (ore as f64 * (0.55 + 0.45 * rng.f64())).floor() as u64;
                    out.push(Period {
                        spell: **s,
                        tipo,
                        start: a,
                        end: pe,
                        ore,
                        usate,
                        zero,
                        autorizzazione: autorizzazione.clone(),
                        causale,
                    });
                }
                a = b + 1;
            }
        }
    }
    out.sort_by_key(|p| (p.start, p.spell.employer, p.spell.worker));
    out
}

/// Writes `cig_lavoratori.csv` (`;`, LF), the formats A and B under `inps/` (`,`, CRLF), and
/// the truth `truth/cig.csv` (with the cessazione that followed and its DID, from `did_of`)
/// and `truth/cig_ore_mensili.csv`.
pub fn write(
    c: &Careers,
    ps: &[Period],
    did_of: &dyn Fn(&Spell) -> Option<String>,
    out: &Path,
) -> Result<Vec<PathBuf>> {
    let mut f = Table::create(&out.join("cig_lavoratori.csv"), &CIG_HEADER, ';', false)?;
    let mut t = Table::create(
        &out.join("truth").join("cig.csv"),
        &[
            "cf_lavoratore",
            "cf_datore",
            "tipo_intervento",
            "data_inizio",
            "data_fine",
            "ore_autorizzate",
            "ore_utilizzate",
            "zero_ore",
            "data_cessazione_co",
            "causa_cessazione_co",
            "id_did",
        ],
        ',',
        false,
    )?;
    // (anno, mese, tipo) → (ore autorizzate, ore utilizzate, lavoratori)
    let mut monthly: BTreeMap<(i32, u32, &str), Cell> = BTreeMap::new();
    // (anno, mese, gestione, ramo) → ore
    let mut fondi: BTreeMap<(i32, u32, u8, String), u64> = BTreeMap::new();
    let rami = rami()?;
    for p in ps {
        let wk = &c.workers[p.spell.worker as usize];
        let cf = std::str::from_utf8(&wk.cf).unwrap_or("").to_string();
        let sector = &c.w.sectors[p.spell.emp.sector as usize];
        let zero = if p.zero { "SI" } else { "NO" };
        f.row(&[
            cf.clone(),
            p.spell.emp.cf_str().to_string(),
            p.tipo.to_string(),
            date(p.start),
            date(p.end),
            p.ore.to_string(),
            p.usate.to_string(),
            zero.to_string(),
            p.autorizzazione.clone(),
            p.causale.to_string(),
            sector.ateco.to_string(),
            c.w.comuni[p.spell.emp.sede as usize].belfiore.clone(),
        ])?;
        let later = p.spell.end != NONE && p.spell.end > p.end && p.spell.end <= p.end + 365;
        let (ces, causa, did) = if later {
            (
                date(p.spell.end),
                c.cause(&p.spell).to_string(),
                did_of(&p.spell).unwrap_or_default(),
            )
        } else {
            (String::new(), String::new(), String::new())
        };
        t.row(&[
            cf,
            p.spell.emp.cf_str().to_string(),
            p.tipo.to_string(),
            date(p.start),
            date(p.end),
            p.ore.to_string(),
            p.usate.to_string(),
            zero.to_string(),
            ces,
            causa,
            did,
        ])?;
        let (y, m, _) = civil_from_days(p.start);
        let cell = monthly.entry((y, m, p.tipo)).or_default();
        cell.0 += p.ore;
        cell.1 += p.usate;
        cell.2.insert(p.spell.worker);
        let gestione = match p.tipo {
            "FIS" => 0,
            "FONDI" => 1,
            _ => continue,
        };
        let ramo = rami
            .get(&sector.sezione)
            .ok_or_else(|| anyhow!("rami_inps.csv: no ramo for section {}", sector.sezione as char))?;
        *fondi.entry((y, m, gestione, ramo.clone())).or_default() += p.ore;
    }
    let mut files = vec![f.finish()?, t.finish()?];
    let (reg_a, reg_b) = region_names(&c.w.prov.regione_istat)?;
    let inps = out.join("inps");
    let mut a = Table::create(&inps.join("cig_fondi_ore.csv"), &FORMAT_A_HEADER, ',', true)?;
    for ((y, m, g, ramo), ore) in &fondi {
        a.row(&[
            y.to_string(),
            ["FIS", "Altri fondi"][*g as usize].to_string(),
            reg_a.clone(),
            MESI[*m as usize - 1].to_string(),
            ramo.clone(),
            format!("{ore}.0"),
        ])?;
    }
    files.push(a.finish()?);
    let mut b_rows: Vec<(i32, &str, &str, usize)> = monthly
        .iter()
        .map(|((y, m, tipo), v)| (*y, MESI[*m as usize - 1], format_b_tipo(tipo), v.2.len()))
        .collect();
    b_rows.sort();
    let mut b = Table::create(
        &inps.join("integrazioni_salariali_lavoratori.csv"),
        &FORMAT_B_HEADER,
        ',',
        true,
    )?;
    for (y, mese, tipo, n) in b_rows {
        b.row(&[
            y.to_string(),
            mese.to_string(),
            tipo.to_string(),
            reg_b.clone(),
            format!("{n}.0"),
        ])?;
    }
    files.push(b.finish()?);
    let mut h = Table::create(
        &out.join("truth").join("cig_ore_mensili.csv"),
        &[
            "anno",
            "mese",
            "tipo_intervento",
            "ore_autorizzate",
            "ore_utilizzate",
            "lavoratori",
        ],
        ',',
        false,
    )?;
    for ((y, m, tipo), v) in &monthly {
        h.row(&[
            y.to_string(),
            m.to_string(),
            tipo.to_string(),
            v.0.to_string(),
            v.1.to_string(),
            v.2.len().to_string(),
        ])?;
    }
    files.push(h.finish()?);
    Ok(files)
}

/// `Tipo_intervento` of format B.
pub fn format_b_tipo(tipo: &str) -> &'static str {
    match tipo {
        "CIGO" => "CIGO",
        "CIGS" | "COSD" => "CIGS",
        "CIGD" => "CIGD",
        "FIS" => "FIS",
        _ => "FONDI_Centrali",
    }
}

fn rami() -> Result<BTreeMap<u8, String>> {
    data::read(&data::RAMI_INPS, &["sezione", "ramo"])?
        .iter()
        .map(|r| match r.text(0).as_bytes() {
            [s] => Ok((*s, r.text(1).to_string())),
            _ => Err(r.error("the section is not one letter")),
        })
        .collect()
}

/// The region's names in format A and format B (`reference/oml/inps_regioni.csv`).
pub fn region_names(regione_istat: &str) -> Result<(String, String)> {
    let r = Reference::get();
    let name = |fonte: &str| {
        r.inps_grafia_regione(regione_istat, fonte)
            .map(str::to_string)
            .ok_or_else(|| anyhow!("inps_regioni.csv: no {fonte} spelling for region {regione_istat}"))
    };
    Ok((name("INPS formato A")?, name("INPS formato B")?))
}
