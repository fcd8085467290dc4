//! The spellings of INPS open data (CIG, fondi di solidarietà, integrazioni salariali) mapped
//! to codes: regions (`reference/oml/inps_regioni.csv`: ISTAT, INPS format A, INPS format B
//! UPPER_SNAKE and ANPAL spellings → ISTAT region code, `IT` for Italy), sectors / gestioni
//! (`oml/inps_settori.csv`), types of intervention (`oml/inps_interventi.csv`) and Italian month
//! names (`oml/mesi.csv`). Every spelling is matched after [`normalize_label`], so case,
//! accents, apostrophes, `_` and `-` do not matter; two spellings that normalise alike must
//! give the same code.

use super::embedded::{is_digits, Embedded, Table};
use super::keys::HashMap;
use super::{normalize_label, Reference};
use anyhow::Result;

/// A coded value of an INPS table (sector or type of intervention).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoceInps {
    /// The spelling, as the file of `reference/oml/` writes it.
    pub grafia: String,
    /// Code stored in the lake, e.g. `INDUSTRIA`, `CIGO`.
    pub codice: String,
    pub etichetta: String,
}

/// The INPS spellings, keyed by their normalised form.
#[derive(Default)]
pub(super) struct Inps {
    regioni: Vec<(String, String)>,
    /// The `fonte` of each spelling of `regioni` (`"ISTAT; INPS formato A"`).
    fonti_regioni: Vec<String>,
    regione_by_label: HashMap<String, usize>,
    settori: Vec<VoceInps>,
    settore_by_label: HashMap<String, usize>,
    interventi: Vec<VoceInps>,
    intervento_by_label: HashMap<String, usize>,
    mesi: Vec<(String, u32)>,
    mese_by_label: HashMap<String, usize>,
}

/// Reads a `grafia,<code>[,label]` file; checks that a normalised spelling never has two codes.
fn read_pairs(
    src: &Embedded,
    code_col: &str,
    label_col: Option<&str>,
    ok: impl Fn(&str) -> bool,
) -> Result<Vec<(String, String, String)>> {
    let t = Table::utf8(src)?;
    let c_graf = t.col("grafia")?;
    let c_cod = t.col(code_col)?;
    let c_lab = label_col.map(|l| t.col(l)).transpose()?;
    let mut seen: HashMap<String, String> = HashMap::default();
    let mut out = Vec::with_capacity(t.n_rows());
    for row in t.rows() {
        let grafia = row.text(c_graf, "grafia")?;
        let codice = row.code(c_cod, code_col, &ok)?;
        let etichetta = match c_lab {
            Some(c) => row.text(c, label_col.unwrap_or_default())?.to_string(),
            None => String::new(),
        };
        let key = normalize_label(grafia);
        if key.is_empty() {
            return Err(row.err(format!("grafia '{grafia}' has no letter or digit")));
        }
        if let Some(prev) = seen.insert(key, codice.to_string()) {
            if prev != codice {
                return Err(row.err(format!(
                    "grafia '{grafia}' normalises like an earlier one with code '{prev}', here '{codice}'"
                )));
            }
        }
        out.push((grafia.to_string(), codice.to_string(), etichetta));
    }
    Ok(out)
}

fn is_upper_code(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
}

/// `inps_regioni.csv`: (spelling, ISTAT region code or `IT`, sources that use the spelling).
pub(super) fn read_regioni(src: &Embedded) -> Result<Vec<(String, String, String)>> {
    read_pairs(src, "regione_istat", Some("fonte"), |s| is_digits(s, 2) || s == "IT")
}

/// `inps_settori.csv` or `inps_interventi.csv`.
pub(super) fn read_voci(src: &Embedded) -> Result<Vec<VoceInps>> {
    Ok(read_pairs(src, "codice", Some("etichetta"), is_upper_code)?
        .into_iter()
        .map(|(grafia, codice, etichetta)| VoceInps {
            grafia,
            codice,
            etichetta,
        })
        .collect())
}

/// `mesi.csv`: (spelling, month 1–12).
pub(super) fn read_mesi(src: &Embedded) -> Result<Vec<(String, u32)>> {
    read_pairs(src, "mese", None, |s| matches!(s.parse::<u32>(), Ok(1..=12)))?
        .into_iter()
        .map(|(g, c, _)| Ok((g, c.parse()?)))
        .collect()
}

fn keyed<T>(items: &[T], grafia: impl Fn(&T) -> &str) -> HashMap<String, usize> {
    let mut m = HashMap::default();
    for (i, it) in items.iter().enumerate() {
        m.entry(normalize_label(grafia(it))).or_insert(i);
    }
    m
}

impl Inps {
    pub(super) fn build(
        regioni: Vec<(String, String, String)>,
        settori: Vec<VoceInps>,
        interventi: Vec<VoceInps>,
        mesi: Vec<(String, u32)>,
    ) -> Inps {
        Inps {
            regione_by_label: keyed(&regioni, |r| &r.0),
            fonti_regioni: regioni.iter().map(|r| r.2.clone()).collect(),
            settore_by_label: keyed(&settori, |s| &s.grafia),
            intervento_by_label: keyed(&interventi, |s| &s.grafia),
            mese_by_label: keyed(&mesi, |m| &m.0),
            regioni: regioni.into_iter().map(|(g, c, _)| (g, c)).collect(),
            settori,
            interventi,
            mesi,
        }
    }
}

impl Reference {
    /// The ISTAT region code (`"02"`; `"IT"` for Italy as a whole) of an INPS, ISTAT or ANPAL
    /// region spelling (`"Valle d'Aosta/Vallee d'Aoste"`, `"VALLE_D'AOSTA"`, `"VAL D'AOSTA"`).
    pub fn inps_regione(&self, grafia: &str) -> Option<&str> {
        let i = self.inps.regione_by_label.get(&normalize_label(grafia))?;
        Some(&self.inps.regioni[*i].1)
    }

    /// A sector / gestione / ramo of an INPS table (`"Industria"`, `"ex Enti Pubblici"`).
    pub fn inps_settore(&self, grafia: &str) -> Option<&VoceInps> {
        let i = self.inps.settore_by_label.get(&normalize_label(grafia))?;
        Some(&self.inps.settori[*i])
    }

    /// A type of intervention of an INPS table (`"CIGO"`, `"In deroga"`, `"Altri fondi"`).
    pub fn inps_intervento(&self, grafia: &str) -> Option<&VoceInps> {
        let i = self.inps.intervento_by_label.get(&normalize_label(grafia))?;
        Some(&self.inps.interventi[*i])
    }

    /// The month (1–12) of an Italian month name or its abbreviation (`"Gennaio"`, `"gen"`),
    /// any case.
    pub fn mese(&self, grafia: &str) -> Option<u32> {
        let i = self.inps.mese_by_label.get(&normalize_label(grafia))?;
        Some(self.inps.mesi[*i].1)
    }

    /// The spelling a source gives a region: `fonte` is one of the sources the file's `fonte`
    /// column lists (`"INPS formato A"`, `"INPS formato B"`), `regione_istat` an ISTAT region
    /// code or `IT`. The synthetic INPS files are written with it.
    pub fn inps_grafia_regione(&self, regione_istat: &str, fonte: &str) -> Option<&str> {
        self.inps
            .regioni
            .iter()
            .zip(&self.inps.fonti_regioni)
            .find(|((_, c), f)| c == regione_istat && f.split(';').any(|x| x.trim() == fonte))
            .map(|((g, _), _)| g.as_str())
    }

    /// Every region spelling of `inps_regioni.csv` with its code, in file order.
    pub fn inps_regioni(&self) -> &[(String, String)] {
        &self.inps.regioni
    }

    /// Every sector spelling of `inps_settori.csv`, in file order.
    pub fn inps_settori(&self) -> &[VoceInps] {
        &self.inps.settori
    }

    /// Every intervention spelling of `inps_interventi.csv`, in file order.
    pub fn inps_interventi(&self) -> &[VoceInps] {
        &self.inps.interventi
    }

    /// Every month spelling of `mesi.csv`, in file order.
    pub fn mesi(&self) -> &[(String, u32)] {
        &self.inps.mesi
    }
}
