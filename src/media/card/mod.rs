//! Share cards: the 1200×630 PNG a link preview shows for a case or a post — the key image
//! beside a dark panel that carries a label (modality and system), the title and the site name.
//!
//! This module draws and caches cards; it does not decide what they say (that is
//! `content::card`, which knows about quizzes). Cards are cached like image variants: the cache
//! key covers the source image's bytes, the text, the fonts, the size and [`CARD_VERSION`], so a
//! second build draws nothing.

mod paint;
pub mod text;

use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{DynamicImage, ImageEncoder, RgbImage};
use rayon::prelude::*;

use super::cache::Cache;
use crate::diagnostic::{Diagnostic, Errors};
use crate::types::{DicomFrame, OutPath, Rect};
use text::{Engine, Style};

/// Card size: what X, LinkedIn, Facebook, Slack and others show at full width (1.91:1).
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

/// Part of every card's cache key and file name: bump it whenever the drawing changes, so
/// caches redraw and link previews fetch the new card.
pub const CARD_VERSION: &str = "radcase-card-3";

/// What a card says, already checked to be drawable with the card font (see [`text::drawable`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardText {
    /// The title, set large.
    pub headline: String,
    /// A quiet line above it: modality and system ("MRI · Neuro"), or a post's section and date.
    pub label: String,
    /// The site's name, set small at the bottom.
    pub footer: String,
}

/// One card to draw: from the key image at `source` (none: the design without an image).
#[derive(Debug, Clone, PartialEq)]
pub struct CardJob {
    pub source: Option<PathBuf>,
    /// For a DICOM key image: its frame and window.
    pub dicom: Option<DicomFrame>,
    /// Rectangles of the key image blacked out (its `redact`), as in its sizes.
    pub redact: Vec<Rect>,
    /// The part of the key image shown (a person's square photo), as in its sizes.
    pub crop: Option<Rect>,
    pub text: CardText,
    /// See [`key`].
    pub key: blake3::Hash,
    pub output: OutPath,
}

/// What the card stage did, for the build summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CardStats {
    pub cards: usize,
    /// Cards not in the cache when the build started (0 when every card came from it). Pages
    /// with the same card (the same title, label and image) share one drawing.
    pub drawn: usize,
    /// Drawings made, and the CPU time they took, summed (decoding key images not included:
    /// see `decoding`).
    pub drawings: usize,
    pub drawing: Duration,
    /// Key images the card stage decoded itself (the image stage had not: their sizes were
    /// all cached), and the CPU time that took.
    pub decoded: usize,
    pub decoding: Duration,
}

/// Cards drawn so far this build, by either stage: the image stage draws the cards of the key
/// images it decodes anyway, the card stage the rest.
#[derive(Debug, Default)]
pub struct Tally {
    /// Cards in the cache before either stage drew (see [`Tally::new`]).
    cached: usize,
    drawings: AtomicUsize,
    drawing: AtomicU64,
    decoded: AtomicUsize,
    decoding: AtomicU64,
}

impl Tally {
    /// A tally for `jobs`, counting those already in the cache: made before any stage draws.
    pub fn new(jobs: &[CardJob], cache: &Cache) -> Tally {
        let cached = jobs
            .par_iter()
            .filter(|job| cache.holds(&cache.keyed_entry(&job.key, "png")))
            .count();
        Tally {
            cached,
            ..Tally::default()
        }
    }

    fn add(counter: &AtomicUsize, time: &AtomicU64, took: Duration) {
        counter.fetch_add(1, Ordering::Relaxed);
        time.fetch_add(took.as_nanos() as u64, Ordering::Relaxed);
    }

    fn stats(&self, cards: usize) -> CardStats {
        let nanos = |t: &AtomicU64| Duration::from_nanos(t.load(Ordering::Relaxed));
        CardStats {
            cards,
            drawn: cards.saturating_sub(self.cached),
            drawings: self.drawings.load(Ordering::Relaxed),
            drawing: nanos(&self.drawing),
            decoded: self.decoded.load(Ordering::Relaxed),
            decoding: nanos(&self.decoding),
        }
    }
}

/// CPU time of the calling thread: what a card costs, whatever else the machine is doing.
fn thread_cpu_time() -> Duration {
    #[cfg(unix)]
    {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` is a valid timespec for the call to fill in.
        if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } == 0 {
            return Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32);
        }
    }
    // Elsewhere, wall time since first use: within one rayon task, close to CPU time.
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed()
}

/// Draw `job`'s card over the already decoded key image `img` into the cache, unless it is
/// there. The image stage calls this for every card whose key image it decodes.
pub fn draw_into_cache(
    job: &CardJob,
    img: Option<&DynamicImage>,
    cache: &Cache,
    tally: &Tally,
) -> Result<(), Diagnostic> {
    let entry = cache.keyed_entry(&job.key, "png");
    if entry.is_file() {
        return Ok(());
    }
    let started = thread_cpu_time();
    let bytes = draw(img, &job.text).map_err(|e| {
        let what = format!("could not draw the share card {}: {e}", job.output);
        match &job.source {
            Some(s) => Diagnostic::in_file(s, what),
            None => Diagnostic::new(what),
        }
    })?;
    Tally::add(
        &tally.drawings,
        &tally.drawing,
        thread_cpu_time().saturating_sub(started),
    );
    cache.store(&entry, &bytes)
}

/// Hash of the fonts, so a new font redraws every card.
fn fonts_key() -> &'static blake3::Hash {
    static KEY: OnceLock<blake3::Hash> = OnceLock::new();
    KEY.get_or_init(|| {
        let mut h = blake3::Hasher::new();
        h.update(text::BOLD);
        h.update(text::REGULAR);
        h.finalize()
    })
}

/// The key image of a card, as [`key`] needs it: the hash of its bytes, for DICOM the frame and
/// window shown, the rectangles blacked out, and the part shown.
pub type KeyImage<'a> = (
    &'a blake3::Hash,
    Option<DicomFrame>,
    &'a [Rect],
    Option<Rect>,
);

/// The cache key of a card: everything that shapes its pixels.
pub fn key(image: Option<KeyImage<'_>>, text: &CardText) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    h.update(CARD_VERSION.as_bytes());
    h.update(fonts_key().as_bytes());
    h.update(format!(";{WIDTH}x{HEIGHT};").as_bytes());
    match image {
        Some((hash, dicom, redact, crop)) => {
            h.update(hash.as_bytes());
            if let Some(frame) = dicom {
                h.update(frame.key().as_bytes());
            }
            h.update(Rect::key(redact).as_bytes());
            if let Some(c) = crop {
                h.update(format!("crop;{},{},{},{}", c.x, c.y, c.width, c.height).as_bytes());
            }
        }
        None => {
            h.update(b"no image");
        }
    }
    // Lengths first, so moving text from one field to the next changes the key.
    for field in [&text.headline, &text.label, &text.footer] {
        h.update(&(field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    h.finalize()
}

/// Draw every card that is not in the cache, and place each at `dest(job.output)`. `tally`
/// holds the cards the image stage drew already.
pub fn process(
    jobs: &[CardJob],
    cache: &Cache,
    tally: &Tally,
    dest: &(dyn Fn(&OutPath) -> Result<PathBuf, Diagnostic> + Sync),
) -> Result<CardStats, Errors> {
    let errors: Vec<Diagnostic> = jobs
        .par_iter()
        .filter_map(|job| {
            let entry = cache.keyed_entry(&job.key, "png");
            let placed = (|| {
                if !cache.holds(&entry) {
                    let started = thread_cpu_time();
                    let background = job
                        .source
                        .as_deref()
                        .map(|s| super::decode_cut(s, job.dicom, &job.redact, job.crop))
                        .transpose()?;
                    if background.is_some() {
                        Tally::add(
                            &tally.decoded,
                            &tally.decoding,
                            thread_cpu_time().saturating_sub(started),
                        );
                    }
                    draw_into_cache(job, background.as_deref(), cache, tally)?;
                }
                cache.publish(&entry, &dest(&job.output)?)
            })();
            placed.err()
        })
        .collect();
    Errors::or_ok(errors, tally.stats(jobs.len()))
}

// The design. Colours are the default theme's dark palette, so a card looks like the site.
const PANEL_TOP: [u8; 3] = [0x16, 0x1c, 0x23];
const PANEL_BOTTOM: [u8; 3] = [0x0b, 0x0f, 0x13];
const INK: [u8; 3] = [0xf4, 0xf6, 0xf8];
const MUTED: [u8; 3] = [0xa3, 0xad, 0xb9];
const ACCENT: [u8; 3] = [0x5c, 0xc4, 0xc9];
const BRAND: [u8; 3] = [0x0f, 0x5c, 0x63];

/// Left and right margin of the text, and the top and bottom margins.
const MARGIN_X: i32 = 72;
const MARGIN_Y: i32 = 64;
/// Where the key image starts; the panel holds the text to its left.
const IMAGE_X: u32 = 640;
/// The size of the key image on a card: a source at least this large loses nothing when it is
/// first made smaller (the image stage hands over its smallest size that covers it).
pub const KEY_IMAGE_BOX: (u32, u32) = (WIDTH - IMAGE_X, HEIGHT);
/// How far the panel's colour fades into the image.
const FADE: u32 = 120;
const BRAND_SIZE: i32 = 40;
/// Where the watermark of a card without an image starts; the text stays clear of it.
const WATERMARK_X: u32 = 820;

const LABEL: Style = Style {
    size: 22.0,
    line_height: 30.0,
    bold: true,
    tracking: 0.1,
};
const FOOTER: Style = Style {
    size: 22.0,
    line_height: 28.0,
    bold: false,
    tracking: 0.0,
};
/// A long site name wraps once rather than losing its end.
const FOOTER_LINES: usize = 2;

/// Title sizes, largest first, each with the most lines it may take there. The smallest size
/// may take a fourth line, so only a really long title is cut.
fn title_sizes(wide: bool) -> &'static [(f32, usize)] {
    if wide {
        &[(68.0, 3), (60.0, 3), (52.0, 3), (46.0, 4)]
    } else {
        &[(62.0, 3), (56.0, 3), (50.0, 3), (44.0, 4)]
    }
}

fn title_style(size: f32) -> Style {
    Style {
        size,
        line_height: (size * 1.18).round(),
        bold: true,
        tracking: -0.01,
    }
}

/// The title's style and lines: the largest size at which it fits, preferring one that leaves
/// no single word alone on the last line; failing every size, the smallest, cut with "…".
fn set_title(engine: &mut Engine, headline: &str, wide: bool, width: f32) -> (Style, Vec<String>) {
    let sizes = title_sizes(wide);
    let mut fitting = None;
    for &(size, max_lines) in sizes {
        let style = title_style(size);
        let lines = engine.wrap(headline, &style, width);
        if lines.len() <= max_lines {
            let orphan = lines.len() > 1 && lines.last().is_some_and(|l| !l.contains(' '));
            if !orphan {
                return (style, lines);
            }
            fitting.get_or_insert((style, lines));
        }
    }
    fitting.unwrap_or_else(|| {
        let (size, max_lines) = sizes[sizes.len() - 1];
        let style = title_style(size);
        let lines = engine.fit(headline, &style, width, max_lines);
        (style, lines)
    })
}

/// The pixels every card of one design shares (the panel's gradient, the brand mark and, without
/// a key image, the watermark), drawn once per build and copied for each card.
fn base(with_image: bool) -> &'static RgbImage {
    static WITH_IMAGE: OnceLock<RgbImage> = OnceLock::new();
    static PLAIN: OnceLock<RgbImage> = OnceLock::new();
    let cell = if with_image { &WITH_IMAGE } else { &PLAIN };
    cell.get_or_init(|| {
        let mut canvas = RgbImage::new(WIDTH, HEIGHT);
        paint::vertical_gradient(&mut canvas, (0, 0, WIDTH, HEIGHT), PANEL_TOP, PANEL_BOTTOM);
        if !with_image {
            watermark(&mut canvas);
        }
        brand_mark(&mut canvas, MARGIN_X, HEIGHT as i32 - MARGIN_Y - BRAND_SIZE);
        canvas
    })
}

/// More characters than any card line can show: four title lines of the narrowest glyphs at
/// the smallest size hold fewer. Text is cut to this before it is shaped, so a title of
/// megabytes costs what a long title costs (laying out 10 MB took 89 s and 3.5 GB).
const SHOWN_CHARS: usize = 600;

/// The part of `text` a card could ever show, cut on a character boundary.
fn shown(text: &str) -> &str {
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// Draw a card as PNG bytes, over `background` when there is a key image.
pub fn draw(background: Option<&DynamicImage>, text: &CardText) -> Result<Vec<u8>, String> {
    let (label, headline, footer) = (
        shown(&text.label),
        shown(&text.headline),
        shown(&text.footer),
    );
    let mut canvas = base(background.is_some()).clone();
    let panel = |y: u32| paint::mix(PANEL_TOP, PANEL_BOTTOM, y as f32 / HEIGHT as f32);
    let text_right = match background {
        Some(img) => {
            let fitted = paint::cover(img, KEY_IMAGE_BOX.0, KEY_IMAGE_BOX.1)?;
            paint::place(&mut canvas, &fitted, IMAGE_X, 0);
            paint::fade_right(&mut canvas, IMAGE_X, IMAGE_X + FADE, panel);
            IMAGE_X as i32 - 40
        }
        None => WATERMARK_X as i32 - 60,
    };
    let width = (text_right - MARGIN_X) as f32;
    Engine::with(|engine| {
        let mut y = MARGIN_Y;
        if !label.is_empty() {
            let label = engine.fit(&caps(label), &LABEL, width, 1);
            for line in label {
                engine.draw_line(&mut canvas, &line, &LABEL, (MARGIN_X, y), ACCENT);
            }
            y += LABEL.line_height as i32 + 22;
        }
        let (style, lines) = set_title(engine, headline, background.is_none(), width);
        for line in lines {
            engine.draw_line(&mut canvas, &line, &style, (MARGIN_X, y), INK);
            y += style.line_height as i32;
        }
        // The brand mark sits at the bottom margin, the site's name centred beside it.
        let mark_y = HEIGHT as i32 - MARGIN_Y - BRAND_SIZE;
        let foot_x = MARGIN_X + BRAND_SIZE + 18;
        let lines = engine.fit(footer, &FOOTER, (text_right - foot_x) as f32, FOOTER_LINES);
        let block = lines.len() as i32 * FOOTER.line_height as i32;
        let mut top = mark_y + (BRAND_SIZE - block) / 2;
        for line in lines {
            engine.draw_line(&mut canvas, &line, &FOOTER, (foot_x, top), MUTED);
            top += FOOTER.line_height as i32;
        }
    });
    encode(&canvas, background.is_some())
}

/// `text` in capitals, as the label is set. Greek drops its accents in capitals (ΘΏΡΑΚΑΣ is
/// misspelt; ΘΩΡΑΚΑΣ is right), which `to_uppercase` does not know.
fn caps(text: &str) -> String {
    text.to_uppercase()
        .chars()
        .map(|c| match c {
            'Ά' => 'Α',
            'Έ' => 'Ε',
            'Ή' => 'Η',
            'Ί' => 'Ι',
            'Ό' => 'Ο',
            'Ύ' => 'Υ',
            'Ώ' => 'Ω',
            c => c,
        })
        .collect()
}

/// The theme's brand mark (the favicon): a rounded square with a ring, an oval and a dot.
fn brand_mark(canvas: &mut RgbImage, x: i32, y: i32) {
    let s = BRAND_SIZE as f32 / 32.0;
    let (fx, fy) = (x as f32, y as f32);
    let area = (x - 1, y - 1, x + BRAND_SIZE + 1, y + BRAND_SIZE + 1);
    let (cx, cy) = (fx + 16.0 * s, fy + 16.0 * s);
    paint::shape(
        canvas,
        area,
        BRAND,
        1.0,
        paint::rounded_rect(fx, fy, 32.0 * s, 32.0 * s, 7.0 * s),
    );
    let white = [255, 255, 255];
    paint::shape(
        canvas,
        area,
        white,
        1.0,
        paint::stroke(2.2 * s, paint::circle(cx, cy, 10.0 * s)),
    );
    paint::shape(
        canvas,
        area,
        white,
        1.0,
        paint::stroke(1.8 * s, paint::ellipse(cx, cy, 4.6 * s, 7.0 * s)),
    );
    paint::shape(
        canvas,
        area,
        white,
        1.0,
        paint::circle(cx, fy + 13.5 * s, 1.6 * s),
    );
}

/// The card without a key image: the brand mark's rings, large and faint, on the right.
fn watermark(canvas: &mut RgbImage) {
    let (cx, cy, r) = (1050.0, 315.0, 220.0);
    let area = (WATERMARK_X as i32, 0, WIDTH as i32, HEIGHT as i32);
    let alpha = 0.16;
    paint::shape(
        canvas,
        area,
        ACCENT,
        alpha,
        paint::stroke(16.0, paint::circle(cx, cy, r)),
    );
    paint::shape(
        canvas,
        area,
        ACCENT,
        alpha,
        paint::stroke(12.0, paint::ellipse(cx, cy, r * 0.46, r * 0.7)),
    );
    paint::shape(
        canvas,
        area,
        ACCENT,
        alpha,
        paint::circle(cx, cy - r * 0.16, r * 0.16),
    );
}

fn encode(canvas: &RgbImage, photo: bool) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    // fdeflate's fast mode, against zlib level 3 (the smallest we tried): a card without an
    // image in 1.0 ms and 98 KB (Sub filter) against 12 ms and 52 KB; a CT card in 2.1 ms and
    // 303 KB (Paeth, which pays on image pixels) against 20 ms and 192 KB. Crawlers fetch a card
    // once, a build draws every card: time wins.
    let filter = if photo {
        FilterType::Paeth
    } else {
        FilterType::Sub
    };
    PngEncoder::new_with_quality(&mut out, CompressionType::Fast, filter)
        .write_image(
            canvas.as_raw(),
            canvas.width(),
            canvas.height(),
            image::ExtendedColorType::Rgb8,
        )
        .map_err(|e| format!("could not encode the card: {e}"))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text() -> CardText {
        CardText {
            headline: "Acute appendicitis".into(),
            label: "CT · Abdominal".into(),
            footer: "Riverside Teaching Cases".into(),
        }
    }

    #[test]
    fn labels_are_set_in_capitals_without_greek_accents() {
        assert_eq!(caps("MRI · Neuro"), "MRI · NEURO");
        assert_eq!(caps("Ακτινογραφία · Θώρακας"), "ΑΚΤΙΝΟΓΡΑΦΙΑ · ΘΩΡΑΚΑΣ");
        assert_eq!(caps("Рентген"), "РЕНТГЕН");
    }

    #[test]
    fn keys_change_with_image_text_and_field() {
        let t = text();
        let (png, other) = (blake3::hash(b"png"), blake3::hash(b"other"));
        let base = key(Some((&png, None, &[], None)), &t);
        assert_eq!(base, key(Some((&png, None, &[], None)), &t));
        assert_ne!(base, key(Some((&other, None, &[], None)), &t));
        assert_ne!(base, key(None, &t));
        let bone = DicomFrame {
            frame: 0,
            window: crate::types::Window::preset("bone").unwrap(),
        };
        assert_ne!(base, key(Some((&png, Some(bone), &[], None)), &t));
        let patch = [Rect {
            x: 1,
            y: 2,
            width: 3,
            height: 4,
        }];
        assert_ne!(base, key(Some((&png, None, &patch, None)), &t));
        // Another square of the same photo is another card.
        let square = Rect {
            x: 0,
            y: 0,
            width: 10,
            height: 10,
        };
        assert_ne!(base, key(Some((&png, None, &[], Some(square))), &t));
        let mut moved = t.clone();
        moved.headline = format!("{} CT", t.headline);
        moved.label = "· Abdominal".into();
        assert_ne!(base, key(Some((&png, None, &[], None)), &moved));
    }

    /// Cutting text to [`SHOWN_CHARS`] never changes a card: that many of the narrowest glyphs
    /// overflow the widest title block at the smallest size, and the footer's two lines.
    #[test]
    fn text_is_cut_only_where_no_card_could_show_it() {
        let widest = (WATERMARK_X as i32 - 60 - MARGIN_X) as f32;
        let (smallest, lines) = title_sizes(true)[title_sizes(true).len() - 1];
        Engine::with(|e| {
            for glyph in ["i", "l", ".", "'", "i ", "ı", "丨"] {
                let text: String = glyph
                    .repeat(SHOWN_CHARS)
                    .chars()
                    .take(SHOWN_CHARS)
                    .collect();
                let wrapped = e.wrap(&text, &title_style(smallest), widest);
                assert!(wrapped.len() > lines, "{glyph:?}: {} lines", wrapped.len());
                assert!(
                    e.wrap(&text, &FOOTER, widest).len() > FOOTER_LINES,
                    "{glyph:?}"
                );
            }
        });
        let huge = "Pneumothorax ".repeat(800_000);
        assert_eq!(shown(&huge).chars().count(), SHOWN_CHARS);
        assert_eq!(shown("Short"), "Short");
        assert_eq!(shown(&"é".repeat(SHOWN_CHARS + 1)), "é".repeat(SHOWN_CHARS));
        let t = CardText {
            headline: huge,
            ..text()
        };
        let cut = CardText {
            headline: shown(&t.headline).to_string(),
            ..text()
        };
        assert_eq!(draw(None, &t).unwrap(), draw(None, &cut).unwrap());
    }

    #[test]
    fn titles_take_the_largest_size_that_fits_and_avoid_a_lonely_last_word() {
        Engine::with(|e| {
            // At 62 px "appendicitis" would sit alone on a second line.
            let (style, lines) = set_title(e, "Acute appendicitis", false, 528.0);
            assert_eq!((style.size, lines.len()), (56.0, 1));
            let (style, _) = set_title(e, "Pneumothorax", false, 528.0);
            assert_eq!(style.size, 62.0);
            let (style, lines) =
                set_title(e, "How we de-identify images before posting", true, 688.0);
            assert!(
                lines.last().unwrap().contains(' '),
                "{lines:?} at {}",
                style.size
            );
            let long = "Complete anterior cruciate ligament tear with pivot-shift bone bruising \
                        of the lateral femoral condyle and posterolateral tibial plateau";
            let (style, lines) = set_title(e, long, false, 528.0);
            assert_eq!((style.size, lines.len()), (44.0, 4), "{lines:?}");
            assert!(lines[3].ends_with('…'), "{lines:?}");
        });
    }

    #[test]
    fn draws_a_card_of_the_right_size_with_and_without_an_image() {
        let img = DynamicImage::ImageLuma8(image::GrayImage::from_fn(300, 400, |x, y| {
            image::Luma([((x + y) % 256) as u8])
        }));
        for background in [Some(&img), None] {
            let png = draw(background, &text()).unwrap();
            let card = image::load_from_memory(&png).unwrap().to_rgb8();
            assert_eq!(card.dimensions(), (WIDTH, HEIGHT));
            // The title is drawn in near-white on the dark panel.
            let bright = card
                .enumerate_pixels()
                .filter(|(x, _, p)| *x < IMAGE_X - 40 && p.0.iter().all(|&c| c > 200))
                .count();
            assert!(bright > 2000, "{bright} bright pixels in the text panel");
        }
    }
}
