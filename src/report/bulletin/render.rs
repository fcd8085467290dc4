//! Writes a bulletin: `bollettino.html` (self-contained: inline CSS, font and SVG charts; prints
//! to PDF from a browser) and `bollettino.md`, both from templates ([`super::markup`]),
//! `bollettino.xlsx` (one sheet per table, numbers as numbers, a status column beside every value
//! column), `csv/`, `grafici/` (SVG and PNG) and `dati/serie_mensili.csv` (the published monthly
//! series, read back by the next bulletin's `--precedente`).
//! Everything goes to a staging folder renamed into place at the end: a crash leaves the
//! previous bulletin, never half of a new one.

use super::markup::{html, markdown};
use super::{Block, Bulletin, TableBlock, Value, Written};
use crate::report::charts::{render_png, render_svg, render_svg_standalone};
use crate::report::xlsx::{write_xlsx, Sheet};
use anyhow::{Context, Result};
use arrow::array::{ArrayRef, Float64Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use std::path::Path;
use std::sync::Arc;

/// Chart sizes in pixels (SVG user units).
const CHART_W: u32 = 960;
const CHART_H: u32 = 480;

/// A table as an Arrow batch for XLSX and CSV: text columns as text, numbers as Float64 (null
/// when not shown), and after each number column its disclosure status.
pub fn table_batch(t: &TableBlock) -> Result<RecordBatch> {
    let mut fields = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    let empty = Value::Text(String::new());
    for (j, h) in t.header.iter().enumerate() {
        let col: Vec<&Value> = t.rows.iter().map(|r| r.get(j).unwrap_or(&empty)).collect();
        let numeric = col.iter().any(|v| !matches!(v, Value::Text(_)));
        if !numeric {
            fields.push(Field::new(h, DataType::Utf8, true));
            let vals: Vec<Option<String>> = col
                .iter()
                .map(|v| match v {
                    Value::Text(s) => Some(s.trim().to_string()),
                    _ => None,
                })
                .collect();
            columns.push(Arc::new(StringArray::from(vals)));
            continue;
        }
        let values: Vec<Option<f64>> = col
            .iter()
            .map(|v| match v {
                Value::Number(f, _) => f.published(),
                Value::Percent(p) | Value::Share(p) => p.map(|p| (p * 10.0).round() / 10.0),
                Value::Text(_) => None,
            })
            .collect();
        fields.push(Field::new(h, DataType::Float64, true));
        columns.push(Arc::new(Float64Array::from(values)));
        if col.iter().any(|v| matches!(v, Value::Number(..))) {
            let states: Vec<Option<&str>> = col
                .iter()
                .map(|v| match v {
                    Value::Number(f, _) => Some(f.status.label()),
                    _ => None,
                })
                .collect();
            fields.push(Field::new(format!("{h} – stato"), DataType::Utf8, true));
            columns.push(Arc::new(StringArray::from(states)));
        }
    }
    Ok(RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)?)
}

fn write_csv(path: &Path, batch: &RecordBatch) -> Result<()> {
    let file = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut w = arrow::csv::WriterBuilder::new().with_header(true).build(file);
    w.write(batch).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Writes every file into a staging folder next to `out`, then moves it into place.
pub fn write(b: &Bulletin, out: &Path) -> Result<Written> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let name = out
        .file_name()
        .context("the output folder has no name")?
        .to_string_lossy()
        .to_string();
    let staging = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging)?;
    }
    let (tables, charts, suppressed_cells) = match write_into(b, &staging) {
        Ok(counts) => counts,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    // Swap: the old bulletin is moved aside first, removed only once the new one is in place.
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    if out.exists() {
        std::fs::rename(out, &old).with_context(|| format!("moving the previous {} aside", out.display()))?;
    }
    std::fs::rename(&staging, out).with_context(|| format!("moving the bulletin into {}", out.display()))?;
    if old.exists() {
        std::fs::remove_dir_all(&old)?;
    }
    Ok(Written {
        dir: out.to_path_buf(),
        html: out.join("bollettino.html"),
        tables,
        charts,
        suppressed_cells,
        protection: Default::default(),
    })
}

fn write_into(b: &Bulletin, dir: &Path) -> Result<(usize, usize, usize)> {
    let grafici = dir.join("grafici");
    let csv = dir.join("csv");
    std::fs::create_dir_all(&grafici)?;
    std::fs::create_dir_all(&csv)?;
    let series = super::vintage::series_path(dir);
    if let Some(dati) = series.parent() {
        std::fs::create_dir_all(dati)?;
    }
    b.series.write(&series)?;
    let mut svgs = Vec::new();
    for c in b.charts() {
        let svg = render_svg(&c.chart, CHART_W, CHART_H).with_context(|| format!("drawing chart {}", c.id))?;
        std::fs::write(
            grafici.join(format!("{}.svg", c.id)),
            render_svg_standalone(&c.chart, CHART_W, CHART_H)?,
        )?;
        std::fs::write(
            grafici.join(format!("{}.png", c.id)),
            render_png(&c.chart, CHART_W, CHART_H)?,
        )?;
        svgs.push((c.id.clone(), svg));
    }
    let mut sheets = Vec::new();
    let mut suppressed = 0;
    for t in b.tables() {
        let batch = table_batch(t)?;
        write_csv(&csv.join(format!("{}.csv", t.id)), &batch)?;
        suppressed += t
            .rows
            .iter()
            .flatten()
            .filter(|v| matches!(v, Value::Number(f, _) if f.status.is_suppressed()))
            .count();
        let mut sheet = Sheet::new(sheet_name(&t.id), vec![batch]).with_title(t.title.clone());
        for n in &t.notes {
            sheet = sheet.with_note(n.clone());
        }
        for c in &t.sources {
            sheet = sheet.with_note(format!("Ricalcolo: {c}"));
        }
        sheet = sheet.with_note("Stato: ok = pubblicato; soppressa_primaria / soppressa_secondaria = dato riservato (cella vuota); non_disponibile.");
        sheets.push(sheet);
    }
    let tables = sheets.len();
    sheets.push(notes_sheet(b)?);
    write_xlsx(&dir.join("bollettino.xlsx"), &sheets)?;
    std::fs::write(dir.join("bollettino.html"), html(b, &svgs)?)?;
    std::fs::write(dir.join("bollettino.md"), markdown(b)?)?;
    Ok((tables, svgs.len(), suppressed))
}

/// The XLSX "Note" sheet: the bulletin's title, then the paragraphs and lists of its methods and
/// sources sections (method, glossary, commands, sources), one per row.
fn notes_sheet(b: &Bulletin) -> Result<Sheet> {
    let mut lines = vec![
        b.title.clone(),
        b.subtitle.clone(),
        format!("Generato il {}", b.generated),
    ];
    for s in b.sections.iter().filter(|s| ["metodologia", "fonti"].contains(&s.id)) {
        lines.push(String::new());
        lines.push(s.title.to_string());
        for block in &s.blocks {
            match block {
                Block::Paragraph(p) => lines.push(p.clone()),
                Block::List(items) => lines.extend(items.iter().map(|i| format!("– {i}"))),
                Block::Table(_) | Block::Chart(_) => {}
            }
        }
    }
    let schema = Arc::new(Schema::new(vec![Field::new("Nota", DataType::Utf8, false)]));
    let batch = RecordBatch::try_new(schema, vec![Arc::new(StringArray::from(lines)) as ArrayRef])?;
    Ok(Sheet::new("Note", vec![batch]).with_title("Note metodologiche, glossario e fonti"))
}

/// Excel limits sheet names to 31 characters.
fn sheet_name(id: &str) -> String {
    id.chars().take(31).collect()
}
