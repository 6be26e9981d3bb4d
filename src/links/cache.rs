//! What checking other sites' addresses found, kept in the cache folder (`links-v1.json`) so
//! that a second `check --external` does not ask again: an answer that worked for a day, a
//! failure for an hour (it may have been the network's).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, io_error};

const FILE: &str = "links-v1.json";

/// How long a result is trusted.
pub const KEEP_OK: Duration = Duration::from_secs(24 * 60 * 60);
pub const KEEP_FAILED: Duration = Duration::from_secs(60 * 60);

/// What one address answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// When it was asked, in seconds since the Unix epoch.
    pub checked: u64,
    /// The final status, after redirects.
    pub status: Option<u16>,
    /// Why it failed (a status that is not a success, a time-out, a refused connection).
    pub error: Option<String>,
    /// The ids of the page, when it was fetched whole to look for fragments and was HTML.
    pub ids: Option<Vec<String>>,
    /// It was fetched whole, and is not HTML: a fragment cannot be looked for in it.
    #[serde(default)]
    pub not_html: bool,
}

impl Entry {
    pub fn is_ok(&self) -> bool {
        self.error.is_none()
    }

    /// Whether the entry still holds at `now`.
    pub fn is_fresh(&self, now: u64) -> bool {
        let keep = if self.is_ok() { KEEP_OK } else { KEEP_FAILED };
        now.saturating_sub(self.checked) < keep.as_secs()
    }

    /// Whether it can tell which fragments the page has.
    pub fn knows_fragments(&self) -> bool {
        !self.is_ok() || self.ids.is_some() || self.not_html
    }
}

pub struct Cache {
    path: PathBuf,
    pub entries: BTreeMap<String, Entry>,
}

impl Cache {
    /// The cache in `dir`; an unreadable or damaged file is an empty cache (it only saves
    /// requests, and is written anew).
    pub fn open(dir: &Path) -> Cache {
        let path = dir.join(FILE);
        let entries = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        Cache { path, entries }
    }

    /// Write the entries still fresh at `now`.
    pub fn save(&mut self, now: u64) -> Result<(), Diagnostic> {
        self.entries.retain(|_, e| e.is_fresh(now));
        let bytes = serde_json::to_vec(&self.entries).unwrap_or_default();
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| io_error(dir, "create the cache folder", &e))?;
        }
        let tmp = self.path.with_extension("json.tmp");
        std::fs::write(&tmp, bytes)
            .and_then(|()| std::fs::rename(&tmp, &self.path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                io_error(&self.path, "save the link check results", &e)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(checked: u64, error: Option<&str>) -> Entry {
        Entry {
            checked,
            status: Some(200),
            error: error.map(String::from),
            ids: None,
            not_html: false,
        }
    }

    #[test]
    fn results_are_kept_for_their_age_and_a_damaged_file_is_empty() {
        let tmp = tempfile::tempdir().unwrap();
        let mut cache = Cache::open(tmp.path());
        assert!(cache.entries.is_empty());
        let day = KEEP_OK.as_secs();
        let t = 2 * day;
        cache.entries.insert("https://a/".into(), entry(t, None));
        cache
            .entries
            .insert("https://b/".into(), entry(t, Some("404 Not Found")));
        cache
            .entries
            .insert("https://old/".into(), entry(t - day, None));
        cache.save(t + 10).unwrap();
        let again = Cache::open(tmp.path());
        assert_eq!(again.entries.len(), 2);
        let (a, b) = (&again.entries["https://a/"], &again.entries["https://b/"]);
        assert!(a.is_fresh(t + day - 1) && !a.is_fresh(t + day));
        assert!(b.is_fresh(t + 3599) && !b.is_fresh(t + 3600));
        std::fs::write(tmp.path().join(FILE), b"{not json").unwrap();
        assert!(Cache::open(tmp.path()).entries.is_empty());
    }
}
