//! A value not valid for its column reaches the quarantine only as its shape (`privacy::shape`):
//! in each layout a name typed into a coded column, a birth date and an address into others, and
//! neither `record_grezzo` nor `dettaglio` of `registri_quarantena` (nor any file of the lake)
//! holds them.

use super::motivi::{cf, write, DID_HEADER, PIVA};
use super::{cig, did, mobilita, sql};

/// What an operator might type where a code belongs.
const PERSONALI: [&str; 6] = ["Mario", "Rossi", "1985", "12/10", "Roma", "Verdi"];

fn check(lake: &oml::lake::Lake, formato: &str, n: usize) {
    let rows = sql(
        lake,
        &format!("SELECT dettaglio, record_grezzo FROM registri_quarantena WHERE formato = '{formato}'"),
    );
    assert_eq!(rows.len(), n, "{formato}: {rows:?}");
    for r in &rows {
        for w in PERSONALI {
            assert!(!r[0].contains(w) && !r[1].contains(w), "{w} in {formato}: {r:?}");
        }
    }
    let all: String = rows.iter().map(|r| r.join(" | ")).collect::<Vec<_>>().join("\n");
    assert!(all.contains("Aaaaa Aaaaa") && all.contains("99/99/9999"), "{all}");
    super::lago::assert_no_text(lake, &PERSONALI[..2]);
    super::lago::assert_no_text(lake, &PERSONALI[4..]);
}

#[test]
fn registri_values_not_valid_for_their_column_show_only_their_shape() {
    let (d, lake) = super::super::tmp_lake("registri-forma");
    let (a, b) = (cf("RSSMRA85T10A562"), cf("BNCLCU90A41G999"));
    // DID: a name as citizenship, a birth date as sportello, an address as domicile; a name as
    // CPI; a birth date as the event date.
    let rows = [
        (
            format!("D1;{a};RILASCIO;2020-01-10;PO01;CPI;10/12/1985;02;;;;Mario Rossi;4;Via Roma 3"),
            "codice_sconosciuto",
        ),
        (
            format!("D2;{b};RILASCIO;2020-01-10;Mario Rossi;CPI;;02;;;;;;Via Verdi 5"),
            "codice_sconosciuto",
        ),
        (
            format!("D3;{b};RILASCIO;10/13/1985;PO01;CPI;;02;;;;;;"),
            "data_non_valida",
        ),
    ];
    let rows: Vec<(&str, &str)> = rows.iter().map(|(r, w)| (r.as_str(), *w)).collect();
    let header = DID_HEADER.trim_end_matches(";nome");
    did(&lake, &[write(d.path(), "did.csv", header, &rows)]).unwrap();
    check(&lake, "did", 3);

    // Mobility: a name as the list, a birth date as CPI, an address as domicile.
    let p = PIVA;
    let row = format!("M1;{a};Mario Rossi;01;2015-06-30;;{p};2015-06-27;SI;;10/12/1985;;;;;Via Roma 3");
    let header = "id_pratica;codice_fiscale;lista;evento;data_evento;causa;datore_codice_fiscale;data_licenziamento;\
                  indennita;data_fine_indennita;cpi;ateco_datore;sesso;cittadinanza;livello_istruzione;comune_domicilio";
    mobilita(
        &lake,
        &[write(
            d.path(),
            "mob.csv",
            header,
            &[(row.as_str(), "codice_sconosciuto")],
        )],
    )
    .unwrap();
    check(&lake, "mobilita", 1);

    // CIG: a name as the type of intervention, a birth date as ATECO, an address in the free
    // text and as the comune.
    let row = format!("{a};{p};Mario Rossi;2020-03-23;2020-05-31;384;;;;Via Roma 3;10/12/1985;Via Verdi 5");
    let header = "codice_fiscale;datore_codice_fiscale;tipo_intervento;data_inizio;data_fine;ore_autorizzate;\
                  ore_utilizzate;zero_ore;numero_autorizzazione;causale;ateco_datore;comune_unita_produttiva";
    cig(
        &lake,
        &[write(
            d.path(),
            "cig.csv",
            header,
            &[(row.as_str(), "codice_sconosciuto")],
        )],
    )
    .unwrap();
    check(&lake, "cig_lavoratori", 1);
    // A valid code is still shown as it is.
    let grezzo = sql(
        &lake,
        "SELECT record_grezzo FROM registri_quarantena WHERE formato = 'cig_lavoratori'",
    );
    assert!(
        grezzo[0][0].contains("data_inizio=2020-03-23;") && grezzo[0][0].contains("ore_autorizzate=384;"),
        "{grezzo:?}"
    );
}

/// A name typed into the DID `codice_sportello` of an accepted record: the record is accepted
/// with `codice_sportello` NULL, the load counts it by shape (`valori_non_codificati_scartati`,
/// report and manifest), and no file of the lake holds the name; a real sportello code is kept,
/// and the livello di istruzione is stored as its code (`04` → `4`), never its description.
#[test]
fn registri_a_name_in_a_coded_column_is_dropped_and_counted() {
    let (d, lake) = super::super::tmp_lake("registri-codificati");
    let (a, b) = (cf("RSSMRA85T10A562"), cf("BNCLCU90A41G999"));
    let rows = [
        format!("D1;{a};RILASCIO;2020-01-10;PO01;CPI;Mario Rossi;02;;;;000;4;G999"),
        format!("D2;{b};RILASCIO;2020-01-10;PO01;CPI;PO01-S01;02;;;;000;04;G999"),
    ];
    let rows: Vec<(&str, &str)> = rows.iter().map(|r| (r.as_str(), "-")).collect();
    let header = DID_HEADER.trim_end_matches(";nome");
    let r = did(&lake, &[write(d.path(), "did.csv", header, &rows)]).unwrap();
    let expected: std::collections::BTreeMap<String, u64> = [("codice_sportello: Aaaaa Aaaaa".to_string(), 1)].into();
    assert_eq!((r.caricati[0].letti, r.caricati[0].accettati), (2, 2));
    assert_eq!(r.caricati[0].valori_non_codificati_scartati, expected);
    assert_eq!(
        lake.manifest().unwrap().registri[0].valori_non_codificati_scartati,
        expected
    );
    assert_eq!(
        sql(
            &lake,
            "SELECT coalesce(codice_sportello, '-'), livello_istruzione FROM did_eventi ORDER BY 1"
        ),
        vec![vec!["-".to_string(), "4".into()], vec!["PO01-S01".into(), "4".into()]]
    );
    let texts = crate::robustezza::lake_texts(d.path(), &lake);
    crate::robustezza::assert_no_identifier(&texts, &["ROSSI".into(), "MARIO".into()]).unwrap();
}
