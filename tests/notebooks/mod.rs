//! The notebooks of `notebooks/` run, whole, against the test lake with the Python packages a
//! researcher installs (nbclient, ipykernel, duckdb, polars, matplotlib: `OML_PYNB` names the
//! folder that holds them, `.ci/run` installs it), and are kept in git without outputs.

use crate::build_indicators::built_synthetic;

fn code_cells(nb: &serde_json::Value) -> Vec<&serde_json::Value> {
    nb["cells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["cell_type"] == "code")
        .collect()
}

fn notebooks() -> Vec<(String, serde_json::Value)> {
    let mut out: Vec<(String, serde_json::Value)> = std::fs::read_dir("notebooks")
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "ipynb"))
        .map(|p| {
            let nb = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            (p.file_name().unwrap().to_string_lossy().into_owned(), nb)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn the_notebooks_are_kept_without_outputs() {
    let nbs = notebooks();
    assert!(nbs.len() >= 4, "{:?}", nbs.iter().map(|n| &n.0).collect::<Vec<_>>());
    for (name, nb) in &nbs {
        assert_eq!(nb["nbformat"], 4, "{name}");
        for c in code_cells(nb) {
            assert_eq!(c["outputs"], serde_json::json!([]), "{name}: a cell with outputs");
            assert!(c["execution_count"].is_null(), "{name}: a cell with an execution count");
        }
    }
}

#[test]
fn the_notebooks_run_against_the_test_lake() {
    let Some(dir) = crate::python_packages("the_notebooks_run_against_the_test_lake") else {
        return;
    };
    let lake = std::fs::canonicalize(&built_synthetic().root).unwrap();
    let v = crate::python_duckdb(
        &dir.to_string_lossy(),
        "notebooks.py",
        &["notebooks", &lake.to_string_lossy()],
    );
    let ran = v["notebooks"].as_object().unwrap();
    for (name, nb) in notebooks() {
        assert_eq!(ran[&name], code_cells(&nb).len(), "{name}: code cells run");
    }
}
