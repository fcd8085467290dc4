//! `oml demo`: a synthetic province generated, ingested from its UNILAV XML, rebuilt, summarised
//! and its bulletin of the last complete quarter written — the whole product in one command.

use super::synth::ProvinceArgs;
use super::{build, bulletin, ingest, Global};
use anyhow::{Context, Result};
use clap::Args;
use oml::ingest::cig::{ingest_cig, CigOptions};
use oml::ingest::registri;
use oml::ingest::tables::LandOptions;
use oml::ingest::IngestOptions;
use oml::lake::Lake;
use oml::model::period::Period;
use oml::privacy::Key;
use oml::report::bulletin::BulletinSpec;
use oml::report::status::lake_summary;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct DemoArgs {
    /// Working folder: synthetic data in DIR/dati, the lake in DIR/lake (unless --lake is given).
    #[arg(long, default_value = "demo")]
    dir: PathBuf,
    #[command(flatten)]
    province: ProvinceArgs,
}

pub fn run(g: &Global, args: &DemoArgs) -> Result<()> {
    let lake = g.lake_or(Some(&args.dir.join("lake")));
    let lake_dir = lake.root.clone();
    let data = args.dir.join("dati");
    let key_path = args.dir.join("chiave-demo.key");
    let key = if key_path.exists() {
        Key::resolve(Some(&key_path), &lake_dir)?
    } else {
        let k = Key::create_file(&key_path)?;
        println!(
            "Creata una chiave di pseudonimizzazione locale per la demo: {} (fuori dal lago; per dati reali usa OML_KEY o --key-file).",
            key_path.display()
        );
        k
    };
    if !data.join("co.csv").exists() {
        let p = &args.province;
        let years = match p.years {
            (a, b) if a == b => a.to_string(),
            (a, b) => format!("{a}-{b}"),
        };
        println!(
            "Genero una provincia sintetica ({}, {years}, {} comunicazioni/anno) in {} …",
            p.province,
            p.volume,
            data.display()
        );
        let s = super::synth::generate(&p.config(), &data, g.quiet)?;
        println!(
            "  {} comunicazioni, {} rapporti di lavoro veri (verità in {}).",
            s.communications,
            s.rapporti,
            data.join("truth").display()
        );
    }
    println!(
        "Acquisisco i file UNILAV XML di {} nel lago {} …",
        data.join("unilav").display(),
        lake_dir.display()
    );
    let opts = IngestOptions {
        progress: !g.quiet,
        ..Default::default()
    };
    ingest::ingest_and_report(&lake, &key, &[data.join("unilav")], &opts)?;
    // The synthetic province's INPS open-data files (format A hours, format B workers), with a
    // fixed vintage (January after the last year) so that the demo is reproducible.
    let inps: Vec<PathBuf> = ["cig_fondi_ore.csv", "integrazioni_salariali_lavoratori.csv"]
        .iter()
        .map(|f| data.join("inps").join(f))
        .filter(|p| p.exists())
        .collect();
    if !inps.is_empty() {
        println!(
            "\nAcquisisco gli open data INPS sulla cassa integrazione di {} …",
            data.join("inps").display()
        );
        let vintage = chrono::NaiveDate::from_ymd_opt(args.province.years.1 + 1, 1, 31);
        let cig = CigOptions {
            format: None,
            land: LandOptions {
                vintage,
                fail_before_commit: false,
            },
        };
        let r = ingest_cig(&lake, &inps, &cig)?;
        for t in &r.caricati {
            println!(
                "  {}: {} righe (formato {}, vintage {})",
                t.path, t.righe, t.formato, t.vintage
            );
        }
    }
    registri_demo(&lake, &key, &data)?;
    println!("\nRicostruisco i rapporti di lavoro (oml build) …");
    build::build_and_report(&lake, &Default::default(), true, g.quiet)?;
    println!();
    print!("{}", lake_summary(&lake)?);
    let l = lake_dir.display();
    println!(
        "\nProva ora:\n  oml --lake {l} sql \"SELECT anno, macro_contratto, count(*) AS avviamenti FROM co_eventi WHERE evento = 'ASS' GROUP BY ALL ORDER BY ALL\"\n  \
         oml --lake {l} sql \"SELECT * FROM qualita_per_motivo\" --format csv\n  \
         oml --lake {l} status\n  \
         oml --lake {l} indicators --list\n  \
         oml --lake {l} indicators flussi --by macro_contratto --period 2024-Q1..2024-Q4\n  \
         oml --lake {l} indicators posizioni --by settore --period 2024 --format xlsx --out posizioni.xlsx\n  \
         oml --lake {l} bulletin --province PO --period 2024-Q3 --out bollettini/PO-2024-Q3\n  \
         cd {l} && duckdb -init views.sql      (o pandas/polars/R arrow su {l}/co_eventi)\n  \
         oml --lake {l} catalog && cd {l} && duckdb oml.duckdb   (le viste con ogni colonna descritta)\n  \
         oml --lake {l} export --public --out pubblico   (le tavole protette per chi è fuori dall'osservatorio)\n  \
         jupyter lab notebooks/      (i notebook per la ricerca, su {l}: notebooks/README.md)\n  \
         OML_KEY_FILE={} oml --lake {l} ingest co {}   (lo stesso dato in CSV: le comunicazioni già acquisite vanno in quarantena come duplicati)",
        key_path.display(),
        data.join("co.csv").display()
    );
    // The bulletin of the last complete quarter.
    let horizon = lake.require_built()?.1.orizzonte;
    let horizon =
        chrono::NaiveDate::parse_from_str(&horizon, "%Y-%m-%d").with_context(|| format!("horizon {horizon:?}"))?;
    let period = Period::last_complete_quarter(horizon).context("horizon at the end of time")?;
    println!("\nScrivo il bollettino provinciale del {period} …");
    let spec = BulletinSpec {
        province: args.province.province.clone(),
        period,
        out: args.dir.join("bollettino"),
        sections: None,
        title: None,
        history_years: 5,
        min_workers: oml::sdc::MIN_THRESHOLD,
        min_employers: oml::sdc::MIN_THRESHOLD,
        dominanza: None,
        protezione: None,
        anno_riferimento: None,
        perimetro: Default::default(),
        precedente: None,
    };
    bulletin::write_and_report(&lake, &spec, g.quiet)
}

/// Loads the synthetic province's records of the labour information system (DID, workers in
/// CIG, mobility lists), pseudonymised with the demo's key so that they link to the CO.
fn registri_demo(lake: &Lake, key: &Key, data: &Path) -> Result<()> {
    fn one<R: registri::Registro>(lake: &Lake, key: &Key, file: &Path) -> Result<()> {
        if !file.exists() {
            return Ok(());
        }
        let r = registri::ingest::<R>(lake, key, &[file.to_path_buf()])?;
        for f in &r.caricati {
            println!(
                "  {}: {} record = {} accettati + {} in quarantena",
                f.path, f.letti, f.accettati, f.quarantena
            );
        }
        Ok(())
    }
    println!(
        "\nAcquisisco DID, lavoratori in CIG e liste di mobilità di {} …",
        data.display()
    );
    one::<registri::Did>(lake, key, &data.join("did.csv"))?;
    one::<registri::CigLavoratori>(lake, key, &data.join("cig_lavoratori.csv"))?;
    one::<registri::Mobilita>(lake, key, &data.join("mobilita.csv"))
}
