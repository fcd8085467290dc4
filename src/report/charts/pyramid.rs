//! Population pyramids ([`ChartKind::Pyramid`](super::ChartKind::Pyramid)): one horizontal bar
//! to the left and one to the right per class (hires by age class, maschi and femmine), the
//! youngest class at the base, values labelled as positive on both sides.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{horizontal_frame, tick_decimals, value_decimals, zero_line};
use super::layout::Canvas;
use super::theme::{plot_err, series_color, MUTED, TEXT};
use super::Series;
use crate::report::format::fmt_dec;

pub(super) fn draw_pyramid<DB: DrawingBackend>(
    cv: &Canvas<'_, DB>,
    classes: &[String],
    left: &Series,
    right: &Series,
    x_label: Option<&str>,
) -> Result<()> {
    let th = cv.th;
    let n = classes.len();
    let max = left.finite().chain(right.finite()).fold(0.0_f64, f64::max);
    let max = if max > 0.0 { max * 1.22 } else { 1.0 };
    let decimals = tick_decimals(0.0, max);
    let x_fmt = |v: &f64| fmt_dec(v.abs(), decimals);
    // First class at the bottom (youngest at the base of the pyramid).
    let mut cc = horizontal_frame(cv, classes, false, -max..max, &x_fmt, x_label)?;
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
