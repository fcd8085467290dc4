//! The look shared by every chart kind: the embedded font (registered with plotters and exposed
//! as CSS `@font-face`), the Okabe–Ito palette and the text and axis greys, sizes that scale with
//! the canvas ([`Theme`]), text fitting (labels cut with "…" rather than clipped) and the
//! in-memory PNG encoding. One place, so lines, bars, pyramid and heatmap cannot drift apart.

use std::sync::OnceLock;

use anyhow::{anyhow, ensure, Result};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{register_font, FontStyle};

use super::Series;

pub const FONT_FAMILY: &str = "OML Sans";

const FONT_REGULAR: &[u8] = include_bytes!("../../../assets/fonts/OMLSans.ttf");
const FONT_BOLD: &[u8] = include_bytes!("../../../assets/fonts/OMLSans-Bold.ttf");

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
pub(super) const DEFAULT_ORDER: [usize; 8] = [4, 0, 2, 5, 1, 6, 7, 3];

pub(super) const TEXT: RGBColor = RGBColor(0x1A, 0x1A, 0x1A);
pub(super) const MUTED: RGBColor = RGBColor(0x59, 0x59, 0x59);
pub(super) const GRID: RGBColor = RGBColor(0xE3, 0xE3, 0xE3);
pub(super) const AXIS: RGBColor = RGBColor(0x80, 0x80, 0x80);
pub(super) const MISSING: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);
pub(super) const HATCH: RGBColor = RGBColor(0xB5, 0xB5, 0xB5);
/// Heatmap ramp: very light blue → Okabe–Ito blue (single hue, so the order
/// of values reads correctly in greyscale too).
pub(super) const RAMP_LOW: RGBColor = RGBColor(0xF2, 0xF7, 0xFB);
pub(super) const RAMP_HIGH: RGBColor = RGBColor(0x00, 0x72, 0xB2);

/// Category labels longer than this are cut with "…".
pub(super) const MAX_LABEL_CHARS: usize = 40;
pub(super) const NO_DATA: &str = "Nessun dato disponibile";

// ---------------------------------------------------------------------------
// Fonts

/// Registers the embedded fonts with plotters exactly once per process.
pub(super) fn ensure_fonts() -> Result<()> {
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

/// CSS `@font-face` rules (regular and bold) embedding the chart font as
/// base64, for HTML reports and standalone SVG files.
pub fn font_face_css() -> String {
    let face = |weight: &str, bytes: &[u8]| {
        format!(
            "@font-face{{font-family:\"{FONT_FAMILY}\";font-style:normal;font-weight:{weight};\
             src:url(data:font/ttf;base64,{}) format(\"truetype\");}}",
            STANDARD.encode(bytes)
        )
    };
    format!("{}{}", face("normal", FONT_REGULAR), face("bold", FONT_BOLD))
}

pub(super) fn check_size(width: u32, height: u32) -> Result<()> {
    ensure!(
        (200..=10_000).contains(&width) && (150..=10_000).contains(&height),
        "chart size {width}×{height} out of range (200..10000 × 150..10000 pixels)"
    );
    Ok(())
}

pub(super) fn plot_err<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    anyhow!("chart drawing failed: {e:?}")
}

// ---------------------------------------------------------------------------
// Sizes and text

/// Sizes scale with the canvas so the same chart reads well at 800 or
/// 1600 px wide.
#[derive(Clone, Copy)]
pub(super) struct Theme {
    s: f64,
}

impl Theme {
    pub(super) fn new(width: u32, height: u32) -> Self {
        let basis = f64::from(width).min(f64::from(height) * 1.8);
        Self {
            s: (basis / 900.0).clamp(0.6, 2.5),
        }
    }
    pub(super) fn px(self, v: f64) -> i32 {
        (v * self.s).round().max(1.0) as i32
    }
    pub(super) fn font(self, size: f64, color: RGBColor) -> TextStyle<'static> {
        (FONT_FAMILY, size * self.s).into_font().color(&color)
    }
    pub(super) fn bold(self, size: f64) -> TextStyle<'static> {
        (FONT_FAMILY, size * self.s)
            .into_font()
            .style(FontStyle::Bold)
            .color(&TEXT)
    }
    pub(super) fn tick(self) -> TextStyle<'static> {
        self.font(13.0, TEXT)
    }
}

pub(super) fn series_color(s: &Series, position: usize) -> RGBColor {
    let idx = s.color.unwrap_or(DEFAULT_ORDER[position % DEFAULT_ORDER.len()]);
    PALETTE[idx % PALETTE.len()]
}

/// Cuts a label to `max` characters, ending with "…".
pub(super) fn truncate_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let keep: String = s.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", keep.trim_end())
}

pub(super) fn text_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
) -> Result<i32> {
    if text.is_empty() {
        return Ok(0);
    }
    let (w, _) = area.estimate_text_size(text, style).map_err(plot_err)?;
    Ok(w as i32)
}

/// Truncates `text` with "…" until it fits in `max_w` pixels.
pub(super) fn fit_text<DB: DrawingBackend>(
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

// ---------------------------------------------------------------------------
// PNG encoder

/// Encodes an RGB8 buffer (row-major, no padding) as PNG with the `image` crate plotters already
/// builds (same features, so no extra compilation).
pub(super) fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>> {
    use image::ImageEncoder;
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(rgb, width, height, image::ColorType::Rgb8)
        .map_err(|e| anyhow!("encoding the PNG: {e}"))?;
    Ok(out)
}
