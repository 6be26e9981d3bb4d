//! What `build` guarantees about the folders around it: it never replaces a folder it did not
//! write, the output swap leaves no moment without an output and no leftovers, builds of one
//! output wait for each other, and nothing edited in the output comes back from the cache.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::common::*;

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    list_files(dir)
        .into_iter()
        .map(|rel| {
            let bytes = std::fs::read(dir.join(&rel)).unwrap();
            (rel, bytes)
        })
        .collect()
}

/// Folders that are not radcase outputs, of every kind a user points `--output` at by mistake.
fn unrelated_folders(root: &Path) -> Vec<(&'static str, PathBuf)> {
    let home = root.join("home");
    write_files(
        &home,
        &[
            (".bashrc", "alias ll='ls -l'"),
            ("notes.txt", "my notes"),
            ("projects/thesis/draft.md", "chapter one"),
        ],
    );
    let hidden_only = root.join("hidden-only");
    write_files(&hidden_only, &[(".git/HEAD", "ref: refs/heads/main")]);
    let old_looking_site = root.join("www");
    write_files(
        &old_looking_site,
        &[
            ("index.html", "<html>my hand-made site</html>"),
            ("css/site.css", "body{}"),
        ],
    );
    let empty_subfolder = root.join("with-empty-folder");
    std::fs::create_dir_all(empty_subfolder.join("keep")).unwrap();
    vec![
        ("a home folder", home),
        ("a folder with only hidden files", hidden_only),
        ("a hand-made site", old_looking_site),
        ("a folder holding an empty folder", empty_subfolder),
    ]
}

#[test]
fn folders_radcase_did_not_write_are_never_replaced() {
    let site = TestSite::minimal();
    for (what, folder) in unrelated_folders(&site.tmp.path().join("elsewhere")) {
        let before = snapshot(&folder);
        let dirs_before = walkdir::WalkDir::new(&folder).into_iter().count();
        // Named by a path, and as `.` from inside it (`cd ~ && radcase build ~/site --output .`).
        for (output, cwd) in [
            (folder.display().to_string(), site.tmp.path().to_path_buf()),
            (".".to_string(), folder.clone()),
        ] {
            let out = radcase()
                .current_dir(&cwd)
                .arg("build")
                .arg(&site.dir)
                .args(["--output", &output])
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{what} was replaced:\n{stderr}");
            assert!(
                stderr.contains("refusing to replace this folder")
                    && stderr.contains("radcase did not write")
                    && stderr.contains("hint:"),
                "{what}: {stderr}"
            );
            assert_eq!(snapshot(&folder), before, "{what} changed");
            assert_eq!(
                walkdir::WalkDir::new(&folder).into_iter().count(),
                dirs_before,
                "{what}: folders changed"
            );
        }
    }
    assert!(
        !site.out("index.html").exists(),
        "nothing was built anywhere"
    );
}

#[test]
fn new_empty_and_own_output_folders_are_written() {
    let site = TestSite::minimal();
    let empty = site.tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let fresh = site.tmp.path().join("does/not/exist/yet");
    for output in [&empty, &fresh] {
        site.build_ok(&["--output", output.to_str().unwrap()]);
        assert!(output.join("index.html").is_file());
        assert!(
            output.join(".radcase-output").is_file(),
            "every output is marked"
        );
        // Its own output is replaced on the next build, even with files added since.
        std::fs::write(output.join("stray.txt"), "added by hand").unwrap();
        site.build_ok(&["--output", output.to_str().unwrap()]);
        assert!(!output.join("stray.txt").exists());
    }
    assert!(site.staging_leftovers().is_empty());
}

/// A source folder that is itself a link out of the site is refused like any other link: git
/// stores links, so a contributed change can turn `static` into one.
#[cfg(unix)]
#[test]
fn source_folders_that_are_links_out_of_the_site_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    write_files(
        outside.path(),
        &[
            ("secret/id_rsa", "PRIVATE KEY"),
            ("theme/templates/page.html", "{{ page.title }}"),
            ("theme/static/x.css", "a{}"),
            ("cases/_index.md", CASES_SECTION),
            ("cases/b/index.md", &case_md("Elsewhere")),
        ],
    );
    let roots = [
        ("static", outside.path().join("secret"), ""),
        ("templates", outside.path().join("secret"), ""),
        ("content", outside.path().to_path_buf(), ""),
        ("themes/t", outside.path().join("theme"), "theme = \"t\"\n"),
    ];
    for (root, target, config) in roots {
        let site = TestSite::minimal();
        site.write("config.toml", format!("{config}{CONFIG}"));
        let link = site.path(root);
        if link.exists() {
            std::fs::remove_dir_all(&link).unwrap();
        }
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let stderr = build_fails(&site, &[]);
        let target = std::fs::canonicalize(&target).unwrap();
        assert!(
            stderr.contains(&format!(
                "{root}: this symbolic link points outside the site folder, to {}",
                target.display()
            )),
            "{root}:\n{stderr}"
        );
        assert!(!stderr.contains("PRIVATE KEY"));
        assert!(!site.out("index.html").exists());
    }
}

#[test]
fn leftovers_of_builds_that_died_are_removed() {
    let site = TestSite::minimal();
    site.build_ok(&[]);
    // What a build killed with SIGKILL leaves, at each moment it can die.
    for name in [".public.staging-4194303", ".public.old-77"] {
        site.write(&format!("{name}/index.html"), "half a site");
    }
    // Names that only look alike are someone else's.
    site.write(".public.staging-notes/keep.txt", "mine");
    site.write(".publicity.old-12/keep.txt", "mine");
    site.build_ok(&[]);
    assert!(
        site.staging_leftovers().len() == 2,
        "{:?}",
        site.staging_leftovers()
    );
    assert!(site.path(".public.staging-notes/keep.txt").is_file());
    assert!(site.path(".publicity.old-12/keep.txt").is_file());
    assert!(!site.path(".public.staging-4194303").exists());
    assert!(!site.path(".public.old-77").exists());
}

/// A build that finds another build of the same output running waits for it, and says so.
#[test]
fn builds_of_one_output_wait_for_each_other() {
    let site = TestSite::minimal();
    site.build_ok(&[]);
    let lock = std::fs::File::options()
        .write(true)
        .open(site.path(".public.lock"))
        .expect("a build leaves its lock file beside the output");
    lock.lock().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_radcase"))
        .arg("build")
        .arg(&site.dir)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Unlock only once the second build says it waits: a child that starts late on a busy
    // machine would otherwise find the lock already free and never wait.
    let mut stderr_pipe = child.stderr.take().unwrap();
    let (said, heard) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        use std::io::Read;
        let mut all = Vec::new();
        let mut chunk = [0u8; 256];
        while let Ok(n) = stderr_pipe.read(&mut chunk) {
            if n == 0 {
                break;
            }
            all.extend_from_slice(&chunk[..n]);
            if String::from_utf8_lossy(&all).contains("waiting for another build") {
                let _ = said.send(());
            }
        }
        String::from_utf8_lossy(&all).into_owned()
    });
    let waits = heard.recv_timeout(TIMEOUT).is_ok();
    // The waiting build has not replaced the output while the lock is held.
    assert!(site.out("index.html").is_file());
    lock.unlock().unwrap();
    let status = child.wait().unwrap();
    let stderr = reader.join().unwrap();
    assert!(status.success(), "{stderr}");
    assert!(waits, "the wait is explained:\n{stderr}");
}

/// Overlapping builds of one site all succeed, and a reader never finds the output missing.
#[test]
fn overlapping_builds_succeed_and_the_output_never_vanishes() {
    let site = TestSite::minimal();
    site.build_ok(&[]);
    let index = site.out("index.html");
    let stop = Arc::new(AtomicBool::new(false));
    let misses = Arc::new(AtomicUsize::new(0));
    let reader = {
        let (stop, misses, index) = (stop.clone(), misses.clone(), index.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                if !index.exists() {
                    misses.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
    };
    for _ in 0..6 {
        let builds: Vec<_> = (0..2)
            .map(|_| {
                std::process::Command::new(env!("CARGO_BIN_EXE_radcase"))
                    .arg("build")
                    .arg(&site.dir)
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for b in builds {
            let out = b.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    stop.store(true, Ordering::Relaxed);
    reader.join().unwrap();
    assert_eq!(
        misses.load(Ordering::Relaxed),
        0,
        "public/index.html was missing while builds swapped the output"
    );
    assert!(site.staging_leftovers().is_empty());
}

/// A site with one case holding a PNG (published re-encoded, from the cache) and a share card.
fn image_site() -> TestSite {
    let site = TestSite::minimal();
    site.write(
        "content/cases/a/index.md",
        "+++\ntitle = \"Knee\"\ndate = 2024-05-02\nimages = [{ file = \"knee.png\", alt = \"Knee radiograph\" }]\n+++\nBody.\n",
    );
    site.write("content/cases/a/knee.png", png_bytes(64, 48));
    site.build_ok(&[]);
    site
}

/// The files of the output that come from the cache: image variants and share cards.
fn cached_outputs(site: &TestSite) -> Vec<String> {
    let files: Vec<String> = list_files(&site.path("public"))
        .into_iter()
        .filter(|f| [".png", ".jpg", ".webp"].iter().any(|e| f.ends_with(e)))
        .filter(|f| !f.starts_with("static/") && !f.contains("favicon"))
        .collect();
    assert!(
        files.iter().any(|f| f.contains("card")) && files.iter().any(|f| f.contains("knee")),
        "expected image variants and a card in {files:?}"
    );
    files
}

/// Edit a file in place, keeping its inode (what an optimiser or an editor that does not
/// replace files does), in each way such a tool can.
fn edit_in_place(path: &Path, how: usize) {
    use std::io::{Seek, SeekFrom, Write};
    let mut f = std::fs::File::options().write(true).open(path).unwrap();
    match how {
        // The same length, other bytes.
        0 => {
            f.seek(SeekFrom::Start(20)).unwrap();
            f.write_all(b"CORRUPTED").unwrap();
        }
        // Longer.
        1 => {
            f.seek(SeekFrom::End(0)).unwrap();
            f.write_all(b"appended by a tool").unwrap();
        }
        // Shorter.
        _ => f.set_len(10).unwrap(),
    }
}

#[test]
fn edits_in_the_output_never_come_back_from_the_cache() {
    for how in 0..3 {
        let site = image_site();
        let files = cached_outputs(&site);
        let original: Vec<Vec<u8>> = files
            .iter()
            .map(|f| std::fs::read(site.out(f)).unwrap())
            .collect();
        for f in &files {
            edit_in_place(&site.out(f), how);
        }
        let stderr = site.build_ok(&[]);
        for (f, bytes) in files.iter().zip(&original) {
            assert!(
                std::fs::read(site.out(f)).unwrap() == *bytes,
                "edit {how}: {f} was republished as edited"
            );
        }
        assert!(
            stderr.contains("had changed since radcase made them"),
            "edit {how}: the edit is reported:\n{stderr}"
        );
        // Made again once; the next build is quiet.
        let stderr = site.build_ok(&[]);
        assert!(!stderr.contains("had changed"), "{stderr}");
    }
}

#[test]
fn touching_an_output_without_changing_it_costs_nothing() {
    let site = image_site();
    let files = cached_outputs(&site);
    for f in &files {
        let file = std::fs::File::options()
            .write(true)
            .open(site.out(f))
            .unwrap();
        file.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
            .unwrap();
    }
    let stderr = site.build_ok(&[]);
    assert!(!stderr.contains("had changed"), "{stderr}");
}

#[test]
fn a_cache_whose_seals_are_lost_is_made_again() {
    let site = image_site();
    let files = cached_outputs(&site);
    let original: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(site.out(f)).unwrap())
        .collect();
    for f in &files {
        edit_in_place(&site.out(f), 0);
    }
    let cache = site.path(".radcase-cache");
    assert!(cache.is_dir(), "the default cache folder moved?");
    for entry in walkdir::WalkDir::new(&cache).into_iter().flatten() {
        if entry.file_name().to_string_lossy().starts_with("entries-") {
            std::fs::remove_file(entry.path()).unwrap();
        }
    }
    site.build_ok(&[]);
    for (f, bytes) in files.iter().zip(&original) {
        assert!(std::fs::read(site.out(f)).unwrap() == *bytes, "{f}");
    }
}

/// A title of megabytes (pasted by mistake) is laid out only as far as a card can show it: the
/// build finishes well within the test time-out (laying out all of 10 MB took 89 s and 3.5 GB,
/// so all of these 4 MB would take longer than the time-out; 10 MB here took 17 s of a debug
/// build in the guard and the gate, near the time-out on a busy machine) and the card is a
/// normal card.
#[test]
fn a_huge_title_costs_what_a_long_title_costs() {
    let site = TestSite::minimal();
    let title = "Pneumothorax ".repeat(320_000);
    site.write(
        "content/cases/a/index.md",
        format!(
            "+++\ntitle = \"{}\"\ndate = 2024-05-02\n+++\nBody.\n",
            title.trim()
        ),
    );
    site.build_ok(&[]);
    let doc = site.html("cases/a/index.html");
    let card = attr(&doc, "meta[property='og:image']", "content");
    let rel = card.strip_prefix("https://example.org/").unwrap();
    let img = image::open(site.out(rel)).unwrap();
    assert_eq!((img.width(), img.height()), (1200, 630));
}

/// A file where the site folder is expected is named as a file, whichever file it is.
#[test]
fn a_file_given_as_the_site_is_called_a_file() {
    let site = TestSite::minimal();
    for file in ["config.toml", "content/about.md"] {
        let out = radcase()
            .arg("build")
            .arg(site.path(file))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains(&format!("{file}: this is a file, not a site folder")),
            "{stderr}"
        );
        assert!(!stderr.contains("does not exist"), "{stderr}");
    }
}

/// An address longer than a file name can hold is an error on the page that asks for it, with
/// the key to change, never an OS error on the staging folder.
#[test]
fn addresses_longer_than_a_file_name_name_the_page_and_the_key() {
    let long = "a".repeat(256);
    // (A slug made from a title is cut short by radcase itself.)
    for (file, front) in [
        ("content/cases/b/index.md", format!("slug = \"{long}\"\n")),
        (
            "content/cases/c.md",
            format!("slug = \"{}\"\n", "a-b".repeat(90)),
        ),
        (
            "content/about.md",
            format!("slug = \"{}\"\n", "über-".repeat(60)),
        ),
    ] {
        let site = TestSite::minimal();
        let title = "title = \"B\"\n";
        site.write(
            file,
            format!("+++\n{title}{front}date = 2024-05-02\n+++\nBody.\n"),
        );
        let stderr = build_fails(&site, &[]);
        assert!(
            stderr.contains(&format!("{file} would be published under the name")),
            "{stderr}"
        );
        assert!(
            stderr.contains("a file name can hold at most 255"),
            "{stderr}"
        );
        assert!(stderr.contains("shorter `slug`"), "{stderr}");
        assert!(
            !stderr.contains("staging") && !stderr.contains("os error"),
            "{stderr}"
        );
    }
}

/// Templates that include, extend or call themselves, directly or through another, are errors
/// on a template file of the loop, with a hint, not the template engine's words alone.
#[test]
fn template_loops_name_the_template_and_say_how_to_break_them() {
    type Files<'a> = &'a [(&'a str, &'a str)];
    let loops: [(Files, &str, &str); 4] = [
        (
            &[("templates/page.html", "{% include \"page.html\" %}")],
            "templates/page.html",
            "includes itself",
        ),
        (
            &[
                ("templates/page.html", "{% include \"partials/x.html\" %}"),
                ("templates/partials/x.html", "{% include \"page.html\" %}"),
            ],
            "templates/",
            "includes itself",
        ),
        (
            &[
                ("templates/page.html", "{% extends \"other.html\" %}"),
                ("templates/other.html", "{% extends \"page.html\" %}"),
            ],
            "templates/",
            "extends itself",
        ),
        (
            &[(
                "templates/page.html",
                "{% component again() %}{{ <again/> }}{% endcomponent %}{{ <again/> }}",
            )],
            "templates/page.html",
            "recursion",
        ),
    ];
    for (files, file, what) in loops {
        let site = TestSite::minimal();
        write_files(&site.dir, files);
        let stderr = build_fails(&site, &[]);
        let first = stderr.lines().next().unwrap_or_default();
        assert!(first.contains(file) && first.contains(what), "{stderr}");
    }
}

#[cfg(unix)]
#[test]
fn a_dangling_link_names_its_missing_target() {
    let site = TestSite::minimal();
    std::fs::create_dir_all(site.path("static")).unwrap();
    std::os::unix::fs::symlink("gone/site.css", site.path("static/site.css")).unwrap();
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains(
            "static/site.css: this symbolic link points to gone/site.css, which does not exist"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("os error"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_chain_of_links_that_loops_is_called_a_loop() {
    let site = TestSite::minimal();
    std::fs::create_dir_all(site.path("static")).unwrap();
    std::os::unix::fs::symlink("b.css", site.path("static/a.css")).unwrap();
    std::os::unix::fs::symlink("a.css", site.path("static/b.css")).unwrap();
    let stderr = build_fails(&site, &[]);
    assert!(
        stderr.contains("static/a.css: symbolic link loop: this link points to b.css"),
        "{stderr}"
    );
    assert!(!stderr.contains("does not exist"), "{stderr}");
}
