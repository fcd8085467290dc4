//! Section "Mobilità dei lavoratori": job-to-job transitions between macro-sectors, as a heatmap
//! (g09) and a table (t11); the hires by where they came from and the moves between contracts
//! (`j2j.rs`: g19, t26, t27); then commuting between CPIs (`pendolarismo.rs`: g17, g18, t25) and
//! the liste di mobilità (`liste.rs`: t16, t17, g14).

use super::common::{capitalise, name_of, num, ordered_at, say, text, Ctx, SECTORS, SOURCE_CO};
use crate::analytics::indicators::TOTALE;
use crate::report::bulletin::{Block, ChartBlock, TableBlock};
use crate::report::charts::{Chart, ChartKind};
use anyhow::Result;

pub(super) fn build(c: &Ctx) -> Result<Vec<Block>> {
    let cube = &c.f.mobility;
    let from = ordered_at(cube, 0, &SECTORS);
    let to = ordered_at(cube, 1, &SECTORS);
    let names = |code: &str| name_of(&SECTORS, code);
    let get = |o: &str, d: &str| cube.count(&c.cur, &[o, d], "transizioni");
    let total = get(TOTALE, TOTALE);
    let liste = if c.f.liste.is_some() {
        "le loro tavole seguono quelle delle transizioni e del pendolarismo"
    } else if c.f.registri.mobilita {
        "il lago contiene iscrizioni, ma nessuna dei centri per l'impiego della provincia fino al periodo del bollettino"
    } else {
        "il lago non contiene dati sulle iscrizioni (si caricano con `oml ingest mobilita`)"
    };
    let mut blocks = vec![Block::Paragraph(format!(
        "{} {} lavoratori hanno cambiato datore di lavoro iniziando un nuovo rapporto entro 30 giorni dalla fine del precedente (transizioni da lavoro a lavoro, sul modello dei flussi job-to-job del Census statunitense). La matrice li classifica per macro-settore del rapporto cessato (righe) e di quello iniziato (colonne). Le liste di mobilità ex L. 223/1991 sono chiuse a nuove iscrizioni dal 2017 e {liste}.",
        capitalise(&c.period.in_name()),
        say(&total)
    ))];
    let values: Vec<Vec<Option<f64>>> = from
        .iter()
        .map(|o| to.iter().map(|d| get(o, d).published()).collect())
        .collect();
    let kind = ChartKind::Heatmap {
        rows: from.iter().map(|o| names(o)).collect(),
        cols: to.iter().map(|d| names(d)).collect(),
        values,
        row_title: "settore di provenienza".into(),
        col_title: "settore di arrivo".into(),
    };
    let chart = Chart::new(format!("Transizioni tra settori, {}", c.period.name()), SOURCE_CO, kind)
        .with_subtitle("Nuovo rapporto con un altro datore entro 30 giorni dalla fine del precedente");
    let alt = "Matrice delle transizioni tra macro-settori";
    blocks.push(Block::Chart(ChartBlock::new("g09_mobilita_settori", alt, chart)));
    let mut header = vec!["Settore di provenienza".to_string()];
    header.extend(to.iter().map(|d| names(d)));
    header.push("Totale".into());
    let mut rows = Vec::new();
    let mut all_from = from.clone();
    all_from.push(TOTALE.into());
    for o in &all_from {
        let label = if o == TOTALE { "Totale".to_string() } else { names(o) };
        let mut r = vec![text(label)];
        r.extend(to.iter().map(|d| num(get(o, d))));
        r.push(num(get(o, TOTALE)));
        rows.push(r);
    }
    let title = format!(
        "Transizioni da lavoro a lavoro per settore di provenienza e di arrivo, {}",
        c.period.name()
    );
    let table = TableBlock::new("t11_transizioni_settori", title, header, rows, &cube.command);
    blocks.push(Block::Table(table.with_note("Rapporti cessati nel periodo seguiti, per lo stesso lavoratore, da un rapporto con un altro datore iniziato entro 30 giorni.")));
    blocks.extend(super::j2j::blocks(c));
    blocks.extend(super::pendolarismo::blocks(c));
    blocks.extend(super::liste::blocks(c));
    Ok(blocks)
}
