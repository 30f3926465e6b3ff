//! The one chart component: a horizontal bar chart computed here (geometry only) and drawn by
//! `templates/layout/barchart.html` as SVG with an explicit CJK font stack, so the same SVG
//! works on pages and, later, in documents.

use serde::Serialize;

/// One bar group: a category label and one value per series.
#[derive(Debug, Clone, Serialize)]
pub struct BarRow {
    pub label: String,
    pub values: Vec<f64>,
    /// Text shown at the end of each bar (e.g. "65.3%").
    pub texts: Vec<String>,
}

/// A drawn bar.
#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub class: String,
    pub text: String,
    pub text_x: f64,
    pub text_y: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Label {
    pub x: f64,
    pub y: f64,
    pub text: String,
    /// The text wrapped to the label column (one line for a legend), drawn as `<tspan>`s.
    pub lines: Vec<String>,
}

/// The widest a category label may be before it wraps (at font size 12).
const MAX_LABEL_W: f64 = 240.0;
/// The line height of a wrapped label.
const LINE_H: f64 = 14.0;

/// The drawn width of `s` at font size 12: a CJK or full-width character is a square, anything
/// else is counted generously (so a label is never cut at the edge).
pub fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| match c as u32 {
            0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF => 12.0,
            _ if c.is_ascii_uppercase() || c == 'm' || c == 'w' => 8.5,
            _ => 7.0,
        })
        .sum()
}

/// `s` in lines no wider than `max`: broken after spaces where a line has one, else between
/// characters (Chinese has no spaces).
pub fn wrap(s: &str, max: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in s.split_inclusive(' ') {
        if !line.is_empty() && text_width(&line) + text_width(word.trim_end()) > max {
            lines.push(line.trim_end().to_string());
            line = String::new();
        }
        for ch in word.chars() {
            let mut b = [0u8; 4];
            if !line.is_empty() && text_width(line.trim_end()) + text_width(ch.encode_utf8(&mut b)) > max && ch != ' ' {
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

/// A horizontal bar chart, laid out.
#[derive(Debug, Clone, Serialize)]
pub struct BarChart {
    pub title: String,
    pub width: f64,
    pub height: f64,
    pub bars: Vec<Bar>,
    pub labels: Vec<Label>,
    pub legend: Vec<Label>,
    pub legend_classes: Vec<String>,
    /// No row has a positive value: the page shows a "no records" line instead of the drawing.
    pub empty: bool,
}

impl BarChart {
    /// Lays out `rows` against a scale from 0 to `max` (e.g. 100 for percentages).
    /// The label column is as wide as the longest label up to [`MAX_LABEL_W`]; a longer label
    /// wraps onto more lines (its group grows), so no label is cut at the edge.
    pub fn horizontal(title: &str, series: &[&str], rows: &[BarRow], max: f64) -> BarChart {
        let widest = rows.iter().map(|r| text_width(&r.label)).fold(60.0f64, f64::max);
        let label_w = widest.min(MAX_LABEL_W) + 16.0;
        let plot_w = 420.0;
        let bar_h = 12.0;
        let group_gap = 10.0;
        let top = 34.0;
        let n = series.len().max(1) as f64;
        let max = if max > 0.0 { max } else { 1.0 };
        let mut bars = Vec::new();
        let mut labels = Vec::new();
        let mut gy = top;
        for r in rows {
            let lines = wrap(&r.label, MAX_LABEL_W);
            let text_h = lines.len() as f64 * LINE_H;
            let group_h = (bar_h * n).max(text_h);
            // The lines centred on the group (the first line's baseline).
            let y = gy + group_h / 2.0 - text_h / 2.0 + LINE_H - 3.0;
            labels.push(Label { x: label_w - 8.0, y, text: r.label.clone(), lines });
            let gy_bars = gy + (group_h - bar_h * n) / 2.0;
            for (j, v) in r.values.iter().enumerate() {
                let w = (v.max(0.0) / max).min(1.0) * plot_w;
                let y = gy_bars + j as f64 * bar_h;
                bars.push(Bar {
                    x: label_w,
                    y,
                    w,
                    h: bar_h - 2.0,
                    class: format!("s{j}"),
                    text: r.texts.get(j).cloned().unwrap_or_default(),
                    text_x: label_w + w + 4.0,
                    text_y: y + bar_h - 3.0,
                });
            }
            gy += group_h + group_gap;
        }
        let legend = series
            .iter()
            .enumerate()
            .map(|(j, s)| Label {
                x: label_w + j as f64 * 140.0 + 16.0,
                y: 18.0,
                text: s.to_string(),
                lines: vec![s.to_string()],
            })
            .collect();
        BarChart {
            title: title.to_string(),
            width: label_w + plot_w + 70.0,
            height: gy + 8.0,
            bars,
            labels,
            legend,
            legend_classes: (0..series.len()).map(|j| format!("s{j}")).collect(),
            empty: !rows.iter().any(|r| r.values.iter().any(|v| *v > 0.0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_maximum() {
        let rows = vec![
            BarRow { label: "周市镇".into(), values: vec![50.0, 100.0], texts: vec!["50%".into(), "100%".into()] },
            BarRow { label: "陆家镇".into(), values: vec![0.0, 120.0], texts: vec![] },
        ];
        let c = BarChart::horizontal("覆盖率", &["组织覆盖", "工作覆盖"], &rows, 100.0);
        assert_eq!(c.bars.len(), 4);
        assert!((c.bars[0].w - 210.0).abs() < 1e-9);
        assert!((c.bars[1].w - 420.0).abs() < 1e-9);
        assert!((c.bars[3].w - 420.0).abs() < 1e-9, "clamped");
        assert_eq!(c.labels[1].text, "陆家镇");
        assert!(c.height > 34.0);
        assert!(!c.empty);
        let zeros = vec![BarRow { label: "周市镇".into(), values: vec![0.0], texts: vec!["0".into()] }];
        assert!(BarChart::horizontal("t", &["s"], &zeros, 1.0).empty, "only zeros: nothing to draw");
        assert!(BarChart::horizontal("t", &["s"], &[], 1.0).empty, "no rows");
    }

    // A long English unit name used to run past the left edge of a 150-unit label column
    // ("ogical Development Zone"): the column widens to the longest label up to a limit, and a
    // longer label wraps; every line fits left of the bars, inside the drawing.
    #[test]
    fn labels_are_never_cut() {
        let long = "Kunshan Economic and Technological Development Zone";
        let rows = vec![
            BarRow { label: long.into(), values: vec![1.0], texts: vec![] },
            BarRow { label: "周市镇".into(), values: vec![2.0], texts: vec![] },
            BarRow {
                label: "昆山市周市镇社会工作服务站暨社会组织孵化培育中心".into(),
                values: vec![2.0],
                texts: vec![],
            },
        ];
        let c = BarChart::horizontal("t", &["s"], &rows, 2.0);
        for l in &c.labels {
            assert_eq!(l.lines.concat().replace(' ', ""), l.text.replace(' ', ""), "nothing dropped");
            for line in &l.lines {
                assert!(text_width(line) <= l.x, "{line:?} fits left of x = {}", l.x);
            }
        }
        assert!(c.labels[0].lines.len() > 1, "the long name wraps");
        let words: Vec<&str> = long.split(' ').collect();
        for line in &c.labels[0].lines {
            assert!(line.split(' ').all(|w| words.contains(&w)), "{line:?}: broken between words only");
        }
        assert_eq!(c.labels[1].lines, vec!["周市镇".to_string()]);
        assert!(c.bars.iter().all(|b| b.x > c.labels[0].x), "bars right of the labels");
        // Groups do not overlap: each label's lines end above the next label's first line.
        for w in c.labels.windows(2) {
            assert!(w[0].y + (w[0].lines.len() as f64 - 1.0) * LINE_H < w[1].y - 10.0);
        }
        assert!(c.height >= c.labels[2].y + (c.labels[2].lines.len() as f64 - 1.0) * LINE_H);
        // Short labels keep a narrow column.
        let short = BarChart::horizontal("t", &["s"], &rows[1..2], 2.0);
        assert!(short.labels[0].x < 100.0);
    }
}
