//! `radcase check` on links: every internal link, image and fragment of the built site (in
//! memory: nothing is written to `public/`), reported where it was written; `--external`
//! against a local HTTP server that answers every way a link checker meets, counting requests.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::*;

/// `radcase check SITE ARGS…`: (exit code, stderr).
fn check(site: &TestSite, args: &[&str]) -> (i32, String) {
    let out = radcase()
        .arg("check")
        .arg(&site.dir)
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().unwrap_or(-1), stderr)
}

/// The `error:` lines of stderr.
fn errors(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect()
}

/// The line (1-based) of `text` that holds `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in the text"))
        + 1
}

/// Every broken form on one page; the lines after "Fine:" are links that work.
const BROKEN_PAGE: &str = r#"+++
title = "Broken links"
date = 2024-05-02
+++
## Findings

Every form of link.

Relative: [r](../missing/).
Rooted: [abs](/cases/nope/).
With the base path: [base](/teaching/gone-too/).
Full address: [full](https://example.org/teaching/cases/absent/).
Percent-encoded: [pct](/files/my%20hand-out.pdf).
Trailing slash on a file: [slash](/files/my%20handout.pdf/).
Index file: [index](/cases/nothing/index.html).
Fragment only: [frag](#nowhere).
Fragment on another page: [other](../b/#nope).
Typo: [typo](../bb/).
![missing image](/img/missing.png)
<img src="/teaching/img/ok.png" srcset="/teaching/img/ok.png 1x, /teaching/img/missing-2x.png 2x" alt="set">
Outside: <a href="/elsewhere/">out</a>

Fine: [b](../b/) [b2](../b) [b3](../b/index.html) [b4](/cases/b/) [b5](https://example.org/teaching/cases/b/)
[pdf](/files/my%20handout.pdf) [own](#findings) [hist](../b/#findings) [top](#top) [irc](irc://chat.example/radcase)
<img src="/teaching/img/ok.png" srcset="/teaching/img/ok.png 1x, ../../img/ok.png 2x" alt="ok"> [case b](@/cases/b/index.md#history)
[elsewhere](https://other.invalid/page)
"#;

const CONFIG_WITH_MENU: &str = r#"title = "Test Teaching Site"
base_url = "https://example.org/teaching/"

[[menu]]
name = "Cases"
url = "/cases/"

[[menu]]
name = "Gone"
url = "/gone/"
"#;

const ABOUT_PAGE: &str =
    "+++\ntitle = \"About\"\n+++\n## Contact\n\n[handout](handout.pdf) and [contact](#contact)\n";

const LEGACY_HTML: &str = "<!doctype html>\n<title>Old</title>\n<p><a href=\"/teaching/cases/none/\">x</a> <a href=\"cases/b/\">b</a>\n";

fn broken_site() -> TestSite {
    let case_b = "+++\ntitle = \"B\"\ndate = 2024-05-01\npresentation = \"Pain.\"\nimages = [{ file = \"ct.png\", alt = \"Axial CT\" }]\n+++\n## Findings\n\nFine.\n";
    let site = TestSite::with(&[
        ("config.toml", CONFIG_WITH_MENU),
        ("content/cases/_index.md", CASES_SECTION),
        ("content/cases/a/index.md", BROKEN_PAGE),
        ("content/cases/b/index.md", case_b),
        ("content/about.md", ABOUT_PAGE),
        ("static/files/my handout.pdf", "%PDF-1.4\n"),
        ("static/legacy.html", LEGACY_HTML),
    ]);
    site.write("content/cases/b/ct.png", png_bytes(64, 48));
    site.write("static/img/ok.png", png_bytes(8, 8));
    site.write(
        "config.toml",
        format!("{CONFIG_WITH_MENU}\n[privacy]\npublish = [{{ path = \"static/files/my handout.pdf\", reason = \"a test file\" }}]\n"),
    );
    site
}

#[test]
fn broken_links_of_every_form_are_reported_at_their_source_line() {
    let site = broken_site();
    let (code, stderr) = check(&site, &[]);
    assert_eq!(code, 1, "{stderr}");
    let page = "content/cases/a/index.md";
    let at = |needle: &str| format!("{page}:{}: broken link", line_of(BROKEN_PAGE, needle));
    let expected = [
        format!(
            "{} `../missing/`: nothing is published at /teaching/cases/missing/",
            at("[r]")
        ),
        format!(
            "{} `/cases/nope/`: nothing is published at /teaching/cases/nope/",
            at("[abs]")
        ),
        format!(
            "{} `/teaching/gone-too/`: nothing is published at /teaching/gone-too/",
            at("[base]")
        ),
        format!(
            "{} `https://example.org/teaching/cases/absent/`: nothing is published at /teaching/cases/absent/",
            at("[full]")
        ),
        format!(
            "{} `/files/my%20hand-out.pdf`: nothing is published at /teaching/files/my%20hand-out.pdf",
            at("[pct]")
        ),
        format!(
            "{} `/files/my%20handout.pdf/`: nothing is published at /teaching/files/my%20handout.pdf/",
            at("[slash]")
        ),
        format!(
            "{} `/cases/nothing/index.html`: nothing is published at /teaching/cases/nothing/index.html",
            at("[index]")
        ),
        format!(
            "{} `#nowhere`: /teaching/cases/a/ has no element with id `nowhere`",
            at("[frag]")
        ),
        format!(
            "{} `../b/#nope`: /teaching/cases/b/ has no element with id `nope`",
            at("[other]")
        ),
        format!(
            "{} `../bb/`: nothing is published at /teaching/cases/bb/",
            at("[typo]")
        ),
        format!(
            "{} `/img/missing.png`: nothing is published at /teaching/img/missing.png",
            at("![missing")
        ),
        format!(
            "{} `/teaching/img/missing-2x.png`: nothing is published at /teaching/img/missing-2x.png",
            at("missing-2x")
        ),
        format!(
            "{} `/elsewhere/`: it leads to /elsewhere/, outside the site (published under /teaching/)",
            at("Outside:")
        ),
        format!(
            "content/about.md:{}: broken link `handout.pdf`: nothing is published at /teaching/about/handout.pdf",
            line_of(ABOUT_PAGE, "[handout]")
        ),
        format!(
            "static/legacy.html:{}: broken link `/teaching/cases/none/`: nothing is published at /teaching/cases/none/",
            line_of(LEGACY_HTML, "none")
        ),
        format!(
            "config.toml:{}: broken link `/gone/`: nothing is published at /teaching/gone/ (on /teaching/, /teaching/404.html, /teaching/about/ and ",
            line_of(CONFIG_WITH_MENU, "/gone/")
        ),
    ];
    for e in &expected {
        assert!(stderr.contains(e.as_str()), "missing {e:?} in:\n{stderr}");
    }
    // Nothing else: every working form passes, and each problem is reported once.
    assert_eq!(errors(&stderr).len(), expected.len(), "{stderr}");
    // A typo gets a suggestion; every error a hint.
    assert!(
        stderr.contains("hint: did you mean /teaching/cases/b/?"),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("\n  hint: ").count(),
        expected.len(),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("{} problem(s) found", expected.len())));
    // Checked in memory: nothing was written where the site is published.
    assert!(!site.path("public").exists());
    // Without --external, no other site is asked, and the summary says so.
    assert!(
        stderr.contains("1 addresses of other sites were not checked (add --external"),
        "{stderr}"
    );
}

#[test]
fn links_in_feeds_and_list_pages_are_reported_once_at_the_page_that_wrote_them() {
    // The case's first paragraph is its summary on the home page, the section and the feeds.
    let md = "+++\ntitle = \"A\"\ndate = 2024-05-02\n+++\nSee [the other case](../gone/) first, and [below](#more).\n\n## More\n";
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        ("content/cases/a/index.md", md.to_string()),
        ("content/cases/b/index.md", case_md("B")),
    ]);
    let (code, stderr) = check(&site, &[]);
    assert_eq!(code, 1, "{stderr}");
    let errs = errors(&stderr);
    assert_eq!(errs.len(), 2, "{stderr}");
    assert!(
        errs[0].contains("content/cases/a/index.md:5: broken link `#more`: this text is shown on other pages too (on /, /cases/), which have no element with id `more`"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "hint: put the page's own address before the fragment, @/cases/a/index.md#more,"
        ),
        "{stderr}"
    );
    assert!(
        errs[1].contains("content/cases/a/index.md:5: broken link `../gone/`: nothing is published at /cases/gone/ (on /, /cases/, /cases/a/)"),
        "{stderr}"
    );
}

#[test]
fn a_clean_site_passes_and_writes_nothing() {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            "+++\ntitle = \"A\"\ndate = 2024-05-02\n+++\n## Findings\n\nSee [b](../b/) and [about](/about/#contact).\n\nThen [own](#findings), [again](@/cases/a/index.md#findings).\n".to_string(),
        ),
        ("content/cases/b/index.md", case_md("B")),
        ("content/about.md", "+++\ntitle = \"About\"\n+++\n## Contact\n".to_string()),
    ]);
    let (code, stderr) = check(&site, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("No privacy findings")
            && stderr.contains("pages and")
            && stderr.contains(": no broken link."),
        "{stderr}"
    );
    assert!(!site.path("public").exists());
    assert!(!stderr.contains("other sites"), "{stderr}");
    let (code, quiet) = {
        let out = radcase()
            .args(["-q", "check"])
            .arg(&site.dir)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    assert_eq!((code, quiet.as_str()), (Some(0), ""));
}

#[test]
fn the_example_site_has_no_broken_link() {
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site");
    let out = radcase().arg("check").arg(&example).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let summary = stderr
        .lines()
        .find(|l| l.starts_with("Links: "))
        .unwrap_or_else(|| panic!("no link summary in:\n{stderr}"));
    assert!(summary.ends_with(": no broken link."), "{summary}");
    let checked: usize = summary["Links: ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(checked > 1000, "{summary}");
}

#[test]
fn a_site_that_does_not_build_says_its_links_were_not_checked() {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            "+++\ntitle = \"A\"\n+++\nMRN: 4455667 and [x](../gone/)\n".to_string(),
        ),
        (
            "content/cases/b/index.md",
            "+++\ntitle = \"B\"\n+++\n[x](@/cases/nope.md)\n".to_string(),
        ),
    ]);
    let (code, stderr) = check(&site, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("privacy [mrn]"), "{stderr}");
    assert!(stderr.contains("note: links were not checked"), "{stderr}");
    assert!(!stderr.contains("../gone/"), "{stderr}");
    // Once the guard passes, what keeps the build from running is reported the same way.
    site.write(
        "content/cases/a/index.md",
        "+++\ntitle = \"A\"\n+++\n[x](../gone/)\n",
    );
    let (code, stderr) = check(&site, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("note: links were not checked")
            && stderr.contains("content/cases/b/index.md:4: link to `@/cases/nope.md`"),
        "{stderr}"
    );
}

/// A local HTTP server that answers as the web does: pages, a 404, redirects (one, and a
/// loop), a slow answer, a server that refuses HEAD, and pages that hold a request for a while
/// so that the requests under way at once can be counted.
struct Origin {
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
    peak: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

/// How long `/hold/N` keeps a request; requests overlap while it lasts.
const HOLD: Duration = Duration::from_millis(300);
/// How long `/slow` takes: longer than the time-out the tests give.
const SLOW: Duration = Duration::from_secs(3);

impl Origin {
    fn start() -> Origin {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let origin = Origin {
            port,
            log: Arc::default(),
            peak: Arc::default(),
            stop: Arc::default(),
        };
        let (log, peak, stop) = (origin.log.clone(), origin.peak.clone(), origin.stop.clone());
        let holding = Arc::new(AtomicUsize::new(0));
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(conn) = conn else { continue };
                let (log, peak, holding) = (log.clone(), peak.clone(), holding.clone());
                std::thread::spawn(move || answer(conn, &log, &peak, &holding));
            }
        });
        origin
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Requests so far, as `METHOD /path`.
    fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Origin {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn answer(
    mut conn: TcpStream,
    log: &Mutex<Vec<String>>,
    peak: &AtomicUsize,
    holding: &AtomicUsize,
) {
    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head).to_string();
    let mut first = head.lines().next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_string();
    let path = first.next().unwrap_or_default().to_string();
    log.lock().unwrap().push(format!("{method} {path}"));
    let html = "text/html; charset=utf-8";
    let (status, kind, extra, body): (&str, &str, String, &str) = match path.as_str() {
        "/ok" => ("200 OK", html, String::new(), "<p id=\"intro\">ok</p>"),
        "/page" => (
            "200 OK",
            html,
            String::new(),
            "<h2 id=\"present\">Here</h2>",
        ),
        "/file.pdf" => ("200 OK", "application/pdf", String::new(), "%PDF-1.4"),
        "/moved" => (
            "301 Moved Permanently",
            html,
            "Location: /ok\r\n".into(),
            "",
        ),
        "/loop" => ("302 Found", html, "Location: /loop\r\n".into(), ""),
        "/no-head" if method == "HEAD" => ("405 Method Not Allowed", html, String::new(), ""),
        "/no-head" => ("200 OK", html, String::new(), "<p>ok</p>"),
        "/slow" => {
            std::thread::sleep(SLOW);
            ("200 OK", html, String::new(), "<p>late</p>")
        }
        p if p.starts_with("/hold/") => {
            let now = holding.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(HOLD);
            holding.fetch_sub(1, Ordering::SeqCst);
            ("200 OK", html, String::new(), "<p>held</p>")
        }
        _ => ("404 Not Found", html, String::new(), "<p>not here</p>"),
    };
    let mut response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n",
        body.len()
    );
    if method != "HEAD" {
        response.push_str(body);
    }
    let _ = conn.write_all(response.as_bytes());
}

/// A case whose body is `body`, with the test server's address acknowledged (it is an IP
/// address, which the privacy guard flags).
fn linking_case(title: &str, body: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\ndate = 2024-05-02\n[[privacy.acknowledge]]\nrule = \"ip-address\"\ntext = \"127.0.0.1\"\nreason = \"the test's own server\"\n+++\n{body}"
    )
}

fn external_site(origin: &Origin) -> (TestSite, String, String) {
    let u = |p: &str| origin.url(p);
    let holds: Vec<String> = (1..=6)
        .map(|i| format!("[h{i}]({})", u(&format!("/hold/{i}"))))
        .collect();
    let a = linking_case(
        "A",
        &format!(
            "Links elsewhere.\n\n[ok]({}) and [moved]({})\n[missing]({})\n[loop]({})\n[slow]({})\n[present]({}) [pdf]({})\n[absent]({})\n[no head]({})\n{}\n",
            u("/ok"),
            u("/moved"),
            u("/missing"),
            u("/loop"),
            u("/slow"),
            u("/page#present"),
            u("/file.pdf#page=2"),
            u("/page#absent"),
            u("/no-head"),
            holds.join(" ")
        ),
    );
    let b = linking_case("B", &format!("Also [missing]({}).\n", u("/missing")));
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        ("content/cases/a/index.md", a.clone()),
        ("content/cases/b/index.md", b.clone()),
        // No share buttons: a test sends nothing beyond this machine.
        ("templates/partials/share.html", String::new()),
    ]);
    (site, a, b)
}

#[test]
fn external_links_are_asked_within_limits_and_answers_are_kept() {
    let origin = Origin::start();
    let (site, a, b) = external_site(&origin);

    // Without --external nothing is asked.
    let (code, stderr) = check(&site, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(origin.requests().is_empty(), "{:?}", origin.requests());
    assert!(
        stderr.contains("14 addresses of other sites were not checked"),
        "{stderr}"
    );

    let args = ["--external", "--timeout", "1", "--per-host", "2"];
    let (code, stderr) = check(&site, &args);
    assert_eq!(code, 1, "{stderr}");
    let at = |file: &str, text: &str, needle: &str| {
        format!("{file}:{}: external link ", line_of(text, needle))
    };
    let (fa, fb) = ("content/cases/a/index.md", "content/cases/b/index.md");
    let expected = [
        format!(
            "{}{}: 404 Not Found",
            at(fa, &a, "[missing]"),
            origin.url("/missing")
        ),
        format!(
            "{}{}: 404 Not Found",
            at(fb, &b, "[missing]"),
            origin.url("/missing")
        ),
        format!(
            "{}{}: more than 5 redirects",
            at(fa, &a, "[loop]"),
            origin.url("/loop")
        ),
        format!(
            "{}{}: no complete answer within 1 s",
            at(fa, &a, "[slow]"),
            origin.url("/slow")
        ),
        format!(
            "{}{}: {} has no element with id `absent`",
            at(fa, &a, "[absent]"),
            origin.url("/page#absent"),
            origin.url("/page")
        ),
    ];
    for e in &expected {
        assert!(stderr.contains(e.as_str()), "missing {e:?} in:\n{stderr}");
    }
    assert_eq!(errors(&stderr).len(), expected.len(), "{stderr}");
    assert!(
        stderr.contains("External links: 14 addresses, 14 asked now and 0 from the cache")
            && stderr.contains(": 4 failed."),
        "{stderr}"
    );

    let requests = origin.requests();
    let count = |r: &str| requests.iter().filter(|x| *x == r).count();
    // HEAD is enough for a page that answers it; a redirect is followed; a server refusing
    // HEAD gets a GET; a page whose fragments are looked for is fetched whole, once.
    assert_eq!(
        (count("HEAD /ok"), count("GET /ok")),
        (2, 0),
        "{requests:?}"
    );
    assert_eq!(count("HEAD /moved"), 1, "{requests:?}");
    assert_eq!(
        (count("HEAD /no-head"), count("GET /no-head")),
        (1, 1),
        "{requests:?}"
    );
    assert_eq!(
        (count("HEAD /page"), count("GET /page")),
        (0, 1),
        "{requests:?}"
    );
    assert_eq!(
        count("HEAD /missing") + count("GET /missing"),
        2,
        "{requests:?}"
    );
    // The redirect loop stops at the bound: the first request and five redirects.
    assert_eq!(
        (count("HEAD /loop"), count("GET /loop")),
        (6, 0),
        "{requests:?}"
    );
    // A time-out is not asked again with GET.
    assert_eq!(
        (count("HEAD /slow"), count("GET /slow")),
        (1, 0),
        "{requests:?}"
    );
    // At most two requests to the host at once, and the limit was reached.
    assert_eq!(origin.peak.load(Ordering::SeqCst), 2, "{requests:?}");

    // A second run asks nothing: every answer, failures included, comes from the cache.
    let (code, again) = check(&site, &args);
    assert_eq!(code, 1, "{again}");
    assert_eq!(
        origin.requests().len(),
        requests.len(),
        "{:?}",
        origin.requests()
    );
    assert!(
        again.contains("14 addresses, 0 asked now and 14 from the cache")
            && again.contains("kept in the cache"),
        "{again}"
    );
    assert_eq!(errors(&again).len(), expected.len(), "{again}");
    assert!(site.path(".radcase-cache/links-v1.json").is_file());

    // --refresh asks again.
    let (_, _) = check(&site, &["--external", "--refresh", "--timeout", "1"]);
    assert!(
        origin.requests().len() >= requests.len() + 14,
        "{:?}",
        origin.requests()
    );
}

#[test]
fn flags_of_the_external_check_are_checked() {
    let site = TestSite::minimal();
    for bad in [
        &["--refresh"][..],
        &["--external", "--timeout", "0"],
        &["--external", "--per-host", "0"],
        &["--external", "--concurrency", "1000"],
    ] {
        let (code, stderr) = check(&site, bad);
        assert_eq!(code, 2, "{bad:?}: {stderr}");
    }
}
