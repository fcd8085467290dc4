//! Statistical disclosure control for published tables.
//!
//! Rule (SISTAN, Regole deontologiche art. 5, and project rule): a cell is published only if at
//! least `min_workers` distinct workers AND `min_employers` distinct employers contribute to it;
//! both thresholds are 3 by default and can be raised, never lowered below 3. A table of records
//! that have no employer (DID, mobility lists) has only the threshold on workers. An empty cell
//! (value 0, no contributor) is not sensitive and is published.
//!
//! Every cell carries a status (QWI-style code + Italian label): `ok` 1, `soppressa_primaria` 5
//! (fails the rule), `soppressa_secondaria` 4 (suppressed only to stop differencing),
//! `perturbata` 9 (published with the noise of the cell-key method, [`ptable`]),
//! `non_disponibile` -1 and `zero_strutturale` -2 (preset by the caller), `riservata` 0 (the
//! `--confidential` mode: nothing is suppressed, but unprotected tables stay recognisable),
//! `pubblico` 2 (preset by the caller: a value its publisher has already released, such as the
//! INPS open data; shown, never suppressed again nor withheld to protect another cell).
//!
//! Differencing (art. 5 (e)): with margins published, a suppressed cell could be recovered, or
//! narrowed, by subtracting published cells from a published total. Three methods
//! (docs/riservatezza.md states the rules, the guarantees and the figures):
//! - **interval protection** (default, `interval.rs`): on the additive relations of the table
//!   (`total = Σ parts`, e.g. from [`cube_equations`], and the identities between measures),
//!   secondary cells are chosen by linear programs so that no primary cell can be narrowed below
//!   ±the protection level ([`DisclosureConfig::protection_level`]) knowing that counts are
//!   ≥ 0; each guarantee is a certificate re-checked exactly on the final statuses, and the exact
//!   audit ([`audit`], integer Gaussian elimination) confirms that no suppressed cell is a linear
//!   combination of published ones;
//! - **the heuristic** (`heuristic.rs`, `Suppression::Heuristic`, and for tables over
//!   [`MAX_PROGRAM_CELLS`] or [`MAX_PROGRAM_WORK`]): single relations first, then hypercubes
//!   where the exact audit finds a recoverable cell; it prevents exact recovery only;
//! - **the cell-key method** ([`Mode::CellKey`], `cellkey.rs`, [`ptable`]): counts are published
//!   with a consistent noise, nothing is suppressed to stop differencing.
//!
//! Limits: relations with other tables are covered only if passed together; a linked group of
//! unknowns over [`MAX_COMPONENT_UNKNOWNS`] or [`MAX_COMPONENT_WORK`] is not audited exactly and
//! is counted as unaudited in the report; non-additive measures (averages, distinct counts) get
//! primary suppression only (and are withheld under the cell-key method).

mod audit;
mod cellkey;
mod config;
mod cube;
mod heuristic;
mod interval;
pub mod ptable;
mod reduced;
mod report;
mod system;

#[cfg(test)]
mod interval_tests;
#[cfg(test)]
mod tests;

pub use audit::{audit, recoverable, Audit, MAX_COMPONENT_UNKNOWNS, MAX_COMPONENT_WORK};
pub use config::{DisclosureConfig, Dominance, Suppression};
pub use cube::cube_equations;
pub use interval::{Interval, MAX_PROGRAM_CELLS, MAX_PROGRAM_WORK};
pub use report::{Method, Report};

use serde::Serialize;
use std::fmt;
use system::System;

/// The legal minimum frequency of a published cell (art. 5).
pub const MIN_THRESHOLD: u64 = 3;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SdcError {
    #[error("the threshold on distinct {what} is {value}: it cannot be below {MIN_THRESHOLD}")]
    ThresholdTooLow { what: &'static str, value: u64 },
    #[error("{0:?} is not a dominance rule: use N,K (N = 1 or 2 largest contributors, K % of the cell, 50–100; also nk:N,K), P% (P % of the largest, 1–100; also p:P) or no")]
    Dominance(String),
}

/// How a table is released.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Protected(DisclosureConfig),
    /// `--sdc cellkey`: counts perturbed by the cell-key method ([`ptable`]), nothing suppressed
    /// to stop differencing; rates, averages and magnitudes computed from the true values are
    /// withheld (`cellkey.rs`).
    CellKey(DisclosureConfig, CellKeySalt),
    /// `--confidential`: for the analyst's own use; nothing is suppressed, every cell is
    /// labelled `riservata` so the table cannot pass for a protected one.
    Confidential,
}

impl Mode {
    /// The distinct workers a published cell needs: the threshold (never below the legal
    /// minimum), or 0 for a confidential release. For tables whose cells are not plain counts
    /// (estimates, curves) and apply the rule themselves.
    pub fn worker_threshold(&self) -> u64 {
        match self {
            Mode::Protected(rules) | Mode::CellKey(rules, _) => rules.effective().0,
            Mode::Confidential => 0,
        }
    }
}

/// The secret the record keys of the cell-key method derive from (from the lake's key, see
/// `privacy::Key::cell_key_salt`): a record key is `md5(salt ‖ pseudonym)`, so nobody without
/// the key can compute the noise of a cell from the pseudonymised data.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct CellKeySalt(pub [u8; 16]);

impl CellKeySalt {
    pub fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl fmt::Debug for CellKeySalt {
    /// Never printed: it is a secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CellKeySalt(…)")
    }
}

impl Default for Mode {
    fn default() -> Self {
        Mode::Protected(DisclosureConfig::default())
    }
}

/// The status flag of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Status {
    #[serde(rename = "ok")]
    Ok,
    #[serde(rename = "soppressa_primaria")]
    SuppressedPrimary,
    #[serde(rename = "soppressa_secondaria")]
    SuppressedSecondary,
    /// Published with the noise of the cell-key method (`--sdc cellkey`).
    #[serde(rename = "perturbata")]
    Perturbed,
    #[serde(rename = "non_disponibile")]
    NotAvailable,
    #[serde(rename = "zero_strutturale")]
    StructuralZero,
    /// Only in [`Mode::Confidential`]: published without protection.
    #[serde(rename = "riservata")]
    Confidential,
    /// Already released by its publisher (open data): shown as is, never suppressed, never
    /// withheld to protect another cell (preset by the caller).
    #[serde(rename = "pubblico")]
    Public,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Ok,
        Status::SuppressedPrimary,
        Status::SuppressedSecondary,
        Status::Perturbed,
        Status::NotAvailable,
        Status::StructuralZero,
        Status::Confidential,
        Status::Public,
    ];

    pub fn code(&self) -> i32 {
        match self {
            Status::Ok => 1,
            Status::SuppressedPrimary => 5,
            Status::SuppressedSecondary => 4,
            Status::Perturbed => 9,
            Status::NotAvailable => -1,
            Status::StructuralZero => -2,
            Status::Confidential => 0,
            Status::Public => 2,
        }
    }

    pub fn from_code(code: i32) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The status of a label written by [`Status::label`] (a CSV's `stato` column).
    pub fn from_label(label: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.label() == label)
    }

    pub fn label(&self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::SuppressedPrimary => "soppressa_primaria",
            Status::SuppressedSecondary => "soppressa_secondaria",
            Status::Perturbed => "perturbata",
            Status::NotAvailable => "non_disponibile",
            Status::StructuralZero => "zero_strutturale",
            Status::Confidential => "riservata",
            Status::Public => "pubblico",
        }
    }

    /// Whether the value is shown in the output.
    pub fn is_published(&self) -> bool {
        matches!(
            self,
            Status::Ok | Status::Perturbed | Status::Confidential | Status::Public
        )
    }

    /// Whether secondary suppression may withhold the cell to protect another: a published cell
    /// that is not already public.
    pub fn can_withhold(&self) -> bool {
        matches!(self, Status::Ok | Status::Perturbed)
    }

    pub fn is_suppressed(&self) -> bool {
        matches!(self, Status::SuppressedPrimary | Status::SuppressedSecondary)
    }

    /// Whether a reader knows the value: published, or zero by construction.
    pub fn is_known(&self) -> bool {
        self.is_published() || *self == Status::StructuralZero
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One cell of a long-format table: its key (one entry per dimension, None = the total over that
/// dimension, i.e. a margin cell as produced by GROUP BY CUBE / GROUPING SETS), the measure name,
/// the value, the distinct contributors, whether the measure is additive (counts, days: a total is
/// the sum of its parts) and an optional preset status (NotAvailable / StructuralZero).
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub key: Vec<Option<String>>,
    pub measure: String,
    pub value: Option<f64>,
    pub n_workers: u64,
    /// None: the records behind the cell have no employer (DID, mobility lists), so only the
    /// threshold on workers applies.
    pub n_employers: Option<u64>,
    pub additive: bool,
    pub preset: Option<Status>,
    /// For a magnitude (hours, days, amounts): the two largest contributions of single
    /// employers to the value (the second 0 with one contributor), for the dominance rule.
    pub top: Option<[f64; 2]>,
    /// The cell key of the cell-key method: the fractional part of the sum of its contributors'
    /// record keys (SQL macro `oml_chiave_cella`), None where the table has none.
    pub cell_key: Option<f64>,
    /// The measure can be negative (a saldo): interval protection puts no floor under it.
    pub signed: bool,
    /// A cell readers look at first (a bulletin's main monthly series): secondary suppression
    /// withholds it only when no other published cell closes the gap.
    pub headline: bool,
}

impl Cell {
    /// An additive cell without preset.
    pub fn new(key: Vec<Option<String>>, measure: &str, value: f64, n_workers: u64, n_employers: u64) -> Cell {
        Cell {
            key,
            measure: measure.to_string(),
            value: Some(value),
            n_workers,
            n_employers: Some(n_employers),
            additive: true,
            preset: None,
            top: None,
            cell_key: None,
            signed: false,
            headline: false,
        }
    }

    /// A measure that can be negative (saldo, variazione).
    pub fn signed(mut self) -> Cell {
        self.signed = true;
        self
    }

    /// A magnitude cell with its two largest employer contributions (dominance rule).
    pub fn with_top(mut self, largest: f64, second: f64) -> Cell {
        self.top = Some([largest, second]);
        self
    }

    /// A cell of records without employers (DID, mobility lists): the threshold on employers
    /// does not apply.
    pub fn without_employers(mut self) -> Cell {
        self.n_employers = None;
        self
    }

    pub fn non_additive(mut self) -> Cell {
        self.additive = false;
        self
    }

    pub fn with_preset(mut self, status: Status) -> Cell {
        self.preset = Some(status);
        self
    }
}

/// An additive relation among cells: cells[total] = Σ cells[parts] − Σ cells[minus]. Margins
/// relate cells of one measure (`minus` empty); identities between measures of one cell (saldo =
/// attivazioni − cessazioni + …) need `minus`, and leak a withheld member just the same.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Equation {
    pub total: usize,
    pub parts: Vec<usize>,
    pub minus: Vec<usize>,
}

impl Equation {
    /// total = Σ parts.
    pub fn sum(total: usize, parts: Vec<usize>) -> Equation {
        Equation {
            total,
            parts,
            minus: Vec::new(),
        }
    }
}

/// The primary rules for one cell: the threshold on contributors and, for a magnitude cell, the
/// dominance rule.
pub fn primary_status(cell: &Cell, rules: &DisclosureConfig) -> Status {
    if let Some(preset) = cell.preset {
        return preset;
    }
    let Some(value) = cell.value.filter(|v| v.is_finite()) else {
        return Status::NotAvailable;
    };
    if value == 0.0 && cell.n_workers == 0 && cell.n_employers.unwrap_or(0) == 0 {
        return Status::Ok;
    }
    let (min_w, min_e) = rules.effective();
    let dominated = cell.top.is_some_and(|top| rules.dominance.is_sensitive(value, top));
    let few_employers = cell.n_employers.is_some_and(|n| n < min_e);
    if cell.n_workers < min_w || few_employers || dominated {
        Status::SuppressedPrimary
    } else {
        Status::Ok
    }
}

/// The statuses and what was done.
#[derive(Debug, Clone, PartialEq)]
pub struct Protection {
    pub status: Vec<Status>,
    pub report: Report,
    /// The published value of each perturbed cell (cell-key method), by cell index.
    pub perturbed: Vec<(usize, f64)>,
}

/// Applies primary suppression, then secondary suppression on the additive equations so that no
/// suppressed cell can be recovered exactly by any linear combination of published cells, then
/// audits the result exactly. Equations with a non-additive member are ignored.
///
/// # Panics
/// If an equation refers to a cell index out of range (a bug in the caller).
pub fn protect(cells: &[Cell], equations: &[Equation], mode: &Mode) -> Protection {
    protect_with(cells, equations, mode, None)
}

/// [`protect`] with the secondary suppression forced (tests): None chooses by size.
pub(crate) fn protect_with(cells: &[Cell], equations: &[Equation], mode: &Mode, method: Option<Method>) -> Protection {
    let rules = match mode {
        Mode::Confidential => return confidential(cells),
        Mode::CellKey(rules, _) => {
            return perturb(cells, equations, rules).unwrap_or_else(|cell| {
                panic!("sdc: --sdc cellkey needs a cell key on every count, {cell} has none (check with sdc::perturb)")
            })
        }
        Mode::Protected(rules) => rules,
    };
    let mut status: Vec<Status> = cells.iter().map(|c| primary_status(c, rules)).collect();
    let system = System::new(cells, equations);
    let mut report = Report {
        equations: system.n_equations(),
        ..Report::default()
    };
    let programs = interval::Programs::new(&system, interval::Bounds::for_rules(cells, rules));
    let primaries = status.iter().filter(|s| **s == Status::SuppressedPrimary).count();
    let by_size = if rules.suppression == Suppression::Intervals && programs.affordable(primaries) {
        Method::Intervals
    } else {
        Method::Heuristic
    };
    if method.unwrap_or(by_size) == Method::Intervals {
        report.method = Method::Intervals;
        interval::suppress(&programs, cells, &mut status, &mut report);
    } else {
        report.method = Method::Heuristic;
        heuristic::suppress(&system, cells, &mut status, &mut report);
    }
    report.measure_publication(cells, rules, &status);
    report.tally(&status);
    Protection {
        status,
        report,
        perturbed: Vec::new(),
    }
}

/// The cell-key method with the default perturbation table (D = 2, V = 1, no 1s and 2s):
/// see [`ptable`]. Err names a count without a cell key.
pub fn perturb(cells: &[Cell], equations: &[Equation], rules: &DisclosureConfig) -> Result<Protection, String> {
    let table = ptable::PTable::new(ptable::PTableParams::default()).expect("the default parameters are valid");
    cellkey::perturb(cells, equations, rules, &table)
}

/// The intruder's feasibility interval of every suppressed primary cell that takes part in an
/// additive relation (two linear programs each): an audit independent of how the statuses were
/// chosen, with the protection levels of `rules`. Cells in no relation are never narrowed and
/// are left out.
pub fn intervals(cells: &[Cell], equations: &[Equation], status: &[Status], rules: &DisclosureConfig) -> Vec<Interval> {
    assert_eq!(cells.len(), status.len(), "sdc: one status per cell");
    let system = System::new(cells, equations);
    let programs = interval::Programs::new(&system, interval::Bounds::for_rules(cells, rules));
    (0..cells.len())
        .filter(|&c| status[c] == Status::SuppressedPrimary && !system.equations_of(c).is_empty())
        .map(|c| programs.interval(c, status))
        .collect()
}

fn confidential(cells: &[Cell]) -> Protection {
    let status: Vec<Status> = cells
        .iter()
        .map(|c| match c.preset {
            Some(s @ (Status::NotAvailable | Status::StructuralZero | Status::Public)) => s,
            _ if c.value.is_some_and(|v| v.is_finite()) => Status::Confidential,
            _ => Status::NotAvailable,
        })
        .collect();
    let mut report = Report {
        confidential_mode: true,
        ..Report::default()
    };
    report.tally(&status);
    Protection {
        status,
        report,
        perturbed: Vec::new(),
    }
}
