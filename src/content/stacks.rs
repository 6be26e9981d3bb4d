//! A case's scrollable stacks: a folder of PNG/JPEG slices in natural order, or a DICOM series
//! (a folder of slices or one multi-frame file) laid out by `series`.

use super::bundle::Bundle;
use super::{layout, series};
use crate::diagnostic::Diagnostic;
use crate::front::{MediaRef, keys};
use crate::source::{FileKind, Source};
use crate::types::{Format, Stack, StackWindow, is_inside};

/// Every stack the case lists, in order.
pub fn lay_out(bundle: &Bundle<'_>) -> (Vec<Stack>, Vec<Diagnostic>) {
    let mut stacks = Vec::new();
    let mut errors = Vec::new();
    for entry in bundle.fields.media(keys::STACKS) {
        match stack(bundle, entry) {
            Ok(s) => stacks.push(s),
            Err(e) => errors.extend(e),
        }
    }
    (stacks, errors)
}

fn stack(bundle: &Bundle<'_>, s: &MediaRef) -> Result<Stack, Vec<Diagnostic>> {
    let error = |message: String, hint: String| {
        vec![
            Diagnostic::in_file(bundle.file, message)
                .at_line(s.line)
                .with_hint(hint),
        ]
    };
    let name = s.file.trim_matches('/');
    if !is_inside(name) {
        return Err(error(
            format!("stack folder `{}` is outside the case folder", s.file),
            "put the slices in a folder inside the case folder, e.g. dir = \"axial\"".into(),
        ));
    }
    // One multi-frame DICOM file is a stack of its own; else the images and DICOM files of the
    // folder.
    let single = bundle
        .get(name)
        .filter(|src| src.kind == FileKind::Dicom)
        .map(|src| (name, src));
    let prefix = format!("{name}/");
    let mut slices: Vec<(&str, &Source)> = match single {
        Some(one) => vec![one],
        None => bundle
            .files
            .iter()
            .filter(|(n, src)| {
                n.starts_with(&prefix) && (src.kind.is_image() || src.kind == FileKind::Dicom)
            })
            .copied()
            .collect(),
    };
    slices.sort_by(|a, b| layout::natural_order(a.0, b.0));
    let dicom = slices
        .iter()
        .filter(|(_, src)| src.kind == FileKind::Dicom)
        .count();
    if dicom > 0 {
        if dicom != slices.len() {
            return Err(error(
                format!("stack folder `{}` mixes DICOM files and other images", s.file),
                "a stack is one series: keep only the DICOM slices (or only PNG/JPEG slices) in the folder".into(),
            ));
        }
        return dicom_stack(bundle, s, &slices);
    }
    if slices.is_empty() {
        let has_folder = bundle.files.iter().any(|(n, _)| n.starts_with(&prefix));
        let why = if has_folder {
            "has no images"
        } else {
            "does not exist"
        };
        return Err(error(
            format!("stack folder `{}` {why}", s.file),
            format!(
                "put the slices (PNG or JPEG, numbered in order) in {}",
                bundle.dir.join(&s.file).display()
            ),
        ));
    }
    if !s.windows.is_empty() {
        return Err(error(
            format!("stack `{}` lists `windows`, but its slices are not DICOM files", s.file),
            "windows apply to DICOM slices only: PNG and JPEG slices are already windowed; remove `windows` from this entry, or export the series as DICOM".into(),
        ));
    }
    let count = slices.len();
    let mut frames = Vec::with_capacity(count);
    let mut errors = Vec::new();
    let width = [bundle.config.images.stack_width];
    for (i, (name, source)) in slices.into_iter().enumerate() {
        match bundle.picture(name, source, &width, &[Format::Jpeg]) {
            Ok(mut p) => {
                p.alt = format!("{}, slice {} of {count}", s.alt, i + 1);
                frames.push(p);
            }
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Stack {
        dir: s.file.clone(),
        alt: s.alt.clone(),
        caption: s.caption.clone(),
        frames,
        windows: Vec::new(),
    })
}

fn dicom_stack(
    bundle: &Bundle<'_>,
    s: &MediaRef,
    slices: &[(&str, &Source)],
) -> Result<Stack, Vec<Diagnostic>> {
    let mut per_window = series::stack_frames(bundle, &s.file, slices, &s.windows)?;
    // With several windows, a slice's alt text says which window it shows.
    let several = s.windows.len() > 1;
    for (i, pictures) in per_window.iter_mut().enumerate() {
        let window = s.windows.get(i).filter(|_| several);
        let count = pictures.len();
        for (j, p) in pictures.iter_mut().enumerate() {
            p.alt = format!("{}, slice {} of {count}", s.alt, j + 1);
            if let Some(w) = window {
                p.alt.push_str(&format!(", {} window", w.label));
            }
        }
    }
    let windows = s
        .windows
        .iter()
        .zip(&per_window)
        .map(|(w, frames)| StackWindow {
            name: w.name.clone(),
            label: w.label.clone(),
            frames: frames.clone(),
        })
        .collect();
    Ok(Stack {
        dir: s.file.clone(),
        alt: s.alt.clone(),
        caption: s.caption.clone(),
        frames: per_window.into_iter().next().unwrap_or_default(),
        windows,
    })
}
