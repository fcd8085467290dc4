//! Section "Rapporti cessati": the cessazioni by the Ministry of Labour's groups of causes, the
//! period beside a year earlier (table t18, the quarterly CO note), and by actual duration class
//! and sex (table t19, the annual CO report), from the `cessazioni` indicator — the same
//! relationships as the cessazioni of the flows (the protection knows they are one number).

use super::common::{capitalise, measures_by_period, num, say, say_share, share, text, Ctx};
use crate::analytics::indicators::TOTALE;
use crate::report::bulletin::{Block, Figure, TableBlock, Value};
use anyhow::Result;

/// The rows of table t18: measure and label.
const CAUSES: [(&str, &str); 7] = [
    ("cessazioni", "Rapporti cessati"),
    (
        "cessazioni_richiesta_lavoratore",
        "  su richiesta del lavoratore (dimissioni)",
    ),
    ("cessazioni_licenziamento", "  promossi dal datore: licenziamento"),
    (
        "cessazioni_cessazione_attivita",
        "  promossi dal datore: cessazione attività",
    ),
    ("cessazioni_altro_datore", "  promossi dal datore: altro"),
    ("cessazioni_fine_termine", "  al termine del contratto"),
    ("cessazioni_altre_cause", "  per altre cause"),
];

/// The rows of table t19: measure and label.
const DURATIONS: [(&str, &str); 8] = [
    ("cessazioni_durata_1", "1 giorno"),
    ("cessazioni_durata_2_3", "2-3 giorni"),
    ("cessazioni_durata_4_30", "4-30 giorni"),
    ("cessazioni_durata_31_90", "31-90 giorni"),
    ("cessazioni_durata_91_365", "91-365 giorni"),
    ("cessazioni_durata_oltre_365", "Oltre 365 giorni"),
    ("cessazioni_durata_non_nota", "Durata non nota"),
    ("cessazioni", "Totale"),
];

const SEXES: [(&str, &str); 3] = [("M", "Maschi"), ("F", "Femmine"), (TOTALE, "Totale")];

pub(super) fn build(c: &Ctx) -> Result<Vec<Block>> {
    let cube = &c.f.reference.ending;
    let get = |m: &str| cube.count(&c.cur, &[TOTALE], m);
    let total = get("cessazioni");
    let part = |m: &str| say_share(&get(m), &total).unwrap_or_else(|| "una quota non pubblicabile".into());
    let mut blocks = vec![Block::Paragraph(format!(
        "{} i rapporti di lavoro cessati sono stati {}: {} al termine del contratto, {} per dimissioni e {} per licenziamento. Un rapporto su {} era durato un giorno solo.",
        capitalise(&c.period.in_name()),
        say(&total),
        part("cessazioni_fine_termine"),
        part("cessazioni_richiesta_lavoratore"),
        part("cessazioni_licenziamento"),
        match (get("cessazioni_durata_1").published(), total.published()) {
            (Some(d), Some(t)) if d > 0.0 => format!("{:.0}", t / d),
            _ => "n.d.".into(),
        },
    ))];
    // t18: by cause, the period and a year earlier (the total over sex).
    let (header, rows) = measures_by_period(cube, c, &[TOTALE], &CAUSES);
    let title = format!("Rapporti cessati per motivo della cessazione, {}", c.period.name());
    blocks.push(Block::Table(
        TableBlock::new("t18_cessazioni_motivo", title, header, rows, &cube.command).with_note(
            "Motivi nei gruppi della nota trimestrale del Ministero del Lavoro: le cessazioni non comunicate di contratti a termine, imputate alla fine prevista, sono \"al termine del contratto\". \
             Corrispondenza dei codici in reference/oml/cause_cessazione.csv (gruppo_ministero).",
        ),
    ));
    // t19: by actual duration and sex, the period.
    let mut header = vec!["Durata effettiva".to_string()];
    header.extend(SEXES.iter().map(|(_, s)| s.to_string()));
    header.extend(SEXES.iter().map(|(_, s)| format!("{s} %")));
    let rows = DURATIONS
        .iter()
        .map(|(m, label)| {
            let mut r = vec![text(*label)];
            let cells: Vec<Figure> = SEXES.iter().map(|(s, _)| cube.count(&c.cur, &[s], m)).collect();
            let totals: Vec<Figure> = SEXES
                .iter()
                .map(|(s, _)| cube.count(&c.cur, &[s], "cessazioni"))
                .collect();
            r.extend(cells.iter().cloned().map(num));
            r.extend(cells.iter().zip(&totals).map(|(x, t)| Value::Share(share(x, t))));
            r
        })
        .collect();
    let title = format!("Rapporti cessati per durata effettiva e sesso, {}", c.period.name());
    blocks.push(Block::Table(
        TableBlock::new("t19_cessazioni_durata_sesso", title, header, rows, &cube.command).with_note(
            "Durata effettiva: giorni dall'inizio del rapporto all'ultimo giorno lavorato, estremi inclusi (classi del rapporto annuale sulle comunicazioni obbligatorie del Ministero del Lavoro).",
        ),
    ));
    Ok(blocks)
}
