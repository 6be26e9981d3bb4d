//! The content model: pages, sections and taxonomies of one site, made from the source list and
//! the front matter records.
//!
//! `load` turns records into the immutable [`Library`]: every page placed in its section with
//! its address, its Markdown rendered with every link checked, its images laid out (headers
//! only, never pixels), its [`Disclosure`] decided and its share card chosen. Everything after
//! works on the library.

mod body;
mod bundle;
pub mod card;
pub mod disclosure;
pub mod event;
mod layout;
mod load;
pub mod people;
mod playlist;
pub mod schedule;
mod series;
mod stacks;
mod taxonomy;
mod tree;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};

pub use card::ShareCard;
pub use disclosure::Disclosure;
pub use event::{Event, Span};
pub use load::{load, read_records, reload_pages, scope_of};
pub use taxonomy::{Taxonomy, Term};

use crate::front::{Fields, Kind, keys};
use crate::markdown::Heading;
use crate::source::FileKind;
use crate::types::{OutPath, PageId, Picture, SectionId, Stack, TaxonomyId, TermId};

/// A file that is published next to a page or section as it is (a PDF, a spreadsheet), or an
/// image re-encoded in its own format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub source: PathBuf,
    pub kind: FileKind,
    pub output: OutPath,
}

#[derive(Debug, Clone)]
pub struct Page {
    /// The source file, as a path a user can open (site folder included).
    pub file: PathBuf,
    /// Path relative to `content/` (what `@/` links name).
    pub rel: String,
    /// The front matter, typed (shared with its record).
    pub fields: Arc<Fields>,
    pub kind: Kind,
    pub slug: String,
    /// Output folder relative to the output root, ending with `/`.
    pub path: String,
    /// URL path from the host root (base path included), ending with `/`.
    pub url: String,
    pub permalink: String,
    /// The folder of a page bundle (`foo/index.md`), which holds its files.
    pub bundle_dir: Option<PathBuf>,
    /// Files published as they are (not pictures, not stack slices, never DICOM).
    pub assets: Vec<Asset>,
    /// Every image of the bundle's own folder, with its variants (gallery and inline images).
    pub pictures: Vec<Picture>,
    /// A case's gallery, in order, with alt text and captions.
    pub gallery: Vec<Picture>,
    pub stacks: Vec<Stack>,
    /// HTML of the body; for a quiz, only the part before the answer.
    pub content: String,
    /// HTML of the part of a quiz body after `<!-- answer -->` (up to `<!-- discussion -->`).
    pub answer: Option<String>,
    /// HTML of a quiz body after `<!-- discussion -->`: its answer opens in stages.
    pub discussion: Option<String>,
    pub summary: Option<String>,
    pub headings: Vec<Heading>,
    pub word_count: usize,
    pub reading_time: usize,
    pub section: SectionId,
    /// Neighbours in the section's order: `lower` comes after this page, `higher` before.
    pub lower: Option<PageId>,
    pub higher: Option<PageId>,
    /// What the page shows before its answer.
    pub disclosure: Disclosure,
    /// When it is published and taken down, and when a quiz's answer is revealed.
    pub schedule: schedule::Schedule,
    /// The share card of a case or a post.
    pub card: Option<ShareCard>,
    /// A person's `photo`: the square crop the site publishes (also among `pictures`).
    pub photo: Option<Picture>,
    /// An event's times and places, or a post's deadline.
    pub event: Option<Event>,
    /// A playlist's cases, in its order.
    pub playlist: Vec<PageId>,
}

impl Page {
    /// The author's title. Before a quiz's answer, show `disclosure.title` instead.
    pub fn title(&self) -> &str {
        self.fields.text(keys::TITLE).unwrap_or_default()
    }

    pub fn date(&self) -> Option<DateTime<FixedOffset>> {
        self.fields.date(keys::DATE)
    }

    pub fn updated(&self) -> Option<DateTime<FixedOffset>> {
        self.fields.date(keys::UPDATED)
    }

    pub fn authors(&self) -> &[String] {
        self.fields.list(keys::AUTHORS)
    }

    pub fn is_quiz(&self) -> bool {
        self.disclosure.quiz
    }
}

#[derive(Debug, Clone)]
pub struct Section {
    /// `None` for the implicit home section of a site without `content/_index.md`.
    pub file: Option<PathBuf>,
    /// Path of `_index.md` relative to `content/` (empty for the implicit home).
    pub rel: String,
    pub fields: Arc<Fields>,
    /// The title: its own, or the site's for an implicit home.
    pub title: Option<String>,
    pub path: String,
    pub url: String,
    pub permalink: String,
    pub content: String,
    /// Pages in display order.
    pub pages: Vec<PageId>,
    pub subsections: Vec<SectionId>,
    pub parent: Option<SectionId>,
    pub assets: Vec<Asset>,
}

impl Section {
    pub fn is_home(&self) -> bool {
        self.parent.is_none()
    }

    pub fn description(&self) -> Option<&str> {
        self.fields.text(keys::DESCRIPTION)
    }

    pub fn paginate_by(&self) -> Option<usize> {
        self.fields.count(keys::PAGINATE_BY)
    }

    pub fn weight(&self) -> Option<i64> {
        self.fields.int(keys::WEIGHT)
    }
}

/// Everything a build publishes, after loading and checking.
#[derive(Debug, Clone, Default)]
pub struct Library {
    pub pages: Vec<Page>,
    /// `sections[0]` is the home section.
    pub sections: Vec<Section>,
    pub taxonomies: Vec<Taxonomy>,
    /// Pages left out of this build (drafts, pages still to be published and expired pages), by
    /// path under `content/`, with why (a link to one says so).
    pub left_out: HashMap<String, schedule::LeftOut>,
    /// The next scheduled change after today: a page published or expiring, an answer revealed.
    pub next_due: Option<schedule::Due>,
    /// The person pages that bylines name, and what each person wrote.
    pub people: people::Directory,
    /// The link preview image of the home page, the lists and plain pages without an image.
    pub site_card: Option<ShareCard>,
}

impl Library {
    pub fn page(&self, id: PageId) -> &Page {
        &self.pages[id.0]
    }

    pub fn section(&self, id: SectionId) -> &Section {
        &self.sections[id.0]
    }

    pub fn taxonomy(&self, id: TaxonomyId) -> &Taxonomy {
        &self.taxonomies[id.0]
    }

    pub fn term(&self, taxonomy: TaxonomyId, term: TermId) -> &Term {
        &self.taxonomies[taxonomy.0].terms[term.0]
    }

    pub fn page_ids(&self) -> impl Iterator<Item = PageId> + use<> {
        (0..self.pages.len()).map(PageId)
    }

    pub fn section_ids(&self) -> impl Iterator<Item = SectionId> + use<> {
        (0..self.sections.len()).map(SectionId)
    }

    pub fn taxonomy_ids(&self) -> impl Iterator<Item = TaxonomyId> + use<> {
        (0..self.taxonomies.len()).map(TaxonomyId)
    }

    /// The site's taxonomy names, in config order.
    pub fn taxonomy_names(&self) -> Vec<&str> {
        self.taxonomies
            .iter()
            .map(|t| t.config.name.as_str())
            .collect()
    }
}
