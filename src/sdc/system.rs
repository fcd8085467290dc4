//! The additive equations in a compact form shared by the heuristic and the audit.

use super::{Cell, Equation};

/// A member of an equation with its coefficient in `total - Σ parts + Σ minus = 0`: +1 for the
/// total and the `minus` cells, -1 for a part (a cell listed twice has its coefficients summed, and is dropped if they cancel).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Member {
    pub cell: usize,
    pub coef: i64,
}

/// The equations whose members are all additive, as compressed rows, plus the equations of each
/// cell.
pub(crate) struct System {
    eq_start: Vec<usize>,
    members: Vec<Member>,
    cell_start: Vec<usize>,
    cell_eqs: Vec<usize>,
}

impl System {
    /// # Panics
    /// If an equation refers to a cell index out of range.
    pub fn new(cells: &[Cell], equations: &[Equation]) -> System {
        let n = cells.len();
        let mut eq_start = vec![0];
        let mut members: Vec<Member> = Vec::new();
        let mut row: Vec<Member> = Vec::new();
        for eq in equations {
            let all = std::iter::once(eq.total)
                .chain(eq.parts.iter().copied())
                .chain(eq.minus.iter().copied());
            for c in all.clone() {
                assert!(
                    c < n,
                    "sdc: an equation refers to cell {c}, but the table has {n} cells"
                );
            }
            if eq.parts.is_empty() || !all.clone().all(|c| cells[c].additive) {
                continue;
            }
            row.clear();
            row.push(Member {
                cell: eq.total,
                coef: 1,
            });
            row.extend(eq.parts.iter().map(|&cell| Member { cell, coef: -1 }));
            row.extend(eq.minus.iter().map(|&cell| Member { cell, coef: 1 }));
            row.sort_unstable_by_key(|m| m.cell);
            let mut merged: Vec<Member> = Vec::with_capacity(row.len());
            for m in &row {
                match merged.last_mut() {
                    Some(last) if last.cell == m.cell => last.coef += m.coef,
                    _ => merged.push(*m),
                }
            }
            merged.retain(|m| m.coef != 0);
            if merged.is_empty() {
                continue;
            }
            members.extend(merged);
            eq_start.push(members.len());
        }
        let mut degree = vec![0usize; n + 1];
        for m in &members {
            degree[m.cell + 1] += 1;
        }
        for i in 0..n {
            degree[i + 1] += degree[i];
        }
        let cell_start = degree;
        let mut fill = cell_start.clone();
        let mut cell_eqs = vec![0usize; members.len()];
        for e in 0..eq_start.len() - 1 {
            for m in &members[eq_start[e]..eq_start[e + 1]] {
                cell_eqs[fill[m.cell]] = e;
                fill[m.cell] += 1;
            }
        }
        System {
            eq_start,
            members,
            cell_start,
            cell_eqs,
        }
    }

    pub fn n_equations(&self) -> usize {
        self.eq_start.len() - 1
    }

    pub fn n_cells(&self) -> usize {
        self.cell_start.len() - 1
    }

    /// Members sorted by cell index.
    pub fn members(&self, e: usize) -> &[Member] {
        &self.members[self.eq_start[e]..self.eq_start[e + 1]]
    }

    /// Equations of a cell, in increasing order.
    pub fn equations_of(&self, cell: usize) -> &[usize] {
        &self.cell_eqs[self.cell_start[cell]..self.cell_start[cell + 1]]
    }

    /// Whether the signed cells satisfy every equation with zero on all other cells.
    pub fn is_null_vector(&self, vector: &[(usize, i64)]) -> bool {
        let sign: rustc_hash::FxHashMap<usize, i64> = vector.iter().copied().collect();
        vector.iter().all(|&(c, _)| {
            self.equations_of(c).iter().all(|&e| {
                self.members(e)
                    .iter()
                    .map(|m| m.coef * sign.get(&m.cell).copied().unwrap_or(0))
                    .sum::<i64>()
                    == 0
            })
        })
    }
}
