//! In the "Contratti" section, the tables of the reference bulletins on hires: the inflow into
//! open-ended employment — hires with an open-ended contract plus transformations from fixed-term,
//! apprenticeship and other contracts — by sector (table t20) and by month (chart g15), as in the
//! Ministry of Labour's quarterly note and INPS's Osservatorio sul precariato; the part-time share
//! of hires by sex and sector (t21); hires per worker by sex (t23, the Ministry's "lavoratori
//! interessati"). Shares and ratios come only from published cells.

use super::common::{
    capitalise, name_of, num, ordered, say, share, text, variation, Ctx, BLUE, ORANGE, SECTORS, SOURCE_CO,
};
use crate::analytics::indicators::TOTALE;
use crate::report::bulletin::data::months;
use crate::report::bulletin::{Block, ChartBlock, Figure, TableBlock, Value};
use crate::report::charts::{Chart, ChartKind, Series};
use crate::report::format::month_label;

/// The sentence on the inflow into open-ended employment (section and sintesi).
pub(super) fn sentence(c: &Ctx) -> Option<String> {
    let cube = &c.f.reference.permanent;
    let get = |p: &str, m: &str| cube.count(p, &[TOTALE], m);
    let total = get(&c.cur, "ingressi_ti");
    total.published()?;
    let mut s = format!(
        "{} le entrate nel lavoro a tempo indeterminato sono state {} ({} assunzioni e {} trasformazioni da contratti a termine, apprendistato o altro)",
        capitalise(&c.period.in_name()),
        say(&total),
        say(&get(&c.cur, "assunzioni_ti")),
        say(&get(&c.cur, "trasformazioni_a_ti")),
    );
    if c.f.has_previous {
        if let Some(v) = variation(&total, &get(&c.prev, "ingressi_ti")) {
            s.push_str(&format!(
                ", {} {}",
                crate::report::format::fmt_pct_change(v, 1),
                c.period.versus_previous()
            ));
        }
    }
    s.push('.');
    Some(s)
}

fn permanent_table(c: &Ctx) -> TableBlock {
    let cube = &c.f.reference.permanent;
    let mut sectors = ordered(cube, &SECTORS);
    sectors.push(TOTALE.into());
    let parts = [
        ("assunzioni_ti", "Assunzioni a tempo indeterminato"),
        ("trasformazioni_da_td", "Trasformazioni da tempo determinato"),
        ("trasformazioni_da_apprendistato", "Trasformazioni da apprendistato"),
        ("trasformazioni_da_altro", "Trasformazioni da altri contratti"),
        ("ingressi_ti", "Entrate a tempo indeterminato"),
    ];
    let mut header = vec!["Settore".to_string()];
    header.extend(parts.iter().map(|(_, l)| format!("{l}, {}", c.period.name())));
    if c.f.has_previous {
        header.push(format!("Entrate a tempo indeterminato, {}", c.period.prev_name()));
        header.push("Variazione %".into());
    }
    let rows = sectors
        .iter()
        .map(|s| {
            let label = if s == TOTALE {
                "Totale".to_string()
            } else {
                name_of(&SECTORS, s)
            };
            let mut r = vec![text(label)];
            r.extend(parts.iter().map(|(m, _)| num(cube.count(&c.cur, &[s], m))));
            if c.f.has_previous {
                let prev = cube.count(&c.prev, &[s], "ingressi_ti");
                r.push(Value::Percent(variation(
                    &cube.count(&c.cur, &[s], "ingressi_ti"),
                    &prev,
                )));
                r.insert(r.len() - 1, num(prev));
            }
            r
        })
        .collect();
    let title = format!(
        "Entrate nel lavoro a tempo indeterminato per settore: assunzioni e trasformazioni, {}",
        c.period.name()
    );
    TableBlock::new("t20_ingressi_ti_settore", title, header, rows, &cube.command).with_note(
        "Entrate a tempo indeterminato = assunzioni a tempo indeterminato + trasformazioni a tempo indeterminato (da tempo determinato, apprendistato o altri contratti), come nella nota trimestrale del Ministero del Lavoro e nell'Osservatorio sul precariato INPS.",
    )
}

fn permanent_chart(c: &Ctx) -> Option<Block> {
    let cube = &c.f.reference.permanent_monthly;
    let first = cube.periods().into_iter().next()?;
    let ms: Vec<_> = months(c.f.series_from, c.period.al)
        .into_iter()
        .filter(|(_, _, l)| *l >= first)
        .collect();
    let series = |m: &str, name: &str| {
        Series::new(
            name,
            ms.iter().map(|(_, _, l)| cube.count(l, &[], m).published()).collect(),
        )
    };
    let chart = Chart::new(
        "Entrate nel lavoro a tempo indeterminato per mese",
        SOURCE_CO,
        ChartKind::StackedBars {
            categories: ms.iter().map(|(y, m, _)| month_label(*y, *m)).collect(),
            series: vec![
                series("assunzioni_ti", "Assunzioni a tempo indeterminato").with_color(BLUE),
                series("trasformazioni_a_ti", "Trasformazioni a tempo indeterminato").with_color(ORANGE),
            ],
        },
    )
    .with_y_label("Rapporti");
    let alt = "Assunzioni e trasformazioni a tempo indeterminato per mese";
    Some(Block::Chart(ChartBlock::new("g15_ingressi_ti_mensili", alt, chart)))
}

const SEXES: [(&str, &str); 3] = [("M", "maschi"), ("F", "femmine"), (TOTALE, "totale")];

fn part_time_table(c: &Ctx) -> TableBlock {
    let cube = &c.f.reference.working_time;
    let mut sectors = ordered(cube, &SECTORS);
    sectors.push(TOTALE.into());
    let mut header = vec!["Settore".to_string()];
    for (_, s) in SEXES {
        header.push(format!("Attivazioni part-time, {s}"));
        header.push(format!("Quota part-time %, {s}"));
    }
    let rows = sectors
        .iter()
        .map(|sector| {
            let label = if sector == TOTALE {
                "Totale".to_string()
            } else {
                name_of(&SECTORS, sector)
            };
            let mut r = vec![text(label)];
            for (sex, _) in SEXES {
                let pt = cube.count(&c.cur, &[sector, sex, "PART_TIME"], "attivazioni");
                let all = cube.count(&c.cur, &[sector, sex, TOTALE], "attivazioni");
                r.push(Value::Share(share(&pt, &all)));
                r.insert(r.len() - 1, num(pt));
            }
            r
        })
        .collect();
    let title = format!("Attivazioni a tempo parziale per settore e sesso, {}", c.period.name());
    TableBlock::new("t21_part_time_settore_sesso", title, header, rows, &cube.command).with_note(
        "Part-time: tipo di orario P (orizzontale), V (verticale) o M (misto) all'attivazione; quota sul totale delle attivazioni, compreso l'orario non definito (lavoro intermittente).",
    )
}

fn per_worker_table(c: &Ctx) -> TableBlock {
    let (att, workers) = (&c.f.by_age_sex, &c.f.workers);
    let rows = SEXES
        .iter()
        .map(|(sex, name)| {
            let a = att.count(&c.cur, &[TOTALE, sex], "attivazioni");
            let w = workers.measure(&c.cur, &[sex], "lavoratori_interessati");
            let ratio = match (a.published(), w.published()) {
                (Some(a), Some(w)) if w > 0.0 => Figure::ok(a / w),
                _ => Figure::not_available(),
            };
            vec![text(capitalise(name)), num(a), num(w), Value::Number(ratio, 2)]
        })
        .collect();
    let header = vec![
        "Sesso".to_string(),
        format!("Attivazioni, {}", c.period.name()),
        "Lavoratori interessati".into(),
        "Attivazioni per lavoratore".into(),
    ];
    let title = format!("Attivazioni e lavoratori interessati per sesso, {}", c.period.name());
    TableBlock::new("t23_attivazioni_per_lavoratore", title, header, rows, &workers.command)
        .with_source(&att.command)
        .with_note("Lavoratori interessati: persone distinte con almeno un'attivazione nel periodo (chi ne ha più d'una conta una volta).")
}

/// The blocks of the contracts section on hires.
pub(super) fn blocks(c: &Ctx) -> Vec<Block> {
    let mut out: Vec<Block> = sentence(c).map(Block::Paragraph).into_iter().collect();
    out.extend(permanent_chart(c));
    out.push(Block::Table(permanent_table(c)));
    out.push(Block::Table(part_time_table(c)));
    out.push(Block::Table(per_worker_table(c)));
    out
}
