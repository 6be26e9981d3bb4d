//! Playlists (`kind = "playlist"`): the page holds its cases in order with their answers in
//! stages, a quiz's answer only once it is revealed; every way `cases` can be wrong is an error
//! on its line; and in Chromium the presenter shows one case at a time, reveals the answer a
//! stage per key and moves between cases.

use serde_json::json;

use crate::browser::{
    Device, Driver, KEY_ESCAPE, KEY_LEFT, KEY_RIGHT, Session, browser_available, build_and_serve,
};
use crate::common::*;

const PLAYLISTS: &str = "+++\ntitle = \"Playlists\"\npage_kind = \"playlist\"\n+++\n";

/// A staged quiz (FINDINGS-1, then its diagnosis, then DISCUSSION-1), a case that is not a quiz
/// and a quiz whose answer is revealed in 2099.
fn playlist_site(cases: &str) -> TestSite {
    let quiz = "+++
title = \"Tension pneumothorax\"
date = 2027-01-04
quiz = true
quiz_title = \"Unknown 1\"
age = 22
sex = \"male\"
presentation = \"Sudden chest pain.\"
diagnosis = \"Tension pneumothorax\"
images = [{ file = \"xr.png\", alt = \"Chest radiograph\", caption = \"Erect chest radiograph.\" }]
+++
What do you see?

<!-- answer -->

FINDINGS-1 a pleural line without lung markings beyond it.

<!-- discussion -->

DISCUSSION-1 decompress first.
";
    let open = "+++
title = \"Acute appendicitis\"
date = 2027-01-03
presentation = \"Right lower quadrant pain.\"
diagnosis = \"Acute appendicitis\"
teaching_points = [\"POINT-2 a diameter above 6 mm\"]
images = [
  { file = \"ct.png\", alt = \"Axial CT\", caption = \"CAPTION-2 an inflamed appendix.\" },
  { file = \"ct2.png\", alt = \"Coronal CT\" },
]
+++
FINDINGS-2 a dilated appendix with fat stranding.
";
    let later = "+++
title = \"Ileocolic intussusception\"
date = 2027-01-02
quiz = true
quiz_title = \"Unknown 3\"
presentation = \"Crying infant.\"
diagnosis = \"HIDDEN-3 intussusception\"
reveal = 2099-01-01T12:00:00Z
+++
What do you see?

<!-- answer -->

HIDDEN-3 a target sign.
";
    let playlist = format!(
        "+++\ntitle = \"Noon conference\"\ndate = 2027-01-05\ndescription = \"Three cases.\"\n{cases}\n+++\nIntroduction.\n"
    );
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        ("content/cases/ptx/index.md", quiz.to_string()),
        ("content/cases/appendix/index.md", open.to_string()),
        ("content/cases/intuss/index.md", later.to_string()),
        ("content/notes.md", ABOUT.to_string()),
        ("content/playlists/_index.md", PLAYLISTS.to_string()),
        ("content/playlists/noon.md", playlist),
    ]);
    for f in ["ptx/xr.png", "appendix/ct.png", "appendix/ct2.png"] {
        site.write(&format!("content/cases/{f}"), png_bytes(400, 300));
    }
    site
}

const ALL_THREE: &str =
    "cases = [\"@/cases/ptx/index.md\", \"cases/appendix/index.md\", \"@/cases/intuss/index.md\"]";

#[test]
fn a_playlist_shows_its_cases_in_order_with_answers_in_stages() {
    let site = playlist_site(ALL_THREE);
    site.build_ok(&[]);
    let page = site.html("playlists/noon/index.html");
    assert_eq!(
        texts(&page, ".slide .slide-number"),
        ["Case 1 of 3", "Case 2 of 3", "Case 3 of 3"]
    );
    // A quiz by its neutral title; a case that is not a quiz by its number, since its title
    // names its diagnosis.
    assert_eq!(
        texts(&page, ".slide-title"),
        ["Unknown 1", "Case 2", "Unknown 3"]
    );
    assert_eq!(text(&page, ".meta .playlist-count"), "3 cases");
    let slide = |n: usize| {
        let el = page
            .select(&sel(&format!("#case-{n}")))
            .next()
            .unwrap_or_else(|| panic!("no slide {n}"));
        el.text().collect::<String>()
    };
    // The staged quiz: findings, then the diagnosis, then the discussion with a link to the case.
    let stages = |n: usize| {
        attrs(
            &page,
            &format!("#case-{n} details[data-stage]"),
            "data-stage",
        )
    };
    assert_eq!(stages(1), ["findings", "diagnosis", "discussion"]);
    assert!(slide(1).contains("FINDINGS-1") && slide(1).contains("DISCUSSION-1"));
    assert_eq!(
        attrs(&page, "#case-1 .slide-case-link a", "href"),
        ["/cases/unknown-1/"]
    );
    // The open case: its text is its findings; both its images, at the size of the screen.
    assert_eq!(stages(2), ["findings", "diagnosis", "discussion"]);
    let findings = text(&page, "#case-2 details[data-stage=findings] .prose");
    assert!(findings.contains("FINDINGS-2"), "{findings}");
    assert_eq!(page.select(&sel("#case-2 [data-view] img")).count(), 2);
    // As wide as the screen up to the file's width (`sizes` alone would scale it up).
    assert_eq!(
        attrs(&page, "#case-2 [data-view] img", "sizes"),
        ["(max-width: 400px) 100vw, 400px"; 2]
    );
    assert!(attr(&page, "#case-2", "class").contains("names-answer"));
    // The quiz revealed in 2099: the date, and nothing of its answer.
    assert_eq!(stages(3), Vec::<String>::new());
    assert!(
        slide(3).contains("The answer is published on"),
        "{}",
        slide(3)
    );
    let html = site.read_out("playlists/noon/index.html");
    assert!(
        !html.contains("HIDDEN-3"),
        "a quiz's answer before its reveal"
    );
    // Ids stay unique with several answers on the page.
    let ids = attrs(&page, "[id]", "id");
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "{ids:?}");
    // JSON-LD: the cases as an ItemList, by the titles they show before their answers.
    let ld: serde_json::Value =
        serde_json::from_str(&text(&page, "script[type='application/ld+json']")).unwrap();
    let list = ld["@graph"][0]["mainEntity"].clone();
    assert_eq!(list["numberOfItems"], json!(3), "{ld}");
    assert_eq!(
        list["itemListElement"][1]["name"],
        json!("Acute appendicitis")
    );
    assert_eq!(list["itemListElement"][0]["name"], json!("Unknown 1"));
    // The section lists it as a playlist.
    let section = site.html("playlists/index.html");
    assert!(
        texts(&section, "a")
            .iter()
            .any(|t| t.contains("Noon conference"))
    );
}

#[test]
fn no_other_output_holds_a_quiz_answer_the_playlist_shows() {
    let site = playlist_site(ALL_THREE);
    site.build_ok(&[]);
    for rel in list_files(&site.out("")) {
        let Ok(text) = std::fs::read_to_string(site.out(&rel)) else {
            continue;
        };
        assert!(!text.contains("HIDDEN-3"), "{rel} holds a hidden answer");
        if rel != "playlists/noon/index.html" && rel != "cases/unknown-1/index.html" {
            assert!(
                !text.contains("FINDINGS-1"),
                "{rel} holds a quiz's findings"
            );
        }
    }
}

#[test]
fn every_way_cases_can_be_wrong_is_an_error_on_its_line() {
    let cases = [
        (
            "cases = [\"@/cases/nothing/index.md\"]",
            "which does not exist",
        ),
        ("cases = [\"@/notes.md\"]", "which is a page, not a case"),
        (
            "cases = [\"@/playlists/noon.md\"]",
            "which is a playlist, not a case",
        ),
        (
            "cases = [\"@/cases/ptx/index.md\", \"cases/ptx/index.md\"]",
            "twice",
        ),
        ("cases = []", "a playlist needs `cases`"),
        ("", "a playlist needs `cases`"),
    ];
    for (line, want) in cases {
        let site = playlist_site(line);
        let err = build_fails(&site, &[]);
        assert!(err.contains(want), "{line}: {err}");
        // The key is on line 5 of the playlist's front matter; without it, the file's first.
        let at = if line.is_empty() {
            "noon.md:"
        } else {
            "noon.md:5"
        };
        assert!(err.contains(at), "{line}: {err}");
    }
    // A draft names why.
    let site = playlist_site("cases = [\"@/cases/ptx/index.md\"]");
    let md = std::fs::read_to_string(site.path("content/cases/ptx/index.md")).unwrap();
    site.write(
        "content/cases/ptx/index.md",
        md.replacen("quiz = true", "quiz = true\ndraft = true", 1),
    );
    let err = build_fails(&site, &[]);
    assert!(
        err.contains("which is a draft") && err.contains("--drafts"),
        "{err}"
    );
    // `cases` on a page that is not a playlist does nothing there: an error.
    let site = playlist_site(ALL_THREE);
    let md = std::fs::read_to_string(site.path("content/cases/ptx/index.md")).unwrap();
    site.write(
        "content/cases/ptx/index.md",
        md.replacen(
            "quiz = true",
            "quiz = true\ncases = [\"@/cases/appendix/index.md\"]",
            1,
        ),
    );
    let err = build_fails(&site, &[]);
    assert!(
        err.contains("`cases`") && err.contains("ptx/index.md:5"),
        "{err}"
    );
}

#[test]
fn presenter_advances_and_reveals() {
    if !browser_available() {
        return;
    }
    let site = playlist_site(ALL_THREE);
    let (_tmp, _out, base) = build_and_serve(&site.path(""));
    let driver = Driver::start();
    let s = Session::new(&driver, Device::Desktop);
    s.goto(&format!("{base}/playlists/noon/"));
    let state = "const cur = document.querySelector('.slide.is-current');
        const shown = (css) => [...(cur ? cur.querySelectorAll(css) : [])].filter(e => e.checkVisibility({ contentVisibilityAuto: true, visibilityProperty: true })).length;
        const img = cur && cur.querySelector('[data-view].is-shown img');
        const r = img && img.getBoundingClientRect();
        return { presenting: document.documentElement.classList.contains('presenting'),
          slide: cur ? cur.id : null,
          count: (document.querySelector('.present-count') || {}).textContent,
          open: cur ? [...cur.querySelectorAll('details[data-stage]')].filter(d => d.open).map(d => d.dataset.stage) : [],
          findings: cur ? cur.innerText.includes('FINDINGS-1') : false,
          diagnosis: shown('.diagnosis-name'),
          captions: shown('figcaption'),
          reveal: (document.querySelector('.present-reveal') || {}).textContent,
          img: r ? { w: r.width, h: r.height, fw: +img.getAttribute('width'), fh: +img.getAttribute('height'), bw: img.parentElement.closest('[data-view]').clientWidth, bh: innerHeight } : null,
          others: [...document.querySelectorAll('.slide')].filter(e => e !== cur && e.offsetHeight > 0).length };";
    s.wait_for(
        "the Present button shown by the script",
        "return !document.querySelector('.present-start').hidden",
        json!([]),
        state,
    );
    s.click(&s.find("[data-present]"));
    let seen = s.wait_for(
        "the presenter on the first case",
        &format!("const s = (function(){{ {state} }})(); return s.presenting && s.slide === 'case-1' ? s : null;"),
        json!([]),
        state,
    );
    assert_eq!(seen["count"], json!("1 / 3"), "{seen}");
    assert_eq!(seen["others"], json!(0), "one case at a time: {seen}");
    assert_eq!(seen["open"], json!([]), "{seen}");
    assert_eq!(seen["diagnosis"], json!(0), "{seen}");
    assert_eq!(seen["reveal"], json!("Show findings"), "{seen}");
    // The image as large as the screen allows, never above its own size.
    let img = &seen["img"];
    let f = |k: &str| img[k].as_f64().unwrap();
    assert!(f("w") <= f("fw") + 0.5, "upscaled: {seen}");
    // It fills its box's width, or most of the screen's height, or is at its own size.
    assert!(
        f("w") >= f("fw").min(f("bw")) - 1.0 || f("h") >= 0.8 * f("bh"),
        "smaller than the screen allows: {seen}"
    );

    let step = |key: &str, want: &str| {
        s.press(key);
        s.wait_for(
            want,
            &format!("const s = (function(){{ {state} }})(); return ({want}) ? s : null;"),
            json!([]),
            state,
        )
    };
    let seen = step(" ", "s.open.length === 1");
    assert_eq!(seen["open"], json!(["findings"]), "{seen}");
    assert_eq!(seen["diagnosis"], json!(0), "{seen}");
    assert_eq!(seen["reveal"], json!("Show diagnosis"), "{seen}");
    let seen = step(" ", "s.open.length === 2");
    assert_eq!(seen["diagnosis"], json!(1), "the diagnosis shown: {seen}");
    let seen = step(" ", "s.open.length === 3");
    assert_eq!(
        seen["open"],
        json!(["findings", "diagnosis", "discussion"]),
        "{seen}"
    );
    // With every stage open, Space moves on; the next case starts closed.
    let seen = step(" ", "s.slide === 'case-2'");
    assert_eq!(seen["count"], json!("2 / 3"), "{seen}");
    assert_eq!(seen["open"], json!([]), "{seen}");
    // A case that is not a quiz keeps its captions (which may name the diagnosis) until then.
    assert_eq!(seen["captions"], json!(0), "{seen}");
    step(" ", "s.open.length === 1");
    let seen = step(" ", "s.open.length === 2");
    assert_eq!(seen["captions"], json!(1), "{seen}");
    let seen = step(KEY_RIGHT, "s.slide === 'case-3'");
    assert_eq!(seen["reveal"], json!(""), "{seen}");
    let seen = step(KEY_LEFT, "s.slide === 'case-2'");
    assert_eq!(seen["open"], json!(["findings", "diagnosis"]), "{seen}");
    let seen = step("h", "s.open.length === 0");
    assert_eq!(seen["captions"], json!(0), "{seen}");
    let seen = step(KEY_ESCAPE, "!s.presenting");
    assert!(
        seen["others"].as_u64().unwrap() >= 2,
        "every case shown again: {seen}"
    );
}

/// Not a check: the example site's presenter, closed and with its answer open, and a staged
/// quiz, at 1366 and 390 px, for a person to look at.
/// `cargo test --test it -- --ignored playlist::presenter_screenshots`
#[test]
#[ignore = "not a check: writes screenshots for a person to look at, run on demand"]
fn presenter_screenshots() {
    if !browser_available() {
        return;
    }
    let dir = std::path::PathBuf::from(
        std::env::var("RADCASE_SCREENSHOTS").unwrap_or_else(|_| "/tmp/radcase-screenshots".into()),
    );
    std::fs::create_dir_all(&dir).unwrap();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (_tmp, _out, base) = build_and_serve(&repo.join("example-site"));
    let driver = Driver::start();
    for (device, name) in [(Device::Desktop, "1366"), (Device::Phone, "390")] {
        let s = Session::new(&driver, device);
        if device == Device::Desktop {
            s.viewport(1366, 768);
        }
        s.goto(&format!("{base}/playlists/emergency-conference/"));
        s.screenshot(&dir.join(format!("playlist-{name}.png")));
        s.wait_for(
            "the Present button",
            "return !document.querySelector('.present-start').hidden",
            json!([]),
            "return 0",
        );
        s.click(&s.find("[data-present]"));
        std::thread::sleep(std::time::Duration::from_millis(400));
        s.screenshot(&dir.join(format!("presenter-{name}.png")));
        for _ in 0..2 {
            s.press(" ");
        }
        std::thread::sleep(std::time::Duration::from_millis(300));
        s.screenshot(&dir.join(format!("presenter-answer-{name}.png")));
        s.press(KEY_RIGHT);
        s.press(KEY_RIGHT);
        std::thread::sleep(std::time::Duration::from_millis(400));
        s.screenshot(&dir.join(format!("presenter-stack-{name}.png")));
        s.press(KEY_ESCAPE);
        s.goto(&format!(
            "{base}/cases/unknown-case-young-adult-with-sudden-chest-pain/"
        ));
        s.exec(
            "document.querySelectorAll('details[data-stage]').forEach((d, i) => { d.open = i < 2; }); document.querySelector('details[data-stage=diagnosis]').scrollIntoView();",
            json!([]),
        );
        std::thread::sleep(std::time::Duration::from_millis(300));
        s.screenshot(&dir.join(format!("staged-{name}.png")));
    }
}
