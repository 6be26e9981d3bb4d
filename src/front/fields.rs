//! Typed values of a front matter tree, read and checked against the key table
//! ([`super::keys`]). Every problem is collected with its line; reading goes on past a bad
//! key, so one run reports every mistake in a file.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use serde_json::{Map, Value as Json};

use super::Document;
use super::keys::{self, ACK_FIELDS, IMAGE_FIELDS, Key, Kind, STACK_FIELDS, SortBy, Type};
use super::person::{self, Network, ProfileLink, Role};
use super::questions::{Question, ReadQuestions, Report};
use super::split::Format;
use super::tree::{Entry, Node, Value};
use super::when::{self, Deadline, When};
use crate::diagnostic::{Diagnostic, closest};
use crate::types::{NamedWindow, Window};

/// Which kind of file the front matter is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A page (`foo.md`, `foo/index.md`).
    Page,
    /// A section (`_index.md`).
    Section,
}

/// An entry of `images` or `stacks`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MediaRef {
    /// `file` of an image, `dir` of a stack.
    pub file: String,
    pub alt: String,
    pub caption: Option<String>,
    /// Stacks only: the windows a DICOM stack is published in, the default first (empty: the
    /// case's `window`).
    #[serde(skip)]
    pub windows: Vec<NamedWindow>,
    /// Images only: the rectangles of `redact`, as written.
    #[serde(skip)]
    pub redact: Vec<RedactRect>,
    /// Images only: the point a cropped thumbnail keeps (`focus`), as fractions of the width
    /// from the left and of the height from the top; None: the thumbnail shows all of it.
    #[serde(skip)]
    pub focus: Option<(f64, f64)>,
    /// The line of this entry in the file.
    #[serde(skip)]
    pub line: usize,
}

/// One rectangle of an image entry's `redact = [[x, y, width, height], …]`, as written. Whether
/// it lies inside the image is known only once the image's size is (`content::bundle`), so every
/// problem, of shape too, is reported there, with that size in the hint.
#[derive(Debug, Clone, PartialEq)]
pub struct RedactRect {
    /// 1-based position in `redact`; 0 for a problem with `redact` as a whole.
    pub number: usize,
    /// The line of the rectangle (of `redact` for a problem with all of it).
    pub line: usize,
    /// `[x, y, width, height]`, or what is wrong with what was written.
    pub values: Result<[i64; 4], String>,
}

/// One `[[privacy.acknowledge]]` entry, checked for shape (its rule name is the guard's to
/// check).
#[derive(Debug, Clone, PartialEq)]
pub struct AckEntry {
    /// 1-based position among the file's acknowledgements.
    pub number: usize,
    pub line: usize,
    pub rule: String,
    pub text: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Typed {
    Text(String),
    List(Vec<String>),
    Bool(bool),
    Int(i64),
    Date(DateTime<FixedOffset>),
    Kind(Kind),
    SortBy(SortBy),
    Table(Map<String, Json>),
    Media(Vec<MediaRef>),
    Window(Window),
    Acks(Vec<AckEntry>),
    Role(Role),
    Focus((f64, f64)),
    Links(Vec<ProfileLink>),
    When(When),
    Zone(chrono_tz::Tz),
    Deadline(Deadline),
    Days(Vec<u32>),
    Questions(Vec<Question>),
}

/// The typed front matter of one file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields {
    values: HashMap<&'static str, (Typed, usize)>,
    /// Taxonomy name → terms, for every taxonomy of the site (empty lists included).
    taxonomies: BTreeMap<String, Vec<String>>,
    /// Every known key written, with its line, in file order.
    written: Vec<(&'static Key, usize)>,
}

static EMPTY_MAP: std::sync::LazyLock<Map<String, Json>> = std::sync::LazyLock::new(Map::new);

impl Fields {
    fn get(&self, key: &Key) -> Option<&Typed> {
        self.values.get(key.name).map(|(v, _)| v)
    }

    pub fn text(&self, key: &Key) -> Option<&str> {
        debug_assert!(matches!(key.ty, Type::Text | Type::Sex | Type::Age));
        match self.get(key) {
            Some(Typed::Text(s)) => Some(s),
            _ => None,
        }
    }

    pub fn list(&self, key: &Key) -> &[String] {
        debug_assert_eq!(key.ty, Type::TextList);
        match self.get(key) {
            Some(Typed::List(l)) => l,
            _ => &[],
        }
    }

    pub fn flag(&self, key: &Key) -> bool {
        debug_assert_eq!(key.ty, Type::Bool);
        matches!(self.get(key), Some(Typed::Bool(true)))
    }

    pub fn int(&self, key: &Key) -> Option<i64> {
        match self.get(key) {
            Some(Typed::Int(n)) => Some(*n),
            _ => None,
        }
    }

    pub fn count(&self, key: &Key) -> Option<usize> {
        debug_assert_eq!(key.ty, Type::Count);
        self.int(key).and_then(|n| usize::try_from(n).ok())
    }

    pub fn date(&self, key: &Key) -> Option<DateTime<FixedOffset>> {
        debug_assert_eq!(key.ty, Type::Date);
        match self.get(key) {
            Some(Typed::Date(d)) => Some(*d),
            _ => None,
        }
    }

    pub fn kind(&self, key: &Key) -> Option<Kind> {
        match self.get(key) {
            Some(Typed::Kind(k)) => Some(*k),
            _ => None,
        }
    }

    pub fn sort_by(&self) -> SortBy {
        match self.get(keys::SORT_BY) {
            Some(Typed::SortBy(s)) => *s,
            _ => SortBy::default(),
        }
    }

    pub fn table(&self, key: &Key) -> &Map<String, Json> {
        match self.get(key) {
            Some(Typed::Table(t)) => t,
            _ => &EMPTY_MAP,
        }
    }

    pub fn media(&self, key: &Key) -> &[MediaRef] {
        match self.get(key) {
            Some(Typed::Media(m)) => m,
            _ => &[],
        }
    }

    pub fn window(&self, key: &Key) -> Option<Window> {
        match self.get(key) {
            Some(Typed::Window(w)) => Some(*w),
            _ => None,
        }
    }

    /// A person's `role`.
    pub fn role(&self) -> Option<Role> {
        match self.get(keys::ROLE) {
            Some(Typed::Role(r)) => Some(*r),
            _ => None,
        }
    }

    /// `photo_focus`, in fractions (0–1) of the photo's width and height.
    pub fn focus(&self) -> Option<(f64, f64)> {
        match self.get(keys::PHOTO_FOCUS) {
            Some(Typed::Focus(f)) => Some(*f),
            _ => None,
        }
    }

    /// A person's `links`, checked, in the order written.
    pub fn links(&self) -> &[ProfileLink] {
        match self.get(keys::LINKS) {
            Some(Typed::Links(l)) => l,
            _ => &[],
        }
    }

    pub fn when(&self, key: &Key) -> Option<When> {
        debug_assert_eq!(key.ty, Type::When);
        match self.get(key) {
            Some(Typed::When(w)) => Some(*w),
            _ => None,
        }
    }

    pub fn zone(&self, key: &Key) -> Option<chrono_tz::Tz> {
        match self.get(key) {
            Some(Typed::Zone(z)) => Some(*z),
            _ => None,
        }
    }

    /// An `http(s)://` address (`Type::Url`).
    pub fn url(&self, key: &Key) -> Option<&str> {
        debug_assert_eq!(key.ty, Type::Url);
        match self.get(key) {
            Some(Typed::Text(s)) => Some(s),
            _ => None,
        }
    }

    pub fn deadline(&self) -> Option<Deadline> {
        match self.get(keys::DEADLINE) {
            Some(Typed::Deadline(d)) => Some(*d),
            _ => None,
        }
    }

    pub fn days(&self, key: &Key) -> &[u32] {
        match self.get(key) {
            Some(Typed::Days(d)) => d,
            _ => &[],
        }
    }

    /// A case's `[[questions]]`, checked.
    pub fn questions(&self) -> &[Question] {
        match self.get(keys::QUESTIONS) {
            Some(Typed::Questions(q)) => q,
            _ => &[],
        }
    }

    pub fn acknowledgements(&self) -> &[AckEntry] {
        match self.get(keys::PRIVACY) {
            Some(Typed::Acks(a)) => a,
            _ => &[],
        }
    }

    /// The line `key` is written on, if it is written.
    pub fn line(&self, key: &Key) -> Option<usize> {
        self.written
            .iter()
            .find(|(k, _)| k.name == key.name)
            .map(|(_, l)| *l)
    }

    /// The terms of `taxonomy` (empty when none are written).
    pub fn terms(&self, taxonomy: &str) -> &[String] {
        self.taxonomies.get(taxonomy).map_or(&[], Vec::as_slice)
    }

    pub fn taxonomies(&self) -> &BTreeMap<String, Vec<String>> {
        &self.taxonomies
    }

    /// The keys written that a page of `kind` does not show, with their lines.
    pub fn not_shown_by(&self, kind: Kind) -> impl Iterator<Item = (&'static Key, usize)> + '_ {
        self.written
            .iter()
            .filter(move |(k, _)| k.place.on_pages() && !k.place.shown_by(kind))
            .copied()
    }
}

/// Read the typed fields of `doc`, a file of `scope`, on a site with the taxonomies
/// `taxonomies`. Returns what could be read, and every problem.
pub fn read(doc: &Document, scope: Scope, taxonomies: &[&str]) -> (Fields, Vec<Diagnostic>) {
    let mut r = Reader {
        doc,
        errors: Vec::new(),
    };
    let mut fields = Fields {
        taxonomies: match scope {
            Scope::Page => taxonomies
                .iter()
                .map(|t| (t.to_string(), Vec::new()))
                .collect(),
            Scope::Section => BTreeMap::new(),
        },
        ..Fields::default()
    };
    for entry in &doc.tree.entries {
        let line = r.line(entry.key_span.start);
        let key = keys::get(&entry.key);
        match key {
            Some(key) if placed(key, scope) => {
                fields.written.push((key, line));
                if let Some(value) = r.typed(key, entry) {
                    fields.values.insert(key.name, (value, line));
                }
                if key == keys::TEACHING_POINTS || key == keys::REFERENCES {
                    r.refused_links(entry);
                }
            }
            Some(key) => r.misplaced(key, scope, line),
            None if scope == Scope::Page && taxonomies.contains(&entry.key.as_str()) => {
                if let Some(terms) = r.text_list(entry) {
                    if entry.key == keys::LEVEL {
                        r.levels(entry, &terms);
                    }
                    fields.taxonomies.insert(entry.key.clone(), terms);
                }
            }
            None => r.unknown(&entry.key, scope, taxonomies, line),
        }
    }
    if scope == Scope::Page
        && fields.text(keys::TITLE).is_none_or(|t| t.trim().is_empty())
        && r.errors.is_empty()
    {
        r.errors.push(
            Diagnostic::in_file(&doc.path, "the page has no title")
                .at_line(doc.front_line())
                .with_hint("add title = \"…\" to the front matter"),
        );
    }
    (fields, r.errors)
}

fn placed(key: &Key, scope: Scope) -> bool {
    match scope {
        Scope::Page => key.place.on_pages(),
        Scope::Section => key.place.section,
    }
}

struct Reader<'d> {
    doc: &'d Document,
    errors: Vec<Diagnostic>,
}

impl Report for Reader<'_> {
    fn shown(&self, node: &Node) -> String {
        Reader::shown(self, node)
    }
    fn assign(&self, key: &str, value: &str) -> String {
        Reader::assign(self, key, value)
    }
    fn line(&self, offset: usize) -> usize {
        Reader::line(self, offset)
    }
    fn not_text(&mut self, what: &str, key: &str, node: &Node, at: usize) {
        Reader::not_text(self, what, key, node, at)
    }
    fn error_at(&mut self, offset: usize, message: String, hint: impl Into<String>) {
        Reader::error_at(self, offset, message, hint)
    }
}

impl Reader<'_> {
    fn path(&self) -> &Path {
        &self.doc.path
    }

    fn line(&self, offset: usize) -> usize {
        self.doc.line_col(offset).0
    }

    /// What `node` is, for a message: numbers as they are written (a number too large for
    /// 64 bits, or `1e400`, would read back as something else).
    fn shown(&self, node: &Node) -> String {
        let written = self
            .doc
            .text
            .get(node.span.clone())
            .map(str::trim)
            .filter(|w| !w.is_empty());
        match (&node.value, written) {
            (Value::Int(_) | Value::Float(_) | Value::BigInt(_), Some(w)) => {
                format!("the number {w}")
            }
            (v, _) => v.describe(),
        }
    }

    /// `key = value` in the file's own syntax (TOML or YAML), for hints.
    fn assign(&self, key: &str, value: &str) -> String {
        match self.doc.split.format {
            Format::Toml => format!("{key} = {value}"),
            Format::Yaml => format!("{key}: {value}"),
        }
    }

    /// A value written without quotes that was meant as text: the same value in quotes.
    fn quoted(&self, node: &Node) -> String {
        let written = self.doc.text.get(node.span.clone()).map(str::trim);
        match (&node.value, written) {
            (
                Value::Int(_)
                | Value::Float(_)
                | Value::BigInt(_)
                | Value::Bool(_)
                | Value::Date(_),
                Some(w),
            ) if !w.is_empty() && !w.contains('"') => format!("\"{w}\""),
            _ => "\"…\"".to_string(),
        }
    }

    /// `what` (a key, or an entry of one) must be text: the error when `node` is not.
    fn not_text(&mut self, what: &str, key: &str, node: &Node, at: usize) {
        let message = format!("{what} must be text, not {}", self.shown(node));
        let hint = format!(
            "write it in quotes: {}",
            self.assign(key, &self.quoted(node))
        );
        self.error_at(at, message, hint);
    }

    fn error_at(&mut self, offset: usize, message: String, hint: impl Into<String>) {
        let d = Diagnostic::in_file(self.path(), message)
            .at_line(self.line(offset))
            .with_hint(hint);
        self.errors.push(d);
    }

    fn unknown(&mut self, name: &str, scope: Scope, taxonomies: &[&str], line: usize) {
        let known: Vec<&str> = keys::ALL
            .iter()
            .filter(|k| placed(k, scope))
            .map(|k| k.name)
            .chain(taxonomies.iter().copied().filter(|_| scope == Scope::Page))
            .collect();
        let hint = match closest(name, known.iter().copied()) {
            // Not dropped, and not taken for `[extra]`: a box meant to hide a label must land.
            _ if name == "redact" => "`redact` belongs to an image entry: images = [{ file = \"ct.png\", alt = \"…\", redact = [[x, y, width, height]] }]".to_string(),
            Some(best) => format!("did you mean `{best}`? Custom values go under [extra]"),
            None => {
                "custom values go under [extra]; known keys are listed in the README".to_string()
            }
        };
        self.errors.push(
            Diagnostic::in_file(self.path(), format!("unknown front matter key `{name}`"))
                .at_line(line)
                .with_hint(hint),
        );
    }

    fn misplaced(&mut self, key: &Key, scope: Scope, line: usize) {
        let (message, hint) = match scope {
            Scope::Page => (
                format!("`{}` is a section key, not a page key", key.name),
                "move it to the front matter of the section's _index.md".to_string(),
            ),
            Scope::Section => (
                format!("`{}` is a page key, not a section key", key.name),
                format!(
                    "set it on the pages themselves; a section takes {}",
                    keys::ALL
                        .iter()
                        .filter(|k| k.place.section)
                        .map(|k| k.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        };
        self.errors.push(
            Diagnostic::in_file(self.path(), message)
                .at_line(line)
                .with_hint(hint),
        );
    }

    /// The value of `entry` as `key` says it must be. `None` (after reporting) when it is not,
    /// and for an empty YAML value (`key:` with nothing after it), which is no value.
    fn typed(&mut self, key: &Key, entry: &Entry) -> Option<Typed> {
        if entry.node.value == Value::Null {
            return None;
        }
        Some(match key.ty {
            Type::Text => Typed::Text(self.text(entry)?),
            Type::TextList => Typed::List(self.text_list(entry)?),
            Type::Bool => Typed::Bool(self.bool(entry)?),
            Type::Int => Typed::Int(self.int(entry)?),
            Type::Count => Typed::Int(self.count(entry)?),
            Type::Date => Typed::Date(self.date(entry)?),
            Type::Kind => Typed::Kind(self.kind(entry)?),
            Type::SortBy => Typed::SortBy(self.sort_by(entry)?),
            Type::Sex => Typed::Text(self.sex(entry)?),
            Type::Age => Typed::Text(self.age(entry)?),
            Type::Table => Typed::Table(self.table(entry)?),
            Type::Images => Typed::Media(self.media_list(entry, false)),
            Type::Stacks => Typed::Media(self.media_list(entry, true)),
            Type::Window => Typed::Window(self.window(entry)?),
            Type::Acknowledgements => Typed::Acks(self.acknowledgements(entry)),
            Type::Role => Typed::Role(self.role(entry)?),
            Type::Year => Typed::Int(self.year(entry)?),
            Type::Focus => Typed::Focus(self.focus(entry)?),
            Type::Links => Typed::Links(self.links(entry)?),
            Type::When => Typed::When(self.when(entry)?),
            Type::Zone => Typed::Zone(self.zone(entry)?),
            Type::Url => Typed::Text(self.url(entry)?),
            Type::Deadline => Typed::Deadline(self.deadline(entry)?),
            Type::Days => Typed::Days(self.days(entry)?),
            Type::Questions => Typed::Questions(self.questions(entry)),
        })
    }

    /// Text only: a number, a date or a boolean where text is expected is an error, not
    /// text made of it (`title = 123` is more often a slip than a title).
    fn text(&mut self, e: &Entry) -> Option<String> {
        match &e.node.value {
            Value::Str(s) => Some(s.clone()),
            _ => {
                self.not_text(&format!("`{}`", e.key), &e.key, &e.node, e.key_span.start);
                None
            }
        }
    }

    /// `level` names who a case is for, from a fixed list: a typo would make a term of its own.
    fn levels(&mut self, e: &Entry, terms: &[String]) {
        let items: Vec<&Node> = match &e.node.value {
            Value::List(items) => items.iter().collect(),
            _ => vec![&e.node],
        };
        for (term, node) in terms.iter().zip(items) {
            if keys::LEVELS.contains(&term.as_str()) {
                continue;
            }
            let lower = term.trim().to_lowercase();
            let hint = match keys::LEVELS.iter().find(|l| lower.starts_with(&l[..3])) {
                Some(l) => format!(
                    "did you mean \"{l}\"? Write {}",
                    self.assign(keys::LEVEL, &format!("\"{l}\""))
                ),
                None => format!(
                    "write one of \"student\", \"resident\" or \"fellow\", e.g. {}",
                    self.assign(keys::LEVEL, "\"resident\"")
                ),
            };
            let message =
                format!("`level` must be \"student\", \"resident\" or \"fellow\", not \"{term}\"");
            self.error_at(node.span.start, message, hint);
        }
    }

    fn text_list(&mut self, e: &Entry) -> Option<Vec<String>> {
        let key = &e.key;
        match &e.node.value {
            Value::Str(s) => Some(vec![s.clone()]),
            Value::List(items) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match &item.value {
                        Value::Str(s) => out.push(s.clone()),
                        _ => {
                            let hint = format!(
                                "write every entry in quotes: {}",
                                self.assign(key, &format!("[\"first\", {}]", self.quoted(item)))
                            );
                            let message = format!(
                                "entry {} of `{key}` must be text, not {}",
                                i + 1,
                                self.shown(item)
                            );
                            self.error_at(item.span.start, message, hint);
                        }
                    }
                }
                (out.len() == items.len()).then_some(out)
            }
            _ => {
                let message = format!(
                    "`{key}` must be a list of text values, not {}",
                    self.shown(&e.node)
                );
                let hint = format!(
                    "write it as {}",
                    self.assign(key, "[\"first\", \"second\"]")
                );
                self.error_at(e.key_span.start, message, hint);
                None
            }
        }
    }

    /// The entries of a list rendered as Markdown (teaching points, references) link to no
    /// `javascript:` or `data:` address.
    fn refused_links(&mut self, e: &Entry) {
        let items: Vec<&Node> = match &e.node.value {
            Value::List(items) => items.iter().collect(),
            _ => vec![&e.node],
        };
        for (i, item) in items.into_iter().enumerate() {
            let Value::Str(text) = &item.value else {
                continue;
            };
            for target in crate::markdown::refused_links(text) {
                let r = crate::markdown::Refused {
                    target,
                    line: 1,
                    in_html: false,
                };
                let message = format!("entry {} of `{}`: {}", i + 1, e.key, r.message());
                self.error_at(item.span.start, message, crate::markdown::Refused::hint());
            }
        }
    }

    fn bool(&mut self, e: &Entry) -> Option<bool> {
        let key = &e.key;
        match &e.node.value {
            Value::Bool(b) => Some(*b),
            _ => {
                let message = format!("`{key}` must be true or false, not {}", self.shown(&e.node));
                let hint = format!(
                    "write {} or {} (no quotes)",
                    self.assign(key, "true"),
                    self.assign(key, "false")
                );
                self.error_at(e.key_span.start, message, hint);
                None
            }
        }
    }

    fn int(&mut self, e: &Entry) -> Option<i64> {
        let key = &e.key;
        let example = self.assign(key, "10");
        match &e.node.value {
            Value::Int(n) => Some(*n),
            Value::BigInt(_) => {
                let message = format!("`{key}` is too large: {}", self.shown(&e.node));
                let hint = format!(
                    "use a whole number from {} to {}, e.g. {example}",
                    i64::MIN,
                    i64::MAX
                );
                self.error_at(e.key_span.start, message, hint);
                None
            }
            Value::Str(s) if s.trim().parse::<i64>().is_ok() => {
                let message = format!("`{key}` must be a whole number, not the text \"{s}\"");
                let hint = format!("write it without quotes: {}", self.assign(key, s.trim()));
                self.error_at(e.key_span.start, message, hint);
                None
            }
            _ => {
                let message = format!(
                    "`{key}` must be a whole number, not {}",
                    self.shown(&e.node)
                );
                self.error_at(
                    e.key_span.start,
                    message,
                    format!("write it without quotes, e.g. {example}"),
                );
                None
            }
        }
    }

    fn count(&mut self, e: &Entry) -> Option<i64> {
        let n = self.int(e)?;
        if n < 1 {
            self.error_at(
                e.key_span.start,
                format!("`{}` must be at least 1, not {n}", e.key),
                "leave it out to show everything on one page",
            );
            return None;
        }
        Some(n)
    }

    fn date(&mut self, e: &Entry) -> Option<DateTime<FixedOffset>> {
        let key = &e.key;
        let parsed = match &e.node.value {
            Value::Str(s) | Value::Date(s) => parse_date(s),
            _ => None,
        };
        if parsed.is_none() {
            let shown = self.shown(&e.node);
            self.error_at(
                e.key_span.start,
                format!("`{key}` is not a valid date: {shown}"),
                format!("write a date as {key} = 2024-05-02 (year-month-day), optionally with a time: 2024-05-02T14:30:00Z"),
            );
        }
        parsed
    }

    /// A date (a whole day) or a date and time, kept as written.
    fn when(&mut self, e: &Entry) -> Option<When> {
        let parsed = match &e.node.value {
            Value::Str(s) | Value::Date(s) => When::parse(s),
            _ => None,
        };
        if parsed.is_none() {
            let key = &e.key;
            let message = format!(
                "`{key}` is not a valid date or time: {}",
                self.shown(&e.node)
            );
            let hint = format!(
                "write {} for a whole day, {} for a time in the event's time zone, or with an offset: {}",
                self.assign(key, "2027-01-15"),
                self.assign(key, "2027-01-15T09:00:00"),
                self.assign(key, "2027-01-15T09:00:00-05:00"),
            );
            self.error_at(e.key_span.start, message, hint);
        }
        parsed
    }

    fn zone(&mut self, e: &Entry) -> Option<chrono_tz::Tz> {
        let name = self.text(e)?;
        match when::zone(name.trim()) {
            Ok(tz) => Some(tz),
            Err(hint) => {
                let message = format!("`{}` is not a time zone: \"{name}\"", e.key);
                self.error_at(e.key_span.start, message, hint);
                None
            }
        }
    }

    /// A web address people can open: `http://` or `https://` with a host.
    fn url(&mut self, e: &Entry) -> Option<String> {
        let s = self.text(e)?;
        let t = s.trim();
        let ok = (t.starts_with("https://") || t.starts_with("http://"))
            && url::Url::parse(t).is_ok_and(|u| u.host_str().is_some_and(|h| !h.is_empty()));
        if !ok {
            let message = format!(
                "`{}` must be a web address starting with https:// (or http://), not \"{s}\"",
                e.key
            );
            let hint = format!(
                "write the full address, e.g. {}",
                self.assign(&e.key, "\"https://example.org/open-house\"")
            );
            self.error_at(e.key_span.start, message, hint);
            return None;
        }
        Some(t.to_string())
    }

    /// `true`/`false` (an event that is a deadline) or a date (a post's deadline). Which one
    /// a page may take depends on its kind, checked where the kind is known.
    fn deadline(&mut self, e: &Entry) -> Option<Deadline> {
        match &e.node.value {
            Value::Bool(b) => Some(Deadline::Flag(*b)),
            Value::Str(_) | Value::Date(_) => self.when(e).map(Deadline::At),
            _ => {
                let message = format!(
                    "`{}` must be true (on an event) or a date (on a post), not {}",
                    e.key,
                    self.shown(&e.node)
                );
                let hint = format!(
                    "on an event write {}; on a post write the date it falls on: {}",
                    self.assign(&e.key, "true"),
                    self.assign(&e.key, "2027-01-15")
                );
                self.error_at(e.key_span.start, message, hint);
                None
            }
        }
    }

    /// Whole numbers of at least 0 (`remind = [14, 1]`); a single number is accepted.
    fn days(&mut self, e: &Entry) -> Option<Vec<u32>> {
        /// Ten years: more is a slip, not a reminder.
        const MAX: i64 = 3650;
        let key = &e.key;
        let example = self.assign(key, "[14, 1]");
        let items: Vec<&Node> = match &e.node.value {
            Value::List(items) => items.iter().collect(),
            _ => vec![&e.node],
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let what = if matches!(e.node.value, Value::List(_)) {
                format!("entry {} of `{key}`", i + 1)
            } else {
                format!("`{key}`")
            };
            match item.value {
                Value::Int(n) if (0..=MAX).contains(&n) => out.push(n as u32),
                Value::Int(n) if n < 0 => self.error_at(
                    item.span.start,
                    format!(
                        "{what} is {n}: a reminder is a number of whole days before, 0 or more"
                    ),
                    format!("write {example} (14 days and 1 day before; 0 for the day itself)"),
                ),
                _ => {
                    let message = format!(
                        "{what} must be a whole number of days from 0 to {MAX}, not {}",
                        self.shown(item)
                    );
                    self.error_at(item.span.start, message, format!("write {example}"));
                }
            }
        }
        (out.len() == items.len()).then_some(out)
    }

    fn kind(&mut self, e: &Entry) -> Option<Kind> {
        let s = self.text(e)?;
        let kind = Kind::parse(&s);
        if kind.is_none() {
            let hint = match closest(&s, Kind::NAMES) {
                Some(best) => format!("did you mean \"{best}\"? Kinds: {}", Kind::NAMES.join(", ")),
                None => format!("kinds: {}", Kind::NAMES.join(", ")),
            };
            self.error_at(
                e.key_span.start,
                format!("`{}` has an unknown kind \"{s}\"", e.key),
                hint,
            );
        }
        kind
    }

    fn role(&mut self, e: &Entry) -> Option<Role> {
        let s = self.text(e)?;
        let role = Role::parse(&s);
        if role.is_none() {
            let names = Role::NAMES.join(", ");
            let hint = match closest(s.trim(), Role::NAMES) {
                Some(best) => format!(
                    "did you mean \"{best}\"? A person's role is one of {names}, e.g. {}",
                    self.assign("role", &format!("\"{best}\""))
                ),
                None => format!(
                    "a person's role is one of {names}, e.g. {}",
                    self.assign("role", "\"resident\"")
                ),
            };
            self.error_at(
                e.key_span.start,
                format!("`{}` must be one of {names}, not \"{s}\"", e.key),
                hint,
            );
        }
        role
    }

    /// A year of graduation: a whole number a program could have graduated someone in.
    fn year(&mut self, e: &Entry) -> Option<i64> {
        let n = self.int(e)?;
        if !(1900..=2200).contains(&n) {
            self.error_at(
                e.key_span.start,
                format!("`{}` must be a year such as 2027, not {n}", e.key),
                format!(
                    "write the year the person graduates (or graduated) from the program: {}",
                    self.assign(&e.key, "2027")
                ),
            );
            return None;
        }
        Some(n)
    }

    /// `photo_focus = [x, y]`: percent of the width from the left and of the height from the
    /// top, each from 0 to 100.
    fn focus(&mut self, e: &Entry) -> Option<(f64, f64)> {
        let example = format!(
            "write {} (percent of the photo's width from the left and of its height from the top: the point the square crop is centred on)",
            self.assign(&e.key, "[50, 30]")
        );
        let numbers: Option<Vec<f64>> = match &e.node.value {
            Value::List(items) if items.len() == 2 => items
                .iter()
                .map(|i| match i.value {
                    Value::Int(n) => Some(n as f64),
                    Value::Float(x) => Some(x),
                    _ => None,
                })
                .collect(),
            _ => None,
        };
        match numbers.as_deref() {
            Some(&[x, y]) if (0.0..=100.0).contains(&x) && (0.0..=100.0).contains(&y) => {
                Some((x / 100.0, y / 100.0))
            }
            _ => {
                let shown = match &e.node.value {
                    Value::List(items) => {
                        let written = self
                            .doc
                            .text
                            .get(e.node.span.clone())
                            .map(str::trim)
                            .unwrap_or_default()
                            .to_string();
                        format!("a list of {} ({written})", items.len())
                    }
                    _ => self.shown(&e.node),
                };
                self.error_at(
                    e.key_span.start,
                    format!("`{}` must be two numbers from 0 to 100, not {shown}", e.key),
                    example,
                );
                None
            }
        }
    }

    /// `[links]`: each key a known network, each value text that is an address (or handle)
    /// of that network. One bad entry does not hide the others.
    fn links(&mut self, e: &Entry) -> Option<Vec<ProfileLink>> {
        let names = Network::NAMES.join(", ");
        let Value::Table(t) = &e.node.value else {
            let shown = self.shown(&e.node);
            self.error_at(
                e.key_span.start,
                format!("`{}` must be a table of network = address, not {shown}", e.key),
                format!(
                    "write it as a [{}] section at the end of the front matter, e.g. website = \"https://example.org/\" (networks: {names})",
                    e.key
                ),
            );
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for f in &t.entries {
            let Some(network) = Network::parse(&f.key) else {
                let hint = match closest(&f.key, Network::NAMES) {
                    Some(best) => format!("did you mean `{best}`? Known networks: {names}"),
                    None => format!("known networks: {names}; any other page goes under `website`"),
                };
                self.error_at(
                    f.key_span.start,
                    format!("`{}` has an unknown network `{}`", e.key, f.key),
                    hint,
                );
                ok = false;
                continue;
            };
            let Value::Str(v) = &f.node.value else {
                let what = format!("`{}.{}`", e.key, f.key);
                self.not_text(&what, &f.key, &f.node, f.key_span.start);
                ok = false;
                continue;
            };
            match person::profile_link(network, v) {
                Ok((url, text)) => out.push(ProfileLink {
                    network,
                    url,
                    text,
                    line: self.line(f.key_span.start),
                }),
                Err(why) => {
                    self.error_at(
                        f.key_span.start,
                        format!("`{}.{}` {why}", e.key, f.key),
                        format!("write {} = {}", f.key, network.example()),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    fn sort_by(&mut self, e: &Entry) -> Option<SortBy> {
        let s = self.text(e)?;
        Some(match s.as_str() {
            "date" => SortBy::Date,
            "title" => SortBy::Title,
            "weight" => SortBy::Weight,
            other => {
                self.error_at(
                    e.key_span.start,
                    format!("`sort_by` cannot be \"{other}\""),
                    "use \"date\" (newest first), \"title\" or \"weight\"",
                );
                return None;
            }
        })
    }

    fn sex(&mut self, e: &Entry) -> Option<String> {
        let s = self.text(e)?;
        let key = &e.key;
        let normal = match s.trim().to_lowercase().as_str() {
            "f" | "female" => "female",
            "m" | "male" => "male",
            "other" | "x" => "other",
            "unknown" => "unknown",
            _ => {
                self.error_at(
                    e.key_span.start,
                    format!("`{key}` must be female, male, other or unknown, not \"{s}\""),
                    "write sex = \"female\" (or \"F\"), \"male\" (or \"M\"), \"other\" or \"unknown\"",
                );
                return None;
            }
        };
        Some(normal.to_string())
    }

    fn age(&mut self, e: &Entry) -> Option<String> {
        match &e.node.value {
            Value::Int(n) if *n >= 0 => Some(format!("{n} years")),
            Value::Str(s) if !s.trim().is_empty() => Some(s.clone()),
            _ => {
                let message = format!(
                    "`{}` must be a number of years or a text such as \"6 weeks\", not {}",
                    e.key,
                    self.shown(&e.node)
                );
                let hint = format!(
                    "write {} or {}",
                    self.assign("age", "45"),
                    self.assign("age", "\"6 weeks\"")
                );
                self.error_at(e.key_span.start, message, hint);
                None
            }
        }
    }

    fn table(&mut self, e: &Entry) -> Option<Map<String, Json>> {
        match &e.node.value {
            Value::Table(_) => match e.node.value.to_json() {
                Json::Object(m) => Some(m),
                _ => None,
            },
            _ => {
                let shown = self.shown(&e.node);
                self.error_at(
                    e.key_span.start,
                    format!("`{}` must be a table, not {shown}", e.key),
                    format!(
                        "write it as a [{}] section at the end of the front matter",
                        e.key
                    ),
                );
                None
            }
        }
    }

    /// A list of `{ file|dir, alt, caption }` tables (images and stacks). Alt text is
    /// required: it is how screen readers and search engines see the case. Stacks may also
    /// list `windows`.
    fn media_list(&mut self, e: &Entry, stacks: bool) -> Vec<MediaRef> {
        let key = e.key.as_str();
        let (name_field, fields, example) = if stacks {
            (
                "dir",
                STACK_FIELDS,
                "{ dir = \"axial\", alt = \"Axial CT, 48 slices\", caption = \"…\" }",
            )
        } else {
            (
                "file",
                IMAGE_FIELDS,
                "{ file = \"ct.png\", alt = \"Axial CT …\", caption = \"…\" }",
            )
        };
        let Value::List(items) = &e.node.value else {
            let shown = self.shown(&e.node);
            self.error_at(
                e.key_span.start,
                format!("`{key}` must be a list of tables, not {shown}"),
                format!("write {key} = [{example}]"),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let n = i + 1;
            let at = item.span.start;
            let Value::Table(t) = &item.value else {
                let shown = self.shown(item);
                self.error_at(
                    at,
                    format!(
                        "entry {n} in `{key}` must be a table with `{name_field}` and `alt`, not {shown}"
                    ),
                    format!("write {example}"),
                );
                continue;
            };
            let string = |name: &str| {
                t.get(name)
                    .and_then(|f| f.node.value.as_str())
                    .map(str::to_string)
            };
            let windows = match t.get("windows").filter(|_| stacks) {
                Some(w) => match self.windows(key, n, &w.node) {
                    Some(w) => w,
                    None => continue,
                },
                None => Vec::new(),
            };
            if let Some(unknown) = t.entries.iter().find(|f| !fields.contains(&f.key.as_str())) {
                let hint = if unknown.key == "windows" {
                    format!(
                        "`windows` is for DICOM stacks; a gallery image is shown in the case's `window`. An entry takes {}",
                        fields.join(", ")
                    )
                } else if unknown.key == "redact" {
                    format!(
                        "`redact` is for gallery images: list the image in images = [{{ file = \"…\", alt = \"…\", redact = [[x, y, width, height]] }}], or black the area out in every slice before adding the stack. An entry takes {}",
                        fields.join(", ")
                    )
                } else if unknown.key == "focus" {
                    format!(
                        "`focus` chooses what the list thumbnail of a gallery image keeps; a stack has no thumbnail. An entry takes {}",
                        fields.join(", ")
                    )
                } else {
                    closest(&unknown.key, fields.iter().copied()).map_or_else(
                        || format!("an entry takes {}", fields.join(", ")),
                        |b| format!("did you mean `{b}`? An entry takes {}", fields.join(", ")),
                    )
                };
                self.error_at(
                    unknown.key_span.start,
                    format!("entry {n} in `{key}` has an unknown key `{}`", unknown.key),
                    hint,
                );
                continue;
            }
            // A field that is there but not text is named as such, not taken for a missing one
            // (an `alt = 42` has alt text, of the wrong type) or dropped (a `caption = 42`).
            let mut typed = true;
            for field in t
                .entries
                .iter()
                .filter(|f| f.key != "windows" && f.key != "redact" && f.key != "focus")
            {
                if field.node.value.as_str().is_none() {
                    let what = format!("`{}` of entry {n} in `{key}`", field.key);
                    self.not_text(&what, &field.key, &field.node, field.key_span.start);
                    typed = false;
                }
            }
            if !typed {
                continue;
            }
            let Some(name) = string(name_field).filter(|f| !f.trim().is_empty()) else {
                self.error_at(
                    at,
                    format!("entry {n} in `{key}` has no `{name_field}`"),
                    format!("write {example}"),
                );
                continue;
            };
            let Some(alt) = string("alt").filter(|a| !a.trim().is_empty()) else {
                self.error_at(
                    at,
                    format!("`{name}` in `{key}` has no alt text"),
                    "add alt = \"…\" describing what the image shows: screen readers and search engines only see the alt text",
                );
                continue;
            };
            let redact = match t.get("redact").filter(|_| !stacks) {
                Some(r) => self.redact(r),
                None => Vec::new(),
            };
            let focus = match t.get("focus").filter(|_| !stacks) {
                Some(f) => match self.image_focus(&name, &f.node) {
                    Some(point) => Some(point),
                    None => continue,
                },
                None => None,
            };
            out.push(MediaRef {
                file: name,
                alt,
                caption: string("caption"),
                windows,
                redact,
                focus,
                line: self.line(at),
            });
        }
        out
    }

    /// `focus` of the image `file`: a word for an edge, a corner or the centre (`"top"`,
    /// `"bottom left"`), or `[x, y]`, fractions from 0 to 1 of the width from the left and of
    /// the height from the top.
    fn image_focus(&mut self, file: &str, node: &Node) -> Option<(f64, f64)> {
        let what = format!("`focus` of `{file}`");
        let hint = "write focus = \"top\" (or \"bottom\", \"left\", \"right\", \"center\", \"top left\", \"top right\", \"bottom left\", \"bottom right\"), or focus = [x, y] with x and y from 0 to 1 (0.5, 0.2: the middle across, a fifth of the way down): the point the list thumbnail keeps";
        match &node.value {
            Value::Str(word) => {
                let point = focus_word(word);
                if point.is_none() {
                    let words = FOCUS_WORDS.iter().map(|(w, _)| *w);
                    let hint = match closest(&word.trim().to_lowercase(), words) {
                        Some(best) => format!("did you mean \"{best}\"? {hint}"),
                        None => hint.to_string(),
                    };
                    self.error_at(
                        node.span.start,
                        format!("{what} is \"{word}\", which is not a place in the image"),
                        hint,
                    );
                }
                point
            }
            Value::List(items) => {
                let numbers: Option<Vec<f64>> = items
                    .iter()
                    .map(|i| match i.value {
                        Value::Int(n) => Some(n as f64),
                        Value::Float(x) => Some(x),
                        _ => None,
                    })
                    .collect();
                match numbers.as_deref() {
                    Some(&[x, y]) if (0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y) => {
                        Some((x, y))
                    }
                    Some(&[x, y]) => {
                        let shown = self.shown(node);
                        let percent = if x > 1.0 || y > 1.0 {
                            format!(
                                " (percent? write [{}, {}])",
                                (x / 100.0).clamp(0.0, 1.0),
                                (y / 100.0).clamp(0.0, 1.0)
                            )
                        } else {
                            String::new()
                        };
                        self.error_at(
                            node.span.start,
                            format!("{what} {shown} lies outside the image: x and y go from 0 to 1{percent}"),
                            hint,
                        );
                        None
                    }
                    _ => {
                        let shown = self.shown(node);
                        self.error_at(
                            node.span.start,
                            format!("{what} must be two numbers [x, y], not {shown}"),
                            hint,
                        );
                        None
                    }
                }
            }
            other => {
                self.error_at(
                    node.span.start,
                    format!("{what} must be a word or [x, y], not {}", other.describe()),
                    hint,
                );
                None
            }
        }
    }

    /// The rectangles of `redact = [[x, y, width, height], …]`, each with what is wrong with it.
    fn redact(&mut self, e: &Entry) -> Vec<RedactRect> {
        let key_line = self.line(e.key_span.start);
        let whole = |what: String| {
            vec![RedactRect {
                number: 0,
                line: key_line,
                values: Err(what),
            }]
        };
        let items = match &e.node.value {
            Value::List(items) if items.is_empty() => {
                return whole("is an empty list".into());
            }
            Value::List(items) if items.iter().all(|i| !matches!(i.value, Value::List(_))) => {
                return whole(format!(
                    "must be a list of rectangles, each a list of four numbers, not a list of {}",
                    items[0].value.describe()
                ));
            }
            Value::List(items) => items,
            other => {
                return whole(format!(
                    "must be a list of rectangles, not {}",
                    other.describe()
                ));
            }
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let values = match &item.value {
                Value::List(numbers) if numbers.len() != 4 => Err(format!(
                    "has {} number{} instead of four (x, y, width, height)",
                    numbers.len(),
                    if numbers.len() == 1 { "" } else { "s" }
                )),
                Value::List(numbers) => {
                    let mut v = [0i64; 4];
                    let mut wrong = None;
                    for (slot, n) in v.iter_mut().zip(numbers) {
                        match n.value {
                            Value::Int(n) => *slot = n,
                            _ => {
                                wrong.get_or_insert_with(|| {
                                    format!("holds {}, not a whole number", n.value.describe())
                                });
                            }
                        }
                    }
                    wrong.map_or(Ok(v), Err)
                }
                other => Err(format!(
                    "is {}, not a list of four numbers",
                    other.describe()
                )),
            };
            out.push(RedactRect {
                number: i + 1,
                line: self.line(item.span.start),
                values,
            });
        }
        out
    }

    /// `window = "lung"` (a preset) or `window = { center = 40, width = 80 }`.
    fn window(&mut self, e: &Entry) -> Option<Window> {
        let key = &e.key;
        let example = format!(
            "write {key} = \"lung\" (presets: {}) or {key} = {{ center = 40, width = 80 }}",
            preset_names().join(", ")
        );
        self.window_value(&format!("`{key}`"), &e.node, &example)
            .map(|w| w.window)
    }

    /// Entry `n` of `key`'s `windows = ["brain", "bone", { center = 40, width = 80 }]`: at
    /// least one window, none twice. None (after reporting) when any is wrong.
    fn windows(&mut self, key: &str, n: usize, node: &Node) -> Option<Vec<NamedWindow>> {
        let example = format!(
            "write windows = [\"brain\", \"bone\"] (presets: {}; or {{ center = 40, width = 80 }}), the default first",
            preset_names().join(", ")
        );
        let what = format!("`windows` of entry {n} in `{key}`");
        let items = match &node.value {
            Value::List(items) if !items.is_empty() => items,
            other => {
                let why = match other {
                    Value::List(_) => "is empty".to_string(),
                    other => format!("must be a list, not {}", other.describe()),
                };
                self.error_at(node.span.start, format!("{what} {why}"), example);
                return None;
            }
        };
        let mut out: Vec<NamedWindow> = Vec::new();
        let mut ok = true;
        for item in items {
            match self.window_value(&what, item, &example) {
                Some(w) if out.iter().any(|o| o.name == w.name) => {
                    self.error_at(
                        item.span.start,
                        format!("{what} lists the window \"{}\" twice", w.label),
                        "list each window once: the slices are published once per window",
                    );
                    ok = false;
                }
                Some(w) => out.push(w),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// One window value (`what` names it in errors): a preset name or a `{ center, width }`
    /// table.
    fn window_value(&mut self, what: &str, node: &Node, example: &str) -> Option<NamedWindow> {
        let names = preset_names();
        match &node.value {
            Value::Str(name) => {
                let w = NamedWindow::preset(name.trim());
                if w.is_none() {
                    let hint = match closest(name.trim(), names.iter().copied()) {
                        Some(best) => {
                            format!("did you mean \"{best}\"? Presets: {}", names.join(", "))
                        }
                        None => example.to_string(),
                    };
                    self.error_at(
                        node.span.start,
                        format!("{what} has an unknown preset \"{name}\""),
                        hint,
                    );
                }
                w
            }
            Value::Table(t) => {
                let number = |name: &str| {
                    t.get(name).and_then(|f| match f.node.value {
                        Value::Int(n) => Some(n as f64),
                        Value::Float(x) => Some(x),
                        _ => None,
                    })
                };
                if let Some(unknown) = t
                    .entries
                    .iter()
                    .find(|f| f.key != "center" && f.key != "width")
                {
                    let hint = match closest(&unknown.key, ["center", "width"]) {
                        Some(b) => format!("did you mean `{b}`? {example}"),
                        None => example.to_string(),
                    };
                    self.error_at(
                        unknown.key_span.start,
                        format!("{what} has an unknown key `{}`", unknown.key),
                        hint,
                    );
                    return None;
                }
                match (number("center"), number("width")) {
                    (Some(center), Some(width))
                        if width >= 1.0 && center.is_finite() && width.is_finite() =>
                    {
                        Some(NamedWindow::custom(center, width))
                    }
                    _ => {
                        self.error_at(
                            node.span.start,
                            format!("{what} needs a number `center` and a `width` of at least 1"),
                            example,
                        );
                        None
                    }
                }
            }
            other => {
                self.error_at(
                    node.span.start,
                    format!(
                        "{what} must be a preset name or a table, not {}",
                        other.describe()
                    ),
                    example,
                );
                None
            }
        }
    }

    /// `[[privacy.acknowledge]]` entries: each a table of `rule`, `text` and `reason`.
    fn acknowledgements(&mut self, e: &Entry) -> Vec<AckEntry> {
        const EXAMPLE: &str = "[[privacy.acknowledge]]\nrule = \"patient-name\"\ntext = \"Mr. Bones\"\nreason = \"fictional teaching name\"";
        let mut out = Vec::new();
        let at = e.key_span.start;
        let Value::Table(privacy) = &e.node.value else {
            let shown = self.shown(&e.node);
            self.error_at(
                at,
                format!("`privacy` must be a table of acknowledgements, not {shown}"),
                format!("write it as\n{EXAMPLE}"),
            );
            return out;
        };
        for other in privacy.entries.iter().filter(|f| f.key != "acknowledge") {
            let hint = match closest(&other.key, ["acknowledge"]) {
                Some(b) => format!("did you mean `{b}`? Write\n{EXAMPLE}"),
                None => format!("`privacy` only takes `acknowledge`:\n{EXAMPLE}"),
            };
            self.error_at(
                other.key_span.start,
                format!("unknown key `{}` in `privacy`", other.key),
                hint,
            );
        }
        let Some(list) = privacy.get("acknowledge") else {
            return out;
        };
        let Value::List(entries) = &list.node.value else {
            self.error_at(
                list.key_span.start,
                "`privacy.acknowledge` must be a list of tables".into(),
                format!("write each as\n{EXAMPLE}"),
            );
            return out;
        };
        for (i, entry) in entries.iter().enumerate() {
            let number = i + 1;
            let Value::Table(t) = &entry.value else {
                self.error_at(
                    entry.span.start,
                    format!("acknowledgement {number} must be a table"),
                    format!("write it as\n{EXAMPLE}"),
                );
                continue;
            };
            // The line of an entry is the line of its `rule`, where authors look for it.
            let start = t.get("rule").map_or(entry.span.start, |r| r.key_span.start);
            let line = self.line(start);
            let field = |k: &str| {
                t.get(k)
                    .and_then(|f| f.node.value.as_str())
                    .map(str::trim)
                    .unwrap_or_default()
                    .to_string()
            };
            let mut ok = true;
            for f in t
                .entries
                .iter()
                .filter(|f| ACK_FIELDS.contains(&f.key.as_str()) && f.node.value.as_str().is_none())
            {
                let what = format!("`{}` of acknowledgement {number}", f.key);
                self.not_text(&what, &f.key, &f.node, f.key_span.start);
                ok = false;
            }
            for unknown in t
                .entries
                .iter()
                .filter(|f| !ACK_FIELDS.contains(&f.key.as_str()))
            {
                let hint = closest(&unknown.key, ACK_FIELDS.iter().copied()).map_or_else(
                    || format!("an acknowledgement takes {}", ACK_FIELDS.join(", ")),
                    |b| {
                        format!(
                            "did you mean `{b}`? An acknowledgement takes {}",
                            ACK_FIELDS.join(", ")
                        )
                    },
                );
                self.errors.push(
                    Diagnostic::in_file(
                        self.path(),
                        format!(
                            "acknowledgement {number} has an unknown key `{}`",
                            unknown.key
                        ),
                    )
                    .at_line(line)
                    .with_hint(hint),
                );
                ok = false;
            }
            for key in ACK_FIELDS {
                if field(key).is_empty()
                    && t.get(key).is_none_or(|f| f.node.value.as_str().is_some())
                {
                    let why = match *key {
                        "rule" => "which rule it answers",
                        "text" => "the exact text it covers",
                        _ => "why it is not about a real person",
                    };
                    self.errors.push(
                        Diagnostic::in_file(
                            self.path(),
                            format!("acknowledgement {number} has no `{key}`"),
                        )
                        .at_line(line)
                        .with_hint(format!("add {key} = \"…\": {why}")),
                    );
                    ok = false;
                }
            }
            if ok {
                out.push(AckEntry {
                    number,
                    line,
                    rule: field("rule"),
                    text: field("text"),
                    reason: field("reason"),
                });
            }
        }
        out
    }
}

fn preset_names() -> Vec<&'static str> {
    Window::preset_names().collect()
}

/// Parse "2024-05-02", "2024-05-02T10:00:00Z", "2024-05-02 10:00:00+02:00" or a local datetime.
pub fn parse_date(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d);
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(&s.replacen(' ', "T", 1)) {
        return Some(d);
    }
    let utc = FixedOffset::east_opt(0)?;
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
            return utc.from_local_datetime(&dt).single();
        }
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    utc.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).single()
}

/// The places `focus` may name, as fractions of the width and height.
const FOCUS_WORDS: &[(&str, (f64, f64))] = &[
    ("center", (0.5, 0.5)),
    ("centre", (0.5, 0.5)),
    ("top", (0.5, 0.0)),
    ("bottom", (0.5, 1.0)),
    ("left", (0.0, 0.5)),
    ("right", (1.0, 0.5)),
    ("top left", (0.0, 0.0)),
    ("top right", (1.0, 0.0)),
    ("bottom left", (0.0, 1.0)),
    ("bottom right", (1.0, 1.0)),
];

/// `"top"`, `"Top-Left"`, `"left top"`: a place of [`FOCUS_WORDS`], in any case and order,
/// with a space or a hyphen between the words.
fn focus_word(word: &str) -> Option<(f64, f64)> {
    let lower = word.trim().to_lowercase();
    let mut parts: Vec<&str> = lower
        .split(|c: char| c == '-' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() == 2 && matches!(parts[0], "left" | "right") {
        parts.swap(0, 1);
    }
    let joined = parts.join(" ");
    FOCUS_WORDS
        .iter()
        .find(|(w, _)| *w == joined)
        .map(|&(_, p)| p)
}
