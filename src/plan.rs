//! The plan: every file a build will write, as data, decided before any work is done.
//!
//! Made from the library and the source list alone: it reads no file. Two sources writing the
//! same output path is an error here, naming both, so no build ever silently overwrites one
//! page with another.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use crate::content::event::{SITE_CALENDAR, calendar_path};
use crate::content::{Asset, Library};
use crate::diagnostic::{Diagnostic, Errors, Result};
use crate::media::ImageJob;
use crate::media::card::CardJob;
use crate::source::{FileKind, Root, Sources};
use crate::theme;
use crate::types::{
    FeedFormat, FeedSource, OutPath, PageId, Pager, Picture, SEARCH_DIR, SearchFile, SearchLayout,
    SectionId, TaxonomyId, TermId,
};

#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    Page(PageId),
    Section(SectionId, Pager),
    TaxonomyList(TaxonomyId),
    Term {
        taxonomy: TaxonomyId,
        term: TermId,
        pager: Pager,
    },
    /// A redirect page to this URL.
    Redirect(String),
    NotFound,
    Sitemap,
    /// A co-located file of a page or section, published as it is (an image re-encoded).
    Asset {
        source: PathBuf,
        kind: FileKind,
    },
    /// A file of the built-in theme's `static/`.
    ThemeStatic(&'static [u8]),
    /// A file of a `static/` folder, published as it is (an image re-encoded).
    Static {
        source: PathBuf,
        kind: FileKind,
    },
    /// One variant of an image; the work is done by the image job at this index of `Plan::images`.
    ImageVariant(usize),
    Feed(FeedSource, FeedFormat),
    /// The share card of this page; drawn by the card stage from `Plan::cards`.
    Card(PageId),
    /// The site's card (see `content::card::site_card`), drawn the same way.
    SiteCard,
    /// `robots.txt` pointing crawlers to the sitemap (a site's `static/robots.txt` replaces it).
    Robots,
    /// `/events.ics`: the site's events and deadlines.
    SiteCalendar,
    /// The `.ics` file of one event or a post's deadline.
    PageCalendar(PageId),
    /// The search page (`search.html`).
    SearchPage,
    /// One file of the search index.
    Search(SearchFile),
}

impl Job {
    /// Whether the job is a share card (a page's or the site's).
    pub fn is_card(&self) -> bool {
        matches!(self, Job::Card(_) | Job::SiteCard)
    }

    /// Whether the job renders a template (a template change redoes it).
    pub fn is_templated(&self) -> bool {
        matches!(
            self,
            Job::Page(_)
                | Job::Section(..)
                | Job::TaxonomyList(_)
                | Job::Term { .. }
                | Job::NotFound
                | Job::SearchPage
        )
    }
}

#[derive(Debug, Clone)]
pub struct Output {
    pub path: OutPath,
    pub job: Job,
}

#[derive(Debug, Default)]
pub struct Plan {
    /// Files written by rendering or copying, one job each.
    pub outputs: Vec<Output>,
    /// Images: one job per source, writing all its variants (their paths are in `outputs` as
    /// `ImageVariant`, so clashes are caught like any other output).
    pub images: Vec<ImageJob>,
    /// Share cards to draw (their paths are in `outputs` as `Card`).
    pub cards: Vec<CardJob>,
}

struct Planner<'a> {
    library: &'a Library,
    outputs: Vec<Output>,
    images: Vec<ImageJob>,
    cards: Vec<CardJob>,
    /// Output path → index in `outputs`.
    taken: HashMap<OutPath, usize>,
    errors: Vec<Diagnostic>,
}

impl Planner<'_> {
    /// Add an output; static files may replace static files (theme → site), nothing else may clash.
    fn add(&mut self, path: impl Into<OutPath>, job: Job) {
        let path = path.into();
        if !path.is_safe() {
            let origin = self.origin(&job);
            self.errors.push(
                Diagnostic::new(format!(
                    "{origin} would be published at `{path}`, outside the site"
                ))
                .with_hint("use plain names: no `..`, no empty folder names, no backslashes"),
            );
            return;
        }
        if let Some(name) = path.as_str().split('/').find(|n| n.len() > NAME_MAX) {
            let origin = self.origin(&job);
            let cut: String = name.chars().take(40).collect();
            self.errors.push(
                Diagnostic::new(format!(
                    "{origin} would be published under the name `{cut}…`, which is {} bytes long: a file name can hold at most {NAME_MAX}",
                    name.len()
                ))
                .with_hint("set a shorter `slug` in its front matter (without one, the address is made from the title or the file name)"),
            );
            return;
        }
        let overridable =
            |j: &Job| matches!(j, Job::ThemeStatic(_) | Job::Static { .. } | Job::Robots);
        match self.taken.get(&path) {
            Some(&i) if overridable(&self.outputs[i].job) && overridable(&job) => {
                self.outputs[i].job = job;
            }
            Some(&i) => {
                let first = self.origin(&self.outputs[i].job);
                let second = self.origin(&job);
                self.errors.push(
                    Diagnostic::new(format!(
                        "two sources would be published at the same address /{}: {first} and {second}",
                        path.as_str().trim_end_matches("index.html")
                    ))
                    .with_hint("give one of them another `slug`, rename its file, or remove the duplicate alias"),
                );
            }
            None => {
                self.taken.insert(path.clone(), self.outputs.len());
                self.outputs.push(Output { path, job });
            }
        }
    }

    fn origin(&self, job: &Job) -> String {
        let lib = self.library;
        match job {
            Job::Page(i) => lib.page(*i).file.display().to_string(),
            Job::Section(i, _) => lib
                .section(*i)
                .file
                .as_ref()
                .map_or_else(|| "the home page".to_string(), |f| f.display().to_string()),
            Job::TaxonomyList(t) | Job::Term { taxonomy: t, .. } => {
                format!("the `{}` taxonomy", lib.taxonomy(*t).config.name)
            }
            Job::Redirect(to) => format!("an alias redirecting to {to}"),
            Job::NotFound => "the 404 page".into(),
            Job::Sitemap => "the sitemap".into(),
            Job::Asset { source, .. } | Job::Static { source, .. } => source.display().to_string(),
            Job::ThemeStatic(_) => "the built-in theme".into(),
            Job::ImageVariant(i) => self.images[*i].source.display().to_string(),
            Job::Feed(..) => "a feed".into(),
            Job::Card(i) => format!("the share card of {}", lib.page(*i).file.display()),
            Job::SiteCard => "the site's share card".into(),
            Job::Robots => "robots.txt".into(),
            Job::SiteCalendar => "the events calendar".into(),
            Job::PageCalendar(i) => format!("the calendar file of {}", lib.page(*i).file.display()),
            Job::SearchPage => "the search page".into(),
            Job::Search(_) => "the search index".into(),
        }
    }

    fn asset(&mut self, asset: &Asset) {
        self.add(
            asset.output.clone(),
            Job::Asset {
                source: asset.source.clone(),
                kind: asset.kind,
            },
        );
    }

    fn site_files(&mut self, sources: &Sources) {
        self.add("robots.txt", Job::Robots);
        for (path, bytes) in theme::static_files() {
            self.add(path, Job::ThemeStatic(bytes));
        }
        // The theme's static files first, so the site's own replace them.
        for root in [Root::ThemeStatic, Root::Static] {
            for s in sources.in_root(root).filter(|s| s.kind != FileKind::Dicom) {
                self.add(
                    s.rel.clone(),
                    Job::Static {
                        source: s.path.clone(),
                        kind: s.kind,
                    },
                );
            }
        }
    }

    fn sections(&mut self) {
        let library = self.library;
        for id in library.section_ids() {
            let section = library.section(id);
            let per_page = section.paginate_by();
            let count = Pager::count(section.pages.len(), per_page);
            for number in 1..=count {
                let path = Pager::path(&section.path, number);
                self.add(
                    format!("{path}index.html"),
                    Job::Section(id, Pager { number, per_page }),
                );
            }
            if count > 1 {
                self.add(
                    format!("{}page/1/index.html", section.path),
                    Job::Redirect(section.url.clone()),
                );
            }
            for asset in &section.assets {
                self.asset(asset);
            }
        }
    }

    fn pages(&mut self) {
        let library = self.library;
        if let Some(card) = &library.site_card {
            self.cards.push(card.job.clone());
            self.add(card.job.output.clone(), Job::SiteCard);
        }
        for id in library.page_ids() {
            let page = library.page(id);
            self.add(format!("{}index.html", page.path), Job::Page(id));
            if page.event.is_some() {
                self.add(calendar_path(page), Job::PageCalendar(id));
            }
            if let Some(card) = &page.card {
                self.cards.push(card.job.clone());
                self.add(card.job.output.clone(), Job::Card(id));
            }
            for asset in &page.assets {
                self.asset(asset);
            }
            for alias in page.fields.list(crate::front::keys::ALIASES) {
                match alias_path(alias) {
                    Some(path) => self.add(path, Job::Redirect(page.url.clone())),
                    None => self.errors.push(
                        Diagnostic::in_file(&page.file, format!("alias \"{alias}\" is not a path of this site"))
                            .with_hint("write an old address of this site as a path, e.g. aliases = [\"/old/case-12/\"]"),
                    ),
                }
            }
            // (picture, whether it is a stack slice)
            let mut pictures: Vec<(&Picture, bool)> = page
                .pictures
                .iter()
                .chain(&page.gallery)
                .map(|p| (p, false))
                .collect();
            pictures.extend(
                page.stacks
                    .iter()
                    .flat_map(|s| &s.frames)
                    .map(|p| (p, true)),
            );
            // A stack's default window is `frames` again; the others are new jobs.
            pictures.extend(
                page.stacks
                    .iter()
                    .flat_map(|s| s.windows.iter().skip(1).flat_map(|w| &w.frames))
                    .map(|p| (p, true)),
            );
            let mut seen = HashSet::new();
            for (pic, slice) in pictures {
                // A gallery image is usually one of the bundle's pictures too: one job per file.
                // A multi-frame DICOM file is one source with a job per frame and window.
                if !seen.insert((&pic.source, pic.dicom.map(|d| d.key()))) {
                    continue;
                }
                let index = self.images.len();
                self.images.push(ImageJob {
                    source: pic.source.clone(),
                    hash: pic.hash,
                    dicom: pic.dicom,
                    variants: pic.variants.clone(),
                    redact: pic.redact.clone(),
                    slice,
                    crop: pic.crop,
                });
                for v in &pic.variants {
                    self.add(v.output.clone(), Job::ImageVariant(index));
                }
            }
            // A thumbnail cut around a `focus` is other pixels: its own job, searched for text
            // as it is published.
            for pic in &page.gallery {
                let Some(thumb) = &pic.thumb else { continue };
                if !seen.insert((&pic.source, Some(format!("thumb;{:?}", thumb.crop)))) {
                    continue;
                }
                let index = self.images.len();
                self.images.push(ImageJob {
                    source: pic.source.clone(),
                    hash: pic.hash,
                    dicom: pic.dicom,
                    variants: thumb.variants.clone(),
                    redact: pic.redact.clone(),
                    slice: false,
                    crop: Some(thumb.crop),
                });
                for v in &thumb.variants {
                    self.add(v.output.clone(), Job::ImageVariant(index));
                }
            }
        }
    }

    fn taxonomies(&mut self) {
        let library = self.library;
        for t in library.taxonomy_ids() {
            let tax = library.taxonomy(t);
            if tax.terms.is_empty() {
                continue;
            }
            self.add(format!("{}index.html", tax.path), Job::TaxonomyList(t));
            for (i, term) in tax.terms.iter().enumerate() {
                let per_page = tax.config.paginate_by;
                for number in 1..=Pager::count(term.pages.len(), per_page) {
                    let path = Pager::path(&term.path, number);
                    self.add(
                        format!("{path}index.html"),
                        Job::Term {
                            taxonomy: t,
                            term: TermId(i),
                            pager: Pager { number, per_page },
                        },
                    );
                }
            }
        }
    }

    fn feeds(&mut self) {
        let library = self.library;
        for format in FeedFormat::ALL {
            self.add(format.file_name(), Job::Feed(FeedSource::Site, format));
            for id in library
                .section_ids()
                .filter(|&s| !library.section(s).is_home())
            {
                self.add(
                    format!("{}{}", library.section(id).path, format.file_name()),
                    Job::Feed(FeedSource::Section(id), format),
                );
            }
            for t in library
                .taxonomy_ids()
                .filter(|&t| library.taxonomy(t).config.feed)
            {
                for (i, term) in library.taxonomy(t).terms.iter().enumerate() {
                    let source = FeedSource::Term {
                        taxonomy: t,
                        term: TermId(i),
                    };
                    self.add(
                        format!("{}{}", term.path, format.file_name()),
                        Job::Feed(source, format),
                    );
                }
            }
        }
    }
}

/// Decide every output of a build of `library`, whose sources are `sources`.
/// The longest file name most file systems hold, in bytes (Linux, macOS, Windows in UTF-16).
const NAME_MAX: usize = 255;

pub fn plan(library: &Library, sources: &Sources) -> Result<Plan> {
    let mut p = Planner {
        library,
        outputs: Vec::new(),
        images: Vec::new(),
        cards: Vec::new(),
        taken: HashMap::new(),
        errors: Vec::new(),
    };
    p.site_files(sources);
    p.sections();
    p.pages();
    p.taxonomies();
    p.feeds();
    p.add("404.html", Job::NotFound);
    p.add("sitemap.xml", Job::Sitemap);
    p.add(format!("{SEARCH_DIR}index.html"), Job::SearchPage);
    for (path, file) in SearchLayout::for_docs(library.pages.len()).files() {
        p.add(path, Job::Search(file));
    }
    if library.pages.iter().any(|p| p.event.is_some()) {
        p.add(SITE_CALENDAR, Job::SiteCalendar);
    }
    Errors::or_ok(
        p.errors,
        Plan {
            outputs: p.outputs,
            images: p.images,
            cards: p.cards,
        },
    )
}

/// `/old/path` → `old/path/index.html`; `/old.html` stays a file. `None` for a URL or an empty alias.
fn alias_path(alias: &str) -> Option<OutPath> {
    if alias.contains("://") || alias.starts_with("//") || alias.contains(['?', '#']) {
        return None;
    }
    let a = alias.trim_start_matches('/');
    let path = if a.is_empty() {
        return None;
    } else if a.ends_with(".html") || a.ends_with(".htm") {
        a.to_string()
    } else if a.ends_with('/') {
        format!("{a}index.html")
    } else {
        format!("{a}/index.html")
    };
    let path = OutPath::new(path);
    path.is_safe().then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_paths() {
        let path = |a: &str| alias_path(a).map(|p| p.as_str().to_string());
        assert_eq!(path("/old/case/").as_deref(), Some("old/case/index.html"));
        assert_eq!(path("old/case").as_deref(), Some("old/case/index.html"));
        assert_eq!(path("/old.html").as_deref(), Some("old.html"));
        assert_eq!(path("https://x.org/a"), None);
        assert_eq!(path("/"), None);
        assert_eq!(path("../up/"), None);
    }
}
