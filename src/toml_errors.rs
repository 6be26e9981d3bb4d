//! Turning `toml` parse and type errors into diagnostics with a line, a column and a hint.
//!
//! Shared by `config.toml` and TOML front matter so both read the same to a user. The `toml`
//! crate and serde word their errors for programmers ("invalid type: integer `5`, expected
//! usize"); here each is said again in plain words, naming the key (found in the parsed text
//! by the error's position), the value as written and what the key takes.

use std::ops::Range;
use std::path::Path;

use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, closest};

/// Convert a TOML error on `source` (the text that was parsed) into a diagnostic for `path`.
/// `line_offset` is the number of lines in the file before `source` starts.
pub fn diagnostic(
    path: &Path,
    source: &str,
    err: &toml::de::Error,
    line_offset: usize,
) -> Diagnostic {
    let raw = err.message().trim();
    let span = err.span();
    let (message, hint) = translate(raw, source, span.clone());
    let mut d = Diagnostic::in_file(path, message);
    d = match span {
        Some(span) => {
            let (line, column) = line_col(source, span.start);
            d.at(line + line_offset, column)
        }
        // Without a position (a key nested past the parser's limit) the error is somewhere in
        // this text: its first line.
        None => d.at_line(line_offset + 1),
    };
    d.with_hint(hint)
}

/// 1-based line and column of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(offset, |nl| offset - nl - 1) + 1;
    (line, column)
}

const SYNTAX_HINT: &str = "check the TOML syntax on this line: text goes in double quotes, \
                           lists in [ ], one `key = value` per line, tables as [name]";

/// The message and hint for the error `raw` at `span` of `source`.
fn translate(raw: &str, source: &str, span: Option<Range<usize>>) -> (String, String) {
    if raw == "duplicate key" {
        let key = span
            .as_ref()
            .and_then(|s| source.get(s.clone()))
            .map(|k| k.trim().trim_matches(['"', '\'']))
            .filter(|k| !k.is_empty());
        return match key {
            Some(key) => (
                format!("`{key}` is written twice"),
                format!(
                    "keep one of them: a key may be set only once in a table (remove or rename this `{key}`)"
                ),
            ),
            None => (
                "a key is written twice".to_string(),
                "keep one of them: a key may be set only once in a table".to_string(),
            ),
        };
    }
    if raw.contains("recurse") || raw.contains("recursion") {
        return (
            "the values here are nested too deep".to_string(),
            "nest lists and tables a few levels at most; keep large data in a file of its own \
             next to the page"
                .to_string(),
        );
    }
    // Everything below is about a value of a text that parsed: find the key it belongs to.
    let found = span.and_then(|s| locate(source, s.start));
    let (name, value) = match &found {
        Some(f) => (
            f.name(),
            f.value.as_ref().map(|(v, at)| shown(v, at, source)),
        ),
        None => ("this key".to_string(), None),
    };
    let key = found
        .as_ref()
        .and_then(|f| f.path.iter().rev().find_map(|s| s.key()))
        .unwrap_or("key");
    if let Some(field) = quoted(raw, "missing field `") {
        let place = found
            .as_ref()
            .filter(|f| !f.path.is_empty())
            .map_or("config.toml".to_string(), |f| f.table_name());
        return (
            format!("`{field}` is missing from {place}"),
            format!("add {field} = … to it (see the README for what it takes)"),
        );
    }
    let value_words = value.clone().unwrap_or_else(|| "this value".to_string());
    let in_list = matches!(
        found.as_ref().and_then(|f| f.path.last()),
        Some(Step::Index(_))
    );
    // serde reads a TOML date as a table with one private key.
    if quoted(raw, "unknown field `").is_some_and(|f| f.starts_with("$__toml_private")) {
        return (
            format!("{name} must be a table, not {value_words}"),
            Wants::Table.hint(key, in_list),
        );
    }
    if let Some(field) = quoted(raw, "unknown field `") {
        let valid: Vec<&str> = raw.split_once("expected").map_or(Vec::new(), |(_, rest)| {
            rest.split('`').skip(1).step_by(2).collect()
        });
        let place = found
            .as_ref()
            .map(|f| f.table_name_of_key())
            .unwrap_or_default();
        let list = valid.join(", ");
        let hint = match closest(field, valid.iter().copied()) {
            Some(best) => format!("did you mean `{best}`? Valid keys here: {list}"),
            None if valid.is_empty() => "remove it: radcase does not know this key".to_string(),
            None => format!("valid keys here: {list}"),
        };
        return (format!("unknown key `{field}`{place}"), hint);
    }
    if let Some(variant) = quoted(raw, "unknown variant `") {
        let choices: Vec<String> = raw.split_once("expected").map_or(Vec::new(), |(_, rest)| {
            rest.split('`')
                .skip(1)
                .step_by(2)
                .map(|c| format!("\"{c}\""))
                .collect()
        });
        let choices = format!("use one of {}", choices.join(", "));
        // A table given for a choice reads as `{ variant = … }`: the error is at its first key.
        if let Some(f) = found.as_ref().filter(|f| {
            f.path.len() > 1 && matches!(f.path.last(), Some(Step::Key(k)) if k == variant)
        }) {
            let parent = Found {
                path: f.path[..f.path.len() - 1].to_vec(),
                value: None,
            };
            return (
                format!("{} must be text, not a table", parent.name()),
                choices,
            );
        }
        return (format!("{name} cannot be \"{variant}\""), choices);
    }
    let value = value_words;
    if raw.contains(" as i128") {
        return (
            format!("{name} is too large: {value}"),
            "use a smaller whole number".to_string(),
        );
    }
    let expected = raw.rsplit_once("expected ").map(|(_, e)| e.trim());
    let wants = if raw.starts_with("wanted string") {
        Some(Wants::Text)
    } else {
        expected.and_then(Wants::from_serde)
    };
    match wants {
        Some(w) => {
            let negative = raw.starts_with("invalid value") && value.contains('-');
            let what = if negative && w == Wants::Number {
                "a whole number of 0 or more"
            } else {
                w.words()
            };
            (
                format!("{name} must be {what}, not {value}"),
                w.hint(key, in_list),
            )
        }
        None if found.is_some() => (
            format!("{name} cannot be {value}"),
            "see the README for the values this key takes".to_string(),
        ),
        None => (raw.to_string(), SYNTAX_HINT.to_string()),
    }
}

/// The text between `prefix` and the next backquote of `raw`.
fn quoted<'r>(raw: &'r str, prefix: &str) -> Option<&'r str> {
    raw.strip_prefix(prefix)?.split('`').next()
}

/// What a key takes, as far as an error message says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wants {
    Text,
    Bool,
    Number,
    List,
    Table,
}

impl Wants {
    fn from_serde(expected: &str) -> Option<Wants> {
        let e = expected.trim_end_matches(['.', ' ']);
        Some(match e {
            _ if e.contains("string") || e == "a character" => Wants::Text,
            "a boolean" => Wants::Bool,
            "a sequence" => Wants::List,
            _ if e == "a map" || e.starts_with("struct ") => Wants::Table,
            _ if e.starts_with(['u', 'i', 'f']) && e[1..].chars().all(|c| c.is_ascii_digit())
                || e == "usize"
                || e == "isize" =>
            {
                Wants::Number
            }
            _ => return None,
        })
    }

    fn words(self) -> &'static str {
        match self {
            Wants::Text => "text",
            Wants::Bool => "true or false",
            Wants::Number => "a whole number",
            Wants::List => "a list",
            Wants::Table => "a table",
        }
    }

    /// How to write it; `entry`: the value is an entry of the list `key`.
    fn hint(self, key: &str, entry: bool) -> String {
        if entry {
            return match self {
                Wants::Text => format!("write every entry in quotes: {key} = [\"…\", \"…\"]"),
                Wants::Number => {
                    format!("write whole numbers without quotes: {key} = [480, 960]")
                }
                Wants::Table => format!("write each entry as a [[{key}]] table, its keys below"),
                other => format!("every entry of `{key}` must be {}", other.words()),
            };
        }
        match self {
            Wants::Text => format!("write it in quotes: {key} = \"…\""),
            Wants::Bool => format!("write {key} = true or {key} = false (no quotes)"),
            Wants::Number => format!("write a whole number without quotes, e.g. {key} = 10"),
            Wants::List => format!("write it as a list: {key} = [ … ]"),
            Wants::Table => {
                format!("write it as a table: [{key}] on a line of its own, its keys below")
            }
        }
    }
}

/// One step of the way to a value: a key, or an entry of a list.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

impl Step {
    fn key(&self) -> Option<&str> {
        match self {
            Step::Key(k) => Some(k),
            Step::Index(_) => None,
        }
    }
}

/// The key an error position belongs to, and its value with where the value starts.
struct Found<'s> {
    path: Vec<Step>,
    value: Option<(DeValue<'s>, Range<usize>)>,
}

impl Found<'_> {
    /// "`quality` in [images]", "entry 2 of `widths` in [images]", "`paginate_by` in
    /// [[taxonomies]] entry 1".
    fn name(&self) -> String {
        let Some((last, parents)) = self.path.split_last() else {
            return "the file".to_string();
        };
        match last {
            Step::Key(k) => format!("`{k}`{}", where_(parents)),
            Step::Index(i) => match parents.split_last() {
                Some((Step::Key(k), rest)) => format!("entry {} of `{k}`{}", i + 1, where_(rest)),
                _ => format!("entry {}", i + 1),
            },
        }
    }

    /// The table the value is (for a missing key): "[[menu]] entry 1", "[images]".
    fn table_name(&self) -> String {
        table_words(&self.path)
    }

    /// " in [images]" for a key inside a table, else nothing.
    fn table_name_of_key(&self) -> String {
        match self.path.split_last() {
            Some((Step::Key(_), parents)) => where_(parents),
            _ => String::new(),
        }
    }
}

fn where_(parents: &[Step]) -> String {
    if parents.is_empty() {
        String::new()
    } else {
        format!(" in {}", table_words(parents))
    }
}

fn table_words(path: &[Step]) -> String {
    match path {
        [] => "config.toml".to_string(),
        [.., Step::Index(i)] => {
            let head: Vec<&str> = path.iter().filter_map(Step::key).collect();
            format!("[[{}]] entry {}", head.join("."), i + 1)
        }
        _ => format!(
            "[{}]",
            path.iter()
                .filter_map(Step::key)
                .collect::<Vec<_>>()
                .join(".")
        ),
    }
}

/// The innermost key of `source` whose value holds byte `offset` (or whose key starts there).
fn locate(source: &str, offset: usize) -> Option<Found<'_>> {
    let table = DeTable::parse(source).ok()?;
    let mut path = Vec::new();
    let value = walk_table(table.get_ref(), offset, &mut path);
    Some(Found { path, value })
}

/// Tables written as `[name]` do not span their keys, so every table is searched, not only
/// one whose span holds the offset.
fn walk_table<'s>(
    table: &DeTable<'s>,
    offset: usize,
    path: &mut Vec<Step>,
) -> Option<(DeValue<'s>, Range<usize>)> {
    for (k, v) in table.iter() {
        let span = v.span();
        path.push(Step::Key(k.get_ref().to_string()));
        let here = span.contains(&offset) || span.start == offset || k.span().contains(&offset);
        if let Some(found) = walk_value(v.get_ref(), span, offset, path, here) {
            return Some(found);
        }
        path.pop();
    }
    None
}

/// The innermost value at `offset` inside `value`; `value` itself when `here` (its span holds
/// the offset) and nothing inside it does.
fn walk_value<'s>(
    value: &DeValue<'s>,
    span: Range<usize>,
    offset: usize,
    path: &mut Vec<Step>,
    here: bool,
) -> Option<(DeValue<'s>, Range<usize>)> {
    match value {
        DeValue::Table(t) => {
            if let Some(inner) = walk_table(t, offset, path) {
                return Some(inner);
            }
        }
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let s = item.span();
                path.push(Step::Index(i));
                let item_here = s.contains(&offset) || s.start == offset;
                if let Some(found) = walk_value(item.get_ref(), s, offset, path, item_here) {
                    return Some(found);
                }
                path.pop();
            }
        }
        _ => {}
    }
    here.then(|| (value.clone(), span))
}

/// A value as a message shows it; numbers and dates as written.
fn shown(value: &DeValue<'_>, span: &Range<usize>, source: &str) -> String {
    let written = source.get(span.clone()).map(str::trim).unwrap_or_default();
    match value {
        DeValue::String(s) => format!("\"{s}\""),
        DeValue::Integer(_) | DeValue::Float(_) => format!("the number {written}"),
        DeValue::Boolean(b) => format!("the boolean {b}"),
        DeValue::Datetime(d) => format!("the date {d}"),
        DeValue::Array(_) => "a list".to_string(),
        DeValue::Table(_) => "a table".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> Diagnostic {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Images {
            quality: Option<u8>,
            widths: Option<Vec<u32>>,
        }
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Raw {
            title: String,
            limit: Option<usize>,
            images: Option<Images>,
        }
        let e = toml::from_str::<Raw>(text).unwrap_err();
        diagnostic(Path::new("config.toml"), text, &e, 0)
    }

    #[test]
    fn line_col_counts_from_one() {
        let src = "a = 1\nbb = 2\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 6), (2, 1));
        assert_eq!(line_col(src, 8), (2, 3));
    }

    #[test]
    fn unknown_field_suggests_closest() {
        let d = error("title = \"T\"\ntitel = \"x\"\n");
        assert_eq!(d.message, "unknown key `titel`");
        assert!(d.hint.unwrap().starts_with("did you mean `title`?"));
        let d = error("title = \"T\"\n[images]\nqualty = 3\n");
        assert_eq!(d.message, "unknown key `qualty` in [images]");
    }

    #[test]
    fn type_errors_name_the_key_the_value_and_the_type() {
        let d = error("title = 5\n");
        assert_eq!(d.message, "`title` must be text, not the number 5");
        assert_eq!(
            (d.line, d.hint.as_deref()),
            (Some(1), Some("write it in quotes: title = \"…\""))
        );
        let d = error("title = \"T\"\nlimit = -1\n");
        assert_eq!(
            d.message,
            "`limit` must be a whole number of 0 or more, not the number -1"
        );
        let d = error("title = \"T\"\nlimit = 99999999999999999999\n");
        assert!(d.message.starts_with("`limit` is"), "{}", d.message);
        let d = error("title = \"T\"\n[images]\nwidths = [480, \"x\"]\n");
        assert_eq!(
            d.message,
            "entry 2 of `widths` in [images] must be a whole number, not \"x\""
        );
        let d = error("title = [\"T\"]\n");
        assert_eq!(d.message, "`title` must be text, not a list");
    }
}
