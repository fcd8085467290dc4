//! ATECO 2007 (`reference/anpal/ateco2007.csv`): the five levels, by code and by label.

use super::embedded::{Embedded, Table, ANPAL_ATECO};
use super::keys::{get_ci, HashMap};
use super::{normalize_label, Ateco, Reference};
use anyhow::{bail, Result};

/// ATECO level from the code's shape; `None` when the shape is not one of the five.
fn ateco_level(code: &str) -> Option<u8> {
    let b = code.as_bytes();
    let d = |i: usize| b[i].is_ascii_digit();
    match b.len() {
        1 if b[0].is_ascii_uppercase() => Some(0),
        2 if d(0) && d(1) => Some(1),
        4 if d(0) && d(1) && b[2] == b'.' && d(3) => Some(2),
        5 if d(0) && d(1) && b[2] == b'.' && d(3) && d(4) => Some(3),
        8 if d(0) && d(1) && b[2] == b'.' && d(3) && d(4) && b[5] == b'.' && d(6) && d(7) => Some(4),
        _ => None,
    }
}

/// Every row of the file, in file order; the level is taken from the shape of `cod_ateco`.
pub(super) fn read(src: &Embedded) -> Result<Vec<Ateco>> {
    let t = Table::utf8(src)?;
    let [c_sez, c_des, c_cod, c_div] = t.cols("sezione,descrizione,cod_ateco,divisione")?;
    let mut rows = Vec::with_capacity(t.n_rows());
    for row in t.rows() {
        let codice = row.code(c_cod, "cod_ateco", |s| ateco_level(s).is_some())?;
        let livello = ateco_level(codice).unwrap_or_default();
        let sezione = row.code(c_sez, "sezione", |s| {
            s.len() == 1 && s.bytes().all(|b| b.is_ascii_uppercase())
        })?;
        let divisione = if livello == 0 {
            ""
        } else {
            codice.get(..2).unwrap_or_default()
        };
        if row.get(c_div) != divisione {
            return Err(row.err(format!("divisione '{}' does not match code '{codice}'", row.get(c_div))));
        }
        if livello == 0 && codice != sezione {
            return Err(row.err(format!("section row '{codice}' has sezione '{sezione}'")));
        }
        rows.push(Ateco {
            codice: codice.to_string(),
            descrizione: row.text(c_des, "descrizione")?.to_string(),
            sezione: sezione.to_string(),
            divisione: divisione.to_string(),
            livello,
        });
    }
    Ok(rows)
}

/// The ATECO rows with their lookup keys.
pub(super) struct AtecoList {
    /// Sottocategorie first (sorted by code), then classi, gruppi, divisioni, sezioni.
    rows: Vec<Ateco>,
    n_sottocategorie: usize,
    by_code: HashMap<String, usize>,
    by_upper_label: HashMap<String, usize>,
    by_norm_label: HashMap<String, usize>,
}

impl AtecoList {
    pub(super) fn build(mut rows: Vec<Ateco>) -> Result<AtecoList> {
        // Sottocategorie first, then coarser levels; by code within a level.
        rows.sort_by(|a, b| (4 - a.livello, &a.codice).cmp(&(4 - b.livello, &b.codice)));
        let mut list = AtecoList {
            n_sottocategorie: rows.iter().take_while(|a| a.livello == 4).count(),
            rows: Vec::new(),
            by_code: HashMap::default(),
            by_upper_label: HashMap::default(),
            by_norm_label: HashMap::default(),
        };
        for (i, a) in rows.iter().enumerate() {
            if list.by_code.insert(a.codice.clone(), i).is_some() {
                bail!("{}: duplicate cod_ateco '{}'", ANPAL_ATECO.path, a.codice);
            }
            list.by_upper_label.entry(a.descrizione.to_uppercase()).or_insert(i);
            list.by_norm_label.entry(normalize_label(&a.descrizione)).or_insert(i);
        }
        list.rows = rows;
        Ok(list)
    }
}

impl Reference {
    /// An ATECO 2007 node at any level: `"C"`, `"13"`, `"13.2"`, `"13.20"`, `"13.20.00"`;
    /// undotted `"132000"` / `"1320"` are accepted too.
    pub fn ateco(&self, codice: &str) -> Option<&Ateco> {
        let a = &self.ateco;
        let k = codice.trim();
        if let Some(&i) = get_ci(&a.by_code, k) {
            return Some(&a.rows[i]);
        }
        let b = k.as_bytes();
        if !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let mut buf = [0u8; 8];
        let len = match b.len() {
            6 => {
                buf = [b[0], b[1], b'.', b[2], b[3], b'.', b[4], b[5]];
                8
            }
            4 => {
                buf[..5].copy_from_slice(&[b[0], b[1], b'.', b[2], b[3]]);
                5
            }
            3 => {
                buf[..4].copy_from_slice(&[b[0], b[1], b'.', b[2]]);
                4
            }
            _ => return None,
        };
        let key = std::str::from_utf8(&buf[..len]).ok()?;
        a.by_code.get(key).map(|&i| &a.rows[i])
    }

    /// The 1,224 sottocategorie (`dd.dd.dd`), sorted by code.
    pub fn ateco_sottocategorie(&self) -> &[Ateco] {
        &self.ateco.rows[..self.ateco.n_sottocategorie]
    }

    /// Every ATECO row (2,220): sottocategorie, then classi, gruppi, divisioni, sezioni, each
    /// sorted by code.
    pub fn ateco_all(&self) -> &[Ateco] {
        &self.ateco.rows
    }

    /// An ATECO node by label, preferring the most detailed level (sottocategoria, then
    /// classe, gruppo, divisione, sezione; the lowest code among equals): exact upper-case
    /// match first, then [`normalize_label`] match (`"Ristorazione con somministrazione"` →
    /// `56.10.11`).
    pub fn ateco_by_label(&self, label: &str) -> Option<&Ateco> {
        let a = &self.ateco;
        let up = label.trim().to_uppercase();
        a.by_upper_label
            .get(&up)
            .or_else(|| a.by_norm_label.get(&normalize_label(&up)))
            .map(|&i| &a.rows[i])
    }
}
