//! Axes shared by the chart kinds: value ranges that start bars at zero, tick decimals and
//! Italian tick labels, category labels thinned (and aligned on January) or cut to fit, the
//! zero line, and the two frames every cartesian chart is drawn in — categories along x
//! ([`vertical_frame`]: lines and columns) or along y ([`horizontal_frame`]: horizontal bars and
//! the pyramid) — with one grid and axis style.

use std::ops::Range;

use anyhow::Result;
use plotters::chart::MeshStyle;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::layout::Canvas;
use super::theme::{fit_text, plot_err, text_width, truncate_chars, Theme, AXIS, GRID, MAX_LABEL_CHARS, MUTED, TEXT};
use super::Series;
use crate::report::format::fmt_dec;

/// A chart context with numeric coordinates on both axes (categories sit at 0, 1, 2, …).
pub(super) type Ctx<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Value range including zero when asked (bars must start at zero), with a
/// little padding; degenerate ranges (all equal, all zero) are widened.
pub(super) fn value_range(values: impl Iterator<Item = f64>, include_zero: bool, headroom: f64) -> (f64, f64) {
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
pub(super) fn tick_decimals(lo: f64, hi: f64) -> usize {
    let step = (hi - lo) / 10.0;
    if step >= 1.0 || step <= 0.0 || !step.is_finite() {
        0
    } else {
        (-step.log10()).ceil().clamp(0.0, 4.0) as usize
    }
}

/// Decimals for value labels: none for counts, one otherwise.
pub(super) fn value_decimals<'a>(values: impl Iterator<Item = &'a Series>) -> usize {
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

/// Builds the category label area for horizontal layouts: labels truncated
/// to 40 characters and to at most ~40% of the width.
pub(super) fn horizontal_labels<DB: DrawingBackend>(
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

pub(super) fn zero_line<DB: DrawingBackend>(cc: &mut Ctx<'_, DB>, x: (f64, f64), vertical: bool) -> Result<()> {
    let pts = if vertical {
        vec![(0.0, x.0), (0.0, x.1)]
    } else {
        vec![(x.0, 0.0), (x.1, 0.0)]
    };
    cc.draw_series(LineSeries::new(pts, TEXT.stroke_width(1)))
        .map_err(plot_err)?;
    Ok(())
}

/// The frame of a chart with categories along x (months, periods, territories) and values up
/// the y axis: value ticks in Italian format (with the axis description, if any), category
/// labels thinned to fit, horizontal grid lines only.
pub(super) fn vertical_frame<'a, DB: DrawingBackend>(
    cv: &Canvas<'a, DB>,
    labels: &[String],
    (lo, hi): (f64, f64),
    y_label: Option<&str>,
) -> Result<Ctx<'a, DB>> {
    let Canvas { root, plot, th } = *cv;
    let n = labels.len();
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
        .x_labels(n + 1)
        .x_label_formatter(&x_fmt)
        .y_labels(10)
        .y_label_formatter(&y_fmt);
    if let Some(d) = y_label {
        mesh.y_desc(d);
    }
    draw_mesh(mesh, th)?;
    Ok(cc)
}

/// The frame of a chart with categories along y (one row each, labels cut to fit) and values
/// along x, formatted by `x_fmt`; the first category at the top when `top_first` (as in a
/// table), at the bottom otherwise (the youngest class at the base of a pyramid).
pub(super) fn horizontal_frame<'a, DB: DrawingBackend>(
    cv: &Canvas<'a, DB>,
    categories: &[String],
    top_first: bool,
    x_range: Range<f64>,
    x_fmt: &dyn Fn(&f64) -> String,
    x_label: Option<&str>,
) -> Result<Ctx<'a, DB>> {
    let Canvas { plot, th, .. } = *cv;
    let n = categories.len();
    let (labels, label_w) = horizontal_labels(plot, th, categories)?;
    let y_fmt = |v: &f64| {
        let r = v.round();
        if (v - r).abs() > 1e-6 || r < 0.0 {
            return String::new();
        }
        let i = r as usize;
        let row = match top_first {
            true if i >= n => return String::new(),
            true => n - 1 - i,
            false => i,
        };
        labels.get(row).cloned().unwrap_or_default()
    };
    let mut cc = ChartBuilder::on(plot)
        .margin_top(th.px(8.0))
        .margin_right(th.px(24.0))
        .x_label_area_size(th.px(if x_label.is_some() { 50.0 } else { 30.0 }))
        .y_label_area_size(label_w)
        .build_cartesian_2d(x_range, -0.5..(n as f64 - 0.5))
        .map_err(plot_err)?;
    let mut mesh = cc.configure_mesh();
    mesh.disable_y_mesh()
        .y_labels(n + 1)
        .y_label_formatter(&y_fmt)
        .x_labels(10)
        .x_label_formatter(x_fmt);
    if let Some(d) = x_label {
        mesh.x_desc(d);
    }
    draw_mesh(mesh, th)?;
    Ok(cc)
}

/// Grid lines, axes, tick labels and axis description in the style of every chart.
fn draw_mesh<DB: DrawingBackend>(
    mut mesh: MeshStyle<'_, '_, RangedCoordf64, RangedCoordf64, DB>,
    th: Theme,
) -> Result<()> {
    mesh.bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS.stroke_width(1))
        .label_style(th.tick())
        .axis_desc_style(th.font(13.0, MUTED));
    mesh.draw().map_err(plot_err)
}
