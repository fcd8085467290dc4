//! The indicators of the reference bulletins' tables (`cessazioni`, `ingressi_ti`, the `orario`
//! breakdown): hand-derived values on the hand-made year, then on the synthetic province the
//! partitions in every cell, the link to `flussi` and `trasformazioni` in every cell, and the
//! groups and duration classes against plain SQL over the relationships.

use super::{built_synthetic, hand_lake, run, values};
use oml::analytics::indicators::Periodicity;
use oml::lake::Lake;
use oml::sdc::Mode;
use std::collections::BTreeMap;

type Values = BTreeMap<(String, String, String), Option<f64>>;

fn at(v: &Values, per: &str, dims: &str, m: &str) -> Option<f64> {
    v.get(&(per.to_string(), dims.to_string(), m.to_string()))
        .copied()
        .flatten()
}

fn quarters(lake: &Lake, name: &str, by: &[&str], year: (&str, &str)) -> Values {
    values(&run(
        lake,
        name,
        by,
        Some(year),
        Periodicity::Quarter,
        Mode::Confidential,
    ))
}

#[test]
fn reference_indicators_match_the_hand_derived_year() {
    let (_d, lake) = hand_lake();
    let year = ("2024-01-01", "2024-12-31");
    // cessazioni, Q2: R4 (1 Apr, one day) and R1 (15 Jan - 30 Jun, 168 days), both imputed at the
    // expected end: "fine del termine". Q3: R5 (1 day) and R2 (1 Feb - 30 Sep, 243 days), both
    // LI: licenziamento.
    let c = quarters(&lake, "cessazioni", &[], year);
    for (q, group, n) in [
        ("2024-Q2", "cessazioni_fine_termine", 2.0),
        ("2024-Q3", "cessazioni_licenziamento", 2.0),
    ] {
        assert_eq!(at(&c, q, "", "cessazioni"), Some(n), "{q}");
        assert_eq!(at(&c, q, "", group), Some(n), "{q}");
        assert_eq!(at(&c, q, "", "cessazioni_durata_1"), Some(1.0), "{q}");
        assert_eq!(at(&c, q, "", "cessazioni_durata_91_365"), Some(1.0), "{q}");
        assert_eq!(at(&c, q, "", "cessazioni_richiesta_lavoratore"), None, "{q}: 0, no row");
    }
    assert_eq!(at(&c, "2024-Q1", "", "cessazioni"), None);
    // ingressi_ti: Q1 R3 hired TI; Q2 R2 TD -> TI (DI on 1 May).
    let t = quarters(&lake, "ingressi_ti", &[], year);
    assert_eq!(at(&t, "2024-Q1", "", "assunzioni_ti"), Some(1.0));
    assert_eq!(at(&t, "2024-Q1", "", "ingressi_ti"), Some(1.0));
    assert_eq!(at(&t, "2024-Q1", "", "trasformazioni_a_ti"), None);
    assert_eq!(at(&t, "2024-Q2", "", "trasformazioni_da_td"), Some(1.0));
    assert_eq!(at(&t, "2024-Q2", "", "trasformazioni_a_ti"), Some(1.0));
    assert_eq!(at(&t, "2024-Q2", "", "ingressi_ti"), Some(1.0));
    assert_eq!(at(&t, "2024-Q2", "", "assunzioni_ti"), None);
    // orario: Q1 hires R1, R2 full-time, R3 part-time (P, 20 hours).
    let f = quarters(&lake, "flussi", &["orario"], year);
    assert_eq!(at(&f, "2024-Q1", "PART_TIME", "attivazioni"), Some(1.0));
    assert_eq!(at(&f, "2024-Q1", "TEMPO_PIENO", "attivazioni"), Some(2.0));
}

/// Every cell of `v` (periodo, dims) with a value of `total`.
fn cells(v: &Values, total: &str) -> Vec<(String, String)> {
    v.keys()
        .filter(|(_, _, m)| m == total)
        .map(|(p, d, _)| (p.clone(), d.clone()))
        .collect()
}

#[test]
fn cessazioni_partition_the_flows_and_match_plain_sql() {
    let lake = built_synthetic();
    let span = ("2022-01-01", "2023-12-31");
    let by = ["sesso", "macro_contratto"];
    let c = quarters(lake, "cessazioni", &by, span);
    let f = quarters(lake, "flussi", &by, span);
    let groups = [
        "richiesta_lavoratore",
        "licenziamento",
        "cessazione_attivita",
        "altro_datore",
        "fine_termine",
        "altre_cause",
    ];
    let classes = ["1", "2_3", "4_30", "31_90", "91_365", "oltre_365", "non_nota"];
    let sum = |p: &str, d: &str, prefix: &str, parts: &[&str]| -> f64 {
        parts
            .iter()
            .map(|g| at(&c, p, d, &format!("{prefix}{g}")).unwrap_or(0.0))
            .sum()
    };
    let all = cells(&c, "cessazioni");
    assert!(all.len() > 50, "{} cells", all.len());
    for (p, d) in &all {
        let total = at(&c, p, d, "cessazioni").unwrap();
        assert_eq!(sum(p, d, "cessazioni_", &groups), total, "{p} {d}: groups");
        assert_eq!(sum(p, d, "cessazioni_durata_", &classes), total, "{p} {d}: durations");
        assert_eq!(at(&f, p, d, "cessazioni"), Some(total), "{p} {d}: flussi");
    }
    // Plain SQL over the relationships: the group of each cause as reference/README.md states it,
    // the duration from the dates.
    let sql = "SELECT year(data_fine_effettiva)::VARCHAR || '-Q' || quarter(data_fine_effettiva) AS q, \
        CASE WHEN cessazione_imputata THEN 'fine_termine' \
             WHEN causa_cessazione IN ('DM', 'DG', 'AD') THEN 'richiesta_lavoratore' \
             WHEN causa_cessazione IN ('AC', 'AM', 'LI', 'LC', 'LG', 'LO', 'LS') THEN 'licenziamento' \
             WHEN causa_cessazione IN ('CA', 'EP') THEN 'cessazione_attivita' \
             WHEN causa_cessazione = 'DS' THEN 'altro_datore' \
             WHEN causa_cessazione IN ('FT', 'FM', 'AR') THEN 'fine_termine' \
             ELSE 'altre_cause' END AS g, \
        CASE WHEN data_fine_effettiva - data_inizio + 1 <= 1 THEN '1' \
             WHEN data_fine_effettiva - data_inizio + 1 <= 3 THEN '2_3' \
             WHEN data_fine_effettiva - data_inizio + 1 <= 30 THEN '4_30' \
             WHEN data_fine_effettiva - data_inizio + 1 <= 90 THEN '31_90' \
             WHEN data_fine_effettiva - data_inizio + 1 <= 365 THEN '91_365' ELSE 'oltre_365' END AS k \
        FROM rapporti WHERE data_fine_effettiva BETWEEN DATE '2022-01-01' AND DATE '2023-12-31'";
    let rows = crate::query_strings(
        lake,
        &format!(
            "WITH r AS ({sql}) SELECT q, 'cessazioni_' || g, count(*) FROM r GROUP BY ALL \
                  UNION ALL SELECT q, 'cessazioni_durata_' || k, count(*) FROM r GROUP BY ALL"
        ),
    );
    assert!(rows.len() > 20);
    for r in rows {
        let want: f64 = r[2].parse().unwrap();
        assert_eq!(at(&c, &r[0], "Totale|Totale", &r[1]), Some(want), "{r:?}");
    }
}

#[test]
fn ingressi_ti_are_hires_plus_transformations_in_every_cell() {
    let lake = built_synthetic();
    let span = ("2022-01-01", "2023-12-31");
    let months =
        |name: &str, by: &[&str]| values(&run(lake, name, by, Some(span), Periodicity::Month, Mode::Confidential));
    let t = months("ingressi_ti", &["settore"]);
    let f = months("flussi", &["settore", "macro_contratto"]);
    let tr = months("trasformazioni", &["settore"]);
    let all = cells(&t, "ingressi_ti");
    assert!(all.len() > 60, "{} cells", all.len());
    for (p, d) in &all {
        let get = |m: &str| at(&t, p, d, m).unwrap_or(0.0);
        let total = get("ingressi_ti");
        assert_eq!(total, get("assunzioni_ti") + get("trasformazioni_a_ti"), "{p} {d}");
        assert_eq!(
            get("trasformazioni_a_ti"),
            get("trasformazioni_da_td") + get("trasformazioni_da_apprendistato") + get("trasformazioni_da_altro"),
            "{p} {d}"
        );
        let hires = at(&f, p, &format!("{d}|TI"), "attivazioni").unwrap_or(0.0);
        assert_eq!(get("assunzioni_ti"), hires, "{p} {d}: flussi TI");
        let to_ti = at(&tr, p, d, "trasformazioni_a_ti").unwrap_or(0.0);
        assert_eq!(get("trasformazioni_a_ti"), to_ti, "{p} {d}: trasformazioni");
    }
}

#[test]
fn the_annualised_saldo_is_the_sum_of_its_twelve_months_in_every_cell() {
    // Hand-made year: the lake covers 2024 only, so one whole window, January to December, whose
    // saldo by contract is the year's (R2's TD -> TI counts -1 TD, +1 TI).
    let (_d, lake) = hand_lake();
    let year = ("2024-01-01", "2024-12-31");
    let w = values(&run(
        &lake,
        "saldo_annualizzato",
        &["macro_contratto"],
        Some(year),
        Periodicity::Month,
        Mode::Confidential,
    ));
    let y = values(&run(
        &lake,
        "flussi",
        &["macro_contratto"],
        Some(year),
        Periodicity::Year,
        Mode::Confidential,
    ));
    assert!(w.keys().all(|(p, _, _)| p == "2024-01..2024-12"), "{w:?}");
    for ((_, dims, m), v) in &y {
        if m == "saldo" {
            assert_eq!(at(&w, "2024-01..2024-12", dims, "saldo"), *v, "{dims}");
        }
    }
    // The synthetic province (2022-2023): every window ending in 2022-12 .. 2023-12 equals the
    // sum of its 12 monthly saldi, by contract and by sector, and no window starts before 2022.
    let lake = built_synthetic();
    let span = ("2022-01-01", "2023-12-31");
    for by in ["macro_contratto", "settore"] {
        let w = values(&run(
            lake,
            "saldo_annualizzato",
            &[by],
            Some(span),
            Periodicity::Month,
            Mode::Confidential,
        ));
        let m = values(&run(
            lake,
            "flussi",
            &[by],
            Some(span),
            Periodicity::Month,
            Mode::Confidential,
        ));
        let windows: std::collections::BTreeSet<&String> = w.keys().map(|(p, _, _)| p).collect();
        assert_eq!(windows.len(), 13, "{windows:?}");
        assert_eq!(windows.first().unwrap().as_str(), "2022-01..2022-12");
        for ((p, dims, _), v) in &w {
            let end: oml::model::period::Period = p.parse().unwrap();
            let months: f64 = (0..12)
                .map(|k| {
                    let d = end.dal.checked_add_months(chrono::Months::new(k)).unwrap();
                    at(&m, &d.format("%Y-%m").to_string(), dims, "saldo").unwrap_or(0.0)
                })
                .sum();
            assert_eq!(v.unwrap_or(0.0), months, "{by} {p} {dims}");
        }
    }
}
