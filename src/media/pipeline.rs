//! Running the image work of a build: decode only the sources with a missing variant, encode
//! in parallel, and place every variant in the output from the cache. Sources were hashed when
//! their headers were read (`content`), so a source whose variants are all cached is not read
//! at all here.

use std::path::PathBuf;

use rayon::prelude::*;

use super::cache::Cache;
use super::{dicom, encode, raster};
use crate::diagnostic::{Diagnostic, Errors};
use crate::types::{DicomFrame, OutPath, Variant};

/// One source image and the variants the site publishes of it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageJob {
    pub source: PathBuf,
    /// The hash of the source's bytes.
    pub hash: blake3::Hash,
    /// For a DICOM source: which frame, in which window (None: a raster image).
    pub dicom: Option<DicomFrame>,
    pub variants: Vec<Variant>,
}

/// The upright pixels of a source: a raster image, or one windowed frame of a DICOM file.
pub fn decode_source(
    source: &std::path::Path,
    dicom: Option<DicomFrame>,
) -> Result<image::DynamicImage, Diagnostic> {
    match dicom {
        Some(frame) => dicom::decode_frame(source, frame),
        None => raster::decode(source),
    }
}

/// The cache key of a source from the hash of its bytes: for DICOM the frame and window too, so one file
/// gives one entry per frame and a changed window re-encodes.
fn job_key(key: blake3::Hash, dicom: Option<DicomFrame>) -> blake3::Hash {
    match dicom {
        Some(frame) => {
            let mut h = blake3::Hasher::new();
            h.update(key.as_bytes());
            h.update(frame.key().as_bytes());
            h.finalize()
        }
        None => key,
    }
}

/// What the image stage did, for the build summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImageStats {
    pub sources: usize,
    pub variants: usize,
    /// Sources decoded this build (0 when everything came from the cache).
    pub decoded: usize,
}

/// Produce every variant of every job at `dest(variant.output)`.
pub fn process(
    jobs: &[ImageJob],
    quality: u8,
    cache: &Cache,
    dest: &(dyn Fn(&OutPath) -> Result<PathBuf, Diagnostic> + Sync),
    show_progress: bool,
) -> Result<ImageStats, Errors> {
    // Phase 1: which sources need work, from the cache alone.
    let keys: Vec<(blake3::Hash, bool)> = jobs
        .par_iter()
        .map(|job| {
            let key = job_key(job.hash, job.dicom);
            let complete = job
                .variants
                .iter()
                .all(|v| cache.entry(&key, v, quality).is_file());
            (key, complete)
        })
        .collect();
    let mut errors = Vec::new();
    let to_decode = keys.iter().filter(|(_, complete)| !complete).count();
    let bar = progress_bar(show_progress && to_decode > 0, to_decode);

    // Phase 2: decode what is missing, then publish every variant from the cache.
    let results: Vec<Result<bool, Diagnostic>> = jobs
        .par_iter()
        .zip(keys.par_iter())
        .map(|(job, (key, complete))| {
            let decoded = !complete;
            if decoded {
                fill_cache(job, key, quality, cache)?;
                bar.inc(1);
            }
            for v in &job.variants {
                cache.publish(&cache.entry(key, v, quality), &dest(&v.output)?)?;
            }
            Ok(decoded)
        })
        .collect();
    bar.finish_and_clear();
    let mut stats = ImageStats {
        sources: jobs.len(),
        variants: jobs.iter().map(|j| j.variants.len()).sum(),
        decoded: 0,
    };
    for r in results {
        match r {
            Ok(true) => stats.decoded += 1,
            Ok(false) => {}
            Err(e) => errors.push(e),
        }
    }
    Errors::or_ok(errors, stats)
}

fn fill_cache(
    job: &ImageJob,
    key: &blake3::Hash,
    quality: u8,
    cache: &Cache,
) -> Result<(), Diagnostic> {
    let missing: Vec<(&Variant, PathBuf)> = job
        .variants
        .iter()
        .map(|v| (v, cache.entry(key, v, quality)))
        .filter(|(_, entry)| !entry.is_file())
        .collect();
    let img = decode_source(&job.source, job.dicom)?;
    let wanted: Vec<&Variant> = missing.iter().map(|(v, _)| *v).collect();
    let encoded = encode::render_variants(img, &wanted, quality).map_err(|e| {
        Diagnostic::in_file(
            &job.source,
            format!("could not make the image's sizes: {e}"),
        )
    })?;
    for ((_, entry), bytes) in missing.iter().zip(encoded) {
        cache.store(entry, &bytes)?;
    }
    Ok(())
}

fn progress_bar(show: bool, len: usize) -> indicatif::ProgressBar {
    if !show || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} images ({eta})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message("Processing images");
    bar
}
