//! Tests of the seasonal adjustment: the X-11 filters, the outlier treatment
//! (a lockdown-like dip with known factors) and a cross-check against robust STL.
use super::x11::{musgrave_weights, MUSGRAVE_IC_RATIO};
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

/// Deterministic standard-normal noise (xorshift64, sum of 12 uniforms − 6).
fn noise(len: usize, seed: u64) -> Vec<f64> {
    // Spread the seed's bits: xorshift starts slowly from a small state.
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut uniform = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..16).for_each(|_| {
        uniform();
    });
    (0..len)
        .map(|_| (0..12).map(|_| uniform()).sum::<f64>() - 6.0)
        .collect()
}

/// Known multiplicative factors (mean 1): a hiring pattern with peaks in
/// January, June and September.
fn true_factors() -> Vec<f64> {
    let f = [1.18, 0.98, 1.02, 1.00, 1.06, 1.12, 1.04, 0.62, 1.20, 1.00, 0.94, 0.84];
    let mean = f.iter().sum::<f64>() / 12.0;
    f.iter().map(|v| v / mean).collect()
}

/// A lockdown-like synthetic series starting in January of `start_year`:
/// trend × known factors × (1 + 1% noise), with March, April and May 2020 at
/// 50%, 35% and 55% of normal, then back to normal. Returns (series, true
/// trend, true factors by position).
fn lockdown_series(start_year: i32, years: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let n = 12 * years;
    let f = true_factors();
    let e = noise(n, 2020);
    let trend: Vec<f64> = (0..n).map(|t| 3000.0 * 1.002_f64.powi(t as i32)).collect();
    let factors: Vec<f64> = (0..n).map(|t| f[t % 12]).collect();
    let y = (0..n)
        .map(|t| {
            let year = start_year + (t / 12) as i32;
            let dip = match (year, t % 12 + 1) {
                (2020, 3) => 0.50,
                (2020, 4) => 0.35,
                (2020, 5) => 0.55,
                _ => 1.0,
            };
            trend[t] * factors[t] * (1.0 + 0.01 * e[t]) * dip
        })
        .collect();
    (y, trend, factors)
}

/// Positions of March–May 2020 in a series starting in January `start_year`.
fn lockdown_window(start_year: i32) -> std::ops::Range<usize> {
    let first = 12 * (2020 - start_year) as usize + 2;
    first..first + 3
}

/// Largest |factor/true − 1| and largest |adjusted/true trend − 1| outside
/// the lockdown window.
fn max_errors(d: &Decomposition, trend: &[f64], factors: &[f64], window: &std::ops::Range<usize>) -> (f64, f64) {
    let factor_err = d
        .seasonal
        .iter()
        .zip(factors)
        .map(|(s, f)| (s / f - 1.0).abs())
        .fold(0.0, f64::max);
    let adjusted_err = (0..trend.len())
        .filter(|t| !window.contains(t))
        .map(|t| (d.adjusted[t] / trend[t] - 1.0).abs())
        .fold(0.0, f64::max);
    (factor_err, adjusted_err)
}

#[test]
fn lockdown_does_not_leak_into_the_seasonal_factors() {
    // Lockdown in year 2 of 8 (as 2019–2026) and in year 1 of 5 (as the
    // demo bulletin's 2020–2024 series, the harder case: end weights).
    for (start, years) in [(2019, 8), (2020, 5)] {
        let (y, trend, factors) = lockdown_series(start, years);
        let window = lockdown_window(start);
        let known = Options::default().starting(start, 1);
        let found_only = Options {
            known: Vec::new(),
            ..Options::default()
        };
        for (name, opts) in [("known list", &known), ("search only", &found_only)] {
            let d = decompose_with(&y, 12, Model::Multiplicative, opts).unwrap();
            let (factor_err, adjusted_err) = max_errors(&d, &trend, &factors, &window);
            assert!(factor_err < 0.02, "{start}/{name}: factor error {factor_err}");
            assert!(adjusted_err < 0.035, "{start}/{name}: adjusted error {adjusted_err}");
            // The three months are outliers; the adjusted series keeps the dip.
            for t in window.clone() {
                assert!(
                    d.outliers
                        .iter()
                        .any(|o| o.index == t && o.kind == OutlierKind::Additive),
                    "{start}/{name}: {t} not an AO: {:?}",
                    d.outliers
                );
                assert!(d.adjusted[t] / trend[t] < 0.6, "{start}/{name}: dip lost at {t}");
            }
            for (t, v) in y.iter().enumerate() {
                let back = d.trend[t] * d.seasonal[t] * d.irregular[t];
                assert!((back - v).abs() < 1e-6 * v);
            }
        }
        // The plain X-11 filters fail: April of the next year is pushed up.
        let d = decompose_with(&y, 12, Model::Multiplicative, &Options::plain()).unwrap();
        assert!(d.outliers.is_empty());
        let (factor_err, _) = max_errors(&d, &trend, &factors, &window);
        let april_next = window.start + 1 + 12;
        let spike = d.adjusted[april_next] / trend[april_next] - 1.0;
        assert!(factor_err > 0.05, "{start}: plain factor error {factor_err}");
        assert!(spike > 0.05, "{start}: plain April spike {spike}");
    }
}

#[test]
fn level_shift_is_found_and_kept_in_the_trend() {
    let f = true_factors();
    let e = noise(96, 7);
    // +25% from position 50 on.
    let y: Vec<f64> = (0..96)
        .map(|t| 2000.0 * f[t % 12] * (1.0 + 0.01 * e[t]) * if t >= 50 { 1.25 } else { 1.0 })
        .collect();
    let d = decompose(&y, 12, Model::Multiplicative).unwrap();
    let ls: Vec<&Outlier> = d
        .outliers
        .iter()
        .filter(|o| o.kind == OutlierKind::LevelShift)
        .collect();
    assert_eq!(ls.len(), 1, "{:?}", d.outliers);
    assert_eq!(ls[0].index, 50);
    assert!((ls[0].effect - 1.25).abs() < 0.03, "{}", ls[0].effect);
    for t in 0..96 {
        assert!((d.seasonal[t] / f[t % 12] - 1.0).abs() < 0.02, "t={t}");
    }
    // The trend steps with the series, the irregular stays small.
    assert!(
        d.trend[47] < 2100.0 && d.trend[53] > 2400.0,
        "{} {}",
        d.trend[47],
        d.trend[53]
    );
    assert!(d.irregular.iter().all(|i| (i - 1.0).abs() < 0.05));
    // A known LS is placed by month: position 50 of a 2018 series is March 2022.
    let opts = Options {
        known: vec![KnownOutlier::ls(2022, 3)],
        detect: false,
        ..Options::default()
    }
    .starting(2018, 1);
    let d = decompose_with(&y, 12, Model::Multiplicative, &opts).unwrap();
    assert_eq!(d.outliers.len(), 1);
    assert!(d.outliers[0].known && d.outliers[0].index == 50);
    assert!((d.outliers[0].effect - 1.25).abs() < 0.03, "{}", d.outliers[0].effect);
}

#[test]
fn agrees_with_robust_stl() {
    // STL (Cleveland et al. 1990) on the log series, robust (15 outer
    // loops), seasonal window 7 years; factors exp(seasonal), centred.
    let (y, _, factors) = lockdown_series(2019, 8);
    let logs: Vec<f64> = y.iter().map(|v| v.ln()).collect();
    let stl = stlrs::params().seasonal_length(7).robust(true).fit(&logs, 12).unwrap();
    let stl_factors: Vec<f64> = stl.seasonal().iter().map(|s| s.exp()).collect();
    let d = decompose_with(&y, 12, Model::Multiplicative, &Options::default().starting(2019, 1)).unwrap();
    let mut worst: f64 = 0.0;
    for t in 0..y.len() {
        // Both methods against each other, and STL against the truth.
        worst = worst.max((d.seasonal[t] / stl_factors[t] - 1.0).abs());
        assert!((stl_factors[t] / factors[t] - 1.0).abs() < 0.03, "stl t={t}");
    }
    assert!(worst < 0.03, "X-11 vs STL: {worst}");
}
