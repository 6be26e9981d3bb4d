//! Reading raster images safely: recognise them, read their size without decoding, decode with
//! memory limits, and turn them upright (EXIF orientation) before anything else sees the pixels.

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
pub fn decode(path: &Path) -> Result<Decoded, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| io_error(path, "read the image", &e))?;
    decode_bytes(path, &bytes)
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
