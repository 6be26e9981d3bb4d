//! The text rules of the privacy guard: which HIPAA Safe Harbor identifiers a piece of text
//! carries, found by regular expressions and then checked by a small validator each.
//!
//! This module only finds and masks; it knows nothing about files, front matter or
//! acknowledgements (that is `scan` and `ack`). Precision matters as much as recall: case text is
//! full of numbers (sizes, doses, years, series, PMIDs, DOIs), so a bare number is never an
//! identifier — a record number needs its label, a ZIP code its label or state, an age must be
//! over 89 and said to be an age, and a date must be more precise than a year.
//!
//! Every rule matches the text as `normalize` folds it (no-break and other spaces, dashes, curly
//! quotes, HTML entities, accented and non-Latin letters, full-width forms), and hits are
//! mapped back to the text as written. Patterns are compiled without Unicode classes (`\b`,
//! `\d`, `\s` are ASCII): the lazy DFA then never falls back to the slow engine, and after
//! folding ASCII classes see what the author meant.

use std::ops::Range;
use std::sync::LazyLock;

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

use super::normalize::normalize;

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
    /// A given name and a surname with nothing before them (`privacy::names`).
    PersonName,
    HealthNumber,
    Coordinates,
    Vehicle,
    Licence,
    DeviceId,
    Url,
    MacAddress,
    Biometric,
    BurnedInAnnotation,
    RecognizableFeatures,
    TextInImage,
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
    /// "over the age of 90"). Gets the whole (normalized) text, the match range and the range
    /// of the identifier in it.
    check: fn(&str, Range<usize>, Range<usize>) -> bool,
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

/// Month names as people write them in dates. Capitalised only: "may" and "march" are words
/// (a lower-case month counts only between a day and a year, see `full_date!`).
macro_rules! month {
    () => {
        r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)\b\.?"
    };
}

/// Days written as words ("the fourteenth of March").
macro_rules! ordinal_word {
    () => {
        r"(?i:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth|twenty[\s-](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|thirty[\s-]first)"
    };
}

/// Dates with a day: numeric (US, European, ISO with or without a time, DICOM `YYYYMMDD`) and
/// written ("March 3, 2023", "3rd of March", "the fourteenth of March").
macro_rules! full_date {
    () => {
        concat!(
            r"(?:\b\d{1,2}[/-]\d{1,2}[/-](?:\d{4}|\d{2})\b",
            r"|\b\d{1,2}\.\d{1,2}\.\d{4}\b",
            r"|\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?\b",
            r"|\b(?:19|20)\d{6}\b",
            r"|\b\d{1,2}(?:st|nd|rd|th)?(?:\s+of)?[\s-]+",
            month!(),
            r",?(?:[\s-]+\d{4}\b)?",
            r"|\b",
            month!(),
            r"\s+\d{1,2}(?:st|nd|rd|th)?\b(?:,?\s+\d{4}\b)?",
            r"|\b(?i:the\s+)?",
            ordinal_word!(),
            r"\s+(?i:of\s+)?",
            month!(),
            r"|\b",
            month!(),
            r"\s+(?i:the\s+)?",
            ordinal_word!(),
            r"\b",
            r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+\d{4}\b)"
        )
    };
}

/// What may stand between a label and its value: spaces and line breaks, Markdown emphasis and
/// code marks, and the `|` of a table row (`**MRN**: 1`, `| MRN | 1 |`).
macro_rules! sep {
    () => {
        r"[\s*_|`]*"
    };
}

/// A record number after its label: digits, perhaps a short letter prefix and dashes.
macro_rules! labelled_id {
    ($label:expr) => {
        concat!(
            r"(?i:",
            $label,
            r")",
            sep!(),
            r"(?i:\b(?:no\.?|nr\.?|num(?:ber)?|id)\b|#)?",
            sep!(),
            r"[:=#.]?",
            sep!(),
            r"(?P<id>(?:[A-Za-z]{1,4}[- ]?)?\d[\d-]{2,18}\d)\b"
        )
    };
}

/// A labelled number of another kind: `$label`, then `$id` (which names its `id` group).
macro_rules! labelled {
    ($label:expr, $id:expr) => {
        concat!(r"(?i:", $label, r")", sep!(), r"[:=#]?", sep!(), $id)
    };
}

/// One word of a person's name, after folding: "Jane", "O'Brien", "McDonald", "Smith-Jones",
/// "SMITH", "al-Rashid", or an initial "J.".
macro_rules! name {
    () => {
        r"(?:[A-Z]\.(?:\s?[A-Z]\.)*|[A-Z]{2,}(?:['-][A-Z]{2,})*\b|[A-Z][a-z]*(?:[A-Z][a-z]+)?(?:['-][A-Z]?[a-z]+)*\b|(?:al|el)-[A-Z][a-z]+\b)"
    };
}

/// The small words inside names: "van der Berg", "de la Cruz", "Ní Bhriain".
macro_rules! particle {
    () => {
        r"(?i:van|von|der|den|de|del|della|di|da|du|dos|das|la|le|ten|ter|bin|ibn|al|el|ni|nic|y)"
    };
}

/// A name of one to four words, particles between them.
macro_rules! names {
    () => {
        concat!(
            name!(),
            r"(?:\s+(?:",
            particle!(),
            r"\s+)*",
            name!(),
            r"){0,3}"
        )
    };
}

/// Honorifics. "MR" and "MS" in capitals are also a modality and multiple sclerosis, so in
/// capitals they count only with their full stop.
macro_rules! honorific {
    () => {
        r"\b(?:(?:Mr|Mrs|Ms|Mx|Miss|Mister|Mme|Mlle|Herr|Frau|Sr|Sra|Srta|mr|mrs|ms|miss|MRS|MISS|MISTER)\b\.?|(?:MR|MS|MX)\.)"
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
        examples: "MRN: 4455667, MR# 12345678, Hosp # 7788123, UR number 0456123, chart no. 55-1234, unit number 0098123, | MRN | 4455667 |",
        patterns: &[labelled_id!(
            r"\bMRN|\bM\.R\.N\.?|\bMR\s?#|\bMR\s+(?:no\.?|number)|\bmedical\s+record(?:\s+(?:number|no\.?|#))?|\bhosp(?:ital)?\.?\s*(?:number|no\.?|#|id)|\bchart\s*(?:number|no\.?|#)|\bpatient\s+(?:identifier|id|number|no\.?|#)|\bpt\.?\s+(?:id|#|no\.?|number)|\bunit\s+(?:number|no\.?)|\bU\.?R\.?\s*(?:number|no\.?|#)|\bURN\b|\bUHID|\bCR\s+no\.?|\bIP\s+no\.?|\brecord\s+(?:number|no\.?|#)|\bfolder\s+(?:number|no\.?)|\bencounter\s+(?:number|no\.?|id)|\bvisit\s+(?:number|no\.?|id)|\bFIN\b"
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
            r"\baccession(?:\s+(?:number|no\.?|#))?|\bacc\.?\s*(?:#|no\.?|number)"
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
        id: RuleId::HealthNumber,
        name: "health-number",
        what: "a national health number",
        fix: "remove the number; it identifies the patient in every hospital of the country",
        examples: "NHS number 943 476 5919, CHI 1234567881, Medicare card 2123 45670 1, OHIP 1234-567-897, NHI ZAA0067, IHI 8003 6012 3456 7890, BSN 123456782",
        patterns: &[
            labelled!(
                r"\b(?:NHS|CHI|H&C)(?:\s*(?:number|no\.?|#|num))?",
                r"(?P<id>\d{3}[\s-]?\d{3}[\s-]?\d{4})\b"
            ),
            labelled!(
                r"\bmedicare(?:\s+card)?(?:\s+(?:number|no\.?|#))?",
                r"(?P<id>\d{4}\s?\d{5}\s?\d(?:[\s/-]?\d)?)\b"
            ),
            labelled!(
                r"\b(?:OHIP|RAMQ|MSP|PHN|health\s+card)(?:\s+(?:number|no\.?|#))?",
                r"(?P<id>\d{4}[\s-]?\d{3}[\s-]?\d{3}(?:[\s-]?[A-Za-z]{2})?)\b"
            ),
            labelled!(
                r"\bNHI(?:\s+(?:number|no\.?))?",
                r"(?P<id>[A-Za-z]{3}\d{4}|[A-Za-z]{3}\d{2}[A-Za-z]{2})\b"
            ),
            labelled!(
                r"\bIHI(?:\s+(?:number|no\.?))?",
                r"(?P<id>\d{4}\s?\d{4}\s?\d{4}\s?\d{4})\b"
            ),
            labelled!(
                r"\b(?:BSN|burgerservicenummer|KVNR|versichertennummer|krankenversichertennummer|NIR|INSEE|PPSN?|CPR(?:\s+(?:number|no\.?|nr\.?))|personnummer|AHV|carte\s+vitale|securite\s+sociale)",
                r"(?P<id>[A-Za-z]?\d[\d .-]{6,20}\d[A-Za-z]?)\b"
            ),
        ],
        check: is_health_number,
    },
    Rule {
        id: RuleId::HealthPlan,
        name: "health-plan",
        what: "a health plan or insurance number",
        fix: "remove the insurance or health plan number",
        examples: "health plan ID XYZ123456789, member ID 88442211, Medicare number 1EG4-TE5-MK72",
        patterns: &[concat!(
            r"(?i:\b(?:health\s+plan|insurance|member|beneficiary|medicare|medicaid|policy|subscriber)\s*(?:identifier|id|number|no\.?|#))",
            sep!(),
            r"[:=#.]?",
            sep!(),
            r"(?P<id>[A-Za-z0-9]{1,6}(?:[- ]?[A-Za-z0-9]{2,8}){0,3})\b"
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
            concat!(
                r"(?i:\bSSN|\bS\.S\.N\.?|\bsocial\s+security(?:\s+(?:number|no\.?|#))?)",
                sep!(),
                r"[:#]?",
                sep!(),
                r"(?P<id>\d{3}[- ]?\d{2}[- ]?\d{4})\b"
            ),
            r"\b\d{3}-\d{2}-\d{4}\b",
        ],
        check: any,
    },
    Rule {
        id: RuleId::Dob,
        name: "dob",
        what: "a date of birth",
        fix: "remove the date of birth; give the age in years instead (\"90 or older\" above 89)",
        examples: "DOB: 03/14/1948, date of birth 14 March 1948, born on March 14, 1948, D.O.B. 1948-03, DOB 19480314",
        patterns: &[concat!(
            r"(?i:\bDOB\b|\bD\.O\.B\.?|\bdate\s+of\s+birth\b|\bbirth\s*date\b|\bborn(?:\s+on)?(?:\s+the)?\b)",
            sep!(),
            r"[:=]?",
            sep!(),
            r"(?P<id>",
            full_date!(),
            r"|\b\d{1,2}[/.-]\d{4}\b|\b\d{4}[/.-]\d{1,2}\b|",
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
        examples: "03/14/2023, 2023-03-14, 2023-03-14T10:22, 20230314, 14.03.2023, March 14, 2023, 14 March, 3rd of March, the fourteenth of March",
        patterns: &[full_date!()],
        check: is_date,
    },
    Rule {
        id: RuleId::AgeOver89,
        name: "age-over-89",
        what: "an age over 89",
        fix: "write \"90 or older\" (age = \"90 or older\"): single ages above 89 identify",
        examples: "92-year-old, 95 y/o, 93 yo, 93M, 91F, 101 years of age, aged 93, age: 97, nonagenarian",
        patterns: &[
            r"(?i)\b(?P<id>9\d|1[0-4]\d)[\s-]*(?:years?|yrs?|y)[\s-]*(?:old\b|o\b\.?|/o\b|\.o\.|of\s+age\b)",
            concat!(
                r"(?i)\bage[ds]?",
                sep!(),
                r"[:=]?",
                sep!(),
                r#""?(?P<id>9\d|1[0-4]\d)\b"#
            ),
            r"(?i)\b(?:nonagenarian|centenarian|supercentenarian|(?:ninety|one\s+hundred)(?:[\s-]+(?:one|two|three|four|five|six|seven|eight|nine))?[\s-]+years?[\s-]+old|aged\s+(?:ninety|one\s+hundred)(?:[\s-]+(?:one|two|three|four|five|six|seven|eight|nine))?)\b",
            // "93M", "91 F": the age and sex shorthand of a case header.
            r"\b(?P<id>9\d|1[0-4]\d)\s?[MF]\b",
        ],
        check: is_age,
    },
    Rule {
        id: RuleId::Phone,
        name: "phone",
        what: "a phone or fax number",
        fix: "remove the phone number",
        examples: "(555) 123-4567, 555-123-4567, +44 20 7946 0958, 020 7946 0958, 01 23 45 67 89, (02) 9876 5432, phone 5551234567, fax: 555.987.6543, ext. 4567",
        patterns: &[
            r"(?:\+?\b1[\s.-]?)?(?:\(\d{3}\)\s?|\b\d{3}[.-]|\b\d{3}\s)\d{3}[.\s-]\d{4}\b",
            r"\+\d{1,3}[\s.-]?\(?\d{1,4}\)?(?:[\s.-]?\d{2,4}){2,4}\b",
            concat!(
                r"(?i:\b(?:phone|ph|tel|telephone|telefon|telefono|fax|cell|mobile|mob|pager|bleep|ext|call|ring|text|contact|landline|whatsapp)\b)\.?",
                sep!(),
                r"(?i:no\.?|number|#)?",
                sep!(),
                r"[:.]?",
                sep!(),
                r"(?P<id>\+?[\d(][\d\s().-]{2,18}\d)\b"
            ),
            // National numbers with their trunk 0 (UK, FR, DE, AU, IN).
            r"\(0\d{1,4}\)\s?\d{3,4}[\s-]?\d{3,4}\b",
            r"\b0\d{2,4}[\s-]\d{3,4}[\s-]?\d{3,4}\b",
            r"\b0\d{4}[\s-]\d{5,6}\b",
            r"\b0[1-9](?:[\s.-]\d{2}){4}\b",
        ],
        check: is_phone,
    },
    Rule {
        id: RuleId::Email,
        name: "email",
        what: "an email address",
        fix: "remove the address (the site's own contact belongs in config.toml)",
        examples: "jane.doe@hospital.org, j_smith+scan@mail.example.com, jane dot doe at hospital dot org, jane.doe [at] hospital.org",
        patterns: &[
            r"\b[A-Za-z0-9._%+-]+\s?@\s?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b",
            concat!(
                r"\b[A-Za-z0-9_%+-]+(?:(?:\.|\s+(?i:dot)\s+|\s*[\[({<]\s*(?i:dot)\s*[\])}>]\s*)[A-Za-z0-9_%+-]+)*",
                r"(?:\s*[\[({<]\s*(?i:at)\s*[\])}>]\s*|\s+(?:at|AT)\s+)",
                r"[A-Za-z0-9-]+(?:(?:\.|\s+(?i:dot)\s+|\s*[\[({<]\s*(?i:dot)\s*[\])}>]\s*)[A-Za-z0-9-]+)*?",
                r"(?:\.|\s+(?i:dot)\s+|\s*[\[({<]\s*(?i:dot)\s*[\])}>]\s*)",
                r"(?i:com|org|net|edu|gov|mil|int|info|io|co|uk|us|ca|au|de|fr|nl|nz|ie|in|ch|es|it|se|no|dk|be|at|jp|cn|br|mx|za|eu|health)\b"
            ),
        ],
        check: is_email,
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
        id: RuleId::MacAddress,
        name: "mac-address",
        what: "a MAC address",
        fix: "remove the address: it names one device, and so the people who use it",
        examples: "00:1A:2B:3C:4D:5E, 00-1a-2b-3c-4d-5e, 001a.2b3c.4d5e",
        patterns: &[
            r"\b[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}\b",
            r"\b[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\b",
        ],
        check: is_mac,
    },
    Rule {
        id: RuleId::StreetAddress,
        name: "street-address",
        what: "a street address",
        fix: "remove the address; at most name the state",
        examples: "221B Baker Street, 42 N. Oak Rd., P.O. Box 1234, lives on Elm Street, Address: 14 Harley, 12 rue de Rivoli, Hauptstraße 5",
        patterns: &[
            r"\b(?P<id>\d{1,6}[A-Za-z]?\s+(?:[NSEW]\.?\s+|(?:North|South|East|West)\s+)?(?:(?:[A-Z][a-z]+|\d{1,3}(?:st|nd|rd|th))\.?\s+){1,3})(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Circle|Parkway|Pkwy|Highway|Hwy|Square|Crescent|Close|Grove|Gardens)\b\.?",
            r"\b(?P<id>\d{1,6}\s+(?:[a-z]+\s+){1,3})(?:street|avenue|boulevard|road|lane)\b",
            r"(?i:\bP\.?\s?O\.?\s+Box)\s+(?P<id>\d{1,6})\b",
            concat!(
                r"(?i:\b(?:lives|living|resides|residing|reside|moved|house|flat|apartment))\s+(?i:on|at|in|to)\s+(?i:the\s+)?",
                r"(?P<id>(?:[A-Z][a-z]+\s+){1,3})(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Circle|Crescent|Close|Grove|Gardens|Square)\b\.?"
            ),
            concat!(
                r"(?i:\b(?:address|addr\.?|residence|lives\s+at|living\s+at|resides\s+at|home\s+address))",
                sep!(),
                r"[:=]?",
                sep!(),
                r"(?P<id>\d{1,5}[A-Za-z]?\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2})"
            ),
            r"\b(?P<id>\d{1,4}(?:\s*(?:bis|ter))?),?\s+(?i:rue|avenue|boulevard|bd|place|chemin|allee|impasse|quai|cours)\s+(?:(?i:de\s+la|de|du|des|d')\s*)?[A-Z][a-z]+",
            r"\b[A-Z][a-z]+(?:strasse|str\.|weg|gasse|platz|allee|damm)\s+(?P<id>\d{1,3}[a-z]?)\b",
        ],
        check: any,
    },
    Rule {
        id: RuleId::Zip,
        name: "zip",
        what: "a ZIP code",
        fix: "remove the ZIP code; at most name the state",
        examples: "ZIP 02115, zip code: 90210-1234, Boston, MA 02115, Ohio 43210, postcode SW1A 1AA",
        patterns: &[
            concat!(
                r"(?i:\b(?:zip(?:\s*code)?|postal\s+code|postcode|post\s+code))",
                sep!(),
                r"[:#]?",
                sep!(),
                r"(?P<id>\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})\b"
            ),
            // After a comma ("Boston, MA 02115"): "CT" and "PA" are also a modality and a view.
            r",\s*(?:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY)\s+(?P<id>\d{5}(?:-\d{4})?)\b",
            r"\b(?:Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|Hampshire|Jersey|Mexico|York|Carolina|Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Island|Tennessee|Texas|Utah|Vermont|Virginia|Washington|Wisconsin|Wyoming)\s+(?P<id>\d{5}(?:-\d{4})?)\b",
            r"\b\d{5}-\d{4}\b",
        ],
        check: any,
    },
    Rule {
        id: RuleId::Coordinates,
        name: "coordinates",
        what: "GPS coordinates",
        fix: "remove the coordinates; a place smaller than a state identifies",
        examples: "42.3601, -71.0589, 42.3601° N, 71.0589° W, 42°21'36\"N 71°03'32\"W, GPS -33.8688, 151.2093",
        patterns: &[
            r"\b(?P<id>\d{1,2}(?:\.\d+)?\s*°?\s*[NS],?\s+\d{1,3}(?:\.\d+)?\s*°?\s*[EW])\b",
            r#"\b\d{1,3}\s*°\s*\d{1,2}\s*'\s*(?:\d{1,2}(?:\.\d+)?\s*(?:"|'')\s*)?[NSEW]\b(?:,?\s*\d{1,3}\s*°\s*\d{1,2}\s*'\s*(?:\d{1,2}(?:\.\d+)?\s*(?:"|'')\s*)?[NSEW]\b)?"#,
            concat!(
                r"(?i:\b(?:gps|coordinates|coords|lat(?:itude)?\s*/\s*long?(?:itude)?|lat[\s,/]+(?:lng|lon)|location))",
                sep!(),
                r"[:=]?",
                sep!(),
                r"(?P<id>-?\d{1,2}\.\d{2,}\s*°?\s*[NS]?,?\s*-?\d{1,3}\.\d{2,}\s*°?\s*[EW]?)"
            ),
            r"-?\b\d{1,2}\.\d{4,},\s*-?\d{1,3}\.\d{4,}\b",
        ],
        check: is_coordinates,
    },
    Rule {
        id: RuleId::Vehicle,
        name: "vehicle",
        what: "a vehicle identifier or licence plate",
        fix: "remove the vehicle identification or plate number",
        examples: "VIN 1HGCM82633A004352, licence plate AB12 CDE, registration number KA 01 AB 1234",
        patterns: &[
            r"(?i:\bVIN\b)(?i:\s*(?:number|no\.?|#))?[\s*_|`]*[:#]?[\s*_|`]*(?P<id>[A-HJ-NPR-Za-hj-npr-z0-9]{17})\b",
            r"\b[A-HJ-NPR-Z0-9]{17}\b",
            concat!(
                r"(?i:\b(?:licen[cs]e\s+plate|number\s+plate|plate\s+(?:number|no\.?)|registration\s+(?:number|no\.?|plate|mark)|vehicle\s+registration|reg\.?\s+no\.?|VRN))",
                sep!(),
                r"[:#]?",
                sep!(),
                r"(?P<id>[A-Z0-9]{1,8}(?:[\s-][A-Z0-9]{1,4}){0,3})\b"
            ),
        ],
        check: is_vehicle,
    },
    Rule {
        id: RuleId::Licence,
        name: "licence",
        what: "a licence, certificate or passport number",
        fix: "remove the number",
        examples: "driver's license number D1234567, passport number 123456789, certificate number 2023-44556, National Insurance number QQ 12 34 56 C",
        patterns: &[labelled!(
            r"\b(?:driver'?s?\s+licen[cs]e|driving\s+licen[cs]e|licen[cs]e|certificate|passport|permit|national\s+insurance|DEA|NPI|NINO)\b(?:\s+(?:number|no\.?|#|num))?",
            r"(?P<id>[A-Za-z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-Za-z]\b|[A-Za-z]{0,6}\d[A-Za-z0-9-]{3,20})\b"
        )],
        check: has_digits_4,
    },
    Rule {
        id: RuleId::DeviceId,
        name: "device-id",
        what: "a device identifier or serial number",
        fix: "remove the serial number or device identifier (of an implant, a pacemaker, a phone)",
        examples: "pacemaker serial number PJN123456, S/N 4455667788, device ID DX-20394857, UDI (01)00844588003288, IMEI 356938035643809",
        patterns: &[labelled!(
            r"\b(?:serial\s+(?:number|no\.?|#)|S/N|device\s+(?:identifier|id|serial|number|no\.?)|UDI|IMEI|(?:pacemaker|implant|ICD|defibrillator|pump|stimulator|prosthesis)\s+(?:serial(?:\s+(?:number|no\.?))?|id|number|no\.?))",
            r"(?P<id>[A-Za-z0-9(][A-Za-z0-9()-]{4,40})\b"
        )],
        check: has_digits_4,
    },
    Rule {
        id: RuleId::Url,
        name: "url",
        what: "a web address that identifies a person",
        fix: "remove the link: a social media profile, a personal page or a link carrying a patient's ID points at the person",
        examples: "facebook.com/jane.doe.1948, linkedin.com/in/john-smith, example.org/~jdoe/, portal.example.org/view?patient=4455667",
        patterns: &[
            r"(?i:\b(?:https?://)?(?:www\.|m\.)?(?:facebook|fb|twitter|x|instagram|tiktok|threads|snapchat|myspace)\.com/@?[A-Za-z0-9._-]{2,})",
            r"(?i:\b(?:https?://)?(?:www\.)?linkedin\.com/in/[A-Za-z0-9._%-]+)",
            r"(?i:\bhttps?://[A-Za-z0-9.-]+(?::\d+)?/(?:[A-Za-z0-9._-]+/)*~[A-Za-z0-9._-]+)",
            r"(?i:\bhttps?://[A-Za-z0-9.-]+(?::\d+)?(?:/[A-Za-z0-9._~%-]*)*\?(?:[A-Za-z0-9._%-]+=[A-Za-z0-9._%-]*&)*(?:patient(?:_?id)?|pid|mrn|patientname|name|dob|accession)=[A-Za-z0-9._%^-]+)",
        ],
        check: any,
    },
    Rule {
        id: RuleId::Biometric,
        name: "biometric",
        what: "a biometric identifier",
        fix: "remove the identifier (of a fingerprint, retina, iris, voice or face)",
        examples: "fingerprint ID 8f3a9c2e71, retina scan id: RS-99887766, voiceprint identifier VP12345678, biometric ID 44556677",
        patterns: &[labelled!(
            r"\b(?:finger\s*print|retina(?:l)?(?:\s+scan)?|iris(?:\s+scan)?|voice\s*print|palm\s*print|face\s*print|facial\s+(?:template|recognition)|biometric)\s+(?:identifier|id|template|hash|code|no\.?|number|#|record)",
            r"(?P<id>[A-Za-z0-9][A-Za-z0-9-]{5,})\b"
        )],
        check: has_digits_3,
    },
    Rule {
        id: RuleId::PatientName,
        name: "patient-name",
        what: "a patient's name",
        fix: "remove the name; say \"the patient\", or a role (\"a 45-year-old teacher\")",
        examples: "Patient: John Smith, Name: SMITH, JOHN, patient name Jane O'Brien, Mr. Bones, Mrs Jones, Mrs de la Cruz, Herr Müller, | Patient | John Smith |",
        patterns: &[
            concat!(
                honorific!(),
                r"\s+(?P<id>(?:",
                particle!(),
                r"\s+)*",
                names!(),
                r")"
            ),
            r"\b(?i:mr|mrs|ms|miss)\.\s+(?P<id>[a-z]+)\b",
            concat!(
                r"(?i:\b(?:patient(?:'s)?\s*name|pt\.?\s*name|name\s+of\s+(?:the\s+)?patient|patient|pt|name|surname|last\s+name|first\s+name|given\s+name|family\s+name|full\s+name|nom|nome|nombre|vorname|nachname))",
                r"[\s*_`]*(?:[:=]|\|)",
                sep!(),
                r"(?P<id>[A-Za-z]+\^[A-Za-z]+(?:\^[A-Za-z]+)*|",
                names!(),
                r"(?:,\s*",
                names!(),
                r")?|[a-z]+(?:\s+[a-z]+){1,2})"
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
    Rule {
        id: RuleId::PersonName,
        name: "person-name",
        what: "what looks like a person's name (a given name and a surname)",
        fix: "remove the name; say \"the patient\", or a role (\"a 45-year-old teacher\"); if it is an eponym, a doctor or an author, acknowledge it",
        examples: "John Smith presented with, seen with Maria Garcia, Keisha J. Washington, Connor O'Brien",
        patterns: &[NAME_PAIR],
        check: is_bare_name,
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
    Rule {
        id: RuleId::TextInImage,
        name: "text-in-image",
        what: "text is burned into the pixels",
        fix: "black it out with `redact` on the image's entry (the rectangles are given above), or crop it out of the source",
        examples: "a name, record number or date in a corner of a screenshot, a DICOM secondary capture or an ultrasound frame",
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

/// Room for the lazy DFA of each pattern and of the set: with the default, the set of every
/// rule's patterns fills its cache on a long body and falls back to a slower engine.
const DFA_CACHE: usize = 32 << 20;

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
                .dfa_size_limit(DFA_CACHE)
                .build()
                .unwrap_or_else(|e| panic!("privacy rule {}: {e}", rule.name));
            regexes.push((i, re));
        }
    }
    let set = RegexSetBuilder::new(&patterns)
        .unicode(false)
        .dfa_size_limit(DFA_CACHE)
        .build()
        .unwrap_or_else(|e| panic!("privacy rules: {e}"));
    Compiled { set, regexes }
});

/// Every identifier in `text`, in order, without overlaps. Ranges are in `text` as written.
pub fn find(text: &str) -> Vec<Hit> {
    without_overlaps(candidates(text))
}

/// Every match of every rule in `text`, overlaps included, each with the index of its rule
/// (its preference when two overlap): for a caller that drops some before choosing.
pub fn candidates(text: &str) -> Vec<(usize, Hit)> {
    let folded = normalize(text);
    let scanned: &str = &folded.text;
    let compiled = &*COMPILED;
    let matched = compiled.set.matches(scanned);
    if !matched.matched_any() {
        return Vec::new();
    }
    let mut hits = Vec::new();
    for i in matched.iter() {
        let (rule_index, re) = &compiled.regexes[i];
        let rule = &RULES[*rule_index];
        for caps in re.captures_iter(scanned) {
            let Some(whole) = caps.get(0) else { continue };
            let id = caps.name("id").map_or(whole.range(), |m| m.range());
            if whole.is_empty() || !(rule.check)(scanned, whole.range(), id.clone()) {
                continue;
            }
            // "Call 555-…": a verb is no label; the finding starts at the number.
            let whole = if rule.id == RuleId::Phone && is_verb(&scanned[whole.start()..id.start]) {
                id.clone()
            } else {
                whole.range()
            };
            hits.push((
                *rule_index,
                Hit {
                    rule,
                    span: folded.original(whole),
                    id: folded.original(id),
                },
            ));
        }
    }
    hits
}

/// Earliest first; at one place the longer match, then the rule listed first; a match that
/// overlaps one already kept is dropped.
pub fn without_overlaps(mut hits: Vec<(usize, Hit)>) -> Vec<Hit> {
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

fn any(_: &str, _: Range<usize>, _: Range<usize>) -> bool {
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

fn has_digits_4(text: &str, _: Range<usize>, id: Range<usize>) -> bool {
    digits(&text[id]) >= 4
}

fn has_digits_3(text: &str, _: Range<usize>, id: Range<usize>) -> bool {
    digits(&text[id]) >= 3
}

/// The text just before a match, lowercased, for context checks.
fn before(text: &str, start: usize, len: usize) -> String {
    let mut from = start.saturating_sub(len);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    text[from..start].to_ascii_lowercase()
}

/// The word just before a match, lowercased.
fn word_before(text: &str, start: usize) -> String {
    let b = before(text, start, 24);
    b.trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
        .rsplit(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or("")
        .to_string()
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

/// The digits of `s` as numbers 0–9.
fn digit_values(s: &str) -> Vec<u32> {
    s.chars().filter_map(|c| c.to_digit(10)).collect()
}

/// A labelled national number whose scheme has a check digit must have the right one; the
/// others are taken as written.
fn is_health_number(text: &str, whole: Range<usize>, id: Range<usize>) -> bool {
    let label = text[whole.start..id.start].to_ascii_lowercase();
    let d = digit_values(&text[id]);
    if label.contains("nhs") || label.contains("chi") {
        // Modulus 11, weights 10 to 2 (a CHI number is checked the same way).
        if d.len() != 10 {
            return false;
        }
        let sum: u32 = d[..9].iter().zip((2..=10).rev()).map(|(a, w)| a * w).sum();
        let check = (11 - sum % 11) % 11;
        return check != 10 && check == d[9];
    }
    if label.contains("medicare") {
        if !(10..=11).contains(&d.len()) || !(2..=6).contains(&d[0]) {
            return false;
        }
        let w = [1, 3, 7, 9, 1, 3, 7, 9];
        let sum: u32 = d[..8].iter().zip(w).map(|(a, w)| a * w).sum();
        return sum % 10 == d[8];
    }
    if label.contains("ohip") || label.contains("health card") {
        return d.len() == 10 && luhn(&d);
    }
    d.len() >= 7 || label.contains("nhi")
}

fn luhn(d: &[u32]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            if i % 2 == 1 {
                let y = x * 2;
                if y > 9 { y - 9 } else { y }
            } else {
                x
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Words before a date that make it a publication's, not a patient's.
const PUBLICATION_WORDS: &[&str] = &[
    "published",
    "accessed",
    "epub",
    "received",
    "accepted",
    "revised",
    "retrieved",
    "updated",
    "online",
    "cited",
];

/// A numeric date must have a real month and day; a date inside a URL path, a version number
/// or a citation ("2019 Mar 12;290:1–9", which is a journal issue) is not a patient's, nor is
/// a range of days (an event's: "12–16 March 2024"), nor a publication's date.
fn is_date(text: &str, r: Range<usize>, _: Range<usize>) -> bool {
    let s = &text[r.clone()];
    if matches!(
        char_before(text, r.start),
        Some('/' | '.' | '-' | ':' | '_')
    ) || matches!(char_after(text, r.end), Some('/' | '_'))
        || goes_on_as_number(text, r.end)
    {
        return false;
    }
    let b = before(text, r.start, 24);
    if PUBLICATION_WORDS
        .iter()
        .any(|w| b.split(|c: char| !c.is_ascii_alphabetic()).any(|x| x == *w))
    {
        return false;
    }
    // The second half of a range: "12-16 March", "28 February - 3 March".
    let bt = b.trim_end();
    if let Some(head) = bt.strip_suffix('-') {
        let head = head.trim_end();
        if head.ends_with(|c: char| c.is_ascii_alphanumeric()) {
            return false;
        }
    }
    // Ordinals ("3rd") and "of" are the only words shorter than a month name.
    let has_month_name = s
        .split(|c: char| !c.is_ascii_alphabetic())
        .any(|w| w.len() >= 3);
    if has_month_name {
        // "November 26-30", "28 February - 3 March": the first half of a range.
        let after = text[r.end..].trim_start();
        let mut rest = after.chars();
        if matches!(rest.next(), Some('-'))
            && rest
                .as_str()
                .trim_start()
                .starts_with(|c: char| c.is_ascii_digit())
        {
            return false;
        }
        // "2019 Mar 12;" is how citations write an issue date.
        let tail: Vec<char> = bt.chars().rev().take(4).collect();
        let cited = tail.len() == 4 && tail.iter().all(char::is_ascii_digit);
        if cited {
            return false;
        }
        let ordinal_word = s.split(|c: char| !c.is_ascii_alphabetic()).any(|w| {
            let w = w.to_ascii_lowercase();
            w.ends_with("th") && w.len() > 4
                || [
                    "first", "second", "third", "fifth", "ninth", "twelfth", "eighth",
                ]
                .contains(&w.as_str())
        });
        let day = numbers(s).into_iter().find(|&n| n <= 31);
        return ordinal_word || day.is_some_and(|d| d >= 1);
    }
    let ok_md = |m: u32, d: u32| (1..=12).contains(&m) && (1..=31).contains(&d);
    let year_ok = |y: u32| (1900..=2100).contains(&y);
    // DICOM's YYYYMMDD: a bare 8-digit number, so never after a citation's label.
    if s.len() == 8 && s.bytes().all(|c| c.is_ascii_digit()) {
        if [
            "pmid", "pmcid", "doi", "isbn", "nct", "#", "no", "number", "id",
        ]
        .iter()
        .any(|w| bt.ends_with(w))
        {
            return false;
        }
        let n = |a: usize, b: usize| s[a..b].parse::<u32>().unwrap_or(0);
        return year_ok(n(0, 4)) && ok_md(n(4, 6), n(6, 8));
    }
    // A time after an ISO date is part of it.
    let date = s.split(['T', ' ']).next().unwrap_or(s);
    let n = numbers(date);
    if n.len() != 3 {
        return false;
    }
    let seps: Vec<char> = date.chars().filter(|c| !c.is_ascii_digit()).collect();
    if seps.len() != 2 || seps[0] != seps[1] {
        return false;
    }
    let (a, b, c) = (n[0], n[1], n[2]);
    if date.len() >= 4 && date.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        year_ok(a) && ok_md(b, c)
    } else {
        let y_ok = if c >= 100 { year_ok(c) } else { true };
        y_ok && (ok_md(a, b) || ok_md(b, a))
    }
}

/// "aged 93" is an age, "over the age of 90", "mean age 94" (a cohort's), "aged 92 days" and
/// "age 95%" are not; "93M" is an age only where a case header puts it.
fn is_age(text: &str, r: Range<usize>, id: Range<usize>) -> bool {
    let b = before(text, r.start, 16);
    if [
        "over", "above", "under", "than", ">", "<", ">=", "<=", "the",
    ]
    .iter()
    .any(|w| b.trim_end().ends_with(w))
    {
        return false;
    }
    // An aggregate is not a person's age.
    if ["mean", "median", "average", "avg", "mean/median"]
        .iter()
        .any(|w| b.split(|c: char| !c.is_ascii_alphabetic()).any(|x| x == *w))
    {
        return false;
    }
    let s = &text[r.clone()];
    if s.ends_with(['M', 'F']) && id.end < r.end {
        // "93M with chest pain", "91F, confusion"; not "the 90 M sample" or "93 M-mode".
        if matches!(char_before(text, r.start), Some('.' | ',' | '-' | '/')) {
            return false;
        }
        let after = &text[r.end..];
        let next_word: String = after
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphabetic() || *c == '/')
            .collect::<String>()
            .to_ascii_lowercase();
        let punct = after.is_empty() || after.starts_with([',', ';', ':', ')', '.']);
        return punct
            || after.starts_with(' ')
                && [
                    "with",
                    "presenting",
                    "presents",
                    "presented",
                    "admitted",
                    "referred",
                    "who",
                    "after",
                    "c/o",
                    "complaining",
                    "known",
                    "from",
                    "had",
                    "has",
                ]
                .contains(&next_word.as_str());
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
        "±",
        "+-",
    ];
    !not_age.iter().any(|u| after.starts_with(u))
}

/// A verb before a phone number ("call", "ring", "text", "contact").
fn is_verb(label: &str) -> bool {
    let w = label
        .trim()
        .trim_end_matches([':', '.'])
        .trim()
        .to_ascii_lowercase();
    ["call", "ring", "text", "contact", "whatsapp"].contains(&w.as_str())
}

fn is_phone(text: &str, r: Range<usize>, id: Range<usize>) -> bool {
    let s = &text[r.clone()];
    // A DOI or a longer number of which this is a part.
    if matches!(char_before(text, r.start), Some('/' | '.' | '-'))
        || matches!(char_after(text, r.end), Some('-' | '/'))
        || goes_on_as_number(text, r.end)
    {
        return false;
    }
    let n = digits(&text[id]);
    if s.starts_with('0') || s.starts_with("(0") {
        // A national number with its trunk 0 has 9 to 12 digits.
        return (9..=12).contains(&n);
    }
    let labelled = s.bytes().any(|c| c.is_ascii_alphabetic());
    n >= if labelled { 4 } else { 5 }
}

/// E-mail addresses with an `@`, or spelled out: "[at]", "(at)", or " at " with a dotted
/// name or spelled-out dots ("jane dot doe at hospital dot org"), so that "available at
/// radiopaedia.org" is not an address.
fn is_email(text: &str, r: Range<usize>, _: Range<usize>) -> bool {
    let s = &text[r];
    if s.contains('@') || s.contains(['[', '(', '{', '<']) {
        return true;
    }
    let lower = s.to_ascii_lowercase();
    let Some((user, _)) = lower.split_once(" at ") else {
        return false;
    };
    s.contains(" AT ") || user.contains(['.', '_']) || lower.contains(" dot ")
}

/// Four octets of 0–255 that are not part of a longer dotted number (a version, a DICOM UID)
/// or a section number ("2.4.6.1"); or a valid IPv6 address with enough groups to be one.
fn is_ip(text: &str, r: Range<usize>, _: Range<usize>) -> bool {
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
    // Four single digits are how documents number their sections.
    if s.split('.').all(|o| o.len() == 1) {
        let b = before(text, r.start, 24);
        if !["ip", "address", "host", "server", "pacs", "gateway", "dns"]
            .iter()
            .any(|w| b.contains(w))
        {
            return false;
        }
    }
    s.split('.')
        .all(|o| o.parse::<u32>().is_ok_and(|n| n <= 255) && (o.len() == 1 || !o.starts_with('0')))
}

/// A MAC address has letters among its hex digits, or colons or dashes between six pairs.
fn is_mac(text: &str, r: Range<usize>, _: Range<usize>) -> bool {
    let s = &text[r.clone()];
    if matches!(char_before(text, r.start), Some(':' | '-' | '.'))
        || matches!(char_after(text, r.end), Some(':' | '-'))
    {
        return false;
    }
    s.contains([':', '-']) || s.bytes().any(|c| c.is_ascii_alphabetic())
}

/// Coordinates: latitude at most 90 and longitude at most 180; a bare pair of decimals only if
/// both have four decimals and one of them is at least 10 (not "p = 0.0012, 0.0345").
fn is_coordinates(text: &str, r: Range<usize>, id: Range<usize>) -> bool {
    let s = &text[id.clone()];
    let nums: Vec<f64> = s
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|p| !p.is_empty() && p != &".")
        .filter_map(|p| p.parse().ok())
        .collect();
    if nums.len() < 2 {
        return false;
    }
    let dms = s.contains('°') && s.contains('\'');
    if !dms && (nums[0] > 90.0 || nums[1] > 180.0) {
        return false;
    }
    let bare = r == id && !s.contains(['°', 'N', 'S', 'E', 'W']);
    if bare {
        let b = before(text, r.start, 6);
        if b.contains(['=', '<', '>']) || (nums[0] < 10.0 && nums[1] < 10.0) {
            return false;
        }
        return nums[0] >= 1.0 && nums[1] >= 1.0;
    }
    true
}

/// A VIN with its check digit right (North American ones have one; a labelled VIN is taken as
/// written), or a labelled plate with a digit in it that is not a trial's registration.
fn is_vehicle(text: &str, r: Range<usize>, id: Range<usize>) -> bool {
    let s = &text[id.clone()];
    if r == id {
        return s.len() == 17 && vin_check(s) && digits(s) >= 3;
    }
    let label = text[r.start..id.start].to_ascii_lowercase();
    if label.contains("vin") {
        return true;
    }
    let b = before(text, r.start, 12);
    let upper = s.to_ascii_uppercase();
    digits(s) >= 1
        && !b.contains("trial")
        && !["NCT", "ISRCTN", "ACTRN", "EUDRACT", "DRKS", "CHICTR"]
            .iter()
            .any(|p| upper.starts_with(p))
}

fn vin_check(s: &str) -> bool {
    let value = |c: u8| -> Option<u32> {
        match c {
            b'0'..=b'9' => Some(u32::from(c - b'0')),
            b'A'..=b'H' => Some(u32::from(c - b'A') + 1),
            b'J'..=b'N' => Some(u32::from(c - b'J') + 1),
            b'P' => Some(7),
            b'R' => Some(9),
            b'S'..=b'Z' => Some(u32::from(c - b'S') + 2),
            _ => None,
        }
    };
    let weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
    let mut sum = 0;
    for (i, c) in s.bytes().enumerate() {
        let Some(v) = value(c) else { return false };
        sum += v * weights[i];
    }
    let check = match sum % 11 {
        10 => b'X',
        n => b'0' + n as u8,
    };
    s.as_bytes()[8] == check
}

/// Words that follow "Patient:", "Name:" or an honorific without being a name: articles,
/// pronouns, descriptions of a patient, headings' words ("Don't Miss The…", "Mx Options").
const NOT_NAMES: &[&str] = &[
    "a",
    "an",
    "the",
    "this",
    "that",
    "these",
    "those",
    "it",
    "its",
    "of",
    "and",
    "or",
    "for",
    "to",
    "in",
    "on",
    "at",
    "by",
    "with",
    "from",
    "as",
    "out",
    "your",
    "you",
    "our",
    "my",
    "his",
    "her",
    "their",
    "we",
    "he",
    "she",
    "they",
    "who",
    "what",
    "when",
    "where",
    "why",
    "how",
    "male",
    "female",
    "man",
    "woman",
    "men",
    "women",
    "boy",
    "girl",
    "unknown",
    "anonymous",
    "anon",
    "redacted",
    "none",
    "withheld",
    "patient",
    "patients",
    "adult",
    "child",
    "infant",
    "neonate",
    "elderly",
    "young",
    "old",
    "older",
    "middle",
    "case",
    "cases",
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
    "did",
    "does",
    "will",
    "can",
    "may",
    "must",
    "should",
    "not",
    "presented",
    "presenting",
    "presents",
    "underwent",
    "referred",
    "admitted",
    "transferred",
    "seen",
    "de-identified",
    "anonymised",
    "anonymized",
    "n/a",
    "na",
    "number",
    "id",
    "fictional",
    "january",
    "february",
    "march",
    "april",
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
    "acute",
    "chronic",
    "known",
    "suspected",
    "previously",
    "recurrent",
    "new",
    "pregnant",
    "healthy",
    "asymptomatic",
    "symptomatic",
    "options",
    "option",
    "plan",
    "plans",
    "principles",
    "summary",
    "key",
    "important",
    "diagnosis",
    "findings",
    "finding",
    "lesions",
    "lesion",
    "safety",
    "first",
    "care",
    "management",
    "education",
    "information",
    "subtle",
    "signs",
    "sign",
    "anything",
    "nothing",
    "all",
    "any",
    "some",
    "one",
    "two",
    "three",
    "same",
    "other",
    "notes",
    "note",
    "details",
    "data",
    "demographics",
    "record",
    "records",
    "identifier",
    "initials",
    "removed",
    "deleted",
    "hidden",
    "omitted",
    "pending",
    "see",
    "above",
    "below",
    "per",
    "via",
    "list",
    "left",
    "right",
    "bilateral",
    "angiography",
    "lesson",
    "lessons",
    "pitfalls",
    "pearls",
    "tips",
    "advice",
    "approach",
    "overview",
    "review",
    "follow-up",
    "followup",
    "outcome",
    "course",
    "treatment",
    "therapy",
    "surgery",
    "conservative",
    "surgical",
    "medical",
    "supine",
    "prone",
    "if",
    "no",
    "yes",
    "be",
    "are",
    "were",
    "do",
    "so",
    "but",
    "too",
    "also",
    "again",
    "here",
    "there",
    "now",
    "then",
    "never",
    "always",
    "every",
    "each",
    "more",
    "most",
    "less",
    // Kinds of patient and places of care, as a table row reads under a "Patient" column.
    "inpatient",
    "inpatients",
    "outpatient",
    "outpatients",
    "pediatric",
    "paediatric",
    "emergency",
    "trauma",
    "icu",
    "clinic",
    "transfer",
    "transfers",
    "returning",
    "private",
    // Column headings beside "Patient" in a table's header row.
    "phone",
    "telephone",
    "e-mail",
    "email",
    "contact",
    "location",
    "address",
    "prep",
    "contrast",
    "sedation",
    "protocol",
    "type",
    "group",
    "study",
    "studies",
    "modality",
    "date",
    "time",
    "room",
    "service",
    "instructions",
];

/// Words before "name:" that say whose name it is, when it is not a person's ("drug name").
const NOT_A_PERSON_BEFORE: &[&str] = &[
    "drug",
    "brand",
    "generic",
    "trade",
    "product",
    "file",
    "study",
    "sequence",
    "protocol",
    "series",
    "scanner",
    "model",
    "device",
    "disease",
    "syndrome",
    "test",
    "tracer",
    "contrast",
    "agent",
    "company",
    "vendor",
    "software",
    "program",
    "programme",
    "host",
    "domain",
    "code",
    "user",
    "sign",
    "tumour",
    "tumor",
    "station",
    "institution",
    "hospital",
    "site",
    "course",
    "author",
    "reviewer",
    "doctor",
    "physician",
    "radiologist",
    "referrer",
    "referring",
    "consultant",
    "project",
    "trial",
    "dataset",
    "variable",
    "field",
    "tag",
    "element",
    "class",
    "category",
    "folder",
    "image",
    "feature",
    "medication",
    "procedure",
    "examination",
    "exam",
];

fn is_name(text: &str, r: Range<usize>, id: Range<usize>) -> bool {
    let name_part = &text[id.clone()];
    if name_part.contains('^') {
        return true;
    }
    let label = text[r.start..id.start].to_ascii_lowercase();
    if label.contains("name") && NOT_A_PERSON_BEFORE.contains(&word_before(text, r.start).as_str())
    {
        return false;
    }
    let words: Vec<String> = name_part
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_end_matches('.').to_ascii_lowercase())
        .collect();
    let Some(first) = words.first() else {
        return false;
    };
    // An initial ("A. B. Okonkwo") is not the article "a".
    let initial = name_part.len() >= 2 && name_part.as_bytes()[1] == b'.';
    if first.is_empty() || (!initial && NOT_NAMES.contains(&first.as_str())) {
        return false;
    }
    if first.len() == 1 && !name_part.contains('.') && words.len() == 1 {
        return false;
    }
    // A name written in lower case, or after "Patient" without a colon, must not be made of
    // ordinary words ("patient: presented with", "Patient Safety First").
    let lower = name_part.chars().all(|c| !c.is_ascii_uppercase());
    let no_colon = !label.contains([':', '=', '|']);
    if lower || (no_colon && label.trim_start().to_ascii_lowercase().starts_with(['p'])) {
        return words.iter().all(|w| !NOT_NAMES.contains(&w.as_str()));
    }
    true
}

/// Two capitalised words, an initial between them allowed, the second perhaps `O'…` or `Mc…`:
/// the shape of a bare name (`person-name`), its words looked up in `privacy::names`.
const NAME_PAIR: &str =
    r"\b(?P<id>[A-Z][a-z]+(?:\s+[A-Z]\.)?\s+(?:[A-Z]')?[A-Z][a-z]+(?:[A-Z][a-z]+)?)\b";

/// Every pair of capitalised words shaped like a name, whatever is around it: what a source
/// says this way is known to the output gate, which may print it without the title or label
/// that made the scan pass it ("Dr Jane Roe" in the source, "Jane Roe" in a byline).
pub fn name_shaped(text: &str) -> impl Iterator<Item = &str> {
    static SHAPE: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(NAME_PAIR).unwrap_or_else(|e| panic!("name shape: {e}"))
    });
    SHAPE.find_iter(text).map(|m| m.as_str())
}

/// A given name and a surname of the census lists (see `privacy::names`).
fn is_bare_name(text: &str, r: Range<usize>, id: Range<usize>) -> bool {
    // Most capitalised pairs start with no given name: the cheapest test first.
    if !super::names::could_be_given(&text[id.clone()]) {
        return false;
    }
    let words: Vec<&str> = text[id.clone()].split_whitespace().collect();
    let before = word_before(text, r.start).to_ascii_lowercase();
    let after: String = text[id.end..]
        .trim_start_matches([',', ' '])
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    // An initial ("Margaret A. Thompson") is not the article "a".
    !words
        .iter()
        .filter(|w| !w.ends_with('.'))
        .any(|w| NOT_NAMES.contains(&w.to_ascii_lowercase().as_str()))
        && super::names::is_person(&words, &before, &after)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Outputs name their cached files by content hash (`/cards/deaa41c0….png`): hex digits
    /// are no label and no number of anyone. Every 3-character hex start, in the forms a page
    /// writes a file name (a path, an attribute, a srcset, a meta value), with digits after it.
    #[test]
    fn content_hashes_in_file_names_are_no_identifiers() {
        let hex = b"0123456789abcdef";
        let mut flagged = Vec::new();
        for a in hex {
            for b in hex {
                for c in hex {
                    let start = String::from_utf8(vec![*a, *b, *c]).unwrap();
                    let hash = format!("{start}41c09e7d2b58a3f60c1d");
                    for text in [
                        format!("/cards/{hash}.png"),
                        format!("<img src=\"/cases/a/ct-{hash}-640.webp\">"),
                        format!("ct-{hash}-320.webp 320w, ct-{hash}-640.webp 640w"),
                        format!("og:image https://example.org/cards/{hash}.png"),
                    ] {
                        let hits = find(&text);
                        if !hits.is_empty() {
                            flagged
                                .push((text, hits.iter().map(|h| h.rule.name).collect::<Vec<_>>()));
                        }
                    }
                }
            }
        }
        assert!(
            flagged.is_empty(),
            "{} flagged: {:?}",
            flagged.len(),
            &flagged[..flagged.len().min(10)]
        );
    }

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
            "NHS number 943 476 5919",
            "VIN 1HGCM82633A004352",
            "00:1A:2B:3C:4D:5E",
            "42°21'36\"N 71°03'32\"W",
            "jane dot doe at hospital dot org",
            "MRN&nbsp;4455667",
            "| MRN | 4455667 |",
            "Mrs O’Brien",
            "the fourteenth of March",
            "93M with",
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
