//! Commuting in the section "Mobilità dei lavoratori": between the centro per l'impiego (CPI) of
//! the worker's domicile and that of the workplace, over the positions at the end of the period
//! (`pendolarismo` and `pendolarismo_od` with `--livello cpi`): sentences, ranked bars (g17), the
//! origin–destination matrix (g18) and the table by CPI of the province (t25).

use super::common::{bars, capitalise, name_of, num, text, Ctx, BLUE, ORANGE, SOURCE_CO};
use crate::analytics::indicators::TOTALE;
use crate::analytics::perimeter::Geography;
use crate::model::period::Periodicity;
use crate::report::bulletin::data::{cpi_in_province, Cube};
use crate::report::bulletin::{Block, ChartBlock, TableBlock, Value};
use crate::report::charts::{Chart, ChartKind, Series};
use crate::report::format::fmt_pct;

const NI: &str = "NON_INDICATO";
/// Palette index of the internal positions (bluish green, beside in entrata and in uscita).
const GREEN: usize = 2;

/// The name of a CPI code: the CPI of `reference/oml/cpi_comuni.csv`, or the province of the
/// comuni without one (`PRV-FI`).
fn cpi_name(code: &str) -> String {
    let r = crate::reference::Reference::get();
    if let Some(c) = r.cpis().iter().find(|x| x.codice == code) {
        return c.nome.clone();
    }
    match code.strip_prefix("PRV-") {
        Some(p) => match r.provincia(p) {
            Some(p) => format!("Provincia di {} (altri comuni)", p.nome),
            None => format!("Provincia {p} (altri comuni)"),
        },
        None if code == NI => "Domicilio non indicato".to_string(),
        None => name_of(&[], code),
    }
}

/// The province's CPIs in the cube, largest first by the published positions at their workplaces
/// with a known domicile (interni + in entrata; withheld last), then by code.
fn province_cpis(c: &Ctx, cube: &Cube) -> Vec<String> {
    let mut codes: Vec<String> = cube
        .labels(0)
        .into_iter()
        .filter(|code| cpi_in_province(code, &c.f.province))
        .collect();
    let size = |code: &str| {
        let m = |misura: &str| cube.count(&c.cur, &[code], misura).published();
        Some(m("interni")? + m("in_entrata")?)
    };
    codes.sort_by(|a, b| {
        size(b)
            .partial_cmp(&size(a))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.cmp(b))
    });
    codes
}

/// "alla fine del IV trimestre 2023", "alla fine di dicembre 2023".
fn at_the_end(c: &Ctx) -> String {
    match c.period.periodicity {
        Periodicity::Month => format!("alla fine di {}", c.period.name()),
        _ => format!("alla fine del {}", c.period.name()),
    }
}

/// The self-containment of each of the province's CPIs, and the share of commuters among the
/// positions with a known domicile.
fn sentences(c: &Ctx, cpis: &[String]) -> String {
    let cube = &c.f.commuting;
    let get = |code: &str, m: &str| cube.count(&c.cur, &[code], m);
    let shares: Vec<String> = cpis
        .iter()
        .map(|code| {
            let share = cube.measure(&c.cur, &[code], "autocontenimento").published();
            let share = share.map_or("riservata".into(), |v| format!("del {}", fmt_pct(v, 1)));
            format!("{share} nel {}", cpi_name(code))
        })
        .collect();
    let mut s = format!(
        "{} la quota degli occupati residenti che lavorava in un comune del proprio centro per l'impiego (autocontenimento) era {}.",
        capitalise(&at_the_end(c)),
        join_and(&shares),
    );
    let (entrata, interni) = (get(TOTALE, "in_entrata"), get(TOTALE, "interni"));
    if let (Some(e), Some(i)) = (entrata.published(), interni.published()) {
        if e + i > 0.0 {
            s.push_str(&format!(
                " Le posizioni di lavoratori domiciliati fuori dal CPI della sede di lavoro erano {}, il {} di quelle con domicilio indicato.",
                crate::report::format::fmt_int(e.round() as i64),
                fmt_pct(100.0 * e / (e + i), 1)
            ));
        }
    }
    s
}

/// "a, b e c".
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} e {last}", rest.join(", ")),
    }
}

/// Ranked bars of the province's CPIs: positions of residents working in their CPI (interni), of
/// workers from other CPIs (in entrata) and of residents working in another CPI (in uscita).
fn ranked_bars(c: &Ctx, cpis: &[String]) -> Block {
    let cube = &c.f.commuting;
    let series = |name: &str, misura: &str, color: usize| {
        let values = cpis
            .iter()
            .map(|code| cube.count(&c.cur, &[code], misura).published())
            .collect();
        Series::new(name, values).with_color(color)
    };
    let kind = bars(
        cpis.iter().map(|code| cpi_name(code)).collect(),
        vec![
            series("Interni", "interni", GREEN),
            series("In entrata", "in_entrata", BLUE),
            series("In uscita", "in_uscita", ORANGE),
        ],
        true,
    );
    chart(
        (
            "g17_pendolarismo_cpi",
            "Posizioni interne, in entrata e in uscita per CPI",
        ),
        format!("Pendolarismo per centro per l'impiego, {}", c.period.name()),
        "Posizioni di lavoro a fine periodo; CPI ordinati per posizioni con sede nel CPI (interni + in entrata)",
        kind,
    )
}

/// A chart block of the section: (id, alternative text), title, subtitle, what to draw.
fn chart(id_alt: (&str, &str), title: String, subtitle: &str, kind: ChartKind) -> Block {
    let chart = Chart::new(title, SOURCE_CO, kind).with_subtitle(subtitle);
    Block::Chart(ChartBlock::new(id_alt.0, id_alt.1, chart))
}

/// The origin–destination matrix: the domicile's CPI (rows: the province's first, then the
/// others, the missing domicile last) × the workplace's CPI.
fn matrix(c: &Ctx, cpis: &[String]) -> Block {
    let cube = &c.f.commuting_od;
    let mut rows: Vec<String> = cpis.to_vec();
    let mut others: Vec<String> = cube
        .labels(0)
        .into_iter()
        .filter(|code| !rows.contains(code) && code != NI)
        .collect();
    others.sort();
    rows.extend(others);
    if cube.labels(0).iter().any(|code| code == NI) {
        rows.push(NI.into());
    }
    let mut cols: Vec<String> = cpis.to_vec();
    cols.extend(cube.labels(1).into_iter().filter(|code| !cpis.contains(code)));
    let values = rows
        .iter()
        .map(|o| {
            cols.iter()
                .map(|w| cube.count(&c.cur, &[o, w], "posizioni").published())
                .collect()
        })
        .collect();
    let kind = ChartKind::Heatmap {
        rows: rows.iter().map(|code| cpi_name(code)).collect(),
        cols: cols.iter().map(|code| cpi_name(code)).collect(),
        values,
        row_title: "CPI del domicilio".into(),
        col_title: "CPI della sede di lavoro".into(),
    };
    chart(
        (
            "g18_pendolarismo_matrice",
            "Matrice del pendolarismo tra centri per l'impiego",
        ),
        format!("Matrice origine-destinazione tra CPI, {}", c.period.name()),
        "Posizioni di lavoro a fine periodo per CPI del domicilio del lavoratore e della sede di lavoro",
        kind,
    )
}

/// The table of the province's CPIs and the total: interni, in entrata, in uscita, saldo,
/// occupati residenti, autocontenimento.
fn table(c: &Ctx, cpis: &[String]) -> TableBlock {
    let cube = &c.f.commuting;
    let header = [
        "Centro per l'impiego",
        "Interni",
        "In entrata",
        "In uscita",
        "Saldo pendolare",
        "Occupati residenti",
        "Autocontenimento %",
    ]
    .map(String::from)
    .to_vec();
    let mut codes = cpis.to_vec();
    codes.push(TOTALE.into());
    let rows = codes
        .iter()
        .map(|code| {
            let label = if code == TOTALE {
                "Totale".into()
            } else {
                cpi_name(code)
            };
            let mut r: Vec<Value> = vec![text(label)];
            r.extend(
                [
                    "interni",
                    "in_entrata",
                    "in_uscita",
                    "saldo_pendolare",
                    "occupati_residenti",
                ]
                .map(|m| num(cube.count(&c.cur, &[code], m))),
            );
            r.push(Value::Number(cube.measure(&c.cur, &[code], "autocontenimento"), 1));
            r
        })
        .collect();
    let title = format!(
        "Pendolarismo per centro per l'impiego del domicilio e della sede di lavoro, {}",
        c.period.name()
    );
    TableBlock::new("t25_pendolarismo_cpi", title, header, rows, &cube.command)
        .with_note(
            "Posizioni di lavoro in essere a fine periodo. Interni: domicilio del lavoratore (come indicato nella comunicazione) e sede di lavoro nello stesso CPI; in entrata: sede nel CPI, domicilio in un altro; in uscita: domicilio nel CPI, sede in un altro; saldo = in entrata − in uscita; autocontenimento = interni ÷ occupati residenti.",
        )
        .with_note(limit(c))
}

/// What the province's filter leaves out (the bulletin counts the workplaces in the province,
/// or with `--geografia residenza` the workers domiciled in it).
fn limit(c: &Ctx) -> &'static str {
    match c.spec.perimetro.geografia {
        Geography::Workplace => {
            "Le tavole contano le sedi di lavoro in provincia: le uscite verso sedi fuori provincia non sono osservate, quindi l'autocontenimento dei CPI è un massimo. Il totale comprende i lavoratori domiciliati fuori provincia (in entrata nel CPI della sede, in uscita dal proprio): il saldo totale è nullo."
        }
        Geography::Residence => {
            "Le tavole contano i lavoratori domiciliati in provincia: le entrate da domicili fuori provincia non sono osservate. Il totale comprende le sedi di lavoro fuori provincia (in entrata nel loro CPI): il saldo totale è nullo."
        }
    }
}

/// The commuting blocks of the section.
pub(super) fn blocks(c: &Ctx) -> Vec<Block> {
    let cpis = province_cpis(c, &c.f.commuting);
    if cpis.is_empty() {
        return vec![Block::Paragraph(
            "Pendolarismo: il lago non contiene posizioni di lavoro in essere a fine periodo nei centri per l'impiego della provincia.".into(),
        )];
    }
    vec![
        Block::Paragraph(sentences(c, &cpis)),
        ranked_bars(c, &cpis),
        matrix(c, &cpis),
        Block::Table(table(c, &cpis)),
    ]
}
