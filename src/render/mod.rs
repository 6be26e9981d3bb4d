//! Rendering: pages, lists and site files from the library, through Tera templates.
//!
//! Takes a loaded [`Library`] and returns the text of one output file: a page, a list, a feed,
//! the sitemap. Does no I/O. What a page shows before its answer is its disclosure
//! (`content::disclosure`); templates get the answer only on the case's own page.

mod calendar;
pub mod feeds;
mod filters;
mod ical;
mod jsonld;
pub mod related;
mod search;
mod sitemap;
pub mod templates;

mod views;

use std::path::Path;
use std::sync::OnceLock;

use tera::{Context, Value};

use crate::config::Config;
use crate::content::{Library, Page};
use crate::diagnostic::Result;
use crate::front::{Kind, keys};
use crate::media;
use crate::types::{
    FeedFormat, FeedSource, PageId, Pager, SearchFile, SectionId, TaxonomyId, TermId, escape_html,
};
pub use templates::Templates;
use views::Views;

/// Number of newest cases and posts the home page lists.
const HOME_LATEST: usize = 6;
/// Number of people the home page features.
const HOME_PEOPLE: usize = 6;
/// Number of upcoming events and deadlines the home page lists.
const HOME_UPCOMING: usize = 5;

pub struct Renderer<'a> {
    config: &'a Config,
    library: &'a Library,
    templates: &'a Templates,
    views: Views<'a>,
    taxonomies: Vec<Value>,
    base: Context,
    /// Made by the first search file asked for, then shared by the others.
    search: OnceLock<search::SearchIndex>,
    /// The cases of each term, for related cases; made by the first case page rendered.
    related: OnceLock<related::Related<'a>>,
}

impl<'a> Renderer<'a> {
    pub fn new(config: &'a Config, library: &'a Library, templates: &'a Templates) -> Result<Self> {
        let views = Views::new(library, config);
        let taxonomies = views::taxonomies(library);
        let mut base = Context::new();
        base.insert_value("config", views::config(config));
        base.insert_value("site", site_value(config, library, &taxonomies));
        Ok(Renderer {
            config,
            library,
            templates,
            views,
            taxonomies,
            base,
            search: OnceLock::new(),
            related: OnceLock::new(),
        })
    }

    /// Open Graph and X card values of a page: the image is its share card, else the site's.
    /// A quiz shows its neutral title and description and no tag naming its answer.
    fn page_social(&self, page: &Page) -> Value {
        // A quiz always has a (neutral) description, so the fallbacks never show its answer.
        let description = page
            .disclosure
            .description
            .clone()
            .or_else(|| page.fields.text(keys::PRESENTATION).map(str::to_string))
            .or_else(|| page.summary.as_deref().map(filters::strip_tags))
            .unwrap_or_else(|| self.config.description.clone().unwrap_or_default());
        let image = self.card_image(page.card.as_ref());
        let names = self.library.taxonomy_names();
        let tags: Vec<Value> = page
            .disclosure
            .all_terms(&names)
            .map(|t| Value::from(t.clone()))
            .collect();
        let mut m = tera::Map::new();
        m.insert("title".into(), Value::from(page.disclosure.title.clone()));
        m.insert("description".into(), Value::from(description));
        m.insert(
            "kind".into(),
            Value::from(if page.date().is_some() {
                "article"
            } else {
                "website"
            }),
        );
        m.insert("url".into(), Value::from(page.permalink.clone()));
        m.insert("image".into(), image);
        m.insert(
            "published".into(),
            page.date()
                .map_or_else(Value::none, |d| Value::from(d.to_rfc3339())),
        );
        m.insert("tags".into(), Value::from(tags));
        m.insert(
            "creators".into(),
            Value::from(self.fediverse_creators(page)),
        );
        Value::from(m)
    }

    /// The Mastodon accounts of the page's authors who are people of the site, as handles
    /// (`@jane@mastodon.social`): Mastodon credits a link preview to them (`fediverse:creator`).
    fn fediverse_creators(&self, page: &Page) -> Vec<Value> {
        let mut out: Vec<Value> = Vec::new();
        for author in page.authors() {
            let Some(person) = self.library.people.person(author) else {
                continue;
            };
            let handles = self
                .library
                .page(person)
                .fields
                .links()
                .iter()
                .filter_map(crate::front::ProfileLink::fediverse_handle)
                .map(Value::from);
            for h in handles {
                if !out.contains(&h) {
                    out.push(h);
                }
            }
        }
        out
    }

    /// A link preview's image: `card`, else the site card.
    fn card_image(&self, card: Option<&crate::content::ShareCard>) -> Value {
        card.or(self.library.site_card.as_ref())
            .map_or_else(Value::none, |card| {
                let mut m = tera::Map::new();
                m.insert("url".into(), Value::from(self.config.permalink(&card.url)));
                m.insert("width".into(), Value::from(media::card::WIDTH));
                m.insert("height".into(), Value::from(media::card::HEIGHT));
                m.insert("alt".into(), Value::from(card.alt.clone()));
                Value::from(m)
            })
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
        m.insert("image".into(), self.card_image(None));
        m.insert("published".into(), Value::none());
        m.insert("tags".into(), Value::from(Vec::<Value>::new()));
        m.insert("creators".into(), Value::from(Vec::<Value>::new()));
        Value::from(m)
    }

    /// The feed of a section a page is listed in (none for the home section: the site feed is it).
    fn section_feed(&self, section: SectionId) -> Option<(String, String)> {
        let s = self.library.section(section);
        (!s.is_home()).then(|| (s.title.clone().unwrap_or_default(), s.url.clone()))
    }

    /// `<link rel="alternate">` targets: the site's feeds, then those of the page's own list.
    fn feed_links(&self, own: Option<(String, String)>) -> Value {
        let mut links = Vec::new();
        let lists =
            std::iter::once((self.config.title.clone(), self.config.base_path.clone())).chain(own);
        for (title, dir) in lists {
            for format in FeedFormat::ALL {
                let mut m = tera::Map::new();
                m.insert("title".into(), Value::from(title.clone()));
                m.insert("type".into(), Value::from(format.mime()));
                m.insert(
                    "url".into(),
                    Value::from(format!("{dir}{}", format.file_name())),
                );
                links.push(Value::from(m));
            }
        }
        Value::from(links)
    }

    /// `<link rel="alternate" type="text/calendar">` to `/events.ics`, on the pages that list or
    /// show events (the home page, events sections, event pages).
    fn with_calendar_link(&self, feeds: Value) -> Value {
        if !self.library.pages.iter().any(|p| p.event.is_some()) {
            return feeds;
        }
        let mut links = feeds.as_array().map(<[Value]>::to_vec).unwrap_or_default();
        let mut m = tera::Map::new();
        m.insert(
            "title".into(),
            Value::from(format!("{} · Events", self.config.title)),
        );
        m.insert("type".into(), Value::from("text/calendar"));
        m.insert(
            "url".into(),
            Value::from(format!(
                "{}{}",
                self.config.base_path,
                calendar::SITE_CALENDAR
            )),
        );
        links.push(Value::from(m));
        Value::from(links)
    }

    /// `/events.ics`.
    pub fn site_calendar(&self) -> String {
        calendar::site(self.library, self.config)
    }

    /// The `.ics` file of one event or deadline.
    pub fn page_calendar(&self, id: PageId) -> String {
        calendar::page(self.library.page(id), self.config)
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

    pub fn page(&self, id: PageId) -> Result<String> {
        let page = self.library.page(id);
        let section = self.library.section(page.section);
        let by_kind = format!("{}.html", page.kind.as_str());
        let template = page
            .fields
            .text(keys::TEMPLATE)
            .or(section.fields.text(keys::PAGE_TEMPLATE))
            .map(str::to_string)
            .unwrap_or_else(|| {
                if self.templates.has(&by_kind) {
                    by_kind
                } else {
                    "page.html".into()
                }
            });
        let mut c = self.context(&page.url);
        let feeds = self.feed_links(self.section_feed(page.section));
        let feeds = if page.event.is_some() {
            self.with_calendar_link(feeds)
        } else {
            feeds
        };
        c.insert_value("feeds", feeds);
        c.insert_value("social", self.page_social(page));
        c.insert_value(
            "jsonld",
            Value::safe_string(&jsonld::page(page, self.config, self.library)),
        );
        c.insert_value("page", self.views.own_page(id));
        c.insert_value("section", self.views.section(page.section));
        c.insert_value("related", self.related(id));
        self.templates.render(&template, &c, Some(&page.file))
    }

    pub fn section(&self, id: SectionId, pager: Pager) -> Result<String> {
        let section = self.library.section(id);
        let lists_events = section.fields.kind(keys::PAGE_KIND) == Some(Kind::Event);
        let default = if section.is_home() {
            "index.html"
        } else if lists_events && self.templates.has("events.html") {
            "events.html"
        } else {
            "section.html"
        };
        // A section of people is shown by role and class (`people.html`), not as cards.
        let people = section.fields.kind(keys::PAGE_KIND) == Some(Kind::Person);
        let default = if people && self.templates.has("people.html") {
            "people.html"
        } else {
            default
        };
        let template = section.fields.text(keys::TEMPLATE).unwrap_or(default);
        let url = Pager::path(&section.url, pager.number);
        let mut c = self.context(&url);
        let feeds = self.feed_links(self.section_feed(id));
        let feeds = if lists_events || section.is_home() {
            self.with_calendar_link(feeds)
        } else {
            feeds
        };
        c.insert_value("feeds", feeds);
        let title = section
            .title
            .clone()
            .unwrap_or_else(|| self.config.title.clone());
        c.insert_value(
            "social",
            self.list_social(&title, section.description(), &url),
        );
        c.insert_value("section", self.views.section(id));
        c.insert_value(
            "paginator",
            self.paginator(&section.pages, &section.url, pager),
        );
        if people {
            c.insert_value("people", self.views.people_groups(&section.pages));
        }
        if section.is_home() {
            c.insert_value("latest_cases", self.latest(Kind::Case));
            c.insert_value("latest_posts", self.latest(Kind::Post));
            c.insert_value("featured_people", self.views.featured_people(HOME_PEOPLE));
            c.insert_value("upcoming", self.upcoming());
            c.insert_value("apply_page", self.apply_page());
            c.insert_value("people_url", self.list_of(Kind::Person));
            c.insert_value("events_url", self.list_of(Kind::Event));
        }
        if lists_events {
            // Posts' deadlines are on the events page too, as they are in the calendar.
            let mut pages = section.pages.clone();
            pages.extend(self.library.page_ids().filter(|&i| {
                let p = self.library.page(i);
                p.kind == Kind::Post && p.event.is_some()
            }));
            c.insert_value("events", self.events_of(&pages));
        }
        let origin = section
            .file
            .as_deref()
            .unwrap_or(Path::new("content/_index.md"));
        self.templates.render(template, &c, Some(origin))
    }

    pub fn taxonomy_list(&self, id: TaxonomyId) -> Result<String> {
        let tax = self.library.taxonomy(id);
        let mut c = self.context(&tax.url);
        c.insert_value("taxonomy", self.taxonomies[id.0].clone());
        self.templates.render("taxonomy_list.html", &c, None)
    }

    pub fn taxonomy_term(&self, id: TaxonomyId, term: TermId, pager: Pager) -> Result<String> {
        let tax = self.library.taxonomy(id);
        let t = self.library.term(id, term);
        let mut c = self.context(&Pager::path(&t.url, pager.number));
        let own = tax.config.feed.then(|| {
            (
                format!("{}: {}", tax.config.display_title(), t.name),
                t.url.clone(),
            )
        });
        c.insert_value("feeds", self.feed_links(own));
        c.insert_value("taxonomy", self.taxonomies[id.0].clone());
        c.insert_value("term", views::term(t, self.library));
        c.insert_value("paginator", self.paginator(&t.pages, &t.url, pager));
        self.templates.render("taxonomy_term.html", &c, None)
    }

    pub fn not_found(&self) -> Result<String> {
        let c = self.context(&format!("{}404.html", self.config.base_path));
        self.templates.render("404.html", &c, None)
    }

    pub fn feed(&self, source: FeedSource, format: FeedFormat) -> String {
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

    /// `related` on a case's page: `[{ page, shared }]`, best first.
    fn related(&self, id: PageId) -> Value {
        let list: Vec<Value> = self
            .related
            .get_or_init(|| related::Related::new(self.library))
            .of(id)
            .into_iter()
            .map(|(o, shared)| {
                let mut m = tera::Map::new();
                m.insert("page".into(), self.views.page(o));
                m.insert(
                    "shared".into(),
                    Value::from(shared.into_iter().map(Value::from).collect::<Vec<_>>()),
                );
                Value::from(m)
            })
            .collect();
        Value::from(list)
    }

    /// One file of the search index.
    pub fn search(&self, file: SearchFile) -> String {
        self.search
            .get_or_init(|| search::build(self.library, &self.views))
            .file(file)
    }

    /// The search page (`search.html`): its script reads the index.
    pub fn search_page(&self) -> Result<String> {
        let url = format!("{}{}", self.config.base_path, crate::types::SEARCH_DIR);
        let mut c = self.context(&url);
        c.insert_value(
            "social",
            self.list_social(&format!("Search · {}", self.config.title), None, &url),
        );
        c.insert_value("lists", self.search_lists());
        self.templates.render("search.html", &c, None)
    }

    /// Where to browse without a script: the sections of cases and posts, and the taxonomies.
    fn search_lists(&self) -> Value {
        let mut out = Vec::new();
        for s in self.library.sections.iter().filter(|s| !s.is_home()) {
            let mut m = tera::Map::new();
            m.insert(
                "name".into(),
                Value::from(s.title.clone().unwrap_or_default()),
            );
            m.insert("url".into(), Value::from(s.url.clone()));
            out.push(Value::from(m));
        }
        for t in self
            .library
            .taxonomies
            .iter()
            .filter(|t| !t.terms.is_empty())
        {
            let mut m = tera::Map::new();
            m.insert("name".into(), Value::from(t.config.display_title()));
            m.insert("url".into(), Value::from(t.url.clone()));
            out.push(Value::from(m));
        }
        Value::from(out)
    }

    /// The site's events and deadlines not yet over, soonest first (the home page's block).
    fn upcoming(&self) -> Value {
        let all: Vec<PageId> = self.library.page_ids().collect();
        let mut ids = calendar::upcoming(self.library, self.config.now, &all);
        ids.truncate(HOME_UPCOMING);
        self.views.pages_of(&ids)
    }

    /// The page `[program] apply` names, when it is a page of this site, for the home page's
    /// call to apply.
    fn apply_page(&self) -> Value {
        let Some(path) = self
            .config
            .program
            .apply
            .as_deref()
            .and_then(|a| a.strip_prefix('/'))
        else {
            return Value::none();
        };
        let url = format!("{}{path}", self.config.base_path);
        self.library
            .page_ids()
            .find(|&i| self.library.page(i).url == url)
            .map_or(Value::none(), |i| self.views.page(i))
    }

    /// The address of the first section whose pages are of `kind` (the people page, the
    /// events page), for the home page's "see all" links.
    fn list_of(&self, kind: Kind) -> Value {
        self.library
            .sections
            .iter()
            .find(|s| s.fields.kind(keys::PAGE_KIND) == Some(kind))
            .map_or(Value::none(), |s| Value::from(s.url.clone()))
    }

    /// An events section's lists: `upcoming` (soonest first), `past` (newest first), and the
    /// site calendar's addresses (`ics`, `webcal`).
    fn events_of(&self, pages: &[PageId]) -> Value {
        let now = self.config.now;
        let mut m = tera::Map::new();
        m.insert(
            "upcoming".into(),
            self.views
                .pages_of(&calendar::upcoming(self.library, now, pages)),
        );
        m.insert(
            "past".into(),
            self.views
                .pages_of(&calendar::past(self.library, now, pages)),
        );
        m.insert(
            "ics".into(),
            Value::from(format!(
                "{}{}",
                self.config.base_path,
                calendar::SITE_CALENDAR
            )),
        );
        m.insert("webcal".into(), Value::from(calendar::webcal(self.config)));
        Value::from(m)
    }

    fn latest(&self, kind: Kind) -> Value {
        let mut pages: Vec<PageId> = self
            .library
            .page_ids()
            .filter(|&i| self.library.page(i).kind == kind)
            .collect();
        pages.sort_by(|&a, &b| {
            let (pa, pb) = (self.library.page(a), self.library.page(b));
            pb.date().cmp(&pa.date()).then_with(|| pa.rel.cmp(&pb.rel))
        });
        pages.truncate(HOME_LATEST);
        self.views.pages_of(&pages)
    }

    fn paginator(&self, pages: &[PageId], base: &str, pager: Pager) -> Value {
        let total = Pager::count(pages.len(), pager.per_page);
        let slice = pager.slice(pages);
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

/// The `site` value every template sees: the menu and the taxonomies with their terms.
fn site_value(config: &Config, library: &Library, taxonomies: &[Value]) -> Value {
    let mut site = tera::Map::new();
    site.insert("menu".into(), views::menu(config, library));
    site.insert("taxonomies".into(), Value::from(taxonomies.to_vec()));
    Value::from(site)
}

/// Whether the values every template sees (`config`, `site`) differ between two libraries of a
/// site: then every templated output may show the change.
pub fn site_values_differ(config: &Config, old: &Library, new: &Library) -> bool {
    let value = |l| site_value(config, l, &views::taxonomies(l));
    value(old) != value(new)
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
