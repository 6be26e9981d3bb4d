//! Which rules apply where: a case is about a patient; the pages of a residency program
//! (people, events, posts, plain pages, section pages) are about the program.
//!
//! On a case every rule applies as `rules` finds it. On a program page the program's own text
//! is expected to hold dates, staff names and contact details, so [`TABLE`] says for each rule
//! whether it still applies there: strong identifiers (a record number, a birth date, an SSN…)
//! always; dates, names, addresses and links unless the text around them says they are a
//! patient's; phone numbers and e-mails only when they are the program's (the site's
//! `[contact]`, the page's own front matter, or written where a program writes its contact
//! details) and not a patient's. The words that decide are read in the sentence around the match.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::rules::{self, Hit, RuleId};
use crate::front::keys::Kind;

/// What a page is about, for the guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    /// A case or a playlist, and any text whose page is not known (a file name, a text file, a template, a
    /// file whose front matter does not parse): every rule applies.
    Case,
    /// A person, event, post or plain page, or a section page.
    Program,
}

impl Context {
    /// The context of a page of `kind` (its own `kind`, else its section's `page_kind`, else a
    /// plain page). A section page is [`Context::Program`].
    pub fn of_page(kind: Kind) -> Context {
        match kind {
            // A playlist's text introduces cases: it is read as a case's is.
            Kind::Case | Kind::Playlist => Context::Case,
            Kind::Post | Kind::Person | Kind::Event | Kind::Page => Context::Program,
        }
    }
}

/// How a rule applies on a program page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnProgram {
    /// Everywhere: it identifies a patient whatever page it is on.
    Always,
    /// Unless the sentence around it is not about a patient: an event's date, a staff name, the
    /// program's address pass; "the patient was scanned on 03/14/2026" does not.
    IfPatient,
    /// Only when it is not the program's: the site's `[contact]`, the page's own front matter,
    /// or written in a contact context ("call the program office at …"); a patient's
    /// (labelled so, or a relative's) always counts.
    UnlessProgramOwn,
}

/// One row of the rule table.
#[derive(Debug)]
pub struct Row {
    pub rule: RuleId,
    pub on_program: OnProgram,
}

/// Which rule applies in which context (a case: every rule, always).
pub static TABLE: &[Row] = &[
    row(RuleId::Mrn, OnProgram::Always),
    row(RuleId::Accession, OnProgram::Always),
    row(RuleId::Account, OnProgram::Always),
    row(RuleId::HealthNumber, OnProgram::Always),
    row(RuleId::HealthPlan, OnProgram::Always),
    row(RuleId::Ssn, OnProgram::Always),
    row(RuleId::Dob, OnProgram::Always),
    row(RuleId::FullDate, OnProgram::IfPatient),
    row(RuleId::AgeOver89, OnProgram::Always),
    row(RuleId::Phone, OnProgram::UnlessProgramOwn),
    row(RuleId::Email, OnProgram::UnlessProgramOwn),
    row(RuleId::IpAddress, OnProgram::Always),
    row(RuleId::MacAddress, OnProgram::Always),
    row(RuleId::StreetAddress, OnProgram::IfPatient),
    row(RuleId::Zip, OnProgram::IfPatient),
    row(RuleId::Coordinates, OnProgram::IfPatient),
    row(RuleId::Vehicle, OnProgram::Always),
    row(RuleId::Licence, OnProgram::Always),
    row(RuleId::DeviceId, OnProgram::Always),
    row(RuleId::Url, OnProgram::IfPatient),
    row(RuleId::Biometric, OnProgram::Always),
    row(RuleId::PatientName, OnProgram::IfPatient),
    row(RuleId::PersonName, OnProgram::IfPatient),
];

const fn row(rule: RuleId, on_program: OnProgram) -> Row {
    Row { rule, on_program }
}

/// How `rule` applies on a program page (a rule the table does not list applies always).
pub fn on_program(rule: RuleId) -> OnProgram {
    TABLE
        .iter()
        .find(|r| r.rule == rule)
        .map_or(OnProgram::Always, |r| r.on_program)
}

/// The identifiers in `text` on a page of `context`. `own` is what is the program's: the
/// site's details from `config.toml` and, on a program page, the page's own front matter.
/// In case context this is [`rules::find`] less the site's own contact details.
pub fn find(text: &str, context: Context, own: &[String]) -> Vec<Hit> {
    find_where(text, context, own, |_| true)
}

/// [`find`], keeping only the hits `keep` accepts.
pub fn find_where(
    text: &str,
    context: Context,
    own: &[String],
    keep: impl Fn(&Hit) -> bool,
) -> Vec<Hit> {
    let site_own =
        |hit: &Hit| SITE_DETAILS.contains(&hit.rule.id) && is_exempt(&text[hit.span.clone()], own);
    match context {
        Context::Case => rules::find(text)
            .into_iter()
            .filter(|h| keep(h) && !site_own(h))
            .collect(),
        Context::Program => {
            let kept = rules::candidates(text)
                .into_iter()
                .filter(|(_, h)| keep(h) && applies_on_program(text, h, own))
                .collect();
            rules::without_overlaps(kept)
        }
    }
}

/// Rules whose match inside the site's own `config.toml` text makes it the site's: contact
/// details. A record number, a date of birth or an age never belongs to the site.
pub(super) const SITE_DETAILS: &[RuleId] = &[
    RuleId::Email,
    RuleId::Phone,
    RuleId::StreetAddress,
    RuleId::Zip,
    RuleId::PatientName,
    RuleId::Url,
    RuleId::Coordinates,
];

/// The site's own details in `config.toml` are not a patient's: a match found inside one of
/// them is not reported (on any page).
pub(super) fn is_exempt(matched: &str, exempt: &[String]) -> bool {
    let written = spelled_out_email(matched);
    let matched = written.as_deref().unwrap_or(matched).trim();
    exempt.iter().any(|e| e.contains(matched))
}

/// An e-mail address with its `at` and `dot` spelt out as words (`jane (at) example [dot] org`,
/// as `protected_email` shows one without CSS) written with `@` and `.`; `None` when `id` is
/// not written so.
pub(super) fn spelled_out_email(id: &str) -> Option<String> {
    static WORDS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)[\s(\[{<]*\b(at|dot)\b[\s)\]}>]*").expect("a valid pattern")
    });
    if id.contains('@') {
        return None;
    }
    let written = WORDS.replace_all(id, |c: &regex::Captures| {
        if c[1].eq_ignore_ascii_case("at") {
            "@"
        } else {
            "."
        }
    });
    (written.matches('@').count() == 1).then(|| written.into_owned())
}

/// Whether a hit on a program page is still a finding.
pub(super) fn applies_on_program(text: &str, hit: &Hit, own: &[String]) -> bool {
    let how = on_program(hit.rule.id);
    if how == OnProgram::Always {
        return true;
    }
    if about_a_patient(text, hit) {
        return true;
    }
    match how {
        OnProgram::Always => true,
        OnProgram::IfPatient => false,
        OnProgram::UnlessProgramOwn => {
            let id = &text[hit.id.clone()];
            !(is_own(id, own) || contact_context(text, hit))
        }
    }
}

/// Letters and digits only, lower case: `(555) 013-4477` is in `+1 555 013 4477`.
fn folded(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `id` is one of the program's own details, however it is written.
fn is_own(id: &str, own: &[String]) -> bool {
    let written = spelled_out_email(id);
    let id = folded(written.as_deref().unwrap_or(id));
    id.len() >= 4 && own.iter().any(|o| folded(o).contains(&id))
}

/// Words that end a sentence before them unless they are an abbreviation.
const ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "mx", "prof", "st", "no", "nos", "ext", "tel", "ph", "vs", "jr", "sr",
    "dept", "rm", "fig", "approx", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "ave", "rd", "blvd", "ste", "pt", "etc", "inc", "co", "univ",
];

/// Whether the character at `i` (a `.`, `!`, `?`, `;` or a line break) ends a sentence.
fn ends_sentence(text: &str, i: usize) -> bool {
    let b = text.as_bytes();
    match b[i] {
        b'\n' | b'!' | b'?' | b';' => true,
        b'.' => {
            // Followed by a space or the end, and not after an abbreviation or an initial.
            let next = b.get(i + 1);
            if !next.is_none_or(|c| c.is_ascii_whitespace()) {
                return false;
            }
            let word: String = text[..i]
                .chars()
                .rev()
                .take_while(|c| c.is_alphanumeric())
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let lower = word.to_lowercase();
            let initial = word.chars().count() == 1 && !word.chars().all(|c| c.is_ascii_digit());
            !(initial || ABBREVIATIONS.contains(&lower.as_str()))
        }
        _ => false,
    }
}

const WINDOW: usize = 120;

/// The sentence around `span`: from the end of the sentence before it to the end of its own,
/// at most [`WINDOW`] bytes each way. (before, after)
fn sentence_around(text: &str, span: &Range<usize>) -> (String, String) {
    let mut from = span.start.saturating_sub(WINDOW);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (span.end + WINDOW).min(text.len());
    while !text.is_char_boundary(to) {
        to += 1;
    }
    let start = (from..span.start)
        .rev()
        .find(|&i| text.is_char_boundary(i) && ends_sentence(text, i))
        .map_or(from, |i| i + 1);
    let end = (span.end..to)
        .find(|&i| text.is_char_boundary(i) && ends_sentence(text, i))
        .unwrap_or(to);
    (
        text[start..span.start].to_lowercase(),
        text[span.end..end].to_lowercase(),
    )
}

/// One patient, by a word that says so: "the patient", "patient's", "Patient:", "pt name", a
/// clinical event of one person, an age. Plural and compound words ("patients", "patient-care",
/// "patient safety") are the program's subject, not a patient.
static PATIENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\b(?:the|a|an|our|this|that|his|her|your|my|same|index)\s+(?:patient|pt)(?:'s)?(?:[^a-z\-]|$)",
        r"|\bpatient(?:'s|s')?\s*(?:name|id|identifier|number|no\b|#|phone|tel|telephone|mobile|cell|e-?mail|address|dob|date\s+of\s+birth)",
        r"|\bpatient's\b|\bpatient\s*[:=|]|\bpatient(?:_?id|name)\b|[?&](?:patient|pid|mrn|name|dob|accession)",
        r"|\bpt\.?\s*(?:name|id|#|no\b|number|phone|tel|mobile|cell|e-?mail|address|:)",
        r"|\b(?:was|were|is|been)\s+(?:admitted|discharged|scanned|imaged|referred|transferred|diagnosed|intubated|operated)\b",
        r"|\bpresent(?:ed|s|ing)\s+with\b|\bunderwent\b|\bcomplain(?:ed|s|ing)\s+of\b",
        r"|\b(?:date\s+of\s+(?:admission|discharge|death|service|surgery|the\s+scan|the\s+exam|the\s+study)|(?:study|scan|exam|admission|discharge|procedure)\s+date)\b",
        r"|\b\d{1,3}[\s-]*(?:years?|yrs?)[\s-]*old\b|\b\d{1,3}\s*(?:yo|y/o|y\.o\.)(?:[^a-z]|$)",
        r"|\b(?:lives|living|resides|residing|residence|moved)\b|\bhome\s+(?:address|phone|number|tel)",
    ))
    .unwrap_or_else(|e| panic!("patient words: {e}"))
});

/// A patient's relatives: their phone numbers and e-mails are a patient's too.
static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:daughter|son|wife|husband|spouse|mother|father|parent|guardian|carer|caregiver|next\s+of\s+kin|relative|family)\b",
    )
    .unwrap_or_else(|e| panic!("relatives: {e}"))
});

/// What right after a name says it is a patient's: an age, a sex and age, a clinical verb.
static PATIENT_AFTER_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^\s*(?:,|\()\s*(?:an?\s+)?(?:aged\s+)?\d{1,3}\s*(?:[mf]\b)?\s*(?:,|\)|-?\s*(?:years?|yrs?|y)\b)",
        r"|^\s*(?:,\s*)?(?:was|is)\s+(?:seen|admitted|referred|transferred|reviewed|scanned)\b",
        r"|^\s*(?:presented|presents|returned|had\s+an?\s+(?:ct|mri|mr|scan|biopsy|fall|fracture|x-ray|ultrasound|stroke))\b",
    ))
    .unwrap_or_else(|e| panic!("after a name: {e}"))
});

/// Words with which a program gives its contact details.
const CONTACT_WORDS: &[&str] = &[
    "contact",
    "contacting",
    "call",
    "calling",
    "phone",
    "telephone",
    "tel",
    "fax",
    "pager",
    "bleep",
    "ext",
    "extension",
    "office",
    "offices",
    "coordinator",
    "director",
    "administrator",
    "manager",
    "secretary",
    "assistant",
    "reception",
    "desk",
    "program",
    "programme",
    "department",
    "dept",
    "residency",
    "fellowship",
    "email",
    "e-mail",
    "mail",
    "write",
    "questions",
    "question",
    "inquiries",
    "enquiries",
    "information",
    "info",
    "line",
    "hotline",
    "helpline",
    "voicemail",
    "reach",
    "interview",
    "interviews",
    "apply",
    "applications",
    "recruitment",
    "main",
    "front",
];

/// Whether the sentence around `hit` (its own label included) says it is about one patient.
fn about_a_patient(text: &str, hit: &Hit) -> bool {
    let label = text[hit.span.start..hit.id.start].to_lowercase();
    let whole = text[hit.span.clone()].to_lowercase();
    if hit.rule.id == RuleId::PatientName && (label.contains("patient") || label.contains("pt")) {
        return true;
    }
    if hit.rule.id == RuleId::Url && whole.contains('?') {
        return true;
    }
    let (before, after) = sentence_around(text, &hit.span);
    // "Family medicine" is a specialty, not a patient's family.
    let unfamiliar = |s: &str| {
        s.replace("family medicine", "")
            .replace("family practice", "")
    };
    if PATIENT.is_match(&format!("{before}{whole} {after}")) {
        return true;
    }
    if matches!(hit.rule.id, RuleId::Phone | RuleId::Email)
        && RELATIVE.is_match(&unfamiliar(&format!("{before}{whole} {after}")))
    {
        return true;
    }
    hit.rule.id == RuleId::PatientName && PATIENT_AFTER_NAME.is_match(&after)
}

/// Whether the sentence around a phone number or e-mail gives the program's contact details.
fn contact_context(text: &str, hit: &Hit) -> bool {
    let (before, after) = sentence_around(text, &hit.span);
    let label = text[hit.span.start..hit.id.start].to_lowercase();
    // Words as written: "mail" in `kim@mail.example.com` is part of an address, not a word.
    format!("{before} {label} {after}")
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .any(|w| CONTACT_WORDS.contains(&w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str, context: Context) -> Vec<&'static str> {
        find(text, context, &[])
            .iter()
            .map(|h| h.rule.name)
            .collect()
    }

    #[test]
    fn every_text_rule_has_a_row() {
        for rule in rules::RULES {
            assert!(
                TABLE.iter().any(|r| r.rule == rule.id),
                "{} has no row in the context table",
                rule.name
            );
        }
    }

    #[test]
    fn a_sentence_ends_at_its_stop_not_at_an_abbreviation() {
        let text = "The patient was seen. Mr. Roe came on Oct. 17 at 9 a.m. for the scan.";
        let at = text.find("Oct.").unwrap_or(0);
        let (before, after) = sentence_around(text, &(at..at + 7));
        assert_eq!(before, " mr. roe came on ");
        assert_eq!(after, " at 9 a.m. for the scan");
    }

    #[test]
    fn a_relaxed_match_does_not_hide_a_strong_one_under_it() {
        // The phone rule reads "Phone 123-45-6789" first; on a program page the phone is the
        // program's and the SSN under it is still found.
        assert_eq!(names("Phone 123-45-6789", Context::Case), vec!["phone"]);
        assert_eq!(names("Phone 123-45-6789", Context::Program), vec!["ssn"]);
    }
}
