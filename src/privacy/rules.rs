//! The text rules of the privacy guard: which HIPAA Safe Harbor identifiers a piece of text
//! carries, found by regular expressions and then checked by a small validator each.
//!
//! This module only finds and masks; it knows nothing about files, front matter or
//! acknowledgements (that is `scan` and `ack`). Precision matters as much as recall: case text is
//! full of numbers (sizes, doses, years, series, PMIDs, DOIs), so a bare number is never an
//! identifier — a record number needs its label, a ZIP code its label or state, an age must be
//! over 89 and said to be an age, and a date must be more precise than a year.
//!
//! Patterns are compiled without Unicode classes (`\b`, `\d`, `\s` are ASCII): the lazy DFA
//! then never falls back to the slow engine on the `°`, `–` and `µ` of real case text.

use std::ops::Range;
use std::sync::LazyLock;

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

/// The identity of a rule, so code never compares rule names as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleId {
    Mrn,
    Accession,
    Account,
    HealthPlan,
    Ssn,
    Dob,
    FullDate,
    AgeOver89,
    Phone,
    Email,
    IpAddress,
    StreetAddress,
    Zip,
    PatientName,
    BurnedInAnnotation,
    RecognizableFeatures,
}

impl RuleId {
    /// The rule itself.
    pub fn rule(self) -> &'static Rule {
        RULES
            .iter()
            .chain(PIXEL_RULES)
            .find(|r| r.id == self)
            .unwrap_or(&PIXEL_RULES[0])
    }
}

/// One kind of identifier the guard looks for.
#[derive(Debug)]
pub struct Rule {
    pub id: RuleId,
    /// The name used in findings and in acknowledgements (`rule = "patient-name"`).
    pub name: &'static str,
    /// What was found, for the message ("a medical record number").
    pub what: &'static str,
    /// How to fix it.
    pub fix: &'static str,
    /// Examples of what it catches, for the README and `--help` texts.
    pub examples: &'static str,
    /// Each pattern may have an `id` group: the identifier itself, which is masked. Without it
    /// the whole match is masked.
    patterns: &'static [&'static str],
    /// Rejects a regex match that is not an identifier after all (a month 13, an octet 300,
    /// "over the age of 90"). Gets the whole text and the match range.
    check: fn(&str, Range<usize>) -> bool,
}

/// One identifier found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub rule: &'static Rule,
    /// Byte range of the whole match (label included).
    pub span: Range<usize>,
    /// Byte range of the identifier inside it (what is masked).
    pub id: Range<usize>,
}

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}
impl Eq for Rule {}

/// Month names as people write them in dates. Capitalised only: "may" and "march" are words.
macro_rules! month {
    () => {
        r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)\.?\b"
    };
}

/// Dates with a day: numeric (US, European, ISO) and written ("March 3, 2023", "3rd of March").
macro_rules! full_date {
    () => {
        concat!(
            r"(?:\b\d{1,2}[/-]\d{1,2}[/-](?:\d{4}|\d{2})\b",
            r"|\b\d{1,2}\.\d{1,2}\.\d{4}\b",
            r"|\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b",
            r"|\b\d{1,2}(?:st|nd|rd|th)?(?:\s+of)?[\s-]+",
            month!(),
            r",?(?:[\s-]+\d{4}\b)?",
            r"|\b",
            month!(),
            r"\s+\d{1,2}(?:st|nd|rd|th)?\b(?:,?\s+\d{4}\b)?)"
        )
    };
}

/// A record number after its label: digits, perhaps a short letter prefix and dashes.
macro_rules! labelled_id {
    ($label:expr) => {
        concat!(
            r"(?i:",
            $label,
            r")\s*(?:\b(?:no\.?|nr\.?|num(?:ber)?|id)\b)?\s*[:=#.]?\s*(?P<id>(?:[A-Za-z]{1,4}[- ]?)?\d[\d-]{2,18}\d)\b"
        )
    };
}

/// A person's name: capitalised words ("Jane", "O'Brien", "Smith-Jones", "J.").
macro_rules! name {
    () => {
        r"(?:[A-Z][a-z]*(?:['-][A-Z]?[a-z]+)+|[A-Z][a-z]+|[A-Z]\.)"
    };
}

/// Every rule, in the order their findings are preferred when two overlap: labelled rules
/// first, so "DOB: 03/14/1948" is one `dob` finding, not also a `full-date`.
pub static RULES: &[Rule] = &[
    Rule {
        id: RuleId::Mrn,
        name: "mrn",
        what: "a medical record number",
        fix: "remove the number; a teaching case never needs it",
        examples: "MRN: 4455667, MR# 12345678, medical record number 889-221, patient ID A-1234567",
        patterns: &[labelled_id!(
            r"\bMRN|\bMR\s?#|\bMR\s+(?:no\.?|number)|\bmedical\s+record(?:\s+(?:number|no\.?|#))?|\bhospital\s+(?:number|no\.?|#)|\bchart\s+(?:number|no\.?|#)|\bpatient\s+(?:id|identifier|number|no\.?|#)|\bpt\.?\s+(?:id|#)|\bunit\s+number"
        )],
        check: any,
    },
    Rule {
        id: RuleId::Accession,
        name: "accession",
        what: "an accession number",
        fix: "remove the accession number; it finds the study in the hospital's systems",
        examples: "Accession: 20240312-0042, ACC# 99887766, accession number RAD12345",
        patterns: &[labelled_id!(
            r"\baccession(?:\s+(?:number|no\.?|#))?|\bacc\.?\s?#"
        )],
        check: any,
    },
    Rule {
        id: RuleId::Account,
        name: "account",
        what: "an account number",
        fix: "remove the account number",
        examples: "account number 123456789, Acct# 5566-7788",
        patterns: &[labelled_id!(
            r"\baccount(?:\s+(?:number|no\.?|#))?|\bacct\.?\s?#?"
        )],
        check: any,
    },
    Rule {
        id: RuleId::HealthPlan,
        name: "health-plan",
        what: "a health plan or insurance number",
        fix: "remove the insurance or health plan number",
        examples: "health plan ID XYZ123456789, member ID 88442211, Medicare number 1EG4-TE5-MK72",
        patterns: &[concat!(
            r"(?i:\b(?:health\s+plan|insurance|member|beneficiary|medicare|medicaid|policy|subscriber)\s*(?:id|identifier|number|no\.?|#))",
            r"\s*[:=#.]?\s*(?P<id>[A-Za-z0-9]{1,6}(?:[- ]?[A-Za-z0-9]{2,8}){0,3})\b"
        )],
        check: has_digits_4,
    },
    Rule {
        id: RuleId::Ssn,
        name: "ssn",
        what: "a social security number",
        fix: "remove the social security number",
        examples: "SSN 123-45-6789, social security number 123456789, 078-05-1120",
        patterns: &[
            r"(?i:\bSSN|\bsocial\s+security(?:\s+(?:number|no\.?|#))?)\s*[:#]?\s*(?P<id>\d{3}[- ]?\d{2}[- ]?\d{4})\b",
            r"\b\d{3}-\d{2}-\d{4}\b",
        ],
        check: any,
    },
    Rule {
        id: RuleId::Dob,
        name: "dob",
        what: "a date of birth",
        fix: "remove the date of birth; give the age in years instead (\"90 or older\" above 89)",
        examples: "DOB: 03/14/1948, date of birth 14 March 1948, born on March 14, 1948, D.O.B. 1948-03",
        patterns: &[concat!(
            r"(?i:\bDOB\b|\bD\.O\.B\.?|\bdate\s+of\s+birth\b|\bbirth\s*date\b|\bborn(?:\s+on)?\b)\s*[:=]?\s*(?P<id>",
            full_date!(),
            r"|\b\d{1,2}[/.-]\d{4}\b|\b\d{4}[/.-]\d{1,2}\b|\b(?:19|20)\d{6}\b|",
            month!(),
            r",?\s+\d{4}\b)"
        )],
        check: any,
    },
    Rule {
        id: RuleId::FullDate,
        name: "full-date",
        what: "a date more precise than a year",
        fix: "keep only the year, or say how long before or after (\"2 days later\"); every part of a patient's dates except the year identifies",
        examples: "03/14/2023, 2023-03-14, 14.03.2023, March 14, 2023, 14 March, 3rd of March",
        patterns: &[full_date!()],
        check: is_date,
    },
    Rule {
        id: RuleId::AgeOver89,
        name: "age-over-89",
        what: "an age over 89",
        fix: "write \"90 or older\" (age = \"90 or older\"): single ages above 89 identify",
        examples: "92-year-old, 95 y/o, 101 years of age, aged 93, age: 97, nonagenarian",
        patterns: &[
            r"(?i)\b(?P<id>9\d|1[0-4]\d)[\s-]*(?:years?|yrs?|y)[\s-]*(?:old\b|o\b\.?|/o\b|\.o\.|of\s+age\b)",
            r#"(?i)\bage[ds]?\s*[:=]?\s*"?(?P<id>9\d|1[0-4]\d)\b"#,
            r"(?i)\b(?:nonagenarian|centenarian|supercentenarian|(?:ninety|one\s+hundred)(?:[\s-]+(?:one|two|three|four|five|six|seven|eight|nine))?[\s-]+years?[\s-]+old)\b",
        ],
        check: is_age,
    },
    Rule {
        id: RuleId::Phone,
        name: "phone",
        what: "a phone or fax number",
        fix: "remove the phone number",
        examples: "(555) 123-4567, 555-123-4567, +44 20 7946 0958, fax: 555.987.6543, pager 4-4321",
        patterns: &[
            r"(?:\+?\b1[\s.-]?)?(?:\(\d{3}\)\s?|\b\d{3}[.-]|\b\d{3}\s)\d{3}[.\s-]\d{4}\b",
            r"\+\d{1,3}[\s.-]?\(?\d{1,4}\)?(?:[\s.-]?\d{2,4}){2,4}\b",
            r"(?i:\b(?:phone|tel|telephone|fax|cell|mobile|pager|bleep|ext)\b)\.?\s*(?:no\.?|number|#)?\s*[:.]?\s*(?P<id>\+?[\d(][\d\s().-]{3,18}\d)\b",
        ],
        check: is_phone,
    },
    Rule {
        id: RuleId::Email,
        name: "email",
        what: "an email address",
        fix: "remove the address (the site's own contact belongs in config.toml)",
        examples: "jane.doe@hospital.org, j_smith+scan@mail.example.com",
        patterns: &[r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"],
        check: any,
    },
    Rule {
        id: RuleId::IpAddress,
        name: "ip-address",
        what: "an IP address",
        fix: "remove the address (of a PACS, workstation or home network)",
        examples: "192.168.1.24, 10.0.0.7, fe80::1ff:fe23:4567:890a",
        patterns: &[
            r"\b(?:\d{1,3}\.){3}\d{1,3}\b",
            r"(?i)\b(?:[0-9a-f]{1,4}:){1,7}(?:(?::[0-9a-f]{1,4}){1,6}|[0-9a-f]{1,4}|:)",
        ],
        check: is_ip,
    },
    Rule {
        id: RuleId::StreetAddress,
        name: "street-address",
        what: "a street address",
        fix: "remove the address; at most name the state",
        examples: "221B Baker Street, 1600 Pennsylvania Ave, 42 N. Oak Rd., P.O. Box 1234",
        patterns: &[
            r"\b(?P<id>\d{1,6}[A-Za-z]?\s+(?:[NSEW]\.?\s+|(?:North|South|East|West)\s+)?(?:(?:[A-Z][a-z]+|\d{1,3}(?:st|nd|rd|th))\.?\s+){1,3})(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Circle|Parkway|Pkwy|Highway|Hwy|Square|Crescent|Close)\b\.?",
            r"\b(?P<id>\d{1,6}\s+(?:[a-z]+\s+){1,3})(?:street|avenue|boulevard)\b",
            r"(?i:\bP\.?\s?O\.?\s+Box)\s+(?P<id>\d{1,6})\b",
        ],
        check: any,
    },
    Rule {
        id: RuleId::Zip,
        name: "zip",
        what: "a ZIP code",
        fix: "remove the ZIP code; at most name the state",
        examples: "ZIP 02115, zip code: 90210-1234, Boston, MA 02115, Ohio 43210",
        patterns: &[
            r"(?i:\b(?:zip(?:\s*code)?|postal\s+code|postcode))\s*[:#]?\s*(?P<id>\d{5}(?:-\d{4})?)\b",
            // After a comma ("Boston, MA 02115"): "CT" and "PA" are also a modality and a view.
            r",\s*(?:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY)\s+(?P<id>\d{5}(?:-\d{4})?)\b",
            r"\b(?:Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|Hampshire|Jersey|Mexico|York|Carolina|Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Island|Tennessee|Texas|Utah|Vermont|Virginia|Washington|Wisconsin|Wyoming)\s+(?P<id>\d{5}(?:-\d{4})?)\b",
            r"\b\d{5}-\d{4}\b",
        ],
        check: any,
    },
    Rule {
        id: RuleId::PatientName,
        name: "patient-name",
        what: "a patient's name",
        fix: "remove the name; say \"the patient\", or a role (\"a 45-year-old teacher\")",
        examples: "Patient: John Smith, Name: SMITH, JOHN, patient name Jane O'Brien, Mr. Bones, Mrs Jones",
        patterns: &[
            concat!(
                r"\b(?:Mr|Mrs|Ms|Mx|Miss|Mister)\b\.?\s+(?P<id>",
                name!(),
                r"(?:\s+",
                name!(),
                r")?)"
            ),
            concat!(
                r"(?i:\b(?:patient(?:'s)?\s*name|pt\.?\s*name|name\s+of\s+(?:the\s+)?patient|patient|pt|name|surname|last\s+name|first\s+name|given\s+name))\s*[:=]\s*(?P<id>",
                r"[A-Z]+\^[A-Z]+(?:\^[A-Z]+)?|[A-Z][A-Za-z'-]*,?(?:\s+[A-Z][A-Za-z'-]*\.?){0,3})"
            ),
            concat!(
                r"(?i:\b(?:patient(?:'s)?\s+name|patient|pt\.?))\s+(?P<id>",
                name!(),
                r"\s+",
                name!(),
                r")"
            ),
        ],
        check: is_name,
    },
];

/// Rules about the pixels of a DICOM file a case publishes, found in its header by
/// `privacy::dicom` (no text pattern: they are acknowledged by file name, like text findings).
pub static PIXEL_RULES: &[Rule] = &[
    Rule {
        id: RuleId::BurnedInAnnotation,
        name: "burned-in-annotation",
        what: "text may be burned into the pixels",
        fix: "check every frame and crop or black out any name, date or number burned into the image, then export it again with BurnedInAnnotation = NO",
        examples: "BurnedInAnnotation = YES; an ultrasound, secondary capture, angiography, endoscopy or other image without BurnedInAnnotation",
        patterns: &[],
        check: any,
    },
    Rule {
        id: RuleId::RecognizableFeatures,
        name: "recognizable-features",
        what: "the image may show the patient's face",
        fix: "use an image that does not show the face (a 2-D slice rather than a surface render), or crop it out",
        examples: "RecognizableVisualFeatures = YES (a 3-D surface render of the head)",
        patterns: &[],
        check: any,
    },
];

/// The rule called `name`.
pub fn rule(name: &str) -> Option<&'static Rule> {
    RULES.iter().chain(PIXEL_RULES).find(|r| r.name == name)
}

impl Rule {
    /// Whether the rule is about a DICOM file's pixels (acknowledged by file name).
    pub fn is_pixel_rule(&self) -> bool {
        PIXEL_RULES.contains(self)
    }
}

/// Every rule name, for "did you mean" hints.
pub fn names() -> impl Iterator<Item = &'static str> {
    RULES.iter().chain(PIXEL_RULES).map(|r| r.name)
}

struct Compiled {
    set: RegexSet,
    /// One per pattern, with the index of its rule.
    regexes: Vec<(usize, Regex)>,
}

static COMPILED: LazyLock<Compiled> = LazyLock::new(|| {
    let mut patterns = Vec::new();
    let mut regexes = Vec::new();
    for (i, rule) in RULES.iter().enumerate() {
        for p in rule.patterns {
            patterns.push(*p);
            // The patterns are constants, covered by the unit tests: a failure here is a bug
            // in this file, never bad input.
            let re = RegexBuilder::new(p)
                .unicode(false)
                .build()
                .unwrap_or_else(|e| panic!("privacy rule {}: {e}", rule.name));
            regexes.push((i, re));
        }
    }
    let set = RegexSetBuilder::new(&patterns)
        .unicode(false)
        .build()
        .unwrap_or_else(|e| panic!("privacy rules: {e}"));
    Compiled { set, regexes }
});

/// Every identifier in `text`, in order, without overlaps.
pub fn find(text: &str) -> Vec<Hit> {
    let compiled = &*COMPILED;
    let matched = compiled.set.matches(text);
    if !matched.matched_any() {
        return Vec::new();
    }
    let mut hits = Vec::new();
    for i in matched.iter() {
        let (rule_index, re) = &compiled.regexes[i];
        let rule = &RULES[*rule_index];
        for caps in re.captures_iter(text) {
            let Some(whole) = caps.get(0) else { continue };
            if whole.is_empty() || !(rule.check)(text, whole.range()) {
                continue;
            }
            let id = caps.name("id").map_or(whole.range(), |m| m.range());
            hits.push((
                *rule_index,
                Hit {
                    rule,
                    span: whole.range(),
                    id,
                },
            ));
        }
    }
    // Earliest first; at one place the longer match, then the rule listed first.
    hits.sort_by_key(|(r, h)| (h.span.start, std::cmp::Reverse(h.span.end), *r));
    let mut out: Vec<Hit> = Vec::new();
    for (_, h) in hits {
        if out.last().is_none_or(|last| h.span.start >= last.span.end) {
            out.push(h);
        }
    }
    out
}

/// The shape of the match without the identifier: labels stay, and in the identifier each
/// run of letters or digits keeps its first character if it has four or more
/// (`MRN: 4******`, `J*** S****`, `**/**/1***`).
pub fn mask(text: &str, hit: &Hit) -> String {
    let mut out = String::with_capacity(hit.span.len());
    out.push_str(&text[hit.span.start..hit.id.start]);
    out.push_str(&mask_id(&text[hit.id.clone()]));
    out.push_str(&text[hit.id.end..hit.span.end]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Mask an identifier: each run of letters or digits keeps its first character if it has four
/// or more, the rest become `*`; punctuation stays.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let mut out = String::with_capacity(id.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_alphanumeric() {
            let start = i;
            while i < chars.len() && chars[i].is_alphanumeric() {
                i += 1;
            }
            let len = i - start;
            for k in 0..len {
                out.push(if k == 0 && len >= 4 {
                    chars[start]
                } else {
                    '*'
                });
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn any(_: &str, _: Range<usize>) -> bool {
    true
}

fn digits(s: &str) -> usize {
    s.bytes().filter(u8::is_ascii_digit).count()
}

/// The numbers in a text, in order.
fn numbers(s: &str) -> Vec<u32> {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty() && p.len() <= 6)
        .filter_map(|p| p.parse().ok())
        .collect()
}

fn has_digits_4(text: &str, r: Range<usize>) -> bool {
    digits(&text[r]) >= 4
}

/// The text just before a match, lowercased, for context checks.
fn before(text: &str, start: usize, len: usize) -> String {
    let mut from = start.saturating_sub(len);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    text[from..start].to_ascii_lowercase()
}

fn char_before(text: &str, start: usize) -> Option<char> {
    text[..start].chars().next_back()
}

fn char_after(text: &str, end: usize) -> Option<char> {
    text[end..].chars().next()
}

/// A dot and a digit right after a match: it is part of a longer number (a version, a DOI).
fn goes_on_as_number(text: &str, end: usize) -> bool {
    char_after(text, end) == Some('.')
        && text[end + 1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
}

/// A numeric date must have a real month and day; a date inside a URL path, a version number
/// or a citation ("2019 Mar 12;290:1–9", which is a journal issue) is not a patient's.
fn is_date(text: &str, r: Range<usize>) -> bool {
    let s = &text[r.clone()];
    if matches!(
        char_before(text, r.start),
        Some('/' | '.' | '-' | ':' | '_')
    ) || matches!(char_after(text, r.end), Some('/' | '_'))
        || goes_on_as_number(text, r.end)
    {
        return false;
    }
    // Ordinals ("3rd") and "of" are the only words shorter than a month name.
    let has_month_name = s
        .split(|c: char| !c.is_ascii_alphabetic())
        .any(|w| w.len() >= 3);
    if has_month_name {
        // "November 26-30": a range of days is an event's dates, not a patient's.
        let mut rest = text[r.end..].chars();
        if matches!(rest.next(), Some('-' | '–')) && rest.next().is_some_and(|c| c.is_ascii_digit())
        {
            return false;
        }
        // "2019 Mar 12;" is how citations write an issue date.
        let b = before(text, r.start, 6);
        // The last four characters, not bytes: the text before may end in "é" or "—".
        let tail: Vec<char> = b.trim_end().chars().rev().take(4).collect();
        let cited = tail.len() == 4 && tail.iter().all(char::is_ascii_digit);
        let day = numbers(s).into_iter().find(|&n| n <= 31);
        return !cited && day.is_some_and(|d| d >= 1);
    }
    let n = numbers(s);
    if n.len() != 3 {
        return false;
    }
    let seps: Vec<char> = s.chars().filter(|c| !c.is_ascii_digit()).collect();
    if seps.len() != 2 || seps[0] != seps[1] {
        return false;
    }
    let (a, b, c) = (n[0], n[1], n[2]);
    let ok_md = |m: u32, d: u32| (1..=12).contains(&m) && (1..=31).contains(&d);
    let year_ok = |y: u32| (1900..=2100).contains(&y);
    if s.len() >= 4 && s.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        year_ok(a) && ok_md(b, c)
    } else {
        let y_ok = if c >= 100 { year_ok(c) } else { true };
        y_ok && (ok_md(a, b) || ok_md(b, a))
    }
}

/// "aged 93" is an age, "over the age of 90", "aged 92 days" and "age 95%" are not.
fn is_age(text: &str, r: Range<usize>) -> bool {
    let b = before(text, r.start, 12);
    if ["over", "above", "under", "than", ">", "<", "≥", "the"]
        .iter()
        .any(|w| b.trim_end().ends_with(w))
    {
        return false;
    }
    let after = text[r.end..].trim_start().to_ascii_lowercase();
    // "aged 90 and older" is the aggregate Safe Harbor allows.
    let not_age = [
        "day",
        "week",
        "month",
        "hour",
        "%",
        "mm",
        "cm",
        "kg",
        "percent",
        "and older",
        "or older",
        "and over",
        "or over",
        "and above",
        "or above",
        "+",
        "plus",
    ];
    !not_age.iter().any(|u| after.starts_with(u))
}

fn is_phone(text: &str, r: Range<usize>) -> bool {
    let s = &text[r.clone()];
    // A DOI or a longer number of which this is a part.
    if matches!(char_before(text, r.start), Some('/' | '.' | '-'))
        || matches!(char_after(text, r.end), Some('-' | '/'))
        || goes_on_as_number(text, r.end)
    {
        return false;
    }
    digits(s) >= 5
}

/// Four octets of 0–255 that are not part of a longer dotted number (a version, a DICOM UID);
/// or a valid IPv6 address with enough groups to be one.
fn is_ip(text: &str, r: Range<usize>) -> bool {
    let s = &text[r.clone()];
    if s.contains(':') {
        let groups = s.split(':').filter(|g| !g.is_empty()).count();
        return groups >= 3
            && s.parse::<std::net::Ipv6Addr>().is_ok()
            && !s.split(':').any(|g| g.len() > 4);
    }
    let dotted_neighbour = |c: Option<char>| matches!(c, Some('.'));
    let rest_digit = |i: usize| {
        text.get(i..)
            .and_then(|t| t.chars().next())
            .is_some_and(|c| c.is_ascii_digit())
    };
    if dotted_neighbour(char_after(text, r.end)) && rest_digit(r.end + 1) {
        return false;
    }
    if dotted_neighbour(char_before(text, r.start))
        && r.start >= 2
        && text[..r.start - 1]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit())
    {
        return false;
    }
    s.split('.')
        .all(|o| o.parse::<u32>().is_ok_and(|n| n <= 255) && (o.len() == 1 || !o.starts_with('0')))
}

/// Words that follow "Patient:" or "Name:" without being a name.
const NOT_NAMES: &[&str] = &[
    "a",
    "an",
    "the",
    "this",
    "that",
    "male",
    "female",
    "man",
    "woman",
    "boy",
    "girl",
    "unknown",
    "anonymous",
    "anon",
    "redacted",
    "none",
    "withheld",
    "patient",
    "he",
    "she",
    "they",
    "adult",
    "child",
    "infant",
    "neonate",
    "elderly",
    "young",
    "middle",
    "case",
    "history",
    "presentation",
    "ct",
    "mr",
    "mri",
    "us",
    "xr",
    "pet",
    "imaging",
    "sex",
    "age",
    "m",
    "f",
    "was",
    "is",
    "had",
    "has",
    "with",
    "who",
    "presented",
    "underwent",
    "de-identified",
    "anonymised",
    "anonymized",
    "not",
    "n/a",
    "na",
    "number",
    "id",
    "fictional",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "glasgow",
    "status",
    "position",
    "positioning",
    "preparation",
    "consent",
];

fn is_name(text: &str, r: Range<usize>) -> bool {
    let s = &text[r];
    // The name part: after a label's colon, or after the honorific / label word.
    let name_part = match s.find([':', '=']) {
        Some(i) => &s[i + 1..],
        None => s.split_once(char::is_whitespace).map_or(s, |(_, n)| n),
    };
    let first = name_part
        .trim()
        .split(|c: char| c.is_whitespace() || c == ',' || c == '^')
        .next()
        .unwrap_or("")
        .trim_end_matches('.')
        .to_ascii_lowercase();
    !first.is_empty() && first.len() > 1 && !NOT_NAMES.contains(&first.as_str())
        || name_part.contains('^')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule's checks look at the text around a match; none may cut a character in two,
    /// whatever stands next to the match (a build must never panic on case text).
    #[test]
    fn text_around_a_match_in_any_script_never_panics() {
        let around = [
            "",
            "é",
            "café—",
            "ü€ ",
            "日本語",
            "🙂",
            "\u{a0}",
            "—",
            "2019 ",
            "Ω.",
            "x\u{301}",
        ];
        let samples = [
            "March 3",
            "3 March 2023",
            "2019 Mar 12;290",
            "03/14/2023",
            "2023-03-14",
            "14.03.2023",
            "DOB: 03/14/1948",
            "MRN: 4455667",
            "aged 93",
            "93-year-old",
            "(555) 123-4567",
            "192.168.1.24",
            "fe80::1ff:fe23:4567:890a",
            "221B Baker Street",
            "Boston, MA 02115",
            "Patient: John Smith",
            "Mr. Bones",
            "jane.doe@hospital.org",
            "SSN 123-45-6789",
            "Accession: 20240312-0042",
            "member ID 88442211",
        ];
        for before in around {
            for after in around {
                for sample in samples {
                    let text = format!("{before}{sample}{after}");
                    let _ = find(&text);
                    let tight = format!("{before}{}{after}", sample.replace(' ', before));
                    let _ = find(&tight);
                }
            }
        }
    }

    fn rules_in(text: &str) -> Vec<&'static str> {
        find(text).iter().map(|h| h.rule.name).collect()
    }

    #[test]
    fn every_pattern_compiles_and_every_rule_has_a_fix() {
        assert!(COMPILED.regexes.len() >= RULES.len());
        for r in RULES {
            assert!(!r.fix.is_empty() && !r.examples.is_empty(), "{}", r.name);
        }
    }

    #[test]
    fn labelled_dates_are_one_finding() {
        assert_eq!(rules_in("DOB: 03/14/1948."), ["dob"]);
        assert_eq!(rules_in("seen 03/14/2023"), ["full-date"]);
    }

    #[test]
    fn masks_keep_the_shape_not_the_identifier() {
        let text = "MRN: 4455667";
        let hits = find(text);
        assert_eq!(mask(text, &hits[0]), "MRN: 4******");
        let text = "Mr. John Bones";
        assert_eq!(mask(text, &find(text)[0]), "Mr. J*** B****");
        let text = "on 03/14/2023";
        assert_eq!(mask(text, &find(text)[0]), "**/**/2***");
    }

    #[test]
    fn citations_versions_and_uids_are_not_dates_or_addresses() {
        assert!(rules_in("Radiology 2019 Mar 12;290(3):1-9").is_empty());
        assert!(rules_in("UID 1.2.840.10008.5.1.4.1.1.2").is_empty());
        assert!(rules_in("https://example.org/2019/03/12/post").is_empty());
    }
}
