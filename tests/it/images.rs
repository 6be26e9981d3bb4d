//! Case images: sizes, metadata stripping, orientation, stacks, the cache, and bad image files.

use crate::common::*;

fn case_site(front: &str, body: &str) -> TestSite {
    TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            format!("+++\ntitle = \"A\"\ndate = 2024-05-02\n{front}\n+++\n{body}\n"),
        ),
    ])
}

#[test]
fn metadata_never_reaches_the_output_and_orientation_is_applied() {
    let source = jpeg_with_metadata();
    // The source really carries everything, and decodes.
    for s in SECRETS {
        assert!(
            source.windows(s.len()).any(|w| w == s.as_bytes()),
            "{s} not planted"
        );
    }
    assert!(image::load_from_memory(&source).is_ok());

    let site = case_site(
        "images = [{ file = \"photo.jpg\", alt = \"Knee radiograph\" }]",
        "Body.",
    );
    site.write("content/cases/a/photo.jpg", &source);
    site.build_ok(&[]);
    for rel in list_files(&site.path("public")) {
        let bytes = std::fs::read(site.out(&rel)).unwrap();
        for s in SECRETS {
            assert!(
                !bytes.windows(s.len()).any(|w| w == s.as_bytes()),
                "public/{rel} contains {s}"
            );
        }
        assert!(
            !bytes.windows(4).any(|w| w == b"Exif"),
            "public/{rel} has an EXIF block"
        );
    }
    // EXIF orientation 6: the 40×20 source is shown upright as 20×40.
    let img = image::open(site.out("cases/a/photo-20.jpg")).unwrap();
    assert_eq!((img.width(), img.height()), (20, 40));
    let doc = site.html("cases/a/index.html");
    assert_eq!(attr(&doc, ".gallery img", "width"), "20");
    assert_eq!(attr(&doc, ".gallery img", "height"), "40");
}

#[test]
fn gallery_has_every_size_in_every_format_and_never_upscales() {
    let site = case_site(
        "images = [{ file = \"wide.png\", alt = \"Wide\", caption = \"A wide one\" }, { file = \"b.jpg\", alt = \"Small\" }]",
        "Body.",
    );
    site.write("content/cases/a/wide.png", png_bytes(1000, 500));
    site.write("content/cases/a/b.jpg", jpeg_bytes(300, 200));
    site.build_ok(&[]);
    let doc = site.html("cases/a/index.html");
    // Front matter order, with alt text and caption.
    assert_eq!(attrs(&doc, ".gallery img", "alt"), ["Wide", "Small"]);
    assert_eq!(texts(&doc, ".gallery figcaption"), ["A wide one"]);
    let srcsets = attrs(&doc, ".gallery img", "srcset");
    assert_eq!(
        srcsets[0],
        "/cases/a/wide-320.jpg 320w, /cases/a/wide-480.jpg 480w, /cases/a/wide-960.jpg 960w, /cases/a/wide-1000.jpg 1000w"
    );
    assert_eq!(srcsets[1], "/cases/a/b-300.jpg 300w");
    assert_eq!(
        attrs(&doc, ".gallery source", "type"),
        ["image/webp", "image/webp"]
    );
    for img in doc.select(&sel(".gallery img")) {
        let v = img.value();
        assert_eq!(v.attr("decoding"), Some("async"));
        assert!(
            v.attr("loading").is_some() && v.attr("width").is_some() && v.attr("height").is_some()
        );
    }
    // The lightbox link opens the largest size.
    assert_eq!(
        attrs(&doc, ".gallery a[data-lightbox]", "href"),
        ["/cases/a/wide-1000.jpg", "/cases/a/b-300.jpg"]
    );
    for (rel, size) in [
        ("wide-480.webp", (480, 240)),
        ("wide-1000.jpg", (1000, 500)),
        ("b-300.webp", (300, 200)),
    ] {
        let img = image::open(site.out(&format!("cases/a/{rel}"))).unwrap();
        assert_eq!((img.width(), img.height()), size, "{rel}");
    }
    assert!(
        !site.out("cases/a/b-320.jpg").exists(),
        "a 300 px image is never enlarged"
    );
}

#[test]
fn image_settings_from_config_are_used() {
    let config = format!(
        "{CONFIG}[images]\nwidths = [100]\nthumbnail = 50\nformats = [\"jpeg\"]\nquality = 60\n"
    );
    let site = TestSite::with(&[
        ("config.toml", config),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            "+++\ntitle = \"A\"\nimages = [{ file = \"ct.png\", alt = \"CT\" }]\n+++\n".to_string(),
        ),
    ]);
    site.write("content/cases/a/ct.png", png_bytes(400, 400));
    site.build_ok(&[]);
    let files: Vec<String> = list_files(&site.out("cases/a"))
        .into_iter()
        .filter(|f| f.starts_with("ct"))
        .collect();
    assert_eq!(files, ["ct-100.jpg", "ct-50.jpg"]);
    let doc = site.html("cases/a/index.html");
    assert!(
        doc.select(&sel(".gallery source")).next().is_none(),
        "one format: no <source>"
    );
}

#[test]
fn stacks_show_slices_in_natural_order_and_degrade_to_a_list() {
    let site = case_site(
        "stacks = [{ dir = \"axial\", alt = \"Axial CT\", caption = \"Scroll through\" }]",
        "Body.",
    );
    for name in ["1.png", "2.png", "10.png", "3.png", "11.png"] {
        site.write(
            &format!("content/cases/a/axial/{name}"),
            png_bytes(1200, 1200),
        );
    }
    site.build_ok(&[]);
    let doc = site.html("cases/a/index.html");
    let frames = attrs(&doc, ".stack .stack-fallback img", "src");
    assert_eq!(
        frames,
        [
            "/cases/a/axial/1-1024.jpg",
            "/cases/a/axial/2-1024.jpg",
            "/cases/a/axial/3-1024.jpg",
            "/cases/a/axial/10-1024.jpg",
            "/cases/a/axial/11-1024.jpg"
        ]
    );
    assert_eq!(text(&doc, ".stack .stack-counter"), "3 / 5");
    assert_eq!(attr(&doc, ".stack .stack-slider", "max"), "5");
    assert_eq!(
        attr(&doc, ".stack .stack-image", "src"),
        "/cases/a/axial/3-1024.jpg"
    );
    assert_eq!(
        attr(&doc, ".stack .stack-fallback li:nth-child(2) img", "alt"),
        "Axial CT, slice 2 of 5"
    );
    assert_eq!(text(&doc, ".stack figcaption"), "Scroll through");
    // The viewer is hidden until the script shows it: without JS the list is what readers see.
    assert!(
        doc.select(&sel(".stack .stack-viewer[hidden]"))
            .next()
            .is_some()
    );
    let frame = image::open(site.out("cases/a/axial/10-1024.jpg")).unwrap();
    assert_eq!(frame.width(), 1024);
    // Slices are not gallery images.
    assert!(doc.select(&sel(".gallery")).next().is_none());
}

#[test]
fn second_build_does_no_image_work_and_unused_entries_are_pruned() {
    let site = case_site(
        "images = [{ file = \"a.png\", alt = \"A\" }, { file = \"b.png\", alt = \"B\" }]",
        "Body.",
    );
    site.write("content/cases/a/a.png", png_bytes(600, 400));
    site.write("content/cases/a/b.png", png_bytes(500, 400));
    let first = site.build_ok(&[]);
    assert!(
        first.contains("2 images: 2 processed, 0 from the cache"),
        "{first}"
    );
    let cache = site.path(".radcase-cache");
    let entries_before = list_files(&cache).len();
    assert!(entries_before > 0);

    let second = site.build_ok(&[]);
    assert!(
        second.contains("2 images: 0 processed, 2 from the cache"),
        "{second}"
    );
    assert!(image::open(site.out("cases/a/a-480.jpg")).is_ok());

    // A changed image is processed again, alone; its old sizes leave the cache.
    site.write("content/cases/a/b.png", png_bytes(500, 300));
    let third = site.build_ok(&[]);
    assert!(
        third.contains("2 images: 1 processed, 1 from the cache"),
        "{third}"
    );
    assert_eq!(
        image::open(site.out("cases/a/b-480.jpg")).unwrap().height(),
        288
    );
    assert_eq!(
        list_files(&cache).len(),
        entries_before,
        "stale entries were pruned"
    );

    // An image the site no longer uses is pruned from the cache.
    site.write(
        "content/cases/a/index.md",
        "+++\ntitle = \"A\"\nimages = [{ file = \"a.png\", alt = \"A\" }]\n+++\n",
    );
    std::fs::remove_file(site.path("content/cases/a/b.png")).unwrap();
    site.build_ok(&[]);
    assert!(list_files(&cache).len() < entries_before);
}

#[test]
fn cache_dir_inside_the_output_is_refused() {
    let site = case_site("", "Body.");
    let out = site
        .build_cmd(&["--cache-dir", site.path("public/cache").to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("inside the output folder"));
}

// Bad image files: each is a clear error naming the file, exit 1, previous output untouched.

fn broken_image_fails(bytes: &[u8], name: &str, expect: &str) {
    let site = case_site(
        &format!("images = [{{ file = \"{name}\", alt = \"CT\" }}]"),
        "Body.",
    );
    site.write(&format!("content/cases/a/{name}"), png_bytes(20, 20));
    site.build_ok(&[]);
    let before = site.read_out("cases/a/index.html");
    site.write(&format!("content/cases/a/{name}"), bytes);
    let stderr = build_fails(&site, &[]);
    assert!(stderr.contains(name), "{stderr}");
    assert!(stderr.contains(expect), "expected {expect:?} in:\n{stderr}");
    assert_eq!(site.read_out("cases/a/index.html"), before);
    assert!(site.staging_leftovers().is_empty());
}

#[test]
fn truncated_image_is_an_error() {
    let full = jpeg_bytes(200, 200);
    broken_image_fails(&full[..full.len() / 3], "ct.jpg", "truncated");
    let png = png_bytes(200, 200);
    broken_image_fails(&png[..png.len() / 2], "ct.png", "could not be decoded");
}

#[test]
fn zero_byte_image_is_an_error() {
    broken_image_fails(b"", "ct.png", "empty");
}

#[test]
fn file_that_is_not_an_image_is_an_error() {
    broken_image_fails(
        b"this is a text file, not a picture",
        "ct.jpg",
        "not an image",
    );
}

#[test]
fn huge_image_header_is_refused_before_decoding() {
    let png = png_claiming(30000, 30000);
    broken_image_fails(&png, "ct.png", "too large");
}

#[test]
fn image_whose_extension_lies_is_read_by_its_content() {
    let site = case_site("images = [{ file = \"ct.jpg\", alt = \"CT\" }]", "Body.");
    site.write("content/cases/a/ct.jpg", png_bytes(30, 20));
    site.build_ok(&[]);
    let img = image::open(site.out("cases/a/ct-30.jpg")).unwrap();
    assert_eq!((img.width(), img.height()), (30, 20));
}

#[test]
fn empty_or_missing_stack_folder_is_an_error() {
    let site = case_site(
        "stacks = [{ dir = \"axial\", alt = \"Axial CT\" }]",
        "Body.",
    );
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("index.md:4") && stderr.contains("`axial` does not exist"),
        "{stderr}"
    );
    site.write("content/cases/a/axial/notes.txt", "no images here");
    let stderr = build_fails(&site, &[]);
    assert!(stderr.contains("`axial` has no images"), "{stderr}");
}

#[test]
fn unlisted_case_image_needs_alt_text() {
    let site = case_site("", "Body.");
    site.write("content/cases/a/extra.png", png_bytes(10, 10));
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("`extra.png`") && stderr.contains("alt"),
        "{stderr}"
    );
}

/// Set a file's modification time back, as if it had been written a minute ago (a file written
/// within seconds of a build is read again by the next one: see `media::probes`).
fn backdate(path: &std::path::Path, to: std::time::SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(to)
        .unwrap();
}

#[test]
fn a_warm_build_opens_no_source_image_and_a_changed_one_is_seen_whatever_its_times() {
    let site = case_site(
        "images = [{ file = \"a.png\", alt = \"A\" }, { file = \"b.jpg\", alt = \"B\" }]",
        "Body.",
    );
    let (a, b) = (
        site.path("content/cases/a/a.png"),
        site.path("content/cases/a/b.jpg"),
    );
    site.write("content/cases/a/a.png", png_bytes(600, 400));
    site.write("content/cases/a/b.jpg", jpeg_bytes(500, 400));
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    backdate(&a, old);
    backdate(&b, old);
    let opened = |log: &str| -> String {
        log.lines()
            .find(|l| l.contains("source images opened"))
            .unwrap_or_else(|| panic!("{log}"))
            .split_whitespace()
            .last()
            .unwrap()
            .to_string()
    };
    assert_eq!(opened(&site.build_ok(&["-v"])), "2");
    let warm = site.build_ok(&["-v"]);
    assert_eq!(opened(&warm), "0", "{warm}");
    assert!(
        warm.contains("2 images: 0 processed, 2 from the cache"),
        "{warm}"
    );

    // Other pixels, another size, the same length of name and the old modification time: the
    // change time and inode still tell.
    site.write("content/cases/a/b.jpg", jpeg_bytes(500, 250));
    backdate(&b, old);
    let changed = site.build_ok(&["-v"]);
    assert_eq!(opened(&changed), "1", "{changed}");
    assert_eq!(
        image::open(site.out("cases/a/b-480.jpg")).unwrap().height(),
        240
    );

    // Damaged records are only a reason to read the images again.
    std::fs::write(site.path(".radcase-cache/probes-v1.json"), "{\"broken").unwrap();
    assert_eq!(opened(&site.build_ok(&["-v"])), "2");
}

// --- Transparency and `redact` ------------------------------------------------------------

/// The source size of the pictures below.
pub const W: u32 = 600;
pub const H: u32 = 400;
/// Fully transparent: the "erased" label, whose colour is still in the file.
pub const ERASED: (u32, u32, u32, u32) = (150, 100, 450, 300);
/// A quarter opaque (alpha 64), over the same hidden colour.
pub const FAINT: (u32, u32, u32, u32) = (0, 0, 100, 400);
/// What an image with alpha was drawn in (its transparent parts aside).
const GREY: u8 = 100;

fn inside((x0, y0, x1, y1): (u32, u32, u32, u32), x: u32, y: u32) -> bool {
    (x0..x1).contains(&x) && (y0..y1).contains(&y)
}

/// How each picture stores its transparency.
#[derive(Debug, Clone, Copy)]
pub enum Transparency {
    /// RGBA, hiding magenta.
    Rgba,
    /// Grey and alpha, hiding white.
    LumaAlpha,
    /// A palette with a `tRNS` chunk, hiding magenta.
    Palette,
}

/// A 600×400 PNG, opaque grey but for [`ERASED`] (alpha 0) and [`FAINT`] (alpha 64), both
/// hiding a bright colour (magenta, or white in grey).
pub fn png_with_hidden_label(alpha: Transparency) -> Vec<u8> {
    let pixel = |x: u32, y: u32| -> ([u8; 3], u8) {
        if inside(ERASED, x, y) {
            ([255, 0, 255], 0)
        } else if inside(FAINT, x, y) {
            ([255, 0, 255], 64)
        } else {
            ([GREY; 3], 255)
        }
    };
    let mut out = std::io::Cursor::new(Vec::new());
    match alpha {
        Transparency::Rgba => {
            image::RgbaImage::from_fn(W, H, |x, y| {
                let ([r, g, b], a) = pixel(x, y);
                image::Rgba([r, g, b, a])
            })
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap();
        }
        Transparency::LumaAlpha => {
            image::GrayAlphaImage::from_fn(W, H, |x, y| {
                let ([r, _, _], a) = pixel(x, y);
                image::LumaA([r.max(if a < 255 { 255 } else { 0 }), a])
            })
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap();
        }
        Transparency::Palette => {
            // Index 0: magenta, transparent; 1: magenta at alpha 64; 2: opaque grey.
            let mut raw = Vec::new();
            for y in 0..H {
                raw.push(0); // filter: none
                for x in 0..W {
                    raw.push(match pixel(x, y).1 {
                        0 => 0,
                        64 => 1,
                        _ => 2,
                    });
                }
            }
            let mut ihdr = Vec::new();
            ihdr.extend_from_slice(&W.to_be_bytes());
            ihdr.extend_from_slice(&H.to_be_bytes());
            ihdr.extend_from_slice(&[8, 3, 0, 0, 0]);
            let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
            png.extend(png_chunk(b"IHDR", &ihdr));
            png.extend(png_chunk(
                b"PLTE",
                &[255, 0, 255, 255, 0, 255, GREY, GREY, GREY],
            ));
            png.extend(png_chunk(b"tRNS", &[0, 64, 255]));
            png.extend(png_chunk(b"IDAT", &zlib_stored(&raw)));
            png.extend(png_chunk(b"IEND", b""));
            return png;
        }
    }
    out.into_inner()
}

/// `data` as a zlib stream of stored (uncompressed) blocks: a valid PNG `IDAT` without a
/// compressor.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = data.chunks(65535).collect();
    for (i, block) in blocks.iter().enumerate() {
        out.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

/// Whether a published pixel shows the hidden colour (magenta, or bright grey).
pub fn shows_hidden(alpha: Transparency, p: image::Rgb<u8>) -> bool {
    let [r, g, b] = p.0;
    match alpha {
        Transparency::LumaAlpha => r > 160 || g > 160 || b > 160,
        _ => r > 120 && b > 120 && g < 90,
    }
}

/// Every sized image of `stem` the build published in `dir` (every width, every format),
/// decoded, with its name.
pub fn published_sizes(site: &TestSite, dir: &str, stem: &str) -> Vec<(String, image::RgbImage)> {
    let out: Vec<(String, image::RgbImage)> = list_files(&site.path("public"))
        .into_iter()
        .filter(|rel| {
            rel.strip_prefix(dir)
                .is_some_and(|name| name.starts_with(&format!("{stem}-")) && !name.contains('/'))
        })
        .map(|rel| {
            let img = image::open(site.out(&rel))
                .unwrap_or_else(|e| panic!("{rel}: {e}"))
                .to_rgb8();
            (rel, img)
        })
        .collect();
    assert!(!out.is_empty(), "no sizes of {stem} in {dir}");
    out
}

/// The pixel of `img` (a size of a `W`×`H` source) at source position (x, y).
pub fn at(img: &image::RgbImage, x: u32, y: u32) -> image::Rgb<u8> {
    let sx = (x * img.width() / W).min(img.width() - 1);
    let sy = (y * img.height() / H).min(img.height() - 1);
    *img.get_pixel(sx, sy)
}

const ALL_FORMATS: &str = "[images]\nformats = [\"webp\", \"jpeg\", \"png\"]\n";

fn case_site_with_config(config: &str, front: &str) -> TestSite {
    let site = case_site(front, "Body.");
    site.write("config.toml", format!("{CONFIG}{config}"));
    site
}

#[test]
fn transparent_pixels_hide_nothing_in_any_size_or_format() {
    for alpha in [
        Transparency::Rgba,
        Transparency::LumaAlpha,
        Transparency::Palette,
    ] {
        let site = case_site_with_config(
            ALL_FORMATS,
            "images = [{ file = \"label.png\", alt = \"Chest radiograph\" }]",
        );
        let png = png_with_hidden_label(alpha);
        // The source really hides the colour: decoded without its alpha, the label is there.
        let hidden = image::load_from_memory(&png).unwrap().to_rgb8();
        assert!(
            shows_hidden(alpha, *hidden.get_pixel(300, 200)),
            "{alpha:?}"
        );
        site.write("content/cases/a/label.png", &png);
        site.build_ok(&[]);
        let sizes = published_sizes(&site, "cases/a/", "label");
        let formats: Vec<&str> = sizes
            .iter()
            .map(|(r, _)| r.rsplit('.').next().unwrap())
            .collect();
        for f in ["webp", "jpg", "png"] {
            assert!(formats.contains(&f), "{alpha:?}: no {f} in {formats:?}");
        }
        for (rel, img) in &sizes {
            let leaks = img.pixels().filter(|p| shows_hidden(alpha, **p)).count();
            assert_eq!(
                leaks, 0,
                "{alpha:?}: {rel} shows the hidden colour in {leaks} pixels"
            );
            // Composited over black: the erased label is black, the faint band a quarter of
            // its colour, the rest as it was.
            let erased = at(img, 300, 200);
            assert!(
                erased.0.iter().all(|&c| c <= 24),
                "{alpha:?}: {rel} erased {erased:?}"
            );
            let faint = at(img, 50, 200);
            assert!(
                (40..=90).contains(&faint.0[0]),
                "{alpha:?}: {rel} faint {faint:?}"
            );
            let rest = at(img, 525, 350);
            assert!(
                rest.0.iter().all(|&c| c.abs_diff(GREY) <= 12),
                "{alpha:?}: {rel} opaque part {rest:?}"
            );
        }
    }
}

#[test]
fn a_transparent_image_in_static_keeps_its_alpha_but_not_what_was_under_it() {
    let site = TestSite::minimal();
    site.write("static/logo.png", png_with_hidden_label(Transparency::Rgba));
    site.build_ok(&[]);
    let logo = image::open(site.out("logo.png")).unwrap().to_rgba8();
    let erased = logo.get_pixel(300, 200);
    assert_eq!(
        erased.0,
        [0, 0, 0, 0],
        "transparent, and no colour under it"
    );
    let faint = logo.get_pixel(50, 200);
    assert_eq!(faint.0[3], 64, "partial transparency is kept");
    // What a viewer shows of it over black is what it showed before: c·a.
    assert!(
        (u32::from(faint.0[0]) * 64 / 255).abs_diff(64) <= 1,
        "{faint:?}"
    );
    assert_eq!(logo.get_pixel(525, 350).0, [GREY, GREY, GREY, 255]);
}

/// The patch a `redact` box covers: bright yellow, found nowhere else in [`patched_png`].
pub const PATCH: (u32, u32, u32, u32) = (400, 50, 500, 150);
pub const REDACT: &str = "[[390, 40, 120, 120]]";

/// A 600×400 grey gradient (the "image") with a yellow [`PATCH`] (the "label").
pub fn patched_png() -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_fn(W, H, |x, y| {
        if inside(PATCH, x, y) {
            image::Rgb([255, 230, 0])
        } else {
            let v = 60 + (x / 10) as u8;
            image::Rgb([v, v, v])
        }
    })
    .write_to(&mut out, image::ImageFormat::Png)
    .unwrap();
    out.into_inner()
}

pub fn is_patch(p: image::Rgb<u8>) -> bool {
    let [r, g, b] = p.0;
    r > 150 && g > 130 && b < 90
}

#[test]
fn a_redacted_patch_is_gone_from_every_size_and_the_rest_is_intact() {
    let site = case_site_with_config(
        ALL_FORMATS,
        &format!("images = [{{ file = \"ct.png\", alt = \"Axial CT\", redact = {REDACT} }}]"),
    );
    site.write("content/cases/a/ct.png", patched_png());
    site.build_ok(&[]);
    for (rel, img) in published_sizes(&site, "cases/a/", "ct") {
        let leaks = img.pixels().filter(|p| is_patch(**p)).count();
        assert_eq!(leaks, 0, "{rel} shows the patch in {leaks} pixels");
        let patch = at(&img, 450, 100);
        assert!(patch.0.iter().all(|&c| c <= 16), "{rel}: {patch:?}");
        // Outside the box, the gradient as it was.
        for (x, y) in [(100, 300), (300, 200), (550, 350), (200, 30)] {
            let want = 60 + (x / 10) as u8;
            let got = at(&img, x, y);
            assert!(
                got.0.iter().all(|&c| c.abs_diff(want) <= 10),
                "{rel} at ({x}, {y}): {got:?}, want {want}"
            );
        }
    }
    // The body's image of the same file uses the same, redacted sizes.
    let site = case_site(
        &format!("images = [{{ file = \"ct.png\", alt = \"Axial CT\", redact = {REDACT} }}]"),
        "![Axial CT](ct.png \"The same image in the text\")",
    );
    site.write("content/cases/a/ct.png", patched_png());
    site.build_ok(&[]);
    for (rel, img) in published_sizes(&site, "cases/a/", "ct") {
        assert_eq!(img.pixels().filter(|p| is_patch(**p)).count(), 0, "{rel}");
    }
}

#[test]
fn redact_is_in_pixels_of_the_upright_image() {
    // 40×20 stored, EXIF orientation 6: shown 20×40. The box covers the top quarter as shown.
    let site = case_site(
        "images = [{ file = \"photo.jpg\", alt = \"Knee\", redact = [[0, 0, 20, 10]] }]",
        "Body.",
    );
    site.write("content/cases/a/photo.jpg", jpeg_with_metadata());
    site.build_ok(&[]);
    let img = image::open(site.out("cases/a/photo-20.jpg"))
        .unwrap()
        .to_rgb8();
    assert_eq!(img.dimensions(), (20, 40));
    for y in 0..8 {
        for x in 0..18 {
            assert!(img.get_pixel(x, y).0.iter().all(|&c| c <= 16), "({x}, {y})");
        }
    }
    // The same box as stored (40 wide) is outside the image as shown.
    let site = case_site(
        "images = [{ file = \"photo.jpg\", alt = \"Knee\", redact = [[0, 0, 40, 10]] }]",
        "Body.",
    );
    site.write("content/cases/a/photo.jpg", jpeg_with_metadata());
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("outside the image") && stderr.contains("20×40"),
        "{stderr}"
    );
}

#[test]
fn redact_applies_to_an_image_made_from_dicom() {
    // The phantom is 4×1; its brightest pixel (976 HU) is the last.
    let site = case_site(
        "images = [{ file = \"head.dcm\", alt = \"CT phantom\", redact = [[3, 0, 1, 1]] }]",
        "Body.",
    );
    site.write("content/cases/a/head.dcm", phantom("CT", vec![]));
    let plain = case_site(
        "images = [{ file = \"head.dcm\", alt = \"CT phantom\" }]",
        "Body.",
    );
    plain.write("content/cases/a/head.dcm", phantom("CT", vec![]));
    site.build_ok(&[]);
    plain.build_ok(&[]);
    let png = |s: &TestSite| {
        let name = list_files(&s.path("public/cases/a"))
            .into_iter()
            .find(|n| n.ends_with(".jpg") && !n.contains('/'))
            .expect("a size of the DICOM image");
        image::open(s.path("public/cases/a").join(name))
            .unwrap()
            .to_luma8()
    };
    let (redacted, shown) = (png(&site), png(&plain));
    assert!(
        shown.get_pixel(3, 0).0[0] > 150,
        "{:?}",
        shown.get_pixel(3, 0)
    );
    assert!(
        redacted.get_pixel(3, 0).0[0] < 40,
        "{:?}",
        redacted.get_pixel(3, 0)
    );
}

/// Build `front` (at line 4 of the case's index.md) and return the error.
fn redact_error(front: &str) -> String {
    let site = case_site(front, "Body.");
    site.write("content/cases/a/ct.png", patched_png());
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("content/cases/a/index.md:4"),
        "{front}: {stderr}"
    );
    stderr
}

#[test]
fn every_bad_redact_rectangle_is_an_error_with_the_line_and_the_image_size() {
    let cases = [
        ("[[390, 40, 0, 120]]", "is empty"),
        ("[[390, 40, 120, -5]]", "is empty"),
        ("[[390, 40, 120]]", "has 3 numbers instead of four"),
        ("[[390, 40, 120, 120, 1]]", "has 5 numbers instead of four"),
        ("[[390, 40, 12.5, 120]]", "not a whole number"),
        ("[[390, \"40\", 120, 120]]", "not a whole number"),
        ("[[500, 40, 120, 120]]", "outside the image"),
        ("[[-1, 40, 120, 120]]", "outside the image"),
        ("[[0, 300, 10, 101]]", "outside the image"),
        (
            "[[9223372036854775807, 0, 9223372036854775807, 1]]",
            "outside the image",
        ),
        ("[[0, 0, 10, 10], [0, 0, 601, 1]]", "rectangle 2"),
        ("[390, 40, 120, 120]", "must be a list of rectangles"),
        ("\"top left\"", "must be a list of rectangles"),
        ("[]", "empty list"),
        ("[[0, 0, 10, 10], 4]", "not a list of four numbers"),
    ];
    for (redact, what) in cases {
        let stderr = redact_error(&format!(
            "images = [{{ file = \"ct.png\", alt = \"Axial CT\", redact = {redact} }}]"
        ));
        assert!(stderr.contains(what), "{redact}: {stderr}");
        assert!(
            stderr.contains("`ct.png`") && stderr.contains("600×400"),
            "{redact}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn redact_anywhere_but_an_image_entry_is_an_error() {
    let site = case_site(
        "stacks = [{ dir = \"axial\", alt = \"Axial CT\", redact = [[0, 0, 5, 5]] }]",
        "Body.",
    );
    site.write("content/cases/a/axial/1.png", png_bytes(20, 20));
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("index.md:4")
            && stderr.contains("unknown key `redact`")
            && stderr.contains("gallery images"),
        "{stderr}"
    );
    let stderr = redact_error(
        "redact = [[0, 0, 5, 5]]\nimages = [{ file = \"ct.png\", alt = \"Axial CT\" }]",
    );
    assert!(
        stderr.contains("unknown front matter key `redact`")
            && stderr.contains("belongs to an image entry"),
        "{stderr}"
    );
    // Listed twice, one file published once: the entries must agree.
    let stderr = redact_error(&format!(
        "images = [{{ file = \"ct.png\", alt = \"Axial CT\", redact = {REDACT} }}, {{ file = \"ct.png\", alt = \"Again\" }}]"
    ));
    assert!(
        stderr.contains("listed twice") && stderr.contains("different `redact`"),
        "{stderr}"
    );
}

#[test]
fn changing_redact_makes_every_size_again() {
    let front = |redact: &str| {
        format!("images = [{{ file = \"ct.png\", alt = \"Axial CT\", redact = {redact} }}]")
    };
    let site = case_site(&front("[[0, 0, 10, 10]]"), "Body.");
    site.write("content/cases/a/ct.png", patched_png());
    site.build_ok(&[]);
    let before = published_sizes(&site, "cases/a/", "ct");
    assert!(before.iter().all(|(_, img)| is_patch(at(img, 450, 100))));
    let warm = site.build_ok(&[]);
    assert!(
        warm.contains("1 images: 0 processed, 1 from the cache"),
        "{warm}"
    );
    site.write(
        "content/cases/a/index.md",
        format!(
            "+++\ntitle = \"A\"\ndate = 2024-05-02\n{}\n+++\nBody.\n",
            front(REDACT)
        ),
    );
    let after_edit = site.build_ok(&[]);
    assert!(
        after_edit.contains("1 images: 1 processed, 0 from the cache"),
        "{after_edit}"
    );
    for (rel, img) in published_sizes(&site, "cases/a/", "ct") {
        assert_eq!(
            img.pixels().filter(|p| is_patch(**p)).count(),
            0,
            "{rel} kept the patch"
        );
    }
    // And back: the patch shows again (the old entries were not served for the new key).
    site.write(
        "content/cases/a/index.md",
        format!(
            "+++\ntitle = \"A\"\ndate = 2024-05-02\n{}\n+++\nBody.\n",
            front("[[0, 0, 10, 10]]")
        ),
    );
    site.build_ok(&[]);
    for (rel, img) in published_sizes(&site, "cases/a/", "ct") {
        assert!(is_patch(at(&img, 450, 100)), "{rel}");
    }
}

#[test]
fn redact_in_yaml_front_matter_names_the_line_of_the_bad_rectangle() {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            "---\ntitle: A\ndate: 2024-05-02\nimages:\n  - file: ct.png\n    alt: Axial CT\n    redact:\n      - [390, 40, 120, 120]\n      - [0, 0, 700, 10]\n---\nBody.\n".to_string(),
        ),
    ]);
    site.write("content/cases/a/ct.png", patched_png());
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("index.md:9")
            && stderr.contains("rectangle 2")
            && stderr.contains("outside the image")
            && stderr.contains("600×400"),
        "{stderr}"
    );
    // Fixed, it builds and the first box is blacked out.
    site.write(
        "content/cases/a/index.md",
        "---\ntitle: A\ndate: 2024-05-02\nimages:\n  - file: ct.png\n    alt: Axial CT\n    redact:\n      - [390, 40, 120, 120]\n---\nBody.\n",
    );
    site.build_ok(&[]);
    for (rel, img) in published_sizes(&site, "cases/a/", "ct") {
        assert_eq!(img.pixels().filter(|p| is_patch(**p)).count(), 0, "{rel}");
    }
}
