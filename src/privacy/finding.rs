//! A privacy finding: which rule matched where, with the identifier masked for printing.

use std::path::PathBuf;

use super::rules::Rule;
use crate::diagnostic::Diagnostic;

/// One identifier found in a source.
#[derive(Debug, Clone)]
pub struct Finding {
    pub path: PathBuf,
    /// The path as printed: a file or folder name that is itself a finding is masked in it.
    pub shown: PathBuf,
    /// None for a file name.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub rule: &'static Rule,
    /// The match with its identifier masked: what may be printed.
    pub masked: String,
    /// The identifier itself and the line (or name) around it, to match acknowledgements.
    /// Never printed.
    pub(super) id: String,
    pub(super) context: String,
    pub draft: bool,
}

impl Finding {
    pub fn diagnostic(&self) -> Diagnostic {
        let mut d = Diagnostic::in_file(
            &self.shown,
            format!(
                "privacy [{}]: {} `{}`{}",
                self.rule.name,
                self.rule.what,
                self.masked,
                if self.draft {
                    " (in a draft: drafts get shared too)"
                } else {
                    ""
                }
            ),
        );
        if let Some(line) = self.line {
            d = d.at(line, self.column.unwrap_or(1));
        }
        let ack = if self.rule.is_pixel_rule() {
            format!(
                "If you have checked the pixels, acknowledge it in the case's front matter: \
                 [[privacy.acknowledge]] with rule = \"{}\", text = \"{}\" (the file, or its stack folder), reason = what you checked",
                self.rule.name, self.id
            )
        } else if self.line.is_some() {
            format!(
                "If it is not about a real person, acknowledge it in this file's front matter: \
                 [[privacy.acknowledge]] with rule = \"{}\", text = the exact text, reason = why",
                self.rule.name
            )
        } else {
            "Rename it: a file or folder name is published as part of the address".to_string()
        };
        d.with_hint(format!("{}.\n{ack}", self.rule.fix))
    }
}
