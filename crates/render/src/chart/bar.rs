//! Horizontal bars: one group per category (its label wrapped left of the bars), one bar per
//! series, the value with its unit at the end of each bar, a legend when there are several series.

use super::{
    colour, esc, legend, lines_text, n, text_width, value, with_unit, wrap, Drawing, FS, FS_SMALL, GRID, LINE_H,
    MAX_LABEL_W, MUTED, WIDTH,
};
use crate::model::Chart;

pub(crate) fn draw(c: &Chart) -> Drawing {
    let series = c.series.len().max(1);
    let names: Vec<String> = c.series.iter().map(|s| s.name.clone()).collect();
    let mut body = String::new();
    let mut top = 4.0;
    if c.series.len() > 1 {
        let (l, h) = legend(&names, top, WIDTH);
        body.push_str(&l);
        top += h;
    }
    let label_w = c.categories.iter().map(|s| text_width(s, FS)).fold(24.0f64, f64::max).min(MAX_LABEL_W);
    let left = label_w + 8.0;
    let texts: Vec<Vec<String>> = (0..c.categories.len())
        .map(|i| (0..c.series.len()).map(|s| with_unit(value(c, s, i), &c.unit)).collect())
        .collect();
    let text_room = texts.iter().flatten().map(|t| text_width(t, FS_SMALL)).fold(0.0f64, f64::max) + 8.0;
    let plot_w = (WIDTH - left - text_room).max(120.0);
    let width = left + plot_w + text_room;
    let max = (0..c.categories.len())
        .flat_map(|i| (0..c.series.len()).map(move |s| (i, s)))
        .map(|(i, s)| value(c, s, i))
        .fold(0.0f64, f64::max);
    let max = if max > 0.0 { max } else { 1.0 };
    let bar_h = if series == 1 { 18.0 } else { 14.0 };
    let gap = 12.0;
    let mut y = top + 4.0;
    for (i, cat) in c.categories.iter().enumerate() {
        let lines = wrap(cat, MAX_LABEL_W, FS);
        let text_h = lines.len() as f64 * LINE_H;
        let group_h = (bar_h * series as f64).max(text_h);
        let first_baseline = y + (group_h - text_h) / 2.0 + LINE_H - 4.0;
        body.push_str(&lines_text(label_w, first_baseline, "end", &lines, ""));
        let bars_top = y + (group_h - bar_h * series as f64) / 2.0;
        for (s, text) in texts[i].iter().enumerate() {
            let v = value(c, s, i);
            let w = (v.max(0.0) / max).min(1.0) * plot_w;
            let by = bars_top + s as f64 * bar_h;
            body.push_str(&format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect>",
                n(left),
                n(by + 1.0),
                n(w),
                n(bar_h - 2.0),
                colour(s),
                esc(format!("{} {}", names.get(s).map(String::as_str).unwrap_or(""), text).trim())
            ));
            body.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{MUTED}\">{}</text>",
                n(left + w + 4.0),
                n(by + bar_h / 2.0 + FS_SMALL * 0.36),
                n(FS_SMALL),
                esc(text)
            ));
        }
        y += group_h + gap;
    }
    body.push_str(&format!(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"{GRID}\"/>",
        n(left),
        n(top),
        n((y - gap + 4.0).max(top))
    ));
    Drawing { w: width, h: y - gap + 8.0, body }
}
