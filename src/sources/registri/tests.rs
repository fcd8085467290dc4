//! The shared CSV rules of the three layouts, on small inputs.

use super::*;

fn cig_file(text: &str) -> Result<File> {
    read("t.csv", text.as_bytes(), &cig_lavoratori::TRACCIATO)
}

#[test]
fn numbers_with_point_or_italian_comma() {
    assert_eq!(number("384"), Some(384.0));
    assert_eq!(number("312,5"), Some(312.5));
    assert_eq!(number("1.234,5"), Some(1234.5));
    assert_eq!(number("15785.0"), Some(15785.0));
    assert_eq!(number("dieci"), None);
    assert_eq!(number("NaN"), None);
}

#[test]
fn comma_separator_any_column_order_bom_and_both_date_forms() {
    let text =
        "\u{feff}ore_autorizzate,data_fine,data_inizio,tipo_intervento,datore_codice_fiscale,codice_fiscale,extra\r\n\
                \"1.234,5\",31/01/2020,2020-01-01,CIGO,00687570952,X,Mario\r\n";
    let f = cig_file(text).unwrap();
    let r = f.righe[0].as_ref().map_err(|e| e.1.clone()).unwrap();
    assert_eq!(r.riga, 2);
    // In layout order; the extra column is not read.
    assert_eq!(r.get(0), "X");
    assert_eq!(r.get(3), "2020-01-01");
    assert_eq!(r.get(5), "1.234,5");
    assert!(!r.valori.iter().any(|v| v == "Mario"));
    assert!(!r.estratto(&cig_lavoratori::TRACCIATO).contains("Mario"));
    let t = &cig_lavoratori::TRACCIATO;
    assert_eq!(date(r, 4, t).unwrap(), NaiveDate::from_ymd_opt(2020, 1, 31));
}

#[test]
fn a_missing_mandatory_column_names_the_columns_seen() {
    let e = cig_file("codice_fiscale;data_inizio\nX;2020-01-01\n")
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains("datore_codice_fiscale") && e.contains("columns seen: codice_fiscale, data_inizio"),
        "{e}"
    );
}

#[test]
fn a_short_record_is_malformed_and_blank_lines_are_skipped() {
    let h = "codice_fiscale;datore_codice_fiscale;tipo_intervento;data_inizio;data_fine;ore_autorizzate";
    let f = cig_file(&format!("{h}\n\nA;B;CIGO\nA;B;CIGO;2020-01-01;2020-01-02;3\n\n")).unwrap();
    assert_eq!(f.righe.len(), 2);
    let (line, why) = f.righe[0].as_ref().err().unwrap();
    assert_eq!((*line, why.motivo), (3, Motivo::RecordMalformato));
    assert_eq!(f.righe[1].as_ref().map(|r| r.riga).ok(), Some(4));
}

#[test]
fn reason_codes_are_unique() {
    let codes: std::collections::BTreeSet<&str> = Motivo::ALL.iter().map(|m| m.code()).collect();
    assert_eq!(codes.len(), Motivo::ALL.len());
}
