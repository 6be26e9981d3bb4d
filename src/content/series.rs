//! DICOM files of a bundle laid out as pictures: a single-frame file as a gallery image, a
//! folder of slices of one series (or one multi-frame file) as a stack in anatomical order.
//!
//! Reads and checks headers only (`media::dicom::header`); pixels are decoded by the image
//! stage. Output names are made here and never come from the header or from a file name that
//! may be a UID: stack slices are `slice-0001`, and a gallery image named like a UID gets a
//! neutral name.

use std::path::Path;

use super::bundle::Bundle;
use super::layout;
use crate::diagnostic::Diagnostic;
use crate::front::keys;
use crate::media::dicom::Header;
use crate::source::Source;
use crate::types::{DicomFrame, Format, NamedWindow, Picture, Window, plan_variants};

fn window(bundle: &Bundle<'_>) -> Window {
    bundle
        .fields
        .window(keys::WINDOW)
        .unwrap_or(Window::FromFile)
}

/// A single-frame DICOM file listed in `images`, as a gallery picture.
pub fn gallery_picture(
    bundle: &Bundle<'_>,
    file: &str,
    path: &Path,
    widths: &[u32],
) -> Result<Picture, Diagnostic> {
    let (header, hash) = bundle.probes.dicom(path)?;
    if header.frames > 1 {
        return Err(Diagnostic::in_file(
            path,
            format!(
                "this DICOM file has {} frames; a gallery image is one picture",
                header.frames
            ),
        )
        .with_hint(format!(
            "list it as a scrollable stack instead: stacks = [{{ dir = \"{file}\", alt = \"…\" }}]"
        )));
    }
    Ok(Picture {
        file: file.to_string(),
        variants: plan_variants(
            &bundle.config.base_path,
            &layout::output_folder(bundle.page_path, file),
            &layout::public_dicom_stem(file),
            (header.columns, header.rows),
            widths,
            &bundle.config.images.formats,
        ),
        source: path.to_path_buf(),
        hash,
        dicom: Some(DicomFrame {
            frame: 0,
            window: window(bundle),
        }),
        width: header.columns,
        height: header.rows,
        alt: String::new(),
        caption: None,
        redact: Vec::new(),
        crop: None,
        thumb: None,
    })
}

/// The frames of a stack from DICOM `files` (bundle-relative, in name order): `stack` is the
/// `dir` of the front matter entry (a folder, or one multi-frame file). One list of frames per
/// entry of `windows` (each named after its window), or one in the case's window if it is empty.
pub fn stack_frames(
    bundle: &Bundle<'_>,
    stack: &str,
    files: &[(&str, &Source)],
    windows: &[NamedWindow],
) -> Result<Vec<Vec<Picture>>, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut headers: Vec<(&str, &Source, Header, blake3::Hash)> = Vec::new();
    for (f, source) in files {
        match bundle.probes.dicom(&source.path) {
            Ok((h, hash)) => headers.push((f, source, h, hash)),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let Some((first_file, first)) = headers.first().map(|(f, _, h, _)| (*f, h.clone())) else {
        return Ok(Vec::new());
    };
    for (_, source, h, _) in &headers[1..] {
        if (h.columns, h.rows) != (first.columns, first.rows) {
            errors.push(
                Diagnostic::in_file(
                    &source.path,
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
                    &source.path,
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
    if headers
        .iter()
        .all(|(_, _, h, _)| h.instance_number.is_some())
    {
        headers.sort_by_key(|(_, _, h, _)| h.instance_number);
    } else if headers
        .iter()
        .all(|(_, _, h, _)| h.slice_position.is_some())
    {
        headers.sort_by(|(_, _, a, _), (_, _, b, _)| {
            let (a, b) = (a.slice_position, b.slice_position);
            a.unwrap_or(0.0).total_cmp(&b.unwrap_or(0.0))
        });
    }
    let folder = format!(
        "{}{}/",
        bundle.page_path,
        stack
            .trim_matches('/')
            .trim_end_matches(".dcm")
            .trim_end_matches(".dicom")
    );
    // Without `windows`, slices keep their plain names; with it, every window's slices carry
    // its name, so no two windows share an output file (or a cache entry: the window is in
    // the key).
    let named: Vec<(Option<&str>, Window)> = if windows.is_empty() {
        vec![(None, window(bundle))]
    } else {
        windows
            .iter()
            .map(|w| (Some(w.name.as_str()), w.window))
            .collect()
    };
    let config = bundle.config;
    let mut all = Vec::with_capacity(named.len());
    for (name, window) in named {
        let mut out = Vec::new();
        for (f, source, h, hash) in &headers {
            for frame in 0..h.frames {
                let n = out.len() + 1;
                let stem = match name {
                    Some(w) => format!("slice-{n:04}-{w}"),
                    None => format!("slice-{n:04}"),
                };
                out.push(Picture {
                    file: f.to_string(),
                    variants: plan_variants(
                        &config.base_path,
                        &folder,
                        &stem,
                        (h.columns, h.rows),
                        &[config.images.stack_width],
                        &[Format::Jpeg],
                    ),
                    source: source.path.clone(),
                    hash: *hash,
                    dicom: Some(DicomFrame { frame, window }),
                    width: h.columns,
                    height: h.rows,
                    alt: String::new(),
                    caption: None,
                    redact: Vec::new(),
                    crop: None,
                    thumb: None,
                });
            }
        }
        all.push(out);
    }
    Ok(all)
}
