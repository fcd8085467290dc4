//! Line charts ([`ChartKind::Lines`](super::ChartKind::Lines)): monthly series on a category x
//! axis, solid or dashed (seasonally adjusted overlays). A missing value breaks the line rather
//! than being interpolated; a point standing alone is drawn as a dot. The same line drawing
//! overlays columns in [`ChartKind::BarsWithLines`](super::ChartKind::BarsWithLines).

use anyhow::Result;
use plotters::prelude::*;

use super::axis::{value_range, vertical_frame, zero_line, Ctx};
use super::layout::Canvas;
use super::theme::{plot_err, series_color, Theme};
use super::{LineStyle, Series};

/// A line chart: the value axis fits the lines (not forced to zero), a zero line when negative.
pub(super) fn draw_lines<DB: DrawingBackend>(
    cv: &Canvas<'_, DB>,
    labels: &[String],
    series: &[Series],
    y_label: Option<&str>,
) -> Result<()> {
    let n = labels.len();
    let (lo, hi) = value_range(series.iter().flat_map(|s| s.finite()), false, 0.0);
    let mut cc = vertical_frame(cv, labels, (lo, hi), y_label)?;
    if lo < 0.0 {
        zero_line(&mut cc, (-0.5, n as f64 - 0.5), false)?;
    }
    draw_line_overlay(&mut cc, cv.th, series, 0, n)
}

/// Draws `series` over `n` categories, coloured from palette position `first_color` on.
pub(super) fn draw_line_overlay<DB: DrawingBackend>(
    cc: &mut Ctx<'_, DB>,
    th: Theme,
    series: &[Series],
    first_color: usize,
    n: usize,
) -> Result<()> {
    for (j, s) in series.iter().enumerate() {
        draw_line_series(cc, th, s, series_color(s, j + first_color), n)?;
    }
    Ok(())
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
