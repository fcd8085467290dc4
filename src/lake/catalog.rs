//! The catalogue of the lake's datasets, as data: their names, which stage writes them, and
//! the schemas of those derived by `oml build` (relationships, segments, anomalies, careers,
//! transitions, the standard marts). The lake renders views and empty placeholders from it without knowing the stages
//! above it (`derive` and `analytics` read their layouts from here); the schemas of the
//! ingested datasets, with their builders, are in [`super::schema`].

use super::{registri, schema, tabelle};
use crate::model::period::Periodicity;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use std::sync::{Arc, OnceLock};

/// Datasets written by `oml ingest`.
pub const INGESTED: [&str; 4] = [
    schema::CO_EVENTI,
    schema::QUARANTENA,
    schema::CO_SUPERATI,
    schema::CO_IN_ATTESA,
];

/// Aggregate public tables, each written by its own `oml ingest` subcommand (`oml ingest cig`),
/// untouched by `oml ingest co` and `oml build`.
pub const TABELLE: [&str; 2] = [tabelle::CIG, tabelle::DISOCCUPAZIONE_ISTAT];

/// Individual records of the labour information system (DID, CIG workers, liste di mobilità),
/// each written by its own `oml ingest` subcommand, untouched by `oml ingest co` and `oml build`.
pub const REGISTRI: [&str; 4] = [
    registri::DID_EVENTI,
    registri::CIG_LAVORATORI,
    registri::MOBILITA_EVENTI,
    registri::REGISTRI_QUARANTENA,
];

/// Datasets written by `oml build` (dropped by every ingest, which makes them stale).
pub const DERIVED: [&str; 8] = [
    RAPPORTI,
    SEGMENTI,
    RAPPORTI_ANOMALIE,
    CARRIERE,
    TRANSIZIONI,
    MARTS[0].dataset,
    MARTS[1].dataset,
    MARTS[2].dataset,
];

/// Every dataset exposed at the top of the lake.
pub fn all_datasets() -> impl Iterator<Item = &'static str> {
    INGESTED.into_iter().chain(TABELLE).chain(REGISTRI).chain(DERIVED)
}

/// The schema of any dataset of the lake.
pub fn dataset_schema(name: &str) -> Option<SchemaRef> {
    if let Some(s) = schema::dataset_schema(name)
        .or_else(|| tabelle::dataset_schema(name))
        .or_else(|| registri::dataset_schema(name))
    {
        return Some(s);
    }
    match name {
        RAPPORTI => Some(rapporti_schema()),
        SEGMENTI => Some(segmenti_schema()),
        RAPPORTI_ANOMALIE => Some(anomalie_schema()),
        CARRIERE => Some(carriere_schema()),
        TRANSIZIONI => Some(transizioni_schema()),
        other => MARTS
            .iter()
            .find(|m| m.dataset == other)
            .map(|m| published_table_schema(m.by)),
    }
}

/// One standard mart: an indicator of `sql/indicatori/` with a fixed breakdown and
/// periodicity, computed and protected by `analytics::marts` at every build.
pub struct Mart {
    pub dataset: &'static str,
    pub indicator: &'static str,
    pub by: &'static [&'static str],
    pub periodicity: Periodicity,
}

/// The standard marts: the breakdowns a provincial bulletin uses, ready for DuckDB, polars,
/// pandas, R or Excel without recomputation.
pub const MARTS: [Mart; 3] = [
    Mart {
        dataset: "mart_flussi",
        indicator: "flussi",
        by: &["settore", "macro_contratto"],
        periodicity: Periodicity::Quarter,
    },
    Mart {
        dataset: "mart_posizioni",
        indicator: "posizioni",
        by: &["macro_contratto"],
        periodicity: Periodicity::Quarter,
    },
    Mart {
        dataset: "mart_flussi_mensili",
        indicator: "flussi",
        by: &["macro_contratto"],
        periodicity: Periodicity::Month,
    },
];

/// Schema of a published (disclosure-controlled) table with these breakdown columns: the
/// marts' files and `oml indicators --format parquet`.
pub fn published_table_schema<S: AsRef<str>>(by: &[S]) -> SchemaRef {
    let mut f = vec![Field::new("periodo", DataType::Utf8, false)];
    for d in by {
        f.push(Field::new(d.as_ref(), DataType::Utf8, false));
    }
    f.extend([
        Field::new("misura", DataType::Utf8, false),
        Field::new("valore", DataType::Float64, true),
        Field::new("stato", DataType::Utf8, false),
        Field::new("codice_stato", DataType::Int32, false),
        Field::new("n_lavoratori", DataType::Int64, true),
        Field::new("n_datori", DataType::Int64, true),
    ]);
    Arc::new(Schema::new(f))
}

pub const RAPPORTI: &str = "rapporti";
pub const SEGMENTI: &str = "segmenti";
pub const RAPPORTI_ANOMALIE: &str = "rapporti_anomalie";
pub const CARRIERE: &str = "carriere";
pub const TRANSIZIONI: &str = "transizioni";

/// Attributes of a relationship copied from its first communication (for agency work, the user
/// firm of its first mission: `*_utilizzatrice`, empty for any other relationship).
pub const ATTRIBUTES: [&str; 27] = [
    "id_lavoratore",
    "id_datore",
    "sesso",
    "anno_nascita",
    "classe_eta",
    "nato_estero",
    "cittadinanza",
    "area_cittadinanza",
    "livello_istruzione",
    "comune_domicilio",
    "datore_pa",
    "ateco",
    "ateco_sezione",
    "ateco_divisione",
    "comune_lavoro",
    "provincia",
    "provincia_istat",
    "regione",
    "cpi",
    "ccnl",
    "qualifica_professionale",
    "id_utilizzatrice",
    "utilizzatrice_pa",
    "ateco_utilizzatrice",
    "ateco_sezione_utilizzatrice",
    "ateco_divisione_utilizzatrice",
    "comune_lavoro_utilizzatrice",
];

fn date(name: &str) -> Field {
    Field::new(name, DataType::Date32, true)
}
fn text(name: &str) -> Field {
    Field::new(name, DataType::Utf8, true)
}

fn core_fields() -> Vec<Field> {
    vec![
        Field::new("id_rapporto", DataType::Int64, false),
        text("codice_comunicazione_avvio"),
        date("data_inizio"),
        date("data_fine_prevista_iniziale"),
        date("data_fine_prevista"),
        date("data_cessazione"),
        date("data_fine_effettiva"),
        Field::new("cessazione_imputata", DataType::Boolean, false),
        Field::new("avviamento_nel_lago", DataType::Boolean, false),
        Field::new("censura_sinistra", DataType::Boolean, false),
        text("tipologia_contrattuale"),
        text("macro_contratto"),
        text("tipologia_finale"),
        text("macro_contratto_finale"),
        text("tipo_orario"),
        Field::new("ore_settimanali", DataType::Float64, true),
        text("causa_cessazione"),
        text("macro_causa_cessazione"),
        Field::new("n_proroghe", DataType::Int32, false),
        Field::new("n_trasformazioni", DataType::Int32, false),
        Field::new("durata_prevista", DataType::Int32, true),
        Field::new("durata_effettiva", DataType::Int32, true),
    ]
}

/// Schema of `rapporti`, given the schema of `co_eventi` (for the attribute columns).
pub fn rapporti_schema() -> SchemaRef {
    static S: OnceLock<SchemaRef> = OnceLock::new();
    S.get_or_init(|| {
        let ev = super::schema::eventi_schema();
        let mut f = core_fields();
        for a in ATTRIBUTES {
            if let Ok(field) = ev.field_with_name(a) {
                f.push(field.clone().with_nullable(true));
            }
        }
        for n in NUMBERS {
            f.push(Field::new(n, DataType::Int32, false));
        }
        Arc::new(Schema::new(f))
    })
    .clone()
}

/// The dense numbers `oml build` gives the workers and the employers of a generation, last
/// columns of `rapporti` (and copied on `segmenti`): 0, 1, 2, … in the order of the pseudonyms,
/// so `id_lavoratore_num` stands for `id_lavoratore` within one generation (never across two:
/// join generations, and other datasets, on the pseudonym). Distinct counts and lists of
/// integers cost a fraction of those of 32-character pseudonyms (`analytics::cube`).
pub const NUMBERS: [&str; 2] = ["id_lavoratore_num", "id_datore_num"];

/// Columns of the relationship repeated on each of its segments, so that the stock and flow
/// indicators read one table (no join, no window) even at national size.
pub const SEGMENT_COPIES: [(&str, &str); 25] = [
    ("data_inizio_rapporto", "data_inizio"),
    ("data_fine_effettiva", "data_fine_effettiva"),
    ("cessazione_imputata", "cessazione_imputata"),
    ("avviamento_nel_lago", "avviamento_nel_lago"),
    ("censura_sinistra", "censura_sinistra"),
    ("id_lavoratore", "id_lavoratore"),
    ("id_datore", "id_datore"),
    ("id_lavoratore_num", "id_lavoratore_num"),
    ("id_datore_num", "id_datore_num"),
    ("sesso", "sesso"),
    ("classe_eta", "classe_eta"),
    ("area_cittadinanza", "area_cittadinanza"),
    ("livello_istruzione", "livello_istruzione"),
    ("comune_lavoro", "comune_lavoro"),
    ("cpi", "cpi"),
    ("provincia", "provincia"),
    ("regione", "regione"),
    ("ateco_sezione", "ateco_sezione"),
    ("ateco_divisione", "ateco_divisione"),
    ("datore_pa", "datore_pa"),
    ("comune_domicilio", "comune_domicilio"),
    ("tipologia_iniziale", "tipologia_contrattuale"),
    ("macro_contratto_iniziale", "macro_contratto"),
    ("ateco_sezione_utilizzatrice", "ateco_sezione_utilizzatrice"),
    ("ateco_divisione_utilizzatrice", "ateco_divisione_utilizzatrice"),
];

/// Schema of `segmenti`.
pub fn segmenti_schema() -> SchemaRef {
    static S: OnceLock<SchemaRef> = OnceLock::new();
    S.get_or_init(|| {
        let mut f = vec![
            Field::new("id_rapporto", DataType::Int64, false),
            Field::new("n_segmento", DataType::Int32, false),
            date("data_inizio"),
            date("data_fine"),
            Field::new("ultimo_segmento", DataType::Boolean, false),
            date("uscita_segmento"),
            text("tipologia_contrattuale"),
            text("macro_contratto"),
            text("macro_contratto_precedente"),
            text("tipo_orario"),
            Field::new("ore_settimanali", DataType::Float64, true),
            text("codice_trasformazione"),
        ];
        let r = rapporti_schema();
        for (name, from) in SEGMENT_COPIES {
            if let Ok(field) = r.field_with_name(from) {
                f.push(Field::new(name, field.data_type().clone(), true));
            }
        }
        Arc::new(Schema::new(f))
    })
    .clone()
}

/// Schema of `rapporti_anomalie`.
pub fn anomalie_schema() -> SchemaRef {
    static S: OnceLock<SchemaRef> = OnceLock::new();
    S.get_or_init(|| {
        Arc::new(Schema::new(vec![
            Field::new("id_rapporto", DataType::Int64, true),
            Field::new("codice_comunicazione", DataType::Utf8, false),
            Field::new("evento", DataType::Utf8, false),
            date("data_evento"),
            Field::new("motivo", DataType::Utf8, false),
            Field::new("applicata", DataType::Boolean, false),
            Field::new("descrizione", DataType::Utf8, false),
        ]))
    })
    .clone()
}

/// Schema of `carriere`: one row per period of a worker's career (`derive::carriere`).
pub fn carriere_schema() -> SchemaRef {
    static S: OnceLock<SchemaRef> = OnceLock::new();
    S.get_or_init(|| {
        Arc::new(Schema::new(vec![
            Field::new("id_lavoratore", DataType::Utf8, false),
            Field::new("n_periodo", DataType::Int32, false),
            Field::new("data_inizio", DataType::Date32, false),
            Field::new("data_fine", DataType::Date32, false),
            Field::new("durata", DataType::Int32, false),
            Field::new("stato", DataType::Utf8, false),
            Field::new("n_rapporti", DataType::Int32, false),
            Field::new("id_rapporto_prevalente", DataType::Int64, true),
            text("macro_contratto_prevalente"),
            text("id_datore_prevalente"),
            Field::new("censura_destra", DataType::Boolean, false),
            Field::new("censura_sinistra", DataType::Boolean, false),
        ]))
    })
    .clone()
}

/// Schema of `transizioni`: one row per relationship of the careers' window, with its successor,
/// its predecessor and their J2J classes (`derive::transizioni`). The worker and the employer are
/// those of the relationship in `rapporti` (not repeated: 64 bytes of pseudonyms a row).
pub fn transizioni_schema() -> SchemaRef {
    static S: OnceLock<SchemaRef> = OnceLock::new();
    S.get_or_init(|| {
        Arc::new(Schema::new(vec![
            Field::new("id_rapporto", DataType::Int64, false),
            Field::new("data_inizio", DataType::Date32, false),
            Field::new("data_fine", DataType::Date32, true),
            Field::new("classe_uscita", DataType::Utf8, false),
            Field::new("id_rapporto_successivo", DataType::Int64, true),
            Field::new("giorni_interruzione", DataType::Int32, true),
            Field::new("richiamo", DataType::Boolean, true),
            Field::new("classe_ingresso", DataType::Utf8, false),
            Field::new("id_rapporto_precedente", DataType::Int64, true),
            Field::new("giorni_da_precedente", DataType::Int32, true),
            Field::new("richiamo_ingresso", DataType::Boolean, true),
            Field::new("posizioni_datore_inizio", DataType::Int32, false),
            Field::new("posizioni_datore_fine", DataType::Int32, true),
        ]))
    })
    .clone()
}
