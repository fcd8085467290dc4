//! The reference bulletins' tables in the 2023-Q4 bulletin of the synthetic province: the saldo
//! cumulated from January equals the sum of the monthly saldi, the annualised saldo by contract
//! (t30) the indicator's windows, the cessazioni by cause and by duration (t18, t19), the inflow into open-ended
//! employment (t20) and the part-time hires (t21) equal the indicators computed without
//! protection, wherever published.

use super::{bulletin, csv_rows};
use chrono::Datelike;
use oml::analytics::indicators::{compute, Periodicity, Request, Table};
use oml::analytics::Session;
use oml::lake::Lake;
use oml::sdc::Mode;
use std::collections::HashMap;

/// An indicator over the province without protection: (periodo, dims joined by '|', misura) → value.
fn unprotected(
    lake: &Lake,
    name: &str,
    by: &[&str],
    dal: &str,
    per: Periodicity,
) -> HashMap<(String, String, String), f64> {
    let s = Session::open(lake).unwrap();
    let req = Request {
        indicator: name.into(),
        by: by.iter().map(|s| s.to_string()).collect(),
        period: Some((dal.parse().unwrap(), "2023-12-31".parse().unwrap())),
        periodicity: per,
        totals: true,
        mode: Mode::Confidential,
        territory: oml::analytics::indicators::Territory {
            provincia: Some("PO".into()),
            regione: None,
        },
        perimeter: Default::default(),
        parameters: Default::default(),
    };
    let t: Table = compute(&s, &req).unwrap();
    t.rows
        .iter()
        .map(|r| {
            let dims: Vec<&str> = r.dims.iter().map(|d| d.as_deref().unwrap_or("Totale")).collect();
            (
                (r.periodo.clone(), dims.join("|"), r.misura.clone()),
                r.valore.unwrap_or(f64::NAN),
            )
        })
        .collect()
}

fn get(v: &HashMap<(String, String, String), f64>, p: &str, d: &str, m: &str) -> f64 {
    v.get(&(p.into(), d.into(), m.into())).copied().unwrap_or(0.0)
}

/// A published cell of a bulletin CSV row, or None when withheld or not available.
fn published(r: &HashMap<String, String>, col: &str) -> Option<f64> {
    match r.get(&format!("{col} – stato")).map(String::as_str) {
        Some("ok") | None => r[col].parse().ok(),
        Some(_) => None,
    }
}

/// The published monthly saldi of a bulletin (t02), by '2023-03'-style month, when all of `year`
/// are published.
fn published_saldi(dir: &std::path::Path, year: i32) -> Option<Vec<f64>> {
    let labels = [
        "gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic",
    ];
    let t02 = csv_rows(dir, "t02_serie_mensile");
    labels
        .iter()
        .map(|l| {
            let r = t02.iter().find(|r| r["Mese"] == format!("{l} {year}"))?;
            published(r, "Saldo")
        })
        .collect()
}

/// The number after `prefix` in the text ("+1.234" → 1234).
fn number_after(text: &str, prefix: &str) -> Option<f64> {
    let s = text.split_once(prefix)?.1.split([' ', ')', ',']).next()?;
    s.replace(['.', '+'], "").replace('−', "-").parse().ok()
}

#[test]
fn the_cumulated_saldo_is_the_sum_of_the_monthly_saldi() {
    // A province large enough (40,000 communications a year) for every monthly saldo to be
    // published (on the small shared one
    // secondary suppression withholds some months, and then the sum stops: checked below).
    let dir = tempfile::tempdir().unwrap();
    let cfg = oml::synth::SynthConfig {
        province: "PO".into(),
        first_year: 2021,
        last_year: 2023,
        volume: 40000,
        seed: 5,
        write_xml: false,
        ..Default::default()
    };
    oml::synth::generate(&cfg, &dir.path().join("dati"), &|_, _| {}).unwrap();
    let lake = Lake::new(dir.path().join("lake"));
    oml::ingest::ingest(&lake, &crate::key(), &[dir.path().join("dati/co.csv")], &crate::opts()).unwrap();
    crate::build(&lake, &oml::derive::BuildOptions::default(), &|_, _, _| {}).unwrap();
    let mut spec = super::spec(dir.path(), "2023-Q4");
    spec.anno_riferimento = Some(2021);
    let w = oml::report::bulletin::run(&lake, &spec, &|_| {}).unwrap();
    let md = std::fs::read_to_string(w.dir.join("bollettino.md")).unwrap();
    let (s23, s22) = (
        published_saldi(&w.dir, 2023).expect("every month of 2023 published"),
        published_saldi(&w.dir, 2022).expect("every month of 2022 published"),
    );
    let sentence = md
        .split("Da gennaio a dicembre 2023 il saldo cumulato è di ")
        .nth(1)
        .expect("the cumulated-saldo sentence");
    assert_eq!(number_after(sentence, ""), Some(s23.iter().sum()));
    assert_eq!(number_after(sentence, "negli stessi mesi: "), Some(s22.iter().sum()));
    // The sintesi against the same quarter of the reference year (here 2021), from plain counts.
    let q = unprotected(&lake, "flussi", &[], "2021-10-01", Periodicity::Quarter);
    let (att, att21) = (
        get(&q, "2023-Q4", "", "attivazioni"),
        get(&q, "2021-Q4", "", "attivazioni"),
    );
    let pct = format!("{:+.1}%", (att - att21) / att21 * 100.0).replace('.', ",");
    assert!(md.contains(&format!(" e {pct} rispetto al IV trimestre 2021")), "{pct}");
    let saldo21 = get(&q, "2021-Q4", "", "saldo");
    assert_eq!(number_after(&md, "un anno prima e "), Some(saldo21));
    assert!(md.contains("nello stesso periodo del 2021)"));
    // t30: the annualised saldo by contract of the 24 windows ending in 2022-01 .. 2023-12, each
    // published cell equal to the indicator, the total equal to the 12 monthly saldi of t02.
    let t30 = csv_rows(&w.dir, "t30_saldo_annualizzato_contratto");
    assert_eq!(t30.len(), 24);
    assert_eq!(t30[0]["12 mesi fino a"], "dic 2023");
    let u = unprotected(
        &lake,
        "saldo_annualizzato",
        &["macro_contratto"],
        "2022-01-01",
        Periodicity::Month,
    );
    let names: HashMap<&str, &str> = oml::report::bulletin::sections::CONTRACTS.iter().copied().collect();
    let mut compared = 0;
    for (i, r) in t30.iter().enumerate() {
        let end = chrono::NaiveDate::from_ymd_opt(2023, 12, 1)
            .unwrap()
            .checked_sub_months(chrono::Months::new(i as u32))
            .unwrap();
        let start = end.checked_sub_months(chrono::Months::new(11)).unwrap();
        let window = format!("{}..{}", start.format("%Y-%m"), end.format("%Y-%m"));
        for (code, name) in &names {
            if let Some(v) = r.get(*name).and_then(|_| published(r, name)) {
                assert_eq!(v, get(&u, &window, code, "saldo"), "{window} {code}");
                compared += 1;
            }
        }
        let total = published(r, "Totale").expect("the total is a headline-sized cell");
        assert_eq!(total, get(&u, &window, "Totale", "saldo"), "{window}");
        if end.year() == 2023 && end.month() == 12 {
            assert_eq!(total, s23.iter().sum::<f64>(), "the 2023 window is the year's saldo");
        }
    }
    assert!(compared > 100, "{compared} published cells by contract");
    // On the small shared province, a withheld month stops the sum: no sentence for that year.
    let (_, _, small) = bulletin();
    let md = std::fs::read_to_string(small.dir.join("bollettino.md")).unwrap();
    assert_eq!(
        md.contains("Da gennaio a dicembre 2023 il saldo cumulato"),
        published_saldi(&small.dir, 2023).is_some()
    );
}

#[test]
fn cessazioni_ingressi_ti_and_part_time_tables_equal_the_indicators() {
    let (_, lake, w) = bulletin();
    let q = |name: &str, by: &[&str]| unprotected(lake, name, by, "2022-10-01", Periodicity::Quarter);
    let (cur, prev) = ("2023-Q4", "2022-Q4");
    let mut compared = 0;
    let mut check = |got: Option<f64>, want: f64, what: &str| {
        if let Some(v) = got {
            assert_eq!(v, want, "{what}");
            compared += 1;
        }
    };
    // t18: cessazioni by cause, the rows in the order of the table.
    let c = q("cessazioni", &["sesso"]);
    let causes = [
        "cessazioni",
        "cessazioni_richiesta_lavoratore",
        "cessazioni_licenziamento",
        "cessazioni_cessazione_attivita",
        "cessazioni_altro_datore",
        "cessazioni_fine_termine",
        "cessazioni_altre_cause",
    ];
    let t18 = csv_rows(&w.dir, "t18_cessazioni_motivo");
    for (r, m) in t18.iter().zip(causes) {
        check(published(r, "IV trimestre 2023"), get(&c, cur, "Totale", m), m);
        check(published(r, "IV trimestre 2022"), get(&c, prev, "Totale", m), m);
    }
    // t19: by duration class and sex.
    let t19 = csv_rows(&w.dir, "t19_cessazioni_durata_sesso");
    let classes = ["1", "2_3", "4_30", "31_90", "91_365", "oltre_365", "non_nota"];
    for (r, k) in t19.iter().zip(classes) {
        for (col, sex) in [("Maschi", "M"), ("Femmine", "F"), ("Totale", "Totale")] {
            check(
                published(r, col),
                get(&c, cur, sex, &format!("cessazioni_durata_{k}")),
                k,
            );
        }
    }
    // t20: inflow into open-ended employment by sector.
    let t = q("ingressi_ti", &["settore"]);
    let sectors = [
        ("Agricoltura", "AGRICOLTURA"),
        ("Industria in senso stretto", "INDUSTRIA"),
        ("Costruzioni", "COSTRUZIONI"),
        ("Servizi", "SERVIZI"),
        ("Totale", "Totale"),
    ];
    let t20 = csv_rows(&w.dir, "t20_ingressi_ti_settore");
    for r in &t20 {
        let Some((_, s)) = sectors.iter().find(|(l, _)| *l == r["Settore"]) else {
            continue;
        };
        check(
            published(r, "Assunzioni a tempo indeterminato, IV trimestre 2023"),
            get(&t, cur, s, "assunzioni_ti"),
            s,
        );
        check(
            published(r, "Entrate a tempo indeterminato, IV trimestre 2023"),
            get(&t, cur, s, "ingressi_ti"),
            s,
        );
        check(
            published(r, "Entrate a tempo indeterminato, IV trimestre 2022"),
            get(&t, prev, s, "ingressi_ti"),
            s,
        );
    }
    // t21: part-time hires by sector and sex.
    let f = q("flussi", &["settore", "sesso", "orario"]);
    let t21 = csv_rows(&w.dir, "t21_part_time_settore_sesso");
    for r in &t21 {
        let Some((_, s)) = sectors.iter().find(|(l, _)| *l == r["Settore"]) else {
            continue;
        };
        for (col, sex) in [("maschi", "M"), ("femmine", "F"), ("totale", "Totale")] {
            let pt = get(&f, cur, &format!("{s}|{sex}|PART_TIME"), "attivazioni");
            let all = get(&f, cur, &format!("{s}|{sex}|Totale"), "attivazioni");
            check(published(r, &format!("Attivazioni part-time, {col}")), pt, s);
            if let Some(share) = published(r, &format!("Quota part-time %, {col}")) {
                assert!((share - 100.0 * pt / all).abs() < 0.051, "{s} {col}: {share}");
            }
        }
    }
    assert!(compared > 30, "{compared} cells compared");
}

#[test]
fn the_glossary_comes_from_the_indicator_files_and_the_xlsx_has_a_note_sheet() {
    let (_, _, w) = bulletin();
    let md = std::fs::read_to_string(w.dir.join("bollettino.md")).unwrap();
    let flussi = oml::analytics::indicators::find("flussi").unwrap();
    let defined = flussi.definition("attivazioni").unwrap();
    assert!(
        md.contains(&format!("Attivazioni: {defined}")),
        "glossary from the file"
    );
    assert!(md.contains("(indicatore `cessazioni`)"));
    // The period ends at the lake's horizon: the sintesi says the last months are provisional.
    assert!(md.contains("sono provvisori"), "provisional-data notice");
    assert!(
        md.contains("Perimetro e convenzioni di questo bollettino"),
        "perimeter box"
    );
    let file = std::fs::File::open(w.dir.join("bollettino.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut workbook = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/workbook.xml").unwrap(), &mut workbook).unwrap();
    assert!(workbook.contains("name=\"Note\""), "{workbook}");
    assert_eq!(
        workbook.matches("<sheet ").count(),
        w.tables + 1,
        "one sheet per table plus Note"
    );
}
