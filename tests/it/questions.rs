//! `[[questions]]` on a case: what the page holds before and after the answer may be shown,
//! that no other output ever holds a question's answer or rationales, and every way a
//! question can be written wrong, each on its line. (Choosing an option in Chromium:
//! `browser::questions_mark_a_choice_and_show_the_rationales`.)

use crate::common::*;

const RATIONALES: &[&str] = &[
    "RATIONALE-RIGHT bowel within bowel",
    "RATIONALE-WRONG-1 smaller and transient",
    "RATIONALE-WRONG-2 a thick pylorus",
];

fn case(extra: &str, questions: &str) -> String {
    format!(
        "+++
title = \"Ileocolic intussusception\"
date = 2027-01-04
presentation = \"Episodic crying in an infant.\"
diagnosis = \"Ileocolic intussusception\"
images = [{{ file = \"us.png\", alt = \"Transverse ultrasound\" }}]
{extra}
{questions}
+++
What do you see?
"
    )
}

fn questions() -> String {
    format!(
        "[[questions]]
prompt = \"What does the *transverse* view show?\"
image = \"us.png\"
answer = \"Ileocolic intussusception\"
options = [
  {{ text = \"Small-bowel intussusception\", rationale = \"{1}\" }},
  {{ text = \"Ileocolic intussusception\", rationale = \"{0}\" }},
  {{ text = \"Pyloric stenosis\", rationale = \"{2}\" }},
]

[[questions]]
prompt = \"Which finding rules out an enema?\"
answer = \"Free air\"
options = [
  {{ text = \"Free air\", rationale = \"Perforation needs surgery.\" }},
  {{ text = \"Nodes\", rationale = \"Usual in the mesentery.\" }},
]",
        RATIONALES[0], RATIONALES[1], RATIONALES[2]
    )
}

fn site(extra: &str) -> TestSite {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        ("content/cases/ic/index.md", case(extra, &questions())),
    ]);
    site.write("content/cases/ic/us.png", png_bytes(64, 48));
    site
}

/// Every text output but `except`, with its path.
fn other_outputs(site: &TestSite, except: &str) -> Vec<(String, String)> {
    list_files(&site.out(""))
        .into_iter()
        .filter(|rel| rel != except)
        .filter_map(|rel| Some((rel.clone(), std::fs::read_to_string(site.out(&rel)).ok()?)))
        .collect()
}

#[test]
fn a_case_shows_its_questions_and_an_answer_key_in_order() {
    let site = site("");
    site.build_ok(&[]);
    let page = site.html("cases/ic/index.html");
    let legends = texts(&page, "[data-question] legend");
    assert_eq!(
        legends,
        vec![
            "1. What does the transverse view show?",
            "2. Which finding rules out an enema?"
        ]
    );
    // Inline Markdown in the prompt.
    assert_eq!(text(&page, "[data-question] legend em"), "transverse");
    assert_eq!(
        texts(&page, "#question-1 .question-option label"),
        vec![
            "Small-bowel intussusception",
            "Ileocolic intussusception",
            "Pyloric stenosis"
        ]
    );
    // One group of radio buttons per question.
    assert_eq!(
        attrs(&page, "#question-2 input[type=radio]", "name"),
        vec!["question-2", "question-2"]
    );
    // The question's image is the case's image, in its published sizes.
    let src = attr(&page, "#question-1 .question-image img", "src");
    assert!(
        src.contains("us") && site.out(src.trim_start_matches('/')).exists(),
        "{src}"
    );
    assert_eq!(
        attr(&page, "#question-1 .question-image img", "alt"),
        "Transverse ultrasound"
    );
    assert!(texts(&page, "#question-2 .question-image").is_empty());
    // The key: which option is right (by index), and every rationale in the options' order.
    assert_eq!(attr(&page, "#question-1 [data-answer]", "data-answer"), "1");
    assert_eq!(
        text(&page, "#question-1 [data-answer]"),
        "Ileocolic intussusception"
    );
    assert_eq!(
        texts(&page, "#question-1 .answer-key-rationales li"),
        vec![RATIONALES[1], RATIONALES[0], RATIONALES[2]]
    );
    assert_eq!(attr(&page, "#question-2 [data-answer]", "data-answer"), "0");
    // The script that marks choices is loaded, and published.
    let script = attr(&page, "script[src*='questions.js']", "src");
    assert!(
        site.out(script.trim_start_matches('/')).exists(),
        "{script}"
    );
}

#[test]
fn no_output_but_the_page_holds_a_question_or_its_answer() {
    for extra in ["", "quiz = true"] {
        let site = site(extra);
        site.build_ok(&[]);
        let page = if extra.is_empty() {
            "cases/ic/index.html".to_string()
        } else {
            "cases/case-episodic-crying-in-an-infant/index.html".to_string()
        };
        assert!(site.read_out(&page).contains(RATIONALES[0]), "{extra}");
        for (rel, text) in other_outputs(&site, &page) {
            for secret in RATIONALES
                .iter()
                .copied()
                .chain(["What does the", "Answer key"])
            {
                assert!(!text.contains(secret), "{extra}: {secret:?} in {rel}");
            }
        }
    }
}

#[test]
fn before_its_reveal_a_quiz_shows_its_questions_without_their_key() {
    let site = site("quiz = true\nreveal = 2027-02-01T12:00:00Z");
    let page = "cases/case-episodic-crying-in-an-infant/index.html";
    site.build_ok(&["--now", "2027-02-01T11:59:00Z"]);
    let doc = site.html(page);
    assert_eq!(texts(&doc, "[data-question]").len(), 2);
    assert_eq!(texts(&doc, "#question-1 .question-option").len(), 3);
    assert!(texts(&doc, ".answer-key").is_empty());
    for secret in RATIONALES {
        assert!(
            !site.read_out(page).contains(secret),
            "{secret} before the reveal"
        );
    }
    site.build_ok(&["--now", "2027-02-01T12:00:00Z"]);
    assert_eq!(texts(&site.html(page), ".answer-key").len(), 2);
}

#[test]
fn an_identifier_in_a_question_fails_the_build_on_its_line() {
    let site = site("");
    site.write(
        "content/cases/ic/index.md",
        case(
            "",
            "[[questions]]\nprompt = \"What was found in MRN 4455667?\"\nanswer = \"A\"\noptions = [\n  { text = \"A\", rationale = \"Seen on 03/14/2026.\" },\n  { text = \"B\", rationale = \"No.\" },\n]",
        ),
    );
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("index.md:9") && stderr.contains("[mrn]"),
        "{stderr}"
    );
    assert!(
        stderr.contains("index.md:12") && stderr.contains("[full-date]"),
        "{stderr}"
    );
}

#[test]
fn every_way_a_question_can_be_wrong_is_an_error_on_its_line() {
    let opts = "options = [\n  { text = \"A\", rationale = \"a\" },\n  { text = \"B\", rationale = \"b\" },\n]";
    // (questions as written, the line of the error, what it says); the questions start on
    // line 8 of the file.
    let cases: Vec<(String, usize, &str)> = vec![
        ("questions = \"What is it?\"".into(), 8, "must be a list of tables"),
        ("questions = [\"What is it?\"]".into(), 8, "entry 1 in `questions` must be a table"),
        (format!("[[questions]]\nprompt = \"Q\"\nanswr = \"A\"\n{opts}"), 10, "did you mean `answer`"),
        (format!("[[questions]]\nanswer = \"A\"\n{opts}"), 8, "has no `prompt`"),
        (format!("[[questions]]\nprompt = \"  \"\nanswer = \"A\"\n{opts}"), 9, "is empty"),
        (format!("[[questions]]\nprompt = 42\nanswer = \"A\"\n{opts}"), 9, "must be text"),
        ("[[questions]]\nprompt = \"Q\"\nanswer = \"A\"".into(), 8, "has no `options`"),
        ("[[questions]]\nprompt = \"Q\"\nanswer = \"A\"\noptions = [{ text = \"A\", rationale = \"a\" }]".into(), 11, "at least two"),
        ("[[questions]]\nprompt = \"Q\"\nanswer = \"A\"\noptions = [\"A\", \"B\"]".into(), 11, "must be a table with `text` and `rationale`"),
        ("[[questions]]\nprompt = \"Q\"\nanswer = \"A\"\noptions = [\n  { text = \"A\" },\n  { text = \"B\", rationale = \"b\" },\n]".into(), 12, "has no `rationale`"),
        ("[[questions]]\nprompt = \"Q\"\nanswer = \"A\"\noptions = [\n  { text = \"A\", rationale = \"a\" },\n  { text = \"A\", rationale = \"b\" },\n]".into(), 13, "is written twice"),
        ("[[questions]]\nprompt = \"Q\"\nanswer = \"A\"\noptions = [\n  { text = \"A\", rationale = \"a\", correct = true },\n  { text = \"B\", rationale = \"b\" },\n]".into(), 12, "unknown key `correct`"),
        (format!("[[questions]]\nprompt = \"Q\"\nanswer = \"C\"\n{opts}"), 10, "is none of its options"),
        (format!("[[questions]]\nprompt = \"Q\"\nanswer = \"a\"\n{opts}"), 10, "did you mean \"A\""),
        (format!("[[questions]]\nprompt = \"Q\"\nimage = \"missing.png\"\nanswer = \"A\"\n{opts}"), 8, "is not one of this case's images"),
    ];
    for (questions, line, says) in cases {
        let site = site("");
        site.write("content/cases/ic/index.md", case("", &questions));
        let stderr = build_fails(&site, &[]);
        assert!(
            stderr.contains(&format!("index.md:{line}:")) && stderr.contains(says),
            "want line {line} and {says:?} for\n{questions}\n{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    // A post shows no questions: the key is an error there, with the fix.
    let site = site("");
    site.write(
        "content/posts/p.md",
        format!("+++\ntitle = \"P\"\nkind = \"post\"\n[[questions]]\nprompt = \"Q\"\nanswer = \"A\"\n{opts}\n+++\nText.\n"),
    );
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("p.md:4") && stderr.contains("`questions` is set, but this page is a post"),
        "{stderr}"
    );
}
