//! The site as `serve` holds it: the current pipeline, and every output as bytes (or as a file
//! to read), kept in memory between rebuilds. A rebuild asks the pipeline for its next state
//! and the outputs a change affects, produces those into a [`MemorySink`], and swaps the result
//! in only when it all worked; a failed rebuild changes nothing, and its paths are tried again
//! with the next change.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;

use crate::diagnostic::{Diagnostic, Result, io_error};
use crate::output::Sink;
use crate::pipeline::{self, Pipeline, Selection, Settings, UpdateKind};
use crate::privacy::ack::AckRef;
use crate::source::FileKind;
use crate::types::OutPath;

/// The tag `serve` puts into every HTML page it serves (never into `build` output).
pub const RELOAD_TAG: &str = "<script src=\"/__radcase/livereload.js\"></script>";

/// What a served path answers with.
#[derive(Debug, Clone)]
pub enum Body {
    Bytes(Bytes),
    /// A file on disk: a static file, or an image made in the media folder.
    File(PathBuf),
}

pub type Files = HashMap<String, Body>;

/// Which open pages must reload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reload {
    /// Every page: anything may have changed.
    All,
    /// The pages at these URL paths.
    Pages(Vec<String>),
    /// Only stylesheets changed: swap them without reloading.
    Stylesheets,
}

/// What one rebuild did.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Outputs produced again.
    pub rendered: usize,
    pub removed: usize,
    /// Content or configuration was loaded as a whole.
    pub full: bool,
    pub reload: Reload,
    pub elapsed: Duration,
    /// Problems that do not stop the build (stale privacy acknowledgements).
    pub warnings: Vec<Diagnostic>,
}

/// The outputs of a run, kept in memory (images and re-encoded files in `media_dir`).
pub struct MemorySink {
    media_dir: PathBuf,
    made: Mutex<Vec<(String, Body)>>,
}

impl MemorySink {
    pub fn new(media_dir: &Path) -> MemorySink {
        MemorySink {
            media_dir: media_dir.to_path_buf(),
            made: Mutex::new(Vec::new()),
        }
    }

    fn keep(&self, path: &OutPath, body: Body) {
        let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
        made.push((path.as_str().to_string(), body));
    }

    fn into_made(self) -> Vec<(String, Body)> {
        self.made.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    /// A fresh file at `path` in the media folder (an older one is removed first, so a hard
    /// link from the cache can take its place).
    fn fresh(&self, path: &OutPath) -> std::result::Result<PathBuf, Diagnostic> {
        let file = self.media_dir.join(path.as_str());
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| io_error(parent, "create the folder", &e))?;
        }
        let _ = std::fs::remove_file(&file);
        Ok(file)
    }
}

impl Sink for MemorySink {
    fn media_file(&self, path: &OutPath) -> std::result::Result<PathBuf, Diagnostic> {
        let file = self.fresh(path)?;
        self.keep(path, Body::File(file.clone()));
        Ok(file)
    }

    fn write(&self, path: &OutPath, bytes: Vec<u8>) -> std::result::Result<(), Diagnostic> {
        let body = if path.is_html() {
            let html = String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            Bytes::from(with_reload_tag(html))
        } else {
            Bytes::from(bytes)
        };
        self.keep(path, Body::Bytes(body));
        Ok(())
    }

    fn write_static(
        &self,
        path: &OutPath,
        bytes: &'static [u8],
    ) -> std::result::Result<(), Diagnostic> {
        self.keep(path, Body::Bytes(Bytes::from_static(bytes)));
        Ok(())
    }

    fn publish(
        &self,
        path: &OutPath,
        source: &Path,
        kind: FileKind,
    ) -> std::result::Result<(), Diagnostic> {
        if kind == FileKind::Other {
            // Served from where it is; the server checks at every request that it is still
            // inside the site.
            self.keep(path, Body::File(source.to_path_buf()));
            return Ok(());
        }
        // Images are re-encoded, exactly as `build` publishes them.
        let file = self.fresh(path)?;
        crate::media::publish(source, kind, &file)?;
        self.keep(path, Body::File(file));
        Ok(())
    }
}

pub struct Site {
    pipeline: Pipeline,
    media_dir: PathBuf,
    files: Arc<Files>,
    /// Changed paths of failed updates, to be tried again.
    pending: Vec<PathBuf>,
    /// Outputs `load` left for [`Site::finish`]: the share cards.
    deferred: Option<Selection>,
    /// The acknowledgements the output gate used: of the last full run, and of the outputs
    /// updated since (an output an edit did not touch reads as it did).
    gate_acked: HashSet<AckRef>,
}

impl Site {
    /// Load the site into memory, all but its share cards (see [`Site::finish`]): on a large
    /// site with an empty cache, drawing every card first kept the first page waiting.
    pub fn load(settings: &Settings, media_dir: &Path) -> Result<(Site, Outcome)> {
        let started = Instant::now();
        let pipeline = Pipeline::load(settings, pipeline::load_config(settings)?)?;
        let sink = MemorySink::new(media_dir);
        let (first, cards) = pipeline.cards_apart();
        let stats = pipeline.run(&first, &sink, false)?;
        let made = sink.into_made();
        let outcome = Outcome {
            rendered: stats.files,
            removed: 0,
            full: true,
            reload: Reload::All,
            elapsed: started.elapsed(),
            warnings: pipeline.warnings(&stats.gate_acked),
        };
        let site = Site {
            gate_acked: stats.gate_acked,
            files: Arc::new(made.into_iter().collect()),
            pipeline,
            media_dir: media_dir.to_path_buf(),
            pending: Vec::new(),
            deferred: Some(cards),
        };
        Ok((site, outcome))
    }

    /// Produce what [`Site::load`] left out (the share cards) into the served files. Returns how
    /// many files were added; the site is unchanged if it fails.
    pub fn finish(&mut self) -> Result<usize> {
        let Some(selection) = self.deferred.take() else {
            return Ok(0);
        };
        let sink = MemorySink::new(&self.media_dir);
        let stats = self.pipeline.run(&selection, &sink, false)?;
        let mut files = (*self.files).clone();
        files.extend(sink.into_made());
        self.files = Arc::new(files);
        Ok(stats.files)
    }

    /// The next scheduled change of the site: a page published or expiring, an answer revealed.
    pub fn next_due(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.pipeline.library().next_due.as_ref().map(|d| d.at)
    }

    pub fn files(&self) -> Arc<Files> {
        Arc::clone(&self.files)
    }

    /// Bring the site up to date after `paths` changed. `Ok(None)`: nothing the site reads.
    ///
    /// The paths of a failed update are kept and tried again with the next one, so an error
    /// stays reported until its own file is fixed, whatever else is saved meanwhile.
    pub fn update(&mut self, paths: &[PathBuf]) -> Result<Option<Outcome>> {
        let mut all = std::mem::take(&mut self.pending);
        for p in paths {
            if !all.contains(p) {
                all.push(p.clone());
            }
        }
        let result = self.apply(&all);
        if result.is_err() {
            self.pending = all;
        }
        result
    }

    fn apply(&mut self, paths: &[PathBuf]) -> Result<Option<Outcome>> {
        let started = Instant::now();
        let Some(update) = self.pipeline.update(paths)? else {
            return Ok(None);
        };
        let sink = MemorySink::new(&self.media_dir);
        let stats = update.next.run(&update.selection, &sink, false)?;
        let made = sink.into_made();
        let full = update.kind == UpdateKind::Full;
        if update.selection == Selection::All {
            self.gate_acked.clear();
        }
        self.gate_acked.extend(stats.gate_acked.iter().cloned());
        let mut files: Files = if update.selection == Selection::All {
            Files::new()
        } else {
            let gone: std::collections::HashSet<&str> =
                update.removed.iter().map(OutPath::as_str).collect();
            self.files
                .iter()
                .filter(|(path, _)| !gone.contains(path.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        let reload = match update.kind {
            UpdateKind::Full | UpdateKind::Partial { statics: true } => Reload::All,
            UpdateKind::Stylesheets => Reload::Stylesheets,
            UpdateKind::Partial { statics: false } => Reload::Pages(
                made.iter()
                    .filter_map(|(path, _)| OutPath::from(path.as_str()).page_url())
                    .collect(),
            ),
        };
        let outcome = Outcome {
            rendered: stats.files,
            removed: update.removed.len(),
            full,
            reload,
            elapsed: started.elapsed(),
            warnings: update.next.warnings(&self.gate_acked),
        };
        files.extend(made);
        self.files = Arc::new(files);
        self.pipeline = update.next;
        Ok(Some(outcome))
    }
}

/// Put the live-reload script at the end of the body.
pub fn with_reload_tag(mut html: String) -> String {
    let at = html
        .to_ascii_lowercase()
        .rfind("</body>")
        .unwrap_or(html.len());
    html.insert_str(at, RELOAD_TAG);
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reload_tag_goes_before_the_end_of_the_body() {
        assert_eq!(
            with_reload_tag("<html><BODY>x</BODY></html>".into()),
            format!("<html><BODY>x{RELOAD_TAG}</BODY></html>")
        );
        assert_eq!(with_reload_tag("x".into()), format!("x{RELOAD_TAG}"));
    }
}
