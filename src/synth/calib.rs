//! Calibration of the synthetic province: the hand-set parameters that shape the simulated
//! labour market, as data files under `src/synth/data/` (compiled in, parsed once):
//! - `divisioni.csv`: by profile (`prato`, `generico`), each ATECO division's weight among the
//!   hires, the share of its employers run by the Chinese community, and the sottocategorie
//!   that take most of its hires;
//! - `settori.csv`: by range of divisions (the first matching row counts), the seasonality,
//!   the female share of hires, the share of public employers and the contract mix;
//! - `stagionalita.csv`: the monthly factors of each seasonality (mean about 1);
//! - `cittadinanze.csv`: by profile, the share of the hires of each citizenship (the rest of
//!   the table shares [`OTHER_CIT`]).
//!
//! Source: these are not reference data and reproduce no official table. They were set by hand
//! to give plausible magnitudes for an Italian province (Prato: textiles and clothing, a large
//! Chinese community; every other province: a generic profile) and are checked only by the
//! plausibility tests in `tests.rs`. They are keyed by real codes (ATECO divisions and
//! sottocategorie, Ministry citizenship codes), which [`super::profile::World::build`] looks up
//! in the reference tables, skipping any the tables lack. Changing a value changes the output.

use super::data::{self, Record};
use super::people::NameGroup;
use anyhow::{bail, Result};
use std::sync::OnceLock;

/// Weight shared by the citizenships a profile does not list (split evenly among them).
pub const OTHER_CIT: f64 = 0.8;

/// An ATECO division of a profile.
#[derive(Debug, Clone)]
pub struct Division {
    /// Two digits.
    pub divisione: String,
    /// Weight among the province's hires.
    pub weight: f64,
    /// Share of the employers run by the Chinese community.
    pub chinese: f64,
    /// Sottocategorie that take most of the division's hires.
    pub preferred: Vec<String>,
}

/// Traits of the sectors of the divisions `first..=last` whose sottocategoria starts with
/// `prefix`.
#[derive(Debug, Clone)]
pub struct Traits {
    first: u32,
    last: u32,
    prefix: String,
    /// Monthly seasonal factors, January first.
    pub season: [f64; 12],
    /// Female share of hires.
    pub female: f64,
    /// Share of public employers.
    pub pa: f64,
    /// Contract mix: weights over [`super::codes::KINDS`].
    pub mix: [f64; 9],
}

struct Calibration {
    /// By profile: 0 generic, 1 Prato.
    divisions: [Vec<Division>; 2],
    cits: [Vec<(String, f64)>; 2],
    /// The last row matches every division.
    traits: Vec<Traits>,
}

fn calibration() -> &'static Calibration {
    static CAL: OnceLock<Calibration> = OnceLock::new();
    CAL.get_or_init(|| match Calibration::load() {
        Ok(c) => c,
        Err(e) => panic!("embedded synth calibration is broken: {e:#}"),
    })
}

/// The divisions of Prato's profile or of the generic one.
pub fn divisions(prato: bool) -> &'static [Division] {
    &calibration().divisions[prato as usize]
}

/// Citizenship shares (Ministry code, weight) of Prato's profile or of the generic one.
pub fn citizenship_shares(prato: bool) -> &'static [(String, f64)] {
    &calibration().cits[prato as usize]
}

/// Traits of the sottocategoria `code` of division `div`.
pub fn sector_traits(div: &str, code: &str) -> &'static Traits {
    let d: u32 = div.parse().unwrap_or(0);
    let traits = &calibration().traits;
    traits
        .iter()
        .find(|t| (t.first..=t.last).contains(&d) && code.starts_with(&t.prefix))
        .unwrap_or(&traits[traits.len() - 1])
}

/// Name pool of a citizenship (Ministry code).
pub fn name_group(cod: &str) -> NameGroup {
    match cod {
        "000" => NameGroup::Italian,
        "314" => NameGroup::Chinese,
        "235" => NameGroup::Romanian,
        "201" => NameGroup::Albanian,
        "344" | "305" | "330" | "311" => NameGroup::SouthAsian,
        "436" | "460" | "419" => NameGroup::NorthAfrican,
        "443" | "450" => NameGroup::WestAfrican,
        "243" | "254" | "233" | "253" => NameGroup::Slavic,
        "615" | "323" | "605" => NameGroup::Latin,
        _ => NameGroup::Other,
    }
}

/// Index of the profile named in field `i`.
fn profile(r: &Record, i: usize) -> Result<usize> {
    match r.text(i) {
        "generico" => Ok(0),
        "prato" => Ok(1),
        p => Err(r.error(format!("unknown profile '{p}'"))),
    }
}

impl Calibration {
    fn load() -> Result<Calibration> {
        let mut divisions: [Vec<Division>; 2] = Default::default();
        let header = [
            "profilo",
            "divisione",
            "peso",
            "quota_datori_cinesi",
            "sottocategorie_preferite",
        ];
        for r in data::read(&data::DIVISIONI, &header)? {
            divisions[profile(&r, 0)?].push(Division {
                divisione: r.text(1).to_string(),
                weight: r.num(2)?,
                chinese: r.num(3)?,
                preferred: r.text(4).split_whitespace().map(str::to_string).collect(),
            });
        }
        let mut cits: [Vec<(String, f64)>; 2] = Default::default();
        for r in data::read(&data::CITTADINANZE, &["profilo", "cittadinanza", "peso"])? {
            cits[profile(&r, 0)?].push((r.text(1).to_string(), r.num(2)?));
        }
        let months = [
            "gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic",
        ];
        let header: Vec<&str> = std::iter::once("stagionalita").chain(months).collect();
        let seasons = data::read(&data::STAGIONALITA, &header)?
            .iter()
            .map(|r| Ok((r.text(0).to_string(), r.nums::<12>(1)?)))
            .collect::<Result<Vec<_>>>()?;
        let header = [
            "divisione_da",
            "divisione_a",
            "prefisso_sottocategoria",
            "stagionalita",
            "quota_donne",
            "quota_pa",
            "ti",
            "td",
            "td_sost",
            "apprendistato",
            "intermittente",
            "domestico",
            "tirocinio",
            "parasubordinato",
            "domicilio",
        ];
        let mut traits = Vec::new();
        for r in data::read(&data::SETTORI, &header)? {
            let Some((_, season)) = seasons.iter().find(|(name, _)| name == r.text(3)) else {
                return Err(r.error(format!("unknown stagionalita '{}'", r.text(3))));
            };
            traits.push(Traits {
                first: r.num(0)?,
                last: r.num(1)?,
                prefix: r.text(2).to_string(),
                season: *season,
                female: r.num(4)?,
                pa: r.num(5)?,
                mix: r.nums::<9>(6)?,
            });
        }
        match traits.last() {
            Some(t) if t.first == 0 && t.last >= 99 && t.prefix.is_empty() => {}
            _ => bail!("settori.csv: the last row must hold every division (0-99, no prefix)"),
        }
        Ok(Calibration {
            divisions,
            cits,
            traits,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calibration_files_parse_and_are_consistent() {
        let c = Calibration::load().expect("calibration");
        for (p, divs) in c.divisions.iter().enumerate() {
            assert!(!divs.is_empty(), "profile {p} has no division");
            for d in divs {
                assert!(d.divisione.len() == 2 && d.divisione.bytes().all(|b| b.is_ascii_digit()));
                assert!(d.weight > 0.0 && (0.0..=1.0).contains(&d.chinese), "{d:?}");
                for s in &d.preferred {
                    assert!(
                        s.len() == 8 && s.starts_with(&d.divisione),
                        "{s} outside division {}",
                        d.divisione
                    );
                }
                let n = divs.iter().filter(|e| e.divisione == d.divisione).count();
                assert_eq!(n, 1, "division {} listed twice in profile {p}", d.divisione);
            }
        }
        for shares in &c.cits {
            assert_eq!(
                shares.iter().filter(|(k, _)| *k == "000").count(),
                1,
                "Italy once per profile"
            );
            assert!(shares.iter().all(|(k, w)| k.len() == 3 && *w > 0.0));
        }
        for t in &c.traits {
            let mean = t.season.iter().sum::<f64>() / 12.0;
            assert!((0.9..=1.15).contains(&mean), "seasonal factors average {mean}");
            assert!(t.mix.iter().sum::<f64>() > 0.0 && (0.0..=1.0).contains(&t.female) && (0.0..=1.0).contains(&t.pa));
        }
        // Agencies (78.2x) have their own traits; other sottocategorie of 78 do not.
        assert_eq!(sector_traits("78", "78.20.00").mix[1], 90.0);
        assert_eq!(sector_traits("78", "78.10.00").mix[1], 52.0);
    }
}
