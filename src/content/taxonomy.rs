//! Taxonomies: group pages by the terms in their front matter (modality, body system, tags…).
//! A quiz is filed only under the terms it may show before its answer (its disclosure).

use std::collections::HashMap;

use super::Page;
use crate::config::{Config, TaxonomyConfig};
use crate::types::PageId;

#[derive(Debug, Clone)]
pub struct Term {
    /// The name as first written in front matter ("CT").
    pub name: String,
    pub slug: String,
    pub path: String,
    pub url: String,
    pub permalink: String,
    /// Pages newest first.
    pub pages: Vec<PageId>,
}

#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub config: TaxonomyConfig,
    pub path: String,
    pub url: String,
    pub permalink: String,
    /// Terms sorted by name, case-insensitively.
    pub terms: Vec<Term>,
}

impl Taxonomy {
    /// The term a page's front matter value belongs to.
    pub fn term(&self, name: &str) -> Option<&Term> {
        let slug = slug::slugify(name);
        self.terms.iter().find(|t| t.slug == slug)
    }
}

/// Build every configured taxonomy from the pages' front matter. Terms that slugify the same
/// ("CT", "ct") are one term, shown with the first spelling met.
pub fn build(pages: &[Page], config: &Config) -> Vec<Taxonomy> {
    // Most terms are written on many pages: slugify each spelling once.
    let mut slugs: HashMap<&str, String> = HashMap::new();
    let dates: Vec<_> = pages.iter().map(Page::date).collect();
    config
        .taxonomies
        .iter()
        .map(|tc| {
            let path = format!("{}/", tc.name);
            let url = format!("{}{}", config.base_path, path);
            let mut by_slug: HashMap<String, usize> = HashMap::new();
            let mut terms: Vec<Term> = Vec::new();
            for (i, page) in pages.iter().enumerate() {
                for name in page.disclosure.terms_of(&tc.name) {
                    let slug = slugs
                        .entry(name.as_str())
                        .or_insert_with(|| slug::slugify(name))
                        .clone();
                    if slug.is_empty() {
                        continue;
                    }
                    let t = *by_slug.entry(slug.clone()).or_insert_with(|| {
                        let term_path = format!("{path}{slug}/");
                        let term_url = format!("{}{}", config.base_path, term_path);
                        terms.push(Term {
                            name: name.clone(),
                            slug,
                            permalink: config.permalink(&term_url),
                            path: term_path,
                            url: term_url,
                            pages: Vec::new(),
                        });
                        terms.len() - 1
                    });
                    if terms[t].pages.last() != Some(&PageId(i)) {
                        terms[t].pages.push(PageId(i));
                    }
                }
            }
            for term in &mut terms {
                term.pages.sort_by(|a, b| {
                    dates[b.0]
                        .cmp(&dates[a.0])
                        .then_with(|| pages[a.0].title().cmp(pages[b.0].title()))
                });
            }
            terms.sort_by_key(|t| t.name.to_lowercase());
            Taxonomy {
                config: tc.clone(),
                permalink: config.permalink(&url),
                path,
                url,
                terms,
            }
        })
        .collect()
}
