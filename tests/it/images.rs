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
            png_bytes(900, 900),
        );
    }
    site.build_ok(&[]);
    let doc = site.html("cases/a/index.html");
    let frames = attrs(&doc, ".stack .stack-fallback img", "src");
    assert_eq!(
        frames,
        [
            "/cases/a/axial/1-768.jpg",
            "/cases/a/axial/2-768.jpg",
            "/cases/a/axial/3-768.jpg",
            "/cases/a/axial/10-768.jpg",
            "/cases/a/axial/11-768.jpg"
        ]
    );
    assert_eq!(text(&doc, ".stack .stack-counter"), "3 / 5");
    assert_eq!(attr(&doc, ".stack .stack-slider", "max"), "5");
    assert_eq!(
        attr(&doc, ".stack .stack-image", "src"),
        "/cases/a/axial/3-768.jpg"
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
    let frame = image::open(site.out("cases/a/axial/10-768.jpg")).unwrap();
    assert_eq!(frame.width(), 768);
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
