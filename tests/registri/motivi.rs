//! Each quarantine reason of the three layouts, triggered by a hand-made file (one record per
//! case, the expected reason written beside it), with the account `letti = accettati +
//! quarantena`, the episodes the accepted events make, and an extra column holding a name that
//! reaches neither the lake nor the quarantine.

use super::{cig, did, mobilita, one, sql};
use oml::quality::cf::check_char;
use std::path::PathBuf;

/// A personal CF from its first 15 characters (the check character computed).
pub fn cf(first15: &str) -> String {
    format!("{first15}{}", check_char(first15.as_bytes()).unwrap() as char)
}

/// A valid partita IVA.
pub const PIVA: &str = "00687570952";

pub fn write(dir: &std::path::Path, name: &str, header: &str, rows: &[(&str, &str)]) -> PathBuf {
    let mut text = format!("{header}\r\n");
    for (row, _) in rows {
        text.push_str(row);
        text.push_str("\r\n");
    }
    let p = dir.join(name);
    std::fs::write(&p, format!("\u{feff}{text}")).unwrap();
    p
}

/// `(motivo, n)` of the quarantine, sorted, empty reasons as `-` (accepted).
fn expected(rows: &[(&str, &str)]) -> Vec<Vec<String>> {
    let mut m = std::collections::BTreeMap::<&str, u64>::new();
    for (_, why) in rows {
        if *why != "-" {
            *m.entry(why).or_default() += 1;
        }
    }
    m.into_iter().map(|(k, v)| vec![k.to_string(), v.to_string()]).collect()
}

fn quarantine(lake: &oml::lake::Lake, formato: &str) -> Vec<Vec<String>> {
    sql(
        lake,
        &format!(
            "SELECT motivo, count(*) FROM registri_quarantena WHERE formato = '{formato}' GROUP BY ALL ORDER BY 1"
        ),
    )
}

pub const DID_HEADER: &str = "id_did;codice_fiscale;evento;data_evento;cpi;punto_servizio;codice_sportello;\
stato_occupazionale;causa;prestazione;sesso;cittadinanza;livello_istruzione;comune_domicilio;nome";

#[test]
fn registri_did_each_reason_from_a_hand_made_file() {
    let (d, lake) = super::super::tmp_lake("registri-did-motivi");
    let (a, b, c) = (cf("RSSMRA85T10A562"), cf("BNCLCU90A41G999"), cf("VRDGNN70C15D612"));
    let bad_check = format!("{}{}", &a[..15], if a.ends_with('A') { 'B' } else { 'A' });
    let rows: Vec<(String, &str)> = vec![
        (
            format!("D1;{a};RILASCIO;2020-01-10;PO01;CPI;PO01-S01;02;;;;000;4;G999;Mario Rossi"),
            "-",
        ),
        (format!("D1;{a};SOSPENSIONE;2020-02-01;;;;;LAVORO_BREVE;;;;;;"), "-"),
        (format!("D1;{a};RIPRESA;2020-03-01;;;;;;;;;;;"), "-"),
        (format!("D1;{a};RIPRESA;2020-03-05;;;;;;;;;;;"), "sequenza_non_valida"),
        (format!("D1;{a};PRESTAZIONE_INIZIO;2020-01-20;;;;;;NASPI;;;;;"), "-"),
        (format!("D1;{a};FINE;2020-06-01;;;;;03;;;;;;"), "-"),
        (
            format!("D1;{a};SOSPENSIONE;2020-07-01;;;;;LAVORO_BREVE;;;;;;"),
            "evento_fuori_episodio",
        ),
        (
            format!("D1;{a};RILASCIO;2020-01-10;PO02;CPI;;02;;;;;;;"),
            "rilascio_ripetuto",
        ),
        (
            format!("D1;{b};SOSPENSIONE;2020-04-01;;;;;LAVORO_BREVE;;;;;;"),
            "lavoratore_diverso",
        ),
        (
            format!("D2;{a};RILASCIO;2020-03-01;PO01;PORTALE;;02;;;;;;;"),
            "did_sovrapposta",
        ),
        (format!("D2;{a};FINE;2020-05-01;;;;;01;;;;;;"), "did_sovrapposta"),
        (format!("D3;{b};FINE;2020-05-01;;;;;01;;;;;;"), "senza_rilascio"),
        (
            format!("D1;{a};SOSPENSIONE;2020-02-01;;;;;LAVORO_BREVE;;;;;;"),
            "duplicato",
        ),
        (
            format!("D4;{b};RILASCIO;2020-13-01;PO01;CPI;;02;;;;;;;"),
            "data_non_valida",
        ),
        (
            format!("D4;{};RILASCIO;2020-01-01;PO01;CPI;;02;;;;;;;", &b[..15]),
            "cf_lavoratore_formato",
        ),
        (
            format!("D4;{bad_check};RILASCIO;2020-01-01;PO01;CPI;;02;;;;;;;"),
            "cf_lavoratore_carattere_controllo",
        ),
        (
            format!("D4;{b};RILASCIO;2020-01-01;PO99;CPI;;02;;;;;;;"),
            "codice_sconosciuto",
        ),
        (
            format!("D4;{b};RILASCIO;2020-01-01;PO01;CPI;;07;;;;;;;"),
            "codice_sconosciuto",
        ),
        (format!("D4;{b};RILASCIO;2020-01-01;;CPI;;02;;;;;;;"), "campo_mancante"),
        (format!("D5;{b};RILASCIO;2020-01-01"), "record_malformato"),
        (
            format!("D6;{c};RILASCIO;2020-02-01;PO02;SPORTELLO_PARTNER;;01;;;;;;;Giovanni Verdi"),
            "-",
        ),
        (
            format!("D6;{c};PRESTAZIONE_FINE;2020-03-01;;;;;;NASPI;;;;;"),
            "sequenza_non_valida",
        ),
        (
            format!("D6;{c};SOSPENSIONE;2020-01-15;;;;;ALTRO;;;;;;"),
            "evento_fuori_episodio",
        ),
    ];
    let rows: Vec<(&str, &str)> = rows.iter().map(|(r, w)| (r.as_str(), *w)).collect();
    let f = write(d.path(), "did.csv", DID_HEADER, &rows);
    let report = did(&lake, &[f]).unwrap();
    let r = &report.caricati[0];
    assert_eq!((r.letti, r.accettati, r.quarantena, r.duplicati), (23, 6, 17, 1));
    assert!(r.reconciles());
    assert_eq!(quarantine(&lake, "did"), expected(&rows));
    // Every refused record keeps its redacted text, also those refused after validation
    // (the duplicate, the rules between records), which ingest reads a second time.
    assert_eq!(
        one(
            &lake,
            "SELECT count(*) FROM registri_quarantena WHERE record_grezzo IS NULL AND motivo <> 'record_malformato'"
        ),
        "0"
    );
    assert_eq!(
        one(
            &lake,
            "SELECT count(*) FROM registri_quarantena WHERE motivo IN ('duplicato', 'did_sovrapposta') \
             AND record_grezzo LIKE 'id_did=***;codice_fiscale=***;evento=%'"
        ),
        "3"
    );
    assert_eq!(one(&lake, "SELECT count(*) FROM did_eventi"), "6");
    // The episodes the accepted events make.
    let ep = sql(
        &lake,
        "SELECT cpi, punto_servizio, data_rilascio, data_fine, causa_fine, n_sospensioni, giorni_sospensione, \
         sospesa, prestazione, data_inizio_prestazione, data_fine_prestazione, sesso, anno_nascita, classe_eta, comune_domicilio \
         FROM did_episodi ORDER BY data_rilascio",
    );
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        ep,
        vec![
            s(&[
                "PO01",
                "CPI",
                "2020-01-10",
                "2020-06-01",
                "03",
                "1",
                "29",
                "false",
                "NASPI",
                "2020-01-20",
                "",
                "M",
                "1985",
                "25-34",
                "100005"
            ]),
            s(&[
                "PO02",
                "SPORTELLO_PARTNER",
                "2020-02-01",
                "",
                "",
                "0",
                "0",
                "false",
                "",
                "",
                "",
                "M",
                "1970",
                "45-54",
                ""
            ]),
        ]
    );
    // A later load: the end of D6 joins its release in the lake; D3 still has none.
    let f2 = write(
        d.path(),
        "did2.csv",
        DID_HEADER,
        &[
            (&format!("D6;{c};FINE;2020-09-01;;;;;02;;;;;;"), "-"),
            (&format!("D3;{b};FINE;2020-06-01;;;;;01;;;;;;"), "senza_rilascio"),
        ],
    );
    let r2 = did(&lake, &[f2]).unwrap();
    assert_eq!((r2.caricati[0].accettati, r2.caricati[0].quarantena), (1, 1));
    assert_eq!(
        one(
            &lake,
            "SELECT data_fine FROM did_episodi WHERE punto_servizio = 'SPORTELLO_PARTNER'"
        ),
        "2020-09-01"
    );
    // The name of the extra column is nowhere in the lake.
    super::lago::assert_no_text(&lake, &["Mario", "Rossi", "Giovanni", "Verdi"]);
}

#[test]
fn registri_cig_each_reason_from_a_hand_made_file() {
    let (d, lake) = super::super::tmp_lake("registri-cig-motivi");
    let (a, b) = (cf("RSSMRA85T10A562"), cf("BNCLCU90A41G999"));
    let p = PIVA;
    let rows: Vec<(String, &str)> = vec![
        (
            format!("{a};{p};CIGO;2020-03-23;2020-05-31;384;312,5;SI;INPS-1;COVID-19;13.20.00;G999"),
            "-",
        ),
        (
            format!("{a};{p};CIGO;2020-05-01;2020-06-30;100;;;;;;"),
            "periodo_sovrapposto",
        ),
        (format!("{a};{p};CIGO;2020-06-01;2020-06-30;1.234,5;;NO;;;;"), "-"),
        (
            format!("{b};{p};CIGS;2020-05-01;2020-04-01;10;;;;;;"),
            "date_incoerenti",
        ),
        (format!("{b};{p};CIGS;2020-01-01;2020-01-31;0;;;;;;"), "ore_non_valide"),
        (
            format!("{b};{p};CIGS;2020-01-01;2020-01-31;10;20;;;;;"),
            "ore_non_valide",
        ),
        (
            format!("{b};{p};CIGS;2020-01-01;2020-01-31;dieci;;;;;;"),
            "numero_non_valido",
        ),
        (
            format!("{b};12345678901;CIGS;2020-01-01;2020-01-31;10;;;;;;"),
            "cf_datore_non_valido",
        ),
        (
            format!("{b};{p};CIGX;2020-01-01;2020-01-31;10;;;;;;"),
            "codice_sconosciuto",
        ),
        (
            format!("{b};{p};FIS;2020-02-01;2020-02-28;40;;;;richiesta di {a};;"),
            "-",
        ),
    ];
    let rows: Vec<(&str, &str)> = rows.iter().map(|(r, w)| (r.as_str(), *w)).collect();
    let header = "codice_fiscale;datore_codice_fiscale;tipo_intervento;data_inizio;data_fine;ore_autorizzate;\
                  ore_utilizzate;zero_ore;numero_autorizzazione;causale;ateco_datore;comune_unita_produttiva";
    let f = write(d.path(), "cig.csv", header, &rows);
    let r = cig(&lake, &[f]).unwrap();
    assert_eq!(
        (r.caricati[0].letti, r.caricati[0].accettati, r.caricati[0].quarantena),
        (10, 3, 7)
    );
    assert_eq!(quarantine(&lake, "cig_lavoratori"), expected(&rows));
    assert_eq!(
        sql(&lake, "SELECT sum(ore_autorizzate), sum(giorni), count(ore_utilizzate), count(*) FILTER (WHERE zero_ore) FROM cig_lavoratori"),
        vec![vec!["1658.5".to_string(), "128".into(), "1".into(), "1".into()]]
    );
    // A causale that is neither a wording of CIG_CAUSALE nor shaped like a code is dropped from
    // the accepted record and counted by its shape; `COVID-19` is kept.
    assert_eq!(
        one(
            &lake,
            "SELECT count(causale) FROM cig_lavoratori WHERE tipo_intervento = 'FIS'"
        ),
        "0"
    );
    assert_eq!(
        one(&lake, "SELECT string_agg(DISTINCT causale, ',') FROM cig_lavoratori"),
        "COVID-19"
    );
    assert_eq!(
        r.caricati[0].valori_non_codificati_scartati,
        [("causale: aaaaaaaaa aa AAAAAA99A99A999A".to_string(), 1)].into()
    );
}

#[test]
fn registri_mobilita_each_reason_from_a_hand_made_file() {
    let (d, lake) = super::super::tmp_lake("registri-mob-motivi");
    let (a, b) = (cf("RSSMRA85T10A562"), cf("BNCLCU90A41G999"));
    let p = PIVA;
    let rows: Vec<(String, &str)> = vec![
        (
            format!("M1;{a};1;01;2015-06-30;;{p};2015-06-27;SI;2016-06-26;PO01;13.20.00;;000;4;G999"),
            "-",
        ),
        (format!("M1;{a};1;06;2015-07-01;;;;;;;;;;;"), "-"),
        (format!("M1;{a};1;03;2015-09-01;01;;;;;;;;;;"), "-"),
        (format!("M1;{a};1;02;2015-09-10;;;;;;;;;;;"), "evento_fuori_pratica"),
        (format!("M1;{a};1;04;2015-10-01;;;;;;;;;;;"), "-"),
        (format!("M1;{a};1;04;2015-10-05;;;;;;;;;;;"), "sequenza_non_valida"),
        (
            format!("M1;{a};1;01;2015-11-01;;{p};2015-10-30;NO;;PO01;;;;;"),
            "iscrizione_ripetuta",
        ),
        (
            format!("M2;{b};2;01;2017-01-10;;{p};2017-01-01;NO;;PO02;;;;;"),
            "iscrizione_dopo_2017",
        ),
        (format!("M3;{b};2;03;2016-01-01;05;;;;;;;;;;"), "senza_iscrizione"),
        (format!("M1;{a};1;03;2016-05-01;;;;;;;;;;;"), "campo_mancante"),
        (format!("M1;{a};1;05;2016-06-30;05;;;;;;;;;;"), "-"),
    ];
    let rows: Vec<(&str, &str)> = rows.iter().map(|(r, w)| (r.as_str(), *w)).collect();
    let header = "id_pratica;codice_fiscale;lista;evento;data_evento;causa;datore_codice_fiscale;data_licenziamento;\
                  indennita;data_fine_indennita;cpi;ateco_datore;sesso;cittadinanza;livello_istruzione;comune_domicilio";
    let f = write(d.path(), "mob.csv", header, &rows);
    let r = mobilita(&lake, &[f]).unwrap();
    assert_eq!(
        (r.caricati[0].letti, r.caricati[0].accettati, r.caricati[0].quarantena),
        (11, 5, 6)
    );
    assert_eq!(quarantine(&lake, "mobilita"), expected(&rows));
    assert_eq!(
        sql(
            &lake,
            "SELECT data_iscrizione, lista, indennita, data_indennita, n_reiscrizioni, data_cancellazione, \
             evento_cancellazione, causa_cancellazione FROM mobilita_iscrizioni"
        ),
        vec![["2015-06-30", "1", "true", "2015-07-01", "1", "2016-06-30", "05", "05"]
            .map(String::from)
            .to_vec()]
    );
}
