//! What radcase learnt from reading each source image or DICOM file (its size, its header, the
//! hash of its bytes), kept between builds so an unchanged file is never opened again: a warm
//! build only `stat`s its sources.
//!
//! A record is trusted when the file's size, modification time, change time and inode (the last
//! two on Unix) are what they were when it was read, the way git and make trust a file. A tool
//! can set a modification time back, but not a change time. One case is unsafe even so: a file
//! rewritten within the clock tick of its reading keeps its times. Like git's "racily clean"
//! entries, a file modified less than [`RACY`] before it was read is read again next time.
//!
//! The records live in one file in the cache folder (`probes-v1.json`). A missing or damaged
//! file only means reading the sources again; it never fails a build.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::dicom::{self, Header};
use super::raster::{self, ImageInfo};
use crate::diagnostic::Diagnostic;

const FILE: &str = "probes-v1.json";

/// A file modified this close to its reading is read again on the next build.
pub const RACY: Duration = Duration::from_secs(2);

/// The facts of `stat` that say a file is unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    len: u64,
    /// Modification time, nanoseconds since 1970.
    mtime: i128,
    /// Change time and inode (0 where the platform has none).
    ctime: i128,
    inode: u64,
}

fn nanos(t: SystemTime) -> i128 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        let mtime = nanos(meta.modified().ok()?);
        #[cfg(unix)]
        let (ctime, inode) = {
            use std::os::unix::fs::MetadataExt;
            (
                i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()),
                meta.ino(),
            )
        };
        #[cfg(not(unix))]
        let (ctime, inode) = (0, 0);
        Some(Stamp {
            len: meta.len(),
            mtime,
            ctime,
            inode,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Facts {
    Raster { width: u32, height: u32 },
    Dicom(Header),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Entry {
    stamp: Stamp,
    /// When the file was read (nanoseconds since 1970): see [`RACY`].
    read_at: i128,
    hash: String,
    facts: Facts,
}

impl Entry {
    fn trusted(&self, now: &Stamp) -> bool {
        self.stamp == *now && self.read_at - self.stamp.mtime >= RACY.as_nanos() as i128
    }

    fn hash(&self) -> Option<blake3::Hash> {
        blake3::Hash::from_hex(&self.hash).ok()
    }
}

/// The records of one build: those read from the cache folder, and those made or used this time.
#[derive(Debug, Default)]
pub struct Probes {
    dir: Option<PathBuf>,
    stored: HashMap<String, Entry>,
    /// Entries used or made since loading: what [`Probes::save`] keeps.
    used: Mutex<HashMap<String, Entry>>,
    /// Files read this time (for tests and `-v`).
    reads: std::sync::atomic::AtomicUsize,
}

impl Probes {
    /// The records kept in the cache folder `dir` (none if there are none or they are damaged).
    pub fn open(dir: &Path) -> Probes {
        let stored = std::fs::read(dir.join(FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        Probes {
            dir: Some(dir.to_path_buf()),
            stored,
            ..Probes::default()
        }
    }

    /// Records kept in memory only (tests, and callers without a cache folder).
    pub fn in_memory() -> Probes {
        Probes::default()
    }

    /// How many source files were opened and read so far (the rest came from the records).
    pub fn reads(&self) -> usize {
        self.reads.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The upright size and the hash of the raster image at `path`.
    pub fn raster(&self, path: &Path) -> Result<(ImageInfo, blake3::Hash), Diagnostic> {
        let known = self.lookup(path, |facts| match facts {
            Facts::Raster { width, height } => Some(ImageInfo {
                width: *width,
                height: *height,
            }),
            Facts::Dicom(_) => None,
        });
        if let Some(found) = known {
            return Ok(found);
        }
        self.read(path, raster::probe, |info| Facts::Raster {
            width: info.width,
            height: info.height,
        })
    }

    /// The checked header and the hash of the DICOM file at `path` (see [`dicom::header`]).
    pub fn dicom(&self, path: &Path) -> Result<(Header, blake3::Hash), Diagnostic> {
        let known = self.lookup(path, |facts| match facts {
            Facts::Dicom(header) => Some(header.clone()),
            Facts::Raster { .. } => None,
        });
        if let Some(found) = known {
            return Ok(found);
        }
        self.read(path, dicom::header, |h| Facts::Dicom(h.clone()))
    }

    fn lookup<T>(
        &self,
        path: &Path,
        pick: impl Fn(&Facts) -> Option<T>,
    ) -> Option<(T, blake3::Hash)> {
        let key = path.to_str()?;
        let stamp = Stamp::of(path)?;
        let mut used = self.used.lock().ok()?;
        let entry = used
            .get(key)
            .or_else(|| self.stored.get(key))
            .filter(|e| e.trusted(&stamp))?
            .clone();
        let found = (pick(&entry.facts)?, entry.hash()?);
        used.insert(key.to_string(), entry);
        Some(found)
    }

    fn read<T>(
        &self,
        path: &Path,
        read: impl Fn(&Path) -> Result<(T, blake3::Hash), Diagnostic>,
        facts: impl Fn(&T) -> Facts,
    ) -> Result<(T, blake3::Hash), Diagnostic> {
        let read_at = nanos(SystemTime::now());
        let before = Stamp::of(path);
        self.reads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (value, hash) = read(path)?;
        // Only a file that did not change while it was read is recorded.
        if let (Some(key), Some(stamp)) = (path.to_str(), before)
            && Stamp::of(path) == Some(stamp)
            && let Ok(mut used) = self.used.lock()
        {
            used.insert(
                key.to_string(),
                Entry {
                    stamp,
                    read_at,
                    hash: hash.to_hex().to_string(),
                    facts: facts(&value),
                },
            );
        }
        Ok((value, hash))
    }

    /// Keep the records used this time in the cache folder, atomically; the others are dropped
    /// (their files are gone or no longer used). Failing to write only costs reading again.
    pub fn save(&self) {
        let Some(dir) = &self.dir else { return };
        let Ok(used) = self.used.lock() else { return };
        if used.len() == self.stored.len()
            && used.iter().all(|(k, e)| self.stored.get(k) == Some(e))
        {
            return;
        }
        let Ok(bytes) = serde_json::to_vec(&*used) else {
            return;
        };
        let tmp = dir.join(format!("{FILE}.tmp{}", std::process::id()));
        if std::fs::create_dir_all(dir).is_ok()
            && std::fs::write(&tmp, bytes).is_ok()
            && std::fs::rename(&tmp, dir.join(FILE)).is_err()
        {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(path: &Path, w: u32, h: u32) {
        image::GrayImage::new(w, h).save(path).unwrap();
    }

    /// Backdate a file's modification time, as if it was written a while ago.
    fn age(path: &Path) {
        set_modified(path, SystemTime::now() - Duration::from_secs(60));
    }

    fn set_modified(path: &Path, to: SystemTime) {
        std::fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(to)
            .unwrap();
    }

    #[test]
    fn an_unchanged_file_is_not_read_again_by_the_next_build() {
        let tmp = tempfile::tempdir().unwrap();
        let (img, cache) = (tmp.path().join("a.png"), tmp.path().join("cache"));
        png(&img, 30, 20);
        age(&img);
        let first = Probes::open(&cache);
        let (info, hash) = first.raster(&img).unwrap();
        assert_eq!((info.width, info.height), (30, 20));
        assert_eq!(first.raster(&img).unwrap().1, hash, "read once per run");
        assert_eq!(first.reads(), 1);
        first.save();

        let second = Probes::open(&cache);
        assert_eq!(second.raster(&img).unwrap(), (info, hash));
        assert_eq!(second.reads(), 0);
        second.save();
    }

    #[test]
    fn a_changed_file_is_read_again_whatever_its_times_say() {
        let tmp = tempfile::tempdir().unwrap();
        let (img, cache) = (tmp.path().join("a.png"), tmp.path().join("cache"));
        png(&img, 30, 20);
        age(&img);
        let first = Probes::open(&cache);
        let (_, old) = first.raster(&img).unwrap();
        first.save();

        // Another image of another size, its modification time set back to the old one's.
        let mtime = std::fs::metadata(&img).unwrap().modified().unwrap();
        png(&img, 40, 10);
        set_modified(&img, mtime);
        let second = Probes::open(&cache);
        let (info, hash) = second.raster(&img).unwrap();
        assert_eq!((info.width, info.height), (40, 10));
        assert_ne!(hash, old);
        assert_eq!(second.reads(), 1);
    }

    #[test]
    fn a_file_written_just_before_its_reading_is_read_again() {
        let tmp = tempfile::tempdir().unwrap();
        let (img, cache) = (tmp.path().join("a.png"), tmp.path().join("cache"));
        png(&img, 30, 20);
        let first = Probes::open(&cache);
        first.raster(&img).unwrap();
        first.save();
        let second = Probes::open(&cache);
        second.raster(&img).unwrap();
        assert_eq!(second.reads(), 1, "modified within {RACY:?} of its reading");
    }

    #[test]
    fn damaged_records_are_ignored_and_kinds_are_not_confused() {
        let tmp = tempfile::tempdir().unwrap();
        let (img, cache) = (tmp.path().join("a.png"), tmp.path().join("cache"));
        std::fs::create_dir_all(&cache).unwrap();
        std::fs::write(cache.join(FILE), b"{not json").unwrap();
        png(&img, 8, 8);
        age(&img);
        let probes = Probes::open(&cache);
        assert_eq!(probes.raster(&img).unwrap().0.width, 8);
        // The same file asked for as DICOM is read as DICOM (and refused), not served a record.
        assert!(probes.dicom(&img).is_err());
        assert_eq!(probes.reads(), 2);
    }
}
