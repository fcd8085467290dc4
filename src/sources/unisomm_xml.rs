//! UNISOMM XML: the module an agency for temporary work (agenzia per il lavoro) files for agency
//! work (somministrazione), DOMAIN.md §1.3. It names two firms: the agency, the employer
//! (`AgenziaSomministrazione`, with the agency contract `RapportoAgenziaSomm`), and the user
//! firm where the worker goes on a mission (`DittaUtilizzatrice`, with its sector, its site and
//! the mission `InizioContratto/Inizio` or its extension `InizioContratto/Proroga`).
//!
//! Names follow the public UniSomm instance and a public regional reader of the module (root
//! `UniSomm` in `http://servizi.lavoro.gov.it/unisomm`, `versione="CO190701R1"`). Where they are
//! silent the layout is ours, as for UniLav (`docs/formato_unilav.md`): the `Trasformazione`,
//! `Cessazione` and `TipoComunicazione` blocks are those of UniLav, and the agency's sector, which
//! the public instance does not carry, reads as ATECO 78.20.00 (agencies for temporary work) when
//! absent [I]. The splitter and the parser are UniLav's (`unilav_xml`), which read both roots.

use super::xml_blocks::{any, attr, text_el, write_datore, write_lavoratore, write_orario, write_root, write_tail};
use crate::model::{RawCo, F};

/// Namespace of UNISOMM documents.
pub const NAMESPACE: &str = "http://servizi.lavoro.gov.it/unisomm";
/// Version attribute written on generated documents (that of the public instance).
pub const VERSIONE: &str = "CO190701R1";
/// The agency's sector when a UniSomm does not give it: ATECO 78.20.00, agencies for
/// temporary work [I].
pub const SETTORE_AGENZIA: &str = "78.20.00";

/// Attributes specific to UniSomm, by path below the root.
pub(super) fn attr_field(path: &str, name: &str) -> Option<F> {
    const MISSIONE: &str = "DittaUtilizzatrice/InizioContratto/Inizio";
    const PROROGA: &str = "DittaUtilizzatrice/InizioContratto/Proroga";
    Some(match (path, name) {
        ("AgenziaSomministrazione", "codiceFiscale") => F::DatoreCodiceFiscale,
        ("AgenziaSomministrazione", "denominazione") => F::DatoreDenominazione,
        ("AgenziaSomministrazione/RapportoAgenziaSomm", "dataInizioSomm") => F::DataInizio,
        ("AgenziaSomministrazione/RapportoAgenziaSomm", "dataFineSomm") => F::DataFine,
        ("AgenziaSomministrazione/RapportoAgenziaSomm", "entePrevidenziale") => F::EntePrevidenziale,
        ("AgenziaSomministrazione/RapportoAgenziaSomm", "TipologiaContrattuale") => F::TipologiaContrattuale,
        ("AgenziaSomministrazione/RapportoAgenziaSomm", "socioLavoratore") => F::SocioLavoratore,
        ("DittaUtilizzatrice", "codiceFiscale") => F::UtilizzatriceCodiceFiscale,
        (MISSIONE | PROROGA, "dataInizioMissione") => F::MissioneDataInizio,
        (MISSIONE | PROROGA, "dataFineMissione") => F::MissioneDataFine,
        (MISSIONE, "lavoroInAgricoltura") => F::LavoroAgricoltura,
        (PROROGA, "dataFineProroga") => F::ProrogaDataFine,
        ("DittaUtilizzatrice/InizioContratto/Inizio/tipoOrario", "codice") => F::TipoOrario,
        // The public reader spells it `oreSettimaniliMedie`; UniLav's spelling is read too.
        ("DittaUtilizzatrice/InizioContratto/Inizio/tipoOrario", "oreSettimaniliMedie" | "oreSettimanaliMedie") => {
            F::OreSettimanaliMedie
        }
        _ => return None,
    })
}

/// Text elements specific to UniSomm, by path below the root.
pub(super) fn text_field(path: &str) -> Option<F> {
    Some(match path {
        "AgenziaSomministrazione/SedeLavoro/Comune" => F::SedeLavoroComune,
        "AgenziaSomministrazione/SedeLavoro/cap" => F::SedeLavoroCap,
        "AgenziaSomministrazione/SedeLavoro/Indirizzo" => F::SedeLavoroIndirizzo,
        "AgenziaSomministrazione/Settore" => F::DatoreSettore,
        "AgenziaSomministrazione/PubblicaAmministrazione" => F::DatorePa,
        "DittaUtilizzatrice/SedeLavoro/Comune" => F::UtilizzatriceSedeLavoroComune,
        "DittaUtilizzatrice/Settore" => F::UtilizzatriceSettore,
        "DittaUtilizzatrice/PubblicaAmministrazione" => F::UtilizzatricePa,
        "DittaUtilizzatrice/InizioContratto/Inizio/ccnl" => F::Ccnl,
        "DittaUtilizzatrice/InizioContratto/Inizio/qualificaProfessionale" => F::QualificaProfessionale,
        _ => return None,
    })
}

/// Serialises one `UniSomm` element, with its own namespace (a batch's wrapper declares UniLav's).
/// Empty fields are omitted; write → read is the identity on every field (tested in
/// `unilav_xml`). The user firm's name and address are never written: the lake does not read them.
pub(super) fn write_unisomm(out: &mut String, co: &RawCo) {
    write_root(out, "UniSomm", NAMESPACE, VERSIONE, co, true);
    write_datore(out, co, "AgenziaSomministrazione");
    out.push_str("    <RapportoAgenziaSomm");
    attr(out, "dataInizioSomm", co.get(F::DataInizio));
    attr(out, "dataFineSomm", co.get(F::DataFine));
    attr(out, "entePrevidenziale", co.get(F::EntePrevidenziale));
    attr(out, "TipologiaContrattuale", co.get(F::TipologiaContrattuale));
    attr(out, "socioLavoratore", co.get(F::SocioLavoratore));
    out.push_str("/>\n  </AgenziaSomministrazione>\n");

    write_lavoratore(out, co);

    out.push_str("  <DittaUtilizzatrice");
    attr(out, "codiceFiscale", co.get(F::UtilizzatriceCodiceFiscale));
    out.push_str(">\n");
    if any(co, &[F::UtilizzatriceSedeLavoroComune]) {
        out.push_str("    <SedeLavoro>\n");
        text_el(out, "      ", "Comune", co.get(F::UtilizzatriceSedeLavoroComune));
        out.push_str("    </SedeLavoro>\n");
    }
    text_el(out, "    ", "Settore", co.get(F::UtilizzatriceSettore));
    text_el(out, "    ", "PubblicaAmministrazione", co.get(F::UtilizzatricePa));
    out.push_str("    <InizioContratto>\n      <Inizio");
    attr(out, "dataInizioMissione", co.get(F::MissioneDataInizio));
    attr(out, "dataFineMissione", co.get(F::MissioneDataFine));
    attr(out, "lavoroInAgricoltura", co.get(F::LavoroAgricoltura));
    out.push_str(">\n");
    write_orario(out, "        ", co);
    text_el(out, "        ", "ccnl", co.get(F::Ccnl));
    text_el(
        out,
        "        ",
        "qualificaProfessionale",
        co.get(F::QualificaProfessionale),
    );
    out.push_str("      </Inizio>\n");
    if any(co, &[F::ProrogaDataFine]) {
        out.push_str("      <Proroga");
        attr(out, "dataFineProroga", co.get(F::ProrogaDataFine));
        out.push_str("/>\n");
    }
    out.push_str("    </InizioContratto>\n  </DittaUtilizzatrice>\n");
    write_tail(out, co);
    out.push_str("</UniSomm>\n");
}
