//! Coded fields stored as given: the one predicate that decides whether a value has the shape of
//! a code of its field (the rule and the list of fields are in the module doc of `privacy`).
//!
//! A coded field that no code list checks (the CCNL, the qualifica, the ente previdenziale and
//! the causa di cessazione of a CO; the DID `codice_sportello`; the CIG-worker `causale`) keeps
//! its value only when [`CampoCodificato::codice`] accepts it; otherwise the field is stored
//! empty, the record is still accepted, and the value is counted by its shape
//! ([`conta_scartato`], `privacy::shape`) as a *valore non codificato scartato*.

use super::cf;
use super::dates::parse_date;
use crate::privacy::shape;
use crate::reference::{normalize_label, Reference};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Longest value the general rule takes as a code.
pub const CODICE_MAX_CHARS: usize = 20;

/// A coded field stored as given (not turned into a code of a list by its validation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CampoCodificato {
    /// CO `ccnl`: the ANPAL `TAB_CCNL` code (3 digits, `001`) or the CNEL alphanumeric code
    /// (DOMAIN.md §2.9): 1–6 ASCII letters or digits, at least one digit.
    Ccnl,
    /// CO `qualifica_professionale`: ISTAT CP2011 (or legacy CP2001) dotted levels, `5.1.2.2.0`,
    /// up to the CO 6th level (DOMAIN.md §2.7): a digit, then up to five `.` + 1–2 digits.
    QualificaProfessionale,
    /// CO `ente_previdenziale`: `01` INPS, `29` none (DOMAIN.md §2.4): 1–4 ASCII letters or
    /// digits, at least one digit.
    EntePrevidenziale,
    /// CO `causa_cessazione`: a code of `reference/oml/cause_cessazione.csv` (stored as the list
    /// writes it), or a code of its shape (two upper-case letters, `LI`) not yet in the table.
    CausaCessazione,
    /// DID `codice_sportello` (`PO-S03`, docs/formato_did.md): the general rule.
    CodiceSportello,
    /// CIG-worker `causale`: a wording of the list `CIG_CAUSALE` of
    /// `reference/oml/registri_codici.csv` (compared as normalised labels, stored as the list
    /// writes it), else the general rule (`COVID-19`).
    Causale,
}

impl CampoCodificato {
    /// The column of the lake, as the counts name it.
    pub fn nome(self) -> &'static str {
        match self {
            CampoCodificato::Ccnl => "ccnl",
            CampoCodificato::QualificaProfessionale => "qualifica_professionale",
            CampoCodificato::EntePrevidenziale => "ente_previdenziale",
            CampoCodificato::CausaCessazione => "causa_cessazione",
            CampoCodificato::CodiceSportello => "codice_sportello",
            CampoCodificato::Causale => "causale",
        }
    }

    /// The value the lake keeps for `v` (trimmed, not empty): `v` itself, or the list's form of
    /// a causa or a `causale`; `None` when it does not have the shape of a code of this field.
    pub fn codice(self, v: &str) -> Option<&str> {
        let v = v.trim();
        if v.is_empty() || sembra_una_data(v) || cf::identifier_spans(v).next().is_some() {
            return None;
        }
        let ok = match self {
            CampoCodificato::Ccnl => alfanumerico(v, 6),
            CampoCodificato::QualificaProfessionale => livelli_cp(v),
            CampoCodificato::EntePrevidenziale => alfanumerico(v, 4),
            CampoCodificato::CausaCessazione => {
                if let Some(c) = Reference::get().causa_cessazione_any(v) {
                    return Some(c.codice.as_str());
                }
                v.len() == 2 && v.bytes().all(|b| b.is_ascii_uppercase())
            }
            CampoCodificato::CodiceSportello => forma_generale(v),
            CampoCodificato::Causale => {
                let n = normalize_label(v);
                let r = Reference::get();
                if let Some(c) = r
                    .codici_registro("CIG_CAUSALE")
                    .into_iter()
                    .find(|c| normalize_label(c) == n)
                {
                    return Some(c);
                }
                forma_generale(v)
            }
        };
        ok.then_some(v)
    }

    /// Whether `v` (trimmed, not empty) is kept: the check a quarantine excerpt applies too.
    pub fn ammette(self, v: &str) -> bool {
        self.codice(v).is_some()
    }
}

/// The general rule for a code whose format is not known: ASCII letters, digits and `.-/_`
/// only (no whitespace), at least one digit, at most [`CODICE_MAX_CHARS`] characters.
fn forma_generale(v: &str) -> bool {
    v.len() <= CODICE_MAX_CHARS
        && v.bytes().any(|b| b.is_ascii_digit())
        && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-/".contains(&b))
}

/// 1–`max` ASCII letters or digits, at least one digit.
fn alfanumerico(v: &str, max: usize) -> bool {
    v.len() <= max && v.bytes().all(|b| b.is_ascii_alphanumeric()) && v.bytes().any(|b| b.is_ascii_digit())
}

/// ISTAT CP levels: one digit, then up to five groups of `.` and 1–2 digits.
fn livelli_cp(v: &str) -> bool {
    let mut parts = v.split('.');
    let first = parts.next().unwrap_or_default();
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    let rest: Vec<&str> = parts.collect();
    first.len() == 1 && digits(first) && rest.len() <= 5 && rest.iter().all(|p| (1..=2).contains(&p.len()) && digits(p))
}

/// Whether `v` reads as a date in any common writing: what `quality::dates` parses, three
/// groups of digits separated by `/`, `-` or `.` (`12.3.85`, `1985/03/12`), or 6 or 8 digits
/// that make a day (`120385`, `12031985`, `19850312`). Conservative: a birth date is never
/// kept as a code.
pub fn sembra_una_data(v: &str) -> bool {
    if parse_date(v).is_some() {
        return true;
    }
    let groups: Vec<&str> = v.split(['/', '-', '.']).collect();
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if groups.len() == 3 && groups.iter().all(|g| digits(g)) {
        let l: Vec<usize> = groups.iter().map(|g| g.len()).collect();
        let day_month = |a: usize, b: usize| (1..=2).contains(&a) && (1..=2).contains(&b);
        return (day_month(l[0], l[1]) && matches!(l[2], 2 | 4)) || (l[0] == 4 && day_month(l[1], l[2]));
    }
    if digits(v) && matches!(v.len(), 6 | 8) {
        let n = |r: std::ops::Range<usize>| v[r].parse::<u32>().unwrap_or(0);
        let day = |y: u32, m: u32, d: u32| NaiveDate::from_ymd_opt(y as i32, m, d).is_some();
        return if v.len() == 6 {
            day(2000 + n(4..6), n(2..4), n(0..2))
        } else {
            let (y1, y2) = (n(4..8), n(0..4));
            ((1900..=2100).contains(&y1) && day(y1, n(2..4), n(0..2)))
                || ((1900..=2100).contains(&y2) && day(y2, n(4..6), n(6..8)))
        };
    }
    false
}

/// Values not coded, dropped from accepted records: `"campo: forma"` → count.
pub type Scartati = BTreeMap<String, u64>;

/// Distinct shapes kept per count before the rest is summed under `campo: (altre forme)`:
/// the count stays small whatever the file.
pub const MAX_FORME: usize = 20;

/// The key of a dropped value of `campo`: the field and the value's shape, never the value.
pub fn chiave_scartato(campo: CampoCodificato, v: &str) -> String {
    format!("{}: {}", campo.nome(), shape(v.trim()))
}

/// Adds `n` to `chiave` (from [`chiave_scartato`]); past [`MAX_FORME`] distinct keys, a new
/// shape goes to its field's `(altre forme)`.
pub fn conta_scartato(m: &mut Scartati, chiave: &str, n: u64) {
    if let Some(c) = m.get_mut(chiave) {
        *c += n;
        return;
    }
    let key = if m.len() >= MAX_FORME {
        let campo = chiave.split(": ").next().unwrap_or(chiave);
        format!("{campo}: (altre forme)")
    } else {
        chiave.to_string()
    };
    *m.entry(key).or_insert(0) += n;
}

#[cfg(test)]
mod tests {
    use super::CampoCodificato::*;
    use super::*;

    #[test]
    fn names_addresses_dates_and_identifiers_are_not_codes() {
        let not_codes = [
            "Mario Rossi",
            "ROSSI",
            "Via Roma 3",
            "VIA ROMA 3",
            "12/03/1985",
            "1985-03-12",
            "12.03.1985",
            "12-3-85",
            "1985/3/12",
            "12031985",
            "19850312",
            "120385",
            "RSSMRA85T10A562S",
            "rssmra85t10a562s",
            "00743110157",
            "p.iva 00743110157",
            "",
        ];
        for campo in [
            Ccnl,
            QualificaProfessionale,
            EntePrevidenziale,
            CausaCessazione,
            CodiceSportello,
            Causale,
        ] {
            for v in not_codes {
                assert_eq!(campo.codice(v), None, "{campo:?} kept '{v}'");
            }
        }
        // A longer text with a digit: an address is no sportello, whatever its punctuation.
        assert_eq!(CodiceSportello.codice("Via_Roma_3_scala_B_interno_12"), None);
        assert_eq!(Causale.codice("richiesta di RSSMRA85T10A562S"), None);
    }

    #[test]
    fn real_codes_are_kept() {
        for (campo, v) in [
            (Ccnl, "001"),
            (Ccnl, "H011"),
            (QualificaProfessionale, "5.1.2.2.0"),
            (QualificaProfessionale, "1.1.2.4.2.1"),
            (QualificaProfessionale, "8.3.2.0.7"),
            (QualificaProfessionale, "5"),
            (EntePrevidenziale, "01"),
            (EntePrevidenziale, "29"),
            (CausaCessazione, "LI"),
            (CausaCessazione, "FT"),
            (CausaCessazione, "ZZ"),
            (CodiceSportello, "PO-S03"),
            (CodiceSportello, "PT01-P02"),
            (Causale, "COVID-19"),
        ] {
            assert_eq!(campo.codice(v), Some(v), "{campo:?} dropped '{v}'");
        }
        assert_eq!(Ccnl.codice(" 001 "), Some("001"));
        assert_eq!(Causale.codice("crisi di mercato"), Some("CRISI DI MERCATO"));
        assert_eq!(
            Causale.codice("Mancanza di lavoro o commesse"),
            Some("MANCANZA DI LAVORO O COMMESSE")
        );
        // Formats of other fields are not codes of this one.
        assert_eq!(QualificaProfessionale.codice("PO-S03"), None);
        assert_eq!(Ccnl.codice("5.1.2.2.0"), None);
        assert_eq!(
            CausaCessazione.codice("li"),
            Some("LI"),
            "the code as the list writes it"
        );
        assert_eq!(CausaCessazione.codice("xy"), None);
    }

    #[test]
    fn dropped_values_are_counted_by_shape_in_a_bounded_map() {
        assert_eq!(chiave_scartato(Ccnl, " Mario Rossi "), "ccnl: Aaaaa Aaaaa");
        let mut m = Scartati::new();
        for i in 0..(MAX_FORME + 5) {
            conta_scartato(&mut m, &chiave_scartato(Ccnl, &"a".repeat(i + 1)), 1);
        }
        conta_scartato(&mut m, "ccnl: a", 2);
        assert_eq!(m.len(), MAX_FORME + 1);
        assert_eq!(m["ccnl: a"], 3);
        assert_eq!(m["ccnl: (altre forme)"], 5);
    }
}
