//! Save → reload latency of `spark-docs serve` on the default site (the repository root).
//!
//! Copies the site into a temporary directory, starts the real binary on a free port, listens to
//! the live-reload stream like a browser does, then edits one recipe N times and measures the time
//! from the write to the `reload` message. Prints median and p90 (target: median < 100 ms), and
//! the build's own stage timings as the server reported them.
//!
//! `cargo bench --bench serve_reload` (N from SERVE_BENCH_N, default 30; the recipe from
//! SERVE_BENCH_RECIPE, default the first recipe of the site).

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn first_markdown(dir: &Path) -> Option<PathBuf> {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in &entries {
        if p.extension().is_some_and(|e| e == "md") {
            return Some(p.clone());
        }
    }
    entries
        .iter()
        .filter(|p| p.is_dir())
        .find_map(|p| first_markdown(p))
}

struct Killer(Child);
impl Drop for Killer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Reads SSE messages `(event, data)` from the live-reload stream on a thread.
fn events(addr: SocketAddr) -> (mpsc::Receiver<(String, String, Instant)>, TcpStream) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_nodelay(true).unwrap();
    write!(
        s,
        "GET /__spark-docs/events HTTP/1.1\r\nHost: {addr}\r\n\r\n"
    )
    .unwrap();
    let reader = s.try_clone().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut r = BufReader::new(reader);
        let mut line = String::new();
        loop {
            line.clear();
            if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                break;
            }
        }
        let mut text = String::new();
        loop {
            line.clear();
            if r.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let Ok(size) = usize::from_str_radix(line.trim(), 16) else {
                eprintln!("serve_reload: not a chunk size: {line:?}");
                return;
            };
            let mut chunk = vec![0; size + 2];
            if size == 0 || r.read_exact(&mut chunk).is_err() {
                return;
            }
            let at = Instant::now();
            text.push_str(&String::from_utf8_lossy(&chunk[..size]));
            while let Some(end) = text.find("\n\n") {
                let msg: String = text.drain(..end + 2).collect();
                let event = msg
                    .lines()
                    .find_map(|l| l.strip_prefix("event: "))
                    .unwrap_or("message")
                    .to_string();
                let data = msg
                    .lines()
                    .find_map(|l| l.strip_prefix("data: "))
                    .unwrap_or("")
                    .to_string();
                if !msg.starts_with(':') && tx.send((event, data, at)).is_err() {
                    return;
                }
            }
        }
    });
    (rx, s)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    // `cargo bench` passes `--bench`; nothing to parse.
    let n: usize = std::env::var("SERVE_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    fs::create_dir_all(&root).unwrap();
    fs::copy(repo.join("site.toml"), root.join("site.toml")).unwrap();
    for d in ["content", "presets", "themes", "charts", "policies"] {
        if repo.join(d).is_dir() {
            copy_dir(&repo.join(d), &root.join(d));
        }
    }
    let recipe = match std::env::var("SERVE_BENCH_RECIPE") {
        Ok(r) => root.join(r),
        Err(_) => {
            first_markdown(&root.join("content/recipes")).expect("a recipe under content/recipes")
        }
    };
    let stderr_path = dir.path().join("serve.stderr");
    let mut child = Command::new(env!("CARGO_BIN_EXE_spark-docs"))
        .args(["serve", "--port", "0", "--root"])
        .arg(&root)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(fs::File::create(&stderr_path).unwrap())
        .spawn()
        .expect("start spark-docs serve");
    let stdout = child.stdout.take().unwrap();
    let mut _child = Killer(child);
    let mut url = String::new();
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        if let Some(u) = line.strip_prefix("serving at ") {
            url = u.trim().to_string();
            break;
        }
    }
    assert!(
        !url.is_empty(),
        "serve printed no URL:\n{}",
        fs::read_to_string(&stderr_path).unwrap_or_default()
    );
    let addr: SocketAddr = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let (rx, _stream) = events(addr);
    let (hello, data, _) = match rx.recv_timeout(Duration::from_secs(10)) {
        Ok(m) => m,
        Err(e) => {
            std::thread::sleep(Duration::from_millis(500));
            panic!(
                "no hello from {addr} ({e}); the server ({:?}) said:\n{}",
                _child.0.try_wait(),
                fs::read_to_string(&stderr_path).unwrap_or_default()
            )
        }
    };
    assert_eq!(hello, "hello");
    if data.contains("\"ok\":false") {
        let mut err = String::new();
        let _ = fs::File::open(&stderr_path).and_then(|mut f| f.read_to_string(&mut err));
        eprintln!("note: the default site does not build cleanly right now; timing the build-error message instead:\n{err}");
        while rx.recv_timeout(Duration::from_millis(300)).is_ok() {}
    }

    let original = fs::read_to_string(&recipe).unwrap();
    let rel = recipe.strip_prefix(&root).unwrap().display().to_string();
    println!("serve_reload: {n} edits of {rel} on the default site, {url}");
    let warmup = 3;
    let mut samples = Vec::new();
    let mut kinds = std::collections::BTreeMap::<String, usize>::new();
    for i in 0..n + warmup {
        std::thread::sleep(Duration::from_millis(150));
        while rx.try_recv().is_ok() {}
        let text =
            format!("{original}\nBench edit number {i}: the paragraph changes on every save.\n");
        let t = Instant::now();
        fs::write(&recipe, text).unwrap();
        let (event, _, at) = loop {
            let m = rx
                .recv_timeout(Duration::from_secs(10))
                .expect("no live-reload message within 10 s");
            if m.0 == "reload" || m.0 == "build-error" {
                break m;
            }
        };
        if i >= warmup {
            samples.push(at.duration_since(t).as_secs_f64() * 1000.0);
            *kinds.entry(event).or_default() += 1;
        }
    }
    fs::write(&recipe, original).unwrap();
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let median = percentile(&samples, 0.5);
    let p90 = percentile(&samples, 0.9);
    println!(
        "save -> {} message: median {median:.1} ms, p90 {p90:.1} ms, min {:.1} ms, max {:.1} ms (n={}; target: median < 100 ms)",
        kinds.keys().cloned().collect::<Vec<_>>().join("/"),
        samples[0],
        samples[samples.len() - 1],
        samples.len()
    );

    // The server's own account: "rebuilt in T ms (load L, check C, render R)".
    std::thread::sleep(Duration::from_millis(300));
    let log = fs::read_to_string(&stderr_path).unwrap_or_default();
    // The search index and the card are remade once saves pause (300 ms): a remake that
    // overlaps the next save competes with its rebuild for the cores.
    let remakes = log
        .lines()
        .filter(|l| l.contains("search index and quick-reference card updated"))
        .count();
    println!("search index and card remade {remakes} times during the run");
    let mut stages: [Vec<f64>; 4] = Default::default();
    for line in log.lines().filter(|l| l.contains("rebuil")) {
        let Some(rest) = line.split(" in ").nth(1) else {
            continue;
        };
        let nums: Vec<f64> = rest
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .take(4)
            .filter_map(|s| s.parse().ok())
            .collect();
        if nums.len() == 4 {
            for (k, v) in nums.into_iter().enumerate() {
                stages[k].push(v);
            }
        }
    }
    if !stages[0].is_empty() {
        let med = |v: &mut Vec<f64>| {
            v.sort_by(|a, b| a.partial_cmp(b).unwrap());
            percentile(v, 0.5)
        };
        let [t, l, c, r] = &mut stages;
        println!(
            "build (server-side medians): total {} ms = load {} + check {} + render {}",
            med(t),
            med(l),
            med(c),
            med(r)
        );
    }
    let passed = median < 100.0;
    println!(
        "{}",
        if passed {
            "target met"
        } else {
            "target missed"
        }
    );
}
