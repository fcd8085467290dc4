//! Pipeline files (`pipelines/*.toml`, run with `oml run FILE`): a recurring job described once —
//! which lake, whether to rebuild the relationships when an ingest made them stale, and the
//! bulletin to write.

use crate::report::bulletin::BulletinSpec;
use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pipeline {
    #[serde(default)]
    pub pipeline: PipelineSettings,
    pub bulletin: BulletinSpec,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineSettings {
    /// A name for logs.
    #[serde(default)]
    pub name: Option<String>,
    /// The lake, relative to the folder `oml run` is started from (the `--lake` option and
    /// `OML_LAKE` take precedence).
    #[serde(default)]
    pub lake: Option<PathBuf>,
    /// Run `oml build` first when the lake has no current relationships (after an ingest).
    #[serde(default = "yes")]
    pub build_if_stale: bool,
}

fn yes() -> bool {
    true
}

impl Pipeline {
    pub fn load(path: &Path) -> Result<Pipeline> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("{}: not a valid pipeline file", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_pipelines_parse() {
        for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/pipelines")).unwrap() {
            let p = entry.unwrap().path();
            if p.extension().is_some_and(|e| e == "toml") {
                let pl = Pipeline::load(&p).unwrap();
                assert!(!pl.bulletin.province.is_empty(), "{}", p.display());
                crate::report::bulletin::selected_sections(&pl.bulletin).unwrap();
                crate::report::bulletin::BulletinPeriod::new(&pl.bulletin.period).unwrap();
            }
        }
    }

    #[test]
    fn the_previous_bulletin_is_optional() {
        let base = "[bulletin]\nprovince = \"PO\"\nperiod = \"2024-Q4\"\nout = \"x\"\n";
        assert_eq!(toml::from_str::<Pipeline>(base).unwrap().bulletin.precedente, None);
        let with = format!("{base}precedente = \"bollettini/PO-2024-Q3\"\n");
        let p = toml::from_str::<Pipeline>(&with).unwrap();
        assert_eq!(p.bulletin.precedente, Some(PathBuf::from("bollettini/PO-2024-Q3")));
    }

    #[test]
    fn unknown_keys_are_errors() {
        let bad = "[bulletin]\nprovince = \"PO\"\nperiod = \"2024-Q4\"\nout = \"x\"\nsezioni = []\n";
        let e = toml::from_str::<Pipeline>(bad).unwrap_err().to_string();
        assert!(e.contains("sezioni"), "{e}");
    }
}
