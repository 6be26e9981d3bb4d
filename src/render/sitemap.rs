//! `sitemap.xml` (sitemaps.org 0.9): every page, section and taxonomy page, with dates.

use crate::content::Library;

pub fn render(library: &Library) -> String {
    let mut out = String::with_capacity(128 * (library.pages.len() + 16));
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut entry = |loc: &str, lastmod: Option<String>| {
        out.push_str("  <url><loc>");
        out.push_str(&crate::types::escape_html(loc));
        out.push_str("</loc>");
        if let Some(d) = lastmod {
            out.push_str("<lastmod>");
            out.push_str(&d);
            out.push_str("</lastmod>");
        }
        out.push_str("</url>\n");
    };
    for s in &library.sections {
        entry(&s.permalink, None);
    }
    for p in &library.pages {
        let date = p
            .updated()
            .or(p.date())
            .map(|d| d.format("%Y-%m-%d").to_string());
        entry(&p.permalink, date);
    }
    for t in library.taxonomies.iter().filter(|t| !t.terms.is_empty()) {
        entry(&t.permalink, None);
        for term in &t.terms {
            entry(&term.permalink, None);
        }
    }
    out.push_str("</urlset>\n");
    out
}
