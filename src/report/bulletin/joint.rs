//! Disclosure control of a bulletin's tables together: each cube's margins and identities, plus
//! the links between tables that any reader can write down — a number shown in two tables,
//! months summing to their quarter or year, a stock at the end of a period equal to the one before
//! plus its flows, the saldo without transformations — so that no withheld cell can be recovered
//! from any combination of published ones (DOMAIN.md §8; the audit is `sdc::protect`'s). A ratio
//! beside a withheld member is withheld after (`withhold_ratios`).

use super::data::{months, Cube, COMMUTING_SHOWN, J2J_SHOWN};
use super::registri::{CIG_LAVORATORI_SHOWN, DID_SHOWN, LISTE_SHOWN};
use crate::analytics::indicators::{cells_of, identity_equations, withhold_ratios};
use crate::model::period::Period;
use crate::sdc::{self, Cell, DisclosureConfig, Equation, Mode, Status};
use anyhow::{bail, Result};
use std::collections::HashMap;

/// The measures the bulletin shows, by indicator.
pub const SHOWN: [(&str, &[&str]); 15] = [
    (
        "flussi",
        &[
            "attivazioni",
            "cessazioni",
            "cessazioni_imputate",
            "saldo",
            "trasformazioni_in_entrata",
        ],
    ),
    ("saldo_annualizzato", &["saldo"]),
    ("posizioni", &["posizioni_fine"]),
    ("lavoratori_interessati", &["lavoratori_interessati"]),
    ("durate", &["durata_effettiva_media", "durata_effettiva_mediana"]),
    ("transizioni", &["transizioni"]),
    ("pendolarismo", &COMMUTING_SHOWN),
    ("pendolarismo_od", &["posizioni"]),
    ("j2j", &J2J_SHOWN),
    ("matrice_transizioni", &["transizioni"]),
    ("did", &DID_SHOWN),
    ("cig_lavoratori", &CIG_LAVORATORI_SHOWN),
    ("mobilita_liste", &LISTE_SHOWN),
    (
        "cessazioni",
        &[
            "cessazioni",
            "cessazioni_richiesta_lavoratore",
            "cessazioni_licenziamento",
            "cessazioni_cessazione_attivita",
            "cessazioni_altro_datore",
            "cessazioni_fine_termine",
            "cessazioni_altre_cause",
            "cessazioni_durata_1",
            "cessazioni_durata_2_3",
            "cessazioni_durata_4_30",
            "cessazioni_durata_31_90",
            "cessazioni_durata_91_365",
            "cessazioni_durata_oltre_365",
            "cessazioni_durata_non_nota",
        ],
    ),
    (
        "ingressi_ti",
        &[
            "ingressi_ti",
            "assunzioni_ti",
            "trasformazioni_a_ti",
            "trasformazioni_da_td",
            "trasformazioni_da_apprendistato",
            "trasformazioni_da_altro",
        ],
    ),
];

/// Whether a measure of an indicator is a flow, so that its months add up to the quarter or year
/// that contains them (stocks do not).
fn sums_over_months(indicator: &str, measure: &str) -> bool {
    match indicator {
        "flussi" | "cessazioni" | "ingressi_ti" => true,
        "did" => measure.starts_with("ingressi") || measure.starts_with("uscite"),
        "cig_lavoratori" => measure.starts_with("ore_"),
        "mobilita_liste" => measure.starts_with("iscrizioni") || measure.starts_with("cancellazioni"),
        _ => false,
    }
}

/// A stock linked to flows across periods, which any reader can write down: stock(t) =
/// stock(t-1) + added(t) - subtracted(t), for the same breakdown.
struct StockLink {
    indicator: &'static str,
    stock: &'static str,
    /// The indicator of the flows.
    flows: &'static str,
    added: &'static [&'static str],
    subtracted: &'static [&'static str],
}

const STOCK_LINKS: [StockLink; 3] = [
    StockLink {
        indicator: "posizioni",
        stock: "posizioni_fine",
        flows: "flussi",
        added: &["saldo"],
        subtracted: &[],
    },
    StockLink {
        indicator: "did",
        stock: "stock_fine",
        flows: "did",
        added: &["ingressi"],
        subtracted: &["uscite"],
    },
    StockLink {
        indicator: "mobilita_liste",
        stock: "stock_fine",
        flows: "mobilita_liste",
        added: &["iscrizioni"],
        subtracted: &["cancellazioni"],
    },
];

fn shown(indicator: &str, measure: &str) -> bool {
    SHOWN.iter().any(|(i, ms)| *i == indicator && ms.contains(&measure))
}

/// What a cell counts, whichever table shows it: the same number in two tables is one cell.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Meaning {
    indicator: String,
    territory: String,
    periodo: String,
    /// Breakdown values, by column name, without the totals; then the indicator's parameters
    /// (`parametro livello` = `cpi`): the same measure at another level is another number.
    dims: Vec<(String, String)>,
    measure: String,
}

/// Measures of two indicators that are the same number in every cell (the files say so, and the
/// tests check it): (indicator, measure) is (indicator, measure) of another file, with one more
/// breakdown fixed. Any reader can match them; the protection must know it.
struct SameAs {
    indicator: &'static str,
    measure: &'static str,
    /// The indicator and measure it equals, with one more breakdown fixed to a value.
    as_indicator: &'static str,
    as_measure: &'static str,
    fixed: Option<(&'static str, &'static str)>,
}

const SAME_AS: [SameAs; 4] = [
    SameAs {
        indicator: "j2j",
        measure: "assunzioni",
        as_indicator: "flussi",
        as_measure: "attivazioni",
        fixed: None,
    },
    SameAs {
        indicator: "cessazioni",
        measure: "cessazioni",
        as_indicator: "flussi",
        as_measure: "cessazioni",
        fixed: None,
    },
    // The window's saldo is flussi's saldo over the window (its period, FROM..TO), so its months
    // add up to it like a quarter's.
    SameAs {
        indicator: "saldo_annualizzato",
        measure: "saldo",
        as_indicator: "flussi",
        as_measure: "saldo",
        fixed: None,
    },
    SameAs {
        indicator: "ingressi_ti",
        measure: "assunzioni_ti",
        as_indicator: "flussi",
        as_measure: "attivazioni",
        fixed: Some(("macro_contratto", "TI")),
    },
];

fn meaning(cube: &Cube, row: usize, cell: &Cell) -> Meaning {
    let t = &cube.table;
    let mut dims: Vec<(String, String)> =
        t.by.iter()
            .zip(cell.key.iter().skip(1))
            .filter_map(|(d, v)| v.clone().map(|v| (d.clone(), v)))
            .collect();
    let values = t.rows.get(row).map(|r| r.parameters.as_slice()).unwrap_or_default();
    for ((name, _), value) in t.indicator.parameters.iter().zip(values) {
        if let Some(v) = value {
            dims.push((format!("{PARAMETER}{name}"), v.clone()));
        }
    }
    let (mut indicator, mut measure) = (t.indicator.name.to_string(), cell.measure.clone());
    if let Some(same) = SAME_AS
        .iter()
        .find(|a| a.indicator == indicator && a.measure == measure)
    {
        let free = same.fixed.is_none_or(|(d, _)| !dims.iter().any(|(have, _)| have == d));
        if free {
            dims.extend(same.fixed.map(|(d, v)| (d.to_string(), v.to_string())));
            (indicator, measure) = (same.as_indicator.to_string(), same.as_measure.to_string());
        }
    }
    dims.sort();
    let periodo = cell.key.first().cloned().flatten().unwrap_or_default();
    Meaning {
        indicator,
        territory: cube.territory.clone(),
        periodo,
        dims,
        measure,
    }
}

fn is_month_label(s: &str) -> bool {
    s.len() == 7 && s.as_bytes()[5].is_ascii_digit()
}

/// The label of the period before ('2024-Q1' → '2023-Q4', '2024-01' → '2023-12', '2024' → '2023').
pub fn previous_label(label: &str) -> Option<String> {
    let p: Period = label.parse().ok()?;
    Some(p.written?.label(p.dal.pred_opt()?))
}

/// Protects every cube of the bulletin as one system: each cube's margins and identities, plus
/// the links between tables (a number shown in two tables, months summing to their quarter or
/// year, the stock at the end of a period = the stock at the end of the one before + the saldo). Protected one by one, two tables could be subtracted from each
/// other; together, no withheld cell can be recovered from any combination of published ones.
pub fn protect_together(cubes: &mut [&mut Cube], rules: &DisclosureConfig) -> Result<sdc::Report> {
    let mut cells: Vec<Cell> = Vec::new();
    let mut equations: Vec<Equation> = Vec::new();
    let mut meanings: Vec<Meaning> = Vec::new();
    let mut offsets = Vec::new();
    for cube in cubes.iter() {
        let ind = &cube.table.indicator;
        let local = cells_of(ind, &cube.table.rows);
        let base = cells.len();
        let shift = |e: Equation| Equation {
            total: e.total + base,
            parts: e.parts.iter().map(|p| p + base).collect(),
            minus: e.minus.iter().map(|p| p + base).collect(),
        };
        equations.extend(sdc::cube_equations(&local).into_iter().map(shift));
        equations.extend(identity_equations(&local, &ind.identities).into_iter().map(shift));
        meanings.extend(local.iter().enumerate().map(|(k, c)| meaning(cube, k, c)));
        offsets.push(base);
        // Each table is its own cube for the repair by hypercubes: its cells' keys start with the
        // table (the tables have the same shapes, e.g. period × one breakdown).
        let tag = Some(format!("tavola {}", offsets.len()));
        let own_status = &cube.table.status;
        cells.extend(local.into_iter().enumerate().map(|(k, mut c)| {
            // A measure the bulletin never shows is unknown to its readers: it stays in the
            // equations (its identities still bind the others) but is never published.
            let period_shown = cube
                .shown_periods
                .as_ref()
                .is_none_or(|ps| c.key.first().cloned().flatten().is_some_and(|p| ps.contains(&p)));
            let cell_shown = cube.shown_cells.as_ref().is_none_or(|s| s.contains(&c.key[1..]));
            if !shown(ind.name, &c.measure) || !period_shown || !cell_shown {
                c.preset = Some(Status::NotAvailable);
            } else if zero_by_construction(&meanings[base + k], &c) {
                c.preset = Some(Status::Public);
            } else if own_status.get(k).is_some_and(Status::is_suppressed) {
                // Start from each table's own protection (its pattern is already safe within the
                // table): the joint pass then only adds what the links between tables need.
                c.preset = Some(Status::SuppressedPrimary);
            }
            c.key.insert(0, tag.clone());
            c.headline = cube.headline;
            c
        }));
    }
    // The same meaning twice: the two cells are equal (`first` also serves the lookups below:
    // equal cells are interchangeable in an equation).
    let mut first: HashMap<&Meaning, usize> = HashMap::new();
    for (i, m) in meanings.iter().enumerate() {
        match first.get(m) {
            Some(&j) if cells[i].additive && cells[j].additive => equations.push(Equation::sum(j, vec![i])),
            Some(_) => {}
            None => {
                first.insert(m, i);
            }
        }
    }
    // A number of a headline series is a headline wherever it shows (else withholding its copy
    // in another table would withhold it too).
    let headlines: std::collections::HashSet<&Meaning> = meanings
        .iter()
        .zip(&cells)
        .filter(|(_, c)| c.headline)
        .map(|(m, _)| m)
        .collect();
    for (c, m) in cells.iter_mut().zip(&meanings) {
        c.headline |= headlines.contains(m);
    }
    // Months add up to the quarter or year that contains them, for the same breakdown (the
    // monthly series, the saldo by contract), when a monthly cube with the same breakdown columns
    // covers the whole period.
    type MonthKey<'m> = (&'m str, &'m str, &'m str, &'m [(String, String)], &'m str);
    let monthly: HashMap<MonthKey, usize> = meanings
        .iter()
        .enumerate()
        .filter(|(_, m)| is_month_label(&m.periodo))
        .map(|(i, m)| {
            let key = (
                m.indicator.as_str(),
                m.territory.as_str(),
                m.periodo.as_str(),
                m.dims.as_slice(),
                m.measure.as_str(),
            );
            (key, i)
        })
        .collect();
    // (indicator, territory, month, breakdown columns) of every monthly cell.
    let names = |m: &Meaning| m.dims.iter().map(|(d, _)| d.clone()).collect::<Vec<_>>();
    let covered: std::collections::HashSet<(&str, &str, &str, Vec<String>)> = meanings
        .iter()
        .filter(|m| is_month_label(&m.periodo))
        .map(|m| (m.indicator.as_str(), m.territory.as_str(), m.periodo.as_str(), names(m)))
        .collect();
    for (i, m) in meanings.iter().enumerate() {
        let flow = sums_over_months(&m.indicator, &m.measure);
        if !flow || !cells[i].additive || is_month_label(&m.periodo) {
            continue;
        }
        let Ok(p) = m.periodo.parse::<Period>() else {
            continue;
        };
        let labels: Vec<String> = months(p.dal, p.al).into_iter().map(|(_, _, l)| l).collect();
        // The series covers the whole period when its months have some cell of the indicator with
        // the same breakdown columns (a month without a row for this cell is a published zero).
        let dim_names = names(m);
        let all_covered = labels.iter().all(|l| {
            covered.contains(&(
                m.indicator.as_str(),
                m.territory.as_str(),
                l.as_str(),
                dim_names.clone(),
            ))
        });
        if !all_covered {
            continue;
        }
        let parts: Vec<usize> = labels
            .iter()
            .filter_map(|l| {
                let key = (
                    m.indicator.as_str(),
                    m.territory.as_str(),
                    l.as_str(),
                    m.dims.as_slice(),
                    m.measure.as_str(),
                );
                monthly.get(&key).copied()
            })
            .collect();
        if !parts.is_empty() {
            equations.push(Equation::sum(i, parts));
        }
    }
    // Stock and flows (STOCK_LINKS): e.g. posizioni_fine(t) = posizioni_fine(t-1) + saldo(t), for
    // the same breakdown (a flow with no row is a published zero and drops out).
    for (i, m) in meanings.iter().enumerate() {
        let Some(link) = STOCK_LINKS
            .iter()
            .find(|l| l.indicator == m.indicator && l.stock == m.measure)
        else {
            continue;
        };
        let Some(prev) = previous_label(&m.periodo) else {
            continue;
        };
        let before = Meaning {
            periodo: prev,
            ..m.clone()
        };
        let Some(&j) = first.get(&before) else { continue };
        let flow = |measure: &&str| {
            first
                .get(&Meaning {
                    indicator: link.flows.to_string(),
                    measure: measure.to_string(),
                    ..m.clone()
                })
                .copied()
        };
        let mut parts = vec![j];
        parts.extend(link.added.iter().filter_map(flow));
        equations.push(Equation {
            total: i,
            parts,
            minus: link.subtracted.iter().filter_map(flow).collect(),
        });
    }
    // A trasformazione changes contract or working time, never employer, sector or place: outside
    // a contract breakdown its entry and exit cancel, so saldo = attivazioni - cessazioni, which
    // any reader can compute (docs/convenzioni.md says so) even though the trasformazioni in
    // uscita are not shown.
    for (i, m) in meanings.iter().enumerate() {
        let by_contract = m
            .dims
            .iter()
            .any(|(d, _)| ["macro_contratto", "tipologia_contrattuale", "tipo_orario"].contains(&d.as_str()));
        if m.indicator != "flussi" || m.measure != "saldo" || by_contract {
            continue;
        }
        let member = |measure: &str| {
            first
                .get(&Meaning {
                    measure: measure.into(),
                    ..m.clone()
                })
                .copied()
        };
        let parts: Vec<usize> = member("attivazioni").into_iter().collect();
        let minus: Vec<usize> = member("cessazioni").into_iter().collect();
        if !parts.is_empty() || !minus.is_empty() {
            equations.push(Equation { total: i, parts, minus });
        }
    }
    equations.extend(commuting_equations(&meanings));
    let protection = sdc::protect(&cells, &equations, &Mode::Protected(*rules));
    if !protection.report.irreparable.is_empty() {
        let first = &meanings[protection.report.irreparable[0]];
        bail!(
            "disclosure control could not protect the bulletin's tables together: {} withheld cells stay \
             recoverable, e.g. {} {} {} {:?} {}",
            protection.report.irreparable.len(),
            first.indicator,
            first.territory,
            first.periodo,
            first.dims,
            first.measure
        );
    }
    let mut report = protection.report;
    for (cube, &base) in cubes.iter_mut().zip(&offsets) {
        let n = cube.table.rows.len();
        let ind = cube.table.indicator.clone();
        let own = cells_of(&ind, &cube.table.rows);
        cube.table.status = protection.status[base..base + n]
            .iter()
            .zip(&own)
            .zip(&meanings[base..base + n])
            .map(|((&st, cell), m)| match st {
                // Known to every reader, published as it is.
                Status::Public if zero_by_construction(m, cell) => Status::Ok,
                // Withheld for its own contributors, or to protect another cell.
                Status::SuppressedPrimary | Status::SuppressedSecondary => {
                    if sdc::primary_status(cell, rules) == Status::SuppressedPrimary {
                        Status::SuppressedPrimary
                    } else {
                        Status::SuppressedSecondary
                    }
                }
                other => other,
            })
            .collect();
        // A ratio beside a withheld member would give it back (`rapporti:` header).
        let withheld = withhold_ratios(&ind, &cube.table.rows, &mut cube.table.status);
        report.ok -= withheld;
        report.suppressed_secondary += withheld;
    }
    Ok(report)
}

/// A cell every reader knows without the data: the saldo pendolare over all areas, zero because
/// each commuter enters one area and leaves another. The links of `commuting_equations` fix it,
/// so it can protect nothing: it is published as public.
fn zero_by_construction(m: &Meaning, c: &Cell) -> bool {
    m.indicator == "pendolarismo"
        && m.measure == "saldo_pendolare"
        && !m.dims.iter().any(|(d, _)| d == "area")
        && c.value == Some(0.0)
}

/// The prefix of a parameter among a meaning's breakdowns.
const PARAMETER: &str = "parametro ";

/// The margins of the origin–destination matrix (`pendolarismo_od`) are the measures of
/// `pendolarismo` for the same territory, period, level and other breakdowns, which any reader of
/// both tables can write down (NI = NON_INDICATO, the missing domicile): interni(A) = OD(A, A),
/// in_entrata(A) = the sum of OD(o, A) over the origins o other than A and NI, and in_uscita(A) =
/// the sum of OD(A, w) over the destinations w other than A, for A ≠ NI (tested in
/// tests/build_indicators/pendolarismo_od.rs).
fn commuting_equations(meanings: &[Meaning]) -> Vec<Equation> {
    const NI: &str = "NON_INDICATO";
    // The cells of the matrix by (territory, period, other breakdowns and parameters), each as
    // (origin, destination, index).
    type Group<'m> = (&'m str, &'m str, Vec<(String, String)>);
    let mut od: HashMap<Group, Vec<(&str, &str, usize)>> = HashMap::new();
    for (i, m) in meanings.iter().enumerate() {
        if m.indicator != "pendolarismo_od" || m.measure != "posizioni" {
            continue;
        }
        let value = |d: &str| m.dims.iter().find(|(n, _)| n == d).map(|(_, v)| v.as_str());
        let (Some(o), Some(w)) = (value("area_domicilio"), value("area_lavoro")) else {
            continue;
        };
        let rest = m
            .dims
            .iter()
            .filter(|(n, _)| n != "area_domicilio" && n != "area_lavoro")
            .cloned()
            .collect();
        od.entry((m.territory.as_str(), m.periodo.as_str(), rest))
            .or_default()
            .push((o, w, i));
    }
    let mut out = Vec::new();
    for (i, m) in meanings.iter().enumerate() {
        if m.indicator != "pendolarismo" {
            continue;
        }
        let Some(area) = m.dims.iter().find(|(n, _)| n == "area").map(|(_, v)| v.as_str()) else {
            continue;
        };
        let rest: Vec<(String, String)> = m.dims.iter().filter(|(n, _)| n != "area").cloned().collect();
        let Some(cells) = od.get(&(m.territory.as_str(), m.periodo.as_str(), rest)) else {
            continue;
        };
        let parts: Vec<usize> = match m.measure.as_str() {
            "interni" if area != NI => cells
                .iter()
                .filter(|(o, w, _)| *o == area && *w == area)
                .map(|c| c.2)
                .collect(),
            "in_entrata" => cells
                .iter()
                .filter(|(o, w, _)| *w == area && *o != area && *o != NI)
                .map(|c| c.2)
                .collect(),
            "in_uscita" if area != NI => cells
                .iter()
                .filter(|(o, w, _)| *o == area && *w != area)
                .map(|c| c.2)
                .collect(),
            _ => continue,
        };
        if !parts.is_empty() {
            out.push(Equation::sum(i, parts));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::SHOWN;
    use crate::analytics::indicators::find;

    /// The glossary is generated from the files: every measure a bulletin shows has its Italian
    /// definition (`-- definizione:` line) in its indicator file.
    #[test]
    fn every_measure_a_bulletin_shows_is_defined_in_its_file() {
        for (name, measures) in SHOWN {
            let ind = find(name).unwrap();
            for m in measures {
                assert!(ind.definition(m).is_some(), "{name}: no definizione for {m}");
            }
        }
    }
}
