//! Events and deadlines: the calendar files read back with the `ical` crate (not radcase's own
//! writer), field by field; the upcoming and past lists with a fixed "today" (`--now`,
//! `SOURCE_DATE_EPOCH`); event pages and their calendar links; bad input; `new event`.

use std::collections::BTreeMap;
use std::io::BufReader;

use crate::common::*;

const CONFIG_NY: &str = "title = \"Riverside Radiology\"\nbase_url = \"https://teach.example.org/\"\nauthor = \"Riverside Radiology Residency\"\n[program]\ntimezone = \"America/New_York\"\n";
const EVENTS: &str = "+++\ntitle = \"Events\"\npage_kind = \"event\"\n+++\n";
const POSTS: &str = "+++\ntitle = \"Posts\"\npage_kind = \"post\"\n+++\n";
const NOW: &str = "2027-01-10";

fn event_md(front: &str) -> String {
    format!("+++\n{front}\n+++\nCome and meet us.\n")
}

/// A site with events of every form: times in three zones and UTC, all-day events of one and
/// several days, a deadline, an online event, a past event, and a post with a deadline.
fn site() -> TestSite {
    TestSite::with(&[
        ("config.toml", CONFIG_NY.to_string()),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\nWelcome.\n".into()),
        ("content/events/_index.md", EVENTS.into()),
        ("content/posts/_index.md", POSTS.into()),
        (
            // Winter in New York: EST, UTC-5; the zone comes from [program].
            "content/events/open-house/index.md",
            event_md("title = \"Residency open house\"\nstart = 2027-01-16T09:00:00\nend = 2027-01-16T12:30:00\nlocation = \"Conference room B, 2nd floor\"\nregistration = \"https://apply.example.org/register\"\nremind = [14, 1]"),
        ),
        (
            // Summer in New York: EDT, UTC-4.
            "content/events/summer-lecture/index.md",
            event_md("title = \"Summer lecture\"\nstart = 2027-07-02T09:00:00\nend = 2027-07-02T10:00:00\nlocation = \"Auditorium\""),
        ),
        (
            // Its own zone: CEST in July, UTC+2.
            "content/events/webinar/index.md",
            event_md("title = \"Virtual Q&A\"\nstart = 2027-07-02T18:00:00\nend = 2027-07-02T19:00:00\ntimezone = \"Europe/Berlin\"\nonline = \"https://meet.example.org/qa\""),
        ),
        (
            // An instant in UTC, shown in the program's zone.
            "content/events/utc-call/index.md",
            event_md("title = \"Journal club call\"\nstart = 2027-03-01T15:00:00Z\nend = 2027-03-01T16:00:00Z\ntimezone = \"UTC\""),
        ),
        (
            "content/events/match-day/index.md",
            event_md("title = \"Match Day\"\nstart = 2027-03-19\nremind = [0]"),
        ),
        (
            "content/events/conference/index.md",
            event_md("title = \"Regional conference\"\nstart = 2027-04-08\nend = 2027-04-10\nlocation = \"Hall 3\""),
        ),
        (
            "content/events/eras/index.md",
            event_md("title = \"ERAS application deadline\"\nstart = 2027-01-20T23:59:00\ndeadline = true\nremind = [7, 1]"),
        ),
        (
            "content/events/retreat/index.md",
            event_md("title = \"Resident retreat\"\nstart = 2026-11-10\nend = 2026-11-12\nlocation = \"Lake House\""),
        ),
        (
            "content/posts/scholarship.md",
            "+++\ntitle = \"Travel scholarship\"\ndate = 2026-12-01\ndeadline = 2027-02-01\n+++\nApply.\n".into(),
        ),
    ])
}

/// One component's properties: name → (parameters, raw value), as the `ical` crate reads them.
#[derive(Debug, Clone)]
struct Props(BTreeMap<String, Vec<(Params, String)>>);

/// A property's parameters: name → values.
type Params = Vec<(String, Vec<String>)>;

impl Props {
    fn new(props: &[ical::property::Property]) -> Props {
        let mut m: BTreeMap<String, Vec<_>> = BTreeMap::new();
        for p in props {
            m.entry(p.name.clone()).or_default().push((
                p.params.clone().unwrap_or_default(),
                p.value.clone().unwrap_or_default(),
            ));
        }
        Props(m)
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|v| v[0].1.as_str())
    }

    fn value(&self, name: &str) -> &str {
        self.get(name)
            .unwrap_or_else(|| panic!("no {name} in {:?}", self.0))
    }

    fn param(&self, name: &str, param: &str) -> Option<String> {
        self.0.get(name)?[0]
            .0
            .iter()
            .find(|(k, _)| k == param)
            .map(|(_, v)| v.join(","))
    }

    fn count(&self, name: &str) -> usize {
        self.0.get(name).map_or(0, Vec::len)
    }
}

struct Vevent {
    props: Props,
    triggers: Vec<String>,
}

/// Read a calendar file with `ical`: the calendar's properties and its events by SUMMARY.
fn parse(text: &str) -> (Props, BTreeMap<String, Vevent>) {
    let mut parser = ical::IcalParser::new(BufReader::new(text.as_bytes()));
    let cal = parser
        .next()
        .expect("one calendar")
        .expect("a valid calendar");
    assert!(parser.next().is_none(), "one VCALENDAR only");
    let events = cal
        .events
        .iter()
        .map(|e| {
            let props = Props::new(&e.properties);
            let triggers = e
                .alarms
                .iter()
                .map(|a| {
                    let p = Props::new(&a.properties);
                    assert_eq!(p.value("ACTION"), "DISPLAY");
                    p.value("TRIGGER").to_string()
                })
                .collect();
            (unescape(props.value("SUMMARY")), Vevent { props, triggers })
        })
        .collect();
    (Props::new(&cal.properties), events)
}

/// RFC 5545 TEXT unescaping (the `ical` crate leaves values as written).
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(c @ ('\\' | ';' | ',')) => out.push(c),
            other => panic!("bad escape \\{other:?} in {s:?}"),
        }
    }
    out
}

/// Unfold per RFC 5545 3.1: a CRLF followed by one space or tab joins the lines.
fn unfold(text: &str) -> String {
    text.replace("\r\n ", "").replace("\r\n\t", "")
}

fn build(site: &TestSite, now: &str) {
    site.build_ok(&["--now", now]);
}

#[test]
fn the_calendar_feed_read_field_by_field() {
    let site = site();
    build(&site, NOW);
    let (cal, events) = parse(&site.read_out("events.ics"));
    assert_eq!(cal.value("VERSION"), "2.0");
    assert!(cal.value("PRODID").starts_with("-//radcase//"));
    assert_eq!(cal.value("CALSCALE"), "GREGORIAN");
    assert_eq!(cal.value("METHOD"), "PUBLISH");
    assert_eq!(
        unescape(cal.value("X-WR-CALNAME")),
        "Riverside Radiology · Events"
    );
    let ev = |title: &str| {
        events
            .get(title)
            .unwrap_or_else(|| panic!("no {title} in {:?}", events.keys()))
    };
    // Time zone conversion: written in local time, published in UTC.
    let times = [
        (
            "Residency open house",
            "20270116T140000Z",
            "20270116T173000Z",
        ),
        ("Summer lecture", "20270702T130000Z", "20270702T140000Z"),
        ("Virtual Q&A", "20270702T160000Z", "20270702T170000Z"),
        ("Journal club call", "20270301T150000Z", "20270301T160000Z"),
    ];
    for (title, start, end) in times {
        let p = &ev(title).props;
        assert_eq!(p.value("DTSTART"), start, "{title}");
        assert_eq!(p.value("DTEND"), end, "{title}");
        assert_eq!(p.param("DTSTART", "VALUE"), None, "{title}");
    }
    // All-day events: VALUE=DATE, the end exclusive (the day after the last day).
    for (title, start, end) in [
        ("Match Day", "20270319", "20270320"),
        ("Regional conference", "20270408", "20270411"),
        ("Resident retreat", "20261110", "20261113"),
        ("Travel scholarship", "20270201", "20270202"),
    ] {
        let p = &ev(title).props;
        assert_eq!(p.value("DTSTART"), start, "{title}");
        assert_eq!(p.param("DTSTART", "VALUE").as_deref(), Some("DATE"));
        assert_eq!(p.value("DTEND"), end, "{title}");
        assert_eq!(p.param("DTEND", "VALUE").as_deref(), Some("DATE"));
    }
    // A deadline is a moment, marked as such; a post's deadline is in the calendar too.
    let eras = &ev("ERAS application deadline").props;
    assert_eq!(eras.value("DTSTART"), "20270121T045900Z");
    assert_eq!(eras.get("DTEND"), None);
    assert_eq!(eras.value("CATEGORIES"), "Deadline");
    assert_eq!(
        ev("Travel scholarship").props.value("CATEGORIES"),
        "Deadline"
    );
    assert_eq!(ev("Match Day").props.get("CATEGORIES"), None);
    // Reminders from `remind`.
    assert_eq!(ev("Residency open house").triggers, ["-P14D", "-P1D"]);
    assert_eq!(ev("ERAS application deadline").triggers, ["-P7D", "-P1D"]);
    assert_eq!(ev("Match Day").triggers, ["PT0S"]);
    assert!(ev("Summer lecture").triggers.is_empty());
    // Where, and the page.
    let open = &ev("Residency open house").props;
    assert_eq!(
        unescape(open.value("LOCATION")),
        "Conference room B, 2nd floor"
    );
    assert_eq!(
        open.value("URL"),
        "https://teach.example.org/events/open-house/"
    );
    assert!(unescape(open.value("DESCRIPTION")).contains("https://apply.example.org/register"));
    assert_eq!(
        unescape(ev("Virtual Q&A").props.value("LOCATION")),
        "https://meet.example.org/qa"
    );
    for e in events.values() {
        assert_eq!(e.props.count("UID"), 1);
        assert_eq!(e.props.count("DTSTAMP"), 1);
        // Reproducible: no DTSTAMP from the clock (the page's date, else --now).
        let stamp = e.props.value("DTSTAMP");
        assert!(
            stamp == "20270110T000000Z" || stamp == "20261201T000000Z",
            "{stamp}"
        );
    }
    assert_eq!(events.len(), 9, "{:?}", events.keys());

    // One calendar file per event, beside its page, with the same event.
    let (one, in_one) = parse(&site.read_out("events/open-house/open-house.ics"));
    assert_eq!(one.value("METHOD"), "PUBLISH");
    assert_eq!(in_one.len(), 1);
    assert_eq!(
        in_one["Residency open house"].props.value("UID"),
        open.value("UID")
    );
    let (_, post) = parse(&site.read_out("posts/scholarship/scholarship.ics"));
    assert!(post.contains_key("Travel scholarship"));
}

#[test]
fn lines_end_in_crlf_fold_at_75_octets_and_text_is_escaped() {
    let long = "Tomodensitométrie thoracique — 胸部CT 😀 ".repeat(12);
    let special = "Back\\slash; semi, comma\nnew line";
    let site = TestSite::with(&[
        ("config.toml", CONFIG_NY.to_string()),
        ("content/events/_index.md", EVENTS.into()),
        (
            "content/events/long/index.md",
            event_md(&format!(
                "title = \"Lecture, part 1; \\\\ overview\"\nstart = 2027-02-01\ndescription = \"{long}\"\nlocation = \"{}\"",
                special.replace('\\', "\\\\").replace('\n', "\\n")
            )),
        ),
    ]);
    build(&site, NOW);
    for file in ["events.ics", "events/long/long.ics"] {
        let text = site.read_out(file);
        let bytes = text.as_bytes();
        for (i, b) in bytes.iter().enumerate() {
            if *b == b'\n' {
                assert!(i > 0 && bytes[i - 1] == b'\r', "a bare LF at {i} in {file}");
            }
            if *b == b'\r' {
                assert_eq!(bytes.get(i + 1), Some(&b'\n'), "a bare CR in {file}");
            }
        }
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        let physical: Vec<&str> = text.split_terminator("\r\n").collect();
        for line in &physical {
            assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        }
        assert!(
            physical.iter().any(|l| l.starts_with(' ')),
            "the long description is folded"
        );
        let unfolded = unfold(&text);
        let description = unfolded
            .lines()
            .find_map(|l| l.strip_prefix("DESCRIPTION:"))
            .unwrap()
            .trim_end_matches('\r');
        assert!(description.starts_with(&long.trim().replace(',', "\\,")));
        let location = unfolded
            .lines()
            .find_map(|l| l.strip_prefix("LOCATION:"))
            .unwrap()
            .trim_end_matches('\r');
        assert_eq!(location, "Back\\\\slash\\; semi\\, comma\\nnew line");
        // And read back by another parser: the same text.
        let (_, events) = parse(&text);
        let e = &events["Lecture, part 1; \\ overview"];
        assert_eq!(unescape(e.props.value("LOCATION")), special);
        assert!(unescape(e.props.value("DESCRIPTION")).starts_with(long.trim()));
    }
}

fn uids(site: &TestSite) -> BTreeMap<String, String> {
    let (_, events) = parse(&site.read_out("events.ics"));
    events
        .into_iter()
        .map(|(k, e)| (k, e.props.value("UID").to_string()))
        .collect()
}

#[test]
fn uids_stay_the_same_across_builds_and_edits() {
    let site = site();
    build(&site, NOW);
    let first = uids(&site);
    let distinct: std::collections::HashSet<&String> = first.values().collect();
    assert_eq!(distinct.len(), first.len(), "every event has its own UID");
    assert_eq!(
        first["Residency open house"],
        "teach.example.org/events/open-house"
    );
    build(&site, "2027-01-11");
    assert_eq!(uids(&site), first);
    // Edit the body, the description and the time: the same event.
    site.write(
        "content/events/open-house/index.md",
        "+++\ntitle = \"Residency open house\"\ndescription = \"Now with lunch.\"\nstart = 2027-01-16T10:00:00\n+++\nA new body.\n",
    );
    build(&site, NOW);
    assert_eq!(uids(&site), first);
}

#[test]
fn builds_with_the_same_today_write_the_same_calendars() {
    let site = site();
    let files = [
        "events.ics",
        "events/open-house/open-house.ics",
        "events/index.html",
    ];
    let read = |site: &TestSite| files.map(|f| std::fs::read(site.out(f)).unwrap());
    build(&site, NOW);
    let first = read(&site);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    build(&site, NOW);
    assert_eq!(read(&site), first, "two builds with --now {NOW}");
    // SOURCE_DATE_EPOCH sets today as --now does.
    let epoch = "1799539200"; // 2027-01-10T00:00:00Z
    for _ in 0..2 {
        let out = site
            .build_cmd(&[])
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap();
        assert!(out.status.success());
        assert_eq!(read(&site), first, "SOURCE_DATE_EPOCH={epoch}");
    }
}

fn upcoming_titles(site: &TestSite) -> (Vec<String>, Vec<String>, Vec<String>) {
    let events = site.html("events/index.html");
    let home = site.html("index.html");
    (
        texts(&events, ".upcoming-list .event-item-title a"),
        texts(&events, ".past-list .event-item-title a"),
        texts(&home, ".upcoming-block .event-item-title a"),
    )
}

fn in_calendar(site: &TestSite, title: &str) -> bool {
    parse(&site.read_out("events.ics")).1.contains_key(title)
}

#[test]
fn a_past_deadline_leaves_the_upcoming_lists_and_the_feed() {
    let site = site();
    let eras = "ERAS application deadline".to_string();
    let scholarship = "Travel scholarship".to_string();
    build(&site, NOW);
    let (upcoming, past, home) = upcoming_titles(&site);
    // Soonest first; posts' deadlines listed with the events.
    assert_eq!(
        upcoming,
        [
            "Residency open house",
            "ERAS application deadline",
            "Travel scholarship",
            "Journal club call",
            "Match Day",
            "Regional conference",
            "Summer lecture",
            "Virtual Q&A"
        ]
    );
    assert_eq!(past, ["Resident retreat"]);
    assert_eq!(home.len(), 5, "the home page lists the next five: {home:?}");
    assert_eq!(home[..3], upcoming[..3]);
    assert!(in_calendar(&site, &eras) && in_calendar(&site, &scholarship));
    // Days are counted in the event's zone: --now 2027-01-10 is midnight UTC, still the 9th
    // in New York, 11 days before the 20th.
    let countdown = text(&site.html("events/eras/index.html"), ".countdown");
    assert_eq!(countdown, "Closes in 11 days");
    build(&site, "2027-01-10T12:00:00-05:00");
    let countdown = text(&site.html("events/eras/index.html"), ".countdown");
    assert_eq!(countdown, "Closes in 10 days");

    // The day the deadline closes at 23:59 in New York (04:59 UTC the next day) it is still listed.
    build(&site, "2027-01-21T04:58:00Z");
    assert!(upcoming_titles(&site).0.contains(&eras));
    assert_eq!(
        text(&site.html("events/eras/index.html"), ".countdown"),
        "Closes today"
    );
    // A minute after, it is gone from every upcoming list and from the calendar feed, and is
    // in the archive; its own page and .ics file stay.
    build(&site, "2027-01-21T05:00:00Z");
    let (upcoming, past, home) = upcoming_titles(&site);
    assert!(
        !upcoming.contains(&eras) && !home.contains(&eras),
        "{upcoming:?} {home:?}"
    );
    // The archive, newest first.
    assert_eq!(
        past,
        [
            "ERAS application deadline",
            "Residency open house",
            "Resident retreat"
        ]
    );
    assert!(!in_calendar(&site, &eras));
    assert!(site.out("events/eras/eras.ics").is_file());
    assert_eq!(
        text(
            &site.html("events/eras/index.html"),
            ".deadline-line strong"
        ),
        "Closed"
    );
    // A past event that is no deadline stays in the calendar; a post's deadline leaves it.
    build(&site, "2027-02-03");
    assert!(in_calendar(&site, "Resident retreat"));
    assert!(!in_calendar(&site, &scholarship));
    assert!(!upcoming_titles(&site).2.contains(&scholarship));

    // An event is upcoming until its end: the open house at 11:00 New York time.
    build(&site, "2027-01-16T16:00:00Z");
    assert_eq!(upcoming_titles(&site).0[0], "Residency open house");
    build(&site, "2027-01-16T17:31:00Z");
    assert!(
        !upcoming_titles(&site)
            .0
            .contains(&"Residency open house".to_string())
    );

    // The same with SOURCE_DATE_EPOCH instead of --now.
    let after = "1800507600"; // 2027-01-21T05:00:00Z
    let out = site
        .build_cmd(&[])
        .env("SOURCE_DATE_EPOCH", after)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!upcoming_titles(&site).0.contains(&eras));
    assert!(!in_calendar(&site, &eras));
    let before = "1799539200"; // 2027-01-10T00:00:00Z
    let out = site
        .build_cmd(&[])
        .env("SOURCE_DATE_EPOCH", before)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(upcoming_titles(&site).0.contains(&eras));
}

#[test]
fn an_event_page_shows_everything_with_calendar_links() {
    let site = site();
    build(&site, NOW);
    let doc = site.html("events/open-house/index.html");
    let when = text(&doc, ".event-facts time");
    assert_eq!(when, "Saturday 16 January 2027, 09:00–12:30 EST");
    assert_eq!(
        attr(&doc, ".event-facts time", "datetime"),
        "2027-01-16T09:00:00-05:00"
    );
    let facts = text(&doc, ".event-dl");
    assert!(facts.contains("Conference room B, 2nd floor"), "{facts}");
    assert!(
        facts.contains("Riverside Radiology Residency"),
        "organizer: {facts}"
    );
    assert!(facts.contains("America/New_York"), "{facts}");
    assert_eq!(
        attr(&doc, "a.register", "href"),
        "https://apply.example.org/register"
    );
    let links = attrs(&doc, ".add-calendar a", "href");
    assert_eq!(links.len(), 3);
    assert_eq!(links[0], "/events/open-house/open-house.ics");
    assert!(site.out("events/open-house/open-house.ics").is_file());
    let google = url::Url::parse(&links[1]).unwrap();
    assert_eq!(google.host_str(), Some("calendar.google.com"));
    assert_eq!(google.path(), "/calendar/render");
    let q: BTreeMap<String, String> = google.query_pairs().into_owned().collect();
    assert_eq!(q["action"], "TEMPLATE");
    assert_eq!(q["text"], "Residency open house");
    assert_eq!(q["dates"], "20270116T140000Z/20270116T173000Z");
    assert_eq!(q["location"], "Conference room B, 2nd floor");
    assert!(q["details"].contains("https://teach.example.org/events/open-house/"));
    let outlook = url::Url::parse(&links[2]).unwrap();
    assert_eq!(outlook.host_str(), Some("outlook.live.com"));
    assert_eq!(outlook.path(), "/calendar/0/deeplink/compose");
    let q: BTreeMap<String, String> = outlook.query_pairs().into_owned().collect();
    assert_eq!(q["subject"], "Residency open house");
    assert_eq!(q["startdt"], "2027-01-16T14:00:00Z");
    assert_eq!(q["enddt"], "2027-01-16T17:30:00Z");
    assert_eq!(q["allday"], "false");
    // The page links the site calendar in its head.
    assert_eq!(
        attr(&doc, "link[rel=alternate][type=\"text/calendar\"]", "href"),
        "/events.ics"
    );

    // All-day: no time, the exclusive end in the links too.
    let doc = site.html("events/conference/index.html");
    assert_eq!(
        text(&doc, ".event-facts time"),
        "Thursday 8 April 2027 – Saturday 10 April 2027"
    );
    assert!(text(&doc, ".event-dl").contains("(all day)"));
    let links = attrs(&doc, ".add-calendar a", "href");
    let q: BTreeMap<String, String> = url::Url::parse(&links[1])
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    assert_eq!(q["dates"], "20270408/20270411");
    let q: BTreeMap<String, String> = url::Url::parse(&links[2])
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    assert_eq!(
        (q["startdt"].as_str(), q["enddt"].as_str()),
        ("2027-04-08", "2027-04-11")
    );
    assert_eq!(q["allday"], "true");

    // Online, in its own zone with its abbreviation.
    let doc = site.html("events/webinar/index.html");
    assert_eq!(
        text(&doc, ".event-facts time"),
        "Friday 2 July 2027, 18:00–19:00 CEST"
    );
    assert_eq!(
        attr(&doc, "a.online-link", "href"),
        "https://meet.example.org/qa"
    );
    assert!(doc.select(&sel("a.register")).next().is_none());
    // A deadline: the badge and the days left.
    let doc = site.html("events/eras/index.html");
    assert_eq!(text(&doc, ".deadline-line .badge-deadline"), "Deadline");
    // A post's deadline shows on the post.
    let doc = site.html("posts/scholarship/index.html");
    // 9 January in New York (midnight UTC) to 1 February.
    assert_eq!(text(&doc, ".countdown"), "Closes in 23 days");

    // The events page: subscribe with webcal:, download the file; links check out.
    let doc = site.html("events/index.html");
    assert_eq!(
        attr(&doc, ".subscribe a.button", "href"),
        "webcal://teach.example.org/events.ics"
    );
    let home = site.html("index.html");
    assert_eq!(
        attr(&home, "link[rel=alternate][type=\"text/calendar\"]", "href"),
        "/events.ics"
    );
    let check = radcase()
        .args(["check"])
        .arg(&site.dir)
        .args(["--now", NOW])
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn event_json_ld_has_offsets_attendance_and_places() {
    let site = site();
    build(&site, NOW);
    let graph = |page: &str| {
        let doc = site.html(page);
        let raw = text(&doc, "script[type=\"application/ld+json\"]");
        let v: serde_json::Value = serde_json::from_str(&raw).unwrap();
        v["@graph"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["@type"] == "Event")
            .unwrap()
            .clone()
    };
    let web = graph("events/webinar/index.html");
    assert_eq!(web["startDate"], "2027-07-02T18:00:00+02:00");
    assert_eq!(web["endDate"], "2027-07-02T19:00:00+02:00");
    assert_eq!(
        web["eventAttendanceMode"],
        "https://schema.org/OnlineEventAttendanceMode"
    );
    assert_eq!(web["location"]["@type"], "VirtualLocation");
    assert_eq!(web["location"]["url"], "https://meet.example.org/qa");
    let conf = graph("events/conference/index.html");
    assert_eq!(conf["startDate"], "2027-04-08");
    assert_eq!(conf["endDate"], "2027-04-10");
    assert_eq!(conf["location"]["name"], "Hall 3");
    let open = graph("events/open-house/index.html");
    assert_eq!(open["offers"]["url"], "https://apply.example.org/register");
    assert_eq!(open["organizer"]["name"], "Riverside Radiology Residency");
}

#[test]
fn bad_event_input_names_the_file_the_line_and_the_fix() {
    // (front matter, line of the error, what the message says, what the hint says)
    let cases: &[(&str, usize, &str, &str)] = &[
        (
            "title = \"E\"\nstart = 2027-01-16T09:00:00\ntimezone = \"America/New_Yrok\"",
            4,
            "`timezone` is not a time zone: \"America/New_Yrok\"",
            "did you mean \"America/New_York\"?",
        ),
        (
            "title = \"E\"\nstart = 2027-01-16T09:00:00\nend = 2027-01-16T08:00:00",
            4,
            "`end` (2027-01-16 08:00 EST) is before `start` (2027-01-16 09:00 EST)",
            "swap them",
        ),
        (
            "title = \"E\"\nstart = 2027-01-16\nend = 2027-01-15",
            4,
            "`end` (2027-01-15) is before `start` (2027-01-16)",
            "swap them",
        ),
        (
            "title = \"E\"\nstart = 2027-01-16\nremind = [7, -1]",
            4,
            "entry 2 of `remind` is -1",
            "remind = [14, 1]",
        ),
        (
            "title = \"E\"\nstart = 2027-01-16\nremind = [\"week\"]",
            4,
            "entry 1 of `remind` must be a whole number",
            "remind = [14, 1]",
        ),
        (
            "title = \"E\"\nstart = 2027-01-16\nonline = \"not a url\"",
            4,
            "`online` must be a web address starting with https://",
            "online = \"https://",
        ),
        (
            "title = \"E\"\nstart = 2027-01-16\nregistration = \"javascript:alert(1)\"",
            4,
            "`registration` must be a web address",
            "registration = \"https://",
        ),
        (
            "title = \"E\"\nstart = \"next Tuesday\"",
            3,
            "`start` is not a valid date or time",
            "start = 2027-01-15T09:00:00",
        ),
        (
            "title = \"E\"\nstart = 2027-01-16T09:00:00\nall_day = true",
            4,
            "`all_day = true`, but `start` has a time",
            "as dates only",
        ),
        (
            "title = \"E\"\nstart = 2027-01-16\nend = 2027-01-16T10:00:00",
            4,
            "must both be dates",
            "start = 2027-01-15",
        ),
        (
            "title = \"E\"\nlocation = \"Room 1\"",
            2,
            "an event needs a `start`",
            "add start = 2027-01-15",
        ),
        (
            "title = \"E\"\nstart = 2027-01-16\ndeadline = 2027-01-16",
            4,
            "on an event, `deadline` is true or false",
            "deadline = true",
        ),
        (
            // The clocks go forward at 02:00 on 14 March 2027 in New York.
            "title = \"E\"\nstart = 2027-03-14T02:30:00",
            3,
            "does not exist in America/New_York",
            "an hour later",
        ),
    ];
    for (front, line, message, hint) in cases {
        let site = TestSite::with(&[
            ("config.toml", CONFIG_NY.to_string()),
            ("content/events/_index.md", EVENTS.into()),
            ("content/events/e/index.md", event_md(front)),
        ]);
        let err = build_fails(&site, &["--now", NOW]);
        let at = format!("content/events/e/index.md:{line}:");
        let found = err.lines().any(|l| l.contains(&at) && l.contains(message));
        assert!(found, "{front}\nwant {at} … {message}\ngot:\n{err}");
        assert!(err.contains(hint), "{front}\nwant hint {hint}\ngot:\n{err}");
    }

    // A post's deadline is a date; a key no page of its kind shows is an error.
    let wrong_kind: &[(&str, &str, &str, &str)] = &[
        (
            "content/posts/p.md",
            "title = \"P\"\ndate = 2027-01-01\ndeadline = true",
            "content/posts/p.md:4:",
            "on a post, `deadline` is the date",
        ),
        (
            "content/cases/c/index.md",
            "title = \"C\"\nstart = 2027-01-16",
            "content/cases/c/index.md:3:",
            "`start` is set, but this page is a case",
        ),
        (
            "content/cases/c/index.md",
            "title = \"C\"\ndeadline = 2027-01-16",
            "content/cases/c/index.md:3:",
            "`deadline` is set, but this page is a case",
        ),
    ];
    for (file, front, at, message) in wrong_kind {
        let site = TestSite::with(&[
            ("config.toml", CONFIG_NY.to_string()),
            ("content/posts/_index.md", POSTS.into()),
            ("content/cases/_index.md", CASES_SECTION.into()),
            (file, format!("+++\n{front}\n+++\nText.\n")),
        ]);
        let err = build_fails(&site, &["--now", NOW]);
        assert!(
            err.lines().any(|l| l.contains(at) && l.contains(message)),
            "{front}\nwant {at} {message}\ngot:\n{err}"
        );
    }

    // An events section shows every event on one page: `paginate_by` would do nothing.
    let site = TestSite::with(&[
        ("config.toml", CONFIG_NY.to_string()),
        (
            "content/events/_index.md",
            "+++\ntitle = \"Events\"\npage_kind = \"event\"\npaginate_by = 5\n+++\n".into(),
        ),
    ]);
    let err = build_fails(&site, &[]);
    assert!(
        err.contains("content/events/_index.md:4:") && err.contains("`paginate_by` is set"),
        "{err}"
    );

    // [program] timezone in config.toml.
    let site = TestSite::with(&[
        (
            "config.toml",
            CONFIG_NY.replace("America/New_York", "Europe/Berln"),
        ),
        ("content/events/_index.md", EVENTS.to_string()),
    ]);
    let err = build_fails(&site, &[]);
    assert!(
        err.contains("config.toml:5:") && err.contains("\"Europe/Berln\", not a time zone"),
        "{err}"
    );
    assert!(err.contains("did you mean \"Europe/Berlin\"?"), "{err}");
}

#[test]
fn new_event_scaffolds_a_page_that_builds() {
    let site = TestSite::with(&[("config.toml", CONFIG_NY)]);
    site.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
    let out = radcase()
        .args(["new", "event", "Residency \"open\" house", "--site"])
        .arg(&site.dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = site.path("content/events/residency-open-house/index.md");
    let text = std::fs::read_to_string(&page).unwrap();
    for key in [
        "start",
        "end",
        "all_day",
        "timezone",
        "location",
        "online",
        "registration",
        "deadline",
        "remind",
        "organizer",
    ] {
        assert!(
            text.lines()
                .any(|l| l.trim_start_matches("# ").starts_with(&format!("{key} = "))),
            "{key} missing:\n{text}"
        );
    }
    assert!(site.path("content/events/_index.md").is_file());
    site.build_ok(&[]);
    let doc = site.html("events/residency-open-house/index.html");
    assert_eq!(text_of_title(&doc), "Residency \"open\" house");
    assert!(site.out("events.ics").is_file());
    // Twice is refused: nothing is overwritten.
    let again = radcase()
        .args(["new", "event", "Residency \"open\" house", "--site"])
        .arg(&site.dir)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    // Every key, uncommented with an example value, builds too.
    let filled: String = text
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest)
                if rest
                    .split_once(" = ")
                    .is_some_and(|(k, _)| !k.contains(' ')) =>
            {
                rest.to_string()
            }
            _ => l.to_string(),
        })
        .filter(|l| !l.starts_with("end = ") && !l.starts_with("all_day = "))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&page, filled).unwrap();
    site.build_ok(&[]);
}

fn text_of_title(doc: &scraper::Html) -> String {
    text(doc, "h1")
}

#[test]
fn serve_serves_the_calendars_as_calendars() {
    let site = site();
    let server = crate::common::server::Server::start(&site, &["--now", NOW]);
    for path in ["/events.ics", "/events/open-house/open-house.ics"] {
        let reply = server.wait_for(path, "BEGIN:VCALENDAR");
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("content-type"), "text/calendar; charset=utf-8");
        assert!(!parse(&reply.text()).1.is_empty(), "{path}");
    }
    // The same events as `build` with the same today (serve's own address in URLs and UIDs).
    build(&site, NOW);
    let served = parse(&server.get("/events.ics").text()).1;
    let built = parse(&site.read_out("events.ics")).1;
    assert_eq!(
        served.keys().collect::<Vec<_>>(),
        built.keys().collect::<Vec<_>>()
    );
    for (title, e) in &built {
        assert_eq!(
            served[title].props.value("DTSTART"),
            e.props.value("DTSTART")
        );
    }
}
