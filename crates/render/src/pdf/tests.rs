use super::*;
use crate::testdoc::sample;

/// The text of a PDF as `pdftotext` extracts it, or `None` (skipped, the reason printed) when
/// poppler-utils is missing, except under `CI=true`, where the test fails.
fn pdftotext(pdf: &[u8]) -> Option<String> {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "render-test-{}-{}.pdf",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    std::fs::write(&path, pdf).expect("write the pdf");
    let out = std::process::Command::new("pdftotext").arg("-enc").arg("UTF-8").arg(&path).arg("-").output();
    let _ = std::fs::remove_file(&path);
    match out {
        Ok(o) if o.status.success() => Some(String::from_utf8_lossy(&o.stdout).into_owned()),
        Ok(o) => panic!("pdftotext failed: {}", String::from_utf8_lossy(&o.stderr)),
        Err(e) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("pdftotext is required under CI (poppler-utils): {e}")
        }
        Err(e) => {
            eprintln!("skipped: pdftotext not available (install poppler-utils): {e}");
            None
        }
    }
}

#[test]
fn the_pdf_holds_the_headings_figures_and_text_as_data() {
    let Some(fonts) = crate::test_fonts() else { return };
    let pdf = render(&sample(), &fonts).expect("pdf");
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    let Some(text) = pdftotext(&pdf) else { return };
    // pdftotext may space out justified CJK glyphs: compare without whitespace, except where the
    // spacing is the point.
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for expected in [
        "2022年度昆山市社会工作发展报告",
        "昆山市民政局",
        "一、党建引领",
        "（一）培优赋能",
        "1.人才队伍",
        "全年实施项目35个，资金1,300万元。",
        "持证社工",
        "194",
        "各区镇项目数",
        "周市镇",
        "志愿服务现场",
        "损坏的照片",
        "第二项",
    ] {
        assert!(flat.contains(expected), "{expected} in {text}");
    }
    // Staff text is never markup: typst syntax prints as typed.
    assert!(flat.contains("#pagebreak()*粗体*$x$<lbl>@ref"), "{text}");
    assert!(flat.contains("<w:p>&\"标记\"不是格式"), "{text}");
    // typst #792: the newline between 社会 and 工作 leaves no space; the space before 展望 neither.
    assert!(text.contains("五、社会工作展望"), "{text}");
    // The page break: the last chapter starts a page of its own.
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let page_of = |s: &str| pages.iter().position(|p| p.contains(s));
    assert!(page_of("五、社会工作展望") > page_of("损坏的照片"), "{pages:?}");
}

#[test]
fn fonts_come_from_the_configured_directory_only() {
    let doc = sample();
    let missing = crate::Fonts { dir: "/nonexistent/fonts".into() };
    assert!(matches!(render(&doc, &missing), Err(RenderError::Fonts(_))));
    let empty = std::env::temp_dir().join(format!("render-no-fonts-{}", std::process::id()));
    std::fs::create_dir_all(&empty).expect("mkdir");
    assert!(matches!(render(&doc, &crate::Fonts { dir: empty.clone() }), Err(RenderError::Fonts(_))));
    let _ = std::fs::remove_dir(&empty);
}

#[test]
fn the_data_carries_normalised_text_and_only_decodable_photos() {
    let (data, images) = data(&sample());
    assert_eq!(images.len(), 2, "the broken photo is left out");
    let blocks = data["blocks"].as_array().expect("blocks");
    assert!(blocks.iter().any(|b| b["type"] == "caption" && b["text"] == "损坏的照片"), "its caption stays");
    assert!(blocks.iter().any(|b| b["type"] == "heading" && b["text"][0]["text"] == "五、社会工作展望"));
    let table = blocks.iter().find(|b| b["type"] == "table").expect("table");
    assert_eq!(table["columns"], 2);
    assert_eq!(table["numeric"], json!([false, true]));
    let chart = blocks.iter().find(|b| b["type"] == "chart").expect("chart");
    assert!(chart["svg"].as_str().is_some_and(|s| s.starts_with("<svg") && s.contains("周市镇")));
}
