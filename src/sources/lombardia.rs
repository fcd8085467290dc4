//! Regione Lombardia open data (DOMAIN.md §3): one row per event, no worker or employer
//! identifiers, `DATA` as dd/mm/yyyy, ATECO and contract *labels* instead of codes.
//!
//! The event kind comes from the dataset (attivati / cessati / prorogati / trasformati): from
//! an `EVENTO`/`TIPO` column when present, else from the file name. The codice comunicazione,
//! which the open data lack, is built from the file's content fingerprint (the text of its
//! records, whatever the line ends or the encoding) and the line: `L` + 6 hex + 9 digits.
//!
//! A public file is checked, not guessed (the pre-pass reads all of it before anything is
//! written):
//! - **date order** — from the data: a first number above 12 (`31/01/2024`) settles day-first,
//!   a second one above 12 month-first; both in one file is an error naming a line of each; a
//!   file whose every date reads both ways is refused unless `--date-order` says which
//!   ([`DateEvidence`]);
//! - **encoding** — UTF-8 or Latin-1, from the bytes (`sources::encoding`);
//! - **vocabulary** — every contract (`CONTRATTO`) and sector (`SETTOREECONOMICODETTAGLIO`)
//!   wording must map to a code (exact label, normalised label, or an alias of
//!   `reference/oml/etichette_contratto.csv`), or the file is refused with the unmapped
//!   wordings listed ([`Vocabulary`]); `--allow-unmapped-labels` takes such a file anyway, with
//!   null codes, the wordings counted in the run's `etichette_non_abbinate` by their shape
//!   (`privacy::shape`: the manifest is in the lake; the refusal lists the wordings). Other
//!   fields (study title, working time, province, citizenship) never refuse a file: an
//!   unmatched wording is a null code, counted the same way.

use crate::model::Evento;
use crate::privacy::shape;
use crate::quality::dates::parse_date;
use crate::quality::{classe_eta, Motivo, Rejection, Validated};
use crate::reference::{CodeCheck, MacroContratto, Reference};
use crate::sources::co_csv::Header;
use crate::sources::encoding::Encoding;
use anyhow::{bail, Result};
use chrono::Datelike;
use chrono::NaiveDate;
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

/// The order of day and month in the `DATA` column. ISO dates (`2024-01-31`) read the same
/// whatever the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DateOrder {
    /// Day first: 31/01/2024 (the order of the Lombardia portal).
    Dmy,
    /// Month first: 01/31/2024 (files re-saved by US-locale software).
    Mdy,
}

impl DateOrder {
    /// The name stated in the manifest.
    pub fn name(self) -> &'static str {
        match self {
            DateOrder::Dmy => "gg/mm/aaaa",
            DateOrder::Mdy => "mm/gg/aaaa",
        }
    }

    /// Parses a `DATA` value in this order (ISO dates in any order).
    pub fn parse(self, s: &str) -> Option<NaiveDate> {
        let t = s.trim();
        match (self, slashed(t.as_bytes())) {
            (DateOrder::Mdy, Some(_)) => parse_date(&format!("{}/{}/{}", &t[3..5], &t[0..2], &t[6..10])),
            _ => parse_date(t),
        }
    }
}

/// The two leading numbers of a `nn/nn/nnnn` date.
fn slashed(v: &[u8]) -> Option<(u32, u32)> {
    let num = |b: &[u8]| -> Option<u32> {
        b.iter().try_fold(0u32, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    (v.len() == 10 && v[2] == b'/' && v[5] == b'/' && num(&v[6..]).is_some())
        .then(|| Some((num(&v[0..2])?, num(&v[3..5])?)))
        .flatten()
}

/// What the `DATA` values of a file say about their order.
#[derive(Debug, Clone, Default)]
pub struct DateEvidence {
    /// First value that can only be day-first, and its line.
    day_first: Option<(u64, String)>,
    /// First value that can only be month-first, and its line.
    month_first: Option<(u64, String)>,
    /// Values of the form nn/nn/nnnn.
    slashed: u64,
}

impl DateEvidence {
    pub fn observe(&mut self, value: &[u8], line: u64) {
        let v = value.trim_ascii();
        let Some((a, b)) = slashed(v) else { return };
        self.slashed += 1;
        let text = || String::from_utf8_lossy(v).into_owned();
        if a > 12 && b <= 12 && self.day_first.is_none() {
            self.day_first = Some((line, text()));
        }
        if b > 12 && a <= 12 && self.month_first.is_none() {
            self.month_first = Some((line, text()));
        }
    }

    /// The order of the file: from the data, or `forced` when the data cannot tell; None when
    /// no date has the form nn/nn/nnnn (ISO dates, or none).
    pub fn decide(&self, forced: Option<DateOrder>) -> Result<Option<DateOrder>> {
        let found = match (&self.day_first, &self.month_first) {
            (Some((l1, d1)), Some((l2, d2))) => bail!(
                "the DATA column mixes two date orders: line {l1} has '{d1}' (day first), line {l2} has '{d2}' (month first)"
            ),
            (Some(e), None) => Some((DateOrder::Dmy, e)),
            (None, Some(e)) => Some((DateOrder::Mdy, e)),
            (None, None) => None,
        };
        match (found, forced) {
            (Some((o, (line, d))), Some(f)) if o != f => bail!(
                "--date-order {} contradicts the data: line {line} has '{d}', which reads only as {}",
                match f {
                    DateOrder::Dmy => "dmy",
                    DateOrder::Mdy => "mdy",
                },
                o.name()
            ),
            (Some((o, _)), _) => Ok(Some(o)),
            (None, _) if self.slashed == 0 => Ok(None),
            (None, Some(f)) => Ok(Some(f)),
            (None, None) => bail!(
                "the {} dates of the DATA column all read both ways (day and month up to 12): \
                 say which order the file uses, --date-order dmy (31/01/2024) or mdy (01/31/2024)",
                self.slashed
            ),
        }
    }
}

/// The distinct contract and sector wordings of a file, to check against the code lists
/// before anything is written.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// Raw wording (in the file's encoding, known only at the end) → (rows, first line).
    contratto: BTreeMap<Vec<u8>, (u64, u64)>,
    settore: BTreeMap<Vec<u8>, (u64, u64)>,
}

/// More distinct wordings than this in one column is not a Lombardia file (the code lists
/// have 52 contracts and 1,226 ATECO sottocategorie): memory stays bounded.
const MAX_WORDINGS: usize = 20_000;

impl Vocabulary {
    /// Counts a `CONTRATTO` (`settore = false`) or `SETTOREECONOMICODETTAGLIO` value.
    pub fn observe(&mut self, settore: bool, value: &[u8], line: u64) -> Result<()> {
        let v = value.trim_ascii();
        if v.is_empty() {
            return Ok(());
        }
        let map = if settore {
            &mut self.settore
        } else {
            &mut self.contratto
        };
        if let Some(e) = map.get_mut(v) {
            e.0 += 1;
            return Ok(());
        }
        if map.len() >= MAX_WORDINGS {
            bail!(
                "line {line}: more than {MAX_WORDINGS} distinct wordings in {}: not a Lombardia open-data file",
                if settore {
                    "SETTOREECONOMICODETTAGLIO"
                } else {
                    "CONTRATTO"
                }
            );
        }
        map.insert(v.to_vec(), (1, line));
        Ok(())
    }

    /// The wordings no code matches, read in the file's encoding, as `COLUMN: 'wording' (n
    /// rows, first at line l)` (identifier-shaped text masked).
    pub fn unmapped(&self, encoding: Encoding) -> Vec<String> {
        let r = Reference::get();
        let any_day = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or_default();
        let text = |raw: &Vec<u8>| String::from_utf8_lossy(&encoding.to_utf8(raw.clone())).into_owned();
        let contratti = self
            .contratto
            .iter()
            .map(|(l, c)| (text(l), c))
            .filter(|(l, _)| matches!(r.tipologia_by_label(l, any_day), CodeCheck::Unknown))
            .map(|(l, c)| ("CONTRATTO", l, c));
        let settori = self
            .settore
            .iter()
            .map(|(l, c)| (text(l), c))
            .filter(|(l, _)| r.ateco_by_label(l).is_none())
            .map(|(l, c)| ("SETTOREECONOMICODETTAGLIO", l, c));
        contratti
            .chain(settori)
            .map(|(col, l, (n, line))| {
                format!(
                    "{col}: '{}' ({n} righe, la prima alla riga {line})",
                    crate::quality::mask_cf_patterns(&l)
                )
            })
            .collect()
    }
}

impl Columns {
    /// Positions of `DATA`, `CONTRATTO` and `SETTOREECONOMICODETTAGLIO`: what the pre-pass
    /// checks.
    pub fn checked(&self) -> (usize, Option<usize>, Option<usize>) {
        (self.data, self.contratto, self.settore)
    }

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

/// Labels that matched no code, by `campo: forma` (the shape of the label, `privacy::shape`).
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
    date_order: DateOrder,
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
        Some(e) => evento_from_text(e)
            .ok_or_else(|| rej(Motivo::CodiceSconosciuto, "EVENTO", format!("evento '{}'", shape(e))))?,
        None => default_evento.ok_or_else(|| rej(Motivo::CampoMancante, "EVENTO", "tipo di evento assente".into()))?,
    };
    let data_s = field(rec, Some(cols.data))
        .ok_or_else(|| rej(Motivo::CampoMancante, "DATA", "campo obbligatorio vuoto".into()))?;
    let data = date_order.parse(data_s).filter(|d| d.year() >= 2008).ok_or_else(|| {
        rej(
            Motivo::DataNonValida,
            "DATA",
            format!("data '{}' illeggibile o impossibile", shape(data_s)),
        )
    })?;
    // A wording that matches no code is counted by its shape (`privacy::shape`): the count is
    // stored in the manifest, and a name typed into a column must not reach the lake.
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
                miss("SETTOREECONOMICODETTAGLIO", &shape(l));
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
                miss("CONTRATTO", &shape(l));
                (None, Some(macro_from_words(l).code()))
            }
        },
    };
    let orario = match field(rec, cols.modalita) {
        None => None,
        Some(l) => {
            let o = tipo_orario(l);
            if o.is_none() {
                miss("MODALITALAVORO", &shape(l));
            }
            o
        }
    };
    let livello = match field(rec, cols.titolo) {
        None => None,
        Some(l) => {
            let c = r.livello_studio_by_label(l);
            if c.is_none() {
                miss("TITOLOSTUDIO", &shape(l));
            }
            c
        }
    };
    let provincia = match field(rec, cols.provincia) {
        None => None,
        Some(l) => {
            let p = r.provincia(l);
            if p.is_none() {
                miss("PROVINCIAIMPRESA", &shape(l));
            }
            p
        }
    };
    let cittadinanza = match field(rec, cols.nazione) {
        None => None,
        Some(l) => {
            let c = r.cittadinanza_by_name(l);
            if c.is_none() {
                miss("ITALIANO", &shape(l));
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
        utilizzatrice: Default::default(),
        scartati: 0,
    })
}

/// A Lombardia row as it may be stored in quarantine: its fields joined by `;`, each shown only
/// when valid for its column — the check [`validate`] applies to it (a date in the file's order,
/// `M`/`F`, an age of 14–100, a label that maps to a code, an event wording) — else as its shape
/// (`privacy::shape`, the rule stated there); a column `validate` does not read, or a row whose
/// columns cannot be told apart (`cols` None), is shown as shape only.
pub fn estratto(rec: &csv::ByteRecord, cols: Option<&Columns>, date_order: DateOrder) -> String {
    let r = Reference::get();
    let any_day = NaiveDate::default();
    let valid = |i: usize, v: &str| -> bool {
        let Some(c) = cols else { return false };
        let is = |col: Option<usize>| col == Some(i);
        if i == c.data {
            date_order.parse(v).is_some()
        } else if is(c.genere) {
            matches!(v, "M" | "m" | "F" | "f")
        } else if is(c.eta) {
            v.parse::<i32>().is_ok_and(|a| (14..=100).contains(&a))
        } else if is(c.settore) {
            r.ateco_by_label(v).is_some()
        } else if is(c.contratto) {
            !matches!(r.tipologia_by_label(v, any_day), CodeCheck::Unknown)
        } else if is(c.modalita) {
            tipo_orario(v).is_some()
        } else if is(c.titolo) {
            r.livello_studio_by_label(v).is_some()
        } else if is(c.provincia) {
            r.provincia(v).is_some()
        } else if is(c.nazione) {
            r.cittadinanza_by_name(v).is_some()
        } else {
            is(c.evento) && evento_from_text(v).is_some()
        }
    };
    let fields: Vec<String> = rec
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let v = String::from_utf8_lossy(f);
            crate::privacy::shown(&v, valid(i, v.trim())).into_owned()
        })
        .collect();
    crate::quality::mask_cf_patterns(&fields.join(";"))
}

/// The synthetic code of a Lombardia row: `L` + the first 6 hex of the file's content
/// fingerprint + line (9 digits).
pub fn codice(prefix: &str, line: u64) -> String {
    format!("L{}{:09}", &prefix[..prefix.len().min(6)], line % 1_000_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(values: &[&str], forced: Option<DateOrder>) -> Result<Option<DateOrder>> {
        let mut e = DateEvidence::default();
        for (i, v) in values.iter().enumerate() {
            e.observe(v.as_bytes(), i as u64 + 2);
        }
        e.decide(forced)
    }

    #[test]
    fn date_order_comes_from_the_data() {
        assert_eq!(
            order(&["01/02/2024", "31/01/2024"], None).unwrap(),
            Some(DateOrder::Dmy)
        );
        assert_eq!(
            order(&["01/31/2024", " 02/01/2024 "], None).unwrap(),
            Some(DateOrder::Mdy)
        );
        assert_eq!(
            order(&["2024-01-31", ""], None).unwrap(),
            None,
            "ISO dates need no order"
        );
        assert!(order(&["01/02/2024"], None)
            .unwrap_err()
            .to_string()
            .contains("--date-order"));
        assert_eq!(
            order(&["01/02/2024"], Some(DateOrder::Mdy)).unwrap(),
            Some(DateOrder::Mdy)
        );
        assert!(order(&["13/01/2024"], Some(DateOrder::Mdy)).is_err());
        assert!(order(&["13/01/2024", "01/13/2024"], None).is_err());
        assert_eq!(DateOrder::Mdy.parse("01/31/2024"), NaiveDate::from_ymd_opt(2024, 1, 31));
        assert_eq!(DateOrder::Mdy.parse("2024-01-31"), NaiveDate::from_ymd_opt(2024, 1, 31));
        assert_eq!(DateOrder::Dmy.parse("31/01/2024"), NaiveDate::from_ymd_opt(2024, 1, 31));
        assert_eq!(DateOrder::Mdy.parse("31/01/2024"), None);
    }

    #[test]
    fn a_quarantined_row_shows_only_values_valid_for_their_column() {
        let h = Header::parse(
            "DATA;GENERE;ETA;CONTRATTO;ITALIANO;NOTE",
            crate::sources::SourceFormat::Lombardia,
        )
        .unwrap();
        let (cols, _) = Columns::from_header(&h, "attivati.csv").unwrap();
        let rec = csv::ByteRecord::from(vec![
            "31/01/2024",
            "F",
            "Mario Rossi",
            "LAVORO A TEMPO DETERMINATO",
            "10/12/1985",
            "Via Roma 3",
        ]);
        let e = estratto(&rec, Some(&cols), DateOrder::Dmy);
        assert_eq!(
            e,
            "31/01/2024;F;Aaaaa Aaaaa;LAVORO A TEMPO DETERMINATO;99/99/9999;Aaa Aaaa 9"
        );
        let e = estratto(&rec, None, DateOrder::Dmy);
        assert!(e.starts_with("99/99/9999;A;Aaaaa Aaaaa;AAAAAA A AAAAA"), "{e}");
    }
}
