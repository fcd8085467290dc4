//! Label normalisation: the one canonical form every label lookup compares.
//!
//! Free-text labels (ANPAL descriptions, regional open-data wordings, province and state names)
//! are matched after [`normalize_label`]; see `reference/README.md` ("Project-maintained
//! tables"). The accent folding below is part of that algorithm (how a Unicode letter is
//! written in plain upper case), not a code list, so it stays in code.

/// Accent folding of one upper-case letter; `None` when the letter needs none.
fn fold_accent(c: char) -> Option<&'static str> {
    Some(match c {
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' => "A",
        'Æ' => "AE",
        'Ç' | 'Ć' | 'Č' => "C",
        'Ð' | 'Đ' | 'Ď' => "D",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ė' | 'Ę' | 'Ě' => "E",
        'Ğ' => "G",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' | 'İ' => "I",
        'Ł' => "L",
        'Ñ' | 'Ń' | 'Ň' => "N",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ő' => "O",
        'Œ' => "OE",
        'Ř' => "R",
        'Ś' | 'Š' | 'Ş' => "S",
        'ẞ' => "SS",
        'Ť' | 'Ţ' => "T",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' | 'Ű' => "U",
        'Ý' | 'Ÿ' => "Y",
        'Ź' | 'Ż' | 'Ž' => "Z",
        _ => return None,
    })
}

/// Canonical form of a free-text label for matching: upper case, accents folded (`À` → `A`,
/// `È` → `E`, `Š` → `S`, …), every character other than a letter or digit — apostrophes
/// `'` and `’` included — turned into a space, runs of spaces collapsed, trimmed.
///
/// Apostrophes become spaces so that the ANPAL convention of an apostrophe for an accent
/// matches the accented spelling: `UNIVERSITA'` and `Università` both give `UNIVERSITA`,
/// `Reggio nell'Emilia` gives `REGGIO NELL EMILIA`.
pub fn normalize_label(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    let mut push = |c: char, out: &mut String| {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        } else {
            space = true;
        }
    };
    for ch in s.chars() {
        for up in ch.to_uppercase() {
            match fold_accent(up) {
                Some(folded) => folded.chars().for_each(|c| push(c, &mut out)),
                None => push(up, &mut out),
            }
        }
    }
    out
}
