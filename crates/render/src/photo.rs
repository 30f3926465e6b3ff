//! Photos (`Image.bytes`): decoded with the `image` crate typst already builds (PNG, JPEG). A
//! photo that does not decode is left out of Word and PDF alike (its caption stays).

use std::io::Cursor;

fn decode(bytes: &[u8]) -> Option<image::DynamicImage> {
    image::ImageReader::new(Cursor::new(bytes)).with_guessed_format().ok()?.decode().ok()
}

/// Does `bytes` decode as an image of this build?
pub(crate) fn decodes(bytes: &[u8]) -> bool {
    decode(bytes).is_some()
}

/// A photo's bytes as PNG no larger than 1600 px, with its pixel size; `None` if it does not
/// decode.
pub(crate) fn to_png(bytes: &[u8]) -> Option<(Vec<u8>, (u32, u32))> {
    let img = decode(bytes)?;
    let img = if img.width() > 1600 || img.height() > 1600 { img.thumbnail(1600, 1600) } else { img };
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).ok()?;
    Some((out.into_inner(), (img.width(), img.height())))
}
