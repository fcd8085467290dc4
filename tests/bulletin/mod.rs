//! The provincial bulletin: its numbers against plain SQL on the lake (the CO tables, and the
//! registered-unemployment tables from the province's DID records), disclosure control across its
//! tables, and the HTML page loaded in a real (headless) Chromium.

mod revisioni;
mod riferimento;

use super::{key, opts, synthetic, tmp_lake};
use crate::build;
use oml::derive::BuildOptions;
use oml::ingest::ingest;
use oml::lake::Lake;
use oml::report::bulletin::{run, BulletinSpec, Written};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The shared synthetic province (PO 2022–2023, its CO and DID records) with its 2023-Q4
/// bulletin, written once.
fn bulletin() -> &'static (tempfile::TempDir, Lake, Written) {
    static B: OnceLock<(tempfile::TempDir, Lake, Written)> = OnceLock::new();
    B.get_or_init(|| {
        let (d, lake) = tmp_lake("bulletin");
        ingest(&lake, &key(), &[synthetic().join("unilav")], &opts()).unwrap();
        oml::ingest::registri::ingest::<oml::ingest::registri::Did>(&lake, &key(), &[synthetic().join("did.csv")])
            .unwrap();
        build(&lake, &BuildOptions::default(), &|_, _, _| {}).unwrap();
        let w = run(&lake, &spec(d.path(), "2023-Q4"), &|_| {}).unwrap();
        (d, lake, w)
    })
}

/// The bulletin of province PO for `period`, written in `dir/bollettino`, with the default rules.
pub(crate) fn spec(dir: &Path, period: &str) -> BulletinSpec {
    BulletinSpec {
        province: "PO".into(),
        period: period.parse().unwrap(),
        out: dir.join("bollettino"),
        sections: None,
        title: None,
        history_years: 5,
        min_workers: 3,
        min_employers: 3,
        dominanza: None,
        protezione: None,
        anno_riferimento: None,
        perimetro: Default::default(),
        precedente: None,
    }
}

/// A CSV of the bulletin as rows of column → text.
pub(crate) fn csv_rows(dir: &Path, id: &str) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(dir.join("csv").join(format!("{id}.csv"))).unwrap();
    let headers: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers.iter().cloned().zip(rec.iter().map(String::from)).collect()
        })
        .collect()
}

/// Plain SQL on the lake, first column as i64 by the second as text (or "" when one column).
fn sql_counts(lake: &Lake, sql: &str) -> HashMap<String, i64> {
    let s = oml::analytics::Session::open(lake).unwrap();
    let mut stmt = s.conn.prepare(sql).unwrap();
    // The column count is known once the statement has run.
    let mut rows = stmt.query([]).unwrap();
    let n = rows.as_ref().unwrap().column_count();
    let mut out = HashMap::new();
    while let Some(r) = rows.next().unwrap() {
        let v: i64 = r.get(0).unwrap();
        let k: String = if n > 1 { r.get(1).unwrap() } else { String::new() };
        out.insert(k, v);
    }
    out
}

/// Compares the published cells of a column with the SQL values; returns how many were compared.
fn check_column(
    rows: &[HashMap<String, String>],
    label_col: &str,
    label_of: &dyn Fn(&str) -> String,
    col: &str,
    expected: &HashMap<String, i64>,
) -> usize {
    let mut compared = 0;
    for r in rows {
        let label = &r[label_col];
        let state = &r[&format!("{col} – stato")];
        let value = &r[col];
        let key = label_of(label);
        if state == "ok" {
            let want = expected.get(&key).copied().unwrap_or(0);
            let got: f64 = value.parse().unwrap_or_else(|_| panic!("{col} of {label}: {value:?}"));
            assert_eq!(got as i64, want, "{col} of {label} ({key})");
            compared += 1;
        } else {
            assert!(value.is_empty(), "{col} of {label} is {state} but shows {value:?}");
        }
    }
    compared
}

const Q4: &str = "BETWEEN DATE '2023-10-01' AND DATE '2023-12-31'";

/// With a second province of the region in the lake (FI beside PO), the region's comparison
/// counts the whole region: the province's cubes read its segments kept in memory
/// (`CubeMaker::keep_segments`), the region's cube must not.
#[test]
fn the_region_comparison_counts_the_whole_region() {
    let (d, lake) = tmp_lake("bulletin-regione");
    let fi = d.path().join("fi");
    let cfg = oml::synth::SynthConfig {
        province: "FI".into(),
        first_year: 2023,
        last_year: 2023,
        volume: 3000,
        seed: 11,
        ..Default::default()
    };
    oml::synth::generate(&cfg, &fi, &|_, _| {}).unwrap();
    ingest(&lake, &key(), &[synthetic().join("unilav"), fi.join("unilav")], &opts()).unwrap();
    build(&lake, &BuildOptions::default(), &|_, _, _| {}).unwrap();
    let w = run(&lake, &spec(d.path(), "2023-Q4"), &|_| {}).unwrap();
    let hires = |territory: &str| {
        sql_counts(
            &lake,
            &format!("SELECT count(*) FROM rapporti WHERE {territory} AND data_inizio {Q4}"),
        )[""]
    };
    let (region, province) = (hires("regione = '09'"), hires("provincia = 'PO'"));
    assert!(region > province, "FI adds hires to the region: {region} vs {province}");
    let md = std::fs::read_to_string(w.dir.join("bollettino.md")).unwrap();
    let printed = md
        .split("Confronto con la regione Toscana: attivazioni ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .expect("the region's comparison")
        .replace('.', "");
    assert_eq!(printed.parse::<i64>().unwrap(), region);
}

#[test]
fn bulletin_numbers_equal_plain_sql() {
    let (_, lake, w) = bulletin();
    let dir = &w.dir;
    for f in ["bollettino.html", "bollettino.md", "bollettino.xlsx"] {
        assert!(dir.join(f).metadata().unwrap().len() > 1000, "{f}");
    }
    // Sintesi: totals of the quarter.
    let t01 = csv_rows(dir, "t01_sintesi");
    let total = |sql: &str| sql_counts(lake, sql)[""];
    let att = total(&format!(
        "SELECT count(*) FROM rapporti WHERE provincia = 'PO' AND data_inizio {Q4}"
    ));
    let ces = total(&format!(
        "SELECT count(*) FROM rapporti WHERE provincia = 'PO' AND data_fine_effettiva {Q4}"
    ));
    let workers = total(&format!(
        "SELECT count(DISTINCT id_lavoratore) FROM rapporti WHERE provincia = 'PO' AND data_inizio {Q4}"
    ));
    let pos = total(
        "SELECT count(*) FROM rapporti WHERE provincia = 'PO' AND data_inizio <= DATE '2023-12-31' \
         AND (data_fine_effettiva IS NULL OR data_fine_effettiva > DATE '2023-12-31')",
    );
    let expected: HashMap<String, i64> = [
        ("Attivazioni", att),
        ("Cessazioni", ces),
        ("Saldo (attivazioni − cessazioni)", att - ces),
        ("Lavoratori interessati", workers),
        ("Posizioni di lavoro a fine periodo", pos),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let cur = "IV trimestre 2023";
    let t01: Vec<_> = t01
        .into_iter()
        .filter(|r| expected.contains_key(&r["Indicatore"]))
        .collect();
    assert_eq!(t01.len(), 5);
    // Every published cell equals the SQL; on this small province (6,000 communications a
    // year) the joint protection withholds some totals, so not all five are published.
    assert!(check_column(&t01, "Indicatore", &|l| l.to_string(), cur, &expected) >= 2);
    assert!(att > 100, "the quarter has {att} attivazioni");

    // The HTML shows them the Italian way (or says the figure is withheld).
    let html = std::fs::read_to_string(dir.join("bollettino.html")).unwrap();
    let it = |n: i64| oml::report::format::fmt_int(n);
    let att_state = &t01.iter().find(|r| r["Indicatore"] == "Attivazioni").unwrap()[&format!("{cur} – stato")];
    let sentence = if att_state == "ok" {
        format!("sono state {}", it(att))
    } else {
        "sono state un dato riservato".into()
    };
    assert!(html.contains(&sentence), "sintesi sentence: {sentence}");

    // Attivazioni by contract (the contract at the start of the relationship).
    let by_contract = sql_counts(
        lake,
        &format!(
            "SELECT count(*), coalesce(macro_contratto, 'NON_NOTO') FROM segmenti WHERE provincia = 'PO' \
             AND n_segmento = 1 AND data_inizio {Q4} GROUP BY ALL"
        ),
    );
    let names: HashMap<String, String> = oml::report::bulletin::sections::CONTRACTS
        .iter()
        .map(|(c, n)| (n.to_string(), c.to_string()))
        .collect();
    let mut with_total = by_contract.clone();
    with_total.insert("Totale".into(), att);
    let t04 = csv_rows(dir, "t04_flussi_contratto");
    let n = check_column(
        &t04,
        "Contratto",
        &|l| names.get(l).cloned().unwrap_or_else(|| l.to_string()),
        "Attivazioni",
        &with_total,
    );
    assert!(n >= 2, "{n} contracts compared");

    // The monthly series.
    let monthly = sql_counts(
        lake,
        "SELECT count(*), strftime(data_inizio, '%Y-%m') FROM rapporti WHERE provincia = 'PO' GROUP BY ALL",
    );
    let month_key = |label: &str| {
        let (m, y) = label.split_once(' ').unwrap();
        let i = oml::report::format::MONTHS_SHORT.iter().position(|x| *x == m).unwrap();
        format!("{y}-{:02}", i + 1)
    };
    let t02 = csv_rows(dir, "t02_serie_mensile");
    // Whole months only: a first month the lake covers from its 1st day on, or the next one.
    let start = lake.manifest().unwrap().build.unwrap().inizio_copertura;
    let expected_months = if start.ends_with("-01") && start.starts_with("2022-01") {
        24
    } else {
        23
    };
    assert!(start.starts_with("2022-01"), "coverage starts {start}");
    assert_eq!(t02.len(), expected_months, "coverage from {start}");
    assert!(check_column(&t02, "Mese", &month_key, "Attivazioni", &monthly) >= 6);

    // By comune of the workplace (names in the table, Belfiore codes in the lake).
    let by_comune = sql_counts(
        lake,
        &format!(
            "SELECT count(*), coalesce(comune_lavoro, 'NON_INDICATO') FROM rapporti WHERE provincia = 'PO' AND data_inizio {Q4} GROUP BY ALL"
        ),
    );
    let reference = oml::reference::Reference::get();
    let mut named: HashMap<String, i64> = by_comune
        .iter()
        .map(|(k, v)| {
            let name = match reference.comune_any(k) {
                Some(c) => c.nome.clone(),
                None if k == "NON_INDICATO" => "Non indicato".to_string(),
                None => k.clone(),
            };
            (name, *v)
        })
        .collect();
    named.insert("Totale".into(), att);
    let t09 = csv_rows(dir, "t09_flussi_comune");
    assert!(check_column(&t09, "Comune", &|l| l.to_string(), "Attivazioni", &named) >= 2);
}

#[test]
fn bulletin_registered_unemployment_equals_plain_sql_on_the_did_records() {
    let (_, lake, w) = bulletin();
    let dir = &w.dir;
    // Plain SQL over the events, independent of the did indicator and of did_episodi.
    let episodes =
        "WITH r AS (SELECT id_did, data_evento AS dal, cpi, sesso FROM did_eventi WHERE evento = 'RILASCIO'), \
                    f AS (SELECT id_did, data_evento AS al, causa FROM did_eventi WHERE evento = 'FINE') \
                    SELECT * FROM r LEFT JOIN f USING (id_did) WHERE cpi LIKE 'PO%'";
    let one = |q: &str| sql_counts(lake, &format!("WITH e AS ({episodes}) {q}"))[""];
    let stock = |day: &str| {
        one(&format!(
            "SELECT count(*) FROM e WHERE dal <= DATE '{day}' AND (al IS NULL OR al > DATE '{day}')"
        ))
    };
    let expected: HashMap<&str, i64> = HashMap::from([
        (
            "DID aperte a fine periodo (disoccupati registrati)",
            stock("2023-12-31"),
        ),
        (
            "Nuove DID nel periodo",
            one(&format!("SELECT count(*) FROM e WHERE dal {Q4}")),
        ),
        (
            "DID concluse nel periodo",
            one(&format!("SELECT count(*) FROM e WHERE al {Q4}")),
        ),
        (
            "per assunzione (comunicazione obbligatoria)",
            one(&format!("SELECT count(*) FROM e WHERE al {Q4} AND causa = '03'")),
        ),
    ]);
    let t13 = csv_rows(dir, "t13_did_periodo");
    let label_col = t13[0]
        .keys()
        .find(|k| k.is_empty() || k.as_str() == "")
        .cloned()
        .unwrap_or_default();
    let mut compared = 0;
    for r in &t13 {
        let Some(want) = expected.get(r[&label_col].trim()) else {
            continue;
        };
        assert_eq!(r["IV trimestre 2023 – stato"], "ok", "{r:?}");
        assert_eq!(r["IV trimestre 2023"].parse::<f64>().unwrap() as i64, *want, "{r:?}");
        compared += 1;
    }
    assert_eq!(compared, expected.len());
    // By CPI and sex: the open DID of the quarter's end.
    let by_cpi = sql_counts(
        lake,
        &format!(
            "WITH e AS ({episodes}) SELECT count(*), cpi || '|' || sesso FROM e \
             WHERE dal <= DATE '2023-12-31' AND (al IS NULL OR al > DATE '2023-12-31') GROUP BY ALL"
        ),
    );
    let t14 = csv_rows(dir, "t14_did_cpi_sesso");
    let mut n = 0;
    for r in &t14 {
        let label = &r["Centro per l'impiego"];
        let Some(code) = label.split('(').nth(1).map(|c| c.trim_end_matches(')')) else {
            continue;
        };
        for (col, sex) in [("DID aperte, maschi", "M"), ("DID aperte, femmine", "F")] {
            if r[&format!("{col} – stato")] == "ok" {
                let got = r[col].parse::<f64>().unwrap() as i64;
                assert_eq!(got, by_cpi[&format!("{code}|{sex}")], "{label} {sex}");
                n += 1;
            }
        }
    }
    assert!(n >= 2, "{n} CPI cells compared");
    let md = std::fs::read_to_string(dir.join("bollettino.md")).unwrap();
    assert!(md.contains("le DID aperte nei centri per l'impiego della provincia"));
}

#[test]
fn every_bulletin_table_is_protected_and_none_can_be_subtracted() {
    let (_, _, w) = bulletin();
    let dir = &w.dir;
    let mut cells = 0;
    for entry in std::fs::read_dir(dir.join("csv")).unwrap() {
        let p = entry.unwrap().path();
        let id = p.file_stem().unwrap().to_string_lossy().to_string();
        for r in csv_rows(dir, &id) {
            for (col, state) in r.iter().filter(|(c, _)| c.ends_with(" – stato")) {
                let value_col = col.trim_end_matches(" – stato");
                let value = &r[value_col];
                match state.as_str() {
                    "ok" => assert!(!value.is_empty(), "{id}: {value_col} ok but empty"),
                    "soppressa_primaria" | "soppressa_secondaria" | "non_disponibile" => {
                        assert!(value.is_empty(), "{id}: {value_col} withheld but shows {value}")
                    }
                    other => panic!("{id}: unexpected state {other}"),
                }
                cells += 1;
            }
        }
    }
    assert!(cells > 300, "{cells} cells checked");
    // The joint protection audited every component exactly and left nothing recoverable.
    let p = &w.protection;
    assert_eq!(p.unaudited_components, 0, "{p:?}");
    assert!(p.irreparable.is_empty(), "{p:?}");
    assert!(
        p.equations > 1000,
        "margins, identities and links between tables: {p:?}"
    );
    // The small cells exist on this province (comuni × quarter, age × sex): some are withheld.
    assert!(
        w.suppressed_cells > 0,
        "expected some suppressed cells on a 6,000-a-year province"
    );
    // The HTML marks them with x.
    let html = std::fs::read_to_string(dir.join("bollettino.html")).unwrap();
    assert!(html.contains("class=\"n x\""));
}

/// The Chromium binary, if this machine has one.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("OML_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
        for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// Loads the page in headless Chromium with a probe script appended: every chart must have drawn
/// (an <svg> with a non-zero box and text in the embedded font), the font must have loaded, no
/// resource may fail and the console must be free of errors. Also takes a screenshot.
#[test]
fn bulletin_renders_in_headless_chromium() {
    let Some(chrome) = chromium() else {
        assert!(
            std::env::var_os("OML_REQUIRE_CHROMIUM").is_none(),
            "OML_REQUIRE_CHROMIUM is set (as in .ci/run) but no Chromium was found"
        );
        eprintln!(
            "SKIPPED bulletin_renders_in_headless_chromium: no Chromium on this machine \
             (install Debian's `chromium` package, or set OML_CHROMIUM); .ci/run installs it"
        );
        return;
    };
    let (d, _, w) = bulletin();
    let html = std::fs::read_to_string(&w.html).unwrap();
    let probe = r#"<script>
window.addEventListener('load', async () => {
  await document.fonts.ready;
  const figs = [...document.querySelectorAll('figure.chart')];
  const drawn = figs.filter(f => { const s = f.querySelector('svg'); if (!s) return false;
    const r = s.getBoundingClientRect(); return r.width > 100 && r.height > 50 && s.querySelectorAll('text').length > 3; });
  const res = performance.getEntriesByType('resource').map(e => e.name);
  const out = { figures: figs.length, drawn: drawn.length,
    font: document.fonts.check('16px "OML Sans"'), resources: res.length,
    external: document.querySelectorAll('[src], link[href], object, iframe').length,
    tables: document.querySelectorAll('table').length };
  document.body.setAttribute('data-probe', JSON.stringify(out));
});
</script></body>"#;
    let probed = d.path().join("probe.html");
    std::fs::write(&probed, html.replace("</body>", probe)).unwrap();
    let run = |extra: &[&str], page: &Path| {
        std::process::Command::new(&chrome)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
            ])
            .args(["--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000"])
            .args(extra)
            .arg(format!("file://{}", page.display()))
            .output()
            .expect("running chromium")
    };
    let dom = run(&["--dump-dom"], &probed);
    let stdout = String::from_utf8_lossy(&dom.stdout);
    let stderr = String::from_utf8_lossy(&dom.stderr);
    let probe_json = stdout
        .split("data-probe=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(|s| s.replace("&quot;", "\""))
        .unwrap_or_else(|| panic!("the probe did not run; chromium said:\n{stderr}"));
    let v: serde_json::Value = serde_json::from_str(&probe_json).unwrap();
    assert!(v["figures"].as_u64().unwrap() >= 6, "{v}");
    assert_eq!(v["figures"], v["drawn"], "every chart drew: {v}");
    assert_eq!(v["font"], true, "the embedded font loaded: {v}");
    assert_eq!(v["resources"], 0, "a self-contained page loads nothing: {v}");
    assert_eq!(v["external"], 0, "no element refers to another file: {v}");
    assert!(v["tables"].as_u64().unwrap() >= 8, "{v}");
    let console_errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Failed to load") || l.contains("Uncaught"))
        .collect();
    assert!(
        console_errors.is_empty(),
        "console errors:\n{}",
        console_errors.join("\n")
    );
    // A screenshot of the page as a reader opens it.
    let shot = d.path().join("bollettino.png");
    let out = run(
        &[&format!("--screenshot={}", shot.display()), "--window-size=1200,3000"],
        &w.html,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(
        png.len() > 50_000,
        "a rendered page, not a blank one ({} bytes)",
        png.len()
    );
    // And it prints to PDF (A4, from the print stylesheet).
    let pdf = d.path().join("bollettino.pdf");
    let out = run(
        &[&format!("--print-to-pdf={}", pdf.display()), "--no-pdf-header-footer"],
        &w.html,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pdf = std::fs::read(&pdf).unwrap();
    assert!(pdf.starts_with(b"%PDF-") && pdf.len() > 50_000, "{} bytes", pdf.len());
    if let Some(keep) = std::env::var_os("OML_KEEP_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
}

#[test]
fn a_perimeter_reaches_every_co_table_and_the_box() {
    use oml::analytics::perimeter::{Employers, Exclusion, Geography, Perimeter};
    let (d, lake, _) = bulletin();
    // INPS's perimeter: private employers, no agriculture, no domestic work.
    let mut s = spec(&d.path().join("inps"), "2023-Q4");
    s.perimetro = Perimeter::new(
        Employers::Private,
        &[Exclusion::Agricoltura, Exclusion::Domestico],
        Geography::Workplace,
    );
    let w = run(lake, &s, &|_| {}).unwrap();
    let rule = "provincia = 'PO' AND datore_pa IS NOT TRUE AND NOT coalesce(ateco_sezione = 'A' \
        OR tipologia_contrattuale LIKE 'H.%' OR macro_contratto = 'DOMESTICO' OR ateco_divisione = '97', false)";
    let att = sql_counts(
        lake,
        &format!("SELECT count(*) FROM rapporti WHERE {rule} AND data_inizio {Q4}"),
    )[""];
    let all = sql_counts(
        lake,
        &format!("SELECT count(*) FROM rapporti WHERE provincia = 'PO' AND data_inizio {Q4}"),
    )[""];
    assert!(att < all, "the perimeter leaves records out ({att} of {all})");
    let t01: Vec<_> = csv_rows(&w.dir, "t01_sintesi")
        .into_iter()
        .filter(|r| r["Indicatore"] == "Attivazioni")
        .collect();
    let expected: HashMap<String, i64> = [("Attivazioni".to_string(), att)].into();
    check_column(&t01, "Indicatore", &|l| l.to_string(), "IV trimestre 2023", &expected);
    // No domestic contract in the contracts table.
    let t04 = csv_rows(&w.dir, "t04_flussi_contratto");
    assert!(
        t04.iter().all(|r| !r.values().any(|v| v.contains("omestic"))),
        "{t04:?}"
    );
    let md = std::fs::read_to_string(w.dir.join("bollettino.md")).unwrap();
    assert!(md.contains("solo privati"), "box: employers");
    assert!(md.contains("Esclusi: agricoltura"), "box: exclusions");
    assert!(md.contains("lavoro domestico"), "box: exclusions");
    assert!(
        md.contains("--datori privati --escludi agricoltura,domestico"),
        "the commands under the tables reproduce the perimeter"
    );
}

/// An indicator for the bulletin's quarter (IV 2023) and province, unprotected: what the command
/// under a table computes.
fn fourth_quarter_2023_in_po(
    lake: &Lake,
    name: &str,
    by: &[&str],
    parameters: &[(&str, &str)],
) -> oml::analytics::indicators::Table {
    use oml::analytics::indicators::{compute, Periodicity, Request, Territory};
    let s = oml::analytics::Session::open(lake).unwrap();
    let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
    compute(
        &s,
        &Request {
            indicator: name.into(),
            by: by.iter().map(|b| b.to_string()).collect(),
            period: Some((day("2023-10-01"), day("2023-12-31"))),
            periodicity: Periodicity::Quarter,
            totals: true,
            mode: oml::sdc::Mode::Confidential,
            territory: Territory {
                provincia: Some("PO".into()),
                regione: None,
            },
            perimeter: Default::default(),
            parameters: parameters.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        },
    )
    .unwrap()
}

/// Where a text first appears in the bulletin's Mobilità section (a panic when it does not).
fn mobility_order(dir: &Path) -> impl Fn(&str) -> usize {
    let md = std::fs::read_to_string(dir.join("bollettino.md")).unwrap();
    let section = md[md.find("## Mobilità dei lavoratori").unwrap()..].to_string();
    move |s: &str| {
        section
            .find(s)
            .unwrap_or_else(|| panic!("{s} not in the Mobilità section"))
    }
}

#[test]
fn mobility_section_has_the_commuting_blocks_and_their_numbers_are_the_indicators() {
    let (_, lake, w) = bulletin();
    let dir = &w.dir;
    // Every chart and table has its own id: as many files as blocks.
    let files = |sub: &str, ext: &str| {
        std::fs::read_dir(dir.join(sub))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == ext))
            .count()
    };
    assert_eq!(files("csv", "csv"), w.tables);
    assert_eq!(files("grafici", "svg"), w.charts);
    // In the Mobilità section, after the transitions and before the mobility lists.
    let at = mobility_order(dir);
    assert!(at("g09_mobilita_settori") < at("g17_pendolarismo_cpi"));
    assert!(at("g17_pendolarismo_cpi") < at("g18_pendolarismo_matrice"));
    assert!(at("Pendolarismo per centro per l'impiego del domicilio") > at("g18_pendolarismo_matrice"));
    assert!(at("autocontenimento") < at("g17_pendolarismo_cpi"));
    // The table's published values are the pendolarismo indicator's, as its command computes them
    // (by CPI, --livello cpi, the bulletin's quarter and province).
    let t = fourth_quarter_2023_in_po(lake, "pendolarismo", &["area"], &[("livello", "cpi")]);
    let value = |area: &str, m: &str| {
        t.rows
            .iter()
            .find(|r| r.dims[0].as_deref().unwrap_or("Totale") == area && r.misura == m)
            .and_then(|r| r.valore)
            .unwrap_or(0.0)
    };
    let reference = oml::reference::Reference::get();
    let code_of = |label: &str| {
        reference
            .cpis()
            .iter()
            .find(|c| c.nome == label)
            .map(|c| c.codice.clone())
            .unwrap_or_else(|| label.to_string())
    };
    let rows = csv_rows(dir, "t25_pendolarismo_cpi");
    assert!(rows.len() >= 2, "the province's CPIs and the total: {rows:?}");
    let columns = [
        ("Interni", "interni"),
        ("In entrata", "in_entrata"),
        ("In uscita", "in_uscita"),
        ("Saldo pendolare", "saldo_pendolare"),
        ("Occupati residenti", "occupati_residenti"),
        ("Autocontenimento %", "autocontenimento"),
    ];
    let mut published = 0;
    for r in &rows {
        let area = code_of(&r["Centro per l'impiego"]);
        assert!(area == "Totale" || area.starts_with("PO"), "{area}");
        for (col, m) in columns {
            if r[&format!("{col} – stato")] == "ok" {
                let got: f64 = r[col].parse().unwrap();
                assert_eq!(got, value(&area, m), "{area} {m}");
                published += 1;
            } else {
                assert!(r[col].is_empty(), "{area} {m}");
            }
        }
    }
    assert!(published >= 6, "{published} cells published: {rows:?}");
    // The total in entrata is the sum of the matrix's cells between different CPIs.
    assert_eq!(value("Totale", "in_entrata"), value("Totale", "in_uscita"));
}

#[test]
fn mobility_section_has_the_job_to_job_blocks_and_their_numbers_are_the_indicators() {
    let (_, lake, w) = bulletin();
    let dir = &w.dir;
    let at = mobility_order(dir);
    assert!(at("g09_mobilita_settori") < at("g19_assunzioni_provenienza"));
    assert!(at("g19_assunzioni_provenienza") < at("g17_pendolarismo_cpi"));
    assert!(at("assunzioni su") < at("g19_assunzioni_provenienza"));
    let table =
        |name: &str, by: &[&str], parameters: &[(&str, &str)]| fourth_quarter_2023_in_po(lake, name, by, parameters);
    let value = |t: &oml::analytics::indicators::Table, dims: &[&str], m: &str| {
        t.rows
            .iter()
            .find(|r| {
                r.misura == m
                    && r.dims
                        .iter()
                        .map(|d| d.as_deref().unwrap_or("Totale"))
                        .eq(dims.iter().copied())
            })
            .and_then(|r| r.valore)
            .unwrap_or(0.0)
    };
    // t26: the hires by class of the quarter, as j2j computes them.
    let j = table("j2j", &[], &[]);
    let rows = csv_rows(dir, "t26_assunzioni_provenienza");
    let first = rows[0].keys().find(|k| k.starts_with("Provenienza")).cloned().unwrap();
    let measure = |label: &str| match label {
        l if l.contains("(EE)") => "EE",
        l if l.contains("(AQHire)") => "AQHire",
        l if l.contains("(ENPersist)") => "ENPersist",
        l if l.contains("(J2J") => "J2J",
        l if l.contains("già occupato") => "da_occupato",
        l if l.contains("non osservabile") => "ingressi_non_osservati",
        _ => "assunzioni",
    };
    let quarter = rows[0]
        .keys()
        .find(|k| k.contains("trimestre 2023") && !k.contains("–") && !k.starts_with("Quota"))
        .cloned()
        .unwrap();
    let mut published = 0;
    for r in &rows {
        let m = measure(&r[&first]);
        if r[&format!("{quarter} – stato")] == "ok" {
            assert_eq!(r[&quarter].parse::<f64>().unwrap(), value(&j, &[], m), "{m}");
            published += 1;
        }
    }
    assert!(published >= 3, "{rows:?}");
    // t27: the moves between contracts, as matrice_transizioni --asse contratto computes them.
    let m = table(
        "matrice_transizioni",
        &["origine", "destinazione"],
        &[("asse", "contratto")],
    );
    let rows = csv_rows(dir, "t27_transizioni_contratto");
    let codes: HashMap<&str, &str> = oml::report::bulletin::sections::CONTRACTS
        .iter()
        .map(|(code, name)| (*name, *code))
        .chain([("Totale", "Totale")])
        .collect();
    let reference = |label: &str| codes.get(label).copied().unwrap_or(label).to_string();
    let mut published = 0;
    for r in &rows {
        let o = reference(&r["Contratto lasciato"]);
        for (col, v) in r.iter() {
            if col.contains(" – stato") || col == "Contratto lasciato" || col.starts_with("Quota") {
                continue;
            }
            if r[&format!("{col} – stato")] == "ok" {
                let d = reference(col);
                assert_eq!(
                    v.parse::<f64>().unwrap(),
                    value(&m, &[&o, &d], "transizioni"),
                    "{o} → {d}"
                );
                published += 1;
            }
        }
    }
    assert!(published >= 4, "{rows:?}");
}
