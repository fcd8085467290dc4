//! The cell-key method: every count is published with a small, consistent noise instead of
//! being suppressed ([`super::ptable`] states the method, its sources and the table).
//!
//! Which cells are perturbed: counts (additive measures that are neither signed nor magnitudes)
//! with a cell key from their contributors' record keys ([`Cell::cell_key`]). A signed measure
//! that an identity of the cell defines from counts (saldo = attivazioni − cessazioni + …) is
//! recomputed from the perturbed counts, so the identity holds in every published cell; the
//! cube's margins are counts with their own keys, so a total and its parts need not add up (each
//! is off by at most D). Zeros stay zero. Other cells (ratios, averages, magnitudes, signed
//! measures no identity defines) are computed from the true values: published beside the
//! perturbed counts they would give those back (a rate 0.4 and a perturbed count 3 out of 5 ± 2
//! leave few true pairs), so they are withheld (`soppressa_secondaria`); users recompute rates
//! from the perturbed counts.

use super::ptable::PTable;
use super::{Cell, DisclosureConfig, Equation, Method, Protection, Report, Status};

/// Whether a cell is a count the table perturbs.
fn is_count(cell: &Cell) -> bool {
    cell.additive && !cell.signed && cell.top.is_none() && cell.value.is_some_and(|v| v >= 0.0 && v.fract() == 0.0)
}

/// Perturbs the counts of a table with their cell keys; see the module documentation.
///
/// # Errors
/// The label of a count that has no cell key (the indicator's SQL gives none).
pub fn perturb(
    cells: &[Cell],
    equations: &[Equation],
    rules: &DisclosureConfig,
    table: &PTable,
) -> Result<Protection, String> {
    let mut status: Vec<Status> = Vec::with_capacity(cells.len());
    let mut values: Vec<Option<f64>> = Vec::with_capacity(cells.len());
    for cell in cells {
        if let Some(preset) = cell.preset {
            status.push(preset);
            values.push(cell.value);
            continue;
        }
        if !is_count(cell) {
            // Withheld unless an identity recomputes it from perturbed counts (below).
            status.push(if cell.value.is_some() {
                Status::SuppressedSecondary
            } else {
                Status::NotAvailable
            });
            values.push(cell.value);
            continue;
        }
        let v = cell.value.expect("a count has a value");
        if v == 0.0 {
            status.push(Status::Ok);
            values.push(Some(0.0));
            continue;
        }
        let Some(key) = cell.cell_key else {
            let at: Vec<&str> = cell.key.iter().map(|k| k.as_deref().unwrap_or("Totale")).collect();
            return Err(format!("{} ({})", cell.measure, at.join(", ")));
        };
        status.push(Status::Perturbed);
        values.push(Some(table.perturb(v as u64, key) as f64));
    }
    // Signed measures that an identity ties to published counts (saldo = attivazioni − …;
    // posizioni_fine = posizioni_inizio + variazione): recomputed from the perturbed values,
    // until no identity has a single one left.
    let signed = |c: usize| cells[c].preset.is_none() && (cells[c].signed || cells[c].value.is_some_and(|v| v < 0.0));
    loop {
        let mut solved = false;
        for eq in equations {
            // total − Σ parts + Σ minus = 0, as (cell, coefficient).
            let members = std::iter::once((eq.total, 1.0))
                .chain(eq.parts.iter().map(|&c| (c, -1.0)))
                .chain(eq.minus.iter().map(|&c| (c, 1.0)));
            let mut open = members.clone().filter(|&(c, _)| !status[c].is_published());
            let (Some((x, coef)), None) = (open.next(), open.next()) else {
                continue;
            };
            if !signed(x) || status[x] == Status::NotAvailable {
                continue;
            }
            let rest: f64 = members
                .filter(|&(c, _)| c != x)
                .map(|(c, k)| k * values[c].unwrap_or(0.0))
                .sum();
            values[x] = Some(-rest / coef);
            status[x] = Status::Perturbed;
            solved = true;
        }
        if !solved {
            break;
        }
    }
    let mut report = Report {
        method: Method::CellKey,
        ..Report::default()
    };
    report.tally(&status);
    report.measure_publication(cells, rules, &status);
    let perturbed = (0..cells.len())
        .filter(|&c| status[c] == Status::Perturbed)
        .map(|c| (c, values[c].unwrap_or(0.0)))
        .collect();
    Ok(Protection {
        status,
        report,
        perturbed,
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{cube, Rng};
    use super::super::{cube_equations, perturb, recoverable};
    use super::*;

    fn keyed(mut cells: Vec<Cell>, rng: &mut Rng) -> Vec<Cell> {
        for c in &mut cells {
            c.cell_key = Some((rng.next() >> 11) as f64 / (1u64 << 53) as f64);
        }
        cells
    }

    #[test]
    fn counts_are_perturbed_zeros_untouched_never_one_or_two() {
        let mut rng = Rng(7);
        let cells = keyed(cube(&[6, 5], |c| ((c[0] * c[1]) as f64 % 7.0, 1, 1)), &mut rng);
        let eqs = cube_equations(&cells);
        let p = perturb(&cells, &eqs, &DisclosureConfig::default()).unwrap();
        assert_eq!(p.report.method, Method::CellKey);
        let value = |c: usize| p.perturbed.iter().find(|&&(x, _)| x == c).map(|&(_, v)| v);
        for (c, cell) in cells.iter().enumerate() {
            let v = cell.value.unwrap();
            if v == 0.0 {
                assert_eq!(p.status[c], Status::Ok);
                assert_eq!(value(c), None);
            } else {
                assert_eq!(p.status[c], Status::Perturbed);
                let w = value(c).unwrap();
                assert!(w != 1.0 && w != 2.0 && w >= 0.0 && (w - v).abs() <= 2.0, "{v} -> {w}");
            }
        }
        // Nothing is withheld, so nothing can be recovered by differencing.
        assert!(recoverable(&cells, &eqs, &p.status).is_empty());
        assert_eq!(p.report.suppressed_secondary, 0);
    }

    #[test]
    fn the_same_cell_gets_the_same_noise_in_every_table_and_run() {
        let table = PTable::new(Default::default()).unwrap();
        let a = Cell {
            cell_key: Some(0.3141),
            ..Cell::new(vec![Some("x".into())], "n", 17.0, 9, 9)
        };
        // The same contributors in another table (other key layout, other neighbours).
        let b = Cell {
            key: vec![None, Some("y".into())],
            ..a.clone()
        };
        let rules = DisclosureConfig::default();
        let one = cellkey_value(std::slice::from_ref(&a), &rules, &table);
        let other = cellkey_value(
            &[Cell::new(vec![Some("z".into())], "n", 40.0, 9, 9).with_key(0.9), b],
            &rules,
            &table,
        );
        assert_eq!(one[0], other[1]);
        assert_eq!(one, cellkey_value(&[a], &rules, &table));
    }

    fn cellkey_value(cells: &[Cell], rules: &DisclosureConfig, table: &PTable) -> Vec<Option<f64>> {
        let p = super::perturb(cells, &[], rules, table).unwrap();
        (0..cells.len())
            .map(|c| p.perturbed.iter().find(|&&(x, _)| x == c).map(|&(_, v)| v))
            .collect()
    }

    impl Cell {
        fn with_key(mut self, key: f64) -> Cell {
            self.cell_key = Some(key);
            self
        }
    }

    #[test]
    fn the_documented_variance_is_met_on_a_large_table() {
        let mut rng = Rng(0xC0FF_EE00_1234_5678);
        let n = 40_000;
        let cells: Vec<Cell> = (0..n)
            .map(|i| Cell::new(vec![Some(i.to_string())], "n", (5 + rng.below(200)) as f64, 9, 9))
            .collect();
        let cells = keyed(cells, &mut rng);
        let p = perturb(&cells, &[], &DisclosureConfig::default()).unwrap();
        let d: Vec<f64> = p.perturbed.iter().map(|&(c, v)| v - cells[c].value.unwrap()).collect();
        assert_eq!(d.len(), n);
        let mean = d.iter().sum::<f64>() / n as f64;
        let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.02, "mean {mean}");
        assert!((var - 1.0).abs() < 0.03, "variance {var}");
        assert!(d.iter().all(|x| x.abs() <= 2.0));
    }

    #[test]
    fn a_saldo_follows_its_perturbed_counts() {
        // saldo = attivazioni - cessazioni in one cell.
        let cell = |m: &str, v: f64, key: f64| Cell {
            measure: m.into(),
            ..Cell::new(vec![Some("k".into())], m, v, 9, 9).with_key(key)
        };
        let cells = vec![
            cell("att", 30.0, 0.05),
            cell("ces", 41.0, 0.97),
            cell("saldo", -11.0, 0.5).signed(),
        ];
        let eqs = vec![Equation {
            total: 2,
            parts: vec![0],
            minus: vec![1],
        }];
        let p = perturb(&cells, &eqs, &DisclosureConfig::default()).unwrap();
        let v: Vec<f64> = (0..3)
            .map(|c| p.perturbed.iter().find(|&&(x, _)| x == c).unwrap().1)
            .collect();
        assert_eq!(v[2], v[0] - v[1]);
        assert_eq!(p.status[2], Status::Perturbed);
    }

    #[test]
    fn a_signed_part_of_an_identity_is_solved_from_the_counts() {
        // posizioni_fine = posizioni_inizio + variazione.
        let cell = |m: &str, v: f64, key: f64| Cell::new(vec![Some("k".into())], m, v, 9, 9).with_key(key);
        let cells = vec![
            cell("fine", 40.0, 0.01),
            cell("inizio", 37.0, 0.99),
            cell("variazione", 3.0, 0.5).signed(),
        ];
        let eqs = vec![Equation::sum(0, vec![1, 2])];
        let p = perturb(&cells, &eqs, &DisclosureConfig::default()).unwrap();
        let v = |c: usize| p.perturbed.iter().find(|&&(x, _)| x == c).unwrap().1;
        assert_eq!(v(0), v(1) + v(2));
        assert_eq!(p.status, vec![Status::Perturbed; 3]);
    }

    #[test]
    fn rates_and_magnitudes_are_withheld_and_a_missing_key_is_an_error() {
        let hours = Cell::new(vec![Some("k".into())], "ore", 500.0, 9, 9).with_top(480.0, 10.0);
        let rate = Cell::new(vec![Some("k".into())], "tasso", 0.4, 9, 9).non_additive();
        let p = perturb(&[hours, rate], &[], &DisclosureConfig::default()).unwrap();
        assert_eq!(p.status, vec![Status::SuppressedSecondary; 2]);
        let unkeyed = Cell::new(vec![Some("k".into())], "n", 12.0, 9, 9);
        assert!(perturb(&[unkeyed], &[], &DisclosureConfig::default()).is_err());
    }
}
