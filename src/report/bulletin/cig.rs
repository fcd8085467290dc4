//! The INPS cassa integrazione figures of the bulletin's "Cassa integrazione guadagni" section,
//! from the lake's view `cig` (`oml ingest cig`) through the `cig_ore` indicator: authorised
//! hours by type of intervention for the bulletin's period and the same period a year earlier,
//! workers equivalent at zero hours, and the monthly series. INPS publishes most files by region:
//! the section uses the province when the lake holds it, else its region, else Italy, and says
//! which. The values are already public (INPS open data): they are shown as published.

use super::BulletinPeriod;
use crate::analytics::indicators::{compute, Periodicity, Request, Table};
use crate::analytics::Session;
use crate::sdc::Mode;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The values of one type of intervention (or of all, `tipo` None) in a period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CigPeriodo {
    /// Code (`CIGO`, …); None = all types.
    pub tipo: Option<String>,
    pub ore: Option<f64>,
    pub ore_anno_precedente: Option<f64>,
    pub variazione_percentuale: Option<f64>,
    pub lavoratori_equivalenti: Option<f64>,
}

/// What the section shows.
#[derive(Debug, Clone, PartialEq)]
pub struct CigFigures {
    /// "in provincia di Prato", "in Toscana", "in Italia".
    pub dove: String,
    /// `provincia`, `regione` or `italia`.
    pub livello: String,
    /// The types of intervention in the lake's data, by code, with their label.
    pub tipi: Vec<(String, String)>,
    /// The bulletin's period: one row per type, then the total; empty when the data do not
    /// cover the period.
    pub periodo: Vec<CigPeriodo>,
    /// Monthly hours by type (`tipi` order), for the months the data cover up to the period's end.
    pub mensili: Vec<((i32, u32), Vec<f64>)>,
    /// The last month the data cover.
    pub ultimo_mese: Option<(i32, u32)>,
    /// Hours a month of a worker at zero hours.
    pub divisore: String,
    /// The files and vintages the figures come from.
    pub fonte: String,
    /// The command that recomputes the table.
    pub comando: String,
}

/// The lake's CIG hours for the province (sigla `sigla`, ISTAT code `provincia`, region
/// `regione`, names as given), or None when the lake holds none for them.
pub fn figures(
    session: &Session,
    period: &BulletinPeriod,
    series_from: NaiveDate,
    (provincia, nome_provincia): (&str, &str),
    (regione, nome_regione): (&str, &str),
) -> Result<Option<CigFigures>> {
    let candidates = [
        ("provincia", provincia, format!("in provincia di {nome_provincia}")),
        ("regione", regione, format!("in {nome_regione}")),
        ("italia", "IT", "in Italia".to_string()),
    ];
    let mut chosen = None;
    for (livello, code, dove) in candidates {
        let n: i64 = session
            .conn
            .query_row(
                "SELECT count(*) FROM cig WHERE misura = 'ore_autorizzate' AND livello_territorio = ? AND territorio = ?",
                [livello, code],
                |r| r.get(0),
            )
            .context("reading the CIG hours of the lake (view cig)")?;
        if n > 0 {
            chosen = Some((livello, code, dove));
            break;
        }
    }
    let Some((livello, code, dove)) = chosen else {
        return Ok(None);
    };
    let request = |dal: NaiveDate, al: NaiveDate, p: Periodicity| Request {
        indicator: "cig_ore".into(),
        by: vec!["territorio".into(), "tipo_intervento".into()],
        period: Some((dal, al)),
        periodicity: p,
        totals: true,
        mode: Mode::default(),
        territory: Default::default(),
        perimeter: Default::default(),
        parameters: BTreeMap::from([("livello_territorio".to_string(), livello.to_string())]),
    };
    let current = compute(session, &request(period.dal, period.al, period.periodicity))?;
    let monthly = compute(session, &request(series_from, period.al, Periodicity::Month))?;
    let mine = |t: &Table| -> Vec<usize> {
        (0..t.rows.len())
            .filter(|&i| t.rows[i].dims[0].as_deref() == Some(code))
            .collect()
    };
    let labels: BTreeMap<String, String> = crate::reference::Reference::get()
        .inps_interventi()
        .iter()
        .map(|v| (v.codice.clone(), v.etichetta.clone()))
        .collect();
    let mut tipi: Vec<(String, String)> = Vec::new();
    for t in [&monthly, &current] {
        for i in mine(t) {
            if let Some(tipo) = &t.rows[i].dims[1] {
                if !tipi.iter().any(|(c, _)| c == tipo) {
                    tipi.push((tipo.clone(), labels.get(tipo).cloned().unwrap_or_else(|| tipo.clone())));
                }
            }
        }
    }
    tipi.sort();
    let mut periodo: Vec<CigPeriodo> = Vec::new();
    for i in mine(&current) {
        let r = &current.rows[i];
        let slot = match periodo.iter_mut().find(|p| p.tipo == r.dims[1]) {
            Some(s) => s,
            None => {
                periodo.push(CigPeriodo {
                    tipo: r.dims[1].clone(),
                    ..Default::default()
                });
                periodo.last_mut().expect("just pushed")
            }
        };
        match r.misura.as_str() {
            "ore_autorizzate" => slot.ore = r.valore,
            "ore_autorizzate_anno_precedente" => slot.ore_anno_precedente = r.valore,
            "variazione_percentuale" => slot.variazione_percentuale = r.valore,
            "lavoratori_equivalenti" => slot.lavoratori_equivalenti = r.valore,
            _ => {}
        }
    }
    // Types in code order, the total last.
    periodo.sort_by(|a, b| (a.tipo.is_none(), &a.tipo).cmp(&(b.tipo.is_none(), &b.tipo)));
    let mut mensili: BTreeMap<(i32, u32), Vec<f64>> = BTreeMap::new();
    for i in mine(&monthly) {
        let r = &monthly.rows[i];
        let (Some(tipo), "ore_autorizzate") = (&r.dims[1], r.misura.as_str()) else {
            continue;
        };
        let Some((y, m)) = r.periodo.split_once('-') else {
            continue;
        };
        let (Ok(y), Ok(m)) = (y.parse::<i32>(), m.parse::<u32>()) else {
            continue;
        };
        let k = tipi.iter().position(|(c, _)| c == tipo).expect("every type is listed");
        mensili.entry((y, m)).or_insert_with(|| vec![0.0; tipi.len()])[k] = r.valore.unwrap_or(0.0);
    }
    // A month the data cover without any hours has no row: a zero, so that the bars keep the
    // calendar (the months between the first and the last are covered: see oml_cig_periodi).
    if let (Some((&a, _)), Some((&b, _))) = (mensili.first_key_value(), mensili.last_key_value()) {
        let mut ym = a;
        while ym < b {
            ym = if ym.1 == 12 { (ym.0 + 1, 1) } else { (ym.0, ym.1 + 1) };
            mensili.entry(ym).or_insert_with(|| vec![0.0; tipi.len()]);
        }
    }
    let ultimo_mese = session
        .conn
        .query_row(
            "SELECT max(anno * 100 + mese) FROM cig WHERE misura = 'ore_autorizzate' AND livello_territorio = ? AND territorio = ?",
            [livello, code],
            |r| r.get::<_, Option<i64>>(0),
        )?
        .map(|v| ((v / 100) as i32, (v % 100) as u32));
    let fonti = super::unemployment::files_and_vintages(
        session,
        "FROM cig WHERE misura = 'ore_autorizzate' AND livello_territorio = ? AND territorio = ?",
        &[livello, code],
    )?;
    let divisore = current
        .rows
        .iter()
        .chain(&monthly.rows)
        .find_map(|r| r.parameters.first().cloned().flatten())
        .unwrap_or_else(|| "170".into());
    Ok(Some(CigFigures {
        dove,
        livello: livello.to_string(),
        tipi,
        periodo,
        mensili: mensili.into_iter().collect(),
        ultimo_mese,
        divisore,
        fonte: format!("INPS, open data sulla cassa integrazione: {}", fonti.join("; ")),
        comando: format!(
            "oml indicators cig_ore --by territorio,tipo_intervento --period {} --livello-territorio {livello}",
            period.label
        ),
    }))
}
