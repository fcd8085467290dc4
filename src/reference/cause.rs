//! Cause di cessazione (`reference/oml/cause_cessazione.csv`, project table: 7 codes verified
//! in COMONL, the others provisional) and their macro class.

use super::embedded::{is_sigla, Embedded, Table};
use super::keys::CodeList;
use super::{CausaCessazione, MacroCausa, Reference};
use anyhow::Result;

/// The groups of the Ministry of Labour's CO note (`gruppo_ministero` column, reference/README.md),
/// in the order the tables list them; a cessazione imputed at the expected end is FINE_TERMINE, a
/// missing or unknown code ALTRE_CAUSE.
pub const GRUPPI_MINISTERO: [&str; 6] = [
    "RICHIESTA_LAVORATORE",
    "LICENZIAMENTO",
    "CESSAZIONE_ATTIVITA",
    "ALTRO_DATORE",
    "FINE_TERMINE",
    "ALTRE_CAUSE",
];

/// `cause_cessazione.csv`, in file order.
pub(super) fn read(src: &Embedded) -> Result<Vec<CausaCessazione>> {
    let t = Table::utf8(src)?;
    let [c_cod, c_des, c_mc, c_ver, c_gm] = t.cols("codice,descrizione,macro_causa,verificato,gruppo_ministero")?;
    let mut out: Vec<CausaCessazione> = Vec::with_capacity(t.n_rows());
    for row in t.rows() {
        let codice = row.unique_code(c_cod, "codice", is_sigla, out.iter().map(|x| x.codice.as_str()))?;
        let mc_s = row.get(c_mc);
        let macro_causa = match MacroCausa::from_code(mc_s) {
            Some(MacroCausa::NonClassificata) | None => {
                return Err(row.err(format!(
                    "macro_causa must be DIMISSIONI, LICENZIAMENTO, FINE_TERMINE or ALTRO, found '{mc_s}'"
                )))
            }
            Some(m) => m,
        };
        let gruppo = row.get(c_gm);
        let Some(&gruppo_ministero) = GRUPPI_MINISTERO.iter().find(|g| **g == gruppo) else {
            return Err(row.err(format!(
                "gruppo_ministero must be one of {}, found '{gruppo}'",
                GRUPPI_MINISTERO.join(", ")
            )));
        };
        out.push(CausaCessazione {
            gruppo_ministero,
            codice: codice.to_string(),
            descrizione: row.text(c_des, "descrizione")?.to_string(),
            macro_causa,
            verificato: row.boolean(c_ver, "verificato")?,
        });
    }
    Ok(out)
}

/// The codes, keyed.
pub(super) fn build(rows: Vec<CausaCessazione>) -> CodeList<CausaCessazione> {
    CodeList::new(rows, |c| &c.codice)
}

impl Reference {
    /// Macro class of a causa di cessazione; `NonClassificata` when empty or not in the table.
    pub fn causa_cessazione(&self, codice: &str) -> MacroCausa {
        self.cause
            .get(codice)
            .map_or(MacroCausa::NonClassificata, |c| c.macro_causa)
    }

    /// The full row of a causa di cessazione.
    pub fn causa_cessazione_any(&self, codice: &str) -> Option<&CausaCessazione> {
        self.cause.get(codice)
    }

    /// The cause di cessazione of the project table, in table order.
    pub fn cause_cessazione(&self) -> &[CausaCessazione] {
        self.cause.items()
    }
}
