//! Exact (or coarsened exact) matching of people who entered a crisis measure (the *treated*, e.g.
//! a declaration of immediate availability, DID) with people who lost a job in the same period
//! without entering it (the *controls*): weights, covariate balance and the difference in
//! re-employment shares at fixed horizons (3/6/12 months) with a normal confidence interval.
//! Pure functions on numbers: no I/O, no lake, no SQL.
//!
//! # What the numbers mean (no causal claim)
//!
//! The difference is a *comparison under the matching assumptions*, not a measured effect of the
//! measure. It can be read as the average effect on the matched treated only if (a) selection is
//! on observables: within a stratum, entering the measure is unrelated to the potential outcomes
//! (conditional independence given the strata); (b) one person's entry does not change another's
//! outcome; (c) the strata are fine enough that what remains inside them does not matter.
//! None of these is checked here, and (a) is untestable from these data. The comparison covers
//! only the treated in strata that also hold controls (common support): when
//! [`Matched::treated_matched`] is well below [`Matched::treated`] the estimand is not the
//! average over all treated.
//!
//! # Rules and their sources
//!
//! **Strata.** The caller builds one key per person from the matching variables (sex, age class,
//! sector, area, contract, entry quarter, …) with [`stratum_key`], which joins the parts with
//! U+001F (the ASCII unit separator, which no label contains). Continuous variables are coarsened
//! into categories by the caller before building the key: this module then does exact matching on
//! the key, which on coarsened variables *is* coarsened exact matching (CEM; Iacus, King & Porro
//! 2012, "Causal inference without balance checking: coarsened exact matching", *Political
//! Analysis* 20(1):1–24).
//!
//! **Weights** ([`match_exact`]). With `n_T(s)`, `n_C(s)` the treated and controls in stratum `s`:
//! a stratum is *matched* when `n_T(s) ≥ 1` and `n_C(s) ≥ 1`; there every treated unit has weight
//! 1 and every control has weight `n_T(s) / n_C(s)`; every unit of an unmatched stratum has weight
//! 0. This is the ATT convention: in each stratum the controls' weights sum to `n_T(s)`, so the
//! weighted controls reproduce the treated's distribution over the strata. Iacus, King & Porro
//! (2012) use `(m_C / m_T) · n_T(s) / n_C(s)` for the controls (`m_T`, `m_C` the matched
//! totals), which makes the controls' weights sum to `m_C` instead; the two differ by one constant
//! factor, so every weighted mean, share, variance and standardised difference below is the same
//! under either convention.
//!
//! **Balance** ([`balance`]). For each covariate, the standardised difference (Austin 2009,
//! "Balance diagnostics for comparing the distribution of baseline covariates between treatment
//! groups in propensity-score matched samples", *Statistics in Medicine* 28:3083–3107):
//! `d = (mean_T − mean_C) / sqrt((var_T + var_C) / 2)`.
//! A numeric covariate gives one row with the sample variances; a categorical covariate gives one
//! row per level, for the indicator "is at this level", whose variance is `p (1 − p)` (Austin's
//! formula for a dichotomous variable). `|d| < 0.1` is the usual threshold for a negligible
//! imbalance (Austin 2009, citing Normand et al. 2001); this module reports `d` and applies no
//! threshold. *Before*: all treated against all controls, unweighted. *After*: the matched units
//! only (weight > 0), weighted with [`Matched::weights`]: weighted mean `Σ w x / Σ w`; weighted
//! variance of a numeric covariate `V1 / (V1² − V2) · Σ w (x − mean)²` with `V1 = Σ w`,
//! `V2 = Σ w²` (the unbiased variance for reliability weights, as in Austin & Stuart 2015,
//! *Statistics in Medicine* 34:3661–3679; with unit weights it is the usual sample variance with
//! `n − 1`, and it does not change when all weights are scaled); weighted share `p = Σ w x / Σ w`
//! and variance `p (1 − p)` for a level. Edge cases, none clamped: a group with no units has NaN
//! mean (0/0); a numeric variance over a single unit is NaN (`V1² = V2`); when both variances are 0,
//! `d` is 0 if the means are equal and ±∞ otherwise (complete separation); NaN propagates. Levels
//! are the values seen among all units (matched or not), sorted by byte order; rows come by
//! covariate index, then by level.
//!
//! **Difference in shares** ([`effect`]). For horizon `k`, the units with an unknown outcome
//! (`outcomes[k] == None`, the follow-up window not complete yet: censored) are dropped, and the
//! weights are *recomputed* on the rest: a stratified estimator over the matched strata
//! (weight > 0 in the [`Matched`] passed in) that still hold at least one treated and one control
//! with a known outcome. With `n_T,s`, `n_C,s` those counts, `p_T,s`, `p_C,s` the shares
//! re-employed and `w_s = n_T,s / Σ_s n_T,s`:
//!
//! * `ATT = Σ_s w_s (p_T,s − p_C,s)`: the treated share minus the control share reweighted to the
//!   treated's distribution over the strata (the same number as the weighted difference with the
//!   weights of [`match_exact`] recomputed on the known outcomes);
//! * `Var = Σ_s w_s² (p_T,s (1 − p_T,s) / n_T,s + p_C,s (1 − p_C,s) / n_C,s)`: the strata and
//!   their sizes are treated as fixed and the two groups in each stratum as independent binomial
//!   samples (plug-in, "Wald" variance of a stratified difference of proportions; cf. Cochran,
//!   *Sampling Techniques*, 3rd ed., 1977, ch. 5 on the variance of a stratified mean);
//! * interval `ATT ± z · sqrt(Var)` with `z` the standard normal quantile at `(1 + level) / 2`.
//!
//! Nothing is clamped: the interval may pass −1 or 1, and when every share in the contributing
//! strata is 0 or 1 the standard error is 0 and the interval has zero width (small strata make
//! the normal approximation poor; report the counts with the interval). The treated with a known
//! outcome in a stratum whose controls all have an unknown one are left out of the treated share
//! too, so that both shares describe the same strata.
//!
//! Determinism: every result depends only on the order of the input (strata are visited in order
//! of first appearance, sums run in input order); hash maps are only used for look-ups.

use rustc_hash::FxHashMap;

use statrs::distribution::{ContinuousCDF, Normal};
use std::sync::Arc;

/// The separator [`stratum_key`] puts between the parts of a key (U+001F, unit separator).
pub const STRATUM_SEPARATOR: &str = "\u{1f}";

/// A covariate of one unit, for the balance checks (it need not be one of the matching variables).
#[derive(Clone, Debug, PartialEq)]
pub enum Covariate {
    /// A categorical value: one balance row per level.
    Category(Arc<str>),
    /// A numeric value: one balance row.
    Number(f64),
}

/// One person: treated (entered the measure) or control.
#[derive(Clone, Debug, PartialEq)]
pub struct Unit {
    /// Entered the measure.
    pub treated: bool,
    /// The matching key, from [`stratum_key`].
    pub stratum: Arc<str>,
    /// The covariates for [`balance`]: the same number and the same kind at each position for
    /// every unit.
    pub covariates: Arc<[Covariate]>,
    /// `outcomes[k]`: re-employed within horizon `k`; `None` when the window is not complete
    /// (censored), which excludes the unit from that horizon's [`effect`].
    pub outcomes: Arc<[Option<bool>]>,
}

/// Joins the parts of a stratum key with U+001F ([`STRATUM_SEPARATOR`]).
pub fn stratum_key(parts: &[&str]) -> String {
    parts.join(STRATUM_SEPARATOR)
}

/// The result of [`match_exact`].
#[derive(Clone, Debug, PartialEq)]
pub struct Matched {
    /// One weight per unit, in input order (see the module docs); 0 for an unmatched unit.
    pub weights: Vec<f64>,
    /// Each unit's stratum, numbered from 0 by first appearance (so that [`effect`] need not
    /// compare the keys again).
    pub stratum: Vec<u32>,
    /// Distinct strata.
    pub strata: usize,
    /// Strata with at least one treated and one control.
    pub matched_strata: usize,
    /// All treated.
    pub treated: usize,
    /// Treated in matched strata.
    pub treated_matched: usize,
    /// All controls.
    pub controls: usize,
    /// Controls in matched strata.
    pub controls_matched: usize,
}

/// Exact matching on [`Unit::stratum`]: weight 1 for a treated unit in a stratum with at least one
/// control, `n_T(s) / n_C(s)` for a control in a stratum with at least one treated, 0 otherwise.
/// One pass to count, one to weigh: O(n).
pub fn match_exact(units: &[Unit]) -> Matched {
    // Each stratum's number, and (treated, controls) per stratum.
    let mut number: FxHashMap<&str, u32> = FxHashMap::default();
    let mut counts: Vec<(usize, usize)> = Vec::new();
    let stratum: Vec<u32> = units
        .iter()
        .map(|u| {
            let n = *number.entry(u.stratum.as_ref()).or_insert_with(|| {
                counts.push((0, 0));
                (counts.len() - 1) as u32
            });
            let c = &mut counts[n as usize];
            if u.treated {
                c.0 += 1;
            } else {
                c.1 += 1;
            }
            n
        })
        .collect();
    let weights = units
        .iter()
        .zip(&stratum)
        .map(|(u, &n)| {
            let (nt, nc) = counts[n as usize];
            if nt == 0 || nc == 0 {
                0.0
            } else if u.treated {
                1.0
            } else {
                nt as f64 / nc as f64
            }
        })
        .collect();
    let both = |c: &&(usize, usize)| c.0 > 0 && c.1 > 0;
    Matched {
        weights,
        stratum,
        strata: counts.len(),
        matched_strata: counts.iter().filter(both).count(),
        treated: counts.iter().map(|c| c.0).sum(),
        treated_matched: counts.iter().filter(both).map(|c| c.0).sum(),
        controls: counts.iter().map(|c| c.1).sum(),
        controls_matched: counts.iter().filter(both).map(|c| c.1).sum(),
    }
}

/// Mean of the treated, mean of the controls and the standardised difference between them.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// Mean (share, for a category level) among the treated.
    pub mean_treated: f64,
    /// Mean (share, for a category level) among the controls.
    pub mean_controls: f64,
    /// Austin's standardised difference (module docs).
    pub std_diff: f64,
}

/// One balance row: a numeric covariate, or one level of a categorical one.
#[derive(Clone, Debug, PartialEq)]
pub struct Balance {
    /// Position in [`Unit::covariates`].
    pub covariate: usize,
    /// The level, for a categorical covariate; `None` for a numeric one.
    pub level: Option<String>,
    /// All treated against all controls, unweighted.
    pub before: Comparison,
    /// Matched units only, weighted.
    pub after: Comparison,
    /// The units counted in `before`: treated and controls (for a level, those at the level).
    pub holders: [usize; 2],
}

/// The balance table (module docs): one row per numeric covariate and one per level of each
/// categorical covariate, by covariate index and then by sorted level.
///
/// # Panics
///
/// If `m.weights` does not have one weight per unit, or if the units do not all have the same
/// number of covariates with the same kind at each position (the kind is taken from the first
/// unit).
pub fn balance(units: &[Unit], m: &Matched) -> Vec<Balance> {
    assert_eq!(m.weights.len(), units.len(), "balance: one weight per unit");
    let Some(first) = units.first() else {
        return Vec::new();
    };
    let k = first.covariates.len();
    for (i, u) in units.iter().enumerate() {
        assert_eq!(
            u.covariates.len(),
            k,
            "balance: unit {i} has {} covariates, not {k}",
            u.covariates.len()
        );
    }
    let levels = category_levels(units, first);
    let treated: Vec<bool> = units.iter().map(|u| u.treated).collect();
    let n_treated = treated.iter().filter(|&&t| t).count();
    let mut rows = Vec::new();
    for (j, kind) in first.covariates.iter().enumerate() {
        match kind {
            Covariate::Number(_) => {
                let x: Vec<f64> = units
                    .iter()
                    .enumerate()
                    .map(|(i, u)| match &u.covariates[j] {
                        Covariate::Number(v) => *v,
                        Covariate::Category(_) => panic!("balance: covariate {j} of unit {i} is not a number"),
                    })
                    .collect();
                rows.push(Balance {
                    covariate: j,
                    level: None,
                    before: compare(units, &x, None),
                    after: compare(units, &x, Some(&m.weights)),
                    holders: [n_treated, units.len() - n_treated],
                });
            }
            Covariate::Category(_) => {
                let (names, index) = &levels[&j];
                let (before, holders) = compare_levels(&treated, index, names.len(), None);
                let (after, _) = compare_levels(&treated, index, names.len(), Some(&m.weights));
                for ((level, before), (after, holders)) in names.iter().zip(before).zip(after.into_iter().zip(holders))
                {
                    rows.push(Balance {
                        covariate: j,
                        level: Some(level.to_string()),
                        before,
                        after,
                        holders,
                    });
                }
            }
        }
    }
    rows
}

/// For each categorical covariate (by position, the kind of `first`'s), its levels sorted by byte
/// order and each unit's level as an index into them. One pass over the units for all of them:
/// a value is first known by its address (shared strings hash as one number; the copies of a
/// unit that share its covariates are looked up once), then the addresses are ranked by text.
///
/// # Panics
///
/// If a unit's covariate is not of the kind of `first`'s at the same position.
fn category_levels<'a>(units: &'a [Unit], first: &Unit) -> FxHashMap<usize, (Vec<&'a str>, Vec<usize>)> {
    let positions: Vec<usize> = (0..first.covariates.len())
        .filter(|&j| matches!(first.covariates[j], Covariate::Category(_)))
        .collect();
    let mut by_address: Vec<FxHashMap<*const u8, usize>> = vec![FxHashMap::default(); positions.len()];
    let mut texts: Vec<Vec<&str>> = vec![Vec::new(); positions.len()];
    let mut seen: Vec<Vec<usize>> = vec![Vec::with_capacity(units.len()); positions.len()];
    let mut previous: Option<*const Covariate> = None;
    for (i, u) in units.iter().enumerate() {
        let shared = previous == Some(u.covariates.as_ptr());
        previous = Some(u.covariates.as_ptr());
        for (c, &j) in positions.iter().enumerate() {
            let id = if shared {
                seen[c][i - 1]
            } else {
                match &u.covariates[j] {
                    Covariate::Category(v) => *by_address[c].entry(v.as_ptr()).or_insert_with(|| {
                        texts[c].push(v.as_ref());
                        texts[c].len() - 1
                    }),
                    Covariate::Number(_) => panic!("balance: covariate {j} of unit {i} is not a category"),
                }
            };
            seen[c].push(id);
        }
    }
    positions
        .iter()
        .zip(texts)
        .zip(seen)
        .map(|((&j, texts), seen)| {
            let mut names = texts.clone();
            names.sort_unstable();
            names.dedup();
            let rank: Vec<usize> = texts
                .iter()
                .map(|t| names.binary_search(t).expect("a level of its own"))
                .collect();
            let index = seen.iter().map(|&n| rank[n]).collect();
            (j, (names, index))
        })
        .collect()
}

/// Weighted moments of one group.
#[derive(Default)]
struct Moments {
    /// Σ w.
    v1: f64,
    /// Σ w².
    v2: f64,
    /// Σ w x.
    wx: f64,
}

/// Treated against controls on `x`: unweighted over all units when `weights` is `None`, else
/// weighted over the units with weight > 0.
fn compare(units: &[Unit], x: &[f64], weights: Option<&[f64]>) -> Comparison {
    let weight = |i: usize| weights.map_or(1.0, |w| w[i]);
    let mut groups = [Moments::default(), Moments::default()]; // [treated, controls]
    for (i, u) in units.iter().enumerate() {
        let w = weight(i);
        if w > 0.0 {
            let g = &mut groups[usize::from(!u.treated)];
            g.v1 += w;
            g.v2 += w * w;
            g.wx += w * x[i];
        }
    }
    let means = [groups[0].wx / groups[0].v1, groups[1].wx / groups[1].v1];
    let mut ss = [0.0_f64; 2]; // Σ w (x − mean)²
    for (i, u) in units.iter().enumerate() {
        let w = weight(i);
        if w > 0.0 {
            let g = usize::from(!u.treated);
            let dev = x[i] - means[g];
            ss[g] += w * dev * dev;
        }
    }
    let var = |g: usize| {
        let m = &groups[g];
        ss[g] * m.v1 / (m.v1 * m.v1 - m.v2)
    };
    Comparison {
        mean_treated: means[0],
        mean_controls: means[1],
        std_diff: std_diff(means[0], means[1], var(0), var(1)),
    }
}

/// [`compare`] of the indicator of each of `levels` levels (sorted; `level[i]` is unit i's,
/// `treated[i]` its group), with the variance of an indicator, `p (1 − p)`, in one pass over the
/// units instead of one per level: Σ w x of a group is the sum of the weights of its units at that level, added in the
/// same order as `compare` adds them (a unit elsewhere adds 0), so the results are the same to
/// the bit. Also the units at each level counted in the pass: [treated, controls].
fn compare_levels(
    treated: &[bool],
    level: &[usize],
    levels: usize,
    weights: Option<&[f64]>,
) -> (Vec<Comparison>, Vec<[usize; 2]>) {
    let weight = |i: usize| weights.map_or(1.0, |w| w[i]);
    let mut v1 = [0.0_f64; 2]; // Σ w of [treated, controls]
    let mut wx = vec![[0.0_f64; 2]; levels];
    let mut holders = vec![[0_usize; 2]; levels];
    for (i, &t) in treated.iter().enumerate() {
        let w = weight(i);
        if w > 0.0 {
            let g = usize::from(!t);
            v1[g] += w;
            wx[level[i]][g] += w;
            holders[level[i]][g] += 1;
        }
    }
    let comparisons = wx
        .iter()
        .map(|sums| {
            let means = [sums[0] / v1[0], sums[1] / v1[1]];
            let var = |g: usize| means[g] * (1.0 - means[g]);
            Comparison {
                mean_treated: means[0],
                mean_controls: means[1],
                std_diff: std_diff(means[0], means[1], var(0), var(1)),
            }
        })
        .collect();
    (comparisons, holders)
}

/// Austin's `d = (mean_T − mean_C) / sqrt((var_T + var_C) / 2)`; 0 when the means are equal and
/// both variances are 0, ±∞ when only the means differ; NaN propagates.
fn std_diff(mean_t: f64, mean_c: f64, var_t: f64, var_c: f64) -> f64 {
    let diff = mean_t - mean_c;
    let pooled = ((var_t + var_c) / 2.0).sqrt();
    if pooled == 0.0 && diff == 0.0 {
        0.0
    } else {
        diff / pooled
    }
}

/// The difference in the share re-employed at one horizon, with its normal interval.
#[derive(Clone, Debug, PartialEq)]
pub struct Effect {
    /// Share re-employed among the matched treated with a known outcome (contributing strata).
    pub treated: f64,
    /// Share re-employed among the controls, reweighted to the treated's strata.
    pub controls: f64,
    /// `treated − controls` (the stratified ATT of the module docs).
    pub difference: f64,
    /// Standard error of `difference` (strata fixed).
    pub std_err: f64,
    /// Lower end of the interval at the requested level.
    pub lower: f64,
    /// Upper end of the interval at the requested level.
    pub upper: f64,
    /// Treated in the contributing strata.
    pub n_treated: usize,
    /// Controls in the contributing strata.
    pub n_controls: usize,
}

/// Counts of one stratum at one horizon.
#[derive(Default)]
struct Cell {
    treated: usize,
    treated_yes: usize,
    controls: usize,
    controls_yes: usize,
}

/// The stratified difference in the share re-employed at horizon `outcome` (index into
/// [`Unit::outcomes`]) with a normal interval at `level` (e.g. 0.95), as in the module docs:
/// units with weight 0 in `m` or an unknown outcome are dropped, and only the strata still holding
/// both a treated unit and a control contribute. `None` when no stratum does.
///
/// # Panics
///
/// If `level` is not strictly between 0 and 1, if `m.weights` does not have one weight per unit,
/// or if a unit with weight > 0 has no entry `outcome` in its outcomes.
pub fn effect(units: &[Unit], m: &Matched, outcome: usize, level: f64) -> Option<Effect> {
    assert!(level > 0.0 && level < 1.0, "effect: level {level} is not in (0, 1)");
    assert_eq!(m.weights.len(), units.len(), "effect: one weight per unit");
    assert_eq!(m.stratum.len(), units.len(), "effect: one stratum per unit");
    // Cells by stratum number, in order of first appearance among the units kept.
    let mut index: Vec<Option<usize>> = vec![None; m.stratum.iter().map(|&n| n as usize + 1).max().unwrap_or(0)];
    let mut cells: Vec<Cell> = Vec::new();
    for (i, (u, &w)) in units.iter().zip(&m.weights).enumerate() {
        if w.is_nan() || w <= 0.0 {
            continue;
        }
        let Some(&known) = u.outcomes.get(outcome) else {
            panic!("effect: unit {i} has no outcome {outcome}");
        };
        let Some(yes) = known else {
            continue;
        };
        let s = *index[m.stratum[i] as usize].get_or_insert_with(|| {
            cells.push(Cell::default());
            cells.len() - 1
        });
        let c = &mut cells[s];
        if u.treated {
            c.treated += 1;
            c.treated_yes += usize::from(yes);
        } else {
            c.controls += 1;
            c.controls_yes += usize::from(yes);
        }
    }
    let used: Vec<&Cell> = cells.iter().filter(|c| c.treated > 0 && c.controls > 0).collect();
    if used.is_empty() {
        return None;
    }
    let n_treated: usize = used.iter().map(|c| c.treated).sum();
    let n_controls: usize = used.iter().map(|c| c.controls).sum();
    let treated = used.iter().map(|c| c.treated_yes).sum::<usize>() as f64 / n_treated as f64;
    let mut controls = 0.0;
    let mut var = 0.0;
    for c in &used {
        let w = c.treated as f64 / n_treated as f64;
        let p_t = c.treated_yes as f64 / c.treated as f64;
        let p_c = c.controls_yes as f64 / c.controls as f64;
        controls += w * p_c;
        var += w * w * (p_t * (1.0 - p_t) / c.treated as f64 + p_c * (1.0 - p_c) / c.controls as f64);
    }
    let difference = treated - controls;
    let std_err = var.sqrt();
    let z = Normal::standard().inverse_cdf(0.5 + level / 2.0);
    Some(Effect {
        treated,
        controls,
        difference,
        std_err,
        lower: difference - z * std_err,
        upper: difference + z * std_err,
        n_treated,
        n_controls,
    })
}

#[cfg(test)]
#[path = "matching_tests.rs"]
mod tests;
