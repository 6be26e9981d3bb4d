//! What templates see: plain serialisable views of pages, sections and taxonomies.
//!
//! Each page's view is built once, converted to a Tera value (reference-counted, so putting it
//! in many list pages costs a pointer copy), and reused by every template that shows it. A
//! view shows what the page's disclosure allows before its answer; the answer itself (the real
//! title, diagnosis, certainty, differential, teaching points, references, the answer part of
//! the body and the terms that name it) is `page.answer`, which exists only in the context of
//! the case's own page, where the theme puts it in the answer block.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Serialize;
use tera::Value;

use crate::config::Config;
use crate::content::{Library, Page, Section, Term, people};
use crate::front::{Kind, Network, Role, keys};
use crate::markdown::{Heading, render_inline};
use crate::types::{Format, PageId, Picture, SectionId, Stack, Variant};

#[derive(Serialize)]
struct Link<'a> {
    name: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct SourceView {
    #[serde(rename = "type")]
    mime: &'static str,
    srcset: String,
}

/// A gallery image: a small `src` for the grid, `srcset`/`sources` for sharper screens,
/// and the largest size for the lightbox.
#[derive(Serialize)]
struct PictureView<'a> {
    alt: &'a str,
    caption: Option<&'a str>,
    src: &'a str,
    width: u32,
    height: u32,
    srcset: String,
    sources: Vec<SourceView>,
    large: &'a str,
    large_width: u32,
    large_height: u32,
    /// For boxes of [`crate::types::THUMB_ASPECT`] (list cards, the filmstrip): the part cut around the
    /// image's `focus`, else the whole image, which the theme letterboxes.
    thumb: ThumbView<'a>,
}

#[derive(Serialize)]
struct ThumbView<'a> {
    src: &'a str,
    width: u32,
    height: u32,
    srcset: String,
    sources: Vec<SourceView>,
    /// Whether it was cut to the box (`focus`): then it fills the box.
    cut: bool,
}

/// `srcset`s of `variants` in `formats`: the fallback's, and a source for each other format.
fn srcsets(variants: &[Variant], fallback: Format) -> (String, Vec<SourceView>) {
    let of = |f: Format| {
        variants
            .iter()
            .filter(|v| v.format == f)
            .map(|v| format!("{} {}w", v.url, v.width))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut formats: Vec<Format> = Vec::new();
    for v in variants {
        if !formats.contains(&v.format) {
            formats.push(v.format);
        }
    }
    let sources = formats
        .into_iter()
        .filter(|f| *f != fallback)
        .map(|f| SourceView {
            mime: f.mime(),
            srcset: of(f),
        })
        .collect();
    (of(fallback), sources)
}

fn thumb_view<'a>(p: &'a Picture, small: &'a Variant) -> ThumbView<'a> {
    let fallback = p.fallback_format();
    let cut = p.thumb.as_ref().and_then(|t| {
        let v = t
            .variants
            .iter()
            .filter(|v| v.format == fallback)
            .min_by_key(|v| v.width)?;
        Some((v, &t.variants))
    });
    match cut {
        Some((v, variants)) => {
            let (srcset, sources) = srcsets(variants, fallback);
            ThumbView {
                src: &v.url,
                width: v.width,
                height: v.height,
                srcset,
                sources,
                cut: true,
            }
        }
        None => {
            let (srcset, sources) = srcsets(&p.variants, fallback);
            ThumbView {
                src: &small.url,
                width: small.width,
                height: small.height,
                srcset,
                sources,
                cut: false,
            }
        }
    }
}

fn picture_view<'a>(p: &'a Picture, thumbnail: u32) -> Option<PictureView<'a>> {
    let small = p.at_least(thumbnail)?;
    let large = p.largest()?;
    let fallback = p.fallback_format();
    Some(PictureView {
        thumb: thumb_view(p, small),
        alt: &p.alt,
        caption: p.caption.as_deref(),
        src: &small.url,
        width: small.width,
        height: small.height,
        srcset: p.srcset(fallback),
        sources: p
            .formats()
            .into_iter()
            .filter(|f| *f != fallback)
            .map(|f| SourceView {
                mime: f.mime(),
                srcset: p.srcset(f),
            })
            .collect(),
        large: &large.url,
        large_width: large.width,
        large_height: large.height,
    })
}

#[derive(Serialize)]
struct FrameView<'a> {
    url: &'a str,
    width: u32,
    height: u32,
    alt: &'a str,
}

#[derive(Serialize)]
struct StackView<'a> {
    alt: &'a str,
    caption: Option<&'a str>,
    count: usize,
    /// The slice shown first (1-based): the middle of the series.
    start: usize,
    /// The slices in the default window.
    frames: Vec<FrameView<'a>>,
    /// The windows offered as presets, the default first: empty unless there are several.
    windows: Vec<WindowView<'a>>,
}

#[derive(Serialize)]
struct WindowView<'a> {
    name: &'a str,
    label: &'a str,
    frames: Vec<FrameView<'a>>,
}

fn frame_views(frames: &[Picture]) -> Vec<FrameView<'_>> {
    frames
        .iter()
        .filter_map(|f| {
            let v = f.variants.first()?;
            Some(FrameView {
                url: &v.url,
                width: v.width,
                height: v.height,
                alt: &f.alt,
            })
        })
        .collect()
}

fn stack_view(s: &Stack) -> StackView<'_> {
    let frames = frame_views(&s.frames);
    // One window is no choice: no preset buttons then.
    let windows = if s.windows.len() > 1 {
        s.windows
            .iter()
            .map(|w| WindowView {
                name: &w.name,
                label: &w.label,
                frames: frame_views(&w.frames),
            })
            .collect()
    } else {
        Vec::new()
    };
    StackView {
        alt: &s.alt,
        caption: s.caption.as_deref(),
        count: frames.len(),
        start: frames.len().div_ceil(2).max(1),
        frames,
        windows,
    }
}

/// What a case shows before its answer.
#[derive(Serialize)]
struct CaseView<'a> {
    age: Option<&'a str>,
    sex: Option<&'a str>,
    presentation: Option<&'a str>,
    license: Option<&'a str>,
    /// How consent was obtained, or why it was not needed.
    consent: Option<&'a str>,
    /// "Authors. Title. Site; year. Address." for "Cite this case", with the title shown
    /// before the answer (a quiz's citation never names its diagnosis).
    citation: String,
    images: Vec<PictureView<'a>>,
    stacks: Vec<StackView<'a>>,
    /// `[[questions]]` as a reader sees them before answering: prompts and options only.
    questions: Vec<QuestionView<'a>>,
}

#[derive(Serialize)]
struct QuestionView<'a> {
    /// HTML (inline Markdown).
    prompt: String,
    image: Option<PictureView<'a>>,
    /// HTML of each option's text.
    options: Vec<String>,
}

/// What a question's answer key holds: which option is right, and why each is right or wrong.
#[derive(Serialize)]
struct KeyView {
    /// Index of the right option.
    answer: usize,
    /// HTML of the right option's text.
    text: String,
    /// HTML of each option's rationale, in the options' order.
    rationales: Vec<String>,
}

/// What only a case's answer shows (for a case that is not a quiz, everything here is shown
/// at once, but it still lives here).
#[derive(Serialize)]
struct AnswerView<'a> {
    /// The author's title.
    title: &'a str,
    diagnosis: Option<&'a str>,
    certainty: Option<&'a str>,
    differential: &'a [String],
    teaching_points: Vec<String>,
    references: Vec<String>,
    /// HTML of the body after `<!-- answer -->`: the findings, when `discussion` follows.
    content: Option<&'a str>,
    /// HTML of the body after `<!-- discussion -->`: the answer opens in stages.
    discussion: Option<&'a str>,
    /// Terms that name the diagnosis or a differential, by taxonomy.
    taxonomies: BTreeMap<&'a str, Vec<Link<'a>>>,
    /// The answer key of each of `[[questions]]`, in order.
    questions: Vec<KeyView>,
}

/// An author as a byline shows them: linked when the name is a person page of the site.
#[derive(Serialize)]
struct Byline<'a> {
    name: &'a str,
    url: Option<&'a str>,
}

fn bylines<'a>(page: &'a Page, library: &'a Library) -> Vec<Byline<'a>> {
    page.authors()
        .iter()
        .map(|a| match library.people.person(a) {
            // Named by slug or by name, the person is shown by their name.
            Some(id) => Byline {
                name: library.page(id).title().trim(),
                url: Some(library.page(id).url.as_str()),
            },
            None => Byline {
                name: a.trim(),
                url: None,
            },
        })
        .collect()
}

/// A person's square photo.
#[derive(Serialize)]
struct PhotoView<'a> {
    src: &'a str,
    width: u32,
    height: u32,
    srcset: String,
    sources: Vec<SourceView>,
}

#[derive(Serialize)]
struct LinkView<'a> {
    network: &'static str,
    label: &'static str,
    url: &'a str,
    text: &'a str,
}

/// What a person page shows of the person, as of the build's day.
#[derive(Serialize)]
struct PersonView<'a> {
    /// The role shown (alumni once a resident's or fellow's class has graduated).
    role: &'static str,
    role_label: &'static str,
    /// `role` as written.
    listed_role: &'static str,
    class_of: Option<i32>,
    pgy: Option<u32>,
    incoming: bool,
    /// "PGY-3 · Class of 2028", "Fellow", "Alumni · Class of 2024".
    standing: String,
    position: Option<&'a str>,
    pronouns: Option<&'a str>,
    interests: &'a [String],
    education: &'a [String],
    fellowship: Option<&'a str>,
    /// What `fellowship` means for the role: "Fellowship" (alumni: where they went; fellows:
    /// theirs), "Matched fellowship" (residents), "Fellowship training" (faculty, staff).
    fellowship_label: &'static str,
    /// Every link but e-mail, in the order of [`Network`].
    links: Vec<LinkView<'a>>,
    /// The e-mail address, for the theme's `protected_email` filter.
    email: Option<&'a str>,
    /// Up to two letters for a placeholder where there is no photo.
    initials: String,
    photo: Option<PhotoView<'a>>,
}

/// "JD" for "Jane Doe", "JD" for "Dr. Jane Q. Doe, MD": the first letters of the first and the
/// last word that are names (titles and degrees left out).
pub fn initials(name: &str) -> String {
    const SKIP: &[&str] = &[
        "dr", "dr.", "prof", "prof.", "md", "phd", "do", "mbbs", "frcr", "facr", "ms", "mph", "jr",
        "jr.", "sr", "sr.", "ii", "iii",
    ];
    let words: Vec<&str> = name
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .filter(|w| !SKIP.contains(&w.to_lowercase().as_str()))
        .filter(|w| w.chars().next().is_some_and(char::is_alphabetic))
        .collect();
    let first = |w: &str| w.chars().next().map(|c| c.to_uppercase().to_string());
    match words.as_slice() {
        [] => String::new(),
        [one] => first(one).unwrap_or_default(),
        [a, .., b] => format!(
            "{}{}",
            first(a).unwrap_or_default(),
            first(b).unwrap_or_default()
        ),
    }
}

fn photo_view(p: &Picture) -> Option<PhotoView<'_>> {
    let small = p.at_least(320)?;
    let fallback = p.fallback_format();
    Some(PhotoView {
        src: &small.url,
        width: small.width,
        height: small.height,
        srcset: p.srcset(fallback),
        sources: p
            .formats()
            .into_iter()
            .filter(|f| *f != fallback)
            .map(|f| SourceView {
                mime: f.mime(),
                srcset: p.srcset(f),
            })
            .collect(),
    })
}

fn person_view<'a>(page: &'a Page, config: &Config) -> Option<PersonView<'a>> {
    let fields = &page.fields;
    let s = people::status(fields, &config.program, people::today(config.now))?;
    let standing = match (s.role, s.pgy, s.class_of) {
        (Role::Resident, Some(pgy), Some(c)) => format!("PGY-{pgy} · Class of {c}"),
        (Role::Resident, None, Some(c)) if s.incoming => format!("Incoming · Class of {c}"),
        (Role::Alumni, _, Some(c)) => format!("Alumni · Class of {c}"),
        (role, _, _) => role.label().to_string(),
    };
    let fellowship_label = match s.role {
        Role::Alumni | Role::Fellow => "Fellowship",
        Role::Resident => "Matched fellowship",
        Role::Faculty | Role::Staff => "Fellowship training",
    };
    let mut links: Vec<&crate::front::ProfileLink> = fields.links().iter().collect();
    links.sort_by_key(|l| l.network);
    Some(PersonView {
        role: s.role.as_str(),
        role_label: s.role.label(),
        listed_role: s.listed.as_str(),
        class_of: s.class_of,
        pgy: s.pgy,
        incoming: s.incoming,
        standing,
        position: fields.text(keys::POSITION),
        pronouns: fields.text(keys::PRONOUNS),
        interests: fields.list(keys::INTERESTS),
        education: fields.list(keys::EDUCATION),
        fellowship: fields.text(keys::FELLOWSHIP),
        fellowship_label,
        email: links
            .iter()
            .find(|l| l.network == Network::Email)
            .map(|l| l.url.as_str()),
        links: links
            .iter()
            .filter(|l| l.network != Network::Email)
            .map(|l| LinkView {
                network: l.network.as_str(),
                label: l.network.label(),
                url: &l.url,
                text: &l.text,
            })
            .collect(),
        initials: initials(page.title()),
        photo: page.photo.as_ref().and_then(photo_view),
    })
}

#[derive(Serialize)]
struct Neighbour<'a> {
    title: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct PageView<'a> {
    /// Safe to show before a quiz is answered.
    title: &'a str,
    description: Option<&'a str>,
    date: Option<String>,
    datetime: Option<String>,
    updated: Option<String>,
    authors: &'a [String],
    /// The authors, each linked to their person page when the site has one.
    bylines: Vec<Byline<'a>>,
    kind: &'static str,
    is_quiz: bool,
    url: &'a str,
    permalink: &'a str,
    slug: &'a str,
    /// HTML of the body; for a quiz, the part before the answer.
    content: &'a str,
    summary: Option<&'a str>,
    reading_time: usize,
    word_count: usize,
    toc: &'a [Heading],
    taxonomies: BTreeMap<&'a str, Vec<Link<'a>>>,
    extra: &'a serde_json::Map<String, serde_json::Value>,
    case: Option<CaseView<'a>>,
    person: Option<PersonView<'a>>,
    section: Link<'a>,
    higher: Option<Neighbour<'a>>,
    lower: Option<Neighbour<'a>>,
    /// An event's or a post deadline's times, places and calendar links.
    event: Option<super::calendar::EventView>,
    /// A quiz whose answer is published later (`reveal`): when. Its answer is in no view.
    answer_due: Option<Moment>,
}

/// A moment, for `<time datetime>` and for people (in the page's time zone).
#[derive(Serialize)]
struct Moment {
    datetime: String,
    label: String,
}

/// Views of the library, ready to drop into template contexts.
///
/// A page's view is made the first time a template needs it, then kept: a full build makes
/// each once (in parallel, as pages render), and a `serve` rebuild that renders a handful of
/// outputs makes only the views those outputs show.
pub struct Views<'a> {
    library: &'a Library,
    config: &'a Config,
    pages: Vec<OnceLock<Value>>,
    pub sections: Vec<Value>,
}

impl<'a> Views<'a> {
    pub fn new(library: &'a Library, config: &'a Config) -> Views<'a> {
        let sections = library
            .sections
            .iter()
            .map(|s| section_view(s, library))
            .collect();
        Views {
            library,
            config,
            pages: library.pages.iter().map(|_| OnceLock::new()).collect(),
            sections,
        }
    }

    /// The view of a page as lists show it: never its answer.
    pub fn page(&self, id: PageId) -> Value {
        self.pages[id.0]
            .get_or_init(|| page_view(self.library.page(id), self.library, self.config))
            .clone()
    }

    /// The view of a page for its own page: with `answer` for a case.
    pub fn own_page(&self, id: PageId) -> Value {
        let view = self.page(id);
        let page = self.library.page(id);
        if page.kind == Kind::Person {
            return self.with_works(id, view);
        }
        if page.kind == Kind::Playlist {
            return self.with_cases(id, view);
        }
        // Before its reveal a quiz's answer is not even in its own page's context.
        if page.kind != Kind::Case || page.disclosure.answer_due.is_some() {
            return view;
        }
        let Some(mut map) = view.as_map().cloned() else {
            return view;
        };
        map.insert(
            "answer".into(),
            answer_view(page, self.library, self.config),
        );
        Value::from(map)
    }

    /// A playlist's own page: its cases (`page.cases`), each as its own page shows it, answer
    /// included where that page has it (never a quiz's before its `reveal`).
    fn with_cases(&self, id: PageId, view: Value) -> Value {
        let Some(mut map) = view.as_map().cloned() else {
            return view;
        };
        let cases = &self.library.page(id).playlist;
        let slides: Vec<Value> = cases.iter().map(|&c| self.own_page(c)).collect();
        map.insert("cases".into(), Value::from(slides));
        map.insert(
            "count_text".into(),
            Value::from(count_text(self.library, cases)),
        );
        Value::from(map)
    }

    /// A person's own page: their cases and posts (`page.cases`, `page.posts`), newest first.
    fn with_works(&self, id: PageId, view: Value) -> Value {
        let Some(mut map) = view.as_map().cloned() else {
            return view;
        };
        let works = self.library.people.works(id);
        let of = |kind: Kind| -> Vec<PageId> {
            works
                .iter()
                .copied()
                .filter(|&w| self.library.page(w).kind == kind)
                .collect()
        };
        map.insert("cases".into(), self.pages_of(&of(Kind::Case)));
        map.insert("posts".into(), self.pages_of(&of(Kind::Post)));
        Value::from(map)
    }

    /// The people page of a section of person pages: `[{ role, title, classes: [{ class_of,
    /// title, people }] }]`, in the order of [`people::groups`].
    pub fn people_groups(&self, pages: &[PageId]) -> Value {
        let today = people::today(self.config.now);
        let persons: Vec<(PageId, &Page, people::Status)> = pages
            .iter()
            .filter_map(|&id| {
                let p = self.library.page(id);
                let s = people::status(&p.fields, &self.config.program, today)?;
                Some((id, p, s))
            })
            .collect();
        let groups: Vec<Value> = people::groups(&persons)
            .into_iter()
            .map(|g| {
                let classes: Vec<Value> = g
                    .classes
                    .iter()
                    .map(|c| {
                        let pgy = c.people.first().and_then(|&id| {
                            persons.iter().find(|p| p.0 == id).and_then(|p| p.2.pgy)
                        });
                        let title = match (g.role, c.class_of, pgy) {
                            (Role::Resident, Some(y), Some(pgy)) => {
                                format!("PGY-{pgy} · Class of {y}")
                            }
                            (Role::Resident, Some(y), None) => format!("Incoming · Class of {y}"),
                            (_, Some(y), _) => format!("Class of {y}"),
                            _ => String::new(),
                        };
                        let mut m = tera::Map::new();
                        m.insert(
                            "class_of".into(),
                            c.class_of.map_or_else(Value::none, Value::from),
                        );
                        m.insert("pgy".into(), pgy.map_or_else(Value::none, Value::from));
                        m.insert("title".into(), Value::from(title));
                        m.insert("people".into(), self.pages_of(&c.people));
                        Value::from(m)
                    })
                    .collect();
                let mut m = tera::Map::new();
                m.insert("role".into(), Value::from(g.role.as_str()));
                m.insert("title".into(), Value::from(g.role.group_title()));
                m.insert("classes".into(), Value::from(classes));
                Value::from(m)
            })
            .collect();
        Value::from(groups)
    }

    /// The people the home page features (see [`people::featured`]).
    pub fn featured_people(&self, limit: usize) -> Value {
        let today = people::today(self.config.now);
        let persons: Vec<(PageId, &Page, people::Status)> = self
            .library
            .page_ids()
            .filter_map(|id| {
                let p = self.library.page(id);
                if p.kind != Kind::Person {
                    return None;
                }
                let s = people::status(&p.fields, &self.config.program, today)?;
                Some((id, p, s))
            })
            .collect();
        self.pages_of(&people::featured(&persons, limit))
    }

    pub fn pages_of(&self, ids: &[PageId]) -> Value {
        Value::from(ids.iter().map(|&i| self.page(i)).collect::<Vec<_>>())
    }

    pub fn section(&self, id: SectionId) -> Value {
        self.sections[id.0].clone()
    }
}

fn date_string(d: &Option<chrono::DateTime<chrono::FixedOffset>>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// Links to the terms `names` of each taxonomy.
fn term_links<'a>(
    library: &'a Library,
    names: &'a BTreeMap<String, Vec<String>>,
) -> BTreeMap<&'a str, Vec<Link<'a>>> {
    library
        .taxonomies
        .iter()
        .map(|tax| {
            let links = names
                .get(&tax.config.name)
                .into_iter()
                .flatten()
                .map(|name| Link {
                    name,
                    url: tax.term(name).map_or("", |t| t.url.as_str()),
                })
                .collect();
            (tax.config.name.as_str(), links)
        })
        .collect()
}

fn page_view(page: &Page, library: &Library, config: &Config) -> Value {
    let fields = &page.fields;
    let case = (page.kind == Kind::Case).then(|| CaseView {
        age: fields.text(keys::AGE),
        sex: fields.text(keys::SEX),
        presentation: fields.text(keys::PRESENTATION),
        license: fields.text(keys::LICENSE),
        consent: fields.text(keys::CONSENT),
        citation: citation(page, config),
        images: page
            .gallery
            .iter()
            .filter_map(|p| picture_view(p, config.images.thumbnail))
            .collect(),
        stacks: page.stacks.iter().map(stack_view).collect(),
        questions: fields
            .questions()
            .iter()
            .map(|q| QuestionView {
                prompt: render_inline(&q.prompt, config.markdown),
                // Checked at load: the file is one of the case's images.
                image: q.image.as_deref().and_then(|file| {
                    let p = page.gallery.iter().find(|p| p.file == file)?;
                    picture_view(p, config.images.thumbnail)
                }),
                options: q
                    .options
                    .iter()
                    .map(|o| render_inline(&o.text, config.markdown))
                    .collect(),
            })
            .collect(),
    });
    let section = library.section(page.section);
    let neighbour = |id: Option<PageId>| {
        id.map(|id| {
            let p = library.page(id);
            Neighbour {
                title: &p.disclosure.title,
                url: &p.url,
            }
        })
    };
    let view = PageView {
        title: &page.disclosure.title,
        description: page.disclosure.description.as_deref(),
        date: date_string(&page.date()),
        datetime: page.date().map(|d| d.to_rfc3339()),
        updated: date_string(&page.updated()),
        authors: page.authors(),
        bylines: bylines(page, library),
        kind: page.kind.as_str(),
        is_quiz: page.is_quiz(),
        url: &page.url,
        permalink: &page.permalink,
        slug: &page.slug,
        content: &page.content,
        summary: page.summary.as_deref(),
        reading_time: page.reading_time,
        word_count: page.word_count,
        toc: &page.headings,
        taxonomies: term_links(library, &page.disclosure.terms),
        extra: fields.table(keys::EXTRA),
        case,
        person: (page.kind == Kind::Person)
            .then(|| person_view(page, config))
            .flatten(),
        section: Link {
            name: section.title.as_deref().unwrap_or(""),
            url: &section.url,
        },
        higher: neighbour(page.higher),
        lower: neighbour(page.lower),
        event: super::calendar::view(page, config),
        answer_due: page.disclosure.answer_due.map(|at| {
            let local = at.with_timezone(&crate::content::event::zone_of(fields, config));
            Moment {
                datetime: at.to_rfc3339(),
                label: local.format("%-d %B %Y, %H:%M %Z").to_string(),
            }
        }),
    };
    Value::from_serializable(&view)
}

/// A case as a reference list cites a web page: its authors as written, the title it shows
/// before its answer, the site, the year and the address. The reader adds the date they read it.
fn citation(page: &Page, config: &Config) -> String {
    let mut parts = Vec::new();
    if !page.authors().is_empty() {
        parts.push(page.authors().join(", "));
    }
    parts.push(page.disclosure.title.trim_end_matches('.').to_string());
    let year = page.date().map(|d| d.format("%Y").to_string());
    parts.push(match year {
        Some(y) => format!("{}; {y}", config.title.trim_end_matches('.')),
        None => config.title.trim_end_matches('.').to_string(),
    });
    parts.push(page.permalink.clone());
    parts.join(". ") + "."
}

fn answer_view(page: &Page, library: &Library, config: &Config) -> Value {
    let fields = &page.fields;
    Value::from_serializable(&AnswerView {
        title: page.title(),
        diagnosis: fields.text(keys::DIAGNOSIS),
        certainty: fields.text(keys::CERTAINTY),
        differential: fields.list(keys::DIFFERENTIAL),
        teaching_points: fields
            .list(keys::TEACHING_POINTS)
            .iter()
            .map(|t| render_inline(t, config.markdown))
            .collect(),
        references: fields
            .list(keys::REFERENCES)
            .iter()
            .map(|r| render_inline(r, config.markdown))
            .collect(),
        content: page.answer.as_deref(),
        discussion: page.discussion.as_deref(),
        // Only the taxonomies with such terms: an answer without any shows no term list.
        taxonomies: term_links(library, &page.disclosure.hidden_terms)
            .into_iter()
            .filter(|(_, links)| !links.is_empty())
            .collect(),
        questions: fields
            .questions()
            .iter()
            .map(|q| KeyView {
                answer: q.answer,
                text: render_inline(&q.options[q.answer].text, config.markdown),
                rationales: q
                    .options
                    .iter()
                    .map(|o| render_inline(&o.rationale, config.markdown))
                    .collect(),
            })
            .collect(),
    })
}

#[derive(Serialize)]
struct SectionView<'a> {
    title: Option<&'a str>,
    description: Option<&'a str>,
    url: &'a str,
    permalink: &'a str,
    content: &'a str,
    page_count: usize,
    /// "3 cases", "1 case and 2 posts": the count in words that fit what is listed.
    count_text: String,
    /// The kind of page the section holds (`page_kind`), when it says.
    page_kind: Option<&'static str>,
    is_home: bool,
    subsections: Vec<Link<'a>>,
    extra: &'a serde_json::Map<String, serde_json::Value>,
}

fn section_view(section: &Section, library: &Library) -> Value {
    let view = SectionView {
        title: section.title.as_deref(),
        description: section.description(),
        url: &section.url,
        permalink: &section.permalink,
        content: &section.content,
        page_count: section.pages.len(),
        count_text: count_text(library, &section.pages),
        page_kind: section.fields.kind(keys::PAGE_KIND).map(Kind::as_str),
        is_home: section.is_home(),
        subsections: section
            .subsections
            .iter()
            .map(|&s| {
                let s = library.section(s);
                Link {
                    name: s.title.as_deref().unwrap_or(""),
                    url: &s.url,
                }
            })
            .collect(),
        extra: section.fields.table(keys::EXTRA),
    };
    Value::from_serializable(&view)
}

#[derive(Serialize)]
struct TermView<'a> {
    name: &'a str,
    slug: &'a str,
    url: &'a str,
    permalink: &'a str,
    count: usize,
    /// "3 cases", "2 cases and 1 post".
    count_text: String,
}

#[derive(Serialize)]
struct TaxonomyView<'a> {
    name: &'a str,
    title: String,
    url: &'a str,
    permalink: &'a str,
    terms: Vec<TermView<'a>>,
}

fn term_view<'a>(term: &'a Term, library: &Library) -> TermView<'a> {
    TermView {
        name: &term.name,
        slug: &term.slug,
        url: &term.url,
        permalink: &term.permalink,
        count: term.pages.len(),
        count_text: count_text(library, &term.pages),
    }
}

/// One term of a taxonomy.
pub fn term(term: &Term, library: &Library) -> Value {
    Value::from_serializable(&term_view(term, library))
}

/// How many of each kind `pages` are, in words: "1 case", "3 cases and 1 post", "2 people".
pub fn count_text(library: &Library, pages: &[PageId]) -> String {
    let mut parts = Vec::new();
    for kind in Kind::ALL {
        let n = pages
            .iter()
            .filter(|&&p| library.page(p).kind == kind)
            .count();
        if n == 0 {
            continue;
        }
        let word = match (kind, n) {
            (Kind::Person, 1) => "person".to_string(),
            (Kind::Person, _) => "people".to_string(),
            (k, 1) => k.as_str().to_string(),
            (k, _) => format!("{}s", k.as_str()),
        };
        parts.push(format!("{n} {word}"));
    }
    match parts.len() {
        0 => "nothing yet".to_string(),
        1 => parts.remove(0),
        _ => {
            let last = parts.pop().unwrap_or_default();
            format!("{} and {last}", parts.join(", "))
        }
    }
}

/// Every taxonomy with its terms and counts.
pub fn taxonomies(library: &Library) -> Vec<Value> {
    library
        .taxonomies
        .iter()
        .map(|t| {
            Value::from_serializable(&TaxonomyView {
                name: &t.config.name,
                title: t.config.display_title(),
                url: &t.url,
                permalink: &t.permalink,
                terms: t.terms.iter().map(|x| term_view(x, library)).collect(),
            })
        })
        .collect()
}

#[derive(Serialize)]
struct MenuLink {
    name: String,
    url: String,
}

#[derive(Serialize)]
struct ConfigView<'a> {
    title: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    description: Option<&'a str>,
    language: &'a str,
    author: Option<&'a str>,
    disclaimer: Option<&'a str>,
    views: Option<&'a str>,
    contact: ContactView<'a>,
    program: ProgramView,
    extra: &'a toml::Table,
}

/// `config.program`: what the home page leads with and where applicants apply.
#[derive(Serialize)]
struct ProgramView {
    home: crate::config::HomeLead,
    /// `apply` as a link: a site path under the site's base path, a web address as written.
    apply: Option<String>,
}

/// `config.contact`: `[contact]` as the footer shows it.
#[derive(Serialize)]
struct ContactView<'a> {
    address: Option<&'a str>,
    /// The address split at its line breaks (a TOML multi-line string), blank lines dropped.
    address_lines: Vec<&'a str>,
    email: Option<&'a str>,
    phone: Option<&'a str>,
    /// `tel:+15550100199`.
    phone_uri: Option<String>,
    social: Vec<SocialView<'a>>,
    /// Whether there is anything to show.
    any: bool,
}

#[derive(Serialize)]
struct SocialView<'a> {
    network: &'a str,
    name: &'a str,
    url: &'a str,
}

fn contact(config: &Config) -> ContactView<'_> {
    let c = &config.contact;
    let address = c
        .address
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    let social: Vec<SocialView> = c
        .social_links()
        .into_iter()
        .map(|(network, name, url)| SocialView {
            network,
            name,
            url: url.trim(),
        })
        .collect();
    ContactView {
        address,
        address_lines: address
            .map(|a| a.lines().map(str::trim).filter(|l| !l.is_empty()).collect())
            .unwrap_or_default(),
        email: c.email.as_deref().map(str::trim),
        phone: c.phone.as_deref().map(str::trim),
        phone_uri: c.phone_uri(),
        any: address.is_some() || c.email.is_some() || c.phone.is_some() || !social.is_empty(),
        social,
    }
}

/// The `config` value of every template.
pub fn config(config: &Config) -> Value {
    Value::from_serializable(&ConfigView {
        title: &config.title,
        base_url: &config.base_url,
        base_path: &config.base_path,
        description: config.description.as_deref(),
        language: &config.language,
        author: config.author.as_deref(),
        disclaimer: config.disclaimer.as_deref(),
        views: config.views.as_deref(),
        contact: contact(config),
        program: ProgramView {
            home: config.program.home,
            apply: config
                .program
                .apply
                .as_deref()
                .map(|a| match a.strip_prefix('/') {
                    Some(path) => format!("{}{path}", config.base_path),
                    None => a.to_string(),
                }),
        },
        extra: &config.extra,
    })
}

/// The site menu: from config, else top-level sections then top-level plain pages.
pub fn menu(config: &Config, library: &Library) -> Value {
    let items: Vec<MenuLink> = match &config.menu {
        Some(menu) => menu
            .iter()
            .map(|m| MenuLink {
                name: m.name.clone(),
                url: if m.url.contains("://") {
                    m.url.clone()
                } else {
                    format!("{}{}", config.base_path, m.url.trim_start_matches('/'))
                },
            })
            .collect(),
        None => {
            let home = &library.sections[0];
            let sections = home
                .subsections
                .iter()
                .map(|&s| library.section(s))
                .map(|s| MenuLink {
                    name: s.title.clone().unwrap_or_default(),
                    url: s.url.clone(),
                });
            let pages = home
                .pages
                .iter()
                .map(|&p| library.page(p))
                .filter(|p| p.kind == Kind::Page)
                .map(|p| MenuLink {
                    name: p.disclosure.title.clone(),
                    url: p.url.clone(),
                });
            sections.chain(pages).collect()
        }
    };
    Value::from_serializable(&items)
}
