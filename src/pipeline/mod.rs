//! One build, as data through its stages, wired once for every command:
//!
//! ```text
//! config ─▶ walk ─▶ Sources ─▶ read ─▶ Records ─┬─▶ guard ─▶ Scans (findings, warnings)
//!                      │                         └─▶ load  ─▶ Library ─▶ plan ─▶ Plan
//!                      └─▶ templates                                             │
//!                                      run(selection, sink) ◀────────────────────┘
//! ```
//!
//! A [`Pipeline`] holds the result of every stage. `build` loads one and runs it into the
//! staging folder; `serve` loads one, runs it into memory, and on every save asks
//! [`Pipeline::update`] for the next pipeline and the outputs the change affects, which it runs
//! the same way. Nothing below this module knows which command is running.

mod affected;
mod run;
mod update;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use run::{Product, RunStats, Selection, produce};
pub use update::{Update, UpdateKind};

use crate::config::Config;
use crate::content::{self, Library};
use crate::diagnostic::{Diagnostic, Errors, Result};
use crate::front::Record;
use crate::media::{Cache, Probes};
use crate::plan::{self, Plan};
use crate::privacy::ack::AckRef;
use crate::privacy::{self, Scans};
use crate::render::Templates;
use crate::source::{self, Sources};

/// What a command asks of the pipeline.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The site folder as the user named it (messages show paths under it).
    pub site: PathBuf,
    /// Replaces `base_url` from `config.toml` (`--base-url`, or serve's local address).
    pub base_url: Option<String>,
    /// Include pages with `draft = true`.
    pub drafts: bool,
    /// Overrides `[images] cache_dir`.
    pub cache_dir: Option<PathBuf>,
    /// What today is (`--now`); none: `$SOURCE_DATE_EPOCH`, else the clock.
    pub now: Option<chrono::DateTime<chrono::Utc>>,
}

/// Every stage's result for one state of the site's sources. Cheap to clone: `update` shares
/// what a change did not touch.
#[derive(Clone)]
pub struct Pipeline {
    settings: Settings,
    /// The site folder, canonical, as file events name it.
    root: PathBuf,
    config: Arc<Config>,
    sources: Arc<Sources>,
    /// Every Markdown file of `content/`, drafts included.
    records: Arc<Vec<Arc<Record>>>,
    scans: Arc<Scans>,
    templates: Arc<Templates>,
    library: Arc<Library>,
    plan: Arc<Plan>,
    cache: Arc<Cache>,
    /// What reading the source images found, kept in the cache folder between builds.
    probes: Arc<Probes>,
    /// Acknowledgements of files published as they are that cover nothing.
    warnings: Vec<Diagnostic>,
    /// Acknowledgements of Markdown files that cover nothing the source scan found: stale
    /// unless the output gate uses them.
    stale_acks: Vec<(AckRef, Diagnostic)>,
    stages: Vec<(&'static str, Duration)>,
}

/// Read `SITE/config.toml`, with `base_url` replaced when the settings say so.
pub fn load_config(settings: &Settings) -> Result<Config> {
    let site = &settings.site;
    if site.is_file() {
        return Err(Diagnostic::in_file(site, "this is a file, not a site folder")
            .with_hint("pass the folder that holds config.toml (for a file in it, its folder), e.g. `radcase build .`")
            .into());
    }
    if !site.is_dir() {
        return Err(Diagnostic::in_file(site, "the site folder does not exist")
            .with_hint("pass the folder that holds config.toml, or create a site with `radcase new site DIR`")
            .into());
    }
    let mut config = Config::load(&site.join("config.toml"))?;
    if let Some(url) = &settings.base_url {
        config.set_base_url(url).map_err(|msg| {
            Diagnostic::new(format!("--base-url: {msg}"))
                .with_hint("write a full URL such as https://teaching.example.org/")
        })?;
    }
    config.now = match settings.now {
        Some(now) => now,
        None => now_from_env()?,
    };
    Ok(config)
}

/// Whether each load of `settings` sees another "today": neither `--now` nor
/// `$SOURCE_DATE_EPOCH` fixes it, so a scheduled change comes with the clock.
pub fn clock_moves(settings: &Settings) -> bool {
    settings.now.is_none() && std::env::var_os("SOURCE_DATE_EPOCH").is_none()
}

/// `$SOURCE_DATE_EPOCH` (seconds since 1970, for reproducible builds), else the clock.
fn now_from_env() -> Result<chrono::DateTime<chrono::Utc>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
            .ok_or_else(|| {
                Diagnostic::new(format!(
                    "SOURCE_DATE_EPOCH is `{v}`, not a number of seconds since 1970-01-01"
                ))
                .with_hint(
                    "set it to a whole number such as 1767225600, or unset it to use the clock",
                )
                .into()
            }),
        _ => Ok(chrono::Utc::now()),
    }
}

/// Where processed images are cached: the settings' choice, else `[images] cache_dir`.
pub fn cache_dir(settings: &Settings, config: &Config) -> PathBuf {
    match &settings.cache_dir {
        Some(dir) => dir.clone(),
        None if config.cache_dir.is_absolute() => config.cache_dir.clone(),
        None => settings.site.join(&config.cache_dir),
    }
}

/// Times the stages of a load, for `--verbose`.
struct Stopwatch {
    lap: Instant,
    stages: Vec<(&'static str, Duration)>,
}

impl Stopwatch {
    fn new() -> Stopwatch {
        Stopwatch {
            lap: Instant::now(),
            stages: Vec::new(),
        }
    }

    fn mark(&mut self, name: &'static str) {
        self.stages.push((name, self.lap.elapsed()));
        self.lap = Instant::now();
    }
}

impl Pipeline {
    /// Run every stage up to the plan for the site of `settings`, whose `config.toml` is
    /// `config` (see [`load_config`]).
    pub fn load(settings: &Settings, config: Config) -> Result<Pipeline> {
        let mut clock = Stopwatch::new();
        let site = &settings.site;
        let root = std::fs::canonicalize(site).unwrap_or_else(|_| site.clone());
        let sources = source::walk(site, config.theme.as_deref())?;
        clock.mark("walk sources");
        let cache_dir = cache_dir(settings, &config);
        let probes = Probes::open(&cache_dir);
        let (templates, records) = rayon::join(
            || Templates::load(&sources, &config),
            || content::read_records(&sources, &config),
        );
        // The guard reads the same records while the library is made from them.
        let (scans, library) = rayon::join(
            || privacy::scan(&config, &sources, &records),
            || content::load(site, &config, &sources, &records, &probes, settings.drafts),
        );
        clock.mark("load content and templates, privacy guard");
        // Broken sources first: while a file cannot be read as the loader reads it, the guard's
        // findings in it (read whole, failing closed) would only repeat its lines. Its other
        // errors (an acknowledgement naming no rule) are reported with them.
        let report = scans.report();
        let (templates, library) = Errors::join(templates, library).map_err(|mut e| {
            e.0.extend(report.errors.iter().cloned());
            Errors::new(e.0)
        })?;
        // What was learnt about the sources holds whatever the guard says.
        probes.save();
        report.verdict()?;
        let (warnings, stale_acks) = (report.stale.clone(), report.stale_acks.clone());
        let plan = plan::plan(&library, &sources)?;
        clock.mark("plan");
        let cache = Cache::open(&cache_dir)?;
        Ok(Pipeline {
            settings: settings.clone(),
            root,
            config: Arc::new(config),
            sources: Arc::new(sources),
            records: Arc::new(records),
            scans: Arc::new(scans),
            templates: Arc::new(templates),
            library: Arc::new(library),
            plan: Arc::new(plan),
            cache: Arc::new(cache),
            probes: Arc::new(probes),
            warnings,
            stale_acks,
            stages: clock.stages,
        })
    }

    /// Every output but the share cards, and the share cards: `serve` shows pages first and
    /// draws the cards (which only link previews fetch) once it is serving.
    pub fn cards_apart(&self) -> (Selection, Selection) {
        let (cards, rest): (Vec<usize>, Vec<usize>) =
            (0..self.plan.outputs.len()).partition(|&o| self.plan.outputs[o].job.is_card());
        (Selection::Some(rest), Selection::Some(cards))
    }

    pub fn library(&self) -> &Library {
        &self.library
    }

    /// Every output, as data (`check` renders the pages and reads what the others are).
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    /// How many source images and DICOM files were read since this pipeline's first load (the
    /// others were known from the cache folder's records).
    pub fn source_reads(&self) -> usize {
        self.probes.reads()
    }

    /// Problems that do not stop a build: acknowledgements that cover nothing, given those
    /// the output gate used (`gate_acked`, of a run of every output).
    pub fn warnings(&self, gate_acked: &HashSet<AckRef>) -> Vec<Diagnostic> {
        let mut all = self.warnings.clone();
        all.extend(
            self.stale_acks
                .iter()
                .filter(|(id, _)| !gate_acked.contains(id))
                .map(|(_, d)| d.clone()),
        );
        all
    }

    /// How long each stage of the load took.
    pub fn stages(&self) -> &[(&'static str, Duration)] {
        &self.stages
    }
}

/// What the privacy guard alone finds in a site (`radcase check`).
pub struct Survey {
    pub report: privacy::Report,
    /// Metadata of source images, which a build strips.
    pub images: Vec<privacy::ImageMetadata>,
    /// Problems reading the Markdown files (front matter, acknowledgements).
    pub record_errors: Vec<Diagnostic>,
}

/// Run the stages the guard needs (config, walk, records) and the guard, nothing else.
pub fn survey(settings: &Settings) -> Result<Survey> {
    let config = load_config(settings)?;
    let sources = source::walk(&settings.site, config.theme.as_deref())?;
    let records = content::read_records(&sources, &config);
    let (scans, images) = rayon::join(
        || privacy::scan(&config, &sources, &records),
        || privacy::image_metadata(&sources),
    );
    Ok(Survey {
        report: scans.report(),
        images,
        record_errors: records.iter().flat_map(|r| r.errors.clone()).collect(),
    })
}
