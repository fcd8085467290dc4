//! Calibration of the synthetic province: hand-set parameters that shape the simulated labour
//! market — seasonality, the weight of each ATECO division and its preferred sottocategorie,
//! female share, public share and contract mix by division, citizenship shares, the share of
//! employers run by the Chinese community, and which name pool a citizenship draws from.
//!
//! Source: these are not reference data and reproduce no official table. They were set by hand
//! to give plausible magnitudes for an Italian province (Prato: textiles and clothing, a large
//! Chinese community; every other province: a generic profile) and are checked only by the
//! plausibility tests in `tests.rs`. They are keyed by real codes (ATECO divisions and
//! sottocategorie, Ministry citizenship codes), which [`super::profile::World::build`] looks up
//! in the reference tables, skipping any the tables lack. Changing a value changes the output.

use super::people::NameGroup;

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

/// Division weights and preferred sottocategorie: (division, weight, preferred codes).
pub type DivSpec = (&'static str, f64, &'static [&'static str]);

/// Prato's divisions.
pub const PRATO: &[DivSpec] = &[
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

/// Every other province's divisions.
pub const GENERIC: &[DivSpec] = &[
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
pub const CIT_PRATO: &[(&str, f64)] = &[
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
pub const CIT_GENERIC: &[(&str, f64)] = &[
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
pub const OTHER_CIT: f64 = 0.8;

/// Name pool of a citizenship (Ministry code).
pub fn name_group(cod: &str) -> NameGroup {
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

/// Traits of the divisions `first..=last`: season, female share of hires, share of public
/// employers, contract mix (weights over [`super::codes::KINDS`]: Ti, Td, TdSost, Appr, Interm,
/// Dom, Tiroc, Parasub, Domicilio). The first matching row counts.
type Traits = (u32, u32, Season, f64, f64, [f64; 9]);

const TRAITS: &[Traits] = &[
    (
        1,
        3,
        Season::Agriculture,
        0.3,
        0.0,
        [4.0, 86.0, 0.5, 1.0, 3.0, 0.0, 1.5, 0.5, 0.0],
    ),
    (
        13,
        13,
        Season::Manufacturing,
        0.42,
        0.0,
        [22.0, 52.0, 2.0, 9.0, 2.0, 0.0, 4.5, 1.0, 0.8],
    ),
    (
        14,
        14,
        Season::Manufacturing,
        0.6,
        0.0,
        [20.0, 55.0, 1.5, 8.0, 2.5, 0.0, 4.0, 0.5, 1.5],
    ),
    (
        10,
        33,
        Season::Manufacturing,
        0.25,
        0.0,
        [24.0, 52.0, 2.5, 9.0, 2.0, 0.0, 4.5, 1.0, 0.0],
    ),
    (
        35,
        39,
        Season::Default,
        0.2,
        0.2,
        [30.0, 50.0, 3.0, 8.0, 1.0, 0.0, 4.0, 2.0, 0.0],
    ),
    (
        41,
        43,
        Season::Default,
        0.08,
        0.0,
        [30.0, 53.0, 1.0, 11.0, 2.0, 0.0, 2.0, 1.0, 0.0],
    ),
    (
        45,
        47,
        Season::Trade,
        0.55,
        0.0,
        [16.0, 47.0, 3.0, 9.0, 12.0, 0.0, 6.5, 2.0, 0.0],
    ),
    (
        49,
        53,
        Season::Default,
        0.22,
        0.0,
        [20.0, 58.0, 2.0, 5.0, 10.0, 0.0, 2.0, 1.0, 0.0],
    ),
    (
        55,
        56,
        Season::Tourism,
        0.55,
        0.0,
        [8.0, 50.0, 1.5, 7.0, 26.0, 0.0, 3.0, 0.5, 0.0],
    ),
    (
        58,
        63,
        Season::Default,
        0.35,
        0.0,
        [30.0, 32.0, 2.0, 10.0, 2.0, 0.0, 10.0, 12.0, 0.0],
    ),
    (
        64,
        68,
        Season::Default,
        0.55,
        0.0,
        [30.0, 38.0, 5.0, 8.0, 2.0, 0.0, 8.0, 7.0, 0.0],
    ),
    (
        69,
        75,
        Season::Default,
        0.58,
        0.0,
        [20.0, 32.0, 3.0, 9.0, 2.0, 0.0, 15.0, 17.0, 0.0],
    ),
    (
        77,
        82,
        Season::Default,
        0.55,
        0.0,
        [22.0, 52.0, 3.0, 3.0, 13.0, 0.0, 2.0, 3.0, 0.0],
    ),
    (
        84,
        84,
        Season::Default,
        0.55,
        1.0,
        [30.0, 50.0, 5.0, 0.0, 0.0, 0.0, 7.0, 8.0, 0.0],
    ),
    (
        85,
        85,
        Season::School,
        0.75,
        0.5,
        [8.0, 58.0, 8.0, 1.0, 2.0, 0.0, 3.0, 20.0, 0.0],
    ),
    (
        86,
        86,
        Season::Default,
        0.75,
        0.6,
        [26.0, 40.0, 10.0, 2.0, 2.0, 0.0, 3.0, 17.0, 0.0],
    ),
    (
        87,
        88,
        Season::Default,
        0.82,
        0.15,
        [24.0, 50.0, 8.0, 3.0, 5.0, 0.0, 4.0, 6.0, 0.0],
    ),
    (
        90,
        93,
        Season::Tourism,
        0.45,
        0.05,
        [8.0, 50.0, 1.0, 4.0, 22.0, 0.0, 3.0, 12.0, 0.0],
    ),
    (
        94,
        96,
        Season::Default,
        0.68,
        0.0,
        [15.0, 45.0, 2.0, 14.0, 8.0, 0.0, 8.0, 8.0, 0.0],
    ),
    (
        97,
        98,
        Season::Flat,
        0.88,
        0.0,
        [0.0, 0.0, 0.0, 0.0, 0.0, 100.0, 0.0, 0.0, 0.0],
    ),
];
/// Temporary work agencies (78.2x): A.02.00 here represents somministrazione.
const AGENCY: Traits = (
    78,
    78,
    Season::Default,
    0.4,
    0.0,
    [10.0, 90.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
);
/// Any other division.
const OTHER: Traits = (
    0,
    99,
    Season::Default,
    0.45,
    0.0,
    [20.0, 52.0, 2.0, 7.0, 6.0, 0.0, 4.0, 4.0, 0.0],
);

/// (season, female share, public share, contract mix) of the sottocategoria `code` of
/// division `div`.
pub fn sector_traits(div: &str, code: &str) -> (Season, f64, f64, [f64; 9]) {
    let d: u32 = div.parse().unwrap_or(0);
    let t = if d == 78 && code.starts_with("78.2") {
        &AGENCY
    } else {
        TRAITS.iter().find(|t| (t.0..=t.1).contains(&d)).unwrap_or(&OTHER)
    };
    (t.2, t.3, t.4, t.5)
}

/// Share of the employers of division `div` run by the Chinese community.
pub fn chinese_share(prato: bool, div: &str) -> f64 {
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
