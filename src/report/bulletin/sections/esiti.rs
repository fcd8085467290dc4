//! "Esiti delle misure di crisi": who got back to work after entering a DID in the province's
//! CPIs (docs/esiti.md) — sentences on each quarter's cohort, the re-employment curves (chart
//! g20), the cohorts' shares by 3, 6 and 12 months with the median, a new employer and a recall
//! (table t28), the complete-window shares in the form of the public monitoring of active
//! policies (t29), the matched comparison with people who lost a job and did not enter (t30), and
//! the workers who entered Cassa integrazione: who left the employer, who worked elsewhere (t31).
//! The same blocks make the policy note `oml report esiti`.

use super::common::{num, say, share, text, Ctx, BLUE, ORANGE};
use crate::analytics::indicators::Periodicity;
use crate::report::bulletin::esiti::{Cohort, EsitiFigures};
use crate::report::bulletin::{italian_period, Block, ChartBlock, Figure, TableBlock, Value};
use crate::report::charts::{Chart, ChartKind, Series};
use crate::report::format::{fmt_dec, fmt_pct, quarter_short};
use std::collections::BTreeMap;

const FONTE: &str = "elaborazioni OML su DID del sistema informativo lavoro e comunicazioni obbligatorie";
const SOURCE: &str = "Fonte: elaborazioni OML su DID del sistema informativo lavoro e comunicazioni obbligatorie";

/// The section in the bulletin: the cohorts that entered a year before the period.
pub(super) fn build(c: &Ctx) -> anyhow::Result<Vec<Block>> {
    Ok(match &c.f.esiti {
        Some(e) => blocks(e),
        None if !c.f.registri.did => vec![Block::Paragraph(
            "Il lago non contiene DID (dichiarazioni di immediata disponibilità, `oml ingest did`): gli esiti delle misure di crisi non sono calcolabili.".to_string(),
        )],
        None => vec![Block::Paragraph(
            "Nessuna DID rilasciata nei centri per l'impiego della provincia nell'anno che precede di dodici mesi il periodo del bollettino: gli esiti a 12 mesi non sono ancora osservabili.".to_string(),
        )],
    })
}

/// "I trim. 2023" from "2023-Q1".
fn cohort_name(label: &str, long: bool) -> String {
    let Some((y, q)) = label.split_once("-Q") else {
        return label.to_string();
    };
    let (Ok(y), Ok(q)) = (y.parse::<i32>(), q.parse::<u32>()) else {
        return label.to_string();
    };
    match chrono::NaiveDate::from_ymd_opt(y, 3 * q - 2, 1) {
        Some(d) if long => italian_period(d, Periodicity::Quarter),
        _ => quarter_short(y, q),
    }
}

/// "41,3%", or None when withheld.
fn pct(f: &Figure) -> Option<String> {
    f.published().map(|v| fmt_pct(v, 1))
}

/// The article of a percentage as it is read: "lo 0,2%", "l'8,1%", "l'11%", "il 41,3%".
fn the(p: &str) -> String {
    let int = p.split([',', '%']).next().unwrap_or("");
    if int == "0" {
        format!("lo {p}")
    } else if int == "1" || int == "11" || int.starts_with('8') {
        format!("l'{p}")
    } else {
        format!("il {p}")
    }
}

/// The sentence on one cohort: "Dei 1.240 lavoratori entrati in DID nel I trimestre 2023 senza un
/// lavoro, il 41,3% aveva un nuovo rapporto di lavoro entro 6 mesi …".
fn sentence(k: &Cohort) -> Option<String> {
    let n = k.get("ingressi_non_occupati");
    n.published()?;
    let six = pct(&k.get("quota_rioccupati_6m"))?;
    let mut s = format!(
        "Dei {} lavoratori entrati in DID nel {} senza un lavoro, {} aveva un nuovo rapporto di lavoro entro 6 mesi",
        say(&n),
        cohort_name(&k.label, true),
        the(&six)
    );
    if let Some(twelve) = pct(&k.get("quota_rioccupati_12m")) {
        s.push_str(&format!(" e {} entro 12 mesi", the(&twelve)));
    }
    if let Some(m) = k.get("mediana_giorni").published() {
        s.push_str(&format!("; la metà lo aveva trovato entro {} giorni", fmt_dec(m, 0)));
    }
    s.push('.');
    if let (Some(r), Some(stab)) = (pct(&k.get("incidenza_richiamo_12m")), k.inapp.get("quota_stabili_12m")) {
        if let Some(stab) = pct(stab) {
            s.push_str(&format!(
                " Il richiamo dal datore di provenienza riguarda {} entro 12 mesi; dei rioccupati entro 12 mesi, {} è in un lavoro stabile (a tempo indeterminato o durato almeno 6 mesi).",
                the(&r),
                the(&stab)
            ));
        }
    }
    Some(s)
}

/// The blocks of the section (and of `oml report esiti`).
pub fn blocks(e: &EsitiFigures) -> Vec<Block> {
    let fmt_date = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
    let mut out = vec![Block::Paragraph(format!(
        "Chi è entrato in DID (dichiarazione di immediata disponibilità) nei centri per l'impiego della provincia dal {} al {}, seguito nelle comunicazioni obbligatorie fino al {}. La rioccupazione è il primo nuovo rapporto di lavoro iniziato dopo la DID, presso qualsiasi datore; chi non è ancora rioccupato all'ultima data osservata è censurato (curve di Kaplan–Meier), non contato come insuccesso; il richiamo presso il datore di provenienza è contato a parte.",
        fmt_date(e.entries.0),
        fmt_date(e.entries.1),
        fmt_date(e.horizon)
    ))];
    let sentences: Vec<String> = e.cohorts.iter().filter_map(sentence).collect();
    if !sentences.is_empty() {
        out.push(Block::Paragraph(sentences.join(" ")));
    }
    if let Some(s) = comparison_sentence(e) {
        out.push(Block::Paragraph(s));
    }
    if let Some(chart) = curves_chart(e) {
        out.push(Block::Chart(chart));
    }
    out.push(Block::Table(cohorts_table(e)));
    out.push(Block::Table(inapp_table(e)));
    if !e.effects.is_empty() {
        out.push(Block::Table(comparison_table(e)));
    }
    out.extend(cig_blocks(e));
    out
}

/// A count of the indicator's cells: a measure with no row is a known zero; a share with no
/// row has no base.
fn cell(m: &BTreeMap<String, Figure>, k: &str) -> Figure {
    match m.get(k) {
        Some(f) => f.clone(),
        None if !k.starts_with("quota_") && !m.is_empty() => Figure::ok(0.0),
        None => Figure::not_available(),
    }
}

/// `part` as a percentage of `whole`, from published cells; withheld ("x") when either is.
fn ratio(part: &Figure, whole: &Figure) -> Figure {
    match share(part, whole) {
        Some(v) => Figure::ok((v * 10.0).round() / 10.0),
        None if part.status.is_suppressed() || whole.status.is_suppressed() => Figure {
            value: None,
            status: crate::sdc::Status::SuppressedSecondary,
        },
        None => Figure::not_available(),
    }
}

/// The CIG episodes: who left the employer and who worked elsewhere within 12 months, among
/// those whose relationship with the employer is in the communications.
fn cig_blocks(e: &EsitiFigures) -> Vec<Block> {
    if e.cig.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let sentences: Vec<String> = e
        .cig
        .iter()
        .filter_map(|(period, m)| {
            let observed = cell(m, "osservati_12m");
            let left = share(&cell(m, "cessati_datore_12m"), &observed)?;
            let elsewhere = share(&cell(m, "nuovo_datore_12m"), &observed)?;
            Some(format!(
                "Dei {} lavoratori entrati in cassa integrazione nel {} e seguiti per 12 mesi, {} ha lasciato il datore entro l'anno e {} lavorava presso un altro datore.",
                say(&observed),
                cohort_name(period, true),
                the(&fmt_pct(left, 1)),
                the(&fmt_pct(elsewhere, 1))
            ))
        })
        .collect();
    if !sentences.is_empty() {
        out.push(Block::Paragraph(sentences.join(" ")));
    }
    let header = [
        "Trimestre di ingresso",
        "Ingressi in CIG (episodi)",
        "di cui fuori copertura CO",
        "Osservati 12 mesi",
        "Cessati dal datore entro 12 mesi (%)",
        "Rioccupati presso un altro datore entro 12 mesi (%)",
        "Occupati 12 mesi dopo (%)",
    ];
    let rows = e
        .cig
        .iter()
        .map(|(period, m)| {
            let observed = cell(m, "osservati_12m");
            vec![
                text(cohort_name(period, false)),
                num(cell(m, "ingressi")),
                num(cell(m, "ingressi_fuori_copertura")),
                num(observed.clone()),
                percent(ratio(&cell(m, "cessati_datore_12m"), &observed)),
                percent(ratio(&cell(m, "nuovo_datore_12m"), &observed)),
                percent(cell(m, "quota_occupati_12m")),
            ]
        })
        .collect();
    out.push(Block::Table(table(
        "t31_esiti_cig",
        "Lavoratori entrati in cassa integrazione: esiti a 12 mesi per trimestre di ingresso",
        &header,
        rows,
        &e.commands[2],
        "Un episodio: i periodi di cassa integrazione di un lavoratore presso lo stesso datore a meno di 30 giorni l'uno dall'altro. Fuori copertura: il rapporto con il datore non è nelle comunicazioni obbligatorie (assunti prima delle CO e mai più comunicati); se restino in forza non si può dire, e non sono tra gli osservati. Le quote sono calcolate sui conteggi pubblicati.",
    )));
    out
}

fn comparison_sentence(e: &EsitiFigures) -> Option<String> {
    let twelve = e.effects.iter().find(|x| x.months == 12)?;
    let (t, c, d) = (
        pct(&twelve.treated)?,
        pct(&twelve.controls)?,
        twelve.difference.figure.published()?,
    );
    let (lo, hi) = twelve.difference.bounds?;
    let verdict = if lo > 0.0 {
        "più alta"
    } else if hi < 0.0 {
        "più bassa"
    } else {
        "non distinguibile"
    };
    let mut s = format!(
        "Rispetto a lavoratori simili (stesso sesso, classe di età, settore, centro per l'impiego, contratto e causa della cessazione, stesso trimestre e stessa attesa) che hanno perso il lavoro senza entrare in DID, la quota di rioccupati entro 12 mesi dalla perdita del lavoro è {verdict}: {t} contro {c}, una differenza di {} punti (intervallo al 95% da {} a {}).",
        fmt_dec(d, 1),
        fmt_dec(lo, 1),
        fmt_dec(hi, 1)
    );
    if let Some((v, d)) = &e.balance {
        s.push_str(&format!(
            " Tra le caratteristiche non abbinate la differenza standardizzata più ampia dopo l'abbinamento è {} ({v}).",
            fmt_dec(*d, 2)
        ));
    }
    s.push_str(" È un confronto tra persone simili nelle caratteristiche osservate, non una misura dell'effetto causale della DID.");
    Some(s)
}

fn curves_chart(e: &EsitiFigures) -> Option<ChartBlock> {
    let longest = e.cohorts.iter().map(|k| k.curve.len()).max().filter(|&n| n > 1)?;
    let days: Vec<u32> = (0..longest as u32).map(|i| 30 * i).collect();
    let x_labels = days.iter().map(|d| format!("{}", d / 30)).collect();
    let series = e
        .cohorts
        .iter()
        .filter(|k| !k.curve.is_empty())
        .enumerate()
        .map(|(i, k)| {
            let values = days
                .iter()
                .map(|d| k.curve.iter().find(|(x, _)| x == d).and_then(|p| p.1))
                .collect();
            let s = Series::new(cohort_name(&k.label, false), values);
            match i {
                0 => s.with_color(BLUE),
                1 => s.with_color(ORANGE),
                _ => s,
            }
        })
        .collect();
    let chart = Chart::new(
        "Rioccupati dopo la DID per trimestre di ingresso (% cumulata, Kaplan–Meier)",
        SOURCE,
        ChartKind::Lines { x_labels, series },
    )
    .with_subtitle("Mesi dall'ingresso (30 giorni); punti non mostrati dove riservati")
    .with_y_label("% rioccupati");
    Some(ChartBlock::new(
        "g20_esiti_curve",
        "Quota cumulata di rioccupati per mese dall'ingresso in DID, una linea per trimestre di ingresso",
        chart,
    ))
}

/// A table of the section: its header, rows, the command that recomputes it and a note.
fn table(id: &str, title: &str, header: &[&str], rows: Vec<Vec<Value>>, command: &str, note: &str) -> TableBlock {
    let header = header.iter().map(|h| h.to_string()).collect();
    TableBlock::new(id, title, header, rows, command)
        .with_fonte(FONTE)
        .with_note(note)
}

fn percent(f: Figure) -> Value {
    Value::Number(f, 1)
}

fn cohorts_table(e: &EsitiFigures) -> TableBlock {
    let header = [
        "Trimestre di ingresso",
        "Ingressi senza lavoro",
        "Rioccupati entro 3 mesi (%)",
        "entro 6 mesi (%)",
        "entro 12 mesi (%)",
        "Mediana (giorni)",
        "Nuovo datore entro 12 mesi (%)",
        "Richiamo entro 12 mesi (%)",
    ];
    let rows = e
        .cohorts
        .iter()
        .map(|k| {
            vec![
                text(cohort_name(&k.label, false)),
                num(k.get("ingressi_non_occupati")),
                percent(k.get("quota_rioccupati_3m")),
                percent(k.get("quota_rioccupati_6m")),
                percent(k.get("quota_rioccupati_12m")),
                num(k.get("mediana_giorni")),
                percent(k.get("incidenza_nuovo_datore_12m")),
                percent(k.get("incidenza_richiamo_12m")),
            ]
        })
        .collect();
    table(
        "t28_esiti_coorti",
        "Esiti della DID per trimestre di ingresso: rioccupati entro 3, 6 e 12 mesi (Kaplan–Meier), nuovo datore e richiamo (Aalen–Johansen)",
        &header,
        rows,
        &e.commands[0],
        "Quote stimate a 91, 182 e 365 giorni dall'ingresso con la censura all'ultima data osservata; nuovo datore + richiamo = rioccupati. Intervalli al 95% e curve complete: oml outcomes.",
    )
}

fn inapp_table(e: &EsitiFigures) -> TableBlock {
    let header = [
        "Trimestre di ingresso",
        "Ingressi",
        "Con un lavoro all'ingresso",
        "Osservati 12 mesi",
        "Rioccupati entro 12 mesi (%)",
        "di cui in lavoro stabile (%)",
        "Occupati 12 mesi dopo (%)",
        "Occupati 180 giorni dopo la fine della DID (%)",
    ];
    let get = |k: &Cohort, m: &str| cell(&k.inapp, m);
    let rows = e
        .cohorts
        .iter()
        .map(|k| {
            vec![
                text(cohort_name(&k.label, false)),
                num(get(k, "ingressi")),
                num(get(k, "ingressi_occupati")),
                num(get(k, "osservati_12m")),
                percent(get(k, "quota_rioccupati_12m")),
                percent(get(k, "quota_stabili_12m")),
                percent(get(k, "quota_occupati_12m")),
                percent(get(k, "quota_occupati_180_dopo_fine")),
            ]
        })
        .collect();
    table(
        "t29_esiti_forma_inapp",
        "Esiti della DID a finestra completa, nella forma del monitoraggio pubblico delle politiche attive",
        &header,
        rows,
        &e.commands[1],
        "Solo coorti con i 12 mesi interi osservati; chi aveva già un lavoro all'ingresso è contato a parte. Stabile: a tempo indeterminato o durato almeno 6 mesi (Veneto Lavoro).",
    )
}

fn comparison_table(e: &EsitiFigures) -> TableBlock {
    let header = [
        "Entro",
        "Entrati in DID abbinati",
        "Rioccupati: entrati in DID (%)",
        "Rioccupati: lavoratori simili non entrati (%)",
        "Differenza (punti)",
        "Intervallo al 95%",
    ];
    let rows = e
        .effects
        .iter()
        .map(|x| {
            let interval = match (x.difference.figure.published(), x.difference.bounds) {
                (Some(_), Some((lo, hi))) => format!("{} ; {}", fmt_dec(lo, 1), fmt_dec(hi, 1)),
                _ => "x".to_string(),
            };
            vec![
                text(format!("{} mesi", x.months)),
                x.n_treated_matched.map_or(text("x"), |n| num(Figure::ok(n as f64))),
                percent(x.treated.clone()),
                percent(x.controls.clone()),
                percent(x.difference.figure.clone()),
                text(interval),
            ]
        })
        .collect();
    table(
        "t30_esiti_confronto",
        "Confronto con lavoratori simili che hanno perso il lavoro senza entrare in DID",
        &header,
        rows,
        &format!("{} --table confronto", e.commands[0]),
        "Giorno zero: l'ultimo giorno lavorato. Abbinamento esatto su sesso, classe di età, settore, centro per l'impiego, contratto e causa della cessazione, trimestre e fascia di attesa di 30 giorni; un confronto sotto le ipotesi dell'abbinamento, non un effetto causale (docs/esiti.md).",
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn articles_of_percentages_as_they_are_read() {
        for (p, want) in [
            ("0,2%", "lo 0,2%"),
            ("8,1%", "l'8,1%"),
            ("80,0%", "l'80,0%"),
            ("11,4%", "l'11,4%"),
            ("1,5%", "l'1,5%"),
            ("41,3%", "il 41,3%"),
            ("18,0%", "il 18,0%"),
            ("100,0%", "il 100,0%"),
        ] {
            assert_eq!(super::the(p), want);
        }
    }
}
