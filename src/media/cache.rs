//! The derivative cache: encoded image variants kept between builds, keyed by the content of
//! the source and everything that shapes the output, so an unchanged image is never decoded
//! again and a changed one never serves a stale copy.
//!
//! Layout: `DIR/ab/cdef….ext`, where the name is the BLAKE3 hash of (source hash, encoder
//! version, size, format, quality). Entries not used by a successful build are pruned.
//!
//! Published files are hard links to their entries (a warm build copies nothing), so a tool
//! that edits the output in place edits the entry too. Each entry is therefore sealed when it is
//! stored: its size, modification time and the hash of its bytes, kept in `entries-v1.json`.
//! An entry whose size or time changed is hashed again, and one whose bytes changed is deleted
//! and made again from its source, so a corrupted output is never republished. An entry without
//! a seal (the seals were lost) is made again too: the cache fails closed.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use super::encode::ENCODER_VERSION;
use crate::diagnostic::{Diagnostic, io_error};
use crate::types::Variant;

const SEALS: &str = "entries-v1.json";

/// What an entry was when it was stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Seal {
    len: u64,
    /// Modification time, nanoseconds since 1970.
    mtime: i128,
    hash: String,
}

fn stat(path: &Path) -> Option<(u64, i128)> {
    let meta = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
    let mtime = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    Some((meta.len(), mtime.as_nanos() as i128))
}

pub struct Cache {
    dir: PathBuf,
    used: Mutex<HashSet<PathBuf>>,
    /// Seals by entry name (`ab/cdef….ext`).
    seals: Mutex<HashMap<String, Seal>>,
    /// Seals changed since they were read: whether [`Cache::save`] has anything to write.
    dirty: std::sync::atomic::AtomicBool,
    /// Entries found changed since they were stored, and deleted.
    tampered: AtomicUsize,
}

/// A temporary name for writing `entry`, unique to this call. Two sources with the same bytes
/// (one image used by two cases) store the same entry at the same moment: with a shared
/// temporary name, one writer's rename found the file already moved and the build failed.
fn temp_path(entry: &Path) -> PathBuf {
    static WRITES: AtomicUsize = AtomicUsize::new(0);
    let n = WRITES.fetch_add(1, Ordering::Relaxed);
    entry.with_extension(format!("tmp{}-{n}", std::process::id()))
}

impl Cache {
    pub fn open(dir: &Path) -> Result<Cache, Diagnostic> {
        std::fs::create_dir_all(dir)
            .map_err(|e| io_error(dir, "create the image cache folder", &e))?;
        let seals = std::fs::read(dir.join(SEALS))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        Ok(Cache {
            dir: dir.to_path_buf(),
            used: Mutex::new(HashSet::new()),
            seals: Mutex::new(seals),
            dirty: Default::default(),
            tampered: AtomicUsize::new(0),
        })
    }

    fn name(&self, entry: &Path) -> String {
        crate::types::slash_path(entry.strip_prefix(&self.dir).unwrap_or(entry))
    }

    /// Whether `entry` exists with the bytes it was stored with. An entry changed since (an
    /// edit of the output it is linked to) is deleted, so the caller makes it again.
    pub fn holds(&self, entry: &Path) -> bool {
        let Some((len, mtime)) = stat(entry) else {
            return false;
        };
        let name = self.name(entry);
        let seal = self.seals.lock().ok().and_then(|s| s.get(&name).cloned());
        match seal {
            Some(seal) if seal.len == len && seal.mtime == mtime => return true,
            Some(seal) if seal.len == len => {
                let same = std::fs::read(entry)
                    .is_ok_and(|bytes| blake3::hash(&bytes).to_hex().as_str() == seal.hash);
                if same {
                    // Touched, not changed: trust the new time from now on.
                    if let Ok(mut seals) = self.seals.lock() {
                        seals.insert(name, Seal { mtime, ..seal });
                    }
                    self.dirty.store(true, Ordering::Relaxed);
                    return true;
                }
                self.tampered.fetch_add(1, Ordering::Relaxed);
            }
            Some(_) => {
                self.tampered.fetch_add(1, Ordering::Relaxed);
            }
            None => {}
        }
        let _ = std::fs::remove_file(entry);
        false
    }

    /// How many entries were found changed since they were stored (and made again).
    pub fn tampered(&self) -> usize {
        self.tampered.load(Ordering::Relaxed)
    }

    /// Keep the seals in the cache folder, atomically. Failing to write only costs making the
    /// entries again.
    pub fn save(&self) {
        if !self.dirty.swap(false, Ordering::Relaxed) {
            return;
        }
        let Ok(bytes) = self.seals.lock().map(|s| serde_json::to_vec(&*s)) else {
            return;
        };
        let Ok(bytes) = bytes else { return };
        let path = self.dir.join(SEALS);
        let tmp = temp_path(&path);
        if std::fs::write(&tmp, bytes).is_err() || std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the encoded `variant` of a source with hash `source` lives (whether or not it exists).
    pub fn entry(&self, source: &blake3::Hash, variant: &Variant, quality: u8) -> PathBuf {
        let mut h = blake3::Hasher::new();
        h.update(source.as_bytes());
        h.update(ENCODER_VERSION.as_bytes());
        h.update(
            format!(
                ";{}x{};{:?};q{}",
                variant.width, variant.height, variant.format, quality
            )
            .as_bytes(),
        );
        let hex = h.finalize().to_hex();
        self.dir
            .join(&hex[..2])
            .join(format!("{}.{}", &hex[2..32], variant.format.extension()))
    }

    /// Where a derivative with its own `key` lives (a share card: its key covers the source
    /// bytes and everything else that shapes it).
    pub fn keyed_entry(&self, key: &blake3::Hash, extension: &str) -> PathBuf {
        let hex = key.to_hex();
        self.dir
            .join(&hex[..2])
            .join(format!("{}.{extension}", &hex[2..32]))
    }

    /// Store bytes atomically (a crash never leaves a half-written entry under the final name).
    pub fn store(&self, entry: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
        if let Some(parent) = entry.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| io_error(parent, "create a cache folder", &e))?;
        }
        let tmp = temp_path(entry);
        std::fs::write(&tmp, bytes).map_err(|e| io_error(&tmp, "write to the image cache", &e))?;
        std::fs::rename(&tmp, entry)
            .map_err(|e| io_error(entry, "write to the image cache", &e))?;
        if let (Some((len, mtime)), Ok(mut seals)) = (stat(entry), self.seals.lock()) {
            let hash = blake3::hash(bytes).to_hex().to_string();
            seals.insert(self.name(entry), Seal { len, mtime, hash });
            self.dirty.store(true, Ordering::Relaxed);
        }
        Ok(())
    }

    /// The bytes of an entry (one [`Cache::holds`]), kept by this build's prune like a
    /// published one.
    pub fn read(&self, entry: &Path) -> Option<Vec<u8>> {
        self.keep(entry);
        std::fs::read(entry).ok()
    }

    /// Keep `entry` through this build's prune (an entry no output links to).
    pub fn keep(&self, entry: &Path) {
        self.used
            .lock()
            .map(|mut u| u.insert(entry.to_path_buf()))
            .ok();
    }

    /// Put a cache entry at `dest` in the output: a hard link when possible (no copy), else a copy.
    pub fn publish(&self, entry: &Path, dest: &Path) -> Result<(), Diagnostic> {
        self.used
            .lock()
            .map(|mut u| u.insert(entry.to_path_buf()))
            .ok();
        if std::fs::hard_link(entry, dest).is_ok() {
            return Ok(());
        }
        std::fs::copy(entry, dest)
            .map(|_| ())
            .map_err(|e| io_error(dest, "copy from the image cache", &e))
    }

    /// Delete entries no build step used this time, and their seals; save the seals. Returns
    /// how many entries were removed.
    pub fn prune(&self) -> usize {
        let used = match self.used.lock() {
            Ok(u) => u.clone(),
            Err(_) => return 0,
        };
        if let Ok(mut seals) = self.seals.lock() {
            let before = seals.len();
            seals.retain(|name, _| used.contains(&self.dir.join(name)));
            if seals.len() != before {
                self.dirty.store(true, Ordering::Relaxed);
            }
        }
        self.save();
        let mut removed = 0;
        for entry in walkdir::WalkDir::new(&self.dir)
            .min_depth(2)
            .max_depth(2)
            .into_iter()
            .flatten()
        {
            let path = entry.path();
            if entry.file_type().is_file()
                && !used.contains(path)
                && std::fs::remove_file(path).is_ok()
            {
                removed += 1;
            }
        }
        removed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Format, plan_variants};

    fn source_key(bytes: &[u8]) -> blake3::Hash {
        blake3::hash(bytes)
    }

    #[test]
    fn keys_change_with_source_size_and_quality() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::open(tmp.path()).unwrap();
        let v = plan_variants("/", "", "a", (100, 100), &[50, 100], &[Format::Jpeg]);
        let (a, b) = (source_key(b"one"), source_key(b"two"));
        assert_ne!(cache.entry(&a, &v[0], 80), cache.entry(&b, &v[0], 80));
        assert_ne!(cache.entry(&a, &v[0], 80), cache.entry(&a, &v[1], 80));
        assert_ne!(cache.entry(&a, &v[0], 80), cache.entry(&a, &v[0], 81));
        assert_eq!(cache.entry(&a, &v[0], 80), cache.entry(&a, &v[0], 80));
    }

    #[test]
    fn concurrent_writers_of_one_entry_use_their_own_temporary_files() {
        let entry = Path::new("cache/ab/cdef.jpg");
        assert_ne!(temp_path(entry), temp_path(entry));
    }

    #[test]
    fn prune_keeps_only_used_entries() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::open(tmp.path()).unwrap();
        let v = plan_variants("/", "", "a", (10, 10), &[10], &[Format::Png]);
        let used = cache.entry(&source_key(b"used"), &v[0], 80);
        let stale = cache.entry(&source_key(b"stale"), &v[0], 80);
        cache.store(&used, b"x").unwrap();
        cache.store(&stale, b"y").unwrap();
        cache.publish(&used, &tmp.path().join("out.png")).unwrap();
        assert_eq!(cache.prune(), 1);
        assert!(used.exists() && !stale.exists());
    }
}
