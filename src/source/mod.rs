//! The site's source files, found and classified once.
//!
//! One walk over `content/`, `static/`, `templates/` and the chosen theme's `static/` and
//! `templates/` lists every file with what it is ([`FileKind`]: Markdown, an image radcase can
//! re-encode, an image format it cannot, DICOM, anything else) and every folder. The loader, the
//! privacy guard, the planner and the copier all read this one list, so they cannot disagree
//! about which files exist or what they are.
//!
//! Rules applied here, once: editor scratch, backup and hidden files are not part of the site
//! ([`is_ignored`], [`is_ignored_at`]: `static/.well-known/` is the one hidden folder kept); a file
//! is judged by its extension when that names an image or DICOM, else by its first bytes; what
//! any other file is, and so whether it may be published as it is, is [`format`]'s to say; a symbolic link is followed only when it stays inside the site folder; a name
//! that is not UTF-8 or holds a backslash is an error. This module only reads names, metadata and
//! the first 132 bytes of files whose extension says nothing.

mod format;
mod kind;
mod walk;

use std::path::{Path, PathBuf};

pub use format::{Format, Markup, format, format_of, looks_like_text, utf16_without_bom};
pub use kind::{DICOM_HEAD, FileKind, ImageFormat, classify_name, is_dicom, sniff};
pub use walk::walk;

/// The folder a source comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Root {
    Content,
    /// The chosen theme's `static/` (the site's own `static/` replaces its files).
    ThemeStatic,
    Static,
    ThemeTemplates,
    Templates,
}

impl Root {
    pub const ALL: [Root; 5] = [
        Root::Content,
        Root::ThemeStatic,
        Root::Static,
        Root::ThemeTemplates,
        Root::Templates,
    ];

    /// The folder of this root in a site folder, with the chosen theme's name.
    pub fn dir(self, site: &Path, theme: Option<&str>) -> Option<PathBuf> {
        let theme_dir = |sub: &str| theme.map(|t| site.join("themes").join(t).join(sub));
        match self {
            Root::Content => Some(site.join("content")),
            Root::Static => Some(site.join("static")),
            Root::Templates => Some(site.join("templates")),
            Root::ThemeStatic => theme_dir("static"),
            Root::ThemeTemplates => theme_dir("templates"),
        }
    }
}

/// One source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub root: Root,
    /// The path under its root, `/`-separated (`cases/a/ct.png`).
    pub rel: String,
    /// The path to open: the site folder as the user named it, the root, then `rel`.
    pub path: PathBuf,
    pub kind: FileKind,
    /// Size in bytes.
    pub len: u64,
}

impl Source {
    /// The file name (last part of `rel`).
    pub fn name(&self) -> &str {
        self.rel.rsplit('/').next().unwrap_or(&self.rel)
    }
}

/// A folder under one of the roots (the roots themselves are not listed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    pub root: Root,
    pub rel: String,
    pub path: PathBuf,
}

/// Every source of a site.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// Sorted by root, then by path.
    pub files: Vec<Source>,
    pub folders: Vec<Folder>,
}

impl Sources {
    pub fn in_root(&self, root: Root) -> impl Iterator<Item = &Source> {
        self.files.iter().filter(move |s| s.root == root)
    }

    /// The source at `rel` under `root`.
    pub fn get(&self, root: Root, rel: &str) -> Option<&Source> {
        self.files
            .binary_search_by(|s| s.root.cmp(&root).then_with(|| path_order(&s.rel, rel)))
            .ok()
            .map(|i| &self.files[i])
    }
}

/// The order of sources: folder by folder, as a walk meets them (`a/index.md` before `a-b.md`),
/// so the first page to use a term, and the sitemap's order, do not depend on punctuation.
pub fn path_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.split('/').cmp(b.split('/'))
}

/// Editors' swap, backup and lock files, hidden files and the files operating systems leave in
/// folders: never part of a site, in any folder (so never published, never scanned, and never
/// the cause of a rebuild).
pub fn is_ignored(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || [".swp", ".swx", ".tmp", ".bak", ".orig", ".rej"]
            .iter()
            .any(|e| lower.ends_with(e))
        || matches!(
            lower.as_str(),
            "4913" | "thumbs.db" | "ehthumbs.db" | "desktop.ini"
        )
}

/// The one hidden folder a site publishes: `static/.well-known/` (identity and security files
/// such as `security.txt` live there), at the top of a `static/` folder only.
pub const WELL_KNOWN: &str = ".well-known";

/// Whether the entry `parts` (its path under its root, one name each) is not part of the site.
pub fn is_ignored_at(root: Root, parts: &[&str]) -> bool {
    parts.iter().enumerate().any(|(i, p)| {
        let kept = i == 0
            && *p == WELL_KNOWN
            && matches!(root, Root::Static | Root::ThemeStatic)
            && parts.len() > 1;
        !kept && is_ignored(p)
    })
}

/// The same rule for a path under the site folder (`static/.well-known/x`), as `serve` sees a
/// change: `theme` is the chosen theme.
pub fn is_ignored_in_site(parts: &[&str], theme: Option<&str>) -> bool {
    let (root, under) = match parts {
        ["static", rest @ ..] => (Root::Static, rest),
        ["themes", t, "static", rest @ ..] if Some(*t) == theme => (Root::ThemeStatic, rest),
        _ => (Root::Content, parts),
    };
    is_ignored_at(root, under)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_scratch_files_are_ignored() {
        for name in [
            ".index.md.swp",
            "index.md~",
            "#index.md#",
            "4913",
            ".#index.md",
            ".DS_Store",
            "notes.tmp",
            "index.md.bak",
            "style.css.orig",
            "Thumbs.db",
            "NOTES.BAK",
        ] {
            assert!(is_ignored(name), "{name}");
        }
        for name in ["index.md", "radcase.css", "ct.png", "a~b.png", "backup.md"] {
            assert!(!is_ignored(name), "{name}");
        }
        assert!(!is_ignored_at(
            Root::Static,
            &[".well-known", "security.txt"]
        ));
        assert!(is_ignored_at(Root::Static, &[".well-known", ".x"]));
        assert!(is_ignored_at(
            Root::Content,
            &[".well-known", "security.txt"]
        ));
        assert!(is_ignored_at(Root::Static, &["a", ".well-known", "x"]));
        assert!(!is_ignored_in_site(&["static", ".well-known", "x"], None));
        assert!(is_ignored_in_site(&["content", ".well-known", "x"], None));
    }

    #[test]
    fn sources_are_ordered_folder_by_folder() {
        let mut v = vec!["a-b.md", "a/index.md", "a/z/x.png", "a/b.png", "a.md"];
        v.sort_by(|a, b| path_order(a, b));
        assert_eq!(v, ["a/b.png", "a/index.md", "a/z/x.png", "a-b.md", "a.md"]);
    }
}
