//! The pieces of XML the two communication modules share when OML writes them (the synthetic
//! generator, the tests): attributes and text elements, the root's attributes, a `SedeLavoro`,
//! the working time, the worker, and the blocks after the relationship. `unilav_xml` and
//! `unisomm_xml` each write their own layout from these.

use crate::model::{RawCo, F};
use quick_xml::escape::escape;

/// ` name="value"`, escaped; nothing for an empty value (the reader maps absent to empty).
pub(super) fn attr(out: &mut String, name: &str, value: &str) {
    if !value.is_empty() {
        out.push(' ');
        out.push_str(name);
        out.push_str("=\"");
        out.push_str(&escape(value));
        out.push('"');
    }
}

/// `<name>value</name>` on its own line, escaped; nothing for an empty value.
pub(super) fn text_el(out: &mut String, indent: &str, name: &str, value: &str) {
    if !value.is_empty() {
        out.push_str(indent);
        out.push('<');
        out.push_str(name);
        out.push('>');
        out.push_str(&escape(value));
        out.push_str("</");
        out.push_str(name);
        out.push_str(">\n");
    }
}

/// Whether any of `fs` is given.
pub(super) fn any(co: &RawCo, fs: &[F]) -> bool {
    fs.iter().any(|&f| !co.get(f).is_empty())
}

/// The start tag of the root element (`UniLav`, `UniSomm`) with the communication's attributes.
pub(super) fn write_root(out: &mut String, name: &str, ns: &str, versione: &str, co: &RawCo, with_ns: bool) {
    out.push('<');
    out.push_str(name);
    if with_ns {
        attr(out, "xmlns", ns);
    }
    attr(out, "codiceComunicazione", co.get(F::CodiceComunicazione));
    attr(out, "dataInvio", co.get(F::DataInvio));
    attr(out, "assunzioneForzaMaggiore", co.get(F::ForzaMaggiore));
    attr(out, "versione", versione);
    out.push_str(">\n");
}

/// The employer's element (`DatoreLavoro`, `AgenziaSomministrazione`) up to its own children:
/// the start tag with CF and name, the `SedeLavoro`, `Settore` and `PubblicaAmministrazione`. The
/// caller writes the rest and the end tag.
pub(super) fn write_datore(out: &mut String, co: &RawCo, element: &str) {
    out.push_str("  <");
    out.push_str(element);
    attr(out, "codiceFiscale", co.get(F::DatoreCodiceFiscale));
    attr(out, "denominazione", co.get(F::DatoreDenominazione));
    out.push_str(">\n");
    write_sede(out, co, [F::SedeLavoroComune, F::SedeLavoroCap, F::SedeLavoroIndirizzo]);
    text_el(out, "    ", "Settore", co.get(F::DatoreSettore));
    text_el(out, "    ", "PubblicaAmministrazione", co.get(F::DatorePa));
}

/// A `SedeLavoro` block (comune, CAP, address), when any of them is given.
pub(super) fn write_sede(out: &mut String, co: &RawCo, [comune, cap, indirizzo]: [F; 3]) {
    if any(co, &[comune, cap, indirizzo]) {
        out.push_str("    <SedeLavoro>\n");
        text_el(out, "      ", "Comune", co.get(comune));
        text_el(out, "      ", "cap", co.get(cap));
        text_el(out, "      ", "Indirizzo", co.get(indirizzo));
        out.push_str("    </SedeLavoro>\n");
    }
}

/// The `tipoOrario` element (code and average weekly hours), when either is given.
pub(super) fn write_orario(out: &mut String, indent: &str, co: &RawCo) {
    if any(co, &[F::TipoOrario, F::OreSettimanaliMedie]) {
        out.push_str(indent);
        out.push_str("<tipoOrario");
        attr(out, "codice", co.get(F::TipoOrario));
        attr(out, "oreSettimanaliMedie", co.get(F::OreSettimanaliMedie));
        out.push_str("/>\n");
    }
}

/// The worker (`Lavoratore`), the same in both modules.
pub(super) fn write_lavoratore(out: &mut String, co: &RawCo) {
    out.push_str("  <Lavoratore>\n    <AnagraficaCompleta");
    attr(out, "cognome", co.get(F::LavoratoreCognome));
    attr(out, "nome", co.get(F::LavoratoreNome));
    attr(out, "codice-fiscale", co.get(F::LavoratoreCodiceFiscale));
    attr(out, "cittadinanza", co.get(F::LavoratoreCittadinanza));
    attr(out, "sesso", co.get(F::LavoratoreSesso));
    out.push_str(">\n      <nascita");
    attr(out, "comune", co.get(F::LavoratoreNascitaComune));
    attr(out, "data", co.get(F::LavoratoreNascitaData));
    out.push_str("/>\n    </AnagraficaCompleta>\n");
    if any(co, &[F::LavoratoreDomicilioComune, F::LavoratoreDomicilioIndirizzo]) {
        out.push_str("    <IndirizzoLavoratore>\n");
        text_el(out, "      ", "Comune", co.get(F::LavoratoreDomicilioComune));
        text_el(out, "      ", "Indirizzo", co.get(F::LavoratoreDomicilioIndirizzo));
        out.push_str("    </IndirizzoLavoratore>\n");
    }
    text_el(out, "    ", "LivelloIstruzione", co.get(F::LavoratoreLivelloIstruzione));
    out.push_str("  </Lavoratore>\n");
}

/// The blocks after the relationship, the same in both modules: `Trasformazione`,
/// `Cessazione`, `TipoComunicazione`.
pub(super) fn write_tail(out: &mut String, co: &RawCo) {
    if any(co, &[F::CodiceTrasformazione, F::DataTrasformazione]) {
        out.push_str("  <Trasformazione");
        attr(out, "codiceTrasformazione", co.get(F::CodiceTrasformazione));
        attr(out, "dataTrasformazione", co.get(F::DataTrasformazione));
        out.push_str("/>\n");
    }
    if any(co, &[F::CodiceCausaCessazione, F::DataCessazione]) {
        out.push_str("  <Cessazione");
        attr(out, "codiceCausa", co.get(F::CodiceCausaCessazione));
        attr(out, "dataCessazione", co.get(F::DataCessazione));
        out.push_str("/>\n");
    }
    out.push_str("  <TipoComunicazione");
    attr(out, "codice", co.get(F::TipoComunicazione));
    attr(out, "evento", co.get(F::TipoEvento));
    attr(out, "tipoModulo", co.get(F::TipoModulo));
    out.push_str(">\n");
    text_el(
        out,
        "    ",
        "CodiceComunicazionePrecedente",
        co.get(F::CodiceComunicazionePrecedente),
    );
    out.push_str("  </TipoComunicazione>\n");
}
