//! INPS cassa integrazione (CIG) open data, read as INPS publishes it, into long rows.
//!
//! Three layouts (`docs/formato_cig.md`, DOMAIN.md §4): **A**, the "Fondi di solidarietà, ore
//! autorizzate" file (`Anno,gestione_fondi,Regione,Mese,Ramo di attività,totale_ore_autorizzate`);
//! **B**, the "Integrazioni salariali" files (`Anno,Mese,Tipo_intervento,Regione,` then
//! `numero_lavoratori`, `numero_domande` or `numero_mensilita`); and the **classic** provincial
//! table of the Osservatorio CIG (anno, mese, provincia or regione, settore, tipo intervento, ore
//! autorizzate), long or wide (months or types of intervention as columns). The layout is told
//! by the header (or forced); a header that fits none is refused naming the columns it has.
//!
//! What real files hold is accepted: UTF-8 with or without BOM (or Latin-1, found from the
//! bytes), CRLF or LF, `;` or `,` (the one the header line uses more), Italian month names,
//! INPS's own region and sector spellings (mapped to codes through `reference/oml/inps_*.csv`),
//! numbers written `15785.0`, `1.234,5` or `1234`, empty cells and `.`/`-` for "no value"
//! (counted, no row). The file is read whole or refused: a value with no code is listed with
//! every other unmapped value of the file, a malformed number or a repeated key is named with
//! its line. Values are kept exact (millionths, [`Micro`]) so the loader can check that the
//! totals it stores equal the file's own.

use crate::reference::Reference;
use crate::sources::encoding::{check_start, EncodingEvidence};
use anyhow::{anyhow, bail, Result};
use std::collections::{BTreeMap, BTreeSet};

/// A value in millionths: exact for every number INPS writes (at most 6 decimals).
pub type Micro = i128;

/// Millionths per unit.
pub const MICRO: Micro = 1_000_000;

/// The layout of a CIG file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum CigFormat {
    /// Format A: "CIG Fondi di Solidarietà — ore autorizzate" (regions, gestione, ramo).
    A,
    /// Format B: "Integrazioni salariali" — lavoratori, domande or mensilità by region.
    B,
    /// The classic provincial (or regional) table of the Osservatorio CIG, long or wide.
    Classica,
}

impl CigFormat {
    /// The name stated in the lake (`formato`).
    pub fn name(self) -> &'static str {
        match self {
            CigFormat::A => "inps_fondi_solidarieta",
            CigFormat::B => "inps_integrazioni_salariali",
            CigFormat::Classica => "cig_classica",
        }
    }
}

/// What a value counts. Never summed across: hours are not workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Misura {
    OreAutorizzate,
    Lavoratori,
    Domande,
    Mensilita,
}

impl Misura {
    /// `ore_autorizzate`, `lavoratori`, `domande`, `mensilita`.
    pub fn code(self) -> &'static str {
        match self {
            Misura::OreAutorizzate => "ore_autorizzate",
            Misura::Lavoratori => "lavoratori",
            Misura::Domande => "domande",
            Misura::Mensilita => "mensilita",
        }
    }
}

/// The level of a territory code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Livello {
    /// Code `IT`.
    Italia,
    /// 2-digit ISTAT region code.
    Regione,
    /// 3-digit ISTAT province code.
    Provincia,
}

impl Livello {
    /// `italia`, `regione`, `provincia`.
    pub fn code(self) -> &'static str {
        match self {
            Livello::Italia => "italia",
            Livello::Regione => "regione",
            Livello::Provincia => "provincia",
        }
    }
}

/// One value of a CIG file, coded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CigRow {
    pub anno: i32,
    pub mese: u32,
    pub territorio: String,
    pub livello: Livello,
    pub tipo_intervento: String,
    pub settore: String,
    pub misura: Misura,
    pub valore: Micro,
    /// Line of the file the value is on (the header is line 1).
    pub riga: u64,
}

/// A CIG file read whole.
#[derive(Debug, Clone)]
pub struct CigFile {
    pub formato: CigFormat,
    pub righe: Vec<CigRow>,
    /// Data records of the file (the header excluded).
    pub record: u64,
    /// Cells with no value (empty, `.`, `-`): no row.
    pub celle_vuote: u64,
    /// The file's own totals per measure, summed from its cells as written.
    pub totali: BTreeMap<Misura, Micro>,
}

/// The sector code of rows from a file without a sector (format B).
pub const SETTORE_NON_DISTINTO: &str = "NON_DISTINTO";

/// A dimension column of a layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dim {
    Anno,
    Mese,
    Territorio(Kind),
    Settore,
    Tipo,
    Valore(Misura),
}

/// Which territory a column names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Regione,
    Provincia,
    Qualsiasi,
}

/// A wide column: its month or type of intervention, and where it is.
#[derive(Debug, Clone)]
enum Wide {
    Mese(u32),
    Tipo(String),
}

/// A header matched to a layout.
struct Layout {
    formato: CigFormat,
    dims: Vec<(usize, Dim)>,
    wide: Vec<(usize, Wide)>,
    misura: Misura,
}

/// The canonical form of a header cell: `Ramo di attività` → `RAMO DI ATTIVITA`.
fn norm(h: &str) -> String {
    crate::reference::normalize_label(h)
}

/// Formats A and B: the exact INPS headers.
fn layout_inps(cols: &[String], forced: Option<CigFormat>) -> Option<Layout> {
    let pos = |n: &str| cols.iter().position(|c| c == n);
    let a = [
        ("ANNO", Dim::Anno),
        ("GESTIONE FONDI", Dim::Tipo),
        ("REGIONE", Dim::Territorio(Kind::Regione)),
        ("MESE", Dim::Mese),
        ("RAMO DI ATTIVITA", Dim::Settore),
        ("TOTALE ORE AUTORIZZATE", Dim::Valore(Misura::OreAutorizzate)),
    ];
    if cols.len() == a.len() && forced.is_none_or(|f| f == CigFormat::A) {
        if let Some(dims) = a
            .iter()
            .map(|(n, d)| pos(n).map(|i| (i, *d)))
            .collect::<Option<Vec<_>>>()
        {
            return Some(Layout {
                formato: CigFormat::A,
                dims,
                wide: Vec::new(),
                misura: Misura::OreAutorizzate,
            });
        }
    }
    if cols.len() != 5 || forced.is_some_and(|f| f != CigFormat::B) {
        return None;
    }
    let misura = [
        ("NUMERO LAVORATORI", Misura::Lavoratori),
        ("NUMERO DOMANDE", Misura::Domande),
        ("NUMERO MENSILITA", Misura::Mensilita),
    ]
    .into_iter()
    .find_map(|(n, m)| pos(n).map(|i| (i, m)))?;
    let mut dims = vec![(misura.0, Dim::Valore(misura.1))];
    for (n, d) in [
        ("ANNO", Dim::Anno),
        ("MESE", Dim::Mese),
        ("TIPO INTERVENTO", Dim::Tipo),
        ("REGIONE", Dim::Territorio(Kind::Regione)),
    ] {
        dims.push((pos(n)?, d));
    }
    Some(Layout {
        formato: CigFormat::B,
        dims,
        wide: Vec::new(),
        misura: misura.1,
    })
}

/// The classic table: named dimension columns, then either an hours column (long) or, in place
/// of the month or of the type of intervention, one column per month or per type (wide).
fn layout_classica(cols: &[String], r: &Reference) -> Option<Layout> {
    let mut dims = Vec::new();
    let mut rest = Vec::new();
    for (i, c) in cols.iter().enumerate() {
        let d = match c.as_str() {
            "ANNO" => Dim::Anno,
            "MESE" => Dim::Mese,
            "PROVINCIA" => Dim::Territorio(Kind::Provincia),
            "REGIONE" => Dim::Territorio(Kind::Regione),
            "TERRITORIO" => Dim::Territorio(Kind::Qualsiasi),
            "SETTORE" | "GESTIONE" => Dim::Settore,
            "TIPO INTERVENTO" | "INTERVENTO" => Dim::Tipo,
            "ORE AUTORIZZATE" | "ORE" => Dim::Valore(Misura::OreAutorizzate),
            _ => {
                rest.push(i);
                continue;
            }
        };
        if dims
            .iter()
            .any(|(_, x)| std::mem::discriminant(x) == std::mem::discriminant(&d))
        {
            return None;
        }
        dims.push((i, d));
    }
    let has = |want: fn(&Dim) -> bool| dims.iter().any(|(_, d)| want(d));
    let base = has(|d| *d == Dim::Anno) && has(|d| matches!(d, Dim::Territorio(_))) && has(|d| *d == Dim::Settore);
    let (mese, tipo, valore) = (
        has(|d| *d == Dim::Mese),
        has(|d| *d == Dim::Tipo),
        has(|d| matches!(d, Dim::Valore(_))),
    );
    let wide: Option<Vec<(usize, Wide)>> = match (mese, tipo, valore) {
        (true, true, true) if rest.is_empty() => Some(Vec::new()),
        (false, true, false) => rest
            .iter()
            .map(|&i| r.mese(&cols[i]).map(|m| (i, Wide::Mese(m))))
            .collect(),
        (true, false, false) => rest
            .iter()
            .map(|&i| r.inps_intervento(&cols[i]).map(|v| (i, Wide::Tipo(v.codice.clone()))))
            .collect(),
        _ => None,
    };
    let wide = wide.filter(|w| valore || !w.is_empty())?;
    base.then_some(Layout {
        formato: CigFormat::Classica,
        dims,
        wide,
        misura: Misura::OreAutorizzate,
    })
}

const EXPECTED: &str = "format A `Anno,gestione_fondi,Regione,Mese,Ramo di attività,totale_ore_autorizzate`; \
format B `Anno,Mese,Tipo_intervento,Regione,numero_lavoratori|numero_domande|numero_mensilita`; \
classica `anno;mese;provincia|regione|territorio;settore;tipo_intervento;ore_autorizzate`, or wide with one \
column per month (no mese) or per type of intervention (no tipo_intervento) — see docs/formato_cig.md";

/// The delimiter the header line uses more: `;` or `,`.
fn delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or_default();
    if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    }
}

/// A number as INPS and Italian spreadsheets write it, in millionths; `None` for no value
/// (empty, `.`, `-`). With a comma the Italian form is read (`1.234,5`: `.` groups thousands);
/// without one, `.` is a decimal point (`15785.0`), except in a `;` file where a `.` followed
/// by groups of exactly three digits groups thousands (`1.234` = 1234).
pub fn parse_number(s: &str, semicolon: bool) -> Result<Option<Micro>, String> {
    let s = s.trim();
    if s.is_empty() || s == "." || s == "-" {
        return Ok(None);
    }
    let bad = || format!("'{s}' is not a number (expected e.g. 15785.0, 1.234,5 or 1234)");
    let grouped = |int: &str| -> Option<String> {
        let mut parts = int.split('.');
        let first = parts.next()?;
        if first.is_empty() || first.len() > 3 {
            return None;
        }
        let rest: Vec<&str> = parts.collect();
        rest.iter()
            .all(|p| p.len() == 3)
            .then(|| std::iter::once(first).chain(rest).collect())
    };
    let (int, frac) = match s.split_once(',') {
        Some((int, frac)) => (
            if int.contains('.') {
                grouped(int).ok_or_else(bad)?
            } else {
                int.to_string()
            },
            frac,
        ),
        None => match s.split_once('.') {
            Some(_) if semicolon && grouped(s).is_some() => (grouped(s).ok_or_else(bad)?, ""),
            Some((int, frac)) => (int.to_string(), frac),
            None => (s.to_string(), ""),
        },
    };
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(&int) || !digits(frac) || frac.len() > 6 || int.len() > 24 {
        return Err(bad());
    }
    let whole: Micro = int.parse().map_err(|_| bad())?;
    let frac_v: Micro = if frac.is_empty() {
        0
    } else {
        frac.parse::<Micro>().map_err(|_| bad())? * 10i128.pow(6 - frac.len() as u32)
    };
    Ok(Some(whole * MICRO + frac_v))
}

/// Reads a whole CIG file (`name` for messages), its layout detected from the header unless
/// `forced`.
pub fn read(name: &str, bytes: &[u8], forced: Option<CigFormat>) -> Result<CigFile> {
    check_start(bytes).map_err(|e| anyhow!("{name}: {e}"))?;
    let mut ev = EncodingEvidence::default();
    ev.observe(bytes, 1);
    let enc = ev.decide().map_err(|e| anyhow!("{name}: {e}"))?;
    let utf8 = enc.to_utf8(bytes.to_vec());
    let text = std::str::from_utf8(&utf8).map_err(|e| anyhow!("{name}: not valid text ({e})"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let sep = delimiter(text);
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(sep)
        .has_headers(false)
        .from_reader(text.as_bytes());
    // The header is read as a record: with `has_headers(true)` the csv crate gives the first
    // data record the header's position.
    let mut header = csv::StringRecord::new();
    if !rdr
        .read_record(&mut header)
        .map_err(|e| anyhow!("{name}, line 1: unreadable header ({e})"))?
    {
        bail!("{name}: empty file");
    }
    let raw_headers: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
    let cols: Vec<String> = raw_headers.iter().map(|h| norm(h)).collect();
    let r = Reference::get();
    let layout = match forced {
        Some(CigFormat::Classica) => layout_classica(&cols, r),
        Some(f) => layout_inps(&cols, Some(f)),
        None => layout_inps(&cols, None).or_else(|| layout_classica(&cols, r)),
    }
    .ok_or_else(|| {
        let wanted = forced.map_or("a known layout".to_string(), |f| format!("format {}", f.name()));
        anyhow!(
            "{name}: not {wanted}: the columns are {:?}. Expected: {EXPECTED}",
            raw_headers
        )
    })?;
    Reader {
        r,
        layout: &layout,
        headers: &raw_headers,
        semicolon: sep == b';',
        unmapped: BTreeMap::new(),
        errors: Vec::new(),
    }
    .read(name, text, rdr)
}

/// The line (from 1) of a record that starts at byte `pos` of `text`: a `\n` at `pos` (the
/// end of a CRLF, where the csv crate leaves its position) belongs to the line before.
/// The line numbers of byte positions met in increasing order, counted incrementally so that a
/// file of hundreds of thousands of rows is not rescanned from the top for each (a position
/// before the last one restarts the count).
struct Lines<'t> {
    text: &'t [u8],
    pos: usize,
    line: u64,
}

impl Lines<'_> {
    /// 1 + the line ends up to and including `pos`.
    fn at(&mut self, pos: u64) -> u64 {
        let end = (pos as usize + 1).min(self.text.len());
        if end < self.pos {
            (self.pos, self.line) = (0, 1);
        }
        self.line += memchr::memchr_iter(b'\n', &self.text[self.pos..end]).count() as u64;
        self.pos = end;
        self.line
    }
}

/// The state of one file being read.
struct Reader<'a> {
    r: &'static Reference,
    layout: &'a Layout,
    headers: &'a [String],
    semicolon: bool,
    /// Column header → values with no code.
    unmapped: BTreeMap<String, BTreeSet<String>>,
    /// `line N: defect`, the first few.
    errors: Vec<String>,
}

/// Errors listed before the rest is counted.
const MAX_LISTED: usize = 10;

impl Reader<'_> {
    fn error(&mut self, line: u64, msg: String) {
        if self.errors.len() < MAX_LISTED {
            self.errors.push(format!("line {line}: {msg}"));
        } else if self.errors.len() == MAX_LISTED {
            self.errors.push("…".into());
        }
    }

    fn unmapped(&mut self, col: usize, v: &str) {
        self.unmapped
            .entry(self.headers[col].clone())
            .or_default()
            .insert(v.to_string());
    }

    /// The coded value of a dimension cell; `None` (noted) when it has no code.
    fn dim(&mut self, col: usize, d: Dim, v: &str, line: u64) -> Option<String> {
        let r = self.r;
        let coded = match d {
            Dim::Anno => match v.parse::<i32>() {
                Ok(y) if (1945..=2100).contains(&y) && v.len() == 4 => Some(y.to_string()),
                _ => {
                    self.error(line, format!("{} '{v}' is not a year", self.headers[col]));
                    return None;
                }
            },
            Dim::Mese => match v.parse::<u32>() {
                Ok(m @ 1..=12) => Some(m.to_string()),
                _ => r.mese(v).map(|m| m.to_string()),
            },
            Dim::Territorio(kind) => territorio(r, kind, v).map(|(code, liv)| format!("{}|{code}", liv.code())),
            Dim::Settore => r.inps_settore(v).map(|s| s.codice.clone()),
            Dim::Tipo => r.inps_intervento(v).map(|s| s.codice.clone()),
            Dim::Valore(_) => None,
        };
        if coded.is_none() {
            self.unmapped(col, v);
        }
        coded
    }

    fn read(mut self, name: &str, text: &str, mut rdr: csv::Reader<&[u8]>) -> Result<CigFile> {
        let mut out = CigFile {
            formato: self.layout.formato,
            righe: Vec::new(),
            record: 0,
            celle_vuote: 0,
            totali: BTreeMap::new(),
        };
        let mut keys: BTreeMap<(i32, u32, String, String, String), u64> = BTreeMap::new();
        let mut rec = csv::StringRecord::new();
        let mut lines = Lines {
            text: text.as_bytes(),
            pos: 0,
            line: 1,
        };
        loop {
            // The reader's position before a record is where the record starts (the csv
            // crate's record positions are off after the header and with CRLF).
            let line = lines.at(rdr.position().byte());
            match rdr.read_record(&mut rec) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => bail!("{name}, line {line}: malformed CSV ({e})"),
            }
            out.record += 1;
            let mut anno = None;
            let mut mese = None;
            let mut terr = None;
            let mut settore = (self.layout.formato == CigFormat::B).then(|| SETTORE_NON_DISTINTO.to_string());
            let mut tipo = None;
            let mut values: Vec<(Option<u32>, Option<String>, usize)> = Vec::new();
            let mut ok = true;
            for &(col, d) in &self.layout.dims {
                let v = rec.get(col).unwrap_or_default().trim();
                if let Dim::Valore(_) = d {
                    values.push((None, None, col));
                    continue;
                }
                if v.is_empty() {
                    self.error(line, format!("empty {}", self.headers[col]));
                    ok = false;
                    continue;
                }
                let coded = self.dim(col, d, v, line);
                ok &= coded.is_some();
                match d {
                    Dim::Anno => anno = coded.and_then(|c| c.parse::<i32>().ok()),
                    Dim::Mese => mese = coded.and_then(|c| c.parse::<u32>().ok()),
                    Dim::Territorio(_) => terr = coded,
                    Dim::Settore => settore = coded,
                    Dim::Tipo => tipo = coded,
                    Dim::Valore(_) => {}
                }
            }
            for (col, w) in &self.layout.wide {
                match w {
                    Wide::Mese(m) => values.push((Some(*m), None, *col)),
                    Wide::Tipo(t) => values.push((None, Some(t.clone()), *col)),
                }
            }
            for (wm, wt, col) in values {
                let cell = rec.get(col).unwrap_or_default();
                let valore = match parse_number(cell, self.semicolon) {
                    Ok(Some(v)) => v,
                    Ok(None) => {
                        out.celle_vuote += 1;
                        continue;
                    }
                    Err(msg) => {
                        self.error(line, format!("{}: {msg}", self.headers[col]));
                        continue;
                    }
                };
                *out.totali.entry(self.layout.misura).or_default() += valore;
                if !ok {
                    continue;
                }
                let (Some(anno), Some(mese), Some(terr), Some(settore), Some(tipo)) = (
                    anno,
                    wm.or(mese),
                    terr.clone(),
                    settore.clone(),
                    wt.or_else(|| tipo.clone()),
                ) else {
                    continue;
                };
                let (liv, code) = terr.split_once('|').unwrap_or_default();
                let livello = match liv {
                    "italia" => Livello::Italia,
                    "regione" => Livello::Regione,
                    _ => Livello::Provincia,
                };
                if let Some(prev) = keys.insert((anno, mese, terr.clone(), settore.clone(), tipo.clone()), line) {
                    self.error(
                        line,
                        format!("the same anno, mese, territorio, settore and tipo intervento as line {prev}"),
                    );
                    continue;
                }
                out.righe.push(CigRow {
                    anno,
                    mese,
                    territorio: code.to_string(),
                    livello,
                    tipo_intervento: tipo,
                    settore,
                    misura: self.layout.misura,
                    valore,
                    riga: line,
                });
            }
        }
        if !self.unmapped.is_empty() {
            let list: Vec<String> = self
                .unmapped
                .iter()
                .map(|(c, vs)| {
                    format!(
                        "{c}: {}",
                        vs.iter().map(|v| format!("'{v}'")).collect::<Vec<_>>().join(", ")
                    )
                })
                .collect();
            bail!(
                "{name}: values with no code (add the spelling to reference/oml/inps_regioni.csv, inps_settori.csv, \
                 inps_interventi.csv or mesi.csv; provinces by sigla, ISTAT code or name): {}",
                list.join("; ")
            );
        }
        if !self.errors.is_empty() {
            bail!("{name}: {}", self.errors.join("; "));
        }
        if out.righe.is_empty() {
            bail!("{name}: no value in the file (the header only, or every cell empty)");
        }
        Ok(out)
    }
}

/// The code and level of a territory cell.
fn territorio(r: &Reference, kind: Kind, v: &str) -> Option<(String, Livello)> {
    let regione = || {
        r.inps_regione(v).map(|c| match c {
            "IT" => (c.to_string(), Livello::Italia),
            _ => (c.to_string(), Livello::Regione),
        })
    };
    let provincia = || r.provincia(v).map(|p| (p.istat.clone(), Livello::Provincia));
    match kind {
        Kind::Regione => regione(),
        Kind::Provincia => provincia().or_else(|| regione().filter(|(_, l)| *l == Livello::Italia)),
        Kind::Qualsiasi => regione().or_else(provincia),
    }
}

#[cfg(test)]
#[path = "inps_cig_tests.rs"]
mod tests;
