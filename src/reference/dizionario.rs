//! The data dictionary of the lake's views (`reference/oml/dizionario.csv`): what each view is and
//! what each of its columns means, in Italian, one row per view (`colonna` empty), per column
//! (`vista` empty: the meaning wherever the column appears) or per column of one view (where it
//! means something else there, e.g. `stato` of `carriere` and of a mart). `oml catalog` writes
//! it into the DuckDB catalog as `COMMENT ON`; a test holds it complete against the views of a
//! built lake, and free of rows for views or columns that no longer exist.

use super::embedded::{Embedded, Table};
use super::Reference;
use anyhow::Result;
use std::collections::BTreeMap;

/// The descriptions: of the views, of the columns wherever they appear, of the columns of one view.
#[derive(Debug, Default)]
pub(super) struct Dizionario {
    viste: BTreeMap<String, String>,
    colonne: BTreeMap<String, String>,
    per_vista: BTreeMap<(String, String), String>,
}

impl Dizionario {
    /// Rows read (the reference tests count them).
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.viste.len() + self.colonne.len() + self.per_vista.len()
    }
}

/// `dizionario.csv`: refuses an empty description, a row with neither view nor column, and a
/// row given twice.
pub(super) fn read(src: &Embedded) -> Result<Dizionario> {
    let t = Table::utf8(src)?;
    let [c_vista, c_col, c_des] = t.cols("vista,colonna,descrizione")?;
    let mut d = Dizionario::default();
    for row in t.rows() {
        let vista = row.get(c_vista).trim();
        let colonna = row.get(c_col).trim();
        let des = row.text(c_des, "descrizione")?.to_string();
        let dup = match (vista.is_empty(), colonna.is_empty()) {
            (true, true) => return Err(row.err("neither vista nor colonna".to_string())),
            (false, true) => d.viste.insert(vista.to_string(), des),
            (true, false) => d.colonne.insert(colonna.to_string(), des),
            (false, false) => d.per_vista.insert((vista.to_string(), colonna.to_string()), des),
        };
        if dup.is_some() {
            return Err(row.err(format!("'{vista}' '{colonna}' given twice")));
        }
    }
    Ok(d)
}

impl Reference {
    /// What the view `vista` is.
    pub fn descrizione_vista(&self, vista: &str) -> Option<&str> {
        self.dizionario.viste.get(vista).map(String::as_str)
    }

    /// What the column `colonna` of the view `vista` means: the view's own row, else the
    /// column's.
    pub fn descrizione_colonna(&self, vista: &str, colonna: &str) -> Option<&str> {
        self.dizionario
            .per_vista
            .get(&(vista.to_string(), colonna.to_string()))
            .or_else(|| self.dizionario.colonne.get(colonna))
            .map(String::as_str)
    }

    /// Every (view, column) the dictionary names, the view's rows with an empty column: for the
    /// test that no row outlives its view or column.
    pub fn voci_dizionario(&self) -> Vec<(Option<&str>, Option<&str>)> {
        let viste = self.dizionario.viste.keys().map(|v| (Some(v.as_str()), None));
        let colonne = self.dizionario.colonne.keys().map(|c| (None, Some(c.as_str())));
        let per_vista = self
            .dizionario
            .per_vista
            .keys()
            .map(|(v, c)| (Some(v.as_str()), Some(c.as_str())));
        viste.chain(colonne).chain(per_vista).collect()
    }
}
