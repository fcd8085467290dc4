//! Validation of raw communications: every rule has a reason code (`motivo`).
//!
//! Rules run in a fixed order and the first failure decides the motivo, so a record with a
//! single defect is always quarantined under that defect's reason (the synthetic generator's
//! ground truth relies on it). Run-level reasons (duplicates, orphan rettifiche) are decided
//! later by the ingest, which sees all records in input order.

pub mod cf;
pub mod codici;
pub mod dates;
mod redact;
pub mod somministrazione;

pub use codici::{chiave_scartato, conta_scartato, CampoCodificato, Scartati};
pub use redact::{field_valid, mask_cf_patterns, redact, redact_xml_text};

use crate::model::{tipo_comunicazione, Evento, RawView, F};
use crate::privacy::{shape, Pseudonymizer};
use crate::reference::{CodeCheck, Reference};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use dates::{parse_date, parse_datetime};

/// Why a record is quarantined. The code (`motivo`) is what the `quarantena` dataset stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Motivo {
    RecordMalformato,
    CampoMancante,
    CodiceComunicazioneNonValido,
    DataNonValida,
    CfLavoratoreFormato,
    CfLavoratoreCarattereControllo,
    CfDatoreNonValido,
    CodiceSconosciuto,
    CodiceNonValidoAllaData,
    DateIncoerenti,
    Duplicato,
    CodiceComunicazioneConflitto,
    RettificaOrfana,
    AnnullamentoOrfano,
    CatenaCiclica,
}

impl Motivo {
    pub const ALL: [Motivo; 15] = [
        Motivo::RecordMalformato,
        Motivo::CampoMancante,
        Motivo::CodiceComunicazioneNonValido,
        Motivo::DataNonValida,
        Motivo::CfLavoratoreFormato,
        Motivo::CfLavoratoreCarattereControllo,
        Motivo::CfDatoreNonValido,
        Motivo::CodiceSconosciuto,
        Motivo::CodiceNonValidoAllaData,
        Motivo::DateIncoerenti,
        Motivo::Duplicato,
        Motivo::CodiceComunicazioneConflitto,
        Motivo::RettificaOrfana,
        Motivo::AnnullamentoOrfano,
        Motivo::CatenaCiclica,
    ];

    /// The reason code stored in `quarantena.motivo`.
    pub fn code(self) -> &'static str {
        match self {
            Motivo::RecordMalformato => "record_malformato",
            Motivo::CampoMancante => "campo_mancante",
            Motivo::CodiceComunicazioneNonValido => "codice_comunicazione_non_valido",
            Motivo::DataNonValida => "data_non_valida",
            Motivo::CfLavoratoreFormato => "cf_lavoratore_formato",
            Motivo::CfLavoratoreCarattereControllo => "cf_lavoratore_carattere_controllo",
            Motivo::CfDatoreNonValido => "cf_datore_non_valido",
            Motivo::CodiceSconosciuto => "codice_sconosciuto",
            Motivo::CodiceNonValidoAllaData => "codice_non_valido_alla_data",
            Motivo::DateIncoerenti => "date_incoerenti",
            Motivo::Duplicato => "duplicato",
            Motivo::CodiceComunicazioneConflitto => "codice_comunicazione_conflitto",
            Motivo::RettificaOrfana => "rettifica_orfana",
            Motivo::AnnullamentoOrfano => "annullamento_orfano",
            Motivo::CatenaCiclica => "catena_ciclica",
        }
    }

    /// One line in Italian for reports and the data dictionary.
    pub fn descrizione(self) -> &'static str {
        match self {
            Motivo::RecordMalformato => {
                "record illeggibile (numero di colonne errato, XML non ben formato, testo non UTF-8)"
            }
            Motivo::CampoMancante => "campo obbligatorio assente",
            Motivo::CodiceComunicazioneNonValido => "codice comunicazione non di 16 caratteri alfanumerici",
            Motivo::DataNonValida => "data illeggibile o impossibile",
            Motivo::CfLavoratoreFormato => "codice fiscale del lavoratore malformato",
            Motivo::CfLavoratoreCarattereControllo => "codice fiscale del lavoratore con carattere di controllo errato",
            Motivo::CfDatoreNonValido => "codice fiscale del datore non valido",
            Motivo::CodiceSconosciuto => "codice assente dalle tabelle di riferimento",
            Motivo::CodiceNonValidoAllaData => "codice non in vigore alla data dell'evento",
            Motivo::DateIncoerenti => "date incoerenti (fine o evento prima dell'inizio)",
            Motivo::Duplicato => "copia esatta di una comunicazione già acquisita",
            Motivo::CodiceComunicazioneConflitto => "codice comunicazione già acquisito con contenuto diverso",
            Motivo::RettificaOrfana => "rettifica di una comunicazione inesistente",
            Motivo::AnnullamentoOrfano => "annullamento di una comunicazione inesistente",
            Motivo::CatenaCiclica => "catena di rettifiche/annullamenti ciclica",
        }
    }

    pub fn from_code(s: &str) -> Option<Motivo> {
        Motivo::ALL.iter().copied().find(|m| m.code() == s)
    }
}

/// A failed rule: reason, field, and a message that never contains personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub motivo: Motivo,
    /// The field (CSV column name) at fault, when there is one.
    pub campo: Option<&'static str>,
    pub dettaglio: String,
}

impl Rejection {
    fn new(motivo: Motivo, campo: F, dettaglio: impl Into<String>) -> Rejection {
        Rejection {
            motivo,
            campo: Some(campo.name()),
            dettaglio: dettaglio.into(),
        }
    }
}

/// Age classes used everywhere (at the event date).
pub fn classe_eta(age: i32) -> &'static str {
    match age {
        i32::MIN..=14 => "<15",
        15..=24 => "15-24",
        25..=34 => "25-34",
        35..=44 => "35-44",
        45..=54 => "45-54",
        55..=64 => "55-64",
        _ => "65+",
    }
}

fn flag(s: &str) -> Option<bool> {
    match s.trim() {
        "SI" | "S" | "si" | "Si" | "true" | "1" => Some(true),
        "NO" | "N" | "no" | "No" | "false" | "0" => Some(false),
        _ => None,
    }
}

fn opt(s: &str) -> Option<&str> {
    let t = s.trim();
    (!t.is_empty()).then_some(t)
}

/// A communication that passed every record-level rule: borrowed raw values plus what was
/// derived (pseudonyms, reference attributes). Appending it to the lake needs no allocation.
#[derive(Debug, Clone)]
pub struct Validated<'a> {
    pub codice_comunicazione: &'a str,
    pub codice_precedente: Option<&'a str>,
    pub tipo_comunicazione: &'a str,
    pub evento: Evento,
    pub data_invio: NaiveDateTime,
    pub data_evento: NaiveDate,
    pub id_lavoratore: Option<[u8; 16]>,
    pub id_datore: Option<[u8; 16]>,
    pub sesso: Option<&'static str>,
    pub anno_nascita: Option<i32>,
    pub classe_eta: Option<&'static str>,
    pub nato_estero: Option<bool>,
    pub cf_omocodico: bool,
    pub cittadinanza: Option<&'a str>,
    pub area_cittadinanza: Option<&'static str>,
    pub livello_istruzione: Option<&'a str>,
    pub comune_domicilio: Option<&'static str>,
    pub datore_pa: Option<bool>,
    pub ateco: Option<&'static str>,
    pub ateco_sezione: Option<&'static str>,
    pub ateco_divisione: Option<&'static str>,
    pub comune_lavoro: Option<&'static str>,
    pub provincia: Option<&'static str>,
    pub provincia_istat: Option<&'static str>,
    pub regione: Option<&'static str>,
    pub cpi: Option<String>,
    pub data_inizio: Option<NaiveDate>,
    pub data_fine: Option<NaiveDate>,
    pub tipologia_contrattuale: Option<&'static str>,
    pub macro_contratto: Option<&'static str>,
    pub tipo_orario: Option<&'a str>,
    pub ore_settimanali: Option<f64>,
    pub ccnl: Option<&'a str>,
    pub qualifica_professionale: Option<&'a str>,
    pub ente_previdenziale: Option<&'a str>,
    pub lavoro_agricoltura: Option<bool>,
    pub socio_lavoratore: Option<bool>,
    pub data_fine_proroga: Option<NaiveDate>,
    pub codice_trasformazione: Option<&'a str>,
    pub data_trasformazione: Option<NaiveDate>,
    pub causa_cessazione: Option<&'a str>,
    pub macro_causa_cessazione: Option<&'static str>,
    pub data_cessazione: Option<NaiveDate>,
    /// The user firm of agency work (UNISOMM); all empty for a UNILAV communication.
    pub utilizzatrice: somministrazione::Utilizzatrice,
    /// The coded fields of [`CAMPI_CODIFICATI`] whose value was dropped (bit `i` for entry
    /// `i`): not the shape of a code of the field (`codici`), stored empty, counted.
    pub scartati: u8,
}

/// The CO fields stored as given, kept only when they have the shape of a code of the field
/// ([`CampoCodificato`]; the rule is in the module doc of `privacy`).
pub const CAMPI_CODIFICATI: [(CampoCodificato, F); 4] = [
    (CampoCodificato::Ccnl, F::Ccnl),
    (CampoCodificato::QualificaProfessionale, F::QualificaProfessionale),
    (CampoCodificato::EntePrevidenziale, F::EntePrevidenziale),
    (CampoCodificato::CausaCessazione, F::CodiceCausaCessazione),
];

impl Validated<'_> {
    /// The coded fields whose value was dropped, with the raw field that held it.
    pub fn campi_scartati(&self) -> impl Iterator<Item = (CampoCodificato, F)> + '_ {
        CAMPI_CODIFICATI
            .iter()
            .enumerate()
            .filter(|(i, _)| self.scartati & (1 << i) != 0)
            .map(|(_, c)| *c)
    }

    pub fn anno(&self) -> i32 {
        self.data_evento.year()
    }
    /// Rettifiche and annullamenti wait for resolution before they reach the lake.
    pub fn is_correction(&self) -> bool {
        self.tipo_comunicazione == tipo_comunicazione::RETTIFICA
            || self.tipo_comunicazione == tipo_comunicazione::ANNULLAMENTO
    }
}

/// Working-time codes (DOMAIN.md §2.4): F pieno, P/V/M parziale, N non definito.
const TIPI_ORARIO: [&str; 5] = ["F", "P", "V", "M", "N"];

fn date_field(raw: &RawView<'_>, f: F) -> Result<Option<NaiveDate>, Rejection> {
    match opt(raw[f as usize]) {
        None => Ok(None),
        Some(s) => parse_date(s).map(Some).ok_or_else(|| {
            // A birth date is personal data: the message says what is wrong, not the value.
            let shown = if f == F::LavoratoreNascitaData {
                String::new()
            } else {
                format!(" '{}'", shape(s))
            };
            Rejection::new(
                Motivo::DataNonValida,
                f,
                format!("data{shown} illeggibile o impossibile"),
            )
        }),
    }
}

/// A codice comunicazione: 16 letters or digits (DOMAIN.md §1.6), and not a codice fiscale
/// typed into the wrong field (a CF is 16 alphanumerics too). The message never quotes the
/// value: it may be an identifier.
pub fn check_code_shape(code: &str) -> Result<(), String> {
    if code.len() != 16 || !code.bytes().all(|c| c.is_ascii_alphanumeric()) {
        return Err(format!(
            "non è un codice di 16 caratteri alfanumerici ({} caratteri)",
            code.chars().count()
        ));
    }
    if cf::identifier_spans(code).next().is_some() {
        return Err("ha la forma di un codice fiscale, non di un codice comunicazione".into());
    }
    Ok(())
}

fn required<'a>(raw: &RawView<'a>, f: F) -> Result<&'a str, Rejection> {
    opt(raw[f as usize]).ok_or_else(|| Rejection::new(Motivo::CampoMancante, f, "campo obbligatorio vuoto"))
}

fn code_check<T>(check: CodeCheck<T>, f: F, value: &str, date: NaiveDate) -> Result<T, Rejection> {
    match check {
        CodeCheck::Valid(t) => Ok(t),
        CodeCheck::NotValidAtDate(_) => Err(Rejection::new(
            Motivo::CodiceNonValidoAllaData,
            f,
            format!("codice '{value}' non in vigore il {date}"),
        )),
        CodeCheck::Unknown => Err(Rejection::new(
            Motivo::CodiceSconosciuto,
            f,
            format!("codice '{}' sconosciuto", shape(value)),
        )),
    }
}

/// Checks one UNILAV communication (from XML or the CSV extract) and derives the lake
/// attributes. Personal data stays in `raw`; only pseudonyms and coarse attributes leave.
pub fn validate<'a>(raw: &RawView<'a>, pseudo: &mut Pseudonymizer) -> Result<Validated<'a>, Rejection> {
    let r = Reference::get();
    // 1. Identity of the communication.
    let codice = required(raw, F::CodiceComunicazione)?;
    if let Err(why) = check_code_shape(codice) {
        return Err(Rejection::new(
            Motivo::CodiceComunicazioneNonValido,
            F::CodiceComunicazione,
            why,
        ));
    }
    let tipo = required(raw, F::TipoComunicazione)?;
    if !tipo_comunicazione::KNOWN.contains(&tipo) {
        return Err(Rejection::new(
            Motivo::CodiceSconosciuto,
            F::TipoComunicazione,
            format!("tipo comunicazione '{}'", shape(tipo)),
        ));
    }
    let ev_raw = required(raw, F::TipoEvento)?;
    let evento = Evento::parse(ev_raw).ok_or_else(|| {
        Rejection::new(
            Motivo::CodiceSconosciuto,
            F::TipoEvento,
            format!("evento '{}'", shape(ev_raw)),
        )
    })?;
    let precedente = opt(raw[F::CodiceComunicazionePrecedente as usize]);
    if let Some(Err(why)) = precedente.map(check_code_shape) {
        return Err(Rejection::new(
            Motivo::CodiceComunicazioneNonValido,
            F::CodiceComunicazionePrecedente,
            why,
        ));
    }
    let is_correction = tipo == tipo_comunicazione::RETTIFICA || tipo == tipo_comunicazione::ANNULLAMENTO;
    if is_correction && precedente.is_none() {
        return Err(Rejection::new(
            Motivo::CampoMancante,
            F::CodiceComunicazionePrecedente,
            "rettifica/annullamento senza codice della comunicazione precedente",
        ));
    }

    // 2. Mandatory fields.
    let invio_s = required(raw, F::DataInvio)?;
    let cf_lav_raw = required(raw, F::LavoratoreCodiceFiscale)?;
    let cf_dat_raw = required(raw, F::DatoreCodiceFiscale)?;
    required(raw, F::DataInizio)?;
    let tipologia_s = required(raw, F::TipologiaContrattuale)?;
    let comune_lav_s = required(raw, F::SedeLavoroComune)?;
    let settore_s = required(raw, F::DatoreSettore)?;
    match evento {
        Evento::Pro => {
            required(raw, F::ProrogaDataFine)?;
        }
        Evento::Trs => {
            required(raw, F::CodiceTrasformazione)?;
            required(raw, F::DataTrasformazione)?;
        }
        Evento::Ces => {
            required(raw, F::DataCessazione)?;
        }
        Evento::Ass => {}
    }

    // 3. Dates.
    let data_invio = parse_datetime(invio_s).ok_or_else(|| {
        Rejection::new(
            Motivo::DataNonValida,
            F::DataInvio,
            format!("data invio '{}' illeggibile", shape(invio_s)),
        )
    })?;
    let data_inizio = date_field(raw, F::DataInizio)?;
    let data_fine = date_field(raw, F::DataFine)?;
    let nascita = date_field(raw, F::LavoratoreNascitaData)?;
    let data_fine_proroga = date_field(raw, F::ProrogaDataFine)?;
    let data_trasformazione = date_field(raw, F::DataTrasformazione)?;
    let data_cessazione = date_field(raw, F::DataCessazione)?;
    let Some(data_inizio) = data_inizio else {
        return Err(Rejection::new(
            Motivo::CampoMancante,
            F::DataInizio,
            "campo obbligatorio vuoto",
        ));
    };
    let data_evento = match evento {
        Evento::Ass => data_inizio,
        Evento::Pro => data_invio.date(),
        Evento::Trs => data_trasformazione.unwrap_or(data_inizio),
        Evento::Ces => data_cessazione.unwrap_or(data_inizio),
    };

    // 4. Worker CF (de-omocoded before pseudonymisation).
    let cf_lav = cf::normalize(cf_lav_raw);
    let (cf_info, cf_key) = if cf_lav.len() == 11 && cf_lav.bytes().all(|c| c.is_ascii_digit()) {
        if !cf::validate_numeric(&cf_lav) {
            return Err(Rejection::new(
                Motivo::CfLavoratoreCarattereControllo,
                F::LavoratoreCodiceFiscale,
                "codice fiscale numerico provvisorio con cifra di controllo errata",
            ));
        }
        (None, cf_lav.into_owned())
    } else {
        match cf::validate_personal(&cf_lav) {
            Ok(info) => {
                let key = if info.omocodico {
                    cf::deomocode(&cf_lav)
                } else {
                    cf_lav.into_owned()
                };
                (Some(info), key)
            }
            Err(cf::CfError::Format) => {
                return Err(Rejection::new(
                    Motivo::CfLavoratoreFormato,
                    F::LavoratoreCodiceFiscale,
                    format!("codice fiscale malformato ({} caratteri)", cf_lav.chars().count()),
                ))
            }
            Err(cf::CfError::CheckChar) => {
                return Err(Rejection::new(
                    Motivo::CfLavoratoreCarattereControllo,
                    F::LavoratoreCodiceFiscale,
                    "carattere di controllo errato",
                ))
            }
        }
    };

    // 5. Employer CF.
    let cf_dat_key = cf::employer_key(cf_dat_raw).ok_or_else(|| {
        Rejection::new(
            Motivo::CfDatoreNonValido,
            F::DatoreCodiceFiscale,
            "né partita IVA/CF numerico valido né codice fiscale personale valido",
        )
    })?;

    // 6. Codes, each valid at the date it refers to.
    let tipologia_date = if evento == Evento::Trs {
        data_evento
    } else {
        data_inizio
    };
    let tipologia = code_check(
        r.tipologia(tipologia_s, tipologia_date),
        F::TipologiaContrattuale,
        tipologia_s,
        tipologia_date,
    )?;
    let comune_lav = code_check(
        r.comune(comune_lav_s, data_evento),
        F::SedeLavoroComune,
        comune_lav_s,
        data_evento,
    )?;
    let ateco = r.ateco(settore_s).ok_or_else(|| {
        Rejection::new(
            Motivo::CodiceSconosciuto,
            F::DatoreSettore,
            format!("ATECO '{}' sconosciuto", shape(settore_s)),
        )
    })?;
    let cittadinanza = match opt(raw[F::LavoratoreCittadinanza as usize]) {
        None => None,
        Some(c) => Some(code_check(
            r.cittadinanza(c, data_evento),
            F::LavoratoreCittadinanza,
            c,
            data_evento,
        )?),
    };
    let nascita_comune = opt(raw[F::LavoratoreNascitaComune as usize]);
    if let Some(nc) = nascita_comune {
        if r.comune_any(nc).is_none() && r.stato_estero(nc).is_none() {
            return Err(Rejection::new(
                Motivo::CodiceSconosciuto,
                F::LavoratoreNascitaComune,
                "luogo di nascita: né un comune né uno stato estero noti",
            ));
        }
    }
    let domicilio = match opt(raw[F::LavoratoreDomicilioComune as usize]) {
        None => None,
        Some(d) if d.starts_with('Z') && r.stato_estero(d).is_some() => None,
        Some(d) => match r.comune_any(d) {
            Some(c) => Some(c.istat.as_str()),
            None => {
                return Err(Rejection::new(
                    Motivo::CodiceSconosciuto,
                    F::LavoratoreDomicilioComune,
                    format!("comune '{}'", shape(d)),
                ))
            }
        },
    };
    let livello = match opt(raw[F::LavoratoreLivelloIstruzione as usize]) {
        None => None,
        Some(l) => Some(r.livello_studio_codice(l).ok_or_else(|| {
            Rejection::new(
                Motivo::CodiceSconosciuto,
                F::LavoratoreLivelloIstruzione,
                format!("livello '{}'", shape(l)),
            )
        })?),
    };
    let codice_trasformazione = opt(raw[F::CodiceTrasformazione as usize]);
    if let Some(t) = codice_trasformazione {
        if r.trasformazione(t).is_none() {
            return Err(Rejection::new(
                Motivo::CodiceSconosciuto,
                F::CodiceTrasformazione,
                format!("trasformazione '{}'", shape(t)),
            ));
        }
    }
    let tipo_orario = opt(raw[F::TipoOrario as usize]);
    if let Some(t) = tipo_orario {
        if !TIPI_ORARIO.contains(&t) {
            return Err(Rejection::new(
                Motivo::CodiceSconosciuto,
                F::TipoOrario,
                format!("tipo orario '{}'", shape(t)),
            ));
        }
    }

    // 7. Coherence of dates.
    let before = |d: Option<NaiveDate>, f: F, what: &str| -> Result<(), Rejection> {
        match d {
            Some(d) if d < data_inizio => Err(Rejection::new(
                Motivo::DateIncoerenti,
                f,
                format!("{what} {d} precede l'inizio del rapporto {data_inizio}"),
            )),
            _ => Ok(()),
        }
    };
    before(data_fine, F::DataFine, "fine prevista")?;
    before(data_fine_proroga, F::ProrogaDataFine, "fine della proroga")?;
    before(data_trasformazione, F::DataTrasformazione, "trasformazione")?;
    before(data_cessazione, F::DataCessazione, "cessazione")?;
    let utilizzatrice = somministrazione::check(raw, pseudo, data_inizio, data_evento)?;

    // Derived attributes (the CF is dropped after this point).
    let anno_nascita = match (nascita, cf_info) {
        (Some(n), _) => Some(n.year()),
        (None, Some(i)) => {
            // Century: the most recent one that makes the worker at least 14 at the event.
            let y = data_evento.year();
            let mut by = (y / 100) * 100 + i.yy as i32;
            if y - by < 14 {
                by -= 100;
            }
            Some(by)
        }
        (None, None) => None,
    };
    let eta = match (nascita, anno_nascita) {
        (Some(n), _) => data_evento.years_since(n).map(|a| a as i32),
        (None, Some(by)) => Some(data_evento.year() - by),
        _ => None,
    };
    let sesso = match cf_info {
        Some(i) => Some(if i.sesso == 'F' { "F" } else { "M" }),
        None => match raw[F::LavoratoreSesso as usize].trim() {
            "F" => Some("F"),
            "M" => Some("M"),
            _ => None,
        },
    };
    let nato_estero = match (cf_info, nascita_comune) {
        (Some(i), _) => Some(i.nato_estero),
        (None, Some(nc)) => Some(nc.starts_with('Z')),
        _ => None,
    };
    let macro_contratto = if raw[F::TipoModulo as usize].trim() == "US" || ateco.codice.starts_with("78.2") {
        "SOMMINISTRAZIONE"
    } else {
        tipologia.macro_classe.code()
    };
    // Coded fields stored as given: a value without the shape of a code is dropped, counted.
    let mut scartati = 0u8;
    let mut codificato = |i: usize| -> Option<&'a str> {
        let (campo, f) = CAMPI_CODIFICATI[i];
        let v = opt(raw[f as usize])?;
        let c = campo.codice(v);
        if c.is_none() {
            scartati |= 1 << i;
        }
        c
    };
    let (ccnl, qualifica, ente, causa) = (codificato(0), codificato(1), codificato(2), codificato(3));
    let id_lavoratore = Some(pseudo.worker(&cf_key));
    let id_datore = Some(pseudo.employer(&cf_dat_key));
    Ok(Validated {
        codice_comunicazione: codice,
        codice_precedente: precedente,
        tipo_comunicazione: tipo,
        evento,
        data_invio,
        data_evento,
        id_lavoratore,
        id_datore,
        sesso,
        anno_nascita,
        classe_eta: eta.map(classe_eta),
        nato_estero,
        cf_omocodico: cf_info.is_some_and(|i| i.omocodico),
        cittadinanza: cittadinanza.map(|c| c.codice.as_str()),
        area_cittadinanza: cittadinanza.map(|c| c.area.code()),
        livello_istruzione: livello,
        comune_domicilio: domicilio,
        datore_pa: flag(raw[F::DatorePa as usize]),
        ateco: Some(ateco.codice.as_str()),
        ateco_sezione: Some(ateco.sezione.as_str()),
        ateco_divisione: (!ateco.divisione.is_empty()).then_some(ateco.divisione.as_str()),
        comune_lavoro: Some(comune_lav.istat.as_str()),
        provincia: Some(comune_lav.sigla.as_str()),
        provincia_istat: Some(comune_lav.provincia_istat.as_str()),
        regione: Some(comune_lav.regione_istat.as_str()),
        cpi: Some(r.cpi_code_or_province(comune_lav)),
        data_inizio: Some(data_inizio),
        data_fine,
        tipologia_contrattuale: Some(tipologia.codice.as_str()),
        macro_contratto: Some(macro_contratto),
        tipo_orario,
        ore_settimanali: ore_settimanali(raw[F::OreSettimanaliMedie as usize]),
        ccnl,
        qualifica_professionale: qualifica,
        ente_previdenziale: ente,
        lavoro_agricoltura: flag(raw[F::LavoroAgricoltura as usize]),
        socio_lavoratore: flag(raw[F::SocioLavoratore as usize]),
        data_fine_proroga,
        codice_trasformazione,
        data_trasformazione,
        causa_cessazione: causa,
        macro_causa_cessazione: Some(r.causa_cessazione(causa.unwrap_or("")).code()),
        data_cessazione,
        utilizzatrice,
        scartati,
    })
}

/// Average weekly hours: a number of hours a week can hold (0–168); anything else (a typing
/// error, a partita IVA in the wrong column) is unknown.
pub fn ore_settimanali(s: &str) -> Option<f64> {
    opt(s)
        .and_then(|v| v.replace(',', ".").parse::<f64>().ok())
        .filter(|h| (0.0..=168.0).contains(h))
}

#[cfg(test)]
mod tests;
