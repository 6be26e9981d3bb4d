//! The client-side search index: the files the search page's script reads (see
//! [`crate::types::SearchLayout`] for which files and why).
//!
//! Built once per run, the first time an output of it is asked for, and shared by every job
//! that writes one of its files. What a page puts in the index is what its disclosure lets it
//! show before the answer: for a quiz, its neutral title, its presentation, the terms that do
//! not name the answer and the body before `<!-- answer -->`; never its diagnosis, its
//! differential or the terms that name them.
//!
//! Every file writes one entry a line, so the output gate reads each term, page or facet value
//! on its own (two neighbouring terms are not a name).

use std::collections::BTreeMap;
use std::fmt::Write;

use tera::Value;

use super::views::Views;
use crate::content::{Library, Page};
use crate::front::{Kind, keys};
use crate::types::{CHUNK, FACETS, PageId, SearchFile, SearchLayout};

/// Where a term was found, as bits of a posting; the manifest gives each bit its weight.
const TITLE: u8 = 1;
const DIAGNOSIS: u8 = 2;
const SUMMARY: u8 = 4;
const DIFFERENTIAL: u8 = 8;
const TERMS: u8 = 16;
const PEOPLE: u8 = 32;
const BODY: u8 = 64;

const WEIGHTS: [(&str, u8, u32); 7] = [
    ("title", TITLE, 12),
    ("diagnosis", DIAGNOSIS, 10),
    ("summary", SUMMARY, 4),
    ("differential", DIFFERENTIAL, 3),
    ("terms", TERMS, 6),
    ("people", PEOPLE, 5),
    ("body", BODY, 1),
];

/// Words too common to find anything by; the script drops them from a query too (the manifest
/// carries this list, so both sides always agree).
const STOP_WORDS: &[&str] = &[
    "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "in", "is", "it", "its",
    "of", "on", "or", "that", "the", "this", "to", "was", "were", "with",
];

/// The longest term kept: longer runs of letters are not words anyone types.
const MAX_TERM: usize = 32;

/// Characters of a result's excerpt.
const EXCERPT: usize = 180;

/// Every file of the index, as text.
pub struct SearchIndex {
    manifest: String,
    shards: Vec<String>,
    meta: Vec<String>,
    facets: Vec<String>,
}

impl SearchIndex {
    pub fn file(&self, file: SearchFile) -> String {
        match file {
            SearchFile::Manifest => self.manifest.clone(),
            SearchFile::Shard(n) => self.shards.get(n).cloned().unwrap_or_default(),
            SearchFile::Meta(n) => self.meta.get(n).cloned().unwrap_or_default(),
            SearchFile::Facet(n) => self.facets.get(n).cloned().unwrap_or_default(),
        }
    }
}

/// Lowercase search terms of `text`: accents and other scripts folded to ASCII as the privacy
/// guard folds them, split at everything but letters and digits; stop words and single
/// characters left out. The script folds a query the same way (NFD, marks dropped).
pub fn terms(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .flat_map(|w| {
            let folded = if w.is_ascii() {
                w.to_ascii_lowercase()
            } else {
                deunicode::deunicode(w).to_ascii_lowercase()
            };
            folded
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|t| t.len() >= 2 && t.len() <= MAX_TERM)
                .filter(|t| !STOP_WORDS.contains(t))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
}

/// The text of `html`: tags and character references dropped (each a word break).
fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        out.push(' ');
        let tail = &rest[i..];
        let end = if tail.starts_with('<') {
            tail.find('>').map_or(tail.len(), |e| e + 1)
        } else {
            // `&amp;`, `&#39;`: at most a few characters to the `;`.
            tail[1..]
                .find(|c: char| !c.is_ascii_alphanumeric() && c != '#')
                .filter(|&e| tail[1 + e..].starts_with(';'))
                .map_or(1, |e| e + 2)
        };
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// A page's terms, each with the fields it was found in.
fn page_terms(page: &Page, library: &Library) -> BTreeMap<String, u8> {
    let mut found: BTreeMap<String, u8> = BTreeMap::new();
    let mut add = |text: &str, bit: u8| {
        for t in terms(text) {
            *found.entry(t).or_default() |= bit;
        }
    };
    let d = &page.disclosure;
    let f = &page.fields;
    add(&d.title, TITLE);
    add(f.text(keys::PRESENTATION).unwrap_or_default(), SUMMARY);
    if !d.quiz {
        // A quiz's description is a neutral sentence, the same on every quiz.
        add(d.description.as_deref().unwrap_or_default(), SUMMARY);
        add(d.about.as_deref().unwrap_or_default(), DIAGNOSIS);
        for t in f.list(keys::DIFFERENTIAL) {
            add(t, DIFFERENTIAL);
        }
    }
    for t in d.all_terms(&library.taxonomy_names()) {
        add(t, TERMS);
    }
    for a in page.authors() {
        let name = library
            .people
            .person(a)
            .map_or(a.as_str(), |p| library.page(p).title());
        add(name, PEOPLE);
    }
    if page.kind == Kind::Person {
        add(page.title(), PEOPLE);
        add(f.text(keys::POSITION).unwrap_or_default(), SUMMARY);
        for t in f.list(keys::INTERESTS) {
            add(t, TERMS);
        }
    }
    if page.kind == Kind::Event {
        add(f.text(keys::LOCATION).unwrap_or_default(), SUMMARY);
    }
    // For a quiz, `content` is the body before the answer.
    add(&html_text(&page.content), BODY);
    found
}

/// A page's value of each facet (several for a taxonomy).
fn facet_values(page: &Page) -> [Vec<String>; FACETS.len()] {
    let d = &page.disclosure;
    let answer = match (page.kind, d.quiz) {
        (Kind::Case, true) => vec!["quiz".to_string()],
        (Kind::Case, false) => vec!["solved".to_string()],
        _ => Vec::new(),
    };
    [
        d.terms_of("modality").to_vec(),
        d.terms_of("system").to_vec(),
        d.terms_of("level").to_vec(),
        answer,
        vec![page.kind.as_str().to_string()],
    ]
}

fn facet_label(facet: &str, value: &str) -> String {
    match (facet, value) {
        ("answer", "quiz") => "Quiz (answer hidden)".into(),
        ("answer", "solved") => "Answer shown".into(),
        ("kind", "person") => "People".into(),
        ("kind", k) => format!("{}{}s", k[..1].to_uppercase(), &k[1..]),
        (_, v) => v.to_string(),
    }
}

/// `[a, b, c]` ascending → `a, b-a, c-b`: small numbers, a short file.
fn deltas(ids: impl IntoIterator<Item = usize>) -> String {
    let mut out = String::new();
    let mut last = 0;
    for (i, id) in ids.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{}", id - last);
        last = id;
    }
    out
}

fn json(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// What a result shows: the title, address, kind, excerpt, shown terms and thumbnail (the
/// image the list cards show).
fn meta(id: PageId, library: &Library, views: &Views<'_>) -> String {
    let page = library.page(id);
    let d = &page.disclosure;
    let f = &page.fields;
    let excerpt = f
        .text(keys::PRESENTATION)
        .or(f.text(keys::POSITION).filter(|_| page.kind == Kind::Person))
        .map(str::to_string)
        .or_else(|| d.description.clone())
        .or_else(|| page.summary.as_deref().map(super::filters::strip_tags))
        .unwrap_or_default();
    let excerpt = cut(&excerpt, EXCERPT);
    let mut terms: Vec<&str> = Vec::new();
    for t in ["modality", "system", "level"] {
        terms.extend(d.terms_of(t).iter().map(String::as_str));
    }
    let view = views.page(id);
    let image = view
        .get_from_path("case.images.0")
        .or_else(|| view.get_from_path("person.photo"));
    let mut m = serde_json::Map::new();
    m.insert("t".into(), d.title.clone().into());
    m.insert("u".into(), page.url.clone().into());
    m.insert("k".into(), page.kind.as_str().into());
    if d.quiz {
        m.insert("q".into(), 1.into());
    }
    if let Some(date) = page.date() {
        m.insert("d".into(), date.format("%Y-%m-%d").to_string().into());
    }
    if !excerpt.is_empty() {
        m.insert("s".into(), excerpt.into());
    }
    if !terms.is_empty() {
        m.insert("g".into(), terms.join(" · ").into());
    }
    if let Some(img) = image {
        let field = |k: &str| {
            img.get_from_path(k)
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let num = |k: &str| img.get_from_path(k).and_then(Value::as_u64).unwrap_or(0);
        if let Some(src) = field("src") {
            let mut i = serde_json::Map::new();
            i.insert("src".into(), src.into());
            if let Some(srcset) = field("srcset") {
                i.insert("srcset".into(), srcset.into());
            }
            i.insert("w".into(), num("width").into());
            i.insert("h".into(), num("height").into());
            m.insert("i".into(), i.into());
        }
    }
    serde_json::Value::Object(m).to_string()
}

/// `text` cut to at most `max` characters at a word break, with an ellipsis when cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let end = text.char_indices().nth(max).map_or(text.len(), |(i, _)| i);
    let head = &text[..end];
    let head = head.rsplit_once(' ').map_or(head, |(h, _)| h);
    format!("{}…", head.trim_end_matches([',', ';', ':', '.', ' ']))
}

pub fn build(library: &Library, views: &Views<'_>) -> SearchIndex {
    let layout = SearchLayout::for_docs(library.pages.len());
    let per_page: Vec<BTreeMap<String, u8>> = {
        use rayon::prelude::*;
        library
            .pages
            .par_iter()
            .map(|p| page_terms(p, library))
            .collect()
    };
    let mut postings: BTreeMap<&str, Vec<(usize, u8)>> = BTreeMap::new();
    for (doc, found) in per_page.iter().enumerate() {
        for (term, &bits) in found {
            postings.entry(term.as_str()).or_default().push((doc, bits));
        }
    }
    let mut shards: Vec<Vec<String>> = vec![Vec::new(); layout.shards];
    for (term, list) in &postings {
        let mut line = format!("{}:[", json(term));
        let mut last = 0;
        for (i, &(doc, bits)) in list.iter().enumerate() {
            if i > 0 {
                line.push(',');
            }
            let _ = write!(line, "{},{bits}", doc - last);
            last = doc;
        }
        line.push(']');
        shards[layout.shard_of(term)].push(line);
    }
    let shards = shards
        .into_iter()
        .map(|lines| format!("{{\n{}\n}}\n", lines.join(",\n")))
        .collect();
    let meta = (0..layout.chunks)
        .map(|c| {
            let lines: Vec<String> = (c * CHUNK..((c + 1) * CHUNK).min(library.pages.len()))
                .map(|i| meta(PageId(i), library, views))
                .collect();
            format!("[\n{}\n]\n", lines.join(",\n"))
        })
        .collect();
    // Facet → value → pages, in page order.
    let mut by_facet: Vec<BTreeMap<String, Vec<usize>>> = vec![BTreeMap::new(); FACETS.len()];
    for (doc, page) in library.pages.iter().enumerate() {
        for (i, values) in facet_values(page).into_iter().enumerate() {
            for v in values {
                let list = by_facet[i].entry(v).or_default();
                if list.last() != Some(&doc) {
                    list.push(doc);
                }
            }
        }
    }
    let facets = by_facet
        .iter()
        .map(|values| {
            let lines: Vec<String> = values
                .iter()
                .map(|(v, docs)| format!("{}:[{}]", json(v), deltas(docs.iter().copied())))
                .collect();
            format!("{{\n{}\n}}\n", lines.join(",\n"))
        })
        .collect();
    let manifest = manifest(library, &layout, &by_facet);
    SearchIndex {
        manifest,
        shards,
        meta,
        facets,
    }
}

fn manifest(
    library: &Library,
    layout: &SearchLayout,
    by_facet: &[BTreeMap<String, Vec<usize>>],
) -> String {
    let title = |facet: &str| match facet {
        "answer" => "Answer".to_string(),
        "kind" => "Kind".to_string(),
        t => library
            .taxonomies
            .iter()
            .find(|x| x.config.name == t)
            .map_or_else(|| t.to_string(), |x| x.config.display_title()),
    };
    let facets: Vec<String> = FACETS
        .iter()
        .zip(by_facet)
        .map(|(name, values)| {
            let values: Vec<serde_json::Value> = values
                .iter()
                .map(|(v, docs)| serde_json::json!([v, facet_label(name, v), docs.len()]))
                .collect();
            serde_json::json!({ "name": name, "title": title(name), "values": values }).to_string()
        })
        .collect();
    let weights: serde_json::Map<String, serde_json::Value> = WEIGHTS
        .iter()
        .map(|(_, bit, w)| (bit.to_string(), (*w).into()))
        .collect();
    format!(
        "{{\"version\":1,\"docs\":{},\"shards\":{},\"chunk\":{CHUNK},\n\"weights\":{},\n\"stop\":{},\n\"facets\":[\n{}\n]}}\n",
        layout.docs,
        layout.shards,
        serde_json::Value::Object(weights),
        serde_json::json!(STOP_WORDS),
        facets.join(",\n"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_fold_split_and_drop_stop_words() {
        let t: Vec<String> = terms("Ménétrier's disease of the C2-C3 level, T2/FLAIR, x").collect();
        assert_eq!(
            t,
            ["menetrier", "disease", "c2", "c3", "level", "t2", "flair"]
        );
    }

    #[test]
    fn html_text_drops_tags_and_references() {
        assert_eq!(
            terms(&html_text("<p>Crohn&#39;s &amp; <em>colitis</em></p>")).collect::<Vec<_>>(),
            ["crohn", "colitis"]
        );
        assert_eq!(cut("one two three", 9), "one two…");
    }
}
