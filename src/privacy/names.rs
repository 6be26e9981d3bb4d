//! Bare names in a case's text ("John Smith presented with…"): a given name and a surname, both
//! from the public-domain name lists of the 1990 US Census, with no label or honorific before
//! them. The lists are embedded (`names/given.txt`, the 5,163 given names; `names/surnames.txt`,
//! the 14,585 commonest surnames, 75 % of the people counted), so the guard needs no network.
//!
//! What keeps ordinary text out: given names that are everyday or medical words ("Mark",
//! "Grace", "Iris", "Gene"), a pair followed by an eponym's noun ("Dandy Walker malformation",
//! "Bence Jones protein"), a doctor's title before it or a degree after it (a physician is not
//! a patient), and the words the other name rules already refuse. The lists are American:
//! names of other origins are found less often, which the README says.

use std::collections::HashSet;
use std::sync::LazyLock;

static GIVEN: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| list(include_str!("names/given.txt")));
static SURNAMES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| list(include_str!("names/surnames.txt")));

fn list(text: &'static str) -> HashSet<&'static str> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect()
}

/// Given names that are also everyday, anatomical or radiological words: as the first of two
/// capitalised words they are far more often that word ("Mark Twain" is a loss worth taking).
const WORD_NAMES: &[&str] = &[
    "will",
    "may",
    "june",
    "april",
    "august",
    "mark",
    "grace",
    "hope",
    "faith",
    "joy",
    "rose",
    "iris",
    "lily",
    "ivy",
    "pat",
    "bill",
    "art",
    "guy",
    "dean",
    "frank",
    "ray",
    "rich",
    "summer",
    "autumn",
    "dawn",
    "eve",
    "holly",
    "pearl",
    "ruby",
    "sandy",
    "rusty",
    "buck",
    "chance",
    "chase",
    "clay",
    "cliff",
    "dale",
    "drew",
    "glen",
    "hunter",
    "jack",
    "king",
    "lane",
    "lee",
    "major",
    "miles",
    "norm",
    "price",
    "reed",
    "rod",
    "sterling",
    "ward",
    "young",
    "carol",
    "crystal",
    "destiny",
    "ebony",
    "ginger",
    "honey",
    "lady",
    "love",
    "merry",
    "misty",
    "robin",
    "sunny",
    "violet",
    "amber",
    "angel",
    "bell",
    "candy",
    "charity",
    "cherry",
    "coral",
    "daisy",
    "dusty",
    "ernest",
    "fern",
    "hazel",
    "heather",
    "jade",
    "jean",
    "kitty",
    "olive",
    "opal",
    "patience",
    "penny",
    "sage",
    "star",
    "stormy",
    "virginia",
    "georgia",
    "florence",
    "warren",
    "basil",
    "bud",
    "chip",
    "christian",
    "earl",
    "gene",
    "grant",
    "herb",
    "jay",
    "junior",
    "lance",
    "marshall",
    "mason",
    "max",
    "nick",
    "noble",
    "oral",
    "pierce",
    "rex",
    "rocky",
    "royal",
    "stone",
    "van",
    "gay",
    "sharp",
    "le",
    "la",
    "de",
    "du",
    "von",
    "del",
    "minor",
    "long",
    "short",
    "early",
    "late",
    "white",
    "black",
    "brown",
    "green",
    "gray",
    "grey",
    "an",
    "in",
    "on",
    "so",
    "son",
    "sun",
    "tuesday",
    "monday",
    "else",
    "bo",
    "era",
    "alpha",
    "beta",
    "delta",
    "sigma",
    "brain",
    "cord",
    "colon",
    "mitral",
    "sinus",
    "palm",
    "lung",
    "liver",
    "wade",
];

/// Nouns that make the two words before them an eponym, not a person.
const EPONYM_NOUNS: &[&str] = &[
    "syndrome",
    "disease",
    "sign",
    "signs",
    "fracture",
    "fractures",
    "lesion",
    "lesions",
    "tumor",
    "tumour",
    "cyst",
    "cysts",
    "malformation",
    "anomaly",
    "phenomenon",
    "classification",
    "criteria",
    "score",
    "scale",
    "grade",
    "grading",
    "type",
    "view",
    "views",
    "line",
    "lines",
    "triangle",
    "space",
    "canal",
    "duct",
    "ligament",
    "node",
    "nodes",
    "procedure",
    "operation",
    "repair",
    "shunt",
    "catheter",
    "tube",
    "test",
    "maneuver",
    "manoeuvre",
    "technique",
    "method",
    "index",
    "ratio",
    "angle",
    "point",
    "zone",
    "body",
    "bodies",
    "cell",
    "cells",
    "effect",
    "law",
    "rule",
    "rules",
    "hernia",
    "pouch",
    "diverticulum",
    "ulcer",
    "palsy",
    "aneurysm",
    "pattern",
    "appearance",
    "deformity",
    "variant",
    "reflex",
    "triad",
    "complex",
    "stage",
    "staging",
    "system",
    "protein",
    "proteins",
    "nodule",
    "nodules",
    "sequence",
    "artery",
    "vein",
    "valve",
    "gland",
    "muscle",
    "bursa",
    "joint",
    "foramen",
    "fossa",
    "sulcus",
    "ring",
    "fat",
    "pad",
    "cap",
    "loop",
    "band",
    "bands",
    "granule",
    "granules",
    "shadow",
    "shadows",
    "mass",
    "lymphoma",
    "sarcoma",
    "carcinoma",
    "syndromes",
    "diseases",
    "approach",
    "incision",
    "position",
    "projection",
    "study",
    "trial",
    "et",
    "and",
    "lab",
    "laboratory",
    "hospital",
    "clinic",
    "center",
    "centre",
    "institute",
    "university",
    "college",
    "school",
    "foundation",
    "award",
    "prize",
    "lecture",
    "lectureship",
    "fellowship",
    "professor",
    "chair",
    "building",
    "hall",
    "street",
    "road",
    "avenue",
    "county",
    "river",
    "lake",
    "park",
    "memorial",
    "medical",
];

/// Titles before a name and degrees after it: the name is a doctor's or an author's.
const TITLES: &[&str] = &[
    "dr",
    "doctor",
    "prof",
    "professor",
    "by",
    "author",
    "authors",
];
const DEGREES: &[&str] = &[
    "md", "do", "phd", "mbbs", "mbchb", "frcr", "frcp", "frcs", "facr", "mph", "rn", "np", "pa",
    "msc", "bsc", "dphil", "mrcp", "facs", "et", "and",
];

fn key(word: &str) -> String {
    word.chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether the first word of `pair` is a given name of the list at all.
pub fn could_be_given(pair: &str) -> bool {
    let first = pair.split_whitespace().next().unwrap_or_default();
    GIVEN.contains(key(first).as_str())
}

/// Whether `first … last` (the words of a match, an initial between them allowed) is a given
/// name and a surname of the lists, with `before` the word just before it and `after` the word
/// just after it, lower case.
pub fn is_person(words: &[&str], before: &str, after: &str) -> bool {
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return false;
    };
    let (first, last) = (key(first), key(last));
    if words.len() < 2 || first.len() < 2 || last.len() < 2 {
        return false;
    }
    let given = GIVEN.contains(first.as_str()) && !WORD_NAMES.contains(&first.as_str());
    // A surname that is also a word ("Brown", "Young", "Lee") still counts: the given name
    // before it is what says it is a person.
    if !given || !SURNAMES.contains(last.as_str()) {
        return false;
    }
    !(EPONYM_NOUNS.contains(&after) || TITLES.contains(&before) || DEGREES.contains(&after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_hold_common_names_and_leave_out_words() {
        assert!(is_person(&["John", "Smith"], "", "presented"));
        assert!(is_person(&["Maria", "Garcia"], "", ""));
        assert!(is_person(&["Keisha", "J.", "Washington"], "", ""));
        assert!(
            !is_person(&["Mark", "Smith"], "", ""),
            "an everyday word as the given name"
        );
        assert!(!is_person(&["Dandy", "Walker"], "", "malformation"));
        assert!(!is_person(&["John", "Smith"], "dr", ""));
        assert!(!is_person(&["John", "Smith"], "", "md"));
        assert!(!is_person(&["Posterior", "Fossa"], "", ""));
        assert!(!is_person(&["Right", "Lower"], "", ""));
    }
}
