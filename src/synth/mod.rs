//! Synthetic province generator with ground truth (`oml synth`).
//!
//! Simulates the labour market of one province — workers, employers, hires with
//! seasonality and a crisis year, proroghe, trasformazioni, cessazioni (many fixed-term
//! contracts simply expire without one), job-to-job moves — and writes what an observatory
//! receives: the CSV extract `co.csv` and the same communications as UNILAV XML batches
//! `unilav/<YYYY>/unilav_<YYYY>_<MM>.xml`, in the same order (by data_invio, then emission
//! sequence). Faults are injected as extra records so that validation and resolution can be
//! measured; the ground truth goes to `truth/` (see the README written there).
//!
//! Output is a pure function of the configuration: the same seed gives byte-identical files
//! (own xoshiro256** / splitmix64 PRNG, no hash-map iteration, no clock). Generation streams
//! month by month: only pending future events are held in memory. The simulation runs on the
//! calling thread and hands each complete month, already in output order, to a writer thread.
//!
//! Files, from the bottom of the ladder up (each imports only files listed before it):
//! - `rng.rs`: the PRNG (xoshiro256**, splitmix64 hashes) and alias sampling.
//! - `cal.rs`: day numbers, calendar arithmetic, `chrono` conversion, date and timestamp formatting.
//! - `data.rs`: the data files under `data/` (calibration, name pools), compiled in, read as CSV.
//! - `people.rs`: synthetic names, codici fiscali (personal and numeric), firm names, addresses.
//! - `codes.rs`: the codes the generator writes (tipologie, trasformazioni, orari, MLPS region
//!   prefix) and the motivi of `truth/anomalie.csv`.
//! - `calib.rs`: the hand-set calibration (sector weights and traits, seasonality, citizenship
//!   shares) from `data/`.
//! - `profile.rs`: the province's [`World`](profile::World), built from the reference tables and the calibration.
//! - `events.rs`: the values passed along: workers, employers, communications, items, truth, rows.
//! - `sim/`: the simulation — `life.rs` (one relationship's plan), `pool.rs` (workers and places),
//!   `firms.rs` (employers), `queue.rs` (plans into month buckets and truth), `mod.rs` (the days).
//! - `faults.rs`: fault injection (extra records: bad codes, duplicates, rettifiche, annullamenti).
//! - `number.rs`: numbering of each complete month (fault records from `faults.rs`), hand-over
//!   to the writer.
//! - `welfare/`: after the simulation, from the true relationships: DID with NASpI / DIS-COLL,
//!   liste di mobilità (to 2016), workers in CIG and the INPS aggregates, with their truth
//!   (its own ladder: `careers`, `out` → `did`, `mobilita`, `cig` → `mod`).
//! - `write.rs`: the writer thread: CSV extract, UNILAV XML batches, ground-truth files.
//! - `mod.rs`: configuration, the run (simulation thread + writer thread), the summary and the
//!   truth README.

mod cal;
mod calib;
mod codes;
mod data;
mod events;
mod faults;
mod number;
mod people;
mod profile;
mod rng;
mod sim;
#[cfg(test)]
mod tests;
mod welfare;
mod write;

pub use faults::FaultRates;
pub use welfare::Counts as WelfareCounts;

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthConfig {
    /// Province: sigla (`PO`), ISTAT code (`100`) or name.
    pub province: String,
    pub first_year: i32,
    pub last_year: i32,
    /// True communications per year (fault records come on top, about 2.5 %).
    pub volume: usize,
    pub seed: u64,
    /// Inject faults (extra records listed in `truth/anomalie.csv`).
    pub faults: bool,
    /// Year of a crisis: fewer hires, layoffs in manufacturing. Ignored outside the period.
    pub crisis_year: Option<i32>,
    pub write_csv: bool,
    pub write_xml: bool,
}

impl Default for SynthConfig {
    fn default() -> Self {
        SynthConfig {
            province: "PO".to_string(),
            first_year: 2019,
            last_year: 2024,
            volume: 80_000,
            seed: 42,
            faults: true,
            crisis_year: Some(2020),
            write_csv: true,
            write_xml: true,
        }
    }
}

/// What was generated.
#[derive(Debug, Clone, Default)]
pub struct SynthSummary {
    /// Records written (true communications plus fault records).
    pub communications: u64,
    /// True communications only.
    pub communications_true: u64,
    /// True relationships whose assunzione is in the extract (`truth/rapporti.csv`).
    pub rapporti: u64,
    /// Relationships started before the period (`truth/rapporti_pregressi.csv`).
    pub rapporti_pregressi: u64,
    /// Relationships ended at their expected end without a cessazione (both truth files).
    pub cessazioni_imputate: u64,
    /// Records by evento (`ASS`, `PRO`, `TRS`, `CES`), fault records included.
    pub by_evento: Vec<(String, u64)>,
    /// True communications by evento.
    pub true_by_evento: Vec<(String, u64)>,
    /// Rows of `truth/anomalie.csv` by motivo.
    pub faults_by_motivo: Vec<(String, u64)>,
    /// Records by year of data_invio.
    pub by_year: Vec<(i32, u64)>,
    pub workers: u64,
    /// Workers holding an omocodic CF variant.
    pub workers_omocodici: u64,
    pub employers: u64,
    /// Sigla of the province.
    pub province: String,
    /// DID, mobility and CIG (`did.csv`, `mobilita.csv`, `cig_lavoratori.csv`, `inps/`).
    pub welfare: WelfareCounts,
    /// Files written (co.csv first when written).
    pub files: Vec<PathBuf>,
}

/// True communications per hire in a steady state (calibrated on the default profile);
/// used to turn the requested volume into a hiring rate.
const COMMS_PER_HIRE: f64 = 1.92;
/// Open-ended positions at the start of the simulation, per yearly hire.
const STOCK_PER_HIRE: f64 = 1.8;
/// Available workers at the start, per yearly hire.
const POOL_PER_HIRE: f64 = 0.7;
/// Days simulated before the first year (their relationships become the pregressi).
const BURN_IN_DAYS: i32 = 365;

fn check(cfg: &SynthConfig) -> Result<()> {
    if cfg.first_year > cfg.last_year {
        bail!(
            "years reversed: {}-{} (the first year must not come after the last)",
            cfg.first_year,
            cfg.last_year
        );
    }
    if cfg.first_year < 2009 || cfg.last_year > 2100 {
        bail!(
            "years out of range: {}-{} (2009–2100 allowed; online CO start in 2008)",
            cfg.first_year,
            cfg.last_year
        );
    }
    if cfg.volume == 0 {
        bail!("volume is 0: give the number of communications per year (> 0)");
    }
    if cfg.volume > 100_000_000 {
        bail!(
            "volume {} too large (at most 100 million communications per year)",
            cfg.volume
        );
    }
    if !cfg.write_csv && !cfg.write_xml {
        bail!("no output format requested: enable the CSV, the XML or both");
    }
    Ok(())
}

/// Generates the synthetic province into `out`. `progress(done, total)` is called as
/// records are written (`total` is an estimate).
pub fn generate(cfg: &SynthConfig, out: &Path, progress: &dyn Fn(u64, u64)) -> Result<SynthSummary> {
    generate_with(cfg, &FaultRates::default(), out, progress)
}

/// As [`generate`], with explicit fault rates.
pub fn generate_with(
    cfg: &SynthConfig,
    rates: &FaultRates,
    out: &Path,
    progress: &dyn Fn(u64, u64),
) -> Result<SynthSummary> {
    check(cfg)?;
    let res = run(cfg, rates, out, progress);
    if res.is_err() {
        remove_tmp_files(out);
    }
    res
}

/// Removes the temporary files (`.<name>.tmp`) a failed run may leave.
fn remove_tmp_files(out: &Path) {
    let mut dirs = vec![out.to_path_buf(), out.join("truth"), out.join("inps")];
    if let Ok(rd) = std::fs::read_dir(out.join("unilav")) {
        dirs.extend(rd.flatten().map(|e| e.path()).filter(|p| p.is_dir()));
    }
    for d in dirs {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') && name.ends_with(".tmp") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

fn run(cfg: &SynthConfig, rates: &FaultRates, out: &Path, progress: &dyn Fn(u64, u64)) -> Result<SynthSummary> {
    let first_day = cal::days_from_civil(cfg.first_year, 1, 1);
    let last_day = cal::days_from_civil(cfg.last_year, 12, 31);
    let world = profile::World::build(&cfg.province, first_day, last_day)?;
    let region = world.region_mlps.clone();
    // The province enters the random streams: two provinces with one seed differ.
    let prov_tag = world
        .prov
        .istat
        .bytes()
        .fold(0u64, |h, b| h.wrapping_mul(131).wrapping_add(b as u64));
    let seed = cfg.seed ^ rng::splitmix64(prov_tag);
    let hires_per_year = cfg.volume as f64 / COMMS_PER_HIRE;
    let crisis_year = cfg.crisis_year.filter(|y| *y >= cfg.first_year && *y <= cfg.last_year);
    let params = sim::Params {
        seed,
        first_day,
        last_day,
        sim_start: first_day - BURN_IN_DAYS,
        hires_per_year,
        crisis_year,
    };
    let years = (cfg.last_year - cfg.first_year + 1) as u64;
    let total_est = cfg.volume as u64 * years;
    progress(0, total_est);

    let mut g = sim::Gen::new(&world, params);
    g.seed_pool((hires_per_year * POOL_PER_HIRE).ceil() as usize);
    g.initial_stock((hires_per_year * STOCK_PER_HIRE).ceil() as usize);
    let faults = cfg.faults.then_some(*rates);
    let done = AtomicU64::new(0);
    let writer = write::Writer::new(
        out,
        &world,
        g.pool.places.clone(),
        &region,
        seed,
        cfg.write_csv,
        cfg.write_xml,
        &done,
    )?;
    let mut numberer = number::Numberer::new(seed, faults, last_day);

    // The simulation runs here; the files are written by a second thread, fed in order.
    let (mut counts, mut files) = std::thread::scope(|sc| -> Result<(write::Counts, Vec<PathBuf>)> {
        let (tx, rx) = crossbeam_channel::bounded::<events::Msg>(2);
        let handle = sc.spawn(move || -> Result<(write::Counts, Vec<PathBuf>)> {
            let mut writer = writer;
            for msg in rx {
                writer.handle(msg)?;
            }
            writer.finish()
        });
        // A failed send means the writer stopped on an error: join to report it.
        let fed = (|| -> Option<()> {
            let mut last_report = 0u64;
            if let Some(m) = number::drain_pregressi(&mut g) {
                tx.send(m).ok()?;
            }
            for day in g.p.sim_start..=last_day {
                // Every item generated from now on has data_invio ≥ day - 1: earlier months are final.
                let complete_before = cal::month_index(day - 1);
                while let Some(&m) = g.queue.buckets.keys().next() {
                    if m >= complete_before {
                        break;
                    }
                    let msg = numberer.month(&mut g, m);
                    tx.send(msg).ok()?;
                }
                g.run_day(day);
                if day < first_day || day % 16 == 0 {
                    if let Some(m) = number::drain_pregressi(&mut g) {
                        tx.send(m).ok()?;
                    }
                }
                let n = done.load(Ordering::Relaxed);
                if n >= last_report + 65_536 {
                    last_report = n;
                    progress(n, total_est.max(n));
                }
            }
            if let Some(m) = number::drain_pregressi(&mut g) {
                tx.send(m).ok()?;
            }
            while let Some(&m) = g.queue.buckets.keys().next() {
                let msg = numberer.month(&mut g, m);
                tx.send(msg).ok()?;
            }
            Some(())
        })();
        drop(tx);
        let res = handle
            .join()
            .map_err(|_| anyhow::anyhow!("the synth writer thread panicked"))?;
        match (res, fed) {
            (Err(e), _) => Err(e),
            (Ok(_), None) => Err(anyhow::anyhow!("the synth writer thread stopped early")),
            (Ok(r), Some(())) => Ok(r),
        }
    })?;
    progress(counts.rows, total_est.max(counts.rows));
    let (welfare, wfiles) = welfare::run(
        welfare::Input {
            w: &world,
            workers: &g.pool.workers,
            places: &g.pool.places,
            spells: std::mem::take(&mut counts.spells),
            seed,
            first_day,
            last_day,
            first_year: cfg.first_year,
            last_year: cfg.last_year,
            crisis_year,
        },
        out,
    )?;
    files.extend(wfiles);

    let eventi = ["ASS", "PRO", "TRS", "CES"];
    let mut summary = SynthSummary {
        communications: counts.rows,
        communications_true: counts.real_by_evento.iter().sum(),
        rapporti: counts.rapporti,
        rapporti_pregressi: counts.pregressi,
        cessazioni_imputate: counts.imputate,
        by_evento: eventi
            .iter()
            .zip(counts.rows_by_evento)
            .map(|(e, n)| (e.to_string(), n))
            .collect(),
        true_by_evento: eventi
            .iter()
            .zip(counts.real_by_evento)
            .map(|(e, n)| (e.to_string(), n))
            .collect(),
        faults_by_motivo: codes::MOTIVI
            .iter()
            .zip(counts.by_motivo)
            .skip(1)
            .map(|(m, n)| (m.to_string(), n))
            .collect(),
        by_year: counts.rows_by_year.iter().map(|(y, n)| (*y, *n)).collect(),
        workers: g.pool.workers.len() as u64,
        workers_omocodici: g.pool.workers.iter().filter(|w| w.omocodic).count() as u64,
        employers: g.firms.employers.len() as u64,
        province: world.prov.sigla.clone(),
        welfare,
        files,
    };
    let readme = out.join("truth").join("README.md");
    write_readme(cfg, rates, &summary, &region, &readme)?;
    summary.files.push(readme);
    Ok(summary)
}

fn write_readme(cfg: &SynthConfig, rates: &FaultRates, s: &SynthSummary, region: &str, dest: &Path) -> Result<()> {
    use std::fmt::Write as _;
    let crisis = cfg
        .crisis_year
        .filter(|y| *y >= cfg.first_year && *y <= cfg.last_year)
        .map_or("none".to_string(), |y| y.to_string());
    let mut t = String::new();
    let _ = writeln!(t, "# Ground truth of the synthetic province\n");
    let _ = writeln!(
        t,
        "Generated by `oml synth`: province {prov}, years {a}–{b}, volume {v} communications/year, seed {seed}, faults \
         {faults}, crisis year {crisis}. Codici comunicazione start with the Ministry (MLPS) region code `{region}`. The \
         same configuration and seed give byte-identical files. All people, names, codici fiscali, employers and addresses \
         are synthetic.\n",
        prov = s.province,
        a = cfg.first_year,
        b = cfg.last_year,
        v = cfg.volume,
        seed = cfg.seed,
        faults = if cfg.faults { "on" } else { "off" },
    );
    let _ = writeln!(t, "## Files\n");
    let _ = writeln!(
        t,
        "- `../co.csv`: the CSV extract, one row per communication (header = the flattened UNILAV field names).\n\
         - `../unilav/<YYYY>/unilav_<YYYY>_<MM>.xml`: the same communications as `UniLav` elements, one batch file per month \
         of `dataInvio`. The CSV rows and the XML files (sorted by path) then elements list the communications in the same \
         order: by data_invio (wall clock, fractions of a second included), then emission sequence. A duplicate follows its \
         original; every rettifica / annullamento follows its target.\n\
         - `anomalie.csv` (`codice_comunicazione,motivo`): one row per injected fault record; each faulty record has \
         exactly one defect. Record-level motivi — `cf_lavoratore_carattere_controllo`, `cf_lavoratore_formato` (15 \
         characters, or a digit in the surname part), `codice_sconosciuto` (tipologia `A.99.99`, ATECO `99.99.99` or \
         comune `Q999`), `codice_non_valido_alla_data` (a tipologia expired at the date it is checked against: DataInizio, \
         or DataTrasformazione for a TRS), `data_non_valida` (impossible DataInizio) — mark an erroneous first submission: a \
         copy of a true communication with its own new code, sent a few minutes before the correct one, which is also in \
         the extract. Run-level motivi: `duplicato` (an exact copy, same code; one row per extra copy), \
         `rettifica_orfana` (a tipo 03 copy of a true communication whose CodiceComunicazionePrecedente never exists), \
         `rettificato` (a version superseded by a rettifica: wrong but valid — DataFine one month off, A.02.00/A.02.01 \
         swapped, another livello di istruzione, or another causa di cessazione; 20 % of the corrections are chains of two \
         rettifiche, and both superseded codes are listed), `annullato` (a spurious assunzione, not a true relationship) and \
         `annullamento` (its tipo 04 communication).\n\
         - `rapporti.csv`: one row per true relationship whose assunzione is in the extract. `codice_comunicazione_avvio` is \
         the code of the live version of the ASS (the last rettifica if it was rettified); `tipologia_contrattuale` the \
         contract at the start; `data_fine_effettiva` the true last day worked when it is on or before {b}-12-31, else \
         empty; `cessazione_imputata` = true exactly when the relationship ended at its (last, prorogated) expected end \
         date without any cessazione communication. Extra columns: `data_fine_prevista` (after the proroghe; empty when \
         open-ended or after a DI trasformazione), `tipologia_finale`, `n_proroghe`, `codice_trasformazione` / \
         `data_trasformazione` (the last one), `causa_cessazione`, `evento_cessazione_comunicato` (a CES is in the extract), \
         `cf_lavoratore`, `cf_datore`, `settore`, `sede_lavoro_comune`, and for agency work `cf_utilizzatrice` and \
         `settore_utilizzatrice` (the user firm of the mission). Everything is as of the horizon ({b}-12-31): later \
         events do not count.\n\
         - `rapporti_pregressi.csv`: the same columns, with an empty code, for the initial stock: relationships started \
         before {a} and still running on {a}-01-01. Their ASS is not in the extract; their later PRO / TRS / CES are. Here \
         `n_proroghe` also counts proroghe sent before {a}.\n",
        a = cfg.first_year,
        b = cfg.last_year,
    );
    let _ = writeln!(
        t,
        "## DID, mobility and Cassa integrazione\n\n\
         Drawn after the simulation from the true relationships above, with random streams of their own (the CO files are \
         the same without them). Codici fiscali are those of the CO, so the records link to the careers.\n\n\
         - `../did.csv` (`docs/formato_did.md`, `;`): one row per event of a DID episode of a person domiciled in the \
         province. A DID is released 0–60 days after a relationship ends when no other job runs and none has started \
         (licenziamento 70 %, end of term 30 %, prova / cessazione attività / giusta causa 40 %, risoluzione consensuale \
         25 %, dimissioni 5 %, pensione and decesso never), or 15–240 days before the first job of a person under 30 who \
         enters the labour market (20 %, stato 01). It is released at the CPI of the domicile \
         (`reference/oml/cpi_comuni.csv`), online (`PORTALE`) for 15 % in 2016 rising by 7 points a year to 60 %, else at a \
         partner (15 %), a comune (5 %) or the CPI. Every later avviamento of the person in the CO acts on it: a job of at \
         most 183 days (by its expected end if it runs at {b}-12-31) suspends it (`LAVORO_BREVE`, `ALTRO` for a tirocinio \
         or collaboration) and a `RIPRESA` follows the day after it ends; any other ends it with FINE cause 03 on its start \
         day. So FINE 03 happens exactly on an avviamento of the CO, and no avviamento falls inside a running DID outside a \
         suspension. 35 % of episodes would end without a job after 30 days plus an exponential of mean 420 days (01 \
         istanza 60 %, 02 decadenza 40 %) if no job comes first. NASpI (from 2015-05-01; DIS-COLL after a collaboration \
         from 2015) after an involuntary end (licenziamento, end of term, prova, giusta causa, cessazione attività): from \
         the 8th day after the end or the day after the application (0–20 days after the DID), for half the weeks worked \
         in the 4 years before (at least 13; at most 730 days, DIS-COLL 183), ending at the latest the day before the \
         DID ends. Episodes are released from {a}-01-01 on: the stock starts at zero (left-censored).\n\
         - `did_episodi.csv`: one row per episode: release, CPI, service point, stato, origin (`CESSAZIONE` with the CO \
         cessazione's date, cause and employer, or `INGRESSO`), suspensions, end and cause, `data_rioccupazione_co` (the \
         avviamento that ended it), benefit and its dates. `did_stock_mensile.csv`: by month, CPI and sex, the releases, \
         the ends, the episodes open at the month's last day (released ≤ t < FINE) and of those the suspended ones.\n\
         - `../mobilita.csv` (`docs/formato_mobilita.md`, `;`) and `mobilita.csv`: a worker dismissed by a firm (LC → \
         lista 1 with indennità after 12 months there, LO → lista 2; 85 %) is enrolled 3–40 days later when that is on or \
         before 2016-12-31 (no entries from 2017), for 12 / 24 / 36 months by age (< 40, 40–49, ≥ 50). Exits from the CO: \
         an open-ended hire (A.01.00, A.03.*) cancels with cause 07, another with cause 01 and a reiscrizione (04) the \
         day after it ends within the period; else cause 05 at the end of the list.\n\
         - `../cig_lavoratori.csv` (`docs/formato_cig_lavoratori.md`, `;`) and `cig.csv` (with the CO cessazione within a \
         year after the period and its DID): each year some private employers put the workers they employ on the first \
         day into CIG for 1–3 contiguous periods of 4–13 weeks: manufacturing CIGO (20 % through a fund, `FONDI`; 15 % \
         CIGS outside the crisis year), others FIS. Crisis year: from March, 55 % of manufacturing firms and 25 % of the \
         others (2.5 % and 0.5 % in other years); a manufacturing firm dismissing workers (LC / LO) that year 90 % (20 % \
         otherwise), with those workers, whose CIG ends before their cessazione. 8 hours per weekday at zero ore, a \
         quarter to three quarters of that otherwise; 55–100 % of the hours used. `cig_ore_mensili.csv`: hours and \
         distinct workers by year, month of `data_inizio` and type.\n\
         - `../inps/cig_fondi_ore.csv` (INPS format A, DOMAIN.md §4.2: CRLF, region as INPS spells it, `15785.0`): the \
         authorised hours of `FIS` and `FONDI` (`Altri fondi`) by year, month of `data_inizio` and ramo (from the \
         employer's ATECO section, `src/synth/data/rami_inps.csv`). `../inps/integrazioni_salariali_lavoratori.csv` \
         (format B, §4.3: UPPER_SNAKE region, rows by month name): distinct workers by year, month of `data_inizio` and \
         type (`FONDI` as `FONDI_Centrali`). Both are sums of `cig_lavoratori.csv`, so totals can be checked exactly.\n",
        a = cfg.first_year,
        b = cfg.last_year,
    );
    let _ = writeln!(t, "## What this run holds\n");
    let _ = writeln!(
        t,
        "- Records written: {} (true communications: {}); relationships: {}; pregressi: {}; imputed cessazioni (both \
         files): {}; workers: {} (holding an omocodic CF: {}); employers: {}.",
        s.communications,
        s.communications_true,
        s.rapporti,
        s.rapporti_pregressi,
        s.cessazioni_imputate,
        s.workers,
        s.workers_omocodici,
        s.employers
    );
    let wf = &s.welfare;
    let _ = writeln!(
        t,
        "- DID episodes: {} ({} events; ended by an avviamento: {}; NASpI: {}, DIS-COLL: {}); mobility pratiche: {} ({} \
         events); CIG periods: {}, authorised hours {} (crisis year: {}).",
        wf.did_episodi,
        wf.did_eventi,
        wf.did_rioccupati,
        wf.naspi,
        wf.discoll,
        wf.mobilita_pratiche,
        wf.mobilita_eventi,
        wf.cig_periodi,
        wf.cig_ore_autorizzate,
        wf.cig_ore_crisi
    );
    let ev: Vec<String> = s.true_by_evento.iter().map(|(e, n)| format!("{e} {n}")).collect();
    let _ = writeln!(t, "- True communications by evento: {}.", ev.join(", "));
    let yr: Vec<String> = s.by_year.iter().map(|(y, n)| format!("{y}: {n}")).collect();
    let _ = writeln!(t, "- Records by year of data_invio: {}.", yr.join(", "));
    let n = s.communications_true.max(1) as f64;
    let fm: Vec<String> = s
        .faults_by_motivo
        .iter()
        .map(|(m, k)| format!("`{m}` {k} ({:.3} %)", *k as f64 * 100.0 / n))
        .collect();
    let _ = writeln!(
        t,
        "- Rows of anomalie.csv by motivo (share of true communications): {}.\n",
        fm.join(", ")
    );
    let _ = writeln!(t, "## Rates used\n");
    let _ = writeln!(
        t,
        "Fault rates, per true communication (each fault is an extra record): wrong check character {:.2} %, malformed CF \
         {:.2} %, unknown code {:.2} %, code not valid at the date {:.2} %, impossible date {:.2} %, duplicate {:.2} %, \
         orphan rettifica {:.2} %, rettifiche {:.2} % (on ASS and CES only), annullamenti {:.2} % (spurious ASS). The \
         restricted ones are drawn at a higher rate on the eligible records so that the rate per communication holds. At most \
         one fault per true communication; fault draws use their own random stream, so the true relationships and their \
         codes are the same with faults on or off.\n",
        rates.cf_carattere_controllo * 100.0,
        rates.cf_formato * 100.0,
        rates.codice_sconosciuto * 100.0,
        rates.codice_non_valido_alla_data * 100.0,
        rates.data_non_valida * 100.0,
        rates.duplicato * 100.0,
        rates.rettifica_orfana * 100.0,
        rates.rettifica * 100.0,
        rates.annullamento * 100.0
    );
    let _ = writeln!(
        t,
        "Labour market: hires are about half fixed-term (A.02.00 / A.02.01), ~17 % open-ended (A.01.00), ~8 % \
         intermittent (A.05.02), ~6 % apprendistato (A.03.09), ~5 % domestic (A.04.02, households 97.00.00 with a personal \
         CF), ~4 % tirocinio (C.01.00), ~3 % co.co.co. (B.03.00), a few A.08.02. Somministrazione is represented by A.02.00 \
         (or A.01.00 for staff leasing) with an employer in 78.20.00 (temporary work agencies), because the ANPAL table has \
         no somministrazione code valid after 2013; their communications are UNISOMM modules (SYS_TIPOMODULO US, a \
         `UniSomm` element in the XML) naming the user firm of the mission: a private employer of another sector, by the \
         sector's share of the hires and the firm's size, and its sector, site and the mission's dates. Proroghe for ~30 % of fixed-term contracts longer than a week (1–4, at \
         most 24 months in all); DI trasformazioni (TD→TI: tipologia A.01.00 in the TRS, DataFine empty) for ~7 % of TD; \
         FF at the end of training for 80 % of the apprentices who complete it (the TRS carries A.01.00); a few TP / PP. \
         Fixed-term contracts that reach their end date finish without any cessazione in 60 % of cases (imputed), else \
         with cause FT (FM for agencies); early ends (dimissioni, licenziamento, mancato superamento della prova, …) are \
         always communicated, as are all ends of open-ended contracts (annual hazard ~12 %, retirement at 67). Sector \
         seasonality (tourism May–September, agriculture September–October, schools in September, dips in August and \
         December, January peak), many 1-day and few-day contracts (some as series on consecutive days for the same worker \
         and employer), job-to-job moves with no gap or after weeks, some double part-time jobs. Crisis year: fewer hires \
         (trough in April) and layoffs (LC / LO) in manufacturing. data_invio: ASS the day before or on DataInizio, PRO up \
         to 5 days before the old DataFine, TRS / CES 0–5 days after the event (never after {b}-12-31); 2 % in the form with \
         fractions of a second and UTC offset.\n",
        b = cfg.last_year
    );
    let _ = writeln!(
        t,
        "People: synthetic names (short lists and syllables by citizenship group), a correct codice fiscale computed \
         from them (unique per person: on a clash the name is redrawn); 0.1 % of workers hold an omocodic variant (1–3 \
         substitutions) whose base code belongs to no one else, so de-omocoding never merges two people. Employer CF: 11 \
         digits with Luhn check (office code 001–100), or a personal CF for ditte individuali and households. Addresses are \
         synthetic (`VIA SINTETICA 12`); CAP, CCNL and qualifica are left empty. Relationships started before {a} come from \
         an initial stock of open-ended positions (started from 2008 on) and from one simulated year before {a}.",
        a = cfg.first_year
    );
    let tmp = dest.with_file_name(".README.md.tmp");
    if let Some(dir) = dest.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(&tmp, t).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, dest).with_context(|| format!("renaming {}", tmp.display()))?;
    Ok(())
}
