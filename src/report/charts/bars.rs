//! Bar charts: columns over categories along x — grouped side by side
//! ([`ChartKind::Bars`](super::ChartKind::Bars) vertical), stacked
//! ([`ChartKind::StackedBars`](super::ChartKind::StackedBars)) or with lines overlaid
//! ([`ChartKind::BarsWithLines`](super::ChartKind::BarsWithLines)) — and horizontal bars for
//! long Italian category names (sectors). Bars always start at zero; when few, each carries its
//! value (or "n.d." where it is missing).

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{horizontal_frame, tick_decimals, value_decimals, value_range, vertical_frame, zero_line};
use super::layout::Canvas;
use super::lines::draw_line_overlay;
use super::theme::{plot_err, series_color, MUTED, TEXT};
use super::Series;
use crate::report::format::fmt_dec;

/// Share of a category's slot taken by its bars.
const GROUP: f64 = 0.8;

/// Columns over the categories `labels`: grouped or `stacked`, then `lines` drawn on top.
pub(super) fn draw_columns<DB: DrawingBackend>(
    cv: &Canvas<'_, DB>,
    labels: &[String],
    bars: &[Series],
    lines: &[Series],
    stacked: bool,
    y_label: Option<&str>,
) -> Result<()> {
    let th = cv.th;
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
    let mut cc = vertical_frame(cv, labels, (lo, hi), y_label)?;

    // Bars: grouped side by side, or stacked.
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
                        [(x - GROUP / 2.0, b), (x + GROUP / 2.0, b + v)],
                        color.filled(),
                    ))
                } else {
                    let x0 = x - GROUP / 2.0 + GROUP / k * j as f64;
                    Some(Rectangle::new([(x0, 0.0), (x0 + GROUP / k, v)], color.filled()))
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
            let xc = |i: usize| i as f64 - GROUP / 2.0 + GROUP / k * (j as f64 + 0.5);
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
    draw_line_overlay(&mut cc, th, lines, bars.len(), n)
}

/// Horizontal bars, grouped, the first category at the top.
pub(super) fn draw_horizontal<DB: DrawingBackend>(
    cv: &Canvas<'_, DB>,
    categories: &[String],
    series: &[Series],
    x_label: Option<&str>,
) -> Result<()> {
    let th = cv.th;
    let n = categories.len();
    let value_labels = series.len() == 1 && n <= 30;
    let (lo, hi) = value_range(
        series.iter().flat_map(|s| s.finite()),
        true,
        if value_labels { 0.1 } else { 0.0 },
    );
    let decimals = tick_decimals(lo, hi);
    let x_fmt = |v: &f64| fmt_dec(*v, decimals);
    let mut cc = horizontal_frame(cv, categories, true, lo..hi, &x_fmt, x_label)?;
    // First category at the top, as in a table.
    let cat_y = |i: usize| (n - 1 - i) as f64;

    let k = series.len().max(1) as f64;
    for (j, s) in series.iter().enumerate() {
        let color = series_color(s, j);
        let rects: Vec<Rectangle<(f64, f64)>> = (0..n)
            .filter_map(|i| {
                let v = s.value(i)?;
                // Series j from top to bottom inside the group.
                let y1 = cat_y(i) + GROUP / 2.0 - GROUP / k * j as f64;
                Some(Rectangle::new([(0.0, y1 - GROUP / k), (v, y1)], color.filled()))
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
