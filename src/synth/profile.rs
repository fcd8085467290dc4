//! Province profile: the [`World`] the simulation draws from — the province's comuni and
//! their weights, the sectors (ATECO sottocategorie with the traits of [`super::calib`]), the
//! citizenships, the validity of the tipologie and the cause codes — built once from the
//! reference tables and the calibration.
//!
//! Everything drawn from the reference tables is checked to exist there, so the generator
//! only writes codes the validation knows.

use super::cal;
use super::calib::{self, name_group, sector_traits, OTHER_CIT};
use super::codes::{mlps_region, TIP_CODES, TRS_CODES};
use super::people::NameGroup;
use crate::reference::{Comune, Provincia, Reference};
use anyhow::{bail, Result};

/// One sector (ATECO sottocategoria) of the province.
#[derive(Debug, Clone)]
pub struct Sector {
    pub ateco: &'static str,
    pub sezione: u8,
    pub divisione: u8,
    /// Share of the province's hires.
    pub weight: f64,
    /// Monthly seasonal factors (mean about 1), January first.
    pub season: [f64; 12],
    /// Female share of the sector's hires.
    pub female: f64,
    /// Share of employers run by the Chinese community (Prato).
    pub chinese: f64,
    /// Temporary work agency (78.20.00): A.02.00 here represents somministrazione.
    pub agency: bool,
    /// Households employing domestic workers (97.00.00).
    pub household: bool,
    /// Share of public employers.
    pub pa: f64,
    /// Contract mix: weights over [`super::codes::KINDS`].
    pub mix: [f64; 9],
}

/// A citizenship the generator uses.
#[derive(Debug, Clone)]
pub struct Cit {
    pub codice: &'static str,
    /// Foreign-state Belfiore code (`Z###`); empty for Italy.
    pub z: &'static str,
    pub group: NameGroup,
    pub italian: bool,
}

/// Causes of cessazione by use.
#[derive(Debug, Clone)]
pub struct Causes {
    pub codes: Vec<&'static str>,
    /// Index by two-letter code (`AA`…`ZZ`), 255 = absent.
    lut: Vec<u8>,
}

fn lut_key(code: &str) -> Option<usize> {
    match code.as_bytes() {
        [a @ b'A'..=b'Z', b @ b'A'..=b'Z'] => Some((a - b'A') as usize * 26 + (b - b'A') as usize),
        _ => None,
    }
}

impl Causes {
    pub fn new(codes: Vec<&'static str>) -> Causes {
        let mut lut = vec![u8::MAX; 26 * 26];
        for (i, c) in codes.iter().enumerate().take(255) {
            if let Some(k) = lut_key(c) {
                if lut[k] == u8::MAX {
                    lut[k] = i as u8;
                }
            }
        }
        Causes { codes, lut }
    }

    pub fn idx(&self, code: &str) -> Option<u8> {
        match lut_key(code) {
            Some(k) => Some(self.lut[k]).filter(|&i| i != u8::MAX),
            None => self.codes.iter().position(|c| *c == code).map(|p| p as u8),
        }
    }
}

/// Everything about the province that the generator needs, built once.
pub struct World {
    pub prov: &'static Provincia,
    /// Ministry region code, 2 digits (prefix of the codice comunicazione).
    pub region_mlps: String,
    /// Comuni of the province valid over the whole window; index 0 is the capoluogo.
    pub comuni: Vec<&'static Comune>,
    /// Weights for the sede di lavoro and the domicile inside the province.
    pub comune_weights: Vec<f64>,
    /// Other comuni of the region (domicile of commuters).
    pub region_comuni: Vec<&'static Comune>,
    /// A sample of comuni all over Italy (birthplaces of Italians born elsewhere).
    pub italy_comuni: Vec<&'static Comune>,
    pub sectors: Vec<Sector>,
    pub cits: Vec<Cit>,
    pub cit_weights: Vec<f64>,
    /// Index of Italy and China in `cits`.
    pub cit_italy: u8,
    pub cit_china: Option<u8>,
    /// Tipologia validity as day numbers (from, to), per [`TIP_CODES`] entry; `None` =
    /// not in the reference table.
    pub tip_validity: Vec<Option<(i32, i32)>>,
    /// Cause codes from the reference table (those the generator uses must exist).
    pub causes: Causes,
    /// Trasformazione codes present in the reference table.
    pub has_trs: [bool; 4], // DI, FF, TP, PP
    /// A comune code that does not exist (unknown-code faults).
    pub unknown_comune: &'static str,
}

impl World {
    pub fn build(province: &str, first_day: i32, last_day: i32) -> Result<World> {
        let r = Reference::get();
        let Some(prov) = r.provincia(province.trim()) else {
            bail!(
                "unknown province '{}': give its sigla (e.g. PO), ISTAT code (e.g. 100) or name",
                province.trim()
            );
        };
        let valid_window = |c: &Comune| {
            c.validity.contains(cal::day_to_date(first_day)) && c.validity.contains(cal::day_to_date(last_day))
        };
        let mut comuni: Vec<&'static Comune> = r
            .comuni_of_province(prov)
            .into_iter()
            .filter(|c| valid_window(c))
            .collect();
        if comuni.is_empty() {
            bail!("province {} has no comune valid over the whole period", prov.sigla);
        }
        comuni.sort_by(|a, b| b.capoluogo.cmp(&a.capoluogo).then_with(|| a.istat.cmp(&b.istat)));
        let n = comuni.len() as f64;
        let comune_weights: Vec<f64> = comuni
            .iter()
            .map(|c| if c.capoluogo { (n * 0.6).max(1.5) } else { 1.0 })
            .collect();
        let mut region_comuni = Vec::new();
        let mut italy_comuni = Vec::new();
        for p in r.province() {
            if p.istat == prov.istat {
                continue;
            }
            let cs: Vec<&'static Comune> = r
                .comuni_of_province(p)
                .into_iter()
                .filter(|c| valid_window(c))
                .collect();
            if cs.is_empty() {
                continue;
            }
            if p.regione_istat == prov.regione_istat {
                region_comuni.extend(cs.iter().copied());
            }
            // Capoluogo plus a few more comuni of every province.
            for c in cs.iter().filter(|c| c.capoluogo) {
                italy_comuni.push(*c);
            }
            let step = (cs.len() / 3).max(1);
            for c in cs.iter().step_by(step).take(3) {
                if !c.capoluogo {
                    italy_comuni.push(*c);
                }
            }
        }
        if region_comuni.is_empty() {
            region_comuni = comuni.clone();
        }
        if italy_comuni.is_empty() {
            italy_comuni = comuni.clone();
        }
        let prato = prov.sigla == "PO";

        // Sectors.
        let all = r.ateco_sottocategorie();
        let mut sectors = Vec::new();
        for d in calib::divisions(prato) {
            let (div, w, preferred) = (d.divisione.as_str(), d.weight, &d.preferred);
            let in_div: Vec<&'static str> = all
                .iter()
                .filter(|a| a.divisione == div && a.codice.len() == 8)
                .map(|a| a.codice.as_str())
                .collect();
            if in_div.is_empty() {
                continue;
            }
            let pref: Vec<&'static str> = preferred
                .iter()
                .filter_map(|p| in_div.iter().copied().find(|c| *c == p.as_str()))
                .collect();
            let others: Vec<&'static str> = in_div.iter().copied().filter(|c| !pref.contains(c)).collect();
            let step = (others.len() / 5).max(1);
            let others: Vec<&'static str> = if div == "78" || div == "97" {
                Vec::new()
            } else {
                others.into_iter().step_by(step).take(5).collect()
            };
            let (pw, ow) = match (pref.is_empty(), others.is_empty()) {
                (false, false) => (0.75, 0.25),
                (false, true) => (1.0, 0.0),
                (true, false) => (0.0, 1.0),
                (true, true) => continue,
            };
            let mut add = |code: &'static str, share: f64| {
                let sezione = all
                    .iter()
                    .find(|a| a.codice == code)
                    .and_then(|a| a.sezione.bytes().next())
                    .unwrap_or(b'Z');
                let t = sector_traits(div, code);
                sectors.push(Sector {
                    ateco: code,
                    sezione,
                    divisione: div.parse().unwrap_or(0),
                    weight: w * share,
                    season: t.season,
                    female: t.female,
                    chinese: d.chinese,
                    agency: code.starts_with("78.2"),
                    household: div == "97",
                    pa: t.pa,
                    mix: t.mix,
                });
            };
            for c in &pref {
                add(c, pw / pref.len() as f64);
            }
            for c in &others {
                add(c, ow / others.len() as f64);
            }
        }
        if sectors.is_empty() {
            bail!("the ATECO reference table is empty");
        }

        // Citizenships.
        let shares = calib::citizenship_shares(prato);
        let mut cits = Vec::new();
        let mut cit_weights = Vec::new();
        for c in r.cittadinanze() {
            if !c.validity.contains(cal::day_to_date(first_day)) || !c.validity.contains(cal::day_to_date(last_day)) {
                continue;
            }
            let italian = c.codice == "000";
            if !(italian || c.cod_mf.len() == 4 && c.cod_mf.starts_with('Z')) {
                continue; // apolide, or no state code
            }
            let w = shares.iter().find(|(k, _)| *k == c.codice).map(|(_, w)| *w);
            cits.push(Cit {
                codice: c.codice.as_str(),
                z: if italian { "" } else { c.cod_mf.as_str() },
                group: name_group(&c.codice),
                italian,
            });
            cit_weights.push(w.unwrap_or(-1.0));
        }
        let n_other = cit_weights.iter().filter(|w| **w < 0.0).count().max(1) as f64;
        for w in cit_weights.iter_mut() {
            if *w < 0.0 {
                *w = OTHER_CIT / n_other;
            }
        }
        let Some(cit_italy) = cits.iter().position(|c| c.italian) else {
            bail!("citizenship 000 (Italia) missing from the reference table");
        };
        let cit_china = cits.iter().position(|c| c.codice == "314").map(|p| p as u8);

        let tip_validity: Vec<Option<(i32, i32)>> = TIP_CODES
            .iter()
            .map(|code| {
                r.tipologie().iter().find(|t| t.codice == *code).map(|t| {
                    (
                        t.validity.from.map_or(i32::MIN, cal::date_to_day),
                        t.validity.to.map_or(i32::MAX, cal::date_to_day),
                    )
                })
            })
            .collect();
        for k in 0..=8 {
            if tip_validity[k].is_none() {
                bail!("tipologia {} missing from the reference table", TIP_CODES[k]);
            }
        }
        let causes = Causes::new(r.cause_cessazione().iter().map(|c| c.codice.as_str()).collect());
        for need in ["DM", "LI", "FT"] {
            if causes.idx(need).is_none() {
                bail!("causa di cessazione {need} missing from the reference table");
            }
        }
        let mut has_trs = [false; 4];
        for (i, code) in TRS_CODES.iter().enumerate() {
            has_trs[i] = r.trasformazioni().iter().any(|t| t.codice == *code);
        }
        let region_mlps = r
            .regione(&prov.regione_istat)
            .map(|x| x.mlps.clone())
            .filter(|m| {
                m.len() == 2 && m.bytes().all(|c| c.is_ascii_digit()) && !matches!(prov.istat.as_str(), "021" | "022")
            })
            .unwrap_or_else(|| mlps_region(&prov.regione_istat, &prov.istat).to_string());
        Ok(World {
            prov,
            region_mlps,
            comuni,
            comune_weights,
            region_comuni,
            italy_comuni,
            sectors,
            cits,
            cit_weights,
            cit_italy: cit_italy as u8,
            cit_china,
            tip_validity,
            causes,
            has_trs,
            unknown_comune: "Q999",
        })
    }

    /// True if tipologia `tip` is valid on `day`.
    pub fn tip_valid(&self, tip: u8, day: i32) -> bool {
        match self.tip_validity.get(tip as usize).copied().flatten() {
            Some((from, to)) => day >= from && day <= to,
            None => false,
        }
    }

    pub fn cause(&self, code: &str) -> u8 {
        // Every code asked for is either required at build time or checked by the caller.
        self.causes.idx(code).unwrap_or(0)
    }
}
