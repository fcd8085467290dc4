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
//! `perturbata` 9 (reserved for a future cell-key method, never produced yet),
//! `non_disponibile` -1 and `zero_strutturale` -2 (preset by the caller), `riservata` 0 (the
//! `--confidential` mode: nothing is suppressed, but unprotected tables stay recognisable),
//! `pubblico` 2 (preset by the caller: a value its publisher has already released, such as the
//! INPS open data; shown, never suppressed again nor withheld to protect another cell).
//!
//! Differencing (art. 5 (e)): with margins published, a suppressed cell could be recovered by
//! subtracting published cells from a published total. On the additive relations of the table
//! (`total = Σ parts`, e.g. from [`cube_equations`]) a heuristic first suppresses, in every
//! relation left with a single suppressed member, one more published part (preferring one that
//! closes a cycle, then the smallest value). In three or more dimensions, or with "bridges" in
//! two, that is not enough, so an exact audit ([`audit`]) then checks with integer Gaussian
//! elimination that no suppressed cell is a linear combination of published ones; each cell it
//! finds is repaired by suppressing a hypercube through it (a null vector of the equations, so a
//! certain fix), else one more cell of its relations, until the audit finds none.
//!
//! Limits: only exact recovery is prevented: bounds (counts are ≥ 0) may still narrow a
//! suppressed cell to an interval; relations with other tables are covered only if passed
//! together; a linked group of unknowns over [`MAX_COMPONENT_UNKNOWNS`] or [`MAX_COMPONENT_WORK`]
//! is protected by the heuristic alone and counted as unaudited in the report; non-additive
//! measures (averages, distinct counts) get primary suppression only.

mod audit;
mod config;
mod cube;
mod system;

#[cfg(test)]
mod tests;

pub use audit::{audit, recoverable, Audit, MAX_COMPONENT_UNKNOWNS, MAX_COMPONENT_WORK};
pub use config::{DisclosureConfig, Dominance};
pub use cube::cube_equations;

use audit::AuditCache;
use cube::CubeIndex;
use rustc_hash::FxHashSet;
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
            Mode::Protected(rules) => rules.effective().0,
            Mode::Confidential => 0,
        }
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
    /// Reserved for a future cell-key perturbation; not produced yet.
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
            headline: false,
        }
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
}

/// What [`protect`] did, for logs and for the manifest of a published table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The table was released with `--confidential` (unprotected).
    pub confidential_mode: bool,
    pub cells: usize,
    pub ok: usize,
    pub suppressed_primary: usize,
    pub suppressed_secondary: usize,
    pub perturbed: usize,
    pub not_available: usize,
    pub structural_zero: usize,
    pub confidential: usize,
    /// Cells already public (open data), shown as released.
    pub public: usize,
    /// Additive equations taken into account.
    pub equations: usize,
    /// Secondary suppressions added because the exact audit found a recoverable cell.
    pub repairs: usize,
    /// Heuristic + audit rounds.
    pub rounds: usize,
    pub audited_components: usize,
    /// Groups of linked unknowns too large or too costly to audit exactly.
    pub unaudited_components: usize,
    pub unaudited_unknowns: usize,
    /// Suppressed cells still recoverable that no published cell could protect (their value is
    /// fixed by structural zeros or unavailable cells alone). Expected empty.
    pub irreparable: Vec<usize>,
}

impl Report {
    pub fn count(&self, status: Status) -> usize {
        match status {
            Status::Ok => self.ok,
            Status::SuppressedPrimary => self.suppressed_primary,
            Status::SuppressedSecondary => self.suppressed_secondary,
            Status::Perturbed => self.perturbed,
            Status::NotAvailable => self.not_available,
            Status::StructuralZero => self.structural_zero,
            Status::Confidential => self.confidential,
            Status::Public => self.public,
        }
    }

    fn tally(&mut self, status: &[Status]) {
        self.cells = status.len();
        for s in status {
            let slot = match s {
                Status::Ok => &mut self.ok,
                Status::SuppressedPrimary => &mut self.suppressed_primary,
                Status::SuppressedSecondary => &mut self.suppressed_secondary,
                Status::Perturbed => &mut self.perturbed,
                Status::NotAvailable => &mut self.not_available,
                Status::StructuralZero => &mut self.structural_zero,
                Status::Confidential => &mut self.confidential,
                Status::Public => &mut self.public,
            };
            *slot += 1;
        }
    }
}

/// Italian thousands separator: 1234567 → "1.234.567".
fn migliaia(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = migliaia;
        write!(f, "celle {}: ", m(self.cells))?;
        if self.confidential_mode {
            write!(f, "riservate {} (tabella NON protetta)", m(self.confidential))?;
        } else {
            write!(
                f,
                "ok {}, soppresse primarie {}, soppresse secondarie {}",
                m(self.ok),
                m(self.suppressed_primary),
                m(self.suppressed_secondary)
            )?;
            if self.repairs > 0 {
                write!(f, " (di cui {} dalla verifica esatta)", m(self.repairs))?;
            }
        }
        for (n, label) in [
            (self.perturbed, "perturbate"),
            (self.not_available, "non disponibili"),
            (self.structural_zero, "zeri strutturali"),
            (self.public, "già pubbliche (dati aperti)"),
        ] {
            if n > 0 {
                write!(f, ", {label} {}", m(n))?;
            }
        }
        if !self.confidential_mode && self.equations > 0 {
            write!(
                f,
                "; verifica esatta: componenti verificate {}, non verificate {}",
                m(self.audited_components),
                m(self.unaudited_components)
            )?;
            if self.unaudited_components > 0 {
                write!(f, " ({} incognite)", m(self.unaudited_unknowns))?;
            }
            if !self.irreparable.is_empty() {
                write!(
                    f,
                    "; ATTENZIONE: {} celle soppresse restano deducibili",
                    m(self.irreparable.len())
                )?;
            }
        }
        Ok(())
    }
}

/// Applies primary suppression, then secondary suppression on the additive equations so that no
/// suppressed cell can be recovered exactly by any linear combination of published cells, then
/// audits the result exactly. Equations with a non-additive member are ignored.
///
/// # Panics
/// If an equation refers to a cell index out of range (a bug in the caller).
pub fn protect(cells: &[Cell], equations: &[Equation], mode: &Mode) -> Protection {
    let rules = match mode {
        Mode::Confidential => return confidential(cells),
        Mode::Protected(rules) => rules,
    };
    let mut status: Vec<Status> = cells.iter().map(|c| primary_status(c, rules)).collect();
    let system = System::new(cells, equations);
    let mut report = Report {
        equations: system.n_equations(),
        ..Report::default()
    };
    let mut secondary = Secondary::new(&system, cells, &status);
    // Cells tied to other measures by identities (saldo = attivazioni - cessazioni + ...) get
    // their hypercube first (the HYPERCUBE method of tau-ARGUS), carried over to the measures
    // the identities tie them to: a whole null vector of the equations at once. Partner by
    // partner, the heuristic below spreads much further across such rows (measured on a
    // settore x contratto table of the demo: 274 -> 171 secondary cells). Tables with margins
    // only keep the heuristic's pattern.
    let tied = |i: usize| {
        system.equations_of(i).iter().any(|&e| {
            system
                .members(e)
                .iter()
                .any(|m| cells[m.cell].measure != cells[i].measure)
        })
    };
    let primaries: Vec<usize> = (0..cells.len())
        .filter(|&i| status[i] == Status::SuppressedPrimary && tied(i))
        .collect();
    if !primaries.is_empty() {
        secondary.repair(&mut status, &primaries);
    }
    let mut cache = AuditCache::default();
    loop {
        report.rounds += 1;
        secondary.run(&mut status);
        let found = audit::audit_system(&system, &status, &mut cache);
        report.audited_components = found.audited_components;
        report.unaudited_components = found.unaudited_components;
        report.unaudited_unknowns = found.unaudited_unknowns;
        if found.recoverable.is_empty() {
            break;
        }
        let (repaired, irreparable) = secondary.repair(&mut status, &found.recoverable);
        report.repairs += repaired;
        if repaired == 0 {
            report.irreparable = irreparable;
            break;
        }
    }
    report.tally(&status);
    Protection { status, report }
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
    Protection { status, report }
}

/// The single-equation heuristic: an equation with exactly one unknown member gives it away, so
/// while one exists whose unknown is a suppressed cell, one more published member is suppressed.
/// Equations are handled lowest index first, which makes the result reproducible.
struct Secondary<'a> {
    system: &'a System,
    cells: &'a [Cell],
    /// Built at the first repair: most tables need none.
    cube: Option<CubeIndex>,
    unknowns: Vec<u32>,
    pending: std::collections::BinaryHeap<std::cmp::Reverse<usize>>,
}

impl<'a> Secondary<'a> {
    fn new(system: &'a System, cells: &'a [Cell], status: &[Status]) -> Secondary<'a> {
        let mut unknowns = vec![0u32; system.n_equations()];
        let mut pending = std::collections::BinaryHeap::new();
        for (e, count) in unknowns.iter_mut().enumerate() {
            *count = system.members(e).iter().filter(|m| !status[m.cell].is_known()).count() as u32;
            if *count == 1 {
                pending.push(std::cmp::Reverse(e));
            }
        }
        Secondary {
            system,
            cells,
            cube: None,
            unknowns,
            pending,
        }
    }

    fn suppress(&mut self, cell: usize, status: &mut [Status]) {
        debug_assert!(status[cell].can_withhold());
        status[cell] = Status::SuppressedSecondary;
        for &e in self.system.equations_of(cell) {
            self.unknowns[e] += 1;
            if self.unknowns[e] == 1 {
                self.pending.push(std::cmp::Reverse(e));
            }
        }
    }

    fn run(&mut self, status: &mut [Status]) {
        while let Some(std::cmp::Reverse(e)) = self.pending.pop() {
            if self.unknowns[e] != 1 {
                continue;
            }
            let lone = self.system.members(e).iter().find(|m| !status[m.cell].is_known());
            if !lone.is_some_and(|m| status[m.cell].is_suppressed()) {
                continue;
            }
            if let Some(c) = self.choose(e, status) {
                self.suppress(c, status);
            }
        }
    }

    /// The published member to sacrifice: never a headline cell if another will do; a part rather
    /// than the total; among parts, one whose
    /// other equations already have an unknown (it closes a cycle instead of starting a new
    /// singleton), then the smallest |value| > 0, then a zero-valued part; ties by lowest index.
    fn choose(&self, e: usize, status: &[Status]) -> Option<usize> {
        self.system
            .members(e)
            .iter()
            .filter(|m| status[m.cell].can_withhold())
            .map(|m| {
                let v = self.cells[m.cell].value.unwrap_or(0.0).abs();
                let opens = self
                    .system
                    .equations_of(m.cell)
                    .iter()
                    .any(|&f| f != e && self.unknowns[f] == 0);
                // Margins last (a total is what readers look at first), then cells whose
                // suppression leaves no equation with a lone unknown, non-zero, smallest. For an
                // identity between measures of one cell the members are alike, so the smallest
                // wins (a saldo of 3, not the 300 attivazioni behind it).
                let margin = self.cells[m.cell].key.iter().any(Option::is_none);
                let headline = self.cells[m.cell].headline;
                ((headline, margin, opens, v == 0.0), v, m.cell)
            })
            .min_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)))
            .map(|(_, _, cell)| cell)
    }

    /// For every recoverable cell: if it lies in a cube, suppresses the published cells of the
    /// cheapest hypercube through it (which protects it for good against the cube's equations);
    /// otherwise, or if that adds nothing, one more published member of one of its equations
    /// (lowest index with a candidate; at most one per equation per round; a cell whose own
    /// equations have no candidate borrows one from its connected group). Returns the number of
    /// suppressions and the cells that could not be protected.
    fn repair(&mut self, status: &mut [Status], recoverable: &[usize]) -> (usize, Vec<usize>) {
        let cube = self.cube.get_or_insert_with(|| CubeIndex::for_hypercubes(self.cells));
        let mut covered: FxHashSet<usize> = FxHashSet::default();
        let mut hypercubes: Vec<usize> = Vec::new();
        let mut fallback: Vec<usize> = Vec::new();
        for &u in recoverable {
            if covered.contains(&u) {
                continue;
            }
            // The proposal is applied only if it is a null vector of the equations actually
            // given, which may be more (or other) than the cube's.
            let system = self.system;
            let proposal = cube.hypercube(u, self.cells, status).and_then(|members| {
                if system.is_null_vector(&members) {
                    Some(members)
                } else {
                    // Identities between measures: carry the pattern over to other measures.
                    cube.across_measures(&members, self.cells, status, system)
                }
            });
            match proposal {
                Some(members) if members.iter().any(|&(c, _)| status[c].can_withhold()) => {
                    for &(c, _) in &members {
                        if status[c].can_withhold() {
                            // Marked now so that the next hypercube counts it as free.
                            status[c] = Status::SuppressedSecondary;
                            hypercubes.push(c);
                        }
                    }
                    covered.extend(members.iter().map(|&(c, _)| c));
                }
                _ => fallback.push(u),
            }
        }
        for &c in &hypercubes {
            status[c] = Status::Ok;
            self.suppress(c, status);
        }
        let mut repaired = hypercubes.len();
        let mut touched: FxHashSet<usize> = FxHashSet::default();
        let mut irreparable = Vec::new();
        for u in fallback {
            let own = self.system.equations_of(u);
            if own.iter().any(|e| touched.contains(e)) {
                continue;
            }
            let group;
            let candidates: &[usize] = if own.iter().any(|&e| self.choose(e, status).is_some()) {
                own
            } else {
                group = self.group_equations(u, status);
                &group
            };
            // The first equation with a candidate, unless only a headline cell would do there.
            let pick = candidates
                .iter()
                .filter_map(|&e| self.choose(e, status).map(|c| (e, c)))
                .min_by_key(|&(_, c)| self.cells[c].headline);
            match pick {
                Some((e, c)) => {
                    self.suppress(c, status);
                    touched.insert(e);
                    repaired += 1;
                }
                None => irreparable.push(u),
            }
        }
        (repaired, irreparable)
    }

    /// The equations reachable from `u` through unknown cells, sorted.
    fn group_equations(&self, u: usize, status: &[Status]) -> Vec<usize> {
        let mut seen_cells: FxHashSet<usize> = FxHashSet::default();
        let mut seen_eqs: FxHashSet<usize> = FxHashSet::default();
        let mut stack = vec![u];
        seen_cells.insert(u);
        while let Some(c) = stack.pop() {
            for &e in self.system.equations_of(c) {
                if !seen_eqs.insert(e) {
                    continue;
                }
                for m in self.system.members(e) {
                    if !status[m.cell].is_known() && seen_cells.insert(m.cell) {
                        stack.push(m.cell);
                    }
                }
            }
        }
        let mut eqs: Vec<usize> = seen_eqs.into_iter().collect();
        eqs.sort_unstable();
        eqs
    }
}
