use super::*;
use crate::model::Series;

fn chart(kind: ChartKind) -> Chart {
    Chart {
        kind,
        title: "2022年项目 & 资金".into(),
        categories: vec![
            "周市镇".into(),
            "昆山经济技术开发区社会工作服务站暨社会组织孵化培育中心".into(),
            "Lujia <Town>".into(),
        ],
        series: vec![
            Series { name: "项目数".into(), values: vec![35.0, 1300.0, 12.5] },
            Series { name: "去年".into(), values: vec![30.0, 900.0, 0.0] },
        ],
        unit: "个".into(),
    }
}

/// The SVG parsed as XML (it must be well-formed) and all its text content, in order.
fn texts(svg: &str) -> (roxmltree::Document<'_>, Vec<String>) {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not XML: {e}\n{svg}"));
    let texts = doc.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).map(str::to_string).collect();
    (doc, texts)
}

#[test]
fn every_kind_is_xml_with_its_labels_and_values() {
    for kind in [ChartKind::Bar, ChartKind::Line, ChartKind::Donut, ChartKind::Heat] {
        let c = chart(kind);
        let svg = svg(&c);
        let (doc, texts) = texts(&svg);
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg", "{kind:?}");
        assert_eq!(root.attribute("width"), Some("100%"), "{kind:?}: scales to its container");
        assert!(root.attribute("font-family").is_some_and(|f| f.starts_with("'Noto Sans CJK SC'")), "{kind:?}");
        let vb: Vec<f64> =
            root.attribute("viewBox").unwrap_or_default().split(' ').map(|v| v.parse().unwrap_or(-1.0)).collect();
        assert_eq!(vb.len(), 4, "{kind:?}");
        assert!(vb[2] >= WIDTH && vb[3] > 40.0, "{kind:?}: {vb:?}");
        assert_eq!(texts[0], "2022年项目 & 资金", "{kind:?}: the title, unescaped by the parser");
        let all = texts.concat();
        for cat in &c.categories {
            // A wrapped label is split into lines: its characters are all there, in order.
            assert!(
                all.contains(cat.as_str())
                    || texts.iter().any(|t| cat.starts_with(t.as_str()) && t.chars().count() > 2),
                "{kind:?}: {cat} in {texts:?}"
            );
        }
        let expected: &[&str] = match kind {
            ChartKind::Bar | ChartKind::Line => &["35个", "1,300个", "12.5个", "900个"],
            ChartKind::Donut => &["35个 · 2.6%", "1,300个 · 96.5%", "12.5个 · 0.9%", "1,347.5"],
            ChartKind::Heat => &["35", "1,300", "12.5", "900", "项目数", "去年"],
        };
        for e in expected {
            assert!(texts.iter().any(|t| t == e) || all.contains(e), "{kind:?}: {e} in {texts:?}");
        }
        if matches!(kind, ChartKind::Bar | ChartKind::Line) {
            assert!(
                texts.contains(&"项目数".to_string()) && texts.contains(&"去年".to_string()),
                "{kind:?}: the legend"
            );
        }
        assert_eq!(svg, super::svg(&c.clone()), "{kind:?}: deterministic");
    }
}

#[test]
fn text_is_escaped_and_control_characters_dropped() {
    for kind in [ChartKind::Bar, ChartKind::Line, ChartKind::Donut, ChartKind::Heat] {
        let mut c = chart(kind);
        c.title = "</title><script>alert(1)</script>".into();
        c.categories[0] = "a<b>&\"'\u{0}\u{1b}z".into();
        c.series[0].name = "<tspan>".into();
        c.unit = "&lt;".into();
        let svg = svg(&c);
        assert!(!svg.contains("<script") && !svg.contains("<b>") && !svg.contains("<tspan>&"), "{kind:?}");
        let (doc, texts) = texts(&svg);
        assert!(doc.descendants().all(|n| n.tag_name().name() != "script"), "{kind:?}");
        assert_eq!(texts[0], "</title><script>alert(1)</script>", "{kind:?}");
        assert!(texts.concat().contains("a<b>&\"'z"), "{kind:?}: {texts:?}");
        assert!(texts.concat().contains("&lt;"), "{kind:?}: the unit as typed");
    }
}

#[test]
fn bars_scale_to_the_largest_value_and_labels_fit() {
    let c = chart(ChartKind::Bar);
    let svg = svg(&c);
    let (doc, _) = texts(&svg);
    let bars: Vec<f64> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.has_children())
        .filter_map(|n| n.attribute("width")?.parse().ok())
        .collect();
    assert_eq!(bars.len(), 6, "one bar per category and series");
    let widest = bars.iter().cloned().fold(0.0, f64::max);
    assert!((bars[2] - widest).abs() < 0.1, "1,300 is the longest bar: {bars:?}");
    assert!((bars[0] / widest - 35.0 / 1300.0).abs() < 0.01, "{bars:?}");
    assert_eq!(bars[5], 0.0);
    // The long Chinese name wraps onto several lines, none wider than the label column.
    let lines = wrap(&c.categories[1], MAX_LABEL_W, FS);
    assert!(lines.len() > 1);
    assert_eq!(lines.concat(), c.categories[1]);
    assert!(lines.iter().all(|l| text_width(l, FS) <= MAX_LABEL_W));
    for l in &lines {
        assert!(svg.contains(&format!(">{l}</tspan>")), "{l}");
    }
}

#[test]
fn words_wrap_between_words() {
    let long = "Kunshan Economic and Technological Development Zone";
    let lines = wrap(long, 120.0, 12.0);
    assert!(lines.len() > 1);
    let words: Vec<&str> = long.split(' ').collect();
    assert!(lines.iter().all(|l| l.split(' ').all(|w| words.contains(&w))), "{lines:?}");
    assert_eq!(lines.join(" "), long);
    assert_eq!(wrap("", 100.0, 12.0), vec![String::new()]);
}

#[test]
fn values_are_printed_grouped_with_their_unit() {
    assert_eq!(format_value(1300.0), "1,300");
    assert_eq!(format_value(1234567.891), "1,234,567.89");
    assert_eq!(format_value(65.30), "65.3");
    assert_eq!(format_value(-0.001), "0");
    assert_eq!(format_value(-1500.0), "-1,500");
    assert_eq!(format_value(f64::NAN), "-");
    assert_eq!(with_unit(65.3, "%"), "65.3%");
    assert_eq!(with_unit(35.0, "个"), "35个");
    assert_eq!(with_unit(35.0, "people"), "35 people");
    assert_eq!(with_unit(35.0, ""), "35");
}

#[test]
fn donut_shares_and_whole_ring() {
    let mut c = chart(ChartKind::Donut);
    let s = svg(&c);
    let (doc, _) = texts(&s);
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("path")).count(), 3, "one slice per category");
    c.series[0].values = vec![5.0, 0.0, 0.0];
    let s = svg(&c);
    let (doc, texts) = texts(&s);
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("path")).count(), 0);
    assert!(doc.descendants().any(|n| n.has_tag_name("circle")), "a single category is a whole ring");
    assert!(texts.iter().any(|t| t == "5个 · 100%"), "{texts:?}");
}

#[test]
fn heat_cells_deepen_with_the_value() {
    assert_eq!(heat::shade(0.0), "#fdf2f0");
    assert_eq!(heat::shade(1.0), "#b42318");
    assert_eq!(heat::shade(f64::NAN), heat::shade(0.0));
    let c = chart(ChartKind::Heat);
    let s = svg(&c);
    assert!(s.contains(&format!("fill=\"{}\"", heat::shade(1.0))), "the largest value has the deepest shade");
}

#[test]
fn empty_charts_draw_and_say_so() {
    let mut c = chart(ChartKind::Bar);
    assert!(!is_empty(&c));
    for s in &mut c.series {
        s.values = vec![0.0, -1.0];
    }
    assert!(is_empty(&c));
    for kind in [ChartKind::Bar, ChartKind::Line, ChartKind::Donut, ChartKind::Heat] {
        let c = Chart { kind, title: "t".into(), categories: vec![], series: vec![], unit: String::new() };
        texts(&svg(&c));
        let c = Chart { kind, title: "t".into(), categories: vec!["a".into()], series: vec![], unit: String::new() };
        texts(&svg(&c));
    }
}

#[test]
fn line_ticks_are_round() {
    assert_eq!(nice_step(1300.0, 4.0), 500.0);
    assert_eq!(nice_step(10.0, 4.0), 2.5);
    assert_eq!(nice_step(0.0, 4.0), 1.0);
    let c = chart(ChartKind::Line);
    let s = svg(&c);
    let (_, texts) = texts(&s);
    for tick in ["0", "500", "1,000", "1,500"] {
        assert!(texts.iter().any(|t| t == tick), "{tick} in {texts:?}");
    }
}

#[test]
fn png_draws_the_chart_with_the_cjk_font() {
    let Some(fonts) = crate::test_fonts() else { return };
    let c = chart(ChartKind::Bar);
    let png = png(&c, &fonts, 2.0).expect("png");
    let (w, h) = raster::png_size(&png).expect("a PNG");
    let sized = svg_sized(&c);
    let (doc, _) = texts(&sized);
    let vb: Vec<f64> =
        doc.root_element().attribute("viewBox").unwrap_or_default().split(' ').filter_map(|v| v.parse().ok()).collect();
    assert_eq!((w, h), ((vb[2] * 2.0).ceil() as u32, (vb[3] * 2.0).ceil() as u32), "scaled twice the viewBox");
    // The Chinese labels are drawn: the same chart with other labels gives other pixels.
    let mut other = c.clone();
    other.categories[0] = "陆家镇".into();
    assert_ne!(png, super::png(&other, &fonts, 2.0).expect("png"));
    assert_eq!(png, super::png(&c, &fonts, 2.0).expect("png"), "deterministic");
    let missing = crate::Fonts { dir: "/nonexistent/fonts".into() };
    assert!(matches!(super::png(&c, &missing, 1.0), Err(crate::RenderError::Fonts(_))));
}
