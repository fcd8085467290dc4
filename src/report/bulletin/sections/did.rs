//! Registered unemployment in the "Disoccupazione" section: the DID of the province's CPIs (the
//! `did` indicator over `oml ingest did` records) — the stock at the period's end with the
//! suspended and the long-term apart, inflows with the NASpI/DIS-COLL coverage and the share made
//! online, outflows by cause (sentence; table t13 beside the same period a year earlier), the
//! monthly stock and flows (charts g11, g12) and the period by CPI and sex (table t14). Shares and
//! variations come only from published cells.

use super::common::{capitalise, measures_by_period, num, say, say_share, text, variation, Ctx, BLUE, ORANGE};
use crate::analytics::indicators::TOTALE;
use crate::report::bulletin::data::{months, Cube};
use crate::report::bulletin::registri::DidCubes;
use crate::report::bulletin::{Block, ChartBlock, TableBlock};
use crate::report::charts::{Chart, ChartKind, Series};
use crate::report::format::{month_label, month_label_long, MONTHS_LONG};
use chrono::Datelike;

/// The source line of the DID charts.
const SOURCE_DID: &str = "Fonte: elaborazioni OML su DID del sistema informativo lavoro";

/// The rows of table t13: measure and label.
const T13_ROWS: [(&str, &str); 13] = [
    ("stock_fine", "DID aperte a fine periodo (disoccupati registrati)"),
    ("stock_fine_sospese", "  di cui sospese (lavoro breve)"),
    (
        "stock_fine_con_prestazione",
        "  di cui con NASpI o DIS-COLL in pagamento",
    ),
    ("stock_fine_durata_oltre_365", "  di cui da oltre 12 mesi"),
    ("ingressi", "Nuove DID nel periodo"),
    ("ingressi_con_prestazione", "  di cui con NASpI o DIS-COLL"),
    ("ingressi_portale", "  di cui rese online"),
    ("ingressi_ripetuti", "  di cui di persone con una DID precedente"),
    ("uscite", "DID concluse nel periodo"),
    ("uscite_assunzione", "  per assunzione (comunicazione obbligatoria)"),
    ("uscite_istanza_lavoratore", "  su istanza della persona"),
    ("uscite_decadenza", "  per decadenza"),
    ("uscite_mobilita", "  retrodatate per mobilità"),
];

/// "al 31 dicembre 2024".
fn at_end(c: &Ctx) -> String {
    let d = c.period.al;
    format!("al {} {} {}", d.day(), MONTHS_LONG[d.month0() as usize], d.year())
}

/// The sentences of the section and of the sintesi, when the lake holds DID of the province.
pub(super) fn sentence(c: &Ctx) -> Option<String> {
    let d = c.f.did.as_ref()?;
    let get = |m: &str| d.period.count(&c.cur, &[], m);
    let stock = get("stock_fine");
    let mut s = format!(
        "{} le DID aperte nei centri per l'impiego della provincia (disoccupati registrati) erano {}",
        capitalise(&at_end(c)),
        say(&stock)
    );
    if c.f.has_previous {
        if let Some(v) = variation(&stock, &d.period.count(&c.prev, &[], "stock_fine")) {
            s.push_str(&format!(
                " ({} {})",
                crate::report::format::fmt_pct_change(v, 1),
                c.period.versus_previous()
            ));
        }
    }
    let lunga = get("stock_fine_durata_oltre_365");
    if let Some(q) = say_share(&lunga, &stock) {
        s.push_str(&format!(", {q} da oltre un anno"));
    }
    let ingressi = get("ingressi");
    s.push_str(&format!(
        ". {} le nuove DID sono state {}",
        capitalise(&c.period.in_name()),
        say(&ingressi)
    ));
    let parts: Vec<String> = [
        ("ingressi_con_prestazione", "con NASpI o DIS-COLL"),
        ("ingressi_portale", "rese online"),
    ]
    .iter()
    .filter_map(|(m, what)| say_share(&get(m), &ingressi).map(|q| format!("{q} {what}")))
    .collect();
    if !parts.is_empty() {
        s.push_str(&format!(" ({})", parts.join(", ")));
    }
    let uscite = get("uscite");
    s.push_str(&format!("; ne sono state chiuse {}", say(&uscite)));
    if let Some(q) = say_share(&get("uscite_assunzione"), &uscite) {
        s.push_str(&format!(", {q} per una nuova assunzione"));
    }
    s.push('.');
    Some(s)
}

fn monthly_charts(d: &DidCubes, c: &Ctx) -> Vec<Block> {
    let ms = months(d.first_month.max(c.f.series_from), c.period.al);
    if ms.is_empty() {
        return Vec::new();
    }
    let labels: Vec<String> = ms.iter().map(|(y, m, _)| month_label(*y, *m)).collect();
    let series = |m: &str, name: &str| {
        let values = ms
            .iter()
            .map(|(_, _, l)| d.monthly.count(l, &[], m).published())
            .collect();
        Series::new(name, values)
    };
    let stock = Chart::new(
        "Disoccupati registrati: DID aperte a fine mese",
        SOURCE_DID,
        ChartKind::Lines {
            x_labels: labels.clone(),
            series: vec![
                series("stock_fine", "DID aperte").with_color(BLUE),
                series("stock_fine_sospese", "di cui sospese").with_color(ORANGE),
            ],
        },
    )
    .with_subtitle("Centri per l'impiego della provincia")
    .with_y_label("DID");
    let flows = Chart::new(
        "Nuove DID e DID concluse per mese",
        SOURCE_DID,
        ChartKind::BarsWithLines {
            x_labels: labels,
            bars: vec![
                series("ingressi", "Nuove DID").with_color(BLUE),
                series("uscite", "DID concluse").with_color(ORANGE),
            ],
            lines: vec![],
        },
    )
    .with_y_label("DID");
    vec![
        Block::Chart(ChartBlock::new("g11_did_stock", "DID aperte a fine mese", stock)),
        Block::Chart(ChartBlock::new(
            "g12_did_flussi",
            "Nuove DID e DID concluse per mese",
            flows,
        )),
    ]
}

fn period_table(d: &DidCubes, c: &Ctx) -> TableBlock {
    let (header, rows) = measures_by_period(&d.period, c, &[], &T13_ROWS);
    let title = format!(
        "Disoccupazione registrata (DID): stock, ingressi e uscite, {}",
        c.period.name()
    );
    TableBlock::new("t13_did_periodo", title, header, rows, &d.period.command)
        .with_fonte("elaborazioni OML su DID del sistema informativo lavoro")
        .with_note(
            "DID aperte: rilasciate e non ancora concluse all'ultimo giorno del periodo (le sospese restano nello stock). \
             Stock finale = stock iniziale + nuove DID − DID concluse, in ogni cella.",
        )
}

/// CPI name from the reference table (`PRV-XX`: comuni outside the table).
fn cpi_name(code: &str) -> String {
    if let Some(cpi) = crate::reference::Reference::get()
        .cpis()
        .iter()
        .find(|c| c.codice == code)
    {
        return format!("{} ({code})", cpi.nome);
    }
    match code.strip_prefix("PRV-") {
        Some(p) => format!("Altri comuni della provincia {p}"),
        None if code == "NON_INDICATO" => "CPI non indicato".into(),
        None => code.to_string(),
    }
}

fn cpi_table(cube: &Cube, c: &Ctx) -> TableBlock {
    let mut cpis = cube.labels(0);
    cpis.push(TOTALE.into());
    let sexes = [("M", "maschi"), ("F", "femmine"), (TOTALE, "totale")];
    let mut header = vec!["Centro per l'impiego".to_string()];
    for what in ["DID aperte", "Nuove DID"] {
        header.extend(sexes.iter().map(|(_, s)| format!("{what}, {s}")));
    }
    let rows = cpis
        .iter()
        .map(|cpi| {
            let label = if cpi == TOTALE {
                "Totale".to_string()
            } else {
                cpi_name(cpi)
            };
            let mut r = vec![text(label)];
            for m in ["stock_fine", "ingressi"] {
                r.extend(sexes.iter().map(|(s, _)| num(cube.count(&c.cur, &[cpi, s], m))));
            }
            r
        })
        .collect();
    let title = format!("DID per centro per l'impiego e sesso, {}", c.period.name());
    TableBlock::new("t14_did_cpi_sesso", title, header, rows, &cube.command)
        .with_fonte("elaborazioni OML su DID del sistema informativo lavoro")
        .with_note(
            "DID aperte all'ultimo giorno del periodo; nuove DID rilasciate nel periodo; CPI che ha ricevuto la DID.",
        )
}

/// The DID part of the section, or a paragraph saying why there is none.
pub(super) fn blocks(c: &Ctx) -> Vec<Block> {
    let Some(d) = &c.f.did else {
        let why = if c.f.registri.did {
            "Il lago contiene dichiarazioni di immediata disponibilità (DID), ma nessuna resa in un centro per l'impiego della provincia fino al periodo del bollettino."
        } else {
            "Il lago non contiene le dichiarazioni di immediata disponibilità (DID): i disoccupati registrati non sono calcolabili (si caricano con `oml ingest did`)."
        };
        return vec![Block::Paragraph(why.into())];
    };
    let mut out = vec![Block::Paragraph(format!(
        "Disoccupati registrati: le dichiarazioni di immediata disponibilità al lavoro (DID, D.Lgs. 150/2015) rese ai centri per l'impiego della provincia, dal sistema informativo lavoro (caricate con `oml ingest did` dai file {}; prima DID nel lago: {}). Una DID resta aperta finché la persona non trova lavoro (comunicazione obbligatoria di assunzione), non la ritira o non decade; se accetta un lavoro breve (fino a 6 mesi) è sospesa e resta nello stock. Le DID aperte prima del primo file caricato e senza eventi successivi non compaiono: i livelli dei primi mesi sono un minimo.",
        d.files.join("; "),
        month_label_long(d.first_month.year(), d.first_month.month())
    ))];
    out.extend(sentence(c).map(Block::Paragraph));
    out.extend(monthly_charts(d, c));
    out.push(Block::Table(period_table(d, c)));
    out.push(Block::Table(cpi_table(&d.by_cpi_sex, c)));
    out
}
