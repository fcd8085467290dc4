//! The saldo cumulated from January as the reference bulletins show it, in the "Flussi e saldi"
//! section: the current year beside the previous one and a reference year (chart g16, *La
//! Bussola*; the sintesi says it). Sums of published monthly saldi only: a withheld month stops
//! the sum, so no withheld cell is given back. The annualised saldo by contract of the last 24
//! months (table t30, INPS's Osservatorio sul precariato, table 5) is its own indicator,
//! `saldo_annualizzato`: each window is a cell with its own contributors, and the joint protection
//! knows it is the sum of its months (whose cells by contract the bulletin never shows).

use super::common::{capitalise, num, ordered, say_signed, text, Ctx, BLUE, CONTRACTS, ORANGE, SOURCE_CO};
use crate::analytics::indicators::TOTALE;
use crate::report::bulletin::data::Cube;
use crate::report::bulletin::{Block, ChartBlock, Figure, TableBlock};
use crate::report::charts::{Chart, ChartKind, Series};
use crate::report::format::{MONTHS_LONG, MONTHS_SHORT};
use chrono::Datelike;

/// The saldo cumulated from January of `year` to each month up to `last`: None from the first
/// month not published, or not covered by the monthly series nor the reference year's months.
fn cumulated(c: &Ctx, year: i32, last: u32) -> Vec<Option<f64>> {
    let mut cubes = vec![&c.f.monthly];
    cubes.extend(c.f.reference.reference_months.as_ref());
    let covered: Vec<(Vec<String>, &Cube)> = cubes.into_iter().map(|cube| (cube.periods(), cube)).collect();
    let saldo = |label: &str| {
        let (_, cube) = covered.iter().find(|(periods, _)| periods.iter().any(|p| p == label))?;
        cube.count(label, &[], "saldo").published()
    };
    let mut sum = Some(0.0);
    (1..=last)
        .map(|m| {
            sum = sum.and_then(|s| saldo(&format!("{year}-{m:02}")).map(|v| s + v));
            sum
        })
        .collect()
}

/// The years of the chart: the current one to the period's month, the previous one and the
/// reference year (when different and covered), each with its cumulated saldi.
fn years(c: &Ctx) -> Vec<(i32, Vec<Option<f64>>)> {
    let (y, last) = (c.period.al.year(), c.period.al.month());
    let mut out = vec![(y, cumulated(c, y, last)), (y - 1, cumulated(c, y - 1, 12))];
    let r = c.f.reference.reference_year;
    if r < y - 1 {
        out.push((r, cumulated(c, r, 12)));
    }
    out.retain(|(_, v)| v.first().is_some_and(Option::is_some));
    out
}

/// The sentence of the sintesi: the saldo from January to the period's month, beside the same
/// months of the previous year and of the reference year, when published.
pub(super) fn sentence(c: &Ctx) -> Option<String> {
    let last = c.period.al.month() as usize;
    let ys = years(c);
    let (y, cur) = ys.first()?;
    let now = (*cur.get(last - 1)?)?;
    let figure = |v: f64| say_signed(&Figure::ok(v));
    let mut s = format!(
        "Da gennaio a {} {y} il saldo cumulato è di {} posizioni di lavoro",
        MONTHS_LONG[last - 1],
        figure(now)
    );
    let others: Vec<String> = ys[1..]
        .iter()
        .filter_map(|(year, v)| {
            v.get(last - 1)
                .copied()
                .flatten()
                .map(|x| format!("{} nel {year}", figure(x)))
        })
        .collect();
    if !others.is_empty() {
        s.push_str(&format!(" (negli stessi mesi: {})", others.join(", ")));
    }
    s.push('.');
    Some(s)
}

fn cumulated_chart(c: &Ctx) -> Option<Block> {
    let ys = years(c);
    if ys.is_empty() {
        return None;
    }
    let colors = [BLUE, ORANGE, 2];
    let series = ys
        .iter()
        .zip(colors)
        .map(|((y, v), color)| {
            let mut values = v.clone();
            values.resize(12, None);
            Series::new(y.to_string(), values).with_color(color)
        })
        .collect();
    let chart = Chart::new(
        "Saldo cumulato da gennaio",
        SOURCE_CO,
        ChartKind::Lines {
            x_labels: MONTHS_SHORT.iter().map(|m| m.to_string()).collect(),
            series,
        },
    )
    .with_subtitle("Attivazioni meno cessazioni dall'inizio dell'anno, anno in corso, precedente e di riferimento")
    .with_y_label("Posizioni di lavoro");
    Some(Block::Chart(ChartBlock::new(
        "g16_saldo_cumulato",
        "Saldo cumulato da gennaio per anno",
        chart,
    )))
}

/// Table t30: the saldo of the 12 months ending in each of the last 24 months, by contract
/// (rows: the windows, latest first; columns: the contracts present, then the total).
fn annualised_table(c: &Ctx) -> Option<Block> {
    let cube = c.f.reference.annualised.as_ref()?;
    let mut windows = cube.periods();
    if windows.is_empty() {
        return None;
    }
    windows.reverse();
    let mut contracts = ordered(cube, &CONTRACTS);
    contracts.push(TOTALE.into());
    let mut header = vec!["12 mesi fino a".to_string()];
    header.extend(contracts.iter().map(|k| {
        CONTRACTS
            .iter()
            .find(|(code, _)| code == k)
            .map_or("Totale".to_string(), |(_, name)| name.to_string())
    }));
    let rows = windows
        .iter()
        .map(|w| {
            let end = w.rsplit("..").next().unwrap_or(w);
            let label = end
                .parse::<crate::model::period::Period>()
                .map(|p| crate::report::format::month_label(p.dal.year(), p.dal.month()))
                .unwrap_or_else(|_| w.clone());
            let mut r = vec![text(label)];
            r.extend(contracts.iter().map(|k| num(cube.count(w, &[k], "saldo"))));
            r
        })
        .collect();
    let table = TableBlock::new(
        "t30_saldo_annualizzato_contratto",
        "Saldo annualizzato per contratto: attivazioni − cessazioni (con le trasformazioni) nei 12 mesi fino a ciascun mese",
        header,
        rows,
        &cube.command,
    )
    .with_note(
        "Come nella tavola 5 dell'Osservatorio sul precariato INPS: ogni riga somma i saldi dei 12 mesi che finiscono nel mese indicato; per contratto, una trasformazione da tempo determinato a indeterminato conta −1 nel tempo determinato e +1 nell'indeterminato. Il saldo annualizzato non ha stagionalità.",
    );
    Some(Block::Table(table))
}

/// The blocks of the section: the cumulated-saldo chart and the annualised-saldo table.
pub(super) fn blocks(c: &Ctx) -> Vec<Block> {
    let mut out = Vec::new();
    if let Some(s) = sentence(c) {
        out.push(Block::Paragraph(capitalise(&s)));
    }
    out.extend(cumulated_chart(c));
    out.extend(annualised_table(c));
    out
}
