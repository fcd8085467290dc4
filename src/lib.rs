//! OML — Osservatorio del Mercato del Lavoro.
//!
//! The data flow, one module per stage:
//! `sources` (read UNILAV XML, the CSV extract, Lombardia open data) → `quality` (validate,
//! reason codes) + `privacy` (keyed pseudonyms) → `ingest` (parallel pipeline, rettifica /
//! annullamento resolution, reconciliation) → `lake` (hive-partitioned Parquet, manifest,
//! atomic generations) → `analytics` (DuckDB views and queries). `reference` holds the code
//! lists; `synth` generates a synthetic province with ground truth.

pub mod analytics;
pub mod derive;
pub mod ingest;
pub mod lake;
pub mod model;
pub mod pipeline;
pub mod privacy;
pub mod quality;
pub mod reference;
pub mod report;
pub mod sdc;
pub mod sources;
pub mod sql;
pub mod stats;
pub mod synth;
