//! `oml export --public`: the public-use files (`oml::report::pubblico`).

use super::Global;
use anyhow::{bail, Result};
use clap::Args;
use std::path::PathBuf;

pub const LONG_ABOUT: &str = "Write the public-use files of the observatory: what a person outside it may \
receive. They are the protected tables (marts) that `oml build` computes, each as CSV, Parquet and a \
sheet of tavole.xlsx, with a LEGGIMI.md that states their source, the disclosure rules, what every \
status and column means and the sha256 of every file. Nothing is written unless every row passes the \
checks: no pseudonym (no id_* column, no value shaped like one), a status on every row, no value or \
contributor count on a row that is not published.\n\n\
Example:\n  oml export --public --out pubblico-2024/";

#[derive(Args)]
pub struct ExportArgs {
    /// The public-use files (the only export there is: the flag says what leaves the observatory).
    #[arg(long)]
    public: bool,
    /// The folder to write (must not exist, or be empty).
    #[arg(long)]
    out: PathBuf,
}

pub fn run(g: &Global, a: &ExportArgs) -> Result<()> {
    if !a.public {
        bail!("oml export writes the public-use files only: pass --public (see oml export --help)");
    }
    let e = oml::report::pubblico::export_public(&g.lake_or(None), &a.out)?;
    println!("File per uso pubblico scritti in {}:", e.dir.display());
    for f in &e.files {
        println!("  {:<28} {:>8} righe  {}", f.nome, f.righe, f.sha256);
    }
    println!("  LEGGIMI.md (fonte, regole di riservatezza, stati e colonne)");
    Ok(())
}
