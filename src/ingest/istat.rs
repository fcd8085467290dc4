//! `oml ingest istat`: newer exports of the ISTAT unemployment-rate dataset (Rilevazione sulle
//! forze di lavoro; I.Stat or IstatData SDMX-CSV) into the lake (`disoccupazione_istat_versioni`,
//! view `tasso_disoccupazione`). The reader (`sources::istat_rfl`) types each rate and maps its
//! ITTER107 code to today's territory; here the rates become Arrow batches by year with their
//! provenance, and `tables::land` writes them as one atomic generation. Rates are never added
//! up, so the exact check is on the number of values and on their sum in millionths as the file
//! writes them (a value lost or altered on the way fails the load).

use super::tables::{self, LandOptions, LandReport, Provenance, TableData, TableSpec};
use crate::lake::tabelle::{disoccupazione_istat_schema, DISOCCUPAZIONE_ISTAT, DISOCCUPAZIONE_ISTAT_KEY};
use crate::lake::Lake;
use crate::reference::Relazione;
use crate::sources::istat_rfl::{self, RflFile, TassoDisoccupazione};
use anyhow::Result;
use arrow::array::{ArrayRef, Date32Array, Float64Array, Int64Array, StringArray};
use arrow::record_batch::RecordBatch;
use chrono::Datelike;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// The measure of every row.
pub const MISURA: &str = "tasso_disoccupazione";

/// The layout names stated in the lake (`formato`).
fn layout_name(f: &RflFile) -> &'static str {
    match f.layout {
        istat_rfl::Layout::IStat => "istat_istat_export",
        istat_rfl::Layout::Sdmx => "istat_sdmx_csv",
    }
}

/// `identico`, `parte_di`, `confini_precedenti` (the crosswalk's words).
pub fn relazione_code(r: Relazione) -> &'static str {
    match r {
        Relazione::Identico => "identico",
        Relazione::ParteDi => "parte_di",
        Relazione::ConfiniPrecedenti => "confini_precedenti",
    }
}

/// Loads ISTAT unemployment-rate exports into `lake`.
pub fn ingest_istat(lake: &Lake, paths: &[PathBuf], opts: &LandOptions) -> Result<LandReport> {
    let spec = TableSpec {
        dataset: DISOCCUPAZIONE_ISTAT,
        schema: disoccupazione_istat_schema(),
        key: &DISOCCUPAZIONE_ISTAT_KEY[1..],
    };
    tables::land(lake, &spec, paths, opts, &|name, bytes, prov| {
        let file = istat_rfl::read(name, bytes)?;
        to_table(&file, prov)
    })
}

/// The rate as the file writes it, in millionths (ISTAT writes at most 6 decimals).
fn micro(v: f64) -> i128 {
    (v * 1_000_000.0).round() as i128
}

fn to_table(f: &RflFile, prov: &Provenance) -> Result<TableData> {
    let mut by_year: BTreeMap<i32, Vec<&TassoDisoccupazione>> = BTreeMap::new();
    for t in &f.tassi {
        by_year.entry(t.periodo.dal.year()).or_default().push(t);
    }
    let vintage = crate::quality::dates::to_days(prov.vintage);
    let formato = layout_name(f);
    let mut batches = Vec::new();
    for (anno, rows) in by_year {
        let n = rows.len();
        let text = |get: &dyn Fn(&TassoDisoccupazione) -> String| -> ArrayRef {
            Arc::new(StringArray::from_iter_values(rows.iter().map(|r| get(r))))
        };
        let same = |v: &str| -> ArrayRef { Arc::new(StringArray::from_iter_values(std::iter::repeat_n(v, n))) };
        let cols: Vec<ArrayRef> = vec![
            text(&|r| r.periodicita.label(r.periodo.dal)),
            text(&|r| r.periodicita.sql_name().to_string()),
            text(&|r| r.territorio.codice_istat.clone()),
            text(&|r| r.territorio.livello.code().to_string()),
            text(&|r| r.territorio.codice.clone()),
            text(&|r| r.territorio_nome.clone()),
            text(&|r| relazione_code(r.relazione).to_string()),
            text(&|r| r.sesso.code().to_string()),
            text(&|r| r.classe_eta.clone()),
            same(MISURA),
            Arc::new(Float64Array::from_iter(rows.iter().map(|r| r.valore))),
            Arc::new(StringArray::from_iter(rows.iter().map(|r| r.flag.clone()))),
            same(formato),
            same(&prov.file_origine),
            Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.riga as i64))),
            same(&prov.sha256),
            Arc::new(Date32Array::from_iter_values(std::iter::repeat_n(vintage, n))),
            same(&prov.id_caricamento),
        ];
        batches.push((anno, RecordBatch::try_new(disoccupazione_istat_schema(), cols)?));
    }
    let values: Vec<f64> = f.tassi.iter().filter_map(|t| t.valore).collect();
    Ok(TableData {
        formato: formato.into(),
        record: f.tassi.len() as u64,
        celle_vuote: (f.tassi.len() - values.len()) as u64,
        totali: BTreeMap::from([(MISURA.to_string(), values.iter().map(|v| micro(*v)).sum())]),
        valori: BTreeMap::from([(MISURA.to_string(), values.len() as u64)]),
        batches,
    })
}
