//! `oml status`: what the lake holds (communications by year and event, quarantine,
//! reconciliation, the last build).

use super::Global;
use anyhow::Result;
use oml::lake::Lake;
use oml::report::status::lake_summary;

pub fn run(g: &Global) -> Result<()> {
    print!("{}", lake_summary(&Lake::new(&g.lake))?);
    Ok(())
}
