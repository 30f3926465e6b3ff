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
    pub fn horizontal(title: &str, series: &[&str], rows: &[BarRow], max: f64) -> BarChart {
        let label_w = 150.0;
        let plot_w = 420.0;
        let bar_h = 12.0;
        let group_gap = 10.0;
        let top = 34.0;
        let n = series.len().max(1) as f64;
        let group_h = bar_h * n + group_gap;
        let max = if max > 0.0 { max } else { 1.0 };
        let mut bars = Vec::new();
        let mut labels = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            let gy = top + i as f64 * group_h;
            labels.push(Label { x: label_w - 8.0, y: gy + bar_h * n / 2.0 + 4.0, text: r.label.clone() });
            for (j, v) in r.values.iter().enumerate() {
                let w = (v.max(0.0) / max).min(1.0) * plot_w;
                let y = gy + j as f64 * bar_h;
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
        }
        let legend = series
            .iter()
            .enumerate()
            .map(|(j, s)| Label { x: label_w + j as f64 * 140.0 + 16.0, y: 18.0, text: s.to_string() })
            .collect();
        BarChart {
            title: title.to_string(),
            width: label_w + plot_w + 70.0,
            height: top + rows.len() as f64 * group_h + 8.0,
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
}
