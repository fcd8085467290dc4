//! Links the prebuilt DuckDB library (the default; `--features bundled` compiles it instead).
//!
//! `libduckdb-sys` links `libduckdb.so` from `DUCKDB_LIB_DIR` (set in `.cargo/config.toml`).
//! This script makes sure the library is there, fetching the pinned release on the first
//! build (`scripts/fetch-libduckdb.sh`, which verifies it), and makes every binary and test of
//! the crate find it at run time without `LD_LIBRARY_PATH`: the library is linked beside the
//! binaries (`target/release/libduckdb.so`, found through the rpath `$ORIGIN`, so `oml` and
//! `libduckdb.so` can be copied together anywhere), and the rpath also names the library's own
//! folder (for the test binaries in `target/release/deps/`).

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const LIB: &str = "libduckdb.so";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=scripts/fetch-libduckdb.sh");
    println!("cargo:rerun-if-env-changed=DUCKDB_LIB_DIR");
    if env::var_os("CARGO_FEATURE_BUNDLED").is_some() {
        return; // DuckDB is compiled into libduckdb-sys.
    }
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let Some(dir) = env::var_os("DUCKDB_LIB_DIR").map(PathBuf::from) else {
        panic!(
            "DUCKDB_LIB_DIR is not set: .cargo/config.toml sets it; \
             or build with --features bundled (compiles DuckDB's C++, ~25 minutes)"
        );
    };
    let dir = if dir.is_absolute() { dir } else { manifest_dir.join(dir) };
    let lib = dir.join(LIB);
    println!("cargo:rerun-if-changed={}", lib.display());

    let fetch = manifest_dir.join("scripts/fetch-libduckdb.sh");
    if !lib.exists() || is_ours(&dir, &manifest_dir) {
        // Idempotent and quick when the verified library is already there.
        let status = Command::new("bash").arg(&fetch).arg(&dir).status();
        match status {
            Ok(s) if s.success() => {}
            _ => panic!(
                "could not fetch the prebuilt DuckDB into {} (see the message above). \
                 Alternatives: export DUCKDB_LIB_DIR=<folder with {LIB} 1.5.6>, \
                 or build with --features bundled",
                dir.display()
            ),
        }
    }

    println!("cargo:rustc-link-arg=-Wl,-rpath,$ORIGIN");
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.display());
    if let Some(profile_dir) = profile_dir() {
        place_beside(&lib, &profile_dir.join(LIB));
    }
}

/// Whether `dir` is the folder `.cargo/config.toml` names (inside this crate's `target/`),
/// which this script manages; a folder the user exported is only read.
fn is_ours(dir: &Path, manifest_dir: &Path) -> bool {
    dir.starts_with(manifest_dir.join("target").join("libduckdb"))
}

/// `target/<profile>/`: three levels above `OUT_DIR` (`target/<profile>/build/<pkg>/out`).
fn profile_dir() -> Option<PathBuf> {
    let out = PathBuf::from(env::var_os("OUT_DIR")?);
    Some(out.ancestors().nth(3)?.to_path_buf())
}

/// Hard-links (or copies, across file systems) the library beside the binaries.
fn place_beside(lib: &Path, dest: &Path) {
    let same = match (std::fs::metadata(lib), std::fs::metadata(dest)) {
        (Ok(a), Ok(b)) => a.len() == b.len() && a.modified().ok() == b.modified().ok(),
        _ => false,
    };
    if same {
        return;
    }
    let _ = std::fs::remove_file(dest);
    if std::fs::hard_link(lib, dest).is_err() {
        std::fs::copy(lib, dest).unwrap_or_else(|e| panic!("copying {} to {}: {e}", lib.display(), dest.display()));
    }
}
