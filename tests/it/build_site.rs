//! What a successful build produces, checked on small sites by parsing the output HTML.

use crate::common::*;
use scraper::{ElementRef, Html};

/// Titles of the page cards of a list page, in order (links to pages inside `main`).
fn listed_titles(doc: &Html) -> Vec<String> {
    texts(doc, "main article .card-title a")
}

/// `href`s of the page cards of a list page, in order.
fn listed_urls(doc: &Html) -> Vec<String> {
    attrs(doc, "main article .card-title a", "href")
}

/// The URL a redirect page sends to, from its `<meta http-equiv="refresh">`.
fn refresh_target(doc: &Html) -> String {
    let content = attr(doc, "meta[http-equiv=refresh]", "content");
    let (delay, url) = content
        .split_once(';')
        .unwrap_or_else(|| panic!("bad refresh content {content:?}"));
    assert_eq!(
        delay.trim(),
        "0",
        "the redirect is not immediate: {content:?}"
    );
    url.trim()
        .strip_prefix("url=")
        .unwrap_or_else(|| panic!("no url= in {content:?}"))
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// Front matter formats, sorting, pagination, drafts, URLs

#[test]
fn toml_and_yaml_front_matter_both_build() {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/toml-case/index.md",
            "+++\ntitle = \"A TOML case\"\ndate = 2024-03-01\ntags = [\"liver\"]\nage = 45\nsex = \"F\"\n+++\nTOML body.\n"
                .to_string(),
        ),
        (
            "content/cases/yaml-case/index.md",
            "---\ntitle: A YAML case\ndate: \"2024-04-01\"\ntags: [liver, kidney]\nage: 6 weeks\nsex: M\n---\nYAML body.\n"
                .to_string(),
        ),
    ]);
    site.build_ok(&[]);

    let toml = site.html("cases/toml-case/index.html");
    assert_eq!(text(&toml, "h1"), "A TOML case");
    assert!(text(&toml, "main").contains("TOML body."));
    assert!(text(&toml, "main").contains("45 years"));

    let yaml = site.html("cases/yaml-case/index.html");
    assert_eq!(text(&yaml, "h1"), "A YAML case");
    assert!(text(&yaml, "main").contains("YAML body."));
    assert!(text(&yaml, "main").contains("6 weeks"));
    assert_eq!(attr(&yaml, "main time", "datetime"), "2024-04-01");

    // Both formats feed the same taxonomy.
    let liver = site.html("tags/liver/index.html");
    let mut urls = listed_urls(&liver);
    urls.sort();
    assert_eq!(urls, ["/cases/toml-case/", "/cases/yaml-case/"]);
    assert_eq!(
        listed_urls(&site.html("tags/kidney/index.html")),
        ["/cases/yaml-case/"]
    );
}

#[test]
fn sections_are_sorted_by_date_title_and_weight() {
    let page = |title: &str, date: &str, weight: i64| {
        format!("+++\ntitle = \"{title}\"\ndate = {date}\nweight = {weight}\n+++\nBody.\n")
    };
    let section =
        |sort_by: &str| format!("+++\ntitle = \"By {sort_by}\"\nsort_by = \"{sort_by}\"\n+++\n");
    let mut files = vec![("config.toml".to_string(), CONFIG.to_string())];
    for s in ["date", "title", "weight"] {
        let dir = format!("content/by-{s}");
        files.push((format!("{dir}/_index.md"), section(s)));
        // File names sort differently from every expected order.
        for (file, title, date, weight) in [
            ("p1.md", "banana", "2024-02-01", 1),
            ("p2.md", "Apple", "2024-01-01", 3),
            ("p3.md", "cherry", "2024-03-01", 2),
        ] {
            files.push((format!("{dir}/{file}"), page(title, date, weight)));
        }
    }
    let site = TestSite::with(&files);
    site.build_ok(&[]);

    assert_eq!(
        listed_titles(&site.html("by-date/index.html")),
        ["cherry", "banana", "Apple"],
        "sort_by = date is newest first"
    );
    assert_eq!(
        listed_titles(&site.html("by-title/index.html")),
        ["Apple", "banana", "cherry"],
        "sort_by = title is alphabetical, ignoring case"
    );
    assert_eq!(
        listed_titles(&site.html("by-weight/index.html")),
        ["banana", "cherry", "Apple"],
        "sort_by = weight is lightest first"
    );
}

#[test]
fn pagination_makes_numbered_pages_and_a_page_1_redirect() {
    let mut files = vec![
        ("config.toml".to_string(), CONFIG.to_string()),
        (
            "content/cases/_index.md".to_string(),
            "+++\ntitle = \"Cases\"\npage_kind = \"case\"\nsort_by = \"date\"\npaginate_by = 2\n+++\n"
                .to_string(),
        ),
    ];
    for n in 1..=5 {
        files.push((
            format!("content/cases/c{n}/index.md"),
            format!("+++\ntitle = \"Case {n}\"\ndate = 2024-01-0{n}\n+++\nBody {n}.\n"),
        ));
    }
    let site = TestSite::with(&files);
    site.build_ok(&[]);

    let p1 = site.html("cases/index.html");
    let p2 = site.html("cases/page/2/index.html");
    let p3 = site.html("cases/page/3/index.html");
    assert_eq!(listed_titles(&p1), ["Case 5", "Case 4"]);
    assert_eq!(listed_titles(&p2), ["Case 3", "Case 2"]);
    assert_eq!(listed_titles(&p3), ["Case 1"]);
    assert!(
        !site.out("cases/page/4").exists(),
        "an empty page 4 was written"
    );

    // The pages link to each other.
    assert_eq!(attrs(&p1, "a[rel=next]", "href"), ["/cases/page/2/"]);
    assert_eq!(attrs(&p2, "a[rel=prev]", "href"), ["/cases/"]);
    assert_eq!(attrs(&p2, "a[rel=next]", "href"), ["/cases/page/3/"]);
    assert_eq!(attrs(&p3, "a[rel=prev]", "href"), ["/cases/page/2/"]);
    assert!(attrs(&p3, "a[rel=next]", "href").is_empty());

    // /cases/page/1/ sends readers to /cases/.
    let redirect = site.html("cases/page/1/index.html");
    assert_eq!(refresh_target(&redirect), "/cases/");
    assert_eq!(attr(&redirect, "link[rel=canonical]", "href"), "/cases/");
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        ("content/cases/a/index.md", case_md("Published case")),
        (
            "content/cases/b/index.md",
            "+++\ntitle = \"Draft case\"\ndate = 2024-06-01\ndraft = true\n+++\nNot ready.\n"
                .to_string(),
        ),
    ]);
    site.build_ok(&[]);
    assert!(site.out("cases/a/index.html").is_file());
    assert!(!site.out("cases/b").exists(), "the draft was published");
    assert_eq!(
        listed_titles(&site.html("cases/index.html")),
        ["Published case"]
    );
    assert!(!site.read_out("sitemap.xml").contains("/cases/b/"));

    site.build_ok(&["--drafts"]);
    assert_eq!(text(&site.html("cases/b/index.html"), "h1"), "Draft case");
    assert_eq!(
        listed_titles(&site.html("cases/index.html")),
        ["Draft case", "Published case"]
    );
}

#[test]
fn slug_and_aliases() {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/2024-folder-name/index.md",
            "+++\ntitle = \"Renamed\"\ndate = 2024-05-02\nslug = \"custom-slug\"\naliases = [\"/old/path/\", \"/older.html\"]\n+++\nBody.\n"
                .to_string(),
        ),
    ]);
    site.build_ok(&[]);
    assert!(!site.out("cases/2024-folder-name").exists());
    let page = site.html("cases/custom-slug/index.html");
    assert_eq!(text(&page, "h1"), "Renamed");
    assert_eq!(
        attr(&page, "link[rel=canonical]", "href"),
        "https://example.org/cases/custom-slug/"
    );

    for alias in ["old/path/index.html", "older.html"] {
        let redirect = site.html(alias);
        assert_eq!(refresh_target(&redirect), "/cases/custom-slug/", "{alias}");
        assert_eq!(
            attrs(&redirect, "a", "href"),
            ["/cases/custom-slug/"],
            "{alias}"
        );
    }
}

#[test]
fn base_url_flag_prefixes_links_and_makes_canonical_links_absolute() {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            "+++\ntitle = \"First case\"\ndate = 2024-05-02\ntags = [\"liver\"]\n+++\nSee [the other](@/cases/b/index.md).\n"
                .to_string(),
        ),
        ("content/cases/b/index.md", case_md("Second case")),
        ("content/about.md", ABOUT.to_string()),
    ]);
    site.build_ok(&["--base-url", "https://x.org/sub/"]);

    // Files are still written at the output root; only URLs carry the path.
    assert!(!site.out("sub").exists());
    for rel in [
        "index.html",
        "cases/index.html",
        "cases/a/index.html",
        "about/index.html",
    ] {
        let doc = site.html(rel);
        let canonical = attr(&doc, "link[rel=canonical]", "href");
        assert!(
            canonical.starts_with("https://x.org/sub/"),
            "{rel}: canonical {canonical}"
        );
        let local: Vec<String> = attrs(&doc, "a[href], link[href]", "href")
            .into_iter()
            .chain(attrs(&doc, "img[src], script[src]", "src"))
            .filter(|u| u.starts_with('/'))
            .collect();
        assert!(!local.is_empty(), "{rel} has no site links");
        for u in local {
            assert!(
                u.starts_with("/sub/"),
                "{rel}: link {u} does not start with /sub/"
            );
        }
    }
    let case = site.html("cases/a/index.html");
    assert_eq!(
        attr(&case, "link[rel=canonical]", "href"),
        "https://x.org/sub/cases/a/"
    );
    assert!(attrs(&case, "main a", "href").contains(&"/sub/cases/b/".to_string()));
    assert!(attrs(&case, "main a", "href").contains(&"/sub/tags/liver/".to_string()));
    assert!(
        site.read_out("sitemap.xml")
            .contains("<loc>https://x.org/sub/cases/a/</loc>")
    );

    // Without the flag, config.toml's base_url applies.
    site.build_ok(&[]);
    assert_eq!(
        attr(
            &site.html("cases/a/index.html"),
            "link[rel=canonical]",
            "href"
        ),
        "https://example.org/cases/a/"
    );
}

#[test]
fn output_flag_writes_there() {
    let site = TestSite::minimal();
    let out = site.tmp.path().join("elsewhere/www");
    site.build_ok(&["--output", out.to_str().unwrap()]);
    assert!(
        !site.path("public").exists(),
        "public/ was written despite --output"
    );
    let page = parse_html(&out.join("cases/a/index.html"));
    assert_eq!(text(&page, "h1"), "First case");
    assert!(out.join("index.html").is_file());
    assert!(out.join("about/index.html").is_file());
    assert!(out.join("sitemap.xml").is_file());

    // A second build replaces the folder as a whole: stale files disappear.
    std::fs::write(out.join("stale.txt"), "old").unwrap();
    site.build_ok(&["--output", out.to_str().unwrap()]);
    assert!(!out.join("stale.txt").exists());
    assert!(out.join("cases/a/index.html").is_file());
}

// ---------------------------------------------------------------------------------------------
// Cases

const QUIZ_TITLE: &str = "Perforated appendicitis with appendicolith";
const QUIZ_DIAGNOSIS: &str = "Perforated appendicitis";
const QUIZ_DIFFERENTIAL: [&str; 2] = ["Mesenteric adenitis", "Terminal ileitis"];
const QUIZ_ANSWER: &str = "The appendicolith sits at the base";
/// Without `quiz_title`, a quiz's address comes from "Case: " + its presentation.
const QUIZ_PAGE: &str = "cases/case-right-lower-quadrant-pain-for-one-day/index.html";

fn quiz_site() -> TestSite {
    let case = format!(
        "+++
title = \"{QUIZ_TITLE}\"
date = 2024-05-02
quiz = true
age = 19
sex = \"M\"
presentation = \"Right lower quadrant pain for one day.\"
diagnosis = \"{QUIZ_DIAGNOSIS}\"
differential = [\"{}\", \"{}\"]
teaching_points = [\"Look for the *appendicolith*.\"]
+++
Look at the images. What is your diagnosis?

<!-- answer -->

{QUIZ_ANSWER}, with fat stranding around it.
",
        QUIZ_DIFFERENTIAL[0], QUIZ_DIFFERENTIAL[1]
    );
    TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        // The folder is named after the diagnosis, as authors do: the URL must not say it.
        ("content/cases/perforated-appendicitis/index.md", case),
    ])
}

/// Whether `el` is inside (or is) a `<details class="answer">`.
fn in_answer(el: ElementRef<'_>) -> bool {
    std::iter::once(*el)
        .chain(el.ancestors())
        .filter_map(ElementRef::wrap)
        .any(|e| e.value().name() == "details" && e.value().classes().any(|c| c == "answer"))
}

/// Every text node of the document containing `needle`, with whether it is in the answer.
fn occurrences(doc: &Html, needle: &str) -> Vec<(String, bool)> {
    doc.root_element()
        .descendants()
        .filter_map(|n| {
            let t = n.value().as_text()?;
            if !t.contains(needle) {
                return None;
            }
            let parent = n.parent().and_then(ElementRef::wrap)?;
            Some((t.to_string(), in_answer(parent)))
        })
        .collect()
}

#[test]
fn quiz_case_hides_the_answer() {
    let site = quiz_site();
    site.build_ok(&[]);
    let doc = site.html(QUIZ_PAGE);
    // No address anywhere in the site gives the diagnosis away.
    for rel in list_files(&site.path("public")) {
        if rel.ends_with(".html") || rel.ends_with(".xml") {
            let text = std::fs::read_to_string(site.out(&rel)).unwrap();
            assert!(
                !text.contains("/perforated-appendicitis"),
                "public/{rel} links to the diagnosis-named folder"
            );
        }
    }

    let title = text(&doc, "title");
    let h1 = text(&doc, "h1");
    let description = attr(&doc, "meta[name=description]", "content");
    for (what, value) in [
        ("<title>", &title),
        ("<h1>", &h1),
        ("meta description", &description),
    ] {
        for secret in [QUIZ_TITLE, QUIZ_DIAGNOSIS, "appendicitis", "appendicolith"] {
            assert!(
                !value.to_lowercase().contains(&secret.to_lowercase()),
                "{what} gives away the answer ({secret:?}): {value:?}"
            );
        }
    }
    assert!(!title.is_empty() && !h1.is_empty());

    // The answer exists, once, closed.
    let answers: Vec<_> = doc.select(&sel("details.answer")).collect();
    assert_eq!(answers.len(), 1, "expected one details.answer");
    assert!(
        answers[0].value().attr("open").is_none(),
        "the answer starts open"
    );
    let answer_text: String = answers[0].text().collect();

    for secret in [
        QUIZ_TITLE,
        QUIZ_DIAGNOSIS,
        QUIZ_DIFFERENTIAL[0],
        QUIZ_DIFFERENTIAL[1],
        QUIZ_ANSWER,
    ] {
        // The real title names the diagnosis, which the answer shows once: it need not be
        // there, but never outside it.
        if secret != QUIZ_TITLE {
            assert!(
                answer_text.contains(secret),
                "{secret:?} is not in the answer"
            );
        }
        let found = occurrences(&doc, secret);
        assert!(secret == QUIZ_TITLE || !found.is_empty());
        for (t, inside) in found {
            assert!(inside, "{secret:?} appears outside details.answer: {t:?}");
        }
    }
    // The question part stays visible, outside the answer.
    let question = occurrences(&doc, "What is your diagnosis?");
    assert_eq!(question.len(), 1);
    assert!(!question[0].1, "the question is hidden inside the answer");
    assert!(
        occurrences(&doc, "Right lower quadrant pain")
            .iter()
            .any(|(_, inside)| !inside),
        "the presentation is not shown before the answer"
    );

    // List pages never show the real title or the diagnosis either.
    for rel in ["index.html", "cases/index.html"] {
        let list = site.read_out(rel);
        for secret in [QUIZ_TITLE, QUIZ_DIAGNOSIS, QUIZ_ANSWER] {
            assert!(!list.contains(secret), "{rel} contains {secret:?}");
        }
        let doc = site.html(rel);
        assert!(
            listed_urls(&doc).contains(&format!("/{}", QUIZ_PAGE.trim_end_matches("index.html"))),
            "{rel} does not list the quiz"
        );
    }
}

#[test]
fn non_quiz_case_shows_every_field() {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            "+++
title = \"Acute appendicitis\"
date = 2024-05-02
age = 45
sex = \"F\"
presentation = \"Right lower quadrant pain since yesterday.\"
diagnosis = \"Acute appendicitis\"
certainty = \"confirmed at surgery\"
differential = [\"Mesenteric adenitis\", \"Ovarian torsion\"]
teaching_points = [\"An appendix over **6 mm** is abnormal.\"]
references = [\"Smith J et al. *Radiology* 2019;290:123-130. [doi:10.1148/x](https://doi.org/10.1148/x)\"]
license = \"CC BY-NC-SA 4.0\"
+++
## Findings

A dilated appendix.
"
            .to_string(),
        ),
    ]);
    site.build_ok(&[]);
    let doc = site.html("cases/a/index.html");
    let main = text(&doc, "main");
    assert_eq!(text(&doc, "h1"), "Acute appendicitis");
    for expected in [
        "Right lower quadrant pain since yesterday.",
        "45 years",
        "female",
        "Acute appendicitis",
        "confirmed at surgery",
        "Mesenteric adenitis",
        "Ovarian torsion",
        "An appendix over 6 mm is abnormal.",
        "Smith J et al. Radiology 2019;290:123-130.",
        "CC BY-NC-SA 4.0",
        "A dilated appendix.",
    ] {
        assert!(
            main.contains(expected),
            "the case page does not show {expected:?}:\n{main}"
        );
    }
    assert!(
        doc.select(&sel("details.answer")).next().is_none(),
        "a non-quiz case hides something"
    );
    // Markdown in teaching points and references is rendered.
    assert_eq!(texts(&doc, "main li strong"), ["6 mm"]);
    assert_eq!(texts(&doc, "main li em"), ["Radiology"]);
    assert!(attrs(&doc, "main li a", "href").contains(&"https://doi.org/10.1148/x".to_string()));
    // The differential is a list.
    let items = texts(&doc, "main li");
    assert!(
        items.contains(&"Mesenteric adenitis".to_string()),
        "{items:?}"
    );
    assert!(items.contains(&"Ovarian torsion".to_string()), "{items:?}");
    // Headings of the body get anchors.
    assert_eq!(attrs(&doc, "main h2#findings", "id"), ["findings"]);
    // Without a description, the meta description falls back to the presentation.
    assert_eq!(
        attr(&doc, "meta[name=description]", "content"),
        "Right lower quadrant pain since yesterday."
    );
}

#[test]
fn internal_links_resolve_to_the_target_url() {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            "+++\ntitle = \"First case\"\ndate = 2024-05-02\n+++\nCompare [case b](@/cases/b/index.md), \
             [its findings](@/cases/b/index.md#findings), [the about page](@/about.md) \
             and [all cases](@/cases/_index.md).\n"
                .to_string(),
        ),
        (
            "content/cases/b/index.md",
            "+++\ntitle = \"Second case\"\nslug = \"second\"\n+++\n## Findings\n\nText.\n".to_string(),
        ),
        ("content/about.md", ABOUT.to_string()),
    ]);
    site.build_ok(&[]);
    let doc = site.html("cases/a/index.html");
    let by_text = |label: &str| -> String {
        doc.select(&sel("main a"))
            .find(|a| a.text().collect::<String>() == label)
            .and_then(|a| a.value().attr("href").map(str::to_string))
            .unwrap_or_else(|| panic!("no link {label:?}"))
    };
    assert_eq!(by_text("case b"), "/cases/second/");
    assert_eq!(by_text("its findings"), "/cases/second/#findings");
    assert_eq!(by_text("the about page"), "/about/");
    assert_eq!(by_text("all cases"), "/cases/");
    // The targets are real pages of the build.
    assert!(site.out("cases/second/index.html").is_file());
    assert!(!site.read_out("cases/a/index.html").contains("@/"));
}

#[test]
fn relative_image_in_a_bundle_resolves_to_the_page_url() {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            "+++\ntitle = \"First case\"\ndate = 2024-05-02\n+++\n![Axial CT of the abdomen](ct.png \"Axial CT\")\n\n![Coronal](./views/coronal.png)\n".to_string(),
        ),
    ]);
    site.write("content/cases/a/ct.png", png_bytes(12, 8));
    site.write("content/cases/a/views/coronal.png", png_bytes(5, 7));
    site.build_ok(&[]);
    let doc = site.html("cases/a/index.html");
    // An image of the case's own folder is published in sizes: the largest fits (12 px).
    assert_eq!(
        attr(&doc, "main img[alt='Axial CT of the abdomen']", "src"),
        "/cases/a/ct-12.jpg"
    );
    // A lone image becomes a figure with its title as the caption.
    assert_eq!(text(&doc, "main figure.figure figcaption"), "Axial CT");
    assert_eq!(
        attr(&doc, "main img[alt=Coronal]", "src"),
        "/cases/a/views/coronal.png"
    );
    // The files are published where the links point, as valid images.
    let ct = image::open(site.out("cases/a/ct-12.jpg")).unwrap();
    assert_eq!((ct.width(), ct.height()), (12, 8));
    let coronal = image::open(site.out("cases/a/views/coronal.png")).unwrap();
    assert_eq!((coronal.width(), coronal.height()), (5, 7));
}

#[test]
fn site_template_override_is_used() {
    let site = TestSite::minimal();
    site.write(
        "templates/page.html",
        "<!doctype html>\n<html><head><title>{{ page.title }}</title></head>\n<body><p id=\"override-marker\">Custom {{ page.title }}</p>{{ page.content | safe }}</body></html>\n",
    );
    site.build_ok(&[]);
    let about = site.html("about/index.html");
    assert_eq!(text(&about, "#override-marker"), "Custom About");
    assert_eq!(text(&about, "title"), "About");
    assert!(text(&about, "body").contains("About this site."));
    // Other templates still come from the theme.
    let case = site.html("cases/a/index.html");
    assert!(case.select(&sel("#override-marker")).next().is_none());
    assert_eq!(text(&case, "h1"), "First case");
}

#[test]
fn static_files_are_copied() {
    let site = TestSite::minimal();
    site.write("static/robots.txt", "User-agent: *\nDisallow:\n");
    let logo: Vec<u8> = (0u8..=255).collect();
    site.write("static/img/logo.bin", &logo);
    // A file radcase cannot read is published byte for byte once the site allows it.
    let config = std::fs::read_to_string(site.path("config.toml")).unwrap();
    site.write(
        "config.toml",
        format!("{config}\n[privacy]\npublish = [{{ path = \"static/img/logo.bin\", reason = \"test bytes\" }}]\n"),
    );
    site.build_ok(&[]);
    assert_eq!(site.read_out("robots.txt"), "User-agent: *\nDisallow:\n");
    assert_eq!(std::fs::read(site.out("img/logo.bin")).unwrap(), logo);
    // The theme's own static files are there too, and linked.
    let index = site.html("index.html");
    for href in attrs(&index, "link[rel=stylesheet]", "href") {
        let rel = href.trim_start_matches('/');
        assert!(site.out(rel).is_file(), "stylesheet {href} is missing");
    }
}

// ---------------------------------------------------------------------------------------------
// Image metadata

#[test]
fn crc32_matches_the_reference_value() {
    assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
    // The IEND chunk of every PNG carries this CRC.
    assert_eq!(png_chunk(b"IEND", b"")[8..], [0xae, 0x42, 0x60, 0x82]);
}

#[test]
fn reencoded_png_has_no_text_chunk() {
    let source = png_with_text(b"Author\0SECRET-NAME");
    // The test image itself is valid and does carry the secret.
    assert!(png_chunk_types(&source).contains(&"tEXt".to_string()));
    assert!(image::load_from_memory(&source).is_ok());
    assert!(source.windows(11).any(|w| w == b"SECRET-NAME"));

    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            "+++\ntitle = \"First case\"\ndate = 2024-05-02\nimages = [{ file = \"ct.png\", alt = \"Axial CT\", caption = \"Axial CT\" }]\n+++\nBody.\n\n![Again](ct.png)\n\n![Inline only](ct-unlisted.png)\n".to_string(),
        ),
    ]);
    site.write("content/cases/a/ct.png", &source);
    site.write("content/cases/a/ct-unlisted.png", &source);
    site.build_ok(&[]);

    // No original is published: only re-encoded sizes (8 px wide, as the source).
    assert!(!site.out("cases/a/ct.png").exists());
    for rel in [
        "cases/a/ct-8.jpg",
        "cases/a/ct-8.webp",
        "cases/a/ct-unlisted-8.jpg",
        "cases/a/ct-unlisted-8.webp",
    ] {
        let img = image::open(site.out(rel)).unwrap();
        assert_eq!((img.width(), img.height()), (8, 8), "{rel}");
    }
    // The gallery shows it with its size.
    let doc = site.html("cases/a/index.html");
    let gallery_img = doc
        .select(&sel("main img[alt='Axial CT']"))
        .next()
        .expect("the listed image is not shown");
    assert_eq!(gallery_img.value().attr("src"), Some("/cases/a/ct-8.jpg"));
    assert_eq!(gallery_img.value().attr("width"), Some("8"));
    assert_eq!(gallery_img.value().attr("height"), Some("8"));

    for rel in list_files(&site.path("public")) {
        let bytes = std::fs::read(site.out(&rel)).unwrap();
        assert!(
            !bytes.windows(11).any(|w| w == b"SECRET-NAME"),
            "public/{rel} contains SECRET-NAME"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Commands

#[test]
fn new_site_builds_with_its_sample_case() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("teaching");
    radcase()
        .arg("new")
        .arg("site")
        .arg(&dir)
        .assert()
        .success();
    assert!(dir.join("config.toml").is_file());
    radcase().arg("build").arg(&dir).assert().success();
    let public = dir.join("public");
    let case = parse_html(&public.join("cases/acute-appendicitis/index.html"));
    assert_eq!(text(&case, "h1"), "Acute appendicitis");
    let cases = parse_html(&public.join("cases/index.html"));
    assert_eq!(listed_urls(&cases), ["/cases/acute-appendicitis/"]);
    assert!(public.join("about/index.html").is_file());

    // Running it again on the same, now non-empty, folder is refused.
    radcase()
        .arg("new")
        .arg("site")
        .arg(&dir)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("hint:"));
}

#[test]
fn new_case_creates_a_case_that_builds() {
    let site = TestSite::minimal();
    radcase()
        .args(["new", "case", "Title", "--site"])
        .arg(&site.dir)
        .assert()
        .success();
    let created = site.path("content/cases/title/index.md");
    assert!(created.is_file(), "{} was not created", created.display());
    site.build_ok(&[]);
    let doc = site.html("cases/title/index.html");
    assert_eq!(text(&doc, "h1"), "Title");
    assert!(listed_urls(&site.html("cases/index.html")).contains(&"/cases/title/".to_string()));
}

#[test]
fn help_mentions_the_commands() {
    let out = radcase().arg("--help").output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let commands: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(
        commands.contains(&"build"),
        "--help does not list build:\n{stdout}"
    );
    assert!(
        commands.contains(&"new"),
        "--help does not list new:\n{stdout}"
    );
}

#[test]
fn version_prints_the_version() {
    let out = radcase().arg("--version").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("radcase {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn site_with_custom_taxonomies_and_no_tags_builds_and_lists_terms() {
    let config = "title = \"T\"\nbase_url = \"https://example.org/\"\n\
                  [[taxonomies]]\nname = \"modality\"\n\
                  [[taxonomies]]\nname = \"program\"\ntitle = \"Program\"\n";
    let site = TestSite::with(&[
        ("config.toml", config.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a.md",
            "+++\ntitle = \"A\"\nmodality = \"MRI\"\nprogram = [\"Fellowship\"]\n+++\nBody.\n"
                .to_string(),
        ),
    ]);
    site.build_ok(&[]);
    let page = site.html("cases/a/index.html");
    let chips = texts(&page, ".chips a");
    assert_eq!(chips, ["MRI", "Fellowship"]);
    let term = site.html("program/fellowship/index.html");
    assert_eq!(text(&term, "h1"), "Fellowship");
    assert!(!site.dir.join("public/tags").exists());
}

#[test]
fn theme_folder_is_used_and_site_templates_override_it() {
    let config = format!("{CONFIG}theme = \"clinic\"\n");
    let site = TestSite::with(&[
        ("config.toml", config),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        ("content/cases/a.md", case_md("Theme case")),
        ("content/about.md", ABOUT.to_string()),
        (
            "themes/clinic/templates/page.html",
            "{% extends \"base.html\" %}{% block content %}<p class=\"from-theme\">{{ page.title }}</p>{% endblock content %}"
                .to_string(),
        ),
        (
            "themes/clinic/templates/case.html",
            "<p class=\"theme-case\">{{ page.title }}</p>".to_string(),
        ),
        (
            "templates/case.html",
            "<p class=\"site-case\">{{ page.title }}</p>".to_string(),
        ),
        ("themes/clinic/static/css/clinic.css", "body{}".to_string()),
    ]);
    site.build_ok(&[]);
    let about = site.html("about/index.html");
    assert_eq!(text(&about, ".from-theme"), "About");
    // The built-in base.html still wraps the theme's page template.
    assert_eq!(texts(&about, "header.site-header").len(), 1);
    let case = site.html("cases/a/index.html");
    assert_eq!(text(&case, ".site-case"), "Theme case");
    assert!(texts(&case, ".theme-case").is_empty());
    assert_eq!(
        std::fs::read_to_string(site.dir.join("public/css/clinic.css")).unwrap(),
        "body{}"
    );
}

#[test]
fn missing_theme_is_an_error_naming_the_folder() {
    let config = format!("{CONFIG}theme = \"nope\"\n");
    let site = TestSite::with(&[
        ("config.toml", config),
        ("content/about.md", ABOUT.to_string()),
    ]);
    radcase()
        .arg("build")
        .arg(&site.dir)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("themes/nope"))
        .stderr(predicates::str::contains("hint:"));
}

#[test]
fn list_cards_show_the_summary_before_more_or_the_first_paragraph() {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/posts/_index.md", "+++\ntitle = \"Posts\"\npage_kind = \"post\"\n+++\n".to_string()),
        (
            "content/posts/marked.md",
            "+++\ntitle = \"Marked\"\ndate = 2024-02-01\n+++\nIntro one.\n\nIntro two.\n\n<!-- more -->\n\nHidden rest.\n".to_string(),
        ),
        (
            "content/posts/plain.md",
            "+++\ntitle = \"Plain\"\ndate = 2024-01-01\n+++\n# Heading\n\nFirst paragraph.\n\nSecond paragraph.\n".to_string(),
        ),
    ]);
    site.build_ok(&[]);
    let list = site.html("posts/index.html");
    let summaries = texts(&list, ".card-summary");
    assert_eq!(summaries, ["Intro one. Intro two.", "First paragraph."]);
    // The full page still has everything, with an anchor on the heading.
    let plain = site.html("posts/plain/index.html");
    assert!(text(&plain, ".prose").contains("Second paragraph."));
    assert_eq!(attr(&plain, ".prose h1 a.anchor", "href"), "#heading");
    let marked = site.html("posts/marked/index.html");
    assert!(text(&marked, ".prose").contains("Hidden rest."));
}

#[test]
fn verbose_prints_stage_timings_and_quiet_prints_nothing() {
    let site = TestSite::minimal();
    let verbose = site.build_ok(&["-v"]);
    for stage in [
        "load content and templates",
        "plan",
        "images",
        "render and write",
        "commit",
    ] {
        assert!(verbose.contains(stage), "{stage} missing from:\n{verbose}");
    }
    let quiet = site.build_ok(&["-q"]);
    assert_eq!(quiet, "");
}

#[test]
fn new_case_refuses_a_title_with_a_line_break() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("teaching");
    radcase().args(["new", "site"]).arg(&dir).assert().success();
    let out = radcase()
        .args(["new", "case", "Two\nlines", "--site"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line break"));
}

/// A quiz's terms that name its diagnosis or a differential (a tag "appendicitis" on an
/// unknown appendicitis) are shown only inside the answer; the quiz is not listed on their
/// term pages or in their feeds, and the other terms work as usual.
#[test]
fn quiz_terms_that_name_the_answer_stay_inside_it() {
    let site = TestSite::with(&[
        (
            "config.toml",
            format!("{CONFIG}\n[[taxonomies]]\nname = \"tags\"\nfeed = true\n\n[[taxonomies]]\nname = \"system\"\n"),
        ),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/quiz/index.md",
            "+++\ntitle = \"Perforated appendicitis\"\ndate = 2024-05-02\nquiz = true\n\
             quiz_title = \"Unknown: right lower quadrant pain\"\ndiagnosis = \"Perforated appendicitis\"\n\
             differential = [\"Crohn disease\"]\nsystem = [\"Gastrointestinal\"]\n\
             tags = [\"appendicitis\", \"crohn disease\", \"fat stranding\"]\n+++\nWhat do you see?\n"
                .to_string(),
        ),
        (
            "content/cases/open/index.md",
            "+++\ntitle = \"Appendicitis, classic\"\ndate = 2024-04-01\ndiagnosis = \"Acute appendicitis\"\n\
             tags = [\"appendicitis\"]\n+++\nText.\n"
                .to_string(),
        ),
    ]);
    site.build_ok(&[]);
    let quiz_url = "/cases/unknown-right-lower-quadrant-pain/";
    let doc = site.html("cases/unknown-right-lower-quadrant-pain/index.html");
    // Outside the answer, only the terms that do not name it.
    let outside: Vec<String> = doc
        .select(&sel("ul.chips li"))
        .filter(|li| {
            !li.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| e.name() == "details")
            })
        })
        .map(|li| li.text().collect::<String>())
        .collect();
    assert_eq!(outside, ["Gastrointestinal", "fat stranding"]);
    // Inside the answer, the others.
    let inside = texts(&doc, "details.answer ul.chips li");
    assert_eq!(inside, ["appendicitis", "crohn disease"]);
    // The term pages and feeds of the hidden terms do not list the quiz.
    let appendicitis = site.read_out("tags/appendicitis/index.html");
    assert!(
        appendicitis.contains("/cases/open/"),
        "the open case is listed"
    );
    assert!(
        !appendicitis.contains(quiz_url),
        "the quiz is listed under its answer"
    );
    assert!(!site.out("tags/crohn-disease/index.html").exists());
    assert!(
        !site
            .read_out("tags/appendicitis/rss.xml")
            .contains(quiz_url)
    );
    assert!(
        site.read_out("tags/fat-stranding/index.html")
            .contains(quiz_url)
    );
    // The taxonomy overview counts it under the shown term only.
    let tags = site.read_out("tags/index.html");
    assert!(!tags.contains("crohn"), "{tags}");
}
