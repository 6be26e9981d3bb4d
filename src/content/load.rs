//! Read and check every content file, in parallel, into a [`Library`].
//!
//! Order of work: walk the folder, parse front matter (parallel), place pages in sections and
//! give them URLs, render Markdown with every link resolved (parallel), sort, build taxonomies.
//! Errors from all files are collected and reported together.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::front_matter::{self, Kind, PageFront, SectionFront, SortBy};
use super::{Asset, Library, Page, Section, taxonomy, walk};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Errors, Result};
use crate::markdown::{self, ANSWER_MARKER, MORE_MARKER, PageRenderer, Reference};

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
        .map(|rel| {
            parse_file(&content_dir, rel, |path, split, map| {
                front_matter::section(path, split, map)
            })
        })
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

    let mut library = Library::default();
    let section_bodies = place_sections(&mut library, sections, config);
    let page_bodies = place_pages(&mut library, pages, &sources, &content_dir, config);

    // Every @/ target: source path → URL.
    let targets: HashMap<String, String> = library
        .pages
        .iter()
        .map(|p| (p.rel.clone(), p.url.clone()))
        .chain(
            library
                .sections
                .iter()
                .map(|s| (s.rel.clone(), s.url.clone())),
        )
        .collect();
    let resolve = |t: &str| targets.get(t).cloned();

    let rendered: Vec<(RenderedPage, Vec<Diagnostic>)> = library
        .pages
        .par_iter()
        .zip(page_bodies.par_iter())
        .map(|(page, (body, body_line))| {
            render_page(page, body, *body_line, &resolve, &content_dir, &drafts)
        })
        .collect();
    let rendered_sections: Vec<(RenderedPage, Vec<Diagnostic>)> = library
        .sections
        .par_iter()
        .zip(section_bodies.par_iter())
        .map(|(section, (body, body_line))| {
            let mut r = PageRenderer::new(&section.url, false, &resolve);
            let out = r.render(body);
            let file = section
                .file
                .clone()
                .unwrap_or_else(|| content_dir.join("_index.md"));
            let errs = check_references(
                &out.references,
                &resolve,
                &file,
                *body_line,
                None,
                &content_dir,
                &drafts,
            );
            (
                RenderedPage {
                    content: out.html,
                    ..Default::default()
                },
                errs,
            )
        })
        .collect();
    for (page, (r, errs)) in library.pages.iter_mut().zip(rendered) {
        errors.extend(errs);
        page.content = r.content;
        page.answer = r.answer;
        page.summary = r.summary;
        page.headings = r.headings;
        page.word_count = r.word_count;
        page.reading_time = markdown::reading_time(r.word_count);
    }
    for (section, (r, errs)) in library.sections.iter_mut().zip(rendered_sections) {
        errors.extend(errs);
        section.content = r.content;
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        return Err(Errors(errors));
    }
    sort_sections(&mut library);
    library.taxonomies = taxonomy::build(&library.pages, config);
    Ok(library)
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
) -> Vec<(String, usize)> {
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
    for p in parsed {
        let dir = dir_of(&p.rel).to_string();
        let parent = (!dir.is_empty()).then(|| section_for(dir_of(&dir[..dir.len() - 1]), &by_dir));
        let path = url_path(&dir);
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
    bodies
}

/// Lowercase, dash-separated URL segments for a folder path (`Cases/Head CT/` → `cases/head-ct/`).
fn url_path(dir: &str) -> String {
    dir.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| slug::slugify(s) + "/")
        .collect()
}

fn place_pages(
    library: &mut Library,
    parsed: Vec<Parsed<PageFront>>,
    sources: &walk::Sources,
    content_dir: &Path,
    config: &Config,
) -> Vec<(String, usize)> {
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
    for p in parsed {
        let (parent_dir, stem, bundle) = match p.rel.strip_suffix("/index.md") {
            Some(bundle) => {
                let name = bundle.rsplit('/').next().unwrap_or(bundle);
                (dir_of(bundle), name, Some(format!("{bundle}/")))
            }
            None => {
                let name = p.rel.rsplit('/').next().unwrap_or(&p.rel);
                (dir_of(&p.rel), name.trim_end_matches(".md"), None)
            }
        };
        let section = section_for(parent_dir, &by_dir);
        let slug = slug::slugify(p.front.slug.as_deref().unwrap_or(stem));
        let path = format!("{}{}/", url_path(parent_dir), slug);
        let url = format!("{}{}", config.base_path, path);
        let kind = p
            .front
            .kind
            .or(library.sections[section].front.page_kind)
            .unwrap_or(Kind::Page);
        let assets = bundle
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
            assets,
            content: String::new(),
            answer: None,
            summary: None,
            headings: Vec::new(),
            word_count: 0,
            reading_time: 0,
            section,
            lower: None,
            higher: None,
        });
        bodies.push((p.body, p.body_line));
    }
    for rel in &sources.loose_assets {
        let section = section_for(dir_of(rel), &by_dir);
        let output = format!(
            "{}{}",
            url_path(dir_of(rel)),
            rel.rsplit('/').next().unwrap_or(rel)
        );
        library.sections[section].assets.push(Asset {
            source: content_dir.join(rel),
            output,
        });
    }
    bodies
}

#[derive(Default)]
struct RenderedPage {
    content: String,
    answer: Option<String>,
    summary: Option<String>,
    headings: Vec<markdown::Heading>,
    word_count: usize,
}

fn render_page(
    page: &Page,
    body: &str,
    body_line: usize,
    resolve: &dyn Fn(&str) -> Option<String>,
    content_dir: &Path,
    drafts: &HashSet<String>,
) -> (RenderedPage, Vec<Diagnostic>) {
    let bundle = page.bundle_dir.is_some();
    let mut renderer = PageRenderer::new(&page.url, bundle, resolve);
    let (question, answer_src) = match page.is_quiz() {
        true => match markdown::split_at_marker(body, ANSWER_MARKER) {
            Some((q, a)) => (q, Some(a)),
            None => (body, None),
        },
        false => (body, None),
    };
    let main = renderer.render(question);
    let mut references = main.references.clone();
    let mut out = RenderedPage {
        content: main.html,
        headings: main.headings,
        word_count: main.word_count,
        ..Default::default()
    };
    if let Some(a) = answer_src {
        let answer = renderer.render(a);
        let offset = question.lines().count() + 1;
        references.extend(answer.references.into_iter().map(|r| shift(r, offset)));
        out.answer = Some(answer.html);
        out.headings.extend(answer.headings);
        out.word_count += answer.word_count;
    }
    out.summary = match markdown::split_at_marker(question, MORE_MARKER) {
        Some((before, _)) => Some(
            PageRenderer::new(&page.url, bundle, resolve)
                .render(before)
                .html,
        ),
        None => main.first_paragraph,
    };
    let mut errors = check_references(
        &references,
        resolve,
        &page.file,
        body_line,
        page.bundle_dir.as_deref(),
        content_dir,
        drafts,
    );
    if let Some(dir) = &page.bundle_dir {
        for img in &page.front.case.images {
            if !dir.join(&img.file).is_file() {
                errors.push(
                    Diagnostic::in_file(
                        &page.file,
                        format!("image `{}` listed in `images` does not exist", img.file),
                    )
                    .at_line(page.front.case.images_line.unwrap_or(1))
                    .with_hint(format!("put the file in {} or fix the name", dir.display())),
                );
            }
        }
    } else if let Some(img) = page.front.case.images.first() {
        errors.push(
            Diagnostic::in_file(
                &page.file,
                format!(
                    "image `{}` is listed, but this page is not a bundle",
                    img.file
                ),
            )
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
    resolve: &dyn Fn(&str) -> Option<String>,
    file: &Path,
    body_line: usize,
    bundle_dir: Option<&Path>,
    content_dir: &Path,
    drafts: &HashSet<String>,
) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for r in references {
        match r {
            Reference::Internal { target, line } => {
                if resolve(target).is_some() {
                    continue;
                }
                let line = body_line + line - 1;
                let missing_target = content_dir.join(target);
                let hint = if drafts.contains(target.as_str()) {
                    "that page is a draft: publish it (remove draft = true) or build with --drafts"
                        .to_string()
                } else {
                    "link to a page by its path under content/, e.g. @/cases/2024-appendicitis/index.md".to_string()
                };
                errors.push(
                    Diagnostic::in_file(
                        file,
                        format!(
                            "link to `@/{target}`, but {} does not exist",
                            missing_target.display()
                        ),
                    )
                    .at_line(line)
                    .with_hint(hint),
                );
            }
            Reference::LocalImage { file: img, line } => {
                if let Some(dir) = bundle_dir
                    && !dir.join(img).is_file()
                {
                    errors.push(
                        Diagnostic::in_file(
                            file,
                            format!("image `{img}` does not exist in the page's folder"),
                        )
                        .at_line(body_line + line - 1)
                        .with_hint(format!("put the file in {} or fix the name", dir.display())),
                    );
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
