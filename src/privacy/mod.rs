//! The privacy guard: nothing that identifies a patient is published.
//!
//! `rules` finds HIPAA Safe Harbor identifiers in text; `scan` reads the site's records (front
//! matter values and bodies, drafts included) and names, `files` the files published as they
//! are (by allow-list: text, fonts, and what `[privacy] publish` allows), and both turn hits into
//! [`Finding`]s with their file, line and column; `ack` decides which findings a page's
//! acknowledgements cover; `dicom` audits the headers of the DICOM files a case publishes;
//! `metadata` lists what will be stripped from source images; `pixels` turns the text the image
//! stage found in published pixels into findings. The guard reads the same source
//! list and records as the loader, so the two never disagree about what a file says; it
//! never writes anything.

pub mod ack;
pub mod context;
pub mod dicom;
mod files;
mod finding;
pub mod gate;
pub mod metadata;
mod names;
mod normalize;
mod pixels;
pub mod rules;
mod scan;

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Errors, Result};
use crate::front::keys::{self, Kind};
use crate::front::{Record, Value};
use crate::source::Sources;
pub use finding::Finding;
pub use metadata::ImageMetadata;
pub use pixels::{PixelVerdict, Searched};
pub use rules::RuleId;

/// What the guard found in a site.
#[derive(Debug, Default)]
pub struct Report {
    /// Findings no acknowledgement covers, sorted by file and place.
    pub findings: Vec<Finding>,
    /// Findings covered by an acknowledgement.
    pub acknowledged: usize,
    /// Acknowledgements that cover nothing (warnings): of files published as they are.
    pub stale: Vec<Diagnostic>,
    /// Acknowledgements of Markdown files that cover nothing the source scan found. The output
    /// gate may still need one (a template's text, a label and a value only the page puts
    /// side by side): a build reports those the gate did not use either.
    pub stale_acks: Vec<(ack::AckRef, Diagnostic)>,
    /// Acknowledgements naming an unknown rule (errors).
    pub errors: Vec<Diagnostic>,
    /// Markdown files read.
    pub files: usize,
}

impl Report {
    /// The guard's verdict for a build: any unacknowledged finding or malformed
    /// acknowledgement is an error; otherwise the warnings (stale acknowledgements).
    pub fn verdict(&self) -> Result<Vec<Diagnostic>> {
        if self.findings.is_empty() && self.errors.is_empty() {
            let mut all = self.stale.clone();
            all.extend(self.stale_acks.iter().map(|(_, d)| d.clone()));
            return Ok(all);
        }
        let mut errors = self.errors.clone();
        errors.extend(self.findings.iter().map(Finding::diagnostic));
        Err(Errors::new(errors))
    }
}

/// The scans of a site, kept so that `serve` can scan an edited page again and report on the
/// whole site without reading the rest.
#[derive(Clone)]
pub struct Scans {
    /// One per Markdown file; shared between the pipelines of successive `serve` rebuilds.
    files: Vec<Arc<scan::FileScan>>,
    /// Findings in names and text files (which only a bundle's `index.md` can acknowledge).
    names: Vec<Finding>,
    /// The site's own details from `config.toml`, never taken for a patient's.
    exempt: Vec<String>,
    /// Files refused, and `[privacy] publish` entries that match nothing.
    file_errors: Vec<Diagnostic>,
    file_warnings: Vec<Diagnostic>,
    /// What every rule finds in each Markdown file, for the output gate.
    known: Vec<(PathBuf, Arc<gate::Known>)>,
    /// The `page_kind` of each section, by its folder: what its pages are about.
    sections: HashMap<PathBuf, Option<Kind>>,
}

/// Each section's `page_kind`, by the folder of its `_index.md`.
fn section_kinds(records: &[Arc<Record>]) -> HashMap<PathBuf, Option<Kind>> {
    records
        .iter()
        .filter(|r| is_section(r))
        .filter_map(|r| {
            Some((
                r.path.parent()?.to_path_buf(),
                r.fields.kind(keys::PAGE_KIND),
            ))
        })
        .collect()
}

fn is_section(record: &Record) -> bool {
    record.path.file_name().is_some_and(|n| n == "_index.md")
}

/// What a record is about, as the loader decides a page's kind: its own `kind`, else the
/// `page_kind` of the nearest section above it, else a plain page. A section page is the
/// program's.
fn context_of(record: &Record, sections: &HashMap<PathBuf, Option<Kind>>) -> context::Context {
    use context::Context;
    if is_section(record) {
        return Context::Program;
    }
    if let Some(kind) = record.fields.kind(keys::KIND) {
        return Context::of_page(kind);
    }
    let bundle = record.path.file_name().is_some_and(|n| n == "index.md");
    let mut dir = record.path.parent();
    if bundle {
        dir = dir.and_then(|d| d.parent());
    }
    while let Some(d) = dir {
        if let Some(kind) = sections.get(d) {
            return Context::of_page(kind.unwrap_or(Kind::Page));
        }
        dir = d.parent();
    }
    Context::of_page(Kind::Page)
}

/// The context the output gate reads a record's outputs in: a section that lists cases shows
/// what its cases say, and is read as they are.
fn gate_context(record: &Record, scan: &scan::FileScan) -> context::Context {
    if is_section(record) && record.fields.kind(keys::PAGE_KIND) == Some(Kind::Case) {
        context::Context::Case
    } else {
        scan.context
    }
}

/// Scan every source of a site: its Markdown `records`, and the names and text files of
/// `sources`, in parallel.
pub fn scan(config: &Config, sources: &Sources, records: &[Arc<Record>]) -> Scans {
    let exempt = config_strings(config);
    let sections = section_kinds(records);
    let (files, names) = rayon::join(
        || {
            records
                .par_iter()
                .map(|r| Arc::new(scan_record(r, sources, &exempt, &sections)))
                .collect::<Vec<_>>()
        },
        || {
            let names = scan::names(sources);
            let names = names.par_iter().flat_map_iter(|p| scan::name(p, &exempt));
            let found = files::scan(config, sources, &exempt);
            let mut names = names.collect::<Vec<_>>();
            names.extend(found.findings);
            (names, found.errors, found.stale)
        },
    );
    let (names, file_errors, file_warnings) = names;
    let known = records.par_iter().map(|r| known_in(r)).collect();
    Scans {
        files,
        names,
        exempt,
        file_errors,
        file_warnings,
        known,
        sections,
    }
}

fn scan_record(
    record: &Record,
    sources: &Sources,
    exempt: &[String],
    sections: &HashMap<PathBuf, Option<Kind>>,
) -> scan::FileScan {
    let mut scan = scan::record(record, sources, exempt, context_of(record, sections));
    scan.gate_context = gate_context(record, &scan);
    scan
}

fn known_in(record: &Record) -> (PathBuf, Arc<gate::Known>) {
    let mut known = gate::Known::default();
    known.add_text(record.text());
    // A person's Mastodon account, however written, is credited on their pages as a handle.
    for handle in record
        .fields
        .links()
        .iter()
        .filter_map(crate::front::ProfileLink::fediverse_handle)
    {
        known.add_text(&handle);
    }
    for key in [keys::DATE, keys::UPDATED] {
        if let Some(d) = record.fields.date(key) {
            use chrono::Datelike;
            known.add_own_date(d.year(), d.month(), d.day());
        }
    }
    // An event's own days, from `start` to `end` as written (read from the front matter, so
    // that any form of date the key takes counts): templates print them in every format.
    if let Some(doc) = record.doc() {
        let written = |key: &keys::Key| {
            doc.tree
                .entries
                .iter()
                .find(|e| e.key == key.name)
                .and_then(|e| match &e.node.value {
                    Value::Str(s) | Value::Date(s) => gate::first_day(s),
                    _ => None,
                })
        };
        if let Some(start) = written(keys::START) {
            let end = written(keys::END).filter(|e| *e >= start).unwrap_or(start);
            known.add_own_days(start, end);
        }
    }
    (record.path.clone(), Arc::new(known))
}

impl Scans {
    /// Scan `records` again (pages edited in place: their names did not change).
    pub fn rescan(&mut self, sources: &Sources, records: &[&Record]) {
        for r in records {
            let scanned = Arc::new(scan_record(r, sources, &self.exempt, &self.sections));
            let fresh = known_in(r);
            match self.known.iter_mut().find(|k| k.0 == r.path) {
                Some(k) => *k = fresh,
                None => self.known.push(fresh),
            }
            match self.files.iter_mut().find(|f| f.path == r.path) {
                Some(f) => *f = scanned,
                None => self.files.push(scanned),
            }
        }
    }

    /// The output gate for this state of the sources (see [`gate`]).
    /// `base_url` is the address the site is built for (serve's own local address, or
    /// `--base-url`): it is in every permalink and is the site's, not a patient's.
    pub fn gate(&self, base_url: &str) -> Gate<'_> {
        let mut known = gate::Known::default();
        for (_, k) in &self.known {
            known.extend(k);
        }
        // Everything a verdict depends on besides the output itself.
        let mut hasher = blake3::Hasher::new();
        hasher.update(concat!("radcase-gate-", env!("CARGO_PKG_VERSION"), "\0").as_bytes());
        known.fingerprint(&mut hasher);
        for s in &self.exempt {
            hasher.update(s.as_bytes()).update(b"\0");
        }
        // What each page is about decides which rules apply to its outputs.
        for f in &self.files {
            hasher.update(f.path.as_os_str().as_encoded_bytes());
            hasher.update(format!("{:?}\0", f.gate_context).as_bytes());
            for o in &f.own {
                hasher.update(o.as_bytes()).update(b"\0");
            }
        }
        hasher.update(base_url.as_bytes()).update(b"\0");
        for f in &self.files {
            for a in &f.acks {
                hasher.update(f.path.as_os_str().as_encoded_bytes());
                hasher
                    .update(a.rule.name.as_bytes())
                    .update(a.text.as_bytes())
                    .update(b"\0");
            }
        }
        Gate {
            scans: self,
            known,
            base_url: base_url.to_string(),
            fingerprint: hasher.finalize(),
        }
    }

    /// Apply the acknowledgements and sort what is left.
    pub fn report(&self) -> Report {
        let files = &self.files;
        let mut report = Report {
            files: files.len(),
            ..Report::default()
        };
        let mut used: Vec<Vec<bool>> = files.iter().map(|f| vec![false; f.acks.len()]).collect();
        for (i, file) in files.iter().enumerate() {
            for finding in &file.findings {
                match file.acks.iter().position(|a| a.covers(finding)) {
                    Some(k) => {
                        used[i][k] = true;
                        report.acknowledged += 1;
                    }
                    None => report.findings.push(finding.clone()),
                }
            }
        }
        // A file name or text asset is covered by its own Markdown file's acknowledgements, or
        // its bundle's; a page's own date in its file or folder name is its publication date.
        for finding in &self.names {
            if finding.line.is_none()
                && finding.rule.id == RuleId::FullDate
                && is_own_date(files, finding)
            {
                continue;
            }
            let owner = files.iter().enumerate().find_map(|(i, f)| {
                let in_scope = f.path == finding.path
                    || f.bundle_dir
                        .as_ref()
                        .is_some_and(|d| finding.path.starts_with(d));
                let k = f.acks.iter().position(|a| a.covers(finding));
                in_scope.then_some(k.map(|k| (i, k))).flatten()
            });
            match owner {
                Some((i, k)) => {
                    used[i][k] = true;
                    report.acknowledged += 1;
                }
                None => report.findings.push(finding.clone()),
            }
        }
        for (i, file) in files.iter().enumerate() {
            report.errors.extend(file.errors.iter().cloned());
            for (k, ack) in file.acks.iter().enumerate() {
                // What the pixels say is known after the image stage, which reports these.
                if !used[i][k] && ack.rule.id != RuleId::TextInImage {
                    report.stale_acks.push((ack.id(), ack.stale()));
                }
            }
        }
        report.errors.extend(self.file_errors.iter().cloned());
        report.stale.extend(self.file_warnings.iter().cloned());
        mask_paths(&mut report.findings);
        report
            .findings
            .sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
        report
    }
}

/// Whether a date in a file or folder name is the `date` of the page it names
/// (`2024-05-02-welcome.md`, `content/posts/2024-05-02-welcome/`).
fn is_own_date(files: &[Arc<scan::FileScan>], finding: &Finding) -> bool {
    files.iter().any(|f| {
        let names_it = f.path == finding.path || f.bundle_dir.as_ref() == Some(&finding.path);
        names_it && f.date.as_deref().is_some_and(|d| finding.id.trim() == d)
    })
}

/// A folder whose name is a finding must not show in the paths printed for the files in it.
fn mask_paths(findings: &mut [Finding]) {
    let masked: HashMap<PathBuf, OsString> = findings
        .iter()
        .filter(|f| f.line.is_none())
        .filter_map(|f| Some((f.path.clone(), f.shown.file_name()?.to_os_string())))
        .collect();
    if masked.is_empty() {
        return;
    }
    for f in findings {
        let mut real = PathBuf::new();
        let mut shown = PathBuf::new();
        for c in f.path.components() {
            real.push(c);
            match masked.get(&real) {
                Some(name) => shown.push(name),
                None => shown.push(c),
            }
        }
        f.shown = shown;
    }
}

/// Checks the outputs of one run against everything the sources say.
pub struct Gate<'s> {
    scans: &'s Scans,
    known: gate::Known,
    base_url: String,
    fingerprint: blake3::Hash,
}

impl Gate<'_> {
    /// What `text`, published at `output`, adds to the sources. `source` is the Markdown file
    /// it is made from, when there is one; `texts` the text of every Markdown file by path.
    pub fn check(
        &self,
        output: &str,
        text: &str,
        source: Option<&std::path::Path>,
        texts: &HashMap<&std::path::Path, &str>,
        passed: &gate::Passed,
    ) -> gate::Checked {
        gate::check_cached(passed, &self.fingerprint, output, text, || {
            self.check_now(output, text, source, texts)
        })
    }

    fn check_now(
        &self,
        output: &str,
        text: &str,
        source: Option<&std::path::Path>,
        texts: &HashMap<&std::path::Path, &str>,
    ) -> gate::Checked {
        let with_acks = |path: &std::path::Path| {
            let (path, text) = texts.get_key_value(path)?;
            let scan = self.scans.files.iter().find(|f| f.path == *path);
            Some(gate::Source {
                path,
                text,
                acks: scan.map_or(&[][..], |f| f.acks.as_slice()),
                context: scan.map_or(context::Context::Case, |f| f.gate_context),
                own: scan.map_or(&[][..], |f| f.own.as_slice()),
            })
        };
        let source = source.and_then(with_acks);
        let quoted = |id: &str| {
            let (path, _) = texts.iter().find(|(_, t)| t.contains(id))?;
            with_acks(path)
        };
        gate::check(
            output,
            text,
            &self.known,
            source,
            &quoted,
            &self.scans.exempt,
            &self.base_url,
        )
    }
}

/// Whether `[privacy] publish` in `config` names `source` (a file published as it is, or an
/// image whose pixels hold text).
pub fn publish_allows(config: &Config, source: &crate::source::Source) -> bool {
    let site = files::site_path(source, config.theme.as_deref());
    config.publish.iter().any(|a| a.matches(&site))
}

/// Every source image of the site (in `content/` and `static/`) that carries metadata, with
/// what it carries. Informational: a build strips all of it.
pub fn image_metadata(sources: &Sources) -> Vec<ImageMetadata> {
    let candidates: Vec<&crate::source::Source> = sources
        .files
        .iter()
        .filter(|s| scan::published(s.root))
        .filter(|s| s.kind.is_image() || s.kind == crate::source::FileKind::Dicom)
        .collect();
    candidates
        .par_iter()
        .filter_map(|s| metadata::read(&s.path, s.kind == crate::source::FileKind::Dicom))
        .collect()
}

/// Text of `config.toml` that names the site itself (its author, its `[contact]`, a contact
/// address in `[extra]`): the same text in a page is the site's, not a patient's.
fn config_strings(config: &Config) -> Vec<String> {
    fn walk(v: &toml::Value, out: &mut Vec<String>) {
        match v {
            toml::Value::String(s) => out.push(s.clone()),
            toml::Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            toml::Value::Table(t) => t.values().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let contact = &config.contact;
    let mut out: Vec<String> = [
        &config.author,
        &config.description,
        &contact.address,
        &contact.email,
        &contact.phone,
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect();
    out.extend(contact.social.values().cloned());
    out.push(config.title.clone());
    config.extra.values().for_each(|v| walk(v, &mut out));
    out
}

#[cfg(test)]
mod tests {
    use super::context::Context;
    use super::*;
    use crate::front::Scope;

    fn record(path: &str, text: &str) -> Arc<Record> {
        let scope = if path.ends_with("/_index.md") {
            Scope::Section
        } else {
            Scope::Page
        };
        Arc::new(Record::from_bytes(
            std::path::Path::new(path),
            text.as_bytes().to_vec(),
            scope,
            &[],
        ))
    }

    #[test]
    fn a_page_is_read_as_its_kind_its_section_says_or_a_plain_page() {
        let records = [
            record("/s/content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
            record(
                "/s/content/cases/_index.md",
                "+++\ntitle = \"Cases\"\npage_kind = \"case\"\n+++\n",
            ),
            record(
                "/s/content/people/_index.md",
                "+++\ntitle = \"People\"\npage_kind = \"person\"\n+++\n",
            ),
            record("/s/content/cases/a/index.md", "+++\ntitle = \"A\"\n+++\n"),
            record("/s/content/cases/2024/b.md", "+++\ntitle = \"B\"\n+++\n"),
            record(
                "/s/content/cases/c.md",
                "+++\ntitle = \"C\"\nkind = \"post\"\n+++\n",
            ),
            record(
                "/s/content/people/jo/index.md",
                "+++\ntitle = \"Jo\"\n+++\n",
            ),
            record("/s/content/about.md", "+++\ntitle = \"About\"\n+++\n"),
            record(
                "/s/content/notes/x.md",
                "+++\ntitle = \"X\"\nkind = \"case\"\n+++\n",
            ),
        ];
        let sections = section_kinds(&records);
        let got: Vec<Context> = records.iter().map(|r| context_of(r, &sections)).collect();
        use Context::{Case, Program};
        assert_eq!(
            got,
            vec![
                Program, Program, Program, Case, Case, Program, Program, Program, Case
            ]
        );
        let scan = scan::record(&records[1], &Sources::default(), &[], Program);
        assert_eq!(gate_context(&records[1], &scan), Case, "a list of cases");
    }

    #[test]
    fn an_events_own_days_are_known_to_the_gate_in_any_form() {
        let event = record(
            "/s/content/events/retreat/index.md",
            "+++\ntitle = \"Retreat\"\nkind = \"event\"\nstart = 2026-10-17T09:00:00-04:00\nend = 2026-10-19\n+++\n",
        );
        let (_, known) = known_in(&event);
        for shown in [
            "Saturday, 17 October 2026",
            "Oct 18, 2026",
            "20261018",
            "10/17/2026",
        ] {
            assert!(known.holds(RuleId::FullDate, shown), "{shown}");
        }
        assert!(!known.holds(RuleId::FullDate, "October 20, 2026"));
        assert!(!known.holds(RuleId::FullDate, "October 16, 2026"));
    }
}
