//! Acknowledgements: a page says that a finding is not about a real person, and why.
//!
//! ```toml
//! [[privacy.acknowledge]]
//! rule = "patient-name"
//! text = "Mr. Bones"
//! reason = "fictional teaching name"
//! ```
//!
//! An acknowledgement covers the findings of its rule in its own file (and, for a bundle's
//! `index.md`, in the names of the bundle's files) whose identifier is part of `text`, where
//! `text` appears around the finding. One that covers nothing is stale: reported, so that an
//! acknowledgement cannot outlive the text it was written for and silently cover a new one.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::rules::{self, Rule};
use super::scan::Finding;
use crate::content::front_matter::Split;
use crate::diagnostic::{Diagnostic, closest};

const FIELDS: [&str; 3] = ["rule", "text", "reason"];
const EXAMPLE: &str = "[[privacy.acknowledge]]\nrule = \"patient-name\"\ntext = \"Mr. Bones\"\nreason = \"fictional teaching name\"";

#[derive(Debug, Clone)]
pub struct Ack {
    pub path: PathBuf,
    pub line: usize,
    /// 1-based position among the file's acknowledgements.
    pub number: usize,
    pub rule: &'static Rule,
    pub text: String,
    pub reason: String,
}

impl Ack {
    /// Whether this acknowledgement covers `finding` (its scope is checked by the caller).
    pub fn covers(&self, finding: &Finding) -> bool {
        let text = self.text.trim();
        if rules::is_pixel_rule(self.rule) {
            // A DICOM file is named by its path in the bundle, its name, or its stack folder.
            let folder = format!("{}/", text.trim_end_matches('/'));
            return finding.rule.name == self.rule.name
                && !text.is_empty()
                && (finding.id == text
                    || finding.id.rsplit('/').next() == Some(text)
                    || finding.id.starts_with(&folder));
        }
        finding.rule.name == self.rule.name
            && !text.is_empty()
            && text.contains(finding.id.trim())
            && (finding.context.contains(text) || finding.id.contains(text))
    }

    pub fn stale(&self) -> Diagnostic {
        Diagnostic::in_file(
            &self.path,
            format!(
                "privacy: acknowledgement {} (rule `{}`) matches no finding",
                self.number, self.rule.name
            ),
        )
        .at_line(self.line)
        .with_hint(
            "remove it if the text is gone; otherwise make `text` the exact words as they appear in this file",
        )
    }
}

/// Read `privacy.acknowledge` from a parsed front matter map. Errors name the line.
pub fn read(
    path: &Path,
    split: &Split<'_>,
    map: &Map<String, Value>,
) -> (Vec<Ack>, Vec<Diagnostic>) {
    let mut acks = Vec::new();
    let mut errors = Vec::new();
    let Some(privacy) = map.get("privacy") else {
        return (acks, errors);
    };
    let base_line = line_of(split, "privacy", 0);
    let err = |line: usize, msg: String, hint: String| {
        Diagnostic::in_file(path, msg).at_line(line).with_hint(hint)
    };
    let Value::Object(privacy) = privacy else {
        errors.push(err(
            base_line,
            "`privacy` must be a table of acknowledgements".into(),
            format!("write it as\n{EXAMPLE}"),
        ));
        return (acks, errors);
    };
    for key in privacy.keys().filter(|k| *k != "acknowledge") {
        let hint = match closest(key, ["acknowledge"]) {
            Some(b) => format!("did you mean `{b}`? Write\n{EXAMPLE}"),
            None => format!("`privacy` only takes `acknowledge`:\n{EXAMPLE}"),
        };
        errors.push(err(base_line, format!("unknown key `privacy.{key}`"), hint));
    }
    let entries = match privacy.get("acknowledge") {
        None => return (acks, errors),
        Some(Value::Array(a)) => a.as_slice(),
        Some(_) => {
            errors.push(err(
                base_line,
                "`privacy.acknowledge` must be a list of tables".into(),
                format!("write each as\n{EXAMPLE}"),
            ));
            return (acks, errors);
        }
    };
    let mut search_from = base_line;
    for (i, entry) in entries.iter().enumerate() {
        let number = i + 1;
        let Value::Object(entry) = entry else {
            errors.push(err(
                base_line,
                format!("acknowledgement {number} must be a table"),
                format!("write it as\n{EXAMPLE}"),
            ));
            continue;
        };
        let field = |k: &str| entry.get(k).and_then(Value::as_str).map(str::trim);
        let line = field("rule")
            .map(|r| line_of(split, r, search_from))
            .unwrap_or(search_from);
        search_from = line;
        let mut ok = true;
        for key in entry.keys().filter(|k| !FIELDS.contains(&k.as_str())) {
            let hint = closest(key, FIELDS).map_or_else(
                || format!("an acknowledgement takes {}", FIELDS.join(", ")),
                |b| {
                    format!(
                        "did you mean `{b}`? An acknowledgement takes {}",
                        FIELDS.join(", ")
                    )
                },
            );
            errors.push(err(
                line,
                format!("acknowledgement {number} has an unknown key `{key}`"),
                hint,
            ));
            ok = false;
        }
        for key in FIELDS {
            if field(key).is_none_or(str::is_empty) {
                let why = match key {
                    "rule" => "which rule it answers",
                    "text" => "the exact text it covers",
                    _ => "why it is not about a real person",
                };
                errors.push(err(
                    line,
                    format!("acknowledgement {number} has no `{key}`"),
                    format!("add {key} = \"…\": {why}"),
                ));
                ok = false;
            }
        }
        let name = field("rule").unwrap_or_default();
        let rule = rules::rule(name);
        if rule.is_none() && !name.is_empty() {
            let all: Vec<&str> = rules::names().collect();
            let hint = match closest(name, all.iter().copied()) {
                Some(b) => format!("did you mean \"{b}\"? Rules: {}", all.join(", ")),
                None => format!("rules: {}", all.join(", ")),
            };
            errors.push(err(
                line,
                format!("acknowledgement {number} names an unknown rule \"{name}\""),
                hint,
            ));
        }
        if let (Some(rule), true) = (rule, ok) {
            acks.push(Ack {
                path: path.to_path_buf(),
                line,
                number,
                rule,
                text: field("text").unwrap_or_default().to_string(),
                reason: field("reason").unwrap_or_default().to_string(),
            });
        }
    }
    (acks, errors)
}

/// The file line of the first front matter line at or after `from` that contains `needle`
/// (falls back to `from`, or the first front matter line).
fn line_of(split: &Split<'_>, needle: &str, from: usize) -> usize {
    let skip = from.saturating_sub(split.front_line);
    split
        .front
        .lines()
        .enumerate()
        .skip(skip)
        .find(|(_, l)| l.contains(needle))
        .map_or(from.max(split.front_line), |(i, _)| split.front_line + i)
}
