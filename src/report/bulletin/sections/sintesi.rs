//! Section "Sintesi": the headline figures of the period against a year earlier — activations,
//! terminations (of which imputed), saldo, transformations to permanent contracts, workers,
//! positions at the end of the period — as sentences and table t01, after the notice on
//! provisional data and the revision of the previous bulletin's figures (`revisioni.rs`).

use super::common::{capitalise, num, say, say_signed, say_var, text, variation, Ctx};
use crate::analytics::indicators::TOTALE;
use crate::report::bulletin::{Block, Figure, TableBlock, Value};
use crate::report::format::fmt_signed_int;
use anyhow::Result;
use chrono::Datelike;

/// Months before the horizon whose figures are provisional: late communications, rettifiche and
/// annullamenti keep arriving for about a quarter [I] (docs/convenzioni.md).
const PROVISIONAL_MONTHS: u32 = 3;

/// The notice on provisional data, when the period reaches into the last months of the lake.
fn provisional(c: &Ctx) -> Option<String> {
    let horizon = c.f.horizon;
    let first = horizon
        .checked_sub_months(chrono::Months::new(PROVISIONAL_MONTHS))?
        .succ_opt()?;
    if c.period.al < first {
        return None;
    }
    let extracted =
        c.f.extraction
            .map(|d| format!("Dati estratti il {}, ", d.format("%d/%m/%Y")))
            .unwrap_or_default();
    Some(format!(
        "{extracted}comunicazioni complete fino al {}. I dati da {} a {} sono provvisori: comunicazioni tardive, rettifiche e annullamenti possono ancora modificarli, e i bollettini successivi li riporteranno aggiornati.",
        horizon.format("%d/%m/%Y"),
        crate::report::format::month_label_long(first.year(), first.month()),
        crate::report::format::month_label_long(horizon.year(), horizon.month())
    ))
}

/// The perimeter and conventions of the bulletin's CO figures, stated as the reference bulletins
/// state theirs (docs/convenzioni.md): the perimeter chosen (`BulletinSpec::perimetro`), then the
/// conventions OML always applies.
fn perimeter(c: &Ctx) -> Vec<Block> {
    let p = &c.spec.perimetro;
    let mut lines = vec![format!(
        "Comunicazioni obbligatorie di lavoro dipendente e parasubordinato, provincia di {}; le tavole su DID, cassa integrazione e disoccupazione ISTAT hanno il perimetro delle loro fonti.",
        c.f.province_name
    )];
    lines.extend(p.describe());
    lines.extend([
        "Le comunicazioni della somministrazione e della pubblica amministrazione si fanno entro il 20 del mese successivo: l'ultimo mese dei dati è incompleto per entrambe.".to_string(),
        "Data di cessazione: l'ultimo giorno lavorato; un contratto a termine senza comunicazione di cessazione cessa alla fine prevista, proroghe comprese (cessazione imputata).".into(),
        "Proroghe: non sono attivazioni; trasformazioni: cambiano il contratto, non creano né chiudono rapporti.".into(),
    ]);
    vec![
        Block::Paragraph("Perimetro e convenzioni di questo bollettino:".into()),
        Block::List(lines),
    ]
}

pub(super) fn build(c: &Ctx) -> Result<Vec<Block>> {
    let p = c.period;
    let att = c.total(&c.cur, "attivazioni");
    let ces = c.total(&c.cur, "cessazioni");
    let imp = c.total(&c.cur, "cessazioni_imputate");
    let saldo = c.total(&c.cur, "saldo");
    let att0 = c.prev_or_na(&c.f.by_contract, TOTALE, "attivazioni");
    let ces0 = c.prev_or_na(&c.f.by_contract, TOTALE, "cessazioni");
    let saldo0 = c.prev_or_na(&c.f.by_contract, TOTALE, "saldo");
    let ti_tr = c.f.reference.permanent.count(&c.cur, &[TOTALE], "trasformazioni_a_ti");
    let workers = c.f.workers.measure(&c.cur, &[TOTALE], "lavoratori_interessati");
    let workers0 = if c.f.has_previous {
        c.f.workers.measure(&c.prev, &[TOTALE], "lavoratori_interessati")
    } else {
        Figure::not_available()
    };
    let pos = c.f.positions.count(&c.cur, &[TOTALE], "posizioni_fine");
    let pos0 = if c.f.has_previous {
        c.f.positions.count(&c.prev, &[TOTALE], "posizioni_fine")
    } else {
        Figure::not_available()
    };

    let mut text_ = capitalise(&format!(
        "{}, in provincia di {}, le attivazioni di rapporti di lavoro sono state {}",
        p.in_name(),
        c.f.province_name,
        say(&att)
    ));
    // The same period of the reference year (2019 unless --anno-riferimento), when covered.
    let reference = c.f.reference.reference_period.as_ref().map(|(cube, dal)| {
        let label = crate::report::bulletin::period_label(*dal, p.periodicity);
        let get = |m: &str| cube.count(&label, &[], m);
        (get("attivazioni"), get("saldo"), *dal)
    });
    if c.f.has_previous {
        text_.push_str(&format!(
            ", {} {}",
            say_var(variation(&att, &att0)),
            p.versus_previous()
        ));
        if let Some((att_r, _, dal)) = &reference {
            text_.push_str(&format!(" e {} {}", say_var(variation(&att, att_r)), p.versus(*dal)));
        }
        text_.push_str(&format!(
            "; le cessazioni {} ({})",
            say(&ces),
            say_var(variation(&ces, &ces0))
        ));
    } else {
        text_.push_str(&format!("; le cessazioni {}", say(&ces)));
    }
    text_.push_str(&format!(
        ", di cui {} imputate alla scadenza del contratto a termine. Il saldo è di {} posizioni di lavoro",
        say(&imp),
        say_signed(&saldo)
    ));
    if c.f.has_previous {
        text_.push_str(&format!(" (era {} un anno prima", say_signed(&saldo0)));
        if let Some((_, saldo_r, dal)) = &reference {
            text_.push_str(&format!(
                " e {} nello stesso periodo del {}",
                say_signed(saldo_r),
                dal.year()
            ));
        }
        text_.push_str(").");
    } else {
        text_.push('.');
    }
    let mut paras: Vec<String> = provisional(c).into_iter().collect();
    paras.extend(super::revisioni::sentence(c));
    paras.push(text_);
    let mut s2 = format!(
        "I lavoratori interessati da almeno un'attivazione sono stati {}",
        say(&workers)
    );
    if c.f.has_previous {
        s2.push_str(&format!(" ({})", say_var(variation(&workers, &workers0))));
    }
    s2.push_str(&format!(
        "; le trasformazioni di rapporti a termine in tempo indeterminato {}.",
        say(&ti_tr)
    ));
    paras.push(s2);
    let mut s3 = format!(
        "Alla fine del periodo le posizioni di lavoro attive risultanti dalle comunicazioni erano {}",
        say(&pos)
    );
    if let (Some(a), Some(b)) = (pos.published(), pos0.published()) {
        s3.push_str(&format!(
            ", {} rispetto a un anno prima",
            fmt_signed_int((a - b).round() as i64)
        ));
    }
    s3.push_str(" (un limite inferiore: non comprende i rapporti iniziati prima del periodo coperto dal lago e mai più comunicati).");
    paras.push(s3);
    if let Some(region) = &c.f.region {
        let r_att = region.count(&c.cur, &[], "attivazioni");
        let r_att0 = region.count(&c.prev, &[], "attivazioni");
        paras.push(format!(
            "Nell'intera regione {} le attivazioni sono state {} ({}).",
            c.f.region_name.clone().unwrap_or_default(),
            say(&r_att),
            say_var(variation(&r_att, &r_att0))
        ));
    }
    paras.extend(super::saldi::sentence(c));
    paras.extend(super::ingressi::sentence(c));
    if let Some(s) = super::cig::sentence(c) {
        paras.push(s);
    }
    if let Some(s) = super::cig_lavoratori::sentence(c) {
        paras.push(s);
    }
    if let Some(s) = super::did::sentence(c) {
        paras.push(s);
    }

    let mut rows = Vec::new();
    let mut row = |label: &str, cur: Figure, prev: Figure, pct: bool| {
        let var = if pct {
            Value::Percent(variation(&cur, &prev))
        } else {
            Value::Text(String::new())
        };
        rows.push(vec![text(label), num(cur), num(prev), var]);
    };
    row("Attivazioni", att, att0, true);
    row("Cessazioni", ces, ces0, true);
    row(
        "  di cui imputate",
        imp,
        c.prev_or_na(&c.f.by_contract, TOTALE, "cessazioni_imputate"),
        true,
    );
    row("Saldo (attivazioni − cessazioni)", saldo, saldo0, false);
    row(
        "Trasformazioni a tempo indeterminato",
        ti_tr,
        c.prev_or_na(&c.f.reference.permanent, TOTALE, "trasformazioni_a_ti"),
        true,
    );
    row("Lavoratori interessati", workers, workers0, true);
    row("Posizioni di lavoro a fine periodo", pos, pos0, true);
    let title = format!("Principali indicatori, {} e {}", p.name(), p.prev_name());
    let header = vec![
        "Indicatore".into(),
        capitalise(&p.name()),
        capitalise(&p.prev_name()),
        "Variazione %".into(),
    ];
    let table = TableBlock::new("t01_sintesi", title, header, rows, &c.f.by_contract.command)
        .with_source(&c.f.workers.command)
        .with_source(&c.f.positions.command);
    let mut blocks: Vec<Block> = paras.into_iter().map(Block::Paragraph).collect();
    blocks.push(Block::Table(table));
    blocks.extend(perimeter(c));
    Ok(blocks)
}
