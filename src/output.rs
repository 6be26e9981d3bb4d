//! Where outputs go. [`Sink`] is what the pipeline writes into; [`Staging`] is the sink of
//! `build`: everything goes to a staging folder beside the output, which is swapped in only
//! when the whole build succeeded, so a failed build leaves the old site as it was. (`serve`
//! has a sink of its own that keeps the site in memory.)

use std::path::{Component, Path, PathBuf};

use crate::diagnostic::{Diagnostic, Result, io_error};
use crate::source::FileKind;
use crate::types::OutPath;

/// What the pipeline writes outputs into.
pub trait Sink: Sync {
    /// A fresh file to write the image or card at `path` into (the media stages place cache
    /// entries there).
    fn media_file(&self, path: &OutPath) -> Result<PathBuf, Diagnostic>;
    /// A rendered output.
    fn write(&self, path: &OutPath, bytes: Vec<u8>) -> Result<(), Diagnostic>;
    /// A file of the built-in theme.
    fn write_static(&self, path: &OutPath, bytes: &'static [u8]) -> Result<(), Diagnostic>;
    /// A source file published as it is (an image re-encoded, DICOM never).
    fn publish(&self, path: &OutPath, source: &Path, kind: FileKind) -> Result<(), Diagnostic>;
}

/// Refuse output folders whose replacement would delete sources.
pub fn check_output_dir(site_dir: &Path, output: &Path) -> Result<()> {
    let site = resolve(site_dir);
    let out = resolve(output);
    let refuse = |why: String| -> Result<()> {
        Err(Diagnostic::in_file(output, format!("refusing to write the site here: {why}"))
            .with_hint("the output folder is replaced on every build; pick a folder of its own, e.g. --output public")
            .into())
    };
    if out == site {
        return refuse("it is the site folder itself".into());
    }
    if out.exists() && !out.is_dir() {
        return refuse("it is a file, not a folder".into());
    }
    if site.starts_with(&out) {
        return refuse("it contains the site folder".into());
    }
    for source in ["content", "templates", "static", "themes", "config.toml"] {
        if out.starts_with(site.join(source)) {
            return refuse(format!("it is inside the site's {source}"));
        }
    }
    Ok(())
}

/// The image cache must live outside the output (which is replaced) and outside the sources.
pub fn check_cache_dir(site_dir: &Path, output: &Path, cache: &Path) -> Result<()> {
    let (site, out, cache_abs) = (resolve(site_dir), resolve(output), resolve(cache));
    let bad = if cache_abs.starts_with(&out) {
        Some("it is inside the output folder")
    } else if ["content", "templates", "static", "themes"]
        .iter()
        .any(|s| cache_abs.starts_with(site.join(s)))
    {
        Some("it is inside a source folder")
    } else if out.starts_with(&cache_abs) || site.starts_with(&cache_abs) {
        Some("it contains the site or its output")
    } else {
        None
    };
    match bad {
        Some(why) => Err(Diagnostic::in_file(
            cache,
            format!("cannot keep the image cache here: {why}"),
        )
        .with_hint(
            "set [images] cache_dir in config.toml to a folder of its own, e.g. \".radcase-cache\"",
        )
        .into()),
        None => Ok(()),
    }
}

/// An absolute path with `.` and `..` resolved, and symlinks followed in the part that exists.
fn resolve(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut lexical = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    let mut existing = lexical.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    out.extend(rest.iter().rev());
    out
}

/// A folder the build writes into, swapped in place of the output on [`Staging::commit`].
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl Staging {
    pub fn new(target: &Path) -> Result<Staging> {
        // Work on the resolved path: `public/..//public` must not be moved aside by its own name.
        let resolved = resolve(target);
        let target = resolved.as_path();
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|e| io_error(parent, "create the folder", &e))?;
        let name = target
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().to_string());
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .map_err(|e| io_error(&dir, "clear the staging folder", &e))?;
        }
        std::fs::create_dir_all(&dir)
            .map_err(|e| io_error(&dir, "create the staging folder", &e))?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            committed: false,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Create the parent folders of `rel` and return its full path.
    pub fn prepare(&self, rel: &OutPath) -> Result<PathBuf, Diagnostic> {
        let path = self.dir.join(rel.as_str());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| io_error(parent, "create the folder", &e))?;
        }
        Ok(path)
    }

    /// Replace the output folder with the staging folder.
    pub fn commit(mut self) -> Result<()> {
        let old = self.dir.with_file_name(format!(
            ".{}.old-{}",
            self.target
                .file_name()
                .map_or_else(|| "public".into(), |n| n.to_string_lossy().to_string()),
            std::process::id()
        ));
        let had_old = self.target.exists();
        if had_old {
            std::fs::rename(&self.target, &old)
                .map_err(|e| io_error(&self.target, "move the old output aside", &e))?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.target) {
            if had_old {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(io_error(&self.target, "move the new output into place", &e).into());
        }
        self.committed = true;
        if had_old {
            std::fs::remove_dir_all(&old)
                .map_err(|e| io_error(&old, "remove the old output", &e))?;
        }
        Ok(())
    }
}

impl Sink for Staging {
    fn media_file(&self, path: &OutPath) -> Result<PathBuf, Diagnostic> {
        self.prepare(path)
    }

    fn write(&self, path: &OutPath, bytes: Vec<u8>) -> Result<(), Diagnostic> {
        let file = self.prepare(path)?;
        std::fs::write(&file, bytes).map_err(|e| io_error(&file, "write the file", &e))
    }

    fn write_static(&self, path: &OutPath, bytes: &'static [u8]) -> Result<(), Diagnostic> {
        let file = self.prepare(path)?;
        std::fs::write(&file, bytes).map_err(|e| io_error(&file, "write the file", &e))
    }

    fn publish(&self, path: &OutPath, source: &Path, kind: FileKind) -> Result<(), Diagnostic> {
        crate::media::publish(source, kind, &self.prepare(path)?)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_site_and_ancestors_and_sources() {
        let site = Path::new("/tmp/radcase-test-site");
        assert!(check_output_dir(site, site).is_err());
        assert!(check_output_dir(site, Path::new("/tmp")).is_err());
        assert!(check_output_dir(site, Path::new("/tmp/radcase-test-site/content/x")).is_err());
        assert!(
            check_output_dir(
                site,
                Path::new("/tmp/radcase-test-site/../radcase-test-site")
            )
            .is_err()
        );
        assert!(check_output_dir(site, Path::new("/tmp/radcase-test-site/public")).is_ok());
    }
}
