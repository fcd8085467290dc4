//! Synthetic people and employers: names, codici fiscali, addresses.
//!
//! Names are built from small syllable and name lists (they describe no real person); the
//! codice fiscale is computed from them with the official rules (DOMAIN.md §9): surname and
//! name letters, birth date, sex (+40 for women), Belfiore / foreign-state code of birth,
//! check character. Names are derived again, when a record is written, from a hash of the
//! seed and the person's id, so only the CF and a few codes are kept in memory.

use super::rng::hash3;
use crate::quality::cf;

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

const IT_SURNAME_A: [&str; 30] = [
    "ROS", "BIAN", "FER", "ESPO", "RIC", "MAR", "COLOM", "RUS", "GAL", "CON", "DEL", "COS", "GIOR", "MAN", "LOM",
    "MOR", "BAR", "FON", "SAN", "VIT", "CAR", "BEL", "PEL", "GRE", "RIN", "SER", "CAP", "VAL", "PAR", "TES",
];
const IT_SURNAME_B: [&str; 20] = [
    "SI", "CHI", "RARI", "SITO", "CI", "INI", "TI", "ETTI", "LI", "ELLI", "ONI", "ARDI", "ATO", "UCCI", "ONE", "INO",
    "ERI", "OLA", "ANTI", "ESE",
];
const IT_M: [&str; 48] = [
    "MARCO",
    "LUCA",
    "ANDREA",
    "FRANCESCO",
    "ALESSANDRO",
    "MATTEO",
    "LORENZO",
    "GIUSEPPE",
    "DAVIDE",
    "SIMONE",
    "FEDERICO",
    "RICCARDO",
    "STEFANO",
    "PAOLO",
    "GIOVANNI",
    "ROBERTO",
    "MASSIMO",
    "FABIO",
    "ANTONIO",
    "MICHELE",
    "NICOLA",
    "CLAUDIO",
    "DANIELE",
    "EMANUELE",
    "GABRIELE",
    "FILIPPO",
    "TOMMASO",
    "LEONARDO",
    "PIETRO",
    "SERGIO",
    "MAURIZIO",
    "ALBERTO",
    "VINCENZO",
    "SALVATORE",
    "GIACOMO",
    "ENRICO",
    "MATTIA",
    "SAMUELE",
    "EDOARDO",
    "DIEGO",
    "CRISTIAN",
    "IVAN",
    "MANUEL",
    "VALERIO",
    "GIORGIO",
    "FRANCO",
    "BRUNO",
    "CARLO",
];
const IT_F: [&str; 48] = [
    "GIULIA",
    "FRANCESCA",
    "SARA",
    "CHIARA",
    "MARTINA",
    "ELENA",
    "VALENTINA",
    "ALESSIA",
    "FEDERICA",
    "SILVIA",
    "LAURA",
    "ANNA",
    "MARIA",
    "PAOLA",
    "ROBERTA",
    "MONICA",
    "CRISTINA",
    "BARBARA",
    "ELISA",
    "GIORGIA",
    "SOFIA",
    "AURORA",
    "GIADA",
    "ILARIA",
    "SERENA",
    "SIMONA",
    "DANIELA",
    "STEFANIA",
    "ALICE",
    "BEATRICE",
    "CATERINA",
    "EMMA",
    "GRETA",
    "NOEMI",
    "VERONICA",
    "LUCIA",
    "ROSSELLA",
    "PATRIZIA",
    "ANTONELLA",
    "TERESA",
    "CARLA",
    "ORNELLA",
    "MICHELA",
    "ERIKA",
    "ARIANNA",
    "CAMILLA",
    "MARTA",
    "IRENE",
];
const CN_SURNAME: [&str; 18] = [
    "HU", "CHEN", "WANG", "ZHOU", "LIN", "ZHANG", "LI", "XU", "YE", "WU", "ZHENG", "JIN", "HUANG", "PAN", "YANG", "LU",
    "DONG", "SHI",
];
const CN_SYL: [&str; 20] = [
    "JIAN", "WEI", "XIAO", "MING", "HUA", "LI", "YAN", "HONG", "JUN", "FANG", "QING", "YU", "LING", "HAI", "FENG",
    "MEI", "XIN", "ZHI", "BO", "CHUN",
];
const RO_S: [&str; 12] = [
    "POPESCU", "IONESCU", "POPA", "RADU", "STAN", "DUMITRU", "STOICA", "GHEORGHE", "MOLDOVAN", "LUCA", "BARBU",
    "NISTOR",
];
const RO_M: [&str; 8] = [
    "ION",
    "ANDREI",
    "MIHAI",
    "ALEXANDRU",
    "GABRIEL",
    "VASILE",
    "CONSTANTIN",
    "FLORIN",
];
const RO_F: [&str; 8] = [
    "MARIA", "ELENA", "IOANA", "ANDREEA", "MIHAELA", "GABRIELA", "CRISTINA", "DANIELA",
];
const AL_S: [&str; 10] = [
    "HOXHA", "SHEHU", "DOKA", "KOLA", "BEQIRI", "GJONI", "LLESHI", "MEMA", "PRENGA", "ZEQIRI",
];
const AL_M: [&str; 8] = [
    "ARBEN", "BESNIK", "DRITAN", "ERION", "GENTI", "ILIR", "KLODIAN", "FATMIR",
];
const AL_F: [&str; 8] = [
    "ALBANA", "BLERTA", "ELIRA", "ENKELEDA", "FJORELA", "MIRELA", "ORIANA", "XHENI",
];
const SA_S: [&str; 12] = [
    "KHAN", "ALI", "HUSSAIN", "AHMED", "SINGH", "KUMAR", "RAHMAN", "IQBAL", "BUTT", "MAHMOOD", "HOSSAIN", "ISLAM",
];
const SA_M: [&str; 8] = [
    "MUHAMMAD", "IMRAN", "ASIF", "RAJESH", "SHAHID", "KAMAL", "ABDUL", "RAHUL",
];
const SA_F: [&str; 8] = ["FATIMA", "AYESHA", "PRIYA", "NADIA", "SANA", "RUBINA", "SUNITA", "AMNA"];
const NA_S: [&str; 10] = [
    "EL AMRANI",
    "BENALI",
    "EL IDRISSI",
    "BOUZID",
    "HADDAD",
    "BEN SALAH",
    "MANSOUR",
    "CHAOUI",
    "FARAH",
    "SAID",
];
const NA_M: [&str; 8] = [
    "MOHAMED", "YOUSSEF", "HAMID", "KARIM", "RACHID", "SAMIR", "MUSTAPHA", "NABIL",
];
const NA_F: [&str; 8] = [
    "FATIMA", "KHADIJA", "AICHA", "NAIMA", "SAMIRA", "LATIFA", "ZINEB", "HANANE",
];
const WA_S: [&str; 10] = [
    "OKAFOR", "ADEYEMI", "DIOP", "NDIAYE", "FALL", "OKONKWO", "EZE", "SOW", "BALDE", "OSAGIE",
];
const WA_M: [&str; 8] = [
    "CHINEDU", "MAMADOU", "IBRAHIMA", "EMEKA", "OUSMANE", "SEGUN", "MODOU", "CHUKWU",
];
const WA_F: [&str; 8] = [
    "AMINATA", "BLESSING", "FATOU", "NGOZI", "AWA", "JOY", "MARIAMA", "PRECIOUS",
];
const SL_S: [&str; 10] = [
    "KOVALENKO",
    "SHEVCHENKO",
    "BONDARENKO",
    "TKACHENKO",
    "NOWAK",
    "KOWALSKI",
    "PETROVSKI",
    "CEBAN",
    "ROTARU",
    "MELNYK",
];
const SL_M: [&str; 8] = [
    "OLEKSANDR",
    "SERHIY",
    "PIOTR",
    "ANDRIY",
    "VLADIMIR",
    "IGOR",
    "DMITRI",
    "TOMASZ",
];
const SL_F: [&str; 8] = [
    "OKSANA",
    "NATALIA",
    "OLENA",
    "IRYNA",
    "SVETLANA",
    "TETIANA",
    "ANNA",
    "KATARZYNA",
];
const LA_S: [&str; 10] = [
    "GARCIA",
    "FLORES",
    "RODRIGUEZ",
    "SANTOS",
    "REYES",
    "CRUZ",
    "MENDOZA",
    "QUISPE",
    "DELA CRUZ",
    "BAUTISTA",
];
const LA_M: [&str; 8] = ["JOSE", "JUAN", "CARLOS", "LUIS", "MARK", "JOHN", "PEDRO", "MIGUEL"];
const LA_F: [&str; 8] = ["MARIA", "ROSA", "ANA", "LUZ", "JOCELYN", "MARICEL", "CARMEN", "GLORIA"];
const OT_S: [&str; 10] = [
    "MULLER", "SCHMIDT", "DUBOIS", "MARTIN", "SMITH", "LOPEZ", "NOVAK", "JANSEN", "OLSEN", "PETERS",
];
const OT_M: [&str; 8] = ["DAVID", "PAUL", "THOMAS", "PETER", "DANIEL", "MARTIN", "ADAM", "SAMUEL"];
const OT_F: [&str; 8] = ["SARAH", "ANNA", "EVA", "LENA", "JULIA", "NINA", "EMILY", "CLARA"];

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

fn pick<'a>(list: &[&'a str], h: u64) -> &'a str {
    list[(h % list.len() as u64) as usize]
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
    match group {
        NameGroup::Italian => {
            cognome.push_str(pick(&IT_SURNAME_A, h1));
            cognome.push_str(pick(&IT_SURNAME_B, h1 >> 20));
            nome.push_str(pick(if female { &IT_F } else { &IT_M }, h2));
            if h3.is_multiple_of(20) {
                nome.push(' ');
                nome.push_str(pick(if female { &IT_F } else { &IT_M }, h3 >> 8));
            }
        }
        NameGroup::Chinese => {
            cognome.push_str(pick(&CN_SURNAME, h1));
            nome.push_str(pick(&CN_SYL, h2));
            nome.push_str(pick(&CN_SYL, h3));
        }
        _ => {
            let (s, m, f): (&[&str], &[&str], &[&str]) = match group {
                NameGroup::Romanian => (&RO_S, &RO_M, &RO_F),
                NameGroup::Albanian => (&AL_S, &AL_M, &AL_F),
                NameGroup::SouthAsian => (&SA_S, &SA_M, &SA_F),
                NameGroup::NorthAfrican => (&NA_S, &NA_M, &NA_F),
                NameGroup::WestAfrican => (&WA_S, &WA_M, &WA_F),
                NameGroup::Slavic => (&SL_S, &SL_M, &SL_F),
                NameGroup::Latin => (&LA_S, &LA_M, &LA_F),
                _ => (&OT_S, &OT_M, &OT_F),
            };
            cognome.push_str(pick(s, h1));
            nome.push_str(pick(if female { f } else { m }, h2));
            if h3.is_multiple_of(4) {
                nome.push(' ');
                nome.push_str(pick(if female { f } else { m }, h3 >> 8));
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
    fn numeric_cf_is_valid() {
        for h in 0..500u64 {
            let b = numeric_cf(super::super::rng::splitmix64(h), (h % 3) as u8);
            assert!(cf::validate_numeric(std::str::from_utf8(&b).unwrap()));
        }
    }
}
