//! Writes a bulletin: `bollettino.html` (self-contained: inline CSS, font and SVG charts; prints
//! to PDF from a browser), `bollettino.md`, `bollettino.xlsx` (one sheet per table, numbers as
//! numbers, a status column beside every value column), `csv/` and `grafici/` (SVG and PNG).
//! Everything goes to a staging folder renamed into place at the end: a crash leaves the
//! previous bulletin, never half of a new one.

use super::{Block, Bulletin, TableBlock, Value, Written};
use crate::report::charts::{font_face_css, render_png, render_svg, render_svg_standalone};
use crate::report::format::{fmt_dec, fmt_pct_change};
use crate::report::xlsx::{write_xlsx, Sheet};
use crate::sdc::Status;
use anyhow::{Context, Result};
use arrow::array::{ArrayRef, Float64Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

/// Chart sizes in pixels (SVG user units).
const CHART_W: u32 = 960;
const CHART_H: u32 = 480;

/// How a value shows in HTML and Markdown: Italian numbers, "x" when withheld, "...." when not
/// available.
pub fn display(v: &Value) -> String {
    match v {
        Value::Text(s) => s.clone(),
        Value::Number(f, decimals) => match f.published() {
            Some(x) => fmt_dec(x, *decimals),
            None if f.status.is_suppressed() => "x".to_string(),
            None => "....".to_string(),
        },
        Value::Percent(Some(p)) => fmt_pct_change(*p, 1),
        Value::Percent(None) => "....".to_string(),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const CSS: &str = r#"
:root { --ink:#1a1a1a; --muted:#555; --rule:#d0d0d0; --band:#f4f6f8; --accent:#0072B2; }
* { box-sizing: border-box; }
body { font-family: "OML Sans", sans-serif; color: var(--ink); margin: 0 auto; max-width: 1040px;
       padding: 24px 32px 64px; line-height: 1.5; font-size: 15px; }
header { border-bottom: 3px solid var(--accent); margin-bottom: 16px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 8px; border-bottom: 1px solid var(--rule); padding-bottom: 4px;
     break-after: avoid; }
.subtitle, .meta { color: var(--muted); margin: 0 0 8px; }
nav ol { columns: 2; margin: 8px 0 0; padding-left: 20px; }
nav a { color: var(--accent); text-decoration: none; }
figure { margin: 16px 0; break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 12px; color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 8px 0 4px; break-inside: avoid; }
caption { text-align: left; font-weight: bold; padding: 4px 0; }
th, td { padding: 3px 6px; border-bottom: 1px solid var(--rule); }
th { background: var(--band); text-align: left; vertical-align: bottom; }
td:first-child { white-space: nowrap; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.x { color: #b00; }
tr.tot td { font-weight: bold; border-top: 1px solid var(--ink); }
.src { font-size: 11px; color: var(--muted); margin: 0 0 16px; word-break: break-word; }
.src code { font-size: 11px; }
footer { margin-top: 40px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--rule); }
@page { size: A4; margin: 14mm; }
@media print { body { max-width: none; padding: 0; font-size: 11pt; } nav { display: none; }
  h2 { break-before: auto; } a { color: inherit; } }
"#;

fn html_table(t: &TableBlock) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<table id=\"{}\"><caption>{}</caption><thead><tr>",
        t.id,
        escape(&t.title)
    );
    for h in &t.header {
        let _ = write!(s, "<th scope=\"col\">{}</th>", escape(h));
    }
    s.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        let total = matches!(row.first(), Some(Value::Text(l)) if l == "Totale");
        s.push_str(if total { "<tr class=\"tot\">" } else { "<tr>" });
        for v in row {
            let (class, title) = match v {
                Value::Text(_) => ("", String::new()),
                Value::Number(f, _) if f.status.is_suppressed() => ("n x", format!(" title=\"{}\"", f.status.label())),
                Value::Number(f, _) if f.status == Status::NotAvailable => {
                    ("n", format!(" title=\"{}\"", f.status.label()))
                }
                _ => ("n", String::new()),
            };
            let _ = write!(
                s,
                "<td{}{}>{}</td>",
                if class.is_empty() {
                    String::new()
                } else {
                    format!(" class=\"{class}\"")
                },
                title,
                escape(&display(v))
            );
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    let _ = write!(s, "<p class=\"src\">");
    for n in &t.notes {
        let _ = write!(s, "{}<br>", escape(n));
    }
    s.push_str("Fonte: elaborazioni OML su dati CO. Ricalcolo: ");
    let cmds: Vec<String> = t
        .sources
        .iter()
        .map(|c| format!("<code>{}</code>", escape(c)))
        .collect();
    s.push_str(&cmds.join("; "));
    s.push_str("</p>");
    s
}

fn svg_inline(svg: &str) -> &str {
    // Drop an XML declaration: inside HTML the <svg> element stands alone.
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

/// The HTML page.
pub fn html(b: &Bulletin, svgs: &[(String, String)]) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"it\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{}</title><style>{}{}</style></head><body><header><h1>{}</h1><p class=\"subtitle\">{}</p><p class=\"meta\">Generato il {}</p></header>",
        escape(&b.title),
        font_face_css(),
        CSS,
        escape(&b.title),
        escape(&b.subtitle),
        escape(&b.generated)
    );
    s.push_str("<nav><strong>Indice</strong><ol>");
    for sec in &b.sections {
        let _ = write!(s, "<li><a href=\"#{}\">{}</a></li>", sec.id, escape(sec.title));
    }
    s.push_str("</ol></nav><main>");
    for sec in &b.sections {
        let _ = write!(s, "<section id=\"{}\"><h2>{}</h2>", sec.id, escape(sec.title));
        for block in &sec.blocks {
            match block {
                Block::Paragraph(p) => {
                    let _ = write!(s, "<p>{}</p>", escape(p));
                }
                Block::List(items) => {
                    s.push_str("<ul>");
                    for i in items {
                        let _ = write!(s, "<li>{}</li>", escape(i));
                    }
                    s.push_str("</ul>");
                }
                Block::Table(t) => s.push_str(&html_table(t)),
                Block::Chart(c) => {
                    let svg = svgs
                        .iter()
                        .find(|(id, _)| id == &c.id)
                        .map(|(_, s)| s.as_str())
                        .unwrap_or("");
                    let _ = write!(
                        s,
                        "<figure class=\"chart\" id=\"{}\" role=\"img\" aria-label=\"{}\">{}<figcaption>{} (grafici/{}.svg, .png)</figcaption></figure>",
                        c.id,
                        escape(&c.alt),
                        svg_inline(svg),
                        escape(&c.alt),
                        c.id
                    );
                }
            }
        }
        s.push_str("</section>");
    }
    s.push_str("</main><footer><p>OML — Osservatorio del Mercato del Lavoro. x = dato soppresso per la tutela della riservatezza; .... = dato non disponibile. Tavole in bollettino.xlsx e csv/.</p></footer></body></html>\n");
    s
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// The Markdown version (charts referenced from grafici/).
pub fn markdown(b: &Bulletin) -> String {
    let mut s = format!("# {}\n\n{}\n\nGenerato il {}\n\n", b.title, b.subtitle, b.generated);
    for sec in &b.sections {
        let _ = write!(s, "## {}\n\n", sec.title);
        for block in &sec.blocks {
            match block {
                Block::Paragraph(p) => {
                    let _ = write!(s, "{p}\n\n");
                }
                Block::List(items) => {
                    for i in items {
                        let _ = writeln!(s, "- {}", md_cell(i));
                    }
                    s.push('\n');
                }
                Block::Table(t) => {
                    let _ = write!(
                        s,
                        "**{}**\n\n| {} |\n|",
                        t.title,
                        t.header.iter().map(|h| md_cell(h)).collect::<Vec<_>>().join(" | ")
                    );
                    for (i, _) in t.header.iter().enumerate() {
                        s.push_str(if i == 0 { ":---|" } else { "---:|" });
                    }
                    s.push('\n');
                    for row in &t.rows {
                        let cells: Vec<String> = row.iter().map(|v| md_cell(&display(v))).collect();
                        let _ = writeln!(s, "| {} |", cells.join(" | "));
                    }
                    let _ = write!(
                        s,
                        "\n_Ricalcolo: {}_\n\n",
                        t.sources
                            .iter()
                            .map(|c| format!("`{c}`"))
                            .collect::<Vec<_>>()
                            .join("; ")
                    );
                }
                Block::Chart(c) => {
                    let _ = write!(s, "![{}](grafici/{}.svg)\n\n", c.alt, c.id);
                }
            }
        }
    }
    s.push_str("---\nx = dato soppresso per la tutela della riservatezza; .... = dato non disponibile.\n");
    s
}

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
                Value::Percent(p) => p.map(|p| (p * 10.0).round() / 10.0),
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
    write_xlsx(&dir.join("bollettino.xlsx"), &sheets)?;
    std::fs::write(dir.join("bollettino.html"), html(b, &svgs))?;
    std::fs::write(dir.join("bollettino.md"), markdown(b))?;
    Ok((sheets.len(), svgs.len(), suppressed))
}

/// Excel limits sheet names to 31 characters.
fn sheet_name(id: &str) -> String {
    id.chars().take(31).collect()
}
