//! `oml ingest did`, `cig-lavoratori`, `mobilita` end to end: a synthetic province (years that
//! hold the liste di mobilità) loaded with its CO, checked against the generator's ground truth
//! (events, episodes, pratiche, periods, causes, hours) and the CF link to `co_eventi`; each
//! quarantine reason on a hand-made file (`motivi.rs`); a malformed file refused with the lake
//! unchanged, a reload that adds nothing and no identifier in the lake's files (`lago.rs`).

mod bollettino;
mod esiti;
mod indicatori;
mod indicatori_liste_cig;
mod lago;
mod motivi;
mod valori;

use oml::ingest::registri::{self, CigLavoratori, Did, Mobilita, RegistriReport};
use oml::lake::Lake;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A synthetic province of 2015–2017 (mobility lists close at the end of 2016), once per binary.
pub fn province() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("oml-it-registri-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let cfg = oml::synth::SynthConfig {
            province: "PO".into(),
            first_year: 2015,
            last_year: 2017,
            volume: 3000,
            seed: 11,
            write_xml: false,
            ..Default::default()
        };
        oml::synth::generate(&cfg, &dir, &|_, _| {}).expect("synth");
        dir
    })
}

pub fn did(lake: &Lake, files: &[PathBuf]) -> anyhow::Result<RegistriReport> {
    registri::ingest::<Did>(lake, &super::key(), files)
}
pub fn cig(lake: &Lake, files: &[PathBuf]) -> anyhow::Result<RegistriReport> {
    registri::ingest::<CigLavoratori>(lake, &super::key(), files)
}
pub fn mobilita(lake: &Lake, files: &[PathBuf]) -> anyhow::Result<RegistriReport> {
    registri::ingest::<Mobilita>(lake, &super::key(), files)
}

pub fn sql(lake: &Lake, q: &str) -> Vec<Vec<String>> {
    super::query_strings(lake, q)
}

fn one(lake: &Lake, q: &str) -> String {
    sql(lake, q)[0][0].clone()
}

/// Records of a CSV file (lines after the header).
fn records(p: &Path) -> u64 {
    std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .count() as u64
}

/// A province with its CO and the three layouts loaded.
pub fn loaded(tag: &str) -> (tempfile::TempDir, Lake) {
    let p = province();
    let (d, lake) = super::tmp_lake(tag);
    oml::ingest::ingest(&lake, &super::key(), &[p.join("co.csv")], &super::opts()).unwrap();
    did(&lake, &[p.join("did.csv")]).unwrap();
    cig(&lake, &[p.join("cig_lavoratori.csv")]).unwrap();
    mobilita(&lake, &[p.join("mobilita.csv")]).unwrap();
    (d, lake)
}

#[test]
fn registri_synthetic_province_equals_its_truth() {
    let p = province();
    let (_d, lake) = loaded("registri-truth");
    let truth = |f: &str| p.join("truth").join(f).display().to_string();
    // Counts: events, episodes, periods, pratiche, nothing quarantined.
    assert_eq!(
        one(&lake, "SELECT count(*) FROM did_eventi"),
        records(&p.join("did.csv")).to_string()
    );
    assert_eq!(
        one(&lake, "SELECT count(*) FROM did_episodi"),
        records(Path::new(&truth("did_episodi.csv"))).to_string()
    );
    assert_eq!(
        one(&lake, "SELECT count(*) FROM cig_lavoratori"),
        records(&p.join("cig_lavoratori.csv")).to_string()
    );
    assert_eq!(
        one(&lake, "SELECT count(*) FROM mobilita_eventi"),
        records(&p.join("mobilita.csv")).to_string()
    );
    assert_eq!(
        one(&lake, "SELECT count(*) FROM mobilita_iscrizioni"),
        records(Path::new(&truth("mobilita.csv"))).to_string()
    );
    assert_eq!(one(&lake, "SELECT count(*) FROM registri_quarantena"), "0");
    assert!(
        records(Path::new(&truth("mobilita.csv"))) > 10,
        "the province has mobility pratiche"
    );
    // Episodes: by end cause, suspensions, benefits and their days, as in the truth.
    let ours = sql(
        &lake,
        "SELECT coalesce(causa_fine, '-'), count(*), sum(n_sospensioni), count(prestazione), \
         count(data_fine_prestazione), coalesce(sum(date_diff('day', data_inizio_prestazione, data_fine_prestazione)), 0) \
         FROM did_episodi GROUP BY ALL ORDER BY 1",
    );
    let theirs = sql(
        &lake,
        &format!(
            "SELECT coalesce(nullif(causa_fine, ''), '-'), count(*), sum(n_sospensioni::INT), count(nullif(prestazione, '')), \
             count(nullif(prestazione_fine, '')), coalesce(sum(date_diff('day', nullif(prestazione_inizio, '')::DATE, \
             nullif(prestazione_fine, '')::DATE)), 0) FROM read_csv('{}', all_varchar = true) GROUP BY ALL ORDER BY 1",
            truth("did_episodi.csv")
        ),
    );
    assert_eq!(ours, theirs);
    // Releases by month, CPI and sex equal the truth's stock table.
    let ours = sql(
        &lake,
        "SELECT strftime(data_rilascio, '%Y-%m'), cpi, sesso, count(*) FROM did_episodi GROUP BY ALL ORDER BY ALL",
    );
    let theirs = sql(
        &lake,
        &format!(
            "SELECT mese, cpi, sesso, sum(rilasci::INT) FROM read_csv('{}', all_varchar = true) \
             GROUP BY ALL HAVING sum(rilasci::INT) > 0 ORDER BY ALL",
            truth("did_stock_mensile.csv")
        ),
    );
    assert_eq!(ours, theirs);
    // Pratiche: cancellations by cause and list, reiscrizioni, indennità.
    let ours = sql(
        &lake,
        "SELECT coalesce(causa_cancellazione, '-'), lista, count(*), sum(n_reiscrizioni), count(data_cancellazione), \
         count(*) FILTER (WHERE indennita) FROM mobilita_iscrizioni GROUP BY ALL ORDER BY ALL",
    );
    let theirs = sql(
        &lake,
        &format!(
            "SELECT coalesce(nullif(causa_cancellazione, ''), '-'), lista, count(*), sum(n_reiscrizioni::INT), \
             count(nullif(data_cancellazione, '')), count(*) FILTER (WHERE indennita = 'SI') \
             FROM read_csv('{}', all_varchar = true) GROUP BY ALL ORDER BY ALL",
            truth("mobilita.csv")
        ),
    );
    assert_eq!(ours, theirs);
    // CIG: hours by type and year, to the unit.
    let ours = sql(
        &lake,
        "SELECT tipo_intervento, anno, count(*), sum(ore_autorizzate)::BIGINT, sum(ore_utilizzate)::BIGINT \
         FROM cig_lavoratori GROUP BY ALL ORDER BY ALL",
    );
    let theirs = sql(
        &lake,
        &format!(
            "SELECT tipo_intervento, year(data_inizio::DATE), count(*), sum(ore_autorizzate::BIGINT), \
             sum(ore_utilizzate::BIGINT) FROM read_csv('{}', all_varchar = true) GROUP BY ALL ORDER BY ALL",
            truth("cig.csv")
        ),
    );
    assert_eq!(ours, theirs);
}

#[test]
fn registri_workers_link_to_co_eventi_by_pseudonym() {
    let (_d, lake) = loaded("registri-link");
    // Every DID worker of the province is in co_eventi (the truth draws DID from CO careers).
    let missing = one(
        &lake,
        "SELECT count(DISTINCT id_lavoratore) FROM did_eventi \
         WHERE id_lavoratore NOT IN (SELECT id_lavoratore FROM co_eventi WHERE id_lavoratore IS NOT NULL)",
    );
    assert_eq!(missing, "0");
    assert_ne!(one(&lake, "SELECT count(DISTINCT id_lavoratore) FROM did_eventi"), "0");
    // Every FINE 03 (an avviamento) is an avviamento of the same worker in co_eventi that day.
    let unmatched = one(
        &lake,
        "SELECT count(*) FROM did_episodi d WHERE causa_fine = '03' AND NOT EXISTS (SELECT 1 FROM co_eventi c \
         WHERE c.id_lavoratore = d.id_lavoratore AND c.evento = 'ASS' AND c.data_inizio = d.data_fine)",
    );
    assert_eq!(unmatched, "0");
    // Mobility workers too (each was dismissed in the CO).
    let missing = one(
        &lake,
        "SELECT count(DISTINCT id_lavoratore) FROM mobilita_eventi \
         WHERE id_lavoratore NOT IN (SELECT id_lavoratore FROM co_eventi WHERE id_lavoratore IS NOT NULL)",
    );
    assert_eq!(missing, "0");
    // CIG: the workers the truth dismisses after their CIG, by the pseudonym computed here from
    // the truth's CF with the lake's key, are in cig_lavoratori and in co_eventi (others may hold
    // only a relationship older than the extract, without any communication in it).
    let mut pseudo = oml::privacy::Pseudonymizer::new(&super::key());
    let text = std::fs::read_to_string(province().join("truth/cig.csv")).unwrap();
    let mut ids = std::collections::BTreeSet::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if !f[8].is_empty() {
            let mut h = [0u8; 32];
            oml::privacy::id_hex(&pseudo.worker(f[0]), &mut h);
            ids.insert(String::from_utf8(h.to_vec()).unwrap());
        }
    }
    assert!(!ids.is_empty());
    let list = ids.iter().map(|i| format!("'{i}'")).collect::<Vec<_>>().join(",");
    for ds in ["cig_lavoratori", "co_eventi"] {
        let found = one(
            &lake,
            &format!("SELECT count(DISTINCT id_lavoratore) FROM {ds} WHERE id_lavoratore IN ({list})"),
        );
        assert_eq!(found, ids.len().to_string(), "{ds}");
    }
}

/// With DID and mobility records in the lake, the bulletin no longer says the lake has none: it
/// says they are loaded and not yet tabulated.
#[test]
fn registri_the_bulletin_says_which_records_the_lake_holds() {
    let (d, lake) = loaded("registri-bulletin");
    super::build(&lake, &oml::derive::BuildOptions::default(), &|_, _, _| {}).unwrap();
    let spec = oml::report::bulletin::BulletinSpec {
        province: "PO".into(),
        period: "2016-Q4".parse().unwrap(),
        out: d.path().join("bollettino"),
        sections: None,
        title: None,
        history_years: 2,
        min_workers: 3,
        min_employers: 3,
        dominanza: None,
        protezione: None,
        anno_riferimento: None,
        perimetro: Default::default(),
        precedente: None,
    };
    oml::report::bulletin::run(&lake, &spec, &|_| {}).unwrap();
    let md = std::fs::read_to_string(d.path().join("bollettino").join("bollettino.md")).unwrap();
    assert!(md.contains("caricate con `oml ingest did`"), "Disoccupazione: {md}");
    assert!(md.contains("caricate con `oml ingest mobilita`"), "Mobilità");
    assert!(!md.contains("il lago non contiene ancora le dichiarazioni"));
    assert!(!md.contains("il lago non contiene dati sulle iscrizioni"));
}
