//! A heat table: one row per category, one column per series, each cell shaded by its value
//! against the largest and printed with it.

use super::{
    esc, format_value, lines_text, n, text_width, value, wrap, Drawing, FS, FS_SMALL, LINE_H, MAX_LABEL_W, WIDTH,
};
use crate::model::Chart;

/// The palest and the deepest shade (the first series colour).
const LOW: (f64, f64, f64) = (253.0, 242.0, 240.0);
const HIGH: (f64, f64, f64) = (180.0, 35.0, 24.0);

/// The fill of a cell whose value is `t` of the largest (0..=1).
pub(crate) fn shade(t: f64) -> String {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(LOW.0, HIGH.0), mix(LOW.1, HIGH.1), mix(LOW.2, HIGH.2))
}

pub(crate) fn draw(c: &Chart) -> Drawing {
    let mut body = String::new();
    let cols = c.series.len();
    let label_w = c.categories.iter().map(|s| text_width(s, FS)).fold(24.0f64, f64::max).min(MAX_LABEL_W);
    let left = label_w + 10.0;
    let widest_value = (0..c.categories.len())
        .flat_map(|i| (0..cols).map(move |s| (i, s)))
        .map(|(i, s)| text_width(&format_value(value(c, s, i)), FS_SMALL))
        .fold(0.0f64, f64::max);
    let col_w = if cols == 0 { 0.0 } else { ((WIDTH - left) / cols as f64).max(widest_value + 14.0).max(52.0) };
    let width = (left + col_w * cols as f64).max(WIDTH);
    // The header: series names wrapped to their column.
    let heads: Vec<Vec<String>> = c.series.iter().map(|s| wrap(&s.name, col_w - 8.0, FS_SMALL)).collect();
    let head_h = heads.iter().map(|l| l.len()).max().unwrap_or(1) as f64 * LINE_H + 8.0;
    for (s, lines) in heads.iter().enumerate() {
        let x = left + col_w * (s as f64 + 0.5);
        body.push_str(&lines_text(x, 4.0 + LINE_H - 4.0, "middle", lines, &format!(" font-size=\"{}\"", n(FS_SMALL))));
    }
    let max = (0..c.categories.len()).flat_map(|i| (0..cols).map(move |s| value(c, s, i))).fold(0.0f64, f64::max);
    let mut y = head_h;
    for (i, cat) in c.categories.iter().enumerate() {
        let lines = wrap(cat, MAX_LABEL_W, FS);
        let row_h = (lines.len() as f64 * LINE_H + 12.0).max(30.0);
        let first = y + (row_h - lines.len() as f64 * LINE_H) / 2.0 + LINE_H - 4.0;
        body.push_str(&lines_text(label_w, first, "end", &lines, ""));
        for s in 0..cols {
            let v = value(c, s, i);
            let t = if max > 0.0 { v / max } else { 0.0 };
            let x = left + col_w * s as f64;
            let ink = if t > 0.55 { "#ffffff" } else { super::INK };
            body.push_str(&format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"2\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{}\" fill=\"{ink}\">{}</text>",
                n(x),
                n(y),
                n(col_w),
                n(row_h),
                shade(t),
                n(x + col_w / 2.0),
                n(y + row_h / 2.0 + FS_SMALL * 0.36),
                n(FS_SMALL),
                esc(&format_value(v))
            ));
        }
        y += row_h;
    }
    if !c.unit.is_empty() {
        body.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"{}\" fill=\"{}\">{}</text>",
            n(width),
            n(y + 16.0),
            n(FS_SMALL),
            super::MUTED,
            esc(&c.unit)
        ));
        y += 16.0;
    }
    Drawing { w: width, h: y + 6.0, body }
}
