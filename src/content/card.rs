//! What a page's share card says and shows — the key image, the title (a quiz's neutral one),
//! a label and the site name — and where it is published. Drawing it is `media::card`.
//!
//! Cases, posts, people and events get a card of their own; a plain page gets one when it has
//! a key image. The site card (its name, no image) is the link preview of the home page, the
//! lists, and plain pages without an image.

use super::bundle::Bundle;
use super::event::Span;
use super::{Page, Section};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::front::person::Role;
use crate::front::{Kind, keys};
use crate::media::card::{self, CardJob, CardText, text::drawable};
use crate::source::FileKind;
use crate::types::{OutPath, Picture, is_inside};

/// A page's card: what to draw, and how link previews refer to it.
#[derive(Debug, Clone, PartialEq)]
pub struct ShareCard {
    pub job: CardJob,
    /// URL path from the host root (base path included).
    pub url: String,
    /// Alt text for `og:image:alt`: what the card says, and what its image shows.
    pub alt: String,
}

/// Whether a page of this kind gets a card of its own even without a key image.
fn has_own_card(kind: Kind) -> bool {
    kind != Kind::Page
}

/// The taxonomies a card's label names, in this order.
const LABEL_TAXONOMIES: [&str; 2] = ["modality", "system"];

/// The host of the base URL: the last resort when the card font cannot draw the site's name.
fn host(config: &Config) -> String {
    let rest = config
        .base_url
        .split_once("://")
        .map_or(config.base_url.as_str(), |(_, r)| r);
    rest.split('/').next().unwrap_or_default().to_string()
}

/// What a card says. A quiz shows its neutral title and no term naming its answer; text in a
/// script the card font lacks falls back to the site's name (see `media::card::text::drawable`).
pub fn card_text(page: &Page, section: &Section, config: &Config) -> CardText {
    let site = drawable(&config.title);
    let (headline, footer) = match drawable(&page.disclosure.title) {
        Some(title) => (title, site.unwrap_or_else(|| host(config))),
        None => (site.unwrap_or_else(|| host(config)), host(config)),
    };
    let mut parts: Vec<String> = Vec::new();
    match page.kind {
        Kind::Case => {
            if page.is_quiz() {
                parts.push("Quiz".into());
            }
            for term in LABEL_TAXONOMIES
                .iter()
                .flat_map(|t| page.disclosure.terms_of(t))
            {
                if let Some(t) = drawable(term)
                    && !parts.contains(&t)
                {
                    parts.push(t);
                }
            }
            if parts.is_empty() {
                parts.push("Teaching case".into());
            }
        }
        Kind::Person => {
            let today = super::people::today(config.now);
            let status = super::people::status(&page.fields, &config.program, today);
            let role = status.map(|s| s.role);
            if let Some(p) = page.fields.text(keys::POSITION).and_then(drawable) {
                parts.push(p);
            } else if let Some(r) = role {
                parts.push(r.label().into());
            }
            match status {
                Some(s) if s.role == Role::Resident => match (s.pgy, s.incoming) {
                    (Some(pgy), false) => parts.push(format!("PGY-{pgy}")),
                    _ => parts.extend(s.class_of.map(|c| format!("Class of {c}"))),
                },
                Some(s) if s.role == Role::Alumni => {
                    parts.extend(s.class_of.map(|c| format!("Class of {c}")))
                }
                _ => {}
            }
        }
        Kind::Playlist => {
            let n = page.fields.list(keys::PLAYLIST_CASES).len();
            parts.push("Playlist".into());
            parts.push(format!("{n} case{}", if n == 1 { "" } else { "s" }));
        }
        Kind::Event | Kind::Post if page.event.is_some() => {
            let event = page.event.as_ref().expect("checked above");
            if event.deadline {
                parts.push("Deadline".into());
            }
            parts.push(event_when(event));
            // The place's first part ("Conference room B" of "Conference room B, 2nd floor"):
            // the label is one line.
            let place = event.location.as_deref().and_then(|l| l.split(',').next());
            if let Some(place) = place.map(str::trim).and_then(drawable) {
                parts.push(place);
            } else if event.online.is_some() {
                parts.push("Online".into());
            }
        }
        _ => {
            if !section.is_home()
                && let Some(title) = section.title.as_deref().and_then(drawable)
            {
                parts.push(title);
            }
            if let Some(date) = page.date() {
                parts.push(date.format("%-d %B %Y").to_string());
            }
        }
    }
    CardText {
        headline,
        label: parts.join(" · "),
        footer,
    }
}

/// When an event happens, as its card says it: `16 January 2027, 09:00 EST`, `16 – 18 January
/// 2027`, in the event's own zone.
fn event_when(event: &super::event::Event) -> String {
    const DAY: &str = "%-d %B %Y";
    match event.span {
        Span::Days { first, last } if first == last => first.format(DAY).to_string(),
        Span::Days { first, last } => {
            format!("{} – {}", first.format(DAY), last.format(DAY))
        }
        Span::Timed { start, .. } => start.format("%-d %B %Y, %H:%M %Z").to_string(),
    }
}

/// The site card: the site's name and address, no image. Its name changes with what it says.
pub fn site_card(config: &Config) -> ShareCard {
    let text = CardText {
        headline: drawable(&config.title).unwrap_or_else(|| host(config)),
        label: config
            .author
            .as_deref()
            .and_then(drawable)
            .filter(|a| *a != config.title)
            .unwrap_or_default(),
        footer: host(config),
    };
    let key = card::key(None, &text);
    let output = OutPath::new(format!("card-{}.png", &key.to_hex()[..12]));
    let mut alt = format!("{} ({}), {}", text.headline, text.label, text.footer);
    if text.label.is_empty() {
        alt = alt.replacen(" ()", "", 1);
    }
    ShareCard {
        url: format!("{}{output}", config.base_path),
        alt,
        job: CardJob {
            source: None,
            dicom: None,
            redact: Vec::new(),
            crop: None,
            text,
            key,
            output,
        },
    }
}

/// The image a card shows: `card_image`, else a person's square photo, else the first gallery
/// image, else none. Whether the
/// page's kind has a card at all is checked when the page is placed.
fn key_image<'p>(
    page: &'p Page,
    bundle: Option<&Bundle<'_>>,
) -> Result<Option<&'p Picture>, Diagnostic> {
    let Some(file) = page.fields.text(keys::CARD_IMAGE) else {
        return Ok(page.photo.as_ref().or(page.gallery.first()));
    };
    let line = page.fields.line(keys::CARD_IMAGE).unwrap_or(1);
    let error = |message: String, hint: String| {
        Diagnostic::in_file(&page.file, message)
            .at_line(line)
            .with_hint(hint)
    };
    let Some(bundle) = bundle else {
        return Err(error(
            format!("card_image `{file}` is set, but this page is not a bundle"),
            "move the page to a folder of its own as index.md and put the image beside it".into(),
        ));
    };
    if !is_inside(file) {
        return Err(error(
            format!("card_image `{file}` is outside the page's folder"),
            "copy the image into the page's folder and name it without ../".into(),
        ));
    }
    let frames = page.stacks.iter().flat_map(|s| &s.frames);
    if let Some(p) = page
        .gallery
        .iter()
        .chain(&page.pictures)
        .chain(frames)
        .find(|p| p.file == file)
    {
        return Ok(Some(p));
    }
    let images: Vec<&str> = page.pictures.iter().map(|p| p.file.as_str()).collect();
    let choose = if images.is_empty() {
        "the folder has no image: add one, or remove card_image for a card without an image"
            .to_string()
    } else {
        format!("name one of the page's images: {}", images.join(", "))
    };
    Err(match bundle.get(file).map(|s| s.kind) {
        None => error(
            format!(
                "card_image `{file}` does not exist in {}",
                bundle.dir.display()
            ),
            format!("fix the name, or {choose}"),
        ),
        Some(FileKind::Image { .. }) => error(
            format!("card_image `{file}` is in a subfolder that is not a stack"),
            format!("put the image next to index.md, or {choose}"),
        ),
        Some(_) => error(
            format!("card_image `{file}` is not an image radcase can read"),
            format!("use a PNG or JPEG image: {choose}"),
        ),
    })
}

/// The card of `page`, if it gets one. The key image's hash (taken when its header was read)
/// is part of the card's name, so link previews fetch a new card when the image changes.
pub fn share_card(
    page: &Page,
    section: &Section,
    bundle: Option<&Bundle<'_>>,
    config: &Config,
) -> Result<Option<ShareCard>, Diagnostic> {
    let picture = key_image(page, bundle)?;
    if picture.is_none() && !has_own_card(page.kind) {
        return Ok(None);
    }
    let text = card_text(page, section, config);
    let key = card::key(
        picture.map(|p| (&p.hash, p.dicom, p.redact.as_slice(), p.crop)),
        &text,
    );
    let output = OutPath::new(format!("{}card-{}.png", page.path, &key.to_hex()[..12]));
    let mut alt = format!("{} ({}), {}", text.headline, text.label, text.footer);
    if page.kind == Kind::Person && picture.is_some() && picture == page.photo.as_ref() {
        alt.push_str(", beside their photo");
    } else if let Some(p) = picture.filter(|p| !p.alt.is_empty()) {
        alt.push_str(", beside the key image: ");
        alt.push_str(&p.alt);
    }
    if text.label.is_empty() {
        alt = alt.replacen(" ()", "", 1);
    }
    Ok(Some(ShareCard {
        url: format!("{}{output}", config.base_path),
        alt,
        job: CardJob {
            source: picture.map(|p| p.source.clone()),
            dicom: picture.and_then(|p| p.dicom),
            redact: picture.map(|p| p.redact.clone()).unwrap_or_default(),
            crop: picture.and_then(|p| p.crop),
            text,
            key,
            output,
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// Load a one-section site of `pages` (path under content/, text) and return what each
    /// page's card says, in the order given.
    fn texts(section: &str, pages: &[(&str, &str)]) -> Vec<CardText> {
        let tmp = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let path = tmp.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        let config = "title = \"Riverside Teaching\"\nbase_url = \"https://teach.example.org/\"\n";
        write("config.toml", config);
        write("content/cases/_index.md", section);
        for (rel, text) in pages {
            write(&format!("content/cases/{rel}"), text);
        }
        let config = Config::parse(Path::new("config.toml"), config).unwrap();
        let sources = crate::source::walk(tmp.path(), None).unwrap();
        let records = crate::content::read_records(&sources, &config);
        let library = crate::content::load(
            tmp.path(),
            &config,
            &sources,
            &records,
            &crate::media::Probes::in_memory(),
            false,
        )
        .unwrap();
        pages
            .iter()
            .map(|(rel, _)| {
                let page = library
                    .pages
                    .iter()
                    .find(|p| p.rel == format!("cases/{rel}"))
                    .unwrap();
                card_text(page, library.section(page.section), &config)
            })
            .collect()
    }

    #[test]
    fn a_quiz_card_says_nothing_of_its_answer() {
        let quiz = "+++\ntitle = \"Perforated appendicitis with abscess\"\nquiz = true\n\
                    quiz_title = \"Unknown: right lower quadrant pain\"\n\
                    diagnosis = \"Perforated appendicitis\"\ndifferential = [\"Crohn disease\"]\n\
                    modality = [\"CT\"]\nsystem = [\"Gastrointestinal\", \"Appendicitis\", \"Crohn disease\"]\n\
                    tags = [\"abscess\"]\n+++\nWhat do you see?\n\n<!-- answer -->\n\nThe answer.\n";
        let open = quiz.replace("quiz = true\n", "");
        let section = "+++\ntitle = \"Cases\"\npage_kind = \"case\"\n+++\n";
        let t = texts(section, &[("quiz.md", quiz), ("open.md", &open)]);
        assert_eq!(
            t[0],
            CardText {
                headline: "Unknown: right lower quadrant pain".into(),
                label: "Quiz · CT · Gastrointestinal".into(),
                footer: "Riverside Teaching".into(),
            }
        );
        let all = format!("{} {} {}", t[0].headline, t[0].label, t[0].footer).to_lowercase();
        for secret in ["appendicitis", "abscess", "crohn"] {
            assert!(!all.contains(secret), "{secret} in {all}");
        }
        // The same case, not a quiz, shows its title and every modality and system term.
        assert_eq!(t[1].headline, "Perforated appendicitis with abscess");
        assert_eq!(
            t[1].label,
            "CT · Gastrointestinal · Appendicitis · Crohn disease"
        );
    }

    #[test]
    fn a_post_card_names_its_section_and_date() {
        let section = "+++\ntitle = \"News\"\npage_kind = \"post\"\n+++\n";
        let post = "+++\ntitle = \"Welcome\"\ndate = 2024-02-06\n+++\nHello.\n";
        let t = texts(section, &[("welcome.md", post)]);
        assert_eq!(t[0].label, "News · 6 February 2024");
        assert_eq!(t[0].headline, "Welcome");
    }
}
