//! The first hour of a new user: the README's getting-started commands, run exactly as the
//! README writes them; what `radcase new site` and `radcase new case` write (nothing invented
//! is published); and the deploy workflow `new site` writes.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::mpsc;

use serde_json::Value;

use crate::common::{TIMEOUT, attrs, list_files, parse_html, radcase, texts};

const README: &str = include_str!("../../README.md");
const WORKFLOW: &str = ".github/workflows/pages.yml";

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
                attrs(&listed, "main article .card-title a", "href").len(),
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
        WORKFLOW.to_string(),
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
            ".github/workflows/pages.yml",
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

fn workflow(site: &Path) -> Value {
    let text = std::fs::read_to_string(site.join(WORKFLOW)).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{WORKFLOW} is not YAML: {e}"))
}

fn steps<'a>(wf: &'a Value, job: &str) -> &'a [Value] {
    wf["jobs"][job]["steps"]
        .as_array()
        .unwrap_or_else(|| panic!("job {job} has no steps"))
}

/// The step of `job` that uses the action `action` (`owner/name`, any version).
fn uses<'a>(wf: &'a Value, job: &str, action: &str) -> &'a Value {
    steps(wf, job)
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.split('@').next() == Some(action))
        })
        .unwrap_or_else(|| panic!("job {job} does not use {action}"))
}

fn run_containing<'a>(wf: &'a Value, job: &str, needle: &str) -> &'a Value {
    steps(wf, job)
        .iter()
        .find(|s| s["run"].as_str().is_some_and(|r| r.contains(needle)))
        .unwrap_or_else(|| panic!("no step of {job} runs {needle:?}"))
}

/// The workflow's `env` value `name`.
fn env<'a>(wf: &'a Value, name: &str) -> &'a str {
    wf["env"][name]
        .as_str()
        .unwrap_or_else(|| panic!("the workflow sets no env {name}"))
}

#[test]
fn new_site_writes_a_github_pages_workflow() {
    let (_tmp, site, _) = new_site();
    let wf = workflow(&site);
    assert_eq!(wf["on"]["push"]["branches"], serde_json::json!(["main"]));
    assert!(wf["on"].get("workflow_dispatch").is_some());
    assert_eq!(wf["permissions"]["pages"], "write");
    assert_eq!(wf["permissions"]["id-token"], "write");
    assert_eq!(wf["permissions"]["contents"], "read");
    // Where radcase is installed from is one named setting at the top.
    assert!(wf["env"].get("RADCASE_GIT").is_some());
    let text = std::fs::read_to_string(site.join(WORKFLOW)).unwrap();
    let first_key = text
        .lines()
        .find(|l| l.trim_start().starts_with("RADCASE_GIT:"))
        .unwrap();
    assert!(
        text.find(first_key).unwrap() < text.find("jobs:").unwrap(),
        "RADCASE_GIT is not at the top"
    );

    uses(&wf, "build", "actions/checkout");
    uses(&wf, "build", "actions/configure-pages");
    let install = run_containing(&wf, "build", "cargo install --locked --git");
    let install_run = install["run"].as_str().unwrap();
    assert!(install_run.contains("\"$RADCASE_GIT\""), "{install_run}");

    // The installed radcase is cached under ~/.cargo, keyed by the revision it was built from.
    let cargo = uses(&wf, "build", "actions/cache");
    let cargo_paths = cargo["with"]["path"].as_str().unwrap();
    assert!(
        cargo_paths.contains("~/.cargo/bin/radcase"),
        "{cargo_paths}"
    );
    assert!(
        cargo["with"]["key"].as_str().unwrap().contains("rev"),
        "{cargo}"
    );
    assert!(
        install["if"]
            .as_str()
            .is_some_and(|c| c.contains("cache-hit")),
        "radcase is installed again when it came from the cache: {install}"
    );

    // The image and card cache: restored before the build and saved after it under a key
    // that changes with the sources and the radcase revision; a run with other sources
    // restores the newest entry by prefix, so only what changed is processed again.
    let cache_dir = env(&wf, "RADCASE_CACHE");
    let restore = uses(&wf, "build", "actions/cache/restore");
    let save = uses(&wf, "build", "actions/cache/save");
    for step in [restore, save] {
        assert_eq!(step["with"]["path"], "${{ env.RADCASE_CACHE }}", "{step}");
    }
    let key = save["with"]["key"].as_str().unwrap();
    assert_eq!(restore["with"]["key"].as_str().unwrap(), key);
    for source in [
        "config.toml",
        "content/**",
        "static/**",
        "steps.radcase.outputs.rev",
    ] {
        assert!(
            key.contains(source),
            "the cache key ignores {source}: {key}"
        );
    }
    let prefixes: Vec<&str> = restore["with"]["restore-keys"]
        .as_str()
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    assert!(!prefixes.is_empty());
    for prefix in &prefixes {
        assert!(
            key.starts_with(prefix) && key != *prefix,
            "{key} / {prefix}"
        );
    }
    let when = save["if"].as_str().unwrap_or_default();
    assert!(
        when.contains("!cancelled()"),
        "the cache is not saved after a failed build: {save}"
    );
    assert!(
        when.contains(&format!(
            "steps.{}.outputs.cache-hit",
            restore["id"].as_str().unwrap()
        )),
        "the cache is saved again when it was restored exactly: {save}"
    );
    let build = run_containing(&wf, "build", "radcase build");
    assert!(
        build["run"]
            .as_str()
            .unwrap()
            .contains("--cache-dir \"$RADCASE_CACHE\""),
        "{build}"
    );
    assert_eq!(cache_dir, ".radcase-cache");

    let names: Vec<&str> = steps(&wf, "build")
        .iter()
        .map(|s| {
            s["uses"]
                .as_str()
                .map(|u| u.split('@').next().unwrap())
                .or(s["run"].as_str().map(|r| {
                    if r.contains("radcase build") {
                        "build"
                    } else {
                        "run"
                    }
                }))
                .unwrap_or("?")
        })
        .collect();
    let at = |n: &str| names.iter().position(|x| *x == n).unwrap();
    assert!(
        at("actions/cache/restore") < at("build") && at("build") < at("actions/cache/save"),
        "{names:?}"
    );
    assert!(at("actions/cache/save") < at("actions/upload-pages-artifact"));
    assert_eq!(
        uses(&wf, "build", "actions/upload-pages-artifact")["with"]["path"],
        "public"
    );

    let deploy = &wf["jobs"]["deploy"];
    assert_eq!(deploy["needs"], "build");
    assert_eq!(deploy["environment"]["name"], "github-pages");
    uses(&wf, "deploy", "actions/deploy-pages");
}

/// Run the workflow step `step` as GitHub would: its `run` script in bash, in the site
/// folder, with the workflow's env, `radcase` on the PATH and the `${{ }}` expressions it
/// uses replaced by `exprs`.
fn run_step(
    wf: &Value,
    step: &Value,
    site: &Path,
    extra_env: &[(&str, &str)],
    exprs: &[(&str, &str)],
) -> std::process::Output {
    let fill = |text: &str| {
        let mut text = text.to_string();
        for (expr, value) in exprs {
            text = text.replace(&format!("${{{{ {expr} }}}}"), value);
        }
        assert!(!text.contains("${{"), "unknown expression in {text}");
        text
    };
    let bin = Path::new(env!("CARGO_BIN_EXE_radcase")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let mut cmd = std::process::Command::new("bash");
    cmd.args(["-e", "-c"])
        .arg(fill(step["run"].as_str().unwrap()))
        .current_dir(site)
        .env("PATH", path);
    for (k, v) in wf["env"].as_object().unwrap() {
        cmd.env(k, v.as_str().unwrap_or_default());
    }
    if let Some(step_env) = step["env"].as_object() {
        for (k, v) in step_env {
            cmd.env(k, fill(v.as_str().unwrap()));
        }
    }
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// The build step, run as written, fills the folder the workflow caches (share cards are
/// cached there too, so even a site without images has a warm second build) and publishes
/// with the address GitHub Pages gives the site.
#[test]
fn the_workflow_build_step_fills_the_folder_it_caches() {
    let (_tmp, site, _) = new_site();
    let wf = workflow(&site);
    let step = run_containing(&wf, "build", "radcase build");
    let out = run_step(
        &wf,
        step,
        &site,
        &[],
        &[(
            "steps.pages.outputs.base_url",
            "https://someone.github.io/cases",
        )],
    );
    assert!(out.status.success(), "{out:?}");
    let cached = site.join(env(&wf, "RADCASE_CACHE"));
    assert!(
        cached.is_dir() && !list_files(&cached).is_empty(),
        "the build wrote nothing into {}",
        cached.display()
    );
    let feed = std::fs::read_to_string(site.join("public/atom.xml"))
        .or_else(|_| std::fs::read_to_string(site.join("public/rss.xml")))
        .unwrap();
    assert!(
        feed.contains("https://someone.github.io/cases/cases/acute-appendicitis/"),
        "{feed}"
    );
}

#[test]
fn the_workflow_says_what_to_set_when_radcase_git_is_empty() {
    let (_tmp, site, _) = new_site();
    let wf = workflow(&site);
    let step = run_containing(&wf, "build", "git ls-remote");
    let out = run_step(&wf, step, &site, &[("RADCASE_GIT", "")], &[]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("::error") && said.contains("RADCASE_GIT") && said.contains(WORKFLOW),
        "{said}"
    );
}

/// The README's Deploy section: every YAML snippet parses, and the GitLab Pages job caches the
/// folder its build uses as cache and publishes `public`.
#[test]
fn the_readme_deploy_snippets_are_valid_and_cache_what_they_build_with() {
    let deploy = README
        .split("\n## ")
        .find(|s| s.starts_with("Deploy"))
        .expect("README has no \"## Deploy\" section");
    let snippets: Vec<Value> = deploy
        .split("```")
        .skip(1)
        .step_by(2)
        .filter_map(|b| b.strip_prefix("yaml\n"))
        .map(|y| serde_saphyr::from_str(y).unwrap_or_else(|e| panic!("{e}:\n{y}")))
        .collect();
    assert_eq!(snippets.len(), 3, "GitLab, Netlify and Cloudflare");

    let gitlab = &snippets[0];
    assert!(gitlab["variables"].get("RADCASE_GIT").is_some());
    let job = &gitlab["pages"];
    assert_eq!(job["artifacts"]["paths"], serde_json::json!(["public"]));
    let cached: Vec<&str> = job["cache"]["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().trim_end_matches('/'))
        .collect();
    let script: Vec<&str> = job["script"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    let build = script
        .iter()
        .find(|l| l.contains("radcase build"))
        .expect("the job does not build");
    let words = shlex::split(build).unwrap();
    let cache_dir = &words[words.iter().position(|w| w == "--cache-dir").unwrap() + 1];
    assert!(
        cached.contains(&cache_dir.as_str()),
        "{cached:?} / {cache_dir}"
    );
    // The radcase it runs is the one the cache keeps.
    assert!(
        cached.contains(
            &words[0]
                .trim_start_matches("./")
                .trim_end_matches("/radcase")
        )
    );
    assert!(
        script
            .iter()
            .any(|l| l.contains("cargo install --locked --git \"$RADCASE_GIT\""))
    );
    assert!(
        gitlab["variables"]["CARGO_HOME"]
            .as_str()
            .is_some_and(|h| h.ends_with("/.cargo"))
    );

    for (snippet, tool) in [
        (&snippets[1], "netlify-cli deploy"),
        (&snippets[2], "wrangler pages deploy"),
    ] {
        let step = &snippet.as_array().expect("a list of steps")[0];
        let run = step["run"].as_str().unwrap();
        assert!(run.contains(tool) && run.contains("public"), "{run}");
        for (_, v) in step["env"].as_object().unwrap() {
            assert!(v.as_str().unwrap().starts_with("${{ secrets."), "{v}");
        }
    }
}
