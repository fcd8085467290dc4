//! The rules a published cell must meet, in one place: the thresholds on contributors
//! ([`DisclosureConfig`], never below [`MIN_THRESHOLD`]) and the dominance rule for magnitudes
//! ([`Dominance`]).

use super::{SdcError, MIN_THRESHOLD};
use serde::Serialize;
use std::fmt;

/// The dominance rule for magnitudes (hours, days, amounts), applied to the employers'
/// contributions to a cell on top of the threshold on contributors (DOMAIN.md §8.3–8.4; ESS
/// Handbook on SDC, 2024): a cell is sensitive when its largest contributors make up too much of
/// it, because each of them could then estimate the others closely. It applies to the cells that
/// carry their two largest contributions ([`Cell::with_top`]); counts of people carry none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Dominance {
    /// (n, k): the `n` largest contributions (1 or 2) exceed `k` % of the cell.
    NK { n: u8, k: u8 },
    /// p %: what the other contributors add beyond the two largest is under `p` % of the
    /// largest (the second largest could estimate the largest within p %).
    P { p: u8 },
    /// No dominance rule (the threshold alone).
    None,
}

impl Default for Dominance {
    /// (2, 85): the recommendation of DOMAIN.md §8.4 and sdcTable's default.
    fn default() -> Self {
        Dominance::NK { n: 2, k: 85 }
    }
}

impl Dominance {
    /// Whether a cell of value `total` whose two largest contributions are `top` is sensitive.
    pub fn is_sensitive(self, total: f64, top: [f64; 2]) -> bool {
        let [x1, x2] = top;
        if total <= 0.0 {
            return false;
        }
        match self {
            Dominance::NK { n, k } => {
                let largest = if n >= 2 { x1 + x2 } else { x1 };
                largest > f64::from(k) / 100.0 * total
            }
            Dominance::P { p } => total - x1 - x2 < f64::from(p) / 100.0 * x1,
            Dominance::None => false,
        }
    }
}

impl fmt::Display for Dominance {
    /// `2,85`, `80%`, `no`: the form `--dominanza` takes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dominance::NK { n, k } => write!(f, "{n},{k}"),
            Dominance::P { p } => write!(f, "{p}%"),
            Dominance::None => f.write_str("no"),
        }
    }
}

impl std::str::FromStr for Dominance {
    type Err = SdcError;

    /// `2,85` (or `nk:2,85`), `80%` (or `p:80`), `no` (or `none`).
    fn from_str(s: &str) -> Result<Dominance, SdcError> {
        let bad = || SdcError::Dominance(s.to_string());
        let t = s.trim().to_ascii_lowercase();
        if t == "none" || t == "no" {
            return Ok(Dominance::None);
        }
        let t = match t.strip_suffix('%') {
            Some(p) if !p.contains(':') => format!("p:{p}"),
            _ => t,
        };
        let t = if t.contains(',') && !t.starts_with("nk:") {
            format!("nk:{t}")
        } else {
            t
        };
        if let Some(rest) = t.strip_prefix("nk:") {
            let (n, k) = rest.split_once(',').ok_or_else(bad)?;
            let n: u8 = n.trim().parse().map_err(|_| bad())?;
            let k: u8 = k.trim().parse().map_err(|_| bad())?;
            return if (1..=2).contains(&n) && (50..=100).contains(&k) {
                Ok(Dominance::NK { n, k })
            } else {
                Err(bad())
            };
        }
        if let Some(p) = t.strip_prefix("p:") {
            let p: u8 = p.trim().parse().map_err(|_| bad())?;
            return if (1..=100).contains(&p) {
                Ok(Dominance::P { p })
            } else {
                Err(bad())
            };
        }
        Err(bad())
    }
}

/// How secondary cells are chosen (`--sdc soppressione|euristica`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub enum Suppression {
    /// Interval protection by linear programs (the default); tables whose largest linked group
    /// of cells exceeds [`super::MAX_PROGRAM_CELLS`], or whose programs would cost more than
    /// [`super::MAX_PROGRAM_WORK`], fall back to the heuristic (the report says which was used).
    #[default]
    Intervals,
    /// The heuristic with the exact audit: no cell can be recovered exactly, intervals are not
    /// checked. Faster on very large tables.
    Heuristic,
}

/// The disclosure configuration, the one home of the thresholds and their default (used by
/// `oml indicators`, `oml bulletin`, pipeline files and the marts). Construct with
/// [`DisclosureConfig::new`] to validate; [`protect`] also never applies a threshold below
/// [`MIN_THRESHOLD`], whatever the fields say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DisclosureConfig {
    pub min_workers: u64,
    pub min_employers: u64,
    /// The dominance rule for magnitude cells (default (2, 85)).
    pub dominance: Dominance,
    /// Interval protection: how far from its value (±) an intruder must be unable to pin a
    /// suppressed primary cell. None: the worker threshold.
    pub protection: Option<u64>,
    /// For magnitudes (cells with their largest contributions): at least this percentage of the
    /// value (default 10 [I]: a common choice with the p % rule; ESS Handbook §4.3).
    pub protection_pct: u8,
    /// How secondary cells are chosen.
    pub suppression: Suppression,
}

impl Default for DisclosureConfig {
    fn default() -> Self {
        DisclosureConfig {
            min_workers: MIN_THRESHOLD,
            min_employers: MIN_THRESHOLD,
            dominance: Dominance::default(),
            protection: None,
            protection_pct: DEFAULT_PROTECTION_PCT,
            suppression: Suppression::default(),
        }
    }
}

/// The default relative protection of magnitudes, percent.
pub const DEFAULT_PROTECTION_PCT: u8 = 10;

impl DisclosureConfig {
    pub fn new(min_workers: u64, min_employers: u64) -> Result<DisclosureConfig, SdcError> {
        if min_workers < MIN_THRESHOLD {
            return Err(SdcError::ThresholdTooLow {
                what: "workers",
                value: min_workers,
            });
        }
        if min_employers < MIN_THRESHOLD {
            return Err(SdcError::ThresholdTooLow {
                what: "employers",
                value: min_employers,
            });
        }
        Ok(DisclosureConfig {
            min_workers,
            min_employers,
            ..DisclosureConfig::default()
        })
    }

    /// The same thresholds with another dominance rule.
    pub fn with_dominance(self, dominance: Dominance) -> DisclosureConfig {
        DisclosureConfig { dominance, ..self }
    }

    /// The same rules with another protection level (±, absolute).
    pub fn with_protection(self, protection: u64) -> DisclosureConfig {
        DisclosureConfig {
            protection: Some(protection),
            ..self
        }
    }

    /// The same rules with another choice of secondary cells.
    pub fn with_suppression(self, suppression: Suppression) -> DisclosureConfig {
        DisclosureConfig { suppression, ..self }
    }

    /// The protection level in force: the one given, else the worker threshold.
    pub fn protection_level(&self) -> u64 {
        self.protection.unwrap_or(self.effective().0)
    }

    pub(super) fn effective(&self) -> (u64, u64) {
        (
            self.min_workers.max(MIN_THRESHOLD),
            self.min_employers.max(MIN_THRESHOLD),
        )
    }
}
