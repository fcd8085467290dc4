//! Section "Territorio": flows by job centre (CPI, t08) and by comune of the workplace (g07, t09),
//! and the comparison with the region when the lake has it.

use super::common::{bars, flows_table, name_of, say, say_signed, say_var, variation, Ctx, BLUE, ORANGE, SOURCE_CO};
use crate::report::bulletin::{Block, ChartBlock};
use crate::report::charts::{Chart, Series};
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
    let title = format!(
        "Flussi per centro per l'impiego della sede di lavoro, {}",
        c.period.name()
    );
    let table = flows_table(
        c,
        cube,
        &codes,
        &cpi_name,
        "Centro per l'impiego",
        "t08_flussi_cpi",
        title,
    );
    blocks.push(Block::Table(table.with_note(
        "Bacini dei CPI: tabella comuni → CPI del progetto (in parte illustrativa, vedi reference/README.md).",
    )));
    let cube = &c.f.by_comune;
    let codes = cube.labels(0);
    let comune_name = |code: &str| {
        reference
            .comune_any(code)
            .map(|x| x.nome.clone())
            .unwrap_or_else(|| name_of(&[], code))
    };
    let flow = |misura: &str| {
        codes
            .iter()
            .map(|code| c.flow(cube, &c.cur, code, misura).published())
            .collect()
    };
    let series = vec![
        Series::new("Attivazioni", flow("attivazioni")).with_color(BLUE),
        Series::new("Cessazioni", flow("cessazioni")).with_color(ORANGE),
    ];
    let title = format!(
        "Attivazioni e cessazioni per comune della sede di lavoro, {}",
        c.period.name()
    );
    let chart = Chart::new(
        title,
        SOURCE_CO,
        bars(codes.iter().map(|c| comune_name(c)).collect(), series, true),
    );
    blocks.push(Block::Chart(ChartBlock::new(
        "g07_flussi_comune",
        "Attivazioni e cessazioni per comune",
        chart,
    )));
    let title = format!("Flussi per comune della sede di lavoro, {}", c.period.name());
    blocks.push(Block::Table(flows_table(
        c,
        cube,
        &codes,
        &comune_name,
        "Comune",
        "t09_flussi_comune",
        title,
    )));
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
