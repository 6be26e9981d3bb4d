//! Related cases: the other cases that share the most shown terms with a case.
//!
//! Both sides are read through their disclosure (`terms`, never `hidden_terms`), so a quiz is
//! never linked by a term that names its answer, nor does it show which quiz another case's
//! answer is.

use crate::content::Library;
use crate::front::Kind;
use crate::types::PageId;

/// How many related cases a case shows.
pub const RELATED: usize = 4;

/// A shared modality says little (most cases are CT); a shared system, level or tag more.
fn weight(taxonomy: &str) -> usize {
    if taxonomy == "modality" { 1 } else { 2 }
}

/// The cases related to `id`, best first (ties: newest, then by file), each with the shown
/// terms it shares. Empty for anything but a case.
pub fn related(library: &Library, id: PageId) -> Vec<(PageId, Vec<&str>)> {
    let page = library.page(id);
    if page.kind != Kind::Case {
        return Vec::new();
    }
    let names = library.taxonomy_names();
    let mut scored: Vec<(usize, PageId, Vec<&str>)> = library
        .page_ids()
        .filter(|&o| o != id && library.page(o).kind == Kind::Case)
        .filter_map(|o| {
            let other = &library.page(o).disclosure;
            let mut score = 0;
            let mut shared = Vec::new();
            for tax in &names {
                for t in page.disclosure.terms_of(tax) {
                    if other.terms_of(tax).contains(t) {
                        score += weight(tax);
                        shared.push(t.as_str());
                    }
                }
            }
            (score > 0).then_some((score, o, shared))
        })
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
