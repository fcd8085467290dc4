//! Arrow schemas of the lake datasets and the columnar builders that fill them.
//!
//! Column names are the official Italian terms; the data dictionary in `docs/dizionario.md`
//! describes each one. `anno` is not stored in the files: it is the hive partition
//! (`anno=2024/`), which DuckDB, polars, pyarrow and R arrow all read back as a column.

use crate::privacy::id_hex;
use crate::quality::dates::to_days;
use crate::quality::Validated;
use arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder, TimestampMicrosecondBuilder,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use arrow::record_batch::RecordBatch;
use std::sync::{Arc, OnceLock};

/// Version of the lake layout and schemas, stored in the manifest.
/// 2: `co_eventi`, `co_superati` and `co_in_attesa` carry the user firm of agency work
/// (`id_utilizzatrice` … `data_fine_missione`); files of layout 1 read with those columns empty
/// ([`conform`]).
pub const SCHEMA_VERSION: u32 = 2;

/// Dataset names (folder names in the lake).
pub const CO_EVENTI: &str = "co_eventi";
pub const QUARANTENA: &str = "quarantena";
pub const CO_SUPERATI: &str = "co_superati";
/// Rettifiche and annullamenti whose target has not arrived (quarantined as orphans): kept,
/// pseudonymised like `co_eventi`, so that the target arriving in a later run resolves them
/// as if both had come together.
pub const CO_IN_ATTESA: &str = "co_in_attesa";

/// The schema of an ingested dataset.
pub fn dataset_schema(name: &str) -> Option<SchemaRef> {
    match name {
        CO_EVENTI | CO_IN_ATTESA => Some(eventi_schema()),
        QUARANTENA => Some(quarantena_schema()),
        CO_SUPERATI => Some(superati_schema()),
        _ => None,
    }
}

// Field builders shared by the schemas of the lake (`schema`, `tabelle`, `registri`).
/// A nullable text column.
pub(super) fn s(name: &str) -> Field {
    Field::new(name, DataType::Utf8, true)
}
/// A text column that is never empty.
pub(super) fn text(name: &str) -> Field {
    Field::new(name, DataType::Utf8, false)
}
/// A nullable date column.
pub(super) fn d(name: &str) -> Field {
    Field::new(name, DataType::Date32, true)
}
/// A nullable boolean column.
pub(super) fn b(name: &str) -> Field {
    Field::new(name, DataType::Boolean, true)
}

fn event_fields() -> Vec<Field> {
    vec![
        Field::new("codice_comunicazione", DataType::Utf8, false),
        s("codice_comunicazione_precedente"),
        Field::new("codice_comunicazione_radice", DataType::Utf8, false),
        Field::new("tipo_comunicazione", DataType::Utf8, false),
        Field::new("evento", DataType::Utf8, false),
        Field::new("data_invio", DataType::Timestamp(TimeUnit::Microsecond, None), false),
        Field::new("data_evento", DataType::Date32, false),
        s("provincia"),
        s("id_lavoratore"),
        s("id_datore"),
        s("sesso"),
        Field::new("anno_nascita", DataType::Int64, true),
        s("classe_eta"),
        b("nato_estero"),
        b("cf_omocodico"),
        s("cittadinanza"),
        s("area_cittadinanza"),
        s("livello_istruzione"),
        s("comune_domicilio"),
        b("datore_pa"),
        s("ateco"),
        s("ateco_sezione"),
        s("ateco_divisione"),
        s("comune_lavoro"),
        s("provincia_istat"),
        s("regione"),
        s("cpi"),
        d("data_inizio"),
        d("data_fine"),
        s("tipologia_contrattuale"),
        s("macro_contratto"),
        s("tipo_orario"),
        Field::new("ore_settimanali", DataType::Float64, true),
        s("ccnl"),
        s("qualifica_professionale"),
        s("ente_previdenziale"),
        b("lavoro_agricoltura"),
        b("socio_lavoratore"),
        d("data_fine_proroga"),
        s("codice_trasformazione"),
        d("data_trasformazione"),
        s("causa_cessazione"),
        s("macro_causa_cessazione"),
        d("data_cessazione"),
        // The user firm of agency work (UNISOMM), empty for UNILAV; added in schema 2.
        s("id_utilizzatrice"),
        b("utilizzatrice_pa"),
        s("ateco_utilizzatrice"),
        s("ateco_sezione_utilizzatrice"),
        s("ateco_divisione_utilizzatrice"),
        s("comune_lavoro_utilizzatrice"),
        d("data_inizio_missione"),
        d("data_fine_missione"),
        Field::new("fonte", DataType::Utf8, false),
        Field::new("file_origine", DataType::Utf8, false),
        Field::new("record_origine", DataType::Int64, false),
        Field::new("data_estrazione", DataType::Date32, false),
        Field::new("id_run", DataType::Utf8, false),
        Field::new("impronta_record", DataType::Int64, false),
    ]
}

/// Schema of `co_eventi`: one row per communication after rettifica/annullamento resolution.
pub fn eventi_schema() -> SchemaRef {
    static S: OnceLock<SchemaRef> = OnceLock::new();
    S.get_or_init(|| Arc::new(Schema::new(event_fields()))).clone()
}

/// The columns of `co_eventi` added in schema version 2 (the user firm of agency work): a file
/// written before has none of them, and readers take them as empty.
pub const ADDED_IN_2: [&str; 8] = [
    "id_utilizzatrice",
    "utilizzatrice_pa",
    "ateco_utilizzatrice",
    "ateco_sezione_utilizzatrice",
    "ateco_divisione_utilizzatrice",
    "comune_lavoro_utilizzatrice",
    "data_inizio_missione",
    "data_fine_missione",
];

/// A batch read from a lake file in `schema`'s columns, by name: a column the file's layout did
/// not have yet (an older schema version) is all empty; a column the schema lacks is dropped.
pub fn conform(batch: &RecordBatch, schema: &SchemaRef) -> arrow::error::Result<RecordBatch> {
    if batch.schema().fields() == schema.fields() {
        return Ok(batch.clone());
    }
    let cols: Vec<ArrayRef> = schema
        .fields()
        .iter()
        .map(|f| match batch.column_by_name(f.name()) {
            Some(c) => c.clone(),
            None => arrow::array::new_null_array(f.data_type(), batch.num_rows()),
        })
        .collect();
    RecordBatch::try_new(schema.clone(), cols)
}

/// Schema of `co_superati`: the audit of superseded communications (same columns as
/// `co_eventi`, plus why and by which communication they were superseded).
pub fn superati_schema() -> SchemaRef {
    static S: OnceLock<SchemaRef> = OnceLock::new();
    S.get_or_init(|| {
        let mut f = event_fields();
        f.push(Field::new("motivo_superamento", DataType::Utf8, false));
        f.push(s("codice_superante"));
        f.push(Field::new("id_run_superamento", DataType::Utf8, false));
        Arc::new(Schema::new(f))
    })
    .clone()
}

/// Schema of `quarantena`: rejected records with the reason and where they came from.
pub fn quarantena_schema() -> SchemaRef {
    static S: OnceLock<SchemaRef> = OnceLock::new();
    S.get_or_init(|| {
        Arc::new(Schema::new(vec![
            s("codice_comunicazione"),
            Field::new("motivo", DataType::Utf8, false),
            s("campo"),
            Field::new("dettaglio", DataType::Utf8, false),
            Field::new("fonte", DataType::Utf8, false),
            Field::new("file_origine", DataType::Utf8, false),
            Field::new("record_origine", DataType::Int64, false),
            s("record_grezzo"),
            Field::new("data_estrazione", DataType::Date32, false),
            Field::new("id_run", DataType::Utf8, false),
        ]))
    })
    .clone()
}

/// Where a record came from; the same for every row of a chunk except the line.
#[derive(Debug, Clone)]
pub struct Provenance {
    pub fonte: &'static str,
    pub file_origine: Arc<str>,
    pub data_estrazione: i32,
    pub id_run: Arc<str>,
}

/// Columnar builder for `co_eventi` rows.
pub struct EventBuilder {
    codice: StringBuilder,
    precedente: StringBuilder,
    radice: StringBuilder,
    tipo: StringBuilder,
    evento: StringBuilder,
    data_invio: TimestampMicrosecondBuilder,
    data_evento: Date32Builder,
    provincia: StringBuilder,
    id_lavoratore: StringBuilder,
    id_datore: StringBuilder,
    sesso: StringBuilder,
    anno_nascita: Int64Builder,
    classe_eta: StringBuilder,
    nato_estero: BooleanBuilder,
    cf_omocodico: BooleanBuilder,
    cittadinanza: StringBuilder,
    area_cittadinanza: StringBuilder,
    livello_istruzione: StringBuilder,
    comune_domicilio: StringBuilder,
    datore_pa: BooleanBuilder,
    ateco: StringBuilder,
    ateco_sezione: StringBuilder,
    ateco_divisione: StringBuilder,
    comune_lavoro: StringBuilder,
    provincia_istat: StringBuilder,
    regione: StringBuilder,
    cpi: StringBuilder,
    data_inizio: Date32Builder,
    data_fine: Date32Builder,
    tipologia: StringBuilder,
    macro_contratto: StringBuilder,
    tipo_orario: StringBuilder,
    ore: Float64Builder,
    ccnl: StringBuilder,
    qualifica: StringBuilder,
    ente: StringBuilder,
    agricoltura: BooleanBuilder,
    socio: BooleanBuilder,
    data_fine_proroga: Date32Builder,
    codice_trasformazione: StringBuilder,
    data_trasformazione: Date32Builder,
    causa: StringBuilder,
    macro_causa: StringBuilder,
    data_cessazione: Date32Builder,
    id_utilizzatrice: StringBuilder,
    utilizzatrice_pa: BooleanBuilder,
    ateco_utilizzatrice: StringBuilder,
    ateco_sezione_utilizzatrice: StringBuilder,
    ateco_divisione_utilizzatrice: StringBuilder,
    comune_lavoro_utilizzatrice: StringBuilder,
    data_inizio_missione: Date32Builder,
    data_fine_missione: Date32Builder,
    fonte: StringBuilder,
    file: StringBuilder,
    record: Int64Builder,
    data_estrazione: Date32Builder,
    id_run: StringBuilder,
    impronta: Int64Builder,
    len: usize,
}

fn hex_opt(b: &mut StringBuilder, id: Option<[u8; 16]>) {
    match id {
        Some(id) => {
            let mut h = [0u8; 32];
            id_hex(&id, &mut h);
            b.append_value(std::str::from_utf8(&h).unwrap_or_default());
        }
        None => b.append_null(),
    }
}

impl Default for EventBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl EventBuilder {
    pub fn new() -> EventBuilder {
        EventBuilder {
            codice: StringBuilder::new(),
            precedente: StringBuilder::new(),
            radice: StringBuilder::new(),
            tipo: StringBuilder::new(),
            evento: StringBuilder::new(),
            data_invio: TimestampMicrosecondBuilder::new(),
            data_evento: Date32Builder::new(),
            provincia: StringBuilder::new(),
            id_lavoratore: StringBuilder::new(),
            id_datore: StringBuilder::new(),
            sesso: StringBuilder::new(),
            anno_nascita: Int64Builder::new(),
            classe_eta: StringBuilder::new(),
            nato_estero: BooleanBuilder::new(),
            cf_omocodico: BooleanBuilder::new(),
            cittadinanza: StringBuilder::new(),
            area_cittadinanza: StringBuilder::new(),
            livello_istruzione: StringBuilder::new(),
            comune_domicilio: StringBuilder::new(),
            datore_pa: BooleanBuilder::new(),
            ateco: StringBuilder::new(),
            ateco_sezione: StringBuilder::new(),
            ateco_divisione: StringBuilder::new(),
            comune_lavoro: StringBuilder::new(),
            provincia_istat: StringBuilder::new(),
            regione: StringBuilder::new(),
            cpi: StringBuilder::new(),
            data_inizio: Date32Builder::new(),
            data_fine: Date32Builder::new(),
            tipologia: StringBuilder::new(),
            macro_contratto: StringBuilder::new(),
            tipo_orario: StringBuilder::new(),
            ore: Float64Builder::new(),
            ccnl: StringBuilder::new(),
            qualifica: StringBuilder::new(),
            ente: StringBuilder::new(),
            agricoltura: BooleanBuilder::new(),
            socio: BooleanBuilder::new(),
            data_fine_proroga: Date32Builder::new(),
            codice_trasformazione: StringBuilder::new(),
            data_trasformazione: Date32Builder::new(),
            causa: StringBuilder::new(),
            macro_causa: StringBuilder::new(),
            data_cessazione: Date32Builder::new(),
            id_utilizzatrice: StringBuilder::new(),
            utilizzatrice_pa: BooleanBuilder::new(),
            ateco_utilizzatrice: StringBuilder::new(),
            ateco_sezione_utilizzatrice: StringBuilder::new(),
            ateco_divisione_utilizzatrice: StringBuilder::new(),
            comune_lavoro_utilizzatrice: StringBuilder::new(),
            data_inizio_missione: Date32Builder::new(),
            data_fine_missione: Date32Builder::new(),
            fonte: StringBuilder::new(),
            file: StringBuilder::new(),
            record: Int64Builder::new(),
            data_estrazione: Date32Builder::new(),
            id_run: StringBuilder::new(),
            impronta: Int64Builder::new(),
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends one validated communication. `impronta` is the keyed hash of the raw record
    /// (it tells an exact duplicate from a conflicting reuse of the same code, across runs).
    pub fn append(&mut self, v: &Validated<'_>, prov: &Provenance, line: u64, impronta: u64) {
        let day = |d: Option<chrono::NaiveDate>| d.map(to_days);
        self.codice.append_value(v.codice_comunicazione);
        self.precedente.append_option(v.codice_precedente);
        self.radice.append_value(v.codice_comunicazione);
        self.tipo.append_value(v.tipo_comunicazione);
        self.evento.append_value(v.evento.code());
        self.data_invio.append_value(v.data_invio.and_utc().timestamp_micros());
        self.data_evento.append_value(to_days(v.data_evento));
        self.provincia.append_option(v.provincia);
        hex_opt(&mut self.id_lavoratore, v.id_lavoratore);
        hex_opt(&mut self.id_datore, v.id_datore);
        self.sesso.append_option(v.sesso);
        self.anno_nascita.append_option(v.anno_nascita.map(i64::from));
        self.classe_eta.append_option(v.classe_eta);
        self.nato_estero.append_option(v.nato_estero);
        self.cf_omocodico.append_value(v.cf_omocodico);
        self.cittadinanza.append_option(v.cittadinanza);
        self.area_cittadinanza.append_option(v.area_cittadinanza);
        self.livello_istruzione.append_option(v.livello_istruzione);
        self.comune_domicilio.append_option(v.comune_domicilio);
        self.datore_pa.append_option(v.datore_pa);
        self.ateco.append_option(v.ateco);
        self.ateco_sezione.append_option(v.ateco_sezione);
        self.ateco_divisione.append_option(v.ateco_divisione);
        self.comune_lavoro.append_option(v.comune_lavoro);
        self.provincia_istat.append_option(v.provincia_istat);
        self.regione.append_option(v.regione);
        self.cpi.append_option(v.cpi.as_deref());
        self.data_inizio.append_option(day(v.data_inizio));
        self.data_fine.append_option(day(v.data_fine));
        self.tipologia.append_option(v.tipologia_contrattuale);
        self.macro_contratto.append_option(v.macro_contratto);
        self.tipo_orario.append_option(v.tipo_orario);
        self.ore.append_option(v.ore_settimanali);
        self.ccnl.append_option(v.ccnl);
        self.qualifica.append_option(v.qualifica_professionale);
        self.ente.append_option(v.ente_previdenziale);
        self.agricoltura.append_option(v.lavoro_agricoltura);
        self.socio.append_option(v.socio_lavoratore);
        self.data_fine_proroga.append_option(day(v.data_fine_proroga));
        self.codice_trasformazione.append_option(v.codice_trasformazione);
        self.data_trasformazione.append_option(day(v.data_trasformazione));
        self.causa.append_option(v.causa_cessazione);
        self.macro_causa.append_option(v.macro_causa_cessazione);
        self.data_cessazione.append_option(day(v.data_cessazione));
        let u = &v.utilizzatrice;
        hex_opt(&mut self.id_utilizzatrice, u.id);
        self.utilizzatrice_pa.append_option(u.pa);
        self.ateco_utilizzatrice.append_option(u.ateco);
        self.ateco_sezione_utilizzatrice.append_option(u.ateco_sezione);
        self.ateco_divisione_utilizzatrice.append_option(u.ateco_divisione);
        self.comune_lavoro_utilizzatrice.append_option(u.comune_lavoro);
        self.data_inizio_missione.append_option(day(u.data_inizio_missione));
        self.data_fine_missione.append_option(day(u.data_fine_missione));
        self.fonte.append_value(prov.fonte);
        self.file.append_value(&*prov.file_origine);
        self.record.append_value(line as i64);
        self.data_estrazione.append_value(prov.data_estrazione);
        self.id_run.append_value(&*prov.id_run);
        self.impronta.append_value(impronta as i64);
        self.len += 1;
    }

    /// Finishes the columns into a record batch of [`eventi_schema`].
    pub fn finish(&mut self) -> RecordBatch {
        let cols: Vec<ArrayRef> = vec![
            Arc::new(self.codice.finish()),
            Arc::new(self.precedente.finish()),
            Arc::new(self.radice.finish()),
            Arc::new(self.tipo.finish()),
            Arc::new(self.evento.finish()),
            Arc::new(self.data_invio.finish()),
            Arc::new(self.data_evento.finish()),
            Arc::new(self.provincia.finish()),
            Arc::new(self.id_lavoratore.finish()),
            Arc::new(self.id_datore.finish()),
            Arc::new(self.sesso.finish()),
            Arc::new(self.anno_nascita.finish()),
            Arc::new(self.classe_eta.finish()),
            Arc::new(self.nato_estero.finish()),
            Arc::new(self.cf_omocodico.finish()),
            Arc::new(self.cittadinanza.finish()),
            Arc::new(self.area_cittadinanza.finish()),
            Arc::new(self.livello_istruzione.finish()),
            Arc::new(self.comune_domicilio.finish()),
            Arc::new(self.datore_pa.finish()),
            Arc::new(self.ateco.finish()),
            Arc::new(self.ateco_sezione.finish()),
            Arc::new(self.ateco_divisione.finish()),
            Arc::new(self.comune_lavoro.finish()),
            Arc::new(self.provincia_istat.finish()),
            Arc::new(self.regione.finish()),
            Arc::new(self.cpi.finish()),
            Arc::new(self.data_inizio.finish()),
            Arc::new(self.data_fine.finish()),
            Arc::new(self.tipologia.finish()),
            Arc::new(self.macro_contratto.finish()),
            Arc::new(self.tipo_orario.finish()),
            Arc::new(self.ore.finish()),
            Arc::new(self.ccnl.finish()),
            Arc::new(self.qualifica.finish()),
            Arc::new(self.ente.finish()),
            Arc::new(self.agricoltura.finish()),
            Arc::new(self.socio.finish()),
            Arc::new(self.data_fine_proroga.finish()),
            Arc::new(self.codice_trasformazione.finish()),
            Arc::new(self.data_trasformazione.finish()),
            Arc::new(self.causa.finish()),
            Arc::new(self.macro_causa.finish()),
            Arc::new(self.data_cessazione.finish()),
            Arc::new(self.id_utilizzatrice.finish()),
            Arc::new(self.utilizzatrice_pa.finish()),
            Arc::new(self.ateco_utilizzatrice.finish()),
            Arc::new(self.ateco_sezione_utilizzatrice.finish()),
            Arc::new(self.ateco_divisione_utilizzatrice.finish()),
            Arc::new(self.comune_lavoro_utilizzatrice.finish()),
            Arc::new(self.data_inizio_missione.finish()),
            Arc::new(self.data_fine_missione.finish()),
            Arc::new(self.fonte.finish()),
            Arc::new(self.file.finish()),
            Arc::new(self.record.finish()),
            Arc::new(self.data_estrazione.finish()),
            Arc::new(self.id_run.finish()),
            Arc::new(self.impronta.finish()),
        ];
        self.len = 0;
        RecordBatch::try_new(eventi_schema(), cols).expect("builder columns match the schema")
    }
}

/// One quarantined record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarantineRow {
    pub anno: i32,
    pub codice_comunicazione: Option<String>,
    pub motivo: &'static str,
    pub campo: Option<&'static str>,
    pub dettaglio: String,
    pub fonte: &'static str,
    pub file_origine: Arc<str>,
    pub record_origine: u64,
    pub record_grezzo: Option<String>,
}

/// Builds a `quarantena` batch from rows (quarantine is small: rows are kept as structs).
pub fn quarantine_batch(rows: &[&QuarantineRow], data_estrazione: i32, id_run: &str) -> RecordBatch {
    let mut c = StringBuilder::new();
    let mut m = StringBuilder::new();
    let mut f = StringBuilder::new();
    let mut dt = StringBuilder::new();
    let mut fo = StringBuilder::new();
    let mut fi = StringBuilder::new();
    let mut r = Int64Builder::new();
    let mut g = StringBuilder::new();
    let mut de = Date32Builder::new();
    let mut ir = StringBuilder::new();
    for q in rows {
        c.append_option(q.codice_comunicazione.as_deref());
        m.append_value(q.motivo);
        f.append_option(q.campo);
        dt.append_value(&q.dettaglio);
        fo.append_value(q.fonte);
        fi.append_value(&*q.file_origine);
        r.append_value(q.record_origine as i64);
        g.append_option(q.record_grezzo.as_deref());
        de.append_value(data_estrazione);
        ir.append_value(id_run);
    }
    let cols: Vec<ArrayRef> = vec![
        Arc::new(c.finish()),
        Arc::new(m.finish()),
        Arc::new(f.finish()),
        Arc::new(dt.finish()),
        Arc::new(fo.finish()),
        Arc::new(fi.finish()),
        Arc::new(r.finish()),
        Arc::new(g.finish()),
        Arc::new(de.finish()),
        Arc::new(ir.finish()),
    ];
    RecordBatch::try_new(quarantena_schema(), cols).expect("quarantine columns match the schema")
}
