//! The X-11 filters behind [`super::decompose_with`]: the 2×p centred moving
//! average, the 3×3 and 3×5 seasonal filters with their end weights, the
//! extreme-value treatment of the seasonal-irregular ratios, and the Henderson
//! 13-term trend with Musgrave end weights. See the parent module for the method
//! and its sources.

use super::Model;
use anyhow::{bail, ensure, Result};

/// Symmetric Henderson 13-term trend weights (sum to 1). Computed from the
/// closed form w_j ∝ [(n−1)²−j²][n²−j²][(n+1)²−j²][3n²−16−11j²], n = 8.
pub const HENDERSON_13: [f64; 13] = [
    -0.019_349_845_2,
    -0.027_863_777_1,
    0.0,
    0.065_491_783_8,
    0.147_356_513_5,
    0.214_336_746_8,
    0.240_057_156_5,
    0.214_336_746_8,
    0.147_356_513_5,
    0.065_491_783_8,
    0.0,
    -0.027_863_777_1,
    -0.019_349_845_2,
];

/// I/C ratio used by X-11 to derive Musgrave end weights for the 13-term
/// Henderson filter.
pub(super) const MUSGRAVE_IC_RATIO: f64 = 3.5;

/// Trend and seasonal factors of one X-11 pass (steps 1–6 of the module docs)
/// over a series already cleared of outliers.
pub(super) struct Fit {
    /// Henderson trend of the seasonally adjusted series (X-11 table D12).
    pub trend: Vec<f64>,
    /// Final, centred seasonal factors (table D10).
    pub seasonal: Vec<f64>,
}

/// Steps 1–6 of the module docs; `extremes` turns the extreme-value
/// treatment of the SI ratios on (step 3a).
pub(super) fn fit(values: &[f64], period: usize, model: Model, extremes: bool) -> Result<Fit> {
    // Steps 1-3: first trend, SI ratios, seasonal factors by 3×3 MA.
    let t1 = centred_ma(values, period);
    let si1: Vec<Option<f64>> = values
        .iter()
        .zip(&t1)
        .map(|(y, t)| t.map(|t| model.remove(*y, t)))
        .collect();
    let s1 = seasonal_factors(&si1, period, model, &WEIGHTS_3X3, extremes)?;
    // Steps 4-5: preliminary adjusted, Henderson trend.
    let a1: Vec<f64> = values.iter().zip(&s1).map(|(y, s)| model.remove(*y, *s)).collect();
    let t2 = henderson(&a1)?;
    // Step 6: final seasonal factors by 3×5 MA.
    let si2: Vec<Option<f64>> = values
        .iter()
        .zip(&t2)
        .map(|(y, t)| Some(model.remove(*y, *t)))
        .collect();
    let seasonal = seasonal_factors(&si2, period, model, &WEIGHTS_3X5, extremes)?;
    let adjusted: Vec<f64> = values
        .iter()
        .zip(&seasonal)
        .map(|(y, s)| model.remove(*y, *s))
        .collect();
    let trend = henderson(&adjusted)?;
    Ok(Fit { trend, seasonal })
}

/// Centred moving average of length `period` (2×p for even p, simple p-term
/// for odd p); `None` where the window does not fit.
fn centred_ma(values: &[f64], period: usize) -> Vec<Option<f64>> {
    let n = values.len();
    let half = period / 2;
    let p = period as f64;
    (0..n)
        .map(|t| {
            if t < half || t + half >= n {
                return None;
            }
            let window = &values[t - half..=t + half];
            if period.is_multiple_of(2) {
                let inner: f64 = window[1..period].iter().sum();
                Some((inner + 0.5 * (window[0] + window[period])) / p)
            } else {
                Some(window.iter().sum::<f64>() / p)
            }
        })
        .collect()
}

/// A symmetric seasonal MA with its X-11 asymmetric end weights.
struct SeasonalFilter {
    /// Symmetric weights, length 2m+1.
    symmetric: &'static [f64],
    /// `ends[r]`: weights when only `r` future years exist (r < m), covering
    /// m past years, the current one and r future ones.
    ends: &'static [&'static [f64]],
}

const WEIGHTS_3X3: SeasonalFilter = SeasonalFilter {
    symmetric: &[1.0 / 9.0, 2.0 / 9.0, 3.0 / 9.0, 2.0 / 9.0, 1.0 / 9.0],
    ends: &[
        &[5.0 / 27.0, 11.0 / 27.0, 11.0 / 27.0],
        &[3.0 / 27.0, 7.0 / 27.0, 10.0 / 27.0, 7.0 / 27.0],
    ],
};

const WEIGHTS_3X5: SeasonalFilter = SeasonalFilter {
    symmetric: &[
        1.0 / 15.0,
        2.0 / 15.0,
        3.0 / 15.0,
        3.0 / 15.0,
        3.0 / 15.0,
        2.0 / 15.0,
        1.0 / 15.0,
    ],
    ends: &[
        &[9.0 / 60.0, 17.0 / 60.0, 17.0 / 60.0, 17.0 / 60.0],
        &[4.0 / 60.0, 11.0 / 60.0, 15.0 / 60.0, 15.0 / 60.0, 15.0 / 60.0],
        &[
            4.0 / 60.0,
            8.0 / 60.0,
            13.0 / 60.0,
            13.0 / 60.0,
            13.0 / 60.0,
            9.0 / 60.0,
        ],
    ],
};

/// Smooths one calendar month's yearly SI values with `filter`.
fn smooth_years(x: &[f64], filter: &SeasonalFilter) -> Vec<f64> {
    let k = x.len();
    let m = filter.symmetric.len() / 2;
    let mean = x.iter().sum::<f64>() / k as f64;
    (0..k)
        .map(|i| {
            let left = i;
            let right = k - 1 - i;
            let dot =
                |w: &[f64], start: usize| -> f64 { w.iter().zip(&x[start..start + w.len()]).map(|(w, v)| w * v).sum() };
            if left >= m && right >= m {
                dot(filter.symmetric, i - m)
            } else if right < m && left >= m {
                dot(filter.ends[right], i - m)
            } else if left < m && right >= m {
                // Mirror the end weights for the start of the series.
                let w: Vec<f64> = filter.ends[left].iter().rev().copied().collect();
                dot(&w, i - left)
            } else {
                mean
            }
        })
        .collect()
}

/// X-11 sigma limits for the extreme-value treatment: an irregular within
/// 1.5σ keeps full weight, beyond 2.5σ it gets weight zero, linearly graduated
/// in between (X-13ARIMA-SEATS Reference Manual, `x11` spec, `sigmalim`
/// default 1.5, 2.5; Ladiray and Quenneville 2001, tables B4/B9).
pub const SIGMA_LIMITS: (f64, f64) = (1.5, 2.5);

/// Years in the moving window over which X-11 computes σ of the irregular.
const SIGMA_YEARS: usize = 5;

/// Passes of the extreme-value treatment (X-11 repeats it on the
/// preliminary and the final SI ratios; here twice on each).
const EXTREME_PASSES: usize = 2;

/// Step 3/6: seasonal factors per calendar month from SI values (None where
/// missing, only at the ends), centred over each period. With `extremes`,
/// the X-11 extreme-value treatment (step 3a) replaces the SI ratios whose
/// irregular falls beyond the sigma limits and smooths again.
fn seasonal_factors(
    si: &[Option<f64>],
    period: usize,
    model: Model,
    filter: &SeasonalFilter,
    extremes: bool,
) -> Result<Vec<f64>> {
    let mut s = centre(&smooth_by_month(si, period, model, filter)?, period, model)?;
    if !extremes {
        return Ok(s);
    }
    for _ in 0..EXTREME_PASSES {
        let weights = extreme_weights(si, &s, period, model);
        let replaced = replace_extremes(si, &weights, period);
        s = centre(&smooth_by_month(&replaced, period, model, filter)?, period, model)?;
    }
    Ok(s)
}

/// Smooths each calendar month's SI values across the years (uncentred).
fn smooth_by_month(si: &[Option<f64>], period: usize, model: Model, filter: &SeasonalFilter) -> Result<Vec<f64>> {
    let n = si.len();
    let mut raw = vec![model.neutral(); n];
    for month in 0..period {
        let idx: Vec<usize> = (month..n).step_by(period).collect();
        let avail: Vec<(usize, f64)> = idx.iter().filter_map(|&t| si[t].map(|v| (t, v))).collect();
        ensure!(
            !avail.is_empty(),
            "no seasonal-irregular value for position {month} of the period"
        );
        let values: Vec<f64> = avail.iter().map(|(_, v)| *v).collect();
        let smoothed = smooth_years(&values, filter);
        for &t in &idx {
            // Missing SI only occurs at the ends: take the nearest year.
            let nearest = avail
                .iter()
                .zip(&smoothed)
                .min_by_key(|((ta, _), _)| ta.abs_diff(t))
                .map(|(_, s)| *s);
            if let Some(s) = nearest {
                raw[t] = s;
            }
        }
    }
    Ok(raw)
}

/// Centres factors: removes their 2×p moving average (any p consecutive
/// factors then average ~neutral); at the ends, where that MA is undefined,
/// the nearest defined value is used.
fn centre(raw: &[f64], period: usize, model: Model) -> Result<Vec<f64>> {
    let centre = centred_ma(raw, period);
    let first = centre.iter().flatten().next().copied();
    let last = centre.iter().rev().flatten().next().copied();
    let (Some(first), Some(last)) = (first, last) else {
        bail!("series too short to centre the seasonal factors");
    };
    let half = period / 2;
    Ok(raw
        .iter()
        .enumerate()
        .map(|(t, s)| {
            let c = centre[t].unwrap_or(if t < half { first } else { last });
            model.remove(*s, c)
        })
        .collect())
}

/// X-11 extreme-value weights (step 3a): the irregular `I = SI − S` (`SI/S − 1`)
/// is compared with σ, the root mean square of I over a moving window of
/// [`SIGMA_YEARS`] years around the value's year (the first/last five years
/// at the ends), computed twice: the second time without the values beyond
/// the upper limit. Weight 1 within 1.5σ, 0 beyond 2.5σ, linear in between.
fn extreme_weights(si: &[Option<f64>], s: &[f64], period: usize, model: Model) -> Vec<f64> {
    let n = si.len();
    let (lower, upper) = SIGMA_LIMITS;
    let dev: Vec<Option<f64>> = si
        .iter()
        .zip(s)
        .map(|(x, s)| x.map(|x| model.remove(x, *s) - model.neutral()))
        .collect();
    let years = n.div_ceil(period);
    let window = SIGMA_YEARS.min(years);
    let sigma_of = |year: usize| -> f64 {
        let first = year.saturating_sub(window / 2).min(years - window);
        let span = first * period..((first + window) * period).min(n);
        let rms = |limit: f64| -> f64 {
            let kept: Vec<f64> = dev[span.clone()]
                .iter()
                .flatten()
                .copied()
                .filter(|d| d.abs() <= limit)
                .collect();
            if kept.is_empty() {
                0.0
            } else {
                (kept.iter().map(|d| d * d).sum::<f64>() / kept.len() as f64).sqrt()
            }
        };
        let sigma = rms(f64::INFINITY);
        rms(upper * sigma)
    };
    let sigmas: Vec<f64> = (0..years).map(sigma_of).collect();
    dev.iter()
        .enumerate()
        .map(|(t, d)| {
            let sigma = sigmas[t / period];
            match d {
                // A flat irregular (exact data) has nothing extreme.
                Some(d) if sigma > 1e-9 * (1.0 + d.abs()) => {
                    let z = d.abs() / sigma;
                    ((upper - z) / (upper - lower)).clamp(0.0, 1.0)
                }
                _ => 1.0,
            }
        })
        .collect()
}

/// X-11 replacement of extreme SI values: an SI value with weight w < 1
/// becomes (w·SI + sum of the nearest full-weight SI values of the same
/// calendar month, two before and two after, or four on one side at the
/// ends) / (w + their number).
fn replace_extremes(si: &[Option<f64>], weights: &[f64], period: usize) -> Vec<Option<f64>> {
    let n = si.len();
    let mut out = si.to_vec();
    for t in 0..n {
        let (Some(x), w) = (si[t], weights[t]) else {
            continue;
        };
        if w >= 1.0 {
            continue;
        }
        let full = |s: &usize| weights[*s] >= 1.0 && si[*s].is_some();
        let prev: Vec<usize> = (1..=t / period).map(|k| t - k * period).filter(full).collect();
        let next: Vec<usize> = (1..)
            .map(|k| t + k * period)
            .take_while(|s| *s < n)
            .filter(full)
            .collect();
        // Four neighbours in all: two each side, or more on one side at the ends.
        let np = prev.len().min(4 - next.len().min(2));
        let nn = next.len().min(4 - np);
        let neighbours: Vec<f64> = prev[..np].iter().chain(&next[..nn]).filter_map(|s| si[*s]).collect();
        if neighbours.is_empty() {
            continue;
        }
        out[t] = Some((w * x + neighbours.iter().sum::<f64>()) / (w + neighbours.len() as f64));
    }
    out
}

/// Musgrave asymmetric weights for a symmetric filter `w` (length N = 2m+1)
/// when only the first `available` points of the window exist (m+1 ≤
/// available < N). Formula from Musgrave (1964) as used by X-11:
/// u_j = w_j + (1/M)Σ_{i>M} w_i + (j − (M+1)/2)·D/(1 + M(M−1)(M+1)D/12)
///       · Σ_{i>M} (i − (M+1)/2) w_i, with D = 4/(π R²), R the I/C ratio.
pub(super) fn musgrave_weights(w: &[f64], available: usize, ic_ratio: f64) -> Vec<f64> {
    let n = w.len();
    let m = available as f64;
    let d = 4.0 / (std::f64::consts::PI * ic_ratio * ic_ratio);
    let tail: f64 = w[available..].iter().sum();
    let tail_moment: f64 = (available + 1..=n)
        .map(|i| (i as f64 - (m + 1.0) / 2.0) * w[i - 1])
        .sum();
    let denom = 1.0 + m * (m - 1.0) * (m + 1.0) / 12.0 * d;
    (1..=available)
        .map(|j| w[j - 1] + tail / m + (j as f64 - (m + 1.0) / 2.0) * d / denom * tail_moment)
        .collect()
}

/// Henderson 13-term trend with Musgrave end weights.
pub(super) fn henderson(x: &[f64]) -> Result<Vec<f64>> {
    let n = x.len();
    let h = HENDERSON_13.len() / 2;
    ensure!(n > 2 * h, "series too short for the Henderson 13-term filter");
    let ends: Vec<Vec<f64>> = (0..h)
        .map(|future| musgrave_weights(&HENDERSON_13, h + 1 + future, MUSGRAVE_IC_RATIO))
        .collect();
    Ok((0..n)
        .map(|t| {
            let dot =
                |w: &[f64], start: usize| -> f64 { w.iter().zip(&x[start..start + w.len()]).map(|(w, v)| w * v).sum() };
            let future = n - 1 - t;
            if t >= h && future >= h {
                dot(&HENDERSON_13, t - h)
            } else if future < h {
                dot(&ends[future], t - h)
            } else {
                let w: Vec<f64> = ends[t].iter().rev().copied().collect();
                dot(&w, 0)
            }
        })
        .collect())
}
