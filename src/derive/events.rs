//! Pass 1 of `oml build`: the columns of `co_eventi` that the reconstruction needs, read in
//! parallel by row group into one compact struct per communication.
//!
//! Low-cardinality text columns are read as Parquet dictionaries and turned into small
//! integer codes once per dictionary value, not once per row; pseudonyms (32 hex digits)
//! become `u128`. Rows are numbered in a fixed order (files sorted by path, then row groups,
//! then rows), and pass 2 (`output.rs`) reads the same order back to fetch the attributes.

use anyhow::{bail, Context, Result};
use arrow::array::{Array, AsArray, DictionaryArray, StringArray};
use arrow::datatypes::{
    DataType, Date32Type, Field, Float64Type, Int32Type, Schema, SchemaRef, TimestampMicrosecondType,
};
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;
use rayon::prelude::*;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Marker for a missing date (days since 1970-01-01 otherwise).
pub const NO_DATE: i32 = i32::MIN;

/// Kind of communication, in the order used to break ties between events sent at the same instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Kind {
    Ass = 0,
    Pro = 1,
    Trs = 2,
    Ces = 3,
}

/// One communication, as the reconstruction sees it. Text codes are indexes into [`Codes`].
#[derive(Debug, Clone, Copy)]
pub struct Ev {
    pub worker: u128,
    pub employer: u128,
    pub data_invio: i64,
    /// Position in the fixed row order of `co_eventi`.
    pub row: u32,
    pub data_inizio: i32,
    pub data_fine: i32,
    pub data_evento: i32,
    pub data_fine_proroga: i32,
    pub data_trasformazione: i32,
    pub data_cessazione: i32,
    pub ore: f32,
    pub comune: u16,
    pub tipologia: u16,
    pub causa: u16,
    pub kind: Kind,
    pub macro_contratto: u8,
    pub orario: u8,
    pub trasformazione: u8,
    pub macro_causa: u8,
}

/// Code 0 of every dictionary column: the value is missing.
pub const NULL_CODE: u16 = 0;

/// Interned values of the dictionary columns (index 0 = missing).
#[derive(Debug, Clone)]
pub struct Dict {
    pub values: Vec<String>,
}

impl Dict {
    fn new() -> Dict {
        Dict {
            values: vec![String::new()],
        }
    }
    fn code(&mut self, v: &str) -> u16 {
        match self.values.iter().position(|x| x == v) {
            Some(i) => i as u16,
            None => {
                self.values.push(v.to_string());
                (self.values.len() - 1) as u16
            }
        }
    }
    /// The text of a code (None for the missing code).
    pub fn get(&self, code: u16) -> Option<&str> {
        (code != NULL_CODE).then(|| self.values.get(code as usize).map(String::as_str))?
    }
}

/// The dictionaries of pass 1.
#[derive(Debug, Clone)]
pub struct Codes {
    pub comune: Dict,
    pub tipologia: Dict,
    pub causa: Dict,
    pub macro_contratto: Dict,
    pub orario: Dict,
    pub trasformazione: Dict,
    pub macro_causa: Dict,
}

impl Codes {
    fn new() -> Codes {
        Codes {
            comune: Dict::new(),
            tipologia: Dict::new(),
            causa: Dict::new(),
            macro_contratto: Dict::new(),
            orario: Dict::new(),
            trasformazione: Dict::new(),
            macro_causa: Dict::new(),
        }
    }
}

/// One row group of one file of `co_eventi`, with the number of its first row.
#[derive(Debug, Clone)]
pub struct RowGroup {
    pub file: Arc<PathBuf>,
    pub meta: ArrowReaderMetadata,
    pub index: usize,
    pub first_row: u64,
    pub rows: u64,
}

/// Lists the row groups of the given files in the fixed row order.
pub fn row_groups(files: &[PathBuf]) -> Result<Vec<RowGroup>> {
    let mut sorted: Vec<&PathBuf> = files.iter().collect();
    sorted.sort();
    let mut out = Vec::new();
    let mut first_row = 0u64;
    for f in sorted {
        let file = File::open(f).with_context(|| format!("opening {}", f.display()))?;
        let meta = ArrowReaderMetadata::load(&file, ArrowReaderOptions::new())
            .with_context(|| format!("reading the Parquet footer of {}", f.display()))?;
        let path = Arc::new(f.clone());
        for (index, rg) in meta.metadata().row_groups().iter().enumerate() {
            let rows = rg.num_rows() as u64;
            out.push(RowGroup {
                file: path.clone(),
                meta: meta.clone(),
                index,
                first_row,
                rows,
            });
            first_row += rows;
        }
    }
    if first_row > u32::MAX as u64 {
        bail!("co_eventi has {first_row} rows: more than oml build handles in one pass (4,294,967,295)");
    }
    Ok(out)
}

/// Columns read as dictionaries in pass 1.
const DICT_COLUMNS: [&str; 8] = [
    "evento",
    "comune_lavoro",
    "tipologia_contrattuale",
    "causa_cessazione",
    "macro_contratto",
    "tipo_orario",
    "codice_trasformazione",
    "macro_causa_cessazione",
];

const PASS1_COLUMNS: [&str; 18] = [
    "evento",
    "data_invio",
    "id_lavoratore",
    "id_datore",
    "data_inizio",
    "data_fine",
    "data_evento",
    "data_fine_proroga",
    "data_trasformazione",
    "data_cessazione",
    "ore_settimanali",
    "comune_lavoro",
    "tipologia_contrattuale",
    "causa_cessazione",
    "macro_contratto",
    "tipo_orario",
    "codice_trasformazione",
    "macro_causa_cessazione",
];

/// Opens a reader over one row group with the given columns; `dict` columns come back as
/// dictionary arrays.
pub fn open_row_group(
    rg: &RowGroup,
    columns: &[&str],
    dict: &[&str],
) -> Result<parquet::arrow::arrow_reader::ParquetRecordBatchReader> {
    let schema = rg.meta.schema();
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| {
            if dict.contains(&f.name().as_str()) && f.data_type() == &DataType::Utf8 {
                Field::new(
                    f.name(),
                    DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
                    f.is_nullable(),
                )
            } else {
                f.as_ref().clone()
            }
        })
        .collect();
    let hinted: SchemaRef = Arc::new(Schema::new(fields));
    let file = File::open(rg.file.as_ref()).with_context(|| format!("opening {}", rg.file.display()))?;
    let meta = ArrowReaderMetadata::try_new(
        rg.meta.metadata().clone(),
        ArrowReaderOptions::new().with_schema(hinted),
    )
    .context("co_eventi does not have the expected columns")?;
    let mask = ProjectionMask::columns(meta.parquet_schema(), columns.iter().copied());
    Ok(ParquetRecordBatchReaderBuilder::new_with_metadata(file, meta)
        .with_projection(mask)
        .with_row_groups(vec![rg.index])
        .with_batch_size(64 * 1024)
        .build()?)
}

fn col<'a>(b: &'a arrow::record_batch::RecordBatch, name: &str) -> Result<&'a Arc<dyn Array>> {
    b.column_by_name(name)
        .with_context(|| format!("co_eventi has no column {name}"))
}

fn dates(b: &arrow::record_batch::RecordBatch, name: &str) -> Result<Vec<i32>> {
    let a = col(b, name)?
        .as_primitive_opt::<Date32Type>()
        .with_context(|| format!("co_eventi.{name} is not a DATE"))?;
    Ok((0..a.len())
        .map(|i| if a.is_null(i) { NO_DATE } else { a.value(i) })
        .collect())
}

/// Per-row codes of a dictionary column, mapped to the shared dictionary.
fn dict_codes(
    b: &arrow::record_batch::RecordBatch,
    name: &str,
    dict: &Mutex<Codes>,
    pick: fn(&mut Codes) -> &mut Dict,
) -> Result<Vec<u16>> {
    let a = col(b, name)?;
    let d: &DictionaryArray<Int32Type> = a
        .as_dictionary_opt::<Int32Type>()
        .with_context(|| format!("co_eventi.{name} is not text"))?;
    let values: &StringArray = d
        .values()
        .as_string_opt::<i32>()
        .context("dictionary values are not text")?;
    let local: Vec<u16> = {
        let mut g = dict.lock().map_err(|_| anyhow::anyhow!("dictionary lock poisoned"))?;
        let dd = pick(&mut g);
        (0..values.len())
            .map(|i| {
                if values.is_null(i) {
                    NULL_CODE
                } else {
                    dd.code(values.value(i))
                }
            })
            .collect()
    };
    let keys = d.keys();
    Ok((0..keys.len())
        .map(|i| {
            if keys.is_null(i) {
                NULL_CODE
            } else {
                local.get(keys.value(i) as usize).copied().unwrap_or(NULL_CODE)
            }
        })
        .collect())
}

fn hex_nibble(c: u8) -> Option<u128> {
    match c {
        b'0'..=b'9' => Some((c - b'0') as u128),
        b'a'..=b'f' => Some((c - b'a' + 10) as u128),
        b'A'..=b'F' => Some((c - b'A' + 10) as u128),
        _ => None,
    }
}

/// A pseudonym (32 hex digits) as a number.
pub fn parse_id(s: &str) -> Option<u128> {
    let b = s.as_bytes();
    if b.len() != 32 {
        return None;
    }
    b.iter().try_fold(0u128, |acc, &c| Some((acc << 4) | hex_nibble(c)?))
}

fn ids(b: &arrow::record_batch::RecordBatch, name: &str, first_row: u64) -> Result<Vec<u128>> {
    let a = col(b, name)?
        .as_string_opt::<i32>()
        .with_context(|| format!("co_eventi.{name} is not text"))?;
    (0..a.len())
        .map(|i| {
            if a.is_null(i) {
                bail!("co_eventi row {}: {name} is missing", first_row + i as u64);
            }
            parse_id(a.value(i)).with_context(|| {
                format!(
                    "co_eventi row {}: {name} is not a 32-digit pseudonym",
                    first_row + i as u64
                )
            })
        })
        .collect()
}

fn read_row_group(rg: &RowGroup, dict: &Mutex<Codes>) -> Result<Vec<Ev>> {
    let mut out = Vec::with_capacity(rg.rows as usize);
    let mut row = rg.first_row;
    for batch in open_row_group(rg, &PASS1_COLUMNS, &DICT_COLUMNS)? {
        let b = batch.with_context(|| format!("reading {}", rg.file.display()))?;
        let evento = col(&b, "evento")?
            .as_dictionary_opt::<Int32Type>()
            .context("co_eventi.evento is not text")?;
        let ev_values = evento.values().as_string_opt::<i32>().context("evento values")?;
        let kinds: Vec<Option<Kind>> = (0..ev_values.len())
            .map(|i| match ev_values.value(i) {
                "ASS" => Some(Kind::Ass),
                "PRO" => Some(Kind::Pro),
                "TRS" => Some(Kind::Trs),
                "CES" => Some(Kind::Ces),
                _ => None,
            })
            .collect();
        let invio = col(&b, "data_invio")?
            .as_primitive_opt::<TimestampMicrosecondType>()
            .context("co_eventi.data_invio is not a timestamp")?;
        let ore = col(&b, "ore_settimanali")?
            .as_primitive_opt::<Float64Type>()
            .context("co_eventi.ore_settimanali is not a number")?;
        let workers = ids(&b, "id_lavoratore", row)?;
        let employers = ids(&b, "id_datore", row)?;
        let [inizio, fine, evd, proroga, trasf, cess] = [
            "data_inizio",
            "data_fine",
            "data_evento",
            "data_fine_proroga",
            "data_trasformazione",
            "data_cessazione",
        ]
        .map(|c| dates(&b, c));
        let (inizio, fine, evd, proroga, trasf, cess) = (inizio?, fine?, evd?, proroga?, trasf?, cess?);
        let comune = dict_codes(&b, "comune_lavoro", dict, |c| &mut c.comune)?;
        let tipologia = dict_codes(&b, "tipologia_contrattuale", dict, |c| &mut c.tipologia)?;
        let causa = dict_codes(&b, "causa_cessazione", dict, |c| &mut c.causa)?;
        let macro_ = dict_codes(&b, "macro_contratto", dict, |c| &mut c.macro_contratto)?;
        let orario = dict_codes(&b, "tipo_orario", dict, |c| &mut c.orario)?;
        let trasformazione = dict_codes(&b, "codice_trasformazione", dict, |c| &mut c.trasformazione)?;
        let macro_causa = dict_codes(&b, "macro_causa_cessazione", dict, |c| &mut c.macro_causa)?;
        for i in 0..b.num_rows() {
            let k = evento.keys();
            let kind = (!k.is_null(i))
                .then(|| kinds.get(k.value(i) as usize).copied().flatten())
                .flatten()
                .with_context(|| format!("co_eventi row {}: unknown evento", row + i as u64))?;
            if inizio[i] == NO_DATE {
                bail!("co_eventi row {}: data_inizio is missing", row + i as u64);
            }
            out.push(Ev {
                worker: workers[i],
                employer: employers[i],
                data_invio: invio.value(i),
                row: (row + i as u64) as u32,
                data_inizio: inizio[i],
                data_fine: fine[i],
                data_evento: evd[i],
                data_fine_proroga: proroga[i],
                data_trasformazione: trasf[i],
                data_cessazione: cess[i],
                ore: if ore.is_null(i) { f32::NAN } else { ore.value(i) as f32 },
                comune: comune[i],
                tipologia: tipologia[i],
                causa: causa[i],
                kind,
                macro_contratto: macro_[i] as u8,
                orario: orario[i] as u8,
                trasformazione: trasformazione[i] as u8,
                macro_causa: macro_causa[i] as u8,
            });
        }
        row += b.num_rows() as u64;
    }
    Ok(out)
}

/// Reads every communication of `co_eventi` (pass 1), in the fixed row order.
pub fn read_events(groups: &[RowGroup], progress: &(dyn Fn(u64) + Sync)) -> Result<(Vec<Ev>, Codes)> {
    let dict = Mutex::new(Codes::new());
    let parts: Vec<Vec<Ev>> = groups
        .par_iter()
        .map(|rg| {
            let v = read_row_group(rg, &dict)?;
            progress(rg.rows);
            Ok(v)
        })
        .collect::<Result<_>>()?;
    let total = parts.iter().map(Vec::len).sum();
    let mut events = Vec::with_capacity(total);
    for p in parts {
        events.extend(p);
    }
    let codes = dict
        .into_inner()
        .map_err(|_| anyhow::anyhow!("dictionary lock poisoned"))?;
    for (name, d) in [
        ("tipologia", &codes.tipologia),
        ("comune", &codes.comune),
        ("causa", &codes.causa),
    ] {
        if d.values.len() > u16::MAX as usize {
            bail!("too many distinct {name} codes ({})", d.values.len());
        }
    }
    for (name, d) in [
        ("macro_contratto", &codes.macro_contratto),
        ("tipo_orario", &codes.orario),
        ("codice_trasformazione", &codes.trasformazione),
        ("macro_causa_cessazione", &codes.macro_causa),
    ] {
        if d.values.len() > u8::MAX as usize {
            bail!("too many distinct {name} codes ({})", d.values.len());
        }
    }
    Ok((events, codes))
}

/// Files of a dataset listed in the manifest, as absolute paths.
pub fn dataset_files(root: &Path, rels: &[String]) -> Vec<PathBuf> {
    rels.iter().map(|r| root.join(r)).collect()
}
