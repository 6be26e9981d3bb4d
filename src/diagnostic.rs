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
    /// What was being done when the problem showed (`while rendering content/a.md`): printed
    /// after the message, but not part of what makes two diagnostics the same problem.
    pub context: Option<Box<str>>,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>) -> Self {
        Diagnostic {
            path: None,
            line: None,
            column: None,
            message: message.into(),
            context: None,
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

    /// This hint, unless the diagnostic has one already.
    pub fn with_hint_if_none(self, hint: impl Into<String>) -> Self {
        if self.hint.is_some() {
            self
        } else {
            self.with_hint(hint)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_context(mut self, context: impl Into<String>) -> Self {
        self.context = Some(context.into().into_boxed_str());
        self
    }

    /// The message with its context, as printed.
    pub fn full_message(&self) -> String {
        match &self.context {
            Some(c) => format!("{} ({c})", self.message),
            None => self.message.clone(),
        }
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
        write!(f, "{}", self.full_message())?;
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

    /// The one way errors from many places are gathered: sorted by file and place, and the
    /// same problem reported once (a template error repeats once per page that uses the
    /// template; only the first page is named).
    pub fn new(mut list: Vec<Diagnostic>) -> Self {
        list.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
        let mut seen = std::collections::HashSet::new();
        list.retain(|d| {
            seen.insert((
                d.path.clone(),
                d.line,
                d.column,
                d.message.clone(),
                d.hint.clone(),
            ))
        });
        Errors(list)
    }

    /// `Ok(value)` when `list` is empty, else the gathered errors.
    pub fn or_ok<T>(list: Vec<Diagnostic>, value: T) -> Result<T> {
        if list.is_empty() {
            Ok(value)
        } else {
            Err(Errors::new(list))
        }
    }

    /// Both results, or every error of both.
    pub fn join<A, B>(a: Result<A>, b: Result<B>) -> Result<(A, B)> {
        match (a, b) {
            (Ok(a), Ok(b)) => Ok((a, b)),
            (Err(e), Ok(_)) | (Ok(_), Err(e)) => Err(e),
            (Err(Errors(mut e1)), Err(Errors(e2))) => {
                e1.extend(e2);
                Err(Errors::new(e1))
            }
        }
    }
}

/// Gathers the errors of many independent steps, so every broken file is reported in one run.
#[derive(Debug, Default)]
pub struct Collector(pub Vec<Diagnostic>);

impl Collector {
    /// The value of `result`, or `None` after keeping its errors.
    pub fn take<T>(&mut self, result: Result<T>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.extend(e.0);
                None
            }
        }
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, list: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(list);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` if nothing was collected.
    pub fn finish<T>(self, value: T) -> Result<T> {
        Errors::or_ok(self.0, value)
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
    let d = Diagnostic::in_file(path, format!("could not {action}: {}", plain(err)));
    match io_hint(path, err) {
        Some(hint) => d.with_hint(hint),
        None => d,
    }
}

/// The OS's words for an error, without the "(os error N)" that means nothing to a reader.
fn plain(err: &std::io::Error) -> String {
    let text = err.to_string();
    match text.rfind(" (os error ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// What to do about an I/O error, by its kind.
fn io_hint(path: &Path, err: &std::io::Error) -> Option<&'static str> {
    use std::io::ErrorKind as K;
    let dangling = path.is_symlink() && !path.exists();
    #[cfg(unix)]
    if err.raw_os_error() == Some(libc::ELOOP) {
        return Some(
            "a symbolic link points back at itself or at a folder that holds it: remove or fix the link",
        );
    }
    Some(match err.kind() {
        K::NotFound if dangling => {
            "this is a symbolic link to a file that does not exist: fix the link or remove it"
        }
        K::NotFound => "check that the file exists and that its name is spelt right",
        K::PermissionDenied => {
            "radcase may not read or write here: check the file's and folder's permissions (ls -l), or run as the user who owns them"
        }
        K::ReadOnlyFilesystem => {
            "this file system is read-only: pick an output or cache folder on a writable disk (--output, --cache-dir)"
        }
        K::StorageFull | K::QuotaExceeded => {
            "the disk is full: free some space, or pick an output or cache folder on another disk; the previous output was left as it was"
        }
        K::InvalidFilename => {
            "the name is too long or holds a character this file system refuses: use a shorter, plain name"
        }
        K::IsADirectory => "this is a folder where a file is expected: rename or remove it",
        K::NotADirectory => "a file is in the way where a folder is expected: rename or remove it",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every I/O failure a build can meet says what to do, in plain words.
    #[test]
    fn io_errors_carry_a_hint_by_kind() {
        use std::io::{Error, ErrorKind as K};
        let p = Path::new("public/x.html");
        for kind in [
            K::NotFound,
            K::PermissionDenied,
            K::ReadOnlyFilesystem,
            K::StorageFull,
            K::QuotaExceeded,
            K::InvalidFilename,
            K::IsADirectory,
            K::NotADirectory,
        ] {
            let d = io_error(p, "write the file", &Error::from(kind));
            assert!(d.hint.is_some(), "{kind:?}: {d}");
        }
        #[cfg(unix)]
        for (code, words) in [
            (libc::ELOOP, "symbolic link"),
            (libc::ENOSPC, "disk is full"),
            (libc::EROFS, "read-only"),
            (libc::EACCES, "permissions"),
        ] {
            let d = io_error(p, "write the file", &Error::from_raw_os_error(code));
            assert!(
                d.hint.as_deref().unwrap_or_default().contains(words),
                "{code}: {d}"
            );
            assert!(!d.message.contains("os error"), "{d}");
        }
    }

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
    fn the_same_problem_is_reported_once_in_file_order() {
        let at = |file: &str, line: usize| Diagnostic::in_file(file, "bad").at_line(line);
        let e = Errors::new(vec![
            at("b.md", 1),
            at("a.md", 3).with_context("while rendering x.md"),
            at("a.md", 3).with_context("while rendering y.md"),
            at("a.md", 1),
        ]);
        let shown: Vec<String> = e.0.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "a.md:1: bad",
                "a.md:3: bad (while rendering x.md)",
                "b.md:1: bad"
            ]
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
