//! Watching a site folder: file events gathered into one batch per burst of saves.
//!
//! Editors write a file in several steps (a swap file, a rename, a write, a chmod) and tools
//! may save fifty times a second; a batch ends only after a quiet spell, so a burst is one
//! rebuild. Only the folders a site reads are watched recursively, never the output or the
//! image cache, which can hold many thousands of folders.

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
    watched: Vec<PathBuf>,
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

    /// Wait for changes and return them as one batch. `None` when watching has stopped.
    pub fn next_batch(&mut self) -> Option<Vec<PathBuf>> {
        let first = self.events.recv().ok()?;
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
        if batch
            .iter()
            .any(|p| p.parent() == Some(self.site.as_path()))
        {
            // A root folder may have appeared; failing to watch it is reported next time.
            let _ = self.watch_roots();
        }
        Some(batch)
    }
}

fn watch_error(path: &Path, err: &notify::Error) -> crate::diagnostic::Errors {
    Diagnostic::in_file(path, format!("cannot watch this folder for changes: {err}"))
        .with_hint("on Linux, raise the inotify limit: sysctl fs.inotify.max_user_watches=524288")
        .into()
}
