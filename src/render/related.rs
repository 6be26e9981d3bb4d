//! Related cases: the other cases that share the most shown terms with a case.
//!
//! Both sides are read through their disclosure (`terms`, never `hidden_terms`), so a quiz is
//! never linked by a term that names its answer, nor does it show which quiz another case's
//! answer is.

use std::collections::HashMap;

use crate::content::{Library, Page};
use crate::front::Kind;
use crate::types::PageId;

/// How many related cases a case shows.
pub const RELATED: usize = 4;

/// A shared modality says little (most cases are CT); a shared system, level or tag more.
fn weight(taxonomy: &str) -> usize {
    if taxonomy == "modality" { 1 } else { 2 }
}

/// The cases of each shown term, made once per run: scoring one case then visits only the
/// cases it shares a term with, not every case of the site.
pub struct Related<'a> {
    library: &'a Library,
    names: Vec<&'a str>,
    cases: HashMap<(&'a str, &'a str), Vec<PageId>>,
}

impl<'a> Related<'a> {
    pub fn new(library: &'a Library) -> Related<'a> {
        let names = library.taxonomy_names();
        let mut cases: HashMap<(&str, &str), Vec<PageId>> = HashMap::new();
        for id in library.page_ids() {
            let page = library.page(id);
            if page.kind != Kind::Case {
                continue;
            }
            for &tax in &names {
                for t in page.disclosure.terms_of(tax) {
                    cases.entry((tax, t.as_str())).or_default().push(id);
                }
            }
        }
        Related {
            library,
            names,
            cases,
        }
    }

    /// The cases related to `id`, best first (ties: newest, then by file), each with the shown
    /// terms it shares. Empty for anything but a case.
    pub fn of(&self, id: PageId) -> Vec<(PageId, Vec<&'a str>)> {
        let library = self.library;
        let page = library.page(id);
        if page.kind != Kind::Case {
            return Vec::new();
        }
        let mut scored: HashMap<PageId, (usize, Vec<&'a str>)> = HashMap::new();
        for &tax in &self.names {
            for t in page.disclosure.terms_of(tax) {
                for &o in self.cases.get(&(tax, t.as_str())).into_iter().flatten() {
                    if o != id {
                        let entry = scored.entry(o).or_default();
                        entry.0 += weight(tax);
                        entry.1.push(t.as_str());
                    }
                }
            }
        }
        let mut scored: Vec<(usize, PageId, Vec<&str>)> = scored
            .into_iter()
            .map(|(o, (s, shared))| (s, o, shared))
            .collect();
        scored.sort_by(|a, b| {
            let (pa, pb) = (library.page(a.1), library.page(b.1));
            b.0.cmp(&a.0)
                .then_with(|| pb.date().cmp(&pa.date()))
                .then_with(|| pa.rel.cmp(&pb.rel))
        });
        scored.truncate(RELATED);
        scored.into_iter().map(|(_, o, s)| (o, s)).collect()
    }
}

/// Whether two pages share a term they show: only then can one be among the other's related
/// cases (for deciding what an edit re-renders without scoring every case).
pub fn share_a_term(library: &Library, a: &Page, b: &Page) -> bool {
    library.taxonomy_names().iter().any(|tax| {
        let theirs = b.disclosure.terms_of(tax);
        a.disclosure
            .terms_of(tax)
            .iter()
            .any(|t| theirs.contains(t))
    })
}
