//! Running the image work of a build: hash every source, decode only those with a missing
//! variant, encode in parallel, and place every variant in the output from the cache.

use std::path::PathBuf;

use rayon::prelude::*;

use super::cache::{Cache, source_key};
use super::dicom::{self, DicomFrame};
use super::variants::Variant;
use super::{encode, raster};
use crate::diagnostic::{Diagnostic, Errors, io_error};

/// One source image and the variants the site publishes of it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageJob {
    pub source: PathBuf,
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
    dest: &(dyn Fn(&str) -> Result<PathBuf, Diagnostic> + Sync),
    show_progress: bool,
) -> Result<ImageStats, Errors> {
    // Phase 1: which sources need work. Each file is read and hashed once, even when it is the
    // source of many jobs (the frames of a multi-frame DICOM file); bytes are dropped here so
    // memory stays flat.
    let mut files: Vec<&std::path::Path> = jobs.iter().map(|j| j.source.as_path()).collect();
    files.sort_unstable();
    files.dedup();
    let hashes: std::collections::HashMap<&std::path::Path, Result<blake3::Hash, Diagnostic>> =
        files
            .into_par_iter()
            .map(|path| {
                let hash = std::fs::read(path)
                    .map(|bytes| source_key(&bytes))
                    .map_err(|e| io_error(path, "read the image", &e));
                (path, hash)
            })
            .collect();
    let checked: Vec<Result<(blake3::Hash, bool), Diagnostic>> = jobs
        .par_iter()
        .map(|job| {
            let hash = match hashes.get(job.source.as_path()) {
                Some(Ok(h)) => *h,
                Some(Err(e)) => return Err(e.clone()),
                None => return Err(Diagnostic::in_file(&job.source, "the image was not read")),
            };
            let key = job_key(hash, job.dicom);
            let complete = job
                .variants
                .iter()
                .all(|v| cache.entry(&key, v, quality).is_file());
            Ok((key, complete))
        })
        .collect();
    let mut errors = Vec::new();
    let mut keys = Vec::with_capacity(jobs.len());
    for c in checked {
        match c {
            Ok(k) => keys.push(k),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        // One unreadable multi-frame file is one error, not one per frame.
        errors.dedup();
        return Err(Errors(errors));
    }
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
    if errors.is_empty() {
        Ok(stats)
    } else {
        Err(Errors(errors))
    }
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
