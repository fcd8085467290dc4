//! Section "Disoccupazione": registered unemployment from the DID records the lake holds
//! (`did.rs`: t13, t14, g11, g12), then ISTAT's Labour Force Survey rates for the province, the
//! region and Italy (g08, t10), from the lake (`oml ingest istat`) or the shipped export, the
//! source stated.

use super::common::{bars, text, Ctx, SOURCE_RFL};
use crate::report::bulletin::{Block, ChartBlock, Figure, TableBlock, Value};
use crate::report::charts::{Chart, Series};
use crate::report::format::fmt_dec;
use anyhow::Result;

pub(super) fn build(c: &Ctx) -> Result<Vec<Block>> {
    let region = c.f.region_name.clone().unwrap_or_default();
    let territories = [c.f.province_name.as_str(), region.as_str(), "Italia"];
    let rates = &c.f.unemployment.rates;
    let mut blocks = super::did::blocks(c);
    blocks.push(Block::Paragraph(format!(
        "I disoccupati registrati non sono i disoccupati della statistica ufficiale, che li misura con un'indagine campionaria: si riporta il tasso di disoccupazione della Rilevazione sulle forze di lavoro ISTAT (15-74 anni), ultimi anni disponibili, per la provincia, la regione e l'Italia. Fonte: {}.",
        c.f.unemployment.fonte
    )));
    if rates.is_empty() {
        blocks.push(Block::Paragraph("Nessun dato ISTAT per questo territorio.".into()));
        return Ok(blocks);
    }
    let mut years: Vec<i32> = rates.iter().map(|r| r.anno).collect();
    years.sort();
    years.dedup();
    let rate = |t: &str, s: &str, y: i32| {
        rates
            .iter()
            .find(|r| r.territorio == t && r.sesso == s && r.anno == y)
            .map(|r| r.tasso)
    };
    if let Some(&last) = years.last() {
        let (p, r, i) = (
            rate(territories[0], "9", last),
            rate(territories[1], "9", last),
            rate("Italia", "9", last),
        );
        if let (Some(p), Some(r), Some(i)) = (p, r, i) {
            blocks.push(Block::Paragraph(format!(
                "Nel {last} il tasso di disoccupazione era {}% in provincia di {}, {}% in {} e {}% in Italia.",
                fmt_dec(p, 1),
                territories[0],
                fmt_dec(r, 1),
                territories[1],
                fmt_dec(i, 1)
            )));
        }
    }
    let sexes = [("9", "Totale"), ("1", "Maschi"), ("2", "Femmine")];
    let mut rows = Vec::new();
    for t in territories {
        for (s, sname) in sexes {
            let mut r = vec![text(t), text(sname)];
            for y in &years {
                r.push(Value::Number(
                    rate(t, s, *y).map(Figure::ok).unwrap_or_else(Figure::not_available),
                    1,
                ));
            }
            rows.push(r);
        }
    }
    let series: Vec<Series> = years
        .iter()
        .map(|y| Series::new(y.to_string(), territories.iter().map(|t| rate(t, "9", *y)).collect()))
        .collect();
    let kind = bars(territories.iter().map(|t| t.to_string()).collect(), series, false);
    let chart = Chart::new("Tasso di disoccupazione, 15-74 anni (%)", SOURCE_RFL, kind)
        .with_subtitle("Provincia, regione e Italia")
        .with_y_label("%");
    blocks.push(Block::Chart(ChartBlock::new(
        "g08_tasso_disoccupazione",
        "Tasso di disoccupazione ISTAT",
        chart,
    )));
    let mut header = vec!["Territorio".to_string(), "Sesso".to_string()];
    header.extend(years.iter().map(|y| y.to_string()));
    let source = c.f.unemployment.fonte.clone();
    let title = "Tasso di disoccupazione (15-74 anni, %)";
    let table = TableBlock::new("t10_tasso_disoccupazione", title, header, rows, &source);
    let table = table.with_fonte("ISTAT, Rilevazione sulle forze di lavoro");
    blocks.push(Block::Table(table.with_note(
        "Dati ISTAT già pubblicati: non soggetti al controllo della riservatezza di OML.",
    )));
    Ok(blocks)
}
