//! Time-to-event statistics for the crisis-measure outcomes: how soon people who entered a
//! measure (an unemployment declaration, CIG, the mobility list) find a new job. Pure functions
//! on numbers: no I/O, no lake, no SQL.
//!
//! The data are one [`Obs`] per person: `time` = days from the entry to the first new job or to
//! the data horizon, `cause` = 0 when censored (no job seen by the horizon), 1.. for the event's
//! cause (in OML: 1 = a new employer, 2 = a recall by the previous employer), `weight` = 1.0 or
//! a matching weight.
//!
//! # Rules and their sources
//!
//! - **Ties.** All observations with the same `time` form one step. Events come before
//!   censorings at the same time: a person censored at day `t` is still at risk for the events
//!   of day `t` (the convention of R's `survival` package, Therneau & Grambsch 2000, and of
//!   Kaplan & Meier 1958). The at-risk count at `t` is the weight of everyone with `time >= t`.
//! - **Weights.** Every count (at risk, events, censored) is a sum of weights, so integer
//!   weights give exactly what duplicated rows would give, and multiplying every weight by a
//!   constant leaves the estimates unchanged (not their variances: Greenwood and the delta
//!   method treat weighted counts as frequencies, as R's `survfit` does with case weights).
//!   Observations whose weight is not finite or not positive are ignored, so they create no
//!   point.
//! - **Kaplan–Meier** (Kaplan & Meier 1958): `S(t) = Π_{t_j <= t} (1 − d_j / n_j)`, where
//!   every cause above 0 is an event. One point per distinct time with an event or a
//!   censoring (R's `censor = TRUE`).
//! - **Variance of S** (Greenwood 1926):
//!   `Var(S(t)) = S(t)² Σ_{t_j <= t} d_j / (n_j (n_j − d_j))`; [`KmPoint::std_err`] is the
//!   standard error of `S` itself (as printed by R's `summary(survfit(...))`). A step with
//!   `d_j = n_j` sends `S` to 0 for good, and its (infinite) term is skipped: the standard
//!   error is 0 where `S = 0` (the limit of `S² × term`).
//! - **Interval of S**: the log-log interval of Kalbfleisch & Prentice (1980), R's
//!   `conf.type = "log-log"`, not the plain interval `S ± z·se`: on `g = log(−log S)`,
//!   `se(g) = sqrt(Σ d_j / (n_j (n_j − d_j))) / |log S|`, and back-transformed the interval is
//!   `[S^exp(z·se(g)), S^exp(−z·se(g))]`, always inside [0, 1]. `z` is the standard normal
//!   quantile at `1 − (1 − level) / 2`. Where `S = 1` (no event yet) the interval is [1, 1]
//!   and where `S = 0` it is [0, 0] (R leaves `NA` there); never NaN.
//! - **Median**: the smallest time with `S(t) <= 0.5` (Brookmeyer & Crowley 1982, R's
//!   `print.survfit`), `None` if the curve never gets there. `S` equal to 0.5 within a relative
//!   tolerance of 1e-9 counts as reaching it. Where the curve is *exactly* 0.5 on a horizontal
//!   stretch, R reports the midpoint between the stretch's start and the next event time; this
//!   module reports the start of the stretch (a whole day, the first day on which half the
//!   cohort has had the event).
//! - **Cumulative incidence** (Aalen & Johansen 1978; Kalbfleisch & Prentice 1980): for
//!   cause `k` with every other cause competing, `F_k(t) = Σ_{t_j <= t} S(t_{j−1}) d_kj / n_j`,
//!   where `S` is the all-cause Kaplan–Meier just before `t_j`. So with a single cause
//!   `F = 1 − S`, and `Σ_k F_k + S = 1` at every time. One point per distinct time with an
//!   event of any cause or a censoring; [`CifPoint::events`] counts the events of cause `k`
//!   only.
//! - **Variance of F_k**: the delta method (Marubini & Valsecchi 1995, ch. 10; the estimator of
//!   Stata's `stcompet`), treating the cause-specific hazards `d_kj / n_j` of each step as
//!   multinomial and the steps as independent:
//!   `Var(F_k(t)) = Σ_{t_j <= t} [ (F_k(t) − F_k(t_j))² d_j / (n_j (n_j − d_j))
//!   + S(t_{j−1})² d_kj (n_j − d_kj) / n_j³ − 2 (F_k(t) − F_k(t_j)) S(t_{j−1}) d_kj / n_j² ]`.
//!   With a single cause it equals Greenwood's variance of `1 − S`.
//! - **Interval of F_k**: the log-log transform of `F` itself (Choudhury 2002, as in Stata's
//!   `stcompet`): on `g = log(−log F)`, `se(g) = se(F) / (F |log F|)` and the interval is
//!   `[F^exp(z·se(g)), F^exp(−z·se(g))]`, inside [0, 1]; [0, 0] where `F = 0`, [1, 1] where
//!   `F = 1`. Note that with a single cause this is not the complement of the Kaplan–Meier
//!   interval (which transforms `S = 1 − F`), only the point and the standard error match.
//! - **Log-rank test** (Mantel 1966; Peto & Peto 1972), the k-group form of R's `survdiff`
//!   (rho = 0): at each distinct event time, with `n_g` at risk in group `g`, `n = Σ n_g` and
//!   `d` events of any cause, `E_g += n_g d / n` and
//!   `V_gh += d (n − d) / (n − 1) · (n_g / n) (δ_gh − n_h / n)` (hypergeometric; no term when
//!   `n <= 1`). Groups with no expected events (no one at risk at any event time) are left
//!   out, as `survdiff` does; `None` when fewer than two remain (where `survdiff` reports a
//!   chi-squared of 0). The statistic is `(O − E)ᵀ V⁻ (O − E)` over the groups kept minus the
//!   last one (which one is dropped does not matter), `V⁻` being the inverse of that block by
//!   an LDLᵀ (Cholesky) factorisation whose pivots below 1e-10 × the largest diagonal entry
//!   are set to zero: a generalised inverse in the manner of `cholesky2` in R's `survival`
//!   (`survdiff` itself calls `solve()`, which stops on a singular block). The degrees of
//!   freedom are the rank found, `k − 1` for `k` groups kept unless the block is singular, and
//!   the p-value is the chi-squared upper tail. With non-unit weights the counts are
//!   weighted but the variance treats them as frequencies, which is not a robust (sandwich)
//!   test.

use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

/// One person: days from entry to the event or censoring; cause 0 = censored, 1.. = event
/// cause; weight (1.0 usually; matching weights otherwise).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Obs {
    pub time: u32,
    pub cause: u8,
    pub weight: f64,
}

/// One step of a Kaplan–Meier curve: the counts at `time` and the estimate just after it.
#[derive(Clone, Debug, PartialEq)]
pub struct KmPoint {
    pub time: u32,
    /// Weight of the people with `time >= self.time` (those censored at `time` included).
    pub at_risk: f64,
    /// Weight of the events (any cause) at `time`.
    pub events: f64,
    /// Weight of the censorings at `time`.
    pub censored: f64,
    /// `S(time)`, right-continuous: the events at `time` are already counted.
    pub survival: f64,
    /// Greenwood standard error of `survival`.
    pub std_err: f64,
    /// Log-log confidence interval of `survival`.
    pub lower: f64,
    pub upper: f64,
}

/// One step of a cumulative incidence curve for one cause.
#[derive(Clone, Debug, PartialEq)]
pub struct CifPoint {
    pub time: u32,
    /// Weight of the people with `time >= self.time`.
    pub at_risk: f64,
    /// Weight of the events of the chosen cause at `time` (other causes not counted).
    pub events: f64,
    /// Aalen–Johansen `F_k(time)`, the events at `time` included.
    pub incidence: f64,
    /// Delta-method standard error of `incidence`.
    pub std_err: f64,
    /// Log-log confidence interval of `incidence`.
    pub lower: f64,
    pub upper: f64,
}

/// The k-group log-rank test.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRank {
    pub chi2: f64,
    /// Rank of the variance matrix used: `k − 1` unless groups were dropped or it is singular.
    pub df: usize,
    pub p_value: f64,
    /// Observed (weighted) events per group, in the order of the input (0 for empty groups).
    pub observed: Vec<f64>,
    /// Expected events per group under equal hazards, same order.
    pub expected: Vec<f64>,
}

/// The standard normal quantile for a two-sided interval at `level` (1.959964 for 0.95).
///
/// # Panics
/// If `level` is not strictly between 0 and 1.
pub fn z(level: f64) -> f64 {
    assert!(
        level > 0.0 && level < 1.0,
        "confidence level must be in (0, 1), got {level}"
    );
    let normal = Normal::new(0.0, 1.0).expect("standard normal");
    normal.inverse_cdf(1.0 - (1.0 - level) / 2.0)
}

/// The counts of one distinct time.
#[derive(Clone, Copy, Debug)]
struct Step {
    time: u32,
    at_risk: f64,
    /// Events of any cause.
    events: f64,
    /// Events of the cause asked for (0 when none was asked).
    cause_events: f64,
    censored: f64,
}

fn usable(o: &Obs) -> bool {
    o.weight.is_finite() && o.weight > 0.0
}

/// The distinct times of `obs` in increasing order with their weighted counts. The at-risk
/// weight is a sum from the end (the people with `time >= t`), so the last step's at-risk is
/// exactly its own events plus censorings.
fn steps(obs: &[Obs], cause: Option<u8>) -> Vec<Step> {
    let mut sorted: Vec<Obs> = obs.iter().copied().filter(usable).collect();
    sorted.sort_unstable_by_key(|o| o.time);
    let mut out: Vec<Step> = Vec::new();
    for o in &sorted {
        if out.last().is_none_or(|s| s.time != o.time) {
            out.push(Step {
                time: o.time,
                at_risk: 0.0,
                events: 0.0,
                cause_events: 0.0,
                censored: 0.0,
            });
        }
        let s = out.last_mut().expect("pushed above");
        if o.cause == 0 {
            s.censored += o.weight;
        } else {
            s.events += o.weight;
            if Some(o.cause) == cause {
                s.cause_events += o.weight;
            }
        }
    }
    let mut remaining = 0.0;
    for s in out.iter_mut().rev() {
        remaining += s.events + s.censored;
        s.at_risk = remaining;
    }
    out
}

/// `x^exp(±z·se)` for `x` in (0, 1): the log-log interval, lower bound first.
fn log_log_interval(x: f64, se_g: f64, z: f64) -> (f64, f64) {
    let log_x = x.ln();
    let lower = (log_x * (z * se_g).exp()).exp();
    let upper = (log_x * (-z * se_g).exp()).exp();
    (lower.clamp(0.0, 1.0), upper.clamp(0.0, 1.0))
}

/// Kaplan–Meier estimate of the survival function (any cause > 0 is an event), with Greenwood
/// standard errors and log-log intervals at `level` (e.g. 0.95). One point per distinct time
/// with an event or a censoring, in increasing time; empty for an empty input.
///
/// # Panics
/// If `level` is not strictly between 0 and 1.
pub fn kaplan_meier(obs: &[Obs], level: f64) -> Vec<KmPoint> {
    let z = z(level);
    let mut survival = 1.0_f64;
    let mut greenwood = 0.0_f64; // Σ d / (n (n − d)), the variance of log S
    let mut out = Vec::new();
    for s in steps(obs, None) {
        if s.events > 0.0 {
            let left = s.at_risk - s.events;
            if left > 0.0 {
                survival *= left / s.at_risk;
                greenwood += s.events / (s.at_risk * left);
            } else {
                survival = 0.0;
            }
        }
        let (std_err, lower, upper) = if survival <= 0.0 {
            (0.0, 0.0, 0.0)
        } else if survival >= 1.0 {
            (0.0, 1.0, 1.0)
        } else {
            let se_log = greenwood.sqrt();
            let (lo, hi) = log_log_interval(survival, se_log / survival.ln().abs(), z);
            (survival * se_log, lo, hi)
        };
        out.push(KmPoint {
            time: s.time,
            at_risk: s.at_risk,
            events: s.events,
            censored: s.censored,
            survival,
            std_err,
            lower,
            upper,
        });
    }
    out
}

/// The value of a Kaplan–Meier curve at day `t`: the step function, right-continuous (the
/// events at `t` count), 1.0 before the first point.
pub fn survival_at(curve: &[KmPoint], t: u32) -> f64 {
    let i = curve.partition_point(|p| p.time <= t);
    if i == 0 {
        1.0
    } else {
        curve[i - 1].survival
    }
}

/// The median time: the smallest time with `S <= 0.5` (0.5 within a relative 1e-9 counts; on
/// an exactly-0.5 horizontal stretch the stretch's start, where R gives the midpoint to the
/// next event), `None` if the curve never reaches 0.5.
pub fn median(curve: &[KmPoint]) -> Option<u32> {
    const HALF: f64 = 0.5 * (1.0 + 1e-9);
    curve.iter().find(|p| p.survival <= HALF).map(|p| p.time)
}

/// Aalen–Johansen cumulative incidence of `cause` with every other cause > 0 competing, with
/// delta-method standard errors and log-log intervals on `F` at `level`. One point per
/// distinct time with an event of any cause or a censoring; empty for an empty input.
///
/// # Panics
/// If `cause` is 0 (censoring is not a cause) or `level` is not strictly between 0 and 1.
pub fn cumulative_incidence(obs: &[Obs], cause: u8, level: f64) -> Vec<CifPoint> {
    assert!(cause > 0, "cause 0 means censored: ask for an event cause (1..)");
    let z = z(level);
    let mut survival = 1.0_f64; // all-cause S just before the current step
    let mut incidence = 0.0_f64;
    // Var(F(t)) = Σ_j [(F − F_j)² a_j + b_j − 2 (F − F_j) c_j], expanded as
    // F² Σa − 2F Σ(F_j a_j) + Σ(F_j² a_j) + Σb − 2F Σc + 2 Σ(F_j c_j), so that it is O(1) a step.
    let (mut sa, mut sfa, mut sffa, mut sb, mut sc, mut sfc) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    let mut out = Vec::new();
    for s in steps(obs, Some(cause)) {
        if s.events > 0.0 {
            let n = s.at_risk;
            let (d, dk) = (s.events, s.cause_events);
            incidence += survival * dk / n;
            let left = n - d;
            // a_j is skipped when no one is left: S is 0 from here on, so F − F_j stays 0.
            let a = if left > 0.0 { d / (n * left) } else { 0.0 };
            let b = survival * survival * dk * (n - dk) / (n * n * n);
            let c = survival * dk / (n * n);
            sa += a;
            sfa += incidence * a;
            sffa += incidence * incidence * a;
            sb += b;
            sc += c;
            sfc += incidence * c;
            survival = if left > 0.0 { survival * left / n } else { 0.0 };
        }
        let f = incidence;
        let var = f * f * sa - 2.0 * f * sfa + sffa + sb - 2.0 * f * sc + 2.0 * sfc;
        let std_err = var.max(0.0).sqrt();
        let (lower, upper) = if f <= 0.0 {
            (0.0, 0.0)
        } else if f >= 1.0 {
            (1.0, 1.0)
        } else {
            log_log_interval(f, std_err / (f * f.ln().abs()), z)
        };
        out.push(CifPoint {
            time: s.time,
            at_risk: s.at_risk,
            events: s.cause_events,
            incidence: f.min(1.0),
            std_err,
            lower,
            upper,
        });
    }
    out
}

/// The value of a cumulative incidence curve at day `t`: right-continuous step function, 0.0
/// before the first point.
pub fn incidence_at(curve: &[CifPoint], t: u32) -> f64 {
    let i = curve.partition_point(|p| p.time <= t);
    if i == 0 {
        0.0
    } else {
        curve[i - 1].incidence
    }
}

/// The k-group log-rank test (any cause > 0 is an event). `None` if fewer than two groups have
/// someone at risk at an event time (so also with fewer than two non-empty groups, or no event
/// at all), or if the variance matrix has rank 0.
pub fn log_rank(groups: &[&[Obs]]) -> Option<LogRank> {
    let k = groups.len();
    let mut all: Vec<(u32, usize, bool, f64)> = Vec::new();
    for (g, obs) in groups.iter().enumerate() {
        all.extend(
            obs.iter()
                .filter(|o| usable(o))
                .map(|o| (o.time, g, o.cause > 0, o.weight)),
        );
    }
    // Later times first: the at-risk weights are accumulated from the end.
    all.sort_unstable_by_key(|a| std::cmp::Reverse(a.0));
    let mut at_risk = vec![0.0; k];
    let mut observed = vec![0.0; k];
    let mut expected = vec![0.0; k];
    let mut var = vec![vec![0.0; k]; k];
    let mut d_g = vec![0.0; k];
    let mut i = 0;
    while i < all.len() {
        let time = all[i].0;
        d_g.iter_mut().for_each(|x| *x = 0.0);
        while i < all.len() && all[i].0 == time {
            let (_, g, event, w) = all[i];
            at_risk[g] += w;
            if event {
                d_g[g] += w;
            }
            i += 1;
        }
        let d: f64 = d_g.iter().sum();
        if d <= 0.0 {
            continue;
        }
        let n: f64 = at_risk.iter().sum();
        let factor = if n > 1.0 { d * (n - d) / (n - 1.0) } else { 0.0 };
        for g in 0..k {
            observed[g] += d_g[g];
            expected[g] += at_risk[g] * d / n;
            let pg = at_risk[g] / n;
            for h in 0..k {
                let delta = if g == h { 1.0 } else { 0.0 };
                var[g][h] += factor * pg * (delta - at_risk[h] / n);
            }
        }
    }
    let kept: Vec<usize> = (0..k).filter(|&g| expected[g] > 0.0).collect();
    if kept.len() < 2 {
        return None;
    }
    let used = &kept[..kept.len() - 1];
    let u: Vec<f64> = used.iter().map(|&g| observed[g] - expected[g]).collect();
    let v: Vec<Vec<f64>> = used
        .iter()
        .map(|&g| used.iter().map(|&h| var[g][h]).collect())
        .collect();
    let (chi2, df) = quadratic_form_ginv(v, &u);
    if df == 0 {
        return None;
    }
    let p_value = ChiSquared::new(df as f64).expect("df >= 1").sf(chi2);
    Some(LogRank {
        chi2,
        df,
        p_value,
        observed,
        expected,
    })
}

/// `uᵀ A⁻ u` for a symmetric positive semi-definite `a`, and the rank of `a`, by an LDLᵀ
/// (Cholesky without square roots) factorisation in place. A pivot below 1e-10 × the largest
/// diagonal entry marks a dependent row: its row and column are zeroed and it adds nothing, so
/// `A⁻` is a generalised inverse (R's `cholesky2` in the `survival` package does the same).
fn quadratic_form_ginv(mut a: Vec<Vec<f64>>, u: &[f64]) -> (f64, usize) {
    let m = u.len();
    let max_diag = (0..m).map(|i| a[i][i].abs()).fold(0.0, f64::max);
    let tol = 1e-10 * max_diag;
    let mut singular = vec![false; m];
    for j in 0..m {
        let pivot = a[j][j];
        if pivot.is_nan() || pivot <= tol {
            singular[j] = true;
            a.iter_mut().skip(j).for_each(|row| row[j] = 0.0);
            continue;
        }
        // The trailing block (lower triangle) loses this pivot's contribution, then column j
        // below the diagonal becomes L's.
        for i in (j + 1)..m {
            for c in (j + 1)..=i {
                a[i][c] -= a[i][j] * a[c][j] / pivot;
            }
        }
        a.iter_mut().skip(j + 1).for_each(|row| row[j] /= pivot);
    }
    // Forward substitution L y = u, then uᵀ A⁻ u = Σ y_j² / D_j over the non-singular pivots.
    let mut y = u.to_vec();
    let mut total = 0.0;
    for j in 0..m {
        for c in 0..j {
            y[j] -= a[j][c] * y[c];
        }
        if !singular[j] {
            total += y[j] * y[j] / a[j][j];
        }
    }
    (total.max(0.0), singular.iter().filter(|s| !**s).count())
}

#[cfg(test)]
#[path = "survival_tests.rs"]
mod tests;
