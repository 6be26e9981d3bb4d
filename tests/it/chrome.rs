//! The site around every page: the `[contact]` block in the footer (address, protected e-mail,
//! phone, social accounts) and the header menu with its phone menu button.

use crate::common::{self, TestSite, attr, attrs, build_fails, sel, text, texts};

const SECTION: &str = "+++\ntitle = \"Cases\"\npage_kind = \"case\"\n+++\n";

fn config(extra: &str) -> String {
    format!("{}{extra}", common::CONFIG)
}

const CONTACT: &str = "[contact]\n\
    address = \"\"\"Department of Radiology\nRiverside Hospital\n\n1 River Road, Riverside\"\"\"\n\
    email = \"residency.office@riverside.example.org\"\n\
    phone = \"+1 (518) 555-0142\"\n\
    [contact.social]\n\
    youtube = \"https://www.youtube.com/@riverside\"\n\
    bluesky = \"https://bsky.app/profile/riverside.example.org\"\n\
    x = \"https://x.com/RiversideRads\"\n\
    mastodon = \"https://mastodon.social/@riverside\"\n";

fn menu(items: &[(&str, &str)]) -> String {
    items
        .iter()
        .map(|(n, u)| format!("[[menu]]\nname = \"{n}\"\nurl = \"{u}\"\n"))
        .collect()
}

const NINE: &[(&str, &str)] = &[
    ("Home", "/"),
    ("Program", "/about/"),
    ("Curriculum", "/curriculum/"),
    ("People", "/people/"),
    ("Events", "/events/"),
    ("Cases", "/cases/"),
    ("Apply", "/apply/"),
    ("Research", "/research/"),
    ("Elsewhere", "https://other.example.org/"),
];

fn site(config_extra: &str) -> TestSite {
    TestSite::with(&[
        ("config.toml", config(config_extra)),
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\nWelcome.\n".to_string(),
        ),
        (
            "content/about.md",
            "+++\ntitle = \"About\"\n+++\nAbout us.\n".to_string(),
        ),
        ("content/cases/_index.md", SECTION.to_string()),
        ("content/cases/a.md", common::case_md("Pneumothorax")),
    ])
}

/// What a harvester's regex over the HTML finds: addresses and `mailto:` with one.
fn harvested(html: &str) -> Vec<String> {
    let re = regex::Regex::new(r"(?i)(mailto:)?[\w.+-]+(@|&#64;|&#x40;)[\w-]+(\.[\w-]+)+").unwrap();
    re.find_iter(html).map(|m| m.as_str().to_string()).collect()
}

#[test]
fn every_page_shows_the_contact_block() {
    let site = site(&format!("author = \"Riverside Radiology\"\n{CONTACT}"));
    site.build_ok(&[]);
    for page in [
        "index.html",
        "about/index.html",
        "cases/index.html",
        "cases/a/index.html",
        "404.html",
    ] {
        let raw = site.read_out(page);
        let doc = site.html(page);
        let block = "footer .contact";
        assert_eq!(
            text(&doc, &format!("{block} h2")),
            "Riverside Radiology",
            "{page}"
        );
        // One line per line of the address, the blank one dropped.
        assert_eq!(
            doc.select(&sel(&format!("{block} address br"))).count(),
            2,
            "{page}"
        );
        assert_eq!(
            text(&doc, &format!("{block} address")),
            "Department of Radiology Riverside Hospital 1 River Road, Riverside"
        );
        // The e-mail: its halves are there, and no harvester's pattern finds it.
        assert_eq!(
            text(&doc, &format!("{block} .email .email-user")),
            "residency.office"
        );
        assert_eq!(
            text(&doc, &format!("{block} .email .email-host")),
            "riverside.example.org"
        );
        assert!(harvested(&raw).is_empty(), "{page}: {:?}", harvested(&raw));
        assert!(!raw.contains("residency.office@"), "{page}");
        // The phone, dialable.
        assert_eq!(
            attr(&doc, &format!("{block} a[href^='tel:']"), "href"),
            "tel:+15185550142"
        );
        assert_eq!(
            text(&doc, &format!("{block} a[href^='tel:']")),
            "+1 (518) 555-0142"
        );
        // Social accounts in a fixed order, named for assistive technology, rel="me", each
        // with an inline icon of our own.
        let links = format!("{block} .social-links a");
        assert_eq!(
            attrs(&doc, &links, "aria-label"),
            ["X", "Bluesky", "Mastodon", "YouTube"]
        );
        assert_eq!(
            attrs(&doc, &links, "href"),
            [
                "https://x.com/RiversideRads",
                "https://bsky.app/profile/riverside.example.org",
                "https://mastodon.social/@riverside",
                "https://www.youtube.com/@riverside"
            ]
        );
        assert!(attrs(&doc, &links, "rel").iter().all(|r| r == "me"));
        assert_eq!(
            doc.select(&sel(&format!("{links} > svg[aria-hidden=true]")))
                .count(),
            4
        );
    }
    // No icon font and nothing from another host.
    let raw = site.read_out("index.html");
    for s in attrs(
        &site.html("index.html"),
        "link[rel=stylesheet], script[src]",
        "href",
    ) {
        assert!(s.starts_with('/'), "{s}");
    }
    assert!(!raw.contains("@font-face") && !raw.contains("fonts.googleapis"));
}

#[test]
fn the_contact_block_shows_only_what_is_set() {
    let site = site("[contact]\nphone = \"555 0100\"\n");
    site.build_ok(&[]);
    let doc = site.html("index.html");
    assert_eq!(attr(&doc, "footer .contact a", "href"), "tel:5550100");
    for absent in ["footer address", "footer .email", "footer .social-links"] {
        assert_eq!(doc.select(&sel(absent)).count(), 0, "{absent}");
    }
    // No [contact]: no block at all.
    let site = site_plain();
    site.build_ok(&[]);
    assert_eq!(
        site.html("index.html")
            .select(&sel("footer .contact"))
            .count(),
        0
    );
}

fn site_plain() -> TestSite {
    site("")
}

#[test]
fn bad_contact_values_stop_the_build_with_their_line() {
    for (extra, line, words) in [
        (
            "[contact]\n[contact.social]\ntiktok = \"https://tiktok.com/@r\"\n",
            5,
            "`tiktok` in [contact.social] is not a network",
        ),
        (
            "[contact]\n[contact.social]\nx = \"x.com/r\"\n",
            5,
            "must be a web address",
        ),
        (
            "[contact]\nemail = \"office at riverside\"\n",
            4,
            "not an e-mail address",
        ),
        (
            "[contact]\nphone = \"ask the desk\"\n",
            4,
            "not a phone number",
        ),
    ] {
        let site = site(extra);
        let err = build_fails(&site, &[]);
        assert!(
            err.contains(&format!("config.toml:{line}:"))
                && err.contains(words)
                && err.contains("hint:"),
            "{extra}: {err}"
        );
    }
    let err = build_fails(
        &site("[contact.social]\nthread = \"https://threads.net/@r\"\n"),
        &[],
    );
    assert!(err.contains("did you mean `threads`"), "{err}");
    assert!(
        err.contains("x, bluesky, mastodon, threads, linkedin, instagram, facebook, youtube"),
        "{err}"
    );
}

#[test]
fn the_menu_holds_nine_items_behind_a_real_button() {
    let site = site(&menu(NINE));
    site.build_ok(&[]);
    for (page, current, ancestor) in [
        ("index.html", Some("Home"), None),
        ("about/index.html", Some("Program"), None),
        ("cases/index.html", Some("Cases"), None),
        ("cases/a/index.html", None, Some("Cases")),
    ] {
        let doc = site.html(page);
        let nav = "header nav.site-nav[aria-label=Main]";
        assert_eq!(
            texts(&doc, &format!("{nav} ul li a")),
            // The site's search page comes last, after the configured items.
            NINE.iter()
                .map(|(n, _)| n.to_string())
                .chain(["Search".to_string()])
                .collect::<Vec<_>>(),
            "{page}"
        );
        let button = format!("{nav} button.menu-button[type=button]");
        assert_eq!(attr(&doc, &button, "aria-expanded"), "false", "{page}");
        let list = attr(&doc, &button, "aria-controls");
        assert_eq!(attr(&doc, &format!("{nav} ul"), "id"), list);
        assert_eq!(text(&doc, &button), "Menu");
        // Exactly one item is the page itself; a page inside a section marks the section.
        let page_items = texts(&doc, &format!("{nav} a[aria-current=page]"));
        assert_eq!(
            page_items,
            current.map(|c| vec![c.to_string()]).unwrap_or_default(),
            "{page}"
        );
        let in_items = texts(&doc, &format!("{nav} a[aria-current=true]"));
        assert_eq!(
            in_items,
            ancestor.map(|c| vec![c.to_string()]).unwrap_or_default(),
            "{page}"
        );
    }
    // The script marks the page as scripted before the header is drawn (no collapse after load).
    let raw = site.read_out("index.html");
    let (marker, header) = (
        raw.find("classList.add(\"js\")").unwrap(),
        raw.find("<header").unwrap(),
    );
    assert!(marker < header);
}
