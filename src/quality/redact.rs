//! What of a raw communication may be stored in quarantine (`quarantena.record_grezzo`): the
//! CSV-extract record with the personal fields as `***` and every other value shown only when
//! valid for its field, else as its shape (the rule is stated in `privacy`); the skeleton of an
//! XML element that could not be parsed; identifier-shaped text masked in both.

use super::dates::{parse_date, parse_datetime};
use super::{cf, check_code_shape, flag, ore_settimanali, CAMPI_CODIFICATI, TIPI_ORARIO};
use crate::model::{tipo_comunicazione, Evento, RawView, F, PERSONAL_FIELDS};
use crate::privacy::shown;
use crate::reference::{CodeCheck, Reference};
use chrono::NaiveDate;

/// Whether `v` (trimmed, not empty) is valid for field `f` of a raw communication: the check
/// [`validate`](super::validate) applies to that field — a known code of its list (at any date:
/// a code out of force is still a code), a well-formed date or number, an enumerated value, the
/// shape of a code for the coded fields the lake keeps only so (CCNL, qualifica, ente
/// previdenziale, causa: `codici`). A field with no such check (tipo modulo, CAP) is never
/// valid, so a quarantine excerpt shows its shape; the personal fields are never shown at all.
pub fn field_valid(f: F, v: &str) -> bool {
    let r = Reference::get();
    let any_day = NaiveDate::default();
    match f {
        F::CodiceComunicazione | F::CodiceComunicazionePrecedente => check_code_shape(v).is_ok(),
        F::TipoComunicazione => tipo_comunicazione::KNOWN.contains(&v),
        F::DataInvio => parse_datetime(v).is_some(),
        F::TipoEvento => Evento::parse(v).is_some(),
        F::ForzaMaggiore | F::DatorePa | F::UtilizzatricePa | F::LavoroAgricoltura | F::SocioLavoratore => {
            flag(v).is_some()
        }
        F::DatoreSettore | F::UtilizzatriceSettore => r.ateco(v).is_some(),
        F::SedeLavoroComune | F::UtilizzatriceSedeLavoroComune => r.comune_any(v).is_some(),
        F::LavoratoreSesso => matches!(v, "M" | "F"),
        F::LavoratoreCittadinanza => known(r.cittadinanza(v, any_day)),
        F::LavoratoreDomicilioComune => {
            r.comune_any(v).is_some() || (v.starts_with('Z') && r.stato_estero(v).is_some())
        }
        F::LavoratoreLivelloIstruzione => r.livello_studio(v).is_some(),
        F::DataInizio
        | F::DataFine
        | F::ProrogaDataFine
        | F::DataTrasformazione
        | F::DataCessazione
        | F::MissioneDataInizio
        | F::MissioneDataFine => parse_date(v).is_some(),
        F::TipologiaContrattuale => known(r.tipologia(v, any_day)),
        F::TipoOrario => TIPI_ORARIO.contains(&v),
        F::OreSettimanaliMedie => ore_settimanali(v).is_some(),
        F::CodiceTrasformazione => r.trasformazione(v).is_some(),
        F::Ccnl | F::QualificaProfessionale | F::EntePrevidenziale | F::CodiceCausaCessazione => {
            CAMPI_CODIFICATI.iter().any(|(c, g)| *g == f && c.ammette(v))
        }
        F::TipoModulo | F::SedeLavoroCap => false,
        F::DatoreCodiceFiscale
        | F::DatoreDenominazione
        | F::SedeLavoroIndirizzo
        | F::LavoratoreCodiceFiscale
        | F::LavoratoreCognome
        | F::LavoratoreNome
        | F::LavoratoreNascitaData
        | F::LavoratoreNascitaComune
        | F::LavoratoreDomicilioIndirizzo
        | F::UtilizzatriceCodiceFiscale => false,
    }
}

fn known<T>(c: CodeCheck<T>) -> bool {
    !matches!(c, CodeCheck::Unknown)
}

/// The raw record as it may be stored in quarantine: the CSV-extract line with every personal
/// field (CF, names, addresses, birth date and place, employer name) as `***` and every other
/// value shown only when valid for its field ([`field_valid`]), else as its shape
/// (`privacy::shape`: a name typed into the citizenship shows as `Aaaaa Aaaaa`).
pub fn redact(raw: &RawView<'_>) -> String {
    let mut out = String::with_capacity(512);
    for (i, v) in raw.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        let f = F::from_index(i);
        let t = v.trim();
        if t.is_empty() {
            continue;
        }
        if PERSONAL_FIELDS.contains(&f) {
            out.push_str("***");
            continue;
        }
        let v = shown(v, field_valid(f, t));
        if v.contains([';', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&v.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&v);
        }
    }
    mask_cf_patterns(&out)
}

/// Replaces every identifier — a token shaped like a personal CF in any case, or a valid
/// partita IVA ([`cf::identifier_spans`]) — with `***`: the last line of defence for text that
/// could not be parsed into fields (a malformed XML element, a CSV line with the wrong
/// columns) and for messages that quote a value.
pub fn mask_cf_patterns(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for r in cf::identifier_spans(s) {
        out.push_str(&s[last..r.start]);
        out.push_str("***");
        last = r.end;
    }
    out.push_str(&s[last..]);
    out
}

/// The markup of an XML element that could not be parsed, with every value masked: each
/// attribute value (double- or single-quoted) and each text node becomes `***`. What is left
/// (tag and attribute names, nesting, where the element breaks) is what an analyst needs to
/// see why it failed; a name, a birth date or an address never survives, however the element
/// is malformed (an unbalanced quote masks the rest of it).
pub fn redact_xml_text(xml: &str) -> String {
    #[derive(PartialEq)]
    enum At {
        Text,
        Tag,
        /// After `=` in a tag, before the value.
        Eq,
        Quoted(char),
        /// An unquoted value (malformed), to the next space or tag end.
        Bare,
    }
    let mut out = String::with_capacity(xml.len());
    let mut at = At::Text;
    let mut masked_text = false;
    for ch in xml.chars() {
        match (&at, ch) {
            (At::Quoted(q), c) if c == *q => {
                at = At::Tag;
                out.push(c);
            }
            (At::Quoted(_), _) => {}
            (At::Eq, c) if c.is_whitespace() => out.push(c),
            (At::Eq, '"' | '\'') => {
                at = At::Quoted(ch);
                out.push(ch);
                out.push_str("***");
            }
            (At::Eq | At::Bare, '>') | (At::Tag, '>') => {
                at = At::Text;
                out.push('>');
            }
            (At::Eq, _) => {
                at = At::Bare;
                out.push_str("***");
            }
            (At::Bare, c) if c.is_whitespace() || c == '/' => {
                at = At::Tag;
                out.push(c);
            }
            (At::Bare, _) => {}
            (At::Tag, '=') => {
                at = At::Eq;
                out.push('=');
            }
            (At::Tag, c) => out.push(c),
            (At::Text, '<') => {
                at = At::Tag;
                masked_text = false;
                out.push('<');
            }
            (At::Text, c) if c.is_whitespace() => out.push(c),
            (At::Text, _) => {
                if !masked_text {
                    out.push_str("***");
                    masked_text = true;
                }
            }
        }
    }
    // Tag and attribute names are left: one shaped like an identifier is masked too.
    mask_cf_patterns(&out)
}
