//! The images of a page bundle: which files are pictures, the sizes each is published in, a
//! case's gallery and its scrollable stacks.
//!
//! Reads image headers only (never pixels); decoding happens in the build's image stage. DICOM
//! files are laid out by `series`.

use std::collections::HashMap;
use std::path::Path;

use super::front_matter::ImageRef;
use super::series;
use super::{Page, Picture, Stack, StackWindow};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::markdown::LocalMedia;
use crate::media::{self, Format, RasterKind};
use crate::picture;

/// The pictures of one bundle, by bundle-relative file name.
pub struct BundleMedia {
    pub pictures: Vec<Picture>,
    by_file: HashMap<String, usize>,
}

/// A bundle's files sorted out: pictures in its own folder, stack frames, and the rest.
pub struct Sorted {
    pub media: BundleMedia,
    pub stacks: Vec<Stack>,
    /// Files published as they are (`media::publish`).
    pub other: Vec<String>,
}

fn stem(file: &str) -> &str {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.rsplit_once('.').map_or(name, |(s, _)| s)
}

/// Whether `file` stays inside the bundle (no `..`, not absolute, no empty segments).
pub fn is_inside(file: &str) -> bool {
    !file.is_empty()
        && !file.starts_with('/')
        && file
            .split('/')
            .all(|s| !s.is_empty() && s != ".." && s != ".")
}

/// "2.png" before "10.png": numbers in names compare as numbers, as scanners number slices.
fn natural_key(name: &str) -> Vec<(u8, u64, String)> {
    let mut key = Vec::new();
    let mut digits = String::new();
    let mut text = String::new();
    for c in name.chars() {
        if c.is_ascii_digit() {
            if !text.is_empty() {
                key.push((1, 0, std::mem::take(&mut text)));
            }
            digits.push(c);
        } else {
            if !digits.is_empty() {
                key.push((
                    0,
                    digits.parse().unwrap_or(u64::MAX),
                    std::mem::take(&mut digits),
                ));
            }
            text.push(c.to_ascii_lowercase());
        }
    }
    if !digits.is_empty() {
        key.push((0, digits.parse().unwrap_or(u64::MAX), digits));
    }
    if !text.is_empty() {
        key.push((1, 0, text));
    }
    key
}

fn picture(
    page: &Page,
    dir: &Path,
    file: &str,
    config: &Config,
    widths: &[u32],
    formats: &[Format],
) -> Result<Picture, Diagnostic> {
    let source = dir.join(file);
    if series::is_dicom(&source) {
        return series::gallery_picture(page, dir, file, config, widths);
    }
    let info = media::probe(&source)?;
    let folder = output_folder(page, file);
    Ok(Picture {
        file: file.to_string(),
        variants: media::plan_variants(
            &config.base_path,
            &folder,
            stem(file),
            (info.width, info.height),
            widths,
            formats,
        ),
        source,
        dicom: None,
        width: info.width,
        height: info.height,
        alt: String::new(),
        caption: None,
    })
}

/// Sort a bundle's assets (bundle-relative names) and read the headers of its images.
pub fn sort(
    page: &Page,
    dir: &Path,
    assets: &[String],
    config: &Config,
) -> (Sorted, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let settings = &config.images;
    let mut widths = settings.widths.clone();
    widths.push(settings.thumbnail);
    let stack_dirs: Vec<String> = page
        .front
        .case
        .stacks
        .iter()
        .map(|s| format!("{}/", s.file.trim_matches('/')))
        .collect();

    let mut pictures = Vec::new();
    let mut frames: HashMap<&str, Vec<&String>> = HashMap::new();
    let mut other = Vec::new();
    for rel in assets {
        let kind = media::raster_kind(Path::new(rel));
        if let Some(d) = stack_dirs.iter().find(|d| rel.starts_with(d.as_str()))
            && (kind == RasterKind::Supported || series::is_dicom(&dir.join(rel)))
        {
            frames.entry(d.as_str()).or_default().push(rel);
            continue;
        }
        match kind {
            RasterKind::Unsupported(format) => errors.push(
                Diagnostic::in_file(dir.join(rel), format!("{format} images cannot be published"))
                    .with_hint("convert it to PNG or JPEG (any image viewer can export it), then remove the original"),
            ),
            RasterKind::Supported if !rel.contains('/') => {
                match picture(page, dir, rel, config, &widths, &settings.formats) {
                    Ok(p) => pictures.push(p),
                    Err(e) => errors.push(e),
                }
            }
            _ => other.push(rel.clone()),
        }
    }
    let by_file = pictures
        .iter()
        .enumerate()
        .map(|(i, p)| (p.file.clone(), i))
        .collect();

    let mut stacks = Vec::new();
    for (s, dir_key) in page.front.case.stacks.iter().zip(&stack_dirs) {
        let at = page.front.case.stacks_line.unwrap_or(1);
        if !is_inside(dir_key.trim_end_matches('/')) {
            errors.push(
                Diagnostic::in_file(
                    &page.file,
                    format!("stack folder `{}` is outside the case folder", s.file),
                )
                .at_line(at)
                .with_hint(
                    "put the slices in a folder inside the case folder, e.g. dir = \"axial\"",
                ),
            );
            continue;
        }
        let entry = dir.join(&s.file);
        // One multi-frame DICOM file is a stack of its own.
        let single_file = entry.is_file() && series::is_dicom(&entry);
        let mut list = frames.remove(dir_key.as_str()).unwrap_or_default();
        let dicom_files: Vec<&str> = if single_file {
            vec![s.file.trim_matches('/')]
        } else {
            list.iter()
                .filter(|f| series::is_dicom(&dir.join(f.as_str())))
                .map(|f| f.as_str())
                .collect()
        };
        if !dicom_files.is_empty() {
            if dicom_files.len() != list.len() && !single_file {
                errors.push(
                    Diagnostic::in_file(&page.file, format!("stack folder `{}` mixes DICOM files and other images", s.file))
                        .at_line(at)
                        .with_hint("a stack is one series: keep only the DICOM slices (or only PNG/JPEG slices) in the folder"),
                );
                continue;
            }
            let mut names = dicom_files;
            names.sort_by_key(|f| natural_key(f));
            match series::stack_frames(page, dir, &s.file, &names, &s.windows, config) {
                Ok(mut per_window) => {
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
                    stacks.push(Stack {
                        dir: s.file.clone(),
                        alt: s.alt.clone(),
                        caption: s.caption.clone(),
                        frames: per_window.into_iter().next().unwrap_or_default(),
                        windows,
                    });
                }
                Err(e) => errors.extend(e),
            }
            continue;
        }
        if list.is_empty() {
            let why = if dir.join(&s.file).is_dir() {
                "has no images"
            } else {
                "does not exist"
            };
            errors.push(
                Diagnostic::in_file(&page.file, format!("stack folder `{}` {why}", s.file))
                    .at_line(at)
                    .with_hint(format!(
                        "put the slices (PNG or JPEG, numbered in order) in {}",
                        dir.join(&s.file).display()
                    )),
            );
            continue;
        }
        if !s.windows.is_empty() {
            errors.push(
                Diagnostic::in_file(
                    &page.file,
                    format!(
                        "stack `{}` lists `windows`, but its slices are not DICOM files",
                        s.file
                    ),
                )
                .at_line(at)
                .with_hint("windows apply to DICOM slices only: PNG and JPEG slices are already windowed; remove `windows` from this entry, or export the series as DICOM"),
            );
            continue;
        }
        list.sort_by_key(|f| natural_key(f));
        let count = list.len();
        let mut stack = Stack {
            dir: s.file.clone(),
            alt: s.alt.clone(),
            caption: s.caption.clone(),
            frames: Vec::with_capacity(count),
            windows: Vec::new(),
        };
        for (i, f) in list.into_iter().enumerate() {
            match picture(
                page,
                dir,
                f,
                config,
                &[settings.stack_width],
                &[Format::Jpeg],
            ) {
                Ok(mut p) => {
                    p.alt = format!("{}, slice {} of {count}", s.alt, i + 1);
                    stack.frames.push(p);
                }
                Err(e) => errors.push(e),
            }
        }
        stacks.push(stack);
    }
    (
        Sorted {
            media: BundleMedia { pictures, by_file },
            stacks,
            other,
        },
        errors,
    )
}

impl BundleMedia {
    pub fn get(&self, file: &str) -> Option<&Picture> {
        self.by_file.get(file).map(|&i| &self.pictures[i])
    }
}

impl LocalMedia for BundleMedia {
    fn image_html(&self, file: &str, alt: &str, title: &str, alone: bool) -> Option<String> {
        let pic = self.get(file)?;
        Some(if alone {
            picture::figure_html(pic, alt, Some(title))
        } else {
            picture::picture_html(pic, alt, picture::PROSE_SIZES)
        })
    }

    fn link_url(&self, file: &str) -> Option<String> {
        self.get(file)?.largest().map(|v| v.url.clone())
    }
}

/// A case's gallery: the `images` of its front matter in order, then any other picture of its
/// folder not shown in the body (which then needs alt text too, so it is an error).
pub fn gallery(
    page: &Page,
    dir: &Path,
    media: &BundleMedia,
    inline: &[String],
    config: &Config,
) -> (Vec<Picture>, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let line = page.front.case.images_line.unwrap_or(1);
    let settings = &config.images;
    let listed: &[ImageRef] = &page.front.case.images;
    for img in listed {
        if !is_inside(&img.file) {
            errors.push(
                Diagnostic::in_file(
                    &page.file,
                    format!("image `{}` is outside the case folder", img.file),
                )
                .at_line(line)
                .with_hint("copy the image into the case folder and name it without ../"),
            );
            continue;
        }
        let found = match media.get(&img.file) {
            Some(p) => Ok(p.clone()),
            None if dir.join(&img.file).is_file() => {
                let mut widths = settings.widths.clone();
                widths.push(settings.thumbnail);
                picture(page, dir, &img.file, config, &widths, &settings.formats)
            }
            None => Err(Diagnostic::in_file(
                &page.file,
                format!("image `{}` listed in `images` does not exist", img.file),
            )
            .at_line(line)
            .with_hint(format!("put the file in {} or fix the name", dir.display()))),
        };
        match found {
            Ok(mut p) => {
                p.alt = img.alt.clone();
                p.caption = img.caption.clone();
                out.push(p);
            }
            Err(e) => errors.push(e),
        }
    }
    let mut rest: Vec<&Picture> = media
        .pictures
        .iter()
        .filter(|p| !listed.iter().any(|l| l.file == p.file) && !inline.contains(&p.file))
        .collect();
    rest.sort_by_key(|p| natural_key(&p.file));
    for p in rest {
        errors.push(
            Diagnostic::in_file(&page.file, format!("image `{}` in the case folder has no alt text", p.file))
                .at_line(line)
                .with_hint(format!(
                    "list it in images = [{{ file = \"{}\", alt = \"what the image shows\" }}] (its place in the list sets the gallery order), or show it in the text with ![alt]({})",
                    p.file, p.file
                )),
        );
    }
    (out, errors)
}

/// The output folder of a file of a page bundle: the page's own folder, plus the file's
/// subfolder (`axial/001.png` → `cases/a/axial/`).
pub(super) fn output_folder(page: &Page, file: &str) -> String {
    match file.rfind('/') {
        Some(i) => format!("{}{}", page.path, &file[..=i]),
        None => page.path.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_of_slices() {
        let mut v = vec!["IM10.png", "IM2.png", "IM1.png", "im3.png"];
        v.sort_by_key(|f| natural_key(f));
        assert_eq!(v, ["IM1.png", "IM2.png", "im3.png", "IM10.png"]);
    }

    #[test]
    fn inside_the_bundle() {
        assert!(is_inside("ct.png") && is_inside("axial/001.png"));
        assert!(
            !is_inside("../x.png")
                && !is_inside("/etc/x.png")
                && !is_inside("a//b.png")
                && !is_inside("")
        );
    }
}
