//! The three layouts as [`Registro`]s: their datasets, their cells in schema order, and the
//! columns of the lake's rows the rules between records read back.

use super::{coerenza, Cella, Registro};
use crate::lake::registri::{
    cig_lavoratori_schema, did_schema, mobilita_schema, CIG_LAVORATORI, DID_EVENTI, MOBILITA_EVENTI,
};
use crate::privacy::Pseudonymizer;
use crate::sources::registri::{cig_lavoratori, did, mobilita, Persona, Rifiuto, Riga, Tracciato};
use anyhow::{Context, Result};
use arrow::array::{Array, Date32Array, StringArray};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use chrono::{Datelike, NaiveDate};

/// A DID event.
pub type Did = did::Evento;
/// A period of a worker in CIG.
pub type CigLavoratori = cig_lavoratori::Periodo;
/// An event of a mobility pratica.
pub type Mobilita = mobilita::Evento;

fn t(v: &Option<String>) -> Cella {
    Cella::T(v.clone())
}
fn s(v: &str) -> Cella {
    Cella::T(Some(v.to_string()))
}

fn persona(p: &Persona) -> [Cella; 3] {
    [
        Cella::T(p.sesso.map(str::to_string)),
        Cella::I(p.anno_nascita.map(i64::from)),
        Cella::T(p.classe_eta.map(str::to_string)),
    ]
}

fn text<'b>(b: &'b RecordBatch, name: &str) -> Result<&'b StringArray> {
    b.column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<StringArray>())
        .with_context(|| format!("{name} is not a text column"))
}

fn dates(b: &RecordBatch, name: &str) -> Result<Vec<Option<NaiveDate>>> {
    let c = b
        .column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<Date32Array>())
        .with_context(|| format!("{name} is not a date column"))?;
    Ok((0..c.len())
        .map(|i| if c.is_null(i) { None } else { c.value_as_date(i) })
        .collect())
}

fn opt(a: &StringArray, i: usize) -> Option<String> {
    (!a.is_null(i)).then(|| a.value(i).to_string())
}

impl Registro for Did {
    const DATASET: &'static str = DID_EVENTI;
    fn tracciato() -> &'static Tracciato {
        &did::TRACCIATO
    }
    fn schema() -> SchemaRef {
        did_schema()
    }
    fn valida(r: &Riga, pseudo: &mut Pseudonymizer) -> Result<Self, Rifiuto> {
        did::valida(r, pseudo)
    }
    fn riga(&self) -> u64 {
        self.riga
    }
    fn anno(&self) -> i32 {
        self.data_evento.year()
    }
    fn celle(&self) -> Vec<Cella> {
        let mut c = vec![
            s(&self.id_did),
            s(&self.persona.id),
            s(&self.evento),
            Cella::D(Some(self.data_evento)),
            t(&self.cpi),
            t(&self.punto_servizio),
            t(&self.codice_sportello),
            t(&self.stato_occupazionale),
            t(&self.causa),
            t(&self.prestazione),
        ];
        c.extend(persona(&self.persona));
        c.extend([
            t(&self.cittadinanza),
            t(&self.livello_istruzione),
            t(&self.comune_domicilio),
        ]);
        c
    }
    fn esistenti(b: &RecordBatch) -> Result<Vec<Self>> {
        let (id, lav, ev, pr) = (
            text(b, "id_did")?,
            text(b, "id_lavoratore")?,
            text(b, "evento")?,
            text(b, "prestazione")?,
        );
        let d = dates(b, "data_evento")?;
        Ok((0..b.num_rows())
            .filter_map(|i| {
                Some(did::Evento {
                    id_did: id.value(i).to_string(),
                    persona: Persona {
                        id: lav.value(i).to_string(),
                        ..Persona::default()
                    },
                    evento: ev.value(i).to_string(),
                    data_evento: d[i]?,
                    prestazione: opt(pr, i),
                    ..Default::default()
                })
            })
            .collect())
    }
    fn coerenza(esistenti: &[Self], nuovi: &[&Self]) -> Vec<Option<Rifiuto>> {
        coerenza::did(esistenti, nuovi)
    }
    fn scartati(&self) -> &[String] {
        &self.scartati
    }
}

impl Registro for CigLavoratori {
    const DATASET: &'static str = CIG_LAVORATORI;
    fn tracciato() -> &'static Tracciato {
        &cig_lavoratori::TRACCIATO
    }
    fn schema() -> SchemaRef {
        cig_lavoratori_schema()
    }
    fn valida(r: &Riga, pseudo: &mut Pseudonymizer) -> Result<Self, Rifiuto> {
        cig_lavoratori::valida(r, pseudo)
    }
    fn riga(&self) -> u64 {
        self.riga
    }
    fn anno(&self) -> i32 {
        self.data_inizio.year()
    }
    fn celle(&self) -> Vec<Cella> {
        let mut c = vec![
            s(&self.persona.id),
            s(&self.id_datore),
            s(&self.tipo_intervento),
            Cella::D(Some(self.data_inizio)),
            Cella::D(Some(self.data_fine)),
            Cella::I(Some((self.data_fine - self.data_inizio).num_days() + 1)),
            Cella::F(Some(self.ore_autorizzate)),
            Cella::F(self.ore_utilizzate),
            Cella::B(self.zero_ore),
            t(&self.id_autorizzazione),
            t(&self.causale),
            t(&self.ateco_datore),
            t(&self.comune_unita_produttiva),
        ];
        c.extend(persona(&self.persona));
        c
    }
    fn esistenti(b: &RecordBatch) -> Result<Vec<Self>> {
        let (lav, dat) = (text(b, "id_lavoratore")?, text(b, "id_datore")?);
        let (di, df) = (dates(b, "data_inizio")?, dates(b, "data_fine")?);
        Ok((0..b.num_rows())
            .filter_map(|i| {
                Some(cig_lavoratori::Periodo {
                    persona: Persona {
                        id: lav.value(i).to_string(),
                        ..Persona::default()
                    },
                    id_datore: dat.value(i).to_string(),
                    data_inizio: di[i]?,
                    data_fine: df[i]?,
                    ..Default::default()
                })
            })
            .collect())
    }
    fn coerenza(esistenti: &[Self], nuovi: &[&Self]) -> Vec<Option<Rifiuto>> {
        coerenza::cig(esistenti, nuovi)
    }
    fn scartati(&self) -> &[String] {
        &self.scartati
    }
}

impl Registro for Mobilita {
    const DATASET: &'static str = MOBILITA_EVENTI;
    fn tracciato() -> &'static Tracciato {
        &mobilita::TRACCIATO
    }
    fn schema() -> SchemaRef {
        mobilita_schema()
    }
    fn valida(r: &Riga, pseudo: &mut Pseudonymizer) -> Result<Self, Rifiuto> {
        mobilita::valida(r, pseudo)
    }
    fn riga(&self) -> u64 {
        self.riga
    }
    fn anno(&self) -> i32 {
        self.data_evento.year()
    }
    fn celle(&self) -> Vec<Cella> {
        let mut c = vec![
            s(&self.id_pratica),
            s(&self.persona.id),
            s(&self.lista),
            s(&self.evento),
            Cella::D(Some(self.data_evento)),
            t(&self.causa),
            t(&self.id_datore),
            Cella::D(self.data_licenziamento),
            Cella::B(self.indennita),
            Cella::D(self.data_fine_indennita),
            t(&self.cpi),
            t(&self.ateco_datore),
        ];
        c.extend(persona(&self.persona));
        c.extend([
            t(&self.cittadinanza),
            t(&self.livello_istruzione),
            t(&self.comune_domicilio),
        ]);
        c
    }
    fn esistenti(b: &RecordBatch) -> Result<Vec<Self>> {
        let (id, lav, ev, li) = (
            text(b, "id_pratica")?,
            text(b, "id_lavoratore")?,
            text(b, "evento")?,
            text(b, "lista")?,
        );
        let d = dates(b, "data_evento")?;
        Ok((0..b.num_rows())
            .filter_map(|i| {
                Some(mobilita::Evento {
                    id_pratica: id.value(i).to_string(),
                    persona: Persona {
                        id: lav.value(i).to_string(),
                        ..Persona::default()
                    },
                    lista: li.value(i).to_string(),
                    evento: ev.value(i).to_string(),
                    data_evento: d[i]?,
                    ..Default::default()
                })
            })
            .collect())
    }
    fn coerenza(esistenti: &[Self], nuovi: &[&Self]) -> Vec<Option<Rifiuto>> {
        coerenza::mobilita(esistenti, nuovi)
    }
}
