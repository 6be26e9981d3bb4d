//! Playlists (`kind = "playlist"`): the cases a playlist names in `cases`, in its order, each
//! checked to be a case this build publishes.
//!
//! Linked once the library holds every page, so a playlist may name a case in any section.
//! The presenter that shows them is the theme's (`playlist.html`, `js/presenter.js`).

use std::collections::HashMap;

use super::body::left_out_reason;
use super::{Library, PageId};
use crate::diagnostic::Diagnostic;
use crate::front::{Kind, keys};

/// Fill `playlist` of every playlist page; an entry that is no case of this build is an error
/// naming it.
pub fn link(library: &mut Library) -> Vec<Diagnostic> {
    let by_rel: HashMap<&str, PageId> = library
        .page_ids()
        .map(|i| (library.page(i).rel.as_str(), i))
        .collect();
    let mut errors = Vec::new();
    let mut linked = Vec::new();
    for id in library.page_ids() {
        let page = library.page(id);
        if page.kind != Kind::Playlist {
            continue;
        }
        let line = page
            .fields
            .line(keys::PLAYLIST_CASES)
            .or_else(|| page.fields.line(keys::KIND))
            .unwrap_or(1);
        let error = |what: String, hint: &str| {
            Diagnostic::in_file(&page.file, what)
                .at_line(line)
                .with_hint(hint)
        };
        let entries = page.fields.list(keys::PLAYLIST_CASES);
        if entries.is_empty() {
            errors.push(error(
                "a playlist needs `cases`: the cases it presents, in order".into(),
                "add `cases = [\"@/cases/2024-appendicitis/index.md\", …]`, each the path of a case's Markdown file under content/",
            ));
            continue;
        }
        let mut cases: Vec<PageId> = Vec::new();
        for entry in entries {
            let target = entry.trim();
            let target = target.strip_prefix("@/").unwrap_or(target);
            match by_rel.get(target) {
                Some(&case) if library.page(case).kind != Kind::Case => errors.push(error(
                    format!(
                        "`cases` names `{entry}`, which is {}, not a case",
                        library.page(case).kind.with_article()
                    ),
                    "a playlist presents cases only: link other pages from its text",
                )),
                Some(&case) if cases.contains(&case) => errors.push(error(
                    format!("`cases` names `{entry}` twice"),
                    "list each case once, in the order it is presented",
                )),
                Some(&case) => cases.push(case),
                None => {
                    let (what, hint) = match library.left_out.get(target) {
                        Some(why) => left_out_reason(*why),
                        None => (
                            "does not exist".to_string(),
                            "name a case by the path of its Markdown file under content/, e.g. @/cases/2024-appendicitis/index.md".to_string(),
                        ),
                    };
                    errors.push(error(
                        format!("`cases` names `{entry}`, which {what}"),
                        &hint,
                    ));
                }
            }
        }
        linked.push((id, cases));
    }
    for (id, cases) in linked {
        library.pages[id.0].playlist = cases;
    }
    errors
}
