//! What a built page links to and which ids it has, read with html5ever (through scraper) as a
//! browser reads them: entities decoded, `srcset` split into its addresses. Feeds are read with
//! the crates that write them; the HTML inside an entry is read like a page.

use std::collections::HashSet;

use scraper::Html;

use crate::types::FeedFormat;

/// One address written in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// As written (attribute value decoded, surrounding white space removed).
    pub url: String,
    /// For a link inside a feed entry: the entry's own link, against which a relative one
    /// resolves, and whose page wrote it.
    pub entry: Option<String>,
}

/// What the checker needs of one HTML document.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub links: Vec<Link>,
    /// Every `id`, and every `<a name>` (a fragment may name either).
    pub ids: HashSet<String>,
}

/// Metadata whose `content` is an address (link previews).
const URL_META: &[&str] = &[
    "og:url",
    "og:image",
    "og:image:url",
    "og:image:secure_url",
    "og:video",
    "og:audio",
    "twitter:image",
];

pub fn read_page(html: &str) -> Page {
    let doc = Html::parse_document(html);
    let mut page = Page::default();
    let mut push = |url: &str| {
        let url = url.trim_matches(is_html_space);
        page.links.push(Link {
            url: url.to_string(),
            entry: None,
        });
    };
    let mut ids = HashSet::new();
    for node in doc.tree.nodes() {
        let Some(el) = node.value().as_element() else {
            continue;
        };
        if let Some(id) = el.id() {
            ids.insert(id.to_string());
        }
        let attr = |name: &str| el.attr(name);
        match el.name() {
            "a" | "area" => {
                if el.name() == "a"
                    && let Some(name) = attr("name")
                {
                    ids.insert(name.to_string());
                }
                attr("href").into_iter().for_each(&mut push);
            }
            "link" => {
                // A hint to open a connection names an origin, not a resource.
                let rel = attr("rel").unwrap_or_default().to_ascii_lowercase();
                if !rel
                    .split_ascii_whitespace()
                    .any(|r| r == "preconnect" || r == "dns-prefetch")
                {
                    attr("href").into_iter().for_each(&mut push);
                }
            }
            "img" | "source" => {
                attr("src").into_iter().for_each(&mut push);
                if let Some(set) = attr("srcset") {
                    srcset(set).into_iter().for_each(&mut push);
                }
            }
            "script" | "iframe" | "audio" | "track" | "embed" => {
                attr("src").into_iter().for_each(&mut push);
            }
            "video" => {
                attr("src").into_iter().for_each(&mut push);
                attr("poster").into_iter().for_each(&mut push);
            }
            "input" if attr("type").is_some_and(|t| t.eq_ignore_ascii_case("image")) => {
                attr("src").into_iter().for_each(&mut push);
            }
            "object" => attr("data").into_iter().for_each(&mut push),
            "meta" => {
                let key = attr("property")
                    .or_else(|| attr("name"))
                    .unwrap_or_default();
                let content = attr("content").unwrap_or_default();
                if URL_META.contains(&key.to_ascii_lowercase().as_str()) {
                    push(content);
                } else if attr("http-equiv").is_some_and(|h| h.eq_ignore_ascii_case("refresh"))
                    && let Some(url) = refresh_url(content)
                {
                    push(url);
                }
            }
            _ => {}
        }
    }
    page.ids = ids;
    page
}

/// Every address of a feed: its own links, each entry's link, enclosures, and the links and
/// images of each entry's HTML. `Err` when the feed does not parse.
pub fn read_feed(xml: &str, format: FeedFormat) -> Result<Vec<Link>, String> {
    let mut links = Vec::new();
    let plain = |url: &str| Link {
        url: url.trim().to_string(),
        entry: None,
    };
    let in_entry = |entry: Option<&str>, html: Option<&str>, links: &mut Vec<Link>| {
        if let Some(html) = html {
            links.extend(read_page(html).links.into_iter().map(|l| Link {
                entry: entry.map(str::to_string),
                ..l
            }));
        }
    };
    match format {
        FeedFormat::Rss => {
            let channel = rss::Channel::read_from(xml.as_bytes()).map_err(|e| e.to_string())?;
            links.push(plain(channel.link()));
            if let Some(atom) = channel.atom_ext() {
                links.extend(atom.links().iter().map(|l| plain(l.href())));
            }
            for item in channel.items() {
                links.extend(item.link().map(plain));
                if let Some(guid) = item.guid().filter(|g| g.is_permalink()) {
                    links.push(plain(guid.value()));
                }
                links.extend(item.enclosure().map(|e| plain(e.url())));
                in_entry(item.link(), item.description(), &mut links);
                in_entry(item.link(), item.content(), &mut links);
            }
        }
        FeedFormat::Atom => {
            let feed =
                atom_syndication::Feed::read_from(xml.as_bytes()).map_err(|e| e.to_string())?;
            links.extend(feed.links().iter().map(|l| plain(l.href())));
            for entry in feed.entries() {
                links.extend(entry.links().iter().map(|l| plain(l.href())));
                let own = entry
                    .links()
                    .iter()
                    .find(|l| l.rel() == "alternate")
                    .map(|l| l.href());
                let content = entry
                    .content()
                    .filter(|c| c.content_type().is_none_or(|t| t != "text"))
                    .and_then(|c| c.value());
                in_entry(own, content, &mut links);
                let summary = entry
                    .summary()
                    .filter(|s| s.r#type != atom_syndication::TextType::Text);
                in_entry(own, summary.map(|s| s.value.as_str()), &mut links);
            }
        }
    }
    links.retain(|l| !l.url.is_empty());
    Ok(links)
}

/// The ids of an HTML document fetched from another site.
pub fn ids(html: &str) -> HashSet<String> {
    read_page(html).ids
}

fn is_html_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}')
}

/// The addresses of a `srcset`: candidates split at commas, each an address and an optional
/// descriptor (`480w`, `2x`), as the HTML standard parses them.
pub fn srcset(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c| is_html_space(c) || c == ',');
        if rest.is_empty() {
            return out;
        }
        let end = rest.find(is_html_space).unwrap_or(rest.len());
        let (url, after) = rest.split_at(end);
        if url.ends_with(',') {
            // No descriptor: the commas end the candidate.
            out.push(url.trim_end_matches(','));
            rest = after;
            continue;
        }
        out.push(url);
        // Skip the descriptor, up to the comma that ends the candidate (not one in brackets).
        let mut depth = 0usize;
        let mut next = after.len();
        for (i, c) in after.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    next = i + 1;
                    break;
                }
                _ => {}
            }
        }
        rest = &after[next..];
    }
}

/// The address of `<meta http-equiv="refresh" content="0; url=/new/">`.
fn refresh_url(content: &str) -> Option<&str> {
    let (_, after) = content.split_once([';', ','])?;
    let after = after.trim_start_matches(is_html_space);
    let url = match after.get(..4) {
        Some(p) if p.eq_ignore_ascii_case("url=") => &after[4..],
        _ => after,
    };
    let url = url.trim_matches(is_html_space);
    let url = url
        .strip_prefix(['\'', '"'])
        .map_or(url, |u| u.trim_end_matches(['\'', '"']));
    (!url.is_empty()).then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(html: &str) -> Vec<String> {
        read_page(html).links.into_iter().map(|l| l.url).collect()
    }

    #[test]
    fn every_kind_of_address_is_read_with_entities_decoded() {
        let html = r#"<html><head>
            <link rel="stylesheet" href="/css/a.css"><link rel="preconnect" href="https://fonts.example">
            <meta property="og:image" content="https://x.org/card.png"><meta name="description" content="/not-a-link">
            <meta http-equiv="refresh" content="0; url=/moved/">
            <script src="/js/a.js"></script></head><body>
            <a href=" ../b/?x=1&amp;y=2#top ">b</a><a name="old"></a><h2 id="findings">F</h2>
            <img src="a.png" srcset="a-480.webp 480w, a-960.webp 960w">
            <picture><source srcset="p.webp"></picture>
            <video src="v.mp4" poster="v.jpg"></video><object data="doc.pdf"></object>
            </body></html>"#;
        assert_eq!(
            urls(html),
            [
                "/css/a.css",
                "https://x.org/card.png",
                "/moved/",
                "/js/a.js",
                "../b/?x=1&y=2#top",
                "a.png",
                "a-480.webp",
                "a-960.webp",
                "p.webp",
                "v.mp4",
                "v.jpg",
                "doc.pdf"
            ]
        );
        let ids = read_page(html).ids;
        assert!(ids.contains("findings") && ids.contains("old"), "{ids:?}");
    }

    #[test]
    fn srcset_candidates_split_as_the_standard_says() {
        assert_eq!(srcset("a.png"), ["a.png"]);
        assert_eq!(srcset(" a.png 1x , b.png 2x"), ["a.png", "b.png"]);
        assert_eq!(srcset("a.png,b.png"), ["a.png,b.png"]);
        assert_eq!(srcset("a.png, b.png,"), ["a.png", "b.png"]);
        assert_eq!(srcset("a,b.png 480w, c.png 960w"), ["a,b.png", "c.png"]);
        assert_eq!(srcset("a.png (x, y), b.png"), ["a.png", "b.png"]);
        assert!(srcset(" , ").is_empty());
    }

    #[test]
    fn refresh_addresses() {
        assert_eq!(refresh_url("0; url=/a/"), Some("/a/"));
        assert_eq!(refresh_url("0;URL='/a/'"), Some("/a/"));
        assert_eq!(refresh_url("5, /b/"), Some("/b/"));
        assert_eq!(refresh_url("0"), None);
        assert_eq!(refresh_url("0; url="), None);
    }
}
