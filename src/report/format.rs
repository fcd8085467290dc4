//! Italian number and date formatting for OML reports and charts.
//!
//! Reports are read by an Italian audience, so every figure uses the Italian
//! conventions: `.` as thousands separator, `,` as decimal comma, and Italian
//! month / quarter names. Non-finite values (missing, division by zero) print
//! as "n.d." (non disponibile) instead of "NaN" or "inf".

/// Printed for values that cannot be shown (NaN, ±∞): the Italian statistical
/// convention for "not available".
pub const NOT_AVAILABLE: &str = "n.d.";

/// Three-letter month abbreviations, lower case as in Italian usage.
pub const MONTHS_SHORT: [&str; 12] = [
    "gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic",
];

/// Full month names, lower case as in Italian usage.
pub const MONTHS_LONG: [&str; 12] = [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
];

/// Quarters are written in Roman numerals in Italian statistical releases.
const ROMAN_QUARTERS: [&str; 4] = ["I", "II", "III", "IV"];

/// Inserts `.` every three digits; `digits` must be ASCII digits only.
fn group_thousands(digits: &str) -> String {
    let len = digits.len();
    let mut out = String::with_capacity(len + len / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Integer with Italian thousands separator: `21340` → "21.340".
pub fn fmt_int(value: i64) -> String {
    // unsigned_abs avoids overflow on i64::MIN.
    let body = group_thousands(&value.unsigned_abs().to_string());
    if value < 0 {
        format!("-{body}")
    } else {
        body
    }
}

/// Integer with an explicit sign, for variations: "+1.234", "-56", "0".
pub fn fmt_signed_int(value: i64) -> String {
    if value > 0 {
        format!("+{}", fmt_int(value))
    } else {
        fmt_int(value)
    }
}

/// Rounds the decimal expansion of a non-negative finite number to
/// `decimals` places, half away from zero, returning (integer digits,
/// fraction digits).
///
/// Works on the shortest round-trip decimal string rather than on
/// `x * 10^d`, so that a value written as 1.005 rounds to 1.01 as a reader
/// expects, instead of 1.00 because of binary representation error.
fn round_decimal(abs: f64, decimals: usize) -> (String, String) {
    // Display for f64 never uses exponent notation and is the shortest
    // string that round-trips.
    let s = format!("{abs}");
    let (int_part, frac_part) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), f.to_string()),
        None => (s.clone(), String::new()),
    };
    if frac_part.len() <= decimals {
        let mut frac = frac_part;
        while frac.len() < decimals {
            frac.push('0');
        }
        return (int_part, frac);
    }
    let round_up = frac_part.as_bytes()[decimals] >= b'5';
    let mut digits: Vec<u8> = int_part.bytes().chain(frac_part.bytes().take(decimals)).collect();
    if round_up {
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, b'1');
                break;
            }
            i -= 1;
            if digits[i] == b'9' {
                digits[i] = b'0';
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let split = digits.len() - decimals;
    let int_digits = String::from_utf8_lossy(&digits[..split]).into_owned();
    let frac_digits = String::from_utf8_lossy(&digits[split..]).into_owned();
    (int_digits, frac_digits)
}

/// Decimal number in Italian format: `1234.5, 1` → "1.234,5".
///
/// Rounds half away from zero; a value that rounds to zero never shows a
/// minus sign ("0,0", not "-0,0"), because "-0,0" confuses readers.
pub fn fmt_dec(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return NOT_AVAILABLE.to_string();
    }
    let (int_digits, frac_digits) = round_decimal(value.abs(), decimals);
    let is_zero = int_digits.bytes().chain(frac_digits.bytes()).all(|b| b == b'0');
    let mut out = String::new();
    if value < 0.0 && !is_zero {
        out.push('-');
    }
    out.push_str(&group_thousands(&int_digits));
    if decimals > 0 {
        out.push(',');
        out.push_str(&frac_digits);
    }
    out
}

/// Percentage change with explicit sign; `value` is already ratio × 100:
/// `3.21, 1` → "+3,2%". Zero after rounding prints without sign.
pub fn fmt_pct_change(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return NOT_AVAILABLE.to_string();
    }
    let body = fmt_dec(value, decimals);
    let is_zero = body.bytes().all(|b| matches!(b, b'0' | b',' | b'.'));
    if value > 0.0 && !is_zero {
        format!("+{body}%")
    } else {
        format!("{body}%")
    }
}

/// Percentage (share), `value` already × 100: `45.12, 1` → "45,1%".
pub fn fmt_pct(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return NOT_AVAILABLE.to_string();
    }
    format!("{}%", fmt_dec(value, decimals))
}

/// Short month label used on chart axes: `(2024, 1)` → "gen 2024".
///
/// Months outside 1..=12 are printed numerically ("13/2024") rather than
/// panicking, so a bad input shows up visibly in the output.
pub fn month_label(year: i32, month: u32) -> String {
    match month_index(month) {
        Some(i) => format!("{} {year}", MONTHS_SHORT[i]),
        None => format!("{month}/{year}"),
    }
}

/// Long month label for running text: `(2024, 3)` → "marzo 2024".
pub fn month_label_long(year: i32, month: u32) -> String {
    match month_index(month) {
        Some(i) => format!("{} {year}", MONTHS_LONG[i]),
        None => format!("{month}/{year}"),
    }
}

fn month_index(month: u32) -> Option<usize> {
    (1..=12).contains(&month).then(|| month as usize - 1)
}

fn roman_quarter(q: u32) -> Option<&'static str> {
    (1..=4).contains(&q).then(|| ROMAN_QUARTERS[q as usize - 1])
}

/// Quarter label for titles and text: `(2024, 4)` → "IV trimestre 2024".
/// Quarters outside 1..=4 print as "T5 2024" rather than panicking.
pub fn quarter_label(year: i32, q: u32) -> String {
    match roman_quarter(q) {
        Some(r) => format!("{r} trimestre {year}"),
        None => format!("T{q} {year}"),
    }
}

/// Compact quarter label for axes and tables: `(2024, 4)` → "IV trim. 2024".
pub fn quarter_short(year: i32, q: u32) -> String {
    match roman_quarter(q) {
        Some(r) => format!("{r} trim. {year}"),
        None => format!("T{q} {year}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert_eq!(fmt_int(0), "0");
        assert_eq!(fmt_int(7), "7");
        assert_eq!(fmt_int(999), "999");
        assert_eq!(fmt_int(1000), "1.000");
        assert_eq!(fmt_int(21340), "21.340");
        assert_eq!(fmt_int(-1234), "-1.234");
        assert_eq!(fmt_int(1_234_567), "1.234.567");
        assert_eq!(fmt_int(-100_000), "-100.000");
        assert_eq!(fmt_int(i64::MIN), "-9.223.372.036.854.775.808");
        assert_eq!(fmt_int(i64::MAX), "9.223.372.036.854.775.807");
    }

    #[test]
    fn signed_integers() {
        assert_eq!(fmt_signed_int(1234), "+1.234");
        assert_eq!(fmt_signed_int(-56), "-56");
        assert_eq!(fmt_signed_int(0), "0");
        assert_eq!(fmt_signed_int(1_234_567), "+1.234.567");
    }

    #[test]
    fn decimals() {
        assert_eq!(fmt_dec(1234.5, 1), "1.234,5");
        assert_eq!(fmt_dec(1234.5, 0), "1.235");
        assert_eq!(fmt_dec(-1234.5, 0), "-1.235");
        assert_eq!(fmt_dec(1_234_567.891, 2), "1.234.567,89");
        assert_eq!(fmt_dec(0.0, 1), "0,0");
        assert_eq!(fmt_dec(-0.0, 1), "0,0");
        assert_eq!(fmt_dec(-0.04, 1), "0,0");
        assert_eq!(fmt_dec(-0.05, 1), "-0,1");
        assert_eq!(fmt_dec(0.25, 1), "0,3");
        assert_eq!(fmt_dec(1.005, 2), "1,01");
        assert_eq!(fmt_dec(2.5, 0), "3");
        assert_eq!(fmt_dec(-2.5, 0), "-3");
        assert_eq!(fmt_dec(9.96, 1), "10,0");
        assert_eq!(fmt_dec(999.95, 1), "1.000,0");
        assert_eq!(fmt_dec(12.0, 2), "12,00");
        assert_eq!(fmt_dec(0.000_123, 4), "0,0001");
        assert_eq!(fmt_dec(f64::NAN, 1), "n.d.");
        assert_eq!(fmt_dec(f64::INFINITY, 1), "n.d.");
        assert_eq!(fmt_dec(f64::NEG_INFINITY, 0), "n.d.");
    }

    #[test]
    fn percentages() {
        assert_eq!(fmt_pct_change(3.21, 1), "+3,2%");
        assert_eq!(fmt_pct_change(-0.44, 1), "-0,4%");
        assert_eq!(fmt_pct_change(0.0, 1), "0,0%");
        assert_eq!(fmt_pct_change(0.01, 1), "0,0%");
        assert_eq!(fmt_pct_change(-0.01, 1), "0,0%");
        assert_eq!(fmt_pct_change(1234.56, 1), "+1.234,6%");
        assert_eq!(fmt_pct_change(f64::NAN, 1), "n.d.");
        assert_eq!(fmt_pct(45.12, 1), "45,1%");
        assert_eq!(fmt_pct(100.0, 0), "100%");
        assert_eq!(fmt_pct(f64::INFINITY, 1), "n.d.");
    }

    #[test]
    fn months_and_quarters() {
        assert_eq!(MONTHS_SHORT.len(), 12);
        assert_eq!(MONTHS_LONG[11], "dicembre");
        assert_eq!(month_label(2024, 1), "gen 2024");
        assert_eq!(month_label(2023, 12), "dic 2023");
        assert_eq!(month_label(2024, 13), "13/2024");
        assert_eq!(month_label(2024, 0), "0/2024");
        assert_eq!(month_label_long(2024, 3), "marzo 2024");
        assert_eq!(quarter_label(2024, 4), "IV trimestre 2024");
        assert_eq!(quarter_label(2024, 1), "I trimestre 2024");
        assert_eq!(quarter_short(2024, 3), "III trim. 2024");
        assert_eq!(quarter_short(2024, 2), "II trim. 2024");
        assert_eq!(quarter_label(2024, 5), "T5 2024");
    }
}
