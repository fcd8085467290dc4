//! The cohorts of a measure and their re-employment curves (docs/esiti.md): one cohort per
//! period of entry and group of the breakdown columns (with the cohort's total over each
//! column), Kaplan–Meier re-employment shares with Greenwood intervals, the cumulative incidence
//! of a new employer and of a recall (Aalen–Johansen), the median time, and the log-rank test
//! between the groups of a cohort. Every table goes through disclosure control: the counts by
//! the threshold rule with secondary suppression (`sdc::protect`), an estimate only where the
//! events behind it are none or at least the threshold, a curve only for a group of at least
//! `min_curve` people, each of its points only where the events since the last point shown are
//! none or at least the threshold and while at least the threshold are still at risk.

use super::columns::Columns;
use super::entries::Entry;
use crate::analytics::indicators::TOTALE;
use crate::model::period::Periodicity;
use crate::sdc::{self, Cell, Equation, Mode, Status};
use crate::stats::survival::{self, CifPoint, KmPoint, Obs};
use anyhow::Result;
use arrow::array::RecordBatch;
use std::collections::{BTreeMap, HashSet};

/// Cause codes of the survival observations.
pub const NEW_EMPLOYER: u8 = 1;
pub const RECALL: u8 = 2;

/// The horizons of the summary, in days from day zero: about 3, 6 and 12 months.
pub const HORIZONS: [(u32, &str); 3] = [(91, "3m"), (182, "6m"), (365, "12m")];

/// How the cohorts are cut and published.
#[derive(Debug, Clone)]
pub struct Rules {
    pub periodicity: Periodicity,
    pub by: Vec<String>,
    /// The lake's horizon (days since 1970-01-01): censoring time of those not re-employed.
    pub horizon: i32,
    pub mode: Mode,
    /// Minimum people for a group's curve to be drawn.
    pub min_curve: u64,
    /// Days between two points of a published curve, and its last day.
    pub step: u32,
    pub max_days: u32,
    /// Confidence level of the intervals (0.95).
    pub level: f64,
}

impl Rules {
    fn confidential(&self) -> bool {
        matches!(self.mode, Mode::Confidential)
    }
}

/// A cohort: its period and group (None = the total over that breakdown column).
type Key = (String, Vec<Option<String>>);

/// The tables of the cohorts.
pub struct CohortTables {
    pub summary: RecordBatch,
    pub curves: RecordBatch,
    pub tests: RecordBatch,
    pub report: sdc::Report,
    /// Groups whose curve is not drawn (too few people), for the notes.
    pub undrawn: usize,
}

/// The survival observation of an entry of someone without a job: time to re-employment (cause
/// recall or new employer), or to the horizon (censored).
pub fn observation(e: &Entry, horizon: i32) -> Obs {
    match e.reemployed {
        Some(d) => Obs {
            time: (d - e.day0).max(0) as u32,
            cause: if e.recall { RECALL } else { NEW_EMPLOYER },
            weight: 1.0,
        },
        None => Obs {
            time: (horizon - e.day0).max(0) as u32,
            cause: 0,
            weight: 1.0,
        },
    }
}

/// The entries of each cohort, margins included.
fn cohorts(entries: &[Entry], rules: &Rules) -> BTreeMap<Key, Vec<usize>> {
    let k = rules.by.len();
    let mut out: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        let period = rules.periodicity.label(super::entries::date(e.day0));
        for mask in 0..(1u32 << k) {
            let group = (0..k)
                .map(|j| (mask & (1 << j) != 0).then(|| e.groups[j].clone()))
                .collect();
            out.entry((period.clone(), group)).or_default().push(i);
        }
    }
    out
}

/// Count measures of the summary (protected by the threshold rule and secondary suppression).
const COUNTS: [&str; 7] = [
    "ingressi",
    "ingressi_occupati",
    "ingressi_non_occupati",
    "rioccupati",
    "richiami",
    "cambi_datore_sospetti",
    "censurati",
];

/// One line of the summary before its status is known.
struct Line {
    key: usize,
    measure: String,
    value: Option<f64>,
    lower: Option<f64>,
    upper: Option<f64>,
    workers: u64,
    status: Status,
}

pub fn tables(entries: &[Entry], rules: &Rules) -> Result<CohortTables> {
    let groups = cohorts(entries, rules);
    let keys: Vec<&Key> = groups.keys().collect();
    // The counts, as disclosure-control cells.
    let mut cells = Vec::new();
    let mut at = BTreeMap::new();
    let has_employers = entries.iter().any(|e| e.employer.is_some());
    for (ki, (key, members)) in groups.iter().enumerate() {
        for m in COUNTS {
            let keep: Vec<&Entry> = members
                .iter()
                .map(|&i| &entries[i])
                .filter(|e| counts_in(e, m))
                .collect();
            let workers: HashSet<&str> = keep.iter().map(|e| e.worker.as_str()).collect();
            let employers: HashSet<&str> = keep.iter().filter_map(|e| e.employer.as_deref()).collect();
            let mut cell_key = vec![Some(key.0.clone())];
            cell_key.extend(key.1.iter().cloned());
            let cell = Cell::new(
                cell_key,
                m,
                keep.len() as f64,
                workers.len() as u64,
                employers.len() as u64,
            );
            at.insert((ki, m), cells.len());
            cells.push(if has_employers { cell } else { cell.without_employers() });
        }
    }
    let mut equations = sdc::cube_equations(&cells);
    for ki in 0..keys.len() {
        let c = |m: &str| at[&(ki, m)];
        equations.push(Equation::sum(
            c("ingressi"),
            vec![c("ingressi_occupati"), c("ingressi_non_occupati")],
        ));
        equations.push(Equation::sum(
            c("ingressi_non_occupati"),
            vec![c("rioccupati"), c("censurati")],
        ));
    }
    let protection = sdc::protect(&cells, &equations, &rules.mode);

    let mut lines = Vec::new();
    let mut curves = CurveRows::default();
    let mut tests = Vec::new();
    let mut drawn: BTreeMap<&str, Vec<(usize, Vec<Obs>)>> = BTreeMap::new();
    let mut undrawn = 0;
    let mut curve = vec![Curve::None; keys.len()];
    for (ki, (key, members)) in groups.iter().enumerate() {
        for m in COUNTS {
            let i = at[&(ki, m)];
            lines.push(Line {
                key: ki,
                measure: m.to_string(),
                value: cells[i].value,
                lower: None,
                upper: None,
                workers: cells[i].n_workers,
                status: protection.status[i],
            });
        }
        let base = protection.status[at[&(ki, "ingressi_non_occupati")]];
        let obs: Vec<Obs> = members
            .iter()
            .map(|&i| &entries[i])
            .filter(|e| !e.employed)
            .map(|e| observation(e, rules.horizon))
            .collect();
        let people = cells[at[&(ki, "ingressi_non_occupati")]].n_workers;
        lines.extend(estimates(ki, &obs, people, base, rules));
        if base.is_published() && !obs.is_empty() && (rules.confidential() || people >= rules.min_curve) {
            curves.add(ki, &obs, rules);
            curve[ki] = Curve::Drawn;
            if key.1.iter().all(Option::is_some) {
                drawn.entry(key.0.as_str()).or_default().push((ki, obs));
            }
        } else if base.is_published() && !obs.is_empty() {
            curve[ki] = Curve::TooFew;
            undrawn += 1;
        }
    }
    for (period, groups) in &drawn {
        let slices: Vec<&[Obs]> = groups.iter().map(|(_, o)| o.as_slice()).collect();
        if let Some(t) = survival::log_rank(&slices) {
            tests.push((period.to_string(), groups.len(), t));
        }
    }
    Ok(CohortTables {
        summary: summary_batch(&keys, &lines, &curve, rules)?,
        curves: curves.batch(&keys, rules)?,
        tests: tests_batch(&tests, rules)?,
        report: protection.report,
        undrawn,
    })
}

/// Whether an entry is in a count of the summary.
fn counts_in(e: &Entry, measure: &str) -> bool {
    match measure {
        "ingressi" => true,
        "ingressi_occupati" => e.employed,
        "ingressi_non_occupati" => !e.employed,
        "rioccupati" => !e.employed && e.reemployed.is_some(),
        "richiami" => !e.employed && e.reemployed.is_some() && e.recall,
        "cambi_datore_sospetti" => !e.employed && e.reemployed.is_some() && e.suspect,
        "censurati" => !e.employed && e.reemployed.is_none(),
        _ => unreachable!("a count of COUNTS"),
    }
}

/// The status of an estimate resting on `events` events, in a cohort whose base has `base`.
fn estimate_status(base: Status, events: f64, at_risk: f64, rules: &Rules) -> Status {
    let min = rules.mode.worker_threshold() as f64;
    if at_risk <= 0.0 {
        Status::NotAvailable
    } else if rules.confidential() {
        Status::Confidential
    } else if !base.is_published() {
        Status::SuppressedSecondary
    } else if (events > 0.0 && events < min) || at_risk < min {
        Status::SuppressedPrimary
    } else {
        Status::Ok
    }
}

/// The last point of a step curve (sorted by time) at or before `t`.
fn at<P>(curve: &[P], t: u32, time: impl Fn(&P) -> u32) -> Option<&P> {
    let i = curve.partition_point(|p| time(p) <= t);
    i.checked_sub(1).map(|i| &curve[i])
}

/// People still followed on day `t` (time ≥ t) and events by day `t` (of one cause, or any).
fn counts(obs: &[Obs], t: u32, cause: Option<u8>) -> (f64, f64) {
    let risk = obs.iter().filter(|o| o.time >= t).map(|o| o.weight).sum();
    let events = obs
        .iter()
        .filter(|o| o.cause > 0 && o.time <= t && cause.is_none_or(|c| o.cause == c))
        .map(|o| o.weight)
        .sum();
    (risk, events)
}

/// The estimates of one cohort: median days, re-employment shares (1 − KM) and cumulative
/// incidences at the horizons, in %.
fn estimates(key: usize, obs: &[Obs], people: u64, base: Status, rules: &Rules) -> Vec<Line> {
    let km = survival::kaplan_meier(obs, rules.level);
    let cif = [NEW_EMPLOYER, RECALL].map(|c| survival::cumulative_incidence(obs, c, rules.level));
    let mut out = Vec::new();
    let mut line = |measure: String, value: Option<f64>, bounds: Option<(f64, f64)>, status: Status| {
        let shown = status.is_published();
        out.push(Line {
            key,
            measure,
            value: value.filter(|_| shown),
            lower: bounds.filter(|_| shown).map(|b| b.0),
            upper: bounds.filter(|_| shown).map(|b| b.1),
            workers: people,
            status,
        });
    };
    let median = survival::median(&km);
    let status = match median {
        Some(t) => {
            let (risk, events) = counts(obs, t, None);
            estimate_status(base, events, risk.max(1.0), rules)
        }
        None if base.is_published() || rules.confidential() => Status::NotAvailable,
        None => Status::SuppressedSecondary,
    };
    line("mediana_giorni".into(), median.map(f64::from), None, status);
    for (days, label) in HORIZONS {
        let (risk, events) = counts(obs, days, None);
        let p = at(&km, days, |p: &KmPoint| p.time);
        let (s, lo, hi) = p.map_or((1.0, 1.0, 1.0), |p| (p.survival, p.lower, p.upper));
        line(
            format!("quota_rioccupati_{label}"),
            Some(round1(100.0 * (1.0 - s))),
            Some((round1(100.0 * (1.0 - hi)), round1(100.0 * (1.0 - lo)))),
            estimate_status(base, events, risk, rules),
        );
        for (c, name) in [(0, "nuovo_datore"), (1, "richiamo")] {
            let (_, events) = counts(obs, days, Some(c as u8 + 1));
            let p = at(&cif[c], days, |p: &CifPoint| p.time);
            let (f, lo, hi) = p.map_or((0.0, 0.0, 0.0), |p| (p.incidence, p.lower, p.upper));
            line(
                format!("incidenza_{name}_{label}"),
                Some(round1(100.0 * f)),
                Some((round1(100.0 * lo), round1(100.0 * hi))),
                estimate_status(base, events, risk, rules),
            );
        }
    }
    out
}

/// `x` to `digits` significant digits (a p-value of 1.234e-7 stays readable).
fn significant(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The published points of the curves.
#[derive(Default)]
struct CurveRows {
    key: Vec<usize>,
    day: Vec<u32>,
    at_risk: Vec<Option<f64>>,
    events: Vec<Option<f64>>,
    share: Vec<Option<f64>>,
    lower: Vec<Option<f64>>,
    upper: Vec<Option<f64>>,
    new_employer: Vec<Option<f64>>,
    recall: Vec<Option<f64>>,
    status: Vec<Status>,
}

impl CurveRows {
    /// The points of one group's curve, every `step` days to `max_days` while anyone is followed.
    fn add(&mut self, key: usize, obs: &[Obs], rules: &Rules) {
        let km = survival::kaplan_meier(obs, rules.level);
        let cif = [NEW_EMPLOYER, RECALL].map(|c| survival::cumulative_incidence(obs, c, rules.level));
        let min = rules.mode.worker_threshold() as f64;
        let mut shown_events = 0.0;
        let mut t = 0;
        while t <= rules.max_days {
            let (risk, events) = counts(obs, t, None);
            if risk <= 0.0 {
                break;
            }
            let new = events - shown_events;
            let status = if rules.confidential() {
                Status::Confidential
            } else if risk < min || (new > 0.0 && new < min) {
                Status::SuppressedPrimary
            } else {
                Status::Ok
            };
            let shown = status.is_published();
            if shown {
                shown_events = events;
            }
            let p = at(&km, t, |p: &KmPoint| p.time);
            let (s, lo, hi) = p.map_or((1.0, 1.0, 1.0), |p| (p.survival, p.lower, p.upper));
            let f = |c: usize| survival::incidence_at(&cif[c], t);
            let keep = |v: f64| shown.then_some(v);
            self.key.push(key);
            self.day.push(t);
            self.at_risk.push(keep(risk));
            self.events.push(keep(events));
            self.share.push(keep(round1(100.0 * (1.0 - s))));
            self.lower.push(keep(round1(100.0 * (1.0 - hi))));
            self.upper.push(keep(round1(100.0 * (1.0 - lo))));
            self.new_employer.push(keep(round1(100.0 * f(0))));
            self.recall.push(keep(round1(100.0 * f(1))));
            self.status.push(status);
            t += rules.step;
        }
    }

    fn batch(self, keys: &[&Key], rules: &Rules) -> Result<RecordBatch> {
        let mut c = Columns::default();
        key_columns(&mut c, keys, &self.key, rules);
        c.count("giorni", self.day.iter().map(|&d| Some(i64::from(d))))
            .number("a_rischio", self.at_risk)
            .number("rioccupati", self.events)
            .number("quota_rioccupati", self.share)
            .number("inf", self.lower)
            .number("sup", self.upper)
            .number("incidenza_nuovo_datore", self.new_employer)
            .number("incidenza_richiamo", self.recall);
        status_columns(&mut c, &self.status);
        c.batch()
    }
}

/// The columns periodo and one per breakdown (Totale for a margin).
fn key_columns(c: &mut Columns, keys: &[&Key], rows: &[usize], rules: &Rules) {
    c.text("periodo", rows.iter().map(|&k| Some(keys[k].0.clone())));
    for (j, name) in rules.by.iter().enumerate() {
        c.text(
            name,
            rows.iter()
                .map(|&k| Some(keys[k].1[j].clone().unwrap_or_else(|| TOTALE.to_string()))),
        );
    }
}

fn status_columns(c: &mut Columns, status: &[Status]) {
    c.text("stato", status.iter().map(|s| Some(s.label().to_string())))
        .count("codice_stato", status.iter().map(|s| Some(i64::from(s.code()))));
}

/// Whether a cohort's curve is in the `curve` table (the flag of the summary's column `curva`).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Curve {
    Drawn,
    /// A group under `min_curve` people: not drawn.
    TooFew,
    /// No published base or nobody without a job at entry.
    None,
}

fn summary_batch(keys: &[&Key], lines: &[Line], curve: &[Curve], rules: &Rules) -> Result<RecordBatch> {
    let mut c = Columns::default();
    let rows: Vec<usize> = lines.iter().map(|l| l.key).collect();
    key_columns(&mut c, keys, &rows, rules);
    let shown = |l: &Line| l.status.is_published();
    c.text("misura", lines.iter().map(|l| Some(l.measure.clone())))
        .number("valore", lines.iter().map(|l| l.value.filter(|_| shown(l))))
        .number("inf", lines.iter().map(|l| l.lower))
        .number("sup", lines.iter().map(|l| l.upper));
    let status: Vec<Status> = lines.iter().map(|l| l.status).collect();
    status_columns(&mut c, &status);
    c.count(
        "n_lavoratori",
        lines.iter().map(|l| shown(l).then_some(l.workers as i64)),
    );
    let min = rules.min_curve;
    c.text(
        "curva",
        lines.iter().map(|l| match curve[l.key] {
            Curve::Drawn => Some("disegnata".to_string()),
            Curve::TooFew => Some(format!("non disegnata: meno di {min} persone")),
            Curve::None => None,
        }),
    );
    c.batch()
}

fn tests_batch(tests: &[(String, usize, survival::LogRank)], rules: &Rules) -> Result<RecordBatch> {
    let mut c = Columns::default();
    c.text("periodo", tests.iter().map(|t| Some(t.0.clone())))
        .text("gruppi_per", tests.iter().map(|_| Some(rules.by.join(" × "))))
        .count("n_gruppi", tests.iter().map(|t| Some(t.1 as i64)))
        .number("chi2", tests.iter().map(|t| Some((t.2.chi2 * 1000.0).round() / 1000.0)))
        .count("gradi_liberta", tests.iter().map(|t| Some(t.2.df as i64)))
        .number("p_valore", tests.iter().map(|t| Some(significant(t.2.p_value, 3))));
    c.batch()
}
