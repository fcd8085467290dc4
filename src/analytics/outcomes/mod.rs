//! The outcomes of crisis measures (`oml outcomes`, docs/esiti.md): who got back to work after
//! entering a DID, a mobility list or Cassa integrazione, how fast and how (a new employer or a
//! recall), compared with similar people who lost a job and did not enter the measure.
//!
//! The people come from the views `misure_esiti` and `misure_confronto` (sql/intermediate/);
//! the statistics from `stats` (Kaplan–Meier, Aalen–Johansen, log-rank, exact matching). Five
//! tables, every one through disclosure control: `sintesi` (counts and estimates per cohort and
//! group), `curve` (the re-employment curves at regular days), `test` (log-rank between the
//! groups of a cohort), `confronto` (treated against matched controls at 3, 6, 12 months) and
//! `bilanciamento` (the covariates before and after matching). The complete-window shares in the
//! INAPP form are the `esiti` indicator (`oml indicators esiti`).

mod cohorts;
mod columns;
mod comparison;
mod entries;

use super::indicators::{Periodicity, Territory};
use super::Session;
use crate::sdc::Mode;
use anyhow::{bail, Context, Result};
use arrow::array::RecordBatch;
use chrono::NaiveDate;

pub use comparison::BAND_DAYS;
pub use entries::{forget_computed, keep_computed};

/// A crisis measure followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Measure {
    /// Dichiarazione di immediata disponibilità (with or without NASpI).
    #[value(name = "DID")]
    Did,
    /// Liste di mobilità (L. 223/1991, up to 2016).
    #[value(name = "MOBILITA")]
    Mobilita,
    /// Cassa integrazione (by type of intervention).
    #[value(name = "CIG")]
    Cig,
}

impl Measure {
    /// The code in the `misura` column of the views.
    pub fn code(self) -> &'static str {
        match self {
            Measure::Did => "DID",
            Measure::Mobilita => "MOBILITA",
            Measure::Cig => "CIG",
        }
    }

    /// The measure's name in a sentence.
    pub fn label(self) -> &'static str {
        match self {
            Measure::Did => "DID (dichiarazione di immediata disponibilità)",
            Measure::Mobilita => "liste di mobilità",
            Measure::Cig => "cassa integrazione",
        }
    }

    /// Whether the measure has a comparison group: people enter it after losing a job. CIG
    /// workers keep theirs, so job losers are not like them.
    pub fn compared(self) -> bool {
        self != Measure::Cig
    }
}

/// The breakdowns of the cohorts (`--by`): attributes at entry.
pub const GROUPS: [&str; 9] = [
    "tipo",
    "sesso",
    "classe_eta",
    "area_cittadinanza",
    "livello_istruzione",
    "settore_origine",
    "contratto_origine",
    "cpi",
    "provincia",
];

/// At most this many breakdown columns (each cohort has 2^k groups with its totals).
pub const MAX_GROUPS: usize = 2;

/// The area matched on in the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum MatchArea {
    /// Centro per l'impiego of the job lost.
    #[default]
    Cpi,
    /// Province of the job lost (for national or regional lakes with few people per CPI).
    Provincia,
}

/// A validated request.
#[derive(Debug, Clone)]
pub struct Request {
    pub measure: Measure,
    /// Days zero in this range (default: the lake's coverage).
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// The cohorts: entries of each month, quarter or year.
    pub periodicity: Periodicity,
    pub by: Vec<String>,
    pub territory: Territory,
    pub mode: Mode,
    /// Minimum people for a curve to be drawn.
    pub min_curve: u64,
    /// Days between two points of a curve, and the curve's last day.
    pub step: u32,
    pub max_days: u32,
    pub match_area: MatchArea,
}

/// Default minimum size of a group whose curve is drawn [I]: below it a curve's steps are a
/// handful of people.
pub const MIN_CURVE: u64 = 20;

/// The confidence level of every interval.
pub const LEVEL: f64 = 0.95;

/// The tables of `oml outcomes`, with their names (sheet and `--table` names).
pub struct Outcomes {
    pub tables: Vec<(&'static str, RecordBatch)>,
    pub notes: Vec<String>,
    pub horizon: NaiveDate,
}

/// The names of the tables, in order.
pub const TABLES: [&str; 5] = ["sintesi", "curve", "test", "confronto", "bilanciamento"];

impl Request {
    fn check(&self) -> Result<()> {
        if self.by.len() > MAX_GROUPS {
            bail!("at most {MAX_GROUPS} breakdown columns ({} given)", self.by.len());
        }
        for (i, b) in self.by.iter().enumerate() {
            if !GROUPS.contains(&b.as_str()) {
                bail!("{b:?} is not a breakdown of the outcomes: use {}", GROUPS.join(", "));
            }
            if self.by[..i].contains(b) {
                bail!("breakdown column {b:?} given twice");
            }
        }
        if self.step == 0 || self.max_days == 0 {
            bail!("the curve's step and length must be at least one day");
        }
        if self.min_curve < crate::sdc::MIN_THRESHOLD {
            bail!(
                "the minimum group of a curve (--min-curva) must be at least {}",
                crate::sdc::MIN_THRESHOLD
            );
        }
        Ok(())
    }
}

pub fn compute(session: &Session, req: &Request) -> Result<Outcomes> {
    req.check()?;
    let mut setup = String::new();
    match req.period {
        Some((dal, al)) => setup.push_str(&format!(
            "SET VARIABLE oml_dal = DATE '{dal}'; SET VARIABLE oml_al = DATE '{al}';"
        )),
        None => setup.push_str("RESET VARIABLE oml_dal; RESET VARIABLE oml_al;"),
    }
    setup.push_str(&req.territory.sql());
    session.conn.execute_batch(&setup).context("setting the period")?;
    let (horizon, window) = entries::horizon_and_window(session)?;
    entries::compute_once(session, req.measure.compared())?;
    let result = tables_of(session, req, horizon, window);
    entries::release(session)?;
    result
}

/// The tables, from the outcomes computed once.
fn tables_of(session: &Session, req: &Request, horizon: i32, window: i32) -> Result<Outcomes> {
    let entries = entries::entries(session, req.measure.code(), &req.by)?;
    let rules = cohorts::Rules {
        periodicity: req.periodicity,
        by: req.by.clone(),
        horizon,
        mode: req.mode,
        min_curve: req.min_curve,
        step: req.step,
        max_days: req.max_days,
        level: LEVEL,
    };
    // The cohorts' tables (Rust) while DuckDB reads the comparison pool.
    let (c, pool) = std::thread::scope(|scope| {
        let cohorts = scope.spawn(|| cohorts::tables(&entries, &rules));
        let pool = req
            .measure
            .compared()
            .then(|| {
                entries::separations(
                    session,
                    req.measure.code(),
                    match req.match_area {
                        MatchArea::Cpi => "cpi",
                        MatchArea::Provincia => "provincia",
                    },
                )
            })
            .transpose();
        (cohorts.join().expect("the cohorts' thread panicked"), pool)
    });
    let (c, pool) = (c?, pool?);
    let mut tables = vec![("sintesi", c.summary), ("curve", c.curves), ("test", c.tests)];
    let mut notes = vec![
        format!(
            "Fonte: elaborazioni OML sulle comunicazioni obbligatorie e sugli ingressi in {} (viste misure_esiti, misure_confronto); orizzonte dei dati {}.",
            req.measure.label(),
            entries::date(horizon).format("%d/%m/%Y")
        ),
        "Rioccupazione: il primo rapporto di lavoro iniziato dopo il giorno di ingresso, presso qualsiasi datore; richiamo se presso il datore di provenienza (esito concorrente). Chi non è rioccupato all'orizzonte è censurato, non contato come insuccesso.".to_string(),
        format!(
            "Quote di rioccupati: 1 − Kaplan–Meier a 91, 182 e 365 giorni, con intervallo al {:.0}% (Greenwood, scala log(−log)); incidenze cumulate di un nuovo datore e del richiamo: Aalen–Johansen.",
            100.0 * LEVEL
        ),
        format!("Controllo della divulgazione (conteggi): {}.", c.report),
        format!(
            "Curve disegnate solo per gruppi di almeno {} persone ({} non disegnate); un punto della curva è soppresso se gli eventi dal punto precedente sono 1 o 2 o se le persone ancora a rischio sono sotto la soglia.",
            req.min_curve, c.undrawn
        ),
    ];
    if let Some(pool) = pool {
        let design = comparison::Design {
            periodicity: req.periodicity,
            horizon,
            window,
            mode: req.mode,
            level: LEVEL,
        };
        let t = comparison::tables(&pool, &design)?;
        tables.push(("confronto", t.effects));
        tables.push(("bilanciamento", t.balance));
        notes.push(format!(
            "Confronto: chi è entrato in {m} entro {window} giorni dalla perdita involontaria di un lavoro, senza un nuovo lavoro nel frattempo, contro chi ha perso un lavoro allo stesso modo e non vi è entrato; abbinamento esatto su sesso, classe di età, settore, area ({area}), contratto e causa di cessazione del lavoro perso, trimestre della perdita e fascia di {BAND_DAYS} giorni di attesa; giorno zero = ultimo giorno lavorato per entrambi. È un confronto tra persone simili nelle variabili abbinate, non un effetto causale della misura (docs/esiti.md).",
            m = req.measure.code(),
            area = match req.match_area {
                MatchArea::Cpi => "centro per l'impiego",
                MatchArea::Provincia => "provincia",
            }
        ));
    } else {
        notes.push("Cassa integrazione: nessun gruppo di confronto (i lavoratori in CIG conservano il rapporto di lavoro; chi perde il lavoro non è simile a loro).".to_string());
    }
    if let Mode::Protected(_) = req.mode {
        notes.push(format!(
            "Soglia: almeno {} lavoratori distinti per cella.",
            req.mode.worker_threshold()
        ));
    }
    Ok(Outcomes {
        tables,
        notes,
        horizon: entries::date(horizon),
    })
}

#[cfg(test)]
mod tests;
