//! Discover the source files under `content/`: sections, pages, bundles and their assets.
//!
//! Only looks at names and folders; reading and parsing happen in `load`.

use std::collections::HashSet;
use std::path::Path;

use walkdir::WalkDir;

use crate::diagnostic::{Diagnostic, Errors, Result};

/// What was found under `content/`, as paths relative to it (with `/` separators).
#[derive(Debug, Default)]
pub struct Sources {
    /// `_index.md` files.
    pub sections: Vec<String>,
    /// Page Markdown files: `foo.md` or `foo/index.md`.
    pub pages: Vec<String>,
    /// For each page bundle folder (`foo/`), the files in it other than `index.md`.
    pub bundle_assets: Vec<(String, Vec<String>)>,
    /// Files outside any bundle that are not Markdown.
    pub loose_assets: Vec<String>,
}

fn is_hidden(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp")
}

/// Walk `content_dir`. Symlinks are followed; a loop is an error, not a hang.
pub fn walk(content_dir: &Path) -> Result<Sources> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let walker = WalkDir::new(content_dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(&e.file_name().to_string_lossy()));
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let rel = e.path().strip_prefix(content_dir).unwrap_or(e.path());
                match rel.to_str() {
                    Some(s) if s.contains('\\') && std::path::MAIN_SEPARATOR != '\\' => errors
                        .push(
                            Diagnostic::in_file(e.path(), "this file name contains a backslash")
                                .with_hint("rename it using plain letters, digits and dashes"),
                        ),
                    Some(_) => files.push(super::slash_path(rel)),
                    None => errors.push(
                        Diagnostic::in_file(e.path(), "this file name is not valid UTF-8")
                            .with_hint("rename it using plain letters, digits and dashes"),
                    ),
                }
            }
            Ok(_) => {}
            Err(err) => {
                let path = err
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| content_dir.to_path_buf());
                if let Some(ancestor) = err.loop_ancestor() {
                    errors.push(
                        Diagnostic::in_file(
                            &path,
                            format!(
                                "symbolic link loop: this link points back to {}",
                                ancestor.display()
                            ),
                        )
                        .with_hint("remove or fix the link; radcase follows links inside content/"),
                    );
                } else {
                    let msg = err
                        .io_error()
                        .map_or_else(|| err.to_string(), ToString::to_string);
                    errors.push(Diagnostic::in_file(&path, format!("could not read: {msg}")));
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(Errors(errors));
    }
    classify(content_dir, files)
}

/// Sort relative file paths into sections, pages and assets.
fn classify(content_dir: &Path, files: Vec<String>) -> Result<Sources> {
    let bundle_dirs: HashSet<&str> = files
        .iter()
        .filter_map(|f| f.strip_suffix("index.md"))
        .filter(|d| !d.is_empty() && !d.ends_with('_') && d.ends_with('/'))
        .collect();
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

    let mut out = Sources::default();
    let mut errors = Vec::new();
    let mut assets_by_bundle: std::collections::BTreeMap<String, Vec<String>> = bundle_dirs
        .iter()
        .map(|d| (d.to_string(), Vec::new()))
        .collect();
    for f in &files {
        let name = f.rsplit('/').next().unwrap_or(f);
        let is_md = name.ends_with(".md");
        match bundle_of(f) {
            Some(bundle) if f.as_str() == format!("{bundle}index.md") && bundle_of(&bundle[..bundle.len() - 1]).is_none() => {
                out.pages.push(f.clone());
            }
            Some(bundle) if is_md => errors.push(
                Diagnostic::in_file(content_dir.join(f), "a Markdown file inside a page bundle")
                    .with_hint(format!(
                        "content/{bundle} is a page (it has an index.md), so it cannot hold other pages or sections; \
                         move this file out of it, or rename index.md to _index.md to make the folder a section"
                    )),
            ),
            Some(bundle) => {
                let rel = f[bundle.len()..].to_string();
                assets_by_bundle.entry(bundle).or_default().push(rel);
            }
            None if name == "_index.md" => out.sections.push(f.clone()),
            None if is_md => out.pages.push(f.clone()),
            None => out.loose_assets.push(f.clone()),
        }
    }
    if !errors.is_empty() {
        return Err(Errors(errors));
    }
    out.bundle_assets = assets_by_bundle.into_iter().collect();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn classifies_sections_pages_bundles_and_assets() {
        let s = classify(
            Path::new("content"),
            files(&[
                "_index.md",
                "about.md",
                "cases/_index.md",
                "cases/a/index.md",
                "cases/a/ct.png",
                "cases/a/axial/001.png",
                "cases/b.md",
                "cases/handout.pdf",
            ]),
        )
        .unwrap();
        assert_eq!(s.sections, ["_index.md", "cases/_index.md"]);
        assert_eq!(s.pages, ["about.md", "cases/a/index.md", "cases/b.md"]);
        assert_eq!(
            s.bundle_assets,
            [("cases/a/".to_string(), files(&["ct.png", "axial/001.png"]))]
        );
        assert_eq!(s.loose_assets, ["cases/handout.pdf"]);
    }

    #[test]
    fn markdown_inside_a_bundle_is_an_error() {
        let e = classify(
            Path::new("content"),
            files(&["cases/a/index.md", "cases/a/notes.md"]),
        )
        .unwrap_err();
        assert!(e.0[0].message.contains("inside a page bundle"));
    }
}
