//! `spark-docs serve`: the real binary on a free port over a temporary copy of a fixture site,
//! driven by a small std-only HTTP and Server-Sent-Events client. Every wait is bounded; the
//! server is killed when a test ends, whatever happens.
#![cfg(feature = "serve")]

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::support::{bin, copy_dir, edit};

const IO_TIMEOUT: Duration = Duration::from_secs(20);
const REBUILD_TIMEOUT: Duration = Duration::from_secs(10);
const RECIPE: &str = "content/recipes/troubleshoot/driver-host.md";
const RECIPE_URL: &str = "/spark-docs/recipes/troubleshoot/driver-host/";

/// A copy of `fixture` in a temporary directory: (the directory, the site root in it, where
/// the server's stderr goes).
fn site_copy(fixture: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_dir(&crate::support::fixture(fixture), &root);
    let stderr_path = dir.path().join("stderr.txt");
    (dir, root, stderr_path)
}

/// Starts `spark-docs serve` on `root` and `port`, its stdout piped, its stderr into `stderr_path`.
fn spawn_serve(root: &Path, port: &str, extra: &[&str], stderr_path: &Path) -> Child {
    Command::new(bin())
        .args(["serve", "--port", port, "--root"])
        .arg(root)
        .args(extra)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(fs::File::create(stderr_path).unwrap())
        .spawn()
        .expect("start spark-docs serve")
}

/// A running `spark-docs serve`, killed on drop.
struct Server {
    child: Child,
    addr: SocketAddr,
    /// The printed URL, e.g. `http://127.0.0.1:40123/spark-docs/`.
    url: String,
    root: PathBuf,
    stderr_path: PathBuf,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start(fixture: &str) -> Server {
        Server::start_with(fixture, &[])
    }

    fn start_with(fixture: &str, extra: &[&str]) -> Server {
        let (dir, root, stderr_path) = site_copy(fixture);
        let mut child = spawn_serve(&root, "0", extra, &stderr_path);
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("serving at ") {
                    let _ = tx.send(url.trim().to_string());
                }
            }
        });
        let url = match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(url) => url,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "serve printed no URL; stderr:\n{}",
                    fs::read_to_string(&stderr_path).unwrap_or_default()
                );
            }
        };
        let hostport = url.trim_start_matches("http://").split('/').next().unwrap();
        let addr: SocketAddr = hostport.parse().unwrap_or_else(|_| panic!("bad URL {url}"));
        Server {
            child,
            addr,
            url,
            root,
            stderr_path,
            _dir: dir,
        }
    }

    fn stderr(&self) -> String {
        fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }

    /// Sends `raw` (a whole request) and reads the whole response (`Connection: close`).
    fn raw(&self, raw: &[u8]) -> Response {
        let mut s = TcpStream::connect_timeout(&self.addr, IO_TIMEOUT).expect("connect");
        s.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        s.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
        s.write_all(raw).unwrap();
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).expect("read response");
        Response::parse(&buf)
    }

    fn request(&self, method: &str, path: &str) -> Response {
        self.raw(
            format!(
                "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                self.addr
            )
            .as_bytes(),
        )
    }

    fn get(&self, path: &str) -> Response {
        self.request("GET", path)
    }

    /// Polls `path` until its body contains `needle`.
    fn wait_for_text(&self, path: &str, needle: &str) -> Response {
        self.wait_until(path, &format!("never showed {needle:?}"), |r| {
            r.text().contains(needle)
        })
    }

    /// Polls `path` until `done` holds for the response; `never` says what did not happen.
    fn wait_until(&self, path: &str, never: &str, done: impl Fn(&Response) -> bool) -> Response {
        let deadline = Instant::now() + REBUILD_TIMEOUT;
        loop {
            let r = self.get(path);
            if done(&r) {
                return r;
            }
            assert!(
                Instant::now() < deadline,
                "{path} {never}; stderr:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn events(&self) -> Events {
        Events::connect(self.addr)
    }

    fn signal(&mut self, sig: &str) -> std::process::ExitStatus {
        let ok = Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(ok.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "serve did not stop on SIG{sig}; stderr:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn parse(buf: &[u8]) -> Response {
        let end = buf
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(buf)));
        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Response {
            status,
            headers,
            body: buf[end + 4..].to_vec(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or("")
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A Server-Sent-Events reader on its own thread, one `(event, data)` per message.
struct Events {
    rx: mpsc::Receiver<(String, String)>,
    _stream: TcpStream,
}

impl Events {
    fn connect(addr: SocketAddr) -> Events {
        let mut s = TcpStream::connect_timeout(&addr, IO_TIMEOUT).expect("connect");
        write!(s, "GET /__spark-docs/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n").unwrap();
        let reader = s.try_clone().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(reader);
            let mut line = String::new();
            // Headers.
            loop {
                line.clear();
                if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            // Chunked body: "<hex>\r\n<bytes>\r\n"; the text is parsed line by line across chunks.
            let mut text = String::new();
            loop {
                line.clear();
                if r.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let Ok(size) = usize::from_str_radix(line.trim(), 16) else {
                    return;
                };
                if size == 0 {
                    return;
                }
                let mut chunk = vec![0; size + 2];
                if r.read_exact(&mut chunk).is_err() {
                    return;
                }
                text.push_str(&String::from_utf8_lossy(&chunk[..size]));
                while let Some(end) = text.find("\n\n") {
                    let msg: String = text.drain(..end + 2).collect();
                    let mut event = String::from("message");
                    let mut data = String::new();
                    for l in msg.lines() {
                        if let Some(v) = l.strip_prefix("event: ") {
                            event = v.to_string();
                        } else if let Some(v) = l.strip_prefix("data: ") {
                            data.push_str(v);
                        }
                    }
                    if !msg.starts_with(':') && tx.send((event, data)).is_err() {
                        return;
                    }
                }
            }
        });
        let events = Events { rx, _stream: s };
        let (name, data) = events.next();
        assert_eq!(name, "hello", "{data}");
        events
    }

    fn next(&self) -> (String, String) {
        self.rx
            .recv_timeout(REBUILD_TIMEOUT)
            .expect("no live-reload event in time")
    }

    /// The next message named `name`, skipping others.
    fn wait_for(&self, name: &str, server: &Server) -> String {
        let deadline = Instant::now() + REBUILD_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok((n, data)) if n == name => return data,
                Ok(_) => {}
                Err(_) => panic!(
                    "no `{name}` event within {REBUILD_TIMEOUT:?}; stderr:\n{}",
                    server.stderr()
                ),
            }
        }
    }
}

#[test]
fn serves_the_site_under_the_base_path_with_content_types() {
    let s = Server::start("basic");
    assert!(
        s.url.starts_with("http://127.0.0.1:") && s.url.ends_with("/spark-docs/"),
        "{}",
        s.url
    );

    let r = s.get("/");
    assert_eq!(r.status, 302);
    assert_eq!(r.header("location"), Some("/spark-docs/"));
    let r = s.get("/spark-docs");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location"), Some("/spark-docs/"));

    let home = s.get("/spark-docs/");
    assert_eq!(home.status, 200);
    assert_eq!(home.content_type(), "text/html; charset=utf-8");
    let html = home.text();
    assert!(html.contains("Basic fixture"), "{html}");
    assert!(
        html.contains("id=\"__spark-docs-state\""),
        "live-reload client not injected"
    );
    // The client is a file, not an inline script: the pages' CSP allows only 'self' scripts.
    assert!(
        html.contains("<script src=\"/__spark-docs/client.js\"></script>"),
        "{html}"
    );
    assert!(
        !html.contains("<script>"),
        "an inline script in a served page"
    );
    let client = s.get("/__spark-docs/client.js");
    assert_eq!(
        (client.status, client.content_type()),
        (200, "text/javascript; charset=utf-8")
    );
    assert!(client.text().contains("EventSource"));
    assert_eq!(
        home.header("content-length")
            .map(|l| l.parse::<usize>().unwrap()),
        Some(home.body.len())
    );

    let recipe = s.get(RECIPE_URL);
    assert_eq!(recipe.status, 200);
    assert_eq!(recipe.content_type(), "text/html; charset=utf-8");
    assert!(recipe
        .text()
        .contains("Executors cannot resolve the Connect driver host"));
    let r = s.get(RECIPE_URL.trim_end_matches('/'));
    assert_eq!((r.status, r.header("location")), (301, Some(RECIPE_URL)));
    assert_eq!(s.get(&format!("{RECIPE_URL}index.html")).status, 200);

    let css = s.get("/spark-docs/static/style.css");
    assert_eq!(
        (css.status, css.content_type()),
        (200, "text/css; charset=utf-8")
    );
    assert!(
        !css.text().contains("__spark-docs"),
        "the client goes into HTML only"
    );
    let js = s.get("/spark-docs/static/app.js");
    assert_eq!(
        (js.status, js.content_type()),
        (200, "text/javascript; charset=utf-8")
    );
    let sitemap = s.get("/spark-docs/sitemap.xml");
    assert_eq!(
        (sitemap.status, sitemap.content_type()),
        (200, "application/xml; charset=utf-8")
    );

    // Raw sources people read in the browser: plain UTF-8 text.
    for raw in [
        "/spark-docs/presets/demo/values-scenario-basic/values-scenario-basic.yaml",
        "/spark-docs/scripts/probe/probe.sh",
        "/spark-docs/notebooks/probe/probe.ipynb",
    ] {
        let r = s.get(raw);
        assert_eq!(
            (r.status, r.content_type()),
            (200, "text/plain; charset=utf-8"),
            "{raw}"
        );
        assert!(
            !r.text().contains("__spark-docs"),
            "{raw}: the client goes into HTML only"
        );
    }

    // The quick-reference card and the search bundle, when the binary has them.
    #[cfg(feature = "pdf")]
    {
        let pdf = s.get("/spark-docs/quickref.pdf");
        assert_eq!((pdf.status, pdf.content_type()), (200, "application/pdf"));
        assert!(pdf.body.starts_with(b"%PDF"));
    }
    #[cfg(feature = "search")]
    {
        let js = s.get("/spark-docs/pagefind/pagefind.js");
        assert_eq!(
            (js.status, js.content_type()),
            (200, "text/javascript; charset=utf-8")
        );
        let entry = s.get("/spark-docs/pagefind/pagefind-entry.json");
        assert_eq!(
            (entry.status, entry.content_type()),
            (200, "application/json")
        );
        assert!(entry.text().contains("\"languages\""), "{}", entry.text());
    }

    // Every asset the home page links (CSS, JS, and the search bundle, PDF or WASM once the site
    // has them) is served with its type.
    for link in asset_links(&html) {
        let r = s.get(&link);
        assert_eq!(r.status, 200, "{link}");
        let want = match url_path(&link).rsplit('.').next().unwrap() {
            "css" => "text/css; charset=utf-8",
            "js" => "text/javascript; charset=utf-8",
            "pdf" => "application/pdf",
            "wasm" => "application/wasm",
            "json" => "application/json",
            "svg" => "image/svg+xml",
            _ => continue,
        };
        assert_eq!(r.content_type(), want, "{link}");
    }
    // The card, which pages link (`<a href>`) once the site has one.
    if html.contains("quickref.pdf\"") {
        let r = s.get("/spark-docs/quickref.pdf");
        assert_eq!((r.status, r.content_type()), (200, "application/pdf"));
    }

    // Misses: the site's own 404 page, with status 404; no directory listings.
    for miss in [
        "/spark-docs/no/such/page/",
        "/spark-docs/static/",
        "/elsewhere/",
        "/spark-docs/recipes/troubleshoot/driver-host.md",
    ] {
        let r = s.get(miss);
        assert_eq!(r.status, 404, "{miss}");
        assert_eq!(r.content_type(), "text/html; charset=utf-8", "{miss}");
        assert!(
            r.text().contains("__spark-docs-state"),
            "{miss}: not the site's 404 page"
        );
    }

    // HEAD: the headers of GET, no body.
    let head = s.request("HEAD", RECIPE_URL);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert!(
        head.header("content-length")
            .unwrap()
            .parse::<usize>()
            .unwrap()
            > 1000
    );

    // Only GET and HEAD.
    for method in ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"] {
        let r = s.raw(format!("{method} {RECIPE_URL} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").as_bytes());
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("allow"), Some("GET, HEAD"), "{method}");
    }
}

/// A URL without its query and fragment.
fn url_path(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

/// The site's own CSS, JS, PDF, WASM, JSON and SVG files a page links, query included.
fn asset_links(html: &str) -> Vec<String> {
    // What a page loads (stylesheets, scripts, images), not what it links to: an `<a href>` to
    // the card PDF is a navigation, answered from the current build like any page.
    let tag = regex::Regex::new(r#"<(?:link|script|img|source)\b[^>]*?\b(?:href|src)="([^"]+)""#)
        .unwrap();
    tag.captures_iter(html)
        .map(|c| c[1].to_string())
        .filter(|link| {
            link.starts_with("/spark-docs/")
                && [".css", ".js", ".pdf", ".wasm", ".json", ".svg"]
                    .iter()
                    .any(|e| url_path(link).ends_with(e))
        })
        .collect()
}

#[test]
fn refuses_every_traversal_variant() {
    let s = Server::start("basic");
    let secret = "/etc/passwd";
    assert!(Path::new(secret).exists());
    for path in [
        "/spark-docs/../../../../etc/passwd",
        "/../site.toml",
        "/spark-docs/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/spark-docs/%2E%2E/site.toml",
        "/spark-docs/.%2e/site.toml",
        "/spark-docs/..%2f..%2fsite.toml",
        "/spark-docs/static%2fstyle.css",
        "/spark-docs/%2Fetc%2Fpasswd",
        "/spark-docs/..\\..\\site.toml",
        "/spark-docs/%5c..%5csite.toml",
        "/spark-docs//etc/passwd",
        "//etc/passwd",
        "/spark-docs/./index.html",
        "/spark-docs/index.html%00.css",
        "/spark-docs/%c0%ae%c0%ae/site.toml",
        "/C:/Windows/win.ini",
        "/spark-docs/static/",
    ] {
        let r = s.get(path);
        assert!(
            r.status == 400 || r.status == 404,
            "{path}: status {}",
            r.status
        );
        let body = r.text();
        assert!(!body.contains("root:x:0:0"), "{path} leaked /etc/passwd");
        assert!(!body.contains("[sources]"), "{path} leaked site.toml");
        assert!(!body.contains("Index of"), "{path} listed a directory");
    }
    // Absolute-form request targets are paths too.
    let r = s.raw(
        b"GET http://localhost/etc/passwd HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert!(
        r.status == 400 || r.status == 404,
        "absolute-form: {}",
        r.status
    );
    assert!(!r.text().contains("root:x:0:0"));
    // A raw NUL never reaches the router.
    let r = s.raw(b"GET /spark-docs/\0/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert!(r.status == 400 || r.status == 404, "NUL: {}", r.status);
    // The server is still fine.
    assert_eq!(s.get("/spark-docs/").status, 200);
}

#[test]
fn an_edit_reloads_a_broken_edit_keeps_the_last_good_site_and_a_fix_recovers() {
    let s = Server::start("basic");
    let events = s.events();

    // A good edit: a reload message, then the new text.
    edit(
        &s.root.join(RECIPE),
        "Executor pods die with",
        "Executor pods (edited-once) die with",
    );
    let data = events.wait_for("reload", &s);
    assert!(data.contains("\"generation\":1"), "{data}");
    let page = s.wait_for_text(RECIPE_URL, "edited-once");
    assert_eq!(page.status, 200);

    // A broken edit: malformed front matter. The old page stays; the stream reports the finding.
    let good = fs::read_to_string(s.root.join(RECIPE)).unwrap();
    edit(
        &s.root.join(RECIPE),
        "spark: [\"4.1\"]",
        "spark: [\"4.1\"\nbroken: {unclosed",
    );
    let data = events.wait_for("build-error", &s);
    let v: serde_json::Value = serde_json::from_str(&data).expect("build-error data is JSON");
    let problem = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["file"] == RECIPE)
        .unwrap_or_else(|| panic!("no problem in {RECIPE}: {data}"));
    assert_eq!(problem["severity"], "error");
    assert!(
        problem["code"]
            .as_str()
            .unwrap()
            .starts_with("front-matter"),
        "{data}"
    );
    assert!(problem["line"].as_u64().unwrap() > 0, "{data}");
    assert!(!problem["message"].as_str().unwrap().is_empty());
    assert!(v["errors"].as_u64().unwrap() >= 1);
    let page = s.get(RECIPE_URL);
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(
        html.contains("edited-once"),
        "the last good page is no longer served"
    );
    assert!(
        html.contains("front-matter"),
        "a page loaded while broken carries the overlay data"
    );
    let err = s.stderr();
    assert!(
        err.contains("error[front-matter") && err.contains(RECIPE),
        "terminal lacks the finding:\n{err}"
    );
    // A page that connects while broken learns about it at once.
    let late = s.events();
    let (name, data) = late.next();
    assert_eq!(name, "build-error", "{data}");

    // The fix: a reload, the new text, no overlay data.
    fs::write(
        s.root.join(RECIPE),
        good.replace("edited-once", "edited-twice"),
    )
    .unwrap();
    events.wait_for("reload", &s);
    late.wait_for("reload", &s);
    let html = s.wait_for_text(RECIPE_URL, "edited-twice").text();
    assert!(
        html.contains("\"error\":null"),
        "overlay data after the fix"
    );
}

#[test]
fn a_broken_site_toml_keeps_serving_and_recovers() {
    let s = Server::start("basic");
    let events = s.events();
    let config = s.root.join("site.toml");
    let good = fs::read_to_string(&config).unwrap();
    fs::write(
        &config,
        good.replace("title = ", "title = \"unterminated\ntitle2 = "),
    )
    .unwrap();
    let data = events.wait_for("build-error", &s);
    assert!(
        data.contains("\"code\":\"config\"") && data.contains("\"file\":\"site.toml\""),
        "{data}"
    );
    assert_eq!(
        s.get(RECIPE_URL).status,
        200,
        "the last good site is still served"
    );
    fs::write(
        &config,
        good.replace("Basic fixture", "Basic fixture (renamed)"),
    )
    .unwrap();
    events.wait_for("reload", &s);
    s.wait_for_text("/spark-docs/", "Basic fixture (renamed)");
}

#[test]
fn two_hundred_concurrent_gets_all_succeed() {
    let s = Server::start("basic");
    let addr = s.addr;
    let paths = [
        "/spark-docs/",
        RECIPE_URL,
        "/spark-docs/static/style.css",
        "/spark-docs/issues/",
        "/spark-docs/missing/",
    ];
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(200));
    let handles: Vec<_> = (0..200)
        .map(|i| {
            let barrier = barrier.clone();
            let path = paths[i % paths.len()];
            std::thread::spawn(move || {
                barrier.wait();
                let mut st = TcpStream::connect_timeout(&addr, IO_TIMEOUT).expect("connect");
                st.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
                write!(
                    st,
                    "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
                )
                .unwrap();
                let mut buf = Vec::new();
                st.read_to_end(&mut buf).unwrap();
                let r = Response::parse(&buf);
                let len: usize = r.header("content-length").unwrap().parse().unwrap();
                (path, r.status, len == r.body.len())
            })
        })
        .collect();
    for h in handles {
        let (path, status, complete) = h.join().expect("a client thread panicked");
        let want = if path.contains("missing") { 404 } else { 200 };
        assert_eq!(status, want, "{path}");
        assert!(complete, "{path}: truncated body");
    }
}

#[test]
fn sigint_and_sigterm_stop_the_server_cleanly() {
    for sig in ["INT", "TERM"] {
        let mut s = Server::start("basic");
        let _events = s.events(); // an open live-reload stream must not hold up the shutdown
        let status = s.signal(sig);
        assert!(status.success(), "SIG{sig}: {status:?}\n{}", s.stderr());
        assert!(s.stderr().contains("stopped"), "{}", s.stderr());
        // Built in memory: nothing was written next to the sources.
        let leftovers: Vec<_> = fs::read_dir(&s.root)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.') || n == "public")
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}

#[test]
fn a_non_loopback_bind_warns_and_a_busy_port_is_a_usage_error() {
    let s = Server::start_with("basic", &["--bind", "0.0.0.0", "--no-watch"]);
    assert!(
        s.stderr().contains("warning: --bind 0.0.0.0"),
        "{}",
        s.stderr()
    );
    assert!(s.url.starts_with("http://127.0.0.1:"), "{}", s.url);
    assert_eq!(s.get("/spark-docs/").status, 200);

    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let out = Command::new(bin())
        .args(["serve", "--no-watch", "--port", &port, "--root"])
        .arg(&s.root)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--port 0"));
}

#[test]
fn a_bad_site_toml_at_start_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("site.toml"), "title = \n").unwrap();
    let mut child = Command::new(bin())
        .args(["serve", "--port", "0", "--root"])
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("serve kept running with a broken site.toml");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(2), "{err}");
    assert!(err.contains("site.toml"), "{err}");
}

/// The search index and the card follow an edit on their own, after the pages and without a
/// second reload; until then the previous ones are served.
#[cfg(any(feature = "search", feature = "pdf"))]
#[test]
fn the_search_index_and_the_card_follow_an_edit_without_another_reload() {
    let s = Server::start("basic");
    let events = s.events();
    let site_wide: Vec<&str> = [
        cfg!(feature = "search").then_some("/spark-docs/pagefind/pagefind-entry.json"),
        cfg!(feature = "pdf").then_some("/spark-docs/quickref.pdf"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let before: Vec<Vec<u8>> = site_wide
        .iter()
        .map(|p| {
            let r = s.get(p);
            assert_eq!(r.status, 200, "{p}");
            r.body
        })
        .collect();

    edit(
        &s.root.join(RECIPE),
        "title: Executors cannot resolve the Connect driver host",
        "title: Executors cannot resolve the renamed Connect driver host",
    );
    let data = events.wait_for("reload", &s);
    assert!(data.contains("\"generation\":1"), "{data}");
    for (path, old) in site_wide.iter().zip(&before) {
        s.wait_until(path, "did not change after the edit", |r| {
            assert_eq!(r.status, 200, "{path} was not served while being remade");
            r.body != *old
        });
    }
    assert!(
        s.stderr()
            .contains("search index and quick-reference card updated"),
        "{}",
        s.stderr()
    );
    // No second reload for the swap.
    while let Ok((name, data)) = events.rx.recv_timeout(Duration::from_millis(500)) {
        assert_ne!(name, "reload", "a second reload: {data}");
    }
}

/// One GET on a fresh connection; connection and protocol failures are returned, not panicked on.
fn try_get(addr: SocketAddr, path: &str) -> Result<Response, String> {
    let mut st =
        TcpStream::connect_timeout(&addr, IO_TIMEOUT).map_err(|e| format!("connect: {e}"))?;
    st.set_read_timeout(Some(IO_TIMEOUT))
        .map_err(|e| e.to_string())?;
    write!(
        st,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| format!("write: {e}"))?;
    let mut buf = Vec::new();
    st.read_to_end(&mut buf).map_err(|e| format!("read: {e}"))?;
    if !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        return Err(format!(
            "incomplete response: {:?}",
            String::from_utf8_lossy(&buf)
        ));
    }
    let r = Response::parse(&buf);
    let len: usize = r
        .header("content-length")
        .unwrap_or("0")
        .parse()
        .unwrap_or(0);
    if len != r.body.len() {
        return Err(format!(
            "body of {} bytes, content-length {len}",
            r.body.len()
        ));
    }
    Ok(r)
}

/// Readers fetch pages and every stylesheet and script those pages link while a recipe is
/// rewritten again and again: no response fails, and every subresource comes from the build of
/// the page that links it (its URL pins that generation and the server answers from it).
#[test]
fn concurrent_gets_while_rebuilding_never_fail_nor_mix_builds() {
    use std::collections::BTreeSet;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};

    let s = Server::start("basic");
    let addr = s.addr;
    let stop = Arc::new(AtomicBool::new(false));
    let problems = Arc::new(Mutex::new(Vec::<String>::new()));
    let generations = Arc::new(Mutex::new(BTreeSet::<u64>::new()));
    let readers: Vec<_> = (0..4)
        .map(|i| {
            let (stop, problems, generations) =
                (stop.clone(), problems.clone(), generations.clone());
            std::thread::spawn(move || {
                let pages = [RECIPE_URL, "/spark-docs/", "/spark-docs/issues/"];
                let mut n = i;
                while !stop.load(Ordering::SeqCst) {
                    let path = pages[n % pages.len()];
                    n += 1;
                    let fail = |why: String| problems.lock().unwrap().push(why);
                    let page = match try_get(addr, path) {
                        Ok(r) if r.status == 200 => r,
                        Ok(r) => {
                            fail(format!("{path}: status {}", r.status));
                            continue;
                        }
                        Err(e) => {
                            fail(format!("{path}: {e}"));
                            continue;
                        }
                    };
                    let Some(generation) = page.header("x-spark-docs-generation").map(String::from)
                    else {
                        fail(format!("{path}: no generation header"));
                        continue;
                    };
                    generations
                        .lock()
                        .unwrap()
                        .insert(generation.parse().unwrap());
                    let links = asset_links(&page.text());
                    if links.is_empty() {
                        fail(format!("{path}: links no stylesheet or script"));
                    }
                    for link in links {
                        if !link.contains(&format!("__g={generation}")) {
                            fail(format!(
                                "{path} (generation {generation}) links {link} unpinned"
                            ));
                            continue;
                        }
                        match try_get(addr, &link) {
                            Ok(r) if r.status != 200 => {
                                fail(format!("{link}: status {}", r.status))
                            }
                            Ok(r) if r.header("x-spark-docs-generation") != Some(&generation) => {
                                fail(format!(
                                    "{link}: from generation {:?}, its page from {generation}",
                                    r.header("x-spark-docs-generation")
                                ))
                            }
                            Ok(_) => {}
                            Err(e) => fail(format!("{link}: {e}")),
                        }
                    }
                }
            })
        })
        .collect();

    // Edits every 400 ms until the readers have been served three builds (rebuilds take from
    // milliseconds to seconds, depending on the machine), bounded by two minutes.
    let recipe = s.root.join(RECIPE);
    let original = fs::read_to_string(&recipe).unwrap();
    let started = Instant::now();
    let mut edit = 0;
    while generations.lock().unwrap().len() < 3 && started.elapsed() < Duration::from_secs(120) {
        edit += 1;
        fs::write(&recipe, format!("{original}\n\nLoad edit {edit}.\n")).unwrap();
        std::thread::sleep(Duration::from_millis(400));
    }
    stop.store(true, Ordering::SeqCst);
    for r in readers {
        r.join().expect("a reader panicked");
    }
    let problems = problems.lock().unwrap();
    assert!(
        problems.is_empty(),
        "{} problems, first: {:#?}",
        problems.len(),
        &problems[..problems.len().min(10)]
    );
    let seen = generations.lock().unwrap();
    assert!(
        seen.len() >= 3,
        "the readers saw too few rebuilds to mean anything: {seen:?}"
    );
}

/// `serve` caches rendered and post-processed pages across rebuilds. Cached output is the output
/// rendered afresh, and an edit reaches every page it shows on: a recipe's new title is on its
/// own page, in the home page's and the category's lists, and nowhere is the old title left.
#[test]
fn cached_rebuilds_render_what_a_fresh_render_does() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let repo = crate::support::repo_root();
    for d in ["content", "presets", "themes"] {
        copy_dir(&repo.join(d), &root.join(d));
    }
    fs::copy(repo.join("site.toml"), root.join("site.toml")).unwrap();
    let opts = spark_docs::BuildOptions {
        root: root.clone(),
        ..Default::default()
    };
    let render = || {
        let site = spark_docs::load_site(&opts).unwrap();
        let findings = spark_docs::check::run(&site);
        spark_docs::render_pages(&site, &findings, false).unwrap()
    };
    let fresh = render();
    spark_docs::memo::cache_pages_across_rebuilds();
    assert!(render() == fresh, "the first cached render differs");
    assert!(render() == fresh, "a render from the caches differs");
    let recipe = root.join("content/recipes/deployment/add-history-server-ha.md");
    let text = fs::read_to_string(&recipe).unwrap();
    let title_line = text
        .lines()
        .find(|l| l.starts_with("title: "))
        .expect("a title line");
    let old_title = title_line["title: ".len()..].trim_matches('"').to_string();
    let new_title = "Run two History Servers behind one Service (edited)";
    fs::write(
        &recipe,
        text.replacen(title_line, &format!("title: \"{new_title}\""), 1),
    )
    .unwrap();
    let edited = render();
    let showing = |files: &spark_docs::render::Output, needle: &str| {
        files
            .iter()
            .filter(|(p, b)| p.ends_with(".html") && String::from_utf8_lossy(b).contains(needle))
            .count()
    };
    let before = showing(&fresh, &old_title);
    assert!(before >= 3, "the old title is on {before} pages");
    assert_eq!(
        showing(&edited, new_title),
        before,
        "pages showing the new title"
    );
    assert_eq!(showing(&edited, &old_title), 0, "a page kept the old title");
}

/// A server whose stdout nobody reads any more (`serve | head -1`, a supervisor that closed the
/// pipe) keeps serving: the read end is closed before it prints its address.
#[test]
fn a_closed_stdout_does_not_stop_the_server() {
    let (_dir, root, stderr_path) = site_copy("basic");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = spawn_serve(&root, &port.to_string(), &[], &stderr_path);
    drop(child.stdout.take());
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if try_get(addr, "/").is_ok() {
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "serve exited ({status}):\n{}",
                fs::read_to_string(&stderr_path).unwrap_or_default()
            );
        }
        assert!(Instant::now() < deadline, "serve never answered");
        std::thread::sleep(Duration::from_millis(100));
    }
    // It answered, and it is still there after printing its address into the closed pipe.
    std::thread::sleep(Duration::from_millis(300));
    let alive = child.try_wait().unwrap().is_none();
    let again = try_get(addr, "/");
    let _ = child.kill();
    let _ = child.wait();
    let stderr = fs::read_to_string(&stderr_path).unwrap_or_default();
    assert!(alive && again.is_ok(), "{:?}\n{stderr}", again.err());
}
