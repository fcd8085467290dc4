//! What [`super::protect`] did: counts by status, the audits, and what was published.

use super::interval::Interval;
use super::{primary_status, Cell, DisclosureConfig, Status};
use serde::Serialize;
use std::fmt;

/// What [`protect`] did, for logs and for the manifest of a published table.
/// How the cells were protected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub enum Method {
    /// Nothing to protect against (no relation among the cells), or `--confidential`.
    #[default]
    #[serde(rename = "nessuna")]
    None,
    /// Secondary cells chosen by linear programs until every primary cell has its feasibility
    /// interval (interval protection).
    #[serde(rename = "soppressione_intervalli")]
    Intervals,
    /// The heuristic for tables too large for the programs: exact recovery prevented, intervals
    /// not checked.
    #[serde(rename = "soppressione_euristica")]
    Heuristic,
    /// The cell-key method: every count perturbed, nothing suppressed for differencing.
    #[serde(rename = "chiave_di_cella")]
    CellKey,
}

impl Method {
    /// For a table's notes, in Italian.
    pub fn description(&self) -> &'static str {
        match self {
            Method::None => "soglia sui contributori",
            Method::Intervals => {
                "soglia sui contributori e soppressione secondaria con protezione per intervalli (programmazione lineare)"
            }
            Method::Heuristic => "soglia sui contributori e soppressione secondaria euristica con verifica esatta",
            Method::CellKey => "perturbazione con chiave di cella (nessuna soppressione secondaria)",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    pub method: Method,
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
    /// Cells that pass the primary rules (publishable on their own).
    pub meeting_threshold: usize,
    /// Σ |value| of all cells with a value, and of the published ones.
    pub value_total: f64,
    pub value_published: f64,
    /// Linear programs solved (interval protection).
    pub programs: usize,
    /// Primary cells whose feasibility interval was computed, and those short of their
    /// protection levels (pinned by cells that cannot be withheld; expected empty).
    pub intervals_checked: usize,
    /// Primary cells whose level the table's structure caps (known zeros, identities, cells that
    /// cannot be withheld): protected as far as it allows.
    pub capped: usize,
    pub unprotected: Vec<usize>,
    /// The narrowest feasibility interval found (upper − lower) and the width its cell required:
    /// widths only, since the bounds would tell a suppressed value.
    pub narrowest_width: Option<f64>,
    pub narrowest_required: Option<f64>,
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

    /// Records an interval of the audit, keeping the narrowest.
    pub(crate) fn record_interval(&mut self, interval: &Interval) {
        self.intervals_checked += 1;
        if !interval.is_protected() {
            self.unprotected.push(interval.cell);
        }
        if self.narrowest_width.is_none_or(|w| interval.width() < w) {
            self.narrowest_width = Some(interval.width());
            self.narrowest_required = Some(interval.required_upper - interval.required_lower);
        }
    }

    /// Share of the cells meeting the threshold that are published (1 when none meets it).
    pub fn published_share(&self) -> f64 {
        let published = self.ok + self.perturbed + self.public + self.confidential;
        if self.meeting_threshold == 0 {
            1.0
        } else {
            published as f64 / self.meeting_threshold as f64
        }
    }

    /// Share of Σ |value| that is published (1 for a table of zeros).
    pub fn value_published_share(&self) -> f64 {
        if self.value_total > 0.0 {
            self.value_published / self.value_total
        } else {
            1.0
        }
    }

    /// Counts the cells meeting the threshold and the value published.
    pub(crate) fn measure_publication(&mut self, cells: &[Cell], rules: &DisclosureConfig, status: &[Status]) {
        self.meeting_threshold = cells.iter().filter(|c| primary_status(c, rules).is_published()).count();
        for (c, s) in cells.iter().zip(status) {
            let v = c.value.filter(|v| v.is_finite()).map_or(0.0, f64::abs);
            self.value_total += v;
            if s.is_published() {
                self.value_published += v;
            }
        }
    }

    pub(crate) fn tally(&mut self, status: &[Status]) {
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
pub(crate) fn migliaia(n: usize) -> String {
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
        } else if self.method == Method::CellKey {
            write!(
                f,
                "chiave di cella (conteggi con rumore coerente, deviazione massima ±2, mai 1 o 2, zeri invariati): \
                 ok {} (zeri), non pubblicate {} (rapporti, medie e grandezze, calcolati dai valori veri: \
                 si ricalcolano dai conteggi perturbati)",
                m(self.ok),
                m(self.suppressed_secondary)
            )?;
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
            write!(
                f,
                "; pubblicate {} delle {} celle sopra soglia ({:.1}%), valore pubblicato {:.1}%",
                m(self.ok + self.perturbed + self.public),
                m(self.meeting_threshold),
                100.0 * self.published_share(),
                100.0 * self.value_published_share()
            )?;
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
            if self.intervals_checked > 0 {
                write!(f, "; intervalli verificati {}", m(self.intervals_checked))?;
                if let (Some(w), Some(r)) = (self.narrowest_width, self.narrowest_required) {
                    write!(f, ", il più stretto largo {w:.0} (richiesti {r:.0})")?;
                }
                if self.capped > 0 {
                    write!(
                        f,
                        ", {} con livello limitato dalla struttura della tavola",
                        m(self.capped)
                    )?;
                }
                if !self.unprotected.is_empty() {
                    write!(
                        f,
                        "; ATTENZIONE: {} celle sotto la protezione richiesta",
                        m(self.unprotected.len())
                    )?;
                }
            }
            if !self.irreparable.is_empty() {
                write!(
                    f,
                    "; ATTENZIONE: {} celle soppresse restano deducibili",
                    m(self.irreparable.len())
                )?;
            }
        }
        if matches!(self.method, Method::Intervals | Method::Heuristic) {
            write!(f, "; metodo: {}", self.method.description())?;
        }
        Ok(())
    }
}
