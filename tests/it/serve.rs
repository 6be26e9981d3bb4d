//! `radcase serve`: the real binary on a free port, driven over raw HTTP (so request paths
//! reach the server exactly as written) and its live-reload event stream.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use crate::common::server::{
    Reply, Server, WAIT, copy_dir, eventually, noise, read_response, save,
};
use crate::common::*;

fn two_case_site() -> TestSite {
    let site = TestSite::minimal();
    save(&site, "content/cases/b/index.md", case_md("Second case"));
    site
}

#[test]
fn edits_reload_the_page_and_errors_show_in_the_browser_until_fixed() {
    let site = two_case_site();
    let server = Server::start(&site, &[]);
    let page = server.get("/cases/a/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("First case"));
    let events = server.events();
    assert_eq!(events.next("build-ok"), "{}");

    save(&site, "content/cases/a/index.md", case_md("Edited case"));
    let reload: serde_json::Value = serde_json::from_str(&events.next("reload")).unwrap();
    let urls: Vec<&str> = reload["urls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap())
        .collect();
    assert!(urls.contains(&"/cases/a/"), "{urls:?}");
    // Incremental: the lists it is in, not unrelated pages.
    assert!(urls.contains(&"/cases/"), "{urls:?}");
    assert!(
        !urls.contains(&"*") && !urls.contains(&"/about/"),
        "{urls:?}"
    );
    assert!(server.get("/cases/a/").text().contains("Edited case"));
    assert!(server.get("/cases/").text().contains("Edited case"));

    save(
        &site,
        "content/cases/a/index.md",
        "+++\ntitle = = \"Broken\"\n+++\nBody\n",
    );
    let report: serde_json::Value = serde_json::from_str(&events.next("build-error")).unwrap();
    let error = &report["errors"][0];
    assert!(
        error["path"]
            .as_str()
            .unwrap()
            .ends_with("content/cases/a/index.md"),
        "{report}"
    );
    assert_eq!(error["line"], 2, "{report}");
    assert!(!error["message"].as_str().unwrap().is_empty());
    assert!(error["hint"].as_str().is_some(), "{report}");
    // The last good page is still served, and a page opened now sees the error at once.
    assert!(server.get("/cases/a/").text().contains("Edited case"));
    assert!(server.events().next("build-error").contains("index.md"));
    // The log reaches us through a reader thread, possibly after the event: wait for it.
    let until = Instant::now() + WAIT;
    while !server.log().contains("cases/a/index.md:2") && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    let log = server.log();
    assert_eq!(log.matches("cases/a/index.md:2").count(), 1, "{log}");

    save(&site, "content/cases/a/index.md", case_md("Fixed case"));
    assert_eq!(events.next("build-ok"), "{}");
    events.next("reload");
    assert!(server.get("/cases/a/").text().contains("Fixed case"));
    assert!(server.events().0.recv_timeout(WAIT).unwrap().0 == "build-ok");
}

#[test]
fn serves_types_folders_redirects_and_the_404_page_and_never_caches() {
    let site = TestSite::minimal();
    save(&site, "static/notes.txt", "plain text");
    save(
        &site,
        "static/logo.png",
        png_with_text(b"Patient: SECRET-NAME"),
    );
    let server = Server::start(&site, &[]);

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(home.header("content-type"), "text/html; charset=utf-8");
    assert_eq!(home.header("cache-control"), "no-store");
    assert!(home.text().contains("/__radcase/livereload.js"));
    let script = server.get("/__radcase/livereload.js");
    assert!(script.header("content-type").starts_with("text/javascript"));
    assert!(script.text().contains("EventSource"));

    let redirect = server.get("/cases?x=1");
    assert_eq!(redirect.status, 302);
    assert_eq!(redirect.header("location"), "/cases/?x=1");

    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.text().contains("Page not found"),
        "{}",
        missing.text()
    );

    for (path, kind) in [
        ("/css/radcase.css", "text/css"),
        ("/js/radcase.js", "text/javascript"),
        ("/rss.xml", "xml"),
        ("/atom.xml", "xml"),
        ("/sitemap.xml", "xml"),
        ("/notes.txt", "text/plain"),
        ("/logo.png", "image/png"),
        ("/favicon.svg", "image/svg+xml"),
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert!(
            r.header("content-type").contains(kind),
            "{path}: {}",
            r.header("content-type")
        );
        assert_eq!(r.header("cache-control"), "no-store", "{path}");
    }
    // Feeds point at the local server.
    let rss = server.get("/rss.xml").text();
    assert!(
        rss.contains(&format!("http://127.0.0.1:{}/", server.port)),
        "{rss}"
    );
    assert!(!rss.contains("https://example.org/"));
    // Images are re-encoded as `build` publishes them: no text chunk survives.
    let logo = server.get("/logo.png").body;
    assert!(image::load_from_memory(&logo).is_ok());
    assert!(!logo.windows(11).any(|w| w == b"SECRET-NAME"));

    let head = server.request("HEAD", "/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    // The length GET would send, as HTTP asks (it was 0).
    assert_eq!(head.header("content-length"), home.body.len().to_string());
    assert_eq!(server.request("POST", "/").status, 405);

    // `build` output never carries the reload script.
    site.build_ok(&[]);
    assert!(!site.read_out("index.html").contains("livereload"));
}

#[test]
fn request_paths_never_reach_files_outside_the_site() {
    let site = TestSite::minimal();
    std::fs::write(site.tmp.path().join("secret.txt"), "TOP-SECRET-OUTSIDE").unwrap();
    save(&site, "static/ok.txt", "inside");
    save(&site, "static/swapped.txt", "inside too");
    let server = Server::start(&site, &[]);
    assert_eq!(server.get("/ok.txt").text(), "inside");
    assert_eq!(server.get("/swapped.txt").text(), "inside too");
    // Links out of the site appear after the build: a new one (which fails the rebuild, so
    // the last good build is served) and one that replaces a file the build published (which
    // the server resolves at every request, and must not follow).
    #[cfg(unix)]
    {
        let events = server.events();
        let secret = site.tmp.path().join("secret.txt");
        std::os::unix::fs::symlink(&secret, site.path("static/leak.txt")).unwrap();
        std::fs::remove_file(site.path("static/swapped.txt")).unwrap();
        std::os::unix::fs::symlink(&secret, site.path("static/swapped.txt")).unwrap();
        let error = events.next("build-error");
        assert!(error.contains("outside the site folder"), "{error}");
        assert!(!error.contains("TOP-SECRET"), "{error}");
    }
    for path in [
        "/swapped.txt",
        "/../secret.txt",
        "/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/secret.txt",
        "/cases/..%2f..%2f..%2fsecret.txt",
        "/..%5c..%5csecret.txt",
        "/..\\..\\secret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/C:/secret.txt",
        "/leak.txt",
        "/config.toml",
        "/content/cases/a/index.md",
    ] {
        let r = server.get(path);
        assert!(matches!(r.status, 400 | 404), "{path}: {}", r.status);
        let text = r.text();
        assert!(
            !text.contains("TOP-SECRET") && !text.contains("root:"),
            "{path}"
        );
        assert!(!text.contains("base_url"), "{path}");
    }
    // An absolute URL in the request line names no file either.
    let r = server.raw(
        b"GET http://127.0.0.1/../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(!r.text().contains("TOP-SECRET"));
}

#[test]
fn slow_and_oversized_requests_do_not_block_other_clients() {
    let site = TestSite::minimal();
    let server = Server::start(&site, &[]);
    // Slowloris: many connections that never finish their headers.
    let mut slow = Vec::new();
    for _ in 0..40 {
        let mut s = server.connect();
        s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            .unwrap();
        slow.push(s);
    }
    let started = Instant::now();
    assert_eq!(server.get("/").status, 200);
    assert!(started.elapsed() < Duration::from_secs(5));

    // A 1 MiB header is refused, not buffered without end.
    let mut s = server.connect();
    let _ = s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ");
    let _ = s.write_all(&vec![b'a'; 1 << 20]);
    let _ = s.write_all(b"\r\n\r\n");
    let mut reply = Vec::new();
    let _ = s.read_to_end(&mut reply);
    let status = Reply::parse(&reply).status;
    assert!(status == 431 || status == 0 || status == 400, "{status}");
    assert_eq!(server.get("/").status, 200);
    drop(slow);
}

#[test]
fn a_burst_of_saves_is_one_rebuild_and_scratch_files_are_ignored() {
    let site = TestSite::minimal();
    let server = Server::start(&site, &[]);
    let events = server.events();
    events.next("build-ok");
    for i in 0..50 {
        save(&site, "content/cases/a/.index.md.swp", format!("swap {i}"));
        save(&site, "content/cases/a/index.md~", format!("backup {i}"));
        save(
            &site,
            "content/cases/a/index.md",
            case_md(&format!("Version {i}")),
        );
    }
    let _ = std::fs::remove_file(site.path("content/cases/a/.index.md.swp"));
    let got = events.during(Duration::from_millis(1500));
    let reloads = got.iter().filter(|(n, _)| n == "reload").count();
    assert!(
        (1..=2).contains(&reloads),
        "{reloads} reloads for one burst: {got:?}"
    );
    assert!(server.get("/cases/a/").text().contains("Version 49"));

    // Scratch files alone change nothing.
    save(&site, "content/cases/a/4913", "");
    save(&site, "content/cases/#index.md#", "autosave");
    let got = events.during(Duration::from_millis(500));
    assert!(got.iter().all(|(n, _)| n != "reload"), "{got:?}");
}

#[test]
fn renamed_and_deleted_case_folders_and_files_are_followed() {
    let site = two_case_site();
    save(&site, "static/handout.txt", "handout");
    let server = Server::start(&site, &[]);
    let events = server.events();
    events.next("build-ok");

    std::fs::rename(
        site.path("content/cases/a"),
        site.path("content/cases/renamed"),
    )
    .unwrap();
    events.next("reload");
    assert_eq!(server.wait_for("/cases/renamed/", "First case").status, 200);
    assert_eq!(server.get("/cases/a/").status, 404);

    std::fs::remove_dir_all(site.path("content/cases/renamed")).unwrap();
    events.next("reload");
    assert_eq!(server.get("/cases/renamed/").status, 404);
    assert!(!server.get("/cases/").text().contains("First case"));
    assert_eq!(server.get("/cases/b/").status, 200);

    // A file deleted while served: a 404, and the server carries on.
    std::fs::remove_file(site.path("static/handout.txt")).unwrap();
    assert_eq!(server.get("/handout.txt").status, 404);
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn stylesheets_swap_without_reload_and_templates_rebuild_their_pages() {
    let site = TestSite::minimal();
    save(&site, "static/extra.css", "body { color: black }");
    save(
        &site,
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<p>Template one</p>{% endblock content %}",
    );
    let server = Server::start(&site, &[]);
    assert!(server.get("/about/").text().contains("Template one"));
    let events = server.events();
    events.next("build-ok");

    save(&site, "static/extra.css", "body { color: navy }");
    let got = events.during(Duration::from_millis(1500));
    assert!(got.iter().any(|(n, _)| n == "css"), "{got:?}");
    assert!(got.iter().all(|(n, _)| n != "reload"), "{got:?}");
    assert_eq!(server.get("/extra.css").text(), "body { color: navy }");

    save(
        &site,
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<p>Template two</p>{% endblock content %}",
    );
    events.next("reload");
    assert!(server.get("/about/").text().contains("Template two"));
}

#[test]
fn a_taken_port_moves_to_the_next_and_other_addresses_warn() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let site = TestSite::minimal();
    let server = Server::start_on(&site, port);
    assert_ne!(server.port, port);
    assert!(
        server.log().contains(&format!("Port {port} is in use")),
        "{}",
        server.log()
    );
    assert_eq!(server.get("/").status, 200);

    let open = Server::start(&site, &["--bind", "0.0.0.0"]);
    assert!(
        open.log().contains("Warning: listening on 0.0.0.0"),
        "{}",
        open.log()
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let site = TestSite::minimal();
    let mut server = Server::start(&site, &[]);
    let _events = server.events();
    let status = std::process::Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let until = Instant::now() + WAIT;
    let exit = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < until, "serve did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "{exit:?}");
    // The last lines reach the log through a reader thread: give it time on a busy machine.
    let until = Instant::now() + WAIT;
    while !server.log().contains("Stopped.") && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(server.log().contains("Stopped."), "{}", server.log());
}

#[test]
fn an_error_stays_reported_until_its_own_file_is_fixed() {
    let site = two_case_site();
    let server = Server::start(&site, &[]);
    let events = server.events();
    events.next("build-ok");
    save(
        &site,
        "content/cases/a/index.md",
        "+++\ntitle = = \"Broken\"\n+++\n",
    );
    events.next("build-error");

    // Saving another, valid file does not hide the broken one.
    save(&site, "content/cases/b/index.md", case_md("Second edited"));
    let again = events.next("build-error");
    assert!(again.contains("cases/a/index.md"), "{again}");
    assert!(server.get("/cases/b/").text().contains("Second case"));

    save(&site, "content/cases/a/index.md", case_md("First fixed"));
    events.next("build-ok");
    events.next("reload");
    assert!(server.get("/cases/a/").text().contains("First fixed"));
    assert!(server.get("/cases/b/").text().contains("Second edited"));
}

#[test]
fn privacy_findings_stop_a_rebuild_as_they_stop_a_build() {
    let site = TestSite::minimal();
    let server = Server::start(&site, &[]);
    let events = server.events();
    events.next("build-ok");
    save(
        &site,
        "content/cases/a/index.md",
        "+++\ntitle = \"First case\"\ndate = 2024-05-02\n+++\nSeen in clinic, MRN: 4455667.\n",
    );
    let report = events.next("build-error");
    assert!(report.contains("mrn"), "{report}");
    assert!(
        !report.contains("4455667"),
        "the identifier is masked: {report}"
    );
    assert!(!server.get("/cases/a/").text().contains("4455667"));
    assert!(!server.log().contains("4455667"), "{}", server.log());

    save(
        &site,
        "content/cases/a/index.md",
        case_md("First case, clean"),
    );
    events.next("build-ok");
    assert!(server.wait_for("/cases/a/", "First case, clean").status == 200);
}

/// `serve` reports what `build` reports: a stale acknowledgement is a warning in the terminal
/// (once, and again when an edit changes the warnings), and the site is served.
#[test]
fn serve_warns_of_stale_acknowledgements_as_build_does() {
    let stale = "+++\ntitle = \"First case\"\ndate = 2024-05-02\n\n[[privacy.acknowledge]]\nrule = \"phone\"\ntext = \"555-0100\"\nreason = \"a number that is gone\"\n+++\nNo number here.\n";
    let site = TestSite::minimal();
    site.write("content/cases/a/index.md", stale);
    let built = site.build_ok(&[]);
    assert!(built.contains("matches no finding"), "{built}");
    let server = Server::start(&site, &[]);
    assert!(
        server.wait_for("/cases/a/", "No number here").status == 200,
        "the site is served"
    );
    let log = server.log();
    assert_eq!(
        log.matches("acknowledgement 1 (rule `phone`) matches no finding")
            .count(),
        1,
        "{log}"
    );
    assert!(log.contains("index.md:6: privacy"), "{log}");
    // An edit elsewhere in the page keeps the warning, and does not repeat it.
    let events = server.events();
    events.next("build-ok");
    save(
        &site,
        "content/cases/a/index.md",
        stale.replace("No number here.", "Still none."),
    );
    assert!(server.wait_for("/cases/a/", "Still none").status == 200);
    // The fix (removing the acknowledgement) is quiet.
    save(
        &site,
        "content/cases/a/index.md",
        case_md("First case, fixed"),
    );
    assert!(server.wait_for("/cases/a/", "First case, fixed").status == 200);
    let log = server.log();
    assert_eq!(log.matches("matches no finding").count(), 1, "{log}");
}

/// What `serve` serves after an edit is what `build` writes from the same sources: every file
/// of a fresh build, fetched from the server, has the same bytes (HTML with the reload script
/// taken out), and the server answers no page the build does not have. Checked after every
/// kind of edit, since what an output depends on is where incremental rebuilds go wrong: a body,
/// a title shown in the menu, a tag that creates or removes a term (which a quiz's answer
/// links to), a DICOM window, a quiz switched on, a new page, a stylesheet and a template.
#[test]
fn after_every_kind_of_edit_serve_serves_what_build_writes() {
    let quiz = "+++\ntitle = \"Okapi disease\"\ndate = 2024-05-04\nquiz = true\nquiz_title = \"Unknown 1\"\n\
                diagnosis = \"Okapi disease\"\ntags = [\"okapi disease\", \"ribs\"]\n+++\nWhat is it?\n\n<!-- answer -->\n\nOkapi.\n";
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        ("content/cases/a/index.md", case_md("First case")),
        (
            "content/cases/b/index.md",
            "+++\ntitle = \"Second case\"\ndate = 2024-05-03\ntags = [\"ribs\"]\n+++\nText.\n".to_string(),
        ),
        ("content/cases/q/index.md", quiz.to_string()),
        (
            "content/cases/d/index.md",
            "+++\ntitle = \"Head CT\"\ndate = 2024-05-01\nimages = [{ file = \"head.dcm\", alt = \"Axial CT of the head\" }]\nwindow = \"brain\"\n+++\nText.\n".to_string(),
        ),
        ("content/about.md", ABOUT.to_string()),
        (
            "content/people/_index.md",
            "+++\ntitle = \"People\"\npage_kind = \"person\"\n+++\n".to_string(),
        ),
        (
            "content/people/jane/index.md",
            "+++\ntitle = \"Jane Roe\"\nrole = \"faculty\"\n+++\nBio.\n".to_string(),
        ),
    ]);
    site.write("content/cases/d/head.dcm", phantom("CT", vec![]));
    site.write("static/site.css", "body { color: black }");
    let server = Server::start(&site, &[]);
    let events = server.events();
    events.next("build-ok");
    let base = format!("http://127.0.0.1:{}/", server.port);
    let mut round = 0;
    let mut check = |what: &str| {
        round += 1;
        let out = site.tmp.path().join(format!("fresh-{round}"));
        let built = radcase()
            .args(["-q", "build", "--base-url", &base, "--output"])
            .arg(&out)
            .arg("--cache-dir")
            .arg(site.tmp.path().join("fresh-cache"))
            .arg(&site.dir)
            .output()
            .unwrap();
        assert!(
            built.status.success(),
            "{what}: {}",
            String::from_utf8_lossy(&built.stderr)
        );
        // The marker that says radcase wrote the folder is the output folder's, not the site's.
        for rel in list_files(&out)
            .into_iter()
            .filter(|r| r != ".radcase-output")
        {
            let url = format!("/{}", rel.strip_suffix("index.html").unwrap_or(&rel));
            let served = server.get(&url);
            assert_eq!(served.status, 200, "{what}: {url} is not served");
            let mut body = served.body.clone();
            if rel.ends_with(".html") {
                body = String::from_utf8(body)
                    .unwrap()
                    .replace("<script src=\"/__radcase/livereload.js\"></script>", "")
                    .into_bytes();
            }
            assert!(
                body == std::fs::read(out.join(&rel)).unwrap(),
                "{what}: {url} differs from what build writes"
            );
        }
    };
    check("the first build");

    let edits: [(&str, &str, String); 10] = [
        ("a body", "content/cases/a/index.md", case_md("First case, edited")),
        (
            "a title shown in the menu",
            "content/about.md",
            "+++\ntitle = \"About us\"\n+++\nAbout this site.\n".to_string(),
        ),
        (
            "a tag that creates a term a quiz's answer links to",
            "content/cases/b/index.md",
            "+++\ntitle = \"Second case\"\ndate = 2024-05-03\ntags = [\"ribs\", \"okapi disease\"]\n+++\nText.\n".to_string(),
        ),
        (
            "the tag removed again",
            "content/cases/b/index.md",
            "+++\ntitle = \"Second case\"\ndate = 2024-05-03\ntags = [\"ribs\"]\n+++\nText.\n".to_string(),
        ),
        (
            "a DICOM image's window",
            "content/cases/d/index.md",
            "+++\ntitle = \"Head CT\"\ndate = 2024-05-01\nimages = [{ file = \"head.dcm\", alt = \"Axial CT of the head\" }]\nwindow = \"bone\"\n+++\nText.\n".to_string(),
        ),
        (
            "a case turned into a quiz",
            "content/cases/a/index.md",
            "+++\ntitle = \"First case\"\ndate = 2024-05-02\nquiz = true\ndiagnosis = \"Ribs\"\n+++\nFindings.\n".to_string(),
        ),
        (
            "an author who is a person of the site (her page lists the case)",
            "content/cases/b/index.md",
            "+++\ntitle = \"Second case\"\ndate = 2024-05-03\ntags = [\"ribs\"]\nauthors = [\"Jane Roe\"]\n+++\nText.\n".to_string(),
        ),
        (
            "the person renamed (the byline no longer names her)",
            "content/people/jane/index.md",
            "+++\ntitle = \"Jane A. Roe\"\nrole = \"faculty\"\n+++\nBio.\n".to_string(),
        ),
        ("a new page", "content/cases/e/index.md", case_md("Fifth case")),
        ("a stylesheet", "static/site.css", "body { color: navy }".to_string()),
    ];
    for (what, rel, text) in edits {
        save(&site, rel, text);
        let (name, _) = events.next_of(&["reload", "css"]);
        assert!(!name.is_empty(), "{what}: no reload");
        check(what);
    }
    save(
        &site,
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<p>A template of our own</p>{% endblock content %}",
    );
    events.next("reload");
    check("a template");
}

/// An edit is checked as a build checks it: images listed on a page that is a single file
/// fail the rebuild (the build says so too), and fixing it clears the error.
#[test]
fn an_edit_is_held_to_the_rules_of_a_build() {
    let site = TestSite::minimal();
    save(&site, "content/cases/b.md", case_md("Second case"));
    let server = Server::start(&site, &[]);
    let events = server.events();
    events.next("build-ok");
    let listed = "+++\ntitle = \"Second case\"\ndate = 2024-05-02\nimages = [{ file = \"ct.png\", alt = \"Axial CT\" }]\n+++\nText.\n";
    save(&site, "content/cases/b.md", listed);
    let error = events.next("build-error");
    assert!(error.contains("this page is not a bundle"), "{error}");
    let built = build_fails(&site, &[]);
    assert!(built.contains("this page is not a bundle"), "{built}");
    save(&site, "content/cases/b.md", case_md("Second case, fixed"));
    events.next("build-ok");
    assert!(server.wait_for("/cases/b/", "Second case, fixed").status == 200);
}

#[test]
fn share_cards_are_served_once_drawn_after_the_first_page() {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            "+++\ntitle = \"Tension pneumothorax\"\ndate = 2024-05-02\nmodality = [\"XR\"]\n+++\nBody.\n"
                .to_string(),
        ),
    ]);
    let server = Server::start(&site, &[]);
    let page = server.wait_for("/cases/a/", "Tension pneumothorax");
    assert_eq!(page.status, 200);
    let doc = scraper::Html::parse_document(&page.text());
    let selector = scraper::Selector::parse(r#"meta[property="og:image"]"#).unwrap();
    let url = doc
        .select(&selector)
        .next()
        .and_then(|m| m.value().attr("content"))
        .expect("og:image")
        .to_string();
    let path = &url[url.find("/cases/").or_else(|| url.rfind('/')).unwrap()..];
    let until = Instant::now() + WAIT;
    let card = loop {
        let r = server.get(path);
        if r.status == 200 || Instant::now() > until {
            break r;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(card.status, 200, "{url}: {}", server.log());
    let img = image::load_from_memory(&card.body).unwrap();
    assert_eq!((img.width(), img.height()), (1200, 630));
}

/// How a folder the site reads leaves and comes back.
#[derive(Debug, Clone, Copy)]
enum Away {
    /// Renamed out of the site, edited there, renamed back: the same folder.
    Moved,
    /// Deleted, then made again from a copy: a new folder at the same path.
    Deleted,
    /// Deleted and put back at once, in one burst (a checkout, a sync tool).
    Replaced,
}

/// Each folder a site reads (`content/`, `static/`, `templates/`, `themes/`) can be moved away
/// or deleted and put back while `serve` runs: what the restored folder holds is served, and
/// so is every later edit in it. (The folder's watch used to die with the old folder, and a
/// restart was the only way to see changes again.) Static files are images here: a text file
/// is read from disk at each request, so it would show an edit that no rebuild saw.
#[test]
fn a_folder_moved_away_or_deleted_and_restored_is_watched_again() {
    let template = |n: usize| {
        format!(
            "{{% extends \"base.html\" %}}{{% block content %}}<p>version {n}</p>{{% endblock content %}}"
        )
    };
    let site = TestSite::minimal();
    site.write("config.toml", format!("{CONFIG}theme = \"mine\"\n"));
    site.write("static/pic.png", png_bytes(1, 1));
    site.write("templates/page.html", template(0));
    site.write("themes/mine/static/theme.png", png_bytes(1, 1));
    let server = Server::start(&site, &[]);
    assert!(server.wait_for("/about/", "version 0").status == 200);
    let width = |url: &str| {
        image::load_from_memory(&server.get(url).body).map_or(0, |i| i.width() as usize)
    };
    // (folder, a file in it, its text or image showing version `n`, what the server shows)
    type Version<'a> = &'a dyn Fn(usize) -> Vec<u8>;
    type Shown<'a> = &'a dyn Fn() -> String;
    let roots: [(&str, &str, Version, Shown); 4] = [
        (
            "content",
            "cases/a/index.md",
            &|n| case_md(&format!("version {n}")).into(),
            &|| server.get("/cases/a/").text(),
        ),
        ("static", "pic.png", &|n| png_bytes(n as u32, 1), &|| {
            format!("version {}", width("/pic.png"))
        }),
        ("templates", "page.html", &|n| template(n).into(), &|| {
            server.get("/about/").text()
        }),
        (
            "themes",
            "mine/static/theme.png",
            &|n| png_bytes(n as u32, 1),
            &|| format!("version {}", width("/theme.png")),
        ),
    ];
    // Whether the server has seen the folder go: it serves the site without it, or (without
    // content or the chosen theme the site cannot be built) says why it cannot.
    let errors = |what: &str| server.log().matches(what).count();
    let mut n = 1;
    for (dir, file, version, shown) in roots {
        for way in [Away::Moved, Away::Deleted, Away::Replaced] {
            let (restored, edited) = (n + 1, n + 2);
            n += 2;
            let shows = |n: usize| shown().contains(&format!("version {n}"));
            let here = site.path(dir);
            let away = site.tmp.path().join(format!("{dir}-away"));
            let before = shown();
            let missing_content = errors("the site has no content folder");
            let missing_theme = errors("theme \"mine\" not found");
            let gone = || match dir {
                "content" => errors("the site has no content folder") > missing_content,
                "themes" => errors("theme \"mine\" not found") > missing_theme,
                _ => shown() != before,
            };
            match way {
                Away::Moved => {
                    std::fs::rename(&here, &away).unwrap();
                    eventually(&format!("{dir} {way:?}: seen to go"), gone);
                    std::fs::write(away.join(file), version(restored)).unwrap();
                    std::fs::rename(&away, &here).unwrap();
                }
                Away::Deleted => {
                    copy_dir(&here, &away);
                    std::fs::remove_dir_all(&here).unwrap();
                    eventually(&format!("{dir} {way:?}: seen to go"), gone);
                    std::fs::write(away.join(file), version(restored)).unwrap();
                    copy_dir(&away, &here);
                    std::fs::remove_dir_all(&away).unwrap();
                }
                Away::Replaced => {
                    copy_dir(&here, &away);
                    std::fs::write(away.join(file), version(restored)).unwrap();
                    std::fs::remove_dir_all(&here).unwrap();
                    std::fs::rename(&away, &here).unwrap();
                }
            }
            eventually(
                &format!("{dir} {way:?}: the restored folder is served"),
                || shows(restored),
            );
            save(&site, &format!("{dir}/{file}"), version(edited));
            eventually(&format!("{dir} {way:?}: an edit in it is served"), || {
                shows(edited)
            });
        }
    }
}

/// A folder the site reads that did not exist when `serve` started is watched once it is made:
/// its first files are served, and so are later edits in it. (Images, which only a rebuild
/// publishes: see above.)
#[test]
fn a_folder_made_while_serving_is_watched() {
    let site = TestSite::minimal();
    let server = Server::start(&site, &[]);
    let width = |url: &str| image::load_from_memory(&server.get(url).body).map_or(0, |i| i.width());
    assert_eq!(server.get("/pic.png").status, 404);
    // Made as `mkdir -p` and an editor make them: the folders, then the file at once.
    site.write("static/img/pic.png", png_bytes(1, 1));
    eventually("static/: served once made", || width("/img/pic.png") == 1);
    save(&site, "static/img/pic.png", png_bytes(2, 1));
    eventually("static/: an edit in it is served", || {
        width("/img/pic.png") == 2
    });

    let page = |v: &str| {
        format!(
            "{{% extends \"base.html\" %}}{{% block content %}}<p>{v}</p>{{% endblock content %}}"
        )
    };
    site.write("templates/page.html", page("page one"));
    eventually("templates/: used once made", || {
        server.get("/about/").text().contains("page one")
    });
    save(&site, "templates/page.html", page("page two"));
    eventually("templates/: an edit in it is used", || {
        server.get("/about/").text().contains("page two")
    });

    site.write("themes/mine/static/theme.png", png_bytes(1, 1));
    save(&site, "config.toml", format!("{CONFIG}theme = \"mine\"\n"));
    eventually("themes/: used once made and chosen", || {
        width("/theme.png") == 1
    });
    save(&site, "themes/mine/static/theme.png", png_bytes(2, 1));
    eventually("themes/: an edit in it is served", || {
        width("/theme.png") == 2
    });
}

/// Large files (a co-located file and a static one) are streamed from disk, not read whole
/// for each request: several clients downloading them at once, reading slowly, cost the server
/// less memory than one of the files. (Each request used to hold the whole file in memory
/// until it was sent.)
#[cfg(target_os = "linux")]
#[test]
fn large_files_are_streamed_to_slow_readers_without_a_copy_each() {
    const SIZE: usize = 32 << 20;
    const FIRST: usize = 256 << 10;
    let site = TestSite::minimal();
    let data = noise(SIZE);
    site.write("content/cases/a/series.bin", &data);
    site.write("static/archive.bin", &data);
    site.write(
        "config.toml",
        format!("{CONFIG}\n[privacy]\npublish = [{{ pattern = \"content/**/*.bin\", reason = \"test noise\" }}, {{ path = \"static/archive.bin\", reason = \"test noise\" }}]\n"),
    );
    let server = Server::start(&site, &[]);
    assert_eq!(server.get("/").status, 200);
    let head = server.request("HEAD", "/archive.bin");
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-length"), SIZE.to_string());
    assert!(head.body.is_empty());
    let before = server.rss();

    // Three clients on each file, each reading only its first bytes for now.
    let mut clients: Vec<_> = ["/cases/a/series.bin", "/archive.bin"]
        .iter()
        .flat_map(|url| [url; 3])
        .map(|url| {
            let mut s = server.connect();
            s.write_all(format!("GET {url} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").as_bytes())
                .unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                s.read_exact(&mut byte).unwrap();
                head.push(byte[0]);
            }
            let reply = Reply::parse(&head);
            assert_eq!(reply.status, 200, "{url}");
            assert_eq!(reply.header("content-length"), SIZE.to_string(), "{url}");
            let mut first = vec![0; FIRST];
            s.read_exact(&mut first).unwrap();
            assert!(first == data[..FIRST], "{url}");
            s
        })
        .collect();
    let mut peak = server.rss();
    for (i, s) in clients.iter_mut().enumerate() {
        let mut rest = vec![0; SIZE - FIRST];
        let half = rest.len() / 2;
        s.read_exact(&mut rest[..half]).unwrap();
        peak = peak.max(server.rss());
        s.read_exact(&mut rest[half..]).unwrap();
        assert!(rest == data[FIRST..], "client {i}: the file arrives whole");
    }
    let grew = peak.saturating_sub(before);
    assert!(
        grew < SIZE as u64,
        "six downloads of a {} MB file took {} MB of server memory",
        SIZE >> 20,
        grew >> 20
    );
}

/// Connections that send nothing, only part of a request's headers (slowloris, even while
/// it trickles a byte at a time), stay idle after a response, or stop partway through a
/// request's body are closed within the timeout; the live-reload stream, an answer that never
/// ends, is not.
#[test]
fn idle_and_half_sent_connections_are_closed_but_event_streams_stay() {
    // How long the server gives a connection to send a request's headers.
    use radcase::serve::http::IDLE;
    let site = TestSite::minimal();
    let server = Server::start(&site, &[]);
    let events = server.events();
    events.next("build-ok");
    // Until the server closes `s`: how long from `since`, and what it sent.
    let closed = |mut s: std::net::TcpStream, since: Instant| {
        s.set_read_timeout(Some(IDLE * 3)).unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            match s.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
                Err(e) => panic!("still open after {:?} ({e})", since.elapsed()),
            }
        }
        (since.elapsed(), got)
    };
    std::thread::scope(|scope| {
        let silent = scope.spawn(|| closed(server.connect(), Instant::now()));
        let half = scope.spawn(|| {
            let mut s = server.connect();
            s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                .unwrap();
            closed(s, Instant::now())
        });
        let trickle = scope.spawn(|| {
            let s = server.connect();
            let since = Instant::now();
            let mut writer = s.try_clone().unwrap();
            std::thread::spawn(move || {
                let _ = writer.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
                while writer.write_all(b"a").is_ok() {
                    std::thread::sleep(Duration::from_millis(200));
                }
            });
            closed(s, since)
        });
        let kept = scope.spawn(|| {
            let mut s = server.connect();
            s.write_all(b"GET /about/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .unwrap();
            assert_eq!(read_response(&mut s).status, 200);
            // Kept alive: a second request on it is answered.
            s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .unwrap();
            assert_eq!(read_response(&mut s).status, 200);
            closed(s, Instant::now())
        });
        let body = scope.spawn(|| {
            let mut s = server.connect();
            s.write_all(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n0123")
                .unwrap();
            closed(s, Instant::now())
        });
        for (what, handle, idle) in [
            ("a connection that sends nothing", silent, true),
            ("half a request's headers", half, true),
            ("headers trickled a byte at a time", trickle, false),
            ("a kept-alive connection after its responses", kept, true),
        ] {
            let (after, _) = handle.join().unwrap();
            assert!(after < IDLE + WAIT / 2, "{what}: closed after {after:?}");
            // Not at once: a client gets the whole timeout for its next request.
            assert!(!idle || after > IDLE / 2, "{what}: closed after {after:?}");
        }
        let (after, got) = body.join().unwrap();
        assert!(
            after < IDLE + WAIT / 2,
            "half a body: closed after {after:?}"
        );
        assert_eq!(Reply::parse(&got).status, 405);
    });
    // The event stream opened before all that still works.
    save(
        &site,
        "content/cases/a/index.md",
        case_md("Edited after a while"),
    );
    events.next("reload");
    assert!(
        server
            .get("/cases/a/")
            .text()
            .contains("Edited after a while")
    );
}

/// A reveal, a publication and an expiry a few seconds away: `serve`, with the clock as today,
/// loads the site again when each comes, without an edit (it used to wait for a restart).
#[test]
fn scheduled_changes_come_while_serving() {
    let site = TestSite::minimal();
    let at = |secs: i64| {
        (chrono::Utc::now() + chrono::Duration::seconds(secs))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    save(
        &site,
        "content/cases/quiz/index.md",
        format!(
            "+++\ntitle = \"Intussusception\"\ndate = 2026-01-01\nquiz = true\nquiz_title = \"Unknown 5\"\npresentation = \"Crying infant.\"\ndiagnosis = \"Ileocolic intussusception\"\nreveal = {}\n+++\nWhat do you see?\n\n<!-- answer -->\n\nANSWER-TEXT a target sign.\n",
            at(6)
        ),
    );
    save(
        &site,
        "content/later.md",
        format!(
            "+++\ntitle = \"Later\"\npublish = {}\n+++\nLATER-TEXT\n",
            at(7)
        ),
    );
    let server = Server::start(&site, &[]);
    let before = server.get("/cases/unknown-5/").text();
    assert!(before.contains("The answer is published on"), "{before}");
    assert!(!before.contains("ANSWER-TEXT"));
    assert_eq!(server.get("/later/").status, 404);
    let events = server.events();
    let after = server.wait_for("/cases/unknown-5/", "ANSWER-TEXT").text();
    assert!(
        after.contains("ANSWER-TEXT"),
        "not revealed:\n{}",
        server.log()
    );
    let later = server.wait_for("/later/", "LATER-TEXT");
    assert_eq!(later.status, 200, "not published:\n{}", server.log());
    // Open pages reload.
    events.next("reload");
    assert!(
        server.log().contains("A scheduled change is due"),
        "{}",
        server.log()
    );
}
