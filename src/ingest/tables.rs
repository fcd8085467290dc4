//! The landing path of an aggregate public table (`oml ingest cig`, `oml ingest istat`): a
//! few files, each read whole by its reader into long rows (dimensions, `misura`, `valore`,
//! provenance), written as one atomic generation under the writer lock.
//!
//! What it guarantees, per file: a file whose sha256 the lake already holds adds nothing; the
//! rows are written, read back from the new generation and summed per measure, and the load is
//! refused unless each sum equals the file's own total (exact, in millionths) and, where the
//! reader counts them (rates, which are never added up: `oml ingest istat`), the number of
//! values per measure equals the file's too; every vintage is
//! kept, and the load counts the rows of earlier loads whose key it restates (`superate`: the
//! view of `sql/staging/` shows the latest vintage per key) and its own rows a newer vintage
//! already restates (`gia_superate`). Any error — a file refused by its reader, a total that
//! does not match — leaves the lake as it was. `oml build`'s datasets stay valid: an aggregate
//! table does not touch the communications.

use crate::lake::manifest::{Manifest, TabellaRecord, Totale};
use crate::lake::{self, schema, Lake, PartitionedWriter, Staging};
use anyhow::{bail, Context, Result};
use arrow::array::{Array, Date32Array, Float64Array, StringArray};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// Millionths per unit: totals are compared exactly as integers of millionths.
const MICRO: f64 = 1_000_000.0;

/// An aggregate table: its dataset, schema (without `anno`, the partition) and the columns of
/// its key besides `anno` (a newer vintage of a key supersedes an older one).
pub struct TableSpec {
    pub dataset: &'static str,
    pub schema: SchemaRef,
    pub key: &'static [&'static str],
}

/// Where the rows of a file come from, for its provenance columns.
pub struct Provenance {
    /// The file as named on the command line.
    pub file_origine: String,
    pub sha256: String,
    pub vintage: NaiveDate,
    pub id_caricamento: String,
}

/// A file read by its reader.
pub struct TableData {
    pub formato: String,
    pub record: u64,
    pub celle_vuote: u64,
    /// The file's own total per measure, in millionths.
    pub totali: BTreeMap<String, i128>,
    /// The number of values per measure the file states (empty cells excluded), when the
    /// reader checks it (empty: not checked).
    pub valori: BTreeMap<String, u64>,
    /// The rows, by year, in the table's schema.
    pub batches: Vec<(i32, RecordBatch)>,
}

/// Options of a load.
#[derive(Debug, Clone, Default)]
pub struct LandOptions {
    /// The vintage of the files (default: today).
    pub vintage: Option<NaiveDate>,
    /// Test hook: fail after writing and checking, before the manifest.
    pub fail_before_commit: bool,
}

/// What a load did.
#[derive(Debug, Clone, Default)]
pub struct LandReport {
    /// The files loaded, as recorded in the manifest.
    pub caricati: Vec<TabellaRecord>,
    /// Files skipped: already in the lake (same sha256), or given twice.
    pub gia_presenti: Vec<String>,
}

/// Reads one file into rows: `(name, bytes, provenance)`.
pub type ReadTable<'a> = dyn Fn(&str, &[u8], &Provenance) -> Result<TableData> + 'a;

/// Loads `paths` into the table `spec` of `lake`.
pub fn land(
    lake: &Lake,
    spec: &TableSpec,
    paths: &[PathBuf],
    opts: &LandOptions,
    read: &ReadTable,
) -> Result<LandReport> {
    let mut files = Vec::new();
    for p in paths {
        let (bytes, sha) = crate::sources::read_whole(p)?;
        files.push((p.clone(), bytes, sha));
    }
    let lock = lake.lock_writer("ingest", &|msg| eprintln!("{msg}"))?;
    let manifest = lake.manifest()?;
    let mut report = LandReport::default();
    let mut new = Vec::new();
    for f in files {
        let seen = new.iter().any(|(_, _, s): &(PathBuf, Vec<u8>, String)| *s == f.2);
        if seen || manifest.table_input(spec.dataset, &f.2).is_some() {
            report.gia_presenti.push(f.0.display().to_string());
        } else {
            new.push(f);
        }
    }
    if new.is_empty() {
        return Ok(report);
    }
    let vintage = opts.vintage.unwrap_or_else(|| chrono::Local::now().date_naive());
    // Every file is read (and refused, if it must be) before anything is written.
    let next = manifest.generazione + 1;
    let mut read_all = Vec::with_capacity(new.len());
    for (path, bytes, sha) in &new {
        let prov = Provenance {
            file_origine: path.display().to_string(),
            sha256: sha.clone(),
            vintage,
            id_caricamento: format!("{next:06}-{}", &sha[..12]),
        };
        let data = read(&prov.file_origine, bytes, &prov)?;
        read_all.push((prov, bytes.len() as u64, data));
    }
    let mut current = KeyIndex::load(lake, &manifest, spec)?;
    let staging = lake.begin(lock)?;
    if staging.number != next {
        bail!(
            "internal error: the lake's generation is {}, its manifest says {}",
            staging.number - 1,
            manifest.generazione
        );
    }
    let mut m = manifest.clone();
    for (prov, bytes, data) in read_all {
        let record = land_file(&staging, spec, &prov, bytes, data, &mut current, &mut m)?;
        report.caricati.push(record);
    }
    m.formato = "oml-lake".into();
    m.versione_schema = schema::SCHEMA_VERSION;
    m.generazione = staging.number;
    m.aggiornato = chrono::Local::now()
        .naive_local()
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string();
    m.datasets
        .entry(spec.dataset.into())
        .or_default()
        .sort_by(|a, b| a.path.cmp(&b.path));
    if opts.fail_before_commit {
        bail!("simulated crash before the manifest (test hook)");
    }
    staging.commit(&m).context("committing the new lake generation")?;
    Ok(report)
}

/// Writes one file's rows, reads them back, checks the totals and records the load in `m`.
fn land_file(
    staging: &Staging,
    spec: &TableSpec,
    prov: &Provenance,
    bytes: u64,
    data: TableData,
    current: &mut KeyIndex,
    m: &mut Manifest,
) -> Result<TabellaRecord> {
    let mut w = PartitionedWriter::new(
        staging,
        spec.dataset,
        &format!("part-{}", prov.id_caricamento),
        spec.schema.clone(),
    );
    let (mut superate, mut gia_superate) = (0, 0);
    for (anno, batch) in &data.batches {
        w.write(*anno, batch)?;
        let (s, g) = current.restate(*anno, batch, spec)?;
        superate += s;
        gia_superate += g;
    }
    let written = w.finish()?;
    // The totals of what the new generation holds, read back from its files.
    let mut loaded: BTreeMap<String, i128> = BTreeMap::new();
    let mut counted: BTreeMap<String, u64> = BTreeMap::new();
    for f in &written {
        for b in lake::read_file(&staging.path(&f.path))? {
            let misura = string_col(&b, "misura")?;
            let valore = b
                .column_by_name("valore")
                .and_then(|c| c.as_any().downcast_ref::<Float64Array>())
                .context("valore is not a DOUBLE column")?;
            for i in 0..b.num_rows() {
                let m = loaded.entry(misura.value(i).to_string()).or_default();
                if valore.is_valid(i) {
                    *m += (valore.value(i) * MICRO).round() as i128;
                    *counted.entry(misura.value(i).to_string()).or_default() += 1;
                }
            }
        }
    }
    let mut totali = BTreeMap::new();
    for misura in data.totali.keys().chain(loaded.keys()) {
        let (file, caricato) = (
            data.totali.get(misura).copied().unwrap_or(0),
            loaded.get(misura).copied().unwrap_or(0),
        );
        if file != caricato {
            bail!(
                "{}: {misura}: the file totals {} but the lake would hold {}; nothing was committed",
                prov.file_origine,
                decimal(file),
                decimal(caricato)
            );
        }
        totali.insert(
            misura.clone(),
            Totale {
                file: decimal(file),
                caricato: decimal(caricato),
            },
        );
    }
    for (misura, &n) in &data.valori {
        let caricati = counted.get(misura).copied().unwrap_or(0);
        if n != caricati {
            bail!(
                "{}: {misura}: the file has {n} values but the lake would hold {caricati}; nothing was committed",
                prov.file_origine
            );
        }
        totali.insert(
            format!("{misura} (numero di valori)"),
            Totale {
                file: n.to_string(),
                caricato: caricati.to_string(),
            },
        );
    }
    let record = TabellaRecord {
        dataset: spec.dataset.into(),
        id_caricamento: prov.id_caricamento.clone(),
        caricato: chrono::Local::now()
            .naive_local()
            .format("%Y-%m-%dT%H:%M:%S")
            .to_string(),
        path: prov.file_origine.clone(),
        sha256: prov.sha256.clone(),
        bytes,
        formato: data.formato,
        vintage: prov.vintage.to_string(),
        record: data.record,
        celle_vuote: data.celle_vuote,
        righe: written.iter().map(|f| f.rows).sum(),
        totali,
        superate,
        gia_superate,
    };
    m.datasets.entry(spec.dataset.into()).or_default().extend(written);
    m.tabelle.push(record.clone());
    Ok(record)
}

/// A value in millionths as exact decimal text: `1234`, `1234.5`.
pub fn decimal(v: i128) -> String {
    let (sign, a) = if v < 0 { ("-", -v) } else { ("", v) };
    let (int, frac) = (a / 1_000_000, a % 1_000_000);
    if frac == 0 {
        return format!("{sign}{int}");
    }
    format!("{sign}{int}.{}", format!("{frac:06}").trim_end_matches('0'))
}

fn string_col<'b>(b: &'b RecordBatch, name: &str) -> Result<&'b StringArray> {
    b.column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<StringArray>())
        .with_context(|| format!("{name} is not a text column"))
}

/// The rows the table's view shows: key → (vintage, load) of the latest.
struct KeyIndex {
    latest: HashMap<String, (i32, String)>,
}

impl KeyIndex {
    /// The keys of every file of the table in the committed lake.
    fn load(lake: &Lake, manifest: &Manifest, spec: &TableSpec) -> Result<KeyIndex> {
        let mut ix = KeyIndex { latest: HashMap::new() };
        for f in manifest.files(spec.dataset) {
            let path = lake.file_path(&f.path).context("the lake has no current generation")?;
            for b in lake::read_file(&path)? {
                ix.restate(f.anno, &b, spec)?;
            }
        }
        Ok(ix)
    }

    /// Takes the rows of `batch` (year `anno`): (rows of the index they supersede, rows of
    /// theirs already superseded by a newer vintage).
    fn restate(&mut self, anno: i32, batch: &RecordBatch, spec: &TableSpec) -> Result<(u64, u64)> {
        let cols = spec
            .key
            .iter()
            .map(|k| batch.column_by_name(k).with_context(|| format!("no key column {k}")))
            .collect::<Result<Vec<_>>>()?;
        let vintage = batch
            .column_by_name("vintage")
            .and_then(|c| c.as_any().downcast_ref::<Date32Array>())
            .context("vintage is not a DATE column")?;
        let id = string_col(batch, "id_caricamento")?;
        let (mut superate, mut gia) = (0, 0);
        for i in 0..batch.num_rows() {
            let mut key = anno.to_string();
            for c in &cols {
                key.push('\u{1f}');
                key.push_str(&arrow::util::display::array_value_to_string(c, i)?);
            }
            let new = (vintage.value(i), id.value(i).to_string());
            match self.latest.get_mut(&key) {
                None => {
                    self.latest.insert(key, new);
                }
                Some(old) if new > *old => {
                    *old = new;
                    superate += 1;
                }
                Some(_) => gia += 1,
            }
        }
        Ok((superate, gia))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn decimal_text_is_exact() {
        assert_eq!(super::decimal(1_234_500_000), "1234.5");
        assert_eq!(super::decimal(15_785_000_000), "15785");
        assert_eq!(super::decimal(1), "0.000001");
        assert_eq!(super::decimal(-2_500_000), "-2.5");
    }
}
