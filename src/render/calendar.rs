//! Events and deadlines as calendars and lists: `/events.ics` and one `.ics` per event
//! (through the [`ical`](super::ical) writer), the "add to calendar" links, the upcoming and
//! past lists, and the `event` value templates see.
//!
//! Everything here depends on the library and `Config.now` alone, so two builds with the same
//! `--now` (or `SOURCE_DATE_EPOCH`) write the same bytes.

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use super::filters;
use super::ical::Writer;
use crate::config::Config;
use crate::content::{Event, Library, Page, Span};
use crate::types::PageId;

pub use crate::content::event::SITE_CALENDAR;

/// Query values keep only the characters that never need escaping.
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The pages in `/events.ics`: every event and deadline except the deadlines that have passed
/// (nobody needs to be reminded of them), ordered by start.
fn in_site_calendar(library: &Library, now: DateTime<Utc>) -> Vec<PageId> {
    let mut ids: Vec<PageId> = library
        .page_ids()
        .filter(|&i| {
            library
                .page(i)
                .event
                .as_ref()
                .is_some_and(|e| !e.deadline || e.is_upcoming(now))
        })
        .collect();
    sort_by_start(library, &mut ids, false);
    ids
}

fn sort_by_start(library: &Library, ids: &mut [PageId], newest_first: bool) {
    ids.sort_by(|&a, &b| {
        let (pa, pb) = (library.page(a), library.page(b));
        let (sa, sb) = (start(pa), start(pb));
        let order = if newest_first {
            sb.cmp(&sa)
        } else {
            sa.cmp(&sb)
        };
        order.then_with(|| pa.rel.cmp(&pb.rel))
    });
}

fn start(page: &Page) -> Option<DateTime<Utc>> {
    page.event.as_ref().map(Event::starts)
}

/// The events and deadlines not yet over, soonest first. `section` limits them to one section.
pub fn upcoming(library: &Library, now: DateTime<Utc>, pages: &[PageId]) -> Vec<PageId> {
    events_where(library, pages, |e| e.is_upcoming(now), false)
}

/// The events that are over, newest first.
pub fn past(library: &Library, now: DateTime<Utc>, pages: &[PageId]) -> Vec<PageId> {
    events_where(library, pages, |e| !e.is_upcoming(now), true)
}

/// The pages of `pages` whose event `keep` holds, by start (latest first if `newest_first`).
fn events_where(
    library: &Library,
    pages: &[PageId],
    keep: impl Fn(&crate::content::event::Event) -> bool,
    newest_first: bool,
) -> Vec<PageId> {
    let mut ids: Vec<PageId> = pages
        .iter()
        .copied()
        .filter(|&i| library.page(i).event.as_ref().is_some_and(&keep))
        .collect();
    sort_by_start(library, &mut ids, newest_first);
    ids
}

/// A deadline that has passed: left out of feeds and upcoming lists.
pub fn is_past_deadline(page: &Page, now: DateTime<Utc>) -> bool {
    page.event
        .as_ref()
        .is_some_and(|e| e.deadline && !e.is_upcoming(now))
}

/// `/events.ics`: every event and every deadline still to come.
pub fn site(library: &Library, config: &Config) -> String {
    let name = format!("{} · Events", config.title);
    let pages: Vec<&Page> = in_site_calendar(library, config.now)
        .into_iter()
        .map(|i| library.page(i))
        .collect();
    calendar(&name, &pages, config)
}

/// The calendar file of one event or deadline.
pub fn page(page: &Page, config: &Config) -> String {
    calendar(page.title(), &[page], config)
}

fn calendar(name: &str, pages: &[&Page], config: &Config) -> String {
    let mut w = Writer::new();
    w.begin("VCALENDAR");
    w.raw("VERSION", "2.0");
    w.raw(
        "PRODID",
        &format!("-//radcase//radcase {}//EN", env!("CARGO_PKG_VERSION")),
    );
    w.raw("CALSCALE", "GREGORIAN");
    w.raw("METHOD", "PUBLISH");
    w.text("X-WR-CALNAME", name);
    if let Some(d) = &config.description {
        w.text("X-WR-CALDESC", d);
    }
    // Subscribed calendars ask again twice a day: a deadline that passes leaves them then.
    w.raw("REFRESH-INTERVAL;VALUE=DURATION", "PT12H");
    w.raw("X-PUBLISHED-TTL", "PT12H");
    for page in pages {
        if let Some(event) = &page.event {
            vevent(&mut w, page, event, config);
        }
    }
    w.end("VCALENDAR");
    w.finish()
}

/// `teaching.example.org/events/open-house`: from the site's host and the page's address, so
/// it stays the same across builds and edits of everything but the address. Not the usual
/// `id@host`: that reads as an e-mail address, to people and to the privacy guard.
pub fn uid(page: &Page, config: &Config) -> String {
    let host = url::Url::parse(&config.base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "localhost".into());
    format!("{host}/{}", page.path.trim_end_matches('/'))
}

/// DTSTAMP: when the page was last revised (`updated`, else `date`), else the build's "today"
/// (`--now`, `SOURCE_DATE_EPOCH`, the clock), so it never changes between builds by itself.
fn stamp(page: &Page, config: &Config) -> DateTime<Utc> {
    page.updated()
        .or_else(|| page.date())
        .map_or(config.now, |d| d.with_timezone(&Utc))
}

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn day(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// The day after `d`: iCalendar's and the calendar links' end of an all-day event is exclusive.
fn next_day(d: NaiveDate) -> NaiveDate {
    d + Days::new(1)
}

/// The description as plain text, with the event's links (calendar apps show no page).
fn description(page: &Page, event: &Event) -> String {
    let mut text = page
        .disclosure
        .description
        .clone()
        .or_else(|| page.summary.as_deref().map(plain))
        .unwrap_or_default();
    let mut add = |label: &str, url: &Option<String>| {
        if let Some(url) = url {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&format!("{label}: {url}"));
        }
    };
    add("Online", &event.online);
    add("Registration", &event.registration);
    // ORGANIZER would need an e-mail address (a mailto: URI); the name goes in the text.
    add("Organizer", &event.organizer);
    text.trim().to_string()
}

/// HTML to plain text: tags removed, the few entities the Markdown renderer writes decoded.
fn plain(html: &str) -> String {
    filters::strip_tags(html)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .trim()
        .to_string()
}

fn vevent(w: &mut Writer, page: &Page, event: &Event, config: &Config) {
    w.begin("VEVENT");
    w.text("UID", &uid(page, config));
    w.raw("DTSTAMP", &utc(stamp(page, config)));
    match event.span {
        Span::Days { first, last } => {
            w.raw("DTSTART;VALUE=DATE", &day(first));
            w.raw("DTEND;VALUE=DATE", &day(next_day(last)));
        }
        Span::Timed { start, end } => {
            w.raw("DTSTART", &utc(start.with_timezone(&Utc)));
            if let Some(end) = end {
                w.raw("DTEND", &utc(end.with_timezone(&Utc)));
            }
        }
    }
    w.text("SUMMARY", page.title());
    let d = description(page, event);
    if !d.is_empty() {
        w.text("DESCRIPTION", &d);
    }
    if let Some(place) = event.location.as_ref().or(event.online.as_ref()) {
        w.text("LOCATION", place);
    }
    w.raw("URL;VALUE=URI", &page.permalink);
    if event.deadline {
        w.text("CATEGORIES", "Deadline");
        // A deadline takes no time in anyone's day.
        w.raw("TRANSP", "TRANSPARENT");
    }
    for days in &event.remind {
        w.begin("VALARM");
        w.raw("ACTION", "DISPLAY");
        w.text("DESCRIPTION", page.title());
        let trigger = if *days == 0 {
            "PT0S".to_string()
        } else {
            format!("-P{days}D")
        };
        w.raw("TRIGGER", &trigger);
        w.end("VALARM");
    }
    w.end("VEVENT");
}

/// What templates see as `page.event`.
#[derive(Debug, Serialize)]
pub struct EventView {
    pub all_day: bool,
    pub deadline: bool,
    pub upcoming: bool,
    /// Whole days from today to the day it starts (negative once past).
    pub days_left: i64,
    /// "today", "tomorrow", "in 12 days", "closed" (deadlines) or "past".
    pub countdown: String,
    /// `2027-01-15` or `2027-01-15T09:00:00-05:00`, for `<time datetime>`.
    pub start: String,
    pub end: Option<String>,
    /// "Friday 15 January 2027".
    pub date: String,
    /// "09:00–12:00 EST" (none for an all-day event).
    pub time: Option<String>,
    /// Whether it starts and ends on one day (then `date` and `time` say all of `when`).
    pub one_day: bool,
    /// The whole span in words: "Friday 15 January 2027, 09:00–12:00 EST".
    pub when: String,
    /// For date tiles: "15", "Jan", "2027".
    pub day: String,
    pub month: String,
    pub year: String,
    pub timezone: String,
    pub tz_abbr: Option<String>,
    pub location: Option<String>,
    pub online: Option<String>,
    pub registration: Option<String>,
    pub organizer: Option<String>,
    pub ics: String,
    pub google: String,
    pub outlook: String,
}

const LONG_DATE: &str = "%A %-d %B %Y";

pub fn view(page: &Page, config: &Config) -> Option<EventView> {
    let e = page.event.as_ref()?;
    let now = config.now;
    let upcoming = e.is_upcoming(now);
    let days_left = e.days_left(now);
    let countdown = match (upcoming, days_left) {
        (false, _) if e.deadline => "closed".into(),
        (false, _) => "past".into(),
        (true, ..=0) => "today".into(),
        (true, 1) => "tomorrow".into(),
        (true, n) => format!("in {n} days"),
    };
    let zone = e.zone;
    let (start, end, time, when, tz_abbr) = match e.span {
        Span::Days { first, last } => {
            let when = if last == first {
                first.format(LONG_DATE).to_string()
            } else {
                format!("{} – {}", first.format(LONG_DATE), last.format(LONG_DATE))
            };
            let end = (last != first).then(|| last.to_string());
            (first.to_string(), end, None, when, None)
        }
        Span::Timed { start, end } => {
            let abbr = start.format("%Z").to_string();
            let hm = |t: DateTime<Tz>| t.format("%H:%M").to_string();
            let time = match end {
                Some(end) if end.date_naive() == start.date_naive() => {
                    let end_abbr = end.format("%Z").to_string();
                    if end_abbr == abbr {
                        format!("{}–{} {abbr}", hm(start), hm(end))
                    } else {
                        format!("{} {abbr} – {} {end_abbr}", hm(start), hm(end))
                    }
                }
                _ => format!("{} {abbr}", hm(start)),
            };
            let when = match end {
                Some(end) if end.date_naive() != start.date_naive() => format!(
                    "{}, {} {abbr} – {}, {} {}",
                    start.format(LONG_DATE),
                    hm(start),
                    end.format(LONG_DATE),
                    hm(end),
                    end.format("%Z")
                ),
                _ => format!("{}, {time}", start.format(LONG_DATE)),
            };
            (
                start.to_rfc3339(),
                end.map(|t| t.to_rfc3339()),
                Some(time),
                when,
                Some(abbr),
            )
        }
    };
    let first = e.first_day();
    Some(EventView {
        all_day: e.all_day(),
        deadline: e.deadline,
        upcoming,
        days_left,
        countdown,
        start,
        end,
        date: first.format(LONG_DATE).to_string(),
        one_day: match e.span {
            Span::Days { first, last } => first == last,
            Span::Timed { start, end } => end.is_none_or(|t| t.date_naive() == start.date_naive()),
        },
        time,
        when,
        day: first.format("%-d").to_string(),
        month: first.format("%b").to_string(),
        year: first.format("%Y").to_string(),
        timezone: zone.name().to_string(),
        tz_abbr,
        location: e.location.clone(),
        online: e.online.clone(),
        registration: e.registration.clone(),
        organizer: e.organizer.clone(),
        ics: format!("{}{}.ics", page.url, page.slug),
        google: google_link(page, e),
        outlook: outlook_link(page, e),
    })
}

fn q(s: &str) -> String {
    utf8_percent_encode(s, QUERY).to_string()
}

/// Plain text for a calendar link's details: the description and the page's address.
fn details(page: &Page, e: &Event) -> String {
    let d = description(page, e);
    if d.is_empty() {
        page.permalink.clone()
    } else {
        format!("{d}\n\n{}", page.permalink)
    }
}

/// Google Calendar's "add event" template (no script, no account until it is opened).
fn google_link(page: &Page, e: &Event) -> String {
    let dates = match e.span {
        Span::Days { first, last } => format!("{}/{}", day(first), day(next_day(last))),
        Span::Timed { start, end } => {
            let s = utc(start.with_timezone(&Utc));
            let e = end.map_or_else(|| s.clone(), |t| utc(t.with_timezone(&Utc)));
            format!("{s}/{e}")
        }
    };
    let mut url = format!(
        "https://calendar.google.com/calendar/render?action=TEMPLATE&text={}&dates={}&details={}&ctz={}",
        q(page.title()),
        q(&dates),
        q(&details(page, e)),
        q(e.zone.name())
    );
    if let Some(place) = e.location.as_ref().or(e.online.as_ref()) {
        url.push_str(&format!("&location={}", q(place)));
    }
    url
}

/// Outlook on the web's "new event" form.
fn outlook_link(page: &Page, e: &Event) -> String {
    let (start, end, all_day) = match e.span {
        Span::Days { first, last } => (first.to_string(), next_day(last).to_string(), true),
        Span::Timed { start, end } => {
            let f = |t: DateTime<Tz>| {
                t.with_timezone(&Utc)
                    .format("%Y-%m-%dT%H:%M:%SZ")
                    .to_string()
            };
            (f(start), f(end.unwrap_or(start)), false)
        }
    };
    let mut url = format!(
        "https://outlook.live.com/calendar/0/deeplink/compose?path=%2Fcalendar%2Faction%2Fcompose&rru=addevent&subject={}&startdt={}&enddt={}&allday={all_day}&body={}",
        q(page.title()),
        q(&start),
        q(&end),
        q(&details(page, e))
    );
    if let Some(place) = e.location.as_ref().or(e.online.as_ref()) {
        url.push_str(&format!("&location={}", q(place)));
    }
    url
}

/// The `webcal:` address of `/events.ics`, which calendar apps open as a subscription.
pub fn webcal(config: &Config) -> String {
    let https = config.permalink(&format!("{}{SITE_CALENDAR}", config.base_path));
    match https.split_once("://") {
        Some((_, rest)) => format!("webcal://{rest}"),
        None => https,
    }
}
