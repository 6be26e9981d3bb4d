//! The privacy guard on a residency program's site, through the real binary: the program's own
//! dates, staff names and contact details on person, event, post, plain and section pages pass
//! `build` and the output gate; a patient's record number, birth date, SSN, name or phone on
//! the same pages still fails it; a case keeps today's strict rules.

use crate::common::*;

const PROGRAM_CONFIG: &str = "title = \"Lakeside Radiology Residency\"
base_url = \"https://example.org/\"
[contact]
address = \"Department of Radiology, 1200 Lakeside Drive, Room B-214, Springfield, IL 62701\"
email = \"radres@lakeside.example.edu\"
phone = \"+1 (555) 013-4400\"
";

/// A site as a program webmaster writes it: people, an open house, a post about the match,
/// the apply page, and section pages that say when things happen.
fn program_files() -> Vec<(&'static str, String)> {
    vec![
        ("config.toml", PROGRAM_CONFIG.to_string()),
        (
            "content/_index.md",
            "+++\ntitle = \"Lakeside Radiology\"\n+++\nApplications open September 1, 2026. \
             Interview season runs Oct 17 – Dec 12, 2026.\n"
                .to_string(),
        ),
        (
            "content/people/_index.md",
            "+++\ntitle = \"People\"\npage_kind = \"person\"\n+++\nOur faculty and residents, \
             as of 07/01/2026.\n"
                .to_string(),
        ),
        (
            "content/people/maria-lopez/index.md",
            "+++
title = \"Maria Lopez\"
description = \"Program coordinator since 2019-08-01; call (555) 013-4477\"
role = \"staff\"
position = \"Program Coordinator\"
links = { email = \"maria.lopez@lakeside.example.edu\", linkedin = \"https://www.linkedin.com/in/maria-lopez-lakeside\" }
+++
Contact our program coordinator, Maria Lopez, at (555) 013-4477 or office@lakeside.example.edu.
She has run our interview days since August 1, 2019. Office hours: Mon–Fri 8:30 am – 4:30 pm.
Ms. Lopez also coordinates the Class of 2027 orientation on 6/24/2026.
"
            .to_string(),
        ),
        (
            "content/people/jane-doe/index.md",
            "+++
title = \"Jane Doe, MD\"
role = \"faculty\"
position = \"Program Director\"
+++
Program Director Jane Doe, MD joined Lakeside on 1 July 2015. Reach her office at 555.013.4410, ext. 2.
"
            .to_string(),
        ),
        (
            "content/events/_index.md",
            "+++\ntitle = \"Events\"\npage_kind = \"event\"\n+++\nUpcoming and past events.\n"
                .to_string(),
        ),
        (
            "content/events/open-house/index.md",
            "+++
title = \"Open House, October 17, 2026\"
description = \"Meet our residents on Saturday, October 17, 2026\"
start = 2026-10-17T09:00:00-04:00
end = 2026-10-17T12:00:00-04:00
location = \"1200 Lakeside Drive, Room B-214\"
organizer = \"Maria Lopez, (555) 013-4477\"
+++
Join us on Saturday, October 17, 2026 from 9:00 to 12:00 in Room B-214.
Interview dates: 10/24/2026, 11/7/2026 and 2026-12-05. Questions? Call +1 555 013 4477.
"
            .to_string(),
        ),
        (
            "content/posts/_index.md",
            "+++\ntitle = \"News\"\npage_kind = \"post\"\n+++\n".to_string(),
        ),
        (
            "content/posts/match-day.md",
            "+++
title = \"Match Day 2026\"
date = 2026-03-20
+++
On Friday, March 20, 2026 at 12:00 pm ET all six of our positions filled. Rank lists were due
03/04/2026; the SOAP ran March 16–19. Welcome, Class of 2030!
"
            .to_string(),
        ),
        (
            "content/apply.md",
            "+++
title = \"Apply\"
+++
ERAS opens to programs on 24.09.2026; the application deadline is Oct. 15, 2026.
Write to radres@lakeside.example.edu or phone (555) 013-4400.
"
            .to_string(),
        ),
    ]
}

#[test]
fn a_program_site_as_a_webmaster_writes_it_builds() {
    let site = TestSite::with(&program_files());
    let stderr = site.build_ok(&["--now", "2026-09-01"]);
    assert!(!stderr.contains("privacy"), "{stderr}");
    let page = site.html("events/open-house/index.html");
    assert!(text(&page, "body").contains("October 17, 2026"));
}

/// Only the file and line of each finding, and its rule: `path:line: privacy [rule]`.
fn findings(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|l| l.starts_with("error: ") && l.contains("privacy ["))
        .map(|l| {
            let l = l.trim_start_matches("error: ");
            let at = l.find("/content/").map_or(0, |i| i + 1);
            let (place, rest) = l[at..].split_once(": privacy [").unwrap_or((l, ""));
            let rule = rest.split(']').next().unwrap_or("");
            let place = place.rsplit_once(':').map_or(place, |p| p.0);
            format!("{place} {rule}")
        })
        .collect()
}

#[test]
fn a_patients_identifiers_fail_on_every_program_page() {
    let mut files = program_files();
    files.extend([
        // A record number in a person's body, a birth date in a front matter key of its own.
        (
            "content/people/ann-lee/index.md",
            "+++
title = \"Ann Lee\"
position = \"Resident, DOB 03/14/1996\"
links = { website = \"https://example.org/x\" }
role = \"faculty\"
+++
Dr. Lee presented the case of MRN 4455667 at grand rounds.
"
            .to_string(),
        ),
        // An SSN in an event's place and a patient's name in its organizer.
        (
            "content/events/case-night/index.md",
            "+++
title = \"Case night\"
start = 2026-11-12
location = \"Room 4, SSN 123-45-6789\"
organizer = \"Patient: John Smith\"
+++
Case night on November 12, 2026.
"
            .to_string(),
        ),
        // A patient's phone in a post, a patient's name in patient context.
        (
            "content/posts/case-of-the-week.md",
            "+++
title = \"Case of the week\"
date = 2026-05-02
+++
Mr. Roe, a 54-year-old, presented with chest pain on May 1, 2026.
The patient's daughter can be reached at 555-123-9876.

| Patient | Phone |
|---|---|
| Jane Roe | call 555-123-4567 |

| Office | Phone |
|---|---|
| Program coordinator | 555-013-4477 |
"
            .to_string(),
        ),
        // A birth date on a plain page and on a section page.
        (
            "content/about.md",
            "+++\ntitle = \"About\"\n+++\nOur first graduate (born on 4/2/1950) still visits.\n"
                .to_string(),
        ),
        (
            "content/events/_index.md",
            "+++\ntitle = \"Events\"\npage_kind = \"event\"\n+++\nUpcoming events. d.o.b. 1948-03-14\n"
                .to_string(),
        ),
        // A case keeps today's rules: a bare date is flagged.
        (
            "content/cases/_index.md",
            CASES_SECTION.to_string(),
        ),
        (
            "content/cases/a.md",
            "+++\ntitle = \"Case A\"\n+++\nCT on 10/17/2026 showed appendicitis.\n".to_string(),
        ),
    ]);
    let site = TestSite::with(&files);
    let stderr = build_fails(&site, &["--now", "2026-09-01"]);
    for raw in [
        "4455667",
        "03/14/1996",
        "123-45-6789",
        "John Smith",
        "Roe",
        "555-123-9876",
    ] {
        assert!(!stderr.contains(raw), "{raw} printed:\n{stderr}");
    }
    let mut got = findings(&stderr);
    got.sort();
    assert_eq!(
        got,
        vec![
            "content/about.md:4 dob",
            "content/cases/a.md:4 full-date",
            "content/events/_index.md:5 dob",
            "content/events/case-night/index.md:4 ssn",
            "content/events/case-night/index.md:5 patient-name",
            "content/people/ann-lee/index.md:3 dob",
            "content/people/ann-lee/index.md:7 mrn",
            // The row of a patient's name and phone: its phone is a patient's because the row
            // says "Patient", though its cell says "call".
            "content/posts/case-of-the-week.md:10 patient-name",
            "content/posts/case-of-the-week.md:10 phone",
            "content/posts/case-of-the-week.md:5 full-date",
            "content/posts/case-of-the-week.md:5 patient-name",
            "content/posts/case-of-the-week.md:6 phone",
            // The header `| Patient | Phone |` is a header: "Phone" is not a name.
        ],
        "{stderr}"
    );
}

/// A phone number or e-mail on a program page is the program's when the site's `[contact]` or
/// the page's own front matter gives it, or the sentence gives contact details; otherwise (and
/// always on a case) it is a finding.
#[test]
fn program_contact_details_are_the_program_own_and_others_are_not() {
    let mut files = program_files();
    files.extend([
        (
            "content/people/sam-ortiz/index.md",
            "+++
title = \"Sam Ortiz\"
role = \"staff\"
links = { email = \"sam.ortiz@lakeside.example.edu\" }
+++
Sam Ortiz (sam.ortiz@lakeside.example.edu) joined us in 2021; the main number is 555 013 4400.
"
            .to_string(),
        ),
        (
            "content/posts/alumni.md",
            "+++
title = \"Alumni news\"
date = 2026-05-02
+++
Kim Ng (kim.ng@mail.example.com) joined a practice in Ohio, 555 013 9999.
"
            .to_string(),
        ),
        ("content/cases/_index.md", CASES_SECTION.to_string()),
        (
            "content/cases/b.md",
            "+++\ntitle = \"Case B\"\n+++\nQuestions? Call the program office at 555 013 4477.\n"
                .to_string(),
        ),
    ]);
    let site = TestSite::with(&files);
    let stderr = build_fails(&site, &["--now", "2026-09-01"]);
    let mut got = findings(&stderr);
    got.sort();
    assert_eq!(
        got,
        vec![
            "content/cases/b.md:4 phone",
            "content/posts/alumni.md:5 email",
            "content/posts/alumni.md:5 phone",
        ],
        "{stderr}"
    );
}

/// The output gate reads a program page's outputs as the page is read: a staff name a
/// template labels passes, a name it labels as a patient's does not, and the site's
/// `[contact]` a template prints is the site's.
#[test]
fn the_gate_reads_program_outputs_in_program_context() {
    let template = "<!doctype html><html><head><title>{{ page.title }}</title></head><body>\
                    <p>{{ label }}: {{ page.title }}</p><p>Call us: +1 (555) 013-4400</p>\
                    </body></html>";
    let mut files = program_files();
    files.push((
        "content/people/staff/index.md",
        "+++\ntitle = \"Robin Hale\"\nrole = \"staff\"\ntemplate = \"staff.html\"\n+++\nOur registrar.\n".to_string(),
    ));
    files.push((
        "templates/staff.html",
        template.replace("{{ label }}", "Name"),
    ));
    let site = TestSite::with(&files);
    site.build_ok(&["--now", "2026-09-01"]);
    let page = site.html("people/staff/index.html");
    assert_eq!(texts(&page, "body p")[0], "Name: Robin Hale");

    site.write(
        "templates/staff.html",
        template.replace("{{ label }}", "Patient"),
    );
    let stderr = build_fails(&site, &["--now", "2026-09-01"]);
    assert!(
        stderr.contains("content/people/staff/index.md")
            && stderr.contains("privacy [patient-name]")
            && stderr.contains("shows in the published people/staff/index.html"),
        "{stderr}"
    );
    assert!(!stderr.contains("Hale"), "{stderr}");

    // The same labelled name on a case is a finding of the gate.
    site.write(
        "templates/staff.html",
        template.replace("{{ label }}", "Name"),
    );
    site.write("content/cases/_index.md", CASES_SECTION);
    site.write(
        "content/cases/c.md",
        "+++\ntitle = \"Robin Hale\"\ntemplate = \"staff.html\"\n+++\nA case.\n",
    );
    let stderr = build_fails(&site, &["--now", "2026-09-01"]);
    assert!(
        stderr.contains("content/cases/c.md") && stderr.contains("privacy [patient-name]"),
        "{stderr}"
    );
    assert!(!stderr.contains("content/people/staff"), "{stderr}");
}
