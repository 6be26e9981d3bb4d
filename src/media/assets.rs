//! Publishing co-located files that are not gallery images: raster images are re-encoded in
//! their own format (metadata dropped), DICOM is withheld, anything else is copied.

use std::io::BufWriter;
use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{DynamicImage, ImageFormat};

use super::raster;
use crate::diagnostic::{Diagnostic, io_error};

const JPEG_QUALITY: u8 = 85;

/// How a co-located file gets into the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Treatment {
    /// Decode and re-encode in the same format (metadata stripped).
    Reencode(ImageFormat),
    /// Never published (DICOM).
    Withhold,
    /// Copied byte for byte.
    Copy,
    /// An image in a format radcase cannot re-encode: publishing it would leak its metadata.
    Refuse(&'static str),
}

/// Decide what to do with `path` from its name (and, for DICOM without an extension, its preamble).
pub fn treatment(path: &Path) -> Treatment {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("jpg" | "jpeg" | "jfif" | "jpe") => Treatment::Reencode(ImageFormat::Jpeg),
        Some("png") => Treatment::Reencode(ImageFormat::Png),
        Some("webp") => Treatment::Reencode(ImageFormat::WebP),
        Some("gif") => Treatment::Reencode(ImageFormat::Gif),
        Some("tif" | "tiff") => Treatment::Reencode(ImageFormat::Tiff),
        Some("dcm" | "dicom") => Treatment::Withhold,
        _ => sniff(path),
    }
}

/// Judge a file by its first bytes: an image under any name is still an image with metadata.
fn sniff(path: &Path) -> Treatment {
    use std::io::Read;
    let mut buf = [0u8; 132];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut buf))
        .unwrap_or(0);
    let head = &buf[..n];
    if n == 132 && &head[128..] == b"DICM" {
        return Treatment::Withhold;
    }
    match image::guess_format(head) {
        Ok(
            f @ (ImageFormat::Jpeg
            | ImageFormat::Png
            | ImageFormat::WebP
            | ImageFormat::Gif
            | ImageFormat::Tiff),
        ) => Treatment::Reencode(f),
        Ok(other) => Treatment::Refuse(other.extensions_str().first().copied().unwrap_or("image")),
        Err(_) => Treatment::Copy,
    }
}

/// Write `img` to `dest` in `format`, with nothing but pixels.
fn encode(img: &DynamicImage, format: ImageFormat, dest: &Path) -> Result<(), Diagnostic> {
    let file = std::fs::File::create(dest).map_err(|e| io_error(dest, "create the file", &e))?;
    let mut out = BufWriter::new(file);
    let result = match format {
        ImageFormat::Jpeg => {
            JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY).encode_image(&img.to_rgb8())
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
        Treatment::Reencode(format) => encode(&raster::decode(src)?, format, dest),
        Treatment::Withhold => Ok(()),
        Treatment::Refuse(format) => Err(Diagnostic::in_file(
            src,
            format!("{format} images cannot be published without their metadata"),
        )
        .with_hint("convert it to PNG or JPEG, then remove the original")),
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
        let tmp = tempfile::tempdir().unwrap();
        let disguised = tmp.path().join("scan.apng");
        let mut png = Vec::new();
        image::GrayImage::new(2, 2)
            .write_to(&mut std::io::Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        std::fs::write(&disguised, &png).unwrap();
        assert_eq!(treatment(&disguised), Treatment::Reencode(ImageFormat::Png));
        let mut dicom = vec![0u8; 128];
        dicom.extend_from_slice(b"DICM");
        let series = tmp.path().join("IM0001");
        std::fs::write(&series, &dicom).unwrap();
        assert_eq!(treatment(&series), Treatment::Withhold);
    }
}
