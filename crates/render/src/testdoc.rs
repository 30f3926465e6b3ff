//! The sample document of the renderers' tests: every kind of block, the figures and headings
//! the tests look for.

use crate::model::*;

/// A small picture encoded as `format`.
pub fn picture(format: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([(x * 6) as u8, (y * 8) as u8, 120]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img).write_to(&mut out, format).expect("encode");
    out.into_inner()
}

/// A document with every kind of block; the figures and headings the tests look for.
pub fn sample() -> Document {
    let chart = Chart {
        kind: ChartKind::Bar,
        title: "各区镇项目数".into(),
        categories: vec!["周市镇".into(), "陆家镇".into()],
        series: vec![Series { name: "项目".into(), values: vec![35.0, 12.0] }],
        unit: "个".into(),
    };
    let photo = |bytes: Vec<u8>, caption: &str| {
        Block::Image(Image { bytes, mime: "image/jpeg".into(), caption: Some(caption.into()), src: None, width_mm: 80 })
    };
    Document {
        title: "2022年度昆山市社会工作发展报告".into(),
        subtitle: Some("昆山市民政局".into()),
        lang: Lang::Zh,
        blocks: vec![
            Block::Heading { level: 1, text: vec![Inline::text("一、党建引领")] },
            Block::Paragraph {
                text: vec![
                    Inline::text("全年实施项目"),
                    Inline::Figure {
                        text: "35".into(),
                        key: "services.projects".into(),
                        href: Some("/services".into()),
                        note: None,
                    },
                    Inline::text("个，资金"),
                    Inline::Figure { text: "1,300".into(), key: "services.amount".into(), href: None, note: None },
                    Inline::text("万元。<w:p>&\"标记\"不是格式"),
                ],
            },
            Block::Heading { level: 2, text: vec![Inline::text("（一）培优赋能")] },
            Block::List {
                ordered: true,
                items: vec![vec![Inline::text("第一项")], vec![Inline::Strong { text: "第二项".into() }]],
            },
            Block::List { ordered: false, items: vec![vec![Inline::text("要点")]] },
            Block::Heading { level: 3, text: vec![Inline::text("1. 人才队伍")] },
            Block::Table(Table {
                caption: Some("持证社工".into()),
                header: vec!["区镇".into(), "人数".into()],
                rows: vec![vec!["周市镇".into(), "194".into()], vec!["陆家镇".into(), "88".into()]],
                numeric: vec![false, true],
            }),
            Block::Chart(chart),
            photo(picture(image::ImageFormat::Jpeg), "志愿服务现场"),
            photo(picture(image::ImageFormat::Png), "颁奖"),
            photo(b"not an image".to_vec(), "损坏的照片"),
            Block::PageBreak,
            Block::Heading { level: 1, text: vec![Inline::text("五、社会\n工作 展望")] },
            Block::Paragraph { text: vec![Inline::text("#pagebreak() *粗体* $x$ <lbl> @ref")] },
        ],
    }
}
