//! One document model ([`model::Document`]) and its renderers: HTML with print CSS ([`html`]),
//! SVG charts ([`chart`]), Word .docx ([`docx`]) and PDF ([`pdf`]). The crate knows no domain:
//! the application builds a `Document` (the annual review, a certificate) and picks a renderer.
//! Text in the model is always data: every renderer escapes it for its own format, so text
//! written by staff can never become markup in any output.

pub mod chart;
pub mod docx;
mod fonts;
pub mod html;
pub mod model;
pub mod pdf;
mod photo;
#[cfg(test)]
mod testdoc;

pub use model::{Block, Chart, ChartKind, Document, Image, Inline, Lang, Series, Table};

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// No font for the document's script was found in the configured directory.
    #[error("no usable font in {0}")]
    Fonts(String),
    /// The renderer is not part of this build.
    #[error("renderer not available: {0}")]
    Unavailable(&'static str),
    /// The renderer failed (the message is the renderer's own, for the log).
    #[error("render failed: {0}")]
    Failed(String),
}

/// Where the renderers find their fonts (Debian's fonts-noto-cjk by default); fonts are loaded
/// from disk only, never fetched.
#[derive(Debug, Clone)]
pub struct Fonts {
    pub dir: std::path::PathBuf,
}

impl Default for Fonts {
    fn default() -> Self {
        Fonts { dir: std::path::PathBuf::from("/usr/share/fonts/opentype/noto") }
    }
}

/// The fonts for the renderers' tests: the default directory, or `None` (the test is skipped,
/// with the reason printed) when it has no fonts, except under `CI=true`, where it fails.
#[cfg(test)]
pub(crate) fn test_fonts() -> Option<Fonts> {
    let fonts = Fonts::default();
    if fonts::files(&fonts.dir).is_ok() {
        return Some(fonts);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("no fonts in {} (install fonts-noto-cjk)", fonts.dir.display());
    }
    eprintln!("skipped: no fonts in {} (install fonts-noto-cjk)", fonts.dir.display());
    None
}
