//! Section "Contratti": saldo and activations by type of contract (g04, g05), the flows by
//! contract (t04), positions at the end of the period and durations of the ended contracts (t05).

use super::common::{
    flows_table, name_of, now_and_a_year_ago, num, ordered, say, say_signed, text, variation, Ctx, CONTRACTS, SOURCE_CO,
};
use crate::analytics::indicators::{parse_period, TOTALE};
use crate::report::bulletin::{italian_period, Block, ChartBlock, Figure, TableBlock, Value};
use crate::report::charts::{Chart, ChartKind, Series};
use anyhow::Result;

pub(super) fn build(c: &Ctx) -> Result<Vec<Block>> {
    let cube = &c.f.by_contract;
    let codes = ordered(cube, &CONTRACTS);
    let names = |code: &str| name_of(&CONTRACTS, code);
    let (header, rows) = flows_table(c, cube, &codes, &names, "Contratto");
    let mut blocks = Vec::new();
    let ti = c.flow(cube, &c.cur, "TI", "saldo");
    let td = c.flow(cube, &c.cur, "TD", "saldo");
    let app = c.flow(cube, &c.cur, "APPRENDISTATO", "saldo");
    let tr = c.flow(cube, &c.cur, "TI", "trasformazioni_in_entrata");
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
        .filter_map(|p| parse_period(p).ok())
        .map(|(d, _, g)| italian_period(d, g.unwrap_or(c.period.periodicity)))
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
    blocks.push(Block::Chart(ChartBlock {
        id: "g04_saldo_contratto".into(),
        alt: "Saldo per tipo di contratto".into(),
        chart: Chart {
            title: "Saldo per tipo di contratto".into(),
            subtitle: Some("Le trasformazioni spostano posizioni dal tempo determinato all'indeterminato".into()),
            y_label: Some("posizioni di lavoro".into()),
            source: SOURCE_CO.into(),
            kind: ChartKind::Bars {
                categories: period_names,
                series,
                horizontal: false,
            },
        },
    }));
    let att_series = now_and_a_year_ago(c, cube, &codes, "attivazioni");
    blocks.push(Block::Chart(ChartBlock {
        id: "g05_attivazioni_contratto".into(),
        alt: "Attivazioni per tipo di contratto".into(),
        chart: Chart {
            title: "Attivazioni per tipo di contratto".into(),
            subtitle: None,
            y_label: None,
            source: SOURCE_CO.into(),
            kind: ChartKind::Bars {
                categories: codes.iter().map(|c| names(c)).collect(),
                series: att_series,
                horizontal: true,
            },
        },
    }));
    blocks.push(Block::Table(TableBlock {
        id: "t04_flussi_contratto".into(),
        title: format!("Flussi per tipo di contratto, {}", c.period.name()),
        header,
        rows,
        sources: vec![cube.command.clone()],
        notes: vec!["Trasformazioni in entrata: rapporti passati a questo contratto da un altro (per il tempo indeterminato, le stabilizzazioni). Il saldo per contratto conta anche le trasformazioni in uscita.".into()],
    }));
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
    blocks.push(Block::Table(TableBlock {
        id: "t05_posizioni_durate_contratto".into(),
        title: format!(
            "Posizioni di lavoro a fine periodo e durata dei rapporti cessati per contratto, {}",
            c.period.name()
        ),
        header: vec![
            "Contratto".into(),
            format!("Posizioni a fine {}", c.period.name()),
            format!("Posizioni a fine {}", c.period.prev_name()),
            "Variazione %".into(),
            "Durata effettiva media (giorni)".into(),
            "Durata effettiva mediana (giorni)".into(),
        ],
        rows,
        sources: vec![pos.command.clone(), dur.command.clone()],
        notes: vec![
            "Posizioni: rapporti in essere a fine giornata; la loro variazione tra due periodi è la somma dei saldi."
                .into(),
        ],
    }));
    Ok(blocks)
}
