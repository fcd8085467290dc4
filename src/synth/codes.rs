//! The codes the generator writes, as it names them: contract kinds and their tipologie,
//! trasformazioni, working times, the Ministry region prefix, and the motivi of the ground
//! truth's `anomalie.csv`.
//!
//! The tipologia, trasformazione and working-time codes are a selection of the ANPAL code
//! lists (the full lists are reference data under `reference/`). [`super::profile::World`]
//! looks the tipologie and trasformazioni up there when it is built: the tipologie the
//! simulation draws must exist (else the build fails), the expired ones and the trasformazioni
//! are used only where present. Items carry indexes into these arrays, so their order matters.

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

/// The kinds in the order of a sector's contract mix ([`super::profile::Sector::mix`]).
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

/// Trasformazione codes (ANPAL): TD→TI, apprendistato→TI, FT→PT, PT→FT.
pub const TRS_CODES: [&str; 4] = ["DI", "FF", "TP", "PP"];
pub const TRS_DI: u8 = 0;
pub const TRS_FF: u8 = 1;
pub const TRS_TP: u8 = 2;
pub const TRS_PP: u8 = 3;

/// Working-time codes (tipo orario).
pub const ORARI: [&str; 5] = ["F", "P", "V", "M", "N"];
pub const OR_F: u8 = 0;
pub const OR_P: u8 = 1;
pub const OR_N: u8 = 4;

/// Ministry (MLPS) region code from the ISTAT region code (DOMAIN.md §2.11); the two
/// autonomous provinces of Trentino-Alto Adige have their own codes. This is reference data
/// written as Rust: the region table under `reference/` carries the same MLPS codes and is
/// used first; this match serves Trento and Bolzano (one region there, two MLPS codes) and a
/// region whose code that table lacks.
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

/// Reasons written to `truth/anomalie.csv` (index 0 = none).
pub const MOTIVI: [&str; 11] = [
    "",
    "cf_lavoratore_carattere_controllo",
    "cf_lavoratore_formato",
    "codice_sconosciuto",
    "codice_non_valido_alla_data",
    "data_non_valida",
    "duplicato",
    "rettifica_orfana",
    "rettificato",
    "annullato",
    "annullamento",
];
pub const M_CHECK: u8 = 1;
pub const M_FORMATO: u8 = 2;
pub const M_SCONOSCIUTO: u8 = 3;
pub const M_SCADUTO: u8 = 4;
pub const M_DATA: u8 = 5;
pub const M_DUP: u8 = 6;
pub const M_ORFANA: u8 = 7;
pub const M_RETTIFICATO: u8 = 8;
pub const M_ANNULLATO: u8 = 9;
pub const M_ANNULLAMENTO: u8 = 10;
