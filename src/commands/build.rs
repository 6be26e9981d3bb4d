//! `radcase build`: load → plan → run → commit, for one site folder.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{self, Library, LoadOptions};
use crate::diagnostic::{Diagnostic, Errors, Result};
use crate::media::card::CardStats;
use crate::media::{self, Cache, ImageStats};
use crate::output::{self, Staging};
use crate::plan::{self, Job};
use crate::render::{self, Renderer, Templates};

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub site: PathBuf,
    /// Defaults to `SITE/public`.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
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
    /// Cache entries removed because no page uses them any more.
    pub pruned: usize,
    pub elapsed: Duration,
    /// How long each stage took, in order, for `--verbose`.
    pub stages: Vec<(&'static str, Duration)>,
    /// Problems that do not stop the build (stale privacy acknowledgements).
    pub warnings: Vec<Diagnostic>,
}

/// Build the site. On any error the previous output is left untouched.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    let mut stages = Vec::new();
    let mut lap = Instant::now();
    let mut mark = |name: &'static str| {
        stages.push((name, lap.elapsed()));
        lap = Instant::now();
    };
    let site = &options.site;
    let config = load_config(site, options.base_url.as_deref())?;
    let output = options
        .output
        .clone()
        .unwrap_or_else(|| site.join("public"));
    output::check_output_dir(site, &output)?;
    let cache_dir = cache_dir(site, &config, options.cache_dir.as_deref());
    output::check_cache_dir(site, &output, &cache_dir)?;

    let (templates, library) = load_sources(site, &config, options.drafts)?;
    mark("load content and templates");
    let warnings = crate::privacy::guard(site, &config)?;
    mark("privacy guard");
    let static_dirs = render::templates::static_dirs(site, &config)?;
    let plan = plan::plan(&library, &static_dirs)?;
    mark("plan");
    let renderer = Renderer::new(&config, &library, &templates)?;

    let staging = Staging::new(&output)?;
    let cache = Cache::open(&cache_dir)?;
    let images = media::process(
        &plan.images,
        config.images.quality,
        &cache,
        &|rel| staging.prepare(rel),
        options.progress,
    )?;
    mark("images");
    let cards = media::card::process(&plan.cards, &cache, &|rel| staging.prepare(rel))?;
    mark("share cards");
    let errors: Vec<Diagnostic> = plan
        .outputs
        .par_iter()
        .filter_map(|out| run(&renderer, &staging, &out.path, &out.job).err())
        .flat_map(|e| e.0)
        .collect();
    if !errors.is_empty() {
        return Err(Errors(dedup(errors)));
    }
    mark("render and write");
    staging.commit()?;
    let pruned = cache.prune();
    mark("commit");
    Ok(BuildReport {
        output,
        pages: library.pages.len(),
        sections: library.sections.len(),
        files: plan.outputs.len(),
        images,
        cards,
        pruned,
        elapsed: started.elapsed(),
        stages,
        warnings,
    })
}

/// Read `SITE/config.toml`, with `base_url` replaced when one is given.
pub fn load_config(site: &Path, base_url: Option<&str>) -> Result<Config> {
    if !site.is_dir() {
        return Err(Diagnostic::in_file(site, "the site folder does not exist")
            .with_hint("pass the folder that holds config.toml, or create a site with `radcase new site DIR`")
            .into());
    }
    let mut config = Config::load(&site.join("config.toml"))?;
    if let Some(url) = base_url {
        config.set_base_url(url).map_err(|msg| {
            Diagnostic::new(format!("--base-url: {msg}"))
                .with_hint("write a full URL such as https://teaching.example.org/")
        })?;
    }
    Ok(config)
}

/// Where processed images are cached: the command line's choice, else `[images] cache_dir`.
pub fn cache_dir(site: &Path, config: &Config, chosen: Option<&Path>) -> PathBuf {
    match chosen {
        Some(dir) => dir.to_path_buf(),
        None if config.cache_dir.is_absolute() => config.cache_dir.clone(),
        None => site.join(&config.cache_dir),
    }
}

/// Load templates and content side by side; errors of both are reported together.
pub fn load_sources(site: &Path, config: &Config, drafts: bool) -> Result<(Templates, Library)> {
    let (templates, library) = rayon::join(
        || Templates::load(site, config),
        || content::load(site, config, LoadOptions { drafts }),
    );
    merge(templates, library)
}

fn merge<A, B>(a: Result<A>, b: Result<B>) -> Result<(A, B)> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(e), Ok(_)) | (Ok(_), Err(e)) => Err(e),
        (Err(Errors(mut e1)), Err(Errors(e2))) => {
            e1.extend(e2);
            Err(Errors(e1))
        }
    }
}

/// A template error repeats once per page using the template: report it once.
fn dedup(mut errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen = std::collections::HashSet::new();
    errors.retain(|d| seen.insert((d.path.clone(), d.line, d.column)));
    errors
}

/// What one job of the plan yields.
pub enum Product<'j> {
    /// A rendered page, list, feed or site file.
    Text(String),
    /// A file of the built-in theme.
    Bytes(&'static [u8]),
    /// A source file published as it is.
    File(&'j Path),
    /// An image variant or a share card, written by the media stages.
    Image,
}

/// Run one job of the plan: render it, or say which file it publishes.
pub fn produce<'j>(renderer: &Renderer<'_>, job: &'j Job) -> Result<Product<'j>> {
    let text = match job {
        Job::Page(i) => renderer.page(*i)?,
        Job::Section(i, pager) => renderer.section(*i, *pager)?,
        Job::TaxonomyList(t) => renderer.taxonomy_list(*t)?,
        Job::Term {
            taxonomy,
            term,
            pager,
        } => renderer.taxonomy_term(*taxonomy, *term, *pager)?,
        Job::Redirect(to) => render::redirect(to),
        Job::NotFound => renderer.not_found()?,
        Job::Sitemap => renderer.sitemap(),
        Job::Feed(source, format) => renderer.feed(*source, *format),
        Job::Robots => renderer.robots(),
        Job::ThemeStatic(bytes) => return Ok(Product::Bytes(bytes)),
        Job::ImageVariant(_) | Job::Card(_) => return Ok(Product::Image),
        Job::Static(src) | Job::Asset(src) => return Ok(Product::File(src)),
    };
    Ok(Product::Text(text))
}

/// Execute one job of the plan into the staging folder.
fn run(renderer: &Renderer<'_>, staging: &Staging, path: &str, job: &Job) -> Result<()> {
    match produce(renderer, job)? {
        Product::Text(text) => staging.write(path, text.as_bytes())?,
        Product::Bytes(bytes) => staging.write(path, bytes)?,
        Product::File(src) => crate::media::publish(src, &staging.prepare(path)?)?,
        Product::Image => {}
    }
    Ok(())
}
