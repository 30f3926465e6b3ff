//! Photos: the dimension check before decoding and the thumbnail made on upload.
//!
//! A JPEG or PNG of a few hundred kilobytes can declare 60,000 × 60,000 pixels and ask the
//! decoder for gigabytes (a decompression bomb). The header is read first and an image larger
//! than [`MAX_SIDE`] on a side or [`MAX_PIXELS`] in all is refused before a pixel is decoded; the
//! decoder also runs under an allocation limit. A photo that passes is decoded once, turned the
//! way its EXIF orientation says, and scaled to at most [`THUMB_SIDE`] pixels on its longest side
//! as a JPEG (transparent PNG pixels on white).

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, Rgb, RgbImage};

/// The longest side of a thumbnail, in pixels.
pub const THUMB_SIDE: u32 = 320;
/// The longest side of a photo accepted, in pixels.
pub const MAX_SIDE: u32 = 12_000;
/// The most pixels of a photo accepted (40 megapixels: a phone's camera gives 12 to 50).
pub const MAX_PIXELS: u64 = 40_000_000;
/// What the decoder may allocate: the decoded photo at its largest, four bytes a pixel, and room.
const MAX_ALLOC: u64 = MAX_PIXELS * 4 + 64 * 1024 * 1024;
/// JPEG quality of thumbnails.
const QUALITY: u8 = 80;

/// A thumbnail and the size of the photo it was made from.
#[derive(Debug, Clone)]
pub struct Thumb {
    /// JPEG bytes.
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// The photo's own size (after its orientation is applied).
    pub source_width: u32,
    pub source_height: u32,
}

/// The content type of every thumbnail.
pub const THUMB_TYPE: &str = "image/jpeg";

fn format_of(content_type: &str) -> Option<ImageFormat> {
    match content_type {
        "image/jpeg" => Some(ImageFormat::Jpeg),
        "image/png" => Some(ImageFormat::Png),
        _ => None,
    }
}

/// Whether a declared size is accepted (a locale key when it is not).
pub fn check_size(width: u32, height: u32) -> Result<(), &'static str> {
    if width == 0 || height == 0 {
        return Err("files.error.bad_image");
    }
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err("files.error.image_too_big");
    }
    Ok(())
}

/// The decoder of a photo, its declared size checked (nothing decoded yet).
fn decoder<'a>(bytes: &'a [u8], content_type: &str) -> Result<impl ImageDecoder + 'a, &'static str> {
    let format = format_of(content_type).ok_or("files.error.not_photo")?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let decoder = reader.into_decoder().map_err(|e| match e {
        image::ImageError::Limits(_) => "files.error.image_too_big",
        _ => "files.error.bad_image",
    })?;
    let (w, h) = decoder.dimensions();
    check_size(w, h)?;
    Ok(decoder)
}

/// The declared size of a JPEG or PNG, read from its header only.
pub fn dimensions(bytes: &[u8], content_type: &str) -> Result<(u32, u32), &'static str> {
    decoder(bytes, content_type).map(|d| d.dimensions())
}

/// Checks a photo's declared size, decodes it and makes its thumbnail (CPU-bound: call it on the
/// blocking pool). Errors are locale keys: `files.error.image_too_big`, `files.error.bad_image`.
pub fn thumbnail(bytes: &[u8], content_type: &str) -> Result<Thumb, &'static str> {
    let mut decoder = decoder(bytes, content_type)?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => "files.error.image_too_big",
        _ => "files.error.bad_image",
    })?;
    img.apply_orientation(orientation);
    let (source_width, source_height) = (img.width(), img.height());
    let small = if source_width.max(source_height) > THUMB_SIDE { img.thumbnail(THUMB_SIDE, THUMB_SIDE) } else { img };
    let rgb = on_white(&small);
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, QUALITY)
        .encode_image(&rgb)
        .map_err(|_| "files.error.bad_image")?;
    Ok(Thumb { bytes, width: rgb.width(), height: rgb.height(), source_width, source_height })
}

/// The image as RGB, transparent pixels laid on white (JPEG has no alpha).
fn on_white(img: &DynamicImage) -> RgbImage {
    if !img.color().has_alpha() {
        return img.to_rgb8();
    }
    let rgba = img.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let p = rgba.get_pixel(x, y).0;
        let a = u16::from(p[3]);
        let blend = |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
        Rgb([blend(p[0]), blend(p[1]), blend(p[2])])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(w, h, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(img).write_to(&mut out, ImageFormat::Png).expect("png");
        out.into_inner()
    }

    #[test]
    fn thumbnails_keep_the_aspect_and_shrink() {
        let t = thumbnail(&png(800, 400), "image/png").expect("thumb");
        assert_eq!((t.width, t.height), (THUMB_SIDE, THUMB_SIDE / 2));
        assert_eq!((t.source_width, t.source_height), (800, 400));
        assert!(t.bytes.starts_with(&[0xFF, 0xD8, 0xFF]), "a JPEG");
        // A small photo is not enlarged.
        let t = thumbnail(&png(40, 30), "image/png").expect("thumb");
        assert_eq!((t.width, t.height), (40, 30));
    }

    #[test]
    fn declared_sizes_are_bounded_before_decoding() {
        assert_eq!(check_size(MAX_SIDE + 1, 10), Err("files.error.image_too_big"));
        assert_eq!(check_size(7000, 7000), Err("files.error.image_too_big"));
        assert_eq!(check_size(6000, 4000), Ok(()));
        assert_eq!(thumbnail(b"\x89PNG\r\n\x1a\nnot really", "image/png").err(), Some("files.error.bad_image"));
    }
}
