//! Tests of the named indicators (`indicators.rs`): headers, the CIG declarations, the
//! dominance hook on a hand-made table.

use super::*;
#[test]
fn identities_are_read_from_the_headers() {
    let flussi = find("flussi").unwrap();
    assert_eq!(
        flussi.identities[0],
        Identity {
            total: "saldo".into(),
            plus: vec!["attivazioni".into(), "trasformazioni_in_entrata".into()],
            minus: vec!["cessazioni".into(), "trasformazioni_in_uscita".into()],
        }
    );
    // Every member of an identity is an additive measure of its file.
    for ind in catalog() {
        for id in &ind.identities {
            for m in std::iter::once(&id.total).chain(&id.plus).chain(&id.minus) {
                assert!(
                    ind.additive.contains(m),
                    "{}: {m} in an identity but not additive",
                    ind.name
                );
            }
        }
    }
    assert_eq!(find("qwi").unwrap().identities.len(), 4);
    assert!(!find("flussi").unwrap().description.contains("identita:"));
}

/// A hand-made magnitude table (hours of six employers in two sectors) through the same
/// path as the files: the file returns the two largest employer contributions, and the
/// dominance rule of the request acts on them.
#[test]
fn the_dominance_hook_acts_on_the_largest_contributions_a_file_returns() {
    let sql = "WITH contributi(settore, id_datore, id_lavoratore, ore) AS (VALUES \
          ('A', 'd1', 'w1', 900.0), ('A', 'd2', 'w2', 50.0), ('A', 'd3', 'w3', 50.0), \
          ('B', 'd4', 'w4', 300.0), ('B', 'd5', 'w5', 300.0), ('B', 'd6', 'w6', 400.0)), \
        per_datore AS ( \
          SELECT CASE WHEN list_contains(getvariable('oml_per')::VARCHAR[], 'settore') THEN settore END AS settore, \
            id_datore, sum(ore) AS ore, count(DISTINCT id_lavoratore) AS l \
          FROM contributi GROUP BY ALL) \
        SELECT '2024' AS periodo, settore, 'ore' AS misura, sum(ore) AS valore, sum(l) AS n_lavoratori, \
          count(*) AS n_datori, max(ore) AS contributo_max_1, \
          coalesce(list_sort(list(ore), 'DESC')[2], 0) AS contributo_max_2 \
        FROM per_datore GROUP BY ALL ORDER BY ALL";
    let ind = Indicator {
        name: "prova_dominanza",
        title: "prova".into(),
        additive: vec!["ore".into()],
        signed: vec![],
        quarterly: false,
        identities: vec![],
        ratios: vec![],
        ratio_decimals: None,
        distinct_values: vec![],
        per_distinct: vec![],
        unions: vec![],
        rounded: vec![],
        shares: vec![],
        margins_sum: false,
        listed_contributors: false,
        source: String::new(),
        dimensions: None,
        public: false,
        no_employers: false,
        parameters: vec![],
        notes: vec![],
        definitions: vec![],
        sql: sql.into(),
        description: String::new(),
    };
    let session = Session {
        conn: super::super::open_duckdb().unwrap(),
    };
    let run = |rule: &str| {
        let config = sdc::DisclosureConfig::default().with_dominance(rule.parse().unwrap());
        let req = Request {
            indicator: ind.name.into(),
            by: vec!["settore".into()],
            period: None,
            periodicity: Periodicity::Year,
            totals: true,
            mode: Mode::Protected(config),
            territory: Territory::default(),
            perimeter: Default::default(),
            parameters: BTreeMap::new(),
        };
        let t = compute_indicator(&session, ind.clone(), &req).unwrap();
        let at = |d: Option<&str>| {
            let i = t.rows.iter().position(|r| r.dims[0].as_deref() == d).unwrap();
            (t.rows[i].top, t.status[i])
        };
        (at(Some("A")), at(Some("B")), at(None))
    };
    // (2, 85): sector A's two largest employers hold 950 of 1000 hours: suppressed, and B
    // with it (else A = total − B); the total (900 + 400 of 2000) is published.
    let (a, b, total) = run("2,85");
    assert_eq!(a, (Some([900.0, 50.0]), Status::SuppressedPrimary));
    assert_eq!(b, (Some([400.0, 300.0]), Status::SuppressedSecondary));
    assert_eq!(total, (Some([900.0, 400.0]), Status::Ok));
    // (1, 90): 900 is not above 90 % of 1000; no rule: everything published.
    for rule in ["1,90", "no"] {
        let (a, b, total) = run(rule);
        assert_eq!((a.1, b.1, total.1), (Status::Ok, Status::Ok, Status::Ok), "{rule}");
    }
    // p % = 10: A's others add 50, under 10 % of 900 = 90: suppressed.
    assert_eq!(run("10%").0 .1, Status::SuppressedPrimary);
}

#[test]
fn the_cig_headers_declare_breakdowns_public_values_and_parameters() {
    let ore = find("cig_ore").unwrap();
    assert!(ore.public);
    assert_eq!(ore.source, "cig");
    assert_eq!(
        ore.dimensions.as_deref(),
        Some(&["tipo_intervento".to_string(), "settore".into(), "territorio".into()][..])
    );
    assert_eq!(
        ore.parameters,
        vec![
            ("divisore_ore".to_string(), Some("170".to_string())),
            ("livello_territorio".to_string(), None)
        ]
    );
    assert_eq!(ore.notes.len(), 1);
    assert!(!ore.description.contains("nota:") && !ore.description.contains("parametri:"));
    assert!(!find("flussi").unwrap().public && find("flussi").unwrap().parameters.is_empty());
}

#[test]
fn every_indicator_file_has_a_title_and_declares_additive_measures_it_produces() {
    assert_eq!(catalog().len(), FILES.len());
    assert_eq!(catalog()[0].name, "flussi", "the first by ordine");
    for ind in catalog() {
        assert_eq!(header_value(&ind.sql, "indicatore"), Some(ind.name), "the file's name");
        assert!(
            header_value(&ind.sql, "ordine").is_some_and(|o| o.parse::<u32>().is_ok()),
            "{}",
            ind.name
        );
        assert!(ind.title != ind.name, "{} has no titolo", ind.name);
        for a in &ind.additive {
            assert!(
                ind.sql.contains(&format!("'{a}'")),
                "{}: additive {a} is not produced",
                ind.name
            );
        }
    }
}

#[test]
fn ratios_are_read_from_the_headers_and_withheld_beside_a_withheld_member() {
    let cig = find("cig_lavoratori").unwrap();
    assert_eq!(
        cig.ratios,
        vec![
            Ratio {
                measure: "tiraggio".into(),
                of: vec!["ore_utilizzate".into(), "ore_autorizzate_con_utilizzo".into()],
                fraction: Some(Fraction {
                    factor: 100,
                    numerator: "ore_utilizzate".into(),
                    denominator: "ore_autorizzate_con_utilizzo".into(),
                    only_total_of: None,
                }),
            },
            Ratio {
                measure: "lavoratori_equivalenti".into(),
                of: vec!["ore_autorizzate".into()],
                fraction: None,
            },
        ]
    );
    assert!(!cig.description.contains("rapporti: tiraggio"));
    // Every member of a ratio is an additive measure of its file (parse_ratios keeps only those),
    // and a ratio is not additive.
    for ind in catalog() {
        for q in &ind.ratios {
            assert!(!ind.additive.contains(&q.measure), "{}: {}", ind.name, q.measure);
        }
    }
    // Two cells (A, B) of hours, used hours and take-up; A's used hours withheld to protect
    // another cell: A's take-up goes with them, B's stays; a missing member is a known zero.
    let row = |d: &str, m: &str| Row {
        periodo: "2024".into(),
        dims: vec![Some(d.into())],
        misura: m.into(),
        valore: Some(1.0),
        n_lavoratori: 10,
        n_datori: Some(10),
        top: None,
        chiave_cella: None,
        parameters: vec![],
    };
    let rows = vec![
        row("A", "ore_utilizzate"),
        row("A", "ore_autorizzate_con_utilizzo"),
        row("A", "tiraggio"),
        row("B", "ore_utilizzate"),
        row("B", "ore_autorizzate_con_utilizzo"),
        row("B", "tiraggio"),
        row("C", "ore_autorizzate"),
        row("C", "lavoratori_equivalenti"),
        row("D", "lavoratori_equivalenti"),
    ];
    let mut status = vec![Status::Ok; rows.len()];
    status[0] = Status::SuppressedSecondary;
    status[6] = Status::SuppressedPrimary;
    assert_eq!(withhold_ratios(&cig, &rows, &mut status), 2);
    assert_eq!(status[2], Status::SuppressedSecondary);
    assert_eq!(status[5], Status::Ok);
    assert_eq!(status[7], Status::SuppressedSecondary);
    assert_eq!(status[8], Status::Ok);
}

#[test]
fn the_perimeter_reaches_the_indicators_whose_source_is_a_dim_view_and_only_them() {
    let takes: Vec<&str> = catalog().into_iter().filter(|i| i.reads_co()).map(|i| i.name).collect();
    for name in [
        "flussi",
        "posizioni",
        "saldo_annualizzato",
        "pendolarismo",
        "proroghe",
        "transizioni",
        "j2j",
    ] {
        assert!(takes.contains(&name), "{name}");
    }
    for name in ["did", "cig_ore", "cig_lavoratori", "mobilita_liste"] {
        assert!(!takes.contains(&name), "{name}");
    }
    // A file that reads a *_dim view declares it as its source.
    for i in catalog() {
        let reads = [
            "rapporti_dim",
            "segmenti_dim",
            "co_eventi_dim",
            "segmenti_eventi",
            "transizioni_dim",
            "transizioni_con_successivo_dim",
        ]
        .iter()
        .any(|v| i.sql.contains(v));
        assert_eq!(reads, i.reads_co(), "{}: fonte {}", i.name, i.source);
    }
}

#[test]
fn every_file_that_declares_a_fast_path_can_take_it() {
    // A stray DISTINCT (e.g. `SELECT DISTINCT` in a CTE) would silently send the file down the
    // plain path: the header would promise what the binary does not do.
    let mut declared = 0;
    for ind in catalog().into_iter().filter(|i| i.margins_sum || i.listed_contributors) {
        declared += 1;
        assert!(
            ind.listing_sql().is_some(),
            "{} declares margini: somma or contributori: liste, but its text has a distinct count \
             other than the contributor counts",
            ind.name
        );
    }
    assert!(declared >= 10, "{declared} files declare a fast path");
}
