//! The document as PDF (typst as a library). Skeleton: the renderer branch implements it.

use crate::model::Document;
use crate::{Fonts, RenderError};

/// The document as the bytes of a PDF file.
pub fn render(_doc: &Document, _fonts: &Fonts) -> Result<Vec<u8>, RenderError> {
    Err(RenderError::Unavailable("pdf"))
}
