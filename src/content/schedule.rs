//! When a page is published (`publish`) and taken down (`expire`), and when a quiz's answer is
//! revealed (`reveal`): moments resolved in the page's time zone, and the next of them after
//! "today" (`--now`), which the build prints so a scheduled run can be set for it.
//!
//! A date alone means midnight at the start of that day. Which pages are left out of a build
//! is decided here; what a quiz shows before its reveal is decided by `disclosure`.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::front::{Fields, Key, Kind, When, keys};

use super::event::{local_time, midnight, zone_of};

/// A page's `publish`, `expire` and `reveal`, as moments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Schedule {
    pub publish: Option<DateTime<Utc>>,
    pub expire: Option<DateTime<Utc>>,
    pub reveal: Option<DateTime<Utc>>,
}

/// Why a page is not in this build (a link to it says so).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftOut {
    Draft,
    /// Published at this moment, which is still to come.
    Scheduled(DateTime<Utc>),
    /// Taken down at this moment, which has passed.
    Expired(DateTime<Utc>),
}

/// What happens to a page at a scheduled moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Published,
    Expires,
    Revealed,
}

/// The next scheduled change of the site after today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub at: DateTime<Utc>,
    pub file: PathBuf,
    pub change: Change,
}

impl std::fmt::Display for Due {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.change {
            Change::Published => "is published",
            Change::Expires => "expires",
            Change::Revealed => "reveals its answer",
        };
        write!(
            f,
            "{} {what} at {}",
            self.file.display(),
            self.at.format("%Y-%m-%d %H:%M UTC")
        )
    }
}

impl Schedule {
    /// Whether the page stays out of a build made at `now`, and why.
    pub fn left_out(&self, now: DateTime<Utc>) -> Option<LeftOut> {
        match (self.publish, self.expire) {
            (Some(p), _) if now < p => Some(LeftOut::Scheduled(p)),
            (_, Some(e)) if now >= e => Some(LeftOut::Expired(e)),
            _ => None,
        }
    }

    /// The first of its changes after `now`.
    fn next(&self, now: DateTime<Utc>) -> Option<(DateTime<Utc>, Change)> {
        [
            (self.publish, Change::Published),
            (self.expire, Change::Expires),
            // An answer revealed before the page is published is shown with it.
            (
                self.reveal.filter(|r| self.publish.is_none_or(|p| *r > p)),
                Change::Revealed,
            ),
        ]
        .into_iter()
        .filter_map(|(at, change)| Some((at?, change)))
        .filter(|(at, _)| *at > now)
        .min_by_key(|(at, _)| *at)
    }
}

/// The page's schedule from its `fields`, and every problem with it (each on its line).
pub fn resolve(fields: &Fields, config: &Config, file: &Path) -> (Schedule, Vec<Diagnostic>) {
    let zone = zone_of(fields, config);
    let mut errors = Vec::new();
    let mut at = |key: &Key| -> Option<DateTime<Utc>> {
        Some(match fields.when(key)? {
            When::Day(d) => midnight(zone, d),
            When::Fixed(t) => t.with_timezone(&Utc),
            When::Local(t) => match local_time(zone, key, t) {
                Ok(t) => t.with_timezone(&Utc),
                Err((message, hint)) => {
                    errors.push(in_file(fields, key, file, message, hint));
                    return None;
                }
            },
        })
    };
    let schedule = Schedule {
        publish: at(keys::PUBLISH),
        expire: at(keys::EXPIRE),
        reveal: at(keys::REVEAL),
    };
    if let (Some(p), Some(e)) = (schedule.publish, schedule.expire)
        && e <= p
    {
        errors.push(in_file(
            fields,
            keys::EXPIRE,
            file,
            format!(
                "`expire` ({}) is not after `publish` ({}): the page would never be published",
                e.format("%Y-%m-%d %H:%M UTC"),
                p.format("%Y-%m-%d %H:%M UTC")
            ),
            "set expire to a moment after publish, or remove one of them".into(),
        ));
    }
    (schedule, errors)
}

/// `reveal` on a case that hides no answer would do nothing.
pub fn reveal_error(fields: &Fields, kind: Kind, file: &Path) -> Option<Diagnostic> {
    let line = fields.line(keys::REVEAL)?;
    (kind == Kind::Case && !fields.flag(keys::QUIZ)).then(|| {
        Diagnostic::in_file(
            file,
            "`reveal` does nothing here: this case is not a quiz, so its answer is shown from the start",
        )
        .at_line(line)
        .with_hint("add quiz = true to hide the answer until `reveal`, or remove `reveal`")
    })
}

fn in_file(fields: &Fields, key: &Key, file: &Path, message: String, hint: String) -> Diagnostic {
    let d = Diagnostic::in_file(file, message).with_hint(hint);
    match fields.line(key) {
        Some(line) => d.at_line(line),
        None => d,
    }
}

/// The soonest scheduled change among the pages seen so far.
#[derive(Debug, Default)]
pub struct Soonest(Option<Due>);

impl Soonest {
    /// Take in the schedule of the page in `file`, as seen at `now`.
    pub fn see(&mut self, schedule: &Schedule, now: DateTime<Utc>, file: &Path) {
        let Some((at, change)) = schedule.next(now) else {
            return;
        };
        // Ties go to the first file in path order, so the message does not change between runs.
        let sooner = self
            .0
            .as_ref()
            .is_none_or(|d| (at, file) < (d.at, d.file.as_path()));
        if sooner {
            self.0 = Some(Due {
                at,
                file: file.to_path_buf(),
                change,
            });
        }
    }

    pub fn due(self) -> Option<Due> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 1, 8, h, 0, 0).unwrap()
    }

    #[test]
    fn left_out_before_publish_and_from_expire_on() {
        let s = Schedule {
            publish: Some(t(10)),
            expire: Some(t(20)),
            reveal: None,
        };
        assert_eq!(s.left_out(t(9)), Some(LeftOut::Scheduled(t(10))));
        assert_eq!(s.left_out(t(10)), None);
        assert_eq!(s.left_out(t(19)), None);
        assert_eq!(s.left_out(t(20)), Some(LeftOut::Expired(t(20))));
        assert_eq!(Schedule::default().left_out(t(0)), None);
    }

    #[test]
    fn the_next_change_is_the_first_still_to_come() {
        let s = Schedule {
            publish: Some(t(10)),
            expire: Some(t(20)),
            reveal: Some(t(12)),
        };
        assert_eq!(s.next(t(9)), Some((t(10), Change::Published)));
        assert_eq!(s.next(t(10)), Some((t(12), Change::Revealed)));
        assert_eq!(s.next(t(12)), Some((t(20), Change::Expires)));
        assert_eq!(s.next(t(20)), None);
        // Revealed before it is published: the publication is the change.
        let early = Schedule {
            publish: Some(t(10)),
            expire: None,
            reveal: Some(t(8)),
        };
        assert_eq!(early.next(t(7)), Some((t(10), Change::Published)));
    }

    #[test]
    fn the_soonest_of_many_pages_ties_to_the_first_file() {
        let mut soonest = Soonest::default();
        let at = |h| Schedule {
            reveal: Some(t(h)),
            ..Schedule::default()
        };
        soonest.see(&at(15), t(0), Path::new("b.md"));
        soonest.see(&at(12), t(0), Path::new("c.md"));
        soonest.see(&at(12), t(0), Path::new("a.md"));
        soonest.see(&at(11), t(13), Path::new("d.md"));
        let due = soonest.due().unwrap();
        assert_eq!((due.at, due.file.as_path()), (t(12), Path::new("a.md")));
        assert_eq!(
            due.to_string(),
            "a.md reveals its answer at 2027-01-08 12:00 UTC"
        );
    }
}
