//! `oml run FILE`: a pipeline file (`pipelines/*.toml`, format in `oml::pipeline`) — rebuild
//! when the relationships are stale, then the bulletin it describes.

use super::{build, bulletin, Global};
use anyhow::Result;
use clap::Args;
use oml::pipeline::Pipeline;
use std::path::PathBuf;

#[derive(Args)]
pub struct RunArgs {
    /// The pipeline file, e.g. pipelines/prato.toml.
    file: PathBuf,
}

pub fn run(g: &Global, a: &RunArgs) -> Result<()> {
    let p = Pipeline::load(&a.file)?;
    let lake = g.lake_or(p.pipeline.lake.as_deref());
    if let Some(n) = &p.pipeline.name {
        println!("Pipeline: {n}");
    }
    if p.pipeline.build_if_stale && lake.manifest()?.build.is_none() {
        println!("I rapporti di lavoro non sono aggiornati: eseguo oml build …");
        build::build_and_report(&lake, &Default::default(), true, g.quiet)?;
    }
    bulletin::write_and_report(&lake, &p.bulletin, g.quiet)
}
