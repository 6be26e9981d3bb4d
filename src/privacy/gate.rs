//! The output gate: every text radcase is about to publish passes the same rules as the
//! sources, whatever template, theme or Markdown made it.
//!
//! The source scan judges what authors wrote and gives the best file and line; the gate sees
//! what the site is made of in the end: a label a template puts before a front matter value
//! (`MRN: {{ page.extra.ref }}`), a label and a value that Markdown markup kept apart in the
//! source (`**MRN**: 1234567`), text in a site's own templates, comments and attributes. An
//! identifier that some rule already finds anywhere in the sources was judged there (reported,
//! acknowledged, or in a key the guard reads on purpose as the site's own); the gate reports
//! only what the output adds, mapped back to the page it belongs to when there is one.

use std::cell::RefCell;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use super::ack::{Ack, AckRef};
use super::context::{self, Context};
use super::finding::Finding;
use super::rules::{self, RuleId};
use crate::diagnostic::Diagnostic;

/// The Markdown file an output is made from, or that a list or feed quotes an identifier from.
#[derive(Clone, Copy)]
pub struct Source<'a> {
    pub path: &'a Path,
    /// Its text, to place a finding on a line.
    pub text: &'a str,
    pub acks: &'a [Ack],
    /// What its outputs are read as.
    pub context: Context,
    /// On a program page, its own details (see `scan::FileScan::own`).
    pub own: &'a [String],
}

/// The Markdown file a list or feed quotes an identifier from.
pub type Quoted<'a> = dyn Fn(&str) -> Option<Source<'a>> + 'a;

/// What the sources already say: the identifiers every rule finds in them, normalised.
#[derive(Debug, Default, Clone)]
pub struct Known {
    ids: HashSet<String>,
    /// Pairs of capitalised words shaped like a name: known to the bare-name rule only (a
    /// labelled name the sources hold this way is still a finding).
    names: HashSet<String>,
    dates: HashSet<(i32, u32, u32)>,
}

impl Known {
    /// Everything any rule finds in `text` (a whole source file, front matter and all).
    pub fn add_text(&mut self, text: &str) {
        for name in rules::name_shaped(text) {
            self.names.insert(normalise(name));
        }
        for hit in rules::find(text) {
            let id = &text[hit.id.clone()];
            self.ids.insert(normalise(id));
            if is_date_rule(hit.rule.id) {
                self.dates.extend(dates_in(id));
            }
        }
    }

    /// Feed everything the verdicts depend on into `hasher`, in a fixed order.
    pub fn fingerprint(&self, hasher: &mut blake3::Hasher) {
        let mut ids: Vec<&String> = self.ids.iter().collect();
        ids.sort_unstable();
        for id in ids {
            hasher.update(id.as_bytes()).update(b"\0");
        }
        let mut names: Vec<&String> = self.names.iter().collect();
        names.sort_unstable();
        for n in names {
            hasher.update(b"name:").update(n.as_bytes()).update(b"\0");
        }
        let mut dates: Vec<_> = self.dates.iter().collect();
        dates.sort_unstable();
        for (y, m, d) in dates {
            hasher.update(format!("{y}-{m}-{d};").as_bytes());
        }
    }

    pub fn extend(&mut self, other: &Known) {
        self.ids.extend(other.ids.iter().cloned());
        self.names.extend(other.names.iter().cloned());
        self.dates.extend(other.dates.iter().copied());
    }

    /// A page's own dates (`date`, `updated`): templates print them in every format.
    pub fn add_own_date(&mut self, year: i32, month: u32, day: u32) {
        self.dates.insert((year, month, day));
    }

    /// An event's own days, `first` to `last` (at most a year of them).
    pub fn add_own_days(&mut self, first: chrono::NaiveDate, last: chrono::NaiveDate) {
        use chrono::Datelike;
        for day in first.iter_days().take_while(|d| *d <= last).take(366) {
            self.add_own_date(day.year(), day.month(), day.day());
        }
    }

    pub(super) fn holds(&self, rule: RuleId, id: &str) -> bool {
        let n = normalise(id);
        if self.ids.contains(&n) || (rule == RuleId::PersonName && self.names.contains(&n)) {
            return true;
        }
        // `protected_email` writes an address the sources hold as `jane (at) example.org`.
        if rule == RuleId::Email
            && context::spelled_out_email(id).is_some_and(|e| self.ids.contains(&normalise(&e)))
        {
            return true;
        }
        // A name read with or without the honorific before it is the same name.
        if rule == RuleId::PatientName
            && HONORIFICS.iter().any(|h| {
                n.strip_prefix(h)
                    .is_some_and(|rest| self.ids.contains(rest))
            })
        {
            return true;
        }
        // A template formats a page's date its own way (`2 December 2026` for `2026-12-02`).
        is_date_rule(rule) && {
            let dates = dates_in(id);
            !dates.is_empty() && dates.iter().any(|d| self.dates.contains(d))
        }
    }
}

/// Outputs the gate passed in earlier builds, kept in the cache folder: a warm build reads
/// no output twice. An entry is the hash of the output's path and text and of everything a
/// verdict depends on (what the sources say, the acknowledgements, the site's own details,
/// the rules' version), so any change there checks every output again.
pub struct Passed {
    file: Option<PathBuf>,
    old: HashSet<[u8; 32]>,
    new: Mutex<HashSet<[u8; 32]>>,
}

const PASSED: &str = "gate-v1.json";

impl Passed {
    pub fn open(dir: &Path) -> Passed {
        let file = dir.join(PASSED);
        let old = std::fs::read(&file)
            .ok()
            .and_then(|b| serde_json::from_slice::<Vec<String>>(&b).ok())
            .unwrap_or_default()
            .iter()
            .filter_map(|h| blake3::Hash::from_hex(h).ok())
            .map(|h| *h.as_bytes())
            .collect();
        Passed {
            file: Some(file),
            old,
            new: Mutex::new(HashSet::new()),
        }
    }

    fn holds(&self, key: &[u8; 32]) -> bool {
        self.old.contains(key) || self.new.lock().is_ok_and(|n| n.contains(key))
    }

    fn add(&self, key: [u8; 32]) {
        if let Ok(mut n) = self.new.lock() {
            n.insert(key);
        }
    }

    /// Keep what passed this run; after a run of only some outputs, what passed before too.
    /// Failing to write only costs checking again.
    pub fn save(&self, whole_site: bool) {
        let (Some(file), Ok(new)) = (&self.file, self.new.lock()) else {
            return;
        };
        let mut keep: Vec<String> = new
            .iter()
            .chain(self.old.iter().filter(|_| !whole_site))
            .map(|k| blake3::Hash::from_bytes(*k).to_hex().to_string())
            .collect();
        keep.sort_unstable();
        keep.dedup();
        let Ok(bytes) = serde_json::to_vec(&keep) else {
            return;
        };
        let tmp = file.with_extension(format!("tmp-{}", std::process::id()));
        if std::fs::write(&tmp, bytes).is_err() || std::fs::rename(&tmp, file).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// Check `text` unless an earlier build passed the same text under the same `fingerprint`.
pub fn check_cached(
    passed: &Passed,
    fingerprint: &blake3::Hash,
    output: &str,
    text: &str,
    run: impl FnOnce() -> Checked,
) -> Checked {
    let key = *blake3::Hasher::new()
        .update(fingerprint.as_bytes())
        .update(output.as_bytes())
        .update(b"\0")
        .update(text.as_bytes())
        .finalize()
        .as_bytes();
    if passed.holds(&key) {
        // Still in use: kept for the next build.
        passed.add(key);
        return Checked::default();
    }
    let checked = run();
    // An output that passed by an acknowledgement is read again next time: whether that
    // acknowledgement is still used is known only by reading it.
    if checked.leaks.is_empty() && checked.acked.is_empty() {
        passed.add(key);
    }
    checked
}

/// How an output is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    /// Feeds and sitemaps: XML whose text may hold escaped HTML.
    Xml,
    /// Anything else that is text (`robots.txt`, JSON).
    Text,
}

impl Format {
    pub fn of(path: &str) -> Format {
        let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        match ext.as_deref() {
            Some("html" | "htm") => Format::Html,
            Some("xml" | "rss" | "atom") => Format::Xml,
            _ => Format::Text,
        }
    }
}

/// One identifier an output adds to what its sources say.
#[derive(Debug, Clone)]
pub struct Leak {
    /// The published path (`cases/x/index.html`).
    pub output: String,
    /// The Markdown file the identifier comes from, when there is one.
    pub source: Option<PathBuf>,
    /// Whether `output` only quotes that file (a list, a feed) rather than being its page.
    pub quoted: bool,
    pub finding: Finding,
}

impl Leak {
    pub fn diagnostic(&self) -> Diagnostic {
        let f = &self.finding;
        let (file, place) = match &self.source {
            Some(path) => (
                path.clone(),
                format!("shows in the published {}", self.output),
            ),
            None => (
                PathBuf::from(&self.output),
                "in this published file, made by the templates".to_string(),
            ),
        };
        let mut d = Diagnostic::in_file(
            &file,
            format!(
                "privacy [{}]: {} `{}` {place}",
                f.rule.name, f.rule.what, f.masked
            ),
        );
        if let Some(line) = f.line {
            d = d.at(line, f.column.unwrap_or(1));
        }
        let ack = match &self.source {
            Some(_) => format!(
                "The sources do not show it this way: a template, a label next to a value or markup \
                 around a label made it. Remove it, or if it is not about a real person acknowledge it \
                 in this file's front matter: [[privacy.acknowledge]] with rule = \"{}\", text = the \
                 exact text, reason = why",
                f.rule.name
            ),
            None => "It is in text the templates or the theme write (a footer, a list, a feed): \
                     change the template or the config value it shows"
                .to_string(),
        };
        d.with_hint(format!("{}.\n{ack}", f.rule.fix))
    }
}

/// Check one output. `source` is the Markdown file it is made from (its text, to place a
/// finding on a line, its acknowledgements and context); `exempt` the site's own details from
/// `config.toml`; `base_url` the address the site is built for. The rules apply as on the
/// page (see [`context`]): a program page's outputs, and what a list quotes of one, are read
/// in program context.
pub fn check<'a>(
    output: &str,
    text: &str,
    known: &Known,
    source: Option<Source<'a>>,
    sources: &Quoted<'a>,
    exempt: &[String],
    base_url: &str,
) -> Checked {
    let readable = match Format::of(output) {
        Format::Html => html_text(text, false),
        Format::Xml => {
            // Entry content is HTML escaped inside XML: read the XML, then the HTML in it.
            let outer = html_text(text, true);
            html_text(&outer, false)
        }
        Format::Text => text.to_string(),
    };
    let mut leaks = Vec::new();
    let mut acked = Vec::new();
    let mut seen = HashSet::new();
    // Block by block: a name at the end of one block and a word starting the next are not
    // one name.
    let mut blocks = Vec::new();
    let mut at = 0;
    for line in readable.split('\n') {
        if !line.trim().is_empty() {
            blocks.push((at, line));
        }
        at += line.len() + 1;
    }
    let own_of = |s: Option<&Source>| {
        let mut own = exempt.to_vec();
        own.extend(s.iter().flat_map(|s| s.own.iter().cloned()));
        own
    };
    let page_context = source.map_or(Context::Case, |s| s.context);
    let page_own = own_of(source.as_ref());
    let hits = blocks.iter().flat_map(|&(start, line)| {
        let found = match page_context {
            Context::Case => rules::find(line),
            Context::Program => context::find(line, Context::Program, &page_own),
        };
        found.into_iter().map(move |mut h| {
            h.span = h.span.start + start..h.span.end + start;
            h.id = h.id.start + start..h.id.end + start;
            h
        })
    });
    for hit in hits {
        let id = &readable[hit.id.clone()];
        if hit.rule.is_pixel_rule() || known.holds(hit.rule.id, id) {
            continue;
        }
        // The site's own contact details from `config.toml`, as the source scan takes them,
        // and the address it is built for (in every permalink).
        if (context::SITE_DETAILS.contains(&hit.rule.id) && context::is_exempt(id, exempt))
            || base_url.contains(id.trim())
        {
            continue;
        }
        if !seen.insert((hit.rule.id, normalise(id))) {
            continue;
        }
        let context = line_around(&readable, hit.span.start);
        // A list or a feed quotes its pages: what it shows of one belongs to that page.
        let quoted = source.is_none();
        let source = source.or_else(|| sources(id.trim()));
        // What a list or feed quotes of a program page is read as on that page.
        if quoted
            && let Some(s) = source
            && s.context == Context::Program
            && !context::applies_on_program(&readable, &hit, &own_of(Some(&s)))
        {
            continue;
        }
        let (path, line, column) = match source {
            Some(s) => {
                let place = find_line(s.text, id);
                (s.path.to_path_buf(), place.map(|p| p.0), place.map(|p| p.1))
            }
            None => (PathBuf::from(output), None, None),
        };
        let finding = Finding {
            shown: path.clone(),
            path,
            line,
            column,
            rule: hit.rule,
            masked: rules::mask(&readable, &hit),
            id: id.to_string(),
            context: context.to_string(),
            draft: false,
        };
        if let Some(s) = source
            && let Some(a) = s.acks.iter().find(|a| a.covers(&finding))
        {
            acked.push(a.id());
            continue;
        }
        leaks.push(Leak {
            output: output.to_string(),
            source: source.map(|s| s.path.to_path_buf()),
            quoted,
            finding,
        });
    }
    Checked { leaks, acked }
}

/// What the gate found in one output, and the acknowledgements that let it pass.
#[derive(Debug, Default)]
pub struct Checked {
    pub leaks: Vec<Leak>,
    pub acked: Vec<AckRef>,
}

/// The leaks of a run as errors: one per identifier and page. An identifier a page adds shows
/// on the lists and feeds that quote the page too; it is reported once, on the page.
pub fn report(mut leaks: Vec<Leak>) -> Vec<Diagnostic> {
    leaks.sort_by(|a, b| {
        let key = |l: &Leak| {
            (
                l.source.is_none(),
                l.source.clone(),
                l.quoted,
                l.output.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    let mut seen = HashSet::new();
    let mut sourced = HashSet::new();
    leaks
        .iter()
        .filter(|l| {
            let id = (l.finding.rule.id, normalise(&l.finding.id));
            if l.source.is_some() {
                sourced.insert(id.clone());
                seen.insert((id, l.source.clone()))
            } else {
                !sourced.contains(&id) && seen.insert((id, None))
            }
        })
        .map(Leak::diagnostic)
        .collect()
}

fn is_date_rule(rule: RuleId) -> bool {
    matches!(rule, RuleId::FullDate | RuleId::Dob)
}

/// Letters and digits only, lower case: `(555) 123-4567` and `555.123.4567` are one number.
fn normalise(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

const HONORIFICS: &[&str] = &["mrs", "mr", "ms", "miss", "mx", "dr", "prof"];

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// The first calendar day a date written in any common form can mean (a front matter value:
/// `2026-10-17`, `2026-10-17T09:00:00-04:00`).
pub fn first_day(s: &str) -> Option<chrono::NaiveDate> {
    dates_in(s)
        .into_iter()
        .find_map(|(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d))
}

/// The calendar days a date written in any common form can mean (`3/4/2023` is two).
fn dates_in(s: &str) -> Vec<(i32, u32, u32)> {
    let mut numbers: Vec<&str> = Vec::new();
    let mut month_name = None;
    for token in s.split(|c: char| !c.is_alphanumeric()) {
        if token.is_empty() {
            continue;
        }
        let digits: String = token.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            numbers.push(&token[..digits.len()]);
        } else {
            let lower = token.to_ascii_lowercase();
            if let Some(m) = MONTHS.iter().position(|m| lower.starts_with(m)) {
                month_name = Some(m as u32 + 1);
            }
        }
    }
    let mut out = Vec::new();
    let mut push = |y: i32, m: u32, d: u32| {
        if (1..=12).contains(&m) && (1..=31).contains(&d) {
            out.push((y, m, d));
        }
    };
    if let [one] = numbers.as_slice()
        && one.len() == 8
    {
        let n = |r: std::ops::Range<usize>| one[r].parse::<u32>().unwrap_or(0);
        push(n(0..4) as i32, n(4..6), n(6..8));
        return out;
    }
    let Some(yi) = numbers.iter().position(|n| n.len() == 4) else {
        return out;
    };
    let year: i32 = numbers[yi].parse().unwrap_or(0);
    let rest: Vec<u32> = numbers
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != yi)
        .filter_map(|(_, n)| n.parse().ok())
        .collect();
    match (month_name, rest.as_slice()) {
        (Some(m), [d, ..]) => push(year, m, *d),
        (None, [a, b, ..]) => {
            push(year, *a, *b);
            push(year, *b, *a);
        }
        _ => {}
    }
    out
}

fn line_around(text: &str, at: usize) -> &str {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    &text[start..end]
}

/// 1-based line and column of the first place `id` is written in `src`, if it is.
fn find_line(src: &str, id: &str) -> Option<(usize, usize)> {
    let at = src.find(id.trim())?;
    let line = src[..at].matches('\n').count() + 1;
    let line_start = src[..at].rfind('\n').map_or(0, |i| i + 1);
    Some((line, src[line_start..at].chars().count() + 1))
}

/// Elements whose text a reader sees as its own block: their ends separate text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "thead",
    "tbody",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "br",
    "hr",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "main",
    "aside",
    "dd",
    "dt",
    "dl",
    "figcaption",
    "figure",
    "blockquote",
    "pre",
    "title",
    "option",
    "summary",
    "details",
    "caption",
    "address",
    "label",
    "button",
    "form",
    "script",
    "style",
    "head",
    "body",
    "html",
    "item",
    "entry",
    "url",
    "channel",
    "feed",
];

/// Elements radcase writes machine dates into, in its own format.
const MACHINE_DATES: &[&str] = &[
    "time",
    "pubdate",
    "lastbuilddate",
    "updated",
    "published",
    "lastmod",
];

/// Attributes whose values a reader or a link preview shows.
const SHOWN_ATTRS: &[&str] = &[
    "alt",
    "title",
    "aria-label",
    "aria-description",
    "content",
    "placeholder",
    "value",
    "label",
    "summary",
    "download",
];

/// The text of an HTML (or XML) document as blocks, one per line: text of inline elements
/// runs together (so `<strong>MRN</strong>: 1` reads `MRN: 1`), table cells of a row share a
/// line, and attribute values a reader sees, comments and JSON-LD are lines of their own.
/// Text inside radcase's machine-date elements is left out (`<time>`, a feed's dates): the
/// page's own date, in the template's format. `xml` reads elements the way feeds write them.
fn html_text(doc: &str, xml: bool) -> String {
    struct Reader {
        out: RefCell<String>,
        skip: RefCell<usize>,
        raw: RefCell<Option<String>>,
        xml: bool,
    }
    impl TokenSink for Reader {
        type Handle = ();
        fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
            let mut out = self.out.borrow_mut();
            match token {
                Token::CharacterTokens(text) if *self.skip.borrow() == 0 => {
                    out.push_str(&text);
                }
                Token::CommentToken(text) => {
                    out.push('\n');
                    out.push_str(&text);
                    out.push('\n');
                }
                Token::TagToken(tag) => {
                    let name: &str = &tag.name;
                    let lower = name.to_ascii_lowercase();
                    let name = lower.rsplit(':').next().unwrap_or(&lower);
                    if MACHINE_DATES.contains(&name) {
                        let mut skip = self.skip.borrow_mut();
                        match tag.kind {
                            TagKind::StartTag if !tag.self_closing => *skip += 1,
                            TagKind::EndTag => *skip = skip.saturating_sub(1),
                            _ => {}
                        }
                    }
                    if tag.kind == TagKind::StartTag {
                        for a in &tag.attrs {
                            let attr: &str = &a.name.local;
                            if SHOWN_ATTRS.contains(&attr) || attr.starts_with("data-") {
                                out.push('\n');
                                out.push_str(&a.value);
                                out.push('\n');
                            }
                        }
                    }
                    if self.xml || BLOCKS.contains(&name) {
                        out.push('\n');
                    } else if matches!(name, "td" | "th") && tag.kind == TagKind::StartTag {
                        out.push(' ');
                    }
                    if tag.kind == TagKind::StartTag && !self.xml {
                        // Raw text is text a browser does not parse as tags; JSON-LD is read,
                        // the theme's own scripts and styles are not prose.
                        let ld = tag
                            .attrs
                            .iter()
                            .any(|a| &*a.name.local == "type" && a.value.contains("ld+json"));
                        *self.raw.borrow_mut() = ld.then(String::new);
                        return match name {
                            "script" if ld => TokenSinkResult::RawData(RawKind::ScriptData),
                            "script" => {
                                *self.skip.borrow_mut() += 1;
                                TokenSinkResult::RawData(RawKind::ScriptData)
                            }
                            "style" => {
                                *self.skip.borrow_mut() += 1;
                                TokenSinkResult::RawData(RawKind::Rawtext)
                            }
                            "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
                            _ => TokenSinkResult::Continue,
                        };
                    }
                    if tag.kind == TagKind::EndTag
                        && !self.xml
                        && matches!(name, "script" | "style")
                        && self.raw.borrow_mut().take().is_none()
                    {
                        let mut skip = self.skip.borrow_mut();
                        *skip = skip.saturating_sub(1);
                    }
                }
                _ => {}
            }
            TokenSinkResult::Continue
        }
    }
    let reader = Reader {
        out: RefCell::new(String::with_capacity(doc.len() / 2)),
        skip: RefCell::new(0),
        raw: RefCell::new(None),
        xml,
    };
    let tokenizer = Tokenizer::new(reader, TokenizerOpts::default());
    let input = BufferQueue::default();
    // CDATA sections are text in XML; the HTML tokenizer would take them for comments.
    let doc = if xml {
        std::borrow::Cow::Owned(doc.replace("<![CDATA[", "").replace("]]>", ""))
    } else {
        std::borrow::Cow::Borrowed(doc)
    };
    input.push_back(doc.as_ref().into());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.out.take()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markup_does_not_part_a_label_from_its_value() {
        let text = html_text("<p><strong>MRN</strong>: 4455667</p><p>next</p>", false);
        assert!(text.contains("MRN: 4455667"), "{text:?}");
        let text = html_text(
            "<table><tr><th>MRN</th><td>4455667</td></tr><tr><td>a</td></tr></table>",
            false,
        );
        assert!(text.contains(" MRN 4455667\n"), "{text:?}");
        assert!(!text.contains("4455667 a"), "rows are lines: {text:?}");
    }

    #[test]
    fn attributes_comments_and_json_ld_are_read_scripts_are_not() {
        let text = html_text(
            r#"<img alt="Jane Doe's CT"><!-- MRN 1 --><script type="application/ld+json">{"x":"LD"}</script><script>var code = "JS";</script><style>.s{}</style><p>after</p>"#,
            false,
        );
        for part in ["Jane Doe's CT", "MRN 1", "\"LD\"", "after"] {
            assert!(text.contains(part), "{part} in {text:?}");
        }
        assert!(!text.contains("JS") && !text.contains(".s{}"), "{text:?}");
    }

    #[test]
    fn machine_dates_are_left_out_and_escaped_html_in_feeds_is_read() {
        let text = html_text(
            r#"<p>Posted <time datetime="2026-12-02">2 December 2026</time> by me</p>"#,
            false,
        );
        assert!(!text.contains("December"), "{text:?}");
        assert!(text.contains("Posted"), "{text:?}");
        let feed = "<rss><item><pubDate>Wed, 02 Dec 2026 00:00:00 +0000</pubDate>\
                    <description>&lt;p&gt;&lt;b&gt;MRN&lt;/b&gt;: 4455667&lt;/p&gt;</description></item></rss>";
        let outer = html_text(feed, true);
        let text = html_text(&outer, false);
        assert!(text.contains("MRN: 4455667"), "{text:?}");
        assert!(!text.contains("Dec 2026"), "{text:?}");
    }

    #[test]
    fn a_date_is_the_same_day_in_any_form() {
        let iso = dates_in("2026-12-02");
        assert_eq!(iso, vec![(2026, 12, 2), (2026, 2, 12)]);
        for form in [
            "2 December 2026",
            "December 2, 2026",
            "02 Dec 2026",
            "20261202",
        ] {
            assert!(dates_in(form).contains(&(2026, 12, 2)), "{form}");
        }
        assert!(dates_in("12/02/2026").contains(&(2026, 12, 2)));
        assert!(dates_in("no date here").is_empty());
    }

    #[test]
    fn only_what_the_sources_do_not_already_say_is_reported() {
        let mut known = Known::default();
        known.add_text("+++\ntitle = \"x\"\ndate = 2026-12-02\n+++\nCall 555-123-4567.\n");
        let page = "<p>Published 2 December 2026.</p><p>Call (555) 123-4567.</p>\
                    <p><b>MRN</b>: 4455667</p>";
        let src = "+++\ntitle = \"x\"\n+++\nThe reference 4455667 is on the request.\n";
        let leaks = check(
            "cases/x/index.html",
            page,
            &known,
            Some(Source {
                path: Path::new("content/cases/x.md"),
                text: src,
                acks: &[],
                context: Context::Case,
                own: &[],
            }),
            &|_| None,
            &[],
            "https://example.org/",
        )
        .leaks;
        let names: Vec<&str> = leaks.iter().map(|l| l.finding.rule.name).collect();
        assert_eq!(names, vec!["mrn"], "{leaks:?}");
        assert_eq!(
            leaks[0].finding.line,
            Some(4),
            "placed on the line of its value"
        );
        let d = leaks[0].diagnostic().to_string();
        assert!(
            d.contains("cases/x/index.html") && !d.contains("4455667"),
            "{d}"
        );
    }

    #[test]
    fn an_address_the_sources_hold_is_theirs_with_at_and_dot_in_words() {
        let mut known = Known::default();
        known.add_text("[contact]\nemail = \"jo.reyes@lakeside.example.edu\"\n");
        let leaks = |page: &str| {
            check("index.html", page, &known, None, &|_| None, &[], "")
                .leaks
                .iter()
                .map(|l| l.finding.rule.name)
                .collect::<Vec<_>>()
        };
        for own in [
            "<p>jo.reyes (at) lakeside.example.edu</p>",
            "<p>jo.reyes [at] lakeside [dot] example [dot] edu</p>",
            "<p>Jo.Reyes AT lakeside.example.edu</p>",
        ] {
            assert_eq!(leaks(own), Vec::<&str>::new(), "{own}");
        }
        for other in [
            "<p>pat.doe (at) lakeside.example.edu</p>",
            "<p>jo.reyes (at) elsewhere.example.org</p>",
        ] {
            assert_eq!(leaks(other), vec!["email"], "{other}");
        }
    }

    fn leaks_of(page: &str, known: &Known, context: Context) -> Vec<&'static str> {
        let src = "+++\ntitle = \"Robin Hale\"\n+++\nOur registrar.\n";
        check(
            "people/robin/index.html",
            page,
            known,
            Some(Source {
                path: Path::new("content/people/robin/index.md"),
                text: src,
                acks: &[],
                context,
                own: &[],
            }),
            &|_| None,
            &[],
            "https://example.org/",
        )
        .leaks
        .iter()
        .map(|l| l.finding.rule.name)
        .collect()
    }

    #[test]
    fn a_program_pages_output_is_read_in_program_context() {
        let known = Known::default();
        let staff = "<p>Name: Robin Hale</p><p>Next open house Saturday, October 17, 2026.</p>";
        assert_eq!(
            leaks_of(staff, &known, Context::Program),
            Vec::<&str>::new()
        );
        assert_eq!(
            leaks_of(staff, &known, Context::Case),
            vec!["patient-name", "full-date"]
        );
        let patient = "<p>Patient: Robin Hale</p><p>MRN 4455667</p>";
        assert_eq!(
            leaks_of(patient, &known, Context::Program),
            vec!["patient-name", "mrn"]
        );
    }

    #[test]
    fn an_events_own_days_are_its_own_in_any_form() {
        let mut known = Known::default();
        let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 10, d).unwrap_or_default();
        known.add_own_days(day(17), day(18));
        let page = "<p>Sat 17 Oct 2026 to Sunday, October 18, 2026 (2026-10-18)</p>";
        let leaks = check("e/index.html", page, &known, None, &|_| None, &[], "").leaks;
        assert!(leaks.is_empty(), "{leaks:?}");
        let later = "<p>Then on October 19, 2026.</p>";
        let leaks = check("e/index.html", later, &known, None, &|_| None, &[], "").leaks;
        assert_eq!(leaks.len(), 1, "{leaks:?}");
    }
}
