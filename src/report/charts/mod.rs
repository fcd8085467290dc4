//! Chart rendering for OML reports (PNG and SVG) with plotters.
//!
//! One file per kind of chart, all drawn in the same frame and style:
//! - [`lines`]: monthly series (solid, dashed), gaps where a value is missing;
//! - [`bars`]: grouped, stacked and horizontal bars, and bars with lines overlaid;
//! - [`pyramid`]: left and right bars per class (age classes by sex);
//! - [`heatmap`]: a matrix on a colour ramp (origin × destination);
//! - shared by all: [`theme`] (embedded font, palette, sizes, text fitting, PNG encoding),
//!   [`axis`] (value ranges, Italian tick labels, category labels, the cartesian frames) and
//!   [`layout`] (title, subtitle, legend and source line around the plot).
//!
//! This module holds the data model ([`Chart`], [`ChartKind`], [`Series`]) and the entry points
//! ([`render_svg`], [`render_svg_standalone`], [`render_png`]).
//!
//! Design choices and why:
//! - **Embedded font** ("OML Sans", a DejaVu Sans subset in
//!   `assets/fonts/`): charts must look identical on every machine and CI
//!   without fontconfig; the same bytes are exposed as CSS `@font-face`
//!   ([`font_face_css`]) so HTML pages and standalone SVGs match the PNGs.
//! - **Italian number format** on every tick and value label (via
//!   `report::format`), because the reports are in Italian.
//! - **Okabe–Ito palette** ([`PALETTE`]): safe for the common forms of
//!   colour blindness; black is reserved for text and axes.
//! - **Layout drawn by hand** (title, subtitle, legend strip, source line)
//!   rather than with plotters' in-plot legend, so the legend never covers
//!   data and long titles are truncated instead of clipped.
//! - **PNG encoded in memory** with the `image` crate (the one plotters'
//!   bitmap encoder uses): no temporary files.
//! - Bad input never panics: missing values become gaps, empty data draws a
//!   "Nessun dato disponibile" frame, inconsistent shapes return an error.

mod axis;
mod bars;
mod heatmap;
mod layout;
mod lines;
mod pyramid;
#[cfg(test)]
mod tests;
mod theme;

use anyhow::{anyhow, bail, ensure, Result};
use plotters::coord::Shift;
use plotters::prelude::*;

use theme::{check_size, encode_png, ensure_fonts, plot_err, Theme};
pub use theme::{font_face_css, FONT_FAMILY, PALETTE};

/// Line pattern of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LineStyle {
    #[default]
    Solid,
    Dashed,
}

/// One named data series; `None` values are gaps (suppressed or not
/// available).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
    pub style: LineStyle,
    /// Index into [`PALETTE`]; `None` = automatic by position.
    pub color: Option<usize>,
}

impl Series {
    /// Solid series with automatic colour.
    pub fn new(name: impl Into<String>, values: Vec<Option<f64>>) -> Self {
        Self {
            name: name.into(),
            values,
            style: LineStyle::Solid,
            color: None,
        }
    }

    /// Convenience for complete data.
    pub fn from_values(name: impl Into<String>, values: &[f64]) -> Self {
        Self::new(name, values.iter().map(|v| Some(*v)).collect())
    }

    /// Builder: dashed line (e.g. trend or seasonally adjusted overlay).
    pub fn dashed(mut self) -> Self {
        self.style = LineStyle::Dashed;
        self
    }

    /// Builder: explicit palette index.
    pub fn with_color(mut self, palette_index: usize) -> Self {
        self.color = Some(palette_index);
        self
    }

    fn value(&self, i: usize) -> Option<f64> {
        self.values.get(i).copied().flatten().filter(|v| v.is_finite())
    }

    fn finite(&self) -> impl Iterator<Item = f64> + '_ {
        self.values.iter().flatten().copied().filter(|v| v.is_finite())
    }
}

/// What to draw.
#[derive(Debug, Clone, PartialEq)]
pub enum ChartKind {
    /// Time series on a category x axis (month labels like "gen 2024"); None = gap (suppressed / not available).
    Lines { x_labels: Vec<String>, series: Vec<Series> },
    /// Bars for a time series (e.g. monthly saldo) with optional overlaid lines on the same axis.
    BarsWithLines {
        x_labels: Vec<String>,
        bars: Vec<Series>,
        lines: Vec<Series>,
    },
    /// Grouped bars, vertical or horizontal (by sector: horizontal, long Italian labels).
    Bars {
        categories: Vec<String>,
        series: Vec<Series>,
        horizontal: bool,
    },
    /// Stacked bars (e.g. CIG hours by type per month). Negative values not allowed (error).
    StackedBars {
        categories: Vec<String>,
        series: Vec<Series>,
    },
    /// Matrix heatmap (mobility origin × destination); None cells drawn hatched/grey and labelled "n.d.".
    Heatmap {
        rows: Vec<String>,
        cols: Vec<String>,
        values: Vec<Vec<Option<f64>>>,
        row_title: String,
        col_title: String,
    },
    /// Population-pyramid style: left and right bars per class (e.g. hires by age class, maschi vs femmine).
    Pyramid {
        classes: Vec<String>,
        left: Series,
        right: Series,
    },
}

/// A complete chart: texts plus data.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: String,
    pub subtitle: Option<String>,
    /// Description of the value axis (e.g. "Numero di rapporti").
    pub y_label: Option<String>,
    /// Source line, e.g. "Fonte: elaborazioni OML su dati CO".
    pub source: String,
    pub kind: ChartKind,
}

impl Chart {
    /// A chart with its title, source line and data; no subtitle, no axis description.
    pub fn new(title: impl Into<String>, source: &str, kind: ChartKind) -> Self {
        Self {
            title: title.into(),
            subtitle: None,
            y_label: None,
            source: source.to_string(),
            kind,
        }
    }

    /// Builder: a subtitle under the title.
    pub fn with_subtitle(mut self, subtitle: impl Into<String>) -> Self {
        self.subtitle = Some(subtitle.into());
        self
    }

    /// Builder: a description of the value axis.
    pub fn with_y_label(mut self, y_label: impl Into<String>) -> Self {
        self.y_label = Some(y_label.into());
        self
    }
}

// ---------------------------------------------------------------------------
// Public rendering entry points

/// Renders the chart as SVG text (fonts referenced by family name only).
pub fn render_svg(chart: &Chart, width: u32, height: u32) -> Result<String> {
    check_size(width, height)?;
    ensure_fonts()?;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        render_on(&root, chart)?;
        root.present().map_err(plot_err)?;
    }
    Ok(out)
}

/// Like [`render_svg`] but with the font embedded as a `<style>` block right
/// after the opening `<svg>` tag, so the file renders correctly on its own.
pub fn render_svg_standalone(chart: &Chart, width: u32, height: u32) -> Result<String> {
    let svg = render_svg(chart, width, height)?;
    let start = svg
        .find("<svg")
        .ok_or_else(|| anyhow!("plotters produced no <svg> element"))?;
    let end = svg[start..]
        .find('>')
        .map(|i| start + i + 1)
        .ok_or_else(|| anyhow!("unterminated <svg> tag"))?;
    let style = format!("\n<style>{}</style>\n", font_face_css());
    let mut out = String::with_capacity(svg.len() + style.len());
    out.push_str(&svg[..end]);
    out.push_str(&style);
    out.push_str(&svg[end..]);
    Ok(out)
}

/// Renders the chart as PNG file bytes (8-bit RGB).
pub fn render_png(chart: &Chart, width: u32, height: u32) -> Result<Vec<u8>> {
    check_size(width, height)?;
    ensure_fonts()?;
    let mut rgb = vec![0u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        render_on(&root, chart)?;
        root.present().map_err(plot_err)?;
    }
    encode_png(&rgb, width, height)
}

/// Draws the whole chart on `root`: background, frame (title, legend, source), then the plot.
fn render_on<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, chart: &Chart) -> Result<()> {
    validate(&chart.kind)?;
    root.fill(&WHITE).map_err(plot_err)?;
    let (w, h) = root.dim_in_pixel();
    let th = Theme::new(w, h);
    let plot = layout::draw_frame(root, th, chart)?;
    let cv = layout::Canvas { root, plot: &plot, th };
    if !has_data(&chart.kind) {
        return layout::draw_no_data(&plot, th);
    }
    let y_label = chart.y_label.as_deref().filter(|s| !s.is_empty());
    match &chart.kind {
        ChartKind::Lines { x_labels, series } => lines::draw_lines(&cv, x_labels, series, y_label),
        ChartKind::BarsWithLines { x_labels, bars, lines } => {
            bars::draw_columns(&cv, x_labels, bars, lines, false, y_label)
        }
        ChartKind::Bars {
            categories,
            series,
            horizontal: false,
        } => bars::draw_columns(&cv, categories, series, &[], false, y_label),
        ChartKind::StackedBars { categories, series } => {
            bars::draw_columns(&cv, categories, series, &[], true, y_label)
        }
        ChartKind::Bars {
            categories,
            series,
            horizontal: true,
        } => bars::draw_horizontal(&cv, categories, series, y_label),
        ChartKind::Pyramid { classes, left, right } => pyramid::draw_pyramid(&cv, classes, left, right, y_label),
        ChartKind::Heatmap {
            rows,
            cols,
            values,
            row_title,
            col_title,
        } => heatmap::draw_heatmap(&cv, rows, cols, values, row_title, col_title),
    }
}

/// Rejects data whose shape is inconsistent (a bug upstream) or that the
/// chart type cannot represent; missing values are fine.
fn validate(kind: &ChartKind) -> Result<()> {
    let check = |what: &str, n: usize, series: &[Series]| -> Result<()> {
        for s in series {
            ensure!(
                s.values.len() <= n,
                "series \"{}\" has {} values but the chart has {n} {what}",
                s.name,
                s.values.len()
            );
        }
        Ok(())
    };
    match kind {
        ChartKind::Lines { x_labels, series } => check("x labels", x_labels.len(), series),
        ChartKind::BarsWithLines { x_labels, bars, lines } => {
            check("x labels", x_labels.len(), bars)?;
            check("x labels", x_labels.len(), lines)
        }
        ChartKind::Bars { categories, series, .. } => check("categories", categories.len(), series),
        ChartKind::StackedBars { categories, series } => {
            check("categories", categories.len(), series)?;
            for s in series {
                if let Some(v) = s.finite().find(|v| *v < 0.0) {
                    bail!("stacked bars cannot show negative values (series \"{}\": {v})", s.name);
                }
            }
            Ok(())
        }
        ChartKind::Pyramid { classes, left, right } => {
            check("classes", classes.len(), std::slice::from_ref(left))?;
            check("classes", classes.len(), std::slice::from_ref(right))?;
            for s in [left, right] {
                if let Some(v) = s.finite().find(|v| *v < 0.0) {
                    bail!("pyramid values must be non-negative (series \"{}\": {v})", s.name);
                }
            }
            Ok(())
        }
        ChartKind::Heatmap { rows, cols, values, .. } => {
            ensure!(
                values.len() <= rows.len(),
                "heatmap has {} value rows but {} row labels",
                values.len(),
                rows.len()
            );
            for (r, row) in values.iter().enumerate() {
                ensure!(
                    row.len() <= cols.len(),
                    "heatmap row {r} has {} values but {} column labels",
                    row.len(),
                    cols.len()
                );
            }
            Ok(())
        }
    }
}

fn has_data(kind: &ChartKind) -> bool {
    let any = |series: &[Series]| series.iter().any(|s| s.finite().next().is_some());
    match kind {
        ChartKind::Lines { x_labels, series } => !x_labels.is_empty() && any(series),
        ChartKind::BarsWithLines { x_labels, bars, lines } => !x_labels.is_empty() && (any(bars) || any(lines)),
        ChartKind::Bars { categories, series, .. } | ChartKind::StackedBars { categories, series } => {
            !categories.is_empty() && any(series)
        }
        ChartKind::Pyramid { classes, left, right } => !classes.is_empty() && any(&[left.clone(), right.clone()]),
        ChartKind::Heatmap { rows, cols, values, .. } => {
            !rows.is_empty() && !cols.is_empty() && values.iter().flatten().flatten().any(|v| v.is_finite())
        }
    }
}
