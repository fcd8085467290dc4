//! The numbers of a bulletin: every one comes from an indicator of `sql/indicatori/`, run with
//! the province filter and protected by disclosure control as one cube.

use super::registri::{CigLavoratoriCubes, DidCubes, ListeCubes, Registri};
use super::{BulletinPeriod, BulletinSpec, Figure};
use crate::analytics::indicators::{compute, Perimeter, Periodicity, Request, Table, Territory, TOTALE};
use crate::analytics::Session;
use crate::lake::Lake;
use crate::reference::LivelloTerritorio;
use crate::sdc::{self, DisclosureConfig, Mode, Status};
use anyhow::{bail, Context, Result};
use chrono::{Datelike, NaiveDate};
use std::collections::{HashMap, HashSet};

/// The measures of pendolarismo the bulletin shows (the others are dropped from its cube).
pub const COMMUTING_SHOWN: [&str; 6] = [
    "interni",
    "in_entrata",
    "in_uscita",
    "saldo_pendolare",
    "occupati_residenti",
    "autocontenimento",
];

/// The measures of j2j the bulletin shows: the hires and their classes, which add up (the rates
/// would need the stock at the start of the period, which another table shows differently).
pub const J2J_SHOWN: [&str; 7] = [
    "assunzioni",
    "EE",
    "AQHire",
    "J2J",
    "ENPersist",
    "da_occupato",
    "ingressi_non_osservati",
];

/// Whether an area of `pendolarismo --livello cpi` is a CPI of the province (`PRV-PO`: its comuni
/// without a CPI in the table).
pub fn cpi_in_province(code: &str, province: &str) -> bool {
    code.strip_prefix("PRV-") == Some(province)
        || crate::reference::Reference::get()
            .cpi_province()
            .iter()
            .any(|(c, p)| c.codice == code && p.sigla == province)
}

/// A protected indicator table with lookups by (period, breakdown labels, measure).
pub struct Cube {
    pub table: Table,
    /// The `oml indicators` command that prints the same table.
    pub command: String,
    /// The territory filter, as a label (cubes of one bulletin differ only there).
    pub territory: String,
    /// The periods the bulletin shows (None: all); the others stay unknown to readers.
    pub shown_periods: Option<Vec<String>>,
    /// Its cells are the ones readers look at first (the monthly series): secondary suppression
    /// takes them only when nothing else protects a cell (`sdc::Cell::headline`).
    pub headline: bool,
    /// The breakdown values of the cells the bulletin shows (None: all); the others stay unknown
    /// to readers, like the periods not shown.
    pub shown_cells: Option<HashSet<Vec<Option<String>>>>,
    index: HashMap<(String, Vec<String>, String), usize>,
}

impl Cube {
    fn new(table: Table, command: String, territory: String) -> Cube {
        let index = index_of(&table);
        Cube {
            table,
            command,
            territory,
            shown_periods: None,
            headline: false,
            shown_cells: None,
            index,
        }
    }

    /// Drops the rows of other measures (never shown, so never published).
    pub fn keep_measures(&mut self, keep: &[&str]) {
        let t = &mut self.table;
        let rows = std::mem::take(&mut t.rows);
        let status = std::mem::take(&mut t.status);
        (t.rows, t.status) = rows
            .into_iter()
            .zip(status)
            .filter(|(r, _)| keep.contains(&r.misura.as_str()))
            .unzip();
        self.index = index_of(&self.table);
    }

    /// Shows only the cells whose breakdown values pass `keep` (see `shown_cells`).
    pub fn show_only(&mut self, keep: impl Fn(&[Option<String>]) -> bool) {
        self.shown_cells = Some(
            self.table
                .rows
                .iter()
                .map(|r| r.dims.clone())
                .filter(|d| keep(d))
                .collect(),
        );
    }

    /// A count: a cell with no row has no event, so it is 0 (published: a zero reveals nobody).
    pub fn count(&self, periodo: &str, dims: &[&str], misura: &str) -> Figure {
        self.lookup(periodo, dims, misura).unwrap_or_else(|| Figure::ok(0.0))
    }

    /// A non-additive measure (mean, median): no row means not available.
    pub fn measure(&self, periodo: &str, dims: &[&str], misura: &str) -> Figure {
        self.lookup(periodo, dims, misura).unwrap_or_else(Figure::not_available)
    }

    fn lookup(&self, periodo: &str, dims: &[&str], misura: &str) -> Option<Figure> {
        let key = (
            periodo.to_string(),
            dims.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            misura.to_string(),
        );
        self.index.get(&key).map(|&i| {
            let status = self.table.status.get(i).copied().unwrap_or(Status::NotAvailable);
            Figure {
                value: if status.is_published() {
                    self.table.rows[i].valore
                } else {
                    None
                },
                status,
            }
        })
    }

    /// The values of breakdown column `i` present in the table (without the total), sorted.
    pub fn labels(&self, i: usize) -> Vec<String> {
        let mut v: Vec<String> = self
            .table
            .rows
            .iter()
            .filter_map(|r| r.dims.get(i).cloned().flatten())
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// The periods present, sorted.
    pub fn periods(&self) -> Vec<String> {
        let mut v: Vec<String> = self.table.rows.iter().map(|r| r.periodo.clone()).collect();
        v.sort();
        v.dedup();
        v
    }
}

fn index_of(table: &Table) -> HashMap<(String, Vec<String>, String), usize> {
    table
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let dims = r
                .dims
                .iter()
                .map(|d| d.clone().unwrap_or_else(|| TOTALE.to_string()))
                .collect();
            ((r.periodo.clone(), dims, r.misura.clone()), i)
        })
        .collect()
}

/// Everything the sections need.
pub struct Figures {
    pub province: String,
    pub province_name: String,
    pub region_code: Option<String>,
    pub region_name: Option<String>,
    pub coverage_start: NaiveDate,
    pub horizon: NaiveDate,
    /// First and last month of the monthly series.
    pub series_from: NaiveDate,
    /// flussi by month, no breakdown, over the history window.
    pub monthly: Cube,
    /// flussi by the bulletin's periodicity from the same period a year earlier, by breakdown.
    pub by_contract: Cube,
    pub by_sector: Cube,
    pub by_section: Cube,
    pub by_cpi: Cube,
    pub by_comune: Cube,
    /// flussi of the current period by classe_eta × sesso.
    pub by_age_sex: Cube,
    /// posizioni by contract, current and previous period.
    pub positions: Cube,
    /// lavoratori_interessati by sex, current and previous period.
    pub workers: Cube,
    /// durate of the current period by contract.
    pub durations: Cube,
    /// transizioni of the current period by settore_origine × settore (the mobility matrix).
    pub mobility: Cube,
    /// pendolarismo of the current period by CPI (`--livello cpi`), the measures the bulletin shows.
    pub commuting: Cube,
    /// pendolarismo_od of the current period: CPI of the domicile × CPI of the workplace.
    pub commuting_od: Cube,
    /// j2j without breakdown, current and previous period: hires by where they came from.
    pub j2j: Cube,
    /// matrice_transizioni of the current period by contract left × contract found.
    pub contract_moves: Cube,
    /// The AQHire limit of the build, in days (`oml build --limite-aqhire`).
    pub limite_aqhire: i32,
    /// flussi of the whole region (same periods), when the lake holds more of it than the province.
    pub region: Option<Cube>,
    /// Whether the comparison period is inside the lake's coverage.
    pub has_previous: bool,
    /// The INPS CIG hours of the lake (public open data, outside the joint protection).
    pub cig: Option<super::cig::CigFigures>,
    /// The ISTAT unemployment rates of the province, its region and Italy, with their source.
    pub unemployment: super::unemployment::Rates,
    /// The latest extraction date (vintage) of the communications in the lake.
    pub extraction: Option<NaiveDate>,
    /// The monthly series of the previous bulletin (`--precedente`), for the revision table.
    pub previous: Option<super::vintage::PublishedSeries>,
    /// Which individual records of the labour information system the lake holds.
    pub registri: Registri,
    /// Registered unemployment (DID) of the province's CPIs, when the lake holds DID records.
    pub did: Option<DidCubes>,
    /// Workers in cassa integrazione from the individual records, when the lake holds them.
    pub cig_lavoratori: Option<CigLavoratoriCubes>,
    /// The mobility lists of the province's CPIs, when the lake holds pratiche up to the period.
    pub liste: Option<ListeCubes>,
    /// The outcomes of the DID cohorts of a year before the period (their own disclosure
    /// control), when the lake holds DID records of the province then.
    pub esiti: Option<super::esiti::EsitiFigures>,
    pub rules: DisclosureConfig,
    /// The tables of the reference bulletins (cumulated and annualised saldo, inflow into open-ended
    /// employment, cessazioni by cause and duration, working time).
    pub reference: super::riferimento::ReferenceTables,
    /// The joint protection of all the cubes.
    pub protection: sdc::Report,
}

/// The `oml indicators` command line of a request.
fn command_line(req: &Request, province: &str) -> String {
    let mut s = format!("oml indicators {}", req.indicator);
    if !req.by.is_empty() {
        s.push_str(&format!(" --by {}", req.by.join(",")));
    }
    if let Some((a, b)) = req.period {
        s.push_str(&format!(" --period {a}..{b}"));
    }
    s.push_str(&format!(" --periodicity {}", req.periodicity.sql_name()));
    match &req.territory.regione {
        Some(r) => s.push_str(&format!(" --region {r}")),
        None => s.push_str(&format!(" --province {province}")),
    }
    s.push_str(&req.perimeter.options());
    for (name, value) in &req.parameters {
        s.push_str(&format!(" --{} {value}", name.replace('_', "-")));
    }
    s
}

/// The spans a bulletin's cubes cover: the monthly series, the period beside the previous one,
/// the period alone; its periodicity; the lake's first day.
struct Windows {
    series: (NaiveDate, NaiveDate),
    window: (NaiveDate, NaiveDate),
    current: (NaiveDate, NaiveDate),
    g: Periodicity,
    coverage_start: NaiveDate,
}

/// What the registers' sections publish.
type RegisterFigures = (
    Option<DidCubes>,
    Option<CigLavoratoriCubes>,
    Option<ListeCubes>,
    Option<super::esiti::EsitiFigures>,
);

/// The sections of the registers the lake holds: DID, workers in CIG, mobility lists, and the
/// outcomes of the DID cohorts that entered in the year ending twelve months before the
/// period's end (so that their 12-month outcomes are complete).
fn registers_figures(
    maker: &CubeMaker,
    registri: Registri,
    period: &BulletinPeriod,
    w: &Windows,
) -> Result<RegisterFigures> {
    let did = match registri.did {
        true => DidCubes::compute(maker, w.series, w.window, w.current, w.g)?,
        false => None,
    };
    let cig_lavoratori = match registri.cig_lavoratori {
        true => CigLavoratoriCubes::compute(maker, w.series, w.window, w.g)?,
        false => None,
    };
    let liste = match registri.mobilita {
        true => ListeCubes::compute(maker, w.window, w.g)?,
        false => None,
    };
    let al = period.al.checked_sub_months(chrono::Months::new(12));
    let dal = al
        .and_then(|a| a.checked_sub_months(chrono::Months::new(12)))
        .map(|d| d + chrono::Days::new(1));
    let esiti = match (registri.did, dal, al) {
        (true, Some(dal), Some(al)) if al >= w.coverage_start => super::esiti::compute_figures(
            maker.session,
            &maker.province,
            (dal.max(w.coverage_start), al),
            maker.rules,
        )?,
        _ => None,
    };
    Ok((did, cig_lavoratori, liste, esiti))
}

/// The relationships of a territory up to which a bulletin keeps its segments in memory (about
/// 400 bytes a segment in DuckDB: 0.4 GB at the limit; the demo province has 308 thousand).
const KEEP_SEGMENTS_UP_TO: i64 = 1_000_000;

/// Computes the protected cubes of one bulletin (the province filter, the rules).
pub(super) struct CubeMaker<'a> {
    pub(super) session: &'a Session,
    rules: DisclosureConfig,
    territory: Territory,
    perimeter: Perimeter,
    pub(super) province: String,
}

impl CubeMaker<'_> {
    pub(super) fn cube(
        &self,
        indicator: &str,
        by: &[&str],
        period: (NaiveDate, NaiveDate),
        p: Periodicity,
    ) -> Result<Cube> {
        self.cube_of(self.request(indicator, by, period, p, self.territory.clone(), &[])?)
    }

    /// The same with values of the indicator's parameters (`parametri:` header, e.g. livello).
    pub(super) fn cube_with(
        &self,
        indicator: &str,
        by: &[&str],
        period: (NaiveDate, NaiveDate),
        p: Periodicity,
        parameters: &[(&str, &str)],
    ) -> Result<Cube> {
        self.cube_of(self.request(indicator, by, period, p, self.territory.clone(), parameters)?)
    }

    /// Cubes of one indicator over the same periods that differ only in their breakdown (one
    /// each in `bys`), computed from one run of the file where it allows it
    /// (`analytics::shared`).
    pub(super) fn cubes(
        &self,
        indicator: &str,
        bys: &[&[&str]],
        period: (NaiveDate, NaiveDate),
        p: Periodicity,
    ) -> Result<Vec<Cube>> {
        let reqs = bys
            .iter()
            .map(|by| self.request(indicator, by, period, p, self.territory.clone(), &[]))
            .collect::<Result<Vec<_>>>()?;
        let commands: Vec<String> = reqs.iter().map(|r| command_line(r, &self.province)).collect();
        let tables = crate::analytics::shared::compute_shared(self.session, &reqs)
            .with_context(|| format!("computing `{}`", commands.join("`, `")))?;
        Ok(tables
            .into_iter()
            .zip(commands)
            .zip(&reqs)
            .map(|((table, command), r)| Cube::new(table, command, format!("{:?}", r.territory)))
            .collect())
    }

    fn request(
        &self,
        indicator: &str,
        by: &[&str],
        period: (NaiveDate, NaiveDate),
        p: Periodicity,
        territory: Territory,
        parameters: &[(&str, &str)],
    ) -> Result<Request> {
        let reads_co = crate::analytics::indicators::find(indicator)?.reads_co();
        Ok(Request {
            indicator: indicator.to_string(),
            by: by.iter().map(|s| s.to_string()).collect(),
            period: Some(period),
            periodicity: p,
            totals: true,
            mode: Mode::Protected(self.rules),
            territory,
            perimeter: if reads_co {
                self.perimeter.clone()
            } else {
                Perimeter::default()
            },
            parameters: parameters.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        })
    }

    /// Computes `segmenti_dim` of this maker's territory and perimeter once, into a temporary
    /// table of the same name (`Session::keep`), when the territory has at most
    /// [`KEEP_SEGMENTS_UP_TO`] relationships: the communications' cubes that follow read it
    /// instead of the lake (on the demo province a `flussi` cube took 0.15 s, 0.04 s once kept,
    /// mostly for planning the view). A cube of another territory drops it first (`cube_of`).
    /// Whether it kept the table.
    fn keep_segments(&self, relationships: i64) -> Result<bool> {
        if relationships > KEEP_SEGMENTS_UP_TO {
            return Ok(false);
        }
        let variables = format!("{}{}", self.territory.sql(), self.perimeter.sql());
        self.session.conn.execute_batch(&variables)?;
        self.session.keep("segmenti_dim")?;
        Ok(true)
    }

    /// The protected cube of a request, with the command that recomputes it.
    fn cube_of(&self, req: Request) -> Result<Cube> {
        // A kept segmenti_dim holds this maker's territory only (`keep_segments`).
        if req.territory != self.territory {
            self.session.forget("segmenti_dim")?;
        }
        let command = command_line(&req, &self.province);
        let table = compute(self.session, &req).with_context(|| format!("computing `{command}`"))?;
        let territory = format!("{:?}", req.territory);
        Ok(Cube::new(table, command, territory))
    }
}

fn date(s: &str, what: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").with_context(|| format!("the manifest's {what} {s:?} is not a date"))
}

pub(super) fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

impl Figures {
    pub fn compute(
        lake: &Lake,
        spec: &BulletinSpec,
        period: &BulletinPeriod,
        progress: &dyn Fn(&str),
    ) -> Result<Figures> {
        // The previous bulletin first: a wrong folder fails before the long computation.
        let previous = spec
            .precedente
            .as_deref()
            .map(super::vintage::PublishedSeries::read_bulletin)
            .transpose()?;
        if let Some(p) = &previous {
            let scope = super::vintage::scope(spec);
            if p.scope != scope {
                bail!(
                    "the previous bulletin counts `{}`, this one `{scope}`: revisions compare bulletins of the same \
                     province and perimeter (--datori, --escludi, --geografia)",
                    p.scope
                );
            }
        }
        let (_, build) = lake.require_built()?;
        let horizon = date(&build.orizzonte, "horizon")?;
        let coverage_start = date(&build.inizio_copertura, "coverage start")?;
        if period.al > horizon {
            bail!(
                "the bulletin period {} ends after the data: the lake's horizon is {horizon} (see `oml status`)",
                period.label
            );
        }
        if period.dal < coverage_start {
            bail!(
                "the bulletin period {} starts before the lake's coverage ({coverage_start})",
                period.label
            );
        }
        let reference = crate::reference::Reference::get();
        let province = spec.province.trim().to_uppercase();
        let prov = reference
            .provincia(&province)
            .with_context(|| format!("unknown province {province:?}: give its sigla, e.g. PO"))?;
        let region = reference.regione(&prov.regione_istat);
        let rules = spec.disclosure()?;
        let session = Session::open(lake)?;
        let ctx = CubeMaker {
            session: &session,
            rules,
            territory: Territory {
                provincia: Some(province.clone()),
                regione: None,
            },
            perimeter: spec.perimetro.clone(),
            province: province.clone(),
        };
        let g = period.periodicity;
        let has_previous = period.prev_dal >= coverage_start;
        let window = (if has_previous { period.prev_dal } else { period.dal }, period.al);
        let current = (period.dal, period.al);

        // The monthly history: whole months inside the coverage, at most `history_years`.
        let history_start = period
            .al
            .checked_sub_months(chrono::Months::new(12 * spec.history_years.max(1)))
            .and_then(|d| d.succ_opt())
            .map(first_of_month)
            .unwrap_or(period.dal);
        let first_full_month = if coverage_start.day() == 1 {
            coverage_start
        } else {
            first_of_month(coverage_start)
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(coverage_start)
        };
        let series_from = history_start.max(first_full_month);

        // The region, only when the lake holds more of it than this province.
        let region_code = Some(prov.regione_istat.clone());
        let (n_prov, n_region): (i64, i64) = session
            .conn
            .query_row(
                "SELECT count(*) FILTER (WHERE provincia = ?), count(*) FILTER (WHERE regione = ?) FROM rapporti",
                [province.as_str(), prov.regione_istat.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .context("counting the relationships of the province and of its region")?;
        if n_prov == 0 {
            bail!(
                "the lake has no relationships with a workplace in province {province} ({}): \
                 check --province (`oml sql \"SELECT provincia, count(*) FROM rapporti GROUP BY ALL\"`)",
                prov.nome
            );
        }
        // The registers' sections (DID, CIG workers, mobility lists, outcomes) read other tables
        // than the communications' ones: computed on a second connection to the same DuckDB, at
        // the same time (the demo's bulletin used 1.5 of its 2 cores with one connection).
        let registri = Registri::of(&session)?;
        let other = session.another()?;
        let parts = (
            ctx.rules,
            ctx.territory.clone(),
            ctx.perimeter.clone(),
            ctx.province.clone(),
        );
        let windows = Windows {
            series: (series_from, period.al),
            window,
            current,
            g,
            coverage_start,
        };
        std::thread::scope(|scope| -> Result<Figures> {
            let registers = scope.spawn(move || {
                let (rules, territory, perimeter, province) = parts;
                let maker = CubeMaker {
                    session: &other,
                    rules,
                    territory,
                    perimeter,
                    province,
                };
                registers_figures(&maker, registri, period, &windows)
            });
            // The communications' cubes of the province read segmenti_dim computed once
            // (`CubeMaker::keep_segments`); the region's cube, below, reads the view again.
            let kept = ctx.keep_segments(n_prov)?;
            progress("serie mensile dei flussi");
            let mut monthly = ctx.cube("flussi", &[], (series_from, period.al), Periodicity::Month)?;
            monthly.headline = true;
            progress("flussi per contratto, settore e territorio");
            let bys: [&[&str]; 5] = [
                &["macro_contratto"],
                &["settore"],
                &["ateco_sezione"],
                &["cpi"],
                &["comune"],
            ];
            let [by_contract, by_sector, by_section, by_cpi, by_comune]: [Cube; 5] = ctx
                .cubes("flussi", &bys, window, g)?
                .try_into()
                .map_err(|_| anyhow::anyhow!("five cubes of flussi"))?;
            progress("attivazioni per età e sesso");
            let by_age_sex = ctx.cube("flussi", &["classe_eta", "sesso"], current, g)?;
            progress("posizioni di lavoro");
            let mut positions = ctx.cube("posizioni", &["macro_contratto"], window, g)?;
            // Only the end-of-period stock is shown; the stock-flow link to the saldi is one equation
            // in the joint protection (see `protect_together`), so the other measures are left out.
            positions.keep_measures(&["posizioni_fine"]);
            positions.shown_periods = Some(vec![period.label.clone(), period.prev_label.clone()]);
            progress("lavoratori interessati e durate");
            let workers = ctx.cube("lavoratori_interessati", &["sesso"], window, g)?;
            let durations = ctx.cube("durate", &["macro_contratto"], current, g)?;
            progress("transizioni tra settori");
            let mobility = ctx.cube("transizioni", &["settore_origine", "settore"], current, g)?;
            progress("pendolarismo tra centri per l'impiego");
            let cpi = [("livello", "cpi")];
            let mut commuting = ctx.cube_with("pendolarismo", &["area"], current, g, &cpi)?;
            commuting.keep_measures(&COMMUTING_SHOWN);
            // The table shows the province's CPIs and the total; the matrix its cells, not its margins.
            commuting.show_only(|d| d[0].as_deref().is_none_or(|a| cpi_in_province(a, &province)));
            let mut commuting_od =
                ctx.cube_with("pendolarismo_od", &["area_domicilio", "area_lavoro"], current, g, &cpi)?;
            commuting_od.show_only(|d| d.iter().all(Option::is_some));
            progress("flussi da lavoro a lavoro");
            let mut j2j = ctx.cube("j2j", &[], window, g)?;
            j2j.keep_measures(&J2J_SHOWN);
            let mut contract_moves = ctx.cube_with(
                "matrice_transizioni",
                &["origine", "destinazione"],
                current,
                g,
                &[("asse", "contratto")],
            )?;
            contract_moves.keep_measures(&["transizioni"]);

            progress("tavole dei bollettini di riferimento");
            let reference = super::riferimento::ReferenceTables::compute(
                &ctx,
                period,
                (series_from, period.al),
                first_full_month,
                window,
                spec.anno_riferimento
                    .unwrap_or(super::riferimento::DEFAULT_REFERENCE_YEAR),
            )?;

            if kept {
                session.forget("segmenti_dim")?;
            }
            let region_cube = if n_region > n_prov {
                progress("flussi della regione");
                let region = Territory {
                    provincia: None,
                    regione: region_code.clone(),
                };
                Some(ctx.cube_of(ctx.request("flussi", &[], window, g, region, &[])?)?)
            } else {
                None
            };
            progress("cassa integrazione e tasso di disoccupazione");
            let region_name = region.map(|r| r.nome.clone()).unwrap_or_default();
            let cig = super::cig::figures(
                &session,
                period,
                series_from,
                (&prov.istat, &prov.nome),
                (&prov.regione_istat, &region_name),
            )?;
            let unemployment = super::unemployment::annual_rates(
                Some(&session),
                &[
                    (&prov.nome, LivelloTerritorio::Provincia, &prov.istat),
                    (&region_name, LivelloTerritorio::Regione, &prov.regione_istat),
                    ("Italia", LivelloTerritorio::Italia, "IT"),
                ],
            )?;
            let extraction: Option<String> = session
                .conn
                .query_row("SELECT max(data_estrazione)::VARCHAR FROM co_eventi", [], |r| r.get(0))
                .context("reading the extraction date of the communications")?;
            let extraction = extraction.map(|d| date(&d, "extraction date")).transpose()?;
            let (did, cig_lavoratori, liste, esiti) = registers
                .join()
                .map_err(|_| anyhow::anyhow!("the registers' sections stopped with a panic"))??;
            let mut figures = Figures {
                province_name: prov.nome.clone(),
                province,
                region_name: region.map(|r| r.nome.clone()),
                region_code,
                coverage_start,
                horizon,
                series_from,
                monthly,
                by_contract,
                by_sector,
                by_section,
                by_cpi,
                by_comune,
                by_age_sex,
                positions,
                workers,
                durations,
                mobility,
                commuting,
                commuting_od,
                j2j,
                contract_moves,
                limite_aqhire: build.limite_aqhire,
                region: region_cube,
                has_previous,
                cig,
                unemployment,
                extraction,
                previous,
                registri,
                did,
                cig_lavoratori,
                liste,
                esiti,
                reference,
                rules,
                protection: sdc::Report::default(),
            };
            progress("controllo della riservatezza su tutte le tavole insieme");
            let rules = figures.rules;
            figures.protection = super::joint::protect_together(&mut figures.cubes_mut(), &rules)?;
            Ok(figures)
        })
    }

    fn cubes_mut(&mut self) -> Vec<&mut Cube> {
        let mut v = vec![
            &mut self.monthly,
            &mut self.by_contract,
            &mut self.by_sector,
            &mut self.by_section,
            &mut self.by_cpi,
            &mut self.by_comune,
            &mut self.by_age_sex,
            &mut self.positions,
            &mut self.workers,
            &mut self.durations,
            &mut self.mobility,
            &mut self.commuting,
            &mut self.commuting_od,
            &mut self.j2j,
            &mut self.contract_moves,
        ];
        if let Some(r) = &mut self.region {
            v.push(r);
        }
        if let Some(d) = &mut self.did {
            v.extend([&mut d.monthly, &mut d.period, &mut d.by_cpi_sex]);
        }
        if let Some(c) = &mut self.cig_lavoratori {
            v.extend([&mut c.by_type, &mut c.monthly]);
        }
        if let Some(l) = &mut self.liste {
            v.extend(l.period.iter_mut().chain(l.yearly.iter_mut()));
        }
        v.extend(self.reference.cubes_mut());
        v
    }

    /// Every cube, for the notes and the totals of suppressed cells.
    pub fn cubes(&self) -> Vec<&Cube> {
        let mut v = vec![
            &self.monthly,
            &self.by_contract,
            &self.by_sector,
            &self.by_section,
            &self.by_cpi,
            &self.by_comune,
            &self.by_age_sex,
            &self.positions,
            &self.workers,
            &self.durations,
            &self.mobility,
            &self.commuting,
            &self.commuting_od,
            &self.j2j,
            &self.contract_moves,
        ];
        if let Some(r) = &self.region {
            v.push(r);
        }
        if let Some(d) = &self.did {
            v.extend([&d.monthly, &d.period, &d.by_cpi_sex]);
        }
        if let Some(c) = &self.cig_lavoratori {
            v.extend([&c.by_type, &c.monthly]);
        }
        if let Some(l) = &self.liste {
            v.extend(l.period.iter().chain(l.yearly.iter()));
        }
        v.extend(self.reference.cubes());
        v
    }
}

/// Months of a monthly cube from `from` to `to` inclusive, as labels '2024-03'.
pub fn months(from: NaiveDate, to: NaiveDate) -> Vec<(i32, u32, String)> {
    let mut out = Vec::new();
    let mut d = first_of_month(from);
    while d <= to {
        out.push((d.year(), d.month(), format!("{}-{:02}", d.year(), d.month())));
        match d.checked_add_months(chrono::Months::new(1)) {
            Some(n) => d = n,
            None => break,
        }
    }
    out
}
