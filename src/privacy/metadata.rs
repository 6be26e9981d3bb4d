//! What metadata a source image carries, for `radcase check` to list as "will be stripped".
//!
//! Informational only: no original image is ever published (the media stage re-encodes from
//! pixels), so nothing here can fail a build. A small walker of JPEG segments, PNG chunks and
//! WebP chunks is all it takes to name what is there; decoding EXIF values is not needed (only
//! whether it holds a GPS position), so no EXIF crate is pulled in. Images are judged by their
//! first bytes, like the media stage judges them, never by their names.

use std::path::{Path, PathBuf};

/// The metadata blocks found in one source image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageMetadata {
    pub path: PathBuf,
    /// E.g. "EXIF with a GPS position", "XMP", "JPEG comment", "PNG text \"Comment\"".
    pub items: Vec<String>,
}

/// The metadata of the image (or, when `dicom`, the DICOM file) at `path`, or None if it is
/// not a JPEG, PNG, WebP or DICOM file, cannot be read, or carries none.
pub fn read(path: &Path, dicom: bool) -> Option<ImageMetadata> {
    let items = if dicom {
        dicom_items(path)
    } else {
        of_bytes(&std::fs::read(path).ok()?)
    };
    (!items.is_empty()).then(|| ImageMetadata {
        path: path.to_path_buf(),
        items,
    })
}

/// What a DICOM file's header holds: never published (DICOM files are withheld), listed so the
/// author knows, with any sign that the pixels themselves identify.
fn dicom_items(path: &Path) -> Vec<String> {
    let Some(audit) = super::dicom::audit_file(path) else {
        return vec!["DICOM (header unreadable)".to_string()];
    };
    let mut items = Vec::new();
    if !audit.identifying.is_empty() {
        items.push(format!(
            "DICOM header with {}",
            audit.identifying.join(", ")
        ));
    }
    items.extend(
        audit
            .pixel_risks
            .into_iter()
            .map(|r| format!("check the pixels: {r}")),
    );
    items
}

/// The metadata blocks in an image file's bytes (empty for other files).
pub fn of_bytes(bytes: &[u8]) -> Vec<String> {
    let mut items = if bytes.starts_with(&[0xff, 0xd8]) {
        jpeg(bytes)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        png(bytes)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        webp(bytes)
    } else {
        Vec::new()
    };
    items.dedup();
    items
}

fn exif_item(tiff: &[u8]) -> String {
    if exif_has_gps(tiff) {
        "EXIF with a GPS position".to_string()
    } else {
        "EXIF".to_string()
    }
}

fn jpeg(b: &[u8]) -> Vec<String> {
    let mut items = Vec::new();
    let mut i = 2;
    while i + 4 <= b.len() {
        if b[i] != 0xff {
            break;
        }
        let marker = b[i + 1];
        match marker {
            0xff => {
                i += 1;
                continue;
            }
            // Standalone markers have no length.
            0x01 | 0xd0..=0xd7 => {
                i += 2;
                continue;
            }
            // Start of scan or end of image: metadata segments all come before.
            0xda | 0xd9 => break,
            _ => {}
        }
        let len = usize::from(u16::from_be_bytes([b[i + 2], b[i + 3]]));
        let end = (i + 2 + len).min(b.len());
        let payload = b.get(i + 4..end).unwrap_or_default();
        match marker {
            0xe1 if payload.starts_with(b"Exif\0\0") => items.push(exif_item(&payload[6..])),
            0xe1 if payload.starts_with(b"http://ns.adobe.com/") => items.push("XMP".into()),
            0xed if payload.starts_with(b"Photoshop 3.0") => items.push("IPTC".into()),
            0xfe => items.push("JPEG comment".into()),
            _ => {}
        }
        if len < 2 {
            break;
        }
        i += 2 + len;
    }
    items
}

fn png(b: &[u8]) -> Vec<String> {
    let mut items = Vec::new();
    let mut i = 8;
    while i + 8 <= b.len() {
        let len = u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as usize;
        let kind = &b[i + 4..i + 8];
        let data = b
            .get(i + 8..(i + 8).saturating_add(len).min(b.len()))
            .unwrap_or_default();
        match kind {
            b"tEXt" | b"zTXt" | b"iTXt" => {
                let keyword = data.split(|&c| c == 0).next().unwrap_or_default();
                let keyword = String::from_utf8_lossy(keyword);
                if keyword == "XML:com.adobe.xmp" {
                    items.push("XMP".into());
                } else {
                    let chunk = String::from_utf8_lossy(kind);
                    items.push(format!("PNG text ({chunk} \"{keyword}\")"));
                }
            }
            b"eXIf" => items.push(exif_item(data)),
            b"IEND" => break,
            _ => {}
        }
        i = i.saturating_add(12).saturating_add(len);
    }
    items
}

fn webp(b: &[u8]) -> Vec<String> {
    let mut items = Vec::new();
    let mut i = 12;
    while i + 8 <= b.len() {
        let len = u32::from_le_bytes([b[i + 4], b[i + 5], b[i + 6], b[i + 7]]) as usize;
        let data = b
            .get(i + 8..(i + 8).saturating_add(len).min(b.len()))
            .unwrap_or_default();
        match &b[i..i + 4] {
            b"EXIF" => items.push(exif_item(data.strip_prefix(b"Exif\0\0").unwrap_or(data))),
            b"XMP " => items.push("XMP".into()),
            _ => {}
        }
        i = i.saturating_add(8).saturating_add(len + (len & 1));
    }
    items
}

/// Whether a TIFF-structured EXIF block's first IFD points to a GPS IFD (tag 0x8825).
fn exif_has_gps(t: &[u8]) -> bool {
    let big = match t.get(..2) {
        Some(b"MM") => true,
        Some(b"II") => false,
        _ => return false,
    };
    let u16_at = |o: usize| {
        t.get(o..o + 2).map(|s| {
            let a = [s[0], s[1]];
            if big {
                u16::from_be_bytes(a)
            } else {
                u16::from_le_bytes(a)
            }
        })
    };
    let u32_at = |o: usize| {
        t.get(o..o + 4).map(|s| {
            let a = [s[0], s[1], s[2], s[3]];
            if big {
                u32::from_be_bytes(a)
            } else {
                u32::from_le_bytes(a)
            }
        })
    };
    let Some(ifd) = u32_at(4).map(|o| o as usize) else {
        return false;
    };
    let count = u16_at(ifd).unwrap_or(0) as usize;
    (0..count).any(|k| u16_at(ifd + 2 + 12 * k) == Some(0x8825))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_text_chunks_are_named() {
        let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
        let chunk = |kind: &[u8], data: &[u8]| {
            let mut c = (data.len() as u32).to_be_bytes().to_vec();
            c.extend_from_slice(kind);
            c.extend_from_slice(data);
            c.extend_from_slice(&[0; 4]);
            c
        };
        b.extend(chunk(b"tEXt", b"Comment\0patient"));
        b.extend(chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0<x/>"));
        b.extend(chunk(b"IEND", b""));
        assert_eq!(of_bytes(&b), ["PNG text (tEXt \"Comment\")", "XMP"]);
    }

    #[test]
    fn truncated_or_foreign_files_yield_nothing_and_never_panic() {
        assert!(of_bytes(b"").is_empty());
        assert!(of_bytes(&[0xff, 0xd8, 0xff, 0xe1, 0xff]).is_empty());
        assert!(of_bytes(b"\x89PNG\r\n\x1a\n\xff\xff\xff\xfftEXt").len() <= 1);
        assert!(of_bytes(b"RIFF\0\0\0\0WEBPEXIF\xff\xff\xff\xff").len() <= 1);
        assert!(!exif_has_gps(b"MM\0*\xff\xff\xff\xff"));
    }
}
