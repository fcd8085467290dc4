//! Named indicators: the SQL files of `sql/indicatori/`, run over the lake with the period
//! and the breakdown the user asks for, then passed through disclosure control.
//!
//! Each file returns long rows — `periodo`, the breakdown columns, `misura`, `valore`,
//! `n_lavoratori`, `n_datori` — and reads its parameters from DuckDB variables (`oml_dal`,
//! `oml_al`, `oml_periodicita`, `oml_per`), so the same file runs as is from the DuckDB CLI.
//! With totals on, the file runs once per subset of the breakdown columns (a CUBE): the
//! margins are real aggregates (distinct counts are recounted, not summed), and the whole cube
//! is protected in one pass so no suppressed cell can be recovered by differencing.
//!
//! Indicators over the aggregate public tables (the INPS CIG open data, `cig_*.sql`) declare in
//! their header the breakdowns they take (`dimensioni:`), that their values are already public
//! (`pubblico: si`: every cell gets the status `pubblico` and is neither suppressed nor
//! withheld) and their parameters (`parametri: divisore_ore = 170`: a DuckDB variable
//! `oml_divisore_ore` the caller may set, echoed by the file in a column of that name, which
//! the published table carries beside the values). A file whose magnitudes come from
//! individual records may return `contributo_max_1` and `contributo_max_2`, the two largest
//! employer contributions of each cell, for the dominance rule of `sdc::Dominance`.

use super::headers::{
    header_value, header_values, list_of, parse_definitions, parse_distinct, parse_identities, parse_parameters,
    parse_places, parse_ratios, META_KEYS,
};
pub use super::headers::{Fraction, Identity, Ratio};
pub use super::perimeter::Perimeter;
use super::Session;
pub use crate::model::period::Periodicity;
use crate::sdc::{self, Mode, Status};
use anyhow::{bail, Context, Result};
use arrow::array::{ArrayRef, Float64Array, Int32Array, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, SchemaRef};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::sync::Arc;

pub use super::row::Row;

/// The indicator files, embedded in the binary: every file of `sql/indicatori/` (found by
/// `build.rs`), by name (the file's stem), in name order. [`catalog`] orders them by their
/// `ordine` header.
pub const FILES: &[(&str, &str)] = crate::sql::INDICATOR_FILES;

/// Breakdown columns (`--by`), with their meaning.
pub const DIMENSIONS: [(&str, &str); 34] = [
    (
        "comune",
        "comune della sede di lavoro, o del domicilio con --geografia residenza (codice ISTAT)",
    ),
    (
        "cpi",
        "centro per l'impiego competente per la sede di lavoro (DID, liste di mobilità: il CPI della pratica)",
    ),
    (
        "provincia",
        "provincia della sede di lavoro (sigla; DID, mobilità: del CPI)",
    ),
    (
        "regione",
        "regione della sede di lavoro (codice ISTAT; DID, mobilità: del CPI)",
    ),
    ("settore", "macro-settore: agricoltura, industria, costruzioni, servizi"),
    ("ateco_sezione", "sezione ATECO 2007 del datore (A–U)"),
    ("ateco_divisione", "divisione ATECO 2007 del datore (2 cifre)"),
    ("macro_contratto", "classe di contratto (TI, TD, apprendistato, …)"),
    ("tipologia_contrattuale", "tipologia contrattuale (codice ministeriale)"),
    (
        "tipo_orario",
        "tipo di orario (F pieno, P/V/M parziale, N non definito)",
    ),
    (
        "orario",
        "orario: tempo pieno, part-time, non definito (da tipo_orario)",
    ),
    ("sesso", "sesso del lavoratore"),
    ("classe_eta", "classe di età all'avviamento"),
    ("area_cittadinanza", "area di cittadinanza (Italia, UE, extra UE)"),
    ("livello_istruzione", "livello di istruzione"),
    (
        "codice_trasformazione",
        "codice della trasformazione (solo trasformazioni)",
    ),
    (
        "area",
        "area (comune, CPI o provincia: parametro livello) di cui si misura il pendolarismo (solo pendolarismo)",
    ),
    (
        "area_domicilio",
        "area (comune, CPI o provincia: parametro livello) del domicilio del lavoratore (solo pendolarismo_od)",
    ),
    (
        "area_lavoro",
        "area (comune, CPI o provincia: parametro livello) della sede di lavoro (solo pendolarismo_od)",
    ),
    (
        "settore_origine",
        "macro-settore del rapporto cessato (transizioni; le altre colonne: rapporto di arrivo) o del rapporto di provenienza di chi entra in una misura di crisi (esiti)",
    ),
    (
        "dimensione_datore",
        "classe di addetti del datore nel lago: 1-9, 10-49, 50-249, 250+ (solo j2j e matrice_transizioni)",
    ),
    (
        "origine",
        "classe di provenienza: settore, area, contratto o dimensione del rapporto cessato (parametro asse; solo matrice_transizioni)",
    ),
    (
        "destinazione",
        "classe di arrivo: la stessa dimensione per il rapporto successivo (parametro asse; solo matrice_transizioni)",
    ),
    (
        "tipo_intervento",
        "tipo di intervento di integrazione salariale: CIGO, CIGS, CIGD, FIS, fondi (solo indicatori cig_*)",
    ),
    (
        "territorio",
        "territorio del dato INPS: codice ISTAT di regione o provincia, IT (solo indicatori cig_*)",
    ),
    (
        "punto_servizio",
        "dove è stata resa la DID: CPI, SPORTELLO_COMUNALE, SPORTELLO_PARTNER, PORTALE (solo did)",
    ),
    (
        "stato_occupazionale",
        "condizione dichiarata nella DID, TAB_STATUSOCCUPAZ 01–05 (solo did)",
    ),
    (
        "prestazione",
        "prima prestazione dell'episodio di DID: NASPI, DISCOLL o NESSUNA (solo did)",
    ),
    (
        "lista",
        "lista di mobilità: 1 ex L. 223/1991, 2 ex L. 236/1993 (solo mobilita_liste)",
    ),
    (
        "tipo",
        "tipo di ingresso nella misura: prestazione della DID (NASPI, DISCOLL, NESSUNA), lista di mobilità o tipo di intervento di CIG (solo esiti)",
    ),
    (
        "contratto_origine",
        "macro-contratto del rapporto di provenienza di chi entra nella misura (solo esiti)",
    ),
    (
        "settore_rioccupazione",
        "macro-settore del primo nuovo rapporto dopo l'ingresso, NON_RIOCCUPATO se nessuno entro l'orizzonte (solo esiti)",
    ),
    (
        "contratto_rioccupazione",
        "contratto del primo nuovo rapporto: TI, TD, APPRENDISTATO, SOMMINISTRAZIONE, ALTRO o NON_RIOCCUPATO (solo esiti)",
    ),
    (
        "provincia_rioccupazione",
        "provincia della sede del primo nuovo rapporto, NON_RIOCCUPATO se nessuno (solo esiti)",
    ),
];

/// Breakdowns only the indicators that name them in their `dimensioni:` header take.
const DECLARED_ONLY: [&str; 17] = [
    "area",
    "area_domicilio",
    "area_lavoro",
    "dimensione_datore",
    "origine",
    "destinazione",
    "tipo_intervento",
    "territorio",
    "punto_servizio",
    "stato_occupazionale",
    "prestazione",
    "lista",
    "tipo",
    "contratto_origine",
    "settore_rioccupazione",
    "contratto_rioccupazione",
    "provincia_rioccupazione",
];

pub use super::row::{CELL_KEY_COLUMN, TOP_COLUMNS};

pub use super::cells::identity_equations;

/// The disclosure-control cells of an indicator's rows (key = periodo, then the breakdowns).
pub fn cells_of(ind: &Indicator, rows: &[Row]) -> Vec<sdc::Cell> {
    super::cells::cells_of(&ind.additive, &ind.signed, ind.public, rows)
}

/// Withholds every published ratio of the indicator (`-- rapporti:`) one of whose members is
/// withheld in the same cell; returns how many.
pub fn withhold_ratios(ind: &Indicator, rows: &[Row], status: &mut [Status]) -> usize {
    super::cells::withhold_ratios(&ind.ratios, rows, status)
}

/// Label of a margin cell in every output.
pub const TOTALE: &str = "Totale";

/// An indicator file with the metadata of its header.
#[derive(Debug, Clone)]
pub struct Indicator {
    pub name: &'static str,
    pub title: String,
    pub additive: Vec<String>,
    /// Measures that can be negative (`con_segno:` header: saldo, variazione): interval
    /// protection puts no floor at zero under them.
    pub signed: Vec<String>,
    pub quarterly: bool,
    /// Linear identities between the measures of one cell (`-- identita:` header line), which
    /// disclosure control must respect like the margins: `saldo = attivazioni - cessazioni + …`.
    pub identities: Vec<Identity>,
    /// Measures computed from others of the same cell (`-- rapporti:` header line: `tiraggio =
    /// ore_utilizzate / ore_autorizzate_con_utilizzo`), published only where those are: a ratio
    /// beside a withheld member would give it back (see [`withhold_ratios`]).
    pub ratios: Vec<Ratio>,
    /// The decimal places the file rounds its ratios to (`decimali:`, `oml_arrotonda(…, 2)`):
    /// what `margini: somma` rounds the ratios it recomputes on the margins to.
    pub ratio_decimals: Option<u32>,
    /// Measures whose value is the count of the cell's distinct workers or employers
    /// (`distinti: datori_attivi = n_datori`): with the contributors listed, filled from the
    /// lists (`analytics::cube`), so that the file may declare `margini: somma` although those
    /// values are not sums.
    pub distinct_values: Vec<(String, String)>,
    /// Measures whose value is an additive quantity divided by the cell's count of distinct
    /// workers or employers (`per_distinti: attivazioni_per_lavoratore = n_lavoratori`, rounded
    /// to `decimali:` places): with the contributors listed the file gives the numerator
    /// (`oml_per_distinti_liste`) and the binary divides.
    pub per_distinct: Vec<(String, String)>,
    /// Measures whose events are those of their members, each in exactly one (`unioni: saldo =
    /// attivazioni - cessazioni`): with `margini: somma` the binary derives them (value: the
    /// signed sum; contributors: the union of the members') and the file skips them
    /// (`oml_da_unire`), so their contributors are not listed twice.
    pub unions: Vec<Identity>,
    /// Additive measures published rounded (`arrotondate: ula = 1`): with `margini: somma` the
    /// file gives them unrounded while listing (`oml_arrotonda_liste`) and the binary rounds
    /// every cell after summing, as `oml_arrotonda` would.
    pub rounded: Vec<(String, u32)>,
    /// Shares over a margin added after protection (`-- quote:` header; `analytics::shares`).
    pub shares: Vec<super::shares::Share>,
    /// Every measure of a margin is the sum of its detail cells, and the only distinct counts
    /// are the contributor counts (`margini: somma`): the cube is computed from one run at the
    /// finest breakdown (`analytics::cube`).
    pub margins_sum: bool,
    /// The only distinct counts are the contributor counts (`contributori: liste`, implied by
    /// `margini: somma`): each run lists the contributors' dense numbers and Rust counts them.
    pub listed_contributors: bool,
    /// The view the file reads (`fonte:`).
    pub source: String,
    /// The only breakdowns the file takes (`dimensioni:`); None = those of the CO views.
    pub dimensions: Option<Vec<String>>,
    /// The values are already public (`pubblico: si`, open data): shown, never suppressed.
    pub public: bool,
    /// The records have no employer (`datori: no`: DID, mobility lists): the file returns an
    /// empty `n_datori` and only the threshold on workers applies.
    pub no_employers: bool,
    /// Parameters (`parametri: divisore_ore = 170; livello_territorio`) with their default as
    /// the header states it (the file applies it; None: the file chooses).
    pub parameters: Vec<(String, Option<String>)>,
    /// Notes printed under the table (`nota:` lines; `{name}` is replaced by the parameter's
    /// value).
    pub notes: Vec<String>,
    /// Italian definitions of the measures (`definizione: misura = testo` lines): the glossary.
    pub definitions: Vec<(String, String)>,
    pub sql: std::borrow::Cow<'static, str>,
    /// The header comment (definitions), without the metadata lines.
    pub description: String,
}

/// Every indicator, in the order of the `ordine` header of its file (`-- ordine: 10`; files
/// without one come last, by name).
pub fn catalog() -> Vec<Indicator> {
    let mut files = FILES.to_vec();
    files.sort_by_key(|(_, sql)| {
        header_value(sql, "ordine")
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(u32::MAX)
    });
    files
        .into_iter()
        .map(|(name, sql)| {
            let additive = list_of(header_value(sql, "additive"));
            Indicator {
                name,
                title: header_value(sql, "titolo").unwrap_or(name).to_string(),
                ratios: parse_ratios(header_value(sql, "rapporti").unwrap_or(""), &additive),
                ratio_decimals: header_value(sql, "decimali").and_then(|v| v.parse().ok()),
                distinct_values: parse_distinct(header_value(sql, "distinti").unwrap_or("")),
                per_distinct: parse_distinct(header_value(sql, "per_distinti").unwrap_or("")),
                unions: parse_identities(header_value(sql, "unioni").unwrap_or("")),
                rounded: parse_places(header_value(sql, "arrotondate").unwrap_or("")),
                shares: super::shares::parse(header_value(sql, "quote").unwrap_or("")),
                additive,
                signed: list_of(header_value(sql, "con_segno")),
                quarterly: header_value(sql, "trimestrale").is_some_and(|v| v == "si"),
                identities: parse_identities(header_value(sql, "identita").unwrap_or("")),
                margins_sum: header_value(sql, "margini").is_some_and(|v| v == "somma"),
                listed_contributors: header_value(sql, "contributori").is_some_and(|v| v == "liste"),
                source: header_value(sql, "fonte").unwrap_or("").to_string(),
                dimensions: header_value(sql, "dimensioni").map(|v| list_of(Some(v))),
                public: header_value(sql, "pubblico").is_some_and(|v| v == "si"),
                no_employers: header_value(sql, "datori").is_some_and(|v| v == "no"),
                parameters: parse_parameters(header_value(sql, "parametri").unwrap_or("")),
                notes: header_values(sql, "nota").map(str::to_string).collect(),
                definitions: parse_definitions(header_values(sql, "definizione")),
                sql: sql.into(),
                description: sql
                    .lines()
                    .take_while(|l| l.starts_with("--"))
                    .map(|l| l.strip_prefix("-- ").unwrap_or(l.trim_start_matches("--")))
                    .filter(|l| {
                        !META_KEYS
                            .iter()
                            .any(|k| l.strip_prefix(k).is_some_and(|r| r.starts_with(':')))
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
                    .trim()
                    .to_string(),
            }
        })
        .collect()
}

impl Indicator {
    /// Whether the indicator reads the communications (its `fonte:` is a `*_dim` view), hence
    /// takes a perimeter.
    pub fn reads_co(&self) -> bool {
        self.source.ends_with("_dim")
    }

    /// The benchmark's floor (`oml bench indicators`): the same file with every distinct count
    /// (`count(DISTINCT x)`, `list(DISTINCT x)`) made a plain one, so that it groups the same
    /// rows the same way without paying for distinctness. Its contributor counts are wrong by
    /// design: run it unprotected (`Mode::Confidential`) and never publish it.
    pub fn without_distinct_counts(mut self) -> Indicator {
        self.sql = self
            .sql
            .replace("count(DISTINCT ", "count(")
            .replace("list(DISTINCT ", "list(")
            .into();
        self
    }

    /// What the cube needs to know of the file's measures (`analytics::cube`).
    pub(super) fn cube_measures(&self) -> super::cube::Measures<'_> {
        super::cube::Measures {
            additive: &self.additive,
            ratios: &self.ratios,
            decimals: self.ratio_decimals,
            distinct: &self.distinct_values,
            per_distinct: &self.per_distinct,
            unions: &self.unions,
            rounded: &self.rounded,
        }
    }

    /// The file's text for the runs with the contributors listed (`analytics::cube`), None
    /// when it has other distinct counts; unrounded where the binary rounds.
    pub(super) fn listing_sql(&self) -> Option<String> {
        let sql = super::cube::listing_sql(&self.sql)?;
        Some(if self.rounded.is_empty() {
            sql
        } else {
            sql.replace("oml_arrotonda(", "oml_arrotonda_liste(")
        })
    }

    /// What the parser of the file's result needs to know of it.
    pub(super) fn shape(&self) -> super::row::Shape<'_> {
        super::row::Shape {
            no_employers: self.no_employers,
            parameters: self.parameters.iter().map(|(p, _)| p.as_str()).collect(),
        }
    }

    /// The Italian definition of a measure, when the file gives one.
    pub fn definition(&self, measure: &str) -> Option<&str> {
        self.definitions
            .iter()
            .find(|(m, _)| m == measure)
            .map(|(_, d)| d.as_str())
    }
}

/// Looks an indicator up by name.
pub fn find(name: &str) -> Result<Indicator> {
    catalog().into_iter().find(|i| i.name == name).with_context(|| {
        let names: Vec<&str> = catalog().iter().map(|i| i.name).collect();
        format!("unknown indicator {name:?}; available: {}", names.join(", "))
    })
}

/// What to compute.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub indicator: String,
    pub by: Vec<String>,
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub periodicity: Periodicity,
    /// Add the margins (totals over each breakdown column) and protect them together.
    pub totals: bool,
    pub mode: Mode,
    /// Restrict to one province and/or region of the workplace (of the domicile under the
    /// residence geography of `perimeter`).
    pub territory: Territory,
    /// The employers and contracts counted, and the geography (CO indicators only).
    pub perimeter: Perimeter,
    /// Values of the indicator's parameters (`parametri:` header); the others keep the file's
    /// default.
    pub parameters: BTreeMap<String, String>,
}

/// A territorial filter on the workplace (`provincia` sigla, `regione` as in the lake).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Territory {
    pub provincia: Option<String>,
    pub regione: Option<String>,
}

impl Territory {
    /// The DuckDB statements that set (or reset) the filter read by the `*_dim` views.
    pub fn sql(&self) -> String {
        let set = |var: &str, v: &Option<String>| match v {
            Some(v) => format!("SET VARIABLE {var} = '{}';", v.replace('\'', "''")),
            None => format!("RESET VARIABLE {var};"),
        };
        format!(
            "{} {}",
            set("oml_provincia", &self.provincia),
            set("oml_regione", &self.regione)
        )
    }
}

/// A computed, protected indicator table.
#[derive(Debug, Clone)]
pub struct Table {
    pub indicator: Indicator,
    pub by: Vec<String>,
    pub rows: Vec<Row>,
    pub status: Vec<Status>,
    pub report: sdc::Report,
    pub confidential: bool,
}

/// Most breakdown columns a request may combine with totals (2^n queries).
const MAX_DIMS_WITH_TOTALS: usize = 4;

/// Runs the file once with the given breakdown columns; `all` are the requested ones.
fn run_once(session: &Session, ind: &Indicator, subset: &[&str], all: &[String]) -> Result<Vec<Row>> {
    session.set_breakdown(subset)?;
    let (_, batches) = session
        .query(&ind.sql)
        .with_context(|| format!("running sql/indicatori/{}.sql", ind.name))?;
    let shape = ind.shape();
    let mut rows = Vec::new();
    for b in &batches {
        rows.extend(super::row::parse_batch(b, &shape, subset, all, false)?);
    }
    Ok(rows)
}

/// Computes and protects an indicator.
pub fn compute(session: &Session, req: &Request) -> Result<Table> {
    compute_indicator(session, find(&req.indicator)?, req)
}

/// Computes and protects `ind` (an indicator of the catalogue, or a hand-made one in tests).
pub fn compute_indicator(session: &Session, ind: Indicator, req: &Request) -> Result<Table> {
    check(&ind, req)?;
    prepare(session, &ind, req)?;
    let subsets = subsets_of(&req.by, req.totals);
    // The contributors as lists of dense numbers where the file allows it (`analytics::cube`);
    // never with cell keys, which need the pseudonyms.
    let listing = ind
        .listing_sql()
        .filter(|_| (ind.margins_sum || ind.listed_contributors) && !matches!(req.mode, Mode::CellKey(..)));
    let run_listed = |sql: &str| -> Result<Vec<Row>> {
        if ind.margins_sum {
            let listed = super::cube::Listed::run_all(session, sql, (&ind.shape(), &ind.unions), &req.by)?;
            return super::cube::rows(&listed, &ind.cube_measures(), &req.by, &subsets);
        }
        let mut rows = Vec::new();
        for s in &subsets {
            let rows_of = super::cube::rows_of_subset(session, sql, &ind.shape(), s, &req.by)?;
            rows.extend(super::cube::with_distinct_values(rows_of, &ind.cube_measures()));
        }
        Ok(rows)
    };
    let run = || -> Result<Vec<Row>> {
        match &listing {
            Some(sql) => run_listed(sql).with_context(|| format!("running sql/indicatori/{}.sql", ind.name)),
            None => {
                let mut rows = Vec::new();
                for s in &subsets {
                    rows.extend(run_once(session, &ind, s, &req.by)?);
                }
                Ok(rows)
            }
        }
    };
    // A costly source read by several runs (one per subset) is computed once.
    let runs = if ind.margins_sum && listing.is_some() {
        1
    } else {
        subsets.len()
    };
    let rows = session.with_source_kept(&ind.source, runs, run)?;
    protect_rows(ind, req, rows)
}

/// The request's breakdown is one the indicator takes, with parameters it has.
pub(super) fn check(ind: &Indicator, req: &Request) -> Result<()> {
    for d in &req.by {
        if !DIMENSIONS.iter().any(|(n, _)| n == d) {
            let names: Vec<&str> = DIMENSIONS.iter().map(|(n, _)| *n).collect();
            bail!("unknown breakdown column {d:?}; available: {}", names.join(", "));
        }
        if d == "codice_trasformazione" && ind.name != "trasformazioni" {
            bail!("codice_trasformazione is a breakdown of the trasformazioni indicator only");
        }
        let declared = ind.dimensions.as_ref().is_some_and(|own| own.contains(d));
        if d == "settore_origine" && ind.name != "transizioni" && !declared {
            bail!("settore_origine is a breakdown of the transizioni and esiti indicators only");
        }
        match &ind.dimensions {
            Some(own) if !own.contains(d) => {
                bail!("{} takes only these breakdowns: {}", ind.name, own.join(", "))
            }
            None if DECLARED_ONLY.contains(&d.as_str()) => {
                let takers: Vec<&str> = catalog()
                    .into_iter()
                    .filter(|i| i.dimensions.as_ref().is_some_and(|own| own.contains(d)))
                    .map(|i| i.name)
                    .collect();
                bail!("{d} is a breakdown of these indicators only: {}", takers.join(", "))
            }
            _ => {}
        }
    }
    if !req.perimeter.is_everything() && !ind.reads_co() {
        bail!(
            "{} does not read the communications: --datori, --escludi and --geografia apply to the CO indicators only",
            ind.name
        );
    }
    if ind.public && req.territory != Territory::default() {
        bail!(
            "{} reads public aggregate tables: choose the territory with --by territorio, not --province/--region",
            ind.name
        );
    }
    for p in req.parameters.keys() {
        if !ind.parameters.iter().any(|(n, _)| n == p) {
            bail!("{} has no parameter {p}", ind.name);
        }
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(d) = req.by.iter().find(|d| !seen.insert(d.as_str())) {
        bail!("breakdown column {d:?} given twice");
    }
    if req.totals && req.by.len() > MAX_DIMS_WITH_TOTALS {
        bail!(
            "at most {MAX_DIMS_WITH_TOTALS} breakdown columns with totals ({} given); use --no-totals for more",
            req.by.len()
        );
    }
    Ok(())
}

/// Sets the session's variables for the request: period, periodicity, cell-key salt,
/// territory, perimeter and the indicator's parameters.
pub(super) fn prepare(session: &Session, ind: &Indicator, req: &Request) -> Result<()> {
    let mut setup = format!("SET VARIABLE oml_periodicita = '{}';", req.periodicity.sql_name());
    match req.period {
        Some((dal, al)) => setup.push_str(&format!(
            "SET VARIABLE oml_dal = DATE '{dal}'; SET VARIABLE oml_al = DATE '{al}';"
        )),
        None => setup.push_str("RESET VARIABLE oml_dal; RESET VARIABLE oml_al;"),
    }
    match &req.mode {
        Mode::CellKey(_, salt) => setup.push_str(&format!("SET VARIABLE oml_sale_chiave = '{}';", salt.hex())),
        _ => setup.push_str("RESET VARIABLE oml_sale_chiave;"),
    }
    setup.push_str(&req.territory.sql());
    setup.push_str(&req.perimeter.sql());
    for (p, _) in &ind.parameters {
        match req.parameters.get(p) {
            Some(v) => setup.push_str(&format!("SET VARIABLE oml_{p} = '{}';", v.replace('\'', "''"))),
            None => setup.push_str(&format!("RESET VARIABLE oml_{p};")),
        }
    }
    session.conn.execute_batch(&setup).context("setting the period")?;
    Ok(())
}

/// The subsets of the breakdown a cube holds (every one with totals, largest first, so detail
/// rows come before their margins), or the breakdown alone.
pub(super) fn subsets_of(by: &[String], totals: bool) -> Vec<Vec<&str>> {
    let by: Vec<&str> = by.iter().map(String::as_str).collect();
    if !totals {
        return vec![by];
    }
    let n = by.len();
    let mut masks: Vec<u32> = (0..(1u32 << n)).collect();
    masks.sort_by_key(|m| std::cmp::Reverse(m.count_ones()));
    masks
        .into_iter()
        .map(|m| (0..n).filter(|i| m & (1 << i) != 0).map(|i| by[i]).collect())
        .collect()
}

/// The table of the rows of a cube: disclosure control (or cell-key perturbation) over its
/// margins and identities, ratios withheld with their members, shares added.
pub(super) fn protect_rows(ind: Indicator, req: &Request, mut rows: Vec<Row>) -> Result<Table> {
    let cells = cells_of(&ind, &rows);
    let mut equations = sdc::cube_equations(&cells);
    equations.extend(identity_equations(&cells, &ind.identities));
    let mut protection = match req.mode {
        Mode::CellKey(rules, _) => sdc::perturb(&cells, &equations, &rules).map_err(|cell| {
            anyhow::anyhow!(
                "--sdc cellkey: {} gives no cell key for {cell}; the cell-key method perturbs counts \
                 and is available for the count indicators whose file computes oml_chiave_cella \
                 (not for days, hours or public data): use --sdc soppressione",
                ind.name
            )
        })?,
        _ => sdc::protect(&cells, &equations, &req.mode),
    };
    for &(c, v) in &protection.perturbed {
        rows[c].valore = Some(v);
    }
    let withheld = withhold_ratios(&ind, &rows, &mut protection.status);
    protection.report.ok -= withheld;
    protection.report.suppressed_secondary += withheld;
    let confidential = matches!(req.mode, Mode::Confidential);
    super::shares::add(&ind.shares, &req.by, &mut rows, &mut protection.status, confidential);
    Ok(Table {
        indicator: ind,
        by: req.by.clone(),
        rows,
        status: protection.status,
        report: protection.report,
        confidential: matches!(req.mode, Mode::Confidential),
    })
}

/// The source named in a table's notes, from the view the indicator reads (`fonte:`).
fn source_label(view: &str, public: bool) -> &'static str {
    match view {
        _ if public => "dati aperti dell'INPS (cassa integrazione guadagni), caricati con oml ingest cig",
        "did_episodi" => {
            "DID (dichiarazioni di immediata disponibilità, D.Lgs. 150/2015) del sistema informativo lavoro, caricate con oml ingest did"
        }
        "mobilita_iscrizioni" => {
            "liste di mobilità (L. 223/1991, fino al 2016) del sistema informativo lavoro, caricate con oml ingest mobilita"
        }
        "cig_lavoratori" => "lavoratori in cassa integrazione del sistema informativo lavoro, caricati con oml ingest cig-lavoratori",
        _ => "dati delle Comunicazioni Obbligatorie",
    }
}

impl Table {
    /// Schema of the published table: the standard columns, then one per parameter of the
    /// indicator (the value used, e.g. `divisore_ore`).
    pub fn schema(&self) -> SchemaRef {
        let base = Table::schema_for(&self.by);
        if self.indicator.parameters.is_empty() {
            return base;
        }
        let mut fields: Vec<arrow::datatypes::FieldRef> = base.fields().iter().cloned().collect();
        for (p, _) in &self.indicator.parameters {
            fields.push(Arc::new(arrow::datatypes::Field::new(p, DataType::Utf8, true)));
        }
        Arc::new(arrow::datatypes::Schema::new(fields))
    }

    /// Schema of a published table with these breakdown columns.
    pub fn schema_for(by: &[String]) -> SchemaRef {
        crate::lake::catalog::published_table_schema(by)
    }

    /// The published table: suppressed cells have no value and no contributor counts (the
    /// counts would reveal what the suppression hides); the status says why. A public table
    /// has no contributor counts (its publisher gives none).
    pub fn to_batch(&self) -> Result<RecordBatch> {
        let shown = |i: usize| self.status[i].is_published() || self.confidential;
        // Contributor counts would undo the noise of a perturbed cell (a count of workers is often
        // its value).
        let counted = |i: usize| shown(i) && !self.indicator.public && self.status[i] != Status::Perturbed;
        let mut cols: Vec<ArrayRef> = vec![Arc::new(StringArray::from_iter_values(
            self.rows.iter().map(|r| r.periodo.as_str()),
        ))];
        for k in 0..self.by.len() {
            cols.push(Arc::new(StringArray::from_iter_values(
                self.rows.iter().map(|r| r.dims[k].as_deref().unwrap_or(TOTALE)),
            )));
        }
        cols.push(Arc::new(StringArray::from_iter_values(
            self.rows.iter().map(|r| r.misura.as_str()),
        )));
        cols.push(Arc::new(Float64Array::from_iter(
            self.rows.iter().enumerate().map(|(i, r)| r.valore.filter(|_| shown(i))),
        )));
        cols.push(Arc::new(StringArray::from_iter_values(
            self.status.iter().map(|s| s.label()),
        )));
        cols.push(Arc::new(Int32Array::from_iter_values(
            self.status.iter().map(|s| s.code()),
        )));
        cols.push(Arc::new(Int64Array::from_iter(
            self.rows
                .iter()
                .enumerate()
                .map(|(i, r)| counted(i).then_some(r.n_lavoratori as i64)),
        )));
        cols.push(Arc::new(Int64Array::from_iter(
            self.rows
                .iter()
                .enumerate()
                .map(|(i, r)| r.n_datori.filter(|_| counted(i)).map(|n| n as i64)),
        )));
        for k in 0..self.indicator.parameters.len() {
            cols.push(Arc::new(StringArray::from_iter(
                self.rows.iter().map(|r| r.parameters.get(k).cloned().flatten()),
            )));
        }
        Ok(RecordBatch::try_new(self.schema(), cols)?)
    }

    /// Legend and provenance lines printed under the table.
    pub fn notes(&self) -> Vec<String> {
        let fonte = source_label(&self.indicator.source, self.indicator.public);
        let mut v = vec![
            format!(
                "Fonte: elaborazioni OML su {fonte}; indicatore sql/indicatori/{}.sql.",
                self.indicator.name
            ),
            format!("Controllo della divulgazione: {}.", self.report),
        ];
        // A note about a parameter left empty (accorpa: nothing merged) is not printed.
        'notes: for note in &self.indicator.notes {
            let mut text = note.clone();
            for (k, (p, default)) in self.indicator.parameters.iter().enumerate() {
                let used = self
                    .rows
                    .iter()
                    .find_map(|r| r.parameters.get(k).cloned().flatten())
                    .or_else(|| default.clone())
                    .unwrap_or_default();
                let slot = format!("{{{p}}}");
                if used.is_empty() && text.contains(&slot) {
                    continue 'notes;
                }
                text = text.replace(&slot, &used.replace('.', ","));
            }
            v.push(text);
        }
        if self.indicator.public && !self.confidential {
            v.push(
                "Stato: pubblico = valore già diffuso dall'INPS come dato aperto, riportato senza \
                 ulteriore controllo della divulgazione; non_disponibile = non calcolabile."
                    .into(),
            );
        } else if self.confidential {
            v.push("ATTENZIONE: tabella riservata, NON protetta (--confidential): non pubblicabile.".into());
        } else {
            let soglia = if self.indicator.no_employers {
                "meno di 3 persone"
            } else {
                "meno di 3 lavoratori o di 3 datori"
            };
            v.push(format!(
                "Stato: ok = pubblicato; soppressa_primaria = {soglia}; \
                 soppressa_secondaria = nascosta perché non si possa ricavare per differenza; \
                 non_disponibile = non calcolabile."
            ));
        }
        v
    }
}

#[cfg(test)]
#[path = "indicators_tests.rs"]
mod tests;
