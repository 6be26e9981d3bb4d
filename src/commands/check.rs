//! `radcase check`: the privacy guard with everything it knows printed (findings, stale
//! acknowledgements, the metadata of source images that a build strips), then the site
//! rendered in memory and every link, image and fragment of its pages and feeds checked
//! against what it publishes; with `--external`, other sites' addresses too.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use crate::diagnostic::{Diagnostic, Errors, Result, io_error};
use crate::links::{self, Built, Doc, ExternalOptions, Parsed};
use crate::output::{self, Sink};
use crate::pipeline::{self, Pipeline, Selection, Settings};
use crate::plan::Job;
use crate::source::FileKind;
use crate::types::{FeedFormat, OutPath};

const NOT_CHECKED: &str =
    "note: links were not checked: the site does not build until the problems below are fixed.";

/// The pause between two requests to one host.
const HOST_DELAY: Duration = Duration::from_millis(100);

#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub site: PathBuf,
    pub drafts: bool,
    /// `--now`: what today is (else $SOURCE_DATE_EPOCH, else the clock).
    pub now: Option<chrono::DateTime<chrono::Utc>>,
    /// Overrides `[images] cache_dir` (where external answers are kept too).
    pub cache_dir: Option<PathBuf>,
    /// Check other sites' addresses, with these limits.
    pub external: Option<External>,
    pub quiet: bool,
}

#[derive(Debug, Clone)]
pub struct External {
    pub timeout: Duration,
    pub concurrency: usize,
    pub per_host: usize,
    pub refresh: bool,
}

/// Run the guard and the link check, printing notes and summaries to stderr. Findings, files
/// the guard could not read, anything that keeps the site from building and every broken link
/// are returned as errors (exit 1).
pub fn run(options: &CheckOptions) -> Result<()> {
    let settings = Settings {
        site: options.site.clone(),
        drafts: options.drafts,
        now: options.now,
        cache_dir: options.cache_dir.clone(),
        ..Settings::default()
    };
    let quiet = options.quiet;
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
        // `check` renders nothing, so what only the output gate reads is not known here.
        for (_, w) in &report.stale_acks {
            eprintln!("warning: {w}");
            eprintln!(
                "  note: check reads the sources only; a build also knows what the output gate uses"
            );
        }
    }
    let mut errors = survey.record_errors.clone();
    if let Err(e) = report.verdict() {
        errors.extend(e.0);
    }
    if !errors.is_empty() {
        if !quiet {
            eprintln!("{NOT_CHECKED}");
        }
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
    check_links(&settings, options)
}

fn check_links(settings: &Settings, options: &CheckOptions) -> Result<()> {
    let config = pipeline::load_config(settings)?;
    let base_url = config.base_url.clone();
    let cache_dir = pipeline::cache_dir(settings, &config);
    let site = &settings.site;
    output::check_cache_dir(site, &site.join("public"), &cache_dir)?;
    let pipeline = Pipeline::load(settings, config).inspect_err(|_| {
        if !options.quiet {
            eprintln!("{NOT_CHECKED}");
        }
    })?;
    let built = render(&pipeline, site, base_url)?;
    let external = options.external.as_ref().map(|e| ExternalOptions {
        timeout: e.timeout,
        concurrency: e.concurrency,
        per_host: e.per_host,
        host_delay: HOST_DELAY,
        refresh: e.refresh,
        cache_dir,
    });
    let report = links::Checker::new(&built)?.check(external.as_ref());
    if let Some(summary) = &report.external
        && let Some(w) = &summary.warning
    {
        eprintln!("warning: {w}");
    }
    if !options.quiet {
        print_summary(&report);
    }
    Errors::or_ok(report.errors, ())
}

fn print_summary(report: &links::Report) {
    let broken = report.errors.len();
    let verdict = if broken == 0 {
        "no broken link".to_string()
    } else {
        format!("{broken} problem(s)")
    };
    eprintln!(
        "Links: {} to {} files of the site checked in {} pages and {} feeds: {verdict}.",
        report.links, report.targets, report.pages, report.feeds
    );
    match &report.external {
        Some(s) => eprintln!(
            "External links: {} addresses, {} asked now and {} from the cache (answers kept a day, failures an hour; --refresh asks again): {} failed.",
            s.addresses, s.fetched, s.cached, s.failed
        ),
        None if report.external_addresses > 0 => eprintln!(
            "{} addresses of other sites were not checked (add --external to check them).",
            report.external_addresses
        ),
        None => {}
    }
}

/// Render every page, list and feed of the pipeline in memory and read their links; images,
/// cards and copied files are known by their paths alone (none is made or read, but a static
/// HTML file is read for its links).
fn render(pipeline: &Pipeline, site: &Path, base_url: String) -> Result<Built> {
    let plan = pipeline.plan();
    let library = pipeline.library();
    let page_files: HashMap<&str, &Path> = library
        .pages
        .iter()
        .map(|p| (p.url.as_str(), p.file.as_path()))
        .collect();
    let mut feeds = HashMap::new();
    let mut origins: HashMap<&str, PathBuf> = HashMap::new();
    let mut selection = Vec::new();
    for (i, out) in plan.outputs.iter().enumerate() {
        let origin = match &out.job {
            Job::Page(p) => Some(library.page(*p).file.clone()),
            Job::Section(s, _) => library.section(*s).file.clone(),
            Job::Redirect(to) => page_files.get(to.as_str()).map(|f| f.to_path_buf()),
            Job::Static { source, .. } | Job::Asset { source, .. } => Some(source.clone()),
            _ => None,
        };
        if let Some(origin) = origin {
            origins.insert(out.path.as_str(), origin);
        }
        if let Job::Feed(_, format) = out.job {
            feeds.insert(out.path.clone(), format);
        }
        if !(matches!(out.job, Job::ImageVariant(_)) || out.job.is_card()) {
            selection.push(i);
        }
    }
    let sink = LinkSink {
        feeds,
        read: Mutex::new(Vec::new()),
    };
    pipeline.run(&Selection::Some(selection), &sink, false)?;
    let mut read = sink.read.into_inner().unwrap_or_else(|e| e.into_inner());
    read.sort_by(|a, b| a.0.cmp(&b.0));
    let docs = read
        .into_iter()
        .map(|(out, parsed)| Doc {
            origin: origins.get(out.as_str()).cloned(),
            out,
            parsed,
        })
        .collect();
    let templates = ["templates", "themes"]
        .iter()
        .map(|d| site.join(d))
        .find(|d| d.is_dir())
        .unwrap_or_else(|| site.join("templates"));
    Ok(Built {
        base_url,
        files: plan.outputs.iter().map(|o| o.path.clone()).collect(),
        docs,
        config_file: site.join("config.toml"),
        templates,
    })
}

/// Reads the links of what the pipeline renders, and keeps nothing else.
struct LinkSink {
    feeds: HashMap<OutPath, FeedFormat>,
    read: Mutex<Vec<(OutPath, Parsed)>>,
}

impl LinkSink {
    fn keep(&self, path: &OutPath, text: &str) {
        if let Some(parsed) = links::read(path, text, self.feeds.get(path).copied()) {
            let mut read = self.read.lock().unwrap_or_else(|e| e.into_inner());
            read.push((path.clone(), parsed));
        }
    }
}

impl Sink for LinkSink {
    fn media_file(&self, path: &OutPath) -> std::result::Result<PathBuf, Diagnostic> {
        // The selection leaves out every image and card.
        Err(Diagnostic::new(format!(
            "check makes no images, but was asked for {path}"
        )))
    }

    fn write(&self, path: &OutPath, bytes: Vec<u8>) -> std::result::Result<(), Diagnostic> {
        self.keep(path, &String::from_utf8_lossy(&bytes));
        Ok(())
    }

    fn write_static(
        &self,
        path: &OutPath,
        bytes: &'static [u8],
    ) -> std::result::Result<(), Diagnostic> {
        self.keep(path, &String::from_utf8_lossy(bytes));
        Ok(())
    }

    fn publish(
        &self,
        path: &OutPath,
        source: &Path,
        kind: FileKind,
    ) -> std::result::Result<(), Diagnostic> {
        if kind == FileKind::Other && path.is_html() {
            let bytes = std::fs::read(source).map_err(|e| io_error(source, "read", &e))?;
            self.keep(path, &String::from_utf8_lossy(&bytes));
        }
        Ok(())
    }
}
