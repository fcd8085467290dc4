//! Tests of the DID, mobility and CIG outputs against the CO stream they come from.

use super::*;
use crate::synth::{generate, SynthConfig, SynthSummary};
use std::collections::{BTreeMap, BTreeSet, HashMap};

fn cfg(volume: usize, first: i32, last: i32, seed: u64) -> SynthConfig {
    SynthConfig {
        volume,
        first_year: first,
        last_year: last,
        seed,
        faults: true,
        ..SynthConfig::default()
    }
}

fn run(c: &SynthConfig) -> (tempfile::TempDir, SynthSummary) {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = generate(c, dir.path(), &|_, _| {}).expect("generate");
    (dir, s)
}

/// Header and rows (as maps) of a delimited file.
fn table(path: &Path, sep: u8) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let mut r = csv::ReaderBuilder::new()
        .delimiter(sep)
        .from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let h: Vec<String> = r.headers().expect("header").iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|x| {
            let x = x.expect("record");
            h.iter().cloned().zip(x.iter().map(str::to_string)).collect()
        })
        .collect();
    (h, rows)
}

fn day(s: &str) -> i32 {
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("{s}: {e}"));
    crate::synth::cal::date_to_day(d)
}

/// Avviamenti of the CO (true relationships with their ASS in the extract): cf → (start, tipologia).
fn avviamenti(dir: &Path) -> HashMap<String, Vec<(i32, String)>> {
    let (_, rows) = table(&dir.join("truth/rapporti.csv"), b',');
    let mut m: HashMap<String, Vec<(i32, String)>> = HashMap::new();
    for r in rows {
        m.entry(r["cf_lavoratore"].clone())
            .or_default()
            .push((day(&r["data_inizio"]), r["tipologia_contrattuale"].clone()));
    }
    m
}

#[test]
fn files_have_the_documented_headers_and_the_summary_counts_them() {
    let (d, s) = run(&cfg(6_000, 2019, 2021, 11));
    let p = d.path();
    let (h, did) = table(&p.join("did.csv"), b';');
    assert_eq!(h, DID_HEADER.to_vec());
    let (h, mob) = table(&p.join("mobilita.csv"), b';');
    assert_eq!(h, MOB_HEADER.to_vec());
    let (h, cig) = table(&p.join("cig_lavoratori.csv"), b';');
    assert_eq!(h, CIG_HEADER.to_vec());
    let (h, ep) = table(&p.join("truth/did_episodi.csv"), b',');
    assert_eq!(h, EPISODI_HEADER.to_vec());
    let a = std::fs::read_to_string(p.join("inps/cig_fondi_ore.csv")).expect("A");
    assert!(a.starts_with("Anno,gestione_fondi,Regione,Mese,Ramo di attività,totale_ore_autorizzate\r\n"));
    assert!(a.ends_with("\r\n") && !a.replace("\r\n", "").contains('\n'));
    let b = std::fs::read_to_string(p.join("inps/integrazioni_salariali_lavoratori.csv")).expect("B");
    assert!(b.starts_with("Anno,Mese,Tipo_intervento,Regione,numero_lavoratori\r\n"));
    assert!(b.is_ascii() && b.ends_with("\r\n") && !b.replace("\r\n", "").contains('\n'));
    let w = &s.welfare;
    assert!(w.did_episodi > 0 && w.cig_periodi > 0);
    assert_eq!(w.did_eventi, did.len() as u64);
    assert_eq!(w.did_episodi, ep.len() as u64);
    assert_eq!(w.mobilita_eventi, mob.len() as u64);
    assert_eq!(w.cig_periodi, cig.len() as u64);
    let ore: u64 = cig
        .iter()
        .map(|r| r["ore_autorizzate"].parse::<u64>().expect("ore"))
        .sum();
    assert_eq!(w.cig_ore_autorizzate, ore);
    assert_eq!(
        w.did_rioccupati,
        ep.iter().filter(|r| r["causa_fine"] == "03").count() as u64
    );
    for f in [
        "did.csv",
        "mobilita.csv",
        "cig_lavoratori.csv",
        "inps/cig_fondi_ore.csv",
    ] {
        assert!(s.files.iter().any(|x| x.ends_with(f)), "{f} not in the summary");
    }
}

#[test]
fn did_events_follow_the_coherence_rules_and_fine_03_is_an_avviamento() {
    let c = cfg(8_000, 2019, 2022, 5);
    let (d, _) = run(&c);
    let p = d.path();
    let horizon = day("2022-12-31");
    let avv = avviamenti(p);
    let (_, rows) = table(&p.join("did.csv"), b';');
    let mut by_id: BTreeMap<String, Vec<&HashMap<String, String>>> = BTreeMap::new();
    for r in &rows {
        by_id.entry(r["id_did"].clone()).or_default().push(r);
    }
    let mut person_spans: HashMap<String, Vec<(i32, i32)>> = HashMap::new();
    let (mut n03, mut n_susp, mut n_naspi, mut n_other_end) = (0, 0, 0, 0);
    for (id, ev) in &by_id {
        assert_eq!(ev[0]["evento"], "RILASCIO", "{id}");
        assert_eq!(ev.iter().filter(|e| e["evento"] == "RILASCIO").count(), 1, "{id}");
        let r0 = &ev[0];
        assert!(!r0["cpi"].is_empty() && !r0["punto_servizio"].is_empty(), "{id}");
        assert!(["01", "02", "03", "04", "05"].contains(&r0["stato_occupazionale"].as_str()));
        let cf = r0["codice_fiscale"].clone();
        let rel = day(&r0["data_evento"]);
        let mut prev = rel;
        let mut suspended: Option<i32> = None;
        let mut susp_spans: Vec<(i32, i32)> = Vec::new();
        let mut prest: Option<String> = None;
        let mut fine: Option<(i32, String)> = None;
        for e in &ev[1..] {
            assert!(fine.is_none(), "{id}: an event after FINE");
            let t = day(&e["data_evento"]);
            assert!(t >= prev && t > rel && t <= horizon, "{id}: dates out of order");
            prev = t;
            match e["evento"].as_str() {
                "SOSPENSIONE" => {
                    assert!(suspended.is_none(), "{id}");
                    assert!(["LAVORO_BREVE", "ALTRO"].contains(&e["causa"].as_str()));
                    suspended = Some(t);
                    n_susp += 1;
                }
                "RIPRESA" => {
                    let a = suspended.take().expect("RIPRESA without SOSPENSIONE");
                    assert!(t - a <= 183, "{id}: a suspension longer than 6 months");
                    susp_spans.push((a, t));
                }
                "PRESTAZIONE_INIZIO" => {
                    assert!(prest.is_none());
                    let k = e["prestazione"].clone();
                    assert!(k == "NASPI" || k == "DISCOLL", "{id}");
                    if k == "NASPI" {
                        n_naspi += 1;
                        assert!(t >= day("2015-05-01"));
                    }
                    prest = Some(k);
                }
                "PRESTAZIONE_FINE" => {
                    assert_eq!(prest.as_deref(), Some(e["prestazione"].as_str()), "{id}");
                }
                "FINE" => {
                    assert!(["01", "02", "03"].contains(&e["causa"].as_str()), "{id}");
                    fine = Some((t, e["causa"].clone()));
                }
                x => panic!("{id}: unknown event {x}"),
            }
        }
        if let Some(a) = suspended {
            susp_spans.push((a, i32::MAX));
        }
        let end = fine.as_ref().map_or(horizon, |f| f.0);
        let starts: Vec<i32> = avv
            .get(&cf)
            .map(|v| v.iter().map(|x| x.0).filter(|&s| s > rel && s <= end).collect())
            .unwrap_or_default();
        match &fine {
            Some((t, c)) if c == "03" => {
                n03 += 1;
                assert!(starts.contains(t), "{id}: FINE 03 on {t} without an avviamento");
            }
            Some(_) => n_other_end += 1,
            None => {}
        }
        // Every other avviamento inside the episode falls in a suspension.
        for s in starts {
            let is_fine03 = fine.as_ref().is_some_and(|f| f.1 == "03" && f.0 == s);
            let in_susp = susp_spans.iter().any(|&(a, b)| s >= a && s < b);
            assert!(is_fine03 || in_susp, "{id}: avviamento on day {s} while the DID runs");
        }
        person_spans
            .entry(cf)
            .or_default()
            .push((rel, fine.map_or(i32::MAX, |f| f.0)));
    }
    // No two open DIDs of one person at a time.
    for (cf, mut v) in person_spans {
        v.sort();
        for w in v.windows(2) {
            assert!(w[1].0 > w[0].1, "{cf}: overlapping DIDs");
        }
    }
    assert!(
        n03 > 100 && n_susp > 100 && n_naspi > 100 && n_other_end > 10,
        "{n03} {n_susp} {n_naspi} {n_other_end}"
    );
}

#[test]
fn mobility_only_to_2016_with_exits_from_the_co() {
    let (d, s) = run(&cfg(8_000, 2014, 2018, 3));
    let p = d.path();
    let avv = avviamenti(p);
    let (_, rows) = table(&p.join("mobilita.csv"), b';');
    assert!(s.welfare.mobilita_pratiche > 10, "{}", s.welfare.mobilita_pratiche);
    let mut causes = BTreeSet::new();
    let mut open: HashMap<String, bool> = HashMap::new();
    for r in &rows {
        let t = day(&r["data_evento"]);
        let id = r["id_pratica"].clone();
        match r["evento"].as_str() {
            "01" => {
                assert!(t <= day("2016-12-31"), "{id}: iscrizione from 2017");
                assert!(["1", "2"].contains(&r["lista"].as_str()));
                assert!(!r["datore_codice_fiscale"].is_empty() && !r["cpi"].is_empty());
                assert!(day(&r["data_licenziamento"]) < t);
                assert!(open.insert(id, true).is_none());
            }
            "04" => assert_eq!(open.insert(id.clone(), true), Some(false), "{id}"),
            "06" => assert_eq!(open.get(&id), Some(&true)),
            "03" => {
                assert_eq!(open.insert(id.clone(), false), Some(true), "{id}");
                let c = r["causa"].clone();
                let hires = avv.get(&r["codice_fiscale"]).cloned().unwrap_or_default();
                match c.as_str() {
                    "07" => assert!(hires
                        .iter()
                        .any(|(s, tip)| *s == t && (tip == "A.01.00" || tip.starts_with("A.03")))),
                    "01" => assert!(hires
                        .iter()
                        .any(|(s, tip)| *s == t && tip != "A.01.00" && !tip.starts_with("A.03"))),
                    "05" => {}
                    x => panic!("{id}: cause {x}"),
                }
                causes.insert(c);
            }
            x => panic!("{id}: event {x}"),
        }
    }
    assert!(causes.contains("07") && causes.contains("05"), "{causes:?}");
}

#[test]
fn cig_rises_in_the_crisis_year_and_the_inps_aggregates_add_up() {
    let (d, s) = run(&cfg(8_000, 2019, 2022, 9));
    let p = d.path();
    let (_, rows) = table(&p.join("cig_lavoratori.csv"), b';');
    let mut by_year: BTreeMap<i32, u64> = BTreeMap::new();
    let mut fondi: BTreeMap<(String, String, String), u64> = BTreeMap::new();
    let mut workers: BTreeMap<(String, String, String), BTreeSet<String>> = BTreeMap::new();
    for r in &rows {
        let (a, b) = (day(&r["data_inizio"]), day(&r["data_fine"]));
        assert!(a <= b);
        let ore: u64 = r["ore_autorizzate"].parse().expect("ore");
        let usate: u64 = r["ore_utilizzate"].parse().expect("usate");
        assert!(ore > 0 && usate <= ore);
        let y = &r["data_inizio"][..4];
        let m: usize = r["data_inizio"][5..7].parse().expect("mese");
        *by_year.entry(y.parse().expect("anno")).or_default() += ore;
        let mese = MESI[m - 1].to_string();
        let tipo = r["tipo_intervento"].as_str();
        if tipo == "FIS" || tipo == "FONDI" {
            let g = if tipo == "FIS" { "FIS" } else { "Altri fondi" };
            *fondi.entry((y.to_string(), mese.clone(), g.to_string())).or_default() += ore;
        }
        let bt = match tipo {
            "FONDI" => "FONDI_Centrali",
            t => t,
        };
        workers
            .entry((y.to_string(), mese, bt.to_string()))
            .or_default()
            .insert(r["codice_fiscale"].clone());
    }
    let crisis = by_year[&2020];
    for (y, h) in &by_year {
        if *y != 2020 {
            assert!(crisis > 2 * h, "2020 {crisis} vs {y} {h}");
        }
    }
    assert_eq!(s.welfare.cig_ore_crisi, crisis);
    // Format A: the same hours by (year, month, fund), summed over the rami.
    let (h, a) = table(&p.join("inps/cig_fondi_ore.csv"), b',');
    assert_eq!(h, FORMAT_A_HEADER.to_vec());
    let mut got: BTreeMap<(String, String, String), u64> = BTreeMap::new();
    for r in &a {
        assert_eq!(r["Regione"], "Toscana");
        let v = &r["totale_ore_autorizzate"];
        assert!(v.ends_with(".0"));
        *got.entry((r["Anno"].clone(), r["Mese"].clone(), r["gestione_fondi"].clone()))
            .or_default() += v.trim_end_matches(".0").parse::<u64>().expect("ore");
    }
    assert_eq!(got, fondi);
    // Format B: distinct workers by (year, month, type), rows sorted by month name.
    let (h, b) = table(&p.join("inps/integrazioni_salariali_lavoratori.csv"), b',');
    assert_eq!(h, FORMAT_B_HEADER.to_vec());
    let mut got: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    let mut keys = Vec::new();
    for r in &b {
        assert_eq!(r["Regione"], "TOSCANA");
        keys.push((r["Anno"].clone(), r["Mese"].clone(), r["Tipo_intervento"].clone()));
        let n = r["numero_lavoratori"].trim_end_matches(".0").parse().expect("n");
        got.insert((r["Anno"].clone(), r["Mese"].clone(), r["Tipo_intervento"].clone()), n);
    }
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    let want: BTreeMap<_, _> = workers.into_iter().map(|(k, v)| (k, v.len())).collect();
    assert_eq!(got, want);
    // Some workers in CIG are dismissed afterwards and release a DID.
    let (_, t) = table(&p.join("truth/cig.csv"), b',');
    let dismissed_with_did = t
        .iter()
        .filter(|r| matches!(r["causa_cessazione_co"].as_str(), "LC" | "LO") && !r["id_did"].is_empty())
        .count();
    assert!(dismissed_with_did > 0);
}

#[test]
fn same_seed_same_welfare_files() {
    let c = cfg(3_000, 2015, 2017, 21);
    let (a, _) = run(&c);
    let (b, _) = run(&c);
    for f in [
        "did.csv",
        "mobilita.csv",
        "cig_lavoratori.csv",
        "inps/cig_fondi_ore.csv",
        "inps/integrazioni_salariali_lavoratori.csv",
        "truth/did_episodi.csv",
        "truth/did_stock_mensile.csv",
        "truth/mobilita.csv",
        "truth/cig.csv",
        "truth/cig_ore_mensili.csv",
    ] {
        let x = std::fs::read(a.path().join(f)).expect("read");
        assert!(!x.is_empty());
        assert_eq!(x, std::fs::read(b.path().join(f)).expect("read"), "{f}");
    }
}

#[test]
fn did_stock_truth_matches_the_events() {
    let (d, _) = run(&cfg(5_000, 2019, 2020, 13));
    let p = d.path();
    let (_, ev) = table(&p.join("did.csv"), b';');
    let (_, st) = table(&p.join("truth/did_stock_mensile.csv"), b',');
    // Stock at each month end = releases so far − ends so far, per cell.
    let mut cum: BTreeMap<(String, String), i64> = BTreeMap::new();
    let mut cpi_sex: HashMap<String, (String, String)> = HashMap::new();
    for r in ev.iter().filter(|r| r["evento"] == "RILASCIO") {
        cpi_sex.insert(r["id_did"].clone(), (r["cpi"].clone(), r["sesso"].clone()));
    }
    let mut months: BTreeMap<String, Vec<&HashMap<String, String>>> = BTreeMap::new();
    for r in &st {
        months.entry(r["mese"].clone()).or_default().push(r);
    }
    let mut flows: BTreeMap<(String, String, String), i64> = BTreeMap::new();
    for r in &ev {
        let k = cpi_sex[&r["id_did"]].clone();
        let m = r["data_evento"][..7].to_string();
        match r["evento"].as_str() {
            "RILASCIO" => *flows.entry((m, k.0, k.1)).or_default() += 1,
            "FINE" => *flows.entry((m, k.0, k.1)).or_default() -= 1,
            _ => {}
        }
    }
    for (m, rows) in months {
        for (k, f) in flows.range((m.clone(), String::new(), String::new())..) {
            if k.0 != m {
                break;
            }
            *cum.entry((k.1.clone(), k.2.clone())).or_default() += f;
        }
        for r in rows {
            let k = (r["cpi"].clone(), r["sesso"].clone());
            assert_eq!(
                cum.get(&k).copied().unwrap_or(0),
                r["did_aperte"].parse::<i64>().expect("n"),
                "{m} {k:?}"
            );
        }
    }
}
