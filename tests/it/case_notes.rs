//! The teaching file's notes: the site's `disclaimer` on every page, the authors' `views`
//! statement on cases and posts they wrote, a case's `consent`, and "Cite this case" (which
//! never names a quiz's diagnosis). The date read is written by the script:
//! `browser::questions_mark_a_choice_and_show_the_rationales` checks it.

use crate::common::*;

const CONFIG_NOTES: &str = "title = \"Lakeside Teaching File.\"\nbase_url = \"https://teach.example.org/\"\ndisclaimer = \"DISCLAIMER-TEXT for education only.\"\nviews = \"VIEWS-TEXT: our own views.\"\n";

fn site(config: &str) -> TestSite {
    TestSite::with(&[
        ("config.toml", config.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/known/index.md",
            "+++\ntitle = \"Acute appendicitis\"\ndate = 2025-03-04\nauthors = [\"A. Resident\", \"B. Attending\"]\ndiagnosis = \"Acute appendicitis\"\nconsent = \"Written consent for teaching use.\"\nlicense = \"CC BY 4.0\"\n+++\nText.\n".to_string(),
        ),
        (
            "content/cases/quiz/index.md",
            "+++\ntitle = \"Torsion of the testis\"\ndate = 2026-01-02\nquiz = true\npresentation = \"Acute scrotal pain.\"\ndiagnosis = \"Testicular torsion\"\n+++\nWhat is it?\n".to_string(),
        ),
        ("content/posts/_index.md", "+++\ntitle = \"Posts\"\npage_kind = \"post\"\n+++\n".to_string()),
        (
            "content/posts/by.md",
            "+++\ntitle = \"Signed post\"\ndate = 2025-01-01\nauthors = [\"A. Resident\"]\n+++\nText.\n".to_string(),
        ),
        (
            "content/posts/unsigned.md",
            "+++\ntitle = \"Unsigned post\"\ndate = 2025-01-01\n+++\nText.\n".to_string(),
        ),
        ("content/about.md", ABOUT.to_string()),
    ])
}

#[test]
fn the_disclaimer_is_on_every_page_and_views_where_someone_signed() {
    let site = site(CONFIG_NOTES);
    site.build_ok(&[]);
    for page in [
        "index.html",
        "cases/index.html",
        "cases/known/index.html",
        "posts/by/index.html",
        "about/index.html",
        "404.html",
    ] {
        assert!(
            text(&site.html(page), "footer").contains("DISCLAIMER-TEXT"),
            "{page}"
        );
    }
    let views = |page: &str| texts(&site.html(page), ".views");
    assert_eq!(
        views("cases/known/index.html"),
        vec!["VIEWS-TEXT: our own views."]
    );
    assert_eq!(
        views("posts/by/index.html"),
        vec!["VIEWS-TEXT: our own views."]
    );
    // Nobody signed these: nobody's views.
    assert!(views("posts/unsigned/index.html").is_empty());
    assert!(views("cases/case-acute-scrotal-pain/index.html").is_empty());
    assert!(views("about/index.html").is_empty());
}

#[test]
fn a_case_says_how_consent_was_given_and_how_to_cite_it() {
    let site = site(CONFIG_NOTES);
    site.build_ok(&[]);
    let doc = site.html("cases/known/index.html");
    assert_eq!(
        text(&doc, ".consent"),
        "Consent: Written consent for teaching use."
    );
    assert_eq!(
        text(&doc, ".case-notes .license"),
        "Case licensed under CC BY 4.0."
    );
    // (`text` joins the citation's text nodes with a space: before and after its <time>.)
    assert_eq!(
        text(&doc, ".citation").replace("] .", "]."),
        "A. Resident, B. Attending. Acute appendicitis. Lakeside Teaching File; 2025. https://teach.example.org/cases/known/. Accessed [date accessed]."
    );
    assert_eq!(texts(&doc, ".citation time[data-accessed]").len(), 1);
    // A quiz is cited by the title it shows before its answer, and no consent is invented.
    let quiz = site.html("cases/case-acute-scrotal-pain/index.html");
    let cite = text(&quiz, ".citation");
    assert!(
        cite.starts_with("Case: Acute scrotal pain. Lakeside Teaching File; 2026. https://teach.example.org/cases/case-acute-scrotal-pain/."),
        "{cite}"
    );
    assert!(!cite.contains("orsion"), "{cite}");
    assert!(texts(&quiz, ".consent").is_empty());
}

#[test]
fn without_a_disclaimer_the_footer_says_what_the_site_is_for() {
    // The default, and the older `[extra] disclaimer` a template may still read.
    let site = site(CONFIG);
    site.build_ok(&[]);
    assert!(text(&site.html("index.html"), "footer").contains("For education only"));
    let site = site_with_extra();
    site.build_ok(&[]);
    assert!(text(&site.html("index.html"), "footer").contains("EXTRA-DISCLAIMER"));
}

fn site_with_extra() -> TestSite {
    site(&format!(
        "{CONFIG}[extra]\ndisclaimer = \"EXTRA-DISCLAIMER\"\n"
    ))
}

#[test]
fn consent_and_the_notes_keys_refuse_what_they_cannot_show() {
    let posted = site(CONFIG_NOTES);
    posted.write(
        "content/posts/c.md",
        "+++\ntitle = \"C\"\nconsent = \"Verbal.\"\n+++\nText.\n",
    );
    let stderr = build_fails(&posted, &[]);
    assert!(
        stderr.contains("c.md:3") && stderr.contains("`consent` is set, but this page is a post"),
        "{stderr}"
    );
    let typed = site(&format!("{CONFIG}views = 42\n"));
    let stderr = build_fails(&typed, &[]);
    assert!(
        stderr.contains("config.toml:3") && stderr.contains("views"),
        "{stderr}"
    );
}
