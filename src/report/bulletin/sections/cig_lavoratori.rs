//! Workers in cassa integrazione in the "Cassa integrazione guadagni" section: the individual
//! records of the labour information system (`oml ingest cig-lavoratori`) through the
//! `cig_lavoratori` indicator — hours authorised and used, the take-up (*tiraggio*), workers and
//! workers at zero hours by type of intervention, the period beside the same period a year
//! earlier (table t15), and the monthly hours (chart g13). Unlike the INPS open data above them,
//! these are counts of people and employers: they go through disclosure control with the other
//! tables; the take-up and the equivalent workers are shown only where the hours they come from
//! are (`rapporti:` header of the indicator).

use super::common::{capitalise, num, say, text, variation, Ctx, BLUE, ORANGE};
use crate::analytics::indicators::TOTALE;
use crate::reference::Reference;
use crate::report::bulletin::data::months;
use crate::report::bulletin::registri::CigLavoratoriCubes;
use crate::report::bulletin::{Block, ChartBlock, TableBlock, Value};
use crate::report::charts::{Chart, ChartKind, Series};
use crate::report::format::{fmt_dec, fmt_int, month_label};

const SOURCE: &str = "Fonte: elaborazioni OML sui lavoratori in cassa integrazione del sistema informativo lavoro";

/// The code list of the types of intervention (`reference/oml/registri_codici.csv`).
const TYPES: &str = "DEC_LIV_TIPO_AMMORTIZZATORE";

/// The sentence of the section and of the sintesi, when the lake holds CIG-worker records.
pub(super) fn sentence(c: &Ctx) -> Option<String> {
    let d = c.f.cig_lavoratori.as_ref()?;
    let get = |m: &str| d.by_type.count(&c.cur, &[TOTALE], m);
    let mut s = format!(
        "{} i lavoratori con almeno un giorno di cassa integrazione nei dati individuali sono stati {} (di cui {} a zero ore)",
        capitalise(&c.period.in_name()),
        say(&get("lavoratori")),
        say(&get("lavoratori_zero_ore")),
    );
    if let Some(ore) = get("ore_autorizzate").published() {
        s.push_str(&format!(", per {} ore autorizzate", fmt_int(ore.round() as i64)));
    }
    if let Some(t) = d.by_type.measure(&c.cur, &[TOTALE], "tiraggio").published() {
        s.push_str(&format!(
            "; delle ore autorizzate ne è stato utilizzato il {}% (tiraggio)",
            fmt_dec(t, 1)
        ));
    }
    s.push('.');
    Some(s)
}

fn period_table(d: &CigLavoratoriCubes, c: &Ctx) -> TableBlock {
    let cube = &d.by_type;
    // The types present, by code, named from the code list.
    let reference = Reference::get();
    let mut types: Vec<(String, String)> = cube
        .labels(0)
        .into_iter()
        .map(|code| {
            let name = match reference.codice_registro(TYPES, &code) {
                Some(d) => format!("{} ({code})", capitalise(d)),
                None => code.clone(),
            };
            (code, name)
        })
        .collect();
    types.push((TOTALE.into(), "Totale".into()));
    let mut header = vec![
        "Tipo di intervento".to_string(),
        format!("Ore autorizzate, {}", c.period.name()),
    ];
    if c.f.has_previous {
        header.push(format!("Ore autorizzate, {}", c.period.prev_name()));
        header.push("Variazione %".into());
    }
    header.extend(
        [
            "Ore utilizzate",
            "Tiraggio %",
            "Lavoratori",
            "di cui a zero ore",
            "Lavoratori equivalenti a zero ore (stima)",
        ]
        .map(String::from),
    );
    let rows = types
        .iter()
        .map(|(code, name)| {
            let get = |p: &str, m: &str| cube.count(p, &[code], m);
            let cur = get(&c.cur, "ore_autorizzate");
            let mut r = vec![text(name.clone()), num(cur.clone())];
            if c.f.has_previous {
                let prev = get(&c.prev, "ore_autorizzate");
                r.push(Value::Percent(variation(&cur, &prev)));
                r.insert(2, num(prev));
            }
            r.push(num(get(&c.cur, "ore_utilizzate")));
            r.push(Value::Number(cube.measure(&c.cur, &[code], "tiraggio"), 1));
            r.push(num(get(&c.cur, "lavoratori")));
            r.push(num(get(&c.cur, "lavoratori_zero_ore")));
            r.push(Value::Number(
                cube.measure(&c.cur, &[code], "lavoratori_equivalenti"),
                1,
            ));
            r
        })
        .collect();
    let title = format!(
        "Lavoratori in cassa integrazione: ore autorizzate e utilizzate per tipo di intervento, {}",
        c.period.name()
    );
    let divisore = cube
        .table
        .rows
        .first()
        .and_then(|r| r.parameters.first().cloned().flatten())
        .unwrap_or_else(|| "170".into());
    TableBlock::new("t15_cig_lavoratori_tipo", title, header, rows, &cube.command)
        .with_fonte("elaborazioni OML sui lavoratori in cassa integrazione del sistema informativo lavoro")
        .with_note(&format!(
            "Ore di ogni periodo di integrazione ripartite sui suoi giorni. Tiraggio = ore utilizzate ÷ ore autorizzate dei periodi che riportano le ore utilizzate. \
             Lavoratori: persone con almeno un giorno di integrazione nel periodo (una persona in due tipi di intervento conta in entrambi, una volta nel totale). \
             Lavoratori equivalenti a zero ore = ore autorizzate ÷ ({divisore} ore al mese × mesi del periodo). Tiraggio e lavoratori equivalenti si pubblicano solo dove lo sono le ore da cui derivano."
        ))
}

fn monthly_chart(d: &CigLavoratoriCubes, c: &Ctx) -> Option<Block> {
    let periods = d.monthly.periods();
    let first = periods.first()?;
    let ms: Vec<_> = months(c.f.series_from, c.period.al)
        .into_iter()
        .filter(|(_, _, l)| l >= first)
        .collect();
    let series = |m: &str, name: &str| {
        Series::new(
            name,
            ms.iter()
                .map(|(_, _, l)| d.monthly.count(l, &[], m).published())
                .collect(),
        )
    };
    let chart = Chart::new(
        "Ore di cassa integrazione autorizzate e utilizzate per mese (dati individuali)",
        SOURCE,
        ChartKind::Lines {
            x_labels: ms.iter().map(|(y, m, _)| month_label(*y, *m)).collect(),
            series: vec![
                series("ore_autorizzate", "Ore autorizzate").with_color(BLUE),
                series("ore_utilizzate", "Ore utilizzate").with_color(ORANGE),
            ],
        },
    )
    .with_subtitle("Ore di ogni periodo ripartite sui suoi giorni")
    .with_y_label("Ore");
    let alt = "Ore di cassa integrazione autorizzate e utilizzate per mese";
    Some(Block::Chart(ChartBlock::new("g13_cig_lavoratori_mensili", alt, chart)))
}

/// The CIG-worker part of the section, or a paragraph saying why there is none.
pub(super) fn blocks(c: &Ctx) -> Vec<Block> {
    let Some(d) = &c.f.cig_lavoratori else {
        let why = if c.f.registri.cig_lavoratori {
            "Il lago contiene i lavoratori in cassa integrazione del sistema informativo lavoro, ma nessun periodo di integrazione cade negli anni del bollettino."
        } else {
            "Il lago non contiene i dati individuali dei lavoratori in cassa integrazione (si caricano con `oml ingest cig-lavoratori`): ore utilizzate, tiraggio e lavoratori coinvolti non sono calcolabili."
        };
        return vec![Block::Paragraph(why.into())];
    };
    let mut out = vec![
        Block::Paragraph(format!(
            "Lavoratori in cassa integrazione dai dati individuali del sistema informativo lavoro (caricati con `oml ingest cig-lavoratori` dai file {}): un record per lavoratore e periodo di integrazione, con le ore autorizzate e, quando note, quelle utilizzate. Il tracciato indica il comune dell'unità produttiva ma non la provincia: le cifre sono di tutti i lavoratori dei file caricati, di norma quelli dell'osservatorio. Sono dati su persone e datori, soggetti al controllo della riservatezza come le tavole delle CO.",
            d.files.join("; ")
        )),
    ];
    out.extend(sentence(c).map(Block::Paragraph));
    out.extend(monthly_chart(d, c));
    out.push(Block::Table(period_table(d, c)));
    out
}
