use super::*;

fn obs(time: u32, cause: u8) -> Obs {
    Obs {
        time,
        cause,
        weight: 1.0,
    }
}

/// Rows from `(time, cause)` pairs, weight 1.
fn rows(pairs: &[(u32, u8)]) -> Vec<Obs> {
    pairs.iter().map(|&(t, c)| obs(t, c)).collect()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[track_caller]
fn assert_close(a: f64, b: f64, tol: f64) {
    assert!(close(a, b, tol), "{a} vs {b} (tolerance {tol})");
}

/// Freireich et al. (1963), 6-MP arm: remission times in weeks, `false` = censored.
fn six_mp() -> Vec<Obs> {
    let data: [(u32, bool); 21] = [
        (6, true),
        (6, true),
        (6, true),
        (6, false),
        (7, true),
        (9, false),
        (10, true),
        (10, false),
        (11, false),
        (13, true),
        (16, true),
        (17, false),
        (19, false),
        (20, false),
        (22, true),
        (23, true),
        (25, false),
        (32, false),
        (32, false),
        (34, false),
        (35, false),
    ];
    data.iter().map(|&(t, e)| obs(t, u8::from(e))).collect()
}

/// Freireich et al. (1963), placebo arm: every time is a relapse.
fn placebo() -> Vec<Obs> {
    [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]
        .iter()
        .map(|&t| obs(t, 1))
        .collect()
}

/// A deterministic pseudo-random sample with many ties, three causes and censoring.
fn scrambled(n: usize, seed: u64) -> Vec<Obs> {
    let mut state = seed;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as u32
    };
    (0..n)
        .map(|_| Obs {
            time: next() % 40,
            cause: (next() % 4) as u8,
            weight: 1.0,
        })
        .collect()
}

fn point(curve: &[KmPoint], t: u32) -> &KmPoint {
    curve
        .iter()
        .find(|p| p.time == t)
        .unwrap_or_else(|| panic!("no point at {t}"))
}

// ---------------------------------------------------------------- Kaplan–Meier

#[test]
fn z_is_the_normal_quantile() {
    assert_close(z(0.95), 1.959964, 1e-6);
    assert_close(z(0.90), 1.644854, 1e-6);
}

#[test]
#[should_panic(expected = "confidence level")]
fn level_outside_the_unit_interval_panics() {
    kaplan_meier(&six_mp(), 95.0);
}

/// The published table: `survfit(Surv(time, cens) ~ treat, data = gehan, conf.type = "log-log")`,
/// Venables & Ripley, MASS (4th ed. 2002), §13.1, the 6-MP arm; also Kleinbaum & Klein (2012).
#[test]
fn freireich_six_mp_matches_the_published_table() {
    let km = kaplan_meier(&six_mp(), 0.95);
    // (time, n.risk, n.event, survival, std.err, lower 95%, upper 95%)
    let table = [
        (6, 21.0, 3.0, 0.857, 0.0764, 0.620, 0.952),
        (7, 17.0, 1.0, 0.807, 0.0869, 0.563, 0.923),
        (10, 15.0, 1.0, 0.753, 0.0963, 0.503, 0.889),
        (13, 12.0, 1.0, 0.690, 0.1068, 0.432, 0.849),
        (16, 11.0, 1.0, 0.627, 0.1141, 0.368, 0.805),
        (22, 7.0, 1.0, 0.538, 0.1282, 0.268, 0.747),
        (23, 6.0, 1.0, 0.448, 0.1346, 0.188, 0.680),
    ];
    for (t, n, d, s, se, lo, hi) in table {
        let p = point(&km, t);
        assert_eq!((p.at_risk, p.events), (n, d), "counts at {t}");
        assert_close(p.survival, s, 0.0005);
        assert_close(p.std_err, se, 0.00005);
        assert_close(p.lower, lo, 0.0005);
        assert_close(p.upper, hi, 0.0005);
    }
    // Exact values by hand: S(6) = 18/21, S(7) = 18/21 · 16/17.
    assert_close(point(&km, 6).survival, 18.0 / 21.0, 1e-12);
    assert_close(point(&km, 7).survival, 18.0 / 21.0 * 16.0 / 17.0, 1e-12);
    // Greenwood at 6 by hand: (18/21) · sqrt(3 / (21 · 18)).
    assert_close(
        point(&km, 6).std_err,
        18.0 / 21.0 * (3.0_f64 / (21.0 * 18.0)).sqrt(),
        1e-12,
    );
}

#[test]
fn one_point_per_distinct_time_with_events_before_censorings() {
    let km = kaplan_meier(&six_mp(), 0.95);
    let times: Vec<u32> = km.iter().map(|p| p.time).collect();
    assert_eq!(times, [6, 7, 9, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 34, 35]);
    let p6 = point(&km, 6);
    assert_eq!((p6.at_risk, p6.events, p6.censored), (21.0, 3.0, 1.0));
    // A censoring-only time keeps S and its interval.
    let (p7, p9) = (point(&km, 7), point(&km, 9));
    assert_eq!((p9.at_risk, p9.events, p9.censored), (16.0, 0.0, 1.0));
    assert_eq!(
        (p9.survival, p9.std_err, p9.lower, p9.upper),
        (p7.survival, p7.std_err, p7.lower, p7.upper)
    );
    let p32 = point(&km, 32);
    assert_eq!((p32.at_risk, p32.events, p32.censored), (4.0, 0.0, 2.0));
}

#[test]
fn an_event_and_a_censoring_on_the_same_day_leave_the_censored_at_risk() {
    let km = kaplan_meier(&rows(&[(5, 1), (5, 0)]), 0.95);
    assert_eq!(km.len(), 1);
    assert_eq!((km[0].at_risk, km[0].events, km[0].censored), (2.0, 1.0, 1.0));
    assert_eq!(km[0].survival, 0.5);
}

#[test]
fn placebo_arm_is_the_empirical_survival() {
    let km = kaplan_meier(&placebo(), 0.95);
    for (t, left) in [
        (1, 19.0),
        (2, 17.0),
        (3, 16.0),
        (4, 14.0),
        (5, 12.0),
        (8, 8.0),
        (22, 1.0),
    ] {
        assert_close(point(&km, t).survival, left / 21.0, 1e-12);
    }
    let last = point(&km, 23);
    assert_eq!(
        (last.survival, last.std_err, last.lower, last.upper),
        (0.0, 0.0, 0.0, 0.0)
    );
    // Without censoring Greenwood is the binomial standard error: S = 12/21 at 5.
    let s: f64 = 12.0 / 21.0;
    assert_close(point(&km, 5).std_err, (s * (1.0 - s) / 21.0).sqrt(), 1e-12);
}

#[test]
fn medians_of_the_freireich_arms() {
    assert_eq!(median(&kaplan_meier(&six_mp(), 0.95)), Some(23));
    assert_eq!(median(&kaplan_meier(&placebo(), 0.95)), Some(8));
}

#[test]
fn median_on_an_exact_half_is_the_first_day_there() {
    // S = 3/4, 1/2, 1/4, 0: exactly 0.5 from day 2 (R would print 2.5).
    let km = kaplan_meier(&rows(&[(1, 1), (2, 1), (3, 1), (4, 1)]), 0.95);
    assert_eq!(median(&km), Some(2));
    // Exactly 1/2 in theory, 0.5000000000000001 in floating point: 24 people, one event on each
    // of days 1..=12, then 12 censorings; S(12) = 23/24 · 22/23 · … · 12/13.
    let mut data: Vec<Obs> = (1..=12).map(|t| obs(t, 1)).collect();
    data.extend((0..12).map(|_| obs(20, 0)));
    let km = kaplan_meier(&data, 0.95);
    assert!(point(&km, 12).survival > 0.5);
    assert_eq!(median(&km), Some(12));
}

#[test]
fn survival_at_is_a_right_continuous_step() {
    let km = kaplan_meier(&six_mp(), 0.95);
    assert_eq!(survival_at(&km, 0), 1.0);
    assert_eq!(survival_at(&km, 5), 1.0);
    assert_close(survival_at(&km, 6), 0.857, 0.0005);
    assert_close(survival_at(&km, 9), 0.807, 0.0005);
    assert_close(survival_at(&km, 21), 0.627, 0.0005);
    assert_close(survival_at(&km, 23), 0.448, 0.0005);
    assert_close(survival_at(&km, 1000), 0.448, 0.0005);
    assert_eq!(survival_at(&[], 10), 1.0);
}

#[test]
fn empty_input() {
    assert!(kaplan_meier(&[], 0.95).is_empty());
    assert_eq!(median(&[]), None);
    assert!(cumulative_incidence(&[], 1, 0.95).is_empty());
    assert_eq!(incidence_at(&[], 3), 0.0);
    assert_eq!(log_rank(&[]), None);
    assert_eq!(log_rank(&[&[], &[]]), None);
}

#[test]
fn all_censored_stays_at_one() {
    let data = rows(&[(3, 0), (3, 0), (10, 0), (20, 0)]);
    let km = kaplan_meier(&data, 0.95);
    assert_eq!(km.len(), 3);
    for p in &km {
        assert_eq!((p.survival, p.std_err, p.lower, p.upper), (1.0, 0.0, 1.0, 1.0));
    }
    assert_eq!(median(&km), None);
    for p in cumulative_incidence(&data, 1, 0.95) {
        assert_eq!((p.incidence, p.std_err, p.lower, p.upper), (0.0, 0.0, 0.0, 0.0));
    }
    assert_eq!(log_rank(&[&data, &data]), None);
}

#[test]
fn all_events_at_time_zero() {
    let data = rows(&[(0, 1), (0, 2), (0, 1)]);
    let km = kaplan_meier(&data, 0.95);
    assert_eq!(km.len(), 1);
    let p = &km[0];
    assert_eq!((p.time, p.at_risk, p.events, p.censored), (0, 3.0, 3.0, 0.0));
    assert_eq!((p.survival, p.std_err, p.lower, p.upper), (0.0, 0.0, 0.0, 0.0));
    assert_eq!(median(&km), Some(0));
    assert_eq!(survival_at(&km, 0), 0.0);
    let cif = cumulative_incidence(&data, 1, 0.95);
    assert_close(cif[0].incidence, 2.0 / 3.0, 1e-12);
    // Binomial: sqrt((2/3)(1/3)/3).
    assert_close(cif[0].std_err, (2.0_f64 / 27.0).sqrt(), 1e-12);
    assert_close(cumulative_incidence(&data, 2, 0.95)[0].incidence, 1.0 / 3.0, 1e-12);
}

#[test]
fn a_single_observation() {
    let km = kaplan_meier(&[obs(5, 1)], 0.95);
    assert_eq!(km.len(), 1);
    assert_eq!(
        (km[0].at_risk, km[0].survival, km[0].std_err, km[0].lower, km[0].upper),
        (1.0, 0.0, 0.0, 0.0, 0.0)
    );
    assert_eq!(median(&km), Some(5));
    let cif = cumulative_incidence(&[obs(5, 1)], 1, 0.95);
    assert_eq!(
        (cif[0].incidence, cif[0].std_err, cif[0].lower, cif[0].upper),
        (1.0, 0.0, 1.0, 1.0)
    );
    let km = kaplan_meier(&[obs(5, 0)], 0.95);
    assert_eq!((km[0].survival, km[0].censored), (1.0, 1.0));
    assert_eq!(median(&km), None);
    assert_eq!(log_rank(&[&[obs(5, 1)]]), None);
}

#[test]
fn nothing_is_ever_nan() {
    for seed in 1..20 {
        let data = scrambled(60, seed);
        for p in kaplan_meier(&data, 0.95) {
            for x in [p.survival, p.std_err, p.lower, p.upper] {
                assert!(x.is_finite() && (0.0..=1.0).contains(&x), "{p:?}");
            }
            assert!(p.lower <= p.survival && p.survival <= p.upper, "{p:?}");
        }
        for cause in 1..=3 {
            for p in cumulative_incidence(&data, cause, 0.95) {
                for x in [p.incidence, p.std_err, p.lower, p.upper] {
                    assert!(x.is_finite() && (0.0..=1.0).contains(&x), "{p:?}");
                }
                assert!(p.lower <= p.incidence && p.incidence <= p.upper, "{p:?}");
            }
        }
    }
}

// ---------------------------------------------------------------- weights

#[test]
fn doubling_every_weight_leaves_the_estimates_unchanged() {
    let data = scrambled(80, 7);
    let doubled: Vec<Obs> = data.iter().map(|o| Obs { weight: 2.0, ..*o }).collect();
    let (a, b) = (kaplan_meier(&data, 0.95), kaplan_meier(&doubled, 0.95));
    assert_eq!(a.len(), b.len());
    for (p, q) in a.iter().zip(&b) {
        assert_eq!((p.time, 2.0 * p.at_risk, 2.0 * p.events), (q.time, q.at_risk, q.events));
        assert_close(p.survival, q.survival, 1e-12);
    }
    let (a, b) = (
        cumulative_incidence(&data, 2, 0.95),
        cumulative_incidence(&doubled, 2, 0.95),
    );
    for (p, q) in a.iter().zip(&b) {
        assert_close(p.incidence, q.incidence, 1e-12);
    }
}

#[test]
fn integer_weights_equal_duplicated_rows() {
    let data = scrambled(50, 11);
    let weighted: Vec<Obs> = data
        .iter()
        .enumerate()
        .map(|(i, o)| Obs {
            weight: (i % 3 + 1) as f64,
            ..*o
        })
        .collect();
    let duplicated: Vec<Obs> = data
        .iter()
        .enumerate()
        .flat_map(|(i, o)| std::iter::repeat_n(*o, i % 3 + 1))
        .collect();
    let (a, b) = (kaplan_meier(&weighted, 0.9), kaplan_meier(&duplicated, 0.9));
    assert_eq!(a.len(), b.len());
    for (p, q) in a.iter().zip(&b) {
        assert_eq!(
            (p.time, p.at_risk, p.events, p.censored),
            (q.time, q.at_risk, q.events, q.censored)
        );
        for (x, y) in [
            (p.survival, q.survival),
            (p.std_err, q.std_err),
            (p.lower, q.lower),
            (p.upper, q.upper),
        ] {
            assert_close(x, y, 1e-12);
        }
    }
    for cause in 1..=3 {
        let (a, b) = (
            cumulative_incidence(&weighted, cause, 0.9),
            cumulative_incidence(&duplicated, cause, 0.9),
        );
        assert_eq!(a.len(), b.len());
        for (p, q) in a.iter().zip(&b) {
            assert_eq!((p.time, p.at_risk, p.events), (q.time, q.at_risk, q.events));
            for (x, y) in [
                (p.incidence, q.incidence),
                (p.std_err, q.std_err),
                (p.lower, q.lower),
                (p.upper, q.upper),
            ] {
                assert_close(x, y, 1e-12);
            }
        }
    }
    let other = scrambled(40, 12);
    let a = log_rank(&[&weighted, &other]).expect("test");
    let b = log_rank(&[&duplicated, &other]).expect("test");
    assert_close(a.chi2, b.chi2, 1e-9);
    assert_close(a.expected[0], b.expected[0], 1e-9);
    assert_eq!(a.observed, b.observed);
}

#[test]
fn zero_and_non_finite_weights_are_ignored() {
    let mut data = six_mp();
    data.push(Obs {
        time: 3,
        cause: 1,
        weight: 0.0,
    });
    data.push(Obs {
        time: 4,
        cause: 1,
        weight: f64::NAN,
    });
    data.push(Obs {
        time: 5,
        cause: 0,
        weight: -1.0,
    });
    data.push(Obs {
        time: 8,
        cause: 2,
        weight: f64::INFINITY,
    });
    assert_eq!(kaplan_meier(&data, 0.95), kaplan_meier(&six_mp(), 0.95));
    assert_eq!(
        cumulative_incidence(&data, 1, 0.95),
        cumulative_incidence(&six_mp(), 1, 0.95)
    );
}

// ---------------------------------------------------------------- Aalen–Johansen

#[test]
fn with_a_single_cause_the_incidence_is_one_minus_km() {
    for data in [
        six_mp(),
        placebo(),
        scrambled(70, 3)
            .into_iter()
            .map(|o| Obs {
                cause: o.cause.min(1),
                ..o
            })
            .collect(),
    ] {
        let km = kaplan_meier(&data, 0.95);
        let cif = cumulative_incidence(&data, 1, 0.95);
        assert_eq!(km.len(), cif.len());
        for (p, q) in km.iter().zip(&cif) {
            assert_eq!((p.time, p.at_risk, p.events), (q.time, q.at_risk, q.events));
            assert_close(q.incidence, 1.0 - p.survival, 1e-12);
            // The delta method reduces to Greenwood.
            assert_close(q.std_err, p.std_err, 1e-12);
        }
    }
}

#[test]
fn incidences_and_survival_add_up_to_one() {
    for seed in [2, 5, 9] {
        let data = scrambled(90, seed);
        let km = kaplan_meier(&data, 0.95);
        let cifs: Vec<Vec<CifPoint>> = (1..=3).map(|c| cumulative_incidence(&data, c, 0.95)).collect();
        for (j, p) in km.iter().enumerate() {
            let total: f64 = cifs.iter().map(|c| c[j].incidence).sum();
            assert_close(total + p.survival, 1.0, 1e-12);
            for t in [p.time, p.time + 1] {
                let total: f64 = cifs.iter().map(|c| incidence_at(c, t)).sum();
                assert_close(total + survival_at(&km, t), 1.0, 1e-12);
            }
        }
    }
}

/// By hand, 8 people: (1, new job), (2, new job), (2, recall), (2, censored), (3, recall),
/// (4, censored), (5, new job), (5, censored).
/// t=1: n=8, S=7/8, F1=1/8. t=2: n=7, F1 += 7/8·1/7 → 1/4, F2 = 1/8, S = 5/8.
/// t=3: n=4, F2 += 5/8·1/4 → 9/32, S = 15/32. t=4: censoring only. t=5: n=2, F1 += 15/64 → 31/64.
#[test]
fn hand_computed_competing_risks_with_ties_across_causes() {
    let data = rows(&[(1, 1), (2, 1), (2, 2), (2, 0), (3, 2), (4, 0), (5, 1), (5, 0)]);
    let f1 = cumulative_incidence(&data, 1, 0.95);
    let f2 = cumulative_incidence(&data, 2, 0.95);
    let times: Vec<u32> = f1.iter().map(|p| p.time).collect();
    assert_eq!(times, [1, 2, 3, 4, 5]);
    let at_risk: Vec<f64> = f1.iter().map(|p| p.at_risk).collect();
    assert_eq!(at_risk, [8.0, 7.0, 4.0, 3.0, 2.0]);
    let events1: Vec<f64> = f1.iter().map(|p| p.events).collect();
    let events2: Vec<f64> = f2.iter().map(|p| p.events).collect();
    assert_eq!(events1, [1.0, 1.0, 0.0, 0.0, 1.0]);
    assert_eq!(events2, [0.0, 1.0, 1.0, 0.0, 0.0]);
    for (p, want) in f1.iter().zip([1.0 / 8.0, 1.0 / 4.0, 1.0 / 4.0, 1.0 / 4.0, 31.0 / 64.0]) {
        assert_close(p.incidence, want, 1e-12);
    }
    for (p, want) in f2.iter().zip([0.0, 1.0 / 8.0, 9.0 / 32.0, 9.0 / 32.0, 9.0 / 32.0]) {
        assert_close(p.incidence, want, 1e-12);
    }
    // Variance of F1(2) by hand: step 1 gives (1/8)²·1/56 + 7/512 − 2·(1/8)·1/64 = 9/896,
    // step 2 gives (7/8)²·1·6/343 = 3/224; total 3/128 (the binomial (1/4)(3/4)/8, as the
    // censoring at 2 comes after the events).
    assert_close(f1[1].std_err, (3.0_f64 / 128.0).sqrt(), 1e-12);
    // Variance of F2(3) by hand: 81/57344 + 33/3584 + 75/4096 = 1659/57344.
    assert_close(f2[2].std_err, (1659.0_f64 / 57344.0).sqrt(), 1e-12);
    // Log-log intervals: F^exp(±1.959964 · se / (F |ln F|)).
    assert_close(f1[1].lower, 0.0370669, 1e-6);
    assert_close(f1[1].upper, 0.5580842, 1e-6);
    assert_close(f2[2].lower, 0.0395858, 1e-6);
    assert_close(f2[2].upper, 0.6075685, 1e-6);
    // Step function.
    assert_eq!(incidence_at(&f1, 0), 0.0);
    assert_close(incidence_at(&f1, 4), 0.25, 1e-12);
    assert_close(incidence_at(&f1, 99), 31.0 / 64.0, 1e-12);
}

/// The expanded running sums against the defining double sum, on data with heavy ties.
#[test]
fn incidence_variance_matches_the_defining_sum() {
    let data = scrambled(120, 21);
    let km = kaplan_meier(&data, 0.95);
    for cause in 1..=3u8 {
        let cif = cumulative_incidence(&data, cause, 0.95);
        // Per step: S just before, n, d, d_k, F after.
        let mut before = 1.0;
        let mut terms = Vec::new();
        for (p, q) in km.iter().zip(&cif) {
            terms.push((before, p.at_risk, p.events, q.events, q.incidence));
            before = p.survival;
        }
        for (j, q) in cif.iter().enumerate() {
            let f = q.incidence;
            let var: f64 = terms[..=j]
                .iter()
                .filter(|t| t.2 > 0.0)
                .map(|&(s, n, d, dk, fi)| {
                    let a = if n > d {
                        (f - fi).powi(2) * d / (n * (n - d))
                    } else {
                        0.0
                    };
                    a + s * s * dk * (n - dk) / n.powi(3) - 2.0 * (f - fi) * s * dk / (n * n)
                })
                .sum();
            assert_close(q.std_err, var.sqrt(), 1e-12);
        }
    }
}

#[test]
#[should_panic(expected = "cause 0")]
fn incidence_of_cause_zero_panics() {
    cumulative_incidence(&six_mp(), 0, 0.95);
}

// ---------------------------------------------------------------- log-rank

/// Published: R `survdiff(Surv(time, cens) ~ treat, data = gehan)`: 6-MP O = 9, E = 19.3;
/// control O = 21, E = 10.7; Chisq = 16.8 on 1 df, p = 4e-05. Kleinbaum & Klein (2012) give
/// E = 19.25 and 10.75, variance 6.257 and log-rank 16.79.
#[test]
fn freireich_log_rank_matches_the_published_test() {
    let (a, b) = (six_mp(), placebo());
    let lr = log_rank(&[&a, &b]).expect("two groups with events");
    assert_eq!(lr.df, 1);
    assert_eq!(lr.observed, [9.0, 21.0]);
    assert_close(lr.expected[0], 19.25, 0.005);
    assert_close(lr.expected[1], 10.75, 0.005);
    assert_close(lr.chi2, 16.79, 0.005);
    assert_close(lr.p_value, 4.17e-5, 0.01e-5);
    // The order of the groups does not matter.
    let swapped = log_rank(&[&b, &a]).expect("test");
    assert_close(swapped.chi2, lr.chi2, 1e-10);
    assert_eq!(swapped.observed, [21.0, 9.0]);
}

#[test]
fn identical_groups_give_no_difference() {
    let data = six_mp();
    let lr = log_rank(&[&data, &data]).expect("test");
    assert_eq!(lr.df, 1);
    assert_close(lr.chi2, 0.0, 1e-12);
    assert_close(lr.p_value, 1.0, 1e-9);
    assert_eq!(lr.observed, lr.expected);
    let lr = log_rank(&[&data, &data, &data]).expect("test");
    assert_eq!(lr.df, 2);
    assert_close(lr.chi2, 0.0, 1e-12);
}

/// By hand, three groups: G1 = (1 event, 3 censored), G2 = (2 event, 4 event),
/// G3 = (1 event, 2 censored). Event times 1, 2, 4:
/// t=1: n = (2, 2, 2), d = 2: E += 2/3 each, V += 8/5 · (1/3)(δ − 1/3).
/// t=2: n = (1, 2, 1), d = 1: E += (1/4, 1/2, 1/4), V += p_g (δ − p_h) with p = (1/4, 1/2, 1/4).
/// t=4: n = (0, 1, 0), d = 1: E2 += 1, no variance (n = 1).
/// O − E = (1/12, −1/6, 1/12); V11 = 391/720, V22 = 436/720, V12 = −218/720; chi2 = 5/109.
/// With 2 df the p-value is exp(−chi2/2).
#[test]
fn three_groups_by_hand() {
    let g1 = rows(&[(1, 1), (3, 0)]);
    let g2 = rows(&[(2, 1), (4, 2)]);
    let g3 = rows(&[(1, 1), (2, 0)]);
    let lr = log_rank(&[&g1, &g2, &g3]).expect("test");
    assert_eq!(lr.df, 2);
    assert_eq!(lr.observed, [1.0, 2.0, 1.0]);
    for (e, want) in lr.expected.iter().zip([11.0 / 12.0, 13.0 / 6.0, 11.0 / 12.0]) {
        assert_close(*e, want, 1e-12);
    }
    assert_close(lr.chi2, 5.0 / 109.0, 1e-12);
    assert_close(lr.p_value, (-5.0_f64 / 218.0).exp(), 1e-9);
    // Any group may be the one dropped: the statistic is the same.
    for order in [[&g3, &g1, &g2], [&g2, &g3, &g1], [&g1, &g3, &g2]] {
        let other = log_rank(&[order[0], order[1], order[2]]).expect("test");
        assert_close(other.chi2, lr.chi2, 1e-12);
    }
}

#[test]
fn groups_without_anyone_at_risk_are_left_out() {
    let (a, b) = (six_mp(), placebo());
    let two = log_rank(&[&a, &b]).expect("test");
    // An empty group, and a group censored before the first event, add nothing.
    let early = rows(&[(0, 0), (0, 0)]);
    for groups in [vec![&a[..], &[], &b[..]], vec![&a[..], &b[..], &early[..]]] {
        let lr = log_rank(&groups).expect("test");
        assert_eq!(lr.df, 1);
        assert_close(lr.chi2, two.chi2, 1e-12);
        assert_eq!(lr.observed.len(), 3);
    }
    assert_eq!(log_rank(&[&a[..], &[]]), None);
    assert_eq!(log_rank(&[&a[..], &early[..]]), None);
}

#[test]
fn log_rank_without_events_or_information_is_none() {
    let censored = rows(&[(3, 0), (4, 0)]);
    assert_eq!(log_rank(&[&censored, &censored]), None);
    // One event each on the same day with nobody else at risk: d = n, no variance at all.
    let one = rows(&[(5, 1)]);
    assert_eq!(log_rank(&[&one, &one]), None);
}

#[test]
fn the_generalised_inverse() {
    // 3×3 positive definite: A x = u has x = (1/4, 0, 3/2), so uᵀ A⁻¹ u = 19/4.
    let a = vec![vec![4.0, 2.0, 0.0], vec![2.0, 3.0, 1.0], vec![0.0, 1.0, 2.0]];
    let (q, rank) = quadratic_form_ginv(a, &[1.0, 2.0, 3.0]);
    assert_eq!(rank, 3);
    assert_close(q, 19.0 / 4.0, 1e-12);
    // Rank 1: A = v vᵀ with v = (1, 1), u = v: uᵀ A⁺ u = 1.
    let (q, rank) = quadratic_form_ginv(vec![vec![1.0, 1.0], vec![1.0, 1.0]], &[1.0, 1.0]);
    assert_eq!(rank, 1);
    assert_close(q, 1.0, 1e-12);
    assert_eq!(quadratic_form_ginv(vec![vec![0.0]], &[0.0]), (0.0, 0));
}
