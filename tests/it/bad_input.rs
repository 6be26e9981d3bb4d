//! One test per kind of bad input. Each runs the real binary and checks that radcase:
//! exits with code 1, names the file (and line, where there is one) on stderr, gives a
//! `hint:`, does not panic, and, when a previous build exists, leaves that output exactly as
//! it was with no staging folder left behind.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::*;

/// Every file of an output folder and its bytes.
struct Snapshot {
    root: PathBuf,
    files: BTreeMap<String, Vec<u8>>,
}

impl Snapshot {
    fn take(root: &Path) -> Snapshot {
        let files = list_files(root)
            .into_iter()
            .map(|rel| {
                let bytes = std::fs::read(root.join(&rel)).unwrap();
                (rel, bytes)
            })
            .collect();
        Snapshot {
            root: root.to_path_buf(),
            files,
        }
    }

    fn assert_unchanged(&self) {
        let now = Snapshot::take(&self.root);
        let before: Vec<&String> = self.files.keys().collect();
        let after: Vec<&String> = now.files.keys().collect();
        assert_eq!(
            before,
            after,
            "the set of files in {} changed",
            self.root.display()
        );
        for (rel, bytes) in &self.files {
            assert!(
                &now.files[rel] == bytes,
                "{}/{rel} changed after a failed build",
                self.root.display()
            );
        }
    }
}

/// A site that built once, with its output recorded.
struct Built {
    site: TestSite,
    index_html: Vec<u8>,
    page_html: Vec<u8>,
    snapshot: Snapshot,
}

impl Built {
    /// Build `files` successfully and record the output.
    fn from(files: &[(&str, String)]) -> Built {
        let site = TestSite::with(files);
        site.build_ok(&[]);
        let index_html = std::fs::read(site.out("index.html")).unwrap();
        let page_html = std::fs::read(site.out("cases/a/index.html")).unwrap();
        let snapshot = Snapshot::take(&site.path("public"));
        Built {
            site,
            index_html,
            page_html,
            snapshot,
        }
    }

    fn minimal() -> Built {
        Built::from(&minimal_site_files())
    }

    /// Build again (must fail), check the failure and that the old output survived.
    fn fail(&self, extra: &[&str]) -> String {
        let stderr = expect_failure(self.site.build_cmd(extra));
        self.assert_output_untouched();
        stderr
    }

    fn assert_output_untouched(&self) {
        assert_eq!(
            std::fs::read(self.site.out("index.html")).unwrap(),
            self.index_html,
            "public/index.html changed after a failed build"
        );
        assert_eq!(
            std::fs::read(self.site.out("cases/a/index.html")).unwrap(),
            self.page_html,
            "public/cases/a/index.html changed after a failed build"
        );
        self.snapshot.assert_unchanged();
        assert_eq!(
            self.site.staging_leftovers(),
            Vec::<String>::new(),
            "a staging folder was left behind"
        );
    }
}

/// Run `cmd`, require exit code 1, a `hint:` line and no panic; return stderr.
fn expect_failure(mut cmd: assert_cmd::Command) -> String {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    // Shown by the test harness only when the test fails.
    println!("radcase stderr:\n{stderr}");
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected exit code 1, got {:?}\nstderr:\n{stderr}",
        out.status
    );
    assert!(!stderr.contains("panicked"), "radcase panicked:\n{stderr}");
    assert!(
        stderr.lines().any(|l| l.trim_start().starts_with("hint:")),
        "no `hint:` line in stderr:\n{stderr}"
    );
    assert!(stderr.contains("error"), "no `error` in stderr:\n{stderr}");
    stderr
}

/// stderr names `file` (a path suffix such as `content/cases/a/index.md`).
fn assert_names(stderr: &str, file: &str) {
    assert!(
        stderr.contains(file),
        "stderr does not name `{file}`:\n{stderr}"
    );
}

/// stderr names `file:line` (followed by `:`, whitespace or the end, so 3 does not match 30).
fn assert_names_line(stderr: &str, file: &str, line: usize) {
    let needle = format!("{file}:{line}");
    let found = stderr.match_indices(&needle).any(|(i, _)| {
        stderr[i + needle.len()..]
            .chars()
            .next()
            .is_none_or(|c| c == ':' || c.is_whitespace())
    });
    assert!(found, "stderr does not name `{needle}`:\n{stderr}");
}

/// The `hint:` part of stderr (every hint line).
fn hints(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("hint:"))
        .collect::<Vec<_>>()
        .join("\n")
}

const CASE: &str = "content/cases/a/index.md";

// ---------------------------------------------------------------------------------------------
// The site folder and config.toml

#[test]
fn missing_site_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-site");
    let mut cmd = radcase();
    cmd.arg("build").arg(&missing);
    let stderr = expect_failure(cmd);
    assert_names(&stderr, "no-such-site");
    assert!(!missing.exists(), "radcase created the missing site folder");
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "radcase wrote something next to the missing site folder"
    );
}

#[test]
fn missing_config_toml() {
    let built = Built::minimal();
    std::fs::remove_file(built.site.path("config.toml")).unwrap();
    let stderr = built.fail(&[]);
    assert_names(&stderr, "config.toml");
}

#[test]
fn malformed_config_toml_reports_the_line() {
    let built = Built::minimal();
    built.site.write(
        "config.toml",
        "title = \"Test Teaching Site\"\nbase_url = \"https://example.org/\"\ndescription = \"never closed\nlanguage = \"en\"\n",
    );
    let stderr = built.fail(&[]);
    assert_names_line(&stderr, "config.toml", 3);
}

#[test]
fn unknown_config_key_suggests_the_right_one() {
    let built = Built::minimal();
    built.site.write(
        "config.toml",
        "title = \"Test Teaching Site\"\nbase_url = \"https://example.org/\"\ndescripton = \"Cases\"\n",
    );
    let stderr = built.fail(&[]);
    assert_names_line(&stderr, "config.toml", 3);
    assert!(
        stderr.contains("descripton"),
        "the unknown key is not named:\n{stderr}"
    );
    assert!(
        hints(&stderr).contains("description"),
        "the hint does not suggest `description`:\n{stderr}"
    );
}

// ---------------------------------------------------------------------------------------------
// Front matter

#[test]
fn front_matter_not_closed() {
    let built = Built::minimal();
    built.site.write(
        CASE,
        "+++\ntitle = \"First case\"\ndate = 2024-05-02\nFindings.\n",
    );
    let stderr = built.fail(&[]);
    assert_names_line(&stderr, CASE, 1);
}

#[test]
fn toml_syntax_error_in_front_matter() {
    let built = Built::minimal();
    built.site.write(
        CASE,
        "+++\ntitle = \"First case\"\ndiagnosis = \"never closed\ndate = 2024-05-02\n+++\nFindings.\n",
    );
    let stderr = built.fail(&[]);
    assert_names_line(&stderr, CASE, 3);
}

#[test]
fn yaml_syntax_error_in_front_matter() {
    let built = Built::minimal();
    built.site.write(
        CASE,
        "---\ntitle: First case\ndate: 2024-05-02\ntags: [a, b\nmodality: CT\n---\nFindings.\n",
    );
    let stderr = built.fail(&[]);
    assert_names(&stderr, CASE);
    // The unclosed list starts on line 4; the parser may notice it there or on a later
    // front matter line, but never outside the front matter (lines 2–5).
    let line = (2..=6).find(|l| {
        let needle = format!("{CASE}:{l}:");
        stderr.contains(&needle) || stderr.contains(&format!("{CASE}:{l}\n"))
    });
    assert!(
        line.is_some_and(|l| (4..=5).contains(&l)),
        "expected the error on line 4 or 5 of the file, got {line:?}:\n{stderr}"
    );
    // The message must not contradict that location with a second, front-matter-relative
    // line number (e.g. `index.md:5:9: … line 4 column 9: …`).
    let line = line.unwrap();
    let error_line = stderr.lines().find(|l| l.contains(CASE)).unwrap();
    let message = &error_line[error_line.find(CASE).unwrap() + CASE.len()..];
    for (i, _) in message.match_indices("line ") {
        let n: String = message[i + 5..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        assert!(
            n.is_empty() || n == line.to_string(),
            "the message gives line {n} but the location says line {line}:\n{stderr}"
        );
    }
}

#[test]
fn unknown_front_matter_key_suggests_the_closest() {
    let built = Built::minimal();
    built.site.write(
        CASE,
        "+++\ntitle = \"First case\"\ndiagnosys = \"Appendicitis\"\n+++\nFindings.\n",
    );
    let stderr = built.fail(&[]);
    assert_names_line(&stderr, CASE, 3);
    assert!(
        stderr.contains("diagnosys"),
        "the unknown key is not named:\n{stderr}"
    );
    assert!(
        hints(&stderr).contains("`diagnosis`"),
        "the hint does not name `diagnosis`:\n{stderr}"
    );
}

#[test]
fn missing_title() {
    let built = Built::minimal();
    built
        .site
        .write(CASE, "+++\ndate = 2024-05-02\n+++\nFindings.\n");
    let stderr = built.fail(&[]);
    assert_names_line(&stderr, CASE, 2);
    assert!(
        stderr.contains("title"),
        "stderr does not mention the title:\n{stderr}"
    );
}

#[test]
fn bad_date() {
    let built = Built::minimal();
    built.site.write(
        CASE,
        "+++\ntitle = \"First case\"\ndate = \"2024-13-45\"\n+++\nFindings.\n",
    );
    let stderr = built.fail(&[]);
    assert_names_line(&stderr, CASE, 3);
    assert!(
        stderr.contains("2024-13-45"),
        "the bad value is not shown:\n{stderr}"
    );
}

#[test]
fn list_key_given_a_number() {
    let built = Built::minimal();
    built.site.write(
        CASE,
        "+++\ntitle = \"First case\"\ndate = 2024-05-02\ntags = 5\n+++\nFindings.\n",
    );
    let stderr = built.fail(&[]);
    assert_names_line(&stderr, CASE, 4);
    assert!(stderr.contains("tags"), "the key is not named:\n{stderr}");
}

// ---------------------------------------------------------------------------------------------
// Content structure and links

#[test]
fn two_pages_with_the_same_url() {
    let built = Built::minimal();
    built.site.write("content/cases/a.md", case_md("Also a"));
    let stderr = built.fail(&[]);
    assert_names(&stderr, "content/cases/a.md");
    assert_names(&stderr, CASE);
}

#[test]
fn broken_internal_link() {
    let built = Built::minimal();
    built.site.write(
        CASE,
        "+++\ntitle = \"First case\"\ndate = 2024-05-02\n+++\nIntro.\n\nCompare with [this one](@/cases/missing/index.md).\n",
    );
    let stderr = built.fail(&[]);
    assert_names_line(&stderr, CASE, 7);
    assert_names(&stderr, "cases/missing/index.md");
}

#[test]
fn non_utf8_markdown() {
    let built = Built::minimal();
    let mut bytes = b"+++\ntitle = \"First case\"\n+++\nIntro.\n\nBad ".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe]);
    bytes.extend_from_slice(b" bytes.\n");
    built.site.write(CASE, bytes);
    let stderr = built.fail(&[]);
    assert_names_line(&stderr, CASE, 6);
    assert!(
        stderr.contains("UTF-8"),
        "stderr does not say what is wrong:\n{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn symlink_loop_under_content() {
    let built = Built::minimal();
    let link = built.site.path("content/cases/loop");
    std::os::unix::fs::symlink(built.site.path("content/cases"), &link).unwrap();
    let started = Instant::now();
    let stderr = built.fail(&[]);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the build took {:?} on a symlink loop",
        started.elapsed()
    );
    assert_names(&stderr, "content/cases/loop");
}

// ---------------------------------------------------------------------------------------------
// Templates

#[test]
fn template_syntax_error_in_site_override() {
    let built = Built::minimal();
    built.site.write(
        "templates/case.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{% if page.title %}\n<h1>{{ page.title }}</h1>\n{% endblock content %}\n",
    );
    let stderr = built.fail(&[]);
    assert_names(&stderr, "templates/case.html");
    // The unclosed `if` opens on line 3; the error is found at the stray `endblock` on line 5.
    let line_ok = (3..=5).any(|l| {
        stderr.contains(&format!("templates/case.html:{l}:"))
            || stderr.contains(&format!("templates/case.html:{l}\n"))
    });
    assert!(
        line_ok,
        "stderr does not give a line (3–5) in templates/case.html:\n{stderr}"
    );
    assert!(
        !stderr.contains("built-in theme"),
        "the error blames the built-in theme instead of the site's template:\n{stderr}"
    );
}

#[test]
fn undefined_variable_in_site_override() {
    let built = Built::minimal();
    built.site.write(
        "templates/page.html",
        "<!doctype html>\n<html>\n<body>\n<p>{{ page.nonexistent_thing }}</p>\n</body>\n</html>\n",
    );
    let stderr = built.fail(&[]);
    assert_names(&stderr, "templates/page.html");
    assert!(
        stderr.contains("nonexistent_thing"),
        "stderr does not name the undefined variable:\n{stderr}"
    );
}

// ---------------------------------------------------------------------------------------------
// Output folder

/// The sources of the minimal site, with their bytes.
fn sources(site: &TestSite) -> BTreeMap<String, Vec<u8>> {
    [
        "config.toml",
        "content/cases/_index.md",
        CASE,
        "content/about.md",
    ]
    .iter()
    .map(|rel| (rel.to_string(), std::fs::read(site.path(rel)).unwrap()))
    .collect()
}

#[test]
fn output_folder_is_the_site_folder() {
    let built = Built::minimal();
    let before = sources(&built.site);
    let site_dir = built.site.dir.to_str().unwrap().to_string();
    let stderr = built.fail(&["--output", &site_dir]);
    assert_names(&stderr, &site_dir);
    assert_eq!(sources(&built.site), before, "the sources changed");
}

#[test]
fn output_folder_is_the_parent_of_the_site_folder() {
    let built = Built::minimal();
    let before = sources(&built.site);
    let parent = format!("{}/..", built.site.dir.display());
    let stderr = built.fail(&["--output", &parent]);
    assert_names(&stderr, &parent);
    assert_eq!(sources(&built.site), before, "the sources changed");
    assert!(built.site.tmp.path().join("site").is_dir());
}

// ---------------------------------------------------------------------------------------------
// Images

#[test]
fn listed_image_does_not_exist() {
    let built = Built::minimal();
    built.site.write(
        CASE,
        "+++\ntitle = \"First case\"\ndate = 2024-05-02\nimages = [{ file = \"missing.png\", alt = \"x\" }]\n+++\nFindings.\n",
    );
    let stderr = built.fail(&[]);
    assert_names(&stderr, "missing.png");
    assert_names_line(&stderr, CASE, 4);
}

#[test]
fn image_without_alt() {
    let built = Built::minimal();
    built.site.write("content/cases/a/ct.png", png_bytes(4, 4));
    built.site.write(
        CASE,
        "+++\ntitle = \"First case\"\ndate = 2024-05-02\nimages = [{ file = \"ct.png\" }]\n+++\nFindings.\n",
    );
    let stderr = built.fail(&[]);
    assert_names_line(&stderr, CASE, 4);
    assert!(
        stderr.contains("alt"),
        "stderr does not mention alt text:\n{stderr}"
    );
}

/// Deterministic pseudo-random bytes (no PNG signature).
fn noise(n: usize) -> Vec<u8> {
    let mut x: u32 = 0x1234_5678;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

#[test]
fn corrupt_image_file() {
    let built = Built::minimal();
    built.site.write("content/cases/a/ct.png", noise(2048));
    built.site.write(
        CASE,
        "+++\ntitle = \"First case\"\ndate = 2024-05-02\nimages = [{ file = \"ct.png\", alt = \"Axial CT\" }]\n+++\nFindings.\n",
    );
    let stderr = built.fail(&[]);
    assert_names(&stderr, "content/cases/a/ct.png");
}

// ---------------------------------------------------------------------------------------------
// Values of the wrong type (each was once accepted, or reported as something else)

#[test]
fn a_number_where_text_is_expected_is_an_error_not_text() {
    for (text, line) in [
        ("+++\ntitle = 123\ndate = 2024-05-02\n+++\nFindings.\n", 2),
        ("---\ntitle: 123\ndate: 2024-05-02\n---\nFindings.\n", 2),
        (
            "+++\ntitle = \"First case\"\ndiagnosis = 2024-05-02\n+++\nFindings.\n",
            3,
        ),
        (
            "---\ntitle: First case\ndescription: true\n---\nFindings.\n",
            3,
        ),
    ] {
        let built = Built::minimal();
        built.site.write(CASE, text);
        let stderr = built.fail(&[]);
        assert_names_line(&stderr, CASE, line);
        assert!(
            stderr.contains("must be text"),
            "the expected type is not named:\n{stderr}"
        );
        assert!(
            hints(&stderr).contains("in quotes"),
            "the hint does not say to quote it:\n{stderr}"
        );
    }
}

#[test]
fn an_image_field_of_the_wrong_type_is_named_not_dropped_or_missing() {
    for (field, entry) in [
        (
            "caption",
            "{ file = \"ct.png\", alt = \"Axial CT\", caption = 42 }",
        ),
        ("alt", "{ file = \"ct.png\", alt = 42 }"),
        ("file", "{ file = 42, alt = \"Axial CT\" }"),
    ] {
        let built = Built::minimal();
        built.site.write("content/cases/a/ct.png", png_bytes(4, 4));
        built.site.write(
            CASE,
            format!("+++\ntitle = \"First case\"\nimages = [\n  {entry},\n]\n+++\nFindings.\n"),
        );
        let stderr = built.fail(&[]);
        assert_names_line(&stderr, CASE, 4);
        let message = format!("`{field}` of entry 1 in `images` must be text, not the number 42");
        assert!(stderr.contains(&message), "expected `{message}`:\n{stderr}");
        assert!(
            !stderr.contains("no alt text") && !stderr.contains("has no `file`"),
            "a field of the wrong type is reported as missing:\n{stderr}"
        );
    }
}

#[test]
fn a_number_too_large_or_negative_is_named_as_such() {
    for (text, line, says) in [
        (
            "+++\ntitle = \"First case\"\nweight = 99999999999999999999999\n+++\n",
            3,
            "`weight` is too large: the number 99999999999999999999999",
        ),
        (
            "---\ntitle: First case\nweight: 99999999999999999999999\n---\n",
            3,
            "`weight` is too large: the number 99999999999999999999999",
        ),
    ] {
        let built = Built::minimal();
        built.site.write(CASE, text);
        let stderr = built.fail(&[]);
        assert_names_line(&stderr, CASE, line);
        assert!(stderr.contains(says), "expected `{says}`:\n{stderr}");
    }
    let built = Built::minimal();
    built.site.write(
        "content/cases/_index.md",
        "+++\ntitle = \"Cases\"\npage_kind = \"case\"\npaginate_by = -3\n+++\n",
    );
    let stderr = built.fail(&[]);
    assert_names_line(&stderr, "content/cases/_index.md", 4);
    assert!(
        stderr.contains("`paginate_by` must be at least 1, not -3"),
        "{stderr}"
    );
}

#[test]
fn a_folder_named_like_a_template_is_an_error() {
    for rel in ["templates/page.html", "templates/partials/terms.html"] {
        let built = Built::minimal();
        std::fs::create_dir_all(built.site.path(rel)).unwrap();
        built.site.write(&format!("{rel}/notes.txt"), "a note");
        let stderr = built.fail(&[]);
        assert_names(&stderr, rel);
        assert!(
            stderr.contains("folder"),
            "does not say it is a folder:\n{stderr}"
        );
    }
    // An empty folder is no less a mistake: it would be ignored just the same.
    let built = Built::minimal();
    std::fs::create_dir_all(built.site.path("templates/case.html")).unwrap();
    let stderr = built.fail(&[]);
    assert_names(&stderr, "templates/case.html");
}

// ---------------------------------------------------------------------------------------------
// config.toml: every key against values of every type, in plain words

/// Words of the libraries underneath that must never reach a user.
const INTERNALS: &[&str] = &[
    "usize",
    "u8",
    "u32",
    "u64",
    "i64",
    "i128",
    "invalid type",
    "invalid value",
    "sequence",
    "a map",
    "path string",
    "wanted",
    "expected",
    "Options",
    "budget",
    "Nodes",
    "recurse",
];

fn assert_plain(d: &radcase::diagnostic::Diagnostic) {
    let all = format!("{} {}", d.message, d.hint.as_deref().unwrap_or_default());
    for word in INTERNALS {
        assert!(!all.contains(word), "`{word}` leaks into: {all}");
    }
}

/// The config keys: (table header lines, key, what it takes).
const CONFIG_KEYS: &[(&str, &str, &str)] = &[
    ("", "title", "text"),
    ("", "base_url", "text"),
    ("", "description", "text"),
    ("", "language", "text"),
    ("", "author", "text"),
    ("", "theme", "text"),
    ("", "feed_content", "choice"),
    ("", "feed_limit", "count"),
    ("", "extra", "table"),
    ("", "images", "images"),
    ("", "taxonomies", "tables"),
    ("", "menu", "tables"),
    ("[images]\n", "widths", "counts"),
    ("[images]\n", "thumbnail", "count"),
    ("[images]\n", "quality", "count"),
    ("[images]\n", "stack_width", "count"),
    ("[images]\n", "formats", "choices"),
    ("[images]\n", "cache_dir", "text"),
    ("", "markdown", "images"),
    ("[markdown]\n", "raw_html", "bool"),
    ("[[taxonomies]]\nname = \"tags\"\n", "title", "text"),
    ("[[taxonomies]]\nname = \"tags\"\n", "feed", "bool"),
    ("[[taxonomies]]\nname = \"tags\"\n", "paginate_by", "count"),
    ("[[taxonomies]]\n", "name", "text"),
    ("[[menu]]\nurl = \"/\"\n", "name", "text"),
    ("[[menu]]\nname = \"Home\"\n", "url", "text"),
];

/// (category, TOML value, what the error may show of it: for a list, the list or its entry).
const CONFIG_VALUES: &[(&str, &str, &[&str])] = &[
    ("number", "42", &["42"]),
    ("negative", "-3", &["-3"]),
    ("huge", "99999999999999999999", &["99999999999999999999"]),
    ("fraction", "4.5", &["4.5"]),
    ("bool", "true", &["true"]),
    ("list", "[\"x\"]", &["list", "\"x\""]),
    ("numbers", "[42, -1]", &["a list", "42", "-1"]),
    ("table", "{ a = \"x\" }", &["a table", "`a`"]),
    ("text", "\"x\"", &["\"x\""]),
    ("date", "2024-05-02", &["2024-05-02"]),
];

fn config_accepts(takes: &str, category: &str) -> bool {
    matches!(
        (takes, category),
        ("text", "text") | ("count", "number") | ("bool", "bool") | ("table", "table")
    )
}

#[test]
fn every_config_key_refuses_a_value_of_the_wrong_type_in_plain_words() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for &(header, key, takes) in CONFIG_KEYS {
        for &(category, value, shown) in CONFIG_VALUES {
            if config_accepts(takes, category) {
                continue;
            }
            let mut head = String::new();
            for (k, v) in [("title", "\"T\""), ("base_url", "\"https://x.org/\"")] {
                if !(header.is_empty() && k == key) {
                    head.push_str(&format!("{k} = {v}\n"));
                }
            }
            let text = format!("{head}{header}{key} = {value}\n");
            let line = text.lines().count();
            checked += 1;
            let result = radcase::config::Config::parse(std::path::Path::new("config.toml"), &text);
            let Err(errors) = result else {
                failures.push(format!("{key} = {value} was accepted"));
                continue;
            };
            let d = &errors.0[0];
            // A list of whole numbers must name the entry that is not one.
            let shown: &[&str] = if (takes, category) == ("counts", "numbers") {
                &["-1"]
            } else {
                shown
            };
            let ok = d.line == Some(line)
                && (d.message.contains(&format!("`{key}`"))
                    || d.message.contains(&format!("[{key}]")))
                && shown.iter().any(|s| d.message.contains(s))
                && d.hint.is_some();
            if !ok {
                failures.push(format!("{header:?}{key} = {value}: {d:?}"));
                continue;
            }
            let all = format!("{} {}", d.message, d.hint.as_deref().unwrap_or_default());
            if let Some(word) = INTERNALS.iter().find(|w| all.contains(*w)) {
                failures.push(format!("{key} = {value}: `{word}` leaks into: {all}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_config_table_missing_a_key_names_the_table_and_the_key() {
    let text = format!("{CONFIG}\n[[menu]]\nname = \"Cases\"\n");
    let e = radcase::config::Config::parse(std::path::Path::new("config.toml"), &text).unwrap_err();
    let d = &e.0[0];
    assert_eq!(d.line, Some(4), "{d:?}");
    assert!(
        d.message.contains("`url`") && d.message.contains("menu"),
        "{d:?}"
    );
    assert_plain(d);
    let e = radcase::config::Config::parse(std::path::Path::new("config.toml"), "title = \"T\"\n")
        .unwrap_err();
    assert!(e.0[0].message.contains("`base_url`"), "{:?}", e.0[0]);
    assert_plain(&e.0[0]);
}

#[test]
fn a_key_written_twice_is_named_in_every_format() {
    let built = Built::minimal();
    built.site.write(
        "config.toml",
        format!("{CONFIG}description = \"a\"\ndescription = \"b\"\n"),
    );
    let stderr = built.fail(&[]);
    assert_names_line(&stderr, "config.toml", 4);
    assert!(
        stderr.contains("`description` is written twice"),
        "{stderr}"
    );
    for (text, line) in [
        ("+++\ntitle = \"A\"\ntitle = \"B\"\n+++\n", 3),
        (
            "+++\ntitle = \"A\"\n[extra]\na = 1\n[extra]\nb = 2\n+++\n",
            5,
        ),
        ("---\ntitle: A\ntitle: B\n---\n", 3),
    ] {
        let built = Built::minimal();
        built.site.write(CASE, text);
        let stderr = built.fail(&[]);
        assert_names_line(&stderr, CASE, line);
        assert!(stderr.contains("is written twice"), "{stderr}");
        for word in INTERNALS {
            assert!(!stderr.contains(word), "`{word}` leaks into:\n{stderr}");
        }
    }
}

#[test]
fn front_matter_too_large_or_too_deep_is_refused_in_plain_words() {
    let many = format!("  a: [{}]\n", vec!["1"; 260_000].join(","));
    let deep = format!("  a: {}{}\n", "[".repeat(2000), "]".repeat(2000));
    let mut laughs = "a: &a [x,x,x,x,x,x,x,x,x]\n".to_string();
    for i in 1..9 {
        let prev = if i == 1 {
            "a".to_string()
        } else {
            format!("b{}", i - 1)
        };
        laughs.push_str(&format!(
            "b{i}: &b{i} [{}]\n",
            vec![format!("*{prev}"); 9].join(",")
        ));
    }
    let toml_deep = format!("a = {}{}\n", "[".repeat(2000), "]".repeat(2000));
    let toml_dotted = format!("a.{} = 1\n", vec!["b"; 100_000].join("."));
    for (what, text, lines, says) in [
        (
            "many values",
            format!("---\ntitle: A\nextra:\n{many}---\n"),
            2..=5,
            "too large",
        ),
        (
            "deep YAML",
            format!("---\ntitle: A\nextra:\n{deep}---\n"),
            2..=5,
            "nested too deep",
        ),
        (
            "aliases",
            format!("---\ntitle: A\n{laughs}---\n"),
            2..=12,
            "too large",
        ),
        (
            "deep TOML",
            format!("+++\ntitle = \"A\"\n[extra]\n{toml_deep}+++\n"),
            2..=5,
            "nested too deep",
        ),
        (
            "dotted TOML",
            format!("+++\ntitle = \"A\"\n[extra]\n{toml_dotted}+++\n"),
            1..=5,
            "nested too deep",
        ),
    ] {
        let built = Built::minimal();
        built.site.write(CASE, text);
        let started = Instant::now();
        let stderr = built.fail(&[]);
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{what} took {:?}",
            started.elapsed()
        );
        assert!(
            lines
                .clone()
                .any(|l| stderr.contains(&format!("{CASE}:{l}:"))
                    || stderr.contains(&format!("{CASE}:{l}\n"))),
            "{what}: no line in {lines:?}:\n{stderr}"
        );
        assert!(
            stderr.contains(says),
            "{what}: does not say `{says}`:\n{stderr}"
        );
        for word in INTERNALS {
            assert!(
                !stderr.contains(word),
                "{what}: `{word}` leaks into:\n{stderr}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Raw HTML and addresses that run code: never published

/// Every way of writing a `javascript:`, `vbscript:` or `data:` target, with the line of the
/// file it is on.
const REFUSED_TARGETS: &[(&str, &str, usize)] = &[
    ("inline link", "Click [here](javascript:alert(1)).\n", 5),
    ("upper case", "Click [here](JavaScript:alert(1)).\n", 5),
    (
        "leading space and control",
        "Click [here](< \u{1}javascript:alert(1)>).\n",
        5,
    ),
    ("tab inside", "Click [here](<java\tscript:alert(1)>).\n", 5),
    ("entity", "Click [here](jav&#x61;script:alert(1)).\n", 5),
    (
        "decimal entity",
        "Click [here](&#106;avascript:alert(1)).\n",
        5,
    ),
    (
        "named entity",
        "Click [here](java&Tab;script:alert(1)).\n",
        5,
    ),
    ("autolink", "See <javascript:alert(1)>.\n", 5),
    (
        "reference link",
        "See [here][r].\n\n[r]: javascript:alert(1)\n",
        5,
    ),
    ("vbscript", "Click [here](vbscript:msgbox(1)).\n", 5),
    (
        "data link",
        "Open [it](data:text/html;base64,PHNjcmlwdD4=).\n",
        5,
    ),
    (
        "data image",
        "![scan](data:image/png;base64,iVBORw0KGgo=)\n",
        5,
    ),
    (
        "raw HTML link",
        "Text.\n\n<a href=\"javascript:alert(1)\">x</a>\n",
        7,
    ),
    (
        "raw HTML entity",
        "<p><a href=\"jav&#x61;script:alert(1)\">x</a></p>\n",
        5,
    ),
    (
        "raw HTML image",
        "<div>\n<img src=\" data:image/png;base64,AAAA\">\n</div>\n",
        6,
    ),
    (
        "raw HTML over lines",
        "<div><a\nhref=\"javascript:alert(1)\">x</a></div>\n",
        6,
    ),
    (
        "raw HTML unquoted",
        "Inline <a href=javascript:alert(1)>x</a> here.\n",
        5,
    ),
    (
        "raw HTML svg",
        "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>\n",
        5,
    ),
    (
        "raw HTML srcset",
        "<img srcset=\"a.png 1x, javascript:alert(1) 2x\">\n",
        5,
    ),
    (
        "in the answer",
        "Question.\n\n<!-- answer -->\n\n[x](javascript:alert(1))\n",
        9,
    ),
];

#[test]
fn javascript_and_data_targets_are_errors_in_every_form() {
    for &(what, body, line) in REFUSED_TARGETS {
        let built = Built::minimal();
        built.site.write(
            CASE,
            format!("+++\ntitle = \"First case\"\nquiz = true\n+++\n{body}"),
        );
        let out = built.site.build_cmd(&[]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{what} was published:\n{stderr}"
        );
        assert_names_line(&stderr, CASE, line);
        assert!(
            ["javascript:", "vbscript:", "data:"]
                .iter()
                .any(|s| stderr.contains(&format!("`{s}`"))),
            "{what}: the scheme is not named:\n{stderr}"
        );
        assert!(
            hints(&stderr).contains("never publishes"),
            "{what}:\n{stderr}"
        );
        built.assert_output_untouched();
    }
}

#[test]
fn javascript_targets_in_teaching_points_and_the_markdown_filter_are_errors() {
    let built = Built::minimal();
    built.site.write(
        CASE,
        "+++\ntitle = \"First case\"\nteaching_points = [\n  \"Fine\",\n  \"See [x](JAVASCRIPT:alert(1))\",\n]\n+++\nText.\n",
    );
    let stderr = built.fail(&[]);
    assert_names_line(&stderr, CASE, 5);
    assert!(stderr.contains("entry 2 of `teaching_points`"), "{stderr}");

    let built = Built::minimal();
    built.site.write(
        CASE,
        "+++\ntitle = \"First case\"\n[extra]\nnote = \"[x](javascript:alert(1))\"\n+++\nText.\n",
    );
    built.site.write(
        "templates/case.html",
        "{% extends \"base.html\" %}{% block content %}{{ page.extra.note | markdown | safe }}{% endblock content %}",
    );
    let stderr = built.fail(&[]);
    assert!(
        stderr.contains("markdown filter") && stderr.contains("`javascript:`"),
        "{stderr}"
    );
}

/// A body with every kind of raw HTML.
const RAW_HTML_BODY: &str = "Intro <span class=\"hl\" onclick=\"steal()\">inline</span> text.\n\n<!-- more -->\n\n<div class=\"box\">\n<script>alert(1)</script>\n</div>\n\n<!-- a note to co-authors -->\n\nNUL\0here.\n";

fn raw_html_site(setting: &str) -> TestSite {
    let site = TestSite::with(&[
        ("config.toml", format!("{CONFIG}{setting}")),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            format!("+++\ntitle = \"First case\"\ndate = 2024-05-02\n+++\n{RAW_HTML_BODY}"),
        ),
    ]);
    site.build_ok(&[]);
    site
}

/// The body as published: the page's article, the RSS and the Atom entry.
fn published_bodies(site: &TestSite) -> Vec<(&'static str, String)> {
    let page = site.read_out("cases/a/index.html");
    let rss = rss::Channel::read_from(site.read_out("rss.xml").as_bytes()).unwrap();
    let atom = atom_syndication::Feed::read_from(site.read_out("atom.xml").as_bytes()).unwrap();
    vec![
        ("page", page),
        ("rss", rss.items()[0].content().unwrap().to_string()),
        (
            "atom",
            atom.entries()[0]
                .content()
                .unwrap()
                .value()
                .unwrap()
                .to_string(),
        ),
    ]
}

#[test]
fn without_raw_html_it_is_shown_as_text_in_pages_and_feeds() {
    let site = raw_html_site("[markdown]\nraw_html = false\n");
    for (what, html) in published_bodies(&site) {
        for gone in [
            "<script>alert",
            "<div class=\"box\"",
            "<span class=\"hl\"",
            "a note to co-authors",
            "\0",
        ] {
            assert!(!html.contains(gone), "{what} has `{gone:?}`:\n{html}");
        }
        for shown in [
            "&lt;script&gt;alert(1)&lt;/script&gt;",
            "&lt;span class=",
            "NUL\u{FFFD}here",
        ] {
            assert!(
                html.contains(shown),
                "{what} does not show `{shown}` as text:\n{html}"
            );
        }
    }
    let doc = site.html("cases/a/index.html");
    assert!(
        doc.select(&sel("script"))
            .all(|s| !s.inner_html().contains("alert(1)")),
        "a script of the author ran"
    );
    assert!(doc.select(&sel("[onclick]")).next().is_none());
}

#[test]
fn with_raw_html_the_authors_html_is_published_as_written() {
    for setting in ["", "[markdown]\nraw_html = true\n"] {
        let site = raw_html_site(setting);
        for (what, html) in published_bodies(&site) {
            for kept in [
                "<div class=\"box\">",
                "<span class=\"hl\" onclick=\"steal()\">",
                "NUL\u{FFFD}here",
            ] {
                assert!(html.contains(kept), "{what} lost `{kept}`:\n{html}");
            }
            assert!(!html.contains('\0'), "{what} has a NUL");
        }
    }
}
