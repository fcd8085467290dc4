//! The comparison group (docs/esiti.md): people who entered the measure after losing a job
//! (trattati) against people who lost a job in the same way and did not (controlli), matched
//! exactly on sex, age class, sector, area, contract and cause (the Ministry's group) of the job
//! lost, the quarter of the separation and the delay band of the entry; the difference in re-employment within 3, 6 and
//! 12 months with its confidence interval, and the balance of the covariates before and after.
//!
//! Day zero is the last day worked for both groups. A treated person entered the measure some
//! days later without a job in between; so that the controls are comparable, a control counts in
//! a delay band (0–29, 30–59, … days, up to the window of `misure_confronto`) only if still
//! without a new job on the band's first day: coarsened risk-set matching (Li, Propert &
//! Rosenbaum 2001; Sianesi 2004 for the dynamic setting), one copy of the control per band it is
//! at risk in. This is a comparison of similar people under the matching assumptions (selection
//! on the variables matched), not a causal effect of the measure.

use super::columns::Columns;
use super::entries::{date, Separation};
use crate::analytics::indicators::TOTALE;
use crate::model::period::Periodicity;
use crate::sdc::{Mode, Status};
use crate::stats::matching::{self, Covariate, Matched, Unit};
use anyhow::Result;
use arrow::array::RecordBatch;
use chrono::Months;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The outcomes compared: re-employed within 3, 6, 12 calendar months of day zero.
pub const MONTHS: [u32; 3] = [3, 6, 12];

/// Days of a delay band [I].
pub const BAND_DAYS: i32 = 30;

/// The covariates of the balance table; the first `MATCHED` are the strata.
const COVARIATES: [&str; 9] = [
    "sesso",
    "classe_eta",
    "settore_origine",
    "area",
    "contratto_origine",
    "causa_cessazione",
    "anno_nascita",
    "livello_istruzione",
    "area_cittadinanza",
];
const MATCHED: usize = 6;

/// How the comparison is made and published.
#[derive(Debug, Clone)]
pub struct Design {
    pub periodicity: Periodicity,
    /// The lake's horizon (days since 1970-01-01).
    pub horizon: i32,
    /// Days after the separation in which an entry makes a person treated.
    pub window: i32,
    pub mode: Mode,
    pub level: f64,
}

/// The comparison's tables.
pub struct ComparisonTables {
    pub effects: RecordBatch,
    pub balance: RecordBatch,
}

/// The units of the matching and, for each, the separation it comes from. A control's copies in
/// several delay bands share its covariates and outcomes (no copy of the data).
fn units(pool: &[Separation], d: &Design) -> (Vec<Unit>, Vec<usize>) {
    // Two halves on two threads, split between two days (a stratum's key is the same text in
    // both: the matching compares keys by text).
    let mut half = pool.len() / 2;
    while half > 0 && half < pool.len() && pool[half].day0 == pool[half - 1].day0 {
        half += 1;
    }
    let ((mut units, mut source), (more, their)) =
        rayon::join(|| units_of(&pool[..half], 0, d), || units_of(&pool[half..], half, d));
    units.extend(more);
    source.extend(their);
    (units, source)
}

/// [`units`] of a run of the pool that starts at `offset`.
fn units_of(pool: &[Separation], offset: usize, d: &Design) -> (Vec<Unit>, Vec<usize>) {
    let bands = ((d.window + 1) + BAND_DAYS - 1) / BAND_DAYS;
    let mut prefixes = super::entries::Interner::default();
    // The stratum of a prefix (by its address) and a band, shared by every unit in it.
    let mut strata: FxHashMap<(*const u8, i32), Arc<str>> = FxHashMap::default();
    let mut units = Vec::new();
    let mut source = Vec::new();
    // The quarter and the last day of each window depend on day zero only: kept for the next
    // separation, which comes the same day more often than not (the pool is sorted by day zero).
    let mut day: Option<(i32, String, [i32; MONTHS.len()])> = None;
    for (i, s) in pool.iter().enumerate() {
        if day.as_ref().is_none_or(|(d0, _, _)| *d0 != s.day0) {
            let ends = MONTHS.map(|m| {
                date(s.day0)
                    .checked_add_months(Months::new(m))
                    .map_or(i32::MAX, |end| (end - date(0)).num_days() as i32)
            });
            day = Some((s.day0, Periodicity::Quarter.label(date(s.day0)), ends));
        }
        let (_, quarter, ends) = day.as_ref().expect("set above");
        let outcomes: Arc<[Option<bool>]> = ends
            .iter()
            .map(|&end| (end <= d.horizon).then(|| s.reemployed.is_some_and(|r| r <= end)))
            .collect();
        let covariates: Arc<[Covariate]> = Arc::from(vec![
            Covariate::Category(s.sesso.clone()),
            Covariate::Category(s.classe_eta.clone()),
            Covariate::Category(s.settore.clone()),
            Covariate::Category(s.area.clone()),
            Covariate::Category(s.contratto.clone()),
            Covariate::Category(s.causa.clone()),
            Covariate::Number(s.anno_nascita.map_or(f64::NAN, f64::from)),
            Covariate::Category(s.istruzione.clone()),
            Covariate::Category(s.cittadinanza.clone()),
        ]);
        let prefix = prefixes.get(&matching::stratum_key(&[
            &s.sesso,
            &s.classe_eta,
            &s.settore,
            &s.area,
            &s.contratto,
            &s.causa,
            quarter,
        ]));
        let mut stratum = |band: i32| {
            strata
                .entry((prefix.as_ptr(), band))
                .or_insert_with(|| Arc::from(format!("{prefix}{}{band}", matching::STRATUM_SEPARATOR)))
                .clone()
        };
        let in_bands: Vec<i32> = if s.treated {
            vec![(s.delay.unwrap_or(0) / BAND_DAYS).min(bands - 1)]
        } else {
            // A control is at risk in a band while it has no new job on the band's first day.
            (0..bands)
                .filter(|b| s.reemployed.is_none_or(|r| r - s.day0 > b * BAND_DAYS))
                .collect()
        };
        for b in in_bands {
            units.push(Unit {
                treated: s.treated,
                stratum: stratum(b),
                covariates: covariates.clone(),
                outcomes: outcomes.clone(),
            });
            source.push(offset + i);
        }
    }
    (units, source)
}

/// One row of the effects table.
struct EffectRow {
    period: String,
    months: u32,
    counts: Distinct,
    effect: Option<matching::Effect>,
    status: Status,
}

pub fn tables(pool: &[Separation], d: &Design) -> Result<ComparisonTables> {
    let (all, source) = units(pool, d);
    let mut cohorts: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (u, &s) in source.iter().enumerate() {
        cohorts
            .entry(d.periodicity.label(date(pool[s].day0)))
            .or_default()
            .push(u);
    }
    if cohorts.len() > 1 {
        cohorts.insert(TOTALE.to_string(), (0..all.len()).collect());
    }
    let min = d.mode.worker_threshold() as f64;
    let matched = matching::match_exact(&all);
    // The cohorts one by one (each matched on its own units), beside the balance of the whole pool.
    let (rows, balance) = rayon::join(
        || {
            cohorts
                .iter()
                .flat_map(|(period, members)| cohort_rows(period, members, &all, &matched, &source, pool.len(), d))
                .collect::<Vec<EffectRow>>()
        },
        || balance_batch(&all, &matched, min, &d.mode),
    );
    Ok(ComparisonTables {
        effects: effects_batch(&rows, min)?,
        balance: balance?,
    })
}

/// The rows of one cohort (its `members` among `all` units): the difference at each horizon.
fn cohort_rows(
    period: &str,
    members: &[usize],
    all: &[Unit],
    matched: &Matched,
    source: &[usize],
    pool: usize,
    d: &Design,
) -> Vec<EffectRow> {
    let min = d.mode.worker_threshold() as f64;
    // The whole pool is matched once; a cohort of one period is matched on its own units,
    // a run of the pool's when it comes sorted by day zero (as `separations` reads it).
    let subset: Vec<Unit>;
    let contiguous = members.last().is_some_and(|&l| l + 1 - members[0] == members.len());
    let (units, m) = if members.len() == all.len() {
        (all, matched.clone())
    } else if contiguous {
        let run = &all[members[0]..members[0] + members.len()];
        (run, matching::match_exact(run))
    } else {
        subset = members.iter().map(|&u| all[u].clone()).collect();
        let m = matching::match_exact(&subset);
        (&subset[..], m)
    };
    let counts = Distinct::of(members, units, &m.weights, source, pool);
    MONTHS
        .iter()
        .enumerate()
        .map(|(k, &months)| {
            let effect = matching::effect(units, &m, k, d.level);
            let events = units
                .iter()
                .zip(&m.weights)
                .filter(|(u, &w)| u.treated && w > 0.0 && u.outcomes[k] == Some(true))
                .count() as f64;
            let status = match &effect {
                _ if matches!(d.mode, Mode::Confidential) => Status::Confidential,
                None => Status::NotAvailable,
                Some(e) if (e.n_treated as f64) < min || (e.n_controls as f64) < min => Status::SuppressedPrimary,
                Some(_) if events > 0.0 && events < min => Status::SuppressedPrimary,
                Some(_) => Status::Ok,
            };
            EffectRow {
                period: period.to_string(),
                months,
                counts,
                effect,
                status,
            }
        })
        .collect()
}

/// The separations behind a cohort's units (a control's copies in several bands count once):
/// treated, treated matched, controls, controls matched.
#[derive(Debug, Clone, Copy)]
struct Distinct {
    treated: usize,
    treated_matched: usize,
    controls: usize,
    controls_matched: usize,
}

impl Distinct {
    fn of(members: &[usize], units: &[Unit], weights: &[f64], source: &[usize], pool: usize) -> Distinct {
        // Bit 0: seen; bit 1: matched in some band.
        let mut seen = vec![0u8; pool];
        for (k, &u) in members.iter().enumerate() {
            seen[source[u]] |= 1 | if weights[k] > 0.0 { 2 } else { 0 };
        }
        let mut d = Distinct {
            treated: 0,
            treated_matched: 0,
            controls: 0,
            controls_matched: 0,
        };
        for (k, &u) in members.iter().enumerate() {
            let s = source[u];
            if seen[s] == 0 {
                continue;
            }
            let matched = seen[s] & 2 != 0;
            seen[s] = 0;
            if units[k].treated {
                d.treated += 1;
                d.treated_matched += usize::from(matched);
            } else {
                d.controls += 1;
                d.controls_matched += usize::from(matched);
            }
        }
        d
    }
}

fn effects_batch(rows: &[EffectRow], min: f64) -> Result<RecordBatch> {
    let shown = |r: &EffectRow| r.status.is_published();
    let value = |f: fn(&matching::Effect) -> f64| -> Vec<Option<f64>> {
        rows.iter()
            .map(|r| r.effect.as_ref().filter(|_| shown(r)).map(|e| round1(100.0 * f(e))))
            .collect()
    };
    // A count is shown when it is zero or at least the threshold.
    let count = |n: usize| ((n as f64) >= min || n == 0).then_some(n as i64);
    let mut c = Columns::default();
    c.text("periodo", rows.iter().map(|r| Some(r.period.clone())))
        .count("mesi", rows.iter().map(|r| Some(i64::from(r.months))))
        .count("trattati", rows.iter().map(|r| count(r.counts.treated)))
        .count(
            "trattati_abbinati",
            rows.iter().map(|r| count(r.counts.treated_matched)),
        )
        .count("controlli", rows.iter().map(|r| count(r.counts.controls)))
        .count(
            "controlli_abbinati",
            rows.iter().map(|r| count(r.counts.controls_matched)),
        )
        .count(
            "trattati_osservati",
            rows.iter()
                .map(|r| r.effect.as_ref().filter(|_| shown(r)).map(|e| e.n_treated as i64)),
        )
        .number("quota_trattati", value(|e| e.treated))
        .number("quota_controlli", value(|e| e.controls))
        .number("differenza", value(|e| e.difference))
        .number("inf", value(|e| e.lower))
        .number("sup", value(|e| e.upper));
    c.text("stato", rows.iter().map(|r| Some(r.status.label().to_string())))
        .count("codice_stato", rows.iter().map(|r| Some(i64::from(r.status.code()))));
    c.batch()
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The balance of each covariate (and each level of a category) before and after matching; a
/// level held by fewer than the threshold treated or controls (but some) is not shown.
fn balance_batch(units: &[Unit], m: &Matched, min: f64, mode: &Mode) -> Result<RecordBatch> {
    let rows = matching::balance(units, m);
    let status: Vec<Status> = rows
        .iter()
        .map(|b| {
            let small = |n: usize| n > 0 && (n as f64) < min;
            match (&b.level, mode) {
                (_, Mode::Confidential) => Status::Confidential,
                (Some(_), _) if small(b.holders[0]) || small(b.holders[1]) => Status::SuppressedPrimary,
                _ => Status::Ok,
            }
        })
        .collect();
    let shown = |i: usize, v: f64| (status[i].is_published() && v.is_finite()).then_some(round3(v));
    let mut c = Columns::default();
    c.text(
        "variabile",
        rows.iter().map(|b| Some(COVARIATES[b.covariate].to_string())),
    )
    .text("livello", rows.iter().map(|b| b.level.clone()))
    .flag("abbinata", rows.iter().map(|b| Some(b.covariate < MATCHED)))
    .number(
        "media_trattati_prima",
        rows.iter().enumerate().map(|(i, b)| shown(i, b.before.mean_treated)),
    )
    .number(
        "media_controlli_prima",
        rows.iter().enumerate().map(|(i, b)| shown(i, b.before.mean_controls)),
    )
    .number(
        "diff_std_prima",
        rows.iter().enumerate().map(|(i, b)| shown(i, b.before.std_diff)),
    )
    .number(
        "media_trattati_dopo",
        rows.iter().enumerate().map(|(i, b)| shown(i, b.after.mean_treated)),
    )
    .number(
        "media_controlli_dopo",
        rows.iter().enumerate().map(|(i, b)| shown(i, b.after.mean_controls)),
    )
    .number(
        "diff_std_dopo",
        rows.iter().enumerate().map(|(i, b)| shown(i, b.after.std_diff)),
    );
    c.text("stato", status.iter().map(|s| Some(s.label().to_string())))
        .count("codice_stato", status.iter().map(|s| Some(i64::from(s.code()))));
    c.batch()
}
