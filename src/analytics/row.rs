//! One row of an indicator's result (`indicators`), before and after protection, and the parser
//! of the Arrow batches an indicator file returns.

use anyhow::{Context, Result};
use arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use arrow::datatypes::{DataType, Float64Type, Int64Type};

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

/// The columns a file may return for the dominance rule: the largest and second largest
/// contribution of one employer to the cell's value.
pub const TOP_COLUMNS: [&str; 2] = ["contributo_max_1", "contributo_max_2"];

/// The column of a file's result that carries the cell key of each row (cell-key method):
/// `oml_chiave_cella(id_lavoratore) AS chiave_cella`, NULL unless the release asks for it.
pub const CELL_KEY_COLUMN: &str = "chiave_cella";

/// What the parser needs to know of the indicator whose result it reads.
pub(super) struct Shape<'a> {
    /// The records have no employer: `n_datori` is None.
    pub no_employers: bool,
    /// The parameter columns the file echoes, in the header's order.
    pub parameters: Vec<&'a str>,
}

fn text_column(b: &RecordBatch, name: &str) -> Result<ArrayRef> {
    let c = b
        .column_by_name(name)
        .with_context(|| format!("the indicator's result has no column {name}"))?;
    Ok(arrow::compute::cast(c, &DataType::Utf8)?)
}

/// The rows of one batch of a file's result run with the breakdown columns `subset` (`all` are the
/// requested ones: the others are totals, None). With `listed`, the contributor columns hold lists
/// of dense numbers (`analytics::cube`), which the caller counts: the counts are left at 0 here.
pub(super) fn parse_batch(
    b: &RecordBatch,
    shape: &Shape,
    subset: &[&str],
    all: &[String],
    listed: bool,
) -> Result<Vec<Row>> {
    let periodo = text_column(b, "periodo")?;
    let periodo = periodo.as_string::<i32>();
    let misura = text_column(b, "misura")?;
    let misura = misura.as_string::<i32>();
    let valore = arrow::compute::cast(
        b.column_by_name("valore")
            .context("the indicator's result has no column valore")?,
        &DataType::Float64,
    )?;
    let valore = valore.as_primitive::<Float64Type>();
    let count = |name: &str| -> Result<Option<ArrayRef>> {
        let c = b
            .column_by_name(name)
            .with_context(|| format!("the indicator's result has no column {name}"))?;
        Ok(if listed {
            None
        } else {
            Some(arrow::compute::cast(c, &DataType::Int64)?)
        })
    };
    let (nl, nd) = (count("n_lavoratori")?, count("n_datori")?);
    let counted = |a: &Option<ArrayRef>, i: usize| {
        a.as_ref().map_or(0, |a| {
            let a = a.as_primitive::<Int64Type>();
            if a.is_valid(i) {
                a.value(i).max(0) as u64
            } else {
                0
            }
        })
    };
    let tops: Option<Vec<ArrayRef>> = TOP_COLUMNS
        .iter()
        .map(|c| b.column_by_name(c).map(|a| arrow::compute::cast(a, &DataType::Float64)))
        .collect::<Option<Result<Vec<_>, _>>>()
        .transpose()?;
    let keys = b
        .column_by_name(CELL_KEY_COLUMN)
        .map(|a| arrow::compute::cast(a, &DataType::Float64))
        .transpose()?;
    let params: Vec<ArrayRef> = shape
        .parameters
        .iter()
        .map(|p| text_column(b, p))
        .collect::<Result<_>>()?;
    let dims: Vec<Option<ArrayRef>> = all
        .iter()
        .map(|d| {
            if subset.contains(&d.as_str()) {
                text_column(b, d).map(Some)
            } else {
                Ok(None)
            }
        })
        .collect::<Result<_>>()?;
    let mut rows = Vec::with_capacity(b.num_rows());
    for i in 0..b.num_rows() {
        let v = valore.is_valid(i).then(|| valore.value(i)).filter(|v| v.is_finite());
        rows.push(Row {
            periodo: periodo.value(i).to_string(),
            dims: dims
                .iter()
                .map(|c| {
                    c.as_ref().map(|a| {
                        let s = a.as_string::<i32>();
                        if s.is_valid(i) {
                            s.value(i).to_string()
                        } else {
                            "NON_INDICATO".to_string()
                        }
                    })
                })
                .collect(),
            misura: misura.value(i).to_string(),
            valore: v,
            n_lavoratori: counted(&nl, i),
            // A NULL count is 0 (the cell fails the threshold), unless the file declares that its
            // records have no employer.
            n_datori: (!shape.no_employers).then(|| counted(&nd, i)),
            top: tops.as_ref().map(|t| {
                let at = |k: usize| {
                    let a = t[k].as_primitive::<Float64Type>();
                    if a.is_valid(i) {
                        a.value(i)
                    } else {
                        0.0
                    }
                };
                [at(0), at(1)]
            }),
            chiave_cella: keys.as_ref().and_then(|k| {
                let k = k.as_primitive::<Float64Type>();
                k.is_valid(i).then(|| k.value(i))
            }),
            parameters: params
                .iter()
                .map(|a| {
                    let s = a.as_string::<i32>();
                    s.is_valid(i).then(|| s.value(i).to_string())
                })
                .collect(),
        });
    }
    Ok(rows)
}
