//! `radcase serve`: build into memory, serve over HTTP, rebuild on every save and reload the
//! pages that changed. Wires `serve::{site, watch, http}` together; the rebuild loop runs on
//! its own thread, so requests are answered from the last good build while it works.

use std::net::{IpAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::diagnostic::{Diagnostic, Errors, Result, io_error};
use crate::pipeline::{self, Settings};
use crate::serve::http::{self, Message, Shared};
use crate::serve::site::{Outcome, Site};
use crate::serve::watch::{Batch, Wait, Watch};

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub site: PathBuf,
    /// 0 lets the system choose.
    pub port: u16,
    pub bind: IpAddr,
    pub open: bool,
    pub drafts: bool,
    /// `--now`: what today is (else $SOURCE_DATE_EPOCH, else the clock).
    pub now: Option<chrono::DateTime<chrono::Utc>>,
    pub cache_dir: Option<PathBuf>,
    pub quiet: bool,
}

/// How many ports after a taken one are tried.
const PORT_TRIES: u16 = 20;

pub fn serve(options: &ServeOptions) -> Result<()> {
    let site = &options.site;
    let root = std::fs::canonicalize(site).map_err(|_| {
        Diagnostic::in_file(site, "the site folder does not exist").with_hint(
            "pass the folder that holds config.toml, or create a site with `radcase new site DIR`",
        )
    })?;
    let (listener, port) = bind(options.bind, options.port)?;
    if options.port != 0 && port != options.port {
        eprintln!(
            "Port {} is in use; serving on port {port} instead.",
            options.port
        );
    }
    if !options.bind.is_loopback() {
        eprintln!(
            "Warning: listening on {}, so other computers on your network can read this site, \
             drafts included. Use --bind 127.0.0.1 to keep it to this computer.",
            options.bind
        );
    }
    let host = match options.bind {
        ip if ip.is_unspecified() => "127.0.0.1".to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    let base_url = format!("http://{host}:{port}/");
    let media = tempfile::Builder::new()
        .prefix("radcase-serve-")
        .tempdir()
        .map_err(|e| io_error(&std::env::temp_dir(), "create a temporary folder", &e))?;
    let media_dir = std::fs::canonicalize(media.path())
        .map_err(|e| io_error(media.path(), "open the temporary folder", &e))?;
    let settings = Settings {
        site: site.clone(),
        base_url: Some(base_url.clone()),
        drafts: options.drafts,
        now: options.now,
        cache_dir: options.cache_dir.clone(),
    };
    let shared = Shared::new(vec![root.clone(), media_dir.clone()]);
    let mut watch = Watch::start(&root)?;
    let mut warned = Vec::new();
    let mut current = match Site::load(&settings, &media_dir) {
        Ok((s, outcome)) => {
            warn(&outcome, options.quiet, &mut warned);
            shared.publish(s.files(), Message::Reload(outcome.reload.clone()));
            if !options.quiet {
                eprintln!(
                    "Built {} files in {} ms.",
                    outcome.rendered,
                    outcome.elapsed.as_millis()
                );
            }
            Some(s)
        }
        Err(errors) => {
            failed(&shared, &errors);
            None
        }
    };

    let loop_shared = Arc::clone(&shared);
    let quiet = options.quiet;
    std::thread::spawn(move || {
        if let Some(s) = current.as_mut() {
            match s.finish() {
                Ok(_) => loop_shared.add_quietly(s.files()),
                Err(errors) => failed(&loop_shared, &errors),
            }
        }
        // With the clock as today, a scheduled change (a page published or expiring, an answer
        // revealed) comes while serve runs: at its time the site is loaded again.
        let clock = pipeline::clock_moves(&settings);
        let mut due_failed = false;
        loop {
            let due = current.as_ref().and_then(Site::next_due);
            let until = due.filter(|_| clock && !due_failed).map(wake_at);
            let (batch, scheduled) = match watch.next(until) {
                Wait::Stopped => break,
                Wait::Due if due.is_some_and(|d| d <= chrono::Utc::now()) => {
                    if !quiet {
                        eprintln!("A scheduled change is due: loading the site again.");
                    }
                    (Batch::default(), true)
                }
                Wait::Due => continue,
                Wait::Changes(batch) => (batch, false),
            };
            if let Some(errors) = &batch.unwatched {
                eprintln!("{errors}");
                eprintln!(
                    "Changes in that folder go unseen until it can be watched: serve tries again \
                     with the next change in the site folder itself, or restart it."
                );
            }
            let batch = batch.paths;
            // A bug that panics must not leave the server deaf to every later save: the last
            // good site stays, and the panic is reported like an error. (An update changes
            // nothing until it has worked, so the site is whole.)
            let rebuild = std::panic::AssertUnwindSafe(|| match current.as_mut() {
                Some(s) if !scheduled => s.update(&batch),
                _ => Site::load(&settings, &media_dir).and_then(|(mut s, outcome)| {
                    s.finish()?;
                    current = Some(s);
                    Ok(Some(outcome))
                }),
            });
            let result = std::panic::catch_unwind(rebuild).unwrap_or_else(|panic| {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                Err(Diagnostic::new(format!("radcase failed while rebuilding: {what}"))
                    .with_hint("this is a bug in radcase: please report it with the file you saved; saving again retries")
                    .into())
            });
            // A load at a scheduled time that fails waits for an edit, not for the clock again.
            due_failed = scheduled && result.is_err();
            match (result, current.as_ref()) {
                (Ok(Some(outcome)), Some(s)) => {
                    warn(&outcome, quiet, &mut warned);
                    if !quiet {
                        eprintln!("{}", summary(&outcome));
                    }
                    loop_shared.publish(s.files(), Message::Reload(outcome.reload));
                }
                (Err(errors), _) => failed(&loop_shared, &errors),
                _ => {}
            }
        }
    });

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Diagnostic::new(format!("cannot start the server: {e}")))?;
    // Ctrl-C is ours from before the address is printed: a signal in between killed the
    // process instead of stopping it ("Stopped." never came).
    let stop = {
        let _entered = runtime.enter();
        StopSignal::new()
    };
    if !options.quiet {
        eprintln!("Serving {} at {base_url} (Ctrl-C to stop)", site.display());
    }
    if options.open
        && let Err(e) = open::that(&base_url)
    {
        eprintln!("Could not open a browser ({e}); open {base_url} yourself.");
    }
    let served = runtime.block_on(async move {
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        tokio::select! {
            () = http::serve(listener, http::router(shared)) => {}
            () = stop.wait() => {}
        }
        Ok::<(), std::io::Error>(())
    });
    // Open event streams would keep a graceful shutdown waiting: stop without them.
    runtime.shutdown_timeout(Duration::from_millis(200));
    drop(media);
    if !options.quiet {
        eprintln!("Stopped.");
    }
    served.map_err(|e| Diagnostic::new(format!("the server stopped: {e}")).into())
}

/// When to wake for a change scheduled at `due`: a second after it, so the load's clock is
/// past it, and at most an hour from now, so a clock set or a machine woken meanwhile is looked
/// at again.
fn wake_at(due: chrono::DateTime<chrono::Utc>) -> std::time::Instant {
    let wait = (due - chrono::Utc::now()).to_std().unwrap_or_default() + Duration::from_secs(1);
    std::time::Instant::now() + wait.min(Duration::from_secs(3600))
}

/// Ctrl-C, or (on Unix) the SIGTERM a terminal or service manager sends when it closes.
/// Handlers are installed when this is made (inside the runtime), not when it is awaited.
struct StopSignal {
    #[cfg(unix)]
    unix: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl StopSignal {
    fn new() -> StopSignal {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let unix = signal(SignalKind::interrupt())
                .and_then(|int| Ok((int, signal(SignalKind::terminate())?)))
                .ok();
            StopSignal { unix }
        }
        #[cfg(not(unix))]
        StopSignal {}
    }

    async fn wait(self) {
        #[cfg(unix)]
        if let Some((mut int, mut term)) = self.unix {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Bind `port`, or the next free one when it is taken (any free one for 0).
fn bind(ip: IpAddr, port: u16) -> Result<(TcpListener, u16)> {
    let tries = if port == 0 { 1 } else { PORT_TRIES };
    for p in (0..tries).filter_map(|i| port.checked_add(i)) {
        match TcpListener::bind((ip, p)) {
            Ok(l) => {
                let port = l.local_addr().map_or(p, |a| a.port());
                return Ok((l, port));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue,
            Err(e) => {
                return Err(
                    Diagnostic::new(format!("cannot listen on {ip} port {p}: {e}"))
                        .with_hint("pick another address with --bind, or another port with --port")
                        .into(),
                );
            }
        }
    }
    Err(Diagnostic::new(format!(
        "ports {port} to {} on {ip} are all in use",
        port.saturating_add(PORT_TRIES - 1)
    ))
    .with_hint("stop the other servers, or pick a port with --port")
    .into())
}

fn summary(outcome: &Outcome) -> String {
    let what = if outcome.full {
        "rebuilt everything"
    } else {
        "rebuilt"
    };
    format!(
        "Change: {what}, {} files, {} removed, in {} ms.",
        outcome.rendered,
        outcome.removed,
        outcome.elapsed.as_millis()
    )
}

/// Warnings (stale acknowledgements) are printed as `build` prints them, once: again only
/// when a rebuild changes them.
fn warn(outcome: &Outcome, quiet: bool, shown: &mut Vec<String>) {
    let now: Vec<String> = outcome.warnings.iter().map(ToString::to_string).collect();
    if !quiet && now != *shown {
        for w in &now {
            eprintln!("warning: {w}");
        }
    }
    *shown = now;
}

/// Say it once in the terminal, and on every open page.
fn failed(shared: &Shared, errors: &Errors) {
    eprintln!("{errors}");
    eprintln!("Still serving the last good build. Fix the file and save.");
    shared.fail(report(errors));
}

/// The diagnostics as the overlay reads them.
fn report(errors: &Errors) -> String {
    let list: Vec<serde_json::Value> = errors
        .0
        .iter()
        .map(|d| {
            serde_json::json!({
                "path": d.path.as_ref().map(|p| p.display().to_string()),
                "line": d.line,
                "column": d.column,
                "message": d.full_message(),
                "hint": d.hint,
            })
        })
        .collect();
    serde_json::json!({ "errors": list }).to_string()
}
