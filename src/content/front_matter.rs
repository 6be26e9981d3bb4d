//! Front matter: find it in a Markdown file, parse it (TOML or YAML), and read typed fields.
//!
//! Both formats are first parsed into one generic value, so the typed reading below (and its
//! errors) is written once. Errors point at the line of the offending key in the `.md` file.
//! This module knows nothing about URLs, sections or rendering.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use serde_json::{Map, Value};

use crate::diagnostic::{Diagnostic, Errors, Result, closest};
use crate::media::dicom::{NamedWindow, PRESETS, Window};
use crate::toml_errors;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
}

/// A Markdown file cut in two: front matter text and body, with the line where each starts.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub format: Format,
    pub front: &'a str,
    /// 1-based line of the first front matter line in the file.
    pub front_line: usize,
    pub body: &'a str,
}

/// Cut `text` into front matter and body.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let start = text.len() - text.trim_start_matches(['\n', '\r', ' ', '\t']).len();
    let skipped_lines = text[..start].matches('\n').count();
    let rest = &text[start..];
    let (format, delim) = if rest.starts_with("+++") {
        (Format::Toml, "+++")
    } else if rest.starts_with("---") {
        (Format::Yaml, "---")
    } else {
        return Err(Diagnostic::in_file(path, "this file has no front matter")
            .at_line(skipped_lines + 1)
            .with_hint(
                "start the file with a `+++` line, then `title = \"…\"`, then another `+++` line \
                 (or use `---` lines around YAML front matter)",
            )
            .into());
    };
    let after_open = match rest.find('\n') {
        Some(nl) if rest[..nl].trim_end() == delim => nl + 1,
        _ => {
            return Err(Diagnostic::in_file(
                path,
                format!("the opening `{delim}` must be alone on its line"),
            )
            .at_line(skipped_lines + 1)
            .into());
        }
    };
    let mut offset = after_open;
    for line in rest[after_open..].split_inclusive('\n') {
        if line.trim_end() == delim {
            let front = &rest[after_open..offset];
            let body = &rest[offset + line.len()..];
            return Ok(Split {
                format,
                front,
                front_line: skipped_lines + 2,
                body,
            });
        }
        offset += line.len();
    }
    Err(
        Diagnostic::in_file(path, "the front matter is never closed")
            .at_line(skipped_lines + 1)
            .with_hint(format!(
                "add a line with only `{delim}` after the last front matter key"
            ))
            .into(),
    )
}

/// Parse front matter text into a map of keys to generic values.
pub fn parse(path: &Path, split: &Split<'_>) -> Result<Map<String, Value>> {
    match split.format {
        Format::Toml => {
            let table: toml::Table = toml::from_str(split.front).map_err(|e| {
                toml_errors::diagnostic(path, split.front, &e, split.front_line - 1)
            })?;
            Ok(table
                .into_iter()
                .map(|(k, v)| (k, toml_to_json(v)))
                .collect())
        }
        Format::Yaml => {
            if split.front.trim().is_empty() {
                return Ok(Map::new());
            }
            let value: Value = serde_saphyr::from_str(split.front).map_err(|e| {
                let mut d = Diagnostic::in_file(path, yaml_message(&e));
                if let Some(loc) = e.location() {
                    d = d.at(
                        loc.line() as usize + split.front_line - 1,
                        loc.column() as usize,
                    );
                }
                d.with_hint("check the YAML syntax: `key: value`, lists as `[a, b]` or `- a` lines")
            })?;
            match value {
                Value::Object(map) => Ok(map),
                Value::Null => Ok(Map::new()),
                _ => Err(Diagnostic::in_file(
                    path,
                    "the front matter is not a set of `key: value` lines",
                )
                .at_line(split.front_line)
                .into()),
            }
        }
    }
}

/// serde-saphyr prints the location inside its message; we print our own (file-relative) one.
fn yaml_message(e: &serde_saphyr::Error) -> String {
    let full = e.to_string();
    let mut first = full.lines().next().unwrap_or("invalid YAML").trim();
    first = first.strip_prefix("error:").unwrap_or(first).trim_start();
    // "line 4 column 9: message" → "message"
    if first.starts_with("line ")
        && let Some((_, rest)) = first.split_once(": ")
    {
        first = rest;
    }
    match first.find(" at line ") {
        Some(i) => first[..i].to_string(),
        None => first.to_string(),
    }
}

fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        // JSON has no NaN or infinity; keep them visible so type checks reject them.
        toml::Value::Float(f) if !f.is_finite() => Value::String(f.to_string()),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// The kinds of page radcase knows how to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Case,
    Post,
    Person,
    Event,
    Page,
}

impl Kind {
    const NAMES: [&'static str; 5] = ["case", "post", "person", "event", "page"];

    pub fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "case" => Kind::Case,
            "post" => Kind::Post,
            "person" => Kind::Person,
            "event" => Kind::Event,
            "page" => Kind::Page,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        Kind::NAMES[self as usize]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    #[default]
    Date,
    Title,
    Weight,
}

/// An image of a case gallery, or a stack, as listed in front matter.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ImageRef {
    pub file: String,
    pub alt: String,
    pub caption: Option<String>,
    /// Stacks only: the windows a DICOM stack is published in, the default first (empty: the
    /// case's `window`). Checked against the files by `content::bundle`.
    #[serde(skip)]
    pub windows: Vec<NamedWindow>,
}

/// Keys only cases use.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct CaseMeta {
    pub age: Option<String>,
    pub sex: Option<String>,
    pub presentation: Option<String>,
    pub diagnosis: Option<String>,
    pub certainty: Option<String>,
    pub differential: Vec<String>,
    pub teaching_points: Vec<String>,
    pub quiz: bool,
    pub quiz_title: Option<String>,
    pub references: Vec<String>,
    pub license: Option<String>,
    pub images: Vec<ImageRef>,
    /// Scrollable series: `file` names the folder of frames in the bundle.
    pub stacks: Vec<ImageRef>,
    /// Line of the `images` key in the file, for errors found later (a missing file).
    #[serde(skip)]
    pub images_line: Option<usize>,
    #[serde(skip)]
    pub stacks_line: Option<usize>,
    /// How the case's DICOM images are windowed (None: the file's own window, else min–max).
    #[serde(skip)]
    pub window: Option<Window>,
    /// The image of the bundle the share card shows (default: the first gallery image).
    pub card_image: Option<String>,
    #[serde(skip)]
    pub card_image_line: Option<usize>,
}

/// The front matter of a page (`foo.md` or `foo/index.md`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageFront {
    pub title: String,
    pub date: Option<DateTime<FixedOffset>>,
    pub updated: Option<DateTime<FixedOffset>>,
    pub description: Option<String>,
    pub authors: Vec<String>,
    pub draft: bool,
    pub slug: Option<String>,
    pub aliases: Vec<String>,
    pub template: Option<String>,
    pub weight: Option<i64>,
    pub kind: Option<Kind>,
    /// Taxonomy name → terms, for every taxonomy of the site (empty lists included).
    pub taxonomies: BTreeMap<String, Vec<String>>,
    pub extra: Map<String, Value>,
    pub case: CaseMeta,
}

/// The front matter of a section (`_index.md`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SectionFront {
    pub title: Option<String>,
    pub description: Option<String>,
    pub sort_by: SortBy,
    pub paginate_by: Option<usize>,
    pub page_kind: Option<Kind>,
    pub template: Option<String>,
    pub page_template: Option<String>,
    pub weight: Option<i64>,
    pub extra: Map<String, Value>,
}

const PAGE_KEYS: &[&str] = &[
    "title",
    "date",
    "updated",
    "description",
    "authors",
    "draft",
    "slug",
    "aliases",
    "template",
    "weight",
    "kind",
    "extra",
    "privacy",
];
const CASE_KEYS: &[&str] = &[
    "age",
    "sex",
    "presentation",
    "diagnosis",
    "certainty",
    "differential",
    "teaching_points",
    "quiz",
    "quiz_title",
    "references",
    "license",
    "images",
    "stacks",
    "card_image",
    "window",
];
const SECTION_KEYS: &[&str] = &[
    "title",
    "description",
    "sort_by",
    "paginate_by",
    "page_kind",
    "template",
    "page_template",
    "weight",
    "extra",
    "privacy",
];

/// Whether `name` is a front matter key of its own (so it cannot name a taxonomy).
pub fn is_reserved_key(name: &str) -> bool {
    PAGE_KEYS.contains(&name) || CASE_KEYS.contains(&name) || SECTION_KEYS.contains(&name)
}

/// Reads typed values out of a parsed front matter map, collecting every error.
struct Reader<'a> {
    path: &'a Path,
    split: &'a Split<'a>,
    map: Map<String, Value>,
    errors: Vec<Diagnostic>,
}

impl<'a> Reader<'a> {
    fn new(path: &'a Path, split: &'a Split<'a>, map: Map<String, Value>) -> Self {
        Reader {
            path,
            split,
            map,
            errors: Vec::new(),
        }
    }

    /// Line of the text `value` from the line of `key` on (a value inside a list that spans
    /// lines): quoted first, as TOML writes it, then bare, as YAML may. Else the line of `key`.
    fn line_of_value(&self, key: &str, value: &str) -> usize {
        let at = self.line_of(key);
        let lines: Vec<&str> = self.split.front.lines().collect();
        let from = at.saturating_sub(self.split.front_line);
        [
            format!("\"{value}\""),
            format!("'{value}'"),
            value.to_string(),
        ]
        .iter()
        .find_map(|needle| {
            lines
                .iter()
                .enumerate()
                .skip(from)
                .find(|(_, line)| line.contains(needle.as_str()))
        })
        .map_or(at, |(i, _)| self.split.front_line + i)
    }

    /// Line of `key` in the file, found by scanning the front matter text.
    fn line_of(&self, key: &str) -> usize {
        let found = self.split.front.lines().position(|line| {
            let rest = match self.split.format {
                Format::Toml => line.trim_start(),
                Format::Yaml => line,
            };
            let rest = rest.strip_prefix(['"', '\'']).unwrap_or(rest);
            rest.strip_prefix(key).is_some_and(|r| {
                let r = r.strip_prefix(['"', '\'']).unwrap_or(r).trim_start();
                match self.split.format {
                    Format::Toml => r.starts_with('=') || r.starts_with(']'),
                    Format::Yaml => r.starts_with(':'),
                }
            }) || line.trim() == format!("[{key}]")
                || line.trim() == format!("[[{key}]]")
        });
        self.split.front_line + found.unwrap_or(0)
    }

    fn error(&mut self, key: &str, message: String, hint: impl Into<String>) {
        let d = Diagnostic::in_file(self.path, message)
            .at_line(self.line_of(key))
            .with_hint(hint);
        self.errors.push(d);
    }

    fn take(&mut self, key: &str) -> Option<Value> {
        self.map.remove(key).filter(|v| !v.is_null())
    }

    fn string(&mut self, key: &str) -> Option<String> {
        match self.take(key)? {
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            other => {
                self.error(
                    key,
                    format!("`{key}` must be text, not {}", describe(&other)),
                    format!("write it in quotes: {key} = \"…\""),
                );
                None
            }
        }
    }

    fn string_list(&mut self, key: &str) -> Vec<String> {
        match self.take(key) {
            None => Vec::new(),
            Some(Value::String(s)) => vec![s],
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => items
                .into_iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            Some(other) => {
                self.error(
                    key,
                    format!(
                        "`{key}` must be a list of text values, not {}",
                        describe(&other)
                    ),
                    format!("write it as {key} = [\"first\", \"second\"]"),
                );
                Vec::new()
            }
        }
    }

    fn bool(&mut self, key: &str) -> bool {
        match self.take(key) {
            None => false,
            Some(Value::Bool(b)) => b,
            Some(other) => {
                self.error(
                    key,
                    format!("`{key}` must be true or false, not {}", describe(&other)),
                    format!("write {key} = true or {key} = false (no quotes)"),
                );
                false
            }
        }
    }

    fn int(&mut self, key: &str) -> Option<i64> {
        match self.take(key)? {
            Value::Number(n) if n.is_i64() => n.as_i64(),
            other => {
                self.error(
                    key,
                    format!("`{key}` must be a whole number, not {}", describe(&other)),
                    format!("write it without quotes, e.g. {key} = 10"),
                );
                None
            }
        }
    }

    fn count(&mut self, key: &str) -> Option<usize> {
        let n = self.int(key)?;
        if n < 1 {
            self.error(
                key,
                format!("`{key}` must be at least 1, not {n}"),
                "leave it out to show everything on one page",
            );
            return None;
        }
        usize::try_from(n).ok()
    }

    fn date(&mut self, key: &str) -> Option<DateTime<FixedOffset>> {
        let value = self.take(key)?;
        let parsed = value.as_str().and_then(parse_date);
        if parsed.is_none() {
            self.error(key, format!("`{key}` is not a valid date: {}", describe(&value)),
                format!("write a date as {key} = 2024-05-02 (year-month-day), optionally with a time: 2024-05-02T14:30:00Z"));
        }
        parsed
    }

    fn kind(&mut self, key: &str) -> Option<Kind> {
        let s = self.string(key)?;
        let kind = Kind::parse(&s);
        if kind.is_none() {
            let hint = match closest(&s, Kind::NAMES) {
                Some(best) => format!("did you mean \"{best}\"? Kinds: {}", Kind::NAMES.join(", ")),
                None => format!("kinds: {}", Kind::NAMES.join(", ")),
            };
            self.error(key, format!("`{key}` has an unknown kind \"{s}\""), hint);
        }
        kind
    }

    fn table(&mut self, key: &str) -> Map<String, Value> {
        match self.take(key) {
            None => Map::new(),
            Some(Value::Object(m)) => m,
            Some(other) => {
                self.error(
                    key,
                    format!("`{key}` must be a table, not {}", describe(&other)),
                    format!("write it as a [{key}] section at the end of the front matter"),
                );
                Map::new()
            }
        }
    }

    /// A list of `{ NAME = "…", alt = "…", caption = "…" }` tables (images and stacks), where
    /// `name_field` is `file` or `dir`. Alt text is required: it is how screen readers and search
    /// engines see the case.
    /// Stacks (`with_windows`) may also list `windows`.
    fn media_list(
        &mut self,
        key: &str,
        name_field: &'static str,
        example: &str,
        with_windows: bool,
    ) -> Vec<ImageRef> {
        let Some(value) = self.take(key) else {
            return Vec::new();
        };
        let Value::Array(items) = value else {
            self.error(
                key,
                format!("`{key}` must be a list"),
                format!("write {key} = [{example}]"),
            );
            return Vec::new();
        };
        let fields: &[&str] = if with_windows {
            &[name_field, "alt", "caption", "windows"]
        } else {
            &[name_field, "alt", "caption"]
        };
        let mut out = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            let n = i + 1;
            let Value::Object(mut m) = item else {
                self.error(
                    key,
                    format!("entry {n} in `{key}` must be a table with `{name_field}` and `alt`"),
                    format!("write {example}"),
                );
                continue;
            };
            let name = m
                .remove(name_field)
                .and_then(|v| v.as_str().map(str::to_string));
            let alt = m.remove("alt").and_then(|v| v.as_str().map(str::to_string));
            let caption = m
                .remove("caption")
                .and_then(|v| v.as_str().map(str::to_string));
            let windows = match with_windows.then(|| m.remove("windows")).flatten() {
                Some(v) => match self.windows(key, n, v) {
                    Some(w) => w,
                    None => continue,
                },
                None => Vec::new(),
            };
            if let Some(unknown) = m.keys().next() {
                let hint = if unknown == "windows" {
                    format!(
                        "`windows` is for DICOM stacks; a gallery image is shown in the case's `window`. An entry takes {}",
                        fields.join(", ")
                    )
                } else {
                    closest(unknown, fields.iter().copied()).map_or_else(
                        || format!("an entry takes {}", fields.join(", ")),
                        |b| format!("did you mean `{b}`? An entry takes {}", fields.join(", ")),
                    )
                };
                self.error(
                    key,
                    format!("entry {n} in `{key}` has an unknown key `{unknown}`"),
                    hint,
                );
                continue;
            }
            let Some(name) = name.filter(|f| !f.trim().is_empty()) else {
                self.error(
                    key,
                    format!("entry {n} in `{key}` has no `{name_field}`"),
                    format!("write {example}"),
                );
                continue;
            };
            let Some(alt) = alt.filter(|a| !a.trim().is_empty()) else {
                self.error(key, format!("`{name}` in `{key}` has no alt text"),
                    "add alt = \"…\" describing what the image shows: screen readers and search engines only see the alt text");
                continue;
            };
            out.push(ImageRef {
                file: name,
                alt,
                caption,
                windows,
            });
        }
        out
    }

    /// `window = "lung"` (a preset) or `window = { center = 40, width = 80 }`.
    fn window(&mut self, key: &str) -> Option<Window> {
        let value = self.take(key)?;
        let example = format!(
            "write {key} = \"lung\" (presets: {}) or {key} = {{ center = 40, width = 80 }}",
            preset_names().join(", ")
        );
        self.window_value(key, &format!("`{key}`"), value, &example)
            .map(|w| w.window)
    }

    /// Entry `n` of `key`'s `windows = ["brain", "bone", { center = 40, width = 80 }]`: at least
    /// one window, none twice. None (after reporting) when any is wrong.
    fn windows(&mut self, key: &str, n: usize, value: Value) -> Option<Vec<NamedWindow>> {
        let example = format!(
            "write windows = [\"brain\", \"bone\"] (presets: {}; or {{ center = 40, width = 80 }}), the default first",
            preset_names().join(", ")
        );
        let what = format!("`windows` of entry {n} in `{key}`");
        let items = match value {
            Value::Array(items) if !items.is_empty() => items,
            other => {
                let why = match other {
                    Value::Array(_) => "is empty".to_string(),
                    other => format!("must be a list, not {}", describe(&other)),
                };
                self.error(key, format!("{what} {why}"), example);
                return None;
            }
        };
        let mut out: Vec<NamedWindow> = Vec::new();
        let mut ok = true;
        for item in items {
            match self.window_value(key, &what, item, &example) {
                Some(w) if out.iter().any(|o| o.name == w.name) => {
                    let line = self.line_of_value(key, &w.name);
                    self.errors.push(
                        Diagnostic::in_file(
                            self.path,
                            format!("{what} lists the window \"{}\" twice", w.label),
                        )
                        .at_line(line)
                        .with_hint(
                            "list each window once: the slices are published once per window",
                        ),
                    );
                    ok = false;
                }
                Some(w) => out.push(w),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// One window value of `key` (`what` names it in errors): a preset name or a
    /// `{ center, width }` table.
    fn window_value(
        &mut self,
        key: &str,
        what: &str,
        value: Value,
        example: &str,
    ) -> Option<NamedWindow> {
        let names = preset_names();
        match value {
            Value::String(name) => {
                let w = NamedWindow::preset(name.trim());
                if w.is_none() {
                    let hint = match closest(name.trim(), names.iter().copied()) {
                        Some(best) => {
                            format!("did you mean \"{best}\"? Presets: {}", names.join(", "))
                        }
                        None => example.to_string(),
                    };
                    let line = self.line_of_value(key, &name);
                    self.errors.push(
                        Diagnostic::in_file(
                            self.path,
                            format!("{what} has an unknown preset \"{name}\""),
                        )
                        .at_line(line)
                        .with_hint(hint),
                    );
                }
                w
            }
            Value::Object(mut m) => {
                let center = m.remove("center").and_then(|v| v.as_f64());
                let width = m.remove("width").and_then(|v| v.as_f64());
                if let Some(unknown) = m.keys().next() {
                    let hint = match closest(unknown, ["center", "width"]) {
                        Some(b) => format!("did you mean `{b}`? {example}"),
                        None => example.to_string(),
                    };
                    self.error(key, format!("{what} has an unknown key `{unknown}`"), hint);
                    return None;
                }
                match (center, width) {
                    (Some(center), Some(width)) if width >= 1.0 && center.is_finite() => {
                        Some(NamedWindow::custom(center, width))
                    }
                    _ => {
                        self.error(
                            key,
                            format!("{what} needs a number `center` and a `width` of at least 1"),
                            example,
                        );
                        None
                    }
                }
            }
            other => {
                self.error(
                    key,
                    format!(
                        "{what} must be a preset name or a table, not {}",
                        describe(&other)
                    ),
                    example,
                );
                None
            }
        }
    }

    fn sex(&mut self, key: &str) -> Option<String> {
        let s = self.string(key)?;
        let normal = match s.trim().to_lowercase().as_str() {
            "f" | "female" => "female",
            "m" | "male" => "male",
            "other" | "x" => "other",
            "unknown" => "unknown",
            _ => {
                self.error(key, format!("`{key}` must be female, male, other or unknown, not \"{s}\""),
                    "write sex = \"female\" (or \"F\"), \"male\" (or \"M\"), \"other\" or \"unknown\"");
                return None;
            }
        };
        Some(normal.to_string())
    }

    fn age(&mut self, key: &str) -> Option<String> {
        match self.take(key)? {
            Value::Number(n) if n.as_u64().is_some() => Some(format!("{n} years")),
            Value::String(s) if !s.trim().is_empty() => Some(s),
            other => {
                self.error(
                    key,
                    format!(
                        "`{key}` must be a number of years or a text such as \"6 weeks\", not {}",
                        describe(&other)
                    ),
                    "write age = 45 or age = \"6 weeks\"",
                );
                None
            }
        }
    }

    /// Report every key left in the map as unknown, with the closest known one.
    fn finish(mut self, known: &[&str]) -> std::result::Result<(), Errors> {
        let left: Vec<String> = self.map.keys().cloned().collect();
        for key in left {
            let hint = match closest(&key, known.iter().copied()) {
                Some(best) => format!("did you mean `{best}`? Custom values go under [extra]"),
                None => "custom values go under [extra]; known keys are listed in the README"
                    .to_string(),
            };
            self.error(&key, format!("unknown front matter key `{key}`"), hint);
        }
        if self.errors.is_empty() {
            Ok(())
        } else {
            self.errors.sort_by_key(|d| d.line);
            Err(Errors(self.errors))
        }
    }
}

/// Read a page's front matter. `taxonomies` are the site's taxonomy names.
pub fn page(
    path: &Path,
    split: &Split<'_>,
    map: Map<String, Value>,
    taxonomies: &[&str],
) -> Result<PageFront> {
    let mut r = Reader::new(path, split, map);
    let title = r.string("title");
    if title.as_deref().is_none_or(|t| t.trim().is_empty()) && r.errors.is_empty() {
        r.errors.push(
            Diagnostic::in_file(path, "the page has no title")
                .at_line(split.front_line)
                .with_hint("add title = \"…\" to the front matter"),
        );
    }
    let front = PageFront {
        title: title.unwrap_or_default(),
        date: r.date("date"),
        updated: r.date("updated"),
        description: r.string("description"),
        authors: r.string_list("authors"),
        draft: r.bool("draft"),
        slug: r.string("slug"),
        aliases: r.string_list("aliases"),
        template: r.string("template"),
        weight: r.int("weight"),
        kind: r.kind("kind"),
        taxonomies: taxonomies
            .iter()
            .map(|t| (t.to_string(), r.string_list(t)))
            .collect(),
        extra: r.table("extra"),
        case: CaseMeta {
            age: r.age("age"),
            sex: r.sex("sex"),
            presentation: r.string("presentation"),
            diagnosis: r.string("diagnosis"),
            certainty: r.string("certainty"),
            differential: r.string_list("differential"),
            teaching_points: r.string_list("teaching_points"),
            quiz: r.bool("quiz"),
            quiz_title: r.string("quiz_title"),
            references: r.string_list("references"),
            license: r.string("license"),
            images_line: Some(r.line_of("images")),
            images: r.media_list(
                "images",
                "file",
                "{ file = \"ct.png\", alt = \"Axial CT …\", caption = \"…\" }",
                false,
            ),
            stacks_line: Some(r.line_of("stacks")),
            stacks: r.media_list(
                "stacks",
                "dir",
                "{ dir = \"axial\", alt = \"Axial CT, 48 slices\", caption = \"…\" }",
                true,
            ),
            card_image_line: Some(r.line_of("card_image")),
            card_image: r.string("card_image"),
            window: r.window("window"),
        },
    };
    // Acknowledgements are read and checked by the privacy guard, from the source.
    r.take("privacy");
    let known: Vec<&str> = PAGE_KEYS
        .iter()
        .chain(CASE_KEYS)
        .chain(taxonomies)
        .copied()
        .collect();
    r.finish(&known)?;
    Ok(front)
}

/// Read a section's front matter (`_index.md`).
pub fn section(path: &Path, split: &Split<'_>, map: Map<String, Value>) -> Result<SectionFront> {
    let mut r = Reader::new(path, split, map);
    let sort_by = match r.string("sort_by").as_deref() {
        None | Some("date") => SortBy::Date,
        Some("title") => SortBy::Title,
        Some("weight") => SortBy::Weight,
        Some(other) => {
            let other = other.to_string();
            r.error(
                "sort_by",
                format!("`sort_by` cannot be \"{other}\""),
                "use \"date\" (newest first), \"title\" or \"weight\"",
            );
            SortBy::Date
        }
    };
    let front = SectionFront {
        title: r.string("title"),
        description: r.string("description"),
        sort_by,
        paginate_by: r.count("paginate_by"),
        page_kind: r.kind("page_kind"),
        template: r.string("template"),
        page_template: r.string("page_template"),
        weight: r.int("weight"),
        extra: r.table("extra"),
    };
    r.take("privacy");
    r.finish(SECTION_KEYS)?;
    Ok(front)
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

fn preset_names() -> Vec<&'static str> {
    PRESETS.iter().map(|(n, _, _)| *n).collect()
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "nothing".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("\"{s}\""),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a table".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TAX: &[&str] = &["tags", "modality", "system"];

    fn page_of(text: &str) -> Result<PageFront> {
        let path = Path::new("a.md");
        let s = split(path, text)?;
        let map = parse(path, &s)?;
        page(path, &s, map, TAX)
    }

    #[test]
    fn splits_toml_and_yaml() {
        let s = split(Path::new("a.md"), "+++\ntitle = \"A\"\n+++\nbody\n").unwrap();
        assert_eq!(
            (s.format, s.front, s.body, s.front_line),
            (Format::Toml, "title = \"A\"\n", "body\n", 2)
        );
        let s = split(Path::new("a.md"), "\n---\ntitle: A\n---\n").unwrap();
        assert_eq!((s.format, s.front_line), (Format::Yaml, 3));
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let e = split(Path::new("a.md"), "+++\ntitle = \"A\"\nbody").unwrap_err();
        assert!(e.0[0].message.contains("never closed"));
    }

    #[test]
    fn reads_case_keys_from_toml() {
        let p = page_of("+++\ntitle = \"A\"\ndate = 2024-05-02\nmodality = \"CT\"\nage = 45\nsex = \"F\"\ndifferential = [\"x\", \"y\"]\nquiz = true\n+++\n").unwrap();
        assert_eq!(p.taxonomies["modality"], ["CT"]);
        assert_eq!(p.case.age.as_deref(), Some("45 years"));
        assert_eq!(p.case.sex.as_deref(), Some("female"));
        assert!(p.case.quiz);
        assert_eq!(p.date.unwrap().format("%Y-%m-%d").to_string(), "2024-05-02");
    }

    #[test]
    fn reads_the_card_image_and_its_line() {
        let p = page_of("+++\ntitle = \"A\"\n\ncard_image = \"ct.png\"\n+++\n").unwrap();
        assert_eq!(p.case.card_image.as_deref(), Some("ct.png"));
        assert_eq!(p.case.card_image_line, Some(4));
        let e = page_of("+++\ntitle = \"A\"\ncard_imag = \"ct.png\"\n+++\n").unwrap_err();
        assert!(e.0[0].hint.as_deref().unwrap().contains("`card_image`"));
    }

    #[test]
    fn stacks_read_their_windows_in_order() {
        let p = page_of("+++\ntitle = \"A\"\nstacks = [{ dir = \"ax\", alt = \"Ax\", windows = [\"brain\", { center = -600, width = 1500 }] }]\n+++\n").unwrap();
        let w = &p.case.stacks[0].windows;
        assert_eq!(
            w.iter()
                .map(|w| (w.name.as_str(), w.label.as_str()))
                .collect::<Vec<_>>(),
            [("brain", "brain"), ("c-600-w1500", "C -600 / W 1500")]
        );
        assert_eq!(w[0].window, Window::preset("brain").unwrap());
        // YAML, over several lines: the error is on the line of the bad name.
        let e = page_of("---\ntitle: A\nstacks:\n  - dir: ax\n    alt: Ax\n    windows:\n      - brain\n      - lugn\n---\n").unwrap_err();
        assert_eq!(e.0[0].line, Some(8), "{:?}", e.0[0]);
        assert!(e.0[0].hint.as_deref().unwrap().contains("\"lung\""));
    }

    #[test]
    fn reads_yaml_with_string_date() {
        let p = page_of("---\ntitle: A\ndate: \"2024-05-02\"\ntags: [a, b]\n---\n").unwrap();
        assert_eq!(p.taxonomies["tags"], ["a", "b"]);
        assert!(p.date.is_some());
    }

    #[test]
    fn unknown_key_names_line_and_closest() {
        let e = page_of("+++\ntitle = \"A\"\ndiagnosys = \"x\"\n+++\n").unwrap_err();
        assert_eq!(e.0[0].line, Some(3));
        assert!(e.0[0].hint.as_deref().unwrap().contains("`diagnosis`"));
    }

    #[test]
    fn type_errors_name_the_line() {
        let e = page_of("+++\ntitle = \"A\"\n\ntags = 5\n+++\n").unwrap_err();
        assert_eq!(e.0[0].line, Some(4));
        assert!(e.0[0].message.contains("list"));
        let e = page_of("---\ntitle: A\ndate: 2024-13-45\n---\n").unwrap_err();
        assert_eq!(e.0[0].line, Some(3));
    }

    #[test]
    fn missing_title_and_missing_alt_are_errors() {
        let e = page_of("+++\ndate = 2024-01-01\n+++\n").unwrap_err();
        assert!(e.0[0].message.contains("no title"));
        let e = page_of("+++\ntitle = \"A\"\nimages = [{ file = \"a.png\" }]\n+++\n").unwrap_err();
        assert!(e.0[0].message.contains("alt"));
    }

    #[test]
    fn syntax_errors_carry_file_lines() {
        let e = page_of("\n+++\ntitle = \"A\n+++\n").unwrap_err();
        assert_eq!(e.0[0].line, Some(3));
        let e = page_of("---\ntitle: A\ntags: [a, b\n---\n").unwrap_err();
        assert!(e.0[0].line.is_some_and(|l| l >= 3), "{:?}", e.0[0]);
    }

    #[test]
    fn dates_in_several_forms() {
        for s in [
            "2024-05-02",
            "2024-05-02T10:00:00Z",
            "2024-05-02 10:00:00",
            "2024-05-02T10:00:00+02:00",
        ] {
            assert!(parse_date(s).is_some(), "{s}");
        }
        assert!(parse_date("02/05/2024").is_none());
    }
}
