//! Markdown → HTML with pulldown-cmark: heading anchors, link rewriting, responsive images,
//! summaries, word counts.
//!
//! Knows nothing about files or templates: the caller says what the page's URL is, how to
//! resolve `@/` links and which images the page publishes, and gets back HTML plus what was
//! referenced, so the loader can check it.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashSet;

use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html,
};

/// The line on which the summary ends.
pub const MORE_MARKER: &str = "<!-- more -->";
/// In a quiz case, the line after which the answer starts.
pub const ANSWER_MARKER: &str = "<!-- answer -->";
/// Splits a quiz's answer into its findings (before) and its discussion (after): the answer then
/// opens in stages, findings, then the diagnosis, then the discussion.
pub const DISCUSSION_MARKER: &str = "<!-- discussion -->";

/// Ids the default theme uses on case and list pages; headings never take them.
const THEME_IDS: &[&str] = &[
    "main",
    "history",
    "diagnosis",
    "differential",
    "points",
    "references",
    "latest-cases",
    "latest-posts",
];

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// How Markdown is rendered: `[markdown]` in `config.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Raw HTML in Markdown is published as HTML (trusted authors), or shown as text (`false`,
    /// for sites with many contributors).
    pub raw_html: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { raw_html: true }
    }
}

/// Address schemes never published: they run code (`javascript:`, `vbscript:`) or embed a
/// document of the author's making (`data:`) in the reader's browser.
const REFUSED_SCHEMES: &[&str] = &["javascript", "vbscript", "data"];

/// The refused scheme `url` has, read as a browser reads it: leading spaces and control
/// characters dropped, tabs and line breaks removed anywhere, any letter case. (Entities such
/// as `jav&#x61;script:` are decoded before this, by the Markdown or HTML parser.)
pub fn refused_scheme(url: &str) -> Option<&'static str> {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, _) = cleaned.split_once(':')?;
    REFUSED_SCHEMES
        .iter()
        .copied()
        .find(|r| scheme.eq_ignore_ascii_case(r))
}

/// A link or image target radcase does not publish, and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub target: String,
    /// 1-based line in the fragment.
    pub line: usize,
    /// In an attribute of raw HTML (else a Markdown link or image).
    pub in_html: bool,
}

impl Refused {
    pub fn message(&self) -> String {
        let scheme = refused_scheme(&self.target).unwrap_or("javascript");
        let mut shown: String = self.target.trim().chars().take(60).collect();
        if shown.len() < self.target.trim().len() {
            shown.push('…');
        }
        if self.in_html {
            format!("raw HTML here has a `{scheme}:` address: `{shown}`")
        } else {
            format!("a link or image here points to a `{scheme}:` address: `{shown}`")
        }
    }

    pub fn hint() -> &'static str {
        "radcase never publishes javascript:, vbscript: or data: addresses: they run code or embed \
         content in the reader's browser. Link to a page (https://…, /path/ or @/file.md), or put \
         the image or file next to the page and link to it by name"
    }
}

/// Attributes whose value is an address a browser follows or loads.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "poster",
    "data",
    "background",
    "cite",
    "longdesc",
    "lowsrc",
    "dynsrc",
    "ping",
    "manifest",
    "codebase",
    "icon",
    "srcset",
    "imagesrcset",
    "xlink:href",
];

/// The refused addresses in the attributes of an HTML fragment, with their 1-based lines in
/// it. Read by the spec's tokenizer, so entities, quoting and the raw text of `<script>`
/// and `<style>` are taken as a browser takes them.
pub fn refused_in_html(fragment: &str) -> Vec<(String, usize)> {
    struct Sink(RefCell<Vec<(String, usize)>>);
    impl TokenSink for Sink {
        type Handle = ();
        fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
            let Token::TagToken(tag) = token else {
                return TokenSinkResult::Continue;
            };
            if tag.kind != TagKind::StartTag {
                return TokenSinkResult::Continue;
            }
            for a in &tag.attrs {
                let name: &str = &a.name.local;
                if !URL_ATTRIBUTES.contains(&name) {
                    continue;
                }
                // A list of addresses (`srcset`: "a.png 1x, b.png 2x"; `ping`: "a b").
                let many = matches!(name, "srcset" | "imagesrcset" | "ping");
                let value: &str = &a.value;
                let urls: Vec<&str> = if many {
                    value
                        .split(',')
                        .flat_map(|c| {
                            c.split_whitespace()
                                .take(if name == "ping" { usize::MAX } else { 1 })
                        })
                        .collect()
                } else {
                    vec![value]
                };
                for url in urls {
                    if refused_scheme(url).is_some() {
                        self.0.borrow_mut().push((url.to_string(), line as usize));
                    }
                }
            }
            match &*tag.name {
                "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                    TokenSinkResult::RawData(RawKind::Rawtext)
                }
                "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
                "plaintext" => TokenSinkResult::Plaintext,
                _ => TokenSinkResult::Continue,
            }
        }
    }
    if !fragment.contains(':') {
        return Vec::new();
    }
    let tokenizer = Tokenizer::new(Sink(RefCell::new(Vec::new())), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(fragment.into());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.take()
}

/// Whether raw HTML is only comments (`<!-- more -->`): nothing a reader sees.
fn only_comments(html: &str) -> bool {
    let mut rest = html.trim();
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let Some(body) = rest.strip_prefix("<!--") else {
            return false;
        };
        let Some(end) = body.find("-->") else {
            return false;
        };
        if body[..end].contains("--!>") {
            return false;
        }
        rest = body[end + 3..].trim_start();
    }
    true
}

/// CommonMark replaces U+0000 with U+FFFD (a NUL could hide text from checks that stop at it).
fn without_nul(text: &str) -> Cow<'_, str> {
    if text.contains('\0') {
        Cow::Owned(text.replace('\0', "\u{FFFD}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Raw HTML shown as text: `<pre><code>` for a block, escaped text inline.
fn html_as_text(html: String, block: bool) -> Vec<Event<'static>> {
    if block {
        vec![
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)),
            Event::Text(CowStr::from(html)),
            Event::End(TagEnd::CodeBlock),
        ]
    } else {
        vec![Event::Text(CowStr::from(html))]
    }
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
    /// An `@/` link, with the 1-based line in the fragment.
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
    /// Targets that were not published (each an error for the caller to report).
    pub refused: Vec<Refused>,
}

/// The images of a page bundle, as the Markdown renderer needs them.
pub trait LocalMedia {
    /// HTML for the image `file` (bundle-relative): a `<figure>` when it stands alone in its
    /// paragraph, else inline markup. `None` when `file` is not a published image.
    fn image_html(&self, file: &str, alt: &str, title: &str, alone: bool) -> Option<String>;
    /// The URL a plain link to `file` should point to, when the image is published under
    /// another name.
    fn link_url(&self, file: &str) -> Option<String>;
}

/// An image being read: its destination, title, alt text so far, and its start event.
struct PendingImage<'e> {
    dest: CowStr<'e>,
    title: CowStr<'e>,
    alt: String,
    start: Event<'e>,
}

/// A heading being read: its level, the id written for it, and its events.
type OpenHeading<'e> = (HeadingLevel, Option<String>, Vec<Event<'e>>);

/// The state of rendering one fragment: the events kept so far and what is open.
#[derive(Default)]
struct Fragment<'e> {
    out: Rendered,
    events: Vec<Event<'e>>,
    heading: Option<OpenHeading<'e>>,
    image: Option<PendingImage<'e>>,
    /// Depth of footnote definitions being left out of a summary.
    in_footnote: usize,
    /// Index in `events` of the open paragraph's start, and a picture placed in it.
    paragraph: Option<usize>,
    picture: Option<(usize, String)>,
    /// An HTML block being read (its line and text): it is checked whole, since a tag may
    /// run over several of its lines.
    html_block: Option<(usize, String)>,
    /// A table being read: where its scroll wrapper opens in `events`, and the text of its
    /// header cells so far (`None` outside the header row).
    table: Option<(usize, Vec<String>, bool)>,
}

/// The opening of the box a table scrolls sideways in, when it is wider than the screen:
/// focusable, so keyboard users can scroll it too, and named after its columns.
fn table_scroll_open(head: &[String]) -> String {
    let mut label = String::from("Table");
    let names: Vec<&str> = head
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    if !names.is_empty() {
        label.push_str(": ");
        let mut joined = names.join(", ");
        if joined.chars().count() > 80 {
            joined = joined.chars().take(79).collect::<String>() + "…";
        }
        label.push_str(&joined);
    }
    format!(
        "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"{}\">",
        crate::types::escape_html(&label)
    )
}

impl<'e> Fragment<'e> {
    /// Wrap tables in their scroll box, and collect the text of their header cells for its
    /// label.
    fn table_event(&mut self, event: &Event<'e>) {
        match event {
            Event::Start(Tag::Table(_)) => {
                self.table = Some((self.events.len(), Vec::new(), false));
                self.events.push(Event::Html(CowStr::from("")));
            }
            Event::Start(Tag::TableHead) => {
                if let Some(t) = self.table.as_mut() {
                    t.2 = true;
                }
            }
            Event::End(TagEnd::TableHead) => {
                if let Some(t) = self.table.as_mut() {
                    t.2 = false;
                }
            }
            Event::Start(Tag::TableCell) => {
                if let Some((_, head, true)) = self.table.as_mut() {
                    head.push(String::new());
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, head, true)) = self.table.as_mut()
                    && let Some(cell) = head.last_mut()
                {
                    cell.push_str(t);
                }
            }
            _ => {}
        }
    }

    /// A summary leaves footnotes out (they would clash or dangle when several summaries
    /// share a page): whether `event` is one of theirs.
    fn skips_footnote(&mut self, event: &Event<'_>) -> bool {
        match event {
            Event::FootnoteReference(_) => true,
            Event::Start(Tag::FootnoteDefinition(_)) => {
                self.in_footnote += 1;
                true
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                self.in_footnote = self.in_footnote.saturating_sub(1);
                true
            }
            _ => self.in_footnote > 0,
        }
    }

    /// Keep `event`; a picture alone in its paragraph becomes a figure in place of the
    /// paragraph.
    fn push(&mut self, event: Event<'e>) {
        self.table_event(&event);
        if let Event::End(TagEnd::Table) = event {
            self.events.push(event);
            if let Some((at, head, _)) = self.table.take() {
                self.events[at] = Event::Html(CowStr::from(table_scroll_open(&head)));
                self.events.push(Event::Html(CowStr::from("</div>\n")));
            }
            return;
        }
        match &event {
            Event::Start(Tag::Paragraph) => {
                self.paragraph = Some(self.events.len());
                self.picture = None;
            }
            Event::End(TagEnd::Paragraph) => {
                if let (Some(start), Some((at, figure))) =
                    (self.paragraph.take(), self.picture.take())
                    && at == start + 1
                    && self.events.len() == at + 1
                {
                    self.events.truncate(start);
                    self.events.push(Event::Html(CowStr::from(figure)));
                    return;
                }
            }
            _ => {}
        }
        self.events.push(event);
    }
}

/// Renders the Markdown fragments of one page, so heading ids stay unique across them.
pub struct PageRenderer<'a> {
    /// The page's URL path (ends with `/`); relative links resolve against it when `bundle`.
    pub page_url: &'a str,
    /// The site's base path (`/` or `/teaching/`): rooted links are made to start with it.
    pub base_path: &'a str,
    pub bundle: bool,
    /// Maps an `@/` target (without `@/` and fragment) to its URL path.
    pub resolve: &'a dyn Fn(&str) -> Option<String>,
    pub media: Option<&'a dyn LocalMedia>,
    /// Rendering a summary for list pages: no heading ids, no footnotes (they would clash or
    /// dangle when several summaries share a page).
    pub summary: bool,
    pub settings: Settings,
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
            base_path: "/",
            bundle,
            resolve,
            media: None,
            summary: false,
            settings: Settings::default(),
            used_ids: THEME_IDS.iter().map(|s| s.to_string()).collect(),
        }
    }

    pub fn with_media(mut self, media: &'a dyn LocalMedia) -> Self {
        self.media = Some(media);
        self
    }

    pub fn with_base_path(mut self, base_path: &'a str) -> Self {
        self.base_path = base_path;
        self
    }

    pub fn with_settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    pub fn for_summary(mut self) -> Self {
        self.summary = true;
        self
    }

    /// The bundle-relative file a destination names, if it is a local file.
    fn local_file<'d>(&self, dest: &'d str) -> Option<&'d str> {
        if !self.bundle || dest.starts_with("@/") || is_external_or_rooted(dest) {
            return None;
        }
        let clean = dest.trim_start_matches("./");
        Some(clean.split(['?', '#']).next().unwrap_or(clean))
    }

    /// Render one fragment of Markdown.
    pub fn render(&mut self, text: &str) -> Rendered {
        let text = without_nul(text);
        let text = text.as_ref();
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let line_of = |offset: usize| line_starts.partition_point(|&s| s <= offset);
        let mut f = Fragment::default();
        for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
            let line = line_of(range.start);
            let Some(events) = self.raw_html(&mut f, event, line) else {
                continue;
            };
            for event in events {
                self.event(&mut f, event, line);
            }
        }
        f.out.first_paragraph = first_paragraph(&f.events);
        html::push_html(&mut f.out.html, f.events.into_iter());
        f.out
    }

    /// Raw HTML as the settings say: kept, or shown as text (and so is HTML with a refused
    /// address, which is also reported). Other events pass. `None` while an HTML block is read.
    fn raw_html<'e>(
        &self,
        f: &mut Fragment<'e>,
        event: Event<'e>,
        line: usize,
    ) -> Option<Vec<Event<'e>>> {
        let (html, block, line) = match event {
            Event::Start(Tag::HtmlBlock) => {
                f.html_block = Some((line, String::new()));
                return None;
            }
            Event::Html(t) => match f.html_block.as_mut() {
                Some((_, text)) => {
                    text.push_str(&t);
                    return None;
                }
                None => (t.into_string(), true, line),
            },
            Event::End(TagEnd::HtmlBlock) => {
                let (start, text) = f.html_block.take()?;
                (text, true, start)
            }
            Event::InlineHtml(t) => (t.into_string(), false, line),
            other => return Some(vec![other]),
        };
        if only_comments(&html) {
            // Comments are not shown either way; without raw HTML none is published.
            return Some(if self.settings.raw_html {
                vec![Event::Html(CowStr::from(html))]
            } else {
                Vec::new()
            });
        }
        if !self.settings.raw_html {
            return Some(html_as_text(html, block));
        }
        let refused = refused_in_html(&html);
        if refused.is_empty() {
            return Some(vec![if block {
                Event::Html(CowStr::from(html))
            } else {
                Event::InlineHtml(CowStr::from(html))
            }]);
        }
        f.out
            .refused
            .extend(refused.into_iter().map(|(target, l)| Refused {
                target,
                line: line + l - 1,
                in_html: true,
            }));
        Some(html_as_text(html, block))
    }

    /// One event of the fragment, after raw HTML was dealt with.
    fn event<'e>(&mut self, f: &mut Fragment<'e>, event: Event<'e>, line: usize) {
        {
            if f.image.is_some() {
                self.image_text(f, event);
                return;
            }
            if self.summary && f.skips_footnote(&event) {
                return;
            }
            let Some(event) = self.rewrite_event(f, event, line) else {
                return;
            };
            if let Some(event) = self.heading_event(f, event) {
                f.push(event);
            }
        }
    }

    /// Collect the alt text of an image being read, until its end.
    fn image_text<'e>(&self, f: &mut Fragment<'e>, event: Event<'e>) {
        match event {
            Event::End(TagEnd::Image) => {
                if let Some(img) = f.image.take() {
                    self.finish_image(img, &mut f.events, &mut f.picture);
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(img) = f.image.as_mut() {
                    img.alt.push_str(&t);
                }
            }
            _ => {}
        }
    }

    /// Links and images rewritten, words counted. `None` when the event starts an image whose
    /// markup is made once its alt text is read.
    fn rewrite_event<'e>(
        &self,
        f: &mut Fragment<'e>,
        event: Event<'e>,
        line: usize,
    ) -> Option<Event<'e>> {
        Some(match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if refused_scheme(&dest_url).is_some() => {
                f.out.refused.push(Refused {
                    target: dest_url.to_string(),
                    line,
                    in_html: false,
                });
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: CowStr::from(""),
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) if refused_scheme(&dest_url).is_some() => {
                f.out.refused.push(Refused {
                    target: dest_url.to_string(),
                    line,
                    in_html: false,
                });
                Event::Start(Tag::Image {
                    link_type,
                    dest_url: CowStr::from(""),
                    title,
                    id,
                })
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let published = self
                    .local_file(&dest_url)
                    .and_then(|file| self.media.and_then(|m| m.link_url(file)));
                let dest_url = match published {
                    Some(url) => CowStr::from(url),
                    None => self.rewrite(dest_url, line, false, &mut f.out.references),
                };
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
                let original = dest_url.clone();
                let rewritten = self.rewrite(dest_url, line, true, &mut f.out.references);
                let start = Event::Start(Tag::Image {
                    link_type,
                    dest_url: rewritten,
                    title: title.clone(),
                    id,
                });
                if f.heading.is_some() {
                    return Some(start);
                }
                f.image = Some(PendingImage {
                    dest: original,
                    title,
                    alt: String::new(),
                    start,
                });
                return None;
            }
            Event::Text(t) => {
                f.out.word_count += t.split_whitespace().count();
                Event::Text(t)
            }
            other => other,
        })
    }

    /// Gather a heading's events and emit it with its id at its end. Returns the events that
    /// are not part of a heading.
    fn heading_event<'e>(&mut self, f: &mut Fragment<'e>, event: Event<'e>) -> Option<Event<'e>> {
        if let Some((_, _, inner)) = f.heading.as_mut() {
            if let Event::End(TagEnd::Heading(_)) = event {
                if let Some((level, id, inner)) = f.heading.take() {
                    self.emit_heading(level, id, inner, &mut f.events, &mut f.out.headings);
                }
            } else {
                inner.push(event);
            }
            return None;
        }
        if let Event::Start(Tag::Heading { level, id, .. }) = &event {
            f.heading = Some((*level, id.as_ref().map(|i| i.to_string()), Vec::new()));
            return None;
        }
        Some(event)
    }

    fn finish_image<'e>(
        &self,
        img: PendingImage<'e>,
        events: &mut Vec<Event<'e>>,
        picture: &mut Option<(usize, String)>,
    ) {
        let html = self.local_file(&img.dest).and_then(|file| {
            let media = self.media?;
            let inline = media.image_html(file, &img.alt, &img.title, false)?;
            let figure = media.image_html(file, &img.alt, &img.title, true)?;
            Some((inline, figure))
        });
        match html {
            Some((inline, figure)) => {
                *picture = Some((events.len(), figure));
                events.push(Event::Html(CowStr::from(inline)));
            }
            None => {
                events.push(img.start);
                events.push(Event::Text(CowStr::from(img.alt)));
                events.push(Event::End(TagEnd::Image));
            }
        }
    }

    fn emit_heading<'e>(
        &mut self,
        level: HeadingLevel,
        id: Option<String>,
        inner: Vec<Event<'e>>,
        events: &mut Vec<Event<'e>>,
        headings: &mut Vec<Heading>,
    ) {
        let lvl = level as u8;
        if self.summary {
            events.push(Event::Html(CowStr::from(format!("<h{lvl}>"))));
            events.extend(inner);
            events.push(Event::Html(CowStr::from(format!("</h{lvl}>\n"))));
            return;
        }
        let title: String = inner
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        let base = id
            .map(slug::slugify)
            .filter(|i| !i.is_empty())
            .unwrap_or_else(|| {
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

    /// Resolve `@/` links, make bundle-relative URLs absolute (so summaries on list pages work),
    /// and put the base path in front of rooted links.
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
        if dest.starts_with('/') && !dest.starts_with("//") {
            if self.base_path != "/" && !dest.starts_with(self.base_path) {
                return CowStr::from(format!("{}{}", self.base_path, &dest[1..]));
            }
            return dest;
        }
        let Some(file) = self.local_file(&dest) else {
            return dest;
        };
        if image {
            refs.push(Reference::LocalImage {
                file: file.to_string(),
                line,
            });
        }
        CowStr::from(format!(
            "{}{}",
            self.page_url,
            dest.trim_start_matches("./")
        ))
    }
}

/// The first top-level paragraph of rendered events, as HTML.
fn first_paragraph(events: &[Event<'_>]) -> Option<String> {
    let mut depth = 0usize;
    let mut start = None;
    for (i, e) in events.iter().enumerate() {
        match e {
            Event::Start(Tag::Paragraph) if depth == 0 => {
                start = Some(i);
                depth += 1;
            }
            Event::Start(_) => depth += 1,
            Event::End(TagEnd::Paragraph) if depth == 1 && start.is_some() => {
                let mut html_out = String::new();
                let slice = &events[start.unwrap_or(i)..=i];
                let without_notes = slice
                    .iter()
                    .filter(|e| !matches!(e, Event::FootnoteReference(_)))
                    .cloned();
                html::push_html(&mut html_out, without_notes);
                return Some(html_out);
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
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

/// Events of a piece of Markdown rendered outside a page (front matter lists, the `markdown`
/// filter): raw HTML as `settings` say, refused targets emptied and listed.
fn loose_events<'t>(
    text: &'t str,
    options: Options,
    settings: Settings,
    refused: &mut Vec<Refused>,
) -> Vec<Event<'t>> {
    let mut out = Vec::new();
    for event in Parser::new_ext(text, options) {
        let mut refuse = |target: &str, in_html: bool| {
            refused.push(Refused {
                target: target.to_string(),
                line: 1,
                in_html,
            })
        };
        match event {
            Event::Html(t) | Event::InlineHtml(t) if only_comments(&t) && !settings.raw_html => {}
            Event::Html(t) | Event::InlineHtml(t) => {
                let found = if settings.raw_html {
                    refused_in_html(&t)
                } else {
                    Vec::new()
                };
                found.iter().for_each(|(u, _)| refuse(u, true));
                if settings.raw_html && found.is_empty() {
                    out.push(Event::InlineHtml(t));
                } else {
                    out.push(Event::Text(t));
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if refused_scheme(&dest_url).is_some() => {
                refuse(&dest_url, false);
                out.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: CowStr::from(""),
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) if refused_scheme(&dest_url).is_some() => {
                refuse(&dest_url, false);
                out.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: CowStr::from(""),
                    title,
                    id,
                }));
            }
            other => out.push(other),
        }
    }
    out
}

/// The refused link and image targets of a piece of Markdown (its raw HTML aside).
pub fn refused_links(text: &str) -> Vec<String> {
    let mut refused = Vec::new();
    loose_events(text, options(), Settings { raw_html: false }, &mut refused);
    refused.into_iter().map(|r| r.target).collect()
}

/// Render a piece of Markdown as the `markdown` template filter does (CommonMark only), and
/// what it did not publish.
pub fn render_block(text: &str, settings: Settings) -> (String, Vec<Refused>) {
    let text = without_nul(text);
    let mut refused = Vec::new();
    let mut out = String::new();
    let events = loose_events(&text, Options::empty(), settings, &mut refused);
    html::push_html(&mut out, events.into_iter());
    (out, refused)
}

/// Render a short piece of Markdown (a reference, a teaching point) without the `<p>` wrapper.
pub fn render_inline(text: &str, settings: Settings) -> String {
    render_inline_checked(text, settings).0
}

/// [`render_inline`], and what it did not publish.
pub fn render_inline_checked(text: &str, settings: Settings) -> (String, Vec<Refused>) {
    let text = without_nul(text);
    let mut refused = Vec::new();
    let mut out = String::new();
    let events = loose_events(&text, options(), settings, &mut refused);
    html::push_html(&mut out, events.into_iter());
    (inline_part(&out), refused)
}

fn inline_part(out: &str) -> String {
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

    struct OnePicture;
    impl LocalMedia for OnePicture {
        fn image_html(&self, file: &str, alt: &str, title: &str, alone: bool) -> Option<String> {
            (file == "ct.png").then(|| {
                format!(
                    "<{} alt={alt} title={title}>",
                    if alone { "figure" } else { "picture" }
                )
            })
        }
        fn link_url(&self, file: &str) -> Option<String> {
            (file == "ct.png").then(|| "/cases/a/ct-1600.jpg".to_string())
        }
    }

    #[test]
    fn headings_get_unique_ids_and_anchors() {
        let r = render("## Findings\n\n## Findings\n\n## Diagnosis\n\n## x {#a\"b}\n");
        assert!(
            r.html
                .contains("<h2 id=\"findings\">Findings <a class=\"anchor\" href=\"#findings\"")
        );
        assert!(r.html.contains("id=\"findings-1\""));
        // Theme ids are never taken, and custom ids are made safe.
        assert!(r.html.contains("id=\"diagnosis-1\""), "{}", r.html);
        assert!(r.html.contains("id=\"a-b\""), "{}", r.html);
        assert_eq!(r.headings.len(), 4);
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
    fn external_links_stay_and_rooted_links_get_the_base_path() {
        let r = render("[a](https://x.org/p) [b](/abs/) [c](#frag) [d](mailto:a@b.c)\n");
        for href in ["https://x.org/p", "/abs/", "#frag", "mailto:a@b.c"] {
            assert!(r.html.contains(&format!("href=\"{href}\"")), "{href}");
        }
        let resolve = |_: &str| None;
        let r = PageRenderer::new("/t/a/", true, &resolve)
            .with_base_path("/t/")
            .render("[b](/cases/) [c](/t/x/)\n");
        assert!(
            r.html.contains("href=\"/t/cases/\"") && r.html.contains("href=\"/t/x/\""),
            "{}",
            r.html
        );
    }

    #[test]
    fn pictures_replace_images_and_stand_alone_as_figures() {
        let resolve = |_: &str| None;
        let media = OnePicture;
        let mut r = PageRenderer::new("/cases/a/", true, &resolve).with_media(&media);
        let out = r.render("![Axial CT](ct.png \"Cap\")\n\nText ![x](ct.png) more.\n\n[full size](ct.png) ![gone](missing.png)\n");
        assert!(
            out.html.starts_with("<figure alt=Axial CT title=Cap>"),
            "{}",
            out.html
        );
        assert!(
            out.html
                .contains("<p>Text <picture alt=x title=> more.</p>"),
            "{}",
            out.html
        );
        assert!(out.html.contains("href=\"/cases/a/ct-1600.jpg\""));
        assert!(
            out.html
                .contains("<img src=\"/cases/a/missing.png\" alt=\"gone\""),
            "{}",
            out.html
        );
    }

    #[test]
    fn tables_scroll_in_a_focusable_labelled_box() {
        let r = render(
            "Before.\n\n| Sequence | `b` value | <x> |\n|---|---|---|\n| DWI | 1000 | y |\n\nAfter.\n\n| | |\n|-|-|\n| 1 | 2 |\n",
        );
        assert!(
            r.html.contains(
                "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"Table: Sequence, b value\"><table>"
            ),
            "{}",
            r.html
        );
        assert!(r.html.contains("</table>\n</div>"), "{}", r.html);
        assert!(
            r.html.contains("aria-label=\"Table\"><table>"),
            "a table without header text is still named: {}",
            r.html
        );
        assert_eq!(r.html.matches("<div").count(), 2);
        assert_eq!(r.html.matches("</div>").count(), 2);
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
    fn first_paragraph_is_top_level_only_and_has_no_footnote_links() {
        let r = render("# T\n\n> quoted\n\nFirst *real* one.[^n]\n\nSecond.\n\n[^n]: note\n");
        assert_eq!(
            r.first_paragraph.as_deref(),
            Some("<p>First <em>real</em> one.</p>\n")
        );
    }

    #[test]
    fn summaries_have_no_ids_or_footnotes() {
        let resolve = |_: &str| None;
        let r = PageRenderer::new("/a/", false, &resolve)
            .for_summary()
            .render("## Intro\n\nText.[^n]\n\n[^n]: note\n");
        assert_eq!(r.html, "<h2>Intro</h2>\n<p>Text.</p>\n");
    }

    #[test]
    fn refused_schemes_are_read_as_a_browser_reads_them() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:x",
            " \u{1}javascript:x",
            "java\tscr\nipt:x",
            "vbscript:x",
            "data:text/html,x",
            "DATA:image/png;base64,x",
        ] {
            assert!(refused_scheme(url).is_some(), "{url:?}");
        }
        for url in [
            "https://x.org/javascript:x",
            "/data:x",
            "notes.md",
            "javascript",
            "mailto:a@b.c",
            "#data:x",
        ] {
            assert!(refused_scheme(url).is_none(), "{url:?}");
        }
    }

    #[test]
    fn refused_targets_are_emptied_and_reported_with_their_line() {
        let r = render("Text.\n\n[a](jav&#x61;script:alert(1)) ![b](data:image/png;base64,AA)\n");
        assert!(!r.html.to_lowercase().contains("javascript"), "{}", r.html);
        assert!(!r.html.contains("data:"), "{}", r.html);
        let lines: Vec<usize> = r.refused.iter().map(|x| x.line).collect();
        assert_eq!(lines, [3, 3]);
        let r = render("<div>\n<a\nhref=\"javascript:x\">y</a>\n</div>\n");
        assert_eq!(
            (r.refused.len(), r.refused[0].line, r.refused[0].in_html),
            (1, 3, true)
        );
        assert!(
            r.html.starts_with("<pre><code>&lt;div&gt;"),
            "shown as text: {}",
            r.html
        );
        // Inside a script the tokenizer reads raw text, as a browser does.
        let r = render("<script>var s = '<a href=\"javascript:x\">';</script>\n");
        assert!(r.refused.is_empty(), "{:?}", r.refused);
    }

    #[test]
    fn without_raw_html_it_is_text_and_comments_are_left_out() {
        let resolve = |_: &str| None;
        let mut r =
            PageRenderer::new("/a/", false, &resolve).with_settings(Settings { raw_html: false });
        let out =
            r.render("a <b onclick=\"x\">b</b>\n\n<div>\n<i>c</i>\n</div>\n\n<!-- note -->\n");
        assert_eq!(
            out.html,
            "<p>a &lt;b onclick=\"x\"&gt;b&lt;/b&gt;</p>\n<pre><code>&lt;div&gt;\n&lt;i&gt;c&lt;/i&gt;\n&lt;/div&gt;\n</code></pre>\n"
        );
        let mut r = PageRenderer::new("/a/", false, &resolve);
        let out = r.render("<!-- more -->\n\na <b>b</b> \0\n");
        assert_eq!(out.html, "<!-- more -->\n<p>a <b>b</b> \u{FFFD}</p>\n");
        let off = Settings { raw_html: false };
        assert_eq!(
            render_inline("<b>x</b> [y](javascript:z)", off),
            "&lt;b&gt;x&lt;/b&gt; <a href=\"\">y</a>"
        );
        let (html, refused) = render_inline_checked("<a href='data:x'>y</a>", Settings::default());
        // Only the tag with the address is shown as text; its end tag alone does nothing.
        assert_eq!(
            (html.as_str(), refused.len()),
            ("&lt;a href='data:x'&gt;y</a>", 1)
        );
    }

    #[test]
    fn marker_split_and_inline() {
        assert_eq!(
            split_at_marker("a\n<!-- answer -->\nb\n", ANSWER_MARKER),
            Some(("a\n", "b\n"))
        );
        assert_eq!(
            render_inline("*Radiology* 2019", Settings::default()),
            "<em>Radiology</em> 2019"
        );
        assert_eq!(reading_time(0), 1);
        assert_eq!(reading_time(401), 3);
    }
}
