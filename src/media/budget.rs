//! The memory a build may spend on decoded pixels at once. One image may take up to
//! [`PER_IMAGE`] (enforced by the decoder's limits); the images decoded in parallel share
//! [`PER_BUILD`]: a decode that would go over it waits until others are done, so a folder of
//! huge images costs at most this much, however many cores decode them.

use std::cell::Cell;
use std::sync::{Condvar, Mutex};

/// The largest allocation one decode may make.
pub const PER_IMAGE: u64 = 1 << 30;
/// What all decodes in flight may hold together.
pub const PER_BUILD: u64 = 2 << 30;
/// A decoded image is converted and resized while it is held: about twice its own size.
const WORKING_COPIES: u64 = 2;

static IN_USE: Mutex<u64> = Mutex::new(0);
static FREED: Condvar = Condvar::new();

thread_local! {
    /// Permits this thread holds. A thread that holds one never waits for another: rayon may
    /// run a second decode on a thread that is waiting inside the first, and two such waits
    /// could otherwise hold the whole budget and wait for each other for ever.
    static HELD: Cell<usize> = const { Cell::new(0) };
}

/// A share of the budget, given back when dropped.
#[derive(Debug)]
pub struct Permit {
    bytes: u64,
}

/// Take the share of an image of `pixels` pixels of `bytes_per_pixel` each, waiting while the
/// build's decodes in flight hold too much.
pub fn acquire(pixels: u64, bytes_per_pixel: u64) -> Permit {
    let bytes = pixels
        .saturating_mul(bytes_per_pixel)
        .saturating_mul(WORKING_COPIES)
        .min(PER_BUILD);
    let mut used = IN_USE.lock().unwrap_or_else(|e| e.into_inner());
    if HELD.get() == 0 {
        while *used > 0 && *used + bytes > PER_BUILD {
            used = FREED.wait(used).unwrap_or_else(|e| e.into_inner());
        }
    }
    *used += bytes;
    HELD.set(HELD.get() + 1);
    Permit { bytes }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut used = IN_USE.lock().unwrap_or_else(|e| e.into_inner());
        *used = used.saturating_sub(self.bytes);
        HELD.set(HELD.get().saturating_sub(1));
        FREED.notify_all();
    }
}

/// Decoded pixels with their share of the budget: the share is held as long as the pixels.
#[derive(Debug)]
pub struct Decoded {
    pub image: image::DynamicImage,
    _permit: Permit,
}

impl Decoded {
    pub fn new(image: image::DynamicImage, permit: Permit) -> Decoded {
        Decoded {
            image,
            _permit: permit,
        }
    }
}

impl std::ops::Deref for Decoded {
    type Target = image::DynamicImage;
    fn deref(&self) -> &image::DynamicImage {
        &self.image
    }
}

/// What the budget holds now.
#[cfg(test)]
fn in_use() -> u64 {
    *IN_USE.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[test]
    fn decodes_in_flight_never_hold_more_than_the_budget() {
        let peak = Arc::new(AtomicU64::new(0));
        let side = 16384u64 * 16384;
        let threads: Vec<_> = (0..6)
            .map(|_| {
                let peak = peak.clone();
                std::thread::spawn(move || {
                    let permit = acquire(side, 4);
                    peak.fetch_max(in_use(), Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    drop(permit);
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert!(peak.load(Ordering::SeqCst) <= PER_BUILD);
        // A thread that holds a permit is never made to wait (no deadlock under rayon).
        let a = acquire(side, 8);
        let b = acquire(side, 8);
        drop((a, b));
    }
}
