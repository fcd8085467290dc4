//! Tests of the synthetic generator (small volumes, fixed seeds).

use super::*;
use crate::model::{F, FIELD_NAMES, N_FIELDS};
use crate::quality::cf;
use crate::quality::dates::{parse_date, parse_datetime};
use crate::reference::{CodeCheck, Reference};
use crate::sources::unilav_xml::{parse_element, split_elements};
use std::collections::{HashMap, HashSet};

fn cfg(volume: usize, first: i32, last: i32, seed: u64) -> SynthConfig {
    SynthConfig {
        volume,
        first_year: first,
        last_year: last,
        seed,
        ..SynthConfig::default()
    }
}

fn run(c: &SynthConfig) -> (tempfile::TempDir, SynthSummary) {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = generate(c, dir.path(), &|_, _| {}).expect("generate");
    (dir, s)
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(true)
        .from_path(path)
        .expect("open co.csv");
    let h = r.headers().expect("header").clone();
    assert_eq!(h.iter().collect::<Vec<_>>(), FIELD_NAMES.to_vec());
    r.records()
        .map(|x| x.expect("record").iter().map(str::to_string).collect())
        .collect()
}

fn read_truth(path: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).expect("open truth");
    let h: Vec<String> = r.headers().expect("header").iter().map(str::to_string).collect();
    r.records()
        .map(|x| {
            let x = x.expect("record");
            h.iter().cloned().zip(x.iter().map(str::to_string)).collect()
        })
        .collect()
}

fn anomalie(dir: &Path) -> Vec<(String, String)> {
    let mut r = csv::Reader::from_path(dir.join("truth/anomalie.csv")).expect("anomalie");
    assert_eq!(
        r.headers().expect("h").iter().collect::<Vec<_>>(),
        vec!["codice_comunicazione", "motivo"]
    );
    r.records()
        .map(|x| x.expect("rec"))
        .map(|x| (x[0].to_string(), x[1].to_string()))
        .collect()
}

fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn g(row: &[String], f: F) -> &str {
    &row[f as usize]
}

#[test]
fn same_seed_same_bytes_other_seed_differs() {
    let c = cfg(2_000, 2019, 2021, 7);
    let (a, _) = run(&c);
    let (b, _) = run(&c);
    let fa = all_files(a.path());
    let fb = all_files(b.path());
    let rel = |v: &[PathBuf], root: &Path| {
        v.iter()
            .map(|p| p.strip_prefix(root).unwrap_or(p).to_path_buf())
            .collect::<Vec<_>>()
    };
    assert_eq!(rel(&fa, a.path()), rel(&fb, b.path()));
    assert!(fa.iter().any(|p| p.ends_with("co.csv")));
    assert!(fa.iter().all(|p| !p.to_string_lossy().ends_with(".tmp")));
    for (x, y) in fa.iter().zip(&fb) {
        assert_eq!(
            std::fs::read(x).expect("read"),
            std::fs::read(y).expect("read"),
            "{}",
            x.display()
        );
    }
    let (d, _) = run(&cfg(2_000, 2019, 2021, 8));
    assert_ne!(
        std::fs::read(a.path().join("co.csv")).expect("read"),
        std::fs::read(d.path().join("co.csv")).expect("read")
    );
}

#[test]
fn csv_and_xml_hold_the_same_records_in_the_same_order() {
    let (dir, s) = run(&cfg(2_000, 2019, 2020, 3));
    let rows = read_csv(&dir.path().join("co.csv"));
    assert_eq!(rows.len() as u64, s.communications);
    let mut xml_files: Vec<PathBuf> = all_files(&dir.path().join("unilav"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    xml_files.sort();
    assert_eq!(xml_files.len(), 24);
    let mut i = 0usize;
    for p in &xml_files {
        let doc = std::fs::read(p).expect("read xml");
        let (spans, open) = split_elements(&doc);
        assert_eq!(open, None);
        for sp in spans {
            let co = parse_element(&doc[sp.start..sp.end]).expect("parse");
            for k in 0..N_FIELDS {
                assert_eq!(co.fields[k], rows[i][k], "record {i} field {}", FIELD_NAMES[k]);
            }
            // The file is the month of data_invio.
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            assert_eq!(&name[7..14], &co.get(F::DataInvio)[..7].replace('-', "_"));
            i += 1;
        }
    }
    assert_eq!(i, rows.len());
}

#[test]
fn input_order_duplicates_and_corrections_follow_their_targets() {
    let (dir, _) = run(&cfg(3_000, 2019, 2021, 11));
    let rows = read_csv(&dir.path().join("co.csv"));
    let mut seen: HashSet<String> = HashSet::new();
    let mut prev = None;
    let anom: HashMap<String, String> = anomalie(dir.path()).into_iter().collect();
    for row in &rows {
        let t = parse_datetime(g(row, F::DataInvio)).expect("data invio");
        if let Some(p) = prev {
            assert!(t >= p, "not sorted by data_invio: {}", g(row, F::DataInvio));
        }
        prev = Some(t);
        let code = g(row, F::CodiceComunicazione).to_string();
        assert_eq!(code.len(), 16);
        assert!(code.starts_with("17"), "Toscana prefix: {code}");
        let tipo = g(row, F::TipoComunicazione);
        if tipo == "03" || tipo == "04" {
            let prec = g(row, F::CodiceComunicazionePrecedente);
            if anom.get(&code).map(String::as_str) != Some("rettifica_orfana") {
                assert!(seen.contains(prec), "{tipo} {code} before its target {prec}");
            } else {
                assert!(!rows.iter().any(|r| g(r, F::CodiceComunicazione) == prec));
            }
        }
        if seen.contains(&code) {
            assert_eq!(
                anom.get(&code).map(String::as_str),
                Some("duplicato"),
                "code {code} repeated"
            );
        }
        seen.insert(code);
    }
}

#[test]
fn valid_records_have_valid_cf_and_codes_at_the_date() {
    let (dir, _) = run(&cfg(2_000, 2019, 2024, 5));
    let rows = read_csv(&dir.path().join("co.csv"));
    let anom: HashSet<String> = anomalie(dir.path())
        .into_iter()
        .filter(|(_, m)| m != "rettificato")
        .map(|(c, _)| c)
        .collect();
    let r = Reference::get();
    let mut checked = 0;
    let mut omocodici = 0;
    for row in rows.iter().filter(|row| !anom.contains(g(row, F::CodiceComunicazione))) {
        checked += 1;
        let info = cf::validate_personal(g(row, F::LavoratoreCodiceFiscale)).expect("worker CF valid");
        omocodici += info.omocodico as u32;
        assert!(
            cf::validate_employer(g(row, F::DatoreCodiceFiscale)),
            "{}",
            g(row, F::DatoreCodiceFiscale)
        );
        assert!(matches!(g(row, F::LavoratoreSesso), "M" | "F"));
        assert_eq!(info.sesso.to_string(), g(row, F::LavoratoreSesso));
        let inizio = parse_date(g(row, F::DataInizio)).expect("inizio");
        let invio = parse_datetime(g(row, F::DataInvio)).expect("invio").date();
        let ev = g(row, F::TipoEvento);
        let evento_date = match ev {
            "ASS" => inizio,
            "PRO" => invio,
            "TRS" => parse_date(g(row, F::DataTrasformazione)).expect("trs"),
            "CES" => parse_date(g(row, F::DataCessazione)).expect("ces"),
            _ => panic!("evento {ev}"),
        };
        assert!(evento_date >= inizio);
        let tip_date = if ev == "TRS" { evento_date } else { inizio };
        let tip = g(row, F::TipologiaContrattuale);
        assert!(
            matches!(r.tipologia(tip, tip_date), CodeCheck::Valid(_)),
            "{tip} at {tip_date}"
        );
        let sede = g(row, F::SedeLavoroComune);
        assert!(matches!(r.comune(sede, evento_date), CodeCheck::Valid(_)), "{sede}");
        assert_eq!(r.comune_any(sede).map(|c| c.sigla.as_str()), Some("PO"));
        let ateco = r.ateco(g(row, F::DatoreSettore)).expect("ateco");
        assert_eq!(ateco.livello, 4);
        let cit = g(row, F::LavoratoreCittadinanza);
        assert!(matches!(r.cittadinanza(cit, evento_date), CodeCheck::Valid(_)), "{cit}");
        let nascita = g(row, F::LavoratoreNascitaComune);
        assert!(
            r.comune_any(nascita).is_some() || r.stato_estero(nascita).is_some(),
            "{nascita}"
        );
        assert_eq!(&g(row, F::LavoratoreCodiceFiscale)[11..12], &nascita[..1]);
        assert!(r.comune_any(g(row, F::LavoratoreDomicilioComune)).is_some());
        assert!(r.livello_studio(g(row, F::LavoratoreLivelloIstruzione)).is_some());
        let nato = parse_date(g(row, F::LavoratoreNascitaData)).expect("nascita");
        let age = inizio.years_since(nato).unwrap_or(0);
        if ev == "ASS" {
            assert!((15..=67).contains(&age), "age {age}");
        }
        if let Some(fine) = parse_date(g(row, F::DataFine)) {
            assert!(fine >= inizio);
        }
        match ev {
            "PRO" => assert!(parse_date(g(row, F::ProrogaDataFine)).expect("proroga") >= inizio),
            "TRS" => assert!(r.trasformazione(g(row, F::CodiceTrasformazione)).is_some()),
            "CES" => assert!(r.causa_cessazione_any(g(row, F::CodiceCausaCessazione)).is_some()),
            _ => {}
        }
        assert!(matches!(g(row, F::TipoOrario), "F" | "P" | "V" | "M" | "N"));
        // Agency work is a UNISOMM naming a private user firm of another sector of the
        // province, with a mission that starts with the relationship; everything else a UNILAV.
        let agency = ateco.codice.starts_with("78.2");
        assert_eq!(g(row, F::TipoModulo), if agency { "US" } else { "UL" });
        if agency {
            assert!(cf::validate_employer(g(row, F::UtilizzatriceCodiceFiscale)));
            assert_eq!(g(row, F::UtilizzatricePa), "NO");
            let u = r.ateco(g(row, F::UtilizzatriceSettore)).expect("ateco utilizzatrice");
            assert!(!u.codice.starts_with("78.2") && u.divisione != "97", "{}", u.codice);
            let sede_u = g(row, F::UtilizzatriceSedeLavoroComune);
            assert_eq!(r.comune_any(sede_u).map(|c| c.sigla.as_str()), Some("PO"));
            assert_eq!(parse_date(g(row, F::MissioneDataInizio)), Some(inizio));
            assert_eq!(g(row, F::MissioneDataFine), g(row, F::DataFine));
        } else {
            for f in crate::model::UNISOMM_FIELDS {
                assert_eq!(g(row, f), "", "{}", f.name());
            }
        }
        assert_eq!(g(row, F::ForzaMaggiore), "NO");
        // ASS sent the day before or on the start; the others within 0–5 days (PRO before the old end).
        match ev {
            // (A rettifica is sent days later, by definition.)
            "ASS" if g(row, F::TipoComunicazione) == "01" => {
                assert!(invio <= inizio && (inizio - invio).num_days() <= 1)
            }
            "TRS" | "CES" if g(row, F::TipoComunicazione) == "01" => {
                let d = (invio - evento_date).num_days();
                assert!((0..=5).contains(&d), "{ev} sent {d} days after");
            }
            _ => {}
        }
    }
    assert!(checked > 10_000);
    assert!(omocodici >= 1, "some omocodic CF expected");
}

#[test]
fn faults_are_listed_with_rates_close_to_the_configured_ones() {
    let (dir, s) = run(&cfg(2_000, 2019, 2024, 42));
    let an = anomalie(dir.path());
    let mut by: HashMap<&str, u64> = HashMap::new();
    for (_, m) in &an {
        *by.entry(m.as_str()).or_default() += 1;
    }
    for m in codes::MOTIVI.iter().skip(1) {
        assert!(by.get(m).copied().unwrap_or(0) >= 1, "motivo {m} missing: {by:?}");
    }
    assert_eq!(by.get("annullato"), by.get("annullamento"));
    let n = s.communications_true as f64;
    let rate = |m: &str| by.get(m).copied().unwrap_or(0) as f64 / n;
    assert!(
        (0.0015..0.0050).contains(&rate("cf_lavoratore_carattere_controllo")),
        "{}",
        rate("cf_lavoratore_carattere_controllo")
    );
    assert!((0.0015..0.0050).contains(&rate("duplicato")), "{}", rate("duplicato"));
    assert!((0.007..0.016).contains(&rate("rettificato")), "{}", rate("rettificato"));
    let extra = s.communications - s.communications_true;
    assert!((0.015..0.04).contains(&(extra as f64 / n)), "{}", extra as f64 / n);
    // The summary agrees with the file.
    for (m, k) in &s.faults_by_motivo {
        assert_eq!(by.get(m.as_str()).copied().unwrap_or(0), *k, "{m}");
    }
    // Each faulty record shows exactly its defect.
    let rows = read_csv(&dir.path().join("co.csv"));
    let r = Reference::get();
    let motivo: HashMap<&str, &str> = an.iter().map(|(c, m)| (c.as_str(), m.as_str())).collect();
    for row in &rows {
        let code = g(row, F::CodiceComunicazione);
        match motivo.get(code).copied() {
            Some("cf_lavoratore_carattere_controllo") => {
                assert_eq!(
                    cf::validate_personal(g(row, F::LavoratoreCodiceFiscale)),
                    Err(cf::CfError::CheckChar)
                )
            }
            Some("cf_lavoratore_formato") => {
                assert_eq!(
                    cf::validate_personal(g(row, F::LavoratoreCodiceFiscale)),
                    Err(cf::CfError::Format)
                )
            }
            Some("data_non_valida") => assert!(parse_date(g(row, F::DataInizio)).is_none()),
            Some("codice_sconosciuto") => {
                let d = parse_date(g(row, F::DataInizio)).expect("inizio");
                assert!(
                    matches!(r.tipologia(g(row, F::TipologiaContrattuale), d), CodeCheck::Unknown)
                        || r.ateco(g(row, F::DatoreSettore)).is_none()
                        || matches!(r.comune(g(row, F::SedeLavoroComune), d), CodeCheck::Unknown)
                );
                assert!(cf::validate_personal(g(row, F::LavoratoreCodiceFiscale)).is_ok());
            }
            Some("codice_non_valido_alla_data") => {
                let d = if g(row, F::TipoEvento) == "TRS" {
                    parse_date(g(row, F::DataTrasformazione)).expect("trs")
                } else {
                    parse_date(g(row, F::DataInizio)).expect("inizio")
                };
                assert!(matches!(
                    r.tipologia(g(row, F::TipologiaContrattuale), d),
                    CodeCheck::NotValidAtDate(_)
                ));
            }
            Some("duplicato") => {
                let same: Vec<&Vec<String>> = rows.iter().filter(|r| g(r, F::CodiceComunicazione) == code).collect();
                assert!(
                    same.len() >= 2 && same.iter().all(|r| *r == row),
                    "duplicate {code} is not an exact copy"
                );
            }
            Some("rettifica_orfana") => assert_eq!(g(row, F::TipoComunicazione), "03"),
            Some("annullamento") => assert_eq!(g(row, F::TipoComunicazione), "04"),
            Some("annullato") => assert_eq!(g(row, F::TipoEvento), "ASS"),
            _ => {}
        }
    }
}

#[test]
fn truth_does_not_depend_on_faults() {
    let mut c = cfg(2_000, 2019, 2021, 9);
    let (a, sa) = run(&c);
    c.faults = false;
    let (b, sb) = run(&c);
    for f in ["truth/rapporti.csv", "truth/rapporti_pregressi.csv"] {
        assert_eq!(
            std::fs::read(a.path().join(f)).expect("read"),
            std::fs::read(b.path().join(f)).expect("read"),
            "{f}"
        );
    }
    assert_eq!(sa.communications_true, sb.communications_true);
    assert_eq!(sb.communications, sb.communications_true);
    assert!(anomalie(b.path()).is_empty());
    assert!(sa.communications > sa.communications_true);
}

#[test]
fn truth_is_coherent_with_the_extract() {
    let (dir, s) = run(&cfg(3_000, 2019, 2022, 21));
    let rows = read_csv(&dir.path().join("co.csv"));
    let anom: HashMap<String, String> = anomalie(dir.path()).into_iter().collect();
    let live_ass: HashMap<&str, &Vec<String>> = rows
        .iter()
        .filter(|r| {
            g(r, F::TipoEvento) == "ASS" && anom.get(g(r, F::CodiceComunicazione)).is_none_or(|m| m == "duplicato")
        })
        .map(|r| (g(r, F::CodiceComunicazione), r))
        .collect();
    let rap = read_truth(&dir.path().join("truth/rapporti.csv"));
    assert_eq!(rap.len() as u64, s.rapporti);
    assert_eq!(rap.len(), live_ass.len(), "one live ASS per true relationship");
    let horizon = chrono::NaiveDate::from_ymd_opt(2022, 12, 31).expect("date");
    let mut imputate = 0;
    for t in &rap {
        let row = live_ass
            .get(t["codice_comunicazione_avvio"].as_str())
            .expect("live ASS for every rapporto");
        assert_eq!(g(row, F::DataInizio), t["data_inizio"]);
        assert_eq!(g(row, F::TipologiaContrattuale), t["tipologia_contrattuale"]);
        assert_eq!(g(row, F::LavoratoreCodiceFiscale), t["cf_lavoratore"]);
        let inizio = parse_date(&t["data_inizio"]).expect("inizio");
        if let Some(fine) = parse_date(&t["data_fine_effettiva"]) {
            assert!(fine >= inizio && fine <= horizon);
        } else {
            assert!(t["data_fine_effettiva"].is_empty());
            assert_eq!(t["cessazione_imputata"], "false");
        }
        if t["cessazione_imputata"] == "true" {
            imputate += 1;
            assert_eq!(t["evento_cessazione_comunicato"], "false");
            assert_eq!(t["data_fine_effettiva"], t["data_fine_prevista"]);
        }
    }
    assert!(imputate > 100);
    let pre = read_truth(&dir.path().join("truth/rapporti_pregressi.csv"));
    assert_eq!(pre.len() as u64, s.rapporti_pregressi);
    assert!(pre.len() > 1_000);
    let first = chrono::NaiveDate::from_ymd_opt(2019, 1, 1).expect("date");
    for t in &pre {
        assert!(t["codice_comunicazione_avvio"].is_empty());
        assert!(parse_date(&t["data_inizio"]).expect("inizio") < first);
        if let Some(fine) = parse_date(&t["data_fine_effettiva"]) {
            assert!(fine >= first);
        }
    }
    // The SISCO key (CF datore, CF lavoratore, data inizio) identifies one relationship.
    let mut keys = HashSet::new();
    for t in rap.iter().chain(&pre) {
        let k = (
            t["cf_datore"].clone(),
            t["cf_lavoratore"].clone(),
            t["data_inizio"].clone(),
        );
        assert!(keys.insert(k.clone()), "two relationships share the key {k:?}");
    }
    let readme = std::fs::read_to_string(dir.path().join("truth/README.md")).expect("readme");
    assert!(readme.contains("seed 21"));
}

#[test]
fn volume_mix_and_seasonality_are_plausible() {
    let (dir, s) = run(&cfg(20_000, 2019, 2022, 42));
    for (y, n) in &s.by_year {
        let n = *n as f64;
        assert!((16_000.0..24_000.0).contains(&n), "year {y}: {n}");
    }
    let rows = read_csv(&dir.path().join("co.csv"));
    let ass: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| g(r, F::TipoEvento) == "ASS" && g(r, F::TipoComunicazione) == "01")
        .collect();
    let share = |f: &dyn Fn(&Vec<String>) -> bool| ass.iter().filter(|r| f(r)).count() as f64 / ass.len() as f64;
    let td = share(&|r| {
        matches!(g(r, F::TipologiaContrattuale), "A.02.00" | "A.02.01") && !g(r, F::DatoreSettore).starts_with("78.2")
    });
    let ti = share(&|r| g(r, F::TipologiaContrattuale) == "A.01.00");
    let italiani = share(&|r| g(r, F::LavoratoreCittadinanza) == "000");
    let cinesi = share(&|r| g(r, F::LavoratoreCittadinanza) == "314");
    let tessile = share(&|r| g(r, F::DatoreSettore).starts_with("13.") || g(r, F::DatoreSettore).starts_with("14."));
    assert!((0.4..0.6).contains(&td), "TD {td}");
    assert!((0.1..0.22).contains(&ti), "TI {ti}");
    assert!((0.6..0.85).contains(&italiani), "Italia {italiani}");
    assert!((0.05..0.2).contains(&cinesi), "Cina {cinesi}");
    assert!((0.15..0.4).contains(&tessile), "tessile {tessile}");
    // Tourism peaks in summer.
    let month = |r: &Vec<String>| g(r, F::DataInizio)[5..7].to_string();
    let tur = |m: &str| {
        ass.iter()
            .filter(|r| g(r, F::DatoreSettore).starts_with("56.") && month(r) == m)
            .count()
    };
    assert!(tur("06") > tur("11"), "{} vs {}", tur("06"), tur("11"));
    // Crisis: fewer hires in April 2020 than April 2019.
    let apr = |y: &str| ass.iter().filter(|r| g(r, F::DataInizio).starts_with(y)).count();
    assert!((apr("2020-04") as f64) < 0.7 * apr("2019-04") as f64);
    // Short contracts and expiries without cessazione exist.
    let one_day = ass.iter().filter(|r| g(r, F::DataFine) == g(r, F::DataInizio)).count();
    assert!(one_day as f64 > 0.03 * ass.len() as f64);
    let rap = read_truth(&dir.path().join("truth/rapporti.csv"));
    let td_rap: Vec<_> = rap
        .iter()
        .filter(|t| !t["data_fine_prevista"].is_empty() || t["cessazione_imputata"] == "true")
        .collect();
    let imputate = td_rap.iter().filter(|t| t["cessazione_imputata"] == "true").count();
    assert!(imputate as f64 > 0.3 * td_rap.len() as f64);
}

#[test]
fn bad_configurations_are_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    let e = generate(
        &SynthConfig {
            province: "XX".into(),
            ..cfg(100, 2019, 2019, 1)
        },
        p,
        &|_, _| {},
    )
    .unwrap_err();
    assert!(e.to_string().contains("XX"), "{e}");
    let e = generate(&cfg(100, 2024, 2019, 1), p, &|_, _| {}).unwrap_err();
    assert!(e.to_string().contains("reversed"), "{e}");
    let e = generate(&cfg(0, 2019, 2019, 1), p, &|_, _| {}).unwrap_err();
    assert!(e.to_string().contains("volume"), "{e}");
    // Another province by ISTAT code works, with its own region prefix.
    let (d, s) = run(&SynthConfig {
        province: "058".into(),
        write_xml: false,
        ..cfg(1_000, 2023, 2023, 1)
    });
    assert_eq!(s.province, "RM");
    let rows = read_csv(&d.path().join("co.csv"));
    assert!(rows.iter().all(|r| g(r, F::CodiceComunicazione).starts_with("08")));
}

fn assert_validation_matches_truth(c: &SynthConfig) {
    let (dir, _) = run(c);
    let rows = read_csv(&dir.path().join("co.csv"));
    let motivo: HashMap<String, String> = anomalie(dir.path()).into_iter().collect();
    let key = crate::privacy::Key::from_text(&"ab".repeat(32), crate::privacy::KeySource::Env).expect("key");
    let mut ps = crate::privacy::Pseudonymizer::new(&key);
    let record_level = [
        "cf_lavoratore_carattere_controllo",
        "cf_lavoratore_formato",
        "codice_sconosciuto",
        "codice_non_valido_alla_data",
        "data_non_valida",
    ];
    let mut rejected = 0;
    for row in &rows {
        let view: crate::model::RawView = std::array::from_fn(|i| row[i].as_str());
        let expected = motivo
            .get(g(row, F::CodiceComunicazione))
            .map(String::as_str)
            .filter(|m| record_level.contains(m));
        match crate::quality::validate(&view, &mut ps) {
            Ok(_) => assert_eq!(expected, None, "{} passed validation", g(row, F::CodiceComunicazione)),
            Err(rej) => {
                rejected += 1;
                assert_eq!(
                    Some(rej.motivo.code()),
                    expected,
                    "{}: {}",
                    g(row, F::CodiceComunicazione),
                    rej.dettaglio
                );
            }
        }
    }
    assert!(rejected > 0);
}

#[test]
fn records_pass_validation_or_fail_with_their_motivo() {
    assert_validation_matches_truth(&cfg(2_000, 2019, 2024, 13));
    // Early years (fallback contracts before 2013/2016), a province of Trentino-Alto Adige, another region.
    assert_validation_matches_truth(&SynthConfig {
        write_xml: false,
        ..cfg(3_000, 2009, 2010, 2)
    });
    assert_validation_matches_truth(&SynthConfig {
        province: "BZ".into(),
        write_xml: false,
        ..cfg(3_000, 2013, 2014, 3)
    });
    assert_validation_matches_truth(&SynthConfig {
        province: "Torino".into(),
        write_xml: false,
        ..cfg(3_000, 2023, 2024, 4)
    });
}

/// Manual run: `OML_SYNTH_OUT=/tmp/x OML_SYNTH_VOLUME=80000 OML_SYNTH_YEARS=2019-2024 cargo test --release --lib
/// synth::tests::manual_run -- --ignored --nocapture`.
#[test]
#[ignore]
fn manual_run() {
    let out = std::env::var("OML_SYNTH_OUT").unwrap_or_else(|_| "/tmp/oml-synth".into());
    let mut c = SynthConfig::default();
    if let Ok(v) = std::env::var("OML_SYNTH_VOLUME") {
        c.volume = v.parse().expect("volume");
    }
    if let Ok(y) = std::env::var("OML_SYNTH_YEARS") {
        let (a, b) = y.split_once('-').expect("years A-B");
        c.first_year = a.parse().expect("year");
        c.last_year = b.parse().expect("year");
    }
    if let Ok(p) = std::env::var("OML_SYNTH_PROVINCE") {
        c.province = p;
    }
    c.write_xml = std::env::var("OML_SYNTH_XML").map_or(true, |v| v != "0");
    let t = std::time::Instant::now();
    let s = generate(&c, Path::new(&out), &|d, t| {
        if d % 1_000_000 < 65_536 {
            eprintln!("progress {d}/{t}");
        }
    })
    .expect("generate");
    eprintln!("{s:#?}\nelapsed {:?}", t.elapsed());
}
