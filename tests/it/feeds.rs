//! RSS and Atom feeds, read back with the feed crates: entries, links, dates, categories, and
//! quiz cases that never give their answer away.

use crate::common::*;

const DIAGNOSIS: &str = "Perforated appendicitis";
const DIFFERENTIAL: &str = "Mesenteric adenitis";
const ANSWER_TEXT: &str = "The appendicolith sits at the base";
const REAL_TITLE: &str = "Appendicitis with appendicolith";

fn feed_site(extra_config: &str) -> TestSite {
    let config = format!(
        "title = \"Teaching\"\nbase_url = \"https://teach.example.org/rad/\"\nauthor = \"Dept\"\n{extra_config}\n\
         [[taxonomies]]\nname = \"modality\"\nfeed = true\n[[taxonomies]]\nname = \"tags\"\n"
    );
    let site = TestSite::with(&[
        ("config.toml", config),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/older/index.md",
            "+++\ntitle = \"Older case\"\ndate = 2024-01-10\nauthors = [\"Dr. A\"]\nmodality = [\"CT\"]\ntags = [\"liver\"]\nimages = [{ file = \"ct.png\", alt = \"CT\" }]\n+++\nOlder body with ![inline](ct.png).\n".to_string(),
        ),
        (
            "content/cases/quiz/index.md",
            format!(
                "+++\ntitle = \"{REAL_TITLE}\"\ndate = 2024-03-01\nquiz = true\nquiz_title = \"Case: right lower quadrant pain\"\nmodality = [\"CT\"]\ntags = [\"{DIAGNOSIS}\", \"abdomen\"]\ndiagnosis = \"{DIAGNOSIS}\"\ndifferential = [\"{DIFFERENTIAL}\"]\n+++\nWhat do you see?\n\n<!-- answer -->\n\n{ANSWER_TEXT}.\n"
            ),
        ),
        ("content/cases/newest.md", "+++\ntitle = \"Newest case\"\ndate = 2024-05-02T10:30:00+02:00\nmodality = \"MRI\"\n+++\nNewest body.\n".to_string()),
        ("content/about.md", ABOUT.to_string()),
    ]);
    site.write("content/cases/older/ct.png", png_bytes(600, 400));
    site
}

fn rss(site: &TestSite, rel: &str) -> rss::Channel {
    rss::Channel::read_from(site.read_out(rel).as_bytes()).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn atom(site: &TestSite, rel: &str) -> atom_syndication::Feed {
    atom_syndication::Feed::read_from(site.read_out(rel).as_bytes())
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn site_feeds_list_dated_pages_newest_first_with_absolute_links() {
    let site = feed_site("");
    site.build_ok(&[]);
    let channel = rss(&site, "rss.xml");
    assert_eq!(channel.title(), "Teaching");
    assert_eq!(channel.link(), "https://teach.example.org/rad/");
    let titles: Vec<&str> = channel.items().iter().filter_map(|i| i.title()).collect();
    assert_eq!(
        titles,
        [
            "Newest case",
            "Case: right lower quadrant pain",
            "Older case"
        ],
        "undated pages are left out"
    );
    for item in channel.items() {
        let link = item.link().unwrap();
        assert!(
            link.starts_with("https://teach.example.org/rad/cases/"),
            "{link}"
        );
        assert_eq!(item.guid().unwrap().value(), link, "a stable id");
        chrono::DateTime::parse_from_rfc2822(item.pub_date().unwrap()).unwrap();
    }
    let newest = &channel.items()[0];
    assert_eq!(newest.pub_date(), Some("Thu, 2 May 2024 10:30:00 +0200"));
    let older = &channel.items()[2];
    let cats: Vec<&str> = older.categories().iter().map(|c| c.name()).collect();
    assert_eq!(cats, ["CT", "liver"]);
    assert_eq!(older.dublin_core_ext().unwrap().creators(), ["Dr. A"]);
    // Full content, with image URLs made absolute for feed readers.
    let content = older.content().unwrap();
    assert!(content.contains("Older body"));
    assert!(
        content.contains("src=\"https://teach.example.org/rad/cases/older/ct-"),
        "{content}"
    );
    assert!(!content.contains("src=\"/"), "{content}");

    let feed = atom(&site, "atom.xml");
    assert_eq!(feed.id(), "https://teach.example.org/rad/atom.xml");
    assert_eq!(feed.entries().len(), 3);
    let first = &feed.entries()[0];
    assert_eq!(first.title().as_str(), "Newest case");
    assert_eq!(
        first.published().unwrap().to_rfc3339(),
        "2024-05-02T10:30:00+02:00"
    );
    assert_eq!(
        first.links()[0].href(),
        "https://teach.example.org/rad/cases/newest/"
    );
    assert_eq!(feed.entries()[2].authors()[0].name(), "Dr. A");
}

#[test]
fn quiz_entries_never_give_the_answer_away() {
    let site = feed_site("");
    site.build_ok(&[]);
    let mut texts = Vec::new();
    for rel in ["rss.xml", "cases/rss.xml", "modality/ct/rss.xml"] {
        let channel = rss(&site, rel);
        let quiz = channel
            .items()
            .iter()
            .find(|i| i.title() == Some("Case: right lower quadrant pain"))
            .expect("quiz listed");
        texts.push(quiz.title().unwrap_or_default().to_string());
        texts.push(quiz.description().unwrap_or_default().to_string());
        texts.push(quiz.content().unwrap_or_default().to_string());
        texts.push(quiz.link().unwrap_or_default().to_string());
        texts.extend(quiz.categories().iter().map(|c| c.name().to_string()));
        assert!(
            quiz.content()
                .unwrap_or_default()
                .contains("What do you see?")
        );
    }
    for rel in ["atom.xml", "cases/atom.xml", "modality/ct/atom.xml"] {
        let feed = atom(&site, rel);
        let quiz = feed
            .entries()
            .iter()
            .find(|e| e.title().as_str() == "Case: right lower quadrant pain")
            .expect("quiz listed");
        texts.push(
            quiz.summary()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
        );
        texts.push(
            quiz.content()
                .and_then(|c| c.value())
                .unwrap_or_default()
                .to_string(),
        );
        texts.extend(quiz.categories().iter().map(|c| c.term().to_string()));
        let cats: Vec<&str> = quiz.categories().iter().map(|c| c.term()).collect();
        assert_eq!(
            cats,
            ["CT", "abdomen"],
            "the tag naming the diagnosis is left out"
        );
    }
    for text in &texts {
        for secret in [DIAGNOSIS, DIFFERENTIAL, ANSWER_TEXT, REAL_TITLE] {
            assert!(
                !text.to_lowercase().contains(&secret.to_lowercase()),
                "{secret:?} in feed text {text:?}"
            );
        }
    }
}

#[test]
fn section_and_term_feeds_exist_where_configured() {
    let site = feed_site("");
    site.build_ok(&[]);
    assert_eq!(rss(&site, "cases/rss.xml").items().len(), 3);
    let ct = rss(&site, "modality/ct/rss.xml");
    let titles: Vec<&str> = ct.items().iter().filter_map(|i| i.title()).collect();
    assert_eq!(titles, ["Case: right lower quadrant pain", "Older case"]);
    assert_eq!(atom(&site, "modality/mri/atom.xml").entries().len(), 1);
    // `tags` has no `feed = true`.
    assert!(!site.out("tags/liver/rss.xml").exists());

    // Every page's head points to the site feeds; list pages and their pages to their own.
    let alternates = |rel: &str| attrs(&site.html(rel), "head link[rel=alternate]", "href");
    assert_eq!(
        alternates("about/index.html"),
        ["/rad/rss.xml", "/rad/atom.xml"]
    );
    assert_eq!(
        alternates("cases/index.html"),
        [
            "/rad/rss.xml",
            "/rad/atom.xml",
            "/rad/cases/rss.xml",
            "/rad/cases/atom.xml"
        ]
    );
    assert_eq!(
        alternates("cases/older/index.html")[2],
        "/rad/cases/rss.xml"
    );
    assert_eq!(
        alternates("modality/ct/index.html")[2],
        "/rad/modality/ct/rss.xml"
    );
    assert_eq!(alternates("tags/liver/index.html").len(), 2);
    let types = attrs(
        &site.html("cases/index.html"),
        "head link[rel=alternate]",
        "type",
    );
    assert_eq!(types[..2], ["application/rss+xml", "application/atom+xml"]);
}

#[test]
fn feed_content_summary_and_feed_limit() {
    let site = feed_site("feed_content = \"summary\"\nfeed_limit = 2");
    site.build_ok(&[]);
    let channel = rss(&site, "rss.xml");
    assert_eq!(channel.items().len(), 2);
    for item in channel.items() {
        assert!(item.content().is_none(), "summary only");
        assert!(item.description().is_some());
    }
    let feed = atom(&site, "atom.xml");
    assert!(
        feed.entries()
            .iter()
            .all(|e| e.content().is_none() && e.summary().is_some())
    );
}

#[test]
fn bad_feed_settings_are_errors() {
    for (line, why) in [
        ("feed_limit = 0", "feed_limit"),
        ("feed_content = \"everything\"", "everything"),
    ] {
        let site = feed_site(line);
        let stderr = build_fails(&site, &[]);
        assert!(
            stderr.contains("config.toml:4") && stderr.contains(why),
            "{stderr}"
        );
    }
}

/// `content` of `<meta property=NAME>` or `<meta name=NAME>` in a page's head.
fn meta(doc: &scraper::Html, name: &str) -> Vec<String> {
    let mut out = attrs(doc, &format!("head meta[property='{name}']"), "content");
    out.extend(attrs(doc, &format!("head meta[name='{name}']"), "content"));
    out
}

#[test]
fn pages_carry_open_graph_and_x_card_tags() {
    let site = feed_site("");
    site.build_ok(&[]);
    let doc = site.html("cases/older/index.html");
    assert_eq!(meta(&doc, "og:type"), ["article"]);
    assert_eq!(meta(&doc, "og:title"), ["Older case"]);
    assert_eq!(
        meta(&doc, "og:url"),
        ["https://teach.example.org/rad/cases/older/"]
    );
    assert_eq!(meta(&doc, "og:site_name"), ["Teaching"]);
    // The image is the case's share card (tests/cards.rs looks inside it).
    let image = meta(&doc, "og:image");
    assert!(
        image.len() == 1
            && image[0].starts_with("https://teach.example.org/rad/cases/older/card-")
            && image[0].ends_with(".png"),
        "{image:?}"
    );
    assert_eq!(meta(&doc, "og:image:width"), ["1200"]);
    assert_eq!(meta(&doc, "og:image:height"), ["630"]);
    assert_eq!(
        meta(&doc, "og:image:alt"),
        ["Older case (CT), Teaching, beside the key image: CT"]
    );
    assert_eq!(
        meta(&doc, "article:published_time"),
        ["2024-01-10T00:00:00+00:00"]
    );
    assert_eq!(meta(&doc, "article:tag"), ["CT", "liver"]);
    assert_eq!(meta(&doc, "twitter:card"), ["summary_large_image"]);
    assert_eq!(meta(&doc, "twitter:image"), meta(&doc, "og:image"));
    assert_eq!(
        attrs(&doc, "head link[rel=canonical]", "href"),
        ["https://teach.example.org/rad/cases/older/"]
    );

    let list = site.html("cases/index.html");
    assert_eq!(meta(&list, "og:type"), ["website"]);
    // A list shows the site card.
    assert_eq!(meta(&list, "twitter:card"), ["summary_large_image"]);
    let site_card = meta(&list, "og:image");
    assert_eq!(site_card.len(), 1);
    assert!(
        site_card[0].starts_with("https://teach.example.org/rad/card-"),
        "{site_card:?}"
    );

    // A quiz's card says nothing of its answer.
    let quiz_url = site
        .html("cases/index.html")
        .select(&sel(".card-title a"))
        .find(|a| {
            a.text()
                .collect::<String>()
                .contains("right lower quadrant")
        })
        .and_then(|a| a.value().attr("href").map(str::to_string))
        .unwrap();
    let quiz = site.html(&format!(
        "{}index.html",
        quiz_url.trim_start_matches("/rad/")
    ));
    let head: Vec<String> = quiz
        .select(&sel("head meta"))
        .filter_map(|m| m.value().attr("content").map(str::to_string))
        .collect();
    assert!(head.iter().any(|c| c == "Case: right lower quadrant pain"));
    for content in head {
        for secret in [DIAGNOSIS, DIFFERENTIAL, REAL_TITLE] {
            assert!(
                !content.to_lowercase().contains(&secret.to_lowercase()),
                "{secret:?} in <meta content={content:?}>"
            );
        }
    }
}

#[test]
fn robots_txt_points_to_the_sitemap_unless_the_site_has_its_own() {
    let site = feed_site("");
    site.build_ok(&[]);
    assert_eq!(
        site.read_out("robots.txt"),
        "User-agent: *\nAllow: /\nSitemap: https://teach.example.org/rad/sitemap.xml\n"
    );
    site.write("static/robots.txt", "User-agent: *\nDisallow: /\n");
    site.build_ok(&[]);
    assert_eq!(site.read_out("robots.txt"), "User-agent: *\nDisallow: /\n");
}

/// The JSON-LD of a page, parsed.
fn jsonld(doc: &scraper::Html) -> serde_json::Value {
    let text = text(doc, "head script[type='application/ld+json']");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("JSON-LD does not parse: {e}\n{text}"))
}

#[test]
fn structured_data_parses_and_keeps_quiz_answers_out() {
    let site = feed_site("");
    site.build_ok(&[]);
    let older = jsonld(&site.html("cases/older/index.html"));
    let graph = older["@graph"].as_array().unwrap();
    assert_eq!(graph[0]["@type"], "MedicalWebPage");
    assert_eq!(
        graph[0]["url"],
        "https://teach.example.org/rad/cases/older/"
    );
    assert_eq!(graph[0]["datePublished"], "2024-01-10T00:00:00+00:00");
    assert_eq!(graph[0]["author"][0]["name"], "Dr. A");
    assert_eq!(
        graph[0]["primaryImageOfPage"]["url"],
        "https://teach.example.org/rad/cases/older/ct-600.jpg"
    );
    let crumbs = graph.last().unwrap();
    assert_eq!(crumbs["@type"], "BreadcrumbList");
    let crumbs: Vec<&str> = crumbs["itemListElement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(crumbs, ["Teaching", "Cases", "Older case"]);

    let quiz_url = "cases/case-right-lower-quadrant-pain/index.html";
    let quiz = jsonld(&site.html(quiz_url)).to_string().to_lowercase();
    for secret in [DIAGNOSIS, DIFFERENTIAL, REAL_TITLE] {
        assert!(
            !quiz.contains(&secret.to_lowercase()),
            "{secret:?} in the quiz's JSON-LD: {quiz}"
        );
    }
    assert!(
        site.html("about/index.html")
            .select(&sel("script[type='application/ld+json']"))
            .next()
            .is_some()
    );
}

#[test]
fn share_links_are_plain_links_with_the_encoded_address() {
    let site = feed_site("");
    site.build_ok(&[]);
    let doc = site.html("cases/older/index.html");
    let hrefs = attrs(&doc, "nav.share a", "href");
    let u = "https%3A%2F%2Fteach.example.org%2Frad%2Fcases%2Folder%2F";
    assert_eq!(hrefs.len(), 7, "{hrefs:?}");
    assert!(hrefs.iter().all(|h| h.contains(u)), "{hrefs:?}");
    assert!(hrefs[0].starts_with("https://x.com/intent/post?url="));
    assert!(hrefs[4].starts_with("https://www.threads.net/intent/post?text=Older%20case"));
    assert!(hrefs[5].starts_with("https://wa.me/?text=Older%20case"));
    assert!(hrefs[6].starts_with("mailto:?subject=Older%20case"));
    // Mastodon asks for the reader's server: it needs the script, which shows it.
    assert_eq!(
        attr(&doc, "nav.share button.share-mastodon", "data-share-text"),
        "Older case https://teach.example.org/rad/cases/older/"
    );
    assert!(
        doc.select(&sel("nav.share .share-mastodon[hidden]"))
            .next()
            .is_some()
    );
    assert!(
        doc.select(&sel("nav.share form.share-instance[hidden]"))
            .next()
            .is_some()
    );
    // The copy button waits for the script (no clipboard without it).
    assert_eq!(
        attr(&doc, "nav.share button[data-copy]", "data-copy"),
        "https://teach.example.org/rad/cases/older/"
    );
    assert!(
        doc.select(&sel("nav.share button[hidden]"))
            .next()
            .is_some()
    );
    // No third-party script anywhere.
    for src in attrs(&doc, "script[src]", "src") {
        assert!(src.starts_with("/rad/"), "external script {src}");
    }
}

#[test]
fn cases_people_and_events_carry_their_own_structured_data() {
    let site = TestSite::with(&[
        (
            "config.toml",
            "title = \"Teaching\"\nbase_url = \"https://teach.example.org/\"\nauthor = \"Riverside Radiology\"\n",
        ),
        ("content/cases/_index.md", CASES_SECTION),
        (
            "content/cases/a/index.md",
            "+++\ntitle = \"Pneumothorax\"\ndate = 2024-05-02\nauthors = [\"Dr. A\"]\ndiagnosis = \"Spontaneous pneumothorax\"\n+++\nBody.\n",
        ),
        (
            "content/people/_index.md",
            "+++\ntitle = \"People\"\npage_kind = \"person\"\n+++\n",
        ),
        (
            "content/people/ada.md",
            "+++\ntitle = \"Ada Moreno\"\ndescription = \"Leads the residency.\"\nrole = \"faculty\"\nposition = \"Program Director\"\n+++\nBio.\n",
        ),
        (
            "content/events/_index.md",
            "+++\ntitle = \"Events\"\npage_kind = \"event\"\n+++\n",
        ),
        (
            "content/events/open-house.md",
            "+++\ntitle = \"Open house\"\nstart = 2026-12-05T14:00:00Z\nend = 2026-12-05T16:00:00Z\nlocation = \"Radiology conference room\"\nregistration = \"https://teach.example.org/register\"\n+++\nCome and meet us.\n",
        ),
    ]);
    site.build_ok(&[]);
    let node = |page: &str, kind: &str| {
        let doc = jsonld(&site.html(page));
        doc["@graph"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["@type"] == kind)
            .unwrap_or_else(|| panic!("no {kind} in {page}: {doc}"))
            .clone()
    };
    let report = node("cases/a/index.html", "MedicalScholarlyArticle");
    assert_eq!(report["publicationType"], "Case Reports");
    assert_eq!(report["about"]["name"], "Spontaneous pneumothorax");
    assert_eq!(report["author"][0]["name"], "Dr. A");

    let person = node("people/ada/index.html", "Person");
    assert_eq!(person["name"], "Ada Moreno");
    assert_eq!(person["jobTitle"], "Program Director");
    // The program is the site's author (people.rs checks every other key).
    assert_eq!(person["affiliation"]["name"], "Riverside Radiology");
    assert_eq!(
        node("people/ada/index.html", "ProfilePage")["mainEntity"]["@id"],
        person["@id"]
    );

    let event = node("events/open-house/index.html", "Event");
    assert_eq!(event["name"], "Open house");
    assert_eq!(event["startDate"], "2026-12-05T14:00:00+00:00");
    assert_eq!(event["endDate"], "2026-12-05T16:00:00+00:00");
    assert_eq!(event["location"]["name"], "Radiology conference room");
    assert_eq!(
        event["eventAttendanceMode"],
        "https://schema.org/OfflineEventAttendanceMode"
    );
    assert_eq!(event["offers"]["url"], "https://teach.example.org/register");
    assert_eq!(event["organizer"]["name"], "Riverside Radiology");
}
