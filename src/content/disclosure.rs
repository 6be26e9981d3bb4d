//! What a page shows before its answer, decided once per page.
//!
//! A quiz case (`quiz = true`) hides its answer: its real title, diagnosis, differential,
//! teaching points, references and the part of its body after `<!-- answer -->`. Everything
//! that shows a page before the reader opens the answer — its `<title>`, heading and address,
//! list pages and term pages, feeds, share cards, link previews, JSON-LD, search — reads the
//! [`Disclosure`] made here, and nothing else, so the rule lives in one place.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::front::{Fields, Kind, keys};

/// What may be shown of a page before its answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Disclosure {
    /// A quiz case: its answer is hidden until the reader opens it.
    pub quiz: bool,
    /// The title: the author's, or a quiz's neutral one (`quiz_title`, else "Case: " + the
    /// presentation).
    pub title: String,
    /// The description: the author's, or for a quiz a neutral sentence made from its title.
    pub description: Option<String>,
    /// Taxonomy → terms that may be shown before the answer.
    pub terms: BTreeMap<String, Vec<String>>,
    /// Taxonomy → terms that name the diagnosis or a differential of a quiz: shown only with
    /// the answer, and the quiz is not filed under them.
    pub hidden_terms: BTreeMap<String, Vec<String>>,
    /// The text the page's address is made from when it sets no `slug`: its file or folder
    /// name, or a quiz's neutral title (case folders are usually named after the diagnosis).
    pub slug_source: String,
    /// The diagnosis, when it may be shown before the answer (never for a quiz).
    pub about: Option<String>,
    /// A quiz whose `reveal` is still to come: until then its answer is in no output at all,
    /// its own page included.
    pub answer_due: Option<DateTime<Utc>>,
}

impl Disclosure {
    /// The page's terms of `taxonomy` that may be shown before the answer.
    pub fn terms_of(&self, taxonomy: &str) -> &[String] {
        self.terms.get(taxonomy).map_or(&[], Vec::as_slice)
    }

    /// The same, for a build made at `now` of a page revealed at `reveal`: a quiz keeps its
    /// answer out of every output until then.
    pub fn revealed_at(mut self, reveal: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Disclosure {
        self.answer_due = reveal.filter(|r| self.quiz && now < *r);
        self
    }

    /// Every shown term, taxonomies in the order of `taxonomies`.
    pub fn all_terms<'a>(&'a self, taxonomies: &'a [&str]) -> impl Iterator<Item = &'a String> {
        taxonomies.iter().flat_map(|t| self.terms_of(t))
    }
}

/// Decide what `fields` (a page of `kind`, whose file or folder is named `stem`) shows before
/// its answer. `taxonomies` are the site's, in config order.
pub fn decide(fields: &Fields, kind: Kind, taxonomies: &[&str], stem: &str) -> Disclosure {
    let quiz = kind == Kind::Case && fields.flag(keys::QUIZ);
    let real_title = fields.text(keys::TITLE).unwrap_or_default();
    let title = if quiz {
        match (
            fields.text(keys::QUIZ_TITLE),
            fields.text(keys::PRESENTATION),
        ) {
            (Some(t), _) => t.to_string(),
            (None, Some(p)) => format!("Case: {}", p.trim_end_matches('.')),
            (None, None) => "Quiz case".to_string(),
        }
    } else {
        real_title.to_string()
    };
    let description = if quiz {
        Some(format!(
            "{title}. A quiz case: look at the images, make your diagnosis, then reveal the answer."
        ))
    } else {
        fields.text(keys::DESCRIPTION).map(str::to_string)
    };
    // The answer as words; a term naming it (or named by it) is hidden. "US" is not in
    // "intussusception": whole words only.
    let secrets: Vec<Vec<String>> = if quiz {
        fields
            .text(keys::DIAGNOSIS)
            .into_iter()
            .chain(fields.list(keys::DIFFERENTIAL).iter().map(String::as_str))
            .map(words)
            .filter(|w| !w.is_empty())
            .collect()
    } else {
        Vec::new()
    };
    let names_answer = |term: &str| {
        let t = words(term);
        !t.is_empty()
            && secrets
                .iter()
                .any(|s| contains_run(s, &t) || contains_run(&t, s))
    };
    let mut terms = BTreeMap::new();
    let mut hidden_terms = BTreeMap::new();
    for &tax in taxonomies {
        let (hidden, shown): (Vec<String>, Vec<String>) = fields
            .terms(tax)
            .iter()
            .cloned()
            .partition(|t| names_answer(t));
        terms.insert(tax.to_string(), shown);
        if !hidden.is_empty() {
            hidden_terms.insert(tax.to_string(), hidden);
        }
    }
    let slug_source = match fields.text(keys::SLUG) {
        Some(s) => s.to_string(),
        None if quiz => title.clone(),
        None => stem.to_string(),
    };
    let about = (kind == Kind::Case && !quiz)
        .then(|| fields.text(keys::DIAGNOSIS).map(str::to_string))
        .flatten();
    Disclosure {
        quiz,
        title,
        description,
        terms,
        hidden_terms,
        slug_source,
        about,
        answer_due: None,
    }
}

/// Lowercase words of a text, for matching whole words.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether `needle` appears as consecutive words in `hay`.
fn contains_run(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::front::{Record, Scope};
    use std::path::Path;

    const TAX: &[&str] = &["modality", "system", "tags"];

    fn decide_for(front: &str, kind: Kind) -> Disclosure {
        let text = format!("+++\n{front}\n+++\nBody.\n");
        let r = Record::from_bytes(Path::new("a/index.md"), text.into_bytes(), Scope::Page, TAX);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        decide(&r.fields, kind, TAX, "perforated-appendicitis")
    }

    struct Row {
        what: &'static str,
        front: &'static str,
        kind: Kind,
        title: &'static str,
        description: Option<&'static str>,
        shown: &'static [&'static str],
        hidden: &'static [&'static str],
        slug: &'static str,
        about: Option<&'static str>,
    }

    const QUIZ: &str = "title = \"Perforated appendicitis\"\nquiz = true\ndiagnosis = \"Perforated appendicitis\"\ndifferential = [\"Crohn disease\", \"Mesenteric adenitis\"]\npresentation = \"Right lower quadrant pain.\"\nmodality = [\"CT\"]\nsystem = [\"Gastrointestinal\", \"Appendicitis\"]\ntags = [\"crohn\", \"adenitis mesenteric\", \"abdomen\", \"US\"]";

    #[test]
    fn the_disclosure_table() {
        let rows = [
            Row {
                what: "an open case shows everything",
                front: "title = \"Perforated appendicitis\"\ndescription = \"A classic.\"\ndiagnosis = \"Perforated appendicitis\"\nsystem = [\"Appendicitis\"]",
                kind: Kind::Case,
                title: "Perforated appendicitis",
                description: Some("A classic."),
                shown: &["Appendicitis"],
                hidden: &[],
                slug: "perforated-appendicitis",
                about: Some("Perforated appendicitis"),
            },
            Row {
                what: "a quiz without quiz_title is named by its presentation",
                front: QUIZ,
                kind: Kind::Case,
                title: "Case: Right lower quadrant pain",
                description: Some(
                    "Case: Right lower quadrant pain. A quiz case: look at the images, make your diagnosis, then reveal the answer.",
                ),
                // A term naming the diagnosis, a differential (either way round, whole words
                // only: "US" is not in any of them) is hidden.
                shown: &[
                    "CT",
                    "Gastrointestinal",
                    "adenitis mesenteric",
                    "abdomen",
                    "US",
                ],
                hidden: &["Appendicitis", "crohn"],
                slug: "Case: Right lower quadrant pain",
                about: None,
            },
            Row {
                what: "quiz_title wins, and the author's description is not used",
                front: "title = \"Ileocolic intussusception\"\nquiz = true\nquiz_title = \"Unknown 7\"\ndescription = \"Intussusception in a child.\"\ndiagnosis = \"Ileocolic intussusception\"\nmodality = [\"US\"]",
                kind: Kind::Case,
                title: "Unknown 7",
                description: Some(
                    "Unknown 7. A quiz case: look at the images, make your diagnosis, then reveal the answer.",
                ),
                shown: &["US"],
                hidden: &[],
                slug: "Unknown 7",
                about: None,
            },
            Row {
                what: "a quiz with no presentation has a plain neutral title",
                front: "title = \"Situs inversus\"\nquiz = true",
                kind: Kind::Case,
                title: "Quiz case",
                description: Some(
                    "Quiz case. A quiz case: look at the images, make your diagnosis, then reveal the answer.",
                ),
                shown: &[],
                hidden: &[],
                slug: "Quiz case",
                about: None,
            },
            Row {
                what: "an explicit slug is kept, even for a quiz",
                front: "title = \"Situs inversus\"\nquiz = true\nslug = \"unknown-12\"",
                kind: Kind::Case,
                title: "Quiz case",
                description: Some(
                    "Quiz case. A quiz case: look at the images, make your diagnosis, then reveal the answer.",
                ),
                shown: &[],
                hidden: &[],
                slug: "unknown-12",
                about: None,
            },
        ];
        for row in rows {
            let d = decide_for(row.front, row.kind);
            assert_eq!(d.title, row.title, "{}", row.what);
            assert_eq!(d.description.as_deref(), row.description, "{}", row.what);
            let shown: Vec<&str> = d.all_terms(TAX).map(String::as_str).collect();
            assert_eq!(shown, row.shown, "{}", row.what);
            let hidden: Vec<&str> = TAX
                .iter()
                .flat_map(|t| d.hidden_terms.get(*t).into_iter().flatten())
                .map(String::as_str)
                .collect();
            assert_eq!(hidden, row.hidden, "{}", row.what);
            assert_eq!(d.slug_source, row.slug, "{}", row.what);
            assert_eq!(d.about.as_deref(), row.about, "{}", row.what);
        }
    }
}
