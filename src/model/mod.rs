//! The raw communication: one CO (UNILAV) as it arrives, before any validation.
//!
//! Every source adapter (UNILAV XML, the CSV extract, Lombardia open data) produces the same
//! flat record of strings, so that validation, pseudonymisation and resolution are written
//! once. The field names are the flattened UNILAV names of the Ministry "RicercaCO 2.0"
//! service (DOMAIN.md §1.2), plus a few fields the full XML carries (§1.3–1.4); they are
//! also, verbatim and in this order, the header of the CSV extract (`docs/formato_csv.md`).
//! The last six are the user firm of agency work (somministrazione), which only the UNISOMM
//! module carries (the `dittaUtilizzatrice_*` and `rapportoDittaUtilizzatrice_*` names of the
//! same service's UNISOMM record): an extract without them is a UNILAV-only extract.

pub mod period;

/// Index of a field in a raw communication. The order is the CSV extract's column order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(usize)]
pub enum F {
    CodiceComunicazione,
    CodiceComunicazionePrecedente,
    TipoComunicazione,
    DataInvio,
    TipoEvento,
    ForzaMaggiore,
    TipoModulo,
    DatoreCodiceFiscale,
    DatoreDenominazione,
    DatorePa,
    DatoreSettore,
    SedeLavoroComune,
    SedeLavoroCap,
    SedeLavoroIndirizzo,
    LavoratoreCodiceFiscale,
    LavoratoreCognome,
    LavoratoreNome,
    LavoratoreSesso,
    LavoratoreNascitaData,
    LavoratoreNascitaComune,
    LavoratoreCittadinanza,
    LavoratoreDomicilioComune,
    LavoratoreDomicilioIndirizzo,
    LavoratoreLivelloIstruzione,
    DataInizio,
    DataFine,
    TipologiaContrattuale,
    TipoOrario,
    OreSettimanaliMedie,
    Ccnl,
    QualificaProfessionale,
    EntePrevidenziale,
    LavoroAgricoltura,
    SocioLavoratore,
    ProrogaDataFine,
    CodiceTrasformazione,
    DataTrasformazione,
    CodiceCausaCessazione,
    DataCessazione,
    UtilizzatriceCodiceFiscale,
    UtilizzatricePa,
    UtilizzatriceSettore,
    UtilizzatriceSedeLavoroComune,
    MissioneDataInizio,
    MissioneDataFine,
}

/// Number of fields of a raw communication.
pub const N_FIELDS: usize = 45;

/// Column names of the CSV extract, in [`F`] order.
pub const FIELD_NAMES: [&str; N_FIELDS] = [
    "invio_CodiceComunicazione",
    "invio_CodiceComunicazionePrecedente",
    "invio_TipoComunicazione",
    "invio_DataInvio",
    "invio_TipoEvento",
    "invio_ForzaMaggiore",
    "SYS_TIPOMODULO",
    "datoreLavoro_CodiceFiscale",
    "datoreLavoro_Denominazione",
    "datoreLavoro_PA",
    "datoreLavoro_Settore",
    "datoreLavoro_SedeLavoro_ComuneNazione",
    "datoreLavoro_SedeLavoro_CAP",
    "datoreLavoro_SedeLavoro_Indirizzo",
    "lavoratore_CodiceFiscale",
    "lavoratore_Cognome",
    "lavoratore_Nome",
    "lavoratore_Sesso",
    "lavoratore_Nascita_Data",
    "lavoratore_Nascita_ComuneNazione",
    "lavoratore_Cittadinanza",
    "lavoratore_Domicilio_ComuneNazione",
    "lavoratore_Domicilio_Indirizzo",
    "lavoratore_LivelloIstruzione",
    "rapporto_DataInizio",
    "rapporto_DataFine",
    "rapporto_TipologiaContrattuale",
    "rapporto_TipoOrario",
    "rapporto_OreSettimanaliMedie",
    "rapporto_CCNL",
    "rapporto_QualificaProfessionale",
    "rapporto_EntePrevidenziale",
    "rapporto_LavoroAgricoltura",
    "rapporto_SocioLavoratore",
    "rapporto_Proroga_DataFine",
    "rapporto_Trasformazione_CodiceTrasformazione",
    "rapporto_Trasformazione_Data",
    "rapporto_Cessazione_CodiceCausa",
    "rapporto_Cessazione_Data",
    "dittaUtilizzatrice_CodiceFiscale",
    "dittaUtilizzatrice_PA",
    "dittaUtilizzatrice_Settore",
    "dittaUtilizzatrice_SedeLavoro_ComuneNazione",
    "rapportoDittaUtilizzatrice_DataInizioMissione",
    "rapportoDittaUtilizzatrice_DataFineMissione",
];

/// The fields of the user firm of agency work (UNISOMM): a CSV extract may leave their columns
/// out (a UNILAV-only extract), every other column is required.
pub const UNISOMM_FIELDS: [F; 6] = [
    F::UtilizzatriceCodiceFiscale,
    F::UtilizzatricePa,
    F::UtilizzatriceSettore,
    F::UtilizzatriceSedeLavoroComune,
    F::MissioneDataInizio,
    F::MissioneDataFine,
];

/// Fields that identify a person (worker, or an employer that is a physical person) and must
/// never reach the lake, a table, a chart or a log. Quarantined raw records are redacted on
/// exactly these fields.
pub const PERSONAL_FIELDS: [F; 10] = [
    F::LavoratoreCodiceFiscale,
    F::LavoratoreCognome,
    F::LavoratoreNome,
    F::LavoratoreNascitaData,
    F::LavoratoreNascitaComune,
    F::LavoratoreDomicilioIndirizzo,
    F::DatoreCodiceFiscale,
    F::DatoreDenominazione,
    F::SedeLavoroIndirizzo,
    F::UtilizzatriceCodiceFiscale,
];

impl F {
    /// All fields in order.
    pub fn all() -> impl Iterator<Item = F> {
        (0..N_FIELDS).map(F::from_index)
    }

    /// The field at position `i` (panics only on a programming error: `i >= N_FIELDS`).
    pub fn from_index(i: usize) -> F {
        const ALL: [F; N_FIELDS] = [
            F::CodiceComunicazione,
            F::CodiceComunicazionePrecedente,
            F::TipoComunicazione,
            F::DataInvio,
            F::TipoEvento,
            F::ForzaMaggiore,
            F::TipoModulo,
            F::DatoreCodiceFiscale,
            F::DatoreDenominazione,
            F::DatorePa,
            F::DatoreSettore,
            F::SedeLavoroComune,
            F::SedeLavoroCap,
            F::SedeLavoroIndirizzo,
            F::LavoratoreCodiceFiscale,
            F::LavoratoreCognome,
            F::LavoratoreNome,
            F::LavoratoreSesso,
            F::LavoratoreNascitaData,
            F::LavoratoreNascitaComune,
            F::LavoratoreCittadinanza,
            F::LavoratoreDomicilioComune,
            F::LavoratoreDomicilioIndirizzo,
            F::LavoratoreLivelloIstruzione,
            F::DataInizio,
            F::DataFine,
            F::TipologiaContrattuale,
            F::TipoOrario,
            F::OreSettimanaliMedie,
            F::Ccnl,
            F::QualificaProfessionale,
            F::EntePrevidenziale,
            F::LavoroAgricoltura,
            F::SocioLavoratore,
            F::ProrogaDataFine,
            F::CodiceTrasformazione,
            F::DataTrasformazione,
            F::CodiceCausaCessazione,
            F::DataCessazione,
            F::UtilizzatriceCodiceFiscale,
            F::UtilizzatricePa,
            F::UtilizzatriceSettore,
            F::UtilizzatriceSedeLavoroComune,
            F::MissioneDataInizio,
            F::MissioneDataFine,
        ];
        ALL[i]
    }

    /// The CSV column name of this field.
    pub fn name(self) -> &'static str {
        FIELD_NAMES[self as usize]
    }
}

/// An owned raw communication: what the synthetic generator produces and what the XML
/// parser fills. Empty string = field absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawCo {
    pub fields: [String; N_FIELDS],
}

impl Default for RawCo {
    fn default() -> Self {
        RawCo {
            fields: std::array::from_fn(|_| String::new()),
        }
    }
}

impl RawCo {
    pub fn get(&self, f: F) -> &str {
        &self.fields[f as usize]
    }
    pub fn set(&mut self, f: F, v: impl Into<String>) {
        self.fields[f as usize] = v.into();
    }
    /// A borrowed view, the form validation works on.
    pub fn view(&self) -> RawView<'_> {
        std::array::from_fn(|i| self.fields[i].as_str())
    }
}

/// A borrowed raw communication: the CSV path fills it straight from the parsed record
/// without allocating.
pub type RawView<'a> = [&'a str; N_FIELDS];

/// Kinds of event a communication carries (COMONL event ids, DOMAIN.md §1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Evento {
    /// Assunzione / avviamento.
    Ass,
    /// Proroga of a fixed-term relationship.
    Pro,
    /// Trasformazione (contract or working time).
    Trs,
    /// Cessazione.
    Ces,
}

impl Evento {
    pub fn code(self) -> &'static str {
        match self {
            Evento::Ass => "ASS",
            Evento::Pro => "PRO",
            Evento::Trs => "TRS",
            Evento::Ces => "CES",
        }
    }
    pub fn parse(s: &str) -> Option<Evento> {
        match s.trim() {
            "ASS" | "URG" => Some(Evento::Ass),
            "PRO" => Some(Evento::Pro),
            "TRS" => Some(Evento::Trs),
            "CES" => Some(Evento::Ces),
            _ => None,
        }
    }
}

/// Tipo comunicazione codes (DOMAIN.md §1.7) that matter for resolution.
pub mod tipo_comunicazione {
    pub const ORDINARIA: &str = "01";
    pub const RETTIFICA: &str = "03";
    pub const ANNULLAMENTO: &str = "04";
    /// Codes accepted by validation.
    pub const KNOWN: [&str; 9] = ["01", "02", "03", "04", "05", "06", "07", "08", "09"];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_order_matches_names() {
        for (i, f) in F::all().enumerate() {
            assert_eq!(f as usize, i);
        }
        assert_eq!(F::MissioneDataFine as usize, N_FIELDS - 1);
        assert_eq!(F::TipologiaContrattuale.name(), "rapporto_TipologiaContrattuale");
    }
}
