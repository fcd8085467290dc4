//! The aggregate public tables the lake holds beside the communications (today `cig_versioni`,
//! the INPS cassa integrazione open data): their names and schemas. Each is stored long —
//! dimensions, `misura`, `valore` — with the provenance of every value (file, line, sha256,
//! vintage, load), partitioned by `anno`; every vintage is kept (`sql/staging/cig_versioni.sql`),
//! and a view of `sql/intermediate/` (`cig`) shows the latest per key. The landing path is
//! `ingest::tables`.

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

fn text(name: &str) -> Field {
    Field::new(name, DataType::Utf8, false)
}

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

/// The schema of an aggregate table.
pub fn dataset_schema(name: &str) -> Option<SchemaRef> {
    match name {
        CIG => Some(cig_schema()),
        _ => None,
    }
}
