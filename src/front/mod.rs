//! Front matter: the part of a Markdown file between `+++` (TOML) or `---` (YAML) lines.
//!
//! A file is read once into a [`Record`]: its text, a [`Document`] (the front matter as a tree
//! whose every node knows its byte range, and the body), and the typed [`Fields`] read from the
//! tree against the one key table ([`keys`]). The content loader and the privacy guard both
//! read records, so they always agree about what a file says and where.
//!
//! This module knows nothing about URLs, sections or rendering.

mod fields;
pub mod keys;
pub mod person;
mod questions;
mod split;
mod tree;
pub mod when;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use fields::{AckEntry, Fields, MediaRef, RedactRect, Scope, parse_date, read};
pub use keys::{Key, Kind, SortBy};
pub use person::{Network, ProfileLink, Role};
pub use questions::{Choice, Question};
pub use split::{Format, Split, split};
pub use tree::{Entry, Node, Table, Value, parse_toml, parse_yaml};
pub use when::{Deadline, When};

use crate::diagnostic::{Diagnostic, Errors, io_error};

/// Byte offsets of line starts, to turn an offset into a 1-based line and column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lines(Vec<usize>);

impl Lines {
    pub fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines(starts)
    }

    /// Line and column (in characters) of byte `offset` in `text`.
    pub fn at(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.0.partition_point(|&s| s <= offset);
        let start = self.0[line - 1];
        let column = text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }

    /// The text of 1-based `line`, without its line end.
    pub fn text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self.0.get(line.wrapping_sub(1)).copied().unwrap_or(0);
        let end = self.0.get(line).copied().unwrap_or(text.len());
        text.get(start..end).unwrap_or_default().trim_end()
    }
}

/// A Markdown file: its text, where its front matter and body are, and the front matter tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub path: PathBuf,
    pub text: String,
    pub split: Split,
    pub tree: Table,
    lines: Lines,
}

impl Document {
    /// Parse `text` (the whole file at `path`). On an error, the text comes back with it.
    pub fn parse(path: &Path, text: String) -> std::result::Result<Document, (Errors, String)> {
        let parsed = split(path, &text).and_then(|split| {
            let tree = match split.format {
                Format::Toml => parse_toml(path, &text, split.front.clone())?,
                Format::Yaml => parse_yaml(path, &text, split.front.clone())?,
            };
            Ok((split, tree))
        });
        match parsed {
            Ok((split, tree)) => Ok(Document {
                path: path.to_path_buf(),
                lines: Lines::new(&text),
                text,
                split,
                tree,
            }),
            Err(e) => Err((e, text)),
        }
    }

    pub fn body(&self) -> &str {
        &self.text[self.split.body.clone()]
    }

    /// The 1-based line of the first body line.
    pub fn body_line(&self) -> usize {
        self.line_col(self.split.body.start).0
    }

    /// The 1-based line of the first front matter line.
    pub fn front_line(&self) -> usize {
        self.line_col(self.split.front.start).0
    }

    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines.at(&self.text, offset)
    }

    pub fn line_text(&self, line: usize) -> &str {
        self.lines.text(&self.text, line)
    }
}

/// One Markdown file as every stage reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub path: PathBuf,
    pub parsed: Parsed,
    /// Shared with the page or section made from it.
    pub fields: Arc<Fields>,
    /// Every problem found reading the file: a build stops on any of them.
    pub errors: Vec<Diagnostic>,
}

/// What could be made of a file.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    Document(Document),
    /// The front matter could not be parsed (or the file is not UTF-8, here with the invalid
    /// bytes replaced): the guard reads the whole text.
    Raw(String),
}

impl Record {
    pub fn doc(&self) -> Option<&Document> {
        match &self.parsed {
            Parsed::Document(d) => Some(d),
            Parsed::Raw(_) => None,
        }
    }

    /// The file's text.
    pub fn text(&self) -> &str {
        match &self.parsed {
            Parsed::Document(d) => &d.text,
            Parsed::Raw(t) => t,
        }
    }

    /// Read the file at `path`, a file of `scope`, on a site with `taxonomies`.
    pub fn read(path: &Path, scope: Scope, taxonomies: &[&str]) -> Record {
        match std::fs::read(path) {
            Ok(bytes) => Record::from_bytes(path, bytes, scope, taxonomies),
            Err(e) => Record {
                path: path.to_path_buf(),
                parsed: Parsed::Raw(String::new()),
                fields: Arc::default(),
                errors: vec![io_error(path, "read the file", &e)],
            },
        }
    }

    pub fn from_bytes(path: &Path, bytes: Vec<u8>, scope: Scope, taxonomies: &[&str]) -> Record {
        let mut errors = Vec::new();
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
                errors.push(
                    Diagnostic::in_file(path, "this file is not valid UTF-8 text")
                        .at_line(line)
                        .with_hint(
                            "save it as UTF-8 (most editors have an encoding option in Save As)",
                        ),
                );
                String::from_utf8_lossy(e.as_bytes()).into_owned()
            }
        };
        if !errors.is_empty() {
            return Record {
                path: path.to_path_buf(),
                parsed: Parsed::Raw(text),
                fields: Arc::default(),
                errors,
            };
        }
        match Document::parse(path, text) {
            Ok(doc) => {
                let (fields, errors) = read(&doc, scope, taxonomies);
                Record {
                    path: path.to_path_buf(),
                    parsed: Parsed::Document(doc),
                    fields: Arc::new(fields),
                    errors,
                }
            }
            Err((e, text)) => Record {
                path: path.to_path_buf(),
                parsed: Parsed::Raw(text),
                fields: Arc::default(),
                errors: e.0,
            },
        }
    }

    /// Whether the page is a draft (`draft = true`).
    pub fn is_draft(&self) -> bool {
        self.fields.flag(keys::DRAFT)
    }
}

#[cfg(test)]
mod tests;
