//! Validation rules, one defect at a time on a hand-made record.

use super::*;
use crate::model::RawCo;
use crate::privacy::{Key, KeySource};

fn pseudo() -> Pseudonymizer {
    Pseudonymizer::new(&Key::from_text(&"ab".repeat(32), KeySource::Env).unwrap())
}

/// A valid UNILAV avviamento: TD in Prato, Italian worker born 10/12/1985.
pub(crate) fn base() -> RawCo {
    let mut c = RawCo::default();
    let set = |c: &mut RawCo, f: F, v: &str| c.set(f, v);
    set(&mut c, F::CodiceComunicazione, "1700000000000001");
    set(&mut c, F::TipoComunicazione, "01");
    set(&mut c, F::DataInvio, "2024-03-03T10:00:00");
    set(&mut c, F::TipoEvento, "ASS");
    set(&mut c, F::TipoModulo, "UL");
    set(&mut c, F::DatoreCodiceFiscale, "00743110157");
    set(&mut c, F::DatoreDenominazione, "Tessitura Esempio srl");
    set(&mut c, F::DatoreSettore, "13.20.00");
    set(&mut c, F::SedeLavoroComune, "G999");
    set(&mut c, F::SedeLavoroIndirizzo, "Via Roma 1");
    set(&mut c, F::LavoratoreCodiceFiscale, "RSSMRA85T10A562S");
    set(&mut c, F::LavoratoreCognome, "Rossi");
    set(&mut c, F::LavoratoreNome, "Mario");
    set(&mut c, F::LavoratoreNascitaData, "1985-12-10");
    set(&mut c, F::LavoratoreNascitaComune, "G999");
    set(&mut c, F::LavoratoreCittadinanza, "000");
    set(&mut c, F::LavoratoreDomicilioComune, "F572");
    set(&mut c, F::LavoratoreLivelloIstruzione, "4");
    set(&mut c, F::DataInizio, "2024-03-04");
    set(&mut c, F::DataFine, "2024-06-30");
    set(&mut c, F::TipologiaContrattuale, "A.02.00");
    set(&mut c, F::TipoOrario, "P");
    set(&mut c, F::OreSettimanaliMedie, "20");
    c
}

fn motivo_of(c: &RawCo) -> Option<(Motivo, Option<&'static str>)> {
    validate(&c.view(), &mut pseudo()).err().map(|r| (r.motivo, r.campo))
}

#[test]
fn valid_record_derives_attributes() {
    let c = base();
    let v = validate(&c.view(), &mut pseudo()).expect("valid");
    assert_eq!(v.evento, Evento::Ass);
    assert_eq!(v.sesso, Some("M"));
    assert_eq!(v.anno_nascita, Some(1985));
    assert_eq!(v.classe_eta, Some("35-44")); // 38 on 2024-03-04
    assert_eq!(v.nato_estero, Some(false));
    assert_eq!(v.area_cittadinanza, Some("ITALIA"));
    assert_eq!(v.comune_lavoro, Some("100005"));
    assert_eq!(v.provincia, Some("PO"));
    assert_eq!(v.regione, Some("09"));
    assert_eq!(v.comune_domicilio, Some("100003"));
    assert_eq!(v.ateco_sezione, Some("C"));
    assert_eq!(v.ateco_divisione, Some("13"));
    assert_eq!(v.macro_contratto, Some("TD"));
    assert_eq!(v.ore_settimanali, Some(20.0));
    assert_eq!(v.anno(), 2024);
    assert!(v.cpi.as_deref().is_some_and(|c| !c.is_empty()));
}

#[test]
fn each_defect_gives_its_reason() {
    let cases: Vec<(F, &str, Motivo)> = vec![
        (
            F::LavoratoreCodiceFiscale,
            "RSSMRA85T10A562T",
            Motivo::CfLavoratoreCarattereControllo,
        ),
        (
            F::LavoratoreCodiceFiscale,
            "RSSMRA85T10A562",
            Motivo::CfLavoratoreFormato,
        ),
        (
            F::LavoratoreCodiceFiscale,
            "RSSMR485T10A562S",
            Motivo::CfLavoratoreFormato,
        ),
        (F::LavoratoreCodiceFiscale, "", Motivo::CampoMancante),
        (F::DatoreCodiceFiscale, "00743110158", Motivo::CfDatoreNonValido),
        (F::TipologiaContrattuale, "A.99.99", Motivo::CodiceSconosciuto),
        (F::TipologiaContrattuale, "A.03.02", Motivo::CodiceNonValidoAllaData),
        (F::DatoreSettore, "99.99.99", Motivo::CodiceSconosciuto),
        (F::SedeLavoroComune, "Q999", Motivo::CodiceSconosciuto),
        (F::LavoratoreCittadinanza, "123456", Motivo::CodiceSconosciuto),
        (F::DataInizio, "2023-02-30", Motivo::DataNonValida),
        (F::DataInizio, "2024-13-01", Motivo::DataNonValida),
        (F::DataInvio, "ieri", Motivo::DataNonValida),
        (F::DataFine, "2024-01-01", Motivo::DateIncoerenti),
        (F::CodiceComunicazione, "17-0001", Motivo::CodiceComunicazioneNonValido),
        (F::TipoEvento, "XYZ", Motivo::CodiceSconosciuto),
        (F::TipoComunicazione, "77", Motivo::CodiceSconosciuto),
        (F::TipoOrario, "Q", Motivo::CodiceSconosciuto),
    ];
    for (f, v, want) in cases {
        let mut c = base();
        c.set(f, v);
        let got = motivo_of(&c);
        assert_eq!(got.map(|g| g.0), Some(want), "{} = {v:?}", f.name());
        assert_eq!(got.and_then(|g| g.1), Some(f.name()), "{} = {v:?}", f.name());
    }
}

#[test]
fn event_specific_fields_are_required() {
    let mut c = base();
    c.set(F::TipoEvento, "CES");
    assert_eq!(motivo_of(&c).map(|m| m.0), Some(Motivo::CampoMancante));
    c.set(F::DataCessazione, "2024-03-03");
    assert_eq!(motivo_of(&c).map(|m| m.0), Some(Motivo::DateIncoerenti));
    c.set(F::DataCessazione, "2024-03-04"); // a cessazione on the day of the hire is legal
    c.set(F::CodiceCausaCessazione, "ZZ");
    let v = validate(&c.view(), &mut pseudo()).unwrap();
    assert_eq!(v.data_evento.to_string(), "2024-03-04");
    assert_eq!(v.macro_causa_cessazione, Some("NON_CLASSIFICATA"));

    let mut r = base();
    r.set(F::TipoComunicazione, "03");
    assert_eq!(motivo_of(&r).map(|m| m.0), Some(Motivo::CampoMancante));
    r.set(F::CodiceComunicazionePrecedente, "1700000000000000");
    assert!(validate(&r.view(), &mut pseudo()).unwrap().is_correction());
}

#[test]
fn expired_code_is_judged_at_the_start_date() {
    // A.03.02 was valid until 2012-04-25: a cessazione in 2024 of a 2010 relationship is fine.
    let mut c = base();
    c.set(F::TipologiaContrattuale, "A.03.02");
    c.set(F::DataInizio, "2010-05-01");
    c.set(F::DataFine, "");
    c.set(F::TipoEvento, "CES");
    c.set(F::DataCessazione, "2024-01-31");
    let v = validate(&c.view(), &mut pseudo()).expect("valid");
    assert_eq!(v.macro_contratto, Some("APPRENDISTATO"));
    assert_eq!(v.anno(), 2024);
}

#[test]
fn omocodic_variants_get_the_same_pseudonym() {
    let mut p = pseudo();
    let a = base();
    let mut b = base();
    b.set(F::LavoratoreCodiceFiscale, cf::omocode_variant("RSSMRA85T10A562S", 3));
    let va = validate(&a.view(), &mut p).unwrap();
    let vb = validate(&b.view(), &mut p).unwrap();
    assert_eq!(va.id_lavoratore, vb.id_lavoratore);
    assert!(vb.cf_omocodico && !va.cf_omocodico);
}

#[test]
fn sex_and_birth_come_from_the_cf_when_absent() {
    let mut c = base();
    // Female, born abroad (India, Z222), 1999-01-05: RSSMRA99A45Z222?
    let mut cf15 = b"RSSMRA99A45Z222".to_vec();
    cf15.push(cf::check_char(&cf15).unwrap());
    c.set(F::LavoratoreCodiceFiscale, std::str::from_utf8(&cf15).unwrap());
    c.set(F::LavoratoreNascitaData, "");
    c.set(F::LavoratoreNascitaComune, "Z222");
    c.set(F::LavoratoreCittadinanza, "330");
    let v = validate(&c.view(), &mut pseudo()).unwrap();
    assert_eq!(
        (v.sesso, v.anno_nascita, v.nato_estero),
        (Some("F"), Some(1999), Some(true))
    );
    assert_eq!(v.area_cittadinanza, Some("EXTRA_UE"));
    assert_eq!(v.classe_eta, Some("25-34"));
}

#[test]
fn redaction_removes_personal_fields() {
    let c = base();
    let r = redact(&c.view());
    for secret in [
        "RSSMRA85T10A562S",
        "Rossi",
        "Mario",
        "Via Roma",
        "00743110157",
        "Tessitura",
    ] {
        assert!(!r.contains(secret), "{secret} in {r}");
    }
    assert!(r.contains("A.02.00") && r.contains("G999"));
    let x = redact_xml_text(
        "<A cognome=\"Rossi\" codice-fiscale=\"RSSMRA85T10A562S\"><Indirizzo>Via Roma 1</Indirizzo> RSSMRA85T10A562S",
    );
    assert!(
        !x.contains("Rossi") && !x.contains("RSSMRA85T10A562S") && !x.contains("Via Roma"),
        "{x}"
    );
    // Birth date and place, a lowercase CF, a partita IVA in free text.
    let x = redact_xml_text(
        "<ns:nascita comune=\"H501\" data=\"1985-12-10\"/><Ccnl>rssmra85t10a562s</Ccnl><Note>p.iva 00743110157</Note>",
    );
    for secret in ["H501", "1985-12-10", "rssmra85t10a562s", "00743110157"] {
        assert!(!x.contains(secret), "{secret} in {x}");
    }
    assert!(x.contains("<ns:nascita comune=\"***\" data=\"***\"/>"), "{x}");
    // Single quotes, text nodes, an unbalanced quote: nothing of the values survives.
    let x = redact_xml_text("<Lavoratore cognome='Rossi' nome = \"Mario\"><Nome>Mario</Nome><x a='Ro");
    assert_eq!(x, "<Lavoratore cognome='***' nome = \"***\"><Nome>***</Nome><x a='***");
    // A value whose quotes were lost, and an identifier where a tag name should be.
    let x = redact_xml_text("<Lavoratore codiceFiscale=RSSMRA85T10A562S nome=Mario/><RSSMRA85T10A562S>");
    assert_eq!(x, "<Lavoratore codiceFiscale=*** nome=***/><***>");
}

#[test]
fn codes_shaped_like_identifiers_are_not_codes() {
    assert!(check_code_shape("1700000000000002").is_ok());
    assert!(check_code_shape("L4a1b2c000000017").is_ok());
    let e = check_code_shape("RSSMRA85T10A562S").unwrap_err();
    assert!(e.contains("codice fiscale") && !e.contains("RSSMRA"), "{e}");
    let e = check_code_shape("12345670553").unwrap_err();
    assert!(!e.contains("12345670553"), "{e}");
    assert_eq!(ore_settimanali("38,5"), Some(38.5));
    assert_eq!(ore_settimanali("12345670553"), None);
    assert_eq!(ore_settimanali("-3"), None);
}

#[test]
fn values_without_the_shape_of_a_code_are_dropped_from_an_accepted_record() {
    let mut c = base();
    c.set(F::Ccnl, "Mario Rossi");
    c.set(F::QualificaProfessionale, "Via Roma 3");
    c.set(F::EntePrevidenziale, "rssmra85t10a562s");
    let v = validate(&c.view(), &mut pseudo()).unwrap();
    assert_eq!(
        (v.ccnl, v.qualifica_professionale, v.ente_previdenziale),
        (None, None, None)
    );
    let dropped: Vec<&str> = v.campi_scartati().map(|(c, _)| c.nome()).collect();
    assert_eq!(dropped, ["ccnl", "qualifica_professionale", "ente_previdenziale"]);
    let mut c = base();
    c.set(F::Ccnl, " 001 ");
    c.set(F::QualificaProfessionale, "5.1.2.2.0");
    c.set(F::EntePrevidenziale, "01");
    c.set(F::LavoratoreLivelloIstruzione, "04");
    let v = validate(&c.view(), &mut pseudo()).unwrap();
    assert_eq!(
        (v.ccnl, v.qualifica_professionale, v.ente_previdenziale),
        (Some("001"), Some("5.1.2.2.0"), Some("01"))
    );
    assert_eq!(v.livello_istruzione, Some("4"), "the code as the list writes it");
    assert_eq!(v.scartati, 0);
}

#[test]
fn a_value_not_valid_for_its_field_is_redacted_to_its_shape() {
    let mut c = base();
    c.set(F::LavoratoreCittadinanza, "Mario Rossi");
    c.set(F::Ccnl, "10/12/1985");
    c.set(F::SedeLavoroComune, "Via Roma 3; int. 2");
    c.set(F::DataFine, "31/02/2024");
    let r = redact(&c.view());
    for secret in ["Mario", "Rossi", "1985", "Roma", "31/02"] {
        assert!(!r.contains(secret), "{secret} in {r}");
    }
    for shown in [
        "Aaaaa Aaaaa",
        "99/99/9999",
        "\"Aaa Aaaa 9; aaa. 9\"",
        "A.02.00",
        "13.20.00",
        "F572",
        ";4;",
    ] {
        assert!(r.contains(shown), "{shown} not in {r}");
    }
    let e = validate(&c.view(), &mut pseudo()).unwrap_err();
    assert!(
        !e.dettaglio.contains("31/02") && e.dettaglio.contains("'99/99/9999'"),
        "{e:?}"
    );
}
