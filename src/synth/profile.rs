//! Province profile: sectors and their weights, seasonality, contract mix, citizenship
//! shares, places. Prato (PO) has its own profile (textiles and clothing, a large Chinese
//! community); every other province uses a generic Italian profile.
//!
//! Everything drawn from the reference tables is checked to exist there, so the generator
//! only writes codes the validation knows.

use super::cal;
use crate::reference::{Comune, MacroCausa, Provincia, Reference};
use anyhow::{bail, Result};

/// Contract kinds the generator draws (codes in [`TIP_CODES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Ti,
    Td,
    TdSost,
    Appr,
    Interm,
    Dom,
    Tiroc,
    Parasub,
    Domicilio,
}

/// Tipologia codes used by the generator. The first block is what real records carry; the
/// second block holds codes known but expired (for the `codice_non_valido_alla_data`
/// fault); the last one is unknown (for `codice_sconosciuto`).
pub const TIP_CODES: [&str; 17] = [
    "A.01.00", // 0 TI
    "A.02.00", // 1 TD (and agency work in 78.20.00)
    "A.02.01", // 2 TD per sostituzione
    "A.03.09", // 3 apprendistato professionalizzante
    "A.05.02", // 4 intermittente
    "A.04.02", // 5 domestico
    "C.01.00", // 6 tirocinio
    "B.03.00", // 7 co.co.co.
    "A.08.02", // 8 lavoro a domicilio
    "A.03.02", // 9 expired 2012
    "A.04.01", // 10 expired 2013
    "A.05.01", // 11 expired 2013
    "A.06.01", // 12 expired 2013
    "A.03.00", // 13 expired 2012
    "C.02.00", // 14 expired 2009
    "H.01.00", // 15 expired 2009
    "A.99.99", // 16 unknown
];
pub const TIP_TI: u8 = 0;
pub const TIP_TD: u8 = 1;
pub const TIP_TD_SOST: u8 = 2;
pub const TIP_UNKNOWN: u8 = 16;
pub const TIP_EXPIRED: std::ops::RangeInclusive<u8> = 9..=15;

impl Kind {
    pub fn tip(self) -> u8 {
        match self {
            Kind::Ti => 0,
            Kind::Td => 1,
            Kind::TdSost => 2,
            Kind::Appr => 3,
            Kind::Interm => 4,
            Kind::Dom => 5,
            Kind::Tiroc => 6,
            Kind::Parasub => 7,
            Kind::Domicilio => 8,
        }
    }
}

/// Monthly seasonal factors (mean about 1) by profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Season {
    Default,
    Tourism,
    Agriculture,
    School,
    Manufacturing,
    Trade,
    Flat,
}

impl Season {
    pub fn factors(self) -> [f64; 12] {
        match self {
            Season::Default => [1.2, 1.0, 1.05, 1.0, 1.0, 1.0, 0.95, 0.6, 1.2, 1.1, 1.05, 0.85],
            Season::Tourism => [0.6, 0.65, 0.85, 1.15, 1.6, 1.7, 1.45, 1.15, 0.95, 0.7, 0.55, 0.65],
            Season::Agriculture => [0.55, 0.55, 0.8, 0.9, 0.9, 1.0, 1.05, 0.95, 2.2, 2.0, 0.65, 0.45],
            Season::School => [1.0, 0.75, 0.65, 0.6, 0.5, 0.45, 0.35, 0.45, 3.4, 1.8, 1.0, 1.05],
            Season::Manufacturing => [1.3, 1.05, 1.05, 0.95, 1.0, 0.95, 0.9, 0.4, 1.35, 1.1, 1.05, 0.85],
            Season::Trade => [1.05, 0.9, 0.95, 1.0, 1.0, 1.05, 1.0, 0.75, 1.05, 1.0, 1.1, 1.15],
            Season::Flat => [1.0; 12],
        }
    }
}

/// One sector (ATECO sottocategoria) of the province.
#[derive(Debug, Clone)]
pub struct Sector {
    pub ateco: &'static str,
    pub sezione: u8,
    pub divisione: u8,
    /// Share of the province's hires.
    pub weight: f64,
    pub season: Season,
    /// Female share of the sector's hires.
    pub female: f64,
    /// Share of employers run by the Chinese community (Prato).
    pub chinese: f64,
    /// Temporary work agency (78.20.00): A.02.00 here represents somministrazione.
    pub agency: bool,
    /// Households employing domestic workers (97.00.00).
    pub household: bool,
    /// Share of public employers.
    pub pa: f64,
    /// Contract mix: weights over [`Kind`] (see [`KINDS`]).
    pub mix: [f64; 9],
}

pub const KINDS: [Kind; 9] = [
    Kind::Ti,
    Kind::Td,
    Kind::TdSost,
    Kind::Appr,
    Kind::Interm,
    Kind::Dom,
    Kind::Tiroc,
    Kind::Parasub,
    Kind::Domicilio,
];

/// Division weights and preferred sottocategorie: (division, weight, preferred codes).
type DivSpec = (&'static str, f64, &'static [&'static str]);

const PRATO: &[DivSpec] = &[
    ("01", 0.9, &["01.21.00", "01.13.10", "01.50.00"]),
    ("10", 0.9, &["10.71.10", "10.71.20"]),
    (
        "13",
        11.5,
        &["13.10.00", "13.20.00", "13.30.00", "13.91.00", "13.99.90", "13.96.20"],
    ),
    (
        "14",
        14.5,
        &["14.13.10", "14.13.20", "14.14.00", "14.19.10", "14.39.00"],
    ),
    ("17", 0.3, &[]),
    ("20", 0.5, &[]),
    ("22", 0.6, &[]),
    ("25", 1.2, &["25.62.00"]),
    ("28", 1.0, &["28.94.10", "28.94.20"]),
    ("33", 0.3, &[]),
    ("41", 2.0, &["41.20.00"]),
    ("43", 3.0, &["43.21.01", "43.22.01", "43.39.01"]),
    ("45", 1.0, &["45.20.10"]),
    ("46", 4.0, &["46.41.10", "46.41.20", "46.42.10"]),
    ("47", 7.0, &["47.11.20", "47.11.40", "47.71.10", "47.19.10"]),
    ("49", 2.5, &["49.41.00"]),
    ("52", 1.5, &["52.10.10", "52.29.22"]),
    ("53", 0.3, &[]),
    ("55", 1.3, &["55.10.00"]),
    ("56", 8.0, &["56.10.11", "56.10.20", "56.30.00", "56.10.30"]),
    ("62", 1.0, &["62.01.00", "62.02.00"]),
    ("63", 0.3, &[]),
    ("64", 0.5, &["64.19.10"]),
    ("68", 0.4, &[]),
    ("69", 1.2, &["69.20.11", "69.10.10"]),
    ("70", 0.5, &[]),
    ("71", 0.6, &[]),
    ("73", 0.3, &[]),
    ("74", 0.4, &[]),
    ("78", 6.5, &["78.20.00"]),
    ("80", 0.6, &["80.10.00"]),
    ("81", 4.0, &["81.21.00", "81.22.02"]),
    ("82", 2.0, &["82.20.00", "82.92.10"]),
    ("84", 1.2, &["84.11.10"]),
    ("85", 4.0, &["85.20.00", "85.31.10", "85.10.00"]),
    ("86", 2.0, &["86.10.10", "86.22.09"]),
    ("87", 1.5, &["87.10.00", "87.30.00"]),
    ("88", 2.0, &["88.10.00", "88.91.00"]),
    ("90", 0.4, &[]),
    ("93", 0.9, &["93.11.20", "93.13.00", "93.29.90"]),
    ("94", 0.5, &[]),
    ("96", 2.0, &["96.02.01", "96.02.02", "96.01.10"]),
    ("97", 5.0, &["97.00.00"]),
];

const GENERIC: &[DivSpec] = &[
    ("01", 4.5, &["01.21.00", "01.13.10", "01.24.00", "01.50.00", "01.61.00"]),
    ("02", 0.3, &[]),
    ("03", 0.3, &[]),
    ("10", 2.5, &["10.71.10", "10.51.20", "10.13.00"]),
    ("11", 0.3, &["11.02.10"]),
    ("13", 0.6, &[]),
    ("14", 0.6, &["14.13.10"]),
    ("15", 0.5, &[]),
    ("16", 0.5, &[]),
    ("18", 0.3, &[]),
    ("20", 0.5, &[]),
    ("22", 0.8, &[]),
    ("23", 0.6, &[]),
    ("24", 0.4, &[]),
    ("25", 2.5, &["25.62.00", "25.11.00"]),
    ("27", 0.5, &[]),
    ("28", 1.8, &[]),
    ("29", 0.5, &[]),
    ("31", 0.6, &[]),
    ("32", 0.4, &[]),
    ("33", 0.6, &[]),
    ("35", 0.2, &[]),
    ("38", 0.8, &[]),
    ("41", 2.5, &["41.20.00"]),
    ("42", 0.7, &[]),
    ("43", 3.8, &["43.21.01", "43.22.01", "43.39.01"]),
    ("45", 1.2, &["45.20.10"]),
    ("46", 4.5, &[]),
    ("47", 8.5, &["47.11.20", "47.11.40", "47.71.10", "47.19.10"]),
    ("49", 2.8, &["49.41.00"]),
    ("52", 2.0, &["52.10.10", "52.29.22"]),
    ("53", 0.4, &[]),
    ("55", 3.5, &["55.10.00", "55.20.51"]),
    ("56", 10.5, &["56.10.11", "56.10.20", "56.30.00", "56.10.30"]),
    ("58", 0.2, &[]),
    ("62", 1.3, &["62.01.00", "62.02.00"]),
    ("63", 0.3, &[]),
    ("64", 0.6, &["64.19.10"]),
    ("65", 0.3, &[]),
    ("66", 0.3, &[]),
    ("68", 0.5, &[]),
    ("69", 1.3, &["69.20.11", "69.10.10"]),
    ("70", 0.6, &[]),
    ("71", 0.8, &[]),
    ("73", 0.4, &[]),
    ("74", 0.5, &[]),
    ("75", 0.2, &[]),
    ("77", 0.4, &[]),
    ("78", 6.5, &["78.20.00"]),
    ("79", 0.4, &[]),
    ("80", 0.6, &["80.10.00"]),
    ("81", 3.8, &["81.21.00", "81.22.02"]),
    ("82", 2.0, &["82.20.00", "82.92.10"]),
    ("84", 1.5, &["84.11.10"]),
    ("85", 5.0, &["85.20.00", "85.31.10", "85.10.00"]),
    ("86", 2.8, &["86.10.10", "86.22.09"]),
    ("87", 2.0, &["87.10.00", "87.30.00"]),
    ("88", 2.4, &["88.10.00", "88.91.00"]),
    ("90", 0.5, &[]),
    ("91", 0.3, &[]),
    ("93", 1.5, &["93.11.20", "93.13.00", "93.29.90"]),
    ("94", 0.6, &[]),
    ("95", 0.2, &[]),
    ("96", 2.2, &["96.02.01", "96.02.02", "96.01.10"]),
    ("97", 5.0, &["97.00.00"]),
];

/// Citizenship shares (Ministry code, weight); the rest of the table shares `OTHER_CIT`.
const CIT_PRATO: &[(&str, f64)] = &[
    ("000", 74.5),
    ("314", 10.0),
    ("235", 3.0),
    ("201", 3.2),
    ("344", 2.3),
    ("436", 1.4),
    ("305", 0.8),
    ("443", 0.6),
    ("450", 0.5),
    ("243", 0.5),
    ("615", 0.3),
    ("330", 0.4),
    ("323", 0.3),
    ("254", 0.3),
    ("460", 0.2),
];
const CIT_GENERIC: &[(&str, f64)] = &[
    ("000", 84.0),
    ("235", 4.0),
    ("201", 2.2),
    ("436", 2.0),
    ("314", 1.0),
    ("243", 1.0),
    ("330", 0.9),
    ("305", 0.6),
    ("344", 0.6),
    ("323", 0.5),
    ("615", 0.4),
    ("254", 0.5),
    ("443", 0.5),
    ("450", 0.4),
    ("460", 0.4),
    ("419", 0.4),
    ("233", 0.3),
    ("605", 0.2),
];
const OTHER_CIT: f64 = 0.8;

/// Name pools (see `people.rs`).
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

fn name_group(cod: &str) -> NameGroup {
    match cod {
        "000" => NameGroup::Italian,
        "314" => NameGroup::Chinese,
        "235" => NameGroup::Romanian,
        "201" => NameGroup::Albanian,
        "344" | "305" | "330" | "311" => NameGroup::SouthAsian,
        "436" | "460" | "419" => NameGroup::NorthAfrican,
        "443" | "450" => NameGroup::WestAfrican,
        "243" | "254" | "233" | "253" => NameGroup::Slavic,
        "615" | "323" | "605" => NameGroup::Latin,
        _ => NameGroup::Other,
    }
}

/// A citizenship the generator uses.
#[derive(Debug, Clone)]
pub struct Cit {
    pub codice: &'static str,
    /// Foreign-state Belfiore code (`Z###`); empty for Italy.
    pub z: &'static str,
    pub group: NameGroup,
    pub italian: bool,
}

/// Causes of cessazione by use.
#[derive(Debug, Clone)]
pub struct Causes {
    pub codes: Vec<&'static str>,
    /// Index by two-letter code (`AA`…`ZZ`), 255 = absent.
    lut: Vec<u8>,
}

fn lut_key(code: &str) -> Option<usize> {
    match code.as_bytes() {
        [a @ b'A'..=b'Z', b @ b'A'..=b'Z'] => Some((a - b'A') as usize * 26 + (b - b'A') as usize),
        _ => None,
    }
}

impl Causes {
    pub fn new(codes: Vec<&'static str>) -> Causes {
        let mut lut = vec![u8::MAX; 26 * 26];
        for (i, c) in codes.iter().enumerate().take(255) {
            if let Some(k) = lut_key(c) {
                if lut[k] == u8::MAX {
                    lut[k] = i as u8;
                }
            }
        }
        Causes { codes, lut }
    }

    pub fn idx(&self, code: &str) -> Option<u8> {
        match lut_key(code) {
            Some(k) => Some(self.lut[k]).filter(|&i| i != u8::MAX),
            None => self.codes.iter().position(|c| *c == code).map(|p| p as u8),
        }
    }
}

/// Everything about the province that the generator needs, built once.
pub struct World {
    pub prov: &'static Provincia,
    /// Ministry region code, 2 digits (prefix of the codice comunicazione).
    pub region_mlps: String,
    /// Comuni of the province valid over the whole window; index 0 is the capoluogo.
    pub comuni: Vec<&'static Comune>,
    /// Weights for the sede di lavoro and the domicile inside the province.
    pub comune_weights: Vec<f64>,
    /// Other comuni of the region (domicile of commuters).
    pub region_comuni: Vec<&'static Comune>,
    /// A sample of comuni all over Italy (birthplaces of Italians born elsewhere).
    pub italy_comuni: Vec<&'static Comune>,
    pub sectors: Vec<Sector>,
    pub cits: Vec<Cit>,
    pub cit_weights: Vec<f64>,
    /// Index of Italy and China in `cits`.
    pub cit_italy: u8,
    pub cit_china: Option<u8>,
    /// Tipologia validity as day numbers (from, to), per [`TIP_CODES`] entry; `None` =
    /// not in the reference table.
    pub tip_validity: Vec<Option<(i32, i32)>>,
    /// Cause codes from the reference table (those the generator uses must exist).
    pub causes: Causes,
    /// Trasformazione codes present in the reference table.
    pub has_trs: [bool; 4], // DI, FF, TP, PP
    /// A comune code that does not exist (unknown-code faults).
    pub unknown_comune: &'static str,
}

pub const TRS_CODES: [&str; 4] = ["DI", "FF", "TP", "PP"];
pub const TRS_DI: u8 = 0;
pub const TRS_FF: u8 = 1;
pub const TRS_TP: u8 = 2;
pub const TRS_PP: u8 = 3;

fn to_day(d: chrono::NaiveDate) -> i32 {
    use chrono::Datelike;
    cal::days_from_civil(d.year(), d.month(), d.day())
}

/// Ministry (MLPS) region code from the ISTAT region code (DOMAIN.md §2.11); the two
/// autonomous provinces of Trentino-Alto Adige have their own codes.
pub fn mlps_region(regione_istat: &str, provincia_istat: &str) -> &'static str {
    match (regione_istat, provincia_istat) {
        (_, "021") => "03",
        (_, "022") => "18",
        ("01", _) => "13",
        ("02", _) => "20",
        ("03", _) => "10",
        ("05", _) => "21",
        ("06", _) => "07",
        ("07", _) => "09",
        ("08", _) => "06",
        ("09", _) => "17",
        ("10", _) => "19",
        ("11", _) => "11",
        ("12", _) => "08",
        ("13", _) => "01",
        ("14", _) => "12",
        ("15", _) => "05",
        ("16", _) => "14",
        ("17", _) => "02",
        ("18", _) => "04",
        ("19", _) => "16",
        ("20", _) => "15",
        _ => "00",
    }
}

fn sector_traits(div: &str, code: &str) -> (Season, f64, f64, f64, [f64; 9]) {
    // mix order: Ti, Td, TdSost, Appr, Interm, Dom, Tiroc, Parasub, Domicilio
    let d: u32 = div.parse().unwrap_or(0);
    match d {
        1..=3 => (
            Season::Agriculture,
            0.3,
            0.0,
            0.0,
            [4.0, 86.0, 0.5, 1.0, 3.0, 0.0, 1.5, 0.5, 0.0],
        ),
        13 => (
            Season::Manufacturing,
            0.42,
            0.0,
            0.0,
            [22.0, 52.0, 2.0, 9.0, 2.0, 0.0, 4.5, 1.0, 0.8],
        ),
        14 => (
            Season::Manufacturing,
            0.6,
            0.0,
            0.0,
            [20.0, 55.0, 1.5, 8.0, 2.5, 0.0, 4.0, 0.5, 1.5],
        ),
        10..=33 => (
            Season::Manufacturing,
            0.25,
            0.0,
            0.0,
            [24.0, 52.0, 2.5, 9.0, 2.0, 0.0, 4.5, 1.0, 0.0],
        ),
        35..=39 => (
            Season::Default,
            0.2,
            0.0,
            0.2,
            [30.0, 50.0, 3.0, 8.0, 1.0, 0.0, 4.0, 2.0, 0.0],
        ),
        41..=43 => (
            Season::Default,
            0.08,
            0.0,
            0.0,
            [30.0, 53.0, 1.0, 11.0, 2.0, 0.0, 2.0, 1.0, 0.0],
        ),
        45..=47 => (
            Season::Trade,
            0.55,
            0.0,
            0.0,
            [16.0, 47.0, 3.0, 9.0, 12.0, 0.0, 6.5, 2.0, 0.0],
        ),
        49..=53 => (
            Season::Default,
            0.22,
            0.0,
            0.0,
            [20.0, 58.0, 2.0, 5.0, 10.0, 0.0, 2.0, 1.0, 0.0],
        ),
        55 | 56 => (
            Season::Tourism,
            0.55,
            0.0,
            0.0,
            [8.0, 50.0, 1.5, 7.0, 26.0, 0.0, 3.0, 0.5, 0.0],
        ),
        58..=63 => (
            Season::Default,
            0.35,
            0.0,
            0.0,
            [30.0, 32.0, 2.0, 10.0, 2.0, 0.0, 10.0, 12.0, 0.0],
        ),
        64..=68 => (
            Season::Default,
            0.55,
            0.0,
            0.0,
            [30.0, 38.0, 5.0, 8.0, 2.0, 0.0, 8.0, 7.0, 0.0],
        ),
        69..=75 => (
            Season::Default,
            0.58,
            0.0,
            0.0,
            [20.0, 32.0, 3.0, 9.0, 2.0, 0.0, 15.0, 17.0, 0.0],
        ),
        78 if code.starts_with("78.2") => (
            Season::Default,
            0.4,
            0.0,
            0.0,
            [10.0, 90.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        ),
        77..=82 => (
            Season::Default,
            0.55,
            0.0,
            0.0,
            [22.0, 52.0, 3.0, 3.0, 13.0, 0.0, 2.0, 3.0, 0.0],
        ),
        84 => (
            Season::Default,
            0.55,
            0.0,
            1.0,
            [30.0, 50.0, 5.0, 0.0, 0.0, 0.0, 7.0, 8.0, 0.0],
        ),
        85 => (
            Season::School,
            0.75,
            0.0,
            0.5,
            [8.0, 58.0, 8.0, 1.0, 2.0, 0.0, 3.0, 20.0, 0.0],
        ),
        86 => (
            Season::Default,
            0.75,
            0.0,
            0.6,
            [26.0, 40.0, 10.0, 2.0, 2.0, 0.0, 3.0, 17.0, 0.0],
        ),
        87 | 88 => (
            Season::Default,
            0.82,
            0.0,
            0.15,
            [24.0, 50.0, 8.0, 3.0, 5.0, 0.0, 4.0, 6.0, 0.0],
        ),
        90..=93 => (
            Season::Tourism,
            0.45,
            0.0,
            0.05,
            [8.0, 50.0, 1.0, 4.0, 22.0, 0.0, 3.0, 12.0, 0.0],
        ),
        94..=96 => (
            Season::Default,
            0.68,
            0.0,
            0.0,
            [15.0, 45.0, 2.0, 14.0, 8.0, 0.0, 8.0, 8.0, 0.0],
        ),
        97 | 98 => (
            Season::Flat,
            0.88,
            0.0,
            0.0,
            [0.0, 0.0, 0.0, 0.0, 0.0, 100.0, 0.0, 0.0, 0.0],
        ),
        _ => (
            Season::Default,
            0.45,
            0.0,
            0.0,
            [20.0, 52.0, 2.0, 7.0, 6.0, 0.0, 4.0, 4.0, 0.0],
        ),
    }
}

fn chinese_share(prato: bool, div: &str) -> f64 {
    match (prato, div) {
        (true, "14") => 0.3,
        (true, "13") => 0.08,
        (true, "46") => 0.15,
        (true, "47") => 0.1,
        (true, "56") => 0.06,
        (true, "96") => 0.06,
        (false, "14") | (false, "47") | (false, "56") => 0.03,
        _ => 0.0,
    }
}

impl World {
    pub fn build(province: &str, first_day: i32, last_day: i32) -> Result<World> {
        let r = Reference::get();
        let Some(prov) = r.provincia(province.trim()) else {
            bail!(
                "unknown province '{}': give its sigla (e.g. PO), ISTAT code (e.g. 100) or name",
                province.trim()
            );
        };
        let valid_window = |c: &Comune| {
            c.validity.contains(super::day_to_date(first_day)) && c.validity.contains(super::day_to_date(last_day))
        };
        let mut comuni: Vec<&'static Comune> = r
            .comuni_of_province(prov)
            .into_iter()
            .filter(|c| valid_window(c))
            .collect();
        if comuni.is_empty() {
            bail!("province {} has no comune valid over the whole period", prov.sigla);
        }
        comuni.sort_by(|a, b| b.capoluogo.cmp(&a.capoluogo).then_with(|| a.istat.cmp(&b.istat)));
        let n = comuni.len() as f64;
        let comune_weights: Vec<f64> = comuni
            .iter()
            .map(|c| if c.capoluogo { (n * 0.6).max(1.5) } else { 1.0 })
            .collect();
        let mut region_comuni = Vec::new();
        let mut italy_comuni = Vec::new();
        for p in r.province() {
            if p.istat == prov.istat {
                continue;
            }
            let cs: Vec<&'static Comune> = r
                .comuni_of_province(p)
                .into_iter()
                .filter(|c| valid_window(c))
                .collect();
            if cs.is_empty() {
                continue;
            }
            if p.regione_istat == prov.regione_istat {
                region_comuni.extend(cs.iter().copied());
            }
            // Capoluogo plus a few more comuni of every province.
            let mut picked = 0;
            for c in cs.iter().filter(|c| c.capoluogo) {
                italy_comuni.push(*c);
                picked += 1;
            }
            let step = (cs.len() / 3).max(1);
            for c in cs.iter().step_by(step).take(3) {
                if !c.capoluogo {
                    italy_comuni.push(*c);
                    picked += 1;
                }
            }
            let _ = picked;
        }
        if region_comuni.is_empty() {
            region_comuni = comuni.clone();
        }
        if italy_comuni.is_empty() {
            italy_comuni = comuni.clone();
        }
        let prato = prov.sigla == "PO";

        // Sectors.
        let spec = if prato { PRATO } else { GENERIC };
        let all = r.ateco_sottocategorie();
        let mut sectors = Vec::new();
        for &(div, w, preferred) in spec {
            let in_div: Vec<&'static str> = all
                .iter()
                .filter(|a| a.divisione == div && a.codice.len() == 8)
                .map(|a| a.codice.as_str())
                .collect();
            if in_div.is_empty() {
                continue;
            }
            let pref: Vec<&'static str> = preferred
                .iter()
                .filter_map(|p| in_div.iter().copied().find(|c| c == p))
                .collect();
            let others: Vec<&'static str> = in_div.iter().copied().filter(|c| !pref.contains(c)).collect();
            let step = (others.len() / 5).max(1);
            let others: Vec<&'static str> = if div == "78" || div == "97" {
                Vec::new()
            } else {
                others.into_iter().step_by(step).take(5).collect()
            };
            let (pw, ow) = match (pref.is_empty(), others.is_empty()) {
                (false, false) => (0.75, 0.25),
                (false, true) => (1.0, 0.0),
                (true, false) => (0.0, 1.0),
                (true, true) => continue,
            };
            let mut add = |code: &'static str, share: f64| {
                let sezione = all
                    .iter()
                    .find(|a| a.codice == code)
                    .and_then(|a| a.sezione.bytes().next())
                    .unwrap_or(b'Z');
                let (season, female, _, pa, mix) = sector_traits(div, code);
                sectors.push(Sector {
                    ateco: code,
                    sezione,
                    divisione: div.parse().unwrap_or(0),
                    weight: w * share,
                    season,
                    female,
                    chinese: chinese_share(prato, div),
                    agency: code.starts_with("78.2"),
                    household: div == "97",
                    pa,
                    mix,
                });
            };
            for c in &pref {
                add(c, pw / pref.len() as f64);
            }
            for c in &others {
                add(c, ow / others.len() as f64);
            }
        }
        if sectors.is_empty() {
            bail!("the ATECO reference table is empty");
        }

        // Citizenships.
        let shares = if prato { CIT_PRATO } else { CIT_GENERIC };
        let mut cits = Vec::new();
        let mut cit_weights = Vec::new();
        let mid = super::day_to_date((first_day + last_day) / 2);
        for c in r.cittadinanze() {
            if !c.validity.contains(super::day_to_date(first_day)) || !c.validity.contains(super::day_to_date(last_day))
            {
                continue;
            }
            let italian = c.codice == "000";
            if !(italian || c.cod_mf.len() == 4 && c.cod_mf.starts_with('Z')) {
                continue; // apolide, or no state code
            }
            let _ = mid;
            let w = shares.iter().find(|(k, _)| *k == c.codice).map(|(_, w)| *w);
            cits.push(Cit {
                codice: c.codice.as_str(),
                z: if italian { "" } else { c.cod_mf.as_str() },
                group: name_group(&c.codice),
                italian,
            });
            cit_weights.push(w.unwrap_or(-1.0));
        }
        let n_other = cit_weights.iter().filter(|w| **w < 0.0).count().max(1) as f64;
        for w in cit_weights.iter_mut() {
            if *w < 0.0 {
                *w = OTHER_CIT / n_other;
            }
        }
        let Some(cit_italy) = cits.iter().position(|c| c.italian) else {
            bail!("citizenship 000 (Italia) missing from the reference table");
        };
        let cit_china = cits.iter().position(|c| c.codice == "314").map(|p| p as u8);

        let tip_validity: Vec<Option<(i32, i32)>> = TIP_CODES
            .iter()
            .map(|code| {
                r.tipologie().iter().find(|t| t.codice == *code).map(|t| {
                    (
                        t.validity.from.map_or(i32::MIN, to_day),
                        t.validity.to.map_or(i32::MAX, to_day),
                    )
                })
            })
            .collect();
        for k in 0..=8 {
            if tip_validity[k].is_none() {
                bail!("tipologia {} missing from the reference table", TIP_CODES[k]);
            }
        }
        let causes = Causes::new(r.cause_cessazione().iter().map(|c| c.codice.as_str()).collect());
        for need in ["DM", "LI", "FT"] {
            if causes.idx(need).is_none() {
                bail!("causa di cessazione {need} missing from the reference table");
            }
        }
        let _ = MacroCausa::Altro;
        let mut has_trs = [false; 4];
        for (i, code) in TRS_CODES.iter().enumerate() {
            has_trs[i] = r.trasformazioni().iter().any(|t| t.codice == *code);
        }
        let region_mlps = r
            .regione(&prov.regione_istat)
            .map(|x| x.mlps.clone())
            .filter(|m| {
                m.len() == 2 && m.bytes().all(|c| c.is_ascii_digit()) && !matches!(prov.istat.as_str(), "021" | "022")
            })
            .unwrap_or_else(|| mlps_region(&prov.regione_istat, &prov.istat).to_string());
        Ok(World {
            prov,
            region_mlps,
            comuni,
            comune_weights,
            region_comuni,
            italy_comuni,
            sectors,
            cits,
            cit_weights,
            cit_italy: cit_italy as u8,
            cit_china,
            tip_validity,
            causes,
            has_trs,
            unknown_comune: "Q999",
        })
    }

    /// True if tipologia `tip` is valid on `day`.
    pub fn tip_valid(&self, tip: u8, day: i32) -> bool {
        match self.tip_validity.get(tip as usize).copied().flatten() {
            Some((from, to)) => day >= from && day <= to,
            None => false,
        }
    }

    pub fn cause(&self, code: &str) -> u8 {
        // Every code asked for is either required at build time or checked by the caller.
        self.causes.idx(code).unwrap_or(0)
    }
}
