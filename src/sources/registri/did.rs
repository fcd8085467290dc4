//! One record of the DID layout (`docs/formato_did.md`): an event of an episode, checked alone —
//! mandatory fields by event (`cpi`, `punto_servizio`, `stato_occupazionale` for `RILASCIO`;
//! `causa` for `SOSPENSIONE` and `FINE`; `prestazione` for the benefit events), every code
//! against its list (`reference/oml/registri_codici.csv`, `cpi_comuni.csv`, the ANPAL lists),
//! the CF into the pseudonym. The order of the events of an episode is checked in
//! `ingest::registri` against the lake.

use super::Dominio::{Cittadinanza, Codice, Codificato, Comune, Cpi, Data, Livello, Personale, Sesso};
use super::{
    attributi, code, codice, codificato, cpi, date, persona, required, Colonna, Persona, Rifiuto, Riga, Tracciato,
};
use crate::privacy::Pseudonymizer;
use crate::quality::CampoCodificato;
use chrono::NaiveDate;

/// The DID layout; `codice_fiscale` is personal, `id_did` is pseudonymised.
pub const TRACCIATO: Tracciato = Tracciato {
    formato: "did",
    colonne: &[
        Colonna::new("id_did", true, Personale),
        Colonna::new("codice_fiscale", true, Personale),
        Colonna::new("evento", true, Codice(&["DID_EVENTO"])),
        Colonna::new("data_evento", true, Data),
        Colonna::new("cpi", true, Cpi),
        Colonna::new("punto_servizio", true, Codice(&["DID_PUNTO_SERVIZIO"])),
        Colonna::new("codice_sportello", false, Codificato(CampoCodificato::CodiceSportello)),
        Colonna::new("stato_occupazionale", true, Codice(&["TAB_STATUSOCCUPAZ"])),
        Colonna::new("causa", true, Codice(&["DEC_CAUSA_FINE_DID", "DID_CAUSA_SOSPENSIONE"])),
        Colonna::new("prestazione", true, Codice(&["DID_PRESTAZIONE"])),
        Colonna::new("sesso", false, Sesso),
        Colonna::new("cittadinanza", false, Cittadinanza),
        Colonna::new("livello_istruzione", false, Livello),
        Colonna::new("comune_domicilio", false, Comune),
    ],
};

/// A DID event that passed the record rules.
#[derive(Debug, Clone, Default)]
pub struct Evento {
    pub riga: u64,
    pub id_did: String,
    pub persona: Persona,
    pub evento: String,
    pub data_evento: NaiveDate,
    pub cpi: Option<String>,
    pub punto_servizio: Option<String>,
    pub codice_sportello: Option<String>,
    pub stato_occupazionale: Option<String>,
    pub causa: Option<String>,
    pub prestazione: Option<String>,
    pub cittadinanza: Option<String>,
    pub livello_istruzione: Option<String>,
    pub comune_domicilio: Option<String>,
    /// Values of coded columns dropped (`super::codificato`): their keys, counted per file.
    pub scartati: Vec<String>,
}

/// The order of the events of one day: release first, end last, the others as they come (a
/// RIPRESA and a new SOSPENSIONE may share a day, in either order).
pub fn rango(evento: &str) -> u8 {
    match evento {
        "RILASCIO" => 0,
        "FINE" => 2,
        _ => 1,
    }
}

/// Checks one record.
pub fn valida(r: &Riga, pseudo: &mut Pseudonymizer) -> Result<Evento, Rifiuto> {
    let t = &TRACCIATO;
    let id = required(r, 0, t)?;
    let cf_raw = required(r, 1, t)?;
    let evento = codice(required(r, 2, t)?, 2, t)?;
    let data_evento =
        date(r, 3, t)?.ok_or_else(|| Rifiuto::new(super::Motivo::CampoMancante, "data_evento", "vuoto"))?;
    let rilascio = evento == "RILASCIO";
    let need = |i: usize, when: bool| -> Result<Option<&str>, Rifiuto> {
        if when {
            required(r, i, t).map(Some)
        } else {
            Ok(r.opt(i))
        }
    };
    let cpi = need(4, rilascio)?.map(|v| cpi(v, "cpi")).transpose()?;
    let punto = need(5, rilascio)?.map(|v| codice(v, 5, t)).transpose()?;
    let stato = need(7, rilascio)?.map(|v| codice(v, 7, t)).transpose()?;
    let causa = match evento {
        "FINE" => Some(code(required(r, 8, t)?, &["DEC_CAUSA_FINE_DID"], "causa")?),
        "SOSPENSIONE" => Some(code(required(r, 8, t)?, &["DID_CAUSA_SOSPENSIONE"], "causa")?),
        _ => None,
    };
    let prestazione = need(9, evento.starts_with("PRESTAZIONE_"))?
        .map(|v| codice(v, 9, t))
        .transpose()?;
    let persona = persona(cf_raw, data_evento, "codice_fiscale", pseudo)?;
    let persona = match (persona.sesso, r.opt(10)) {
        (None, Some(s @ ("M" | "F"))) => Persona {
            sesso: Some(if s == "M" { "M" } else { "F" }),
            ..persona
        },
        _ => persona,
    };
    let (cittadinanza, livello_istruzione, comune_domicilio) = attributi(r.opt(11), r.opt(12), r.opt(13), data_evento)?;
    let mut scartati = Vec::new();
    let codice_sportello = codificato(r, 6, t, &mut scartati);
    Ok(Evento {
        riga: r.riga,
        id_did: super::hex(pseudo.identifier("did", id)),
        persona,
        evento: evento.to_string(),
        data_evento,
        cpi,
        punto_servizio: punto.map(str::to_string),
        codice_sportello,
        stato_occupazionale: stato.map(str::to_string),
        causa: causa.map(str::to_string),
        prestazione: prestazione.map(str::to_string),
        cittadinanza,
        livello_istruzione,
        comune_domicilio,
        scartati,
    })
}
