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
    let (files, base_path, error, config) = match first {
        Outcome::Built {
            files,
            base_path,
            config,
            findings,
            timings,
        } => {
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
                    builder_loop(rx, watches, &build_opts, &shared, &stop, color);
                    let _ = done_tx.send(());
                })?;
            Some(done_rx)
        }
        None => None,
    };

    println!("serving at {url}");
    if opts.watch {
        println!("watching for changes; press Ctrl-C to stop");
    } else {
        println!("not watching (--no-watch); press Ctrl-C to stop");
    }
    let _ = std::io::stdout().flush();
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
/// problems; a good one publishes the new files (and a reload), unless nothing changed.
fn builder_loop(
    rx: std::sync::mpsc::Receiver<notify::Result<notify::Event>>,
    mut watches: watch::Watches,
    opts: &BuildOptions,
    shared: &Shared,
    stop: &AtomicBool,
    color: bool,
) {
    let mut last_warnings: Vec<Finding> = Vec::new();
    let root = opts.root.clone();
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
        let current = shared.state.borrow().clone();
        match outcome {
            Outcome::Built {
                files,
                base_path,
                config,
                findings,
                timings,
            } => {
                watches.update(watch::WatchSet::for_config(&config));
                let warnings: Vec<Finding> = findings
                    .into_iter()
                    .filter(|f| f.severity != Severity::Info)
                    .collect();
                if warnings != last_warnings {
                    report_warnings(&warnings, &root, color);
                    last_warnings = warnings;
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
