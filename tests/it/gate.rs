//! The output gate: what templates, themes and Markdown make of the sources passes the privacy
//! rules too, and a finding there names the page it comes from (or the published file).

use crate::common::*;

fn tree(site: &TestSite) -> Vec<(String, Vec<u8>)> {
    let root = site.path("public");
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(&root).unwrap().display().to_string();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

fn case_with_body(body: &str) -> String {
    format!("+++\ntitle = \"First case\"\ndate = 2024-05-02\n+++\nFindings.\n\n{body}\n")
}

#[test]
fn labels_parted_from_their_values_by_markup_are_caught_on_the_page() {
    // (body, rule, identifier): in the source, markup stands between the label and its value;
    // on the page they read together.
    let cases = [
        ("**MRN**: 4455667", "mrn", "4455667"),
        ("*Hospital no.* 00123456", "mrn", "00123456"),
        (
            "| MRN | 4455667 |\n|---|---|\n| seen | today |",
            "mrn",
            "4455667",
        ),
        (
            "| Member ID | 88442211 |\n|---|---|\n| a | b |",
            "health-plan",
            "88442211",
        ),
        ("__Accession__: RAD12345", "accession", "RAD12345"),
    ];
    for (body, rule, id) in cases {
        let site = TestSite::minimal();
        site.write("content/cases/a/index.md", case_with_body(body));
        let stderr = build_fails(&site, &[]);
        assert!(
            stderr.contains(&format!("privacy [{rule}]")),
            "{body}: {stderr}"
        );
        assert!(
            stderr.contains("content/cases/a/index.md:7"),
            "{body}: the page's file and line: {stderr}"
        );
        // Caught where it is written, or else on the page (never only in a list or a feed).
        assert!(
            !stderr.contains("shows in the published")
                || stderr.contains("shows in the published cases/a/index.html"),
            "{body}: {stderr}"
        );
        assert!(
            !stderr.contains(id),
            "{body}: the identifier is masked: {stderr}"
        );
        assert!(!site.path("public").exists(), "{body}: nothing written");
    }
}

#[test]
fn a_leak_the_gate_finds_leaves_the_previous_output_untouched() {
    let site = TestSite::minimal();
    site.build_ok(&[]);
    let before = tree(&site);
    site.write(
        "content/cases/a/index.md",
        case_with_body("**MRN**: 4455667"),
    );
    build_fails(&site, &[]);
    assert_eq!(tree(&site), before);
}

#[test]
fn a_template_that_labels_a_value_is_caught_and_the_page_is_named() {
    let site = TestSite::minimal();
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n[extra]\nref = \"00123456\"\n+++\nAbout this site.\n",
    );
    site.write(
        "templates/page.html",
        "<html><body><h1>{{ page.title }}</h1><p>Hospital number: {{ page.extra.ref }}</p></body></html>",
    );
    let stderr = build_fails(&site, &[]);
    assert!(stderr.contains("privacy [mrn]"), "{stderr}");
    assert!(stderr.contains("content/about.md:4"), "{stderr}");
    assert!(!stderr.contains("00123456"), "{stderr}");
}

#[test]
fn text_only_a_template_writes_is_caught_in_the_published_file() {
    // The template's own text has no identifier, and neither has the config value: only the
    // page the template makes of them does.
    let site = TestSite::minimal();
    site.write(
        "config.toml",
        format!("{CONFIG}[extra]\nref = \"00123456\"\n"),
    );
    site.write(
        "templates/404.html",
        "<html><body><p>Lost? Hospital number: {{ config.extra.ref }}.</p></body></html>",
    );
    let stderr = build_fails(&site, &[]);
    assert!(stderr.contains("privacy [mrn]"), "{stderr}");
    assert!(
        stderr.contains("404.html") && stderr.contains("made by the templates"),
        "{stderr}"
    );
    assert!(!stderr.contains("00123456"), "{stderr}");
}

#[test]
fn the_sites_own_details_and_dates_in_any_format_pass() {
    let site = TestSite::minimal();
    site.write(
        "config.toml",
        format!("{CONFIG}[extra]\nphone = \"617-555-0123\"\nemail = \"office@example.org\"\n"),
    );
    site.write(
        "templates/page.html",
        "<html><body><h1>{{ page.title }}</h1>\
         <p>Written {{ page.date | date(format=\"%e %B %Y\") }}, \
         updated {{ page.date | date(format=\"%m/%d/%Y\") }}.</p>\
         <p>Call {{ config.extra.phone }} or write to {{ config.extra.email }}.</p>\
         <!-- contact: {{ config.extra.phone }} --></body></html>",
    );
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\ndate = 2025-03-14\n+++\nAbout this site.\n",
    );
    site.build_ok(&[]);
    let html = site.read_out("about/index.html");
    assert!(
        html.contains("14 March 2025") && html.contains("03/14/2025"),
        "{html}"
    );
}

#[test]
fn an_acknowledgement_in_the_page_covers_what_the_gate_finds() {
    let site = TestSite::minimal();
    site.write(
        "content/cases/a/index.md",
        "+++\ntitle = \"First case\"\ndate = 2024-05-02\n\n[[privacy.acknowledge]]\n\
         rule = \"mrn\"\ntext = \"4455667\"\nreason = \"the phantom's made-up number\"\n+++\n\
         Findings.\n\n**MRN**: 4455667\n",
    );
    site.build_ok(&[]);
    assert!(site.read_out("cases/a/index.html").contains("4455667"));
}

#[test]
fn the_address_the_site_is_built_for_is_the_sites_own() {
    // serve builds for its local address; an IP address in every permalink is not a patient's.
    let site = TestSite::minimal();
    site.build_ok(&["--base-url", "http://127.0.0.1:1111/"]);
    assert!(
        site.read_out("about/index.html")
            .contains("http://127.0.0.1:1111/")
    );
}

#[test]
fn what_passed_before_is_checked_again_once_the_sources_say_less() {
    // Warm builds trust outputs the gate passed before. The about page is the same text in
    // both builds; it passed because another page wrote (and acknowledged) the same number.
    // Once that page no longer says it, the about page is checked again and fails.
    let site = TestSite::minimal();
    site.write(
        "templates/page.html",
        "<html><body><h1>{{ page.title }}</h1><p>Hospital number: {{ page.extra.ref }}</p></body></html>",
    );
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n[extra]\nref = \"00123456\"\n+++\nAbout.\n",
    );
    let case = |body: &str, ack: &str| {
        format!("+++\ntitle = \"First case\"\ndate = 2024-05-02\n{ack}+++\n{body}\n")
    };
    site.write(
        "content/cases/a/index.md",
        case(
            "The phantom's hospital number 00123456.",
            "[[privacy.acknowledge]]\nrule = \"mrn\"\ntext = \"00123456\"\nreason = \"a made-up number\"\n",
        ),
    );
    site.build_ok(&[]);
    let about = site.read_out("about/index.html");
    site.build_ok(&[]);
    site.write("content/cases/a/index.md", case("Findings.", ""));
    let stderr = build_fails(&site, &[]);
    assert!(stderr.contains("privacy [mrn]"), "{stderr}");
    assert!(stderr.contains("content/about.md"), "{stderr}");
    assert!(about.contains("Hospital number: 00123456"));
}

/// An acknowledgement that covers what only the output gate finds (a template puts a label
/// before a value) is in use: no build, cold or warm, nor serve, calls it stale (they did,
/// and removing it as told failed the build). One that covers nothing still is.
#[test]
fn an_acknowledgement_only_the_gate_uses_is_not_stale() {
    let site = TestSite::minimal();
    let about = |ack: &str| {
        format!(
            "+++\ntitle = \"About\"\n[extra]\nref = \"00123456\"\n\n[[privacy.acknowledge]]\nrule = \"mrn\"\ntext = \"{ack}\"\nreason = \"the phantom's made-up number\"\n+++\nAbout this site.\n"
        )
    };
    site.write("content/about.md", about("00123456"));
    site.write(
        "templates/page.html",
        "<html><body><h1>{{ page.title }}</h1><p>Hospital number: {{ page.extra.ref }}</p></body></html>",
    );
    for round in ["cold", "warm"] {
        let stderr = site.build_ok(&[]);
        assert!(!stderr.contains("matches no finding"), "{round}: {stderr}");
    }
    assert!(site.read_out("about/index.html").contains("00123456"));
    let server = crate::common::server::Server::start(&site, &[]);
    let page = server.get("/about/").text();
    assert!(page.contains("00123456"), "{page}");
    assert!(
        !server.log().contains("matches no finding"),
        "{}",
        server.log()
    );
    drop(server);
    // An acknowledgement of text that is nowhere is stale, and the template's label fails.
    site.write("content/about.md", about("99999999"));
    let stderr = build_fails(&site, &[]);
    assert!(stderr.contains("privacy [mrn]"), "{stderr}");
    site.write(
        "templates/page.html",
        "<html><body><h1>{{ page.title }}</h1></body></html>",
    );
    let stderr = site.build_ok(&[]);
    assert!(
        stderr.contains("acknowledgement 1 (rule `mrn`) matches no finding"),
        "{stderr}"
    );
}
