//! The lake's typed errors: what a caller can act on (ingest first, build first) rather than
//! read. The CLI maps them to exit codes (`oml --help`, README) so scripts and pipelines can
//! react without matching message text.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum LakeError {
    /// No generation has been committed: nothing was ingested into this folder.
    #[error("the lake {} is empty: ingest communications first (oml ingest co …)", .lake.display())]
    Empty { lake: PathBuf },
    /// Communications are there, but no build matches them (never built, or an ingest since).
    #[error("lake not built yet: run `oml build` (relationships and marts are rebuilt after every ingest)")]
    NotBuilt { lake: PathBuf },
    /// The build is older than the layout the views read.
    #[error(
        "the lake was built by an older OML (build format {found}, this version reads {wanted}): run `oml build` again"
    )]
    OldBuild { lake: PathBuf, found: u32, wanted: u32 },
}

impl LakeError {
    /// The process exit code the CLI gives this error (1 is any other error, 2 a usage error).
    pub fn exit_code(&self) -> i32 {
        match self {
            LakeError::Empty { .. } => 3,
            LakeError::NotBuilt { .. } | LakeError::OldBuild { .. } => 4,
        }
    }
}
