//! Every embedded list checked against its source file: the files of `reference/` are all
//! embedded (and documented in `reference/README.md`, with their row counts); each reader takes
//! every data row of its file; every code of a file is found by its accessor; a malformed row
//! is refused with the file and line named.
//!
//! The files are read here with the `csv` crate directly, not with the loader's reader, so a
//! row the loader skipped or merged would show.

use crate::reference::embedded::{self as e, Embedded};
use crate::reference::{
    ateco, cause, cittadinanze, comuni, contratti, cpi, dizionario, inps, istat, itter107, livelli, registri,
    territorio, trasformazioni,
};
use crate::reference::{AreaCittadinanza, CodeCheck, MacroCausa, MacroContratto, Reference};
use anyhow::Result;
use chrono::{Days, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

// ---------------------------------------------------------------------------------------------
// Reading a file independently of the loader
// ---------------------------------------------------------------------------------------------

fn delimiter(src: &Embedded) -> u8 {
    if src.path == e::ISTAT_COMUNI.path {
        b';'
    } else {
        b','
    }
}

/// Header (whitespace collapsed) → column, then every record as text (Windows-1252 decoded
/// for the ISTAT list), trimmed.
struct Raw {
    headers: Vec<String>,
    records: Vec<Vec<String>>,
}

impl Raw {
    fn of(src: &Embedded) -> Raw {
        let text = if src.path == e::ISTAT_COMUNI.path {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(src.bytes)
                .0
                .into_owned()
        } else {
            String::from_utf8(src.bytes.to_vec()).expect("UTF-8")
        };
        Raw::parse(text.trim_start_matches('\u{feff}'), delimiter(src))
    }

    fn parse(text: &str, delimiter: u8) -> Raw {
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        let headers = rdr
            .headers()
            .expect("header")
            .iter()
            .map(|h| h.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        let records = rdr
            .records()
            .map(|r| r.expect("record").iter().map(|f| f.trim().to_string()).collect())
            .collect();
        Raw { headers, records }
    }

    /// The column named `name` (exactly, else the first one starting with it).
    fn col(&self, name: &str) -> usize {
        let exact = self.headers.iter().position(|h| h == name);
        exact
            .or_else(|| self.headers.iter().position(|h| h.starts_with(name)))
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    /// The values of column `name`, one per record.
    fn column(&self, name: &str) -> Vec<&str> {
        let c = self.col(name);
        self.records.iter().map(|r| r[c].as_str()).collect()
    }

    /// Records as (column name → value) for a few columns.
    fn rows<'a>(&'a self, names: &[&str]) -> Vec<Vec<&'a str>> {
        let cols: Vec<usize> = names.iter().map(|n| self.col(n)).collect();
        self.records
            .iter()
            .map(|r| cols.iter().map(|&c| r[c].as_str()).collect())
            .collect()
    }
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

// ---------------------------------------------------------------------------------------------
// Files, README, row counts
// ---------------------------------------------------------------------------------------------

/// Files of `reference/` read elsewhere than this module.
const NOT_EMBEDDED_HERE: [&str; 1] = [
    // Read by src/sources/istat_rfl.rs (its tests read every row).
    "reference/istat_rfl_tasso_disoccupazione_2019_2020.csv",
];

fn csv_files(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("reference/ readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            csv_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "csv") {
            let rel = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).expect("inside the crate");
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

#[test]
fn reference_every_file_is_embedded_as_it_is_on_disk() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut on_disk = Vec::new();
    csv_files(&root.join("reference"), &mut on_disk);
    on_disk.sort();
    let embedded: BTreeSet<&str> = e::ALL.iter().map(|s| s.path).collect();
    assert_eq!(embedded.len(), e::ALL.len(), "a file embedded twice");
    for path in &on_disk {
        assert!(
            embedded.contains(path.as_str()) || NOT_EMBEDDED_HERE.contains(&path.as_str()),
            "{path} is in reference/ but not embedded in src/reference/embedded.rs"
        );
    }
    for src in e::ALL {
        let disk = std::fs::read(root.join(src.path)).unwrap_or_else(|err| panic!("{}: {err}", src.path));
        assert!(disk == src.bytes, "{}: embedded bytes differ from the file", src.path);
    }
}

#[test]
fn reference_embedded_copies_are_byte_identical() {
    // sha256 of the copies, as recorded in reference/README.md.
    use sha2::{Digest, Sha256};
    let expect = [
        (
            &e::ISTAT_COMUNI,
            "5c3680efc27207d6bbd17915e790b2fd5e666676b888d85f8e2ac71100fe7889",
        ),
        (
            &e::ANPAL_ATECO,
            "a030e0d0e6c0f0824707864a411f60c347735bf6ab041aa3bb3f9da6fa18266f",
        ),
        (
            &e::ANPAL_CITTADINANZE,
            "bc7c57ae1ae8940a943992c5a0d8ae3b27bca7a73d7c92245ec6883d21061b77",
        ),
        (
            &e::ANPAL_COMUNI,
            "a479c6e8ad0fc8ca77bc2010ad343a0542e551ce6be84350ecc0ebff66cb2fbc",
        ),
        (
            &e::ANPAL_LIVELLI,
            "b4149eebcf59a6da32cfeaca1efd653b4b09fb5eee81aecf5533611bdc0cde6e",
        ),
        (
            &e::ANPAL_PROVINCE,
            "4bb27a1dced40c9e0a598a68c35572d9f5576bad5311aad534f6a8293efec943",
        ),
        (
            &e::ANPAL_REGIONI,
            "6ad134486a31cfabb51c51e9951179984ad8ab33034e3fb2bdd9a1a3773a7a8c",
        ),
        (
            &e::ANPAL_TIPOLOGIE,
            "b9d31b3572350a84a41b2ac67b24c3ef5e73409ef0be9d45c199335650c4574f",
        ),
    ];
    for (e, sha) in expect {
        assert_eq!(hex::encode(Sha256::digest(e.bytes)), sha, "{}", e.path);
    }
}

/// The README's file table: file (relative to `reference/`) → rows.
fn readme_rows() -> BTreeMap<String, usize> {
    let readme = include_str!("../../../reference/README.md");
    readme
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let file = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            let rows = cells.get(3)?.replace(',', "").parse().ok()?;
            file.ends_with(".csv").then(|| (format!("reference/{file}"), rows))
        })
        .collect()
}

#[test]
fn reference_readme_documents_every_file_with_its_row_count() {
    let documented = readme_rows();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut on_disk = Vec::new();
    csv_files(&root.join("reference"), &mut on_disk);
    for path in on_disk {
        let rows = *documented
            .get(&path)
            .unwrap_or_else(|| panic!("{path} missing from the table of reference/README.md"));
        let bytes: &'static [u8] = Box::leak(std::fs::read(root.join(&path)).expect("read").into_boxed_slice());
        let path: &'static str = Box::leak(path.into_boxed_str());
        let raw = Raw::of(&Embedded { path, bytes });
        assert_eq!(raw.records.len(), rows, "{path}: rows in reference/README.md");
    }
}

/// Each embedded file with its reader: the number of rows the reader yields.
#[allow(clippy::type_complexity)]
fn readers() -> Vec<(&'static Embedded, Box<dyn Fn(&Embedded) -> Result<usize>>)> {
    vec![
        (&e::ISTAT_COMUNI, Box::new(|s| Ok(istat::read(s)?.comuni.len()))),
        (&e::ANPAL_ATECO, Box::new(|s| Ok(ateco::read(s)?.len()))),
        (&e::ANPAL_CITTADINANZE, Box::new(|s| Ok(cittadinanze::read(s)?.len()))),
        (&e::ANPAL_COMUNI, Box::new(|s| Ok(comuni::read_anpal(s)?.len()))),
        (&e::ANPAL_LIVELLI, Box::new(|s| Ok(livelli::read(s)?.len()))),
        (
            &e::ANPAL_PROVINCE,
            Box::new(|s| Ok(territorio::read_anpal_province(s)?.len())),
        ),
        (
            &e::ANPAL_REGIONI,
            Box::new(|s| Ok(territorio::read_anpal_regioni_mlps(s)?.len())),
        ),
        (
            &e::ANPAL_TIPOLOGIE,
            Box::new(|s| {
                let macros = contratti::read_macro(&e::OML_MACRO_CONTRATTI)?;
                Ok(contratti::read_tipologie(s, &macros)?.len())
            }),
        ),
        (
            &e::OML_MACRO_CONTRATTI,
            Box::new(|s| Ok(contratti::read_macro(s)?.len())),
        ),
        (
            &e::OML_ETICHETTE_CONTRATTO,
            Box::new(|s| Ok(contratti::read_etichette(s)?.len())),
        ),
        (&e::OML_TRASFORMAZIONI, Box::new(|s| Ok(trasformazioni::read(s)?.len()))),
        (&e::OML_CAUSE, Box::new(|s| Ok(cause::read(s)?.len()))),
        (&e::OML_CPI, Box::new(|s| Ok(cpi::read(s)?.len()))),
        (&e::OML_SOPPRESSI, Box::new(|s| Ok(comuni::read_soppressi(s)?.len()))),
        (
            &e::OML_INIZIO_NON_CREAZIONE,
            Box::new(|s| Ok(comuni::read_inizio_non_creazione(s)?.len())),
        ),
        (
            &e::OML_CITTADINANZE_UE,
            Box::new(|s| Ok(cittadinanze::read_ue(s)?.len())),
        ),
        (&e::OML_LIVELLI_ALIAS, Box::new(|s| Ok(livelli::read_alias(s)?.len()))),
        (&e::OML_ITTER107, Box::new(|s| Ok(itter107::read(s)?.len()))),
        (&e::OML_INPS_REGIONI, Box::new(|s| Ok(inps::read_regioni(s)?.len()))),
        (&e::OML_INPS_SETTORI, Box::new(|s| Ok(inps::read_voci(s)?.len()))),
        (&e::OML_INPS_INTERVENTI, Box::new(|s| Ok(inps::read_voci(s)?.len()))),
        (&e::OML_MESI, Box::new(|s| Ok(inps::read_mesi(s)?.len()))),
        (
            &e::OML_REGISTRI,
            Box::new(|s| Ok(registri::read(s)?.values().map(|l| l.len()).sum())),
        ),
        (&e::OML_DIZIONARIO, Box::new(|s| Ok(dizionario::read(s)?.len()))),
    ]
}

#[test]
fn reference_every_reader_takes_every_row_of_its_file() {
    let readers = readers();
    assert_eq!(readers.len(), e::ALL.len(), "a file without a reader");
    for (src, read) in readers {
        let parsed = read(src).unwrap_or_else(|err| panic!("{err:#}"));
        let raw = Raw::of(src);
        if src.path == e::ANPAL_REGIONI.path {
            // The Trento / Bolzano pseudo-regions and the ITALIA row are not regions.
            let skipped: Vec<&str> = raw
                .column("cod_regione")
                .into_iter()
                .filter(|c| c.starts_with("ML_") || *c == "00")
                .collect();
            assert_eq!(skipped, ["ML_01", "ML_02", "00"]);
            assert_eq!(parsed, raw.records.len() - skipped.len(), "{}", src.path);
        } else {
            assert_eq!(parsed, raw.records.len(), "{}", src.path);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Every code found by its accessor
// ---------------------------------------------------------------------------------------------

fn r() -> &'static Reference {
    Reference::get()
}

#[test]
fn reference_every_territorial_code_is_found() {
    let r = r();
    let raw = Raw::of(&e::ISTAT_COMUNI);
    let cols = [
        "Codice Catastale del comune",
        "Codice Comune formato alfanumerico",
        "Denominazione in italiano",
        "Sigla automobilistica",
    ];
    for row in raw.rows(&cols) {
        let c = r.comune_any(row[0]).unwrap_or_else(|| panic!("comune {}", row[0]));
        assert_eq!((c.istat.as_str(), c.nome.as_str()), (row[1], row[2]));
        assert_eq!(r.comune_by_istat(row[1]).map(|c| c.belfiore.as_str()), Some(row[0]));
        assert_eq!(r.provincia(row[3]).map(|p| p.sigla.as_str()), Some(row[3]));
    }
    for bf in Raw::of(&e::ANPAL_COMUNI).column("cod_comune") {
        assert!(r.comune_any(bf).is_some(), "ANPAL comune {bf}");
    }
    let current: BTreeSet<&str> = r.province().iter().map(|p| p.istat.as_str()).collect();
    let anpal = Raw::of(&e::ANPAL_PROVINCE);
    for row in anpal.rows(&["cod_provincia", "des_targa"]) {
        let found = r.provincia(row[0]).map(|p| p.sigla.as_str());
        if current.contains(row[0]) {
            assert_eq!(found, Some(row[1]), "province {}", row[0]);
        } else {
            assert!(found.is_none(), "suppressed province {} found", row[0]);
        }
    }
    assert!(current.iter().all(|p| anpal.column("cod_provincia").contains(p)));
    for row in Raw::of(&e::ANPAL_REGIONI).rows(&["cod_regione", "cod_ml"]) {
        if row[0].starts_with("ML_") || row[0] == "00" {
            assert!(r.regione(row[0]).is_none());
        } else {
            assert_eq!(
                r.regione(row[0]).map(|g| g.mlps.as_str()),
                Some(row[1]),
                "region {}",
                row[0]
            );
        }
    }
    let cols = ["belfiore", "data_soppressione"];
    for row in Raw::of(&e::OML_SOPPRESSI).rows(&cols) {
        let end = date(row[1]).and_then(|d| d.pred_opt());
        assert_eq!(r.comune_any(row[0]).and_then(|c| c.validity.to), end, "{}", row[0]);
    }
    for row in Raw::of(&e::OML_INIZIO_NON_CREAZIONE).rows(&["belfiore", "dat_inizio_anpal"]) {
        let c = r.comune_any(row[0]).expect("comune");
        assert_eq!(c.validity.from, None, "{}: ANPAL start ignored", row[0]);
        let before = date(row[1])
            .and_then(|d| d.checked_sub_days(Days::new(1)))
            .expect("date");
        assert!(matches!(r.comune(row[0], before), CodeCheck::Valid(_)));
    }
    let cols = ["comune_istat", "cpi_codice", "cpi_nome"];
    for row in Raw::of(&e::OML_CPI).rows(&cols) {
        let cpi = r.cpi(row[0]).unwrap_or_else(|| panic!("CPI of {}", row[0]));
        assert_eq!((cpi.codice.as_str(), cpi.nome.as_str()), (row[1], row[2]));
    }
}

#[test]
fn reference_every_code_list_entry_is_found() {
    let r = r();
    for row in Raw::of(&e::ANPAL_ATECO).rows(&["cod_ateco", "descrizione"]) {
        let a = r.ateco(row[0]).unwrap_or_else(|| panic!("ATECO {}", row[0]));
        assert_eq!((a.codice.as_str(), a.descrizione.as_str()), (row[0], row[1]));
    }
    let cols = ["cod_tipologiacontr", "des_tipologiacontr", "dat_inizio"];
    for row in Raw::of(&e::ANPAL_TIPOLOGIE).rows(&cols) {
        let t = r
            .tipologia_any(row[0])
            .unwrap_or_else(|| panic!("tipologia {}", row[0]));
        assert_eq!(t.descrizione, row[1]);
        let by_label = r.tipologia_by_label(row[1], date(row[2]).expect("dat_inizio"));
        assert!(
            matches!(by_label, CodeCheck::Valid(t) if t.descrizione == row[1]),
            "{}",
            row[1]
        );
    }
    for row in Raw::of(&e::OML_MACRO_CONTRATTI).rows(&["codice", "macro_classe"]) {
        assert_eq!(
            r.macro_contratto(row[0]),
            MacroContratto::from_code(row[1]),
            "{}",
            row[0]
        );
    }
    let day = date("2024-01-01").expect("date");
    for row in Raw::of(&e::OML_ETICHETTE_CONTRATTO).rows(&["etichetta", "cod_tipologiacontr"]) {
        let code = match r.tipologia_by_label(row[0], day) {
            CodeCheck::Valid(t) | CodeCheck::NotValidAtDate(t) => Some(t.codice.as_str()),
            CodeCheck::Unknown => None,
        };
        assert_eq!(code, Some(row[1]), "{}", row[0]);
    }
    for row in Raw::of(&e::OML_TRASFORMAZIONI).rows(&["codice", "verso_ti"]) {
        let t = r
            .trasformazione(row[0])
            .unwrap_or_else(|| panic!("trasformazione {}", row[0]));
        assert_eq!(t.verso_ti.to_string(), row[1]);
    }
    for row in Raw::of(&e::OML_CAUSE).rows(&["codice", "macro_causa"]) {
        assert_eq!(
            Some(r.causa_cessazione(row[0])),
            MacroCausa::from_code(row[1]),
            "{}",
            row[0]
        );
    }
}

#[test]
fn reference_every_person_code_is_found() {
    let r = r();
    let cols = ["cod_cittadinanza", "cod_mf", "des_cittadinanza", "dat_inizio"];
    for row in Raw::of(&e::ANPAL_CITTADINANZE).rows(&cols) {
        let c = match r.cittadinanza(row[0], date(row[3]).expect("dat_inizio")) {
            CodeCheck::Valid(c) => c,
            other => panic!("cittadinanza {}: {other:?}", row[0]),
        };
        assert_eq!(c.descrizione, row[2]);
        if !row[1].is_empty() {
            assert_eq!(r.stato_estero(row[1]).map(|c| c.codice.as_str()), Some(row[0]));
        }
    }
    let cols = ["cod_cittadinanza", "ue_dal", "ue_al"];
    for row in Raw::of(&e::OML_CITTADINANZE_UE).rows(&cols) {
        let c = r.cittadinanze().iter().find(|c| c.codice == row[0]).expect("code");
        if let Some(from) = date(row[1]) {
            assert_eq!(c.area_at(from), AreaCittadinanza::Ue, "{}", row[0]);
            let before = from.pred_opt().expect("date");
            assert_eq!(c.area_at(before), AreaCittadinanza::ExtraUe, "{}", row[0]);
        }
        if let Some(to) = date(row[2]) {
            assert_eq!(c.area_at(to), AreaCittadinanza::Ue, "{}", row[0]);
            let after = to.succ_opt().expect("date");
            assert_eq!(c.area_at(after), AreaCittadinanza::ExtraUe, "{}", row[0]);
        }
    }
    for row in Raw::of(&e::ANPAL_LIVELLI).rows(&["cod_livellostudio", "des_livellostudio"]) {
        assert_eq!(r.livello_studio(row[0]), Some(row[1]));
        assert_eq!(r.livello_studio_by_label(row[1]), Some(row[0]));
    }
    for row in Raw::of(&e::OML_LIVELLI_ALIAS).rows(&["etichetta", "cod_livellostudio"]) {
        assert_eq!(r.livello_studio_by_label(row[0]), Some(row[1]), "{}", row[0]);
    }
}

#[test]
fn reference_every_itter107_code_is_found_and_every_province_and_region_has_one() {
    use crate::reference::{LivelloTerritorio, Relazione};
    let r = r();
    let raw = Raw::of(&e::OML_ITTER107);
    for row in raw.rows(&["itter107", "livello", "codice_istat", "denominazione"]) {
        let x = r.itter107(row[0]).unwrap_or_else(|| panic!("ITTER107 {}", row[0]));
        assert_eq!(
            (x.livello.code(), x.codice_istat.as_str(), x.denominazione.as_str()),
            (row[1], row[2], row[3])
        );
        assert_eq!(r.itter107(&row[0].to_lowercase()).map(|y| &y.codice), Some(&x.codice));
    }
    // Today's 107 provinces and 20 regions each *are* exactly one code.
    for p in r.province() {
        let n = r
            .itter107_all()
            .iter()
            .filter(|x| {
                x.livello == LivelloTerritorio::Provincia
                    && x.relazione == Relazione::Identico
                    && x.codice_istat == p.istat
            })
            .count();
        assert_eq!(n, 1, "province {} {}", p.istat, p.nome);
        assert_eq!(
            r.itter107_of(LivelloTerritorio::Provincia, &p.istat)
                .map(|x| x.regione_istat.as_str()),
            Some(p.regione_istat.as_str())
        );
    }
    for g in r.regioni() {
        assert!(
            r.itter107_of(LivelloTerritorio::Regione, &g.istat).is_some(),
            "region {}",
            g.istat
        );
    }
    assert_eq!(
        r.itter107_of(LivelloTerritorio::Provincia, "100")
            .map(|x| x.codice.as_str()),
        Some("ITE15")
    );
    assert_eq!(
        r.itter107_of(LivelloTerritorio::Italia, "IT")
            .map(|x| x.codice.as_str()),
        Some("IT")
    );
    // The suppressed Sardinian provinces are only parts of today's ones.
    let olbia = r.itter107("ITG29").unwrap();
    assert_eq!(
        (olbia.relazione, olbia.codice_istat.as_str()),
        (Relazione::ParteDi, "090")
    );
}

// ---------------------------------------------------------------------------------------------
// Malformed rows
// ---------------------------------------------------------------------------------------------

/// A copy of `src` whose data record `k` (0-based) is rewritten by `edit` (its fields, raw
/// bytes), with the line that record starts on.
fn with_record(src: &'static Embedded, k: usize, edit: impl Fn(&mut Vec<Vec<u8>>)) -> (&'static Embedded, u64) {
    let delim = delimiter(src);
    let mut rdr = csv::ReaderBuilder::new().delimiter(delim).from_reader(src.bytes);
    let mut starts = Vec::new();
    let mut record = csv::ByteRecord::new();
    let mut fields = Vec::new();
    while rdr.read_byte_record(&mut record).expect("record") {
        if starts.len() == k {
            fields = record.iter().map(<[u8]>::to_vec).collect();
        }
        starts.push(record.position().expect("position").byte() as usize);
    }
    let start = starts[k];
    let end = starts.get(k + 1).copied().unwrap_or(src.bytes.len());
    let eol: &[u8] = if src.bytes[..end].ends_with(b"\r\n") {
        b"\r\n"
    } else {
        b"\n"
    };
    edit(&mut fields);
    let quoted: Vec<Vec<u8>> = fields
        .iter()
        .map(|f| {
            let mut q = vec![b'"'];
            q.extend(
                f.iter()
                    .flat_map(|&b| if b == b'"' { vec![b'"', b'"'] } else { vec![b] }),
            );
            q.push(b'"');
            q
        })
        .collect();
    let mut bytes = src.bytes[..start].to_vec();
    bytes.extend(quoted.join(&delim));
    bytes.extend_from_slice(eol);
    bytes.extend_from_slice(&src.bytes[end..]);
    let line = 1 + src.bytes[..start].iter().filter(|&&b| b == b'\n').count() as u64;
    let copy = Embedded {
        path: src.path,
        bytes: Box::leak(bytes.into_boxed_slice()),
    };
    (Box::leak(Box::new(copy)), line)
}

/// The whole load, with `broken` in place of the embedded file of the same path.
fn load_with(broken: &'static Embedded) -> Result<Reference> {
    Reference::load_from(&|s| if s.path == broken.path { broken } else { s })
}

fn assert_refused(broken: &'static Embedded, line: u64, what: &str) {
    let err = match load_with(broken) {
        Ok(_) => panic!("{}, line {line}: {what} accepted", broken.path),
        Err(err) => format!("{err:#}"),
    };
    let at = format!("{}, line {line}: ", broken.path);
    assert!(err.contains(&at), "{what}: expected '{at}…', got '{err}'");
}

#[test]
fn reference_a_malformed_row_is_refused_with_file_and_line() {
    // (file, data record, column, value the reader or the cross-checks must refuse)
    let cases: [(&'static Embedded, usize, &str, &str); 36] = [
        (&e::ISTAT_COMUNI, 2, "Codice Catastale del comune", "??"),
        (&e::ANPAL_ATECO, 2, "cod_ateco", "1.2.3"),
        (&e::ANPAL_CITTADINANZE, 2, "cod_cittadinanza", "12"),
        (&e::ANPAL_CITTADINANZE, 3, "flg_ue", "X"),
        (&e::ANPAL_COMUNI, 2, "cod_comune", "1234"),
        (&e::ANPAL_COMUNI, 4, "dat_fine", "2019-02-30"),
        (&e::ANPAL_LIVELLI, 2, "cod_livellostudio", "x"),
        (&e::ANPAL_PROVINCE, 2, "cod_provincia", "1"),
        (&e::ANPAL_REGIONI, 5, "cod_ml", "ABC"),
        (&e::ANPAL_TIPOLOGIE, 2, "cod_tipologiacontr", "A0200"),
        (&e::ANPAL_TIPOLOGIE, 3, "cod_tipologiacontr", "Z.99.99"),
        (&e::OML_MACRO_CONTRATTI, 2, "macro_classe", "XX"),
        (&e::OML_ETICHETTE_CONTRATTO, 1, "cod_tipologiacontr", "Z.99.99"),
        (&e::OML_TRASFORMAZIONI, 2, "verso_ti", "forse"),
        (&e::OML_CAUSE, 2, "macro_causa", "NON_CLASSIFICATA"),
        (&e::OML_CPI, 2, "comune_istat", "12345"),
        (&e::OML_CPI, 3, "belfiore", "A000"),
        (&e::OML_SOPPRESSI, 2, "data_soppressione", "2019-02-30"),
        (&e::OML_INIZIO_NON_CREAZIONE, 0, "dat_inizio_anpal", "2011-06-05"),
        (&e::OML_CITTADINANZE_UE, 0, "cod_cittadinanza", "235"),
        (&e::OML_LIVELLI_ALIAS, 2, "cod_livellostudio", "13"),
        (&e::OML_LIVELLI_ALIAS, 3, "cod_livellostudio", "x"),
        (&e::OML_ITTER107, 3, "livello", "comune"),
        (&e::OML_ITTER107, 4, "codice_istat", "999"),
        (&e::OML_ITTER107, 5, "regione_istat", "09"),
        (&e::OML_ITTER107, 2, "relazione", "parte_di"),
        (&e::OML_ITTER107, 7, "identico_dal", "20x0"),
        (&e::OML_INPS_REGIONI, 2, "regione_istat", "21x"),
        (&e::OML_INPS_REGIONI, 3, "regione_istat", "01"),
        (&e::OML_INPS_SETTORI, 1, "codice", "Industria"),
        (&e::OML_INPS_INTERVENTI, 1, "codice", "cig s"),
        (&e::OML_MESI, 4, "mese", "13"),
        (&e::OML_REGISTRI, 2, "codice", ""),
        (&e::OML_REGISTRI, 1, "codice", "RILASCIO"),
        (&e::OML_DIZIONARIO, 2, "descrizione", ""),
        (&e::OML_DIZIONARIO, 1, "vista", "carriere"),
    ];
    for (src, k, column, value) in cases {
        let col = Raw::of(src).col(column);
        let (broken, line) = with_record(src, k, |f| f[col] = value.as_bytes().to_vec());
        assert_refused(broken, line, &format!("{column} = '{value}'"));
    }
    let covered: BTreeSet<&str> = cases.iter().map(|c| c.0.path).collect();
    assert_eq!(covered.len(), e::ALL.len(), "a file without a malformed-row case");

    // A record with a field missing, in every file: the shared reader refuses it.
    for src in e::ALL {
        let (broken, line) = with_record(src, 0, |f| {
            f.pop();
        });
        assert_refused(broken, line, "a record one field short");
    }
    // Bytes that are not UTF-8 in a UTF-8 file.
    let (broken, line) = with_record(&e::OML_CAUSE, 4, |f| f[1].push(0xff));
    assert_refused(broken, line, "invalid UTF-8");
}

#[test]
fn reference_every_inps_spelling_is_found() {
    let raw = Raw::of(&e::OML_INPS_REGIONI);
    for row in raw.rows(&["grafia", "regione_istat"]) {
        assert_eq!(r().inps_regione(row[0]), Some(row[1]), "{}", row[0]);
        assert!(
            row[1] == "IT" || r().regione(row[1]).is_some(),
            "{}: no ISTAT region {}",
            row[0],
            row[1]
        );
    }
    let regions: BTreeSet<&str> = raw.column("regione_istat").into_iter().collect();
    assert_eq!(regions.len(), 21, "the 20 regions and IT");
    for (src, settori) in [(&e::OML_INPS_SETTORI, true), (&e::OML_INPS_INTERVENTI, false)] {
        for row in Raw::of(src).rows(&["grafia", "codice", "etichetta"]) {
            let found = if settori {
                r().inps_settore(row[0])
            } else {
                r().inps_intervento(row[0])
            };
            let v = found.unwrap_or_else(|| panic!("{}: {} not found", src.path, row[0]));
            assert_eq!(v.codice, row[1], "{}", row[0]);
        }
    }
    for row in Raw::of(&e::OML_MESI).rows(&["grafia", "mese"]) {
        assert_eq!(
            r().mese(row[0]).map(|m| m.to_string()),
            Some(row[1].to_string()),
            "{}",
            row[0]
        );
    }
}
