//! Publishing co-located media safely: raster images are decoded and re-encoded from pixels, so
//! no metadata (EXIF, GPS, XMP, comments, text chunks) of the source ever reaches the output.
//!
//! DICOM files are never published by copying. Other files (PDFs, data) are copied as they are.

use std::io::{BufWriter, Cursor};
use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{DynamicImage, ImageFormat, ImageReader, Limits};

use crate::diagnostic::{Diagnostic, io_error};

/// Largest accepted image side, in pixels; larger headers are refused before decoding.
const MAX_SIDE: u32 = 16_384;
/// Largest decoder allocation: a refused image never eats the machine's memory.
const MAX_ALLOC: u64 = 1 << 30;
pub const JPEG_QUALITY: u8 = 85;

/// How a co-located file gets into the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Treatment {
    /// Decode and re-encode in the same format (metadata stripped).
    Reencode(ImageFormat),
    /// Never published (DICOM).
    Withhold,
    /// Copied byte for byte.
    Copy,
}

/// Decide what to do with `path` from its name (and, for DICOM without an extension, its preamble).
pub fn treatment(path: &Path) -> Treatment {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("jpg" | "jpeg") => Treatment::Reencode(ImageFormat::Jpeg),
        Some("png") => Treatment::Reencode(ImageFormat::Png),
        Some("webp") => Treatment::Reencode(ImageFormat::WebP),
        Some("gif") => Treatment::Reencode(ImageFormat::Gif),
        Some("dcm" | "dicom") => Treatment::Withhold,
        _ if has_dicom_preamble(path) => Treatment::Withhold,
        _ => Treatment::Copy,
    }
}

/// DICOM Part 10 files have "DICM" at byte 128, whatever their name.
fn has_dicom_preamble(path: &Path) -> bool {
    use std::io::Read;
    let mut buf = [0u8; 132];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut buf))
        .is_ok_and(|()| &buf[128..] == b"DICM")
}

fn limits() -> Limits {
    let mut l = Limits::default();
    l.max_image_width = Some(MAX_SIDE);
    l.max_image_height = Some(MAX_SIDE);
    l.max_alloc = Some(MAX_ALLOC);
    l
}

/// Decode an image file with memory limits. Errors name the file and say what to do.
pub fn decode(path: &Path) -> Result<DynamicImage, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| io_error(path, "read the image", &e))?;
    if bytes.is_empty() {
        return Err(
            Diagnostic::in_file(path, "the image file is empty (0 bytes)")
                .with_hint("export the image again, or remove it"),
        );
    }
    let mut reader = ImageReader::new(Cursor::new(&bytes))
        .with_guessed_format()
        .map_err(|e| io_error(path, "read the image", &e))?;
    reader.limits(limits());
    reader.decode().map_err(|e| image_error(path, &e))
}

/// Width and height from the image header, without decoding the pixels.
pub fn dimensions(path: &Path) -> Result<(u32, u32), Diagnostic> {
    ImageReader::open(path)
        .map_err(|e| io_error(path, "open the image", &e))?
        .with_guessed_format()
        .map_err(|e| io_error(path, "read the image", &e))?
        .into_dimensions()
        .map_err(|e| image_error(path, &e))
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

/// Write `img` to `dest` in `format`, with nothing but pixels.
pub fn encode(img: &DynamicImage, format: ImageFormat, dest: &Path) -> Result<(), Diagnostic> {
    let file = std::fs::File::create(dest).map_err(|e| io_error(dest, "create the file", &e))?;
    let mut out = BufWriter::new(file);
    let result = match format {
        ImageFormat::Jpeg => {
            let rgb = img.to_rgb8();
            JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY).encode_image(&rgb)
        }
        ImageFormat::Png => img.write_with_encoder(PngEncoder::new_with_quality(
            &mut out,
            CompressionType::Fast,
            FilterType::Adaptive,
        )),
        other => img.write_to(&mut out, other),
    };
    result.map_err(|e| Diagnostic::in_file(dest, format!("could not write the image: {e}")))
}

/// Publish one co-located file from `src` to `dest`.
pub fn publish(src: &Path, dest: &Path) -> Result<(), Diagnostic> {
    match treatment(src) {
        Treatment::Reencode(format) => encode(&decode(src)?, format, dest),
        Treatment::Withhold => Ok(()),
        Treatment::Copy => std::fs::copy(src, dest)
            .map(|_| ())
            .map_err(|e| io_error(src, "copy the file", &e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn treatment_by_extension() {
        assert_eq!(
            treatment(Path::new("a.JPG")),
            Treatment::Reencode(ImageFormat::Jpeg)
        );
        assert_eq!(treatment(Path::new("series/1.dcm")), Treatment::Withhold);
        assert_eq!(treatment(Path::new("handout.pdf")), Treatment::Copy);
    }
}
