//! Content rules that need no process, run in-process on real site folders: the front matter
//! key table against every page kind, and what a quiz discloses across the library.

use radcase::diagnostic::Errors;
use radcase::front::{Kind, keys, keys::Type};
use radcase::pipeline::{self, Pipeline, Settings};

use crate::common::*;

fn load(site: &TestSite) -> Result<Pipeline, Errors> {
    let settings = Settings {
        site: site.dir.clone(),
        cache_dir: Some(site.tmp.path().join("cache")),
        ..Settings::default()
    };
    Pipeline::load(&settings, pipeline::load_config(&settings)?)
}

/// A value of the right type for `ty`, as TOML, that needs no file beside the page.
fn valid_value(ty: Type) -> Option<&'static str> {
    Some(match ty {
        Type::Text => "\"some text\"",
        Type::TextList => "[\"one\", \"two\"]",
        Type::Bool => "true",
        Type::Int => "3",
        Type::Count => "3",
        Type::Date => "2024-05-02",
        Type::Kind => "\"post\"",
        Type::SortBy => "\"title\"",
        Type::Sex => "\"F\"",
        Type::Age => "45",
        Type::Window => "\"lung\"",
        // These name files or need entries of their own; their place is checked all the same.
        Type::Images => "[{ file = \"ct.png\", alt = \"Axial CT\" }]",
        Type::Stacks => "[{ dir = \"axial\", alt = \"Axial CT\" }]",
        Type::Role => "\"faculty\"",
        Type::Year => "2027",
        Type::Focus => "[50, 50]",
        Type::Links => "{ website = \"https://example.org/\" }",
        Type::When => "2027-01-15",
        Type::Zone => "\"Europe/Berlin\"",
        Type::Url => "\"https://example.org/open-house\"",
        // `true` on an event; a post takes a date, and says so in its own words.
        Type::Deadline => "true",
        Type::Days => "[14, 1]",
        Type::Questions => {
            "[{ prompt = \"Q\", answer = \"A\", options = [{ text = \"A\", rationale = \"a\" }, { text = \"B\", rationale = \"b\" }] }]"
        }
        Type::Table | Type::Acknowledgements => return None,
    })
}

/// A site with one section whose pages are of `kind`, and a page bundle setting `key`.
fn site_with(kind: Kind, key: &str, value: &str) -> TestSite {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        (
            "content/things/_index.md",
            format!(
                "+++\ntitle = \"Things\"\npage_kind = \"{}\"\n+++\n",
                kind.as_str()
            ),
        ),
        (
            "content/things/a/index.md",
            format!("+++\ntitle = \"A thing\"\ndate = 2024-05-02\n{key} = {value}\n+++\nText.\n"),
        ),
    ]);
    site.write("content/things/a/ct.png", png_bytes(40, 30));
    site.write("content/things/a/axial/1.png", png_bytes(40, 30));
    site.write("content/things/a/axial/2.png", png_bytes(40, 30));
    site
}

#[test]
fn every_key_a_kind_does_not_show_is_an_error_with_the_fix() {
    let mut checked = 0;
    for key in keys::ALL.iter().filter(|k| k.place.on_pages()) {
        let Some(value) = valid_value(key.ty) else {
            continue;
        };
        // `kind` itself would change the page's kind.
        if key.name == "kind" {
            continue;
        }
        for kind in Kind::ALL {
            let site = site_with(kind, key.name, value);
            let result = load(&site);
            let file = "content/things/a/index.md";
            let misplaced: Vec<_> = match &result {
                Ok(_) => Vec::new(),
                Err(e) => {
                    e.0.iter()
                        .filter(|d| {
                            d.message
                                .starts_with(&format!("`{}` is set, but", key.name))
                        })
                        .collect()
                }
            };
            if key.place.shown_by(kind) {
                assert!(
                    misplaced.is_empty(),
                    "{} on {} should be fine: {misplaced:?}",
                    key.name,
                    kind.with_article()
                );
                continue;
            }
            checked += 1;
            assert_eq!(
                misplaced.len(),
                1,
                "`{}` on {} must be one error, got {result:?}",
                key.name,
                kind.with_article(),
                result = result.as_ref().err()
            );
            let d = misplaced[0];
            assert!(d.path.as_ref().is_some_and(|p| p.ends_with(file)), "{d}");
            assert_eq!(d.line, Some(4), "{d}");
            let hint = d.hint.as_deref().unwrap_or_default();
            let want = key.place.kinds[0].as_str();
            assert!(
                hint.contains(&format!("kind = \"{want}\""))
                    && hint.contains(&format!("page_kind = \"{want}\""))
                    && hint.contains("content/things/_index.md"),
                "the hint names both fixes and the section file: {hint}"
            );
        }
    }
    // Every case key on four kinds, card_image on three: the table was really walked.
    assert!(checked >= 40, "only {checked} misplaced keys were checked");
}

#[test]
fn a_section_without_page_kind_makes_plain_pages_and_says_so() {
    // The slip a new user makes: 300 cases in a section that forgot `page_kind = "case"`.
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", "+++\ntitle = \"Cases\"\n+++\n".to_string()),
        (
            "content/cases/a/index.md",
            "+++\ntitle = \"Appendicitis\"\ndiagnosis = \"Acute appendicitis\"\nimages = [{ file = \"ct.png\", alt = \"Axial CT\" }]\n+++\n".to_string(),
        ),
    ]);
    site.write("content/cases/a/ct.png", png_bytes(40, 30));
    let Err(e) = load(&site) else {
        panic!("case keys on plain pages must not build")
    };
    let lines: Vec<(Option<usize>, &str)> =
        e.0.iter().map(|d| (d.line, d.message.as_str())).collect();
    assert_eq!(e.0.len(), 2, "{lines:?}");
    assert!(
        lines[0].1.contains("`diagnosis`") && lines[0].0 == Some(3),
        "{lines:?}"
    );
    assert!(
        lines[1].1.contains("`images`") && lines[1].0 == Some(4),
        "{lines:?}"
    );
    // Setting the kind on the page itself is the other fix.
    site.write(
        "content/cases/a/index.md",
        "+++\ntitle = \"Appendicitis\"\nkind = \"case\"\ndiagnosis = \"Acute appendicitis\"\nimages = [{ file = \"ct.png\", alt = \"Axial CT\" }]\n+++\n",
    );
    let p = load(&site).unwrap();
    assert_eq!(p.library().pages[0].gallery.len(), 1);
}

#[test]
fn a_quiz_is_never_filed_under_a_term_that_names_its_answer() {
    let quiz = "+++\ntitle = \"Ileocolic intussusception\"\ndate = 2024-03-01\nquiz = true\n\
                quiz_title = \"Unknown: crying infant\"\ndiagnosis = \"Ileocolic intussusception\"\n\
                differential = [\"Meckel diverticulum\"]\nmodality = [\"US\"]\nsystem = [\"Pediatrics\"]\n\
                tags = [\"intussusception\", \"meckel diverticulum\", \"target sign\", \"bowel\"]\n+++\nWhat is it?\n";
    let open = "+++\ntitle = \"Another intussusception\"\ndate = 2024-02-01\ndiagnosis = \"Intussusception\"\n\
                tags = [\"intussusception\"]\n+++\nText.\n";
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        ("content/cases/quiz.md", quiz.to_string()),
        ("content/cases/open.md", open.to_string()),
    ]);
    let p = load(&site).unwrap();
    let library = p.library();
    let quiz = library
        .pages
        .iter()
        .position(|p| p.rel == "cases/quiz.md")
        .unwrap();
    let filed: Vec<String> = library
        .taxonomies
        .iter()
        .flat_map(|t| {
            t.terms
                .iter()
                .filter(|term| term.pages.iter().any(|id| id.0 == quiz))
                .map(move |term| format!("{}:{}", t.config.name, term.name))
        })
        .collect();
    assert_eq!(
        filed,
        [
            "modality:US",
            "system:Pediatrics",
            "tags:bowel",
            "tags:target sign"
        ],
        "only terms that do not name the answer"
    );
    // The term still exists for the case that is not a quiz.
    let tags = library
        .taxonomies
        .iter()
        .find(|t| t.config.name == "tags")
        .unwrap();
    assert_eq!(tags.term("intussusception").unwrap().pages.len(), 1);
}

#[test]
fn a_page_of_the_wrong_kind_does_not_hide_the_other_files_errors() {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/b.md",
            "+++\ntitle = \"B\"\nkind = \"post\"\nage = 40\n+++\nText.\n".to_string(),
        ),
        (
            "content/cases/c.md",
            "+++\ntitle = \"C\"\nimages = [{ file = \"ct.png\", alt = \"Axial CT\" }]\n+++\nText.\n".to_string(),
        ),
        (
            "content/cases/a/index.md",
            "+++\ntitle = \"A\"\ncard_image = \"nope.png\"\n+++\nSee [this](@/cases/missing.md) and ![x](gone.png).\n".to_string(),
        ),
    ]);
    let Err(e) = load(&site) else {
        panic!("the site must not build")
    };
    let found: Vec<String> =
        e.0.iter()
            .map(|d| {
                let file = d
                    .path
                    .as_ref()
                    .unwrap()
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .to_string();
                let folder = d
                    .path
                    .as_ref()
                    .unwrap()
                    .parent()
                    .unwrap()
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .to_string();
                format!("{folder}/{file}:{}", d.line.unwrap_or(0))
            })
            .collect();
    for expected in [
        "cases/b.md:4",
        "cases/c.md:3",
        "a/index.md:3",
        "a/index.md:5",
    ] {
        assert!(
            found.iter().filter(|f| f.as_str() == expected).count() >= 1,
            "{expected} missing from {found:?}:\n{e}"
        );
    }
    assert!(
        e.0.len() >= 5,
        "the card image, the link and the image of a/ too:\n{e}"
    );
}

/// The front matter of one file, read as the loader reads it: its problems.
fn read_errors(
    file: &str,
    text: &str,
    taxonomies: &[&str],
) -> Vec<radcase::diagnostic::Diagnostic> {
    use radcase::front::{Record, Scope};
    let scope = if file.ends_with("_index.md") {
        Scope::Section
    } else {
        Scope::Page
    };
    Record::from_bytes(
        std::path::Path::new(file),
        text.as_bytes().to_vec(),
        scope,
        taxonomies,
    )
    .errors
}

/// Values of each category, as TOML and as YAML, with what an error must say about them.
/// `None` in YAML: the category has no YAML spelling of its own (a date is a string there).
/// An error names the value (one of `shown`: a list may be named by its entry, a table by its
/// key).
const CATEGORIES: &[(&str, &str, Option<&str>, &[&str])] = &[
    ("number", "42", Some("42"), &["42"]),
    ("fraction", "4.5", Some("4.5"), &["4.5"]),
    ("bool", "true", Some("true"), &["true"]),
    ("list", "[\"x\"]", Some("[x]"), &["list", "\"x\""]),
    ("list of numbers", "[42]", Some("[42]"), &["42"]),
    ("table", "{ a = \"x\" }", Some("{a: x}"), &["table", "`a`"]),
    ("text", "\"x\"", Some("x"), &["\"x\""]),
    ("date", "2024-05-02", None, &["2024-05-02"]),
];

/// Whether a value of `category` is of the right type for `ty` (whatever its content).
fn accepted(ty: Type, category: &str) -> bool {
    match ty {
        Type::Text => category == "text",
        // A single text is accepted for a list.
        Type::TextList => matches!(category, "text" | "list"),
        Type::Bool => category == "bool",
        Type::Int | Type::Count => category == "number",
        Type::Date => matches!(category, "date"),
        // "x" is no kind and no order either, but it is a sex (other).
        Type::Kind | Type::SortBy => false,
        Type::Sex => category == "text",
        Type::Age => matches!(category, "number" | "text"),
        Type::Table => category == "table",
        Type::Images | Type::Stacks | Type::Acknowledgements | Type::Questions => false,
        Type::Window => false,
        // A role or network named "x"/"a", or a year 42, is no value of these.
        Type::Role | Type::Year | Type::Focus | Type::Links => false,
        Type::When => category == "date",
        // A zone name and a web address are text, but "x" is neither: named all the same.
        Type::Zone | Type::Url => false,
        Type::Deadline => matches!(category, "bool" | "date"),
        // A single number is accepted for a list of days.
        Type::Days => matches!(category, "number" | "list of numbers"),
    }
}

#[test]
fn every_front_matter_key_refuses_a_value_of_the_wrong_type() {
    let mut checked = 0;
    let mut failures = Vec::new();
    let keys = keys::ALL
        .iter()
        .map(|k| (k.name, k.ty, k.place.on_pages()))
        // A taxonomy is a key of its own, a list of terms.
        .chain([("tags", Type::TextList, true)]);
    for (name, ty, on_pages) in keys {
        for &(category, toml, yaml, shown) in CATEGORIES {
            if accepted(ty, category) {
                continue;
            }
            let file = if on_pages {
                "content/cases/a/index.md"
            } else {
                "content/cases/_index.md"
            };
            // The key itself is left out of the lines before it, so it is never written twice.
            let title = name != "title";
            let kind = on_pages && name != "kind";
            let toml_head = format!(
                "{}{}",
                if title { "title = \"A\"\n" } else { "" },
                if kind { "kind = \"case\"\n" } else { "" }
            );
            let mut texts = vec![(
                "TOML",
                format!("+++\n{toml_head}{name} = {toml}\n+++\nText.\n"),
            )];
            if let Some(yaml) = yaml {
                let yaml_head = format!(
                    "{}{}",
                    if title { "title: A\n" } else { "" },
                    if kind { "kind: case\n" } else { "" }
                );
                texts.push((
                    "YAML",
                    format!("---\n{yaml_head}{name}: {yaml}\n---\nText.\n"),
                ));
            }
            // A list of numbers given for a list of texts must name the entry that is wrong.
            let shown: &[&str] = match (ty, category) {
                (Type::TextList, "list of numbers") => &["42"],
                (_, "list of numbers") => &["42", "a list"],
                _ => shown,
            };
            let line = 2 + usize::from(title) + usize::from(kind);
            for (format, text) in texts {
                checked += 1;
                let errors = read_errors(file, &text, &["tags"]);
                let ok = errors.iter().any(|d| {
                    d.line == Some(line)
                        && d.message.contains(&format!("`{name}`"))
                        && shown.iter().any(|s| d.message.contains(s))
                        && d.hint.is_some()
                });
                if !ok {
                    failures.push(format!(
                        "{format} {name} = {category}: no error on line {line} naming `{name}` and {shown:?}: {errors:?}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 300, "only {checked} combinations were checked");
}

#[test]
fn every_field_of_images_stacks_and_acknowledgements_must_be_text() {
    let tables = [
        (
            "images",
            &["file", "alt", "caption"][..],
            "{ file = \"ct.png\", alt = \"Axial CT\", caption = \"c\" }",
        ),
        (
            "stacks",
            &["dir", "alt", "caption"][..],
            "{ dir = \"axial\", alt = \"Axial CT\", caption = \"c\" }",
        ),
    ];
    let mut failures = Vec::new();
    for (key, fields, valid) in tables {
        for field in fields {
            for &(category, toml, _, shown) in CATEGORIES {
                if category == "text" {
                    continue;
                }
                let shown: &[&str] = if category == "list of numbers" {
                    &["a list"]
                } else {
                    shown
                };
                let entry = valid.replace(
                    &format!(
                        "{field} = \"{}\"",
                        valid
                            .split(&format!("{field} = \""))
                            .nth(1)
                            .unwrap()
                            .split('"')
                            .next()
                            .unwrap()
                    ),
                    &format!("{field} = {toml}"),
                );
                let text =
                    format!("+++\ntitle = \"A\"\nkind = \"case\"\n{key} = [\n  {entry},\n]\n+++\n");
                let errors = read_errors("content/cases/a/index.md", &text, &[]);
                let ok = errors.iter().any(|d| {
                    d.line == Some(5)
                        && d.message.contains(&format!("`{field}`"))
                        && d.message.contains(&format!("`{key}`"))
                        && shown.iter().any(|s| d.message.contains(s))
                        && d.hint.is_some()
                });
                if !ok {
                    failures.push(format!("{key}.{field} = {toml}: {errors:?}"));
                }
            }
        }
    }
    for field in ["rule", "text", "reason"] {
        for &(category, toml, _, shown) in CATEGORIES {
            if category == "text" {
                continue;
            }
            let shown: &[&str] = if category == "list of numbers" {
                &["a list"]
            } else {
                shown
            };
            let mut fields = [
                ("rule", "\"patient-name\"".to_string()),
                ("text", "\"Mr. Bones\"".to_string()),
                ("reason", "\"fictional\"".to_string()),
            ];
            fields.iter_mut().find(|(f, _)| *f == field).unwrap().1 = toml.to_string();
            let body: String = fields.iter().map(|(f, v)| format!("{f} = {v}\n")).collect();
            let text = format!("+++\ntitle = \"A\"\n[[privacy.acknowledge]]\n{body}+++\n");
            let line = 4 + fields.iter().position(|(f, _)| *f == field).unwrap();
            let errors = read_errors("content/a.md", &text, &[]);
            let ok = errors.iter().any(|d| {
                d.line == Some(line)
                    && d.message.contains(&format!("`{field}`"))
                    && shown.iter().any(|s| d.message.contains(s))
                    && d.hint.is_some()
            });
            if !ok {
                failures.push(format!("privacy.acknowledge.{field} = {toml}: {errors:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
