//! Running the image work of a build: decode only the sources with a missing variant, encode
//! in parallel, and place every variant in the output from the cache. Sources were hashed when
//! their headers were read (`content`), so a source whose variants are all cached is not read
//! at all here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::cache::Cache;
use super::card::{self, CardJob, Tally};
use super::ocr::{self, TextRegion};
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
    /// A slice of a stack (which takes no `redact`).
    pub slice: bool,
    /// The part of the upright pixels published (a person's square photo), cut after `redact`.
    pub crop: Option<Rect>,
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
fn job_key(job: &ImageJob) -> blake3::Hash {
    let (key, dicom, redact) = (job.hash, job.dicom, &job.redact);
    if dicom.is_none() && redact.is_empty() && job.crop.is_none() {
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
    // Another square of the same photo is another image.
    if let Some(c) = job.crop {
        h.update(format!("crop;{},{},{},{}", c.x, c.y, c.width, c.height).as_bytes());
    }
    h.finalize()
}

/// The pixels a job publishes: its source decoded (with `redact`), cut to `crop`; and the
/// upright size of the whole source.
fn decode_job(job: &ImageJob) -> Result<(super::budget::Decoded, (u32, u32)), Diagnostic> {
    let decoded = decode_source(&job.source, job.dicom, &job.redact)?;
    let whole = (decoded.image.width(), decoded.image.height());
    Ok((cut(decoded, &job.source, job.crop)?, whole))
}

/// A source decoded (with `redact`) and cut to `crop` (a person's square photo): what an image
/// job publishes and what a share card shows of it.
pub fn decode_cut(
    source: &std::path::Path,
    dicom: Option<DicomFrame>,
    redact: &[Rect],
    crop: Option<Rect>,
) -> Result<super::budget::Decoded, Diagnostic> {
    cut(decode_source(source, dicom, redact)?, source, crop)
}

/// `decoded` cut to `crop`, checked to lie inside it.
fn cut(
    mut decoded: super::budget::Decoded,
    source: &std::path::Path,
    crop: Option<Rect>,
) -> Result<super::budget::Decoded, Diagnostic> {
    if let Some(c) = crop {
        let (w, h) = (decoded.image.width(), decoded.image.height());
        if c.x.saturating_add(c.width) > w || c.y.saturating_add(c.height) > h {
            return Err(Diagnostic::in_file(
                source,
                format!("the image is {w}×{h} pixels, smaller than when the site was planned"),
            )
            .with_hint("the image changed while the site was built; build again"));
        }
        decoded.image = decoded.image.crop_imm(c.x, c.y, c.width, c.height);
    }
    Ok(decoded)
}

/// What the image stage did, for the build summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImageStats {
    pub sources: usize,
    pub variants: usize,
    /// Sources decoded this build (0 when everything came from the cache).
    pub decoded: usize,
    /// Images whose pixels were searched for text this build (the rest from the cache).
    pub searched: usize,
}

/// Text found in the pixels an image publishes (after `redact`), for the privacy guard.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FoundText {
    /// The upright size of the source whose pixels were searched: the coordinates of
    /// `regions` are in it (for a cut thumbnail too, so that a `redact` made from them fits the
    /// source it applies to).
    pub size: (u32, u32),
    pub regions: Vec<TextRegion>,
}

/// Where the text verdict on the pixels cached under `key` lives. Whether OCR could run is part
/// of it: installing Tesseract reads again what was only found before.
fn text_entry(cache: &Cache, key: &blake3::Hash, side: u32) -> PathBuf {
    let mut h = blake3::Hasher::new();
    h.update(key.as_bytes());
    h.update(&side.to_le_bytes());
    h.update(ocr::VERSION.as_bytes());
    h.update(if *ocr::ocr() == ocr::Ocr::Ready {
        b"ocr"
    } else {
        b"detect-only"
    });
    cache.keyed_entry(&h.finalize(), "text.json")
}

/// The cached text verdict at `entry`, if there is a readable one.
fn cached_text(cache: &Cache, entry: &Path) -> Option<FoundText> {
    if !cache.holds(entry) {
        return None;
    }
    serde_json::from_slice(&cache.read(entry)?).ok()
}

/// What an earlier run found in the pixels of `job`, if the cache has it (no decoding).
pub fn cached_text_of(job: &ImageJob, cache: &Cache) -> Option<FoundText> {
    let key = job_key(job);
    cached_text(cache, &text_entry(cache, &key, search_side(job)))
}

/// The long side the pixels of `job` are searched at: that of its largest published size.
fn search_side(job: &ImageJob) -> u32 {
    job.variants
        .iter()
        .map(|v| v.width.max(v.height))
        .max()
        .unwrap_or(ocr::SEARCH_SIDE)
}

/// Search `image` for text (at most `side` pixels on the long side) and keep the verdict at
/// `entry`.
fn search(
    image: &image::DynamicImage,
    side: u32,
    entry: &Path,
    cache: &Cache,
) -> Result<FoundText, Diagnostic> {
    let found = FoundText {
        size: (image.width(), image.height()),
        regions: ocr::find_text_in(image, side),
    };
    let bytes = serde_json::to_vec(&found).unwrap_or_default();
    cache.store(entry, &bytes)?;
    cache.keep(entry);
    Ok(found)
}

/// The text in the pixels of an image published in its own format (a `static/` file, a figure
/// a page links to), whose bytes hash to `hash`: what a viewer sees of it over a dark page and,
/// when it has transparent parts, over a light one.
pub fn file_text(
    source: &Path,
    hash: &blake3::Hash,
    cache: &Cache,
) -> Result<FoundText, Diagnostic> {
    let mut h = blake3::Hasher::new();
    h.update(hash.as_bytes());
    h.update(b"published as it is");
    // Published at full size.
    let side = ocr::SEARCH_SIDE;
    let entry = text_entry(cache, &h.finalize(), side);
    if let Some(found) = cached_text(cache, &entry) {
        return Ok(found);
    }
    let image = raster::decode(source)?.image;
    let mut found = FoundText {
        size: (image.width(), image.height()),
        regions: Vec::new(),
    };
    if image.color().has_alpha() {
        found.regions = ocr::find_text_in(&raster::composite_over_white(&image), side);
    }
    let overlaps = |a: (u32, u32, u32, u32), b: (u32, u32, u32, u32)| {
        a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3
    };
    for region in ocr::find_text_in(&raster::composite(image), side) {
        if !found.regions.iter().any(|r| overlaps(r.rect, region.rect)) {
            found.regions.push(region);
        }
    }
    found.regions.sort_by_key(|r| (r.rect.1, r.rect.0));
    let bytes = serde_json::to_vec(&found).unwrap_or_default();
    cache.store(&entry, &bytes)?;
    cache.keep(&entry);
    Ok(found)
}

/// The text in the pixels a share card shows when no image job has the same pixels (a
/// `card_image` that is not in the gallery): decoded and searched here, once per key image.
pub fn card_text(card: &CardJob, cache: &Cache) -> Result<Option<FoundText>, Diagnostic> {
    let Some(source) = &card.source else {
        return Ok(None);
    };
    // The card shows the image cut to fill its box: no more than this on the long side.
    let side = card::KEY_IMAGE_BOX.0.max(card::KEY_IMAGE_BOX.1) * 2;
    let entry = text_entry(cache, &card.key, side);
    if let Some(found) = cached_text(cache, &entry) {
        return Ok(Some(found));
    }
    let decoded = decode_cut(source, card.dicom, &card.redact, card.crop)?;
    search(&decoded.image, side, &entry, cache).map(Some)
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
) -> Result<(ImageStats, Vec<Option<FoundText>>), Errors> {
    // A card is drawn from a job's pixels only if they are the same pixels: same frame and
    // window, same rectangles blacked out, the same part of the source.
    type Shown<'a> = (&'a Path, Option<String>, &'a [Rect], Option<Rect>);
    let mut cards_of: HashMap<Shown<'_>, Vec<&CardJob>> = HashMap::new();
    for card in cards {
        if let Some(source) = &card.source {
            let frame = card.dicom.map(|f| f.key());
            cards_of
                .entry((source, frame, &card.redact, card.crop))
                .or_default()
                .push(card);
        }
    }
    // Phase 1: which sources need work, from the cache alone. A source is complete when every
    // size is cached and so is what its pixels were found to say.
    let keys: Vec<(blake3::Hash, Option<FoundText>)> = jobs
        .par_iter()
        .map(|job| {
            let key = job_key(job);
            let sized = job
                .variants
                .iter()
                .all(|v| cache.holds(&cache.entry(&key, v, quality)));
            let text = sized
                .then(|| cached_text(cache, &text_entry(cache, &key, search_side(job))))
                .flatten();
            (key, text)
        })
        .collect();
    let mut errors = Vec::new();
    let to_decode = keys.iter().filter(|(_, text)| text.is_none()).count();
    let bar = progress_bar(show_progress && to_decode > 0, to_decode);

    // Phase 2: decode what is missing, then publish every variant from the cache.
    let results: Vec<Result<(bool, FoundText), Diagnostic>> = jobs
        .par_iter()
        .zip(keys.par_iter())
        .map(|(job, (key, cached))| {
            let (decoded, text) = match cached {
                Some(text) => (false, text.clone()),
                None => {
                    let cards = cards_of
                        .get(&(
                            job.source.as_path(),
                            job.dicom.map(|f| f.key()),
                            job.redact.as_slice(),
                            job.crop,
                        ))
                        .map_or(&[][..], Vec::as_slice);
                    let text = fill_cache(job, key, quality, cache, cards, tally)?;
                    bar.inc(1);
                    (true, text)
                }
            };
            for v in &job.variants {
                cache.publish(&cache.entry(key, v, quality), &dest(&v.output)?)?;
            }
            Ok((decoded, text))
        })
        .collect();
    bar.finish_and_clear();
    let mut stats = ImageStats {
        sources: jobs.len(),
        variants: jobs.iter().map(|j| j.variants.len()).sum(),
        ..ImageStats::default()
    };
    let mut texts = Vec::with_capacity(jobs.len());
    for r in results {
        match r {
            Ok((decoded, text)) => {
                if decoded {
                    stats.decoded += 1;
                    stats.searched += 1;
                }
                texts.push(Some(text));
            }
            Err(e) => {
                errors.push(e);
                texts.push(None);
            }
        }
    }
    Errors::or_ok(errors, (stats, texts))
}

fn fill_cache(
    job: &ImageJob,
    key: &blake3::Hash,
    quality: u8,
    cache: &Cache,
    cards: &[&CardJob],
    tally: &Tally,
) -> Result<FoundText, Diagnostic> {
    let missing: Vec<(&Variant, PathBuf)> = job
        .variants
        .iter()
        .map(|v| (v, cache.entry(key, v, quality)))
        .filter(|(_, entry)| !cache.holds(entry))
        .collect();
    // The budget share stays held (in `decoded`) while the sizes are made from the pixels.
    let (decoded, whole) = decode_job(job)?;
    // Searched before any size is made, at the largest published size: every size and card is
    // made from these pixels, so text in none of them is text in none of those.
    let side = search_side(job);
    let entry = text_entry(cache, key, side);
    let text = match job.crop {
        None => search(&decoded.image, side, &entry, cache)?,
        // What a cut shows is searched as it is published, and placed back in the source.
        Some(c) => {
            let mut found = FoundText {
                size: whole,
                regions: ocr::find_text_in(&decoded.image, side),
            };
            for r in &mut found.regions {
                r.rect.0 += c.x;
                r.rect.1 += c.y;
            }
            cache.store(&entry, &serde_json::to_vec(&found).unwrap_or_default())?;
            cache.keep(&entry);
            found
        }
    };
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
    Ok(text)
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
            slice: false,
            crop: None,
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
            crop: None,
            key: card::key(Some((&job.hash, None, &[], None)), &text),
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
        let (images, _) = process(&jobs, &cards, 80, &cache, &tally, &dest, false).unwrap();
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
        retitled.key = card::key(Some((&jobs[0].hash, None, &[], None)), &retitled.text);
        let tally = Tally::default();
        let cards = [retitled];
        let (images, _) = process(&jobs, &cards, 80, &cache, &tally, &dest, false).unwrap();
        assert_eq!(images.decoded, 0);
        let stats = card::process(&cards, &cache, &tally, &dest).unwrap();
        assert_eq!((stats.drawings, stats.decoded), (1, 1), "{stats:?}");
    }
}
