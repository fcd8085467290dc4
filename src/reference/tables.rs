//! The embedded reference tables: parsing (once) and O(1) lookups.
//!
//! Every file under `reference/` is compiled in with `include_bytes!` and parsed on first use
//! by [`Reference::get`]. Provenance, licences and the project decisions behind the
//! `reference/oml/` tables are in `reference/README.md`.
//!
//! Code lookups (`comune`, `tipologia`, `ateco`, `cittadinanza`, `cpi`, `causa_cessazione`, …)
//! are hash-map probes with the caller's `&str`: surrounding blanks are ignored and lower-case
//! ASCII input is upper-cased in a stack buffer, so they never allocate. Label lookups
//! (`*_by_label`, `*_by_name`, `provincia` by name) normalise the input with
//! [`normalize_label`] and therefore allocate.

use super::{
    AreaCittadinanza, Ateco, CausaCessazione, Cittadinanza, CodeCheck, Comune, Cpi, MacroCausa, MacroContratto,
    Provincia, Regione, Tipologia, Trasformazione, Validity,
};
use anyhow::{anyhow, bail, Context, Result};
use chrono::NaiveDate;
use csv::StringRecord;
/// Reference lookups sit on the ingest hot path: FxHash instead of SipHash (keys are not
/// attacker-controlled, they are our own code lists).
type HashMap<K, V> = rustc_hash::FxHashMap<K, V>;
use std::fmt::Display;
use std::sync::OnceLock;

// ---------------------------------------------------------------------------------------------
// Embedded files
// ---------------------------------------------------------------------------------------------

/// One embedded file: its path relative to the repository root (for messages) and its bytes.
struct Embedded {
    path: &'static str,
    bytes: &'static [u8],
}

macro_rules! embed {
    ($path:literal) => {
        Embedded {
            path: $path,
            bytes: include_bytes!(concat!("../../", $path)),
        }
    };
}

const ISTAT_COMUNI: Embedded = embed!("reference/istat_elenco_comuni_italiani.csv");
const ANPAL_ATECO: Embedded = embed!("reference/anpal/ateco2007.csv");
const ANPAL_CITTADINANZE: Embedded = embed!("reference/anpal/cittadinanze.csv");
const ANPAL_COMUNI: Embedded = embed!("reference/anpal/comuni_belfiore_storico.csv");
const ANPAL_LIVELLI: Embedded = embed!("reference/anpal/livelli_studio.csv");
const ANPAL_PROVINCE: Embedded = embed!("reference/anpal/province.csv");
const ANPAL_REGIONI: Embedded = embed!("reference/anpal/regioni.csv");
const ANPAL_TIPOLOGIE: Embedded = embed!("reference/anpal/tipologie_contrattuali.csv");
const OML_MACRO_CONTRATTI: Embedded = embed!("reference/oml/macro_contratti.csv");
const OML_ETICHETTE_CONTRATTO: Embedded = embed!("reference/oml/etichette_contratto.csv");
const OML_TRASFORMAZIONI: Embedded = embed!("reference/oml/trasformazioni.csv");
const OML_CAUSE: Embedded = embed!("reference/oml/cause_cessazione.csv");
const OML_CPI: Embedded = embed!("reference/oml/cpi_comuni.csv");
const OML_SOPPRESSI: Embedded = embed!("reference/oml/comuni_soppressi.csv");

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

const fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(date) => date,
        None => panic!("invalid constant date"),
    }
}

/// ANPAL `TAB_COMUNI` system-start sentinel for `dat_inizio` (not a real date).
const ANPAL_SENTINEL_START: NaiveDate = ymd(2000, 1, 2);
/// ANPAL `TAB_COMUNI` sentinel for `dat_fine`: "suppressed before the system started".
const ANPAL_SENTINEL_END: NaiveDate = ymd(2000, 1, 1);
/// A sentinel-closed comune is valid until this day at most.
const BEFORE_2000: NaiveDate = ymd(1999, 12, 31);

/// Current comuni whose ANPAL `dat_inizio` is a re-registration (province transfer), not the
/// creation of the comune: the start date is ignored (the comune is valid since ever).
const ANPAL_START_NOT_CREATION: &[&str] = &[
    // Busnago: transferred from Milano to Monza e della Brianza; ANPAL restarts the record on
    // 2011-06-04 although the Belfiore code existed long before.
    "B289",
];

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
// CSV helpers
// ---------------------------------------------------------------------------------------------

/// A parsed CSV file: normalised headers and the records (with their positions).
struct Table {
    file: &'static str,
    headers: Vec<String>,
    rows: Vec<StringRecord>,
}

impl Table {
    /// A UTF-8 file (ANPAL, project tables), `,`-separated.
    fn utf8(e: &Embedded) -> Result<Table> {
        let text = std::str::from_utf8(e.bytes).with_context(|| format!("{}: not valid UTF-8", e.path))?;
        Table::parse(e.path, text, b',')
    }

    fn parse(file: &'static str, text: &str, delimiter: u8) -> Result<Table> {
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(true)
            .from_reader(text.as_bytes());
        let headers = rdr
            .headers()
            .with_context(|| format!("{file}: unreadable header"))?
            .iter()
            .map(|h| h.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        let mut rows = Vec::new();
        for rec in rdr.records() {
            rows.push(rec.with_context(|| format!("{file}: malformed CSV"))?);
        }
        Ok(Table { file, headers, rows })
    }

    /// Column whose (whitespace-normalised) header is exactly `name`.
    fn col(&self, name: &str) -> Result<usize> {
        self.headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| anyhow!("{}, line 1: missing column '{name}'", self.file))
    }

    /// The one column whose header starts with `prefix` (ISTAT headers carry line breaks,
    /// trailing spaces and footnote marks).
    fn col_prefix(&self, prefix: &str) -> Result<usize> {
        let mut hits = self.headers.iter().enumerate().filter(|(_, h)| h.starts_with(prefix));
        match (hits.next(), hits.next()) {
            (Some((i, _)), None) => Ok(i),
            (None, _) => bail!("{}, line 1: no column starting with '{prefix}'", self.file),
            (Some(_), Some(_)) => bail!("{}, line 1: several columns start with '{prefix}'", self.file),
        }
    }

    fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(move |rec| Row { file: self.file, rec })
    }
}

/// One record, with its file and line for error messages.
struct Row<'a> {
    file: &'static str,
    rec: &'a StringRecord,
}

impl<'a> Row<'a> {
    fn line(&self) -> u64 {
        self.rec.position().map_or(0, |p| p.line())
    }

    fn err(&self, msg: impl Display) -> anyhow::Error {
        anyhow!("{}, line {}: {msg}", self.file, self.line())
    }

    /// Field `i`, trimmed.
    fn get(&self, i: usize) -> &'a str {
        self.rec.get(i).unwrap_or_default().trim()
    }

    /// Non-empty field `i` satisfying `ok`.
    fn code(&self, i: usize, what: &str, ok: impl Fn(&str) -> bool) -> Result<&'a str> {
        let v = self.get(i);
        if v.is_empty() {
            return Err(self.err(format!("empty {what}")));
        }
        if !ok(v) {
            return Err(self.err(format!("malformed {what} '{v}'")));
        }
        Ok(v)
    }

    /// Optional ISO date in field `i`.
    fn date(&self, i: usize, what: &str) -> Result<Option<NaiveDate>> {
        let v = self.get(i);
        if v.is_empty() {
            return Ok(None);
        }
        parse_iso_date(v)
            .map(Some)
            .ok_or_else(|| self.err(format!("malformed {what} '{v}'")))
    }

    /// `true` / `false` in field `i`.
    fn boolean(&self, i: usize, what: &str) -> Result<bool> {
        match self.get(i) {
            "true" => Ok(true),
            "false" => Ok(false),
            v => Err(self.err(format!("{what} must be true or false, found '{v}'"))),
        }
    }
}

fn is_digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_belfiore(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 4 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

fn is_sigla(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// `A.02.01`.
fn is_tipologia_code(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 7
        && b[0].is_ascii_uppercase()
        && b[1] == b'.'
        && b[4] == b'.'
        && [2, 3, 5, 6].iter().all(|&i| b[i].is_ascii_digit())
}

// ---------------------------------------------------------------------------------------------
// Allocation-free key helpers
// ---------------------------------------------------------------------------------------------

const KEY_BUF: usize = 32;

/// Looks `key` up trimmed; if absent and it contains lower-case ASCII, retries upper-cased
/// (in a stack buffer: no allocation).
fn get_ci<'m, V>(map: &'m HashMap<String, V>, key: &str) -> Option<&'m V> {
    let key = key.trim();
    if let Some(v) = map.get(key) {
        return Some(v);
    }
    if key.len() > KEY_BUF || !key.bytes().any(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let mut buf = [0u8; KEY_BUF];
    let upper = &mut buf[..key.len()];
    upper.copy_from_slice(key.as_bytes());
    upper.make_ascii_uppercase();
    std::str::from_utf8(upper).ok().and_then(|k| map.get(k))
}

/// Looks `key` up trimmed; if absent and it is all digits but shorter than `width`, retries
/// left-padded with zeros (`"47"` → `"047"`), in a stack buffer.
fn get_padded<'m, V>(map: &'m HashMap<String, V>, key: &str, width: usize) -> Option<&'m V> {
    let key = key.trim();
    if let Some(v) = map.get(key) {
        return Some(v);
    }
    if key.is_empty() || key.len() >= width || width > KEY_BUF || !key.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut buf = [b'0'; KEY_BUF];
    buf[width - key.len()..width].copy_from_slice(key.as_bytes());
    std::str::from_utf8(&buf[..width]).ok().and_then(|k| map.get(k))
}

fn check<T>(item: T, validity: &Validity, date: NaiveDate) -> CodeCheck<T> {
    if validity.contains(date) {
        CodeCheck::Valid(item)
    } else {
        CodeCheck::NotValidAtDate(item)
    }
}

// ---------------------------------------------------------------------------------------------
// Label normalisation
// ---------------------------------------------------------------------------------------------

/// Accent folding of one upper-case letter; `None` when the letter needs none.
fn fold_accent(c: char) -> Option<&'static str> {
    Some(match c {
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' => "A",
        'Æ' => "AE",
        'Ç' | 'Ć' | 'Č' => "C",
        'Ð' | 'Đ' | 'Ď' => "D",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ė' | 'Ę' | 'Ě' => "E",
        'Ğ' => "G",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' | 'İ' => "I",
        'Ł' => "L",
        'Ñ' | 'Ń' | 'Ň' => "N",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ő' => "O",
        'Œ' => "OE",
        'Ř' => "R",
        'Ś' | 'Š' | 'Ş' => "S",
        'ẞ' => "SS",
        'Ť' | 'Ţ' => "T",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' | 'Ű' => "U",
        'Ý' | 'Ÿ' => "Y",
        'Ź' | 'Ż' | 'Ž' => "Z",
        _ => return None,
    })
}

/// Canonical form of a free-text label for matching: upper case, accents folded (`À` → `A`,
/// `È` → `E`, `Š` → `S`, …), every character other than a letter or digit — apostrophes
/// `'` and `’` included — turned into a space, runs of spaces collapsed, trimmed.
///
/// Apostrophes become spaces so that the ANPAL convention of an apostrophe for an accent
/// matches the accented spelling: `UNIVERSITA'` and `Università` both give `UNIVERSITA`,
/// `Reggio nell'Emilia` gives `REGGIO NELL EMILIA`.
pub fn normalize_label(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    let mut push = |c: char, out: &mut String| {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        } else {
            space = true;
        }
    };
    for ch in s.chars() {
        for up in ch.to_uppercase() {
            match fold_accent(up) {
                Some(folded) => folded.chars().for_each(|c| push(c, &mut out)),
                None => push(up, &mut out),
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Enum codes
// ---------------------------------------------------------------------------------------------

impl MacroContratto {
    /// Every macro class, in the order of DOMAIN.md §2.1.
    pub const ALL: [MacroContratto; 9] = [
        MacroContratto::Ti,
        MacroContratto::Td,
        MacroContratto::Apprendistato,
        MacroContratto::Somministrazione,
        MacroContratto::Intermittente,
        MacroContratto::Domestico,
        MacroContratto::Parasubordinato,
        MacroContratto::Tirocinio,
        MacroContratto::Altro,
    ];

    /// Inverse of [`MacroContratto::code`].
    pub fn from_code(s: &str) -> Option<MacroContratto> {
        MacroContratto::ALL.into_iter().find(|m| m.code() == s)
    }
}

impl MacroCausa {
    /// Every macro cause, `NonClassificata` last.
    pub const ALL: [MacroCausa; 5] = [
        MacroCausa::Dimissioni,
        MacroCausa::Licenziamento,
        MacroCausa::FineTermine,
        MacroCausa::Altro,
        MacroCausa::NonClassificata,
    ];

    /// Inverse of [`MacroCausa::code`].
    pub fn from_code(s: &str) -> Option<MacroCausa> {
        MacroCausa::ALL.into_iter().find(|m| m.code() == s)
    }
}

impl AreaCittadinanza {
    /// Inverse of [`AreaCittadinanza::code`].
    pub fn from_code(s: &str) -> Option<AreaCittadinanza> {
        [
            AreaCittadinanza::Italia,
            AreaCittadinanza::Ue,
            AreaCittadinanza::ExtraUe,
            AreaCittadinanza::Apolide,
        ]
        .into_iter()
        .find(|a| a.code() == s)
    }
}

/// Ministry code of REGNO UNITO (EU member until 2020-01-31).
const COD_REGNO_UNITO: &str = "219";
/// Ministry code of CROAZIA (EU member from 2013-07-01).
const COD_CROAZIA: &str = "250";
/// First day the United Kingdom is outside the EU.
const UK_FUORI_UE: NaiveDate = ymd(2020, 2, 1);
/// First day Croatia is in the EU.
const CROAZIA_IN_UE: NaiveDate = ymd(2013, 7, 1);

impl Cittadinanza {
    /// Area at an event date. The ANPAL table (2022) flags membership without dates; this
    /// corrects the two changes of the CO era: Croatia is EU from 2013-07-01, the United
    /// Kingdom is extra-EU from 2020-02-01. Every other code returns [`Cittadinanza::area`].
    pub fn area_at(&self, date: NaiveDate) -> AreaCittadinanza {
        match self.codice.as_str() {
            COD_REGNO_UNITO if date >= UK_FUORI_UE => AreaCittadinanza::ExtraUe,
            COD_CROAZIA if date < CROAZIA_IN_UE => AreaCittadinanza::ExtraUe,
            _ => self.area,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Reference
// ---------------------------------------------------------------------------------------------

/// One livello di istruzione (ANPAL `TAB_STUDIOLIVELLO`).
#[derive(Debug, Clone)]
struct Livello {
    codice: String,
    descrizione: String,
}

/// All reference tables, parsed once; see the module documentation.
pub struct Reference {
    /// `[0, n_correnti)`: the ISTAT 2023 comuni sorted by ISTAT code; then the comuni known
    /// only to the ANPAL historical table (suppressed), sorted by Belfiore code.
    comuni: Vec<Comune>,
    n_correnti: usize,
    comune_by_belfiore: HashMap<String, usize>,
    comune_by_istat: HashMap<String, usize>,
    comuni_per_provincia: HashMap<String, Vec<usize>>,
    province: Vec<Provincia>,
    provincia_by_code: HashMap<String, usize>,
    provincia_by_name: HashMap<String, usize>,
    regioni: Vec<Regione>,
    regione_by_istat: HashMap<String, usize>,
    /// Sottocategorie first (sorted by code), then classi, gruppi, divisioni, sezioni.
    ateco: Vec<Ateco>,
    n_sottocategorie: usize,
    ateco_by_code: HashMap<String, usize>,
    ateco_by_upper_label: HashMap<String, usize>,
    ateco_by_norm_label: HashMap<String, usize>,
    tipologie: Vec<Tipologia>,
    tipologia_by_code: HashMap<String, usize>,
    tipologia_by_label: HashMap<String, Vec<usize>>,
    tipologia_by_norm_label: HashMap<String, Vec<usize>>,
    macro_contratti: HashMap<String, MacroContratto>,
    cittadinanze: Vec<Cittadinanza>,
    cittadinanza_by_code: HashMap<String, usize>,
    cittadinanza_by_mf: HashMap<String, usize>,
    cittadinanza_by_name: HashMap<String, usize>,
    livelli: Vec<Livello>,
    livello_by_num: HashMap<u32, usize>,
    livello_by_label: HashMap<String, usize>,
    trasformazioni: Vec<Trasformazione>,
    trasformazione_by_code: HashMap<String, usize>,
    cause: Vec<CausaCessazione>,
    causa_by_code: HashMap<String, usize>,
    cpi: Vec<Cpi>,
    cpi_by_comune: HashMap<String, usize>,
}

impl std::fmt::Debug for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reference")
            .field("comuni", &self.comuni.len())
            .field("comuni_correnti", &self.n_correnti)
            .field("province", &self.province.len())
            .field("regioni", &self.regioni.len())
            .field("ateco", &self.ateco.len())
            .field("tipologie", &self.tipologie.len())
            .field("cittadinanze", &self.cittadinanze.len())
            .field("livelli", &self.livelli.len())
            .field("trasformazioni", &self.trasformazioni.len())
            .field("cause_cessazione", &self.cause.len())
            .field("cpi_comuni", &self.cpi_by_comune.len())
            .finish()
    }
}

static REFERENCE: OnceLock<Reference> = OnceLock::new();

impl Reference {
    /// The embedded tables, parsed on first use.
    ///
    /// # Panics
    /// Only if the embedded files are broken, which the test suite rules out.
    pub fn get() -> &'static Reference {
        REFERENCE.get_or_init(|| match Reference::load() {
            Ok(r) => r,
            Err(e) => panic!("embedded reference data is broken: {e:#}"),
        })
    }

    /// Parses the embedded files; errors name the file, the line and the defect.
    pub fn load() -> Result<Reference> {
        let anpal_province = load_anpal_province()?;
        let mlps = load_anpal_regioni_mlps()?;
        let istat = load_istat()?;
        let soppressi = load_soppressi()?;

        let mut r = Reference {
            comuni: Vec::new(),
            n_correnti: 0,
            comune_by_belfiore: HashMap::default(),
            comune_by_istat: HashMap::default(),
            comuni_per_provincia: HashMap::default(),
            province: Vec::new(),
            provincia_by_code: HashMap::default(),
            provincia_by_name: HashMap::default(),
            regioni: Vec::new(),
            regione_by_istat: HashMap::default(),
            ateco: Vec::new(),
            n_sottocategorie: 0,
            ateco_by_code: HashMap::default(),
            ateco_by_upper_label: HashMap::default(),
            ateco_by_norm_label: HashMap::default(),
            tipologie: Vec::new(),
            tipologia_by_code: HashMap::default(),
            tipologia_by_label: HashMap::default(),
            tipologia_by_norm_label: HashMap::default(),
            macro_contratti: HashMap::default(),
            cittadinanze: Vec::new(),
            cittadinanza_by_code: HashMap::default(),
            cittadinanza_by_mf: HashMap::default(),
            cittadinanza_by_name: HashMap::default(),
            livelli: Vec::new(),
            livello_by_num: HashMap::default(),
            livello_by_label: HashMap::default(),
            trasformazioni: Vec::new(),
            trasformazione_by_code: HashMap::default(),
            cause: Vec::new(),
            causa_by_code: HashMap::default(),
            cpi: Vec::new(),
            cpi_by_comune: HashMap::default(),
        };
        r.build_territory(istat, &anpal_province, &mlps, &soppressi)?;
        r.load_ateco()?;
        r.load_tipologie()?;
        r.load_cittadinanze()?;
        r.load_livelli()?;
        r.load_trasformazioni()?;
        r.load_cause()?;
        r.load_cpi()?;
        Ok(r)
    }

    // ----- comuni, province, regioni ---------------------------------------------------------

    /// The comune with this Belfiore code (case-insensitive), checked against `date`.
    ///
    /// Current comuni (ISTAT 2023 list) are open-ended; they start at the ANPAL `dat_inizio`
    /// when that is a real date (a comune created by a fusione), else they are valid since
    /// ever. Comuni known only to the ANPAL historical table end at their ANPAL `dat_fine`
    /// (1999-12-31 for the "suppressed before 2000" sentinel), or, for those ANPAL still
    /// shows open but ISTAT 2023 no longer lists, on the eve of the suppression date in
    /// `reference/oml/comuni_soppressi.csv` (fallback: the last change date in the ANPAL table).
    pub fn comune(&self, belfiore: &str, date: NaiveDate) -> CodeCheck<&Comune> {
        match get_ci(&self.comune_by_belfiore, belfiore) {
            Some(&i) => check(&self.comuni[i], &self.comuni[i].validity, date),
            None => CodeCheck::Unknown,
        }
    }

    /// The comune with this Belfiore code, whatever the date (each code has one version:
    /// the ISTAT one when the comune is current, else the ANPAL one).
    pub fn comune_any(&self, belfiore: &str) -> Option<&Comune> {
        get_ci(&self.comune_by_belfiore, belfiore).map(|&i| &self.comuni[i])
    }

    /// The comune with this 6-digit ISTAT code (`"100005"`; unpadded `"47014"` accepted).
    /// Current codes first; then codes of suppressed comuni; then the older ISTAT code ANPAL
    /// records for a current comune (e.g. before a province transfer).
    pub fn comune_by_istat(&self, istat: &str) -> Option<&Comune> {
        get_padded(&self.comune_by_istat, istat, 6).map(|&i| &self.comuni[i])
    }

    /// The current (ISTAT 2023) comuni of a province, sorted by ISTAT code.
    pub fn comuni_of_province(&self, p: &Provincia) -> Vec<&Comune> {
        self.comuni_per_provincia
            .get(&p.istat)
            .map(|v| v.iter().map(|&i| &self.comuni[i]).collect())
            .unwrap_or_default()
    }

    /// The 7,901 current comuni (ISTAT 2023 list), sorted by ISTAT code.
    pub fn comuni(&self) -> &[Comune] {
        &self.comuni[..self.n_correnti]
    }

    /// The comuni known only to the ANPAL historical table (suppressed), sorted by Belfiore.
    pub fn comuni_soppressi(&self) -> &[Comune] {
        &self.comuni[self.n_correnti..]
    }

    /// Foreign state by Belfiore code `Z###` (via `cittadinanze.cod_mf`); also `0000` Italia.
    pub fn stato_estero(&self, cod_mf: &str) -> Option<&Cittadinanza> {
        get_ci(&self.cittadinanza_by_mf, cod_mf).map(|&i| &self.cittadinanze[i])
    }

    /// A current province by sigla (`"PO"`, any case), ISTAT code (`"100"`, `"047"`, `"47"`),
    /// ISTAT UTS code of a città metropolitana (`"248"` Firenze) or name (ISTAT or ANPAL
    /// spelling, normalised: `"Prato"`, `"REGGIO EMILIA"`, `"Reggio nell'Emilia"`,
    /// `"Bolzano"`, `"MASSA CARRARA"`).
    pub fn provincia(&self, key: &str) -> Option<&Provincia> {
        let k = key.trim();
        if k.is_empty() {
            return None;
        }
        if let Some(&i) = get_ci(&self.provincia_by_code, k).or_else(|| get_padded(&self.provincia_by_code, k, 3)) {
            return Some(&self.province[i]);
        }
        self.provincia_by_name
            .get(&normalize_label(k))
            .map(|&i| &self.province[i])
    }

    /// The 107 current provinces (ISTAT list), sorted by ISTAT code.
    pub fn province(&self) -> &[Provincia] {
        &self.province
    }

    /// The province of a comune (current provinces only).
    pub fn provincia_of(&self, comune: &Comune) -> Option<&Provincia> {
        self.provincia_by_code
            .get(&comune.provincia_istat)
            .map(|&i| &self.province[i])
    }

    /// A region by 2-digit ISTAT code (`"09"`; `"9"` accepted).
    pub fn regione(&self, istat: &str) -> Option<&Regione> {
        get_padded(&self.regione_by_istat, istat, 2).map(|&i| &self.regioni[i])
    }

    /// The 20 regions, sorted by ISTAT code.
    pub fn regioni(&self) -> &[Regione] {
        &self.regioni
    }

    // ----- ATECO ---------------------------------------------------------------------------------

    /// An ATECO 2007 node at any level: `"C"`, `"13"`, `"13.2"`, `"13.20"`, `"13.20.00"`;
    /// undotted `"132000"` / `"1320"` are accepted too.
    pub fn ateco(&self, codice: &str) -> Option<&Ateco> {
        let k = codice.trim();
        if let Some(&i) = get_ci(&self.ateco_by_code, k) {
            return Some(&self.ateco[i]);
        }
        let b = k.as_bytes();
        if !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let mut buf = [0u8; 8];
        let len = match b.len() {
            6 => {
                buf = [b[0], b[1], b'.', b[2], b[3], b'.', b[4], b[5]];
                8
            }
            4 => {
                buf[..5].copy_from_slice(&[b[0], b[1], b'.', b[2], b[3]]);
                5
            }
            3 => {
                buf[..4].copy_from_slice(&[b[0], b[1], b'.', b[2]]);
                4
            }
            _ => return None,
        };
        let key = std::str::from_utf8(&buf[..len]).ok()?;
        self.ateco_by_code.get(key).map(|&i| &self.ateco[i])
    }

    /// The 1,224 sottocategorie (`dd.dd.dd`), sorted by code.
    pub fn ateco_sottocategorie(&self) -> &[Ateco] {
        &self.ateco[..self.n_sottocategorie]
    }

    /// Every ATECO row (2,220): sottocategorie, then classi, gruppi, divisioni, sezioni, each
    /// sorted by code.
    pub fn ateco_all(&self) -> &[Ateco] {
        &self.ateco
    }

    /// An ATECO node by label, preferring the most detailed level (sottocategoria, then
    /// classe, gruppo, divisione, sezione; the lowest code among equals): exact upper-case
    /// match first, then [`normalize_label`] match (`"Ristorazione con somministrazione"` →
    /// `56.10.11`).
    pub fn ateco_by_label(&self, label: &str) -> Option<&Ateco> {
        let up = label.trim().to_uppercase();
        self.ateco_by_upper_label
            .get(&up)
            .or_else(|| self.ateco_by_norm_label.get(&normalize_label(&up)))
            .map(|&i| &self.ateco[i])
    }

    // ----- tipologie contrattuali ----------------------------------------------------------------

    /// A tipologia contrattuale checked against `date` (both ends inclusive).
    pub fn tipologia(&self, codice: &str, date: NaiveDate) -> CodeCheck<&Tipologia> {
        match get_ci(&self.tipologia_by_code, codice) {
            Some(&i) => check(&self.tipologie[i], &self.tipologie[i].validity, date),
            None => CodeCheck::Unknown,
        }
    }

    /// A tipologia contrattuale whatever the date.
    pub fn tipologia_any(&self, codice: &str) -> Option<&Tipologia> {
        get_ci(&self.tipologia_by_code, codice).map(|&i| &self.tipologie[i])
    }

    /// A tipologia by its label: the exact official label first (double spaces and `’`
    /// included), then the normalised label (mixed case, single spaces, `'`). When several
    /// codes share the label, the one valid at `date`; if none is, the most recent one, as
    /// `NotValidAtDate`.
    pub fn tipologia_by_label(&self, label: &str, date: NaiveDate) -> CodeCheck<&Tipologia> {
        let exact = label.trim();
        let hits = match self.tipologia_by_label.get(exact) {
            Some(v) => v,
            None => match self.tipologia_by_norm_label.get(&normalize_label(exact)) {
                Some(v) => v,
                None => return CodeCheck::Unknown,
            },
        };
        if let Some(&i) = hits.iter().find(|&&i| self.tipologie[i].validity.contains(date)) {
            return CodeCheck::Valid(&self.tipologie[i]);
        }
        hits.iter()
            .max_by_key(|&&i| (self.tipologie[i].validity.to, self.tipologie[i].validity.from))
            .map_or(CodeCheck::Unknown, |&i| CodeCheck::NotValidAtDate(&self.tipologie[i]))
    }

    /// The 52 tipologie of `TAB_RAPPORTILAVORO`, in file order (by code).
    pub fn tipologie(&self) -> &[Tipologia] {
        &self.tipologie
    }

    /// Macro class of any contract code of `reference/oml/macro_contratti.csv`: the 52
    /// tipologie plus `A.09.00` (lavoro accessorio) and `N.01.00`, which are not in
    /// `TAB_RAPPORTILAVORO`.
    pub fn macro_contratto(&self, codice: &str) -> Option<MacroContratto> {
        get_ci(&self.macro_contratti, codice).copied()
    }

    // ----- cittadinanze --------------------------------------------------------------------------

    /// A citizenship by 3-digit Ministry code (`"000"`, `"235"`; unpadded `"0"` accepted).
    pub fn cittadinanza(&self, codice: &str, date: NaiveDate) -> CodeCheck<&Cittadinanza> {
        match get_padded(&self.cittadinanza_by_code, codice, 3) {
            Some(&i) => check(&self.cittadinanze[i], &self.cittadinanze[i].validity, date),
            None => CodeCheck::Unknown,
        }
    }

    /// A citizenship by state name (`des_cittadinanza`) or nationality (`des_nazionalita`),
    /// normalised: `"ITALIA"`, `"Romania"`, `"marocchina"`. Open-ended codes win over closed
    /// ones sharing a name.
    pub fn cittadinanza_by_name(&self, nome: &str) -> Option<&Cittadinanza> {
        self.cittadinanza_by_name
            .get(&normalize_label(nome))
            .map(|&i| &self.cittadinanze[i])
    }

    /// The 199 citizenships, in file order.
    pub fn cittadinanze(&self) -> &[Cittadinanza] {
        &self.cittadinanze
    }

    // ----- livelli di istruzione ---------------------------------------------------------------

    /// The label of a livello di istruzione `"0"`…`"12"` (leading zeros accepted), trimmed.
    pub fn livello_studio(&self, codice: &str) -> Option<&str> {
        let n: u32 = codice.trim().parse().ok()?;
        self.livello_by_num
            .get(&n)
            .map(|&i| self.livelli[i].descrizione.as_str())
    }

    /// The code of a livello di istruzione by label: the official labels (normalised) and the
    /// short forms of [`LIVELLO_ALIASES`] (`"LICENZA MEDIA"`, `"DIPLOMA"`, `"LAUREA"`, …).
    pub fn livello_studio_by_label(&self, label: &str) -> Option<&str> {
        self.livello_by_label
            .get(&normalize_label(label))
            .map(|&i| self.livelli[i].codice.as_str())
    }

    // ----- trasformazioni, cause di cessazione, CPI --------------------------------------------

    /// A trasformazione code (`DI`, `AI`, …; any case).
    pub fn trasformazione(&self, codice: &str) -> Option<&Trasformazione> {
        get_ci(&self.trasformazione_by_code, codice).map(|&i| &self.trasformazioni[i])
    }

    /// The trasformazione codes, in table order.
    pub fn trasformazioni(&self) -> &[Trasformazione] {
        &self.trasformazioni
    }

    /// Macro class of a causa di cessazione; `NonClassificata` when empty or not in the table.
    pub fn causa_cessazione(&self, codice: &str) -> MacroCausa {
        get_ci(&self.causa_by_code, codice).map_or(MacroCausa::NonClassificata, |&i| self.cause[i].macro_causa)
    }

    /// The full row of a causa di cessazione.
    pub fn causa_cessazione_any(&self, codice: &str) -> Option<&CausaCessazione> {
        get_ci(&self.causa_by_code, codice).map(|&i| &self.cause[i])
    }

    /// The cause di cessazione of the project table, in table order.
    pub fn cause_cessazione(&self) -> &[CausaCessazione] {
        &self.cause
    }

    /// The CPI whose catchment holds the comune with this ISTAT code (`reference/oml/cpi_comuni.csv`).
    pub fn cpi(&self, comune_istat: &str) -> Option<&Cpi> {
        get_padded(&self.cpi_by_comune, comune_istat, 6).map(|&i| &self.cpi[i])
    }

    /// The distinct CPIs of the table, sorted by code.
    pub fn cpis(&self) -> &[Cpi] {
        &self.cpi
    }

    /// The CPI code of a comune, or `PRV-<sigla>` (e.g. `PRV-RM`) when the table has no CPI for
    /// it (`PRV-<ISTAT province code>` for the historical provinces without a sigla).
    pub fn cpi_code_or_province(&self, comune: &Comune) -> String {
        match self.cpi(&comune.istat) {
            Some(c) => c.codice.clone(),
            None if comune.sigla.is_empty() => format!("PRV-{}", comune.provincia_istat),
            None => format!("PRV-{}", comune.sigla),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Loading: territory
// ---------------------------------------------------------------------------------------------

/// A row of ANPAL `province.csv`.
struct AnpalProvincia {
    sigla: String,
    regione: String,
    nome: String,
}

fn load_anpal_province() -> Result<HashMap<String, AnpalProvincia>> {
    let t = Table::utf8(&ANPAL_PROVINCE)?;
    let (c_cod, c_reg, c_des, c_targa) = (
        t.col("cod_provincia")?,
        t.col("cod_regione")?,
        t.col("des_provincia")?,
        t.col("des_targa")?,
    );
    let mut out = HashMap::default();
    for row in t.rows() {
        let cod = row.code(c_cod, "cod_provincia", |s| is_digits(s, 3))?;
        let reg = row.code(c_reg, "cod_regione", |s| is_digits(s, 2))?;
        let targa = row.get(c_targa);
        if !targa.is_empty() && !is_sigla(targa) {
            return Err(row.err(format!("malformed des_targa '{targa}'")));
        }
        let p = AnpalProvincia {
            sigla: targa.to_string(),
            regione: reg.to_string(),
            nome: row.get(c_des).to_string(),
        };
        if out.insert(cod.to_string(), p).is_some() {
            return Err(row.err(format!("duplicate cod_provincia '{cod}'")));
        }
    }
    Ok(out)
}

/// ISTAT region code → Ministry (MLPS) code, from ANPAL `regioni.csv` (pseudo-rows `ML_*`
/// and `00` ITALIA are skipped).
fn load_anpal_regioni_mlps() -> Result<HashMap<String, String>> {
    let t = Table::utf8(&ANPAL_REGIONI)?;
    let (c_cod, c_ml) = (t.col("cod_regione")?, t.col("cod_ml")?);
    let mut out = HashMap::default();
    for row in t.rows() {
        let cod = row.get(c_cod);
        if !is_digits(cod, 2) || cod == "00" {
            continue;
        }
        let ml = row.get(c_ml);
        if !ml.is_empty() && !is_digits(ml, 2) {
            return Err(row.err(format!("malformed cod_ml '{ml}'")));
        }
        if out.insert(cod.to_string(), ml.to_string()).is_some() {
            return Err(row.err(format!("duplicate cod_regione '{cod}'")));
        }
    }
    Ok(out)
}

/// What the ISTAT list yields.
struct IstatData {
    comuni: Vec<Comune>,
    /// (provincia, UTS code), sorted by ISTAT province code.
    province: Vec<(Provincia, String)>,
    /// (code, name), sorted by code.
    regioni: Vec<(String, String)>,
}

fn load_istat() -> Result<IstatData> {
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(ISTAT_COMUNI.bytes);
    let t = Table::parse(ISTAT_COMUNI.path, &text, b';')?;
    let c_reg = t.col_prefix("Codice Regione")?;
    let c_uts = t.col_prefix("Codice dell'Unità territoriale sovracomunale")?;
    let c_prov = t.col_prefix("Codice Provincia (Storico)")?;
    let c_istat = t.col_prefix("Codice Comune formato alfanumerico")?;
    let c_nome = t.col_prefix("Denominazione in italiano")?;
    let c_nome_reg = t.col_prefix("Denominazione Regione")?;
    let c_nome_uts = t.col_prefix("Denominazione dell'Unità territoriale sovracomunale")?;
    let c_capo = t.col_prefix("Flag Comune capoluogo")?;
    let c_sigla = t.col_prefix("Sigla automobilistica")?;
    let c_bf = t.col_prefix("Codice Catastale del comune")?;

    let mut comuni = Vec::with_capacity(t.rows.len());
    let mut province: HashMap<String, (Provincia, String)> = HashMap::default();
    let mut regioni: HashMap<String, String> = HashMap::default();
    for row in t.rows() {
        let reg = row.code(c_reg, "Codice Regione", |s| is_digits(s, 2))?;
        let uts = row.code(c_uts, "codice UTS", |s| is_digits(s, 3))?;
        let prov = row.code(c_prov, "Codice Provincia (Storico)", |s| is_digits(s, 3))?;
        let istat = row.code(c_istat, "Codice Comune formato alfanumerico", |s| is_digits(s, 6))?;
        if !istat.starts_with(prov) {
            return Err(row.err(format!("ISTAT code '{istat}' outside province '{prov}'")));
        }
        let nome = row.code(c_nome, "Denominazione in italiano", |_| true)?;
        let nome_reg = row.code(c_nome_reg, "Denominazione Regione", |_| true)?;
        let nome_uts = row.code(c_nome_uts, "Denominazione UTS", |_| true)?;
        let capo = row.code(c_capo, "flag capoluogo", |s| s == "0" || s == "1")?;
        let sigla = row.code(c_sigla, "Sigla automobilistica", is_sigla)?;
        let bf = row.code(c_bf, "Codice Catastale", is_belfiore)?;

        match regioni.get(reg) {
            Some(n) if n != nome_reg => {
                return Err(row.err(format!("region '{reg}' named both '{n}' and '{nome_reg}'")))
            }
            Some(_) => {}
            None => {
                regioni.insert(reg.to_string(), nome_reg.to_string());
            }
        }
        match province.get(prov) {
            Some((p, u)) => {
                if p.sigla != sigla || p.nome != nome_uts || p.regione_istat != reg || u != uts {
                    return Err(row.err(format!("province '{prov}' described inconsistently")));
                }
            }
            None => {
                let p = Provincia {
                    istat: prov.to_string(),
                    sigla: sigla.to_string(),
                    nome: nome_uts.to_string(),
                    regione_istat: reg.to_string(),
                };
                province.insert(prov.to_string(), (p, uts.to_string()));
            }
        }
        comuni.push(Comune {
            belfiore: bf.to_string(),
            istat: istat.to_string(),
            nome: nome.to_string(),
            provincia_istat: prov.to_string(),
            sigla: sigla.to_string(),
            regione_istat: reg.to_string(),
            capoluogo: capo == "1",
            validity: Validity::default(),
        });
    }
    comuni.sort_by(|a, b| a.istat.cmp(&b.istat));
    let mut province: Vec<_> = province.into_values().collect();
    province.sort_by(|a, b| a.0.istat.cmp(&b.0.istat));
    let mut regioni: Vec<_> = regioni.into_iter().collect();
    regioni.sort();
    Ok(IstatData {
        comuni,
        province,
        regioni,
    })
}

/// Belfiore → first day the comune no longer exists, for comuni ANPAL still shows open-ended
/// but ISTAT 2023 no longer lists (`reference/oml/comuni_soppressi.csv`).
fn load_soppressi() -> Result<HashMap<String, NaiveDate>> {
    let t = Table::utf8(&OML_SOPPRESSI)?;
    let (c_bf, c_data, c_succ) = (
        t.col("belfiore")?,
        t.col("data_soppressione")?,
        t.col("successore_belfiore")?,
    );
    t.col("verificato")?;
    let mut out = HashMap::default();
    for row in t.rows() {
        let bf = row.code(c_bf, "belfiore", is_belfiore)?;
        row.code(c_succ, "successore_belfiore", is_belfiore)?;
        let d = row
            .date(c_data, "data_soppressione")?
            .ok_or_else(|| row.err("empty data_soppressione"))?;
        if out.insert(bf.to_string(), d).is_some() {
            return Err(row.err(format!("duplicate belfiore '{bf}'")));
        }
    }
    Ok(out)
}

/// A row of the ANPAL historical comuni table, parsed.
struct AnpalComune<'a> {
    line: u64,
    belfiore: &'a str,
    provincia: &'a str,
    nome: &'a str,
    istat: String,
    inizio: Option<NaiveDate>,
    fine: Option<NaiveDate>,
}

impl Reference {
    fn build_territory(
        &mut self,
        istat: IstatData,
        anpal_province: &HashMap<String, AnpalProvincia>,
        mlps: &HashMap<String, String>,
        soppressi: &HashMap<String, NaiveDate>,
    ) -> Result<()> {
        // Regions.
        for (code, nome) in istat.regioni {
            let ml = mlps.get(&code).ok_or_else(|| {
                anyhow!(
                    "{}: region '{code}' missing from {}",
                    ISTAT_COMUNI.path,
                    ANPAL_REGIONI.path
                )
            })?;
            self.regione_by_istat.insert(code.clone(), self.regioni.len());
            self.regioni.push(Regione {
                istat: code,
                nome,
                mlps: ml.clone(),
            });
        }

        // Provinces, with their lookup keys.
        for (i, (p, uts)) in istat.province.iter().enumerate() {
            let anpal = anpal_province.get(&p.istat).ok_or_else(|| {
                anyhow!(
                    "{}: province '{}' missing from {}",
                    ISTAT_COMUNI.path,
                    p.istat,
                    ANPAL_PROVINCE.path
                )
            })?;
            if anpal.sigla != p.sigla || anpal.regione != p.regione_istat {
                bail!(
                    "{}: province '{}' is {} / region {} in ISTAT but {} / region {} in ANPAL",
                    ANPAL_PROVINCE.path,
                    p.istat,
                    p.sigla,
                    p.regione_istat,
                    anpal.sigla,
                    anpal.regione
                );
            }
            for code in [&p.sigla, &p.istat, uts] {
                if let Some(j) = self.provincia_by_code.insert(code.clone(), i) {
                    if j != i {
                        bail!("{}: province key '{code}' is ambiguous", ISTAT_COMUNI.path);
                    }
                }
            }
        }
        // Names: ISTAT names first, then their '/'-separated parts, then ANPAL spellings.
        let mut name_keys: Vec<(String, usize)> = Vec::new();
        for (i, (p, _)) in istat.province.iter().enumerate() {
            name_keys.push((normalize_label(&p.nome), i));
        }
        for (i, (p, _)) in istat.province.iter().enumerate() {
            if p.nome.contains('/') {
                name_keys.extend(p.nome.split('/').map(|part| (normalize_label(part), i)));
            }
            if let Some(a) = anpal_province.get(&p.istat) {
                name_keys.push((normalize_label(&a.nome), i));
            }
        }
        for (k, i) in name_keys {
            if !k.is_empty() {
                self.provincia_by_name.entry(k).or_insert(i);
            }
        }
        self.province = istat.province.into_iter().map(|(p, _)| p).collect();

        // Current comuni.
        self.comuni = istat.comuni;
        self.n_correnti = self.comuni.len();
        for (i, c) in self.comuni.iter().enumerate() {
            if self.comune_by_belfiore.insert(c.belfiore.clone(), i).is_some() {
                bail!("{}: duplicate Codice Catastale '{}'", ISTAT_COMUNI.path, c.belfiore);
            }
            if self.comune_by_istat.insert(c.istat.clone(), i).is_some() {
                bail!("{}: duplicate ISTAT code '{}'", ISTAT_COMUNI.path, c.istat);
            }
            self.comuni_per_provincia
                .entry(c.provincia_istat.clone())
                .or_default()
                .push(i);
        }

        // ANPAL historical table.
        let t = Table::utf8(&ANPAL_COMUNI)?;
        let (c_bf, c_prov, c_des, c_istat, c_ini, c_fine) = (
            t.col("cod_comune")?,
            t.col("cod_provincia")?,
            t.col("des_comune")?,
            t.col("cod_istat")?,
            t.col("dat_inizio")?,
            t.col("dat_fine")?,
        );
        let mut rows = Vec::with_capacity(t.rows.len());
        for row in t.rows() {
            let belfiore = row.code(c_bf, "cod_comune", is_belfiore)?;
            let provincia = row.code(c_prov, "cod_provincia", |s| is_digits(s, 3))?;
            let raw_istat = row.get(c_istat);
            // Three codes lost their leading zero (`06102`): left-pad, then validate.
            let istat = match raw_istat.len() {
                0 => String::new(),
                5 if is_digits(raw_istat, 5) => format!("0{raw_istat}"),
                _ if is_digits(raw_istat, 6) => raw_istat.to_string(),
                _ => return Err(row.err(format!("malformed cod_istat '{raw_istat}'"))),
            };
            rows.push(AnpalComune {
                line: row.line(),
                belfiore,
                provincia,
                nome: row.code(c_des, "des_comune", |_| true)?,
                istat,
                inizio: row.date(c_ini, "dat_inizio")?,
                fine: row.date(c_fine, "dat_fine")?,
            });
        }
        // Last real change recorded by ANPAL: the fallback end of comuni it shows open but
        // ISTAT 2023 no longer lists.
        let snapshot = rows
            .iter()
            .flat_map(|r| [r.inizio, r.fine])
            .flatten()
            .filter(|&d| d != ANPAL_SENTINEL_START && d != ANPAL_SENTINEL_END)
            .max()
            .ok_or_else(|| anyhow!("{}: no real date", ANPAL_COMUNI.path))?;

        let mut seen = HashMap::default();
        let mut only_anpal = Vec::new();
        let mut istat_aliases = Vec::new();
        for r in &rows {
            if seen.insert(r.belfiore, r.line).is_some() {
                bail!(
                    "{}, line {}: duplicate cod_comune '{}'",
                    ANPAL_COMUNI.path,
                    r.line,
                    r.belfiore
                );
            }
            if let Some(&i) = self.comune_by_belfiore.get(r.belfiore) {
                // A current comune: ISTAT wins; only a real start date is taken from ANPAL.
                if soppressi.contains_key(r.belfiore) {
                    bail!("{}: '{}' is a current ISTAT comune", OML_SOPPRESSI.path, r.belfiore);
                }
                if let Some(d) = r.inizio {
                    if d != ANPAL_SENTINEL_START && !ANPAL_START_NOT_CREATION.contains(&r.belfiore) {
                        self.comuni[i].validity.from = Some(d);
                    }
                }
                if r.istat.len() == 6 && r.istat != self.comuni[i].istat && is_digits(r.istat.as_str(), 6) {
                    istat_aliases.push((r.istat.clone(), i));
                }
                continue;
            }
            let from = r.inizio.filter(|&d| d != ANPAL_SENTINEL_START);
            let to = match r.fine {
                Some(d) if d == ANPAL_SENTINEL_END => BEFORE_2000,
                Some(d) => {
                    if soppressi.contains_key(r.belfiore) {
                        bail!(
                            "{}: '{}' already has an end date in {}",
                            OML_SOPPRESSI.path,
                            r.belfiore,
                            ANPAL_COMUNI.path
                        );
                    }
                    d
                }
                None => match soppressi.get(r.belfiore) {
                    Some(&d) => d
                        .pred_opt()
                        .ok_or_else(|| anyhow!("{}: date out of range", OML_SOPPRESSI.path))?,
                    None => snapshot,
                },
            };
            let from = from.filter(|&f| f <= to);
            let prov = anpal_province.get(r.provincia).ok_or_else(|| {
                anyhow!(
                    "{}, line {}: cod_provincia '{}' not in {}",
                    ANPAL_COMUNI.path,
                    r.line,
                    r.provincia,
                    ANPAL_PROVINCE.path
                )
            })?;
            only_anpal.push(Comune {
                belfiore: r.belfiore.to_string(),
                istat: r.istat.clone(),
                nome: r.nome.to_string(),
                provincia_istat: r.provincia.to_string(),
                sigla: prov.sigla.clone(),
                regione_istat: prov.regione.clone(),
                capoluogo: false,
                validity: Validity { from, to: Some(to) },
            });
        }
        for bf in soppressi.keys() {
            if !seen.contains_key(bf.as_str()) {
                bail!("{}: '{bf}' is not in {}", OML_SOPPRESSI.path, ANPAL_COMUNI.path);
            }
        }
        only_anpal.sort_by(|a, b| a.belfiore.cmp(&b.belfiore));
        // ISTAT codes of suppressed comuni: the most recently valid one wins a shared code.
        let mut by_end: Vec<usize> = (0..only_anpal.len()).collect();
        by_end.sort_by_key(|&j| std::cmp::Reverse(only_anpal[j].validity.to));
        for j in by_end {
            let c = &only_anpal[j];
            if !c.istat.is_empty() {
                self.comune_by_istat
                    .entry(c.istat.clone())
                    .or_insert(self.n_correnti + j);
            }
        }
        for (code, i) in istat_aliases {
            self.comune_by_istat.entry(code).or_insert(i);
        }
        for (j, c) in only_anpal.iter().enumerate() {
            self.comune_by_belfiore.insert(c.belfiore.clone(), self.n_correnti + j);
        }
        self.comuni.extend(only_anpal);
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Loading: code lists
// ---------------------------------------------------------------------------------------------

/// ATECO level from the code's shape; `None` when the shape is not one of the five.
fn ateco_level(code: &str) -> Option<u8> {
    let b = code.as_bytes();
    let d = |i: usize| b[i].is_ascii_digit();
    match b.len() {
        1 if b[0].is_ascii_uppercase() => Some(0),
        2 if d(0) && d(1) => Some(1),
        4 if d(0) && d(1) && b[2] == b'.' && d(3) => Some(2),
        5 if d(0) && d(1) && b[2] == b'.' && d(3) && d(4) => Some(3),
        8 if d(0) && d(1) && b[2] == b'.' && d(3) && d(4) && b[5] == b'.' && d(6) && d(7) => Some(4),
        _ => None,
    }
}

/// Short forms accepted by [`Reference::livello_studio_by_label`] (normalised form → code),
/// in addition to the official labels. Documented in `reference/README.md`.
pub const LIVELLO_ALIASES: &[(&str, &str)] = &[
    ("NESSUN TITOLO", "0"),
    ("NESSUNO", "0"),
    ("SENZA TITOLO", "0"),
    ("ELEMENTARE", "1"),
    ("LICENZA SCUOLA ELEMENTARE", "1"),
    ("SCUOLA ELEMENTARE", "1"),
    ("LICENZA PRIMARIA", "1"),
    ("MEDIA", "2"),
    ("SCUOLA MEDIA", "2"),
    ("LICENZA SCUOLA MEDIA", "2"),
    ("LICENZA MEDIA INFERIORE", "2"),
    ("SCUOLA MEDIA INFERIORE", "2"),
    ("QUALIFICA", "3"),
    ("QUALIFICA PROFESSIONALE", "3"),
    ("DIPLOMA DI QUALIFICA", "3"),
    ("DIPLOMA DI QUALIFICA PROFESSIONALE", "3"),
    ("DIPLOMA", "4"),
    ("DIPLOMA DI MATURITA", "4"),
    ("MATURITA", "4"),
    ("DIPLOMA SUPERIORE", "4"),
    ("DIPLOMA DI SCUOLA SUPERIORE", "4"),
    ("DIPLOMA SCUOLA SUPERIORE", "4"),
    ("DIPLOMA DI ISTRUZIONE SECONDARIA SUPERIORE", "4"),
    ("DIPLOMA SECONDARIA SUPERIORE", "4"),
    ("DIPLOMA TERZIARIO", "5"),
    ("ITS", "5"),
    ("DIPLOMA ITS", "5"),
    ("LAUREA", "7"),
    ("LAUREA TRIENNALE", "7"),
    ("LAUREA MAGISTRALE", "7"),
    ("LAUREA SPECIALISTICA", "7"),
    ("LAUREA MAGISTRALE A CICLO UNICO", "7"),
    ("LAUREA VECCHIO ORDINAMENTO", "7"),
    ("LAUREA NUOVO ORDINAMENTO", "7"),
    ("POST LAUREA", "8"),
    ("MASTER I LIVELLO", "9"),
    ("MASTER DI I LIVELLO", "9"),
    ("MASTER DI PRIMO LIVELLO", "9"),
    ("MASTER UNIVERSITARIO DI I LIVELLO", "9"),
    ("MASTER II LIVELLO", "10"),
    ("MASTER DI II LIVELLO", "10"),
    ("MASTER DI SECONDO LIVELLO", "10"),
    ("MASTER UNIVERSITARIO DI II LIVELLO", "10"),
    ("SPECIALIZZAZIONE", "11"),
    ("SCUOLA DI SPECIALIZZAZIONE", "11"),
    ("DOTTORATO", "12"),
    ("DOTTORATO DI RICERCA", "12"),
    ("DOTTORE DI RICERCA", "12"),
    ("PHD", "12"),
];

impl Reference {
    fn load_ateco(&mut self) -> Result<()> {
        let t = Table::utf8(&ANPAL_ATECO)?;
        let (c_sez, c_des, c_cod, c_div) = (
            t.col("sezione")?,
            t.col("descrizione")?,
            t.col("cod_ateco")?,
            t.col("divisione")?,
        );
        let mut rows = Vec::with_capacity(t.rows.len());
        for row in t.rows() {
            let codice = row.code(c_cod, "cod_ateco", |s| ateco_level(s).is_some())?;
            let livello = ateco_level(codice).unwrap_or_default();
            let sezione = row.code(c_sez, "sezione", |s| {
                s.len() == 1 && s.bytes().all(|b| b.is_ascii_uppercase())
            })?;
            let divisione = if livello == 0 {
                ""
            } else {
                codice.get(..2).unwrap_or_default()
            };
            if row.get(c_div) != divisione {
                return Err(row.err(format!("divisione '{}' does not match code '{codice}'", row.get(c_div))));
            }
            if livello == 0 && codice != sezione {
                return Err(row.err(format!("section row '{codice}' has sezione '{sezione}'")));
            }
            rows.push(Ateco {
                codice: codice.to_string(),
                descrizione: row.code(c_des, "descrizione", |_| true)?.to_string(),
                sezione: sezione.to_string(),
                divisione: divisione.to_string(),
                livello,
            });
        }
        // Sottocategorie first, then coarser levels; by code within a level.
        rows.sort_by(|a, b| (4 - a.livello, &a.codice).cmp(&(4 - b.livello, &b.codice)));
        self.n_sottocategorie = rows.iter().take_while(|a| a.livello == 4).count();
        for (i, a) in rows.iter().enumerate() {
            if self.ateco_by_code.insert(a.codice.clone(), i).is_some() {
                bail!("{}: duplicate cod_ateco '{}'", ANPAL_ATECO.path, a.codice);
            }
            self.ateco_by_upper_label
                .entry(a.descrizione.to_uppercase())
                .or_insert(i);
            self.ateco_by_norm_label
                .entry(normalize_label(&a.descrizione))
                .or_insert(i);
        }
        self.ateco = rows;
        Ok(())
    }

    fn load_tipologie(&mut self) -> Result<()> {
        let t = Table::utf8(&OML_MACRO_CONTRATTI)?;
        let (c_cod, c_mc) = (t.col("codice")?, t.col("macro_classe")?);
        for row in t.rows() {
            let cod = row.code(c_cod, "codice", is_tipologia_code)?;
            let mc_s = row.get(c_mc);
            let mc =
                MacroContratto::from_code(mc_s).ok_or_else(|| row.err(format!("unknown macro_classe '{mc_s}'")))?;
            if self.macro_contratti.insert(cod.to_string(), mc).is_some() {
                return Err(row.err(format!("duplicate codice '{cod}'")));
            }
        }

        let t = Table::utf8(&ANPAL_TIPOLOGIE)?;
        let (c_cod, c_des, c_ini, c_fine) = (
            t.col("cod_tipologiacontr")?,
            t.col("des_tipologiacontr")?,
            t.col("dat_inizio")?,
            t.col("dat_fine")?,
        );
        for row in t.rows() {
            let codice = row.code(c_cod, "cod_tipologiacontr", is_tipologia_code)?;
            let descrizione = row.code(c_des, "des_tipologiacontr", |_| true)?;
            let macro_classe = *self
                .macro_contratti
                .get(codice)
                .ok_or_else(|| row.err(format!("'{codice}' has no macro class in {}", OML_MACRO_CONTRATTI.path)))?;
            let i = self.tipologie.len();
            if self.tipologia_by_code.insert(codice.to_string(), i).is_some() {
                return Err(row.err(format!("duplicate code '{codice}'")));
            }
            self.tipologia_by_label
                .entry(descrizione.to_string())
                .or_default()
                .push(i);
            self.tipologia_by_norm_label
                .entry(normalize_label(descrizione))
                .or_default()
                .push(i);
            self.tipologie.push(Tipologia {
                codice: codice.to_string(),
                descrizione: descrizione.to_string(),
                validity: Validity {
                    from: row.date(c_ini, "dat_inizio")?,
                    to: row.date(c_fine, "dat_fine")?,
                },
                macro_classe,
            });
        }
        // Wordings of regional open data that are not the official label: aliases of a code.
        let t = Table::utf8(&OML_ETICHETTE_CONTRATTO)?;
        let (c_lab, c_cod) = (t.col("etichetta")?, t.col("cod_tipologiacontr")?);
        for row in t.rows() {
            let label = normalize_label(row.get(c_lab));
            let cod = row.code(c_cod, "cod_tipologiacontr", is_tipologia_code)?;
            let &i = self
                .tipologia_by_code
                .get(cod)
                .ok_or_else(|| row.err(format!("'{cod}' is not a tipologia of {}", ANPAL_TIPOLOGIE.path)))?;
            if self.tipologia_by_norm_label.insert(label.clone(), vec![i]).is_some() {
                return Err(row.err(format!("'{label}' is already a label")));
            }
        }
        Ok(())
    }

    fn load_cittadinanze(&mut self) -> Result<()> {
        let t = Table::utf8(&ANPAL_CITTADINANZE)?;
        let (c_cod, c_mf, c_des, c_ue, c_ini, c_naz, c_fine) = (
            t.col("cod_cittadinanza")?,
            t.col("cod_mf")?,
            t.col("des_cittadinanza")?,
            t.col("flg_ue")?,
            t.col("dat_inizio")?,
            t.col("des_nazionalita")?,
            t.col("dat_fine")?,
        );
        let mut nazionalita = Vec::new();
        for row in t.rows() {
            let codice = row.code(c_cod, "cod_cittadinanza", |s| is_digits(s, 3))?;
            let cod_mf = row.get(c_mf);
            if !(cod_mf.is_empty() || cod_mf == "0000" || (is_belfiore(cod_mf) && cod_mf.starts_with('Z'))) {
                return Err(row.err(format!("malformed cod_mf '{cod_mf}'")));
            }
            let area = match (codice, row.get(c_ue)) {
                ("000", _) => AreaCittadinanza::Italia,
                ("999", _) => AreaCittadinanza::Apolide,
                (_, "S") => AreaCittadinanza::Ue,
                (_, "N") => AreaCittadinanza::ExtraUe,
                (_, f) => return Err(row.err(format!("flg_ue must be S or N, found '{f}'"))),
            };
            let i = self.cittadinanze.len();
            if self.cittadinanza_by_code.insert(codice.to_string(), i).is_some() {
                return Err(row.err(format!("duplicate cod_cittadinanza '{codice}'")));
            }
            if !cod_mf.is_empty() && self.cittadinanza_by_mf.insert(cod_mf.to_string(), i).is_some() {
                return Err(row.err(format!("duplicate cod_mf '{cod_mf}'")));
            }
            nazionalita.push(row.get(c_naz).to_string());
            self.cittadinanze.push(Cittadinanza {
                codice: codice.to_string(),
                cod_mf: cod_mf.to_string(),
                descrizione: row.code(c_des, "des_cittadinanza", |_| true)?.to_string(),
                area,
                validity: Validity {
                    from: row.date(c_ini, "dat_inizio")?,
                    to: row.date(c_fine, "dat_fine")?,
                },
            });
        }
        // Name keys by priority: open-ended codes before closed ones; state names, then
        // nationalities, then the parts of "SERBA / MONTENEGRINA".
        let mut order: Vec<usize> = (0..self.cittadinanze.len()).collect();
        order.sort_by_key(|&i| self.cittadinanze[i].validity.to.is_some());
        let mut keys: Vec<(String, usize)> = Vec::new();
        for &i in &order {
            keys.push((normalize_label(&self.cittadinanze[i].descrizione), i));
        }
        for &i in &order {
            keys.push((normalize_label(&nazionalita[i]), i));
        }
        for &i in &order {
            if nazionalita[i].contains('/') {
                keys.extend(nazionalita[i].split('/').map(|p| (normalize_label(p), i)));
            }
        }
        for (k, i) in keys {
            if !k.is_empty() {
                self.cittadinanza_by_name.entry(k).or_insert(i);
            }
        }
        Ok(())
    }

    fn load_livelli(&mut self) -> Result<()> {
        let t = Table::utf8(&ANPAL_LIVELLI)?;
        let (c_cod, c_des) = (t.col("cod_livellostudio")?, t.col("des_livellostudio")?);
        for row in t.rows() {
            let codice = row.code(c_cod, "cod_livellostudio", |s| {
                !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit())
            })?;
            let n: u32 = codice
                .parse()
                .map_err(|_| row.err(format!("malformed cod_livellostudio '{codice}'")))?;
            let descrizione = row.code(c_des, "des_livellostudio", |_| true)?;
            let i = self.livelli.len();
            if self.livello_by_num.insert(n, i).is_some() {
                return Err(row.err(format!("duplicate cod_livellostudio '{codice}'")));
            }
            if let Some(j) = self.livello_by_label.insert(normalize_label(descrizione), i) {
                return Err(row.err(format!("label also used by level '{}'", self.livelli[j].codice)));
            }
            self.livelli.push(Livello {
                codice: codice.to_string(),
                descrizione: descrizione.to_string(),
            });
        }
        for (alias, code) in LIVELLO_ALIASES {
            let n: u32 = code
                .parse()
                .map_err(|_| anyhow!("livello alias '{alias}': bad code '{code}'"))?;
            let i = *self
                .livello_by_num
                .get(&n)
                .ok_or_else(|| anyhow!("livello alias '{alias}': unknown code '{code}'"))?;
            let key = normalize_label(alias);
            match self.livello_by_label.get(&key) {
                Some(&j) if j != i => bail!(
                    "livello alias '{alias}' clashes with the label of level '{}'",
                    self.livelli[j].codice
                ),
                Some(_) => {}
                None => {
                    self.livello_by_label.insert(key, i);
                }
            }
        }
        Ok(())
    }

    fn load_trasformazioni(&mut self) -> Result<()> {
        let t = Table::utf8(&OML_TRASFORMAZIONI)?;
        let (c_cod, c_des, c_ti) = (t.col("codice")?, t.col("descrizione")?, t.col("verso_ti")?);
        t.col("fonte")?;
        for row in t.rows() {
            let codice = row.code(c_cod, "codice", is_sigla)?;
            let i = self.trasformazioni.len();
            if self.trasformazione_by_code.insert(codice.to_string(), i).is_some() {
                return Err(row.err(format!("duplicate codice '{codice}'")));
            }
            self.trasformazioni.push(Trasformazione {
                codice: codice.to_string(),
                descrizione: row.code(c_des, "descrizione", |_| true)?.to_string(),
                verso_ti: row.boolean(c_ti, "verso_ti")?,
            });
        }
        Ok(())
    }

    fn load_cause(&mut self) -> Result<()> {
        let t = Table::utf8(&OML_CAUSE)?;
        let (c_cod, c_des, c_mc, c_ver) = (
            t.col("codice")?,
            t.col("descrizione")?,
            t.col("macro_causa")?,
            t.col("verificato")?,
        );
        for row in t.rows() {
            let codice = row.code(c_cod, "codice", is_sigla)?;
            let mc_s = row.get(c_mc);
            let macro_causa = match MacroCausa::from_code(mc_s) {
                Some(MacroCausa::NonClassificata) | None => {
                    return Err(row.err(format!(
                        "macro_causa must be DIMISSIONI, LICENZIAMENTO, FINE_TERMINE or ALTRO, found '{mc_s}'"
                    )))
                }
                Some(m) => m,
            };
            let i = self.cause.len();
            if self.causa_by_code.insert(codice.to_string(), i).is_some() {
                return Err(row.err(format!("duplicate codice '{codice}'")));
            }
            self.cause.push(CausaCessazione {
                codice: codice.to_string(),
                descrizione: row.code(c_des, "descrizione", |_| true)?.to_string(),
                macro_causa,
                verificato: row.boolean(c_ver, "verificato")?,
            });
        }
        Ok(())
    }

    fn load_cpi(&mut self) -> Result<()> {
        let t = Table::utf8(&OML_CPI)?;
        let (c_istat, c_bf, c_nome_c, c_cod, c_nome, c_ill) = (
            t.col("comune_istat")?,
            t.col("belfiore")?,
            t.col("comune")?,
            t.col("cpi_codice")?,
            t.col("cpi_nome")?,
            t.col("illustrativo")?,
        );
        let mut cpi: Vec<Cpi> = Vec::new();
        let mut assignments: HashMap<String, String> = HashMap::default();
        for row in t.rows() {
            let istat = row.code(c_istat, "comune_istat", |s| is_digits(s, 6))?;
            let bf = row.code(c_bf, "belfiore", is_belfiore)?;
            let comune = self
                .comune_by_istat
                .get(istat)
                .map(|&i| &self.comuni[i])
                .filter(|c| c.validity.to.is_none())
                .ok_or_else(|| row.err(format!("'{istat}' is not a current ISTAT comune")))?;
            if comune.belfiore != bf || comune.nome != row.get(c_nome_c) {
                return Err(row.err(format!(
                    "'{istat}' is {} {} in the ISTAT list, not {bf} {}",
                    comune.belfiore,
                    comune.nome,
                    row.get(c_nome_c)
                )));
            }
            let codice = row.code(c_cod, "cpi_codice", |_| true)?;
            let nome = row.code(c_nome, "cpi_nome", |_| true)?;
            let illustrativo = row.boolean(c_ill, "illustrativo")?;
            match cpi.iter().find(|c| c.codice == codice) {
                Some(c) if c.nome != nome || c.illustrativo != illustrativo => {
                    return Err(row.err(format!("CPI '{codice}' described inconsistently")));
                }
                Some(_) => {}
                None => cpi.push(Cpi {
                    codice: codice.to_string(),
                    nome: nome.to_string(),
                    illustrativo,
                }),
            }
            if assignments.insert(istat.to_string(), codice.to_string()).is_some() {
                return Err(row.err(format!("comune '{istat}' assigned twice")));
            }
        }
        cpi.sort_by(|a, b| a.codice.cmp(&b.codice));
        let pos: HashMap<&str, usize> = cpi.iter().enumerate().map(|(i, c)| (c.codice.as_str(), i)).collect();
        for (istat, codice) in assignments {
            let i = *pos
                .get(codice.as_str())
                .ok_or_else(|| anyhow!("{}: CPI '{codice}' lost", OML_CPI.path))?;
            self.cpi_by_comune.insert(istat, i);
        }
        self.cpi = cpi;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        ymd(y, m, day)
    }

    fn r() -> &'static Reference {
        Reference::get()
    }

    fn valid<T>(c: CodeCheck<T>) -> Option<T> {
        match c {
            CodeCheck::Valid(t) => Some(t),
            _ => None,
        }
    }

    fn not_valid<T>(c: CodeCheck<T>) -> Option<T> {
        match c {
            CodeCheck::NotValidAtDate(t) => Some(t),
            _ => None,
        }
    }

    #[test]
    fn reference_embedded_files_load() {
        let r = Reference::load();
        assert!(r.is_ok(), "{:#}", r.err().map(|e| e.to_string()).unwrap_or_default());
    }

    #[test]
    fn reference_row_counts_match_readme() {
        let r = r();
        assert_eq!(r.comuni().len(), 7_901);
        // 10,407 ANPAL rows, of which those sharing a Belfiore code with ISTAT are merged.
        let shared = 10_407 - r.comuni_soppressi().len();
        assert_eq!(shared, 7_901 - 14 + 3, "ISTAT comuni found in the ANPAL table");
        assert_eq!(r.province().len(), 107);
        assert_eq!(r.regioni().len(), 20);
        assert_eq!(r.ateco_all().len(), 2_220);
        assert_eq!(r.ateco_sottocategorie().len(), 1_224);
        let per_level = |l: u8| r.ateco_all().iter().filter(|a| a.livello == l).count();
        assert_eq!(
            [per_level(0), per_level(1), per_level(2), per_level(3)],
            [21, 88, 272, 615]
        );
        assert_eq!(r.cittadinanze().len(), 199);
        assert_eq!(
            r.cittadinanze()
                .iter()
                .filter(|c| c.area == AreaCittadinanza::Ue)
                .count(),
            27
        );
        assert_eq!(r.tipologie().len(), 52);
        assert_eq!(r.tipologie().iter().filter(|t| t.validity.to.is_none()).count(), 19);
        assert_eq!(
            (0..=12).filter(|n| r.livello_studio(&n.to_string()).is_some()).count(),
            13
        );
        assert_eq!(r.trasformazioni().len(), 11);
        assert_eq!(r.comuni().iter().filter(|c| c.capoluogo).count(), 109);
    }

    #[test]
    fn reference_comuni_prato_pistoia() {
        let r = r();
        let prato = valid(r.comune("G999", d(2024, 1, 1))).expect("Prato valid in 2024");
        assert_eq!(
            (
                prato.istat.as_str(),
                prato.nome.as_str(),
                prato.provincia_istat.as_str(),
                prato.sigla.as_str()
            ),
            ("100005", "Prato", "100", "PO")
        );
        assert_eq!(prato.regione_istat, "09");
        assert!(prato.capoluogo);
        assert!(valid(r.comune("g999", d(2009, 5, 1))).is_some(), "lower case accepted");
        assert!(valid(r.comune(" G999 ", d(2009, 5, 1))).is_some(), "blanks ignored");
        assert_eq!(r.comune_any("F572").map(|c| c.nome.as_str()), Some("Montemurlo"));
        assert_eq!(r.comune_any("F572").map(|c| c.istat.as_str()), Some("100003"));
        assert_eq!(r.comune_any("B626").map(|c| c.nome.as_str()), Some("Cantagallo"));
        let pistoia = r.comune_any("G713").expect("Pistoia");
        assert_eq!(
            (
                pistoia.istat.as_str(),
                pistoia.provincia_istat.as_str(),
                pistoia.sigla.as_str()
            ),
            ("047014", "047", "PT")
        );
        assert_eq!(r.comune_any("D612").map(|c| c.istat.as_str()), Some("048017"));
        assert_eq!(r.comune_any("H501").map(|c| c.sigla.as_str()), Some("RM"));
        assert_eq!(r.comune_by_istat("100005").map(|c| c.belfiore.as_str()), Some("G999"));
        assert_eq!(r.comune_by_istat("47014").map(|c| c.belfiore.as_str()), Some("G713"));
        assert_eq!(r.comune_by_istat("1001").map(|c| c.nome.as_str()), Some("Agliè"));
        // Windows-1252 names decoded correctly.
        assert!(r.comuni().iter().any(|c| c.nome == "San Floriano del Collio"));
        assert!(r.comuni().iter().any(|c| c.nome.contains("Aurisina")));
        assert!(r.comune_any("A074").is_some_and(|c| c.nome == "Agliè"));

        let po = r.provincia("PO").expect("PO");
        let comuni_po = r.comuni_of_province(po);
        assert_eq!(comuni_po.len(), 7);
        assert_eq!(comuni_po.first().map(|c| c.nome.as_str()), Some("Cantagallo"));
        assert!(comuni_po.windows(2).all(|w| w[0].istat < w[1].istat));
        assert_eq!(r.comuni_of_province(r.provincia("PT").expect("PT")).len(), 20);
        assert_eq!(r.comuni_of_province(r.provincia("FI").expect("FI")).len(), 41);
        assert_eq!(r.provincia_of(prato).map(|p| p.sigla.as_str()), Some("PO"));
    }

    #[test]
    fn reference_comuni_validity() {
        let r = r();
        // Unknown code.
        assert_eq!(r.comune("Z999", d(2024, 1, 1)), CodeCheck::Unknown);
        assert_eq!(r.comune("", d(2024, 1, 1)), CodeCheck::Unknown);
        // ANPAL open-ended, absent from ISTAT 2023: Lu, merged into Lu e Cuccaro Monferrato
        // on 2019-02-01 (reference/oml/comuni_soppressi.csv).
        let lu = not_valid(r.comune("E712", d(2024, 1, 1))).expect("Lu suppressed by 2024");
        assert_eq!(
            (lu.nome.as_str(), lu.sigla.as_str(), lu.istat.as_str()),
            ("LU", "AL", "006089")
        );
        assert!(valid(r.comune("E712", d(2018, 6, 1))).is_some());
        assert!(valid(r.comune("E712", d(2019, 1, 31))).is_some());
        assert!(not_valid(r.comune("E712", d(2019, 2, 1))).is_some());
        assert!(valid(r.comune("M420", d(2019, 2, 1))).is_some(), "successor open");
        // Vendrogno until 2019-12-31.
        assert!(valid(r.comune("L731", d(2019, 12, 31))).is_some());
        assert!(not_valid(r.comune("L731", d(2020, 1, 1))).is_some());
        // Real ANPAL end date: Abetone, merged into Abetone Cutigliano on 2017-02-28 (ANPAL
        // keeps a one-day overlap).
        assert!(valid(r.comune("A012", d(2017, 2, 28))).is_some());
        assert!(not_valid(r.comune("A012", d(2017, 3, 1))).is_some());
        let ac = r.comune_any("M376").expect("Abetone Cutigliano");
        assert_eq!(ac.validity.from, Some(d(2017, 2, 28)));
        assert!(not_valid(r.comune("M376", d(2016, 12, 31))).is_some());
        assert!(valid(r.comune("M376", d(2024, 1, 1))).is_some());
        // Sentinel-closed: suppressed before 2000.
        let abbadia = r.comune_any("A002").expect("A002");
        assert_eq!(
            abbadia.validity,
            Validity {
                from: None,
                to: Some(d(1999, 12, 31))
            }
        );
        assert!(valid(r.comune("A002", d(1990, 1, 1))).is_some());
        assert!(not_valid(r.comune("A002", d(2000, 1, 1))).is_some());
        // ANPAL closes these, ISTAT 2023 has them: ISTAT wins.
        for bf in ["H883", "I783", "M316"] {
            assert!(valid(r.comune(bf, d(2024, 1, 1))).is_some(), "{bf}");
        }
        // Sentinel start never invalidates a current comune; Busnago's re-registration neither.
        assert_eq!(r.comune_any("G999").map(|c| c.validity), Some(Validity::default()));
        assert!(valid(r.comune("B289", d(2009, 1, 1))).is_some());
        // Every current comune is open-ended; every suppressed one has an end.
        assert!(r.comuni().iter().all(|c| c.validity.to.is_none()));
        assert!(r.comuni_soppressi().iter().all(|c| c.validity.to.is_some()));
        // ISTAT codes of suppressed comuni and older codes of current ones.
        assert_eq!(r.comune_by_istat("006089").map(|c| c.belfiore.as_str()), Some("E712"));
        assert_eq!(
            r.comune_by_istat("041033").map(|c| c.istat.as_str()),
            Some("099030"),
            "Montecopiolo"
        );
    }

    #[test]
    fn reference_province_regioni() {
        let r = r();
        let su = r.provincia("SU").expect("SU");
        assert_eq!(
            (su.istat.as_str(), su.nome.as_str(), su.regione_istat.as_str()),
            ("111", "Sud Sardegna", "20")
        );
        assert_eq!(r.provincia("po").map(|p| p.istat.as_str()), Some("100"));
        assert_eq!(r.provincia("100").map(|p| p.sigla.as_str()), Some("PO"));
        assert_eq!(r.provincia("47").map(|p| p.sigla.as_str()), Some("PT"));
        assert_eq!(r.provincia("047").map(|p| p.nome.as_str()), Some("Pistoia"));
        assert_eq!(r.provincia("248").map(|p| p.sigla.as_str()), Some("FI"), "UTS code");
        assert_eq!(r.provincia("PRATO").map(|p| p.sigla.as_str()), Some("PO"));
        assert_eq!(r.provincia("Prato").map(|p| p.sigla.as_str()), Some("PO"));
        assert_eq!(r.provincia("Reggio nell'Emilia").map(|p| p.sigla.as_str()), Some("RE"));
        assert_eq!(r.provincia("REGGIO EMILIA").map(|p| p.sigla.as_str()), Some("RE"));
        assert_eq!(r.provincia("MASSA CARRARA").map(|p| p.sigla.as_str()), Some("MS"));
        assert_eq!(r.provincia("Bolzano").map(|p| p.sigla.as_str()), Some("BZ"));
        assert_eq!(r.provincia("FORLÌ E CESENA").map(|p| p.sigla.as_str()), Some("FC"));
        assert_eq!(r.provincia("Milano").map(|p| p.istat.as_str()), Some("015"));
        assert!(r.provincia("OT").is_none(), "suppressed Sardinian province");
        assert!(r.provincia("").is_none());
        assert!(r.province().windows(2).all(|w| w[0].istat < w[1].istat));

        let toscana = r.regione("09").expect("09");
        assert_eq!((toscana.nome.as_str(), toscana.mlps.as_str()), ("Toscana", "17"));
        assert_eq!(r.regione("9").map(|g| g.mlps.as_str()), Some("17"));
        assert_eq!(r.regione("04").map(|g| g.mlps.as_str()), Some(""));
        assert_eq!(r.regione("13").map(|g| g.mlps.as_str()), Some("01"));
        assert!(r.regione("00").is_none());
    }

    #[test]
    fn reference_tipologie() {
        let r = r();
        let td = valid(r.tipologia("A.02.00", d(2024, 1, 1))).expect("A.02.00");
        assert_eq!(td.macro_classe, MacroContratto::Td);
        assert!(not_valid(r.tipologia("A.03.02", d(2020, 1, 1))).is_some());
        assert!(valid(r.tipologia("A.03.02", d(2010, 1, 1))).is_some());
        assert!(
            valid(r.tipologia("A.04.02", d(2013, 1, 10))).is_some(),
            "start inclusive"
        );
        assert!(not_valid(r.tipologia("A.04.02", d(2013, 1, 9))).is_some());
        assert!(valid(r.tipologia("A.04.00", d(2013, 1, 10))).is_some(), "end inclusive");
        assert!(not_valid(r.tipologia("A.04.00", d(2013, 1, 11))).is_some());
        assert_eq!(r.tipologia("Z.99.99", d(2024, 1, 1)), CodeCheck::Unknown);
        assert!(valid(r.tipologia("a.01.00", d(2024, 1, 1))).is_some());
        assert_eq!(
            r.tipologia_any("A.02.01").map(|t| t.descrizione.as_str()),
            Some("LAVORO A TEMPO DETERMINATO  PER SOSTITUZIONE")
        );

        let day = d(2024, 1, 1);
        fn code(c: CodeCheck<&Tipologia>) -> Option<&str> {
            valid(c).map(|t| t.codice.as_str())
        }
        assert_eq!(
            code(r.tipologia_by_label("LAVORO A TEMPO DETERMINATO  PER SOSTITUZIONE", day)),
            Some("A.02.01")
        );
        assert_eq!(
            code(r.tipologia_by_label("Lavoro a tempo determinato per sostituzione", day)),
            Some("A.02.01")
        );
        assert_eq!(code(r.tipologia_by_label("LAVORO INTERMITTENTE", day)), Some("A.05.02"));
        assert_eq!(
            code(r.tipologia_by_label("LAVORO O ATTIVITÀ SOCIALMENTE UTILE (LSU - ASU)", day)),
            Some("C.03.00")
        );
        assert_eq!(
            code(r.tipologia_by_label("lavoro o attivita' socialmente utile (lsu-asu)", day)),
            Some("C.03.00")
        );
        let mob = "APPRENDISTATO PROFESSIONALIZZANTE O CONTRATTO DI MESTIERE PER LAVORATORI IN MOBILITA'";
        assert_eq!(code(r.tipologia_by_label(mob, d(2012, 6, 1))), Some("A.03.12"));
        assert!(not_valid(r.tipologia_by_label(mob, day)).is_some());
        // Regional wordings: aliases of reference/oml/etichette_contratto.csv.
        assert_eq!(
            code(r.tipologia_by_label("Lavoro a tempo indeterminato con piattaforma", day)),
            Some("A.01.00")
        );
        assert_eq!(
            code(r.tipologia_by_label("LAVORO INTERMITTENTE CON PIATTAFORMA", day)),
            Some("A.05.02")
        );
        assert_eq!(
            r.tipologia_by_label("Lavoro a cottimo su Marte", day),
            CodeCheck::Unknown
        );

        let mc = |c: &str| r.tipologia_any(c).map(|t| t.macro_classe);
        assert_eq!(mc("A.01.00"), Some(MacroContratto::Ti));
        assert_eq!(mc("A.02.00"), Some(MacroContratto::Td));
        assert_eq!(mc("A.03.09"), Some(MacroContratto::Apprendistato));
        assert_eq!(mc("A.05.02"), Some(MacroContratto::Intermittente));
        assert_eq!(mc("A.04.02"), Some(MacroContratto::Domestico));
        assert_eq!(mc("A.06.00"), Some(MacroContratto::Somministrazione));
        assert_eq!(mc("C.01.00"), Some(MacroContratto::Tirocinio));
        assert_eq!(mc("B.03.00"), Some(MacroContratto::Parasubordinato));
        assert_eq!(mc("C.03.00"), Some(MacroContratto::Altro));
        assert_eq!(mc("A.03.04"), Some(MacroContratto::Td));
        assert_eq!(mc("I.01.00"), Some(MacroContratto::Ti));
        assert_eq!(r.macro_contratto("A.09.00"), Some(MacroContratto::Altro));
        assert_eq!(r.macro_contratto("N.01.00"), Some(MacroContratto::Altro));
        assert!(r.tipologia_any("A.09.00").is_none());
        assert!(r
            .tipologie()
            .iter()
            .all(|t| r.macro_contratto(&t.codice) == Some(t.macro_classe)));
        for m in MacroContratto::ALL {
            assert_eq!(MacroContratto::from_code(m.code()), Some(m));
            assert!(r.tipologie().iter().any(|t| t.macro_classe == m), "{m:?} unused");
        }
    }

    #[test]
    fn reference_ateco() {
        let r = r();
        let a = r.ateco("56.10.11").expect("56.10.11");
        assert_eq!((a.sezione.as_str(), a.divisione.as_str(), a.livello), ("I", "56", 4));
        assert_eq!(a.descrizione, "RISTORAZIONE CON SOMMINISTRAZIONE");
        assert_eq!(r.ateco("13.20.00").map(|a| a.sezione.as_str()), Some("C"));
        assert_eq!(r.ateco("132000").map(|a| a.codice.as_str()), Some("13.20.00"));
        assert_eq!(r.ateco("C").map(|a| (a.livello, a.divisione.as_str())), Some((0, "")));
        assert_eq!(r.ateco("c").map(|a| a.livello), Some(0));
        assert_eq!(r.ateco("13").map(|a| (a.livello, a.sezione.as_str())), Some((1, "C")));
        assert_eq!(r.ateco("13.2").map(|a| a.livello), Some(2));
        assert_eq!(r.ateco("13.20").map(|a| a.livello), Some(3));
        assert_eq!(r.ateco("1320").map(|a| a.codice.as_str()), Some("13.20"));
        assert!(r.ateco("99.99.99").is_none());
        assert!(r.ateco("").is_none());
        assert_eq!(
            r.ateco("85.41").map(|a| a.descrizione.as_str()),
            Some("ISTRUZIONE POST-SECONDARIA NON UNIVERSITARIA"),
            "leading space of the ANPAL label trimmed"
        );
        assert!(r.ateco_sottocategorie().iter().all(|a| a.livello == 4));
        assert!(r.ateco_sottocategorie().windows(2).all(|w| w[0].codice < w[1].codice));
        let code = |l: &str| r.ateco_by_label(l).map(|a| a.codice.as_str());
        assert_eq!(code("Ristorazione con somministrazione"), Some("56.10.11"));
        assert_eq!(code("RISTORAZIONE CON SOMMINISTRAZIONE"), Some("56.10.11"));
        assert_eq!(
            code("Tessitura"),
            Some("13.20.00"),
            "sottocategoria preferred over class"
        );
        assert_eq!(
            code("Pulizia generale (non specializzata) di edifici"),
            Some("81.21.00")
        );
        assert_eq!(code("attivita manifatturiere"), Some("C"));
        assert_eq!(code("nessuna attività del genere"), None);
    }

    #[test]
    fn reference_cittadinanze() {
        let r = r();
        let day = d(2024, 1, 1);
        let it = valid(r.cittadinanza("000", day)).expect("000");
        assert_eq!(
            (it.descrizione.as_str(), it.area, it.cod_mf.as_str()),
            ("ITALIA", AreaCittadinanza::Italia, "0000")
        );
        assert_eq!(
            valid(r.cittadinanza("235", day)).map(|c| c.area),
            Some(AreaCittadinanza::Ue)
        );
        assert_eq!(
            valid(r.cittadinanza("330", day)).map(|c| c.area),
            Some(AreaCittadinanza::ExtraUe)
        );
        assert_eq!(
            valid(r.cittadinanza("999", day)).map(|c| c.area),
            Some(AreaCittadinanza::Apolide)
        );
        assert_eq!(valid(r.cittadinanza("0", day)).map(|c| c.codice.as_str()), Some("000"));
        assert!(
            not_valid(r.cittadinanza("224", day)).is_some(),
            "Serbia e Montenegro closed 2006"
        );
        assert!(valid(r.cittadinanza("224", d(2005, 1, 1))).is_some());
        assert_eq!(r.cittadinanza("123", day), CodeCheck::Unknown);
        assert_eq!(r.stato_estero("Z222").map(|c| c.descrizione.as_str()), Some("INDIA"));
        assert_eq!(r.stato_estero("z330").map(|c| c.codice.as_str()), Some("436"));
        assert!(r.stato_estero("").is_none());
        let by = |n: &str| r.cittadinanza_by_name(n).map(|c| c.codice.as_str());
        assert_eq!(by("ITALIA"), Some("000"));
        assert_eq!(by("Romania"), Some("235"));
        assert_eq!(by("MAROCCO"), Some("436"));
        assert_eq!(by("marocchina"), Some("436"));
        assert_eq!(by("Congo"), Some("418"));
        assert_eq!(by("SERBA"), Some("271"), "open code preferred");
        assert_eq!(by("Atlantide"), None);
        let uk = r.cittadinanza_by_name("REGNO UNITO").expect("UK");
        assert_eq!(uk.area, AreaCittadinanza::Ue);
        assert_eq!(uk.area_at(d(2019, 12, 31)), AreaCittadinanza::Ue);
        assert_eq!(uk.area_at(d(2020, 2, 1)), AreaCittadinanza::ExtraUe);
        let hr = r.cittadinanza_by_name("Croazia").expect("HR");
        assert_eq!(hr.area_at(d(2013, 6, 30)), AreaCittadinanza::ExtraUe);
        assert_eq!(hr.area_at(d(2013, 7, 1)), AreaCittadinanza::Ue);
    }

    #[test]
    fn reference_livelli_studio() {
        let r = r();
        assert_eq!(r.livello_studio("0"), Some("NESSUN TITOLO DI STUDIO"));
        assert_eq!(r.livello_studio("2"), Some("LICENZA MEDIA"));
        assert_eq!(r.livello_studio("7"), Some("LAUREA - Vecchio o nuovo ordinamento"));
        assert_eq!(r.livello_studio("12"), Some("TITOLO DI DOTTORE DI RICERCA"));
        assert_eq!(r.livello_studio("02"), Some("LICENZA MEDIA"));
        assert_eq!(r.livello_studio("13"), None);
        assert_eq!(r.livello_studio("x"), None);
        let code = |l: &str| r.livello_studio_by_label(l);
        assert_eq!(code("LICENZA MEDIA"), Some("2"));
        assert_eq!(code("Licenza elementare"), Some("1"));
        assert_eq!(code("DIPLOMA"), Some("4"));
        assert_eq!(code("LAUREA"), Some("7"));
        assert_eq!(code("Laurea - vecchio o nuovo ordinamento"), Some("7"));
        assert_eq!(
            code("DIPLOMA DI ISTRUZIONE SECONDARIA SUPERIORE CHE PERMETTE L'ACCESSO ALL'UNIVERSITÀ"),
            Some("4")
        );
        assert_eq!(code("Dottorato di ricerca"), Some("12"));
        assert_eq!(code("master di II livello"), Some("10"));
        assert_eq!(code("boh"), None);
    }

    #[test]
    fn reference_trasformazioni_cause() {
        let r = r();
        for c in ["DI", "AI", "FI", "II"] {
            assert_eq!(r.trasformazione(c).map(|t| t.verso_ti), Some(true), "{c}");
        }
        for c in ["FF", "PP", "TP", "PV", "DP", "DL", "TL"] {
            assert_eq!(r.trasformazione(c).map(|t| t.verso_ti), Some(false), "{c}");
        }
        assert_eq!(r.trasformazione("di").map(|t| t.codice.as_str()), Some("DI"));
        assert!(r.trasformazione("XX").is_none());

        assert_eq!(r.causa_cessazione("XX"), MacroCausa::NonClassificata);
        assert_eq!(r.causa_cessazione(""), MacroCausa::NonClassificata);
        assert_eq!(r.causa_cessazione("LI"), MacroCausa::Licenziamento);
        assert_eq!(r.causa_cessazione("AD"), MacroCausa::Dimissioni);
        assert_eq!(r.causa_cessazione("dm"), MacroCausa::Dimissioni);
        assert_eq!(r.causa_cessazione("FT"), MacroCausa::FineTermine);
        assert_eq!(r.causa_cessazione("PE"), MacroCausa::Altro);
        let verified: Vec<&str> = r
            .cause_cessazione()
            .iter()
            .filter(|c| c.verificato)
            .map(|c| c.codice.as_str())
            .collect();
        assert_eq!(verified, ["AR", "AC", "AM", "AD", "DS", "EP", "LI"]);
        for m in [
            MacroCausa::Dimissioni,
            MacroCausa::Licenziamento,
            MacroCausa::FineTermine,
            MacroCausa::Altro,
        ] {
            assert!(
                r.cause_cessazione().iter().any(|c| c.macro_causa == m && !c.verificato),
                "{m:?}"
            );
            assert_eq!(MacroCausa::from_code(m.code()), Some(m));
        }
    }

    #[test]
    fn reference_cpi() {
        let r = r();
        let prato = r.cpi("100005").expect("CPI of Prato");
        assert!(prato.codice.starts_with("PO"));
        assert!(prato.illustrativo);
        for sigla in ["PO", "PT", "FI"] {
            let p = r.provincia(sigla).expect("province");
            for c in r.comuni_of_province(p) {
                let cpi = r.cpi(&c.istat).unwrap_or_else(|| panic!("{} has no CPI", c.nome));
                assert!(cpi.codice.starts_with(sigla), "{} in {}", c.nome, cpi.codice);
            }
        }
        assert_eq!(r.cpis().iter().filter(|c| c.codice.starts_with("PO")).count(), 2);
        let roma = r.comune_any("H501").expect("Roma");
        assert_eq!(r.cpi_code_or_province(roma), "PRV-RM");
        let montemurlo = r.comune_any("F572").expect("Montemurlo");
        assert_eq!(r.cpi_code_or_province(montemurlo), prato.codice);
        assert!(r.cpi("058091").is_none());
    }

    #[test]
    fn reference_normalize_label() {
        assert_eq!(
            normalize_label("  Lavoro a tempo  determinato  "),
            "LAVORO A TEMPO DETERMINATO"
        );
        assert_eq!(normalize_label("ATTIVITÀ"), "ATTIVITA");
        assert_eq!(normalize_label("attivita'"), "ATTIVITA");
        assert_eq!(normalize_label("MOBILITA’"), "MOBILITA");
        assert_eq!(normalize_label("Reggio nell'Emilia"), "REGGIO NELL EMILIA");
        assert_eq!(
            normalize_label("San Floriano del Collio-Števerjan"),
            "SAN FLORIANO DEL COLLIO STEVERJAN"
        );
        assert_eq!(normalize_label("Università"), "UNIVERSITA");
        assert_eq!(normalize_label("(LSU - ASU)"), "LSU ASU");
        assert_eq!(normalize_label("Straße"), "STRASSE");
        assert_eq!(normalize_label("56.10.11"), "56 10 11");
        assert_eq!(normalize_label(""), "");
    }

    #[test]
    fn reference_embedded_copies_are_byte_identical() {
        // sha256 of the copies, as recorded in reference/README.md.
        use sha2::{Digest, Sha256};
        let expect = [
            (
                &ISTAT_COMUNI,
                "5c3680efc27207d6bbd17915e790b2fd5e666676b888d85f8e2ac71100fe7889",
            ),
            (
                &ANPAL_ATECO,
                "a030e0d0e6c0f0824707864a411f60c347735bf6ab041aa3bb3f9da6fa18266f",
            ),
            (
                &ANPAL_CITTADINANZE,
                "bc7c57ae1ae8940a943992c5a0d8ae3b27bca7a73d7c92245ec6883d21061b77",
            ),
            (
                &ANPAL_COMUNI,
                "a479c6e8ad0fc8ca77bc2010ad343a0542e551ce6be84350ecc0ebff66cb2fbc",
            ),
            (
                &ANPAL_LIVELLI,
                "b4149eebcf59a6da32cfeaca1efd653b4b09fb5eee81aecf5533611bdc0cde6e",
            ),
            (
                &ANPAL_PROVINCE,
                "4bb27a1dced40c9e0a598a68c35572d9f5576bad5311aad534f6a8293efec943",
            ),
            (
                &ANPAL_REGIONI,
                "6ad134486a31cfabb51c51e9951179984ad8ab33034e3fb2bdd9a1a3773a7a8c",
            ),
            (
                &ANPAL_TIPOLOGIE,
                "b9d31b3572350a84a41b2ac67b24c3ef5e73409ef0be9d45c199335650c4574f",
            ),
        ];
        for (e, sha) in expect {
            assert_eq!(hex::encode(Sha256::digest(e.bytes)), sha, "{}", e.path);
        }
    }
}
