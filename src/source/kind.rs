//! What a file is: by its extension when that names an image or DICOM, else by its first bytes.

use std::io::Read;
use std::path::Path;

use crate::diagnostic::Diagnostic;

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
    /// DICOM (by extension, or by its first elements: see [`is_dicom`]): never published; its
    /// pixels may be.
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

/// How much of the start of a file (or of a stream or member inside it) is read to judge it.
const HEAD: usize = 4096;
/// What [`is_dicom`] expects at most: a head of this length may be the start of a longer file.
pub const DICOM_HEAD: usize = HEAD;
/// Archive members examined before radcase stops looking: the first DICOM is enough to refuse.
const MAX_MEMBERS: usize = 10_000;
/// Compressed bytes of a tar stream read while looking at its members (tar has no index).
const MAX_TAR_BYTES: u64 = 1 << 30;

/// Judge a file by its first bytes: an image under any name is still an image with metadata,
/// and a DICOM file without an extension (or without a preamble) is still DICOM. A compressed
/// or archived DICOM file is an error: it would be published as it is, header and all.
pub fn sniff(path: &Path) -> Result<FileKind, Diagnostic> {
    let head = std::fs::File::open(path).map(read_head).unwrap_or_default();
    if let Some(packed) = packed_dicom(path, &head) {
        return Err(Diagnostic::in_file(path, format!("{packed}: it would be published as it is, header and all"))
            .with_hint("unpack it and put the DICOM files in the case folder, where radcase publishes only their pixels (never the files), or remove it"));
    }
    Ok(sniff_bytes(&head))
}

/// Up to [`HEAD`] bytes from the start of `r`; a read error ends it like the end of the file.
fn read_head(r: impl Read) -> Vec<u8> {
    let mut head = Vec::with_capacity(HEAD);
    // `read` may return less than asked before the end, and a corrupt stream fails mid-way:
    // what was read until then is still judged.
    let mut r = r.take(HEAD as u64);
    let mut buf = [0u8; 512];
    loop {
        match r.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(k) => head.extend_from_slice(&buf[..k]),
        }
    }
    head
}

pub(crate) fn sniff_bytes(head: &[u8]) -> FileKind {
    if is_dicom(head) {
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

/// Whether `head`, the first [`HEAD`] bytes of a file (all of it if shorter), is DICOM: Part 10
/// with or without its 128-byte preamble, or a bare data set as older PACS exports write them
/// (elements from the first byte, implicit or explicit VR little endian).
pub fn is_dicom(head: &[u8]) -> bool {
    (head.len() >= 132 && &head[128..132] == b"DICM")
        || (head.starts_with(b"DICM") && bare_data_set(&head[4..], true))
        || bare_data_set(head, true)
        || bare_data_set(head, false)
}

/// Whether `head` starts with elements of a data set, each one plausible: group 0002 or 0008
/// first, tags ascending, tags the standard dictionary knows with the VR it gives (a valid VR
/// when `explicit`), even lengths that fit in the file, and text values of the right alphabet.
/// Three such elements in a row do not happen by chance in a text, font or image file.
fn bare_data_set(head: &[u8], explicit: bool) -> bool {
    use dicom_core::dictionary::{DataDictionary, DataDictionaryEntry, VirtualVr};
    use dicom_core::{Tag, VR};
    let u16_at = |i: usize| head.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let u32_at = |i: usize| {
        head.get(i..i + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    // A head shorter than HEAD is the whole file: a value past its end is not a file's.
    let whole = head.len() < HEAD;
    let mut at = 0;
    let mut last: Option<Tag> = None;
    let mut seen = 0;
    while seen < 3 {
        let (Some(group), Some(element)) = (u16_at(at), u16_at(at + 2)) else {
            break;
        };
        let tag = Tag(group, element);
        let first_group = matches!(group, 0x0002 | 0x0008);
        if (last.is_none() && !first_group) || group % 2 == 1 || last.is_some_and(|l| tag <= l) {
            return false;
        }
        let known = dicom_dictionary_std::StandardDataDictionary
            .by_tag(tag)
            .map(|e| e.vr());
        let (vr, len, header) = if explicit {
            let Some(vr) = head
                .get(at + 4..at + 6)
                .and_then(|b| VR::from_binary([b[0], b[1]]))
            else {
                return false;
            };
            use VR::*;
            if matches!(
                vr,
                OB | OD | OF | OL | OV | OW | SQ | SV | UC | UN | UR | UT | UV
            ) {
                match (u16_at(at + 6), u32_at(at + 8)) {
                    (Some(0), Some(len)) => (vr, len, 12),
                    (Some(0), None) | (None, _) => break,
                    (Some(_), _) => return false,
                }
            } else {
                match u16_at(at + 6) {
                    Some(len) => (vr, u32::from(len), 8),
                    None => break,
                }
            }
        } else {
            let Some(len) = u32_at(at + 4) else { break };
            let vr = match known {
                Some(VirtualVr::Exact(vr)) => vr,
                _ if element == 0 => VR::UL,
                _ => VR::UN,
            };
            (vr, len, 8)
        };
        // Group lengths (gggg,0000) are UL, 4 bytes; any other tag must be a standard one.
        if element == 0 {
            if vr != VR::UL || len != 4 {
                return false;
            }
        } else {
            match known {
                None => return false,
                Some(VirtualVr::Exact(want)) if explicit && vr != want && vr != VR::UN => {
                    return false;
                }
                _ => {}
            }
        }
        seen += 1;
        if len == u32::MAX {
            // Undefined length: a sequence or encapsulated pixels, whose items are not judged.
            if !matches!(vr, VR::SQ | VR::UN | VR::OB) {
                return false;
            }
            break;
        }
        if len % 2 == 1 {
            return false;
        }
        let start = at + header;
        let end = start + len as usize;
        let Some(value) = head.get(start..end) else {
            if whole {
                return false;
            }
            break; // A value longer than the head: judged by the elements before it.
        };
        if !plausible_value(vr, value) {
            return false;
        }
        last = Some(tag);
        at = end;
    }
    seen >= 3 || (whole && seen >= 2 && at == head.len())
}

/// Whether `value` can be a value of `vr`: text in the alphabet of its VR, binary numbers a
/// whole number of their size.
fn plausible_value(vr: dicom_core::VR, value: &[u8]) -> bool {
    use dicom_core::VR::*;
    let all = |ok: fn(u8) -> bool| value.iter().all(|&b| ok(b));
    match vr {
        UI => all(|b| b.is_ascii_digit() || b == b'.' || b == 0),
        CS => all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b" _\\".contains(&b)),
        DA | TM | DT => all(|b| b.is_ascii_digit() || b" .:-+\\".contains(&b)),
        IS | DS => all(|b| b.is_ascii_digit() || b" .+-eE\\".contains(&b)),
        AS => all(|b| b.is_ascii_digit() || b"DWMY".contains(&b)),
        AE | SH | LO | PN | UC => all(|b| b >= 0x20 || b == 0x1b),
        LT | ST | UT => all(|b| b >= 0x20 || b"\x1b\t\r\n\x0c".contains(&b)),
        US | SS => value.len().is_multiple_of(2),
        UL | SL | FL | AT => value.len().is_multiple_of(4),
        FD | SV | UV => value.len().is_multiple_of(8),
        _ => true,
    }
}

/// What a compressed file or an archive holding DICOM is, in words ("a gzip-compressed DICOM
/// file", "a zip archive with the DICOM file `a/IM1`"), or None if it holds none (as far as
/// radcase looks: the first [`MAX_MEMBERS`] members, the first bytes of each).
fn packed_dicom(path: &Path, head: &[u8]) -> Option<String> {
    if head.starts_with(b"PK\x03\x04") {
        return zip_member(path).map(|m| format!("a zip archive with the DICOM file `{m}`"));
    }
    let (name, stream) = decompressed(path, head)?;
    let inner = read_head(stream);
    if is_dicom(&inner) {
        return Some(format!("a {name}-compressed DICOM file"));
    }
    if is_tar(&inner) {
        let (_, stream) = decompressed(path, head)?;
        let archive = if name.is_empty() {
            "a tar archive".to_string()
        } else {
            format!("a {name}-compressed tar archive")
        };
        return tar_member(stream).map(|m| format!("{archive} with the DICOM file `{m}`"));
    }
    None
}

/// The decompressed stream of a gzip, bzip2, xz or zstd file, by its magic bytes.
fn decompressed(path: &Path, head: &[u8]) -> Option<(&'static str, Box<dyn Read>)> {
    let file = || std::fs::File::open(path).ok().map(std::io::BufReader::new);
    // A dictionary size an xz file asks for is allocated before any byte is decoded.
    const XZ_MEMORY_KIB: u32 = 256 * 1024;
    Some(if head.starts_with(b"\x1f\x8b") {
        ("gzip", Box::new(flate2::read::MultiGzDecoder::new(file()?)))
    } else if head.starts_with(b"BZh") {
        ("bzip2", Box::new(bzip2::read::MultiBzDecoder::new(file()?)))
    } else if head.starts_with(b"\xfd7zXZ\0") {
        (
            "xz",
            Box::new(lzma_rust2::XzReader::new_mem_limit(
                file()?,
                true,
                XZ_MEMORY_KIB,
            )),
        )
    } else if head.starts_with(b"\x28\xb5\x2f\xfd") {
        let decoder = ruzstd::decoding::StreamingDecoder::new(file()?).ok()?;
        ("zstd", Box::new(decoder))
    } else if is_tar(head) {
        ("", Box::new(file()?))
    } else {
        return None;
    })
}

/// The POSIX and GNU tar magic, in the first header block.
fn is_tar(head: &[u8]) -> bool {
    head.get(257..262) == Some(b"ustar")
}

/// The first member of the tar stream `r` that is DICOM, by name or by content.
fn tar_member(r: impl Read) -> Option<String> {
    let mut archive = tar::Archive::new(r.take(MAX_TAR_BYTES));
    let entries = archive.entries().ok()?;
    for entry in entries.take(MAX_MEMBERS) {
        let Ok(mut entry) = entry else { break };
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = entry
            .path()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        if member_is_dicom(&name, &read_head(&mut entry)) {
            return Some(name);
        }
    }
    None
}

/// The first member of the zip file at `path` that is DICOM, by name or by content.
fn zip_member(path: &Path) -> Option<String> {
    let file = std::fs::File::open(path).ok()?;
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file)).ok()?;
    for i in 0..archive.len().min(MAX_MEMBERS) {
        // An encrypted member or one in a method radcase cannot read is judged by its name.
        let read = match archive.by_index(i) {
            Ok(mut m) if m.is_file() => {
                let name = m.name().map(|n| n.into_owned()).unwrap_or_default();
                Some((name, read_head(&mut m)))
            }
            Ok(_) => continue,
            Err(_) => None,
        };
        let (name, head) = match read {
            Some(r) => r,
            None => match archive.name_for_index(i) {
                Some(Ok(name)) => (name.into_owned(), Vec::new()),
                _ => continue,
            },
        };
        if member_is_dicom(&name, &head) {
            return Some(name);
        }
    }
    None
}

fn member_is_dicom(name: &str, head: &[u8]) -> bool {
    classify_name(name, false) == Some(FileKind::Dicom) || is_dicom(head)
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
        assert_eq!(sniff_bytes(&bare(true)), FileKind::Dicom);
        assert_eq!(sniff_bytes(&bare(false)), FileKind::Dicom);
        assert_eq!(sniff_bytes(b"%PDF-1.7"), FileKind::Other);
        assert_eq!(sniff_bytes(b""), FileKind::Other);
        assert_eq!(
            sniff_bytes(b"BM\0\0\0\0\0\0\0\0"),
            FileKind::UnsupportedImage("bmp")
        );
    }

    /// One element, little endian, explicit or implicit VR.
    fn element(group: u16, elem: u16, vr: &[u8; 2], value: &[u8], explicit: bool) -> Vec<u8> {
        let mut out = [group.to_le_bytes(), elem.to_le_bytes()].concat();
        let long = [b"OB", b"OW", b"SQ", b"UN", b"UT"].contains(&vr);
        if explicit {
            out.extend_from_slice(vr);
            if long {
                out.extend_from_slice(&[0, 0]);
                out.extend_from_slice(&(value.len() as u32).to_le_bytes());
            } else {
                out.extend_from_slice(&(value.len() as u16).to_le_bytes());
            }
        } else {
            out.extend_from_slice(&(value.len() as u32).to_le_bytes());
        }
        out.extend_from_slice(value);
        out
    }

    /// The start of a data set as an old PACS exports it: no preamble, no meta group.
    fn bare(explicit: bool) -> Vec<u8> {
        [
            element(0x0008, 0x0005, b"CS", b"ISO_IR 100", explicit),
            element(
                0x0008,
                0x0016,
                b"UI",
                b"1.2.840.10008.5.1.4.1.1.2\0",
                explicit,
            ),
            element(
                0x0008,
                0x0018,
                b"UI",
                b"1.2.840.113619.2.55.3.1234",
                explicit,
            ),
            element(0x0008, 0x0060, b"CS", b"CT", explicit),
            element(0x0010, 0x0010, b"PN", b"DOE^JANE", explicit),
            element(0x7fe0, 0x0010, b"OW", &[0; 8000], explicit),
        ]
        .concat()
    }

    #[test]
    fn a_bare_data_set_is_dicom_in_both_encodings_and_from_either_group() {
        for explicit in [true, false] {
            let full = bare(explicit);
            assert!(is_dicom(&full[..HEAD]), "explicit {explicit}");
            // As short as a file can be: two elements and nothing after them.
            let two = [
                element(0x0008, 0x0016, b"UI", b"1.2.3\0", explicit),
                element(0x0008, 0x0018, b"UI", b"1.2.4\0", explicit),
            ]
            .concat();
            assert!(is_dicom(&two), "explicit {explicit}");
            let meta = [
                element(0x0002, 0x0000, b"UL", &60u32.to_le_bytes(), explicit),
                element(0x0002, 0x0001, b"OB", &[0, 1], explicit),
                element(
                    0x0002,
                    0x0002,
                    b"UI",
                    b"1.2.840.10008.5.1.4.1.1.7\0",
                    explicit,
                ),
                element(0x0002, 0x0010, b"UI", b"1.2.840.10008.1.2\0", explicit),
            ]
            .concat();
            assert!(is_dicom(&meta), "explicit {explicit}");
            // Part 10 with the magic but without the preamble (its meta group is explicit).
            assert_eq!(is_dicom(&[b"DICM".as_slice(), &meta].concat()), explicit);
        }
    }

    #[test]
    fn near_misses_are_not_dicom() {
        for explicit in [true, false] {
            let ok = |parts: &[Vec<u8>]| is_dicom(&parts.concat());
            let a = element(0x0008, 0x0016, b"UI", b"1.2.3\0", explicit);
            let b = element(0x0008, 0x0018, b"UI", b"1.2.4\0", explicit);
            let c = element(0x0008, 0x0060, b"CS", b"CT", explicit);
            assert!(ok(&[a.clone(), b.clone(), c.clone()]));
            assert!(!ok(&[b.clone(), a.clone(), c.clone()]), "tags descending");
            assert!(!ok(std::slice::from_ref(&a)), "one element is not enough");
            let odd = element(0x0008, 0x0018, b"UI", b"1.2.456", explicit);
            assert!(!ok(&[a.clone(), odd, c.clone()]), "odd length");
            let text = element(0x0008, 0x0018, b"UI", b"hello!", explicit);
            assert!(!ok(&[a.clone(), text, c.clone()]), "not a UID");
            let unknown = element(0x0008, 0x7777, b"CS", b"CT", explicit);
            assert!(!ok(&[a.clone(), b.clone(), unknown]), "not a standard tag");
            let group = element(0x0020, 0x000d, b"UI", b"1.2\0", explicit);
            assert!(!ok(&[group, a.clone(), b.clone()]), "first group 0020");
            // A value longer than the whole file.
            let mut cut = [a.clone(), b.clone(), c.clone()].concat();
            cut.truncate(cut.len() - 1);
            assert!(!is_dicom(&cut));
        }
        let wrong_vr = [
            element(0x0008, 0x0016, b"UI", b"1.2.3\0", true),
            element(0x0008, 0x0018, b"CS", b"AB", true),
            element(0x0008, 0x0060, b"CS", b"CT", true),
        ]
        .concat();
        assert!(!is_dicom(&wrong_vr));
    }

    #[test]
    fn ordinary_files_are_not_dicom() {
        let mut png = Vec::new();
        image::RgbImage::new(40, 40)
            .write_to(&mut std::io::Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        let mut jpeg = Vec::new();
        image::RgbImage::new(40, 40)
            .write_to(&mut std::io::Cursor::new(&mut jpeg), ImageFormat::Jpeg)
            .unwrap();
        let csv = "id,age,finding\n1,54,nodule\n2,61,\"ground-glass, right\"\n".repeat(50);
        let files: Vec<(&str, Vec<u8>)> = vec![
            ("text", b"Findings: a 2 cm mass.\n".repeat(300)),
            ("csv", csv.into_bytes()),
            (
                "utf-16 text",
                "\u{feff}notes"
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes)
                    .collect(),
            ),
            ("png", png),
            ("jpeg", jpeg),
            (
                "pdf",
                b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n".to_vec(),
            ),
            (
                "ttf",
                [&[0u8, 1, 0, 0, 0, 0x10, 0, 0x80, 0, 3][..], &[0x08; 400]].concat(),
            ),
            ("otf", b"OTTO\x00\x0b\x00\x80\x00\x03\x00\x30CFF ".to_vec()),
            ("woff2", b"wOF2\x00\x01\x00\x00".to_vec()),
            ("zeros", vec![0; 8192]),
            ("group 8 zeros", [&[8u8, 0][..], &[0; 4000]].concat()),
            ("empty", Vec::new()),
            ("json", br#"{"a": [1, 2, 3], "b": "\u0008"}"#.to_vec()),
            ("wasm", b"\0asm\x01\0\0\0".to_vec()),
        ];
        for (what, bytes) in &files {
            assert!(!is_dicom(&bytes[..bytes.len().min(HEAD)]), "{what}");
        }
        // Random bytes, including ones that start like group 0008.
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        for i in 0..20_000 {
            let mut bytes: Vec<u8> = (0..64)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
                .collect();
            if i % 2 == 0 {
                bytes[..2].copy_from_slice(&[8, 0]);
            }
            assert!(!is_dicom(&bytes), "{bytes:?}");
        }
    }
}
