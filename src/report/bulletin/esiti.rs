//! The outcomes of crisis measures in the bulletin ("Esiti delle misure di crisi") and in the
//! policy note `oml report esiti` (docs/esiti.md): the DID cohorts of the province's CPIs by
//! quarter of entry, through `analytics::outcomes` (re-employment curves, new employer and
//! recall, the matched comparison) and the `esiti` indicator (the complete-window shares in the
//! form of the public monitoring of active policies), and the CIG episodes by quarter of entry
//! (the same indicator with `misura CIG`). Every figure is a published cell of those
//! tables: their own disclosure control, not the bulletin's joint system (the cohorts share no
//! relation with the flows' cubes).

use super::Figure;
use crate::analytics::indicators::{compute, Periodicity, Request, Territory, TOTALE};
use crate::analytics::outcomes::{self, MatchArea, Measure, MIN_CURVE};
use crate::analytics::Session;
use crate::sdc::{DisclosureConfig, Mode, Status};
use anyhow::Result;
use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::{Float64Type, Int64Type};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// An estimate with its 95% interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub figure: Figure,
    pub bounds: Option<(f64, f64)>,
}

/// One cohort: the entries of a quarter.
#[derive(Debug, Clone, PartialEq)]
pub struct Cohort {
    /// `2023-Q1`.
    pub label: String,
    /// The measures of `oml outcomes`' sintesi (total row).
    pub values: BTreeMap<String, Estimate>,
    /// The share re-employed by day (every 30 days); None where withheld.
    pub curve: Vec<(u32, Option<f64>)>,
    /// The complete-window measures of the `esiti` indicator (counts and shares).
    pub inapp: BTreeMap<String, Figure>,
}

impl Cohort {
    pub fn get(&self, measure: &str) -> Figure {
        self.values
            .get(measure)
            .map_or_else(Figure::not_available, |e| e.figure.clone())
    }
}

/// The comparison at one horizon (all cohorts together).
#[derive(Debug, Clone, PartialEq)]
pub struct Effect {
    pub months: u32,
    pub treated: Figure,
    pub controls: Figure,
    pub difference: Estimate,
    pub n_treated: Option<i64>,
    pub n_treated_matched: Option<i64>,
    pub n_controls_matched: Option<i64>,
}

/// What the section shows.
#[derive(Debug, Clone, PartialEq)]
pub struct EsitiFigures {
    /// The entries followed: from, to.
    pub entries: (NaiveDate, NaiveDate),
    pub horizon: NaiveDate,
    pub cohorts: Vec<Cohort>,
    pub effects: Vec<Effect>,
    /// The CIG episodes that started in each quarter: the `esiti` indicator's counts and shares
    /// (complete windows; the curves are the DID's).
    pub cig: BTreeMap<String, BTreeMap<String, Figure>>,
    /// The largest |standardised difference| after matching among the covariates not matched.
    pub balance: Option<(String, f64)>,
    /// The commands that give the same numbers.
    pub commands: Vec<String>,
    pub notes: Vec<String>,
}

fn strings<'a>(b: &'a RecordBatch, name: &str) -> Option<&'a arrow::array::StringArray> {
    b.column_by_name(name).map(|c| c.as_string::<i32>())
}

fn numbers<'a>(b: &'a RecordBatch, name: &str) -> Option<&'a arrow::array::Float64Array> {
    b.column_by_name(name).map(|c| c.as_primitive::<Float64Type>())
}

fn opt(a: &arrow::array::Float64Array, i: usize) -> Option<f64> {
    (!a.is_null(i)).then(|| a.value(i))
}

fn figure(value: Option<f64>, status: &str) -> Figure {
    Figure {
        value,
        status: Status::from_label(status).unwrap_or(Status::NotAvailable),
    }
}

/// The outcomes of the DID entries of `province` from `dal` to `al`, or None when the lake holds
/// no DID of the province then.
pub fn compute_figures(
    session: &Session,
    province: &str,
    period: (NaiveDate, NaiveDate),
    rules: DisclosureConfig,
) -> Result<Option<EsitiFigures>> {
    // The curves and the two `esiti` tables read the same outcomes: computed once.
    outcomes::keep_computed(session)?;
    let figures = figures_of(session, province, period, rules);
    outcomes::forget_computed(session)?;
    figures
}

fn figures_of(
    session: &Session,
    province: &str,
    (dal, al): (NaiveDate, NaiveDate),
    rules: DisclosureConfig,
) -> Result<Option<EsitiFigures>> {
    let territory = Territory {
        provincia: Some(province.to_uppercase()),
        regione: None,
    };
    let req = outcomes::Request {
        measure: Measure::Did,
        period: Some((dal, al)),
        periodicity: Periodicity::Quarter,
        by: vec![],
        territory: territory.clone(),
        mode: Mode::Protected(rules),
        min_curve: MIN_CURVE,
        step: 30,
        max_days: 730,
        match_area: MatchArea::Cpi,
    };
    let o = outcomes::compute(session, &req)?;
    let table = |n: &str| o.tables.iter().find(|(t, _)| *t == n).map(|(_, b)| b);
    let mut cohorts: BTreeMap<String, Cohort> = BTreeMap::new();
    let cohort = |cohorts: &mut BTreeMap<String, Cohort>, label: &str| {
        cohorts.entry(label.to_string()).or_insert_with(|| Cohort {
            label: label.to_string(),
            values: BTreeMap::new(),
            curve: Vec::new(),
            inapp: BTreeMap::new(),
        });
    };
    if let Some(b) = table("sintesi") {
        let (p, m, s) = (
            strings(b, "periodo").unwrap(),
            strings(b, "misura").unwrap(),
            strings(b, "stato").unwrap(),
        );
        let (v, lo, hi) = (
            numbers(b, "valore").unwrap(),
            numbers(b, "inf").unwrap(),
            numbers(b, "sup").unwrap(),
        );
        for i in 0..b.num_rows() {
            cohort(&mut cohorts, p.value(i));
            let bounds = opt(lo, i).zip(opt(hi, i));
            cohorts.get_mut(p.value(i)).unwrap().values.insert(
                m.value(i).to_string(),
                Estimate {
                    figure: figure(opt(v, i), s.value(i)),
                    bounds,
                },
            );
        }
    }
    if let Some(b) = table("curve") {
        let p = strings(b, "periodo").unwrap();
        let d = b.column_by_name("giorni").unwrap().as_primitive::<Int64Type>();
        let q = numbers(b, "quota_rioccupati").unwrap();
        for i in 0..b.num_rows() {
            if let Some(c) = cohorts.get_mut(p.value(i)) {
                c.curve.push((d.value(i) as u32, opt(q, i)));
            }
        }
    }
    if cohorts.is_empty() {
        return Ok(None);
    }
    // The complete-window shares (INAPP form) of the same cohorts.
    for (period, values) in shares(session, &territory, (dal, al), rules, "DID")? {
        if let Some(c) = cohorts.get_mut(&period) {
            c.inapp = values;
        }
    }
    let cig = shares(session, &territory, (dal, al), rules, "CIG")?;
    let mut effects = Vec::new();
    if let Some(b) = table("confronto") {
        let p = strings(b, "periodo").unwrap();
        let s = strings(b, "stato").unwrap();
        let count = |n: &str, i: usize| {
            let a = b.column_by_name(n).unwrap().as_primitive::<Int64Type>();
            (!a.is_null(i)).then(|| a.value(i))
        };
        let months = b.column_by_name("mesi").unwrap().as_primitive::<Int64Type>();
        let n = |k: &str| numbers(b, k).unwrap();
        // All cohorts together: the Totale rows, or the only cohort's.
        let overall = if (0..b.num_rows()).any(|i| p.value(i) == TOTALE) {
            TOTALE.to_string()
        } else {
            (0..b.num_rows())
                .map(|i| p.value(i).to_string())
                .next()
                .unwrap_or_default()
        };
        for i in (0..b.num_rows()).filter(|&i| p.value(i) == overall) {
            effects.push(Effect {
                months: months.value(i) as u32,
                treated: figure(opt(n("quota_trattati"), i), s.value(i)),
                controls: figure(opt(n("quota_controlli"), i), s.value(i)),
                difference: Estimate {
                    figure: figure(opt(n("differenza"), i), s.value(i)),
                    bounds: opt(n("inf"), i).zip(opt(n("sup"), i)),
                },
                n_treated: count("trattati", i),
                n_treated_matched: count("trattati_abbinati", i),
                n_controls_matched: count("controlli_abbinati", i),
            });
        }
    }
    let balance = table("bilanciamento").and_then(|b| {
        let v = strings(b, "variabile").unwrap();
        let matched = b.column_by_name("abbinata").unwrap().as_boolean();
        let d = numbers(b, "diff_std_dopo").unwrap();
        (0..b.num_rows())
            .filter(|&i| !matched.value(i))
            .filter_map(|i| opt(d, i).map(|x| (v.value(i).to_string(), x.abs())))
            .max_by(|a, b| a.1.total_cmp(&b.1))
    });
    let range = format!("{dal}..{al}");
    Ok(Some(EsitiFigures {
        entries: (dal, al),
        horizon: o.horizon,
        cohorts: cohorts.into_values().collect(),
        effects,
        cig,
        balance,
        commands: vec![
            format!("oml outcomes --misura DID --period {range} --province {province}"),
            format!("oml indicators esiti --misura DID --period {range} --periodicity trimestre --province {province}"),
            format!("oml indicators esiti --misura CIG --period {range} --periodicity trimestre --province {province}"),
        ],
        notes: o.notes,
    }))
}

/// The `esiti` indicator of `measure` by quarter of entry, protected: period → measure → cell.
fn shares(
    session: &Session,
    territory: &Territory,
    (dal, al): (NaiveDate, NaiveDate),
    rules: DisclosureConfig,
    measure: &str,
) -> Result<BTreeMap<String, BTreeMap<String, Figure>>> {
    let table = compute(
        session,
        &Request {
            indicator: "esiti".into(),
            by: vec![],
            period: Some((dal, al)),
            periodicity: Periodicity::Quarter,
            totals: true,
            mode: Mode::Protected(rules),
            territory: territory.clone(),
            perimeter: Default::default(),
            parameters: BTreeMap::from([("misura_esiti".to_string(), measure.to_string())]),
        },
    )?;
    let mut out: BTreeMap<String, BTreeMap<String, Figure>> = BTreeMap::new();
    for (r, s) in table.rows.iter().zip(&table.status) {
        out.entry(r.periodo.clone()).or_default().insert(
            r.misura.clone(),
            Figure {
                value: r.valore,
                status: *s,
            },
        );
    }
    Ok(out)
}
