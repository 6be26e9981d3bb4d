//! The content model: pages, sections and taxonomies of one site, loaded from `content/`.
//!
//! `load` is the only place that reads Markdown files; everything after it works on the
//! immutable [`Library`].

mod bundle;
pub mod card;
pub mod front_matter;
mod load;
mod series;
mod taxonomy;
mod walk;

use std::path::PathBuf;

pub use front_matter::{Kind, PageFront, SectionFront, SortBy};
pub use load::{LoadOptions, load, reload_pages};
pub use taxonomy::{Taxonomy, Term};

use crate::markdown::Heading;
use crate::media::dicom::DicomFrame;
use crate::media::{Format, Variant};

/// A published image: its sized variants, and how to describe it.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    /// Path in the bundle (`ct.png`, `axial/001.png`).
    pub file: String,
    pub source: PathBuf,
    /// For a DICOM source, the frame and window published (never any header value).
    pub dicom: Option<DicomFrame>,
    /// Upright size of the source.
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub caption: Option<String>,
    /// Every size in every format, ascending by width within a format.
    pub variants: Vec<Variant>,
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

/// Lowercase words of a text, for matching whole words ("US" is not in "intussusception").
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether `needle` appears as consecutive words in `hay`.
fn contains_run(hay: &[String], needle: &[String]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_match_whole_words() {
        let secret = words("Ileocolic intussusception");
        assert!(contains_run(&secret, &words("intussusception")));
        assert!(!contains_run(&secret, &words("US")));
        assert!(contains_run(
            &words("acute ileocolic intussusception in infants"),
            &secret
        ));
    }
}

/// A relative path with `/` between its parts, whatever the platform. A `\\` inside a file name
/// stays as it is (it is a legal character on Unix), so it can never act as a separator.
pub fn slash_path(path: &std::path::Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A file that is published next to a page or section (an image, a PDF…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub source: PathBuf,
    /// Output path relative to the output root, `/`-separated, no leading slash.
    pub output: String,
}

#[derive(Debug, Clone)]
pub struct Page {
    /// The source file, as a path a user can open (site folder included).
    pub file: PathBuf,
    /// Path relative to `content/` (what `@/` links name).
    pub rel: String,
    pub front: PageFront,
    pub kind: Kind,
    pub slug: String,
    /// Output folder relative to the output root, ending with `/`.
    pub path: String,
    /// URL path from the host root (base path included), ending with `/`.
    pub url: String,
    pub permalink: String,
    /// The folder of a page bundle (`foo/index.md`), which holds its assets.
    pub bundle_dir: Option<PathBuf>,
    /// Files published as they are (not images).
    pub assets: Vec<Asset>,
    /// Every file of the bundle folder but `index.md`; `assets` is the part not used as media.
    pub bundle_files: Vec<Asset>,
    /// Every image of the bundle's own folder, with its variants (gallery and inline images).
    pub pictures: Vec<Picture>,
    /// A case's gallery, in order, with alt text and captions.
    pub gallery: Vec<Picture>,
    pub stacks: Vec<Stack>,
    /// HTML of the body; for a quiz, only the part before the answer.
    pub content: String,
    /// HTML of the part of a quiz body after `<!-- answer -->`.
    pub answer: Option<String>,
    pub summary: Option<String>,
    pub headings: Vec<Heading>,
    pub word_count: usize,
    pub reading_time: usize,
    /// Index of the section the page is listed in.
    pub section: usize,
    /// Neighbours in the section's order: `lower` comes after this page, `higher` before.
    pub lower: Option<usize>,
    pub higher: Option<usize>,
    /// The share card of a case or a post.
    pub card: Option<card::ShareCard>,
}

impl Page {
    pub fn is_quiz(&self) -> bool {
        self.kind == Kind::Case && self.front.case.quiz
    }

    /// The page's taxonomy terms, in the order of `taxonomies`, that may be shown before a
    /// quiz's answer: a term naming the diagnosis or a differential (as whole words) is left out.
    pub fn public_terms<'t>(&self, taxonomies: impl Iterator<Item = &'t str>) -> Vec<&String> {
        let secrets: Vec<Vec<String>> = if self.is_quiz() {
            let c = &self.front.case;
            c.diagnosis
                .iter()
                .chain(&c.differential)
                .map(|s| words(s))
                .filter(|w| !w.is_empty())
                .collect()
        } else {
            Vec::new()
        };
        taxonomies
            .flat_map(|t| self.front.taxonomies.get(t).into_iter().flatten())
            .filter(|term| {
                let t = words(term);
                t.is_empty()
                    || !secrets
                        .iter()
                        .any(|s| contains_run(s, &t) || contains_run(&t, s))
            })
            .collect()
    }

    /// The title that may be shown before a quiz's answer is revealed.
    pub fn public_title(&self) -> String {
        if !self.is_quiz() {
            return self.front.title.clone();
        }
        if let Some(t) = &self.front.case.quiz_title {
            return t.clone();
        }
        match &self.front.case.presentation {
            Some(p) => format!("Case: {}", p.trim_end_matches('.')),
            None => "Quiz case".to_string(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Section {
    /// `None` for the implicit home section of a site without `content/_index.md`.
    pub file: Option<PathBuf>,
    /// Path of `_index.md` relative to `content/` (empty for the implicit home).
    pub rel: String,
    pub front: SectionFront,
    pub path: String,
    pub url: String,
    pub permalink: String,
    pub content: String,
    /// Pages in display order.
    pub pages: Vec<usize>,
    pub subsections: Vec<usize>,
    pub parent: Option<usize>,
    pub assets: Vec<Asset>,
}

impl Section {
    pub fn is_home(&self) -> bool {
        self.parent.is_none()
    }
}

/// Everything a build publishes, after loading and checking.
#[derive(Debug, Clone, Default)]
pub struct Library {
    pub pages: Vec<Page>,
    /// `sections[0]` is the home section.
    pub sections: Vec<Section>,
    pub taxonomies: Vec<Taxonomy>,
    /// Drafts left out of this build, by path under `content/` (a link to one says so).
    pub drafts: std::collections::HashSet<String>,
}
