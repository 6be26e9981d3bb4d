//! The next pipeline after some files changed, and which outputs the change affects.
//!
//! What depends on what, by the kind of change:
//! - `config.toml`, or a theme's own files: everything (the whole pipeline loads again);
//! - an edited page's Markdown: that page is read, guarded and rendered again, then only the
//!   outputs that read it are produced (the rules are in `affected`);
//! - anything else under `content/` (new, deleted or renamed files, sections, images): content
//!   is loaded again and every output produced; images come from the cache;
//! - a template: templates are loaded again and every templated output produced;
//! - a static file: only its own output.
//!
//! Nothing is changed in place: the next pipeline shares what the change did not touch, and a
//! failed update leaves the current one as it was.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use super::{Pipeline, Selection, affected, load_config};
use crate::content;
use crate::diagnostic::Result;
use crate::front::{Record, Scope};
use crate::plan::{self, Job};
use crate::privacy;
use crate::render::{self, Templates};
use crate::source::{self, Root};
use crate::types::{OutPath, PageId};

/// The pipeline after a change, and what to produce of it.
pub struct Update {
    pub next: Pipeline,
    /// The outputs of `next` to produce.
    pub selection: Selection,
    /// Outputs of the previous plan that the next one no longer has.
    pub removed: Vec<OutPath>,
    pub kind: UpdateKind,
}

/// How much of the site a change reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateKind {
    /// Configuration or content loaded as a whole: any page may have changed.
    Full,
    /// Only some outputs changed; a static file among the changes may touch any page.
    Partial { statics: bool },
    /// Only stylesheets changed.
    Stylesheets,
}

/// Changed paths sorted by what they affect.
#[derive(Debug, Default)]
struct Changes {
    config: bool,
    templates: bool,
    /// Page files of the library whose text changed (their paths as the sources name them).
    pages: Vec<PathBuf>,
    /// Any other change under `content/`.
    content: bool,
    /// Changed static files (paths as the sources name them).
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

impl Pipeline {
    /// The pipeline after `paths` changed. `Ok(None)`: nothing the site reads changed.
    pub fn update(&self, paths: &[PathBuf]) -> Result<Option<Update>> {
        let changes = self.classify(paths);
        if changes.is_empty() {
            return Ok(None);
        }
        if changes.config {
            let next = Pipeline::load(&self.settings, load_config(&self.settings)?)?;
            let removed = removed(&self.plan, &next.plan);
            return Ok(Some(Update {
                next,
                selection: Selection::All,
                removed,
                kind: UpdateKind::Full,
            }));
        }
        let mut next = self.clone();
        let site = &self.settings.site;
        let config = &self.config;
        if changes.content || changes.templates || !changes.statics.is_empty() {
            next.sources = Arc::new(source::walk(site, config.theme.as_deref())?);
        }
        if changes.templates {
            next.templates = Arc::new(Templates::load(&next.sources, config)?);
        }
        let edited = self.reload_content(&mut next, &changes)?;
        let report = next.scans.report();
        report.verdict()?;
        next.warnings = report.stale;
        next.stale_acks = report.stale_acks;
        next.plan = Arc::new(plan::plan(&next.library, &next.sources)?);
        let selected = self.select(&next, &changes, edited.as_ref());
        let only_css = !changes.templates
            && changes.pages.is_empty()
            && !changes.content
            && changes
                .statics
                .iter()
                .all(|p| p.extension().is_some_and(|e| e == "css"))
            && selected
                .iter()
                .all(|&i| next.plan.outputs[i].path.extension() == Some("css"));
        let kind = if edited.is_none() {
            UpdateKind::Full
        } else if only_css {
            UpdateKind::Stylesheets
        } else {
            UpdateKind::Partial {
                statics: !changes.statics.is_empty(),
            }
        };
        let removed = removed(&self.plan, &next.plan);
        Ok(Some(Update {
            next,
            selection: Selection::Some(selected),
            removed,
            kind,
        }))
    }

    /// Records, guard scans and library of `next` after `changes`. Returns the pages edited
    /// when only they were read again, `None` when all content was.
    fn reload_content(
        &self,
        next: &mut Pipeline,
        changes: &Changes,
    ) -> Result<Option<HashSet<PageId>>> {
        let site = &self.settings.site;
        let config = &self.config;
        let drafts = self.settings.drafts;
        let sources = Arc::clone(&next.sources);
        let load_all = |records: &[Arc<Record>]| {
            content::load(site, config, &sources, records, &self.probes, drafts).map(Arc::new)
        };
        if changes.content {
            let records = content::read_records(&sources, config);
            next.scans = Arc::new(privacy::scan(config, &sources, &records));
            next.library = load_all(&records)?;
            next.records = Arc::new(records);
            return Ok(None);
        }
        if changes.pages.is_empty() {
            if !changes.statics.is_empty() || changes.templates {
                // Names and text files of static/, and templates, are the guard's too.
                next.scans = Arc::new(privacy::scan(config, &sources, &next.records));
            }
            return Ok(Some(HashSet::new()));
        }
        let taxonomies = config.taxonomy_names();
        let fresh: Vec<Arc<Record>> = changes
            .pages
            .iter()
            .map(|p| Arc::new(Record::read(p, Scope::Page, &taxonomies)))
            .collect();
        // The other records are shared, not copied.
        let mut records: Vec<Arc<Record>> = (*self.records).clone();
        for r in &fresh {
            if let Some(old) = records.iter_mut().find(|o| o.path == r.path) {
                *old = Arc::clone(r);
            }
        }
        let fresh: Vec<&Record> = fresh.iter().map(AsRef::as_ref).collect();
        if changes.statics.is_empty() && !changes.templates {
            Arc::make_mut(&mut next.scans).rescan(&sources, &fresh);
        } else {
            next.scans = Arc::new(privacy::scan(config, &sources, &records));
        }
        let edited = match content::reload_pages(
            site,
            config,
            &sources,
            &self.library,
            &fresh,
            &self.probes,
            drafts,
        )? {
            Some(library) => {
                let ids = fresh
                    .iter()
                    .filter_map(|r| library.pages.iter().position(|p| p.file == r.path))
                    .map(PageId)
                    .collect();
                next.library = Arc::new(library);
                Some(ids)
            }
            None => {
                next.library = load_all(&records)?;
                None
            }
        };
        next.records = Arc::new(records);
        Ok(edited)
    }

    /// The outputs of `next` to produce: new or changed jobs, everything after a full content
    /// load, templated outputs after a template change, the outputs that read an edited page,
    /// and the outputs of changed static files.
    fn select(
        &self,
        next: &Pipeline,
        changes: &Changes,
        edited: Option<&HashSet<PageId>>,
    ) -> Vec<usize> {
        let before: HashMap<&OutPath, &Job> = self
            .plan
            .outputs
            .iter()
            .map(|o| (&o.path, &o.job))
            .collect();
        let edited = edited.map(|e| affected::shown_changed(&self.library, &next.library, e));
        let edited = edited.as_ref();
        let reads_edit = |job: &Job| {
            edited.is_some_and(|e| {
                !e.is_empty() && affected::reads_changed(job, &self.library, &next.library, e)
            })
        };
        // The menu and the taxonomies (terms, counts) are on every templated page.
        let site_changed = edited.is_some_and(|e| !e.is_empty())
            && render::site_values_differ(&self.config, &self.library, &next.library);
        // An image at the same address made another way (a new `window`).
        let image_changed = |path: &OutPath, job: &Job| match (before.get(path), job) {
            (Some(Job::ImageVariant(j)), Job::ImageVariant(i)) => {
                self.plan.images[*j] != next.plan.images[*i]
            }
            _ => false,
        };
        next.plan
            .outputs
            .iter()
            .enumerate()
            .filter(|(_, out)| {
                let job = &out.job;
                before.get(&out.path) != Some(&job)
                    || edited.is_none()
                    || ((changes.templates || site_changed) && job.is_templated())
                    || reads_edit(job)
                    || image_changed(&out.path, job)
                    || matches!(job, Job::Static { source, .. } | Job::Asset { source, .. } if changes.statics.contains(source))
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Sort changed paths by what they affect; editor scratch files and paths the site does
    /// not read (the output, the image cache) are left out.
    fn classify(&self, paths: &[PathBuf]) -> Changes {
        let mut changes = Changes::default();
        let site = &self.settings.site;
        for path in paths {
            let Ok(rel) = path.strip_prefix(&self.root) else {
                continue;
            };
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let names: Vec<&str> = parts.iter().map(String::as_str).collect();
            if source::is_ignored_in_site(&names, self.config.theme.as_deref()) {
                continue;
            }
            match parts.iter().map(String::as_str).collect::<Vec<_>>()[..] {
                ["config.toml"] => changes.config = true,
                ["content", ..] if parts.len() > 1 => {
                    let under = parts[1..].join("/");
                    let exists = path.exists();
                    let file = site
                        .join("content")
                        .join(rel.strip_prefix("content").unwrap_or(rel));
                    if exists
                        && under.ends_with(".md")
                        && content::scope_of(&under) == Scope::Page
                        && self.library.pages.iter().any(|p| p.rel == under)
                    {
                        if !changes.pages.contains(&file) {
                            changes.pages.push(file);
                        }
                    } else if exists || self.knows(&under) {
                        changes.content = true;
                    }
                    // Else a file that came and went (an editor's or sed's temporary file).
                }
                ["content"] => changes.content = true,
                ["templates", ..] | ["themes", _, "templates", ..] => changes.templates = true,
                ["static", ..] | ["themes", _, "static", ..] => {
                    changes.statics.insert(site.join(rel));
                }
                // A theme's own settings, or a theme folder appearing: load it all again.
                ["themes", ..] => changes.config = true,
                _ => {}
            }
        }
        changes
    }

    /// Whether `under` (a path under `content/`) was a file or folder of the site.
    fn knows(&self, under: &str) -> bool {
        self.sources.get(Root::Content, under).is_some()
            || self
                .sources
                .folders
                .iter()
                .any(|f| f.root == Root::Content && f.rel == under)
    }
}

fn removed(old: &plan::Plan, new: &plan::Plan) -> Vec<OutPath> {
    let kept: HashSet<&OutPath> = new.outputs.iter().map(|o| &o.path).collect();
    old.outputs
        .iter()
        .filter(|o| !kept.contains(&o.path))
        .map(|o| o.path.clone())
        .collect()
}
