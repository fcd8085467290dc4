//! Synthetic people and employers: names, codici fiscali, addresses.
//!
//! Names are built from small syllable and name lists (`data/nomi.csv`, by citizenship group;
//! they describe no real person); the
//! codice fiscale is computed from them with the official rules (DOMAIN.md §9): surname and
//! name letters, birth date, sex (+40 for women), Belfiore / foreign-state code of birth,
//! check character. Names are derived again, when a record is written, from a hash of the
//! seed and the person's id, so only the CF and a few codes are kept in memory.

use super::data;
use super::rng::hash3;
use crate::quality::cf;
use anyhow::{bail, Result};
use std::sync::OnceLock;

/// Name pools: each citizenship draws names from one (see [`super::calib::name_group`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameGroup {
    Italian,
    Chinese,
    Romanian,
    Albanian,
    SouthAsian,
    NorthAfrican,
    WestAfrican,
    Slavic,
    Latin,
    Other,
}

/// Which list of a name pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Surname (for Italians, its first half).
    Cognome,
    /// Second half of an Italian surname.
    CognomeFine,
    Maschile,
    Femminile,
    /// Syllable of a Chinese given name.
    Sillaba,
}

impl Part {
    fn from_label(s: &str) -> Option<Part> {
        Some(match s {
            "cognome" => Part::Cognome,
            "cognome_fine" => Part::CognomeFine,
            "maschile" => Part::Maschile,
            "femminile" => Part::Femminile,
            "sillaba" => Part::Sillaba,
            _ => return None,
        })
    }
}

const GROUPS: [(&str, NameGroup); 10] = [
    ("italiano", NameGroup::Italian),
    ("cinese", NameGroup::Chinese),
    ("rumeno", NameGroup::Romanian),
    ("albanese", NameGroup::Albanian),
    ("sudasiatico", NameGroup::SouthAsian),
    ("nordafricano", NameGroup::NorthAfrican),
    ("africano_occidentale", NameGroup::WestAfrican),
    ("slavo", NameGroup::Slavic),
    ("latino", NameGroup::Latin),
    ("altro", NameGroup::Other),
];

/// The name pools of `data/nomi.csv`, by group and part, in file order.
struct Pools([[Vec<String>; 5]; 10]);

impl Pools {
    fn load() -> Result<Pools> {
        let mut p: [[Vec<String>; 5]; 10] = Default::default();
        for r in data::read(&data::NOMI, &["gruppo", "parte", "nome"])? {
            let group = GROUPS.iter().find(|(n, _)| *n == r.text(0));
            let (Some((_, g)), Some(k)) = (group, Part::from_label(r.text(1))) else {
                return Err(r.error(format!("unknown group or part '{}', '{}'", r.text(0), r.text(1))));
            };
            p[*g as usize][k as usize].push(r.text(2).to_string());
        }
        for (name, g) in GROUPS {
            let needed: &[Part] = match g {
                NameGroup::Italian => &[Part::Cognome, Part::CognomeFine, Part::Maschile, Part::Femminile],
                NameGroup::Chinese => &[Part::Cognome, Part::Sillaba],
                _ => &[Part::Cognome, Part::Maschile, Part::Femminile],
            };
            for k in needed {
                if p[g as usize][*k as usize].is_empty() {
                    bail!("nomi.csv: group {name} has no {k:?} names");
                }
            }
        }
        Ok(Pools(p))
    }
}

fn pool(g: NameGroup, k: Part) -> &'static [String] {
    static POOLS: OnceLock<Pools> = OnceLock::new();
    let p = POOLS.get_or_init(|| match Pools::load() {
        Ok(p) => p,
        Err(e) => panic!("embedded name pools are broken: {e:#}"),
    });
    &p.0[g as usize][k as usize]
}

/// Street names of synthetic addresses.
pub const STREETS: [&str; 6] = [
    "VIA SINTETICA",
    "VIA IMMAGINARIA",
    "VIALE FITTIZIO",
    "PIAZZA DELL'ESEMPIO",
    "VIA DEL CAMPIONE",
    "VIA INVENTATA",
];

const NAME_STREAM: u64 = 0x4E41_4D45;

fn pick<S: AsRef<str>>(list: &[S], h: u64) -> &str {
    list[(h % list.len() as u64) as usize].as_ref()
}

/// Writes the surname and the given name of person `id` (salt = retry counter used to
/// make the CF unique) into `cognome` and `nome`.
pub fn person_names(
    seed: u64,
    id: u64,
    salt: u8,
    group: NameGroup,
    female: bool,
    cognome: &mut String,
    nome: &mut String,
) {
    cognome.clear();
    nome.clear();
    let h1 = hash3(seed, NAME_STREAM, id.wrapping_mul(257).wrapping_add(salt as u64));
    let h2 = super::rng::splitmix64(h1);
    let h3 = super::rng::splitmix64(h2);
    let given = pool(group, if female { Part::Femminile } else { Part::Maschile });
    match group {
        NameGroup::Italian => {
            cognome.push_str(pick(pool(group, Part::Cognome), h1));
            cognome.push_str(pick(pool(group, Part::CognomeFine), h1 >> 20));
            nome.push_str(pick(given, h2));
            if h3.is_multiple_of(20) {
                nome.push(' ');
                nome.push_str(pick(given, h3 >> 8));
            }
        }
        NameGroup::Chinese => {
            let syl = pool(group, Part::Sillaba);
            cognome.push_str(pick(pool(group, Part::Cognome), h1));
            nome.push_str(pick(syl, h2));
            nome.push_str(pick(syl, h3));
        }
        _ => {
            cognome.push_str(pick(pool(group, Part::Cognome), h1));
            nome.push_str(pick(given, h2));
            if h3.is_multiple_of(4) {
                nome.push(' ');
                nome.push_str(pick(given, h3 >> 8));
            }
        }
    }
}

const VOWELS: &[u8] = b"AEIOU";

/// Upper-case letters of a name split into consonants and vowels (at most 32 each).
struct Letters {
    cons: [u8; 32],
    nc: usize,
    vow: [u8; 32],
    nv: usize,
}

fn letters(s: &str) -> Letters {
    let mut l = Letters {
        cons: [0; 32],
        nc: 0,
        vow: [0; 32],
        nv: 0,
    };
    for c in s
        .bytes()
        .filter(u8::is_ascii_alphabetic)
        .map(|c| c.to_ascii_uppercase())
    {
        if VOWELS.contains(&c) {
            if l.nv < 32 {
                l.vow[l.nv] = c;
                l.nv += 1;
            }
        } else if l.nc < 32 {
            l.cons[l.nc] = c;
            l.nc += 1;
        }
    }
    l
}

fn code3(l: &Letters) -> [u8; 3] {
    let mut out = [b'X'; 3];
    for (o, c) in out.iter_mut().zip(l.cons[..l.nc].iter().chain(&l.vow[..l.nv])) {
        *o = *c;
    }
    out
}

/// Surname part of a CF (consonants, then vowels, padded with X).
pub fn cf_cognome(s: &str) -> [u8; 3] {
    code3(&letters(s))
}

/// Given-name part of a CF (1st, 3rd and 4th consonant when there are at least four).
pub fn cf_nome(s: &str) -> [u8; 3] {
    let l = letters(s);
    if l.nc >= 4 {
        return [l.cons[0], l.cons[2], l.cons[3]];
    }
    code3(&l)
}

const MONTHS: &[u8; 12] = b"ABCDEHLMPRST";

/// Full personal codice fiscale (16 bytes, check character included).
pub fn codice_fiscale(cognome: &str, nome: &str, birth: i32, female: bool, place: &str) -> [u8; 16] {
    let (y, m, d) = super::cal::civil_from_days(birth);
    let mut b = [0u8; 16];
    b[0..3].copy_from_slice(&cf_cognome(cognome));
    b[3..6].copy_from_slice(&cf_nome(nome));
    let yy = y.rem_euclid(100) as u8;
    b[6] = b'0' + yy / 10;
    b[7] = b'0' + yy % 10;
    b[8] = MONTHS[(m - 1) as usize];
    let dd = d as u8 + if female { 40 } else { 0 };
    b[9] = b'0' + dd / 10;
    b[10] = b'0' + dd % 10;
    let pb = place.as_bytes();
    for i in 0..4 {
        b[11 + i] = pb.get(i).copied().unwrap_or(b'0');
    }
    b[15] = cf::check_char(&b[..15]).unwrap_or(b'X');
    b
}

/// An omocodic variant (`n` substitutions) of a CF.
pub fn omocodic(cfb: &[u8; 16], n: usize) -> [u8; 16] {
    let s = std::str::from_utf8(cfb).unwrap_or("");
    let v = cf::omocode_variant(s, n);
    let mut out = *cfb;
    if v.len() == 16 {
        out.copy_from_slice(v.as_bytes());
    }
    out
}

/// An 11-digit numeric codice fiscale with a valid Luhn check digit (DOMAIN.md §9.4):
/// 7-digit company number (not all zeros), office code 001–100, check digit.
pub fn numeric_cf(h: u64, first_digit: u8) -> [u8; 11] {
    let mut b = [b'0'; 11];
    let mut x = h;
    b[0] = b'0' + first_digit % 10;
    for d in &mut b[1..7] {
        *d = b'0' + (x % 10) as u8;
        x /= 10;
    }
    if b[..7].iter().all(|&c| c == b'0') {
        b[6] = b'1';
    }
    let office = 1 + (x % 100) as u32; // 001–100
    b[7] = b'0' + (office / 100) as u8;
    b[8] = b'0' + (office / 10 % 10) as u8;
    b[9] = b'0' + (office % 10) as u8;
    b[10] = b'0' + cf::luhn_digit(&b[..10]);
    b
}

const FIRM_WORDS_A: [&str; 16] = [
    "ALFA", "BETA", "DELTA", "NOVA", "ORIONE", "VEGA", "AURORA", "ZENIT", "ARGO", "LIRA", "SIRIO", "POLARE", "ETRURIA",
    "ARNO", "BISENZIO", "TIRRENO",
];
const FIRM_WORDS_B: [&str; 12] = [
    "SERVIZI", "GROUP", "ITALIA", "TEX", "MODA", "SISTEMI", "PROGETTI", "LINE", "LAB", "DUE", "TRE", "PIU'",
];
const FORMS: [&str; 6] = ["S.R.L.", "S.R.L.", "S.R.L.S.", "S.P.A.", "S.N.C.", "S.A.S."];

/// Activity word in a company name, by division.
fn activity(div: u8) -> &'static str {
    match div {
        1..=3 => "AZIENDA AGRICOLA",
        13 => "LANIFICIO",
        14 => "CONFEZIONI",
        10 | 11 => "ALIMENTARI",
        15..=33 => "INDUSTRIE",
        41..=43 => "COSTRUZIONI",
        45..=47 => "COMMERCIALE",
        49..=53 => "TRASPORTI",
        55 => "HOTEL",
        56 => "RISTORANTE",
        58..=63 => "INFORMATICA",
        64..=66 => "FINANZIARIA",
        69..=75 => "STUDIO",
        78 => "AGENZIA PER IL LAVORO",
        81 => "MULTISERVIZI",
        84 => "ENTE PUBBLICO",
        85 => "ISTITUTO SCOLASTICO",
        86..=88 => "COOPERATIVA SOCIALE",
        90..=93 => "CENTRO SPORTIVO",
        94..=96 => "SERVIZI ALLA PERSONA",
        _ => "IMPRESA",
    }
}

/// Company name of employer `id`.
pub fn company_name(out: &mut String, seed: u64, id: u64, div: u8, pa: bool) {
    out.clear();
    let h = hash3(seed, 0x4649_524D, id);
    out.push_str(activity(div));
    out.push(' ');
    out.push_str(pick(&FIRM_WORDS_A, h));
    if pa {
        out.push_str(" SINTETICO");
        return;
    }
    if (h >> 16).is_multiple_of(3) {
        out.push(' ');
        out.push_str(pick(&FIRM_WORDS_B, h >> 24));
    }
    out.push(' ');
    out.push_str(pick(&FORMS, h >> 40));
}

/// A synthetic street address.
pub fn address(out: &mut String, h: u64) {
    out.clear();
    out.push_str(pick(&STREETS, h));
    out.push(' ');
    let n = 1 + (h >> 20) % 180;
    out.push_str(&n.to_string());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cf_rules_match_domain_example() {
        // DOMAIN.md §9: RSSMRA85T10A562S = ROSSI MARIO, 10 Dec 1985, A562, male.
        let birth = super::super::cal::days_from_civil(1985, 12, 10);
        let cfb = codice_fiscale("ROSSI", "MARIO", birth, false, "A562");
        assert_eq!(std::str::from_utf8(&cfb).unwrap(), "RSSMRA85T10A562S");
        assert_eq!(cf_nome("GIANFRANCO"), *b"GFR");
        assert_eq!(cf_cognome("FO"), *b"FOX");
        assert_eq!(cf_cognome("EL AMRANI"), *b"LMR");
        let f = codice_fiscale("BIANCHI", "GIULIA", birth, true, "Z210");
        assert!(cf::validate_personal(std::str::from_utf8(&f).unwrap()).is_ok());
        let o = omocodic(&f, 1);
        let info = cf::validate_personal(std::str::from_utf8(&o).unwrap()).unwrap();
        assert!(info.omocodico);
    }

    #[test]
    fn name_pools_parse_and_hold_letters_only() {
        let p = Pools::load().expect("nomi.csv");
        for (name, g) in GROUPS {
            for list in &p.0[g as usize] {
                for n in list {
                    assert!(
                        !n.is_empty() && n.bytes().all(|b| b.is_ascii_uppercase() || b == b' ' || b == b'\''),
                        "{name}: '{n}'"
                    );
                }
            }
        }
    }

    #[test]
    fn numeric_cf_is_valid() {
        for h in 0..500u64 {
            let b = numeric_cf(super::super::rng::splitmix64(h), (h % 3) as u8);
            assert!(cf::validate_numeric(std::str::from_utf8(&b).unwrap()));
        }
    }
}
