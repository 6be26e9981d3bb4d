//! Browser tests of the default theme's viewer (`themes/default/static/js/radcase.js` and
//! `css/viewer.css`): real headless Chromium, driven through chromedriver with the W3C WebDriver
//! protocol over HTTP, against pages served by a tiny static file server in a thread.
//!
//! - `viewer_on_fixture`: the case of `tests/fixtures/viewer-site/` (a gallery of three images
//!   and a stack of 24 slices), built by the real binary with the built-in theme.
//! - `viewer_on_example_site`: the example site built by the real binary; it opens the first
//!   page with a `data-lightbox` gallery and the first with a `data-stack`.
//! - `screenshots` (ignored): writes PNGs of the lightbox and the stack in light and dark mode, on
//!   a desktop and a 390 px phone, to `$RADCASE_SCREENSHOTS` (default `/tmp/radcase-screenshots`):
//!   `cargo test --test it -- --ignored browser::screenshots`.
//!
//! - `live_reload_in_chromium`: `radcase serve` with a page open: an edit reloads it at the same
//!   scroll position, a broken file shows the error overlay, the fix clears it, and a stylesheet
//!   edit swaps the sheet without a reload.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian: `apt-get install chromium
//! chromium-driver`). Without them the tests print why and pass, except under CI (`CI` set),
//! where they fail: .ci/run must install them.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::TestSite;
use crate::common::server::{Server, save};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// How long to wait for something to happen in the page before failing.
const WAIT: Duration = Duration::from_secs(10);
/// The W3C WebDriver key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

// WebDriver key codes.
pub(crate) const KEY_ESCAPE: &str = "\u{E00C}";
const KEY_TAB: &str = "\u{E004}";
const KEY_END: &str = "\u{E010}";
const KEY_HOME: &str = "\u{E011}";
pub(crate) const KEY_LEFT: &str = "\u{E012}";
pub(crate) const KEY_RIGHT: &str = "\u{E014}";
pub(crate) const KEY_UP: &str = "\u{E013}";
pub(crate) const KEY_DOWN: &str = "\u{E015}";

/// True when Chromium and chromedriver are installed; otherwise skip (or fail under CI).
pub(crate) fn browser_available() -> bool {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if missing.is_empty() {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "browser tests need {}: .ci/run must install them (apt-get install -y chromium chromium-driver)",
            missing.join(" and ")
        );
    }
    // Straight to stderr, past the test harness's capture, so it shows in a passing run.
    let _ = writeln!(
        std::io::stderr(),
        "skipping browser tests: install chromium and chromium-driver (apt-get install chromium chromium-driver)"
    );
    false
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ------------------------------------------------------------------------------------------
// A static file server

/// Serve the files under `root` on 127.0.0.1 (a free port) from a background thread; returns
/// the base URL, without a trailing slash.
fn serve(root: &Path) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the test file server");
    let base = format!("http://{}", listener.local_addr().unwrap());
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || {
                let _ = answer(stream, &root);
            });
        }
    });
    base
}

fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
        .as_str()
    {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Some(v) = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Answer one request (GET or HEAD) and close the connection.
fn answer(stream: TcpStream, root: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let mut words = request.split_whitespace();
    let method = words.next().unwrap_or("");
    let target = words.next().unwrap_or("/");
    let url_path = target.split(['?', '#']).next().unwrap_or("/");
    let rel = percent_decode(url_path);
    let mut out = stream;
    let (status, ctype, body, location) = if rel.split('/').any(|s| s == "..") {
        ("403 Forbidden", "text/plain", b"forbidden".to_vec(), None)
    } else {
        let mut file = root.join(rel.trim_start_matches('/'));
        if file.is_dir() && !url_path.ends_with('/') {
            (
                "301 Moved Permanently",
                "text/plain",
                Vec::new(),
                Some(format!("{url_path}/")),
            )
        } else {
            if file.is_dir() {
                file = file.join("index.html");
            }
            match std::fs::read(&file) {
                Ok(bytes) => ("200 OK", content_type(&file), bytes, None),
                Err(_) => ("404 Not Found", "text/plain", b"not found".to_vec(), None),
            }
        }
    };
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if let Some(location) = location {
        head.push_str(&format!("Location: {location}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    if method != "HEAD" {
        out.write_all(&body)?;
    }
    out.flush()
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

// ------------------------------------------------------------------------------------------
// A tiny WebDriver client

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// One WebDriver command; returns its `value`, or the error WebDriver reported.
fn wd(agent: &ureq::Agent, method: &str, url: &str, body: Option<Value>) -> Result<Value, String> {
    let response = match method {
        "GET" => agent.get(url).call(),
        "DELETE" => agent.delete(url).call(),
        _ => agent
            .post(url)
            .header("Content-Type", "application/json")
            .send(body.unwrap_or_else(|| json!({})).to_string()),
    }
    .map_err(|e| format!("{method} {url}: {e}"))?;
    let status = response.status().as_u16();
    let text = response
        .into_body()
        .with_config()
        .limit(256 << 20)
        .read_to_string()
        .map_err(|e| format!("{method} {url}: reading the answer: {e}"))?;
    let v: Value =
        serde_json::from_str(&text).map_err(|e| format!("{method} {url}: {e}: {text}"))?;
    if status >= 400 {
        let err = &v["value"];
        return Err(format!(
            "{method} {url}: {status} {}: {}",
            err["error"], err["message"]
        ));
    }
    Ok(v["value"].clone())
}

/// chromedriver as a child process, killed when this is dropped (also on a panic).
pub(crate) struct Driver {
    child: Child,
    url: String,
    agent: ureq::Agent,
}

impl Driver {
    pub(crate) fn start() -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            agent: agent(),
        };
        let deadline = Instant::now() + WAIT;
        loop {
            let status = wd(
                &driver.agent,
                "GET",
                &format!("{}/status", driver.url),
                None,
            );
            if status.is_ok_and(|v| v["ready"] == json!(true)) {
                return driver;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Device {
    Desktop,
    /// 390 × 844 CSS px, touch, device pixel ratio 2.
    Phone,
}

/// A browser session; deleted (closing Chromium) when dropped, before its Driver is.
pub(crate) struct Session<'a> {
    driver: &'a Driver,
    id: String,
    _profile: tempfile::TempDir,
}

impl<'a> Session<'a> {
    pub(crate) fn new(driver: &'a Driver, device: Device) -> Session<'a> {
        let profile = tempfile::tempdir().unwrap();
        let mut args: Vec<String> = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-proxy-server",
            "--hide-scrollbars",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let mut options = json!({ "binary": CHROMIUM });
        match device {
            Device::Desktop => args.push("--window-size=1280,900".into()),
            Device::Phone => {
                options["mobileEmulation"] = json!({ "deviceMetrics": { "width": 390, "height": 844, "pixelRatio": 2.0, "touch": true } });
            }
        }
        options["args"] = json!(args);
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": options,
            "timeouts": { "script": 10000, "pageLoad": 20000 },
        } } });
        let v = wd(
            &driver.agent,
            "POST",
            &format!("{}/session", driver.url),
            Some(caps),
        )
        .unwrap_or_else(|e| panic!("could not start Chromium through chromedriver: {e}"));
        let id = v["sessionId"].as_str().expect("a session id").to_string();
        Session {
            driver,
            id,
            _profile: profile,
        }
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{}", self.driver.url, self.id, path);
        wd(&self.driver.agent, method, &url, body).unwrap_or_else(|e| panic!("{e}"))
    }

    pub(crate) fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })));
    }

    /// The first element matching `css`, as an element reference (usable as a script argument).
    pub(crate) fn find(&self, css: &str) -> Value {
        let v = self.cmd(
            "POST",
            "/element",
            Some(json!({ "using": "css selector", "value": css })),
        );
        json!({ ELEMENT: v[ELEMENT].as_str().unwrap_or_else(|| panic!("no element {css}: {v}")) })
    }

    fn el_path(&self, el: &Value, rest: &str) -> String {
        format!("/element/{}{rest}", el[ELEMENT].as_str().unwrap())
    }

    pub(crate) fn click(&self, el: &Value) {
        self.cmd("POST", &self.el_path(el, "/click"), Some(json!({})));
    }

    /// Focus `el` and type `text` into it (WebDriver key codes allowed).
    pub(crate) fn send_keys(&self, el: &Value, text: &str) {
        self.cmd(
            "POST",
            &self.el_path(el, "/value"),
            Some(json!({ "text": text })),
        );
    }

    fn text(&self, el: &Value) -> String {
        self.cmd("GET", &self.el_path(el, "/text"), None)
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// Run `script` (a function body; `arguments` holds `args`) and return its result.
    pub(crate) fn exec(&self, script: &str, args: Value) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    fn actions(&self, actions: Value) {
        self.cmd("POST", "/actions", Some(json!({ "actions": actions })));
        self.cmd("DELETE", "/actions", None);
    }

    /// Press and release one key, sent to whatever has the focus.
    pub(crate) fn press(&self, key: &str) {
        self.actions(json!([{ "type": "key", "id": "keyboard", "actions": [
            { "type": "keyDown", "value": key }, { "type": "keyUp", "value": key } ] }]));
    }

    /// Wait until `script` returns something truthy; returns it. Fails with `what` and the
    /// value of `debug` (a script) after WAIT.
    pub(crate) fn wait_for(&self, what: &str, script: &str, args: Value, debug: &str) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let v = self.exec(script, args.clone());
            if !(v.is_null() || v == json!(false) || v == json!("") || v == json!(0)) {
                return v;
            }
            if Instant::now() > deadline {
                let seen = self.exec(debug, args.clone());
                panic!("timed out waiting for: {what}; page state: {seen}");
            }
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    pub(crate) fn screenshot(&self, path: &Path) {
        let png = self.cmd("GET", "/screenshot", None);
        std::fs::write(path, base64_decode(png.as_str().unwrap())).unwrap();
    }

    /// Set the window (in headless Chromium: the viewport) to `width`×`height` CSS px.
    fn resize(&self, width: u32, height: u32) {
        self.cmd(
            "POST",
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        );
    }

    /// Lay the page out at `width`×`height` CSS px, whatever the window is.
    pub(crate) fn viewport(&self, width: u32, height: u32) {
        self.cmd(
            "POST",
            "/goog/cdp/execute",
            Some(json!({ "cmd": "Emulation.setDeviceMetricsOverride",
                "params": { "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false } })),
        );
    }

    pub(crate) fn dark_mode(&self, dark: bool) {
        let value = if dark { "dark" } else { "light" };
        self.cmd(
            "POST",
            "/goog/cdp/execute",
            Some(json!({ "cmd": "Emulation.setEmulatedMedia",
                "params": { "features": [{ "name": "prefers-color-scheme", "value": value }] } })),
        );
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let url = format!("{}/session/{}", self.driver.url, self.id);
        let _ = wd(&self.driver.agent, "DELETE", &url, None);
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        } as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

// ------------------------------------------------------------------------------------------
// The checks, shared by the fixture and the example site

/// What the page says about the first lightbox group.
const GROUP_JS: &str = r#"
const first = document.querySelector('a[data-lightbox]');
const links = Array.from(document.querySelectorAll('a[data-lightbox]'))
  .filter(a => a.getAttribute('data-lightbox') === first.getAttribute('data-lightbox'));
return links.map(a => {
  const cap = a.closest('figure') && a.closest('figure').querySelector('figcaption');
  const img = a.querySelector('img');
  return { href: a.href, caption: ((cap && cap.textContent) || (img && img.alt) || '').replace(/\s+/g, ' ').trim() };
});"#;

const LIGHTBOX_STATE: &str = r#"
const d = document.querySelector('dialog.lightbox');
const i = d && d.querySelector('.lb-image');
const a = document.activeElement;
return { open: !!(d && d.open), src: i && i.src, complete: !!(i && i.complete), caption: d && d.querySelector('.lb-caption').textContent,
  count: d && d.querySelector('.lb-count').textContent, transform: i && i.style.transform,
  active: a && (a.className || a.tagName), htmlOverflow: getComputedStyle(document.documentElement).overflow };"#;

/// Opens the first gallery image, steps to the next, zooms, traps Tab, closes with Esc (focus
/// back on the thumbnail), then closes again by clicking beside the image.
fn check_lightbox(s: &Session, page: &str) {
    s.goto(page);
    let group = s.exec(GROUP_JS, json!([]));
    let group = group
        .as_array()
        .expect("a gallery with a[data-lightbox] links");
    let n = group.len();
    assert!(n >= 1, "{page}: no a[data-lightbox]");

    let first = s.find("a[data-lightbox]");
    s.click(&first);
    s.wait_for(
        "the lightbox opens",
        "return !!document.querySelector('dialog.lightbox[open]')",
        json!([]),
        LIGHTBOX_STATE,
    );
    let shows = |i: usize| {
        s.wait_for(
            &format!("the lightbox shows image {} ({})", i + 1, group[i]["href"]),
            "const img = document.querySelector('dialog.lightbox[open] .lb-image');
             return !!img && img.src === arguments[0] && img.complete && img.naturalWidth > 0;",
            json!([group[i]["href"]]),
            LIGHTBOX_STATE,
        );
        let caption = s.text(&s.find("dialog.lightbox .lb-caption"));
        assert_eq!(
            caption.split_whitespace().collect::<Vec<_>>().join(" "),
            group[i]["caption"].as_str().unwrap()
        );
        if n > 1 {
            assert_eq!(
                s.text(&s.find("dialog.lightbox .lb-count")),
                format!("{} / {n}", i + 1)
            );
        }
    };
    shows(0);
    let state = s.exec(LIGHTBOX_STATE, json!([]));
    assert_eq!(
        state["htmlOverflow"], "hidden",
        "the page behind the lightbox must not scroll: {state}"
    );
    let alt = s.exec("return document.querySelector('dialog.lightbox .lb-image').alt === document.querySelector('a[data-lightbox] img').alt", json!([]));
    assert_eq!(
        alt,
        json!(true),
        "the lightbox image has the thumbnail's alt"
    );

    let mut current = 0;
    if n > 1 {
        s.press(KEY_RIGHT);
        shows(1);
        s.press(KEY_LEFT);
        shows(0);
        s.click(&s.find("dialog.lightbox .lb-next"));
        shows(1);
        current = 1;
    }

    // The zoom button toggles 2x or more, and back.
    let zoom = s.find("dialog.lightbox .lb-zoom");
    s.click(&zoom);
    s.wait_for(
        "the zoom button zooms in",
        r"const d = document.querySelector('dialog.lightbox');
         const m = /scale\(([\d.]+)\)/.exec(d.querySelector('.lb-image').style.transform);
         return d.classList.contains('is-zoomed') && m && +m[1] >= 2 && d.querySelector('.lb-zoom').getAttribute('aria-pressed') === 'true';",
        json!([]),
        LIGHTBOX_STATE,
    );
    s.click(&zoom);
    s.wait_for(
        "the zoom button zooms out",
        "return !document.querySelector('dialog.lightbox').classList.contains('is-zoomed')",
        json!([]),
        LIGHTBOX_STATE,
    );

    // Double click zooms in at the pointer, a drag pans, ctrl + wheel zooms out.
    let image = s.find("dialog.lightbox .lb-image");
    s.actions(json!([{ "type": "pointer", "id": "mouse", "parameters": { "pointerType": "mouse" }, "actions": [
        { "type": "pointerMove", "duration": 0, "origin": image, "x": 0, "y": 0 },
        { "type": "pointerDown", "button": 0 }, { "type": "pointerUp", "button": 0 },
        { "type": "pointerDown", "button": 0 }, { "type": "pointerUp", "button": 0 } ] }]));
    s.wait_for(
        "double click zooms in",
        "return document.querySelector('dialog.lightbox').classList.contains('is-zoomed')",
        json!([]),
        LIGHTBOX_STATE,
    );
    let before = s.exec(LIGHTBOX_STATE, json!([]));
    s.actions(json!([{ "type": "pointer", "id": "mouse", "parameters": { "pointerType": "mouse" }, "actions": [
        { "type": "pointerMove", "duration": 0, "origin": image, "x": 0, "y": 0 },
        { "type": "pointerDown", "button": 0 },
        { "type": "pointerMove", "duration": 150, "origin": "pointer", "x": -80, "y": -60 },
        { "type": "pointerUp", "button": 0 } ] }]));
    let after = s.exec(LIGHTBOX_STATE, json!([]));
    assert_eq!(
        after["open"],
        json!(true),
        "a drag on the zoomed image keeps the lightbox open"
    );
    assert_eq!(
        before["src"], after["src"],
        "a drag on the zoomed image pans, it does not change image"
    );
    assert_ne!(
        before["transform"], after["transform"],
        "a drag on the zoomed image pans it"
    );
    s.exec(
        "const i = document.querySelector('dialog.lightbox .lb-image');
         const r = i.getBoundingClientRect();
         for (let k = 0; k < 5; k++) i.dispatchEvent(new WheelEvent('wheel', { deltaY: 200, ctrlKey: true,
           clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, bubbles: true, cancelable: true }));",
        json!([]),
    );
    s.wait_for(
        "ctrl + wheel zooms out",
        "return !document.querySelector('dialog.lightbox').classList.contains('is-zoomed')",
        json!([]),
        LIGHTBOX_STATE,
    );

    // Tab never leaves the dialog.
    for _ in 0..6 {
        s.press(KEY_TAB);
        let inside = s.exec(
            "return !!document.activeElement.closest('dialog.lightbox')",
            json!([]),
        );
        assert_eq!(
            inside,
            json!(true),
            "Tab moved the focus out of the open lightbox"
        );
    }

    s.press(KEY_ESCAPE);
    s.wait_for(
        "Esc closes the lightbox",
        "return !document.querySelector('dialog.lightbox[open]')",
        json!([]),
        LIGHTBOX_STATE,
    );
    s.wait_for(
        "the focus returns to the thumbnail of the image last shown",
        "return document.activeElement === arguments[0]",
        json!([Value::clone(&s.exec(
            "return document.querySelectorAll('a[data-lightbox]')[arguments[0]]",
            json!([current])
        ))]),
        LIGHTBOX_STATE,
    );
    let state = s.exec(LIGHTBOX_STATE, json!([]));
    assert_ne!(
        state["htmlOverflow"], "hidden",
        "the page scrolls again after closing: {state}"
    );

    // A click beside the image (the top-left corner of the stage) closes it too.
    s.click(&first);
    s.wait_for(
        "the lightbox opens again",
        "return !!document.querySelector('dialog.lightbox[open]')",
        json!([]),
        LIGHTBOX_STATE,
    );
    let stage = s.find("dialog.lightbox .lb-stage");
    let size = s.exec(
        "const r = arguments[0].getBoundingClientRect(); return [r.width, r.height]",
        json!([stage]),
    );
    let (w, h) = (size[0].as_f64().unwrap(), size[1].as_f64().unwrap());
    s.actions(json!([{ "type": "pointer", "id": "mouse", "parameters": { "pointerType": "mouse" }, "actions": [
        { "type": "pointerMove", "duration": 0, "origin": stage, "x": (-w / 2.0 + 8.0) as i64, "y": (-h / 2.0 + 8.0) as i64 },
        { "type": "pointerDown", "button": 0 }, { "type": "pointerUp", "button": 0 } ] }]));
    s.wait_for(
        "a click beside the image closes the lightbox",
        "return !document.querySelector('dialog.lightbox[open]')",
        json!([]),
        LIGHTBOX_STATE,
    );
}

const STACK_STATE: &str = r#"
const f = document.querySelector('[data-stack]');
const vp = f.querySelector('.stack-viewport');
const slider = f.querySelector('.stack-slider');
return { ready: f.dataset.stackReady !== undefined, counter: f.querySelector('.stack-counter').textContent.trim(),
  slider: slider ? +slider.value : null, now: +vp.getAttribute('aria-valuenow'), text: vp.getAttribute('aria-valuetext'),
  src: f.querySelector('.stack-image').src, viewerHidden: f.querySelector('.stack-viewer').hidden,
  fallbackShown: f.querySelector('.stack-fallback').getClientRects().length > 0, loaded: f.classList.contains('stack-loaded'),
  scrollY: window.scrollY };"#;

/// The first `[data-stack]` on the page: wheel, keys, drag and the slider all move through the
/// slices and keep the image, counter, slider and ARIA values in step.
fn check_stack(s: &Session, page: &str) {
    s.goto(page);
    let info = s.exec(
        "const f = document.querySelector('[data-stack]');
         const frames = Array.from(f.querySelector('.stack-fallback').querySelectorAll('img'), i => i.src);
         const slider = f.querySelector('.stack-slider');
         return { frames, start: +(slider ? slider.getAttribute('value') : f.querySelector('.stack-viewport').getAttribute('aria-valuenow')) };",
        json!([]),
    );
    let frames: Vec<String> = info["frames"]
        .as_array()
        .expect("stack frames")
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let n = frames.len();
    assert!(
        n >= 2,
        "{page}: a stack needs at least two slices, found {n}"
    );
    let start = info["start"].as_u64().unwrap() as usize;

    let state = || s.exec(STACK_STATE, json!([]));
    let at = |what: &str, slice: usize| {
        // Waits until everything shows `slice` (1-based).
        s.wait_for(
            &format!("{what}: the stack shows slice {slice} / {n}"),
            "const [slice, n, src] = arguments;
             const f = document.querySelector('[data-stack]');
             const vp = f.querySelector('.stack-viewport');
             const slider = f.querySelector('.stack-slider');
             return f.querySelector('.stack-counter').textContent.trim() === `${slice} / ${n}`
               && (!slider || +slider.value === slice)
               && vp.getAttribute('aria-valuenow') === String(slice)
               && vp.getAttribute('aria-valuetext') === `Slice ${slice} of ${n}`
               && f.querySelector('.stack-image').src === src;",
            json!([slice, n, frames[slice - 1]]),
            STACK_STATE,
        );
    };

    let st = state();
    assert_eq!(
        st["ready"],
        json!(true),
        "radcase.js did not set up the stack: {st}"
    );
    assert_eq!(
        st["viewerHidden"],
        json!(false),
        "the viewer is shown: {st}"
    );
    assert_eq!(
        st["fallbackShown"],
        json!(false),
        "the fallback list is hidden: {st}"
    );
    at("at first", start);

    let vp = s.find("[data-stack] .stack-viewport");
    s.exec(
        "arguments[0].scrollIntoView({ block: 'center' })",
        json!([vp]),
    );
    let scroll_y = state()["scrollY"].clone();

    // One wheel notch over the viewport: one slice, and the page does not scroll.
    let (delta, after_wheel) = if start < n {
        (120, start + 1)
    } else {
        (-120, start - 1)
    };
    s.actions(json!([{ "type": "wheel", "id": "wheel", "actions": [
        { "type": "scroll", "x": 0, "y": 0, "deltaX": 0, "deltaY": delta, "duration": 0, "origin": vp } ] }]));
    at("after one wheel notch", after_wheel);
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        state()["scrollY"],
        scroll_y,
        "the wheel over the stack must not scroll the page"
    );

    // A synthetic wheel event too (what a trackpad sends: small deltas add up).
    s.exec(
        "for (let k = 0; k < 2; k++) arguments[0].dispatchEvent(new WheelEvent('wheel', { deltaY: -13, bubbles: true, cancelable: true }));",
        json!([vp]),
    );
    at("after 26 px of trackpad scrolling back", after_wheel - 1);

    // Keys, with the viewport focused.
    s.send_keys(&vp, KEY_HOME);
    at("Home", 1);
    s.send_keys(&vp, KEY_DOWN);
    at("ArrowDown", 2);
    s.send_keys(&vp, KEY_END);
    at("End", n);
    s.send_keys(&vp, "\u{E00E}"); // PageUp
    at("PageUp", n - (n as f64 / 10.0).round().max(1.0) as usize);
    s.send_keys(&vp, KEY_HOME);
    at("Home again", 1);

    // Drag down with the mouse: later slices.
    s.actions(json!([{ "type": "pointer", "id": "mouse", "parameters": { "pointerType": "mouse" }, "actions": [
        { "type": "pointerMove", "duration": 0, "origin": vp, "x": 0, "y": -20 },
        { "type": "pointerDown", "button": 0 },
        { "type": "pointerMove", "duration": 150, "origin": "pointer", "x": 0, "y": 45 },
        { "type": "pointerUp", "button": 0 } ] }]));
    let dragged = s.exec(STACK_STATE, json!([]))["now"].as_u64().unwrap() as usize;
    assert!(
        dragged > 1,
        "dragging down over the viewport moves to a later slice: {}",
        state()
    );
    at("after the drag", dragged);

    // The range slider, by keyboard.
    let slider = s.find("[data-stack] .stack-slider");
    s.send_keys(&slider, KEY_HOME);
    at("slider Home", 1);
    s.send_keys(&slider, KEY_RIGHT);
    at("slider ArrowRight", 2);

    s.wait_for(
        "every slice preloaded",
        "return document.querySelector('[data-stack]').classList.contains('stack-loaded')",
        json!([]),
        STACK_STATE,
    );
}

/// A touch pointer gesture: press at (x, y) from the centre of `el`, move by (dx, dy), lift.
fn touch_drag(s: &Session, el: &Value, (x, y): (i64, i64), (dx, dy): (i64, i64)) {
    s.actions(json!([{ "type": "pointer", "id": "finger", "parameters": { "pointerType": "touch" }, "actions": [
        { "type": "pointerMove", "duration": 0, "origin": el, "x": x, "y": y },
        { "type": "pointerDown", "button": 0 },
        { "type": "pointerMove", "duration": 120, "origin": "pointer", "x": dx / 2, "y": dy / 2 },
        { "type": "pointerMove", "duration": 120, "origin": "pointer", "x": dx - dx / 2, "y": dy - dy / 2 },
        { "type": "pointerUp", "button": 0 } ] }]));
}

/// On a phone: swipe between images, double tap to zoom, and drag the stack sideways.
fn check_touch(s: &Session, page: &str) {
    s.goto(page);
    let group = s.exec(GROUP_JS, json!([]));
    let group = group.as_array().expect("a gallery");
    s.click(&s.find("a[data-lightbox]"));
    let shows = |i: usize, what: &str| {
        s.wait_for(
            &format!("{what}: the lightbox shows image {}", i + 1),
            "const img = document.querySelector('dialog.lightbox[open] .lb-image');
             return !!img && img.src === arguments[0] && img.complete;",
            json!([group[i]["href"]]),
            LIGHTBOX_STATE,
        );
    };
    shows(0, "tap on the thumbnail");
    let stage = s.find("dialog.lightbox .lb-stage");
    if group.len() > 1 {
        touch_drag(s, &stage, (60, 0), (-160, 10));
        shows(1, "swipe left");
        touch_drag(s, &stage, (-60, 0), (160, -10));
        shows(0, "swipe right");
    }
    // Double tap on the image zooms in, again zooms out.
    let image = s.find("dialog.lightbox .lb-image");
    let tap = json!({ "type": "pointer", "id": "finger", "parameters": { "pointerType": "touch" }, "actions": [
        { "type": "pointerMove", "duration": 0, "origin": image, "x": 0, "y": 0 },
        { "type": "pointerDown", "button": 0 }, { "type": "pointerUp", "button": 0 },
        { "type": "pause", "duration": 60 },
        { "type": "pointerDown", "button": 0 }, { "type": "pointerUp", "button": 0 } ] });
    s.actions(json!([tap]));
    s.wait_for(
        "double tap zooms in",
        "return document.querySelector('dialog.lightbox').classList.contains('is-zoomed')",
        json!([]),
        LIGHTBOX_STATE,
    );
    // A one-finger drag pans the zoomed image instead of changing it.
    let before = s.exec(LIGHTBOX_STATE, json!([]));
    touch_drag(s, &stage, (0, 0), (-120, -80));
    let after = s.exec(LIGHTBOX_STATE, json!([]));
    assert_eq!(
        before["src"], after["src"],
        "a drag on a zoomed image pans, it does not swipe"
    );
    assert_ne!(
        before["transform"], after["transform"],
        "a drag on a zoomed image pans it"
    );
    std::thread::sleep(Duration::from_millis(350)); // no double tap with the drag's lift
    s.actions(json!([tap]));
    s.wait_for(
        "double tap zooms out",
        "return !document.querySelector('dialog.lightbox').classList.contains('is-zoomed')",
        json!([]),
        LIGHTBOX_STATE,
    );
    s.click(&s.find("dialog.lightbox .lb-close"));
    s.wait_for(
        "the close button closes the lightbox",
        "return !document.querySelector('dialog.lightbox[open]')",
        json!([]),
        LIGHTBOX_STATE,
    );

    // The stack: a sideways drag changes slices.
    let vp = s.find("[data-stack] .stack-viewport");
    s.exec(
        "arguments[0].scrollIntoView({ block: 'center' })",
        json!([vp]),
    );
    let before = s.exec(STACK_STATE, json!([]));
    let n = s.exec(
        "return document.querySelectorAll('[data-stack] .stack-fallback img').length",
        json!([]),
    );
    let start = before["now"].as_i64().unwrap();
    let dx = if start < n.as_i64().unwrap() { 60 } else { -60 };
    touch_drag(s, &vp, (0, 0), (dx, 0));
    let now = s.exec(STACK_STATE, json!([]))["now"].as_i64().unwrap();
    assert!(
        (now - start).signum() == dx.signum(),
        "a sideways touch drag over the stack changes the slice: from {start}, now {now}"
    );
}

// ------------------------------------------------------------------------------------------
// The tests

/// Build the site in `site` with the real binary and serve the output: (its folder, which
/// holds it, and the base URL the pages were built for).
pub(crate) fn build_and_serve(site: &Path) -> (tempfile::TempDir, PathBuf, String) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    std::fs::create_dir_all(&out).unwrap();
    // Serve first, to know the address to build for.
    let base = serve(&out);
    std::fs::remove_dir(&out).unwrap();
    let status = Command::new(assert_cmd::cargo::cargo_bin("radcase"))
        .args(["-q", "build", "--base-url", &format!("{base}/"), "--output"])
        .arg(&out)
        .arg("--cache-dir")
        .arg(tmp.path().join("cache"))
        .arg(site)
        .status()
        .expect("run radcase");
    assert!(status.success(), "radcase build {} failed", site.display());
    (tmp, out, base)
}

/// The page of the viewer fixture site, built and served.
const FIXTURE_PAGE: &str = "/cases/viewer/";

fn fixture() -> (tempfile::TempDir, PathBuf, String) {
    build_and_serve(&repo().join("tests/fixtures/viewer-site"))
}

#[test]
fn viewer_on_fixture() {
    if !browser_available() {
        return;
    }
    let (_tmp, _, base) = fixture();
    let driver = Driver::start();
    let s = Session::new(&driver, Device::Desktop);
    check_lightbox(&s, &format!("{base}{FIXTURE_PAGE}"));
    check_stack(&s, &format!("{base}{FIXTURE_PAGE}"));
}

#[test]
fn viewer_on_fixture_by_touch() {
    if !browser_available() {
        return;
    }
    let (_tmp, _, base) = fixture();
    let driver = Driver::start();
    let s = Session::new(&driver, Device::Phone);
    check_touch(&s, &format!("{base}{FIXTURE_PAGE}"));
}

/// The first HTML file under `root` (in path order) whose text contains `needle`, as a URL path.
fn first_page_with(root: &Path, needle: &str) -> Option<String> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    let file = files
        .into_iter()
        .find(|f| std::fs::read_to_string(f).is_ok_and(|t| t.contains(needle)))?;
    let rel = file
        .strip_prefix(root)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
    Some(format!(
        "/{}",
        rel.strip_suffix("index.html").unwrap_or(&rel)
    ))
}

#[test]
fn viewer_on_example_site() {
    if !browser_available() {
        return;
    }
    let (_tmp, out, base) = build_and_serve(&repo().join("example-site"));
    let driver = Driver::start();
    let s = Session::new(&driver, Device::Desktop);
    let gallery = first_page_with(&out, "data-lightbox")
        .expect("no page of the example site has a[data-lightbox]: the case template must produce the gallery markup");
    check_lightbox(&s, &format!("{base}{gallery}"));
    let stack = first_page_with(&out, "data-stack")
        .expect("no page of the example site has a [data-stack] figure: the case template must produce the stack markup");
    check_stack(&s, &format!("{base}{stack}"));
}

/// A case whose DICOM stack is published in two windows (`windows = ["brain", "bone"]`), built
/// by the real binary: the stack works as any other, a preset button shows the same slice in
/// the other window, and `aria-pressed` follows the choice.
#[test]
fn window_presets_on_a_dicom_stack() {
    if !browser_available() {
        return;
    }
    use dicom_core::{DataElement, PrimitiveValue, VR};
    use dicom_dictionary_std::tags;

    let site = TestSite::with(&[
        ("config.toml", crate::common::CONFIG.to_string()),
        ("content/cases/_index.md", crate::common::CASES_SECTION.to_string()),
        (
            "content/cases/a/index.md",
            "+++\ntitle = \"Head CT\"\ndate = 2024-05-02\nstacks = [{ dir = \"axial\", alt = \"Axial CT\", windows = [\"brain\", \"bone\"] }]\n+++\nFindings.\n".to_string(),
        ),
    ]);
    for n in 1..=5 {
        let number = DataElement::new(
            tags::INSTANCE_NUMBER,
            VR::IS,
            PrimitiveValue::from(n.to_string()),
        );
        site.write(
            &format!("content/cases/a/axial/{n}.dcm"),
            crate::common::phantom("CT", vec![number]),
        );
    }
    let out = site.path("public");
    std::fs::create_dir_all(&out).unwrap();
    // Serve first, to know the address to build for.
    let base = serve(&out);
    std::fs::remove_dir(&out).unwrap();
    site.build_ok(&["--base-url", &format!("{base}/")]);

    let driver = Driver::start();
    let s = Session::new(&driver, Device::Desktop);
    let page = format!("{base}/cases/a/");
    check_stack(&s, &page);

    s.goto(&page);
    let state = "const f = document.querySelector('[data-stack]');
        return { src: f.querySelector('.stack-image').src, now: f.querySelector('.stack-viewport').getAttribute('aria-valuenow'),
          pressed: Array.from(f.querySelectorAll('.stack-window'), b => [b.textContent, b.getAttribute('aria-pressed')]),
          buttonsShown: f.querySelector('.stack-windows').getClientRects().length > 0,
          lists: Array.from(f.querySelectorAll('.stack-fallback'), l => Array.from(l.querySelectorAll('img'), i => i.src)) };";
    let st = s.wait_for(
        "the stack viewer",
        "return document.querySelector('[data-stack]').dataset.stackReady !== undefined",
        json!([]),
        state,
    );
    assert_eq!(st, json!(true));
    let st = s.exec(state, json!([]));
    let lists: Vec<Vec<String>> = serde_json::from_value(st["lists"].clone()).unwrap();
    assert_eq!(lists.len(), 2, "one slice list per window: {st}");
    assert!(
        lists[0].iter().all(|u| u.contains("-brain-"))
            && lists[1].iter().all(|u| u.contains("-bone-")),
        "{st}"
    );
    assert_eq!(
        st["buttonsShown"],
        json!(true),
        "the preset buttons are shown: {st}"
    );
    assert_eq!(
        st["pressed"],
        json!([["brain", "true"], ["bone", "false"]]),
        "the default window is pressed at first: {st}"
    );

    // Away from the start (the middle, slice 3): slice 4, in the brain window.
    let vp = s.find("[data-stack] .stack-viewport");
    s.send_keys(&vp, KEY_DOWN);
    let shows = |what: &str, window: usize, slice: usize, pressed: Value| {
        s.wait_for(
            what,
            "const [src, slice, pressed] = arguments;
             const f = document.querySelector('[data-stack]');
             return f.querySelector('.stack-image').src === src
               && f.querySelector('.stack-viewport').getAttribute('aria-valuenow') === String(slice)
               && f.querySelector('.stack-counter').textContent.trim() === `${slice} / 5`
               && JSON.stringify(Array.from(f.querySelectorAll('.stack-window'), b => b.getAttribute('aria-pressed'))) === JSON.stringify(pressed);",
            json!([lists[window][slice - 1], slice, pressed]),
            state,
        );
    };
    shows(
        "slice 4 in the brain window",
        0,
        4,
        json!(["true", "false"]),
    );

    // The bone preset: the same slice, in the bone window.
    s.click(&s.find("[data-stack] .stack-window:nth-child(2)"));
    shows(
        "slice 4 in the bone window after clicking \"bone\"",
        1,
        4,
        json!(["false", "true"]),
    );
    // Scrolling stays in the chosen window.
    s.send_keys(&vp, KEY_UP);
    shows(
        "slice 3 in the bone window after ArrowUp",
        1,
        3,
        json!(["false", "true"]),
    );
    s.wait_for(
        "every bone slice preloaded",
        "return document.querySelector('[data-stack]').classList.contains('stack-loaded')",
        json!([]),
        state,
    );
    // And back.
    s.click(&s.find("[data-stack] .stack-window:nth-child(1)"));
    shows(
        "slice 3 in the brain window after clicking \"brain\"",
        0,
        3,
        json!(["true", "false"]),
    );
}

/// The width in pixels of the file at `url`, from its name (`ct-1600.jpg`, `xr-320x180.webp`).
const FILE_WIDTH_JS: &str = r"
const fileWidth = (url) => { const m = /-(\d+)(?:x\d+)?\.(?:jpg|jpeg|png|webp)$/.exec(url.split('?')[0]); return m ? +m[1] : 0; };";

/// At 1366 px the first image is shown large (wider than the text column), never wider than
/// the file the browser chose; no image of the page is drawn wider than its file.
#[test]
fn the_first_image_leads_large_and_nothing_is_enlarged() {
    if !browser_available() {
        return;
    }
    let (_tmp, _, base) = fixture();
    let driver = Driver::start();
    let s = Session::new(&driver, Device::Desktop);
    s.resize(1366, 900);
    s.goto(&format!("{base}{FIXTURE_PAGE}"));
    let sizes = format!(
        "{FILE_WIDTH_JS}
        const lead = document.querySelector('.lead img');
        if (!lead.complete || !lead.currentSrc) return null;
        const r = lead.getBoundingClientRect();
        // What contain leaves of the box when the height is what limits.
        const shown = Math.min(r.width, r.height * lead.naturalWidth / lead.naturalHeight);
        const text = document.querySelector('.case > .prose').getBoundingClientRect().width;
        const panel = document.querySelector('.viewing');
        const cs = getComputedStyle(panel);
        const column = panel.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
        // As large as the column, the file and the 80 % of the screen's height it may take allow.
        const allowed = Math.min(column, fileWidth(lead.currentSrc), 0.8 * innerHeight * lead.naturalWidth / lead.naturalHeight);
        const all = Array.from(document.querySelectorAll('main img')).filter(i => i.complete && i.currentSrc && i.getClientRects().length)
          .map(i => ({{ src: i.currentSrc, shown: i.getBoundingClientRect().width, file: fileWidth(i.currentSrc), fit: getComputedStyle(i).objectFit }}));
        return {{ shown, allowed, box: r.width, file: fileWidth(lead.currentSrc), src: lead.currentSrc, text, vw: innerWidth, all }};"
    );
    let v = s.wait_for(
        "the first image",
        &sizes,
        json!([]),
        "return document.querySelector('.lead img').outerHTML",
    );
    let shown = v["shown"].as_f64().unwrap();
    let text = v["text"].as_f64().unwrap();
    assert_eq!(v["vw"], json!(1366), "{v}");
    assert!(
        shown >= 800.0 && shown >= v["allowed"].as_f64().unwrap() - 1.0,
        "the 1600 px image is shown as large as the page allows at 1366 px, at least 800 px wide: {v}"
    );
    assert!(shown > text, "wider than the text column: {v}");
    assert!(
        v["box"].as_f64().unwrap() <= v["file"].as_f64().unwrap(),
        "never wider than its file: {v}"
    );
    for img in v["all"].as_array().unwrap() {
        let (shown, file) = (
            img["shown"].as_f64().unwrap(),
            img["file"].as_f64().unwrap(),
        );
        // A letterboxed thumbnail's box is wider than what it shows; the others are the picture.
        if img["fit"] != json!("contain") {
            assert!(shown <= file + 0.5, "{img} is enlarged ({v})");
        }
    }
    // The stack's 384 px slices are shown at 384 px, not stretched to the panel.
    let stack = s.exec(
        "const i = document.querySelector('[data-stack] .stack-image'); return [i.getBoundingClientRect().width, i.naturalWidth];",
        json!([]),
    );
    assert!(
        stack[0].as_f64().unwrap() <= stack[1].as_f64().unwrap() + 0.5,
        "stack slices are never enlarged: {stack}"
    );
    // The viewing panel is dark in the light scheme too.
    let bg = s.exec(
        "return getComputedStyle(document.querySelector('.viewing')).backgroundColor",
        json!([]),
    );
    let rgb: Vec<f64> = bg
        .as_str()
        .unwrap()
        .trim_start_matches("rgb(")
        .trim_end_matches(')')
        .split(',')
        .map(|c| c.trim().parse().unwrap())
        .collect();
    assert!(rgb.iter().all(|c| *c < 40.0), "a dark panel: {bg}");
}

const ZOOM_STATE: &str = r#"
const f = document.querySelector('[data-stack]');
const i = f.querySelector('.stack-image');
const m = /scale\(([\d.]+)\)/.exec(i.style.transform);
return { zoomed: f.classList.contains('is-zoomed'), scale: m ? +m[1] : 1, transform: i.style.transform,
  now: f.querySelector('.stack-viewport').getAttribute('aria-valuenow'), full: f.classList.contains('is-full'),
  fullscreen: document.fullscreenElement === f, pressed: f.querySelector('.stack-full').getAttribute('aria-pressed'),
  zoomOut: f.querySelector('.stack-zoom-out').disabled, hint: f.querySelector('.stack-hint').innerText };"#;

/// The stack viewer zooms (button, ctrl + wheel, keys), pans a zoomed slice with a drag without
/// changing slices, and goes to full screen and back.
#[test]
fn stack_zoom_pan_and_full_screen() {
    if !browser_available() {
        return;
    }
    let (_tmp, _, base) = fixture();
    let driver = Driver::start();
    let s = Session::new(&driver, Device::Desktop);
    s.goto(&format!("{base}{FIXTURE_PAGE}"));
    let vp = s.find("[data-stack] .stack-viewport");
    s.exec(
        "arguments[0].scrollIntoView({ block: 'center' })",
        json!([vp]),
    );
    let st = s.exec(ZOOM_STATE, json!([]));
    assert_eq!(st["zoomed"], json!(false), "{st}");
    assert_eq!(st["zoomOut"], json!(true), "nothing to zoom out of: {st}");
    let hint = st["hint"].as_str().unwrap();
    assert!(
        hint.contains("wheel") && hint.contains("arrow keys") && hint.contains("drag"),
        "a hint says how to scroll: {st}"
    );

    s.click(&s.find("[data-stack] .stack-zoom-in"));
    s.wait_for(
        "the zoom button zooms in",
        "return document.querySelector('[data-stack]').classList.contains('is-zoomed')",
        json!([]),
        ZOOM_STATE,
    );
    let st = s.exec(ZOOM_STATE, json!([]));
    assert_eq!(st["zoomed"], json!(true), "{st}");
    assert!((st["scale"].as_f64().unwrap() - 1.5).abs() < 0.01, "{st}");

    // ctrl + wheel zooms further, about the pointer.
    s.exec(
        "const v = arguments[0]; const r = v.getBoundingClientRect();
         for (let k = 0; k < 3; k++) v.dispatchEvent(new WheelEvent('wheel', { deltaY: -100, ctrlKey: true,
           clientX: r.left + r.width / 4, clientY: r.top + r.height / 4, bubbles: true, cancelable: true }));",
        json!([vp]),
    );
    let zoomed = s.exec(ZOOM_STATE, json!([]));
    assert!(
        zoomed["scale"].as_f64().unwrap() > 2.0,
        "ctrl + wheel zooms in: {zoomed}"
    );

    // A drag moves the zoomed slice and stays on the same slice.
    s.actions(json!([{ "type": "pointer", "id": "mouse", "parameters": { "pointerType": "mouse" }, "actions": [
        { "type": "pointerMove", "duration": 0, "origin": vp, "x": 0, "y": 0 },
        { "type": "pointerDown", "button": 0 },
        { "type": "pointerMove", "duration": 150, "origin": "pointer", "x": 60, "y": 50 },
        { "type": "pointerUp", "button": 0 } ] }]));
    let panned = s.exec(ZOOM_STATE, json!([]));
    assert_eq!(
        panned["now"], zoomed["now"],
        "a drag on a zoomed slice pans: {panned}"
    );
    assert_ne!(
        panned["transform"], zoomed["transform"],
        "a drag on a zoomed slice moves it: {panned}"
    );
    // Slices still scroll, zoomed: the wheel and the keys.
    s.send_keys(&vp, KEY_DOWN);
    let next = s.exec(ZOOM_STATE, json!([]));
    assert_ne!(next["now"], panned["now"], "{next}");
    assert_eq!(
        next["transform"], panned["transform"],
        "same zoom on the next slice: {next}"
    );
    // 0 resets, + zooms in again, the zoom-out button all the way out.
    s.send_keys(&vp, "0");
    assert_eq!(s.exec(ZOOM_STATE, json!([]))["zoomed"], json!(false));
    s.send_keys(&vp, "+");
    assert_eq!(s.exec(ZOOM_STATE, json!([]))["zoomed"], json!(true));
    s.click(&s.find("[data-stack] .stack-zoom-out"));
    let st = s.exec(ZOOM_STATE, json!([]));
    assert_eq!(st["zoomed"], json!(false), "{st}");

    // Full screen, and back.
    s.click(&s.find("[data-stack] .stack-full"));
    s.wait_for(
        "full screen",
        "const f = document.querySelector('[data-stack]'); return f.classList.contains('is-full') && f.querySelector('.stack-full').getAttribute('aria-pressed') === 'true';",
        json!([]),
        ZOOM_STATE,
    );
    let size = s.exec(
        "const r = document.querySelector('[data-stack]').getBoundingClientRect(); return [r.width, r.height, innerWidth, innerHeight];",
        json!([]),
    );
    assert!(
        (size[0].as_f64().unwrap() - size[2].as_f64().unwrap()).abs() < 2.0
            && (size[1].as_f64().unwrap() - size[3].as_f64().unwrap()).abs() < 2.0,
        "the viewer fills the screen: {size}"
    );
    // The keys still work in full screen.
    let before = s.exec(ZOOM_STATE, json!([]))["now"].clone();
    s.send_keys(&vp, KEY_DOWN);
    assert_ne!(s.exec(ZOOM_STATE, json!([]))["now"], before);
    s.click(&s.find("[data-stack] .stack-full"));
    s.wait_for(
        "back from full screen",
        "const f = document.querySelector('[data-stack]'); return !f.classList.contains('is-full') && !document.fullscreenElement && f.querySelector('.stack-full').getAttribute('aria-pressed') === 'false';",
        json!([]),
        ZOOM_STATE,
    );
}

/// A case with a stack of 24 slices 560 px wide and a table wider than a phone, and a quiz.
fn wide_site() -> TestSite {
    let table = "| Sequence | Plane | Slice thickness | Finding | Enhancement | Diffusion | Perfusion |\n|---|---|---|---|---|---|---|\n| T1 post-contrast | Axial | 1 mm | Thick irregular rim | Avid, nodular | Restricted in the rim | Raised |\n";
    let site = TestSite::with(&[
        ("config.toml", crate::common::CONFIG.to_string()),
        ("content/cases/_index.md", crate::common::CASES_SECTION.to_string()),
        (
            "content/cases/wide/index.md",
            format!("+++\ntitle = \"Wide\"\ndate = 2024-05-02\nstacks = [{{ dir = \"ax\", alt = \"Axial CT\" }}]\n+++\nBefore the table.\n\n{table}\nAfter the table.\n"),
        ),
        (
            "content/cases/q/index.md",
            "+++\ntitle = \"Appendicitis\"\nslug = \"q\"\ndate = 2024-05-03\nquiz = true\nquiz_title = \"Unknown case: pain\"\ndiagnosis = \"Acute appendicitis\"\n+++\nLook.\n\n<!-- answer -->\n\nThe appendix.\n".to_string(),
        ),
    ]);
    for n in 1..=24u32 {
        let img = image::RgbImage::from_fn(560, 560, |x, y| {
            image::Rgb([(x / 4) as u8, (y / 4) as u8, (n * 8) as u8])
        });
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        site.write(
            &format!("content/cases/wide/ax/{n:02}.png"),
            out.into_inner(),
        );
    }
    site
}

/// Build `site` for the address it is served at; returns the base URL.
fn serve_built(site: &TestSite) -> String {
    let out = site.path("public");
    std::fs::create_dir_all(&out).unwrap();
    let base = serve(&out);
    std::fs::remove_dir(&out).unwrap();
    site.build_ok(&["--base-url", &format!("{base}/")]);
    base
}

/// A sideways touch swipe of 150 px over a 24-slice stack moves at most as many slices as its
/// share of the viewer's width (a swipe across the whole viewer passes the stack once), and at
/// least one.
#[test]
fn a_touch_swipe_moves_a_bounded_number_of_slices() {
    if !browser_available() {
        return;
    }
    let site = wide_site();
    let base = serve_built(&site);
    let driver = Driver::start();
    for device in [Device::Desktop, Device::Phone] {
        let s = Session::new(&driver, device);
        s.goto(&format!("{base}/cases/wide/"));
        let vp = s.find("[data-stack] .stack-viewport");
        s.exec(
            "arguments[0].scrollIntoView({ block: 'center' })",
            json!([vp]),
        );
        s.wait_for(
            "the stack viewer",
            "return document.querySelector('[data-stack]').dataset.stackReady !== undefined",
            json!([]),
            STACK_STATE,
        );
        s.send_keys(&vp, KEY_HOME);
        let width = s
            .exec("return arguments[0].clientWidth", json!([vp]))
            .as_f64()
            .unwrap();
        touch_drag(&s, &vp, (-100, 0), (150, 0));
        let now = s.exec(STACK_STATE, json!([]))["now"].as_f64().unwrap();
        let moved = now - 1.0;
        let bound = (150.0 * 24.0 / width).floor();
        assert!(
            moved >= 1.0 && moved <= bound,
            "a 150 px swipe on a {width} px viewer of 24 slices moved {moved} slices (at most {bound})"
        );
    }
}

/// The quiz's answer button reads "Hide answer" once open; a table wider than a phone scrolls
/// sideways, says so, and takes the focus by Tab.
#[test]
fn answer_button_and_wide_tables() {
    if !browser_available() {
        return;
    }
    let site = wide_site();
    let base = serve_built(&site);
    let driver = Driver::start();
    let s = Session::new(&driver, Device::Desktop);
    s.goto(&format!("{base}/cases/q/"));
    let summary = s.find(".answer summary");
    assert_eq!(s.text(&summary), "Show answer");
    s.click(&summary);
    s.wait_for(
        "the answer opens",
        "return document.querySelector('.answer').open",
        json!([]),
        "return document.querySelector('.answer').outerHTML",
    );
    assert_eq!(s.text(&summary), "Hide answer");
    s.click(&summary);
    assert_eq!(s.text(&summary), "Show answer");
    drop(s);

    let phone = Session::new(&driver, Device::Phone);
    phone.goto(&format!("{base}/cases/wide/"));
    let state = "const b = document.querySelector('.table-scroll'); const h = b.previousElementSibling;
        return { scroll: b.scrollWidth, client: b.clientWidth, left: b.scrollLeft, focused: document.activeElement === b,
          hint: !!h && h.classList.contains('table-hint') && !h.hidden && h.getClientRects().length > 0 };";
    let st = phone.exec(state, json!([]));
    assert!(
        st["scroll"].as_f64().unwrap() > st["client"].as_f64().unwrap() + 50.0,
        "the table is wider than a phone: {st}"
    );
    assert_eq!(st["hint"], json!(true), "a line says it scrolls: {st}");
    let mut reached = false;
    for _ in 0..40 {
        phone.press(KEY_TAB);
        if phone.exec(state, json!([]))["focused"] == json!(true) {
            reached = true;
            break;
        }
    }
    assert!(
        reached,
        "Tab reaches the table's box: {}",
        phone.exec(state, json!([]))
    );
    phone.press(KEY_RIGHT);
    phone.wait_for(
        "the arrow key scrolls the table",
        "return document.querySelector('.table-scroll').scrollLeft > 0",
        json!([]),
        state,
    );
}

/// Not a check: pictures to look at. `cargo test --test it -- --ignored browser::screenshots`
#[test]
#[ignore = "not a check: writes screenshots for a person to look at, run on demand"]
fn screenshots() {
    if !browser_available() {
        return;
    }
    let dir = PathBuf::from(
        std::env::var("RADCASE_SCREENSHOTS").unwrap_or_else(|_| "/tmp/radcase-screenshots".into()),
    );
    std::fs::create_dir_all(&dir).unwrap();
    let (_tmp, root, base) = fixture();
    let base = format!("{base}{}", FIXTURE_PAGE.trim_end_matches('/'));
    // The same page without radcase.js: the no-JavaScript view.
    let nojs = tempfile::tempdir().unwrap();
    copy_dir(&root, nojs.path());
    std::fs::remove_file(nojs.path().join("js/radcase.js")).unwrap();
    let nojs_base = format!(
        "{}{}",
        serve(nojs.path()),
        FIXTURE_PAGE.trim_end_matches('/')
    );

    let driver = Driver::start();
    for device in [Device::Desktop, Device::Phone] {
        let s = Session::new(&driver, device);
        let d = if device == Device::Phone {
            "phone"
        } else {
            "desktop"
        };
        for dark in [false, true] {
            let m = if dark { "dark" } else { "light" };
            s.dark_mode(dark);
            s.goto(&format!("{base}/"));
            s.exec(
                "document.querySelector('.gallery').scrollIntoView()",
                json!([]),
            );
            s.screenshot(&dir.join(format!("gallery-{d}-{m}.png")));
            s.click(&s.find("a[data-lightbox]"));
            s.wait_for(
                "the large image",
                "const i = document.querySelector('dialog.lightbox[open] .lb-image'); return i && i.src === document.querySelector('a[data-lightbox]').href && i.complete",
                json!([]),
                LIGHTBOX_STATE,
            );
            std::thread::sleep(Duration::from_millis(300));
            s.screenshot(&dir.join(format!("lightbox-{d}-{m}.png")));
            s.press(KEY_RIGHT);
            std::thread::sleep(Duration::from_millis(500));
            s.screenshot(&dir.join(format!("lightbox2-{d}-{m}.png")));
            s.click(&s.find("dialog.lightbox .lb-zoom"));
            std::thread::sleep(Duration::from_millis(400));
            s.screenshot(&dir.join(format!("lightbox-zoomed-{d}-{m}.png")));
            s.press(KEY_ESCAPE);
            let vp = s.find("[data-stack] .stack-viewport");
            s.exec(
                "arguments[0].closest('figure').scrollIntoView({ block: 'center' })",
                json!([vp]),
            );
            s.send_keys(&vp, KEY_DOWN);
            std::thread::sleep(Duration::from_millis(300));
            s.screenshot(&dir.join(format!("stack-{d}-{m}.png")));
            s.goto(&format!("{nojs_base}/"));
            s.exec(
                "document.querySelector('[data-stack]').scrollIntoView()",
                json!([]),
            );
            s.wait_for(
                "the fallback images",
                "const l = Array.from(document.querySelectorAll('.stack-fallback img'));
                 l.forEach(i => { i.loading = 'eager'; });
                 return l.every(i => i.complete);",
                json!([]),
                STACK_STATE,
            );
            s.screenshot(&dir.join(format!("stack-nojs-{d}-{m}.png")));
        }
    }
    eprintln!("screenshots in {}", dir.display());
}

/// Not a check: the example site's case pages to look at, at 1366 and 390 px, light and dark:
/// a gallery with a stack, a quiz with one image (answer closed and open), a wide table, the
/// case list. `cargo test --test it -- --ignored browser::case_page_screenshots`
#[test]
#[ignore = "not a check: writes screenshots for a person to look at, run on demand"]
fn case_page_screenshots() {
    if !browser_available() {
        return;
    }
    let dir = PathBuf::from(
        std::env::var("RADCASE_SCREENSHOTS").unwrap_or_else(|_| "/tmp/radcase-screenshots".into()),
    );
    std::fs::create_dir_all(&dir).unwrap();
    let (_tmp, out, base) = build_and_serve(&repo().join("example-site"));
    let quiz = first_page_with(&out, "class=\"answer\"").expect("a quiz");
    let gallery = "/cases/2024-left-mca-infarct/";
    let driver = Driver::start();
    let settle = || std::thread::sleep(Duration::from_millis(400));
    for device in [Device::Desktop, Device::Phone] {
        let s = Session::new(&driver, device);
        let d = if device == Device::Phone {
            "390"
        } else {
            s.resize(1366, 900);
            "1366"
        };
        for dark in [false, true] {
            let m = if dark { "dark" } else { "light" };
            s.dark_mode(dark);
            let shot = |name: &str| {
                settle();
                s.screenshot(&dir.join(format!("case-{name}-{d}-{m}.png")));
            };
            let show = |css: &str| {
                s.exec(
                    "document.querySelector(arguments[0]).scrollIntoView({ block: 'start' })",
                    json!([css]),
                );
            };
            s.goto(&format!("{base}{gallery}"));
            shot("gallery");
            show(".filmstrip");
            shot("filmstrip");
            show("[data-stack]");
            shot("stack");
            s.click(&s.find("[data-stack] .stack-zoom-in"));
            s.click(&s.find("[data-stack] .stack-zoom-in"));
            shot("stack-zoomed");
            s.click(&s.find("[data-stack] .stack-full"));
            shot("stack-full");
            s.click(&s.find("[data-stack] .stack-full"));
            show(".table-scroll");
            s.exec("window.scrollBy(0, -80)", json!([]));
            shot("table");
            s.goto(&format!("{base}{quiz}"));
            shot("quiz");
            show(".answer");
            shot("answer-closed");
            s.click(&s.find(".answer summary"));
            shot("answer-open");
            s.goto(&format!("{base}/cases/"));
            shot("list");
        }
    }
    eprintln!("screenshots in {}", dir.display());
}

/// A case long enough to scroll, titled `title`.
fn long_case(title: &str) -> String {
    let paragraph = "Axial images show the finding in every plane, described at length. ";
    let body: Vec<String> = (0..60)
        .map(|i| format!("{i}. {}", paragraph.repeat(4)))
        .collect();
    format!(
        "+++\ntitle = \"{title}\"\ndate = 2024-05-02\n+++\n{}\n",
        body.join("\n\n")
    )
}

#[test]
fn live_reload_in_chromium() {
    if !browser_available() {
        return;
    }
    let site = TestSite::minimal();
    save(&site, "content/cases/a/index.md", long_case("First case"));
    save(&site, "static/css/radcase.css", "body { outline: 0 none }");
    let server = Server::start(&site, &[]);
    let base = format!("http://127.0.0.1:{}", server.port);
    let driver = Driver::start();
    let s = Session::new(&driver, Device::Desktop);
    let state = "return { h1: document.querySelector('h1') && document.querySelector('h1').textContent, y: scrollY, live: document.documentElement.dataset.radcaseServe, marker: window.radcaseMarker, overlay: !!document.getElementById('radcase-serve-error') }";
    let listening = "return document.documentElement.dataset.radcaseServe === 'connected'";
    s.goto(&format!("{base}/cases/a/"));
    s.wait_for(
        "the page to listen for changes",
        listening,
        json!([]),
        state,
    );
    s.exec(
        "window.scrollTo(0, 400); window.radcaseMarker = 1;",
        json!([]),
    );

    save(&site, "content/cases/a/index.md", long_case("Edited case"));
    s.wait_for(
        "the page to reload with the edit",
        "return document.querySelector('h1').textContent.includes('Edited case') && document.documentElement.dataset.radcaseServe === 'connected'",
        json!([]),
        state,
    );
    let after = s.exec(state, json!([]));
    assert!(
        after["marker"].is_null(),
        "the page was not reloaded: {after}"
    );
    let y = after["y"].as_f64().unwrap();
    assert!((y - 400.0).abs() < 2.0, "scroll position not kept: {after}");

    save(
        &site,
        "content/cases/a/index.md",
        "+++\ntitle = = \"Broken\"\n+++\nBody\n",
    );
    let overlay = s.wait_for(
        "the error overlay",
        "const o = document.getElementById('radcase-serve-error'); return o && o.textContent",
        json!([]),
        state,
    );
    let overlay = overlay.as_str().unwrap();
    assert!(overlay.contains("content/cases/a/index.md:2:"), "{overlay}");
    assert!(overlay.contains("hint:"), "{overlay}");
    assert!(
        s.exec("return document.querySelector('h1').textContent", json!([]))
            .as_str()
            .unwrap()
            .contains("Edited case"),
        "the last good page stays under the overlay"
    );
    if let Ok(dir) = std::env::var("RADCASE_SCREENSHOTS") {
        std::fs::create_dir_all(&dir).unwrap();
        s.screenshot(&Path::new(&dir).join("serve-error-overlay.png"));
    }

    save(&site, "content/cases/a/index.md", long_case("Fixed case"));
    s.wait_for(
        "the overlay to go and the fix to show",
        "return !document.getElementById('radcase-serve-error') && document.querySelector('h1').textContent.includes('Fixed case') && document.documentElement.dataset.radcaseServe === 'connected'",
        json!([]),
        state,
    );

    s.exec("window.radcaseMarker = 2;", json!([]));
    save(
        &site,
        "static/css/radcase.css",
        "body { outline: 3px solid red }",
    );
    s.wait_for(
        "the stylesheet to be swapped in place",
        "return getComputedStyle(document.body).outlineWidth === '3px'",
        json!([]),
        state,
    );
    assert_eq!(
        s.exec("return window.radcaseMarker", json!([])),
        json!(2),
        "a stylesheet change reloaded the page"
    );
}

/// The header menu and the footer's e-mail in a real browser: on a phone the list is closed
/// behind the menu button, which opens it (aria-expanded), Escape closes it and gives the focus
/// back, a click outside closes it; on a desktop the button is not shown and every item is. The
/// protected e-mail reads, and links, as the address. `RADCASE_SCREENSHOTS` set: PNGs of both.
#[test]
fn menu_and_contact_in_chromium() {
    if !browser_available() {
        return;
    }
    let items: String = [
        "Program",
        "Curriculum",
        "People",
        "Events",
        "Cases",
        "Posts",
        "Apply",
        "Research",
        "Contact",
    ]
    .iter()
    .map(|n| {
        format!(
            "[[menu]]\nname = \"{n}\"\nurl = \"/{}/\"\n",
            n.to_lowercase()
        )
    })
    .collect();
    let site = TestSite::with(&[
        (
            "config.toml",
            format!(
                "{}{items}[contact]\naddress = \"1 River Road\"\nemail = \"residency@riverside.example.org\"\nphone = \"+1 518 555 0142\"\n[contact.social]\nx = \"https://x.com/r\"\n",
                crate::common::CONFIG
            ),
        ),
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\nWelcome.\n".to_string(),
        ),
        (
            "content/program.md",
            "+++\ntitle = \"Program\"\n+++\nAbout.\n".to_string(),
        ),
    ]);
    let (_tmp, _, base) = build_and_serve(&site.path(""));
    let shots = std::env::var_os("RADCASE_SCREENSHOTS").map(PathBuf::from);
    let driver = Driver::start();
    let shown = "const e = document.querySelector(arguments[0]); return !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';";
    let state = "const b = document.querySelector('.menu-button'); return [b.getAttribute('aria-expanded'), getComputedStyle(document.querySelector('#site-menu')).display, document.activeElement.className];";

    let phone = Session::new(&driver, Device::Phone);
    phone.goto(&format!("{base}/program/"));
    phone.wait_for(
        "the page",
        "return document.readyState === 'complete'",
        json!([]),
        "return document.readyState",
    );
    assert_eq!(phone.exec(shown, json!([".menu-button"])), json!(true));
    assert_eq!(
        phone.exec(shown, json!(["#site-menu"])),
        json!(false),
        "closed at first"
    );
    let header = "return document.querySelector('.site-header').getBoundingClientRect().height";
    let closed_height = phone.exec(header, json!([]));
    if let Some(dir) = &shots {
        std::fs::create_dir_all(dir).unwrap();
        phone.screenshot(&dir.join("menu-phone-closed.png"));
    }
    let button = phone.find(".menu-button");
    phone.click(&button);
    phone.wait_for("the menu opens", shown, json!(["#site-menu"]), state);
    assert_eq!(phone.exec(state, json!([]))[0], json!("true"));
    // The open list lies over the page: the header keeps its height (no layout jump).
    assert_eq!(phone.exec(header, json!([])), closed_height);
    assert_eq!(
        phone.exec("return [...document.querySelectorAll('#site-menu a')].filter(a => a.getClientRects().length).length", json!([])),
        json!(9)
    );
    assert_eq!(
        phone.text(&phone.find("#site-menu a[aria-current=page]")),
        "Program"
    );
    if let Some(dir) = &shots {
        phone.screenshot(&dir.join("menu-phone-open.png"));
    }
    // Keyboard: Tab reaches the first item; Escape closes and gives the focus to the button.
    phone.press(KEY_TAB);
    assert_eq!(
        phone.exec("return document.activeElement.textContent", json!([])),
        json!("Program")
    );
    phone.press(KEY_ESCAPE);
    phone.wait_for(
        "Escape closes the menu",
        "return document.querySelector('.menu-button').getAttribute('aria-expanded') === 'false'",
        json!([]),
        state,
    );
    assert_eq!(phone.exec(shown, json!(["#site-menu"])), json!(false));
    assert_eq!(
        phone.exec(
            "return document.activeElement.classList.contains('menu-button')",
            json!([])
        ),
        json!(true)
    );
    // A click outside closes it too.
    phone.click(&button);
    phone.wait_for("the menu opens again", shown, json!(["#site-menu"]), state);
    phone.click(&phone.find("footer .footer-inner p"));
    phone.wait_for(
        "a click outside closes it",
        "return document.querySelector('.menu-button').getAttribute('aria-expanded') === 'false'",
        json!([]),
        state,
    );
    drop(phone);

    let desk = Session::new(&driver, Device::Desktop);
    desk.goto(&format!("{base}/program/"));
    desk.wait_for(
        "the page",
        "return document.readyState === 'complete'",
        json!([]),
        "return document.readyState",
    );
    assert_eq!(desk.exec(shown, json!([".menu-button"])), json!(false));
    assert_eq!(desk.exec(shown, json!(["#site-menu"])), json!(true));
    // The e-mail: a mailto link made by the script, reading as the address.
    let email = desk.wait_for(
        "the e-mail link",
        "return document.querySelector('footer a.email')",
        json!([]),
        "return document.querySelector('footer').innerHTML",
    );
    assert_eq!(desk.text(&email), "residency@riverside.example.org");
    assert_eq!(
        desk.exec("return arguments[0].href", json!([email])),
        json!("mailto:residency@riverside.example.org")
    );
    if let Some(dir) = &shots {
        desk.screenshot(&dir.join("menu-desktop.png"));
    }
}

/// The example site's quiz with questions, in Chromium: a wrong choice is marked wrong with
/// every option's rationale shown and the right one marked; then the right choice.
#[test]
fn questions_mark_a_choice_and_show_the_rationales() {
    if !browser_available() {
        return;
    }
    let (_tmp, out, base) = build_and_serve(&repo().join("example-site"));
    let page = first_page_with(&out, "data-question").expect("a case with questions");
    let driver = Driver::start();
    let s = Session::new(&driver, Device::Phone);
    s.goto(&format!("{base}{page}"));
    // With script, the key is given by choosing, not shown beside the question.
    s.wait_for(
        "the answer key hidden by the script",
        "return document.querySelector('[data-question] .answer-key').hidden",
        json!([]),
        "return document.body.innerHTML.length",
    );
    let state = "const q = document.querySelector('[data-question]');
        return { result: q.querySelector('.question-result').textContent,
          right: [...q.querySelectorAll('.question-option.is-right')].map(li => li.dataset.option),
          wrong: [...q.querySelectorAll('.question-option.is-wrong')].map(li => li.dataset.option),
          shown: [...q.querySelectorAll('.question-rationale')].filter(p => !p.hidden && p.offsetHeight > 0).map(p => p.textContent) };";
    let answer: usize = s
        .exec(
            "return document.querySelector('[data-question] [data-answer]').dataset.answer",
            json!([]),
        )
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let wrong = if answer == 0 { 1 } else { 0 };
    let options = s.exec(
        "return document.querySelector('[data-question]').querySelectorAll('.question-option').length",
        json!([]),
    );
    let radio = s.find(&format!(
        "[data-question] .question-option[data-option=\"{wrong}\"] label"
    ));
    s.click(&radio);
    let seen = s.wait_for(
        "the wrong choice marked",
        &format!("const s = (function(){{ {state} }})(); return s.wrong.length ? s : null;"),
        json!([]),
        state,
    );
    assert_eq!(seen["wrong"], json!([wrong.to_string()]), "{seen}");
    assert_eq!(seen["right"], json!([answer.to_string()]), "{seen}");
    assert!(
        seen["result"].as_str().unwrap().starts_with("Not quite"),
        "{seen}"
    );
    let shown = seen["shown"].as_array().unwrap();
    assert_eq!(json!(shown.len()), options, "every rationale shown: {seen}");
    assert!(
        shown[wrong].as_str().unwrap().starts_with("Wrong:"),
        "{seen}"
    );
    assert!(
        shown[answer].as_str().unwrap().starts_with("Right:"),
        "{seen}"
    );

    let radio = s.find(&format!(
        "[data-question] .question-option[data-option=\"{answer}\"] label"
    ));
    s.click(&radio);
    let seen = s.wait_for(
        "the right choice marked",
        &format!(
            "const s = (function(){{ {state} }})(); return s.result === 'Correct.' ? s : null;"
        ),
        json!([]),
        state,
    );
    assert_eq!(seen["wrong"], json!([]), "{seen}");
    // "Cite this case" gets the date it was read, from the script.
    let accessed = s.exec(
        "const t = document.querySelector('.citation time[data-accessed]'); return [t.textContent, t.dateTime];",
        json!([]),
    );
    let day = accessed[0].as_str().unwrap();
    assert!(
        day.len() == 10 && day.as_bytes()[4] == b'-' && accessed[1] == accessed[0],
        "{accessed}"
    );
}

/// Without JavaScript, nothing the script would show is shown: every element the HTML marks
/// `hidden` stays hidden whatever the stylesheets say ("Copy link" showed and did nothing: a
/// rule for the share buttons set `display` over the attribute).
#[test]
fn without_script_nothing_hidden_is_shown() {
    if !browser_available() {
        return;
    }
    let (_tmp, root, _) = fixture();
    let nojs = tempfile::tempdir().unwrap();
    copy_dir(&root, nojs.path());
    for js in [
        "js/radcase.js",
        "js/presenter.js",
        "js/questions.js",
        "js/search.js",
    ] {
        let _ = std::fs::remove_file(nojs.path().join(js));
    }
    let base = serve(nojs.path());
    let driver = Driver::start();
    let s = Session::new(&driver, Device::Desktop);
    s.goto(&format!("{base}{FIXTURE_PAGE}"));
    let shown = s.exec(
        "return [...document.querySelectorAll('[hidden]')].filter(e => getComputedStyle(e).display !== 'none').map(e => e.outerHTML.slice(0, 100));",
        json!([]),
    );
    assert_eq!(
        shown,
        json!([]),
        "shown without the script that would show them"
    );
    assert!(
        s.exec(
            "return document.querySelectorAll('[hidden]').length",
            json!([])
        )
        .as_u64()
        .unwrap()
            > 0,
        "the page has elements the script shows"
    );
}

/// Mastodon sharing asks for the reader's own server once, opens its share page with the
/// page's title and address, and offers the same server next time; a name that is no server
/// is refused in place.
#[test]
fn mastodon_share_asks_for_the_server_and_remembers_it() {
    if !browser_available() {
        return;
    }
    let (_tmp, _, base) = fixture();
    let driver = Driver::start();
    let s = Session::new(&driver, Device::Desktop);
    let page = format!("{base}{FIXTURE_PAGE}");
    s.goto(&page);
    let record =
        "window.__opened = []; window.open = (u) => { window.__opened.push(u); return null; };";
    s.exec(record, json!([]));
    s.wait_for(
        "the Mastodon button shown by the script",
        "return !document.querySelector('.share-mastodon').hidden",
        json!([]),
        "return document.querySelector('.share').outerHTML",
    );
    let form_shown = "return !document.querySelector('.share-instance').hidden";
    assert_eq!(s.exec(form_shown, json!([])), json!(false));
    s.click(&s.find(".share-mastodon"));
    assert_eq!(s.exec(form_shown, json!([])), json!(true));
    let input = s.find(".share-instance input");
    s.send_keys(&input, "not a server");
    s.click(&s.find(".share-instance button[type=submit]"));
    assert_eq!(s.exec("return window.__opened", json!([])), json!([]));
    s.exec(
        "document.querySelector('.share-instance input').value = ''",
        json!([]),
    );
    s.send_keys(&input, "https://Mastodon.Example/@someone");
    s.click(&s.find(".share-instance button[type=submit]"));
    let opened = s.exec("return window.__opened", json!([]));
    let text = s.exec(
        "return encodeURIComponent(document.querySelector('.share-mastodon').dataset.shareText)",
        json!([]),
    );
    assert_eq!(
        opened,
        json!([format!(
            "https://mastodon.example/share?text={}",
            text.as_str().unwrap()
        )])
    );
    assert_eq!(s.exec(form_shown, json!([])), json!(false));
    // Next time the same server is offered.
    s.goto(&page);
    s.wait_for(
        "the Mastodon button again",
        "return !document.querySelector('.share-mastodon').hidden",
        json!([]),
        "return 0",
    );
    s.click(&s.find(".share-mastodon"));
    assert_eq!(
        s.exec(
            "return document.querySelector('.share-instance input').value",
            json!([])
        ),
        json!("mastodon.example")
    );
}
