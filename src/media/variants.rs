//! Which sized copies of an image are published: pure arithmetic on sizes and settings, so
//! templates, the plan and the cache all agree on the same list without touching pixels.

use serde::Serialize;

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
            stack_width: 768,
        }
    }
}

/// One sized, encoded copy of a source image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Variant {
    /// Path relative to the output root.
    pub output: String,
    /// URL path (base path included).
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub format: Format,
}

/// The variants of an image of `width`×`height` (upright), published as `{dir}{stem}-{w}.{ext}`.
/// Never upscales: widths at or above the source width collapse into the source width.
/// `widths` empty means "the stack size only".
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
                output,
                width: w,
                height: h,
                format,
            });
        }
    }
    out
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
        assert_eq!(v[0].output, "cases/a/ct-320.jpg");
        assert_eq!(v[0].url, "/cases/a/ct-320.jpg");
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
