//! The code lists of the labour information system's individual records
//! (`reference/oml/registri_codici.csv`): DID events, service points, `TAB_STATUSOCCUPAZ`,
//! `DEC_CAUSA_FINE_DID`, suspension causes, benefits, the types of ammortizzatore of the CIG
//! workers' layout, `TAB_LISTESPECIALI`, `DEC_TIPO_EVENTO_MOBILITA` and
//! `DEC_CAUSA_EVENTO_MOBILITA` (DOMAIN.md §5). One file, one row per (list, code), so a list
//! that changes is a data change; `sources::registri` checks every coded field against it.

use super::embedded::{Embedded, Table};
use super::Reference;
use anyhow::Result;
use std::collections::BTreeMap;

/// The lists: list name → code → description.
pub(super) type Liste = BTreeMap<String, BTreeMap<String, String>>;

/// `registri_codici.csv`: refuses an empty field or a code given twice in a list.
pub(super) fn read(src: &Embedded) -> Result<Liste> {
    let t = Table::utf8(src)?;
    let [c_tab, c_cod, c_des, c_fonte] = t.cols("tabella,codice,descrizione,fonte")?;
    let mut out = Liste::new();
    for row in t.rows() {
        let tabella = row.text(c_tab, "tabella")?;
        let codice = row.text(c_cod, "codice")?;
        row.text(c_fonte, "fonte")?;
        let list = out.entry(tabella.to_string()).or_default();
        if list
            .insert(codice.to_string(), row.text(c_des, "descrizione")?.to_string())
            .is_some()
        {
            return Err(row.err(format!("duplicate codice '{codice}' in {tabella}")));
        }
    }
    Ok(out)
}

impl Reference {
    /// The description of `codice` in the list `tabella` (e.g. `DEC_CAUSA_FINE_DID`, `03`).
    pub fn codice_registro(&self, tabella: &str, codice: &str) -> Option<&str> {
        self.registri.get(tabella)?.get(codice).map(String::as_str)
    }

    /// The codes of a list, sorted (empty for an unknown list).
    pub fn codici_registro(&self, tabella: &str) -> Vec<&str> {
        self.registri
            .get(tabella)
            .map(|l| l.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }
}
