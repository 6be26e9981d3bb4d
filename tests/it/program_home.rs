//! The home page of a residency site (`[program] home = "program"`): a call to apply, the
//! upcoming events and deadlines, the people it features and the latest cases, in that order,
//! with links to the events and people pages; a teaching file's home (`home = "cases"`, the
//! default) keeps its cases first and none of the program blocks.

use crate::common::*;

const NOW: &[&str] = &["--now", "2027-01-10"];

fn program_site(program: &str) -> TestSite {
    let png = {
        let mut out = std::io::Cursor::new(Vec::new());
        crate::people::portrait(300, 300, 3)
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap();
        out.into_inner()
    };
    let site = TestSite::with(&[
        ("config.toml", format!("{CONFIG}{program}")),
        ("content/_index.md", "+++\ntitle = \"Riverside Radiology\"\n+++\nA residency of 24.\n".into()),
        ("content/cases/_index.md", CASES_SECTION.into()),
        ("content/cases/a/index.md", case_md("Appendicitis")),
        ("content/people/_index.md", "+++\ntitle = \"People\"\npage_kind = \"person\"\n+++\n".into()),
        (
            "content/people/dana-whitfield/index.md",
            "+++\ntitle = \"Dana Whitfield\"\nrole = \"faculty\"\nposition = \"Program Director\"\nphoto = \"p.png\"\n+++\nBio.\n".into(),
        ),
        ("content/events/_index.md", "+++\ntitle = \"Events\"\npage_kind = \"event\"\n+++\n".into()),
        (
            "content/events/open-house/index.md",
            "+++\ntitle = \"Open house\"\nstart = 2027-01-16T09:00:00Z\n+++\nCome.\n".into(),
        ),
        (
            "content/events/last-year/index.md",
            "+++\ntitle = \"Graduation 2026\"\nstart = 2026-06-20\n+++\nDone.\n".into(),
        ),
        (
            "content/apply.md",
            "+++\ntitle = \"How to apply\"\ndescription = \"ERAS, the Match and our interviews.\"\n+++\nApply.\n".into(),
        ),
    ]);
    site.write("content/people/dana-whitfield/p.png", png);
    site
}

fn block_ids(doc: &scraper::Html) -> Vec<String> {
    attrs(doc, "main h2[id]", "id")
}

#[test]
fn a_program_home_leads_with_applying_events_and_people() {
    let site = program_site("[program]\nhome = \"program\"\napply = \"/apply/\"\n");
    site.build_ok(NOW);
    let doc = site.html("index.html");
    assert_eq!(
        block_ids(&doc),
        [
            "apply-call",
            "upcoming-events",
            "featured-people",
            "latest-cases"
        ]
    );
    assert_eq!(attr(&doc, ".apply-call a.button", "href"), "/apply/");
    assert_eq!(texts(&doc, ".apply-call a.button"), ["How to apply"]);
    assert_eq!(
        texts(&doc, ".apply-call p:not(:has(a))"),
        ["ERAS, the Match and our interviews."]
    );
    // Only what is still to come, and links to the whole lists.
    assert_eq!(
        texts(&doc, ".upcoming-block .event-item-title a"),
        ["Open house"]
    );
    assert_eq!(attrs(&doc, ".see-all a", "href"), ["/events/", "/people/"]);
    assert_eq!(
        texts(&doc, ".featured-people .person-name"),
        ["Dana Whitfield"]
    );
}

#[test]
fn an_apply_address_elsewhere_is_linked_as_written() {
    let site = program_site(
        "[program]\nhome = \"program\"\napply = \"https://apply.example.org/radiology\"\n",
    );
    site.build_ok(NOW);
    let doc = site.html("index.html");
    assert_eq!(
        attr(&doc, ".apply-call a.button", "href"),
        "https://apply.example.org/radiology"
    );
    assert_eq!(texts(&doc, ".apply-call a.button"), ["How to apply"]);
    assert!(texts(&doc, ".apply-call p:not(:has(a))").is_empty());
}

#[test]
fn a_teaching_file_home_keeps_its_cases_first() {
    for program in ["", "[program]\napply = \"/apply/\"\n"] {
        let site = program_site(program);
        site.build_ok(NOW);
        let doc = site.html("index.html");
        let ids = block_ids(&doc);
        assert_eq!(ids[..2], ["upcoming-events", "latest-cases"], "{program}");
        assert!(
            !ids.iter()
                .any(|i| i == "apply-call" || i == "featured-people"),
            "{program}: {ids:?}"
        );
    }
}

#[test]
fn an_apply_value_that_is_no_address_is_an_error_with_its_line() {
    for bad in [
        "apply.html",
        "mailto:office@example.org",
        "www.example.org/apply",
    ] {
        let site = program_site(&format!(
            "[program]\nhome = \"program\"\napply = \"{bad}\"\n"
        ));
        let err = build_fails(&site, NOW);
        assert!(
            err.contains("config.toml:5:")
                && err.contains("`apply` in [program]")
                && err.contains("apply = \"/apply/\""),
            "{bad}: {err}"
        );
    }
}
