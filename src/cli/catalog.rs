//! `oml catalog`: the lake as a documented DuckDB database file (`oml::analytics::catalog`).

use super::Global;
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;

pub const LONG_ABOUT: &str = "Write a DuckDB database file with the lake's views and macros (the same \
as `oml sql`), every view and column described by a COMMENT from the data dictionary \
(reference/oml/dizionario.csv). The file holds no data: its views read the lake's Parquet files \
by paths relative to the file's own folder, so the lake and the file move together.\n\n\
Examples:\n  \
oml catalog                              # writes <lake>/oml.duckdb\n  \
cd lake && duckdb oml.duckdb             # DuckDB resolves the paths from the working folder\n  \
SELECT table_name, column_name, comment FROM duckdb_columns() WHERE table_name = 'rapporti';\n\n\
In Python: duckdb.connect('lake/oml.duckdb') after os.chdir('lake'), or SET file_search_path = \
'lake' first. Write it again after an ingest that brings a dataset the lake did not have.";

#[derive(Args)]
pub struct CatalogArgs {
    /// The database file to write (default: oml.duckdb in the lake folder).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Also write the dictionary of every view's columns, with their types, as Markdown (the
    /// repository's docs/colonne.md is this file for the test lake).
    #[arg(long, value_name = "FILE.md")]
    dizionario: Option<PathBuf>,
    /// Generate again the column tables of a Markdown page, its blocks `<!-- colonne: VIEW -->`
    /// … `<!-- fine colonne -->` (as in docs/dizionario.md), leaving the rest as written.
    #[arg(long, value_name = "PAGE.md")]
    tabelle: Vec<PathBuf>,
}

pub fn run(g: &Global, a: &CatalogArgs) -> Result<()> {
    let lake = g.lake_or(None);
    lake.require_built()?;
    let out = a.out.clone().unwrap_or_else(|| lake.root.join("oml.duckdb"));
    let c = oml::analytics::catalog::write(&lake, &out)?;
    println!(
        "Catalogo scritto in {}: {} viste, {} colonne, ognuna con la sua descrizione{}.",
        out.display(),
        c.views,
        c.columns,
        if c.undescribed.is_empty() {
            String::new()
        } else {
            format!(" tranne {} (senza descrizione nel dizionario)", c.undescribed.len())
        }
    );
    if let Some(md) = &a.dizionario {
        std::fs::write(md, oml::analytics::catalog::markdown(&out)?)
            .map_err(|e| anyhow::anyhow!("writing {}: {e}", md.display()))?;
        println!("Dizionario delle colonne scritto in {}.", md.display());
    }
    for page in &a.tabelle {
        let text = std::fs::read_to_string(page).map_err(|e| anyhow::anyhow!("reading {}: {e}", page.display()))?;
        std::fs::write(page, oml::analytics::catalog::fill_blocks(&text, &out)?)
            .map_err(|e| anyhow::anyhow!("writing {}: {e}", page.display()))?;
        println!("Tabelle delle colonne di {} generate di nuovo.", page.display());
    }
    for (view, column) in &c.undescribed {
        eprintln!(
            "  senza descrizione: {view}{}",
            column.as_deref().map(|c| format!(".{c}")).unwrap_or_default()
        );
    }
    Ok(())
}
