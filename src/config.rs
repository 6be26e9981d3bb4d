//! `config.toml` → a typed [`Config`] with defaults.
//!
//! Unknown keys are errors with the line and the closest valid key: a typo in a config file
//! should never be silently ignored.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Result, io_error};
use crate::front::{Lines, Node, Table, Value, keys, parse_toml};
use crate::markdown;
use crate::toml_errors;
use crate::types::{Format, ImageSettings, MAX_SIDE};

/// One taxonomy (a way to browse cases): `modality`, `system`, `level` and `tags` by default.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct TaxonomyConfig {
    pub name: String,
    /// Display title; defaults to the capitalised name.
    pub title: Option<String>,
    /// Whether each term gets its own feed (used by the feeds stage).
    pub feed: bool,
    /// Paginate term pages by this many pages (none: one page per term).
    pub paginate_by: Option<usize>,
}

/// A `[[taxonomies]]` table as written. Numbers are read as `i64` and checked here, so a
/// negative or huge one is named in plain words rather than by the type it did not fit.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTaxonomy {
    name: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    feed: bool,
    #[serde(default)]
    paginate_by: Option<i64>,
}

impl TaxonomyConfig {
    fn named(name: &str, title: &str) -> Self {
        TaxonomyConfig {
            name: name.to_string(),
            title: Some(title.to_string()),
            feed: false,
            paginate_by: None,
        }
    }

    pub fn display_title(&self) -> String {
        self.title.clone().unwrap_or_else(|| {
            let mut c = self.name.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
    }
}

/// `feed_content`: what a feed entry carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedContent {
    #[default]
    Full,
    Summary,
}

/// An entry of the site navigation.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MenuItem {
    pub name: String,
    /// A path from the site root ("/cases/") or a full URL.
    pub url: String,
}

/// `[images]`: how gallery images are sized and encoded.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawImages {
    widths: Option<Vec<i64>>,
    thumbnail: Option<i64>,
    quality: Option<i64>,
    formats: Option<Vec<Format>>,
    stack_width: Option<i64>,
    cache_dir: Option<String>,
}

/// `[privacy]`: the files the site publishes although radcase cannot read all of them.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPrivacy {
    #[serde(default)]
    publish: Vec<RawAllow>,
}

/// One entry of `[privacy] publish`, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAllow {
    path: Option<String>,
    pattern: Option<String>,
    reason: Option<String>,
}

/// What an entry of `[privacy] publish` names: one file, or every file a pattern matches, by
/// its path from the site folder (`content/cases/a/handout.pdf`, `static/downloads/*.pdf`).
#[derive(Debug, Clone)]
pub enum AllowTarget {
    Path(String),
    Pattern(glob::Pattern),
}

/// A file, or files, the site publishes although radcase cannot read all of it (a PDF, an
/// office file, a video), with the reason the site gives.
#[derive(Debug, Clone)]
pub struct Allow {
    pub target: AllowTarget,
    pub reason: String,
    /// The line of the entry in `config.toml`.
    pub line: usize,
}

impl Allow {
    /// Whether this entry allows the file at `site_path` (its path from the site folder).
    pub fn matches(&self, site_path: &str) -> bool {
        match &self.target {
            AllowTarget::Path(p) => p == site_path,
            AllowTarget::Pattern(g) => g.matches_with(
                site_path,
                glob::MatchOptions {
                    require_literal_separator: true,
                    ..glob::MatchOptions::new()
                },
            ),
        }
    }

    /// The entry as written (`path = "…"` or `pattern = "…"`).
    pub fn describe(&self) -> String {
        match &self.target {
            AllowTarget::Path(p) => format!("path = \"{p}\""),
            AllowTarget::Pattern(g) => format!("pattern = \"{}\"", g.as_str()),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    disclaimer: Option<String>,
    #[serde(default)]
    views: Option<String>,
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    taxonomies: Option<Vec<RawTaxonomy>>,
    #[serde(default)]
    menu: Option<Vec<MenuItem>>,
    #[serde(default)]
    images: RawImages,
    #[serde(default)]
    markdown: markdown::Settings,
    #[serde(default)]
    feed_content: FeedContent,
    #[serde(default)]
    feed_limit: Option<i64>,
    #[serde(default)]
    privacy: RawPrivacy,
    #[serde(default)]
    program: RawProgram,
    #[serde(default)]
    contact: Contact,
    #[serde(default)]
    extra: toml::Table,
}

/// `[program]` as written.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawProgram {
    academic_year_start: Option<String>,
    timezone: Option<String>,
    #[serde(default)]
    home: HomeLead,
    final_pgy: Option<i64>,
    apply: Option<String>,
}

/// `[program]`: what a residency program's site needs to know about the program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    /// Month and day the academic year starts (residents' PGY years roll over): 1 July unless
    /// `academic_year_start = "MM-DD"` says otherwise.
    pub year_start: (u32, u32),
    /// The IANA time zone of event times written without one (`timezone`), UTC if unset;
    /// checked to be a zone name of the tz database.
    pub timezone: Option<String>,
    /// What the home page leads with.
    pub home: HomeLead,
    /// The PGY year of a resident's last year (`final_pgy`, default 5, as in diagnostic
    /// radiology with its internship): a resident of the class graduating this academic year
    /// is in it.
    pub final_pgy: u32,
    /// Where applicants apply (`apply`): a path of this site (`"/apply/"`) or a full
    /// `http(s)://` address. The home page's call to apply links there.
    pub apply: Option<String>,
}

/// `[program] home`: what the home page leads with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HomeLead {
    /// The latest cases first (a teaching file).
    #[default]
    Cases,
    /// Upcoming events and deadlines, people and a call to apply first (a residency site).
    Program,
}

/// `[contact]`: the program's contact details, shown in every page's footer.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub address: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Social accounts by network (one of [`SOCIAL_NETWORKS`]): their full `http(s)` URLs.
    #[serde(default)]
    pub social: std::collections::BTreeMap<String, String>,
}

/// The networks `[contact.social]` knows, as written in config and as people name them (the
/// accessible name of the footer's icon link).
pub const SOCIAL_NETWORKS: &[(&str, &str)] = &[
    ("x", "X"),
    ("bluesky", "Bluesky"),
    ("mastodon", "Mastodon"),
    ("threads", "Threads"),
    ("linkedin", "LinkedIn"),
    ("instagram", "Instagram"),
    ("facebook", "Facebook"),
    ("youtube", "YouTube"),
];

impl Contact {
    /// The `tel:` URI of `phone`: its digits, with a leading `+` kept (RFC 3966 allows the
    /// visual separators, but some phones dial only the plain form).
    pub fn phone_uri(&self) -> Option<String> {
        let phone = self.phone.as_deref()?;
        let mut out = String::from("tel:");
        if phone.trim_start().starts_with('+') {
            out.push('+');
        }
        out.extend(phone.chars().filter(char::is_ascii_digit));
        Some(out)
    }

    /// The social accounts in the order of [`SOCIAL_NETWORKS`]: (network, its name, URL).
    pub fn social_links(&self) -> Vec<(&'static str, &'static str, &str)> {
        SOCIAL_NETWORKS
            .iter()
            .filter_map(|(net, name)| self.social.get(*net).map(|u| (*net, *name, u.as_str())))
            .collect()
    }
}

/// `[contact]` checked: an e-mail that is one address, a phone with digits, social accounts
/// of known networks at web addresses.
fn contact(path: &Path, places: &Places<'_>, raw: Contact) -> Result<Contact> {
    let err = |key: &[&str], msg: String, hint: String| {
        let mut at = vec!["contact"];
        at.extend_from_slice(key);
        Diagnostic::in_file(path, msg)
            .at_line(places.line(&at))
            .with_hint(hint)
    };
    if let Some(email) = &raw.email {
        let ok = email.trim().rsplit_once('@').is_some_and(|(user, host)| {
            let part = |p: &str| !p.is_empty() && !p.chars().any(|c| c.is_whitespace() || c == '@');
            part(user) && part(host) && host.contains('.')
        });
        if !ok {
            return Err(err(
                &["email"],
                format!("`email` in [contact] is \"{email}\", not an e-mail address"),
                "write one address, e.g. email = \"residency@example.org\"".into(),
            )
            .into());
        }
    }
    if let Some(phone) = &raw.phone {
        let allowed = |c: char| c.is_ascii_digit() || " +-().\u{a0}/".contains(c);
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        if !phone.chars().all(allowed) || !(3..=20).contains(&digits) {
            return Err(err(
                &["phone"],
                format!("`phone` in [contact] is \"{phone}\", not a phone number"),
                "write the number with its country code, digits and spaces or dashes, e.g. phone = \"+1 555 010 0199\"".into(),
            )
            .into());
        }
    }
    let names: Vec<&str> = SOCIAL_NETWORKS.iter().map(|(n, _)| *n).collect();
    for (network, url) in &raw.social {
        if !names.contains(&network.as_str()) {
            let guess = crate::diagnostic::closest(network, names.iter().copied())
                .map(|b| format!("did you mean `{b}`? "))
                .unwrap_or_default();
            return Err(err(
                &["social", network],
                format!("`{network}` in [contact.social] is not a network radcase knows"),
                format!("{guess}the networks are {}", names.join(", ")),
            )
            .into());
        }
        let t = url.trim();
        let ok = (t.starts_with("https://") || t.starts_with("http://"))
            && url::Url::parse(t).is_ok_and(|u| u.host_str().is_some_and(|h| h.contains('.')));
        if !ok {
            return Err(err(
                &["social", network],
                format!("`{network}` in [contact.social] must be a web address starting with https://, not \"{url}\""),
                format!("write the full address of the account's page, e.g. {network} = \"{}\"", example_account(network)),
            )
            .into());
        }
    }
    Ok(raw)
}

fn example_account(network: &str) -> &'static str {
    match network {
        "x" => "https://x.com/RiversideRads",
        "bluesky" => "https://bsky.app/profile/riverside.example.org",
        "mastodon" => "https://mastodon.social/@riversiderads",
        "threads" => "https://www.threads.net/@riversiderads",
        "linkedin" => "https://www.linkedin.com/company/riverside-radiology",
        "instagram" => "https://www.instagram.com/riversiderads",
        "facebook" => "https://www.facebook.com/RiversideRads",
        _ => "https://www.youtube.com/@RiversideRads",
    }
}

/// A date (midnight UTC) or an RFC 3339 date and time, as `--now` takes it.
pub fn parse_instant(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let s = s.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&chrono::Utc));
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// `MM-DD` → (month, day), a day that exists in a leap year.
fn month_day(s: &str) -> Option<(u32, u32)> {
    let (m, d) = s.trim().split_once('-')?;
    let (m, d) = (m.parse::<u32>().ok()?, d.parse::<u32>().ok()?);
    chrono::NaiveDate::from_ymd_opt(2028, m, d).map(|_| (m, d))
}

/// The site configuration after defaults are applied.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    /// Always ends with `/`.
    pub base_url: String,
    /// The path part of `base_url`, always starting and ending with `/` (e.g. `/` or `/teaching/`).
    pub base_path: String,
    pub description: Option<String>,
    pub language: String,
    pub author: Option<String>,
    /// What the site is for and not for, in every page's footer ("For education only …").
    pub disclaimer: Option<String>,
    /// The authors' statement that their views are their own, on every case and post with
    /// authors.
    pub views: Option<String>,
    pub theme: Option<String>,
    pub taxonomies: Vec<TaxonomyConfig>,
    pub menu: Option<Vec<MenuItem>>,
    pub images: ImageSettings,
    /// `[markdown]`: whether raw HTML is published.
    pub markdown: markdown::Settings,
    /// Whether feed entries carry the whole body or only the summary.
    pub feed_content: FeedContent,
    /// Entries per feed, newest first.
    pub feed_limit: usize,
    /// Where processed images are cached, relative to the site folder unless absolute.
    pub cache_dir: PathBuf,
    /// `[privacy] publish`: files published although radcase cannot read all of them.
    pub publish: Vec<Allow>,
    pub program: Program,
    pub contact: Contact,
    /// What today is for this build: `--now`, else `$SOURCE_DATE_EPOCH`, else the clock (set
    /// by `pipeline::load_config`; the time of parsing for a config read on its own).
    pub now: chrono::DateTime<chrono::Utc>,
    pub extra: toml::Table,
}

impl Config {
    /// Read `config.toml` from `path`.
    pub fn load(path: &Path) -> Result<Config> {
        if !path.exists() {
            return Err(Diagnostic::in_file(path, "the site has no config.toml")
                .with_hint(
                    "run radcase in a site folder, pass the site folder as an argument, \
                     or create a new site with `radcase new site DIR`",
                )
                .into());
        }
        let bytes = std::fs::read(path).map_err(|e| io_error(path, "read the config", &e))?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Diagnostic::in_file(path, "config.toml is not valid UTF-8 text")
                .with_hint("save the file as UTF-8")
        })?;
        Config::parse(path, &text)
    }

    /// Parse config text; `path` is only used in error messages.
    pub fn parse(path: &Path, text: &str) -> Result<Config> {
        let places = Places::new(path, text);
        // serde would take a date for a table (it reads one as a table of its own) and a list
        // for the fields of a table in order: the tables are checked before it reads them.
        for key in [
            "images", "markdown", "privacy", "program", "contact", "extra",
        ] {
            if let Some(e) = places.table.get(key)
                && !matches!(e.node.value, Value::Table(_))
            {
                return Err(Diagnostic::in_file(
                    path,
                    format!("`{key}` must be a table, not {}", e.node.value.describe()),
                )
                .at_line(places.lines.at(text, e.key_span.start).0)
                .with_hint(format!(
                    "write it as a table: [{key}] on a line of its own, its keys below"
                ))
                .into());
            }
        }
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| toml_errors::diagnostic(path, text, &e, 0))?;
        let (base_url, base_path) = normalize_base_url(&raw.base_url).map_err(|msg| {
            Diagnostic::in_file(path, msg)
                .at_line(places.line(&["base_url"]))
                .with_hint("write a full URL, e.g. base_url = \"https://teaching.example.org/\"")
        })?;
        let taxonomies = match raw.taxonomies {
            None => vec![
                TaxonomyConfig::named("modality", "Modality"),
                TaxonomyConfig::named("system", "Body system"),
                TaxonomyConfig::named("level", "Level"),
                TaxonomyConfig::named("tags", "Tags"),
            ],
            Some(list) => {
                let mut out = Vec::new();
                for (i, t) in list.into_iter().enumerate() {
                    let paginate_by = match t.paginate_by {
                        Some(n) => Some(count(n, 1, usize::MAX).map_err(|why| {
                            Diagnostic::in_file(
                                path,
                                format!(
                                    "`paginate_by` in [[taxonomies]] entry {} (`{}`) {why}",
                                    i + 1,
                                    t.name
                                ),
                            )
                            .at_line(places.line(&["taxonomies", &i.to_string(), "paginate_by"]))
                            .with_hint(
                                "use a number of pages per list page (at least 1), or leave paginate_by out",
                            )
                        })?),
                        None => None,
                    };
                    out.push(TaxonomyConfig {
                        name: t.name,
                        title: t.title,
                        feed: t.feed,
                        paginate_by,
                    });
                }
                out
            }
        };
        for (i, t) in taxonomies.iter().enumerate() {
            let clash = taxonomies[..i].iter().any(|o| o.name == t.name);
            let reserved = keys::is_reserved(&t.name);
            if clash || reserved || slug::slugify(&t.name) != t.name {
                return Err(Diagnostic::in_file(
                    path,
                    format!("taxonomy name `{}` cannot be used", t.name),
                )
                .at_line(places.line(&["taxonomies", &i.to_string(), "name"]))
                .with_hint(if clash {
                    "each taxonomy name may appear only once".to_string()
                } else if reserved {
                    "that name is already a front matter key; pick another".to_string()
                } else {
                    format!(
                        "use lowercase letters, digits and dashes, e.g. `{}`",
                        slug::slugify(&t.name)
                    )
                })
                .into());
            }
        }
        let images = image_settings(&raw.images).map_err(|(key, msg)| {
            Diagnostic::in_file(path, msg)
                .at_line(places.line(&["images", key]))
                .with_hint("see the [images] settings in the README")
        })?;
        let feed_limit = match raw.feed_limit {
            Some(n) => count(n, 1, usize::MAX).map_err(|why| {
                Diagnostic::in_file(path, format!("`feed_limit` {why}"))
                    .at_line(places.line(&["feed_limit"]))
                    .with_hint("leave it out for the default of 20 entries per feed")
            })?,
            None => 20,
        };
        let publish = allows(path, &places, raw.privacy.publish)?;
        let year_start = match &raw.program.academic_year_start {
            None => (7, 1),
            Some(s) => month_day(s).ok_or_else(|| {
                Diagnostic::in_file(
                    path,
                    format!("`academic_year_start` in [program] is `{s}`, not a month and day"),
                )
                .at_line(places.line(&["program", "academic_year_start"]))
                .with_hint("write it as \"MM-DD\", e.g. academic_year_start = \"07-01\" for 1 July")
            })?,
        };
        let final_pgy = match raw.program.final_pgy {
            None => 5,
            Some(n) => count(n, 1, 10).map_err(|why| {
                Diagnostic::in_file(path, format!("`final_pgy` in [program] {why}"))
                    .at_line(places.line(&["program", "final_pgy"]))
                    .with_hint("the PGY year of the residents' last year, from 1 to 10: 5 for diagnostic radiology with its internship, 4 without")
            })? as u32,
        };
        if let Some(name) = &raw.program.timezone {
            crate::front::when::zone(name).map_err(|hint| {
                Diagnostic::in_file(
                    path,
                    format!("`timezone` in [program] is \"{name}\", not a time zone"),
                )
                .at_line(places.line(&["program", "timezone"]))
                .with_hint(hint)
            })?;
        }
        let apply = match raw.program.apply.as_deref().map(str::trim) {
            None => None,
            Some(a)
                if a.starts_with('/') || a.starts_with("https://") || a.starts_with("http://") =>
            {
                Some(a.to_string())
            }
            Some(a) => {
                return Err(Diagnostic::in_file(
                    path,
                    format!("`apply` in [program] is \"{a}\", not a page of this site or a web address"),
                )
                .at_line(places.line(&["program", "apply"]))
                .with_hint("write a path of this site, e.g. apply = \"/apply/\", or a full address starting with https://")
                .into());
            }
        };
        Ok(Config {
            publish,
            program: Program {
                year_start,
                timezone: raw.program.timezone,
                home: raw.program.home,
                final_pgy,
                apply,
            },
            contact: contact(path, &places, raw.contact)?,
            now: chrono::Utc::now(),
            images,
            markdown: raw.markdown,
            feed_content: raw.feed_content,
            feed_limit,
            cache_dir: raw
                .images
                .cache_dir
                .clone()
                .map_or_else(|| PathBuf::from(".radcase-cache"), PathBuf::from),
            title: raw.title,
            base_url,
            base_path,
            description: raw.description,
            language: raw.language.unwrap_or_else(|| "en".to_string()),
            author: raw.author,
            disclaimer: raw.disclaimer,
            views: raw.views,
            theme: raw.theme,
            taxonomies,
            menu: raw.menu,
            extra: raw.extra,
        })
    }

    /// Replace the base URL (for `--base-url`).
    pub fn set_base_url(&mut self, url: &str) -> std::result::Result<(), String> {
        let (base_url, base_path) = normalize_base_url(url)?;
        self.base_url = base_url;
        self.base_path = base_path;
        Ok(())
    }

    /// The full URL of a site path that starts with `base_path`.
    pub fn permalink(&self, url_path: &str) -> String {
        let tail = url_path
            .strip_prefix(&self.base_path)
            .unwrap_or(url_path.trim_start_matches('/'));
        format!("{}{}", self.base_url, tail)
    }

    pub fn taxonomy(&self, name: &str) -> Option<&TaxonomyConfig> {
        self.taxonomies.iter().find(|t| t.name == name)
    }

    /// The names of the site's taxonomies: front matter keys of their own.
    pub fn taxonomy_names(&self) -> Vec<&str> {
        self.taxonomies.iter().map(|t| t.name.as_str()).collect()
    }
}

/// The entries of `[privacy] publish`, checked: each names a path or a pattern (not both) under
/// `content/`, `static/` or `themes/`, and gives its reason.
fn allows(path: &Path, places: &Places<'_>, raw: Vec<RawAllow>) -> Result<Vec<Allow>> {
    let mut out = Vec::new();
    for (i, entry) in raw.into_iter().enumerate() {
        let line = places.line(&["privacy", "publish", &i.to_string()]);
        let err = |msg: String, hint: &str| {
            Diagnostic::in_file(
                path,
                format!("entry {} of `publish` in [privacy] {msg}", i + 1),
            )
            .at_line(line)
            .with_hint(hint.to_string())
        };
        let target = match (entry.path, entry.pattern) {
            (Some(p), None) => AllowTarget::Path(p.trim_start_matches("./").to_string()),
            (None, Some(p)) => AllowTarget::Pattern(glob::Pattern::new(&p).map_err(|e| {
                err(
                    format!("has a pattern that cannot be read: {e}"),
                    "write a pattern such as \"static/downloads/*.pdf\" (* for any name, ** for any folders)",
                )
            })?),
            (Some(_), Some(_)) => {
                return Err(err(
                    "has both `path` and `pattern`".into(),
                    "write one entry per path or pattern",
                )
                .into());
            }
            (None, None) => {
                return Err(err(
                    "names no file: `path` or `pattern` is missing".into(),
                    "add path = \"content/cases/NAME/file.pdf\", or a pattern such as \"static/downloads/*.pdf\"",
                )
                .into());
            }
        };
        let reason = entry
            .reason
            .map(|r| r.trim().to_string())
            .unwrap_or_default();
        if reason.is_empty() {
            return Err(err(
                "has no `reason`".into(),
                "say why the file may be published although radcase cannot read all of it, e.g. reason = \"the department's handout; metadata checked by hand\"",
            )
            .into());
        }
        let under = match &target {
            AllowTarget::Path(p) => p.as_str(),
            AllowTarget::Pattern(g) => g.as_str(),
        };
        if !["content/", "static/", "themes/"]
            .iter()
            .any(|r| under.starts_with(r))
        {
            return Err(err(
                format!("names `{under}`, which is not under content/, static/ or themes/"),
                "write the path from the site folder, e.g. \"content/cases/NAME/handout.pdf\"",
            )
            .into());
        }
        out.push(Allow {
            target,
            reason,
            line,
        });
    }
    Ok(out)
}

/// `n` as a count from `min` to `max`, or why it is not one ("must be at least 1, not -3").
fn count<T: TryFrom<i64> + TryInto<i64> + Copy>(
    n: i64,
    min: T,
    max: T,
) -> std::result::Result<T, String> {
    let (lo, hi) = (
        min.try_into().unwrap_or(i64::MIN),
        max.try_into().unwrap_or(i64::MAX),
    );
    if n < lo {
        return Err(format!("must be at least {lo}, not {n}"));
    }
    if n > hi {
        return Err(format!("must be at most {hi}, not {n}"));
    }
    T::try_from(n).map_err(|_| format!("cannot be {n}"))
}

/// The `[images]` settings, or the key that is wrong and why.
fn image_settings(raw: &RawImages) -> std::result::Result<ImageSettings, (&'static str, String)> {
    let mut s = ImageSettings::default();
    let pixels = |key: &'static str, n: i64| {
        count(n, 1u32, MAX_SIDE).map_err(|why| (key, format!("`{key}` in [images] {why} (pixels)")))
    };
    if let Some(widths) = &raw.widths {
        if widths.is_empty() {
            return Err((
                "widths",
                format!(
                    "`widths` in [images] must list at least one size from 1 to {MAX_SIDE} pixels"
                ),
            ));
        }
        s.widths = widths
            .iter()
            .map(|&w| pixels("widths", w))
            .collect::<std::result::Result<_, _>>()?;
        s.widths.sort_unstable();
        s.widths.dedup();
    }
    if let Some(t) = raw.thumbnail {
        s.thumbnail = pixels("thumbnail", t)?;
    }
    if let Some(q) = raw.quality {
        s.quality = count(q, 1u8, 100u8)
            .map_err(|why| ("quality", format!("`quality` in [images] {why}")))?;
    }
    if let Some(formats) = &raw.formats {
        if formats.is_empty() {
            return Err((
                "formats",
                "`formats` in [images] must name at least one format".to_string(),
            ));
        }
        s.formats = formats.clone();
        s.formats.dedup();
    }
    if let Some(w) = raw.stack_width {
        s.stack_width = pixels("stack_width", w)?;
    }
    Ok(s)
}

/// Check a base URL and split off its path. `https://x.org/teach` → (`https://x.org/teach/`, `/teach/`).
fn normalize_base_url(url: &str) -> std::result::Result<(String, String), String> {
    let url = url.trim();
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(format!(
            "base_url `{url}` is not a full URL (it has no scheme such as https://)"
        ));
    };
    if !matches!(scheme, "http" | "https" | "file") {
        return Err(format!(
            "base_url `{url}` must start with http:// or https://"
        ));
    }
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if host.is_empty() && scheme != "file" {
        return Err(format!("base_url `{url}` has no host name"));
    }
    if path.contains(['?', '#']) {
        return Err(format!(
            "base_url `{url}` must not contain a query or a fragment"
        ));
    }
    // `https://x.org//` would make every link `//css/…`, a link to another host.
    let mut path = format!(
        "/{}",
        path.split('/')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("/")
    );
    if !path.ends_with('/') {
        path.push('/');
    }
    Ok((format!("{scheme}://{host}{path}"), path))
}

/// Where the keys of the config text are, for errors found after it parsed: the same
/// positioned tree as front matter, so no line is found by searching the text.
struct Places<'t> {
    text: &'t str,
    table: Table,
    lines: Lines,
}

impl<'t> Places<'t> {
    fn new(path: &Path, text: &'t str) -> Places<'t> {
        Places {
            text,
            // The text parsed as TOML already; a failure here only costs the line numbers.
            table: parse_toml(path, text, 0..text.len()).unwrap_or_default(),
            lines: Lines::new(text),
        }
    }

    /// The line of the key at `path` (table keys; a number indexes a list), or of the deepest
    /// part of it that is written (line 1 if none is).
    fn line(&self, path: &[&str]) -> usize {
        let mut at = None;
        let mut table = Some(&self.table);
        let mut list: Option<&[Node]> = None;
        for step in path {
            let node = if let (Some(items), Ok(i)) = (list, step.parse::<usize>()) {
                let node = items.get(i);
                at = node.map(|n| n.span.start).or(at);
                node
            } else if let Some(entry) = table.and_then(|t| t.get(step)) {
                at = Some(entry.key_span.start);
                Some(&entry.node)
            } else {
                None
            };
            let Some(node) = node else { break };
            (table, list) = match &node.value {
                Value::Table(t) => (Some(t), None),
                Value::List(items) => (None, Some(items.as_slice())),
                _ => (None, None),
            };
        }
        at.map_or(1, |offset| self.lines.at(self.text, offset).0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(Path::new("config.toml"), text)
    }

    #[test]
    fn program_timezone_is_a_zone_name() {
        let base = "title = \"T\"\nbase_url = \"https://x.org\"\n";
        let c = parse(&format!(
            "{base}[program]\ntimezone = \"America/Chicago\"\n"
        ))
        .unwrap();
        assert_eq!(c.program.timezone.as_deref(), Some("America/Chicago"));
        let e = parse(&format!("{base}[program]\ntimezone = \"America/Chicgo\"\n"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("config.toml:4:") && e.contains("\"America/Chicago\""),
            "{e}"
        );
    }

    #[test]
    fn program_and_contact() {
        let base = "title = \"T\"\nbase_url = \"https://x.org\"\n";
        let c = parse(base).unwrap();
        assert_eq!(c.program.year_start, (7, 1));
        assert_eq!(c.program.home, HomeLead::Cases);
        let c = parse(&format!(
            "{base}[program]\nacademic_year_start = \"06-24\"\nhome = \"program\"\n\
             [contact]\nemail = \"a@b.org\"\n[contact.social]\nbluesky = \"https://bsky.app/profile/x\"\n"
        ))
        .unwrap();
        assert_eq!(c.program.year_start, (6, 24));
        assert_eq!(c.program.home, HomeLead::Program);
        assert_eq!(c.contact.email.as_deref(), Some("a@b.org"));
        assert_eq!(c.contact.social.len(), 1);
        assert_eq!(c.program.final_pgy, 5);
        let c = parse(&format!("{base}[program]\nfinal_pgy = 4\n")).unwrap();
        assert_eq!(c.program.final_pgy, 4);
        for bad in ["0", "11", "-1", "\"5\""] {
            let e = parse(&format!("{base}[program]\nfinal_pgy = {bad}\n"))
                .unwrap_err()
                .to_string();
            assert!(
                e.contains("config.toml:4:") && e.contains("final_pgy"),
                "{bad}: {e}"
            );
        }
        for bad in ["13-01", "02-30", "July 1", "7"] {
            let e = parse(&format!(
                "{base}[program]\nacademic_year_start = \"{bad}\"\n"
            ))
            .unwrap_err()
            .to_string();
            assert!(
                e.contains("config.toml:4:") && e.contains("MM-DD"),
                "{bad}: {e}"
            );
        }
        let e = parse(&format!("{base}[contact]\nfax = \"1\"\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("fax"), "{e}");
    }

    #[test]
    fn contact_values_are_checked_with_their_line() {
        let base =
            "title = \"T\"\nbase_url = \"https://x.org\"\n[contact]\naddress = \"1 Main St\"\n";
        let ok = |extra: &str| parse(&format!("{base}{extra}")).unwrap().contact;
        let c = ok(
            "email = \" residency@mail.example.org \"\nphone = \"+1 (555) 010-0199\"\n\
                    [contact.social]\nyoutube = \"https://www.youtube.com/@r\"\n\
                    x = \"https://x.com/r\"\nthreads = \"http://www.threads.net/@r\"\n",
        );
        assert_eq!(c.phone_uri().as_deref(), Some("tel:+15550100199"));
        assert_eq!(
            ok("phone = \"555 0100\"\n").phone_uri().as_deref(),
            Some("tel:5550100")
        );
        // In the order of SOCIAL_NETWORKS, not as written.
        let order: Vec<_> = c
            .social_links()
            .iter()
            .map(|(n, name, _)| (*n, *name))
            .collect();
        assert_eq!(
            order,
            [("x", "X"), ("threads", "Threads"), ("youtube", "YouTube")]
        );
        let bad = |extra: &str| parse(&format!("{base}{extra}")).unwrap_err().to_string();
        for (extra, line, words) in [
            ("email = \"residency\"\n", 5, "not an e-mail address"),
            ("email = \"a@b@c.org\"\n", 5, "not an e-mail address"),
            ("email = \"a b@c.org\"\n", 5, "not an e-mail address"),
            ("email = \"a@localhost\"\n", 5, "not an e-mail address"),
            ("phone = \"call us\"\n", 5, "not a phone number"),
            ("phone = \"12\"\n", 5, "not a phone number"),
            (
                "\n[contact.social]\ntwitter = \"https://x.com/r\"\n",
                7,
                "not a network radcase knows",
            ),
            (
                "[contact.social]\nx = \"https://x.com/r\"\ntiktok = \"https://t.com\"\n",
                7,
                "`tiktok`",
            ),
            (
                "[contact.social]\nx = \"x.com/r\"\n",
                6,
                "must be a web address",
            ),
            (
                "[contact.social]\nbluesky = \"javascript:alert(1)\"\n",
                6,
                "must be a web address",
            ),
            (
                "[contact.social]\nmastodon = \"https://\"\n",
                6,
                "must be a web address",
            ),
        ] {
            let e = bad(extra);
            assert!(
                e.contains(&format!("config.toml:{line}:")) && e.contains(words),
                "{extra}: {e}"
            );
        }
        let e = bad("[contact.social]\ntwiter = \"https://x.com/r\"\n");
        assert!(
            e.contains("x, bluesky, mastodon, threads, linkedin, instagram, facebook, youtube"),
            "{e}"
        );
    }

    #[test]
    fn instants() {
        let t = |s| parse_instant(s).map(|t| t.to_rfc3339());
        assert_eq!(
            t("2027-01-15").as_deref(),
            Some("2027-01-15T00:00:00+00:00")
        );
        assert_eq!(
            t("2027-01-15T09:00:00-05:00").as_deref(),
            Some("2027-01-15T14:00:00+00:00")
        );
        for bad in ["2027-13-01", "15/01/2027", "tomorrow", ""] {
            assert_eq!(t(bad), None, "{bad}");
        }
    }

    #[test]
    fn defaults_apply() {
        let c = parse("title = \"T\"\nbase_url = \"https://x.org\"\n").unwrap();
        assert_eq!(c.language, "en");
        assert_eq!(c.base_url, "https://x.org/");
        assert_eq!(c.base_path, "/");
        let names: Vec<_> = c.taxonomies.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["modality", "system", "level", "tags"]);
    }

    #[test]
    fn repeated_slashes_in_base_url_collapse() {
        let c = parse("title = \"T\"\nbase_url = \"https://x.org//teach//\"\n").unwrap();
        assert_eq!(c.base_path, "/teach/");
        let c = parse("title = \"T\"\nbase_url = \"https://x.org//\"\n").unwrap();
        assert_eq!(c.base_path, "/");
    }

    #[test]
    fn zero_page_size_for_a_taxonomy_is_an_error() {
        let e = parse("title = \"T\"\nbase_url = \"https://x.org\"\n[[taxonomies]]\nname = \"tags\"\npaginate_by = 0\n").unwrap_err();
        assert_eq!(e.0[0].line, Some(5));
    }

    #[test]
    fn base_path_is_kept() {
        let c = parse("title = \"T\"\nbase_url = \"https://x.org/teach\"\n").unwrap();
        assert_eq!(c.base_path, "/teach/");
        assert_eq!(
            c.permalink("/teach/cases/a/"),
            "https://x.org/teach/cases/a/"
        );
    }

    #[test]
    fn unknown_key_names_line_and_suggestion() {
        let err =
            parse("title = \"T\"\nbase_url = \"https://x.org\"\ndescripton = \"d\"\n").unwrap_err();
        let d = &err.0[0];
        assert_eq!(d.line, Some(3));
        assert!(d.message.contains("descripton"), "{}", d.message);
        assert!(d.hint.as_deref().unwrap().contains("`description`"));
    }

    #[test]
    fn bad_base_url_is_rejected() {
        let err = parse("title = \"T\"\nbase_url = \"teaching.org\"\n").unwrap_err();
        assert_eq!(err.0[0].line, Some(2));
    }

    #[test]
    fn image_settings_are_read_and_checked() {
        let c = parse("title = \"T\"\nbase_url = \"https://x.org\"\n[images]\nwidths = [1024]\nformats = [\"jpeg\"]\nquality = 70\n").unwrap();
        assert_eq!(c.images.widths, [1024]);
        assert_eq!(c.images.formats, [Format::Jpeg]);
        assert_eq!(c.images.quality, 70);
        let e = parse("title = \"T\"\nbase_url = \"https://x.org\"\n[images]\nquality = 0\n")
            .unwrap_err();
        assert_eq!(e.0[0].line, Some(4), "the line of the key itself");
        let e =
            parse("title = \"T\"\nbase_url = \"https://x.org\"\n[images]\nformats = [\"avif\"]\n")
                .unwrap_err();
        assert!(e.0[0].message.contains("avif"), "{}", e.0[0].message);
    }

    #[test]
    fn errors_found_after_parsing_name_the_line_of_their_own_entry() {
        let text = "title = \"T\"\nbase_url = \"https://x.org\"\n\n[[taxonomies]]\nname = \"tags\"\npaginate_by = 10\n\n[[taxonomies]]\nname = \"system\"\npaginate_by = 0\n";
        assert_eq!(parse(text).unwrap_err().0[0].line, Some(10));
        let text = "title = \"T\"\nbase_url = \"https://x.org\"\n[[taxonomies]]\nname = \"tags\"\n[[taxonomies]]\nname = \"tags\"\n";
        assert_eq!(
            parse(text).unwrap_err().0[0].line,
            Some(6),
            "the second, clashing one"
        );
        let text = "title = \"T\"\nbase_url = \"https://x.org\"\nimages.quality = 0\n";
        assert_eq!(parse(text).unwrap_err().0[0].line, Some(3));
    }

    #[test]
    fn taxonomy_named_like_a_key_is_rejected() {
        let err = parse(
            "title = \"T\"\nbase_url = \"https://x.org\"\n[[taxonomies]]\nname = \"title\"\n",
        )
        .unwrap_err();
        assert!(err.0[0].message.contains("`title`"));
    }
}
