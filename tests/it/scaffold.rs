//! The first hour of a new user: the README's getting-started commands, run exactly as the
//! README writes them; what `radcase new site` and `radcase new case` write (nothing invented
//! is published).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::mpsc;

use crate::common::{TIMEOUT, attrs, list_files, parse_html, radcase, texts};

const README: &str = include_str!("../../README.md");

/// The commands of the README's "Start your own site" block, each split as a shell would.
fn readme_commands() -> Vec<Vec<String>> {
    let quick_start = README
        .split("\n## ")
        .find(|s| s.starts_with("Quick start"))
        .expect("README has no \"## Quick start\" section");
    let block = quick_start
        .split("```")
        .skip(1)
        .step_by(2)
        .find(|b| b.contains("radcase new site"))
        .expect("the Quick start section has no code block with `radcase new site`");
    let mut lines = block.lines();
    assert_eq!(lines.next().map(str::trim), Some("sh"), "{block}");
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| shlex::split(l).unwrap_or_else(|| panic!("cannot split {l:?}")))
        .collect()
}

/// Where `radcase serve`, started as `command` in `cwd`, says it serves, and the server.
fn start_serve(command: &[String], cwd: &Path) -> (std::process::Child, String) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_radcase"))
        .args(command)
        .current_dir(cwd)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut log = String::new();
    let url = loop {
        let Ok(line) = rx.recv_timeout(TIMEOUT) else {
            let _ = child.kill();
            panic!("`{}` did not start serving:\n{log}", command.join(" "));
        };
        log.push_str(&line);
        log.push('\n');
        if let Some(i) = line.find("http://") {
            let url = line[i..].split_whitespace().next().unwrap();
            break url.trim_end_matches('/').to_string();
        }
    };
    (child, url)
}

fn get(url: &str) -> String {
    ureq::get(url)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
        .body_mut()
        .read_to_string()
        .unwrap()
}

#[test]
fn the_readme_getting_started_commands_work_as_written() {
    let commands = readme_commands();
    let verbs: Vec<String> = commands
        .iter()
        .map(|c| c.iter().take(3).cloned().collect::<Vec<_>>().join(" "))
        .collect();
    for needed in [
        "radcase new site",
        "radcase new case",
        "radcase serve",
        "radcase build",
    ] {
        assert!(
            verbs.iter().any(|v| v.starts_with(needed)),
            "the README's block has no `{needed}`: {verbs:?}"
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    for command in &commands {
        assert_eq!(command[0], "radcase", "{command:?}");
        let args = &command[1..];
        if args[0] == "serve" {
            // It keeps running: it must come up and serve the site with the new case, then it
            // is stopped as a user stops it.
            let (mut child, url) = start_serve(args, tmp.path());
            let cases = get(&format!("{url}/cases/"));
            let _ = child.kill();
            let _ = child.wait();
            let listed = scraper::Html::parse_document(&cases);
            assert_eq!(
                attrs(&listed, "main article h3 a", "href").len(),
                2,
                "the cases list does not show the sample and the new case:\n{cases}"
            );
            continue;
        }
        let out = radcase()
            .args(args)
            .current_dir(tmp.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "`{}` failed as the README writes it:\n{}",
            command.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let built: Vec<_> = commands.iter().filter(|c| c[1] == "build").collect();
    let site = tmp.path().join(&built.last().unwrap()[2]);
    assert!(site.join("public/index.html").is_file());
}

/// A fresh site from `radcase new site`, in `TMP/site`.
fn new_site() -> (tempfile::TempDir, PathBuf, String) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let out = radcase().args(["new", "site"]).arg(&site).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    (tmp, site, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn new_case(site: &Path, title: &str) -> String {
    let out = radcase()
        .args(["new", "case", title, "--site"])
        .arg(site)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    slug::slugify(title)
}

fn build(site: &Path) {
    let out = radcase().arg("build").arg(site).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every text file of the output, as (path, text).
fn output_texts(site: &Path) -> Vec<(String, String)> {
    let public = site.join("public");
    list_files(&public)
        .into_iter()
        .filter_map(|rel| {
            let text = std::fs::read_to_string(public.join(&rel)).ok()?;
            Some((rel, text))
        })
        .collect()
}

/// Text the scaffolds once wrote for the author to replace, which published as it was.
const PLACEHOLDERS: &[&str] = &[
    "Your Name",
    "The final diagnosis",
    "First alternative",
    "Second alternative",
    "What a resident should remember",
    "Describe the clinical history",
    "Describe what the images show",
    "Why the case matters",
    "Department of Radiology",
];

#[test]
fn a_new_site_and_a_new_case_publish_no_placeholder_text() {
    let (_tmp, site, _) = new_site();
    new_case(&site, "Spontaneous pneumothorax");
    build(&site);
    let texts = output_texts(&site);
    assert!(texts.iter().any(|(rel, _)| rel.ends_with(".xml")));
    for (rel, text) in &texts {
        for p in PLACEHOLDERS {
            assert!(
                !text.contains(p),
                "public/{rel} publishes the placeholder {p:?}"
            );
        }
    }
}

/// A new case shows only what its author wrote: no modality, system, age, sex, license,
/// diagnosis, differential or teaching points that `new case` made up.
#[test]
fn a_new_case_publishes_no_invented_facts() {
    let (_tmp, site, _) = new_site();
    // Without the sample case, every term page and fact comes from the new case alone.
    std::fs::remove_dir_all(site.join("content/cases/acute-appendicitis")).unwrap();
    let slug = new_case(&site, "Unknown case");
    build(&site);
    let public = site.join("public");
    let page = parse_html(&public.join(format!("cases/{slug}/index.html")));
    for (css, what) in [
        (".chips a", "taxonomy terms"),
        (".history", "a clinical history (age, sex, presentation)"),
        (".facts", "age or sex"),
        (".diagnosis", "a diagnosis"),
        (".differential", "a differential"),
        (".points", "teaching points"),
        (".license", "a license"),
        (".meta span:not(:last-child)", "authors"),
    ] {
        assert!(
            texts(&page, css).is_empty(),
            "the new case publishes {what}: {:?}",
            texts(&page, css)
        );
    }
    for term in ["modality/ct", "system/abdominal"] {
        assert!(
            !public.join(term).exists(),
            "the new case is listed under {term}"
        );
    }
    for (rel, text) in output_texts(&site) {
        for invented in ["30 years", "female", "CC BY-NC-SA"] {
            assert!(
                !text.contains(invented),
                "public/{rel} publishes {invented:?}"
            );
        }
    }
}

/// The keys a new case leaves commented out are valid as written: uncommenting them (after
/// filling in their values) builds and shows them.
#[test]
fn the_commented_keys_of_a_new_case_build_once_uncommented() {
    let (_tmp, site, _) = new_site();
    let slug = new_case(&site, "Filled in");
    let path = site.join(format!("content/cases/{slug}/index.md"));
    let text = std::fs::read_to_string(&path).unwrap();
    let keys = [
        "description",
        "age",
        "sex",
        "presentation",
        "diagnosis",
        "certainty",
        "license",
        "quiz_title",
    ];
    let mut uncommented = 0;
    let filled: String = text
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest) if keys.iter().any(|k| rest.starts_with(&format!("{k} = "))) => {
                uncommented += 1;
                format!("{rest}\n")
            }
            _ => format!("{l}\n"),
        })
        .collect();
    assert_eq!(uncommented, keys.len(), "{text}");
    std::fs::write(&path, filled).unwrap();
    build(&site);
    let page = parse_html(&site.join(format!("public/cases/{slug}/index.html")));
    for css in [
        ".facts",
        ".history p",
        ".diagnosis-name",
        ".certainty",
        ".license",
    ] {
        assert_eq!(texts(&page, css).len(), 1, "{css} is not shown");
    }
}

#[test]
fn new_site_says_how_to_preview_build_and_deploy() {
    let (_tmp, site, said) = new_site();
    let dir = site.display().to_string();
    for next in [
        format!("radcase serve {dir}"),
        format!("radcase build {dir}"),
        "radcase new case".to_string(),
    ] {
        assert!(
            said.contains(&next),
            "`new site` does not say {next:?}:\n{said}"
        );
    }
}

#[test]
fn new_site_names_a_folder_with_spaces_so_it_can_be_pasted() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("my cases");
    let out = radcase().args(["new", "site"]).arg(&site).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    let line = said
        .lines()
        .find(|l| l.contains("radcase serve"))
        .unwrap_or_else(|| panic!("{said}"));
    let command = &line[line.find("radcase serve").unwrap()..];
    let words = shlex::split(command).unwrap();
    assert_eq!(words[2], site.display().to_string(), "{line}");
}

/// What a build writes into the site folder (the output, its lock, the cache) is ignored by
/// git, so committing the site commits only its sources.
#[test]
fn new_site_keeps_what_a_build_writes_out_of_git() {
    let (_tmp, site, _) = new_site();
    build(&site);
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(&site)
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    git(&["init", "-q"]);
    let untracked = git(&["status", "--porcelain", "--untracked-files=all"]);
    let mut listed: Vec<&str> = untracked.lines().map(|l| &l[3..]).collect();
    listed.sort();
    assert_eq!(
        listed,
        [
            ".gitignore",
            "config.toml",
            "content/_index.md",
            "content/about.md",
            "content/cases/_index.md",
            "content/cases/acute-appendicitis/index.md",
        ]
    );
    assert!(site.join("public").is_dir() && site.join(".radcase-cache").is_dir());
}
