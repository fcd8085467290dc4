//! Citizenships (`reference/anpal/cittadinanze.csv`) and the dated EU membership changes that
//! the undated ANPAL flag misses (`reference/oml/cittadinanze_ue.csv`).
//!
//! The same table gives the foreign states by Belfiore code (`cod_mf`, `Z###`).

use super::embedded::{at_line, is_belfiore, is_digits, Embedded, Table, ANPAL_CITTADINANZE, OML_CITTADINANZE_UE};
use super::keys::{get_ci, CodeList, HashMap};
use super::{normalize_label, AreaCittadinanza, Cittadinanza, CodeCheck, Reference, Validity};
use anyhow::Result;
use chrono::NaiveDate;

/// A row of `cittadinanze.csv`: the citizenship and its nationality adjective
/// (`des_nazionalita`, a lookup key).
pub(super) struct Riga {
    cittadinanza: Cittadinanza,
    nazionalita: String,
}

/// `cittadinanze.csv`, in file order. Area: `000` ITALIA, `999` APOLIDE, else `flg_ue` S → UE,
/// N → EXTRA_UE.
pub(super) fn read(src: &Embedded) -> Result<Vec<Riga>> {
    let t = Table::utf8(src)?;
    let [c_cod, c_mf, c_des, c_ue, c_ini, c_naz, c_fine] =
        t.cols("cod_cittadinanza,cod_mf,des_cittadinanza,flg_ue,dat_inizio,des_nazionalita,dat_fine")?;
    let mut out: Vec<Riga> = Vec::with_capacity(t.n_rows());
    for row in t.rows() {
        let codes = out.iter().map(|r| r.cittadinanza.codice.as_str());
        let codice = row.unique_code(c_cod, "cod_cittadinanza", |s| is_digits(s, 3), codes)?;
        let cod_mf = row.get(c_mf);
        if !(cod_mf.is_empty() || cod_mf == "0000" || (is_belfiore(cod_mf) && cod_mf.starts_with('Z'))) {
            return Err(row.err(format!("malformed cod_mf '{cod_mf}'")));
        }
        if !cod_mf.is_empty() && out.iter().any(|r| r.cittadinanza.cod_mf == cod_mf) {
            return Err(row.err(format!("duplicate cod_mf '{cod_mf}'")));
        }
        let area = match (codice, row.get(c_ue)) {
            ("000", _) => AreaCittadinanza::Italia,
            ("999", _) => AreaCittadinanza::Apolide,
            (_, "S") => AreaCittadinanza::Ue,
            (_, "N") => AreaCittadinanza::ExtraUe,
            (_, f) => return Err(row.err(format!("flg_ue must be S or N, found '{f}'"))),
        };
        let cittadinanza = Cittadinanza {
            codice: codice.to_string(),
            cod_mf: cod_mf.to_string(),
            descrizione: row.text(c_des, "des_cittadinanza")?.to_string(),
            area,
            validity: Validity {
                from: row.date(c_ini, "dat_inizio")?,
                to: row.date(c_fine, "dat_fine")?,
            },
        };
        out.push(Riga {
            cittadinanza,
            nazionalita: row.get(c_naz).to_string(),
        });
    }
    Ok(out)
}

/// A row of `cittadinanze_ue.csv`: when a citizenship flagged UE by ANPAL was in the EU.
pub(super) struct PeriodoUe {
    line: u64,
    codice: String,
    descrizione: String,
    ue: Validity,
}

/// `cittadinanze_ue.csv`, in file order.
pub(super) fn read_ue(src: &Embedded) -> Result<Vec<PeriodoUe>> {
    let t = Table::utf8(src)?;
    let [c_cod, c_des, c_dal, c_al, _] = t.cols("cod_cittadinanza,des_cittadinanza,ue_dal,ue_al,fonte")?;
    let mut out: Vec<PeriodoUe> = Vec::new();
    for row in t.rows() {
        let codice = row.unique_code(
            c_cod,
            "cod_cittadinanza",
            |s| is_digits(s, 3),
            out.iter().map(|p| p.codice.as_str()),
        )?;
        let ue = Validity {
            from: row.date(c_dal, "ue_dal")?,
            to: row.date(c_al, "ue_al")?,
        };
        if ue == Validity::default() {
            return Err(row.err("ue_dal and ue_al both empty"));
        }
        out.push(PeriodoUe {
            line: row.line(),
            codice: codice.to_string(),
            descrizione: row.text(c_des, "des_cittadinanza")?.to_string(),
            ue,
        });
    }
    Ok(out)
}

/// The citizenships with their lookup keys.
pub(super) struct Cittadinanze {
    /// By 3-digit code, in file order.
    list: CodeList<Cittadinanza>,
    by_mf: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
    /// Code → EU membership period, for the codes whose membership changed in the CO era.
    ue: HashMap<String, Validity>,
}

impl Cittadinanze {
    pub(super) fn build(rows: Vec<Riga>, periodi_ue: Vec<PeriodoUe>) -> Result<Cittadinanze> {
        let (list, nazionalita): (Vec<Cittadinanza>, Vec<String>) =
            rows.into_iter().map(|r| (r.cittadinanza, r.nazionalita)).unzip();
        let mut c = Cittadinanze {
            by_mf: list
                .iter()
                .enumerate()
                .filter(|(_, x)| !x.cod_mf.is_empty())
                .map(|(i, x)| (x.cod_mf.clone(), i))
                .collect(),
            list: CodeList::padded(list, 3, |x| &x.codice),
            by_name: HashMap::default(),
            ue: HashMap::default(),
        };
        let list = c.list.items();
        // Name keys by priority: open-ended codes before closed ones; state names, then
        // nationalities, then the parts of "SERBA / MONTENEGRINA".
        let mut order: Vec<usize> = (0..list.len()).collect();
        order.sort_by_key(|&i| list[i].validity.to.is_some());
        let mut keys: Vec<(String, usize)> = Vec::new();
        for &i in &order {
            keys.push((normalize_label(&list[i].descrizione), i));
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
                c.by_name.entry(k).or_insert(i);
            }
        }
        // EU periods: only for citizenships that ANPAL flags UE, so that inside the period the
        // ANPAL area holds.
        for p in periodi_ue {
            match c.list.get(&p.codice) {
                Some(x) if x.descrizione == p.descrizione && x.area == AreaCittadinanza::Ue => {
                    c.ue.insert(p.codice, p.ue);
                }
                _ => {
                    return Err(at_line(
                        OML_CITTADINANZE_UE.path,
                        p.line,
                        format!(
                            "'{} {}' is not a citizenship flagged UE in {}",
                            p.codice, p.descrizione, ANPAL_CITTADINANZE.path
                        ),
                    ))
                }
            }
        }
        Ok(c)
    }
}

impl Cittadinanza {
    /// Area at an event date. The ANPAL table (2022) flags membership without dates;
    /// `reference/oml/cittadinanze_ue.csv` dates the two changes of the CO era: Croatia is EU
    /// from 2013-07-01, the United Kingdom is extra-EU from 2020-02-01. Every other code
    /// returns [`Cittadinanza::area`].
    pub fn area_at(&self, date: NaiveDate) -> AreaCittadinanza {
        match Reference::get().cittadinanze.ue.get(self.codice.as_str()) {
            Some(ue) if !ue.contains(date) => AreaCittadinanza::ExtraUe,
            _ => self.area,
        }
    }
}

impl Reference {
    /// A citizenship by 3-digit Ministry code (`"000"`, `"235"`; unpadded `"0"` accepted).
    pub fn cittadinanza(&self, codice: &str, date: NaiveDate) -> CodeCheck<&Cittadinanza> {
        self.cittadinanze.list.at(codice, date)
    }

    /// A citizenship by state name (`des_cittadinanza`) or nationality (`des_nazionalita`),
    /// normalised: `"ITALIA"`, `"Romania"`, `"marocchina"`. Open-ended codes win over closed
    /// ones sharing a name.
    pub fn cittadinanza_by_name(&self, nome: &str) -> Option<&Cittadinanza> {
        let c = &self.cittadinanze;
        c.by_name.get(&normalize_label(nome)).map(|&i| &c.list.items()[i])
    }

    /// The citizenships whose area changed in the CO era, with their EU membership period
    /// (`reference/oml/cittadinanze_ue.csv`; outside it the area is EXTRA_UE), by code.
    pub fn periodi_ue(&self) -> Vec<(&str, Validity)> {
        let mut v: Vec<(&str, Validity)> = self.cittadinanze.ue.iter().map(|(k, p)| (k.as_str(), *p)).collect();
        v.sort_by_key(|(k, _)| *k);
        v
    }

    /// The 199 citizenships, in file order.
    pub fn cittadinanze(&self) -> &[Cittadinanza] {
        self.cittadinanze.list.items()
    }

    /// Foreign state by Belfiore code `Z###` (via `cittadinanze.cod_mf`); also `0000` Italia.
    pub fn stato_estero(&self, cod_mf: &str) -> Option<&Cittadinanza> {
        get_ci(&self.cittadinanze.by_mf, cod_mf).map(|&i| &self.cittadinanze.list.items()[i])
    }
}
