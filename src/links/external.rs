//! Other sites' addresses, asked over HTTP: HEAD first and GET when HEAD is refused (or when
//! the page must be read for its ids), redirects followed up to a bound, a time-out per
//! request, a bounded number of requests at once, and per host at most a few at a time with a
//! pause between them, so that checking a site does not look like an attack on one server.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::io::Read;
use std::path::PathBuf;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime};

use url::Url;

use super::cache::{Cache, Entry};
use super::html;
use crate::diagnostic::Diagnostic;

/// Redirects followed before an address counts as broken.
pub const MAX_REDIRECTS: u32 = 5;
/// How much of a page is read to find its ids.
const BODY_LIMIT: u64 = 8 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Options {
    /// For one request, redirects and body included.
    pub timeout: Duration,
    /// Requests at once, over all hosts.
    pub concurrency: usize,
    /// Requests at once to one host.
    pub per_host: usize,
    /// Between the starts of two requests to one host.
    pub host_delay: Duration,
    /// Ask again even where the cache has an answer.
    pub refresh: bool,
    pub cache_dir: PathBuf,
}

/// One address to check, and the fragments links add to it.
#[derive(Debug, Clone)]
pub struct Target {
    pub url: Url,
    pub fragments: BTreeSet<String>,
}

/// What became of one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    /// The status, or what went wrong.
    Failed(String),
    /// The page is there, without these fragments.
    NoFragments(Vec<String>),
}

#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub addresses: usize,
    /// Asked over the network in this run.
    pub fetched: usize,
    pub cached: usize,
    pub failed: usize,
    /// A problem that did not change any verdict (the cache could not be saved).
    pub warning: Option<Diagnostic>,
}

/// Check every target; verdicts in the order of `targets`.
pub fn check(targets: &[Target], options: &Options) -> (Vec<Verdict>, Summary) {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut cache = Cache::open(&options.cache_dir);
    let mut entries: Vec<Option<Entry>> = targets
        .iter()
        .map(|t| {
            let e = cache.entries.get(t.url.as_str())?;
            let usable = !options.refresh
                && e.is_fresh(now)
                && (t.fragments.is_empty() || e.knows_fragments());
            usable.then(|| e.clone())
        })
        .collect();
    let cached = entries.iter().filter(|e| e.is_some()).count();
    let jobs: Vec<usize> = (0..targets.len())
        .filter(|&i| entries[i].is_none())
        .collect();
    let agent = agent(options);
    let fetched = run(&jobs, targets, options, |t| {
        fetch(&agent, &t.url, !t.fragments.is_empty(), options, now)
    });
    for (i, entry) in jobs.iter().zip(fetched) {
        cache
            .entries
            .insert(targets[*i].url.to_string(), entry.clone());
        entries[*i] = Some(entry);
    }
    let asked: std::collections::HashSet<usize> = jobs.iter().copied().collect();
    let verdicts: Vec<Verdict> = targets
        .iter()
        .zip(&entries)
        .enumerate()
        .map(|(i, (t, e))| {
            let kept = (!asked.contains(&i)).then_some(now);
            e.as_ref().map_or(Verdict::Ok, |e| verdict(t, e, kept))
        })
        .collect();
    let summary = Summary {
        addresses: targets.len(),
        fetched: jobs.len(),
        cached,
        failed: verdicts.iter().filter(|v| **v != Verdict::Ok).count(),
        warning: if jobs.is_empty() {
            None
        } else {
            cache.save(now).err()
        },
    };
    (verdicts, summary)
}

/// The verdict of `entry` on `target`; `kept` is the time now when the entry comes from the
/// cache (a failure then says how old it is: the address may work again by now).
fn verdict(target: &Target, entry: &Entry, kept: Option<u64>) -> Verdict {
    if let Some(error) = &entry.error {
        return Verdict::Failed(match kept {
            Some(now) => {
                let age = now.saturating_sub(entry.checked);
                if age >= 60 {
                    format!("{error} ({} min ago, kept in the cache)", age / 60)
                } else {
                    format!("{error} ({age} s ago, kept in the cache)")
                }
            }
            None => error.clone(),
        });
    }
    let Some(ids) = &entry.ids else {
        return Verdict::Ok;
    };
    let missing: Vec<String> = target
        .fragments
        .iter()
        .filter(|f| !fragment_found(f, ids))
        .cloned()
        .collect();
    if missing.is_empty() {
        Verdict::Ok
    } else {
        Verdict::NoFragments(missing)
    }
}

/// Whether a page with `ids` has the place `fragment` names. `top` is the top of any page, a
/// text fragment (`#:~:text=`) is found by the browser in the text, and GitHub prefixes the
/// ids of rendered Markdown with `user-content-` (its script follows the bare fragment).
fn fragment_found(fragment: &str, ids: &[String]) -> bool {
    let has = |id: &str| ids.binary_search_by(|i| i.as_str().cmp(id)).is_ok();
    fragment.eq_ignore_ascii_case("top")
        || fragment.starts_with(":~:")
        || has(fragment)
        || has(&format!("user-content-{fragment}"))
}

fn agent(options: &Options) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .max_redirects(MAX_REDIRECTS)
        .http_status_as_error(false)
        .user_agent(concat!("radcase-link-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// Ask one address. HEAD is enough unless the page must be read; a server that answers HEAD
/// with an error status (some refuse it, some mishandle it) gets a GET, but one that did not
/// answer, or redirects in circles, is not asked twice.
fn fetch(agent: &ureq::Agent, url: &Url, read_ids: bool, options: &Options, now: u64) -> Entry {
    let mut entry = Entry {
        checked: now,
        status: None,
        error: None,
        ids: None,
        not_html: false,
    };
    if !read_ids {
        match agent.head(url.as_str()).call() {
            Ok(resp) if resp.status().is_success() => {
                entry.status = Some(resp.status().as_u16());
                return entry;
            }
            Ok(_) => {}
            Err(e) => {
                entry.error = Some(describe(&e, options));
                return entry;
            }
        }
    }
    match agent.get(url.as_str()).call() {
        Ok(mut resp) => {
            let status = resp.status();
            entry.status = Some(status.as_u16());
            if !status.is_success() {
                entry.error = Some(match status.canonical_reason() {
                    Some(reason) => format!("{} {reason}", status.as_u16()),
                    None => format!("status {}", status.as_u16()),
                });
                return entry;
            }
            if !read_ids {
                return entry;
            }
            let is_html = resp
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|t| t.to_ascii_lowercase().contains("html"));
            if !is_html {
                entry.not_html = true;
                return entry;
            }
            let mut body = Vec::new();
            let read = resp
                .body_mut()
                .as_reader()
                .take(BODY_LIMIT)
                .read_to_end(&mut body);
            match read {
                Ok(_) => {
                    let mut ids: Vec<String> = html::ids(&String::from_utf8_lossy(&body))
                        .into_iter()
                        .collect();
                    ids.sort_unstable();
                    entry.ids = Some(ids);
                }
                Err(e) => {
                    entry.error = Some(format!("the page could not be read whole: {e}"));
                }
            }
            entry
        }
        Err(e) => {
            entry.error = Some(describe(&e, options));
            entry
        }
    }
}

fn describe(e: &ureq::Error, options: &Options) -> String {
    match e {
        ureq::Error::Timeout(_) => format!(
            "no complete answer within {} s",
            options.timeout.as_secs_f64()
        ),
        ureq::Error::TooManyRedirects => format!("more than {MAX_REDIRECTS} redirects"),
        ureq::Error::HostNotFound => "host not found".into(),
        ureq::Error::ConnectionFailed => "the connection failed".into(),
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => "the connection was refused".into(),
            std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted => {
                "the server closed the connection".into()
            }
            std::io::ErrorKind::TimedOut => format!(
                "no complete answer within {} s",
                options.timeout.as_secs_f64()
            ),
            _ => io.to_string(),
        },
        other => other.to_string(),
    }
}

/// Per host: requests under way, and the earliest start of the next.
#[derive(Default)]
struct Host {
    active: usize,
    next: Option<Instant>,
}

struct Queue {
    pending: VecDeque<usize>,
    hosts: HashMap<String, Host>,
}

/// Run `fetch` on the targets of `jobs` with the limits of `options`; results in job order.
fn run<F>(jobs: &[usize], targets: &[Target], options: &Options, fetch: F) -> Vec<Entry>
where
    F: Fn(&Target) -> Entry + Sync,
{
    let host_of = |i: usize| targets[i].url.host_str().unwrap_or_default().to_string();
    let queue = Mutex::new(Queue {
        pending: (0..jobs.len()).collect(),
        hosts: HashMap::new(),
    });
    let changed = Condvar::new();
    let results: Mutex<Vec<Option<Entry>>> = Mutex::new(vec![None; jobs.len()]);
    let per_host = options.per_host.max(1);
    let workers = options.concurrency.max(1).min(jobs.len());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let Some((k, host)) =
                        next_job(&queue, &changed, jobs, per_host, options, &host_of)
                    else {
                        return;
                    };
                    let entry = fetch(&targets[jobs[k]]);
                    results.lock().unwrap_or_else(|e| e.into_inner())[k] = Some(entry);
                    let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
                    if let Some(h) = q.hosts.get_mut(&host) {
                        h.active -= 1;
                    }
                    drop(q);
                    changed.notify_all();
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|e| e.unwrap_or_else(unreachable_entry))
        .collect()
}

/// A job whose worker died (it cannot: `fetch` does not panic) still gets an answer.
fn unreachable_entry() -> Entry {
    Entry {
        checked: 0,
        status: None,
        error: Some("not checked".into()),
        ids: None,
        not_html: false,
    }
}

/// The next job whose host has a free slot and whose pause is over, waiting until there is
/// one; `None` when every job has been taken.
fn next_job(
    queue: &Mutex<Queue>,
    changed: &Condvar,
    jobs: &[usize],
    per_host: usize,
    options: &Options,
    host_of: &dyn Fn(usize) -> String,
) -> Option<(usize, String)> {
    let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        if q.pending.is_empty() {
            return None;
        }
        let now = Instant::now();
        let mut soonest: Option<Instant> = None;
        let mut pick = None;
        for (at, &k) in q.pending.iter().enumerate() {
            let host = host_of(jobs[k]);
            let h = q.hosts.get(&host);
            let active = h.map_or(0, |h| h.active);
            let next = h.and_then(|h| h.next);
            if active >= per_host {
                continue;
            }
            match next {
                Some(t) if t > now => soonest = Some(soonest.map_or(t, |s| s.min(t))),
                _ => {
                    pick = Some((at, k, host));
                    break;
                }
            }
        }
        if let Some((at, k, host)) = pick {
            q.pending.remove(at);
            let h = q.hosts.entry(host.clone()).or_default();
            h.active += 1;
            h.next = Some(now + options.host_delay);
            return Some((k, host));
        }
        q = match soonest {
            Some(t) => {
                changed
                    .wait_timeout(q, t - now)
                    .unwrap_or_else(|e| e.into_inner())
                    .0
            }
            None => changed.wait(q).unwrap_or_else(|e| e.into_inner()),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn targets(urls: &[&str]) -> Vec<Target> {
        urls.iter()
            .map(|u| Target {
                url: Url::parse(u).unwrap(),
                fragments: BTreeSet::new(),
            })
            .collect()
    }

    fn options(concurrency: usize, per_host: usize, delay_ms: u64) -> Options {
        Options {
            timeout: Duration::from_secs(1),
            concurrency,
            per_host,
            host_delay: Duration::from_millis(delay_ms),
            refresh: false,
            cache_dir: PathBuf::new(),
        }
    }

    /// Run fake fetches of 40 ms and return the most that were under way at once, overall and
    /// for host `a`.
    fn peaks(urls: &[&str], o: &Options) -> (usize, usize, Duration) {
        let t = targets(urls);
        let jobs: Vec<usize> = (0..t.len()).collect();
        let (all, a, peak_all, peak_a) = (
            AtomicUsize::new(0),
            AtomicUsize::new(0),
            AtomicUsize::new(0),
            AtomicUsize::new(0),
        );
        let started = Instant::now();
        let out = run(&jobs, &t, o, |target| {
            let is_a = target.url.host_str() == Some("a");
            peak_all.fetch_max(all.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
            if is_a {
                peak_a.fetch_max(a.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
            }
            std::thread::sleep(Duration::from_millis(40));
            all.fetch_sub(1, Ordering::SeqCst);
            if is_a {
                a.fetch_sub(1, Ordering::SeqCst);
            }
            Entry {
                checked: 1,
                status: Some(200),
                error: None,
                ids: None,
                not_html: false,
            }
        });
        assert_eq!(out.len(), urls.len());
        (
            peak_all.load(Ordering::SeqCst),
            peak_a.load(Ordering::SeqCst),
            started.elapsed(),
        )
    }

    #[test]
    fn limits_hold_overall_and_per_host() {
        let urls = [
            "http://a/1",
            "http://a/2",
            "http://a/3",
            "http://a/4",
            "http://b/1",
            "http://c/1",
            "http://d/1",
            "http://e/1",
        ];
        let (all, a, _) = peaks(&urls, &options(3, 2, 0));
        assert!(all <= 3 && a <= 2, "{all} {a}");
        assert!(all == 3 && a == 2, "the limits are reached: {all} {a}");
        let (_, a, _) = peaks(&urls, &options(8, 1, 0));
        assert_eq!(a, 1);
    }

    #[test]
    fn requests_to_one_host_are_spaced() {
        let (_, _, took) = peaks(
            &["http://a/1", "http://a/2", "http://a/3"],
            &options(8, 3, 50),
        );
        assert!(took >= Duration::from_millis(100), "{took:?}");
    }

    #[test]
    fn fragments_and_their_exceptions() {
        let ids: Vec<String> = ["a", "user-content-install"].map(String::from).into();
        assert!(fragment_found("a", &ids) && fragment_found("install", &ids));
        assert!(fragment_found("top", &ids) && fragment_found(":~:text=x", &ids));
        assert!(!fragment_found("b", &ids));
    }
}
