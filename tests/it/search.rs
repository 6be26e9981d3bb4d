//! The search index the build writes under `public/search/`, read back as the search script
//! reads it: a case is found by each field that is indexed, a quiz's answer is nowhere in it,
//! facets name the right pages, and two builds write the same bytes. Also the browsing parts
//! that come with it: `level`, related cases, counts in words and heading order.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::*;

/// The index of a built site, decoded.
struct Index {
    /// term → (doc, field bits)
    terms: BTreeMap<String, Vec<(usize, u64)>>,
    /// doc → its metadata
    meta: Vec<serde_json::Value>,
    /// facet → value → docs
    facets: BTreeMap<String, BTreeMap<String, BTreeSet<usize>>>,
    manifest: serde_json::Value,
    /// Every file of the index, concatenated, for looking for text that must not be there.
    raw: String,
}

fn undelta(list: &[serde_json::Value], step: usize) -> Vec<Vec<u64>> {
    let mut doc = 0;
    list.chunks(step)
        .map(|c| {
            doc += c[0].as_u64().unwrap();
            let mut v = vec![doc];
            v.extend(c[1..].iter().map(|x| x.as_u64().unwrap()));
            v
        })
        .collect()
}

fn read_json(site: &TestSite, rel: &str) -> serde_json::Value {
    let text = site.read_out(rel);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}\n{text}"))
}

impl Index {
    fn read(site: &TestSite) -> Index {
        let manifest = read_json(site, "search/index.json");
        let mut raw = String::new();
        for f in list_files(&site.out("search")) {
            raw.push_str(&site.read_out(&format!("search/{f}")));
            raw.push('\n');
        }
        let shards = manifest["shards"].as_u64().unwrap();
        let chunks = manifest["docs"]
            .as_u64()
            .unwrap()
            .div_ceil(manifest["chunk"].as_u64().unwrap());
        let mut terms = BTreeMap::new();
        for n in 0..shards {
            let shard = read_json(site, &format!("search/t/{n}.json"));
            for (term, list) in shard.as_object().unwrap() {
                let postings = undelta(list.as_array().unwrap(), 2)
                    .into_iter()
                    .map(|p| (p[0] as usize, p[1]))
                    .collect();
                assert!(
                    terms.insert(term.clone(), postings).is_none(),
                    "{term} twice"
                );
            }
        }
        let mut meta = Vec::new();
        for n in 0..chunks {
            let chunk = read_json(site, &format!("search/m/{n}.json"));
            meta.extend(chunk.as_array().unwrap().iter().cloned());
        }
        let mut facets = BTreeMap::new();
        for f in manifest["facets"].as_array().unwrap() {
            let name = f["name"].as_str().unwrap().to_string();
            let file = read_json(site, &format!("search/f/{name}.json"));
            let values = file
                .as_object()
                .unwrap()
                .iter()
                .map(|(v, list)| {
                    let docs = undelta(list.as_array().unwrap(), 1)
                        .into_iter()
                        .map(|p| p[0] as usize)
                        .collect();
                    (v.clone(), docs)
                })
                .collect();
            facets.insert(name, values);
        }
        Index {
            terms,
            meta,
            facets,
            manifest,
            raw,
        }
    }

    /// The addresses of the pages `term` is in, with the bits of where.
    fn find(&self, term: &str) -> Vec<(String, u64)> {
        self.terms
            .get(term)
            .into_iter()
            .flatten()
            .map(|&(d, bits)| (self.url(d), bits))
            .collect()
    }

    fn url(&self, doc: usize) -> String {
        self.meta[doc]["u"].as_str().unwrap().to_string()
    }

    fn doc_of(&self, url: &str) -> usize {
        self.meta
            .iter()
            .position(|m| m["u"] == url)
            .unwrap_or_else(|| panic!("{url} is not in the index"))
    }

    fn facet(&self, facet: &str, value: &str) -> BTreeSet<String> {
        self.facets[facet]
            .get(value)
            .into_iter()
            .flatten()
            .map(|&d| self.url(d))
            .collect()
    }
}

const TITLE: u64 = 1;
const DIAGNOSIS: u64 = 2;
const SUMMARY: u64 = 4;
const DIFFERENTIAL: u64 = 8;
const TERMS: u64 = 16;
const PEOPLE: u64 = 32;
const BODY: u64 = 64;

const PEOPLE_SECTION: &str = "+++\ntitle = \"People\"\npage_kind = \"person\"\n+++\n";

fn case(front: &str, body: &str) -> String {
    format!("+++\ndate = 2024-05-02\n{front}\n+++\n{body}\n")
}

#[test]
fn a_case_is_found_by_each_indexed_field() {
    // One rare word per field, each on its own case (or page), so a hit can only come from
    // that field.
    let rows: [(&str, String, &str, u64); 10] = [
        (
            "title",
            case("title = \"Zygomycosis of the sinus\"", "Text."),
            "zygomycosis",
            TITLE,
        ),
        (
            "presentation",
            case(
                "title = \"A\"\npresentation = \"Quadrantanopia for a week.\"",
                "Text.",
            ),
            "quadrantanopia",
            SUMMARY,
        ),
        (
            "description",
            case(
                "title = \"B\"\ndescription = \"A note on Kernohan notch.\"",
                "Text.",
            ),
            "kernohan",
            SUMMARY,
        ),
        (
            "diagnosis",
            case(
                "title = \"C\"\ndiagnosis = \"Hamartomatous polyposis\"",
                "Text.",
            ),
            "hamartomatous",
            DIAGNOSIS,
        ),
        (
            "differential",
            case(
                "title = \"D\"\ndifferential = [\"Sarcoidosis\", \"Erdheim-Chester disease\"]",
                "Text.",
            ),
            "erdheim",
            DIFFERENTIAL,
        ),
        (
            "a taxonomy term",
            case("title = \"E\"\ntags = [\"Juxtacortical\"]", "Text."),
            "juxtacortical",
            TERMS,
        ),
        (
            "a byline naming nobody's page",
            case("title = \"F\"\nauthors = [\"Tamsin Vardy\"]", "Text."),
            "vardy",
            PEOPLE,
        ),
        (
            "a byline naming a person page",
            case("title = \"G\"\nauthors = [\"orla-quenby\"]", "Text."),
            "quenby",
            PEOPLE,
        ),
        (
            "the body",
            case(
                "title = \"H\"",
                "The wall was **xanthogranulomatous** &amp; thick.",
            ),
            "xanthogranulomatous",
            BODY,
        ),
        (
            "an accented word, folded",
            case("title = \"I\"", "Signe de Ménétrier."),
            "menetrier",
            BODY,
        ),
    ];
    let mut files: Vec<(String, String)> = vec![
        ("config.toml".into(), CONFIG.into()),
        ("content/cases/_index.md".into(), CASES_SECTION.into()),
        ("content/people/_index.md".into(), PEOPLE_SECTION.into()),
        (
            "content/people/orla-quenby/index.md".into(),
            "+++\ntitle = \"Orla Quenby\"\nrole = \"faculty\"\n+++\nShe teaches.\n".into(),
        ),
    ];
    for (i, (_, text, _, _)) in rows.iter().enumerate() {
        files.push((format!("content/cases/c{i}/index.md"), text.clone()));
    }
    let site = TestSite::with(&files);
    site.build_ok(&[]);
    let index = Index::read(&site);
    for (i, (what, _, word, bit)) in rows.iter().enumerate() {
        // (A person page is found by its own name too: only the cases are compared here.)
        let hits: Vec<(String, u64)> = index
            .find(word)
            .into_iter()
            .filter(|(u, _)| u.starts_with("/cases/"))
            .collect();
        assert_eq!(
            hits,
            [(format!("/cases/c{i}/"), *bit)],
            "{what}: `{word}` should find only its case, in that field"
        );
    }
    // A person page is found by the person's name.
    let hits = index.find("quenby");
    assert!(
        hits.iter()
            .any(|(u, bits)| u == "/people/orla-quenby/" && bits & PEOPLE != 0),
        "{hits:?}"
    );
    // Results carry what the list cards show.
    let m = &index.meta[index.doc_of("/cases/c0/")];
    assert_eq!(m["t"], "Zygomycosis of the sinus");
    assert_eq!(m["k"], "case");
    // Stop words and single letters are not terms; the manifest lists the stop words.
    assert!(!index.terms.contains_key("the") && !index.terms.contains_key("a"));
    assert!(
        index.manifest["stop"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w == "the")
    );
}

#[test]
fn a_case_thumbnail_is_the_list_thumbnail() {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            case(
                "title = \"Chest film\"\nimages = [{ file = \"xr.png\", alt = \"Frontal chest radiograph\" }]",
                "Text.",
            ),
        ),
    ]);
    site.write("content/cases/a/xr.png", png_bytes(800, 600));
    site.build_ok(&[]);
    let index = Index::read(&site);
    let m = &index.meta[index.doc_of("/cases/a/")];
    let src = m["i"]["src"].as_str().expect("a thumbnail");
    let list = site.html("cases/index.html");
    assert_eq!(attr(&list, ".card-image img", "src"), src);
    assert!(site.out(src.trim_start_matches('/')).is_file(), "{src}");
}

/// Quiz cases whose answers are different kinds of words, with differentials, terms that name
/// the answer and text after the answer; every word listed in `secret` is written nowhere else.
fn quiz_site() -> (TestSite, Vec<(&'static str, &'static [&'static str])>) {
    let quizzes: Vec<(&str, String, &[&str])> = vec![
        (
            "one-word",
            case(
                "title = \"Osteopoikilosis\"\nquiz = true\ndiagnosis = \"Osteopoikilosis\"\ndifferential = [\"Melorheostosis\"]\npresentation = \"Incidental finding on a wrist film.\"\nmodality = [\"XR\"]\ntags = [\"osteopoikilosis\", \"bone\"]",
                "Look at the carpal bones.\n\n<!-- answer -->\n\nMultiple enostoses, the hallmark of sclerotic dysplasia.\n",
            ),
            &[
                "osteopoikilosis",
                "melorheostosis",
                "enostoses",
                "dysplasia",
            ],
        ),
        (
            "multi-word",
            case(
                "title = \"Kikuchi Fujimoto lymphadenitis\"\nquiz = true\ndiagnosis = \"Kikuchi-Fujimoto lymphadenitis\"\ndifferential = [\"Rosai-Dorfman disease\", \"Castleman disease\"]\npresentation = \"A young woman with neck nodes and fever.\"\nmodality = [\"CT\"]\nsystem = [\"Lymphadenitis\"]\ntags = [\"Castleman\"]",
                "Neck nodes are enlarged.\n\n<!-- answer -->\n\nNecrotizing histiocytic change confirmed it.\n",
            ),
            &[
                "kikuchi",
                "fujimoto",
                "lymphadenitis",
                "rosai",
                "dorfman",
                "castleman",
                "histiocytic",
            ],
        ),
        (
            "abbreviation",
            case(
                "title = \"PVNS of the knee\"\nquiz = true\ndiagnosis = \"PVNS (pigmented villonodular synovitis)\"\ndifferential = [\"TGCT\", \"Lipoma arborescens\"]\npresentation = \"Knee swelling and locking.\"\nmodality = [\"MRI\"]\ntags = [\"villonodular\", \"TGCT\", \"knee\"]",
                "Blooming on gradient echo.\n\n<!-- answer -->\n\nHemosiderin deposition explains the blooming.\n",
            ),
            &[
                "pvns",
                "pigmented",
                "villonodular",
                "synovitis",
                "tgct",
                "arborescens",
                "hemosiderin",
            ],
        ),
    ];
    let mut files: Vec<(String, String)> = vec![
        ("config.toml".into(), CONFIG.into()),
        ("content/cases/_index.md".into(), CASES_SECTION.into()),
        (
            "content/cases/open/index.md".into(),
            case(
                "title = \"Open case\"\ndiagnosis = \"Pneumothorax\"\nmodality = [\"XR\"]\ntags = [\"bone\"]",
                "Bones and lungs.",
            ),
        ),
    ];
    let mut secrets = Vec::new();
    for (name, text, secret) in quizzes {
        files.push((format!("content/cases/{name}/index.md"), text));
        secrets.push((name, secret));
    }
    (TestSite::with(&files), secrets)
}

#[test]
fn a_hidden_quiz_answer_is_nowhere_in_the_index() {
    let (site, secrets) = quiz_site();
    site.build_ok(&[]);
    let index = Index::read(&site);
    let raw = index.raw.to_lowercase();
    for (name, words) in &secrets {
        for w in *words {
            assert!(
                !raw.contains(w),
                "quiz `{name}`: `{w}` (its answer) is in the search index"
            );
        }
    }
    // Not vacuous: the quizzes are indexed, by what they show before the answer...
    for (word, quiz) in [
        ("carpal", "one-word"),
        ("neck", "multi-word"),
        ("blooming", "abbreviation"),
    ] {
        let hits = index.find(word);
        assert_eq!(hits.len(), 1, "`{word}`: {hits:?}");
        assert_eq!(index.meta[index.doc_of(&hits[0].0)]["q"], 1, "{quiz}");
    }
    // ...and the answers are real words of the site: the case pages show them in the answer.
    let page = site
        .read_out("cases/case-knee-swelling-and-locking/index.html")
        .to_lowercase();
    assert!(page.contains("villonodular") && page.contains("hemosiderin"));
    // A shown term of a quiz is a facet and a term; one naming the answer is neither.
    let doc = index.find("blooming")[0].0.clone();
    assert!(
        index
            .find("knee")
            .iter()
            .any(|(u, b)| *u == doc && b & TERMS != 0)
    );
}

#[test]
fn facets_name_the_right_pages() {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            case(
                "title = \"A\"\nmodality = [\"CT\", \"MRI\"]\nsystem = [\"Neuro\"]\nlevel = \"fellow\"",
                "Text.",
            ),
        ),
        (
            "content/cases/b/index.md",
            case(
                "title = \"B\"\nmodality = [\"CT\"]\nsystem = [\"Chest\"]\nlevel = [\"student\", \"resident\"]",
                "Text.",
            ),
        ),
        // A quiz whose system names its answer: not filed under it, in lists or in facets.
        (
            "content/cases/q/index.md",
            case(
                "title = \"Q\"\nslug = \"q\"\nquiz = true\ndiagnosis = \"Empyema\"\nmodality = [\"US\"]\nsystem = [\"Chest\", \"Empyema\"]\nlevel = \"resident\"",
                "Text.",
            ),
        ),
        (
            "content/posts/_index.md",
            "+++\ntitle = \"Posts\"\npage_kind = \"post\"\n+++\n".to_string(),
        ),
        (
            "content/posts/p.md",
            "+++\ntitle = \"P\"\ndate = 2024-01-01\nmodality = [\"CT\"]\n+++\nA post.\n"
                .to_string(),
        ),
        ("content/about.md", ABOUT.to_string()),
    ]);
    site.build_ok(&[]);
    let index = Index::read(&site);
    let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(
        index.facet("modality", "CT"),
        set(&["/cases/a/", "/cases/b/", "/posts/p/"])
    );
    assert_eq!(index.facet("modality", "MRI"), set(&["/cases/a/"]));
    assert_eq!(
        index.facet("system", "Chest"),
        set(&["/cases/b/", "/cases/q/"])
    );
    assert_eq!(index.facet("system", "Empyema"), set(&[]));
    assert_eq!(
        index.facet("level", "resident"),
        set(&["/cases/b/", "/cases/q/"])
    );
    assert_eq!(index.facet("level", "fellow"), set(&["/cases/a/"]));
    assert_eq!(index.facet("answer", "quiz"), set(&["/cases/q/"]));
    assert_eq!(
        index.facet("answer", "solved"),
        set(&["/cases/a/", "/cases/b/"])
    );
    assert_eq!(
        index.facet("kind", "case"),
        set(&["/cases/a/", "/cases/b/", "/cases/q/"])
    );
    assert_eq!(index.facet("kind", "post"), set(&["/posts/p/"]));
    assert_eq!(index.facet("kind", "page"), set(&["/about/"]));
    assert!(!index.raw.to_lowercase().contains("empyema"));
    // The manifest's counts are the facet files' sizes.
    let system = index.manifest["facets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "system")
        .unwrap();
    assert_eq!(
        system["values"],
        serde_json::json!([["Chest", "Chest", 2], ["Neuro", "Neuro", 1]])
    );
}

#[test]
fn two_builds_write_the_same_index() {
    let (site, _) = quiz_site();
    for i in 0..30 {
        site.write(
            &format!("content/cases/more-{i}/index.md"),
            case(
                &format!(
                    "title = \"Case number {i}\"\nmodality = [\"CT\"]\ntags = [\"t{}\"]",
                    i % 7
                ),
                &format!("Body {i} of words {}.", i * 31),
            ),
        );
    }
    let read_all = |site: &TestSite| -> BTreeMap<String, Vec<u8>> {
        list_files(&site.out("search"))
            .into_iter()
            .map(|f| {
                let bytes = std::fs::read(site.out(&format!("search/{f}"))).unwrap();
                (f, bytes)
            })
            .collect()
    };
    site.build_ok(&[]);
    let first = read_all(&site);
    site.build_ok(&[]);
    let second = read_all(&site);
    assert!(first.len() > 5, "{:?}", first.keys());
    assert_eq!(first, second, "the index differs between two builds");
}

#[test]
fn a_bad_level_is_an_error_with_its_file_and_line() {
    for (front, line, named, hint) in [
        (
            "level = \"attending\"",
            3,
            "attending",
            "\"student\", \"resident\" or \"fellow\"",
        ),
        (
            "level = [\"resident\", \"Senior\"]",
            3,
            "Senior",
            "\"student\", \"resident\" or \"fellow\"",
        ),
        (
            "level = \"Residents\"",
            3,
            "Residents",
            "did you mean \"resident\"",
        ),
    ] {
        let site = TestSite::with(&[
            ("config.toml", CONFIG.to_string()),
            ("content/cases/_index.md", CASES_SECTION.to_string()),
            (
                "content/cases/a/index.md",
                format!("+++\ntitle = \"A\"\n{front}\n+++\nText.\n"),
            ),
        ]);
        let stderr = build_fails(&site, &[]);
        assert!(
            stderr.contains(&format!("content/cases/a/index.md:{line}")),
            "{front}: no file and line:\n{stderr}"
        );
        assert!(
            stderr.contains(&format!("not \"{named}\"")),
            "{front}:\n{stderr}"
        );
        assert!(stderr.contains(hint), "{front}:\n{stderr}");
    }
    // The three levels are accepted, and each is a list of its own.
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            case(
                "title = \"A\"\nlevel = [\"student\", \"resident\", \"fellow\"]",
                "Text.",
            ),
        ),
    ]);
    site.build_ok(&[]);
    for level in ["student", "resident", "fellow"] {
        assert!(
            site.out(&format!("level/{level}/index.html")).is_file(),
            "{level}"
        );
    }
}

#[test]
fn related_cases_share_shown_terms_best_first() {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            case(
                "title = \"A\"\nmodality = [\"CT\"]\nsystem = [\"Chest\"]\ntags = [\"nodule\", \"smoker\"]",
                "Text.",
            ),
        ),
        // Shares a system and a tag: 4.
        (
            "content/cases/b/index.md",
            case(
                "title = \"B\"\nmodality = [\"XR\"]\nsystem = [\"Chest\"]\ntags = [\"nodule\"]",
                "Text.",
            ),
        ),
        // Shares the modality only: 1 (older than D, so after it on a tie).
        (
            "content/cases/c/index.md",
            "+++\ntitle = \"C\"\ndate = 2023-01-01\nmodality = [\"CT\"]\n+++\nText.\n".to_string(),
        ),
        (
            "content/cases/d/index.md",
            case("title = \"D\"\nmodality = [\"CT\"]", "Text."),
        ),
        // Shares nothing.
        (
            "content/cases/e/index.md",
            case("title = \"E\"\nmodality = [\"US\"]", "Text."),
        ),
        // A quiz whose answer names A's tag: that tag is hidden, so only its system links it.
        (
            "content/cases/q/index.md",
            case(
                "title = \"Q\"\nslug = \"q\"\nquiz = true\ndiagnosis = \"Smoker lung\"\nmodality = [\"MRI\"]\nsystem = [\"Chest\"]\ntags = [\"smoker\"]",
                "Text.",
            ),
        ),
        (
            "content/posts/p.md",
            "+++\ntitle = \"P\"\ndate = 2024-01-01\nmodality = [\"CT\"]\n+++\nA post.\n"
                .to_string(),
        ),
    ]);
    site.build_ok(&[]);
    let a = site.html("cases/a/index.html");
    assert_eq!(
        attrs(&a, ".related-list a", "href"),
        ["/cases/b/", "/cases/q/", "/cases/d/", "/cases/c/"],
        "best first, then newest; a post is not a related case"
    );
    let why = texts(&a, ".related-why");
    assert!(
        why[0].contains("Chest") && why[0].contains("nodule"),
        "{why:?}"
    );
    assert!(
        !why[1].to_lowercase().contains("smoker"),
        "a quiz is linked by its hidden term: {why:?}"
    );
    let q = site.html("cases/q/index.html");
    let q_why = texts(&q, ".related-why").join(" ");
    assert!(!q_why.to_lowercase().contains("smoker"), "{q_why}");
    assert_eq!(
        attrs(&q, ".related-list a", "href"),
        ["/cases/a/", "/cases/b/"]
    );
    // A case that shares nothing shows no related cases at all.
    let e = site.html("cases/e/index.html");
    assert!(texts(&e, ".related").is_empty());
}

#[test]
fn counts_say_what_they_count_and_lists_keep_heading_order() {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            case(
                "title = \"A\"\nmodality = [\"CT\"]\ntags = [\"x\"]",
                "Text.",
            ),
        ),
        (
            "content/cases/b/index.md",
            case("title = \"B\"\nmodality = [\"CT\"]", "Text."),
        ),
        (
            "content/cases/c/index.md",
            case("title = \"C\"\nmodality = [\"US\"]", "Text."),
        ),
        (
            "content/posts/_index.md",
            "+++\ntitle = \"Posts\"\npage_kind = \"post\"\n+++\n".to_string(),
        ),
        (
            "content/posts/p.md",
            "+++\ntitle = \"P\"\ndate = 2024-01-01\ntags = [\"x\"]\n+++\nA post.\n".to_string(),
        ),
    ]);
    site.build_ok(&[]);
    let term = |rel: &str| text(&site.html(rel), ".lede");
    assert_eq!(term("modality/ct/index.html"), "2 cases");
    assert_eq!(term("modality/us/index.html"), "1 case");
    assert_eq!(term("tags/x/index.html"), "1 case and 1 post");
    assert_eq!(
        text(&site.html("cases/index.html"), ".section-count"),
        "3 cases"
    );
    for rel in [
        "cases/index.html",
        "modality/ct/index.html",
        "posts/index.html",
    ] {
        let doc = site.html(rel);
        let levels: Vec<u8> = doc
            .select(&sel("main h1, main h2, main h3, main h4"))
            .map(|h| h.value().name()[1..].parse().unwrap())
            .collect();
        assert_eq!(levels.first(), Some(&1), "{rel}: {levels:?}");
        for w in levels.windows(2) {
            assert!(
                w[1] <= w[0] + 1,
                "{rel}: a heading level is skipped: {levels:?}"
            );
        }
    }
}

#[test]
fn the_search_page_says_it_needs_javascript_and_links_the_lists() {
    let site = TestSite::minimal();
    site.build_ok(&[]);
    let page = site.html("search/index.html");
    let noscript = site.read_out("search/index.html");
    assert!(noscript.contains("<noscript>") && noscript.contains("Search needs JavaScript"));
    assert_eq!(attr(&page, "label[for=search-q]", "for"), "search-q");
    assert_eq!(attr(&page, ".search-status", "aria-live"), "polite");
    assert!(
        noscript.contains("href=\"/cases/\""),
        "the lists are linked"
    );
    // Every page links the search page.
    let home = site.html("index.html");
    assert!(
        attrs(&home, "header a", "href")
            .iter()
            .any(|h| h == "/search/")
    );
}
