//! The dependency rules of incremental rebuilds: which outputs read a set of edited pages.
//!
//! Kept apart from the server so the rules can be read, and tested, in one place. An output
//! reads a page when the page is its subject, a neighbour it links to by title, an entry of
//! the slice of a list it shows, an entry of a feed or sitemap, one of the cases and posts a
//! person's page lists, one of a playlist's cases, or a person a byline names.

use std::collections::HashSet;

use crate::content::Library;
use crate::front::Kind;
use crate::plan::Job;
use crate::render;
use crate::types::{FeedSource, PageId, Pager};

/// Whether `job` (of the plan of `new`) must be rendered again after the pages `changed` were
/// edited, turning `old` into `new`. Page and section indices are the same in both libraries:
/// an edit that would renumber them is a full rebuild, decided before this is asked.
pub fn reads_changed(job: &Job, old: &Library, new: &Library, changed: &HashSet<PageId>) -> bool {
    let touches = |list: &[PageId]| list.iter().any(|i| changed.contains(i));
    match job {
        Job::Page(i) => {
            let (o, n) = (old.page(*i), new.page(*i));
            // A page shows its neighbours' titles: a re-sort or a renamed neighbour changes it.
            // A person's page lists what they wrote.
            let works = (old.people.works(*i), new.people.works(*i));
            // A case shows its related cases' titles and images: an edited case that shares a
            // shown term with it (before or after the edit) may enter, leave or move in that
            // list; one that shares none cannot.
            let related = n.kind == Kind::Case
                && changed.iter().any(|&j| {
                    j != *i
                        && new.page(j).kind == Kind::Case
                        && (render::related::share_a_term(old, o, old.page(j))
                            || render::related::share_a_term(new, n, new.page(j)))
                });
            changed.contains(i)
                || related
                || (o.lower, o.higher) != (n.lower, n.higher)
                || [n.lower, n.higher]
                    .into_iter()
                    .flatten()
                    .any(|j| changed.contains(&j))
                || works.0 != works.1
                || touches(works.1)
                // A playlist shows its cases whole.
                || touches(&o.playlist)
                || touches(&n.playlist)
        }
        Job::Section(s, pager) => {
            let (o, n) = (old.section(*s), new.section(*s));
            // The home page lists the newest pages of the whole site.
            n.is_home() || slice_changed(&o.pages, &n.pages, *pager, changed)
        }
        Job::Term {
            taxonomy,
            term,
            pager,
        } => {
            let n = new.term(*taxonomy, *term);
            let o = old
                .taxonomy(*taxonomy)
                .term(&n.name)
                .map_or(&[][..], |t| &t.pages[..]);
            slice_changed(o, &n.pages, *pager, changed)
        }
        Job::Feed(FeedSource::Section(s), _) => {
            touches(&old.section(*s).pages) || touches(&new.section(*s).pages)
        }
        Job::Feed(FeedSource::Term { taxonomy, term }, _) => {
            let n = new.term(*taxonomy, *term);
            touches(&n.pages)
                || old
                    .taxonomy(*taxonomy)
                    .term(&n.name)
                    .is_some_and(|t| touches(&t.pages))
        }
        Job::PageCalendar(i) => changed.contains(i),
        // Counts of every term; every page's date; the newest entries of the site; every event;
        // any page's words are in the search index (its shards, chunks and facets).
        Job::TaxonomyList(_)
        | Job::Sitemap
        | Job::Search(_)
        | Job::Feed(FeedSource::Site, _)
        | Job::SiteCalendar => true,
        // A card's file name carries the hash of its text and image, so an edit that changes
        // the card changes its path, and a new path is always produced.
        Job::Card(_) | Job::SiteCard => false,
        // These read configuration, templates or files, never a page's content.
        Job::Redirect(_)
        | Job::NotFound
        | Job::SearchPage
        | Job::Robots
        | Job::Asset { .. }
        | Job::Static { .. }
        | Job::ThemeStatic(_)
        | Job::ImageVariant(_) => false,
    }
}

/// The pages whose shown view an edit of `changed` changes: those, and every page whose byline
/// names (before or after) one of them, since a byline shows the person's name and link.
pub fn shown_changed(old: &Library, new: &Library, changed: &HashSet<PageId>) -> HashSet<PageId> {
    let mut out = changed.clone();
    for (i, (o, n)) in old.pages.iter().zip(&new.pages).enumerate() {
        let names = o.authors().iter().chain(n.authors()).any(|a| {
            [old.people.person(a), new.people.person(a)]
                .into_iter()
                .flatten()
                .any(|p| changed.contains(&p))
        });
        if names {
            out.insert(PageId(i));
        }
    }
    out
}

/// Whether one page of a paginated list shows other entries, or an edited one.
fn slice_changed(old: &[PageId], new: &[PageId], pager: Pager, changed: &HashSet<PageId>) -> bool {
    let o = pager.slice(old);
    let n = pager.slice(new);
    o != n || n.iter().any(|i| changed.contains(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_page_is_redone_when_its_slice_moves_or_shows_an_edit() {
        let ids = |v: &[usize]| v.iter().map(|&i| PageId(i)).collect::<Vec<_>>();
        let list = ids(&[5, 4, 3, 2, 1]);
        let pager = |number| Pager {
            number,
            per_page: Some(2),
        };
        let changed: HashSet<PageId> = [PageId(1)].into();
        assert!(!slice_changed(&list, &list, pager(1), &changed));
        assert!(slice_changed(&list, &list, pager(3), &changed));
        // Page 1 moved to the front: every slice shifts.
        let resorted = ids(&[1, 5, 4, 3, 2]);
        assert!(slice_changed(&list, &resorted, pager(1), &changed));
        assert!(slice_changed(&list, &resorted, pager(2), &HashSet::new()));
    }
}
