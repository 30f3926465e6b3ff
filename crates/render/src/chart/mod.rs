//! The one chart component: a [`Chart`] drawn as SVG with an explicit CJK font stack. The same
//! SVG is inlined on pages and in the HTML document, embedded in the PDF, and rasterised to PNG
//! (with resvg, [`png`]) for Word.
//!
//! Four kinds: horizontal bars (grouped series, value labels, wrapped category labels), lines
//! (one per series over years or months, with a legend), a donut (the shares of the first
//! series, a legend with percentages) and a heat table (categories × series, cells shaded by
//! value). Sizes are in the `viewBox` only (the drawing scales to its container, `width: 100%`),
//! the text is large enough to read at 390 px wide, and the output is deterministic: the same
//! chart gives the same bytes. Every text is escaped; control characters are dropped so the SVG
//! stays well-formed XML whatever the data.

mod bar;
mod donut;
mod heat;
mod line;
mod raster;
#[cfg(test)]
mod tests;

pub use raster::png;
pub(crate) use raster::png_size;

use crate::model::{Chart, ChartKind};

/// The font stack of every chart: the Noto CJK face the renderers load first, then the faces a
/// reader's system usually has.
pub const FONT_FAMILY: &str = "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

/// The series colours, in order.
pub const PALETTE: [&str; 8] = ["#b42318", "#1d5fa8", "#1e7b4a", "#b7791f", "#6b46c1", "#0f766e", "#9f580a", "#52606d"];

/// The width of every drawing in viewBox units (it grows only when a heat table has many columns).
pub(crate) const WIDTH: f64 = 480.0;
/// The font size of labels.
pub(crate) const FS: f64 = 13.0;
/// The font size of value labels and ticks.
pub(crate) const FS_SMALL: f64 = 11.0;
/// The line height of wrapped labels.
pub(crate) const LINE_H: f64 = 16.0;
/// The widest a category label may be before it wraps.
pub(crate) const MAX_LABEL_W: f64 = 150.0;
pub(crate) const INK: &str = "#1f2933";
pub(crate) const MUTED: &str = "#52606d";
pub(crate) const GRID: &str = "#d9dee3";

/// The colour of series (or slice) `i`.
pub fn colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// The chart as a standalone SVG element that fills its container's width (`width="100%"`).
pub fn svg(c: &Chart) -> String {
    document(c, true)
}

/// The SVG without the `width` attribute: its size is the viewBox (for the PDF and PNG).
pub(crate) fn svg_sized(c: &Chart) -> String {
    document(c, false)
}

fn document(c: &Chart, fluid: bool) -> String {
    let d = match c.kind {
        ChartKind::Bar => bar::draw(c),
        ChartKind::Line => line::draw(c),
        ChartKind::Donut => donut::draw(c),
        ChartKind::Heat => heat::draw(c),
    };
    let title = esc(&c.title);
    let size =
        if fluid { " width=\"100%\"".to_string() } else { format!(" width=\"{}\" height=\"{}\"", n(d.w), n(d.h)) };
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart-svg\" role=\"img\" aria-label=\"{title}\" viewBox=\"0 0 {} {}\"{size} font-family=\"{FONT_FAMILY}\" font-size=\"{}\" fill=\"{INK}\"><title>{title}</title>{}</svg>",
        n(d.w),
        n(d.h),
        n(FS),
        d.body
    )
}

/// No value to draw: every value is zero, negative or missing (a page shows "no records").
pub fn is_empty(c: &Chart) -> bool {
    !c.series.iter().any(|s| s.values.iter().any(|v| v.is_finite() && *v > 0.0))
}

/// A drawing: its size in viewBox units and its elements.
pub(crate) struct Drawing {
    pub w: f64,
    pub h: f64,
    pub body: String,
}

/// The value of series `s` at category `i` (0 when missing or not a number).
pub(crate) fn value(c: &Chart, s: usize, i: usize) -> f64 {
    c.series.get(s).and_then(|s| s.values.get(i)).copied().filter(|v| v.is_finite()).unwrap_or(0.0)
}

/// A number for the SVG: one decimal at most, no trailing `.0`, never `-0`.
pub(crate) fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 || !r.is_finite() {
        return "0".into();
    }
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// A value as printed on a chart: thousands grouped, at most two decimals ("1,300", "65.3").
pub fn format_value(v: f64) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    let r = (v * 100.0).round() / 100.0;
    let s = format!("{:.2}", r.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let frac = frac.trim_end_matches('0');
    let sign = if r < 0.0 { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// A value with its unit: "65.3%", "35个", "1,300 people" (a space only before a Latin unit).
pub fn with_unit(v: f64, unit: &str) -> String {
    let num = format_value(v);
    match unit.chars().next() {
        None => num,
        Some(ch) if ch.is_ascii_alphabetic() => format!("{num} {unit}"),
        Some(_) => format!("{num}{unit}"),
    }
}

/// A percentage with one decimal ("41.2%").
pub(crate) fn percent(share: f64) -> String {
    format!("{}%", format_value((share * 1000.0).round() / 10.0))
}

/// Is `c` a character drawn as a full square (CJK ideographs, kana, hangul, full-width forms)?
pub fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// The drawn width of `s` at font size `size`: a CJK or full-width character is a square,
/// anything else is counted generously (so a label is never cut at the edge).
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| {
            if is_wide(c) {
                1.0
            } else if c.is_ascii_uppercase() || c == 'm' || c == 'w' || c == '%' {
                0.71
            } else {
                0.58
            }
        })
        .sum::<f64>()
        * size
}

/// `s` in lines no wider than `max` at font size `size`: broken after spaces where a line has
/// one, else between characters (Chinese has no spaces). Never drops a character.
pub fn wrap(s: &str, max: f64, size: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in s.split_inclusive(' ') {
        if !line.is_empty() && text_width(line.trim_end(), size) + text_width(word.trim_end(), size) > max {
            lines.push(line.trim_end().to_string());
            line = String::new();
        }
        for ch in word.chars() {
            let mut b = [0u8; 4];
            if !line.is_empty()
                && ch != ' '
                && text_width(line.trim_end(), size) + text_width(ch.encode_utf8(&mut b), size) > max
            {
                lines.push(line.trim_end().to_string());
                line = String::new();
            }
            line.push(ch);
        }
    }
    if !line.trim().is_empty() || lines.is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// Text for SVG content and attributes: XML-escaped, control characters dropped (they are not
/// allowed in XML 1.0).
pub(crate) fn esc(s: &str) -> String {
    let clean: String = s.chars().filter(|c| !c.is_control() || *c == '\t').collect();
    crate::html::escape(&clean)
}

/// `<text>` with one `<tspan>` per line, each `LINE_H` below the previous one.
pub(crate) fn lines_text(x: f64, y: f64, anchor: &str, lines: &[String], extra: &str) -> String {
    let mut out = format!("<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\"{extra}>", n(x), n(y));
    for (i, l) in lines.iter().enumerate() {
        let dy = if i == 0 { 0.0 } else { LINE_H };
        out.push_str(&format!("<tspan x=\"{}\" dy=\"{}\">{}</tspan>", n(x), n(dy), esc(l)));
    }
    out.push_str("</text>");
    out
}

/// A legend of coloured squares and names laid out in rows no wider than `width`, from `top`.
/// Returns the elements and the height used.
pub(crate) fn legend(names: &[String], top: f64, width: f64) -> (String, f64) {
    let mut out = String::new();
    let (mut x, mut y) = (0.0, top);
    for (i, name) in names.iter().enumerate() {
        let w = 16.0 + text_width(name, FS).min(width - 16.0) + 18.0;
        if x > 0.0 && x + w > width {
            x = 0.0;
            y += LINE_H + 4.0;
        }
        out.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"11\" height=\"11\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>",
            n(x),
            n(y + 2.0),
            colour(i),
            n(x + 16.0),
            n(y + 12.0),
            esc(name)
        ));
        x += w;
    }
    if names.is_empty() {
        (out, 0.0)
    } else {
        (out, y - top + LINE_H + 8.0)
    }
}

/// A "nice" step for an axis from 0 to `max` in about `ticks` steps (1, 2, 2.5 or 5 × 10ⁿ).
pub(crate) fn nice_step(max: f64, ticks: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let raw = max / ticks;
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let nice = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 2.5 {
        2.5
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}
