//! The aggregate public tables the lake holds beside the communications (`cig_versioni`, the
//! INPS cassa integrazione open data; `disoccupazione_istat_versioni`, the ISTAT unemployment
//! rates): their names and schemas. Each is stored long —
//! dimensions, `misura`, `valore` — with the provenance of every value (file, line, sha256,
//! vintage, load), partitioned by `anno`; every vintage is kept (`sql/staging/cig_versioni.sql`),
//! and a view of `sql/intermediate/` (`cig`) shows the latest per key. The landing path is
//! `ingest::tables`.

use super::schema::{s, text};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use std::sync::{Arc, OnceLock};

/// INPS CIG open data (`oml ingest cig`), every vintage.
pub const CIG: &str = "cig_versioni";

/// The key of a `cig` value: a newer vintage of the same key supersedes an older one.
pub const CIG_KEY: [&str; 7] = [
    "anno",
    "mese",
    "territorio",
    "tipo_intervento",
    "settore",
    "misura",
    "livello_territorio",
];

/// ISTAT unemployment rates (`oml ingest istat`), every vintage (view `tasso_disoccupazione`:
/// the latest).
pub const DISOCCUPAZIONE_ISTAT: &str = "disoccupazione_istat_versioni";

/// The key of a rate: a newer vintage of the same key supersedes an older one.
pub const DISOCCUPAZIONE_ISTAT_KEY: [&str; 6] = ["anno", "periodo", "itter107", "sesso", "classe_eta", "misura"];

/// The provenance columns every aggregate table ends with.
fn provenance() -> [Field; 6] {
    [
        text("formato"),
        text("file_origine"),
        Field::new("riga", DataType::Int64, false),
        text("sha256"),
        Field::new("vintage", DataType::Date32, false),
        text("id_caricamento"),
    ]
}

/// Schema of `cig_versioni` (without `anno`, which is the hive partition).
pub fn cig_schema() -> SchemaRef {
    static S: OnceLock<SchemaRef> = OnceLock::new();
    S.get_or_init(|| {
        let mut f = vec![
            Field::new("mese", DataType::Int32, false),
            text("territorio"),
            text("livello_territorio"),
            text("tipo_intervento"),
            text("settore"),
            text("misura"),
            Field::new("valore", DataType::Float64, false),
        ];
        f.extend(provenance());
        Arc::new(Schema::new(f))
    })
    .clone()
}

/// Schema of `disoccupazione_istat_versioni` (without `anno`, the hive partition): the period
/// and its length, today's territory (ISTAT code, level) with the file's ITTER107 code, name
/// and the relation of that code to today's unit in the row's year, sex (`1`, `2`, `9`), age
/// class, `misura` (`tasso_disoccupazione`), the rate in percent (empty only with a flag).
pub fn disoccupazione_istat_schema() -> SchemaRef {
    static S: OnceLock<SchemaRef> = OnceLock::new();
    S.get_or_init(|| {
        let mut f = vec![
            text("periodo"),
            text("periodicita"),
            text("territorio"),
            text("livello_territorio"),
            text("itter107"),
            text("territorio_nome"),
            text("relazione"),
            text("sesso"),
            text("classe_eta"),
            text("misura"),
            Field::new("valore", DataType::Float64, true),
            s("flag"),
        ];
        f.extend(provenance());
        Arc::new(Schema::new(f))
    })
    .clone()
}

/// The schema of an aggregate table.
pub fn dataset_schema(name: &str) -> Option<SchemaRef> {
    match name {
        CIG => Some(cig_schema()),
        DISOCCUPAZIONE_ISTAT => Some(disoccupazione_istat_schema()),
        _ => None,
    }
}
