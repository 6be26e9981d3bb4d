//! `radcase check`: the privacy guard on its own, with everything it knows printed — findings,
//! stale acknowledgements, and the metadata of source images that a build strips.

use std::path::Path;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Errors, Result};
use crate::privacy::{self, Finding};

/// Scan the site in `site` and print what was found to stderr. Findings and malformed
/// acknowledgements are returned as errors (exit 1); the rest is printed here.
pub fn run(site: &Path, quiet: bool) -> Result<()> {
    if !site.is_dir() {
        return Err(Diagnostic::in_file(site, "the site folder does not exist")
            .with_hint("pass the folder that holds config.toml")
            .into());
    }
    let config = Config::load(&site.join("config.toml"))?;
    let (report, images) = rayon::join(
        || privacy::scan(site, &config),
        || privacy::image_metadata(site),
    );
    if !quiet {
        for image in &images {
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
    if !report.findings.is_empty() || !report.errors.is_empty() {
        let mut errors = report.errors;
        errors.extend(report.findings.iter().map(Finding::diagnostic));
        return Err(Errors(errors));
    }
    if !quiet {
        eprintln!(
            "No privacy findings in {} Markdown files ({} acknowledged; {} images with metadata to strip).",
            report.files,
            report.acknowledged,
            images.len()
        );
    }
    Ok(())
}
