//! Seasonal adjustment of monthly series with an X-11-style moving-average
//! decomposition, robust to outliers, plus the 12-month moving sum.
//!
//! Monthly labour-market flows (hires, terminations, CIG hours) have a strong
//! calendar pattern (summer tourism hires, September school contracts,
//! December terminations); comparing consecutive months is only meaningful on
//! the seasonally adjusted series. A full X-13ARIMA-SEATS run is out of scope
//! for the pipeline, so this module implements the core of the X-11 method
//! (the iterated moving-average decomposition, [`x11`]) with the two pieces
//! of X-13 that keep an exceptional month out of the seasonal factors: the
//! prior adjustment for outliers (additive outliers and level shifts, known
//! or detected) and the X-11 extreme-value treatment. There is no ARIMA
//! forecast extension and no calendar/trading-day effect.
//!
//! # Why outliers matter
//!
//! A seasonal factor is a moving average, across the years, of the same
//! calendar month. A month far off its usual level (the April 2020 lockdown:
//! hires at 40% of a normal April) drags the April factor down for the
//! years around it (with the X-11 end weights, the first year weighs 11/27 in
//! the second year's factor), and dividing the later Aprils by that too-low
//! factor pushes their adjusted value up (+14% in April 2021 on the demo
//! province before this treatment). X-13ARIMA-SEATS avoids it by estimating
//! the outliers first and running X-11 on the series without them
//! (Findley, Monsell, Bell, Otto and Chen 1998, "New capabilities and methods
//! of the X-12-ARIMA seasonal-adjustment program", JBES 16(2); X-13ARIMA-SEATS
//! Reference Manual, US Census Bureau, `outlier` and `x11` specs).
//!
//! # Method
//!
//! The series is `Y = T + S + I` (additive) or `Y = T × S × I`
//! (multiplicative; all values must be > 0). Below, "−" and "+" mean "/" and
//! "×" in the multiplicative model, and "log" is the natural log in the
//! multiplicative model and the identity in the additive one. `p` is the
//! period (12 for monthly data).
//!
//! **A. Outliers (prior adjustment).** Two kinds, as in X-13/TRAMO:
//! an *additive outlier* (AO) moves one month only; a *level shift* (LS)
//! moves every month from its date on by the same factor.
//!
//! - *Known outliers*: [`Options::known`], by calendar month; the default is
//!   [`LOCKDOWN_2020`] (March, April and May 2020 as AO: the first COVID-19
//!   lockdown). They need the month of the first value ([`Options::start`]).
//! - *Effects*: the linearized series `L` is `Y` with each LS removed
//!   (`Y − δ` from its date on) and each AO month replaced by the fitted
//!   `T + S` of an X-11 pass on `L`; AO fills and LS sizes are re-estimated
//!   from the new pass until they change by less than 1e-7 (relative), at
//!   most 50 passes. An LS size is updated by the step left in the
//!   irregular of `L` (mean log-irregular of the three months from the date
//!   minus the three before).
//! - *Automatic detection* ([`Options::detect`]): on the converged pass,
//!   with `a = log(L − S)` the adjusted level without the outliers so far,
//!   the AO statistic of month t is the distance of its own adjusted value
//!   `log(Y_t − LS_t − S_t)` from the median of `a` over the 12 months around
//!   it, and the LS statistic is the month-to-month change `a_t − a_{t−1}`;
//!   each centred on its median and divided by its robust σ,
//!   1.4826 × median |x − median x| over all months (the MAD estimate of
//!   TRAMO's outlier search). The largest statistic above
//!   [`DEFAULT_CRITICAL`] (3.8, within the 3.5–4 TRAMO/X-13 use for series of
//!   5–8 years) becomes an outlier of its kind, the effects are
//!   re-estimated, and the search repeats (at most max(3, n/12) automatic
//!   outliers). A month off its neighbours scores higher as an AO (its
//!   neighbours' median is undisturbed) and a step as an LS (the median of a
//!   window across the step lies halfway), so a multi-month dip is taken as
//!   consecutive AOs, as the tests check; and a step that the next month
//!   takes back by more than half is not an LS candidate (it is a spike).
//!
//! **B. X-11 on the linearized series** ([`x11::fit`]):
//!
//! 1. **First trend**: centred 2×p moving average (2×12 MA, weights 1/24 at
//!    the two extremes and 1/12 inside). It is undefined for the first and
//!    last p/2 points; as in X-11, no trend is extrapolated there: the
//!    seasonal-irregular ratios of those months are simply missing in this
//!    first pass.
//! 2. **Seasonal-irregular** `SI = L − T` where T is defined.
//! 3. **Seasonal factors**: for each calendar month separately, the SI values
//!    of the successive years are smoothed with a 3×3 MA (weights
//!    1,2,3,2,1 / 9). For the first/last two years the X-11 asymmetric end
//!    weights are used (last year: 5,11,11 / 27; second to last:
//!    3,7,10,7 / 27; mirrored at the start). When a month has too few years
//!    for even the end weights (fewer than 4 for 3×3, fewer than 6 for 3×5,
//!    or a middle year with fewer than 2 (3) years on both sides), the factor
//!    is the plain mean of the available years ("stable" seasonality). Months
//!    without SI (the ends of pass 1) take the factor of the nearest year for
//!    the same month. The factors are then **centred**: the 2×p MA of the
//!    factors is subtracted (divided), so that any p consecutive factors sum
//!    to ~0 (average ~1); at the ends, where that MA is undefined, the
//!    nearest defined value is repeated.
//!
//!    3a. **Extreme values** ([`Options::extremes`]): the irregular
//!    `SI − S` is compared with σ, its root mean square over a moving
//!    5-year window, recomputed without the values beyond 2.5σ; SI values
//!    within 1.5σ keep full weight, beyond 2.5σ weight 0, linear in between
//!    ([`x11::SIGMA_LIMITS`]). An SI value with weight w < 1 is replaced by
//!    (w·SI + the nearest four full-weight SI of the same month) / (w + 4),
//!    and the factors are smoothed again; twice (X-11 tables B4/B9, C17;
//!    Ladiray and Quenneville 2001, "Seasonal Adjustment with the X-11
//!    Method", Springer).
//! 4. **Preliminary adjusted** series `A1 = L − S1`.
//! 5. **Refined trend**: Henderson 13-term MA of `A1` (weights in
//!    [`HENDERSON_13`], from the closed-form Henderson formula with n = 8).
//!    The last (first) six points use the Musgrave asymmetric weights
//!    computed from the symmetric ones with I/C ratio 3.5, the value X-11
//!    uses for the 13-term filter (e.g. the end-point weights are
//!    −0.092, −0.058, 0.012, 0.120, 0.244, 0.353, 0.421).
//! 6. **Final seasonal factors**: `SI2 = L − T2` (now defined everywhere),
//!    smoothed per calendar month with a 3×5 MA (weights 1,2,3,3,3,2,1 / 15;
//!    X-11 end weights 9,17,17,17 / 60, 4,11,15,15,15 / 60 and
//!    4,8,13,13,13,9 / 60 for the last three years), with step 3a, centred
//!    as in step 3.
//!
//! **C. Components of `Y`.** The adjusted series is `A = Y − S`: it keeps the
//! outliers (an AO or an LS is not seasonal: April 2020 stays low in the
//! adjusted series), only the factors are free of them. The trend is a last
//! Henderson 13-term pass (X-11 table D12) on `L − S`, with the level shifts
//! then put back (an LS belongs to the trend, an AO to the irregular); the
//! irregular is `A − T`.
//!
//! The end points are inherently less reliable than the centre (revisions
//! are expected as new months arrive, and a new month can change which
//! months are outliers), as with any two-sided filter.
//!
//! The tests cross-check the factors against a robust STL decomposition
//! (Cleveland, Cleveland, McRae and Terpenning 1990, "STL: A Seasonal-Trend
//! Decomposition Procedure Based on Loess", Journal of Official Statistics
//! 6(1)), from the `stlrs` crate.

#[cfg(test)]
mod tests;
mod x11;

pub use x11::{HENDERSON_13, SIGMA_LIMITS};

use anyhow::{bail, ensure, Result};

/// Critical value of the automatic outlier search: |t| above it makes an
/// outlier. TRAMO's and X-13's defaults for series of 5–8 years lie between
/// 3.5 and 4 (X-13 Reference Manual, `outlier` spec `critical`). At 3.5 the
/// tests' 8-year lockdown series (1% noise) gained five spurious outliers of
/// 3–5%; at 3.8 only the three lockdown months are found.
pub const DEFAULT_CRITICAL: f64 = 3.8;

/// Known outliers used by default: the first COVID-19 lockdown in Italy
/// (DPCM of 9 March 2020 to the reopening of 18 May 2020), March–May 2020 as
/// additive outliers. Hires collapsed and recovered: nothing seasonal.
pub const LOCKDOWN_2020: [KnownOutlier; 3] = [
    KnownOutlier::ao(2020, 3),
    KnownOutlier::ao(2020, 4),
    KnownOutlier::ao(2020, 5),
];

/// Most passes of the effect estimation (part A of the module docs).
const MAX_PASSES: usize = 50;
/// Relative change of the linearized series below which the passes stop.
const TOLERANCE: f64 = 1e-7;
/// Months on each side of a level shift used to measure the step left.
const LS_SPAN: usize = 3;
/// Months on each side of a month whose median level an AO is measured from.
const AO_SPAN: usize = 6;
/// MAD to σ for a normal distribution.
const MAD_TO_SIGMA: f64 = 1.4826;

/// Seasonal model: additive for flows that can be near zero or whose
/// seasonal swing does not scale with the level, multiplicative otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    Additive,
    Multiplicative,
}

impl Model {
    /// Removes component `c` from `y` (difference or ratio).
    fn remove(self, y: f64, c: f64) -> f64 {
        match self {
            Model::Additive => y - c,
            Model::Multiplicative => y / c,
        }
    }

    /// Puts component `c` back into `y` (sum or product).
    fn combine(self, y: f64, c: f64) -> f64 {
        match self {
            Model::Additive => y + c,
            Model::Multiplicative => y * c,
        }
    }

    /// The scale on which effects add up: log for ratios.
    fn log(self, x: f64) -> f64 {
        match self {
            Model::Additive => x,
            Model::Multiplicative => x.ln(),
        }
    }

    /// Inverse of [`Model::log`].
    fn exp(self, x: f64) -> f64 {
        match self {
            Model::Additive => x,
            Model::Multiplicative => x.exp(),
        }
    }

    /// Neutral value of a seasonal factor.
    fn neutral(self) -> f64 {
        match self {
            Model::Additive => 0.0,
            Model::Multiplicative => 1.0,
        }
    }
}

/// Kind of outlier (X-13/TRAMO terms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutlierKind {
    /// Additive outlier: one month off its level.
    Additive,
    /// Level shift: every month from this one on moves by the same effect.
    LevelShift,
}

/// An outlier given by calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownOutlier {
    pub kind: OutlierKind,
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

impl KnownOutlier {
    /// An additive outlier in `month` of `year`.
    pub const fn ao(year: i32, month: u32) -> Self {
        KnownOutlier {
            kind: OutlierKind::Additive,
            year,
            month,
        }
    }

    /// A level shift from `month` of `year` on.
    pub const fn ls(year: i32, month: u32) -> Self {
        KnownOutlier {
            kind: OutlierKind::LevelShift,
            year,
            month,
        }
    }

    /// Position in a monthly series starting at `start` (year, month).
    fn position(&self, start: (i32, u32), len: usize) -> Option<usize> {
        let offset = (i64::from(self.year) - i64::from(start.0)) * 12 + i64::from(self.month) - i64::from(start.1);
        usize::try_from(offset).ok().filter(|i| *i < len)
    }
}

/// Settings of [`decompose_with`].
#[derive(Debug, Clone)]
pub struct Options {
    /// Year and month (1–12) of the first value; without it the known
    /// outliers cannot be placed and are ignored. Monthly series only.
    pub start: Option<(i32, u32)>,
    /// Outliers treated whether or not the search finds them.
    pub known: Vec<KnownOutlier>,
    /// Automatic AO/LS search (part A of the module docs).
    pub detect: bool,
    /// Critical |t| of the search.
    pub critical: f64,
    /// X-11 extreme-value treatment of the SI ratios (step 3a).
    pub extremes: bool,
}

impl Default for Options {
    /// Known list [`LOCKDOWN_2020`], automatic search at
    /// [`DEFAULT_CRITICAL`], extreme-value treatment on.
    fn default() -> Self {
        Options {
            start: None,
            known: LOCKDOWN_2020.to_vec(),
            detect: true,
            critical: DEFAULT_CRITICAL,
            extremes: true,
        }
    }
}

impl Options {
    /// Plain X-11 moving averages: no outliers, no extreme-value treatment
    /// (the method used before outliers were handled; kept for comparison).
    pub fn plain() -> Self {
        Options {
            known: Vec::new(),
            detect: false,
            extremes: false,
            ..Options::default()
        }
    }

    /// The same options for a monthly series whose first value is `month`
    /// (1–12) of `year`.
    pub fn starting(mut self, year: i32, month: u32) -> Self {
        self.start = Some((year, month));
        self
    }
}

/// An outlier treated in a decomposition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outlier {
    pub kind: OutlierKind,
    /// Position in the series.
    pub index: usize,
    /// True for one of [`Options::known`], false when found by the search.
    pub known: bool,
    /// Estimated effect: the ratio (difference) of the month to its level
    /// without the outlier; for an LS, of the new level to the old one.
    pub effect: f64,
}

/// Result of [`decompose`]; all vectors have the input length.
#[derive(Debug, Clone)]
pub struct Decomposition {
    pub trend: Vec<f64>,
    pub seasonal: Vec<f64>,
    pub irregular: Vec<f64>,
    pub adjusted: Vec<f64>,
    pub model: Model,
    /// Outliers treated, by position.
    pub outliers: Vec<Outlier>,
}

/// [`decompose_with`] with [`Options::default`]: automatic outlier search
/// and extreme-value treatment; the known outliers need
/// [`Options::starting`] and are not used here.
pub fn decompose(values: &[f64], period: usize, model: Model) -> Result<Decomposition> {
    decompose_with(values, period, model, &Options::default())
}

/// Decomposes `values` (consecutive periods, no gaps) into trend, seasonal
/// and irregular components; see the module docs for the method.
///
/// Errors: fewer than 3 full periods, period < 2, non-finite values, or
/// non-positive values with [`Model::Multiplicative`].
pub fn decompose_with(values: &[f64], period: usize, model: Model, opts: &Options) -> Result<Decomposition> {
    validate(values, period, model)?;
    let n = values.len();
    let mut outliers: Vec<Outlier> = match opts.start {
        Some(start) if period == 12 => opts
            .known
            .iter()
            .filter_map(|k| k.position(start, n).map(|index| (k.kind, index)))
            .map(|(kind, index)| Outlier {
                kind,
                index,
                known: true,
                effect: model.neutral(),
            })
            .collect(),
        _ => Vec::new(),
    };
    outliers.sort_by_key(|o| o.index);
    outliers.dedup_by_key(|o| o.index);
    let mut lin = linearize(values, &mut outliers, period, model, opts.extremes)?;
    let max_found = (n / 12).max(3);
    while opts.detect && outliers.iter().filter(|o| !o.known).count() < max_found {
        let Some(found) = most_significant(values, &lin, &outliers, model, opts.critical) else {
            break;
        };
        outliers.push(found);
        outliers.sort_by_key(|o| o.index);
        lin = linearize(values, &mut outliers, period, model, opts.extremes)?;
    }
    let seasonal = lin.fit.seasonal;
    let adjusted: Vec<f64> = values
        .iter()
        .zip(&seasonal)
        .map(|(y, s)| model.remove(*y, *s))
        .collect();
    // The trend of the linearized series with the level shifts put back
    // (as X-13 adds the LS regression effects to the final trend); the
    // additive outliers stay in the irregular.
    let linear_sa: Vec<f64> = (0..n).map(|t| model.remove(lin.series[t], seasonal[t])).collect();
    let trend: Vec<f64> = x11::henderson(&linear_sa)?
        .iter()
        .zip(&lin.shift)
        .map(|(t, s)| model.combine(*t, *s))
        .collect();
    let irregular = adjusted.iter().zip(&trend).map(|(a, t)| model.remove(*a, *t)).collect();
    Ok(Decomposition {
        trend,
        seasonal,
        irregular,
        adjusted,
        model,
        outliers,
    })
}

fn validate(values: &[f64], period: usize, model: Model) -> Result<()> {
    ensure!(period >= 2, "seasonal period must be at least 2, got {period}");
    ensure!(
        values.len() >= 3 * period,
        "seasonal adjustment needs at least 3 full periods ({} values), got {}",
        3 * period,
        values.len()
    );
    if let Some(i) = values.iter().position(|v| !v.is_finite()) {
        bail!("value at position {i} is not finite; fill gaps before seasonal adjustment");
    }
    if model == Model::Multiplicative {
        if let Some(i) = values.iter().position(|v| *v <= 0.0) {
            bail!(
                "multiplicative model needs strictly positive values; position {i} is {}",
                values[i]
            );
        }
    }
    Ok(())
}

/// The series without its outliers and the X-11 pass on it.
struct Linearized {
    /// `L`: level shifts removed, additive outliers replaced by `T + S`.
    series: Vec<f64>,
    /// Combined effect of the level shifts in force at each position.
    shift: Vec<f64>,
    fit: x11::Fit,
}

/// Part A of the module docs: estimates the effects of `outliers` (written
/// into their `effect`) by repeated X-11 passes on the linearized series.
fn linearize(
    values: &[f64],
    outliers: &mut [Outlier],
    period: usize,
    model: Model,
    extremes: bool,
) -> Result<Linearized> {
    let n = values.len();
    let mut series = values.to_vec();
    let mut shift = vec![model.neutral(); n];
    for _ in 0..MAX_PASSES {
        let fit = x11::fit(&series, period, model, extremes)?;
        let fitted = |t: usize| model.combine(fit.trend[t], fit.seasonal[t]);
        // Level shifts: add the step still visible in the irregular.
        for o in outliers.iter_mut().filter(|o| o.kind == OutlierKind::LevelShift) {
            let h = LS_SPAN.min(o.index).min(n - o.index);
            if h == 0 {
                continue;
            }
            let mean_irr = |r: std::ops::Range<usize>| {
                r.clone()
                    .map(|t| model.log(model.remove(series[t], fitted(t))))
                    .sum::<f64>()
                    / r.len() as f64
            };
            let step = mean_irr(o.index..o.index + h) - mean_irr(o.index - h..o.index);
            o.effect = model.exp(model.log(o.effect) + step);
        }
        for (t, s) in shift.iter_mut().enumerate() {
            *s = outliers
                .iter()
                .filter(|o| o.kind == OutlierKind::LevelShift && o.index <= t)
                .fold(model.neutral(), |acc, o| model.combine(acc, o.effect));
        }
        let mut next: Vec<f64> = values.iter().zip(&shift).map(|(y, s)| model.remove(*y, *s)).collect();
        for o in outliers.iter_mut().filter(|o| o.kind == OutlierKind::Additive) {
            next[o.index] = fitted(o.index);
            o.effect = model.remove(model.remove(values[o.index], shift[o.index]), next[o.index]);
        }
        let scale = values.iter().map(|v| v.abs()).fold(1e-12, f64::max);
        let change = next.iter().zip(&series).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max) / scale;
        series = next;
        if change < TOLERANCE {
            break;
        }
    }
    let fit = x11::fit(&series, period, model, extremes)?;
    Ok(Linearized { series, shift, fit })
}

/// The automatic search of part A: the month whose AO or LS statistic is
/// largest, if above `critical` and not already an outlier.
fn most_significant(
    values: &[f64],
    lin: &Linearized,
    outliers: &[Outlier],
    model: Model,
    critical: f64,
) -> Option<Outlier> {
    let n = values.len();
    let taken = |t: usize| outliers.iter().any(|o| o.index == t);
    let is_ao = |t: usize| outliers.iter().any(|o| o.index == t && o.kind == OutlierKind::Additive);
    // Floor of σ: exact synthetic data have no outliers.
    let floor = match model {
        Model::Multiplicative => 1e-6,
        Model::Additive => 1e-6 * values.iter().map(|v| v.abs()).sum::<f64>() / n as f64,
    };
    // The seasonally adjusted level without the outliers found so far, and
    // each month's own value on the same scale.
    let seasonal = &lin.fit.seasonal;
    let level: Vec<f64> = (0..n)
        .map(|t| model.log(model.remove(lin.series[t], seasonal[t])))
        .collect();
    let own: Vec<f64> = (0..n)
        .map(|t| model.log(model.remove(model.remove(values[t], lin.shift[t]), seasonal[t])))
        .collect();
    // AO: distance from the median level of the 12 months around.
    let local = |t: usize| -> f64 {
        let first = t.saturating_sub(AO_SPAN).min(n.saturating_sub(2 * AO_SPAN + 1));
        let mut around: Vec<f64> = (first..(first + 2 * AO_SPAN + 1).min(n))
            .filter(|s| *s != t)
            .map(|s| level[s])
            .collect();
        median(&mut around).unwrap_or(level[t])
    };
    let jump: Vec<f64> = (0..n).map(|t| own[t] - local(t)).collect();
    let (median_j, sigma_j) = robust_sigma(jump.iter().copied())?;
    let sigma_j = sigma_j.max(floor);
    // LS: month-to-month change of the level.
    // σ over every month, the outliers included: MAD is robust to them, and
    // σ does not shrink as outliers are found (no cascade of small ones).
    let (median_d, sigma_d) = robust_sigma((1..n).map(|t| level[t] - level[t - 1]))?;
    let steps = || (LS_SPAN..=n - LS_SPAN).filter(|t| !is_ao(*t) && !is_ao(*t - 1));
    let sigma_d = sigma_d.max(floor);
    let ao = (0..n)
        .filter(|t| !taken(*t))
        .map(|t| (OutlierKind::Additive, t, (jump[t] - median_j).abs() / sigma_j));
    // A step that the next month takes back is a spike (an AO), not a shift.
    let lasts = |t: usize| {
        let step = level[t] - level[t - 1] - median_d;
        let two = level[(t + 1).min(n - 1)] - level[t - 1] - 2.0 * median_d;
        two.abs() >= 0.5 * step.abs()
    };
    let ls = steps().filter(|t| !taken(*t) && lasts(*t)).map(|t| {
        (
            OutlierKind::LevelShift,
            t,
            (level[t] - level[t - 1] - median_d).abs() / sigma_d,
        )
    });
    ao.chain(ls)
        .filter(|(_, _, stat)| *stat > critical)
        .max_by(|a, b| a.2.total_cmp(&b.2))
        .map(|(kind, index, _)| Outlier {
            kind,
            index,
            known: false,
            effect: model.neutral(),
        })
}

/// Median and robust σ (1.4826 × median absolute deviation) of `x`; None
/// when empty.
fn robust_sigma(x: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let mut v: Vec<f64> = x.collect();
    let centre = median(&mut v)?;
    let mut dev: Vec<f64> = v.iter().map(|x| (x - centre).abs()).collect();
    Some((centre, MAD_TO_SIGMA * median(&mut dev)?))
}

/// Median of `v` (reordered); None when empty.
fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    })
}

/// Trailing moving sum over `window` points ("somma mobile 12 mesi" with
/// window 12): `None` for the first `window − 1` points, and everywhere when
/// `window` is 0 or longer than the series.
pub fn moving_sum(values: &[f64], window: usize) -> Vec<Option<f64>> {
    if window == 0 {
        return vec![None; values.len()];
    }
    // Summing each window directly (no running sum) keeps results exact for
    // integer counts and free of accumulated rounding drift.
    (0..values.len())
        .map(|i| (i + 1 >= window).then(|| values[i + 1 - window..=i].iter().sum()))
        .collect()
}
