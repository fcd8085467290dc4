//! Lookups by code and by label, on the embedded data: the documented behaviour of each
//! accessor (cases, padding, validity, aliases).

use crate::reference::embedded::ymd;
use crate::reference::*;
use chrono::NaiveDate;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    ymd(y, m, day)
}

fn r() -> &'static Reference {
    Reference::get()
}

fn valid<T>(c: CodeCheck<T>) -> Option<T> {
    match c {
        CodeCheck::Valid(t) => Some(t),
        _ => None,
    }
}

fn not_valid<T>(c: CodeCheck<T>) -> Option<T> {
    match c {
        CodeCheck::NotValidAtDate(t) => Some(t),
        _ => None,
    }
}

#[test]
fn reference_embedded_files_load() {
    let r = Reference::load();
    assert!(r.is_ok(), "{:#}", r.err().map(|e| e.to_string()).unwrap_or_default());
}

#[test]
fn reference_row_counts_match_readme() {
    let r = r();
    assert_eq!(r.comuni().len(), 7_901);
    // 10,407 ANPAL rows, of which those sharing a Belfiore code with ISTAT are merged.
    let shared = 10_407 - r.comuni_soppressi().len();
    assert_eq!(shared, 7_901 - 14 + 3, "ISTAT comuni found in the ANPAL table");
    assert_eq!(r.province().len(), 107);
    assert_eq!(r.regioni().len(), 20);
    assert_eq!(r.ateco_all().len(), 2_220);
    assert_eq!(r.ateco_sottocategorie().len(), 1_224);
    let per_level = |l: u8| r.ateco_all().iter().filter(|a| a.livello == l).count();
    assert_eq!(
        [per_level(0), per_level(1), per_level(2), per_level(3)],
        [21, 88, 272, 615]
    );
    assert_eq!(r.cittadinanze().len(), 199);
    assert_eq!(
        r.cittadinanze()
            .iter()
            .filter(|c| c.area == AreaCittadinanza::Ue)
            .count(),
        27
    );
    assert_eq!(r.tipologie().len(), 52);
    assert_eq!(r.tipologie().iter().filter(|t| t.validity.to.is_none()).count(), 19);
    assert_eq!(
        (0..=12).filter(|n| r.livello_studio(&n.to_string()).is_some()).count(),
        13
    );
    assert_eq!(r.trasformazioni().len(), 11);
    assert_eq!(r.comuni().iter().filter(|c| c.capoluogo).count(), 109);
}

#[test]
fn reference_comuni_prato_pistoia() {
    let r = r();
    let prato = valid(r.comune("G999", d(2024, 1, 1))).expect("Prato valid in 2024");
    assert_eq!(
        (
            prato.istat.as_str(),
            prato.nome.as_str(),
            prato.provincia_istat.as_str(),
            prato.sigla.as_str()
        ),
        ("100005", "Prato", "100", "PO")
    );
    assert_eq!(prato.regione_istat, "09");
    assert!(prato.capoluogo);
    assert!(valid(r.comune("g999", d(2009, 5, 1))).is_some(), "lower case accepted");
    assert!(valid(r.comune(" G999 ", d(2009, 5, 1))).is_some(), "blanks ignored");
    assert_eq!(r.comune_any("F572").map(|c| c.nome.as_str()), Some("Montemurlo"));
    assert_eq!(r.comune_any("F572").map(|c| c.istat.as_str()), Some("100003"));
    assert_eq!(r.comune_any("B626").map(|c| c.nome.as_str()), Some("Cantagallo"));
    let pistoia = r.comune_any("G713").expect("Pistoia");
    assert_eq!(
        (
            pistoia.istat.as_str(),
            pistoia.provincia_istat.as_str(),
            pistoia.sigla.as_str()
        ),
        ("047014", "047", "PT")
    );
    assert_eq!(r.comune_any("D612").map(|c| c.istat.as_str()), Some("048017"));
    assert_eq!(r.comune_any("H501").map(|c| c.sigla.as_str()), Some("RM"));
    assert_eq!(r.comune_by_istat("100005").map(|c| c.belfiore.as_str()), Some("G999"));
    assert_eq!(r.comune_by_istat("47014").map(|c| c.belfiore.as_str()), Some("G713"));
    assert_eq!(r.comune_by_istat("1001").map(|c| c.nome.as_str()), Some("Agliè"));
    // Windows-1252 names decoded correctly.
    assert!(r.comuni().iter().any(|c| c.nome == "San Floriano del Collio"));
    assert!(r.comuni().iter().any(|c| c.nome.contains("Aurisina")));
    assert!(r.comune_any("A074").is_some_and(|c| c.nome == "Agliè"));

    let po = r.provincia("PO").expect("PO");
    let comuni_po = r.comuni_of_province(po);
    assert_eq!(comuni_po.len(), 7);
    assert_eq!(comuni_po.first().map(|c| c.nome.as_str()), Some("Cantagallo"));
    assert!(comuni_po.windows(2).all(|w| w[0].istat < w[1].istat));
    assert_eq!(r.comuni_of_province(r.provincia("PT").expect("PT")).len(), 20);
    assert_eq!(r.comuni_of_province(r.provincia("FI").expect("FI")).len(), 41);
    assert_eq!(r.provincia_of(prato).map(|p| p.sigla.as_str()), Some("PO"));
}

#[test]
fn reference_comuni_validity() {
    let r = r();
    // Unknown code.
    assert_eq!(r.comune("Z999", d(2024, 1, 1)), CodeCheck::Unknown);
    assert_eq!(r.comune("", d(2024, 1, 1)), CodeCheck::Unknown);
    // ANPAL open-ended, absent from ISTAT 2023: Lu, merged into Lu e Cuccaro Monferrato
    // on 2019-02-01 (reference/oml/comuni_soppressi.csv).
    let lu = not_valid(r.comune("E712", d(2024, 1, 1))).expect("Lu suppressed by 2024");
    assert_eq!(
        (lu.nome.as_str(), lu.sigla.as_str(), lu.istat.as_str()),
        ("LU", "AL", "006089")
    );
    assert!(valid(r.comune("E712", d(2018, 6, 1))).is_some());
    assert!(valid(r.comune("E712", d(2019, 1, 31))).is_some());
    assert!(not_valid(r.comune("E712", d(2019, 2, 1))).is_some());
    assert!(valid(r.comune("M420", d(2019, 2, 1))).is_some(), "successor open");
    // Vendrogno until 2019-12-31.
    assert!(valid(r.comune("L731", d(2019, 12, 31))).is_some());
    assert!(not_valid(r.comune("L731", d(2020, 1, 1))).is_some());
    // Real ANPAL end date: Abetone, merged into Abetone Cutigliano on 2017-02-28 (ANPAL
    // keeps a one-day overlap).
    assert!(valid(r.comune("A012", d(2017, 2, 28))).is_some());
    assert!(not_valid(r.comune("A012", d(2017, 3, 1))).is_some());
    let ac = r.comune_any("M376").expect("Abetone Cutigliano");
    assert_eq!(ac.validity.from, Some(d(2017, 2, 28)));
    assert!(not_valid(r.comune("M376", d(2016, 12, 31))).is_some());
    assert!(valid(r.comune("M376", d(2024, 1, 1))).is_some());
    // Sentinel-closed: suppressed before 2000.
    let abbadia = r.comune_any("A002").expect("A002");
    assert_eq!(
        abbadia.validity,
        Validity {
            from: None,
            to: Some(d(1999, 12, 31))
        }
    );
    assert!(valid(r.comune("A002", d(1990, 1, 1))).is_some());
    assert!(not_valid(r.comune("A002", d(2000, 1, 1))).is_some());
    // ANPAL closes these, ISTAT 2023 has them: ISTAT wins.
    for bf in ["H883", "I783", "M316"] {
        assert!(valid(r.comune(bf, d(2024, 1, 1))).is_some(), "{bf}");
    }
    // Sentinel start never invalidates a current comune; Busnago's re-registration neither.
    assert_eq!(r.comune_any("G999").map(|c| c.validity), Some(Validity::default()));
    assert!(valid(r.comune("B289", d(2009, 1, 1))).is_some());
    // Every current comune is open-ended; every suppressed one has an end.
    assert!(r.comuni().iter().all(|c| c.validity.to.is_none()));
    assert!(r.comuni_soppressi().iter().all(|c| c.validity.to.is_some()));
    // ISTAT codes of suppressed comuni and older codes of current ones.
    assert_eq!(r.comune_by_istat("006089").map(|c| c.belfiore.as_str()), Some("E712"));
    assert_eq!(
        r.comune_by_istat("041033").map(|c| c.istat.as_str()),
        Some("099030"),
        "Montecopiolo"
    );
}

#[test]
fn reference_province_regioni() {
    let r = r();
    let su = r.provincia("SU").expect("SU");
    assert_eq!(
        (su.istat.as_str(), su.nome.as_str(), su.regione_istat.as_str()),
        ("111", "Sud Sardegna", "20")
    );
    assert_eq!(r.provincia("po").map(|p| p.istat.as_str()), Some("100"));
    assert_eq!(r.provincia("100").map(|p| p.sigla.as_str()), Some("PO"));
    assert_eq!(r.provincia("47").map(|p| p.sigla.as_str()), Some("PT"));
    assert_eq!(r.provincia("047").map(|p| p.nome.as_str()), Some("Pistoia"));
    assert_eq!(r.provincia("248").map(|p| p.sigla.as_str()), Some("FI"), "UTS code");
    assert_eq!(r.provincia("PRATO").map(|p| p.sigla.as_str()), Some("PO"));
    assert_eq!(r.provincia("Prato").map(|p| p.sigla.as_str()), Some("PO"));
    assert_eq!(r.provincia("Reggio nell'Emilia").map(|p| p.sigla.as_str()), Some("RE"));
    assert_eq!(r.provincia("REGGIO EMILIA").map(|p| p.sigla.as_str()), Some("RE"));
    assert_eq!(r.provincia("MASSA CARRARA").map(|p| p.sigla.as_str()), Some("MS"));
    assert_eq!(r.provincia("Bolzano").map(|p| p.sigla.as_str()), Some("BZ"));
    assert_eq!(r.provincia("FORLÌ E CESENA").map(|p| p.sigla.as_str()), Some("FC"));
    assert_eq!(r.provincia("Milano").map(|p| p.istat.as_str()), Some("015"));
    assert!(r.provincia("OT").is_none(), "suppressed Sardinian province");
    assert!(r.provincia("").is_none());
    assert!(r.province().windows(2).all(|w| w[0].istat < w[1].istat));

    let toscana = r.regione("09").expect("09");
    assert_eq!((toscana.nome.as_str(), toscana.mlps.as_str()), ("Toscana", "17"));
    assert_eq!(r.regione("9").map(|g| g.mlps.as_str()), Some("17"));
    assert_eq!(r.regione("04").map(|g| g.mlps.as_str()), Some(""));
    assert_eq!(r.regione("13").map(|g| g.mlps.as_str()), Some("01"));
    assert!(r.regione("00").is_none());
}

#[test]
fn reference_tipologie() {
    let r = r();
    let td = valid(r.tipologia("A.02.00", d(2024, 1, 1))).expect("A.02.00");
    assert_eq!(td.macro_classe, MacroContratto::Td);
    assert!(not_valid(r.tipologia("A.03.02", d(2020, 1, 1))).is_some());
    assert!(valid(r.tipologia("A.03.02", d(2010, 1, 1))).is_some());
    assert!(
        valid(r.tipologia("A.04.02", d(2013, 1, 10))).is_some(),
        "start inclusive"
    );
    assert!(not_valid(r.tipologia("A.04.02", d(2013, 1, 9))).is_some());
    assert!(valid(r.tipologia("A.04.00", d(2013, 1, 10))).is_some(), "end inclusive");
    assert!(not_valid(r.tipologia("A.04.00", d(2013, 1, 11))).is_some());
    assert_eq!(r.tipologia("Z.99.99", d(2024, 1, 1)), CodeCheck::Unknown);
    assert!(valid(r.tipologia("a.01.00", d(2024, 1, 1))).is_some());
    assert_eq!(
        r.tipologia_any("A.02.01").map(|t| t.descrizione.as_str()),
        Some("LAVORO A TEMPO DETERMINATO  PER SOSTITUZIONE")
    );

    let day = d(2024, 1, 1);
    fn code(c: CodeCheck<&Tipologia>) -> Option<&str> {
        valid(c).map(|t| t.codice.as_str())
    }
    assert_eq!(
        code(r.tipologia_by_label("LAVORO A TEMPO DETERMINATO  PER SOSTITUZIONE", day)),
        Some("A.02.01")
    );
    assert_eq!(
        code(r.tipologia_by_label("Lavoro a tempo determinato per sostituzione", day)),
        Some("A.02.01")
    );
    assert_eq!(code(r.tipologia_by_label("LAVORO INTERMITTENTE", day)), Some("A.05.02"));
    assert_eq!(
        code(r.tipologia_by_label("LAVORO O ATTIVITÀ SOCIALMENTE UTILE (LSU - ASU)", day)),
        Some("C.03.00")
    );
    assert_eq!(
        code(r.tipologia_by_label("lavoro o attivita' socialmente utile (lsu-asu)", day)),
        Some("C.03.00")
    );
    let mob = "APPRENDISTATO PROFESSIONALIZZANTE O CONTRATTO DI MESTIERE PER LAVORATORI IN MOBILITA'";
    assert_eq!(code(r.tipologia_by_label(mob, d(2012, 6, 1))), Some("A.03.12"));
    assert!(not_valid(r.tipologia_by_label(mob, day)).is_some());
    // Regional wordings: aliases of reference/oml/etichette_contratto.csv.
    assert_eq!(
        code(r.tipologia_by_label("Lavoro a tempo indeterminato con piattaforma", day)),
        Some("A.01.00")
    );
    assert_eq!(
        code(r.tipologia_by_label("LAVORO INTERMITTENTE CON PIATTAFORMA", day)),
        Some("A.05.02")
    );
    assert_eq!(
        r.tipologia_by_label("Lavoro a cottimo su Marte", day),
        CodeCheck::Unknown
    );

    let mc = |c: &str| r.tipologia_any(c).map(|t| t.macro_classe);
    assert_eq!(mc("A.01.00"), Some(MacroContratto::Ti));
    assert_eq!(mc("A.02.00"), Some(MacroContratto::Td));
    assert_eq!(mc("A.03.09"), Some(MacroContratto::Apprendistato));
    assert_eq!(mc("A.05.02"), Some(MacroContratto::Intermittente));
    assert_eq!(mc("A.04.02"), Some(MacroContratto::Domestico));
    assert_eq!(mc("A.06.00"), Some(MacroContratto::Somministrazione));
    assert_eq!(mc("C.01.00"), Some(MacroContratto::Tirocinio));
    assert_eq!(mc("B.03.00"), Some(MacroContratto::Parasubordinato));
    assert_eq!(mc("C.03.00"), Some(MacroContratto::Altro));
    assert_eq!(mc("A.03.04"), Some(MacroContratto::Td));
    assert_eq!(mc("I.01.00"), Some(MacroContratto::Ti));
    assert_eq!(r.macro_contratto("A.09.00"), Some(MacroContratto::Altro));
    assert_eq!(r.macro_contratto("N.01.00"), Some(MacroContratto::Altro));
    assert!(r.tipologia_any("A.09.00").is_none());
    assert!(r
        .tipologie()
        .iter()
        .all(|t| r.macro_contratto(&t.codice) == Some(t.macro_classe)));
    for m in MacroContratto::ALL {
        assert_eq!(MacroContratto::from_code(m.code()), Some(m));
        assert!(r.tipologie().iter().any(|t| t.macro_classe == m), "{m:?} unused");
    }
}

#[test]
fn reference_ateco() {
    let r = r();
    let a = r.ateco("56.10.11").expect("56.10.11");
    assert_eq!((a.sezione.as_str(), a.divisione.as_str(), a.livello), ("I", "56", 4));
    assert_eq!(a.descrizione, "RISTORAZIONE CON SOMMINISTRAZIONE");
    assert_eq!(r.ateco("13.20.00").map(|a| a.sezione.as_str()), Some("C"));
    assert_eq!(r.ateco("132000").map(|a| a.codice.as_str()), Some("13.20.00"));
    assert_eq!(r.ateco("C").map(|a| (a.livello, a.divisione.as_str())), Some((0, "")));
    assert_eq!(r.ateco("c").map(|a| a.livello), Some(0));
    assert_eq!(r.ateco("13").map(|a| (a.livello, a.sezione.as_str())), Some((1, "C")));
    assert_eq!(r.ateco("13.2").map(|a| a.livello), Some(2));
    assert_eq!(r.ateco("13.20").map(|a| a.livello), Some(3));
    assert_eq!(r.ateco("1320").map(|a| a.codice.as_str()), Some("13.20"));
    assert!(r.ateco("99.99.99").is_none());
    assert!(r.ateco("").is_none());
    assert_eq!(
        r.ateco("85.41").map(|a| a.descrizione.as_str()),
        Some("ISTRUZIONE POST-SECONDARIA NON UNIVERSITARIA"),
        "leading space of the ANPAL label trimmed"
    );
    assert!(r.ateco_sottocategorie().iter().all(|a| a.livello == 4));
    assert!(r.ateco_sottocategorie().windows(2).all(|w| w[0].codice < w[1].codice));
    let code = |l: &str| r.ateco_by_label(l).map(|a| a.codice.as_str());
    assert_eq!(code("Ristorazione con somministrazione"), Some("56.10.11"));
    assert_eq!(code("RISTORAZIONE CON SOMMINISTRAZIONE"), Some("56.10.11"));
    assert_eq!(
        code("Tessitura"),
        Some("13.20.00"),
        "sottocategoria preferred over class"
    );
    assert_eq!(
        code("Pulizia generale (non specializzata) di edifici"),
        Some("81.21.00")
    );
    assert_eq!(code("attivita manifatturiere"), Some("C"));
    assert_eq!(code("nessuna attività del genere"), None);
}

#[test]
fn reference_cittadinanze() {
    let r = r();
    let day = d(2024, 1, 1);
    let it = valid(r.cittadinanza("000", day)).expect("000");
    assert_eq!(
        (it.descrizione.as_str(), it.area, it.cod_mf.as_str()),
        ("ITALIA", AreaCittadinanza::Italia, "0000")
    );
    assert_eq!(
        valid(r.cittadinanza("235", day)).map(|c| c.area),
        Some(AreaCittadinanza::Ue)
    );
    assert_eq!(
        valid(r.cittadinanza("330", day)).map(|c| c.area),
        Some(AreaCittadinanza::ExtraUe)
    );
    assert_eq!(
        valid(r.cittadinanza("999", day)).map(|c| c.area),
        Some(AreaCittadinanza::Apolide)
    );
    assert_eq!(valid(r.cittadinanza("0", day)).map(|c| c.codice.as_str()), Some("000"));
    assert!(
        not_valid(r.cittadinanza("224", day)).is_some(),
        "Serbia e Montenegro closed 2006"
    );
    assert!(valid(r.cittadinanza("224", d(2005, 1, 1))).is_some());
    assert_eq!(r.cittadinanza("123", day), CodeCheck::Unknown);
    assert_eq!(r.stato_estero("Z222").map(|c| c.descrizione.as_str()), Some("INDIA"));
    assert_eq!(r.stato_estero("z330").map(|c| c.codice.as_str()), Some("436"));
    assert!(r.stato_estero("").is_none());
    let by = |n: &str| r.cittadinanza_by_name(n).map(|c| c.codice.as_str());
    assert_eq!(by("ITALIA"), Some("000"));
    assert_eq!(by("Romania"), Some("235"));
    assert_eq!(by("MAROCCO"), Some("436"));
    assert_eq!(by("marocchina"), Some("436"));
    assert_eq!(by("Congo"), Some("418"));
    assert_eq!(by("SERBA"), Some("271"), "open code preferred");
    assert_eq!(by("Atlantide"), None);
    let uk = r.cittadinanza_by_name("REGNO UNITO").expect("UK");
    assert_eq!(uk.area, AreaCittadinanza::Ue);
    assert_eq!(uk.area_at(d(2019, 12, 31)), AreaCittadinanza::Ue);
    assert_eq!(uk.area_at(d(2020, 2, 1)), AreaCittadinanza::ExtraUe);
    let hr = r.cittadinanza_by_name("Croazia").expect("HR");
    assert_eq!(hr.area_at(d(2013, 6, 30)), AreaCittadinanza::ExtraUe);
    assert_eq!(hr.area_at(d(2013, 7, 1)), AreaCittadinanza::Ue);
}

#[test]
fn reference_livelli_studio() {
    let r = r();
    assert_eq!(r.livello_studio("0"), Some("NESSUN TITOLO DI STUDIO"));
    assert_eq!(r.livello_studio("2"), Some("LICENZA MEDIA"));
    assert_eq!(r.livello_studio("7"), Some("LAUREA - Vecchio o nuovo ordinamento"));
    assert_eq!(r.livello_studio("12"), Some("TITOLO DI DOTTORE DI RICERCA"));
    assert_eq!(r.livello_studio("02"), Some("LICENZA MEDIA"));
    assert_eq!(r.livello_studio("13"), None);
    assert_eq!(r.livello_studio("x"), None);
    let code = |l: &str| r.livello_studio_by_label(l);
    assert_eq!(code("LICENZA MEDIA"), Some("2"));
    assert_eq!(code("Licenza elementare"), Some("1"));
    assert_eq!(code("DIPLOMA"), Some("4"));
    assert_eq!(code("LAUREA"), Some("7"));
    assert_eq!(code("Laurea - vecchio o nuovo ordinamento"), Some("7"));
    assert_eq!(
        code("DIPLOMA DI ISTRUZIONE SECONDARIA SUPERIORE CHE PERMETTE L'ACCESSO ALL'UNIVERSITÀ"),
        Some("4")
    );
    assert_eq!(code("Dottorato di ricerca"), Some("12"));
    assert_eq!(code("master di II livello"), Some("10"));
    assert_eq!(code("boh"), None);
}

#[test]
fn reference_trasformazioni_cause() {
    let r = r();
    for c in ["DI", "AI", "FI", "II"] {
        assert_eq!(r.trasformazione(c).map(|t| t.verso_ti), Some(true), "{c}");
    }
    for c in ["FF", "PP", "TP", "PV", "DP", "DL", "TL"] {
        assert_eq!(r.trasformazione(c).map(|t| t.verso_ti), Some(false), "{c}");
    }
    assert_eq!(r.trasformazione("di").map(|t| t.codice.as_str()), Some("DI"));
    assert!(r.trasformazione("XX").is_none());

    assert_eq!(r.causa_cessazione("XX"), MacroCausa::NonClassificata);
    assert_eq!(r.causa_cessazione(""), MacroCausa::NonClassificata);
    assert_eq!(r.causa_cessazione("LI"), MacroCausa::Licenziamento);
    assert_eq!(r.causa_cessazione("AD"), MacroCausa::Dimissioni);
    assert_eq!(r.causa_cessazione("dm"), MacroCausa::Dimissioni);
    assert_eq!(r.causa_cessazione("FT"), MacroCausa::FineTermine);
    assert_eq!(r.causa_cessazione("PE"), MacroCausa::Altro);
    let verified: Vec<&str> = r
        .cause_cessazione()
        .iter()
        .filter(|c| c.verificato)
        .map(|c| c.codice.as_str())
        .collect();
    assert_eq!(verified, ["AR", "AC", "AM", "AD", "DS", "EP", "LI"]);
    for m in [
        MacroCausa::Dimissioni,
        MacroCausa::Licenziamento,
        MacroCausa::FineTermine,
        MacroCausa::Altro,
    ] {
        assert!(
            r.cause_cessazione().iter().any(|c| c.macro_causa == m && !c.verificato),
            "{m:?}"
        );
        assert_eq!(MacroCausa::from_code(m.code()), Some(m));
    }
}

#[test]
fn reference_cpi() {
    let r = r();
    let prato = r.cpi("100005").expect("CPI of Prato");
    assert!(prato.codice.starts_with("PO"));
    assert!(prato.illustrativo);
    for sigla in ["PO", "PT", "FI"] {
        let p = r.provincia(sigla).expect("province");
        for c in r.comuni_of_province(p) {
            let cpi = r.cpi(&c.istat).unwrap_or_else(|| panic!("{} has no CPI", c.nome));
            assert!(cpi.codice.starts_with(sigla), "{} in {}", c.nome, cpi.codice);
        }
    }
    assert_eq!(r.cpis().iter().filter(|c| c.codice.starts_with("PO")).count(), 2);
    let roma = r.comune_any("H501").expect("Roma");
    assert_eq!(r.cpi_code_or_province(roma), "PRV-RM");
    let montemurlo = r.comune_any("F572").expect("Montemurlo");
    assert_eq!(r.cpi_code_or_province(montemurlo), prato.codice);
    assert!(r.cpi("058091").is_none());
}

#[test]
fn reference_normalize_label() {
    assert_eq!(
        normalize_label("  Lavoro a tempo  determinato  "),
        "LAVORO A TEMPO DETERMINATO"
    );
    assert_eq!(normalize_label("ATTIVITÀ"), "ATTIVITA");
    assert_eq!(normalize_label("attivita'"), "ATTIVITA");
    assert_eq!(normalize_label("MOBILITA’"), "MOBILITA");
    assert_eq!(normalize_label("Reggio nell'Emilia"), "REGGIO NELL EMILIA");
    assert_eq!(
        normalize_label("San Floriano del Collio-Števerjan"),
        "SAN FLORIANO DEL COLLIO STEVERJAN"
    );
    assert_eq!(normalize_label("Università"), "UNIVERSITA");
    assert_eq!(normalize_label("(LSU - ASU)"), "LSU ASU");
    assert_eq!(normalize_label("Straße"), "STRASSE");
    assert_eq!(normalize_label("56.10.11"), "56 10 11");
    assert_eq!(normalize_label(""), "");
}
