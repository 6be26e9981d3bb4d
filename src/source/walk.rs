//! The one walk of a site's source folders.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use super::{FileKind, Folder, Root, Source, Sources, is_ignored, kind, path_order};
use crate::diagnostic::{Diagnostic, Errors, Result};
use crate::types::slash_path;

/// List and classify every source of the site in `site`, with the theme `theme` (from
/// `config.toml`). Every problem (an unreadable entry, a link loop, a link out of the site, a
/// name radcase cannot publish) is reported, all together.
pub fn walk(site: &Path, theme: Option<&str>) -> Result<Sources> {
    if let Some(name) = theme {
        let dir = site.join("themes").join(name);
        if !dir.is_dir() {
            return Err(Diagnostic::in_file(
                site.join("config.toml"),
                format!("theme \"{name}\" not found: {} does not exist", dir.display()),
            )
            .with_hint("put the theme in themes/NAME/ in the site folder, or remove `theme` to use the built-in theme")
            .into());
        }
    }
    // Links may point anywhere inside the site folder, and nowhere else: a root that is itself
    // a link out of the site (git stores links, so `static` can be one) is refused like any other.
    let allowed: Vec<PathBuf> = std::fs::canonicalize(site).into_iter().collect();
    let mut errors = Vec::new();
    let roots: Vec<(Root, PathBuf)> = Root::ALL
        .iter()
        .filter_map(|&r| Some((r, r.dir(site, theme)?)))
        .filter(|(_, d)| d.is_dir())
        .filter(|(_, d)| match std::fs::canonicalize(d) {
            Ok(target) if !allowed.iter().any(|a| target.starts_with(a)) => {
                let link = first_link(site, d);
                let target = std::fs::canonicalize(&link).unwrap_or(target);
                if !errors
                    .iter()
                    .any(|e: &Diagnostic| e.path.as_deref() == Some(&*link))
                {
                    errors.push(outside(&link, &target));
                }
                false
            }
            _ => true,
        })
        .collect();

    let mut files = Vec::new();
    let mut folders = Vec::new();
    for (root, dir) in &roots {
        walk_root(*root, dir, &allowed, &mut files, &mut folders, &mut errors);
    }
    if !errors.is_empty() {
        return Err(Errors::new(errors));
    }
    // Only files whose name says nothing are opened, in parallel.
    let refused: Vec<Diagnostic> = files
        .par_iter_mut()
        .filter(|s| s.kind == FileKind::Other)
        .filter_map(|s: &mut Source| match kind::sniff(&s.path) {
            Ok(k) => {
                s.kind = k;
                None
            }
            Err(e) => Some(e),
        })
        .collect();
    if !refused.is_empty() {
        return Err(Errors::new(refused));
    }
    files.sort_by(|a, b| a.root.cmp(&b.root).then_with(|| path_order(&a.rel, &b.rel)));
    folders.sort_by(|a, b| a.root.cmp(&b.root).then_with(|| path_order(&a.rel, &b.rel)));
    Ok(Sources { files, folders })
}

fn walk_root(
    root: Root,
    dir: &Path,
    allowed: &[PathBuf],
    files: &mut Vec<Source>,
    folders: &mut Vec<Folder>,
    errors: &mut Vec<Diagnostic>,
) {
    let refused = RefCell::new(Vec::new());
    let walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            let name = e.file_name().to_string_lossy();
            let kept = e.depth() == 1
                && name == super::WELL_KNOWN
                && matches!(root, Root::Static | Root::ThemeStatic)
                && e.file_type().is_dir();
            if !kept && is_ignored(&name) {
                return false;
            }
            if e.path_is_symlink() {
                match std::fs::canonicalize(e.path()) {
                    Ok(target) if !allowed.iter().any(|a| target.starts_with(a)) => {
                        refused.borrow_mut().push(outside(e.path(), &target));
                        return false;
                    }
                    // A dangling link is reported by the walk as unreadable.
                    _ => {}
                }
            }
            true
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                errors.push(walk_error(dir, &err));
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let rel_path = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let Some(rel) = rel_path.to_str() else {
            errors.push(
                Diagnostic::in_file(entry.path(), "this name is not valid UTF-8")
                    .with_hint("rename it using plain letters, digits and dashes"),
            );
            continue;
        };
        if rel.contains('\\') && std::path::MAIN_SEPARATOR != '\\' {
            errors.push(
                Diagnostic::in_file(entry.path(), "this name contains a backslash")
                    .with_hint("rename it using plain letters, digits and dashes"),
            );
            continue;
        }
        let rel = slash_path(rel_path);
        let path = entry.path().to_path_buf();
        if entry.file_type().is_dir() {
            folders.push(Folder { root, rel, path });
        } else if entry.file_type().is_file() {
            let name = rel.rsplit('/').next().unwrap_or(&rel);
            let kind = kind::classify_name(name, root == Root::Content).unwrap_or(FileKind::Other);
            let len = entry.metadata().map_or(0, |m| m.len());
            files.push(Source {
                root,
                rel,
                path,
                kind,
                len,
            });
        }
    }
    errors.extend(refused.into_inner());
}

/// The first folder on the way from `site` to `dir` that is a symbolic link (`themes/t` for
/// `themes/t/static`), so the error names the link a user made.
fn first_link(site: &Path, dir: &Path) -> PathBuf {
    let mut path = site.to_path_buf();
    for part in dir.strip_prefix(site).unwrap_or(dir).components() {
        path.push(part);
        if path.is_symlink() {
            return path;
        }
    }
    dir.to_path_buf()
}

fn outside(link: &Path, target: &Path) -> Diagnostic {
    Diagnostic::in_file(
        link,
        format!(
            "this symbolic link points outside the site folder, to {}",
            target.display()
        ),
    )
    .with_hint(
        "radcase never publishes files from outside the site folder: copy the files into the site, or remove the link",
    )
}

fn walk_error(dir: &Path, err: &walkdir::Error) -> Diagnostic {
    let path = err
        .path()
        .map_or_else(|| dir.to_path_buf(), Path::to_path_buf);
    if let Some(ancestor) = err.loop_ancestor() {
        return Diagnostic::in_file(
            &path,
            format!(
                "symbolic link loop: this link points back to {}",
                ancestor.display()
            ),
        )
        .with_hint("remove or fix the link");
    }
    if path.is_symlink() && !path.exists() {
        let target = std::fs::read_link(&path).unwrap_or_default();
        // A chain of links that never ends (a → b → a) is not a missing target: say so.
        if std::fs::metadata(&path).is_err_and(|e| e.raw_os_error() == Some(libc::ELOOP)) {
            return Diagnostic::in_file(
                &path,
                format!(
                    "symbolic link loop: this link points to {}, which leads back to itself",
                    target.display()
                ),
            )
            .with_hint("remove or fix the link");
        }
        return Diagnostic::in_file(
            &path,
            format!(
                "this symbolic link points to {}, which does not exist",
                target.display()
            ),
        )
        .with_hint("fix the link, or remove it");
    }
    match err.io_error() {
        Some(io) => crate::diagnostic::io_error(&path, "read", io),
        None => Diagnostic::in_file(&path, format!("could not read: {err}")),
    }
    .with_hint_if_none("check that the file exists and can be read")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, bytes: &[u8]) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    #[test]
    fn every_root_is_listed_once_with_kinds() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path();
        write(site, "content/cases/a/index.md", b"+++\n+++\n");
        write(site, "content/cases/a/ct.png", b"not really");
        write(site, "content/cases/a/.index.md.swp", b"x");
        write(
            site,
            "content/cases/a/IM0001",
            &[vec![0u8; 128], b"DICM".to_vec()].concat(),
        );
        write(site, "static/notes.md", b"text");
        write(site, "static/robots.txt~", b"old");
        write(site, "static/logo.png.bak", b"old");
        write(site, "static/.well-known/security.txt", b"Contact: x");
        write(site, "static/.hidden/x.txt", b"x");
        write(site, "content/cases/a/Thumbs.db", b"x");
        write(site, "templates/page.html", b"{{ page.title }}");
        write(site, "themes/t/static/css/x.css", b"a{}");
        let s = walk(site, Some("t")).unwrap();
        let list: Vec<(Root, &str, FileKind)> = s
            .files
            .iter()
            .map(|f| (f.root, f.rel.as_str(), f.kind))
            .collect();
        assert_eq!(
            list,
            [
                (Root::Content, "cases/a/IM0001", FileKind::Dicom),
                (
                    Root::Content,
                    "cases/a/ct.png",
                    FileKind::Image {
                        format: kind::ImageFormat::Png,
                        named: true
                    }
                ),
                (Root::Content, "cases/a/index.md", FileKind::Markdown),
                (Root::ThemeStatic, "css/x.css", FileKind::Other),
                (Root::Static, ".well-known/security.txt", FileKind::Other),
                (Root::Static, "notes.md", FileKind::Other),
                (Root::Templates, "page.html", FileKind::Other),
            ]
        );
        let folders: Vec<&str> = s.folders.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(folders, ["cases", "cases/a", "css", ".well-known"]);
        assert!(s.get(Root::Content, "cases/a/index.md").is_some());
        assert!(s.get(Root::Static, "robots.txt~").is_none());
    }

    #[test]
    fn a_missing_theme_is_an_error_on_the_config() {
        let tmp = tempfile::tempdir().unwrap();
        let e = walk(tmp.path(), Some("nope")).unwrap_err();
        assert!(e.0[0].message.contains("theme \"nope\" not found"));
        assert!(e.0[0].path.as_ref().unwrap().ends_with("config.toml"));
    }

    #[cfg(unix)]
    #[test]
    fn links_may_not_leave_the_site() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        let outside = tmp.path().join("secret");
        write(&outside, "key.pem", b"PRIVATE");
        write(&site, "content/cases/a/index.md", b"+++\n+++\n");
        write(&site, "static/shared.css", b"a{}");
        std::os::unix::fs::symlink(&outside, site.join("content/cases/a/keys")).unwrap();
        std::os::unix::fs::symlink(outside.join("key.pem"), site.join("static/key.pem")).unwrap();
        // A link inside the site is fine.
        std::os::unix::fs::symlink(
            site.join("static/shared.css"),
            site.join("static/alias.css"),
        )
        .unwrap();
        let e = walk(&site, None).unwrap_err();
        let paths: Vec<String> =
            e.0.iter()
                .map(|d| d.path.as_ref().unwrap().display().to_string())
                .collect();
        assert_eq!(e.0.len(), 2, "{e}");
        assert!(
            paths.iter().any(|p| p.ends_with("content/cases/a/keys")),
            "{paths:?}"
        );
        assert!(
            paths.iter().any(|p| p.ends_with("static/key.pem")),
            "{paths:?}"
        );
        assert!(
            e.0.iter()
                .all(|d| d.message.contains("outside the site folder"))
        );
    }
}
