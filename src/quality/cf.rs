//! Codice fiscale: format, check character, omocodia (DOMAIN.md §9).
//!
//! Personal CF: 16 characters `CCC NNN YY M DD LLLL K`. Omocodic variants replace digits at
//! 7 fixed positions with letters (`0→L … 9→V`); [`deomocode`] maps them back so that every
//! variant of the same code pseudonymises to the same key. Companies and temporary personal
//! codes use 11 digits with a Luhn check digit.

/// Letters that stand for the digits 0–9 in omocodic positions.
const OMOCODIA: &[u8; 10] = b"LMNPQRSTUV";
/// 0-based positions that may hold an omocodic letter, right to left as they are substituted.
const OMOCODIA_POSITIONS: [usize; 7] = [14, 13, 12, 10, 9, 7, 6];
/// Month letters A (Jan) … T (Dec).
const MONTHS: &[u8; 12] = b"ABCDEHLMPRST";

/// Values of characters in odd (1-based) positions, indexed by `0-9` then `A-Z`.
const ODD: [u8; 36] = [
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, // 0-9
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, // A-J
    2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23, // K-Z
];

/// Why a personal codice fiscale is rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CfError {
    /// Wrong length or a character out of place.
    Format,
    /// Well formed, but the 16th character is not the computed check character.
    CheckChar,
}

/// What the CF says about its holder (computed before the CF is dropped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CfInfo {
    /// `'M'` or `'F'` (day + 40 for women).
    pub sesso: char,
    /// Two-digit birth year as written (the century is decided with the birth date or age).
    pub yy: u8,
    pub mese: u8,
    pub giorno: u8,
    /// Born abroad: the place code is a `Z###` foreign-state code.
    pub nato_estero: bool,
    /// At least one omocodic substitution is present.
    pub omocodico: bool,
}

fn idx(c: u8) -> Option<usize> {
    match c {
        b'0'..=b'9' => Some((c - b'0') as usize),
        b'A'..=b'Z' => Some((c - b'A') as usize + 10),
        _ => None,
    }
}

/// Check character of the first 15 characters (upper-case ASCII letters and digits).
/// Returns `None` if a character is not alphanumeric.
pub fn check_char(first15: &[u8]) -> Option<u8> {
    if first15.len() != 15 {
        return None;
    }
    let mut sum: u32 = 0;
    for (i, &c) in first15.iter().enumerate() {
        let k = idx(c)?;
        let v = if i % 2 == 0 {
            ODD[k] as u32
        } else if k < 10 {
            k as u32
        } else {
            (k - 10) as u32
        };
        sum += v;
    }
    Some(b'A' + (sum % 26) as u8)
}

fn is_digit_or_omocode(c: u8) -> bool {
    c.is_ascii_digit() || OMOCODIA.contains(&c)
}

fn omocode_digit(c: u8) -> u8 {
    match OMOCODIA.iter().position(|&x| x == c) {
        Some(p) => b'0' + p as u8,
        None => c,
    }
}

/// Validates the shape of a normalised (upper-case, trimmed) 16-character CF against
/// `^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$`,
/// plus a plausible day (1–31 or 41–71) and month.
fn well_formed(b: &[u8]) -> bool {
    if b.len() != 16 {
        return false;
    }
    let letters = |r: std::ops::Range<usize>| b[r].iter().all(|c| c.is_ascii_uppercase());
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(|&c| is_digit_or_omocode(c));
    if !(letters(0..6)
        && digits(6..8)
        && MONTHS.contains(&b[8])
        && digits(9..11)
        && b[11].is_ascii_uppercase()
        && digits(12..15)
        && b[15].is_ascii_uppercase())
    {
        return false;
    }
    let day = (omocode_digit(b[9]) - b'0') * 10 + (omocode_digit(b[10]) - b'0');
    (1..=31).contains(&day) || (41..=71).contains(&day)
}

/// Validates a personal CF (already normalised: upper case, no spaces).
pub fn validate_personal(cf: &str) -> Result<CfInfo, CfError> {
    let b = cf.as_bytes();
    if !well_formed(b) {
        return Err(CfError::Format);
    }
    match check_char(&b[..15]) {
        Some(k) if k == b[15] => {}
        Some(_) => return Err(CfError::CheckChar),
        None => return Err(CfError::Format),
    }
    let d = |i: usize| omocode_digit(b[i]) - b'0';
    let day = d(9) * 10 + d(10);
    let omocodico = OMOCODIA_POSITIONS.iter().any(|&p| !b[p].is_ascii_digit());
    Ok(CfInfo {
        sesso: if day > 40 { 'F' } else { 'M' },
        yy: d(6) * 10 + d(7),
        mese: MONTHS.iter().position(|&m| m == b[8]).map_or(0, |p| p as u8 + 1),
        giorno: if day > 40 { day - 40 } else { day },
        nato_estero: b[11] == b'Z',
        omocodico,
    })
}

/// Maps omocodic letters back to digits and recomputes the check character, so that every
/// omocodic variant of a code gives the same string. Input must be a valid personal CF.
pub fn deomocode(cf: &str) -> String {
    let mut b: Vec<u8> = cf.as_bytes().to_vec();
    if b.len() != 16 {
        return cf.to_string();
    }
    let mut changed = false;
    for &p in &OMOCODIA_POSITIONS {
        if !b[p].is_ascii_digit() {
            b[p] = omocode_digit(b[p]);
            changed = true;
        }
    }
    if changed {
        if let Some(k) = check_char(&b[..15]) {
            b[15] = k;
        }
    }
    String::from_utf8(b).unwrap_or_else(|_| cf.to_string())
}

/// The `n`-th omocodic variant (1 ..= 7) of a personal CF: the `n` rightmost omocodic digits
/// replaced by letters, check character recomputed.
pub fn omocode_variant(cf: &str, n: usize) -> String {
    let mut b: Vec<u8> = cf.as_bytes().to_vec();
    if b.len() != 16 {
        return cf.to_string();
    }
    for &p in OMOCODIA_POSITIONS.iter().take(n.min(7)) {
        if b[p].is_ascii_digit() {
            b[p] = OMOCODIA[(b[p] - b'0') as usize];
        }
    }
    if let Some(k) = check_char(&b[..15]) {
        b[15] = k;
    }
    String::from_utf8(b).unwrap_or_else(|_| cf.to_string())
}

/// Normalises a CF as written by users: trims, removes inner spaces, upper case.
/// Borrowed when already normal (the common case on the hot path).
pub fn normalize(cf: &str) -> std::borrow::Cow<'_, str> {
    let t = cf.trim();
    if t.bytes().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) {
        std::borrow::Cow::Borrowed(t)
    } else {
        std::borrow::Cow::Owned(
            t.chars()
                .filter(|c| !c.is_whitespace())
                .flat_map(char::to_uppercase)
                .collect(),
        )
    }
}

/// Validates an 11-digit numeric codice fiscale / partita IVA (Luhn check digit, office code
/// 001–100, 120, 121, 888, 999; company part not all zeros) — DOMAIN.md §9.4.
pub fn validate_numeric(cf: &str) -> bool {
    let b = cf.as_bytes();
    if b.len() != 11 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    if b[..7].iter().all(|&c| c == b'0') {
        return false;
    }
    let office = (b[7] - b'0') as u32 * 100 + (b[8] - b'0') as u32 * 10 + (b[9] - b'0') as u32;
    if !((1..=100).contains(&office) || matches!(office, 120 | 121 | 888 | 999)) {
        return false;
    }
    luhn_digit(&b[..10]) == b[10] - b'0'
}

/// Luhn check digit of the first 10 digits of a numeric CF.
pub fn luhn_digit(first10: &[u8]) -> u8 {
    let mut s: u32 = 0;
    for (i, &c) in first10.iter().enumerate() {
        let d = (c - b'0') as u32;
        if i % 2 == 0 {
            s += d;
        } else {
            let x = d * 2;
            s += if x > 9 { x - 9 } else { x };
        }
    }
    ((10 - s % 10) % 10) as u8
}

/// An employer CF is valid if it is a valid 11-digit code or a valid personal CF
/// (ditte individuali, professionisti).
pub fn validate_employer(cf: &str) -> bool {
    validate_numeric(cf) || validate_personal(cf).is_ok()
}

/// The key a codice fiscale of an employer (or user firm) is pseudonymised on: a partita IVA as
/// given, a personal CF de-omocoded; `None` when it is neither.
pub fn employer_key(raw: &str) -> Option<String> {
    let c = normalize(raw);
    if !validate_employer(&c) {
        return None;
    }
    Some(match validate_personal(&c) {
        Ok(i) if i.omocodico => deomocode(&c),
        _ => c.into_owned(),
    })
}

/// True if the string looks like a personal CF anywhere inside it (used by the privacy
/// checks that scan outputs). Matches the 16-character pattern of DOMAIN.md §9.3.
pub fn contains_cf_pattern(s: &str) -> bool {
    identifier_spans(s).next().is_some()
}

/// The byte ranges of `s` that hold an identifier: a token shaped like a personal CF in any
/// case (DOMAIN.md §9.3: `rssmra85t10a562s` too), or an 11-digit number that is a valid
/// partita IVA / numeric CF (office code and check digit, §9.4). A token is delimited by
/// characters that are not ASCII letters or digits.
pub fn identifier_spans(s: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let b = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() {
            if !b[i].is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            let start = i;
            while i < b.len() && b[i].is_ascii_alphanumeric() {
                i += 1;
            }
            let tok = &b[start..i];
            let hit = match tok.len() {
                16 => well_formed(&tok.to_ascii_uppercase()),
                11 => std::str::from_utf8(tok).is_ok_and(validate_numeric),
                _ => false,
            };
            if hit {
                return Some(start..i);
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_in_any_case_and_partite_iva_are_found() {
        let spans = |s: &str| identifier_spans(s).map(|r| s[r].to_string()).collect::<Vec<_>>();
        assert_eq!(spans("ccnl RSSMRA85T10A562S"), ["RSSMRA85T10A562S"]);
        assert_eq!(spans("rssmra85t10a562s;x"), ["rssmra85t10a562s"]);
        // A valid partita IVA (office 001..100, Luhn check digit), not any 11 digits.
        let piva = format!("0000001001{}", luhn_digit(b"0000001001"));
        assert_eq!(spans(&format!("p.iva {piva}.")), [piva]);
        // The same digits with a wrong check digit are not a partita IVA.
        let wrong = format!("0000001001{}", (luhn_digit(b"0000001001") + 1) % 10);
        assert!(spans(&wrong).is_empty());
        // Inside a longer token it is not a token of its own.
        assert!(spans("X1700000000000101RSSMRA85T10A562S").is_empty());
        assert!(spans("1700000000000101").is_empty(), "a communication code is not a CF");
    }

    #[test]
    fn worked_example_from_domain() {
        // DOMAIN.md §9.2: RSSMRA85T10A562S → first omocodic variant RSSMRA85T10A56NH.
        assert_eq!(check_char(b"RSSMRA85T10A562"), Some(b'S'));
        assert!(validate_personal("RSSMRA85T10A562S").is_ok());
        assert_eq!(omocode_variant("RSSMRA85T10A562S", 1), "RSSMRA85T10A56NH");
        assert_eq!(deomocode("RSSMRA85T10A56NH"), "RSSMRA85T10A562S");
    }

    #[test]
    fn every_omocodic_variant_is_valid_and_collapses() {
        let base = "RSSMRA85T10A562S";
        for n in 1..=7 {
            let v = omocode_variant(base, n);
            let info = validate_personal(&v).expect("variant valid");
            assert!(info.omocodico, "{v}");
            assert_eq!(deomocode(&v), base);
        }
        assert!(!validate_personal(base).unwrap().omocodico);
    }

    #[test]
    fn decodes_sex_birth_and_place() {
        let m = validate_personal("RSSMRA85T10A562S").unwrap();
        assert_eq!(
            (m.sesso, m.yy, m.mese, m.giorno, m.nato_estero),
            ('M', 85, 12, 10, false)
        );
        // Same person data, female (day + 40) born in India (Z222).
        let mut s = b"RSSMRA85T50Z222".to_vec();
        s.push(check_char(&s).unwrap());
        let f = validate_personal(std::str::from_utf8(&s).unwrap()).unwrap();
        assert_eq!((f.sesso, f.giorno, f.nato_estero), ('F', 10, true));
    }

    #[test]
    fn rejects_bad_check_and_bad_format() {
        assert_eq!(validate_personal("RSSMRA85T10A562T"), Err(CfError::CheckChar));
        assert_eq!(validate_personal("RSSMRA85T10A562"), Err(CfError::Format));
        assert_eq!(validate_personal("RSSMRA85Z10A562S"), Err(CfError::Format)); // bad month
        assert_eq!(validate_personal("RSSMR485T10A562S"), Err(CfError::Format)); // digit in name
        assert_eq!(validate_personal("RSSMRA85T99A562S"), Err(CfError::Format)); // day 99
        assert_eq!(validate_personal("0000000000000000"), Err(CfError::Format));
    }

    #[test]
    fn numeric_cf_luhn() {
        assert!(validate_numeric("00743110157")); // DOMAIN.md §9.4 example
        assert!(!validate_numeric("00743110158"));
        assert!(!validate_numeric("00000000157"));
        assert!(!validate_numeric("0074311015"));
        assert!(validate_employer("00743110157"));
        assert!(validate_employer("RSSMRA85T10A562S"));
    }

    #[test]
    fn normalisation_and_pattern_scan() {
        assert_eq!(normalize(" rssmra85t10a562s "), "RSSMRA85T10A562S");
        assert!(matches!(normalize("RSSMRA85T10A562S"), std::borrow::Cow::Borrowed(_)));
        assert!(contains_cf_pattern("x;RSSMRA85T10A562S;y"));
        assert!(!contains_cf_pattern("a3f9c2e1b4d5a6f7a3f9c2e1b4d5a6f7"));
        assert!(!contains_cf_pattern("XRSSMRA85T10A562S"));
    }
}
