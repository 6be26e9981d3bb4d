//! The HTTP side of `serve`: the built site from memory, the live-reload event stream and its
//! script. Request paths are looked up in the site's map of outputs, never joined onto a
//! folder, so no request can name a file outside the site.
//!
//! Files on disk are streamed, so a request costs a buffer, not a copy of the file, however
//! many clients download a large co-located file at once. Connections are served by our own
//! accept loop rather than `axum::serve`, which gives hyper no timer and so never timed out a
//! connection that sent nothing or never finished its headers.

use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::{Body as HttpBody, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::broadcast;
use tokio_stream::{Stream, StreamExt, wrappers::BroadcastStream};

use super::site::{Body, Files, RELOAD_TAG, Reload};

const SCRIPT: &str = include_str!("livereload.js");

/// How long a connection may take to send a request's headers, counted from when it opens
/// or its last response ended. It closes idle kept-alive connections and half-sent requests
/// (slowloris), however slowly they trickle. A browser opens a new connection when it needs
/// one, at no cost on a local server; a response in progress (an event stream) is not idle.
pub const IDLE: Duration = Duration::from_secs(5);

/// Bytes read from a file at a time while it is sent.
const CHUNK: usize = 64 * 1024;

/// Serve `app` on `listener` until the task is dropped.
pub async fn serve(listener: tokio::net::TcpListener, app: Router) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(IDLE);
    let mut last_error = None;
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) if is_connection_error(&e) => continue,
            Err(e) => {
                // Out of file descriptors, most likely: say so (once per kind of error), and
                // let open connections finish before trying again.
                if last_error != Some(e.kind()) {
                    eprintln!("serve cannot accept connections: {e}; trying again");
                    last_error = Some(e.kind());
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        last_error = None;
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let connection = http.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
        // A connection ends with an error when the client goes away or times out: nothing
        // to report.
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
}

/// Errors of one connection that came and went before it was accepted.
fn is_connection_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    )
}

/// A message to every open page.
#[derive(Debug, Clone)]
pub enum Message {
    /// Pages changed, or only stylesheets.
    Reload(Reload),
    /// The last rebuild failed: the diagnostics, as JSON.
    Failed(String),
    /// The site builds again.
    Fixed,
}

/// What the server and the rebuild loop share.
pub struct Shared {
    files: RwLock<Arc<Files>>,
    /// The current build error, as JSON, while there is one.
    error: RwLock<Option<String>>,
    events: broadcast::Sender<Message>,
    /// Files served from disk must resolve inside one of these (canonical) folders.
    roots: Vec<PathBuf>,
}

impl Shared {
    pub fn new(roots: Vec<PathBuf>) -> Arc<Shared> {
        Arc::new(Shared {
            files: RwLock::new(Arc::new(Files::new())),
            error: RwLock::new(None),
            events: broadcast::channel(64).0,
            roots,
        })
    }

    fn files(&self) -> Arc<Files> {
        self.files
            .read()
            .map_or_else(|e| Arc::clone(&e.into_inner()), |f| Arc::clone(&f))
    }

    /// Serve a new build, and tell open pages what changed.
    /// Serve `files` from now on, telling no page (outputs no open page shows were added).
    pub fn add_quietly(&self, files: Arc<Files>) {
        match self.files.write() {
            Ok(mut f) => *f = files,
            Err(e) => *e.into_inner() = files,
        }
    }

    pub fn publish(&self, files: Arc<Files>, message: Message) {
        match self.files.write() {
            Ok(mut f) => *f = files,
            Err(e) => *e.into_inner() = files,
        }
        let was_failing = self.set_error(None);
        if was_failing {
            let _ = self.events.send(Message::Fixed);
        }
        let _ = self.events.send(message);
    }

    /// Keep serving the last good build; show `json` (the diagnostics) on every open page.
    pub fn fail(&self, json: String) {
        self.set_error(Some(json.clone()));
        let _ = self.events.send(Message::Failed(json));
    }

    /// Whether there was an error before.
    fn set_error(&self, error: Option<String>) -> bool {
        match self.error.write() {
            Ok(mut e) => std::mem::replace(&mut *e, error).is_some(),
            Err(e) => std::mem::replace(&mut *e.into_inner(), error).is_some(),
        }
    }

    fn error(&self) -> Option<String> {
        self.error.read().map_or(None, |e| e.clone())
    }
}

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/__radcase/livereload.js", get(script))
        .route("/__radcase/events", get(events))
        .fallback(files)
        .with_state(shared)
}

async fn script() -> Response {
    respond(
        StatusCode::OK,
        "text/javascript; charset=utf-8",
        Bytes::from_static(SCRIPT.as_bytes()),
    )
}

async fn events(
    State(shared): State<Arc<Shared>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    // A page opened while the build is broken shows the error at once.
    let first = match shared.error() {
        Some(json) => Message::Failed(json),
        None => Message::Fixed,
    };
    let later = BroadcastStream::new(shared.events.subscribe()).filter_map(Result::ok);
    let stream = tokio_stream::once(first)
        .chain(later)
        .map(|m| Ok(event(&m)));
    Sse::new(stream).keep_alive(KeepAlive::default())
}

fn event(message: &Message) -> Event {
    match message {
        Message::Reload(Reload::Stylesheets) => Event::default().event("css").data("{}"),
        // The script's protocol: `*` means every page.
        Message::Reload(Reload::All) => Event::default()
            .event("reload")
            .data(serde_json::json!({ "urls": ["*"] }).to_string()),
        Message::Reload(Reload::Pages(urls)) => Event::default()
            .event("reload")
            .data(serde_json::json!({ "urls": urls }).to_string()),
        Message::Failed(json) => Event::default().event("build-error").data(json.as_str()),
        Message::Fixed => Event::default().event("build-ok").data("{}"),
    }
}

async fn files(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut r = respond(
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain; charset=utf-8",
            Bytes::from_static(b"radcase serve answers GET and HEAD only\n"),
        );
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let Some(key) = request_key(uri.path()) else {
        return respond(
            StatusCode::BAD_REQUEST,
            "text/plain; charset=utf-8",
            Bytes::from_static(b"bad request path\n"),
        );
    };
    let files = shared.files();
    if files.is_empty() {
        // The first build failed: a page that only shows the error overlay.
        let page = format!(
            "<!doctype html><meta charset=utf-8><title>radcase: the site has errors</title>\
             <p>The site could not be built; the errors are shown over this page.{RELOAD_TAG}"
        );
        return finish(
            &method,
            respond(
                StatusCode::SERVICE_UNAVAILABLE,
                "text/html; charset=utf-8",
                Bytes::from(page),
            ),
        );
    }
    let name = if key.is_empty() || key.ends_with('/') {
        format!("{key}index.html")
    } else {
        key.clone()
    };
    let response = match files.get(&name) {
        Some(body) => match open(&shared, body).await {
            Some(body) => respond(StatusCode::OK, &content_type(&name), body),
            None => not_found(&shared, &files).await,
        },
        None if files.contains_key(&format!("{key}/index.html")) => {
            let mut to = format!("{}/", uri.path());
            if let Some(q) = uri.query() {
                to = format!("{to}?{q}");
            }
            let mut r = respond(StatusCode::FOUND, "text/plain; charset=utf-8", Bytes::new());
            if let Ok(v) = HeaderValue::from_str(&to) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        None => not_found(&shared, &files).await,
    };
    finish(&method, response)
}

/// HEAD gets the headers of GET and no body.
fn finish(method: &Method, response: Response) -> Response {
    if method == Method::HEAD {
        let (parts, _) = response.into_parts();
        Response::from_parts(parts, HttpBody::empty())
    } else {
        response
    }
}

async fn not_found(shared: &Shared, files: &Files) -> Response {
    let page = match files.get("404.html") {
        Some(body) => open(shared, body).await,
        None => None,
    };
    respond(
        StatusCode::NOT_FOUND,
        "text/html; charset=utf-8",
        page.unwrap_or_else(|| Bytes::from_static(b"Not found\n").into()),
    )
}

/// What a response sends: bytes from memory, or a file streamed from disk.
enum Sent {
    Bytes(Bytes),
    File { file: tokio::fs::File, len: u64 },
}

impl From<Bytes> for Sent {
    fn from(bytes: Bytes) -> Sent {
        Sent::Bytes(bytes)
    }
}

/// What to send for a body; `None` when its file is gone or resolves outside the site.
async fn open(shared: &Shared, body: &Body) -> Option<Sent> {
    match body {
        Body::Bytes(b) => Some(Sent::Bytes(b.clone())),
        Body::File(path) => {
            // Resolve links at request time: a link pointing out of the site is not followed,
            // even one swapped in after the build.
            let real = tokio::fs::canonicalize(path).await.ok()?;
            if !shared.roots.iter().any(|root| real.starts_with(root)) {
                return None;
            }
            let file = tokio::fs::File::open(&real).await.ok()?;
            let meta = file.metadata().await.ok()?;
            // The length is the file's as it is opened: a file cut short while it is sent
            // ends the connection (hyper checks the length), one that grows is sent up to it.
            meta.is_file().then(|| Sent::File {
                file,
                len: meta.len(),
            })
        }
    }
}

/// The key of a request path in the site's map: percent-decoded, without the leading `/`.
/// `None` for a path that tries to leave the site or cannot be a file name of it.
fn request_key(path: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    if decoded.contains(['\\', '\0']) || !decoded.starts_with('/') {
        return None;
    }
    let key = &decoded[1..];
    if key
        .split('/')
        .any(|s| s == ".." || s == "." || s.contains(':'))
    {
        return None;
    }
    Some(key.to_string())
}

fn content_type(name: &str) -> String {
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    let textual = mime.type_() == mime_guess::mime::TEXT
        || matches!(
            mime.subtype().as_str(),
            "javascript" | "json" | "xml" | "rss+xml" | "atom+xml" | "svg+xml"
        );
    if textual {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

fn respond(status: StatusCode, content_type: &str, body: impl Into<Sent>) -> Response {
    let (body, len) = match body.into() {
        Sent::Bytes(bytes) => {
            let len = bytes.len() as u64;
            (HttpBody::from(bytes), len)
        }
        Sent::File { file, len } => (
            HttpBody::from_stream(tokio_util::io::ReaderStream::with_capacity(file, CHUNK)),
            len,
        ),
    };
    let mut r = (status, body).into_response();
    let headers = r.headers_mut();
    // Stated, not left to the body: HEAD drops the body but keeps the length of GET's.
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    if let Ok(v) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    // A dev server's pages change under the reader: never let a browser keep one.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendars_are_served_as_calendars() {
        assert_eq!(content_type("events.ics"), "text/calendar; charset=utf-8");
        assert_eq!(
            content_type("events/open-house/open-house.ics"),
            "text/calendar; charset=utf-8"
        );
    }

    #[test]
    fn request_paths_cannot_leave_the_site() {
        for bad in [
            "/../config.toml",
            "/%2e%2e/config.toml",
            "/cases/..%2f..%2fconfig.toml",
            "/..%5cconfig.toml",
            "/a\\..\\b",
            "/C:/Windows/win.ini",
            "/./index.html",
            "/%00",
            "relative",
            "/%ff",
        ] {
            assert_eq!(request_key(bad), None, "{bad}");
        }
        assert_eq!(request_key("/").as_deref(), Some(""));
        assert_eq!(
            request_key("/cases/head%20ct/").as_deref(),
            Some("cases/head ct/")
        );
    }

    #[test]
    fn content_types_carry_a_charset_when_textual() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("rss.xml"), "text/xml; charset=utf-8");
        assert_eq!(
            content_type("js/radcase.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type("a/ct-320.webp"), "image/webp");
        assert_eq!(content_type("events.ics"), "text/calendar; charset=utf-8");
        assert_eq!(content_type("fonts/x.woff2"), "font/woff2");
    }
}
