//! Reference data: code lists and crosswalks with validity dates, embedded in the binary.
//!
//! Files live in `reference/` at the repository root (real ISTAT / ANPAL tables copied from
//! `shared/reference`, plus project-maintained tables under `reference/oml/`); see
//! `reference/README.md` for provenance, attribution and the project decisions behind the
//! `oml/` tables. They are compiled into the binary with `include_bytes!`, so `oml` needs
//! nothing at run time, and parsed once, on first use, by [`Reference::get`].
//!
//! A code is *valid for an event* if the event date falls in the code's validity interval
//! (both ends inclusive; an open end means still valid).
//!
//! Code lookups (`comune`, `tipologia`, `ateco`, `cittadinanza`, `cpi`, `causa_cessazione`, …)
//! are hash-map probes with the caller's `&str`: surrounding blanks are ignored and lower-case
//! ASCII input is upper-cased in a stack buffer, so they never allocate. Label lookups
//! (`*_by_label`, `*_by_name`, `provincia` by name) normalise the input with
//! [`normalize_label`] and therefore allocate.
//!
//! Layout, one list (or a small group) per file:
//! - `mod.rs`: the public types (`Comune`, `Tipologia`, `CodeCheck`, …) and their codes.
//! - `embedded.rs`: every embedded file (`include_bytes!`), the shared CSV reader with
//!   `file, line` errors, the shape checks of codes.
//! - `keys.rs`: the FxHash map type, the allocation-free probes (`get_ci`, `get_padded`) and
//!   `CodeList`, a list keyed by one code.
//! - `labels.rs`: [`normalize_label`].
//! - `registry.rs`: [`Reference`], its one-time load and the order lists are built in.
//! - `istat.rs`: the ISTAT list of current comuni (comuni, provinces, regions).
//! - `territorio.rs`: provinces and regions (ISTAT + ANPAL `province.csv`, `regioni.csv`).
//! - `comuni.rs`: comuni, dated with ANPAL `comuni_belfiore_storico.csv`,
//!   `oml/comuni_soppressi.csv` and `oml/comuni_inizio_non_creazione.csv`.
//! - `ateco.rs`: ATECO 2007 (`ateco2007.csv`).
//! - `contratti.rs`: tipologie (`tipologie_contrattuali.csv`), `oml/macro_contratti.csv`,
//!   `oml/etichette_contratto.csv`.
//! - `cittadinanze.rs`: citizenships and foreign states (`cittadinanze.csv`),
//!   `oml/cittadinanze_ue.csv`.
//! - `livelli.rs`: livelli di istruzione (`livelli_studio.csv`), `oml/livelli_studio_alias.csv`.
//! - `trasformazioni.rs`: `oml/trasformazioni.csv`.
//! - `cause.rs`: `oml/cause_cessazione.csv`.
//! - `cpi.rs`: `oml/cpi_comuni.csv`.
//! - `itter107.rs`: the ITTER107 territory codes of ISTAT's exports → today's provinces and
//!   regions (`oml/itter107_territori.csv`).
//! - `inps.rs`: the spellings of INPS open data: `oml/inps_regioni.csv`, `oml/inps_settori.csv`,
//!   `oml/inps_interventi.csv`, `oml/mesi.csv`.
//! - `registri.rs`: `oml/registri_codici.csv` (the code lists of DID, CIG workers, mobility).
//! - `dizionario.rs`: `oml/dizionario.csv` (what each view of the lake and each of its columns means).
//! - `tests/`: lookups, and every list checked against its source file.

use chrono::NaiveDate;

/// Result of checking a code against a dated code list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck<T> {
    /// Known and valid at the date.
    Valid(T),
    /// Known, but not valid at the date (expired or not yet in force).
    NotValidAtDate(T),
    /// Not in the code list at all.
    Unknown,
}

/// Validity interval, both ends inclusive; `None` = open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Validity {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl Validity {
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from.is_none_or(|f| d >= f) && self.to.is_none_or(|t| d <= t)
    }
}

/// A comune (Italian municipality), keyed by its Belfiore (codice catastale) code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comune {
    /// Belfiore / codice catastale, e.g. `G999`.
    pub belfiore: String,
    /// 6-digit ISTAT code, e.g. `100005`.
    pub istat: String,
    /// Italian name, e.g. `Prato`.
    pub nome: String,
    /// 3-digit ISTAT province (UTS) code, e.g. `100`.
    pub provincia_istat: String,
    /// Sigla automobilistica, e.g. `PO`.
    pub sigla: String,
    /// 2-digit ISTAT region code, e.g. `09`.
    pub regione_istat: String,
    /// True for the capoluogo of its province.
    pub capoluogo: bool,
    pub validity: Validity,
}

/// A province (UTS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provincia {
    /// 3-digit ISTAT code, e.g. `100`.
    pub istat: String,
    /// Sigla, e.g. `PO`.
    pub sigla: String,
    /// Name as ISTAT writes it, e.g. `Prato`.
    pub nome: String,
    pub regione_istat: String,
}

/// A region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regione {
    /// 2-digit ISTAT code.
    pub istat: String,
    /// ISTAT name, e.g. `Toscana`.
    pub nome: String,
    /// Ministry of Labour (MLPS) code, e.g. `17` for Toscana; empty for Trentino-Alto Adige.
    pub mlps: String,
}

/// One node of the ATECO 2007 hierarchy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ateco {
    /// Full code: `C`, `13`, `13.2`, `13.20`, `13.20.00`.
    pub codice: String,
    /// Upper-case official label.
    pub descrizione: String,
    /// Section letter, e.g. `C`.
    pub sezione: String,
    /// Division (2 digits), empty for a section row.
    pub divisione: String,
    /// 0 section, 1 division, 2 group, 3 class, 4 sottocategoria (6 digits).
    pub livello: u8,
}

/// Contract macro classes used by every output (DOMAIN.md §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MacroContratto {
    Ti,
    Td,
    Apprendistato,
    Somministrazione,
    Intermittente,
    Domestico,
    Parasubordinato,
    Tirocinio,
    Altro,
}

impl MacroContratto {
    /// Code stored in the lake: `TI`, `TD`, `APPRENDISTATO`, `SOMMINISTRAZIONE`,
    /// `INTERMITTENTE`, `DOMESTICO`, `PARASUBORDINATO`, `TIROCINIO`, `ALTRO`.
    pub fn code(self) -> &'static str {
        match self {
            MacroContratto::Ti => "TI",
            MacroContratto::Td => "TD",
            MacroContratto::Apprendistato => "APPRENDISTATO",
            MacroContratto::Somministrazione => "SOMMINISTRAZIONE",
            MacroContratto::Intermittente => "INTERMITTENTE",
            MacroContratto::Domestico => "DOMESTICO",
            MacroContratto::Parasubordinato => "PARASUBORDINATO",
            MacroContratto::Tirocinio => "TIROCINIO",
            MacroContratto::Altro => "ALTRO",
        }
    }

    /// Every macro class, in the order of DOMAIN.md §2.1.
    pub const ALL: [MacroContratto; 9] = [
        MacroContratto::Ti,
        MacroContratto::Td,
        MacroContratto::Apprendistato,
        MacroContratto::Somministrazione,
        MacroContratto::Intermittente,
        MacroContratto::Domestico,
        MacroContratto::Parasubordinato,
        MacroContratto::Tirocinio,
        MacroContratto::Altro,
    ];

    /// Inverse of [`MacroContratto::code`].
    pub fn from_code(s: &str) -> Option<MacroContratto> {
        MacroContratto::ALL.into_iter().find(|m| m.code() == s)
    }
}

/// A tipologia contrattuale (ANPAL `TAB_RAPPORTILAVORO`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tipologia {
    /// e.g. `A.02.00`.
    pub codice: String,
    /// Official label, exact (double spaces kept).
    pub descrizione: String,
    pub validity: Validity,
    pub macro_classe: MacroContratto,
}

/// Citizenship area derived from the Ministry citizenship code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaCittadinanza {
    Italia,
    Ue,
    ExtraUe,
    Apolide,
}

impl AreaCittadinanza {
    /// `ITALIA`, `UE`, `EXTRA_UE`, `APOLIDE`.
    pub fn code(self) -> &'static str {
        match self {
            AreaCittadinanza::Italia => "ITALIA",
            AreaCittadinanza::Ue => "UE",
            AreaCittadinanza::ExtraUe => "EXTRA_UE",
            AreaCittadinanza::Apolide => "APOLIDE",
        }
    }

    /// Inverse of [`AreaCittadinanza::code`].
    pub fn from_code(s: &str) -> Option<AreaCittadinanza> {
        [
            AreaCittadinanza::Italia,
            AreaCittadinanza::Ue,
            AreaCittadinanza::ExtraUe,
            AreaCittadinanza::Apolide,
        ]
        .into_iter()
        .find(|a| a.code() == s)
    }
}

/// A citizenship (ANPAL `TAB_CITTADINANZE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cittadinanza {
    /// 3-digit Ministry code, e.g. `000`, `330`.
    pub codice: String,
    /// Belfiore foreign-state code `Z###`; `0000` for Italy; empty for apolide.
    pub cod_mf: String,
    pub descrizione: String,
    pub area: AreaCittadinanza,
    pub validity: Validity,
}

/// A trasformazione code (project-maintained, DOMAIN.md §2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trasformazione {
    pub codice: String,
    pub descrizione: String,
    /// True for the codes that turn a contract into tempo indeterminato (DI, AI, FI, II; FF
    /// configurable in the table).
    pub verso_ti: bool,
}

/// Macro class of a causa di cessazione.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MacroCausa {
    Dimissioni,
    Licenziamento,
    FineTermine,
    Altro,
    /// The raw code is not in the project table: kept, classified as unknown.
    NonClassificata,
}

impl MacroCausa {
    /// `DIMISSIONI`, `LICENZIAMENTO`, `FINE_TERMINE`, `ALTRO`, `NON_CLASSIFICATA`.
    pub fn code(self) -> &'static str {
        match self {
            MacroCausa::Dimissioni => "DIMISSIONI",
            MacroCausa::Licenziamento => "LICENZIAMENTO",
            MacroCausa::FineTermine => "FINE_TERMINE",
            MacroCausa::Altro => "ALTRO",
            MacroCausa::NonClassificata => "NON_CLASSIFICATA",
        }
    }

    /// Every macro cause, `NonClassificata` last.
    pub const ALL: [MacroCausa; 5] = [
        MacroCausa::Dimissioni,
        MacroCausa::Licenziamento,
        MacroCausa::FineTermine,
        MacroCausa::Altro,
        MacroCausa::NonClassificata,
    ];

    /// Inverse of [`MacroCausa::code`].
    pub fn from_code(s: &str) -> Option<MacroCausa> {
        MacroCausa::ALL.into_iter().find(|m| m.code() == s)
    }
}

/// A causa di cessazione (project-maintained table, DOMAIN.md §2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CausaCessazione {
    pub codice: String,
    pub descrizione: String,
    pub macro_causa: MacroCausa,
    /// True where the code is verified in a public source, false where it is an [I] inference.
    pub verificato: bool,
    /// The Ministry's group (`cause::GRUPPI_MINISTERO`) [I].
    pub gruppo_ministero: &'static str,
}

/// A Centro per l'impiego catchment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cpi {
    /// Project code, e.g. `PO01`.
    pub codice: String,
    pub nome: String,
    /// True where the comune → CPI assignment is illustrative (not from a regional table).
    pub illustrativo: bool,
}

mod ateco;
mod cause;
pub use cause::GRUPPI_MINISTERO;
mod cittadinanze;
mod comuni;
mod contratti;
mod cpi;
mod dizionario;
mod embedded;
mod inps;
mod istat;
mod itter107;
mod keys;
mod labels;
mod livelli;
mod registri;
mod registry;
mod territorio;
mod trasformazioni;

#[cfg(test)]
mod tests;

pub use inps::VoceInps;
pub use itter107::{Itter107, LivelloTerritorio, Relazione};
pub use labels::normalize_label;
pub use registry::Reference;

/// The bytes of an embedded reference file by its path in the repository
/// (`reference/anpal/ateco2007.csv`), e.g. for a SQL baseline that joins the same tables.
pub fn embedded_file(path: &str) -> Option<&'static [u8]> {
    embedded::ALL.iter().find(|e| e.path == path).map(|e| e.bytes)
}
