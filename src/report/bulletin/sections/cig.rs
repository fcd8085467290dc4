//! Section "Cassa integrazione guadagni": not yet in the lake (INPS open data); the section says so.

use super::common::Ctx;
use crate::report::bulletin::Block;
use anyhow::Result;

pub(super) fn build(_: &Ctx) -> Result<Vec<Block>> {
    Ok(vec![Block::Paragraph(
        "Dati non disponibili: il lago OML non contiene ancora le ore di Cassa Integrazione Guadagni autorizzate (open data INPS, per tipo di intervento: ordinaria, straordinaria, in deroga, fondi di solidarietà). La sezione riporterà le ore autorizzate per tipo e i lavoratori equivalenti a zero ore quando l'acquisizione dei dati INPS sarà disponibile.".into(),
    )])
}
