//! The heuristic secondary suppression for tables too large for interval protection by linear
//! programs: single equations first, then hypercubes where the exact audit finds a recoverable cell.

use super::audit::{audit_and_repair, Repair};
use super::cube::CubeIndex;
use super::system::System;
use super::Report;
use super::{Cell, Status};
use rustc_hash::FxHashSet;

/// Single equations first, hypercubes where the exact audit then finds a recoverable cell, until
/// the audit finds none (or no published cell can help).
pub(crate) fn suppress(system: &System, cells: &[Cell], status: &mut [Status], report: &mut Report) {
    let mut secondary = Secondary::new(system, cells, status);
    // Cells tied to other measures by identities (saldo = attivazioni - cessazioni + ...) get
    // their hypercube first (the HYPERCUBE method of tau-ARGUS), carried over to the measures
    // the identities tie them to: a whole null vector of the equations at once. Partner by
    // partner, the heuristic below spreads much further across such rows (measured on a
    // settore x contratto table of the demo: 274 -> 171 secondary cells). Tables with margins
    // only keep the heuristic's pattern.
    // An equation ties measures when its members are not all of one measure: computed once per
    // equation (per primary cell and member, the comparisons took 6.3 of the 35 s of the national
    // comune × comune commuting matrix by quarter).
    let mixed: Vec<bool> = (0..system.n_equations())
        .map(|e| {
            let members = system.members(e);
            let first = &cells[members[0].cell].measure;
            members.iter().any(|m| cells[m.cell].measure != *first)
        })
        .collect();
    let tied = |i: usize| system.equations_of(i).iter().any(|&e| mixed[e]);
    let primaries: Vec<usize> = (0..cells.len())
        .filter(|&i| status[i] == Status::SuppressedPrimary && tied(i))
        .collect();
    if !primaries.is_empty() {
        secondary.repair(status, &primaries);
    }
    audit_and_repair(system, status, report, &mut secondary);
}

impl Repair for Secondary<'_> {
    /// Single equations first, before every audit.
    fn before_audit(&mut self, status: &mut [Status]) {
        self.run(status);
    }

    fn repair_recoverable(&mut self, status: &mut [Status], recoverable: &[usize]) -> (usize, Vec<usize>) {
        self.repair(status, recoverable)
    }
}

/// The single-equation heuristic: an equation with exactly one unknown member gives it away, so
/// while one exists whose unknown is a suppressed cell, one more published member is suppressed.
/// Equations are handled lowest index first, which makes the result reproducible.
struct Secondary<'a> {
    system: &'a System,
    cells: &'a [Cell],
    /// Built at the first repair: most tables need none.
    cube: Option<CubeIndex>,
    unknowns: Vec<u32>,
    pending: std::collections::BinaryHeap<std::cmp::Reverse<usize>>,
}

impl<'a> Secondary<'a> {
    fn new(system: &'a System, cells: &'a [Cell], status: &[Status]) -> Secondary<'a> {
        let mut unknowns = vec![0u32; system.n_equations()];
        let mut pending = std::collections::BinaryHeap::new();
        for (e, count) in unknowns.iter_mut().enumerate() {
            *count = system.members(e).iter().filter(|m| !status[m.cell].is_known()).count() as u32;
            if *count == 1 {
                pending.push(std::cmp::Reverse(e));
            }
        }
        Secondary {
            system,
            cells,
            cube: None,
            unknowns,
            pending,
        }
    }

    fn suppress(&mut self, cell: usize, status: &mut [Status]) {
        debug_assert!(status[cell].can_withhold());
        status[cell] = Status::SuppressedSecondary;
        for &e in self.system.equations_of(cell) {
            self.unknowns[e] += 1;
            if self.unknowns[e] == 1 {
                self.pending.push(std::cmp::Reverse(e));
            }
        }
    }

    fn run(&mut self, status: &mut [Status]) {
        while let Some(std::cmp::Reverse(e)) = self.pending.pop() {
            if self.unknowns[e] != 1 {
                continue;
            }
            let lone = self.system.members(e).iter().find(|m| !status[m.cell].is_known());
            if !lone.is_some_and(|m| status[m.cell].is_suppressed()) {
                continue;
            }
            if let Some(c) = self.choose(e, status) {
                self.suppress(c, status);
            }
        }
    }

    /// The published member to sacrifice: never a headline cell if another will do; a part rather
    /// than the total; among parts, one whose
    /// other equations already have an unknown (it closes a cycle instead of starting a new
    /// singleton), then the smallest |value| > 0, then a zero-valued part; ties by lowest index.
    fn choose(&self, e: usize, status: &[Status]) -> Option<usize> {
        self.system
            .members(e)
            .iter()
            .filter(|m| status[m.cell].can_withhold())
            .map(|m| {
                let v = self.cells[m.cell].value.unwrap_or(0.0).abs();
                let opens = self
                    .system
                    .equations_of(m.cell)
                    .iter()
                    .any(|&f| f != e && self.unknowns[f] == 0);
                // Margins last (a total is what readers look at first), then cells whose
                // suppression leaves no equation with a lone unknown, non-zero, smallest. For an
                // identity between measures of one cell the members are alike, so the smallest
                // wins (a saldo of 3, not the 300 attivazioni behind it).
                let margin = self.cells[m.cell].key.iter().any(Option::is_none);
                let headline = self.cells[m.cell].headline;
                ((headline, margin, opens, v == 0.0), v, m.cell)
            })
            .min_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)))
            .map(|(_, _, cell)| cell)
    }

    /// For every recoverable cell: if it lies in a cube, suppresses the published cells of the
    /// cheapest hypercube through it (which protects it for good against the cube's equations);
    /// otherwise, or if that adds nothing, one more published member of one of its equations
    /// (lowest index with a candidate; at most one per equation per round; a cell whose own
    /// equations have no candidate borrows one from its connected group). Returns the number of
    /// suppressions and the cells that could not be protected.
    fn repair(&mut self, status: &mut [Status], recoverable: &[usize]) -> (usize, Vec<usize>) {
        let cube = self.cube.get_or_insert_with(|| CubeIndex::for_hypercubes(self.cells));
        let mut covered: FxHashSet<usize> = FxHashSet::default();
        let mut hypercubes: Vec<usize> = Vec::new();
        let mut fallback: Vec<usize> = Vec::new();
        for &u in recoverable {
            if covered.contains(&u) {
                continue;
            }
            // The proposal is applied only if it is a null vector of the equations actually
            // given, which may be more (or other) than the cube's.
            let system = self.system;
            let proposal = cube.hypercube(u, self.cells, status).and_then(|members| {
                if system.is_null_vector(&members) {
                    Some(members)
                } else {
                    // Identities between measures: carry the pattern over to other measures.
                    cube.across_measures(&members, self.cells, status, system)
                }
            });
            match proposal {
                Some(members) if members.iter().any(|&(c, _)| status[c].can_withhold()) => {
                    for &(c, _) in &members {
                        if status[c].can_withhold() {
                            // Marked now so that the next hypercube counts it as free.
                            status[c] = Status::SuppressedSecondary;
                            hypercubes.push(c);
                        }
                    }
                    covered.extend(members.iter().map(|&(c, _)| c));
                }
                _ => fallback.push(u),
            }
        }
        for &c in &hypercubes {
            status[c] = Status::Ok;
            self.suppress(c, status);
        }
        let mut repaired = hypercubes.len();
        let mut touched: FxHashSet<usize> = FxHashSet::default();
        let mut irreparable = Vec::new();
        for u in fallback {
            let own = self.system.equations_of(u);
            if own.iter().any(|e| touched.contains(e)) {
                continue;
            }
            let group;
            let candidates: &[usize] = if own.iter().any(|&e| self.choose(e, status).is_some()) {
                own
            } else {
                group = self.group_equations(u, status);
                &group
            };
            // The first equation with a candidate, unless only a headline cell would do there.
            let pick = candidates
                .iter()
                .filter_map(|&e| self.choose(e, status).map(|c| (e, c)))
                .min_by_key(|&(_, c)| self.cells[c].headline);
            match pick {
                Some((e, c)) => {
                    self.suppress(c, status);
                    touched.insert(e);
                    repaired += 1;
                }
                None => irreparable.push(u),
            }
        }
        (repaired, irreparable)
    }

    /// The equations reachable from `u` through unknown cells, sorted.
    fn group_equations(&self, u: usize, status: &[Status]) -> Vec<usize> {
        let mut seen_cells: FxHashSet<usize> = FxHashSet::default();
        let mut seen_eqs: FxHashSet<usize> = FxHashSet::default();
        let mut stack = vec![u];
        seen_cells.insert(u);
        while let Some(c) = stack.pop() {
            for &e in self.system.equations_of(c) {
                if !seen_eqs.insert(e) {
                    continue;
                }
                for m in self.system.members(e) {
                    if !status[m.cell].is_known() && seen_cells.insert(m.cell) {
                        stack.push(m.cell);
                    }
                }
            }
        }
        let mut eqs: Vec<usize> = seen_eqs.into_iter().collect();
        eqs.sort_unstable();
        eqs
    }
}
