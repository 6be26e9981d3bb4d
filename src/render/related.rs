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
    /// Each page's place in the order ties are broken in (newest first, then by file), by
    /// page index: compared as a number instead of reading two dates per comparison.
    rank: Vec<u32>,
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
        let mut order: Vec<(Option<chrono::DateTime<chrono::FixedOffset>>, &str, usize)> = library
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.date(), p.rel.as_str(), i))
            .collect();
        order.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        let mut rank = vec![0; order.len()];
        for (r, &(_, _, i)) in order.iter().enumerate() {
            rank[i] = u32::try_from(r).unwrap_or(u32::MAX);
        }
        Related {
            library,
            names,
            cases,
            rank,
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
        // Every case sharing a modality is a candidate (a sixth of a site): scores are counted
        // in a flat array and only the best few are put in order and told what they share.
        let mut score = vec![0u32; library.pages.len()];
        let mut touched: Vec<PageId> = Vec::new();
        for &tax in &self.names {
            for t in page.disclosure.terms_of(tax) {
                for &o in self.cases.get(&(tax, t.as_str())).into_iter().flatten() {
                    if o != id {
                        if score[o.0] == 0 {
                            touched.push(o);
                        }
                        score[o.0] += u32::try_from(weight(tax)).unwrap_or(1);
                    }
                }
            }
        }
        let key = |o: &PageId| (std::cmp::Reverse(score[o.0]), self.rank[o.0]);
        if touched.len() > RELATED {
            touched.select_nth_unstable_by_key(RELATED - 1, key);
            touched.truncate(RELATED);
        }
        touched.sort_by_key(key);
        touched
            .into_iter()
            .map(|o| (o, self.shared(page, library.page(o))))
            .collect()
    }

    /// The shown terms of `page` that `other` shows too, in `page`'s order.
    fn shared(&self, page: &'a Page, other: &Page) -> Vec<&'a str> {
        let mut out = Vec::new();
        for &tax in &self.names {
            let theirs = other.disclosure.terms_of(tax);
            for t in page.disclosure.terms_of(tax) {
                if theirs.contains(t) {
                    out.push(t.as_str());
                }
            }
        }
        out
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
