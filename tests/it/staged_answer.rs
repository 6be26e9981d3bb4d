//! A quiz answer in stages (`<!-- discussion -->`): findings, then the diagnosis, then the
//! discussion, each inside the one before; what the stages hold; and every place the marker
//! would do nothing, each an error on its line. (Opening the stages in the presenter:
//! `playlist::presenter_advances_and_reveals`.)

use crate::common::*;

const FINDINGS: &str = "FINDINGS-TEXT a target sign in the right abdomen";
const DISCUSSION: &str = "DISCUSSION-TEXT telescoping of the ileum into the colon";

fn quiz(body: &str) -> String {
    format!(
        "+++
title = \"Ileocolic intussusception\"
date = 2027-01-04
quiz = true
quiz_title = \"Unknown 12\"
presentation = \"Episodic crying in an infant.\"
diagnosis = \"Ileocolic intussusception\"
differential = [\"Small-bowel intussusception\"]
teaching_points = [\"TEACHING-POINT reduce with an enema\"]
+++
{body}"
    )
}

fn site(case: &str) -> TestSite {
    TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        ("content/cases/ic/index.md", case.to_string()),
    ])
}

fn staged_body() -> String {
    format!(
        "What do you see?\n\n<!-- answer -->\n\n{FINDINGS}\n\n<!-- discussion -->\n\n{DISCUSSION}\n"
    )
}

/// Text of the element, without the text of the stages nested in it.
fn own_text(doc: &scraper::Html, css: &str) -> String {
    let el = doc
        .select(&sel(css))
        .next()
        .unwrap_or_else(|| panic!("no {css}"));
    let mut out = String::new();
    for node in el.descendants() {
        let inside_nested = node.ancestors().any(|a| {
            a.id() != el.id()
                && scraper::ElementRef::wrap(a).is_some_and(|e| e.value().name() == "details")
                && a.ancestors().any(|x| x.id() == el.id())
        });
        if let Some(t) = node.value().as_text()
            && !inside_nested
        {
            out.push_str(t);
        }
    }
    out
}

#[test]
fn a_staged_answer_opens_findings_then_diagnosis_then_discussion() {
    let site = site(&quiz(&staged_body()));
    site.build_ok(&[]);
    let page = site.html("cases/unknown-12/index.html");
    let stages = attrs(&page, "details[data-stage]", "data-stage");
    assert_eq!(stages, ["findings", "diagnosis", "discussion"]);
    // Each stage sits inside the one before: none can be opened first.
    assert_eq!(
        page.select(&sel("details[data-stage=findings] details[data-stage=diagnosis] details[data-stage=discussion]")).count(),
        1
    );
    let findings = own_text(&page, "details[data-stage=findings]");
    assert!(findings.contains("FINDINGS-TEXT"), "{findings}");
    assert!(
        !findings.contains("Ileocolic intussusception"),
        "the findings stage names the diagnosis: {findings}"
    );
    assert!(!findings.contains("DISCUSSION-TEXT"));
    let diagnosis = own_text(&page, "details[data-stage=diagnosis]");
    assert!(
        diagnosis.contains("Ileocolic intussusception"),
        "{diagnosis}"
    );
    assert!(
        diagnosis.contains("Small-bowel intussusception"),
        "{diagnosis}"
    );
    assert!(!diagnosis.contains("DISCUSSION-TEXT") && !diagnosis.contains("TEACHING-POINT"));
    let discussion = own_text(&page, "details[data-stage=discussion]");
    assert!(
        discussion.contains("DISCUSSION-TEXT") && discussion.contains("TEACHING-POINT"),
        "{discussion}"
    );
    // Nothing is shown before the first stage but the question.
    let before: String = texts(&page, ".case > .prose").join(" ");
    assert!(
        before.contains("What do you see?") && !before.contains("FINDINGS-TEXT"),
        "{before}"
    );
    // The labels say what opens, closed and open.
    assert_eq!(
        texts(&page, "details[data-stage] > summary .answer-closed"),
        ["Show findings", "Show diagnosis", "Show discussion"]
    );
    assert_eq!(
        page.select(&sel("details.answer:not([data-stage])"))
            .count(),
        0
    );
}

#[test]
fn a_quiz_without_the_marker_keeps_one_answer_block() {
    let site = site(&quiz(
        "What do you see?\n\n<!-- answer -->\n\nFINDINGS-TEXT and more.\n",
    ));
    site.build_ok(&[]);
    let page = site.html("cases/unknown-12/index.html");
    assert_eq!(page.select(&sel("details[data-stage]")).count(), 0);
    assert_eq!(
        texts(&page, "details.answer > summary .answer-closed"),
        ["Show answer"]
    );
}

#[test]
fn no_other_output_holds_the_findings_or_the_discussion() {
    let site = site(&quiz(&staged_body()));
    site.build_ok(&[]);
    for rel in list_files(&site.out("")) {
        if rel == "cases/unknown-12/index.html" {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(site.out(&rel)) else {
            continue;
        };
        for secret in ["FINDINGS-TEXT", "DISCUSSION-TEXT"] {
            assert!(!text.contains(secret), "{rel} holds {secret}");
        }
    }
}

#[test]
fn a_discussion_marker_that_would_do_nothing_is_an_error_on_its_line() {
    // Line numbers count from the top of the file (a quiz's front matter here is 10 lines).
    let not_a_quiz = "+++\ntitle = \"Intussusception\"\ndate = 2027-01-04\n+++\nText.\n\n<!-- discussion -->\n\nMore.\n";
    let cases = [
        (not_a_quiz.to_string(), 7, "is not a quiz"),
        (
            quiz("Question.\n\n<!-- discussion -->\n\nMore.\n\n<!-- answer -->\n\nAnswer.\n"),
            13,
            "before `<!-- answer -->`",
        ),
        (
            quiz("Question.\n\n  <!-- discussion -->\n\nMore.\n"),
            13,
            "no `<!-- answer -->`",
        ),
    ];
    for (md, line, why) in cases {
        let site = site(&md);
        let err = build_fails(&site, &[]);
        assert!(
            err.contains(&format!("content/cases/ic/index.md:{line}")),
            "{why}: {err}"
        );
        assert!(
            err.contains("`<!-- discussion -->` does nothing here") && err.contains(why),
            "{err}"
        );
        assert!(err.contains("after the `<!-- answer -->` line"), "{err}");
    }
}
