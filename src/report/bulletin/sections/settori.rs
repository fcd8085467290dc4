//! Section "Settori": flows by macro-sector (t06) and by ATECO 2007 section (g06, t07), with the
//! sectors of the highest and lowest saldo in a sentence.

use super::common::{bars, flows_table, name_of, now_and_a_year_ago, ordered, Ctx, ATECO_SECTIONS, SECTORS, SOURCE_CO};
use crate::report::bulletin::{Block, ChartBlock};
use crate::report::charts::Chart;
use crate::report::format::fmt_signed_int;
use anyhow::Result;

pub(super) fn build(c: &Ctx) -> Result<Vec<Block>> {
    let mut blocks = Vec::new();
    let cube = &c.f.by_sector;
    let codes = ordered(cube, &SECTORS);
    let names = |code: &str| name_of(&SECTORS, code);
    // Sector with the highest and the lowest published saldo.
    let saldi: Vec<(String, f64)> = codes
        .iter()
        .filter(|c| c.as_str() != "NON_INDICATO")
        .filter_map(|code| {
            c.flow(cube, &c.cur, code, "saldo")
                .published()
                .map(|v| (names(code), v))
        })
        .collect();
    let best = saldi.iter().max_by(|a, b| a.1.total_cmp(&b.1));
    let worst = saldi.iter().min_by(|a, b| a.1.total_cmp(&b.1));
    if let (Some(b), Some(w)) = (best, worst) {
        blocks.push(Block::Paragraph(format!(
            "Tra i macro-settori, {} il saldo più alto è nel settore {} ({}), il più basso nel settore {} ({}).",
            c.period.in_name(),
            b.0.to_lowercase(),
            fmt_signed_int(b.1.round() as i64),
            w.0.to_lowercase(),
            fmt_signed_int(w.1.round() as i64)
        )));
    }
    let title = format!("Flussi per macro-settore, {}", c.period.name());
    let table = flows_table(c, cube, &codes, &names, "Settore", "t06_flussi_settore", title);
    blocks.push(Block::Table(table.with_note(
        "Settore del datore di lavoro (ATECO 2007), raggruppato in macro-settori ISTAT.",
    )));
    let cube = &c.f.by_section;
    let codes = ordered(cube, &ATECO_SECTIONS);
    let names = |code: &str| {
        if code.len() == 1 {
            format!("{code} {}", name_of(&ATECO_SECTIONS, code))
        } else {
            name_of(&ATECO_SECTIONS, code)
        }
    };
    let series = now_and_a_year_ago(c, cube, &codes, "attivazioni");
    let kind = bars(codes.iter().map(|c| names(c)).collect(), series, true);
    let chart = Chart::new(
        "Attivazioni per sezione di attività economica (ATECO 2007)",
        SOURCE_CO,
        kind,
    );
    blocks.push(Block::Chart(ChartBlock::new(
        "g06_attivazioni_sezione_ateco",
        "Attivazioni per sezione ATECO",
        chart,
    )));
    let title = format!("Flussi per sezione di attività economica, {}", c.period.name());
    let table = flows_table(
        c,
        cube,
        &codes,
        &names,
        "Sezione ATECO",
        "t07_flussi_sezione_ateco",
        title,
    );
    blocks.push(Block::Table(table));
    Ok(blocks)
}
