//! The people followed by `oml outcomes`, read from the lake's views: the entries into a measure
//! (`misure_esiti`, ruolo 'ingresso') and the comparison pool (`misure_confronto`), as plain
//! structs with days counted from 1970-01-01 (no date arithmetic on strings afterwards).

use crate::analytics::{Session, ESITI_STAGES};
use anyhow::{Context, Result};
use arrow::array::{Array, AsArray, BooleanArray, Int32Array, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::{Int32Type, Int64Type};
use chrono::NaiveDate;
use rayon::slice::ParallelSliceMut;
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// The columns of a query's batch, resolved once per batch (not per row and field).
struct BatchColumns<'a>(&'a RecordBatch);

impl<'a> BatchColumns<'a> {
    fn strings(&self, name: &str) -> &'a StringArray {
        self.0.column_by_name(name).expect("queried column").as_string::<i32>()
    }

    fn ints(&self, name: &str) -> &'a Int32Array {
        self.0
            .column_by_name(name)
            .expect("queried column")
            .as_primitive::<Int32Type>()
    }

    fn longs(&self, name: &str) -> &'a Int64Array {
        self.0
            .column_by_name(name)
            .expect("queried column")
            .as_primitive::<Int64Type>()
    }

    fn flags(&self, name: &str) -> &'a BooleanArray {
        self.0.column_by_name(name).expect("queried column").as_boolean()
    }
}

/// A text cell, NULL read as [`NOT_GIVEN`].
fn text(a: &StringArray, i: usize) -> &str {
    if a.is_null(i) {
        NOT_GIVEN
    } else {
        a.value(i)
    }
}

fn optional_text(a: &StringArray, i: usize) -> Option<String> {
    (!a.is_null(i)).then(|| a.value(i).to_string())
}

fn int(a: &Int32Array, i: usize) -> Option<i32> {
    (!a.is_null(i)).then(|| a.value(i))
}

/// A flag, NULL read as false.
fn flag(a: &BooleanArray, i: usize) -> bool {
    !a.is_null(i) && a.value(i)
}

/// The date of a day counted from 1970-01-01.
pub fn date(days: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(days + 719_163).expect("a date of the lake")
}

/// The label of a missing attribute, as in the indicators.
pub const NOT_GIVEN: &str = "NON_INDICATO";

/// One entry into a measure.
#[derive(Debug, Clone)]
pub struct Entry {
    pub worker: String,
    /// The employer of the measure (CIG, mobility lists), for the threshold on employers.
    pub employer: Option<String>,
    /// Day zero: the entry day.
    pub day0: i32,
    /// The first relationship started after day zero, if any by the horizon.
    pub reemployed: Option<i32>,
    /// That relationship is with the employer the person came from.
    pub recall: bool,
    /// A new employer at the same workplace comune and ATECO section within days (fire and rehire).
    pub suspect: bool,
    /// The person held another job on the entry day (counted apart).
    pub employed: bool,
    /// The values of the breakdown columns asked for.
    pub groups: Vec<String>,
}

/// One separation of the comparison pool, for one measure. The attributes are shared strings
/// (one allocation per distinct value: a national pool has millions of separations).
#[derive(Debug, Clone)]
pub struct Separation {
    pub treated: bool,
    /// Days from the separation to the entry into the measure (treated only).
    pub delay: Option<i32>,
    pub day0: i32,
    pub reemployed: Option<i32>,
    pub sesso: Arc<str>,
    pub classe_eta: Arc<str>,
    pub settore: Arc<str>,
    pub area: Arc<str>,
    pub contratto: Arc<str>,
    pub anno_nascita: Option<i32>,
    pub istruzione: Arc<str>,
    pub cittadinanza: Arc<str>,
    pub causa: Arc<str>,
}

/// One shared string per distinct value.
#[derive(Default)]
pub struct Interner(FxHashMap<String, Arc<str>>);

impl Interner {
    pub fn get(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.0.get(s) {
            return a.clone();
        }
        let a: Arc<str> = Arc::from(s);
        self.0.insert(s.to_string(), a.clone());
        a
    }
}

/// The temporary table that holds `misure_esiti` once computed, for the entries and the pool.
const COMPUTED: &str = "oml_esiti_calcolati";

/// The columns of `misure_esiti` that [`entries`], [`separations`] and `oml_confronto` read (the
/// breakdowns of `GROUPS` among them): the copy holds these only. `entrate` is there empty:
/// `oml_confronto` passes it over (it finds the entries near each separation itself).
pub(super) const COMPUTED_COLUMNS: &str =
    "ruolo, misura, tipo, id_ingresso, id_lavoratore, id_datore_misura, data_ingresso, \
    data_rioccupazione, giorni_rioccupazione, richiamo, cambio_datore_sospetto, occupato_ingresso, cpi, provincia, \
    regione, sesso, classe_eta, anno_nascita, area_cittadinanza, livello_istruzione, settore_origine, \
    contratto_origine, cpi_origine, provincia_origine, id_rapporto_origine, NULL::VARCHAR[] AS entrate";

/// Computes `misure_esiti` once into a temporary table of the session: the entries and the
/// comparison pool (`oml_confronto`, the rule of the view `misure_confronto`) both read it. Its
/// stages are kept while it is computed ([`Session::stages_of`]), then dropped (none when a
/// caller keeps `misure_esiti` itself: [`keep_computed`]).
/// Without `pool` the separations are left out (`oml_esiti_bacino`): a third of the work. The
/// status checks 3, 6, 12 months on are not computed (`oml_esiti_stati`): nothing here reads them.
/// The rows are kept in any order (less memory): every reader sorts them.
pub fn compute_once(session: &Session, pool: bool) -> Result<()> {
    session
        .conn
        .execute_batch(&format!(
            "SET VARIABLE oml_esiti_bacino = {pool}; SET VARIABLE oml_esiti_stati = false;"
        ))
        .context("setting the outcomes' parameters")?;
    session
        .with_kept(session.stages_of("misure_esiti")?, || {
            session
                .conn
                .execute_batch(&format!(
                    "SET preserve_insertion_order = false;
                     CREATE OR REPLACE TEMP TABLE {COMPUTED} AS SELECT {COMPUTED_COLUMNS} FROM misure_esiti;
                     RESET preserve_insertion_order;"
                ))
                .map_err(Into::into)
        })
        .context("computing the outcomes (view misure_esiti)")
}

/// Computes `misure_esiti` (with the comparison pool) into a temporary table of the same name
/// ([`Session::keep`]) until [`forget_computed`]: a caller that asks several questions of the
/// same outcomes (the bulletin's esiti section: the curves, then the `esiti` indicator of two
/// measures) computes them once. Valid while the esiti parameters (`oml_cig_pausa`, …) stay as
/// they are. The perimeter of the CO indicators does not apply to the measures: it is set to
/// its default first, as the `esiti` indicator runs (the views read the geography).
pub fn keep_computed(session: &Session) -> Result<()> {
    let default = crate::analytics::perimeter::Perimeter::default().sql();
    session
        .conn
        .execute_batch(&format!("{default} SET VARIABLE oml_esiti_bacino = true;"))?;
    // Computed again (Session::keep), so from its stages even if it was kept before.
    let kept = session.with_kept(&ESITI_STAGES, || session.keep("misure_esiti"));
    session.conn.execute_batch("RESET VARIABLE oml_esiti_bacino;")?;
    kept
}

/// Drops the table of [`keep_computed`]: `misure_esiti` is the view again.
pub fn forget_computed(session: &Session) -> Result<()> {
    session.forget("misure_esiti")
}

/// Drops the table of [`compute_once`] and resets the variable.
pub fn release(session: &Session) -> Result<()> {
    Ok(session.conn.execute_batch(&format!(
        "DROP TABLE IF EXISTS {COMPUTED}; RESET VARIABLE oml_esiti_bacino; RESET VARIABLE oml_esiti_stati;"
    ))?)
}

/// Days since 1970-01-01 of a date column, as SQL.
fn days(col: &str) -> String {
    format!("date_diff('day', DATE '1970-01-01', {col})::INTEGER AS {col}")
}

/// The entries of `measure` (from [`compute_once`]) with day zero in the session's period (`oml_dal`..`oml_al`) and
/// territory, with the columns `by`.
pub fn entries(session: &Session, measure: &str, by: &[String]) -> Result<Vec<Entry>> {
    let groups: String = by.iter().map(|c| format!(", {c}::VARCHAR AS \"g_{c}\"")).collect();
    let sql = format!(
        "SELECT id_lavoratore, id_datore_misura, {}, {}, coalesce(richiamo, false) AS richiamo,
            coalesce(cambio_datore_sospetto, false) AS sospetto, occupato_ingresso{groups}
         FROM {COMPUTED}
         WHERE ruolo = 'ingresso' AND misura = '{measure}'
           AND data_ingresso BETWEEN oml_dal() AND oml_al()
           AND oml_nel_territorio(provincia, regione)
         ORDER BY data_ingresso, id_ingresso",
        days("data_ingresso"),
        days("data_rioccupazione"),
    );
    let (_, batches) = session.query(&sql).context("reading the entries (view misure_esiti)")?;
    let mut out = Vec::new();
    for b in &batches {
        let c = BatchColumns(b);
        let (worker, employer) = (c.strings("id_lavoratore"), c.strings("id_datore_misura"));
        let (day0, reemployed) = (c.ints("data_ingresso"), c.ints("data_rioccupazione"));
        let (recall, suspect, employed) = (c.flags("richiamo"), c.flags("sospetto"), c.flags("occupato_ingresso"));
        let groups: Vec<&StringArray> = by.iter().map(|g| c.strings(&format!("g_{g}"))).collect();
        for i in 0..b.num_rows() {
            out.push(Entry {
                worker: text(worker, i).to_string(),
                employer: optional_text(employer, i),
                day0: int(day0, i).context("an entry without a date")?,
                reemployed: int(reemployed, i),
                recall: flag(recall, i),
                suspect: flag(suspect, i),
                employed: flag(employed, i),
                groups: groups.iter().map(|g| text(g, i).to_string()).collect(),
            });
        }
    }
    Ok(out)
}

/// The comparison pool of `measure` (from [`compute_once`]) with day zero in the session's period and territory;
/// `area` is the column matched on for the area (cpi or provincia). In the order of day zero, then
/// of the relationship that ended (sorted here: cheaper than DuckDB's sort of the whole rows).
pub fn separations(session: &Session, measure: &str, area: &str) -> Result<Vec<Separation>> {
    let sql = format!(
        "SELECT gruppo = 'trattato' AS trattato, giorni_ingresso::INTEGER AS giorni_ingresso, {}, {},
            sesso, classe_eta, settore_origine, {area}_origine AS area, contratto_origine,
            anno_nascita::INTEGER AS anno_nascita, livello_istruzione, area_cittadinanza, tipo,
            id_rapporto_origine
         FROM oml_confronto('{COMPUTED}')
         WHERE misura = '{measure}' AND data_ingresso BETWEEN oml_dal() AND oml_al()
           AND oml_nel_territorio(provincia, regione)",
        days("data_ingresso"),
        days("data_rioccupazione"),
    );
    let (_, batches) = session
        .query(&sql)
        .context("reading the comparison pool (view misure_confronto)")?;
    let mut out = Vec::new();
    let mut names = Interner::default();
    for b in &batches {
        let c = BatchColumns(b);
        let (treated, delay) = (c.flags("trattato"), c.ints("giorni_ingresso"));
        let (day0, reemployed, born) = (
            c.ints("data_ingresso"),
            c.ints("data_rioccupazione"),
            c.ints("anno_nascita"),
        );
        let ended = c.longs("id_rapporto_origine");
        let attributes = [
            "sesso",
            "classe_eta",
            "settore_origine",
            "area",
            "contratto_origine",
            "livello_istruzione",
            "area_cittadinanza",
            "tipo",
        ]
        .map(|n| c.strings(n));
        for i in 0..b.num_rows() {
            let [sesso, classe_eta, settore, area, contratto, istruzione, cittadinanza, causa] =
                attributes.map(|a| names.get(text(a, i)));
            let day0 = int(day0, i).context("a separation without a date")?;
            let order = (day0, (!ended.is_null(i)).then(|| ended.value(i)));
            out.push((
                order,
                Separation {
                    treated: flag(treated, i),
                    delay: int(delay, i),
                    day0,
                    reemployed: int(reemployed, i),
                    sesso,
                    classe_eta,
                    settore,
                    area,
                    contratto,
                    anno_nascita: int(born, i),
                    istruzione,
                    cittadinanza,
                    causa,
                },
            ));
        }
    }
    out.par_sort_unstable_by_key(|(order, _)| *order);
    Ok(out.into_iter().map(|(_, s)| s).collect())
}

/// The lake's horizon and the window after a separation in which an entry makes it treated, in
/// days (macros oml_orizzonte, oml_esclusione_dopo).
pub fn horizon_and_window(session: &Session) -> Result<(i32, i32)> {
    session
        .conn
        .query_row(
            "SELECT date_diff('day', DATE '1970-01-01', oml_orizzonte())::INTEGER, oml_esclusione_dopo()::INTEGER",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .context("reading the lake's horizon")
}
