//! The provincial bulletin (`oml bulletin`, `oml run pipelines/*.toml`): tables, charts and
//! generated Italian sentences for one province and one period, written as a self-contained HTML
//! page, Markdown, an XLSX workbook and CSVs.
//!
//! Stages: [`data`] runs the indicators of `sql/indicatori/` (each through disclosure control)
//! and keeps every protected cube; [`sections`] turns them into the document (tables, charts,
//! sentences: derived figures such as variations are computed only from published cells);
//! [`markup`] renders the HTML page and the Markdown from the templates of `templates/bulletin/`;
//! [`vintage`] keeps the published monthly series for the next bulletin's revision table;
//! [`render`] writes the files, all into a staging folder renamed into place at the end.

pub mod cig;
pub mod data;
pub mod esiti;
pub mod joint;
pub mod markup;
pub mod registri;
pub mod render;
pub mod riferimento;
pub mod sections;
pub mod unemployment;
pub mod vintage;

use crate::analytics::indicators::Periodicity;
use crate::lake::Lake;
use crate::model::period::Period;
use crate::report::charts::Chart;
use crate::sdc::Status;
use anyhow::{Context, Result};
use chrono::NaiveDate;
pub use sections::SECTIONS;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// What to produce: the `[bulletin]` table of a pipeline file, or the `oml bulletin` options.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BulletinSpec {
    /// Province of the workplace, by sigla (PO).
    pub province: String,
    /// One month (2024-03), quarter (2024-Q4) or year (2024).
    pub period: Period,
    /// Output folder.
    pub out: PathBuf,
    /// Sections to include (default: all, in the standard order).
    #[serde(default)]
    pub sections: Option<Vec<String>>,
    /// Title of the bulletin (default: "Bollettino del mercato del lavoro — provincia di …").
    #[serde(default)]
    pub title: Option<String>,
    /// Years of monthly history in the charts (default 5, at most what the lake covers).
    #[serde(default = "default_history_years")]
    pub history_years: u32,
    /// Disclosure-control thresholds (at least 3 and 3).
    #[serde(default = "default_threshold")]
    pub min_workers: u64,
    #[serde(default = "default_threshold")]
    pub min_employers: u64,
    /// The dominance rule for magnitudes (`2,85`, `80%`, `no`; default `2,85`): see
    /// `sdc::Dominance`; it acts on the hours of the workers in cassa integrazione (t15).
    #[serde(default)]
    pub dominanza: Option<String>,
    /// Interval protection (±) of the suppressed cells (default: the worker threshold): see
    /// docs/riservatezza.md.
    #[serde(default)]
    pub protezione: Option<u64>,
    /// The year the saldo cumulated from January is compared with, besides the previous year
    /// (default 2019, the last before the pandemic).
    #[serde(default)]
    pub anno_riferimento: Option<i32>,
    /// Employers and contracts counted, and the geography, in every table from the
    /// communications (default: everything, by workplace); printed in the perimeter box.
    #[serde(default)]
    pub perimetro: crate::analytics::perimeter::Perimeter,
    /// The output folder of the previous bulletin: its monthly series (`dati/serie_mensili.csv`)
    /// are compared with this bulletin's, to show how the published figures were revised.
    #[serde(default)]
    pub precedente: Option<PathBuf>,
}

fn default_history_years() -> u32 {
    5
}
fn default_threshold() -> u64 {
    crate::sdc::MIN_THRESHOLD
}

impl BulletinSpec {
    /// The validated disclosure thresholds of the bulletin (at least the legal minimum).
    pub fn disclosure(&self) -> Result<crate::sdc::DisclosureConfig> {
        let config = crate::sdc::DisclosureConfig::new(self.min_workers, self.min_employers)?;
        let config = match &self.dominanza {
            Some(d) => config.with_dominance(d.parse()?),
            None => config,
        };
        Ok(match self.protezione {
            Some(0) => anyhow::bail!("protezione must be at least 1"),
            Some(level) => config.with_protection(level),
            None => config,
        })
    }
}

/// The period of a bulletin, its comparison period a year earlier and their labels.
#[derive(Debug, Clone)]
pub struct BulletinPeriod {
    pub dal: NaiveDate,
    pub al: NaiveDate,
    pub periodicity: Periodicity,
    /// Label as the indicators write it ('2024-Q4', '2024-03', '2024').
    pub label: String,
    pub prev_dal: NaiveDate,
    pub prev_al: NaiveDate,
    pub prev_label: String,
}

impl BulletinPeriod {
    /// The bulletin's period: one month, quarter or year, and the same a year earlier.
    pub fn new(p: &Period) -> Result<BulletinPeriod> {
        let periodicity = p
            .single()
            .ok_or_else(|| crate::model::period::PeriodError::NotSingle(p.to_string()))?;
        let prev = p
            .year_earlier()
            .with_context(|| format!("{p}: no period a year earlier"))?;
        Ok(BulletinPeriod {
            dal: p.dal,
            al: p.al,
            periodicity,
            label: p.label(),
            prev_dal: prev.dal,
            prev_al: prev.al,
            prev_label: prev.label(),
        })
    }

    /// "IV trimestre 2024", "dicembre 2024", "2024".
    pub fn name(&self) -> String {
        italian_period(self.dal, self.periodicity)
    }

    /// The same for the comparison period.
    pub fn prev_name(&self) -> String {
        italian_period(self.prev_dal, self.periodicity)
    }

    /// "rispetto al IV trimestre 2023", "rispetto a dicembre 2023", "rispetto al 2023".
    pub fn versus_previous(&self) -> String {
        match self.periodicity {
            Periodicity::Month => format!("rispetto a {}", self.prev_name()),
            _ => format!("rispetto al {}", self.prev_name()),
        }
    }

    /// The same period in `year` (first and last day): the reference year of the comparisons.
    pub fn in_year(&self, year: i32) -> Option<(NaiveDate, NaiveDate)> {
        use chrono::Datelike;
        let dal = self.dal.with_year(year)?;
        let next = self
            .al
            .with_day(1)?
            .with_year(year)?
            .checked_add_months(chrono::Months::new(1))?;
        Some((dal, next.pred_opt()?))
    }

    /// "rispetto al IV trimestre 2019", "rispetto a dicembre 2019", "rispetto al 2019" for the
    /// same period starting on `dal`.
    pub fn versus(&self, dal: NaiveDate) -> String {
        match self.periodicity {
            Periodicity::Month => format!("rispetto a {}", italian_period(dal, self.periodicity)),
            _ => format!("rispetto al {}", italian_period(dal, self.periodicity)),
        }
    }

    /// "nel IV trimestre 2024", "a dicembre 2024", "nel 2024".
    pub fn in_name(&self) -> String {
        match self.periodicity {
            Periodicity::Month => format!("a {}", self.name()),
            _ => format!("nel {}", self.name()),
        }
    }
}

/// The label `oml_periodo` gives the period a day belongs to.
pub fn period_label(d: NaiveDate, p: Periodicity) -> String {
    p.label(d)
}

/// Italian name of the period a day belongs to.
pub fn italian_period(d: NaiveDate, p: Periodicity) -> String {
    use crate::report::format::{quarter_label, MONTHS_LONG};
    use chrono::Datelike;
    match p {
        Periodicity::Month => format!("{} {}", MONTHS_LONG[d.month0() as usize], d.year()),
        Periodicity::Quarter => quarter_label(d.year(), (d.month() - 1) / 3 + 1),
        Periodicity::Year => format!("{}", d.year()),
    }
}

/// A number in a table, with its disclosure status.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub value: Option<f64>,
    pub status: Status,
}

impl Figure {
    pub fn ok(v: f64) -> Figure {
        Figure {
            value: Some(v),
            status: Status::Ok,
        }
    }
    pub fn not_available() -> Figure {
        Figure {
            value: None,
            status: Status::NotAvailable,
        }
    }
    /// The value, if a reader may see it.
    pub fn published(&self) -> Option<f64> {
        if self.status.is_published() {
            self.value
        } else {
            None
        }
    }
}

/// One cell of a bulletin table.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    /// A count or amount with the decimals to show.
    Number(Figure, usize),
    /// A derived variation in percent (shown with its sign) computed from published cells;
    /// None = n.d.
    Percent(Option<f64>),
    /// A derived share in percent (shown without sign: "33,7%") computed from published cells;
    /// None = n.d.
    Share(Option<f64>),
}

/// A table of the bulletin: what the reader sees, plus where its numbers come from.
#[derive(Debug, Clone)]
pub struct TableBlock {
    /// File stem, e.g. `t02_flussi_contratto` (CSV name and XLSX sheet).
    pub id: String,
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Value>>,
    /// The `oml indicators …` commands that give the same numbers.
    pub sources: Vec<String>,
    pub notes: Vec<String>,
    /// The source line under the table (default: OML's processing of the CO).
    pub fonte: String,
}

/// A chart of the bulletin and its file stem.
pub struct ChartBlock {
    pub id: String,
    pub chart: Chart,
    /// Alternative text for the HTML.
    pub alt: String,
}

impl TableBlock {
    /// A table whose numbers come from the command `source`, without notes.
    pub fn new(id: &str, title: impl Into<String>, header: Vec<String>, rows: Vec<Vec<Value>>, source: &str) -> Self {
        TableBlock {
            id: id.to_string(),
            title: title.into(),
            header,
            rows,
            sources: vec![source.to_string()],
            notes: vec![],
            fonte: "elaborazioni OML su dati CO".to_string(),
        }
    }

    /// Builder: the source line of a table not built on the CO.
    pub fn with_fonte(mut self, fonte: &str) -> Self {
        self.fonte = fonte.to_string();
        self
    }

    /// Builder: one more command that gives numbers of the table.
    pub fn with_source(mut self, source: &str) -> Self {
        self.sources.push(source.to_string());
        self
    }

    /// Builder: a note under the table.
    pub fn with_note(mut self, note: &str) -> Self {
        self.notes.push(note.to_string());
        self
    }
}

impl ChartBlock {
    /// A chart of the bulletin: file stem, alternative text and the chart.
    pub fn new(id: &str, alt: &str, chart: Chart) -> Self {
        ChartBlock {
            id: id.to_string(),
            chart,
            alt: alt.to_string(),
        }
    }
}

/// One section: paragraphs, tables and charts in reading order.
pub struct Section {
    pub id: &'static str,
    pub title: &'static str,
    pub blocks: Vec<Block>,
}

pub enum Block {
    Paragraph(String),
    /// A bulleted list.
    List(Vec<String>),
    Table(TableBlock),
    Chart(ChartBlock),
}

/// The whole bulletin, ready to render.
pub struct Bulletin {
    pub title: String,
    pub subtitle: String,
    pub generated: String,
    pub sections: Vec<Section>,
    /// The monthly series it publishes, written as `dati/serie_mensili.csv` for the next
    /// bulletin to compare ([`vintage`]).
    pub series: vintage::PublishedSeries,
}

impl Bulletin {
    pub fn tables(&self) -> impl Iterator<Item = &TableBlock> {
        self.sections
            .iter()
            .flat_map(|s| s.blocks.iter())
            .filter_map(|b| match b {
                Block::Table(t) => Some(t),
                _ => None,
            })
    }
    pub fn charts(&self) -> impl Iterator<Item = &ChartBlock> {
        self.sections
            .iter()
            .flat_map(|s| s.blocks.iter())
            .filter_map(|b| match b {
                Block::Chart(c) => Some(c),
                _ => None,
            })
    }
}

/// What a run wrote.
pub struct Written {
    pub dir: PathBuf,
    pub html: PathBuf,
    pub tables: usize,
    pub charts: usize,
    pub suppressed_cells: usize,
    /// The joint disclosure control of all the tables.
    pub protection: crate::sdc::Report,
}

/// Validates a spec's sections (unknown names are an error, not ignored).
pub fn selected_sections(spec: &BulletinSpec) -> Result<Vec<&'static str>> {
    match &spec.sections {
        None => Ok(SECTIONS.iter().map(|s| s.id).collect()),
        Some(list) => {
            let mut out = Vec::new();
            for s in list {
                let id = SECTIONS.iter().map(|s| s.id).find(|id| id == s).with_context(|| {
                    let names: Vec<&str> = SECTIONS.iter().map(|s| s.id).collect();
                    format!("unknown bulletin section {s:?}; available: {}", names.join(", "))
                })?;
                if !out.contains(&id) {
                    out.push(id);
                }
            }
            // Always in the standard order, whatever the order given.
            out.sort_by_key(|id| SECTIONS.iter().position(|s| s.id == *id));
            Ok(out)
        }
    }
}

/// Computes and writes a bulletin.
pub fn run(lake: &Lake, spec: &BulletinSpec, progress: &dyn Fn(&str)) -> Result<Written> {
    let period = BulletinPeriod::new(&spec.period)?;
    let sections = selected_sections(spec)?;
    let figures = data::Figures::compute(lake, spec, &period, progress)?;
    let bulletin = sections::assemble(spec, &period, &figures, &sections)?;
    progress("scrittura dei file");
    let mut written = render::write(&bulletin, &spec.out)?;
    written.protection = figures.protection.clone();
    Ok(written)
}

/// The policy note on the outcomes of crisis measures (`oml report esiti`): the section "Esiti
/// delle misure di crisi" alone, for the DID entries of `province` in `period` (followed to the
/// lake's horizon), with the notes on the method; written like a bulletin (HTML, Markdown, XLSX,
/// CSV, charts).
pub fn run_esiti_report(
    lake: &Lake,
    province: &str,
    period: &Period,
    out: &Path,
    rules: crate::sdc::DisclosureConfig,
) -> Result<Written> {
    lake.require_built()?;
    let province = province.trim().to_uppercase();
    let prov = crate::reference::Reference::get()
        .provincia(&province)
        .with_context(|| format!("unknown province {province:?}: give its sigla, e.g. PO"))?;
    let session = crate::analytics::Session::open(lake)?;
    let e = esiti::compute_figures(&session, &province, (period.dal, period.al), rules)?.with_context(|| {
        format!(
            "the lake holds no DID released in the CPIs of {province} from {} to {}",
            period.dal, period.al
        )
    })?;
    let mut notes = e.notes.clone();
    notes.push("Definizioni, convenzioni e limiti: docs/esiti.md.".to_string());
    notes.extend(e.commands.iter().map(|c| format!("Gli stessi numeri: {c}")));
    let bulletin = Bulletin {
        title: format!("Esiti delle misure di crisi — provincia di {}", prov.nome),
        subtitle: format!(
            "DID rilasciate dal {} al {}, seguite nelle comunicazioni obbligatorie · nota per la valutazione delle politiche",
            period.dal.format("%d/%m/%Y"),
            period.al.format("%d/%m/%Y")
        ),
        generated: chrono::Local::now().format("%d/%m/%Y %H:%M").to_string(),
        sections: vec![
            Section {
                id: "esiti",
                title: "Esiti delle misure di crisi",
                blocks: sections::esiti_blocks(&e),
            },
            Section {
                id: "metodologia",
                title: "Metodo e fonti",
                blocks: vec![Block::List(notes)],
            },
        ],
        series: vintage::PublishedSeries::default(),
    };
    render::write(&bulletin, out)
}

/// The default output folder of a bulletin: `bollettini/PO-2024-Q4`.
pub fn default_out(province: &str, period: &Period) -> PathBuf {
    Path::new("bollettini").join(format!("{}-{}", province.to_uppercase(), period))
}
