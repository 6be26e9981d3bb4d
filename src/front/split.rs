//! Find the front matter of a Markdown file: `+++` (TOML) or `---` (YAML) lines around it.

use std::ops::Range;
use std::path::Path;

use crate::diagnostic::{Diagnostic, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
}

/// Where the parts of a file are, as byte ranges of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub format: Format,
    /// The front matter text, between the delimiter lines.
    pub front: Range<usize>,
    /// Everything after the closing delimiter line.
    pub body: Range<usize>,
}

/// Cut `text` into front matter and body. A byte-order mark and blank lines before the opening
/// delimiter are allowed.
pub fn split(path: &Path, text: &str) -> Result<Split> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let after_bom = &text[bom..];
    let start =
        bom + (after_bom.len() - after_bom.trim_start_matches(['\n', '\r', ' ', '\t']).len());
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
        Some(nl) if rest[..nl].trim_end() == delim => start + nl + 1,
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
    for line in text[after_open..].split_inclusive('\n') {
        if line.trim_end() == delim {
            return Ok(Split {
                format,
                front: after_open..offset,
                body: offset + line.len()..text.len(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_toml_and_yaml() {
        let text = "+++\ntitle = \"A\"\n+++\nbody\n";
        let s = split(Path::new("a.md"), text).unwrap();
        assert_eq!(s.format, Format::Toml);
        assert_eq!(&text[s.front.clone()], "title = \"A\"\n");
        assert_eq!(&text[s.body.clone()], "body\n");
        let text = "\u{feff}\n---\ntitle: A\n---\n";
        let s = split(Path::new("a.md"), text).unwrap();
        assert_eq!(
            (s.format, &text[s.front.clone()]),
            (Format::Yaml, "title: A\n")
        );
    }

    #[test]
    fn unclosed_or_missing_front_matter_is_an_error() {
        let e = split(Path::new("a.md"), "+++\ntitle = \"A\"\nbody").unwrap_err();
        assert!(e.0[0].message.contains("never closed"));
        let e = split(Path::new("a.md"), "\n\nJust text").unwrap_err();
        assert_eq!(e.0[0].line, Some(3));
        let e = split(Path::new("a.md"), "+++ title\n+++\n").unwrap_err();
        assert!(e.0[0].message.contains("alone on its line"));
    }
}
