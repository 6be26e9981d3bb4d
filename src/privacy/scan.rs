//! Read a site's sources and find identifiers in them, with the place of each.
//!
//! What is scanned: every Markdown file under `content/` (drafts too: drafts get shared), its
//! body and the values of its front matter except the keys that are not patient data (`date`,
//! `updated`, `authors`, `references`, templates, and the acknowledgements themselves); and the
//! name of every file and folder under `content/` and `static/`. Images inside are not read
//! here (`metadata` lists what they carry). The sources are read again rather than taken from
//! the `Library`, which holds rendered HTML and no drafts.

use std::ops::Range;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use super::ack::{self, Ack};
use super::rules::{self, Hit, Rule};
use crate::content::front_matter::{self, Format};
use crate::diagnostic::Diagnostic;

/// Front matter keys whose values are not about the patient (or not published as text).
const NOT_PATIENT_DATA: &[&str] = &[
    "date",
    "updated",
    "authors",
    "references",
    "privacy",
    "template",
    "page_template",
];

/// One identifier found in a source.
#[derive(Debug, Clone)]
pub struct Finding {
    pub path: PathBuf,
    /// The path as printed: a file or folder name that is itself a finding is masked in it.
    pub shown: PathBuf,
    /// None for a file name.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub rule: &'static Rule,
    /// The match with its identifier masked: what may be printed.
    pub masked: String,
    /// The identifier itself and the line (or name) around it, to match acknowledgements.
    /// Never printed.
    pub(super) id: String,
    pub(super) context: String,
    pub draft: bool,
}

impl Finding {
    pub fn diagnostic(&self) -> Diagnostic {
        let mut d = Diagnostic::in_file(
            &self.shown,
            format!(
                "privacy [{}]: {} `{}`{}",
                self.rule.name,
                self.rule.what,
                self.masked,
                if self.draft {
                    " (in a draft: drafts get shared too)"
                } else {
                    ""
                }
            ),
        );
        if let Some(line) = self.line {
            d = d.at(line, self.column.unwrap_or(1));
        }
        let ack = if rules::is_pixel_rule(self.rule) {
            format!(
                "If you have checked the pixels, acknowledge it in the case's front matter: \
                 [[privacy.acknowledge]] with rule = \"{}\", text = \"{}\" (the file, or its stack folder), reason = what you checked",
                self.rule.name, self.id
            )
        } else if self.line.is_some() {
            format!(
                "If it is not about a real person, acknowledge it in this file's front matter: \
                 [[privacy.acknowledge]] with rule = \"{}\", text = the exact text, reason = why",
                self.rule.name
            )
        } else {
            "Rename it: a file or folder name is published as part of the address".to_string()
        };
        d.with_hint(format!("{}.\n{ack}", self.rule.fix))
    }
}

/// Everything one Markdown file yields.
pub(super) struct FileScan {
    pub path: PathBuf,
    pub findings: Vec<Finding>,
    pub acks: Vec<Ack>,
    pub errors: Vec<Diagnostic>,
    /// Folder whose file names this file's acknowledgements also cover (a bundle's).
    pub bundle_dir: Option<PathBuf>,
    /// The front matter `date` (its `YYYY-MM-DD`): the same date in the page's own file or
    /// folder name is its publication date, not a patient's.
    pub date: Option<String>,
}

/// Every source file and folder of the site, relative paths under `content/` and `static/`.
pub(super) struct Sources {
    pub markdown: Vec<PathBuf>,
    /// Files and folders whose names are scanned.
    pub names: Vec<PathBuf>,
    /// Files that may be images (everything that is not Markdown).
    pub others: Vec<PathBuf>,
}

fn is_hidden(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp")
}

/// List the sources. Unreadable entries are skipped: `load` reports them.
pub(super) fn sources(site: &Path) -> Sources {
    let mut out = Sources {
        markdown: Vec::new(),
        names: Vec::new(),
        others: Vec::new(),
    };
    for top in ["content", "static"] {
        let root = site.join(top);
        if !root.is_dir() {
            continue;
        }
        let walker = WalkDir::new(&root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(&e.file_name().to_string_lossy()));
        for entry in walker.flatten() {
            if entry.depth() == 0 {
                continue;
            }
            let path = entry.path().to_path_buf();
            out.names.push(path.clone());
            if entry.file_type().is_file() {
                if top == "content" && path.extension().is_some_and(|e| e == "md") {
                    out.markdown.push(path);
                } else {
                    out.others.push(path);
                }
            }
        }
    }
    out
}

/// Byte offsets of line starts, to turn an offset into a 1-based line and column.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines(starts)
    }

    /// Line and column (in characters) of byte `offset` in `text`.
    fn at(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.0.partition_point(|&s| s <= offset);
        let start = self.0[line - 1];
        (line, text[start..offset].chars().count() + 1)
    }

    fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self.0[line - 1];
        let end = self.0.get(line).copied().unwrap_or(text.len());
        text[start..end].trim_end()
    }
}

/// Scan one Markdown file: front matter values, body, acknowledgements.
pub(super) fn markdown(path: &Path, exempt: &[String]) -> FileScan {
    let mut scan = FileScan {
        path: path.to_path_buf(),
        findings: Vec::new(),
        acks: Vec::new(),
        errors: Vec::new(),
        bundle_dir: (path.file_name().is_some_and(|n| n == "index.md"))
            .then(|| path.parent().map(Path::to_path_buf))
            .flatten(),
        date: None,
    };
    // Unreadable or non-UTF-8 files are `load`'s to report; a lossy read still finds text.
    let Ok(bytes) = std::fs::read(path) else {
        return scan;
    };
    let text = String::from_utf8_lossy(&bytes);
    let text: &str = &text;
    let mut draft = false;
    // What is scanned: the file with the lines of non-patient keys blanked, so offsets stay.
    let mut scanned = text.to_string();
    if let Ok(split) = front_matter::split(path, text) {
        let front_start = split.front.as_ptr() as usize - text.as_ptr() as usize;
        for (range, key) in front_lines(split.front, split.format) {
            let range = front_start + range.start..front_start + range.end;
            if key.as_deref() == Some("draft") && text[range.clone()].contains("true") {
                draft = true;
            }
            if key.as_deref() == Some("date") && scan.date.is_none() {
                scan.date = text[range.clone()]
                    .split_once(['=', ':'])
                    .map(|(_, v)| v.trim().trim_matches(['"', '\'']))
                    .and_then(|v| v.get(..10))
                    .map(str::to_string);
            }
            if key
                .as_deref()
                .is_some_and(|k| NOT_PATIENT_DATA.contains(&k))
            {
                // Whole lines become ASCII spaces of the same byte length: the text stays
                // valid UTF-8 and every offset still points at the same place in the file.
                scanned.replace_range(range.clone(), &" ".repeat(range.len()));
            }
        }
        let has = |k: &str| split.front.contains(k);
        if has("privacy") || has("images") || has("stacks") {
            // A front matter that does not parse is `load`'s to report.
            if let Ok(map) = front_matter::parse(path, &split) {
                let (acks, errors) = ack::read(path, &split, &map);
                scan.acks = acks;
                scan.errors = errors;
                if let Some(bundle) = &scan.bundle_dir {
                    scan.findings
                        .extend(super::dicom::listed_findings(bundle, &map, draft));
                }
            }
        }
    }
    let lines = Lines::new(text);
    for hit in rules::find(&scanned) {
        if is_exempt(&scanned[hit.span.clone()], exempt) {
            continue;
        }
        let (line, column) = lines.at(text, hit.span.start);
        scan.findings.push(Finding {
            path: path.to_path_buf(),
            shown: path.to_path_buf(),
            line: Some(line),
            column: Some(column),
            rule: hit.rule,
            masked: rules::mask(&scanned, &hit),
            id: scanned[hit.id.clone()].to_string(),
            context: lines.line_text(text, line).to_string(),
            draft,
        });
    }
    scan
}

/// Each line of front matter text with the top-level key it belongs to. A TOML table header
/// (`[extra]`, `[[privacy.acknowledge]]`) owns every line after it; a YAML key at column 0
/// owns the indented lines and list items below it.
fn front_lines(front: &str, format: Format) -> Vec<(Range<usize>, Option<String>)> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    let mut in_table = false;
    let mut offset = 0;
    for line in front.split_inclusive('\n') {
        let range = offset..offset + line.trim_end_matches(['\n', '\r']).len();
        offset += line.len();
        let trimmed = line.trim_start();
        match format {
            Format::Toml => {
                if let Some(header) = trimmed.strip_prefix('[') {
                    let name = header.trim_start_matches('[').trim_start();
                    let end = name
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                        .unwrap_or(name.len());
                    if end > 0 && !trimmed.starts_with("[\"") {
                        current = Some(name[..end].to_string());
                        in_table = true;
                    }
                } else if !in_table && let Some(key) = toml_key(trimmed) {
                    current = Some(key);
                }
            }
            Format::Yaml => {
                if !line.starts_with([' ', '\t', '-', '#'])
                    && let Some((key, _)) = line.split_once(':')
                {
                    current = Some(key.trim().trim_matches(['"', '\'']).to_string());
                }
            }
        }
        out.push((range, current.clone()));
    }
    out
}

/// The key of a TOML `key = value` line.
fn toml_key(line: &str) -> Option<String> {
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches(['"', '\'']);
    (!key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
    .then(|| key.to_string())
}

/// Files published byte for byte whose text is worth reading (larger ones are not text a
/// person wrote).
const TEXT_EXTENSIONS: &[&str] = &[
    "txt", "csv", "tsv", "html", "htm", "xml", "svg", "json", "md", "markdown", "rtf", "ics",
];
const TEXT_LIMIT: u64 = 4 << 20;

/// Scan a text file published as it is (`static/notes.txt`, a bundle's `table.csv`).
pub(super) fn text_asset(path: &Path, exempt: &[String]) -> Vec<Finding> {
    let is_text = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| TEXT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
    let small = std::fs::metadata(path).is_ok_and(|m| m.len() <= TEXT_LIMIT);
    if !is_text || !small {
        return Vec::new();
    }
    let Ok(bytes) = std::fs::read(path) else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&bytes);
    let lines = Lines::new(&text);
    rules::find(&text)
        .into_iter()
        .filter(|hit| !is_exempt(&text[hit.span.clone()], exempt))
        .map(|hit| {
            let (line, column) = lines.at(&text, hit.span.start);
            Finding {
                path: path.to_path_buf(),
                shown: path.to_path_buf(),
                line: Some(line),
                column: Some(column),
                rule: hit.rule,
                masked: rules::mask(&text, &hit),
                id: text[hit.id.clone()].to_string(),
                context: lines.line_text(&text, line).to_string(),
                draft: false,
            }
        })
        .collect()
}

/// A file or folder name as words: `mrn_4455667` and `Mr-Bones.png` read like text.
fn name_as_text(name: &str) -> String {
    let stem = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.len() <= 5 => stem,
        _ => name,
    };
    let chars: Vec<char> = stem.chars().collect();
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let letter_near = |j: Option<usize>| {
                j.and_then(|j| chars.get(j))
                    .is_some_and(|c| c.is_alphabetic())
            };
            match c {
                '_' => ' ',
                '-' if letter_near(i.checked_sub(1)) || letter_near(Some(i + 1)) => ' ',
                c => c,
            }
        })
        .collect()
}

/// Scan the name of one file or folder.
pub(super) fn name(path: &Path, exempt: &[String]) -> Vec<Finding> {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy()) else {
        return Vec::new();
    };
    let text = name_as_text(&name);
    let hits: Vec<Hit> = rules::find(&text)
        .into_iter()
        .filter(|hit| !is_exempt(&text[hit.span.clone()], exempt))
        .collect();
    // `name_as_text` only swaps single ASCII characters and drops the extension, so offsets in
    // `text` are offsets in `name`.
    let mut masked = name.to_string();
    for hit in hits.iter().rev() {
        masked.replace_range(hit.id.clone(), &rules::mask_id(&name[hit.id.clone()]));
    }
    let shown = path.with_file_name(&masked);
    hits.into_iter()
        .map(|hit| Finding {
            path: path.to_path_buf(),
            shown: shown.clone(),
            line: None,
            column: None,
            rule: hit.rule,
            masked: rules::mask(&text, &hit),
            id: text[hit.id.clone()].to_string(),
            context: text.clone(),
            draft: false,
        })
        .collect()
}

/// The site's own details in `config.toml` (its author, a contact address in `[extra]`) are
/// not a patient's: a match found inside one of them is not reported.
fn is_exempt(matched: &str, exempt: &[String]) -> bool {
    exempt.iter().any(|e| e.contains(matched.trim()))
}

/// Scan every Markdown file, name and text asset, in parallel. Returns the Markdown files, and
/// the findings in names and text assets (which only a bundle's `index.md` can acknowledge).
pub(super) fn all(sources: &Sources, exempt: &[String]) -> (Vec<FileScan>, Vec<Finding>) {
    let (files, names) = rayon::join(
        || {
            sources
                .markdown
                .par_iter()
                .map(|p| markdown(p, exempt))
                .collect::<Vec<_>>()
        },
        || {
            let names = sources.names.par_iter().flat_map_iter(|p| name(p, exempt));
            let texts = sources
                .others
                .par_iter()
                .flat_map_iter(|p| text_asset(p, exempt));
            names.chain(texts).collect::<Vec<_>>()
        },
    );
    (files, names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_lines_belong_to_their_key() {
        let front = "title = \"A\"\nreferences = [\n  \"x 03/14/2023\",\n]\n[extra]\ndate = 1\n";
        let keys: Vec<Option<String>> = front_lines(front, Format::Toml)
            .into_iter()
            .map(|(_, k)| k)
            .collect();
        let k = |s: &str| Some(s.to_string());
        assert_eq!(
            keys,
            [
                k("title"),
                k("references"),
                k("references"),
                k("references"),
                k("extra"),
                k("extra")
            ]
        );
        let yaml = "title: A\nauthors:\n  - Jane\nage: 92\n";
        let keys: Vec<_> = front_lines(yaml, Format::Yaml)
            .into_iter()
            .map(|(_, k)| k)
            .collect();
        assert_eq!(keys, [k("title"), k("authors"), k("authors"), k("age")]);
    }

    #[test]
    fn names_read_as_words() {
        assert_eq!(name_as_text("mrn_4455667.png"), "mrn 4455667");
        assert_eq!(name_as_text("Mr-Bones.jpg"), "Mr Bones");
        assert_eq!(name_as_text("dob-1948-03-14.png"), "dob 1948-03-14");
    }
}
