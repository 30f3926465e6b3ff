use super::*;
use crate::testdoc::{picture, sample};
use std::io::Read;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

fn entry(zip: &mut zip8::ZipArchive<std::io::Cursor<Vec<u8>>>, name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    zip.by_name(name).unwrap_or_else(|e| panic!("{name}: {e}")).read_to_end(&mut out).expect("read");
    out
}

/// The paragraphs of `word/document.xml`: (style, text).
fn paragraphs(xml: &str) -> Vec<(String, String)> {
    let doc = roxmltree::Document::parse(xml).expect("document.xml is XML");
    doc.descendants()
        .filter(|n| n.has_tag_name((W, "p")))
        .map(|p| {
            let style = p
                .descendants()
                .find(|n| n.has_tag_name((W, "pStyle")))
                .and_then(|n| n.attribute((W, "val")))
                .unwrap_or("")
                .to_string();
            let text =
                p.descendants().filter(|n| n.has_tag_name((W, "t"))).filter_map(|n| n.text()).collect::<String>();
            (style, text)
        })
        .collect()
}

#[test]
fn the_docx_reads_back_with_styles_fonts_figures_and_pictures() {
    let Some(fonts) = crate::test_fonts() else { return };
    let bytes = render(&sample(), &fonts).expect("docx");
    let mut zip = zip8::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let document = String::from_utf8(entry(&mut zip, "word/document.xml")).expect("utf-8");
    let ps = paragraphs(&document);
    let find = |style: &str, text: &str| ps.iter().any(|(s, t)| s == style && t == text);
    assert!(find("Title", "2022年度昆山市社会工作发展报告"), "{ps:?}");
    assert!(find("Subtitle", "昆山市民政局"));
    assert!(find("Heading1", "一、党建引领"));
    assert!(find("Heading2", "（一）培优赋能"));
    assert!(find("Heading3", "1. 人才队伍"));
    assert!(
        find("", "全年实施项目35个，资金1,300万元。<w:p>&\"标记\"不是格式"),
        "figures as plain text, markup as text: {ps:?}"
    );
    assert!(find("Caption", "各区镇项目数") && find("Caption", "持证社工") && find("Caption", "损坏的照片"));
    assert!(ps.iter().any(|(_, t)| t == "194") && ps.iter().any(|(_, t)| t == "第二项"));
    assert!(document.contains("<w:numPr>"), "list items are numbered");
    assert!(document.contains("w:fill=\"E8ECEF\""), "the header row is shaded");

    let styles = String::from_utf8(entry(&mut zip, "word/styles.xml")).expect("utf-8");
    let sdoc = roxmltree::Document::parse(&styles).expect("styles.xml is XML");
    let defaults = sdoc.descendants().find(|n| n.has_tag_name((W, "docDefaults"))).expect("docDefaults");
    let east_asia = |n: roxmltree::Node| {
        n.descendants()
            .find(|f| f.has_tag_name((W, "rFonts")))
            .and_then(|f| f.attribute((W, "eastAsia")))
            .map(str::to_string)
    };
    assert_eq!(east_asia(defaults).as_deref(), Some(SERIF), "the CJK font is the documents' default");
    for (id, level) in [("Heading1", "0"), ("Heading2", "1"), ("Heading3", "2")] {
        let s = sdoc
            .descendants()
            .find(|n| n.has_tag_name((W, "style")) && n.attribute((W, "styleId")) == Some(id))
            .unwrap_or_else(|| panic!("{id} defined"));
        assert_eq!(east_asia(s).as_deref(), Some(SANS), "{id}");
        let outline = s.descendants().find(|n| n.has_tag_name((W, "outlineLvl"))).and_then(|n| n.attribute((W, "val")));
        assert_eq!(outline, Some(level), "{id}");
        let name = s.children().find(|n| n.has_tag_name((W, "name"))).and_then(|n| n.attribute((W, "val")));
        assert_eq!(
            name,
            Some(format!("heading {}", level.parse::<u8>().unwrap_or(0) + 1).as_str()),
            "{id}: Word's built-in name"
        );
    }

    // The chart and the two photos that decode are PNG pictures; the broken one is left out.
    let media: Vec<String> = zip.file_names().filter(|n| n.starts_with("word/media/")).map(str::to_string).collect();
    let pictures: Vec<&String> = media.iter().filter(|n| !n.ends_with('/')).collect();
    assert_eq!(pictures.len(), 3, "{media:?}");
    for name in &pictures {
        let bytes = entry(&mut zip, name);
        assert!(bytes.starts_with(b"\x89PNG"), "{name} is a PNG");
    }
    assert_eq!(document.matches("<pic:pic").count(), 3);
}

#[test]
fn photos_become_png_and_broken_ones_are_refused() {
    let (png, size) = crate::photo::to_png(&picture(image::ImageFormat::Jpeg)).expect("a jpeg decodes");
    assert_eq!(size, (40, 30));
    assert!(png.starts_with(b"\x89PNG"));
    assert!(crate::photo::to_png(b"\xff\xd8 not really").is_none());
    assert!(crate::photo::to_png(&[]).is_none());
}
