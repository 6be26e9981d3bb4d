//! Where outputs go. [`Sink`] is what the pipeline writes into; [`Staging`] is the sink of
//! `build`: everything goes to a staging folder beside the output, which is swapped in only
//! when the whole build succeeded, so a failed build leaves the old site as it was. (`serve`
//! has a sink of its own that keeps the site in memory.)
//!
//! The swap is one atomic exchange of names where the platform has one (Linux's
//! `renameat2(RENAME_EXCHANGE)`), so there is no moment without an output folder. Builds of one
//! output take a lock first, so they never swap at the same time, and a build that holds the
//! lock knows that staging folders it finds were left by builds that died: it removes them.
//! Every output holds a marker file, [`MARKER`]; a folder that is not empty and has none was not
//! written by radcase, and is never replaced.

use std::fs::File;
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

/// The file in every output folder that says radcase wrote it.
pub const MARKER: &str = ".radcase-output";

const MARKER_TEXT: &str =
    "This folder was written by radcase, which replaces all of it on every build.\n";

/// Refuse output folders whose replacement would delete sources, or files radcase did not write.
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
    if out.is_dir() && !out.join(MARKER).is_file() {
        let mut entries =
            std::fs::read_dir(&out).map_err(|e| io_error(output, "read the output folder", &e))?;
        if entries.next().is_some() {
            return Err(Diagnostic::in_file(
                output,
                format!(
                    "refusing to replace this folder: it holds files radcase did not write (it has no {MARKER} file)"
                ),
            )
            .with_hint(
                "the output folder is deleted and written anew on every build: pick a new or empty folder, e.g. --output public; if it is the output of an older radcase, delete it once",
            )
            .into());
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
    /// Held until the staging folder is swapped in or dropped.
    _lock: File,
}

/// Take the lock of builds writing `target`, named `name` in `parent`: waits for another build
/// of the same output to finish.
fn lock(parent: &Path, name: &str, target: &Path) -> Result<File> {
    let path = parent.join(format!(".{name}.lock"));
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| io_error(&path, "create the build lock", &e))?;
    if let Err(std::fs::TryLockError::WouldBlock) = file.try_lock() {
        eprintln!(
            "waiting for another build writing {} to finish…",
            target.display()
        );
        file.lock()
            .map_err(|e| io_error(&path, "take the build lock", &e))?;
    }
    // Where the platform has no locks, builds of one output are not serialised; each still
    // works in its own staging folder.
    Ok(file)
}

/// Remove what builds of `name` that died left in `parent`: their staging folders and the old
/// outputs they had not removed yet. Only called with the lock held, so none is in use.
fn remove_leftovers(parent: &Path, name: &str) {
    let (staging, old) = (format!(".{name}.staging-"), format!(".{name}.old-"));
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        let ours = [&staging, &old].iter().any(|prefix| {
            file_name
                .strip_prefix(prefix.as_str())
                .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        });
        if ours && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Swap the names of two folders in one step. `Ok(false)` when the platform or the file system
/// cannot, and the caller falls back to two renames.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes()).map_err(|e| std::io::Error::other(e.to_string()))
    };
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both are valid NUL-terminated paths that outlive the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        return Ok(true);
    }
    let err = std::io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::ENOSYS | libc::EINVAL | libc::ENOTSUP) => Ok(false),
        _ => Err(err),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<bool> {
    Ok(false)
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
        let lock = lock(parent, &name, target)?;
        remove_leftovers(parent, &name);
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .map_err(|e| io_error(&dir, "create the staging folder", &e))?;
        let marker = dir.join(MARKER);
        std::fs::write(&marker, MARKER_TEXT)
            .map_err(|e| io_error(&marker, "write the file", &e))?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            committed: false,
            _lock: lock,
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
        if self.target.is_dir() {
            let swapped = exchange(&self.dir, &self.target)
                .map_err(|e| io_error(&self.target, "swap in the new output", &e))?;
            if swapped {
                self.committed = true;
                // The staging name now holds the old output. Should removing it fail, the next
                // build removes it.
                let _ = std::fs::remove_dir_all(&self.dir);
                return Ok(());
            }
        }
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
            let _ = std::fs::remove_dir_all(&old);
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
