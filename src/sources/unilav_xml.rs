//! UNILAV XML: the Ministry's XML model of a communication (DOMAIN.md §1.3).
//!
//! Element and attribute names follow the public UniLav instances: root `UniLav` in the
//! namespace `http://servizi.lavoro.gov.it/unilav`, `DatoreLavoro`, `Lavoratore /
//! AnagraficaCompleta`, `InizioRapporto`, plus `Proroga`, `Trasformazione`, `Cessazione` and
//! `TipoComunicazione` blocks. The official XSD is not available to the project; where the
//! public instances are silent the layout is ours and is documented in `docs/formato_unilav.md`.
//! A file may hold one `UniLav` document or any wrapper element holding many (the synthetic
//! generator writes `<UniLavBatch>`); `.zip` batches of such files are read too.

use super::xml_blocks::{any, attr, text_el, write_datore, write_lavoratore, write_orario, write_root, write_tail};
use crate::model::{RawCo, F};
use anyhow::{Context, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Namespace of UNILAV documents.
pub const NAMESPACE: &str = "http://servizi.lavoro.gov.it/unilav";
/// Version attribute written on generated documents.
pub const VERSIONE: &str = "CO160201R1";

/// Writes communications as `UniLav` elements inside one `<UniLavBatch>` wrapper.
pub struct XmlBatchWriter<W: Write> {
    w: W,
    buf: String,
}

impl XmlBatchWriter<BufWriter<File>> {
    /// Creates the file (and its parent folders) and writes the XML declaration and wrapper.
    pub fn create(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let f = File::create(path).with_context(|| format!("creating {}", path.display()))?;
        XmlBatchWriter::new(BufWriter::with_capacity(1 << 20, f))
    }
}

impl<W: Write> XmlBatchWriter<W> {
    pub fn new(mut w: W) -> Result<Self> {
        writeln!(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(w, "<UniLavBatch xmlns=\"{NAMESPACE}\">")?;
        Ok(XmlBatchWriter {
            w,
            buf: String::with_capacity(4096),
        })
    }

    /// Appends one communication.
    pub fn write(&mut self, co: &RawCo) -> Result<()> {
        self.buf.clear();
        write_record(&mut self.buf, co, false);
        self.w.write_all(self.buf.as_bytes())?;
        Ok(())
    }

    /// Closes the wrapper and flushes.
    pub fn finish(mut self) -> Result<W> {
        writeln!(self.w, "</UniLavBatch>")?;
        self.w.flush()?;
        Ok(self.w)
    }
}

/// One communication as a stand-alone XML document (one file = one communication).
pub fn to_xml_document(co: &RawCo) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    write_record(&mut s, co, true);
    s
}

/// One communication in the module its `SYS_TIPOMODULO` names: `UniSomm` for agency work
/// (`US`, [`super::unisomm_xml`]), else `UniLav`. The user firm's fields go only in a
/// `UniSomm`: a UniLav has no place for them.
fn write_record(out: &mut String, co: &RawCo, with_ns: bool) {
    if co.get(F::TipoModulo) == "US" {
        super::unisomm_xml::write_unisomm(out, co);
    } else {
        write_unilav(out, co, with_ns);
    }
}

/// Serialises one `UniLav` element. Empty fields are omitted; the reader maps absent to empty,
/// so write → read is the identity on every field (tested).
fn write_unilav(out: &mut String, co: &RawCo, with_ns: bool) {
    write_root(out, "UniLav", NAMESPACE, VERSIONE, co, with_ns);
    write_datore(out, co, "DatoreLavoro");
    out.push_str("  </DatoreLavoro>\n");

    write_lavoratore(out, co);

    out.push_str("  <InizioRapporto");
    attr(out, "dataInizio", co.get(F::DataInizio));
    attr(out, "dataFine", co.get(F::DataFine));
    attr(out, "entePrevidenziale", co.get(F::EntePrevidenziale));
    attr(out, "socioLavoratore", co.get(F::SocioLavoratore));
    attr(out, "lavoroInAgricoltura", co.get(F::LavoroAgricoltura));
    out.push_str(">\n");
    text_el(out, "    ", "TipologiaContrattuale", co.get(F::TipologiaContrattuale));
    text_el(out, "    ", "ccnl", co.get(F::Ccnl));
    write_orario(out, "    ", co);
    text_el(out, "    ", "qualificaProfessionale", co.get(F::QualificaProfessionale));
    out.push_str("  </InizioRapporto>\n");

    if any(co, &[F::ProrogaDataFine]) {
        out.push_str("  <Proroga");
        attr(out, "dataFineProroga", co.get(F::ProrogaDataFine));
        out.push_str("/>\n");
    }
    write_tail(out, co);
    out.push_str("</UniLav>\n");
}

/// Where a communication element (`UniLav` or `UniSomm`) sits in a file: its bytes and the line
/// its start tag is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ElementSpan {
    pub start: usize,
    pub end: usize,
    /// 1-based line of the start tag.
    pub line: u64,
}

/// A tag naming a communication element, with or without a namespace prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UniLavTag {
    /// `<UniLav …>`, `<UniSomm/>`, `<ns:UniLav …>`, …, starting at this offset (its `<`).
    Start(usize),
    /// `</UniLav>`, `</ns:UniSomm>`, …
    End,
}

/// The names of the elements that hold one communication: a UNILAV and a UNISOMM module.
pub const ROOTS: [&[u8]; 2] = [b"UniLav", b"UniSomm"];

/// What every root name starts with: the needle the splitters look for.
pub const ROOT_PREFIX: &[u8] = b"Uni";

/// The tag whose name (`UniLav` or `UniSomm`) starts at `pos` in `doc`, if that occurrence is a
/// tag name (not text, not `UniLavBatch`).
pub fn unilav_tag_at(doc: &[u8], pos: usize) -> Option<UniLavTag> {
    let name = ROOTS.iter().find(|r| doc[pos..].starts_with(r))?;
    if !matches!(
        doc.get(pos + name.len()),
        Some(b' ' | b'>' | b'/' | b'\t' | b'\r' | b'\n')
    ) {
        return None;
    }
    // Walk back over an optional prefix (`ns2:`) to the `<` or `</`.
    let mut i = pos;
    if i > 0 && doc[i - 1] == b':' {
        i -= 1;
        while i > 0 && (doc[i - 1].is_ascii_alphanumeric() || doc[i - 1] == b'_' || doc[i - 1] == b'-') {
            i -= 1;
        }
    }
    if i >= 2 && doc[i - 2] == b'<' && doc[i - 1] == b'/' {
        Some(UniLavTag::End)
    } else if i >= 1 && doc[i - 1] == b'<' {
        Some(UniLavTag::Start(i - 1))
    } else {
        None
    }
}

/// Every communication tag of `doc`, with the offset of its name.
pub fn tags(doc: &[u8]) -> impl Iterator<Item = (usize, UniLavTag)> + '_ {
    memchr::memmem::find_iter(doc, ROOT_PREFIX).filter_map(|pos| unilav_tag_at(doc, pos).map(|t| (pos, t)))
}

/// Finds every communication element in a document (a single `UniLav` or `UniSomm` root, or any
/// wrapper holding many of either; a namespace prefix such as `<ns2:UniLav>` is accepted).
/// Returns the spans and, when the document ends inside an element, that unterminated element
/// (from its start tag to the end of the document).
pub fn split_elements(doc: &[u8]) -> (Vec<ElementSpan>, Option<ElementSpan>) {
    let mut spans = Vec::new();
    let mut open: Option<usize> = None;
    let mut line: u64 = 1;
    let mut counted_to = 0usize;
    let mut open_line = 0u64;
    for (pos, tag) in tags(doc) {
        if tag == UniLavTag::End {
            if let Some(s) = open.take() {
                let end = match memchr::memchr(b'>', &doc[pos..]) {
                    Some(k) => pos + k + 1,
                    None => doc.len(),
                };
                spans.push(ElementSpan {
                    start: s,
                    end,
                    line: open_line,
                });
            }
        } else if let UniLavTag::Start(start) = tag {
            line += memchr::memchr_iter(b'\n', &doc[counted_to..start]).count() as u64;
            counted_to = start;
            if self_closing(&doc[start..]) {
                spans.push(ElementSpan {
                    start,
                    end: start + tag_len(&doc[start..]),
                    line,
                });
                continue;
            }
            if let Some(s) = open {
                // A new start tag before the previous element closed: report the previous one
                // as unterminated by giving it an empty span the parser will reject.
                spans.push(ElementSpan {
                    start: s,
                    end: start,
                    line: open_line,
                });
            }
            open = Some(start);
            open_line = line;
        }
    }
    let open = open.map(|start| ElementSpan {
        start,
        end: doc.len(),
        line: open_line,
    });
    (spans, open)
}

/// Bytes of the tag starting at `s[0]` (to its `>`, or all of `s`).
pub fn tag_len(s: &[u8]) -> usize {
    memchr::memchr(b'>', s).map_or(s.len(), |k| k + 1)
}

/// Whether the tag starting at `s[0]` ends with `/>`.
pub fn self_closing(s: &[u8]) -> bool {
    let n = tag_len(s);
    n >= 2 && s[n - 2] == b'/'
}

/// True if the document declares the UNILAV or the UNISOMM namespace before its first element
/// (on the element itself or on a wrapper).
pub fn declares_namespace(doc: &[u8]) -> bool {
    let head = &doc[..doc.len().min(64 * 1024)];
    [NAMESPACE, super::unisomm_xml::NAMESPACE]
        .iter()
        .any(|ns| memchr::memmem::find(head, ns.as_bytes()).is_some())
}

/// Why an element could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    pub message: String,
}

impl std::fmt::Display for XmlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The field an attribute holds, in either module (UniSomm's own paths first).
fn attr_field(path: &str, name: &str) -> Option<F> {
    if let Some(f) = super::unisomm_xml::attr_field(path, name) {
        return Some(f);
    }
    Some(match (path, name) {
        ("", "codiceComunicazione") => F::CodiceComunicazione,
        ("", "dataInvio") => F::DataInvio,
        ("", "assunzioneForzaMaggiore") => F::ForzaMaggiore,
        ("DatoreLavoro", "codiceFiscale") => F::DatoreCodiceFiscale,
        ("DatoreLavoro", "denominazione") => F::DatoreDenominazione,
        ("Lavoratore/AnagraficaCompleta", "cognome") => F::LavoratoreCognome,
        ("Lavoratore/AnagraficaCompleta", "nome") => F::LavoratoreNome,
        ("Lavoratore/AnagraficaCompleta", "codice-fiscale") => F::LavoratoreCodiceFiscale,
        ("Lavoratore/AnagraficaCompleta", "cittadinanza") => F::LavoratoreCittadinanza,
        ("Lavoratore/AnagraficaCompleta", "sesso") => F::LavoratoreSesso,
        ("Lavoratore/AnagraficaCompleta/nascita", "comune") => F::LavoratoreNascitaComune,
        ("Lavoratore/AnagraficaCompleta/nascita", "data") => F::LavoratoreNascitaData,
        ("InizioRapporto", "dataInizio") => F::DataInizio,
        ("InizioRapporto", "dataFine") => F::DataFine,
        ("InizioRapporto", "entePrevidenziale") => F::EntePrevidenziale,
        ("InizioRapporto", "socioLavoratore") => F::SocioLavoratore,
        ("InizioRapporto", "lavoroInAgricoltura") => F::LavoroAgricoltura,
        ("InizioRapporto/tipoOrario", "codice") => F::TipoOrario,
        ("InizioRapporto/tipoOrario", "oreSettimanaliMedie") => F::OreSettimanaliMedie,
        ("Proroga", "dataFineProroga") => F::ProrogaDataFine,
        ("Trasformazione", "codiceTrasformazione") => F::CodiceTrasformazione,
        ("Trasformazione", "dataTrasformazione") => F::DataTrasformazione,
        ("Cessazione", "codiceCausa") => F::CodiceCausaCessazione,
        ("Cessazione", "dataCessazione") => F::DataCessazione,
        ("TipoComunicazione", "codice") => F::TipoComunicazione,
        ("TipoComunicazione", "evento") => F::TipoEvento,
        ("TipoComunicazione", "tipoModulo") => F::TipoModulo,
        _ => return None,
    })
}

/// The field a text element holds, in either module (UniSomm's own paths first).
fn text_field(path: &str) -> Option<F> {
    if let Some(f) = super::unisomm_xml::text_field(path) {
        return Some(f);
    }
    Some(match path {
        "DatoreLavoro/SedeLavoro/Comune" => F::SedeLavoroComune,
        "DatoreLavoro/SedeLavoro/cap" => F::SedeLavoroCap,
        "DatoreLavoro/SedeLavoro/Indirizzo" => F::SedeLavoroIndirizzo,
        "DatoreLavoro/Settore" => F::DatoreSettore,
        "DatoreLavoro/PubblicaAmministrazione" => F::DatorePa,
        "Lavoratore/IndirizzoLavoratore/Comune" => F::LavoratoreDomicilioComune,
        "Lavoratore/IndirizzoLavoratore/Indirizzo" => F::LavoratoreDomicilioIndirizzo,
        "Lavoratore/LivelloIstruzione" => F::LavoratoreLivelloIstruzione,
        "InizioRapporto/TipologiaContrattuale" => F::TipologiaContrattuale,
        "InizioRapporto/ccnl" => F::Ccnl,
        "InizioRapporto/qualificaProfessionale" => F::QualificaProfessionale,
        "TipoComunicazione/CodiceComunicazionePrecedente" => F::CodiceComunicazionePrecedente,
        _ => return None,
    })
}

fn local(name: &str) -> &str {
    match name.rfind(':') {
        Some(k) => &name[k + 1..],
        None => name,
    }
}

/// Parses one `UniLav` element (as found by [`split_elements`]) into a raw communication.
/// Unknown elements and attributes are ignored; the event kind, when the `evento` attribute
/// is absent, is inferred from the blocks present (Cessazione → CES, Trasformazione → TRS,
/// Proroga → PRO, else ASS).
pub fn parse_element(xml: &[u8]) -> Result<RawCo, XmlError> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut co = RawCo::default();
    // Path below the UniLav root, as "A/B/C"; `depth_marks` remembers where each level starts.
    let mut path = String::with_capacity(64);
    let mut marks: Vec<usize> = Vec::with_capacity(8);
    let mut depth = 0usize;
    let mut seen_root = false;
    let mut unisomm = false;
    let mut blocks = (false, false, false); // proroga, trasformazione, cessazione
    let err = |m: String| XmlError { message: m };
    loop {
        let ev = reader.read_event().map_err(|e| {
            err(format!(
                "XML non ben formato alla posizione {}: {e}",
                reader.error_position()
            ))
        })?;
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_empty = matches!(ev, Event::Empty(_));
                let name = local(e.name().into_inner()).to_string();
                if depth == 0 {
                    unisomm = match name.as_str() {
                        "UniLav" => false,
                        "UniSomm" => true,
                        _ => return Err(err("l'elemento non è né UniLav né UniSomm".into())),
                    };
                    seen_root = true;
                } else {
                    marks.push(path.len());
                    if depth > 1 {
                        path.push('/');
                    }
                    path.push_str(&name);
                    match path.as_str() {
                        "Proroga" | "DittaUtilizzatrice/InizioContratto/Proroga" => blocks.0 = true,
                        "Trasformazione" => blocks.1 = true,
                        "Cessazione" => blocks.2 = true,
                        _ => {}
                    }
                }
                // Duplicate-attribute checks cost ~2 % and change nothing for our fields.
                for a in e.attributes().with_checks(false) {
                    let a = a.map_err(|e| err(format!("attributo non valido: {e}")))?;
                    let key = local(a.key.into_inner());
                    if let Some(f) = attr_field(&path, key) {
                        let v = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .map_err(|e| err(format!("valore non valido in {}: {e}", f.name())))?;
                        co.set(f, v.trim());
                    }
                }
                if is_empty {
                    if depth == 0 {
                        break;
                    }
                    if let Some(m) = marks.pop() {
                        path.truncate(m);
                    }
                } else {
                    depth += 1;
                }
            }
            Event::Text(t) => {
                // Text and entity references arrive as separate events: accumulate, trim at
                // the end of the element.
                if let Some(f) = text_field(&path) {
                    co.fields[f as usize].push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(f) = text_field(&path) {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => {
                            let name = r.xml10_content();
                            match quick_xml::escape::resolve_predefined_entity(&name) {
                                Some(v) => v.to_string(),
                                None => return Err(err(format!("entità sconosciuta &{name}; in {}", f.name()))),
                            }
                        }
                        Err(e) => return Err(err(format!("riferimento non valido in {}: {e}", f.name()))),
                    };
                    co.fields[f as usize].push_str(&resolved);
                }
            }
            Event::End(_) => {
                if let Some(f) = text_field(&path) {
                    let t = co.get(f);
                    if t.len() != t.trim().len() {
                        let trimmed = t.trim().to_string();
                        co.set(f, trimmed);
                    }
                }
                if depth == 0 {
                    return Err(err("tag di chiusura inatteso".into()));
                }
                depth -= 1;
                if depth == 0 {
                    break;
                }
                if let Some(m) = marks.pop() {
                    path.truncate(m);
                }
            }
            Event::Eof => {
                return Err(err(if seen_root {
                    "elemento UniLav/UniSomm non chiuso".into()
                } else {
                    "nessun elemento UniLav o UniSomm".into()
                }))
            }
            _ => {}
        }
    }
    if co.get(F::TipoEvento).is_empty() {
        let ev = if blocks.2 {
            "CES"
        } else if blocks.1 {
            "TRS"
        } else if blocks.0 {
            "PRO"
        } else {
            "ASS"
        };
        co.set(F::TipoEvento, ev);
    }
    if co.get(F::TipoModulo).is_empty() {
        co.set(F::TipoModulo, if unisomm { "US" } else { "UL" });
    }
    if unisomm && co.get(F::DatoreSettore).is_empty() {
        co.set(F::DatoreSettore, super::unisomm_xml::SETTORE_AGENZIA);
    }
    Ok(co)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::N_FIELDS;

    fn full_record() -> RawCo {
        let mut co = RawCo::default();
        for f in F::all() {
            co.set(f, format!("v{} <&> \"q\" 'a' è", f as usize));
        }
        co
    }

    #[test]
    fn write_then_read_is_identity_on_every_field() {
        // A UniLav carries every field but the user firm's; a UniSomm (module US) every field.
        for modulo in ["UL", "US"] {
            let mut co = full_record();
            co.set(F::TipoModulo, modulo);
            if modulo == "UL" {
                for f in crate::model::UNISOMM_FIELDS {
                    co.set(f, "");
                }
            }
            let doc = to_xml_document(&co);
            assert!(doc.contains(if modulo == "US" { "<UniSomm" } else { "<UniLav" }));
            let (spans, open) = split_elements(doc.as_bytes());
            assert_eq!(open, None);
            assert_eq!(spans.len(), 1);
            let back = parse_element(&doc.as_bytes()[spans[0].start..spans[0].end]).unwrap();
            for i in 0..N_FIELDS {
                assert_eq!(
                    back.fields[i],
                    co.fields[i],
                    "{modulo}: field {}",
                    F::from_index(i).name()
                );
            }
        }
    }

    #[test]
    fn the_public_unisomm_layout_reads_agency_and_user_firm() {
        // The structure of the public UniSomm instance and of a regional reader of the module:
        // the agency has no sector (it reads as 78.20.00), the mission is under the user firm.
        let doc = br#"<?xml version='1.0' encoding='utf-8'?>
<UniSomm xmlns="http://servizi.lavoro.gov.it/unisomm" codiceComunicazione="0000000000960266" dataInvio="2020-12-04T11:11:40.698205+01:00" versione="CO190701R1">
  <AgenziaSomministrazione codiceFiscale="00743110157" denominazione="AGENZIA" agenziaestera="NO">
    <SedeLavoro><Comune>G999</Comune><cap>59100</cap><Indirizzo>Via X 1</Indirizzo></SedeLavoro>
    <RapportoAgenziaSomm dataInizioSomm="2019-10-24" dataFineSomm="2020-12-27" entePrevidenziale="01" TipologiaContrattuale="A.02.00" lavInMobilita="NO" />
  </AgenziaSomministrazione>
  <Lavoratore><AnagraficaCompleta><codice-fiscale>X</codice-fiscale></AnagraficaCompleta></Lavoratore>
  <DittaUtilizzatrice codiceFiscale="01234567897" denominazione="UTILIZZATRICE" numeroContrattoSomm="12">
    <SedeLavoro><Comune>D612</Comune><Indirizzo>Via Y 2</Indirizzo></SedeLavoro>
    <Settore>13.20.00</Settore>
    <PubblicaAmministrazione>NO</PubblicaAmministrazione>
    <InizioContratto><Inizio dataInizioMissione="2019-10-24" dataFineMissione="2019-12-31"><tipoOrario codice="P" oreSettimaniliMedie="20"/><ccnl>CCNL1</ccnl></Inizio></InizioContratto>
  </DittaUtilizzatrice>
</UniSomm>"#;
        assert!(declares_namespace(doc));
        let (spans, open) = split_elements(doc);
        assert_eq!((spans.len(), open), (1, None));
        let co = parse_element(&doc[spans[0].start..spans[0].end]).unwrap();
        assert_eq!(co.get(F::TipoModulo), "US");
        assert_eq!(co.get(F::TipoEvento), "ASS");
        assert_eq!(co.get(F::DatoreCodiceFiscale), "00743110157");
        assert_eq!(co.get(F::DatoreSettore), super::super::unisomm_xml::SETTORE_AGENZIA);
        assert_eq!(co.get(F::SedeLavoroComune), "G999");
        assert_eq!(co.get(F::DataInizio), "2019-10-24");
        assert_eq!(co.get(F::DataFine), "2020-12-27");
        assert_eq!(co.get(F::TipologiaContrattuale), "A.02.00");
        assert_eq!(co.get(F::UtilizzatriceCodiceFiscale), "01234567897");
        assert_eq!(co.get(F::UtilizzatriceSedeLavoroComune), "D612");
        assert_eq!(co.get(F::UtilizzatriceSettore), "13.20.00");
        assert_eq!(co.get(F::UtilizzatricePa), "NO");
        assert_eq!(co.get(F::MissioneDataInizio), "2019-10-24");
        assert_eq!(co.get(F::MissioneDataFine), "2019-12-31");
        assert_eq!((co.get(F::TipoOrario), co.get(F::OreSettimanaliMedie)), ("P", "20"));
        assert_eq!(co.get(F::Ccnl), "CCNL1");
        // Neither firm's name nor address is read.
        assert!(F::all().all(|f| !co.get(f).contains("UTILIZZATRICE") && !co.get(f).contains("Via Y")));
    }

    #[test]
    fn a_batch_mixes_both_modules_and_cuts_at_either_end_tag() {
        let mut w = XmlBatchWriter::new(Vec::new()).unwrap();
        let mut a = RawCo::default();
        a.set(F::CodiceComunicazione, "1700000000000001");
        let mut b = a.clone();
        b.set(F::CodiceComunicazione, "1700000000000002");
        b.set(F::TipoModulo, "US");
        b.set(F::UtilizzatriceSettore, "13.20.00");
        w.write(&a).unwrap();
        w.write(&b).unwrap();
        w.write(&a).unwrap();
        let doc = w.finish().unwrap();
        let (spans, open) = split_elements(&doc);
        assert_eq!((spans.len(), open), (3, None));
        let mods: Vec<String> = spans
            .iter()
            .map(|s| {
                parse_element(&doc[s.start..s.end])
                    .unwrap()
                    .get(F::TipoModulo)
                    .to_string()
            })
            .collect();
        assert_eq!(mods, ["UL", "US", "UL"]);
        let end_b = crate::sources::xml_boundary(&doc[..spans[1].end + 3]).unwrap();
        assert_eq!(end_b, spans[1].end);
    }

    #[test]
    fn batch_file_with_many_elements_and_lines() {
        let mut w = XmlBatchWriter::new(Vec::new()).unwrap();
        let mut a = RawCo::default();
        a.set(F::CodiceComunicazione, "1700000000000001");
        a.set(F::DataCessazione, "2024-01-31");
        let mut b = RawCo::default();
        b.set(F::CodiceComunicazione, "1700000000000002");
        w.write(&a).unwrap();
        w.write(&b).unwrap();
        let doc = w.finish().unwrap();
        assert!(declares_namespace(&doc));
        let (spans, open) = split_elements(&doc);
        assert_eq!((spans.len(), open), (2, None));
        assert_eq!(spans[0].line, 3);
        let ra = parse_element(&doc[spans[0].start..spans[0].end]).unwrap();
        let rb = parse_element(&doc[spans[1].start..spans[1].end]).unwrap();
        assert_eq!(ra.get(F::CodiceComunicazione), "1700000000000001");
        assert_eq!(ra.get(F::TipoEvento), "CES"); // inferred from the Cessazione block
        assert_eq!(rb.get(F::TipoEvento), "ASS");
        assert_eq!(rb.get(F::TipoModulo), "UL");
    }

    #[test]
    fn prefixed_and_official_sample_style() {
        let doc = br#"<?xml version="1.0"?>
<ns2:UniLav xmlns:ns2="http://servizi.lavoro.gov.it/unilav" codiceComunicazione="0000000000960266" dataInvio="2020-12-04T11:11:40.698205+01:00" assunzioneForzaMaggiore="NO" versione="CO160201R1">
  <ns2:DatoreLavoro codiceFiscale="00743110157" denominazione="ACME"><ns2:SedeLavoro><ns2:Comune>G149</ns2:Comune></ns2:SedeLavoro><ns2:Settore>56.10.11</ns2:Settore></ns2:DatoreLavoro>
  <ns2:InizioRapporto dataInizio="2020-12-05"><ns2:TipologiaContrattuale>A.02.00</ns2:TipologiaContrattuale></ns2:InizioRapporto>
</ns2:UniLav>"#;
        assert!(declares_namespace(doc));
        let (spans, _) = split_elements(doc);
        assert_eq!(spans.len(), 1);
        let co = parse_element(&doc[spans[0].start..spans[0].end]).unwrap();
        assert_eq!(co.get(F::SedeLavoroComune), "G149");
        assert_eq!(co.get(F::DataInvio), "2020-12-04T11:11:40.698205+01:00");
        assert_eq!(co.get(F::TipologiaContrattuale), "A.02.00");
    }

    #[test]
    fn malformed_element_is_an_error_not_a_panic() {
        let doc = b"<UniLav codiceComunicazione=\"1\"><DatoreLavoro></UniLav>";
        let (spans, _) = split_elements(doc);
        assert_eq!(spans.len(), 1);
        assert!(parse_element(&doc[spans[0].start..spans[0].end]).is_err());
        let (spans, open) = split_elements(b"<UniLavBatch><UniLav codiceComunicazione=\"1\">");
        assert!(spans.is_empty());
        assert_eq!(open.map(|s| (s.start, s.end, s.line)), Some((13, 45, 1)));
    }
}
