//! What the sections share: the context they are built from ([`Ctx`]: spec, period, figures),
//! the code lists in the order bulletins print them, the source lines, and the helpers every
//! section uses — Italian sentences about a figure ("21.340", "un dato riservato"), variations
//! computed only from published cells, and the flows table of a one-breakdown cube.

use crate::analytics::indicators::TOTALE;
use crate::report::bulletin::data::Cube;
use crate::report::bulletin::data::Figures;
use crate::report::bulletin::{BulletinPeriod, BulletinSpec, Figure, TableBlock, Value};
use crate::report::charts::{ChartKind, Series};
use crate::report::format::{fmt_int, fmt_pct_change, fmt_signed_int};

/// The source line of every chart built on CO data.
pub const SOURCE_CO: &str = "Fonte: elaborazioni OML su dati CO (Comunicazioni Obbligatorie)";
/// Palette indices (Okabe–Ito order of `charts::PALETTE`).
pub(super) const ORANGE: usize = 0;
pub(super) const BLUE: usize = 4;

pub const SOURCE_RFL: &str = "Fonte: ISTAT, Rilevazione sulle forze di lavoro (elaborazioni OML)";

/// Contracts in the order bulletins list them, with their Italian names.
pub const CONTRACTS: [(&str, &str); 10] = [
    ("TI", "Tempo indeterminato"),
    ("TD", "Tempo determinato"),
    ("APPRENDISTATO", "Apprendistato"),
    ("SOMMINISTRAZIONE", "Somministrazione"),
    ("INTERMITTENTE", "Lavoro intermittente"),
    ("DOMESTICO", "Lavoro domestico"),
    ("PARASUBORDINATO", "Parasubordinato"),
    ("TIROCINIO", "Tirocinio"),
    ("ALTRO", "Altro"),
    ("NON_NOTO", "Non noto"),
];

pub const SECTORS: [(&str, &str); 5] = [
    ("AGRICOLTURA", "Agricoltura"),
    ("INDUSTRIA", "Industria in senso stretto"),
    ("COSTRUZIONI", "Costruzioni"),
    ("SERVIZI", "Servizi"),
    ("NON_INDICATO", "Non indicato"),
];

/// ATECO 2007 sections, short Italian names.
pub const ATECO_SECTIONS: [(&str, &str); 21] = [
    ("A", "Agricoltura, silvicoltura e pesca"),
    ("B", "Estrazione di minerali"),
    ("C", "Attività manifatturiere"),
    ("D", "Energia elettrica, gas, vapore"),
    ("E", "Acqua, reti fognarie, rifiuti"),
    ("F", "Costruzioni"),
    ("G", "Commercio; riparazione di autoveicoli"),
    ("H", "Trasporto e magazzinaggio"),
    ("I", "Alloggio e ristorazione"),
    ("J", "Informazione e comunicazione"),
    ("K", "Attività finanziarie e assicurative"),
    ("L", "Attività immobiliari"),
    ("M", "Attività professionali, scientifiche e tecniche"),
    ("N", "Noleggio, agenzie di viaggio, servizi alle imprese"),
    ("O", "Amministrazione pubblica e difesa"),
    ("P", "Istruzione"),
    ("Q", "Sanità e assistenza sociale"),
    ("R", "Attività artistiche, sportive, di intrattenimento"),
    ("S", "Altre attività di servizi"),
    ("T", "Attività di famiglie come datori di lavoro"),
    ("U", "Organizzazioni extraterritoriali"),
];

pub(super) fn name_of<'a>(list: &'a [(&str, &str)], code: &'a str) -> String {
    list.iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| n.to_string())
        .unwrap_or_else(|| match code {
            "NON_INDICATO" => "Non indicato".to_string(),
            "NON_NOTO" => "Non noto".to_string(),
            c => c.to_string(),
        })
}

/// Codes of a breakdown in a list's order first, then any other code found, sorted.
pub(super) fn ordered(cube: &Cube, list: &[(&str, &str)]) -> Vec<String> {
    ordered_at(cube, 0, list)
}

/// The same for breakdown column `i`.
pub(super) fn ordered_at(cube: &Cube, i: usize, list: &[(&str, &str)]) -> Vec<String> {
    let present = cube.labels(i);
    let mut out: Vec<String> = list
        .iter()
        .map(|(c, _)| c.to_string())
        .filter(|c| present.contains(c))
        .collect();
    out.extend(present.into_iter().filter(|c| !list.iter().any(|(l, _)| l == c)));
    out
}

/// The share in percent of `part` over `whole`, when both are published and the whole is
/// positive (a withheld cell stops it, as every derivation).
pub(super) fn share(part: &Figure, whole: &Figure) -> Option<f64> {
    match (part.published(), whole.published()) {
        (Some(p), Some(w)) if w > 0.0 => Some(100.0 * p / w),
        _ => None,
    }
}

/// The same in a sentence: "il 41,3%".
pub(super) fn say_share(part: &Figure, whole: &Figure) -> Option<String> {
    share(part, whole).map(|q| format!("il {}", crate::report::format::fmt_pct(q, 1)))
}

/// Variation in percent between two published values (None when either is withheld or the base
/// is not positive).
pub fn variation(cur: &Figure, prev: &Figure) -> Option<f64> {
    match (cur.published(), prev.published()) {
        (Some(c), Some(p)) if p > 0.0 => Some((c - p) / p * 100.0),
        _ => None,
    }
}

pub(super) fn num(f: Figure) -> Value {
    Value::Number(f, 0)
}

pub(super) fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

/// "21.340", or "un dato riservato" when withheld.
pub(super) fn say(f: &Figure) -> String {
    match f.published() {
        Some(v) => fmt_int(v.round() as i64),
        None => "un dato riservato".to_string(),
    }
}

pub(super) fn say_signed(f: &Figure) -> String {
    match f.published() {
        Some(v) => fmt_signed_int(v.round() as i64),
        None => "un dato riservato".to_string(),
    }
}

pub(super) fn say_var(v: Option<f64>) -> String {
    v.map(|v| fmt_pct_change(v, 1))
        .unwrap_or_else(|| "variazione non calcolabile".to_string())
}

/// What every section is built from; `cur` and `prev` are the period labels of the cubes.
pub(super) struct Ctx<'a> {
    pub spec: &'a BulletinSpec,
    pub period: &'a BulletinPeriod,
    pub f: &'a Figures,
    pub cur: String,
    pub prev: String,
    /// The monthly series this bulletin publishes (`dati/serie_mensili.csv`, the revisions).
    pub series: crate::report::bulletin::vintage::PublishedSeries,
}

impl Ctx<'_> {
    /// The flow `misura` of the period (cube with one breakdown; `dim` = "Totale" for the total).
    pub(super) fn flow(&self, cube: &Cube, periodo: &str, dim: &str, misura: &str) -> Figure {
        cube.count(periodo, &[dim], misura)
    }

    pub(super) fn total(&self, periodo: &str, misura: &str) -> Figure {
        self.flow(&self.f.by_contract, periodo, TOTALE, misura)
    }

    pub(super) fn prev_or_na(&self, cube: &Cube, dim: &str, misura: &str) -> Figure {
        if self.f.has_previous {
            self.flow(cube, &self.prev, dim, misura)
        } else {
            Figure::not_available()
        }
    }
}

pub(super) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// One series for the period and one for a year earlier (when covered), over the codes of a
/// one-breakdown cube.
pub(super) fn now_and_a_year_ago(c: &Ctx, cube: &Cube, codes: &[String], misura: &str) -> Vec<Series> {
    let mut periods = vec![(c.period.name(), &c.cur)];
    if c.f.has_previous {
        periods.push((c.period.prev_name(), &c.prev));
    }
    periods
        .into_iter()
        .map(|(name, periodo)| {
            Series::new(
                capitalise(&name),
                codes
                    .iter()
                    .map(|code| c.flow(cube, periodo, code, misura).published())
                    .collect(),
            )
        })
        .collect()
}

/// The flows table `id` of a one-breakdown cube: one row per code (named by `names`, under the
/// column heading `first`) plus the total.
pub(super) fn flows_table(
    c: &Ctx,
    cube: &Cube,
    codes: &[String],
    names: &dyn Fn(&str) -> String,
    first: &str,
    id: &str,
    title: String,
) -> TableBlock {
    let mut header = vec![
        first.to_string(),
        "Attivazioni".into(),
        "Cessazioni".into(),
        "Trasformazioni in entrata".into(),
        "Saldo".into(),
    ];
    if c.f.has_previous {
        header.push(format!("Attivazioni {}", c.period.prev_name()));
        header.push("Variazione % attivazioni".into());
        header.push(format!("Saldo {}", c.period.prev_name()));
    }
    let mut rows = Vec::new();
    let mut all: Vec<String> = codes.to_vec();
    all.push(TOTALE.to_string());
    for code in &all {
        let get = |m: &str| c.flow(cube, &c.cur, code, m);
        let label = if code == TOTALE {
            "Totale".to_string()
        } else {
            names(code)
        };
        let att = get("attivazioni");
        let mut r = vec![
            text(label),
            num(att.clone()),
            num(get("cessazioni")),
            num(get("trasformazioni_in_entrata")),
            num(get("saldo")),
        ];
        if c.f.has_previous {
            let att0 = c.flow(cube, &c.prev, code, "attivazioni");
            r.push(Value::Percent(variation(&att, &att0)));
            r.insert(5, num(att0));
            r.push(num(c.flow(cube, &c.prev, code, "saldo")));
        }
        rows.push(r);
    }
    TableBlock::new(id, title, header, rows, &cube.command)
}

/// Grouped bars over `categories`, horizontal for long names.
pub(super) fn bars(categories: Vec<String>, series: Vec<Series>, horizontal: bool) -> ChartKind {
    ChartKind::Bars {
        categories,
        series,
        horizontal,
    }
}

/// A table of measures (one per row: measure, label) of the cells `dims` of a cube (`&[]`
/// without breakdowns, `&[TOTALE]` for the total of one), for the bulletin's period beside the
/// same period a year earlier and the variation, when the lake covers it: the header and the rows.
pub(super) fn measures_by_period(
    cube: &Cube,
    c: &Ctx,
    dims: &[&str],
    measures: &[(&str, &str)],
) -> (Vec<String>, Vec<Vec<Value>>) {
    let mut header = vec!["".to_string(), capitalise(&c.period.name())];
    if c.f.has_previous {
        header.push(capitalise(&c.period.prev_name()));
        header.push("Variazione %".into());
    }
    let rows = measures
        .iter()
        .map(|(m, label)| {
            let cur = cube.count(&c.cur, dims, m);
            let mut r = vec![text(*label), num(cur.clone())];
            if c.f.has_previous {
                let prev = cube.count(&c.prev, dims, m);
                r.push(Value::Percent(variation(&cur, &prev)));
                r.insert(2, num(prev));
            }
            r
        })
        .collect();
    (header, rows)
}
