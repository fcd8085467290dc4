//! Heatmaps ([`ChartKind::Heatmap`](super::ChartKind::Heatmap)): a matrix such as the
//! transitions between sectors, first row at the top, cells on a single-hue ramp (the order of
//! values reads in greyscale too) with their values when they fit, missing cells grey, hatched
//! and marked "n.d.", and a colour bar with minimum, middle and maximum on the right.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontTransform;

use super::axis::{horizontal_labels, tick_decimals};
use super::layout::Canvas;
use super::theme::{
    fit_text, plot_err, text_width, truncate_chars, AXIS, HATCH, MAX_LABEL_CHARS, MISSING, MUTED, RAMP_HIGH, RAMP_LOW,
    TEXT,
};
use crate::report::format::fmt_dec;

fn ramp(t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    RGBColor(
        mix(RAMP_LOW.0, RAMP_HIGH.0),
        mix(RAMP_LOW.1, RAMP_HIGH.1),
        mix(RAMP_LOW.2, RAMP_HIGH.2),
    )
}

pub(super) fn draw_heatmap<DB: DrawingBackend>(
    cv: &Canvas<'_, DB>,
    rows: &[String],
    cols: &[String],
    values: &[Vec<Option<f64>>],
    row_title: &str,
    col_title: &str,
) -> Result<()> {
    let Canvas { root, plot, th } = *cv;
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
