//! Scheduled publishing: `publish` and `expire` on any page, `reveal` on a quiz. Built with a
//! fixed "today" (`--now`, `SOURCE_DATE_EPOCH`) on each side of every moment, in every form a
//! moment can be written (a date, a local time in the site's zone, an offset, UTC), and read
//! back from every file the build writes.

use crate::common::*;

/// Winter in New York is UTC-5: local times in the front matter mean that.
const CONFIG_NY: &str = "title = \"Teaching file\"\nbase_url = \"https://teach.example.org/\"\n\n[[taxonomies]]\nname = \"tags\"\n\n[program]\ntimezone = \"America/New_York\"\n";

/// The answer of the quiz below, piece by piece: none may be published before its reveal.
const SECRETS: &[&str] = &[
    "Tension pneumothorax",
    "Skin fold artefact",
    "Giant bulla",
    "Look for the visceral pleural line",
    "Reference Journal 2020",
    "ANSWERBODYMARKER",
    "tension-pneumothorax",
];

fn quiz(reveal: &str) -> String {
    format!(
        "+++
title = \"Tension pneumothorax\"
date = 2027-01-04
quiz = true
presentation = \"Sudden dyspnoea after a fall.\"
diagnosis = \"Tension pneumothorax\"
differential = [\"Skin fold artefact\", \"Giant bulla\"]
teaching_points = [\"Look for the visceral pleural line\"]
references = [\"Author A. Reference Journal 2020;1:1.\"]
tags = [\"chest\", \"tension pneumothorax\"]
{reveal}
+++
What do you see?

<!-- answer -->

ANSWERBODYMARKER: the mediastinum is shifted.
"
    )
}

fn site(files: &[(&str, String)]) -> TestSite {
    let mut all = vec![
        ("config.toml", CONFIG_NY.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        ("content/about.md", ABOUT.to_string()),
    ];
    all.extend(files.iter().cloned());
    TestSite::with(&all)
}

/// Every text file of the output, by path.
fn outputs(site: &TestSite) -> Vec<(String, String)> {
    list_files(&site.out(""))
        .into_iter()
        .filter_map(|rel| {
            let text = std::fs::read_to_string(site.out(&rel)).ok()?;
            Some((rel, text))
        })
        .collect()
}

fn files_containing(site: &TestSite, needle: &str) -> Vec<String> {
    outputs(site)
        .into_iter()
        .filter(|(_, t)| t.contains(needle))
        .map(|(rel, _)| rel)
        .collect()
}

fn post(title: &str, schedule: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = 2027-01-02\n{schedule}\n+++\nText of {title}.\n")
}

#[test]
fn a_page_is_out_of_every_output_until_it_is_published_in_every_form_of_a_moment() {
    // (how publish is written, the last moment before it in UTC, the moment itself in UTC)
    let forms = [
        // A date: midnight in the site's zone (05:00 UTC in January).
        (
            "publish = 2027-01-08",
            "2027-01-08T04:59:59Z",
            "2027-01-08T05:00:00Z",
        ),
        // A local time, in the site's zone.
        (
            "publish = 2027-01-08T12:00:00",
            "2027-01-08T16:59:59Z",
            "2027-01-08T17:00:00Z",
        ),
        // With its own offset.
        (
            "publish = 2027-01-08T12:00:00+01:00",
            "2027-01-08T10:59:59Z",
            "2027-01-08T11:00:00Z",
        ),
        // UTC, quoted as YAML and TOML strings allow.
        (
            "publish = \"2027-01-08T12:00:00Z\"",
            "2027-01-08T11:59:59Z",
            "2027-01-08T12:00:00Z",
        ),
    ];
    for (written, before, at) in forms {
        let site = site(&[(
            "content/cases/later/index.md",
            format!(
                "+++\ntitle = \"Scheduled case\"\ndate = 2027-01-02\ntags = [\"chest\"]\n{written}\n+++\nText.\n"
            ),
        )]);
        site.build_ok(&["--now", before]);
        assert!(!site.out("cases/later/index.html").exists(), "{written}");
        let found = files_containing(&site, "Scheduled case");
        assert!(
            found.is_empty(),
            "{written}: published before {at} in {found:?}"
        );
        assert!(
            files_containing(&site, "/cases/later/").is_empty(),
            "{written}"
        );

        site.build_ok(&["--now", at]);
        assert!(site.out("cases/later/index.html").exists(), "{written}");
        for listed in ["cases/index.html", "sitemap.xml", "tags/chest/index.html"] {
            assert!(
                site.read_out(listed).contains("/cases/later/"),
                "{written}: not in {listed} at {at}"
            );
        }
    }
}

#[test]
fn a_page_leaves_every_output_from_the_moment_it_expires() {
    let site = site(&[
        (
            "content/cases/old/index.md",
            "+++\ntitle = \"Expiring case\"\ndate = 2027-01-02\ntags = [\"chest\"]\nexpire = 2027-03-01T09:00:00\n+++\nText.\n".into(),
        ),
        ("content/cases/b/index.md", case_md("Other case")),
    ]);
    site.build_ok(&["--now", "2027-03-01T13:59:59Z"]);
    assert!(site.read_out("cases/index.html").contains("Expiring case"));
    site.build_ok(&["--now", "2027-03-01T14:00:00Z"]);
    assert!(!site.out("cases/old/index.html").exists());
    assert_eq!(
        files_containing(&site, "Expiring case"),
        Vec::<String>::new()
    );
    assert!(site.read_out("cases/index.html").contains("Other case"));
}

#[test]
fn a_quiz_publishes_no_part_of_its_answer_before_its_reveal_and_all_of_it_after() {
    let site = site(&[(
        "content/cases/tp/index.md",
        quiz("reveal = 2027-01-08T12:00:00-05:00"),
    )]);
    site.build_ok(&["--now", "2027-01-08T16:59:59Z"]);
    for secret in SECRETS {
        let found = files_containing(&site, secret);
        assert!(
            found.is_empty(),
            "{secret:?} published before the reveal in {found:?}"
        );
    }
    let page = site.html("cases/case-sudden-dyspnoea-after-a-fall/index.html");
    assert!(texts(&page, "details.answer").is_empty());
    assert_eq!(
        attr(&page, ".answer-due time", "datetime"),
        "2027-01-08T17:00:00+00:00"
    );
    assert!(
        text(&page, ".answer-due").contains("8 January 2027, 12:00 EST"),
        "{}",
        text(&page, ".answer-due")
    );
    // The question is there.
    assert!(text(&page, ".prose").contains("What do you see?"));

    site.build_ok(&["--now", "2027-01-08T17:00:00Z"]);
    let page = site.html("cases/case-sudden-dyspnoea-after-a-fall/index.html");
    let answer = text(&page, "details.answer");
    for secret in &SECRETS[..6] {
        assert!(
            answer.contains(secret),
            "{secret:?} not in the answer: {answer}"
        );
    }
    assert!(texts(&page, ".answer-due").is_empty());
    // Still a quiz: lists and feeds never hold the answer.
    for (rel, text) in outputs(&site) {
        if rel.ends_with("case-sudden-dyspnoea-after-a-fall/index.html") {
            continue;
        }
        for secret in SECRETS {
            assert!(
                !text.contains(secret),
                "{secret:?} in {rel} after the reveal"
            );
        }
    }
}

#[test]
fn source_date_epoch_is_today_as_now_is() {
    let site = site(&[(
        "content/cases/tp/index.md",
        quiz("reveal = 2027-01-08T12:00:00-05:00"),
    )]);
    let page = "cases/case-sudden-dyspnoea-after-a-fall/index.html";
    for (epoch, revealed) in [("1799427599", false), ("1799427600", true)] {
        let out = site
            .build_cmd(&[])
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap();
        assert!(out.status.success());
        let shown = !texts(&site.html(page), "details.answer").is_empty();
        assert_eq!(shown, revealed, "SOURCE_DATE_EPOCH={epoch}");
    }
}

#[test]
fn the_build_says_when_the_next_change_is_due() {
    let site = site(&[
        (
            "content/cases/tp/index.md",
            quiz("reveal = 2027-01-08T12:00:00"),
        ),
        (
            "content/posts/later.md",
            post("Later post", "publish = 2027-02-01"),
        ),
        (
            "content/posts/going.md",
            post("Going post", "expire = 2027-01-20"),
        ),
        (
            "content/posts/_index.md",
            "+++\ntitle = \"Posts\"\npage_kind = \"post\"\n+++\n".into(),
        ),
    ]);
    let say = |now: &str| {
        site.build_ok(&["--now", now])
            .lines()
            .find(|l| l.starts_with("Next scheduled change"))
            .map(str::to_string)
    };
    let first = say("2027-01-05").expect("the reveal is due");
    assert!(
        first.contains("cases/tp/index.md reveals its answer at 2027-01-08 17:00 UTC")
            && first.contains("--now 2027-01-08T17:00:00Z"),
        "{first}"
    );
    let second = say("2027-01-08T17:00:00Z").expect("the expiry is due");
    assert!(
        second.contains("posts/going.md expires at 2027-01-20 05:00 UTC"),
        "{second}"
    );
    let third = say("2027-01-25").expect("the publication is due");
    assert!(
        third.contains("posts/later.md is published at 2027-02-01 05:00 UTC"),
        "{third}"
    );
    assert_eq!(say("2027-03-01"), None);
}

#[test]
fn a_link_to_a_page_not_yet_published_or_expired_says_which_and_when() {
    for (schedule, says, hint) in [
        (
            "publish = 2027-02-01",
            "is not published until 2027-02-01 05:00 UTC",
            "--now 2027-02-01T05:00:00Z",
        ),
        (
            "expire = 2027-01-01",
            "expired at 2027-01-01 05:00 UTC",
            "expire",
        ),
    ] {
        let site = site(&[
            ("content/posts/target.md", post("Target", schedule)),
            (
                "content/about.md",
                "+++\ntitle = \"About\"\n+++\nSee [the post](@/posts/target.md).\n".into(),
            ),
        ]);
        let stderr = build_fails(&site, &["--now", "2027-01-10"]);
        assert!(
            stderr.contains("about.md:4") && stderr.contains(says) && stderr.contains(hint),
            "{stderr}"
        );
    }
}

#[test]
fn schedules_that_cannot_work_are_errors_on_their_line() {
    let cases = [
        // Not a quiz: nothing to reveal.
        (
            "content/cases/a/index.md",
            "+++\ntitle = \"A\"\ndate = 2027-01-02\nreveal = 2027-02-01\n+++\nText.\n",
            "index.md:4",
            "is not a quiz",
        ),
        // A post has no answer: the key does nothing there.
        (
            "content/posts/p.md",
            "+++\ntitle = \"P\"\ndate = 2027-01-02\nkind = \"post\"\nreveal = 2027-02-01\n+++\nText.\n",
            "p.md:5",
            "`reveal` is set, but this page is a post",
        ),
        // Taken down before it is up.
        (
            "content/posts/q.md",
            "+++\ntitle = \"Q\"\ndate = 2027-01-02\npublish = 2027-03-01\nexpire = 2027-02-01\n+++\nText.\n",
            "q.md:5",
            "is not after `publish`",
        ),
        // The same moment for both.
        (
            "content/posts/q.md",
            "+++\ntitle = \"Q\"\npublish = 2027-03-01T10:00:00Z\nexpire = 2027-03-01T05:00:00\n+++\nText.\n",
            "q.md:4",
            "is not after `publish`",
        ),
        // 02:30 does not exist in New York on 14 March 2027.
        (
            "content/posts/r.md",
            "+++\ntitle = \"R\"\npublish = 2027-03-14T02:30:00\n+++\nText.\n",
            "r.md:3",
            "does not exist in America/New_York",
        ),
        // 01:30 happens twice on 7 November 2027.
        (
            "content/cases/b/index.md",
            "+++\ntitle = \"B\"\nquiz = true\nreveal = 2027-11-07T01:30:00\n+++\nText.\n",
            "index.md:4",
            "happens twice",
        ),
        // Not a moment at all.
        (
            "content/posts/s.md",
            "+++\ntitle = \"S\"\npublish = \"next Friday\"\n+++\nText.\n",
            "s.md:3",
            "publish",
        ),
    ];
    for (file, text, at, says) in cases {
        let site = site(&[
            (file, text.to_string()),
            (
                "content/posts/_index.md",
                "+++\ntitle = \"Posts\"\n+++\n".into(),
            ),
        ]);
        let stderr = build_fails(&site, &["--now", "2027-01-10"]);
        assert!(
            stderr.contains(at) && stderr.contains(says),
            "{file}: want {at} and {says:?}:\n{stderr}"
        );
    }
}

/// A page still to be published is held to the rules of its keys now, not first by the build
/// that publishes it: a key its kind does not show, a person key wrong for its kind, `reveal`
/// on a case that is not a quiz, each on its line.
#[test]
fn a_page_not_yet_published_is_checked_now() {
    let cases = [
        (
            "content/posts/p.md",
            "+++\ntitle = \"Post\"\npublish = 2027-06-01\ndiagnosis = \"Pneumothorax\"\n+++\nText.\n",
            "content/posts/p.md:4",
            "`diagnosis` is set, but this page is a page",
        ),
        (
            "content/cases/c/index.md",
            "+++\ntitle = \"Case\"\npublish = 2027-06-01\nreveal = 2027-06-02\n+++\nText.\n",
            "content/cases/c/index.md:4",
            "`reveal`",
        ),
        (
            "content/cases/d/index.md",
            "+++\ntitle = \"Case\"\npublish = 2027-06-01\nrole = \"faculty\"\n+++\nText.\n",
            "content/cases/d/index.md:4",
            "`role` is set, but this page is a case",
        ),
    ];
    for (rel, md, at, want) in cases {
        let site = site(&[(rel, md.to_string())]);
        let err = build_fails(&site, &["--now", "2027-01-01"]);
        assert!(err.contains(at) && err.contains(want), "{rel}: {err}");
        // Once published, the same error.
        let err = build_fails(&site, &["--now", "2027-07-01"]);
        assert!(err.contains(at) && err.contains(want), "{rel}: {err}");
    }
}
