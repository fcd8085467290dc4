use super::audit::determined;
use super::report::migliaia;
use super::*;
use std::collections::BTreeSet;

// ---------------------------------------------------------------- helpers

/// xorshift64*: deterministic pseudo-random numbers without a dependency.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The heuristic secondary suppression (the method of tables too large for the programs),
/// whose choices the hand cases below pin down.
pub(super) fn heuristic(cells: &[Cell], equations: &[Equation], mode: &Mode) -> Protection {
    protect_with(cells, equations, mode, Some(Method::Heuristic))
}

fn key(parts: &[Option<&str>]) -> Vec<Option<String>> {
    parts.iter().map(|p| p.map(str::to_string)).collect()
}

fn count(value: f64, workers: u64, employers: u64) -> Cell {
    Cell::new(vec![Some("x".into())], "n", value, workers, employers)
}

/// A full cube with all margins. Cell order: mixed radix over the dimensions (first dimension most
/// significant), each coordinate running 0..size with `size` standing for the margin (None).
/// `interior` gives (value, workers, employers) of the interior cells; a margin gets the sums of
/// its interior cells (sums of contributors: enough for tests, distinct counts are not additive).
pub(super) fn cube(dims: &[usize], mut interior: impl FnMut(&[usize]) -> (f64, u64, u64)) -> Vec<Cell> {
    let total: usize = dims.iter().map(|d| d + 1).product();
    let mut coords: Vec<Vec<usize>> = Vec::with_capacity(total);
    for mut i in 0..total {
        let mut c = vec![0; dims.len()];
        for d in (0..dims.len()).rev() {
            c[d] = i % (dims[d] + 1);
            i /= dims[d] + 1;
        }
        coords.push(c);
    }
    let mut sums = vec![(0.0, 0u64, 0u64); total];
    let index = |c: &[usize]| c.iter().zip(dims).fold(0, |acc, (&x, &d)| acc * (d + 1) + x);
    for c in &coords {
        if c.iter().zip(dims).any(|(&x, &d)| x == d) {
            continue;
        }
        let (v, w, e) = interior(c);
        // Add to every cell obtained by replacing any subset of coordinates with the margin.
        for mask in 0..(1usize << dims.len()) {
            let m: Vec<usize> = (0..dims.len())
                .map(|d| if mask >> d & 1 == 1 { dims[d] } else { c[d] })
                .collect();
            let s = &mut sums[index(&m)];
            s.0 += v;
            s.1 += w;
            s.2 += e;
        }
    }
    coords
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let k = c
                .iter()
                .zip(dims)
                .enumerate()
                .map(|(d, (&x, &size))| (x < size).then(|| format!("d{d}v{x}")))
                .collect();
            let (v, w, e) = sums[i];
            Cell::new(k, "n", v, w, e)
        })
        .collect()
}

/// A 2-D table from its interior values; contributors = value (so a value below 3 is sensitive).
pub(super) fn table2(values: &[&[u64]]) -> Vec<Cell> {
    let cols = values[0].len();
    cube(&[values.len(), cols], |c| {
        let v = values[c[0]][c[1]];
        (v as f64, v, v)
    })
}

pub(super) fn idx2(cols: usize, r: usize, c: usize) -> usize {
    r * (cols + 1) + c
}

pub(super) fn suppressed(status: &[Status]) -> Vec<usize> {
    (0..status.len()).filter(|&i| status[i].is_suppressed()).collect()
}

/// The naive attacker: an equation whose members are all known but one gives that one away.
fn single_equation_leaks(equations: &[Equation], status: &[Status]) -> Vec<(usize, usize)> {
    let mut leaks = Vec::new();
    for (e, eq) in equations.iter().enumerate() {
        let members: BTreeSet<usize> = std::iter::once(eq.total).chain(eq.parts.iter().copied()).collect();
        let unknown: Vec<usize> = members.iter().copied().filter(|&c| !status[c].is_known()).collect();
        if unknown.len() == 1 && status[unknown[0]].is_suppressed() {
            leaks.push((e, unknown[0]));
        }
    }
    leaks
}

/// Rank over the rationals of a small dense integer matrix (fraction-free Bareiss elimination),
/// independent of the sparse elimination under test.
fn rank(mut m: Vec<Vec<i128>>) -> usize {
    let cols = m.first().map_or(0, Vec::len);
    let mut r = 0;
    let mut prev = 1i128;
    for c in 0..cols {
        let Some(p) = (r..m.len()).find(|&i| m[i][c] != 0) else {
            continue;
        };
        m.swap(r, p);
        for i in r + 1..m.len() {
            for j in c + 1..cols {
                m[i][j] = (m[r][c] * m[i][j] - m[i][c] * m[r][j]) / prev;
            }
            m[i][c] = 0;
        }
        prev = m[r][c];
        r += 1;
    }
    r
}

/// Oracle for `recoverable`: u is determined iff dropping its column lowers the rank of the
/// unknowns' matrix (its column is not a combination of the others).
fn oracle(equations: &[Equation], status: &[Status]) -> Vec<usize> {
    let unknowns: Vec<usize> = (0..status.len())
        .filter(|&c| !status[c].is_known())
        .filter(|&c| equations.iter().any(|eq| eq.total == c || eq.parts.contains(&c)))
        .collect();
    let matrix: Vec<Vec<i128>> = equations
        .iter()
        .map(|eq| {
            unknowns
                .iter()
                .map(|&u| i128::from(eq.total == u) - eq.parts.iter().filter(|&&p| p == u).count() as i128)
                .collect()
        })
        .collect();
    let full = rank(matrix.clone());
    unknowns
        .iter()
        .enumerate()
        .filter(|&(_, &u)| status[u].is_suppressed())
        .filter(|&(k, _)| {
            let without: Vec<Vec<i128>> = matrix
                .iter()
                .map(|row| {
                    row.iter()
                        .enumerate()
                        .filter(|&(j, _)| j != k)
                        .map(|(_, &v)| v)
                        .collect()
                })
                .collect();
            rank(without) < full
        })
        .map(|(_, &u)| u)
        .collect()
}

/// An equation over the unknowns: constant + Σ coef·x[slot] = 0.
type Check = (i64, Vec<(usize, i64)>);

/// All integer assignments in 0..=bound of the unknown cells that satisfy every equation given
/// the known values; returns, per unknown, the set of values it takes.
fn integer_solutions(cells: &[Cell], equations: &[Equation], status: &[Status], bound: i64) -> Vec<BTreeSet<i64>> {
    let unknowns: Vec<usize> = (0..cells.len()).filter(|&c| !status[c].is_known()).collect();
    let slot = |c: usize| unknowns.iter().position(|&u| u == c);
    let known = |c: usize| cells[c].value.unwrap_or(0.0) as i64;
    // Each equation as (constant, [(slot, coef)]) with constant + Σ coef·x = 0, checked as soon
    // as its last unknown is assigned.
    let mut checks: Vec<Vec<Check>> = vec![Vec::new(); unknowns.len()];
    for eq in equations {
        let mut constant = 0;
        let mut terms = Vec::new();
        for (c, coef) in std::iter::once((eq.total, 1)).chain(eq.parts.iter().map(|&p| (p, -1))) {
            match slot(c) {
                Some(s) => terms.push((s, coef)),
                None if status[c] == Status::StructuralZero => {}
                None => constant += coef * known(c),
            }
        }
        if let Some(last) = terms.iter().map(|t| t.0).max() {
            checks[last].push((constant, terms));
        }
    }
    let mut seen = vec![BTreeSet::new(); unknowns.len()];
    let mut x = vec![0i64; unknowns.len()];
    fn go(k: usize, x: &mut Vec<i64>, bound: i64, checks: &[Vec<Check>], seen: &mut [BTreeSet<i64>]) {
        if k == x.len() {
            for (s, v) in x.iter().enumerate() {
                seen[s].insert(*v);
            }
            return;
        }
        for v in 0..=bound {
            x[k] = v;
            let ok = checks[k]
                .iter()
                .all(|(constant, terms)| constant + terms.iter().map(|&(s, c)| c * x[s]).sum::<i64>() == 0);
            if ok {
                go(k + 1, x, bound, checks, seen);
            }
        }
    }
    go(0, &mut x, bound, &checks, &mut seen);
    seen
}

/// A table of random counts: most cells comfortable, some sensitive, some empty.
fn random_cube(dims: &[usize], seed: u64) -> Vec<Cell> {
    let mut rng = Rng(seed);
    cube(dims, |_| match rng.below(10) {
        0 => (0.0, 0, 0),
        1..=3 => {
            let w = 1 + rng.below(3);
            (w as f64 + rng.below(2) as f64, w, 1 + rng.below(w))
        }
        _ => {
            let w = 3 + rng.below(20);
            (w as f64 + rng.below(5) as f64, w, 3 + rng.below(w - 2))
        }
    })
}

pub(super) fn assert_protected(cells: &[Cell], equations: &[Equation], p: &Protection) {
    assert_eq!(recoverable(cells, equations, &p.status), Vec::<usize>::new());
    assert_eq!(single_equation_leaks(equations, &p.status), vec![]);
    assert_eq!(p.report.unaudited_components, 0);
    assert!(p.report.irreparable.is_empty());
    // Primary suppression is never undone.
    for (c, cell) in cells.iter().enumerate() {
        if primary_status(cell, &DisclosureConfig::default()) == Status::SuppressedPrimary {
            assert_eq!(p.status[c], Status::SuppressedPrimary);
        }
    }
}

// ---------------------------------------------------------------- flags and the primary rule

#[test]
fn status_codes_and_labels() {
    let expected = [
        (Status::Ok, 1, "ok", true),
        (Status::SuppressedPrimary, 5, "soppressa_primaria", false),
        (Status::SuppressedSecondary, 4, "soppressa_secondaria", false),
        (Status::Perturbed, 9, "perturbata", true),
        (Status::NotAvailable, -1, "non_disponibile", false),
        (Status::StructuralZero, -2, "zero_strutturale", false),
        (Status::Confidential, 0, "riservata", true),
        (Status::Public, 2, "pubblico", true),
    ];
    for (s, code, label, published) in expected {
        assert_eq!(s.code(), code);
        assert_eq!(s.label(), label);
        assert_eq!(s.to_string(), label);
        assert_eq!(s.is_published(), published);
        assert_eq!(Status::from_code(code), Some(s));
        assert_eq!(serde_json::to_string(&s).expect("serialisable"), format!("\"{label}\""));
    }
    assert_eq!(Status::from_code(3), None);
    assert!(Status::StructuralZero.is_known());
    assert!(!Status::NotAvailable.is_known());
    assert!(Status::SuppressedSecondary.is_suppressed() && !Status::NotAvailable.is_suppressed());
}

#[test]
fn rules_are_never_below_three() {
    assert_eq!(
        DisclosureConfig::default(),
        DisclosureConfig::new(3, 3).expect("3/3 is legal")
    );
    assert_eq!(
        DisclosureConfig::new(2, 3),
        Err(SdcError::ThresholdTooLow {
            what: "workers",
            value: 2
        })
    );
    assert_eq!(
        DisclosureConfig::new(3, 1),
        Err(SdcError::ThresholdTooLow {
            what: "employers",
            value: 1
        })
    );
    assert!(DisclosureConfig::new(5, 4).is_ok());
    let msg = DisclosureConfig::new(0, 3).expect_err("0 is illegal").to_string();
    assert!(msg.contains("workers") && msg.contains('3'), "{msg}");
    // Fields set by hand below the minimum are raised to it.
    let lax = DisclosureConfig {
        min_workers: 1,
        min_employers: 1,
        ..DisclosureConfig::default()
    };
    assert_eq!(primary_status(&count(5.0, 2, 2), &lax), Status::SuppressedPrimary);
}

#[test]
fn primary_rule_at_the_boundaries() {
    let r = DisclosureConfig::default();
    assert_eq!(primary_status(&count(4.0, 2, 3), &r), Status::SuppressedPrimary);
    assert_eq!(primary_status(&count(4.0, 3, 2), &r), Status::SuppressedPrimary);
    assert_eq!(primary_status(&count(4.0, 3, 3), &r), Status::Ok);
    assert_eq!(primary_status(&count(400.0, 1000, 1), &r), Status::SuppressedPrimary);
    let five = DisclosureConfig::new(5, 5).expect("legal");
    assert_eq!(primary_status(&count(9.0, 4, 5), &five), Status::SuppressedPrimary);
    assert_eq!(primary_status(&count(9.0, 5, 4), &five), Status::SuppressedPrimary);
    assert_eq!(primary_status(&count(9.0, 5, 5), &five), Status::Ok);
    // An empty cell is not sensitive; a zero with contributors (e.g. 0 days) is.
    assert_eq!(primary_status(&count(0.0, 0, 0), &r), Status::Ok);
    assert_eq!(primary_status(&count(0.0, 1, 1), &r), Status::SuppressedPrimary);
    // No value: not available.
    let mut none = count(0.0, 10, 10);
    none.value = None;
    assert_eq!(primary_status(&none, &r), Status::NotAvailable);
    assert_eq!(primary_status(&count(f64::NAN, 10, 10), &r), Status::NotAvailable);
    // A preset wins, even over a failing threshold.
    assert_eq!(
        primary_status(&count(1.0, 1, 1).with_preset(Status::StructuralZero), &r),
        Status::StructuralZero
    );
}

// ---------------------------------------------------------------- cube equations

#[test]
fn cube_equations_of_a_two_by_two_cube() {
    // Indices: (a,x)=0 (a,y)=1 (a,*)=2 (b,x)=3 (b,y)=4 (b,*)=5 (*,x)=6 (*,y)=7 (*,*)=8.
    let cells = cube(&[2, 2], |_| (5.0, 5, 5));
    assert_eq!(cells[2].key, key(&[Some("d0v0"), None]));
    assert_eq!(cells[8].key, key(&[None, None]));
    let eq = |total, parts: &[usize]| Equation::sum(total, parts.to_vec());
    assert_eq!(
        cube_equations(&cells),
        vec![
            eq(2, &[0, 1]),
            eq(5, &[3, 4]),
            eq(6, &[0, 3]),
            eq(7, &[1, 4]),
            eq(8, &[2, 5]), // grand total over dimension 0: the row margins
            eq(8, &[6, 7]), // and over dimension 1: the column margins
        ]
    );
}

#[test]
fn cube_equations_respect_measures_additivity_and_order() {
    // Cells in scrambled order, two measures, one non-additive; a margin without parts.
    let cells = vec![
        Cell::new(key(&[None]), "n", 7.0, 7, 7),                         // 0: total of n
        Cell::new(key(&[Some("a")]), "giorni", 30.0, 3, 3),              // 1
        Cell::new(key(&[Some("b")]), "n", 4.0, 4, 4),                    // 2
        Cell::new(key(&[Some("a")]), "n", 3.0, 3, 3),                    // 3
        Cell::new(key(&[None]), "giorni", 30.0, 3, 3),                   // 4: total of giorni
        Cell::new(key(&[Some("a")]), "media", 2.0, 3, 3).non_additive(), // 5
        Cell::new(key(&[None]), "media", 2.0, 3, 3).non_additive(),      // 6
        Cell::new(key(&[None]), "vuota", 0.0, 0, 0),                     // 7: no parts
        Cell::new(key(&[Some("a")]), "n", 99.0, 3, 3),                   // 8: duplicate key
    ];
    assert_eq!(
        cube_equations(&cells),
        vec![Equation::sum(0, vec![2, 3]), Equation::sum(4, vec![1]),]
    );
}

#[test]
fn cube_equations_count_in_three_dimensions() {
    // Every cell with k margins is the total of k equations: Σ_k C(3,k)·k·(sizes) = for 2×3×4:
    // over dim 0: 4·5 totals, over dim 1: 3·5, over dim 2: 3·4 → 20 + 15 + 12 = 47.
    let cells = cube(&[2, 3, 4], |_| (1.0, 3, 3));
    let eqs = cube_equations(&cells);
    assert_eq!(eqs.len(), 47);
    for eq in &eqs {
        let parts: f64 = eq.parts.iter().map(|&p| cells[p].value.unwrap_or(0.0)).sum();
        assert_eq!(cells[eq.total].value, Some(parts), "equation {eq:?}");
    }
}

// ---------------------------------------------------------------- secondary suppression

/// The hand-made 3×3 table: interior
///
/// ```text
///        c0  c1  c2 | *
///   r0   10   4   7 | 21
///   r1    6   1   9 | 16
///   r2    5   8   3 | 16
///   *    21  13  19 | 53
/// ```
/// with (r1,c1) = 1 worker. Indices: (r, c) = 4r + c, margins at 3.
fn hand_table() -> Vec<Cell> {
    table2(&[&[10, 4, 7], &[6, 1, 9], &[5, 8, 3]])
}

#[test]
fn hand_table_secondary_suppression() {
    let cells = hand_table();
    let eqs = cube_equations(&cells);
    // Equations (lowest index first): 0 row r0, 1 row r1, 2 row r2, 3 col c0, 4 col c1, 5 col c2,
    // 6 grand total over rows, 7 grand total over columns.
    assert_eq!(eqs.len(), 8);
    assert_eq!(eqs[1].parts, vec![4, 5, 6]);
    let p = heuristic(&cells, &eqs, &Mode::default());
    // By hand: primary (r1,c1) = 5 leaves rows r1 (eq 1) and column c1 (eq 4) with one unknown.
    // Eq 1: parts (r1,c0)=6 and (r1,c2)=9, neither closes a cycle → smallest value: (r1,c0) = 4.
    // Column c0 (eq 3) now has one unknown: parts (r0,c0)=10, (r2,c0)=5, neither closes → (r2,c0) = 8.
    // Row r2 (eq 2): parts (r2,c1)=8 closes (column c1 already holds the primary), (r2,c2)=3 would
    // open column c2 → (r2,c1) = 9, despite its larger value. Column c1 now has 2 unknowns: done.
    let mut expected = vec![Status::Ok; 16];
    expected[5] = Status::SuppressedPrimary;
    for c in [4, 8, 9] {
        expected[c] = Status::SuppressedSecondary;
    }
    assert_eq!(p.status, expected);
    for (r, c) in [(1, 1), (1, 0), (2, 0), (2, 1)] {
        assert!(p.status[idx2(3, r, c)].is_suppressed());
    }
    // Row r1 and column c1 each hold two unknowns.
    for eq in [&eqs[1], &eqs[4]] {
        let unknown = eq.parts.iter().filter(|&&c| !p.status[c].is_known()).count();
        assert_eq!(unknown, 2);
    }
    assert_protected(&cells, &eqs, &p);
    assert_eq!(p.report.suppressed_primary, 1);
    assert_eq!(p.report.suppressed_secondary, 3);
    assert_eq!(p.report.repairs, 0);
    assert_eq!(p.report.audited_components, 1);
    assert_eq!(
        p.report.to_string(),
        "celle 16: ok 12, soppresse primarie 1, soppresse secondarie 3; \
         pubblicate 12 delle 15 celle sopra soglia (80.0%), valore pubblicato 90.6%; \
         verifica esatta: componenti verificate 1, non verificate 0; \
         metodo: soglia sui contributori e soppressione secondaria euristica con verifica esatta"
    );
}

#[test]
fn without_margins_nothing_leaks_and_nothing_is_added() {
    let cells = hand_table();
    let p = protect(&cells, &[], &Mode::default());
    assert_eq!(suppressed(&p.status), vec![5]);
    assert_eq!(p.report.suppressed_secondary, 0);
}

#[test]
fn random_cubes_cannot_be_differenced() {
    let shapes: &[&[usize]] = &[
        &[3, 3],
        &[4, 6],
        &[8, 5],
        &[2, 2],
        &[3, 4, 2],
        &[4, 3, 3],
        &[2, 2, 2, 3],
        &[5, 1],
    ];
    let (mut secondary, mut repairs) = (0, 0);
    for (s, dims) in shapes.iter().enumerate() {
        for seed in 1..=12u64 {
            let cells = random_cube(dims, seed * 7919 + s as u64);
            let eqs = cube_equations(&cells);
            let p = heuristic(&cells, &eqs, &Mode::default());
            assert_protected(&cells, &eqs, &p);
            assert_eq!(
                oracle(&eqs, &p.status),
                Vec::<usize>::new(),
                "dims {dims:?} seed {seed}"
            );
            secondary += p.report.suppressed_secondary;
            repairs += p.report.repairs;
        }
    }
    assert!(secondary > 0, "the random tables exercise secondary suppression");
    // In 3 and 4 dimensions single equations are not enough: the audit finds cells to repair.
    assert!(repairs > 0, "the random tables exercise the exact audit's repairs");
}

#[test]
fn brute_force_every_suppressed_cell_has_two_solutions() {
    // Small values keep the enumeration short; (0,1) and (1,2) fail the threshold.
    let cells = table2(&[&[4, 2, 3], &[3, 5, 1]]);
    let eqs = cube_equations(&cells);
    let p = heuristic(&cells, &eqs, &Mode::default());
    assert_protected(&cells, &eqs, &p);
    let unknown: Vec<usize> = (0..cells.len()).filter(|&c| !p.status[c].is_known()).collect();
    assert!(unknown.len() >= 4, "{unknown:?}");
    let bound = cells.iter().filter_map(|c| c.value).fold(0.0, f64::max) as i64;
    let values = integer_solutions(&cells, &eqs, &p.status, bound);
    for (k, &c) in unknown.iter().enumerate() {
        assert!(
            values[k].contains(&(cells[c].value.unwrap_or(0.0) as i64)),
            "true value is a solution"
        );
        assert!(values[k].len() >= 2, "cell {c} is determined: {:?}", values[k]);
    }
    // And the enumeration does catch a leak: publish one cell of the cycle back.
    let mut leaky = p.status.clone();
    let back = unknown
        .iter()
        .copied()
        .find(|&c| leaky[c] == Status::SuppressedSecondary)
        .expect("a secondary");
    leaky[back] = Status::Ok;
    let unknown: Vec<usize> = (0..cells.len()).filter(|&c| !leaky[c].is_known()).collect();
    let values = integer_solutions(&cells, &eqs, &leaky, bound);
    assert!(values.iter().all(|v| v.len() == 1), "{unknown:?}: {values:?}");
    assert_eq!(recoverable(&cells, &eqs, &leaky), suppressed(&leaky));
}

// ---------------------------------------------------------------- exact audit

/// Unknown cells of a 4×4 table (margins all published): two 2×2 cycles joined by (1,2).
///
/// ```text
///        c0 c1 c2 c3
///   r0   X  X  .  .
///   r1   X  X  B  .
///   r2   .  .  X  X
///   r3   .  .  X  X
/// ```
/// Every row and column holds 0 or ≥ 2 unknowns, so no single equation reveals anything, yet
/// (rows r0 + r1) − (columns c0 + c1) = B.
fn bridge_pattern() -> (Vec<Cell>, Vec<usize>) {
    let cells = table2(&[
        &[10, 11, 12, 13],
        &[14, 15, 16, 17],
        &[18, 19, 20, 21],
        &[22, 23, 24, 25],
    ]);
    let unknown: Vec<usize> = [(0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (2, 2), (2, 3), (3, 2), (3, 3)]
        .iter()
        .map(|&(r, c)| idx2(4, r, c))
        .collect();
    (cells, unknown)
}

#[test]
fn audit_finds_the_bridge() {
    let (cells, unknown) = bridge_pattern();
    let eqs = cube_equations(&cells);
    let mut status = vec![Status::Ok; cells.len()];
    for &c in &unknown {
        status[c] = Status::SuppressedPrimary;
    }
    assert_eq!(single_equation_leaks(&eqs, &status), vec![]);
    let bridge = idx2(4, 1, 2);
    let found = audit(&cells, &eqs, &status);
    assert_eq!(found.recoverable, vec![bridge]);
    assert_eq!(found.audited_components, 1);
    assert_eq!(oracle(&eqs, &status), vec![bridge]);
    // The attack, spelled out.
    let v = |r, c| cells[idx2(4, r, c)].value.unwrap_or(0.0);
    let attack =
        v(0, 4) + v(1, 4) - v(4, 0) - v(4, 1) + v(2, 0) + v(3, 0) + v(2, 1) + v(3, 1) - v(0, 2) - v(0, 3) - v(1, 3);
    assert_eq!(attack, v(1, 2));
    // An unavailable cell is unknown too, and the bridge stays a bridge.
    status[idx2(4, 0, 0)] = Status::NotAvailable;
    assert_eq!(recoverable(&cells, &eqs, &status), vec![bridge]);
}

#[test]
fn protect_repairs_the_bridge() {
    let (cells, unknown) = bridge_pattern();
    // Make exactly the pattern's cells sensitive: 1 worker each.
    let mut cells = cells;
    for &c in &unknown {
        cells[c].n_workers = 1;
    }
    let eqs = cube_equations(&cells);
    let p = heuristic(&cells, &eqs, &Mode::default());
    assert_protected(&cells, &eqs, &p);
    assert_eq!(p.report.rounds, 2);
    assert_eq!(p.report.repairs, 1);
    // By hand: equations are rows r0..r3 (0-3), columns c0..c3 (4-7), then the grand total. The
    // bridge (1,2) lies in row r1 (eq 1) and column c2 (eq 6). Row r1's only published part is
    // (1,3) = 17 → suppressed; column c3 then holds (1,3), (2,3), (3,3): no singleton, and
    // (1,2)–(1,3) now close a cycle through the r2/r3 block.
    assert_eq!(p.status[idx2(4, 1, 3)], Status::SuppressedSecondary);
    assert_eq!(p.report.suppressed_secondary, 1);
    assert_eq!(p.report.suppressed_primary, 9);
    assert!(
        p.report.to_string().contains("(di cui 1 dalla verifica esatta)"),
        "{}",
        p.report
    );
}

#[test]
fn protect_repairs_without_cube_keys() {
    // The same bridge, but the keys say nothing about the equations (one dimension, no
    // margins): a hypercube proposal is not a null vector of the given equations, so the
    // repair falls back to one more cell in the bridge's first equation.
    let (mut cells, unknown) = bridge_pattern();
    let eqs = cube_equations(&cells);
    for (i, cell) in cells.iter_mut().enumerate() {
        cell.key = vec![Some(format!("k{i}"))];
    }
    for &c in &unknown {
        cells[c].n_workers = 1;
    }
    assert!(cube_equations(&cells).is_empty());
    let p = heuristic(&cells, &eqs, &Mode::default());
    assert_protected(&cells, &eqs, &p);
    assert_eq!(p.status[idx2(4, 1, 3)], Status::SuppressedSecondary);
    assert_eq!(p.report.repairs, 1);
    assert_eq!(p.report.suppressed_secondary, 1);
}

#[test]
fn hypercubes_are_null_vectors() {
    // 3 × 2 × 2 cube, every cell published: the hypercube through any cell, once suppressed,
    // leaves none of its cells recoverable, and the signs satisfy every equation.
    let cells = cube(&[3, 2, 2], |c| (1.0 + (c[0] * 4 + c[1] * 2 + c[2]) as f64, 9, 9));
    let eqs = cube_equations(&cells);
    let system = super::system::System::new(&cells, &eqs);
    let index = super::cube::CubeIndex::for_hypercubes(&cells);
    let ok = vec![Status::Ok; cells.len()];
    for u in 0..cells.len() {
        let members = index
            .hypercube(u, &cells, &ok)
            .expect("every cell of a full cube has one");
        assert_eq!(members.len(), 8);
        assert_eq!(members[0], (u, 1));
        assert!(system.is_null_vector(&members), "cell {u}: {members:?}");
        let mut status = ok.clone();
        for &(c, _) in &members {
            status[c] = Status::SuppressedSecondary;
        }
        assert_eq!(oracle(&eqs, &status), Vec::<usize>::new(), "cell {u}");
        // The cheapest: through the interior cell 0 (value 1) the partners are the next levels,
        // never the (large) margins.
        if u == 0 {
            let mut got: Vec<usize> = members.iter().map(|m| m.0).collect();
            got.sort_unstable();
            let i3 = |a: usize, b: usize, c: usize| (a * 3 + b) * 3 + c;
            assert_eq!(
                got,
                vec![
                    i3(0, 0, 0),
                    i3(0, 0, 1),
                    i3(0, 1, 0),
                    i3(0, 1, 1),
                    i3(1, 0, 0),
                    i3(1, 0, 1),
                    i3(1, 1, 0),
                    i3(1, 1, 1)
                ]
            );
        }
    }
    // A structural zero cannot be a corner: the hypercube goes around it.
    let mut status = ok.clone();
    let i3 = |a: usize, b: usize, c: usize| (a * 3 + b) * 3 + c;
    status[i3(1, 0, 0)] = Status::StructuralZero;
    let members = index.hypercube(0, &cells, &status).expect("another partner exists");
    assert!(members.iter().all(|&(c, _)| c != i3(1, 0, 0)));
    assert!(system.is_null_vector(&members));
}

#[test]
fn audit_agrees_with_a_dense_oracle_on_random_patterns() {
    let mut rng = Rng(0x5DC);
    let mut found = 0;
    for round in 0..300 {
        let dims: Vec<usize> = match round % 3 {
            0 => vec![2 + rng.below(4) as usize, 2 + rng.below(4) as usize],
            1 => vec![
                2 + rng.below(2) as usize,
                2 + rng.below(2) as usize,
                2 + rng.below(2) as usize,
            ],
            _ => vec![2, 2, 2, 2],
        };
        let cells = cube(&dims, |_| (5.0, 5, 5));
        let eqs = cube_equations(&cells);
        let status: Vec<Status> = (0..cells.len())
            .map(|_| match rng.below(20) {
                0..=5 => Status::SuppressedPrimary,
                6 => Status::SuppressedSecondary,
                7 => Status::NotAvailable,
                8 => Status::StructuralZero,
                _ => Status::Ok,
            })
            .collect();
        let got = recoverable(&cells, &eqs, &status);
        assert_eq!(got, oracle(&eqs, &status), "dims {dims:?} round {round}");
        found += got.len();
    }
    assert!(found > 50, "the patterns include recoverable cells ({found})");
}

#[test]
fn elimination_handles_non_unit_coefficients() {
    // x0 + x1 + x2 = a, x1 + x2 = b → x0; 2x3 + x4 = c, x3 + x4 = d → x3 and x4; x5 - x6 free.
    let rows = vec![
        vec![(0, 1), (1, 1), (2, 1)],
        vec![(1, 1), (2, 1)],
        vec![(3, 2), (4, 1)],
        vec![(3, 1), (4, 1)],
        vec![(5, 1), (6, -1)],
    ];
    assert_eq!(determined(7, rows.clone(), u64::MAX), Ok(vec![0, 3, 4]));
    // A budget too small gives up instead of answering.
    assert!(determined(7, rows, 1).is_err());
}

#[test]
fn oversized_components_are_reported_not_audited() {
    // One long row: its 2-part equations link all unknowns into one component.
    let n = MAX_COMPONENT_UNKNOWNS + 2;
    let cells: Vec<Cell> = (0..n).map(|_| count(1.0, 1, 1)).collect();
    let eqs: Vec<Equation> = (0..n - 1).map(|i| Equation::sum(i, vec![i + 1])).collect();
    let status = vec![Status::SuppressedPrimary; n];
    let a = audit(&cells, &eqs, &status);
    assert_eq!(a.unaudited_components, 1);
    assert_eq!(a.unaudited_unknowns, n);
    assert_eq!(a.audited_components, 0);
}

// ---------------------------------------------------------------- presets, measures, modes

#[test]
fn non_additive_measures_get_primary_suppression_only() {
    // Averages over the hand table's layout: no equations, so no secondary suppression, even if
    // an equation is passed by mistake.
    let cells: Vec<Cell> = hand_table()
        .into_iter()
        .map(|c| {
            Cell {
                measure: "media".into(),
                ..c
            }
            .non_additive()
        })
        .collect();
    assert!(cube_equations(&cells).is_empty());
    let forced = cube_equations(&hand_table());
    let p = heuristic(&cells, &forced, &Mode::default());
    assert_eq!(suppressed(&p.status), vec![5]);
    assert_eq!(p.status[5], Status::SuppressedPrimary);
    assert_eq!(p.report.equations, 0);
    // Mixed table: the counts get protected, the averages over the same keys only primary.
    let mut mixed = hand_table();
    mixed.extend(cells);
    let eqs = cube_equations(&mixed);
    let p = heuristic(&mixed, &eqs, &Mode::default());
    assert_eq!(suppressed(&p.status[16..]), vec![5]);
    assert_eq!(suppressed(&p.status[..16]), vec![4, 5, 8, 9]);
}

#[test]
fn presets_are_kept_and_structural_zeros_never_chosen() {
    // Row r1 = (1, 0, 9): (r1,c1) is sensitive, (r1,c0) a structural zero, (r1,c2) unavailable.
    let mut cells = table2(&[&[10, 4, 7], &[0, 1, 9], &[5, 8, 3]]);
    cells[4] = cells[4].clone().with_preset(Status::StructuralZero);
    cells[6].value = None;
    cells[6].preset = Some(Status::NotAvailable);
    let eqs = cube_equations(&cells);
    let p = heuristic(&cells, &eqs, &Mode::default());
    assert_eq!(p.status[4], Status::StructuralZero);
    assert_eq!(p.status[6], Status::NotAvailable);
    assert_eq!(p.status[5], Status::SuppressedPrimary);
    assert_protected(&cells, &eqs, &p);
    // By hand: row r1 already holds two unknowns (the primary and the unavailable cell); column
    // c1 holds one: neither (r0,c1) = 4 nor (r2,c1) = 8 closes a cycle → the smaller, (r0,c1).
    // Row r0 then: (r0,c0) would open column c0 (its structural zero is known), (r0,c2) = 7
    // closes on column c2, which holds the unavailable cell → (r0,c2).
    assert_eq!(suppressed(&p.status), vec![1, 2, 5]);
    assert_eq!(p.report.structural_zero, 1);
    assert_eq!(p.report.not_available, 1);
    assert!(
        p.report.to_string().contains("non disponibili 1, zeri strutturali 1"),
        "{}",
        p.report
    );
}

#[test]
fn a_cell_fixed_by_structural_zeros_alone_is_reported() {
    // total = structural zero: the equation says the total is 0, whatever the threshold.
    let cells = vec![count(2.0, 1, 1), count(0.0, 0, 0).with_preset(Status::StructuralZero)];
    let eqs = vec![Equation::sum(0, vec![1])];
    let p = protect(&cells, &eqs, &Mode::default());
    assert_eq!(p.status, vec![Status::SuppressedPrimary, Status::StructuralZero]);
    assert_eq!(p.report.irreparable, vec![0]);
    assert!(p.report.to_string().contains("ATTENZIONE: 1 celle"), "{}", p.report);
}

#[test]
fn confidential_mode_labels_everything() {
    let mut cells = hand_table();
    cells[0] = cells[0].clone().with_preset(Status::StructuralZero);
    cells[1] = cells[1].clone().with_preset(Status::NotAvailable);
    cells[2].value = None;
    let eqs = cube_equations(&cells);
    let p = protect(&cells, &eqs, &Mode::Confidential);
    assert_eq!(p.status[0], Status::StructuralZero);
    assert_eq!(p.status[1], Status::NotAvailable);
    assert_eq!(p.status[2], Status::NotAvailable);
    assert!(p.status[3..].iter().all(|&s| s == Status::Confidential));
    assert_eq!(
        p.status[5],
        Status::Confidential,
        "the sensitive cell is not suppressed"
    );
    assert_eq!(p.report.confidential, 13);
    assert!(p.report.confidential_mode);
    assert_eq!(
        p.report.to_string(),
        "celle 16: riservate 13 (tabella NON protetta), non disponibili 2, zeri strutturali 1"
    );
}

#[test]
fn everything_sensitive_terminates() {
    let cells = table2(&[&[1, 1, 1], &[1, 1, 1]]);
    let eqs = cube_equations(&cells);
    let p = heuristic(&cells, &eqs, &Mode::default());
    // The six interior cells and the three column margins (2 contributors) fail the rule; the
    // unknowns form cycles everywhere, so nothing more is needed.
    assert_protected(&cells, &eqs, &p);
    assert_eq!(p.report.suppressed_primary, 9);
    assert_eq!(p.report.suppressed_secondary, 0);
}

#[test]
fn thousands_separator_in_the_report() {
    assert_eq!(migliaia(0), "0");
    assert_eq!(migliaia(999), "999");
    assert_eq!(migliaia(1_234), "1.234");
    assert_eq!(migliaia(1_234_567), "1.234.567");
}

// ---------------------------------------------------------------- scale

/// A realistic cube: month (12) × sector (21) × area (250) × sex (2) with all margins, 215,358
/// cells, sizes skewed so that small areas and sectors make many sensitive cells.
fn large_cube() -> Vec<Cell> {
    let mut rng = Rng(42);
    let sector: Vec<u64> = (0..21).map(|s| 1 + 40 / (s + 1)).collect();
    let area: Vec<u64> = (0..250).map(|a| 1 + 300 / (a + 1)).collect();
    cube(&[12, 21, 250, 2], |c| {
        let mean = sector[c[1]] * area[c[2]] * 3 / 2;
        let w = if mean == 0 {
            rng.below(3)
        } else {
            rng.below(2 * mean + 1)
        };
        let e = if w == 0 { 0 } else { 1 + rng.below(w) };
        (w as f64 + rng.below(3) as f64 * (w > 0) as u64 as f64, w, e)
    })
}

#[test]
fn large_cube_is_protected_in_seconds() {
    // Release build, 2 cores: protect ≈ 1.5 s (cells 0.3 s, equations 0.3 s, audit 0.5 s).
    let cells = large_cube();
    let eqs = cube_equations(&cells);
    let p = protect(&cells, &eqs, &Mode::default());
    let a = audit(&cells, &eqs, &p.status);
    assert_eq!(cells.len(), 13 * 22 * 251 * 3);
    assert!((15_000..30_000).contains(&p.report.suppressed_primary), "{}", p.report);
    assert_eq!(single_equation_leaks(&eqs, &p.status), vec![]);
    assert_eq!(a.recoverable, Vec::<usize>::new());
    assert_eq!(
        (a.unaudited_components, p.report.unaudited_components),
        (0, 0),
        "{}",
        p.report
    );
    assert!(p.report.irreparable.is_empty());
}

// ------------------------------------------------------------- identities between measures

#[test]
fn an_identity_between_measures_protects_a_withheld_member() {
    // One cell, three measures: attivazioni 10 (ok), cessazioni 1 (one worker: primary) and
    // saldo 9 = attivazioni - cessazioni. Publishing both others would give cessazioni away.
    let cells = vec![count(10.0, 10, 5), count(1.0, 1, 1), count(9.0, 11, 5)];
    let alone = protect(&cells, &[], &Mode::default());
    assert_eq!(alone.status, vec![Status::Ok, Status::SuppressedPrimary, Status::Ok]);
    let eqs = vec![Equation {
        total: 2,
        parts: vec![0],
        minus: vec![1],
    }];
    let p = protect(&cells, &eqs, &Mode::default());
    assert_eq!(p.status[1], Status::SuppressedPrimary);
    assert_eq!(
        p.status.iter().filter(|s| s.is_suppressed()).count(),
        2,
        "one more member withheld: {:?}",
        p.status
    );
    assert!(recoverable(&cells, &eqs, &p.status).is_empty());
}

#[test]
fn a_hypercube_is_carried_over_to_the_measures_an_identity_ties() {
    // Contracts A, B and their total; measures att, cess, saldo = att - cess in every column.
    // att(A) has two workers. The cheapest safe pattern withholds att and saldo of A and B (the
    // same hypercube on both measures): four cells, totals untouched.
    let mut cells = Vec::new();
    for (k, (att, cess)) in [("A", (2.0, 10.0)), ("B", (50.0, 40.0))] {
        let key = vec![Some(k.to_string())];
        let workers = |v: f64| v as u64;
        cells.push(Cell::new(key.clone(), "att", att, workers(att), workers(att)));
        cells.push(Cell::new(key.clone(), "cess", cess, workers(cess), workers(cess)));
        cells.push(Cell::new(key, "saldo", att - cess, 60, 60));
    }
    cells.push(Cell::new(vec![None], "att", 52.0, 52, 52));
    cells.push(Cell::new(vec![None], "cess", 50.0, 50, 50));
    cells.push(Cell::new(vec![None], "saldo", 2.0, 100, 100));
    let mut eqs = cube_equations(&cells);
    for base in [0, 3, 6] {
        eqs.push(Equation {
            total: base + 2,
            parts: vec![base],
            minus: vec![base + 1],
        });
    }
    let p = protect(&cells, &eqs, &Mode::default());
    assert!(recoverable(&cells, &eqs, &p.status).is_empty());
    let withheld: Vec<usize> = (0..cells.len()).filter(|&i| p.status[i].is_suppressed()).collect();
    assert_eq!(withheld, vec![0, 2, 3, 5], "{:?}", p.status);
}

#[test]
fn dominance_rules_on_hand_made_magnitudes() {
    let hours = |total: f64, x1: f64, x2: f64| count(total, 10, 5).with_top(x1, x2);
    let r = DisclosureConfig::default(); // (2, 85)
                                         // 1000 hours: the two largest employers 500 + 350 = 85 % exactly: not above k, published.
    assert_eq!(primary_status(&hours(1000.0, 500.0, 350.0), &r), Status::Ok);
    assert_eq!(
        primary_status(&hours(1000.0, 500.0, 351.0), &r),
        Status::SuppressedPrimary
    );
    // (1, 60): the largest alone above 60 %.
    let one = r.with_dominance("nk:1,60".parse().unwrap());
    assert_eq!(primary_status(&hours(1000.0, 600.0, 300.0), &one), Status::Ok);
    assert_eq!(
        primary_status(&hours(1000.0, 601.0, 100.0), &one),
        Status::SuppressedPrimary
    );
    // p = 10 %: the rest after the two largest (1000 − 700 − 250 = 50) against 10 % of 700 = 70.
    let p = r.with_dominance("p:10".parse().unwrap());
    assert_eq!(
        primary_status(&hours(1000.0, 700.0, 250.0), &p),
        Status::SuppressedPrimary
    );
    assert_eq!(primary_status(&hours(1000.0, 600.0, 300.0), &p), Status::Ok); // 100 ≥ 60
                                                                              // Counts carry no contributions: the rule does not apply; nor to an empty cell.
    assert_eq!(primary_status(&count(1000.0, 10, 5), &one), Status::Ok);
    assert_eq!(primary_status(&hours(0.0, 0.0, 0.0), &r), Status::Ok);
    let none = r.with_dominance("none".parse().unwrap());
    assert_eq!(primary_status(&hours(1000.0, 999.0, 1.0), &none), Status::Ok);
    // The threshold still applies to magnitudes.
    assert_eq!(
        primary_status(&count(1000.0, 10, 2).with_top(400.0, 300.0), &r),
        Status::SuppressedPrimary
    );
    for bad in ["nk:3,85", "nk:2,40", "nk:2", "p:0", "p:101", "k:2,85", ""] {
        assert!(bad.parse::<Dominance>().is_err(), "{bad}");
    }
}

#[test]
fn dominance_is_written_as_the_cli_takes_it() {
    assert_eq!("2,85".parse::<Dominance>(), Ok(Dominance::NK { n: 2, k: 85 }));
    assert_eq!("1,60".parse::<Dominance>(), Ok(Dominance::NK { n: 1, k: 60 }));
    assert_eq!("80%".parse::<Dominance>(), Ok(Dominance::P { p: 80 }));
    assert_eq!("no".parse::<Dominance>(), Ok(Dominance::None));
    for d in [Dominance::NK { n: 2, k: 85 }, Dominance::P { p: 80 }, Dominance::None] {
        assert_eq!(d.to_string().parse::<Dominance>(), Ok(d), "round trip of {d}");
    }
    for bad in ["3,85", "2,40", "0%", "101%", "p:%", "si"] {
        assert!(bad.parse::<Dominance>().is_err(), "{bad}");
    }
}

#[test]
fn public_cells_are_shown_and_never_withheld_for_another() {
    // total = a + b; a has 1 worker (primary), b and the total are public: a stays the only
    // suppressed cell (recoverable, and the report says so), nothing public is withheld.
    let cells = vec![
        count(10.0, 1, 1),
        count(20.0, 0, 0).with_preset(Status::Public),
        count(30.0, 0, 0).with_preset(Status::Public),
    ];
    let eqs = vec![Equation::sum(2, vec![0, 1])];
    let p = protect(&cells, &eqs, &Mode::default());
    assert_eq!(
        p.status,
        vec![Status::SuppressedPrimary, Status::Public, Status::Public]
    );
    assert_eq!(p.report.public, 2);
    assert!(p.report.to_string().contains("già pubbliche (dati aperti) 2"));
    // A table of public cells only: nothing suppressed, whatever the contributors.
    let all_public: Vec<Cell> = (0..3)
        .map(|i| count(f64::from(i), 0, 0).with_preset(Status::Public))
        .collect();
    let p = protect(&all_public, &[Equation::sum(2, vec![0, 1])], &Mode::default());
    assert!(p.status.iter().all(|s| *s == Status::Public));
    let c = protect(&all_public, &[], &Mode::Confidential);
    assert!(c.status.iter().all(|s| *s == Status::Public));
}
