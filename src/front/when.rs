//! Event times as written (`start`, `end`, a post's `deadline`) and IANA time zone names.
//!
//! A time is kept as written, date only, local or with an offset, because what it means is
//! known only once the event's zone is (its `timezone`, else `[program] timezone`, else UTC).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;

use crate::diagnostic::closest;

/// A date, or a date and time, as written in the front matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// `2027-01-15`: the whole day (an all-day event).
    Day(NaiveDate),
    /// `2027-01-15T09:00:00` (or `09:00`): in the event's time zone.
    Local(NaiveDateTime),
    /// `2027-01-15T09:00:00-05:00` or `…Z`: an instant, shown in the event's time zone.
    Fixed(DateTime<FixedOffset>),
}

impl When {
    /// Parse what TOML, YAML or a quoted string holds: `2027-01-15`, `2027-01-15T09:00`,
    /// `2027-01-15 09:00:00`, `2027-01-15T09:00:00+01:00`.
    pub fn parse(s: &str) -> Option<When> {
        let s = s.trim();
        if let Ok(d) = DateTime::parse_from_rfc3339(s) {
            return Some(When::Fixed(d));
        }
        if let Ok(d) = DateTime::parse_from_rfc3339(&s.replacen(' ', "T", 1)) {
            return Some(When::Fixed(d));
        }
        for fmt in [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
        ] {
            if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
                return Some(When::Local(dt));
            }
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().map(When::Day)
    }

    pub fn is_day(&self) -> bool {
        matches!(self, When::Day(_))
    }
}

/// `deadline` as written: a flag on an event, a date on a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    Flag(bool),
    At(When),
}

/// The IANA zone called `name` (exactly as the tz database spells it), or the hint for a name
/// that is not one: the closest zone name when there is one.
pub fn zone(name: &str) -> Result<Tz, String> {
    if let Ok(tz) = name.parse::<Tz>() {
        return Ok(tz);
    }
    let names = chrono_tz::TZ_VARIANTS.iter().map(|t| t.name());
    // Case slips ("america/new_york") are the commonest mistake: match those exactly first.
    let same_case = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|t| t.name())
        .find(|n| n.eq_ignore_ascii_case(name));
    Err(match same_case.or_else(|| closest(name, names)) {
        Some(best) => format!(
            "did you mean \"{best}\"? Time zones are IANA names such as \"America/New_York\", \"Europe/Berlin\" or \"UTC\""
        ),
        None => "write an IANA time zone name such as \"America/New_York\", \"Europe/Berlin\" or \"UTC\"".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_of_a_time() {
        assert!(matches!(When::parse("2027-01-15"), Some(When::Day(_))));
        assert!(matches!(
            When::parse("2027-01-15T09:00"),
            Some(When::Local(_))
        ));
        assert!(matches!(
            When::parse("2027-01-15 09:00:30"),
            Some(When::Local(_))
        ));
        assert!(matches!(
            When::parse("2027-01-15T09:00:00-05:00"),
            Some(When::Fixed(_))
        ));
        assert!(matches!(
            When::parse("2027-01-15T14:00:00Z"),
            Some(When::Fixed(_))
        ));
        assert_eq!(When::parse("15 January"), None);
        assert_eq!(When::parse("2027-02-30"), None);
    }

    #[test]
    fn zone_names_and_hints() {
        assert_eq!(zone("Europe/Berlin"), Ok(Tz::Europe__Berlin));
        assert_eq!(zone("UTC"), Ok(Tz::UTC));
        assert!(
            zone("america/new_york")
                .unwrap_err()
                .contains("\"America/New_York\"")
        );
        assert!(
            zone("America/New_Yrok")
                .unwrap_err()
                .contains("\"America/New_York\"")
        );
        assert!(zone("Mars/Olympus").is_err());
    }
}
