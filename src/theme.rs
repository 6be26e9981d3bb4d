//! The default theme, compiled into the binary so `radcase build` needs no theme folder.
//!
//! `themes/default/` in the repository is the source; this module only embeds it. A test
//! checks that every file there is listed here (but `fonts/`, which the share cards embed).

/// One file of the embedded theme, relative to `themes/default/`.
pub struct EmbeddedFile {
    pub path: &'static str,
    pub bytes: &'static [u8],
}

macro_rules! embed {
    ($($path:literal),* $(,)?) => {
        &[$(EmbeddedFile {
            path: $path,
            bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/", $path)),
        }),*]
    };
}

pub const DEFAULT_THEME: &[EmbeddedFile] = embed!(
    "templates/base.html",
    "templates/index.html",
    "templates/section.html",
    "templates/case.html",
    "templates/page.html",
    "templates/taxonomy_list.html",
    "templates/taxonomy_term.html",
    "templates/404.html",
    "templates/partials/page_card.html",
    "templates/partials/pagination.html",
    "templates/partials/terms.html",
    "templates/partials/case_answer.html",
    "templates/partials/staged_answer.html",
    "templates/partials/stack.html",
    "templates/partials/teaching_points.html",
    "templates/partials/references.html",
    "templates/partials/share.html",
    "templates/partials/byline.html",
    "templates/partials/person_card.html",
    "templates/partials/person_photo.html",
    "templates/people.html",
    "templates/person.html",
    "templates/event.html",
    "templates/events.html",
    "templates/partials/event_item.html",
    "templates/partials/event_facts.html",
    "templates/partials/social_icon.html",
    "templates/partials/questions.html",
    "templates/search.html",
    "templates/partials/related.html",
    "templates/playlist.html",
    "static/css/radcase.css",
    "static/css/viewer.css",
    "static/js/radcase.js",
    "static/js/questions.js",
    "static/js/search.js",
    "static/css/search.css",
    "static/css/presenter.css",
    "static/js/presenter.js",
    "static/favicon.svg",
);

/// The embedded templates: (name relative to `templates/`, source).
pub fn templates() -> impl Iterator<Item = (&'static str, &'static str)> {
    DEFAULT_THEME.iter().filter_map(|f| {
        let name = f.path.strip_prefix("templates/")?;
        Some((name, std::str::from_utf8(f.bytes).unwrap_or_default()))
    })
}

/// The embedded static files: (output path, bytes).
pub fn static_files() -> impl Iterator<Item = (&'static str, &'static [u8])> {
    DEFAULT_THEME
        .iter()
        .filter_map(|f| Some((f.path.strip_prefix("static/")?, f.bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_theme_file_is_embedded() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        for entry in walkdir::WalkDir::new(&root) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let rel = entry
                    .path()
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                // The card fonts are embedded by the card drawing (`media::card::text`), with
                // their licence and notes beside them.
                if rel.starts_with("fonts/") {
                    continue;
                }
                assert!(
                    DEFAULT_THEME.iter().any(|f| f.path == rel),
                    "themes/default/{rel} is not listed in DEFAULT_THEME"
                );
            }
        }
        assert!(templates().all(|(_, src)| !src.is_empty()));
    }
}
