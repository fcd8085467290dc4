//! Section "Cassa integrazione guadagni": the INPS open data the lake holds (`oml ingest cig`,
//! view `cig`), through the `cig_ore` indicator: hours authorised by type of intervention in the
//! period and a year earlier, workers equivalent at zero hours (table t12), and the monthly
//! hours stacked by type (chart g10), with the territory (INPS publishes most files by region),
//! the divisor, the files and their vintage stated; then the workers in cassa integrazione from
//! the individual records (`cig_lavoratori.rs`: t15, g13). Without CIG data the section says so.

use super::common::{capitalise, text, Ctx};
use crate::report::bulletin::cig::{CigFigures, CigPeriodo};
use crate::report::bulletin::{Block, ChartBlock, Figure, TableBlock, Value};
use crate::report::charts::{Chart, ChartKind, Series};
use crate::report::format::{fmt_int, fmt_pct_change, month_label, month_label_long};
use anyhow::Result;

const NO_DATA: &str = "Dati non disponibili: il lago OML non contiene ore di Cassa Integrazione Guadagni autorizzate per questo territorio (open data INPS, per tipo di intervento: ordinaria, straordinaria, in deroga, fondi di solidarietà; si caricano con `oml ingest cig`).";

fn figure(v: Option<f64>) -> Figure {
    v.map(Figure::ok).unwrap_or_else(Figure::not_available)
}

fn total(cig: &CigFigures) -> Option<&CigPeriodo> {
    cig.periodo.iter().find(|p| p.tipo.is_none())
}

/// The sentence of the sintesi, when the data cover the period.
pub(super) fn sentence(c: &Ctx) -> Option<String> {
    let cig = c.f.cig.as_ref()?;
    let t = total(cig)?;
    let ore = t.ore?;
    let mut s = capitalise(&format!(
        "{} le ore di cassa integrazione autorizzate dall'INPS {} sono state {}",
        c.period.in_name(),
        cig.dove,
        fmt_int(ore.round() as i64)
    ));
    if let Some(v) = t.variazione_percentuale {
        s.push_str(&format!(" ({} {})", fmt_pct_change(v, 1), c.period.versus_previous()));
    }
    if let Some(l) = t.lavoratori_equivalenti {
        s.push_str(&format!(
            ", pari a circa {} lavoratori equivalenti a zero ore (stima: {} ore al mese per lavoratore)",
            fmt_int(l.round() as i64),
            cig.divisore
        ));
    }
    s.push('.');
    Some(s)
}

pub(super) fn build(c: &Ctx) -> Result<Vec<Block>> {
    let mut blocks = inps_blocks(c);
    blocks.extend(super::cig_lavoratori::blocks(c));
    Ok(blocks)
}

/// The INPS open data part of the section.
fn inps_blocks(c: &Ctx) -> Vec<Block> {
    let Some(cig) = &c.f.cig else {
        return vec![Block::Paragraph(NO_DATA.into())];
    };
    let livello = match cig.livello.as_str() {
        "provincia" => "dati provinciali".to_string(),
        "regione" => {
            "l'INPS pubblica questi dati per regione: le cifre sono dell'intera regione, non della sola provincia"
                .to_string()
        }
        _ => "l'INPS pubblica questi dati per l'intera Italia: le cifre non sono della sola provincia".to_string(),
    };
    let mut blocks = vec![Block::Paragraph(format!(
        "Ore di cassa integrazione guadagni autorizzate dall'INPS {} ({livello}), per tipo di intervento e mese di autorizzazione (non di utilizzo: le ore effettivamente usate sono di norma meno). I lavoratori equivalenti a zero ore sono una stima: ore autorizzate ÷ {} ore al mese. Fonte: {}.",
        cig.dove, cig.divisore, cig.fonte
    ))];
    match sentence(c) {
        Some(s) => blocks.push(Block::Paragraph(s)),
        None => blocks.push(Block::Paragraph(format!(
            "I dati INPS del lago non coprono {}{}.",
            c.period.name(),
            cig.ultimo_mese
                .map(|(y, m)| format!(": l'ultimo mese disponibile è {}", month_label_long(y, m)))
                .unwrap_or_default()
        ))),
    }
    if !cig.mensili.is_empty() {
        let categories = cig.mensili.iter().map(|((y, m), _)| month_label(*y, *m)).collect();
        let series = cig
            .tipi
            .iter()
            .enumerate()
            .map(|(k, (_, label))| Series::new(label.clone(), cig.mensili.iter().map(|(_, v)| Some(v[k])).collect()))
            .collect();
        let source = "Fonte: INPS, open data sulla cassa integrazione (elaborazioni OML)";
        let chart = Chart::new(
            format!(
                "Ore di cassa integrazione autorizzate per mese, {}",
                cig.dove.trim_start_matches("in ")
            ),
            source,
            ChartKind::StackedBars { categories, series },
        )
        .with_subtitle("Per tipo di intervento, mese di autorizzazione")
        .with_y_label("Ore autorizzate");
        let alt = "Ore di cassa integrazione autorizzate per mese e tipo di intervento";
        blocks.push(Block::Chart(ChartBlock::new("g10_cig_ore_mensili", alt, chart)));
    }
    if !cig.periodo.is_empty() {
        let label = |code: &Option<String>| match code {
            None => "Totale".to_string(),
            Some(c) => cig
                .tipi
                .iter()
                .find(|(k, _)| k == c)
                .map(|(_, l)| l.clone())
                .unwrap_or_else(|| c.clone()),
        };
        let rows = cig
            .periodo
            .iter()
            .map(|p| {
                vec![
                    text(label(&p.tipo)),
                    Value::Number(figure(p.ore), 0),
                    Value::Number(figure(p.ore_anno_precedente), 0),
                    Value::Percent(p.variazione_percentuale),
                    Value::Number(figure(p.lavoratori_equivalenti), 1),
                ]
            })
            .collect();
        let header = vec![
            "Tipo di intervento".to_string(),
            format!("Ore autorizzate, {}", c.period.name()),
            format!("Ore autorizzate, {}", c.period.prev_name()),
            "Variazione %".to_string(),
            "Lavoratori equivalenti a zero ore (stima)".to_string(),
        ];
        let title = format!(
            "Ore di cassa integrazione autorizzate per tipo di intervento, {}, {}",
            cig.dove.trim_start_matches("in "),
            c.period.name()
        );
        let table = TableBlock::new("t12_cig_ore_tipo", title, header, rows, &cig.comando);
        let table = table.with_fonte("elaborazioni OML su open data INPS");
        blocks.push(Block::Table(table.with_note(&format!(
            "Dati INPS già pubblicati (stato pubblico): non soggetti al controllo della riservatezza di OML. Lavoratori equivalenti a zero ore = ore autorizzate ÷ ({} ore al mese × mesi del periodo). Fonte: {}.",
            cig.divisore, cig.fonte
        ))));
    }
    blocks
}
