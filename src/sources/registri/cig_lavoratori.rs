//! One record of the CIG-workers layout (`docs/formato_cig_lavoratori.md`): a period of a worker
//! at an employer, checked alone — dates (`data_inizio ≤ data_fine`), hours (authorised > 0, used
//! ≤ authorised, decimal comma accepted), the type of intervention against
//! `DEC_LIV_TIPO_AMMORTIZZATORE` (`reference/oml/registri_codici.csv`), both CFs into pseudonyms,
//! the authorisation number pseudonymised, the causale kept only as a wording of `CIG_CAUSALE` or
//! a value with the shape of a code (`quality::codici`; otherwise dropped and counted). The
//! overlap of two periods is checked in `ingest::registri` against the lake.

use super::Dominio::{Ateco, Codice, Codificato, Comune, Data, Numero, Personale, SiNo};
use super::{
    ateco, codice, codificato, comune, date, datore, flag, number, persona, required, Colonna, Motivo, Persona,
    Rifiuto, Riga, Tracciato,
};
use crate::privacy::Pseudonymizer;
use crate::quality::CampoCodificato;
use chrono::NaiveDate;

/// The CIG-workers layout.
pub const TRACCIATO: Tracciato = Tracciato {
    formato: "cig_lavoratori",
    colonne: &[
        Colonna::new("codice_fiscale", true, Personale),
        Colonna::new("datore_codice_fiscale", true, Personale),
        Colonna::new("tipo_intervento", true, Codice(&["DEC_LIV_TIPO_AMMORTIZZATORE"])),
        Colonna::new("data_inizio", true, Data),
        Colonna::new("data_fine", true, Data),
        Colonna::new("ore_autorizzate", true, Numero),
        Colonna::new("ore_utilizzate", false, Numero),
        Colonna::new("zero_ore", false, SiNo),
        Colonna::new("numero_autorizzazione", false, Personale),
        Colonna::new("causale", false, Codificato(CampoCodificato::Causale)),
        Colonna::new("ateco_datore", false, Ateco),
        Colonna::new("comune_unita_produttiva", false, Comune),
    ],
};

/// A period that passed the record rules.
#[derive(Debug, Clone, Default)]
pub struct Periodo {
    pub riga: u64,
    pub persona: Persona,
    pub id_datore: String,
    pub tipo_intervento: String,
    pub data_inizio: NaiveDate,
    pub data_fine: NaiveDate,
    pub ore_autorizzate: f64,
    pub ore_utilizzate: Option<f64>,
    pub zero_ore: Option<bool>,
    pub id_autorizzazione: Option<String>,
    pub causale: Option<String>,
    pub ateco_datore: Option<String>,
    pub comune_unita_produttiva: Option<String>,
    /// Values of coded columns dropped (`super::codificato`): their keys, counted per file.
    pub scartati: Vec<String>,
}

fn ore(r: &Riga, i: usize) -> Result<Option<f64>, Rifiuto> {
    match r.opt(i) {
        None => Ok(None),
        Some(v) => number(v).map(Some).ok_or_else(|| {
            Rifiuto::new(
                Motivo::NumeroNonValido,
                TRACCIATO.colonne[i].nome,
                format!("'{}' non è un numero", crate::privacy::shape(v)),
            )
        }),
    }
}

/// Checks one record.
pub fn valida(r: &Riga, pseudo: &mut Pseudonymizer) -> Result<Periodo, Rifiuto> {
    let t = &TRACCIATO;
    let cf_raw = required(r, 0, t)?;
    let dat_raw = required(r, 1, t)?;
    let tipo = codice(required(r, 2, t)?, 2, t)?;
    let inizio = date(r, 3, t)?.ok_or_else(|| Rifiuto::new(Motivo::CampoMancante, "data_inizio", "vuoto"))?;
    let fine = date(r, 4, t)?.ok_or_else(|| Rifiuto::new(Motivo::CampoMancante, "data_fine", "vuoto"))?;
    if fine < inizio {
        return Err(Rifiuto::new(
            Motivo::DateIncoerenti,
            "data_fine",
            format!("fine {fine} prima dell'inizio {inizio}"),
        ));
    }
    required(r, 5, t)?;
    let autorizzate = ore(r, 5)?.unwrap_or_default();
    if autorizzate <= 0.0 {
        return Err(Rifiuto::new(
            Motivo::OreNonValide,
            "ore_autorizzate",
            format!("ore autorizzate {autorizzate} non positive"),
        ));
    }
    let utilizzate = ore(r, 6)?;
    if let Some(u) = utilizzate {
        if u < 0.0 || u > autorizzate {
            return Err(Rifiuto::new(
                Motivo::OreNonValide,
                "ore_utilizzate",
                format!("ore utilizzate {u} fuori da 0–{autorizzate}"),
            ));
        }
    }
    let zero_ore = r.opt(7).map(|v| flag(v, "zero_ore")).transpose()?;
    let persona = persona(cf_raw, inizio, "codice_fiscale", pseudo)?;
    let id_datore = datore(dat_raw, "datore_codice_fiscale", pseudo)?;
    let mut scartati = Vec::new();
    let causale = codificato(r, 9, t, &mut scartati);
    Ok(Periodo {
        riga: r.riga,
        persona,
        id_datore,
        tipo_intervento: tipo.to_string(),
        data_inizio: inizio,
        data_fine: fine,
        ore_autorizzate: autorizzate,
        ore_utilizzate: utilizzate,
        zero_ore,
        id_autorizzazione: r.opt(8).map(|v| super::hex(pseudo.identifier("autorizzazione_cig", v))),
        causale,
        ateco_datore: ateco(r.opt(10), "ateco_datore")?,
        comune_unita_produttiva: comune(r.opt(11), "comune_unita_produttiva")?,
        scartati,
    })
}
