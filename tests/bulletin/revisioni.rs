//! The revision of the previous bulletin's figures (`--precedente`): every bulletin writes the
//! monthly series it publishes (`dati/serie_mensili.csv`); the next one reads them back and shows
//! the difference month by month (table t24) and one sentence in the sintesi.

use super::{bulletin, csv_rows, spec};
use oml::report::bulletin::run;
use oml::report::bulletin::vintage::SERIES_FILE;
use oml::report::format::{fmt_int, fmt_pct_change, month_label, month_label_long};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The shared 2023-Q4 bulletin written again with `previous` as the previous bulletin, in a new
/// folder: (the folder kept alive, the bulletin's folder).
fn again(previous: &Path) -> (tempfile::TempDir, PathBuf) {
    let (_, lake, _) = bulletin();
    let d = tempfile::tempdir().unwrap();
    let mut s = spec(d.path(), "2023-Q4");
    s.precedente = Some(previous.to_path_buf());
    let w = run(lake, &s, &|_| {}).unwrap();
    (d, w.dir)
}

/// The rows of a series file: misura, mese, valore, stato, data_estrazione, ambito.
fn series_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        ["misura", "mese", "valore", "stato", "data_estrazione", "ambito"]
    );
    r.records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect()
}

/// The previous bulletin of the hand case: the shared bulletin's series with the attivazioni of
/// the last published month lowered by 56 and the cessazioni of the first published month
/// withheld.
struct HandCase {
    _dirs: (tempfile::TempDir, tempfile::TempDir),
    out: PathBuf,
    /// "2023-12", and the attivazioni published now.
    revised: (String, f64),
    /// The month whose cessazioni the previous file withholds.
    withheld: String,
}

fn hand_case() -> &'static HandCase {
    static H: OnceLock<HandCase> = OnceLock::new();
    H.get_or_init(|| {
        let (_, _, first) = bulletin();
        let mut rows = series_rows(&first.dir.join(SERIES_FILE));
        let ok = |r: &Vec<String>, m: &str| r[0] == m && r[3] == "ok";
        let a = rows.iter().rposition(|r| ok(r, "attivazioni")).unwrap();
        let c = rows.iter().position(|r| ok(r, "cessazioni")).unwrap();
        let now: f64 = rows[a][2].parse().unwrap();
        rows[a][2] = (now - 56.0).to_string();
        rows[c][2] = String::new();
        rows[c][3] = "soppressa_primaria".into();
        let (revised, withheld) = ((rows[a][1].clone(), now), rows[c][1].clone());
        let dir = tempfile::tempdir().unwrap();
        let previous = dir.path().join("precedente");
        std::fs::create_dir_all(previous.join("dati")).unwrap();
        let mut w = csv::Writer::from_path(previous.join(SERIES_FILE)).unwrap();
        w.write_record(["misura", "mese", "valore", "stato", "data_estrazione", "ambito"])
            .unwrap();
        for r in &rows {
            w.write_record(r).unwrap();
        }
        w.flush().unwrap();
        let (d, out) = again(&previous);
        HandCase {
            _dirs: (dir, d),
            out,
            revised,
            withheld,
        }
    })
}

/// "2023-12" → (2023, 12).
fn year_month(mese: &str) -> (i32, u32) {
    let (y, m) = mese.split_once('-').unwrap();
    (y.parse().unwrap(), m.parse().unwrap())
}

fn row<'a>(t24: &'a [HashMap<String, String>], serie: &str, mese: &str) -> &'a HashMap<String, String> {
    let (y, m) = year_month(mese);
    t24.iter()
        .find(|r| r["Serie"] == serie && r["Mese"] == month_label(y, m))
        .unwrap_or_else(|| panic!("{serie} {mese} not in t24"))
}

#[test]
fn bulletin_writes_its_monthly_series_with_status_and_extraction_date() {
    let (_, _, w) = bulletin();
    let rows = series_rows(&w.dir.join(SERIES_FILE));
    let t02 = csv_rows(&w.dir, "t02_serie_mensile");
    assert_eq!(rows.len(), 3 * t02.len());
    for (measure, col) in [
        ("attivazioni", "Attivazioni"),
        ("cessazioni", "Cessazioni"),
        ("saldo", "Saldo"),
    ] {
        let series: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == measure).collect();
        for (r, t) in series.iter().zip(&t02) {
            // The same cells as table t02, values and statuses.
            assert_eq!(r[3], t[&format!("{col} – stato")], "{measure} {}", r[1]);
            assert_eq!(
                r[2].parse::<f64>().ok(),
                t[col].parse::<f64>().ok(),
                "{measure} {}",
                r[1]
            );
            assert!(!r[4].is_empty(), "the extraction date");
            assert_eq!(r[5], "PO", "the province and the (default) perimeter");
        }
    }
    // No revision table without a previous bulletin.
    assert!(!w.dir.join("csv/t24_revisioni.csv").exists());
}

/// The test the tracker asks for: the same lake (the same vintage) gives no revision at all.
#[test]
fn bulletin_revision_table_is_zero_when_the_vintage_is_the_same() {
    let (_, _, first) = bulletin();
    let (_d, out) = again(&first.dir);
    assert_eq!(
        std::fs::read(out.join(SERIES_FILE)).unwrap(),
        std::fs::read(first.dir.join(SERIES_FILE)).unwrap(),
        "the same lake writes the same series"
    );
    let t24 = csv_rows(&out, "t24_revisioni");
    assert_eq!(t24.len(), 3 * csv_rows(&out, "t02_serie_mensile").len());
    let mut compared = 0;
    for r in &t24 {
        if r["Differenza – stato"] == "ok" {
            assert_eq!(r["Differenza"].parse::<f64>().unwrap(), 0.0, "{r:?}");
            assert_eq!(r["Bollettino precedente"], r["Questo bollettino"], "{r:?}");
            compared += 1;
        } else {
            // Withheld in both bulletins: not differenced.
            assert!(r["Differenza"].is_empty(), "{r:?}");
            assert_ne!(r["Questo bollettino – stato"], "ok", "{r:?}");
        }
        let pct = &r["Differenza %"];
        assert!(pct.is_empty() || pct.parse::<f64>().unwrap() == 0.0, "{r:?}");
    }
    assert!(compared > 30, "{compared} cells compared");
    let md = std::fs::read_to_string(out.join("bollettino.md")).unwrap();
    assert!(
        md.contains(&format!(
            "nessuna revisione: i {} valori mensili di attivazioni, cessazioni e saldo pubblicati da entrambi i bollettini sono invariati.",
            fmt_int(compared)
        )),
        "the sintesi says there is no revision"
    );
    let html = std::fs::read_to_string(out.join("bollettino.html")).unwrap();
    assert!(html.contains("<table id=\"t24_revisioni\">"));
}

#[test]
fn bulletin_revision_table_shows_exactly_the_revised_cell() {
    let h = hand_case();
    let t24 = csv_rows(&h.out, "t24_revisioni");
    let (mese, now) = &h.revised;
    let r = row(&t24, "Attivazioni", mese);
    assert_eq!(r["Bollettino precedente"].parse::<f64>().unwrap(), now - 56.0);
    assert_eq!(r["Questo bollettino"].parse::<f64>().unwrap(), *now);
    assert_eq!(r["Differenza"].parse::<f64>().unwrap(), 56.0);
    let pct = 56.0 / (now - 56.0) * 100.0;
    assert_eq!(r["Differenza %"].parse::<f64>().unwrap(), (pct * 10.0).round() / 10.0);
    // Every other cell compared is unchanged.
    let others: Vec<_> = t24
        .iter()
        .filter(|o| o["Differenza – stato"] == "ok" && !std::ptr::eq(*o, r))
        .collect();
    assert!(others.iter().all(|o| o["Differenza"].parse::<f64>().unwrap() == 0.0));
    // The sentence names it, the Italian way.
    let (y, m) = year_month(mese);
    let sentence = format!(
        "le attivazioni di {} sono state riviste da {} a {} (+56, {}): è l'unica revisione tra i {} valori mensili confrontati.",
        month_label_long(y, m),
        fmt_int(*now as i64 - 56),
        fmt_int(*now as i64),
        fmt_pct_change(pct, 1),
        fmt_int(others.len() as i64 + 1)
    );
    let md = std::fs::read_to_string(h.out.join("bollettino.md")).unwrap();
    assert!(md.contains(&sentence), "{sentence}");
    assert!(md.contains("Rispetto al bollettino precedente (dati estratti il "));
}

#[test]
fn bulletin_revision_does_not_difference_a_withheld_cell() {
    let h = hand_case();
    let t24 = csv_rows(&h.out, "t24_revisioni");
    let r = row(&t24, "Cessazioni", &h.withheld);
    assert_eq!(r["Bollettino precedente – stato"], "soppressa_primaria");
    assert_eq!(r["Bollettino precedente"], "");
    assert_eq!(r["Questo bollettino – stato"], "ok", "published now");
    assert_eq!(r["Differenza"], "");
    assert_eq!(r["Differenza – stato"], "non_disponibile");
    assert_eq!(r["Differenza %"], "");
    let md = std::fs::read_to_string(h.out.join("bollettino.md")).unwrap();
    let (y, m) = year_month(&h.withheld);
    let line = md
        .lines()
        .find(|l| l.starts_with(&format!("| Cessazioni | {} |", month_label(y, m))))
        .unwrap();
    assert!(line.contains("| x |"), "{line}");
}

#[test]
fn bulletin_with_a_missing_previous_series_is_an_error_naming_the_file() {
    let (_, lake, _) = bulletin();
    let d = tempfile::tempdir().unwrap();
    let mut s = spec(d.path(), "2023-Q4");
    s.precedente = Some(d.path().join("nessuno"));
    let e = format!("{:#}", run(lake, &s, &|_| {}).err().unwrap());
    let path = d.path().join("nessuno").join(SERIES_FILE);
    assert!(e.contains(&path.display().to_string()), "{e}");
    assert!(!s.out.exists(), "nothing written");
}

#[test]
fn bulletin_refuses_a_previous_bulletin_of_another_perimeter() {
    use oml::analytics::perimeter::{Employers, Geography, Perimeter};
    let (_, lake, first) = bulletin();
    let d = tempfile::tempdir().unwrap();
    let mut s = spec(d.path(), "2023-Q4");
    s.precedente = Some(first.dir.clone());
    s.perimetro = Perimeter::new(Employers::Private, &[], Geography::Workplace);
    let e = format!("{:#}", run(lake, &s, &|_| {}).err().unwrap());
    assert!(e.contains("`PO`") && e.contains("`PO --datori privati`"), "{e}");
    assert!(!s.out.exists(), "nothing written");
}
