//! The people of a residency site: where a person stands today (their PGY year, and whether a
//! resident's or fellow's class has graduated, which makes them alumni), which keys of a person
//! page do nothing for their role, the order the people page lists them in, and which person a
//! byline (`authors`) names.
//!
//! "Today" is `Config.now` (`--now`, `SOURCE_DATE_EPOCH` or the clock), as a date in UTC, so a
//! build is reproducible and a class moves on by itself on the first build of a new academic
//! year.

use std::collections::HashMap;
use std::path::Path;

use chrono::{Datelike, NaiveDate};

use super::Page;
use crate::config::Program;
use crate::diagnostic::Diagnostic;
use crate::front::{Fields, Kind, Role, keys};
use crate::types::PageId;

/// Where a person stands on the day of the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    /// `role` as written.
    pub listed: Role,
    /// The role shown: alumni for a resident or fellow whose class has graduated.
    pub role: Role,
    pub class_of: Option<i32>,
    /// A resident's PGY year (1 to `final_pgy`) in the current academic year.
    pub pgy: Option<u32>,
    /// A resident whose first year has not started (matched, not yet arrived).
    pub incoming: bool,
}

/// The class graduating in the academic year `today` is in: the calendar year in which that
/// academic year ends. With the default start of 1 July, 30 June 2027 is in the year of the class
/// of 2027 and 1 July 2027 in that of the class of 2028.
pub fn graduating_class(today: NaiveDate, (month, day): (u32, u32)) -> i32 {
    // 29 February starts the year on 28 February in other years.
    let start = |y: i32| {
        NaiveDate::from_ymd_opt(y, month, day)
            .or_else(|| NaiveDate::from_ymd_opt(y, month, day - 1))
            .unwrap_or(NaiveDate::MIN)
    };
    let begun = if today >= start(today.year()) {
        today.year()
    } else {
        today.year() - 1
    };
    start(begun + 1)
        .pred_opt()
        .map_or(begun + 1, |end| end.year())
}

/// Where the person of `fields` stands on `today`.
pub fn status(fields: &Fields, program: &Program, today: NaiveDate) -> Option<Status> {
    let listed = fields.role()?;
    let class_of = fields
        .int(keys::CLASS_OF)
        .and_then(|y| i32::try_from(y).ok());
    let graduating = graduating_class(today, program.year_start);
    let graduated = class_of.is_some_and(|c| c < graduating);
    let role = match listed {
        Role::Resident | Role::Fellow if graduated => Role::Alumni,
        r => r,
    };
    let (mut pgy, mut incoming) = (None, false);
    if role == Role::Resident
        && let Some(c) = class_of
    {
        let year = i64::from(program.final_pgy) - i64::from(c - graduating);
        if year < 1 {
            incoming = true;
        } else {
            pgy = u32::try_from(year).ok();
        }
    }
    Some(Status {
        listed,
        role,
        class_of,
        pgy,
        incoming,
    })
}

/// The date of `now`, as the people of a site count it.
pub fn today(now: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    now.date_naive()
}

/// A person page's keys that cannot work for its role: no role, a resident without a class, a
/// class for faculty or staff, a focus without a photo.
pub fn check(fields: &Fields, kind: Kind, file: &Path) -> Vec<Diagnostic> {
    if kind != Kind::Person {
        return Vec::new();
    }
    let mut errors = Vec::new();
    let roles = Role::NAMES.join(", ");
    let Some(role) = fields.role() else {
        if fields.line(keys::ROLE).is_none() {
            errors.push(
                Diagnostic::in_file(file, "a person page has no `role`")
                    .at_line(fields.line(keys::TITLE).unwrap_or(1))
                    .with_hint(format!(
                        "add role = \"…\" ({roles}): the people page groups people by it"
                    )),
            );
        }
        return errors;
    };
    let class_line = fields.line(keys::CLASS_OF);
    match role {
        Role::Resident if class_line.is_none() => errors.push(
            Diagnostic::in_file(file, "a resident has no `class_of`")
                .at_line(fields.line(keys::ROLE).unwrap_or(1))
                .with_hint("add class_of = 2028, the year the resident graduates: their PGY year is counted from it, and they move to alumni once it has passed"),
        ),
        Role::Faculty | Role::Staff if class_line.is_some() => errors.push(
            Diagnostic::in_file(
                file,
                format!("`class_of` does nothing for {}: only residents, fellows and alumni have a class", role.as_str()),
            )
            .at_line(class_line.unwrap_or(1))
            .with_hint("`class_of` is the graduation year of a resident, fellow or alumnus: remove it, or change `role`"),
        ),
        _ => {}
    }
    if let Some(line) = fields.line(keys::PHOTO_FOCUS)
        && fields.line(keys::PHOTO).is_none()
    {
        errors.push(
            Diagnostic::in_file(file, "`photo_focus` needs a `photo`, and the page has none")
                .at_line(line)
                .with_hint("add photo = \"portrait.jpg\" (a file beside the page), or remove `photo_focus`"),
        );
    }
    errors
}

/// A people section shows everyone on one page, grouped: `paginate_by` would do nothing there.
pub fn check_section(fields: &Fields, file: &Path) -> Option<Diagnostic> {
    let line = fields.line(keys::PAGINATE_BY)?;
    (fields.kind(keys::PAGE_KIND) == Some(Kind::Person)).then(|| {
        Diagnostic::in_file(file, "`paginate_by` is set, but a section of people is shown on one page, grouped by role and class")
            .at_line(line)
            .with_hint("remove `paginate_by`")
    })
}

/// How high a `position` stands, for ordering: chairs, then program directors, associate and
/// assistant directors, chiefs, then everyone else. Read from the words of the position,
/// case-insensitively; `weight` comes first when it is set.
pub fn leadership(position: Option<&str>) -> u8 {
    let p = position.unwrap_or_default().to_lowercase();
    let has = |w: &str| p.contains(w);
    if has("chair") {
        0
    } else if has("program director") && !has("associate") && !has("assistant") {
        1
    } else if has("director") {
        2
    } else if has("chief") {
        3
    } else {
        4
    }
}

/// One role's people, by class where classes matter (residents, alumni).
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub role: Role,
    pub classes: Vec<Class>,
}

/// The people of one class (or of the whole group: `class_of` None).
#[derive(Debug, Clone, PartialEq)]
pub struct Class {
    pub class_of: Option<i32>,
    pub people: Vec<PageId>,
}

/// `pages` (the person pages of a section) grouped for the people page: faculty, residents
/// (by class, the most senior first), fellows, alumni (by class, the most recent first), staff.
/// Within a group or class: `weight`, then [`leadership`], then the name.
pub fn groups(pages: &[(PageId, &Page, Status)]) -> Vec<Group> {
    let mut out = Vec::new();
    for role in Role::ALL {
        let mut members: Vec<&(PageId, &Page, Status)> =
            pages.iter().filter(|(_, _, s)| s.role == role).collect();
        if members.is_empty() {
            continue;
        }
        members.sort_by_key(|m| order_key(m));
        let by_class = matches!(role, Role::Resident | Role::Alumni);
        let mut classes: Vec<Class> = Vec::new();
        if by_class {
            let mut years: Vec<Option<i32>> = members.iter().map(|m| m.2.class_of).collect();
            years.sort();
            years.dedup();
            if role == Role::Alumni {
                // The most recent class first; alumni without a year last.
                years.sort_by_key(|y| std::cmp::Reverse(y.map_or(i32::MIN, |y| y)));
            }
            for y in years {
                classes.push(Class {
                    class_of: y,
                    people: members
                        .iter()
                        .filter(|m| m.2.class_of == y)
                        .map(|m| m.0)
                        .collect(),
                });
            }
        } else {
            classes.push(Class {
                class_of: None,
                people: members.iter().map(|m| m.0).collect(),
            });
        }
        out.push(Group { role, classes });
    }
    out
}

fn order_key(p: &(PageId, &Page, Status)) -> (i64, u8, String, String) {
    let page = p.1;
    (
        page.fields.int(keys::WEIGHT).unwrap_or(i64::MAX),
        leadership(page.fields.text(keys::POSITION)),
        page.title().to_lowercase(),
        page.rel.clone(),
    )
}

/// The people the home page shows: those with a photo who are in the program now (not
/// alumni), faculty and program leadership first. Ordered by [`leadership`] (chairs, program
/// directors, other directors, chief residents), then role (faculty, residents, fellows,
/// staff), then `weight`, then the name; at most `limit`.
pub fn featured(pages: &[(PageId, &Page, Status)], limit: usize) -> Vec<PageId> {
    let mut chosen: Vec<&(PageId, &Page, Status)> = pages
        .iter()
        .filter(|(_, p, s)| p.photo.is_some() && s.role != Role::Alumni)
        .collect();
    chosen.sort_by(|a, b| {
        let key = |p: &(PageId, &Page, Status)| {
            let (weight, rank, name, rel) = order_key(p);
            (rank, p.2.role, weight, name, rel)
        };
        key(a).cmp(&key(b))
    });
    chosen.into_iter().take(limit).map(|p| p.0).collect()
}

/// Who the bylines of the site name: person pages by slug and by name, and the cases and posts
/// each person wrote.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    slugs: HashMap<String, PageId>,
    names: HashMap<String, Vec<PageId>>,
    /// Each person's cases and posts, newest first.
    works: HashMap<PageId, Vec<PageId>>,
}

impl Directory {
    /// The person `author` (an entry of `authors`) names: trimmed, it is exactly the slug of a
    /// person page (the last part of its address), or else exactly one person's title. Case
    /// and spaces inside count; a name that names nobody is none.
    pub fn person(&self, author: &str) -> Option<PageId> {
        let a = author.trim();
        if let Some(id) = self.slugs.get(a) {
            return Some(*id);
        }
        match self.names.get(a).map(Vec::as_slice) {
            Some([one]) => Some(*one),
            _ => None,
        }
    }

    /// The cases and posts `person` is an author of, newest first.
    pub fn works(&self, person: PageId) -> &[PageId] {
        self.works.get(&person).map_or(&[], Vec::as_slice)
    }

    /// Index the person pages of `pages`; a byline that names two people by their shared name
    /// is an error at its `authors` line.
    pub fn build(pages: &[Page]) -> (Directory, Vec<Diagnostic>) {
        let mut d = Directory::default();
        for (i, p) in pages.iter().enumerate() {
            if p.kind != Kind::Person {
                continue;
            }
            d.slugs.insert(p.slug.clone(), PageId(i));
            d.names
                .entry(p.title().trim().to_string())
                .or_default()
                .push(PageId(i));
        }
        let mut errors = Vec::new();
        for (i, p) in pages.iter().enumerate() {
            for author in p.authors() {
                let a = author.trim();
                if d.slugs.contains_key(a) {
                    // A slug wins over a name.
                } else if let Some(many) = d.names.get(a).filter(|m| m.len() > 1) {
                    let files: Vec<String> = many
                        .iter()
                        .map(|id| pages[id.0].file.display().to_string())
                        .collect();
                    let slugs: Vec<String> = many
                        .iter()
                        .map(|id| format!("\"{}\"", pages[id.0].slug))
                        .collect();
                    errors.push(
                        Diagnostic::in_file(
                            &p.file,
                            format!(
                                "`authors` names \"{a}\", and {} people are called that: {}",
                                many.len(),
                                files.join(" and ")
                            ),
                        )
                        .at_line(p.fields.line(keys::AUTHORS).unwrap_or(1))
                        .with_hint(format!(
                            "name the person by the last part of their page's address instead (one of {}): a slug is matched before a name",
                            slugs.join(", ")
                        )),
                    );
                    continue;
                }
                if matches!(p.kind, Kind::Case | Kind::Post)
                    && let Some(person) = d.person(a)
                {
                    let list = d.works.entry(person).or_default();
                    if !list.contains(&PageId(i)) {
                        list.push(PageId(i));
                    }
                }
            }
        }
        for list in d.works.values_mut() {
            list.sort_by(|a, b| {
                let (pa, pb) = (&pages[a.0], &pages[b.0]);
                pb.date().cmp(&pa.date()).then_with(|| pa.rel.cmp(&pb.rel))
            });
        }
        (d, errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_class_graduating_changes_on_the_first_day_of_the_year() {
        assert_eq!(graduating_class(d("2027-06-30"), (7, 1)), 2027);
        assert_eq!(graduating_class(d("2027-07-01"), (7, 1)), 2028);
        assert_eq!(graduating_class(d("2027-01-10"), (7, 1)), 2027);
        // A year that starts on 1 January ends in the same calendar year.
        assert_eq!(graduating_class(d("2027-01-01"), (1, 1)), 2027);
        assert_eq!(graduating_class(d("2026-12-31"), (1, 1)), 2026);
        assert_eq!(graduating_class(d("2027-06-23"), (6, 24)), 2027);
        assert_eq!(graduating_class(d("2027-06-24"), (6, 24)), 2028);
        assert_eq!(graduating_class(d("2027-03-01"), (2, 29)), 2028);
    }

    #[test]
    fn leadership_reads_the_position() {
        assert!(leadership(Some("Chair of Radiology")) < leadership(Some("Program Director")));
        assert!(
            leadership(Some("Program Director")) < leadership(Some("Associate Program Director"))
        );
        assert!(
            leadership(Some("Associate Program Director")) < leadership(Some("Chief Resident"))
        );
        assert!(leadership(Some("Chief Resident")) < leadership(Some("Neuroradiologist")));
        assert_eq!(leadership(None), 4);
    }
}
