//! The liste di mobilità in the "Mobilità dei lavoratori" section: the pratiche of the province's
//! CPIs (`oml ingest mobilita`) through the `mobilita_liste` indicator — the people in the lists
//! at the period's end, entries and exits by cause beside the same period a year earlier (table
//! t16, when the lists held pratiche then) and the yearly series (chart g14, table t17). The
//! lists took no new entries from 2017 (L. 92/2012): the series is historical and says so; the
//! income support after a layoff is the NASpI since, shown with the DID.

use super::common::{capitalise, measures_by_period, num, say, text, Ctx, BLUE, ORANGE};
use crate::report::bulletin::data::Cube;
use crate::report::bulletin::registri::ListeCubes;
use crate::report::bulletin::{Block, ChartBlock, TableBlock};
use crate::report::charts::{Chart, ChartKind, Series};

const FONTE: &str = "elaborazioni OML sulle liste di mobilità del sistema informativo lavoro";
const SOURCE: &str = "Fonte: elaborazioni OML sulle liste di mobilità del sistema informativo lavoro";

/// The rows of table t16 and the exit columns of t17: measure and label.
const ROWS: [(&str, &str); 9] = [
    ("stock_fine", "Iscritti alle liste a fine periodo"),
    ("stock_fine_con_indennita", "  di cui con indennità di mobilità"),
    ("iscrizioni", "Iscrizioni nel periodo"),
    ("cancellazioni", "Cancellazioni nel periodo"),
    (
        "cancellazioni_assunzione_indeterminato",
        "  per assunzione a tempo indeterminato",
    ),
    (
        "cancellazioni_assunzione_termine",
        "  per assunzione a termine o part-time",
    ),
    ("cancellazioni_fine_lista", "  per fine del periodo di iscrizione"),
    ("cancellazioni_decadenza", "  per decadenza"),
    ("cancellazioni_altre", "  per altre cause"),
];

/// The columns of table t17, in the order of `ROWS`.
const YEAR_COLUMNS: [&str; 9] = [
    "Iscritti a fine anno",
    "di cui con indennità",
    "Iscrizioni",
    "Cancellazioni",
    "per assunzione a tempo indeterminato",
    "per assunzione a termine o part-time",
    "per fine del periodo di iscrizione",
    "per decadenza",
    "per altre cause",
];

const NOTE: &str = "Una pratica è nelle liste dall'iscrizione alla cancellazione definitiva (una cancellazione seguita da reiscrizione non è un'uscita; le sospese restano iscritte). \
     Iscritti a fine periodo = iscritti a inizio periodo + iscrizioni − cancellazioni, in ogni cella. Cause di cancellazione raggruppate dai codici della tabella DEC_CAUSA_EVENTO_MOBILITA. \
     Dal 1° gennaio 2017 le liste non accolgono nuove iscrizioni (L. 92/2012).";

fn period_table(cube: &Cube, c: &Ctx) -> TableBlock {
    let (header, rows) = measures_by_period(cube, c, &[], &ROWS);
    let title = format!(
        "Liste di mobilità: iscritti, iscrizioni e cancellazioni per causa, {}",
        c.period.name()
    );
    TableBlock::new("t16_mobilita_liste_periodo", title, header, rows, &cube.command)
        .with_fonte(FONTE)
        .with_note(NOTE)
}

fn yearly_blocks(l: &ListeCubes) -> Vec<Block> {
    let Some(cube) = &l.yearly else {
        return Vec::new();
    };
    let years = cube.periods();
    let series =
        |m: &str, name: &str| Series::new(name, years.iter().map(|y| cube.count(y, &[], m).published()).collect());
    let chart = Chart::new(
        "Liste di mobilità: iscrizioni, cancellazioni e iscritti a fine anno",
        SOURCE,
        ChartKind::BarsWithLines {
            x_labels: years.clone(),
            bars: vec![
                series("iscrizioni", "Iscrizioni").with_color(BLUE),
                series("cancellazioni", "Cancellazioni").with_color(ORANGE),
            ],
            lines: vec![series("stock_fine", "Iscritti a fine anno")],
        },
    )
    .with_subtitle("Nessuna nuova iscrizione dal 2017 (L. 92/2012)")
    .with_y_label("Pratiche");
    let alt = "Liste di mobilità per anno: iscrizioni, cancellazioni e iscritti";
    let mut header = vec!["Anno".to_string()];
    header.extend(YEAR_COLUMNS.iter().map(|s| s.to_string()));
    let rows = years
        .iter()
        .map(|y| {
            let mut r = vec![text(y.clone())];
            r.extend(ROWS.iter().map(|(m, _)| num(cube.count(y, &[], m))));
            r
        })
        .collect();
    let title = "Liste di mobilità per anno: iscritti, iscrizioni e cancellazioni per causa";
    let table = TableBlock::new("t17_mobilita_liste_serie", title, header, rows, &cube.command)
        .with_fonte(FONTE)
        .with_note(NOTE);
    vec![
        Block::Chart(ChartBlock::new("g14_mobilita_liste_serie", alt, chart)),
        Block::Table(table),
    ]
}

/// The mobility-list part of the section, or nothing when the lake holds no pratica of the
/// province up to the period (the section's first paragraph says so).
pub(super) fn blocks(c: &Ctx) -> Vec<Block> {
    let Some(l) = &c.f.liste else {
        return Vec::new();
    };
    let mut text = format!(
        "Liste di mobilità (L. 223/1991 e L. 236/1993) dei centri per l'impiego della provincia, dal sistema informativo lavoro (caricate con `oml ingest mobilita` dai file {}; pratiche dal {} al {}). Dal 2017 le liste non accolgono nuove iscrizioni (L. 92/2012): la serie si esaurisce con le uscite di chi era iscritto, e il sostegno al reddito dopo un licenziamento è la NASpI, riportata con le DID nella sezione Disoccupazione.",
        l.files.join("; "),
        l.years.0,
        l.years.1
    );
    if let Some(p) = &l.period {
        let get = |m: &str| p.count(&c.cur, &[], m);
        text.push_str(&format!(
            " {} gli iscritti erano {} a fine periodo; le iscrizioni sono state {}, le cancellazioni {}.",
            capitalise(&c.period.in_name()),
            say(&get("stock_fine")),
            say(&get("iscrizioni")),
            say(&get("cancellazioni"))
        ));
    } else {
        text.push_str(&format!(
            " {} le liste non avevano più iscritti: si riporta la serie storica.",
            capitalise(&c.period.in_name())
        ));
    }
    let mut out = vec![Block::Paragraph(text)];
    if let Some(p) = &l.period {
        out.push(Block::Table(period_table(p, c)));
    }
    out.extend(yearly_blocks(l));
    out
}
