//! Section "Flussi e saldi": the monthly series of activations, terminations and saldo (charts
//! g01, g02, table t02), seasonally adjusted when the series is complete over 36 months or more,
//! and their revision since the previous bulletin (`revisioni.rs`: t24, with `--precedente`),
//! then the saldo cumulated from January and annualised (`saldi.rs`: g16, t22), and the period's
//! activations by age class and sex (g03, t03).

use super::common::{num, text, Ctx, BLUE, ORANGE, SOURCE_CO};
use crate::analytics::indicators::{Periodicity, TOTALE};
use crate::report::bulletin::data::months;
use crate::report::bulletin::{Block, ChartBlock, Figure, TableBlock, Value};
use crate::report::charts::{Chart, ChartKind, Series};
use crate::report::format::{fmt_int, fmt_pct_change, month_label};
use crate::report::seasonal::{decompose_with, moving_sum, Model, Options};
use anyhow::Result;
use chrono::Datelike;

/// The monthly series of a measure: published values, None when withheld.
fn monthly_series(c: &Ctx, misura: &str) -> (Vec<String>, Vec<String>, Vec<Figure>) {
    let ms = months(c.f.series_from, c.period.al);
    let labels = ms.iter().map(|(y, m, _)| month_label(*y, *m)).collect();
    let keys = ms.iter().map(|(_, _, k)| k.clone()).collect();
    let figs = ms.iter().map(|(_, _, k)| c.f.monthly.count(k, &[], misura)).collect();
    (labels, keys, figs)
}

pub(super) fn build(c: &Ctx) -> Result<Vec<Block>> {
    let (labels, keys, att) = monthly_series(c, "attivazioni");
    let (_, _, ces) = monthly_series(c, "cessazioni");
    let (_, _, sal) = monthly_series(c, "saldo");
    let pub_ = |v: &[Figure]| v.iter().map(Figure::published).collect::<Vec<_>>();
    let (att_v, ces_v, sal_v) = (pub_(&att), pub_(&ces), pub_(&sal));
    let complete = |v: &[Option<f64>]| v.iter().all(Option::is_some) && v.len() >= 36;
    // Seasonal adjustment only on a complete series of three years or more.
    let sa = if complete(&att_v) && complete(&ces_v) {
        let a: Vec<f64> = att_v.iter().map(|v| v.unwrap_or(0.0)).collect();
        let b: Vec<f64> = ces_v.iter().map(|v| v.unwrap_or(0.0)).collect();
        // Known outliers (the 2020 lockdown) placed by the series' first month.
        let opts = Options::default().starting(c.f.series_from.year(), c.f.series_from.month());
        match (
            decompose_with(&a, 12, Model::Multiplicative, &opts),
            decompose_with(&b, 12, Model::Multiplicative, &opts),
        ) {
            (Ok(a), Ok(b)) => Some((a.adjusted, b.adjusted)),
            _ => None,
        }
    } else {
        None
    };
    let sum12 = if sal_v.iter().all(Option::is_some) {
        moving_sum(&sal_v.iter().map(|v| v.unwrap_or(0.0)).collect::<Vec<_>>(), 12)
    } else {
        vec![None; sal_v.len()]
    };
    let mut blocks = Vec::new();
    let mut intro = format!(
        "La serie mensile va da {} a {}. ",
        labels.first().cloned().unwrap_or_default(),
        labels.last().cloned().unwrap_or_default()
    );
    match &sa {
        Some((a_sa, b_sa)) => {
            // The last k months against the k before, adjusted for seasonality.
            let k = match c.period.periodicity {
                Periodicity::Month => 1,
                Periodicity::Quarter => 3,
                Periodicity::Year => 12,
            };
            let n = a_sa.len();
            if n >= 2 * k {
                let last: f64 = a_sa[n - k..].iter().sum();
                let before: f64 = a_sa[n - 2 * k..n - k].iter().sum();
                let last_c: f64 = b_sa[n - k..].iter().sum();
                let before_c: f64 = b_sa[n - 2 * k..n - k].iter().sum();
                intro.push_str(&format!(
                    "Al netto della stagionalità, le attivazioni {} sono {} rispetto al periodo immediatamente precedente ({} contro {}), le cessazioni {}.",
                    c.period.in_name(),
                    fmt_pct_change((last - before) / before * 100.0, 1),
                    fmt_int(last.round() as i64),
                    fmt_int(before.round() as i64),
                    fmt_pct_change((last_c - before_c) / before_c * 100.0, 1)
                ));
            }
        }
        None => {
            intro.push_str("La destagionalizzazione richiede almeno 36 mesi completi e pubblicabili: non è applicata.")
        }
    }
    blocks.push(Block::Paragraph(intro));
    let mut lines = vec![
        Series::new("Attivazioni", att_v.clone()).with_color(BLUE),
        Series::new("Cessazioni", ces_v.clone()).with_color(ORANGE),
    ];
    if let Some((a_sa, b_sa)) = &sa {
        lines.push(
            Series::new("Attivazioni destagionalizzate", a_sa.iter().map(|v| Some(*v)).collect())
                .dashed()
                .with_color(BLUE),
        );
        lines.push(
            Series::new("Cessazioni destagionalizzate", b_sa.iter().map(|v| Some(*v)).collect())
                .dashed()
                .with_color(ORANGE),
        );
    }
    let kind = ChartKind::Lines {
        x_labels: labels.clone(),
        series: lines,
    };
    let chart = Chart::new("Attivazioni e cessazioni per mese", SOURCE_CO, kind)
        .with_subtitle(format!(
            "Provincia di {}; linee tratteggiate: dati destagionalizzati",
            c.f.province_name
        ))
        .with_y_label("rapporti di lavoro");
    let alt = "Attivazioni e cessazioni mensili, dati grezzi e destagionalizzati";
    blocks.push(Block::Chart(ChartBlock::new(
        "g01_attivazioni_cessazioni_mensili",
        alt,
        chart,
    )));
    let kind = ChartKind::BarsWithLines {
        x_labels: labels.clone(),
        bars: vec![Series::new("Saldo mensile", sal_v.clone())],
        lines: vec![Series::new("Saldo, somma mobile 12 mesi", sum12.clone()).with_color(5)],
    };
    let title = "Saldo mensile e somma mobile a 12 mesi";
    let chart = Chart::new(title, SOURCE_CO, kind)
        .with_subtitle("Saldo = attivazioni − cessazioni: variazione delle posizioni di lavoro")
        .with_y_label("posizioni di lavoro");
    blocks.push(Block::Chart(ChartBlock::new("g02_saldo_mensile", title, chart)));
    let mut rows = Vec::new();
    for i in 0..keys.len() {
        let mut r = vec![
            text(labels[i].clone()),
            num(att[i].clone()),
            num(ces[i].clone()),
            num(sal[i].clone()),
        ];
        r.push(Value::Number(
            sum12[i].map(Figure::ok).unwrap_or_else(Figure::not_available),
            0,
        ));
        if let Some((a_sa, b_sa)) = &sa {
            r.push(Value::Number(Figure::ok(a_sa[i]), 0));
            r.push(Value::Number(Figure::ok(b_sa[i]), 0));
        }
        rows.push(r);
    }
    let mut header: Vec<String> = [
        "Mese",
        "Attivazioni",
        "Cessazioni",
        "Saldo",
        "Saldo, somma mobile 12 mesi",
    ]
    .map(String::from)
    .to_vec();
    if sa.is_some() {
        header.push("Attivazioni destagionalizzate".into());
        header.push("Cessazioni destagionalizzate".into());
    }
    let title = "Attivazioni, cessazioni e saldo per mese";
    let table = TableBlock::new("t02_serie_mensile", title, header, rows, &c.f.monthly.command);
    blocks.push(Block::Table(table.with_note("Destagionalizzazione: scomposizione moltiplicativa a medie mobili di tipo X-11 (vedi nota metodologica); i valori destagionalizzati sono stime, non conteggi.")));
    blocks.extend(super::revisioni::blocks(c));
    blocks.extend(super::saldi::blocks(c));
    blocks.extend(age_sex(c));
    Ok(blocks)
}

fn age_sex(c: &Ctx) -> Vec<Block> {
    let cube = &c.f.by_age_sex;
    let classes = cube.labels(0);
    let get = |cl: &str, s: &str| cube.count(&c.cur, &[cl, s], "attivazioni");
    let mut rows = Vec::new();
    let (mut m, mut f_) = (Vec::new(), Vec::new());
    for cl in &classes {
        let (a, b, t) = (get(cl, "M"), get(cl, "F"), get(cl, TOTALE));
        m.push(a.published());
        f_.push(b.published());
        rows.push(vec![text(cl.clone()), num(a), num(b), num(t)]);
    }
    rows.push(vec![
        text("Totale"),
        num(get(TOTALE, "M")),
        num(get(TOTALE, "F")),
        num(get(TOTALE, TOTALE)),
    ]);
    let title = format!("Attivazioni per classe di età e sesso, {}", c.period.name());
    let kind = ChartKind::Pyramid {
        classes: classes.clone(),
        left: Series::new("Maschi", m),
        right: Series::new("Femmine", f_),
    };
    let chart = Chart::new(title.clone(), SOURCE_CO, kind);
    let header = ["Classe di età", "Maschi", "Femmine", "Totale"]
        .map(String::from)
        .to_vec();
    vec![
        Block::Chart(ChartBlock::new(
            "g03_attivazioni_eta_sesso",
            "Attivazioni per classe di età e sesso",
            chart,
        )),
        Block::Table(TableBlock::new(
            "t03_attivazioni_eta_sesso",
            title,
            header,
            rows,
            &cube.command,
        )),
    ]
}
