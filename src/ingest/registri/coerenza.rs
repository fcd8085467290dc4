//! The rules between records of the three layouts (`docs/formato_*.md`, "Regole di coerenza"),
//! over the lake's rows and the load's at once. The lake's rows are never refused: a new record
//! that conflicts with them is.
//!
//! - DID: per episode, events in date order (same day: `RILASCIO` first, `FINE` last, the others in the order of the
//!   lake's loads and the files' lines): one `RILASCIO`; nothing
//!   before it (`evento_fuori_episodio`; `senza_rilascio` when neither the lake nor the load
//!   holds it: an episode whose release is outside the extract is quarantined, not held in
//!   waiting) nor after `FINE`; `RIPRESA` only while suspended, `SOSPENSIONE` only while not;
//!   `PRESTAZIONE_FINE` only after a `PRESTAZIONE_INIZIO` of the same benefit; the worker of every
//!   event is the release's (`lavoratore_diverso`). Then per person: an episode of the load
//!   whose span `[rilascio, fine)` meets one kept earlier (the lake's first) goes to quarantine
//!   whole (`did_sovrapposta`).
//! - Mobility: per pratica, one iscrizione (01), nothing before it (`evento_fuori_pratica`,
//!   `senza_iscrizione`), a cancellazione (03) or revoca (05) closes it until a reiscrizione
//!   (04), which needs a closed pratica (`sequenza_non_valida`).
//! - CIG: per worker and employer, a period that shares a day with one kept
//!   (`periodo_sovrapposto`); contiguous periods are distinct.

use super::tipi::{CigLavoratori, Did, Mobilita};
use crate::sources::registri::{did, mobilita, Motivo, Rifiuto};
use chrono::NaiveDate;
use std::collections::{BTreeSet, HashMap};

fn rif(motivo: Motivo, campo: &'static str, dettaglio: impl Into<String>) -> Option<Rifiuto> {
    Some(Rifiuto::new(motivo, campo, dettaglio))
}

/// The records of each key: the lake's (`None`) and the load's (`Some(i)`), each with its
/// position, which is the order of the lake's loads and lines, then of the load's files and
/// lines: the order of events of the same day.
#[allow(clippy::type_complexity)]
fn per_chiave<'a, T, K: std::hash::Hash + Eq>(
    esistenti: &'a [T],
    nuovi: &[&'a T],
    chiave: impl Fn(&T) -> K,
) -> HashMap<K, Vec<(Option<usize>, usize, &'a T)>> {
    let mut m: HashMap<K, Vec<(Option<usize>, usize, &T)>> = HashMap::new();
    for (p, e) in esistenti.iter().enumerate() {
        m.entry(chiave(e)).or_default().push((None, p, e));
    }
    for (i, &n) in nuovi.iter().enumerate() {
        m.entry(chiave(n)).or_default().push((Some(i), esistenti.len() + i, n));
    }
    m
}

/// The DID rules.
pub fn did(esistenti: &[Did], nuovi: &[&Did]) -> Vec<Option<Rifiuto>> {
    let mut out: Vec<Option<Rifiuto>> = vec![None; nuovi.len()];
    // Episodes: (person, release, end, from the lake, new events).
    struct Episodio {
        lavoratore: String,
        rilascio: NaiveDate,
        fine: Option<NaiveDate>,
        nel_lago: bool,
        nuovi: Vec<usize>,
    }
    let mut episodi: Vec<Episodio> = Vec::new();
    for (_, mut evs) in per_chiave(esistenti, nuovi, |e| e.id_did.clone()) {
        evs.sort_by_key(|(_, p, e)| (e.data_evento, did::rango(&e.evento), *p));
        let ha_rilascio = evs.iter().any(|(_, _, e)| e.evento == "RILASCIO");
        let mut ril: Option<(NaiveDate, String, bool)> = None;
        let mut fine: Option<NaiveDate> = None;
        let mut sospesa = false;
        let mut aperte: BTreeSet<String> = BTreeSet::new();
        let mut accettati = Vec::new();
        for (i, _, e) in evs {
            let why = match (e.evento.as_str(), &ril) {
                ("RILASCIO", Some(_)) => rif(Motivo::RilascioRipetuto, "evento", "la DID ha già un rilascio"),
                ("RILASCIO", None) => None,
                (_, None) if ha_rilascio => rif(
                    Motivo::EventoFuoriEpisodio,
                    "data_evento",
                    format!("{} del {} prima del rilascio", e.evento, e.data_evento),
                ),
                (_, None) => rif(
                    Motivo::SenzaRilascio,
                    "id_did",
                    "nessun rilascio di questa DID nel lago né nel file",
                ),
                (_, Some((_, lav, _))) if *lav != e.persona.id => rif(
                    Motivo::LavoratoreDiverso,
                    "codice_fiscale",
                    "lavoratore diverso da quello del rilascio",
                ),
                (_, Some(_)) if fine.is_some() => rif(
                    Motivo::EventoFuoriEpisodio,
                    "data_evento",
                    format!("{} del {} dopo la fine della DID", e.evento, e.data_evento),
                ),
                ("SOSPENSIONE", _) if sospesa => rif(
                    Motivo::SequenzaNonValida,
                    "evento",
                    "sospensione di una DID già sospesa",
                ),
                ("RIPRESA", _) if !sospesa => rif(Motivo::SequenzaNonValida, "evento", "ripresa senza sospensione"),
                ("PRESTAZIONE_INIZIO", _) if aperte.contains(e.prestazione.as_deref().unwrap_or_default()) => {
                    rif(Motivo::SequenzaNonValida, "prestazione", "prestazione già in corso")
                }
                ("PRESTAZIONE_FINE", _) if !aperte.contains(e.prestazione.as_deref().unwrap_or_default()) => rif(
                    Motivo::SequenzaNonValida,
                    "prestazione",
                    "fine di una prestazione non iniziata",
                ),
                _ => None,
            };
            let nuovo = i.is_some();
            if let (Some(i), Some(w)) = (i, &why) {
                out[i] = Some(w.clone());
                continue;
            }
            let p = e.prestazione.clone().unwrap_or_default();
            match e.evento.as_str() {
                "RILASCIO" => ril = Some((e.data_evento, e.persona.id.clone(), !nuovo)),
                "FINE" => fine = Some(e.data_evento),
                "SOSPENSIONE" => sospesa = true,
                "RIPRESA" => sospesa = false,
                "PRESTAZIONE_INIZIO" => {
                    aperte.insert(p);
                }
                "PRESTAZIONE_FINE" => {
                    aperte.remove(&p);
                }
                _ => {}
            }
            accettati.extend(i);
        }
        if let Some((rilascio, lavoratore, nel_lago)) = ril {
            episodi.push(Episodio {
                lavoratore,
                rilascio,
                fine,
                nel_lago,
                nuovi: accettati,
            });
        }
    }
    // Overlaps per person: the lake's episodes are kept; the load's, in release order.
    let mut per_persona: HashMap<&str, Vec<&Episodio>> = HashMap::new();
    for e in &episodi {
        per_persona.entry(e.lavoratore.as_str()).or_default().push(e);
    }
    for (_, mut eps) in per_persona {
        eps.sort_by_key(|e| (!e.nel_lago, e.rilascio, e.nuovi.first().copied()));
        let mut tenuti: Vec<(NaiveDate, Option<NaiveDate>)> = Vec::new();
        for e in eps {
            let incrocia = tenuti
                .iter()
                .any(|&(r, f)| r < e.fine.unwrap_or(NaiveDate::MAX) && e.rilascio < f.unwrap_or(NaiveDate::MAX));
            if incrocia && !e.nel_lago {
                for &i in &e.nuovi {
                    out[i] = rif(
                        Motivo::DidSovrapposta,
                        "id_did",
                        format!(
                            "DID rilasciata il {} mentre un'altra della stessa persona è aperta",
                            e.rilascio
                        ),
                    );
                }
            } else {
                tenuti.push((e.rilascio, e.fine));
            }
        }
    }
    out
}

/// The mobility rules.
pub fn mobilita(esistenti: &[Mobilita], nuovi: &[&Mobilita]) -> Vec<Option<Rifiuto>> {
    let mut out: Vec<Option<Rifiuto>> = vec![None; nuovi.len()];
    for (_, mut evs) in per_chiave(esistenti, nuovi, |e| e.id_pratica.clone()) {
        evs.sort_by_key(|(_, p, e)| (e.data_evento, mobilita::rango(&e.evento), *p));
        let ha_iscrizione = evs.iter().any(|(_, _, e)| e.evento == "01");
        let mut lavoratore: Option<String> = None;
        let mut attiva = false;
        for (i, _, e) in evs {
            let why = match (e.evento.as_str(), &lavoratore) {
                ("01", Some(_)) => rif(Motivo::IscrizioneRipetuta, "evento", "la pratica ha già un'iscrizione"),
                ("01", None) => None,
                (_, None) if ha_iscrizione => rif(
                    Motivo::EventoFuoriPratica,
                    "data_evento",
                    format!("evento {} del {} prima dell'iscrizione", e.evento, e.data_evento),
                ),
                (_, None) => rif(
                    Motivo::SenzaIscrizione,
                    "id_pratica",
                    "nessuna iscrizione di questa pratica nel lago né nel file",
                ),
                (_, Some(l)) if *l != e.persona.id => rif(
                    Motivo::LavoratoreDiverso,
                    "codice_fiscale",
                    "lavoratore diverso da quello dell'iscrizione",
                ),
                ("04", _) if attiva => rif(
                    Motivo::SequenzaNonValida,
                    "evento",
                    "reiscrizione di una pratica non cancellata",
                ),
                ("04", _) => None,
                (_, _) if !attiva => rif(
                    Motivo::EventoFuoriPratica,
                    "data_evento",
                    format!("evento {} del {} a pratica cancellata", e.evento, e.data_evento),
                ),
                _ => None,
            };
            if let (Some(i), Some(w)) = (i, &why) {
                out[i] = Some(w.clone());
                continue;
            }
            match e.evento.as_str() {
                "01" => {
                    lavoratore = Some(e.persona.id.clone());
                    attiva = true;
                }
                "04" => attiva = true,
                "03" | "05" => attiva = false,
                _ => {}
            }
        }
    }
    out
}

/// The CIG rule: no two periods of a worker at an employer share a day.
pub fn cig(esistenti: &[CigLavoratori], nuovi: &[&CigLavoratori]) -> Vec<Option<Rifiuto>> {
    let mut out: Vec<Option<Rifiuto>> = vec![None; nuovi.len()];
    for (_, mut ps) in per_chiave(esistenti, nuovi, |p| (p.persona.id.clone(), p.id_datore.clone())) {
        ps.sort_by_key(|(i, pos, p)| (i.is_some(), p.data_inizio, *pos));
        let mut tenuti: Vec<(NaiveDate, NaiveDate)> = Vec::new();
        for (i, _, p) in ps {
            let incrocia = tenuti.iter().any(|&(a, b)| a <= p.data_fine && p.data_inizio <= b);
            match i {
                Some(i) if incrocia => {
                    out[i] = rif(
                        Motivo::PeriodoSovrapposto,
                        "data_inizio",
                        format!(
                            "periodo {}–{} sovrapposto a un altro dello stesso lavoratore e datore",
                            p.data_inizio, p.data_fine
                        ),
                    )
                }
                _ => tenuti.push((p.data_inizio, p.data_fine)),
            }
        }
    }
    out
}
