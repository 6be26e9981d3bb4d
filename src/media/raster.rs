//! Reading raster images safely: recognise them, read their size without decoding, decode with
//! memory limits, and turn them upright (EXIF orientation) before anything else sees the pixels.
//!
//! Transparency hides nothing: the colour stored under a transparent pixel is invisible in a
//! viewer but survives in the file, so "erasing" a label by setting alpha to 0 leaves it there.
//! Every decoded image is either composited over black ([`composite`], for everything made into
//! sizes and cards) or keeps its alpha with only the colour a viewer could see ([`decode`]).

use std::io::Cursor;
use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageReader, Limits};

use super::budget::{self, Decoded};
use crate::diagnostic::{Diagnostic, io_error};
use crate::types::MAX_SIDE;

/// Largest decoder allocation: a refused image never eats the machine's memory.
const MAX_ALLOC: u64 = super::budget::PER_IMAGE;

/// Size of an image as it will be shown (after EXIF orientation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageInfo {
    pub width: u32,
    pub height: u32,
}

fn limits() -> Limits {
    let mut l = Limits::default();
    l.max_image_width = Some(MAX_SIDE);
    l.max_image_height = Some(MAX_SIDE);
    l.max_alloc = Some(MAX_ALLOC);
    l
}

fn reader(path: &Path, bytes: &[u8]) -> Result<ImageReader<Cursor<Vec<u8>>>, Diagnostic> {
    if bytes.is_empty() {
        return Err(
            Diagnostic::in_file(path, "the image file is empty (0 bytes)")
                .with_hint("export the image again, or remove it"),
        );
    }
    let mut reader = ImageReader::new(Cursor::new(bytes.to_vec()))
        .with_guessed_format()
        .map_err(|e| io_error(path, "read the image", &e))?;
    if reader.format().is_none() {
        return Err(Diagnostic::in_file(path, "this file is not an image radcase can read (its content is not JPEG, PNG, WebP, GIF or TIFF)")
            .with_hint("the file may be damaged, or its extension may be wrong; export it again as PNG or JPEG"));
    }
    reader.limits(limits());
    Ok(reader)
}

/// Read the file once: its size (upright) from the header, without decoding pixels, and the
/// hash of its bytes, which keys every cache entry made from it.
pub fn probe(path: &Path) -> Result<(ImageInfo, blake3::Hash), Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| io_error(path, "read the image", &e))?;
    Ok((probe_bytes(path, &bytes)?, blake3::hash(&bytes)))
}

pub fn probe_bytes(path: &Path, bytes: &[u8]) -> Result<ImageInfo, Diagnostic> {
    let mut decoder = reader(path, bytes)?
        .into_decoder()
        .map_err(|e| image_error(path, &e))?;
    let (w, h) = decoder.dimensions();
    check_size(path, w, h)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    Ok(if swaps_sides(orientation) {
        ImageInfo {
            width: h,
            height: w,
        }
    } else {
        ImageInfo {
            width: w,
            height: h,
        }
    })
}

fn swaps_sides(o: image::metadata::Orientation) -> bool {
    use image::metadata::Orientation as O;
    matches!(
        o,
        O::Rotate90 | O::Rotate270 | O::Rotate90FlipH | O::Rotate270FlipH
    )
}

fn check_size(path: &Path, w: u32, h: u32) -> Result<(), Diagnostic> {
    if w == 0 || h == 0 {
        return Err(
            Diagnostic::in_file(path, format!("the image has no pixels ({w}×{h})"))
                .with_hint("export the image again"),
        );
    }
    if w > MAX_SIDE || h > MAX_SIDE {
        return Err(Diagnostic::in_file(
            path,
            format!("the image is too large to process safely ({w}×{h} pixels)"),
        )
        .with_hint(format!(
            "resize it to at most {MAX_SIDE}×{MAX_SIDE} pixels before adding it"
        )));
    }
    Ok(())
}

/// Decode an image file, upright, with memory limits. Errors name the file and say what to do.
/// Alpha is kept, but no colour survives that a viewer would not show (see [`clear_hidden`]).
pub fn decode(path: &Path) -> Result<Decoded, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| io_error(path, "read the image", &e))?;
    let mut decoded = decode_bytes(path, &bytes)?;
    clear_hidden(&mut decoded.image);
    Ok(decoded)
}

/// Decode an image file, upright, composited over black: what every size and share card is
/// made from.
pub fn decode_opaque(path: &Path) -> Result<Decoded, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| io_error(path, "read the image", &e))?;
    let mut decoded = decode_bytes(path, &bytes)?;
    let img = std::mem::replace(&mut decoded.image, DynamicImage::new_luma8(0, 0));
    decoded.image = composite(img);
    Ok(decoded)
}

/// What transparent pixels are composited over. Black: radiology images are shown on a dark
/// panel (the lightbox, the card), where black is the background a transparent area already
/// looked like, and black carries nothing of what was under it.
pub const BACKGROUND: u8 = 0;

/// `img` without alpha, composited over [`BACKGROUND`] (black): each colour scaled by its
/// opacity, so what was under a transparent pixel is gone and a partly transparent one keeps
/// only what it showed. An image without alpha is returned as it is.
pub fn composite(img: DynamicImage) -> DynamicImage {
    // Over black, compositing is premultiplying: c·a (BACKGROUND·(1−a) is 0).
    const _: () = assert!(BACKGROUND == 0);
    fn scale8(c: u8, a: u8) -> u8 {
        ((u32::from(c) * u32::from(a) + 127) / 255) as u8
    }
    fn scale16(c: u16, a: u16) -> u16 {
        ((u64::from(c) * u64::from(a) + 32767) / 65535) as u16
    }
    match img {
        DynamicImage::ImageLumaA8(i) => {
            DynamicImage::ImageLuma8(image::GrayImage::from_fn(i.width(), i.height(), |x, y| {
                let [l, a] = i.get_pixel(x, y).0;
                image::Luma([scale8(l, a)])
            }))
        }
        DynamicImage::ImageLumaA16(i) => DynamicImage::ImageLuma16(image::ImageBuffer::from_fn(
            i.width(),
            i.height(),
            |x, y| {
                let [l, a] = i.get_pixel(x, y).0;
                image::Luma([scale16(l, a)])
            },
        )),
        DynamicImage::ImageRgba8(i) => {
            let (w, h) = i.dimensions();
            let raw = i.into_raw();
            let mut out = Vec::with_capacity(raw.len() / 4 * 3);
            for px in raw.chunks_exact(4) {
                let a = px[3];
                out.extend_from_slice(&[scale8(px[0], a), scale8(px[1], a), scale8(px[2], a)]);
            }
            DynamicImage::ImageRgb8(image::RgbImage::from_raw(w, h, out).expect("3 bytes a pixel"))
        }
        DynamicImage::ImageRgba16(i) => DynamicImage::ImageRgb16(image::ImageBuffer::from_fn(
            i.width(),
            i.height(),
            |x, y| {
                let [r, g, b, a] = i.get_pixel(x, y).0;
                image::Rgb([scale16(r, a), scale16(g, a), scale16(b, a)])
            },
        )),
        DynamicImage::ImageRgba32F(i) => DynamicImage::ImageRgb32F(image::ImageBuffer::from_fn(
            i.width(),
            i.height(),
            |x, y| {
                let [r, g, b, a] = i.get_pixel(x, y).0;
                let a = a.clamp(0.0, 1.0);
                image::Rgb([r * a, g * a, b * a])
            },
        )),
        // Any other layout with alpha (the enum is open): through 8-bit RGBA, so nothing is
        // passed on uncomposited.
        other if other.color().has_alpha() => composite(DynamicImage::ImageRgba8(other.to_rgba8())),
        other => other,
    }
}

/// Keep alpha, but let the colour of each pixel say no more than a viewer shows of it over any
/// background: the colour a viewer blends is `c·a`, so the colour is replaced by the one that
/// gives the same `c·a`, and a fully transparent pixel becomes black. For images published in
/// their own format with their transparency (a logo in `static/`).
pub fn clear_hidden(img: &mut DynamicImage) {
    fn clear8(px: &mut [u8]) {
        let (colour, alpha) = px.split_at_mut(px.len() - 1);
        let a = u32::from(alpha[0]);
        for c in colour {
            *c = if a == 0 {
                0
            } else {
                let shown = (u32::from(*c) * a + 127) / 255;
                ((shown * 255 + a / 2) / a).min(255) as u8
            };
        }
    }
    match img {
        DynamicImage::ImageLumaA8(i) => i.chunks_exact_mut(2).for_each(clear8),
        DynamicImage::ImageRgba8(i) => i.chunks_exact_mut(4).for_each(clear8),
        other if other.color().has_alpha() => {
            let mut rgba = DynamicImage::ImageRgba8(other.to_rgba8());
            clear_hidden(&mut rgba);
            *other = rgba;
        }
        _ => {}
    }
}

pub fn decode_bytes(path: &Path, bytes: &[u8]) -> Result<Decoded, Diagnostic> {
    let reader = reader(path, bytes)?;
    // The JPEG decoder fills a cut-off file with grey rather than failing; a half image must
    // not be published as if it were the case.
    if reader.format() == Some(image::ImageFormat::Jpeg) && !jpeg_is_complete(bytes) {
        return Err(Diagnostic::in_file(
            path,
            "the image is truncated: the file ends before the end of the picture",
        )
        .with_hint("copy or export the image again; the file was cut off"));
    }
    let mut decoder = reader.into_decoder().map_err(|e| image_error(path, &e))?;
    let (w, h) = decoder.dimensions();
    check_size(path, w, h)?;
    let per_pixel = u64::from(decoder.color_type().bytes_per_pixel());
    let permit = budget::acquire(u64::from(w) * u64::from(h), per_pixel);
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| image_error(path, &e))?;
    img.apply_orientation(orientation);
    Ok(Decoded::new(img, permit))
}

/// Whether a JPEG has its end-of-image marker after the last start-of-scan (an embedded EXIF
/// thumbnail has its own markers earlier in the file, so only what follows the scan counts).
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let last_scan = bytes.windows(2).rposition(|w| w == [0xff, 0xda]);
    match last_scan {
        Some(sos) => bytes[sos..].windows(2).any(|w| w == [0xff, 0xd9]),
        None => false,
    }
}

fn image_error(path: &Path, e: &image::ImageError) -> Diagnostic {
    use image::ImageError as E;
    let (msg, hint) = match e {
        E::Limits(_) => (
            format!("the image is too large to process safely ({e})"),
            format!("resize it to at most {MAX_SIDE}×{MAX_SIDE} pixels before adding it"),
        ),
        E::Unsupported(_) => (
            format!("unsupported image: {e}"),
            "save it as PNG or JPEG".to_string(),
        ),
        _ => (
            format!("the image could not be decoded: {e}"),
            "the file may be truncated or not really an image; export it again".to_string(),
        ),
    };
    Diagnostic::in_file(path, msg).with_hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        image::GrayImage::new(w, h)
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap();
        out.into_inner()
    }

    #[test]
    fn probes_without_decoding_and_refuses_huge_headers() {
        let p = Path::new("a.png");
        assert_eq!(
            probe_bytes(p, &png(30, 20)).unwrap(),
            ImageInfo {
                width: 30,
                height: 20
            }
        );
        // A PNG header claiming 30000×30000 pixels, with no pixel data behind it.
        let mut huge = png(1, 1);
        huge[16..20].copy_from_slice(&30000u32.to_be_bytes());
        huge[20..24].copy_from_slice(&30000u32.to_be_bytes());
        let crc = crc32(&huge[12..29]);
        huge[29..33].copy_from_slice(&crc.to_be_bytes());
        let e = probe_bytes(p, &huge).unwrap_err();
        assert!(e.message.contains("too large"), "{}", e.message);
    }

    /// PNG chunk checksum (CRC-32, IEEE), so a forged header still parses.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn truncated_jpeg_is_detected() {
        let mut out = Cursor::new(Vec::new());
        let img = image::RgbImage::from_fn(64, 64, |x, y| {
            image::Rgb([(x * 4) as u8, (y * 4) as u8, (x ^ y) as u8])
        });
        img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
        let full = out.into_inner();
        let p = Path::new("a.jpg");
        assert!(decode_bytes(p, &full).is_ok());
        let message = decode_bytes(p, &full[..full.len() / 2])
            .err()
            .map(|e| e.message);
        assert!(
            message.as_deref().is_some_and(|m| m.contains("truncated")),
            "{message:?}"
        );
    }

    #[test]
    fn empty_and_non_image_files_are_errors() {
        let p = Path::new("a.jpg");
        assert!(probe_bytes(p, b"").unwrap_err().message.contains("empty"));
        assert!(
            probe_bytes(p, b"hello, not an image")
                .unwrap_err()
                .message
                .contains("not an image")
        );
    }
}
