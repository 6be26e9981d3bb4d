//! The files of a page bundle: which are pictures (with the sizes each is published in), which
//! are stacks, which are published as they are, and a case's gallery.
//!
//! Reads image headers only (never pixels); decoding happens in the build's image stage. What
//! each file is comes from the source list.

use std::collections::HashMap;
use std::path::Path;

use super::{Asset, layout, series, stacks};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::front::{Fields, MediaRef, RedactRect, keys};
use crate::markdown::LocalMedia;
use crate::media;
use crate::picture;
use crate::source::{FileKind, Source};
use crate::types::{Format, OutPath, Picture, Rect, Stack, Thumb, is_inside};

/// One page bundle, as its media need it.
pub struct Bundle<'a> {
    /// The page's `index.md`, for errors.
    pub file: &'a Path,
    /// The bundle folder.
    pub dir: &'a Path,
    /// The page's output folder (`cases/a/`).
    pub page_path: &'a str,
    pub fields: &'a Fields,
    pub config: &'a Config,
    /// What earlier reads of the bundle's images found (their files are not read again).
    pub probes: &'a media::Probes,
    /// The bundle's files but `index.md`, with their names in the bundle (`axial/001.png`).
    pub files: Vec<(&'a str, &'a Source)>,
}

impl Bundle<'_> {
    pub fn get(&self, name: &str) -> Option<&Source> {
        self.files.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
    }

    /// A picture of the file `name` of the bundle, in `widths` and `formats`.
    pub fn picture(
        &self,
        name: &str,
        source: &Source,
        widths: &[u32],
        formats: &[Format],
    ) -> Result<Picture, Diagnostic> {
        if source.kind == FileKind::Dicom {
            return series::gallery_picture(self, name, &source.path, widths);
        }
        let (info, hash) = self.probes.raster(&source.path)?;
        Ok(Picture {
            file: name.to_string(),
            variants: crate::types::plan_variants(
                &self.config.base_path,
                &layout::output_folder(self.page_path, name),
                layout::stem(name),
                (info.width, info.height),
                widths,
                formats,
            ),
            source: source.path.clone(),
            hash,
            dicom: None,
            width: info.width,
            height: info.height,
            alt: String::new(),
            caption: None,
            redact: Vec::new(),
            crop: None,
            thumb: None,
        })
    }
}

/// The widths a person's square photo is published in: the people page shows it at up to
/// 10 rem, a person's own page at up to 15 rem, each at twice that on sharp screens.
pub const PHOTO_WIDTHS: &[u32] = &[160, 320, 640];

impl Bundle<'_> {
    /// The person's `photo` (the file `name` of the bundle): a square around `photo_focus`
    /// (default: the middle across, 40 % down, where faces in portraits are), in
    /// [`PHOTO_WIDTHS`]. Only the square is published.
    fn photo(&self, name: &str, source: &Source) -> Result<Picture, Diagnostic> {
        let mut pic = self.picture(name, source, &[], &self.config.images.formats)?;
        let focus = self.fields.focus().unwrap_or((0.5, 0.4));
        let crop = Rect::square_around(pic.width, pic.height, focus);
        pic.width = crop.width;
        pic.height = crop.height;
        pic.variants = crate::types::plan_variants(
            &self.config.base_path,
            &layout::output_folder(self.page_path, name),
            layout::stem(name),
            (crop.width, crop.height),
            PHOTO_WIDTHS,
            &self.config.images.formats,
        );
        pic.crop = Some(crop);
        Ok(pic)
    }

    /// What is wrong with `photo`: outside the folder, missing, or not an image radcase can
    /// publish (a DICOM file, a PDF).
    fn photo_problem(&self, photo: &str) -> Option<Diagnostic> {
        let error = |message: String, hint: String| {
            Diagnostic::in_file(self.file, message)
                .at_line(self.fields.line(keys::PHOTO).unwrap_or(1))
                .with_hint(hint)
        };
        if !is_inside(photo) {
            return Some(error(
                format!("`photo` `{photo}` is outside the page's folder"),
                "copy the photo into the page's folder and name it without ../".into(),
            ));
        }
        match self.get(photo) {
            None => Some(error(
                format!("`photo` `{photo}` does not exist"),
                format!("put the photo in {} or fix the name", self.dir.display()),
            )),
            Some(s) if !s.kind.is_image() => Some(error(
                format!("`photo` `{photo}` is not an image radcase can publish"),
                "use a JPEG, PNG or WebP photo".into(),
            )),
            Some(_) => None,
        }
    }
}

/// The pictures of one bundle, by bundle-relative file name.
pub struct BundleMedia {
    pub pictures: Vec<Picture>,
    by_file: HashMap<String, usize>,
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

/// A bundle's files sorted out.
pub struct Sorted {
    pub media: BundleMedia,
    pub stacks: Vec<Stack>,
    /// Files published as they are (images among them re-encoded). DICOM files are never here.
    pub assets: Vec<Asset>,
}

/// Sort a bundle's files: the images of its own folder are pictures (their headers read), the
/// folders and files named in `stacks` are stacks, DICOM files not listed are withheld, and the
/// rest is published as it is.
pub fn sort(bundle: &Bundle<'_>) -> (Sorted, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let settings = &bundle.config.images;
    let widths = settings.gallery_widths();
    let stack_dirs: Vec<String> = bundle
        .fields
        .media(keys::STACKS)
        .iter()
        .map(|s| format!("{}/", s.file.trim_matches('/')))
        .collect();
    let mut pictures = Vec::new();
    let mut assets = Vec::new();
    let photo = bundle.fields.text(keys::PHOTO).map(str::trim);
    errors.extend(photo.and_then(|p| bundle.photo_problem(p)));
    for &(name, source) in &bundle.files {
        let in_stack = stack_dirs.iter().any(|d| name.starts_with(d.as_str()));
        match source.kind {
            // Only the square is published, never the whole photo.
            FileKind::Image { .. } if Some(name) == photo => match bundle.photo(name, source) {
                Ok(p) => pictures.push(p),
                Err(e) => errors.push(e),
            },
            FileKind::Image { .. } | FileKind::Dicom if in_stack => {}
            FileKind::UnsupportedImage(format) => errors.push(
                Diagnostic::in_file(&source.path, format!("{format} images cannot be published"))
                    .with_hint("convert it to PNG or JPEG (any image viewer can export it), then remove the original"),
            ),
            FileKind::Image { named: true, .. } if !name.contains('/') => {
                match bundle.picture(name, source, &widths, &settings.formats) {
                    Ok(p) => pictures.push(p),
                    Err(e) => errors.push(e),
                }
            }
            // Published only as the pixels of the images and stacks that list them.
            FileKind::Dicom | FileKind::Markdown => {}
            kind => assets.push(Asset {
                source: source.path.clone(),
                kind,
                output: OutPath::new(format!("{}{name}", bundle.page_path)),
            }),
        }
    }
    let by_file = pictures
        .iter()
        .enumerate()
        .map(|(i, p)| (p.file.clone(), i))
        .collect();
    let (stacks, stack_errors) = stacks::lay_out(bundle);
    errors.extend(stack_errors);
    (
        Sorted {
            media: BundleMedia { pictures, by_file },
            stacks,
            assets,
        },
        errors,
    )
}

/// The rectangles of `img`'s `redact`, checked against the picture's upright size. Every problem
/// is an error at its line, with the image's size in the hint, so a box that misses is never
/// dropped quietly.
fn redact_rects(
    bundle: &Bundle<'_>,
    img: &MediaRef,
    pic: &Picture,
) -> Result<Vec<Rect>, Vec<Diagnostic>> {
    let (w, h) = (pic.width, pic.height);
    let hint = format!(
        "write redact = [[x, y, width, height], …] in pixels of the image as a viewer shows it (after EXIF orientation), each box inside the image: `{}` is {w}×{h} pixels (x from 0 to {}, y from 0 to {})",
        img.file,
        w - 1,
        h - 1
    );
    let mut errors = Vec::new();
    let mut rects = Vec::new();
    for r in &img.redact {
        let RedactRect {
            number,
            line,
            ref values,
        } = *r;
        let what = match number {
            0 => format!("`redact` of `{}`", img.file),
            n => format!("rectangle {n} in `redact` of `{}`", img.file),
        };
        let problem = match values {
            Err(why) => Some(why.clone()),
            Ok([x, y, rw, rh]) => {
                let shown = format!("[{x}, {y}, {rw}, {rh}]");
                if *rw <= 0 || *rh <= 0 {
                    Some(format!(
                        "{shown} is empty: width and height must be at least 1"
                    ))
                } else if *x < 0
                    || *y < 0
                    || x.saturating_add(*rw) > i64::from(w)
                    || y.saturating_add(*rh) > i64::from(h)
                {
                    Some(format!(
                        "{shown} is outside the image (it reaches from ({x}, {y}) to ({}, {}))",
                        x.saturating_add(*rw),
                        y.saturating_add(*rh)
                    ))
                } else {
                    // Inside a u32-sized image, so every value fits.
                    rects.push(Rect {
                        x: *x as u32,
                        y: *y as u32,
                        width: *rw as u32,
                        height: *rh as u32,
                    });
                    None
                }
            }
        };
        if let Some(problem) = problem {
            errors.push(
                Diagnostic::in_file(bundle.file, format!("{what} {problem}"))
                    .at_line(line)
                    .with_hint(hint.clone()),
            );
        }
    }
    if errors.is_empty() {
        Ok(rects)
    } else {
        Err(errors)
    }
}

/// A case's gallery: the `images` of its front matter in order. A picture of the folder that is
/// neither listed nor shown in the body (`inline`) has no alt text, which is an error. The
/// `redact` of an entry applies to the bundle's picture of that file too (`media`), which the
/// text shows and the image stage publishes: one file, one set of sizes.
pub fn gallery(
    bundle: &Bundle<'_>,
    media: &mut BundleMedia,
    inline: &[String],
) -> (Vec<Picture>, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let settings = &bundle.config.images;
    let listed: &[MediaRef] = bundle.fields.media(keys::IMAGES);
    let images_line = bundle.fields.line(keys::IMAGES).unwrap_or(1);
    for img in listed {
        let error = |message: String, hint: String| {
            Diagnostic::in_file(bundle.file, message)
                .at_line(img.line)
                .with_hint(hint)
        };
        if !is_inside(&img.file) {
            errors.push(error(
                format!("image `{}` is outside the case folder", img.file),
                "copy the image into the case folder and name it without ../".into(),
            ));
            continue;
        }
        let found = match (media.get(&img.file), bundle.get(&img.file)) {
            (Some(p), _) => Ok(p.clone()),
            (None, Some(source)) => bundle.picture(
                &img.file,
                source,
                &settings.gallery_widths(),
                &settings.formats,
            ),
            (None, None) => Err(error(
                format!("image `{}` listed in `images` does not exist", img.file),
                format!("put the file in {} or fix the name", bundle.dir.display()),
            )),
        };
        let mut p = match found {
            Ok(p) => p,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        match redact_rects(bundle, img, &p) {
            Ok(rects) => p.redact = rects,
            Err(e) => {
                errors.extend(e);
                continue;
            }
        }
        // Listed twice, a file is still published once: its entries must agree on what is
        // blacked out, or one of them would be dropped.
        if let Some(earlier) = out
            .iter()
            .find(|o: &&Picture| o.file == p.file && o.redact != p.redact)
        {
            errors.push(error(
                format!(
                    "image `{}` is listed twice in `images` with different `redact`",
                    img.file
                ),
                format!(
                    "the image is published once: write the same redact in both entries ({} rectangle(s) in the first, {} here), or list it once",
                    earlier.redact.len(),
                    p.redact.len()
                ),
            ));
            continue;
        }
        p.thumb = img.focus.map(|focus| {
            Thumb::plan(
                &bundle.config.base_path,
                &layout::output_folder(bundle.page_path, &p.file),
                layout::stem(&p.file),
                (p.width, p.height),
                focus,
                &thumb_widths(settings.thumbnail),
                &settings.formats,
            )
        });
        if let Some(earlier) = out
            .iter()
            .find(|o: &&Picture| o.file == p.file && o.thumb != p.thumb)
        {
            errors.push(error(
                format!(
                    "image `{}` is listed twice in `images` with different `focus`",
                    img.file
                ),
                format!(
                    "the image has one thumbnail: write the same focus in both entries ({} in the first, {} here), or list it once",
                    focus_shown(earlier),
                    focus_shown(&p)
                ),
            ));
            continue;
        }
        if let Some(&i) = media.by_file.get(&p.file) {
            media.pictures[i].redact = p.redact.clone();
        }
        p.alt = img.alt.clone();
        p.caption = img.caption.clone();
        out.push(p);
    }
    let mut rest: Vec<&Picture> = media
        .pictures
        .iter()
        .filter(|p| !listed.iter().any(|l| l.file == p.file) && !inline.contains(&p.file))
        .collect();
    rest.sort_by(|a, b| layout::natural_order(&a.file, &b.file));
    for p in rest {
        errors.push(
            Diagnostic::in_file(bundle.file, format!("image `{}` in the case folder has no alt text", p.file))
                .at_line(images_line)
                .with_hint(format!(
                    "list it in images = [{{ file = \"{}\", alt = \"what the image shows\" }}] (its place in the list sets the gallery order), or show it in the text with ![alt]({})",
                    p.file, p.file
                )),
        );
    }
    (out, errors)
}

/// The widths of a cut thumbnail: the thumbnail width, and twice it for sharp screens (a list
/// card is up to about 22 rem wide).
fn thumb_widths(thumbnail: u32) -> [u32; 2] {
    [thumbnail, thumbnail.saturating_mul(2)]
}

fn focus_shown(p: &Picture) -> String {
    match &p.thumb {
        Some(t) => format!(
            "the part from ({}, {}), {}×{} pixels",
            t.crop.x, t.crop.y, t.crop.width, t.crop.height
        ),
        None => "none".into(),
    }
}
