//! Turning `toml` parse and type errors into diagnostics with a line, a column and a hint.
//!
//! Shared by `config.toml` and TOML front matter so both read the same to a user.

use std::path::Path;

use crate::diagnostic::{Diagnostic, closest};

/// Convert a TOML error on `source` (the text that was parsed) into a diagnostic for `path`.
/// `line_offset` is the number of lines in the file before `source` starts.
pub fn diagnostic(
    path: &Path,
    source: &str,
    err: &toml::de::Error,
    line_offset: usize,
) -> Diagnostic {
    let message = err.message().trim().to_string();
    let mut d = Diagnostic::in_file(path, message.clone());
    if let Some(span) = err.span() {
        let (line, column) = line_col(source, span.start);
        d = d.at(line + line_offset, column);
    }
    let hint = unknown_field_hint(&message).unwrap_or_else(|| {
        "check the TOML syntax on this line: text goes in double quotes, lists in [ ], \
         one `key = value` per line, tables as [name]"
            .to_string()
    });
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

/// serde's "unknown field `x`, expected one of `a`, `b`" becomes "did you mean `a`?".
fn unknown_field_hint(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let valid: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    if valid.is_empty() {
        return None;
    }
    let list = valid.join(", ");
    Some(match closest(field, valid.iter().copied()) {
        Some(best) => format!("did you mean `{best}`? Valid keys here: {list}"),
        None => format!("valid keys here: {list}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let src = "a = 1\nbb = 2\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 6), (2, 1));
        assert_eq!(line_col(src, 8), (2, 3));
    }

    #[test]
    fn unknown_field_suggests_closest() {
        let hint = unknown_field_hint("unknown field `titel`, expected one of `title`, `base_url`")
            .unwrap();
        assert!(hint.starts_with("did you mean `title`?"), "{hint}");
    }
}
