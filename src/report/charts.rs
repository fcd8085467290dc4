//! Chart rendering for OML reports (PNG and SVG) with plotters.
//!
//! Design choices and why:
//! - **Embedded font** ("OML Sans", a DejaVu Sans subset in
//!   `assets/fonts/`): charts must look identical on every machine and CI
//!   without fontconfig; the same bytes are exposed as CSS `@font-face`
//!   ([`font_face_css`]) so HTML pages and standalone SVGs match the PNGs.
//! - **Italian number format** on every tick and value label (via
//!   `super::format`), because the reports are in Italian.
//! - **Okabe–Ito palette** ([`PALETTE`]): safe for the common forms of
//!   colour blindness; black is reserved for text and axes.
//! - **Layout drawn by hand** (title, subtitle, legend strip, source line)
//!   rather than with plotters' in-plot legend, so the legend never covers
//!   data and long titles are truncated instead of clipped.
//! - **PNG encoded in memory** with the `image` crate (the one plotters'
//!   bitmap encoder uses): no temporary files.
//! - Bad input never panics: missing values become gaps, empty data draws a
//!   "Nessun dato disponibile" frame, inconsistent shapes return an error.

use std::sync::OnceLock;

use anyhow::{anyhow, bail, ensure, Result};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{register_font, FontStyle, FontTransform};

use super::format::fmt_dec;

/// Family name under which the embedded font is registered and referenced
/// by every text element (and by the CSS `@font-face`).
pub const FONT_FAMILY: &str = "OML Sans";

const FONT_REGULAR: &[u8] = include_bytes!("../../assets/fonts/OMLSans.ttf");
const FONT_BOLD: &[u8] = include_bytes!("../../assets/fonts/OMLSans-Bold.ttf");

/// Okabe–Ito colour-blind-safe palette (black excluded: used for text).
/// Order: orange, sky blue, bluish green, yellow, blue, vermillion,
/// reddish purple, grey. [`Series::color`] indexes this array.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xF0, 0xE4, 0x42),
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0x99, 0x99, 0x99),
];

/// Palette indices used for series without an explicit colour: blue and
/// orange first (highest contrast on white), yellow last (weakest).
const DEFAULT_ORDER: [usize; 8] = [4, 0, 2, 5, 1, 6, 7, 3];

const TEXT: RGBColor = RGBColor(0x1A, 0x1A, 0x1A);
const MUTED: RGBColor = RGBColor(0x59, 0x59, 0x59);
const GRID: RGBColor = RGBColor(0xE3, 0xE3, 0xE3);
const AXIS: RGBColor = RGBColor(0x80, 0x80, 0x80);
const MISSING: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);
const HATCH: RGBColor = RGBColor(0xB5, 0xB5, 0xB5);
/// Heatmap ramp: very light blue → Okabe–Ito blue (single hue, so the order
/// of values reads correctly in greyscale too).
const RAMP_LOW: RGBColor = RGBColor(0xF2, 0xF7, 0xFB);
const RAMP_HIGH: RGBColor = RGBColor(0x00, 0x72, 0xB2);

/// Category labels longer than this are cut with "…".
const MAX_LABEL_CHARS: usize = 40;
const NO_DATA: &str = "Nessun dato disponibile";

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

// ---------------------------------------------------------------------------
// Fonts

/// Registers the embedded fonts with plotters exactly once per process.
fn ensure_fonts() -> Result<()> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            register_font(FONT_FAMILY, FontStyle::Normal, FONT_REGULAR)
                .map_err(|_| "OMLSans.ttf is not a valid font".to_string())?;
            register_font(FONT_FAMILY, FontStyle::Bold, FONT_BOLD)
                .map_err(|_| "OMLSans-Bold.ttf is not a valid font".to_string())
        })
        .clone()
        .map_err(|e| anyhow!("cannot register embedded font: {e}"))
}

/// Standard base64 (RFC 4648, with padding); small enough not to justify a
/// dependency.
fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b0 = u32::from(chunk[0]);
        let b1 = u32::from(chunk.get(1).copied().unwrap_or(0));
        let b2 = u32::from(chunk.get(2).copied().unwrap_or(0));
        let n = (b0 << 16) | (b1 << 8) | b2;
        let sym = |shift: u32| char::from(ALPHABET[((n >> shift) & 63) as usize]);
        out.push(sym(18));
        out.push(sym(12));
        out.push(if chunk.len() > 1 { sym(6) } else { '=' });
        out.push(if chunk.len() > 2 { sym(0) } else { '=' });
    }
    out
}

/// CSS `@font-face` rules (regular and bold) embedding the chart font as
/// base64, for HTML reports and standalone SVG files.
pub fn font_face_css() -> String {
    let face = |weight: &str, bytes: &[u8]| {
        format!(
            "@font-face{{font-family:\"{FONT_FAMILY}\";font-style:normal;font-weight:{weight};\
             src:url(data:font/ttf;base64,{}) format(\"truetype\");}}",
            base64(bytes)
        )
    };
    format!("{}{}", face("normal", FONT_REGULAR), face("bold", FONT_BOLD))
}

// ---------------------------------------------------------------------------
// Public rendering entry points

fn check_size(width: u32, height: u32) -> Result<()> {
    ensure!(
        (200..=10_000).contains(&width) && (150..=10_000).contains(&height),
        "chart size {width}×{height} out of range (200..10000 × 150..10000 pixels)"
    );
    Ok(())
}

fn plot_err<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    anyhow!("chart drawing failed: {e:?}")
}

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

// ---------------------------------------------------------------------------
// Layout helpers

/// Sizes scale with the canvas so the same chart reads well at 800 or
/// 1600 px wide.
#[derive(Clone, Copy)]
struct Theme {
    s: f64,
}

impl Theme {
    fn new(width: u32, height: u32) -> Self {
        let basis = f64::from(width).min(f64::from(height) * 1.8);
        Self {
            s: (basis / 900.0).clamp(0.6, 2.5),
        }
    }
    fn px(self, v: f64) -> i32 {
        (v * self.s).round().max(1.0) as i32
    }
    fn font(self, size: f64, color: RGBColor) -> TextStyle<'static> {
        (FONT_FAMILY, size * self.s).into_font().color(&color)
    }
    fn bold(self, size: f64) -> TextStyle<'static> {
        (FONT_FAMILY, size * self.s)
            .into_font()
            .style(FontStyle::Bold)
            .color(&TEXT)
    }
    fn tick(self) -> TextStyle<'static> {
        self.font(13.0, TEXT)
    }
}

fn series_color(s: &Series, position: usize) -> RGBColor {
    let idx = s.color.unwrap_or(DEFAULT_ORDER[position % DEFAULT_ORDER.len()]);
    PALETTE[idx % PALETTE.len()]
}

/// Cuts a label to `max` characters, ending with "…".
fn truncate_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let keep: String = s.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", keep.trim_end())
}

fn text_width<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, text: &str, style: &TextStyle) -> Result<i32> {
    if text.is_empty() {
        return Ok(0);
    }
    let (w, _) = area.estimate_text_size(text, style).map_err(plot_err)?;
    Ok(w as i32)
}

/// Truncates `text` with "…" until it fits in `max_w` pixels.
fn fit_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    max_w: i32,
) -> Result<String> {
    if text_width(area, text, style)? <= max_w {
        return Ok(text.to_string());
    }
    let mut n = text.chars().count();
    while n > 1 {
        n -= 1;
        let candidate = truncate_chars(text, n);
        if text_width(area, &candidate, style)? <= max_w {
            return Ok(candidate);
        }
    }
    Ok("…".to_string())
}

/// Legend swatch kind.
#[derive(Clone, Copy)]
enum Swatch {
    Line(LineStyle),
    Box,
}

struct LegendItem {
    name: String,
    color: RGBColor,
    swatch: Swatch,
}

fn legend_items(kind: &ChartKind) -> Vec<LegendItem> {
    let line = |s: &Series, i: usize| LegendItem {
        name: s.name.clone(),
        color: series_color(s, i),
        swatch: Swatch::Line(s.style),
    };
    let bx = |s: &Series, i: usize| LegendItem {
        name: s.name.clone(),
        color: series_color(s, i),
        swatch: Swatch::Box,
    };
    let items: Vec<LegendItem> = match kind {
        ChartKind::Lines { series, .. } => series.iter().enumerate().map(|(i, s)| line(s, i)).collect(),
        ChartKind::BarsWithLines { bars, lines, .. } => bars
            .iter()
            .enumerate()
            .map(|(i, s)| bx(s, i))
            .chain(lines.iter().enumerate().map(|(i, s)| line(s, i + bars.len())))
            .collect(),
        ChartKind::Bars { series, .. } | ChartKind::StackedBars { series, .. } => {
            series.iter().enumerate().map(|(i, s)| bx(s, i)).collect()
        }
        ChartKind::Pyramid { left, right, .. } => vec![bx(left, 0), bx(right, 1)],
        ChartKind::Heatmap { .. } => Vec::new(),
    };
    // A single series is explained by the title; a legend would be noise.
    if items.len() < 2 {
        Vec::new()
    } else {
        items
    }
}

/// One legend row: (x offset, item index, fitted label) per entry.
type LegendRow = Vec<(i32, usize, String)>;

/// Lays out legend items left to right, wrapping; returns rows of
/// (x offset, item index) and the row height.
fn layout_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    th: Theme,
    items: &[LegendItem],
    max_w: i32,
) -> Result<(Vec<LegendRow>, i32)> {
    let style = th.font(13.0, TEXT);
    let swatch_w = th.px(22.0);
    let gap = th.px(6.0);
    let item_gap = th.px(18.0);
    let mut rows: Vec<LegendRow> = vec![Vec::new()];
    let mut x = 0;
    for (i, item) in items.iter().enumerate() {
        let label = fit_text(area, &truncate_chars(&item.name, 60), &style, max_w - swatch_w - gap)?;
        let w = swatch_w + gap + text_width(area, &label, &style)?;
        if x > 0 && x + w > max_w {
            rows.push(Vec::new());
            x = 0;
        }
        if let Some(row) = rows.last_mut() {
            row.push((x, i, label));
        }
        x += w + item_gap;
    }
    if items.is_empty() {
        rows.clear();
    }
    Ok((rows, th.px(22.0)))
}

/// Draws title, subtitle, legend and source; returns the remaining plot area.
fn render_on<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, chart: &Chart) -> Result<()> {
    validate(&chart.kind)?;
    root.fill(&WHITE).map_err(plot_err)?;
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let th = Theme::new(w as u32, h as u32);
    let pad = th.px(16.0);
    let inner_w = w - 2 * pad;
    let top_left = Pos::new(HPos::Left, VPos::Top);

    // Header: title, subtitle, legend.
    let mut y = th.px(12.0);
    let title_style = th.bold(21.0);
    let title = fit_text(root, &chart.title, &title_style, inner_w)?;
    root.draw_text(&title, &title_style.pos(top_left), (pad, y))
        .map_err(plot_err)?;
    y += th.px(28.0);
    if let Some(sub) = chart.subtitle.as_deref().filter(|s| !s.is_empty()) {
        let style = th.font(14.5, MUTED);
        let sub = fit_text(root, sub, &style, inner_w)?;
        root.draw_text(&sub, &style.pos(top_left), (pad, y)).map_err(plot_err)?;
        y += th.px(22.0);
    }
    let items = legend_items(&chart.kind);
    let (rows, row_h) = layout_legend(root, th, &items, inner_w)?;
    if !rows.is_empty() {
        y += th.px(4.0);
    }
    let legend_style = th.font(13.0, TEXT).pos(Pos::new(HPos::Left, VPos::Center));
    for row in &rows {
        let cy = y + row_h / 2;
        for (x, i, label) in row {
            let Some(item) = items.get(*i) else { continue };
            let x0 = pad + x;
            let sw = th.px(22.0);
            match item.swatch {
                Swatch::Box => {
                    let half = th.px(6.0);
                    root.draw(&Rectangle::new(
                        [(x0 + th.px(4.0), cy - half), (x0 + sw - th.px(4.0), cy + half)],
                        item.color.filled(),
                    ))
                    .map_err(plot_err)?;
                }
                Swatch::Line(style) => {
                    let stroke = item.color.stroke_width(th.px(2.5) as u32);
                    let segments: Vec<(i32, i32)> = match style {
                        LineStyle::Solid => vec![(x0, x0 + sw)],
                        LineStyle::Dashed => {
                            let d = sw / 3;
                            vec![(x0, x0 + d), (x0 + 2 * d, x0 + sw)]
                        }
                    };
                    for (a, b) in segments {
                        root.draw(&PathElement::new(vec![(a, cy), (b, cy)], stroke))
                            .map_err(plot_err)?;
                    }
                }
            }
            root.draw_text(label, &legend_style, (x0 + sw + th.px(6.0), cy))
                .map_err(plot_err)?;
        }
        y += row_h;
    }
    let header_h = y + th.px(6.0);

    // Footer: source line bottom-left.
    let source_style = th.font(11.5, MUTED);
    let footer_h = th.px(28.0);
    if !chart.source.is_empty() {
        let source = fit_text(root, &chart.source, &source_style, inner_w)?;
        root.draw_text(
            &source,
            &source_style.pos(Pos::new(HPos::Left, VPos::Bottom)),
            (pad, h - th.px(9.0)),
        )
        .map_err(plot_err)?;
    }

    let plot_h = (h - header_h - footer_h).max(20);
    let plot = root.clone().shrink((pad / 2, header_h), ((w - pad).max(20), plot_h));
    if !has_data(&chart.kind) {
        return draw_no_data(&plot, th);
    }
    let y_label = chart.y_label.as_deref().filter(|s| !s.is_empty());
    match &chart.kind {
        ChartKind::Lines { x_labels, series } => draw_vertical(root, &plot, th, x_labels, &[], series, false, y_label),
        ChartKind::BarsWithLines { x_labels, bars, lines } => {
            draw_vertical(root, &plot, th, x_labels, bars, lines, false, y_label)
        }
        ChartKind::Bars {
            categories,
            series,
            horizontal: false,
        } => draw_vertical(root, &plot, th, categories, series, &[], false, y_label),
        ChartKind::StackedBars { categories, series } => {
            draw_vertical(root, &plot, th, categories, series, &[], true, y_label)
        }
        ChartKind::Bars {
            categories,
            series,
            horizontal: true,
        } => draw_horizontal(&plot, th, categories, series, y_label),
        ChartKind::Pyramid { classes, left, right } => draw_pyramid(&plot, th, classes, left, right, y_label),
        ChartKind::Heatmap {
            rows,
            cols,
            values,
            row_title,
            col_title,
        } => draw_heatmap(root, &plot, th, rows, cols, values, row_title, col_title),
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

fn draw_no_data<DB: DrawingBackend>(plot: &DrawingArea<DB, Shift>, th: Theme) -> Result<()> {
    let (w, h) = plot.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let m = th.px(8.0);
    plot.draw(&Rectangle::new([(m, m), (w - m, h - m)], AXIS.stroke_width(1)))
        .map_err(plot_err)?;
    let style = th.font(16.0, MUTED).pos(Pos::new(HPos::Center, VPos::Center));
    plot.draw_text(NO_DATA, &style, (w / 2, h / 2)).map_err(plot_err)?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Axes helpers

/// Value range including zero when asked (bars must start at zero), with a
/// little padding; degenerate ranges (all equal, all zero) are widened.
fn value_range(values: impl Iterator<Item = f64>, include_zero: bool, headroom: f64) -> (f64, f64) {
    let (mut lo, mut hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if include_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if hi - lo <= f64::EPSILON * hi.abs().max(1.0) {
        let d = if hi == 0.0 { 1.0 } else { hi.abs() * 0.1 };
        if include_zero && lo >= 0.0 {
            hi += d;
        } else if include_zero && hi <= 0.0 {
            lo -= d;
        } else {
            lo -= d;
            hi += d;
        }
    }
    let span = hi - lo;
    let pad_hi = span * (0.05 + headroom);
    let pad_lo = span * (0.05 + headroom);
    let lo = if include_zero && lo == 0.0 { 0.0 } else { lo - pad_lo };
    let hi = if include_zero && hi == 0.0 { 0.0 } else { hi + pad_hi };
    (lo, hi)
}

/// Decimals for tick labels so that adjacent ticks stay distinct.
fn tick_decimals(lo: f64, hi: f64) -> usize {
    let step = (hi - lo) / 10.0;
    if step >= 1.0 || step <= 0.0 || !step.is_finite() {
        0
    } else {
        (-step.log10()).ceil().clamp(0.0, 4.0) as usize
    }
}

/// Decimals for value labels: none for counts, one otherwise.
fn value_decimals<'a>(values: impl Iterator<Item = &'a Series>) -> usize {
    let all_int = values
        .flat_map(|s| s.finite().collect::<Vec<_>>())
        .all(|v| (v - v.round()).abs() < 1e-9);
    if all_int {
        0
    } else {
        1
    }
}

/// Which category labels to show on a crowded axis: every `step`-th,
/// aligned on January when labels are months and the step divides a year.
struct CategoryAxis {
    labels: Vec<String>,
    step: usize,
    offset: usize,
}

impl CategoryAxis {
    fn new<DB: DrawingBackend>(
        area: &DrawingArea<DB, Shift>,
        th: Theme,
        labels: &[String],
        available: i32,
    ) -> Result<Self> {
        let labels: Vec<String> = labels.iter().map(|l| truncate_chars(l, MAX_LABEL_CHARS)).collect();
        let style = th.tick();
        let mut widest = 0;
        for l in &labels {
            widest = widest.max(text_width(area, l, &style)?);
        }
        let n = labels.len().max(1);
        let slot = f64::from(widest + th.px(14.0));
        let needed = ((n as f64 * slot) / f64::from(available.max(1))).ceil().max(1.0) as usize;
        let step = [1, 2, 3, 4, 6, 12, 24, 36, 48, 60, 120]
            .into_iter()
            .find(|s| *s >= needed)
            .unwrap_or(needed);
        let offset = if step > 1 && (12_usize.is_multiple_of(step) || step % 12 == 0) {
            labels
                .iter()
                .position(|l| l.starts_with("gen "))
                .map_or(0, |i| i % step)
        } else {
            0
        };
        Ok(Self { labels, step, offset })
    }

    /// Label for an axis key point; only integer positions carry labels.
    fn label_at(&self, v: f64) -> String {
        let r = v.round();
        if (v - r).abs() > 1e-6 || r < 0.0 {
            return String::new();
        }
        let i = r as usize;
        if i < self.offset || !(i - self.offset).is_multiple_of(self.step) {
            return String::new();
        }
        self.labels.get(i).cloned().unwrap_or_default()
    }
}

/// Width needed by the value-axis tick labels.
fn value_label_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    th: Theme,
    lo: f64,
    hi: f64,
    decimals: usize,
) -> Result<i32> {
    let style = th.tick();
    let mut w = 0;
    for v in [lo, hi, (lo + hi) / 2.0] {
        w = w.max(text_width(area, &fmt_dec(v, decimals), &style)?);
    }
    Ok(w)
}

/// Splits a series into runs of consecutive available points (gaps break
/// lines instead of being interpolated).
fn runs(s: &Series, n: usize) -> Vec<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for i in 0..n {
        match s.value(i) {
            Some(v) => cur.push((i as f64, v)),
            None => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

type Ctx<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

fn draw_line_series<DB: DrawingBackend>(
    cc: &mut Ctx<'_, DB>,
    th: Theme,
    s: &Series,
    color: RGBColor,
    n: usize,
) -> Result<()> {
    let stroke = color.stroke_width(th.px(2.0) as u32);
    for run in runs(s, n) {
        if run.len() == 1 {
            cc.draw_series(run.iter().map(|p| Circle::new(*p, th.px(3.0), color.filled())))
                .map_err(plot_err)?;
            continue;
        }
        match s.style {
            LineStyle::Solid => {
                cc.draw_series(LineSeries::new(run, stroke)).map_err(plot_err)?;
            }
            LineStyle::Dashed => {
                cc.draw_series(DashedLineSeries::new(run, th.px(7.0), th.px(5.0), stroke))
                    .map_err(plot_err)?;
            }
        }
    }
    Ok(())
}

fn zero_line<DB: DrawingBackend>(cc: &mut Ctx<'_, DB>, x: (f64, f64), vertical: bool) -> Result<()> {
    let pts = if vertical {
        vec![(0.0, x.0), (0.0, x.1)]
    } else {
        vec![(x.0, 0.0), (x.1, 0.0)]
    };
    cc.draw_series(LineSeries::new(pts, TEXT.stroke_width(1)))
        .map_err(plot_err)?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Vertical category charts: Lines, BarsWithLines, Bars, StackedBars

#[allow(clippy::too_many_arguments)]
fn draw_vertical<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &DrawingArea<DB, Shift>,
    th: Theme,
    labels: &[String],
    bars: &[Series],
    lines: &[Series],
    stacked: bool,
    y_label: Option<&str>,
) -> Result<()> {
    let n = labels.len();
    let bar_values: Vec<f64> = if stacked {
        (0..n).map(|i| bars.iter().filter_map(|s| s.value(i)).sum()).collect()
    } else {
        bars.iter().flat_map(|s| s.finite()).collect()
    };
    let has_bars = !bars.is_empty();
    // Value labels only where they fit: bars only, few of them.
    let value_labels = has_bars && lines.is_empty() && !stacked && n * bars.len() <= 24;
    let headroom = if value_labels { 0.08 } else { 0.0 };
    let (lo, hi) = value_range(
        bar_values.into_iter().chain(lines.iter().flat_map(|s| s.finite())),
        has_bars,
        headroom,
    );
    let decimals = tick_decimals(lo, hi);
    let (pw, _) = plot.dim_in_pixel();
    let y_area = value_label_width(root, th, lo, hi, decimals)? + th.px(12.0);
    let desc_w = if y_label.is_some() { th.px(24.0) } else { 0 };
    let axis = CategoryAxis::new(root, th, labels, pw as i32 - y_area - desc_w - th.px(20.0))?;

    let mut cc = ChartBuilder::on(plot)
        .margin_top(th.px(8.0))
        .margin_right(th.px(18.0))
        .x_label_area_size(th.px(30.0))
        .y_label_area_size(y_area + desc_w)
        .build_cartesian_2d(-0.5..(n as f64 - 0.5), lo..hi)
        .map_err(plot_err)?;

    let x_fmt = |v: &f64| axis.label_at(*v);
    let y_fmt = |v: &f64| fmt_dec(*v, decimals);
    let mut mesh = cc.configure_mesh();
    mesh.disable_x_mesh()
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS.stroke_width(1))
        .x_labels(n + 1)
        .x_label_formatter(&x_fmt)
        .y_labels(10)
        .y_label_formatter(&y_fmt)
        .label_style(th.tick())
        .axis_desc_style(th.font(13.0, MUTED));
    if let Some(d) = y_label {
        mesh.y_desc(d);
    }
    mesh.draw().map_err(plot_err)?;

    // Bars: grouped side by side, or stacked.
    let group = 0.8;
    let k = bars.len().max(1) as f64;
    let mut base = vec![0.0; n];
    for (j, s) in bars.iter().enumerate() {
        let color = series_color(s, j);
        let rects: Vec<Rectangle<(f64, f64)>> = (0..n)
            .filter_map(|i| {
                let v = s.value(i)?;
                let x = i as f64;
                if stacked {
                    let b = base[i];
                    base[i] += v;
                    Some(Rectangle::new(
                        [(x - group / 2.0, b), (x + group / 2.0, b + v)],
                        color.filled(),
                    ))
                } else {
                    let x0 = x - group / 2.0 + group / k * j as f64;
                    Some(Rectangle::new([(x0, 0.0), (x0 + group / k, v)], color.filled()))
                }
            })
            .collect();
        cc.draw_series(rects).map_err(plot_err)?;
    }
    if value_labels {
        let dec = value_decimals(bars.iter());
        let style_above = th.font(12.0, TEXT).pos(Pos::new(HPos::Center, VPos::Bottom));
        let style_below = th.font(12.0, TEXT).pos(Pos::new(HPos::Center, VPos::Top));
        let gap = (hi - lo) * 0.01;
        for (j, s) in bars.iter().enumerate() {
            let xc = |i: usize| i as f64 - group / 2.0 + group / k * (j as f64 + 0.5);
            let labels: Vec<Text<(f64, f64), String>> = (0..n)
                .map(|i| match s.value(i) {
                    Some(v) if v >= 0.0 => Text::new(fmt_dec(v, dec), (xc(i), v + gap), style_above.clone()),
                    Some(v) => Text::new(fmt_dec(v, dec), (xc(i), v - gap), style_below.clone()),
                    None => Text::new("n.d.".to_string(), (xc(i), gap), style_above.clone().color(&MUTED)),
                })
                .collect();
            cc.draw_series(labels).map_err(plot_err)?;
        }
    }
    if lo < 0.0 {
        zero_line(&mut cc, (-0.5, n as f64 - 0.5), false)?;
    }
    for (j, s) in lines.iter().enumerate() {
        let color = series_color(s, j + bars.len());
        draw_line_series(&mut cc, th, s, color, n)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Horizontal bars (sectors) and pyramid

/// Builds the category label area for horizontal layouts: labels truncated
/// to 40 characters and to at most ~40% of the width.
fn horizontal_labels<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    th: Theme,
    labels: &[String],
) -> Result<(Vec<String>, i32)> {
    let (pw, _) = plot.dim_in_pixel();
    let max_w = (pw as f64 * 0.4) as i32;
    let style = th.tick();
    let mut out = Vec::with_capacity(labels.len());
    let mut widest = 0;
    for l in labels {
        let l = fit_text(plot, &truncate_chars(l, MAX_LABEL_CHARS), &style, max_w)?;
        widest = widest.max(text_width(plot, &l, &style)?);
        out.push(l);
    }
    Ok((out, widest + th.px(12.0)))
}

fn draw_horizontal<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    th: Theme,
    categories: &[String],
    series: &[Series],
    x_label: Option<&str>,
) -> Result<()> {
    let n = categories.len();
    let value_labels = series.len() == 1 && n <= 30;
    let (lo, hi) = value_range(
        series.iter().flat_map(|s| s.finite()),
        true,
        if value_labels { 0.1 } else { 0.0 },
    );
    let decimals = tick_decimals(lo, hi);
    let (labels, label_w) = horizontal_labels(plot, th, categories)?;
    // First category at the top, as in a table.
    let cat_y = |i: usize| (n - 1 - i) as f64;
    let y_fmt = |v: &f64| {
        let r = v.round();
        if (v - r).abs() > 1e-6 || r < 0.0 || r as usize >= n {
            return String::new();
        }
        labels.get(n - 1 - r as usize).cloned().unwrap_or_default()
    };
    let x_fmt = |v: &f64| fmt_dec(*v, decimals);
    let mut cc = ChartBuilder::on(plot)
        .margin_top(th.px(8.0))
        .margin_right(th.px(24.0))
        .x_label_area_size(th.px(if x_label.is_some() { 50.0 } else { 30.0 }))
        .y_label_area_size(label_w)
        .build_cartesian_2d(lo..hi, -0.5..(n as f64 - 0.5))
        .map_err(plot_err)?;
    let mut mesh = cc.configure_mesh();
    mesh.disable_y_mesh()
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS.stroke_width(1))
        .y_labels(n + 1)
        .y_label_formatter(&y_fmt)
        .x_labels(10)
        .x_label_formatter(&x_fmt)
        .label_style(th.tick())
        .axis_desc_style(th.font(13.0, MUTED));
    if let Some(d) = x_label {
        mesh.x_desc(d);
    }
    mesh.draw().map_err(plot_err)?;

    let group = 0.8;
    let k = series.len().max(1) as f64;
    for (j, s) in series.iter().enumerate() {
        let color = series_color(s, j);
        let rects: Vec<Rectangle<(f64, f64)>> = (0..n)
            .filter_map(|i| {
                let v = s.value(i)?;
                // Series j from top to bottom inside the group.
                let y1 = cat_y(i) + group / 2.0 - group / k * j as f64;
                Some(Rectangle::new([(0.0, y1 - group / k), (v, y1)], color.filled()))
            })
            .collect();
        cc.draw_series(rects).map_err(plot_err)?;
    }
    if value_labels {
        let dec = value_decimals(series.iter());
        let gap = (hi - lo) * 0.008;
        let right = th.font(12.0, TEXT).pos(Pos::new(HPos::Left, VPos::Center));
        let left = th.font(12.0, TEXT).pos(Pos::new(HPos::Right, VPos::Center));
        for s in series {
            let texts: Vec<Text<(f64, f64), String>> = (0..n)
                .map(|i| match s.value(i) {
                    Some(v) if v >= 0.0 => Text::new(fmt_dec(v, dec), (v + gap, cat_y(i)), right.clone()),
                    Some(v) => Text::new(fmt_dec(v, dec), (v - gap, cat_y(i)), left.clone()),
                    None => Text::new("n.d.".to_string(), (gap, cat_y(i)), right.clone().color(&MUTED)),
                })
                .collect();
            cc.draw_series(texts).map_err(plot_err)?;
        }
    }
    if lo < 0.0 {
        zero_line(&mut cc, (-0.5, n as f64 - 0.5), true)?;
    }
    Ok(())
}

fn draw_pyramid<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    th: Theme,
    classes: &[String],
    left: &Series,
    right: &Series,
    x_label: Option<&str>,
) -> Result<()> {
    let n = classes.len();
    let max = left.finite().chain(right.finite()).fold(0.0_f64, f64::max);
    let max = if max > 0.0 { max * 1.22 } else { 1.0 };
    let decimals = tick_decimals(0.0, max);
    let (labels, label_w) = horizontal_labels(plot, th, classes)?;
    // First class at the bottom (youngest at the base of the pyramid).
    let y_fmt = |v: &f64| {
        let r = v.round();
        if (v - r).abs() > 1e-6 || r < 0.0 {
            return String::new();
        }
        labels.get(r as usize).cloned().unwrap_or_default()
    };
    let x_fmt = |v: &f64| fmt_dec(v.abs(), decimals);
    let mut cc = ChartBuilder::on(plot)
        .margin_top(th.px(8.0))
        .margin_right(th.px(24.0))
        .x_label_area_size(th.px(if x_label.is_some() { 50.0 } else { 30.0 }))
        .y_label_area_size(label_w)
        .build_cartesian_2d(-max..max, -0.5..(n as f64 - 0.5))
        .map_err(plot_err)?;
    let mut mesh = cc.configure_mesh();
    mesh.disable_y_mesh()
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS.stroke_width(1))
        .y_labels(n + 1)
        .y_label_formatter(&y_fmt)
        .x_labels(10)
        .x_label_formatter(&x_fmt)
        .label_style(th.tick())
        .axis_desc_style(th.font(13.0, MUTED));
    if let Some(d) = x_label {
        mesh.x_desc(d);
    }
    mesh.draw().map_err(plot_err)?;
    let dec = value_decimals([left, right].into_iter());
    let gap = max * 0.01;
    let h = 0.4;
    for (j, (s, sign)) in [(left, -1.0), (right, 1.0)].into_iter().enumerate() {
        let color = series_color(s, j);
        let rects: Vec<Rectangle<(f64, f64)>> = (0..n)
            .filter_map(|i| {
                let v = s.value(i)? * sign;
                Some(Rectangle::new([(0.0, i as f64 - h), (v, i as f64 + h)], color.filled()))
            })
            .collect();
        cc.draw_series(rects).map_err(plot_err)?;
        if n <= 25 {
            let hpos = if sign < 0.0 { HPos::Right } else { HPos::Left };
            let style = th.font(12.0, TEXT).pos(Pos::new(hpos, VPos::Center));
            let texts: Vec<Text<(f64, f64), String>> = (0..n)
                .map(|i| match s.value(i) {
                    Some(v) => Text::new(fmt_dec(v, dec), (sign * (v + gap), i as f64), style.clone()),
                    None => Text::new("n.d.".to_string(), (sign * gap, i as f64), style.clone().color(&MUTED)),
                })
                .collect();
            cc.draw_series(texts).map_err(plot_err)?;
        }
    }
    zero_line(&mut cc, (-0.5, n as f64 - 0.5), true)?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Heatmap

fn ramp(t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    RGBColor(
        mix(RAMP_LOW.0, RAMP_HIGH.0),
        mix(RAMP_LOW.1, RAMP_HIGH.1),
        mix(RAMP_LOW.2, RAMP_HIGH.2),
    )
}

#[allow(clippy::too_many_arguments)]
fn draw_heatmap<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &DrawingArea<DB, Shift>,
    th: Theme,
    rows: &[String],
    cols: &[String],
    values: &[Vec<Option<f64>>],
    row_title: &str,
    col_title: &str,
) -> Result<()> {
    let (nr, nc) = (rows.len(), cols.len());
    let cell = |r: usize, c: usize| -> Option<f64> {
        values
            .get(r)
            .and_then(|row| row.get(c))
            .copied()
            .flatten()
            .filter(|v| v.is_finite())
    };
    let all: Vec<f64> = values
        .iter()
        .flatten()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    let lo = all.iter().copied().fold(f64::INFINITY, f64::min).min(0.0);
    let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let hi = if hi > lo { hi } else { lo + 1.0 };
    let dec = if all.iter().all(|v| (v - v.round()).abs() < 1e-9) {
        0
    } else {
        1
    };

    let (row_labels, label_w) = horizontal_labels(plot, th, rows)?;
    let title_w = if row_title.is_empty() { 0 } else { th.px(26.0) };
    let bar_w = th.px(90.0);
    let bottom = th.px(if col_title.is_empty() { 30.0 } else { 56.0 });
    let cc = ChartBuilder::on(plot)
        .margin_top(th.px(8.0))
        .margin_right(bar_w)
        .x_label_area_size(bottom)
        .y_label_area_size(label_w + title_w)
        .build_cartesian_2d(0.0..nc as f64, 0.0..nr as f64)
        .map_err(plot_err)?;
    // Row r occupies [nr-1-r, nr-r]: first row at the top.
    let top = |r: usize| (nr - r) as f64;
    let p0 = cc.backend_coord(&(0.0, nr as f64));
    let p1 = cc.backend_coord(&(nc as f64, 0.0));
    let cell_w = (p1.0 - p0.0) / nc.max(1) as i32;
    let cell_h = (p1.1 - p0.1) / nr.max(1) as i32;
    let value_style = th.font(11.5, TEXT);
    let mut show_values = true;
    for r in 0..nr {
        for c in 0..nc {
            if let Some(v) = cell(r, c) {
                let w = text_width(root, &fmt_dec(v, dec), &value_style)?;
                if w + th.px(4.0) > cell_w || th.px(14.0) > cell_h {
                    show_values = false;
                }
            }
        }
    }
    let center = Pos::new(HPos::Center, VPos::Center);
    for r in 0..nr {
        for c in 0..nc {
            let (x0, y1) = (c as f64, top(r));
            let a = cc.backend_coord(&(x0, y1));
            let b = cc.backend_coord(&(x0 + 1.0, y1 - 1.0));
            let mid = ((a.0 + b.0) / 2, (a.1 + b.1) / 2);
            match cell(r, c) {
                Some(v) => {
                    let t = (v - lo) / (hi - lo);
                    root.draw(&Rectangle::new([a, b], ramp(t).filled())).map_err(plot_err)?;
                    if show_values {
                        let color = if t > 0.55 { WHITE } else { TEXT };
                        let style = th.font(11.5, color).pos(center);
                        root.draw_text(&fmt_dec(v, dec), &style, mid).map_err(plot_err)?;
                    }
                }
                None => {
                    root.draw(&Rectangle::new([a, b], MISSING.filled())).map_err(plot_err)?;
                    // Diagonal hatching, clipped to the cell.
                    let step = th.px(7.0).max(3);
                    let (w, h) = (b.0 - a.0, b.1 - a.1);
                    let mut k = step;
                    while k < w + h {
                        let (sx, sy) = if k <= h { (a.0, a.1 + k) } else { (a.0 + k - h, b.1) };
                        let (ex, ey) = if k <= w { (a.0 + k, a.1) } else { (b.0, a.1 + k - w) };
                        root.draw(&PathElement::new(vec![(sx, sy), (ex, ey)], HATCH.stroke_width(1)))
                            .map_err(plot_err)?;
                        k += step;
                    }
                    if th.px(14.0) <= cell_h && text_width(root, "n.d.", &value_style)? + 4 <= cell_w {
                        let style = th.font(11.5, MUTED).pos(center);
                        root.draw_text("n.d.", &style, mid).map_err(plot_err)?;
                    }
                }
            }
            // Thin white separators keep adjacent similar cells distinct.
            root.draw(&Rectangle::new([a, b], WHITE.stroke_width(1)))
                .map_err(plot_err)?;
        }
    }

    // Row labels (left) and column labels (bottom).
    let tick = th.tick();
    let right_mid = Pos::new(HPos::Right, VPos::Center);
    for (r, l) in row_labels.iter().enumerate() {
        let p = cc.backend_coord(&(0.0, top(r) - 0.5));
        root.draw_text(l, &tick.clone().pos(right_mid), (p.0 - th.px(6.0), p.1))
            .map_err(plot_err)?;
    }
    for (c, l) in cols.iter().enumerate() {
        let l = fit_text(root, &truncate_chars(l, MAX_LABEL_CHARS), &tick, cell_w - th.px(4.0))?;
        let p = cc.backend_coord(&(c as f64 + 0.5, 0.0));
        root.draw_text(
            &l,
            &tick.clone().pos(Pos::new(HPos::Center, VPos::Top)),
            (p.0, p.1 + th.px(6.0)),
        )
        .map_err(plot_err)?;
    }
    let desc = th.font(13.0, MUTED);
    if !col_title.is_empty() {
        let t = fit_text(root, col_title, &desc, p1.0 - p0.0)?;
        root.draw_text(
            &t,
            &desc.clone().pos(Pos::new(HPos::Center, VPos::Top)),
            ((p0.0 + p1.0) / 2, p1.1 + th.px(30.0)),
        )
        .map_err(plot_err)?;
    }
    if !row_title.is_empty() {
        let t = fit_text(root, row_title, &desc, p1.1 - p0.1)?;
        let style = desc
            .clone()
            .transform(FontTransform::Rotate270)
            .pos(Pos::new(HPos::Center, VPos::Top));
        root.draw_text(&t, &style, (p0.0 - label_w - title_w + th.px(2.0), (p0.1 + p1.1) / 2))
            .map_err(plot_err)?;
    }

    // Colour bar on the right with min / max labels.
    let bx0 = p1.0 + th.px(14.0);
    let bx1 = bx0 + th.px(14.0);
    let (by0, by1) = (p0.1, p1.1.min(p0.1 + th.px(220.0)));
    let steps = 48;
    for k in 0..steps {
        let ya = by0 + (by1 - by0) * k / steps;
        let yb = by0 + (by1 - by0) * (k + 1) / steps;
        let t = 1.0 - (k as f64 + 0.5) / steps as f64;
        root.draw(&Rectangle::new([(bx0, ya), (bx1, yb)], ramp(t).filled()))
            .map_err(plot_err)?;
    }
    root.draw(&Rectangle::new([(bx0, by0), (bx1, by1)], AXIS.stroke_width(1)))
        .map_err(plot_err)?;
    let lab = th.font(11.5, TEXT).pos(Pos::new(HPos::Left, VPos::Center));
    let bar_dec = if dec == 0 { tick_decimals(lo, hi).min(1) } else { 1 };
    for (v, y) in [(hi, by0), ((lo + hi) / 2.0, (by0 + by1) / 2), (lo, by1)] {
        root.draw_text(&fmt_dec(v, bar_dec), &lab, (bx1 + th.px(5.0), y))
            .map_err(plot_err)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// PNG encoder

/// Encodes an RGB8 buffer (row-major, no padding) as PNG with the `image` crate plotters already
/// builds (same features, so no extra compilation).
fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>> {
    use image::ImageEncoder;
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(rgb, width, height, image::ColorType::Rgb8)
        .map_err(|e| anyhow!("encoding the PNG: {e}"))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::format::month_label;
    use super::*;

    const SOURCE: &str = "Fonte: elaborazioni OML su dati CO (Comunicazioni Obbligatorie)";

    fn months(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| month_label(2019 + (i / 12) as i32, (i % 12) as u32 + 1))
            .collect()
    }

    fn chart(title: &str, kind: ChartKind) -> Chart {
        Chart {
            title: title.to_string(),
            subtitle: Some("Valori mensili, Lombardia".to_string()),
            y_label: Some("Numero di rapporti".to_string()),
            source: SOURCE.to_string(),
            kind,
        }
    }

    fn wave(n: usize, level: f64, amp: f64, phase: f64) -> Vec<f64> {
        (0..n)
            .map(|i| level + amp * ((i as f64) * std::f64::consts::PI / 6.0 + phase).sin() + 15.0 * i as f64)
            .collect()
    }

    fn sample_charts() -> Vec<(&'static str, Chart)> {
        let n = 72;
        let mut att = Series::from_values("Attivazioni", &wave(n, 21_000.0, 3_500.0, 0.0));
        att.values[30] = None; // suppressed month: a gap
        let cess = Series::from_values("Cessazioni", &wave(n, 20_500.0, 3_000.0, 1.2));
        let trend = Series::from_values("Attivazioni (destag.)", &wave(n, 21_000.0, 300.0, 0.0)).dashed();
        let saldo: Vec<f64> = (0..24).map(|i| 1500.0 * ((i as f64) * 0.8).sin() - 200.0).collect();
        let sectors = vec![
            "Agricoltura, silvicoltura e pesca".to_string(),
            "Attività manifatturiere".to_string(),
            "Costruzioni".to_string(),
            "Commercio all'ingrosso e al dettaglio; riparazione di autoveicoli e motocicli".to_string(),
            "Servizi di alloggio e di ristorazione".to_string(),
            "Istruzione".to_string(),
            "Sanità e assistenza sociale".to_string(),
        ];
        let provinces: Vec<String> = ["Bergamo", "Brescia", "Como", "Milano", "Monza e Brianza", "Varese"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let matrix: Vec<Vec<Option<f64>>> = (0..6)
            .map(|r| {
                (0..6)
                    .map(|c| {
                        if r == 2 && c == 4 {
                            None
                        } else if r == c {
                            Some(12_000.0 + 900.0 * r as f64)
                        } else {
                            Some((150 * (r + 1) * (c + 2) % 2300) as f64 + 40.0)
                        }
                    })
                    .collect()
            })
            .collect();
        let ages: Vec<String> = ["15-24", "25-34", "35-44", "45-54", "55-64", "65 e oltre"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        vec![
            (
                "lines",
                chart(
                    "Attivazioni e cessazioni di rapporti di lavoro",
                    ChartKind::Lines {
                        x_labels: months(n),
                        series: vec![att, cess, trend],
                    },
                ),
            ),
            (
                "bars_with_lines",
                chart(
                    "Saldo mensile delle posizioni lavorative",
                    ChartKind::BarsWithLines {
                        x_labels: months(24),
                        bars: vec![Series::from_values("Saldo", &saldo)],
                        lines: vec![Series::from_values(
                            "Media mobile 3 mesi",
                            &saldo
                                .windows(3)
                                .map(|w| w.iter().sum::<f64>() / 3.0)
                                .collect::<Vec<_>>(),
                        )
                        .dashed()],
                    },
                ),
            ),
            (
                "bars_horizontal",
                chart(
                    "Attivazioni per settore di attività economica",
                    ChartKind::Bars {
                        categories: sectors.clone(),
                        series: vec![Series::new(
                            "Attivazioni",
                            vec![
                                Some(3_210.0),
                                Some(15_400.0),
                                Some(8_020.0),
                                Some(12_345.0),
                                Some(22_100.0),
                                None,
                                Some(6_480.0),
                            ],
                        )],
                        horizontal: true,
                    },
                ),
            ),
            (
                "bars_vertical",
                chart(
                    "Tasso di variazione tendenziale per tipologia contrattuale",
                    ChartKind::Bars {
                        categories: vec![
                            "Tempo indeterminato".into(),
                            "Tempo determinato".into(),
                            "Apprendistato".into(),
                            "Somministrazione".into(),
                            "Intermittente".into(),
                        ],
                        series: vec![
                            Series::from_values("2023", &[3.2, -1.5, 8.4, -6.1, 0.4]),
                            Series::from_values("2024", &[2.1, 0.7, 5.5, -3.2, 1.9]),
                        ],
                        horizontal: false,
                    },
                ),
            ),
            (
                "stacked",
                chart(
                    "Ore di cassa integrazione autorizzate per tipologia",
                    ChartKind::StackedBars {
                        categories: months(18),
                        series: vec![
                            Series::from_values("Ordinaria", &wave(18, 400_000.0, 150_000.0, 0.3)),
                            Series::from_values("Straordinaria", &wave(18, 250_000.0, 80_000.0, 1.0)),
                            Series::new("In deroga", (0..18).map(|i| (i % 4 != 0).then_some(30_000.0)).collect()),
                        ],
                    },
                ),
            ),
            (
                "heatmap",
                Chart {
                    y_label: None,
                    ..chart(
                        "Mobilità dei lavoratori tra province",
                        ChartKind::Heatmap {
                            rows: provinces.clone(),
                            cols: provinces,
                            values: matrix,
                            row_title: "Provincia di residenza".into(),
                            col_title: "Provincia di lavoro".into(),
                        },
                    )
                },
            ),
            (
                "pyramid",
                chart(
                    "Attivazioni per classe di età e genere",
                    ChartKind::Pyramid {
                        classes: ages,
                        left: Series::from_values("Maschi", &[8_200.0, 12_450.0, 10_100.0, 9_050.0, 5_300.0, 1_020.0]),
                        right: Series::new(
                            "Femmine",
                            vec![
                                Some(7_400.0),
                                Some(11_800.0),
                                Some(9_900.0),
                                Some(8_100.0),
                                Some(4_250.0),
                                None,
                            ],
                        ),
                    },
                ),
            ),
        ]
    }

    /// Text contents of all `<text>` elements (plotters puts them on their
    /// own line).
    fn svg_texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| {
                let body = &t[t.find('>')? + 1..];
                Some(body[..body.find("</text>")?].trim().to_string())
            })
            .collect()
    }

    fn has_text(svg: &str, pred: impl Fn(&str) -> bool) -> bool {
        svg_texts(svg).iter().any(|t| pred(t))
    }

    fn png_size(png: &[u8]) -> (u32, u32) {
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[12..16], b"IHDR");
        (
            u32::from_be_bytes([png[16], png[17], png[18], png[19]]),
            u32::from_be_bytes([png[20], png[21], png[22], png[23]]),
        )
    }

    #[test]
    fn base64_known_values() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"M"), "TQ==");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"OML Sans!"), "T01MIFNhbnMh");
    }

    #[test]
    fn font_css_embeds_both_weights() {
        let css = font_face_css();
        assert_eq!(css.matches("@font-face").count(), 2);
        assert!(css.contains("font-family:\"OML Sans\""));
        assert!(css.contains("font-weight:bold"));
        assert!(css.contains("data:font/ttf;base64,AAEAAA")); // TrueType magic 0x00010000
        ensure_fonts().unwrap();
    }

    #[test]
    fn every_kind_renders_svg_and_png() {
        // Written for a human to look at; outside the repository.
        let out = std::env::temp_dir().join("oml-charts-samples");
        std::fs::create_dir_all(&out).unwrap();
        for (name, c) in sample_charts() {
            let svg = render_svg(&c, 1000, 600).unwrap();
            assert!(svg.contains(&c.title), "{name}: title");
            assert!(svg.contains("Fonte: elaborazioni OML su dati CO"), "{name}: source");
            assert!(svg.contains("font-family=\"OML Sans\""), "{name}: font");
            assert!(!svg.contains("sans-serif"), "{name}: stray default font");
            let png = render_png(&c, 1000, 600).unwrap();
            assert_eq!(png_size(&png), (1000, 600), "{name}");
            std::fs::write(
                out.join(format!("{name}.svg")),
                render_svg_standalone(&c, 1000, 600).unwrap(),
            )
            .unwrap();
            std::fs::write(out.join(format!("{name}.png")), &png).unwrap();
        }
    }

    #[test]
    fn svg_uses_italian_formatting_and_month_labels() {
        let charts = sample_charts();
        let lines = &charts[0].1;
        let svg = render_svg(lines, 1000, 600).unwrap();
        assert!(has_text(&svg, |t| t == "gen 2024"), "month labels");
        assert!(has_text(&svg, |t| t == "20.000"), "thousands separator on ticks");
        assert!(!has_text(&svg, |t| t == "dic 2023"), "labels thinned to January");
        let stacked = &charts[4].1;
        let svg = render_svg(stacked, 1000, 600).unwrap();
        assert!(
            has_text(&svg, |t| t.ends_with(".000.000") || t.ends_with("00.000")),
            "large ticks"
        );
        let bars = &charts[3].1;
        let svg = render_svg(bars, 1000, 600).unwrap();
        assert!(
            has_text(&svg, |t| t.contains(',') && t.len() <= 5),
            "decimal comma ticks"
        );
        assert!(has_text(&svg, |t| t == "-6,1"), "value label with decimal comma");
        let horizontal = &charts[2].1;
        let svg = render_svg(horizontal, 1000, 600).unwrap();
        assert!(
            has_text(&svg, |t| t == "22.100"),
            "value label with thousands separator"
        );
        assert!(has_text(&svg, |t| t.ends_with('…')), "long sector label truncated");
        assert!(has_text(&svg, |t| t == "n.d."), "missing bar marked");
    }

    #[test]
    fn standalone_svg_embeds_font_after_svg_tag() {
        let c = &sample_charts()[0].1;
        let svg = render_svg_standalone(c, 800, 500).unwrap();
        let open = svg.find("<svg").unwrap();
        let close = open + svg[open..].find('>').unwrap();
        assert!(svg[close + 1..].trim_start().starts_with("<style>@font-face"));
        assert!(svg.trim_end().ends_with("</svg>"));
    }

    fn check_both(c: &Chart) -> String {
        let png = render_png(c, 640, 400).unwrap();
        assert_eq!(png_size(&png), (640, 400));
        render_svg(c, 640, 400).unwrap()
    }

    #[test]
    fn edge_cases_do_not_panic() {
        let empty_lines = chart(
            "Vuoto",
            ChartKind::Lines {
                x_labels: vec![],
                series: vec![],
            },
        );
        assert!(check_both(&empty_lines).contains(NO_DATA));
        let all_none = chart(
            "Tutti mancanti",
            ChartKind::Lines {
                x_labels: months(12),
                series: vec![Series::new("A", vec![None; 12]), Series::new("B", vec![])],
            },
        );
        assert!(check_both(&all_none).contains(NO_DATA));
        let zeros = chart(
            "Tutti zero",
            ChartKind::Bars {
                categories: vec!["A".into(), "B".into()],
                series: vec![Series::from_values("x", &[0.0, 0.0])],
                horizontal: false,
            },
        );
        assert!(!check_both(&zeros).contains(NO_DATA));
        let single = chart(
            "Una categoria",
            ChartKind::Bars {
                categories: vec!["Solo".into()],
                series: vec![Series::from_values("x", &[5.0])],
                horizontal: true,
            },
        );
        check_both(&single);
        let single_point = chart(
            "Un punto",
            ChartKind::Lines {
                x_labels: months(1),
                series: vec![Series::from_values("x", &[-3.5])],
            },
        );
        check_both(&single_point);
        let negative = chart(
            "Negativi",
            ChartKind::BarsWithLines {
                x_labels: months(6),
                bars: vec![Series::from_values(
                    "s",
                    &[-1000.0, -2500.0, -10.0, -40.0, -5.0, -7000.0],
                )],
                lines: vec![],
            },
        );
        check_both(&negative);
        let long = "Attività professionali, scientifiche e tecniche e servizi di supporto alle imprese";
        let long_labels = chart(
            "Etichette lunghe",
            ChartKind::Bars {
                categories: vec![long.into(), long.into()],
                series: vec![
                    Series::from_values("a", &[1.0, 2.0]),
                    Series::from_values("b", &[2.0, 1.0]),
                ],
                horizontal: false,
            },
        );
        let svg = check_both(&long_labels);
        assert!(!svg.contains(long));
        let nan = chart(
            "NaN",
            ChartKind::Lines {
                x_labels: months(3),
                series: vec![Series::new("x", vec![Some(f64::NAN), Some(f64::INFINITY), None])],
            },
        );
        assert!(check_both(&nan).contains(NO_DATA));
        let heat_empty = chart(
            "Matrice vuota",
            ChartKind::Heatmap {
                rows: vec!["a".into()],
                cols: vec!["b".into()],
                values: vec![vec![None]],
                row_title: String::new(),
                col_title: String::new(),
            },
        );
        assert!(check_both(&heat_empty).contains(NO_DATA));
        let pyramid_gap = chart(
            "Piramide",
            ChartKind::Pyramid {
                classes: vec!["15-24".into()],
                left: Series::new("M", vec![None]),
                right: Series::from_values("F", &[0.0]),
            },
        );
        check_both(&pyramid_gap);
        let no_text = Chart {
            title: String::new(),
            subtitle: None,
            y_label: None,
            source: String::new(),
            kind: single.kind.clone(),
        };
        check_both(&no_text);
    }

    #[test]
    fn invalid_input_is_an_error() {
        let negative_stack = chart(
            "x",
            ChartKind::StackedBars {
                categories: vec!["a".into()],
                series: vec![Series::from_values("s", &[-1.0])],
            },
        );
        assert!(render_svg(&negative_stack, 800, 500).is_err());
        assert!(render_png(&negative_stack, 800, 500).is_err());
        let too_long = chart(
            "x",
            ChartKind::Lines {
                x_labels: months(2),
                series: vec![Series::from_values("s", &[1.0, 2.0, 3.0])],
            },
        );
        assert!(render_svg(&too_long, 800, 500).is_err());
        let ok = &sample_charts()[0].1;
        assert!(render_png(ok, 0, 500).is_err());
        assert!(render_svg(ok, 800, 20_000).is_err());
    }
}
