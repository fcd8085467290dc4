//! The embedded files and the one CSV reader every list shares.
//!
//! Each file of `reference/` that the lists read is compiled in here with `include_bytes!`, one
//! constant per file (all of them in `ALL`, for the tests), so `oml` reads nothing from disk at
//! run time. [`Table`] parses one file (header and records, with the `csv` crate) and [`Row`] reads the
//! fields of one record, so that every defect is reported as `<file>, line <n>: <defect>`; the
//! small shape checks shared by several lists (`is_digits`, `is_belfiore`, …) and ISO dates are
//! here too.

use anyhow::{anyhow, bail, Result};
use chrono::NaiveDate;
use csv::StringRecord;
use std::fmt::Display;

/// One embedded file: its path relative to the repository root (for messages) and its bytes.
pub(super) struct Embedded {
    pub(super) path: &'static str,
    pub(super) bytes: &'static [u8],
}

macro_rules! embed {
    ($path:literal) => {
        Embedded {
            path: $path,
            bytes: include_bytes!(concat!("../../", $path)),
        }
    };
}

pub(super) const ISTAT_COMUNI: Embedded = embed!("reference/istat_elenco_comuni_italiani.csv");
pub(super) const ANPAL_ATECO: Embedded = embed!("reference/anpal/ateco2007.csv");
pub(super) const ANPAL_CITTADINANZE: Embedded = embed!("reference/anpal/cittadinanze.csv");
pub(super) const ANPAL_COMUNI: Embedded = embed!("reference/anpal/comuni_belfiore_storico.csv");
pub(super) const ANPAL_LIVELLI: Embedded = embed!("reference/anpal/livelli_studio.csv");
pub(super) const ANPAL_PROVINCE: Embedded = embed!("reference/anpal/province.csv");
pub(super) const ANPAL_REGIONI: Embedded = embed!("reference/anpal/regioni.csv");
pub(super) const ANPAL_TIPOLOGIE: Embedded = embed!("reference/anpal/tipologie_contrattuali.csv");
pub(super) const OML_MACRO_CONTRATTI: Embedded = embed!("reference/oml/macro_contratti.csv");
pub(super) const OML_ETICHETTE_CONTRATTO: Embedded = embed!("reference/oml/etichette_contratto.csv");
pub(super) const OML_TRASFORMAZIONI: Embedded = embed!("reference/oml/trasformazioni.csv");
pub(super) const OML_CAUSE: Embedded = embed!("reference/oml/cause_cessazione.csv");
pub(super) const OML_CPI: Embedded = embed!("reference/oml/cpi_comuni.csv");
pub(super) const OML_SOPPRESSI: Embedded = embed!("reference/oml/comuni_soppressi.csv");
pub(super) const OML_INIZIO_NON_CREAZIONE: Embedded = embed!("reference/oml/comuni_inizio_non_creazione.csv");
pub(super) const OML_CITTADINANZE_UE: Embedded = embed!("reference/oml/cittadinanze_ue.csv");
pub(super) const OML_LIVELLI_ALIAS: Embedded = embed!("reference/oml/livelli_studio_alias.csv");
pub(super) const OML_ITTER107: Embedded = embed!("reference/oml/itter107_territori.csv");
pub(super) const OML_INPS_REGIONI: Embedded = embed!("reference/oml/inps_regioni.csv");
pub(super) const OML_INPS_SETTORI: Embedded = embed!("reference/oml/inps_settori.csv");
pub(super) const OML_INPS_INTERVENTI: Embedded = embed!("reference/oml/inps_interventi.csv");
pub(super) const OML_MESI: Embedded = embed!("reference/oml/mesi.csv");
pub(super) const OML_REGISTRI: Embedded = embed!("reference/oml/registri_codici.csv");
pub(super) const OML_DIZIONARIO: Embedded = embed!("reference/oml/dizionario.csv");

/// Every embedded file (the tests check each against its source and look for files of
/// `reference/` that are missing here; `reference::embedded_file` looks them up by path).
pub(super) const ALL: [&Embedded; 24] = [
    &ISTAT_COMUNI,
    &ANPAL_ATECO,
    &ANPAL_CITTADINANZE,
    &ANPAL_COMUNI,
    &ANPAL_LIVELLI,
    &ANPAL_PROVINCE,
    &ANPAL_REGIONI,
    &ANPAL_TIPOLOGIE,
    &OML_MACRO_CONTRATTI,
    &OML_ETICHETTE_CONTRATTO,
    &OML_TRASFORMAZIONI,
    &OML_CAUSE,
    &OML_CPI,
    &OML_SOPPRESSI,
    &OML_INIZIO_NON_CREAZIONE,
    &OML_CITTADINANZE_UE,
    &OML_LIVELLI_ALIAS,
    &OML_ITTER107,
    &OML_INPS_REGIONI,
    &OML_INPS_SETTORI,
    &OML_INPS_INTERVENTI,
    &OML_MESI,
    &OML_REGISTRI,
    &OML_DIZIONARIO,
];

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

pub(super) const fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(date) => date,
        None => panic!("invalid constant date"),
    }
}

/// `YYYY-MM-DD` → date; `None` when malformed or impossible.
fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i32 = s.get(0..4)?.parse().ok()?;
    let m: u32 = s.get(5..7)?.parse().ok()?;
    let d: u32 = s.get(8..10)?.parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

// ---------------------------------------------------------------------------------------------
// CSV reader
// ---------------------------------------------------------------------------------------------

/// `<file>, line <n>: <msg>`, the shape of every error about a row.
pub(super) fn at_line(file: &str, line: u64, msg: impl Display) -> anyhow::Error {
    anyhow!("{file}, line {line}: {msg}")
}

/// A parsed CSV file: normalised headers and the records (with their positions).
pub(super) struct Table {
    file: &'static str,
    headers: Vec<String>,
    rows: Vec<StringRecord>,
}

impl Table {
    /// A UTF-8 file (ANPAL, project tables), `,`-separated.
    pub(super) fn utf8(e: &Embedded) -> Result<Table> {
        let text = std::str::from_utf8(e.bytes).map_err(|err| {
            let line = 1 + e.bytes[..err.valid_up_to()].iter().filter(|&&b| b == b'\n').count();
            at_line(e.path, line as u64, "not valid UTF-8")
        })?;
        Table::parse(e.path, text, b',')
    }

    /// `text`, already decoded, with its `delimiter`.
    pub(super) fn parse(file: &'static str, text: &str, delimiter: u8) -> Result<Table> {
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(true)
            .from_reader(text.as_bytes());
        let headers = rdr
            .headers()
            .map_err(|e| at_line(file, 1, format!("unreadable header ({e})")))?
            .iter()
            .map(|h| h.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        let mut rows = Vec::new();
        for rec in rdr.records() {
            rows.push(rec.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                at_line(file, line, format!("malformed CSV ({e})"))
            })?);
        }
        Ok(Table { file, headers, rows })
    }

    /// Number of records (the header excluded).
    pub(super) fn n_rows(&self) -> usize {
        self.rows.len()
    }

    /// Column whose (whitespace-normalised) header is exactly `name`.
    pub(super) fn col(&self, name: &str) -> Result<usize> {
        self.headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| at_line(self.file, 1, format!("missing column '{name}'")))
    }

    /// The columns of `names` (comma-separated, like a header line; all required), in order.
    pub(super) fn cols<const N: usize>(&self, names: &str) -> Result<[usize; N]> {
        let mut out = [0; N];
        let mut names = names.split(',');
        for o in out.iter_mut() {
            *o = self.col(names.next().unwrap_or_default())?;
        }
        if names.next().is_some() {
            bail!("{}: more column names than columns asked for", self.file);
        }
        Ok(out)
    }

    /// The one column whose header starts with `prefix` (ISTAT headers carry line breaks,
    /// trailing spaces and footnote marks).
    pub(super) fn col_prefix(&self, prefix: &str) -> Result<usize> {
        let mut hits = self.headers.iter().enumerate().filter(|(_, h)| h.starts_with(prefix));
        match (hits.next(), hits.next()) {
            (Some((i, _)), None) => Ok(i),
            (None, _) => bail!("{}, line 1: no column starting with '{prefix}'", self.file),
            (Some(_), Some(_)) => bail!("{}, line 1: several columns start with '{prefix}'", self.file),
        }
    }

    pub(super) fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(move |rec| Row { file: self.file, rec })
    }
}

/// One record, with its file and line for error messages.
pub(super) struct Row<'a> {
    file: &'static str,
    rec: &'a StringRecord,
}

impl<'a> Row<'a> {
    pub(super) fn line(&self) -> u64 {
        self.rec.position().map_or(0, |p| p.line())
    }

    pub(super) fn err(&self, msg: impl Display) -> anyhow::Error {
        at_line(self.file, self.line(), msg)
    }

    /// Field `i`, trimmed.
    pub(super) fn get(&self, i: usize) -> &'a str {
        self.rec.get(i).unwrap_or_default().trim()
    }

    /// Non-empty field `i` satisfying `ok`.
    pub(super) fn code(&self, i: usize, what: &str, ok: impl Fn(&str) -> bool) -> Result<&'a str> {
        let v = self.get(i);
        if v.is_empty() {
            return Err(self.err(format!("empty {what}")));
        }
        if !ok(v) {
            return Err(self.err(format!("malformed {what} '{v}'")));
        }
        Ok(v)
    }

    /// Non-empty field `i` satisfying `ok`, not among the codes `taken` so far.
    pub(super) fn unique_code<'t>(
        &self,
        i: usize,
        what: &str,
        ok: impl Fn(&str) -> bool,
        mut taken: impl Iterator<Item = &'t str>,
    ) -> Result<&'a str> {
        let v = self.code(i, what, ok)?;
        if taken.any(|t| t == v) {
            return Err(self.err(format!("duplicate {what} '{v}'")));
        }
        Ok(v)
    }

    /// Non-empty field `i`, any text.
    pub(super) fn text(&self, i: usize, what: &str) -> Result<&'a str> {
        self.code(i, what, |_| true)
    }

    /// Optional ISO date in field `i`.
    pub(super) fn date(&self, i: usize, what: &str) -> Result<Option<NaiveDate>> {
        let v = self.get(i);
        if v.is_empty() {
            return Ok(None);
        }
        parse_iso_date(v)
            .map(Some)
            .ok_or_else(|| self.err(format!("malformed {what} '{v}'")))
    }

    /// Mandatory ISO date in field `i`.
    pub(super) fn required_date(&self, i: usize, what: &str) -> Result<NaiveDate> {
        self.date(i, what)?.ok_or_else(|| self.err(format!("empty {what}")))
    }

    /// `true` / `false` in field `i`.
    pub(super) fn boolean(&self, i: usize, what: &str) -> Result<bool> {
        match self.get(i) {
            "true" => Ok(true),
            "false" => Ok(false),
            v => Err(self.err(format!("{what} must be true or false, found '{v}'"))),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Shapes of codes
// ---------------------------------------------------------------------------------------------

pub(super) fn is_digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// `G999`: one upper-case letter, three digits.
pub(super) fn is_belfiore(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 4 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

/// `PO`: two upper-case letters (also the shape of trasformazione and cessazione codes).
pub(super) fn is_sigla(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// `A.02.01`.
pub(super) fn is_tipologia_code(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 7
        && b[0].is_ascii_uppercase()
        && b[1] == b'.'
        && b[4] == b'.'
        && [2, 3, 5, 6].iter().all(|&i| b[i].is_ascii_digit())
}
