//! ISTAT unemployment rates (Rilevazione sulle forze di lavoro, RFL) from the CSV exports of
//! ISTAT's data warehouse: typed rows with today's territory, for the bulletin and for
//! `oml ingest istat`.
//!
//! Two layouts are accepted, told apart by their header (names compared trimmed, ignoring case;
//! a header `ID: Label` counts as `ID`, and its values `CODE: Label` as `CODE`):
//!
//! | role | I.Stat export | IstatData SDMX-CSV | |
//! |---|---|---|---|
//! | territory | `ITTER107` | `REF_AREA` | required |
//! | territory name | `Territorio` | — | optional (else the crosswalk's name) |
//! | indicator | `TIPO_DATO_FOL` | `DATA_TYPE` | optional; must be `UNEM_R` |
//! | sex | `SEXISTAT1` | `SEX` | required: `1`/`M` maschi, `2`/`F` femmine, `9`/`T`/`_T` totale |
//! | age class | `ETA1` | `AGE` | required (`Y15-74`, `Y_GE15`, …) |
//! | period | `TIME` | `TIME_PERIOD` | required: `2019`, `2019-Q1` (`2019Q1`, `T1-2019`), `2019-03` |
//! | value | `Value` | `OBS_VALUE` | required: a percentage, `.` or `,` decimal; empty only with a flag |
//! | flag | `Flag Codes` | `OBS_STATUS` | optional; kept |
//! | flag label | `Flags` | — | optional; kept |
//!
//! Other columns (the labels `Tipo dato`, `Sesso`, `Classe di età`, `Seleziona periodo`;
//! SDMX's `DATAFLOW`, `FREQ`, …) are not read; a header without the required roles
//! is refused, naming the columns it has. The bytes may be UTF-8 (with or without BOM) or
//! Latin-1 / Windows-1252 (found as in [`super::encoding`]), `,`- `;`- or tab-separated (the
//! separator most frequent in the header), LF or CRLF, quoted or not.
//!
//! Every territory code goes through the ITTER107 crosswalk
//! (`reference/oml/itter107_territori.csv`, [`crate::reference::Reference::itter107`]): a file
//! with a code the crosswalk lacks is refused with every such code listed. Each rate carries the
//! relation of its territory to today's unit *for its year* (`Identico`, `ParteDi` for a
//! suppressed province, `ConfiniPrecedenti` before a boundary change). A file is read whole
//! or refused: a malformed row, a value that is not a rate, or the same cell twice stops it
//! with an error naming the file and the line.

use super::encoding::{check_start, EncodingEvidence};
use crate::model::period::{Period, Periodicity};
use crate::reference::{Itter107, Reference, Relazione};
use anyhow::{anyhow, bail, Result};
use std::collections::{BTreeMap, HashMap};

/// The export shipped in `reference/` (annual 2019–2020 for Italy, macro areas, regions and
/// provinces; quarterly above the provinces).
pub const SHIPPED_PATH: &str = "reference/istat_rfl_tasso_disoccupazione_2019_2020.csv";
const SHIPPED: &[u8] = include_bytes!("../../reference/istat_rfl_tasso_disoccupazione_2019_2020.csv");

/// The indicator code of the unemployment rate (`TIPO_DATO_FOL` / `DATA_TYPE`).
pub const UNEM_R: &str = "UNEM_R";

/// Sex, as ISTAT codes it (`SEXISTAT1`: 1, 2, 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sesso {
    Maschi,
    Femmine,
    Totale,
}

impl Sesso {
    /// ISTAT's code: `1`, `2`, `9`.
    pub fn code(self) -> &'static str {
        match self {
            Sesso::Maschi => "1",
            Sesso::Femmine => "2",
            Sesso::Totale => "9",
        }
    }

    fn parse(s: &str) -> Option<Sesso> {
        match s.to_ascii_uppercase().as_str() {
            "1" | "M" => Some(Sesso::Maschi),
            "2" | "F" => Some(Sesso::Femmine),
            "9" | "T" | "_T" => Some(Sesso::Totale),
            _ => None,
        }
    }
}

/// Which export the header is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// I.Stat (dati.istat.it): `ITTER107`, `SEXISTAT1`, `ETA1`, `TIME`, `Value`, …
    IStat,
    /// IstatData / SDMX-CSV: `REF_AREA`, `SEX`, `AGE`, `TIME_PERIOD`, `OBS_VALUE`, …
    Sdmx,
}

/// One published rate.
#[derive(Debug, Clone, PartialEq)]
pub struct TassoDisoccupazione {
    /// The line of the file it was read from.
    pub riga: u64,
    /// The territory: ITTER107 code, level, today's ISTAT code (from the crosswalk).
    pub territorio: &'static Itter107,
    /// The territory's name as the file writes it (the crosswalk's when the file has none).
    pub territorio_nome: String,
    /// Whether the figure is today's unit's, for the row's year
    /// ([`Itter107::relazione_nel`]): only `Identico` rows stand for today's territory.
    pub relazione: Relazione,
    pub sesso: Sesso,
    /// ISTAT's age-class code, e.g. `Y15-74`, `Y_GE15`.
    pub classe_eta: String,
    pub periodo: Period,
    pub periodicita: Periodicity,
    /// The rate in percent; `None` only where a flag says why it is missing.
    pub valore: Option<f64>,
    /// ISTAT's flag code, if any.
    pub flag: Option<String>,
    /// The flag's label (`Flags` of the I.Stat export), if the file has one.
    pub flag_descrizione: Option<String>,
}

/// A whole export, read.
#[derive(Debug, Clone)]
pub struct RflFile {
    pub layout: Layout,
    /// The rows, in file order.
    pub tassi: Vec<TassoDisoccupazione>,
}

/// The shipped export, read.
pub fn shipped() -> Result<RflFile> {
    read(SHIPPED_PATH, SHIPPED)
}

/// The roles of the columns and the names each takes in the two layouts.
const ROLES: [(&str, &str, &str, bool); 9] = [
    ("territorio", "ITTER107", "REF_AREA", true),
    ("nome", "Territorio", "", false),
    ("tipo", "TIPO_DATO_FOL", "DATA_TYPE", false),
    ("sesso", "SEXISTAT1", "SEX", true),
    ("eta", "ETA1", "AGE", true),
    ("periodo", "TIME", "TIME_PERIOD", true),
    ("valore", "Value", "OBS_VALUE", true),
    ("flag", "Flag Codes", "OBS_STATUS", false),
    ("flag_label", "Flags", "", false),
];

/// Columns found: for each role of [`ROLES`], its index and whether its values are `CODE: Label`.
struct Columns {
    layout: Layout,
    at: [Option<(usize, bool)>; 9],
}

fn find_columns(file: &str, headers: &csv::StringRecord) -> Result<Columns> {
    let ids: Vec<(String, bool)> = headers
        .iter()
        .map(|h| {
            let h = h.trim().trim_start_matches('\u{feff}');
            match h.split_once(':') {
                Some((id, _)) => (id.trim().to_ascii_lowercase(), true),
                None => (h.to_ascii_lowercase(), false),
            }
        })
        .collect();
    let find = |name: &str| {
        (!name.is_empty())
            .then(|| ids.iter().position(|(id, _)| id == &name.to_ascii_lowercase()))
            .flatten()
            .map(|i| (i, ids[i].1))
    };
    for (layout, pick) in [(Layout::IStat, 1), (Layout::Sdmx, 2)] {
        let at = ROLES.map(|r| find(if pick == 1 { r.1 } else { r.2 }).or_else(|| find(r.1)));
        if ROLES.iter().zip(&at).all(|(r, a)| !r.3 || a.is_some()) {
            return Ok(Columns { layout, at });
        }
    }
    let seen: Vec<&str> = headers.iter().map(str::trim).collect();
    bail!(
        "{file}, line 1: not an ISTAT unemployment-rate export: the columns are {seen:?}; an I.Stat export has \
         ITTER107, SEXISTAT1, ETA1, TIME, Value (and Territorio, TIPO_DATO_FOL, Flag Codes), an IstatData \
         SDMX-CSV REF_AREA, SEX, AGE, TIME_PERIOD, OBS_VALUE (and DATA_TYPE, OBS_STATUS)"
    )
}

/// The separator most frequent in the first line: `;`, tab or `,`.
fn separator(text: &str) -> u8 {
    let head = text.lines().next().unwrap_or_default();
    let count = |c: char| head.matches(c).count();
    [(';', b';'), ('\t', b'\t'), (',', b',')]
        .into_iter()
        .max_by_key(|(c, _)| count(*c))
        .map_or(b',', |(_, b)| b)
}

/// `2019`, `2019-Q1`, `2019Q1`, `T1-2019`, `2019-03` → the period and its length.
fn parse_period(s: &str) -> Option<(Period, Periodicity)> {
    let s = s.trim();
    let normal = if let Some((q, y)) = s.split_once('-').filter(|(q, _)| q.starts_with(['T', 'Q'])) {
        format!("{y}-Q{}", &q[1..])
    } else if let Some((y, q)) = s.split_once('Q').filter(|(y, _)| !y.ends_with('-')) {
        format!("{y}-Q{q}")
    } else {
        s.to_string()
    };
    Period::parse_single(&normal).ok()
}

/// A rate: `9.093324` or `9,093324`, between 0 and 100.
fn parse_value(s: &str) -> Option<f64> {
    let v: f64 = if s.contains(',') && !s.contains('.') {
        s.replace(',', ".").parse().ok()?
    } else {
        s.parse().ok()?
    };
    (v.is_finite() && (0.0..=100.0).contains(&v)).then_some(v)
}

/// Reads an export (`name` is the file's name, for messages).
pub fn read(name: &str, bytes: &[u8]) -> Result<RflFile> {
    check_start(bytes).map_err(|e| anyhow!("{name}, {e}"))?;
    let mut evidence = EncodingEvidence::default();
    evidence.observe(bytes, 1);
    let encoding = evidence.decide().map_err(|e| anyhow!("{name}: {e}"))?;
    let utf8 = encoding.to_utf8(bytes.to_vec());
    let text = std::str::from_utf8(&utf8).map_err(|e| anyhow!("{name}: not UTF-8 after decoding ({e})"))?;
    let text = text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        bail!("{name}: the file is empty");
    }
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(separator(text))
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| anyhow!("{name}, line 1: unreadable header ({e})"))?
        .clone();
    let cols = find_columns(name, &headers)?;
    let reference = Reference::get();
    let mut tassi = Vec::new();
    let mut unmapped: BTreeMap<String, u64> = BTreeMap::new();
    let mut seen: HashMap<(String, Sesso, String, String), u64> = HashMap::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            anyhow!("{name}, line {line}: malformed CSV ({e})")
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        let err = |msg: String| anyhow!("{name}, line {line}: {msg}");
        let field = |role: usize| -> Option<&str> {
            let (i, labelled) = cols.at[role]?;
            let v = rec.get(i).unwrap_or_default().trim();
            Some(if labelled {
                v.split_once(": ").map_or(v, |(c, _)| c.trim())
            } else {
                v
            })
        };
        let required = |role: usize| -> Result<&str> {
            match field(role) {
                Some(v) if !v.is_empty() => Ok(v),
                _ => Err(err(format!("empty {}", ROLES[role].1))),
            }
        };
        let code = required(0)?;
        if let Some(tipo) = field(2).filter(|t| !t.eq_ignore_ascii_case(UNEM_R)) {
            return Err(err(format!(
                "indicator {tipo:?} is not {UNEM_R} (tasso di disoccupazione)"
            )));
        }
        let sesso_text = required(3)?;
        let sesso = Sesso::parse(sesso_text).ok_or_else(|| err(format!("sex {sesso_text:?} (1, 2, 9 or M, F, T)")))?;
        let classe_eta = required(4)?.to_string();
        let period_text = required(5)?;
        let (periodo, periodicita) =
            parse_period(period_text).ok_or_else(|| err(format!("period {period_text:?} (2019, 2019-Q1, 2019-03)")))?;
        let flag = field(7).filter(|f| !f.is_empty()).map(str::to_string);
        let flag_descrizione = field(8).filter(|f| !f.is_empty()).map(str::to_string);
        let value_text = field(6).unwrap_or_default();
        let valore = match (value_text.is_empty(), &flag) {
            (true, Some(_)) => None,
            (true, None) => return Err(err("empty value without a flag".to_string())),
            (false, _) => Some(
                parse_value(value_text).ok_or_else(|| err(format!("value {value_text:?} is not a rate (0–100)")))?,
            ),
        };
        let key = (code.to_ascii_uppercase(), sesso, classe_eta.clone(), periodo.label());
        if let Some(first) = seen.insert(key, line) {
            return Err(err(format!(
                "the same cell ({code}, sex {}, {classe_eta}, {}) as line {first}",
                sesso.code(),
                periodo.label()
            )));
        }
        let Some(territorio) = reference.itter107(code) else {
            unmapped.entry(code.to_string()).or_insert(line);
            continue;
        };
        let territorio_nome = match field(1) {
            Some(n) if !n.is_empty() => n.to_string(),
            _ => territorio.denominazione.clone(),
        };
        tassi.push(TassoDisoccupazione {
            riga: line,
            territorio,
            territorio_nome,
            relazione: territorio.relazione_nel(chrono::Datelike::year(&periodo.dal)),
            sesso,
            classe_eta,
            periodo,
            periodicita,
            valore,
            flag,
            flag_descrizione,
        });
    }
    if !unmapped.is_empty() {
        let list: Vec<String> = unmapped.iter().map(|(c, l)| format!("{c} (line {l})")).collect();
        bail!(
            "{name}: {} territory code(s) not in the ITTER107 crosswalk (reference/oml/itter107_territori.csv): {}",
            list.len(),
            list.join(", ")
        );
    }
    if tassi.is_empty() {
        bail!("{name}: the file has a header and no rows");
    }
    Ok(RflFile {
        layout: cols.layout,
        tassi,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::LivelloTerritorio;

    fn find<'a>(f: &'a RflFile, code: &str, sesso: Sesso, eta: &str, periodo: &str) -> &'a TassoDisoccupazione {
        let hits: Vec<_> = f
            .tassi
            .iter()
            .filter(|t| {
                t.territorio.codice == code && t.sesso == sesso && t.classe_eta == eta && t.periodo.label() == periodo
            })
            .collect();
        assert_eq!(hits.len(), 1, "{code} {sesso:?} {eta} {periodo}");
        hits[0]
    }

    #[test]
    fn istat_rfl_shipped_file_every_row_and_known_values() {
        let f = shipped().unwrap();
        assert_eq!(f.layout, Layout::IStat);
        // Every row: lines − header.
        let lines = SHIPPED.iter().filter(|&&b| b == b'\n').count();
        assert_eq!(f.tassi.len(), lines - 1);
        assert_eq!(f.tassi.len(), 7649);
        assert_eq!(f.tassi.last().map(|t| t.riga), Some(7650));
        // Italia, 15 anni e più, maschi, 2019 (line 2).
        let it = find(&f, "IT", Sesso::Maschi, "Y_GE15", "2019");
        assert_eq!(
            (it.valore, it.riga, it.periodicita),
            (Some(9.093324), 2, Periodicity::Year)
        );
        assert_eq!(it.territorio.livello, LivelloTerritorio::Italia);
        // A province (line 7085): Prato, totale, 15-74, 2019.
        let po = find(&f, "ITE15", Sesso::Totale, "Y15-74", "2019");
        assert_eq!(po.valore, Some(6.225624));
        assert_eq!(
            (
                po.territorio.codice_istat.as_str(),
                po.territorio.regione_istat.as_str()
            ),
            ("100", "09")
        );
        assert_eq!(po.territorio_nome, "Prato");
        // The README's spot values: Milano and Bologna, totale, 15-74.
        assert_eq!(
            find(&f, "ITC45", Sesso::Totale, "Y15-74", "2019").valore,
            Some(5.912335)
        );
        assert_eq!(
            find(&f, "ITD55", Sesso::Totale, "Y15-74", "2020").valore,
            Some(4.372202)
        );
        assert_eq!(find(&f, "IT", Sesso::Totale, "Y15-74", "2020").valore, Some(9.190146));
        // A region in a quarter (line 734): Toscana, femmine, 15 e più, 2020-Q3.
        let tos = find(&f, "ITE1", Sesso::Femmine, "Y_GE15", "2020-Q3");
        assert_eq!((tos.valore, tos.periodicita), (Some(7.812572), Periodicity::Quarter));
        assert_eq!(tos.territorio.livello, LivelloTerritorio::Regione);
        // Sud Sardegna (line 6630) and the autonomous province of Bolzano in a quarter (line 4806).
        assert_eq!(
            find(&f, "IT111", Sesso::Totale, "Y15-24", "2020").valore,
            Some(39.326887)
        );
        let bz = find(&f, "ITD1", Sesso::Totale, "Y15-74", "2019-Q4");
        assert_eq!(
            (bz.valore, bz.territorio.codice_istat.as_str()),
            (Some(2.539982), "021")
        );
        // Every row is a present value, with no flag; the one absent cell stays absent.
        assert!(f
            .tassi
            .iter()
            .all(|t| t.valore.is_some() && t.flag.is_none() && t.flag_descrizione.is_none()));
        assert!(!f.tassi.iter().any(|t| t.territorio.codice == "ITF64"
            && t.sesso == Sesso::Femmine
            && t.classe_eta == "Y15-24"
            && t.periodo.label() == "2020"));
        // The names of the file are the crosswalk's, and every code maps to today's unit.
        for t in &f.tassi {
            assert_eq!(t.territorio_nome, t.territorio.denominazione, "line {}", t.riga);
            assert_eq!(t.relazione, Relazione::Identico, "line {}", t.riga);
        }
    }

    #[test]
    fn istat_rfl_shipped_file_is_the_documented_copy() {
        // sha256 recorded in reference/README.md (a byte-identical copy of the ISTAT export).
        use sha2::{Digest, Sha256};
        assert_eq!(
            hex::encode(Sha256::digest(SHIPPED)),
            "339799037c00f215e45b791edee9a2df66b25b93cca8324b4988b8c550ec864b"
        );
        let readme = include_str!("../../reference/README.md");
        assert!(readme.contains("339799037c00f215e45b791edee9a2df66b25b93cca8324b4988b8c550ec864b"));
    }

    const HEAD: &str = "\"ITTER107\",\"Territorio\",\"TIPO_DATO_FOL\",\"Tipo dato\",\"SEXISTAT1\",\"Sesso\",\"ETA1\",\"Classe di età\",\"TIME\",\"Seleziona periodo\",\"Value\",\"Flag Codes\",\"Flags\"\n";

    #[test]
    fn istat_rfl_newer_export_shapes() {
        // No BOM, `;`, CRLF, unquoted, decimal comma, `T1-2019` periods, a flag with no value.
        let text = "ITTER107;Territorio;TIPO_DATO_FOL;SEXISTAT1;ETA1;TIME;Value;Flag Codes;Flags\r\n\
                    ITE15;Prato;UNEM_R;9;Y15-74;2021;5,5;;\r\n\
                    ITE15;Prato;UNEM_R;9;Y15-74;T1-2021;;c;dato riservato\r\n\
                    ITG2C;Carbonia-Iglesias;UNEM_R;1;Y15-74;2015;18,1;;\r\n\
                    ITG27;Cagliari;UNEM_R;1;Y15-74;2016;14,0;;\r\n\
                    ITG27;Cagliari;UNEM_R;1;Y15-74;2017;13,0;;\r\n";
        let f = read("nuovo.csv", text.as_bytes()).unwrap();
        assert_eq!(f.tassi.len(), 5);
        assert_eq!(f.tassi[0].valore, Some(5.5));
        assert_eq!(
            (f.tassi[1].periodo.label().as_str(), f.tassi[1].valore),
            ("2021-Q1", None)
        );
        assert_eq!(f.tassi[1].flag.as_deref(), Some("c"));
        assert_eq!(f.tassi[1].flag_descrizione.as_deref(), Some("dato riservato"));
        assert_eq!(f.tassi[2].relazione, Relazione::ParteDi);
        // Cagliari is today's città metropolitana from 2017 only (identico_dal).
        assert_eq!(f.tassi[3].relazione, Relazione::ConfiniPrecedenti);
        assert_eq!(f.tassi[4].relazione, Relazione::Identico);
        assert_eq!(f.tassi[2].territorio.codice_istat, "111");
        // IstatData SDMX-CSV, with `ID: label` headers and values, and a 2019Q2 period; Latin-1.
        let sdmx = b"DATAFLOW,FREQ,REF_AREA: Territorio,DATA_TYPE,SEX,AGE,TIME_PERIOD,OBS_VALUE,OBS_STATUS\n\
                     IT1:151_914(1.0),Q,IT108: Monza e della Brianza,UNEM_R,F,Y15-74,2019Q2,6.1,\n\
                     IT1:151_914(1.0),A,ITC2: Valle d'Aosta / Vall\xe9e d'Aoste,UNEM_R,T,Y_GE15,2019,6.5,\n\
                     IT1:151_914(1.0),M,IT: Italia,UNEM_R,9,Y15-74,2019-03,10.2,p\n";
        let f = read("sdmx.csv", sdmx).unwrap();
        assert_eq!(f.layout, Layout::Sdmx);
        assert_eq!(f.tassi[0].territorio.codice_istat, "108");
        assert_eq!(
            (f.tassi[0].sesso, f.tassi[0].periodo.label().as_str()),
            (Sesso::Femmine, "2019-Q2")
        );
        assert_eq!(f.tassi[1].territorio.livello, LivelloTerritorio::Regione);
        assert_eq!(f.tassi[1].territorio_nome, "Valle d'Aosta / Vallée d'Aoste");
        // A monthly rate, with a flag kept beside its value.
        let m = &f.tassi[2];
        assert_eq!(
            (m.periodicita, m.periodo.label().as_str()),
            (Periodicity::Month, "2019-03")
        );
        assert_eq!((m.valore, m.flag.as_deref()), (Some(10.2), Some("p")));
    }

    fn refused(text: &str) -> String {
        format!("{:#}", read("x.csv", text.as_bytes()).unwrap_err())
    }

    #[test]
    fn istat_rfl_refusals_name_the_file_and_line() {
        let row =
            "\"ITE15\",\"Prato\",\"UNEM_R\",\"t\",\"9\",\"totale\",\"Y15-74\",\"15-74 anni\",\"2019\",\"2019\",6.2,,\n";
        assert_eq!(
            read("ok.csv", format!("{HEAD}{row}").as_bytes()).unwrap().tassi.len(),
            1
        );
        // (text replaced, replacement, the error expected for line 3)
        let cases = [
            ("6.2", "sei", "value \"sei\" is not a rate"),
            ("6.2", "162.5", "value \"162.5\""),
            ("\"2019\",\"2019\"", "\"2019-Q7\",\"2019\"", "period \"2019-Q7\""),
            ("\"9\"", "\"4\"", "sex \"4\""),
            ("UNEM_R", "EMP_R", "indicator \"EMP_R\""),
            ("6.2", "", "empty value without a flag"),
            ("ITE15", "ITE15", "the same cell (ITE15, sex 9, Y15-74, 2019) as line 2"),
            (",6.2,,", ",6.2", "malformed CSV"),
        ];
        for (from, to, expected) in cases {
            let e = refused(&format!("{HEAD}{row}{}", row.replacen(from, to, 1)));
            assert!(e.contains(&format!("x.csv, line 3: {expected}")), "{e}");
        }
        // Every unmapped code listed, with its first line.
        let e = refused(&format!(
            "{HEAD}{row}{}{}",
            row.replace("ITE15", "ITZ99"),
            row.replace("ITE15", "XX1").replace("2019\",\"2019", "2020\",\"2020")
        ));
        assert!(
            e.contains("x.csv: 2 territory code(s) not in the ITTER107 crosswalk"),
            "{e}"
        );
        assert!(e.contains("ITZ99 (line 3), XX1 (line 4)"), "{e}");
        // An unknown layout names the columns seen.
        let e = refused("Anno,Provincia,Tasso\n2019,Prato,6.2\n");
        assert!(e.contains("x.csv, line 1: not an ISTAT unemployment-rate export: the columns are [\"Anno\", \"Provincia\", \"Tasso\"]"), "{e}");
        assert!(refused("").contains("x.csv: the file is empty"));
        assert!(refused(HEAD).contains("no rows"));
    }
}
