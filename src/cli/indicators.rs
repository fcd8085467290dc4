//! `oml indicators`: a named indicator of `sql/indicatori/` by period and breakdown, through
//! disclosure control, in any output format.

use super::Global;
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use oml::analytics::indicators::{self as ind, Periodicity, Request, Territory};
use oml::analytics::perimeter::{AgencySector, Employers, Exclusion, Geography, Perimeter};
use oml::analytics::Session;
use oml::lake::Lake;
use oml::model::period::Period;
use oml::report::export::{export, ExportFormat};
use oml::sdc::{CellKeySalt, DisclosureConfig, Dominance, Mode, Suppression, MIN_THRESHOLD};
use std::path::PathBuf;

pub const LONG_ABOUT: &str = "Compute a named indicator from sql/indicatori/ over the lake, by period and breakdown, \
with disclosure control.\n\nEvery cell carries a status (stato): ok; soppressa_primaria when fewer than 3 distinct \
workers or 3 distinct employers are behind it (thresholds configurable upward); soppressa_secondaria when it is hidden \
so that no suppressed cell can be recovered, or narrowed below ±3 (--protezione), by subtraction from the totals \
published with it; perturbata with --sdc cellkey (published with a small consistent noise instead); non_disponibile \
when it cannot be computed. Methods and guarantees: docs/riservatezza.md. Totals over each breakdown column are \
included (a cube) and protected together with the detail. --confidential gives the unprotected table for internal \
use, every cell labelled riservata.\n\n\
Examples:\n  oml indicators flussi --by macro_contratto --period 2024-Q1..2024-Q4\n  \
oml indicators posizioni --by settore,sesso --period 2019..2024 --format xlsx --out posizioni.xlsx\n  \
oml indicators qwi --by ateco_sezione --period 2023..2024 --format csv\n  \
oml indicators flussi --by macro_contratto --period 2024 --datori privati --escludi agricoltura,domestico\n  \
oml indicators flussi --by comune,settore,macro_contratto --period 2023 --sdc cellkey\n  \
oml indicators pendolarismo --by area,settore --period 2024 --livello cpi\n  \
oml indicators pendolarismo_od --by area_domicilio,area_lavoro --period 2024 --livello provincia\n  \
oml indicators j2j --by settore --period 2024 --periodicity trimestre\n  \
oml indicators matrice_transizioni --by origine,destinazione --asse contratto --period 2024\n  \
oml indicators matrice_transizioni --by origine,destinazione --asse ateco_divisione --accorpa --period 2024\n  \
oml indicators cig_ore --by tipo_intervento --period 2024-01..2024-12 --periodicity mese --divisore-ore 170\n\n\
The cig_* indicators read the INPS open data loaded with `oml ingest cig` (view cig): their cells are already public \
(stato pubblico) and are not suppressed again; they take the breakdowns tipo_intervento, settore (INPS gestione or \
ramo) and territorio.";

#[derive(Args)]
pub struct IndicatorsArgs {
    /// Indicator name: a file of sql/indicatori/ (flussi, posizioni, j2j, pendolarismo, did,
    /// esiti, cig_ore, …); `oml indicators --list` lists all of them with their measures.
    #[arg(required_unless_present = "list")]
    name: Option<String>,
    /// Breakdown columns, comma-separated (e.g. cpi,macro_contratto). See --list.
    #[arg(long, value_delimiter = ',')]
    by: Vec<String>,
    /// Period: 2024, 2024-Q4, 2024-03, 2024-03-15, or FROM..TO (e.g. 2023-Q1..2024-Q4).
    /// Default: the whole lake (coverage start to horizon of the last build).
    #[arg(long)]
    period: Option<Period>,
    /// Length of the periods in the result (default: as written in --period, else anno).
    #[arg(long, value_enum)]
    periodicity: Option<Periodicity>,
    /// Output format (parquet and xlsx need --out).
    #[arg(long, value_enum, default_value_t = ExportFormat::Table)]
    format: ExportFormat,
    /// Output file (default: standard output for table, csv, json).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    disclosure: DisclosureArgs,
    #[command(flatten)]
    perimeter: PerimeterArgs,
    /// No totals over the breakdown columns (only the detail cells, still protected).
    #[arg(long)]
    no_totals: bool,
    /// Unprotected table for internal use: nothing suppressed, every cell labelled riservata.
    #[arg(long)]
    confidential: bool,
    /// How the table is protected against differencing: soppressione (default: cells under the
    /// thresholds withheld, plus few others chosen by linear programs so that none can be narrowed
    /// below ±threshold; status soppressa_*), euristica (the older, faster heuristic: no cell can
    /// be recovered exactly, intervals not checked) or cellkey (every count published with a
    /// small consistent noise of at most ±2, never 1 or 2, zeros untouched; status perturbata;
    /// needs the lake's key; the count indicators). See docs/riservatezza.md.
    #[arg(long = "sdc", value_enum, default_value = "soppressione")]
    sdc: SdcMethod,
    /// Key file of the lake, for --sdc cellkey (else OML_KEY, else OML_KEY_FILE).
    #[arg(long)]
    key_file: Option<PathBuf>,
    /// Only workplaces in this province (sigla, e.g. PO); with --geografia residenza, only
    /// workers domiciled in it.
    #[arg(long)]
    province: Option<String>,
    /// Only workplaces in this region (as in the regione column; see `oml sql`).
    #[arg(long)]
    region: Option<String>,
    /// List the indicators, their measures and the breakdown columns.
    #[arg(long)]
    list: bool,
    /// cig_ore: hours a month of one worker at zero hours; lavoratori equivalenti = ore
    /// autorizzate ÷ (divisor × months of the period). Printed beside the result (column
    /// divisore_ore and a note). Default 170 (DOMAIN.md §4.5).
    #[arg(long)]
    divisore_ore: Option<f64>,
    /// cig_*: the level of the INPS territories read (default: the finest the lake holds).
    /// Values of different levels are never added together.
    #[arg(long, value_parser = ["italia", "regione", "provincia"])]
    livello_territorio: Option<String>,
    /// pendolarismo, pendolarismo_od: the areas compared, comune (default), cpi or provincia, of
    /// the worker's domicile and of the workplace (breakdowns `area`; `area_domicilio`,
    /// `area_lavoro`); matrice_transizioni with --asse area: the areas of origin and destination.
    #[arg(long, value_parser = ["comune", "cpi", "provincia"])]
    livello: Option<String>,
    /// matrice_transizioni: the classes of origin and destination (breakdowns `origine`,
    /// `destinazione`): settore (default), ateco_sezione, ateco_divisione, area (see --livello),
    /// contratto (with the trasformazioni beside the moves) or dimensione (employer size class).
    #[arg(long, value_parser = ["settore", "ateco_sezione", "ateco_divisione", "area", "contratto", "dimensione"])]
    asse: Option<String>,
    /// matrice_transizioni by origine,destinazione: where cells do not reach the threshold,
    /// merge their classes into the class above (ATECO division → section → macro-sector,
    /// comune → CPI → province) before protecting the table; a merged class reads "C+" and the
    /// merges are listed under the table (column accorpa).
    #[arg(long)]
    accorpa: bool,
    /// esiti: the crisis measure whose entry cohorts are followed: DID (default), MOBILITA
    /// (mobility lists, up to 2016) or CIG (Cassa integrazione, by type of intervention).
    #[arg(long, value_parser = ["DID", "MOBILITA", "CIG"])]
    misura: Option<String>,
}

/// How a table is protected against differencing (`--sdc`).
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SdcMethod {
    /// Secondary suppression with interval protection.
    Soppressione,
    /// Secondary suppression by the heuristic with the exact audit.
    Euristica,
    /// The cell-key method: consistent noise on every count.
    Cellkey,
}

/// The disclosure thresholds of a published table (`oml::sdc`): at least the legal minimum.
#[derive(Args, Clone, Copy)]
pub struct DisclosureArgs {
    /// Minimum distinct workers behind a published cell (at least 3).
    #[arg(long, default_value_t = MIN_THRESHOLD)]
    pub min_workers: u64,
    /// Minimum distinct employers behind a published cell (at least 3).
    #[arg(long, default_value_t = MIN_THRESHOLD)]
    pub min_employers: u64,
    /// Dominance rule for magnitudes built from individual records (hours, days, amounts),
    /// on the employers' contributions: N,K ((N,K): the N = 1 or 2 largest above K % of the
    /// cell), P% (p % rule) or no. Counts and public open data are not affected.
    #[arg(long = "dominanza", default_value = "2,85")]
    pub dominance: Dominance,
    /// Interval protection: how far (±) from its value an intruder must be unable to narrow a
    /// suppressed cell, using the published cells, the totals and that counts are never negative
    /// (default: the worker threshold; for magnitudes also at least 10 % of the value).
    #[arg(long = "protezione", value_parser = clap::value_parser!(u64).range(1..))]
    pub protection: Option<u64>,
}

/// The perimeter of a CO table (`oml::analytics::perimeter`): which employers and contracts are
/// counted, and whose comune the territory is.
#[derive(Args, Clone)]
pub struct PerimeterArgs {
    /// Employers counted: tutti, privati (no public administration, as INPS and La Bussola
    /// count) or pubblici (from the CO's datoreLavoro_PA flag).
    #[arg(long = "datori", value_enum, default_value = "tutti")]
    pub employers: Employers,
    /// Kinds of work left out, comma-separated: agricoltura (ATECO A and agricultural
    /// contracts), domestico, intermittente, giornalieri (relationships that lasted one day),
    /// somministrazione. Default: none.
    #[arg(long = "escludi", value_enum, value_delimiter = ',')]
    pub excluded: Vec<Exclusion>,
    /// Whose comune the territory (comune, cpi, provincia, regione, --province, --region) is:
    /// lavoro (the workplace's, default) or residenza (the worker's domicile in the
    /// communication).
    #[arg(long = "geografia", value_enum, default_value = "lavoro")]
    pub geography: Geography,
    /// Whose sector agency work (somministrazione) is counted in: agenzia (the agency's, ATECO
    /// 78.20, the employer of the communication: the Ministry's and INPS's convention; default)
    /// or utilizzatrice (the user firm's, from the UNISOMM communication; a relationship without
    /// one keeps the agency's).
    #[arg(long = "settore-somministrazione", value_enum, default_value = "agenzia")]
    pub agency_sector: AgencySector,
}

impl PerimeterArgs {
    pub fn perimeter(&self) -> Perimeter {
        Perimeter::new(self.employers, &self.excluded, self.geography).with_agency_sector(self.agency_sector)
    }
}

impl DisclosureArgs {
    pub fn config(&self) -> Result<DisclosureConfig> {
        let rules = DisclosureConfig::new(self.min_workers, self.min_employers)?.with_dominance(self.dominance);
        Ok(match self.protection {
            Some(level) => rules.with_protection(level),
            None => rules,
        })
    }

    /// The release mode: protected by these thresholds, or `--confidential` (nothing withheld,
    /// every cell labelled riservata).
    pub fn mode(&self, confidential: bool) -> Result<Mode> {
        Ok(if confidential {
            Mode::Confidential
        } else {
            Mode::Protected(self.config()?)
        })
    }
}

impl IndicatorsArgs {
    /// The validated request (the name is checked by the library against `sql/indicatori/`).
    fn request(&self) -> Result<Request> {
        let indicator = self.name.clone().context("give an indicator name (see --list)")?;
        let mut parameters = std::collections::BTreeMap::new();
        if let Some(d) = self.divisore_ore {
            anyhow::ensure!(
                d.is_finite() && d > 0.0,
                "--divisore-ore must be a positive number of hours a month ({d} given)"
            );
            parameters.insert("divisore_ore".to_string(), d.to_string());
        }
        if let Some(l) = &self.livello_territorio {
            parameters.insert("livello_territorio".to_string(), l.clone());
        }
        for (name, value) in [
            ("livello", &self.livello),
            ("asse", &self.asse),
            ("misura_esiti", &self.misura),
        ] {
            if let Some(v) = value {
                parameters.insert(name.to_string(), v.clone());
            }
        }
        let mode = self.disclosure.mode(self.confidential)?;
        Ok(Request {
            indicator,
            by: self.by.clone(),
            period: self.period.map(|p| (p.dal, p.al)),
            periodicity: self
                .periodicity
                .or(self.period.and_then(|p| p.written))
                .unwrap_or(Periodicity::Year),
            totals: !self.no_totals,
            mode,
            territory: Territory {
                provincia: self.province.as_ref().map(|p| p.to_uppercase()),
                regione: self.region.clone(),
            },
            perimeter: self.perimeter.perimeter(),
            parameters,
        })
    }
}

fn list() {
    for i in ind::catalog() {
        println!("{} — {}\n{}\n", i.name, i.title, i.description);
    }
    println!("Colonne di disaggregazione (--by):");
    for (n, d) in ind::DIMENSIONS {
        println!("  {n:<24} {d}");
    }
}

/// A session over the lake, once it holds what the indicator reads: the public aggregate tables
/// need no `oml build`, only a lake that holds them.
fn open_for(g: &Global, indicator: &ind::Indicator) -> Result<Session> {
    let lake = Lake::new(&g.lake);
    if indicator.public {
        lake.require_current()?;
    } else {
        lake.require_built()?;
    }
    Session::open(&lake)
}

/// The floor of `oml bench indicators`: the same request over the same lake with the file's
/// distinct counts made plain counts (`Indicator::without_distinct_counts`), unprotected; prints
/// only how many rows it computed, so that nothing of it can be taken for a table.
pub(crate) fn run_floor(g: &Global, a: &IndicatorsArgs) -> Result<()> {
    let mut req = a.request()?;
    req.mode = Mode::Confidential;
    let indicator = ind::find(&req.indicator)?;
    let session = open_for(g, &indicator)?;
    let table = ind::compute_indicator(&session, indicator.without_distinct_counts(), &req)?;
    println!("{}", table.rows.len());
    Ok(())
}

pub fn run(g: &Global, a: &IndicatorsArgs) -> Result<()> {
    if a.list {
        list();
        return Ok(());
    }
    let mut req = a.request()?;
    if let (SdcMethod::Euristica, Mode::Protected(rules)) = (a.sdc, req.mode) {
        req.mode = Mode::Protected(rules.with_suppression(Suppression::Heuristic));
    }
    if a.sdc == SdcMethod::Cellkey {
        anyhow::ensure!(!a.confidential, "--sdc cellkey and --confidential exclude each other");
        let key = oml::privacy::Key::resolve(a.key_file.as_deref(), &g.lake)?;
        req.mode = Mode::CellKey(a.disclosure.config()?, CellKeySalt(key.cell_key_salt()));
    }
    let session = open_for(g, &ind::find(&req.indicator)?)?;
    let table = if a.accorpa {
        oml::analytics::coarsen::compute_coarsened(&session, &req)?.table
    } else {
        ind::compute(&session, &req)?
    };
    let batch = table.to_batch()?;
    export(
        &batch,
        a.format,
        a.out.as_deref(),
        &table.indicator.title,
        &table.notes(),
    )?;
    if let Some(p) = &a.out {
        eprintln!(
            "Scritto {} ({} celle; {}).",
            p.display(),
            batch.num_rows(),
            table.report
        );
    }
    Ok(())
}
