//! Fixtures are drawn here in code: text in the share cards' font, on backgrounds made to look
//! like radiographs, CT slices and ultrasound, and the same backgrounds without text.

use super::*;
use crate::media::card::text::{Engine, Style};
use image::RgbImage;

/// Deterministic noise, so a failure can be reproduced.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 40) as f32 / (1u64 << 24) as f32
    }
    /// About normal, mean 0, sd 1 (sum of four uniforms).
    fn normal(&mut self) -> f32 {
        let s: f32 = (0..4).map(|_| self.next()).sum();
        (s - 2.0) * (3.0f32).sqrt()
    }
}

/// Noto Sans' capital height is 0.714 em: these sizes give 10–40 px capitals.
const SIZES: [f32; 5] = [14.0, 20.0, 28.0, 40.0, 56.0];

/// `text` as coverage (0–255), cropped to its ink.
fn text_mask(text: &str, size: f32) -> GrayImage {
    let style = Style {
        size,
        line_height: (size * 1.25).round(),
        bold: false,
        tracking: 0.0,
    };
    let width = Engine::with(|e| e.width(text, &style)).ceil() as u32 + 8;
    let mut canvas = RgbImage::new(width, (size * 1.6) as u32 + 8);
    Engine::with(|e| e.draw_line(&mut canvas, text, &style, (4, 4), [255, 255, 255]));
    let gray = GrayImage::from_fn(canvas.width(), canvas.height(), |x, y| {
        Luma([canvas.get_pixel(x, y).0[0]])
    });
    let ink: Vec<(u32, u32)> = gray
        .enumerate_pixels()
        .filter(|p| p.2.0[0] > 0)
        .map(|p| (p.0, p.1))
        .collect();
    let x0 = ink.iter().map(|p| p.0).min().unwrap();
    let x1 = ink.iter().map(|p| p.0).max().unwrap() + 1;
    let y0 = ink.iter().map(|p| p.1).min().unwrap();
    let y1 = ink.iter().map(|p| p.1).max().unwrap() + 1;
    imageops::crop_imm(&gray, x0, y0, x1 - x0, y1 - y0).to_image()
}

/// Draw `mask` at `(x, y)` in grey `ink`; returns the rectangle it covers.
fn stamp(image: &mut GrayImage, mask: &GrayImage, at: (u32, u32), ink: u8) -> Rect {
    stamp_visible(image, mask, at, ink).0
}

/// Draw `mask` at `(x, y)` in grey `ink`; returns the rectangle it covers and the glyph pixels
/// that stand out from what they were drawn on (by 90 grey levels or more): text drawn in
/// nearly the grey of the bone under it cannot be seen there, and is not expected to be found.
fn stamp_visible(
    image: &mut GrayImage,
    mask: &GrayImage,
    (x, y): (u32, u32),
    ink: u8,
) -> (Rect, Vec<(u32, u32)>) {
    let mut visible = Vec::new();
    for (mx, my, a) in mask.enumerate_pixels() {
        let a = f32::from(a.0[0]) / 255.0;
        let p = image.get_pixel_mut(x + mx, y + my);
        if a >= 0.5 && p.0[0].abs_diff(ink) >= 90 {
            visible.push((x + mx, y + my));
        }
        p.0[0] = (f32::from(p.0[0]) * (1.0 - a) + f32::from(ink) * a).round() as u8;
    }
    ((x, y, mask.width(), mask.height()), visible)
}

/// The share of `pixels` inside a region.
fn covered(regions: &[TextRegion], pixels: &[(u32, u32)]) -> f32 {
    let inside = pixels
        .iter()
        .filter(|(x, y)| {
            regions.iter().any(|r| {
                let (rx, ry, rw, rh) = r.rect;
                *x >= rx && *x < rx + rw && *y >= ry && *y < ry + rh
            })
        })
        .count();
    inside as f32 / pixels.len().max(1) as f32
}

type Rect = (u32, u32, u32, u32);

fn noisy(image: &mut GrayImage, sd: f32, seed: u64) {
    let mut rng = Rng(seed * 2 + 1);
    for p in image.pixels_mut() {
        p.0[0] = (f32::from(p.0[0]) + sd * rng.normal()).clamp(0.0, 255.0) as u8;
    }
}

/// A chest-radiograph-like field: a smooth body, two darker lungs, a bright spine ("bone"), a
/// soft gradient, noise.
fn radiograph(w: u32, h: u32, seed: u64) -> GrayImage {
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let mut img = GrayImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let body = soft_ellipse(fx, fy, cx, cy, w as f32 * 0.42, h as f32 * 0.46, 12.0);
        let lung_l = soft_ellipse(
            fx,
            fy,
            cx - w as f32 * 0.17,
            cy,
            w as f32 * 0.12,
            h as f32 * 0.3,
            8.0,
        );
        let lung_r = soft_ellipse(
            fx,
            fy,
            cx + w as f32 * 0.17,
            cy,
            w as f32 * 0.12,
            h as f32 * 0.3,
            8.0,
        );
        let spine = soft_ellipse(fx, fy, cx, cy, w as f32 * 0.04, h as f32 * 0.45, 3.0);
        let v =
            20.0 + 120.0 * body - 60.0 * (lung_l + lung_r) + 70.0 * spine + 20.0 * fy / h as f32;
        Luma([v.clamp(0.0, 255.0) as u8])
    });
    noisy(&mut img, 6.0, seed);
    img
}

/// 1 inside the ellipse, 0 outside, with an edge `soft` pixels wide.
fn soft_ellipse(x: f32, y: f32, cx: f32, cy: f32, rx: f32, ry: f32, soft: f32) -> f32 {
    let d = (((x - cx) / rx).powi(2) + ((y - cy) / ry).powi(2)).sqrt();
    let edge = soft / rx.min(ry);
    ((1.0 - d) / edge + 0.5).clamp(0.0, 1.0)
}

/// Ultrasound-like: a fan of speckle (multiplicative noise, lightly smoothed) on black.
fn ultrasound(w: u32, h: u32, seed: u64) -> GrayImage {
    let mut rng = Rng(seed * 2 + 1);
    let raw = GrayImage::from_fn(w, h, |_, _| {
        // Rayleigh-distributed amplitude, the speckle of coherent imaging.
        let u = rng.next().max(1e-6);
        Luma([((-2.0 * u.ln()).sqrt() * 70.0).min(255.0) as u8])
    });
    let blurred = imageops::blur(&raw, 1.2);
    let (ax, ay) = (w as f32 / 2.0, 0.0);
    GrayImage::from_fn(w, h, |x, y| {
        let (dx, dy) = (x as f32 - ax, y as f32 - ay);
        let r = (dx * dx + dy * dy).sqrt();
        let angle = dx.atan2(dy).abs();
        let inside = r > h as f32 * 0.08 && r < h as f32 * 0.95 && angle < 0.7;
        let v = if inside {
            f32::from(blurred.get_pixel(x, y).0[0]) * 1.4
        } else {
            0.0
        };
        Luma([v.min(255.0) as u8])
    })
}

/// A CT-slice-like disc: body, a bright bone ring, round vessels and organs.
fn ct_slice(w: u32, h: u32, seed: u64) -> GrayImage {
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let mut rng = Rng(seed * 2 + 1);
    let dots: Vec<(f32, f32, f32)> = (0..25)
        .map(|_| {
            (
                cx + (rng.next() - 0.5) * w as f32 * 0.5,
                cy + (rng.next() - 0.5) * h as f32 * 0.5,
                3.0 + rng.next() * 12.0,
            )
        })
        .collect();
    let mut img = GrayImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let body = soft_ellipse(fx, fy, cx, cy, w as f32 * 0.4, h as f32 * 0.33, 2.0);
        let bone_out = soft_ellipse(
            fx,
            fy,
            cx,
            cy + h as f32 * 0.15,
            w as f32 * 0.06,
            h as f32 * 0.06,
            1.5,
        );
        let bone_in = soft_ellipse(
            fx,
            fy,
            cx,
            cy + h as f32 * 0.15,
            w as f32 * 0.04,
            h as f32 * 0.04,
            1.5,
        );
        let mut v = 110.0 * body + 140.0 * (bone_out - bone_in) + 40.0 * bone_in;
        for &(dx, dy, r) in &dots {
            v += 60.0 * soft_ellipse(fx, fy, dx, dy, r, r, 1.0);
        }
        Luma([v.clamp(0.0, 255.0) as u8])
    });
    noisy(&mut img, 8.0, seed);
    img
}

fn gradient(w: u32, h: u32) -> GrayImage {
    GrayImage::from_fn(w, h, |x, y| Luma([((x + y) * 255 / (w + h)) as u8]))
}

/// How much of `want` the regions cover, 0–1.
fn coverage(regions: &[TextRegion], want: Rect) -> f32 {
    let mut covered = 0u64;
    for y in want.1..want.1 + want.3 {
        for x in want.0..want.0 + want.2 {
            if regions.iter().any(|r| {
                let (rx, ry, rw, rh) = r.rect;
                x >= rx && x < rx + rw && y >= ry && y < ry + rh
            }) {
                covered += 1;
            }
        }
    }
    covered as f32 / (u64::from(want.2) * u64::from(want.3)) as f32
}

/// Where a line goes: the four corners, the middle of the top and of the left edge.
fn positions(w: u32, h: u32, mask: &GrayImage) -> Vec<(&'static str, (u32, u32))> {
    let (mw, mh) = mask.dimensions();
    let m = 8;
    vec![
        ("top left", (m, m)),
        ("top right", (w - mw - m, m)),
        ("bottom left", (m, h - mh - m)),
        ("bottom right", (w - mw - m, h - mh - m)),
        ("top edge", ((w - mw) / 2, m)),
        ("left edge", (m, (h - mh) / 2)),
    ]
}

struct Background {
    name: &'static str,
    image: GrayImage,
    /// Light text is drawn on a dark background and dark text on a light one.
    ink: u8,
}

fn backgrounds(w: u32, h: u32) -> Vec<Background> {
    let mut black = GrayImage::new(w, h);
    noisy(&mut black, 4.0, 1);
    let mut white = GrayImage::from_pixel(w, h, Luma([235]));
    noisy(&mut white, 4.0, 2);
    let mut noisy_grey = GrayImage::from_pixel(w, h, Luma([110]));
    noisy(&mut noisy_grey, 22.0, 3);
    let mut noisy_light = GrayImage::from_pixel(w, h, Luma([190]));
    noisy(&mut noisy_light, 22.0, 4);
    vec![
        Background {
            name: "black",
            image: black,
            ink: 255,
        },
        Background {
            name: "white",
            image: white,
            ink: 0,
        },
        Background {
            name: "noisy grey, white text",
            image: noisy_grey,
            ink: 255,
        },
        Background {
            name: "noisy light, black text",
            image: noisy_light,
            ink: 10,
        },
        Background {
            name: "radiograph",
            image: radiograph(w, h, 5),
            ink: 250,
        },
    ]
}

const LINES: [&str; 3] = ["DOE^JOHN 1234567", "2024-03-15 14:22", "Ax T2 FSE 5.0mm"];

fn visible_pixels(mask: &GrayImage) -> f32 {
    mask.pixels().filter(|a| a.0[0] >= 128).count() as f32
}

/// Every line, at every size, in every position, on every background, is covered by a region.
#[test]
fn finds_text_of_every_size_position_and_polarity() {
    let (w, h) = (640, 480);
    let mut missed = Vec::new();
    let mut total = 0;
    for (s, size) in SIZES.iter().enumerate() {
        let mask = text_mask(LINES[s % LINES.len()], *size);
        for bg in backgrounds(w, h) {
            for (place, at) in positions(w, h, &mask) {
                let mut image = bg.image.clone();
                let (want, visible) = stamp_visible(&mut image, &mask, at, bg.ink);
                let regions = detect(&image);
                total += 1;
                // The whole line where it is all visible, else every glyph pixel that is.
                let c = if visible.len() as f32 > 0.9 * visible_pixels(&mask) {
                    coverage(&regions, want)
                } else {
                    covered(&regions, &visible)
                };
                if c < 0.95 {
                    missed.push(format!(
                        "{size}px {place} on {}: {:.0}% covered",
                        bg.name,
                        c * 100.0
                    ));
                }
            }
        }
    }
    assert!(
        missed.is_empty(),
        "{} of {total} missed:\n{}",
        missed.len(),
        missed.join("\n")
    );
}

/// Text over anatomy, not just in an empty corner: a label on the spine of a radiograph.
#[test]
fn finds_text_drawn_over_anatomy() {
    let (w, h) = (640, 480);
    let mask = text_mask("L 12cm", 28.0);
    let mut image = radiograph(w, h, 9);
    let want = stamp(&mut image, &mask, (w / 2 - 150, h / 2), 255);
    let regions = detect(&image);
    assert!(coverage(&regions, want) >= 0.95, "{regions:?}");
}

/// Two lines stacked as scanners print them come back as regions covering both, and nothing
/// else in the image is flagged.
#[test]
fn a_corner_block_is_found_and_nothing_else() {
    let (w, h) = (512, 512);
    let mut image = ct_slice(w, h, 3);
    let a = stamp(&mut image, &text_mask("SMITH JANE", 20.0), (6, 6), 255);
    let b = stamp(&mut image, &text_mask("MRN 00451234", 20.0), (6, 34), 255);
    let regions = detect(&image);
    assert!(
        coverage(&regions, a) >= 0.95 && coverage(&regions, b) >= 0.95,
        "{regions:?}"
    );
    for r in &regions {
        assert!(
            r.rect.0 < 200 && r.rect.1 < 80,
            "flagged outside the corner: {r:?}"
        );
    }
}

/// Anatomy-like images without text: nothing flagged.
#[test]
fn flags_nothing_in_images_without_text() {
    let (w, h) = (640, 480);
    let mut pure_noise = GrayImage::from_pixel(w, h, Luma([128]));
    noisy(&mut pure_noise, 40.0, 11);
    let mut circles = GrayImage::from_pixel(w, h, Luma([30]));
    for (i, (cx, cy, r)) in [
        (100.0, 100.0, 60.0),
        (320.0, 240.0, 150.0),
        (520.0, 380.0, 12.0),
        (560.0, 80.0, 25.0),
        (80.0, 400.0, 6.0),
    ]
    .into_iter()
    .enumerate()
    {
        for (x, y, p) in circles.enumerate_pixels_mut() {
            let v = soft_ellipse(
                x as f32,
                y as f32,
                cx,
                cy,
                r * (1.0 + i as f32 * 0.2),
                r,
                1.5,
            );
            p.0[0] = (f32::from(p.0[0]) + 200.0 * v).min(255.0) as u8;
        }
    }
    noisy(&mut circles, 5.0, 12);
    let fixtures = [
        ("black", GrayImage::new(w, h)),
        ("gradient", gradient(w, h)),
        ("noise", pure_noise),
        ("circles and ellipses", circles),
        ("radiograph", radiograph(w, h, 13)),
        ("ct slice", ct_slice(w, h, 14)),
        ("ct slice 2", ct_slice(w, h, 15)),
        ("ultrasound", ultrasound(w, h, 16)),
        ("ultrasound 2", ultrasound(w, h, 17)),
    ];
    let mut flagged = Vec::new();
    for (name, image) in &fixtures {
        let regions = detect(image);
        if !regions.is_empty() {
            flagged.push(format!("{name}: {regions:?}"));
        }
    }
    assert!(flagged.is_empty(), "{}", flagged.join("\n"));
}

#[test]
fn tiny_and_empty_images_are_no_trouble() {
    for (w, h) in [(0, 0), (1, 1), (5, 300), (300, 5), (7, 7)] {
        assert!(detect(&GrayImage::new(w, h)).is_empty());
    }
}

#[test]
fn tesseract_tsv_becomes_words_and_a_confidence() {
    let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
               1\t1\t0\t0\t0\t0\t0\t0\t100\t40\t-1\t\n\
               5\t1\t1\t1\t1\t1\t20\t20\t50\t30\t90.5\tDOE\n\
               5\t1\t1\t1\t1\t2\t80\t20\t50\t30\t70.5\tJOHN\n";
    let (text, conf) = parse_tsv(tsv);
    assert_eq!(text, "DOE JOHN");
    assert!((conf.unwrap() - 0.805).abs() < 1e-4);
    assert_eq!(parse_tsv(""), (String::new(), None));
}

/// A program that is not installed is a reason, not a panic.
#[test]
fn a_missing_program_is_reported_by_name() {
    let err = run(
        Command::new("radcase-no-such-program"),
        None,
        Duration::from_secs(5),
    )
    .unwrap_err();
    assert!(
        err.contains("`radcase-no-such-program` is not installed"),
        "{err}"
    );
}

/// A hung program is killed at the time-out.
#[test]
fn a_program_that_hangs_is_killed() {
    let mut cmd = Command::new("sleep");
    cmd.arg("30");
    let started = std::time::Instant::now();
    let err = run(cmd, None, Duration::from_millis(200)).unwrap_err();
    assert!(err.contains("took longer"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// Whether the tesseract tests may be skipped: only when it is missing and CI did not ask for
/// it (`.ci/run` sets RADCASE_REQUIRE_TESSERACT, so CI cannot skip them silently).
fn tesseract_or_skip(test: &str) -> bool {
    match ocr() {
        Ocr::Ready => true,
        Ocr::Unavailable(why) => {
            if std::env::var_os("RADCASE_REQUIRE_TESSERACT").is_some() {
                panic!("{test}: RADCASE_REQUIRE_TESSERACT is set but {why}");
            }
            println!("{test} skipped: {why}");
            false
        }
    }
}

#[test]
fn tesseract_reads_a_name_and_number_in_both_polarities() {
    if !tesseract_or_skip("tesseract_reads_a_name_and_number_in_both_polarities") {
        return;
    }
    for (bg, ink) in [(10u8, 250u8), (230, 20)] {
        let mut image = GrayImage::from_pixel(480, 320, Luma([bg]));
        noisy(&mut image, 6.0, 21);
        stamp(&mut image, &text_mask("DOE JOHN", 20.0), (10, 10), ink);
        stamp(&mut image, &text_mask("MRN 4471203", 28.0), (200, 260), ink);
        let regions = find_text(&image);
        assert_eq!(regions.len(), 2, "{regions:?}");
        let text: Vec<&str> = regions.iter().map(|r| r.text.as_deref().unwrap()).collect();
        assert_eq!(text, ["DOE JOHN", "MRN 4471203"], "{regions:?}");
        assert!(
            regions
                .iter()
                .all(|r| r.ocr_confidence.is_some_and(|c| c > 0.5))
        );
    }
}

/// Timings and rates, for the record: `cargo test --release --lib ocr::tests::measure --
/// --ignored --nocapture`.
#[test]
#[ignore = "a measurement, not a check: prints timings and rates, run in a release build"]
fn measure() {
    let (w, h) = (1024, 1024);
    let images: Vec<GrayImage> = vec![radiograph(w, h, 1), ct_slice(w, h, 2), ultrasound(w, h, 3)];
    let started = std::time::Instant::now();
    for image in &images {
        assert!(detect(image).is_empty());
    }
    let per = started.elapsed() / images.len() as u32;
    println!("detector: {per:?} per 1024x1024 image");
    let mut flagged = 0;
    let mut total = 0;
    for seed in 100..120 {
        let mut noise = GrayImage::from_pixel(640, 480, Luma([120]));
        noisy(&mut noise, 30.0, seed);
        for (name, image) in [
            ("radiograph", radiograph(640, 480, seed)),
            ("ct slice", ct_slice(640, 480, seed)),
            ("ultrasound", ultrasound(640, 480, seed)),
            ("noise", noise),
        ] {
            total += 1;
            let regions = detect(&image);
            if !regions.is_empty() {
                flagged += 1;
                println!("  flagged: {name} seed {seed}: {:?}", regions[0]);
            }
        }
    }
    println!("false positives: {flagged} of {total} images without text");
    if ocr() == &Ocr::Ready {
        let mut image = radiograph(w, h, 4);
        stamp(
            &mut image,
            &text_mask("DOE^JOHN 1234567", 20.0),
            (10, 10),
            255,
        );
        stamp(
            &mut image,
            &text_mask("2024-03-15 14:22", 20.0),
            (10, 40),
            255,
        );
        stamp(
            &mut image,
            &text_mask("Ax T2 FSE 5.0mm", 28.0),
            (600, 960),
            255,
        );
        let mut regions = detect(&image);
        let started = std::time::Instant::now();
        read(&image, &mut regions);
        println!(
            "ocr: {:?} per region ({} regions: {:?})",
            started.elapsed() / regions.len().max(1) as u32,
            regions.len(),
            regions.iter().map(|r| r.text.clone()).collect::<Vec<_>>()
        );
    }
}

/// The sliding box mean is the plain mean of each clipped window, rounded, at the edges and on
/// images smaller than the window too.
#[test]
fn box_means_are_the_means_of_their_windows() {
    let mut rng = Rng(7);
    for (w, h) in [(1usize, 1usize), (5, 3), (40, 17), (64, 64)] {
        let raw: Vec<u8> = (0..w * h).map(|_| (rng.next() * 255.0) as u8).collect();
        for r in [1i64, 3, 16] {
            let got = box_mean(&raw, w, h, r);
            for y in 0..h {
                for x in 0..w {
                    let (x0, x1) = (x.saturating_sub(r as usize), (x + r as usize + 1).min(w));
                    let (y0, y1) = (y.saturating_sub(r as usize), (y + r as usize + 1).min(h));
                    let mut sum = 0u32;
                    for yy in y0..y1 {
                        for xx in x0..x1 {
                            sum += u32::from(raw[yy * w + xx]);
                        }
                    }
                    let mean = f64::from(sum) / ((x1 - x0) * (y1 - y0)) as f64;
                    let diff = (f64::from(got[y * w + x]) - mean).abs();
                    assert!(
                        diff <= 0.5 + 1e-3,
                        "{w}x{h} r{r} at {x},{y}: {} vs {mean}",
                        got[y * w + x]
                    );
                }
            }
        }
    }
}
