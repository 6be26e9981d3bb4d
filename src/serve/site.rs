//! The site as `serve` holds it: the pipeline's state kept in memory between rebuilds, and
//! every output as bytes (or as a file to read), so a rebuild redoes only what an edit touched.
//!
//! What depends on what is decided here and in [`super::affected`], from the kind of change:
//! - `config.toml`: everything (the whole pipeline runs again);
//! - an edited page's Markdown: that page is parsed and rendered again, then only the outputs
//!   that read it are rendered (see `affected`);
//! - anything else under `content/` (new, deleted or renamed files, sections, images): content
//!   is loaded again and every output rendered; images come from the cache;
//! - a template: templates are loaded again and every templated output rendered;
//! - a static file: only its own output.
//!
//! The privacy guard runs as in `build`: over the whole site after a full load or a static
//! change, over the edited pages otherwise. A failed rebuild changes nothing: the last good
//! site stays, and the failed paths are tried again with the next change.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use rayon::prelude::*;

use super::affected;
use crate::commands::build::{self, Product};
use crate::config::Config;
use crate::content::{self, Library, LoadOptions};
use crate::diagnostic::{Diagnostic, Errors, Result, io_error};
use crate::media::card::CardJob;
use crate::media::{self, Cache, ImageJob, Treatment};
use crate::plan::{self, Job, Plan};
use crate::render::{self, Renderer, Templates};

/// The tag `serve` puts into every HTML page it serves (never into `build` output).
pub const RELOAD_TAG: &str = "<script src=\"/__radcase/livereload.js\"></script>";

/// What a served path answers with.
#[derive(Debug, Clone)]
pub enum Body {
    Bytes(Bytes),
    /// A file on disk: a static file, or an image made in the media folder.
    File(PathBuf),
}

pub type Files = HashMap<String, Body>;

#[derive(Debug, Clone)]
pub struct Settings {
    /// The site folder as the user named it (error messages show this).
    pub site: PathBuf,
    /// The same folder, canonical, as file events name it.
    pub root: PathBuf,
    /// The local server's address, replacing `base_url`.
    pub base_url: String,
    pub drafts: bool,
    pub cache_dir: Option<PathBuf>,
    /// Where re-encoded images are written for serving.
    pub media_dir: PathBuf,
}

/// What one rebuild did.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Outputs produced again.
    pub rendered: usize,
    pub removed: usize,
    /// Content or configuration was loaded as a whole.
    pub full: bool,
    /// URL paths of the pages produced again (browsers showing one reload).
    pub urls: Vec<String>,
    /// Only stylesheets changed: browsers swap them without reloading.
    pub css_only: bool,
    pub elapsed: Duration,
}

/// Changed paths sorted by what they affect.
#[derive(Debug, Default)]
struct Changes {
    config: bool,
    templates: bool,
    /// Existing page files whose text changed, by path under `content/`.
    pages: Vec<String>,
    /// Any other change under `content/`.
    content: bool,
    statics: HashSet<PathBuf>,
}

impl Changes {
    fn is_empty(&self) -> bool {
        !self.config
            && !self.templates
            && self.pages.is_empty()
            && !self.content
            && self.statics.is_empty()
    }
}

pub struct Site {
    settings: Settings,
    config: Config,
    templates: Templates,
    library: Library,
    plan: Plan,
    cache: Cache,
    files: Arc<Files>,
    /// Changed paths of failed updates, to be tried again.
    pending: Vec<PathBuf>,
}

impl Site {
    /// Run the whole pipeline into memory.
    pub fn load(settings: Settings) -> Result<(Site, Outcome)> {
        let started = Instant::now();
        let site_dir = &settings.site;
        let config = build::load_config(site_dir, Some(&settings.base_url))?;
        let (templates, library) = build::load_sources(site_dir, &config, settings.drafts)?;
        crate::privacy::guard(site_dir, &config)?;
        let plan = plan::plan(
            &library,
            &render::templates::static_dirs(site_dir, &config)?,
        )?;
        let cache = Cache::open(&build::cache_dir(
            site_dir,
            &config,
            settings.cache_dir.as_deref(),
        ))?;
        let all: Vec<usize> = (0..plan.outputs.len()).collect();
        let made = produce(
            &config,
            &library,
            &templates,
            &plan,
            &all,
            &cache,
            &settings.media_dir,
        )?;
        let outcome = outcome(&made, 0, true, false, started);
        let site = Site {
            files: Arc::new(made.into_iter().collect()),
            settings,
            config,
            templates,
            library,
            plan,
            cache,
            pending: Vec::new(),
        };
        Ok((site, outcome))
    }

    pub fn files(&self) -> Arc<Files> {
        Arc::clone(&self.files)
    }

    /// Bring the site up to date after `paths` changed. `Ok(None)`: nothing the site reads.
    ///
    /// The paths of a failed update are kept and tried again with the next one, so an error
    /// stays reported until its own file is fixed, whatever else is saved meanwhile.
    pub fn update(&mut self, paths: &[PathBuf]) -> Result<Option<Outcome>> {
        let mut all = std::mem::take(&mut self.pending);
        for p in paths {
            if !all.contains(p) {
                all.push(p.clone());
            }
        }
        let result = self.apply(&all);
        if result.is_err() {
            self.pending = all;
        }
        result
    }

    fn apply(&mut self, paths: &[PathBuf]) -> Result<Option<Outcome>> {
        let changes = self.classify(paths);
        if changes.is_empty() {
            return Ok(None);
        }
        if changes.config {
            let (site, outcome) = Site::load(self.settings.clone())?;
            *self = site;
            return Ok(Some(outcome));
        }
        let started = Instant::now();
        let site_dir = &self.settings.site;
        let templates = match changes.templates {
            true => Some(Templates::load(site_dir, &self.config)?),
            false => None,
        };
        let options = LoadOptions {
            drafts: self.settings.drafts,
        };
        // `changed`: the edited pages when only they were reloaded; `None` when all content was.
        let (library, changed) = if changes.content {
            (Some(content::load(site_dir, &self.config, options)?), None)
        } else if changes.pages.is_empty() {
            (None, Some(HashSet::new()))
        } else {
            match content::reload_pages(
                site_dir,
                &self.config,
                &self.library,
                &changes.pages,
                options,
            )? {
                Some(library) => {
                    let changed = changes
                        .pages
                        .iter()
                        .filter_map(|rel| library.pages.iter().position(|p| &p.rel == rel))
                        .collect();
                    (Some(library), Some(changed))
                }
                None => (Some(content::load(site_dir, &self.config, options)?), None),
            }
        };
        // The privacy guard, as `build` runs it: on everything after a full load or a static
        // change, else on the edited pages.
        if changed.is_none() || !changes.statics.is_empty() {
            crate::privacy::guard(site_dir, &self.config)?;
        } else if !changes.pages.is_empty() {
            let content = site_dir.join("content");
            crate::privacy::guard_files(
                &self.config,
                changes.pages.iter().map(|rel| content.join(rel)).collect(),
            )?;
        }
        let new_library = library.as_ref().unwrap_or(&self.library);
        let new_templates = templates.as_ref().unwrap_or(&self.templates);
        let static_dirs = render::templates::static_dirs(site_dir, &self.config)?;
        let plan = plan::plan(new_library, &static_dirs)?;

        let before: HashMap<&str, &Job> = self
            .plan
            .outputs
            .iter()
            .map(|o| (o.path.as_str(), &o.job))
            .collect();
        let selected: Vec<usize> = plan
            .outputs
            .iter()
            .enumerate()
            .filter(|(_, out)| {
                let job = &out.job;
                before.get(out.path.as_str()) != Some(&job)
                    || changed.is_none()
                    || (templates.is_some() && is_templated(job))
                    || changed.as_ref().is_some_and(|c| {
                        !c.is_empty() && affected::reads_changed(job, &self.library, new_library, c)
                    })
                    || matches!(job, Job::Static(src) | Job::Asset(src) if changes.statics.contains(src))
            })
            .map(|(i, _)| i)
            .collect();
        let made = produce(
            &self.config,
            new_library,
            new_templates,
            &plan,
            &selected,
            &self.cache,
            &self.settings.media_dir,
        )?;

        let planned: HashSet<&str> = plan.outputs.iter().map(|o| o.path.as_str()).collect();
        let mut files: Files = self
            .files
            .iter()
            .filter(|(path, _)| planned.contains(path.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let removed = self.files.len() - files.len();
        let css_only = !changes.templates
            && changes.pages.is_empty()
            && !changes.content
            && changes
                .statics
                .iter()
                .all(|p| p.extension().is_some_and(|e| e == "css"))
            && made.iter().all(|(path, _)| path.ends_with(".css"));
        let mut outcome = outcome(&made, removed, changed.is_none(), css_only, started);
        if !changes.statics.is_empty() && !css_only {
            // A static file edited in place keeps its output path but can change any page.
            outcome.urls = vec!["*".into()];
        }
        files.extend(made);
        self.files = Arc::new(files);
        self.plan = plan;
        if let Some(l) = library {
            self.library = l;
        }
        if let Some(t) = templates {
            self.templates = t;
        }
        Ok(Some(outcome))
    }

    /// Sort changed paths by what they affect; editor scratch files and paths the site does
    /// not read (the output, the image cache) are left out.
    fn classify(&self, paths: &[PathBuf]) -> Changes {
        let mut changes = Changes::default();
        for path in paths {
            let Ok(rel) = path.strip_prefix(&self.settings.root) else {
                continue;
            };
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if parts.iter().any(|p| is_scratch(p)) {
                continue;
            }
            match parts.iter().map(String::as_str).collect::<Vec<_>>()[..] {
                ["config.toml"] => changes.config = true,
                ["content", ..] if parts.len() > 1 => {
                    let under = parts[1..].join("/");
                    let exists = path.exists();
                    if exists
                        && under.ends_with(".md")
                        && self.library.pages.iter().any(|p| p.rel == under)
                    {
                        if !changes.pages.contains(&under) {
                            changes.pages.push(under);
                        }
                    } else if exists || self.knows(&under) {
                        changes.content = true;
                    }
                    // Else a file that came and went (an editor's or sed's temporary file).
                }
                ["content"] => changes.content = true,
                ["templates", ..] | ["themes", _, "templates", ..] => changes.templates = true,
                ["static", ..] | ["themes", _, "static", ..] => {
                    changes.statics.insert(self.settings.site.join(rel));
                }
                // A theme's own settings, or a theme folder appearing: load it all again.
                ["themes", ..] => changes.config = true,
                _ => {}
            }
        }
        changes
    }
}

impl Site {
    /// Whether `under` (a path under `content/`) was part of the site at the last build.
    fn knows(&self, under: &str) -> bool {
        let content = self.settings.site.join("content");
        let is = |source: &Path| {
            source
                .strip_prefix(&content)
                .is_ok_and(|r| crate::content::slash_path(r) == under)
        };
        let lib = &self.library;
        lib.pages.iter().any(|p| p.rel == under || p.bundle_files.iter().any(|a| is(&a.source)))
            || lib.sections.iter().any(|s| s.rel == under || s.assets.iter().any(|a| is(&a.source)))
            // A folder that held pages.
            || lib.pages.iter().any(|p| p.rel.starts_with(&format!("{under}/")))
    }
}

/// Editors' swap, backup and lock files, and hidden files: never part of a site.
pub fn is_scratch(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

fn is_templated(job: &Job) -> bool {
    matches!(
        job,
        Job::Page(_) | Job::Section(..) | Job::TaxonomyList(_) | Job::Term { .. } | Job::NotFound
    )
}

fn outcome(
    made: &[(String, Body)],
    removed: usize,
    full: bool,
    css_only: bool,
    started: Instant,
) -> Outcome {
    let urls = if full {
        vec!["*".to_string()]
    } else {
        made.iter().filter_map(|(path, _)| page_url(path)).collect()
    };
    Outcome {
        rendered: made.len(),
        removed,
        full,
        urls,
        css_only,
        elapsed: started.elapsed(),
    }
}

/// The URL path a browser shows for an HTML output (`cases/a/index.html` → `/cases/a/`).
fn page_url(path: &str) -> Option<String> {
    if let Some(dir) = path.strip_suffix("index.html") {
        Some(format!("/{dir}"))
    } else {
        path.ends_with(".html").then(|| format!("/{path}"))
    }
}

/// Produce the outputs `selected` (indices into `plan.outputs`).
fn produce(
    config: &Config,
    library: &Library,
    templates: &Templates,
    plan: &Plan,
    selected: &[usize],
    cache: &Cache,
    media_dir: &Path,
) -> Result<Vec<(String, Body)>> {
    let renderer = Renderer::new(config, library, templates)?;
    let mut images: Vec<usize> = selected
        .iter()
        .filter_map(|&o| match plan.outputs[o].job {
            Job::ImageVariant(i) => Some(i),
            _ => None,
        })
        .collect();
    images.sort_unstable();
    images.dedup();
    let jobs: Vec<ImageJob> = images.iter().map(|&i| plan.images[i].clone()).collect();
    let prepare = |rel: &str| prepare(media_dir, rel);
    media::process(&jobs, config.images.quality, cache, &prepare, false)?;
    let cards: Vec<CardJob> = selected
        .iter()
        .filter_map(|&o| match plan.outputs[o].job {
            Job::Card(page) => library.pages[page].card.as_ref().map(|c| c.job.clone()),
            _ => None,
        })
        .collect();
    media::card::process(&cards, cache, &prepare)?;

    let results: Vec<std::result::Result<(String, Body), Errors>> = selected
        .par_iter()
        .map(|&o| {
            let out = &plan.outputs[o];
            let body = match build::produce(&renderer, &out.job)? {
                Product::Text(text) if out.path.ends_with(".html") => {
                    Body::Bytes(Bytes::from(with_reload_tag(text)))
                }
                Product::Text(text) => Body::Bytes(Bytes::from(text)),
                Product::Bytes(bytes) => Body::Bytes(Bytes::from_static(bytes)),
                Product::File(src) if media::treatment(src) == Treatment::Copy => {
                    Body::File(src.to_path_buf())
                }
                // Images are re-encoded, exactly as `build` publishes them.
                Product::File(src) => {
                    let dest = prepare(&out.path)?;
                    media::publish(src, &dest)?;
                    Body::File(dest)
                }
                Product::Image => Body::File(media_dir.join(&out.path)),
            };
            Ok((out.path.clone(), body))
        })
        .collect();
    let mut made = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(m) => made.push(m),
            Err(e) => errors.extend(e.0),
        }
    }
    if errors.is_empty() {
        Ok(made)
    } else {
        errors.dedup_by(|a, b| (&a.path, a.line, a.column) == (&b.path, b.line, b.column));
        Err(Errors(errors))
    }
}

/// A fresh file at `rel` in the media folder (an older one is removed first, so a hard link
/// from the cache can take its place).
fn prepare(media_dir: &Path, rel: &str) -> std::result::Result<PathBuf, Diagnostic> {
    let path = media_dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io_error(parent, "create the folder", &e))?;
    }
    let _ = std::fs::remove_file(&path);
    Ok(path)
}

/// Put the live-reload script at the end of the body.
pub fn with_reload_tag(mut html: String) -> String {
    let at = html
        .to_ascii_lowercase()
        .rfind("</body>")
        .unwrap_or(html.len());
    html.insert_str(at, RELOAD_TAG);
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reload_tag_goes_before_the_end_of_the_body() {
        assert_eq!(
            with_reload_tag("<html><BODY>x</BODY></html>".into()),
            format!("<html><BODY>x{RELOAD_TAG}</BODY></html>")
        );
        assert_eq!(with_reload_tag("x".into()), format!("x{RELOAD_TAG}"));
    }

    #[test]
    fn editor_scratch_files_are_recognised() {
        for name in [
            ".index.md.swp",
            "index.md~",
            "#index.md#",
            "4913",
            ".#index.md",
        ] {
            assert!(is_scratch(name), "{name}");
        }
        assert!(!is_scratch("index.md"));
        assert!(!is_scratch("radcase.css"));
    }

    #[test]
    fn page_urls() {
        assert_eq!(page_url("index.html").as_deref(), Some("/"));
        assert_eq!(page_url("cases/a/index.html").as_deref(), Some("/cases/a/"));
        assert_eq!(page_url("404.html").as_deref(), Some("/404.html"));
        assert_eq!(page_url("rss.xml"), None);
    }
}
