//! Nothing a site contains can make a build write outside its output folder, publish a file
//! that still carries metadata, or lose the previous output. Each test here is a bug found by
//! review, reproduced with the input that triggered it.

use crate::common::*;

/// Every file under the test's temporary folder, outside the site folder.
fn files_outside_site(site: &TestSite) -> Vec<String> {
    list_files(site.tmp.path())
        .into_iter()
        .filter(|f| !f.starts_with("site/"))
        .collect()
}

fn case_with(front: &str) -> String {
    format!("+++\ntitle = \"A\"\ndate = 2024-05-02\n{front}\n+++\nBody.\n")
}

#[test]
fn aliases_cannot_leave_the_output_folder() {
    for alias in [
        "../outside-alias",
        "/x/../../../../escape.html",
        "/cases/a/./",
        "https://x.org/a",
        "/",
    ] {
        let site = TestSite::with(&[
            ("config.toml", CONFIG.to_string()),
            ("content/cases/_index.md", CASES_SECTION.to_string()),
            (
                "content/cases/a/index.md",
                case_with(&format!("aliases = [\"{alias}\"]")),
            ),
        ]);
        let stderr = build_fails(&site, &[]);
        assert!(stderr.contains("index.md"), "{alias}: {stderr}");
        assert_eq!(files_outside_site(&site), Vec::<String>::new(), "{alias}");
        assert!(!site.path("outside-alias").exists());
    }
}

#[test]
fn names_without_letters_are_errors_not_root_paths() {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        (
            "content/---.md",
            "+++\ntitle = \"Dashes\"\n+++\nx\n".to_string(),
        ),
    ]);
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("---.md") && stderr.contains("slug"),
        "{stderr}"
    );

    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        ("content/cases/e.md", case_with("slug = \"\"")),
    ]);
    build_fails(&site, &[]);

    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        (
            "content/!!!/_index.md",
            "+++\ntitle = \"Bangs\"\n+++\n".to_string(),
        ),
    ]);
    build_fails(&site, &[]);
}

#[cfg(unix)]
#[test]
fn backslashes_in_file_names_are_not_separators() {
    let site = TestSite::minimal();
    site.build_ok(&[]);
    site.write("pwn.txt", "keep me");
    site.write("content/cases/a/x/keep.txt", "x");
    site.write("content/cases/a/x\\..\\..\\..\\..\\pwn.txt", "evil");
    let stderr = build_fails(&site, &[]);
    assert!(stderr.contains("backslash"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(site.path("pwn.txt")).unwrap(),
        "keep me"
    );

    let site = TestSite::minimal();
    site.write("static/x\\..\\..\\..\\escape.txt", "evil");
    build_fails(&site, &[]);
    assert_eq!(files_outside_site(&site), Vec::<String>::new());
}

#[test]
fn images_under_other_names_and_in_static_are_reencoded_and_dicom_withheld() {
    let secret = png_with_text(b"Comment\0PATIENT Jane Doe MRN 123456");
    assert!(image::load_from_memory(&secret).is_ok());
    let site = TestSite::minimal();
    for name in ["scan.apng", "scan.jfif", "scan.dat"] {
        site.write(&format!("content/cases/a/files/{name}"), &secret);
        site.write(&format!("static/img/{name}"), &secret);
    }
    let mut dicom = vec![0u8; 128];
    dicom.extend_from_slice(b"DICMsecret-dicom-header");
    site.write("static/series/IM0001.dcm", &dicom);
    site.write("static/series/IM0002", &dicom);
    site.build_ok(&[]);
    for rel in list_files(&site.path("public")) {
        let bytes = std::fs::read(site.out(&rel)).unwrap();
        for needle in [&b"Jane Doe"[..], b"secret-dicom-header"] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "public/{rel} leaks {:?}",
                String::from_utf8_lossy(needle)
            );
        }
    }
    // The disguised images are still published, as images.
    let reader = image::ImageReader::open(site.out("img/scan.dat")).unwrap();
    assert!(reader.with_guessed_format().unwrap().decode().is_ok());
    assert!(!site.out("series/IM0001.dcm").exists() && !site.out("series/IM0002").exists());
}

#[test]
fn unsupported_image_formats_are_refused() {
    let site = TestSite::minimal();
    site.write("content/cases/a/photo.heic", b"not really heic");
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("photo.heic") && stderr.contains("HEIC"),
        "{stderr}"
    );
}

#[test]
fn images_outside_the_case_folder_are_errors() {
    for front in [
        "images = [{ file = \"../b/ct.png\", alt = \"x\" }]",
        "images = [{ file = \"/etc/hostname\", alt = \"x\" }]",
    ] {
        let site = TestSite::with(&[
            ("config.toml", CONFIG.to_string()),
            ("content/cases/_index.md", CASES_SECTION.to_string()),
            ("content/cases/a/index.md", case_with(front)),
            ("content/cases/b/index.md", case_with("")),
        ]);
        site.write("content/cases/b/ct.png", png_bytes(4, 4));
        let stderr = build_fails(&site, &[]);
        assert!(stderr.contains("outside the case folder"), "{stderr}");
    }
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            "+++\ntitle = \"A\"\n+++\n![x](../b/ct.png)\n".to_string(),
        ),
    ]);
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("index.md:4") && stderr.contains("outside"),
        "{stderr}"
    );
}

#[test]
fn output_that_is_a_file_is_refused_and_kept() {
    let site = TestSite::minimal();
    let file = site.tmp.path().join("afile");
    std::fs::write(&file, "keep").unwrap();
    build_fails(&site, &["--output", file.to_str().unwrap()]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep");
    assert!(site.staging_leftovers().is_empty());
}

#[test]
fn output_path_with_dot_dot_replaces_cleanly() {
    let site = TestSite::minimal();
    site.build_ok(&[]);
    let odd = format!("{}/public/..//public", site.dir.display());
    site.build_ok(&["--output", &odd]);
    assert!(site.out("index.html").is_file());
    assert!(
        site.staging_leftovers().is_empty(),
        "{:?}",
        site.staging_leftovers()
    );
}

#[test]
fn sitemap_lists_only_pages_that_exist() {
    let site = TestSite::with(&[
        ("config.toml", CONFIG.to_string()),
        ("content/about.md", ABOUT.to_string()),
    ]);
    site.build_ok(&[]);
    let sitemap = site.read_out("sitemap.xml");
    for loc in sitemap.split("<loc>").skip(1) {
        let url = loc.split("</loc>").next().unwrap();
        let rel = url.trim_start_matches("https://example.org/");
        let file = if rel.is_empty() || rel.ends_with('/') {
            format!("{rel}index.html")
        } else {
            rel.to_string()
        };
        assert!(
            site.out(&file).is_file(),
            "the sitemap lists {url}, which was not built"
        );
    }
}

/// A symbolic link that leaves the site folder (a contributed case can carry one: git stores
/// links) is an error naming the link and its target; nothing is written. Links inside the
/// site are followed.
#[cfg(unix)]
#[test]
fn links_out_of_the_site_folder_are_refused() {
    let site = TestSite::minimal();
    let outside = site.tmp.path().join("private");
    write_files(
        &outside,
        &[("key.pem", "PRIVATE KEY"), ("notes/a.txt", "secret notes")],
    );
    site.build_ok(&[]);
    let before = list_files(&site.path("public"));
    let links = [
        (outside.join("key.pem"), "static/key.pem"),
        (outside.join("notes"), "content/cases/a/notes"),
        (std::path::PathBuf::from("/etc/passwd"), "static/passwd.txt"),
    ];
    std::fs::create_dir_all(site.path("static")).unwrap();
    for (target, link) in &links {
        std::os::unix::fs::symlink(target, site.path(link)).unwrap();
    }
    let stderr = build_fails(&site, &[]);
    for (target, link) in &links {
        let target = std::fs::canonicalize(target).unwrap_or(target.clone());
        assert!(
            stderr.contains(&format!(
                "{link}: this symbolic link points outside the site folder, to {}",
                target.display()
            )),
            "{link} not named with its target in:\n{stderr}"
        );
    }
    assert!(!stderr.contains("PRIVATE KEY"));
    assert_eq!(
        list_files(&site.path("public")),
        before,
        "the old output stays"
    );
    // A link that stays inside the site is fine.
    for (_, link) in &links {
        std::fs::remove_file(site.path(link)).unwrap();
    }
    site.write("static/shared.css", "a{}");
    std::os::unix::fs::symlink(
        site.path("static/shared.css"),
        site.path("static/alias.css"),
    )
    .unwrap();
    site.build_ok(&[]);
    assert_eq!(site.read_out("alias.css"), "a{}");
}

/// Hidden files and editor scratch files are not part of the site, wherever they are: one
/// rule for the walk, the guard, the copier and the watcher.
#[test]
fn hidden_and_scratch_files_are_never_published() {
    let site = TestSite::minimal();
    let scratch = [
        ".env",
        ".git/config",
        "notes.txt~",
        "#draft.html#",
        ".draft.html.swp",
        "upload.tmp",
        "4913",
    ];
    for name in scratch {
        site.write(&format!("static/{name}"), "DB_PASSWORD=hunter2");
        site.write(&format!("content/cases/a/{name}"), "DB_PASSWORD=hunter2");
    }
    site.write("static/visible.txt", "fine");
    site.build_ok(&[]);
    let published = list_files(&site.path("public"));
    assert!(
        published.contains(&"visible.txt".to_string()),
        "{published:?}"
    );
    for rel in published {
        let bytes = std::fs::read(site.out(&rel)).unwrap();
        assert!(
            !bytes.windows(7).any(|w| w == b"hunter2"),
            "public/{rel} is a scratch file's content"
        );
    }
}

/// An image format radcase cannot re-encode is refused in static/ as in a bundle, whether its
/// name or only its content says what it is.
#[test]
fn unsupported_images_in_static_are_refused_too() {
    for (name, bytes) in [
        ("static/photo.heic", b"ftypheic-not-decodable".to_vec()),
        ("static/scan.avif", b"not really avif".to_vec()),
        ("static/old.dat", {
            let mut bmp = b"BM".to_vec();
            bmp.extend_from_slice(&[0; 60]);
            bmp
        }),
    ] {
        let site = TestSite::minimal();
        site.write(name, &bytes);
        let stderr = build_fails(&site, &[]);
        let file = name.rsplit('/').next().unwrap();
        assert!(
            stderr.contains(file) && stderr.contains("cannot be published"),
            "{name}:\n{stderr}"
        );
    }
}
