//! The revision of the previous bulletin's figures (`--precedente`): for each monthly series the
//! bulletin publishes (`vintage::MEASURES`) and each month both bulletins have, the value then and
//! now, the difference and the difference in percent (table t24, in "Flussi e saldi"), and one
//! sentence naming the largest revision (in the sintesi, after the notice on provisional data).
//!
//! No disclosure control of its own: the table only sets side by side figures both bulletins
//! published, each protected when it was written, and differences them only when both are
//! published — anyone holding the two bulletins can do the same, so it reveals nothing new. A cell
//! withheld in either bulletin shows as "x" and is not differenced.

use super::common::{num, say, text, variation, Ctx};
use crate::report::bulletin::vintage::PublishedSeries;
use crate::report::bulletin::{Block, Figure, TableBlock, Value};
use crate::report::format::{fmt_int, fmt_pct_change, fmt_signed_int, month_label, month_label_long};
use chrono::{Datelike, NaiveDate};

/// One month of one series in both bulletins.
struct Revision<'a> {
    misura: &'a str,
    mese: &'a str,
    before: &'a Figure,
    after: &'a Figure,
}

impl Revision<'_> {
    /// Now minus then, when both are published.
    fn difference(&self) -> Option<f64> {
        Some(self.after.published()? - self.before.published()?)
    }
}

/// The months of every series that both bulletins have, in this bulletin's order.
fn revisions<'a>(before: &'a PublishedSeries, after: &'a PublishedSeries) -> Vec<Revision<'a>> {
    after
        .points
        .iter()
        .filter_map(|p| {
            Some(Revision {
                misura: &p.misura,
                mese: &p.mese,
                before: before.get(&p.misura, &p.mese)?,
                after: &p.figure,
            })
        })
        .collect()
}

/// The previous bulletin's series and this bulletin's, when `--precedente` is given.
fn vintages<'a>(c: &'a Ctx<'a>) -> Option<(&'a PublishedSeries, &'a PublishedSeries)> {
    let before = c.f.previous.as_ref()?;
    Some((before, &c.series))
}

/// "dati estratti il 05/03/2024".
fn extracted(d: Option<NaiveDate>) -> String {
    d.map(|d| format!("dati estratti il {}", d.format("%d/%m/%Y")))
        .unwrap_or_else(|| "data di estrazione non indicata".to_string())
}

/// "2024-01" as `label` names it (month_label: "gen 2024"; month_label_long: "gennaio 2024").
fn month_name(mese: &str, label: fn(i32, u32) -> String) -> String {
    NaiveDate::parse_from_str(&format!("{mese}-01"), "%Y-%m-%d")
        .map(|d| label(d.year(), d.month()))
        .unwrap_or_else(|_| mese.to_string())
}

/// The series' name in the table, and as the subject of a sentence with its verb.
fn names(misura: &str) -> (String, String, &'static str) {
    match misura {
        "saldo" => ("Saldo".into(), "il saldo".into(), "è stato rivisto"),
        m => (super::common::capitalise(m), format!("le {m}"), "sono state riviste"),
    }
}

/// The sentence of the sintesi, when there is a previous bulletin.
pub(super) fn sentence(c: &Ctx) -> Option<String> {
    let (before, after) = vintages(c)?;
    let revs = revisions(before, after);
    let lead = format!("Rispetto al bollettino precedente ({})", extracted(before.extraction));
    let compared: Vec<(&Revision, f64)> = revs.iter().filter_map(|r| Some((r, r.difference()?))).collect();
    let revised = compared.iter().filter(|(_, d)| *d != 0.0).count();
    let n = fmt_int(compared.len() as i64);
    let largest = compared.iter().max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()));
    Some(match largest {
        None => format!("{lead}, nessun valore mensile è pubblicato da entrambi i bollettini: non ci sono revisioni da confrontare."),
        Some((_, d)) if *d == 0.0 => format!(
            "{lead}, nessuna revisione: i {n} valori mensili di attivazioni, cessazioni e saldo pubblicati da entrambi i bollettini sono invariati."
        ),
        Some((r, d)) => {
            let (_, subject, verb) = names(r.misura);
            let pct = variation(r.after, r.before)
                .map(|v| format!(", {}", fmt_pct_change(v, 1)))
                .unwrap_or_default();
            let extent = if revised == 1 {
                format!("è l'unica revisione tra i {n} valori mensili confrontati")
            } else {
                format!("è la revisione più ampia: in tutto sono stati rivisti {revised} valori mensili su {n} confrontati")
            };
            format!(
                "{lead}, {subject} di {} {verb} da {} a {} ({}{pct}): {extent}.",
                month_name(r.mese, month_label_long),
                say(r.before),
                say(r.after),
                fmt_signed_int(d.round() as i64)
            )
        }
    })
}

/// Table t24 of the section "Flussi e saldi", when there is a previous bulletin.
pub(super) fn blocks(c: &Ctx) -> Vec<Block> {
    let Some((before, after)) = vintages(c) else {
        return vec![];
    };
    let rows = revisions(before, after)
        .iter()
        .map(|r| {
            let difference = r.difference().map(Figure::ok).unwrap_or_else(Figure::not_available);
            vec![
                text(names(r.misura).0),
                text(month_name(r.mese, month_label)),
                num(r.before.clone()),
                num(r.after.clone()),
                Value::Number(difference, 0),
                Value::Percent(variation(r.after, r.before)),
            ]
        })
        .collect();
    let header = [
        "Serie",
        "Mese",
        "Bollettino precedente",
        "Questo bollettino",
        "Differenza",
        "Differenza %",
    ]
    .map(String::from)
    .to_vec();
    let title = "Revisioni rispetto al bollettino precedente: attivazioni, cessazioni e saldo per mese";
    let note = format!(
        "Valori mensili pubblicati dal bollettino precedente ({}) e da questo ({}), per i mesi che entrambi pubblicano: comunicazioni tardive, rettifiche e annullamenti rivedono soprattutto gli ultimi mesi. x = dato riservato in uno dei due bollettini, non confrontato.",
        extracted(before.extraction),
        extracted(c.f.extraction)
    );
    let table = TableBlock::new("t24_revisioni", title, header, rows, &c.f.monthly.command).with_note(&note);
    vec![Block::Table(table)]
}
