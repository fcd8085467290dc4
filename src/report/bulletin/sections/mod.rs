//! The bulletin's sections: tables, charts and generated Italian sentences from the protected
//! cubes, one file per section, listed here in the order the bulletin prints them. Every number
//! shown is a published cell or is derived (variations, sums, seasonal adjustment) only from
//! published cells; a withheld cell shows as "x" and stops any derivation.

mod cessazioni;
mod cig;
mod cig_lavoratori;
mod common;
mod contratti;
mod did;
mod disoccupazione;
mod esiti;
mod flussi;
mod fonti;
mod ingressi;
mod j2j;
mod liste;
mod metodologia;
mod mobilita;
mod pendolarismo;
mod revisioni;
mod saldi;
mod settori;
mod sintesi;
mod territorio;

use super::data::Figures;
use super::{Block, Bulletin, BulletinPeriod, BulletinSpec, Section};
use anyhow::{Context, Result};
use common::{capitalise, Ctx};

pub use common::{variation, ATECO_SECTIONS, CONTRACTS, SECTORS, SOURCE_CO, SOURCE_RFL};
pub use esiti::blocks as esiti_blocks;

/// One section a bulletin can have.
pub struct SectionKind {
    /// Anchor in the HTML and name in a pipeline's `sections = [...]`.
    pub id: &'static str,
    pub title: &'static str,
    /// Paragraphs, tables and charts in reading order.
    build: fn(&Ctx) -> Result<Vec<Block>>,
}

const fn section(id: &'static str, title: &'static str, build: fn(&Ctx) -> Result<Vec<Block>>) -> SectionKind {
    SectionKind { id, title, build }
}

/// The sections a bulletin can have, in their order.
pub const SECTIONS: [SectionKind; 12] = [
    section("sintesi", "Sintesi", sintesi::build),
    section("flussi", "Flussi e saldi", flussi::build),
    section("contratti", "Contratti", contratti::build),
    section("cessazioni", "Rapporti cessati", cessazioni::build),
    section("settori", "Settori", settori::build),
    section("territorio", "Territorio", territorio::build),
    section("cig", "Cassa integrazione guadagni", cig::build),
    section("disoccupazione", "Disoccupazione", disoccupazione::build),
    section("esiti", "Esiti delle misure di crisi", esiti::build),
    section("mobilita", "Mobilità dei lavoratori", mobilita::build),
    section("metodologia", "Nota metodologica e glossario", metodologia::build),
    section("fonti", "Fonti e attribuzioni", fonti::build),
];

/// Builds the document from the sections `ids` (names from [`SECTIONS`], in the order given).
pub fn assemble(spec: &BulletinSpec, period: &BulletinPeriod, f: &Figures, ids: &[&str]) -> Result<Bulletin> {
    let ctx = Ctx {
        spec,
        period,
        f,
        cur: period.label.clone(),
        prev: period.prev_label.clone(),
        series: super::vintage::PublishedSeries::of(f, period.al, super::vintage::scope(spec)),
    };
    let mut sections = Vec::new();
    for id in ids {
        let kind = SECTIONS
            .iter()
            .find(|s| s.id == *id)
            .with_context(|| format!("unknown bulletin section {id:?}"))?;
        sections.push(Section {
            id: kind.id,
            title: kind.title,
            blocks: (kind.build)(&ctx)?,
        });
    }
    let title = spec
        .title
        .clone()
        .unwrap_or_else(|| format!("Bollettino del mercato del lavoro — provincia di {}", f.province_name));
    Ok(Bulletin {
        title,
        subtitle: format!(
            "{} · Comunicazioni Obbligatorie, lavoro dipendente e parasubordinato, {} in provincia",
            capitalise(&period.name()),
            match spec.perimetro.geografia {
                crate::analytics::perimeter::Geography::Workplace => "sede di lavoro",
                crate::analytics::perimeter::Geography::Residence => "domicilio del lavoratore",
            }
        ),
        generated: chrono::Local::now().format("%d/%m/%Y %H:%M").to_string(),
        sections,
        series: ctx.series,
    })
}
