//! `oml ingest istat` end to end: the shipped I.Stat export and a hand-made SDMX-CSV newer
//! vintage land in `disoccupazione_istat_versioni` (view `tasso_disoccupazione`) with the number
//! and the sum of their values checked; a reload adds nothing; a newer vintage restates its
//! rates; a malformed export leaves the lake unchanged.

use oml::ingest::istat::ingest_istat;
use oml::ingest::tables::LandOptions;
use std::path::{Path, PathBuf};

fn opts(vintage: &str) -> LandOptions {
    LandOptions {
        vintage: Some(vintage.parse().unwrap()),
        fail_before_commit: false,
    }
}

fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(oml::sources::istat_rfl::SHIPPED_PATH)
}

const RATE: &str = "SELECT valore::VARCHAR FROM tasso_disoccupazione \
    WHERE itter107 = 'IT' AND sesso = '1' AND classe_eta = 'Y_GE15' AND periodo = '2019'";

#[test]
fn istat_exports_land_with_counts_and_sums_and_newer_vintages_restate() {
    let (d, lake) = super::tmp_lake("istat");
    let r = ingest_istat(&lake, &[shipped()], &opts("2021-03-01")).unwrap();
    let t = &r.caricati[0];
    assert_eq!((t.record, t.righe, t.celle_vuote), (7649, 7649, 0));
    assert_eq!(
        t.totali["tasso_disoccupazione"].file,
        t.totali["tasso_disoccupazione"].caricato
    );
    assert_eq!(t.totali["tasso_disoccupazione (numero di valori)"].caricato, "7649");
    // The known value of the issue: Italia, 15 anni e più, maschi, 2019.
    assert_eq!(super::query_strings(&lake, RATE), vec![vec!["9.093324".to_string()]]);
    let prato = super::query_strings(
        &lake,
        "SELECT territorio, livello_territorio, relazione, valore::VARCHAR FROM tasso_disoccupazione \
         WHERE itter107 = 'ITE15' AND sesso = '9' AND classe_eta = 'Y15-74' AND periodo = '2019'",
    );
    assert_eq!(prato, vec![vec!["100", "provincia", "identico", "6.225624"]]);
    // Reloading adds nothing.
    assert!(ingest_istat(&lake, &[shipped()], &opts("2021-03-01"))
        .unwrap()
        .caricati
        .is_empty());
    // A newer vintage (SDMX-CSV) restates one rate and adds a 2021 one.
    let newer = d.path().join("sdmx.csv");
    std::fs::write(
        &newer,
        "DATAFLOW,FREQ,REF_AREA,DATA_TYPE,SEX,AGE,TIME_PERIOD,OBS_VALUE,OBS_STATUS\r\n\
         IT1:151_914(1.0),A,IT,UNEM_R,M,Y_GE15,2019,9.1,\r\n\
         IT1:151_914(1.0),A,ITE15,UNEM_R,T,Y15-74,2021,5.75,\r\n\
         IT1:151_914(1.0),A,ITE1,UNEM_R,T,Y15-74,2021,,n\r\n",
    )
    .unwrap();
    let r = ingest_istat(&lake, &[newer], &opts("2022-03-01")).unwrap();
    let t = &r.caricati[0];
    assert_eq!((t.record, t.righe, t.celle_vuote, t.superate), (3, 3, 1, 1));
    assert_eq!(t.totali["tasso_disoccupazione"].caricato, "14.85");
    assert_eq!(t.totali["tasso_disoccupazione (numero di valori)"].caricato, "2");
    assert_eq!(super::query_strings(&lake, RATE), vec![vec!["9.1".to_string()]]);
    let versions = super::query_strings(
        &lake,
        &RATE.replace("tasso_disoccupazione", "disoccupazione_istat_versioni"),
    );
    assert_eq!(versions.len(), 2, "every vintage is kept");
    // The bulletin reads the lake's rates (the newer vintage's 2021 for Prato) and names them.
    let session = oml::analytics::Session::open(&lake).unwrap();
    use oml::reference::LivelloTerritorio::Provincia;
    let r = oml::report::bulletin::unemployment::annual_rates(Some(&session), &[("Prato", Provincia, "100")]).unwrap();
    assert!(
        r.fonte.contains("vista tasso_disoccupazione") && r.fonte.contains("sdmx.csv (vintage 2022-03-01)"),
        "{}",
        r.fonte
    );
    let prato: Vec<(String, i32, f64)> = r.rates.iter().map(|x| (x.sesso.clone(), x.anno, x.tasso)).collect();
    assert!(
        prato.contains(&("9".into(), 2021, 5.75)) && prato.contains(&("9".into(), 2019, 6.225624)),
        "{prato:?}"
    );
    // A malformed export (a value that is not a rate) is refused and the lake is unchanged.
    let manifest = std::fs::read_to_string(lake.root.join("_manifest.json")).unwrap();
    let bad = d.path().join("bad.csv");
    std::fs::write(
        &bad,
        "DATAFLOW,FREQ,REF_AREA,DATA_TYPE,SEX,AGE,TIME_PERIOD,OBS_VALUE,OBS_STATUS\n\
         IT1:151_914(1.0),A,IT,UNEM_R,M,Y_GE15,2022,cento,\n",
    )
    .unwrap();
    let e = ingest_istat(&lake, &[bad], &opts("2023-03-01")).unwrap_err();
    assert!(format!("{e:#}").contains("bad.csv"), "{e:#}");
    assert_eq!(
        std::fs::read_to_string(lake.root.join("_manifest.json")).unwrap(),
        manifest
    );
}
