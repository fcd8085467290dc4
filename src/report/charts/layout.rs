//! The layout around the plot, drawn by hand rather than with plotters' in-plot legend: title
//! (bold, cut with "…" when too long), subtitle, a legend strip that wraps and never covers the
//! data, and the source line at the bottom; and the frame that stands for a chart with no data.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::theme::{fit_text, plot_err, series_color, text_width, truncate_chars, Theme, AXIS, MUTED, NO_DATA, TEXT};
use super::{Chart, ChartKind, LineStyle, Series};

/// Where a chart's plot is drawn: the whole canvas (for text measured or drawn outside the plot
/// area), the plot area inside the title, legend and source line, and the sizes.
pub(super) struct Canvas<'a, DB: DrawingBackend> {
    pub root: &'a DrawingArea<DB, Shift>,
    pub plot: &'a DrawingArea<DB, Shift>,
    pub th: Theme,
}

/// Draws title, subtitle, legend and source; returns the area left for the plot.
pub(super) fn draw_frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    th: Theme,
    chart: &Chart,
) -> Result<DrawingArea<DB, Shift>> {
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
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
    let y = draw_legend(root, th, &items, &rows, (pad, y), row_h)?;
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
    Ok(root.clone().shrink((pad / 2, header_h), ((w - pad).max(20), plot_h)))
}

/// Draws the legend rows from `(pad, y)`, the left edge and the top; returns the y below them.
fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    th: Theme,
    items: &[LegendItem],
    rows: &[LegendRow],
    (pad, mut y): (i32, i32),
    row_h: i32,
) -> Result<i32> {
    let legend_style = th.font(13.0, TEXT).pos(Pos::new(HPos::Left, VPos::Center));
    for row in rows {
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
    Ok(y)
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

/// The frame of a chart with nothing to show: "Nessun dato disponibile" in a box.
pub(super) fn draw_no_data<DB: DrawingBackend>(plot: &DrawingArea<DB, Shift>, th: Theme) -> Result<()> {
    let (w, h) = plot.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let m = th.px(8.0);
    plot.draw(&Rectangle::new([(m, m), (w - m, h - m)], AXIS.stroke_width(1)))
        .map_err(plot_err)?;
    let style = th.font(16.0, MUTED).pos(Pos::new(HPos::Center, VPos::Center));
    plot.draw_text(NO_DATA, &style, (w / 2, h / 2)).map_err(plot_err)?;
    Ok(())
}
