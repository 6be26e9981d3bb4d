//! A running `radcase serve`: started on a free port, talked to over raw HTTP (so request
//! paths reach the server exactly as written) and through its live-reload event stream.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{TIMEOUT, TestSite};

/// How long to wait for a rebuild to reach the browser. Rebuilds of these sites take
/// milliseconds; the margin is for loaded CI machines.
pub const WAIT: Duration = Duration::from_secs(10);

/// Save a file as careful editors do: write a hidden temporary file, then rename it over the
/// old one, so the server never sees it half-written.
pub fn save(site: &TestSite, rel: &str, contents: impl AsRef<[u8]>) {
    let path = site.path(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let name = path.file_name().unwrap().to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}.saving"));
    std::fs::write(&tmp, contents).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
}

pub struct Server {
    pub child: Child,
    pub port: u16,
    log: Arc<Mutex<String>>,
}

impl Server {
    pub fn start(site: &TestSite, extra: &[&str]) -> Server {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_radcase"))
            .arg("serve")
            .arg(&site.dir)
            .args(if extra.contains(&"--port") {
                &[][..]
            } else {
                &["--port", "0"][..]
            })
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&format!("{line}\n"));
                let _ = tx.send(line);
            }
        });
        let port = loop {
            let line = rx
                .recv_timeout(TIMEOUT)
                .unwrap_or_else(|_| panic!("serve did not start:\n{}", log.lock().unwrap()));
            if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
                break rest.split('/').next().unwrap().parse().unwrap();
            }
        };
        Server { child, port, log }
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    pub fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(WAIT)).unwrap();
        s
    }

    /// Send `request` as raw bytes and read the whole response.
    pub fn raw(&self, request: &[u8]) -> Reply {
        let mut s = self.connect();
        s.write_all(request).unwrap();
        let mut bytes = Vec::new();
        let _ = s.read_to_end(&mut bytes);
        Reply::parse(&bytes)
    }

    pub fn request(&self, method: &str, path: &str) -> Reply {
        self.raw(
            format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
    }

    pub fn get(&self, path: &str) -> Reply {
        self.request("GET", path)
    }

    /// Open the live-reload stream.
    pub fn events(&self) -> Events {
        let mut s = self.connect();
        s.set_read_timeout(None).unwrap();
        s.write_all(b"GET /__radcase/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut name = String::new();
            for line in BufReader::new(s).lines().map_while(Result::ok) {
                let line = line.trim_end_matches('\r');
                if let Some(n) = line.strip_prefix("event: ") {
                    name = n.to_string();
                } else if let Some(data) = line.strip_prefix("data: ")
                    && tx.send((name.clone(), data.to_string())).is_err()
                {
                    break;
                }
            }
        });
        Events(rx)
    }

    /// Wait until `path` answers with a body containing `text`.
    pub fn wait_for(&self, path: &str, text: &str) -> Reply {
        let until = Instant::now() + WAIT;
        loop {
            let r = self.get(path);
            if r.text().contains(text) || Instant::now() > until {
                return r;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    /// Stop it as a terminal would (SIGTERM), so it removes its temporary files; kill it if
    /// it does not stop.
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status();
        let until = Instant::now() + Duration::from_secs(3);
        while Instant::now() < until {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Events(pub Receiver<(String, String)>);

impl Events {
    /// The next event named `name`, skipping others.
    pub fn next(&self, name: &str) -> String {
        let until = Instant::now() + WAIT;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match self.0.recv_timeout(left) {
                Ok((n, data)) if n == name => return data,
                Ok(_) => {}
                Err(_) => panic!("no `{name}` event within {WAIT:?}"),
            }
        }
    }

    /// The next event named one of `names`: (its name, its data).
    pub fn next_of(&self, names: &[&str]) -> (String, String) {
        let until = Instant::now() + WAIT;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match self.0.recv_timeout(left) {
                Ok((n, data)) if names.contains(&n.as_str()) => return (n, data),
                Ok(_) => {}
                Err(_) => panic!("none of the events {names:?} within {WAIT:?}"),
            }
        }
    }

    /// Every event that arrives within `period`.
    pub fn during(&self, period: Duration) -> Vec<(String, String)> {
        let until = Instant::now() + period;
        let mut got = Vec::new();
        while let Ok(e) = self
            .0
            .recv_timeout(until.saturating_duration_since(Instant::now()))
        {
            got.push(e);
        }
        got
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn parse(bytes: &[u8]) -> Reply {
        let split = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or(bytes.len());
        let head = String::from_utf8_lossy(&bytes[..split]);
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let body = bytes.get(split + 4..).unwrap_or_default().to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).to_string()
    }
}

impl Server {
    /// Start with `--port PORT` instead of a free one.
    pub fn start_on(site: &TestSite, port: u16) -> Server {
        Server::start(site, &["--port", &port.to_string()])
    }
}

/// Wait until `done` holds (polling), or fail naming `what`.
pub fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let until = Instant::now() + WAIT;
    while !done() {
        assert!(Instant::now() < until, "not within {WAIT:?}: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Copy the folder `from` to `to` (which must not exist), as a sync tool or `cp -r` would.
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

impl Server {
    /// The server's resident memory in bytes (Linux: `VmRSS` of /proc/PID/status).
    #[cfg(target_os = "linux")]
    pub fn rss(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc/PID/status");
        kb * 1024
    }
}

/// Read one response from a kept-alive connection: its head, then as many bytes as its
/// `Content-Length` says.
pub fn read_response(s: &mut TcpStream) -> Reply {
    let mut bytes = Vec::new();
    let mut byte = [0u8; 1];
    while !bytes.ends_with(b"\r\n\r\n") {
        assert_eq!(
            s.read(&mut byte).unwrap(),
            1,
            "the connection closed mid-head"
        );
        bytes.push(byte[0]);
    }
    let head = Reply::parse(&bytes);
    let mut body = vec![0; head.header("content-length").parse().unwrap_or(0)];
    s.read_exact(&mut body).unwrap();
    bytes.extend(body);
    Reply::parse(&bytes)
}

/// Bytes that are no image, text or DICOM file, and differ all along (a shifted copy would
/// not match).
pub fn noise(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}
