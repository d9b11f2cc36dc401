//! serve: a development server. It builds the site into memory with the same stages as `build`
//! (nothing is written to disk), serves it under the path of `base_url` as GitHub Pages would,
//! watches every source, rebuilds on change and reloads open pages over Server-Sent Events. A
//! failed rebuild keeps the last good site and shows its findings in an overlay on every page.
//!
//! Threads: the builder (owns the file watcher; waits for a settled change, builds, swaps the
//! served state) and a small tokio runtime for HTTP. They share one `watch` channel holding the
//! current state; every live-reload stream subscribes to it.

mod build;
mod client;
mod http;
mod snapshots;
mod watch;

pub use http::{content_type, normalize, EVENTS_PATH};

use crate::diagnostics::{Finding, Severity};
use crate::BuildOptions;
use build::{Files, Outcome};
use http::{Current, Shared};
use std::io::Write as _;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch as tokio_watch;

/// What `spark-docs serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub build: BuildOptions,
    pub bind: IpAddr,
    /// 0 picks a free port (the real one is printed).
    pub port: u16,
    pub watch: bool,
    pub open: bool,
    /// Colours in the terminal report.
    pub color: bool,
}

/// Why the server did not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The first build failed on the configuration: exit code 2, like `build`.
    #[error("{0}")]
    Config(String),
    #[error("cannot listen on {addr}: {source}{hint}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
        hint: &'static str,
    },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Runs the server until SIGINT or SIGTERM.
pub fn run(opts: ServeOptions) -> Result<(), ServeError> {
    // Every save rebuilds the site: pages whose inputs did not change come from the caches.
    crate::memo::cache_pages_across_rebuilds();
    let addr = SocketAddr::new(opts.bind, opts.port);
    if !opts.bind.is_loopback() {
        eprintln!(
            "warning: --bind {} makes this development server reachable from other machines; it has no \
             authentication and is meant for one person's preview",
            opts.bind
        );
    }
    let listener = TcpListener::bind(addr).map_err(|source| {
        let hint = if source.kind() == std::io::ErrorKind::AddrInUse {
            " (choose another with --port; --port 0 picks a free one)"
        } else {
            ""
        };
        ServeError::Bind { addr, source, hint }
    })?;
    listener.set_nonblocking(true)?;
    let local = listener.local_addr()?;

    // Watch before the first build, so a save during it is not lost. The watch set comes from
    // site.toml; a broken one stops here (exit 2), like `build`.
    let config = crate::config::Config::load(
        &opts.build.root,
        opts.build.config.as_deref(),
        opts.build.base_url.as_deref(),
    )
    .map_err(|e| ServeError::Config(e.to_string()))?;
    let watching = if opts.watch {
        let (tx, rx) = std::sync::mpsc::channel();
        let watcher = notify::recommended_watcher(move |ev| {
            let _ = tx.send(ev);
        })
        .map_err(|e| {
            ServeError::Io(std::io::Error::other(format!(
                "cannot start the file watcher: {e}"
            )))
        })?;
        let mut watches = watch::Watches::new(watcher);
        watches.update(watch::WatchSet::for_config(&config));
        Some((rx, watches))
    } else {
        None
    };

    // The first build: content errors still serve the site, rendered with its findings, under
    // the overlay.
    let first = build::build(&opts.build, true, opts.color);
    let mut first_site_wide = Files::new();
    let (files, base_path, error, config) = match first {
        Outcome::Built {
            mut files,
            base_path,
            config,
            mut findings,
            mut timings,
            site_wide,
        } => {
            let t = std::time::Instant::now();
            match site_wide.finish() {
                Ok((extra, card)) => {
                    files.extend(extra.clone());
                    first_site_wide = extra;
                    findings.extend(card);
                }
                Err(e) => return Err(ServeError::Config(e.to_string())),
            }
            timings.site_wide = t.elapsed().as_millis();
            timings.total += timings.site_wide;
            report_warnings(&findings, &opts.build.root, opts.color);
            eprintln!(
                "built {} pages in {timings}",
                files.keys().filter(|k| k.ends_with(".html")).count()
            );
            (files, base_path, None, Some(config))
        }
        Outcome::Failed {
            problems,
            report,
            config,
            fallback,
            timings,
        } => {
            let Some(config) = config else {
                return Err(ServeError::Config(
                    report.trim_end().trim_start_matches("error: ").to_string(),
                ));
            };
            let (files, base_path) =
                fallback.unwrap_or_else(|| (placeholder_site(), config.base_path()));
            eprint!("{report}");
            eprintln!("error: the site has errors ({timings}); serving it with the findings until they are fixed");
            (
                files,
                base_path,
                Some(build::error_json(&problems, 0)),
                Some(config),
            )
        }
    };
    let url_host = match local.ip() {
        ip if ip.is_unspecified() => "127.0.0.1".to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    let url = format!("http://{url_host}:{}{base_path}", local.port());

    let instance = format!(
        "{:x}-{:x}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    );
    let (state_tx, _) = tokio_watch::channel(Arc::new(Current {
        files: Arc::new(files),
        base_path,
        generation: 0,
        error: error.map(Arc::from),
    }));
    let (shutdown_tx, shutdown_rx) = tokio_watch::channel(false);
    let shared = Arc::new(Shared {
        state: state_tx,
        shutdown: shutdown_rx,
        instance,
        retained: snapshots::Retained::default(),
    });
    let stop = Arc::new(AtomicBool::new(false));

    let builder = match watching {
        Some((rx, mut watches)) => {
            if let Some(c) = &config {
                watches.update(watch::WatchSet::for_config(c));
            }
            let shared = shared.clone();
            let stop = stop.clone();
            let build_opts = opts.build.clone();
            let color = opts.color;
            let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
            std::thread::Builder::new()
                .name("spark-docs-builder".into())
                .spawn(move || {
                    builder_loop(
                        rx,
                        watches,
                        &build_opts,
                        &shared,
                        &stop,
                        color,
                        first_site_wide,
                    );
                    let _ = done_tx.send(());
                })?;
            Some(done_rx)
        }
        None => None,
    };

    // A server must not stop because nobody reads its stdout any more (`serve | head -1`, a
    // supervisor that closed the pipe): `println!` would panic on the broken pipe.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "serving at {url}");
    let _ = if opts.watch {
        writeln!(out, "watching for changes; press Ctrl-C to stop")
    } else {
        writeln!(out, "not watching (--no-watch); press Ctrl-C to stop")
    };
    let _ = out.flush();
    drop(out);
    if opts.open {
        open_browser(&url);
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("spark-docs-http")
        .build()?;
    let result = runtime.block_on(serve_http(listener, shared.clone(), shutdown_tx));
    stop.store(true, Ordering::SeqCst);
    runtime.shutdown_timeout(Duration::from_secs(1));
    if let Some(done) = builder {
        // The builder checks `stop` every 200 ms between builds. A build in progress holds nothing
        // but memory, so it is not waited for longer than 2 s.
        let _ = done.recv_timeout(Duration::from_secs(2));
    }
    eprintln!("stopped");
    result
}

/// A page for a first build that produced nothing to show (a theme error): the overlay explains.
fn placeholder_site() -> Files {
    let html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>spark-docs: build failed</title></head>\
                <body><p>The site has not built yet. Fix the error and save: this page reloads by itself.</p></body></html>";
    let mut files = Files::new();
    files.insert(
        "index.html".into(),
        hyper::body::Bytes::from_static(html.as_bytes()),
    );
    files
}

fn report_warnings(findings: &[Finding], root: &std::path::Path, color: bool) {
    if !findings.is_empty() {
        eprint!(
            "{}",
            crate::diagnostics::render_human(findings, root, color)
        );
    }
}

/// Waits for changes, rebuilds, swaps. A failed build leaves `files` as they are and publishes the
/// problems; a good one publishes the new pages (and a reload), unless nothing changed, and hands
/// the search index and the card to the site-wide worker. Until those arrive, the previous ones
/// are served.
fn builder_loop(
    rx: std::sync::mpsc::Receiver<notify::Result<notify::Event>>,
    mut watches: watch::Watches,
    opts: &BuildOptions,
    shared: &Arc<Shared>,
    stop: &AtomicBool,
    color: bool,
    // The site-wide files now served: the first build's, then the worker's.
    site_wide_files: Files,
) {
    let mut last_warnings: Vec<Finding> = Vec::new();
    let root = opts.root.clone();
    let served_site_wide = Arc::new(std::sync::Mutex::new(site_wide_files));
    let (jobs, worker_jobs) = std::sync::mpsc::channel::<SiteWideJob>();
    {
        let shared = shared.clone();
        let served = served_site_wide.clone();
        let root = root.clone();
        let spawned = std::thread::Builder::new()
            .name("spark-docs-site-wide".into())
            .spawn(move || site_wide_loop(worker_jobs, &shared, &served, &root, color));
        if let Err(e) = spawned {
            eprintln!("warning: cannot start the search-index thread ({e}); search and the card stay as first built");
        }
    }
    loop {
        let changed =
            match watch::wait_for_change(&rx, &watches.set, &|| stop.load(Ordering::SeqCst)) {
                watch::Wake::Stop => return,
                watch::Wake::Changed(paths) => paths,
            };
        let what = describe_changes(&changed, &root);
        let outcome = build::build(opts, false, color);
        if stop.load(Ordering::SeqCst) {
            return;
        }
        // Held while publishing, so the worker never swaps in between reading and sending.
        let served = served_site_wide
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let current = shared.state.borrow().clone();
        match outcome {
            Outcome::Built {
                mut files,
                base_path,
                config,
                findings,
                timings,
                site_wide,
            } => {
                watches.update(watch::WatchSet::for_config(&config));
                let warnings: Vec<Finding> = findings
                    .into_iter()
                    .filter(|f| f.severity != Severity::Info)
                    .collect();
                report_new_warnings(&mut last_warnings, warnings, &root, color);
                for (k, v) in served.iter() {
                    files.entry(k.clone()).or_insert_with(|| v.clone());
                }
                if current.error.is_none()
                    && *current.files == files
                    && current.base_path == base_path
                {
                    eprintln!("{what}: rebuilt in {timings}; nothing changed");
                    continue;
                }
                if current.base_path != base_path {
                    eprintln!("note: base_url changed; the site is now served under {base_path}");
                }
                let generation = current.generation + 1;
                eprintln!("{what}: rebuilt in {timings}; reloading");
                shared.state.send_replace(Arc::new(Current {
                    files: Arc::new(files),
                    base_path,
                    generation,
                    error: None,
                }));
                let _ = jobs.send(SiteWideJob {
                    site_wide,
                    generation,
                });
            }
            Outcome::Failed {
                problems,
                report,
                config,
                timings,
                ..
            } => {
                if let Some(config) = config {
                    watches.update(watch::WatchSet::for_config(&config));
                }
                eprint!("{report}");
                eprintln!(
                    "error: {what}: rebuild failed ({timings}); still serving the last good site"
                );
                let error = build::error_json(&problems, current.generation);
                shared.state.send_replace(Arc::new(Current {
                    files: current.files.clone(),
                    base_path: current.base_path.clone(),
                    generation: current.generation,
                    error: Some(Arc::from(error)),
                }));
            }
        }
    }
}

/// The search index and the card for the pages of one published generation.
struct SiteWideJob {
    site_wide: build::SiteWide,
    generation: u64,
}

/// How long the site-wide worker waits for saves to pause before indexing: while someone edits,
/// the cores go to the page rebuilds that reach the browser.
const SITE_WIDE_QUIET: Duration = Duration::from_millis(300);

/// Makes the search index and the card of the latest published build, once saves pause, and swaps
/// them in without a reload, unless a newer build or an error was published meanwhile (then the
/// newer job follows). Ends when the builder does.
fn site_wide_loop(
    jobs: std::sync::mpsc::Receiver<SiteWideJob>,
    shared: &Shared,
    served: &std::sync::Mutex<Files>,
    root: &std::path::Path,
    color: bool,
) {
    let mut last_warnings: Vec<Finding> = Vec::new();
    while let Ok(mut job) = jobs.recv() {
        loop {
            match jobs.recv_timeout(SITE_WIDE_QUIET) {
                Ok(newer) => job = newer,
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => break,
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
        let t = std::time::Instant::now();
        let result = job.site_wide.finish();
        let mut served = served.lock().unwrap_or_else(|p| p.into_inner());
        let generation = job.generation;
        match result {
            Ok((extra, card)) => {
                let warnings = card
                    .into_iter()
                    .filter(|f| f.severity != Severity::Info)
                    .collect();
                report_new_warnings(&mut last_warnings, warnings, root, color);
                if extra == *served {
                    continue;
                }
                let swapped = shared.state.send_if_modified(|current| {
                    if current.generation != generation || current.error.is_some() {
                        return false;
                    }
                    let mut all = (*current.files).clone();
                    all.retain(|k, _| !served.contains_key(k) || extra.contains_key(k));
                    all.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
                    *current = Arc::new(Current {
                        files: Arc::new(all),
                        base_path: current.base_path.clone(),
                        generation,
                        error: None,
                    });
                    true
                });
                if swapped {
                    *served = extra;
                    eprintln!(
                        "  search index and quick-reference card updated in {} ms",
                        t.elapsed().as_millis()
                    );
                }
            }
            Err(e) => {
                eprintln!("error: search index or quick-reference card: {e}");
                let problems = build::problems_from_error(&e, root);
                shared.state.send_if_modified(|current| {
                    if current.generation != generation {
                        return false;
                    }
                    *current = Arc::new(Current {
                        files: current.files.clone(),
                        base_path: current.base_path.clone(),
                        generation,
                        error: Some(Arc::from(build::error_json(&problems, generation))),
                    });
                    true
                });
            }
        }
    }
}

/// Prints warnings when they differ from the last ones printed.
fn report_new_warnings(
    last: &mut Vec<Finding>,
    warnings: Vec<Finding>,
    root: &std::path::Path,
    color: bool,
) {
    if warnings != *last {
        report_warnings(&warnings, root, color);
        *last = warnings;
    }
}

fn describe_changes(
    changed: &std::collections::BTreeSet<PathBuf>,
    root: &std::path::Path,
) -> String {
    let rel = |p: &PathBuf| p.strip_prefix(root).unwrap_or(p).display().to_string();
    // Editors and `sed -i` write through temporary files that are gone by now: name what is left.
    let existing: Vec<&PathBuf> = changed.iter().filter(|p| p.exists()).collect();
    let shown: Vec<&PathBuf> = if existing.is_empty() {
        changed.iter().collect()
    } else {
        existing
    };
    match shown.as_slice() {
        [] => "changes".into(),
        [one] => format!("{} changed", rel(one)),
        [first, rest @ ..] => format!("{} and {} more changed", rel(first), rest.len()),
    }
}

/// Accepts connections until SIGINT/SIGTERM, then lets open requests finish (at most 2 s).
async fn serve_http(
    listener: TcpListener,
    shared: Arc<Shared>,
    shutdown: tokio_watch::Sender<bool>,
) -> Result<(), ServeError> {
    use hyper::server::conn::http1;
    use hyper_util::rt::{TokioIo, TokioTimer};

    let listener = tokio::net::TcpListener::from_std(listener)?;
    let mut connections = tokio::task::JoinSet::new();
    let signal = shutdown_signal();
    tokio::pin!(signal);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // Out of file descriptors and the like: wait a little, keep serving.
                        eprintln!("warning: accept: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let shared = shared.clone();
                let stopping = shared.shutdown.clone();
                connections.spawn(async move {
                    let svc_shared = shared.clone();
                    let service = hyper::service::service_fn(move |req| http::handle(req, svc_shared.clone()));
                    let conn = http1::Builder::new().timer(TokioTimer::new()).serve_connection(TokioIo::new(stream), service);
                    tokio::pin!(conn);
                    tokio::select! {
                        _ = conn.as_mut() => {}
                        _ = http::stopped(stopping) => {
                            conn.as_mut().graceful_shutdown();
                            let _ = tokio::time::timeout(Duration::from_secs(2), conn).await;
                        }
                    }
                });
                // Reap finished connections so the set stays small.
                while connections.try_join_next().is_some() {}
            }
            _ = &mut signal => break,
        }
    }
    eprintln!("shutting down");
    let _ = shutdown.send(true);
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(3), async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate());
        let int = signal(SignalKind::interrupt());
        match (term, int) {
            (Ok(mut term), Ok(mut int)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = int.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// `--open`: the desktop's browser via `xdg-open` (Linux, BSD) or `open` (macOS), when present.
fn open_browser(url: &str) {
    let candidates: &[&str] = if cfg!(target_os = "macos") {
        &["open"]
    } else {
        &["xdg-open", "open"]
    };
    let Some(exe) = candidates.iter().find_map(|c| find_on_path(c)) else {
        eprintln!("note: --open: neither xdg-open nor open is installed; open {url} yourself");
        return;
    };
    match std::process::Command::new(&exe)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        // Reap it in the background; browsers launched this way outlive the opener.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(e) => eprintln!("note: --open: {} failed: {e}", exe.display()),
    }
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}
