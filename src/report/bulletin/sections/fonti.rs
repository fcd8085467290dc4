//! Section "Fonti e attribuzioni": data sources, licences and the thresholds applied.

use super::common::Ctx;
use crate::report::bulletin::Block;
use anyhow::Result;

pub(super) fn build(c: &Ctx) -> Result<Vec<Block>> {
    let mut list = vec![
        format!(
            "Comunicazioni Obbligatorie (modelli UNILAV): elaborazioni OML, lago aggiornato al {}.",
            c.f.horizon.format("%d/%m/%Y")
        ),
        "Fonte: ISTAT, Rilevazione sulle forze di lavoro (tasso di disoccupazione), licenza CC BY 3.0; elaborazioni su dati ISTAT.".into(),
        "Fonte: ISTAT, Elenco comuni italiani (codici e denominazioni), licenza CC BY 3.0.".into(),
        "Fonte: ANPAL – Ministero del Lavoro e delle Politiche Sociali, classificazioni standard CO (tipologie contrattuali, ATECO 2007, cittadinanze, titoli di studio).".into(),
        "Carattere tipografico: DejaVu Sans (licenza Bitstream Vera / DejaVu), incorporato nel programma.".into(),
        format!("Prodotto con OML {} (Osservatorio del Mercato del Lavoro), licenza EUPL-1.2.", env!("CARGO_PKG_VERSION")),
        format!("Soglie di riservatezza applicate: {} lavoratori e {} datori per cella.", c.spec.min_workers, c.spec.min_employers),
    ];
    if let Some(cig) = &c.f.cig {
        list.insert(1, format!("Fonte: {} (INPS, licenza CC BY); dati già pubblicati, riportati senza ulteriore controllo della riservatezza.", cig.fonte));
    }
    list.insert(
        1 + usize::from(c.f.cig.is_some()),
        format!("Tasso di disoccupazione: {}.", c.f.unemployment.fonte),
    );
    // The individual records of the labour information system, by dataset, with their files.
    let registri: Vec<String> = [
        (
            "dichiarazioni di immediata disponibilità (DID)",
            c.f.did.as_ref().map(|d| &d.files),
        ),
        (
            "lavoratori in cassa integrazione",
            c.f.cig_lavoratori.as_ref().map(|d| &d.files),
        ),
        ("liste di mobilità", c.f.liste.as_ref().map(|d| &d.files)),
    ]
    .into_iter()
    .filter_map(|(what, files)| files.map(|f| format!("{what}: {}", f.join("; "))))
    .collect();
    if !registri.is_empty() {
        list.insert(
            1,
            format!(
                "Sistema informativo lavoro (dati individuali pseudonimizzati con la chiave del lago, soggetti al controllo della riservatezza) — {}.",
                registri.join(" — ")
            ),
        );
    }
    Ok(vec![Block::List(list)])
}
