//! Indicators at national scale: exact contributor counts without DuckDB's distinct aggregate.
//!
//! Two ways, each declared by the file's header (`sql/README.md`), both over a view that carries
//! the dense numbers `oml build` writes (`id_lavoratore_num`, `id_datore_num`:
//! `lake::catalog::NUMBERS`), and both only where the file's only distinct counts are its
//! contributor counts, `count(DISTINCT id_lavoratore)` and `count(DISTINCT id_datore)`:
//!
//! - `-- contributori: liste` ([`rows_of_subset`]): each run per subset of the breakdown has those
//!   counts replaced by the lists of the contributors' numbers (`list(id_lavoratore_num)`, not
//!   distinct: it costs about what the grouping costs), and Rust counts each row's list.
//! - `-- margini: somma` ([`rows`]): every measure of a margin is also the sum of its detail
//!   cells (each record falls in exactly one detail cell), so the file runs once, at the finest
//!   breakdown; the margins' values are sums of the detail values, and every cell's contributors
//!   — detail or margin — are counted over the union of its detail cells' lists. Measures that
//!   are not sums follow from them ([`Measures`]): a ratio `K * m1 / m2` of two additive
//!   measures (`rapporti:`, rounded to `decimali:` places as `oml_arrotonda` rounds, bit for
//!   bit: [`arrotonda`]), recomputed from the summed members of each cell; a distinct count
//!   (`distinti:`), the cell's contributor count itself, or a sum divided by it (`per_distinti:`);
//!   a union of measures (`unioni:`), which the file skips while listing; a rounded sum
//!   (`arrotondate:`), summed unrounded.
//!
//! Why: DuckDB's `count(DISTINCT …)` costs about eight times the plain grouping of the same
//! events, and the cube ran the file once per subset of the breakdown (four times for two
//! columns), each time over every event. Counting is exact, with one stamp per number
//! ([`count_distinct`]): no hash set, no sort.
//!
//! The result is the same rows, in the same order, as the plain runs per subset (the file's
//! `ORDER BY ALL`: period, breakdown columns in the result's order, measure):
//! `tests/build_indicators/cubo.rs` compares them on the demo lake, cell by cell, for every file
//! that declares either header.

use super::headers::{Fraction, Identity, Ratio};
use super::row::{parse_batch, Row, Shape};
use super::Session;
use anyhow::{bail, Context, Result};
use arrow::array::{Array, AsArray, ListArray, RecordBatch};
use arrow::datatypes::Int32Type;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// A cell of the cube: period, breakdown values (None = total) and measure.
type Key = (String, Vec<Option<String>>, String);

/// The distinct contributor counts of a file and the lists of dense numbers that replace them;
/// and the cell key, NULL on these paths (never taken with `--sdc cellkey`), so that the
/// pseudonyms are not read at all.
const LISTED: [(&str, &str); 3] = [
    ("count(DISTINCT id_lavoratore)", "list(id_lavoratore_num)"),
    ("count(DISTINCT id_datore)", "list(id_datore_num)"),
    ("oml_chiave_cella(id_lavoratore)", "NULL::DOUBLE"),
];

/// The file's text for the detail run: each contributor count made a list of dense numbers.
/// None when another distinct aggregate remains (the margins could not be derived).
pub(super) fn listing_sql(sql: &str) -> Option<String> {
    let counts = LISTED[..2]
        .iter()
        .fold(sql.to_string(), |s, (from, to)| s.replace(from, to));
    let rest = counts
        .replace("IS NOT DISTINCT FROM", "")
        .replace("IS DISTINCT FROM", "");
    let (key, none) = LISTED[2];
    (!rest.contains("DISTINCT") && counts != sql).then(|| {
        let listing = counts
            .replace(key, none)
            .replace("oml_distinti(", "oml_distinti_liste(")
            .replace("oml_per_distinti(", "oml_per_distinti_liste(");
        // Rust orders the rows (`key_of`): DuckDB's ORDER BY ALL would sort on the lists
        // too, encoding every number into its sort keys (national j2j: 6.5 s and 5.8 GB).
        let body = listing.trim_end().trim_end_matches(';').trim_end();
        match body.strip_suffix("ORDER BY ALL") {
            Some(unordered) => format!("{unordered};"),
            None => listing,
        }
    })
}

/// The dense numbers of one row's contributors.
fn numbers(list: &ListArray, i: usize) -> &[i32] {
    if list.is_null(i) {
        return &[];
    }
    let offsets = list.value_offsets();
    let values = list.values().as_primitive::<Int32Type>().values();
    &values[offsets[i] as usize..offsets[i + 1] as usize]
}

/// The lists of one contributor column of a batch (None when the file gives no such column, or
/// only NULLs: no employers).
fn list_column(b: &RecordBatch, name: &str) -> Result<Option<ListArray>> {
    let c = b
        .column_by_name(name)
        .with_context(|| format!("the indicator's result has no column {name}"))?;
    match c.as_list_opt::<i32>() {
        Some(l) if l.values().as_primitive_opt::<Int32Type>().is_some() && l.values().null_count() == 0 => {
            Ok(Some(l.clone()))
        }
        Some(_) => bail!("{name}: the list holds something other than dense numbers"),
        None if c.null_count() == c.len() => Ok(None),
        None => bail!("{name} is not a list of dense numbers"),
    }
}

/// Distinct numbers in the union of the lists of each group (`members` → row indices), with one
/// stamp per number: a number counts once per group, when its stamp is not yet the group's tag.
/// `tag` is the first of the tags this call may use (one per group; never reused on `stamp`).
fn count_distinct<G: AsRef<[usize]>>(groups: &[G], lists: &[&[i32]], stamp: &mut [u32], tag: u32) -> Vec<u64> {
    groups
        .iter()
        .enumerate()
        .map(|(g, members)| {
            let t = tag + g as u32;
            let mut n = 0;
            for &r in members.as_ref() {
                for &id in lists[r] {
                    let s = &mut stamp[id as usize];
                    if *s != t {
                        *s = t;
                        n += 1;
                    }
                }
            }
            n
        })
        .collect()
}

/// One run of the file with the breakdown columns `subset`: its rows, and the lists of dense
/// numbers of each row's workers and employers.
pub(super) struct Listed {
    rows: Vec<Row>,
    batches: Vec<(Option<ListArray>, Option<ListArray>)>,
    /// (batch, row in the batch) of each row.
    at: Vec<(usize, usize)>,
    /// The breakdown columns (indices into `all`) in the result's order: the order of the file's
    /// ORDER BY ALL.
    order: Vec<usize>,
}

impl Listed {
    /// The run at every column of `all`, with the file skipping the measures of `unions`
    /// (macro `oml_da_unire`), which [`rows`] derives from their members.
    pub(super) fn run_all(
        session: &Session,
        sql: &str,
        (shape, unions): (&Shape, &[Identity]),
        all: &[String],
    ) -> Result<Listed> {
        let every: Vec<&str> = all.iter().map(String::as_str).collect();
        let names: Vec<String> = unions.iter().map(|u| format!("'{}'", u.total)).collect();
        session
            .conn
            .execute_batch(&format!("SET VARIABLE oml_unioni = [{}]::VARCHAR[];", names.join(", ")))?;
        let listed = Listed::run(session, sql, shape, &every, all);
        session.conn.execute_batch("RESET VARIABLE oml_unioni;")?;
        listed
    }

    fn run(session: &Session, sql: &str, shape: &Shape, subset: &[&str], all: &[String]) -> Result<Listed> {
        session.set_breakdown(subset)?;
        let (schema, result) = session.query(sql)?;
        let mut order: Vec<usize> = (0..all.len()).collect();
        order.sort_by_key(|&k| schema.index_of(&all[k]).unwrap_or(usize::MAX));
        let mut listed = Listed {
            rows: Vec::new(),
            batches: Vec::new(),
            at: Vec::new(),
            order,
        };
        for (k, b) in result.iter().enumerate() {
            listed.rows.extend(parse_batch(b, shape, subset, all, true)?);
            listed
                .batches
                .push((list_column(b, "n_lavoratori")?, list_column(b, "n_datori")?));
            listed.at.extend((0..b.num_rows()).map(|i| (k, i)));
        }
        if listed.rows.iter().any(|r| r.top.is_some() || r.chiave_cella.is_some()) {
            bail!("a file with contributions or cell keys cannot list its contributors");
        }
        Ok(listed)
    }

    /// The numbers of each row's workers (or employers).
    fn lists(&self, employers: bool) -> Vec<&[i32]> {
        self.at
            .iter()
            .map(|&(b, i)| {
                let (w, e) = &self.batches[b];
                let l = if employers { e } else { w };
                l.as_ref().map_or(&[][..], |l| numbers(l, i))
            })
            .collect()
    }

    fn with_employers(&self) -> bool {
        self.batches.iter().any(|(_, e)| e.is_some())
    }
}

/// The length of a stamp array for these lists: the largest number + 1.
fn stamps(lists: &[&[i32]]) -> usize {
    lists.iter().flat_map(|s| s.iter()).max().map_or(0, |&m| m as usize + 1)
}

/// One subset of the breakdown, run as it is with the contributors listed (files with
/// `contributori: liste`): each row's counts are the distinct numbers of its lists.
pub(super) fn rows_of_subset(
    session: &Session,
    sql: &str,
    shape: &Shape,
    subset: &[&str],
    all: &[String],
) -> Result<Vec<Row>> {
    let listed = Listed::run(session, sql, shape, subset, all)?;
    let singletons: Vec<[usize; 1]> = (0..listed.rows.len()).map(|i| [i]).collect();
    let count = |employers: bool| {
        let lists = listed.lists(employers);
        count_distinct(&singletons, &lists, &mut vec![u32::MAX; stamps(&lists)], 0)
    };
    let (cw, ce) = rayon::join(|| count(false), || listed.with_employers().then(|| count(true)));
    let mut rows = listed.rows;
    for (i, row) in rows.iter_mut().enumerate() {
        row.n_lavoratori = cw[i];
        if row.n_datori.is_some() {
            row.n_datori = Some(ce.as_ref().map_or(0, |c| c[i]));
        }
    }
    // The file's ORDER BY ALL, left out of the run (see `listing_sql`).
    rows.sort_by_cached_key(|r| key_of(r, &listed.order, |_| true));
    Ok(rows)
}

/// The cell of a row in the file's order (period, breakdown columns in the result's order,
/// measure), with the columns `kept` says are in the subset; the others are totals.
fn key_of(r: &Row, order: &[usize], kept: impl Fn(usize) -> bool) -> Key {
    let dims = order.iter().map(|&k| r.dims[k].clone().filter(|_| kept(k))).collect();
    (r.periodo.clone(), dims, r.misura.clone())
}

/// The detail rows' cells ([`Key`]) as numbers that sort as the keys do: per row the rank of its
/// period, of each breakdown value in the file's order (0 for a total, 1 + its rank among the
/// column's values, as None sorts before any text) and of its measure. Grouping the rows of a
/// subset by sorting these numbers instead of building a key per row and subset: on the national
/// comune × comune commuting matrix by quarter (1.3 million detail rows, four subsets) the cells
/// took 9.2 s, then 4.6 s, and 3.2 s once a file without unions or ratios skips the keys.
struct Ranked {
    /// Numbers per row: period, breakdown columns, measure.
    width: usize,
    codes: Vec<u32>,
}

impl Ranked {
    fn new(detail: &[Row], order: &[usize]) -> Ranked {
        fn ranks<'r>(values: impl Iterator<Item = &'r str>) -> rustc_hash::FxHashMap<&'r str, u32> {
            let mut v: Vec<&str> = values.collect();
            v.sort_unstable();
            v.dedup();
            v.into_iter().enumerate().map(|(i, s)| (s, i as u32)).collect()
        }
        let periods = ranks(detail.iter().map(|r| r.periodo.as_str()));
        let measures = ranks(detail.iter().map(|r| r.misura.as_str()));
        let columns: Vec<_> = order
            .iter()
            .map(|&k| ranks(detail.iter().filter_map(|r| r.dims[k].as_deref())))
            .collect();
        let width = order.len() + 2;
        let mut codes = Vec::with_capacity(detail.len() * width);
        for r in detail {
            codes.push(periods[r.periodo.as_str()]);
            for (c, &k) in order.iter().enumerate() {
                codes.push(r.dims[k].as_deref().map_or(0, |v| 1 + columns[c][v]));
            }
            codes.push(measures[r.misura.as_str()]);
        }
        Ranked { width, codes }
    }

    /// The rows of `rows` grouped by their numbers at the positions `kept` keeps (the others
    /// read as totals), groups in the order of their keys, each group's rows in `rows`' order.
    fn groups(&self, rows: &[usize], kept: impl Fn(usize) -> bool) -> Vec<Vec<usize>> {
        let w = self.width;
        let keep: Vec<bool> = (0..w).map(&kept).collect();
        let mut masked: Vec<u32> = Vec::with_capacity(rows.len() * w);
        for &i in rows {
            let codes = &self.codes[i * w..(i + 1) * w];
            masked.extend(codes.iter().zip(&keep).map(|(&c, &k)| if k { c } else { 0 }));
        }
        let key = |j: usize| &masked[j * w..(j + 1) * w];
        let mut at: Vec<usize> = (0..rows.len()).collect();
        at.par_sort_unstable_by(|&a, &b| key(a).cmp(key(b)).then(a.cmp(&b)));
        let mut out: Vec<Vec<usize>> = Vec::new();
        for (n, &j) in at.iter().enumerate() {
            if n == 0 || key(at[n - 1]) != key(j) {
                out.push(Vec::new());
            }
            out.last_mut().expect("a group").push(rows[j]);
        }
        out
    }
}

/// What the cube needs to know of the file's measures: the additive ones (summed on the
/// margins), and those it derives on every cell from the sums: ratios of two additive ones
/// (with the decimal places the file rounds them to), distinct counts, unions and rounded sums.
pub(super) struct Measures<'a> {
    pub additive: &'a [String],
    pub ratios: &'a [Ratio],
    pub decimals: Option<u32>,
    /// Measures whose value is a contributor count (`distinti:`): (measure, n_lavoratori or
    /// n_datori).
    pub distinct: &'a [(String, String)],
    /// Measures whose value is divided by a contributor count (`per_distinti:`): (measure,
    /// n_lavoratori or n_datori); the cube sums their numerators.
    pub per_distinct: &'a [(String, String)],
    /// Measures derived from their members (`unioni:`), which the detail run skips.
    pub unions: &'a [Identity],
    /// Additive measures published rounded (`arrotondate:`), summed unrounded.
    pub rounded: &'a [(String, u32)],
}

/// The rows with the value of every `distinti:` measure set to its contributor count (the file
/// gives NULL when its contributors are listed: macro `oml_distinti_liste`), and every
/// `per_distinti:` one divided by it (the file gives the numerator: `oml_per_distinti_liste`),
/// rounded as `oml_per_distinti` rounds.
pub(super) fn with_distinct_values(mut rows: Vec<Row>, measures: &Measures) -> Vec<Row> {
    let count = |row: &Row, column: &str| {
        if column == "n_datori" {
            row.n_datori.unwrap_or(0)
        } else {
            row.n_lavoratori
        }
    };
    for row in &mut rows {
        if let Some((_, column)) = measures.distinct.iter().find(|(m, _)| *m == row.misura) {
            row.valore = Some(count(row, column) as f64);
        } else if let Some((_, column)) = measures.per_distinct.iter().find(|(m, _)| *m == row.misura) {
            let n = count(row, column);
            let places = measures.decimals.unwrap_or(0);
            row.valore = row.valore.filter(|_| n > 0).map(|v| arrotonda(v / n as f64, places));
        }
    }
    rows
}

impl Measures<'_> {
    /// The fractions the cube recomputes, after checking that every measure of the detail run
    /// is additive or one of them.
    fn fractions(&self, detail: &[Row]) -> Result<Vec<(&str, &Fraction)>> {
        let fractions: Vec<(&str, &Fraction)> = self
            .ratios
            .iter()
            .filter_map(|r| Some((r.measure.as_str(), r.fraction.as_ref()?)))
            .collect();
        if (!fractions.is_empty() || !self.per_distinct.is_empty()) && self.decimals.is_none() {
            bail!("margini: somma with ratios needs the header decimali: (the places oml_arrotonda keeps)");
        }
        if let Some(r) = detail.iter().find(|r| self.unions.iter().any(|u| u.total == r.misura)) {
            bail!(
                "unioni: the file computes {} although the binary derives it: skip it where \
                 oml_da_unire('{}')",
                r.misura,
                r.misura
            );
        }
        if let Some(u) = self.unions.iter().find(|u| {
            let derived = |m: &String| self.unions.iter().any(|v| &v.total == m);
            u.plus.iter().chain(&u.minus).any(derived)
        }) {
            bail!("unioni: {} has a member that is itself derived", u.total);
        }
        let known = |m: &str| {
            self.additive.iter().any(|a| a == m)
                || fractions.iter().any(|(f, _)| *f == m)
                || self.distinct.iter().any(|(d, _)| d == m)
                || self.per_distinct.iter().any(|(d, _)| d == m)
        };
        if let Some(r) = detail.iter().find(|r| !known(&r.misura)) {
            bail!(
                "margini: somma, but the measure {} is neither additive, nor a ratio of two additive ones, \
                 nor a distinct count (distinti:): its margins are not sums",
                r.misura
            );
        }
        Ok(fractions)
    }
}

/// `oml_arrotonda(x, places)` of `sql/macros/misure.sql` (`round(x::DECIMAL(38, 9),
/// places)::DOUBLE`), bit for bit: DuckDB's cast of a double to DECIMAL(38, 9) (scaled, nudged
/// by 1e-9 away from zero, rounded to the nearest integer), then the decimal rounded half away
/// from zero, then divided back. The test compares it with DuckDB's.
fn arrotonda(x: f64, places: u32) -> f64 {
    let scaled = x * 1e9;
    let scaled = scaled + 1e-9 * scaled.signum() * f64::from(u8::from(scaled != 0.0));
    let nines = scaled.round() as i128;
    let step = 10i128.pow(9 - places.min(9));
    let half = step / 2;
    let rounded = if nines < 0 {
        -((-nines + half) / step)
    } else {
        (nines + half) / step
    };
    rounded as f64 / 10f64.powi(places as i32)
}

/// The ratio rows of one subset's cells (`cells`: key → summed row and its detail rows): where
/// the denominator is above zero, `factor * numerator / denominator` (a missing numerator is 0),
/// rounded as the file does; not in the cells broken down by its `(senza colonna)`. Each comes
/// with the key of its denominator's cell, whose contributors it takes, as the files count them.
fn ratio_cells(
    cells: &BTreeMap<Key, (Row, Vec<usize>)>,
    (fractions, all): (&[(&str, &Fraction)], &[String]),
    places: u32,
) -> Vec<(Key, Row, Key)> {
    let mut out = Vec::new();
    for (den_key, (den, _)) in cells {
        let (periodo, dims, misura) = den_key;
        for &(measure, f) in fractions.iter().filter(|(_, f)| &f.denominator == misura) {
            let d = den.valore.unwrap_or(0.0);
            let broken_down = |c: &String| all.iter().position(|a| a == c).is_some_and(|k| den.dims[k].is_some());
            if d <= 0.0 || f.only_total_of.as_ref().is_some_and(broken_down) {
                continue;
            }
            let key = |m: &str| (periodo.clone(), dims.clone(), m.to_string());
            let n = cells.get(&key(&f.numerator)).and_then(|(r, _)| r.valore).unwrap_or(0.0);
            let mut row = den.clone();
            row.misura = measure.to_string();
            row.valore = Some(arrotonda(f64::from(f.factor) * n / d, places));
            (row.top, row.chiave_cella) = (None, None);
            out.push((key(measure), row, den_key.clone()));
        }
    }
    out
}

/// The cells of the measures derived from their members (`unioni:`) in one subset's cells: one
/// wherever a member has one, with the signed sum of the members' values and the union of their
/// detail rows (so of their contributors).
fn union_cells(cells: &BTreeMap<Key, (Row, Vec<usize>)>, unions: &[Identity]) -> Vec<(Key, (Row, Vec<usize>))> {
    let mut out: BTreeMap<Key, (Row, Vec<usize>)> = BTreeMap::new();
    for ((periodo, dims, misura), (row, members)) in cells {
        for u in unions {
            let sign = if u.plus.contains(misura) {
                1.0
            } else if u.minus.contains(misura) {
                -1.0
            } else {
                continue;
            };
            let (cell, union) = out
                .entry((periodo.clone(), dims.clone(), u.total.clone()))
                .or_insert_with(|| {
                    let mut cell = row.clone();
                    cell.misura = u.total.clone();
                    (cell.valore, cell.top, cell.chiave_cella) = (Some(0.0), None, None);
                    (cell, Vec::new())
                });
            cell.valore = Some(cell.valore.unwrap_or(0.0) + sign * row.valore.unwrap_or(0.0));
            union.extend(members);
        }
    }
    out.into_iter().collect()
}

/// The cells of one subset of the breakdown, in the file's order: each with the detail rows it
/// sums (none for a ratio), and (ratio, denominator) pairs of positions.
struct SubsetCells {
    rows: Vec<Row>,
    groups: Vec<Vec<usize>>,
    ratios: Vec<(usize, usize)>,
}

/// The rows of the whole cube: every subset of `all` in `subsets` (in that order, each with its
/// cells in the file's order), from one run of the file (the output of [`listing_sql`]) with
/// every breakdown column of `all` ([`Listed::run_all`]).
pub(super) fn rows(listed: &Listed, measures: &Measures, all: &[String], subsets: &[Vec<&str>]) -> Result<Vec<Row>> {
    let fractions = measures.fractions(&listed.rows)?;
    let places = measures.decimals.unwrap_or(0);
    let (detail, order) = (&listed.rows, &listed.order);
    let (workers, employers) = (listed.lists(false), listed.lists(true));
    let ranked = Ranked::new(detail, order);
    // The detail rows the cells sum (the detail run's ratios are recomputed from the sums, like
    // every margin's).
    let summed: Vec<usize> = (0..detail.len())
        .filter(|&i| !fractions.iter().any(|(f, _)| *f == detail[i].misura))
        .collect();
    // The cells of each subset, and the detail rows each one sums, by (period, columns, measure).
    let cells: Vec<SubsetCells> = subsets
        .iter()
        .map(|subset| {
            let kept = |k: usize| subset.contains(&all[k].as_str());
            // The detail rows each cell sums, in the order of the cells' keys.
            let groups = ranked.groups(&summed, |c| c == 0 || c == ranked.width - 1 || kept(order[c - 1]));
            let row_of = |members: &[usize]| {
                let mut row = detail[members[0]].clone();
                for (k, d) in row.dims.iter_mut().enumerate() {
                    if !kept(k) {
                        *d = None;
                    }
                }
                let values: Vec<f64> = members.iter().filter_map(|&m| detail[m].valore).collect();
                row.valore = (!values.is_empty()).then(|| values.iter().sum());
                row
            };
            // Without unions and ratios the groups are the cells, already in order.
            if measures.unions.is_empty() && fractions.is_empty() {
                let rows = groups.iter().map(|members| row_of(members)).collect();
                return SubsetCells {
                    rows,
                    groups,
                    ratios: Vec::new(),
                };
            }
            let mut cells: BTreeMap<Key, (Row, Vec<usize>)> = groups
                .into_iter()
                .map(|members| (key_of(&detail[members[0]], order, kept), (row_of(&members), members)))
                .collect();
            let unions = union_cells(&cells, measures.unions);
            cells.extend(unions);
            let ratios = ratio_cells(&cells, (&fractions, all), places);
            let links: Vec<(Key, Key)> = ratios.iter().map(|(k, _, den)| (k.clone(), den.clone())).collect();
            cells.extend(ratios.into_iter().map(|(k, row, _)| (k, (row, Vec::new()))));
            let keys: Vec<&Key> = cells.keys().collect();
            let at = |k: &Key| keys.binary_search(&k).expect("a key of the subset's cells");
            let ratios = links.iter().map(|(r, d)| (at(r), at(d))).collect();
            let (rows, groups) = cells.into_values().unzip();
            SubsetCells { rows, groups, ratios }
        })
        .collect();
    // Contributors, exactly: one task per subset and kind, each with its own stamps.
    let with_employers = listed.with_employers();
    let tasks: Vec<(usize, bool)> = (0..subsets.len())
        .flat_map(|s| [(s, false), (s, true)])
        .filter(|&(_, employer)| !employer || with_employers)
        .collect();
    let mut tags = Vec::with_capacity(tasks.len());
    let mut next = 0u32;
    for &(s, _) in &tasks {
        tags.push(next);
        next = next
            .checked_add(cells[s].rows.len() as u32)
            .context("too many cells for one cube")?;
    }
    let (nw, ne) = (stamps(&workers), stamps(&employers));
    let counts: Vec<Vec<u64>> = tasks
        .par_iter()
        .zip(&tags)
        .map_init(
            || (vec![u32::MAX; nw], vec![u32::MAX; ne]),
            |(sw, se), (&(s, employer), &tag)| {
                let groups = &cells[s].groups;
                if employer {
                    count_distinct(groups, &employers, se, tag)
                } else {
                    count_distinct(groups, &workers, sw, tag)
                }
            },
        )
        .collect();
    let mut out = Vec::new();
    for (s, subset) in cells.into_iter().enumerate() {
        let find = |employer: bool| tasks.iter().position(|&t| t == (s, employer)).map(|k| &counts[k]);
        let (cw, ce) = (find(false), find(true));
        let mut rows = subset.rows;
        for (g, row) in rows.iter_mut().enumerate() {
            row.n_lavoratori = cw.map_or(0, |c| c[g]);
            if row.n_datori.is_some() {
                row.n_datori = Some(ce.map_or(0, |c| c[g]));
            }
        }
        for &(r, d) in &subset.ratios {
            (rows[r].n_lavoratori, rows[r].n_datori) = (rows[d].n_lavoratori, rows[d].n_datori);
        }
        out.extend(rows);
    }
    for row in &mut out {
        if let Some((_, places)) = measures.rounded.iter().find(|(m, _)| *m == row.misura) {
            row.valore = row.valore.map(|v| arrotonda(v, *places));
        }
    }
    Ok(with_distinct_values(out, measures))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contributor_counts_become_lists_and_other_distincts_refuse() {
        let sql = "SELECT count(DISTINCT id_lavoratore) AS l, count(DISTINCT id_datore) AS d, \
                   oml_chiave_cella(id_lavoratore) AS k FROM x WHERE a IS DISTINCT FROM b";
        assert_eq!(
            listing_sql(sql).unwrap(),
            "SELECT list(id_lavoratore_num) AS l, list(id_datore_num) AS d, NULL::DOUBLE AS k FROM x \
             WHERE a IS DISTINCT FROM b"
        );
        // Rust orders the rows: DuckDB would sort on the lists.
        assert_eq!(
            listing_sql("SELECT count(DISTINCT id_lavoratore) AS l FROM t\nORDER BY ALL;\n").unwrap(),
            "SELECT list(id_lavoratore_num) AS l FROM t\n;"
        );
        assert_eq!(
            listing_sql("SELECT count(DISTINCT id_lavoratore), count(DISTINCT x) FROM t"),
            None
        );
        assert_eq!(listing_sql("SELECT count(*) FROM t"), None);
    }

    #[test]
    fn ranked_groups_follow_the_keys_order() {
        // Rows with texts whose order is not their order of appearance, a None among the values
        // and repeated keys: the groups come in the order of the BTreeMap of the keys, each with
        // its rows in the given order, for every subset of the two columns.
        let row = |p: &str, a: Option<&str>, b: Option<&str>, m: &str| Row {
            periodo: p.into(),
            dims: vec![a.map(Into::into), b.map(Into::into)],
            misura: m.into(),
            valore: Some(1.0),
            n_lavoratori: 1,
            n_datori: None,
            top: None,
            chiave_cella: None,
            parameters: Vec::new(),
        };
        let detail = vec![
            row("2024-Q2", Some("b"), Some("z"), "posizioni"),
            row("2024-Q1", Some("ab"), None, "posizioni"),
            row("2024-Q1", Some("a"), Some("z"), "cessazioni"),
            row("2024-Q2", Some("b"), Some("y"), "posizioni"),
            row("2024-Q1", Some("a"), Some("z"), "cessazioni"),
            row("2024-Q10", Some("b"), Some("y"), "attivazioni"),
            row("2024-Q1", None, Some("y"), "posizioni"),
        ];
        for order in [vec![0, 1], vec![1, 0]] {
            let ranked = Ranked::new(&detail, &order);
            for mask in 0..4u32 {
                let kept = |k: usize| mask & (1 << k) != 0;
                let mut expected: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
                for (i, r) in detail.iter().enumerate() {
                    expected.entry(key_of(r, &order, kept)).or_default().push(i);
                }
                let rows: Vec<usize> = (0..detail.len()).collect();
                let groups = ranked.groups(&rows, |c| c == 0 || c == ranked.width - 1 || kept(order[c - 1]));
                assert_eq!(groups, expected.into_values().collect::<Vec<_>>(), "{order:?} {mask}");
            }
        }
    }

    #[test]
    fn stamps_count_each_number_once_per_group() {
        let lists: Vec<&[i32]> = vec![&[0, 1, 1, 2], &[2, 3], &[], &[3, 3]];
        let groups = vec![vec![0], vec![0, 1], vec![2], vec![1, 3], vec![0, 1, 2, 3]];
        let mut stamp = vec![u32::MAX; 4];
        assert_eq!(count_distinct(&groups, &lists, &mut stamp, 0), [3, 4, 0, 2, 4]);
        // Later tags on the same stamps start afresh.
        assert_eq!(count_distinct(&groups[..2], &lists, &mut stamp, 5), [3, 4]);
    }

    #[test]
    fn ratios_round_as_the_macro_of_the_files() {
        let macros = crate::sql::VIEW_FILES
            .iter()
            .find(|(path, _)| path.ends_with("misure.sql"))
            .unwrap()
            .1;
        let create = macros
            .lines()
            .find(|l| l.starts_with("CREATE OR REPLACE MACRO oml_arrotonda("))
            .unwrap();
        let conn = super::super::open_duckdb().unwrap();
        conn.execute_batch(create).unwrap();
        let mut q = conn
            .prepare(
                "SELECT a, b, oml_arrotonda(100.0 * a / b, 2), oml_arrotonda(100.0 * a / b, 1), \
                 oml_arrotonda(a / b, 2), oml_arrotonda(-100.0 * a / b, 1) \
                 FROM range(0, 401) x(a), range(1, 401) y(b)",
            )
            .unwrap();
        let mut rows = q.query([]).unwrap();
        let mut n = 0;
        while let Some(r) = rows.next().unwrap() {
            let (a, b): (i64, i64) = (r.get(0).unwrap(), r.get(1).unwrap());
            let x = 100.0 * a as f64 / b as f64;
            let theirs: [f64; 4] = [
                r.get(2).unwrap(),
                r.get(3).unwrap(),
                r.get(4).unwrap(),
                r.get(5).unwrap(),
            ];
            let ours = [
                arrotonda(x, 2),
                arrotonda(x, 1),
                arrotonda(a as f64 / b as f64, 2),
                arrotonda(-x, 1),
            ];
            assert_eq!(
                ours.map(f64::to_bits),
                theirs.map(f64::to_bits),
                "{a} / {b}: {ours:?} vs {theirs:?}"
            );
            n += 1;
        }
        assert_eq!(n, 401 * 400);
    }
}
