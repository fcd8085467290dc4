//! The records of the labour information system in the bulletin: whether the lake holds DID,
//! mobility-list and CIG-worker records, and the cubes the sections show — registered
//! unemployment (the `did` indicator: the monthly series, the period beside the same period a
//! year earlier, the period by CPI and sex) in "Disoccupazione"; the workers in cassa
//! integrazione (`cig_lavoratori`: the period by type of intervention, the monthly hours) in
//! "Cassa integrazione guadagni"; the mobility lists (`mobilita_liste`: the period and the yearly
//! series, a historical series since the lists closed in 2017) in "Mobilità". They are protected
//! with the other cubes, in one system (`joint::protect_together`): the months add up to the
//! period, and the stock at the end of a period is the one before plus inflows minus outflows.

use super::data::{Cube, CubeMaker};
use crate::analytics::indicators::Periodicity;
use crate::analytics::Session;
use anyhow::{Context, Result};
use chrono::{Datelike, NaiveDate};

/// Whether the lake holds DID records (`oml ingest did`), mobility-list records (`oml ingest
/// mobilita`) and CIG-worker records (`oml ingest cig-lavoratori`): the sections say so rather
/// than claim there are none.
#[derive(Debug, Clone, Copy, Default)]
pub struct Registri {
    pub did: bool,
    pub mobilita: bool,
    pub cig_lavoratori: bool,
}

impl Registri {
    pub(super) fn of(session: &Session) -> Result<Registri> {
        session
            .conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM did_eventi), EXISTS (SELECT 1 FROM mobilita_eventi), \
                 EXISTS (SELECT 1 FROM cig_lavoratori)",
                [],
                |r| {
                    Ok(Registri {
                        did: r.get(0)?,
                        mobilita: r.get(1)?,
                        cig_lavoratori: r.get(2)?,
                    })
                },
            )
            .context("checking for DID, mobility-list and CIG-worker records")
    }
}

/// The measures of `did` the bulletin shows.
pub const DID_SHOWN: [&str; 13] = [
    "stock_fine",
    "ingressi",
    "uscite",
    "stock_fine_sospese",
    "stock_fine_con_prestazione",
    "stock_fine_durata_oltre_365",
    "ingressi_con_prestazione",
    "ingressi_portale",
    "ingressi_ripetuti",
    "uscite_assunzione",
    "uscite_istanza_lavoratore",
    "uscite_decadenza",
    "uscite_mobilita",
];

/// The registered-unemployment cubes of the province (CPIs of the province).
pub struct DidCubes {
    /// By month, no breakdown, over the monthly history: stock at each month's end and flows.
    pub monthly: Cube,
    /// By the bulletin's periodicity, the period and the same period a year earlier.
    pub period: Cube,
    /// The period, by CPI and sex.
    pub by_cpi_sex: Cube,
    /// The first month with DID records in the lake (the levels before it are not known).
    pub first_month: NaiveDate,
    /// The files the records come from, each with its last event date ("did.csv, eventi fino al
    /// 2024-12-31").
    pub files: Vec<String>,
}

impl DidCubes {
    /// The cubes, or None when the lake holds no DID released in the province up to `al`.
    pub(super) fn compute(
        maker: &CubeMaker,
        series: (NaiveDate, NaiveDate),
        window: (NaiveDate, NaiveDate),
        current: (NaiveDate, NaiveDate),
        g: Periodicity,
    ) -> Result<Option<DidCubes>> {
        let first: Option<String> = maker
            .session
            .conn
            .query_row(
                "SELECT min(data_rilascio)::VARCHAR FROM did_episodi WHERE provincia = ? AND data_rilascio <= ?::DATE",
                [maker.province.clone(), series.1.to_string()],
                |r| r.get(0),
            )
            .context("reading the first DID of the province")?;
        let Some(first) = first else { return Ok(None) };
        let first = NaiveDate::parse_from_str(&first, "%Y-%m-%d").with_context(|| format!("DID date {first:?}"))?;
        let first_month = super::data::first_of_month(first);
        // Every measure stays in the cubes, the shown ones (DID_SHOWN) published and the others
        // withheld: the file's identities bind them all, and dropping a member would turn a true
        // identity into a false one.
        // Six runs of the file over the same episodes: computed once.
        let (monthly, period, by_cpi_sex) = maker.session.with_kept(&["did_episodi", "did_periodi"], || {
            Ok((
                maker.cube("did", &[], (series.0.max(first_month), series.1), Periodicity::Month)?,
                maker.cube("did", &[], window, g)?,
                maker.cube("did", &["cpi", "sesso"], current, g)?,
            ))
        })?;
        let files = files_of(maker.session, "did_eventi", "data_evento", "eventi")?;
        Ok(Some(DidCubes {
            monthly,
            period,
            by_cpi_sex,
            first_month,
            files,
        }))
    }
}

/// The files of a dataset, each with its last date: "did.csv, eventi fino al 2024-12-31".
fn files_of(session: &Session, table: &str, last: &str, what: &str) -> Result<Vec<String>> {
    let sql = format!("SELECT file_origine, max({last})::VARCHAR FROM {table} GROUP BY ALL ORDER BY 2, 1");
    let mut stmt = session.conn.prepare(&sql)?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    rows.map(|row| {
        let (file, last) = row?;
        let name = std::path::Path::new(&file)
            .file_name()
            .map_or(file.clone(), |n| n.to_string_lossy().into_owned());
        Ok(format!("{name}, {what} fino al {last}"))
    })
    .collect::<Result<Vec<String>>>()
    .with_context(|| format!("reading the files of {table}"))
}

/// The measures of `cig_lavoratori` the bulletin shows (`ore_autorizzate_con_utilizzo` is not
/// printed, but the take-up and the used hours give it: it is protected as published).
pub const CIG_LAVORATORI_SHOWN: [&str; 7] = [
    "ore_autorizzate",
    "ore_autorizzate_con_utilizzo",
    "ore_utilizzate",
    "tiraggio",
    "lavoratori",
    "lavoratori_zero_ore",
    "lavoratori_equivalenti",
];

/// The workers in cassa integrazione from the individual records (`cig_lavoratori`). The layout
/// gives the comune of the productive unit, not mapped to a province: the records are all the
/// lake holds (one observatory's), and the section says so.
pub struct CigLavoratoriCubes {
    /// The period and the same period a year earlier, by type of intervention.
    pub by_type: Cube,
    /// By month, no breakdown, over the monthly history the records cover.
    pub monthly: Cube,
    pub files: Vec<String>,
}

impl CigLavoratoriCubes {
    /// The cubes, or None when no record overlaps the monthly history.
    pub(super) fn compute(
        maker: &CubeMaker,
        series: (NaiveDate, NaiveDate),
        window: (NaiveDate, NaiveDate),
        g: Periodicity,
    ) -> Result<Option<CigLavoratoriCubes>> {
        let first: Option<String> = maker
            .session
            .conn
            .query_row(
                "SELECT min(data_inizio)::VARCHAR FROM cig_lavoratori WHERE data_inizio <= ?::DATE AND data_fine >= ?::DATE",
                [series.1.to_string(), series.0.to_string()],
                |r| r.get(0),
            )
            .context("reading the first CIG period of the lake")?;
        let Some(first) = first else { return Ok(None) };
        let first = NaiveDate::parse_from_str(&first, "%Y-%m-%d").with_context(|| format!("CIG date {first:?}"))?;
        let from = series.0.max(super::data::first_of_month(first));
        Ok(Some(CigLavoratoriCubes {
            by_type: maker.cube("cig_lavoratori", &["tipo_intervento"], window, g)?,
            monthly: maker.cube("cig_lavoratori", &[], (from, series.1), Periodicity::Month)?,
            files: files_of(maker.session, "cig_lavoratori", "data_fine", "periodi")?,
        }))
    }
}

/// The measures of `mobilita_liste` the bulletin shows.
pub const LISTE_SHOWN: [&str; 9] = [
    "stock_fine",
    "stock_fine_con_indennita",
    "iscrizioni",
    "cancellazioni",
    "cancellazioni_assunzione_indeterminato",
    "cancellazioni_assunzione_termine",
    "cancellazioni_fine_lista",
    "cancellazioni_decadenza",
    "cancellazioni_altre",
];

/// The mobility lists of the province's CPIs (`mobilita_liste`): closed to new entries from 2017
/// (L. 92/2012), a historical series.
pub struct ListeCubes {
    /// By year, no breakdown, from the first year with a pratica to the last whole year of data
    /// up to the bulletin's period (None when there is no whole year).
    pub yearly: Option<Cube>,
    /// The period and the same period a year earlier, when the lists held pratiche then.
    pub period: Option<Cube>,
    /// First year with a pratica; last year with an event.
    pub years: (i32, i32),
    pub files: Vec<String>,
}

impl ListeCubes {
    /// The cubes, or None when the lake holds no pratica of the province's CPIs up to `al`.
    pub(super) fn compute(
        maker: &CubeMaker,
        window: (NaiveDate, NaiveDate),
        g: Periodicity,
    ) -> Result<Option<ListeCubes>> {
        let al = window.1;
        let span: (Option<String>, Option<String>) = maker
            .session
            .conn
            .query_row(
                "SELECT min(data_iscrizione)::VARCHAR, \
                    (SELECT max(data_evento) FROM mobilita_eventi WHERE data_evento <= ?::DATE)::VARCHAR \
                 FROM mobilita_iscrizioni WHERE provincia = ? AND data_iscrizione <= ?::DATE",
                [al.to_string(), maker.province.clone(), al.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .context("reading the mobility lists of the province")?;
        let (Some(first), Some(last)) = span else {
            return Ok(None);
        };
        let parse = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").with_context(|| format!("date {s:?}"));
        let (first, last) = (parse(&first)?, parse(&last)?);
        // The lists are open in the window when a pratica was in them or entered or left then.
        let open: bool = maker
            .session
            .conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM mobilita_iscrizioni WHERE provincia = ? \
                    AND data_iscrizione <= ?::DATE AND coalesce(data_cancellazione, DATE '9999-12-31') >= ?::DATE - 1)",
                [maker.province.clone(), window.1.to_string(), window.0.to_string()],
                |r| r.get(0),
            )
            .context("reading the mobility lists of the period")?;
        let period = if open && window.0 <= last {
            Some(maker.cube("mobilita_liste", &[], window, g)?)
        } else {
            None
        };
        // Whole years only: from the first pratica's year to the last year of data, up to `al`.
        let last_whole = if al.month() == 12 && al.day() == 31 {
            al.year()
        } else {
            al.year() - 1
        };
        let until = last.year().min(last_whole);
        let yearly = if until >= first.year() {
            let span = (
                NaiveDate::from_ymd_opt(first.year(), 1, 1).context("year")?,
                NaiveDate::from_ymd_opt(until, 12, 31).context("year")?,
            );
            Some(maker.cube("mobilita_liste", &[], span, Periodicity::Year)?)
        } else {
            None
        };
        Ok(Some(ListeCubes {
            yearly,
            period,
            years: (first.year(), last.year()),
            files: files_of(maker.session, "mobilita_eventi", "data_evento", "eventi")?,
        }))
    }
}
