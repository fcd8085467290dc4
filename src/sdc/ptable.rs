//! Perturbation table (ptable) of the cell-key method, for frequency counts.
//!
//! **The cell-key method** (Australian Bureau of Statistics: Thompson, Broadfoot & Elazar 2013,
//! "Methodology for the automatic confidentialisation of statistical outputs from remote servers
//! at the ABS", UNECE/Eurostat Work Session on Statistical Data Confidentiality, Ottawa; Giessing
//! & Tent 2019, same Work Session, The Hague). Every record has a fixed random record key; a
//! cell's key is the fractional part of the sum of its contributors' record keys ([`cell_key`]).
//! A count `i` is published as `i + d`, `d` read from row `i` of this table at the entry whose
//! interval `[lower, upper)` holds the cell key ([`PTable::perturb`]). The same cell (same
//! contributors) always gets the same noise, in every table and run: repeating a query is useless.
//!
//! **The table** follows the maximum-entropy approach of the R package `ptable` (T. Enderle,
//! Destatis, sdcTools; its tables feed the R package `cellKey` of Statistik Austria and
//! Tau-Argus), without its optional `pstay` and monotony (`mono`) constraints. Row `i` has the
//! support `S(i) = { d : |d| <= D, i + d >= 0, i + d not in 1..=js }` and the probabilities of
//! maximum entropy under `sum p = 1`, `sum p d = 0`, `sum p d^2 = V`: `p(d) ∝ exp(l1 d + l2 d^2)`,
//! `(l1, l2)` solving the two moment equations by a damped Newton method. From `i = D + js + 1`
//! on `S(i)` is the full `-D..=D`, so that row serves all larger values. Guarantees, every cell:
//! - zeros stay zero (row 0 is `d = 0` with probability 1);
//! - a published count is never negative and never in `1..=js` (no 1s and 2s by default);
//! - the noise is unbiased (mean deviation 0 in every row) and `|d| <= D`;
//! - the noise variance is `V` in every row whose support allows it (see below).
//!
//! **Small values.** Among the unbiased distributions on `S(i)` the variance spans
//! `[vmin, vmax]`: `vmin = 0` if `0` is in `S(i)`, else `a * b` for the nearest negative `-a` and
//! positive `b`; `vmax = |min S(i)| * max S(i)`. For `V` outside that range the row gets the
//! closest feasible variance: at either bound exactly one unbiased distribution exists (point
//! mass at 0, or the two points nearest to 0, or the two extreme points), and the row takes it.
//! A support with no negative point allows only `d = 0`. `js <= D` is required: a count `i` with
//! `D < i <= js` could reach neither 0 nor any value below itself, so could not be unbiased.
//! The defaults `D = 2, V = 1, js = 2` give (rows 1, 2, 3 cannot have variance 1):
//!
//! | value | deviation: probability                                    | variance |
//! |-------|-----------------------------------------------------------|----------|
//! | 0     | 0: 1                                                      | 0        |
//! | 1     | -1: 2/3, +2: 1/3 (the only unbiased choice)               | 2        |
//! | 2     | -2: 1/3, +1: 2/3 (`vmin` = 2 > V)                         | 2        |
//! | 3     | 0: 1 (targets 1, 2 blocked, 0 out of reach)               | 0        |
//! | 4     | -1: 0.3981, 0: 0.3058, +1: 0.1942, +2: 0.1019             | 1        |
//! | >= 5  | -2: 0.0638, -1: 0.2447, 0: 0.3830, +1: 0.2447, +2: 0.0638 | 1        |
//!
//! **Not guaranteed.** Additivity: a total and its parts are perturbed each with its own key, so
//! the published parts need not sum to the published total. Each cell may be off by up to `D`,
//! and a published 0 may hide any count up to `D`. The protection lasts as long as the record
//! keys stay secret and fixed.

use std::fmt;

/// Largest accepted maximum deviation `D`: a sanity bound (a row has at most `2D + 1` entries).
pub const MAX_DEVIATION_LIMIT: u32 = 1000;

/// Parameters: D = maximum absolute deviation (default 2), V = target variance of the noise
/// (default 1.0), js = small values never published (default 2: a perturbed count is never 1 or
/// 2). Same meaning as `D`, `V`, `js` of the R package `ptable`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PTableParams {
    /// `D`: the largest absolute deviation, `1 <= D <=` [`MAX_DEVIATION_LIMIT`].
    pub max_deviation: u32,
    /// `V`: the variance of the noise, `0 < V < D^2`.
    pub variance: f64,
    /// `js`: no count is published as a value in `1..=js`; `js <= D`.
    pub small: u32,
}

impl PTableParams {
    /// The parameters `D`, `V`, `js` (checked by [`PTable::new`]).
    pub const fn new(max_deviation: u32, variance: f64, small: u32) -> Self {
        PTableParams {
            max_deviation,
            variance,
            small,
        }
    }
}

impl Default for PTableParams {
    fn default() -> Self {
        Self::new(2, 1.0, 2)
    }
}

/// Why a table cannot be built.
#[derive(Debug, Clone, PartialEq)]
pub enum PTableError {
    /// `D = 0`: nothing would be perturbed.
    ZeroDeviation,
    /// `D` above [`MAX_DEVIATION_LIMIT`].
    DeviationTooLarge { max_deviation: u32 },
    /// `V` not finite, `V <= 0` or `V >= D^2`.
    InvalidVariance { variance: f64, max_deviation: u32 },
    /// `js > D`: some small count could not get unbiased noise.
    SmallAboveDeviation { small: u32, max_deviation: u32 },
    /// The maximum-entropy solver missed the moment equations (not expected for valid input).
    NoConvergence { value: u64 },
}

impl fmt::Display for PTableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ZeroDeviation => f.write_str("maximum deviation D must be at least 1"),
            Self::DeviationTooLarge { .. } => write!(f, "D must be at most {MAX_DEVIATION_LIMIT}"),
            Self::InvalidVariance {
                variance: v,
                max_deviation: d,
            } => write!(
                f,
                "variance V = {v} must be finite with 0 < V < D^2 = {} (D = {d}): unbiased \
                 noise with |d| <= D has variance at most D^2, reached only by +-D alone",
                u64::from(*d).pow(2)
            ),
            Self::SmallAboveDeviation {
                small: js,
                max_deviation: d,
            } => write!(
                f,
                "small-value threshold js = {js} must not exceed the maximum deviation D = {d}: \
                 a count i with D < i <= js could only move upwards and not be unbiased"
            ),
            Self::NoConvergence { value } => write!(f, "no maximum-entropy row for value {value}"),
        }
    }
}

impl std::error::Error for PTableError {}

/// One possible deviation of a row: it is chosen when the cell key falls in `[lower, upper)`.
#[derive(Debug, Clone, PartialEq)]
pub struct PEntry {
    pub deviation: i64,
    pub probability: f64,
    pub lower: f64,
    pub upper: f64,
}

/// The distribution of the deviation for one original value: only the deviations of positive
/// probability (at least 2^-52), ascending, their intervals consecutive from 0 to 1. `mean` and
/// `variance` are those of the entries.
#[derive(Debug, Clone, PartialEq)]
pub struct PRow {
    pub value: u64,
    pub entries: Vec<PEntry>,
    pub mean: f64,
    pub variance: f64,
}

/// One row per original value i = 0, 1, ..., imax = D + js + 1; values above imax use the row
/// of imax (the distribution is the same from there on: i > D + js).
#[derive(Debug, Clone, PartialEq)]
pub struct PTable {
    params: PTableParams,
    rows: Vec<PRow>,
}

impl PTable {
    /// Builds the table, or says which parameter is invalid (see [`PTableError`]).
    pub fn new(params: PTableParams) -> Result<PTable, PTableError> {
        let d = params.max_deviation;
        let v = params.variance;
        if d == 0 {
            return Err(PTableError::ZeroDeviation);
        }
        if d > MAX_DEVIATION_LIMIT {
            return Err(PTableError::DeviationTooLarge { max_deviation: d });
        }
        if !(v.is_finite() && v > 0.0 && v < f64::from(d) * f64::from(d)) {
            return Err(PTableError::InvalidVariance {
                variance: v,
                max_deviation: d,
            });
        }
        if params.small > d {
            return Err(PTableError::SmallAboveDeviation {
                small: params.small,
                max_deviation: d,
            });
        }
        let imax = u64::from(d) + u64::from(params.small) + 1;
        let rows: Result<Vec<PRow>, _> = (0..=imax).map(|i| build_row(i, &params)).collect();
        let rows = rows?;
        Ok(PTable { params, rows })
    }

    pub fn params(&self) -> PTableParams {
        self.params
    }

    pub fn rows(&self) -> &[PRow] {
        &self.rows
    }

    /// The row used for `value`: its own, or the last one (imax) for larger values.
    pub fn row(&self, value: u64) -> &PRow {
        let last = self.rows.len() - 1;
        &self.rows[usize::try_from(value).map_or(last, |v| v.min(last))]
    }

    /// The deviation added to a count `value` whose cell key is `cell_key` in [0, 1): the entry
    /// of the value's row whose interval contains the key. A key below 0 (or NaN) is read as 0,
    /// a key of 1 or more selects the last entry.
    pub fn deviation(&self, value: u64, cell_key: f64) -> i64 {
        let entries = &self.row(value).entries;
        let key = if cell_key >= 0.0 { cell_key } else { 0.0 };
        let hit = entries.iter().find(|e| key < e.upper).or(entries.last());
        hit.map_or(0, |e| e.deviation)
    }

    /// value + deviation (never negative, never in 1..=js).
    pub fn perturb(&self, value: u64, cell_key: f64) -> u64 {
        value.saturating_add_signed(self.deviation(value, cell_key))
    }

    /// The table as CSV text: valore,deviazione,probabilita,chiave_da,chiave_a (Italian headers; a
    /// documentation and audit artefact), one line per entry, numbers in shortest exact form.
    pub fn to_csv(&self) -> String {
        use std::fmt::Write;
        let mut out = String::from("valore,deviazione,probabilita,chiave_da,chiave_a\n");
        for row in &self.rows {
            for e in &row.entries {
                let (p, lo, hi) = (e.probability, e.lower, e.upper);
                let _ = writeln!(out, "{},{},{p},{lo},{hi}", row.value, e.deviation);
            }
        }
        out
    }
}

/// The cell key of a cell from its contributors' record keys: the fractional part of the sum of
/// the record keys, record keys being uniform 64-bit integers (u64) read as fractions of 2^64:
/// sum with wrapping add, then / 2^64. Only the top 53 bits (the precision of f64) are kept, so
/// the key is a multiple of 2^-53 in [0, 1) and never rounds up to 1.
pub fn cell_key(record_keys_wrapping_sum: u64) -> f64 {
    const TWO_POW_53: f64 = (1u64 << 53) as f64;
    (record_keys_wrapping_sum >> 11) as f64 / TWO_POW_53
}

/// `S(i)`: the `d` with `|d| <= D`, `i + d >= 0` and `i + d` not in `1..=js`; `{0}` for i = 0.
fn support(value: u64, d: i64, js: i64) -> Vec<i64> {
    let i = i64::try_from(value).unwrap_or(i64::MAX - d);
    let allowed = |x: i64| i + x == 0 || (i > 0 && i + x > js);
    (-d..=d).filter(|&x| allowed(x)).collect()
}

/// Row `value`: the support, then the probabilities by the rules of the module doc.
fn build_row(value: u64, params: &PTableParams) -> Result<PRow, PTableError> {
    let big_d = i64::from(params.max_deviation);
    let s = support(value, big_d, i64::from(params.small));
    let v = params.variance;
    let nearest_neg = s.iter().copied().filter(|&d| d < 0).max();
    let nearest_pos = s.iter().copied().filter(|&d| d > 0).min();
    let probs = match (nearest_neg, nearest_pos) {
        (Some(a), Some(b)) => {
            let (lo, hi) = (s[0], s[s.len() - 1]);
            let has_zero = s.contains(&0);
            let vmin = if has_zero { 0.0 } else { (-a * b) as f64 };
            let vmax = (-lo * hi) as f64;
            let tol = 1e-12 * v.max(1.0);
            if v <= vmin + tol && has_zero {
                vec![(0, 1.0)]
            } else if v <= vmin + tol {
                two_point(a, b)
            } else if v >= vmax - tol {
                two_point(lo, hi)
            } else {
                let no_convergence = PTableError::NoConvergence { value };
                let p = max_entropy(&s, v, big_d as f64).ok_or(no_convergence)?;
                s.iter().copied().zip(p).collect()
            }
        }
        // No negative (or no positive) deviation: only d = 0 is unbiased (0 is then in S(i)).
        _ => vec![(0, 1.0)],
    };
    Ok(assemble(value, probs))
}

/// The only unbiased distribution on `{a, b}`, `a < 0 < b`: variance `-a * b`.
fn two_point(a: i64, b: i64) -> Vec<(i64, f64)> {
    let span = (b - a) as f64;
    vec![(a, b as f64 / span), (b, -a as f64 / span)]
}

/// `p(d) ∝ exp(l1 x + l2 x^2)` on `x = d / scale` with mean 0 and variance `variance`, or
/// `None`. The moment equations are the gradient of the convex dual `log Z(l) - l2 V`; their
/// Jacobian `H` is the covariance matrix of `(x, x^2)`, positive definite on three or more
/// points. Damped Newton (Levenberg-Marquardt): the step solves `(H + mu I) s = -grad`, `mu`
/// growing until the dual decreases enough (Armijo, with a slack for rounding) and shrinking
/// after each success; `mu = 0` is the plain Newton step. Needs `vmin < V < vmax`.
fn max_entropy(support: &[i64], variance: f64, scale: f64) -> Option<Vec<f64>> {
    let x: Vec<f64> = support.iter().map(|&d| d as f64 / scale).collect();
    let target = variance / (scale * scale);
    let resid = |m: &[f64; 5]| [m[0], m[1] - target];
    let dual = |lam: [f64; 2], log_z: f64| log_z - lam[1] * target;
    let (mut lam, mut mu) = ([0.0, 0.0], 0.0);
    let (mut p, mut m, mut log_z) = gibbs(&x, lam);
    for _ in 0..500 {
        let (r, g) = (resid(&m), dual(lam, log_z));
        if r[0].abs().max(r[1].abs()) < 1e-16 {
            break;
        }
        let mut accepted = false;
        for _ in 0..100 {
            let (h11, h12, h22) = (m[2] + mu, m[3], m[4] + mu);
            let det = h11 * h22 - h12 * h12;
            let s0 = (h12 * r[1] - h22 * r[0]) / det;
            let s1 = (h12 * r[0] - h11 * r[1]) / det;
            let cand = [lam[0] + s0, lam[1] + s1];
            let (pc, mc, zc) = gibbs(&x, cand);
            let noise = 1e-14 * (1.0 + zc.abs() + (cand[1] * target).abs());
            if det > 0.0 && dual(cand, zc) <= g + 1e-4 * (r[0] * s0 + r[1] * s1) + noise {
                (lam, p, m, log_z, accepted) = (cand, pc, mc, zc, true);
                mu *= 0.1;
                break;
            }
            mu = (mu * 4.0).max(1e-12);
        }
        if !accepted {
            break;
        }
    }
    // On the scale of x: the mean of d is exact to 1e-13 D, its variance to 1e-13 D^2.
    let r = resid(&m);
    (r[0].abs() < 1e-13 && r[1].abs() < 1e-13).then_some(p)
}

/// The distribution `p ∝ exp(l1 x + l2 x^2)` (computed with a shift against overflow), its
/// moments `[E x, E x^2, Var x, Cov(x, x^2), Var x^2]` (centred sums, to avoid cancellation) and
/// `log Z`, the log of its normalising constant.
fn gibbs(x: &[f64], lam: [f64; 2]) -> (Vec<f64>, [f64; 5], f64) {
    let e: Vec<f64> = x.iter().map(|&x| lam[0] * x + lam[1] * x * x).collect();
    let top = e.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let w: Vec<f64> = e.iter().map(|&e| (e - top).exp()).collect();
    let z: f64 = w.iter().sum();
    let p: Vec<f64> = w.iter().map(|w| w / z).collect();
    let mean = |f: &dyn Fn(f64) -> f64| -> f64 { p.iter().zip(x).map(|(p, &x)| p * f(x)).sum() };
    let (m1, m2) = (mean(&|x| x), mean(&|x| x * x));
    let h11 = mean(&|x| (x - m1) * (x - m1));
    let h12 = mean(&|x| (x - m1) * (x * x - m2));
    let h22 = mean(&|x| (x * x - m2) * (x * x - m2));
    (p, [m1, m2, h11, h12, h22], top + z.ln())
}

/// Drops entries below 2^-52 (a 53-bit cell key could hardly ever pick them; the mean moves by
/// far less than 1e-12), normalises the rest and lays their intervals end to end over [0, 1).
fn assemble(value: u64, mut probs: Vec<(i64, f64)>) -> PRow {
    probs.retain(|&(_, p)| p >= f64::EPSILON);
    let total: f64 = probs.iter().map(|&(_, p)| p).sum();
    let n = probs.len();
    let (mut lower, mut mean, mut square) = (0.0, 0.0, 0.0);
    let mut entries = Vec::with_capacity(n);
    for (k, (deviation, p)) in probs.into_iter().enumerate() {
        let probability = p / total;
        let upper = if k + 1 == n { 1.0 } else { lower + probability };
        mean += probability * deviation as f64;
        square += probability * (deviation * deviation) as f64;
        entries.push(PEntry {
            deviation,
            probability,
            lower,
            upper,
        });
        lower = upper;
    }
    let variance = square - mean * mean;
    PRow {
        value,
        entries,
        mean,
        variance,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(d: u32, v: f64, js: u32) -> PTable {
        PTable::new(PTableParams::new(d, v, js)).unwrap()
    }

    /// The valid parameter sets of the brief; D = 3, V = 2, js = 4 is rejected (see below).
    fn tables() -> [PTable; 4] {
        let sets = [(2, 1.0, 2), (3, 2.0, 3), (5, 3.0, 2), (3, 2.0, 0)];
        sets.map(|(d, v, js)| table(d, v, js))
    }

    fn devs(row: &PRow) -> Vec<i64> {
        row.entries.iter().map(|e| e.deviation).collect()
    }

    fn probs(row: &PRow) -> Vec<f64> {
        row.entries.iter().map(|e| e.probability).collect()
    }

    /// Rules 1-4 and 6 on every row of `t`; the expected variance is computed from scratch.
    fn check_invariants(t: &PTable) {
        let p = t.params();
        let (d, js) = (i64::from(p.max_deviation), i64::from(p.small));
        assert_eq!(t.rows().len() as i64, d + js + 2);
        let zero = &t.rows()[0];
        assert_eq!((devs(zero), probs(zero)), (vec![0], vec![1.0]));
        for (i, row) in (0i64..).zip(t.rows()) {
            let ctx = format!("row {i} of {p:?}");
            assert_eq!(row.value, i as u64, "{ctx}");
            // Rule 4: the variance is V clamped into [vmin, vmax] of the row's support.
            let s: Vec<i64> = (-d..=d).filter(|&x| i + x == 0 || i + x > js).collect();
            let neg = s.iter().filter(|&&x| x < 0).max();
            let pos = s.iter().filter(|&&x| x > 0).min();
            let want = match (neg, pos) {
                (Some(a), Some(b)) => {
                    let vmin = if s.contains(&0) { 0.0 } else { (-a * b) as f64 };
                    p.variance.clamp(vmin, (-s[0] * s[s.len() - 1]) as f64)
                }
                _ => 0.0,
            };
            assert!((row.variance - want).abs() < 1e-9, "{ctx}: want {want}");
            let (mut lower, mut mean, mut square) = (0.0, 0.0, 0.0);
            for (k, e) in row.entries.iter().enumerate() {
                let (x, target) = (e.deviation, i + e.deviation);
                mean += e.probability * x as f64;
                square += e.probability * (x * x) as f64;
                assert!(x.abs() <= d && (target == 0 || target > js), "{ctx}");
                assert!(k == 0 || x > row.entries[k - 1].deviation, "{ctx}");
                assert!(e.probability > 0.0 && e.lower == lower, "{ctx}");
                let width = e.upper - e.lower;
                let exact = (width - e.probability).abs() < 1e-12;
                assert!(width > 0.0 && exact, "{ctx}");
                lower = e.upper;
            }
            assert_eq!(lower, 1.0, "{ctx}");
            assert!(mean.abs() < 1e-12 && row.mean.abs() < 1e-12, "{ctx}");
            assert!((square - row.variance).abs() < 1e-12, "{ctx}");
        }
        let last = devs(&t.rows()[t.rows().len() - 1]);
        let mirrored: Vec<i64> = last.iter().rev().map(|d| -d).collect();
        assert_eq!(mirrored, last);
    }

    #[test]
    fn default_table() {
        let t = table(2, 1.0, 2);
        assert_eq!(t.params(), PTableParams::default());
        assert_eq!(t, table(2, 1.0, 2), "deterministic");
        let supports: Vec<Vec<i64>> = t.rows().iter().map(devs).collect();
        assert_eq!(supports[..4], [vec![0], vec![-1, 2], vec![-2, 1], vec![0]]);
        assert_eq!(supports[4..], [vec![-1, 0, 1, 2], vec![-2, -1, 0, 1, 2]]);
        // The two-point rows are exact: p(a) = b / (b - a), p(b) = -a / (b - a).
        assert_eq!(probs(&t.rows()[1]), [2.0 / 3.0, 1.0 / 3.0]);
        assert_eq!(probs(&t.rows()[2]), [1.0 / 3.0, 2.0 / 3.0]);
        for (row, want) in t.rows().iter().zip([0.0, 2.0, 2.0, 0.0, 1.0, 1.0]) {
            assert!((row.variance - want).abs() < 1e-9, "row {}", row.value);
        }
        let p5 = probs(&t.rows()[5]);
        assert!((p5[0] - p5[4]).abs() < 1e-14 && (p5[1] - p5[3]).abs() < 1e-14);
    }

    #[test]
    fn brief_parameter_sets_keep_every_rule_and_reach_v() {
        tables().iter().for_each(check_invariants);
        // D = 5, V = 3, js = 2: every positive row reaches V (row 1: -1, 2..5; vmin 2, vmax 5).
        let t = table(5, 3.0, 2);
        assert_eq!(devs(&t.rows()[1]), [-1, 2, 3, 4, 5]);
        for row in &t.rows()[1..] {
            assert!((row.variance - 3.0).abs() < 1e-9, "row {}", row.value);
        }
        // D = 3, V = 2, js = 3: row 3 goes to 0 or 4 (vmin 3 > V), row 4 can only stay.
        let t = table(3, 2.0, 3);
        assert_eq!(devs(&t.rows()[3]), [-3, 1]);
        assert_eq!(devs(&t.rows()[4]), [0]);
        // Their variances (3 and 0) and V = 2 from row 5 on are checked by check_invariants.
    }

    #[test]
    fn probabilities_have_the_maximum_entropy_form() {
        // log p(d) = c + l1 d + l2 d^2: the second divided differences all equal l2.
        for t in tables() {
            for row in t.rows().iter().filter(|r| r.entries.len() >= 4) {
                let x: Vec<f64> = devs(row).iter().map(|&d| d as f64).collect();
                let y: Vec<f64> = probs(row).iter().map(|p| p.ln()).collect();
                let slope = |k: usize| (y[k + 1] - y[k]) / (x[k + 1] - x[k]);
                let curvature = |k: usize| (slope(k + 1) - slope(k)) / (x[k + 2] - x[k]);
                for k in 1..x.len() - 2 {
                    let diff = curvature(k) - curvature(0);
                    assert!(diff.abs() < 1e-8, "row {} of {:?}", row.value, t.params());
                }
            }
        }
    }

    #[test]
    fn perturb_respects_js_and_large_values_share_the_last_row() {
        for t in tables() {
            let imax = t.rows().len() as u64 - 1;
            let p = t.params();
            let (js, d) = (u64::from(p.small), u64::from(p.max_deviation));
            assert_eq!(t.row(imax + 1), t.row(imax));
            assert_eq!(t.row(u64::MAX), t.row(imax));
            for key in (0..1000).map(|k| f64::from(k) / 1000.0) {
                assert_eq!(t.deviation(1_000_000, key), t.deviation(imax, key));
                assert_eq!(t.perturb(0, key), 0);
                for value in 1..3 * imax {
                    let out = t.perturb(value, key);
                    let ok = !(1..=js).contains(&out) && out.abs_diff(value) <= d;
                    assert!(ok, "{value} -> {out}");
                }
            }
        }
    }

    #[test]
    fn deviation_is_deterministic_and_distributed_as_the_row() {
        let t = table(2, 1.0, 2);
        let row = t.row(1000);
        for e in &row.entries {
            assert_eq!(t.deviation(1000, e.lower), e.deviation);
            assert_eq!(t.deviation(1000, (e.lower + e.upper) / 2.0), e.deviation);
        }
        let (first, last) = (row.entries[0].deviation, row.entries[4].deviation);
        assert_eq!(t.deviation(9, -0.5), first);
        assert_eq!(t.deviation(9, f64::NAN), first);
        assert_eq!(t.deviation(9, 1.0), last);
        for t in tables() {
            let (mut state, n) = (42u64, 200_000);
            let (mut sum, mut sum2) = (0.0, 0.0);
            for _ in 0..n {
                state = state.wrapping_add(0x9E37_79B9_7F4A_7C15); // splitmix64
                let z = (state ^ (state >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                let z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                let key = cell_key(z ^ (z >> 31));
                let d = t.deviation(123_456, key) as f64;
                sum += d;
                sum2 += d * d;
            }
            let mean = sum / f64::from(n);
            let var = sum2 / f64::from(n) - mean * mean;
            let v = t.params().variance;
            assert!(mean.abs() < 0.01 && (var - v).abs() < 0.02, "{mean} {var}");
        }
    }

    #[test]
    fn cell_key_is_the_fraction_of_the_wrapping_sum() {
        let keys = [cell_key(0), cell_key(1 << 63), cell_key(3 << 62)];
        assert_eq!(keys, [0.0, 0.5, 0.75]);
        assert!(cell_key(u64::MAX) < 1.0);
        let sum = (u64::MAX - 5).wrapping_add(1 << 63).wrapping_add(12);
        assert_eq!(cell_key(sum), cell_key((1 << 63) + 6));
    }

    #[test]
    fn invalid_parameters_are_rejected() {
        let err = |d, v, js| PTable::new(PTableParams::new(d, v, js)).unwrap_err();
        assert_eq!(err(0, 1.0, 0), PTableError::ZeroDeviation);
        let e = err(1001, 1.0, 0);
        assert!(matches!(e, PTableError::DeviationTooLarge { .. }), "{e}");
        for v in [0.0, -1.0, 4.0, 5.0, f64::NAN, f64::INFINITY] {
            let e = err(2, v, 2);
            assert!(matches!(e, PTableError::InvalidVariance { .. }), "{e}");
        }
        assert!(err(2, 4.0, 2).to_string().contains("0 < V < D^2 = 4"));
        // D = 3, js = 4: the count 4 could go only to 5..7 (0 is 4 below, 1..4 are blocked).
        let e = err(3, 2.0, 4);
        assert!(matches!(e, PTableError::SmallAboveDeviation { .. }), "{e}");
        let msg = e.to_string();
        assert!(msg.contains("js = 4 must not exceed"), "{msg}");
        let boxed: Box<dyn std::error::Error> = Box::new(PTableError::NoConvergence { value: 7 });
        assert!(boxed.to_string().contains("value 7"));
    }

    #[test]
    fn wide_parameter_sweep_keeps_every_rule() {
        let fixed = [0.001, 0.05, 0.3, 0.5, 1.0, 2.0, 3.0];
        for d in 1..=8u32 {
            let d2 = f64::from(d * d);
            let spread = [d2 / 3.0, d2 * 0.7, d2 * 0.99, d2 - 1e-6];
            for v in fixed.into_iter().chain(spread).filter(|&v| v < d2) {
                (0..=d).for_each(|js| check_invariants(&table(d, v, js)));
            }
        }
        for d in [12, 30] {
            check_invariants(&table(d, 0.5, 2));
            check_invariants(&table(d, f64::from(d), d / 2));
        }
    }

    #[test]
    fn csv_lists_every_entry() {
        let t = table(2, 1.0, 2);
        let csv = t.to_csv();
        let mut lines = csv.lines();
        let header = "valore,deviazione,probabilita,chiave_da,chiave_a";
        assert_eq!(lines.next(), Some(header));
        let parse = |l: &str| -> Vec<f64> { l.split(',').map(|f| f.parse().unwrap()).collect() };
        let body: Vec<Vec<f64>> = lines.map(parse).collect();
        let n: usize = t.rows().iter().map(|r| r.entries.len()).sum();
        assert_eq!(body.len(), n);
        assert_eq!(body[0], [0.0, 0.0, 1.0, 0.0, 1.0]);
        assert_eq!(body[1], [1.0, -1.0, 2.0 / 3.0, 0.0, 2.0 / 3.0]);
    }
}
