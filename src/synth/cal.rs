//! Calendar arithmetic on day numbers (days since 1970-01-01), conversion from and to
//! `chrono` dates, fast formatting.
//!
//! Uses Howard Hinnant's civil-date algorithms; formatting writes into a reused `String`.

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1–12).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y } as i64;
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468) as i32
}

/// (year, month 1–12, day 1–31) of a day number.
pub fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z as i64 + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

/// The `chrono` date of a day number (the reference tables' validity is in `chrono` dates).
pub fn day_to_date(day: i32) -> chrono::NaiveDate {
    let (y, m, d) = civil_from_days(day);
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// The day number of a `chrono` date.
pub fn date_to_day(d: chrono::NaiveDate) -> i32 {
    use chrono::Datelike;
    days_from_civil(d.year(), d.month(), d.day())
}

/// 0 = Monday … 6 = Sunday.
pub fn weekday(day: i32) -> u32 {
    // 1970-01-01 was a Thursday (3).
    ((day as i64 + 3).rem_euclid(7)) as u32
}

/// Month index (year * 12 + month - 1) of a day number.
pub fn month_index(day: i32) -> i32 {
    let (y, m, _) = civil_from_days(day);
    y * 12 + m as i32 - 1
}

/// First day of a month index.
pub fn month_start(mi: i32) -> i32 {
    days_from_civil(mi.div_euclid(12), (mi.rem_euclid(12) + 1) as u32, 1)
}

pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
                29
            } else {
                28
            }
        }
    }
}

/// Whole years between a birth date and a day (age at that day).
pub fn age_at(birth: i32, day: i32) -> i32 {
    let (by, bm, bd) = civil_from_days(birth);
    let (y, m, d) = civil_from_days(day);
    let mut a = y - by;
    if (m, d) < (bm, bd) {
        a -= 1;
    }
    a
}

fn push2(out: &mut String, v: u32) {
    out.push((b'0' + (v / 10 % 10) as u8) as char);
    out.push((b'0' + (v % 10) as u8) as char);
}

fn push4(out: &mut String, v: i32) {
    let v = v.clamp(0, 9999) as u32;
    push2(out, v / 100);
    push2(out, v % 100);
}

/// Appends `YYYY-MM-DD`.
pub fn push_date(out: &mut String, day: i32) {
    let (y, m, d) = civil_from_days(day);
    push4(out, y);
    out.push('-');
    push2(out, m);
    out.push('-');
    push2(out, d);
}

/// `YYYY-MM-DD` as bytes.
pub fn date10(day: i32) -> [u8; 10] {
    let (y, m, d) = civil_from_days(day);
    let y = y.clamp(0, 9999) as u32;
    let dig = |v: u32| b'0' + (v % 10) as u8;
    [
        dig(y / 1000),
        dig(y / 100),
        dig(y / 10),
        dig(y),
        b'-',
        dig(m / 10),
        dig(m),
        b'-',
        dig(d / 10),
        dig(d),
    ]
}

#[cfg(test)]
pub fn date_string(day: i32) -> String {
    let mut s = String::with_capacity(10);
    push_date(&mut s, day);
    s
}

/// Appends `YYYY-MM-DDThh:mm:ss` for a timestamp in seconds since 1970 (local wall clock);
/// with `micros_offset = Some((micros, offset_hours))` the other legal form
/// `YYYY-MM-DDThh:mm:ss.ffffff+01:00`.
pub fn push_datetime(out: &mut String, ts: i64, micros_offset: Option<(u32, u32)>) {
    let day = ts.div_euclid(86_400) as i32;
    let secs = ts.rem_euclid(86_400) as u32;
    push_date(out, day);
    out.push('T');
    push2(out, secs / 3600);
    out.push(':');
    push2(out, secs / 60 % 60);
    out.push(':');
    push2(out, secs % 60);
    if let Some((micros, off)) = micros_offset {
        out.push('.');
        let m = micros % 1_000_000;
        push2(out, m / 10_000);
        push2(out, m / 100 % 100);
        push2(out, m % 100);
        out.push('+');
        push2(out, off);
        out.push_str(":00");
    }
}

/// Italian summer time (CEST, +02:00): last Sunday of March to last Sunday of October.
pub fn italian_offset_hours(day: i32) -> u32 {
    let (y, _, _) = civil_from_days(day);
    let last_sunday = |m: u32| {
        let last = days_from_civil(y, m, days_in_month(y, m));
        last - ((weekday(last) + 1) % 7) as i32
    };
    if day >= last_sunday(3) && day < last_sunday(10) {
        2
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_and_known_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        for d in [-1000, 0, 59, 11_016, 18_000, 19_782, 20_000] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        assert_eq!(weekday(days_from_civil(2024, 3, 4)), 0); // a Monday
        assert_eq!(date_string(days_from_civil(2024, 2, 29)), "2024-02-29");
        assert_eq!(age_at(days_from_civil(2000, 5, 10), days_from_civil(2020, 5, 9)), 19);
        assert_eq!(age_at(days_from_civil(2000, 5, 10), days_from_civil(2020, 5, 10)), 20);
    }

    #[test]
    fn datetime_forms() {
        let ts = days_from_civil(2024, 3, 4) as i64 * 86_400 + 11 * 3600 + 11 * 60 + 40;
        let mut s = String::new();
        push_datetime(&mut s, ts, None);
        assert_eq!(s, "2024-03-04T11:11:40");
        s.clear();
        push_datetime(
            &mut s,
            ts,
            Some((698_205, italian_offset_hours(days_from_civil(2024, 3, 4)))),
        );
        assert_eq!(s, "2024-03-04T11:11:40.698205+01:00");
        assert_eq!(italian_offset_hours(days_from_civil(2024, 7, 1)), 2);
        assert_eq!(italian_offset_hours(days_from_civil(2024, 3, 31)), 2);
        assert_eq!(italian_offset_hours(days_from_civil(2024, 3, 30)), 1);
    }
}
