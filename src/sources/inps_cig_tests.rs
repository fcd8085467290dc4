//! The CIG reader on small files written as INPS writes them (DOMAIN.md §4.2–4.4).

use super::*;

fn total(f: &CigFile, m: Misura) -> Micro {
    f.righe.iter().filter(|r| r.misura == m).map(|r| r.valore).sum()
}

#[test]
fn numbers_as_inps_and_italian_spreadsheets_write_them() {
    let n = |s: &str, semi: bool| parse_number(s, semi).unwrap();
    assert_eq!(n("15785.0", false), Some(15_785 * MICRO));
    assert_eq!(n("13.0", false), Some(13 * MICRO));
    assert_eq!(n("1.234,5", true), Some(1_234 * MICRO + 500_000));
    assert_eq!(n("1.234.567", true), Some(1_234_567 * MICRO));
    assert_eq!(n("1.234", true), Some(1_234 * MICRO));
    assert_eq!(n("1.234", false), Some(MICRO + 234_000));
    assert_eq!(n("0,25", true), Some(250_000));
    assert_eq!(n("42", false), Some(42 * MICRO));
    for none in ["", " ", ".", "-"] {
        assert_eq!(n(none, true), None);
    }
    for bad in ["1,2,3", "12.34.5", "abc", "-5", "1e5", "1.2345678", "1.23,4"] {
        assert!(parse_number(bad, true).is_err(), "{bad}");
    }
}

#[test]
fn format_a_with_bom_crlf_and_inps_region_spellings() {
    let text = "\u{feff}Anno,gestione_fondi,Regione,Mese,Ramo di attività,totale_ore_autorizzate\r\n\
        2023,FIS,Piemonte,Gennaio,Industria,15785.0\r\n\
        2023,FIS,Piemonte,Gennaio,Commercio,106108.0\r\n\
        2023,Altri fondi,Trentino-Alto-Adige,Febbraio,Credito,250.0\r\n\
        2024,FIS,Valle d'Aosta/Vallee d'Aoste,Luglio,ex Enti Pubblici,7.0\r\n";
    let f = read("a.csv", text.as_bytes(), None).unwrap();
    assert_eq!(f.formato, CigFormat::A);
    assert_eq!((f.record, f.righe.len(), f.celle_vuote), (4, 4, 0));
    assert_eq!(f.totali[&Misura::OreAutorizzate], 122_150 * MICRO);
    assert_eq!(total(&f, Misura::OreAutorizzate), 122_150 * MICRO);
    let r = &f.righe[2];
    assert_eq!(
        (r.anno, r.mese, r.territorio.as_str(), r.livello),
        (2023, 2, "04", Livello::Regione)
    );
    assert_eq!(
        (r.tipo_intervento.as_str(), r.settore.as_str(), r.riga),
        ("ALTRI_FONDI", "CREDITO", 4)
    );
    assert_eq!(f.righe[3].territorio, "02");
    assert_eq!(f.righe[3].settore, "EX_ENTI_PUBBLICI");
}

#[test]
fn format_b_alphabetical_months_upper_snake_regions() {
    let text = "Anno,Mese,Tipo_intervento,Regione,numero_lavoratori\r\n\
        2023,Agosto,CIGD,ABRUZZO,13.0\r\n\
        2023,Agosto,CIGD,CALABRIA,13.0\r\n\
        2023,Aprile,FONDI_Centrali,VALLE_D'AOSTA,2.0\r\n\
        2023,Dicembre,FONDI_Territorio,TRENTINO_ALTO_ADIGE,,\r\n";
    // The last line has one field too many: refused, with its line.
    let err = read("b.csv", text.as_bytes(), None).unwrap_err().to_string();
    assert!(err.contains("b.csv, line 5"), "{err}");
    let text = text.replace(",,\r\n", ",\r\n");
    let f = read("b.csv", text.as_bytes(), None).unwrap();
    assert_eq!(f.formato, CigFormat::B);
    assert_eq!((f.record, f.righe.len(), f.celle_vuote), (4, 3, 1));
    assert_eq!(f.totali[&Misura::Lavoratori], 28 * MICRO);
    let months: Vec<u32> = f.righe.iter().map(|r| r.mese).collect();
    assert_eq!(months, [8, 8, 4]);
    assert!(f
        .righe
        .iter()
        .all(|r| r.misura == Misura::Lavoratori && r.settore == SETTORE_NON_DISTINTO));
    assert_eq!(f.righe[2].territorio, "02");
    assert_eq!(f.righe[2].tipo_intervento, "FONDI_CENTRALI");
    for (header, m) in [
        ("numero_domande", Misura::Domande),
        ("numero_mensilita", Misura::Mensilita),
    ] {
        let t = format!("Anno,Mese,Tipo_intervento,Regione,{header}\n2023,Maggio,CIGO,LAZIO,5.0\n");
        assert_eq!(read("b.csv", t.as_bytes(), None).unwrap().righe[0].misura, m);
    }
}

#[test]
fn every_documented_inps_spelling_has_a_code() {
    let r = Reference::get();
    let a = "Abruzzo, Basilicata, Calabria, Campania, Emilia-Romagna, Friuli-Venezia Giulia, Lazio, Liguria, \
        Lombardia, Marche, Molise, Piemonte, Puglia, Sardegna, Sicilia, Toscana, Trentino-Alto-Adige, Umbria, \
        Valle d'Aosta/Vallee d'Aoste, Veneto";
    let b = "ABRUZZO, BASILICATA, CALABRIA, CAMPANIA, EMILIA_ROMAGNA, FRIULI_VENEZIA_GIULIA, LAZIO, LIGURIA, \
        LOMBARDIA, MARCHE, MOLISE, PIEMONTE, PUGLIA, SARDEGNA, SICILIA, TOSCANA, TRENTINO_ALTO_ADIGE, UMBRIA, \
        VALLE_D'AOSTA, VENETO";
    for list in [a, b] {
        let codes: BTreeSet<&str> = list
            .split(", ")
            .map(|g| r.inps_regione(g).unwrap_or_else(|| panic!("{g}")))
            .collect();
        assert_eq!(codes.len(), 20, "{list}");
    }
    for g in [
        "VAL D'AOSTA",
        "EMILIA ROMAGNA",
        "Trentino-Alto Adige/Südtirol",
        "Valle d'Aosta/Vallée d'Aoste",
    ] {
        assert!(r.inps_regione(g).is_some(), "{g}");
    }
    for g in [
        "Commercio",
        "Credito",
        "Industria",
        "ex Enti Pubblici",
        "Edilizia",
        "Artigianato",
        "Settori vari",
    ] {
        assert!(r.inps_settore(g).is_some(), "{g}");
    }
    for g in [
        "FIS",
        "Altri fondi",
        "CIGO",
        "CIGS",
        "CIGD",
        "FONDI_Centrali",
        "FONDI_Territorio",
    ] {
        assert!(r.inps_intervento(g).is_some(), "{g}");
    }
    let mesi = "Gennaio Febbraio Marzo Aprile Maggio Giugno Luglio Agosto Settembre Ottobre Novembre Dicembre";
    let got: Vec<u32> = mesi.split(' ').map(|m| r.mese(m).unwrap()).collect();
    assert_eq!(got, (1..=12).collect::<Vec<_>>());
}

#[test]
fn classic_long_semicolon_italian_numbers_provinces() {
    let text = "anno;mese;provincia;settore;tipo_intervento;ore_autorizzate\n\
        2019;gennaio;PR;Industria;Ordinaria;66.412\n\
        2019;01;Parma;Edilizia;CIGO;1.234,5\n\
        2019;2;034;Industria;In deroga;.\n\
        2019;Febbraio;Italia;Commercio;CIGS;10\n";
    let f = read("c.csv", text.as_bytes(), None).unwrap();
    assert_eq!(f.formato, CigFormat::Classica);
    assert_eq!((f.record, f.righe.len(), f.celle_vuote), (4, 3, 1));
    assert_eq!(
        f.totali[&Misura::OreAutorizzate],
        66_412 * MICRO + 1_234 * MICRO + 500_000 + 10 * MICRO
    );
    assert_eq!(
        (f.righe[0].territorio.as_str(), f.righe[0].livello),
        ("034", Livello::Provincia)
    );
    assert_eq!(f.righe[1].territorio, "034");
    assert_eq!(
        (f.righe[2].territorio.as_str(), f.righe[2].livello),
        ("IT", Livello::Italia)
    );
}

#[test]
fn classic_wide_by_month_and_by_intervention() {
    let text = "Anno;Provincia;Settore;Tipo intervento;Gennaio;Febbraio;Marzo\r\n\
        2020;PO;Industria;CIGO;1.000;;2.500,5\r\n\
        2020;PO;Edilizia;CIGO;-;300;\r\n";
    let f = read("w.csv", text.as_bytes(), None).unwrap();
    assert_eq!((f.record, f.righe.len(), f.celle_vuote), (2, 3, 3));
    assert_eq!(f.totali[&Misura::OreAutorizzate], 3_800 * MICRO + 500_000);
    let months: Vec<(u32, &str)> = f.righe.iter().map(|r| (r.mese, r.settore.as_str())).collect();
    assert_eq!(months, [(1, "INDUSTRIA"), (3, "INDUSTRIA"), (2, "EDILIZIA")]);
    let text = "anno,mese,regione,settore,CIGO,CIGS,CIGD\n2019,3,Toscana,Industria,66412,37440,3920\n";
    let f = read("t.csv", text.as_bytes(), Some(CigFormat::Classica)).unwrap();
    let tipi: Vec<&str> = f.righe.iter().map(|r| r.tipo_intervento.as_str()).collect();
    assert_eq!(tipi, ["CIGO", "CIGS", "CIGD"]);
    assert_eq!(total(&f, Misura::OreAutorizzate), 107_772 * MICRO);
}

#[test]
fn unknown_layout_names_the_columns_it_saw() {
    let err = read("x.csv", b"Year,Region,Hours\n2023,Lazio,5\n", None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("x.csv: not a known layout") && err.contains("\"Year\", \"Region\", \"Hours\""),
        "{err}"
    );
    let a = "Anno,gestione_fondi,Regione,Mese,Ramo di attività,totale_ore_autorizzate\n2023,FIS,Lazio,Maggio,Industria,1.0\n";
    let err = read("a.csv", a.as_bytes(), Some(CigFormat::B)).unwrap_err().to_string();
    assert!(
        err.contains("not format inps_integrazioni_salariali") && err.contains("gestione_fondi"),
        "{err}"
    );
}

#[test]
fn unmapped_spellings_are_all_listed_and_bad_cells_named() {
    let text = "Anno,gestione_fondi,Regione,Mese,Ramo di attività,totale_ore_autorizzate\n\
        2023,FIS,Padania,Gennaio,Industria,1.0\n\
        2023,FIS,Lazio,Gennnaio,Pesca,1.0\n\
        2023,FIS,Atlantide,Gennaio,Industria,2.0\n";
    let err = read("a.csv", text.as_bytes(), None).unwrap_err().to_string();
    for want in [
        "Regione: 'Atlantide', 'Padania'",
        "Mese: 'Gennnaio'",
        "Ramo di attività: 'Pesca'",
    ] {
        assert!(err.contains(want), "{want}: {err}");
    }
    let text = "Anno,Mese,Tipo_intervento,Regione,numero_domande\n2023,Maggio,CIGO,LAZIO,tre\n2023,Maggio,CIGO,LAZIO,3\n2023,Maggio,CIGO,LAZIO,4\n";
    let err = read("b.csv", text.as_bytes(), None).unwrap_err().to_string();
    assert!(err.contains("line 2: numero_domande: 'tre' is not a number"), "{err}");
    assert!(
        err.contains("line 4: the same anno, mese, territorio, settore and tipo intervento as line 3"),
        "{err}"
    );
}

#[test]
fn latin1_typographic_apostrophes_quotes_and_total_rows() {
    // Saved by a spreadsheet in Windows-1252: `à` is one byte, the apostrophe is `’` (0x92).
    let mut bytes = b"Anno;gestione_fondi;Regione;Mese;Ramo di attivit\xe0;totale_ore_autorizzate\r\n".to_vec();
    bytes.extend_from_slice(b"2023;FIS;\"Valle d\x92Aosta\";Marzo;Commercio;\"1.234,5\"\r\n");
    let f = read("l.csv", &bytes, None).unwrap();
    assert_eq!(f.formato, CigFormat::A);
    assert_eq!(
        (f.righe[0].territorio.as_str(), f.righe[0].valore),
        ("02", 1_234 * MICRO + 500_000)
    );
    // A total row has no code: the file is refused, the row's value named.
    let text = "anno;mese;provincia;settore;tipo_intervento;ore_autorizzate\n2019;1;PR;Industria;CIGO;5\n2019;1;PR;Totale;CIGO;5\n";
    let err = read("t.csv", text.as_bytes(), None).unwrap_err().to_string();
    assert!(err.contains("settore: 'Totale'"), "{err}");
    assert!(read("e.csv", b"", None)
        .unwrap_err()
        .to_string()
        .contains("e.csv: empty file"));
}
