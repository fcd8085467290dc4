//! Section "Contratti": saldo and activations by type of contract (g04, g05), the flows by
//! contract (t04), positions at the end of the period and durations of the ended contracts (t05),
//! then the tables of the reference bulletins on hires (`ingressi.rs`: t20, g15, t21, t23).

use super::common::{
    bars, flows_table, name_of, now_and_a_year_ago, num, ordered, say, say_signed, text, variation, Ctx, CONTRACTS,
    SOURCE_CO,
};
use crate::analytics::indicators::TOTALE;
use crate::model::period::Period;
use crate::report::bulletin::{italian_period, Block, ChartBlock, Figure, TableBlock, Value};
use crate::report::charts::{Chart, Series};
use anyhow::Result;

pub(super) fn build(c: &Ctx) -> Result<Vec<Block>> {
    let cube = &c.f.by_contract;
    let codes = ordered(cube, &CONTRACTS);
    let names = |code: &str| name_of(&CONTRACTS, code);
    let mut blocks = Vec::new();
    let ti = c.flow(cube, &c.cur, "TI", "saldo");
    let td = c.flow(cube, &c.cur, "TD", "saldo");
    let app = c.flow(cube, &c.cur, "APPRENDISTATO", "saldo");
    let tr = c.f.reference.permanent.count(&c.cur, &[TOTALE], "trasformazioni_a_ti");
    blocks.push(Block::Paragraph(format!(
        "Per contratto, {} il saldo è di {} posizioni a tempo indeterminato (comprese {} trasformazioni da contratti a termine), {} a tempo determinato e {} in apprendistato. Una trasformazione da tempo determinato a indeterminato conta −1 nel saldo del tempo determinato e +1 in quello dell'indeterminato: sul totale si annulla.",
        c.period.in_name(),
        say_signed(&ti),
        say(&tr),
        say_signed(&td),
        say_signed(&app)
    )));
    // Saldo by contract over the periods from a year earlier to now.
    let periods = cube.periods();
    let main: Vec<&String> = codes
        .iter()
        .filter(|c| ["TI", "TD", "APPRENDISTATO", "SOMMINISTRAZIONE"].contains(&c.as_str()))
        .collect();
    let period_names: Vec<String> = periods
        .iter()
        .filter_map(|p| p.parse::<Period>().ok())
        .map(|p| italian_period(p.dal, p.written.unwrap_or(c.period.periodicity)))
        .collect();
    let series: Vec<Series> = main
        .iter()
        .map(|code| {
            Series::new(
                names(code),
                periods
                    .iter()
                    .map(|p| c.flow(cube, p, code, "saldo").published())
                    .collect(),
            )
        })
        .collect();
    let saldo = Chart::new(
        "Saldo per tipo di contratto",
        SOURCE_CO,
        bars(period_names, series, false),
    )
    .with_subtitle("Le trasformazioni spostano posizioni dal tempo determinato all'indeterminato")
    .with_y_label("posizioni di lavoro");
    blocks.push(Block::Chart(ChartBlock::new(
        "g04_saldo_contratto",
        "Saldo per tipo di contratto",
        saldo,
    )));
    let att_series = now_and_a_year_ago(c, cube, &codes, "attivazioni");
    let categories = codes.iter().map(|c| names(c)).collect();
    let att = Chart::new(
        "Attivazioni per tipo di contratto",
        SOURCE_CO,
        bars(categories, att_series, true),
    );
    blocks.push(Block::Chart(ChartBlock::new(
        "g05_attivazioni_contratto",
        "Attivazioni per tipo di contratto",
        att,
    )));
    let title = format!("Flussi per tipo di contratto, {}", c.period.name());
    let table = flows_table(c, cube, &codes, &names, "Contratto", "t04_flussi_contratto", title);
    blocks.push(Block::Table(table.with_note("Trasformazioni in entrata: rapporti passati a questo contratto da un altro (per il tempo indeterminato, le stabilizzazioni). Il saldo per contratto conta anche le trasformazioni in uscita.")));
    // Positions and durations by contract.
    let pos = &c.f.positions;
    let dur = &c.f.durations;
    let mut rows = Vec::new();
    let mut all = codes.clone();
    all.push(TOTALE.into());
    for code in &all {
        let label = if code == TOTALE {
            "Totale".to_string()
        } else {
            names(code)
        };
        let now = pos.count(&c.cur, &[code], "posizioni_fine");
        let before = if c.f.has_previous {
            pos.count(&c.prev, &[code], "posizioni_fine")
        } else {
            Figure::not_available()
        };
        rows.push(vec![
            text(label),
            num(now.clone()),
            num(before.clone()),
            Value::Percent(variation(&now, &before)),
            Value::Number(dur.measure(&c.cur, &[code], "durata_effettiva_media"), 1),
            Value::Number(dur.measure(&c.cur, &[code], "durata_effettiva_mediana"), 1),
        ]);
    }
    let title = format!(
        "Posizioni di lavoro a fine periodo e durata dei rapporti cessati per contratto, {}",
        c.period.name()
    );
    let header = vec![
        "Contratto".into(),
        format!("Posizioni a fine {}", c.period.name()),
        format!("Posizioni a fine {}", c.period.prev_name()),
        "Variazione %".into(),
        "Durata effettiva media (giorni)".into(),
        "Durata effettiva mediana (giorni)".into(),
    ];
    let table = TableBlock::new("t05_posizioni_durate_contratto", title, header, rows, &pos.command)
        .with_source(&dur.command)
        .with_note(
            "Posizioni: rapporti in essere a fine giornata; la loro variazione tra due periodi è la somma dei saldi.",
        );
    blocks.push(Block::Table(table));
    blocks.extend(super::ingressi::blocks(c));
    Ok(blocks)
}
