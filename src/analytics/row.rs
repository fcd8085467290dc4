//! One row of an indicator's result (`indicators`), before and after protection.

/// One row of a result: a cell's value and contributors, before protection gives it a status.
#[derive(Debug, Clone)]
pub struct Row {
    pub periodo: String,
    /// One value per breakdown column; None = the total over that column.
    pub dims: Vec<Option<String>>,
    pub misura: String,
    pub valore: Option<f64>,
    pub n_lavoratori: u64,
    /// None for an indicator whose records have no employer (`datori: no`).
    pub n_datori: Option<u64>,
    /// The two largest employer contributions to the value (dominance rule), when the file
    /// gives them.
    pub top: Option<[f64; 2]>,
    /// The cell key of the cell-key method (`chiave_cella`, macro `oml_chiave_cella`), when the
    /// file gives it and the release asks for it.
    pub chiave_cella: Option<f64>,
    /// The value of each of the indicator's parameters, as the file echoes it.
    pub parameters: Vec<Option<String>>,
}
