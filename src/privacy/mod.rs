//! The privacy guard: nothing that identifies a patient is published.
//!
//! `rules` finds HIPAA Safe Harbor identifiers in text; `scan` reads a site's sources (Markdown
//! bodies, front matter values, captions and alt text, file names — drafts included) and turns
//! hits into findings with their file, line and column; `ack` reads a page's acknowledgements;
//! `metadata` lists what will be stripped from source images. This module reads sources on its
//! own, so it never depends on what `content::load` kept (drafts are left out there), and it
//! never writes anything.

pub mod ack;
pub mod dicom;
pub mod metadata;
pub mod rules;
pub mod scan;

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Errors, Result};
pub use metadata::ImageMetadata;
pub use scan::Finding;

use rayon::prelude::*;

/// What the guard found in a site.
#[derive(Debug, Default)]
pub struct Report {
    /// Findings no acknowledgement covers, sorted by file and place.
    pub findings: Vec<Finding>,
    /// Findings covered by an acknowledgement.
    pub acknowledged: usize,
    /// Acknowledgements that cover nothing (warnings).
    pub stale: Vec<Diagnostic>,
    /// Malformed acknowledgements (errors).
    pub errors: Vec<Diagnostic>,
    /// Markdown files read.
    pub files: usize,
}

/// Scan every source of the site in `site`.
pub fn scan(site: &Path, config: &Config) -> Report {
    scan_sources(&scan::sources(site), config)
}

fn scan_sources(sources: &scan::Sources, config: &Config) -> Report {
    let exempt = config_strings(config);
    let (files, names) = scan::all(sources, &exempt);
    let mut report = Report {
        files: files.len(),
        ..Report::default()
    };
    let mut used: Vec<Vec<bool>> = files.iter().map(|f| vec![false; f.acks.len()]).collect();
    for (i, file) in files.iter().enumerate() {
        for finding in &file.findings {
            match file.acks.iter().position(|a| a.covers(finding)) {
                Some(k) => {
                    used[i][k] = true;
                    report.acknowledged += 1;
                }
                None => report.findings.push(finding.clone()),
            }
        }
    }
    // A file name or text asset is covered by its own Markdown file's acknowledgements, or its
    // bundle's; a page's own date in its file or folder name is its publication date.
    for finding in names {
        if finding.line.is_none()
            && finding.rule.name == "full-date"
            && is_own_date(&files, &finding)
        {
            continue;
        }
        let owner = files.iter().enumerate().find_map(|(i, f)| {
            let in_scope = f.path == finding.path
                || f.bundle_dir
                    .as_ref()
                    .is_some_and(|d| finding.path.starts_with(d));
            let k = f.acks.iter().position(|a| a.covers(&finding));
            in_scope.then_some(k.map(|k| (i, k))).flatten()
        });
        match owner {
            Some((i, k)) => {
                used[i][k] = true;
                report.acknowledged += 1;
            }
            None => report.findings.push(finding),
        }
    }
    for (i, file) in files.into_iter().enumerate() {
        report.errors.extend(file.errors);
        for (k, ack) in file.acks.iter().enumerate() {
            if !used[i][k] {
                report.stale.push(ack.stale());
            }
        }
    }
    mask_paths(&mut report.findings);
    report
        .findings
        .sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    report
}

/// Whether a date in a file or folder name is the `date` of the page it names
/// (`2024-05-02-welcome.md`, `content/posts/2024-05-02-welcome/`).
fn is_own_date(files: &[scan::FileScan], finding: &Finding) -> bool {
    files.iter().any(|f| {
        let names_it = f.path == finding.path || f.bundle_dir.as_ref() == Some(&finding.path);
        names_it && f.date.as_deref().is_some_and(|d| finding.id.trim() == d)
    })
}

/// A folder whose name is a finding must not show in the paths printed for the files in it.
fn mask_paths(findings: &mut [Finding]) {
    let masked: HashMap<PathBuf, OsString> = findings
        .iter()
        .filter(|f| f.line.is_none())
        .filter_map(|f| Some((f.path.clone(), f.shown.file_name()?.to_os_string())))
        .collect();
    if masked.is_empty() {
        return;
    }
    for f in findings {
        let mut real = PathBuf::new();
        let mut shown = PathBuf::new();
        for c in f.path.components() {
            real.push(c);
            match masked.get(&real) {
                Some(name) => shown.push(name),
                None => shown.push(c),
            }
        }
        f.shown = shown;
    }
}

/// Every source image of the site (in `content/` and `static/`) that carries metadata, with
/// what it carries. Informational: a build strips all of it.
pub fn image_metadata(site: &Path) -> Vec<ImageMetadata> {
    let sources = scan::sources(site);
    sources
        .others
        .par_iter()
        .filter_map(|p| metadata::read(p))
        .collect()
}

/// The guard of `build`: any unacknowledged finding or malformed acknowledgement is an error.
/// On success returns the warnings (stale acknowledgements).
pub fn guard(site: &Path, config: &Config) -> Result<Vec<Diagnostic>> {
    let report = scan(site, config);
    if report.findings.is_empty() && report.errors.is_empty() {
        return Ok(report.stale);
    }
    let mut errors = report.errors;
    errors.extend(report.findings.iter().map(Finding::diagnostic));
    Err(Errors(errors))
}

/// The guard for a few edited Markdown files, as `serve` runs it after an edit: the same rules
/// on those files alone. Their names did not change (a rename reloads, and re-checks, the whole
/// site), and stale acknowledgements are left to the full guard, which sees names too.
pub fn guard_files(config: &Config, markdown: Vec<PathBuf>) -> Result<()> {
    let sources = scan::Sources {
        markdown,
        names: Vec::new(),
        others: Vec::new(),
    };
    let report = scan_sources(&sources, config);
    if report.findings.is_empty() && report.errors.is_empty() {
        return Ok(());
    }
    let mut errors = report.errors;
    errors.extend(report.findings.iter().map(Finding::diagnostic));
    Err(Errors(errors))
}

/// Text of `config.toml` that names the site itself (its author, a contact address in
/// `[extra]`): the same text in a page is the site's, not a patient's.
fn config_strings(config: &Config) -> Vec<String> {
    fn walk(v: &toml::Value, out: &mut Vec<String>) {
        match v {
            toml::Value::String(s) => out.push(s.clone()),
            toml::Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            toml::Value::Table(t) => t.values().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out: Vec<String> = [&config.author, &config.description]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    out.push(config.title.clone());
    config.extra.values().for_each(|v| walk(v, &mut out));
    out
}
