//! One record of the mobility layout (`docs/formato_mobilita.md`): an event of a pratica, checked
//! alone — the list (`TAB_LISTESPECIALI`), the event (`DEC_TIPO_EVENTO_MOBILITA`), the cause
//! (`DEC_CAUSA_EVENTO_MOBILITA`, mandatory for 03 and 05), the iscrizione's mandatory fields
//! (employer, dismissal date, indennità, CPI) and no iscrizione from 2017-01-01 (L. 92/2012,
//! `iscrizione_dopo_2017`). The order of the events of a pratica is checked in
//! `ingest::registri` against the lake.

use super::Dominio::{Ateco, Cittadinanza, Codice, Comune, Cpi, Data, Livello, Personale, Sesso, SiNo};
use super::{
    ateco, attributi, codice, cpi, date, datore, flag, persona, required, Colonna, Motivo, Persona, Rifiuto, Riga,
    Tracciato,
};
use crate::privacy::Pseudonymizer;
use chrono::NaiveDate;

/// The mobility layout.
pub const TRACCIATO: Tracciato = Tracciato {
    formato: "mobilita",
    colonne: &[
        Colonna::new("id_pratica", true, Personale),
        Colonna::new("codice_fiscale", true, Personale),
        Colonna::new("lista", true, Codice(&["TAB_LISTESPECIALI"])),
        Colonna::new("evento", true, Codice(&["DEC_TIPO_EVENTO_MOBILITA"])),
        Colonna::new("data_evento", true, Data),
        Colonna::new("causa", true, Codice(&["DEC_CAUSA_EVENTO_MOBILITA"])),
        Colonna::new("datore_codice_fiscale", true, Personale),
        Colonna::new("data_licenziamento", true, Data),
        Colonna::new("indennita", true, SiNo),
        Colonna::new("data_fine_indennita", false, Data),
        Colonna::new("cpi", true, Cpi),
        Colonna::new("ateco_datore", false, Ateco),
        Colonna::new("sesso", false, Sesso),
        Colonna::new("cittadinanza", false, Cittadinanza),
        Colonna::new("livello_istruzione", false, Livello),
        Colonna::new("comune_domicilio", false, Comune),
    ],
};

/// The first day without new iscrizioni (L. 92/2012 art. 2 c. 71: the lists end on 2016-12-31).
pub fn fine_iscrizioni() -> NaiveDate {
    NaiveDate::from_ymd_opt(2017, 1, 1).expect("valid date")
}

/// An event that passed the record rules.
#[derive(Debug, Clone, Default)]
pub struct Evento {
    pub riga: u64,
    pub id_pratica: String,
    pub persona: Persona,
    pub lista: String,
    pub evento: String,
    pub data_evento: NaiveDate,
    pub causa: Option<String>,
    pub id_datore: Option<String>,
    pub data_licenziamento: Option<NaiveDate>,
    pub indennita: Option<bool>,
    pub data_fine_indennita: Option<NaiveDate>,
    pub cpi: Option<String>,
    pub ateco_datore: Option<String>,
    pub cittadinanza: Option<String>,
    pub livello_istruzione: Option<String>,
    pub comune_domicilio: Option<String>,
}

/// The order of the events of one day: the iscrizione first, the others as they come.
pub fn rango(evento: &str) -> u8 {
    match evento {
        "01" => 0,
        _ => 1,
    }
}

/// Checks one record.
pub fn valida(r: &Riga, pseudo: &mut Pseudonymizer) -> Result<Evento, Rifiuto> {
    let t = &TRACCIATO;
    let id = required(r, 0, t)?;
    let cf_raw = required(r, 1, t)?;
    let lista = codice(required(r, 2, t)?, 2, t)?;
    let evento = codice(required(r, 3, t)?, 3, t)?;
    let data_evento = date(r, 4, t)?.ok_or_else(|| Rifiuto::new(Motivo::CampoMancante, "data_evento", "vuoto"))?;
    let iscr = evento == "01";
    if iscr && data_evento >= fine_iscrizioni() {
        return Err(Rifiuto::new(
            Motivo::IscrizioneDopo2017,
            "data_evento",
            format!(
                "iscrizione del {data_evento}: nessuna nuova iscrizione dal {}",
                fine_iscrizioni()
            ),
        ));
    }
    let causa = match evento {
        "03" | "05" => Some(required(r, 5, t)?),
        _ => r.opt(5),
    }
    .map(|c| codice(c, 5, t))
    .transpose()?;
    let need = |i: usize| -> Result<Option<&str>, Rifiuto> {
        if iscr {
            required(r, i, t).map(Some)
        } else {
            Ok(r.opt(i))
        }
    };
    let id_datore = need(6)?
        .map(|v| datore(v, "datore_codice_fiscale", pseudo))
        .transpose()?;
    need(7)?;
    let data_licenziamento = date(r, 7, t)?;
    let indennita = need(8)?.map(|v| flag(v, "indennita")).transpose()?;
    let cpi = need(10)?.map(|v| cpi(v, "cpi")).transpose()?;
    if let Some(l) = data_licenziamento {
        if l > data_evento && iscr {
            return Err(Rifiuto::new(
                Motivo::DateIncoerenti,
                "data_licenziamento",
                format!("licenziamento {l} dopo l'iscrizione {data_evento}"),
            ));
        }
    }
    let persona = persona(cf_raw, data_evento, "codice_fiscale", pseudo)?;
    let persona = match (persona.sesso, r.opt(12)) {
        (None, Some(s @ ("M" | "F"))) => Persona {
            sesso: Some(if s == "M" { "M" } else { "F" }),
            ..persona
        },
        _ => persona,
    };
    let (cittadinanza, livello_istruzione, comune_domicilio) = attributi(r.opt(13), r.opt(14), r.opt(15), data_evento)?;
    Ok(Evento {
        riga: r.riga,
        id_pratica: super::hex(pseudo.identifier("pratica_mobilita", id)),
        persona,
        lista: lista.to_string(),
        evento: evento.to_string(),
        data_evento,
        causa: causa.map(str::to_string),
        id_datore,
        data_licenziamento,
        indennita,
        data_fine_indennita: date(r, 9, t)?,
        cpi,
        ateco_datore: ateco(r.opt(11), "ateco_datore")?,
        cittadinanza,
        livello_istruzione,
        comune_domicilio,
    })
}
