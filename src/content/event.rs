//! What an event (or a post's deadline) means: its times resolved in its time zone and
//! checked (a start, an end not before it, all-day only for dates), with every problem on
//! its line. Lists, calendars and pages read only this.

use std::path::Path;

use chrono::{DateTime, Days, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::front::{Deadline, Fields, Kind, When, keys, when};

/// The site calendar's output path, at the site root.
pub const SITE_CALENDAR: &str = "events.ics";

/// The output path of a page's own calendar file: beside the page, named after it
/// (`events/open-house/open-house.ics`).
pub fn calendar_path(page: &super::Page) -> String {
    format!("{}{}.ics", page.path, page.slug)
}

/// `paginate_by` on an events section would do nothing: its page lists every event, upcoming
/// then past.
pub fn section_error(section: &super::Section) -> Option<Diagnostic> {
    if section.fields.kind(keys::PAGE_KIND) != Some(Kind::Event) {
        return None;
    }
    let line = section.fields.line(keys::PAGINATE_BY)?;
    Some(
        Diagnostic::in_file(
            section.file.as_deref().unwrap_or(Path::new("content/_index.md")),
            "`paginate_by` is set, but an events section lists all its events on one page (upcoming, then past)",
        )
        .at_line(line)
        .with_hint("remove `paginate_by` from this _index.md"),
    )
}

/// When an event happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// Whole days, `first` to `last` (inclusive), in the event's zone.
    Days { first: NaiveDate, last: NaiveDate },
    /// From `start` to `end` (none: a moment, such as a deadline at 17:00).
    Timed {
        start: DateTime<Tz>,
        end: Option<DateTime<Tz>>,
    },
}

/// An event page, or a post that carries a `deadline`.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub zone: Tz,
    pub span: Span,
    pub location: Option<String>,
    pub online: Option<String>,
    pub registration: Option<String>,
    /// An application, abstract or grant deadline (`deadline = true`, or a post's deadline).
    pub deadline: bool,
    /// Reminders, in whole days before the start.
    pub remind: Vec<u32>,
    /// `organizer`, else the site's author.
    pub organizer: Option<String>,
}

impl Event {
    pub fn all_day(&self) -> bool {
        matches!(self.span, Span::Days { .. })
    }

    /// When it begins (midnight in its zone for an all-day event).
    pub fn starts(&self) -> DateTime<Utc> {
        match self.span {
            Span::Days { first, .. } => midnight(self.zone, first),
            Span::Timed { start, .. } => start.with_timezone(&Utc),
        }
    }

    /// The moment it is over: its end, else its start; the end of its last day if all-day.
    pub fn ends(&self) -> DateTime<Utc> {
        match self.span {
            Span::Days { last, .. } => midnight(self.zone, last + Days::new(1)),
            Span::Timed { start, end } => end.unwrap_or(start).with_timezone(&Utc),
        }
    }

    /// Upcoming until it is over: a deadline stays listed until the moment it passes.
    pub fn is_upcoming(&self, now: DateTime<Utc>) -> bool {
        now < self.ends()
    }

    /// The day it starts on, in its own zone.
    pub fn first_day(&self) -> NaiveDate {
        match self.span {
            Span::Days { first, .. } => first,
            Span::Timed { start, .. } => start.date_naive(),
        }
    }

    /// Whole days from `now` (its date in the event's zone) to the day it starts; negative once
    /// that day has passed.
    pub fn days_left(&self, now: DateTime<Utc>) -> i64 {
        let today = now.with_timezone(&self.zone).date_naive();
        (self.first_day() - today).num_days()
    }
}

/// The first moment of `day` in `zone` (the first that exists, where a zone skips midnight).
pub fn midnight(zone: Tz, day: NaiveDate) -> DateTime<Utc> {
    (0..24)
        .filter_map(|h| day.and_hms_opt(h, 0, 0))
        .find_map(|t| zone.from_local_datetime(&t).earliest())
        .map_or_else(
            || Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default()),
            |t| t.with_timezone(&Utc),
        )
}

/// The zone a page's times are written in: its `timezone`, else `[program] timezone`, else UTC.
pub fn zone_of(fields: &Fields, config: &Config) -> Tz {
    fields
        .zone(keys::TIMEZONE)
        .or_else(|| {
            config
                .program
                .timezone
                .as_deref()
                .and_then(|z| when::zone(z).ok())
        })
        .unwrap_or(Tz::UTC)
}

/// `t`, the value of `key` written without an offset, as a moment in `zone`; or the problem
/// (a time the clocks skip or pass twice) and its fix.
pub fn local_time(
    zone: Tz,
    key: &crate::front::Key,
    t: NaiveDateTime,
) -> Result<DateTime<Tz>, (String, String)> {
    let name = zone.name();
    match zone.from_local_datetime(&t) {
        LocalResult::Single(t) => Ok(t),
        LocalResult::Ambiguous(a, b) => Err((
            format!(
                "`{}` = {t} happens twice in {name}: the clocks go back that night",
                key.name
            ),
            format!(
                "write it with its offset: {} = {} or {}",
                key.name,
                a.to_rfc3339(),
                b.to_rfc3339()
            ),
        )),
        LocalResult::None => Err((
            format!(
                "`{}` = {t} does not exist in {name}: the clocks go forward over it",
                key.name
            ),
            "choose a time an hour later, or write it with its offset".into(),
        )),
    }
}

/// The event of a page of `kind` with these `fields` (none for pages that are not events and
/// posts without a deadline), and every problem with it. `front_line` is where a missing
/// `start` is reported.
pub fn resolve(
    fields: &Fields,
    kind: Kind,
    config: &Config,
    file: &Path,
    front_line: usize,
) -> (Option<Event>, Vec<Diagnostic>) {
    let mut r = Resolver {
        fields,
        file,
        errors: Vec::new(),
        zone: zone_of(fields, config),
    };
    let event = match kind {
        Kind::Event => r.event(config, front_line),
        Kind::Post => r.post_deadline(config),
        _ => None,
    };
    (event.filter(|_| r.errors.is_empty()), r.errors)
}

struct Resolver<'a> {
    fields: &'a Fields,
    file: &'a Path,
    zone: Tz,
    errors: Vec<Diagnostic>,
}

/// A time resolved in the event's zone.
enum At {
    Day(NaiveDate),
    Time(DateTime<Tz>),
}

impl Resolver<'_> {
    fn error(&mut self, line: usize, message: String, hint: String) {
        self.errors.push(
            Diagnostic::in_file(self.file, message)
                .at_line(line)
                .with_hint(hint),
        );
    }

    fn line(&self, key: &crate::front::Key) -> usize {
        self.fields.line(key).unwrap_or(1)
    }

    /// `w` (the value of `key`) in the event's zone.
    fn at(&mut self, key: &crate::front::Key, w: When) -> Option<At> {
        Some(match w {
            When::Day(d) => At::Day(d),
            When::Fixed(t) => At::Time(t.with_timezone(&self.zone)),
            When::Local(t) => At::Time(self.local(key, t)?),
        })
    }

    fn local(&mut self, key: &crate::front::Key, t: NaiveDateTime) -> Option<DateTime<Tz>> {
        match local_time(self.zone, key, t) {
            Ok(t) => Some(t),
            Err((message, hint)) => {
                let line = self.line(key);
                self.error(line, message, hint);
                None
            }
        }
    }

    fn event(&mut self, config: &Config, front_line: usize) -> Option<Event> {
        let f = self.fields;
        let zone = self.zone.name();
        let Some(start) = f.when(keys::START) else {
            self.error(
                front_line,
                "an event needs a `start`".into(),
                format!("add start = 2027-01-15 (a whole day) or start = 2027-01-15T09:00:00 (a time in {zone}; set timezone = \"…\" for another zone)"),
            );
            return None;
        };
        let start = self.at(keys::START, start)?;
        let end = match f.when(keys::END) {
            Some(w) => Some(self.at(keys::END, w)?),
            None => None,
        };
        let all_day_written = f.line(keys::ALL_DAY).is_some();
        let all_day = f.flag(keys::ALL_DAY);
        let span = match (start, end) {
            (At::Day(_), _) if all_day_written && !all_day => {
                self.error(
                    self.line(keys::ALL_DAY),
                    "`all_day = false`, but `start` is a date without a time".into(),
                    "give `start` a time (start = 2027-01-15T09:00:00), or remove all_day: a date alone is a whole day".into(),
                );
                return None;
            }
            (At::Time(_), _) if all_day => {
                self.error(
                    self.line(keys::ALL_DAY),
                    "`all_day = true`, but `start` has a time".into(),
                    "write `start` (and `end`) as dates only, e.g. start = 2027-01-15, or remove all_day".into(),
                );
                return None;
            }
            (At::Day(first), None) => Span::Days { first, last: first },
            (At::Day(first), Some(At::Day(last))) => {
                if last < first {
                    self.end_before_start(&first.to_string(), &last.to_string());
                    return None;
                }
                Span::Days { first, last }
            }
            (At::Time(start), None) => Span::Timed { start, end: None },
            (At::Time(start), Some(At::Time(end))) => {
                if end < start {
                    let fmt = |t: DateTime<Tz>| t.format("%Y-%m-%d %H:%M %Z").to_string();
                    self.end_before_start(&fmt(start), &fmt(end));
                    return None;
                }
                Span::Timed {
                    start,
                    end: Some(end),
                }
            }
            (At::Day(_), Some(At::Time(_))) | (At::Time(_), Some(At::Day(_))) => {
                self.error(
                    self.line(keys::END),
                    "`start` and `end` must both be dates (an all-day event) or both dates with a time".into(),
                    "write e.g. start = 2027-01-15 and end = 2027-01-16, or start = 2027-01-15T09:00:00 and end = 2027-01-15T12:00:00".into(),
                );
                return None;
            }
        };
        let deadline = match f.deadline() {
            None => false,
            Some(Deadline::Flag(b)) => b,
            Some(Deadline::At(_)) => {
                self.error(
                    self.line(keys::DEADLINE),
                    "on an event, `deadline` is true or false, not a date: the deadline falls on its `start`".into(),
                    "write deadline = true, and put the date (and time) in `start`".into(),
                );
                return None;
            }
        };
        Some(Event {
            zone: self.zone,
            span,
            location: f.text(keys::LOCATION).map(str::to_string),
            online: f.url(keys::ONLINE).map(str::to_string),
            registration: f.url(keys::REGISTRATION).map(str::to_string),
            deadline,
            remind: f.days(keys::REMIND).to_vec(),
            organizer: f
                .text(keys::ORGANIZER)
                .map(str::to_string)
                .or_else(|| config.author.clone()),
        })
    }

    fn end_before_start(&mut self, start: &str, end: &str) {
        self.error(
            self.line(keys::END),
            format!("`end` ({end}) is before `start` ({start})"),
            "swap them, or correct the date: an event ends at or after its start".into(),
        );
    }

    /// A post's `deadline = 2027-01-15`: a deadline on the calendar, titled as the post.
    fn post_deadline(&mut self, config: &Config) -> Option<Event> {
        let span = match self.fields.deadline()? {
            Deadline::Flag(_) => {
                self.error(
                    self.line(keys::DEADLINE),
                    "on a post, `deadline` is the date the deadline falls on, not true or false"
                        .into(),
                    "write deadline = 2027-01-15, or deadline = 2027-01-15T17:00:00 for a time (in [program] timezone)".into(),
                );
                return None;
            }
            Deadline::At(w) => match self.at(keys::DEADLINE, w)? {
                At::Day(d) => Span::Days { first: d, last: d },
                At::Time(t) => Span::Timed {
                    start: t,
                    end: None,
                },
            },
        };
        Some(Event {
            zone: self.zone,
            span,
            location: None,
            online: None,
            registration: None,
            deadline: true,
            remind: Vec::new(),
            organizer: config.author.clone(),
        })
    }
}
