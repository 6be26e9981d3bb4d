//! Text burned into image pixels: where it is (an in-binary detector) and, when Debian's
//! `tesseract` is installed, what it says.
//!
//! Radiology images are mostly smooth grey anatomy; burned-in text (a patient name and record
//! number in a corner, dates, scanner annotations, scale bars) is small high-contrast strokes
//! standing in rows. The detector looks for exactly that: pixels much brighter (or darker) than
//! their neighbourhood, grouped into glyph-sized components whose strokes are thin for their
//! height, chained into horizontal lines of three or more. Filled blobs (vessels, speckle,
//! bone), big contours and noise fail one of those tests.
//!
//! OCR is the `tesseract` command run on each found line, never a linked library: a missing or
//! broken install then costs a `text: None`, not a build failure, and each run has a time-out.
//! Pure apart from that: pixels in, regions out.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use image::{GrayImage, Luma, imageops};
use wait_timeout::ChildExt;

/// A line of burned-in text.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TextRegion {
    /// `(x, y, width, height)` in pixels of the image searched, with a margin around the glyphs
    /// so that painting it over hides them whole.
    pub rect: (u32, u32, u32, u32),
    /// What OCR read; `None` when it did not run (no `tesseract`, time-out, too many regions).
    /// `Some("")` when it ran and read nothing.
    pub text: Option<String>,
    /// How text-like the region is, 0–1 (from the number of glyphs and how well they line up).
    pub confidence: f32,
    /// How many glyphs the line seems to hold (touching glyphs counted by their width).
    pub glyphs: u32,
    /// Tesseract's mean word confidence, 0–1, when it read something.
    pub ocr_confidence: Option<f32>,
    /// Light text on a darker background, or dark on light.
    pub polarity: Polarity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Polarity {
    LightOnDark,
    DarkOnLight,
}

/// Whether OCR can run on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ocr {
    /// `tesseract` with English data answered.
    Ready,
    /// Why not, in words for a diagnostic ("`tesseract` is not installed").
    Unavailable(String),
}

/// Time one `tesseract` run may take before it is killed and its region left unread.
const OCR_TIMEOUT: Duration = Duration::from_secs(10);
/// Regions read per image at most: past this an image is plainly covered in text, and the rest
/// keep `text: None` rather than make a build take minutes.
const MAX_OCR_REGIONS: usize = 32;

/// Find the lines of burned-in text in `image` and read them when `tesseract` is available
/// (see [`ocr`]); without it every region has `text: None`, and every region found is kept.
///
/// With it, a short line that Tesseract reads as almost nothing is dismissed: a row of round
/// anatomy (kidneys beside a vertebra, a column of vertebral bodies) can pass for a few large
/// glyphs, and reads as two or three random letters. Tesseract's own confidence is not used to
/// dismiss anything: on noisy backgrounds it is near zero for text it reads correctly.
pub fn find_text(image: &GrayImage) -> Vec<TextRegion> {
    let mut regions = detect(image);
    if ocr() == &Ocr::Ready {
        read(image, &mut regions);
        regions.retain(|r| !dismissed(r));
    }
    regions
}

/// Glyphs a line must seem to hold to be kept whatever OCR reads of it.
const SURE_GLYPHS: u32 = 8;
/// Letters and digits OCR must read in a shorter line to keep it: fewer cannot spell a name, a
/// record number or a date.
const READ_CHARS: usize = 4;

/// Whether a region read by OCR is not text after all (see [`find_text`]).
fn dismissed(region: &TextRegion) -> bool {
    let Some(text) = &region.text else {
        return false;
    };
    let chars = text.chars().filter(|c| c.is_alphanumeric()).count();
    region.glyphs < SURE_GLYPHS && chars < READ_CHARS
}

/// Part of the cache key of a verdict: bump it whenever detection or reading changes.
pub const VERSION: &str = "radcase-ocr-2";

/// Long side, in pixels, above which an image is searched at a smaller size: text readable in a
/// published image is at least a few pixels high at this size, and a 6000-pixel photograph is
/// not searched at full size for glyphs of 6–72 pixels.
pub const SEARCH_SIDE: u32 = 2048;

/// [`find_text`] on decoded pixels of any size and colour, searched at no more than `side`
/// pixels on the long side (the largest size the site publishes of them, at most
/// [`SEARCH_SIDE`]: text too small to find there is too small to read in anything published),
/// with each region's rectangle in the pixels given.
pub fn find_text_in(image: &image::DynamicImage, side: u32) -> Vec<TextRegion> {
    let side = side.clamp(MIN_GLYPH * 8, SEARCH_SIDE);
    let (w, h) = (image.width(), image.height());
    let long = w.max(h);
    if long <= side {
        return find_text(&grey(image));
    }
    let scale = f64::from(long) / f64::from(side);
    let (sw, sh) = (
        ((f64::from(w) / scale).round() as u32).max(1),
        ((f64::from(h) / scale).round() as u32).max(1),
    );
    // Grey first, then fast_image_resize's SIMD convolution: `image`'s own resize took
    // longer than the search itself.
    let gray = image::DynamicImage::ImageLuma8(grey(image));
    let mut small = image::DynamicImage::new(sw, sh, image::ColorType::L8);
    let options = fast_image_resize::ResizeOptions::new().resize_alg(
        fast_image_resize::ResizeAlg::Convolution(fast_image_resize::FilterType::Bilinear),
    );
    if fast_image_resize::Resizer::new()
        .resize(&gray, &mut small, &options)
        .is_err()
    {
        small = gray.resize_exact(sw, sh, imageops::FilterType::Triangle);
    }
    let mut regions = find_text(&small.into_luma8());
    for r in &mut regions {
        let (x, y, rw, rh) = r.rect;
        let x0 = (f64::from(x) * scale).floor() as u32;
        let y0 = (f64::from(y) * scale).floor() as u32;
        let x1 = ((f64::from(x + rw) * scale).ceil() as u32).min(w);
        let y1 = ((f64::from(y + rh) * scale).ceil() as u32).min(h);
        r.rect = (x0, y0, x1.saturating_sub(x0), y1.saturating_sub(y0));
    }
    regions
}

/// The grey levels of `image`: an 8-bit grey image as it is, RGB by integer Rec. 601 weights
/// (`image`'s own conversion rounds each pixel in floating point, several times slower).
fn grey(image: &image::DynamicImage) -> GrayImage {
    match image {
        image::DynamicImage::ImageLuma8(g) => g.clone(),
        image::DynamicImage::ImageRgb8(rgb) => {
            let raw: Vec<u8> = rgb
                .as_raw()
                .chunks_exact(3)
                .map(|p| {
                    ((u32::from(p[0]) * 77 + u32::from(p[1]) * 150 + u32::from(p[2]) * 29 + 128)
                        >> 8) as u8
                })
                .collect();
            GrayImage::from_raw(rgb.width(), rgb.height(), raw).unwrap_or_else(|| image.to_luma8())
        }
        other => other.to_luma8(),
    }
}

/// Whether `tesseract` can read text here; asked once per process.
pub fn ocr() -> &'static Ocr {
    static OCR: OnceLock<Ocr> = OnceLock::new();
    OCR.get_or_init(|| {
        let mut cmd = Command::new("tesseract");
        cmd.arg("--list-langs");
        match run(cmd, None, Duration::from_secs(10)) {
            Err(e) => Ocr::Unavailable(e),
            // The list goes to stdout on Tesseract 4 and 5, to stderr on 3.
            Ok(out) if out.lines().any(|l| l.trim() == "eng") => Ocr::Ready,
            Ok(_) => Ocr::Unavailable(
                "`tesseract` has no English data (install tesseract-ocr-eng)".to_string(),
            ),
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Detection

/// Glyph heights looked for, in pixels: 10–40 px capitals, with room for descenders and for
/// glyphs that touch their neighbour at the top.
const MIN_GLYPH: u32 = 6;
const MAX_GLYPH: u32 = 72;
/// How much brighter (darker) than the neighbourhood mean a pixel must be to be ink. Burned-in
/// text is drawn at or near full white (black) to be read over any anatomy.
const CONTRAST: i32 = 60;
/// How far from the neighbourhood mean the strongest pixel of a glyph must be. A glyph is drawn
/// at full contrast; the ink along the edge of an organ or of the body, broken into pieces by
/// noise, only just reaches [`CONTRAST`].
const PEAK: i32 = 90;
/// How far the 3×3 mean around an ink pixel must be from the neighbourhood mean.
const SUPPORT: i32 = 25;
/// Half the side of the neighbourhood: wider than the largest glyph, so a glyph does not raise
/// its own background much.
const RADIUS: i64 = 16;

/// The text regions of `image`, unread.
pub fn detect(image: &GrayImage) -> Vec<TextRegion> {
    let (w, h) = image.dimensions();
    if w < MIN_GLYPH || h < MIN_GLYPH {
        return Vec::new();
    }
    // A 3×3 mean first: sensor noise then rarely reaches the contrast threshold on its own.
    let smooth = box_mean(image.as_raw(), w as usize, h as usize, 1);
    let background = box_mean(&smooth, w as usize, h as usize, RADIUS);
    let mut regions = Vec::new();
    for polarity in [Polarity::LightOnDark, Polarity::DarkOnLight] {
        let ink = ink_mask(image.as_raw(), &smooth, &background, polarity);
        let (glyphs, labels) = components(&ink, w, h);
        regions.extend(lines(&glyphs, &labels, w, h, polarity));
    }
    merge(regions)
}

/// Mean over the (2r+1)² square around each pixel (cut at the edges), from sliding sums: along
/// each row into u16 (at most 33 × 255), then down each column. The window's area is (rows at y)
/// × (columns at x), so each mean is a multiplication by two reciprocals, not a division.
fn box_mean(raw: &[u8], w: usize, h: usize, r: i64) -> Vec<u8> {
    let r = r.max(0) as usize;
    let mut rows = vec![0u16; w * h];
    for (src, dst) in raw.chunks_exact(w).zip(rows.chunks_exact_mut(w)) {
        let mut acc: u32 = src[..r.min(w)].iter().map(|&v| u32::from(v)).sum();
        for x in 0..w {
            if x + r < w {
                acc += u32::from(src[x + r]);
            }
            if x > r {
                acc -= u32::from(src[x - r - 1]);
            }
            dst[x] = acc as u16;
        }
    }
    let span = |i: usize, n: usize| (i + r + 1).min(n) - i.saturating_sub(r);
    let inv_cols: Vec<f32> = (0..w).map(|x| 1.0 / span(x, w) as f32).collect();
    let mut acc = vec![0u32; w];
    for row in rows.chunks_exact(w).take(r.min(h)) {
        for (a, &v) in acc.iter_mut().zip(row) {
            *a += u32::from(v);
        }
    }
    let mut out = vec![0u8; w * h];
    for y in 0..h {
        if y + r < h {
            for (a, &v) in acc.iter_mut().zip(&rows[(y + r) * w..(y + r + 1) * w]) {
                *a += u32::from(v);
            }
        }
        if y > r {
            for (a, &v) in acc.iter_mut().zip(&rows[(y - r - 1) * w..(y - r) * w]) {
                *a -= u32::from(v);
            }
        }
        let inv_rows = 1.0 / span(y, h) as f32;
        for ((o, &a), &inv) in out[y * w..(y + 1) * w].iter_mut().zip(&acc).zip(&inv_cols) {
            *o = (a as f32 * inv_rows * inv + 0.5) as u8;
        }
    }
    out
}

/// Ink, as its contrast (0 for none): a pixel far enough from its neighbourhood mean, whose 3×3 mean is too. The pixel alone
/// keeps strokes 1–2 px wide (small text), which a 3×3 mean would fade below the threshold; its
/// mean tells them from a lone noisy pixel.
fn ink_mask(raw: &[u8], smooth: &[u8], background: &[u8], polarity: Polarity) -> Vec<u8> {
    raw.iter()
        .zip(smooth)
        .zip(background)
        .map(|((&p, &s), &b)| {
            let (d, ds) = (i32::from(p) - i32::from(b), i32::from(s) - i32::from(b));
            let (d, ds) = match polarity {
                Polarity::LightOnDark => (d, ds),
                Polarity::DarkOnLight => (-d, -ds),
            };
            if d >= CONTRAST && ds >= SUPPORT {
                d as u8
            } else {
                0
            }
        })
        .collect()
}

/// A connected piece of ink that could be a glyph (or a few touching glyphs).
#[derive(Debug, Clone, Copy)]
struct Glyph {
    x0: u32,
    y0: u32,
    x1: u32, // exclusive
    y1: u32, // exclusive
    /// Its pixels' number in the label map.
    label: u32,
}

impl Glyph {
    fn h(&self) -> u32 {
        self.y1 - self.y0
    }
    fn w(&self) -> u32 {
        self.x1 - self.x0
    }
}

/// 8-connected components of `ink` that are glyph-sized and drawn in strokes, and the label
/// map of all components (0 where there is no ink).
fn components(ink: &[u8], w: u32, h: u32) -> (Vec<Glyph>, Vec<u32>) {
    let (wu, hu) = (w as usize, h as usize);
    let mut labels = vec![0u32; ink.len()];
    let mut stack = Vec::new();
    let mut out = Vec::new();
    let mut label = 0u32;
    for start in 0..ink.len() {
        if ink[start] == 0 || labels[start] != 0 {
            continue;
        }
        label += 1;
        labels[start] = label;
        stack.push(start);
        let mut peak = 0u8;
        let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
        let (mut area, mut boundary) = (0u64, 0u64);
        while let Some(i) = stack.pop() {
            let (x, y) = (i % wu, i / wu);
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x + 1);
            y1 = y1.max(y + 1);
            area += 1;
            peak = peak.max(ink[i]);
            let mut edge = false;
            for dy in -1i64..=1 {
                for dx in -1i64..=1 {
                    if dx == 0 && dy == 0 {
                        continue;
                    }
                    let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                    if nx < 0 || ny < 0 || nx >= wu as i64 || ny >= hu as i64 {
                        edge |= dx == 0 || dy == 0;
                        continue;
                    }
                    let j = ny as usize * wu + nx as usize;
                    if ink[j] == 0 {
                        edge |= dx == 0 || dy == 0;
                    } else if labels[j] == 0 {
                        labels[j] = label;
                        stack.push(j);
                    }
                }
            }
            if edge {
                boundary += 1;
            }
        }
        let g = Glyph {
            x0: x0 as u32,
            y0: y0 as u32,
            x1: x1 as u32,
            y1: y1 as u32,
            label,
        };
        if i32::from(peak) >= PEAK && glyph_like(&g, area, boundary) {
            out.push(g);
        }
    }
    (out, labels)
}

/// Glyph-sized, and drawn with strokes thin for its height: `2·area / boundary` is about the
/// stroke width of a stroke drawing, and about half the diameter of a filled blob.
fn glyph_like(g: &Glyph, area: u64, boundary: u64) -> bool {
    let (gw, gh) = (g.w(), g.h());
    if !(MIN_GLYPH..=MAX_GLYPH).contains(&gh) || gw > 16 * gh {
        return false;
    }
    let stroke = 2.0 * area as f32 / boundary.max(1) as f32;
    let fill = area as f32 / (gw * gh) as f32;
    // A narrow glyph ("I", "l", "1") is a filled bar; anything wider must not be filled in.
    stroke <= (0.3 * gh as f32).max(3.0) && (fill <= 0.8 || gw * 3 <= gh)
}

/// Chain glyphs into horizontal lines and keep the lines that look like text.
fn lines(glyphs: &[Glyph], labels: &[u32], w: u32, h: u32, polarity: Polarity) -> Vec<TextRegion> {
    let mut order: Vec<usize> = (0..glyphs.len()).collect();
    order.sort_by_key(|&i| glyphs[i].x0);
    let mut parent: Vec<usize> = (0..glyphs.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (k, &a) in order.iter().enumerate() {
        let ga = glyphs[a];
        for &b in &order[k + 1..] {
            let gb = glyphs[b];
            // Two glyph heights: wider than the spaces of a line, even where a glyph between
            // is lost on bone as bright as the text.
            let reach = ga.h().max(gb.h()) * 2;
            if gb.x0 > ga.x1 + reach {
                if gb.x0 > ga.x1 + MAX_GLYPH * 2 {
                    break;
                }
                continue;
            }
            if neighbours(&ga, &gb) {
                let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
                parent[ra] = rb;
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<Glyph>> = Default::default();
    for (i, g) in glyphs.iter().enumerate() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(*g);
    }
    groups
        .into_values()
        .filter(|members| clean(members, labels, w))
        .filter_map(|members| text_line(&members, w, h, polarity))
        .collect()
}

/// Whether the line's glyphs are nearly all the ink in its box: text is drawn on a plain or
/// smooth background, while glyph-like bits of speckle or noise come among blobs and dots that
/// are not glyphs.
fn clean(members: &[Glyph], labels: &[u32], w: u32) -> bool {
    let (Some(x0), Some(x1), Some(y0), Some(y1)) = (
        members.iter().map(|g| g.x0).min(),
        members.iter().map(|g| g.x1).max(),
        members.iter().map(|g| g.y0).min(),
        members.iter().map(|g| g.y1).max(),
    ) else {
        return false;
    };
    let mine: std::collections::HashSet<u32> = members.iter().map(|g| g.label).collect();
    let (mut ours, mut other) = (0u64, 0u64);
    for y in y0..y1 {
        for x in x0..x1 {
            match labels[(y * w + x) as usize] {
                0 => {}
                l if mine.contains(&l) => ours += 1,
                _ => other += 1,
            }
        }
    }
    other * 10 <= (ours + other) * 2
}

/// Side by side on one line, of like height.
fn neighbours(a: &Glyph, b: &Glyph) -> bool {
    let (ha, hb) = (a.h(), b.h());
    if ha.max(hb) * 10 > ha.min(hb) * 25 {
        return false;
    }
    let overlap = a.y1.min(b.y1) as i64 - a.y0.max(b.y0) as i64;
    overlap * 10 >= i64::from(ha.min(hb)) * 6
}

fn text_line(members: &[Glyph], w: u32, h: u32, polarity: Polarity) -> Option<TextRegion> {
    let mut heights: Vec<u32> = members.iter().map(Glyph::h).collect();
    heights.sort_unstable();
    let median = heights[heights.len() / 2];
    // Glyphs the line's components stand for: touching glyphs make one wide component.
    let glyphs: u32 = members
        .iter()
        .map(|g| (g.w() * 10 / (median * 7).max(1)).max(1))
        .sum();
    if members.len() < 3 && !(members.len() == 2 && glyphs >= 5) {
        return None;
    }
    // The band most glyphs share; a chain of blobs drifting up or down the image is not a line.
    let mut tops: Vec<u32> = members.iter().map(|g| g.y0).collect();
    let mut bottoms: Vec<u32> = members.iter().map(|g| g.y1).collect();
    tops.sort_unstable();
    bottoms.sort_unstable();
    let (band0, band1) = (tops[tops.len() / 2], bottoms[bottoms.len() / 2]);
    let in_band = members
        .iter()
        .filter(|g| {
            let overlap = g.y1.min(band1) as i64 - g.y0.max(band0) as i64;
            overlap * 10 >= i64::from(g.h()) * 6
        })
        .count();
    if in_band * 4 < members.len() * 3 {
        return None;
    }
    let x0 = members.iter().map(|g| g.x0).min()?;
    let x1 = members.iter().map(|g| g.x1).max()?;
    let y0 = members.iter().map(|g| g.y0).min()?;
    let y1 = members.iter().map(|g| g.y1).max()?;
    if x1 - x0 < median * 3 / 2 {
        return None;
    }
    // A glyph's width each side: a small mark at the end of a line ("^", "-", ".") is too small
    // to be a component but must still be covered.
    let (pad_x, pad_y) = ((median * 6 / 10).max(3), (median * 3 / 10).max(2));
    let (rx0, ry0) = (x0.saturating_sub(pad_x), y0.saturating_sub(pad_y));
    let (rx1, ry1) = ((x1 + pad_x).min(w), (y1 + pad_y).min(h));
    let count = glyphs.min(12) as f32 / 12.0;
    let aligned = in_band as f32 / members.len() as f32;
    Some(TextRegion {
        rect: (rx0, ry0, rx1 - rx0, ry1 - ry0),
        text: None,
        confidence: (0.4 + 0.6 * count) * aligned,
        glyphs,
        ocr_confidence: None,
        polarity,
    })
}

/// Overlapping regions as one (a line found in both polarities, words of one line).
fn merge(mut regions: Vec<TextRegion>) -> Vec<TextRegion> {
    let overlaps = |a: (u32, u32, u32, u32), b: (u32, u32, u32, u32)| {
        a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3
    };
    let mut changed = true;
    while changed {
        changed = false;
        'outer: for i in 0..regions.len() {
            for j in i + 1..regions.len() {
                if overlaps(regions[i].rect, regions[j].rect) {
                    let b = regions.swap_remove(j);
                    let a = &mut regions[i];
                    let (x0, y0) = (a.rect.0.min(b.rect.0), a.rect.1.min(b.rect.1));
                    let x1 = (a.rect.0 + a.rect.2).max(b.rect.0 + b.rect.2);
                    let y1 = (a.rect.1 + a.rect.3).max(b.rect.1 + b.rect.3);
                    a.rect = (x0, y0, x1 - x0, y1 - y0);
                    a.glyphs = a.glyphs.max(b.glyphs);
                    if b.confidence > a.confidence {
                        a.confidence = b.confidence;
                        a.polarity = b.polarity;
                    }
                    changed = true;
                    break 'outer;
                }
            }
        }
    }
    regions.sort_by_key(|r| (r.rect.1, r.rect.0));
    regions
}

// ---------------------------------------------------------------------------------------------
// OCR

/// Read each region with `tesseract` (the first [`MAX_OCR_REGIONS`]); a region whose run fails
/// or times out keeps `text: None`.
pub fn read(image: &GrayImage, regions: &mut [TextRegion]) {
    for region in regions.iter_mut().take(MAX_OCR_REGIONS) {
        if let Some((text, conf)) = read_region(image, region) {
            region.text = Some(text);
            region.ocr_confidence = conf;
        }
    }
}

/// Glyph height Tesseract reads best at (its models are trained on about 30 px x-heights and
/// capitals).
const OCR_HEIGHT: f32 = 40.0;

fn read_region(image: &GrayImage, region: &TextRegion) -> Option<(String, Option<f32>)> {
    let (x, y, w, h) = region.rect;
    let mut crop = imageops::crop_imm(image, x, y, w, h).to_image();
    // Tesseract expects dark text on light paper.
    if region.polarity == Polarity::LightOnDark {
        imageops::invert(&mut crop);
    }
    // The region is a line with a margin of 0.3 glyph heights above and below.
    let glyph = h as f32 / 1.6;
    let scale = (OCR_HEIGHT / glyph).clamp(0.5, 6.0);
    let (sw, sh) = (
        ((w as f32 * scale).round() as u32).max(1),
        ((h as f32 * scale).round() as u32).max(1),
    );
    let scaled = imageops::resize(&crop, sw, sh, imageops::FilterType::CatmullRom);
    let border = 20;
    let mut page = GrayImage::from_pixel(sw + 2 * border, sh + 2 * border, Luma([255]));
    imageops::overlay(&mut page, &scaled, i64::from(border), i64::from(border));
    let mut png = Vec::new();
    page.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .ok()?;
    let mut cmd = Command::new("tesseract");
    // One line of text; TSV for word confidences. One thread: builds already use every core.
    cmd.args(["stdin", "stdout", "-l", "eng", "--psm", "7", "tsv"])
        .env("OMP_THREAD_LIMIT", "1");
    let tsv = run(cmd, Some(png), OCR_TIMEOUT).ok()?;
    Some(parse_tsv(&tsv))
}

/// Words and their mean confidence from Tesseract's TSV (level 5 rows are words).
fn parse_tsv(tsv: &str) -> (String, Option<f32>) {
    let mut words = Vec::new();
    let mut confs = Vec::new();
    for row in tsv.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        if cols.len() < 12 || cols[0] != "5" {
            continue;
        }
        let word = cols[11].trim();
        if word.is_empty() {
            continue;
        }
        words.push(word.to_string());
        if let Ok(c) = cols[10].parse::<f32>()
            && c >= 0.0
        {
            confs.push(c / 100.0);
        }
    }
    let conf = (!confs.is_empty()).then(|| confs.iter().sum::<f32>() / confs.len() as f32);
    (words.join(" "), conf)
}

/// Run `cmd` with `input` on its stdin, killed after `timeout`; its stdout (stderr too when
/// stdout is empty), or why it failed.
fn run(mut cmd: Command, input: Option<Vec<u8>>, timeout: Duration) -> Result<String, String> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    cmd.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            format!("`{program}` is not installed")
        } else {
            format!("`{program}` could not be started: {e}")
        }
    })?;
    // Pipes are drained on their own threads so that a full pipe cannot stall the child
    // until the time-out.
    let writer = child.stdin.take().zip(input).map(|(mut stdin, bytes)| {
        std::thread::spawn(move || {
            let _ = stdin.write_all(&bytes);
        })
    });
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        pipe.map(|mut p| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = p.read_to_end(&mut buf);
                buf
            })
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let status = match child.wait_timeout(timeout) {
        Ok(Some(status)) => status,
        Ok(None) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "`{program}` took longer than {}s",
                timeout.as_secs()
            ));
        }
        Err(e) => return Err(format!("`{program}` could not be waited for: {e}")),
    };
    if let Some(w) = writer {
        let _ = w.join();
    }
    let out = out.and_then(|t| t.join().ok()).unwrap_or_default();
    let err = err.and_then(|t| t.join().ok()).unwrap_or_default();
    if !status.success() {
        let msg = String::from_utf8_lossy(&err);
        let first = msg.lines().next().unwrap_or("").trim();
        return Err(format!("`{program}` failed ({status}): {first}"));
    }
    let out = if out.is_empty() { err } else { out };
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests;
