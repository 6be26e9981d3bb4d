//! `radcase build`: the pipeline run into a staging folder, swapped in for the output folder
//! when everything worked.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::content::schedule::Due;
use crate::diagnostic::{Diagnostic, Result};
use crate::media::ImageStats;
use crate::media::card::CardStats;
use crate::output::{self, Staging};
use crate::pipeline::{self, Pipeline, Selection, Settings};

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub site: PathBuf,
    /// Defaults to `SITE/public`.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// `--now`: what today is (else $SOURCE_DATE_EPOCH, else the clock).
    pub now: Option<chrono::DateTime<chrono::Utc>>,
    /// Overrides `[images] cache_dir`.
    pub cache_dir: Option<PathBuf>,
    /// Show a progress bar while images are processed (on a terminal only).
    pub progress: bool,
}

/// What a finished build did, for the summary line.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub output: PathBuf,
    pub pages: usize,
    pub sections: usize,
    pub files: usize,
    pub images: ImageStats,
    pub cards: CardStats,
    /// Source images and DICOM files opened to read their headers (the others were known, from
    /// the cache folder's records, to be unchanged).
    pub source_reads: usize,
    /// Cache entries removed because no page uses them any more.
    pub pruned: usize,
    pub elapsed: Duration,
    /// How long each stage took, in order, for `--verbose`.
    pub stages: Vec<(&'static str, Duration)>,
    /// Problems that do not stop the build (stale privacy acknowledgements).
    pub warnings: Vec<Diagnostic>,
    /// The next scheduled change (a page published or expiring, an answer revealed).
    pub next_due: Option<Due>,
}

/// Build the site. On any error the previous output is left untouched.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    let settings = Settings {
        site: options.site.clone(),
        base_url: options.base_url.clone(),
        drafts: options.drafts,
        now: options.now,
        cache_dir: options.cache_dir.clone(),
    };
    let site = &options.site;
    let config = pipeline::load_config(&settings)?;
    let output = options
        .output
        .clone()
        .unwrap_or_else(|| site.join("public"));
    // Refused before any work: a wrong folder is the cheapest error to report.
    output::check_output_dir(site, &output)?;
    output::check_cache_dir(site, &output, &pipeline::cache_dir(&settings, &config))?;

    let pipeline = Pipeline::load(&settings, config)?;
    let staging = Staging::new(&output)?;
    let run = pipeline.run(&Selection::All, &staging, options.progress)?;
    let lap = Instant::now();
    staging.commit()?;
    let pruned = pipeline.cache().prune();
    let mut stages = pipeline.stages().to_vec();
    stages.extend(run.stages);
    stages.push(("commit", lap.elapsed()));
    let library = pipeline.library();
    let mut warnings = pipeline.warnings(&run.gate_acked);
    warnings.extend(run.warnings.iter().cloned());
    let tampered = pipeline.cache().tampered();
    if tampered > 0 {
        warnings.push(
            Diagnostic::in_file(
                pipeline.cache().dir(),
                format!(
                    "{tampered} file(s) in the image cache had changed since radcase made them; they were made again from their sources"
                ),
            )
            .with_hint("published images are hard links into the cache: to change one, change its source, not the file in the output folder"),
        );
    }
    Ok(BuildReport {
        output,
        pages: library.pages.len(),
        sections: library.sections.len(),
        files: run.files,
        images: run.images,
        cards: run.cards,
        source_reads: pipeline.source_reads(),
        pruned,
        elapsed: started.elapsed(),
        stages,
        warnings,
        next_due: library.next_due.clone(),
    })
}
