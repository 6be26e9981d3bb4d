//! `radcase new site DIR`, `radcase new case TITLE`, `radcase new person NAME` and
//! `radcase new event TITLE`: starter files that build as they are.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Result, io_error};

const SITE_CONFIG: &str = r#"# The site's settings. Every key is described in the radcase README.
title = "Teaching Cases"
# The address the site is published at. The deploy workflow in .github/ builds with the
# address GitHub Pages gives the site instead, so this one matters for `radcase build` only.
base_url = "https://teaching.example.org/"
description = "Radiology teaching cases from our department."
language = "en"
# author = "…"                    # who publishes the site: shown in feeds and page footers

# Ways to browse the cases. These four are the default; `level` takes "student",
# "resident" or "fellow".
[[taxonomies]]
name = "modality"
title = "Modality"

[[taxonomies]]
name = "system"
title = "Body system"

[[taxonomies]]
name = "level"
title = "Level"

[[taxonomies]]
name = "tags"
title = "Tags"

[extra]
"#;

const HOME: &str = r#"+++
title = "Teaching Cases"
description = "Radiology teaching cases from our department."
+++
Cases from our daily work, de-identified and written up for residents and students.
"#;

const CASES_SECTION: &str = r#"+++
title = "Cases"
description = "All teaching cases, newest first."
page_kind = "case"
sort_by = "date"
paginate_by = 12
+++
"#;

const ABOUT: &str = r#"+++
title = "About"
description = "Who writes these cases and how they are prepared."
+++
These teaching cases are written by our residents and reviewed by faculty. Every image is
de-identified before it is added, and radcase strips all image metadata when it publishes.
"#;

/// Create a starter site in `dir`.
pub fn site(dir: &Path) -> Result<()> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(
            Diagnostic::in_file(dir, "the folder already exists and is not empty")
                .with_hint("choose a new folder name; radcase never writes over existing files")
                .into(),
        );
    }
    let today = chrono::Local::now().date_naive();
    let sample = SAMPLE_CASE.replace("{date}", &today.to_string());
    let workflow = GITHUB_PAGES.replace("{repository}", env!("CARGO_PKG_REPOSITORY"));
    let files: [(&str, &str); 7] = [
        ("config.toml", SITE_CONFIG),
        ("content/_index.md", HOME),
        ("content/cases/_index.md", CASES_SECTION),
        ("content/about.md", ABOUT),
        (SAMPLE_PATH, &sample),
        (".gitignore", GITIGNORE),
        (WORKFLOW_PATH, &workflow),
    ];
    for (rel, text) in files {
        write_new(&dir.join(rel), text)?;
    }
    for empty in ["static", "templates"] {
        let d = dir.join(empty);
        std::fs::create_dir_all(&d).map_err(|e| io_error(&d, "create the folder", &e))?;
    }
    Ok(())
}

/// What `new site` tells the user to do next: the commands use `dir` as given, quoted for a
/// shell so they can be pasted.
pub fn next_steps(dir: &Path) -> String {
    let shown = dir.display().to_string();
    let dir = shlex::try_quote(&shown).unwrap_or(shown.as_str().into());
    format!(
        "Created a new site in {dir}:
  {SAMPLE_DIR}/  a sample case: edit it, or delete it once you have your own
  {WORKFLOW_PATH}  publishes the site on GitHub Pages (see Deploy in the README)
Next:
  radcase serve {dir}   preview it at http://127.0.0.1:1111/ while you write
  radcase new case \"TITLE\" --site {dir}   start a case
  radcase build {dir}   the site to publish, in {dir}/public/"
    )
}

/// Create `content/people/SLUG/index.md` in `site` (and the people section, if the site has
/// none) and return its path.
pub fn person(site: &Path, name: &str) -> Result<PathBuf> {
    is_site(site)?;
    if name.chars().any(char::is_control) {
        return Err(
            Diagnostic::new("the name contains a line break or another control character")
                .with_hint("give the name on one line, e.g. \"Jane Doe\"")
                .into(),
        );
    }
    let slug = slug::slugify(name);
    if slug.is_empty() {
        return Err(Diagnostic::new(format!(
            "the name \"{name}\" has no letters or digits to make a folder name from"
        ))
        .with_hint("give the person's name as the site should show it, e.g. \"Jane Doe\"")
        .into());
    }
    let path = site.join("content/people").join(&slug).join("index.md");
    if path.exists() {
        return Err(
            Diagnostic::in_file(&path, "a person with this name already exists")
                .with_hint("edit the existing page, or give the name as the site should tell them apart (e.g. with a middle initial)")
                .into(),
        );
    }
    let section = site.join("content/people/_index.md");
    if !section.exists() {
        write_new(&section, PEOPLE_SECTION)?;
    }
    write_new(&path, &person_text(name))?;
    Ok(path)
}

const PEOPLE_SECTION: &str = r#"+++
title = "People"
description = "Our faculty, residents, fellows, alumni and staff."
page_kind = "person"
+++
"#;

/// A new person: every person key, commented out but `role` (a person page needs one).
fn person_text(name: &str) -> String {
    let name = name.replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        r###"+++
title = "{name}"
# A line starting with # is not published: remove the # and write the value to show it.
role = "faculty"                   # faculty, resident, fellow, alumni or staff
# position = "Program Director"    # e.g. "Chief Resident", "Program Coordinator"
# class_of = 2028                  # residents, fellows, alumni: the year they graduate(d); a
#                                  #   resident's PGY year is counted from it, and residents and
#                                  #   fellows move to alumni once it has passed
# pronouns = "she/her"
# description = "One sentence for search results and link previews."
# photo = "portrait.jpg"           # a photo in this folder; published as a square, metadata removed
# photo_focus = [50, 35]           # the centre of the square, in percent across and down (default [50, 40])
interests = []                     # e.g. ["Neuroradiology", "Medical education"]
education = []                     # e.g. ["MD, University of Somewhere", "Residency, Riverside Hospital"]
# fellowship = "Neuroradiology, University Hospital"   # alumni: where they went; fellows: their fellowship
# draft = true                     # keeps the page out of the site (`serve --drafts` shows it)
# weight = 1                       # a lower weight lists the person first within their group

# Elsewhere on the web: each is shown with rel="me"; the e-mail address so that harvesters cannot read it.
[links]
# website = "https://example.org/"
# email = "jane.doe@example.org"
# orcid = "0000-0002-1825-0097"
# scholar = "https://scholar.google.com/citations?user=…"
# linkedin = "https://www.linkedin.com/in/…"
# bluesky = "@name.bsky.social"
# mastodon = "@name@mastodon.social"
# x = "@name"

# Below the closing +++ goes a short biography in Markdown. Cases and posts whose `authors`
# name this person (by "{name}" or by the folder name) are listed on the page by themselves.
+++
"###
    )
}

fn is_site(site: &Path) -> Result<()> {
    if !site.join("config.toml").is_file() {
        return Err(
            Diagnostic::in_file(site, "this is not a site folder (it has no config.toml)")
                .with_hint(
                    "pass the site folder with --site, or create one with `radcase new site DIR`",
                )
                .into(),
        );
    }
    Ok(())
}

/// Create `content/cases/SLUG/index.md` in `site` and return its path.
pub fn case(site: &Path, title: &str) -> Result<PathBuf> {
    if !site.join("config.toml").is_file() {
        return Err(
            Diagnostic::in_file(site, "this is not a site folder (it has no config.toml)")
                .with_hint(
                    "pass the site folder with --site, or create one with `radcase new site DIR`",
                )
                .into(),
        );
    }
    if title.chars().any(char::is_control) {
        return Err(Diagnostic::new(
            "the title contains a line break or another control character",
        )
        .with_hint("give the title on one line, e.g. \"Acute appendicitis\"")
        .into());
    }
    let slug = slug::slugify(title);
    if slug.is_empty() {
        return Err(Diagnostic::new(format!(
            "the title \"{title}\" has no letters or digits to make a folder name from"
        ))
        .with_hint("give the case a descriptive title, e.g. \"Acute appendicitis\"")
        .into());
    }
    let path = site.join("content/cases").join(&slug).join("index.md");
    if path.exists() {
        return Err(
            Diagnostic::in_file(&path, "a case with this name already exists")
                .with_hint("choose another title, or edit the existing case")
                .into(),
        );
    }
    let today = chrono::Local::now().date_naive();
    write_new(&path, &case_text(title, &today.to_string()))?;
    Ok(path)
}

/// The events section `new event` makes when the site has none.
const EVENTS_SECTION: &str = r#"+++
title = "Events"
description = "Open houses, conferences and application deadlines."
page_kind = "event"
+++
"#;

/// Create `content/events/SLUG/index.md` in `site` (and the events section, if the site has
/// none) and return its path.
pub fn event(site: &Path, title: &str) -> Result<PathBuf> {
    if !site.join("config.toml").is_file() {
        return Err(
            Diagnostic::in_file(site, "this is not a site folder (it has no config.toml)")
                .with_hint(
                    "pass the site folder with --site, or create one with `radcase new site DIR`",
                )
                .into(),
        );
    }
    if title.chars().any(char::is_control) {
        return Err(Diagnostic::new(
            "the title contains a line break or another control character",
        )
        .with_hint("give the title on one line, e.g. \"Residency open house\"")
        .into());
    }
    let slug = slug::slugify(title);
    if slug.is_empty() {
        return Err(Diagnostic::new(format!(
            "the title \"{title}\" has no letters or digits to make a folder name from"
        ))
        .with_hint("give the event a descriptive title, e.g. \"Residency open house\"")
        .into());
    }
    let events = site.join("content/events");
    let path = events.join(&slug).join("index.md");
    if path.exists() {
        return Err(
            Diagnostic::in_file(&path, "an event with this name already exists")
                .with_hint("choose another title, or edit the existing event")
                .into(),
        );
    }
    let section = events.join("_index.md");
    if !section.exists() {
        write_new(&section, EVENTS_SECTION)?;
    }
    let today = chrono::Local::now().date_naive();
    write_new(&path, &event_text(title, &today.to_string()))?;
    Ok(path)
}

/// A new event: `start` (today, to change) and every other event key commented out.
fn event_text(title: &str, date: &str) -> String {
    let title = title.replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        r###"+++
title = "{title}"
# A line starting with # is not published: remove the # and write the value to show it.
# description = "One sentence for the events list, search results and link previews."

# When. A date alone is a whole day; a time is in `timezone` (else [program] timezone, else UTC).
start = {date}                    # or start = {date}T09:00:00
# end = {date}T12:00:00           # the same form as start: a date, or a date and time
# all_day = true                  # implied by a date without a time
# timezone = "America/New_York"   # an IANA zone name

# Where, and how to take part.
# location = "Radiology conference room, 2nd floor"
# online = "https://meet.example.org/open-house"     # a video call or stream
# registration = "https://example.org/register"      # shown as a Register button

# deadline = true                 # an application, abstract or grant deadline
# remind = [14, 1]                # calendar reminders, in whole days before the start
# organizer = "Residency office"  # default: the site's author

# Below the closing +++ goes the event's page, in Markdown: the programme, who it is for.
+++
"###
    )
}

fn write_new(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io_error(parent, "create the folder", &e))?;
    }
    std::fs::write(path, text).map_err(|e| io_error(path, "write the file", &e))?;
    Ok(())
}

/// A new case: every case key, with nothing filled in that the author did not write. Text
/// keys are commented out (an empty text would still be published, e.g. as an empty
/// description); lists are empty, which shows nothing.
fn case_text(title: &str, date: &str) -> String {
    let title = title.replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        r###"+++
title = "{title}"
date = {date}
# A line starting with # is not published: remove the # and write the value to show it.
# description = "One sentence for search results and link previews."
authors = []                       # who wrote the case, e.g. ["A. Resident", "B. Attending"]
# draft = true                     # keeps the case out of the site (`serve --drafts` shows it)

# How readers browse the case.
modality = []                      # e.g. ["CT"]: CT, MRI, XR, US, NM, PET, Fluoroscopy…
system = []                        # e.g. ["abdominal"]: neuro, chest, abdominal, musculoskeletal…
# level = "resident"               # who it is for: "student", "resident" or "fellow"
tags = []

# The patient, in general terms only: never a name, a date of birth or a record number.
# age = 45                         # years, or a text such as "6 weeks"; never over 89
# sex = "female"                   # female, male, other or unknown
# presentation = "The clinical history in one or two sentences."

# diagnosis = "The diagnosis in a few words."
# certainty = "pathology-proven"   # e.g. "confirmed at surgery", "typical imaging"
differential = []                  # e.g. ["Mesenteric adenitis", "Crohn disease"]
teaching_points = []               # e.g. ["An appendix over 6 mm with a thick wall is abnormal."]

quiz = false                       # true hides the diagnosis behind "Show answer"
# quiz_title = "Case: abdominal pain"   # the title shown while the answer is hidden
# reveal = 2027-01-08T12:00:00     # a quiz: no output holds the answer until then

references = []                    # e.g. "Author A et al. *Journal* 2020;1:1–10. [doi](https://doi.org/…)"
# license = "CC BY-NC-SA 4.0"      # the terms readers may reuse the case under
# consent = "Not needed: fully de-identified, no rare finding."   # how consent was obtained, or why none was needed

# Images in this folder, in the order to show them; alt text is required.
# images = [{{ file = "axial-ct.png", alt = "Axial contrast-enhanced CT …", caption = "…" }}]
# card_image = "axial-ct.png"      # the image of the link-preview card (default: the first one)
# Scrollable series: a folder of slices (PNG, JPEG or DICOM), or one multi-frame DICOM file.
# stacks = [{{ dir = "axial", alt = "Axial CT, 48 slices", caption = "…" }}]
#   a DICOM stack can be offered in several windows, the first shown first: windows = ["brain", "bone"]
# window = "soft-tissue"           # DICOM: lung, bone, brain, soft-tissue, liver or {{ center = 40, width = 400 }}

# Single-best-answer questions, each option with why it is right or wrong (see the README):
# questions = [{{ prompt = "What is the diagnosis?", answer = "Appendicitis", options = [{{ text = "Appendicitis", rationale = "…" }}, {{ text = "Mesenteric adenitis", rationale = "…" }}] }}]

# Below the closing +++ goes the case itself, in Markdown: what the images show
# ("## Findings"), then why the case matters ("## Discussion").
+++
"###
    )
}

const SAMPLE_DIR: &str = "content/cases/acute-appendicitis";
const SAMPLE_PATH: &str = "content/cases/acute-appendicitis/index.md";

/// A worked example: every value is one a real case of this kind would have, so the page
/// shows what a finished case looks like. `{date}` is today.
const SAMPLE_CASE: &str = r#"+++
title = "Acute appendicitis"
date = {date}
description = "The CT signs of acute appendicitis in an adult."
# authors = ["…"]                  # who wrote the case
# draft = true                     # keeps the case out of the site

modality = ["CT"]
system = ["abdominal"]
tags = ["appendix", "acute abdomen"]

# The patient, in general terms only: never a name, a date of birth or a record number.
# age = 25                         # years, or a text such as "6 weeks"; never over 89
# sex = "female"                   # female, male, other or unknown
presentation = "A young adult with right lower quadrant pain for a day."

diagnosis = "Acute appendicitis"
certainty = "typical imaging"      # e.g. "confirmed at surgery", "pathology-proven"
differential = ["Mesenteric adenitis", "Terminal ileitis", "Right-sided diverticulitis"]
teaching_points = [
  "An appendix over 6 mm with an enhancing wall and periappendiceal fat stranding is typical.",
  "An appendicolith raises the risk of perforation.",
]

quiz = false                       # true hides the diagnosis behind "Show answer"
references = []
# license = "CC BY-NC-SA 4.0"      # the terms readers may reuse the case under

# Images in this folder, in the order to show them; alt text is required.
# images = [{ file = "axial-ct.png", alt = "Axial contrast-enhanced CT …", caption = "…" }]
+++
## Findings

- Dilated, fluid-filled appendix, 11 mm in diameter, with a thick enhancing wall.
- An appendicolith at the base.
- Periappendiceal fat stranding; no free air, no abscess.

## Discussion

CT is the most accurate test for appendicitis in adults. A diameter over 6 mm with wall
enhancement and fat stranding is typical; an appendicolith raises the risk of perforation.
"#;

const GITIGNORE: &str =
    "# Made by `radcase build` from the sources: the site, its build lock and what an
# interrupted build left, and the cache of processed images and share cards.
/public/
/.public.*
/.radcase-cache/
# radcase installed by CI into the site folder (the GitLab Pages job in the README).
/.cargo/
";

const WORKFLOW_PATH: &str = ".github/workflows/pages.yml";
/// `{repository}` is radcase's own repository, when its package names one.
const GITHUB_PAGES: &str = include_str!("new/github-pages.yml");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_case_lists_every_case_key() {
        let text = case_text("A", "2024-01-01");
        let case_keys = crate::front::keys::ALL.iter().filter(|k| {
            k.place.shown_by(crate::front::Kind::Case)
                && !k.place.shown_by(crate::front::Kind::Page)
        });
        for key in case_keys {
            assert!(
                text.lines().any(|l| l
                    .trim_start_matches("# ")
                    .starts_with(&format!("{} = ", key.name))),
                "`radcase new case` does not show `{}`",
                key.name
            );
        }
    }

    #[test]
    fn a_new_person_lists_every_person_key() {
        let text = person_text("A \"B\" C");
        assert!(text.contains(r#"title = "A \"B\" C""#));
        let keys = crate::front::keys::ALL
            .iter()
            .filter(|k| k.place.kinds == [crate::front::Kind::Person]);
        for key in keys {
            assert!(
                text.lines().any(|l| l
                    .trim_start_matches("# ")
                    .starts_with(&format!("{} = ", key.name))
                    || l.starts_with(&format!("[{}]", key.name))),
                "`radcase new person` does not show `{}`",
                key.name
            );
        }
    }

    #[test]
    fn a_new_event_lists_every_event_key() {
        let text = event_text("A \"quoted\" event", "2027-01-15");
        assert!(text.contains(r#"title = "A \"quoted\" event""#));
        for key in crate::front::keys::ALL
            .iter()
            .filter(|k| k.place.shown_by(crate::front::Kind::Event))
            .filter(|k| !k.place.shown_by(crate::front::Kind::Page))
        {
            assert!(
                text.lines().any(|l| l
                    .trim_start_matches("# ")
                    .starts_with(&format!("{} = ", key.name))),
                "`radcase new event` does not show `{}`",
                key.name
            );
        }
    }

    #[test]
    fn case_title_quotes_are_escaped() {
        let t = case_text("The \"target\" sign", "2024-01-01");
        assert!(t.contains(r#"title = "The \"target\" sign""#));
    }
}
