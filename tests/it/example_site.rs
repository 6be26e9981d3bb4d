//! The example site builds, and every case in it is shown with all its fields, in the lists it
//! belongs to. Expected values are read from the case files with the TOML/YAML parsers directly,
//! not through radcase, so the test checks radcase against the source of truth.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::common::*;
use scraper::Html;

/// The front matter of one example case, as plain JSON.
struct Case {
    /// The section folder: `cases` or `posts`.
    section: &'static str,
    dir: String,
    front: serde_json::Map<String, serde_json::Value>,
}

impl Case {
    fn str(&self, key: &str) -> Option<&str> {
        self.front.get(key).and_then(|v| v.as_str())
    }

    fn list(&self, key: &str) -> Vec<String> {
        match self.front.get(key) {
            Some(serde_json::Value::Array(a)) => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            Some(serde_json::Value::String(s)) => vec![s.clone()],
            _ => Vec::new(),
        }
    }

    /// The date as `YYYY-MM-DD…` text, whether TOML (a datetime value) or YAML (a string) wrote it.
    fn date(&self) -> String {
        match self.front.get("date") {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Object(m)) => m
                .values()
                .next()
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string(),
            _ => String::new(),
        }
    }

    fn quiz(&self) -> bool {
        self.front.get("quiz").and_then(|v| v.as_bool()) == Some(true)
    }

    /// A quiz's address comes from its neutral title, so it does not name the diagnosis.
    fn url(&self) -> String {
        let slug = match (self.quiz(), self.str("quiz_title")) {
            (true, Some(t)) => slugify(t),
            _ => self.dir.clone(),
        };
        format!("/{}/{slug}/", self.section)
    }
}

/// Lowercase words joined by dashes, as web addresses are made.
fn slugify(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site")
}

fn read_cases() -> Vec<Case> {
    read_section("cases")
}

/// Every page of a section: bundles (`dir/index.md`) and single files (`name.md`).
fn read_section(section: &'static str) -> Vec<Case> {
    let section_dir = example_dir().join("content").join(section);
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(&section_dir).unwrap() {
        let entry = entry.unwrap().path();
        let (path, dir) = if entry.join("index.md").is_file() {
            (
                entry.join("index.md"),
                entry.file_name().unwrap().to_string_lossy().to_string(),
            )
        } else if entry.extension().is_some_and(|e| e == "md")
            && entry.file_name().unwrap() != "_index.md"
        {
            (
                entry.clone(),
                entry.file_stem().unwrap().to_string_lossy().to_string(),
            )
        } else {
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap();
        let (delim, front) = if let Some(rest) = text.strip_prefix("+++\n") {
            ("+++", rest)
        } else {
            ("---", text.strip_prefix("---\n").expect("front matter"))
        };
        let end = front
            .find(&format!("\n{delim}\n"))
            .expect("closed front matter");
        let front = &front[..=end];
        let value: serde_json::Value = if delim == "+++" {
            let table: toml::Table = toml::from_str(front).unwrap();
            serde_json::to_value(table).unwrap()
        } else {
            serde_saphyr::from_str(front).unwrap()
        };
        cases.push(Case {
            section,
            dir,
            front: value.as_object().unwrap().clone(),
        });
    }
    cases.sort_by(|a, b| a.dir.cmp(&b.dir));
    cases
}

/// Build the example site into a temporary folder (never into the repository).
fn build() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    // The example site is the largest site the tests build (photos, cards, the pixel search):
    // in a debug build on a busy machine it takes longer than a small site's limit.
    radcase()
        .timeout(std::time::Duration::from_secs(300))
        .args(["build", "--quiet", "--output"])
        .arg(&out)
        .arg("--cache-dir")
        .arg(tmp.path().join("cache"))
        .arg(example_dir())
        .assert()
        .success();
    (tmp, out)
}

fn page(out: &Path, url: &str) -> Html {
    parse_html(&out.join(url.trim_start_matches('/')).join("index.html"))
}

/// URLs of the cards listed on a list page, following its pagination.
fn listed(out: &Path, url: &str) -> BTreeSet<String> {
    let mut urls = BTreeSet::new();
    let mut next = Some(url.to_string());
    while let Some(u) = next {
        let doc = page(out, &u);
        urls.extend(attrs(&doc, ".card-title a", "href"));
        next = attrs(&doc, ".pagination a[rel=next]", "href")
            .into_iter()
            .next();
    }
    urls
}

#[test]
fn example_site_has_what_the_issue_asks_for() {
    let cases = read_cases();
    assert!(cases.len() >= 8, "at least 8 cases");
    let quizzes = cases.iter().filter(|c| c.quiz()).count();
    assert!(quizzes >= 2, "at least two quiz cases, found {quizzes}");
    let modalities: BTreeSet<String> = cases.iter().flat_map(|c| c.list("modality")).collect();
    for m in ["CT", "MRI", "XR", "US"] {
        assert!(modalities.contains(m), "no {m} case: {modalities:?}");
    }
    let systems: BTreeSet<String> = cases.iter().flat_map(|c| c.list("system")).collect();
    assert!(systems.len() >= 4, "at least 4 systems: {systems:?}");
    let posts = std::fs::read_dir(example_dir().join("content/posts"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name() != "_index.md")
        .count();
    assert!(posts >= 2);
    assert!(example_dir().join("content/about.md").is_file());
}

#[test]
fn every_case_page_shows_all_its_fields() {
    let (_tmp, out) = build();
    // A playlist for the presenter, and quizzes whose answers open in stages.
    let playlist = page(&out, "/playlists/emergency-conference/");
    assert!(
        playlist
            .select(&sel("[data-presenter] [data-slide]"))
            .count()
            >= 3
    );
    let staged = read_cases()
        .iter()
        .filter(|c| {
            page(&out, &c.url())
                .select(&sel("details[data-stage=findings]"))
                .next()
                .is_some()
        })
        .count();
    assert!(staged >= 2, "{staged} cases with an answer in stages");
    for case in read_cases() {
        let doc = page(&out, &case.url());
        let main = text(&doc, "main");
        let title = case.str("title").unwrap();
        let diagnosis = case
            .str("diagnosis")
            .expect("every example case has a diagnosis");
        if case.quiz() {
            let quiz_title = case
                .str("quiz_title")
                .expect("example quizzes set quiz_title");
            assert_eq!(text(&doc, "h1"), quiz_title, "{}", case.dir);
            assert!(
                !text(&doc, "title").contains(title),
                "{}: real title in <title>",
                case.dir
            );
            // The outermost block: an answer in stages nests the later stages in it.
            let answer = text(&doc, "article.case > details.answer");
            // The diagnosis once: the author's title names it too, so it is not shown again
            // above it.
            assert_eq!(
                answer.matches(diagnosis).count(),
                1,
                "{}: the diagnosis once in the answer",
                case.dir
            );
            assert!(
                doc.select(&sel("details.answer .answer-title"))
                    .next()
                    .is_none(),
                "{}: the real title repeats the diagnosis",
                case.dir
            );
        } else {
            assert_eq!(text(&doc, "h1"), title, "{}", case.dir);
            assert!(text(&doc, ".diagnosis").contains(diagnosis), "{}", case.dir);
        }
        for key in ["presentation", "certainty", "license"] {
            if let Some(v) = case.str(key) {
                assert!(main.contains(v), "{}: {key} `{v}` not shown", case.dir);
            }
        }
        let differential = texts(&doc, ".differential li");
        assert_eq!(differential, case.list("differential"), "{}", case.dir);
        assert_eq!(
            texts(&doc, ".points li").len(),
            case.list("teaching_points").len(),
            "{}",
            case.dir
        );
        assert_eq!(
            texts(&doc, ".references li").len(),
            case.list("references").len(),
            "{}",
            case.dir
        );
        for author in case.list("authors") {
            assert!(
                text(&doc, ".page-head .meta").contains(&author),
                "{}: author {author}",
                case.dir
            );
        }
        if let Some(sex) = case.str("sex") {
            let facts = text(&doc, ".facts").to_lowercase();
            assert!(
                facts.contains(&sex.to_lowercase()[..1]),
                "{}: sex",
                case.dir
            );
        }
        let chips = texts(&doc, ".page-head .chips a");
        for term in case
            .list("modality")
            .iter()
            .chain(&case.list("system"))
            .chain(&case.list("tags"))
        {
            assert!(chips.contains(term), "{}: term {term} not linked", case.dir);
        }
        let images: Vec<_> = case
            .front
            .get("images")
            .and_then(|v| v.as_array())
            .cloned()
            .unwrap_or_default();
        let alts = attrs(&doc, ".gallery img", "alt");
        assert_eq!(alts.len(), images.len(), "{}", case.dir);
        for (img, alt) in images.iter().zip(&alts) {
            assert_eq!(img["alt"].as_str().unwrap(), alt);
        }
        // Every published size is a real image of the size the page says.
        let (imgs, sources) = (sel(".gallery img"), sel(".gallery source"));
        for el in doc.select(&imgs).chain(doc.select(&sources)) {
            let srcset = el.value().attr("srcset").unwrap_or_default().to_string();
            for candidate in srcset.split(", ").filter(|c| !c.is_empty()) {
                let (url, width) = candidate.rsplit_once(' ').unwrap();
                let published = out.join(url.trim_start_matches('/'));
                let decoded = image::open(&published)
                    .unwrap_or_else(|e| panic!("{}: {e}", published.display()));
                assert_eq!(format!("{}w", decoded.width()), width, "{url}");
            }
        }
    }
}

#[test]
fn lists_show_the_right_cases() {
    let (_tmp, out) = build();
    let cases = read_cases();
    let all: BTreeSet<String> = cases.iter().map(Case::url).collect();
    assert_eq!(
        listed(&out, "/cases/"),
        all,
        "the cases section lists every case"
    );

    for taxonomy in ["modality", "system", "tags"] {
        let mut by_term: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for case in cases.iter().chain(&read_section("posts")) {
            for term in case.list(taxonomy) {
                by_term.entry(term).or_default().insert(case.url());
            }
        }
        let list = page(&out, &format!("/{taxonomy}/"));
        let terms = attrs(&list, ".term-list a", "href");
        assert_eq!(terms.len(), by_term.len(), "{taxonomy} terms: {terms:?}");
        for (term, urls) in by_term {
            let slug = slugify(&term);
            let term_url = format!("/{taxonomy}/{slug}/");
            assert!(
                terms.contains(&term_url),
                "{term_url} not in the {taxonomy} list"
            );
            assert_eq!(listed(&out, &term_url), urls, "{term_url}");
        }
    }

    // The home page shows the newest cases, quiz titles only.
    let home = page(&out, "/");
    let mut newest: Vec<&Case> = cases.iter().collect();
    newest.sort_by_key(|c| std::cmp::Reverse(c.date()));
    let shown = attrs(&home, "#latest-cases ~ .cards .card-title a", "href");
    assert!(!shown.is_empty());
    for (case, url) in newest.iter().zip(&shown) {
        assert_eq!(&case.url(), url);
    }
    for case in cases.iter().filter(|c| c.quiz()) {
        let home_text = text(&home, "main");
        assert!(
            !home_text.contains(case.str("diagnosis").unwrap()),
            "{}: diagnosis on the home page",
            case.dir
        );
    }
}
