//! Comune → Centro per l'impiego catchments (`reference/oml/cpi_comuni.csv`, project table,
//! illustrative), checked against the ISTAT list.

use super::comuni::Comuni;
use super::embedded::{at_line, is_belfiore, is_digits, Embedded, Table, OML_CPI};
use super::keys::{get_padded, HashMap};
use super::{Comune, Cpi, Reference};
use anyhow::{anyhow, Result};

/// A row of `cpi_comuni.csv`.
pub(super) struct Assegnazione {
    line: u64,
    comune_istat: String,
    belfiore: String,
    comune: String,
    cpi: Cpi,
}

/// `cpi_comuni.csv`, in file order.
pub(super) fn read(src: &Embedded) -> Result<Vec<Assegnazione>> {
    let t = Table::utf8(src)?;
    let [c_istat, c_bf, c_nome_c, c_cod, c_nome, c_ill] =
        t.cols("comune_istat,belfiore,comune,cpi_codice,cpi_nome,illustrativo")?;
    let mut out: Vec<Assegnazione> = Vec::with_capacity(t.n_rows());
    for row in t.rows() {
        let istat = row.unique_code(
            c_istat,
            "comune_istat",
            |s| is_digits(s, 6),
            out.iter().map(|a| a.comune_istat.as_str()),
        )?;
        out.push(Assegnazione {
            line: row.line(),
            comune_istat: istat.to_string(),
            belfiore: row.code(c_bf, "belfiore", is_belfiore)?.to_string(),
            comune: row.get(c_nome_c).to_string(),
            cpi: Cpi {
                codice: row.text(c_cod, "cpi_codice")?.to_string(),
                nome: row.text(c_nome, "cpi_nome")?.to_string(),
                illustrativo: row.boolean(c_ill, "illustrativo")?,
            },
        });
    }
    Ok(out)
}

/// The distinct CPIs and the CPI of each comune.
pub(super) struct Cpis {
    /// Sorted by code.
    list: Vec<Cpi>,
    by_comune: HashMap<String, usize>,
}

impl Cpis {
    /// Every row must name a current ISTAT comune (code, Belfiore and name) and describe its
    /// CPI as the other rows do.
    pub(super) fn build(rows: Vec<Assegnazione>, comuni: &Comuni) -> Result<Cpis> {
        let mut list: Vec<Cpi> = Vec::new();
        for a in &rows {
            let err = |msg: String| at_line(OML_CPI.path, a.line, msg);
            let comune: &Comune = comuni
                .by_istat(&a.comune_istat)
                .filter(|c| c.validity.to.is_none())
                .ok_or_else(|| err(format!("'{}' is not a current ISTAT comune", a.comune_istat)))?;
            if comune.belfiore != a.belfiore || comune.nome != a.comune {
                return Err(err(format!(
                    "'{}' is {} {} in the ISTAT list, not {} {}",
                    a.comune_istat, comune.belfiore, comune.nome, a.belfiore, a.comune
                )));
            }
            match list.iter().find(|c| c.codice == a.cpi.codice) {
                Some(c) if *c != a.cpi => {
                    return Err(err(format!("CPI '{}' described inconsistently", a.cpi.codice)));
                }
                Some(_) => {}
                None => list.push(a.cpi.clone()),
            }
        }
        list.sort_by(|a, b| a.codice.cmp(&b.codice));
        let pos: HashMap<&str, usize> = list.iter().enumerate().map(|(i, c)| (c.codice.as_str(), i)).collect();
        let mut by_comune = HashMap::default();
        for a in rows {
            let i = *pos
                .get(a.cpi.codice.as_str())
                .ok_or_else(|| anyhow!("{}: CPI '{}' lost", OML_CPI.path, a.cpi.codice))?;
            by_comune.insert(a.comune_istat, i);
        }
        Ok(Cpis { list, by_comune })
    }

    /// Number of comuni with a CPI.
    pub(super) fn n_comuni(&self) -> usize {
        self.by_comune.len()
    }
}

impl Reference {
    /// The CPI whose catchment holds the comune with this ISTAT code (`reference/oml/cpi_comuni.csv`).
    pub fn cpi(&self, comune_istat: &str) -> Option<&Cpi> {
        get_padded(&self.cpi.by_comune, comune_istat, 6).map(|&i| &self.cpi.list[i])
    }

    /// The distinct CPIs of the table, sorted by code.
    pub fn cpis(&self) -> &[Cpi] {
        &self.cpi.list
    }

    /// The province of each CPI of the table (that of the comuni of its catchment), by CPI code:
    /// the territory of the records that carry a CPI and no comune (DID, mobility lists).
    pub fn cpi_province(&self) -> Vec<(&Cpi, &super::Provincia)> {
        let mut out: Vec<(&Cpi, &super::Provincia)> = Vec::new();
        for (istat, &i) in &self.cpi.by_comune {
            let cpi = &self.cpi.list[i];
            if out.iter().any(|(c, _)| c.codice == cpi.codice) {
                continue;
            }
            if let Some(p) = self
                .comuni()
                .iter()
                .find(|c| &c.istat == istat)
                .and_then(|c| self.provincia_of(c))
            {
                out.push((cpi, p));
            }
        }
        out.sort_by(|a, b| a.0.codice.cmp(&b.0.codice));
        out
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
