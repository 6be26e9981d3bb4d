//! Measures `radcase serve` on a generated site (see bench/serve.sh, which makes the site):
//!
//! 1. incremental rebuilds: rewrite one case's Markdown, time from the write until the server
//!    answers with the new page (also until the reload event);
//! 2. full rebuilds: rewrite config.toml, time until the reload event;
//! 3. load: N requests over C keep-alive connections while the site is being rebuilt,
//!    reporting requests per second and every failed request.
//!
//!     cargo run --release --example serve_bench -- SITE RADCASE_BINARY [EDITS] [REQUESTS] [CONNECTIONS]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: serve_bench SITE RADCASE_BINARY [EDITS] [REQUESTS] [CONNECTIONS]");
        std::process::exit(2);
    }
    let site = PathBuf::from(&args[0]);
    let binary = PathBuf::from(&args[1]);
    let number =
        |i: usize, default: usize| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (edits, requests, connections) = (number(2, 30), number(3, 10_000), number(4, 50));

    let mut child = Command::new(&binary)
        .args(["serve", "--port", "0"])
        .arg(&site)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start radcase serve");
    let (tx, rx) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut startup = Vec::new();
    let port: u16 = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("serve started");
        startup.push(line.clone());
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            break rest.split('/').next().unwrap().parse().unwrap();
        }
    };
    println!("startup: {}", startup.join(" | "));
    // Keep draining the server's messages; keep the rebuild lines to report their own timing.
    let server_lines = Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = Arc::clone(&server_lines);
    std::thread::spawn(move || {
        for line in rx {
            sink.lock().unwrap().push(line);
        }
    });

    let cases = case_files(&site.join("content/cases"));
    let events = Events::open(port);
    events.drain(Duration::from_millis(300));

    // 1. Incremental rebuilds.
    let mut to_event = Vec::new();
    let mut to_served = Vec::new();
    for i in 0..edits {
        let file = &cases[(i * 7919) % cases.len()];
        let url = page_url(&site, file);
        let original = std::fs::read_to_string(file).unwrap();
        let marker = format!("bench-edit-{i}-{}", std::process::id());
        let started = Instant::now();
        std::fs::write(file, format!("{original}\n{marker}\n")).unwrap();
        events.wait("reload");
        to_event.push(started.elapsed());
        loop {
            if get(port, &url).1.contains(&marker) {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{url} never showed the edit"
            );
        }
        to_served.push(started.elapsed());
        std::fs::write(file, original).unwrap();
        events.wait("reload");
        events.drain(Duration::from_millis(50));
    }
    report("edit one case -> reload event", &mut to_event);
    report("edit one case -> new page served", &mut to_served);

    // 2. Full rebuilds.
    let config = site.join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let mut full = Vec::new();
    for i in 0..edits.min(10) {
        let started = Instant::now();
        std::fs::write(&config, format!("{text}\n# bench {i}\n")).unwrap();
        events.wait("reload");
        full.push(started.elapsed());
        events.drain(Duration::from_millis(50));
    }
    std::fs::write(&config, &text).unwrap();
    events.wait("reload");
    report("full rebuild (config.toml) -> reload event", &mut full);

    // 3. Load while rebuilding.
    let urls: Vec<String> = [
        "/",
        "/cases/",
        "/rss.xml",
        "/css/radcase.css",
        "/sitemap.xml",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(cases.iter().take(200).map(|f| page_url(&site, f)))
    .collect();
    let urls = Arc::new(urls);
    let next = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let editor = {
        let done = Arc::clone(&done);
        let file = cases[0].clone();
        std::thread::spawn(move || {
            let original = std::fs::read_to_string(&file).unwrap();
            let mut n = 0;
            while !done.load(Ordering::Relaxed) {
                std::fs::write(&file, format!("{original}\nload-{n}\n")).unwrap();
                n += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
            std::fs::write(&file, original).unwrap();
            n
        })
    };
    let started = Instant::now();
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let (urls, next, failures) =
                (Arc::clone(&urls), Arc::clone(&next), Arc::clone(&failures));
            std::thread::spawn(move || {
                let mut conn = KeepAlive::open(port);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= requests {
                        break;
                    }
                    match conn.get(&urls[i % urls.len()]) {
                        Some(200) => {}
                        other => {
                            failures.fetch_add(1, Ordering::Relaxed);
                            eprintln!("request {i}: {other:?}");
                            conn = KeepAlive::open(port);
                        }
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let took = started.elapsed();
    done.store(true, Ordering::Relaxed);
    let rebuilds = editor.join().unwrap();
    println!(
        "load: {requests} requests over {connections} connections in {:.2} s = {:.0} requests/s, {} failed, during {rebuilds} rebuilds",
        took.as_secs_f64(),
        requests as f64 / took.as_secs_f64(),
        failures.load(Ordering::Relaxed)
    );
    let lines = server_lines.lock().unwrap();
    let timings: Vec<&String> = lines.iter().filter(|l| l.starts_with("Change:")).collect();
    println!(
        "server's own rebuild lines: {} (last: {:?})",
        timings.len(),
        timings.last()
    );
    // SIGTERM, as a terminal sends it: the server removes its temporary files.
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    if failures.load(Ordering::Relaxed) > 0 {
        std::process::exit(1);
    }
}

fn report(what: &str, samples: &mut [Duration]) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let n = samples.len();
    println!(
        "{what}: median {:.1} ms, min {:.1} ms, p90 {:.1} ms, max {:.1} ms ({n} runs)",
        ms(samples[n / 2]),
        ms(samples[0]),
        ms(samples[(n * 9 / 10).min(n - 1)]),
        ms(samples[n - 1])
    );
}

fn case_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.ok()?.path();
            let index = p.join("index.md");
            if index.is_file() {
                Some(index)
            } else if p.extension().is_some_and(|x| x == "md") && !p.ends_with("_index.md") {
                Some(p)
            } else {
                None
            }
        })
        .collect();
    files.sort();
    files
}

/// The URL of a generated case (its folder or file name is its slug).
fn page_url(site: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(site.join("content")).unwrap();
    let rel = rel.to_string_lossy();
    let rel = rel.trim_end_matches("/index.md").trim_end_matches(".md");
    format!("/{rel}/")
}

fn get(port: u16, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    let _ = s.read_to_string(&mut text);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

struct Events(mpsc::Receiver<String>);

impl Events {
    fn open(port: u16) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.write_all(b"GET /__radcase/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(s).lines().map_while(Result::ok) {
                if let Some(name) = line.trim_end().strip_prefix("event: ")
                    && tx.send(name.to_string()).is_err()
                {
                    break;
                }
            }
        });
        Events(rx)
    }

    fn wait(&self, name: &str) {
        loop {
            let got = self
                .0
                .recv_timeout(Duration::from_secs(60))
                .expect("an event");
            if got == name {
                return;
            }
            assert_ne!(got, "build-error", "the site failed to rebuild");
        }
    }

    fn drain(&self, quiet: Duration) {
        while self.0.recv_timeout(quiet).is_ok() {}
    }
}

/// One keep-alive connection, reading responses by Content-Length.
struct KeepAlive(BufReader<TcpStream>);

impl KeepAlive {
    fn open(port: u16) -> KeepAlive {
        let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.set_nodelay(true).unwrap();
        KeepAlive(BufReader::new(s))
    }

    fn get(&mut self, path: &str) -> Option<u16> {
        // One write per request: several small ones would meet Nagle's delay on the server.
        let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        self.0.get_mut().write_all(request.as_bytes()).ok()?;
        let mut line = String::new();
        self.0.read_line(&mut line).ok()?;
        let status = line.split_whitespace().nth(1)?.parse().ok()?;
        let mut length = 0;
        loop {
            line.clear();
            self.0.read_line(&mut line).ok()?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                length = v.trim().parse().ok()?;
            }
        }
        let mut body = vec![0; length];
        self.0.read_exact(&mut body).ok()?;
        Some(status)
    }
}
