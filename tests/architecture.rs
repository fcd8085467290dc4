//! The invariants of `ARCHITECTURE.md` that a machine can check: the ladder of stages (each
//! stage imports only the floors below it), no import cycle between the files of a stage, and
//! the size of the rooms (no file of `src/` over 800 lines, tests apart).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The floors, bottom up. A stage may import only stages on lower floors; stages on the same
/// floor do not import each other.
const LADDER: &[(&str, u32)] = &[
    ("model", 0),
    ("reference", 0),
    ("privacy", 0),
    ("sdc", 0),
    ("sql", 0),
    ("stats", 0),
    ("quality", 1),
    ("sources", 2),
    ("lake", 3),
    ("synth", 3),
    ("ingest", 4),
    ("derive", 5),
    ("analytics", 6),
    ("report", 7),
    ("pipeline", 8),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// A file that only holds tests (`tests.rs`, `*_tests.rs`, anything under a `tests/` folder).
fn is_test_file(p: &Path) -> bool {
    let name = p.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    name == "tests" || name.ends_with("_tests") || p.components().any(|c| c.as_os_str() == "tests")
}

/// The text of a file without its `#[cfg(test)]` module and without comments.
fn code_of(p: &Path) -> String {
    let text = std::fs::read_to_string(p).unwrap();
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(i) => &text[..i],
        None => &text,
    };
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The names following `prefix` in `code` (`crate::lake::x` → `lake` for prefix `crate::`).
fn names_after(code: &str, prefix: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let before_ok = i == 0 || !rest.as_bytes()[i - 1].is_ascii_alphanumeric() && rest.as_bytes()[i - 1] != b'_';
        rest = &rest[i + prefix.len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if before_ok && !name.is_empty() {
            out.insert(name);
        }
    }
    out
}

/// The top-level stage a file of `src/` belongs to (`src/lake/schema.rs` → `lake`).
fn stage_of(p: &Path) -> Option<String> {
    let rel = p.strip_prefix(src()).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    Some(first.trim_end_matches(".rs").to_string())
}

#[test]
fn every_stage_imports_only_the_floors_below_it() {
    let floor: BTreeMap<&str, u32> = LADDER.iter().copied().collect();
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut violations = Vec::new();
    for f in &files {
        let Some(stage) = stage_of(f) else { continue };
        if ["main", "lib", "cli"].contains(&stage.as_str()) || is_test_file(f) {
            continue;
        }
        let mine = *floor.get(stage.as_str()).unwrap_or_else(|| {
            panic!(
                "{}: stage {stage} is not on the ladder of tests/architecture.rs",
                f.display()
            )
        });
        for used in names_after(&code_of(f), "crate::") {
            if used == stage {
                continue;
            }
            let Some(&theirs) = floor.get(used.as_str()) else {
                continue;
            };
            if theirs >= mine {
                violations.push(format!(
                    "{} ({stage}, floor {mine}) imports {used} (floor {theirs})",
                    f.strip_prefix(src()).unwrap().display()
                ));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "imports against the ladder:\n{}",
        violations.join("\n")
    );
}

/// The sibling files of a folder a file refers to through `super::NAME` or
/// `crate::STAGE::NAME` (only names that are files of the same folder).
fn sibling_refs(f: &Path, stage: &str, siblings: &BTreeSet<String>) -> BTreeSet<String> {
    let code = code_of(f);
    let mut refs = names_after(&code, "super::");
    refs.extend(names_after(&code, &format!("crate::{stage}::")));
    let me = f.file_stem().unwrap().to_string_lossy().into_owned();
    refs.into_iter().filter(|r| siblings.contains(r) && *r != me).collect()
}

#[test]
fn the_files_of_a_folder_import_each_other_without_cycles() {
    let mut folders = Vec::new();
    for e in std::fs::read_dir(src()).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            folders.push(p);
        }
    }
    let mut cycles = Vec::new();
    for dir in folders {
        // The direct children (files and sub-folders) of the folder, mod.rs and tests apart:
        // mod.rs is the folder itself (its items are what the children share).
        let mut children: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if is_test_file(&p) || p.file_name().is_some_and(|n| n == "mod.rs") {
                continue;
            }
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let mut files = Vec::new();
            if p.is_dir() {
                rust_files(&p, &mut files);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p.clone());
            }
            files.retain(|f| !is_test_file(f));
            children.entry(name).or_default().extend(files);
        }
        let names: BTreeSet<String> = children.keys().cloned().collect();
        let stage = dir.file_name().unwrap().to_string_lossy().into_owned();
        let edges: BTreeMap<String, BTreeSet<String>> = children
            .iter()
            .map(|(n, files)| {
                // Sub-folder files refer to their siblings with `super::super::` or the full
                // path; direct files with `super::`.
                let refs = files
                    .iter()
                    .flat_map(|f| {
                        if f.parent() == Some(dir.as_path()) {
                            sibling_refs(f, &stage, &names)
                        } else {
                            names_after(&code_of(f), &format!("crate::{stage}::"))
                                .into_iter()
                                .filter(|r| names.contains(r) && r != n)
                                .collect()
                        }
                    })
                    .collect();
                (n.clone(), refs)
            })
            .collect();
        // Depth-first search for a back edge.
        fn visit(
            n: &str,
            edges: &BTreeMap<String, BTreeSet<String>>,
            state: &mut BTreeMap<String, u8>,
            path: &mut Vec<String>,
        ) -> Option<Vec<String>> {
            match state.get(n) {
                Some(1) => {
                    let start = path.iter().position(|p| p == n).unwrap_or(0);
                    let mut c = path[start..].to_vec();
                    c.push(n.to_string());
                    return Some(c);
                }
                Some(2) => return None,
                _ => {}
            }
            state.insert(n.to_string(), 1);
            path.push(n.to_string());
            for m in edges.get(n).into_iter().flatten() {
                if let Some(c) = visit(m, edges, state, path) {
                    return Some(c);
                }
            }
            path.pop();
            state.insert(n.to_string(), 2);
            None
        }
        let mut state = BTreeMap::new();
        for n in edges.keys() {
            if let Some(c) = visit(n, &edges, &mut state, &mut Vec::new()) {
                cycles.push(format!("src/{stage}/: {}", c.join(" → ")));
                break;
            }
        }
    }
    assert!(
        cycles.is_empty(),
        "import cycles between the files of a folder:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn no_file_of_src_is_over_800_lines_tests_apart() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let big: Vec<String> = files
        .iter()
        .filter(|f| !is_test_file(f))
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > 800).then(|| format!("{} ({n} lines)", f.strip_prefix(src()).unwrap().display()))
        })
        .collect();
    assert!(big.is_empty(), "rooms over 800 lines:\n{}", big.join("\n"));
}
