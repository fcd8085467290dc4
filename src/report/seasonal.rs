//! Seasonal adjustment of monthly series with an X-11-style moving-average
//! decomposition, plus the 12-month moving sum.
//!
//! Monthly labour-market flows (hires, terminations, CIG hours) have a strong
//! calendar pattern (summer tourism hires, September school contracts,
//! December terminations); comparing consecutive months is only meaningful on
//! the seasonally adjusted series. A full X-13ARIMA-SEATS run is out of scope
//! for the pipeline, so this module implements the core of the X-11 method:
//! the iterated moving-average decomposition, without ARIMA forecast
//! extension, extreme-value replacement or calendar/trading-day effects.
//!
//! # Method
//!
//! The series is `Y = T + S + I` (additive) or `Y = T × S × I`
//! (multiplicative; all values must be > 0). Below, "−" and "+" mean "/" and
//! "×" in the multiplicative model. `p` is the period (12 for monthly data).
//!
//! 1. **First trend**: centred 2×p moving average (2×12 MA, weights 1/24 at
//!    the two extremes and 1/12 inside). It is undefined for the first and
//!    last p/2 points; as in X-11, no trend is extrapolated there: the
//!    seasonal-irregular ratios of those months are simply missing in this
//!    first pass.
//! 2. **Seasonal-irregular** `SI = Y − T` where T is defined.
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
//! 4. **Preliminary adjusted** series `A1 = Y − S1`.
//! 5. **Refined trend**: Henderson 13-term MA of `A1` (weights in
//!    [`HENDERSON_13`], from the closed-form Henderson formula with n = 8).
//!    The last (first) six points use the Musgrave asymmetric weights
//!    computed from the symmetric ones with I/C ratio 3.5, the value X-11
//!    uses for the 13-term filter (e.g. the end-point weights are
//!    −0.092, −0.058, 0.012, 0.120, 0.244, 0.353, 0.421).
//! 6. **Final seasonal factors**: `SI2 = Y − T2` (now defined everywhere),
//!    smoothed per calendar month with a 3×5 MA (weights 1,2,3,3,3,2,1 / 15;
//!    X-11 end weights 9,17,17,17 / 60, 4,11,15,15,15 / 60 and
//!    4,8,13,13,13,9 / 60 for the last three years), centred as in step 3.
//!    Final adjusted `A = Y − S2`. The reported trend is a last Henderson
//!    13-term pass on `A` (X-11 table D12) and the irregular is `A − T`
//!    (`A / T`).
//!
//! The end points are inherently less reliable than the centre (revisions
//! are expected as new months arrive), as with any two-sided filter.

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
const MUSGRAVE_IC_RATIO: f64 = 3.5;

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

    /// Neutral value of a seasonal factor.
    fn neutral(self) -> f64 {
        match self {
            Model::Additive => 0.0,
            Model::Multiplicative => 1.0,
        }
    }
}

/// Result of [`decompose`]; all vectors have the input length.
#[derive(Debug, Clone)]
pub struct Decomposition {
    pub trend: Vec<f64>,
    pub seasonal: Vec<f64>,
    pub irregular: Vec<f64>,
    pub adjusted: Vec<f64>,
    pub model: Model,
}

/// Decomposes `values` (consecutive periods, no gaps) into trend, seasonal
/// and irregular components; see the module docs for the method.
///
/// Errors: fewer than 3 full periods, period < 2, non-finite values, or
/// non-positive values with [`Model::Multiplicative`].
pub fn decompose(values: &[f64], period: usize, model: Model) -> Result<Decomposition> {
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

    // Steps 1-3: first trend, SI ratios, seasonal factors by 3×3 MA.
    let t1 = centred_ma(values, period);
    let si1: Vec<Option<f64>> = values
        .iter()
        .zip(&t1)
        .map(|(y, t)| t.map(|t| model.remove(*y, t)))
        .collect();
    let s1 = seasonal_factors(&si1, period, model, &WEIGHTS_3X3)?;

    // Step 4-5: preliminary adjusted, Henderson trend.
    let a1: Vec<f64> = values.iter().zip(&s1).map(|(y, s)| model.remove(*y, *s)).collect();
    let t2 = henderson(&a1)?;

    // Step 6: final seasonal factors by 3×5 MA.
    let si2: Vec<Option<f64>> = values
        .iter()
        .zip(&t2)
        .map(|(y, t)| Some(model.remove(*y, *t)))
        .collect();
    let seasonal = seasonal_factors(&si2, period, model, &WEIGHTS_3X5)?;
    let adjusted: Vec<f64> = values
        .iter()
        .zip(&seasonal)
        .map(|(y, s)| model.remove(*y, *s))
        .collect();
    let trend = henderson(&adjusted)?;
    let irregular = adjusted.iter().zip(&trend).map(|(a, t)| model.remove(*a, *t)).collect();
    Ok(Decomposition {
        trend,
        seasonal,
        irregular,
        adjusted,
        model,
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

/// Step 3/6: seasonal factors per calendar month from SI values (None where
/// missing, only at the ends), then centred over each period.
fn seasonal_factors(si: &[Option<f64>], period: usize, model: Model, filter: &SeasonalFilter) -> Result<Vec<f64>> {
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
    let centre = centred_ma(&raw, period);
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

/// Musgrave asymmetric weights for a symmetric filter `w` (length N = 2m+1)
/// when only the first `available` points of the window exist (m+1 ≤
/// available < N). Formula from Musgrave (1964) as used by X-11:
/// u_j = w_j + (1/M)Σ_{i>M} w_i + (j − (M+1)/2)·D/(1 + M(M−1)(M+1)D/12)
///       · Σ_{i>M} (i − (M+1)/2) w_i, with D = 4/(π R²), R the I/C ratio.
fn musgrave_weights(w: &[f64], available: usize, ic_ratio: f64) -> Vec<f64> {
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
fn henderson(x: &[f64]) -> Result<Vec<f64>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    const PATTERN: [f64; 12] = [
        -30.0, -20.0, -5.0, 5.0, 15.0, 40.0, 35.0, -10.0, 10.0, 0.0, -15.0, -25.0,
    ];

    fn mm_variance(x: &[f64]) -> f64 {
        let d: Vec<f64> = x.windows(2).map(|w| w[1] - w[0]).collect();
        let mean = d.iter().sum::<f64>() / d.len() as f64;
        d.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / d.len() as f64
    }

    #[test]
    fn henderson_weights_match_formula_and_musgrave_table() {
        let n = 8.0_f64;
        for (k, w) in HENDERSON_13.iter().enumerate() {
            let j = k as f64 - 6.0;
            let num = 315.0
                * ((n - 1.0).powi(2) - j * j)
                * (n * n - j * j)
                * ((n + 1.0).powi(2) - j * j)
                * (3.0 * n * n - 16.0 - 11.0 * j * j);
            let den = 8.0 * n * (n * n - 1.0) * (4.0 * n * n - 1.0) * (4.0 * n * n - 9.0) * (4.0 * n * n - 25.0);
            assert!((num / den - w).abs() < 1e-9);
        }
        assert!((HENDERSON_13.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        let end = musgrave_weights(&HENDERSON_13, 7, MUSGRAVE_IC_RATIO);
        let table = [-0.092, -0.058, 0.012, 0.120, 0.244, 0.353, 0.421];
        for (a, b) in end.iter().zip(table) {
            assert!((a - b).abs() < 0.0006, "{a} vs {b}");
        }
        assert!((end.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn additive_recovers_pattern() {
        let n = 96;
        let y: Vec<f64> = (0..n)
            .map(|t| 1000.0 + 2.5 * t as f64 + 0.01 * (t as f64).powi(2) + PATTERN[t % 12])
            .collect();
        let d = decompose(&y, 12, Model::Additive).unwrap();
        let amplitude = 70.0;
        for t in 24..n - 24 {
            let err = (d.seasonal[t] - PATTERN[t % 12]).abs();
            assert!(err < 0.02 * amplitude, "t={t} err={err}");
        }
        assert!(mm_variance(&d.adjusted) < 0.01 * mm_variance(&y));
        // (d) annual sums preserved in a central year.
        let raw: f64 = y[36..48].iter().sum();
        let adj: f64 = d.adjusted[36..48].iter().sum();
        assert!((raw - adj).abs() < 1e-3 * raw, "{raw} vs {adj}");
        for (t, y) in y.iter().enumerate() {
            let back = d.trend[t] + d.seasonal[t] + d.irregular[t];
            assert!((back - y).abs() < 1e-9);
        }
    }

    #[test]
    fn constant_level_gives_constant_adjusted() {
        let y: Vec<f64> = (0..48).map(|t| 500.0 + PATTERN[t % 12]).collect();
        let d = decompose(&y, 12, Model::Additive).unwrap();
        for a in &d.adjusted {
            assert!((a - 500.0).abs() < 0.5, "{a}");
        }
        for t in &d.trend {
            assert!((t - 500.0).abs() < 0.5, "{t}");
        }
    }

    #[test]
    fn multiplicative_recovers_factors() {
        let factors: Vec<f64> = PATTERN.iter().map(|p| 1.0 + p / 200.0).collect();
        let mean = factors.iter().sum::<f64>() / 12.0;
        let factors: Vec<f64> = factors.iter().map(|f| f / mean).collect();
        let n = 84;
        let y: Vec<f64> = (0..n)
            .map(|t| (2000.0 * 1.004_f64.powi(t as i32)) * factors[t % 12])
            .collect();
        let d = decompose(&y, 12, Model::Multiplicative).unwrap();
        assert_eq!(d.model, Model::Multiplicative);
        let amplitude = 70.0 / 200.0;
        for t in 24..n - 24 {
            let err = (d.seasonal[t] - factors[t % 12]).abs();
            assert!(err < 0.02 * amplitude, "t={t} err={err}");
        }
        assert!(mm_variance(&d.adjusted) < 0.01 * mm_variance(&y));
        let flat: Vec<f64> = (0..36).map(|t| 300.0 * factors[t % 12]).collect();
        let d = decompose(&flat, 12, Model::Multiplicative).unwrap();
        for a in &d.adjusted {
            assert!((a - 300.0).abs() < 1.5, "{a}");
        }
        for (t, y) in flat.iter().enumerate() {
            let back = d.trend[t] * d.seasonal[t] * d.irregular[t];
            assert!((back - y).abs() < 1e-6);
        }
    }

    #[test]
    fn short_series_works_at_minimum_length() {
        let y: Vec<f64> = (0..36).map(|t| 100.0 + t as f64 + PATTERN[t % 12]).collect();
        let d = decompose(&y, 12, Model::Additive).unwrap();
        assert_eq!(d.adjusted.len(), 36);
        assert!(d.adjusted.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn errors() {
        let short = vec![1.0; 35];
        let e = decompose(&short, 12, Model::Additive).unwrap_err();
        assert!(e.to_string().contains("at least 3 full periods"), "{e}");
        let mut y = vec![10.0; 36];
        y[5] = 0.0;
        let e = decompose(&y, 12, Model::Multiplicative).unwrap_err();
        assert!(e.to_string().contains("strictly positive"), "{e}");
        y[5] = -3.0;
        assert!(decompose(&y, 12, Model::Multiplicative).is_err());
        assert!(decompose(&y, 12, Model::Additive).is_ok());
        y[5] = f64::NAN;
        assert!(decompose(&y, 12, Model::Additive).is_err());
        assert!(decompose(&[1.0; 10], 1, Model::Additive).is_err());
    }

    #[test]
    fn moving_sum_hand_case() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(moving_sum(&v, 3), vec![None, None, Some(6.0), Some(9.0), Some(12.0)]);
        assert_eq!(moving_sum(&v, 1), v.iter().map(|x| Some(*x)).collect::<Vec<_>>());
        assert_eq!(moving_sum(&v, 6), vec![None; 5]);
        assert_eq!(moving_sum(&v, 0), vec![None; 5]);
        let months: Vec<f64> = (1..=13).map(f64::from).collect();
        let s = moving_sum(&months, 12);
        assert_eq!(s[10], None);
        assert_eq!(s[11], Some(78.0));
        assert_eq!(s[12], Some(90.0));
    }
}
