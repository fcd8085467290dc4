//! The perimeter (`--datori`, `--escludi`, `--geografia`, `--settore-somministrazione`): switching it changes exactly the
//! records it names. Each rule is written here again, over the raw `rapporti` and `co_eventi`
//! views (not the `*_dim` views the indicators read), and the domicile's province comes from the
//! reference tables in Rust, not from the SQL table the views render.

use super::{built_synthetic, date};
use arrow::array::{Array, AsArray};
use arrow::datatypes::Int64Type;
use oml::analytics::indicators::{compute, Periodicity, Request, Territory};
use oml::analytics::perimeter::{AgencySector, Employers, Exclusion, Geography, Perimeter};
use oml::analytics::Session;
use oml::sdc::Mode;
use std::collections::HashMap;

const DAL: &str = "2022-01-01";
const AL: &str = "2023-12-31";

/// Every cell of an unprotected indicator table, by breakdown values and measure.
fn cells(
    s: &Session,
    name: &str,
    by: &[&str],
    p: &Perimeter,
    provincia: Option<&str>,
) -> HashMap<(String, String), f64> {
    let t = compute(
        s,
        &Request {
            indicator: name.into(),
            by: by.iter().map(|b| b.to_string()).collect(),
            period: Some((date(DAL), date(AL))),
            periodicity: Periodicity::Year,
            totals: true,
            mode: Mode::Confidential,
            territory: Territory {
                provincia: provincia.map(str::to_string),
                regione: None,
            },
            perimeter: p.clone(),
            parameters: Default::default(),
        },
    )
    .unwrap();
    let mut out = HashMap::new();
    for r in &t.rows {
        let dims: Vec<&str> = r.dims.iter().map(|d| d.as_deref().unwrap_or("Totale")).collect();
        *out.entry((format!("{}|{}", r.periodo, dims.join("|")), r.misura.clone()))
            .or_insert(0.0) += r.valore.unwrap_or(0.0);
    }
    out
}

fn total(c: &HashMap<(String, String), f64>, measure: &str) -> f64 {
    c.iter().filter(|((_, m), _)| m == measure).map(|(_, v)| v).sum()
}

fn count(s: &Session, sql: &str) -> f64 {
    let (_, batches) = s.query(sql).unwrap();
    batches[0].column(0).as_primitive::<Int64Type>().value(0) as f64
}

fn only(e: Exclusion) -> Perimeter {
    Perimeter::new(Employers::All, &[e], Geography::Workplace)
}

/// Relationships started in the period (the attivazioni) that a rule names, from `rapporti`.
fn started(s: &Session, rule: &str) -> f64 {
    count(
        s,
        &format!("SELECT count(*) FROM rapporti WHERE data_inizio BETWEEN DATE '{DAL}' AND DATE '{AL}' AND ({rule})"),
    )
}

#[test]
fn each_exclusion_removes_exactly_the_relationships_it_names() {
    let lake = built_synthetic();
    let s = Session::open(lake).unwrap();
    let all = cells(&s, "flussi", &[], &Perimeter::default(), None);
    let rules: [(Perimeter, &str); 7] = [
        (
            only(Exclusion::Agricoltura),
            "ateco_sezione = 'A' OR tipologia_contrattuale LIKE 'H.%'",
        ),
        (
            only(Exclusion::Domestico),
            "macro_contratto = 'DOMESTICO' OR ateco_divisione = '97'",
        ),
        (only(Exclusion::Intermittente), "macro_contratto = 'INTERMITTENTE'"),
        (
            only(Exclusion::Somministrazione),
            "macro_contratto = 'SOMMINISTRAZIONE'",
        ),
        (only(Exclusion::Giornalieri), "data_fine_effettiva = data_inizio"),
        (
            Perimeter::new(Employers::Private, &[], Geography::Workplace),
            "datore_pa IS TRUE",
        ),
        (
            Perimeter::new(Employers::Public, &[], Geography::Workplace),
            "datore_pa IS NOT TRUE",
        ),
    ];
    for (p, rule) in rules {
        let removed = started(&s, rule);
        assert!(removed > 0.0, "the synthetic province has records for {p:?}");
        let kept = cells(&s, "flussi", &[], &p, None);
        assert_eq!(
            total(&all, "attivazioni") - total(&kept, "attivazioni"),
            removed,
            "{}: attivazioni removed",
            p.options()
        );
        // A trasformazione never carries a relationship across the perimeter (it is in or out by
        // its first contract): over all contracts the entries and exits still cancel.
        assert_eq!(
            total(&kept, "trasformazioni_in_entrata"),
            total(&kept, "trasformazioni_in_uscita"),
            "{}",
            p.options()
        );
        // Inside any perimeter the stock still moves by the saldo, exactly.
        let pos = cells(&s, "posizioni", &[], &p, None);
        assert_eq!(
            total(&pos, "posizioni_fine") - total(&pos, "posizioni_inizio"),
            total(&pos, "variazione")
        );
    }
    // Exclusions add up when they name disjoint records.
    let two = Perimeter::new(
        Employers::All,
        &[Exclusion::Intermittente, Exclusion::Somministrazione],
        Geography::Workplace,
    );
    assert_eq!(
        total(&all, "attivazioni") - total(&cells(&s, "flussi", &[], &two, None), "attivazioni"),
        started(&s, "macro_contratto IN ('INTERMITTENTE', 'SOMMINISTRAZIONE')")
    );
}

#[test]
fn communications_follow_the_same_rules() {
    // proroghe reads co_eventi_dim: leaving agency work out removes exactly its proroghe cell.
    let lake = built_synthetic();
    let s = Session::open(lake).unwrap();
    let all = cells(&s, "proroghe", &["macro_contratto"], &Perimeter::default(), None);
    let kept = cells(
        &s,
        "proroghe",
        &["macro_contratto"],
        &only(Exclusion::Somministrazione),
        None,
    );
    let somm: f64 = all
        .iter()
        .filter(|((k, m), _)| m == "proroghe" && k.ends_with("|SOMMINISTRAZIONE"))
        .map(|(_, v)| v)
        .sum();
    assert!(somm > 0.0);
    let grand = |c: &HashMap<(String, String), f64>| -> f64 {
        c.iter()
            .filter(|((k, m), _)| m == "proroghe" && k.ends_with("|Totale"))
            .map(|(_, v)| v)
            .sum()
    };
    assert_eq!(grand(&all) - grand(&kept), somm);
    assert!(!kept.keys().any(|(k, _)| k.ends_with("|SOMMINISTRAZIONE")));
    // And the raw communications agree.
    let raw = count(
        &s,
        &format!(
            "SELECT count(*) FROM co_eventi WHERE evento = 'PRO' AND macro_contratto = 'SOMMINISTRAZIONE' \
             AND data_evento BETWEEN DATE '{DAL}' AND DATE '{AL}'"
        ),
    );
    assert_eq!(somm, raw);
}

#[test]
fn residence_geography_counts_by_the_domicile_province() {
    let lake = built_synthetic();
    let s = Session::open(lake).unwrap();
    let r = oml::reference::Reference::get();
    // Attivazioni by the province of the worker's domicile, from the reference tables.
    let (_, batches) = s
        .query(&format!(
            "SELECT comune_domicilio FROM rapporti WHERE data_inizio BETWEEN DATE '{DAL}' AND DATE '{AL}'"
        ))
        .unwrap();
    let mut by_province: HashMap<String, f64> = HashMap::new();
    for b in &batches {
        let c = b.column(0).as_string::<i32>();
        for i in 0..c.len() {
            let sigla = (!c.is_null(i))
                .then(|| r.comune_by_istat(c.value(i)))
                .flatten()
                .map(|c| c.sigla.clone())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "NON_INDICATO".into());
            *by_province.entry(sigla).or_default() += 1.0;
        }
    }
    assert!(
        by_province.len() > 2,
        "workers domiciled in several provinces: {by_province:?}"
    );
    let residence = Perimeter::new(Employers::All, &[], Geography::Residence);
    let po = cells(&s, "flussi", &[], &residence, Some("PO"));
    assert_eq!(total(&po, "attivazioni"), by_province["PO"]);
    let by = cells(&s, "flussi", &["provincia"], &residence, None);
    for (sigla, n) in &by_province {
        let got: f64 = by
            .iter()
            .filter(|((k, m), _)| m == "attivazioni" && k.ends_with(&format!("|{sigla}")))
            .map(|(_, v)| v)
            .sum();
        assert_eq!(got, *n, "attivazioni of workers domiciled in {sigla}");
    }
    // By workplace every relationship of this lake is in PO.
    let work = cells(&s, "flussi", &[], &Perimeter::default(), Some("PO"));
    assert_eq!(total(&work, "attivazioni"), by_province.values().sum::<f64>());
}

#[test]
fn indicators_without_communications_refuse_a_perimeter() {
    let lake = built_synthetic();
    let s = Session::open(lake).unwrap();
    let err = compute(
        &s,
        &Request {
            indicator: "did".into(),
            by: vec![],
            period: Some((date(DAL), date(AL))),
            periodicity: Periodicity::Year,
            totals: true,
            mode: Mode::Confidential,
            territory: Territory::default(),
            perimeter: only(Exclusion::Agricoltura),
            parameters: Default::default(),
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("CO indicators only"), "{err}");
}

#[test]
fn a_lake_built_by_an_older_oml_asks_for_a_new_build() {
    // The segments of an older build lack the perimeter's columns: the views would fail with a
    // binder error; the lake says what to do instead.
    let (_d, lake) = super::hand_lake();
    let path = lake.current_dir().unwrap().join("_manifest.json");
    let mut m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    m["build"]["formato"] = serde_json::json!(1);
    std::fs::write(&path, m.to_string()).unwrap();
    let err = lake.require_built().unwrap_err();
    assert!(
        matches!(
            err.downcast_ref(),
            Some(oml::lake::LakeError::OldBuild { found: 1, .. })
        ),
        "{err}"
    );
    assert!(err.to_string().contains("run `oml build` again"), "{err}");
}

#[test]
fn agency_work_in_the_user_firms_sector_moves_exactly_the_agency_relationships() {
    // --settore-somministrazione utilizzatrice: a relationship whose UNISOMM named the user firm
    // leaves the agency's section for the user firm's; nothing else moves, no total changes.
    let lake = built_synthetic();
    let s = Session::open(lake).unwrap();
    let by = ["ateco_sezione"];
    let agency = cells(&s, "flussi", &by, &Perimeter::default(), None);
    let user_p = Perimeter::default().with_agency_sector(AgencySector::UserFirm);
    let user = cells(&s, "flussi", &by, &user_p, None);
    for m in ["attivazioni", "cessazioni", "saldo"] {
        assert_eq!(total(&agency, m), total(&user, m), "{m}");
    }
    let moved = started(&s, "ateco_sezione_utilizzatrice IS NOT NULL");
    assert!(moved > 100.0, "{moved}");
    let cell = |c: &HashMap<(String, String), f64>, sez: &str| {
        c.iter()
            .filter(|((k, m), _)| m == "attivazioni" && k.ends_with(&format!("|{sez}")) && !k.contains("Totale"))
            .map(|(_, v)| v)
            .sum::<f64>()
    };
    let sections: Vec<String> = s
        .query("SELECT DISTINCT ateco_sezione FROM rapporti WHERE ateco_sezione IS NOT NULL ORDER BY 1")
        .map(|(_, b)| {
            b.iter()
                .flat_map(|b| {
                    let c = b.column(0).as_string::<i32>();
                    (0..c.len()).map(|i| c.value(i).to_string()).collect::<Vec<_>>()
                })
                .collect()
        })
        .unwrap();
    for sez in &sections {
        let gained = started(&s, &format!("ateco_sezione_utilizzatrice = '{sez}'"));
        let lost = started(
            &s,
            &format!("ateco_sezione = '{sez}' AND ateco_sezione_utilizzatrice IS NOT NULL"),
        );
        assert_eq!(cell(&user, sez) - cell(&agency, sez), gained - lost, "section {sez}");
    }
    // Only the agencies (N, 78.20) place workers with user firms.
    assert_eq!(
        started(&s, "ateco_sezione_utilizzatrice IS NOT NULL AND ateco_sezione <> 'N'"),
        0.0
    );
    // The perimeter box says so.
    assert!(user_p.describe().iter().any(|l| l.contains("impresa utilizzatrice")));
}

#[test]
fn the_user_firm_of_each_agency_relationship_is_the_generators() {
    // truth/rapporti.csv names the user firm (its CF and sector) of every agency relationship:
    // the lake's rapporti carry its pseudonym and sector, keyed by worker and first day.
    let lake = built_synthetic();
    let mut pseudo = oml::privacy::Pseudonymizer::new(&super::key());
    let hex = |id: [u8; 16]| {
        let mut h = [0u8; 32];
        oml::privacy::id_hex(&id, &mut h);
        String::from_utf8(h.to_vec()).unwrap()
    };
    let mut r = csv::Reader::from_path(super::synthetic().join("truth/rapporti.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (cf, inizio, cfu, settore) = (
        col("cf_lavoratore"),
        col("data_inizio"),
        col("cf_utilizzatrice"),
        col("settore_utilizzatrice"),
    );
    let mut truth: HashMap<(String, String), (String, String)> = HashMap::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        if !rec[cfu].is_empty() {
            let key = (hex(pseudo.worker(&rec[cf])), rec[inizio].to_string());
            truth.insert(key, (hex(pseudo.employer(&rec[cfu])), rec[settore].to_string()));
        }
    }
    assert!(truth.len() > 100, "{}", truth.len());
    let rows = crate::query_strings(
        lake,
        "SELECT id_lavoratore, data_inizio, id_utilizzatrice, ateco_utilizzatrice FROM rapporti \
         WHERE id_utilizzatrice IS NOT NULL AND avviamento_nel_lago",
    );
    let (mut same, mut found) = (0usize, 0usize);
    for row in &rows {
        if let Some((id, ateco)) = truth.get(&(row[0].clone(), row[1].clone())) {
            found += 1;
            same += usize::from(*id == row[2] && *ateco == row[3]);
        }
    }
    // Every lake relationship with a user firm is a true one, with the same firm and sector.
    assert_eq!(found, rows.len());
    assert_eq!(same, found);
    // And the lake finds all but the few whose assunzione was lost to an injected fault.
    assert!(found as f64 >= 0.99 * truth.len() as f64, "{found} of {}", truth.len());
}
