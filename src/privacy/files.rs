//! The files published as they are, by allow-list: text is decoded and scanned (with its markup
//! read enough that a label and its value are seen together), fonts pass, and anything else is
//! an error unless `[privacy] publish` in `config.toml` allows it; even then PDF metadata and
//! office properties and text are scanned. The list of files is the walk's, and the verdict is
//! `source::format`'s, which the copier reads too: the two never disagree.

use std::io::Read;
use std::path::Path;
use std::sync::LazyLock;

use rayon::prelude::*;
use regex::Regex;

use super::finding::Finding;
use super::rules;
use crate::config::{Allow, Config};
use crate::diagnostic::Diagnostic;
use crate::front::Lines;
use crate::source::{Format, Markup, Root, Source, Sources};

/// Text larger than this is not read (and so not published unless allowed).
pub(super) const TEXT_LIMIT: u64 = 16 << 20;
/// At most this much of a PDF or office file is read, and inflated from one.
const DOC_LIMIT: u64 = 64 << 20;
const ZIP_ENTRIES: usize = 5000;

/// What the files yield: findings (which a bundle's acknowledgements may cover), errors
/// (files refused) and warnings (allow entries that match nothing).
#[derive(Default, Clone)]
pub(super) struct FilesScan {
    pub findings: Vec<Finding>,
    pub errors: Vec<Diagnostic>,
    pub stale: Vec<Diagnostic>,
}

/// A file's path from the site folder, as `[privacy] publish` names it.
pub(super) fn site_path(source: &Source, theme: Option<&str>) -> String {
    let root = match source.root {
        Root::Content => "content".to_string(),
        Root::Static => "static".to_string(),
        Root::Templates => "templates".to_string(),
        Root::ThemeStatic => format!("themes/{}/static", theme.unwrap_or_default()),
        Root::ThemeTemplates => format!("themes/{}/templates", theme.unwrap_or_default()),
    };
    format!("{root}/{}", source.rel)
}

/// Scan every file of `sources` published as it is, and every template.
pub(super) fn scan(config: &Config, sources: &Sources, exempt: &[String]) -> FilesScan {
    let theme = config.theme.as_deref();
    let judged: Vec<(&Source, Format, String)> = sources
        .files
        .iter()
        .filter_map(|s| Some((s, crate::source::format(s)?, site_path(s, theme))))
        .collect();
    let mut out = FilesScan::default();
    for (k, allow) in config.publish.iter().enumerate() {
        // An entry naming an image allows the text in its pixels (`privacy::pixels`).
        let names_image = || {
            sources
                .files
                .iter()
                .any(|s| s.kind.is_image() && allow.matches(&site_path(s, theme)))
        };
        if !judged.iter().any(|(_, _, p)| allow.matches(p)) && !names_image() {
            out.stale.push(
                Diagnostic::in_file(
                    config_path(sources),
                    format!(
                        "entry {} of `publish` in [privacy] ({}) matches no file",
                        k + 1,
                        allow.describe()
                    ),
                )
                .at_line(allow.line)
                .with_hint("remove the entry, or correct its path: it is written from the site folder, e.g. \"content/cases/NAME/handout.pdf\""),
            );
        }
    }
    let results: Vec<FilesScan> = judged
        .par_iter()
        .map(|(s, format, site)| {
            let allowed = config.publish.iter().find(|a| a.matches(site));
            file(s, *format, site, allowed, exempt)
        })
        .collect();
    for r in results {
        out.findings.extend(r.findings);
        out.errors.extend(r.errors);
    }
    out
}

/// `config.toml` of the site `sources` come from (the site folder is above every root).
fn config_path(sources: &Sources) -> std::path::PathBuf {
    let Some(s) = sources.files.first() else {
        return "config.toml".into();
    };
    let depth = match s.root {
        Root::Content | Root::Static | Root::Templates => 1,
        Root::ThemeStatic | Root::ThemeTemplates => 3,
    };
    let mut site = s.path.clone();
    for _ in 0..s.rel.split('/').count() + depth {
        site.pop();
    }
    site.join("config.toml")
}

fn refuse(source: &Source, site: &str, what: &str, why: &str) -> Diagnostic {
    Diagnostic::in_file(
        &source.path,
        format!("radcase cannot publish this file: it is {what}, and {why}"),
    )
    .with_hint(format!(
        "publish its content as a page or images instead; or, once you have checked it yourself, allow it in config.toml: [privacy] publish = [{{ path = \"{site}\", reason = \"…\" }}]"
    ))
}

fn file(
    source: &Source,
    format: Format,
    site: &str,
    allowed: Option<&Allow>,
    exempt: &[String],
) -> FilesScan {
    let mut out = FilesScan::default();
    let template = matches!(source.root, Root::Templates | Root::ThemeTemplates);
    match format {
        Format::Font => {}
        Format::Text(markup) => {
            if source.len > TEXT_LIMIT {
                if allowed.is_none() && !template {
                    out.errors.push(refuse(
                        source,
                        site,
                        &format!("text of {} MiB", source.len >> 20),
                        &format!(
                            "radcase reads text files of up to {} MiB only",
                            TEXT_LIMIT >> 20
                        ),
                    ));
                }
                return out;
            }
            let Some(bytes) = read_bounded(&source.path, TEXT_LIMIT) else {
                return out;
            };
            let text = decode(&bytes);
            if allowed.is_none() {
                out.errors.extend(data_images(&source.path, &text, site));
            }
            out.findings = text_findings(&source.path, &text, &reads(&text, markup, source.name()), exempt);
        }
        Format::Pdf | Format::Office if allowed.is_some() => {
            let Some(bytes) = read_bounded(&source.path, DOC_LIMIT) else {
                return out;
            };
            let reads = if format == Format::Pdf {
                pdf(&bytes)
            } else {
                office(&bytes)
            };
            out.findings = doc_findings(&source.path, &reads, exempt);
        }
        Format::Pdf => out.errors.push(refuse(
            source,
            site,
            "a PDF",
            "it cannot strip its metadata or read most of its text, which may name a patient (radcase reads its Info dictionary and XMP once it is allowed)",
        )),
        Format::Office => out.errors.push(refuse(
            source,
            site,
            "an office document",
            "it cannot strip its properties (author, last editor, company) or be sure to read all its text, comments and notes (radcase reads them once it is allowed)",
        )),
        Format::Opaque(_) if allowed.is_some() => {}
        Format::Opaque(what) => out.errors.push(refuse(
            source,
            site,
            what,
            "radcase can neither read nor strip what is in it",
        )),
    }
    out
}

/// The first `limit` bytes of a file (None when it cannot be read: the copier reports that).
fn read_bounded(path: &Path, limit: u64) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(limit)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(bytes)
}

/// Text as it is written: UTF-8, UTF-16 with a byte order mark or without one, else Latin-1
/// (every byte is a character, so nothing is skipped).
pub(super) fn decode(bytes: &[u8]) -> String {
    let utf16 = |b: &[u8], le: bool| {
        let units = b.chunks_exact(2).map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect::<String>()
    };
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, false);
    }
    if let Some(le) = crate::source::utf16_without_bom(&bytes[..bytes.len().min(8192)]) {
        return utf16(bytes, le);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    }
}

static DATA_IMAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)data:\s*image/[a-z0-9.+-]+").unwrap());

/// A `data:` image inside a text file is published with whatever metadata it carries.
fn data_images(path: &Path, text: &str, site: &str) -> Vec<Diagnostic> {
    let lines = Lines::new(text);
    DATA_IMAGE
        .find_iter(text)
        .map(|m| {
            let (line, _) = lines.at(text, m.start());
            Diagnostic::in_file(
                path,
                format!(
                    "this file holds an image as a `{}` address, which is published as it is, with any EXIF or other metadata in it",
                    m.as_str().to_ascii_lowercase().replace(char::is_whitespace, "")
                ),
            )
            .at_line(line)
            .with_hint(format!(
                "save the image as a file of its own (radcase re-encodes it without metadata) and link to it; or allow the file in config.toml: [privacy] publish = [{{ path = \"{site}\", reason = \"…\" }}]"
            ))
        })
        .collect()
}

/// The text a file's markup puts together, beside the text as written: table cells under
/// their header, JSON and XML values after their key, SVG `<tspan>` and HTML cells joined.
fn reads(text: &str, markup: Markup, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    match markup {
        Markup::Html | Markup::Xml => {
            out.push(markup_text(text, false));
            out.extend(leaves(text));
        }
        Markup::Json => {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
                json(&v, "", &mut out);
            }
        }
        Markup::Table(sep) => table(text, sep, &mut out),
        Markup::Plain => {
            out.extend(key_values(text));
            if name.to_ascii_lowercase().ends_with(".hl7")
                || text.starts_with("MSH|")
                || text.contains("\nPID|")
                || text.contains("\rPID|")
            {
                out.extend(hl7(text));
            }
        }
    }
    out
}

/// `patientName`, `patient_name`, `dc:creator` → `patient Name`, `patient name`, `creator`.
fn words(key: &str) -> String {
    let key = key.rsplit(':').next().unwrap_or(key);
    let mut out = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if c.is_uppercase() && prev_lower {
            out.push(' ');
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        out.push(if matches!(c, '_' | '-' | '.') { ' ' } else { c });
    }
    out
}

/// Text of HTML or XML: tags out, entities decoded; a cell ends with ": " so the next cell reads
/// as its value, a block ends a line, an SVG `<tspan>` and other tags are a space, inline HTML
/// tags nothing. `office`: runs of a word processor are inline (`<w:t>`), paragraphs lines.
fn markup_text(text: &str, office: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(lt) = rest.find('<') {
        out.push_str(&entities(&rest[..lt]));
        let after = &rest[lt..];
        if let Some(body) = after.strip_prefix("<!--") {
            // Comments are published too: read as text.
            let end = body.find("-->").unwrap_or(body.len());
            out.push_str(&body[..end]);
            out.push('\n');
            rest = body.get(end + 3..).unwrap_or("");
            continue;
        }
        let Some(gt) = after.find('>') else {
            out.push_str(after);
            break;
        };
        let tag = &after[1..gt];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_alphanumeric() || matches!(c, ':' | '-' | '_'))
            .collect::<String>()
            .to_ascii_lowercase();
        let local = name.rsplit(':').next().unwrap_or(&name);
        let sep = match local {
            "td" | "th" | "tc" if closing => ": ",
            "td" | "th" | "tc" => "",
            "tr" | "p" | "div" | "li" | "br" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "text"
            | "title" | "desc" | "caption" | "si" | "row" | "dt" | "dd" => "\n",
            "b" | "i" | "em" | "strong" | "span" | "a" | "u" | "small" | "sup" | "sub" | "mark"
            | "abbr" | "code" | "r" | "t" => "",
            "tab" => " ",
            _ if office => "",
            _ => " ",
        };
        out.push_str(sep);
        rest = &after[gt + 1..];
    }
    out.push_str(&entities(rest));
    out
}

/// The five XML entities, `&nbsp;` and numeric references.
fn entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let named = end.and_then(|e| {
            let name = &after[..e];
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                _ => {
                    let n = name.strip_prefix('#')?;
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(h) => u32::from_str_radix(h, 16).ok()?,
                        None => n.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, e))
        });
        match named {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

static LEAF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<([A-Za-z_][\w:.-]*)(?:\s[^<>]*)?>([^<>]{1,500})</([A-Za-z_][\w:.-]*)>").unwrap()
});

/// XML elements holding only text, read with their name: `<PatientName>` → `Patient Name: …`.
fn leaves(text: &str) -> Vec<String> {
    LEAF.captures_iter(text)
        .filter(|c| c[1] == c[3])
        .map(|c| format!("{}: {}", words(&c[1]), entities(c[2].trim())))
        .collect()
}

fn json(v: &serde_json::Value, key: &str, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                json(v, k, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| json(v, key, out)),
        serde_json::Value::String(s) => out.push(format!("{}: {s}", words(key))),
        serde_json::Value::Number(n) => out.push(format!("{}: {n}", words(key))),
        _ => {}
    }
}

/// Rows of comma- or tab-separated values (quotes understood), each cell under its header.
fn table(text: &str, sep: u8, out: &mut Vec<String>) {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            '"' if quoted => quoted = false,
            '"' if cell.trim().is_empty() => quoted = true,
            c if !quoted && c == sep as char => row.push(std::mem::take(&mut cell)),
            '\n' if !quoted => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            '\r' if !quoted => {}
            c => cell.push(c),
        }
    }
    row.push(cell);
    rows.push(row);
    let Some(header) = rows.first() else {
        return;
    };
    for r in &rows[1..] {
        for (i, value) in r.iter().enumerate() {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match header.get(i).map(|h| h.trim()).filter(|h| !h.is_empty()) {
                Some(h) => out.push(format!("{}: {value}", words(h))),
                None => out.push(value.to_string()),
            }
        }
    }
    // A label in one cell and its value in the next, on one row.
    for r in &rows {
        out.push(r.join(": "));
    }
}

static KEY_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t-]*[\x22']?([A-Za-z][\w.-]{0,60})[\x22']?[ \t]*[:=][ \t]*(.+)$").unwrap()
});

/// `patient_name: …` and `patientName = …` lines (YAML, TOML, INI) with their key as words.
fn key_values(text: &str) -> Vec<String> {
    KEY_VALUE
        .captures_iter(text)
        .filter(|c| c[1].contains(['_', '-', '.']) || c[1].chars().skip(1).any(char::is_uppercase))
        .map(|c| {
            format!(
                "{}: {}",
                words(&c[1]),
                c[2].trim().trim_matches(['"', '\''])
            )
        })
        .collect()
}

/// An HL7 v2 message's PID segment, read as labels: PID-3 the patient's identifiers, PID-5 the
/// name, PID-7 the date of birth, PID-11 the address, PID-13 the phone, PID-19 the SSN.
fn hl7(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for seg in text.split(['\r', '\n']) {
        let Some(rest) = seg.strip_prefix("PID|") else {
            continue;
        };
        let f: Vec<&str> = rest.split('|').collect();
        let field = |n: usize| f.get(n - 1).copied().unwrap_or("").trim();
        let comp = |s: &str| -> Vec<String> {
            s.split('~')
                .next()
                .unwrap_or("")
                .split('^')
                .map(str::to_string)
                .collect()
        };
        for id in [field(2), field(3), field(4)] {
            if let Some(first) = comp(id).first().filter(|s| !s.is_empty()) {
                out.push(format!("MRN: {first}"));
            }
        }
        let name = comp(field(5));
        if name.first().is_some_and(|s| !s.is_empty()) {
            out.push(format!(
                "Name: {}, {}",
                name[0],
                name.get(1).map_or("", String::as_str)
            ));
        }
        let dob = field(7);
        if dob.len() >= 8 && dob[..8].chars().all(|c| c.is_ascii_digit()) {
            out.push(format!("DOB: {}-{}-{}", &dob[..4], &dob[4..6], &dob[6..8]));
        }
        if !field(11).is_empty() {
            out.push(field(11).replace('^', ", "));
        }
        if !field(13).is_empty() {
            out.push(format!("phone: {}", comp(field(13))[0]));
        }
        if !field(19).is_empty() {
            out.push(format!("SSN {}", field(19)));
        }
    }
    out
}

/// The site's own details are not a patient's (as in the Markdown scan).
fn is_exempt(matched: &str, exempt: &[String]) -> bool {
    exempt.iter().any(|e| e.contains(matched.trim()))
}

/// Findings in a text file: in the text as written (at their line and column), then in what
/// its markup puts together, placed where the identifier is written (else on line 1).
fn text_findings(path: &Path, text: &str, reads: &[String], exempt: &[String]) -> Vec<Finding> {
    let lines = Lines::new(text);
    let mut out: Vec<Finding> = Vec::new();
    let mut add = |scanned: &str, offset_of: &dyn Fn(&rules::Hit) -> usize, context: bool| {
        for hit in rules::find(scanned) {
            if is_exempt(&scanned[hit.span.clone()], exempt) {
                continue;
            }
            let id = scanned[hit.id.clone()].to_string();
            if out.iter().any(|f| f.rule.id == hit.rule.id && f.id == id) {
                continue;
            }
            let (line, column) = lines.at(text, offset_of(&hit));
            let written = lines.text(text, line).to_string();
            out.push(Finding {
                path: path.to_path_buf(),
                shown: path.to_path_buf(),
                line: Some(line),
                column: Some(column),
                rule: hit.rule,
                masked: rules::mask(scanned, &hit),
                id,
                context: if context {
                    format!("{written}\n{scanned}")
                } else {
                    written
                },
                draft: false,
            });
        }
    };
    add(text, &|h| h.span.start, false);
    for read in reads {
        let at = |h: &rules::Hit| text.find(&read[h.id.clone()]).unwrap_or(0);
        add(read, &at, true);
    }
    out
}

/// Findings in a document's metadata and text: there is no line to show.
fn doc_findings(path: &Path, reads: &[String], exempt: &[String]) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for read in reads {
        for hit in rules::find(read) {
            if is_exempt(&read[hit.span.clone()], exempt) {
                continue;
            }
            let id = read[hit.id.clone()].to_string();
            if out.iter().any(|f| f.rule.id == hit.rule.id && f.id == id) {
                continue;
            }
            out.push(Finding {
                path: path.to_path_buf(),
                shown: path.to_path_buf(),
                line: None,
                column: None,
                rule: hit.rule,
                masked: rules::mask(read, &hit),
                id,
                context: read.clone(),
                draft: false,
            });
        }
    }
    out
}

const PDF_KEYS: &[&str] = &[
    "Author", "Title", "Subject", "Keywords", "Creator", "Producer",
];

/// What a PDF says of itself: its Info dictionary (the author read as a name), its XMP, and
/// the text its pages show, in the file as it is and in its Flate-compressed streams (inflated
/// up to [`DOC_LIMIT`] in all). Streams under other filters and embedded files are not read.
fn pdf(bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for key in PDF_KEYS {
        let needle = format!("/{key}");
        let mut from = 0;
        while let Some(i) = find(&bytes[from..], needle.as_bytes()) {
            let at = from + i + needle.len();
            from = at;
            if bytes.get(at).is_some_and(|b| b.is_ascii_alphanumeric()) {
                continue;
            }
            if let Some(value) = pdf_string(&bytes[at..]) {
                if *key == "Author" {
                    out.push(format!("Name: {value}"));
                }
                out.push(format!("{key}: {value}"));
            }
            if out.len() > 1000 {
                return out;
            }
        }
    }
    let mut from = 0;
    while let Some(i) = find(&bytes[from..], b"<x:xmpmeta") {
        let start = from + i;
        let end = find(&bytes[start..], b"</x:xmpmeta>").map_or(bytes.len(), |e| start + e);
        let xmp = String::from_utf8_lossy(&bytes[start..end]);
        out.extend(creators(&xmp));
        out.push(markup_text(&xmp, false));
        out.extend(leaves(&xmp));
        from = end;
    }
    out.extend(shown_text(bytes));
    let mut budget = DOC_LIMIT;
    for stream in flate_streams(bytes, &mut budget) {
        out.extend(shown_text(&stream));
    }
    out
}

/// The strings a PDF content stream shows, each line of text (`Tj`, `'`, `"`, and a `TJ`
/// array's pieces joined, as they are printed side by side) one string.
fn shown_text(content: &[u8]) -> Option<String> {
    static SHOWN: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
        regex::bytes::Regex::new(
            r#"\[((?:[^\]\\]|\\.)*)\]\s*TJ|\(((?:[^()\\]|\\.){1,2000})\)\s*(?:Tj|'|")"#,
        )
        .unwrap()
    });
    static PIECE: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
        regex::bytes::Regex::new(r"\(((?:[^()\\]|\\.){0,2000})\)|<([0-9A-Fa-f\s]*)>").unwrap()
    });
    let shown: Vec<String> = SHOWN
        .captures_iter(content)
        .take(100_000)
        .filter_map(|c| match (c.get(1), c.get(2)) {
            (Some(array), _) => {
                let pieces: Vec<String> = PIECE
                    .find_iter(array.as_bytes())
                    .filter_map(|m| pdf_string(m.as_bytes()))
                    .collect();
                Some(pieces.concat())
            }
            (None, Some(one)) => pdf_string(&[b"(", one.as_bytes(), b")"].concat()),
            _ => None,
        })
        .collect();
    (!shown.is_empty()).then(|| shown.join(" "))
}

/// The inflated bytes of every stream whose dictionary names only `/FlateDecode`, counted
/// against `budget`.
fn flate_streams(bytes: &[u8], budget: &mut u64) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut from = 0;
    while *budget > 0 {
        let Some(i) = find(&bytes[from..], b"stream") else {
            break;
        };
        let at = from + i;
        from = at + 6;
        // `endstream` contains `stream`; a stream keyword follows its dictionary's `>>`.
        if at >= 3 && &bytes[at - 3..at] == b"end" {
            continue;
        }
        let dict_start = bytes[..at]
            .windows(2)
            .rposition(|w| w == b"<<")
            .unwrap_or(0);
        let dict = &bytes[dict_start..at];
        let flate = find(dict, b"/FlateDecode").is_some();
        let other = [
            &b"/LZWDecode"[..],
            b"/ASCII85Decode",
            b"/ASCIIHexDecode",
            b"/RunLengthDecode",
        ]
        .iter()
        .any(|f| find(dict, f).is_some());
        let mut start = from;
        if bytes.get(start) == Some(&b'\r') {
            start += 1;
        }
        if bytes.get(start) == Some(&b'\n') {
            start += 1;
        }
        let end =
            find(&bytes[start.min(bytes.len())..], b"endstream").map_or(bytes.len(), |e| start + e);
        if !flate || other || start >= end {
            continue;
        }
        let mut inflated = Vec::new();
        let _ = flate2::read::ZlibDecoder::new(&bytes[start..end])
            .take(*budget)
            .read_to_end(&mut inflated);
        *budget = budget.saturating_sub(inflated.len() as u64);
        out.push(inflated);
        from = end;
    }
    out
}

/// `<dc:creator>` (in XMP, ODF and office properties) and `cp:lastModifiedBy`, read as names.
fn creators(xml: &str) -> Vec<String> {
    static PEOPLE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?s)<((?:dc:creator|cp:lastModifiedBy|meta:initial-creator|Manager))(?:\s[^>]*)?>(.{0,2000}?)</").unwrap()
    });
    PEOPLE
        .captures_iter(xml)
        .map(|c| format!("Name: {}", markup_text(&c[2], false).trim()))
        .collect()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A PDF string object at the start of `b` (after spaces): `(literal)` or `<hex>`, decoded
/// from UTF-16 when it starts with a byte order mark, else read as Latin-1.
fn pdf_string(b: &[u8]) -> Option<String> {
    let start = b.iter().position(|c| !c.is_ascii_whitespace())?;
    let b = &b[start..];
    let mut raw = Vec::new();
    match b.first()? {
        b'(' => {
            let mut depth = 0usize;
            let mut i = 0;
            while i < b.len() && raw.len() < 65536 {
                let c = b[i];
                match c {
                    b'\\' => {
                        i += 1;
                        let Some(&e) = b.get(i) else { break };
                        match e {
                            b'n' => raw.push(b'\n'),
                            b'r' => raw.push(b'\r'),
                            b't' => raw.push(b'\t'),
                            b'0'..=b'7' => {
                                let mut v = 0u32;
                                let mut k = 0;
                                while k < 3 && b.get(i).is_some_and(|d| (b'0'..=b'7').contains(d)) {
                                    v = v * 8 + u32::from(b[i] - b'0');
                                    i += 1;
                                    k += 1;
                                }
                                raw.push(v as u8);
                                continue;
                            }
                            b'\n' | b'\r' => {}
                            e => raw.push(e),
                        }
                    }
                    b'(' => {
                        if depth > 0 {
                            raw.push(c);
                        }
                        depth += 1;
                    }
                    b')' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            break;
                        }
                        raw.push(c);
                    }
                    _ => raw.push(c),
                }
                i += 1;
            }
        }
        b'<' if b.get(1) != Some(&b'<') => {
            let end = b.iter().position(|&c| c == b'>')?;
            let hex: Vec<u8> = b[1..end]
                .iter()
                .copied()
                .filter(u8::is_ascii_hexdigit)
                .collect();
            for pair in hex.chunks(2) {
                let s = std::str::from_utf8(pair).ok()?;
                raw.push(u8::from_str_radix(&format!("{s:0<2}"), 16).ok()?);
            }
        }
        _ => return None,
    }
    Some(decode(&raw))
}

/// What an office file (a zip of XML: Word, Excel, PowerPoint, OpenDocument) says: its
/// properties (author and last editor read as names, company) and the text of every XML part
/// (body, comments, notes, shared strings). Bounded, and a damaged zip yields what could be read.
fn office(bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut budget = DOC_LIMIT;
    for (name, data) in zip_entries(bytes) {
        if !name.ends_with(".xml") && !name.ends_with(".rels") {
            continue;
        }
        let Some(xml) = inflate(data.0, data.1, &mut budget) else {
            continue;
        };
        let xml = decode(&xml);
        out.extend(creators(&xml));
        out.extend(leaves(&xml));
        out.push(markup_text(&xml, true));
    }
    out
}

/// `(name, (method, compressed bytes))` of each entry of a zip's central directory.
fn zip_entries(b: &[u8]) -> Vec<(String, (u16, &[u8]))> {
    let u16_at = |i: usize| b.get(i..i + 2).map(|s| u16::from_le_bytes([s[0], s[1]]));
    let u32_at = |i: usize| {
        b.get(i..i + 4)
            .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
    };
    let mut out = Vec::new();
    let tail = b.len().saturating_sub(65_557);
    let Some(eocd) = (tail..b.len().saturating_sub(21))
        .rev()
        .find(|&i| b.get(i..i + 4) == Some(b"PK\x05\x06"))
    else {
        return out;
    };
    let (Some(count), Some(mut at)) = (u16_at(eocd + 10), u32_at(eocd + 16)) else {
        return out;
    };
    for _ in 0..usize::from(count).min(ZIP_ENTRIES) {
        if b.get(at..at + 4) != Some(b"PK\x01\x02") {
            break;
        }
        let (Some(method), Some(size), Some(n), Some(x), Some(c), Some(local)) = (
            u16_at(at + 10),
            u32_at(at + 20),
            u16_at(at + 28),
            u16_at(at + 30),
            u16_at(at + 32),
            u32_at(at + 42),
        ) else {
            break;
        };
        let name = b
            .get(at + 46..at + 46 + usize::from(n))
            .map(|s| String::from_utf8_lossy(s).into_owned());
        at += 46 + usize::from(n) + usize::from(x) + usize::from(c);
        let data = (|| {
            if b.get(local..local + 4)? != b"PK\x03\x04" {
                return None;
            }
            let start =
                local + 30 + usize::from(u16_at(local + 26)?) + usize::from(u16_at(local + 28)?);
            b.get(start..start.checked_add(size)?)
        })();
        if let (Some(name), Some(data)) = (name, data) {
            out.push((name, (method, data)));
        }
    }
    out
}

/// An entry's bytes, stored or deflated, counted against `budget`.
fn inflate(method: u16, data: &[u8], budget: &mut u64) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    match method {
        0 => out.extend_from_slice(data.get(..data.len().min(*budget as usize))?),
        8 => {
            let _ = flate2::read::DeflateDecoder::new(data)
                .take(*budget)
                .read_to_end(&mut out);
        }
        _ => return None,
    }
    *budget = budget.saturating_sub(out.len() as u64);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_puts_labels_and_values_together() {
        let svg = "<svg><text><tspan>MRN:</tspan><tspan x=\"9\">4455667</tspan></text></svg>";
        let read = markup_text(svg, false);
        assert!(
            read.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .contains("MRN: 4455667")
        );
        let html = "<table><tr><th>Patient name</th><td>Smith, John</td></tr></table>";
        assert!(markup_text(html, false).contains("Patient name: Smith, John"));
        let mut out = Vec::new();
        table("Patient name,age\nJohn Smith,40\n", b',', &mut out);
        assert!(
            out.contains(&"Patient name: John Smith".to_string()),
            "{out:?}"
        );
        assert_eq!(words("patientName"), "patient Name");
        assert_eq!(entities("a&amp;b&#65;&#x42;&bogus"), "a&bAB&bogus");
    }

    #[test]
    fn text_is_decoded_whatever_its_encoding() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("MRN é".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&le), "MRN é");
        let be: Vec<u8> = "MRN".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode(&be), "MRN");
        assert_eq!(decode(b"caf\xe9"), "café");
    }

    #[test]
    fn pdf_strings_and_corrupt_input() {
        assert_eq!(pdf_string(b" (Jane \\(J\\) Doe)").unwrap(), "Jane (J) Doe");
        assert_eq!(pdf_string(b"<4A6F>").unwrap(), "Jo");
        assert!(pdf_string(b"<<").is_none());
        let info = pdf(b"%PDF-1.4\n1 0 obj << /Author (John Smith) /Title <FEFF004D> >>");
        assert!(info.contains(&"Name: John Smith".to_string()), "{info:?}");
        assert!(info.contains(&"Title: M".to_string()), "{info:?}");
        // Truncated and garbage input reads as nothing, never a panic.
        for junk in [
            &b"PK\x05\x06"[..],
            b"PK\x03\x04\xff\xff",
            b"(((",
            b"/Author (",
            b"",
        ] {
            let _ = pdf(junk);
            let _ = office(junk);
        }
        let mut fake = vec![0u8; 30];
        fake.extend_from_slice(
            b"PK\x05\x06\0\0\0\0\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\0\0",
        );
        assert!(office(&fake).is_empty());
    }

    /// A PDF whose one page shows `content` in a Flate-compressed stream.
    fn compressed_pdf(content: &str) -> Vec<u8> {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(content.as_bytes()).unwrap();
        let data = z.finish().unwrap();
        let mut pdf = format!(
            "%PDF-1.4\n4 0 obj\n<< /Length {} /Filter /FlateDecode >>\nstream\n",
            data.len()
        )
        .into_bytes();
        pdf.extend(data);
        pdf.extend_from_slice(b"\nendstream\nendobj\n%%EOF\n");
        pdf
    }

    #[test]
    fn text_in_compressed_pdf_streams_is_read_in_every_way_it_is_shown() {
        for (content, want) in [
            (
                "BT /F1 12 Tf 72 700 Td (MRN: 4455604) Tj ET",
                "MRN: 4455604",
            ),
            ("BT [(MR) -20 (N: 44) 10 (55604)] TJ ET", "MRN: 4455604"),
            ("BT (Patient: John Smith) ' ET", "Patient: John Smith"),
            ("BT [<4D524E> (: 4455604)] TJ ET", "MRN: 4455604"),
        ] {
            let read = pdf(&compressed_pdf(content)).join(" ");
            assert!(read.contains(want), "{content}: {read:?}");
        }
        // Uncompressed page text too; and a stream under another filter is not inflated.
        let plain = pdf(b"%PDF-1.4\nstream\nBT [(Jo) 5 (hn)] TJ ET\nendstream");
        assert!(plain.join(" ").contains("John"), "{plain:?}");
        let mut lzw = compressed_pdf("(MRN: 4455604) Tj");
        let at = find(&lzw, b"/FlateDecode").unwrap();
        lzw.splice(at..at, b"/LZWDecode ".iter().copied());
        assert!(!pdf(&lzw).join(" ").contains("4455604"));
        // A truncated stream reads what it can, never panics.
        let full = compressed_pdf("(MRN: 4455604) Tj");
        for cut in [10, full.len() / 2, full.len() - 12] {
            let _ = pdf(&full[..cut]);
        }
    }
}
