//! The one way to define a figure: a key, a label, a unit of measure and a value computed from
//! records for the caller's scope. Each domain's `figures.rs` returns [`FigureValue`]s; the
//! dashboard, the API and (later) the annual review read the same definitions.

use serde::Serialize;

/// How a figure's value reads. Every figure on a page goes through [`FigureValue::text`]: counts
/// as whole numbers with thousands separators, shares in percent with one decimal, money in
/// 万元 (ten thousand yuan) with up to two decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Count,
    /// The value is in per mille of a whole (680 = 68.0 %).
    Permille,
    /// The value is money in fen.
    Fen,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FigureValue {
    /// Stable key, e.g. `units.community`.
    pub key: &'static str,
    /// Locale key of the label.
    pub label_key: &'static str,
    pub value: i64,
    /// Locale key of the unit of measure (个, 人, 元…).
    pub unit_key: &'static str,
    /// Drill-down: the page listing the records behind the figure.
    pub href: Option<String>,
    /// How the value reads (a per-mille value is a share; a fen value is money).
    pub measure: Measure,
}

impl FigureValue {
    /// A count, or a share when the unit is `figures.unit.permille`.
    pub fn new(key: &'static str, label_key: &'static str, value: i64, unit_key: &'static str) -> Self {
        let measure = if unit_key == "figures.unit.permille" { Measure::Permille } else { Measure::Count };
        FigureValue { key, label_key, value, unit_key, href: None, measure }
    }
    /// An amount of money in fen, shown in 万元.
    pub fn money(key: &'static str, label_key: &'static str, fen: i64) -> Self {
        FigureValue { key, label_key, value: fen, unit_key: "figures.unit.wan", href: None, measure: Measure::Fen }
    }
    /// The value as it reads on a page: "1,500", "68.0", "112.5".
    pub fn text(&self) -> String {
        match self.measure {
            Measure::Count => grouped(self.value),
            Measure::Permille => permille_text(self.value),
            Measure::Fen => wan_text(self.value),
        }
    }
    pub fn link(mut self, href: &str) -> Self {
        self.href = Some(href.to_string());
        self
    }
}

/// A whole number with thousands separators: 1500 → "1,500".
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A share given in per mille as percent with one decimal: 680 → "68.0", 1000 → "100.0". The one
/// formatter of shares on pages (the unit "%" comes from the locale files).
pub fn permille_text(permille: i64) -> String {
    let sign = if permille < 0 { "-" } else { "" };
    let p = permille.unsigned_abs();
    format!("{sign}{}.{}", p / 10, p % 10)
}

/// A share of a whole in percent with one decimal ("68.0"), 0 when the whole is not positive;
/// rounded half up in integer arithmetic, so the same counts always read the same.
pub fn percent_text(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "0.0".to_string();
    }
    let permille = (i128::from(part) * 2000 + i128::from(whole)) / (2 * i128::from(whole));
    permille_text(i64::try_from(permille).unwrap_or(i64::MAX))
}

/// Money in fen as 万元 with up to two decimals, trailing zeros dropped: 112,500,000 fen (1,125,000
/// yuan) → "112.5"; 1,300,000,000 fen → "1,300"; rounded half up to the hundred yuan.
pub fn wan_text(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let f = u128::from(fen.unsigned_abs());
    // 1 万元 = 1,000,000 fen; hundredths of 万元 = 10,000 fen.
    let hundredths = (f + 5_000) / 10_000;
    let whole = i64::try_from(hundredths / 100).unwrap_or(i64::MAX);
    let frac = hundredths % 100;
    let mut s = format!("{sign}{}", grouped(whole));
    if frac != 0 {
        let d = format!("{frac:02}");
        s.push('.');
        s.push_str(d.trim_end_matches('0'));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_the_same_everywhere() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(1500), "1,500");
        assert_eq!(grouped(-1234567), "-1,234,567");
        assert_eq!(permille_text(680), "68.0");
        assert_eq!(permille_text(1000), "100.0");
        assert_eq!(permille_text(5), "0.5");
        assert_eq!(percent_text(2, 3), "66.7");
        assert_eq!(percent_text(1, 3), "33.3");
        assert_eq!(percent_text(0, 0), "0.0");
        assert_eq!(percent_text(11, 11), "100.0");
        assert_eq!(wan_text(112_500_000), "112.5");
        assert_eq!(wan_text(1_300_000_000), "1,300");
        assert_eq!(wan_text(1_234_567), "1.23");
        assert_eq!(wan_text(1_235_000), "1.24");
        assert_eq!(wan_text(0), "0");
        assert_eq!(wan_text(i64::MAX), "9,223,372,036,854.78");
        let f = FigureValue::new("x.rate", "l", 680, "figures.unit.permille");
        assert_eq!((f.measure, f.text()), (Measure::Permille, "68.0".to_string()));
        assert_eq!(FigureValue::money("x.amount", "l", 112_500_000).text(), "112.5");
        assert_eq!(FigureValue::new("x.n", "l", 330, "figures.unit.count").text(), "330");
    }
}

impl Measure {
    /// The number a chart draws for a value: counts as they are, money in 万元, shares in
    /// percent (the units `figures.unit.wan` and `%` the text uses).
    pub fn plotted(self, v: Option<i64>) -> f64 {
        let v = v.unwrap_or(0) as f64;
        match self {
            Measure::Count => v,
            Measure::Fen => v / 1_000_000.0,
            Measure::Permille => v / 10.0,
        }
    }
}

/// A chart on a page: drawn by `render::chart::svg`, the one chart component the review's
/// documents use too, with its data as a table (`templates/layout/chart.html` shows both: the
/// drawing for the eye, the table for screen readers and for copying the numbers).
#[derive(Debug, Clone)]
pub struct PageChart {
    pub title: String,
    /// The SVG: trusted output of the renderer, which escapes every text it prints (a test
    /// checks that a label with markup stays text). Empty when there is nothing to draw.
    pub svg: String,
    /// No positive value: the page says "no records" instead of drawing.
    pub empty: bool,
    /// The table's header: what the rows are, then one column per series.
    pub head: Vec<String>,
    /// One row per category: its label and one cell per series (the value with its unit).
    pub rows: Vec<(String, Vec<String>)>,
}

/// Charts drawn once per language from a cached page's data (`platform::cache::figures_page`
/// keeps the data at the data versions; this keeps what was drawn from it). The dashboard draws
/// 23 line charts, about 80 KB of SVG: drawing them on every view cost most of its CPU.
#[derive(Debug, Default)]
pub struct DrawnCharts([std::sync::OnceLock<std::sync::Arc<Vec<PageChart>>>; 2]);

impl DrawnCharts {
    /// The charts in `lang`, drawn by `draw` on the first view in that language.
    pub fn get_or_draw(
        &self,
        lang: crate::platform::i18n::Lang,
        draw: impl FnOnce() -> Vec<PageChart>,
    ) -> std::sync::Arc<Vec<PageChart>> {
        let slot = match lang {
            crate::platform::i18n::Lang::Zh => &self.0[0],
            crate::platform::i18n::Lang::En => &self.0[1],
        };
        slot.get_or_init(|| std::sync::Arc::new(draw())).clone()
    }
}

impl PageChart {
    /// The chart of `chart`; `rows_are` heads the table's first column (what the categories are).
    pub fn new(chart: render::Chart, rows_are: &str) -> PageChart {
        let empty = render::chart::is_empty(&chart);
        let svg = if empty { String::new() } else { render::chart::svg(&chart) };
        let mut head = vec![rows_are.to_string()];
        head.extend(chart.series.iter().map(|s| s.name.clone()));
        let rows = chart
            .categories
            .iter()
            .enumerate()
            .map(|(i, cat)| {
                let cells = chart
                    .series
                    .iter()
                    .map(|s| render::chart::with_unit(s.values.get(i).copied().unwrap_or(0.0), &chart.unit))
                    .collect();
                (cat.clone(), cells)
            })
            .collect();
        PageChart { title: chart.title, svg, empty, head, rows }
    }

    /// One series over labelled categories: `kind` (bar, line, donut), the title, the series'
    /// name, the unit printed with the values, and `(label, value)` rows.
    pub fn single(
        kind: render::ChartKind,
        title: &str,
        series: &str,
        unit: &str,
        rows_are: &str,
        rows: Vec<(String, f64)>,
    ) -> PageChart {
        let (categories, values): (Vec<String>, Vec<f64>) = rows.into_iter().unzip();
        PageChart::new(
            render::Chart {
                kind,
                title: title.to_string(),
                categories,
                series: vec![render::Series { name: series.to_string(), values }],
                unit: unit.to_string(),
            },
            rows_are,
        )
    }
}
