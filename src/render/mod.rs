//! Rendering: pages, lists and site files from the library, through Tera templates.
//!
//! Takes a loaded [`Library`] and a job of the plan, returns the bytes of one output file.
//! Does no I/O apart from reading image headers while building views.

pub mod feeds;
mod filters;
mod jsonld;
mod sitemap;
pub mod templates;
pub mod theme;
mod views;

use std::path::Path;

use tera::{Context, Value};

use crate::config::Config;
use crate::content::{Kind, Library};
use crate::diagnostic::Result;
use crate::media;
pub use templates::Templates;
use views::Views;

/// Number of newest cases and posts the home page lists.
const HOME_LATEST: usize = 6;

/// A page number of a paginated list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pager {
    /// 1-based.
    pub number: usize,
    pub per_page: Option<usize>,
}

impl Pager {
    /// How many pages a list of `n` items needs (at least one, even when empty).
    pub fn count(n: usize, per_page: Option<usize>) -> usize {
        per_page.map_or(1, |p| n.div_ceil(p).max(1))
    }

    /// URL path of page `number` of a list at `base` (which ends with `/`).
    pub fn path(base: &str, number: usize) -> String {
        if number == 1 {
            base.to_string()
        } else {
            format!("{base}page/{number}/")
        }
    }
}

pub struct Renderer<'a> {
    config: &'a Config,
    library: &'a Library,
    templates: &'a Templates,
    views: Views<'a>,
    taxonomies: Vec<Value>,
    base: Context,
}

impl<'a> Renderer<'a> {
    pub fn new(config: &'a Config, library: &'a Library, templates: &'a Templates) -> Result<Self> {
        let views = Views::new(library, config);
        let taxonomies = views::taxonomies(library);
        let mut base = Context::new();
        base.insert_value("config", views::config(config));
        let mut site = tera::Map::new();
        site.insert("menu".into(), views::menu(config, library));
        site.insert("taxonomies".into(), Value::from(taxonomies.clone()));
        base.insert_value("site", Value::from(site));
        Ok(Renderer {
            config,
            library,
            templates,
            views,
            taxonomies,
            base,
        })
    }

    /// Open Graph and X card values of a page: the image is its share card (cases and posts).
    /// A quiz shows its neutral title and description and no tag naming its answer.
    fn page_social(&self, page: &crate::content::Page) -> Value {
        let description = if page.is_quiz() {
            format!(
                "{}. A quiz case: look at the images, make your diagnosis, then reveal the answer.",
                page.public_title()
            )
        } else {
            page.front
                .description
                .clone()
                .or_else(|| page.front.case.presentation.clone())
                .or_else(|| page.summary.as_deref().map(filters::strip_tags))
                .unwrap_or_else(|| self.config.description.clone().unwrap_or_default())
        };
        let image = page.card.as_ref().map(|card| {
            let mut m = tera::Map::new();
            m.insert("url".into(), Value::from(self.config.permalink(&card.url)));
            m.insert("width".into(), Value::from(media::card::WIDTH));
            m.insert("height".into(), Value::from(media::card::HEIGHT));
            m.insert("alt".into(), Value::from(card.alt.clone()));
            Value::from(m)
        });
        let tags: Vec<Value> = page
            .public_terms(
                self.library
                    .taxonomies
                    .iter()
                    .map(|t| t.config.name.as_str()),
            )
            .into_iter()
            .map(|t| Value::from(t.clone()))
            .collect();
        let mut m = tera::Map::new();
        m.insert("title".into(), Value::from(page.public_title()));
        m.insert("description".into(), Value::from(description));
        m.insert(
            "kind".into(),
            Value::from(if page.front.date.is_some() {
                "article"
            } else {
                "website"
            }),
        );
        m.insert("url".into(), Value::from(page.permalink.clone()));
        m.insert("image".into(), image.unwrap_or_else(Value::none));
        m.insert(
            "published".into(),
            page.front
                .date
                .map_or_else(Value::none, |d| Value::from(d.to_rfc3339())),
        );
        m.insert("tags".into(), Value::from(tags));
        Value::from(m)
    }

    /// Open Graph and X card values of a list page.
    fn list_social(&self, title: &str, description: Option<&str>, url: &str) -> Value {
        let mut m = tera::Map::new();
        m.insert("title".into(), Value::from(title));
        let description = description
            .or(self.config.description.as_deref())
            .unwrap_or_default();
        m.insert("description".into(), Value::from(description));
        m.insert("kind".into(), Value::from("website"));
        m.insert("url".into(), Value::from(self.config.permalink(url)));
        m.insert("image".into(), Value::none());
        m.insert("published".into(), Value::none());
        m.insert("tags".into(), Value::from(Vec::<Value>::new()));
        Value::from(m)
    }

    /// The feed of a section a page is listed in (none for the home section: the site feed is it).
    fn section_feed(&self, section: usize) -> Option<(String, String)> {
        let s = &self.library.sections[section];
        (!s.is_home()).then(|| (s.front.title.clone().unwrap_or_default(), s.url.clone()))
    }

    /// `<link rel="alternate">` targets: the site's feeds, then those of the page's own list.
    fn feed_links(&self, own: Option<(String, String)>) -> Value {
        let mut links = Vec::new();
        let lists =
            std::iter::once((self.config.title.clone(), self.config.base_path.clone())).chain(own);
        for (title, dir) in lists {
            for (format, mime) in [
                (feeds::FeedFormat::Rss, "application/rss+xml"),
                (feeds::FeedFormat::Atom, "application/atom+xml"),
            ] {
                let mut m = tera::Map::new();
                m.insert("title".into(), Value::from(title.clone()));
                m.insert("type".into(), Value::from(mime));
                m.insert(
                    "url".into(),
                    Value::from(format!("{dir}{}", format.file_name())),
                );
                links.push(Value::from(m));
            }
        }
        Value::from(links)
    }

    fn context(&self, url: &str) -> Context {
        let mut c = self.base.clone();
        c.insert_value("feeds", self.feed_links(None));
        c.insert_value("social", self.list_social(&self.config.title, None, url));
        c.insert_value("jsonld", Value::none());
        c.insert("current_url", url);
        c.insert("current_permalink", &self.config.permalink(url));
        c
    }

    pub fn page(&self, index: usize) -> Result<String> {
        let page = &self.library.pages[index];
        let section = &self.library.sections[page.section];
        let by_kind = format!("{}.html", page.kind.as_str());
        let template = page
            .front
            .template
            .clone()
            .or_else(|| section.front.page_template.clone())
            .unwrap_or_else(|| {
                if self.templates.has(&by_kind) {
                    by_kind
                } else {
                    "page.html".into()
                }
            });
        let mut c = self.context(&page.url);
        c.insert_value("feeds", self.feed_links(self.section_feed(page.section)));
        c.insert_value("social", self.page_social(page));
        c.insert_value(
            "jsonld",
            Value::safe_string(&jsonld::page(page, self.config, self.library)),
        );
        c.insert_value("page", self.views.page(index));
        c.insert_value("section", self.views.sections[page.section].clone());
        self.templates.render(&template, &c, Some(&page.file))
    }

    pub fn section(&self, index: usize, pager: Pager) -> Result<String> {
        let section = &self.library.sections[index];
        let default = if section.is_home() {
            "index.html"
        } else {
            "section.html"
        };
        let template = section
            .front
            .template
            .clone()
            .unwrap_or_else(|| default.to_string());
        let url = Pager::path(&section.url, pager.number);
        let mut c = self.context(&url);
        c.insert_value("feeds", self.feed_links(self.section_feed(index)));
        let title = section
            .front
            .title
            .clone()
            .unwrap_or_else(|| self.config.title.clone());
        c.insert_value(
            "social",
            self.list_social(&title, section.front.description.as_deref(), &url),
        );
        c.insert_value("section", self.views.sections[index].clone());
        c.insert_value(
            "paginator",
            self.paginator(&section.pages, &section.url, pager),
        );
        if section.is_home() {
            c.insert_value("latest_cases", self.latest(Kind::Case));
            c.insert_value("latest_posts", self.latest(Kind::Post));
        }
        let origin = section
            .file
            .as_deref()
            .unwrap_or(Path::new("content/_index.md"));
        self.templates.render(&template, &c, Some(origin))
    }

    pub fn taxonomy_list(&self, index: usize) -> Result<String> {
        let tax = &self.library.taxonomies[index];
        let mut c = self.context(&tax.url);
        c.insert_value("taxonomy", self.taxonomies[index].clone());
        self.templates.render("taxonomy_list.html", &c, None)
    }

    pub fn taxonomy_term(&self, index: usize, term: usize, pager: Pager) -> Result<String> {
        let tax = &self.library.taxonomies[index];
        let t = &tax.terms[term];
        let mut c = self.context(&Pager::path(&t.url, pager.number));
        let own = tax.config.feed.then(|| {
            (
                format!("{}: {}", tax.config.display_title(), t.name),
                t.url.clone(),
            )
        });
        c.insert_value("feeds", self.feed_links(own));
        c.insert_value("taxonomy", self.taxonomies[index].clone());
        c.insert_value("term", views::term(t));
        c.insert_value("paginator", self.paginator(&t.pages, &t.url, pager));
        self.templates.render("taxonomy_term.html", &c, None)
    }

    pub fn not_found(&self) -> Result<String> {
        let c = self.context(&format!("{}404.html", self.config.base_path));
        self.templates.render("404.html", &c, None)
    }

    pub fn feed(&self, source: feeds::FeedSource, format: feeds::FeedFormat) -> String {
        feeds::render(source, format, self.config, self.library)
    }

    pub fn robots(&self) -> String {
        format!(
            "User-agent: *\nAllow: /\nSitemap: {}sitemap.xml\n",
            self.config.base_url
        )
    }

    pub fn sitemap(&self) -> String {
        sitemap::render(self.library)
    }

    fn latest(&self, kind: Kind) -> Value {
        let mut pages: Vec<usize> = (0..self.library.pages.len())
            .filter(|&i| self.library.pages[i].kind == kind)
            .collect();
        pages.sort_by(|&a, &b| {
            let (pa, pb) = (&self.library.pages[a], &self.library.pages[b]);
            pb.front
                .date
                .cmp(&pa.front.date)
                .then_with(|| pa.rel.cmp(&pb.rel))
        });
        pages.truncate(HOME_LATEST);
        self.views.pages_of(&pages)
    }

    fn paginator(&self, pages: &[usize], base: &str, pager: Pager) -> Value {
        let total = Pager::count(pages.len(), pager.per_page);
        let slice = match pager.per_page {
            Some(per) => {
                let start = (pager.number - 1) * per;
                &pages[start.min(pages.len())..(start + per).min(pages.len())]
            }
            None => pages,
        };
        let mut m = tera::Map::new();
        let url = |n: usize| Value::from(Pager::path(base, n));
        m.insert("pages".into(), self.views.pages_of(slice));
        m.insert("number".into(), Value::from(pager.number));
        m.insert("total_pages".into(), Value::from(total));
        m.insert("total_items".into(), Value::from(pages.len()));
        m.insert("first".into(), url(1));
        m.insert("last".into(), url(total));
        m.insert(
            "previous".into(),
            if pager.number > 1 {
                url(pager.number - 1)
            } else {
                Value::none()
            },
        );
        m.insert(
            "next".into(),
            if pager.number < total {
                url(pager.number + 1)
            } else {
                Value::none()
            },
        );
        Value::from(m)
    }
}

/// A page that sends the reader to `to` (for `aliases` and `page/1/`).
pub fn redirect(to: &str) -> String {
    let to = escape_html(to);
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Redirecting…</title><link rel=\"canonical\" href=\"{to}\">\
         <meta name=\"robots\" content=\"noindex\">\
         <meta http-equiv=\"refresh\" content=\"0; url={to}\"></head>\
         <body><p>This page has moved to <a href=\"{to}\">{to}</a>.</p></body></html>\n"
    )
}

/// Escape text for HTML content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
