//! Find identifiers in a site's sources, with the place of each.
//!
//! What is scanned: every Markdown record under `content/` (drafts too: drafts get shared) —
//! its body and the front matter values of every key the key table marks as patient text (all
//! but dates, the site's own people, citations, templates and the acknowledgements), unknown
//! keys included; a file whose front matter does not parse is read whole. Each record is read
//! with the rules of its context (`context`: a case, or a program page with its own details).
//! Then the name of
//! every file and folder of `content/`, `static/` and the theme's `static/` (the files published
//! as they are: `files`). Positions come from the record's tree, never from searching the text.

use std::ops::Range;
use std::path::{Path, PathBuf};

use super::ack::{self, Ack};
use super::context::{self, Context};
use super::finding::Finding;
use super::rules::{self, Hit, RuleId};
use crate::diagnostic::Diagnostic;
use crate::front::{Document, Entry, Lines, Node, Record, Value, keys};
use crate::source::Sources;

/// Everything one Markdown file yields.
#[derive(Clone)]
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
    /// What the page is about: the rules that apply to it.
    pub context: Context,
    /// What the output gate reads the page's outputs as (a section listing cases: a case).
    pub gate_context: Context,
    /// On a program page, its own details (a person's name and links, an event's organizer
    /// and place): the same text in its body is the program's.
    pub own: Vec<String>,
}

/// A stretch of a file's text to scan: `range` as it is written, and for a front matter value
/// `read`, the key and the value as the loader reads them (`age: 93` for `"age" = 9_3`, an
/// alias, a tag or escapes), whose findings the written text does not have are placed where
/// their identifier is written, else at the key.
struct Span {
    range: Range<usize>,
    read: Option<String>,
    /// Rules not applied here: an author's name in `authors`, a publication date in
    /// `references`.
    skip: &'static [RuleId],
}

/// The keys whose values are a program page's own details: a person's name and links, an
/// event's place, organizer and addresses.
const OWN_KEYS: &[&keys::Key] = &[
    keys::TITLE,
    keys::LINKS,
    keys::LOCATION,
    keys::ORGANIZER,
    keys::ONLINE,
    keys::REGISTRATION,
];

/// What `authors` may hold without a finding: the authors' names and contacts. A phone
/// number, a record number or a date of birth there is still a finding.
const AUTHORS_SKIP: &[RuleId] = &[
    RuleId::PatientName,
    RuleId::PersonName,
    RuleId::Email,
    RuleId::Url,
];
/// What `references` may hold: authors' names, publication dates, links.
const REFERENCES_SKIP: &[RuleId] = &[
    RuleId::PatientName,
    RuleId::PersonName,
    RuleId::FullDate,
    RuleId::Email,
    RuleId::Url,
];

/// What an event's `[extra] end` may hold: its date and time.
const EVENT_END_SKIP: &[RuleId] = &[RuleId::FullDate];

/// Scan one Markdown record of `context` (see [`context`]): its front matter values, its body,
/// its acknowledgements, and for a bundle the DICOM files it publishes.
pub(super) fn record(
    record: &Record,
    sources: &Sources,
    exempt: &[String],
    context: Context,
) -> FileScan {
    let path = &record.path;
    let draft = record.is_draft();
    let bundle_dir = (path.file_name().is_some_and(|n| n == "index.md"))
        .then(|| path.parent().map(Path::to_path_buf))
        .flatten();
    let (acks, errors) = ack::read(path, record.fields.acknowledgements());
    let mut scan = FileScan {
        path: path.clone(),
        findings: Vec::new(),
        acks,
        errors,
        date: record
            .fields
            .date(keys::DATE)
            .map(|d| d.format("%Y-%m-%d").to_string()),
        bundle_dir,
        // Front matter that does not parse says nothing of what the page is: read strictly.
        context: if record.doc().is_some() {
            context
        } else {
            Context::Case
        },
        gate_context: context,
        own: Vec::new(),
    };
    let text = record.text();
    let spans = match record.doc() {
        Some(doc) => document_spans(doc, scan.context),
        // Front matter that does not parse is `load`'s to report; every byte is read here.
        None => vec![Span {
            range: 0..text.len(),
            read: None,
            skip: &[],
        }],
    };
    if scan.context == Context::Program
        && let Some(doc) = record.doc()
    {
        scan.own = own_details(doc);
    }
    let mut own = exempt.to_vec();
    own.extend(scan.own.iter().cloned());
    let on = On {
        context: scan.context,
        own: if scan.context == Context::Program {
            &own
        } else {
            exempt
        },
    };
    let lines = Lines::new(text);
    let mut seen = std::collections::HashSet::new();
    for span in spans {
        for f in scan_span(path, text, &lines, &span, &on, draft) {
            if seen.insert((f.line, f.column, f.rule.id, f.id.clone())) {
                scan.findings.push(f);
            }
        }
    }
    if let Some(dir) = &scan.bundle_dir {
        scan.findings.extend(super::dicom::listed_findings(
            dir,
            &record.fields,
            sources,
            draft,
        ));
    }
    scan
}

/// The rules a record is read with: its context, and what is the program's (the site's
/// details, and on a program page the page's own).
struct On<'a> {
    context: Context,
    own: &'a [String],
}

/// The string values of a program page's own keys ([`OWN_KEYS`]).
fn own_details(doc: &Document) -> Vec<String> {
    fn strings(node: &Node, out: &mut Vec<String>) {
        match &node.value {
            Value::Str(s) => out.push(s.clone()),
            Value::List(items) => items.iter().for_each(|n| strings(n, out)),
            Value::Table(t) => t.entries.iter().for_each(|e| strings(&e.node, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for entry in &doc.tree.entries {
        if OWN_KEYS.iter().any(|k| k.name == entry.key) {
            strings(&entry.node, &mut out);
        }
    }
    out
}

/// The parts of a document the guard reads: the body (and each table row read with its
/// header), and every value of a key that may hold patient text, each with its key (so
/// "age = 93" reads as an age); `authors` and `references` with the rules that fit them.
fn document_spans(doc: &Document, context: Context) -> Vec<Span> {
    let body = doc.split.body.clone();
    let mut out = vec![Span {
        range: body.clone(),
        read: None,
        skip: &[],
    }];
    if let Some(text) = doc.text.get(body.clone()) {
        // On a program page a row is one sentence, so that "Patient" in one cell makes the
        // phone number in the next a patient's.
        let joiner = match context {
            Context::Case => "\n",
            Context::Program => ", ",
        };
        out.extend(table_rows(text, body.start, joiner));
    }
    for entry in &doc.tree.entries {
        let key = entry.key.as_str();
        let skip = if key == keys::AUTHORS.name {
            AUTHORS_SKIP
        } else if key == keys::REFERENCES.name {
            REFERENCES_SKIP
        } else if keys::get(key).is_some_and(|k| !k.patient_text) {
            continue;
        } else {
            &[]
        };
        let from = out.len();
        entry_spans(&doc.text, entry, &mut out);
        for span in &mut out[from..] {
            span.skip = skip;
            // An event's end (`[extra] end`, read into its structured data) is the page's own
            // date, like `date`.
            if key == "extra"
                && span
                    .read
                    .as_deref()
                    .is_some_and(|r| r.starts_with("end: ") || r.starts_with("end_date: "))
            {
                span.skip = EVENT_END_SKIP;
            }
        }
    }
    out
}

/// The rows of the Markdown tables in `body`, each read as "header: cell" pairs, so that a
/// label in the header and a value in a row are seen together (`| MRN |` over `| 4455667 |`).
fn table_rows(body: &str, offset: usize, joiner: &str) -> Vec<Span> {
    let cells = |line: &str| -> Vec<String> {
        let t = line.trim();
        let t = t.strip_prefix('|').unwrap_or(t);
        let t = t.strip_suffix('|').unwrap_or(t);
        t.split('|')
            .map(|c| c.trim().trim_matches(['*', '_', '`']).trim().to_string())
            .collect()
    };
    let is_delimiter = |line: &str| {
        let t = line.trim();
        t.contains('-') && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
    };
    let mut lines = Vec::new();
    let mut at = 0;
    for line in body.split_inclusive('\n') {
        lines.push((at, line.trim_end_matches(['\n', '\r'])));
        at += line.len();
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < lines.len() {
        let (_, head) = lines[i];
        if !(head.contains('|') && is_delimiter(lines[i + 1].1)) {
            i += 1;
            continue;
        }
        let header = cells(head);
        i += 2;
        while i < lines.len() && lines[i].1.contains('|') && !lines[i].1.trim().is_empty() {
            let (start, row) = lines[i];
            let read: Vec<String> = header
                .iter()
                .zip(cells(row))
                .filter(|(h, c)| !h.is_empty() && !c.is_empty())
                .map(|(h, c)| format!("{h}: {c}"))
                .collect();
            if !read.is_empty() {
                out.push(Span {
                    range: offset + start..offset + start + row.len(),
                    read: Some(read.join(joiner)),
                    skip: &[],
                });
            }
            i += 1;
        }
    }
    out
}

fn entry_spans(text: &str, entry: &Entry, out: &mut Vec<Span>) {
    node_spans(text, &entry.key, entry.key_span.start, &entry.node, out);
}

fn node_spans(text: &str, key: &str, label_start: usize, node: &Node, out: &mut Vec<Span>) {
    let shown = match &node.value {
        Value::Table(t) => return t.entries.iter().for_each(|e| entry_spans(text, e, out)),
        Value::List(items) => {
            return items
                .iter()
                .for_each(|item| node_spans(text, key, item.span.start, item, out));
        }
        Value::Null => return,
        Value::Str(s) | Value::Date(s) | Value::BigInt(s) => s.clone(),
        Value::Int(n) => n.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
    };
    // The key and its value as written; the value alone if the two are apart.
    let range = if label_start <= node.span.start {
        label_start..node.span.end
    } else {
        node.span.clone()
    };
    out.push(Span {
        range,
        read: Some(format!("{key}: {shown}")),
        skip: &[],
    });
}

fn scan_span(
    path: &Path,
    text: &str,
    lines: &Lines,
    span: &Span,
    on: &On,
    draft: bool,
) -> Vec<Finding> {
    let Some(written) = text.get(span.range.clone()) else {
        return Vec::new();
    };
    let finding = |scanned: &str, hit: &Hit, offset: usize, context: String| {
        let (line, column) = lines.at(text, offset);
        Finding {
            path: path.to_path_buf(),
            shown: path.to_path_buf(),
            line: Some(line),
            column: Some(column),
            rule: hit.rule,
            masked: rules::mask(scanned, hit),
            id: scanned[hit.id.clone()].to_string(),
            context,
            draft,
        }
    };
    let hits = |scanned: &str| -> Vec<Hit> {
        context::find_where(scanned, on.context, on.own, |hit| {
            !span.skip.contains(&hit.rule.id)
        })
    };
    let mut out: Vec<Finding> = hits(written)
        .iter()
        .map(|hit| {
            let offset = span.range.start + hit.span.start;
            let line = lines.at(text, offset).0;
            finding(written, hit, offset, lines.text(text, line).to_string())
        })
        .collect();
    if let Some(read) = &span.read {
        for hit in hits(read) {
            let id = &read[hit.id.clone()];
            if out.iter().any(|f| f.rule.id == hit.rule.id && f.id == id) {
                continue;
            }
            let offset = span.range.start + written.find(id).unwrap_or(0);
            let line = lines.at(text, offset).0;
            let context = format!("{}\n{read}", lines.text(text, line));
            out.push(finding(read, &hit, offset, context));
        }
    }
    out
}

/// The names scanned: every file and folder of the published roots.
pub(super) fn names(sources: &Sources) -> Vec<&Path> {
    sources
        .files
        .iter()
        .filter(|s| published(s.root))
        .map(|s| s.path.as_path())
        .chain(
            sources
                .folders
                .iter()
                .filter(|f| published(f.root))
                .map(|f| f.path.as_path()),
        )
        .collect()
}

/// Roots whose files and names reach the website as they are.
pub(super) fn published(root: crate::source::Root) -> bool {
    use crate::source::Root;
    matches!(root, Root::Content | Root::Static | Root::ThemeStatic)
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

use context::is_exempt;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_as_words() {
        assert_eq!(name_as_text("mrn_4455667.png"), "mrn 4455667");
        assert_eq!(name_as_text("Mr-Bones.jpg"), "Mr Bones");
        assert_eq!(name_as_text("dob-1948-03-14.png"), "dob 1948-03-14");
    }
}
