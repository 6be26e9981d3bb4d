//! What a file is: by its extension when that names an image or DICOM, else by its first bytes.

use std::io::Read;
use std::path::Path;

pub use image::ImageFormat;

/// What a source file is, which decides how it can be published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A Markdown page or section (`.md` under `content/`).
    Markdown,
    /// An image radcase decodes and re-encodes (JPEG, PNG, WebP, GIF, TIFF). `named` is true
    /// when its extension says so; a PNG called `scan.dat` is still an image (`named` false).
    Image { format: ImageFormat, named: bool },
    /// An image format radcase cannot re-encode (HEIC, AVIF, BMP…): publishing it would publish
    /// its metadata, so it is refused.
    UnsupportedImage(&'static str),
    /// DICOM (by extension, or the `DICM` preamble): never published; its pixels may be.
    Dicom,
    /// Anything else: published byte for byte.
    Other,
}

impl FileKind {
    pub fn is_image(self) -> bool {
        matches!(self, FileKind::Image { .. })
    }
}

/// The kind a file name gives, when it gives one. `markdown` says whether `.md` means a page
/// (under `content/`) or just a text file.
pub fn classify_name(name: &str, markdown: bool) -> Option<FileKind> {
    let written = name.rsplit_once('.').map(|(_, e)| e)?;
    // Pages are `.md` exactly, as they always were: a `NOTES.MD` is a file to publish.
    if markdown && written == "md" {
        return Some(FileKind::Markdown);
    }
    let ext = written.to_ascii_lowercase();
    let image = |format| FileKind::Image {
        format,
        named: true,
    };
    Some(match ext.as_str() {
        "jpg" | "jpeg" => image(ImageFormat::Jpeg),
        // Re-encoded, but not names a case shows (and must describe): they are rare exports.
        "jfif" | "jpe" => FileKind::Image {
            format: ImageFormat::Jpeg,
            named: false,
        },
        "png" => image(ImageFormat::Png),
        "webp" => image(ImageFormat::WebP),
        "gif" => image(ImageFormat::Gif),
        "tif" | "tiff" => image(ImageFormat::Tiff),
        "dcm" | "dicom" => FileKind::Dicom,
        "heic" | "heif" => FileKind::UnsupportedImage("HEIC"),
        "avif" => FileKind::UnsupportedImage("AVIF"),
        "bmp" => FileKind::UnsupportedImage("BMP"),
        "jxl" => FileKind::UnsupportedImage("JPEG XL"),
        "jp2" | "j2k" => FileKind::UnsupportedImage("JPEG 2000"),
        "psd" => FileKind::UnsupportedImage("Photoshop"),
        _ => return None,
    })
}

/// Judge a file by its first bytes: an image under any name is still an image with metadata,
/// and a DICOM file without an extension is still DICOM.
pub fn sniff(path: &Path) -> FileKind {
    let mut buf = [0u8; 132];
    let mut n = 0;
    if let Ok(mut f) = std::fs::File::open(path) {
        // `read` may return less than asked before the end of the file.
        while n < buf.len() {
            match f.read(&mut buf[n..]) {
                Ok(0) | Err(_) => break,
                Ok(k) => n += k,
            }
        }
    }
    sniff_bytes(&buf[..n])
}

pub(crate) fn sniff_bytes(head: &[u8]) -> FileKind {
    if head.len() >= 132 && &head[128..132] == b"DICM" {
        return FileKind::Dicom;
    }
    match image::guess_format(head) {
        Ok(
            format @ (ImageFormat::Jpeg
            | ImageFormat::Png
            | ImageFormat::WebP
            | ImageFormat::Gif
            | ImageFormat::Tiff),
        ) => FileKind::Image {
            format,
            named: false,
        },
        Ok(other) => {
            FileKind::UnsupportedImage(other.extensions_str().first().copied().unwrap_or("image"))
        }
        Err(_) => FileKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_say_what_a_file_is() {
        assert_eq!(
            classify_name("a.JPG", true),
            Some(FileKind::Image {
                format: ImageFormat::Jpeg,
                named: true
            })
        );
        assert_eq!(classify_name("series/1.dcm", true), Some(FileKind::Dicom));
        assert_eq!(
            classify_name("a.heic", false),
            Some(FileKind::UnsupportedImage("HEIC"))
        );
        assert_eq!(classify_name("index.md", true), Some(FileKind::Markdown));
        assert_eq!(
            classify_name("NOTES.MD", true),
            None,
            "pages are .md exactly"
        );
        assert_eq!(classify_name("notes.md", false), None);
        assert_eq!(classify_name("handout.pdf", true), None);
        assert_eq!(classify_name("IM0001", true), None);
    }

    #[test]
    fn content_decides_when_the_name_does_not() {
        let mut png = Vec::new();
        image::GrayImage::new(2, 2)
            .write_to(&mut std::io::Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        assert_eq!(
            sniff_bytes(&png),
            FileKind::Image {
                format: ImageFormat::Png,
                named: false
            }
        );
        let mut dicom = vec![0u8; 128];
        dicom.extend_from_slice(b"DICM");
        assert_eq!(sniff_bytes(&dicom), FileKind::Dicom);
        assert_eq!(sniff_bytes(b"%PDF-1.7"), FileKind::Other);
        assert_eq!(sniff_bytes(b""), FileKind::Other);
        assert_eq!(
            sniff_bytes(b"BM\0\0\0\0\0\0\0\0"),
            FileKind::UnsupportedImage("bmp")
        );
    }
}
