//! The plan: every file a build will write, as data, decided before any work is done.
//!
//! Two sources writing the same output path is an error here, naming both, so no build ever
//! silently overwrites one page with another.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::content::{Library, Picture};
use crate::diagnostic::{Diagnostic, Errors, Result};
use crate::media::card::CardJob;
use crate::media::{self, ImageJob, Treatment};
use crate::render::feeds::{FeedFormat, FeedSource};
use crate::render::{Pager, theme};

#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    Page(usize),
    Section(usize, Pager),
    TaxonomyList(usize),
    Term {
        taxonomy: usize,
        term: usize,
        pager: Pager,
    },
    /// A redirect page to this URL.
    Redirect(String),
    NotFound,
    Sitemap,
    /// A co-located file of a page or section, published through `media`.
    Asset(PathBuf),
    /// A file of the built-in theme's `static/`.
    ThemeStatic(&'static [u8]),
    /// A file of a `static/` folder, copied as is (images re-encoded, DICOM withheld).
    Static(PathBuf),
    /// One variant of an image; the work is done by the image job at this index of `Plan::images`.
    ImageVariant(usize),
    Feed(FeedSource, FeedFormat),
    /// The share card of the page at this index; drawn by the card stage from `Plan::cards`.
    Card(usize),
    /// `robots.txt` pointing crawlers to the sitemap (a site's `static/robots.txt` replaces it).
    Robots,
}

#[derive(Debug, Clone)]
pub struct Output {
    /// Path relative to the output folder, `/`-separated.
    pub path: String,
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
    taken: HashMap<String, usize>,
    errors: Vec<Diagnostic>,
}

impl Planner<'_> {
    /// Add an output; static files may replace static files (theme → site), nothing else may clash.
    fn add(&mut self, path: String, job: Job) {
        if !is_safe_output(&path) {
            let origin = self.origin(&job);
            self.errors.push(
                Diagnostic::new(format!(
                    "{origin} would be published at `{path}`, outside the site"
                ))
                .with_hint("use plain names: no `..`, no empty folder names, no backslashes"),
            );
            return;
        }
        let overridable = |j: &Job| matches!(j, Job::ThemeStatic(_) | Job::Static(_) | Job::Robots);
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
                        path.trim_end_matches("index.html")
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
            Job::Page(i) => lib.pages[*i].file.display().to_string(),
            Job::Section(i, _) => lib.sections[*i]
                .file
                .as_ref()
                .map_or_else(|| "the home page".to_string(), |f| f.display().to_string()),
            Job::TaxonomyList(t) | Job::Term { taxonomy: t, .. } => {
                format!("the `{}` taxonomy", lib.taxonomies[*t].config.name)
            }
            Job::Redirect(to) => format!("an alias redirecting to {to}"),
            Job::NotFound => "the 404 page".into(),
            Job::Sitemap => "the sitemap".into(),
            Job::Asset(p) | Job::Static(p) => p.display().to_string(),
            Job::ThemeStatic(_) => "the built-in theme".into(),
            Job::ImageVariant(i) => self.images[*i].source.display().to_string(),
            Job::Feed(..) => "a feed".into(),
            Job::Card(i) => format!("the share card of {}", lib.pages[*i].file.display()),
            Job::Robots => "robots.txt".into(),
        }
    }
}

/// Decide every output of a build.
pub fn plan(library: &Library, static_dirs: &[PathBuf]) -> Result<Plan> {
    let mut p = Planner {
        library,
        outputs: Vec::new(),
        images: Vec::new(),
        cards: Vec::new(),
        taken: HashMap::new(),
        errors: Vec::new(),
    };
    p.add("robots.txt".into(), Job::Robots);
    for (path, bytes) in theme::static_files() {
        p.add(path.to_string(), Job::ThemeStatic(bytes));
    }
    for dir in static_dirs {
        for file in static_files(dir)? {
            let rel = crate::content::slash_path(file.strip_prefix(dir).unwrap_or(&file));
            if media::treatment(&file) != Treatment::Withhold {
                p.add(rel, Job::Static(file));
            }
        }
    }
    for (i, section) in library.sections.iter().enumerate() {
        let per_page = section.front.paginate_by;
        let count = Pager::count(section.pages.len(), per_page);
        for number in 1..=count {
            let path = Pager::path(&section.path, number);
            p.add(
                format!("{path}index.html"),
                Job::Section(i, Pager { number, per_page }),
            );
        }
        if count > 1 {
            p.add(
                format!("{}page/1/index.html", section.path),
                Job::Redirect(section.url.clone()),
            );
        }
        for asset in &section.assets {
            add_asset(&mut p, asset);
        }
    }
    for (i, page) in library.pages.iter().enumerate() {
        p.add(format!("{}index.html", page.path), Job::Page(i));
        if let Some(card) = &page.card {
            p.cards.push(card.job.clone());
            p.add(card.job.output.clone(), Job::Card(i));
        }
        for asset in &page.assets {
            add_asset(&mut p, asset);
        }
        for alias in &page.front.aliases {
            match alias_path(alias) {
                Some(path) => p.add(path, Job::Redirect(page.url.clone())),
                None => p.errors.push(
                    Diagnostic::in_file(&page.file, format!("alias \"{alias}\" is not a path of this site"))
                        .with_hint("write an old address of this site as a path, e.g. aliases = [\"/old/case-12/\"]"),
                ),
            }
        }
        let mut jobs: Vec<&Picture> = page.pictures.iter().chain(&page.gallery).collect();
        jobs.extend(page.stacks.iter().flat_map(|s| &s.frames));
        // A stack's default window is `frames` again; the others are new jobs.
        jobs.extend(
            page.stacks
                .iter()
                .flat_map(|s| s.windows.iter().skip(1).flat_map(|w| &w.frames)),
        );
        let mut seen = std::collections::HashSet::new();
        for pic in jobs {
            // A gallery image is usually one of the bundle's pictures too: one job per file.
            // A multi-frame DICOM file is one source with a job per frame and window.
            if !seen.insert((&pic.source, pic.dicom.map(|d| d.key()))) {
                continue;
            }
            let index = p.images.len();
            p.images.push(ImageJob {
                source: pic.source.clone(),
                dicom: pic.dicom,
                variants: pic.variants.clone(),
            });
            for v in &pic.variants {
                p.add(v.output.clone(), Job::ImageVariant(index));
            }
        }
    }
    for (t, tax) in library.taxonomies.iter().enumerate() {
        if tax.terms.is_empty() {
            continue;
        }
        p.add(format!("{}index.html", tax.path), Job::TaxonomyList(t));
        for (term_index, term) in tax.terms.iter().enumerate() {
            let per_page = tax.config.paginate_by;
            for number in 1..=Pager::count(term.pages.len(), per_page) {
                let path = Pager::path(&term.path, number);
                p.add(
                    format!("{path}index.html"),
                    Job::Term {
                        taxonomy: t,
                        term: term_index,
                        pager: Pager { number, per_page },
                    },
                );
            }
        }
    }
    for format in [FeedFormat::Rss, FeedFormat::Atom] {
        p.add(
            format.file_name().to_string(),
            Job::Feed(FeedSource::Site, format),
        );
        for (i, section) in library
            .sections
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.is_home())
        {
            p.add(
                format!("{}{}", section.path, format.file_name()),
                Job::Feed(FeedSource::Section(i), format),
            );
        }
        for (t, tax) in library
            .taxonomies
            .iter()
            .enumerate()
            .filter(|(_, t)| t.config.feed)
        {
            for (term_index, term) in tax.terms.iter().enumerate() {
                let source = FeedSource::Term {
                    taxonomy: t,
                    term: term_index,
                };
                p.add(
                    format!("{}{}", term.path, format.file_name()),
                    Job::Feed(source, format),
                );
            }
        }
    }
    p.add("404.html".into(), Job::NotFound);
    p.add("sitemap.xml".into(), Job::Sitemap);
    if p.errors.is_empty() {
        Ok(Plan {
            outputs: p.outputs,
            images: p.images,
            cards: p.cards,
        })
    } else {
        Err(Errors(p.errors))
    }
}

fn add_asset(p: &mut Planner<'_>, asset: &crate::content::Asset) {
    if media::treatment(&asset.source) != Treatment::Withhold {
        p.add(asset.output.clone(), Job::Asset(asset.source.clone()));
    }
}

/// `/old/path` → `old/path/index.html`; `/old.html` stays a file.
/// `/old/path` → `old/path/index.html`; `/old.html` stays a file. `None` for a URL or an empty alias.
fn alias_path(alias: &str) -> Option<String> {
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
    is_safe_output(&path).then_some(path)
}

/// An output path stays inside the output folder: relative, no `.`/`..`/empty segments, no `\`.
fn is_safe_output(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && path
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..")
}

fn static_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            match e.loop_ancestor() {
                Some(a) => Diagnostic::in_file(
                    &path,
                    format!("symbolic link loop back to {}", a.display()),
                )
                .with_hint("remove or fix the link"),
                None => Diagnostic::in_file(&path, format!("could not read: {e}")),
            }
        })?;
        if entry.file_type().is_file() {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_paths() {
        assert_eq!(
            alias_path("/old/case/").as_deref(),
            Some("old/case/index.html")
        );
        assert_eq!(
            alias_path("old/case").as_deref(),
            Some("old/case/index.html")
        );
        assert_eq!(alias_path("/old.html").as_deref(), Some("old.html"));
        assert_eq!(alias_path("https://x.org/a"), None);
        assert_eq!(alias_path("/"), None);
        assert_eq!(alias_path("../up/"), None);
    }

    #[test]
    fn unsafe_output_paths_are_refused() {
        for bad in [
            "",
            "/index.html",
            "../x/index.html",
            "a/../../b",
            "a//index.html",
            "a/./b",
            "a\\..\\b",
        ] {
            assert!(!is_safe_output(bad), "{bad}");
        }
        assert!(is_safe_output("cases/a/index.html"));
    }
}
