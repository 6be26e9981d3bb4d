//! Publishing co-located and static files that are not gallery images: raster images are
//! re-encoded in their own format (metadata dropped), DICOM is withheld, images radcase cannot
//! re-encode are refused, anything else is copied. What reaches "anything else" is decided
//! before: the guard refuses every file `source::format` does not call text or a font unless
//! `[privacy] publish` allows it, and no plan is made while it refuses one.

use std::io::BufWriter;
use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{DynamicImage, ImageFormat};

use super::raster;
use crate::diagnostic::{Diagnostic, io_error};
use crate::source::FileKind;

const JPEG_QUALITY: u8 = 85;

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

/// Publish the file at `src`, of `kind`, at `dest`.
pub fn publish(src: &Path, kind: FileKind, dest: &Path) -> Result<(), Diagnostic> {
    match kind {
        FileKind::Image { format, .. } => {
            let decoded = raster::decode(src)?;
            encode(&decoded, format, dest)
        }
        FileKind::Dicom | FileKind::Markdown => Ok(()),
        FileKind::UnsupportedImage(format) => Err(Diagnostic::in_file(
            src,
            format!("{format} images cannot be published without their metadata"),
        )
        .with_hint("convert it to PNG or JPEG, then remove the original")),
        FileKind::Other => std::fs::copy(src, dest)
            .map(|_| ())
            .map_err(|e| io_error(src, "copy the file", &e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_published_its_own_way() {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("scan.dat");
        let mut png = Vec::new();
        image::GrayImage::from_pixel(4, 4, image::Luma([90]))
            .write_to(&mut std::io::Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        std::fs::write(&src, &png).unwrap();
        let dest = tmp.path().join("out.dat");
        let kind = FileKind::Image {
            format: ImageFormat::Png,
            named: false,
        };
        publish(&src, kind, &dest).unwrap();
        let out = std::fs::read(&dest).unwrap();
        assert!(out.starts_with(b"\x89PNG"));
        let dicom = tmp.path().join("series.dcm");
        std::fs::write(&dicom, b"DICM").unwrap();
        publish(&dicom, FileKind::Dicom, &tmp.path().join("copied.dcm")).unwrap();
        assert!(
            !tmp.path().join("copied.dcm").exists(),
            "DICOM is never copied"
        );
        let heic = publish(&src, FileKind::UnsupportedImage("HEIC"), &dest).unwrap_err();
        assert!(heic.message.contains("HEIC"));
    }
}
