//! Interval protection: hand tables whose intervals are known, and random cubes audited by the
//! intruder's programs.

use super::tests::{assert_protected, cube, Rng};
use super::*;

fn cell(name: &str, value: f64, workers: u64) -> Cell {
    Cell::new(vec![Some(name.to_string())], "n", value, workers, 5)
}

/// A row of parts and its total, as (cells, equations): parts first, the total last.
fn row(parts: &[(f64, u64)]) -> (Vec<Cell>, Vec<Equation>) {
    let mut cells: Vec<Cell> = parts
        .iter()
        .enumerate()
        .map(|(i, &(v, w))| cell(&format!("x{i}"), v, w))
        .collect();
    let total: f64 = parts.iter().map(|p| p.0).sum();
    cells.push(Cell::new(vec![None], "n", total, 50, 50));
    let equations = vec![Equation::sum(parts.len(), (0..parts.len()).collect())];
    (cells, equations)
}

fn interval_of(cells: &[Cell], equations: &[Equation], status: &[Status], c: usize) -> Interval {
    let all = intervals(cells, equations, status, &DisclosureConfig::default());
    *all.iter().find(|i| i.cell == c).expect("a primary cell in a relation")
}

#[test]
fn the_interval_of_a_hand_table_is_the_one_derived_by_hand() {
    // x0 = 1 (one worker), x1 = 2, x2 = 20, total 23. With x1 withheld: x0 + x1 = 3, x1 >= 0, so
    // x0 lies in [0, 3]: short of 1 + 3 above.
    let (cells, eqs) = row(&[(1.0, 1), (2.0, 5), (20.0, 9)]);
    let mut status = vec![Status::Ok; 4];
    status[0] = Status::SuppressedPrimary;
    status[1] = Status::SuppressedSecondary;
    let i = interval_of(&cells, &eqs, &status, 0);
    assert!((i.lower - 0.0).abs() < 1e-6 && (i.upper - 3.0).abs() < 1e-6, "{i:?}");
    assert_eq!((i.required_lower, i.required_upper), (0.0, 4.0));
    assert!(!i.is_protected());
    // The exact audit alone sees nothing wrong: x0 is not determined.
    assert!(recoverable(&cells, &eqs, &status).is_empty());
    // x2 withheld as well: x0 + x1 + x2 = 23, so [0, 23].
    status[2] = Status::SuppressedSecondary;
    let i = interval_of(&cells, &eqs, &status, 0);
    assert!((i.upper - 23.0).abs() < 1e-6 && i.lower.abs() < 1e-6, "{i:?}");
    assert!(i.is_protected());
}

#[test]
fn protect_widens_a_narrow_interval() {
    let (cells, eqs) = row(&[(1.0, 1), (2.0, 5), (20.0, 9)]);
    let p = protect(&cells, &eqs, &Mode::default());
    assert_eq!(p.report.method, Method::Intervals);
    assert_protected(&cells, &eqs, &p);
    let i = interval_of(&cells, &eqs, &p.status, 0);
    assert!(i.is_protected(), "{i:?} {:?}", p.status);
    assert_eq!(p.report.intervals_checked, 1);
    assert!(p.report.unprotected.is_empty());
    // The total is what readers look at first: the parts pay.
    assert_eq!(p.status[3], Status::Ok);
    // The certificates guarantee at least the levels asked for.
    assert!(p.report.narrowest_width.unwrap() >= p.report.narrowest_required.unwrap() - 1e-6);
}

#[test]
fn the_protection_level_is_configurable() {
    // x0 = 4 with x1 = 6 withheld: x0 in [0, 10]. Level 3 asks [1, 7]: protected; level 8 asks
    // [0, 12]: not.
    let (cells, eqs) = row(&[(4.0, 1), (6.0, 5), (20.0, 9)]);
    let mut status = vec![Status::Ok; 4];
    status[0] = Status::SuppressedPrimary;
    status[1] = Status::SuppressedSecondary;
    let at = |level: u64| {
        let rules = DisclosureConfig::default().with_protection(level);
        intervals(&cells, &eqs, &status, &rules)[0]
    };
    assert!(at(3).is_protected());
    assert_eq!((at(3).required_lower, at(3).required_upper), (1.0, 7.0));
    assert!(!at(8).is_protected());
    let rules = DisclosureConfig::default().with_protection(8);
    let p = protect(&cells, &eqs, &Mode::Protected(rules));
    assert!(intervals(&cells, &eqs, &p.status, &rules)[0].is_protected());
}

#[test]
fn a_signed_measure_has_no_floor() {
    // saldo = attivazioni - cessazioni in one cell: a = 1 (primary), c = 5, s = -4. With the
    // saldo withheld and c published, a = s + 5 with s free: a in [0, +inf).
    let cells = vec![
        cell("k", 1.0, 1).with_preset(Status::SuppressedPrimary),
        cell("k", 5.0, 5),
        Cell {
            measure: "s".into(),
            ..cell("k", -4.0, 6).signed()
        },
    ];
    let eqs = vec![Equation {
        total: 2,
        parts: vec![0],
        minus: vec![1],
    }];
    let status = vec![Status::SuppressedPrimary, Status::Ok, Status::SuppressedSecondary];
    let i = interval_of(&cells, &eqs, &status, 0);
    assert_eq!(i.upper, f64::INFINITY);
    assert!(i.lower.abs() < 1e-6);
    // Not flagged signed but negative: still no floor (the value says so).
    let mut unflagged = cells.clone();
    unflagged[2].signed = false;
    assert_eq!(interval_of(&unflagged, &eqs, &status, 0).upper, f64::INFINITY);
}

#[test]
fn a_level_the_structure_forbids_is_capped_and_reported() {
    // saldo = trasformazioni_in_entrata (no other flow in the cell: known zeros), saldo = 2
    // signed and primary, the part 2 >= 0: the saldo cannot go below 0 whatever is withheld,
    // so its level below (2 - 3 = -1) is capped at 0.
    let cells = vec![
        Cell {
            measure: "saldo".into(),
            ..cell("k", 2.0, 1).signed()
        },
        Cell {
            measure: "tin".into(),
            ..cell("k", 2.0, 1)
        },
    ];
    let eqs = vec![Equation::sum(0, vec![1])];
    let p = protect(&cells, &eqs, &Mode::default());
    assert_eq!(p.status, vec![Status::SuppressedPrimary; 2]);
    assert_eq!(p.report.capped, 1);
    assert!(p.report.unprotected.is_empty());
    let i = interval_of(&cells, &eqs, &p.status, 0);
    assert!(i.lower.abs() < 1e-6 && i.upper == f64::INFINITY, "{i:?}");
}

/// A random cube of counts with margins, one worker a unit, a quarter of the cells under the
/// threshold: 5 × 4, 3 × 3 × 3, 4 × 3 × 2 or 2 × 2 × 2 × 2 by `shape`.
fn small_counts(rng: &mut Rng, shape: usize) -> Vec<Cell> {
    let dims: &[usize] = match shape {
        0 => &[5, 4],
        1 => &[3, 3, 3],
        2 => &[4, 3, 2],
        _ => &[2, 2, 2, 2],
    };
    cube(dims, |_| {
        let v = if rng.below(4) == 0 {
            rng.below(3)
        } else {
            3 + rng.below(30)
        };
        (v as f64, v, v)
    })
}

#[test]
fn random_cubes_are_protected_by_interval() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut published = 0;
    let mut meeting = 0;
    for round in 0..12 {
        let cells = small_counts(&mut rng, round % 3);
        let eqs = cube_equations(&cells);
        let p = protect(&cells, &eqs, &Mode::default());
        assert_eq!(p.report.method, Method::Intervals);
        assert_protected(&cells, &eqs, &p);
        assert!(p.report.unprotected.is_empty(), "round {round}");
        assert_eq!(p.report.capped, 0, "nothing is fixed in a full cube");
        // The intruder's programs, independent of the certificates, agree.
        for i in intervals(&cells, &eqs, &p.status, &DisclosureConfig::default()) {
            assert!(i.is_protected(), "round {round}: {i:?}");
        }
        published += p.report.ok;
        meeting += p.report.meeting_threshold;
    }
    assert!(published > 0 && published <= meeting);
}

#[test]
fn the_report_counts_what_was_published() {
    let (cells, eqs) = row(&[(1.0, 1), (2.0, 5), (20.0, 9)]);
    let p = protect(&cells, &eqs, &Mode::default());
    assert_eq!(p.report.meeting_threshold, 3);
    assert_eq!(p.report.value_total, 46.0);
    let shown: f64 = (0..4)
        .filter(|&c| p.status[c].is_published())
        .map(|c| cells[c].value.unwrap())
        .sum();
    assert_eq!(p.report.value_published, shown);
    assert!((p.report.published_share() - p.report.ok as f64 / 3.0).abs() < 1e-12);
    let text = p.report.to_string();
    assert!(
        text.contains("celle sopra soglia") && text.contains("intervalli verificati 1"),
        "{text}"
    );
}

/// The protection program written plainly: one pair of variables per cell that can move, every
/// equation of the table. Its optimum, to compare with the reduced program's.
fn plain_optimum(
    programs: &interval::Programs,
    system: &System,
    p: usize,
    direction: interval::Direction,
    amount: f64,
    status: &[Status],
    price: &dyn Fn(usize) -> Option<f64>,
) -> f64 {
    use microlp::{ComparisonOp, OptimizationDirection, Problem};
    let bounds = programs.bounds();
    let mut lp = Problem::new(OptimizationDirection::Minimize);
    let mut vars = std::collections::HashMap::new();
    for (c, s) in status.iter().enumerate() {
        let unit = if !s.is_known() {
            Some(0.01)
        } else if s.can_withhold() {
            price(c)
        } else {
            None
        };
        let Some(unit) = unit else { continue };
        let room = (bounds.value(c) - bounds.floor(c)).max(0.0);
        let (up_price, down_price, up_max, down_max) = match (c == p, direction) {
            (true, interval::Direction::Up) => (-1e4, 0.0, amount, 0.0),
            (true, interval::Direction::Down) => (0.0, -1e4, 0.0, amount.min(room)),
            (false, _) => (unit, unit, f64::INFINITY, room),
        };
        vars.insert(
            c,
            (
                lp.add_var(up_price, (0.0, up_max)),
                lp.add_var(down_price, (0.0, down_max)),
            ),
        );
    }
    for e in 0..system.n_equations() {
        let mut terms = Vec::new();
        for m in system.members(e) {
            if let Some(&(up, down)) = vars.get(&m.cell) {
                terms.push((up, m.coef as f64));
                terms.push((down, -(m.coef as f64)));
            }
        }
        if !terms.is_empty() {
            lp.add_constraint(terms.as_slice(), ComparisonOp::Eq, 0.0);
        }
    }
    lp.solve()
        .expect("a solved program")
        .into_solution()
        .expect("a feasible program")
        .objective()
}

#[test]
fn the_reduced_program_has_the_plain_programs_optimum() {
    // Random cubes with some cells withheld, some published at a price and some that cannot be
    // withheld: for every primary cell and direction, the deviation the reduced program returns
    // keeps every relation, and costs what the plain program's optimum costs.
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut compared = 0;
    for round in 0..24 {
        let cells = small_counts(&mut rng, round % 4);
        let eqs = cube_equations(&cells);
        let system = System::new(&cells, &eqs);
        let status: Vec<Status> = (0..cells.len())
            .map(|c| match (cells[c].value.unwrap_or(0.0), rng.below(6)) {
                (v, _) if v > 0.0 && v < 3.0 => Status::SuppressedPrimary,
                (_, 0) => Status::SuppressedSecondary,
                (_, 1) => Status::Public,
                _ => Status::Ok,
            })
            .collect();
        let prices: Vec<f64> = (0..cells.len()).map(|_| 1.0 + rng.below(4) as f64).collect();
        let price = |c: usize| Some(prices[c]);
        let programs = interval::Programs::new(&system, interval::Bounds::new(&cells, 3.0, 0.1));
        for p in (0..cells.len()).filter(|&c| status[c] == Status::SuppressedPrimary) {
            for direction in [interval::Direction::Up, interval::Direction::Down] {
                let amount = 3.0;
                let deviation = programs
                    .protection(p, direction, amount, &status, &price)
                    .expect("a solution");
                // Its cost, as the plain program counts it.
                let cost: f64 = deviation
                    .iter()
                    .map(|&(c, y)| match c == p {
                        true => -1e4 * y.abs(),
                        false if status[c].is_known() => prices[c] * y.abs(),
                        false => 0.01 * y.abs(),
                    })
                    .sum();
                let optimum = plain_optimum(&programs, &system, p, direction, amount, &status, &price);
                assert!(
                    (cost - optimum).abs() <= 1e-6 * (1.0 + optimum.abs()),
                    "round {round}, cell {p}, {direction:?}: {cost} against {optimum}"
                );
                // It moves only what may move and keeps every relation.
                let mut moved = status.clone();
                for &(c, _) in &deviation {
                    assert!(
                        !status[c].is_known() || status[c].can_withhold(),
                        "round {round}: cell {c}"
                    );
                    moved[c] = Status::SuppressedSecondary;
                }
                assert!(programs.is_consistent(&deviation, &moved), "round {round}");
                compared += 1;
            }
        }
    }
    assert!(compared > 100, "{compared}");
}
