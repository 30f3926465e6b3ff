//! The document as an HTML fragment (the page's shell is the application's): headings, paragraphs,
//! lists, tables, charts as inline SVG and images; every string escaped. Print CSS lives with the
//! application's stylesheet (`.doc` classes).

use crate::model::{Block, Document, Inline};

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The document as an HTML fragment inside `<article class="doc" lang="…">`.
pub fn render(doc: &Document) -> String {
    let mut out = String::new();
    out.push_str(&format!("<article class=\"doc\" lang=\"{}\">", doc.lang.code()));
    out.push_str(&format!("<h1 class=\"doc-title\">{}</h1>", escape(&doc.title)));
    if let Some(sub) = &doc.subtitle {
        out.push_str(&format!("<p class=\"doc-subtitle\">{}</p>", escape(sub)));
    }
    for b in &doc.blocks {
        block(&mut out, b);
    }
    out.push_str("</article>");
    out
}

fn block(out: &mut String, b: &Block) {
    match b {
        Block::Heading { level, text } => {
            let h = (*level).clamp(1, 4) + 1;
            out.push_str(&format!("<h{h}>"));
            inlines(out, text);
            out.push_str(&format!("</h{h}>"));
        }
        Block::Paragraph { text } => {
            out.push_str("<p>");
            inlines(out, text);
            out.push_str("</p>");
        }
        Block::List { ordered, items } => {
            let tag = if *ordered { "ol" } else { "ul" };
            out.push_str(&format!("<{tag}>"));
            for item in items {
                out.push_str("<li>");
                inlines(out, item);
                out.push_str("</li>");
            }
            out.push_str(&format!("</{tag}>"));
        }
        Block::Table(t) => {
            out.push_str("<table class=\"doc-table\">");
            if let Some(c) = &t.caption {
                out.push_str(&format!("<caption>{}</caption>", escape(c)));
            }
            out.push_str("<thead><tr>");
            for (i, h) in t.header.iter().enumerate() {
                let class = if t.numeric.get(i).copied().unwrap_or(false) { " class=\"num\"" } else { "" };
                out.push_str(&format!("<th{class}>{}</th>", escape(h)));
            }
            out.push_str("</tr></thead><tbody>");
            for row in &t.rows {
                out.push_str("<tr>");
                for (i, cell) in row.iter().enumerate() {
                    let class = if t.numeric.get(i).copied().unwrap_or(false) { " class=\"num\"" } else { "" };
                    out.push_str(&format!("<td{class}>{}</td>", escape(cell)));
                }
                out.push_str("</tr>");
            }
            out.push_str("</tbody></table>");
        }
        Block::Chart(c) => {
            out.push_str("<figure class=\"doc-chart\">");
            out.push_str(&crate::chart::svg(c));
            out.push_str(&format!("<figcaption>{}</figcaption></figure>", escape(&c.title)));
        }
        Block::Image(img) => {
            if let Some(src) = &img.src {
                out.push_str(&format!(
                    "<figure class=\"doc-image\"><img src=\"{}\" alt=\"{}\">",
                    escape(src),
                    escape(img.caption.as_deref().unwrap_or(""))
                ));
                if let Some(c) = &img.caption {
                    out.push_str(&format!("<figcaption>{}</figcaption>", escape(c)));
                }
                out.push_str("</figure>");
            }
        }
        Block::PageBreak => out.push_str("<hr class=\"doc-page-break\">"),
    }
}

fn inlines(out: &mut String, runs: &[Inline]) {
    for r in runs {
        match r {
            Inline::Text { text } => out.push_str(&escape(text)),
            Inline::Strong { text } => out.push_str(&format!("<strong>{}</strong>", escape(text))),
            Inline::Figure { text, key, href, note } => {
                let class = if note.is_some() { "doc-figure changed" } else { "doc-figure" };
                let title = note.as_deref().map(|n| format!(" title=\"{}\"", escape(n))).unwrap_or_default();
                match href {
                    Some(h) => out.push_str(&format!(
                        "<a class=\"{class}\" data-key=\"{}\" href=\"{}\"{title}>{}</a>",
                        escape(key),
                        escape(h),
                        escape(text)
                    )),
                    None => out.push_str(&format!(
                        "<span class=\"{class}\" data-key=\"{}\"{title}>{}</span>",
                        escape(key),
                        escape(text)
                    )),
                }
            }
            Inline::Link { text, href } => out.push_str(&format!("<a href=\"{}\">{}</a>", escape(href), escape(text))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    #[test]
    fn staff_text_is_never_markup() {
        let doc = Document {
            title: "<script>alert(1)</script>".into(),
            subtitle: None,
            lang: Lang::Zh,
            blocks: vec![Block::Paragraph {
                text: vec![
                    Inline::text("a <b>\"x\"</b> & 'y'"),
                    Inline::Figure {
                        text: "35".into(),
                        key: "services.projects".into(),
                        href: Some("/services?year=2022&q=\"".into()),
                        note: None,
                    },
                ],
            }],
        };
        let html = render(&doc);
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<b>"));
        assert!(html.contains("a &lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; &#39;y&#39;"));
        assert!(html.contains("href=\"/services?year=2022&amp;q=&quot;\""));
        assert!(html.contains(">35</a>"));
    }
}
