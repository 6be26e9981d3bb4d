//! Every front matter key radcase knows, in one table: its type, where it may be written, and
//! whether the privacy guard reads its values as text about a patient.
//!
//! The typed reader (`front::read`), the "did you mean" hints, the check that a key is
//! shown by the page it is written on, the guard's exemptions and every line number come from
//! this table. Adding a key is one line here and the code that uses its value.

/// The kinds of page radcase knows how to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Case,
    Post,
    Person,
    Event,
    Page,
    /// An ordered list of cases, shown one at a time in the presenter.
    Playlist,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Case,
        Kind::Post,
        Kind::Person,
        Kind::Event,
        Kind::Page,
        Kind::Playlist,
    ];
    pub const NAMES: [&'static str; 6] = ["case", "post", "person", "event", "page", "playlist"];

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::NAMES
            .iter()
            .position(|n| *n == s)
            .map(|i| Kind::ALL[i])
    }

    pub fn as_str(self) -> &'static str {
        Kind::NAMES[self as usize]
    }

    /// "a case", "an event".
    pub fn with_article(self) -> String {
        match self {
            Kind::Event => "an event".into(),
            k => format!("a {}", k.as_str()),
        }
    }
}

/// How a section orders its pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    #[default]
    Date,
    Title,
    Weight,
}

/// What a key's value must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Text,
    /// A list of texts (a single text is accepted).
    TextList,
    Bool,
    /// A whole number.
    Int,
    /// A whole number of at least 1.
    Count,
    Date,
    Kind,
    SortBy,
    /// `female`/`F`, `male`/`M`, `other`, `unknown`.
    Sex,
    /// Years, or a text such as "6 weeks".
    Age,
    /// Anything, for templates (`[extra]`).
    Table,
    /// `[{ file, alt, caption, redact }]`.
    Images,
    /// `[{ dir, alt, caption, windows }]`.
    Stacks,
    /// A window preset name or `{ center, width }`.
    Window,
    /// `[[privacy.acknowledge]]`: `rule`, `text`, `reason`.
    Acknowledgements,
    /// A person's `role`: faculty, resident, fellow, alumni or staff.
    Role,
    /// A year such as 2027 (`class_of`).
    Year,
    /// `[x, y]`: a point of an image in percent of its width and height (`photo_focus`).
    Focus,
    /// A person's `[links]`: a table of network → address.
    Links,
    /// A date, or a date and time with or without an offset, kept as written: what it means
    /// depends on the event's time zone.
    When,
    /// An IANA time zone name (`"America/New_York"`).
    Zone,
    /// An `http://` or `https://` address.
    Url,
    /// `deadline`: `true` or `false` on an event, a date (or date and time) on a post.
    Deadline,
    /// A list of whole numbers of at least 0 (`remind = [14, 1]`, days before).
    Days,
    /// `[[questions]]`: `prompt`, `options` (`text`, `rationale`), `answer`, `image`.
    Questions,
}

/// Where a key may be written: in a section's `_index.md`, and on pages of which kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub section: bool,
    pub kinds: &'static [Kind],
}

impl Place {
    pub fn on_pages(&self) -> bool {
        !self.kinds.is_empty()
    }

    pub fn shown_by(&self, kind: Kind) -> bool {
        self.kinds.contains(&kind)
    }
}

const PAGES: Place = Place {
    section: false,
    kinds: &Kind::ALL,
};
const BOTH: Place = Place {
    section: true,
    kinds: &Kind::ALL,
};
const SECTION: Place = Place {
    section: true,
    kinds: &[],
};
const CASES: Place = Place {
    section: false,
    kinds: &[Kind::Case],
};
const PEOPLE: Place = Place {
    section: false,
    kinds: &[Kind::Person],
};
const EVENTS: Place = Place {
    section: false,
    kinds: &[Kind::Event],
};
const PLAYLISTS: Place = Place {
    section: false,
    kinds: &[Kind::Playlist],
};
const EVENTS_AND_POSTS: Place = Place {
    section: false,
    kinds: &[Kind::Event, Kind::Post],
};

/// One front matter key.
#[derive(Debug, PartialEq, Eq)]
pub struct Key {
    pub name: &'static str,
    pub ty: Type,
    pub place: Place,
    /// Whether the privacy guard reads its values, with the rules of the page's context (see
    /// `privacy::context`: on a person's or an event's page its own dates, names and contact
    /// details pass, a record number or a birth date does not). The others are a page's own
    /// publication dates, the site's own people, citations and template names.
    pub patient_text: bool,
}

macro_rules! keys {
    ($($id:ident = $name:literal, $ty:ident, $place:ident, $patient:literal;)*) => {
        $(pub const $id: &Key = &Key {
            name: $name,
            ty: Type::$ty,
            place: $place,
            patient_text: $patient,
        };)*
        /// Every key, in the order the README lists them.
        pub const ALL: &[&Key] = &[$($id),*];
    };
}

keys! {
    TITLE = "title", Text, BOTH, true;
    DATE = "date", Date, PAGES, false;
    UPDATED = "updated", Date, PAGES, false;
    DESCRIPTION = "description", Text, BOTH, true;
    AUTHORS = "authors", TextList, PAGES, false;
    DRAFT = "draft", Bool, PAGES, true;
    SLUG = "slug", Text, PAGES, true;
    ALIASES = "aliases", TextList, PAGES, true;
    TEMPLATE = "template", Text, BOTH, false;
    WEIGHT = "weight", Int, BOTH, true;
    KIND = "kind", Kind, PAGES, true;
    EXTRA = "extra", Table, BOTH, true;
    PRIVACY = "privacy", Acknowledgements, BOTH, false;
    SORT_BY = "sort_by", SortBy, SECTION, true;
    PAGINATE_BY = "paginate_by", Count, SECTION, true;
    PAGE_KIND = "page_kind", Kind, SECTION, true;
    PAGE_TEMPLATE = "page_template", Text, SECTION, false;
    AGE = "age", Age, CASES, true;
    SEX = "sex", Sex, CASES, true;
    PRESENTATION = "presentation", Text, CASES, true;
    DIAGNOSIS = "diagnosis", Text, CASES, true;
    CERTAINTY = "certainty", Text, CASES, true;
    DIFFERENTIAL = "differential", TextList, CASES, true;
    TEACHING_POINTS = "teaching_points", TextList, CASES, true;
    QUIZ = "quiz", Bool, CASES, true;
    QUIZ_TITLE = "quiz_title", Text, CASES, true;
    REFERENCES = "references", TextList, CASES, false;
    LICENSE = "license", Text, CASES, true;
    CONSENT = "consent", Text, CASES, true;
    IMAGES = "images", Images, CASES, true;
    STACKS = "stacks", Stacks, CASES, true;
    WINDOW = "window", Window, CASES, true;
    CARD_IMAGE = "card_image", Text, PAGES, true;
    // When a page is published and removed, and when a quiz's answer is (see content::schedule).
    PUBLISH = "publish", When, PAGES, false;
    EXPIRE = "expire", When, PAGES, false;
    REVEAL = "reveal", When, CASES, false;
    QUESTIONS = "questions", Questions, CASES, true;
    // A playlist (`kind = "playlist"`): its cases, in the order they are presented.
    PLAYLIST_CASES = "cases", TextList, PLAYLISTS, false;
    // People (`kind = "person"`): faculty, residents, fellows, alumni and staff.
    ROLE = "role", Role, PEOPLE, true;
    POSITION = "position", Text, PEOPLE, true;
    CLASS_OF = "class_of", Year, PEOPLE, true;
    PHOTO = "photo", Text, PEOPLE, true;
    PHOTO_FOCUS = "photo_focus", Focus, PEOPLE, true;
    PRONOUNS = "pronouns", Text, PEOPLE, true;
    INTERESTS = "interests", TextList, PEOPLE, true;
    EDUCATION = "education", TextList, PEOPLE, true;
    FELLOWSHIP = "fellowship", Text, PEOPLE, true;
    LINKS = "links", Links, PEOPLE, true;
    // Events and deadlines (`kind = "event"`; a post may carry a `deadline`).
    START = "start", When, EVENTS, true;
    END = "end", When, EVENTS, true;
    ALL_DAY = "all_day", Bool, EVENTS, true;
    TIMEZONE = "timezone", Zone, EVENTS, true;
    LOCATION = "location", Text, EVENTS, true;
    ONLINE = "online", Url, EVENTS, true;
    REGISTRATION = "registration", Url, EVENTS, true;
    DEADLINE = "deadline", Deadline, EVENTS_AND_POSTS, true;
    REMIND = "remind", Days, EVENTS, true;
    ORGANIZER = "organizer", Text, EVENTS, true;
}

/// The key called `name`.
pub fn get(name: &str) -> Option<&'static Key> {
    ALL.iter().copied().find(|k| k.name == name)
}

/// Whether `name` is a front matter key of its own (so it cannot name a taxonomy).
pub fn is_reserved(name: &str) -> bool {
    get(name).is_some()
}

/// The taxonomy whose terms are checked against [`LEVELS`]: who a case is written for.
pub const LEVEL: &str = "level";
/// The values `level` may take, from the first year of training to the last.
pub const LEVELS: &[&str] = &["student", "resident", "fellow"];

/// The fields of an entry of `images`.
pub const IMAGE_FIELDS: &[&str] = &["file", "alt", "caption", "redact", "focus"];
/// The fields of an entry of `stacks`.
pub const STACK_FIELDS: &[&str] = &["dir", "alt", "caption", "windows"];
/// The fields of an acknowledgement.
pub const ACK_FIELDS: &[&str] = &["rule", "text", "reason"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_kinds_round_trip() {
        for (i, k) in ALL.iter().enumerate() {
            assert!(
                ALL[..i].iter().all(|o| o.name != k.name),
                "{} twice",
                k.name
            );
            assert!(
                k.place.section || k.place.on_pages(),
                "{} goes nowhere",
                k.name
            );
        }
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        assert!(is_reserved("diagnosis") && !is_reserved("modality"));
    }
}
