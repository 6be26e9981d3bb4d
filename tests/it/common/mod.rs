//! Shared helpers for the integration tests: write a site folder, run the real `radcase`
//! binary on it, and look inside the HTML it wrote.
//!
//! Every test gets its own `tempfile::tempdir()`; the site lives in `TMP/site` (never the
//! temporary folder itself) so that even a test of `--output SITE/..` stays inside it.

#![allow(dead_code)]

pub mod server;

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use dicom_core::{DataElement, PrimitiveValue, VR};
use dicom_dictionary_std::tags;
use dicom_object::{FileMetaTableBuilder, InMemDicomObject};
use scraper::{Html, Selector};

/// A generous limit: a build of a tiny site takes milliseconds; this only turns a hang into
/// a failure instead of a stuck test run.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// The smallest valid `config.toml`.
pub const CONFIG: &str = "title = \"Test Teaching Site\"\nbase_url = \"https://example.org/\"\n";

/// A `content/cases/_index.md` that makes its pages cases.
pub const CASES_SECTION: &str = "+++\ntitle = \"Cases\"\npage_kind = \"case\"\n+++\n";

/// A plain page (rendered with `page.html`).
pub const ABOUT: &str = "+++\ntitle = \"About\"\n+++\nAbout this site.\n";

/// The smallest valid case: a title, a date and a body.
pub fn case_md(title: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = 2024-05-02\n+++\nFindings of {title}.\n")
}

/// A minimal valid site: config, a cases section with one case bundle, and a plain page.
/// Built, it has `public/index.html`, `public/cases/a/index.html` and `public/about/index.html`.
pub fn minimal_site_files() -> Vec<(&'static str, String)> {
    vec![
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        ("content/cases/a/index.md", case_md("First case")),
        ("content/about.md", ABOUT.to_string()),
    ]
}

/// Write `files` (relative path, contents) under `root`, creating folders as needed.
pub fn write_files<P: AsRef<str>, S: AsRef<[u8]>>(root: &Path, files: &[(P, S)]) {
    for (rel, contents) in files {
        write_file(root, rel.as_ref(), contents.as_ref());
    }
}

/// Write one file under `root`, creating its folders.
pub fn write_file(root: &Path, rel: &str, contents: impl AsRef<[u8]>) {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, contents).unwrap();
}

/// A temporary folder holding one site in `site/`.
pub struct TestSite {
    pub tmp: tempfile::TempDir,
    pub dir: PathBuf,
}

impl TestSite {
    /// An empty site folder (created, nothing in it).
    pub fn empty() -> TestSite {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("site");
        std::fs::create_dir_all(&dir).unwrap();
        TestSite { tmp, dir }
    }

    /// A site with `files` written in it.
    pub fn with<P: AsRef<str>, S: AsRef<[u8]>>(files: &[(P, S)]) -> TestSite {
        let site = TestSite::empty();
        write_files(&site.dir, files);
        site
    }

    /// The minimal valid site.
    pub fn minimal() -> TestSite {
        TestSite::with(&minimal_site_files())
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        write_file(&self.dir, rel, contents);
    }

    /// `SITE/public/REL`.
    pub fn out(&self, rel: &str) -> PathBuf {
        self.dir.join("public").join(rel)
    }

    /// Read `SITE/public/REL` as text.
    pub fn read_out(&self, rel: &str) -> String {
        let p = self.out(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("reading {}: {e}", p.display()))
    }

    /// Parse `SITE/public/REL` as an HTML document.
    pub fn html(&self, rel: &str) -> Html {
        parse_html(&self.out(rel))
    }

    /// `radcase build SITE` plus `extra` arguments.
    pub fn build_cmd(&self, extra: &[&str]) -> Command {
        let mut cmd = radcase();
        cmd.arg("build").arg(&self.dir).args(extra);
        cmd
    }

    /// Build and require success; returns stderr.
    pub fn build_ok(&self, extra: &[&str]) -> String {
        let out = self.build_cmd(extra).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(
            out.status.success(),
            "radcase build failed ({:?}):\n{stderr}",
            out.status
        );
        stderr
    }

    /// Staging or old-output folders left behind (`.NAME.staging-*`, `.NAME.old-*`) in the
    /// site folder or the temporary folder around it.
    pub fn staging_leftovers(&self) -> Vec<String> {
        [self.dir.as_path(), self.tmp.path()]
            .iter()
            .flat_map(|d| std::fs::read_dir(d).unwrap())
            .filter_map(|e| {
                let name = e.unwrap().file_name().to_string_lossy().to_string();
                (name.starts_with('.') && (name.contains(".staging-") || name.contains(".old-")))
                    .then_some(name)
            })
            .collect()
    }
}

/// The real binary under test.
pub fn radcase() -> Command {
    let mut cmd = Command::cargo_bin("radcase").unwrap();
    cmd.timeout(TIMEOUT);
    cmd.env_remove("RUST_BACKTRACE");
    cmd
}

/// Parse an output HTML file with `scraper`.
pub fn parse_html(path: &Path) -> Html {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    Html::parse_document(&text)
}

pub fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"))
}

/// Text of every element matching `css`, whitespace collapsed.
pub fn texts(doc: &Html, css: &str) -> Vec<String> {
    doc.select(&sel(css))
        .map(|e| {
            e.text()
                .collect::<Vec<_>>()
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// Text of the single element matching `css`.
pub fn text(doc: &Html, css: &str) -> String {
    let all = texts(doc, css);
    assert_eq!(
        all.len(),
        1,
        "expected one `{css}`, found {}: {all:?}",
        all.len()
    );
    all.into_iter().next().unwrap()
}

/// Attribute `attr` of every element matching `css`.
pub fn attrs(doc: &Html, css: &str, attr: &str) -> Vec<String> {
    doc.select(&sel(css))
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

/// Attribute `attr` of the single element matching `css`.
pub fn attr(doc: &Html, css: &str, attr_name: &str) -> String {
    let all = attrs(doc, css, attr_name);
    assert_eq!(
        all.len(),
        1,
        "expected one `{css}[{attr_name}]`, found {all:?}"
    );
    all.into_iter().next().unwrap()
}

/// Every file under `dir`, as sorted `/`-separated relative paths.
pub fn list_files(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                walk(root, &path, out);
            } else {
                out.push(
                    path.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// A small valid PNG (`w`×`h`, RGB gradient), encoded with the `image` crate.
pub fn png_bytes(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 10) as u8, (y * 10) as u8, 128])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(data);
    out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    out
}

/// The chunk types of a PNG file, in order.
pub fn png_chunk_types(bytes: &[u8]) -> Vec<String> {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let mut types = Vec::new();
    let mut i = 8;
    while i + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap()) as usize;
        types.push(String::from_utf8_lossy(&bytes[i + 4..i + 8]).to_string());
        i += 12 + len;
    }
    types
}

/// A valid 8×8 PNG with a `tEXt` chunk (`keyword\0text`) right after `IHDR`.
pub fn png_with_text(text: &[u8]) -> Vec<u8> {
    let plain = png_bytes(8, 8);
    let ihdr_end = 8 + 4 + 4 + 13 + 4;
    assert_eq!(&plain[12..16], b"IHDR");
    let mut out = plain[..ihdr_end].to_vec();
    out.extend(png_chunk(b"tEXt", text));
    out.extend_from_slice(&plain[ihdr_end..]);
    out
}

/// A valid PNG header that claims `w`×`h` pixels, with no pixels behind it.
pub fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let plain = png_bytes(1, 1);
    let mut ihdr = plain[16..29].to_vec();
    ihdr[..4].copy_from_slice(&w.to_be_bytes());
    ihdr[4..8].copy_from_slice(&h.to_be_bytes());
    let mut out = plain[..8].to_vec();
    out.extend(png_chunk(b"IHDR", &ihdr));
    out.extend_from_slice(&plain[33..]);
    out
}

/// Run a build that must fail cleanly: exit 1, a hint, no panic. Returns stderr.
pub fn build_fails(site: &TestSite, extra: &[&str]) -> String {
    let out = site.build_cmd(extra).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected a failed build:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("hint:"), "{stderr}");
    stderr
}

pub fn jpeg_bytes(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 7) as u8, (y * 5) as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

/// A JPEG segment: marker, length, payload.
pub fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut s = vec![0xff, marker];
    s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    s.extend_from_slice(payload);
    s
}

/// A big-endian TIFF/EXIF block: orientation 6 (rotate 90° clockwise), a camera serial in
/// Make, a name in Artist, a description, and a GPS IFD with a latitude reference and datum.
pub fn exif_payload() -> Vec<u8> {
    let ascii = |s: &str| {
        let mut v = s.as_bytes().to_vec();
        v.push(0);
        v
    };
    let (desc, make, artist, datum) = (
        ascii("GPS 48.8584N 2.2945E"),
        ascii("SCANNER-SN-998877"),
        ascii("PATIENT-NAME Jane Doe"),
        ascii("GPS-SECRET-DATUM"),
    );
    let ifd0_len = 2 + 5 * 12 + 4;
    let mut data_off = 8 + ifd0_len as u32;
    let mut entries = Vec::new();
    let mut data = Vec::new();
    let ascii_entry = |tag: u16, s: &[u8], data: &mut Vec<u8>, data_off: &mut u32| {
        let mut e = tag.to_be_bytes().to_vec();
        e.extend_from_slice(&2u16.to_be_bytes());
        e.extend_from_slice(&(s.len() as u32).to_be_bytes());
        e.extend_from_slice(&data_off.to_be_bytes());
        data.extend_from_slice(s);
        *data_off += s.len() as u32;
        e
    };
    entries.push(ascii_entry(0x010e, &desc, &mut data, &mut data_off));
    entries.push(ascii_entry(0x010f, &make, &mut data, &mut data_off));
    let mut orientation = 0x0112u16.to_be_bytes().to_vec();
    orientation.extend_from_slice(&3u16.to_be_bytes());
    orientation.extend_from_slice(&1u32.to_be_bytes());
    orientation.extend_from_slice(&[0, 6, 0, 0]);
    entries.push(orientation);
    entries.push(ascii_entry(0x013b, &artist, &mut data, &mut data_off));
    if data_off % 2 == 1 {
        data.push(0);
        data_off += 1;
    }
    let gps_off = data_off;
    let mut gps_pointer = 0x8825u16.to_be_bytes().to_vec();
    gps_pointer.extend_from_slice(&4u16.to_be_bytes());
    gps_pointer.extend_from_slice(&1u32.to_be_bytes());
    gps_pointer.extend_from_slice(&gps_off.to_be_bytes());
    entries.push(gps_pointer);
    // GPS IFD: GPSLatitudeRef "N" inline, GPSMapDatum by offset.
    let gps_len = 2 + 2 * 12 + 4;
    let datum_off = gps_off + gps_len;
    let mut gps = 2u16.to_be_bytes().to_vec();
    gps.extend_from_slice(&[0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    gps.extend_from_slice(&[0, 0x12, 0, 2]);
    gps.extend_from_slice(&(datum.len() as u32).to_be_bytes());
    gps.extend_from_slice(&datum_off.to_be_bytes());
    gps.extend_from_slice(&0u32.to_be_bytes());
    gps.extend_from_slice(&datum);

    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&(entries.len() as u16).to_be_bytes());
    for e in entries {
        tiff.extend_from_slice(&e);
    }
    tiff.extend_from_slice(&0u32.to_be_bytes());
    tiff.extend_from_slice(&data);
    tiff.extend_from_slice(&gps);
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&tiff);
    payload
}

/// A 40×20 JPEG carrying EXIF (GPS, serial, name, orientation 6), XMP and a comment.
pub fn jpeg_with_metadata() -> Vec<u8> {
    let plain = jpeg_bytes(40, 20);
    let mut out = plain[..2].to_vec();
    out.extend(segment(0xe1, &exif_payload()));
    let mut xmp = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    xmp.extend_from_slice(b"<x:xmpmeta><dc:creator>XMP-SECRET-CREATOR</dc:creator></x:xmpmeta>");
    out.extend(segment(0xe1, &xmp));
    out.extend(segment(0xfe, b"Patient COMMENT-SECRET MRN 44556677"));
    out.extend_from_slice(&plain[2..]);
    out
}

pub const SECRETS: [&str; 7] = [
    "48.8584N",
    "SCANNER-SN-998877",
    "PATIENT-NAME",
    "GPS-SECRET-DATUM",
    "XMP-SECRET-CREATOR",
    "COMMENT-SECRET",
    "44556677",
];

/// A synthetic 4×1 CT phantom with a full set of fake identifiers in its header. Stored
/// values 0, 1024, 1064, 2000 with intercept −1024 are −1024, 0, 40 and 976 HU.
pub fn phantom(modality: &str, extra: Vec<DataElement<InMemDicomObject>>) -> Vec<u8> {
    let mut elements = vec![
        DataElement::new(
            tags::SOP_CLASS_UID,
            VR::UI,
            PrimitiveValue::from("1.2.840.10008.5.1.4.1.1.2"),
        ),
        DataElement::new(
            tags::SOP_INSTANCE_UID,
            VR::UI,
            PrimitiveValue::from("2.25.1234"),
        ),
        DataElement::new(
            tags::PATIENT_NAME,
            VR::PN,
            PrimitiveValue::from("PHANTOM^SECRET"),
        ),
        DataElement::new(
            tags::PATIENT_ID,
            VR::LO,
            PrimitiveValue::from("MRN-SECRET-4455"),
        ),
        DataElement::new(
            tags::PATIENT_BIRTH_DATE,
            VR::DA,
            PrimitiveValue::from("19480314"),
        ),
        DataElement::new(tags::MODALITY, VR::CS, PrimitiveValue::from(modality)),
        DataElement::new(tags::INSTANCE_NUMBER, VR::IS, PrimitiveValue::from("7")),
        DataElement::new(
            tags::IMAGE_POSITION_PATIENT,
            VR::DS,
            PrimitiveValue::from("0\\0\\-42.5"),
        ),
        DataElement::new(tags::SAMPLES_PER_PIXEL, VR::US, PrimitiveValue::from(1_u16)),
        DataElement::new(
            tags::PHOTOMETRIC_INTERPRETATION,
            VR::CS,
            PrimitiveValue::from("MONOCHROME2"),
        ),
        DataElement::new(tags::ROWS, VR::US, PrimitiveValue::from(1_u16)),
        DataElement::new(tags::COLUMNS, VR::US, PrimitiveValue::from(4_u16)),
        DataElement::new(tags::BITS_ALLOCATED, VR::US, PrimitiveValue::from(16_u16)),
        DataElement::new(tags::BITS_STORED, VR::US, PrimitiveValue::from(16_u16)),
        DataElement::new(tags::HIGH_BIT, VR::US, PrimitiveValue::from(15_u16)),
        DataElement::new(
            tags::PIXEL_REPRESENTATION,
            VR::US,
            PrimitiveValue::from(0_u16),
        ),
        DataElement::new(
            tags::RESCALE_INTERCEPT,
            VR::DS,
            PrimitiveValue::from("-1024"),
        ),
        DataElement::new(tags::RESCALE_SLOPE, VR::DS, PrimitiveValue::from("1")),
        DataElement::new(
            tags::PIXEL_DATA,
            VR::OW,
            PrimitiveValue::U16([0_u16, 1024, 1064, 2000].iter().copied().collect()),
        ),
    ];
    elements.extend(extra);
    let obj = InMemDicomObject::from_element_iter(elements);
    let file = obj
        .with_meta(
            FileMetaTableBuilder::new()
                .transfer_syntax("1.2.840.10008.1.2.1")
                .media_storage_sop_class_uid("1.2.840.10008.5.1.4.1.1.2")
                .media_storage_sop_instance_uid("2.25.1234"),
        )
        .unwrap();
    let mut out = Vec::new();
    file.write_all(&mut out).unwrap();
    out
}
