//! `oml export --public`: the public-use files of the observatory, what a person outside it may
//! receive. They are the protected marts `oml build` computes (`lake::catalog::MARTS`), each as
//! CSV, Parquet and a sheet of one workbook, with a `LEGGIMI.md` (from
//! `templates/pubblico/LEGGIMI.md`) that says where they come from, the disclosure rules, what
//! every status and column means, and the sha256 of every file.
//!
//! Before anything is written the rows are checked ([`check`]): no pseudonym column (`id_*`), no
//! text value shaped like a pseudonym (32 hexadecimal digits), a status on every row, and no value
//! or contributor count on a row that is not published. The folder is written beside its
//! destination and renamed into place, so it is complete or absent.

use super::export::ExportFormat;
use crate::analytics::perimeter::Perimeter;
use crate::analytics::Session;
use crate::lake::catalog::MARTS;
use crate::lake::Lake;
use crate::reference::Reference;
use crate::sdc::{DisclosureConfig, Status};
use anyhow::{bail, Context, Result};
use arrow::array::{Array, AsArray};
use arrow::datatypes::DataType;
use arrow::record_batch::RecordBatch;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

const TEMPLATE: &str = include_str!("../../templates/pubblico/LEGGIMI.md");

/// What a status means, for the reader of the files.
fn meaning(s: Status) -> &'static str {
    match s {
        Status::Ok => "pubblicata",
        Status::SuppressedPrimary => "soppressa: sotto la soglia di lavoratori o datori (o dominata da pochi)",
        Status::SuppressedSecondary => "soppressa per proteggere un'altra cella (altrimenti ricavabile per differenza)",
        Status::Perturbed => "pubblicata con il rumore del metodo della chiave di cella",
        Status::NotAvailable => "non disponibile (la misura non si calcola per questa cella)",
        Status::StructuralZero => "zero per costruzione",
        Status::Confidential => "non protetta (solo in uso interno: non compare nei file pubblici)",
        Status::Public => "dato già pubblicato dalla sua fonte",
    }
}

/// One file written.
#[derive(Debug, Clone, Serialize)]
pub struct PublicFile {
    pub nome: String,
    pub righe: usize,
    pub byte: u64,
    pub sha256: String,
}

/// What `oml export --public` wrote.
#[derive(Debug, Clone)]
pub struct PublicExport {
    pub dir: PathBuf,
    pub files: Vec<PublicFile>,
}

/// Whether a text is shaped like a pseudonym (32 hexadecimal digits).
fn pseudonym_like(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Refuses a table that is not fit for the public: a pseudonym (a column `id_*`, or a value of
/// its shape), a row without a known status, a value or contributor count on a row not published.
pub fn check(name: &str, batch: &RecordBatch) -> Result<()> {
    let schema = batch.schema();
    if let Some(f) = schema.fields().iter().find(|f| f.name().starts_with("id_")) {
        bail!("{name}: column {} holds pseudonyms", f.name());
    }
    for (i, f) in schema.fields().iter().enumerate() {
        if f.data_type() == &DataType::Utf8 {
            let c = batch.column(i).as_string::<i32>();
            if let Some(r) = (0..c.len()).find(|&r| c.is_valid(r) && pseudonym_like(c.value(r))) {
                bail!("{name}: row {r}, column {}: a value shaped like a pseudonym", f.name());
            }
        }
    }
    let col = |n: &str| {
        batch
            .column_by_name(n)
            .with_context(|| format!("{name}: no column {n}"))
    };
    let stato = col("stato")?.as_string::<i32>();
    let hidden: Vec<&dyn Array> = ["valore", "n_lavoratori", "n_datori"]
        .iter()
        .map(|n| col(n).map(|c| c.as_ref()))
        .collect::<Result<_>>()?;
    for r in 0..batch.num_rows() {
        let status = stato
            .is_valid(r)
            .then(|| Status::from_label(stato.value(r)))
            .flatten()
            .with_context(|| format!("{name}: row {r} has no known status"))?;
        if status == Status::Confidential {
            bail!("{name}: row {r} is not protected");
        }
        if !status.is_published() && hidden.iter().any(|c| c.is_valid(r)) {
            bail!("{name}: row {r} ({}) shows a value or its contributors", status.label());
        }
    }
    Ok(())
}

fn sha256_of(path: &Path) -> Result<(u64, String)> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok((bytes.len() as u64, hex::encode(Sha256::digest(&bytes))))
}

#[derive(Serialize)]
struct Colonna {
    nome: String,
    descrizione: String,
}

#[derive(Serialize)]
struct Tavola {
    nome: &'static str,
    descrizione: String,
    disaggregazioni: String,
    periodicita: &'static str,
    colonne: Vec<Colonna>,
}

#[derive(Serialize)]
struct Stato {
    etichetta: &'static str,
    codice: i32,
    significato: &'static str,
}

/// Writes the public-use files of `lake` into the folder `out`, which must not exist or be empty.
pub fn export_public(lake: &Lake, out: &Path) -> Result<PublicExport> {
    let (manifest, build) = lake.require_built()?;
    if out.exists() && std::fs::read_dir(out).map(|mut d| d.next().is_some()).unwrap_or(true) {
        bail!("{}: the folder exists and is not empty", out.display());
    }
    let session = Session::open(lake)?;
    let r = Reference::get();
    let mut tables = Vec::new();
    for m in &MARTS {
        let (schema, batches) = session.query(&format!("SELECT * EXCLUDE (anno) FROM {} ORDER BY ALL", m.dataset))?;
        let batch = arrow::compute::concat_batches(&schema, &batches)?;
        check(m.dataset, &batch)?;
        tables.push((m, batch));
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let tmp = tempfile::Builder::new()
        .prefix(".oml-pubblico-")
        .tempdir_in(&parent)
        .with_context(|| format!("creating a folder in {}", parent.display()))?;
    let mut files = Vec::new();
    let mut sheets = Vec::new();
    for (m, batch) in &tables {
        for (ext, format) in [("csv", ExportFormat::Csv), ("parquet", ExportFormat::Parquet)] {
            let nome = format!("{}.{ext}", m.dataset);
            super::export::export(batch, format, Some(&tmp.path().join(&nome)), m.dataset, &[])?;
            let (byte, sha256) = sha256_of(&tmp.path().join(&nome))?;
            files.push(PublicFile {
                nome,
                righe: batch.num_rows(),
                byte,
                sha256,
            });
        }
        sheets.push(
            super::xlsx::Sheet::new(m.dataset, vec![batch.clone()])
                .with_title(r.descrizione_vista(m.dataset).unwrap_or(m.dataset))
                .with_note(format!(
                    "Dati completi fino al {}; stato e codice_stato: LEGGIMI.md.",
                    build.orizzonte
                )),
        );
    }
    super::xlsx::write_xlsx(&tmp.path().join("tavole.xlsx"), &sheets)?;
    let (byte, sha256) = sha256_of(&tmp.path().join("tavole.xlsx"))?;
    files.push(PublicFile {
        nome: "tavole.xlsx".into(),
        righe: tables.iter().map(|t| t.1.num_rows()).sum(),
        byte,
        sha256,
    });

    // LEGGIMI.md.
    let province: Vec<String> = session
        .query("SELECT DISTINCT provincia FROM co_eventi WHERE provincia IS NOT NULL ORDER BY 1")?
        .1
        .iter()
        .flat_map(|b| {
            let c = b.column(0).as_string::<i32>();
            (0..c.len()).map(|i| c.value(i).to_string()).collect::<Vec<_>>()
        })
        .collect();
    let rules = DisclosureConfig::default();
    let tavole: Vec<Tavola> = tables
        .iter()
        .map(|(m, batch)| Tavola {
            nome: m.dataset,
            descrizione: r.descrizione_vista(m.dataset).unwrap_or_default().to_string(),
            disaggregazioni: m.by.join(", "),
            periodicita: m.periodicity.sql_name(),
            colonne: batch
                .schema()
                .fields()
                .iter()
                .map(|f| Colonna {
                    nome: f.name().clone(),
                    descrizione: r
                        .descrizione_colonna(m.dataset, f.name())
                        .unwrap_or_default()
                        .to_string(),
                })
                .collect(),
        })
        .collect();
    let stati: Vec<Stato> = Status::ALL
        .into_iter()
        .filter(|s| *s != Status::Confidential)
        .map(|s| Stato {
            etichetta: s.label(),
            codice: s.code(),
            significato: meaning(s),
        })
        .collect();
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.add_template("LEGGIMI.md", TEMPLATE)?;
    let text = env.get_template("LEGGIMI.md")?.render(minijinja::context! {
        generato => chrono::Local::now().date_naive().format("%d/%m/%Y").to_string(),
        comunicazioni => manifest.files(crate::lake::schema::CO_EVENTI).iter().map(|f| f.rows).sum::<u64>(),
        province => if province.is_empty() { "nessuna".to_string() } else { province.join(", ") },
        orizzonte => build.orizzonte,
        copertura => build.inizio_copertura,
        soglia_lavoratori => rules.min_workers,
        soglia_datori => rules.min_employers,
        protezione => rules.protection_level(),
        stati => stati,
        perimetro => Perimeter::default().describe(),
        file => files,
        tavole => tavole,
    })?;
    std::fs::write(tmp.path().join("LEGGIMI.md"), text)?;

    let staged = tmp.keep();
    if out.exists() {
        std::fs::remove_dir(out).with_context(|| format!("replacing the empty folder {}", out.display()))?;
    }
    std::fs::rename(&staged, out).with_context(|| format!("writing {}", out.display()))?;
    Ok(PublicExport {
        dir: out.to_path_buf(),
        files,
    })
}
