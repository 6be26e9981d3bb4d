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
pub fn composite(mut img: DynamicImage) -> DynamicImage {
    // Over black, compositing is premultiplying (c·a + BACKGROUND·(1−a), the second term 0),
    // then dropping alpha. fast_image_resize premultiplies with SIMD and rounds as c·a/255
    // should: a 1600×1600 RGBA image costs a few milliseconds.
    const _: () = assert!(BACKGROUND == 0);
    if !img.color().has_alpha() {
        return img;
    }
    let premultiplied = fast_image_resize::MulDiv::default()
        .multiply_alpha_inplace(&mut img)
        .is_ok();
    if !premultiplied {
        // A layout fast_image_resize does not take (the enum is open): through 8-bit RGBA, so
        // nothing is passed on uncomposited.
        return composite(DynamicImage::ImageRgba8(img.to_rgba8()));
    }
    match img {
        DynamicImage::ImageLumaA8(_) => DynamicImage::ImageLuma8(img.to_luma8()),
        DynamicImage::ImageLumaA16(_) => DynamicImage::ImageLuma16(img.to_luma16()),
        DynamicImage::ImageRgba16(_) => DynamicImage::ImageRgb16(img.to_rgb16()),
        DynamicImage::ImageRgba32F(_) => DynamicImage::ImageRgb32F(img.to_rgb32f()),
        _ => DynamicImage::ImageRgb8(img.to_rgb8()),
    }
}

/// `img` composited over white, as a light page shows it.
pub fn composite_over_white(img: &DynamicImage) -> DynamicImage {
    let mut rgba = img.to_rgba8();
    for p in rgba.pixels_mut() {
        let a = u16::from(p.0[3]);
        for c in &mut p.0[..3] {
            *c = ((u16::from(*c) * a + 255 * (255 - a) + 127) / 255) as u8;
        }
        p.0[3] = 255;
    }
    DynamicImage::ImageRgb8(DynamicImage::ImageRgba8(rgba).to_rgb8())
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
    fn compositing_keeps_only_what_each_pixel_showed_over_black() {
        // Hidden white under alpha 0, a quarter shown under alpha 64, opaque grey.
        let rgba = image::RgbaImage::from_fn(3, 1, |x, _| match x {
            0 => image::Rgba([255, 255, 255, 0]),
            1 => image::Rgba([255, 0, 255, 64]),
            _ => image::Rgba([100, 100, 100, 255]),
        });
        let out = composite(DynamicImage::ImageRgba8(rgba));
        let DynamicImage::ImageRgb8(out) = out else {
            panic!("not RGB: {:?}", out.color());
        };
        let px: Vec<[u8; 3]> = out.pixels().map(|p| p.0).collect();
        assert_eq!(px, [[0, 0, 0], [64, 0, 64], [100, 100, 100]]);

        let la = image::GrayAlphaImage::from_fn(2, 1, |x, _| image::LumaA([255, x as u8 * 255]));
        assert_eq!(
            composite(DynamicImage::ImageLumaA8(la)).as_bytes(),
            [0, 255]
        );
        let la16: image::ImageBuffer<image::LumaA<u16>, Vec<u16>> =
            image::ImageBuffer::from_fn(2, 1, |x, _| image::LumaA([65535, x as u16 * 65535]));
        let out = composite(DynamicImage::ImageLumaA16(la16));
        assert_eq!(out.color(), image::ColorType::L16);
        assert_eq!(out.to_luma16().into_raw(), [0, 65535]);
        let rgba16: image::ImageBuffer<image::Rgba<u16>, Vec<u16>> =
            image::ImageBuffer::from_pixel(1, 1, image::Rgba([65535, 65535, 0, 0]));
        let out = composite(DynamicImage::ImageRgba16(rgba16));
        assert_eq!(out.color(), image::ColorType::Rgb16);
        assert_eq!(out.to_rgb16().into_raw(), [0, 0, 0]);
        let f32: image::Rgba32FImage =
            image::ImageBuffer::from_pixel(1, 1, image::Rgba([1.0, 0.5, 1.0, 0.0]));
        let out = composite(DynamicImage::ImageRgba32F(f32));
        assert_eq!(out.to_rgb8().into_raw(), [0, 0, 0]);
        // Opaque images pass through untouched.
        let grey = DynamicImage::ImageLuma8(image::GrayImage::from_pixel(2, 2, image::Luma([7])));
        assert_eq!(composite(grey.clone()), grey);
    }

    #[test]
    fn an_image_keeping_its_alpha_keeps_no_colour_a_viewer_does_not_see() {
        let rgba = image::RgbaImage::from_fn(4, 1, |x, _| match x {
            0 => image::Rgba([255, 0, 255, 0]),
            1 => image::Rgba([201, 77, 13, 3]),
            2 => image::Rgba([255, 0, 255, 64]),
            _ => image::Rgba([100, 110, 120, 255]),
        });
        let mut img = DynamicImage::ImageRgba8(rgba.clone());
        clear_hidden(&mut img);
        let out = img.to_rgba8();
        assert_eq!(out.get_pixel(0, 0).0, [0, 0, 0, 0]);
        assert_eq!(out.get_pixel(3, 0).0, [100, 110, 120, 255]);
        // Partly transparent: the alpha stays, and so does what it shows over any background
        // (c·a, to within rounding), but not the exact colour under it.
        for x in 1..3 {
            let (before, after) = (rgba.get_pixel(x, 0).0, out.get_pixel(x, 0).0);
            assert_eq!(before[3], after[3]);
            for c in 0..3 {
                let shown = |v: u8| (u32::from(v) * u32::from(before[3]) + 127) / 255;
                assert!(
                    shown(before[c]).abs_diff(shown(after[c])) <= 1,
                    "{before:?} {after:?}"
                );
            }
        }
        assert_ne!(
            out.get_pixel(1, 0).0,
            rgba.get_pixel(1, 0).0,
            "alpha 3 hid 201, 77, 13"
        );
    }

    /// `cargo test --release --lib compositing_cost -- --ignored --nocapture`: the cost of
    /// compositing a 1600×1600 RGBA image, beside decoding it.
    #[test]
    #[ignore = "a measurement, not a check: run it in a release build when compositing changes"]
    fn compositing_cost() {
        let img = image::RgbaImage::from_fn(1600, 1600, |x, y| {
            image::Rgba([
                (x % 251) as u8,
                (y % 241) as u8,
                ((x ^ y) % 256) as u8,
                (x / 7) as u8,
            ])
        });
        let mut png = Cursor::new(Vec::new());
        img.write_to(&mut png, image::ImageFormat::Png).unwrap();
        let png = png.into_inner();
        let started = std::time::Instant::now();
        let decoded = decode_bytes(Path::new("a.png"), &png).unwrap();
        let decoding = started.elapsed();
        let runs = 10;
        let started = std::time::Instant::now();
        for _ in 0..runs {
            std::hint::black_box(composite(decoded.image.clone()));
        }
        let started_clone = std::time::Instant::now();
        for _ in 0..runs {
            std::hint::black_box(decoded.image.clone());
        }
        let cloning = started_clone.elapsed() / runs;
        let compositing = (started_clone - started) / runs - cloning;
        let mut premul = decoded.image.clone();
        let t = std::time::Instant::now();
        fast_image_resize::MulDiv::default()
            .multiply_alpha_inplace(&mut premul)
            .unwrap();
        let mul = t.elapsed();
        let t = std::time::Instant::now();
        std::hint::black_box(premul.to_rgb8());
        println!("premultiply {mul:?}, drop alpha {:?}", t.elapsed());
        println!(
            "1600×1600 RGBA: decode {decoding:?}, composite {compositing:?} (clone {cloning:?})"
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
