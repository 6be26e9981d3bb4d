//! The shape of `content/`: which Markdown files are sections and pages, which folders are page
//! bundles, and which files belong to which bundle. Works on the source list; reads nothing.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use crate::diagnostic::{Diagnostic, Result};
use crate::source::{FileKind, Root, Source, Sources};

/// `content/` sorted out, as paths relative to it.
#[derive(Debug, Default)]
pub struct ContentTree<'s> {
    /// `_index.md` files.
    pub sections: Vec<&'s Source>,
    /// Page Markdown files: `foo.md` or `foo/index.md`.
    pub pages: Vec<&'s Source>,
    /// For each page bundle folder (`cases/a/`), the files in it other than `index.md`.
    pub bundles: BTreeMap<String, Vec<&'s Source>>,
    /// Files outside any bundle that are not Markdown.
    pub loose: Vec<&'s Source>,
}

/// Sort the content sources.
pub fn classify(sources: &Sources) -> Result<ContentTree<'_>> {
    let files: Vec<&Source> = sources.in_root(Root::Content).collect();
    let bundle_dirs: HashSet<&str> = files
        .iter()
        .filter_map(|f| f.rel.strip_suffix("index.md"))
        .filter(|d| !d.is_empty() && !d.ends_with('_') && d.ends_with('/'))
        .collect();
    // The outermost bundle folder a file is in.
    let bundle_of = |f: &str| -> Option<String> {
        let mut dir = Path::new(f).parent();
        let mut found = None;
        while let Some(d) = dir {
            if d.as_os_str().is_empty() {
                break;
            }
            let key = format!("{}/", d.to_string_lossy());
            if bundle_dirs.contains(key.as_str()) {
                found = Some(key);
            }
            dir = d.parent();
        }
        found
    };
    let mut tree = ContentTree {
        bundles: bundle_dirs
            .iter()
            .map(|d| (d.to_string(), Vec::new()))
            .collect(),
        ..ContentTree::default()
    };
    let mut errors = Vec::new();
    for f in files {
        let is_md = f.kind == FileKind::Markdown;
        match bundle_of(&f.rel) {
            Some(bundle) if f.rel == format!("{bundle}index.md") => tree.pages.push(f),
            Some(bundle) if is_md => errors.push(
                Diagnostic::in_file(&f.path, "a Markdown file inside a page bundle").with_hint(
                    format!(
                        "content/{bundle} is a page (it has an index.md), so it cannot hold other pages or sections; \
                         move this file out of it, or rename index.md to _index.md to make the folder a section"
                    ),
                ),
            ),
            Some(bundle) => tree.bundles.entry(bundle).or_default().push(f),
            None if f.name() == "_index.md" => tree.sections.push(f),
            None if is_md => tree.pages.push(f),
            None => tree.loose.push(f),
        }
    }
    crate::diagnostic::Errors::or_ok(errors, tree)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn sources(list: &[&str]) -> Sources {
        let mut files: Vec<Source> = list
            .iter()
            .map(|rel| Source {
                root: Root::Content,
                rel: rel.to_string(),
                path: PathBuf::from("content").join(rel),
                kind: crate::source::classify_name(rel, true).unwrap_or(FileKind::Other),
                len: 0,
            })
            .collect();
        files.sort_by(|a, b| a.rel.cmp(&b.rel));
        Sources {
            files,
            folders: Vec::new(),
        }
    }

    fn rels<'a>(list: &[&'a Source]) -> Vec<&'a str> {
        list.iter().map(|s| s.rel.as_str()).collect()
    }

    #[test]
    fn classifies_sections_pages_bundles_and_assets() {
        let s = sources(&[
            "_index.md",
            "about.md",
            "cases/_index.md",
            "cases/a/index.md",
            "cases/a/ct.png",
            "cases/a/axial/001.png",
            "cases/b.md",
            "cases/handout.pdf",
        ]);
        let t = classify(&s).unwrap();
        assert_eq!(rels(&t.sections), ["_index.md", "cases/_index.md"]);
        assert_eq!(
            rels(&t.pages),
            ["about.md", "cases/a/index.md", "cases/b.md"]
        );
        assert_eq!(
            rels(&t.bundles["cases/a/"]),
            ["cases/a/axial/001.png", "cases/a/ct.png"]
        );
        assert_eq!(rels(&t.loose), ["cases/handout.pdf"]);
    }

    #[test]
    fn markdown_inside_a_bundle_is_an_error() {
        let s = sources(&["cases/a/index.md", "cases/a/notes.md"]);
        let e = classify(&s).unwrap_err();
        assert!(e.0[0].message.contains("inside a page bundle"));
    }
}
