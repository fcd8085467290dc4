//! Links the prebuilt DuckDB library (the default; `--features bundled` compiles it instead).
//!
//! `libduckdb-sys` links `libduckdb.so` from `DUCKDB_LIB_DIR` (set in `.cargo/config.toml`).
//! This script makes sure the library is there, fetching the pinned release on the first
//! build (`scripts/fetch-libduckdb.sh`, which verifies it), and makes every binary and test of
//! the crate find it at run time without `LD_LIBRARY_PATH`: the library is linked beside the
//! binaries (`target/release/libduckdb.so`, found through the rpath `$ORIGIN`, so `oml` and
//! `libduckdb.so` can be copied together anywhere), and the rpath also names the library's own
//! folder (for the test binaries in `target/release/deps/`).
//!
//! It also embeds the SQL of `sql/` (see `sql/README.md`): [`embed_sql`] finds the files in
//! their folders and writes `$OUT_DIR/sql_files.rs`, which `src/sql.rs` includes, so a file
//! dropped into `sql/indicatori/` (or a view into a layer) is built in with no list to edit.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const LIB: &str = "libduckdb.so";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    embed_sql();
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

/// The folders of `sql/` whose files make the lake views, in run order: macros first (views
/// use them), then each layer of views after the ones it reads.
const VIEW_LAYERS: [&str; 4] = ["macros", "staging", "intermediate", "marts"];

/// Writes `$OUT_DIR/sql_files.rs`: `VIEW_FILES` (every file of [`VIEW_LAYERS`], in run order:
/// layer by layer, by file name within a layer), `VIEWS_SQL` (`sql/header.sql`, then each of
/// those files after a line naming it) and `INDICATOR_FILES` (the files of `sql/indicatori/`
/// by name, the name being the file's stem). The texts are `include_str!`s of the files, so
/// the binary holds exactly what `sql/` holds. Anything else in `sql/` (but `README.md`) is an
/// error here rather than a file silently left out.
fn embed_sql() {
    println!("cargo:rerun-if-changed=sql");
    let root = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo")).join("sql");
    let sql_files = |folder: &str| -> Vec<(String, String)> {
        let dir = root.join(folder);
        let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
            .map(|entry| {
                let path = entry.expect("a folder entry").path();
                let name = path.file_name().and_then(|n| n.to_str()).map(str::to_string);
                match name {
                    Some(name) if path.is_file() && name.ends_with(".sql") => {
                        let path = path.to_str().expect("a UTF-8 path").to_string();
                        (name, path)
                    }
                    _ => panic!("{}: sql/{folder}/ holds only .sql files", path.display()),
                }
            })
            .collect();
        files.sort();
        files
    };
    for entry in std::fs::read_dir(&root).unwrap_or_else(|e| panic!("reading {}: {e}", root.display())) {
        let name = entry.expect("a folder entry").file_name();
        let name = name.to_string_lossy();
        let known =
            VIEW_LAYERS.contains(&name.as_ref()) || ["indicatori", "header.sql", "README.md"].contains(&name.as_ref());
        assert!(
            known,
            "sql/{name}: not a layer of sql/README.md (macros, staging, intermediate, marts, indicatori)"
        );
    }

    let header = root.join("header.sql");
    let mut views = format!("    include_str!({:?}),\n", header.to_str().expect("a UTF-8 path"));
    let mut view_files = String::new();
    for layer in VIEW_LAYERS {
        for (name, path) in sql_files(layer) {
            let (banner, under) = (format!("\n-- sql/{layer}/{name}\n"), format!("{layer}/{name}"));
            views += &format!("    {banner:?},\n    include_str!({path:?}),\n");
            view_files += &format!("    ({under:?}, include_str!({path:?})),\n");
        }
    }
    let mut indicators = String::new();
    for (name, path) in sql_files("indicatori") {
        let stem = name.strip_suffix(".sql").expect("a .sql file");
        indicators += &format!("    ({stem:?}, include_str!({path:?})),\n");
    }
    let code = format!(
        "// Generated by build.rs from the files of sql/.\n\n\
         /// The files of the lake views, in run order: path under `sql/`, text.\n\
         pub const VIEW_FILES: &[(&str, &str)] = &[\n{view_files}];\n\n\
         /// `sql/header.sql`, then every file of [`VIEW_FILES`] after a line naming it.\n\
         pub const VIEWS_SQL: &str = concat!(\n{views});\n\n\
         /// The files of `sql/indicatori/` in name order: name (the file's stem), text.\n\
         pub const INDICATOR_FILES: &[(&str, &str)] = &[\n{indicators}];\n"
    );
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo")).join("sql_files.rs");
    if std::fs::read_to_string(&out).ok().as_deref() != Some(code.as_str()) {
        std::fs::write(&out, code).unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
    }
}
