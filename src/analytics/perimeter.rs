//! The perimeter of a table: which employers and contracts it counts, and whether its territory
//! is the workplace's or the worker's domicile's.
//!
//! The reference bulletins differ here, and each states its choice: the Ministry's quarterly
//! note counts every employer; INPS's Osservatorio sul precariato counts private non-agricultural
//! employers without domestic work; Veneto Lavoro's *La Bussola* keeps domestic and intermittent
//! work apart and publishes by workplace (DOMAIN.md §6). OML counts everything by default and lets
//! a table or a bulletin take any of these perimeters; the bulletin prints it in a box.
//!
//! The rules are SQL (`sql/macros/dimensioni.sql`: `oml_nel_perimetro`, `oml_residenza`),
//! applied in the `*_dim` views every CO indicator reads; this module only sets the session
//! variables they read. A relationship is in or out as a whole, by its first contract: a
//! trasformazione never carries it across the perimeter, so the flows still add up. The public and individual
//! records of the other sources (CIG, DID, ISTAT) have no employer or contract and are not
//! affected.

use clap::ValueEnum;
use serde::Deserialize;

/// Which employers are counted (`--datori`), from the CO's `datoreLavoro_PA`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Employers {
    /// Every employer.
    #[default]
    #[value(name = "tutti")]
    #[serde(rename = "tutti")]
    All,
    /// Employers that are not a public administration.
    #[value(name = "privati")]
    #[serde(rename = "privati")]
    Private,
    /// Public administrations only.
    #[value(name = "pubblici")]
    #[serde(rename = "pubblici")]
    Public,
}

/// A kind of work that can be left out (`--escludi`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Exclusion {
    /// Agriculture: ATECO section A, or an agricultural contract (H.*).
    Agricoltura,
    /// Domestic work: contract A.04.*, or households as employers (ATECO division 97).
    Domestico,
    /// Intermittent work (contract A.05.*).
    Intermittente,
    /// Relationships that lasted one day (ended on the day they started).
    Giornalieri,
    /// Agency work (the class SOMMINISTRAZIONE: contracts A.06.*, UNISOMM modules, employers in
    /// ATECO 78.2), counted under the agency's sector unless `--settore-somministrazione`.
    Somministrazione,
}

impl Exclusion {
    /// The name the SQL macros read (as on the command line).
    pub fn code(self) -> &'static str {
        match self {
            Exclusion::Agricoltura => "agricoltura",
            Exclusion::Domestico => "domestico",
            Exclusion::Intermittente => "intermittente",
            Exclusion::Giornalieri => "giornalieri",
            Exclusion::Somministrazione => "somministrazione",
        }
    }

    /// What the bulletin's box says of it, in Italian.
    fn label(self) -> &'static str {
        match self {
            Exclusion::Agricoltura => "agricoltura (sezione ATECO A e contratti agricoli)",
            Exclusion::Domestico => "lavoro domestico",
            Exclusion::Intermittente => "lavoro intermittente",
            Exclusion::Giornalieri => "rapporti di un giorno",
            Exclusion::Somministrazione => "somministrazione",
        }
    }
}

/// Whose comune a record's territory is (`--geografia`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Geography {
    /// The workplace's (sede di lavoro): the CO's own territory.
    #[default]
    #[value(name = "lavoro")]
    #[serde(rename = "lavoro")]
    Workplace,
    /// The worker's domicile as the communication gives it.
    #[value(name = "residenza")]
    #[serde(rename = "residenza")]
    Residence,
}

/// Whose sector agency work is counted in (`--settore-somministrazione`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AgencySector {
    /// The agency's (ATECO 78.20), the employer of the CO: the Ministry's and INPS's convention.
    #[default]
    #[value(name = "agenzia")]
    #[serde(rename = "agenzia")]
    Agency,
    /// The user firm's, from the UNISOMM communication (`ateco_*_utilizzatrice`); a relationship
    /// without one keeps the agency's.
    #[value(name = "utilizzatrice")]
    #[serde(rename = "utilizzatrice")]
    UserFirm,
}

/// The records a table counts. The default counts every employer and contract, by workplace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Perimeter {
    #[serde(default)]
    pub datori: Employers,
    /// Kinds of work left out (sorted, without repetition once built by [`Perimeter::new`]).
    #[serde(default)]
    pub escludi: Vec<Exclusion>,
    #[serde(default)]
    pub geografia: Geography,
    /// Whose sector agency work is counted in.
    #[serde(default)]
    pub somministrazione: AgencySector,
}

impl Perimeter {
    pub fn new(datori: Employers, escludi: &[Exclusion], geografia: Geography) -> Perimeter {
        let mut escludi = escludi.to_vec();
        escludi.sort();
        escludi.dedup();
        Perimeter {
            datori,
            escludi,
            geografia,
            somministrazione: AgencySector::default(),
        }
    }

    /// The same perimeter with agency work counted in `sector`.
    pub fn with_agency_sector(self, sector: AgencySector) -> Perimeter {
        Perimeter {
            somministrazione: sector,
            ..self
        }
    }

    /// Whether this is the default perimeter (everything, by workplace).
    pub fn is_everything(&self) -> bool {
        self.datori == Employers::All
            && self.escludi.is_empty()
            && self.geografia == Geography::Workplace
            && self.somministrazione == AgencySector::Agency
    }

    /// The DuckDB statements that set (or reset) the variables the `*_dim` views read.
    pub fn sql(&self) -> String {
        let mut excluded: Vec<&str> = self.escludi.iter().map(|e| e.code()).collect();
        match self.datori {
            Employers::All => {}
            Employers::Private => excluded.push("pubblici"),
            Employers::Public => excluded.push("privati"),
        }
        let list = if excluded.is_empty() {
            "RESET VARIABLE oml_esclusi;".to_string()
        } else {
            let quoted: Vec<String> = excluded.iter().map(|e| format!("'{e}'")).collect();
            format!("SET VARIABLE oml_esclusi = [{}]::VARCHAR[];", quoted.join(", "))
        };
        let geography = match self.geografia {
            Geography::Workplace => "RESET VARIABLE oml_geografia;",
            Geography::Residence => "SET VARIABLE oml_geografia = 'residenza';",
        };
        let agency = match self.somministrazione {
            AgencySector::Agency => "RESET VARIABLE oml_somministrazione;",
            AgencySector::UserFirm => "SET VARIABLE oml_somministrazione = 'utilizzatrice';",
        };
        format!("{list} {geography} {agency}")
    }

    /// The options that select this perimeter, for a printed command line (empty for the
    /// default).
    pub fn options(&self) -> String {
        let mut s = String::new();
        match self.datori {
            Employers::All => {}
            Employers::Private => s.push_str(" --datori privati"),
            Employers::Public => s.push_str(" --datori pubblici"),
        }
        if !self.escludi.is_empty() {
            let codes: Vec<&str> = self.escludi.iter().map(|e| e.code()).collect();
            s.push_str(&format!(" --escludi {}", codes.join(",")));
        }
        if self.geografia == Geography::Residence {
            s.push_str(" --geografia residenza");
        }
        if self.somministrazione == AgencySector::UserFirm {
            s.push_str(" --settore-somministrazione utilizzatrice");
        }
        s
    }

    /// The perimeter in Italian, one line per choice, for the bulletin's box.
    pub fn describe(&self) -> Vec<String> {
        let datori = match self.datori {
            Employers::All => "Datori di lavoro: tutti, privati e pubbliche amministrazioni.",
            Employers::Private => "Datori di lavoro: solo privati (escluse le pubbliche amministrazioni).",
            Employers::Public => "Datori di lavoro: solo pubbliche amministrazioni.",
        };
        let esclusi = if self.escludi.is_empty() {
            "Esclusioni: nessuna (agricoltura, lavoro domestico, intermittente, somministrazione e \
             rapporti di un giorno sono compresi)."
                .to_string()
        } else {
            let labels: Vec<&str> = self.escludi.iter().map(|e| e.label()).collect();
            format!("Esclusi: {}.", labels.join(", "))
        };
        let geografia = match self.geografia {
            Geography::Workplace => "Territorio: comune della sede di lavoro.",
            Geography::Residence => {
                "Territorio: comune di domicilio del lavoratore indicato nella comunicazione \
                 (conta chi lavora fuori provincia solo se il lago ne contiene le comunicazioni)."
            }
        };
        let mut lines = vec![datori.to_string(), esclusi, geografia.to_string()];
        if !self.escludi.contains(&Exclusion::Somministrazione) {
            lines.push(
                match self.somministrazione {
                    AgencySector::Agency => {
                        "Somministrazione: nel settore dell'agenzia per il lavoro (ATECO 78.20), datore \
                         di lavoro della comunicazione."
                    }
                    AgencySector::UserFirm => {
                        "Somministrazione: nel settore dell'impresa utilizzatrice indicato nel modulo \
                         UNISOMM (prima missione); dove il modulo non lo indica, in quello dell'agenzia."
                    }
                }
                .to_string(),
            );
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_resets_every_variable() {
        let p = Perimeter::default();
        assert!(p.is_everything());
        assert_eq!(
            p.sql(),
            "RESET VARIABLE oml_esclusi; RESET VARIABLE oml_geografia; RESET VARIABLE oml_somministrazione;"
        );
        assert_eq!(p.options(), "");
    }

    #[test]
    fn exclusions_are_sorted_once_and_employers_join_them() {
        let p = Perimeter::new(
            Employers::Private,
            &[
                Exclusion::Somministrazione,
                Exclusion::Agricoltura,
                Exclusion::Agricoltura,
            ],
            Geography::Residence,
        );
        assert_eq!(
            p.sql(),
            "SET VARIABLE oml_esclusi = ['agricoltura', 'somministrazione', 'pubblici']::VARCHAR[]; \
             SET VARIABLE oml_geografia = 'residenza'; RESET VARIABLE oml_somministrazione;"
        );
        assert_eq!(
            p.options(),
            " --datori privati --escludi agricoltura,somministrazione --geografia residenza"
        );
        assert!(p.describe()[1].contains("agricoltura") && p.describe()[1].contains("somministrazione"));
    }

    #[test]
    fn agency_work_goes_to_the_user_firm_only_when_asked() {
        let p = Perimeter::default().with_agency_sector(AgencySector::UserFirm);
        assert!(!p.is_everything());
        assert!(p
            .sql()
            .ends_with("SET VARIABLE oml_somministrazione = 'utilizzatrice';"));
        assert_eq!(p.options(), " --settore-somministrazione utilizzatrice");
        assert!(p.describe()[3].contains("utilizzatrice"));
        // Left out altogether, whose sector it would be is not said.
        let out = Perimeter::new(Employers::All, &[Exclusion::Somministrazione], Geography::Workplace);
        assert_eq!(out.describe().len(), 3);
        let t: Perimeter = toml::from_str("somministrazione = \"utilizzatrice\"").unwrap();
        assert_eq!(t, p);
    }

    #[test]
    fn a_pipeline_file_names_it_in_italian() {
        let p: Perimeter =
            toml::from_str("datori = \"pubblici\"\nescludi = [\"giornalieri\"]\ngeografia = \"residenza\"").unwrap();
        assert_eq!(
            p,
            Perimeter::new(Employers::Public, &[Exclusion::Giornalieri], Geography::Residence)
        );
    }
}
