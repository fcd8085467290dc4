//! The reference period: the one home of how OML reads, names and moves periods.
//!
//! A period is a span of days `dal..=al` written by users as `2024` (a year), `2024-Q4` (a
//! quarter; `T4` is accepted too), `2024-03` (a month), `2024-03-15` (a day) or a range
//! `FROM..TO` of any two of them (`2023-Q1..2024-Q4`). The granularity the user wrote is kept
//! ([`Period::written`]): it is the default length of the periods a result is broken down by.
//! The labels are the ones the indicators' SQL writes (`oml_periodo`): `2024`, `2024-Q4`,
//! `2024-03`. Italian names for text ("IV trimestre 2024") are presentation and live in
//! `report::format`.

use chrono::{Datelike, Months, NaiveDate};
use std::fmt;
use std::str::FromStr;

/// Length of the periods a result is broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Periodicity {
    #[value(name = "mese")]
    #[serde(rename = "mese")]
    Month,
    #[value(name = "trimestre")]
    #[serde(rename = "trimestre")]
    Quarter,
    #[value(name = "anno")]
    #[serde(rename = "anno")]
    Year,
}

impl Periodicity {
    /// The name the SQL (`oml_periodicita()`) and the columns use: mese, trimestre, anno.
    pub fn sql_name(self) -> &'static str {
        match self {
            Periodicity::Month => "mese",
            Periodicity::Quarter => "trimestre",
            Periodicity::Year => "anno",
        }
    }

    /// The label of the period of this length a day belongs to: `2024-03`, `2024-Q1`, `2024`
    /// (the labels `oml_periodo` writes).
    pub fn label(self, d: NaiveDate) -> String {
        match self {
            Periodicity::Month => format!("{}-{:02}", d.year(), d.month()),
            Periodicity::Quarter => format!("{}-Q{}", d.year(), d.month0() / 3 + 1),
            Periodicity::Year => format!("{}", d.year()),
        }
    }
}

/// Why a text is not a period.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("{0:?} is not a period: use 2024, 2024-Q4, 2024-03 or 2024-03-15 (or FROM..TO)")]
    Syntax(String),
    #[error("the period {0:?} ends before it starts")]
    Reversed(String),
    #[error("{0:?}: give one month (2024-03), quarter (2024-Q4) or year (2024), not a range or a day")]
    NotSingle(String),
    #[error("{0:?}: the period is outside the calendar")]
    OutOfRange(String),
}

/// A span of days, with the granularity the user wrote it in. In files (pipelines, TOML) it is
/// written as on the command line: `period = "2024-Q4"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct Period {
    /// First day.
    pub dal: NaiveDate,
    /// Last day (included).
    pub al: NaiveDate,
    /// The granularity of the first token as written (`None` for a day): `2023-Q1..2024-Q4`
    /// is written in quarters.
    pub written: Option<Periodicity>,
}

impl Period {
    /// The period of length `p` a day belongs to.
    pub fn containing(d: NaiveDate, p: Periodicity) -> Period {
        let dal = match p {
            Periodicity::Month => d.with_day(1),
            Periodicity::Quarter => NaiveDate::from_ymd_opt(d.year(), d.month0() / 3 * 3 + 1, 1),
            Periodicity::Year => NaiveDate::from_ymd_opt(d.year(), 1, 1),
        }
        .unwrap_or(d);
        let al = match p {
            Periodicity::Month => last_day_of_month(dal),
            Periodicity::Quarter => last_day_of_month(dal + Months::new(2)),
            Periodicity::Year => NaiveDate::from_ymd_opt(d.year(), 12, 31).unwrap_or(d),
        };
        Period {
            dal,
            al,
            written: Some(p),
        }
    }

    /// One month, quarter or year (not a range, not a day): its granularity.
    pub fn single(&self) -> Option<Periodicity> {
        let p = self.written?;
        (Period::containing(self.dal, p) == *self).then_some(p)
    }

    /// Parses one month, quarter or year (what a bulletin covers).
    pub fn parse_single(s: &str) -> Result<(Period, Periodicity), PeriodError> {
        let p: Period = s.parse()?;
        match p.single() {
            Some(g) if !s.contains("..") => Ok((p, g)),
            _ => Err(PeriodError::NotSingle(s.to_string())),
        }
    }

    /// The same period a year earlier; the end of a month stays the end of its month (the
    /// February of a leap year a year later ends on the 28th).
    pub fn year_earlier(&self) -> Option<Period> {
        let back = |d: NaiveDate| d.checked_sub_months(Months::new(12));
        let al = back(self.al)?;
        let al = if self.al == last_day_of_month(self.al) {
            last_day_of_month(al)
        } else {
            al
        };
        Some(Period {
            dal: back(self.dal)?,
            al,
            written: self.written,
        })
    }

    /// The label of the period (`2024-Q4`) for a single period, `dal..al` otherwise.
    pub fn label(&self) -> String {
        match self.single() {
            Some(p) => p.label(self.dal),
            None => format!("{}..{}", self.dal, self.al),
        }
    }

    /// The last complete quarter on or before `horizon` (the last day data are complete for):
    /// `2024-Q4` for 2024-12-31, `2024-Q3` for 2024-12-15.
    pub fn last_complete_quarter(horizon: NaiveDate) -> Option<Period> {
        let next = horizon.succ_opt()?;
        let start_of_next = Period::containing(next, Periodicity::Quarter).dal;
        Some(Period::containing(start_of_next.pred_opt()?, Periodicity::Quarter))
    }

    /// First day, last day and granularity of one token: `2024`, `2024-Q4`, `2024-03`,
    /// `2024-03-15`.
    fn token(t: &str) -> Result<Period, PeriodError> {
        let bad = || PeriodError::Syntax(t.to_string());
        if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            return Ok(Period {
                dal: d,
                al: d,
                written: None,
            });
        }
        let parts: Vec<&str> = t.split('-').collect();
        let year: i32 = parts.first().and_then(|y| y.parse().ok()).ok_or_else(bad)?;
        let first = |m: u32| NaiveDate::from_ymd_opt(year, m, 1).ok_or_else(|| PeriodError::OutOfRange(t.to_string()));
        match parts.as_slice() {
            [_] => Ok(Period::containing(first(1)?, Periodicity::Year)),
            [_, q] if q.starts_with(['Q', 'q', 'T', 't']) => {
                let n: u32 = q[1..].parse().ok().filter(|n| (1..=4).contains(n)).ok_or_else(bad)?;
                Ok(Period::containing(first(3 * n - 2)?, Periodicity::Quarter))
            }
            [_, m] => {
                let m: u32 = m.parse().ok().filter(|m| (1..=12).contains(m)).ok_or_else(bad)?;
                Ok(Period::containing(first(m)?, Periodicity::Month))
            }
            _ => Err(bad()),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    /// `FROM..TO` or one token; the granularity written is the first token's.
    fn from_str(s: &str) -> Result<Period, PeriodError> {
        let (a, b) = match s.split_once("..") {
            Some((a, b)) => (a.trim(), b.trim()),
            None => (s.trim(), s.trim()),
        };
        let from = Period::token(a)?;
        let to = Period::token(b)?;
        if to.al < from.dal {
            return Err(PeriodError::Reversed(s.to_string()));
        }
        Ok(Period {
            dal: from.dal,
            al: to.al,
            written: from.written,
        })
    }
}

impl TryFrom<String> for Period {
    type Error = PeriodError;

    fn try_from(s: String) -> Result<Period, PeriodError> {
        s.parse()
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// The last day of the month of `d`.
pub fn last_day_of_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).and_then(|n| n.pred_opt()).unwrap_or(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn tokens_and_ranges() {
        let p: Period = "2024".parse().unwrap();
        assert_eq!(
            (p.dal, p.al, p.written),
            (d("2024-01-01"), d("2024-12-31"), Some(Periodicity::Year))
        );
        let p: Period = "2024-q4".parse().unwrap();
        assert_eq!((p.dal, p.al), (d("2024-10-01"), d("2024-12-31")));
        let p: Period = "2024-T1".parse().unwrap();
        assert_eq!((p.dal, p.al), (d("2024-01-01"), d("2024-03-31")));
        let p: Period = "2024-02".parse().unwrap();
        assert_eq!(
            (p.dal, p.al, p.written),
            (d("2024-02-01"), d("2024-02-29"), Some(Periodicity::Month))
        );
        let p: Period = "2024-02-10".parse().unwrap();
        assert_eq!((p.dal, p.al, p.written), (d("2024-02-10"), d("2024-02-10"), None));
        let p: Period = " 2023-Q1 .. 2024-Q4 ".parse().unwrap();
        assert_eq!(
            (p.dal, p.al, p.written),
            (d("2023-01-01"), d("2024-12-31"), Some(Periodicity::Quarter))
        );
        assert_eq!(p.single(), None);
        assert_eq!(p.label(), "2023-01-01..2024-12-31");
        for bad in ["", "24-Q5", "2024-13", "2024-Q0", "x", "2024-03-15-1", "2024-02-30"] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
        assert_eq!(
            "2024..2023".parse::<Period>(),
            Err(PeriodError::Reversed("2024..2023".into()))
        );
    }

    #[test]
    fn single_periods_labels_and_a_year_earlier() {
        let (p, g) = Period::parse_single("2024-Q4").unwrap();
        assert_eq!(
            (g, p.label(), p.to_string()),
            (Periodicity::Quarter, "2024-Q4".into(), "2024-Q4".into())
        );
        assert!(Period::parse_single("2024-Q1..2024-Q1").is_err());
        assert!(Period::parse_single("2024-03-01").is_err());
        assert!(Period::parse_single("2023..2024").is_err());
        let (p, _) = Period::parse_single("2024-02").unwrap();
        let prev = p.year_earlier().unwrap();
        assert_eq!(
            (prev.dal, prev.al, prev.label()),
            (d("2023-02-01"), d("2023-02-28"), "2023-02".into())
        );
        let (p, _) = Period::parse_single("2025-02").unwrap();
        assert_eq!(p.year_earlier().unwrap().al, d("2024-02-29"));
        assert_eq!(Periodicity::Month.label(d("2024-03-15")), "2024-03");
        assert_eq!(Periodicity::Quarter.label(d("2024-03-15")), "2024-Q1");
        assert_eq!(Periodicity::Year.label(d("2024-03-15")), "2024");
    }

    #[test]
    fn last_complete_quarter() {
        let q = |h: &str| Period::last_complete_quarter(d(h)).unwrap().label();
        assert_eq!(q("2024-12-31"), "2024-Q4");
        assert_eq!(q("2024-12-15"), "2024-Q3");
        assert_eq!(q("2024-01-01"), "2023-Q4");
        assert_eq!(q("2024-03-31"), "2024-Q1");
    }

    #[test]
    fn last_days() {
        assert_eq!(last_day_of_month(d("2024-02-10")), d("2024-02-29"));
        assert_eq!(last_day_of_month(d("2023-12-01")), d("2023-12-31"));
    }
}
