//! The document as PDF, typeset by typst used as a library (typst-as-lib's `World`, no package
//! fetching, no system font scan: the fonts are the files of [`Fonts::dir`]).
//!
//! One template, `review.typ`, is compiled in. The document reaches it as data only: a JSON
//! value in `sys.inputs.doc` (and the photos' bytes in `sys.inputs.images`), so no text of the
//! document is ever parsed as typst markup. Text runs are normalised first ([`cjk`]) so no
//! space or newline is left between two CJK characters (typst #792). Charts are the same SVG as
//! on screen ([`crate::chart`]).

pub mod cjk;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{json, Value};
use typst::foundations::{Array, Bytes, Dict, IntoValue};
use typst_as_lib::{TypstEngine, TypstTemplateMainFile};
use typst_layout::PagedDocument;

use crate::model::{Block, Document, Inline};
use crate::{Fonts, RenderError};

const TEMPLATE: &str = include_str!("review.typ");

type Engine = TypstEngine<TypstTemplateMainFile>;

/// The typst engine for a font directory (the template parsed and the fonts read once per
/// process).
fn engine(fonts: &Fonts) -> Result<Arc<Engine>, RenderError> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<Engine>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(e) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&fonts.dir) {
        return Ok(e.clone());
    }
    let files = crate::fonts::files(&fonts.dir)?;
    let faces: Vec<typst::text::Font> =
        files.files.iter().flat_map(|(_, bytes)| typst::text::Font::iter(Bytes::new(bytes.clone()))).collect();
    if faces.is_empty() {
        return Err(RenderError::Fonts(fonts.dir.display().to_string()));
    }
    let engine = Arc::new(TypstEngine::builder().main_file(TEMPLATE).fonts(faces).build());
    cache.lock().unwrap_or_else(|e| e.into_inner()).insert(fonts.dir.clone(), engine.clone());
    Ok(engine)
}

/// The document as the bytes of a PDF file.
pub fn render(doc: &Document, fonts: &Fonts) -> Result<Vec<u8>, RenderError> {
    let engine = engine(fonts)?;
    let (data, images) = data(doc);
    let json = serde_json::to_vec(&data).map_err(|e| RenderError::Failed(format!("pdf data: {e}")))?;
    let mut inputs = Dict::new();
    inputs.insert("doc".into(), Bytes::new(json).into_value());
    inputs.insert(
        "images".into(),
        images.into_iter().map(|b| Bytes::new(b).into_value()).collect::<Array>().into_value(),
    );
    let compiled: PagedDocument =
        engine.compile_with_input(inputs).output.map_err(|e| RenderError::Failed(format!("typst: {e:?}")))?;
    let pdf = typst_pdf::pdf(&compiled, &typst_pdf::PdfOptions::default()).map_err(|errors| {
        RenderError::Failed(format!(
            "typst pdf: {}",
            errors.iter().map(|d| d.message.as_str()).collect::<Vec<_>>().join("; ")
        ))
    })?;
    Ok(pdf)
}

/// Inline runs as data: `{kind, text}`, normalised together.
fn runs(text: &[Inline]) -> Value {
    let plain: Vec<&str> = text.iter().map(Inline::plain).collect();
    let normal = cjk::normalize_runs(&plain);
    let items: Vec<Value> = text
        .iter()
        .zip(normal)
        .filter(|(_, t)| !t.is_empty())
        .map(|(r, t)| {
            let kind = match r {
                Inline::Strong { .. } => "strong",
                Inline::Figure { .. } => "figure",
                Inline::Text { .. } | Inline::Link { .. } => "text",
            };
            json!({ "kind": kind, "text": t })
        })
        .collect();
    Value::Array(items)
}

/// The document as the template's data, and the photos it places (by index).
fn data(doc: &Document) -> (Value, Vec<Vec<u8>>) {
    let n = |s: &str| cjk::normalize(s);
    let mut images = Vec::new();
    let mut blocks = Vec::new();
    for b in &doc.blocks {
        blocks.push(match b {
            Block::Heading { level, text } => json!({ "type": "heading", "level": (*level).clamp(1, 3), "text": runs(text) }),
            Block::Paragraph { text } => json!({ "type": "paragraph", "text": runs(text) }),
            Block::List { ordered, items } => json!({ "type": "list", "ordered": ordered, "items": items.iter().map(|i| runs(i)).collect::<Vec<_>>() }),
            Block::Table(t) => {
                let columns = t.header.len().max(t.rows.iter().map(Vec::len).max().unwrap_or(0)).max(1);
                let pad = |r: &[String]| (0..columns).map(|i| n(r.get(i).map(String::as_str).unwrap_or(""))).collect::<Vec<_>>();
                let header = if t.header.is_empty() { Vec::new() } else { pad(&t.header) };
                let rows: Vec<Vec<String>> = t.rows.iter().map(|r| pad(r)).collect();
                let numeric: Vec<bool> = (0..columns).map(|i| t.numeric.get(i).copied().unwrap_or(false)).collect();
                json!({ "type": "table", "caption": t.caption.as_deref().map(n), "columns": columns, "header": header, "rows": rows, "numeric": numeric })
            }
            Block::Chart(c) => json!({ "type": "chart", "title": n(&c.title), "svg": crate::chart::svg_sized(c) }),
            Block::Image(img) => {
                let caption = img.caption.as_deref().map(n);
                if crate::photo::decodes(&img.bytes) {
                    images.push(img.bytes.clone());
                    let width = if img.width_mm == 0 { 120 } else { img.width_mm.clamp(20, 160) };
                    json!({ "type": "image", "index": images.len() - 1, "caption": caption, "width_mm": width })
                } else {
                    // A photo that cannot be decoded keeps its caption (the same in Word).
                    match caption {
                        Some(c) => json!({ "type": "caption", "text": c }),
                        None => continue,
                    }
                }
            }
            Block::PageBreak => json!({ "type": "pagebreak" }),
        });
    }
    let data = json!({
        "lang": doc.lang.code(),
        "title": n(&doc.title),
        "subtitle": doc.subtitle.as_deref().map(n),
        "blocks": blocks,
    });
    (data, images)
}
