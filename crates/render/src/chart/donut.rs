//! A donut: the share of each category in the first series, the total in the middle, and a
//! legend beside it with each category's value and percentage.

use super::{
    colour, esc, lines_text, n, percent, value, with_unit, wrap, Drawing, FS, FS_SMALL, GRID, LINE_H, MUTED, WIDTH,
};
use crate::model::Chart;

const R: f64 = 86.0;
const R_IN: f64 = 52.0;

fn point(cx: f64, cy: f64, r: f64, share: f64) -> (f64, f64) {
    let a = share * std::f64::consts::TAU - std::f64::consts::FRAC_PI_2;
    (cx + r * a.cos(), cy + r * a.sin())
}

pub(crate) fn draw(c: &Chart) -> Drawing {
    let mut body = String::new();
    let top = 8.0;
    let (cx, cy) = (R + 4.0, top + R);
    let values: Vec<f64> = (0..c.categories.len()).map(|i| value(c, 0, i).max(0.0)).collect();
    let total: f64 = values.iter().sum();
    if total <= 0.0 {
        body.push_str(&format!(
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"none\" stroke=\"{GRID}\" stroke-width=\"{}\"/>",
            n(cx),
            n(cy),
            n((R + R_IN) / 2.0),
            n(R - R_IN)
        ));
    }
    let mut start = 0.0;
    for (i, v) in values.iter().enumerate() {
        if total <= 0.0 || *v <= 0.0 {
            continue;
        }
        let share = v / total;
        let title = esc(&format!("{} {} {}", c.categories[i], with_unit(*v, &c.unit), percent(share)));
        if share >= 0.9999 {
            // A whole ring: an arc cannot start and end at the same point.
            body.push_str(&format!(
                "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"><title>{title}</title></circle>",
                n(cx),
                n(cy),
                n((R + R_IN) / 2.0),
                colour(i),
                n(R - R_IN)
            ));
        } else {
            let end = start + share;
            let large = if share > 0.5 { 1 } else { 0 };
            let (x0, y0) = point(cx, cy, R, start);
            let (x1, y1) = point(cx, cy, R, end);
            let (x2, y2) = point(cx, cy, R_IN, end);
            let (x3, y3) = point(cx, cy, R_IN, start);
            body.push_str(&format!(
                "<path d=\"M{} {} A{R} {R} 0 {large} 1 {} {} L{} {} A{R_IN} {R_IN} 0 {large} 0 {} {} Z\" fill=\"{}\" stroke=\"#fff\" stroke-width=\"1\"><title>{title}</title></path>",
                n(x0),
                n(y0),
                n(x1),
                n(y1),
                n(x2),
                n(y2),
                n(x3),
                n(y3),
                colour(i)
            ));
        }
        start += share;
    }
    // The total in the middle (its unit under it when there is one).
    body.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"18\" font-weight=\"bold\">{}</text>",
        n(cx),
        n(cy + 6.0),
        esc(&super::format_value(total))
    ));
    if !c.unit.is_empty() {
        body.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{}\" fill=\"{MUTED}\">{}</text>",
            n(cx),
            n(cy + 24.0),
            n(FS_SMALL),
            esc(&c.unit)
        ));
    }
    // The legend: a swatch, the category (wrapped), then its value and share on the next line.
    let lx = 2.0 * R + 28.0;
    let text_w = WIDTH - lx - 18.0;
    let mut y = top + 4.0;
    for (i, cat) in c.categories.iter().enumerate() {
        let lines = wrap(cat, text_w, FS);
        body.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"11\" height=\"11\" fill=\"{}\"/>",
            n(lx),
            n(y + 2.0),
            colour(i)
        ));
        body.push_str(&lines_text(lx + 18.0, y + 12.0, "start", &lines, ""));
        y += lines.len() as f64 * LINE_H;
        let share = if total > 0.0 { values[i] / total } else { 0.0 };
        let detail = format!("{} · {}", with_unit(values[i], &c.unit), percent(share));
        body.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{MUTED}\">{}</text>",
            n(lx + 18.0),
            n(y + 10.0),
            n(FS_SMALL),
            esc(&detail)
        ));
        y += LINE_H + 6.0;
    }
    Drawing { w: WIDTH, h: (top + 2.0 * R + 8.0).max(y + 4.0), body }
}
