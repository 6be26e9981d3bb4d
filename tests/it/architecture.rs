//! The crate's layers, checked: a module may use the modules of the layers below its own, never
//! one beside or above it. This is the picture the README's Architecture section draws; a new
//! module goes into `LAYERS` with the layer it belongs to, or this test fails.

use std::collections::BTreeSet;
use std::path::Path;

/// Bottom first. Modules in one layer do not use each other.
const LAYERS: &[&[&str]] = &[
    &["diagnostic", "types"],
    &[
        "toml_errors",
        "source",
        "markdown",
        "picture",
        "theme",
        "links",
    ],
    &["front", "media"],
    &["config"],
    &["privacy", "content"],
    &["plan", "render"],
    &["output"],
    &["pipeline"],
    &["serve"],
    &["commands", "cli"],
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// `(module, used module, file)` for every `crate::x` in the code (comments left out).
fn uses(src: &Path) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(src).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path
            .strip_prefix(src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "lib.rs" || rel == "main.rs" {
            continue;
        }
        let module = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        let text = std::fs::read_to_string(path).unwrap();
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or_default();
            for (i, _) in code.match_indices("crate::") {
                let used: String = code[i + "crate::".len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !used.is_empty() && used != module {
                    out.push((module.clone(), used, rel.clone()));
                }
            }
        }
    }
    out
}

/// Every use of a module beside or above the user, or of one with no layer.
fn problems(src: &Path) -> BTreeSet<String> {
    let mut problems = BTreeSet::new();
    for (module, used, file) in uses(src) {
        match (layer(&module), layer(&used)) {
            (Some(m), Some(u)) if u < m => {}
            (None, _) => {
                problems.insert(format!(
                    "src/{file}: module `{module}` has no layer in LAYERS"
                ));
            }
            (_, None) => {
                problems.insert(format!("src/{file}: `{used}` has no layer in LAYERS"));
            }
            (Some(m), Some(u)) => {
                let how = if u == m { "beside" } else { "above" };
                problems.insert(format!(
                    "src/{file}: `{module}` (layer {m}) uses `{used}`, {how} it (layer {u})"
                ));
            }
        }
    }
    problems
}

#[test]
fn no_module_uses_one_beside_or_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = uses(&src).len();
    assert!(found > 50, "the scan found too few uses: {found}");
    let problems = problems(&src);
    assert!(
        problems.is_empty(),
        "upward or sideways imports:\n{}",
        problems.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_check_sees_an_upward_import() {
    let tmp = tempfile::tempdir().unwrap();
    let write = |rel: &str, text: &str| {
        let p = tmp.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        "types/mod.rs",
        "use crate::content::Page; // a comment on crate::pipeline\n",
    );
    write(
        "content/load.rs",
        "use crate::types::PageId;\nuse crate::privacy::Scans;\n",
    );
    write("newthing.rs", "use crate::types::OutPath;\n");
    let found: Vec<String> = problems(tmp.path()).into_iter().collect();
    assert_eq!(
        found,
        [
            "src/content/load.rs: `content` (layer 4) uses `privacy`, beside it (layer 4)",
            "src/newthing.rs: module `newthing` has no layer in LAYERS",
            "src/types/mod.rs: `types` (layer 0) uses `content`, above it (layer 4)",
        ]
    );
}

#[test]
fn every_module_of_the_crate_has_a_layer() {
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    for line in lib.lines() {
        let Some(name) = line
            .trim()
            .strip_prefix("pub mod ")
            .or_else(|| line.trim().strip_prefix("mod "))
        else {
            continue;
        };
        let name = name.trim_end_matches(';');
        assert!(
            layer(name).is_some(),
            "module `{name}` has no layer in LAYERS"
        );
    }
}
