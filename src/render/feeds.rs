//! RSS 2.0 and Atom 1.0 feeds (the `rss` and `atom_syndication` crates): the whole site, each
//! section, and each term of a taxonomy with `feed = true`.
//!
//! A quiz case appears under its neutral title, with only the question part of its body, and
//! with no category that names its diagnosis or differential.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};

use crate::config::{Config, FeedContent};
use crate::content::{Library, Page};
use crate::types::{FeedFormat, FeedSource};

/// Title, page URL path and the dated pages (newest first, limited) of a feed.
fn select<'a>(
    source: FeedSource,
    config: &Config,
    library: &'a Library,
) -> (String, String, Vec<&'a Page>) {
    let (title, url, mut pages): (String, String, Vec<&Page>) = match source {
        FeedSource::Site => (
            config.title.clone(),
            config.base_path.clone(),
            library.pages.iter().collect(),
        ),
        FeedSource::Section(i) => {
            let s = library.section(i);
            let name = s.title.clone().unwrap_or_default();
            (
                format!("{name} · {}", config.title),
                s.url.clone(),
                s.pages.iter().map(|&p| library.page(p)).collect(),
            )
        }
        FeedSource::Term { taxonomy, term } => {
            let t = library.taxonomy(taxonomy);
            let term = library.term(taxonomy, term);
            (
                format!(
                    "{}: {} · {}",
                    t.config.display_title(),
                    term.name,
                    config.title
                ),
                term.url.clone(),
                term.pages.iter().map(|&p| library.page(p)).collect(),
            )
        }
    };
    // A deadline that has passed is news to nobody: it leaves the feeds on the next build.
    pages.retain(|p| {
        p.date().is_some()
            && !(p.kind == crate::front::Kind::Event
                && super::calendar::is_past_deadline(p, config.now))
    });
    pages.sort_by(|a, b| b.date().cmp(&a.date()).then_with(|| a.rel.cmp(&b.rel)));
    pages.truncate(config.feed_limit);
    (title, url, pages)
}

/// The origin of the site (`https://host`), to make root-relative URLs absolute.
fn origin(config: &Config) -> &str {
    config
        .base_url
        .strip_suffix(&config.base_path)
        .unwrap_or(&config.base_url)
}

/// Make every root-relative `src`, `href` and `srcset` URL in `html` absolute: feed readers
/// show entries away from the site.
pub fn absolute_urls(html: &str, origin: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(i) = rest.find(['s', 'h']) {
        let (before, at) = rest.split_at(i);
        out.push_str(before);
        let attr = ["src=\"", "href=\"", "srcset=\""]
            .into_iter()
            .find(|a| at.starts_with(a));
        let Some(attr) = attr else {
            out.push_str(&at[..1]);
            rest = &at[1..];
            continue;
        };
        let value_start = attr.len();
        let Some(end) = at[value_start..].find('"') else {
            out.push_str(at);
            return out;
        };
        let value = &at[value_start..value_start + end];
        out.push_str(attr);
        if attr == "srcset=\"" {
            let parts: Vec<String> = value
                .split(", ")
                .map(|c| {
                    if c.starts_with('/') && !c.starts_with("//") {
                        format!("{origin}{c}")
                    } else {
                        c.to_string()
                    }
                })
                .collect();
            out.push_str(&parts.join(", "));
        } else if value.starts_with('/') && !value.starts_with("//") {
            out.push_str(origin);
            out.push_str(value);
        } else {
            out.push_str(value);
        }
        out.push('"');
        rest = &at[value_start + end + 1..];
    }
    out.push_str(rest);
    out
}

/// One feed entry, as both formats need it.
struct Entry {
    title: String,
    link: String,
    date: DateTime<FixedOffset>,
    updated: DateTime<FixedOffset>,
    authors: Vec<String>,
    categories: Vec<String>,
    summary: Option<String>,
    content: Option<String>,
}

fn entry(page: &Page, config: &Config, taxonomies: &[&str]) -> Entry {
    let origin = origin(config);
    let date = page.date().unwrap_or_default();
    let categories = page.disclosure.all_terms(taxonomies).cloned().collect();
    let summary = page
        .summary
        .as_deref()
        .map(|s| absolute_urls(s, origin))
        .or_else(|| page.disclosure.description.clone());
    let content = match config.feed_content {
        FeedContent::Full => Some(absolute_urls(&page.content, origin)),
        FeedContent::Summary => None,
    };
    Entry {
        title: page.disclosure.title.clone(),
        link: page.permalink.clone(),
        date,
        updated: page.updated().unwrap_or(date),
        authors: page.authors().to_vec(),
        categories,
        summary,
        content,
    }
}

/// The feed document of `source` in `format`, and the path of the page it belongs to.
pub fn render(
    source: FeedSource,
    format: FeedFormat,
    config: &Config,
    library: &Library,
) -> String {
    let (title, url, pages) = select(source, config, library);
    let taxonomies = library.taxonomy_names();
    let entries: Vec<Entry> = pages
        .iter()
        .map(|p| entry(p, config, &taxonomies))
        .collect();
    let link = config.permalink(&url);
    let head = Head {
        self_link: format!("{link}{}", format.file_name()),
        link,
        updated: entries.iter().map(|e| e.updated).max().unwrap_or_default(),
        description: config.description.clone().unwrap_or_else(|| title.clone()),
        title,
    };
    match format {
        FeedFormat::Rss => rss_feed(&head, config, entries),
        FeedFormat::Atom => atom_feed(&head, config, entries),
    }
}

/// What both formats say about the feed itself.
struct Head {
    title: String,
    /// The page the feed belongs to.
    link: String,
    self_link: String,
    description: String,
    updated: DateTime<FixedOffset>,
}

fn rss_feed(head: &Head, config: &Config, entries: Vec<Entry>) -> String {
    let Head {
        title,
        link,
        self_link,
        description,
        updated,
    } = head;
    let updated = *updated;
    let items: Vec<rss::Item> = entries
        .into_iter()
        .map(|e| {
            let mut item = rss::Item::default();
            item.set_title(e.title);
            item.set_link(e.link.clone());
            item.set_guid(rss::Guid {
                value: e.link,
                permalink: true,
            });
            item.set_pub_date(e.date.to_rfc2822());
            if !e.authors.is_empty() {
                // RSS wants an e-mail address here; the Dublin Core creator carries names.
                let mut dc = rss::extension::dublincore::DublinCoreExtension::default();
                dc.set_creators(e.authors);
                item.set_dublin_core_ext(dc);
            }
            item.set_categories(
                e.categories
                    .into_iter()
                    .map(|c| rss::Category {
                        name: c,
                        domain: None,
                    })
                    .collect::<Vec<_>>(),
            );
            item.set_description(e.summary);
            item.set_content(e.content);
            item
        })
        .collect();
    let mut namespaces = BTreeMap::new();
    namespaces.insert(
        "atom".to_string(),
        "http://www.w3.org/2005/Atom".to_string(),
    );
    namespaces.insert(
        "content".to_string(),
        "http://purl.org/rss/1.0/modules/content/".to_string(),
    );
    namespaces.insert(
        "dc".to_string(),
        "http://purl.org/dc/elements/1.1/".to_string(),
    );
    let mut channel = rss::Channel::default();
    channel.set_title(title);
    channel.set_link(link);
    channel.set_description(description);
    channel.set_language(config.language.clone());
    channel.set_generator("radcase".to_string());
    channel.set_last_build_date(updated.to_rfc2822());
    channel.set_namespaces(namespaces);
    channel.set_atom_ext(rss::extension::atom::AtomExtension {
        links: vec![atom_syndication::Link {
            href: self_link.to_string(),
            rel: "self".to_string(),
            mime_type: Some("application/rss+xml".to_string()),
            ..Default::default()
        }],
    });
    channel.set_items(items);
    channel.to_string()
}

fn atom_feed(head: &Head, config: &Config, entries: Vec<Entry>) -> String {
    let Head {
        title,
        link,
        self_link,
        description,
        updated,
    } = head;
    let updated = *updated;
    use atom_syndication::{Category, Content, Feed, Link, Person, Text};
    let fallback_author = config
        .author
        .clone()
        .unwrap_or_else(|| config.title.clone());
    let person = |name: String| Person {
        name,
        ..Default::default()
    };
    let entries: Vec<atom_syndication::Entry> = entries
        .into_iter()
        .map(|e| {
            let mut entry = atom_syndication::Entry {
                title: Text::plain(e.title),
                id: e.link.clone(),
                updated: e.updated,
                published: Some(e.date),
                links: vec![Link {
                    href: e.link,
                    rel: "alternate".into(),
                    mime_type: Some("text/html".into()),
                    ..Default::default()
                }],
                authors: e.authors.into_iter().map(person).collect(),
                categories: e
                    .categories
                    .into_iter()
                    .map(|c| Category {
                        term: c,
                        ..Default::default()
                    })
                    .collect(),
                summary: e.summary.map(Text::html),
                ..Default::default()
            };
            entry.content = e.content.map(|html| Content {
                value: Some(html),
                content_type: Some("html".into()),
                ..Default::default()
            });
            entry
        })
        .collect();
    let feed = Feed {
        title: Text::plain(title),
        id: self_link.to_string(),
        updated,
        authors: vec![person(fallback_author)],
        links: vec![
            Link {
                href: self_link.to_string(),
                rel: "self".into(),
                mime_type: Some("application/atom+xml".into()),
                ..Default::default()
            },
            Link {
                href: link.to_string(),
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Default::default()
            },
        ],
        subtitle: Some(Text::plain(description)),
        lang: Some(config.language.clone()),
        generator: Some(atom_syndication::Generator {
            value: "radcase".into(),
            ..Default::default()
        }),
        entries,
        ..Default::default()
    };
    feed.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_become_absolute() {
        let html = r##"<a href="/cases/a/">a</a> <img src="/x/ct-480.jpg" srcset="/x/a-1.jpg 1w, /x/a-2.jpg 2w"> <a href="https://o.org/">o</a> <a href="#f">f</a> should stay"##;
        let out = absolute_urls(html, "https://t.org");
        assert_eq!(
            out,
            r##"<a href="https://t.org/cases/a/">a</a> <img src="https://t.org/x/ct-480.jpg" srcset="https://t.org/x/a-1.jpg 1w, https://t.org/x/a-2.jpg 2w"> <a href="https://o.org/">o</a> <a href="#f">f</a> should stay"##
        );
    }
}
