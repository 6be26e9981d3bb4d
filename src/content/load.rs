//! Read and check every content file, in parallel, into a [`Library`].
//!
//! Order of work: walk the folder, parse front matter (parallel), place pages in sections and
//! give them URLs, render Markdown with every link resolved (parallel), choose share cards
//! (parallel), sort, build taxonomies.
//! Errors from all files are collected and reported together.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::front_matter::{self, Kind, PageFront, SectionFront, SortBy};
use super::{Asset, Library, Page, Picture, Section, Stack, bundle, card, taxonomy, walk};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Errors, Result};
use crate::markdown::{self, ANSWER_MARKER, LocalMedia, MORE_MARKER, PageRenderer, Reference};

#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Include pages with `draft = true`.
    pub drafts: bool,
}

/// A parsed file whose Markdown is not rendered yet.
struct Parsed<F> {
    rel: String,
    file: PathBuf,
    front: F,
    body: String,
    /// 1-based line of the first body line in the file.
    body_line: usize,
}

/// Shared, read-only context of the Markdown stage.
struct Ctx<'a> {
    config: &'a Config,
    content_dir: &'a Path,
    resolve: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// Drafts left out of this build, by path under `content/`.
    drafts: &'a HashSet<String>,
}

/// Load `site_dir/content` into a library.
pub fn load(site_dir: &Path, config: &Config, options: LoadOptions) -> Result<Library> {
    let content_dir = site_dir.join("content");
    if !content_dir.is_dir() {
        return Err(
            Diagnostic::in_file(&content_dir, "the site has no content folder")
                .with_hint("create content/ and put your cases in it (see `radcase new site`)")
                .into(),
        );
    }
    let sources = walk::walk(&content_dir)?;
    let taxonomy_names: Vec<&str> = config.taxonomies.iter().map(|t| t.name.as_str()).collect();

    let sections: Vec<Result<Parsed<SectionFront>>> = sources
        .sections
        .par_iter()
        .map(|rel| parse_file(&content_dir, rel, front_matter::section))
        .collect();
    let pages: Vec<Result<Parsed<PageFront>>> = sources
        .pages
        .par_iter()
        .map(|rel| {
            parse_file(&content_dir, rel, |path, split, map| {
                front_matter::page(path, split, map, &taxonomy_names)
            })
        })
        .collect();
    let mut errors = Vec::new();
    let sections = collect_ok(sections, &mut errors);
    let mut pages = collect_ok(pages, &mut errors);
    if !errors.is_empty() {
        return Err(Errors(errors));
    }
    let drafts: HashSet<String> = pages
        .iter()
        .filter(|p| p.front.draft && !options.drafts)
        .map(|p| p.rel.clone())
        .collect();
    pages.retain(|p| options.drafts || !p.front.draft);

    let mut library = Library {
        drafts,
        ..Library::default()
    };
    let section_bodies = place_sections(&mut library, sections, config)?;
    let page_bodies = place_pages(&mut library, pages, &sources, &content_dir, config)?;

    let targets = link_targets(&library);
    let resolve = |t: &str| targets.get(t).cloned();
    let ctx = Ctx {
        config,
        content_dir: &content_dir,
        resolve: &resolve,
        drafts: &library.drafts,
    };

    let rendered: Vec<(RenderedPage, Vec<Diagnostic>)> = library
        .pages
        .par_iter()
        .zip(page_bodies.par_iter())
        .map(|(page, (body, body_line))| render_page(page, body, *body_line, &ctx))
        .collect();
    let rendered_sections: Vec<(String, Vec<Diagnostic>)> = library
        .sections
        .par_iter()
        .zip(section_bodies.par_iter())
        .map(|(section, (body, body_line))| {
            let mut r =
                PageRenderer::new(&section.url, false, &resolve).with_base_path(&config.base_path);
            let out = r.render(body);
            let file = section
                .file
                .clone()
                .unwrap_or_else(|| content_dir.join("_index.md"));
            let errs = check_references(&out.references, &file, *body_line, None, &ctx);
            (out.html, errs)
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
        .map(|p| card::share_card(p, &library.sections[p.section], config))
        .collect();
    for (page, c) in library.pages.iter_mut().zip(cards) {
        match c {
            Ok(c) => page.card = c,
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        errors.dedup();
        return Err(Errors(errors));
    }
    sort_sections(&mut library);
    library.taxonomies = taxonomy::build(&library.pages, config);
    Ok(library)
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

/// Re-read the page files `rels` (paths under `content/`) into a copy of `library`.
///
/// `Ok(None)` means the edit changed the site's shape, so only a full [`load`] is right: a page
/// is new, became a draft, or got another kind or address (every link to it would change).
/// Otherwise only these pages are parsed and rendered again; sections are re-sorted and
/// taxonomies rebuilt, which is cheap.
pub fn reload_pages(
    site_dir: &Path,
    config: &Config,
    library: &Library,
    rels: &[String],
    options: LoadOptions,
) -> Result<Option<Library>> {
    let content_dir = site_dir.join("content");
    let taxonomy_names: Vec<&str> = config.taxonomies.iter().map(|t| t.name.as_str()).collect();
    let mut parsed = Vec::with_capacity(rels.len());
    let mut errors = Vec::new();
    for rel in rels {
        let Some(index) = library.pages.iter().position(|p| &p.rel == rel) else {
            return Ok(None);
        };
        match parse_file(&content_dir, rel, |path, split, map| {
            front_matter::page(path, split, map, &taxonomy_names)
        }) {
            Ok(p) => parsed.push((index, p)),
            Err(e) => errors.extend(e.0),
        }
    }
    if !errors.is_empty() {
        return Err(Errors(errors));
    }
    let mut library = library.clone();
    for (index, p) in &parsed {
        let page = &library.pages[*index];
        let section = &library.sections[page.section].front;
        let (kind, slug) = kind_and_slug(&p.front, section, rel_parts(&p.rel).1);
        if (p.front.draft && !options.drafts)
            || kind != page.kind
            || slug::slugify(slug) != page.slug
        {
            return Ok(None);
        }
    }
    let targets = link_targets(&library);
    let resolve = |t: &str| targets.get(t).cloned();
    let ctx = Ctx {
        config,
        content_dir: &content_dir,
        resolve: &resolve,
        drafts: &library.drafts,
    };
    let mut updated = Vec::with_capacity(parsed.len());
    for (index, p) in parsed {
        let mut page = library.pages[index].clone();
        page.front = p.front;
        page.assets = page.bundle_files.clone();
        let (r, errs) = render_page(&page, &p.body, p.body_line, &ctx);
        errors.extend(errs);
        r.apply_to(&mut page);
        match card::share_card(&page, &library.sections[page.section], config) {
            Ok(c) => page.card = c,
            Err(e) => errors.push(e),
        }
        updated.push((index, page));
    }
    if !errors.is_empty() {
        return Err(Errors(errors));
    }
    for (index, page) in updated {
        library.pages[index] = page;
    }
    sort_sections(&mut library);
    library.taxonomies = taxonomy::build(&library.pages, config);
    Ok(Some(library))
}

fn collect_ok<T>(results: Vec<Result<T>>, errors: &mut Vec<Diagnostic>) -> Vec<T> {
    let mut ok = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(v) => ok.push(v),
            Err(e) => errors.extend(e.0),
        }
    }
    ok
}

fn parse_file<F>(
    content_dir: &Path,
    rel: &str,
    read: impl Fn(
        &Path,
        &front_matter::Split<'_>,
        serde_json::Map<String, serde_json::Value>,
    ) -> Result<F>,
) -> Result<Parsed<F>> {
    let file = content_dir.join(rel);
    let bytes = std::fs::read(&file)
        .map_err(|e| crate::diagnostic::io_error(&file, "read the file", &e))?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            return Err(
                Diagnostic::in_file(&file, "this file is not valid UTF-8 text")
                    .at_line(line)
                    .with_hint("save it as UTF-8 (most editors have an encoding option in Save As)")
                    .into(),
            );
        }
    };
    let split = front_matter::split(&file, &text)?;
    let map = front_matter::parse(&file, &split)?;
    let front = read(&file, &split, map)?;
    let body_line = split.front_line + split.front.lines().count() + 1;
    let body = split.body.to_string();
    Ok(Parsed {
        rel: rel.to_string(),
        file,
        front,
        body,
        body_line,
    })
}

/// The folder part of a relative path, with a trailing `/` (empty at the top).
fn dir_of(rel: &str) -> &str {
    match rel.rfind('/') {
        Some(i) => &rel[..=i],
        None => "",
    }
}

/// Nearest section whose folder contains `dir`.
fn section_for(dir: &str, by_dir: &HashMap<String, usize>) -> usize {
    let mut d = dir;
    loop {
        if let Some(&i) = by_dir.get(d) {
            return i;
        }
        if d.is_empty() {
            return 0;
        }
        d = dir_of(&d[..d.len() - 1]);
    }
}

fn place_sections(
    library: &mut Library,
    parsed: Vec<Parsed<SectionFront>>,
    config: &Config,
) -> Result<Vec<(String, usize)>> {
    let mut bodies = Vec::new();
    let mut parsed = parsed;
    // Home first, then by depth, so parents precede children.
    parsed.sort_by_key(|p| {
        (
            p.rel != "_index.md",
            p.rel.matches('/').count(),
            p.rel.clone(),
        )
    });
    if parsed.first().is_none_or(|p| p.rel != "_index.md") {
        library.sections.push(Section {
            file: None,
            rel: String::new(),
            front: SectionFront {
                title: Some(config.title.clone()),
                ..SectionFront::default()
            },
            path: String::new(),
            url: config.base_path.clone(),
            permalink: config.base_url.clone(),
            content: String::new(),
            pages: Vec::new(),
            subsections: Vec::new(),
            parent: None,
            assets: Vec::new(),
        });
        bodies.push((String::new(), 1));
    }
    let mut by_dir: HashMap<String, usize> = HashMap::new();
    by_dir.insert(String::new(), 0);
    let mut errors = Vec::new();
    for p in parsed {
        let dir = dir_of(&p.rel).to_string();
        let parent = (!dir.is_empty()).then(|| section_for(dir_of(&dir[..dir.len() - 1]), &by_dir));
        let Some(path) = url_path(&dir) else {
            errors.push(
                Diagnostic::in_file(
                    &p.file,
                    "cannot make a web address from this section's folder name",
                )
                .with_hint("rename the folder with letters or digits, e.g. content/head-ct/"),
            );
            continue;
        };
        let url = format!("{}{}", config.base_path, path);
        let index = library.sections.len();
        library.sections.push(Section {
            file: Some(p.file),
            rel: p.rel,
            front: p.front,
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
            library.sections[parent].subsections.push(index);
        }
        by_dir.insert(dir, index);
        bodies.push((p.body, p.body_line));
    }
    if errors.is_empty() {
        Ok(bodies)
    } else {
        Err(Errors(errors))
    }
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

fn place_pages(
    library: &mut Library,
    parsed: Vec<Parsed<PageFront>>,
    sources: &walk::Sources,
    content_dir: &Path,
    config: &Config,
) -> Result<Vec<(String, usize)>> {
    let by_dir: HashMap<String, usize> = library
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| (dir_of(&s.rel).to_string(), i))
        .collect();
    let bundle_assets: HashMap<&str, &Vec<String>> = sources
        .bundle_assets
        .iter()
        .map(|(d, a)| (d.as_str(), a))
        .collect();
    let mut bodies = Vec::with_capacity(parsed.len());
    let mut errors = Vec::new();
    for p in parsed {
        let (parent_dir, stem, bundle) = rel_parts(&p.rel);
        let section = section_for(parent_dir, &by_dir);
        let (kind, wanted) = kind_and_slug(&p.front, &library.sections[section].front, stem);
        let slug = slug::slugify(&wanted);
        let dir_path = url_path(parent_dir);
        if slug.is_empty() || dir_path.is_none() {
            errors.push(
                Diagnostic::in_file(&p.file, format!("cannot make a web address from \"{wanted}\""))
                    .with_hint("give the page a `slug` with letters or digits, e.g. slug = \"head-ct-case\", or rename its file or folder"),
            );
            continue;
        }
        let path = format!("{}{}/", dir_path.unwrap_or_default(), slug);
        let url = format!("{}{}", config.base_path, path);
        let assets: Vec<Asset> = bundle
            .as_deref()
            .and_then(|b| bundle_assets.get(b))
            .map(|list| {
                list.iter()
                    .map(|a| Asset {
                        source: content_dir
                            .join(bundle.as_deref().unwrap_or_default())
                            .join(a),
                        output: format!("{path}{a}"),
                    })
                    .collect()
            })
            .unwrap_or_default();
        library.sections[section].pages.push(library.pages.len());
        library.pages.push(Page {
            file: p.file,
            rel: p.rel,
            front: p.front,
            kind,
            slug,
            permalink: config.permalink(&url),
            path,
            url,
            bundle_dir: bundle.map(|b| content_dir.join(b)),
            bundle_files: assets.clone(),
            assets,
            pictures: Vec::new(),
            gallery: Vec::new(),
            stacks: Vec::new(),
            content: String::new(),
            answer: None,
            summary: None,
            headings: Vec::new(),
            word_count: 0,
            reading_time: 0,
            section,
            lower: None,
            higher: None,
            card: None,
        });
        bodies.push((p.body, p.body_line));
    }
    for rel in &sources.loose_assets {
        let section = section_for(dir_of(rel), &by_dir);
        let Some(dir_path) = url_path(dir_of(rel)) else {
            errors.push(
                Diagnostic::in_file(
                    content_dir.join(rel),
                    "cannot make a web address from this file's folder name",
                )
                .with_hint("rename the folder with letters or digits"),
            );
            continue;
        };
        let output = format!("{}{}", dir_path, rel.rsplit('/').next().unwrap_or(rel));
        library.sections[section].assets.push(Asset {
            source: content_dir.join(rel),
            output,
        });
    }
    if errors.is_empty() {
        Ok(bodies)
    } else {
        Err(Errors(errors))
    }
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

/// A page's kind (its own, else its section's `page_kind`) and the text its slug is made from.
fn kind_and_slug(front: &PageFront, section: &SectionFront, stem: &str) -> (Kind, String) {
    let kind = front.kind.or(section.page_kind).unwrap_or(Kind::Page);
    let is_quiz = kind == Kind::Case && front.case.quiz;
    // A quiz's folder name often is its diagnosis: without an explicit slug, its URL is made
    // from the neutral title instead, so links and previews do not give the answer away.
    let wanted = match (&front.slug, is_quiz) {
        (Some(s), _) => s.clone(),
        (None, true) => neutral_title(front),
        (None, false) => stem.to_string(),
    };
    (kind, wanted)
}

/// The title a quiz shows before its answer (the same rule as `Page::public_title`).
fn neutral_title(front: &PageFront) -> String {
    match (&front.case.quiz_title, &front.case.presentation) {
        (Some(t), _) => t.clone(),
        (None, Some(p)) => format!("case {p}"),
        (None, None) => "quiz case".to_string(),
    }
}

#[derive(Default)]
struct RenderedPage {
    content: String,
    answer: Option<String>,
    summary: Option<String>,
    headings: Vec<markdown::Heading>,
    word_count: usize,
    pictures: Vec<Picture>,
    gallery: Vec<Picture>,
    stacks: Vec<Stack>,
    /// For a bundle: the sources of the files published as they are.
    other_assets: Option<Vec<PathBuf>>,
}

impl RenderedPage {
    fn apply_to(self, page: &mut Page) {
        page.content = self.content;
        page.answer = self.answer;
        page.summary = self.summary;
        page.headings = self.headings;
        page.word_count = self.word_count;
        page.reading_time = markdown::reading_time(self.word_count);
        page.pictures = self.pictures;
        page.gallery = self.gallery;
        page.stacks = self.stacks;
        if let Some(other) = self.other_assets {
            page.assets.retain(|a| other.contains(&a.source));
        }
    }
}

fn render_page(
    page: &Page,
    body: &str,
    body_line: usize,
    ctx: &Ctx<'_>,
) -> (RenderedPage, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let sorted = page.bundle_dir.as_deref().map(|dir| {
        let rels: Vec<String> = page
            .assets
            .iter()
            .filter_map(|a| a.source.strip_prefix(dir).ok())
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let (sorted, errs) = bundle::sort(page, dir, &rels, ctx.config);
        errors.extend(errs);
        sorted
    });
    let media = sorted.as_ref().map(|s| &s.media as &dyn LocalMedia);
    let bundle = page.bundle_dir.is_some();
    let base = ctx.config.base_path.as_str();
    let renderer = || {
        let r = PageRenderer::new(&page.url, bundle, ctx.resolve).with_base_path(base);
        match media {
            Some(m) => r.with_media(m),
            None => r,
        }
    };
    let mut main_renderer = renderer();
    let (question, answer_src) = match page.is_quiz() {
        true => match markdown::split_at_marker(body, ANSWER_MARKER) {
            Some((q, a)) => (q, Some(a)),
            None => (body, None),
        },
        false => (body, None),
    };
    let main = main_renderer.render(question);
    let mut references = main.references.clone();
    let mut out = RenderedPage {
        content: main.html,
        headings: main.headings,
        word_count: main.word_count,
        ..Default::default()
    };
    if let Some(a) = answer_src {
        // Answer headings stay out of the table of contents: a theme showing it would give
        // the answer away.
        let answer = main_renderer.render(a);
        let offset = question.lines().count() + 1;
        references.extend(answer.references.into_iter().map(|r| shift(r, offset)));
        out.answer = Some(answer.html);
        out.word_count += answer.word_count;
    }
    out.summary = match markdown::split_at_marker(question, MORE_MARKER) {
        Some((before, _)) => Some(renderer().for_summary().render(before).html),
        None => main.first_paragraph,
    };
    errors.extend(check_references(
        &references,
        &page.file,
        body_line,
        page.bundle_dir.as_deref(),
        ctx,
    ));
    if let (Some(dir), Some(sorted)) = (page.bundle_dir.as_deref(), sorted) {
        let inline: Vec<String> = references
            .iter()
            .filter_map(|r| match r {
                Reference::LocalImage { file, .. } => Some(file.clone()),
                Reference::Internal { .. } => None,
            })
            .collect();
        if page.kind == Kind::Case {
            let (gallery, errs) = bundle::gallery(page, dir, &sorted.media, &inline, ctx.config);
            out.gallery = gallery;
            errors.extend(errs);
        }
        out.other_assets = Some(sorted.other.iter().map(|f| dir.join(f)).collect());
        out.pictures = sorted.media.pictures;
        out.stacks = sorted.stacks;
    } else if let Some(img) = page
        .front
        .case
        .images
        .first()
        .or(page.front.case.stacks.first())
    {
        errors.push(
            Diagnostic::in_file(
                &page.file,
                format!("`{}` is listed, but this page is not a bundle", img.file),
            )
            .at_line(page.front.case.images_line.unwrap_or(1))
            .with_hint(
                "move the page to a folder of its own as index.md and put its images beside it",
            ),
        );
    }
    (out, errors)
}

fn shift(r: Reference, by: usize) -> Reference {
    match r {
        Reference::Internal { target, line } => Reference::Internal {
            target,
            line: line + by,
        },
        Reference::LocalImage { file, line } => Reference::LocalImage {
            file,
            line: line + by,
        },
    }
}

fn check_references(
    references: &[Reference],
    file: &Path,
    body_line: usize,
    bundle_dir: Option<&Path>,
    ctx: &Ctx<'_>,
) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for r in references {
        match r {
            Reference::Internal { target, line } => {
                if (ctx.resolve)(target).is_some() {
                    continue;
                }
                let line = body_line + line - 1;
                let target_file = ctx.content_dir.join(target);
                let (what, hint) = if ctx.drafts.contains(target.as_str()) {
                    (
                        "is a draft",
                        "publish it (remove draft = true) or build with --drafts".to_string(),
                    )
                } else if target_file.is_file() && !target.ends_with(".md") {
                    ("is a file, not a page", "link to a file next to the page with a plain relative link, e.g. [handout](handout.pdf)".to_string())
                } else {
                    ("does not exist", "link to a page by its path under content/, e.g. @/cases/2024-appendicitis/index.md".to_string())
                };
                errors.push(
                    Diagnostic::in_file(
                        file,
                        format!("link to `@/{target}`, but {} {what}", target_file.display()),
                    )
                    .at_line(line)
                    .with_hint(hint),
                );
            }
            Reference::LocalImage { file: img, line } => {
                let line = body_line + line - 1;
                match bundle_dir {
                    Some(_) if !bundle::is_inside(img) => errors.push(
                        Diagnostic::in_file(file, format!("image `{img}` is outside the page's folder"))
                            .at_line(line)
                            .with_hint("copy the image into the page's folder and link it by its name"),
                    ),
                    Some(dir) if !dir.join(img).is_file() => errors.push(
                        Diagnostic::in_file(file, format!("image `{img}` does not exist in the page's folder"))
                            .at_line(line)
                            .with_hint(format!("put the file in {} or fix the name", dir.display())),
                    ),
                    Some(_) => {}
                    None => errors.push(
                        Diagnostic::in_file(file, format!("image `{img}` is relative, but this page is not a bundle"))
                            .at_line(line)
                            .with_hint("move the page into a folder of its own as index.md and put the image beside it"),
                    ),
                }
            }
        }
    }
    errors
}

fn sort_sections(library: &mut Library) {
    let pages = &library.pages;
    let mut orders = Vec::with_capacity(library.sections.len());
    for section in &library.sections {
        let mut order = section.pages.clone();
        let by_title = |a: &usize, b: &usize| {
            pages[*a]
                .front
                .title
                .to_lowercase()
                .cmp(&pages[*b].front.title.to_lowercase())
                .then_with(|| pages[*a].rel.cmp(&pages[*b].rel))
        };
        match section.front.sort_by {
            SortBy::Date => order.sort_by(|a, b| {
                // Newest first; undated pages last.
                pages[*b]
                    .front
                    .date
                    .cmp(&pages[*a].front.date)
                    .then_with(|| {
                        pages[*a]
                            .front
                            .date
                            .is_none()
                            .cmp(&pages[*b].front.date.is_none())
                    })
                    .then_with(|| by_title(a, b))
            }),
            SortBy::Title => order.sort_by(by_title),
            SortBy::Weight => order.sort_by(|a, b| {
                let w = |i: usize| pages[i].front.weight.unwrap_or(i64::MAX);
                w(*a).cmp(&w(*b)).then_with(|| by_title(a, b))
            }),
        }
        orders.push(order);
    }
    for (section, order) in library.sections.iter_mut().zip(orders) {
        for (pos, &p) in order.iter().enumerate() {
            library.pages[p].higher = pos.checked_sub(1).map(|i| order[i]);
            library.pages[p].lower = order.get(pos + 1).copied();
        }
        section.pages = order;
    }
    let sections_snapshot: Vec<(Option<i64>, String)> = library
        .sections
        .iter()
        .map(|s| (s.front.weight, s.front.title.clone().unwrap_or_default()))
        .collect();
    for section in &mut library.sections {
        section.subsections.sort_by(|a, b| {
            let (wa, ta) = &sections_snapshot[*a];
            let (wb, tb) = &sections_snapshot[*b];
            wa.unwrap_or(i64::MAX)
                .cmp(&wb.unwrap_or(i64::MAX))
                .then_with(|| ta.cmp(tb))
        });
    }
}
