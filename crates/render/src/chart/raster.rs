//! A chart as PNG (for Word): the same SVG rasterised with resvg, its text set in the CJK fonts
//! of the configured directory (loaded explicitly: no system font scan).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use resvg::{tiny_skia, usvg};

use crate::model::Chart;
use crate::{Fonts, RenderError};

/// The font database of a directory, built once per process.
fn database(fonts: &Fonts) -> Result<Arc<usvg::fontdb::Database>, RenderError> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<usvg::fontdb::Database>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(db) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&fonts.dir) {
        return Ok(db.clone());
    }
    let files = crate::fonts::files(&fonts.dir)?;
    let mut db = usvg::fontdb::Database::new();
    for (_, bytes) in &files.files {
        db.load_font_source(usvg::fontdb::Source::Binary(Arc::new(bytes.clone())));
    }
    if db.is_empty() {
        return Err(RenderError::Fonts(fonts.dir.display().to_string()));
    }
    // Generic families resolve to the CJK face when the directory has it.
    for family in ["Noto Sans CJK SC", "Source Han Sans SC"] {
        if db.faces().any(|f| f.families.iter().any(|(name, _)| name == family)) {
            db.set_sans_serif_family(family);
            break;
        }
    }
    let db = Arc::new(db);
    cache.lock().unwrap_or_else(|e| e.into_inner()).insert(fonts.dir.clone(), db.clone());
    Ok(db)
}

/// The chart as the bytes of a PNG, `scale` device pixels per viewBox unit (2.0 prints well),
/// on a white background.
pub fn png(c: &Chart, fonts: &Fonts, scale: f32) -> Result<Vec<u8>, RenderError> {
    let scale = if scale.is_finite() && scale > 0.0 { scale.min(8.0) } else { 1.0 };
    let opts = usvg::Options { fontdb: database(fonts)?, font_family: "Noto Sans CJK SC".into(), ..Default::default() };
    let tree = usvg::Tree::from_str(&super::svg_sized(c), &opts)
        .map_err(|e| RenderError::Failed(format!("chart svg: {e}")))?;
    let size = tree.size().to_int_size().scale_by(scale).ok_or_else(|| RenderError::Failed("chart size".into()))?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| RenderError::Failed("chart pixmap".into()))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| RenderError::Failed(format!("chart png: {e}")))
}

/// The pixel size of a PNG produced by [`png`] (from its header).
pub(crate) fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" {
        return None;
    }
    let w = u32::from_be_bytes(bytes[16..20].try_into().ok()?);
    let h = u32::from_be_bytes(bytes[20..24].try_into().ok()?);
    Some((w, h))
}
