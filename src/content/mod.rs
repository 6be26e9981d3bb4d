//! The content model: pages, sections and taxonomies of one site, loaded from `content/`.
//!
//! `load` is the only place that reads Markdown files; everything after it works on the
//! immutable [`Library`].

pub mod front_matter;
mod load;
mod taxonomy;
mod walk;

use std::path::PathBuf;

pub use front_matter::{Kind, PageFront, SectionFront, SortBy};
pub use load::{LoadOptions, load};
pub use taxonomy::{Taxonomy, Term};

use crate::markdown::Heading;

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
    pub assets: Vec<Asset>,
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
}

impl Page {
    pub fn is_quiz(&self) -> bool {
        self.kind == Kind::Case && self.front.case.quiz
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
}
