//! `oml ingest did`, `oml ingest cig-lavoratori`, `oml ingest mobilita`: the individual records of
//! the labour information system into the lake (`did_eventi`, `cig_lavoratori`,
//! `mobilita_eventi`; rejects in `registri_quarantena`), as one atomic generation under the
//! writer lock.
//!
//! Per load: every file is read and checked before anything is written (a file the reader
//! refuses — wrong header, a record over several lines — stops the load and the lake stays as it
//! was); a file whose sha256, or whose content (the keyed fingerprints of its records), the lake
//! already holds adds nothing; each record passes the rules of its layout (`sources::registri`),
//! is not already in the lake or earlier in the load (`duplicato`), and passes the rules between
//! records against what the lake holds (`coerenza`: the sequence of a DID or a pratica, DIDs and
//! CIG periods that overlap). Per file, `letti = accettati + quarantena`, recorded in the
//! manifest (`registri`), with the values of coded columns dropped from accepted records
//! (`valori_non_codificati_scartati`, by shape: `privacy`). The pseudonyms use the lake's key
//! (a lake made with another key is refused), so `id_lavoratore` and `id_datore` equal those of
//! `co_eventi`.

mod coerenza;
mod tipi;

use crate::lake::manifest::{Manifest, RegistroRecord};
use crate::lake::registri::{quarantena_schema, REGISTRI_QUARANTENA};
use crate::lake::{self, schema, Lake, PartitionedWriter};
use crate::privacy::{Key, Pseudonymizer};
use crate::sources::registri::{self as src, Motivo, Rifiuto, Tracciato};
use anyhow::{bail, Context, Result};
use arrow::array::{ArrayRef, BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder};
use arrow::datatypes::{DataType, SchemaRef};
use arrow::record_batch::RecordBatch;
use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

pub use tipi::{CigLavoratori, Did, Mobilita};

/// A value of a row, in the order of its dataset's schema.
#[derive(Debug, Clone)]
pub enum Cella {
    T(Option<String>),
    D(Option<NaiveDate>),
    I(Option<i64>),
    F(Option<f64>),
    B(Option<bool>),
}

/// One of the three layouts: how its records are checked, stored and related.
pub trait Registro: Sized {
    /// The dataset it lands in.
    const DATASET: &'static str;
    fn tracciato() -> &'static Tracciato;
    fn schema() -> SchemaRef;
    fn valida(r: &src::Riga, pseudo: &mut Pseudonymizer) -> Result<Self, Rifiuto>;
    fn riga(&self) -> u64;
    /// The partition: the year of the event or of the period's start.
    fn anno(&self) -> i32;
    /// The values of the schema's columns before the provenance ones.
    fn celle(&self) -> Vec<Cella>;
    /// The rows of the lake the rules between records need.
    fn esistenti(batch: &RecordBatch) -> Result<Vec<Self>>;
    /// The rules between records: for each new record, why it is refused (`None`: accepted).
    fn coerenza(esistenti: &[Self], nuovi: &[&Self]) -> Vec<Option<Rifiuto>>;
    /// The keys of the values of coded columns dropped from the record (`quality::codici`).
    fn scartati(&self) -> &[String] {
        &[]
    }
}

/// What a load did.
#[derive(Debug, Clone, Default)]
pub struct RegistriReport {
    pub caricati: Vec<RegistroRecord>,
    /// Files skipped: same sha256 or same content as a file already loaded, or given twice.
    pub gia_presenti: Vec<String>,
}

/// A record read from a new file: accepted so far, or refused with its reason.
struct Letto<R> {
    riga: u64,
    esito: std::result::Result<R, Rifiuto>,
    impronta: Option<String>,
    /// The redacted text of a refused record (`Riga::estratto`): computed for the records that
    /// validation refuses; for those refused later (duplicates, rules between records) by
    /// [`estratti_tardivi`], so that accepted records cost no text.
    estratto: Option<String>,
}

struct FileNuovo<R> {
    path: PathBuf,
    bytes: u64,
    sha: String,
    codifica: &'static str,
    impronta_contenuto: String,
    righe: Vec<Letto<R>>,
}

/// Loads `paths` of layout `R` into `lake`, pseudonymising with `key`.
pub fn ingest<R: Registro>(lake: &Lake, key: &Key, paths: &[PathBuf]) -> Result<RegistriReport> {
    ingest_opts::<R>(lake, key, paths, false)
}

/// [`ingest`], with a test hook: `fail_before_commit` fails after writing, before the manifest.
pub fn ingest_opts<R: Registro>(
    lake: &Lake,
    key: &Key,
    paths: &[PathBuf],
    fail_before_commit: bool,
) -> Result<RegistriReport> {
    let t = R::tracciato();
    let mut inputs = Vec::new();
    for p in paths {
        let (bytes, sha) = crate::sources::read_whole(p)?;
        inputs.push((p.clone(), bytes, sha));
    }
    let lock = lake.lock_writer("ingest", &|msg| eprintln!("{msg}"))?;
    let manifest = lake.manifest()?;
    key.check_against(manifest.impronta_chiave.as_deref())?;
    let mut pseudo = Pseudonymizer::new(key);
    let mut report = RegistriReport::default();
    let mut nuovi: Vec<FileNuovo<R>> = Vec::new();
    let seen =
        |m: &Manifest, f: &dyn Fn(&RegistroRecord) -> bool| m.registri.iter().any(|r| r.dataset == R::DATASET && f(r));
    for (path, bytes, sha) in inputs {
        if seen(&manifest, &|r| r.sha256 == sha) || nuovi.iter().any(|n| n.sha == sha) {
            report.gia_presenti.push(path.display().to_string());
            continue;
        }
        let name = path.display().to_string();
        let file = src::read(&name, &bytes, t)?;
        let mut righe = Vec::with_capacity(file.righe.len());
        let mut impronte = Vec::with_capacity(file.righe.len());
        for r in file.righe {
            match r {
                Ok(riga) => {
                    let impronta = riga.impronta(t, &pseudo);
                    impronte.push(impronta.clone());
                    let esito = R::valida(&riga, &mut pseudo);
                    righe.push(Letto {
                        riga: riga.riga,
                        estratto: esito.is_err().then(|| riga.estratto(t)),
                        esito,
                        impronta: Some(impronta),
                    });
                }
                Err((riga, why)) => {
                    impronte.push(format!("malformato:{}", why.dettaglio));
                    righe.push(Letto {
                        riga,
                        esito: Err(why),
                        impronta: None,
                        estratto: None,
                    });
                }
            }
        }
        impronte.sort();
        let impronta_contenuto = hex::encode(Sha256::digest(impronte.join("\n").as_bytes()));
        if seen(&manifest, &|r| r.impronta_contenuto == impronta_contenuto)
            || nuovi.iter().any(|n| n.impronta_contenuto == impronta_contenuto)
        {
            report.gia_presenti.push(name);
            continue;
        }
        nuovi.push(FileNuovo {
            path,
            bytes: bytes.len() as u64,
            sha,
            codifica: file.codifica,
            impronta_contenuto,
            righe,
        });
    }
    if nuovi.is_empty() {
        return Ok(report);
    }
    // The lake's rows: their fingerprints (duplicates) and what the rules between records need.
    let mut impronte_lago: HashSet<String> = HashSet::new();
    let mut esistenti: Vec<R> = Vec::new();
    for f in manifest.files(R::DATASET) {
        let path = lake.file_path(&f.path).context("the lake has no current generation")?;
        for b in lake::read_file(&path)? {
            let col = b
                .column_by_name("impronta_record")
                .and_then(|c| c.as_any().downcast_ref::<arrow::array::StringArray>())
                .context("impronta_record is not a text column")?;
            impronte_lago.extend(col.iter().flatten().map(str::to_string));
            esistenti.extend(R::esistenti(&b)?);
        }
    }
    for f in &mut nuovi {
        for l in &mut f.righe {
            if let (Ok(_), Some(imp)) = (&l.esito, &l.impronta) {
                if !impronte_lago.insert(imp.clone()) {
                    l.esito = Err(Rifiuto {
                        motivo: Motivo::Duplicato,
                        campo: None,
                        dettaglio: "record già nel lago o già letto in questo caricamento".into(),
                    });
                }
            }
        }
    }
    // The rules between records, over every accepted record of the load at once.
    let mut posti = Vec::new();
    let mut candidati = Vec::new();
    for (fi, f) in nuovi.iter().enumerate() {
        for (li, l) in f.righe.iter().enumerate() {
            if let Ok(r) = &l.esito {
                posti.push((fi, li));
                candidati.push(r);
            }
        }
    }
    let esiti = R::coerenza(&esistenti, &candidati);
    drop(candidati);
    for ((fi, li), why) in posti.into_iter().zip(esiti) {
        if let Some(why) = why {
            nuovi[fi].righe[li].esito = Err(why);
        }
    }
    let staging = lake.begin(lock)?;
    if staging.number != manifest.generazione + 1 {
        bail!(
            "internal error: the lake's generation is {}, its manifest says {}",
            staging.number - 1,
            manifest.generazione
        );
    }
    let mut m = manifest.clone();
    let oggi = chrono::Local::now();
    let anno_caricamento = oggi.year();
    for mut f in nuovi {
        estratti_tardivi(&mut f, t)?;
        let id_caricamento = format!("{:06}-{}", staging.number, &f.sha[..12]);
        let file_origine = f.path.display().to_string();
        let mut per_anno: BTreeMap<i32, Vec<(&R, &str, u64)>> = BTreeMap::new();
        let mut scarti = Vec::new();
        let mut per_motivo: BTreeMap<String, u64> = BTreeMap::new();
        let mut non_codificati = crate::quality::Scartati::new();
        for l in &f.righe {
            match &l.esito {
                Ok(r) => {
                    for k in r.scartati() {
                        crate::quality::conta_scartato(&mut non_codificati, k, 1);
                    }
                    per_anno
                        .entry(r.anno())
                        .or_default()
                        .push((r, l.impronta.as_deref().unwrap_or_default(), l.riga))
                }
                Err(why) => {
                    *per_motivo.entry(why.motivo.code().to_string()).or_default() += 1;
                    scarti.push((l.riga, why, l.estratto.as_deref()));
                }
            }
        }
        let prov = Prov {
            formato: t.formato,
            file_origine: &file_origine,
            sha256: &f.sha,
            id_caricamento: &id_caricamento,
        };
        let mut w = PartitionedWriter::new(&staging, R::DATASET, &format!("part-{id_caricamento}"), R::schema());
        let mut accettati = 0u64;
        for (anno, rows) in &per_anno {
            accettati += rows.len() as u64;
            w.write(*anno, &righe_batch::<R>(rows, &prov)?)?;
        }
        let written = w.finish()?;
        let mut wq = PartitionedWriter::new(
            &staging,
            REGISTRI_QUARANTENA,
            &format!("part-{id_caricamento}"),
            quarantena_schema(),
        );
        wq.write(anno_caricamento, &scarti_batch(&scarti, &prov)?)?;
        let written_q = wq.finish()?;
        let record = RegistroRecord {
            dataset: R::DATASET.into(),
            formato: t.formato.into(),
            id_caricamento,
            caricato: oggi.naive_local().format("%Y-%m-%dT%H:%M:%S").to_string(),
            path: file_origine.clone(),
            sha256: f.sha.clone(),
            impronta_contenuto: f.impronta_contenuto.clone(),
            bytes: f.bytes,
            codifica: f.codifica.into(),
            letti: f.righe.len() as u64,
            accettati,
            quarantena: scarti.len() as u64,
            duplicati: per_motivo.get(Motivo::Duplicato.code()).copied().unwrap_or(0),
            per_motivo,
            valori_non_codificati_scartati: non_codificati,
        };
        // The account, checked on what was written.
        let scritti: u64 = written.iter().chain(&written_q).map(|e| e.rows).sum();
        if !record.reconciles() || scritti != record.letti {
            bail!(
                "{file_origine}: {} records read but {} written ({} accepted, {} quarantined); nothing was committed",
                record.letti,
                scritti,
                record.accettati,
                record.quarantena
            );
        }
        m.datasets.entry(R::DATASET.into()).or_default().extend(written);
        m.datasets
            .entry(REGISTRI_QUARANTENA.into())
            .or_default()
            .extend(written_q);
        m.registri.push(record.clone());
        report.caricati.push(record);
    }
    m.formato = "oml-lake".into();
    m.versione_schema = schema::SCHEMA_VERSION;
    m.generazione = staging.number;
    m.impronta_chiave = Some(key.fingerprint());
    m.aggiornato = oggi.naive_local().format("%Y-%m-%dT%H:%M:%S").to_string();
    for d in [R::DATASET, REGISTRI_QUARANTENA] {
        m.datasets
            .entry(d.into())
            .or_default()
            .sort_by(|a, b| a.path.cmp(&b.path));
    }
    if fail_before_commit {
        bail!("simulated crash before the manifest (test hook)");
    }
    staging.commit(&m).context("committing the new lake generation")?;
    Ok(report)
}

/// The redacted texts of the records refused after validation (duplicates, rules between
/// records), from a second read of the file from disk: rare, so accepted records never build
/// one and the file's bytes are not held meanwhile. A file changed since the first read is an
/// error (nothing is committed).
fn estratti_tardivi<R>(f: &mut FileNuovo<R>, t: &Tracciato) -> Result<()> {
    let manca = |l: &Letto<R>| l.esito.is_err() && l.estratto.is_none() && l.impronta.is_some();
    if !f.righe.iter().any(manca) {
        return Ok(());
    }
    let (bytes, sha) = crate::sources::read_whole(&f.path)?;
    anyhow::ensure!(
        sha == f.sha,
        "{}: the file changed while it was being loaded; nothing was committed",
        f.path.display()
    );
    let file = src::read(&f.path.display().to_string(), &bytes, t)?;
    anyhow::ensure!(
        file.righe.len() == f.righe.len(),
        "{}: the second read gave {} records instead of {}",
        f.path.display(),
        file.righe.len(),
        f.righe.len()
    );
    for (l, r) in f.righe.iter_mut().zip(file.righe) {
        if let (true, Ok(riga)) = (manca(l), r) {
            l.estratto = Some(riga.estratto(t));
        }
    }
    Ok(())
}

struct Prov<'a> {
    formato: &'static str,
    file_origine: &'a str,
    sha256: &'a str,
    id_caricamento: &'a str,
}

/// The rows of one year as a batch of the dataset's schema.
fn righe_batch<R: Registro>(rows: &[(&R, &str, u64)], prov: &Prov) -> Result<RecordBatch> {
    let schema = R::schema();
    let n_dati = schema.fields().len() - 6;
    let celle: Vec<Vec<Cella>> = rows.iter().map(|(r, _, _)| r.celle()).collect();
    let mut cols: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
    for (i, field) in schema.fields().iter().take(n_dati).enumerate() {
        cols.push(colonna(field.data_type(), celle.iter().map(|c| &c[i]))?);
    }
    let same = |v: &str| -> ArrayRef { Arc::new(arrow::array::StringArray::from_iter_values(rows.iter().map(|_| v))) };
    cols.push(same(prov.formato));
    cols.push(same(prov.file_origine));
    cols.push(Arc::new(arrow::array::Int64Array::from_iter_values(
        rows.iter().map(|(_, _, l)| *l as i64),
    )));
    cols.push(same(prov.sha256));
    cols.push(same(prov.id_caricamento));
    cols.push(Arc::new(arrow::array::StringArray::from_iter_values(
        rows.iter().map(|(_, imp, _)| *imp),
    )));
    Ok(RecordBatch::try_new(schema, cols)?)
}

/// One column from the cells of a type.
fn colonna<'a>(t: &DataType, celle: impl Iterator<Item = &'a Cella>) -> Result<ArrayRef> {
    macro_rules! build {
        ($b:ty, $var:ident, $conv:expr) => {{
            let mut b = <$b>::new();
            for c in celle {
                match c {
                    Cella::$var(v) => b.append_option(v.as_ref().map($conv)),
                    other => bail!("internal error: {other:?} in a {t} column"),
                }
            }
            Arc::new(b.finish()) as ArrayRef
        }};
    }
    Ok(match t {
        DataType::Utf8 => build!(StringBuilder, T, String::as_str),
        DataType::Date32 => build!(Date32Builder, D, |d: &NaiveDate| crate::quality::dates::to_days(*d)),
        DataType::Int64 => build!(Int64Builder, I, |v: &i64| *v),
        DataType::Float64 => build!(Float64Builder, F, |v: &f64| *v),
        DataType::Boolean => build!(BooleanBuilder, B, |v: &bool| *v),
        other => bail!("internal error: no cells for {other}"),
    })
}

/// The quarantined records of one file.
fn scarti_batch(scarti: &[(u64, &Rifiuto, Option<&str>)], prov: &Prov) -> Result<RecordBatch> {
    let mut cols: [StringBuilder; 4] = Default::default();
    let mut riga = Int64Builder::new();
    let mut estratto = StringBuilder::new();
    for (l, why, ex) in scarti {
        cols[0].append_value(prov.formato);
        cols[1].append_value(why.motivo.code());
        cols[2].append_option(why.campo);
        cols[3].append_value(&why.dettaglio);
        riga.append_value(*l as i64);
        estratto.append_option(*ex);
    }
    let same =
        |v: &str| -> ArrayRef { Arc::new(arrow::array::StringArray::from_iter_values(scarti.iter().map(|_| v))) };
    let [mut formato, mut motivo, mut campo, mut dettaglio] = cols;
    let out: Vec<ArrayRef> = vec![
        Arc::new(formato.finish()),
        Arc::new(motivo.finish()),
        Arc::new(campo.finish()),
        Arc::new(dettaglio.finish()),
        same(prov.file_origine),
        Arc::new(riga.finish()),
        Arc::new(estratto.finish()),
        same(prov.sha256),
        same(prov.id_caricamento),
    ];
    Ok(RecordBatch::try_new(quarantena_schema(), out)?)
}
