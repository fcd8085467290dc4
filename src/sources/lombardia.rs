//! Regione Lombardia open data (DOMAIN.md §3): one row per event, no worker or employer
//! identifiers, `DATA` as dd/mm/yyyy, ATECO and contract *labels* instead of codes.
//!
//! The event kind comes from the dataset (attivati / cessati / prorogati / trasformati): from
//! an `EVENTO`/`TIPO` column when present, else from the file name. Labels are mapped to
//! codes (exact, then normalised); labels that match nothing are kept as null codes and
//! counted in the run's unmatched-label report, never guessed. The codice comunicazione, which
//! the open data lack, is built from the input's sha256 and the line: `L` + 6 hex + 9 digits.

use crate::model::Evento;
use crate::quality::dates::parse_date;
use crate::quality::{classe_eta, Motivo, Rejection, Validated};
use crate::reference::{CodeCheck, MacroContratto, Reference};
use crate::sources::co_csv::Header;
use chrono::Datelike;
use std::collections::BTreeMap;

/// Column positions of a Lombardia file.
#[derive(Debug, Clone)]
pub struct Columns {
    data: usize,
    genere: Option<usize>,
    eta: Option<usize>,
    settore: Option<usize>,
    titolo: Option<usize>,
    contratto: Option<usize>,
    modalita: Option<usize>,
    provincia: Option<usize>,
    nazione: Option<usize>,
    evento: Option<usize>,
}

/// Event kind from a dataset name or an `EVENTO` value.
pub fn evento_from_text(s: &str) -> Option<Evento> {
    let l = s.to_lowercase();
    if l.contains("attivat") || l.contains("avviat") {
        Some(Evento::Ass)
    } else if l.contains("cessat") {
        Some(Evento::Ces)
    } else if l.contains("prorogat") {
        Some(Evento::Pro)
    } else if l.contains("trasformat") {
        Some(Evento::Trs)
    } else {
        None
    }
}

impl Columns {
    pub fn from_header(h: &Header, file_name: &str) -> anyhow::Result<(Columns, Option<Evento>)> {
        let data = h
            .column("DATA")
            .ok_or_else(|| anyhow::anyhow!("{file_name}: Lombardia file without a DATA column"))?;
        let evento_col = h.column("EVENTO").or_else(|| h.column("TIPO"));
        let from_name = evento_from_text(file_name);
        if evento_col.is_none() && from_name.is_none() {
            anyhow::bail!(
                "{file_name}: cannot tell the event kind: name the file after its dataset (…attivati…, …cessati…, …prorogati…, …trasformati…) or add an EVENTO column"
            );
        }
        Ok((
            Columns {
                data,
                genere: h.column("GENERE"),
                eta: h.column("ETA"),
                settore: h.column("SETTOREECONOMICODETTAGLIO"),
                titolo: h.column("TITOLOSTUDIO"),
                contratto: h.column("CONTRATTO"),
                modalita: h.column("MODALITALAVORO"),
                provincia: h.column("PROVINCIAIMPRESA"),
                nazione: h.column("ITALIANO").or_else(|| h.column("NAZIONE")),
                evento: evento_col,
            },
            from_name,
        ))
    }
}

/// Labels that matched no code, by `campo: etichetta`.
pub type Unmatched = BTreeMap<String, u64>;

fn field(rec: &csv::ByteRecord, i: Option<usize>) -> Option<&str> {
    let s = std::str::from_utf8(rec.get(i?)?).ok()?.trim();
    (!s.is_empty()).then_some(s)
}

/// Macro class from contract label words, for labels not in the code list (e.g. the
/// platform variants "… con piattaforma").
fn macro_from_words(label: &str) -> MacroContratto {
    let l = crate::reference::normalize_label(label);
    if l.contains("APPRENDISTATO") {
        MacroContratto::Apprendistato
    } else if l.contains("INTERMITTENTE") {
        MacroContratto::Intermittente
    } else if l.contains("DOMESTICO") {
        MacroContratto::Domestico
    } else if l.contains("SOMMINISTRAZIONE") || l.contains("INTERINALE") {
        MacroContratto::Somministrazione
    } else if l.contains("TIROCINIO") {
        MacroContratto::Tirocinio
    } else if l.contains("COLLABORAZIONE") || l.contains("PROGETTO") {
        MacroContratto::Parasubordinato
    } else if l.contains("INDETERMINATO") {
        MacroContratto::Ti
    } else if l.contains("DETERMINATO") {
        MacroContratto::Td
    } else {
        MacroContratto::Altro
    }
}

/// Working-time label → UNILAV code.
fn tipo_orario(label: &str) -> Option<&'static str> {
    match crate::reference::normalize_label(label).as_str() {
        "TEMPO PIENO" => Some("F"),
        "TEMPO PARZIALE ORIZZONTALE" => Some("P"),
        "TEMPO PARZIALE VERTICALE" => Some("V"),
        "TEMPO PARZIALE MISTO" => Some("M"),
        "NON DEFINITO" => Some("N"),
        _ => None,
    }
}

/// Converts one Lombardia row. `codice` is the synthetic communication code.
pub fn validate<'a>(
    rec: &'a csv::ByteRecord,
    cols: &Columns,
    default_evento: Option<Evento>,
    codice: &'a str,
    unmatched: &mut Unmatched,
) -> Result<Validated<'a>, Rejection> {
    let r = Reference::get();
    let rej = |m: Motivo, campo: &'static str, d: String| Rejection {
        motivo: m,
        campo: Some(campo),
        dettaglio: d,
    };
    let evento = match field(rec, cols.evento) {
        Some(e) => {
            evento_from_text(e).ok_or_else(|| rej(Motivo::CodiceSconosciuto, "EVENTO", format!("evento '{e}'")))?
        }
        None => default_evento.ok_or_else(|| rej(Motivo::CampoMancante, "EVENTO", "tipo di evento assente".into()))?,
    };
    let data_s = field(rec, Some(cols.data))
        .ok_or_else(|| rej(Motivo::CampoMancante, "DATA", "campo obbligatorio vuoto".into()))?;
    let data = parse_date(data_s).filter(|d| d.year() >= 2008).ok_or_else(|| {
        rej(
            Motivo::DataNonValida,
            "DATA",
            format!("data '{data_s}' illeggibile o impossibile"),
        )
    })?;
    let mut miss = |campo: &str, label: &str| {
        *unmatched.entry(format!("{campo}: {label}")).or_insert(0) += 1;
    };
    let sesso = match field(rec, cols.genere) {
        Some("M") | Some("m") => Some("M"),
        Some("F") | Some("f") => Some("F"),
        _ => None,
    };
    // Ages outside 14–100 are typing errors in the open data (221, 3): kept as unknown.
    let eta = field(rec, cols.eta)
        .and_then(|s| s.parse::<i32>().ok())
        .filter(|a| (14..=100).contains(a));
    if field(rec, cols.eta).is_some() && eta.is_none() {
        miss("ETA", "fuori intervallo 14-100");
    }
    let ateco = match field(rec, cols.settore) {
        None => None,
        Some(l) => {
            let a = r.ateco_by_label(l);
            if a.is_none() {
                miss("SETTOREECONOMICODETTAGLIO", l);
            }
            a
        }
    };
    let (tipologia, macro_c) = match field(rec, cols.contratto) {
        None => (None, None),
        Some(l) => match r.tipologia_by_label(l, data) {
            CodeCheck::Valid(t) | CodeCheck::NotValidAtDate(t) => {
                (Some(t.codice.as_str()), Some(t.macro_classe.code()))
            }
            CodeCheck::Unknown => {
                miss("CONTRATTO", l);
                (None, Some(macro_from_words(l).code()))
            }
        },
    };
    let orario = match field(rec, cols.modalita) {
        None => None,
        Some(l) => {
            let o = tipo_orario(l);
            if o.is_none() {
                miss("MODALITALAVORO", l);
            }
            o
        }
    };
    let livello = match field(rec, cols.titolo) {
        None => None,
        Some(l) => {
            let c = r.livello_studio_by_label(l);
            if c.is_none() {
                miss("TITOLOSTUDIO", l);
            }
            c
        }
    };
    let provincia = match field(rec, cols.provincia) {
        None => None,
        Some(l) => {
            let p = r.provincia(l);
            if p.is_none() {
                miss("PROVINCIAIMPRESA", l);
            }
            p
        }
    };
    let cittadinanza = match field(rec, cols.nazione) {
        None => None,
        Some(l) => {
            let c = r.cittadinanza_by_name(l);
            if c.is_none() {
                miss("ITALIANO", l);
            }
            c
        }
    };
    let provincia_sigla = provincia.map(|p| p.sigla.as_str());
    Ok(Validated {
        codice_comunicazione: codice,
        codice_precedente: None,
        tipo_comunicazione: "01",
        evento,
        data_invio: data.and_time(chrono::NaiveTime::MIN),
        data_evento: data,
        id_lavoratore: None,
        id_datore: None,
        sesso,
        anno_nascita: None,
        classe_eta: eta.map(classe_eta),
        nato_estero: None,
        cf_omocodico: false,
        cittadinanza: cittadinanza.map(|c| c.codice.as_str()),
        area_cittadinanza: cittadinanza.map(|c| c.area.code()),
        livello_istruzione: livello,
        comune_domicilio: None,
        datore_pa: None,
        ateco: ateco.map(|a| a.codice.as_str()),
        ateco_sezione: ateco.map(|a| a.sezione.as_str()),
        ateco_divisione: ateco.and_then(|a| (!a.divisione.is_empty()).then_some(a.divisione.as_str())),
        comune_lavoro: None,
        provincia: provincia_sigla,
        provincia_istat: provincia.map(|p| p.istat.as_str()),
        regione: provincia.map(|p| p.regione_istat.as_str()),
        cpi: provincia_sigla.map(|s| format!("PRV-{s}")),
        data_inizio: (evento == Evento::Ass).then_some(data),
        data_fine: None,
        tipologia_contrattuale: tipologia,
        macro_contratto: macro_c,
        tipo_orario: orario,
        ore_settimanali: None,
        ccnl: None,
        qualifica_professionale: None,
        ente_previdenziale: None,
        lavoro_agricoltura: None,
        socio_lavoratore: None,
        data_fine_proroga: None,
        codice_trasformazione: None,
        data_trasformazione: (evento == Evento::Trs).then_some(data),
        causa_cessazione: None,
        macro_causa_cessazione: None,
        data_cessazione: (evento == Evento::Ces).then_some(data),
    })
}

/// The synthetic code of a Lombardia row: `L` + first 6 hex of the input sha256 + line (9 digits).
pub fn codice(sha_prefix: &str, line: u64) -> String {
    format!("L{}{:09}", &sha_prefix[..sha_prefix.len().min(6)], line % 1_000_000_000)
}
