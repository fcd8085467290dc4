//! Exact audit: is a suppressed cell a linear combination of known cells?
//!
//! The unknowns are the cells that are not known (suppressed, not available) and take part in an
//! equation. Each equation `total - Σ parts = 0`, restricted to its unknowns, is a row of a
//! matrix A whose right-hand side is known. An unknown u is determined by the published cells
//! iff the unit vector e_u lies in the row space of A. Rows are reduced to a fully reduced
//! echelon form (every pivot column is zero in all other rows) with integer, fraction-free
//! elimination; then e_u is in the row space iff some row has u as its only nonzero entry. The
//! work is split by connected component of the unknown–equation graph, which is usually small.

use super::system::System;
use super::{Cell, Equation, Report, Status};
use rustc_hash::{FxHashMap, FxHashSet};

/// Components with more unknowns are not audited (counted in the report instead). Realistic
/// cubes link most suppressions into one component (52,000 unknowns in the 4-dimensional test
/// table, eliminated in under a second), so the cap is generous and the work budget below is
/// what bounds the time.
pub const MAX_COMPONENT_UNKNOWNS: usize = 250_000;

/// Elimination steps (row entries combined) allowed for one component before it is given up as
/// too costly: about 4 seconds. The 4-dimensional test table needs 50 million.
pub const MAX_COMPONENT_WORK: u64 = 200_000_000;

/// The outcome of an exact audit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audit {
    /// Suppressed cells recoverable from the published ones, ascending.
    pub recoverable: Vec<usize>,
    /// Components holding a suppressed cell that were audited.
    pub audited_components: usize,
    /// Components holding a suppressed cell that were too large or too costly to audit.
    pub unaudited_components: usize,
    pub unaudited_unknowns: usize,
}

/// Exact audit of a table: see [`recoverable`]. Equations with a non-additive member are ignored.
///
/// # Panics
/// If `status` and `cells` differ in length or an equation refers to a cell out of range.
pub fn audit(cells: &[Cell], equations: &[Equation], status: &[Status]) -> Audit {
    assert_eq!(cells.len(), status.len(), "sdc: one status per cell");
    let system = System::new(cells, equations);
    audit_system(&system, status, &mut AuditCache::default())
}

/// Exact audit: indices of suppressed cells whose value is uniquely determined by the published
/// cells through the equations (i.e. recoverable by differencing). Cells in components over the
/// size cap are not examined: use [`audit`] to know whether any was skipped.
pub fn recoverable(cells: &[Cell], equations: &[Equation], status: &[Status]) -> Vec<usize> {
    audit(cells, equations, status).recoverable
}

/// How a method of secondary suppression answers the exact audit.
pub(crate) trait Repair {
    /// Runs before each audit (the heuristic's single equations); nothing by default.
    fn before_audit(&mut self, _status: &mut [Status]) {}

    /// Suppresses more around the recoverable cells: (suppressions, cells it could not protect).
    fn repair_recoverable(&mut self, status: &mut [Status], recoverable: &[usize]) -> (usize, Vec<usize>);
}

/// Audits exactly and repairs until no suppressed cell can be recovered, or no repair helps (the
/// cells left are then `irreparable` in the report).
pub(crate) fn audit_and_repair(system: &System, status: &mut [Status], report: &mut Report, fixer: &mut dyn Repair) {
    let mut cache = AuditCache::default();
    loop {
        report.rounds += 1;
        fixer.before_audit(status);
        let found = audit_system(system, status, &mut cache);
        report.audited_components = found.audited_components;
        report.unaudited_components = found.unaudited_components;
        report.unaudited_unknowns = found.unaudited_unknowns;
        if found.recoverable.is_empty() {
            break;
        }
        let (repaired, irreparable) = fixer.repair_recoverable(status, &found.recoverable);
        report.repairs += repaired;
        if repaired == 0 {
            report.irreparable = irreparable;
            break;
        }
    }
}

/// Components already audited, by their sorted unknowns: the matrix of a component depends only
/// on which cells are unknown, so an unchanged component need not be eliminated again.
#[derive(Default)]
pub(crate) struct AuditCache {
    clean: FxHashSet<Vec<usize>>,
    too_costly: FxHashSet<Vec<usize>>,
}

/// Union-find: the root of x, halving the path.
pub(crate) fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

pub(crate) fn audit_system(system: &System, status: &[Status], cache: &mut AuditCache) -> Audit {
    let n = system.n_cells();
    let unknown = |c: usize| !status[c].is_known();
    let mut parent: Vec<usize> = (0..n).collect();
    for e in 0..system.n_equations() {
        let mut first: Option<usize> = None;
        for m in system.members(e).iter().filter(|m| unknown(m.cell)) {
            match first {
                None => first = Some(find(&mut parent, m.cell)),
                Some(f) => {
                    let r = find(&mut parent, m.cell);
                    if r != f {
                        parent[r] = f;
                    }
                }
            }
        }
    }
    let mut component_of_root: FxHashMap<usize, usize> = FxHashMap::default();
    let mut components: Vec<Vec<usize>> = Vec::new();
    for c in 0..n {
        if unknown(c) && !system.equations_of(c).is_empty() {
            let root = find(&mut parent, c);
            let k = *component_of_root.entry(root).or_insert_with(|| {
                components.push(Vec::new());
                components.len() - 1
            });
            components[k].push(c);
        }
    }

    let mut out = Audit::default();
    for unknowns in components {
        if !unknowns.iter().any(|&c| status[c].is_suppressed()) {
            continue;
        }
        if cache.clean.contains(&unknowns) {
            out.audited_components += 1;
            continue;
        }
        if unknowns.len() > MAX_COMPONENT_UNKNOWNS || cache.too_costly.contains(&unknowns) {
            out.unaudited_components += 1;
            out.unaudited_unknowns += unknowns.len();
            continue;
        }
        let mut eqs: Vec<usize> = unknowns
            .iter()
            .flat_map(|&c| system.equations_of(c).iter().copied())
            .collect();
        eqs.sort_unstable();
        eqs.dedup();
        let rows: Vec<Vec<(u32, i64)>> = eqs
            .iter()
            .map(|&e| {
                system
                    .members(e)
                    .iter()
                    .filter_map(|m| {
                        let col = unknowns.binary_search(&m.cell).ok()?;
                        Some((col as u32, m.coef))
                    })
                    .collect()
            })
            .collect();
        match determined(unknowns.len(), rows, MAX_COMPONENT_WORK) {
            Ok(cols) => {
                out.audited_components += 1;
                let before = out.recoverable.len();
                out.recoverable.extend(
                    cols.into_iter()
                        .map(|col| unknowns[col])
                        .filter(|&c| status[c].is_suppressed()),
                );
                if out.recoverable.len() == before {
                    cache.clean.insert(unknowns);
                }
            }
            Err(Abort) => {
                out.unaudited_components += 1;
                out.unaudited_unknowns += unknowns.len();
                cache.too_costly.insert(unknowns);
            }
        }
    }
    out.recoverable.sort_unstable();
    out
}

/// Elimination gave up: over the work budget, or a coefficient outgrew i128.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Abort;

/// A sparse row, columns ascending, no zero entries.
#[derive(Debug, Clone, Default)]
struct Row {
    cols: Vec<u32>,
    vals: Vec<i128>,
}

impl Row {
    fn get(&self, col: u32) -> i128 {
        self.cols.binary_search(&col).map_or(0, |i| self.vals[i])
    }

    /// Divides by the gcd of the entries, which keeps coefficients small.
    fn normalize(&mut self) {
        let g = self.vals.iter().fold(0, |g, &v| gcd(g, v));
        if g > 1 {
            for v in &mut self.vals {
                *v /= g;
            }
        }
    }
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// x·a − y·b.
fn combine(x: &Row, a: i128, y: &Row, b: i128, work: &mut u64) -> Result<Row, Abort> {
    *work += (x.cols.len() + y.cols.len()) as u64;
    let mut out = Row {
        cols: Vec::with_capacity(x.cols.len() + y.cols.len()),
        vals: Vec::with_capacity(x.cols.len() + y.cols.len()),
    };
    let (mut i, mut j) = (0, 0);
    while i < x.cols.len() || j < y.cols.len() {
        let cx = x.cols.get(i).copied().unwrap_or(u32::MAX);
        let cy = y.cols.get(j).copied().unwrap_or(u32::MAX);
        let (col, v) = if cx == cy {
            let l = x.vals[i].checked_mul(a).ok_or(Abort)?;
            let r = y.vals[j].checked_mul(b).ok_or(Abort)?;
            i += 1;
            j += 1;
            (cx, l.checked_sub(r).ok_or(Abort)?)
        } else if cx < cy {
            i += 1;
            (cx, x.vals[i - 1].checked_mul(a).ok_or(Abort)?)
        } else {
            j += 1;
            (
                cy,
                y.vals[j - 1].checked_mul(b).and_then(i128::checked_neg).ok_or(Abort)?,
            )
        };
        if v != 0 {
            out.cols.push(col);
            out.vals.push(v);
        }
    }
    Ok(out)
}

const NO_PIVOT: u32 = u32::MAX;

/// The columns u for which e_u is in the row space of the given rows (entries (column, coef),
/// columns ascending), over the rationals, exactly.
pub(crate) fn determined(n_cols: usize, mut rows: Vec<Vec<(u32, i64)>>, budget: u64) -> Result<Vec<usize>, Abort> {
    // Short rows first: they make sparse pivots and limit fill-in.
    rows.sort_by_key(|r| r.len());
    let mut basis: Vec<Row> = Vec::new();
    let mut pivot_of: Vec<u32> = vec![NO_PIVOT; n_cols];
    // For each non-pivot column, the basis rows that may hold it (stale entries are skipped).
    let mut holders: Vec<Vec<u32>> = vec![Vec::new(); n_cols];
    let mut work = 0u64;
    for raw in rows {
        let mut row = Row {
            cols: raw.iter().map(|&(c, _)| c).collect(),
            vals: raw.iter().map(|&(_, v)| i128::from(v)).collect(),
        };
        // Basis rows are zero on every pivot column but their own, so eliminating one pivot
        // column never brings back another.
        let pivots: Vec<(u32, u32)> = row
            .cols
            .iter()
            .filter(|&&c| pivot_of[c as usize] != NO_PIVOT)
            .map(|&c| (c, pivot_of[c as usize]))
            .collect();
        for (c, b) in pivots {
            let a = row.get(c);
            let p = basis[b as usize].get(c);
            if a == 0 || p == 0 {
                continue;
            }
            let g = gcd(a, p);
            row = combine(&row, p / g, &basis[b as usize], a / g, &mut work)?;
        }
        row.normalize();
        if row.cols.is_empty() {
            continue;
        }
        // Pivot: a unit coefficient if any, then the column held by the fewest basis rows.
        let k = (0..row.cols.len())
            .min_by_key(|&i| {
                let c = row.cols[i];
                (row.vals[i].abs() != 1, holders[c as usize].len(), c)
            })
            .expect("row is not empty");
        let (q, a) = (row.cols[k], row.vals[k]);
        for b in std::mem::take(&mut holders[q as usize]) {
            let old = &basis[b as usize];
            let bq = old.get(q);
            if bq == 0 {
                continue;
            }
            let g = gcd(a, bq);
            let mut updated = combine(old, a / g, &row, bq / g, &mut work)?;
            updated.normalize();
            for &c in &row.cols {
                if c != q && old.get(c) == 0 && updated.get(c) != 0 {
                    holders[c as usize].push(b);
                }
            }
            basis[b as usize] = updated;
            if work > budget {
                return Err(Abort);
            }
        }
        let nb = basis.len() as u32;
        pivot_of[q as usize] = nb;
        for &c in &row.cols {
            if c != q {
                holders[c as usize].push(nb);
            }
        }
        basis.push(row);
        if work > budget {
            return Err(Abort);
        }
    }
    let mut cols: Vec<usize> = basis
        .iter()
        .filter(|r| r.cols.len() == 1)
        .map(|r| r.cols[0] as usize)
        .collect();
    cols.sort_unstable();
    Ok(cols)
}
