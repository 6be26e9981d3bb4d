//! Watching a site folder: file events gathered into one batch per burst of saves.
//!
//! Editors write a file in several steps (a swap file, a rename, a write, a chmod) and tools
//! may save fifty times a second; a batch ends only after a quiet spell, so a burst is one
//! rebuild. Only the folders a site reads are watched recursively, never the output or the
//! image cache, which can hold many thousands of folders.
//!
//! A watch belongs to a folder, not to its path: when a root is deleted or moved away its
//! watch ends with it (or would follow it to where it went), and a folder made or moved in at
//! the same path is not watched at all. So every event on a root's own path (seen through the
//! site folder's watch) watches that path afresh.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::diagnostic::{Diagnostic, Result};

/// The folders of a site that a build reads.
const ROOTS: [&str; 4] = ["content", "templates", "static", "themes"];
/// A batch ends when no event came for this long...
const QUIET: Duration = Duration::from_millis(25);
/// ...or, when events keep coming, after this long.
const LONGEST: Duration = Duration::from_secs(2);

pub struct Watch {
    site: PathBuf,
    watcher: RecommendedWatcher,
    events: Receiver<PathBuf>,
    /// The roots watched now.
    watched: Vec<PathBuf>,
}

/// One burst of changes.
/// What [`Watch::next`] waited for.
pub enum Wait {
    Changes(Batch),
    /// The time asked for came without a change.
    Due,
    /// Watching has stopped.
    Stopped,
}

#[derive(Default)]
pub struct Batch {
    pub paths: Vec<PathBuf>,
    /// A root that appeared in the burst but could not be watched: its changes go unseen.
    pub unwatched: Option<crate::diagnostic::Errors>,
}

impl Watch {
    /// Start watching `site` (an absolute path).
    pub fn start(site: &Path) -> Result<Watch> {
        let (tx, events) = mpsc::channel();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if let Ok(event) = event
                && !matches!(event.kind, EventKind::Access(_))
            {
                for path in event.paths {
                    let _ = tx.send(path);
                }
            }
        })
        .map_err(|e| watch_error(site, &e))?;
        let mut watch = Watch {
            site: site.to_path_buf(),
            watcher,
            events,
            watched: Vec::new(),
        };
        // The site folder itself, for config.toml and for roots created later.
        watch
            .watcher
            .watch(site, RecursiveMode::NonRecursive)
            .map_err(|e| watch_error(site, &e))?;
        watch.watch_roots()?;
        Ok(watch)
    }

    fn watch_roots(&mut self) -> Result<()> {
        for root in ROOTS {
            let dir = self.site.join(root);
            if dir.is_dir() && !self.watched.contains(&dir) {
                self.watcher
                    .watch(&dir, RecursiveMode::Recursive)
                    .map_err(|e| watch_error(&dir, &e))?;
                self.watched.push(dir);
            }
        }
        Ok(())
    }

    /// Watch again each root whose own path is in `paths`: it came, went or was replaced.
    fn rewatch(&mut self, paths: &[PathBuf]) -> Result<()> {
        for root in ROOTS {
            let dir = self.site.join(root);
            if paths.contains(&dir) && self.watched.contains(&dir) {
                // The watch may be gone already (the backend drops the watch of a deleted
                // folder); then there is nothing to remove.
                let _ = self.watcher.unwatch(&dir);
                self.watched.retain(|w| *w != dir);
            }
        }
        self.watch_roots()
    }

    /// Wait for changes and return them as one batch, or [`Wait::Due`] at `until` if none
    /// came by then.
    pub fn next(&mut self, until: Option<Instant>) -> Wait {
        let first = match until {
            Some(t) => match self
                .events
                .recv_timeout(t.saturating_duration_since(Instant::now()))
            {
                Ok(path) => path,
                Err(RecvTimeoutError::Timeout) => return Wait::Due,
                Err(RecvTimeoutError::Disconnected) => return Wait::Stopped,
            },
            None => match self.events.recv() {
                Ok(path) => path,
                Err(_) => return Wait::Stopped,
            },
        };
        match self.gather(first) {
            Some(batch) => Wait::Changes(batch),
            None => Wait::Stopped,
        }
    }

    /// The rest of the burst that `first` began.
    fn gather(&mut self, first: PathBuf) -> Option<Batch> {
        let started = Instant::now();
        let mut batch = vec![first];
        while started.elapsed() < LONGEST {
            match self.events.recv_timeout(QUIET) {
                Ok(path) => {
                    if !batch.contains(&path) {
                        batch.push(path);
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
        // Before the rebuild reads the folders: what changes after it is seen by the new watch,
        // what changed before by the rebuild.
        let unwatched = if batch
            .iter()
            .any(|p| p.parent() == Some(self.site.as_path()))
        {
            self.rewatch(&batch).err()
        } else {
            None
        };
        Some(Batch {
            paths: batch,
            unwatched,
        })
    }
}

fn watch_error(path: &Path, err: &notify::Error) -> crate::diagnostic::Errors {
    Diagnostic::in_file(path, format!("cannot watch this folder for changes: {err}"))
        .with_hint("on Linux, raise the inotify limit: sysctl fs.inotify.max_user_watches=524288")
        .into()
}
