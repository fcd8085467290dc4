use super::*;
use std::sync::Arc;

const Y: Option<bool> = Some(true);
const NO: Option<bool> = Some(false);
const UNK: Option<bool> = None;

/// z at 0.975: the standard normal quantile of a 95% two-sided interval.
const Z95: f64 = 1.959_963_984_540_054;

fn unit(treated: bool, stratum: &str, outcomes: &[Option<bool>]) -> Unit {
    Unit {
        treated,
        stratum: stratum.into(),
        covariates: Arc::from(Vec::new()),
        outcomes: outcomes.into(),
    }
}

fn with_covariates(treated: bool, stratum: &str, covariates: Vec<Covariate>) -> Unit {
    Unit {
        treated,
        stratum: stratum.into(),
        covariates: covariates.into(),
        outcomes: Arc::from(Vec::new()),
    }
}

fn cat(v: &str) -> Covariate {
    Covariate::Category(v.into())
}

fn close(a: f64, b: f64, tol: f64) {
    assert!((a - b).abs() <= tol, "{a} != {b} (tolerance {tol})");
}

/// Two strata, interleaved. Four horizons:
/// - 0: every outcome known;
/// - 1: every control of A unknown (A drops out);
/// - 2: one treated of B unknown;
/// - 3: every treated unknown.
///
/// Stratum A: treated (yes, no), controls (yes, no, no, no).
/// Stratum B: treated (yes, yes, no), controls (yes, no).
fn two_strata() -> Vec<Unit> {
    vec![
        unit(true, "A", &[Y, Y, Y, UNK]),
        unit(false, "B", &[Y, Y, Y, Y]),
        unit(false, "A", &[Y, UNK, Y, Y]),
        unit(true, "B", &[Y, Y, Y, UNK]),
        unit(false, "A", &[NO, UNK, NO, NO]),
        unit(true, "A", &[NO, NO, NO, UNK]),
        unit(true, "B", &[Y, Y, UNK, UNK]),
        unit(false, "A", &[NO, UNK, NO, NO]),
        unit(false, "B", &[NO, NO, NO, NO]),
        unit(true, "B", &[NO, NO, NO, UNK]),
        unit(false, "A", &[NO, UNK, NO, NO]),
    ]
}

#[test]
fn stratum_key_joins_with_unit_separator() {
    assert_eq!(
        stratum_key(&["F", "30-39", "C", "2024Q1"]),
        "F\u{1f}30-39\u{1f}C\u{1f}2024Q1"
    );
    assert_ne!(stratum_key(&["F3", "0"]), stratum_key(&["F", "30"]));
    assert_eq!(stratum_key(&[]), "");
    assert_eq!(STRATUM_SEPARATOR, "\u{1f}");
}

#[test]
fn two_strata_weights_counts_and_effect_by_hand() {
    let units = two_strata();
    let m = match_exact(&units);
    // A: n_T = 2, n_C = 4 → controls 2/4 = 0.5. B: n_T = 3, n_C = 2 → controls 3/2 = 1.5.
    // Dyadic fractions: the weights are exact.
    assert_eq!(m.weights, vec![1.0, 1.5, 0.5, 1.0, 0.5, 1.0, 1.0, 0.5, 1.5, 1.0, 0.5]);
    assert_eq!(
        m,
        Matched {
            weights: m.weights.clone(),
            stratum: vec![0, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0],
            strata: 2,
            matched_strata: 2,
            treated: 5,
            treated_matched: 5,
            controls: 6,
            controls_matched: 6,
        }
    );

    // Horizon 0. w_A = 2/5, w_B = 3/5.
    // p_T,A = 1/2, p_C,A = 1/4; p_T,B = 2/3, p_C,B = 1/2.
    // treated = (1 + 2) / 5 = 0.6; controls = 0.4·0.25 + 0.6·0.5 = 0.4; ATT = 0.2.
    // (Same as the weighted control share: (0.5·1 + 1.5·1) / (0.5·4 + 1.5·2) = 2/5.)
    // Var = 0.16·(0.25/2 + 0.1875/4) + 0.36·((2/9)/3 + 0.25/2)
    //     = 0.16·0.171875 + 0.36·(2/27 + 1/8) = 11/400 + 43/600 = 119/1200.
    let e = effect(&units, &m, 0, 0.95).expect("both strata contribute");
    close(e.treated, 0.6, 1e-15);
    close(e.controls, 0.4, 1e-15);
    close(e.difference, 0.2, 1e-15);
    let se = (119.0_f64 / 1200.0).sqrt();
    close(e.std_err, se, 1e-15);
    close(e.lower, 0.2 - Z95 * se, 1e-12);
    close(e.upper, 0.2 + Z95 * se, 1e-12);
    assert_eq!((e.n_treated, e.n_controls), (5, 6));

    // Another level: z at 0.95 is 1.6448536269514722.
    let e90 = effect(&units, &m, 0, 0.90).expect("both strata contribute");
    close(e90.upper - e90.difference, 1.644_853_626_951_472_2 * se, 1e-12);
}

#[test]
fn one_sided_strata_get_weight_zero_and_count_unmatched() {
    let mut units = two_strata();
    // C: treated only; D: controls only. Their outcomes must not enter the effect.
    units.push(unit(true, "C", &[Y, Y, Y, Y]));
    units.push(unit(false, "D", &[Y, Y, Y, Y]));
    units.push(unit(false, "D", &[Y, Y, Y, Y]));
    let m = match_exact(&units);
    assert_eq!(&m.weights[11..], &[0.0, 0.0, 0.0]);
    assert_eq!((m.strata, m.matched_strata), (4, 2));
    assert_eq!((m.treated, m.treated_matched), (6, 5));
    assert_eq!((m.controls, m.controls_matched), (8, 6));
    // The effect is the two-strata one.
    let alone = two_strata();
    let e = effect(&units, &m, 0, 0.95).expect("A and B contribute");
    assert_eq!(Some(e), effect(&alone, &match_exact(&alone), 0, 0.95));
}

#[test]
fn control_weights_sum_to_treated_in_each_stratum() {
    // (stratum, treated, controls)
    let plan = [
        ("a", 2, 3),
        ("b", 5, 7),
        ("c", 1, 1),
        ("d", 3, 0),
        ("e", 0, 4),
        ("f", 7, 3),
    ];
    let mut units = Vec::new();
    for (s, nt, nc) in plan {
        units.extend((0..nt).map(|_| unit(true, s, &[])));
        units.extend((0..nc).map(|_| unit(false, s, &[])));
    }
    let m = match_exact(&units);
    for (s, nt, nc) in plan {
        let sum = |treated: bool| -> f64 {
            units
                .iter()
                .zip(&m.weights)
                .filter(|(u, _)| &*u.stratum == s && u.treated == treated)
                .map(|(_, w)| *w)
                .sum()
        };
        let expected = if nt > 0 && nc > 0 { f64::from(nt) } else { 0.0 };
        close(sum(false), expected, 1e-12);
        close(sum(true), expected, 0.0);
    }
    assert_eq!(
        (m.strata, m.matched_strata, m.treated_matched, m.controls_matched),
        (6, 4, 15, 14)
    );
}

#[test]
fn balance_exact_on_matched_category_imbalance_on_the_other() {
    // Covariate 0: sex, the stratum. Covariate 1: area, not matched on.
    // F: treated (F,N); controls (F,N), (F,S) → weight 1/2.
    // M: treated (M,N) ×3; controls (M,N) ×2, (M,S) ×2 → weight 3/4.
    let mut units = vec![with_covariates(true, "F", vec![cat("F"), cat("N")])];
    units.push(with_covariates(false, "F", vec![cat("F"), cat("N")]));
    units.push(with_covariates(false, "F", vec![cat("F"), cat("S")]));
    for _ in 0..3 {
        units.push(with_covariates(true, "M", vec![cat("M"), cat("N")]));
    }
    for area in ["N", "N", "S", "S"] {
        units.push(with_covariates(false, "M", vec![cat("M"), cat(area)]));
    }
    let m = match_exact(&units);
    let rows = balance(&units, &m);
    let keys: Vec<(usize, Option<&str>)> = rows.iter().map(|r| (r.covariate, r.level.as_deref())).collect();
    assert_eq!(
        keys,
        vec![(0, Some("F")), (0, Some("M")), (1, Some("N")), (1, Some("S"))]
    );

    // Sex F before: 1/4 vs 2/6; d = (1/4 − 1/3) / sqrt((3/16 + 2/9) / 2).
    let before = &rows[0].before;
    close(before.mean_treated, 0.25, 1e-15);
    close(before.mean_controls, 1.0 / 3.0, 1e-15);
    close(
        before.std_diff,
        (0.25 - 1.0 / 3.0) / ((3.0 / 16.0 + 2.0 / 9.0) / 2.0_f64).sqrt(),
        1e-12,
    );
    // After: controls (2·0.5) / (2·0.5 + 4·0.75) = 1/4, the treated share: d exactly 0.
    for row in &rows[..2] {
        assert_eq!(row.after.mean_treated, row.after.mean_controls);
        assert_eq!(row.after.std_diff, 0.0);
    }
    // Area N: treated 1; controls after (0.5 + 2·0.75) / 4 = 1/2 (also 3/6 before).
    // d = (1 − 1/2) / sqrt((0 + 1/4) / 2) = sqrt(2); level S: −sqrt(2).
    for (row, sign) in rows[2..].iter().zip([1.0, -1.0]) {
        close(row.after.std_diff, sign * 2.0_f64.sqrt(), 1e-12);
        close(row.before.std_diff, sign * 2.0_f64.sqrt(), 1e-12);
        assert!(row.after.std_diff.abs() > 0.1);
    }
}

#[test]
fn balance_numeric_austin_formula() {
    // One stratum. Treated x = 1, 3: mean 2, sample variance 2. Controls x = 2, 4, 6: mean 4,
    // sample variance 4. d = (2 − 4) / sqrt((2 + 4) / 2) = −2 / sqrt(3), before and after (equal
    // control weights 2/3: V1 = 2, V2 = 4/3, V1 / (V1² − V2) = 3/4, Σ w (x − 4)² = 16/3 → 4).
    let units = vec![
        with_covariates(true, "s", vec![Covariate::Number(1.0)]),
        with_covariates(true, "s", vec![Covariate::Number(3.0)]),
        with_covariates(false, "s", vec![Covariate::Number(2.0)]),
        with_covariates(false, "s", vec![Covariate::Number(4.0)]),
        with_covariates(false, "s", vec![Covariate::Number(6.0)]),
    ];
    let m = match_exact(&units);
    let rows = balance(&units, &m);
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].covariate, rows[0].level.clone()), (0, None));
    let d = -2.0 / 3.0_f64.sqrt();
    close(rows[0].before.std_diff, d, 1e-12);
    close(rows[0].after.std_diff, d, 1e-12);
    close(rows[0].after.mean_controls, 4.0, 1e-12);
}

#[test]
fn balance_numeric_weighted_variance() {
    // S1: treated x = 1; controls x = 0, 2 (weight 1/2). S2: treated x = 3; control x = 4 (weight 1).
    // Before: treated mean 2, var 2; controls mean 2, var 4 → d = 0.
    // After: controls mean (0 + 1 + 4) / 2 = 2.5; V1 = 2, V2 = 1.5, V1 / (V1² − V2) = 0.8;
    // Σ w (x − 2.5)² = 0.5·6.25 + 0.5·0.25 + 2.25 = 5.5 → var 4.4.
    // d = (2 − 2.5) / sqrt((2 + 4.4) / 2) = −0.5 / sqrt(3.2).
    let units = vec![
        with_covariates(true, "s1", vec![Covariate::Number(1.0)]),
        with_covariates(false, "s1", vec![Covariate::Number(0.0)]),
        with_covariates(false, "s1", vec![Covariate::Number(2.0)]),
        with_covariates(true, "s2", vec![Covariate::Number(3.0)]),
        with_covariates(false, "s2", vec![Covariate::Number(4.0)]),
    ];
    let m = match_exact(&units);
    let rows = balance(&units, &m);
    assert_eq!(rows[0].before.std_diff, 0.0);
    close(rows[0].after.mean_treated, 2.0, 1e-15);
    close(rows[0].after.mean_controls, 2.5, 1e-15);
    close(rows[0].after.std_diff, -0.5 / 3.2_f64.sqrt(), 1e-12);
}

#[test]
fn balance_edge_cases_are_not_clamped() {
    // Complete separation before (treated all "x", controls all "y"): both variances 0, d = ±∞.
    // No stratum is matched: after, both groups are empty and the means are NaN.
    let units = vec![
        with_covariates(true, "a", vec![cat("x"), Covariate::Number(5.0)]),
        with_covariates(false, "b", vec![cat("y"), Covariate::Number(5.0)]),
    ];
    let m = match_exact(&units);
    assert_eq!(m.weights, vec![0.0, 0.0]);
    let rows = balance(&units, &m);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].before.std_diff, f64::INFINITY);
    assert_eq!(rows[1].before.std_diff, f64::NEG_INFINITY);
    // One unit per group: the sample variance is undefined (NaN), so is d.
    assert!(rows[2].before.std_diff.is_nan());
    for row in &rows {
        assert!(row.after.mean_treated.is_nan() && row.after.mean_controls.is_nan());
    }
    assert!(balance(&[], &match_exact(&[])).is_empty());
}

#[test]
#[should_panic(expected = "not a number")]
fn balance_rejects_mixed_kinds() {
    let units = vec![
        with_covariates(true, "a", vec![Covariate::Number(1.0)]),
        with_covariates(false, "a", vec![cat("1")]),
    ];
    balance(&units, &match_exact(&units));
}

#[test]
fn unknown_outcomes_are_dropped_and_strata_reweighted() {
    let units = two_strata();
    let m = match_exact(&units);
    // Horizon 1: every control of A unknown → A drops out; only B:
    // treated 2/3, controls 1/2, ATT 1/6; Var = (2/9)/3 + (1/4)/2 = 43/216.
    let e = effect(&units, &m, 1, 0.95).expect("B contributes");
    assert_eq!((e.n_treated, e.n_controls), (3, 2));
    close(e.treated, 2.0 / 3.0, 1e-15);
    close(e.controls, 0.5, 1e-15);
    close(e.difference, 1.0 / 6.0, 1e-15);
    close(e.std_err, (43.0_f64 / 216.0).sqrt(), 1e-15);
    // Horizon 2: one treated of B unknown → n_T,B = 2, w_A = w_B = 1/2.
    // p_T,A = 1/2, p_C,A = 1/4, p_T,B = 1/2, p_C,B = 1/2: treated 2/4, controls 0.375, ATT 0.125;
    // Var = 0.25·(0.25/2 + 0.1875/4) + 0.25·(0.25/2 + 0.25/2) = 0.04296875 + 0.0625.
    let e = effect(&units, &m, 2, 0.95).expect("A and B contribute");
    assert_eq!((e.n_treated, e.n_controls), (4, 6));
    close(e.treated, 0.5, 1e-15);
    close(e.controls, 0.375, 1e-15);
    close(e.difference, 0.125, 1e-15);
    close(e.std_err, 0.105_468_75_f64.sqrt(), 1e-15);
    // Horizon 3: every treated unknown → no stratum has both.
    assert_eq!(effect(&units, &m, 3, 0.95), None);
    assert_eq!(effect(&[], &match_exact(&[]), 0, 0.95), None);
}

#[test]
fn degenerate_shares_give_a_zero_width_interval() {
    let units = vec![
        unit(true, "s", &[Y]),
        unit(true, "s", &[Y]),
        unit(false, "s", &[NO]),
        unit(false, "s", &[NO]),
        unit(false, "s", &[NO]),
    ];
    let e = effect(&units, &match_exact(&units), 0, 0.95).expect("one stratum");
    assert_eq!((e.difference, e.std_err, e.lower, e.upper), (1.0, 0.0, 1.0, 1.0));
}

#[test]
#[should_panic(expected = "level")]
fn effect_rejects_a_level_outside_zero_one() {
    let units = two_strata();
    effect(&units, &match_exact(&units), 0, 1.0);
}

#[test]
#[should_panic(expected = "no outcome 4")]
fn effect_rejects_a_missing_horizon() {
    let units = two_strata();
    effect(&units, &match_exact(&units), 4, 0.95);
}

#[test]
fn deterministic_and_levels_sorted() {
    // Levels first seen as c, a, b; "z" only among unmatched units (after: 0 vs 0, d = 0).
    let mut units = Vec::new();
    for (i, level) in ["c", "a", "b", "c", "a", "b", "a", "c"].iter().enumerate() {
        let stratum = ["s1", "s2", "s3"][i % 3];
        let mut u = with_covariates(i % 2 == 0, stratum, vec![cat(level), Covariate::Number(i as f64)]);
        u.outcomes = vec![Some(i % 3 == 0)].into();
        units.push(u);
    }
    let mut lone = with_covariates(true, "s9", vec![cat("z"), Covariate::Number(9.0)]);
    lone.outcomes = vec![Y].into();
    units.push(lone);

    let m = match_exact(&units);
    let rows = balance(&units, &m);
    let levels: Vec<Option<&str>> = rows.iter().map(|r| r.level.as_deref()).collect();
    assert_eq!(levels, vec![Some("a"), Some("b"), Some("c"), Some("z"), None]);
    assert_eq!(rows[3].after.std_diff, 0.0);
    let e = effect(&units, &m, 0, 0.95);
    for _ in 0..5 {
        let again = match_exact(&units);
        assert_eq!(again, m);
        assert_eq!(balance(&units, &again), rows);
        assert_eq!(effect(&units, &again, 0, 0.95), e);
    }
}

#[test]
fn balance_of_categories_in_one_pass_is_the_per_level_indicator_to_the_bit() {
    // Many units, uneven weights (not representable sums), three levels and one absent from a
    // group: each level's means must be those of `compare` on its 0/1 indicator, bit for bit,
    // and its standardised difference Austin's with the indicator's variance p (1 − p).
    let levels = ["a", "b", "c"];
    let units: Vec<Unit> = (0..997)
        .map(|i| {
            let level = if i % 2 == 0 { levels[i % 3] } else { levels[i % 2] };
            with_covariates(i % 5 < 2, &format!("s{}", i % 7), vec![cat(level)])
        })
        .collect();
    let weights: Vec<f64> = (0..997)
        .map(|i| if i % 11 == 0 { 0.0 } else { 1.0 / (1 + i % 13) as f64 })
        .collect();
    let m = Matched {
        weights: weights.clone(),
        ..match_exact(&units)
    };
    let rows = balance(&units, &m);
    assert_eq!(rows.len(), 3);
    for row in &rows {
        let level = row.level.as_deref().unwrap();
        let x: Vec<f64> = units
            .iter()
            .map(|u| match &u.covariates[0] {
                Covariate::Category(v) if v.as_ref() == level => 1.0,
                _ => 0.0,
            })
            .collect();
        for (got, w) in [(&row.before, None), (&row.after, Some(&weights[..]))] {
            let plain = compare(&units, &x, w);
            assert_eq!(got.mean_treated.to_bits(), plain.mean_treated.to_bits(), "{level}");
            assert_eq!(got.mean_controls.to_bits(), plain.mean_controls.to_bits(), "{level}");
            let var = |p: f64| p * (1.0 - p);
            let d = std_diff(
                got.mean_treated,
                got.mean_controls,
                var(got.mean_treated),
                var(got.mean_controls),
            );
            assert_eq!(got.std_diff.to_bits(), d.to_bits(), "{level}");
        }
    }
}
