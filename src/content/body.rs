//! A page's body: Markdown rendered (question and answer apart for a quiz), its summary, and
//! every `@/` link and image it references checked against the site.

use std::collections::HashMap;
use std::path::Path;

use super::bundle::{self, Bundle};
use super::schedule::LeftOut;
use super::{Asset, Page};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::front::Kind;
use crate::markdown::{
    self, ANSWER_MARKER, DISCUSSION_MARKER, LocalMedia, MORE_MARKER, PageRenderer, Reference,
    Refused,
};
use crate::source::{Root, Sources};
use crate::types::{Picture, Stack, is_inside};

/// What the rendering stage shares between pages.
pub struct Ctx<'a> {
    pub config: &'a Config,
    pub sources: &'a Sources,
    pub content_dir: &'a Path,
    pub resolve: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// Drafts left out of this build, by path under `content/`.
    pub left_out: &'a HashMap<String, LeftOut>,
}

/// What rendering a page yields.
#[derive(Default)]
pub struct Rendered {
    pub content: String,
    pub answer: Option<String>,
    pub discussion: Option<String>,
    pub summary: Option<String>,
    pub headings: Vec<markdown::Heading>,
    pub word_count: usize,
    pub pictures: Vec<Picture>,
    pub gallery: Vec<Picture>,
    pub stacks: Vec<Stack>,
    pub assets: Vec<Asset>,
    pub photo: Option<Picture>,
}

impl Rendered {
    pub fn apply_to(self, page: &mut Page) {
        page.content = self.content;
        page.answer = self.answer;
        page.discussion = self.discussion;
        page.summary = self.summary;
        page.headings = self.headings;
        page.word_count = self.word_count;
        page.reading_time = markdown::reading_time(self.word_count);
        page.pictures = self.pictures;
        page.gallery = self.gallery;
        page.stacks = self.stacks;
        page.assets = self.assets;
        page.photo = self.photo;
    }
}

/// Render `body` (starting at file line `body_line`) of `page`, whose bundle is `bundle`.
pub fn render_page(
    page: &Page,
    bundle: Option<&Bundle<'_>>,
    body: &str,
    body_line: usize,
    ctx: &Ctx<'_>,
) -> (Rendered, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let sorted = bundle.map(|b| {
        let (sorted, errs) = bundle::sort(b);
        errors.extend(errs);
        sorted
    });
    let media = sorted.as_ref().map(|s| &s.media as &dyn LocalMedia);
    let base = ctx.config.base_path.as_str();
    let renderer = || {
        let r = PageRenderer::new(&page.url, bundle.is_some(), ctx.resolve)
            .with_base_path(base)
            .with_settings(ctx.config.markdown);
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
    // A discussion marker anywhere but in a quiz's answer would be dropped without a word.
    let misplaced = match answer_src {
        Some(_) => question,
        None => body,
    };
    if let Some((before, _)) = markdown::split_at_marker(misplaced, DISCUSSION_MARKER) {
        let why = match (page.is_quiz(), answer_src.is_some()) {
            (false, _) => "only a quiz's answer opens in stages, and this page is not a quiz",
            (true, true) => {
                "it comes before `<!-- answer -->`, in the part shown before the answer"
            }
            (true, false) => "this quiz has no `<!-- answer -->` line before it",
        };
        errors.push(
            Diagnostic::in_file(
                &page.file,
                format!("`{DISCUSSION_MARKER}` does nothing here: {why}"),
            )
            .at_line(body_line + before.lines().count())
            .with_hint("in a quiz (`quiz = true`), put it after the `<!-- answer -->` line, between the findings and the discussion; elsewhere, delete it"),
        );
    }
    let main = main_renderer.render(question);
    let mut references = main.references.clone();
    let mut refused = main.refused.clone();
    let mut out = Rendered {
        content: main.html,
        headings: main.headings,
        word_count: main.word_count,
        ..Default::default()
    };
    if let Some(a) = answer_src {
        // Answer headings stay out of the table of contents: a theme showing it would give
        // the answer away.
        let (findings, discussion) = match markdown::split_at_marker(a, DISCUSSION_MARKER) {
            Some((f, d)) => (f, Some(d)),
            None => (a, None),
        };
        let offset = question.lines().count() + 1;
        let parts = [(findings, offset)]
            .into_iter()
            .chain(discussion.map(|d| (d, offset + findings.lines().count() + 1)));
        for (i, (src, offset)) in parts.enumerate() {
            let html = main_renderer.render(src);
            references.extend(html.references.into_iter().map(|r| shift(r, offset)));
            refused.extend(html.refused.into_iter().map(|mut r| {
                r.line += offset;
                r
            }));
            out.word_count += html.word_count;
            match i {
                0 => out.answer = Some(html.html),
                _ => out.discussion = Some(html.html),
            }
        }
    }
    out.summary = match markdown::split_at_marker(question, MORE_MARKER) {
        Some((before, _)) => Some(renderer().for_summary().render(before).html),
        None => main.first_paragraph,
    };
    errors.extend(check_references(
        &references,
        &page.file,
        body_line,
        bundle,
        ctx,
    ));
    errors.extend(refused_errors(&refused, &page.file, body_line));
    if let (Some(b), Some(mut sorted)) = (bundle, sorted) {
        let inline: Vec<String> = references
            .iter()
            .filter_map(|r| match r {
                Reference::LocalImage { file, .. } => Some(file.clone()),
                Reference::Internal { .. } => None,
            })
            .collect();
        if page.kind == Kind::Case {
            let (gallery, errs) = bundle::gallery(b, &mut sorted.media, &inline);
            out.gallery = gallery;
            errors.extend(errs);
        }
        out.assets = sorted.assets;
        if page.kind == Kind::Person {
            out.photo = page
                .fields
                .text(crate::front::keys::PHOTO)
                .and_then(|p| sorted.media.get(p.trim()))
                .cloned();
        }
        out.pictures = sorted.media.pictures;
        out.stacks = sorted.stacks;
    }
    (out, errors)
}

/// Render a section's body.
pub fn render_section(
    url: &str,
    file: &Path,
    body: &str,
    body_line: usize,
    ctx: &Ctx<'_>,
) -> (String, Vec<Diagnostic>) {
    let mut r = PageRenderer::new(url, false, ctx.resolve)
        .with_base_path(&ctx.config.base_path)
        .with_settings(ctx.config.markdown);
    let out = r.render(body);
    let mut errors = check_references(&out.references, file, body_line, None, ctx);
    errors.extend(refused_errors(&out.refused, file, body_line));
    (out.html, errors)
}

/// A `javascript:` or `data:` address is never published: an error on its line.
fn refused_errors(refused: &[Refused], file: &Path, body_line: usize) -> Vec<Diagnostic> {
    refused
        .iter()
        .map(|r| {
            Diagnostic::in_file(file, r.message())
                .at_line(body_line + r.line - 1)
                .with_hint(Refused::hint())
        })
        .collect()
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

/// Why a link to a page left out of this build breaks, and how to mend it.
pub(super) fn left_out_reason(why: LeftOut) -> (String, String) {
    let day = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    match why {
        LeftOut::Draft => (
            "is a draft".into(),
            "publish it (remove draft = true) or build with --drafts".into(),
        ),
        LeftOut::Scheduled(at) => (
            format!("is not published until {}", day(at)),
            format!(
                "link to it once it is published, or publish it sooner (its `publish`); `--now {}` previews the site as it will be",
                at.format("%Y-%m-%dT%H:%M:%SZ")
            ),
        ),
        LeftOut::Expired(at) => (
            format!("expired at {}", day(at)),
            "remove the link, or move the page's `expire` later".into(),
        ),
    }
}

fn check_references(
    references: &[Reference],
    file: &Path,
    body_line: usize,
    bundle: Option<&Bundle<'_>>,
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
                let (what, hint) = if let Some(why) = ctx.left_out.get(target.as_str()) {
                    left_out_reason(*why)
                } else if ctx.sources.get(Root::Content, target).is_some()
                    && !target.ends_with(".md")
                {
                    ("is a file, not a page".to_string(), "link to a file next to the page with a plain relative link, e.g. [handout](handout.pdf)".to_string())
                } else {
                    ("does not exist".to_string(), "link to a page by its path under content/, e.g. @/cases/2024-appendicitis/index.md".to_string())
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
                match bundle {
                    Some(_) if !is_inside(img) => errors.push(
                        Diagnostic::in_file(file, format!("image `{img}` is outside the page's folder"))
                            .at_line(line)
                            .with_hint("copy the image into the page's folder and link it by its name"),
                    ),
                    Some(b) if b.get(img).is_none() => errors.push(
                        Diagnostic::in_file(file, format!("image `{img}` does not exist in the page's folder"))
                            .at_line(line)
                            .with_hint(format!("put the file in {} or fix the name", b.dir.display())),
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
