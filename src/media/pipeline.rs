//! Running the image work of a build: decode only the sources with a missing variant, encode
//! in parallel, and place every variant in the output from the cache. Sources were hashed when
//! their headers were read (`content`), so a source whose variants are all cached is not read
//! at all here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::cache::Cache;
use super::card::{self, CardJob, Tally};
use super::{dicom, encode, raster};
use crate::diagnostic::{Diagnostic, Errors};
use crate::types::{DicomFrame, OutPath, Rect, Variant};

/// One source image and the variants the site publishes of it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageJob {
    pub source: PathBuf,
    /// The hash of the source's bytes.
    pub hash: blake3::Hash,
    /// For a DICOM source: which frame, in which window (None: a raster image).
    pub dicom: Option<DicomFrame>,
    pub variants: Vec<Variant>,
    /// Rectangles blacked out before any size is made.
    pub redact: Vec<Rect>,
}

/// The upright, opaque pixels of a source, with `redact` blacked out: a raster image
/// composited over black, or one windowed frame of a DICOM file. Every size and every share
/// card is made from these pixels and no others.
pub fn decode_source(
    source: &std::path::Path,
    dicom: Option<DicomFrame>,
    redact: &[Rect],
) -> Result<super::budget::Decoded, Diagnostic> {
    let mut decoded = match dicom {
        Some(frame) => dicom::decode_frame(source, frame)?,
        None => raster::decode_opaque(source)?,
    };
    if !redact.is_empty() {
        // Composited again in case a DICOM frame came with alpha: a box must be opaque.
        let img = std::mem::replace(&mut decoded.image, image::DynamicImage::new_luma8(0, 0));
        decoded.image = black_out(raster::composite(img), redact).map_err(|e| {
            Diagnostic::in_file(source, e)
                .with_hint("the image changed while the site was built; build again")
        })?;
    }
    Ok(decoded)
}

/// `img` with every rectangle filled with black. The rectangles were checked against the size
/// the image's header gave; one that no longer fits (the file changed since) is an error rather
/// than a smaller box.
fn black_out(mut img: image::DynamicImage, rects: &[Rect]) -> Result<image::DynamicImage, String> {
    use image::GenericImage;
    let (w, h) = (img.width(), img.height());
    for r in rects {
        let fits = r.x.checked_add(r.width).is_some_and(|right| right <= w)
            && r.y.checked_add(r.height).is_some_and(|bottom| bottom <= h);
        if !fits {
            return Err(format!(
                "the redact rectangle [{}, {}, {}, {}] does not fit the image ({w}×{h} pixels)",
                r.x, r.y, r.width, r.height
            ));
        }
        let black = image::Rgba([0, 0, 0, 255]);
        for y in r.y..r.y + r.height {
            for x in r.x..r.x + r.width {
                img.put_pixel(x, y, black);
            }
        }
    }
    Ok(img)
}

/// The cache key of a source from the hash of its bytes: for DICOM the frame and window too,
/// so one file gives one entry per frame and a changed window re-encodes; and the redacted
/// rectangles, so changing them makes every size again.
fn job_key(key: blake3::Hash, dicom: Option<DicomFrame>, redact: &[Rect]) -> blake3::Hash {
    if dicom.is_none() && redact.is_empty() {
        return key;
    }
    let mut h = blake3::Hasher::new();
    h.update(key.as_bytes());
    if let Some(frame) = dicom {
        h.update(frame.key().as_bytes());
    }
    if !redact.is_empty() {
        h.update(Rect::key(redact).as_bytes());
    }
    h.finalize()
}

/// What the image stage did, for the build summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImageStats {
    pub sources: usize,
    pub variants: usize,
    /// Sources decoded this build (0 when everything came from the cache).
    pub decoded: usize,
}

/// Produce every variant of every job at `dest(variant.output)`. A source decoded here also
/// gets the share cards that show it drawn (into the cache, counted in `tally`), so no key image
/// is decoded twice.
pub fn process(
    jobs: &[ImageJob],
    cards: &[CardJob],
    quality: u8,
    cache: &Cache,
    tally: &Tally,
    dest: &(dyn Fn(&OutPath) -> Result<PathBuf, Diagnostic> + Sync),
    show_progress: bool,
) -> Result<ImageStats, Errors> {
    // A card is drawn from a job's pixels only if they are the same pixels: same frame and
    // window, same rectangles blacked out.
    type Shown<'a> = (&'a Path, Option<String>, &'a [Rect]);
    let mut cards_of: HashMap<Shown<'_>, Vec<&CardJob>> = HashMap::new();
    for card in cards {
        if let Some(source) = &card.source {
            let frame = card.dicom.map(|f| f.key());
            cards_of
                .entry((source, frame, &card.redact))
                .or_default()
                .push(card);
        }
    }
    // Phase 1: which sources need work, from the cache alone.
    let keys: Vec<(blake3::Hash, bool)> = jobs
        .par_iter()
        .map(|job| {
            let key = job_key(job.hash, job.dicom, &job.redact);
            let complete = job
                .variants
                .iter()
                .all(|v| cache.holds(&cache.entry(&key, v, quality)));
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
                let cards = cards_of
                    .get(&(
                        job.source.as_path(),
                        job.dicom.map(|f| f.key()),
                        job.redact.as_slice(),
                    ))
                    .map_or(&[][..], Vec::as_slice);
                fill_cache(job, key, quality, cache, cards, tally)?;
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
    cards: &[&CardJob],
    tally: &Tally,
) -> Result<(), Diagnostic> {
    let missing: Vec<(&Variant, PathBuf)> = job
        .variants
        .iter()
        .map(|v| (v, cache.entry(key, v, quality)))
        .filter(|(_, entry)| !cache.holds(entry))
        .collect();
    // The budget share stays held (in `decoded`) while the sizes are made from the pixels.
    let decoded = decode_source(&job.source, job.dicom, &job.redact)?;
    let wanted: Vec<&Variant> = missing.iter().map(|(v, _)| *v).collect();
    let failed = |e: String| {
        Diagnostic::in_file(
            &job.source,
            format!("could not make the image's sizes: {e}"),
        )
    };
    let sized = encode::Sized::new(decoded.image, &wanted).map_err(failed)?;
    let (w, h) = card::KEY_IMAGE_BOX;
    for card in cards {
        card::draw_into_cache(card, Some(sized.smallest_covering(w, h)), cache, tally)?;
    }
    let encoded = sized.encode(&wanted, quality).map_err(failed)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::card::{self, CardText};
    use crate::types::{Format, plan_variants};

    #[test]
    fn a_key_image_decoded_for_its_sizes_is_not_decoded_again_for_its_card() {
        let tmp = tempfile::tempdir().unwrap();
        let source = tmp.path().join("ct.png");
        image::GrayImage::from_fn(64, 48, |x, y| image::Luma([(x * 4 + y) as u8]))
            .save(&source)
            .unwrap();
        let bytes = std::fs::read(&source).unwrap();
        let job = ImageJob {
            source: source.clone(),
            hash: blake3::hash(&bytes),
            dicom: None,
            variants: plan_variants("/", "a/", "ct", (64, 48), &[32], &[Format::Png]),
            redact: Vec::new(),
        };
        let text = CardText {
            headline: "Pneumothorax".into(),
            label: "XR · Chest".into(),
            footer: "Cases".into(),
        };
        let card = CardJob {
            source: Some(source),
            dicom: None,
            redact: Vec::new(),
            key: card::key(Some((&job.hash, None, &[])), &text),
            text,
            output: OutPath::new("a/card.png"),
        };
        let cache = Cache::open(&tmp.path().join("cache")).unwrap();
        let out = tmp.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        let dest = |p: &OutPath| Ok(out.join(p.as_str().replace('/', "_")));
        let tally = Tally::default();
        let jobs = [job];
        let cards = [card];
        let images = process(&jobs, &cards, 80, &cache, &tally, &dest, false).unwrap();
        assert_eq!(images.decoded, 1);
        let stats = card::process(&cards, &cache, &tally, &dest).unwrap();
        assert_eq!((stats.drawings, stats.decoded), (1, 0), "{stats:?}");
        let published = image::open(out.join("a_card.png")).unwrap();
        assert_eq!(
            (published.width(), published.height()),
            (card::WIDTH, card::HEIGHT)
        );

        // Sizes cached, card not (a new title): the card stage decodes the key image itself.
        let mut retitled = cards[0].clone();
        retitled.text.headline = "Tension pneumothorax".into();
        retitled.key = card::key(Some((&jobs[0].hash, None, &[])), &retitled.text);
        let tally = Tally::default();
        let cards = [retitled];
        let images = process(&jobs, &cards, 80, &cache, &tally, &dest, false).unwrap();
        assert_eq!(images.decoded, 0);
        let stats = card::process(&cards, &cache, &tally, &dest).unwrap();
        assert_eq!((stats.drawings, stats.decoded), (1, 1), "{stats:?}");
    }
}
