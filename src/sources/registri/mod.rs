//! Readers of the individual records of the labour information system: the DID
//! (`docs/formato_did.md`), the workers in Cassa integrazione (`docs/formato_cig_lavoratori.md`)
//! and the liste di mobilità (`docs/formato_mobilita.md`). This module holds what the three
//! layouts share; `did.rs`, `cig_lavoratori.rs` and `mobilita.rs` the rules of each record.
//!
//! The shared CSV rules: the encoding established from the bytes (`sources::encoding`), an
//! optional UTF-8 BOM, `;` or `,` (from the header line), LF or CRLF, RFC 4180 quotes, columns
//! matched by name in any order (extra columns are ignored and never copied anywhere: they may
//! hold names or addresses), dates `YYYY-MM-DD` or `dd/mm/yyyy`, numbers with a decimal point or
//! an Italian decimal comma (`1.234,5`). A file whose header lacks a mandatory column is refused
//! with a message naming the columns seen; a file where a record spans several lines is refused
//! naming the line (one record per line, so `letti` is the number of lines after the header).
//!
//! Each record is checked alone here (mandatory fields, codes against
//! `reference/oml/registri_codici.csv` and the other lists, CFs); the codice fiscale is turned into
//! the keyed pseudonym of `privacy` exactly as the CO ingest does (normalised, de-omocoded), with
//! the sex, birth year and age class it encodes, and then dropped. The rules between records
//! (sequences of events, overlaps) need the lake and are in `ingest::registri`.
//!
//! A coded column no list checks (`codice_sportello`, `causale`) keeps its value only when it has
//! the shape of a code of the column ([`codificato`], the rule of `privacy`); otherwise the
//! value is dropped, the record accepted, and the value counted by its shape.
//!
//! A refused record keeps, in `registri_quarantena`, an excerpt ([`Riga::estratto`]) and a
//! detail that show a value only when it is valid for its column ([`Dominio`]), else its shape
//! (the rule of `privacy`: `Mario Rossi` typed into `cittadinanza` is `Aaaaa Aaaaa`).

pub mod cig_lavoratori;
pub mod did;
pub mod mobilita;
#[cfg(test)]
mod tests;

use super::encoding::EncodingEvidence;
use crate::privacy::{id_hex, shape, shown, Pseudonymizer};
use crate::quality::{cf, chiave_scartato, classe_eta, mask_cf_patterns, CampoCodificato};
use crate::reference::{CodeCheck, Reference};
use anyhow::{bail, Result};
use chrono::{Datelike, NaiveDate};

/// Why a record of these layouts is quarantined (`registri_quarantena.motivo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Motivo {
    RecordMalformato,
    CampoMancante,
    DataNonValida,
    NumeroNonValido,
    CfLavoratoreFormato,
    CfLavoratoreCarattereControllo,
    CfDatoreNonValido,
    CodiceSconosciuto,
    DateIncoerenti,
    OreNonValide,
    Duplicato,
    SenzaRilascio,
    RilascioRipetuto,
    EventoFuoriEpisodio,
    SequenzaNonValida,
    LavoratoreDiverso,
    DidSovrapposta,
    PeriodoSovrapposto,
    IscrizioneDopo2017,
    SenzaIscrizione,
    IscrizioneRipetuta,
    EventoFuoriPratica,
}

impl Motivo {
    pub const ALL: [Motivo; 22] = [
        Motivo::RecordMalformato,
        Motivo::CampoMancante,
        Motivo::DataNonValida,
        Motivo::NumeroNonValido,
        Motivo::CfLavoratoreFormato,
        Motivo::CfLavoratoreCarattereControllo,
        Motivo::CfDatoreNonValido,
        Motivo::CodiceSconosciuto,
        Motivo::DateIncoerenti,
        Motivo::OreNonValide,
        Motivo::Duplicato,
        Motivo::SenzaRilascio,
        Motivo::RilascioRipetuto,
        Motivo::EventoFuoriEpisodio,
        Motivo::SequenzaNonValida,
        Motivo::LavoratoreDiverso,
        Motivo::DidSovrapposta,
        Motivo::PeriodoSovrapposto,
        Motivo::IscrizioneDopo2017,
        Motivo::SenzaIscrizione,
        Motivo::IscrizioneRipetuta,
        Motivo::EventoFuoriPratica,
    ];

    /// The code stored in `registri_quarantena.motivo` (the codes shared with the CO are the same).
    pub fn code(self) -> &'static str {
        match self {
            Motivo::RecordMalformato => "record_malformato",
            Motivo::CampoMancante => "campo_mancante",
            Motivo::DataNonValida => "data_non_valida",
            Motivo::NumeroNonValido => "numero_non_valido",
            Motivo::CfLavoratoreFormato => "cf_lavoratore_formato",
            Motivo::CfLavoratoreCarattereControllo => "cf_lavoratore_carattere_controllo",
            Motivo::CfDatoreNonValido => "cf_datore_non_valido",
            Motivo::CodiceSconosciuto => "codice_sconosciuto",
            Motivo::DateIncoerenti => "date_incoerenti",
            Motivo::OreNonValide => "ore_non_valide",
            Motivo::Duplicato => "duplicato",
            Motivo::SenzaRilascio => "senza_rilascio",
            Motivo::RilascioRipetuto => "rilascio_ripetuto",
            Motivo::EventoFuoriEpisodio => "evento_fuori_episodio",
            Motivo::SequenzaNonValida => "sequenza_non_valida",
            Motivo::LavoratoreDiverso => "lavoratore_diverso",
            Motivo::DidSovrapposta => "did_sovrapposta",
            Motivo::PeriodoSovrapposto => "periodo_sovrapposto",
            Motivo::IscrizioneDopo2017 => "iscrizione_dopo_2017",
            Motivo::SenzaIscrizione => "senza_iscrizione",
            Motivo::IscrizioneRipetuta => "iscrizione_ripetuta",
            Motivo::EventoFuoriPratica => "evento_fuori_pratica",
        }
    }

    /// One line in Italian for reports and the docs.
    pub fn descrizione(self) -> &'static str {
        match self {
            Motivo::RecordMalformato => "numero di colonne diverso dall'intestazione",
            Motivo::CampoMancante => "campo obbligatorio vuoto",
            Motivo::DataNonValida => "data illeggibile o impossibile",
            Motivo::NumeroNonValido => "numero illeggibile",
            Motivo::CfLavoratoreFormato => "codice fiscale del lavoratore malformato",
            Motivo::CfLavoratoreCarattereControllo => "codice fiscale del lavoratore con carattere di controllo errato",
            Motivo::CfDatoreNonValido => "codice fiscale o partita IVA del datore non valido",
            Motivo::CodiceSconosciuto => "codice assente dalle tabelle di riferimento",
            Motivo::DateIncoerenti => "fine prima dell'inizio",
            Motivo::OreNonValide => "ore autorizzate non positive o ore utilizzate oltre le autorizzate",
            Motivo::Duplicato => "record già acquisito (stesso contenuto)",
            Motivo::SenzaRilascio => "evento di una DID il cui rilascio non è nel lago né nel file",
            Motivo::RilascioRipetuto => "secondo rilascio della stessa DID",
            Motivo::EventoFuoriEpisodio => "evento prima del rilascio o dopo la fine della DID",
            Motivo::SequenzaNonValida => {
                "evento fuori sequenza (ripresa senza sospensione, fine prestazione senza inizio, reiscrizione senza cancellazione…)"
            }
            Motivo::LavoratoreDiverso => "evento con un lavoratore diverso da quello del rilascio o dell'iscrizione",
            Motivo::DidSovrapposta => "DID della stessa persona mentre un'altra è aperta",
            Motivo::PeriodoSovrapposto => "periodo di CIG sovrapposto a un altro dello stesso lavoratore e datore",
            Motivo::IscrizioneDopo2017 => "iscrizione alle liste di mobilità dal 2017-01-01 (L. 92/2012)",
            Motivo::SenzaIscrizione => "evento di una pratica la cui iscrizione non è nel lago né nel file",
            Motivo::IscrizioneRipetuta => "seconda iscrizione della stessa pratica",
            Motivo::EventoFuoriPratica => "evento prima dell'iscrizione o a pratica cancellata",
        }
    }
}

/// A record refused: reason, column at fault and a detail that never holds personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rifiuto {
    pub motivo: Motivo,
    pub campo: Option<&'static str>,
    pub dettaglio: String,
}

impl Rifiuto {
    pub fn new(motivo: Motivo, campo: &'static str, dettaglio: impl Into<String>) -> Rifiuto {
        Rifiuto {
            motivo,
            campo: Some(campo),
            dettaglio: mask_cf_patterns(&dettaglio.into()),
        }
    }
}

/// What the values of a column are: the check a value must pass to be shown in a quarantine
/// excerpt (`privacy::shown`: otherwise its shape), which is the check the record's validation
/// applies to that column (the same functions below).
#[derive(Debug, Clone, Copy)]
pub enum Dominio {
    /// Personal (a codice fiscale, an identifier): never shown, `***`.
    Personale,
    /// A code of one of these lists of `reference/oml/registri_codici.csv` ([`code`]).
    Codice(&'static [&'static str]),
    /// A CPI ([`cpi`]).
    Cpi,
    /// A Belfiore code of a comune or a foreign state ([`comune`]).
    Comune,
    /// An ATECO 2007 code ([`ateco`]).
    Ateco,
    /// A citizenship code ([`cittadinanza`]).
    Cittadinanza,
    /// A livello di istruzione code ([`livello`]).
    Livello,
    /// A date ([`date`]).
    Data,
    /// A number ([`number`]).
    Numero,
    /// `SI` / `NO` ([`flag`]).
    SiNo,
    /// `M` / `F`.
    Sesso,
    /// A coded field stored as given: kept when it has the shape of a code of the field
    /// (`quality::codici`), else dropped from the record ([`codificato`]).
    Codificato(CampoCodificato),
}

impl Dominio {
    /// Whether `v` (trimmed, not empty) is valid for a column of this domain.
    pub fn ammette(self, v: &str) -> bool {
        match self {
            Dominio::Personale => false,
            Dominio::Codificato(campo) => campo.ammette(v),
            Dominio::Codice(liste) => code(v, liste, "").is_ok(),
            Dominio::Cpi => cpi(v, "").is_ok(),
            Dominio::Comune => comune(Some(v), "").is_ok(),
            Dominio::Ateco => ateco(Some(v), "").is_ok(),
            // Known at any date: the validation takes a code not in force at the date too.
            Dominio::Cittadinanza => cittadinanza(v, NaiveDate::default()).is_ok(),
            Dominio::Livello => livello(v).is_ok(),
            Dominio::Data => crate::quality::dates::parse_date(v).is_some(),
            Dominio::Numero => number(v).is_some(),
            Dominio::SiNo => flag(v, "").is_ok(),
            Dominio::Sesso => matches!(v, "M" | "F"),
        }
    }
}

/// A column of a layout: its name, whether the header must have it, what its values are.
pub struct Colonna {
    pub nome: &'static str,
    pub obbligatoria: bool,
    pub dominio: Dominio,
}

impl Colonna {
    pub const fn new(nome: &'static str, obbligatoria: bool, dominio: Dominio) -> Colonna {
        Colonna {
            nome,
            obbligatoria,
            dominio,
        }
    }

    /// A personal column: never shown in a quarantine excerpt.
    pub fn personale(&self) -> bool {
        matches!(self.dominio, Dominio::Personale)
    }
}

/// A layout: its name (`formato`) and columns.
pub struct Tracciato {
    pub formato: &'static str,
    pub colonne: &'static [Colonna],
}

/// One record of a file: its line and the values of the layout's columns, in layout order
/// (empty for a column the header lacks).
pub struct Riga {
    pub riga: u64,
    pub valori: Vec<String>,
}

impl Riga {
    /// The value of layout column `i`, trimmed.
    pub fn get(&self, i: usize) -> &str {
        self.valori[i].trim()
    }

    /// The value, or None when empty.
    pub fn opt(&self, i: usize) -> Option<&str> {
        let v = self.get(i);
        (!v.is_empty()).then_some(v)
    }

    /// The record as it may be stored in quarantine: the layout's columns only (extra columns are
    /// never copied), personal ones as `***`, a value not valid for its column ([`Dominio`]) as
    /// its shape (`privacy::shape`), every identifier-shaped token masked.
    pub fn estratto(&self, t: &Tracciato) -> String {
        let mut out = String::new();
        for (c, v) in t.colonne.iter().zip(&self.valori) {
            if !out.is_empty() {
                out.push(';');
            }
            out.push_str(c.nome);
            out.push('=');
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            if c.personale() {
                out.push_str("***");
            } else {
                out.push_str(&shown(v, c.dominio.ammette(v)).replace([';', '\n', '\r'], " "));
            }
        }
        mask_cf_patterns(&out)
    }

    /// A keyed fingerprint of the record's content (the layout's columns, trimmed, codice
    /// fiscale normalised): the same record in another file, with other line ends, column order
    /// or encoding, has the same one.
    pub fn impronta(&self, t: &Tracciato, pseudo: &Pseudonymizer) -> String {
        let mut s = String::new();
        for (c, v) in t.colonne.iter().zip(&self.valori) {
            s.push_str(c.nome);
            s.push('=');
            if c.personale() {
                s.push_str(&cf::normalize(v.trim()));
            } else {
                s.push_str(v.trim());
            }
            s.push('\u{1f}');
        }
        hex(pseudo.identifier(&format!("record:{}", t.formato), &s))
    }
}

/// A file read: its records (or, per line, why it could not be read as one).
pub struct File {
    pub codifica: &'static str,
    pub righe: Vec<std::result::Result<Riga, (u64, Rifiuto)>>,
}

/// Reads `bytes` (named `name` in messages) as a file of layout `t`.
pub fn read(name: &str, bytes: &[u8], t: &Tracciato) -> Result<File> {
    super::encoding::check_start(bytes)?;
    let mut ev = EncodingEvidence::default();
    ev.observe(bytes, 1);
    let enc = ev.decide().map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    let text = enc.to_utf8(bytes.to_vec());
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&text);
    let first_line = text.split(|&b| b == b'\n').next().unwrap_or_default();
    let delimiter = if first_line.contains(&b';') { b';' } else { b',' };
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text);
    let mut records = rd.records();
    let header: Vec<String> = match records.next() {
        Some(h) => h
            .map_err(|e| anyhow::anyhow!("{name}, line 1: unreadable header: {e}"))?
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect(),
        None => bail!("{name}: empty file (no header)"),
    };
    let mut map = Vec::with_capacity(t.colonne.len());
    let mut missing = Vec::new();
    for c in t.colonne {
        let hits: Vec<usize> = (0..header.len()).filter(|&i| header[i] == c.nome).collect();
        if hits.len() > 1 {
            bail!("{name}, line 1: column {} appears {} times", c.nome, hits.len());
        }
        if hits.is_empty() && c.obbligatoria {
            missing.push(c.nome);
        }
        map.push(hits.first().copied());
    }
    if !missing.is_empty() {
        let seen: Vec<String> = header.iter().map(|h| mask_cf_patterns(h)).collect();
        bail!(
            "{name}: not a `{}` file (docs/formato_{}.md): missing mandatory column(s) {}; columns seen: {}. Nothing was loaded.",
            t.formato,
            t.formato,
            missing.join(", "),
            seen.join(", ")
        );
    }
    let lines = line_kinds(text);
    let spans = |start: u64| {
        anyhow::anyhow!(
            "{name}, line {start}: the record starting there runs over several lines (a quoted line break?): \
             the layout has one record per line. Nothing was loaded."
        )
    };
    let (mut prev, mut next_line) = (1, next_content_line(&lines, 2));
    // (byte offset, line ends before it) of the last record read.
    let mut counted = (0usize, 0u64);
    let mut righe = Vec::new();
    for rec in records {
        let rec = rec.map_err(|e| anyhow::anyhow!("{name}: {}", mask_cf_patterns(&e.to_string())))?;
        // The line from the byte offset (the csv crate counts a CR and an LF as two line ends),
        // counting the line ends since the previous record only.
        let mut byte = rec.position().map_or(0, |p| p.byte()) as usize;
        // After a CR the position may point at the LF of the same line end.
        if text.get(byte) == Some(&b'\n') {
            byte += 1;
        }
        let byte = byte.clamp(counted.0, text.len());
        counted.1 += text[counted.0..byte].iter().filter(|&&b| b == b'\n').count() as u64;
        counted.0 = byte;
        let line = counted.1 + 1;
        if line != next_line {
            return Err(spans(prev));
        }
        prev = line;
        next_line = next_content_line(&lines, line + 1);
        if rec.len() != header.len() {
            righe.push(Err((
                line,
                Rifiuto {
                    motivo: Motivo::RecordMalformato,
                    campo: None,
                    dettaglio: format!("{} campi invece di {}", rec.len(), header.len()),
                },
            )));
            continue;
        }
        let valori = map
            .iter()
            .map(|m| m.map(|i| rec[i].to_string()).unwrap_or_default())
            .collect();
        righe.push(Ok(Riga { riga: line, valori }));
    }
    if next_line as usize <= lines.len() {
        return Err(spans(prev));
    }
    Ok(File {
        codifica: enc.name(),
        righe,
    })
}

/// For each line (1-based index - 1): whether it holds anything but blanks.
fn line_kinds(text: &[u8]) -> Vec<bool> {
    let mut v: Vec<bool> = text
        .split(|&b| b == b'\n')
        .map(|l| l.iter().any(|b| !b.is_ascii_whitespace()))
        .collect();
    if text.ends_with(b"\n") {
        v.pop();
    }
    v
}

/// The first line at or after `from` with content (past the end: `len + 1`).
fn next_content_line(lines: &[bool], from: u64) -> u64 {
    let mut l = from;
    while (l as usize) <= lines.len() && !lines[l as usize - 1] {
        l += 1;
    }
    l
}

/// 32 hex characters.
pub fn hex(id: [u8; 16]) -> String {
    let mut h = [0u8; 32];
    id_hex(&id, &mut h);
    String::from_utf8_lossy(&h).into_owned()
}

/// A mandatory value.
pub fn required<'a>(r: &'a Riga, i: usize, t: &Tracciato) -> Result<&'a str, Rifiuto> {
    r.opt(i)
        .ok_or_else(|| Rifiuto::new(Motivo::CampoMancante, t.colonne[i].nome, "vuoto"))
}

/// A date (`YYYY-MM-DD` or `dd/mm/yyyy`), if present.
pub fn date(r: &Riga, i: usize, t: &Tracciato) -> Result<Option<NaiveDate>, Rifiuto> {
    match r.opt(i) {
        None => Ok(None),
        Some(v) => crate::quality::dates::parse_date(v).map(Some).ok_or_else(|| {
            Rifiuto::new(
                Motivo::DataNonValida,
                t.colonne[i].nome,
                format!("data '{}' non valida", shape(v)),
            )
        }),
    }
}

/// A number with a decimal point (`312.5`) or an Italian decimal comma and optional thousands
/// points (`1.234,5`).
pub fn number(s: &str) -> Option<f64> {
    let s = s.trim();
    let t = if s.contains(',') {
        s.replace('.', "").replace(',', ".")
    } else {
        s.to_string()
    };
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A value that must be a code of one of the lists `tabelle` of
/// `reference/oml/registri_codici.csv`.
pub fn code<'a>(v: &'a str, tabelle: &[&str], campo: &'static str) -> Result<&'a str, Rifiuto> {
    let r = Reference::get();
    if tabelle.iter().any(|t| r.codice_registro(t, v).is_some()) {
        return Ok(v);
    }
    Err(Rifiuto::new(
        Motivo::CodiceSconosciuto,
        campo,
        format!("'{}' non è un codice di {}", shape(v), tabelle.join(" o ")),
    ))
}

/// A value of layout column `i`, which must be a code of the column's lists
/// ([`Dominio::Codice`], the one home of the lists a column takes).
pub fn codice<'a>(v: &'a str, i: usize, t: &Tracciato) -> Result<&'a str, Rifiuto> {
    let c = &t.colonne[i];
    let tabelle = match c.dominio {
        Dominio::Codice(l) => l,
        _ => &[],
    };
    code(v, tabelle, c.nome)
}

/// `SI` / `NO`.
pub fn flag(v: &str, campo: &'static str) -> Result<bool, Rifiuto> {
    match v.to_ascii_uppercase().as_str() {
        "SI" | "S" | "SÌ" => Ok(true),
        "NO" | "N" => Ok(false),
        _ => Err(Rifiuto::new(
            Motivo::CodiceSconosciuto,
            campo,
            format!("'{}' non è SI/NO", shape(v)),
        )),
    }
}

/// What the lake keeps of a worker: the pseudonym and what the CF says (sex, birth year, age
/// class at `at`). A provisional numeric CF gives the pseudonym only.
#[derive(Debug, Clone, Default)]
pub struct Persona {
    pub id: String,
    pub sesso: Option<&'static str>,
    pub anno_nascita: Option<i32>,
    pub classe_eta: Option<&'static str>,
}

/// The worker of a record, as the CO ingest makes it (`quality::validate`: normalised,
/// de-omocoded, keyed with the lake's key).
pub fn persona(
    cf_raw: &str,
    at: NaiveDate,
    campo: &'static str,
    pseudo: &mut Pseudonymizer,
) -> Result<Persona, Rifiuto> {
    let cf_n = cf::normalize(cf_raw);
    if cf_n.len() == 11 && cf_n.bytes().all(|c| c.is_ascii_digit()) {
        if !cf::validate_numeric(&cf_n) {
            return Err(Rifiuto::new(
                Motivo::CfLavoratoreCarattereControllo,
                campo,
                "codice fiscale numerico provvisorio con cifra di controllo errata",
            ));
        }
        return Ok(Persona {
            id: hex(pseudo.worker(&cf_n)),
            ..Persona::default()
        });
    }
    let info = match cf::validate_personal(&cf_n) {
        Ok(i) => i,
        Err(cf::CfError::Format) => {
            return Err(Rifiuto::new(
                Motivo::CfLavoratoreFormato,
                campo,
                format!("codice fiscale malformato ({} caratteri)", cf_n.chars().count()),
            ))
        }
        Err(cf::CfError::CheckChar) => {
            return Err(Rifiuto::new(
                Motivo::CfLavoratoreCarattereControllo,
                campo,
                "carattere di controllo errato",
            ))
        }
    };
    let key = if info.omocodico {
        cf::deomocode(&cf_n)
    } else {
        cf_n.into_owned()
    };
    // Century: the most recent one that makes the person at least 14 at the date (as the CO).
    let y = at.year();
    let mut by = (y / 100) * 100 + info.yy as i32;
    if y - by < 14 {
        by -= 100;
    }
    let eta = NaiveDate::from_ymd_opt(by, info.mese as u32, info.giorno as u32)
        .and_then(|n| at.years_since(n))
        .map_or(y - by, |a| a as i32);
    Ok(Persona {
        id: hex(pseudo.worker(&key)),
        sesso: Some(if info.sesso == 'F' { "F" } else { "M" }),
        anno_nascita: Some(by),
        classe_eta: Some(classe_eta(eta)),
    })
}

/// The employer's pseudonym (CF or partita IVA), as the CO ingest makes it.
pub fn datore(cf_raw: &str, campo: &'static str, pseudo: &mut Pseudonymizer) -> Result<String, Rifiuto> {
    let c = cf::normalize(cf_raw);
    if !cf::validate_employer(&c) {
        return Err(Rifiuto::new(
            Motivo::CfDatoreNonValido,
            campo,
            "né partita IVA/CF numerico valido né codice fiscale personale valido",
        ));
    }
    let key = match cf::validate_personal(&c) {
        Ok(i) if i.omocodico => cf::deomocode(&c),
        _ => c.into_owned(),
    };
    Ok(hex(pseudo.employer(&key)))
}

/// A Belfiore code of a comune, kept as its ISTAT code (a foreign state: none).
pub fn comune(v: Option<&str>, campo: &'static str) -> Result<Option<String>, Rifiuto> {
    let r = Reference::get();
    match v {
        None => Ok(None),
        Some(d) if d.starts_with('Z') && r.stato_estero(d).is_some() => Ok(None),
        Some(d) => match r.comune_any(d) {
            Some(c) => Ok(Some(c.istat.clone())),
            None => Err(Rifiuto::new(
                Motivo::CodiceSconosciuto,
                campo,
                format!("comune '{}'", shape(d)),
            )),
        },
    }
}

/// A CPI: a code of `reference/oml/cpi_comuni.csv`, or `PRV-<sigla>` for a province without one.
pub fn cpi(v: &str, campo: &'static str) -> Result<String, Rifiuto> {
    let r = Reference::get();
    if r.cpis().iter().any(|c| c.codice == v) || v.strip_prefix("PRV-").is_some_and(|s| r.provincia(s).is_some()) {
        return Ok(v.to_string());
    }
    Err(Rifiuto::new(
        Motivo::CodiceSconosciuto,
        campo,
        format!("CPI '{}'", shape(v)),
    ))
}

/// An ATECO 2007 code, as the ATECO list writes it.
pub fn ateco(v: Option<&str>, campo: &'static str) -> Result<Option<String>, Rifiuto> {
    match v {
        None => Ok(None),
        Some(a) => match Reference::get().ateco(a) {
            Some(x) => Ok(Some(x.codice.clone())),
            None => Err(Rifiuto::new(
                Motivo::CodiceSconosciuto,
                campo,
                format!("ATECO '{}'", shape(a)),
            )),
        },
    }
}

/// Citizenship, education level and domicile (ISTAT code), as the lake keeps them.
pub type Attributi = (Option<String>, Option<String>, Option<String>);

/// A citizenship code, known at some date (one not in force at `at` is taken, as the CO).
pub fn cittadinanza(c: &str, at: NaiveDate) -> Result<String, Rifiuto> {
    match Reference::get().cittadinanza(c, at) {
        CodeCheck::Valid(x) | CodeCheck::NotValidAtDate(x) => Ok(x.codice.clone()),
        CodeCheck::Unknown => Err(Rifiuto::new(
            Motivo::CodiceSconosciuto,
            "cittadinanza",
            format!("cittadinanza '{}'", shape(c)),
        )),
    }
}

/// The value of the coded layout column `i` ([`Dominio::Codificato`]) as the lake keeps it:
/// `None` when empty or without the shape of a code of the column, in which case the value's
/// key (the column and the value's shape, `quality::chiave_scartato`) goes to `scartati`.
pub fn codificato(r: &Riga, i: usize, t: &Tracciato, scartati: &mut Vec<String>) -> Option<String> {
    let v = r.opt(i)?;
    let Dominio::Codificato(campo) = t.colonne[i].dominio else {
        return None;
    };
    let kept = campo.codice(v).map(str::to_string);
    if kept.is_none() {
        scartati.push(chiave_scartato(campo, v));
    }
    kept
}

/// A livello di istruzione code, as the list writes it (never its description).
pub fn livello(l: &str) -> Result<String, Rifiuto> {
    match Reference::get().livello_studio_codice(l) {
        Some(x) => Ok(x.to_string()),
        None => Err(Rifiuto::new(
            Motivo::CodiceSconosciuto,
            "livello_istruzione",
            format!("livello '{}'", shape(l)),
        )),
    }
}

/// The declared attributes shared by DID and mobility: citizenship (valid at `at`), education
/// level, domicile.
pub fn attributi(
    citt: Option<&str>,
    liv: Option<&str>,
    domicilio: Option<&str>,
    at: NaiveDate,
) -> Result<Attributi, Rifiuto> {
    Ok((
        citt.map(|c| cittadinanza(c, at)).transpose()?,
        liv.map(livello).transpose()?,
        comune(domicilio, "comune_domicilio")?,
    ))
}
