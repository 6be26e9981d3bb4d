//! Records → [`Library`]: in order, check the shape of `content/`, place sections and pages
//! (kind, disclosure, address), render every body with its links and images checked
//! (parallel), choose share cards (parallel), sort, and build the taxonomies. Errors from all
//! files are gathered and reported together.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rayon::prelude::*;

use super::body::{self, Ctx};
use super::bundle::Bundle;
use super::schedule::{self, LeftOut, Schedule};
use super::tree::{self, ContentTree};
use super::{Library, Page, Section, card, disclosure, people, taxonomy};
use crate::config::Config;
use crate::diagnostic::{Collector, Diagnostic, Errors, Result};
use crate::front::{Fields, Key, Kind, Record, Scope, SortBy, keys};
use crate::media::Probes;
use crate::source::{FileKind, Root, Source, Sources};
use crate::types::{OutPath, PageId, SectionId};

/// Read the front matter record of every Markdown file under `content/`, in parallel. Drafts
/// are read too: the privacy guard reads them.
pub fn read_records(sources: &Sources, config: &Config) -> Vec<Arc<Record>> {
    let taxonomies = config.taxonomy_names();
    let markdown: Vec<&Source> = sources
        .in_root(Root::Content)
        .filter(|s| s.kind == FileKind::Markdown)
        .collect();
    markdown
        .par_iter()
        .map(|s| Arc::new(Record::read(&s.path, scope_of(&s.rel), &taxonomies)))
        .collect()
}

/// Whether the Markdown file at `rel` (under `content/`) is a section or a page.
pub fn scope_of(rel: &str) -> Scope {
    if rel == "_index.md" || rel.ends_with("/_index.md") {
        Scope::Section
    } else {
        Scope::Page
    }
}

/// Load the library of the site in `site` from its `sources` and the `records` of its Markdown
/// files; images and DICOM files are read through `probes` (once, or not at all when a record of
/// them holds). Drafts are left out unless `drafts`.
pub fn load(
    site: &Path,
    config: &Config,
    sources: &Sources,
    records: &[Arc<Record>],
    probes: &Probes,
    drafts: bool,
) -> Result<Library> {
    let content_dir = site.join("content");
    if !content_dir.is_dir() {
        return Err(
            Diagnostic::in_file(&content_dir, "the site has no content folder")
                .with_hint("create content/ and put your cases in it (see `radcase new site`)")
                .into(),
        );
    }
    let tree = tree::classify(sources)?;
    let by_path: HashMap<&Path, &Record> = records
        .iter()
        .map(|r| (r.path.as_path(), r.as_ref()))
        .collect();
    let record = |s: &Source| by_path.get(s.path.as_path()).copied();
    let mut errors = Collector::default();
    for r in tree
        .sections
        .iter()
        .chain(&tree.pages)
        .filter_map(|s| record(s))
    {
        errors.extend(r.errors.iter().cloned());
    }
    if !errors.is_empty() {
        return errors.finish(Library::default());
    }
    let sections: Vec<(&Source, &Record)> = tree
        .sections
        .iter()
        .filter_map(|s| Some((*s, record(s)?)))
        .collect();
    let mut pages: Vec<(&Source, &Record)> = tree
        .pages
        .iter()
        .filter_map(|s| Some((*s, record(s)?)))
        .collect();
    // Drafts, and pages whose `publish` is to come or whose `expire` has passed, are left out;
    // the soonest change of any schedule is what the build reports.
    let mut left_out = HashMap::new();
    let mut schedules = HashMap::new();
    let mut soonest = schedule::Soonest::default();
    for (s, r) in &pages {
        if r.is_draft() && !drafts {
            left_out.insert(s.rel.clone(), LeftOut::Draft);
            continue;
        }
        let (plan, problems) = schedule::resolve(&r.fields, config, &s.path);
        errors.extend(problems);
        soonest.see(&plan, config.now, &s.path);
        match plan.left_out(config.now) {
            Some(why) => drop(left_out.insert(s.rel.clone(), why)),
            None => drop(schedules.insert(s.rel.clone(), plan)),
        }
    }
    let scheduled: Vec<(&Source, &Record)> = pages
        .iter()
        .filter(|(s, _)| matches!(left_out.get(&s.rel), Some(LeftOut::Scheduled(_))))
        .copied()
        .collect();
    pages.retain(|(s, _)| !left_out.contains_key(&s.rel));

    let mut library = Library {
        left_out,
        next_due: soonest.due(),
        site_card: Some(card::site_card(config)),
        ..Library::default()
    };
    // A section without an address misplaces every page under it: stop there. A page's own
    // problems (its kind, its address) do not stop the others from being checked.
    let Some(section_bodies) = errors.take(place_sections(&mut library, &sections, config)) else {
        return errors.finish(library);
    };
    errors.extend(
        library
            .sections
            .iter()
            .filter_map(super::event::section_error),
    );
    errors.extend(scheduled_errors(&library, &scheduled));
    let page_bodies = place_pages(&mut library, &pages, &schedules, &tree, config, &mut errors);

    let targets = link_targets(&library);
    let resolve = |t: &str| targets.get(t).cloned();
    let ctx = Ctx {
        config,
        sources,
        content_dir: &content_dir,
        resolve: &resolve,
        left_out: &library.left_out,
    };
    let rendered: Vec<_> = library
        .pages
        .par_iter()
        .zip(page_bodies.par_iter())
        .map(|(page, record)| {
            let bundle = bundle_of(page, record, &tree, config, probes);
            let doc = record.doc();
            let (body, line) = doc.map_or(("", 1), |d| (d.body(), d.body_line()));
            body::render_page(page, bundle.as_ref(), body, line, &ctx)
        })
        .collect();
    let rendered_sections: Vec<_> = library
        .sections
        .par_iter()
        .zip(section_bodies.par_iter())
        .map(|(section, record)| {
            let file = section
                .file
                .clone()
                .unwrap_or_else(|| content_dir.join("_index.md"));
            let (body, line) = record
                .and_then(Record::doc)
                .map_or(("", 1), |d| (d.body(), d.body_line()));
            body::render_section(&section.url, &file, body, line, &ctx)
        })
        .collect();
    for (page, (r, errs)) in library.pages.iter_mut().zip(rendered) {
        errors.extend(errs);
        r.apply_to(page);
    }
    for (section, (content, errs)) in library.sections.iter_mut().zip(rendered_sections) {
        errors.extend(errs);
        section.content = content;
    }
    let cards: Vec<_> = library
        .pages
        .par_iter()
        .zip(page_bodies.par_iter())
        .map(|(p, record)| {
            let bundle = bundle_of(p, record, &tree, config, probes);
            card::share_card(p, library.section(p.section), bundle.as_ref(), config)
        })
        .collect();
    for (page, c) in library.pages.iter_mut().zip(cards) {
        if let Some(c) = errors.take(c.map_err(Errors::from)) {
            page.card = c;
        }
    }
    if !errors.is_empty() {
        return errors.finish(library);
    }
    sort_sections(&mut library);
    library.taxonomies = taxonomy::build(&library.pages, config);
    let (directory, mut link_errors) = people::Directory::build(&library.pages);
    library.people = directory;
    link_errors.extend(super::playlist::link(&mut library));
    Errors::or_ok(link_errors, library)
}

/// The bundle of `page`, if it is one.
fn bundle_of<'a>(
    page: &'a Page,
    record: &'a Record,
    tree: &'a ContentTree<'_>,
    config: &'a Config,
    probes: &'a Probes,
) -> Option<Bundle<'a>> {
    let dir = page.bundle_dir.as_deref()?;
    let key = page.rel.strip_suffix("index.md")?;
    let files = tree
        .bundles
        .get(key)
        .map(|list| {
            list.iter()
                .map(|s| (&s.rel[key.len()..], *s))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    Some(Bundle {
        file: &page.file,
        dir,
        page_path: &page.path,
        fields: &record.fields,
        config,
        probes,
        files,
    })
}

/// Every `@/` link target: source path under `content/` → URL.
fn link_targets(library: &Library) -> HashMap<String, String> {
    library
        .pages
        .iter()
        .map(|p| (p.rel.clone(), p.url.clone()))
        .chain(
            library
                .sections
                .iter()
                .map(|s| (s.rel.clone(), s.url.clone())),
        )
        .collect()
}

/// Re-read the page files `changed` (their new records) into a copy of `library`.
///
/// `Ok(None)` means the edit changed the site's shape, so only a full [`load`] is right: a page
/// is new, became a draft, or got another kind or address (every link to it would change).
/// Otherwise only these pages are rendered again; sections are re-sorted and taxonomies
/// rebuilt, which is cheap.
pub fn reload_pages(
    site: &Path,
    config: &Config,
    sources: &Sources,
    library: &Library,
    changed: &[&Record],
    probes: &Probes,
    drafts: bool,
) -> Result<Option<Library>> {
    let content_dir = site.join("content");
    let tree = tree::classify(sources)?;
    let mut errors = Collector::default();
    let mut found = Vec::with_capacity(changed.len());
    for record in changed {
        let Some(id) = library.pages.iter().position(|p| p.file == record.path) else {
            return Ok(None);
        };
        errors.extend(record.errors.iter().cloned());
        found.push((PageId(id), *record));
    }
    if !errors.is_empty() {
        return errors.finish(None);
    }
    let taxonomies = config.taxonomy_names();
    let mut library = library.clone();
    for (id, record) in &found {
        let page = library.page(*id);
        let section = library.section(page.section);
        let (plan, problems) = schedule::resolve(&record.fields, config, &page.file);
        errors.extend(problems);
        let placed = kind_and_disclosure(
            &record.fields,
            section,
            &page.rel,
            &taxonomies,
            (&plan, config.now),
        );
        // A new schedule changes what the build leaves out and what it reports as due.
        if (record.is_draft() && !drafts)
            || plan != page.schedule
            || placed.0 != page.kind
            || slug::slugify(&placed.1.slug_source) != page.slug
        {
            return Ok(None);
        }
    }
    if !errors.is_empty() {
        return errors.finish(None);
    }
    let targets = link_targets(&library);
    let resolve = |t: &str| targets.get(t).cloned();
    let ctx = Ctx {
        config,
        sources,
        content_dir: &content_dir,
        resolve: &resolve,
        left_out: &library.left_out,
    };
    let mut updated = Vec::with_capacity(found.len());
    for (id, record) in found {
        let mut page = library.page(id).clone();
        let section = library.section(page.section);
        errors.extend(kind_errors(&record.fields, page.kind, &page.file, section));
        errors.extend(people::check(&record.fields, page.kind, &page.file));
        errors.extend(schedule::reveal_error(
            &record.fields,
            page.kind,
            &page.file,
        ));
        errors.extend(question_images(&record.fields, &page.file));
        page.fields = Arc::clone(&record.fields);
        errors.extend(not_a_bundle(&page));
        page.disclosure = kind_and_disclosure(
            &page.fields,
            section,
            &page.rel,
            &taxonomies,
            (&page.schedule, config.now),
        )
        .1;
        let bundle = bundle_of(&page, record, &tree, config, probes);
        let doc = record.doc();
        let (body, line) = doc.map_or(("", 1), |d| (d.body(), d.body_line()));
        let (r, errs) = body::render_page(&page, bundle.as_ref(), body, line, &ctx);
        errors.extend(errs);
        r.apply_to(&mut page);
        let bundle = bundle_of(&page, record, &tree, config, probes);
        match card::share_card(&page, section, bundle.as_ref(), config) {
            Ok(c) => page.card = c,
            Err(e) => errors.push(e),
        }
        updated.push((id, page));
    }
    if !errors.is_empty() {
        return errors.finish(None);
    }
    for (id, page) in updated {
        library.pages[id.0] = page;
    }
    sort_sections(&mut library);
    library.taxonomies = taxonomy::build(&library.pages, config);
    let (directory, mut link_errors) = people::Directory::build(&library.pages);
    library.people = directory;
    link_errors.extend(super::playlist::link(&mut library));
    Errors::or_ok(link_errors, Some(library))
}

/// The folder part of a relative path, with a trailing `/` (empty at the top).
fn dir_of(rel: &str) -> &str {
    match rel.rfind('/') {
        Some(i) => &rel[..=i],
        None => "",
    }
}

/// Nearest section whose folder contains `dir`.
fn section_for(dir: &str, by_dir: &HashMap<String, SectionId>) -> SectionId {
    let mut d = dir;
    loop {
        if let Some(&i) = by_dir.get(d) {
            return i;
        }
        if d.is_empty() {
            return SectionId(0);
        }
        d = dir_of(&d[..d.len() - 1]);
    }
}

/// Place the sections (home first, parents before children); returns each section's record.
fn place_sections<'r>(
    library: &mut Library,
    parsed: &[(&Source, &'r Record)],
    config: &Config,
) -> Result<Vec<Option<&'r Record>>> {
    let mut records = Vec::new();
    let mut parsed = parsed.to_vec();
    parsed.sort_by_key(|(s, _)| {
        (
            s.rel != "_index.md",
            s.rel.matches('/').count(),
            s.rel.clone(),
        )
    });
    if parsed.first().is_none_or(|(s, _)| s.rel != "_index.md") {
        library.sections.push(Section {
            file: None,
            rel: String::new(),
            fields: Arc::default(),
            title: Some(config.title.clone()),
            path: String::new(),
            url: config.base_path.clone(),
            permalink: config.base_url.clone(),
            content: String::new(),
            pages: Vec::new(),
            subsections: Vec::new(),
            parent: None,
            assets: Vec::new(),
        });
        records.push(None);
    }
    let mut by_dir: HashMap<String, SectionId> = HashMap::new();
    by_dir.insert(String::new(), SectionId(0));
    let mut errors = Vec::new();
    for (source, record) in parsed {
        let dir = dir_of(&source.rel).to_string();
        let parent = (!dir.is_empty()).then(|| section_for(dir_of(&dir[..dir.len() - 1]), &by_dir));
        let Some(path) = url_path(&dir) else {
            errors.push(
                Diagnostic::in_file(
                    &source.path,
                    "cannot make a web address from this section's folder name",
                )
                .with_hint("rename the folder with letters or digits, e.g. content/head-ct/"),
            );
            continue;
        };
        errors.extend(people::check_section(&record.fields, &source.path));
        let url = format!("{}{}", config.base_path, path);
        let id = SectionId(library.sections.len());
        library.sections.push(Section {
            file: Some(source.path.clone()),
            rel: source.rel.clone(),
            title: record.fields.text(keys::TITLE).map(str::to_string),
            fields: Arc::clone(&record.fields),
            permalink: config.permalink(&url),
            path,
            url,
            content: String::new(),
            pages: Vec::new(),
            subsections: Vec::new(),
            parent,
            assets: Vec::new(),
        });
        if let Some(parent) = parent {
            library.sections[parent.0].subsections.push(id);
        }
        by_dir.insert(dir, id);
        records.push(Some(record));
    }
    Errors::or_ok(errors, records)
}

/// Lowercase, dash-separated URL segments for a folder path (`Cases/Head CT/` → `cases/head-ct/`).
/// `None` when a folder name has nothing to make an address from (`!!!`).
fn url_path(dir: &str) -> Option<String> {
    dir.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let slug = slug::slugify(s);
            (!slug.is_empty()).then(|| slug + "/")
        })
        .collect()
}

/// The folder a page file is in, its name without `.md` (the bundle's folder name for
/// `foo/index.md`), and the bundle folder (`foo/`) if it is one.
fn rel_parts(rel: &str) -> (&str, &str, Option<String>) {
    match rel.strip_suffix("/index.md") {
        Some(bundle) => {
            let name = bundle.rsplit('/').next().unwrap_or(bundle);
            (dir_of(bundle), name, Some(format!("{bundle}/")))
        }
        None => {
            let name = rel.rsplit('/').next().unwrap_or(rel);
            (dir_of(rel), name.trim_end_matches(".md"), None)
        }
    }
}

/// A page's kind (its own, else its section's `page_kind`, else a plain page) and what it
/// discloses before its answer, in a build made at `now` (its schedule says when a quiz's
/// answer is revealed).
fn kind_and_disclosure(
    fields: &Fields,
    section: &Section,
    rel: &str,
    taxonomies: &[&str],
    (plan, now): (&Schedule, DateTime<Utc>),
) -> (Kind, disclosure::Disclosure) {
    let kind = fields
        .kind(keys::KIND)
        .or(section.fields.kind(keys::PAGE_KIND))
        .unwrap_or(Kind::Page);
    let stem = rel_parts(rel).1;
    let disclosure =
        disclosure::decide(fields, kind, taxonomies, stem).revealed_at(plan.reveal, now);
    (kind, disclosure)
}

/// A key the page's kind does not show would be dropped without a word: an error instead,
/// with the fix (make the page the right kind, in the page or for its whole section).
fn kind_errors(fields: &Fields, kind: Kind, file: &Path, section: &Section) -> Vec<Diagnostic> {
    fields
        .not_shown_by(kind)
        .map(|(key, line)| kind_error(key, line, kind, file, section))
        .collect()
}

fn kind_error(key: &Key, line: usize, kind: Kind, file: &Path, section: &Section) -> Diagnostic {
    let shown_by = key.place.kinds;
    let names: Vec<&str> = shown_by.iter().map(|k| k.as_str()).collect();
    let message = format!(
        "`{}` is set, but this page is {} (kind \"{}\"), which does not show it",
        key.name,
        kind.with_article(),
        kind.as_str()
    );
    let want = shown_by.first().copied().unwrap_or(Kind::Case);
    let section_file = section.file.as_deref().map_or_else(
        || "content/_index.md".to_string(),
        |f| f.display().to_string(),
    );
    let also = if names.len() > 1 {
        format!(" (only {} pages show it)", names.join(" and "))
    } else {
        String::new()
    };
    let hint = format!(
        "make the page {}: add kind = \"{}\" to its front matter, or page_kind = \"{}\" to {section_file} for every page of the section; or remove `{}`{also}",
        want.with_article(),
        want.as_str(),
        want.as_str(),
        key.name,
    );
    Diagnostic::in_file(file, message)
        .at_line(line)
        .with_hint(hint)
}

/// The checks of a page's own keys, for a page this build leaves out because its `publish` is
/// still to come: found now, not by the build that publishes it (a scheduled CI run nobody
/// watches).
fn scheduled_errors(library: &Library, scheduled: &[(&Source, &Record)]) -> Vec<Diagnostic> {
    let by_dir = sections_by_dir(library);
    let mut errors = Vec::new();
    for (source, record) in scheduled {
        let section = library.section(section_for(rel_parts(&source.rel).0, &by_dir));
        let fields = &record.fields;
        let kind = fields
            .kind(keys::KIND)
            .or(section.fields.kind(keys::PAGE_KIND))
            .unwrap_or(Kind::Page);
        errors.extend(kind_errors(fields, kind, &source.path, section));
        errors.extend(people::check(fields, kind, &source.path));
        errors.extend(schedule::reveal_error(fields, kind, &source.path));
    }
    errors
}

/// Each section by the folder under `content/` that holds it.
fn sections_by_dir(library: &Library) -> HashMap<String, SectionId> {
    library
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| (dir_of(&s.rel).to_string(), SectionId(i)))
        .collect()
}

/// Place the pages in their sections, with kinds and addresses; returns each placed page's
/// record. Problems go to `errors`; a page without an address is left out.
fn place_pages<'r>(
    library: &mut Library,
    parsed: &[(&Source, &'r Record)],
    schedules: &HashMap<String, Schedule>,
    tree: &ContentTree<'_>,
    config: &Config,
    errors: &mut Collector,
) -> Vec<&'r Record> {
    let by_dir = sections_by_dir(library);
    let taxonomies = config.taxonomy_names();
    let mut records = Vec::with_capacity(parsed.len());
    for &(source, record) in parsed {
        let (parent_dir, _, bundle) = rel_parts(&source.rel);
        let section = section_for(parent_dir, &by_dir);
        let plan = schedules.get(&source.rel).copied().unwrap_or_default();
        let (kind, disclosure) = kind_and_disclosure(
            &record.fields,
            library.section(section),
            &source.rel,
            &taxonomies,
            (&plan, config.now),
        );
        let slug = slug::slugify(&disclosure.slug_source);
        let dir_path = url_path(parent_dir);
        if slug.is_empty() || dir_path.is_none() {
            errors.push(
                Diagnostic::in_file(&source.path, format!("cannot make a web address from \"{}\"", disclosure.slug_source))
                    .with_hint("give the page a `slug` with letters or digits, e.g. slug = \"head-ct-case\", or rename its file or folder"),
            );
            continue;
        }
        let path = format!("{}{}/", dir_path.unwrap_or_default(), slug);
        let url = format!("{}{}", config.base_path, path);
        let id = PageId(library.pages.len());
        library.sections[section.0].pages.push(id);
        let page = Page {
            file: source.path.clone(),
            rel: source.rel.clone(),
            fields: Arc::clone(&record.fields),
            kind,
            slug,
            permalink: config.permalink(&url),
            path,
            url,
            bundle_dir: bundle
                .as_ref()
                .and_then(|_| source.path.parent().map(Path::to_path_buf)),
            assets: Vec::new(),
            pictures: Vec::new(),
            gallery: Vec::new(),
            stacks: Vec::new(),
            content: String::new(),
            answer: None,
            discussion: None,
            summary: None,
            headings: Vec::new(),
            word_count: 0,
            reading_time: 0,
            section,
            lower: None,
            higher: None,
            disclosure,
            schedule: plan,
            card: None,
            photo: None,
            event: None,
            playlist: Vec::new(),
        };
        errors.extend(kind_errors(
            &record.fields,
            kind,
            &page.file,
            library.section(section),
        ));
        errors.extend(people::check(&record.fields, kind, &page.file));
        errors.extend(schedule::reveal_error(&record.fields, kind, &page.file));
        errors.extend(question_images(&record.fields, &page.file));
        errors.extend(not_a_bundle(&page));
        let front_line = record.doc().map_or(1, |d| d.front_line());
        let (event, problems) =
            super::event::resolve(&record.fields, kind, config, &page.file, front_line);
        errors.extend(problems);
        let mut page = page;
        page.event = event;
        library.pages.push(page);
        records.push(record);
    }
    for source in &tree.loose {
        let dir = dir_of(&source.rel);
        let section = section_for(dir, &by_dir);
        let Some(dir_path) = url_path(dir) else {
            errors.push(
                Diagnostic::in_file(
                    &source.path,
                    "cannot make a web address from this file's folder name",
                )
                .with_hint("rename the folder with letters or digits"),
            );
            continue;
        };
        if matches!(source.kind, FileKind::Dicom) {
            continue; // Never published: only the pixels a case lists are.
        }
        library.sections[section.0].assets.push(super::Asset {
            source: source.path.clone(),
            kind: source.kind,
            output: OutPath::new(format!("{dir_path}{}", source.name())),
        });
    }
    records
}

/// A question's `image` is one of the case's `images`: its alt text and sizes are known there.
fn question_images(fields: &Fields, file: &Path) -> Vec<Diagnostic> {
    let images = fields.media(keys::IMAGES);
    fields
        .questions()
        .iter()
        .enumerate()
        .filter_map(|(i, q)| {
            let wanted = q.image.as_deref()?;
            if images.iter().any(|m| m.file == wanted) {
                return None;
            }
            let listed: Vec<&str> = images.iter().map(|m| m.file.as_str()).collect();
            let hint = match crate::diagnostic::closest(wanted, listed.iter().copied()) {
                Some(best) => format!("did you mean \"{best}\"? A question shows one of the case's images"),
                None => format!("list it in images = [{{ file = \"{wanted}\", alt = \"…\" }}] first: a question shows one of the case's images"),
            };
            Some(
                Diagnostic::in_file(file, format!("the image of question {}, \"{wanted}\", is not one of this case's images", i + 1))
                    .at_line(q.line)
                    .with_hint(hint),
            )
        })
        .collect()
}

/// Images listed on a page that is a single file: it has no folder to hold them.
fn not_a_bundle(page: &Page) -> Option<Diagnostic> {
    if page.bundle_dir.is_some() {
        return None;
    }
    if let Some(photo) = page.fields.text(keys::PHOTO) {
        return Some(
            Diagnostic::in_file(&page.file, format!("`photo` is `{photo}`, but this page is not a bundle"))
                .at_line(page.fields.line(keys::PHOTO).unwrap_or(1))
                .with_hint("move the page to a folder of its own as index.md (content/people/NAME/index.md) and put the photo beside it"),
        );
    }
    [keys::IMAGES, keys::STACKS].into_iter().find_map(|key| {
        let first = page.fields.media(key).first()?;
        Some(
            Diagnostic::in_file(
                &page.file,
                format!("`{}` is listed, but this page is not a bundle", first.file),
            )
            .at_line(first.line)
            .with_hint(
                "move the page to a folder of its own as index.md and put its images beside it",
            ),
        )
    })
}

fn sort_sections(library: &mut Library) {
    let pages = &library.pages;
    // Sort keys once per page, not once per comparison.
    let titles: Vec<String> = pages.iter().map(|p| p.title().to_lowercase()).collect();
    let dates: Vec<_> = pages.iter().map(Page::date).collect();
    let weights: Vec<i64> = pages
        .iter()
        .map(|p| p.fields.int(keys::WEIGHT).unwrap_or(i64::MAX))
        .collect();
    let mut orders = Vec::with_capacity(library.sections.len());
    for section in &library.sections {
        let mut order = section.pages.clone();
        let by_title = |a: &PageId, b: &PageId| {
            titles[a.0]
                .cmp(&titles[b.0])
                .then_with(|| pages[a.0].rel.cmp(&pages[b.0].rel))
        };
        match section.fields.sort_by() {
            SortBy::Date => order.sort_by(|a, b| {
                let (da, db) = (dates[a.0], dates[b.0]);
                // Newest first; undated pages last.
                db.cmp(&da)
                    .then_with(|| da.is_none().cmp(&db.is_none()))
                    .then_with(|| by_title(a, b))
            }),
            SortBy::Title => order.sort_by(by_title),
            SortBy::Weight => {
                order.sort_by(|a, b| weights[a.0].cmp(&weights[b.0]).then_with(|| by_title(a, b)))
            }
        }
        orders.push(order);
    }
    for (section, order) in library.sections.iter_mut().zip(orders) {
        for (pos, &p) in order.iter().enumerate() {
            library.pages[p.0].higher = pos.checked_sub(1).map(|i| order[i]);
            library.pages[p.0].lower = order.get(pos + 1).copied();
        }
        section.pages = order;
    }
    let snapshot: Vec<(Option<i64>, String)> = library
        .sections
        .iter()
        .map(|s| (s.weight(), s.title.clone().unwrap_or_default()))
        .collect();
    for section in &mut library.sections {
        section.subsections.sort_by(|a, b| {
            let (wa, ta) = &snapshot[a.0];
            let (wb, tb) = &snapshot[b.0];
            wa.unwrap_or(i64::MAX)
                .cmp(&wb.unwrap_or(i64::MAX))
                .then_with(|| ta.cmp(tb))
        });
    }
}
