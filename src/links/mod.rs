//! Links of a built site, checked: every link, image and `#fragment` of every page and feed
//! against the outputs and the ids of the page it names, and (`--external`) other sites'
//! addresses over HTTP. A problem is reported where it was written: the Markdown file (or
//! static HTML file) and its line, else `config.toml` (the menu), else the templates.
//!
//! The site comes in as data (`Built`): which outputs exist, and what each page and feed links
//! to, read by [`read`] while the pages are rendered; nothing here knows the pipeline.

mod cache;
mod external;
mod html;
mod locate;
mod resolve;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

pub use external::{MAX_REDIRECTS, Options as ExternalOptions, Summary as ExternalSummary};
use html::Link;
use resolve::{Resolver, Target};

use crate::diagnostic::{Diagnostic, closest};
use crate::types::{FeedFormat, OutPath};

/// What one document of the output holds for the checker.
#[derive(Debug, Clone)]
pub enum Parsed {
    /// A page: its links and ids.
    Html(html::Page),
    /// A feed: its links.
    Feed(Vec<Link>),
    /// A feed that does not parse.
    BadFeed(String),
}

/// Read one rendered output, if it is a document with links (HTML, or a feed).
pub fn read(path: &OutPath, text: &str, feed: Option<FeedFormat>) -> Option<Parsed> {
    match feed {
        Some(format) => Some(match html::read_feed(text, format) {
            Ok(links) => Parsed::Feed(links),
            Err(e) => Parsed::BadFeed(e),
        }),
        None if path.is_html() => Some(Parsed::Html(html::read_page(text))),
        None => None,
    }
}

/// One document of the built site.
#[derive(Debug, Clone)]
pub struct Doc {
    pub out: OutPath,
    /// The file it was made from, where its links are looked for: a Markdown page or section,
    /// or a static HTML file. `None` for pages made by templates alone (taxonomies, the 404
    /// page, feeds).
    pub origin: Option<PathBuf>,
    pub parsed: Parsed,
}

/// The built site, as the checker sees it.
pub struct Built {
    pub base_url: String,
    /// Every output path, documents or not.
    pub files: Vec<OutPath>,
    pub docs: Vec<Doc>,
    /// Where a link no Markdown file writes may come from (the menu).
    pub config_file: PathBuf,
    /// Where the rest is reported: the site's templates.
    pub templates: PathBuf,
}

/// What a link was found wrong with.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Problem {
    Missing {
        shown: String,
        closest: Option<String>,
    },
    NoId {
        page: String,
        fragment: String,
        closest: Option<String>,
    },
    Outside {
        shown: String,
    },
    Invalid {
        why: String,
    },
    BadFeed {
        why: String,
    },
    External {
        why: String,
    },
    ExternalNoId {
        url: String,
        fragment: String,
    },
    /// A `#fragment` link in text shown on other pages too (a summary on a list page), where
    /// it names a place of that page.
    ForeignFragment {
        fragment: String,
    },
}

/// One link of one document.
#[derive(Debug, Clone)]
struct Occurrence {
    doc: usize,
    link: String,
    /// The document whose source wrote it (for a feed entry's HTML, the entry's page).
    source: usize,
}

/// Where a problem is reported, and the link as written there.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Place {
    file: PathBuf,
    line: Option<usize>,
    written: String,
}

/// What the checks found.
#[derive(Debug, Default)]
pub struct Report {
    pub errors: Vec<Diagnostic>,
    /// Links to the site's own outputs checked, and to how many outputs.
    pub links: usize,
    pub targets: usize,
    pub pages: usize,
    pub feeds: usize,
    /// Other sites' addresses linked.
    pub external_addresses: usize,
    /// The external check, if it ran.
    pub external: Option<ExternalSummary>,
}

pub struct Checker<'b> {
    built: &'b Built,
    resolver: Resolver,
    by_out: HashMap<&'b str, usize>,
    /// Source texts read so far (`None`: unreadable).
    texts: HashMap<PathBuf, Option<String>>,
    /// The nth time a document writes a link, for the nth line that writes it.
    seen: HashMap<(usize, String), usize>,
    /// The addresses of every output (folders for pages), by the folder they are in.
    siblings: HashMap<String, Vec<String>>,
    /// The address (path) of each document, and those of the HTML pages.
    addresses: Vec<String>,
    pages: HashSet<String>,
}

impl<'b> Checker<'b> {
    pub fn new(built: &'b Built) -> Result<Self, Diagnostic> {
        let resolver = Resolver::new(
            &built.base_url,
            built.files.iter().map(|f| f.as_str().to_string()),
        )
        .map_err(|e| Diagnostic::in_file(&built.config_file, e))?;
        let by_out = built
            .docs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.out.as_str(), i))
            .collect();
        let mut siblings: HashMap<String, Vec<String>> = HashMap::new();
        for file in &built.files {
            let address = resolver.address(file).path().to_string();
            let (folder, _) = split_name(&address);
            siblings
                .entry(folder.to_string())
                .or_default()
                .push(address);
        }
        let addresses: Vec<String> = built
            .docs
            .iter()
            .map(|d| resolver.address(&d.out).path().to_string())
            .collect();
        let pages = built
            .docs
            .iter()
            .zip(&addresses)
            .filter(|(d, _)| matches!(d.parsed, Parsed::Html(_)))
            .map(|(_, a)| a.clone())
            .collect();
        Ok(Checker {
            built,
            resolver,
            by_out,
            texts: HashMap::new(),
            seen: HashMap::new(),
            siblings,
            addresses,
            pages,
        })
    }

    /// Check every link; `external` also asks other sites.
    pub fn check(mut self, external: Option<&ExternalOptions>) -> Report {
        let built = self.built;
        let mut report = Report::default();
        let mut problems: Vec<(Occurrence, Problem)> = Vec::new();
        let mut targets = BTreeSet::new();
        // Other sites' addresses → the fragments asked of them, and who links them (with
        // which fragment).
        type Linked = Vec<(Occurrence, Option<String>)>;
        let mut outside: BTreeMap<String, (url::Url, BTreeSet<String>, Linked)> = BTreeMap::new();
        for (d, doc) in built.docs.iter().enumerate() {
            let here = self.resolver.address(&doc.out);
            let links: &[Link] = match &doc.parsed {
                Parsed::Html(page) => {
                    report.pages += 1;
                    &page.links
                }
                Parsed::Feed(links) => {
                    report.feeds += 1;
                    links
                }
                Parsed::BadFeed(why) => {
                    let occ = Occurrence {
                        doc: d,
                        link: String::new(),
                        source: d,
                    };
                    problems.push((occ, Problem::BadFeed { why: why.clone() }));
                    continue;
                }
            };
            for link in links {
                let (from, source) = match &link.entry {
                    Some(entry) => {
                        let from = here.join(entry).unwrap_or_else(|_| here.clone());
                        let source = self
                            .resolver
                            .output_of(from.as_str())
                            .and_then(|out| self.by_out.get(out.as_str()).copied())
                            .unwrap_or(d);
                        (from, source)
                    }
                    None => (here.clone(), d),
                };
                let occ = Occurrence {
                    doc: d,
                    link: link.url.clone(),
                    source,
                };
                match self.resolver.resolve(&from, &link.url) {
                    Target::Skip => {}
                    Target::File { out, fragment } => {
                        report.links += 1;
                        if let Some(problem) = self.fragment_problem(&out, fragment.as_deref()) {
                            problems.push((occ, problem));
                        }
                        targets.insert(out);
                    }
                    Target::Missing { shown } => {
                        report.links += 1;
                        let closest = self.closest_sibling(&shown);
                        problems.push((occ, Problem::Missing { shown, closest }));
                    }
                    Target::Outside { shown } => problems.push((occ, Problem::Outside { shown })),
                    Target::Invalid { why } => problems.push((occ, Problem::Invalid { why })),
                    Target::External { url, fragment } => {
                        // A feed entry's HTML is its page's, links made absolute: the page's
                        // own links are checked (and a rooted one outside the base path,
                        // absolute here, is not another site).
                        if link.entry.is_some() || is_share_link(&url, &here) {
                            continue;
                        }
                        let slot = outside
                            .entry(url.to_string())
                            .or_insert_with(|| (url, BTreeSet::new(), Vec::new()));
                        slot.1.extend(fragment.clone());
                        slot.2.push((occ, fragment));
                    }
                }
            }
        }
        report.targets = targets.len();
        report.external_addresses = outside.len();
        if let Some(options) = external {
            let list: Vec<external::Target> = outside
                .values()
                .map(|(url, fragments, _)| external::Target {
                    url: url.clone(),
                    fragments: fragments.clone(),
                })
                .collect();
            let (verdicts, summary) = external::check(&list, options);
            for ((address, (_, _, occurrences)), verdict) in outside.into_iter().zip(verdicts) {
                for (occ, fragment) in occurrences {
                    let problem = match &verdict {
                        external::Verdict::Ok => continue,
                        external::Verdict::Failed(why) => Problem::External { why: why.clone() },
                        external::Verdict::NoFragments(missing) => match fragment {
                            Some(f) if missing.contains(&f) => Problem::ExternalNoId {
                                url: address.clone(),
                                fragment: f,
                            },
                            _ => continue,
                        },
                    };
                    problems.push((occ, problem));
                }
            }
            report.external = Some(summary);
        }
        report.errors = self.report(problems);
        report
    }

    /// What is wrong with `#fragment` on the output `out`, if anything. Fragments are looked
    /// for in pages only (a PDF's `#page=2` is the viewer's business).
    fn fragment_problem(&self, out: &str, fragment: Option<&str>) -> Option<Problem> {
        let fragment = fragment?;
        let &target = self.by_out.get(out)?;
        let Parsed::Html(page) = &self.built.docs[target].parsed else {
            return None;
        };
        if page.ids.contains(fragment) || fragment.eq_ignore_ascii_case("top") {
            return None;
        }
        let closest = closest(fragment, page.ids.iter().map(String::as_str)).map(str::to_string);
        Some(Problem::NoId {
            page: self.addresses[target].clone(),
            fragment: fragment.to_string(),
            closest,
        })
    }

    /// The address beside `shown` (in the same folder) whose name is a typo away from its
    /// name, for a "did you mean" hint.
    fn closest_sibling(&self, shown: &str) -> Option<String> {
        let (folder, name) = split_name(shown);
        let name = percent_decode(name);
        let siblings = self.siblings.get(folder)?;
        siblings
            .iter()
            .map(|s| {
                (
                    strsim::levenshtein(&name, &percent_decode(split_name(s).1)),
                    s,
                )
            })
            .filter(|(d, _)| *d <= (name.chars().count() / 4).max(1))
            .min()
            .map(|(_, s)| s.clone())
    }

    /// One error per problem and place, naming the pages it is on when they are not just the
    /// page of the file it is reported in.
    fn report(&mut self, problems: Vec<(Occurrence, Problem)>) -> Vec<Diagnostic> {
        // Place every occurrence; one not found in its own source joins a found occurrence
        // of the same link and problem (a page's summary on a list page), else is looked for
        // in config.toml and every other source.
        let mut placed: Vec<(Option<Place>, Occurrence, Problem)> = problems
            .into_iter()
            .map(|(occ, problem)| {
                let own = self.built.docs[occ.source].origin.clone();
                let place = own.and_then(|file| self.place_in(&file, &occ));
                (place, occ, problem)
            })
            .collect();
        let known: HashMap<(String, Problem), Place> = placed
            .iter()
            .filter_map(|(p, o, pr)| p.clone().map(|p| ((o.link.clone(), pr.clone()), p)))
            .collect();
        let mut sources: Vec<PathBuf> = vec![self.built.config_file.clone()];
        let mut origins: Vec<PathBuf> = self
            .built
            .docs
            .iter()
            .filter_map(|d| d.origin.clone())
            .collect();
        origins.sort();
        origins.dedup();
        sources.extend(origins);
        for (place, occ, problem) in &mut placed {
            if place.is_some() {
                continue;
            }
            *place = known
                .get(&(occ.link.clone(), problem.clone()))
                .cloned()
                .or_else(|| {
                    sources.iter().find_map(|file| {
                        self.place_in(
                            file,
                            &Occurrence {
                                doc: usize::MAX,
                                ..occ.clone()
                            },
                        )
                    })
                });
        }
        let mut groups: BTreeMap<(Place, Problem), BTreeSet<String>> = BTreeMap::new();
        for (place, occ, problem) in placed {
            let place = place.unwrap_or_else(|| Place {
                file: self.built.templates.clone(),
                line: None,
                written: occ.link.clone(),
            });
            let page = self.addresses[occ.doc].clone();
            // A fragment alone, written in a page but broken on another page that shows its
            // text: one problem, however many list pages show it.
            let problem = match problem {
                Problem::NoId {
                    fragment,
                    page: target,
                    ..
                } if place.written.starts_with('#')
                    && !self.pages_of(&place.file).contains(&target) =>
                {
                    Problem::ForeignFragment { fragment }
                }
                other => other,
            };
            groups.entry((place, problem)).or_default().insert(page);
        }
        groups
            .into_iter()
            .map(|((place, problem), pages)| self.diagnostic(place, &problem, &pages))
            .collect()
    }

    /// How a page links the page made from `file`: `@/cases/a/index.md` for a Markdown file.
    fn source_link(&self, file: &Path) -> String {
        let content = self
            .built
            .config_file
            .parent()
            .map(|site| site.join("content"))
            .unwrap_or_default();
        match file.strip_prefix(&content) {
            Ok(rel) if file.extension().is_some_and(|e| e == "md") => {
                format!("@/{}", crate::types::slash_path(rel))
            }
            _ => self.pages_of(file).into_iter().next().unwrap_or_default(),
        }
    }

    /// Whether the address is an HTML page's (not a feed's).
    fn is_page(&self, address: &str) -> bool {
        self.pages.contains(address)
    }

    /// The addresses of the documents made from `file`.
    fn pages_of(&self, file: &Path) -> BTreeSet<String> {
        self.built
            .docs
            .iter()
            .zip(&self.addresses)
            .filter(|(d, _)| d.origin.as_deref() == Some(file))
            .map(|(_, a)| a.clone())
            .collect()
    }

    /// Where `file` writes the link of `occ` (its nth line for the nth time a document writes
    /// it; `occ.doc == usize::MAX` asks for the first).
    fn place_in(&mut self, file: &Path, occ: &Occurrence) -> Option<Place> {
        let text = self
            .texts
            .entry(file.to_path_buf())
            .or_insert_with(|| std::fs::read_to_string(file).ok())
            .as_deref()?;
        let page = self.addresses[occ.source].clone();
        let candidates = locate::candidates(
            &occ.link,
            &page,
            &self.resolver.origin(),
            self.resolver.base_path(),
        );
        let (written, lines) = locate::lines(text, &candidates)?;
        let last = *lines.last()?;
        let nth = if occ.doc == usize::MAX {
            0
        } else {
            let n = self.seen.entry((occ.doc, occ.link.clone())).or_insert(0);
            *n += 1;
            *n - 1
        };
        Some(Place {
            file: file.to_path_buf(),
            line: Some(lines.get(nth).copied().unwrap_or(last)),
            written: written.to_string(),
        })
    }

    fn diagnostic(&self, place: Place, problem: &Problem, pages: &BTreeSet<String>) -> Diagnostic {
        let link = place.written.as_str();
        // Name the pages it is on, unless it is only the page of the file it is reported in
        // (and that page's feeds, which carry its text).
        let html: Vec<&str> = pages
            .iter()
            .filter(|p| self.is_page(p))
            .map(String::as_str)
            .collect();
        let own = self.pages_of(&place.file);
        let shown: Vec<&str> = if html.is_empty() {
            pages.iter().map(String::as_str).collect()
        } else {
            html
        };
        let on = if shown.iter().all(|p| own.contains(*p)) {
            String::new()
        } else {
            format!(" (on {})", list(shown.iter(), 3))
        };
        let fix = if place.file == self.built.templates {
            "fix the link in the template that makes these pages"
        } else if place.file == self.built.config_file {
            "fix the `url` of this [[menu]] entry: a path from the site's root, such as /cases/, or a full URL"
        } else if place.file.extension().is_some_and(|e| e == "md") {
            "link a page by its source file (@/cases/NAME/index.md: the build checks those), and an image or file by its name in the page's folder or its path under static/"
        } else {
            "fix the link, or add what it names to the site"
        };
        let (message, hint) = match problem {
            Problem::Missing { shown, closest } => (
                format!("broken link `{link}`: nothing is published at {shown}{on}"),
                match closest {
                    Some(c) => format!("did you mean {c}? {fix}"),
                    None => fix.to_string(),
                },
            ),
            Problem::NoId {
                page,
                fragment,
                closest,
            } => (
                format!("broken link `{link}`: {page} has no element with id `{fragment}`{on}"),
                format!(
                    "{}a heading's id is made from its text (`## Clinical history` → #clinical-history), or set with `## Title {{#id}}`",
                    closest
                        .as_ref()
                        .map(|c| format!("did you mean #{c}? "))
                        .unwrap_or_default()
                ),
            ),
            Problem::Outside { shown } => (
                format!(
                    "broken link `{link}`: it leads to {shown}, outside the site (published under {}){on}",
                    self.resolver.base_path()
                ),
                format!(
                    "write the address from the site's root, starting with {}, or a full URL for another site on the same host",
                    self.resolver.base_path()
                ),
            ),
            Problem::Invalid { why } => (
                format!("broken link `{link}`: not a valid address ({why}){on}"),
                "percent-encode spaces and special characters, e.g. my%20file.pdf".to_string(),
            ),
            Problem::BadFeed { why } => (
                format!("this feed does not parse: {why}"),
                "report this: radcase wrote a feed it cannot read".to_string(),
            ),
            Problem::External { why } => (
                format!("external link {link}: {why}{on}"),
                "open it in a browser; if it works there, run again with --refresh (answers are kept for a day, failures for an hour), else update or remove the link".to_string(),
            ),
            Problem::ExternalNoId { url, fragment } => (
                format!("external link {link}: {url} has no element with id `{fragment}`{on}"),
                "link the page without the fragment, or to an id the page has (a place a script makes cannot be seen without a browser)".to_string(),
            ),
            Problem::ForeignFragment { fragment } => (
                format!(
                    "broken link `{link}`: this text is shown on other pages too{on}, which have no element with id `{fragment}`"
                ),
                format!(
                    "put the page's own address before the fragment, {}#{fragment}, so it leads to the page from anywhere",
                    self.source_link(&place.file)
                ),
            ),
        };
        let mut d = Diagnostic::in_file(&place.file, message).with_hint(hint);
        if let Some(line) = place.line {
            d = d.at_line(line);
        }
        d
    }
}

/// A link whose query carries the page's own address is a share button (`?url=…`): it only
/// means something when a reader follows it, so it is not fetched.
fn is_share_link(url: &url::Url, page: &url::Url) -> bool {
    let own = page.as_str();
    url.query_pairs().any(|(_, v)| v.contains(own))
}

/// `/a/b/` → (`/a/`, `b/`); `/a/x.png` → (`/a/`, `x.png`).
fn split_name(address: &str) -> (&str, &str) {
    let trimmed = address.strip_suffix('/').unwrap_or(address);
    match trimmed.rfind('/') {
        Some(i) => address.split_at(i + 1),
        None => ("", address),
    }
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// `a, b, c and 2 more`.
fn list<S: AsRef<str>>(items: impl Iterator<Item = S>, most: usize) -> String {
    let items: Vec<S> = items.collect();
    let shown: Vec<&str> = items.iter().take(most).map(AsRef::as_ref).collect();
    match items.len().saturating_sub(most) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_buttons_are_recognised_by_the_page_address_they_carry() {
        let page = url::Url::parse("https://x.org/cases/a/").unwrap();
        let share = |u: &str| is_share_link(&url::Url::parse(u).unwrap(), &page);
        assert!(share(
            "https://x.com/intent/post?url=https%3A%2F%2Fx.org%2Fcases%2Fa%2F&text=A"
        ));
        assert!(share(
            "https://bsky.app/intent/compose?text=A%20https%3A%2F%2Fx.org%2Fcases%2Fa%2F"
        ));
        assert!(!share("https://doi.org/10.1148/radiol.2019"));
        assert!(!share(
            "https://x.com/intent/post?url=https%3A%2F%2Fx.org%2Fcases%2Fb%2F"
        ));
    }

    #[test]
    fn lists_are_cut_short() {
        assert_eq!(list(["a", "b"].into_iter(), 3), "a, b");
        assert_eq!(
            list(["a", "b", "c", "d", "e"].into_iter(), 3),
            "a, b, c and 2 more"
        );
    }
}
