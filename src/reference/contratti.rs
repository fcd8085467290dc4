//! Contracts: the tipologie contrattuali (`reference/anpal/tipologie_contrattuali.csv`), their
//! macro class (`reference/oml/macro_contratti.csv`) and the regional wordings read as aliases
//! of a tipologia (`reference/oml/etichette_contratto.csv`).

use super::embedded::{
    at_line, is_tipologia_code, Embedded, Table, ANPAL_TIPOLOGIE, OML_ETICHETTE_CONTRATTO, OML_MACRO_CONTRATTI,
};
use super::keys::{get_ci, CodeList, HashMap};
use super::{normalize_label, CodeCheck, MacroContratto, Reference, Tipologia, Validity};
use anyhow::Result;
use chrono::NaiveDate;

/// `macro_contratti.csv`: contract code → macro class.
pub(super) fn read_macro(src: &Embedded) -> Result<HashMap<String, MacroContratto>> {
    let t = Table::utf8(src)?;
    let [c_cod, c_mc] = t.cols("codice,macro_classe")?;
    let mut out = HashMap::default();
    for row in t.rows() {
        let cod = row.code(c_cod, "codice", is_tipologia_code)?;
        let mc_s = row.get(c_mc);
        let mc = MacroContratto::from_code(mc_s).ok_or_else(|| row.err(format!("unknown macro_classe '{mc_s}'")))?;
        if out.insert(cod.to_string(), mc).is_some() {
            return Err(row.err(format!("duplicate codice '{cod}'")));
        }
    }
    Ok(out)
}

/// `tipologie_contrattuali.csv`, in file order, each with its macro class from `macros` (a
/// tipologia without one is refused).
pub(super) fn read_tipologie(src: &Embedded, macros: &HashMap<String, MacroContratto>) -> Result<Vec<Tipologia>> {
    let t = Table::utf8(src)?;
    let [c_cod, c_des, c_ini, c_fine] = t.cols("cod_tipologiacontr,des_tipologiacontr,dat_inizio,dat_fine")?;
    let mut out: Vec<Tipologia> = Vec::with_capacity(t.n_rows());
    for row in t.rows() {
        let codice = row.unique_code(
            c_cod,
            "cod_tipologiacontr",
            is_tipologia_code,
            out.iter().map(|t| t.codice.as_str()),
        )?;
        let macro_classe = *macros
            .get(codice)
            .ok_or_else(|| row.err(format!("'{codice}' has no macro class in {}", OML_MACRO_CONTRATTI.path)))?;
        out.push(Tipologia {
            codice: codice.to_string(),
            descrizione: row.text(c_des, "des_tipologiacontr")?.to_string(),
            validity: Validity {
                from: row.date(c_ini, "dat_inizio")?,
                to: row.date(c_fine, "dat_fine")?,
            },
            macro_classe,
        });
    }
    Ok(out)
}

/// A row of `etichette_contratto.csv`: a regional wording of a tipologia.
pub(super) struct Etichetta {
    line: u64,
    /// Normalised wording.
    label: String,
    codice: String,
}

/// `etichette_contratto.csv`, in file order.
pub(super) fn read_etichette(src: &Embedded) -> Result<Vec<Etichetta>> {
    let t = Table::utf8(src)?;
    let [c_lab, c_cod, _] = t.cols("etichetta,cod_tipologiacontr,nota")?;
    let mut out = Vec::with_capacity(t.n_rows());
    for row in t.rows() {
        out.push(Etichetta {
            line: row.line(),
            label: normalize_label(row.text(c_lab, "etichetta")?),
            codice: row.code(c_cod, "cod_tipologiacontr", is_tipologia_code)?.to_string(),
        });
    }
    Ok(out)
}

/// The tipologie with their lookup keys, and the macro class of every contract code.
pub(super) struct Contratti {
    /// By code, in file order.
    tipologie: CodeList<Tipologia>,
    /// Exact official label → tipologie sharing it.
    by_label: HashMap<String, Vec<usize>>,
    /// Normalised official labels and the regional wordings.
    by_norm_label: HashMap<String, Vec<usize>>,
    macro_contratti: HashMap<String, MacroContratto>,
}

impl Contratti {
    pub(super) fn build(
        tipologie: Vec<Tipologia>,
        etichette: &[Etichetta],
        macro_contratti: HashMap<String, MacroContratto>,
    ) -> Result<Contratti> {
        let mut c = Contratti {
            tipologie: CodeList::new(tipologie, |t| &t.codice),
            by_label: HashMap::default(),
            by_norm_label: HashMap::default(),
            macro_contratti,
        };
        for (i, t) in c.tipologie.items().iter().enumerate() {
            c.by_label.entry(t.descrizione.clone()).or_default().push(i);
            c.by_norm_label
                .entry(normalize_label(&t.descrizione))
                .or_default()
                .push(i);
        }
        // Wordings of regional open data that are not the official label: aliases of a code.
        for e in etichette {
            let err = |msg: String| at_line(OML_ETICHETTE_CONTRATTO.path, e.line, msg);
            let i = c
                .tipologie
                .index_of(&e.codice)
                .ok_or_else(|| err(format!("'{}' is not a tipologia of {}", e.codice, ANPAL_TIPOLOGIE.path)))?;
            if c.by_norm_label.insert(e.label.clone(), vec![i]).is_some() {
                return Err(err(format!("'{}' is already a label", e.label)));
            }
        }
        Ok(c)
    }
}

impl Reference {
    /// A tipologia contrattuale checked against `date` (both ends inclusive).
    pub fn tipologia(&self, codice: &str, date: NaiveDate) -> CodeCheck<&Tipologia> {
        self.contratti.tipologie.at(codice, date)
    }

    /// A tipologia contrattuale whatever the date.
    pub fn tipologia_any(&self, codice: &str) -> Option<&Tipologia> {
        self.contratti.tipologie.get(codice)
    }

    /// A tipologia by its label: the exact official label first (double spaces and `’`
    /// included), then the normalised label (mixed case, single spaces, `'`). When several
    /// codes share the label, the one valid at `date`; if none is, the most recent one, as
    /// `NotValidAtDate`.
    pub fn tipologia_by_label(&self, label: &str, date: NaiveDate) -> CodeCheck<&Tipologia> {
        let c = &self.contratti;
        let tipologie = c.tipologie.items();
        let exact = label.trim();
        let hits = match c.by_label.get(exact) {
            Some(v) => v,
            None => match c.by_norm_label.get(&normalize_label(exact)) {
                Some(v) => v,
                None => return CodeCheck::Unknown,
            },
        };
        if let Some(&i) = hits.iter().find(|&&i| tipologie[i].validity.contains(date)) {
            return CodeCheck::Valid(&tipologie[i]);
        }
        hits.iter()
            .max_by_key(|&&i| (tipologie[i].validity.to, tipologie[i].validity.from))
            .map_or(CodeCheck::Unknown, |&i| CodeCheck::NotValidAtDate(&tipologie[i]))
    }

    /// The 52 tipologie of `TAB_RAPPORTILAVORO`, in file order (by code).
    pub fn tipologie(&self) -> &[Tipologia] {
        self.contratti.tipologie.items()
    }

    /// Macro class of any contract code of `reference/oml/macro_contratti.csv`: the 52
    /// tipologie plus `A.09.00` (lavoro accessorio) and `N.01.00`, which are not in
    /// `TAB_RAPPORTILAVORO`.
    pub fn macro_contratto(&self, codice: &str) -> Option<MacroContratto> {
        get_ci(&self.contratti.macro_contratti, codice).copied()
    }
}
