//! Share cards, read back from a real build: size, pixels, the link-preview tags that point at
//! them, the cache, `card_image`, non-Latin titles, and the errors around them.

use crate::common::*;

const BASE: &str = "https://example.org/";

/// A 600×400 PNG of one flat colour.
fn flat_png(rgb: [u8; 3]) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(600, 400, image::Rgb(rgb));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A site with a case (two images), a quiz case, a post and a plain page.
fn card_site() -> TestSite {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            "+++\ntitle = \"Acute appendicitis with an appendicolith\"\ndate = 2024-05-02\nmodality = [\"CT\"]\nsystem = [\"Abdominal\"]\nimages = [{ file = \"dark.png\", alt = \"Axial CT\" }, { file = \"light.png\", alt = \"Coronal CT\" }]\n+++\nBody.\n".to_string(),
        ),
        (
            "content/cases/quiz/index.md",
            "+++\ntitle = \"Perforated appendicitis\"\ndate = 2024-06-01\nquiz = true\nquiz_title = \"Unknown case: right lower quadrant pain\"\nmodality = [\"CT\"]\nsystem = [\"Appendicitis\"]\ndiagnosis = \"Perforated appendicitis\"\nimages = [{ file = \"ct.png\", alt = \"Axial CT of the lower abdomen\" }]\n+++\nWhat do you see?\n".to_string(),
        ),
        (
            "content/posts/_index.md",
            "+++\ntitle = \"Posts\"\npage_kind = \"post\"\n+++\n".to_string(),
        ),
        (
            "content/posts/welcome.md",
            "+++\ntitle = \"Welcome to the teaching file\"\ndate = 2024-02-26\n+++\nHello.\n".to_string(),
        ),
        ("content/about.md", ABOUT.to_string()),
    ]);
    site.write("content/cases/a/dark.png", flat_png([10, 10, 10]));
    site.write("content/cases/a/light.png", flat_png([250, 250, 250]));
    site.write("content/cases/quiz/ct.png", png_bytes(600, 400));
    site
}

/// `content` of `<meta property=NAME>` or `<meta name=NAME>` in a page's head.
fn meta(doc: &scraper::Html, name: &str) -> Vec<String> {
    let mut out = attrs(doc, &format!("head meta[property='{name}']"), "content");
    out.extend(attrs(doc, &format!("head meta[name='{name}']"), "content"));
    out
}

/// The output path of the card a page's `og:image` names, checked to be the page's own card.
fn card_path(site: &TestSite, page: &str) -> String {
    let rel = preview_path(site, page);
    let dir = page.trim_end_matches("index.html");
    assert!(
        rel.starts_with(&format!("{dir}card-")) && rel.ends_with(".png"),
        "{page}: {rel}"
    );
    rel
}

/// The output path of the image a page's link preview shows, checked to be a card of this site.
fn preview_path(site: &TestSite, page: &str) -> String {
    let doc = site.html(page);
    let image = meta(&doc, "og:image");
    assert_eq!(image.len(), 1, "{page}: {image:?}");
    assert_eq!(meta(&doc, "twitter:image"), image, "{page}");
    assert_eq!(
        meta(&doc, "twitter:card"),
        ["summary_large_image"],
        "{page}"
    );
    assert_eq!(meta(&doc, "og:image:width"), ["1200"], "{page}");
    assert_eq!(meta(&doc, "og:image:height"), ["630"], "{page}");
    assert_eq!(meta(&doc, "twitter:image:alt"), meta(&doc, "og:image:alt"));
    let rel = image[0]
        .strip_prefix(BASE)
        .unwrap_or_else(|| panic!("{page}: og:image is not absolute: {}", image[0]))
        .to_string();
    assert!(site.out(&rel).is_file(), "{page}: {rel} is not published");
    rel
}

fn alt(site: &TestSite, page: &str) -> String {
    meta(&site.html(page), "og:image:alt").join("|")
}

/// Decode a card, check its size, and return it.
fn card(site: &TestSite, rel: &str) -> image::RgbImage {
    let img = image::open(site.out(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
        .to_rgb8();
    assert_eq!(img.dimensions(), (1200, 630), "{rel}");
    img
}

/// Standard deviation of the brightness: near 0 for a blank image.
fn spread(img: &image::RgbImage) -> f64 {
    let values: Vec<f64> = img
        .pixels()
        .map(|p| p.0.iter().map(|&c| f64::from(c)).sum::<f64>() / 3.0)
        .collect();
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / values.len() as f64).sqrt()
}

/// Mean brightness of a region.
fn brightness(img: &image::RgbImage, (x0, y0, x1, y1): (u32, u32, u32, u32)) -> f64 {
    let mut sum = 0.0;
    for y in y0..y1 {
        for x in x0..x1 {
            sum += img
                .get_pixel(x, y)
                .0
                .iter()
                .map(|&c| f64::from(c))
                .sum::<f64>()
                / 3.0;
        }
    }
    sum / f64::from((x1 - x0) * (y1 - y0))
}

#[test]
fn cases_quizzes_and_posts_get_a_card_that_previews_point_at() {
    let site = card_site();
    site.build_ok(&[]);
    for page in [
        "cases/a/index.html",
        "cases/unknown-case-right-lower-quadrant-pain/index.html",
        "posts/welcome/index.html",
    ] {
        let rel = card_path(&site, page);
        let img = card(&site, &rel);
        assert!(spread(&img) > 15.0, "{rel} looks blank");
        // The text panel on the left carries light text on a dark ground.
        let panel = image::imageops::crop_imm(&img, 0, 0, 600, 630).to_image();
        assert!(spread(&panel) > 15.0, "{rel}: no text in the panel");
    }
    // A plain page without an image, the home page and the lists show the site's card: its
    // name, no image.
    let site_card = preview_path(&site, "about/index.html");
    assert!(site_card.starts_with("card-"), "{site_card}");
    for page in ["index.html", "cases/index.html", "posts/index.html"] {
        assert_eq!(preview_path(&site, page), site_card, "{page}");
    }
    assert_eq!(
        alt(&site, "about/index.html"),
        "Test Teaching Site, example.org"
    );
    let img = card(&site, &site_card);
    assert!(spread(&img) > 15.0, "the site card looks blank");

    assert_eq!(
        alt(&site, "cases/a/index.html"),
        "Acute appendicitis with an appendicolith (CT · Abdominal), Test Teaching Site, beside the key image: Axial CT"
    );
    assert_eq!(
        alt(&site, "posts/welcome/index.html"),
        "Welcome to the teaching file (Posts · 26 February 2024), Test Teaching Site"
    );
    // A quiz's card has its neutral title and no term naming the answer.
    let quiz = alt(
        &site,
        "cases/unknown-case-right-lower-quadrant-pain/index.html",
    );
    assert!(
        quiz.starts_with("Unknown case: right lower quadrant pain (Quiz · CT)"),
        "{quiz}"
    );
    assert!(!quiz.to_lowercase().contains("appendicitis"), "{quiz}");
}

#[test]
fn the_key_image_is_card_image_else_the_first_gallery_image() {
    let site = card_site();
    site.build_ok(&[]);
    let image_area = (800, 100, 1150, 530);
    let first = card(&site, &card_path(&site, "cases/a/index.html"));
    assert!(brightness(&first, image_area) < 40.0, "dark.png is shown");

    let index = site.path("content/cases/a/index.md");
    let md = std::fs::read_to_string(&index).unwrap();
    std::fs::write(
        &index,
        md.replace("+++\nBody", "card_image = \"light.png\"\n+++\nBody"),
    )
    .unwrap();
    site.build_ok(&[]);
    let chosen = card(&site, &card_path(&site, "cases/a/index.html"));
    assert!(
        brightness(&chosen, image_area) > 200.0,
        "light.png is shown"
    );
    assert!(alt(&site, "cases/a/index.html").ends_with("beside the key image: Coronal CT"));
}

#[test]
fn a_second_build_draws_no_card_and_a_new_title_gets_a_new_card() {
    let site = card_site();
    let first = site.build_ok(&[]);
    assert!(
        first.contains("4 share cards: 4 drawn, 0 from the cache"),
        "{first}"
    );
    let rel = card_path(&site, "cases/a/index.html");
    let cache = site.path(".radcase-cache");
    let stamps = |dir: &std::path::Path| -> Vec<(String, std::time::SystemTime)> {
        // Derivatives only: the source records beside them (probes-v1.json) are rewritten while
        // a just-written image is still too fresh to trust.
        list_files(dir)
            .into_iter()
            .filter(|f| !f.ends_with(".json"))
            .map(|f| {
                let modified = std::fs::metadata(dir.join(&f)).unwrap().modified().unwrap();
                (f, modified)
            })
            .collect()
    };
    let before = stamps(&cache);
    let bytes = std::fs::read(site.out(&rel)).unwrap();

    let second = site.build_ok(&[]);
    assert!(
        second.contains("4 share cards: 0 drawn, 4 from the cache"),
        "{second}"
    );
    assert_eq!(stamps(&cache), before, "no cache entry was written again");
    assert_eq!(std::fs::read(site.out(&rel)).unwrap(), bytes);

    // A new title is a new card at a new address (so previews fetch it again); the old card
    // leaves the output and the cache.
    let index = site.path("content/cases/a/index.md");
    let md = std::fs::read_to_string(&index).unwrap();
    std::fs::write(&index, md.replace("with an appendicolith", "in pregnancy")).unwrap();
    let third = site.build_ok(&[]);
    assert!(
        third.contains("4 share cards: 1 drawn, 3 from the cache"),
        "{third}"
    );
    let renamed = card_path(&site, "cases/a/index.html");
    assert_ne!(renamed, rel);
    assert!(!site.out(&rel).exists());
    assert_eq!(
        stamps(&cache).len(),
        before.len(),
        "the old card was pruned"
    );
}

#[test]
fn verbose_builds_report_the_time_to_draw_a_card() {
    let site = card_site();
    let verbose = site.build_ok(&["-v"]);
    assert!(verbose.contains("share cards"), "{verbose}");
    assert!(verbose.contains("drawing one share card"), "{verbose}");
    let again = site.build_ok(&["-v"]);
    assert!(!again.contains("drawing one share card"), "{again}");
}

#[test]
fn non_latin_titles_are_drawn_or_fall_back_to_the_site_name() {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/greek/index.md",
            "+++\ntitle = \"Πνευμοθώρακας — Пневмоторакс\"\ndate = 2024-05-02\nmodality = [\"Ακτινογραφία\"]\n+++\nΣώμα.\n".to_string(),
        ),
        (
            "content/cases/japanese/index.md",
            "+++\ntitle = \"急性虫垂炎 (acute appendicitis)\"\ndate = 2024-05-02\nmodality = [\"CT\", \"超音波\"]\n+++\n本文。\n".to_string(),
        ),
        (
            "content/cases/emoji/index.md",
            "+++\ntitle = \"Case of the week 🎉\"\ndate = 2024-05-02\n+++\nBody.\n".to_string(),
        ),
    ]);
    site.build_ok(&[]);
    for page in ["greek", "japanese", "emoji"] {
        let page = format!("cases/{page}/index.html");
        let img = card(&site, &card_path(&site, &page));
        assert!(spread(&img) > 10.0, "{page} looks blank");
    }
    // The font covers Greek and Cyrillic: the title is drawn as written.
    assert_eq!(
        alt(&site, "cases/greek/index.html"),
        "Πνευμοθώρακας — Пневмоторакс (Ακτινογραφία), Test Teaching Site"
    );
    // It has no Japanese: rather than boxes or half a title, the site's name is the headline
    // and a term it cannot draw is left out.
    assert_eq!(
        alt(&site, "cases/japanese/index.html"),
        "Test Teaching Site (CT), example.org"
    );
    // A symbol it lacks is simply left out.
    assert_eq!(
        alt(&site, "cases/emoji/index.html"),
        "Case of the week (Teaching case), Test Teaching Site"
    );
}

#[test]
fn a_missing_card_image_is_an_error_and_the_old_output_stays() {
    let site = card_site();
    site.build_ok(&[]);
    let home = std::fs::read(site.out("index.html")).unwrap();
    site.write(
        "content/cases/a/index.md",
        "+++\ntitle = \"A\"\nimages = [{ file = \"dark.png\", alt = \"Axial CT\" }, { file = \"light.png\", alt = \"Coronal CT\" }]\n\ncard_image = \"missing.png\"\n+++\nBody.\n",
    );
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("index.md:5: card_image `missing.png` does not exist"),
        "{stderr}"
    );
    assert!(stderr.contains("dark.png, light.png"), "{stderr}");
    assert_eq!(std::fs::read(site.out("index.html")).unwrap(), home);

    // A file that is there but is no image.
    site.write("content/cases/a/notes.txt", "not an image");
    site.write(
        "content/cases/a/index.md",
        "+++\ntitle = \"A\"\nimages = [{ file = \"dark.png\", alt = \"Axial CT\" }, { file = \"light.png\", alt = \"Coronal CT\" }]\ncard_image = \"notes.txt\"\n+++\nBody.\n",
    );
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("index.md:4: card_image `notes.txt` is not an image"),
        "{stderr}"
    );
}

#[test]
fn a_plain_page_with_a_card_image_gets_a_card_of_its_own() {
    let site = card_site();
    std::fs::remove_file(site.path("content/about.md")).unwrap();
    site.write(
        "content/about/index.md",
        "+++\ntitle = \"About the program\"\ncard_image = \"hall.png\"\n+++\n![Our reading room](hall.png)\n",
    );
    site.write("content/about/hall.png", flat_png([250, 250, 250]));
    site.build_ok(&[]);
    let rel = card_path(&site, "about/index.html");
    let img = card(&site, &rel);
    assert!(
        brightness(&img, (900, 200, 1150, 430)) > 200.0,
        "{rel}: no key image"
    );
    assert_eq!(
        alt(&site, "about/index.html"),
        "About the program, Test Teaching Site"
    );
}

/// A portrait 400 px wide and 800 px tall: the person on a light ground in the top half, pure
/// red below, which `photo_focus = [50, 25]` leaves out of the square.
fn tall_portrait() -> Vec<u8> {
    let top = crate::people::portrait(400, 400, 1);
    let img = image::RgbImage::from_fn(400, 800, |x, y| {
        if y < 400 {
            *top.get_pixel(x, y)
        } else {
            image::Rgb([255, 0, 0])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[test]
fn people_and_events_get_cards_that_say_who_and_when() {
    let site = TestSite::with(&[
        ("config.toml", format!("{CONFIG}[program]\ntimezone = \"America/New_York\"\n")),
        ("content/people/_index.md", "+++\ntitle = \"People\"\npage_kind = \"person\"\n+++\n".into()),
        (
            "content/people/dana-whitfield/index.md",
            "+++\ntitle = \"Dana Whitfield\"\nrole = \"faculty\"\nposition = \"Program Director\"\nphoto = \"p.png\"\nphoto_focus = [50, 25]\n+++\nBio.\n".into(),
        ),
        (
            "content/people/kai-brandt/index.md",
            "+++\ntitle = \"Kai Brandt\"\nrole = \"resident\"\nclass_of = 2029\n+++\nBio.\n".into(),
        ),
        ("content/events/_index.md", "+++\ntitle = \"Events\"\npage_kind = \"event\"\n+++\n".into()),
        (
            "content/events/open-house/index.md",
            "+++\ntitle = \"Open house\"\nstart = 2027-01-16T09:00:00\nlocation = \"Conference room B, 2nd floor\"\n+++\nCome.\n".into(),
        ),
        (
            "content/events/eras/index.md",
            "+++\ntitle = \"ERAS applications close\"\nstart = 2027-09-30\ndeadline = true\n+++\nApply.\n".into(),
        ),
        (
            "content/events/fair/index.md",
            "+++\ntitle = \"Virtual fair\"\nstart = 2027-03-01\nend = 2027-03-03\nonline = \"https://meet.example.org/fair\"\n+++\nJoin.\n".into(),
        ),
    ]);
    site.write("content/people/dana-whitfield/p.png", tall_portrait());
    site.build_ok(&["--now", "2027-01-10"]);

    let rel = card_path(&site, "people/dana-whitfield/index.html");
    assert!(
        alt(&site, "people/dana-whitfield/index.html").starts_with(
            "Dana Whitfield (Program Director), Test Teaching Site, beside their photo"
        ),
        "{}",
        alt(&site, "people/dana-whitfield/index.html")
    );
    // The card shows the square the site publishes, not the photo's cut-away part.
    let img = card(&site, &rel);
    let red = img
        .pixels()
        .filter(|p| p.0[0] > 200 && p.0[1] < 60 && p.0[2] < 60)
        .count();
    assert_eq!(
        red, 0,
        "{rel} shows the part of the photo outside its square"
    );
    assert!(
        brightness(&img, (700, 0, 1200, 120)) > 120.0,
        "{rel}: no photo"
    );

    // Without a photo: a card of their own all the same, saying what they are now.
    card_path(&site, "people/kai-brandt/index.html");
    assert_eq!(
        alt(&site, "people/kai-brandt/index.html"),
        "Kai Brandt (Resident · PGY-3), Test Teaching Site"
    );
    for (page, want) in [
        (
            "events/open-house/index.html",
            "Open house (16 January 2027, 09:00 EST · Conference room B), Test Teaching Site",
        ),
        (
            "events/eras/index.html",
            "ERAS applications close (Deadline · 30 September 2027), Test Teaching Site",
        ),
        (
            "events/fair/index.html",
            "Virtual fair (1 March 2027 – 3 March 2027 · Online), Test Teaching Site",
        ),
    ] {
        let rel = card_path(&site, page);
        card(&site, &rel);
        assert_eq!(alt(&site, page), want);
    }
}

#[test]
fn a_file_at_the_address_of_a_card_is_a_clash() {
    let site = card_site();
    site.build_ok(&[]);
    let rel = card_path(&site, "cases/a/index.html");
    site.write(&format!("static/{rel}"), png_bytes(4, 4));
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("two sources would be published at the same address")
            && stderr.contains("the share card of")
            && stderr.contains("content/cases/a/index.md"),
        "{stderr}"
    );
}

#[test]
fn cards_and_feeds_need_an_absolute_base_url() {
    let site = card_site();
    site.write("config.toml", "title = \"Test Teaching Site\"\n");
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("config.toml") && stderr.contains("base_url"),
        "{stderr}"
    );

    site.write(
        "config.toml",
        "title = \"Test Teaching Site\"\nbase_url = \"/teaching/\"\n",
    );
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("config.toml:2") && stderr.contains("not a full URL"),
        "{stderr}"
    );

    site.write("config.toml", CONFIG);
    let stderr = build_fails(&site, &["--base-url", "preview/"]);
    assert!(
        stderr.contains("--base-url") && stderr.contains("not a full URL"),
        "{stderr}"
    );
}

#[test]
fn a_stack_slice_or_a_post_image_can_be_the_key_image() {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            "+++\ntitle = \"A\"\nstacks = [{ dir = \"axial\", alt = \"Axial CT\" }]\ncard_image = \"axial/2.png\"\n+++\nBody.\n".to_string(),
        ),
        (
            "content/posts/_index.md",
            "+++\ntitle = \"Posts\"\npage_kind = \"post\"\n+++\n".to_string(),
        ),
        (
            "content/posts/news/index.md",
            "+++\ntitle = \"News\"\ndate = 2024-01-01\ncard_image = \"photo.png\"\n+++\n![The new reading room](photo.png)\n".to_string(),
        ),
    ]);
    site.write("content/cases/a/axial/1.png", flat_png([10, 10, 10]));
    site.write("content/cases/a/axial/2.png", flat_png([250, 250, 250]));
    site.write("content/posts/news/photo.png", flat_png([250, 250, 250]));
    site.build_ok(&[]);
    let image_area = (800, 100, 1150, 530);
    for page in ["cases/a/index.html", "posts/news/index.html"] {
        let img = card(&site, &card_path(&site, page));
        assert!(
            brightness(&img, image_area) > 200.0,
            "{page}: the chosen image is shown"
        );
    }
    assert!(
        alt(&site, "cases/a/index.html").ends_with("beside the key image: Axial CT, slice 2 of 2")
    );
}

#[test]
fn pages_with_the_same_card_count_as_drawn_in_a_cold_build() {
    let case = |title: &str| format!("+++\ntitle = \"{title}\"\ndate = 2024-05-02\n+++\nBody.\n");
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        ("content/cases/a/index.md", case("Pneumothorax")),
        ("content/cases/b/index.md", case("Pneumothorax")),
    ]);
    let cold = site.build_ok(&[]);
    assert!(
        cold.contains("3 share cards: 3 drawn, 0 from the cache"),
        "{cold}"
    );
    let warm = site.build_ok(&[]);
    assert!(
        warm.contains("3 share cards: 0 drawn, 3 from the cache"),
        "{warm}"
    );
}

/// A case whose only gallery image is `ct.png`, listed with `extra` (e.g. `, redact = …`).
fn key_image_site(title: &str, extra: &str, png: &[u8]) -> TestSite {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            format!(
                "+++\ntitle = \"{title}\"\ndate = 2024-05-02\nimages = [{{ file = \"ct.png\", alt = \"Axial CT\"{extra} }}]\n+++\nBody.\n"
            ),
        ),
    ]);
    site.write("content/cases/a/ct.png", png);
    site
}

/// Where a pixel of the 600×400 key image lands on the card: scaled to cover 560×630 (×1.575)
/// and centred, right of x = 640.
fn on_card(x: u32, y: u32) -> (u32, u32) {
    (640 + x * 1575 / 1000 - 192, y * 1575 / 1000)
}

#[test]
fn the_card_shows_no_colour_hidden_under_transparent_pixels() {
    use crate::images::{Transparency, png_with_hidden_label, shows_hidden};
    for alpha in [
        Transparency::Rgba,
        Transparency::LumaAlpha,
        Transparency::Palette,
    ] {
        let site = key_image_site("Pneumothorax", "", &png_with_hidden_label(alpha));
        site.build_ok(&[]);
        let img = card(&site, &card_path(&site, "cases/a/index.html"));
        // Right of the fade, only the key image: none of it shows the hidden colour.
        let leaks = img
            .enumerate_pixels()
            .filter(|(x, _, p)| *x >= 760 && shows_hidden(alpha, **p))
            .count();
        assert_eq!(
            leaks, 0,
            "{alpha:?}: {leaks} pixels of the hidden label on the card"
        );
        let (x, y) = on_card(300, 200);
        let erased = img.get_pixel(x, y);
        assert!(erased.0.iter().all(|&c| c <= 16), "{alpha:?}: {erased:?}");
        let (x, y) = on_card(430, 350);
        assert!(
            brightness(&img, (x, y, x + 10, y + 10)) > 80.0,
            "{alpha:?}: the opaque part is shown"
        );
    }
}

#[test]
fn the_card_is_made_from_the_redacted_pixels_and_a_new_redact_is_a_new_card() {
    use crate::images::{REDACT, is_patch, patched_png};
    let patches = |site: &TestSite| {
        let img = card(site, &card_path(site, "cases/a/index.html"));
        img.pixels().filter(|p| is_patch(**p)).count()
    };
    // Without redact the patch is on the card: the test can see it.
    let plain = key_image_site("Pneumothorax", "", &patched_png());
    plain.build_ok(&[]);
    assert!(patches(&plain) > 1000, "{}", patches(&plain));

    let extra = format!(", redact = {REDACT}");
    let site = key_image_site("Pneumothorax", &extra, &patched_png());
    let first = site.build_ok(&[]);
    assert!(first.contains("2 share cards: 2 drawn"), "{first}");
    assert_eq!(patches(&site), 0, "drawn by the image stage");
    let rel = card_path(&site, "cases/a/index.html");
    assert_ne!(
        rel,
        card_path(&plain, "cases/a/index.html"),
        "redact is in the card's key"
    );

    // Sizes cached, card not (a new title): the card stage decodes the key image itself, and
    // blacks out the same box.
    let index = site.path("content/cases/a/index.md");
    let md = std::fs::read_to_string(&index).unwrap();
    std::fs::write(&index, md.replace("Pneumothorax", "Tension pneumothorax")).unwrap();
    let retitled = site.build_ok(&[]);
    assert!(
        retitled.contains("1 images: 0 processed, 1 from the cache")
            && retitled.contains("2 share cards: 1 drawn"),
        "{retitled}"
    );
    assert_eq!(patches(&site), 0, "drawn by the card stage");

    // A warm build after changing the box: a new card, drawn again.
    let md = std::fs::read_to_string(&index).unwrap();
    std::fs::write(&index, md.replace(REDACT, "[[0, 0, 10, 10]]")).unwrap();
    let moved = site.build_ok(&[]);
    assert!(
        moved.contains("2 share cards: 1 drawn, 1 from the cache"),
        "{moved}"
    );
    assert!(
        patches(&site) > 1000,
        "the patch shows again once it is not redacted"
    );
}
