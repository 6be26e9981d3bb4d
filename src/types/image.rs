//! Images as the stages pass them along: encodings, settings, the sized variants of a source,
//! a published picture, a stack of slices, and how DICOM pixels are windowed. Pure data and
//! arithmetic: no pixel is touched here.

use std::path::PathBuf;

use serde::Serialize;

use super::OutPath;

/// Largest accepted image side, in pixels; larger headers are refused before decoding.
pub const MAX_SIDE: u32 = 16_384;

/// An output encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Webp,
    Jpeg,
    Png,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Webp => "webp",
            Format::Jpeg => "jpg",
            Format::Png => "png",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Webp => "image/webp",
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
        }
    }
}

/// `[images]` in config.toml.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageSettings {
    /// Display widths for `srcset`, ascending.
    pub widths: Vec<u32>,
    pub thumbnail: u32,
    pub quality: u8,
    /// Preferred first; the last is the fallback every browser shows.
    pub formats: Vec<Format>,
    /// Width of the frames of a scrollable stack.
    pub stack_width: u32,
}

impl Default for ImageSettings {
    fn default() -> Self {
        ImageSettings {
            widths: vec![480, 960, 1600],
            thumbnail: 320,
            quality: 82,
            formats: vec![Format::Webp, Format::Jpeg],
            stack_width: 1024,
        }
    }
}

impl ImageSettings {
    /// The widths of a gallery image: the display widths and the thumbnail.
    pub fn gallery_widths(&self) -> Vec<u32> {
        let mut widths = self.widths.clone();
        widths.push(self.thumbnail);
        widths
    }
}

/// One sized, encoded copy of a source image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Variant {
    pub output: OutPath,
    /// URL path (base path included).
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub format: Format,
}

/// The variants of an image of `width`×`height` (upright), published as `{dir}{stem}-{w}.{ext}`.
/// Never upscales: widths at or above the source width collapse into the source width.
pub fn plan_variants(
    base_path: &str,
    dir: &str,
    stem: &str,
    (width, height): (u32, u32),
    widths: &[u32],
    formats: &[Format],
) -> Vec<Variant> {
    let mut sizes: Vec<u32> = widths
        .iter()
        .map(|&w| w.min(width))
        .filter(|&w| w > 0)
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    let mut out = Vec::with_capacity(sizes.len() * formats.len());
    for &format in formats {
        for &w in &sizes {
            let h = ((u64::from(height) * u64::from(w) + u64::from(width) / 2) / u64::from(width))
                .max(1) as u32;
            let output = format!("{dir}{stem}-{w}.{}", format.extension());
            out.push(Variant {
                url: format!("{base_path}{output}"),
                output: OutPath::new(output),
                width: w,
                height: h,
                format,
            });
        }
    }
    out
}

/// How to map stored DICOM values to grey levels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Window {
    /// A named preset or an explicit center/width, in Hounsfield units for CT.
    Custom { center: f64, width: f64 },
    /// The file's own VOI window (or VOI LUT), else the min–max range of the pixels.
    FromFile,
}

/// The named windows of front matter (`window = "lung"`), as center/width.
pub const PRESETS: &[(&str, f64, f64)] = &[
    ("lung", -600.0, 1500.0),
    ("bone", 400.0, 1800.0),
    ("brain", 40.0, 80.0),
    ("soft-tissue", 50.0, 400.0),
    ("liver", 60.0, 160.0),
];

impl Window {
    /// The window as text for cache keys: a changed window must re-encode every variant.
    pub fn key(&self) -> String {
        match self {
            Window::Custom { center, width } => format!("c{center}w{width}"),
            Window::FromFile => "file".into(),
        }
    }

    /// A preset by name, or None (the caller suggests the closest of [`PRESETS`]).
    pub fn preset(name: &str) -> Option<Window> {
        PRESETS
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|&(_, center, width)| Window::Custom { center, width })
    }

    pub fn preset_names() -> impl Iterator<Item = &'static str> {
        PRESETS.iter().map(|(n, _, _)| *n)
    }
}

/// One of several windows a stack is published in (`windows = ["brain", "bone"]`): the window,
/// and the name that tells its slices apart in file names and on the viewer's preset buttons.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedWindow {
    /// A preset name (`bone`) or `c40-w80` for an explicit window: safe in a file name.
    pub name: String,
    /// What the viewer's button says: the preset name, or `C 40 / W 80`.
    pub label: String,
    pub window: Window,
}

impl NamedWindow {
    /// A preset by name, or None (the caller suggests the closest of [`PRESETS`]).
    pub fn preset(name: &str) -> Option<NamedWindow> {
        Some(NamedWindow {
            name: name.to_string(),
            label: name.to_string(),
            window: Window::preset(name)?,
        })
    }

    /// An explicit center/width, named by its numbers.
    pub fn custom(center: f64, width: f64) -> NamedWindow {
        NamedWindow {
            name: format!("c{center}-w{width}"),
            label: format!("C {center} / W {width}"),
            window: Window::Custom { center, width },
        }
    }
}

/// One frame of one DICOM file, windowed: what an image job decodes instead of a raster file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DicomFrame {
    /// 0-based frame index in the file.
    pub frame: u32,
    pub window: Window,
}

impl DicomFrame {
    /// Text for cache keys: the same file in another window or frame is another image.
    pub fn key(&self) -> String {
        format!("dicom;frame{};{}", self.frame, self.window.key())
    }
}

/// A rectangle of a source image, in pixels of the image as a viewer shows it (after EXIF
/// orientation), checked to lie inside it: `redact` fills it with black before anything is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rect {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

impl Rect {
    /// Text for cache keys: other rectangles are another image.
    /// The square around the point `(fx, fy)` (fractions of the width and height) of an image
    /// of `width`×`height`, as large as the image allows, moved inside it where the point is
    /// near an edge.
    pub fn square_around(width: u32, height: u32, (fx, fy): (f64, f64)) -> Rect {
        let side = width.min(height);
        let place = |len: u32, f: f64| {
            let centre = f.clamp(0.0, 1.0) * f64::from(len);
            let start = (centre - f64::from(side) / 2.0).round();
            start.clamp(0.0, f64::from(len - side)) as u32
        };
        Rect {
            x: place(width, fx),
            y: place(height, fy),
            width: side,
            height: side,
        }
    }

    /// The largest rectangle of the proportions `aspect` (width, height) inside an image of
    /// `width`×`height`, centred on the point `(fx, fy)` (fractions of the width and height)
    /// and moved inside the image where the point is near an edge.
    pub fn around(width: u32, height: u32, aspect: (u32, u32), (fx, fy): (f64, f64)) -> Rect {
        let (aw, ah) = (u64::from(aspect.0.max(1)), u64::from(aspect.1.max(1)));
        let (w, h) = (u64::from(width), u64::from(height));
        // As wide as the image, unless that is too tall for it.
        let (cw, ch) = if w * ah <= h * aw {
            (w, (w * ah / aw).max(1))
        } else {
            ((h * aw / ah).max(1), h)
        };
        let place = |len: u64, side: u64, f: f64| {
            let centre = f.clamp(0.0, 1.0) * len as f64;
            let start = (centre - side as f64 / 2.0).round();
            start.clamp(0.0, (len - side) as f64) as u32
        };
        Rect {
            x: place(w, cw, fx),
            y: place(h, ch, fy),
            width: cw as u32,
            height: ch as u32,
        }
    }

    pub fn key(rects: &[Rect]) -> String {
        let mut key = String::from("redact");
        for r in rects {
            key.push_str(&format!(";{},{},{},{}", r.x, r.y, r.width, r.height));
        }
        key
    }
}

/// A published image: its sized variants, and how to describe it.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    /// Path in the bundle (`ct.png`, `axial/001.png`).
    pub file: String,
    pub source: PathBuf,
    /// The BLAKE3 hash of the source's bytes, taken when its header was read: the image and
    /// card stages key their caches on it without reading the file again.
    pub hash: blake3::Hash,
    /// For a DICOM source, the frame and window published (never any header value).
    pub dicom: Option<DicomFrame>,
    /// Upright size of what is published: the source's, or that of `crop`.
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub caption: Option<String>,
    /// Every size in every format, ascending by width within a format.
    pub variants: Vec<Variant>,
    /// Rectangles blacked out before any size or card is made (`redact` of its `images` entry).
    pub redact: Vec<Rect>,
    /// The part of the upright source that is published (a person's square photo), cut after
    /// `redact`; None: all of it.
    pub crop: Option<Rect>,
    /// A gallery image with a `focus`: its thumbnail, cut from it around that point. None:
    /// thumbnails show the whole image.
    pub thumb: Option<Thumb>,
}

/// The proportions of a thumbnail (list cards and the filmstrip show images in boxes of these).
pub const THUMB_ASPECT: (u32, u32) = (16, 9);

/// A thumbnail cut from a picture (after its `redact`): the part kept, and its sizes.
#[derive(Debug, Clone, PartialEq)]
pub struct Thumb {
    pub crop: Rect,
    pub variants: Vec<Variant>,
}

impl Thumb {
    /// The thumbnail of an upright image of `size` around `focus`, published as
    /// `{dir}{stem}-{w}x{h}.{ext}` in `widths` (never wider than the part kept).
    pub fn plan(
        base_path: &str,
        dir: &str,
        stem: &str,
        size: (u32, u32),
        focus: (f64, f64),
        widths: &[u32],
        formats: &[Format],
    ) -> Thumb {
        let crop = Rect::around(size.0, size.1, THUMB_ASPECT, focus);
        let mut variants = plan_variants(
            base_path,
            dir,
            stem,
            (crop.width, crop.height),
            widths,
            formats,
        );
        // Named by both sides, so they never take the name of a size of the whole image.
        for v in &mut variants {
            let output = format!(
                "{dir}{stem}-{}x{}.{}",
                v.width,
                v.height,
                v.format.extension()
            );
            v.url = format!("{base_path}{output}");
            v.output = OutPath::new(output);
        }
        Thumb { crop, variants }
    }
}

impl Picture {
    /// The format every browser can show (the last configured one).
    pub fn fallback_format(&self) -> Format {
        self.variants.last().map_or(Format::Jpeg, |v| v.format)
    }

    pub fn formats(&self) -> Vec<Format> {
        let mut f: Vec<Format> = Vec::new();
        for v in &self.variants {
            if !f.contains(&v.format) {
                f.push(v.format);
            }
        }
        f
    }

    pub fn of_format(&self, format: Format) -> impl Iterator<Item = &Variant> {
        self.variants.iter().filter(move |v| v.format == format)
    }

    /// The smallest fallback variant at least `width` wide (else the largest).
    pub fn at_least(&self, width: u32) -> Option<&Variant> {
        let f = self.fallback_format();
        self.of_format(f)
            .find(|v| v.width >= width)
            .or_else(|| self.of_format(f).last())
    }

    pub fn largest(&self) -> Option<&Variant> {
        self.of_format(self.fallback_format()).last()
    }

    /// `url 480w, url 960w` for one format.
    pub fn srcset(&self, format: Format) -> String {
        self.of_format(format)
            .map(|v| format!("{} {}w", v.url, v.width))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A scrollable series of images (slices), shown one at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct Stack {
    pub dir: String,
    pub alt: String,
    pub caption: Option<String>,
    /// The slices in order, in the default window.
    pub frames: Vec<Picture>,
    /// A DICOM stack listed with `windows`: the same slices in each window, the default first
    /// (its frames are `frames` again), offered as presets in the viewer. Empty otherwise.
    pub windows: Vec<StackWindow>,
}

/// The slices of a stack in one of its windows.
#[derive(Debug, Clone, PartialEq)]
pub struct StackWindow {
    /// In file names (`slice-0001-bone-768.jpg`).
    pub name: String,
    /// On the viewer's preset button.
    pub label: String,
    pub frames: Vec<Picture>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_upscales_and_keeps_aspect() {
        let v = plan_variants(
            "/",
            "cases/a/",
            "ct",
            (1000, 500),
            &[320, 480, 960, 1600],
            &[Format::Jpeg],
        );
        let sizes: Vec<(u32, u32)> = v.iter().map(|v| (v.width, v.height)).collect();
        assert_eq!(sizes, [(320, 160), (480, 240), (960, 480), (1000, 500)]);
        assert_eq!(v[0].output.as_str(), "cases/a/ct-320.jpg");
        assert_eq!(v[0].url, "/cases/a/ct-320.jpg");
    }

    #[test]
    fn squares_are_centred_on_the_focus_and_stay_inside() {
        let r = Rect::square_around(400, 600, (0.5, 0.5));
        assert_eq!((r.x, r.y, r.width, r.height), (0, 100, 400, 400));
        let r = Rect::square_around(400, 600, (0.5, 0.0));
        assert_eq!((r.x, r.y), (0, 0));
        let r = Rect::square_around(400, 600, (0.5, 1.0));
        assert_eq!((r.x, r.y), (0, 200));
        let r = Rect::square_around(900, 300, (0.75, 0.4));
        assert_eq!((r.x, r.y, r.width), (525, 0, 300));
        let r = Rect::square_around(900, 300, (1.0, 0.4));
        assert_eq!(r.x, 600);
    }

    #[test]
    fn thumbnails_keep_the_focus_at_sixteen_by_nine() {
        // Portrait: full width, a band of 9/16 of it.
        let r = Rect::around(900, 1200, (16, 9), (0.5, 0.0));
        assert_eq!((r.x, r.y, r.width, r.height), (0, 0, 900, 506));
        let r = Rect::around(900, 1200, (16, 9), (0.5, 1.0));
        assert_eq!((r.y, r.height), (694, 506));
        let r = Rect::around(900, 1200, (16, 9), (0.5, 0.5));
        assert_eq!(r.y, 347);
        // Wider than 16:9: full height, the side chosen.
        let r = Rect::around(2000, 500, (16, 9), (0.0, 0.5));
        assert_eq!((r.x, r.y, r.width, r.height), (0, 0, 888, 500));
        let r = Rect::around(2000, 500, (16, 9), (1.0, 0.5));
        assert_eq!(r.x, 2000 - 888);
        let t = Thumb::plan(
            "/",
            "a/",
            "xr",
            (900, 1200),
            (0.5, 0.0),
            &[320, 640, 2000],
            &[Format::Webp],
        );
        let names: Vec<&str> = t.variants.iter().map(|v| v.output.as_str()).collect();
        assert_eq!(
            names,
            [
                "a/xr-320x180.webp",
                "a/xr-640x360.webp",
                "a/xr-900x506.webp"
            ]
        );
    }

    #[test]
    fn small_images_get_one_size_per_format() {
        let v = plan_variants(
            "/x/",
            "",
            "tiny",
            (200, 100),
            &[320, 480],
            &[Format::Webp, Format::Jpeg],
        );
        let names: Vec<&str> = v.iter().map(|v| v.output.as_str()).collect();
        assert_eq!(names, ["tiny-200.webp", "tiny-200.jpg"]);
    }
}
