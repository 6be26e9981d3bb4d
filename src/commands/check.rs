//! `radcase check`: the privacy guard on its own, with everything it knows printed — findings,
//! stale acknowledgements, and the metadata of source images that a build strips.

use std::path::Path;

use crate::diagnostic::{Errors, Result};
use crate::pipeline::{self, Settings};

/// Scan the site in `site` and print what was found to stderr. Findings, and files the guard
/// could not read as the loader would (bad front matter, malformed acknowledgements), are
/// returned as errors (exit 1); the rest is printed here.
pub fn run(site: &Path, quiet: bool) -> Result<()> {
    let settings = Settings {
        site: site.to_path_buf(),
        ..Settings::default()
    };
    let survey = pipeline::survey(&settings)?;
    let report = &survey.report;
    if !quiet {
        for image in &survey.images {
            eprintln!(
                "note: {}: {} (stripped: never published)",
                image.path.display(),
                image.items.join(", ")
            );
        }
        for w in &report.stale {
            eprintln!("warning: {w}");
        }
    }
    let mut errors = survey.record_errors.clone();
    if let Err(e) = report.verdict() {
        errors.extend(e.0);
    }
    if !errors.is_empty() {
        return Err(Errors::new(errors));
    }
    if !quiet {
        eprintln!(
            "No privacy findings in {} Markdown files ({} acknowledged; {} images with metadata to strip).",
            report.files,
            report.acknowledged,
            survey.images.len()
        );
    }
    Ok(())
}
