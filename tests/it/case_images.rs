//! Image-first case pages, read from the built HTML: the first image large with every size,
//! the others as a filmstrip, nothing shown larger than its file, thumbnails cut around a
//! `focus` (and whole without one), WebP thumbnails, tables that scroll in a focusable box,
//! and the quiz's answer toggle.

use crate::common::{
    CASES_SECTION, CONFIG, TestSite, attr, attrs, build_fails, png_bytes, sel, texts,
};

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

/// The width in pixels of the published file at the URL path `url`.
fn file_width(site: &TestSite, url: &str) -> (u32, u32) {
    let path = site.out(url.trim_start_matches('/'));
    let img = image::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (img.width(), img.height())
}

/// `(url, width)` of each candidate of a `srcset`.
fn candidates(srcset: &str) -> Vec<(String, u32)> {
    srcset
        .split(", ")
        .filter(|c| !c.is_empty())
        .map(|c| {
            let (url, w) = c.rsplit_once(' ').unwrap();
            (url.to_string(), w.trim_end_matches('w').parse().unwrap())
        })
        .collect()
}

/// Every `<img>` and `<source>` of `page`: each `srcset` candidate is a file of the width it
/// claims, each `width`/`height` pair is that of the file `src` names, and no `sizes` asks for
/// more CSS pixels than the largest file has.
fn nothing_is_shown_larger_than_its_file(site: &TestSite, page: &str) {
    let doc = site.html(page);
    for el in doc.select(&sel("main img, main source")) {
        let v = el.value();
        let set = candidates(v.attr("srcset").unwrap_or_default());
        for (url, w) in &set {
            assert_eq!(file_width(site, url).0, *w, "{page}: {url} claims {w}w");
        }
        let largest = set.iter().map(|(_, w)| *w).max();
        if let (Some(src), Some(w), Some(h)) = (v.attr("src"), v.attr("width"), v.attr("height")) {
            let (fw, fh) = file_width(site, src);
            assert_eq!(
                (w.parse::<u32>().unwrap(), h.parse::<u32>().unwrap()),
                (fw, fh),
                "{page}: {src} is {fw}×{fh}, the page says {w}×{h}"
            );
            if let Some(largest) = largest {
                assert!(fw <= largest, "{page}: {src} is not among the srcset");
            }
        }
        // A `sizes` that ends in a px length asks for at most that many CSS px.
        if let (Some(sizes), Some(largest)) = (v.attr("sizes"), largest) {
            let last = sizes.rsplit(", ").next().unwrap().trim();
            if let Some(px) = last.strip_suffix("px") {
                assert!(
                    px.parse::<u32>().unwrap() <= largest,
                    "{page}: sizes {sizes} asks for more than the largest file ({largest} px)"
                );
            }
        }
    }
}

#[test]
fn the_first_image_leads_in_every_size_and_the_others_are_a_filmstrip() {
    // Landscape and large; a small one (under the thumbnail width); portrait; square.
    let site = case_site(
        "images = [\n  { file = \"wide.png\", alt = \"Wide\", caption = \"The lead\" },\n  { file = \"small.png\", alt = \"Small\" },\n  { file = \"tall.png\", alt = \"Tall\", caption = \"Portrait\" },\n  { file = \"square.png\", alt = \"Square\" },\n]",
        "Body.",
    );
    site.write("content/cases/a/wide.png", png_bytes(1000, 500));
    site.write("content/cases/a/small.png", png_bytes(200, 150));
    site.write("content/cases/a/tall.png", png_bytes(480, 640));
    site.write("content/cases/a/square.png", png_bytes(512, 512));
    site.build_ok(&[]);
    let doc = site.html("cases/a/index.html");

    // The first image: every size, the sizes it can fill, the largest file's width and height.
    assert_eq!(attrs(&doc, ".viewing .lead img", "alt"), ["Wide"]);
    assert_eq!(
        attr(&doc, ".lead img", "srcset"),
        "/cases/a/wide-320.jpg 320w, /cases/a/wide-480.jpg 480w, /cases/a/wide-960.jpg 960w, /cases/a/wide-1000.jpg 1000w"
    );
    assert_eq!(
        attr(&doc, ".lead source[type='image/webp']", "srcset"),
        "/cases/a/wide-320.webp 320w, /cases/a/wide-480.webp 480w, /cases/a/wide-960.webp 960w, /cases/a/wide-1000.webp 1000w"
    );
    assert_eq!(
        attr(&doc, ".lead img", "sizes"),
        "(max-width: 1000px) 100vw, 1000px"
    );
    assert_eq!(
        (
            attr(&doc, ".lead img", "width"),
            attr(&doc, ".lead img", "height")
        ),
        ("1000".to_string(), "500".to_string())
    );
    assert_eq!(attr(&doc, ".lead img", "loading"), "eager");
    assert_eq!(texts(&doc, ".lead figcaption"), ["The lead"]);

    // The others, in order, as the filmstrip; all four in one lightbox group.
    assert_eq!(
        attrs(&doc, ".filmstrip img", "alt"),
        ["Small", "Tall", "Square"]
    );
    assert_eq!(texts(&doc, ".filmstrip figcaption"), ["Portrait"]);
    assert_eq!(
        attrs(&doc, ".gallery a[data-lightbox='gallery']", "href"),
        [
            "/cases/a/wide-1000.jpg",
            "/cases/a/small-200.jpg",
            "/cases/a/tall-480.jpg",
            "/cases/a/square-512.jpg"
        ]
    );
    for img in doc.select(&sel(".filmstrip img")) {
        assert_eq!(img.value().attr("loading"), Some("lazy"));
    }
    nothing_is_shown_larger_than_its_file(&site, "cases/a/index.html");
    nothing_is_shown_larger_than_its_file(&site, "cases/index.html");
}

#[test]
fn a_single_small_image_is_never_asked_for_larger_than_it_is() {
    let site = case_site("images = [{ file = \"xr.png\", alt = \"Chest\" }]", "Body.");
    site.write("content/cases/a/xr.png", png_bytes(480, 540));
    site.build_ok(&[]);
    let doc = site.html("cases/a/index.html");
    assert_eq!(
        attr(&doc, ".lead img", "sizes"),
        "(max-width: 480px) 100vw, 480px"
    );
    assert_eq!(attr(&doc, ".lead img", "width"), "480");
    assert!(
        doc.select(&sel(".filmstrip")).next().is_none(),
        "one image: no filmstrip"
    );
    nothing_is_shown_larger_than_its_file(&site, "cases/a/index.html");
}

/// A 400×600 image in three bands: red on top (rows 0–99), grey, blue at the bottom
/// (rows 500–599).
fn banded() -> Vec<u8> {
    let img = image::RgbImage::from_fn(400, 600, |_, y| match y {
        0..100 => image::Rgb([220, 20, 20]),
        500.. => image::Rgb([20, 20, 220]),
        _ => image::Rgb([128, 128, 128]),
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Which bands the image at `url` shows: (red, blue), by its top and bottom rows.
fn bands(site: &TestSite, url: &str) -> (bool, bool) {
    let path = site.out(url.trim_start_matches('/'));
    let img = image::open(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .to_rgb8();
    let is = |y: u32, want: fn(&image::Rgb<u8>) -> bool| {
        (0..img.width()).all(|x| want(img.get_pixel(x, y)))
    };
    let red = |p: &image::Rgb<u8>| p[0] > 150 && p[2] < 90;
    let blue = |p: &image::Rgb<u8>| p[2] > 150 && p[0] < 90;
    (is(1, red), is(img.height() - 2, blue))
}

#[test]
fn focus_chooses_what_the_list_thumbnail_keeps() {
    // (focus as written, whether the thumbnail is cut, shows the red top, shows the blue bottom)
    let cases: [(&str, bool, bool, bool); 6] = [
        ("", false, true, true),
        (", focus = \"top\"", true, true, false),
        (", focus = \"Bottom\"", true, false, true),
        (", focus = \"center\"", true, false, false),
        (", focus = [0.5, 0.05]", true, true, false),
        (", focus = [0, 1]", true, false, true),
    ];
    for (focus, cut, red, blue) in cases {
        let site = case_site(
            &format!("images = [{{ file = \"xr.png\", alt = \"Chest\"{focus} }}]"),
            "Body.",
        );
        site.write("content/cases/a/xr.png", banded());
        site.build_ok(&[]);
        let list = site.html("cases/index.html");
        let card = sel(".card-image");
        let a = list.select(&card).next().expect("a card with an image");
        assert_eq!(
            a.value()
                .has_class("is-cut", scraper::CaseSensitivity::CaseSensitive),
            cut,
            "{focus}"
        );
        let src = attr(&list, ".card-image img", "src");
        assert_eq!(bands(&site, &src), (red, blue), "{focus}: {src}");
        // The WebP versions are offered first, and hold the same part.
        let webp = attr(&list, ".card-image source[type='image/webp']", "srcset");
        let set = candidates(&webp);
        assert!(!set.is_empty(), "{focus}: no WebP thumbnail");
        for (url, w) in &set {
            assert!(url.ends_with(".webp"), "{url}");
            assert_eq!(file_width(&site, url).0, *w, "{url}");
            assert_eq!(bands(&site, url), (red, blue), "{focus}: {url}");
        }
        if cut {
            // 16:9, never wider than the part kept.
            let (w, h) = file_width(&site, &src);
            assert!((w * 9 / 16).abs_diff(h) <= 1, "{src}: {w}×{h}");
            assert!(src.contains("-320x180."), "{src}");
            assert_eq!(
                candidates(&attr(&list, ".card-image img", "srcset"))
                    .iter()
                    .map(|(_, w)| *w)
                    .collect::<Vec<_>>(),
                [320, 400],
                "twice the thumbnail width, but no wider than the image"
            );
        }
        nothing_is_shown_larger_than_its_file(&site, "cases/index.html");
    }
}

#[test]
fn focus_cuts_the_filmstrip_thumbnails_too() {
    let site = case_site(
        "images = [{ file = \"a.png\", alt = \"First\" }, { file = \"b.png\", alt = \"Second\", focus = \"bottom\" }]",
        "Body.",
    );
    site.write("content/cases/a/a.png", png_bytes(300, 300));
    site.write("content/cases/a/b.png", banded());
    site.build_ok(&[]);
    let doc = site.html("cases/a/index.html");
    assert_eq!(
        attrs(&doc, ".filmstrip .film.is-cut img", "alt"),
        ["Second"]
    );
    let src = attr(&doc, ".filmstrip img", "src");
    assert_eq!(bands(&site, &src), (false, true), "{src}");
    // The lightbox still opens the whole image.
    assert_eq!(
        attrs(&doc, ".filmstrip a[data-lightbox]", "href"),
        ["/cases/a/b-400.jpg"]
    );
    nothing_is_shown_larger_than_its_file(&site, "cases/a/index.html");
}

#[test]
fn a_bad_focus_is_an_error_with_file_and_line() {
    // (the entry, what the message says)
    let cases = [
        ("focus = \"middle\"", "not a place in the image"),
        ("focus = \"topp\"", "did you mean \"top\""),
        ("focus = [50, 20]", "percent? write [0.5, 0.2]"),
        ("focus = [0.5]", "must be two numbers [x, y]"),
        ("focus = [0.5, \"top\"]", "must be two numbers [x, y]"),
        ("focus = 3", "must be a word or [x, y]"),
        ("focus = [-0.1, 0.5]", "lies outside the image"),
    ];
    for (focus, says) in cases {
        let site = case_site(
            &format!("images = [\n  {{ file = \"xr.png\", alt = \"Chest\",\n    {focus} }},\n]"),
            "Body.",
        );
        site.write("content/cases/a/xr.png", png_bytes(64, 64));
        let err = build_fails(&site, &[]);
        // Line 6: title, date, `images = [`, the entry's first line, then `focus`.
        assert!(
            err.contains("content/cases/a/index.md:6:") && err.contains("`focus` of `xr.png`"),
            "{focus}: {err}"
        );
        assert!(err.contains(says), "{focus}: {err}");
    }
    // On a stack, which has no thumbnail.
    let site = case_site(
        "stacks = [{ dir = \"ax\", alt = \"Axial\", focus = \"top\" }]",
        "Body.",
    );
    site.write("content/cases/a/ax/1.png", png_bytes(32, 32));
    site.write("content/cases/a/ax/2.png", png_bytes(32, 32));
    let err = build_fails(&site, &[]);
    assert!(
        err.contains("content/cases/a/index.md:4:") && err.contains("unknown key `focus`"),
        "{err}"
    );
    assert!(err.contains("a stack has no thumbnail"), "{err}");
    // One file listed twice with different focus: it has one thumbnail.
    let site = case_site(
        "images = [{ file = \"xr.png\", alt = \"A\", focus = \"top\" }, { file = \"xr.png\", alt = \"B\", focus = \"bottom\" }]",
        "Body.",
    );
    site.write("content/cases/a/xr.png", banded());
    let err = build_fails(&site, &[]);
    assert!(
        err.contains("listed twice in `images` with different `focus`"),
        "{err}"
    );
}

#[test]
fn wide_tables_scroll_in_a_focusable_labelled_box() {
    let table =
        "| Sequence | Plane | Finding |\n|---|---|---|\n| DWI | Axial | Restricted diffusion |\n";
    let site = case_site(
        "",
        &format!(
            "{table}\nText.\n\n{}",
            table.replace("Sequence", "`b` value")
        ),
    );
    site.build_ok(&[]);
    let doc = site.html("cases/a/index.html");
    let boxes: Vec<_> = doc.select(&sel(".prose .table-scroll")).collect();
    assert_eq!(boxes.len(), 2);
    assert_eq!(
        attrs(&doc, ".table-scroll", "aria-label"),
        [
            "Table: Sequence, Plane, Finding",
            "Table: b value, Plane, Finding"
        ]
    );
    for b in boxes {
        let v = b.value();
        assert_eq!(v.attr("tabindex"), Some("0"));
        assert_eq!(v.attr("role"), Some("region"));
        assert!(b.select(&sel(":scope > table")).next().is_some());
    }
}

#[test]
fn the_answer_says_hide_when_open_names_the_diagnosis_once_in_the_order_of_a_case() {
    // The author's title names the diagnosis in other words than `diagnosis`.
    let front = |quiz: bool| {
        format!(
            "title = \"Appendicitis in a teenager\"\ndiagnosis = \"Acute appendicitis with a fecolith\"\ndifferential = [\"Mesenteric adenitis\"]\nteaching_points = [\"Look for the fecolith.\"]\nreferences = [\"Smith J. 2019.\"]\nquiz = {quiz}\nquiz_title = \"Unknown case: right iliac fossa pain\""
        )
    };
    let body = "Look at the images.\n\n<!-- answer -->\n\n## Findings\n\nA dilated appendix.\n";
    let quiz = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            format!("+++\n{}\n+++\n{body}", front(true)),
        ),
        (
            "content/cases/b/index.md",
            format!(
                "+++\n{}\n+++\n{body}",
                front(false).replace(
                    "title = \"Appendicitis in a teenager\"",
                    "title = \"Plain case\""
                )
            ),
        ),
    ]);
    quiz.build_ok(&[]);
    let doc = quiz.html("cases/unknown-case-right-iliac-fossa-pain/index.html");
    assert_eq!(
        texts(&doc, ".answer summary .answer-closed"),
        ["Show answer"]
    );
    assert_eq!(
        texts(&doc, ".answer summary .answer-opened"),
        ["Hide answer"]
    );
    let answer = texts(&doc, ".answer .answer-body").join(" ");
    assert_eq!(
        answer.matches("ppendicitis").count(),
        1,
        "the diagnosis once (not again as a title): {answer}"
    );
    // The parts of the answer in the order a case that is not a quiz shows them.
    let order = |doc: &scraper::Html, scope: &str| -> Vec<String> {
        let parts = sel(&format!(
            "{scope} .prose, {scope} .diagnosis, {scope} .differential, {scope} .points, {scope} .references"
        ));
        doc.select(&parts)
            .map(|e| {
                e.value()
                    .classes()
                    .find(|c| *c != "panel")
                    .unwrap_or_default()
                    .to_string()
            })
            .collect()
    };
    let plain = quiz.html("cases/b/index.html");
    assert_eq!(
        order(&doc, ".answer-body"),
        order(&plain, "article.case"),
        "the answer's parts in the order of a case that is not a quiz"
    );
}
