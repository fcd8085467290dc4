//! The records of the labour information system in the bulletin: whether the lake holds DID and
//! mobility-list records, and the cubes of registered unemployment (the `did` indicator) the
//! "Disoccupazione" section shows — the monthly series, the period beside the same period a year
//! earlier, and the period by CPI and sex. They are protected with the other cubes, in one
//! system (`data::protect_together`): the months add up to the period, and the stock at the end
//! of a period is the one before plus inflows minus outflows.

use super::data::{Cube, CubeMaker};
use crate::analytics::indicators::Periodicity;
use crate::analytics::Session;
use anyhow::{Context, Result};
use chrono::NaiveDate;

/// Whether the lake holds DID records (`oml ingest did`) and mobility-list records (`oml ingest
/// mobilita`): the sections say so rather than claim there are none.
#[derive(Debug, Clone, Copy, Default)]
pub struct Registri {
    pub did: bool,
    pub mobilita: bool,
}

impl Registri {
    pub(super) fn of(session: &Session) -> Result<Registri> {
        session
            .conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM did_eventi), EXISTS (SELECT 1 FROM mobilita_eventi)",
                [],
                |r| {
                    Ok(Registri {
                        did: r.get(0)?,
                        mobilita: r.get(1)?,
                    })
                },
            )
            .context("checking for DID and mobility-list records")
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
        let monthly = maker.cube("did", &[], (series.0.max(first_month), series.1), Periodicity::Month)?;
        let period = maker.cube("did", &[], window, g)?;
        let by_cpi_sex = maker.cube("did", &["cpi", "sesso"], current, g)?;
        let mut stmt = maker
            .session
            .conn
            .prepare("SELECT file_origine, max(data_evento)::VARCHAR FROM did_eventi GROUP BY ALL ORDER BY 2, 1")?;
        let files = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .map(|row| {
                let (file, last) = row?;
                let name = std::path::Path::new(&file)
                    .file_name()
                    .map_or(file.clone(), |n| n.to_string_lossy().into_owned());
                Ok(format!("{name}, eventi fino al {last}"))
            })
            .collect::<Result<Vec<String>>>()
            .context("reading the DID files of the lake")?;
        Ok(Some(DidCubes {
            monthly,
            period,
            by_cpi_sex,
            first_month,
            files,
        }))
    }
}
