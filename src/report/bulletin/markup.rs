//! The bulletin's HTML page and Markdown text, rendered with minijinja from the templates in
//! `templates/bulletin/` (embedded in the binary: nothing is read at run time). They sit at the
//! top of the repository, like `sql/` and `reference/`: sources that are not Rust, where the
//! wording and the markup can be changed without reading the code.
//!
//! The templates get data, not markup: [`Page`] holds the texts and the table cells as the reader
//! sees them (Italian numbers, "x" when withheld, "...." when not available), and the engine
//! escapes every value it writes into the HTML. Two fragments are markup made by our own code and
//! go in as they are, marked in one place ([`Trusted`]): the inline SVG of each chart and the
//! font's `@font-face` CSS.
//!
//! The engine escapes `& < > "` — enough for text and double-quoted attributes, and what the page
//! has always had; minijinja's default set would also rewrite `'` and `/` (every apostrophe of the
//! Italian text), changing the bytes of the page for nothing.

use super::{Block, Bulletin, Section, TableBlock, Value};
use crate::report::charts::font_face_css;
use crate::report::format::{fmt_dec, fmt_pct, fmt_pct_change};
use crate::sdc::Status;
use anyhow::{anyhow, Result};
use minijinja::{AutoEscape, Environment, Error, Output, State, UndefinedBehavior};
use serde::{Serialize, Serializer};
use std::sync::OnceLock;

/// The templates, by name (the extension sets the escaping: `.html` escaped, others not).
const TEMPLATES: [(&str, &str); 4] = [
    (
        "bulletin.html",
        include_str!("../../../templates/bulletin/bulletin.html"),
    ),
    ("table.html", include_str!("../../../templates/bulletin/table.html")),
    ("bulletin.css", include_str!("../../../templates/bulletin/bulletin.css")),
    ("bulletin.md", include_str!("../../../templates/bulletin/bulletin.md")),
];

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
        Value::Share(Some(p)) => fmt_pct(*p, 1),
        Value::Percent(None) | Value::Share(None) => "....".to_string(),
    }
}

/// The HTML page, self-contained: `svgs` are the charts' SVG by chart id.
pub fn html(b: &Bulletin, svgs: &[(String, String)]) -> Result<String> {
    render("bulletin.html", &Page::new(b, svgs, Some(font_face_css())))
}

/// The Markdown version (charts referenced from grafici/).
pub fn markdown(b: &Bulletin) -> Result<String> {
    render("bulletin.md", &Page::new(b, &[], None))
}

fn render(name: &str, page: &Page) -> Result<String> {
    let env = environment()?;
    let template = env
        .get_template(name)
        .map_err(|e| anyhow!("bulletin template {name}: {e:#}"))?;
    template
        .render(page)
        .map_err(|e| anyhow!("rendering the bulletin template {name}: {e:#}"))
}

/// The engine, with the templates parsed once per process.
fn environment() -> Result<&'static Environment<'static>> {
    static ENV: OnceLock<Result<Environment<'static>, String>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // A line holding only a {% tag %} leaves nothing; the last newline of a file stays.
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_keep_trailing_newline(true);
        // A misspelt field is an error, not an empty string.
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_formatter(write_value);
        env.add_filter("md_cell", md_cell);
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .map_err(|e| format!("bulletin template {name}: {e:#}"))?;
        }
        Ok(env)
    })
    .as_ref()
    .map_err(|e| anyhow!("{e}"))
}

/// Writes a `{{ value }}`: escaped in HTML unless [`Trusted`], as it is elsewhere.
fn write_value(out: &mut Output, state: &State, value: &minijinja::Value) -> Result<(), Error> {
    if state.auto_escape() == AutoEscape::Html && !value.is_safe() {
        out.write_str(&escape_html(&value.to_string()))?;
        Ok(())
    } else {
        minijinja::escape_formatter(out, state, value)
    }
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A table cell in Markdown: a "|" would end the cell.
fn md_cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// Markup made by our own code (a chart's SVG, the font CSS), written into the page as it is:
/// the one place where the engine is told not to escape.
struct Trusted(String);

impl Serialize for Trusted {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        minijinja::Value::from_safe_string(self.0.clone()).serialize(serializer)
    }
}

/// What the templates see: the bulletin as texts and cells, no markup but [`Trusted`] fragments.
#[derive(Serialize)]
struct Page<'a> {
    title: &'a str,
    subtitle: &'a str,
    generated: &'a str,
    /// The chart font as CSS `@font-face` rules (HTML only).
    font_css: Option<Trusted>,
    sections: Vec<SectionView<'a>>,
}

#[derive(Serialize)]
struct SectionView<'a> {
    id: &'a str,
    title: &'a str,
    blocks: Vec<BlockView<'a>>,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum BlockView<'a> {
    Paragraph { text: &'a str },
    List { items: &'a [String] },
    Table(TableView<'a>),
    Chart { id: &'a str, alt: &'a str, svg: Trusted },
}

#[derive(Serialize)]
struct TableView<'a> {
    id: &'a str,
    title: &'a str,
    header: &'a [String],
    rows: Vec<RowView>,
    sources: &'a [String],
    notes: &'a [String],
    fonte: &'a str,
}

#[derive(Serialize)]
struct RowView {
    /// The "Totale" row, in bold.
    total: bool,
    cells: Vec<CellView>,
}

#[derive(Serialize)]
struct CellView {
    /// As the reader sees it ([`display`]).
    text: String,
    /// A number or a percentage (right-aligned), not a label.
    numeric: bool,
    /// Withheld for confidentiality ("x", in red).
    withheld: bool,
    /// The disclosure status of a number not shown, as a tooltip.
    status: Option<&'static str>,
}

impl<'a> Page<'a> {
    fn new(b: &'a Bulletin, svgs: &[(String, String)], font_css: Option<String>) -> Page<'a> {
        Page {
            title: &b.title,
            subtitle: &b.subtitle,
            generated: &b.generated,
            font_css: font_css.map(Trusted),
            sections: b.sections.iter().map(|sec| SectionView::new(sec, svgs)).collect(),
        }
    }
}

impl<'a> SectionView<'a> {
    fn new(sec: &'a Section, svgs: &[(String, String)]) -> SectionView<'a> {
        let blocks = sec.blocks.iter().map(|block| BlockView::new(block, svgs)).collect();
        SectionView {
            id: sec.id,
            title: sec.title,
            blocks,
        }
    }
}

impl<'a> BlockView<'a> {
    fn new(block: &'a Block, svgs: &[(String, String)]) -> BlockView<'a> {
        match block {
            Block::Paragraph(text) => BlockView::Paragraph { text },
            Block::List(items) => BlockView::List { items },
            Block::Table(t) => BlockView::Table(TableView::new(t)),
            Block::Chart(c) => {
                let svg = svgs.iter().find(|(id, _)| id == &c.id).map_or("", |(_, s)| s.as_str());
                BlockView::Chart {
                    id: &c.id,
                    alt: &c.alt,
                    svg: Trusted(svg_inline(svg).to_string()),
                }
            }
        }
    }
}

/// The `<svg>` element without an XML declaration: inside HTML it stands alone.
fn svg_inline(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

impl<'a> TableView<'a> {
    fn new(t: &'a TableBlock) -> TableView<'a> {
        let rows = t
            .rows
            .iter()
            .map(|row| RowView {
                total: matches!(row.first(), Some(Value::Text(l)) if l == "Totale"),
                cells: row.iter().map(CellView::new).collect(),
            })
            .collect();
        TableView {
            id: &t.id,
            title: &t.title,
            header: &t.header,
            rows,
            sources: &t.sources,
            notes: &t.notes,
            fonte: &t.fonte,
        }
    }
}

impl CellView {
    fn new(v: &Value) -> CellView {
        let (numeric, withheld, status) = match v {
            Value::Text(_) => (false, false, None),
            Value::Number(f, _) if f.status.is_suppressed() => (true, true, Some(f.status.label())),
            Value::Number(f, _) if f.status == Status::NotAvailable => (true, false, Some(f.status.label())),
            Value::Number(..) | Value::Percent(_) | Value::Share(_) => (true, false, None),
        };
        CellView {
            text: display(v),
            numeric,
            withheld,
            status,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::bulletin::{ChartBlock, Figure};
    use crate::report::charts::{Chart, ChartKind};

    fn sample() -> Bulletin {
        let withheld = Figure {
            value: Some(5.0),
            status: Status::SuppressedPrimary,
        };
        let table = TableBlock::new(
            "t01",
            "Flussi & saldi",
            vec!["Voce".into(), "2024".into(), "Var. %".into()],
            vec![
                vec![
                    Value::Text("A|B <c>".into()),
                    Value::Number(Figure::ok(1234.0), 0),
                    Value::Percent(Some(2.5)),
                ],
                vec![
                    Value::Text("Totale".into()),
                    Value::Number(withheld, 0),
                    Value::Percent(None),
                ],
                vec![
                    Value::Text("n.d.".into()),
                    Value::Number(Figure::not_available(), 1),
                    Value::Percent(None),
                ],
            ],
            "oml indicators x --by \"a\"",
        )
        .with_source("oml indicators y")
        .with_note("Una nota: l'unica");
        let chart = Chart::new(
            "Titolo",
            "Fonte",
            ChartKind::Lines {
                x_labels: vec![],
                series: vec![],
            },
        );
        Bulletin {
            title: "Bollettino \"PO\"".into(),
            subtitle: "Sottotitolo".into(),
            generated: "01/02/2025 10:00".into(),
            sections: vec![Section {
                id: "sintesi",
                title: "Sintesi",
                blocks: vec![
                    Block::Paragraph("Dell'anno: 3 < 4 & 5 > 2/1".into()),
                    Block::List(vec!["uno | due".into(), "tre".into()]),
                    Block::Table(table),
                    Block::Chart(ChartBlock::new("g01", "Grafico <1>", chart)),
                ],
            }],
            series: Default::default(),
        }
    }

    #[test]
    fn html_escapes_values_but_not_the_trusted_fragments() {
        let svgs = vec![(
            "g01".to_string(),
            "<?xml version=\"1.0\"?>\n<svg a=\"1\"><text>'x'</text></svg>\n".to_string(),
        )];
        let page = html(&sample(), &svgs).unwrap();
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"it\"><head>"));
        assert!(page.ends_with("</body></html>\n"));
        // One line after the CSS, but for the chart's own newline.
        assert_eq!(page[page.find("</style>").unwrap()..].matches('\n').count(), 2);
        assert!(page.contains("<title>Bollettino &quot;PO&quot;</title><style>@font-face{font-family:\"OML Sans\""));
        assert!(page.contains(
            "<nav><strong>Indice</strong><ol><li><a href=\"#sintesi\">Sintesi</a></li></ol></nav><main><section id=\"sintesi\"><h2>Sintesi</h2>"
        ));
        assert!(page.contains("<p>Dell'anno: 3 &lt; 4 &amp; 5 &gt; 2/1</p><ul><li>uno | due</li><li>tre</li></ul>"));
        assert!(page.contains(concat!(
            "<table id=\"t01\"><caption>Flussi &amp; saldi</caption><thead><tr><th scope=\"col\">Voce</th>",
            "<th scope=\"col\">2024</th><th scope=\"col\">Var. %</th></tr></thead><tbody>",
            "<tr><td>A|B &lt;c&gt;</td><td class=\"n\">1.234</td><td class=\"n\">+2,5%</td></tr>",
            "<tr class=\"tot\"><td>Totale</td><td class=\"n x\" title=\"soppressa_primaria\">x</td><td class=\"n\">....</td></tr>",
            "<tr><td>n.d.</td><td class=\"n\" title=\"non_disponibile\">....</td><td class=\"n\">....</td></tr>",
            "</tbody></table><p class=\"src\">Una nota: l'unica<br>Fonte: elaborazioni OML su dati CO. Ricalcolo: ",
            "<code>oml indicators x --by &quot;a&quot;</code>; <code>oml indicators y</code></p>",
        )));
        assert!(page.contains(concat!(
            "<figure class=\"chart\" id=\"g01\" role=\"img\" aria-label=\"Grafico &lt;1&gt;\"><svg a=\"1\"><text>'x'</text></svg>\n",
            "<figcaption>Grafico &lt;1&gt; (grafici/g01.svg, .png)</figcaption></figure></section></main><footer>",
        )));
    }

    #[test]
    fn markdown_escapes_only_bars_in_cells_and_lists() {
        let md = markdown(&sample()).unwrap();
        let expected = concat!(
            "# Bollettino \"PO\"\n\nSottotitolo\n\nGenerato il 01/02/2025 10:00\n\n## Sintesi\n\n",
            "Dell'anno: 3 < 4 & 5 > 2/1\n\n- uno \\| due\n- tre\n\n",
            "**Flussi & saldi**\n\n| Voce | 2024 | Var. % |\n|:---|---:|---:|\n",
            "| A\\|B <c> | 1.234 | +2,5% |\n| Totale | x | .... |\n| n.d. | .... | .... |\n",
            "\n_Ricalcolo: `oml indicators x --by \"a\"`; `oml indicators y`_\n\n",
            "![Grafico <1>](grafici/g01.svg)\n\n",
            "---\nx = dato soppresso per la tutela della riservatezza; .... = dato non disponibile.\n",
        );
        assert_eq!(md, expected);
    }
}
