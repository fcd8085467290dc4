//! The bulletin's sections: tables, charts and generated Italian sentences from the protected
//! cubes. Every number shown is a published cell or is derived (variations, sums, seasonal
//! adjustment) only from published cells; a withheld cell shows as "x" and stops any derivation.

use super::data::{months, Cube, Figures};
use super::unemployment::annual_rates;
use super::{Block, Bulletin, BulletinPeriod, BulletinSpec, ChartBlock, Figure, Section, TableBlock, Value, SECTIONS};
use crate::analytics::indicators::TOTALE;
use crate::report::charts::{Chart, ChartKind, Series};
use crate::report::format::{fmt_dec, fmt_int, fmt_pct_change, fmt_signed_int, month_label};
use crate::report::seasonal::{decompose, moving_sum, Model};
use anyhow::Result;

/// The source line of every chart built on CO data.
pub const SOURCE_CO: &str = "Fonte: elaborazioni OML su dati CO (Comunicazioni Obbligatorie)";
/// Palette indices (Okabe–Ito order of `charts::PALETTE`).
const ORANGE: usize = 0;
const BLUE: usize = 4;

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

fn name_of<'a>(list: &'a [(&str, &str)], code: &'a str) -> String {
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
fn ordered(cube: &Cube, list: &[(&str, &str)]) -> Vec<String> {
    ordered_at(cube, 0, list)
}

/// The same for breakdown column `i`.
fn ordered_at(cube: &Cube, i: usize, list: &[(&str, &str)]) -> Vec<String> {
    let present = cube.labels(i);
    let mut out: Vec<String> = list
        .iter()
        .map(|(c, _)| c.to_string())
        .filter(|c| present.contains(c))
        .collect();
    out.extend(present.into_iter().filter(|c| !list.iter().any(|(l, _)| l == c)));
    out
}

/// Variation in percent between two published values (None when either is withheld or the base
/// is not positive).
pub fn variation(cur: &Figure, prev: &Figure) -> Option<f64> {
    match (cur.published(), prev.published()) {
        (Some(c), Some(p)) if p > 0.0 => Some((c - p) / p * 100.0),
        _ => None,
    }
}

fn num(f: Figure) -> Value {
    Value::Number(f, 0)
}

fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

/// "21.340", or "un dato riservato" when withheld.
fn say(f: &Figure) -> String {
    match f.published() {
        Some(v) => fmt_int(v.round() as i64),
        None => "un dato riservato".to_string(),
    }
}

fn say_signed(f: &Figure) -> String {
    match f.published() {
        Some(v) => fmt_signed_int(v.round() as i64),
        None => "un dato riservato".to_string(),
    }
}

fn say_var(v: Option<f64>) -> String {
    v.map(|v| fmt_pct_change(v, 1))
        .unwrap_or_else(|| "variazione non calcolabile".to_string())
}

struct Ctx<'a> {
    spec: &'a BulletinSpec,
    period: &'a BulletinPeriod,
    f: &'a Figures,
    cur: String,
    prev: String,
}

impl Ctx<'_> {
    /// The flow `misura` of the period (cube with one breakdown; `dim` = "Totale" for the total).
    fn flow(&self, cube: &Cube, periodo: &str, dim: &str, misura: &str) -> Figure {
        cube.count(periodo, &[dim], misura)
    }

    fn total(&self, periodo: &str, misura: &str) -> Figure {
        self.flow(&self.f.by_contract, periodo, TOTALE, misura)
    }

    fn prev_or_na(&self, cube: &Cube, dim: &str, misura: &str) -> Figure {
        if self.f.has_previous {
            self.flow(cube, &self.prev, dim, misura)
        } else {
            Figure::not_available()
        }
    }
}

/// Builds the document.
pub fn assemble(spec: &BulletinSpec, period: &BulletinPeriod, f: &Figures, ids: &[&str]) -> Result<Bulletin> {
    let ctx = Ctx {
        spec,
        period,
        f,
        cur: period.label.clone(),
        prev: period.prev_label.clone(),
    };
    let mut sections = Vec::new();
    for id in ids {
        let blocks = match *id {
            "sintesi" => sintesi(&ctx),
            "flussi" => flussi(&ctx)?,
            "contratti" => contratti(&ctx),
            "settori" => settori(&ctx),
            "territorio" => territorio(&ctx),
            "cig" => cig(),
            "disoccupazione" => disoccupazione(&ctx)?,
            "mobilita" => mobilita(&ctx),
            "metodologia" => metodologia(&ctx),
            _ => fonti(&ctx),
        };
        let title = SECTIONS.iter().find(|(s, _)| s == id).map(|(_, t)| *t).unwrap_or("");
        let id = SECTIONS
            .iter()
            .find(|(s, _)| s == id)
            .map(|(s, _)| *s)
            .unwrap_or("fonti");
        sections.push(Section { id, title, blocks });
    }
    let title = spec
        .title
        .clone()
        .unwrap_or_else(|| format!("Bollettino del mercato del lavoro — provincia di {}", f.province_name));
    Ok(Bulletin {
        title,
        subtitle: format!(
            "{} · Comunicazioni Obbligatorie, lavoro dipendente e parasubordinato, sede di lavoro in provincia",
            capitalise(&period.name())
        ),
        generated: chrono::Local::now().format("%d/%m/%Y %H:%M").to_string(),
        sections,
    })
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

// ------------------------------------------------------------------------------------ sintesi

fn sintesi(c: &Ctx) -> Vec<Block> {
    let p = c.period;
    let att = c.total(&c.cur, "attivazioni");
    let ces = c.total(&c.cur, "cessazioni");
    let imp = c.total(&c.cur, "cessazioni_imputate");
    let saldo = c.total(&c.cur, "saldo");
    let att0 = c.prev_or_na(&c.f.by_contract, TOTALE, "attivazioni");
    let ces0 = c.prev_or_na(&c.f.by_contract, TOTALE, "cessazioni");
    let saldo0 = c.prev_or_na(&c.f.by_contract, TOTALE, "saldo");
    let ti_tr = c.flow(&c.f.by_contract, &c.cur, "TI", "trasformazioni_in_entrata");
    let workers = c.f.workers.measure(&c.cur, &[], "lavoratori_interessati");
    let workers0 = if c.f.has_previous {
        c.f.workers.measure(&c.prev, &[], "lavoratori_interessati")
    } else {
        Figure::not_available()
    };
    let pos = c.f.positions.count(&c.cur, &[TOTALE], "posizioni_fine");
    let pos0 = if c.f.has_previous {
        c.f.positions.count(&c.prev, &[TOTALE], "posizioni_fine")
    } else {
        Figure::not_available()
    };

    let mut text_ = capitalise(&format!(
        "{}, in provincia di {}, le attivazioni di rapporti di lavoro sono state {}",
        p.in_name(),
        c.f.province_name,
        say(&att)
    ));
    if c.f.has_previous {
        text_.push_str(&format!(
            ", {} {}; le cessazioni {} ({})",
            say_var(variation(&att, &att0)),
            p.versus_previous(),
            say(&ces),
            say_var(variation(&ces, &ces0))
        ));
    } else {
        text_.push_str(&format!("; le cessazioni {}", say(&ces)));
    }
    text_.push_str(&format!(
        ", di cui {} imputate alla scadenza del contratto a termine. Il saldo è di {} posizioni di lavoro",
        say(&imp),
        say_signed(&saldo)
    ));
    if c.f.has_previous {
        text_.push_str(&format!(" (era {} un anno prima).", say_signed(&saldo0)));
    } else {
        text_.push('.');
    }
    let mut paras = vec![text_];
    let mut s2 = format!(
        "I lavoratori interessati da almeno un'attivazione sono stati {}",
        say(&workers)
    );
    if c.f.has_previous {
        s2.push_str(&format!(" ({})", say_var(variation(&workers, &workers0))));
    }
    s2.push_str(&format!(
        "; le trasformazioni di rapporti a termine in tempo indeterminato {}.",
        say(&ti_tr)
    ));
    paras.push(s2);
    let mut s3 = format!(
        "Alla fine del periodo le posizioni di lavoro attive risultanti dalle comunicazioni erano {}",
        say(&pos)
    );
    if let (Some(a), Some(b)) = (pos.published(), pos0.published()) {
        s3.push_str(&format!(
            ", {} rispetto a un anno prima",
            fmt_signed_int((a - b).round() as i64)
        ));
    }
    s3.push_str(" (un limite inferiore: non comprende i rapporti iniziati prima del periodo coperto dal lago e mai più comunicati).");
    paras.push(s3);
    if let Some(region) = &c.f.region {
        let r_att = region.count(&c.cur, &[], "attivazioni");
        let r_att0 = region.count(&c.prev, &[], "attivazioni");
        paras.push(format!(
            "Nell'intera regione {} le attivazioni sono state {} ({}).",
            c.f.region_name.clone().unwrap_or_default(),
            say(&r_att),
            say_var(variation(&r_att, &r_att0))
        ));
    }

    let mut rows = Vec::new();
    let mut row = |label: &str, cur: Figure, prev: Figure, pct: bool| {
        let var = if pct {
            Value::Percent(variation(&cur, &prev))
        } else {
            Value::Text(String::new())
        };
        rows.push(vec![text(label), num(cur), num(prev), var]);
    };
    row("Attivazioni", att, att0, true);
    row("Cessazioni", ces, ces0, true);
    row(
        "  di cui imputate",
        imp,
        c.prev_or_na(&c.f.by_contract, TOTALE, "cessazioni_imputate"),
        true,
    );
    row("Saldo (attivazioni − cessazioni)", saldo, saldo0, false);
    row(
        "Trasformazioni a tempo indeterminato",
        ti_tr,
        c.prev_or_na(&c.f.by_contract, "TI", "trasformazioni_in_entrata"),
        true,
    );
    row("Lavoratori interessati", workers, workers0, true);
    row("Posizioni di lavoro a fine periodo", pos, pos0, true);
    let table = TableBlock {
        id: "t01_sintesi".into(),
        title: format!("Principali indicatori, {} e {}", p.name(), p.prev_name()),
        header: vec![
            "Indicatore".into(),
            capitalise(&p.name()),
            capitalise(&p.prev_name()),
            "Variazione %".into(),
        ],
        rows,
        sources: vec![
            c.f.by_contract.command.clone(),
            c.f.workers.command.clone(),
            c.f.positions.command.clone(),
        ],
        notes: vec![],
    };
    let mut blocks: Vec<Block> = paras.into_iter().map(Block::Paragraph).collect();
    blocks.push(Block::Table(table));
    blocks
}

// ------------------------------------------------------------------------------------- flussi

/// The monthly series of a measure: published values, None when withheld.
fn monthly_series(c: &Ctx, misura: &str) -> (Vec<String>, Vec<String>, Vec<Figure>) {
    let ms = months(c.f.series_from, c.period.al);
    let labels = ms.iter().map(|(y, m, _)| month_label(*y, *m)).collect();
    let keys = ms.iter().map(|(_, _, k)| k.clone()).collect();
    let figs = ms.iter().map(|(_, _, k)| c.f.monthly.count(k, &[], misura)).collect();
    (labels, keys, figs)
}

fn flussi(c: &Ctx) -> Result<Vec<Block>> {
    let (labels, keys, att) = monthly_series(c, "attivazioni");
    let (_, _, ces) = monthly_series(c, "cessazioni");
    let (_, _, sal) = monthly_series(c, "saldo");
    let pub_ = |v: &[Figure]| v.iter().map(Figure::published).collect::<Vec<_>>();
    let (att_v, ces_v, sal_v) = (pub_(&att), pub_(&ces), pub_(&sal));
    let complete = |v: &[Option<f64>]| v.iter().all(Option::is_some) && v.len() >= 36;
    // Seasonal adjustment only on a complete series of three years or more.
    let sa = if complete(&att_v) && complete(&ces_v) {
        let a: Vec<f64> = att_v.iter().map(|v| v.unwrap_or(0.0)).collect();
        let b: Vec<f64> = ces_v.iter().map(|v| v.unwrap_or(0.0)).collect();
        match (
            decompose(&a, 12, Model::Multiplicative),
            decompose(&b, 12, Model::Multiplicative),
        ) {
            (Ok(a), Ok(b)) => Some((a.adjusted, b.adjusted)),
            _ => None,
        }
    } else {
        None
    };
    let sum12 = if sal_v.iter().all(Option::is_some) {
        moving_sum(&sal_v.iter().map(|v| v.unwrap_or(0.0)).collect::<Vec<_>>(), 12)
    } else {
        vec![None; sal_v.len()]
    };
    let mut blocks = Vec::new();
    let mut intro = format!(
        "La serie mensile va da {} a {}. ",
        labels.first().cloned().unwrap_or_default(),
        labels.last().cloned().unwrap_or_default()
    );
    match &sa {
        Some((a_sa, b_sa)) => {
            // The last k months against the k before, adjusted for seasonality.
            let k = match c.period.periodicity {
                crate::analytics::indicators::Periodicity::Month => 1,
                crate::analytics::indicators::Periodicity::Quarter => 3,
                crate::analytics::indicators::Periodicity::Year => 12,
            };
            let n = a_sa.len();
            if n >= 2 * k {
                let last: f64 = a_sa[n - k..].iter().sum();
                let before: f64 = a_sa[n - 2 * k..n - k].iter().sum();
                let last_c: f64 = b_sa[n - k..].iter().sum();
                let before_c: f64 = b_sa[n - 2 * k..n - k].iter().sum();
                intro.push_str(&format!(
                    "Al netto della stagionalità, le attivazioni {} sono {} rispetto al periodo immediatamente precedente ({} contro {}), le cessazioni {}.",
                    c.period.in_name(),
                    fmt_pct_change((last - before) / before * 100.0, 1),
                    fmt_int(last.round() as i64),
                    fmt_int(before.round() as i64),
                    fmt_pct_change((last_c - before_c) / before_c * 100.0, 1)
                ));
            }
        }
        None => {
            intro.push_str("La destagionalizzazione richiede almeno 36 mesi completi e pubblicabili: non è applicata.")
        }
    }
    blocks.push(Block::Paragraph(intro));
    let mut lines = vec![
        Series::new("Attivazioni", att_v.clone()).with_color(BLUE),
        Series::new("Cessazioni", ces_v.clone()).with_color(ORANGE),
    ];
    if let Some((a_sa, b_sa)) = &sa {
        lines.push(
            Series::new("Attivazioni destagionalizzate", a_sa.iter().map(|v| Some(*v)).collect())
                .dashed()
                .with_color(BLUE),
        );
        lines.push(
            Series::new("Cessazioni destagionalizzate", b_sa.iter().map(|v| Some(*v)).collect())
                .dashed()
                .with_color(ORANGE),
        );
    }
    blocks.push(Block::Chart(ChartBlock {
        id: "g01_attivazioni_cessazioni_mensili".into(),
        alt: "Attivazioni e cessazioni mensili, dati grezzi e destagionalizzati".into(),
        chart: Chart {
            title: "Attivazioni e cessazioni per mese".into(),
            subtitle: Some(format!(
                "Provincia di {}; linee tratteggiate: dati destagionalizzati",
                c.f.province_name
            )),
            y_label: Some("rapporti di lavoro".into()),
            source: SOURCE_CO.into(),
            kind: ChartKind::Lines {
                x_labels: labels.clone(),
                series: lines,
            },
        },
    }));
    blocks.push(Block::Chart(ChartBlock {
        id: "g02_saldo_mensile".into(),
        alt: "Saldo mensile e somma mobile a 12 mesi".into(),
        chart: Chart {
            title: "Saldo mensile e somma mobile a 12 mesi".into(),
            subtitle: Some("Saldo = attivazioni − cessazioni: variazione delle posizioni di lavoro".into()),
            y_label: Some("posizioni di lavoro".into()),
            source: SOURCE_CO.into(),
            kind: ChartKind::BarsWithLines {
                x_labels: labels.clone(),
                bars: vec![Series::new("Saldo mensile", sal_v.clone())],
                lines: vec![Series::new("Saldo, somma mobile 12 mesi", sum12.clone()).with_color(5)],
            },
        },
    }));
    let mut rows = Vec::new();
    for i in 0..keys.len() {
        let mut r = vec![
            text(labels[i].clone()),
            num(att[i].clone()),
            num(ces[i].clone()),
            num(sal[i].clone()),
        ];
        r.push(Value::Number(
            sum12[i].map(Figure::ok).unwrap_or_else(Figure::not_available),
            0,
        ));
        if let Some((a_sa, b_sa)) = &sa {
            r.push(Value::Number(Figure::ok(a_sa[i]), 0));
            r.push(Value::Number(Figure::ok(b_sa[i]), 0));
        }
        rows.push(r);
    }
    let mut header: Vec<String> = [
        "Mese",
        "Attivazioni",
        "Cessazioni",
        "Saldo",
        "Saldo, somma mobile 12 mesi",
    ]
    .map(String::from)
    .to_vec();
    if sa.is_some() {
        header.push("Attivazioni destagionalizzate".into());
        header.push("Cessazioni destagionalizzate".into());
    }
    blocks.push(Block::Table(TableBlock {
        id: "t02_serie_mensile".into(),
        title: "Attivazioni, cessazioni e saldo per mese".into(),
        header,
        rows,
        sources: vec![c.f.monthly.command.clone()],
        notes: vec![
            "Destagionalizzazione: scomposizione moltiplicativa a medie mobili di tipo X-11 (vedi nota metodologica); i valori destagionalizzati sono stime, non conteggi.".into(),
        ],
    }));
    blocks.extend(age_sex(c));
    Ok(blocks)
}

fn age_sex(c: &Ctx) -> Vec<Block> {
    let cube = &c.f.by_age_sex;
    let classes = cube.labels(0);
    let get = |cl: &str, s: &str| cube.count(&c.cur, &[cl, s], "attivazioni");
    let mut rows = Vec::new();
    let (mut m, mut f_) = (Vec::new(), Vec::new());
    for cl in &classes {
        let (a, b, t) = (get(cl, "M"), get(cl, "F"), get(cl, TOTALE));
        m.push(a.published());
        f_.push(b.published());
        rows.push(vec![text(cl.clone()), num(a), num(b), num(t)]);
    }
    rows.push(vec![
        text("Totale"),
        num(get(TOTALE, "M")),
        num(get(TOTALE, "F")),
        num(get(TOTALE, TOTALE)),
    ]);
    vec![
        Block::Chart(ChartBlock {
            id: "g03_attivazioni_eta_sesso".into(),
            alt: "Attivazioni per classe di età e sesso".into(),
            chart: Chart {
                title: format!("Attivazioni per classe di età e sesso, {}", c.period.name()),
                subtitle: None,
                y_label: None,
                source: SOURCE_CO.into(),
                kind: ChartKind::Pyramid {
                    classes: classes.clone(),
                    left: Series::new("Maschi", m),
                    right: Series::new("Femmine", f_),
                },
            },
        }),
        Block::Table(TableBlock {
            id: "t03_attivazioni_eta_sesso".into(),
            title: format!("Attivazioni per classe di età e sesso, {}", c.period.name()),
            header: ["Classe di età", "Maschi", "Femmine", "Totale"]
                .map(String::from)
                .to_vec(),
            rows,
            sources: vec![cube.command.clone()],
            notes: vec![],
        }),
    ]
}

// ---------------------------------------------------------------------------------- contratti

/// One series for the period and one for a year earlier (when covered), over the codes of a
/// one-breakdown cube.
fn now_and_a_year_ago(c: &Ctx, cube: &Cube, codes: &[String], misura: &str) -> Vec<Series> {
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

/// The flows table of a one-breakdown cube: one row per code plus the total.
fn flows_table(
    c: &Ctx,
    cube: &Cube,
    codes: &[String],
    names: &dyn Fn(&str) -> String,
    first: &str,
) -> (Vec<String>, Vec<Vec<Value>>) {
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
    (header, rows)
}

fn contratti(c: &Ctx) -> Vec<Block> {
    let cube = &c.f.by_contract;
    let codes = ordered(cube, &CONTRACTS);
    let names = |code: &str| name_of(&CONTRACTS, code);
    let (header, rows) = flows_table(c, cube, &codes, &names, "Contratto");
    let mut blocks = Vec::new();
    let ti = c.flow(cube, &c.cur, "TI", "saldo");
    let td = c.flow(cube, &c.cur, "TD", "saldo");
    let app = c.flow(cube, &c.cur, "APPRENDISTATO", "saldo");
    let tr = c.flow(cube, &c.cur, "TI", "trasformazioni_in_entrata");
    blocks.push(Block::Paragraph(format!(
        "Per contratto, {} il saldo è di {} posizioni a tempo indeterminato (comprese {} trasformazioni da contratti a termine), {} a tempo determinato e {} in apprendistato. Una trasformazione da tempo determinato a indeterminato conta −1 nel saldo del tempo determinato e +1 in quello dell'indeterminato: sul totale si annulla.",
        c.period.in_name(),
        say_signed(&ti),
        say(&tr),
        say_signed(&td),
        say_signed(&app)
    )));
    // Saldo by contract over the periods from a year earlier to now.
    let periods = cube.periods();
    let main: Vec<&String> = codes
        .iter()
        .filter(|c| ["TI", "TD", "APPRENDISTATO", "SOMMINISTRAZIONE"].contains(&c.as_str()))
        .collect();
    let period_names: Vec<String> = periods
        .iter()
        .filter_map(|p| p.parse::<crate::model::period::Period>().ok())
        .map(|p| super::italian_period(p.dal, p.written.unwrap_or(c.period.periodicity)))
        .collect();
    let series: Vec<Series> = main
        .iter()
        .map(|code| {
            Series::new(
                names(code),
                periods
                    .iter()
                    .map(|p| c.flow(cube, p, code, "saldo").published())
                    .collect(),
            )
        })
        .collect();
    blocks.push(Block::Chart(ChartBlock {
        id: "g04_saldo_contratto".into(),
        alt: "Saldo per tipo di contratto".into(),
        chart: Chart {
            title: "Saldo per tipo di contratto".into(),
            subtitle: Some("Le trasformazioni spostano posizioni dal tempo determinato all'indeterminato".into()),
            y_label: Some("posizioni di lavoro".into()),
            source: SOURCE_CO.into(),
            kind: ChartKind::Bars {
                categories: period_names,
                series,
                horizontal: false,
            },
        },
    }));
    let att_series = now_and_a_year_ago(c, cube, &codes, "attivazioni");
    blocks.push(Block::Chart(ChartBlock {
        id: "g05_attivazioni_contratto".into(),
        alt: "Attivazioni per tipo di contratto".into(),
        chart: Chart {
            title: "Attivazioni per tipo di contratto".into(),
            subtitle: None,
            y_label: None,
            source: SOURCE_CO.into(),
            kind: ChartKind::Bars {
                categories: codes.iter().map(|c| names(c)).collect(),
                series: att_series,
                horizontal: true,
            },
        },
    }));
    blocks.push(Block::Table(TableBlock {
        id: "t04_flussi_contratto".into(),
        title: format!("Flussi per tipo di contratto, {}", c.period.name()),
        header,
        rows,
        sources: vec![cube.command.clone()],
        notes: vec!["Trasformazioni in entrata: rapporti passati a questo contratto da un altro (per il tempo indeterminato, le stabilizzazioni). Il saldo per contratto conta anche le trasformazioni in uscita.".into()],
    }));
    // Positions and durations by contract.
    let pos = &c.f.positions;
    let dur = &c.f.durations;
    let mut rows = Vec::new();
    let mut all = codes.clone();
    all.push(TOTALE.into());
    for code in &all {
        let label = if code == TOTALE {
            "Totale".to_string()
        } else {
            names(code)
        };
        let now = pos.count(&c.cur, &[code], "posizioni_fine");
        let before = if c.f.has_previous {
            pos.count(&c.prev, &[code], "posizioni_fine")
        } else {
            Figure::not_available()
        };
        rows.push(vec![
            text(label),
            num(now.clone()),
            num(before.clone()),
            Value::Percent(variation(&now, &before)),
            Value::Number(dur.measure(&c.cur, &[code], "durata_effettiva_media"), 1),
            Value::Number(dur.measure(&c.cur, &[code], "durata_effettiva_mediana"), 1),
        ]);
    }
    blocks.push(Block::Table(TableBlock {
        id: "t05_posizioni_durate_contratto".into(),
        title: format!(
            "Posizioni di lavoro a fine periodo e durata dei rapporti cessati per contratto, {}",
            c.period.name()
        ),
        header: vec![
            "Contratto".into(),
            format!("Posizioni a fine {}", c.period.name()),
            format!("Posizioni a fine {}", c.period.prev_name()),
            "Variazione %".into(),
            "Durata effettiva media (giorni)".into(),
            "Durata effettiva mediana (giorni)".into(),
        ],
        rows,
        sources: vec![pos.command.clone(), dur.command.clone()],
        notes: vec![
            "Posizioni: rapporti in essere a fine giornata; la loro variazione tra due periodi è la somma dei saldi."
                .into(),
        ],
    }));
    blocks
}

// ------------------------------------------------------------------------------------ settori

fn settori(c: &Ctx) -> Vec<Block> {
    let mut blocks = Vec::new();
    let cube = &c.f.by_sector;
    let codes = ordered(cube, &SECTORS);
    let names = |code: &str| name_of(&SECTORS, code);
    // Sector with the highest and the lowest published saldo.
    let saldi: Vec<(String, f64)> = codes
        .iter()
        .filter(|c| c.as_str() != "NON_INDICATO")
        .filter_map(|code| {
            c.flow(cube, &c.cur, code, "saldo")
                .published()
                .map(|v| (names(code), v))
        })
        .collect();
    let best = saldi.iter().max_by(|a, b| a.1.total_cmp(&b.1));
    let worst = saldi.iter().min_by(|a, b| a.1.total_cmp(&b.1));
    if let (Some(b), Some(w)) = (best, worst) {
        blocks.push(Block::Paragraph(format!(
            "Tra i macro-settori, {} il saldo più alto è nel settore {} ({}), il più basso nel settore {} ({}).",
            c.period.in_name(),
            b.0.to_lowercase(),
            fmt_signed_int(b.1.round() as i64),
            w.0.to_lowercase(),
            fmt_signed_int(w.1.round() as i64)
        )));
    }
    let (header, rows) = flows_table(c, cube, &codes, &names, "Settore");
    blocks.push(Block::Table(TableBlock {
        id: "t06_flussi_settore".into(),
        title: format!("Flussi per macro-settore, {}", c.period.name()),
        header,
        rows,
        sources: vec![cube.command.clone()],
        notes: vec!["Settore del datore di lavoro (ATECO 2007), raggruppato in macro-settori ISTAT.".into()],
    }));
    let cube = &c.f.by_section;
    let codes = ordered(cube, &ATECO_SECTIONS);
    let names = |code: &str| {
        if code.len() == 1 {
            format!("{code} {}", name_of(&ATECO_SECTIONS, code))
        } else {
            name_of(&ATECO_SECTIONS, code)
        }
    };
    let series = now_and_a_year_ago(c, cube, &codes, "attivazioni");
    blocks.push(Block::Chart(ChartBlock {
        id: "g06_attivazioni_sezione_ateco".into(),
        alt: "Attivazioni per sezione ATECO".into(),
        chart: Chart {
            title: "Attivazioni per sezione di attività economica (ATECO 2007)".into(),
            subtitle: None,
            y_label: None,
            source: SOURCE_CO.into(),
            kind: ChartKind::Bars {
                categories: codes.iter().map(|c| names(c)).collect(),
                series,
                horizontal: true,
            },
        },
    }));
    let (header, rows) = flows_table(c, cube, &codes, &names, "Sezione ATECO");
    blocks.push(Block::Table(TableBlock {
        id: "t07_flussi_sezione_ateco".into(),
        title: format!("Flussi per sezione di attività economica, {}", c.period.name()),
        header,
        rows,
        sources: vec![cube.command.clone()],
        notes: vec![],
    }));
    blocks
}

// --------------------------------------------------------------------------------- territorio

fn territorio(c: &Ctx) -> Vec<Block> {
    let reference = crate::reference::Reference::get();
    let mut blocks = Vec::new();
    let cube = &c.f.by_cpi;
    let codes = cube.labels(0);
    let cpi_name = |code: &str| {
        reference
            .cpis()
            .iter()
            .find(|x| x.codice == code)
            .map(|x| x.nome.clone())
            .unwrap_or_else(|| name_of(&[], code))
    };
    let (header, rows) = flows_table(c, cube, &codes, &cpi_name, "Centro per l'impiego");
    blocks.push(Block::Table(TableBlock {
        id: "t08_flussi_cpi".into(),
        title: format!(
            "Flussi per centro per l'impiego della sede di lavoro, {}",
            c.period.name()
        ),
        header,
        rows,
        sources: vec![cube.command.clone()],
        notes: vec![
            "Bacini dei CPI: tabella comuni → CPI del progetto (in parte illustrativa, vedi reference/README.md)."
                .into(),
        ],
    }));
    let cube = &c.f.by_comune;
    let codes = cube.labels(0);
    let comune_name = |code: &str| {
        reference
            .comune_any(code)
            .map(|x| x.nome.clone())
            .unwrap_or_else(|| name_of(&[], code))
    };
    let mut series = vec![
        Series::new(
            "Attivazioni",
            codes
                .iter()
                .map(|code| c.flow(cube, &c.cur, code, "attivazioni").published())
                .collect(),
        ),
        Series::new(
            "Cessazioni",
            codes
                .iter()
                .map(|code| c.flow(cube, &c.cur, code, "cessazioni").published())
                .collect(),
        ),
    ];
    series[0].color = Some(BLUE);
    series[1].color = Some(ORANGE);
    blocks.push(Block::Chart(ChartBlock {
        id: "g07_flussi_comune".into(),
        alt: "Attivazioni e cessazioni per comune".into(),
        chart: Chart {
            title: format!(
                "Attivazioni e cessazioni per comune della sede di lavoro, {}",
                c.period.name()
            ),
            subtitle: None,
            y_label: None,
            source: SOURCE_CO.into(),
            kind: ChartKind::Bars {
                categories: codes.iter().map(|c| comune_name(c)).collect(),
                series,
                horizontal: true,
            },
        },
    }));
    let (header, rows) = flows_table(c, cube, &codes, &comune_name, "Comune");
    blocks.push(Block::Table(TableBlock {
        id: "t09_flussi_comune".into(),
        title: format!("Flussi per comune della sede di lavoro, {}", c.period.name()),
        header,
        rows,
        sources: vec![cube.command.clone()],
        notes: vec![],
    }));
    blocks.push(Block::Paragraph(match (&c.f.region, &c.f.region_name) {
        (Some(r), Some(name)) => {
            let (a, a0) = (r.count(&c.cur, &[], "attivazioni"), r.count(&c.prev, &[], "attivazioni"));
            let (s, s0) = (r.count(&c.cur, &[], "saldo"), r.count(&c.prev, &[], "saldo"));
            format!(
                "Confronto con la regione {name}: attivazioni {} ({}), saldo {} (un anno prima {}). Fonte: {}.",
                say(&a),
                say_var(variation(&a, &a0)),
                say_signed(&s),
                say_signed(&s0),
                r.command
            )
        }
        _ => format!(
            "Confronto con la regione{}: il lago contiene le comunicazioni della sola provincia di {}, quindi il confronto regionale sui dati CO non è disponibile; per la disoccupazione il confronto con la regione è nella sezione dedicata.",
            c.f.region_name.as_ref().map(|n| format!(" {n}")).unwrap_or_default(),
            c.f.province_name
        ),
    }));
    blocks
}

// ------------------------------------------------------------------------ cig, disoccupazione

fn cig() -> Vec<Block> {
    vec![Block::Paragraph(
        "Dati non disponibili: il lago OML non contiene ancora le ore di Cassa Integrazione Guadagni autorizzate (open data INPS, per tipo di intervento: ordinaria, straordinaria, in deroga, fondi di solidarietà). La sezione riporterà le ore autorizzate per tipo e i lavoratori equivalenti a zero ore quando l'acquisizione dei dati INPS sarà disponibile.".into(),
    )]
}

fn disoccupazione(c: &Ctx) -> Result<Vec<Block>> {
    let region = c.f.region_name.clone().unwrap_or_default();
    let territories = [c.f.province_name.as_str(), region.as_str(), "Italia"];
    let rates = annual_rates(&territories)?;
    let mut blocks = vec![Block::Paragraph(
        "Le comunicazioni obbligatorie non misurano la disoccupazione: il lago non contiene ancora le dichiarazioni di immediata disponibilità (DID) né lo stock dei disoccupati registrati. Si riporta il tasso di disoccupazione della Rilevazione sulle forze di lavoro ISTAT (15-74 anni), ultimi anni disponibili nei dati di riferimento del progetto, per la provincia, la regione e l'Italia.".into(),
    )];
    if rates.is_empty() {
        blocks.push(Block::Paragraph("Nessun dato ISTAT per questo territorio.".into()));
        return Ok(blocks);
    }
    let mut years: Vec<i32> = rates.iter().map(|r| r.anno).collect();
    years.sort();
    years.dedup();
    let rate = |t: &str, s: &str, y: i32| {
        rates
            .iter()
            .find(|r| r.territorio == t && r.sesso == s && r.anno == y)
            .map(|r| r.tasso)
    };
    if let Some(&last) = years.last() {
        let (p, r, i) = (
            rate(territories[0], "9", last),
            rate(territories[1], "9", last),
            rate("Italia", "9", last),
        );
        if let (Some(p), Some(r), Some(i)) = (p, r, i) {
            blocks.push(Block::Paragraph(format!(
                "Nel {last} il tasso di disoccupazione era {}% in provincia di {}, {}% in {} e {}% in Italia.",
                fmt_dec(p, 1),
                territories[0],
                fmt_dec(r, 1),
                territories[1],
                fmt_dec(i, 1)
            )));
        }
    }
    let sexes = [("9", "Totale"), ("1", "Maschi"), ("2", "Femmine")];
    let mut rows = Vec::new();
    for t in territories {
        for (s, sname) in sexes {
            let mut r = vec![text(t), text(sname)];
            for y in &years {
                r.push(Value::Number(
                    rate(t, s, *y).map(Figure::ok).unwrap_or_else(Figure::not_available),
                    1,
                ));
            }
            rows.push(r);
        }
    }
    let series: Vec<Series> = years
        .iter()
        .map(|y| Series::new(y.to_string(), territories.iter().map(|t| rate(t, "9", *y)).collect()))
        .collect();
    blocks.push(Block::Chart(ChartBlock {
        id: "g08_tasso_disoccupazione".into(),
        alt: "Tasso di disoccupazione ISTAT".into(),
        chart: Chart {
            title: "Tasso di disoccupazione, 15-74 anni (%)".into(),
            subtitle: Some("Provincia, regione e Italia".into()),
            y_label: Some("%".into()),
            source: SOURCE_RFL.into(),
            kind: ChartKind::Bars {
                categories: territories.iter().map(|t| t.to_string()).collect(),
                series,
                horizontal: false,
            },
        },
    }));
    let mut header = vec!["Territorio".to_string(), "Sesso".to_string()];
    header.extend(years.iter().map(|y| y.to_string()));
    blocks.push(Block::Table(TableBlock {
        id: "t10_tasso_disoccupazione".into(),
        title: "Tasso di disoccupazione (15-74 anni, %)".into(),
        header,
        rows,
        sources: vec![
            "reference/istat_rfl_tasso_disoccupazione_2019_2020.csv (ISTAT, Rilevazione sulle forze di lavoro)".into(),
        ],
        notes: vec!["Dati ISTAT già pubblicati: non soggetti al controllo della riservatezza di OML.".into()],
    }));
    Ok(blocks)
}

fn mobilita(c: &Ctx) -> Vec<Block> {
    let cube = &c.f.mobility;
    let from = ordered_at(cube, 0, &SECTORS);
    let to = ordered_at(cube, 1, &SECTORS);
    let names = |code: &str| name_of(&SECTORS, code);
    let get = |o: &str, d: &str| cube.count(&c.cur, &[o, d], "transizioni");
    let total = get(TOTALE, TOTALE);
    let mut blocks = vec![Block::Paragraph(format!(
        "{} {} lavoratori hanno cambiato datore di lavoro iniziando un nuovo rapporto entro 30 giorni dalla fine del precedente (transizioni da lavoro a lavoro, sul modello dei flussi job-to-job del Census statunitense). La matrice li classifica per macro-settore del rapporto cessato (righe) e di quello iniziato (colonne). Le liste di mobilità ex L. 223/1991 sono chiuse dal 2017 e il lago non contiene dati sulle iscrizioni.",
        capitalise(&c.period.in_name()),
        say(&total)
    ))];
    let values: Vec<Vec<Option<f64>>> = from
        .iter()
        .map(|o| to.iter().map(|d| get(o, d).published()).collect())
        .collect();
    blocks.push(Block::Chart(ChartBlock {
        id: "g09_mobilita_settori".into(),
        alt: "Matrice delle transizioni tra macro-settori".into(),
        chart: Chart {
            title: format!("Transizioni tra settori, {}", c.period.name()),
            subtitle: Some("Nuovo rapporto con un altro datore entro 30 giorni dalla fine del precedente".into()),
            y_label: None,
            source: SOURCE_CO.into(),
            kind: ChartKind::Heatmap {
                rows: from.iter().map(|o| names(o)).collect(),
                cols: to.iter().map(|d| names(d)).collect(),
                values,
                row_title: "settore di provenienza".into(),
                col_title: "settore di arrivo".into(),
            },
        },
    }));
    let mut header = vec!["Settore di provenienza".to_string()];
    header.extend(to.iter().map(|d| names(d)));
    header.push("Totale".into());
    let mut rows = Vec::new();
    let mut all_from = from.clone();
    all_from.push(TOTALE.into());
    for o in &all_from {
        let label = if o == TOTALE { "Totale".to_string() } else { names(o) };
        let mut r = vec![text(label)];
        r.extend(to.iter().map(|d| num(get(o, d))));
        r.push(num(get(o, TOTALE)));
        rows.push(r);
    }
    blocks.push(Block::Table(TableBlock {
        id: "t11_transizioni_settori".into(),
        title: format!("Transizioni da lavoro a lavoro per settore di provenienza e di arrivo, {}", c.period.name()),
        header,
        rows,
        sources: vec![cube.command.clone()],
        notes: vec!["Rapporti cessati nel periodo seguiti, per lo stesso lavoratore, da un rapporto con un altro datore iniziato entro 30 giorni.".into()],
    }));
    blocks
}

// ------------------------------------------------------------------------ metodo e fonti

fn metodologia(c: &Ctx) -> Vec<Block> {
    let p = &c.f.protection;
    let mut blocks = vec![
        Block::Paragraph(format!(
            "I dati sono le Comunicazioni Obbligatorie (CO) dei datori di lavoro con sede di lavoro in provincia di {}, dal {} al {} (orizzonte dei dati). Un rapporto di lavoro è identificato da lavoratore, datore e data di inizio; le proroghe ne spostano la fine prevista, le trasformazioni ne cambiano il contratto o l'orario, la cessazione lo chiude. Un rapporto a termine giunto alla fine prevista senza comunicazione di cessazione è considerato cessato in quella data (cessazione imputata). Le date di fine sono incluse nel rapporto. Regole complete: docs/convenzioni.md.",
            c.f.province_name,
            c.f.coverage_start.format("%d/%m/%Y"),
            c.f.horizon.format("%d/%m/%Y")
        )),
        Block::Paragraph(
            "Destagionalizzazione: scomposizione a medie mobili di tipo X-11 (modello moltiplicativo): trend con media mobile centrata 2×12 e poi di Henderson a 13 termini, fattori stagionali per mese con medie mobili 3×3 e 3×5 tra gli anni, normalizzati su 12 mesi. È applicata solo a serie complete di almeno 36 mesi; i valori destagionalizzati sono stime e cambiano al crescere della serie.".into(),
        ),
        Block::Paragraph(format!(
            "Tutela della riservatezza (art. 5 delle regole deontologiche SISTAN): una cella è pubblicata solo se vi contribuiscono almeno {} lavoratori e {} datori di lavoro distinti; le altre sono soppresse (x), insieme alle celle necessarie a impedirne il ricalcolo per differenza. Tutte le tavole del bollettino sono protette insieme, come un unico sistema: totali e dettagli, identità tra misure (saldo = attivazioni − cessazioni + trasformazioni nette), mesi che sommano al periodo, posizioni e saldi. In questo bollettino: {} celle pubblicate, {} soppresse per soglia, {} soppresse per complementarità. Le variazioni e le somme sono calcolate solo da celle pubblicate.",
            c.f.rules.min_workers,
            c.f.rules.min_employers,
            p.ok,
            p.suppressed_primary,
            p.suppressed_secondary
        )),
    ];
    blocks.push(Block::Paragraph("Glossario:".into()));
    blocks.push(Block::List(
        [
            "Attivazione: inizio di un rapporto di lavoro (data di inizio nel periodo).",
            "Cessazione: fine di un rapporto (data di fine effettiva nel periodo), comunicata o imputata.",
            "Cessazione imputata: rapporto a termine giunto alla fine prevista (con le proroghe) senza comunicazione di cessazione.",
            "Proroga: spostamento della fine prevista di un rapporto a termine; non crea posizioni.",
            "Trasformazione: cambio di contratto (es. da tempo determinato a indeterminato) o di orario nello stesso rapporto.",
            "Saldo: attivazioni − cessazioni (+ trasformazioni in entrata − in uscita, per contratto); è la variazione delle posizioni di lavoro.",
            "Posizioni di lavoro: rapporti in essere alla fine di una giornata.",
            "Lavoratori interessati: persone distinte con almeno un'attivazione nel periodo.",
            "Destagionalizzato: al netto delle oscillazioni che si ripetono ogni anno nello stesso mese.",
            "x: dato soppresso per la tutela della riservatezza; ....: dato non disponibile.",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    ));
    blocks.push(Block::Paragraph("Ogni tavola si ricalcola con i comandi OML seguenti (stessi numeri; le celle soppresse possono essere di più nel bollettino, che protegge tutte le tavole insieme):".into()));
    let mut cmds: Vec<String> = c.f.cubes().iter().map(|cube| cube.command.clone()).collect();
    cmds.dedup();
    blocks.push(Block::List(cmds));
    blocks
}

fn fonti(c: &Ctx) -> Vec<Block> {
    vec![Block::List(vec![
        format!(
            "Comunicazioni Obbligatorie (modelli UNILAV): elaborazioni OML, lago aggiornato al {}.",
            c.f.horizon.format("%d/%m/%Y")
        ),
        "Fonte: ISTAT, Rilevazione sulle forze di lavoro (tasso di disoccupazione), licenza CC BY 3.0; elaborazioni su dati ISTAT.".into(),
        "Fonte: ISTAT, Elenco comuni italiani (codici e denominazioni), licenza CC BY 3.0.".into(),
        "Fonte: ANPAL – Ministero del Lavoro e delle Politiche Sociali, classificazioni standard CO (tipologie contrattuali, ATECO 2007, cittadinanze, titoli di studio).".into(),
        "Carattere tipografico: DejaVu Sans (licenza Bitstream Vera / DejaVu), incorporato nel programma.".into(),
        format!("Prodotto con OML {} (Osservatorio del Mercato del Lavoro), licenza EUPL-1.2.", env!("CARGO_PKG_VERSION")),
        format!("Soglie di riservatezza applicate: {} lavoratori e {} datori per cella.", c.spec.min_workers, c.spec.min_employers),
    ])]
}
