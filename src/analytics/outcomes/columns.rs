//! A result table built column by column (the tables of `oml outcomes` have their own shapes,
//! not the long indicator layout of `Row`).

use anyhow::Result;
use arrow::array::{ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use std::sync::Arc;

/// One column of a table being built.
pub enum Column {
    Text(Vec<Option<String>>),
    Number(Vec<Option<f64>>),
    Count(Vec<Option<i64>>),
    Flag(Vec<Option<bool>>),
}

/// Named columns of equal length, turned into one record batch.
#[derive(Default)]
pub struct Columns {
    names: Vec<String>,
    columns: Vec<Column>,
}

impl Columns {
    /// Adds a column (all columns must end with the same length).
    pub fn push(&mut self, name: &str, column: Column) -> &mut Self {
        self.names.push(name.to_string());
        self.columns.push(column);
        self
    }

    pub fn text<I: IntoIterator<Item = Option<String>>>(&mut self, name: &str, v: I) -> &mut Self {
        self.push(name, Column::Text(v.into_iter().collect()))
    }

    pub fn number<I: IntoIterator<Item = Option<f64>>>(&mut self, name: &str, v: I) -> &mut Self {
        self.push(name, Column::Number(v.into_iter().collect()))
    }

    pub fn count<I: IntoIterator<Item = Option<i64>>>(&mut self, name: &str, v: I) -> &mut Self {
        self.push(name, Column::Count(v.into_iter().collect()))
    }

    pub fn flag<I: IntoIterator<Item = Option<bool>>>(&mut self, name: &str, v: I) -> &mut Self {
        self.push(name, Column::Flag(v.into_iter().collect()))
    }

    /// The record batch (an empty table keeps its columns).
    pub fn batch(self) -> Result<RecordBatch> {
        let mut fields = Vec::with_capacity(self.names.len());
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(self.names.len());
        for (name, c) in self.names.iter().zip(self.columns) {
            let (t, a): (DataType, ArrayRef) = match c {
                Column::Text(v) => (DataType::Utf8, Arc::new(StringArray::from(v))),
                Column::Number(v) => (DataType::Float64, Arc::new(Float64Array::from(v))),
                Column::Count(v) => (DataType::Int64, Arc::new(Int64Array::from(v))),
                Column::Flag(v) => (DataType::Boolean, Arc::new(BooleanArray::from(v))),
            };
            fields.push(Field::new(name, t, true));
            arrays.push(a);
        }
        Ok(RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)?)
    }
}
