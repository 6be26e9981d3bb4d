//! What radcase can do with a file that is not Markdown, an image or DICOM: the one allow-list
//! the guard and the copier read. A file is published as it is only when radcase can read all
//! of it (text, which the guard scans) or it cannot carry a person's details (fonts); documents
//! it can read only in part (PDF, office files) and everything else need the site's leave.

use std::io::Read;
use std::path::Path;

use super::{FileKind, Source};

/// How the guard reads a text file, so that a label and its value are seen together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    Plain,
    /// HTML, and the site's templates.
    Html,
    /// XML and SVG.
    Xml,
    Json,
    /// Comma- or tab-separated values.
    Table(u8),
}

/// What a file other than Markdown, an image or DICOM is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Text: decoded and scanned whole, then published as it is.
    Text(Markup),
    /// A web font: published as it is.
    Font,
    /// A PDF: its Info dictionary and XMP are scanned, its page text mostly cannot be.
    Pdf,
    /// An office file (a zip of XML): its properties and text are scanned, nothing stripped.
    Office,
    /// A file radcase cannot read, and what it is.
    Opaque(&'static str),
}

impl Format {
    /// Whether the file may be published without the site's leave.
    pub fn publishable(self) -> bool {
        matches!(self, Format::Text(_) | Format::Font)
    }
}

/// Bytes read to judge a file whose name says nothing.
const HEAD: usize = 8192;

/// The format of `source`, for the files the copier publishes as they are (None for Markdown,
/// images and DICOM, which have stages of their own). Templates are text whatever their name.
pub fn format(source: &Source) -> Option<Format> {
    if source.kind != FileKind::Other {
        return None;
    }
    if matches!(
        source.root,
        super::Root::Templates | super::Root::ThemeTemplates
    ) {
        return Some(Format::Text(Markup::Html));
    }
    Some(format_of(source.name(), &source.path))
}

/// The format of the file `name` at `path`: by its extension, else by its first bytes.
pub fn format_of(name: &str, path: &Path) -> Format {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".nii.gz") {
        return Format::Opaque("a NIfTI volume");
    }
    let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
    let text = |m| Format::Text(m);
    match ext {
        "txt" | "text" | "css" | "js" | "mjs" | "cjs" | "yml" | "yaml" | "toml" | "vtt" | "srt"
        | "md" | "markdown" | "ics" | "ifb" | "vcf" | "vcard" | "hl7" | "rtf" | "tex" | "bib"
        | "ris" | "ini" | "cfg" | "conf" | "log" | "sql" | "r" | "py" | "sh" => text(Markup::Plain),
        "json" | "map" | "webmanifest" | "geojson" | "jsonld" => text(Markup::Json),
        "xml" | "svg" | "rss" | "atom" | "xsl" | "xslt" | "kml" | "gpx" | "plist" => {
            text(Markup::Xml)
        }
        "html" | "htm" | "xhtml" => text(Markup::Html),
        "csv" => text(Markup::Table(b',')),
        "tsv" | "tab" => text(Markup::Table(b'\t')),
        "woff" | "woff2" | "ttf" | "otf" | "eot" => Format::Font,
        "pdf" => Format::Pdf,
        "docx" | "docm" | "xlsx" | "xlsm" | "pptx" | "pptm" | "odt" | "ods" | "odp" => {
            Format::Office
        }
        "doc" | "xls" | "ppt" => Format::Opaque("an old-style Office file"),
        "mp4" | "m4v" | "mov" | "webm" | "mkv" | "avi" | "ogv" | "mpg" | "mpeg" | "wmv" => {
            Format::Opaque("a video (its tags can name people, places and dates)")
        }
        "mp3" | "wav" | "ogg" | "oga" | "m4a" | "flac" | "aac" | "opus" | "wma" => {
            Format::Opaque("an audio file (its tags can name people, places and dates)")
        }
        "nii" | "nrrd" | "mha" | "mhd" | "mgh" | "mgz" => Format::Opaque("a volume file"),
        "zip" | "gz" | "tgz" | "tar" | "7z" | "rar" | "bz2" | "xz" | "zst" | "z" => {
            Format::Opaque("an archive or compressed file (it can hold DICOM or anything)")
        }
        _ => by_content(path),
    }
}

/// A file whose name says nothing is text if its first bytes decode as text.
fn by_content(path: &Path) -> Format {
    let mut head = Vec::with_capacity(HEAD);
    if let Ok(f) = std::fs::File::open(path) {
        let _ = f.take(HEAD as u64).read_to_end(&mut head);
    }
    if looks_like_text(&head) {
        Format::Text(Markup::Plain)
    } else {
        Format::Opaque("a file of a kind radcase does not know")
    }
}

/// Whether `head` (the start of a file) is text: UTF-16 with a byte order mark or with every
/// other byte zero, or bytes with no NUL and few control characters (UTF-8 or Latin-1).
pub fn looks_like_text(head: &[u8]) -> bool {
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    if utf16_without_bom(head).is_some() {
        return true;
    }
    if head.contains(&0) {
        return false;
    }
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C | 0x1B))
        .count();
    control * 100 <= head.len()
}

/// `Some(true)` for UTF-16 little endian, `Some(false)` for big endian, judged by where the
/// zero bytes of ASCII text fall.
pub fn utf16_without_bom(head: &[u8]) -> Option<bool> {
    let pairs = head.len() / 2;
    if pairs < 2 {
        return None;
    }
    let zero_at = |k: usize| (0..pairs).filter(|i| head[2 * i + k] == 0).count();
    let (even, odd) = (zero_at(0), zero_at(1));
    if odd * 10 >= pairs * 7 && even == 0 {
        Some(true)
    } else if even * 10 >= pairs * 7 && odd == 0 {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_decide_then_content() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("x");
        std::fs::write(&p, b"MRN: 4455667\n").unwrap();
        assert_eq!(format_of("README", &p), Format::Text(Markup::Plain));
        assert_eq!(format_of("a.SVG", &p), Format::Text(Markup::Xml));
        assert_eq!(format_of("h.pdf", &p), Format::Pdf);
        assert_eq!(
            format_of("brain.nii.gz", &p),
            Format::Opaque("a NIfTI volume")
        );
        std::fs::write(&p, [0u8, 1, 2, 3, 0xFF, 0, 9, 8]).unwrap();
        assert!(matches!(format_of("blob.bin", &p), Format::Opaque(_)));
        let utf16: Vec<u8> = "MRN 4455667"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        std::fs::write(&p, &utf16).unwrap();
        assert_eq!(format_of("notes", &p), Format::Text(Markup::Plain));
        assert!(Format::Font.publishable() && !Format::Pdf.publishable());
    }
}
