//! Running a plan, or part of it, into a sink: images first (from the cache where it can),
//! then share cards, then every other output rendered and written in parallel.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Duration;

use rayon::prelude::*;

use super::{Pipeline, Stopwatch};
use crate::diagnostic::{Diagnostic, Errors, Result};
use crate::media::card::{CardJob, CardStats};
use crate::media::{self, ImageJob, ImageStats};
use crate::output::Sink;
use crate::plan::Job;
use crate::privacy::ack::AckRef;
use crate::privacy::{self, gate::Leak};
use crate::render::{self, Renderer};
use crate::source::FileKind;

/// Which outputs of the plan to produce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    All,
    /// Indices into the plan's outputs.
    Some(Vec<usize>),
}

/// What a run did, for the summary line.
#[derive(Debug, Clone, Default)]
pub struct RunStats {
    /// Outputs produced.
    pub files: usize,
    pub images: ImageStats,
    pub cards: CardStats,
    /// How long each stage took, in order, for `--verbose`.
    pub stages: Vec<(&'static str, Duration)>,
    /// Warnings only a run can give (a `text-in-image` acknowledgement that covers no image).
    pub warnings: Vec<Diagnostic>,
    /// The acknowledgements the output gate used in the outputs of this run.
    pub gate_acked: HashSet<AckRef>,
}

/// What one job of the plan yields.
pub enum Product<'j> {
    /// A rendered page, list, feed or site file.
    Text(String),
    /// A file of the built-in theme.
    Bytes(&'static [u8]),
    /// A source file published as it is.
    File(&'j Path, FileKind),
    /// An image variant or a share card, written by the media stages.
    Media,
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
        Job::SearchPage => renderer.search_page()?,
        Job::Search(file) => renderer.search(*file),
        Job::Feed(source, format) => renderer.feed(*source, *format),
        Job::Robots => renderer.robots(),
        Job::SiteCalendar => renderer.site_calendar(),
        Job::PageCalendar(i) => renderer.page_calendar(*i),
        Job::ThemeStatic(bytes) => return Ok(Product::Bytes(bytes)),
        Job::ImageVariant(_) | Job::Card(_) | Job::SiteCard => return Ok(Product::Media),
        Job::Static { source, kind } | Job::Asset { source, kind } => {
            return Ok(Product::File(source, *kind));
        }
    };
    Ok(Product::Text(text))
}

impl Pipeline {
    /// Produce the outputs of `selection` into `sink`. `progress` shows a progress bar while
    /// images are processed (on a terminal only).
    pub fn run(&self, selection: &Selection, sink: &dyn Sink, progress: bool) -> Result<RunStats> {
        let mut clock = Stopwatch::new();
        let plan = &self.plan;
        let selected: Vec<usize> = match selection {
            Selection::All => (0..plan.outputs.len()).collect(),
            Selection::Some(list) => list.clone(),
        };
        let (images, cards) = self.media_jobs(selection, &selected);
        let dest = |path: &_| sink.media_file(path);
        let tally = media::card::Tally::new(&cards, &self.cache);
        let (image_stats, texts) = media::process(
            &images,
            &cards,
            self.config.images.quality,
            &self.cache,
            &tally,
            &dest,
            progress,
        )?;
        clock.mark("images");
        // Every image of the site is judged on every run against the acknowledgements as they
        // are now (a `serve` edit that removes one fails its unchanged image): those outside the
        // selection by what the cache says was found in them.
        let mut judged: Vec<(&ImageJob, Option<media::FoundText>)> =
            images.iter().zip(texts).collect();
        if *selection != Selection::All {
            let rest: Vec<(&ImageJob, Option<media::FoundText>)> = plan
                .images
                .par_iter()
                .filter(|job| !images.contains(job))
                .map(|job| (job, media::cached_text_of(job, &self.cache)))
                .collect();
            judged.extend(rest);
        }
        let pixels = self.pixel_verdict(&selected, &judged, &cards)?;
        clock.mark("text in pixels");
        let card_stats = media::card::process(&cards, &self.cache, &tally, &dest)?;
        self.cache.save();
        clock.mark("share cards");
        let renderer = Renderer::new(&self.config, &self.library, &self.templates)?;
        let gate = self.scans.gate(&self.config.base_url);
        let passed = privacy::gate::Passed::open(self.cache.dir());
        let texts: HashMap<&Path, &str> = self
            .records
            .iter()
            .map(|r| (r.path.as_path(), r.text()))
            .collect();
        type Gated = (Vec<Diagnostic>, privacy::gate::Checked);
        let (errors, checked): (Vec<Vec<Diagnostic>>, Vec<privacy::gate::Checked>) = selected
            .par_iter()
            .map(|&o| -> Gated {
                let out = &plan.outputs[o];
                let mut checked = privacy::gate::Checked::default();
                let written = produce(&renderer, &out.job).and_then(|product| {
                    match product {
                        Product::Text(text) => {
                            // Nothing reaches the sink that the gate did not see.
                            let source = self.job_source(&out.job);
                            checked = gate.check(out.path.as_str(), &text, source, &texts, &passed);
                            if checked.leaks.is_empty() {
                                sink.write(&out.path, text.into_bytes())
                            } else {
                                Ok(())
                            }
                        }
                        Product::Bytes(bytes) => sink.write_static(&out.path, bytes),
                        Product::File(source, kind) => sink.publish(&out.path, source, kind),
                        Product::Media => Ok(()),
                    }
                    .map_err(Errors::from)
                });
                (written.err().map(|e| e.0).unwrap_or_default(), checked)
            })
            .unzip();
        let mut leaks: Vec<Leak> = Vec::new();
        let mut gate_acked = HashSet::new();
        for c in checked {
            leaks.extend(c.leaks);
            gate_acked.extend(c.acked);
        }
        let mut errors: Vec<Diagnostic> = errors.into_iter().flatten().collect();
        errors.extend(pixels.errors);
        errors.extend(privacy::gate::report(leaks));
        passed.save(*selection == Selection::All);
        clock.mark("render and write");
        Errors::or_ok(
            errors,
            RunStats {
                files: selected.len(),
                images: image_stats,
                cards: card_stats,
                stages: clock.stages,
                // Whether an acknowledgement covers nothing is known only when every image was
                // searched.
                warnings: if *selection == Selection::All {
                    pixels.stale
                } else {
                    Vec::new()
                },
                gate_acked,
            },
        )
    }

    /// What the text found in the pixels of `images`, of the key images of `cards` that no
    /// image job shares and of the images `selected` publishes in their own format means for
    /// the build.
    fn pixel_verdict(
        &self,
        selected: &[usize],
        images: &[(&ImageJob, Option<media::FoundText>)],
        cards: &[CardJob],
    ) -> Result<privacy::PixelVerdict> {
        let shared = |c: &CardJob| {
            images.iter().any(|(j, _)| {
                Some(&j.source) == c.source.as_ref()
                    && j.dicom.map(|f| f.key()) == c.dicom.map(|f| f.key())
                    && j.redact == c.redact
                    && j.crop.is_none()
            })
        };
        let card_texts: Vec<(&CardJob, media::FoundText)> = cards
            .par_iter()
            .filter(|c| !shared(c))
            .map(|c| Ok(media::card_text(c, &self.cache)?.map(|t| (c, t))))
            .collect::<std::result::Result<Vec<_>, Diagnostic>>()?
            .into_iter()
            .flatten()
            .collect();
        let as_is: Vec<&Path> = selected
            .iter()
            .filter_map(|&o| match &self.plan.outputs[o].job {
                Job::Static { source, kind } | Job::Asset { source, kind } if kind.is_image() => {
                    Some(source.as_path())
                }
                _ => None,
            })
            .collect();
        let by_path: HashMap<&Path, &crate::source::Source> = if as_is.is_empty() {
            HashMap::new()
        } else {
            self.sources
                .files
                .iter()
                .map(|s| (s.path.as_path(), s))
                .collect()
        };
        let file_texts: Vec<(&crate::source::Source, media::FoundText)> = as_is
            .par_iter()
            .filter_map(|path| {
                let source = *by_path.get(path)?;
                let found = self
                    .probes
                    .raster(path)
                    .and_then(|(_, hash)| media::file_text(path, &hash, &self.cache));
                Some(found.map(|f| (source, f)))
            })
            .collect::<std::result::Result<Vec<_>, Diagnostic>>()?;
        let mut searched: Vec<privacy::Searched<'_>> = images
            .iter()
            .filter_map(|(job, text)| {
                Some(privacy::Searched {
                    source: &job.source,
                    dicom: job.dicom.is_some(),
                    slice: job.slice,
                    as_is: None,
                    found: text.as_ref()?,
                })
            })
            .collect();
        searched.extend(card_texts.iter().filter_map(|(card, found)| {
            Some(privacy::Searched {
                source: card.source.as_deref()?,
                dicom: card.dicom.is_some(),
                slice: false,
                as_is: None,
                found,
            })
        }));
        searched.extend(file_texts.iter().map(|(source, found)| privacy::Searched {
            source: &source.path,
            dicom: false,
            slice: false,
            as_is: Some(source),
            found,
        }));
        Ok(self.scans.pixel_text(&self.config, &searched))
    }

    /// The Markdown file an output is made from, when it is made from one.
    fn job_source(&self, job: &Job) -> Option<&Path> {
        match job {
            Job::Page(i) => Some(self.library.page(*i).file.as_path()),
            Job::Section(i, _) => self.library.section(*i).file.as_deref(),
            _ => None,
        }
    }

    /// The image and card jobs behind the selected outputs.
    fn media_jobs(
        &self,
        selection: &Selection,
        selected: &[usize],
    ) -> (Cow<'_, [ImageJob]>, Cow<'_, [CardJob]>) {
        let plan = &self.plan;
        if *selection == Selection::All {
            return (Cow::Borrowed(&plan.images), Cow::Borrowed(&plan.cards));
        }
        let mut images: Vec<usize> = selected
            .iter()
            .filter_map(|&o| match plan.outputs[o].job {
                Job::ImageVariant(i) => Some(i),
                _ => None,
            })
            .collect();
        images.sort_unstable();
        images.dedup();
        let cards: Vec<CardJob> = selected
            .iter()
            .filter_map(|&o| match plan.outputs[o].job {
                Job::Card(page) => self.library.page(page).card.as_ref().map(|c| c.job.clone()),
                Job::SiteCard => self.library.site_card.as_ref().map(|c| c.job.clone()),
                _ => None,
            })
            .collect();
        let images = images.iter().map(|&i| plan.images[i].clone()).collect();
        (Cow::Owned(images), Cow::Owned(cards))
    }
}
