//! Date parsing for CO fields, fast and strict: an impossible date is `None`, never a
//! silently shifted one (`2023-02-30` is rejected, not read as 2 March).

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

fn digits(b: &[u8]) -> Option<u32> {
    let mut v = 0u32;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (c - b'0') as u32;
    }
    Some(v)
}

/// Parses `YYYY-MM-DD` (ISO, as in UNILAV) or `dd/mm/yyyy` (Italian extracts, Lombardia).
/// Years outside 1900–2100 are treated as impossible (typing errors such as 2201).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.trim().as_bytes();
    let (y, m, d) = match b.len() {
        10 if b[4] == b'-' && b[7] == b'-' => (digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?),
        10 if b[2] == b'/' && b[5] == b'/' => (digits(&b[6..10])?, digits(&b[3..5])?, digits(&b[0..2])?),
        _ => return None,
    };
    if !(1900..=2100).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

/// Parses `dataInvio`: `YYYY-MM-DDThh:mm:ss`, optionally with fractional seconds and a UTC
/// offset or `Z` (both forms occur, DOMAIN.md §1.3), or a plain date. The offset is dropped:
/// the wall-clock time as sent (Italian local time) is kept.
pub fn parse_datetime(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    let date = parse_date(s.get(..10)?)?;
    let rest = &s[10..];
    if rest.is_empty() {
        return Some(date.and_time(NaiveTime::MIN));
    }
    let rb = rest.as_bytes();
    if !(rb[0] == b'T' || rb[0] == b' ') || rb.len() < 9 || rb[3] != b':' || rb[6] != b':' {
        return None;
    }
    let (h, mi, se) = (digits(&rb[1..3])?, digits(&rb[4..6])?, digits(&rb[7..9])?);
    let mut i = 9;
    let mut micros = 0u32;
    if rb.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < rb.len() && rb[i].is_ascii_digit() {
            i += 1;
        }
        let frac = &rb[start..i];
        if frac.is_empty() {
            return None;
        }
        let mut v = digits(&frac[..frac.len().min(6)])?;
        for _ in frac.len().min(6)..6 {
            v *= 10;
        }
        micros = v;
    }
    match &rb[i..] {
        [] | [b'Z'] => {}
        [b'+' | b'-', h1, h2, b':', m1, m2] if [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()) => {}
        _ => return None,
    }
    let t = NaiveTime::from_hms_micro_opt(h, mi, se, micros)?;
    Some(date.and_time(t))
}

/// Days since 1970-01-01 (Arrow `Date32`).
pub fn to_days(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN)).num_days() as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_date("2024-02-29"), NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(parse_date("29/02/2024"), NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2023-02-30"), None);
        assert_eq!(parse_date("2023-13-01"), None);
        assert_eq!(parse_date("01/01/2201"), None);
        assert_eq!(parse_date("2023-1-01"), None);
        assert_eq!(parse_date(""), None);
        assert_eq!(to_days(NaiveDate::from_ymd_opt(1970, 1, 2).unwrap()), 1);
    }

    #[test]
    fn datetimes_in_both_legal_forms() {
        let a = parse_datetime("2020-12-04T11:11:40").unwrap();
        let b = parse_datetime("2020-12-04T11:11:40.698205+01:00").unwrap();
        assert_eq!(a.date(), b.date());
        assert_eq!(b.and_utc().timestamp_subsec_micros(), 698205);
        assert!(parse_datetime("2020-12-04T11:11:40Z").is_some());
        assert!(parse_datetime("2020-12-04").is_some());
        assert!(parse_datetime("2020-12-04T25:00:00").is_none());
        assert!(parse_datetime("2020-12-04T11:11:40+0100").is_none());
        assert!(parse_datetime("2020-12-04T11:11").is_none());
    }
}
