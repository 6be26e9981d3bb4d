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
//! `index.md`, in the names and text files of the bundle) whose identifier is part of `text`,
//! where `text` appears around the finding. One that covers nothing is stale: reported, so that
//! an acknowledgement cannot outlive the text it was written for and silently cover a new one.
//!
//! The front matter reader checks an entry's shape (`front::AckEntry`); this module checks its
//! rule and decides what it covers.

use std::path::{Path, PathBuf};

use super::finding::Finding;
use super::rules::{self, Rule};
use crate::diagnostic::{Diagnostic, closest};
use crate::front::AckEntry;

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

/// Which acknowledgement: its file and its number there.
pub type AckRef = (PathBuf, usize);

impl Ack {
    pub fn id(&self) -> AckRef {
        (self.path.clone(), self.number)
    }

    /// Whether this acknowledgement covers `finding` (its scope is checked by the caller).
    pub fn covers(&self, finding: &Finding) -> bool {
        let text = self.text.trim();
        if finding.rule.id != self.rule.id || text.is_empty() {
            return false;
        }
        if self.rule.is_pixel_rule() {
            // A DICOM file is named by its path in the bundle, its name, or its stack folder.
            let folder = format!("{}/", text.trim_end_matches('/'));
            return finding.id == text
                || finding.id.rsplit('/').next() == Some(text)
                || finding.id.starts_with(&folder);
        }
        text.contains(finding.id.trim())
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

/// The acknowledgements of the file at `path`: each entry's rule looked up, an unknown rule an
/// error with the closest name.
pub fn read(path: &Path, entries: &[AckEntry]) -> (Vec<Ack>, Vec<Diagnostic>) {
    let mut acks = Vec::new();
    let mut errors = Vec::new();
    for e in entries {
        match rules::rule(&e.rule) {
            Some(rule) => acks.push(Ack {
                path: path.to_path_buf(),
                line: e.line,
                number: e.number,
                rule,
                text: e.text.clone(),
                reason: e.reason.clone(),
            }),
            None => {
                let all: Vec<&str> = rules::names().collect();
                let hint = match closest(&e.rule, all.iter().copied()) {
                    Some(b) => format!("did you mean \"{b}\"? Rules: {}", all.join(", ")),
                    None => format!("rules: {}", all.join(", ")),
                };
                errors.push(
                    Diagnostic::in_file(
                        path,
                        format!(
                            "acknowledgement {} names an unknown rule \"{}\"",
                            e.number, e.rule
                        ),
                    )
                    .at_line(e.line)
                    .with_hint(hint),
                );
            }
        }
    }
    (acks, errors)
}
