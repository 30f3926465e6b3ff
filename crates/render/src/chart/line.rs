//! Lines: the categories (years, months) along the x axis, one line per series with its points,
//! a y axis with round ticks, a legend, and the values at the points (all of them while few, else
//! the last point of each line).

use super::{
    colour, esc, format_value, legend, n, nice_step, text_width, value, with_unit, Drawing, FS_SMALL, GRID, MUTED,
    WIDTH,
};
use crate::model::Chart;

const PLOT_H: f64 = 200.0;

pub(crate) fn draw(c: &Chart) -> Drawing {
    let names: Vec<String> = c.series.iter().map(|s| s.name.clone()).collect();
    let mut body = String::new();
    let (l, legend_h) = legend(&names, 4.0, WIDTH);
    body.push_str(&l);
    let cats = c.categories.len();
    let values = || (0..c.series.len()).flat_map(move |s| (0..cats).map(move |i| value(c, s, i)));
    let hi = values().fold(0.0f64, f64::max);
    let lo = values().fold(0.0f64, f64::min);
    let step = nice_step(hi - lo, 4.0);
    let y_min = (lo / step).floor() * step;
    let y_max = ((hi / step).ceil() * step).max(y_min + step);
    let ticks: Vec<f64> = (0..=((y_max - y_min) / step).round() as i64).map(|k| y_min + k as f64 * step).collect();
    let tick_w = ticks.iter().map(|t| text_width(&format_value(*t), FS_SMALL)).fold(0.0f64, f64::max);
    let left = tick_w + 10.0;
    let unit_h = if c.unit.is_empty() { 0.0 } else { 16.0 };
    let top = 4.0 + legend_h + unit_h + 8.0;
    let right = WIDTH - 24.0;
    let bottom = top + PLOT_H;
    if !c.unit.is_empty() {
        body.push_str(&format!(
            "<text x=\"0\" y=\"{}\" font-size=\"{}\" fill=\"{MUTED}\">{}</text>",
            n(top - 10.0),
            n(FS_SMALL),
            esc(&c.unit)
        ));
    }
    let ys = |v: f64| bottom - (v - y_min) / (y_max - y_min) * PLOT_H;
    for t in &ticks {
        let y = ys(*t);
        body.push_str(&format!(
            "<line x1=\"{x1}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" stroke=\"{GRID}\"/><text x=\"{tx}\" y=\"{ty}\" text-anchor=\"end\" font-size=\"{fs}\" fill=\"{MUTED}\">{label}</text>",
            x1 = n(left),
            x2 = n(right),
            y = n(y),
            tx = n(left - 4.0),
            ty = n(y + 4.0),
            fs = n(FS_SMALL),
            label = format_value(*t)
        ));
    }
    // Categories evenly spread, their centres `dx` apart; labels thinned to every `every`-th so
    // none overlaps the next.
    let dx = if cats > 1 { (right - left - 24.0) / (cats - 1) as f64 } else { 0.0 };
    let xs = |i: usize| if cats > 1 { left + 12.0 + i as f64 * dx } else { (left + right) / 2.0 };
    let widest = c.categories.iter().map(|s| text_width(s, FS_SMALL)).fold(0.0f64, f64::max) + 6.0;
    let every = if cats > 1 && dx > 0.0 { (widest / dx).ceil().max(1.0) as usize } else { 1 };
    for (i, cat) in c.categories.iter().enumerate() {
        if i % every == 0 {
            body.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{}\" fill=\"{MUTED}\">{}</text>",
                n(xs(i)),
                n(bottom + 16.0),
                n(FS_SMALL),
                esc(cat)
            ));
        }
    }
    let all_values = cats * c.series.len() <= 16;
    for (s, name) in names.iter().enumerate() {
        let points: Vec<String> = (0..cats).map(|i| format!("{},{}", n(xs(i)), n(ys(value(c, s, i))))).collect();
        if cats > 1 {
            body.push_str(&format!(
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2.5\"/>",
                points.join(" "),
                colour(s)
            ));
        }
        for i in 0..cats {
            let v = value(c, s, i);
            let (x, y) = (xs(i), ys(v));
            let label = with_unit(v, &c.unit);
            body.push_str(&format!(
                "<circle cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"{}\"><title>{}</title></circle>",
                n(x),
                n(y),
                colour(s),
                esc(&format!("{} {} {}", name, c.categories[i], label))
            ));
            if all_values || i + 1 == cats {
                body.push_str(&format!(
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{}\" fill=\"{}\">{}</text>",
                    n(x),
                    n(y - 8.0),
                    n(FS_SMALL),
                    colour(s),
                    esc(&label)
                ));
            }
        }
    }
    Drawing { w: WIDTH, h: bottom + 24.0, body }
}
