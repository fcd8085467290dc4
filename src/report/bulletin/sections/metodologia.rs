//! Section "Nota metodologica e glossario": the data, the rules, seasonal adjustment, disclosure
//! control with this bulletin's counts, a glossary — general terms, then every measure the
//! bulletin shows with the definition its indicator file gives (`-- definizione:` lines, one
//! source for the files, `oml indicators` and the bulletin) — and the `oml indicators` commands
//! behind every table.

use super::common::{capitalise, Ctx};
use crate::report::bulletin::joint::SHOWN;
use crate::report::bulletin::Block;
use crate::report::format::{fmt_dec, month_label_long};
use crate::report::seasonal::{OutlierKind, DEFAULT_CRITICAL, LOCKDOWN_2020};
use anyhow::Result;

/// The measures shown, by indicator in catalog order: a heading and the definitions.
fn measure_glossary(c: &Ctx) -> Vec<Block> {
    let present: Vec<&str> = c.f.cubes().iter().map(|cube| cube.table.indicator.name).collect();
    let mut out = Vec::new();
    for ind in crate::analytics::indicators::catalog() {
        let Some((_, shown)) = SHOWN.iter().find(|(name, _)| *name == ind.name) else {
            continue;
        };
        if !present.contains(&ind.name) {
            continue;
        }
        let items: Vec<String> = shown
            .iter()
            .filter_map(|m| {
                let d = ind.definition(m)?;
                Some(format!("{}: {d}", capitalise(&m.replace('_', " "))))
            })
            .collect();
        if !items.is_empty() {
            out.push(Block::Paragraph(format!("{} (indicatore `{}`):", ind.title, ind.name)));
            out.push(Block::List(items));
        }
    }
    out
}

pub(super) fn build(c: &Ctx) -> Result<Vec<Block>> {
    let p = &c.f.protection;
    let mut blocks = vec![
        Block::Paragraph(format!(
            "I dati sono le Comunicazioni Obbligatorie (CO) dei datori di lavoro con sede di lavoro in provincia di {}, dal {} al {} (orizzonte dei dati). Un rapporto di lavoro è identificato da lavoratore, datore e data di inizio; le proroghe ne spostano la fine prevista, le trasformazioni ne cambiano il contratto o l'orario, la cessazione lo chiude. Un rapporto a termine giunto alla fine prevista senza comunicazione di cessazione è considerato cessato in quella data (cessazione imputata). Le date di fine sono incluse nel rapporto. Regole complete: docs/convenzioni.md.",
            c.f.province_name,
            c.f.coverage_start.format("%d/%m/%Y"),
            c.f.horizon.format("%d/%m/%Y")
        )),
        Block::Paragraph(seasonal_adjustment()),
        Block::Paragraph(format!(
            "Tutela della riservatezza (art. 5 delle regole deontologiche SISTAN): una cella è pubblicata solo se vi contribuiscono almeno {} lavoratori e {} datori di lavoro distinti; le altre sono soppresse (x), insieme alle celle necessarie a impedirne il ricalcolo per differenza. Tutte le tavole del bollettino sono protette insieme, come un unico sistema: totali e dettagli, identità tra misure (saldo = attivazioni − cessazioni + trasformazioni nette), mesi che sommano al periodo, posizioni e saldi. In questo bollettino: {} celle pubblicate, {} soppresse per soglia, {} soppresse per complementarità. Metodo: {}{}. Le variazioni e le somme sono calcolate solo da celle pubblicate (regole e garanzie: docs/riservatezza.md).",
            c.f.rules.min_workers,
            c.f.rules.min_employers,
            p.ok,
            p.suppressed_primary,
            p.suppressed_secondary,
            p.method.description(),
            if p.method == crate::sdc::Method::Intervals {
                format!(
                    ": nessuna cella soppressa per soglia si può ricavare né restringere sotto ±{} attorno al suo valore dalle celle pubblicate",
                    c.f.rules.protection_level()
                )
            } else {
                String::new()
            }
        )),
    ];
    blocks.push(Block::Paragraph("Glossario:".into()));
    blocks.push(Block::List(
        [
            "Proroga: spostamento della fine prevista di un rapporto a termine; non crea posizioni.",
            "Trasformazione: cambio di contratto (es. da tempo determinato a indeterminato) o di orario nello stesso rapporto.",
            "Destagionalizzato: al netto delle oscillazioni che si ripetono ogni anno nello stesso mese.",
            "x: dato soppresso per la tutela della riservatezza; ....: dato non disponibile.",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    ));
    blocks.extend(measure_glossary(c));
    blocks.push(Block::Paragraph("Ogni tavola si ricalcola con i comandi OML seguenti (stessi numeri; le celle soppresse possono essere di più nel bollettino, che protegge tutte le tavole insieme):".into()));
    let mut cmds: Vec<String> = c.f.cubes().iter().map(|cube| cube.command.clone()).collect();
    cmds.dedup();
    blocks.push(Block::List(cmds));
    Ok(blocks)
}

/// The seasonal-adjustment paragraph; the outlier list and the critical value
/// are those of `report::seasonal` (the method is documented there).
fn seasonal_adjustment() -> String {
    let months: Vec<String> = LOCKDOWN_2020
        .iter()
        .map(|o| {
            let kind = match o.kind {
                OutlierKind::Additive => "valore anomalo additivo",
                OutlierKind::LevelShift => "cambiamento di livello",
            };
            format!("{} ({kind})", month_label_long(o.year, o.month))
        })
        .collect();
    format!(
        "Destagionalizzazione: scomposizione a medie mobili di tipo X-11 (modello moltiplicativo), con il trattamento dei valori anomali di X-13ARIMA-SEATS. Prima di stimare i fattori stagionali la serie è corretta per i valori anomali noti, i mesi del primo lockdown: {}, e per quelli individuati automaticamente (valori anomali additivi e cambiamenti di livello, con statistica robusta oltre {}); i rapporti stagionali-irregolari estremi sono poi attenuati con i limiti di 1,5 e 2,5 deviazioni standard di X-11. Sulla serie corretta: trend con media mobile centrata 2×12 e poi di Henderson a 13 termini, fattori stagionali per mese con medie mobili 3×3 e 3×5 tra gli anni, normalizzati su 12 mesi. I valori anomali restano nella serie destagionalizzata (il calo del lockdown vi resta visibile) ma non entrano nei fattori stagionali, che altrimenti sposterebbero verso l'alto gli stessi mesi degli anni seguenti. È applicata solo a serie complete di almeno 36 mesi; i valori destagionalizzati sono stime: gli ultimi mesi sono rivisti all'arrivo di nuovi dati, che possono anche cambiare i valori anomali individuati.",
        months.join(", "),
        fmt_dec(DEFAULT_CRITICAL, 1)
    )
}
