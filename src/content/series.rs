//! DICOM files of a bundle laid out as pictures: a single-frame file as a gallery image, a
//! folder of slices of one series (or one multi-frame file) as a stack in anatomical order.
//!
//! Reads and checks headers only (`media::dicom::header`); pixels are decoded by the image
//! stage. Output names are made here and never come from the header or from a file name that
//! may be a UID: stack slices are `slice-0001`, and a gallery image named like a UID gets a
//! neutral name.

use std::path::Path;

use super::{Page, Picture};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::media::dicom::{self, DicomFrame, Header, NamedWindow, Window};
use crate::media::{self, Format, Treatment};

/// Whether the file at `path` is DICOM (by extension, or by its `DICM` preamble).
pub fn is_dicom(path: &Path) -> bool {
    media::treatment(path) == Treatment::Withhold
}

fn window(page: &Page) -> Window {
    page.front.case.window.unwrap_or(Window::FromFile)
}

/// The name a DICOM file is published under: its stem, unless the stem looks like a UID
/// (digits and dots, as many PACS exports name files), which must never reach the output.
fn public_stem(file: &str) -> String {
    let name = file.rsplit('/').next().unwrap_or(file);
    let stem = match name.rsplit_once('.') {
        Some((s, ext)) if ext.eq_ignore_ascii_case("dcm") || ext.eq_ignore_ascii_case("dicom") => s,
        _ => name,
    };
    if stem.is_empty() || stem.chars().all(|c| c.is_ascii_digit() || c == '.') {
        let hash = blake3::hash(stem.as_bytes()).to_hex();
        format!("image-{}", &hash[..8])
    } else {
        stem.to_string()
    }
}

/// A single-frame DICOM file listed in `images`, as a gallery picture.
pub fn gallery_picture(
    page: &Page,
    dir: &Path,
    file: &str,
    config: &Config,
    widths: &[u32],
) -> Result<Picture, Diagnostic> {
    let source = dir.join(file);
    let header = dicom::header(&source)?;
    if header.frames > 1 {
        return Err(Diagnostic::in_file(
            &source,
            format!(
                "this DICOM file has {} frames; a gallery image is one picture",
                header.frames
            ),
        )
        .with_hint(format!(
            "list it as a scrollable stack instead: stacks = [{{ dir = \"{file}\", alt = \"…\" }}]"
        )));
    }
    let folder = super::bundle::output_folder(page, file);
    Ok(Picture {
        file: file.to_string(),
        variants: media::plan_variants(
            &config.base_path,
            &folder,
            &public_stem(file),
            (header.columns, header.rows),
            widths,
            &config.images.formats,
        ),
        source,
        dicom: Some(DicomFrame {
            frame: 0,
            window: window(page),
        }),
        width: header.columns,
        height: header.rows,
        alt: String::new(),
        caption: None,
    })
}

/// The frames of a stack from DICOM `files` (bundle-relative, in name order): `stack` is the
/// `dir` of the front matter entry (a folder, or one multi-frame file). One list of frames per
/// entry of `windows` (each named after its window), or one in the case's window if it is empty.
pub fn stack_frames(
    page: &Page,
    dir: &Path,
    stack: &str,
    files: &[&str],
    windows: &[NamedWindow],
    config: &Config,
) -> Result<Vec<Vec<Picture>>, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut headers: Vec<(&str, Header)> = Vec::new();
    for f in files {
        match dicom::header(&dir.join(f)) {
            Ok(h) => headers.push((f, h)),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let Some((first_file, first)) = headers.first().map(|(f, h)| (*f, h.clone())) else {
        return Ok(Vec::new());
    };
    for (f, h) in &headers[1..] {
        if (h.columns, h.rows) != (first.columns, first.rows) {
            errors.push(
                Diagnostic::in_file(
                    dir.join(f),
                    format!(
                        "this slice is {}×{} pixels, but `{first_file}` in the same stack `{stack}` is {}×{}",
                        h.columns, h.rows, first.columns, first.rows
                    ),
                )
                .with_hint(
                    "a stack shows one series: move slices of another series (or a localiser) out of the folder",
                ),
            );
        } else if h.series.is_some() && first.series.is_some() && h.series != first.series {
            errors.push(
                Diagnostic::in_file(
                    dir.join(f),
                    format!("this slice belongs to another series than `{first_file}` in the stack `{stack}`"),
                )
                .with_hint("a stack shows one series: give each series its own folder and its own entry in `stacks`"),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Scanners number slices in acquisition order; positions along the normal are the fallback
    // for exports that renumber or drop InstanceNumber. Name order is the last resort.
    if headers.iter().all(|(_, h)| h.instance_number.is_some()) {
        headers.sort_by_key(|(_, h)| h.instance_number);
    } else if headers.iter().all(|(_, h)| h.slice_position.is_some()) {
        headers.sort_by(|(_, a), (_, b)| {
            let (a, b) = (a.slice_position, b.slice_position);
            a.unwrap_or(0.0).total_cmp(&b.unwrap_or(0.0))
        });
    }
    let folder = format!(
        "{}{}/",
        page.path,
        stack
            .trim_matches('/')
            .trim_end_matches(".dcm")
            .trim_end_matches(".dicom")
    );
    // Without `windows`, slices keep their plain names; with it, every window's slices carry
    // its name, so no two windows share an output file (or a cache entry: the window is in
    // the key).
    let named: Vec<(Option<&str>, Window)> = if windows.is_empty() {
        vec![(None, window(page))]
    } else {
        windows
            .iter()
            .map(|w| (Some(w.name.as_str()), w.window))
            .collect()
    };
    let mut all = Vec::with_capacity(named.len());
    for (name, window) in named {
        let mut out = Vec::new();
        for (f, h) in &headers {
            for frame in 0..h.frames {
                let n = out.len() + 1;
                let stem = match name {
                    Some(w) => format!("slice-{n:04}-{w}"),
                    None => format!("slice-{n:04}"),
                };
                out.push(Picture {
                    file: f.to_string(),
                    variants: media::plan_variants(
                        &config.base_path,
                        &folder,
                        &stem,
                        (h.columns, h.rows),
                        &[config.images.stack_width],
                        &[Format::Jpeg],
                    ),
                    source: dir.join(f),
                    dicom: Some(DicomFrame { frame, window }),
                    width: h.columns,
                    height: h.rows,
                    alt: String::new(),
                    caption: None,
                });
            }
        }
        all.push(out);
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_like_names_are_never_published() {
        assert_eq!(public_stem("ct-head.dcm"), "ct-head");
        assert_eq!(public_stem("axial/IM0001"), "IM0001");
        let uid = public_stem("1.2.840.113619.2.55.3.604688119.dcm");
        assert!(
            uid.starts_with("image-") && !uid.contains("113619"),
            "{uid}"
        );
        assert!(public_stem("1.2.840.113619").starts_with("image-"));
    }
}
