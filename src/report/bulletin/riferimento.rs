//! The cubes of the tables the reference bulletins publish and OML's first bulletin lacked (Veneto
//! Lavoro's *La Bussola*, the Ministry of Labour's quarterly CO note and annual report, INPS's
//! Osservatorio sul precariato): the saldo cumulated from January beside the previous year and a
//! reference year, the same period of the reference year for the sintesi, the inflow into
//! open-ended employment (hires + transformations) by month and sector, the cessazioni by the
//! Ministry's groups of causes and by actual duration class and sex, and the part-time share of
//! hires by sex and sector. Every cube goes through the joint protection with the others
//! (`joint::protect_together`); what the sections derive (cumulated saldi, shares, variations)
//! comes only from published cells.

use super::data::{Cube, CubeMaker};
use crate::analytics::indicators::Periodicity;
use anyhow::{Context, Result};
use chrono::NaiveDate;

/// Default reference year of the cumulated saldo: the last year before the pandemic, as the
/// reference bulletins use.
pub const DEFAULT_REFERENCE_YEAR: i32 = 2019;

pub struct ReferenceTables {
    /// `flussi` by month, no breakdown, over the whole reference year (`reference_year`), when the
    /// bulletin's monthly history does not reach it and the lake covers it.
    pub reference_months: Option<Cube>,
    /// The year of comparison of the cumulated saldo and of the sintesi.
    pub reference_year: i32,
    /// `flussi` without breakdown for the bulletin's period in the reference year, when the lake
    /// covers it and it is before the comparison year: the cube and the period's first day.
    pub reference_period: Option<(Cube, NaiveDate)>,
    /// `ingressi_ti` by the bulletin's periodicity and sector, the period and a year earlier.
    pub permanent: Cube,
    /// `ingressi_ti` by month, no breakdown, over the monthly history.
    pub permanent_monthly: Cube,
    /// `cessazioni` by sex, the period and a year earlier.
    pub ending: Cube,
    /// `flussi` attivazioni of the period by sector, sex and working time (`orario`).
    pub working_time: Cube,
    /// `saldo_annualizzato` by contract: the 12-month windows ending in each of the last
    /// [`ANNUALISED_WINDOWS`] months up to the period's end (INPS's table 5), when the lake
    /// covers at least one whole window.
    pub annualised: Option<Cube>,
    /// `flussi` saldo by month and contract over those windows' months: never shown (its cells
    /// stay unknown to readers), it tells the joint protection that each window is the sum of
    /// its months.
    pub annualised_months: Option<Cube>,
}

/// Months whose 12-month window the annualised saldo shows (two years, as INPS's table 5).
pub const ANNUALISED_WINDOWS: u32 = 24;

impl ReferenceTables {
    pub(super) fn compute(
        maker: &CubeMaker,
        period: &super::BulletinPeriod,
        series: (NaiveDate, NaiveDate),
        first_full_month: NaiveDate,
        window: (NaiveDate, NaiveDate),
        reference_year: i32,
    ) -> Result<ReferenceTables> {
        let (g, current) = (period.periodicity, (period.dal, period.al));
        let reference_period = match period.in_year(reference_year) {
            Some(span) if span.0 >= first_full_month && span.1 < period.prev_dal => {
                Some((maker.cube("flussi", &[], span, g)?, span.0))
            }
            _ => None,
        };
        // The reference year's months, when the monthly history does not reach them.
        let (jan, dec) = (
            NaiveDate::from_ymd_opt(reference_year, 1, 1).context("reference year")?,
            NaiveDate::from_ymd_opt(reference_year, 12, 31).context("reference year")?,
        );
        let reference_months = if jan < series.0 && jan >= first_full_month {
            Some(maker.cube("flussi", &[], (jan, dec), Periodicity::Month)?)
        } else {
            None
        };
        let mut working_time = maker.cube("flussi", &["settore", "sesso", "orario"], current, g)?;
        working_time.keep_measures(&["attivazioni"]);
        let (annualised, annualised_months) = annualised(maker, period.al, first_full_month)?;
        Ok(ReferenceTables {
            reference_months,
            reference_year,
            reference_period,
            permanent: maker.cube("ingressi_ti", &["settore"], window, g)?,
            permanent_monthly: maker.cube("ingressi_ti", &[], series, Periodicity::Month)?,
            ending: maker.cube("cessazioni", &["sesso"], window, g)?,
            working_time,
            annualised,
            annualised_months,
        })
    }

    pub(super) fn cubes_mut(&mut self) -> Vec<&mut Cube> {
        let mut v = vec![
            &mut self.permanent,
            &mut self.permanent_monthly,
            &mut self.ending,
            &mut self.working_time,
        ];
        v.extend(self.annualised.as_mut());
        v.extend(self.annualised_months.as_mut());
        v.extend(self.reference_months.as_mut());
        v.extend(self.reference_period.as_mut().map(|(c, _)| c));
        v
    }

    pub(super) fn cubes(&self) -> Vec<&Cube> {
        let mut v = vec![
            &self.permanent,
            &self.permanent_monthly,
            &self.ending,
            &self.working_time,
        ];
        v.extend(self.annualised.as_ref());
        v.extend(self.annualised_months.as_ref());
        v.extend(self.reference_months.as_ref());
        v.extend(self.reference_period.as_ref().map(|(c, _)| c));
        v
    }
}

/// The annualised saldo by contract of the windows ending in the last [`ANNUALISED_WINDOWS`]
/// months up to `al`, and the hidden monthly cube of their months; None when no whole window
/// is covered.
fn annualised(maker: &CubeMaker, al: NaiveDate, first_full_month: NaiveDate) -> Result<(Option<Cube>, Option<Cube>)> {
    let month_start = |d: NaiveDate, back: u32| {
        super::data::first_of_month(d)
            .checked_sub_months(chrono::Months::new(back))
            .context("annualised saldo: month out of range")
    };
    let first_end = month_start(al, ANNUALISED_WINDOWS - 1)?;
    let months_from = month_start(first_end, 11)?.max(first_full_month);
    if month_start(al, 11)? < first_full_month {
        return Ok((None, None));
    }
    let windows = maker.cube(
        "saldo_annualizzato",
        &["macro_contratto"],
        (first_end, al),
        Periodicity::Month,
    )?;
    let mut months = maker.cube("flussi", &["macro_contratto"], (months_from, al), Periodicity::Month)?;
    months.keep_measures(&["saldo"]);
    months.shown_periods = Some(Vec::new());
    Ok((Some(windows), Some(months)))
}
