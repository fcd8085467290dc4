//! The ISTAT list of current comuni (`reference/istat_elenco_comuni_italiani.csv`).
//!
//! The authoritative source for every comune it lists: codes, names, province (UTS) and
//! region. Read here into comuni, provinces and regions; [`super::comuni`] and
//! [`super::territorio`] merge them with the ANPAL tables.

use super::embedded::{is_belfiore, is_digits, is_sigla, Embedded, Table};
use super::keys::HashMap;
use super::{Comune, Provincia, Validity};
use anyhow::Result;

/// What the ISTAT list yields.
pub(super) struct IstatData {
    /// Every row, sorted by ISTAT code.
    pub(super) comuni: Vec<Comune>,
    /// (provincia, UTS code), sorted by ISTAT province code.
    pub(super) province: Vec<(Provincia, String)>,
    /// (code, name), sorted by code.
    pub(super) regioni: Vec<(String, String)>,
}

/// Reads the ISTAT list: Windows-1252, `;`-separated, columns found by header prefix.
pub(super) fn read(src: &Embedded) -> Result<IstatData> {
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(src.bytes);
    let t = Table::parse(src.path, &text, b';')?;
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

    let mut comuni = Vec::with_capacity(t.n_rows());
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
        let nome = row.text(c_nome, "Denominazione in italiano")?;
        let nome_reg = row.text(c_nome_reg, "Denominazione Regione")?;
        let nome_uts = row.text(c_nome_uts, "Denominazione UTS")?;
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
