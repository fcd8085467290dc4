//! The ITTER107 territory codes of ISTAT's I.Stat / IstatData exports crosswalked to today's
//! territories (`reference/oml/itter107_territori.csv`, project table; decisions in
//! `reference/README.md`).
//!
//! ISTAT's dissemination warehouse still codes territories with ITTER107, a NUTS-2006-based
//! scheme with ISTAT pseudo-codes for the provinces created later (`ITE15` Prato, `ITD55`
//! Bologna, `IT108` Monza e della Brianza, `IT111` Sud Sardegna): neither today's NUTS nor the
//! ISTAT numeric codes the rest of OML uses. Each code maps to its level, today's ISTAT code
//! (province `100`, region `09`, ripartizioni `1`…`5`, `1+2` Nord, `4+5` Mezzogiorno, `IT`
//! Italia) and whether the code's territory *is* that unit or is only a part of it (a province
//! suppressed in 2016, whose rates are not those of the province it joined).

use super::embedded::{is_digits, Embedded, Table};
use super::keys::{get_ci, HashMap};
use super::Reference;
use anyhow::{bail, Result};

/// The level of a territory of the ISTAT exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LivelloTerritorio {
    Italia,
    /// A ripartizione geografica or a union of them (Nord, Mezzogiorno).
    Ripartizione,
    Regione,
    /// A province (the autonomous provinces of Bolzano and Trento included).
    Provincia,
}

impl LivelloTerritorio {
    /// `italia`, `ripartizione`, `regione`, `provincia` (the values of the crosswalk's column).
    pub fn code(self) -> &'static str {
        match self {
            LivelloTerritorio::Italia => "italia",
            LivelloTerritorio::Ripartizione => "ripartizione",
            LivelloTerritorio::Regione => "regione",
            LivelloTerritorio::Provincia => "provincia",
        }
    }

    /// Inverse of [`LivelloTerritorio::code`].
    pub fn from_code(s: &str) -> Option<LivelloTerritorio> {
        [
            LivelloTerritorio::Italia,
            LivelloTerritorio::Ripartizione,
            LivelloTerritorio::Regione,
            LivelloTerritorio::Provincia,
        ]
        .into_iter()
        .find(|l| l.code() == s)
    }
}

/// How a code's territory relates to today's unit it maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relazione {
    /// The same administrative unit (`identico`).
    Identico,
    /// A former unit now part of today's one (`parte_di`): its figures are not today's unit's.
    ParteDi,
    /// The code of today's unit, for a year before ISTAT coded today's boundaries (the
    /// crosswalk's `identico_dal`): the figures may be those of the former, different territory
    /// (Milano before Monza e della Brianza, Cagliari before 2017).
    ConfiniPrecedenti,
}

/// One ITTER107 code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Itter107 {
    /// The ITTER107 code, e.g. `ITE15`.
    pub codice: String,
    pub livello: LivelloTerritorio,
    /// Today's ISTAT code: province `100` (Codice Provincia storico), region `09`, ripartizione
    /// `3` (`1+2` Nord, `4+5` Mezzogiorno), `IT` for Italia.
    pub codice_istat: String,
    /// Region of a province or region (`09`); empty above.
    pub regione_istat: String,
    /// The name ISTAT's exports give the territory, e.g. `Prato`.
    pub denominazione: String,
    pub relazione: Relazione,
    /// For an `identico` code whose territory changed: the first year of today's boundaries.
    pub identico_dal: Option<i32>,
}

impl Itter107 {
    /// The relation of the code's territory to today's unit for data of year `anno`.
    pub fn relazione_nel(&self, anno: i32) -> Relazione {
        match self.identico_dal {
            Some(dal) if self.relazione == Relazione::Identico && anno < dal => Relazione::ConfiniPrecedenti,
            _ => self.relazione,
        }
    }
}

/// The crosswalk, by ITTER107 code, with the line of each row (for the checks).
pub(super) struct Itter107List {
    items: Vec<Itter107>,
    lines: Vec<u64>,
    by_code: HashMap<String, usize>,
}

fn is_itter107(s: &str) -> bool {
    s.len() >= 2
        && s.len() <= 5
        && s.starts_with("IT")
        && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

fn is_ripartizioni(s: &str) -> bool {
    s.split('+').all(|r| matches!(r, "1" | "2" | "3" | "4" | "5"))
}

/// `itter107_territori.csv`, in file order; the shape of every row checked.
pub(super) fn read(src: &Embedded) -> Result<Itter107List> {
    let t = Table::utf8(src)?;
    let [c_cod, c_liv, c_istat, c_reg, c_den, c_rel, c_dal, _] =
        t.cols("itter107,livello,codice_istat,regione_istat,denominazione,relazione,identico_dal,nota")?;
    let mut list = Itter107List {
        items: Vec::with_capacity(t.n_rows()),
        lines: Vec::with_capacity(t.n_rows()),
        by_code: HashMap::default(),
    };
    for row in t.rows() {
        let codice = row.unique_code(
            c_cod,
            "itter107",
            is_itter107,
            list.items.iter().map(|x| x.codice.as_str()),
        )?;
        let livello = LivelloTerritorio::from_code(row.get(c_liv))
            .ok_or_else(|| row.err(format!("unknown livello '{}'", row.get(c_liv))))?;
        let codice_istat = row.text(c_istat, "codice_istat")?;
        let regione = row.get(c_reg);
        let ok = match livello {
            LivelloTerritorio::Italia => codice_istat == "IT" && regione.is_empty(),
            LivelloTerritorio::Ripartizione => is_ripartizioni(codice_istat) && regione.is_empty(),
            LivelloTerritorio::Regione => is_digits(codice_istat, 2) && regione == codice_istat,
            LivelloTerritorio::Provincia => is_digits(codice_istat, 3) && is_digits(regione, 2),
        };
        if !ok {
            return Err(row.err(format!(
                "codice_istat '{codice_istat}' / regione_istat '{regione}' do not fit livello {}",
                livello.code()
            )));
        }
        let relazione = match row.get(c_rel) {
            "identico" => Relazione::Identico,
            "parte_di" if livello == LivelloTerritorio::Provincia => Relazione::ParteDi,
            v => return Err(row.err(format!("relazione '{v}' (identico, or parte_di for a provincia)"))),
        };
        let identico_dal = match row.get(c_dal) {
            "" => None,
            v if is_digits(v, 4) && relazione == Relazione::Identico => v.parse().ok(),
            v => return Err(row.err(format!("identico_dal '{v}' (a year, for an identico code)"))),
        };
        list.by_code.insert(codice.to_string(), list.items.len());
        list.lines.push(row.line());
        list.items.push(Itter107 {
            codice: codice.to_string(),
            livello,
            codice_istat: codice_istat.to_string(),
            regione_istat: regione.to_string(),
            denominazione: row.text(c_den, "denominazione")?.to_string(),
            relazione,
            identico_dal,
        });
    }
    Ok(list)
}

impl Itter107List {
    /// Number of codes.
    pub(super) fn len(&self) -> usize {
        self.items.len()
    }

    /// Every province and region named must be a current one of the ISTAT list, and a
    /// province must lie in the region given.
    pub(super) fn check(&self, file: &str, r: &Reference) -> Result<()> {
        for (x, line) in self.items.iter().zip(&self.lines) {
            let bad = |msg: String| anyhow::anyhow!("{file}, line {line}: {}: {msg}", x.codice);
            match x.livello {
                LivelloTerritorio::Regione if r.regione(&x.codice_istat).is_none() => {
                    return Err(bad(format!("'{}' is not an ISTAT region", x.codice_istat)));
                }
                LivelloTerritorio::Provincia => {
                    let p = r
                        .provincia(&x.codice_istat)
                        .filter(|p| p.istat == x.codice_istat)
                        .ok_or_else(|| bad(format!("'{}' is not a current ISTAT province", x.codice_istat)))?;
                    if p.regione_istat != x.regione_istat {
                        return Err(bad(format!(
                            "province {} ({}) is in region {}, not {}",
                            p.istat, p.nome, p.regione_istat, x.regione_istat
                        )));
                    }
                }
                _ => {}
            }
        }
        if !self.items.iter().any(|x| x.livello == LivelloTerritorio::Italia) {
            bail!("{file}: no row for Italia");
        }
        Ok(())
    }
}

impl Reference {
    /// An ITTER107 territory code of the ISTAT exports (`ITE15`, `IT108`, `ITE1`, `IT`; any case).
    pub fn itter107(&self, codice: &str) -> Option<&Itter107> {
        get_ci(&self.itter107.by_code, codice).map(|&i| &self.itter107.items[i])
    }

    /// Every ITTER107 code of the crosswalk, in table order.
    pub fn itter107_all(&self) -> &[Itter107] {
        &self.itter107.items
    }

    /// The ITTER107 code that *is* today's unit of this level and ISTAT code (`Provincia`,
    /// `"100"` → `ITE15`; `Regione`, `"09"` → `ITE1`; `Italia`, `"IT"` → `IT`).
    pub fn itter107_of(&self, livello: LivelloTerritorio, codice_istat: &str) -> Option<&Itter107> {
        self.itter107
            .items
            .iter()
            .find(|x| x.livello == livello && x.relazione == Relazione::Identico && x.codice_istat == codice_istat)
    }
}
