//! Front matter parsed into one tree for both formats, every node with its byte range in the
//! file, so every later error and every privacy finding points at the right line without
//! searching the text again.

use std::ops::Range;
use std::path::Path;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, Result};
use crate::toml_errors;

/// A value of the front matter, where it is in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    /// Byte range in the file's text (for tables and lists: where they start).
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// A whole number too large for 64 bits, as written: kept apart so that a type check can
    /// say so and the privacy guard reads its digits (a record number), not a rounded float.
    BigInt(String),
    Str(String),
    /// A TOML date or datetime, as written (`2024-05-02`, `2024-05-02T14:30:00Z`).
    Date(String),
    List(Vec<Node>),
    Table(Table),
}

/// A table in source order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    /// Byte range of the key in the file.
    pub key_span: Range<usize>,
    pub node: Node,
}

impl Table {
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }
}

impl Value {
    /// What kind of value this is, for error messages ("a list", "the number 5").
    pub fn describe(&self) -> String {
        match self {
            Value::Null => "nothing".into(),
            Value::Bool(b) => format!("the boolean {b}"),
            Value::Int(n) => format!("the number {n}"),
            Value::Float(n) => format!("the number {n}"),
            Value::BigInt(n) => format!("the number {n}"),
            Value::Str(s) => format!("\"{s}\""),
            Value::Date(d) => format!("the date {d}"),
            Value::List(_) => "a list".into(),
            Value::Table(_) => "a table".into(),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value as plain JSON, for `[extra]` (which templates read as they like).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(n) => J::from(*n),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Str(s) | Value::Date(s) | Value::BigInt(s) => J::String(s.clone()),
            Value::List(items) => J::Array(items.iter().map(|n| n.value.to_json()).collect()),
            Value::Table(t) => J::Object(
                t.entries
                    .iter()
                    .map(|e| (e.key.clone(), e.node.value.to_json()))
                    .collect(),
            ),
        }
    }
}

/// Parse TOML front matter at `front` (a byte range of `text`, the whole file).
pub fn parse_toml(path: &Path, text: &str, front: Range<usize>) -> Result<Table> {
    let src = &text[front.clone()];
    let lines_before = text[..front.start].matches('\n').count();
    let parsed =
        DeTable::parse(src).map_err(|e| toml_errors::diagnostic(path, src, &e, lines_before))?;
    Ok(toml_table(parsed.get_ref(), front.start))
}

fn toml_table(table: &DeTable<'_>, at: usize) -> Table {
    let mut entries: Vec<Entry> = table
        .iter()
        .map(|(k, v)| Entry {
            key: k.get_ref().to_string(),
            key_span: shift(k.span(), at),
            node: toml_node(v.get_ref(), shift(v.span(), at), at),
        })
        .collect();
    // The parser keeps keys sorted by name; authors think in file order.
    entries.sort_by_key(|e| e.key_span.start);
    Table { entries }
}

fn toml_node(v: &DeValue<'_>, span: Range<usize>, at: usize) -> Node {
    let value = match v {
        DeValue::String(s) => Value::Str(s.to_string()),
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .map(Value::Int)
            .unwrap_or_else(|_| Value::BigInt(i.to_string())),
        DeValue::Float(f) => f
            .as_str()
            .parse::<f64>()
            .map_or_else(|_| Value::Str(f.to_string()), Value::Float),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::Date(d.to_string()),
        DeValue::Array(a) => Value::List(
            a.iter()
                .map(|n| toml_node(n.get_ref(), shift(n.span(), at), at))
                .collect(),
        ),
        DeValue::Table(t) => Value::Table(toml_table(t, at)),
    };
    Node { value, span }
}

fn shift(r: Range<usize>, by: usize) -> Range<usize> {
    r.start + by..r.end + by
}

/// Parse YAML front matter at `front` (a byte range of `text`, the whole file).
pub fn parse_yaml(path: &Path, text: &str, front: Range<usize>) -> Result<Table> {
    let src = &text[front.clone()];
    let front_line = text[..front.start].matches('\n').count() + 1;
    if src.trim().is_empty() {
        return Ok(Table::default());
    }
    let parsed: serde_saphyr::Spanned<Yaml> = serde_saphyr::from_str(src).map_err(|e| {
        let (message, hint) = yaml_problem(&e);
        let mut d = Diagnostic::in_file(path, message);
        if let Some(loc) = e.location() {
            d = d.at(loc.line() as usize + front_line - 1, loc.column() as usize);
        }
        d.with_hint(hint)
    })?;
    match yaml_node(parsed, src, front.start).value {
        Value::Table(t) => Ok(t),
        Value::Null => Ok(Table::default()),
        _ => Err(
            Diagnostic::in_file(path, "the front matter is not a set of `key: value` lines")
                .at_line(front_line)
                .into(),
        ),
    }
}

/// The message and hint for a YAML error. serde-saphyr words the limits that keep a hostile
/// document from costing memory and time for programmers ("budget breached: Nodes { nodes:
/// 250001 }", "set DuplicateKeyPolicy in Options"): those are said again in plain words.
fn yaml_problem(e: &serde_saphyr::Error) -> (String, String) {
    use serde_saphyr::Error as E;
    use serde_saphyr::budget::BudgetBreach as B;
    const TOO_DEEP: (&str, &str) = (
        "the values here are nested too deep",
        "nest lists and tables a few levels at most; keep large data in a file of its own next to the page",
    );
    const ANCHORS: (&str, &str) = (
        "the front matter repeats its anchors (`&name` … `*name`) too often",
        "write the values out where they are used; front matter is a page's settings, not a data file",
    );
    // The error an alias or a snippet wraps is the one to explain.
    let mut inner = e;
    while let E::AliasError { error, .. } | E::WithSnippet { error, .. } = inner {
        inner = error;
    }
    let (message, hint) = match inner {
        E::DuplicateMappingKey { key: Some(key), .. } => {
            return (
                format!("`{key}` is written twice"),
                format!(
                    "keep one of them: a key may be set only once in a table (remove or rename this `{key}`)"
                ),
            );
        }
        E::DuplicateMappingKey { key: None, .. } => (
            "a key is written twice",
            "keep one of them: a key may be set only once in a table",
        ),
        E::Budget { breach, .. } => match breach {
            B::Depth { .. } => TOO_DEEP,
            B::Aliases { .. } | B::Anchors { .. } | B::AliasAnchorRatio { .. } => ANCHORS,
            _ => (
                "the front matter is too large: it holds more values than radcase reads in one file",
                "keep large data in a file of its own next to the page; front matter is a page's settings",
            ),
        },
        E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => ANCHORS,
        _ => {
            let message = yaml_message(e);
            if message.contains("recursion") {
                TOO_DEEP
            } else {
                return (
                    message,
                    "check the YAML syntax: `key: value`, lists as `[a, b]` or `- a` lines"
                        .to_string(),
                );
            }
        }
    };
    (message.to_string(), hint.to_string())
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

/// A YAML value as serde-saphyr hands it over, each part with its location.
enum Yaml {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<serde_saphyr::Spanned<Yaml>>),
    Map(Vec<(serde_saphyr::Spanned<String>, serde_saphyr::Spanned<Yaml>)>),
}

fn location_span(loc: &serde_saphyr::Location, at: usize) -> Range<usize> {
    let start = loc.span().byte_offset().unwrap_or(0) as usize + at;
    let len = loc.span().byte_len().unwrap_or(0) as usize;
    start..start + len
}

/// `src` is the front matter text, which starts at byte `at` of the file.
fn yaml_node(v: serde_saphyr::Spanned<Yaml>, src: &str, at: usize) -> Node {
    let span = location_span(&v.referenced, at);
    let value = match v.value {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Int(i) => Value::Int(i),
        // A whole number beyond 64 bits reaches us as a float: keep what was written.
        Yaml::Float(f) if f.fract() == 0.0 && f.abs() >= 9.2e18 => {
            match whole_number(text_at(src, &span, at)) {
                Some(digits) => Value::BigInt(digits.to_string()),
                None => Value::Float(f),
            }
        }
        Yaml::Float(f) => Value::Float(f),
        Yaml::Str(s) => Value::Str(s),
        Yaml::List(items) => {
            Value::List(items.into_iter().map(|n| yaml_node(n, src, at)).collect())
        }
        Yaml::Map(entries) => Value::Table(Table {
            entries: entries
                .into_iter()
                .map(|(k, v)| Entry {
                    key_span: location_span(&k.referenced, at),
                    key: k.value,
                    node: yaml_node(v, src, at),
                })
                .collect(),
        }),
    };
    Node { value, span }
}

fn text_at<'s>(src: &'s str, span: &Range<usize>, at: usize) -> &'s str {
    src.get(span.start.saturating_sub(at)..span.end.saturating_sub(at))
        .unwrap_or_default()
}

/// `text` if it is a whole number as written in YAML (digits, a sign, `_` separators).
fn whole_number(text: &str) -> Option<&str> {
    let t = text.trim();
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit() || c == '_')).then_some(t)
}

impl<'de> Deserialize<'de> for Yaml {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Yaml, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Yaml;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a YAML value")
            }
            fn visit_unit<E>(self) -> std::result::Result<Yaml, E> {
                Ok(Yaml::Null)
            }
            fn visit_none<E>(self) -> std::result::Result<Yaml, E> {
                Ok(Yaml::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Yaml, D::Error> {
                Yaml::deserialize(d)
            }
            fn visit_bool<E>(self, b: bool) -> std::result::Result<Yaml, E> {
                Ok(Yaml::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> std::result::Result<Yaml, E> {
                Ok(Yaml::Int(n))
            }
            fn visit_u64<E>(self, n: u64) -> std::result::Result<Yaml, E> {
                Ok(i64::try_from(n).map_or(Yaml::Float(n as f64), Yaml::Int))
            }
            fn visit_f64<E>(self, n: f64) -> std::result::Result<Yaml, E> {
                Ok(Yaml::Float(n))
            }
            fn visit_str<E>(self, s: &str) -> std::result::Result<Yaml, E> {
                Ok(Yaml::Str(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> std::result::Result<Yaml, E> {
                Ok(Yaml::Str(s))
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Yaml, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Yaml::List(items))
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Yaml, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key()? {
                    entries.push((key, map.next_value()?));
                }
                Ok(Yaml::Map(entries))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toml(text: &str) -> Table {
        let end = text.len();
        parse_toml(Path::new("a.md"), text, 0..end).unwrap()
    }

    fn yaml(text: &str) -> Table {
        let end = text.len();
        parse_yaml(Path::new("a.md"), text, 0..end).unwrap()
    }

    #[test]
    fn toml_nodes_know_where_they_are_and_keep_file_order() {
        let text = "title = \"A\"\ndate = 2024-05-02\n[extra]\nrole = 'r'\n";
        let t = toml(text);
        let keys: Vec<&str> = t.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["title", "date", "extra"]);
        let title = &t.get("title").unwrap().node;
        assert_eq!(&text[title.span.clone()], "\"A\"");
        assert_eq!(
            t.get("date").unwrap().node.value,
            Value::Date("2024-05-02".into())
        );
        let Value::Table(extra) = &t.get("extra").unwrap().node.value else {
            panic!("extra is a table")
        };
        assert_eq!(&text[extra.get("role").unwrap().node.span.clone()], "'r'");
    }

    #[test]
    fn yaml_nodes_know_where_they_are() {
        let text = "title: A\ntags: [x, \"y\"]\nimages:\n  - file: a.png\n    alt: An image\n";
        let t = yaml(text);
        let Value::List(tags) = &t.get("tags").unwrap().node.value else {
            panic!("a list")
        };
        assert_eq!(&text[tags[1].span.clone()], "\"y\"");
        let Value::List(images) = &t.get("images").unwrap().node.value else {
            panic!("a list")
        };
        let Value::Table(first) = &images[0].value else {
            panic!("a table")
        };
        let alt = first.get("alt").unwrap();
        assert_eq!(&text[alt.key_span.clone()], "alt");
        assert_eq!(&text[alt.node.span.clone()], "An image");
    }

    #[test]
    fn offsets_count_from_the_start_of_the_file() {
        let text = "+++\ntitle = \"A\"\n+++\n";
        let t = parse_toml(Path::new("a.md"), text, 4..16).unwrap();
        assert_eq!(&text[t.get("title").unwrap().node.span.clone()], "\"A\"");
        let e = parse_toml(Path::new("a.md"), "+++\n\ntitle = \"A\n+++\n", 4..15).unwrap_err();
        assert_eq!(e.0[0].line, Some(3));
        let e = parse_yaml(
            Path::new("a.md"),
            "---\ntitle: A\ntags: [a, b\n---\n",
            4..23,
        )
        .unwrap_err();
        assert!(e.0[0].line.is_some_and(|l| l >= 3), "{:?}", e.0[0]);
    }
}
