//! Provinces and regions: the ISTAT list, checked against and completed by the ANPAL tables
//! (`reference/anpal/province.csv`, `reference/anpal/regioni.csv`).
//!
//! ISTAT gives the 107 current provinces and 20 regions; ANPAL gives the Ministry (MLPS) region
//! code, the ANPAL spelling of province names (accepted as lookup keys) and the sigla and
//! region of the suppressed provinces, which [`super::comuni`] needs for suppressed comuni.

use super::embedded::{is_digits, is_sigla, Embedded, Table, ANPAL_PROVINCE, ANPAL_REGIONI, ISTAT_COMUNI};
use super::keys::{get_ci, get_padded, HashMap};
use super::{normalize_label, Comune, Provincia, Reference, Regione};
use anyhow::{anyhow, bail, Result};

/// A row of ANPAL `province.csv`.
pub(super) struct AnpalProvincia {
    pub(super) sigla: String,
    pub(super) regione: String,
    pub(super) nome: String,
}

/// ANPAL `province.csv`, by `cod_provincia` (current and suppressed provinces).
pub(super) fn read_anpal_province(src: &Embedded) -> Result<HashMap<String, AnpalProvincia>> {
    let t = Table::utf8(src)?;
    let [c_cod, c_reg, c_des, c_targa] = t.cols("cod_provincia,cod_regione,des_provincia,des_targa")?;
    let mut out = HashMap::default();
    for row in t.rows() {
        let cod = row.code(c_cod, "cod_provincia", |s| is_digits(s, 3))?;
        let reg = row.code(c_reg, "cod_regione", |s| is_digits(s, 2))?;
        let targa = row.get(c_targa);
        if !targa.is_empty() && !is_sigla(targa) {
            return Err(row.err(format!("malformed des_targa '{targa}'")));
        }
        let p = AnpalProvincia {
            sigla: targa.to_string(),
            regione: reg.to_string(),
            nome: row.get(c_des).to_string(),
        };
        if out.insert(cod.to_string(), p).is_some() {
            return Err(row.err(format!("duplicate cod_provincia '{cod}'")));
        }
    }
    Ok(out)
}

/// ISTAT region code → Ministry (MLPS) code, from ANPAL `regioni.csv` (pseudo-rows `ML_*`
/// and `00` ITALIA are skipped).
pub(super) fn read_anpal_regioni_mlps(src: &Embedded) -> Result<HashMap<String, String>> {
    let t = Table::utf8(src)?;
    let [c_cod, c_ml] = t.cols("cod_regione,cod_ml")?;
    let mut out = HashMap::default();
    for row in t.rows() {
        let cod = row.get(c_cod);
        if !is_digits(cod, 2) || cod == "00" {
            continue;
        }
        let ml = row.get(c_ml);
        if !ml.is_empty() && !is_digits(ml, 2) {
            return Err(row.err(format!("malformed cod_ml '{ml}'")));
        }
        if out.insert(cod.to_string(), ml.to_string()).is_some() {
            return Err(row.err(format!("duplicate cod_regione '{cod}'")));
        }
    }
    Ok(out)
}

/// The current provinces and the regions, with their lookup keys.
pub(super) struct Territorio {
    /// Sorted by ISTAT code.
    province: Vec<Provincia>,
    /// Sigla, ISTAT code and UTS code.
    provincia_by_code: HashMap<String, usize>,
    /// Normalised ISTAT names, their `/`-separated parts, ANPAL spellings.
    provincia_by_name: HashMap<String, usize>,
    regioni: Vec<Regione>,
    regione_by_istat: HashMap<String, usize>,
}

impl Territorio {
    /// Regions from ISTAT with their MLPS code; provinces from ISTAT, checked against ANPAL
    /// (same sigla and region).
    pub(super) fn build(
        istat_province: Vec<(Provincia, String)>,
        istat_regioni: Vec<(String, String)>,
        anpal_province: &HashMap<String, AnpalProvincia>,
        mlps: &HashMap<String, String>,
    ) -> Result<Territorio> {
        let mut t = Territorio {
            province: Vec::new(),
            provincia_by_code: HashMap::default(),
            provincia_by_name: HashMap::default(),
            regioni: Vec::new(),
            regione_by_istat: HashMap::default(),
        };
        for (code, nome) in istat_regioni {
            let ml = mlps.get(&code).ok_or_else(|| {
                anyhow!(
                    "{}: region '{code}' missing from {}",
                    ISTAT_COMUNI.path,
                    ANPAL_REGIONI.path
                )
            })?;
            t.regione_by_istat.insert(code.clone(), t.regioni.len());
            t.regioni.push(Regione {
                istat: code,
                nome,
                mlps: ml.clone(),
            });
        }

        for (i, (p, uts)) in istat_province.iter().enumerate() {
            let anpal = anpal_province.get(&p.istat).ok_or_else(|| {
                anyhow!(
                    "{}: province '{}' missing from {}",
                    ISTAT_COMUNI.path,
                    p.istat,
                    ANPAL_PROVINCE.path
                )
            })?;
            if anpal.sigla != p.sigla || anpal.regione != p.regione_istat {
                bail!(
                    "{}: province '{}' is {} / region {} in ISTAT but {} / region {} in ANPAL",
                    ANPAL_PROVINCE.path,
                    p.istat,
                    p.sigla,
                    p.regione_istat,
                    anpal.sigla,
                    anpal.regione
                );
            }
            for code in [&p.sigla, &p.istat, uts] {
                if let Some(j) = t.provincia_by_code.insert(code.clone(), i) {
                    if j != i {
                        bail!("{}: province key '{code}' is ambiguous", ISTAT_COMUNI.path);
                    }
                }
            }
        }
        // Names: ISTAT names first, then their '/'-separated parts, then ANPAL spellings.
        let mut name_keys: Vec<(String, usize)> = Vec::new();
        for (i, (p, _)) in istat_province.iter().enumerate() {
            name_keys.push((normalize_label(&p.nome), i));
        }
        for (i, (p, _)) in istat_province.iter().enumerate() {
            if p.nome.contains('/') {
                name_keys.extend(p.nome.split('/').map(|part| (normalize_label(part), i)));
            }
            if let Some(a) = anpal_province.get(&p.istat) {
                name_keys.push((normalize_label(&a.nome), i));
            }
        }
        for (k, i) in name_keys {
            if !k.is_empty() {
                t.provincia_by_name.entry(k).or_insert(i);
            }
        }
        t.province = istat_province.into_iter().map(|(p, _)| p).collect();
        Ok(t)
    }
}

impl Reference {
    /// A current province by sigla (`"PO"`, any case), ISTAT code (`"100"`, `"047"`, `"47"`),
    /// ISTAT UTS code of a città metropolitana (`"248"` Firenze) or name (ISTAT or ANPAL
    /// spelling, normalised: `"Prato"`, `"REGGIO EMILIA"`, `"Reggio nell'Emilia"`,
    /// `"Bolzano"`, `"MASSA CARRARA"`).
    pub fn provincia(&self, key: &str) -> Option<&Provincia> {
        let t = &self.territorio;
        let k = key.trim();
        if k.is_empty() {
            return None;
        }
        if let Some(&i) = get_ci(&t.provincia_by_code, k).or_else(|| get_padded(&t.provincia_by_code, k, 3)) {
            return Some(&t.province[i]);
        }
        t.provincia_by_name.get(&normalize_label(k)).map(|&i| &t.province[i])
    }

    /// The 107 current provinces (ISTAT list), sorted by ISTAT code.
    pub fn province(&self) -> &[Provincia] {
        &self.territorio.province
    }

    /// The province of a comune (current provinces only).
    pub fn provincia_of(&self, comune: &Comune) -> Option<&Provincia> {
        let t = &self.territorio;
        t.provincia_by_code
            .get(&comune.provincia_istat)
            .map(|&i| &t.province[i])
    }

    /// A region by 2-digit ISTAT code (`"09"`; `"9"` accepted).
    pub fn regione(&self, istat: &str) -> Option<&Regione> {
        let t = &self.territorio;
        get_padded(&t.regione_by_istat, istat, 2).map(|&i| &t.regioni[i])
    }

    /// The 20 regions, sorted by ISTAT code.
    pub fn regioni(&self) -> &[Regione] {
        &self.territorio.regioni
    }
}
