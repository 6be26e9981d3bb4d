//! Files published as they are, by allow-list: text in every encoding and markup is scanned,
//! documents and unknown files are refused unless `[privacy] publish` allows them (and then
//! their metadata is scanned), hidden and backup files are never published, a theme's static
//! files and the site's templates are scanned, and every file published was scanned.

use std::collections::BTreeSet;

use crate::common::*;

fn config(extra: &str) -> String {
    format!("{CONFIG}\n{extra}")
}

/// A site with one case bundle and `files` beside it.
fn site(extra_config: &str, files: &[(&str, Vec<u8>)]) -> TestSite {
    let site = TestSite::with(&[
        ("config.toml", config(extra_config)),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        ("content/cases/a/index.md", case_md("First case")),
    ]);
    for (rel, bytes) in files {
        site.write(rel, bytes);
    }
    site
}

fn check_stderr(site: &TestSite) -> (i32, String) {
    let out = radcase().arg("check").arg(&site.dir).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().unwrap_or(-1), stderr)
}

/// A PDF whose Info dictionary names `author`.
fn pdf(author: &str) -> Vec<u8> {
    format!(
        "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n2 0 obj\n<< /Author ({author}) /Title (Handout) >>\nendobj\ntrailer\n<< /Root 1 0 R /Info 2 0 R >>\n%%EOF\n"
    )
    .into_bytes()
}

/// A zip of stored entries (what office files are).
fn zip(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, text) in entries {
        let offset = out.len() as u32;
        let crc = crc32(text.as_bytes());
        let len = text.len() as u32;
        let mut local = b"PK\x03\x04".to_vec();
        local.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        local.extend_from_slice(&crc.to_le_bytes());
        local.extend_from_slice(&len.to_le_bytes());
        local.extend_from_slice(&len.to_le_bytes());
        local.extend_from_slice(&(name.len() as u16).to_le_bytes());
        local.extend_from_slice(&[0, 0]);
        local.extend_from_slice(name.as_bytes());
        out.extend(local);
        out.extend_from_slice(text.as_bytes());
        let mut c = b"PK\x01\x02".to_vec();
        c.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        c.extend_from_slice(&crc.to_le_bytes());
        c.extend_from_slice(&len.to_le_bytes());
        c.extend_from_slice(&len.to_le_bytes());
        c.extend_from_slice(&(name.len() as u16).to_le_bytes());
        c.extend_from_slice(&[0u8; 12]);
        c.extend_from_slice(&offset.to_le_bytes());
        c.extend_from_slice(name.as_bytes());
        central.extend(c);
    }
    let cd_offset = out.len() as u32;
    let n = entries.len() as u16;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

fn docx(creator: &str, body: &str) -> Vec<u8> {
    zip(&[
        (
            "docProps/core.xml",
            &format!("<cp:coreProperties><dc:creator>{creator}</dc:creator></cp:coreProperties>"),
        ),
        (
            "word/document.xml",
            &format!(
                "<w:document><w:body><w:p><w:r><w:t>{body}</w:t></w:r></w:p></w:body></w:document>"
            ),
        ),
    ])
}

fn utf16(text: &str) -> Vec<u8> {
    [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect()
}

#[test]
fn files_radcase_cannot_read_are_refused_naming_how_to_allow() {
    let s = site(
        "",
        &[
            ("content/cases/a/handout.pdf", pdf("")),
            ("content/cases/a/slides.docx", docx("", "Ok")),
            (
                "content/cases/a/loop.mp4",
                vec![0, 0, 0, 24, b'f', b't', b'y', b'p'],
            ),
            ("static/brain.nii.gz", vec![0x1f, 0x8b, 8, 0]),
            ("static/export.zip", zip(&[("a.txt", "x")])),
            ("static/blob", vec![0, 1, 2, 3, 0xFF, 0, 7]),
        ],
    );
    let err = build_fails(&s, &[]);
    for name in [
        "handout.pdf",
        "slides.docx",
        "loop.mp4",
        "brain.nii.gz",
        "export.zip",
        "blob",
    ] {
        assert!(
            err.lines()
                .any(|l| l.contains(name) && l.contains("cannot publish")),
            "{name}:\n{err}"
        );
    }
    assert!(err.contains("[privacy] publish"), "{err}");
    assert!(
        err.contains("path = \"content/cases/a/handout.pdf\""),
        "{err}"
    );
    assert!(!s.out("index.html").exists());
}

#[test]
fn text_in_every_encoding_and_form_is_scanned() {
    let s = site(
        "",
        &[
            ("static/notes-utf16.txt", utf16("Seen today.\r\nMRN: 4455601\r\n")),
            ("content/cases/a/captions.vtt", b"WEBVTT\n\n00:01.000 --> 00:04.000\nMRN: 4455602\n".to_vec()),
            ("static/msg.hl7", b"MSH|^~\\&|RIS|X|||202401011200||ORU^R01|1|P|2.3\rPID|1||4455603^^^HOSP^MR||DOE^JANE||19480314|F\r".to_vec()),
            ("static/data.yml", b"case: 12\npatient_name: Smith, John\n".to_vec()),
            ("static/README", b"Scanned from the film.\nMRN 4455604\n".to_vec()),
            ("static/js/app.js", b"const label = 'MRN: 4455605';\n".to_vec()),
            ("content/cases/a/label.svg", b"<svg><text><tspan>MRN:</tspan><tspan x=\"40\">4455606</tspan></text></svg>".to_vec()),
            ("content/cases/a/table.csv", b"Patient name,finding\nJohn Smith,nodule\n".to_vec()),
            ("static/record.json", br#"{"case": 3, "patientName": "Smith, Jane"}"#.to_vec()),
            ("static/table.html", b"<table><tr><th>MRN</th><td>4455607</td></tr></table>".to_vec()),
        ],
    );
    let (code, err) = check_stderr(&s);
    assert_eq!(code, 1, "{err}");
    for name in [
        "notes-utf16.txt",
        "captions.vtt",
        "msg.hl7",
        "data.yml",
        "README",
        "app.js",
        "label.svg",
        "table.csv",
        "record.json",
        "table.html",
    ] {
        assert!(
            err.lines()
                .any(|l| l.contains(name) && l.contains("privacy [")),
            "{name} not found:\n{err}"
        );
    }
    // Lines are the file's own, in any encoding.
    assert!(err.contains("notes-utf16.txt:2:"), "{err}");
    for raw in ["4455601", "4455603", "Smith"] {
        assert!(!err.contains(raw), "{raw} printed:\n{err}");
    }
}

#[test]
fn a_data_image_inside_a_text_file_is_refused() {
    let s = site(
        "",
        &[(
            "static/page.html",
            b"<p>x</p>\n<img src=\"data:image/jpeg;base64,/9j/4AAQSkZJRg==\">\n".to_vec(),
        )],
    );
    let err = build_fails(&s, &[]);
    assert!(err.contains("static/page.html:2"), "{err}");
    assert!(err.contains("data:image/jpeg"), "{err}");
}

#[test]
fn hidden_and_backup_files_are_never_published_but_well_known_is() {
    let s = site(
        "",
        &[
            ("static/.env", b"SECRET=1".to_vec()),
            ("static/style.css", b"a{}".to_vec()),
            ("static/style.css.bak", b"MRN: 4455667".to_vec()),
            ("static/old.html.orig", b"x".to_vec()),
            ("static/Thumbs.db", vec![0xD0, 0xCF, 0x11, 0xE0]),
            ("static/img/.DS_Store", vec![0, 0, 0, 1]),
            ("content/cases/a/index.md~", b"old".to_vec()),
            ("content/cases/a/#notes.txt#", b"MRN: 4455667".to_vec()),
            ("content/cases/a/notes.txt.swp", vec![0, 1]),
            (
                "static/.well-known/security.txt",
                b"Contact: https://example.org/security\n".to_vec(),
            ),
        ],
    );
    s.build_ok(&[]);
    let out: BTreeSet<String> = list_files(&s.path("public")).into_iter().collect();
    for gone in [
        ".env",
        "style.css.bak",
        "old.html.orig",
        "Thumbs.db",
        "img/.DS_Store",
        "cases/a/index.md~",
        "cases/a/#notes.txt#",
        "cases/a/notes.txt.swp",
    ] {
        assert!(!out.contains(gone), "{gone} published: {out:?}");
    }
    assert!(out.contains("style.css"));
    assert!(out.contains(".well-known/security.txt"), "{out:?}");
}

#[test]
fn well_known_files_are_scanned() {
    let s = site(
        "",
        &[("static/.well-known/contact.txt", b"MRN: 4455667\n".to_vec())],
    );
    let err = build_fails(&s, &[]);
    assert!(err.contains(".well-known/contact.txt:1:"), "{err}");
}

#[test]
fn a_themes_static_files_and_the_sites_templates_are_scanned() {
    let s = site(
        "",
        &[
            ("themes/t/static/js/theme.js", b"// MRN: 4455667\n".to_vec()),
            (
                "themes/t/templates/partials/x.html",
                b"<p>Call (555) 123-4567</p>\n".to_vec(),
            ),
            (
                "templates/page.html",
                b"{{ page.title }} <footer>MRN: 4455668</footer>\n".to_vec(),
            ),
        ],
    );
    let cfg = std::fs::read_to_string(s.path("config.toml")).unwrap();
    s.write("config.toml", format!("theme = \"t\"\n{cfg}"));
    let err = build_fails(&s, &[]);
    for name in [
        "static/js/theme.js:1:",
        "partials/x.html:1:",
        "templates/page.html:1:",
    ] {
        assert!(err.contains(name), "{name}:\n{err}");
    }
}

#[test]
fn an_allowed_pdf_is_published_and_its_metadata_scanned() {
    let allow = "[privacy]\npublish = [{ path = \"content/cases/a/handout.pdf\", reason = \"the department's handout\" }]\n";
    let s = site(allow, &[("content/cases/a/handout.pdf", pdf("John Smith"))]);
    let err = build_fails(&s, &[]);
    assert!(
        err.lines()
            .any(|l| l.contains("handout.pdf") && l.contains("privacy [patient-name]")),
        "{err}"
    );
    assert!(!err.contains("John Smith"), "{err}");
    // Without the author, it is published as it is.
    s.write("content/cases/a/handout.pdf", pdf(""));
    s.build_ok(&[]);
    assert_eq!(
        std::fs::read(s.out("cases/a/handout.pdf")).unwrap(),
        pdf("")
    );
}

/// A PDF whose page shows `text` from a Flate-compressed content stream, as most PDFs do.
fn compressed_pdf(text: &str) -> Vec<u8> {
    use std::io::Write;
    let content = format!("BT /F1 11 Tf 72 720 Td [({text})] TJ ET");
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(content.as_bytes()).unwrap();
    let data = z.finish().unwrap();
    let mut out = format!(
        "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n4 0 obj\n<< /Length {} /Filter /FlateDecode >>\nstream\n",
        data.len()
    )
    .into_bytes();
    out.extend(data);
    out.extend_from_slice(b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
    out
}

#[test]
fn an_allowed_pdf_has_its_compressed_page_text_scanned() {
    let allow = "[privacy]\npublish = [{ path = \"content/cases/a/handout.pdf\", reason = \"the department's handout\" }]\n";
    let s = site(
        allow,
        &[(
            "content/cases/a/handout.pdf",
            compressed_pdf("Hosp #: 4471203"),
        )],
    );
    let err = build_fails(&s, &[]);
    assert!(
        err.lines()
            .any(|l| l.contains("handout.pdf") && l.contains("privacy [mrn]")),
        "{err}"
    );
    assert!(!err.contains("4471203"), "{err}");
    s.write(
        "content/cases/a/handout.pdf",
        compressed_pdf("Teaching points: the hilum overlay sign"),
    );
    s.build_ok(&[]);
}

#[test]
fn an_allowed_office_file_has_its_properties_and_text_scanned() {
    let allow = "[privacy]\npublish = [{ pattern = \"content/cases/*/*.docx\", reason = \"talk notes\" }]\n";
    let s = site(
        allow,
        &[("content/cases/a/talk.docx", docx("John Smith", "Findings"))],
    );
    let err = build_fails(&s, &[]);
    assert!(
        err.lines()
            .any(|l| l.contains("talk.docx") && l.contains("privacy [")),
        "{err}"
    );
    s.write("content/cases/a/talk.docx", docx("", "MRN: 4455667"));
    let err = build_fails(&s, &[]);
    assert!(
        err.lines()
            .any(|l| l.contains("talk.docx") && l.contains("[mrn]")),
        "{err}"
    );
    s.write("content/cases/a/talk.docx", docx("", "Findings"));
    s.build_ok(&[]);
    assert!(s.out("cases/a/talk.docx").exists());
}

#[test]
fn an_allow_entry_needs_a_reason_and_one_that_matches_nothing_is_a_warning() {
    let s = site(
        "[privacy]\npublish = [{ path = \"content/cases/a/handout.pdf\" }]\n",
        &[("content/cases/a/handout.pdf", pdf(""))],
    );
    let err = build_fails(&s, &[]);
    assert!(err.contains("config.toml:"), "{err}");
    assert!(err.contains("has no `reason`"), "{err}");
    let s = site(
        "[privacy]\npublish = [{ path = \"static/gone.pdf\", reason = \"old\" }]\n",
        &[],
    );
    let warn = s.build_ok(&[]);
    assert!(warn.contains("matches no file"), "{warn}");
    let s = site(
        "[privacy]\npublish = [{ path = \"static/x.pdf\", reasn = \"x\" }]\n",
        &[],
    );
    let err = build_fails(&s, &[]);
    assert!(err.contains("reasn"), "{err}");
}

/// Every category of file, each in its own place; the planted copy holds an identifier in
/// each, the clean one none.
fn every_category(planted: bool) -> Vec<(&'static str, Vec<u8>)> {
    let id = |n: u32| {
        if planted {
            format!("MRN: 44556{n:02}")
        } else {
            "Series 3".to_string()
        }
    };
    vec![
        ("content/cases/a/notes.txt", id(1).into_bytes()),
        (
            "content/cases/a/table.csv",
            format!("label,value\nnote,{}\n", id(2)).into_bytes(),
        ),
        (
            "content/cases/a/fig.svg",
            format!("<svg><text>{}</text></svg>", id(3)).into_bytes(),
        ),
        (
            "content/cases/a/handout.pdf",
            pdf(if planted { "MRN: 4455604" } else { "" }),
        ),
        ("content/cases/a/talk.docx", docx("", &id(5))),
        (
            "content/loose.json",
            format!("{{\"note\": \"{}\"}}", id(6)).into_bytes(),
        ),
        (
            "static/css/site.css",
            format!("/* {} */", id(7)).into_bytes(),
        ),
        ("static/js/app.mjs", format!("// {}\n", id(8)).into_bytes()),
        ("static/README", format!("{}\n", id(9)).into_bytes()),
        (
            "static/.well-known/security.txt",
            format!("{}\n", id(10)).into_bytes(),
        ),
        (
            "static/cues.vtt",
            format!("WEBVTT\n\n00:01.000 --> 00:02.000\n{}\n", id(11)).into_bytes(),
        ),
        ("static/page.htm", format!("<p>{}</p>", id(12)).into_bytes()),
        ("static/feed.xml", format!("<a>{}</a>", id(13)).into_bytes()),
        (
            "static/conf.toml",
            format!("note = \"{}\"\n", id(14)).into_bytes(),
        ),
        ("static/notes-16.txt", utf16(&id(15))),
        ("static/NOTES.MD", id(16).into_bytes()),
        (
            "themes/t/static/theme.js",
            format!("// {}\n", id(17)).into_bytes(),
        ),
        ("static/fonts/x.woff2", b"wOF2\0\x01\0\0".to_vec()),
        ("static/style.css.bak", id(18).into_bytes()),
        ("static/.hidden.txt", id(19).into_bytes()),
    ]
}

#[test]
fn every_published_file_was_scanned() {
    let allow = "theme = \"t\"\n[privacy]\npublish = [{ path = \"content/cases/a/handout.pdf\", reason = \"handout\" }, { pattern = \"content/**/*.docx\", reason = \"notes\" }]\n";
    let planted = site(allow, &every_category(true));
    let (code, err) = check_stderr(&planted);
    assert_eq!(code, 1, "{err}");
    let scanned: BTreeSet<String> = every_category(true)
        .iter()
        .map(|(rel, _)| rel.to_string())
        .filter(|rel| {
            let name = rel.rsplit('/').next().unwrap();
            err.lines().any(|l| l.contains(name) && l.contains("[mrn]"))
        })
        .collect();
    let clean = site(allow, &every_category(false));
    clean.build_ok(&[]);
    let published: BTreeSet<String> = every_category(false)
        .iter()
        .filter_map(|(rel, bytes)| {
            let out = rel
                .strip_prefix("content/")
                .or_else(|| rel.strip_prefix("static/"))
                .or_else(|| rel.strip_prefix("themes/t/static/"))
                .unwrap();
            (std::fs::read(clean.out(out)).ok().as_ref() == Some(bytes)).then(|| rel.to_string())
        })
        .collect();
    let unscanned: Vec<&String> = published
        .iter()
        .filter(|rel| !rel.ends_with(".woff2") && !scanned.contains(*rel))
        .collect();
    assert!(
        unscanned.is_empty(),
        "published but not scanned: {unscanned:?}\n{err}"
    );
    // And nothing that was never scanned slipped through: hidden and backup files stay out.
    assert!(!published.contains("static/style.css.bak"));
    assert!(!published.contains("static/.hidden.txt"));
    assert_eq!(
        published.len(),
        every_category(false).len() - 2,
        "{published:?}"
    );
}

/// `serve` holds edits to the same rules: a template or a static file added while it runs is
/// scanned, and a file radcase cannot read is refused, before anything is served.
#[test]
fn serve_scans_edited_templates_and_refuses_new_files() {
    use crate::common::server::{Server, save};
    let site = TestSite::minimal();
    let server = Server::start(&site, &[]);
    let events = server.events();
    events.next("build-ok");
    save(
        &site,
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<p>MRN: 4455667</p>{% endblock content %}",
    );
    let report = events.next("build-error");
    assert!(report.contains("mrn"), "{report}");
    assert!(!server.get("/about/").text().contains("4455667"));
    save(&site, "templates/page.html", "{% extends \"base.html\" %}");
    events.next("build-ok");
    save(&site, "static/handout.pdf", pdf(""));
    let report = events.next("build-error");
    assert!(report.contains("cannot publish"), "{report}");
    assert_ne!(server.get("/handout.pdf").status, 200);
}
