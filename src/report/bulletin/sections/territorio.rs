//! Section "Territorio": flows by job centre (CPI, t08) and by comune of the workplace (g07, t09),
//! and the comparison with the region when the lake has it.

use super::common::{flows_table, name_of, say, say_signed, say_var, variation, Ctx, BLUE, ORANGE, SOURCE_CO};
use crate::report::bulletin::{Block, ChartBlock, TableBlock};
use crate::report::charts::{Chart, ChartKind, Series};
use anyhow::Result;

pub(super) fn build(c: &Ctx) -> Result<Vec<Block>> {
    let reference = crate::reference::Reference::get();
    let mut blocks = Vec::new();
    let cube = &c.f.by_cpi;
    let codes = cube.labels(0);
    let cpi_name = |code: &str| {
        reference
            .cpis()
            .iter()
            .find(|x| x.codice == code)
            .map(|x| x.nome.clone())
            .unwrap_or_else(|| name_of(&[], code))
    };
    let (header, rows) = flows_table(c, cube, &codes, &cpi_name, "Centro per l'impiego");
    blocks.push(Block::Table(TableBlock {
        id: "t08_flussi_cpi".into(),
        title: format!(
            "Flussi per centro per l'impiego della sede di lavoro, {}",
            c.period.name()
        ),
        header,
        rows,
        sources: vec![cube.command.clone()],
        notes: vec![
            "Bacini dei CPI: tabella comuni → CPI del progetto (in parte illustrativa, vedi reference/README.md)."
                .into(),
        ],
    }));
    let cube = &c.f.by_comune;
    let codes = cube.labels(0);
    let comune_name = |code: &str| {
        reference
            .comune_any(code)
            .map(|x| x.nome.clone())
            .unwrap_or_else(|| name_of(&[], code))
    };
    let mut series = vec![
        Series::new(
            "Attivazioni",
            codes
                .iter()
                .map(|code| c.flow(cube, &c.cur, code, "attivazioni").published())
                .collect(),
        ),
        Series::new(
            "Cessazioni",
            codes
                .iter()
                .map(|code| c.flow(cube, &c.cur, code, "cessazioni").published())
                .collect(),
        ),
    ];
    series[0].color = Some(BLUE);
    series[1].color = Some(ORANGE);
    blocks.push(Block::Chart(ChartBlock {
        id: "g07_flussi_comune".into(),
        alt: "Attivazioni e cessazioni per comune".into(),
        chart: Chart {
            title: format!(
                "Attivazioni e cessazioni per comune della sede di lavoro, {}",
                c.period.name()
            ),
            subtitle: None,
            y_label: None,
            source: SOURCE_CO.into(),
            kind: ChartKind::Bars {
                categories: codes.iter().map(|c| comune_name(c)).collect(),
                series,
                horizontal: true,
            },
        },
    }));
    let (header, rows) = flows_table(c, cube, &codes, &comune_name, "Comune");
    blocks.push(Block::Table(TableBlock {
        id: "t09_flussi_comune".into(),
        title: format!("Flussi per comune della sede di lavoro, {}", c.period.name()),
        header,
        rows,
        sources: vec![cube.command.clone()],
        notes: vec![],
    }));
    blocks.push(Block::Paragraph(match (&c.f.region, &c.f.region_name) {
        (Some(r), Some(name)) => {
            let (a, a0) = (r.count(&c.cur, &[], "attivazioni"), r.count(&c.prev, &[], "attivazioni"));
            let (s, s0) = (r.count(&c.cur, &[], "saldo"), r.count(&c.prev, &[], "saldo"));
            format!(
                "Confronto con la regione {name}: attivazioni {} ({}), saldo {} (un anno prima {}). Fonte: {}.",
                say(&a),
                say_var(variation(&a, &a0)),
                say_signed(&s),
                say_signed(&s0),
                r.command
            )
        }
        _ => format!(
            "Confronto con la regione{}: il lago contiene le comunicazioni della sola provincia di {}, quindi il confronto regionale sui dati CO non è disponibile; per la disoccupazione il confronto con la regione è nella sezione dedicata.",
            c.f.region_name.as_ref().map(|n| format!(" {n}")).unwrap_or_default(),
            c.f.province_name
        ),
    }));
    Ok(blocks)
}
