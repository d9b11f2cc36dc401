//! The HTTP side of `serve`: request paths → files of the in-memory site, content types, the
//! live-reload event stream, and the client snippet injected into every HTML page.
//!
//! The site lives in a map (output path → bytes), so no request can reach the file system; the
//! path checks below still refuse every traversal spelling explicitly (400), so a client learns
//! it asked for something malformed instead of a plain 404.

use super::build::Files;
use super::snapshots;
use hyper::body::{Bytes, Frame, SizeHint};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::sync::{mpsc, watch};

/// The path of the live-reload event stream (Server-Sent Events), outside the site's prefix.
pub const EVENTS_PATH: &str = "/__spark-docs/events";

/// The path of the live-reload client script, outside the site's prefix. A file rather than an
/// inline script, so pages keep their Content-Security-Policy (`script-src 'self'`) under `serve`.
pub const CLIENT_PATH: &str = "/__spark-docs/client.js";

/// What is being served right now.
pub struct Current {
    pub files: Arc<Files>,
    /// The path of base_url: `/` or `/spark-docs/`.
    pub base_path: String,
    /// Bumped on every swap of `files`; pages carry the generation they were served from.
    pub generation: u64,
    /// JSON of the last failed build (the overlay), `None` when the last build succeeded.
    pub error: Option<Arc<str>>,
}

/// Shared by every connection.
pub struct Shared {
    pub state: watch::Sender<Arc<Current>>,
    pub shutdown: watch::Receiver<bool>,
    /// Differs per process: a page from an earlier server reloads when it reconnects.
    pub instance: String,
    /// The recent builds pages were served from, for the subresources those pages pin.
    pub retained: super::snapshots::Retained,
}

/// A response body: a whole buffer, or the live event stream.
pub enum Body {
    Full(Option<Bytes>),
    Events(mpsc::Receiver<Bytes>),
}

impl Body {
    fn empty() -> Body {
        Body::Full(None)
    }
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            Body::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            Body::Events(rx) => rx.poll_recv(cx).map(|o| o.map(|b| Ok(Frame::data(b)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Body::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            Body::Full(None) => SizeHint::with_exact(0),
            Body::Events(_) => SizeHint::default(),
        }
    }
}

/// Content type by file extension, as GitHub Pages serves them; sources people read (YAML,
/// shell, notebooks, policies) are plain UTF-8 text so browsers show them instead of downloading.
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "txt" | "md" | "markdown" | "yaml" | "yml" | "sh" | "bash" | "ipynb" | "rego" | "toml"
        | "py" | "tpl" | "properties" | "conf" | "csv" | "log" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    /// A file of the site (output-relative path).
    File(String),
    /// The live-reload event stream.
    Events,
    /// The live-reload client script.
    Client,
    /// A redirect (`/` → the base path, a directory without its trailing slash).
    Redirect(StatusCode, String),
    /// Not in the site: the site's 404 page.
    NotFound,
    /// A malformed or traversing path.
    BadRequest(&'static str),
}

/// Percent-decodes a path, refusing what could name something outside the site: encoded `/`,
/// `\` (raw or encoded), NUL, `.`/`..` segments, empty segments (`//`, an absolute path glued on),
/// invalid escapes and non-UTF-8.
pub fn normalize(raw: &str) -> Result<String, &'static str> {
    if !raw.starts_with('/') {
        return Err("the path must start with /");
    }
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = |b: u8| (b as char).to_digit(16);
                let (Some(h), Some(l)) = (
                    bytes.get(i + 1).and_then(|&b| hex(b)),
                    bytes.get(i + 2).and_then(|&b| hex(b)),
                ) else {
                    return Err("invalid percent-escape");
                };
                let b = (h * 16 + l) as u8;
                match b {
                    b'/' => return Err("encoded slash (%2F)"),
                    b'\\' => return Err("encoded backslash (%5C)"),
                    0 => return Err("NUL in path"),
                    _ => out.push(b),
                }
                i += 3;
            }
            b'\\' => return Err("backslash in path"),
            0 => return Err("NUL in path"),
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    let path = String::from_utf8(out).map_err(|_| "path is not UTF-8")?;
    let segments: Vec<&str> = path[1..].split('/').collect();
    let last = segments.len() - 1;
    for (n, seg) in segments.iter().enumerate() {
        match *seg {
            "." | ".." => return Err("dot segment in path"),
            "" if n != last => return Err("empty segment in path (//)"),
            s if s.chars().any(char::is_control) => return Err("control character in path"),
            // `C:` and friends: a Windows drive is an absolute path too.
            s if n == 0 && s.len() == 2 && s.ends_with(':') => return Err("drive letter in path"),
            _ => {}
        }
    }
    Ok(path)
}

/// Maps a request path to a route, GitHub Pages style: the site lives under `base_path`, `/x/`
/// serves `/x/index.html`, `/x` redirects to `/x/` when that is a directory.
pub fn route(raw_path: &str, query: Option<&str>, base_path: &str, files: &Files) -> Route {
    if raw_path == EVENTS_PATH {
        return Route::Events;
    }
    if raw_path == CLIENT_PATH {
        return Route::Client;
    }
    let path = match normalize(raw_path) {
        Ok(p) => p,
        Err(why) => return Route::BadRequest(why),
    };
    let with_query = |p: String| match query {
        Some(q) => format!("{p}?{q}"),
        None => p,
    };
    if path == "/" && base_path != "/" {
        return Route::Redirect(StatusCode::FOUND, base_path.to_string());
    }
    if format!("{path}/") == base_path {
        return Route::Redirect(
            StatusCode::MOVED_PERMANENTLY,
            with_query(base_path.to_string()),
        );
    }
    let Some(rel) = path.strip_prefix(base_path) else {
        return Route::NotFound;
    };
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if files.contains_key(&key) {
        return Route::File(key);
    }
    if !rel.is_empty() && !rel.ends_with('/') && files.contains_key(&format!("{rel}/index.html")) {
        return Route::Redirect(
            StatusCode::MOVED_PERMANENTLY,
            with_query(format!("{path}/")),
        );
    }
    Route::NotFound
}

fn response(status: StatusCode, content_type: &str, body: Bytes, head: bool) -> Response<Body> {
    let len = body.len();
    let mut r = Response::new(if head {
        Body::empty()
    } else {
        Body::Full(Some(body))
    });
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    // A development server: never let a browser keep a stale page.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    r
}

fn text(status: StatusCode, msg: &str, head: bool) -> Response<Body> {
    response(
        status,
        "text/plain; charset=utf-8",
        Bytes::from(format!("{msg}\n")),
        head,
    )
}

/// Inserts the live-reload client before the last `</body>` (or at the end).
fn inject(html: &[u8], snippet: &str) -> Bytes {
    let needle = b"</body>";
    let at = html
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    Bytes::from(out)
}

/// Serves one request.
pub async fn handle(
    req: Request<hyper::body::Incoming>,
    shared: Arc<Shared>,
) -> Result<Response<Body>, Infallible> {
    let head = req.method() == Method::HEAD;
    if req.method() != Method::GET && !head {
        let mut r = text(
            StatusCode::METHOD_NOT_ALLOWED,
            "405 method not allowed: this server only answers GET and HEAD",
            false,
        );
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return Ok(r);
    }
    let uri = req.uri();
    // One immutable build answers the whole request: the one its URL pins, else the current one.
    let latest = shared.state.borrow().clone();
    let current = shared.retained.resolve(latest, uri.query());
    let route = route(uri.path(), uri.query(), &current.base_path, &current.files);
    let served = |key: &str, status: StatusCode| -> Response<Body> {
        let bytes = current.files.get(key).cloned().unwrap_or_default();
        let ct = content_type(key);
        let body = if ct.starts_with("text/html") {
            let pinned = snapshots::pin_subresources(&bytes, current.generation);
            inject(&pinned, &super::client::snippet(&shared.instance, &current))
        } else {
            bytes
        };
        let mut r = response(status, ct, body, head);
        r.headers_mut().insert(
            snapshots::GENERATION_HEADER,
            HeaderValue::from(current.generation),
        );
        r
    };
    Ok(match route {
        Route::File(key) => served(&key, StatusCode::OK),
        Route::NotFound if current.files.contains_key("404.html") => {
            served("404.html", StatusCode::NOT_FOUND)
        }
        Route::NotFound => text(StatusCode::NOT_FOUND, "404 not found", head),
        Route::BadRequest(why) => text(
            StatusCode::BAD_REQUEST,
            &format!("400 bad request: {why}"),
            head,
        ),
        Route::Redirect(status, to) => {
            let mut r = text(status, &format!("see {to}"), head);
            if let Ok(v) = HeaderValue::from_str(&to) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        Route::Events => events(&shared, head),
        Route::Client => response(
            StatusCode::OK,
            content_type(CLIENT_PATH),
            Bytes::from_static(super::client::CLIENT_JS.as_bytes()),
            head,
        ),
    })
}

/// Resolves once the server is stopping.
pub async fn stopped(mut shutdown: watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

/// `event: NAME` + `data: JSON`, one SSE message.
fn sse(name: &str, data: &str) -> Bytes {
    Bytes::from(format!("event: {name}\ndata: {data}\n\n"))
}

/// The message a state change sends: `build-error` with the overlay's JSON while broken,
/// `reload` with the new generation otherwise.
pub fn state_event(current: &Current) -> Bytes {
    match &current.error {
        Some(json) => sse("build-error", json),
        None => sse(
            "reload",
            &format!("{{\"generation\":{}}}", current.generation),
        ),
    }
}

/// The live-reload stream. On connect: `hello` (instance, generation), then `build-error` if the
/// last build failed; afterwards one message per state change, and a comment every 15 s so
/// proxies and browsers keep the connection.
fn events(shared: &Arc<Shared>, head: bool) -> Response<Body> {
    let mut r = Response::new(Body::empty());
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if head {
        return r;
    }
    let (tx, rx) = mpsc::channel::<Bytes>(8);
    let mut state = shared.state.subscribe();
    let shutdown = shared.shutdown.clone();
    let instance = shared.instance.clone();
    tokio::spawn(async move {
        let stop = stopped(shutdown);
        tokio::pin!(stop);
        let hello = {
            let cur = state.borrow_and_update();
            let mut first = format!(
                "retry: 1000\nevent: hello\ndata: {{\"instance\":\"{instance}\",\"generation\":{},\"ok\":{}}}\n\n",
                cur.generation,
                cur.error.is_none()
            )
            .into_bytes();
            if cur.error.is_some() {
                first.extend_from_slice(&state_event(&cur));
            }
            Bytes::from(first)
        };
        if tx.send(hello).await.is_err() {
            return;
        }
        // What the page last heard: a swap that keeps the generation (the search index and the
        // card arriving after a reload) is not news while the build is good.
        let mut heard = {
            let cur = state.borrow();
            (cur.generation, cur.error.is_some())
        };
        loop {
            tokio::select! {
                changed = state.changed() => {
                    if changed.is_err() {
                        break;
                    }
                    let msg = {
                        let cur = state.borrow_and_update();
                        let now = (cur.generation, cur.error.is_some());
                        if now == heard && !now.1 {
                            continue;
                        }
                        heard = now;
                        state_event(&cur)
                    };
                    if tx.send(msg).await.is_err() {
                        break;
                    }
                }
                _ = tokio::time::sleep(std::time::Duration::from_secs(15)) => {
                    if tx.send(Bytes::from_static(b": keep-alive\n\n")).await.is_err() {
                        break;
                    }
                }
                _ = &mut stop => break,
                _ = tx.closed() => break,
            }
        }
    });
    *r.body_mut() = Body::Events(rx);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Files {
        [
            "index.html",
            "404.html",
            "recipes/index.html",
            "recipes/ops/x/index.html",
            "static/style.css",
            "presets/demo/basic/values-scenario-basic.yaml",
        ]
        .iter()
        .map(|k| (k.to_string(), Bytes::from_static(b"x")))
        .collect()
    }

    #[test]
    fn routes_like_github_pages() {
        let f = files();
        let b = "/spark-docs/";
        assert_eq!(
            route("/", None, b, &f),
            Route::Redirect(StatusCode::FOUND, b.into())
        );
        assert_eq!(
            route("/spark-docs", Some("a=1"), b, &f),
            Route::Redirect(StatusCode::MOVED_PERMANENTLY, "/spark-docs/?a=1".into())
        );
        assert_eq!(
            route("/spark-docs/", None, b, &f),
            Route::File("index.html".into())
        );
        assert_eq!(
            route("/spark-docs/index.html", None, b, &f),
            Route::File("index.html".into())
        );
        assert_eq!(
            route("/spark-docs/recipes", None, b, &f),
            Route::Redirect(StatusCode::MOVED_PERMANENTLY, "/spark-docs/recipes/".into())
        );
        assert_eq!(
            route("/spark-docs/recipes/ops/x/", None, b, &f),
            Route::File("recipes/ops/x/index.html".into())
        );
        assert_eq!(
            route("/spark-docs/static/style.css", None, b, &f),
            Route::File("static/style.css".into())
        );
        assert_eq!(route("/spark-docs/nope/", None, b, &f), Route::NotFound);
        assert_eq!(route("/recipes/", None, b, &f), Route::NotFound);
        assert_eq!(
            route("/spark-docs/static/", None, b, &f),
            Route::NotFound,
            "no directory listings"
        );
        assert_eq!(
            route("/recipes/", None, "/", &f),
            Route::File("recipes/index.html".into())
        );
        assert_eq!(route(EVENTS_PATH, None, b, &f), Route::Events);
        assert_eq!(
            route("/spark-docs/st%61tic/style.css", None, b, &f),
            Route::File("static/style.css".into())
        );
    }

    #[test]
    fn refuses_traversal() {
        let f = files();
        for p in [
            "/spark-docs/../etc/passwd",
            "/spark-docs/%2e%2e/%2e%2e/etc/passwd",
            "/spark-docs/%2E%2E/x",
            "/spark-docs/.%2e/x",
            "/spark-docs/..%2fetc%2fpasswd",
            "/spark-docs/%2fetc/passwd",
            "/spark-docs/..\\..\\etc\\passwd",
            "/spark-docs/%5c..%5cx",
            "/spark-docs//etc/passwd",
            "//etc/passwd",
            "/spark-docs/./index.html",
            "/spark-docs/index.html%00.css",
            "/spark-docs/%zz",
            "/spark-docs/%ff",
            "/C:/Windows/win.ini",
            "etc/passwd",
        ] {
            assert!(
                matches!(route(p, None, "/spark-docs/", &f), Route::BadRequest(_)),
                "{p} was not refused"
            );
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("static/style.css"), "text/css; charset=utf-8");
        assert_eq!(
            content_type("static/app.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            content_type("pagefind/wasm.en.pagefind"),
            "application/octet-stream"
        );
        assert_eq!(content_type("x.wasm"), "application/wasm");
        assert_eq!(
            content_type("pagefind/pagefind-entry.json"),
            "application/json"
        );
        assert_eq!(content_type("quickref.pdf"), "application/pdf");
        for raw in ["v.yaml", "v.yml", "s.sh", "n.ipynb", "p.rego"] {
            assert_eq!(content_type(raw), "text/plain; charset=utf-8", "{raw}");
        }
        assert_eq!(
            content_type("sitemap.xml"),
            "application/xml; charset=utf-8"
        );
        assert_eq!(content_type("noext"), "application/octet-stream");
    }

    #[test]
    fn injects_before_the_last_body_tag() {
        assert_eq!(
            &inject(b"<p>a</p></BODY></html>", "<s>")[..],
            b"<p>a</p><s></BODY></html>"
        );
        assert_eq!(&inject(b"<p>a</p>", "<s>")[..], b"<p>a</p><s>");
    }
}
