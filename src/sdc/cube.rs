//! The additive equations of a cube with margins, and the cube's hypercubes.

use super::{Cell, Equation, Status};
use rustc_hash::FxHashMap;

/// A signed combination of cells (a candidate null vector of the equations).
pub(crate) type SignedCells = Vec<(usize, i64)>;

/// Marks a margin (None) in an interned key.
const MARGIN: u32 = u32::MAX;

/// The additive cells by key. Keys are interned to integer slices [measure, dim 0, dim 1, ...] so
/// that the lookups of a 200k-cell cube neither clone strings nor compare them.
pub(crate) struct CubeIndex {
    /// The interned key of each additive cell; None for other cells and repeated keys.
    keys: Vec<Option<Box<[u32]>>>,
    index: FxHashMap<Box<[u32]>, usize>,
    /// The levels present (margin included) by (measure, number of dimensions, dimension).
    levels: FxHashMap<(u32, usize, usize), Vec<u32>>,
}

fn intern<'a>(names: &mut FxHashMap<&'a str, u32>, s: &'a str) -> u32 {
    let next = names.len() as u32;
    *names.entry(s).or_insert(next)
}

impl CubeIndex {
    pub fn new(cells: &[Cell]) -> CubeIndex {
        let mut names: FxHashMap<&str, u32> = FxHashMap::default();
        let mut keys: Vec<Option<Box<[u32]>>> = Vec::with_capacity(cells.len());
        let mut index: FxHashMap<Box<[u32]>, usize> = FxHashMap::default();
        for (j, cell) in cells.iter().enumerate() {
            if !cell.additive {
                keys.push(None);
                continue;
            }
            let key: Box<[u32]> = std::iter::once(intern(&mut names, &cell.measure))
                .chain(
                    cell.key
                        .iter()
                        .map(|k| k.as_deref().map_or(MARGIN, |v| intern(&mut names, v))),
                )
                .collect();
            let first = *index.entry(key.clone()).or_insert(j) == j;
            keys.push(first.then_some(key));
        }
        CubeIndex {
            keys,
            index,
            levels: FxHashMap::default(),
        }
    }

    /// Fills the level lists, needed only by [`CubeIndex::hypercube`].
    fn with_levels(mut self) -> CubeIndex {
        let mut levels: FxHashMap<(u32, usize, usize), Vec<u32>> = FxHashMap::default();
        for key in self.keys.iter().flatten() {
            for dim in 1..key.len() {
                levels.entry((key[0], key.len(), dim)).or_default().push(key[dim]);
            }
        }
        for list in levels.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        self.levels = levels;
        self
    }

    pub fn for_hypercubes(cells: &[Cell]) -> CubeIndex {
        CubeIndex::new(cells).with_levels()
    }

    /// The measures of the cube (interned).
    pub fn measures(&self) -> Vec<u32> {
        let mut m: Vec<u32> = self.keys.iter().flatten().map(|k| k[0]).collect();
        m.sort_unstable();
        m.dedup();
        m
    }

    /// The cell with the same breakdown as cell `c` and measure `m`.
    pub fn with_measure(&self, c: usize, m: u32) -> Option<usize> {
        let key = self.keys.get(c)?.as_ref()?;
        let mut probe = key.to_vec();
        probe[0] = m;
        self.index.get(probe.as_slice()).copied()
    }

    /// A hypercube pattern carried over to other measures: when identities tie the measures of
    /// a cell (saldo = attivazioni - cessazioni + ...), a hypercube of one measure alone is not a
    /// null vector, but the same pattern on one or two more measures, with weights +-1 that
    /// satisfy the identities, is. Returns the cheapest such vector (fewest published cells,
    /// then smallest |value|), checked against every equation, or None.
    pub fn across_measures(
        &self,
        members: &[(usize, i64)],
        cells: &[Cell],
        status: &[Status],
        system: &super::system::System,
    ) -> Option<SignedCells> {
        let own = self.keys.get(members.first()?.0)?.as_ref()?[0];
        let others: Vec<u32> = self.measures().into_iter().filter(|&m| m != own).collect();
        let mut partners: Vec<Vec<(u32, i64)>> = Vec::new();
        for (i, &a) in others.iter().enumerate() {
            for wa in [1, -1] {
                partners.push(vec![(a, wa)]);
                for &b in &others[i + 1..] {
                    for wb in [1, -1] {
                        partners.push(vec![(a, wa), (b, wb)]);
                    }
                }
            }
        }
        let mut best: Option<((usize, f64), SignedCells)> = None;
        'candidate: for p in partners {
            let mut v: SignedCells = members.to_vec();
            for &(c, s) in members {
                for &(m, w) in &p {
                    let Some(o) = self.with_measure(c, m) else {
                        continue 'candidate;
                    };
                    if !status[o].can_withhold() && status[o].is_known() {
                        continue 'candidate;
                    }
                    v.push((o, s * w));
                }
            }
            let cost = v
                .iter()
                .filter(|(c, _)| status[*c].can_withhold())
                .fold((0, 0.0), |acc, (c, _)| {
                    (acc.0 + 1, acc.1 + cells[*c].value.unwrap_or(0.0).abs())
                });
            let better = best
                .as_ref()
                .is_none_or(|(b, _)| cost.0.cmp(&b.0).then(cost.1.total_cmp(&b.1)).is_lt());
            if better && system.is_null_vector(&v) {
                best = Some((cost, v));
            }
        }
        best.map(|(_, v)| v)
    }

    /// A hypercube through cell `u`: for each dimension a second level (a margin counts as a
    /// level), and the 2^d cells combining them, each with a sign: along a dimension the sign
    /// flips between two inner levels and is kept between a level and the margin. With these
    /// signs the cells form a null vector of the cube's equations, so once all are unknown none
    /// of them can be recovered from the published cells, whatever else is published. Levels are
    /// chosen one dimension at a time to add the fewest new suppressions, then the smallest total
    /// |value|. None if the cell is not in a cube or every candidate has a missing cell or a known
    /// one that cannot be suppressed (structural zero).
    pub fn hypercube(&self, u: usize, cells: &[Cell], status: &[Status]) -> Option<Vec<(usize, i64)>> {
        let key = self.keys.get(u)?.as_ref()?;
        let mut corners: Vec<Vec<u32>> = vec![key.to_vec()];
        let mut members: Vec<(usize, i64)> = vec![(u, 1)];
        let mut probe: Vec<u32> = Vec::with_capacity(key.len());
        for dim in 1..key.len() {
            let levels = self.levels.get(&(key[0], key.len(), dim))?;
            let mut best: Option<(Cost, u32, Vec<usize>)> = None;
            'level: for &level in levels {
                if level == key[dim] {
                    continue;
                }
                // (headline cells, new suppressions, their total |value|): a headline cell only
                // when no other level will do.
                let mut cost: Cost = (0, 0, 0.0);
                let mut found = Vec::with_capacity(corners.len());
                for corner in &corners {
                    probe.clear();
                    probe.extend_from_slice(corner);
                    probe[dim] = level;
                    let Some(&c) = self.index.get(probe.as_slice()) else {
                        continue 'level;
                    };
                    if status[c].can_withhold() {
                        cost.0 += usize::from(cells[c].headline);
                        cost.1 += 1;
                        cost.2 += cells[c].value.unwrap_or(0.0).abs();
                    } else if status[c].is_known() {
                        continue 'level;
                    }
                    found.push(c);
                }
                let better = best.as_ref().is_none_or(|(b, _, _)| {
                    cost.0
                        .cmp(&b.0)
                        .then(cost.1.cmp(&b.1))
                        .then(cost.2.total_cmp(&b.2))
                        .is_lt()
                });
                if better {
                    best = Some((cost, level, found));
                }
            }
            let (_, level, found) = best?;
            let flip = if key[dim] == MARGIN || level == MARGIN { 1 } else { -1 };
            let extended: Vec<Vec<u32>> = corners
                .iter()
                .map(|c| {
                    let mut c = c.clone();
                    c[dim] = level;
                    c
                })
                .collect();
            corners.extend(extended);
            let signs: Vec<i64> = members.iter().map(|&(_, s)| s * flip).collect();
            members.extend(found.into_iter().zip(signs));
        }
        Some(members)
    }
}

/// The cost of a hypercube's level: (headline cells, new suppressions, their total |value|).
type Cost = (usize, usize, f64);

/// Derives the equations of a cube: for each cell whose key has None at dimension i (and the same
/// measure), the parts are the cells equal to it except for a Some(_) at i. Only for additive
/// measures; an equation needs at least one part present. Equations are ordered by total, then
/// dimension; parts by index. A key repeated for the same measure is a caller bug: only its first
/// cell takes part in equations.
pub fn cube_equations(cells: &[Cell]) -> Vec<Equation> {
    let cube = CubeIndex::new(cells);
    let mut triples: Vec<(usize, usize, usize)> = Vec::new();
    let mut probe: Vec<u32> = Vec::new();
    for (j, key) in cube.keys.iter().enumerate() {
        let Some(key) = key else { continue };
        probe.clear();
        probe.extend_from_slice(key);
        for dim in 1..key.len() {
            if key[dim] == MARGIN {
                continue;
            }
            probe[dim] = MARGIN;
            if let Some(&total) = cube.index.get(probe.as_slice()) {
                triples.push((total, dim - 1, j));
            }
            probe[dim] = key[dim];
        }
    }
    triples.sort_unstable();

    let mut equations: Vec<Equation> = Vec::new();
    let mut last: Option<(usize, usize)> = None;
    for (total, dim, part) in triples {
        match equations.last_mut() {
            Some(eq) if last == Some((total, dim)) => eq.parts.push(part),
            _ => equations.push(Equation::sum(total, vec![part])),
        }
        last = Some((total, dim));
    }
    equations
}
