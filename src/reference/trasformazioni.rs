//! Trasformazione codes (`reference/oml/trasformazioni.csv`, project table from COMONL), with
//! the flag of those that turn a contract into tempo indeterminato.

use super::embedded::{is_sigla, Embedded, Table};
use super::keys::CodeList;
use super::{Reference, Trasformazione};
use anyhow::Result;

/// `trasformazioni.csv`, in file order.
pub(super) fn read(src: &Embedded) -> Result<Vec<Trasformazione>> {
    let t = Table::utf8(src)?;
    let [c_cod, c_des, c_ti, _] = t.cols("codice,descrizione,verso_ti,fonte")?;
    let mut out: Vec<Trasformazione> = Vec::with_capacity(t.n_rows());
    for row in t.rows() {
        let codice = row.unique_code(c_cod, "codice", is_sigla, out.iter().map(|x| x.codice.as_str()))?;
        out.push(Trasformazione {
            codice: codice.to_string(),
            descrizione: row.text(c_des, "descrizione")?.to_string(),
            verso_ti: row.boolean(c_ti, "verso_ti")?,
        });
    }
    Ok(out)
}

/// The codes, keyed.
pub(super) fn build(rows: Vec<Trasformazione>) -> CodeList<Trasformazione> {
    CodeList::new(rows, |t| &t.codice)
}

impl Reference {
    /// A trasformazione code (`DI`, `AI`, …; any case).
    pub fn trasformazione(&self, codice: &str) -> Option<&Trasformazione> {
        self.trasformazioni.get(codice)
    }

    /// The trasformazione codes, in table order.
    pub fn trasformazioni(&self) -> &[Trasformazione] {
        self.trasformazioni.items()
    }
}
