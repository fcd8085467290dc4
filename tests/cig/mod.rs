//! `oml ingest cig` end to end on the hand-made INPS fixtures of `tests/fixtures/cig/` (written
//! from DOMAIN.md §4: BOM, CRLF, INPS region spellings, months in alphabetical order, `;` and
//! `1.234,5`, empty cells, wide layouts): totals to the unit, spellings mapped, reload adds
//! nothing, a newer vintage restates its keys, a malformed file leaves the lake unchanged. The
//! CIG indicators over them: `indicatori.rs`.

use oml::ingest::cig::{ingest_cig, CigOptions};
use oml::ingest::tables::{LandOptions, LandReport};
use oml::lake::Lake;
use oml::sources::inps_cig::CigFormat;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cig")
        .join(name)
}

const ALL: [&str; 6] = [
    "fondi_solidarieta_ore.csv",
    "integrazioni_salariali_lavoratori.csv",
    "integrazioni_salariali_domande.csv",
    "integrazioni_salariali_mensilita.csv",
    "cig_provinciale.csv",
    "cig_provinciale_larga.csv",
];

fn opts(vintage: &str) -> CigOptions {
    CigOptions {
        format: None,
        land: LandOptions {
            vintage: Some(vintage.parse().unwrap()),
            fail_before_commit: false,
        },
    }
}

fn load(lake: &Lake, files: &[PathBuf], vintage: &str) -> anyhow::Result<LandReport> {
    ingest_cig(lake, files, &opts(vintage))
}

fn sql(lake: &Lake, q: &str) -> Vec<Vec<String>> {
    super::query_strings(lake, q)
}

#[test]
fn cig_every_layout_lands_with_its_totals_to_the_unit() {
    let (_d, lake) = super::tmp_lake("cig");
    let files: Vec<PathBuf> = ALL.iter().map(|f| fixture(f)).collect();
    let report = load(&lake, &files, "2024-09-01").unwrap();
    assert_eq!(report.caricati.len(), 6);
    // Totals derived by hand from the fixtures.
    let expect = [
        (
            "fondi_solidarieta_ore.csv",
            "inps_fondi_solidarieta",
            "ore_autorizzate",
            "1169423",
            10,
            0,
        ),
        (
            "integrazioni_salariali_lavoratori.csv",
            "inps_integrazioni_salariali",
            "lavoratori",
            "4151",
            8,
            0,
        ),
        (
            "integrazioni_salariali_domande.csv",
            "inps_integrazioni_salariali",
            "domande",
            "50",
            3,
            0,
        ),
        (
            "integrazioni_salariali_mensilita.csv",
            "inps_integrazioni_salariali",
            "mensilita",
            "160",
            3,
            0,
        ),
        (
            "cig_provinciale.csv",
            "cig_classica",
            "ore_autorizzate",
            "247459.5",
            6,
            2,
        ),
        (
            "cig_provinciale_larga.csv",
            "cig_classica",
            "ore_autorizzate",
            "3852.5",
            5,
            7,
        ),
    ];
    for (t, (file, formato, misura, total, righe, vuote)) in report.caricati.iter().zip(expect) {
        assert!(t.path.ends_with(file), "{}", t.path);
        assert_eq!(
            (t.formato.as_str(), t.righe, t.celle_vuote),
            (formato, righe, vuote),
            "{file}"
        );
        assert_eq!(t.totali.len(), 1, "{file}: one measure");
        assert_eq!(t.totali[misura].file, total, "{file}");
        assert_eq!(t.totali[misura].caricato, total, "{file}");
    }
    // The view: per measure, never summed across; per file, the file's total.
    let per = sql(
        &lake,
        "SELECT misura, CAST(sum(valore) AS VARCHAR), count(*) FROM cig GROUP BY misura ORDER BY misura",
    );
    let want = [
        ["domande", "50.0", "3"],
        ["lavoratori", "4151.0", "8"],
        ["mensilita", "160.0", "3"],
        ["ore_autorizzate", "1420735.0", "21"],
    ];
    assert_eq!(per, want.map(|r| r.map(String::from)).to_vec());
    let per_file = sql(
        &lake,
        "SELECT regexp_extract(file_origine, '[^/]+$'), CAST(sum(valore) AS VARCHAR) FROM cig GROUP BY ALL ORDER BY 1",
    );
    assert!(per_file.contains(&vec!["cig_provinciale.csv".to_string(), "247459.5".to_string()]));
    // INPS spellings → ISTAT codes; alphabetical month names → month numbers.
    let coded = sql(
        &lake,
        "SELECT DISTINCT territorio, livello_territorio, mese FROM cig
         WHERE regexp_extract(file_origine, '[^/]+$') = 'integrazioni_salariali_lavoratori.csv'
           AND tipo_intervento IN ('CIGS', 'FIS', 'FONDI_CENTRALI') ORDER BY ALL",
    );
    let want = [["02", "regione", "4"], ["04", "regione", "4"], ["06", "regione", "12"]];
    assert_eq!(coded, want.map(|r| r.map(String::from)).to_vec());
    let parma = sql(
        &lake,
        "SELECT DISTINCT territorio, livello_territorio, anno FROM cig WHERE file_origine LIKE '%cig_provinciale.csv'",
    );
    assert_eq!(parma, vec![vec!["034".to_string(), "provincia".into(), "2019".into()]]);
    let provenance = sql(
        &lake,
        "SELECT count(*) FROM cig WHERE sha256 = '' OR riga < 2 OR vintage <> DATE '2024-09-01'",
    );
    assert_eq!(provenance, vec![vec!["0".to_string()]]);
}

#[test]
fn cig_reload_adds_nothing_and_a_newer_vintage_supersedes() {
    let (dir, lake) = super::tmp_lake("cig-vintage");
    let first = fixture("integrazioni_salariali_domande.csv");
    load(&lake, std::slice::from_ref(&first), "2024-03-01").unwrap();
    let before = crate::snapshot(&lake);
    let again = load(&lake, std::slice::from_ref(&first), "2024-06-01").unwrap();
    assert!(again.caricati.is_empty());
    assert_eq!(again.gia_presenti.len(), 1);
    assert_eq!(crate::snapshot(&lake), before, "a reload changed the lake");

    // INPS revises past months: the newer vintage restates two keys and adds one.
    let newer = dir.path().join("domande-rev.csv");
    std::fs::write(
        &newer,
        "Anno,Mese,Tipo_intervento,Regione,numero_domande\r\n2023,Agosto,CIGD,ABRUZZO,3.0\r\n\
         2023,Aprile,CIGO,LAZIO,40.0\r\n2023,Maggio,CIGO,LAZIO,6.0\r\n",
    )
    .unwrap();
    let rev = load(&lake, std::slice::from_ref(&newer), "2024-10-01").unwrap();
    assert_eq!((rev.caricati[0].superate, rev.caricati[0].gia_superate), (2, 0));
    let view = sql(
        &lake,
        "SELECT mese, territorio, CAST(valore AS VARCHAR), CAST(vintage AS VARCHAR) FROM cig ORDER BY ALL",
    );
    let want = [
        ["1", "19", "7.0", "2024-03-01"],
        ["4", "12", "40.0", "2024-10-01"],
        ["5", "12", "6.0", "2024-10-01"],
        ["8", "13", "3.0", "2024-10-01"],
    ];
    assert_eq!(view, want.map(|r| r.map(String::from)).to_vec());
    // Every vintage is kept in the files.
    assert_eq!(lake.manifest().unwrap().rows("cig_versioni"), 6);

    // An older vintage loaded late restates nothing the view shows.
    let older = dir.path().join("domande-old.csv");
    std::fs::write(
        &older,
        "Anno,Mese,Tipo_intervento,Regione,numero_domande\n2023,Agosto,CIGD,ABRUZZO,1.0\n",
    )
    .unwrap();
    let old = load(&lake, std::slice::from_ref(&older), "2023-12-01").unwrap();
    assert_eq!((old.caricati[0].superate, old.caricati[0].gia_superate), (0, 1));
    assert_eq!(
        sql(&lake, "SELECT CAST(valore AS VARCHAR) FROM cig WHERE mese = 8"),
        vec![vec!["3.0".to_string()]]
    );
}

#[test]
fn cig_a_malformed_file_of_each_kind_is_refused_and_the_lake_is_unchanged() {
    let (dir, lake) = super::tmp_lake("cig-bad");
    load(&lake, &[fixture("cig_provinciale.csv")], "2024-09-01").unwrap();
    let before = crate::snapshot(&lake);
    let cases: [(&str, &str, Option<CigFormat>, &[&str]); 6] = [
        (
            "a.csv",
            "Anno,gestione_fondi,Regione,Mese,Ramo di attività,totale_ore_autorizzate\r\n\
             2023,FIS,Trentino Sud,Gennaio,Industria,1.0\r\n2023,FIS,Lazio,Gennaio,Pesca,2.0\r\n",
            None,
            &["values with no code", "Regione: 'Trentino Sud'", "Ramo di attività: 'Pesca'"],
        ),
        (
            "b.csv",
            "Anno,Mese,Tipo_intervento,Regione,numero_lavoratori\r\n2023,Agosto,CIGD,ABRUZZO,13.0\r\n2023,Agosto,CIGO,ABRUZZO,1,5.0\r\n",
            None,
            &["b.csv, line 3: malformed CSV"],
        ),
        (
            "b2.csv",
            "Anno,Mese,Tipo_intervento,Regione,numero_mensilita\n2023,Agosto,CIGD,ABRUZZO,tredici\n",
            None,
            &["b2.csv: line 2: numero_mensilita: 'tredici' is not a number"],
        ),
        (
            "c.csv",
            "anno;mese;provincia;settore;tipo_intervento;ore_autorizzate\n2019;1;PR;Industria;CIGO;5\n2019;gennaio;Parma;Industria;Ordinaria;6\n",
            None,
            &["c.csv: line 3: the same anno, mese, territorio, settore and tipo intervento as line 2"],
        ),
        (
            "x.csv",
            "anno,regione,ore\n2023,Lazio,5\n",
            None,
            &["x.csv: not a known layout", "\"anno\", \"regione\", \"ore\"", "docs/formato_cig.md"],
        ),
        (
            "f.csv",
            "anno;mese;provincia;settore;tipo_intervento;ore_autorizzate\n2019;1;PR;Industria;CIGO;5\n",
            Some(CigFormat::A),
            &["f.csv: not format inps_fondi_solidarieta", "\"tipo_intervento\""],
        ),
    ];
    for (name, text, format, want) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        // With a good file beside it: the whole load is refused.
        let files = [fixture("fondi_solidarieta_ore.csv"), p];
        let o = CigOptions {
            format,
            ..opts("2024-10-01")
        };
        let err = format!("{:#}", ingest_cig(&lake, &files, &o).unwrap_err());
        for w in want {
            assert!(err.contains(w), "{name}: «{w}» not in: {err}");
        }
        assert_eq!(crate::snapshot(&lake), before, "{name}: the lake changed");
    }
}

#[test]
fn cig_the_cli_reports_totals_and_refuses_an_unknown_layout() {
    let d = tempfile::tempdir().unwrap();
    let lake = d.path().join("lake");
    let lake_s = lake.to_str().unwrap();
    let prov = fixture("cig_provinciale.csv");
    let args = [
        "--lake",
        lake_s,
        "ingest",
        "cig",
        prov.to_str().unwrap(),
        "--vintage",
        "2024-09-01",
    ];
    let (ok, out, err) = super::oml(&args, d.path(), &[]);
    assert!(ok, "{err}");
    assert!(
        out.contains("formato cig_classica, vintage 2024-09-01, 8 record, 6 righe caricate, 2 celle vuote"),
        "{out}"
    );
    assert!(
        out.contains("ore_autorizzate: totale del file 247459.5, caricato 247459.5"),
        "{out}"
    );
    let (ok, out, _) = super::oml(&args, d.path(), &[]);
    assert!(ok && out.contains("già nel lago (stesso sha256)"), "{out}");
    let bad = d.path().join("ignoto.csv");
    std::fs::write(&bad, "Year;Region;Hours\n2023;Lazio;5\n").unwrap();
    let (ok, _, err) = super::oml(
        &["--lake", lake_s, "ingest", "cig", bad.to_str().unwrap()],
        d.path(),
        &[],
    );
    assert!(
        !ok && err.contains("not a known layout") && err.contains("\"Year\", \"Region\", \"Hours\""),
        "{err}"
    );
}
mod indicatori;
