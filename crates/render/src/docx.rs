//! The document as Word .docx (docx-rs). Skeleton: the renderer branch implements it.

use crate::model::Document;
use crate::{Fonts, RenderError};

/// The document as the bytes of a .docx file.
pub fn render(_doc: &Document, _fonts: &Fonts) -> Result<Vec<u8>, RenderError> {
    Err(RenderError::Unavailable("docx"))
}
