//! Markdown → HTML with pulldown-cmark: heading anchors, link rewriting, summaries, word counts.
//!
//! Knows nothing about files or templates: the caller says what the page's URL is and how to
//! resolve `@/` links, and gets back HTML plus what was referenced, so the loader can check it.

use std::collections::HashSet;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// The line on which the summary ends.
pub const MORE_MARKER: &str = "<!-- more -->";
/// In a quiz case, the line after which the answer starts.
pub const ANSWER_MARKER: &str = "<!-- answer -->";

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// A heading of the page, for a table of contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// What the loader needs to check after rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// An `@/path` link, with the 1-based line in the fragment.
    Internal { target: String, line: usize },
    /// A relative image (in a bundle), with the line.
    LocalImage { file: String, line: usize },
}

#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    /// The first top-level paragraph, rendered.
    pub first_paragraph: Option<String>,
    pub headings: Vec<Heading>,
    pub word_count: usize,
    pub references: Vec<Reference>,
}

/// Renders the Markdown fragments of one page, so heading ids stay unique across them.
pub struct PageRenderer<'a> {
    /// The page's URL path (ends with `/`); relative links resolve against it when `bundle`.
    pub page_url: &'a str,
    pub bundle: bool,
    /// Maps an `@/` target (without `@/` and fragment) to its URL path.
    pub resolve: &'a dyn Fn(&str) -> Option<String>,
    used_ids: HashSet<String>,
}

impl<'a> PageRenderer<'a> {
    pub fn new(
        page_url: &'a str,
        bundle: bool,
        resolve: &'a dyn Fn(&str) -> Option<String>,
    ) -> Self {
        PageRenderer {
            page_url,
            bundle,
            resolve,
            used_ids: HashSet::new(),
        }
    }

    /// Render one fragment of Markdown.
    pub fn render(&mut self, text: &str) -> Rendered {
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let line_of = |offset: usize| line_starts.partition_point(|&s| s <= offset);

        let mut out = Rendered::default();
        let mut events: Vec<Event<'_>> = Vec::new();
        let mut heading: Option<(HeadingLevel, Option<String>, Vec<Event<'_>>)> = None;
        let mut depth = 0usize;
        let mut summary: Option<Vec<Event<'_>>> = None;
        let mut capturing = false;

        for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
            let event = match event {
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let dest_url =
                        self.rewrite(dest_url, line_of(range.start), false, &mut out.references);
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    })
                }
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let dest_url =
                        self.rewrite(dest_url, line_of(range.start), true, &mut out.references);
                    Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    })
                }
                Event::Text(t) => {
                    out.word_count += t.split_whitespace().count();
                    Event::Text(t)
                }
                other => other,
            };

            if let Some((_, _, inner)) = heading.as_mut() {
                if let Event::End(TagEnd::Heading(_)) = event {
                    let Some((level, id, inner)) = heading.take() else {
                        unreachable!()
                    };
                    self.emit_heading(level, id, inner, &mut events, &mut out.headings);
                } else {
                    inner.push(event);
                }
                continue;
            }
            if let Event::Start(Tag::Heading { level, id, .. }) = &event {
                heading = Some((*level, id.as_ref().map(|i| i.to_string()), Vec::new()));
                continue;
            }

            match &event {
                Event::Start(Tag::Paragraph) if depth == 0 && summary.is_none() => {
                    capturing = true;
                    summary = Some(Vec::new());
                }
                _ => {}
            }
            if capturing && let Some(s) = summary.as_mut() {
                s.push(event.clone());
                if matches!(event, Event::End(TagEnd::Paragraph)) && depth == 1 {
                    capturing = false;
                }
            }
            match &event {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth = depth.saturating_sub(1),
                _ => {}
            }
            events.push(event);
        }
        html::push_html(&mut out.html, events.into_iter());
        if let Some(s) = summary {
            let mut html_out = String::new();
            html::push_html(&mut html_out, s.into_iter());
            out.first_paragraph = Some(html_out);
        }
        out
    }

    fn emit_heading<'e>(
        &mut self,
        level: HeadingLevel,
        id: Option<String>,
        inner: Vec<Event<'e>>,
        events: &mut Vec<Event<'e>>,
        headings: &mut Vec<Heading>,
    ) {
        let title: String = inner
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        let base = id.unwrap_or_else(|| {
            let s = slug::slugify(&title);
            if s.is_empty() {
                "section".to_string()
            } else {
                s
            }
        });
        let mut id = base.clone();
        let mut n = 1;
        while !self.used_ids.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        let lvl = level as u8;
        events.push(Event::Html(CowStr::from(format!("<h{lvl} id=\"{id}\">"))));
        events.extend(inner);
        events.push(Event::Html(CowStr::from(format!(
            " <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h{lvl}>\n"
        ))));
        headings.push(Heading {
            level: lvl,
            id,
            title,
        });
    }

    /// Resolve `@/` links and make bundle-relative URLs absolute (so summaries on list pages work).
    fn rewrite<'e>(
        &self,
        dest: CowStr<'e>,
        line: usize,
        image: bool,
        refs: &mut Vec<Reference>,
    ) -> CowStr<'e> {
        if let Some(target) = dest.strip_prefix("@/") {
            let (path, fragment) = match target.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (target, None),
            };
            refs.push(Reference::Internal {
                target: path.to_string(),
                line,
            });
            return match (self.resolve)(path) {
                Some(url) => CowStr::from(match fragment {
                    Some(f) => format!("{url}#{f}"),
                    None => url,
                }),
                None => dest,
            };
        }
        if !self.bundle || is_external_or_rooted(&dest) {
            return dest;
        }
        let clean = dest.trim_start_matches("./");
        if image {
            let file = clean.split(['?', '#']).next().unwrap_or(clean);
            refs.push(Reference::LocalImage {
                file: file.to_string(),
                line,
            });
        }
        CowStr::from(format!("{}{}", self.page_url, clean))
    }
}

fn is_external_or_rooted(url: &str) -> bool {
    if url.starts_with(['/', '#', '?']) || url.is_empty() {
        return true;
    }
    // A scheme (`https:`, `mailto:`, `data:`) comes before any `/`.
    match url.find(':') {
        Some(colon) => !url[..colon].contains('/'),
        None => false,
    }
}

/// Render a short piece of Markdown (a reference, a teaching point) without the `<p>` wrapper.
pub fn render_inline(text: &str) -> String {
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(text, options()));
    let trimmed = out.trim();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => trimmed.to_string(),
    }
}

/// Split `text` at the first line that is exactly `marker`: (before, after).
pub fn split_at_marker<'t>(text: &'t str, marker: &str) -> Option<(&'t str, &'t str)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim() == marker {
            return Some((&text[..offset], &text[offset + line.len()..]));
        }
        offset += line.len();
    }
    None
}

/// Minutes to read `words` at 200 words a minute, at least one.
pub fn reading_time(words: usize) -> usize {
    words.div_ceil(200).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(text: &str) -> Rendered {
        let resolve = |p: &str| (p == "cases/b/index.md").then(|| "/cases/b/".to_string());
        PageRenderer::new("/cases/a/", true, &resolve).render(text)
    }

    #[test]
    fn headings_get_unique_ids_and_anchors() {
        let r = render("## Findings\n\n## Findings\n");
        assert!(
            r.html
                .contains("<h2 id=\"findings\">Findings <a class=\"anchor\" href=\"#findings\"")
        );
        assert!(r.html.contains("id=\"findings-1\""));
        assert_eq!(r.headings.len(), 2);
    }

    #[test]
    fn links_are_rewritten_and_recorded() {
        let r = render(
            "See [b](@/cases/b/index.md#x) and [c](@/cases/c.md).\n\n![ct](ct.png \"Axial\")\n",
        );
        assert!(r.html.contains("href=\"/cases/b/#x\""), "{}", r.html);
        assert!(r.html.contains("src=\"/cases/a/ct.png\""));
        assert!(r.references.contains(&Reference::Internal {
            target: "cases/c.md".into(),
            line: 1
        }));
        assert!(r.references.contains(&Reference::LocalImage {
            file: "ct.png".into(),
            line: 3
        }));
    }

    #[test]
    fn external_links_stay() {
        let r = render("[a](https://x.org/p) [b](/abs/) [c](#frag) [d](mailto:a@b.c)\n");
        for href in ["https://x.org/p", "/abs/", "#frag", "mailto:a@b.c"] {
            assert!(r.html.contains(&format!("href=\"{href}\"")), "{href}");
        }
    }

    #[test]
    fn extensions_are_on() {
        let r =
            render("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~x~~ - [x] done \"q\"[^1]\n\n[^1]: note\n");
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("<del>x</del>"));
        assert!(r.html.contains("\u{201c}q\u{201d}"));
        assert!(r.html.contains("footnote"));
    }

    #[test]
    fn first_paragraph_is_top_level_only() {
        let r = render("# T\n\n> quoted\n\nFirst *real* one.\n\nSecond.\n");
        assert_eq!(
            r.first_paragraph.as_deref(),
            Some("<p>First <em>real</em> one.</p>\n")
        );
    }

    #[test]
    fn marker_split_and_inline() {
        assert_eq!(
            split_at_marker("a\n<!-- answer -->\nb\n", ANSWER_MARKER),
            Some(("a\n", "b\n"))
        );
        assert_eq!(render_inline("*Radiology* 2019"), "<em>Radiology</em> 2019");
        assert_eq!(reading_time(0), 1);
        assert_eq!(reading_time(401), 3);
    }
}
