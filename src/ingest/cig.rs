//! `oml ingest cig`: INPS cassa integrazione open data into the lake (`cig_versioni`, view `cig`). The reader
//! (`sources::inps_cig`) turns each file into coded long rows; here they become Arrow batches
//! with their provenance, and `tables::land` writes them as one atomic generation, checking
//! that the stored totals equal the file's own per measure.

use super::tables::{self, LandOptions, LandReport, Provenance, TableData, TableSpec};
use crate::lake::tabelle::{cig_schema, CIG, CIG_KEY};
use crate::lake::Lake;
use crate::sources::inps_cig::{self, CigFile, CigFormat};
use anyhow::Result;
use arrow::array::{ArrayRef, Date32Array, Float64Array, Int32Array, Int64Array, StringArray};
use arrow::record_batch::RecordBatch;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Options of `oml ingest cig`.
#[derive(Debug, Clone, Default)]
pub struct CigOptions {
    /// Force the layout instead of detecting it from the header.
    pub format: Option<CigFormat>,
    pub land: LandOptions,
}

/// Loads INPS CIG files into `lake` (`cig_versioni`, view `cig`).
pub fn ingest_cig(lake: &Lake, paths: &[PathBuf], opts: &CigOptions) -> Result<LandReport> {
    let spec = TableSpec {
        dataset: CIG,
        schema: cig_schema(),
        key: &CIG_KEY[1..],
    };
    tables::land(lake, &spec, paths, &opts.land, &|name, bytes, prov| {
        let file = inps_cig::read(name, bytes, opts.format)?;
        to_table(&file, prov)
    })
}

/// The rows of a CIG file as batches by year, with their provenance.
fn to_table(f: &CigFile, prov: &Provenance) -> Result<TableData> {
    let mut by_year: BTreeMap<i32, Vec<&inps_cig::CigRow>> = BTreeMap::new();
    for r in &f.righe {
        by_year.entry(r.anno).or_default().push(r);
    }
    let vintage = crate::quality::dates::to_days(prov.vintage);
    let mut batches = Vec::new();
    for (anno, rows) in by_year {
        let n = rows.len();
        let text = |get: &dyn Fn(&inps_cig::CigRow) -> &str| -> ArrayRef {
            Arc::new(StringArray::from_iter_values(rows.iter().map(|r| get(r))))
        };
        let same = |v: &str| -> ArrayRef { Arc::new(StringArray::from_iter_values(std::iter::repeat_n(v, n))) };
        let cols: Vec<ArrayRef> = vec![
            Arc::new(Int32Array::from_iter_values(rows.iter().map(|r| r.mese as i32))),
            text(&|r| &r.territorio),
            text(&|r| r.livello.code()),
            text(&|r| &r.tipo_intervento),
            text(&|r| &r.settore),
            text(&|r| r.misura.code()),
            Arc::new(Float64Array::from_iter_values(
                rows.iter().map(|r| r.valore as f64 / inps_cig::MICRO as f64),
            )),
            same(f.formato.name()),
            same(&prov.file_origine),
            Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.riga as i64))),
            same(&prov.sha256),
            Arc::new(Date32Array::from_iter_values(std::iter::repeat_n(vintage, n))),
            same(&prov.id_caricamento),
        ];
        batches.push((anno, RecordBatch::try_new(cig_schema(), cols)?));
    }
    Ok(TableData {
        formato: f.formato.name().into(),
        record: f.record,
        celle_vuote: f.celle_vuote,
        totali: f.totali.iter().map(|(m, v)| (m.code().to_string(), *v)).collect(),
        valori: Default::default(),
        batches,
    })
}
