//! The font files of a [`Fonts`] directory, read from disk once per process and shared by the
//! PNG and PDF renderers (never fetched, no system font scan).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::RenderError;

/// The bytes of one font file (a `.ttc` holds several faces).
#[derive(Clone)]
pub(crate) struct FontBytes(pub Arc<Vec<u8>>);

impl AsRef<[u8]> for FontBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// The font files of a directory, in file-name order.
pub(crate) struct FontFiles {
    pub files: Vec<(PathBuf, FontBytes)>,
}

fn is_font(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .map(|e| matches!(e.to_ascii_lowercase().as_str(), "ttf" | "otf" | "ttc" | "otc"))
        .unwrap_or(false)
}

/// The font files directly inside `dir`, read once and cached for the process.
pub(crate) fn files(dir: &Path) -> Result<Arc<FontFiles>, RenderError> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<FontFiles>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(f) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(dir) {
        return Ok(f.clone());
    }
    let missing = || RenderError::Fonts(dir.display().to_string());
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|_| missing())?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| is_font(p))
        .collect();
    paths.sort();
    let mut files = Vec::new();
    for p in paths {
        let bytes = std::fs::read(&p).map_err(|e| RenderError::Failed(format!("{}: {e}", p.display())))?;
        files.push((p, FontBytes(Arc::new(bytes))));
    }
    if files.is_empty() {
        return Err(missing());
    }
    let loaded = Arc::new(FontFiles { files });
    cache.lock().unwrap_or_else(|e| e.into_inner()).insert(dir.to_path_buf(), loaded.clone());
    Ok(loaded)
}
