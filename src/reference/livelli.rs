//! Livelli di istruzione (`reference/anpal/livelli_studio.csv`) and the short forms accepted
//! as labels (`reference/oml/livelli_studio_alias.csv`).

use super::embedded::{at_line, Embedded, Table, OML_LIVELLI_ALIAS};
use super::keys::HashMap;
use super::{normalize_label, Reference};
use anyhow::Result;

/// One livello di istruzione (ANPAL `TAB_STUDIOLIVELLO`).
pub(super) struct Livello {
    num: u32,
    codice: String,
    /// Official label, trimmed.
    descrizione: String,
}

/// `livelli_studio.csv`, in file order.
pub(super) fn read(src: &Embedded) -> Result<Vec<Livello>> {
    let t = Table::utf8(src)?;
    let [c_cod, c_des] = t.cols("cod_livellostudio,des_livellostudio")?;
    let mut out: Vec<Livello> = Vec::with_capacity(t.n_rows());
    for row in t.rows() {
        let codice = row.code(c_cod, "cod_livellostudio", |s| {
            !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit())
        })?;
        let num: u32 = codice
            .parse()
            .map_err(|_| row.err(format!("malformed cod_livellostudio '{codice}'")))?;
        let descrizione = row.text(c_des, "des_livellostudio")?;
        if out.iter().any(|l| l.num == num) {
            return Err(row.err(format!("duplicate cod_livellostudio '{codice}'")));
        }
        if let Some(l) = out
            .iter()
            .find(|l| normalize_label(&l.descrizione) == normalize_label(descrizione))
        {
            return Err(row.err(format!("label also used by level '{}'", l.codice)));
        }
        out.push(Livello {
            num,
            codice: codice.to_string(),
            descrizione: descrizione.to_string(),
        });
    }
    Ok(out)
}

/// A row of `livelli_studio_alias.csv`: a short form of a level's label, normalised.
pub(super) struct Alias {
    line: u64,
    etichetta: String,
    num: u32,
}

/// `livelli_studio_alias.csv`, in file order.
pub(super) fn read_alias(src: &Embedded) -> Result<Vec<Alias>> {
    let t = Table::utf8(src)?;
    let [c_lab, c_cod] = t.cols("etichetta,cod_livellostudio")?;
    let mut out = Vec::with_capacity(t.n_rows());
    for row in t.rows() {
        let etichetta = row.text(c_lab, "etichetta")?;
        let codice = row.code(c_cod, "cod_livellostudio", |s| {
            s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit())
        })?;
        out.push(Alias {
            line: row.line(),
            etichetta: normalize_label(etichetta),
            num: codice.parse().map_err(|_| row.err("malformed cod_livellostudio"))?,
        });
    }
    Ok(out)
}

/// The levels by number and by label (official and short forms).
pub(super) struct Livelli {
    list: Vec<Livello>,
    by_num: HashMap<u32, usize>,
    by_label: HashMap<String, usize>,
}

impl Livelli {
    pub(super) fn build(list: Vec<Livello>, aliases: &[Alias]) -> Result<Livelli> {
        let mut l = Livelli {
            by_num: HashMap::default(),
            by_label: HashMap::default(),
            list: Vec::new(),
        };
        for (i, x) in list.iter().enumerate() {
            l.by_num.insert(x.num, i);
            l.by_label.insert(normalize_label(&x.descrizione), i);
        }
        l.list = list;
        for a in aliases {
            let err = |msg: String| at_line(OML_LIVELLI_ALIAS.path, a.line, msg);
            let i = *l
                .by_num
                .get(&a.num)
                .ok_or_else(|| err(format!("unknown cod_livellostudio '{}'", a.num)))?;
            match l.by_label.get(&a.etichetta) {
                Some(&j) if j != i => {
                    return Err(err(format!(
                        "'{}' is the label of level '{}'",
                        a.etichetta, l.list[j].codice
                    )))
                }
                Some(_) => {}
                None => {
                    l.by_label.insert(a.etichetta.clone(), i);
                }
            }
        }
        Ok(l)
    }

    /// Number of levels.
    pub(super) fn count(&self) -> usize {
        self.list.len()
    }
}

impl Reference {
    /// The label of a livello di istruzione `"0"`…`"12"` (leading zeros accepted), trimmed.
    pub fn livello_studio(&self, codice: &str) -> Option<&str> {
        let n: u32 = codice.trim().parse().ok()?;
        let l = &self.livelli;
        l.by_num.get(&n).map(|&i| l.list[i].descrizione.as_str())
    }

    /// The code of a livello di istruzione as the list writes it (`"02"` → `"2"`), the form the
    /// lake keeps.
    pub fn livello_studio_codice(&self, codice: &str) -> Option<&str> {
        let n: u32 = codice.trim().parse().ok()?;
        let l = &self.livelli;
        l.by_num.get(&n).map(|&i| l.list[i].codice.as_str())
    }

    /// The code of a livello di istruzione by label: the official labels (normalised) and the
    /// short forms of `reference/oml/livelli_studio_alias.csv` (`"LICENZA MEDIA"`,
    /// `"DIPLOMA"`, `"LAUREA"`, …).
    pub fn livello_studio_by_label(&self, label: &str) -> Option<&str> {
        let l = &self.livelli;
        l.by_label
            .get(&normalize_label(label))
            .map(|&i| l.list[i].codice.as_str())
    }
}
