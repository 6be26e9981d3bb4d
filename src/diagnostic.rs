//! User-facing errors: what went wrong, where (file, line, column) and how to fix it.
//!
//! Every stage reports problems as [`Diagnostic`]s so the command line can print them the same
//! way. This module only formats; it never decides what is an error.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem a user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: Option<PathBuf>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>) -> Self {
        Diagnostic {
            path: None,
            line: None,
            column: None,
            message: message.into(),
            hint: None,
        }
    }

    pub fn in_file(path: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Diagnostic {
            path: Some(path.as_ref().to_path_buf()),
            ..Diagnostic::new(message)
        }
    }

    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "{}", path.display())?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(column) = self.column {
                    write!(f, ":{column}")?;
                }
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {}", hint.replace('\n', "\n        "))?;
        }
        Ok(())
    }
}

/// The error type of the pipeline: one or more diagnostics, all reported together so a user
/// can fix every broken file in one pass instead of one per build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Errors(pub Vec<Diagnostic>);

impl Errors {
    pub fn one(diagnostic: Diagnostic) -> Self {
        Errors(vec![diagnostic])
    }
}

impl From<Diagnostic> for Errors {
    fn from(d: Diagnostic) -> Self {
        Errors::one(d)
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "error: {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

pub type Result<T, E = Errors> = std::result::Result<T, E>;

/// Suggest the closest of `candidates` to `word`, for "did you mean" hints.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Turn an I/O error on `path` into a diagnostic.
pub fn io_error(path: &Path, action: &str, err: &std::io::Error) -> Diagnostic {
    Diagnostic::in_file(path, format!("could not {action}: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_includes_location_and_hint() {
        let d = Diagnostic::in_file("content/a.md", "unknown key `titel`")
            .at(3, 1)
            .with_hint("did you mean `title`?");
        assert_eq!(
            d.to_string(),
            "content/a.md:3:1: unknown key `titel`\n  hint: did you mean `title`?"
        );
    }

    #[test]
    fn closest_finds_typos_and_ignores_noise() {
        let keys = ["title", "date", "description"];
        assert_eq!(closest("titel", keys), Some("title"));
        assert_eq!(closest("descripton", keys), Some("description"));
        assert_eq!(closest("zzzz", keys), None);
    }
}
