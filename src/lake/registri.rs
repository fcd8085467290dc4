//! The individual records of the labour information system the lake holds beside the
//! communications (`oml ingest did`, `oml ingest cig-lavoratori`, `oml ingest mobilita`; layouts
//! in `docs/formato_did.md`, `docs/formato_cig_lavoratori.md`, `docs/formato_mobilita.md`):
//! their names and schemas. Persons, employers and the systems' own identifiers are keyed
//! pseudonyms made with the lake's key exactly as for `co_eventi`, so `id_lavoratore` and
//! `id_datore` join the careers; birth year and age class come from the CF as for the CO, and
//! nothing else of the CF, no name, birth date or address is stored. Every row carries its
//! provenance (file, line, sha256, load). Rejected records go to `registri_quarantena` with the
//! reason and a redacted excerpt. Partitioned by `anno` (year of the event, or of the period's
//! start); the landing path is `ingest::registri`, the episode views are in
//! `sql/intermediate/` (`did_episodi`, `mobilita_iscrizioni`).

use super::schema::{b, d, s, text};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use std::sync::{Arc, OnceLock};

/// DID events (`oml ingest did`): one row per event of an episode.
pub const DID_EVENTI: &str = "did_eventi";
/// Workers in Cassa integrazione (`oml ingest cig-lavoratori`): one row per period.
pub const CIG_LAVORATORI: &str = "cig_lavoratori";
/// Events of the liste di mobilità (`oml ingest mobilita`): one row per event of a pratica.
pub const MOBILITA_EVENTI: &str = "mobilita_eventi";
/// Records of the three layouts refused, with the reason, where they were and a redacted excerpt.
pub const REGISTRI_QUARANTENA: &str = "registri_quarantena";

/// The person columns derived from the CF and the declared attributes.
fn person() -> Vec<Field> {
    vec![
        s("sesso"),
        Field::new("anno_nascita", DataType::Int64, true),
        s("classe_eta"),
        s("cittadinanza"),
        s("livello_istruzione"),
        s("comune_domicilio"),
    ]
}

/// The provenance columns every row ends with. `impronta_record` is a keyed hash of the
/// record's content (its identity across files: the same record loaded again adds nothing).
fn provenance() -> Vec<Field> {
    vec![
        text("formato"),
        text("file_origine"),
        Field::new("riga", DataType::Int64, false),
        text("sha256"),
        text("id_caricamento"),
        text("impronta_record"),
    ]
}

/// Schema of `did_eventi` (without `anno`, the hive partition: the year of `data_evento`).
pub fn did_schema() -> SchemaRef {
    static S: OnceLock<SchemaRef> = OnceLock::new();
    S.get_or_init(|| {
        let mut f = vec![
            text("id_did"),
            text("id_lavoratore"),
            text("evento"),
            Field::new("data_evento", DataType::Date32, false),
            s("cpi"),
            s("punto_servizio"),
            s("codice_sportello"),
            s("stato_occupazionale"),
            s("causa"),
            s("prestazione"),
        ];
        f.extend(person());
        f.extend(provenance());
        Arc::new(Schema::new(f))
    })
    .clone()
}

/// Schema of `cig_lavoratori` (without `anno`: the year of `data_inizio`).
pub fn cig_lavoratori_schema() -> SchemaRef {
    static S: OnceLock<SchemaRef> = OnceLock::new();
    S.get_or_init(|| {
        let mut f = vec![
            text("id_lavoratore"),
            text("id_datore"),
            text("tipo_intervento"),
            Field::new("data_inizio", DataType::Date32, false),
            Field::new("data_fine", DataType::Date32, false),
            Field::new("giorni", DataType::Int64, false),
            Field::new("ore_autorizzate", DataType::Float64, false),
            Field::new("ore_utilizzate", DataType::Float64, true),
            b("zero_ore"),
            s("id_autorizzazione"),
            s("causale"),
            s("ateco_datore"),
            s("comune_unita_produttiva"),
            s("sesso"),
            Field::new("anno_nascita", DataType::Int64, true),
            s("classe_eta"),
        ];
        f.extend(provenance());
        Arc::new(Schema::new(f))
    })
    .clone()
}

/// Schema of `mobilita_eventi` (without `anno`: the year of `data_evento`).
pub fn mobilita_schema() -> SchemaRef {
    static S: OnceLock<SchemaRef> = OnceLock::new();
    S.get_or_init(|| {
        let mut f = vec![
            text("id_pratica"),
            text("id_lavoratore"),
            text("lista"),
            text("evento"),
            Field::new("data_evento", DataType::Date32, false),
            s("causa"),
            s("id_datore"),
            d("data_licenziamento"),
            b("indennita"),
            d("data_fine_indennita"),
            s("cpi"),
            s("ateco_datore"),
        ];
        f.extend(person());
        f.extend(provenance());
        Arc::new(Schema::new(f))
    })
    .clone()
}

/// Schema of `registri_quarantena` (without `anno`: the year of the load, since a refused record's
/// date may be unreadable).
pub fn quarantena_schema() -> SchemaRef {
    static S: OnceLock<SchemaRef> = OnceLock::new();
    S.get_or_init(|| {
        Arc::new(Schema::new(vec![
            text("formato"),
            text("motivo"),
            s("campo"),
            text("dettaglio"),
            text("file_origine"),
            Field::new("riga", DataType::Int64, false),
            s("record_grezzo"),
            text("sha256"),
            text("id_caricamento"),
        ]))
    })
    .clone()
}

/// The schema of a dataset of individual records.
pub fn dataset_schema(name: &str) -> Option<SchemaRef> {
    match name {
        DID_EVENTI => Some(did_schema()),
        CIG_LAVORATORI => Some(cig_lavoratori_schema()),
        MOBILITA_EVENTI => Some(mobilita_schema()),
        REGISTRI_QUARANTENA => Some(quarantena_schema()),
        _ => None,
    }
}
