//! `_manifest.json`: what the lake holds and how it got there.
//!
//! Every committed generation has one. It lists the files of each dataset (with rows and
//! bytes), every ingest run with its inputs (path, sha256, bytes, format, vintage) and its
//! reconciliation (read = accepted + superseded + quarantined, per input and in total), the
//! schema version, the code version and the fingerprint of the pseudonymisation key.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub formato: String,
    pub versione_schema: u32,
    pub generazione: u64,
    /// Fingerprint of the key the pseudonyms were made with (never the key).
    pub impronta_chiave: Option<String>,
    pub aggiornato: String,
    pub datasets: BTreeMap<String, Vec<FileEntry>>,
    pub runs: Vec<RunRecord>,
    /// Every file loaded into an aggregate table (`oml ingest cig`), in load order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tabelle: Vec<TabellaRecord>,
    /// Every file of individual records loaded (`oml ingest did`, `cig-lavoratori`, `mobilita`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub registri: Vec<RegistroRecord>,
    /// The last `oml build` (None until one runs, and again after every ingest).
    #[serde(default)]
    pub build: Option<BuildRecord>,
}

/// The layout of `rapporti` and `segmenti` the views read; raised when a column is added
/// (2: the segments carry `datore_pa`, `comune_domicilio` and the relationship's first contract,
/// for the perimeter and the residence geography; 3: the careers, `carriere`; 4: the transitions, `transizioni`; 5: the dense numbers of workers and
/// employers, `id_lavoratore_num` and `id_datore_num`; 6: the user firm of agency work,
/// `*_utilizzatrice`, on the relationships and the sector of it on the segments).
pub const BUILD_FORMAT: u32 = 6;

/// What `oml build` made of `co_eventi`: `eventi = eventi_applicati + eventi_non_applicati`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct BuildRecord {
    /// The layout of the datasets `oml build` writes ([`BUILD_FORMAT`] when this build ran; 0
    /// for builds older than the field): the views need the current one.
    #[serde(default)]
    pub formato: u32,
    pub eseguito: String,
    /// Generation of the lake the communications were read from.
    pub generazione_eventi: u64,
    /// Last day the communications are taken as complete (imputed cessazioni up to it).
    pub orizzonte: String,
    /// First day covered: relationships without avviamento that started earlier are left-censored.
    pub inizio_copertura: String,
    pub eventi: u64,
    pub eventi_applicati: u64,
    pub eventi_non_applicati: u64,
    pub rapporti: u64,
    pub segmenti: u64,
    /// Periods of the workers' careers (`carriere`).
    #[serde(default)]
    pub carriere: u64,
    /// Relationships with their transitions (`transizioni`).
    #[serde(default)]
    pub transizioni: u64,
    /// Longest gap, in days, of an AQHire transition (`oml build --limite-aqhire`).
    #[serde(default)]
    pub limite_aqhire: i32,
    pub censura_sinistra: u64,
    pub cessazioni_imputate: u64,
    pub aperti: u64,
    pub anomalie_per_motivo: BTreeMap<String, u64>,
    pub secondi: f64,
}

/// One file of individual records loaded: where it came from and its account
/// (`letti = accettati + quarantena`; `duplicati` are part of `quarantena`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RegistroRecord {
    pub dataset: String,
    /// `did`, `cig_lavoratori` or `mobilita`.
    pub formato: String,
    /// The load (`<generation>-<sha256 prefix>`), as in the rows' `id_caricamento`.
    pub id_caricamento: String,
    pub caricato: String,
    pub path: String,
    pub sha256: String,
    /// Keyed hash of the file's records (independent of line ends, column order, encoding).
    pub impronta_contenuto: String,
    pub bytes: u64,
    pub codifica: String,
    pub letti: u64,
    pub accettati: u64,
    pub quarantena: u64,
    pub duplicati: u64,
    pub per_motivo: BTreeMap<String, u64>,
    /// As [`InputRecord::valori_non_codificati_scartati`], for the accepted records.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub valori_non_codificati_scartati: BTreeMap<String, u64>,
}

impl RegistroRecord {
    /// Every record read is accepted or quarantined.
    pub fn reconciles(&self) -> bool {
        self.letti == self.accettati + self.quarantena
    }
}

/// One file loaded into an aggregate table: where it came from, what it held and the check that
/// the lake holds exactly its values.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct TabellaRecord {
    pub dataset: String,
    /// The load (`<generation>-<sha256 prefix>`), as in the rows' `id_caricamento`.
    pub id_caricamento: String,
    pub caricato: String,
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
    pub formato: String,
    /// The date the publisher's data refer to (`--vintage`, default the load date).
    pub vintage: String,
    /// Data records of the file (header excluded).
    pub record: u64,
    /// Cells without a value (empty, `.`, `-`): no row.
    pub celle_vuote: u64,
    /// Rows stored.
    pub righe: u64,
    /// Per measure: the file's own total (summed from its cells as written) and the total of
    /// the rows stored, read back from the lake; the load is refused unless they are equal.
    pub totali: BTreeMap<String, Totale>,
    /// Rows of earlier loads (older vintage, or the same vintage loaded earlier) whose key this
    /// file restates: the `cig` view shows this file's value instead.
    pub superate: u64,
    /// Rows of this file whose key a newer vintage already in the lake restates.
    pub gia_superate: u64,
}

/// A total of one measure, as exact decimal text.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Totale {
    pub file: String,
    pub caricato: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileEntry {
    /// Relative to the generation folder, e.g. `co_eventi/anno=2024/part-….parquet`.
    pub path: String,
    pub anno: i32,
    pub rows: u64,
    pub bytes: u64,
}

/// Counts of one input or of a whole run. `letti = accettati + superati + quarantena`.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Conteggi {
    pub letti: u64,
    pub accettati: u64,
    pub superati: u64,
    pub quarantena: u64,
}

impl Conteggi {
    pub fn reconciles(&self) -> bool {
        self.letti == self.accettati + self.superati + self.quarantena
    }
    pub fn add(&mut self, o: &Conteggi) {
        self.letti += o.letti;
        self.accettati += o.accettati;
        self.superati += o.superati;
        self.quarantena += o.quarantena;
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct InputRecord {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
    pub formato: String,
    pub conteggi: Conteggi,
    /// Where its bytes went: every byte read (for a zip, of its XML members unpacked) is in
    /// a record (`UniLav` element, CSV record with its line end) or is structure (header,
    /// blank lines, XML prolog and wrappers): `letti = record + struttura`; and the records'
    /// bytes by what became of them: `record = accettati + superati + quarantena`.
    #[serde(default)]
    pub byte: ByteAccount,
    /// CSV: the encoding found in its bytes (`UTF-8`, `ISO-8859-1`, `windows-1252`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codifica: Option<String>,
    /// Lombardia: the order of day and month of `DATA` found in the data (or given with
    /// `--date-order` when the data could not tell).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordine_date: Option<String>,
    /// CSV: fingerprint of its records' text, whatever the line ends or the encoding: a file
    /// with the same one is the same data and is skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impronta_contenuto: Option<String>,
    /// Values of coded fields dropped from accepted records because they do not have the shape
    /// of a code of their field (`privacy`, "Coded fields of accepted records"): `"campo:
    /// forma"` → count, the value's shape only.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub valori_non_codificati_scartati: BTreeMap<String, u64>,
}

/// The bytes of an input, by what they were.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ByteAccount {
    pub letti: u64,
    pub record: u64,
    pub struttura: u64,
    /// Bytes of the records accepted (live in `co_eventi`).
    #[serde(default)]
    pub accettati: u64,
    /// Bytes of the records superseded in this run (`co_superati`).
    #[serde(default)]
    pub superati: u64,
    /// Bytes of the records quarantined (orphan corrections waiting in `co_in_attesa`
    /// included).
    #[serde(default)]
    pub quarantena: u64,
}

impl ByteAccount {
    /// Whether every byte is in one place: `letti = record + struttura` and
    /// `record = accettati + superati + quarantena`.
    pub fn reconciles(&self) -> bool {
        self.letti == self.record + self.struttura && self.record == self.accettati + self.superati + self.quarantena
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RunRecord {
    pub id_run: String,
    pub inizio: String,
    pub fine: String,
    pub versione_codice: String,
    /// Vintage: the extraction date of the data (`--vintage`, default the run date).
    pub data_estrazione: String,
    pub inputs: Vec<InputRecord>,
    /// Inputs skipped because their sha256 was already in the lake.
    pub gia_acquisiti: Vec<String>,
    pub totali: Conteggi,
    pub quarantena_per_motivo: BTreeMap<String, u64>,
    /// Communications of earlier runs superseded by this run's rettifiche/annullamenti.
    pub superati_nel_lago: u64,
    /// Records of earlier runs resolved again with this run's (their chain got a new
    /// member), by `"from → to"` dataset; waiting orphans count as `quarantena`.
    #[serde(default)]
    pub rivalutati_nel_lago: BTreeMap<String, u64>,
    /// Labels (Lombardia open data) that matched no code, by `campo: forma` (the label's shape,
    /// never the label: `privacy`), with their counts.
    pub etichette_non_abbinate: BTreeMap<String, u64>,
    pub secondi: f64,
}

impl Manifest {
    /// True if an input with this sha256 was already ingested.
    /// The input already in the lake with this content fingerprint (same records, maybe
    /// other line ends or encoding).
    pub fn input_with_content(&self, impronta: &str) -> Option<&InputRecord> {
        self.runs
            .iter()
            .flat_map(|r| &r.inputs)
            .find(|i| i.impronta_contenuto.as_deref() == Some(impronta))
    }

    /// The load of an aggregate-table file with this sha256, if any.
    pub fn table_input(&self, dataset: &str, sha256: &str) -> Option<&TabellaRecord> {
        self.tabelle.iter().find(|t| t.dataset == dataset && t.sha256 == sha256)
    }

    pub fn has_input(&self, sha256: &str) -> bool {
        self.runs.iter().any(|r| r.inputs.iter().any(|i| i.sha256 == sha256))
    }

    pub fn files(&self, dataset: &str) -> &[FileEntry] {
        self.datasets.get(dataset).map_or(&[], |v| v.as_slice())
    }

    pub fn rows(&self, dataset: &str) -> u64 {
        self.files(dataset).iter().map(|f| f.rows).sum()
    }
}
