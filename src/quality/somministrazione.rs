//! The user firm of agency work (somministrazione), which the UNISOMM module carries beside the
//! agency (DOMAIN.md §1.2–1.3: `DittaUtilizzatrice @codiceFiscale`, its `Settore`, `SedeLavoro`,
//! `PubblicaAmministrazione`, and the mission's `dataInizioMissione` / `dataFineMissione`).
//!
//! Every field is optional (a UNILAV communication has none), and each is checked like its
//! counterpart of the employer: the codice fiscale (a partita IVA, or a personal CF for a sole
//! trader) becomes a pseudonym of the same key space as `id_datore`, so a user firm that also
//! hires directly has one identifier; the sector is an ATECO code, the site a comune valid at the
//! event, the mission's dates readable and not before the relationship's start.

use super::{cf, code_check, date_field, flag, opt, Motivo, Rejection};
use crate::model::{RawView, F};
use crate::privacy::{shape, Pseudonymizer};
use crate::reference::Reference;
use chrono::NaiveDate;

/// The user firm as the lake keeps it: a pseudonym and coarse attributes, no name or address.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Utilizzatrice {
    pub id: Option<[u8; 16]>,
    pub pa: Option<bool>,
    pub ateco: Option<&'static str>,
    pub ateco_sezione: Option<&'static str>,
    pub ateco_divisione: Option<&'static str>,
    pub comune_lavoro: Option<&'static str>,
    pub data_inizio_missione: Option<NaiveDate>,
    pub data_fine_missione: Option<NaiveDate>,
}

/// Checks the user firm's fields of `raw` (all empty for a UNILAV communication).
pub(super) fn check(
    raw: &RawView<'_>,
    pseudo: &mut Pseudonymizer,
    data_inizio: NaiveDate,
    data_evento: NaiveDate,
) -> Result<Utilizzatrice, Rejection> {
    let r = Reference::get();
    let id = match opt(raw[F::UtilizzatriceCodiceFiscale as usize]) {
        None => None,
        Some(c) => Some(pseudo.employer(&cf::employer_key(c).ok_or_else(|| {
            Rejection::new(
                Motivo::CfDatoreNonValido,
                F::UtilizzatriceCodiceFiscale,
                "impresa utilizzatrice: né partita IVA/CF numerico valido né codice fiscale personale valido",
            )
        })?)),
    };
    let ateco = match opt(raw[F::UtilizzatriceSettore as usize]) {
        None => None,
        Some(s) => Some(r.ateco(s).ok_or_else(|| {
            Rejection::new(
                Motivo::CodiceSconosciuto,
                F::UtilizzatriceSettore,
                format!("ATECO dell'utilizzatrice '{}' sconosciuto", shape(s)),
            )
        })?),
    };
    let comune = match opt(raw[F::UtilizzatriceSedeLavoroComune as usize]) {
        None => None,
        Some(c) => Some(code_check(
            r.comune(c, data_evento),
            F::UtilizzatriceSedeLavoroComune,
            c,
            data_evento,
        )?),
    };
    // Read like the employer's flag: anything but SI / NO is unknown.
    let pa = flag(raw[F::UtilizzatricePa as usize]);
    let inizio = date_field(raw, F::MissioneDataInizio)?;
    let fine = date_field(raw, F::MissioneDataFine)?;
    for (d, f, what) in [
        (inizio, F::MissioneDataInizio, "inizio della missione"),
        (fine, F::MissioneDataFine, "fine della missione"),
    ] {
        if let Some(d) = d.filter(|d| *d < data_inizio) {
            return Err(Rejection::new(
                Motivo::DateIncoerenti,
                f,
                format!("{what} {d} precede l'inizio del rapporto {data_inizio}"),
            ));
        }
    }
    if let (Some(i), Some(f)) = (inizio, fine) {
        if f < i {
            return Err(Rejection::new(
                Motivo::DateIncoerenti,
                F::MissioneDataFine,
                format!("fine della missione {f} precede il suo inizio {i}"),
            ));
        }
    }
    Ok(Utilizzatrice {
        id,
        pa,
        ateco: ateco.map(|a| a.codice.as_str()),
        ateco_sezione: ateco.map(|a| a.sezione.as_str()),
        ateco_divisione: ateco.and_then(|a| (!a.divisione.is_empty()).then_some(a.divisione.as_str())),
        comune_lavoro: comune.map(|c| c.istat.as_str()),
        data_inizio_missione: inizio,
        data_fine_missione: fine,
    })
}
