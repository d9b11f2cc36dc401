//! The release archive and the action's installer, offline: `scripts/dist.sh --binary` packages
//! this test's own spark-docs binary (the release workflow runs the same script), the archive's
//! layout and checksum hold and its binary builds the default site; `scripts/action-install.sh`
//! downloads that archive from a server on 127.0.0.1, verifies it against SHA256SUMS, installs and
//! reuses it, and refuses a corrupted one.

use crate::support::*;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn host_triple() -> String {
    let out = Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("rustc runs");
    stdout(&out)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_string()
}

fn tools_present() -> bool {
    ["bash", "tar", "curl", "sha256sum"]
        .iter()
        .all(|p| program_runs(p))
}

/// Runs `scripts/dist.sh --binary <this test's spark-docs> --out <out>`; returns the archive.
fn dist(out: &Path) -> PathBuf {
    let output = Command::new("bash")
        .arg(repo_root().join("scripts/dist.sh"))
        .arg("--binary")
        .arg(bin())
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert_exit(&output, 0);
    PathBuf::from(
        stdout(&output)
            .lines()
            .last()
            .expect("the archive path")
            .trim(),
    )
}

#[test]
fn dist_archive_has_the_release_layout_and_its_binary_builds_the_default_site() {
    if !tools_present() {
        eprintln!("SKIPPED dist: bash, tar, curl or sha256sum missing");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    let archive = dist(&out);
    let name = format!("spark-docs-{VERSION}-{}", host_triple());
    assert_eq!(archive, out.join(format!("{name}.tar.gz")));

    // The checksum file is in `sha256sum` format and matches; a changed archive does not.
    let sums = std::fs::read_to_string(out.join(format!("{name}.tar.gz.sha256"))).unwrap();
    assert!(sums.ends_with(&format!("  {name}.tar.gz\n")), "{sums}");
    let check = |dir: &Path| {
        Command::new("sha256sum")
            .args(["--check", "--strict"])
            .arg(format!("{name}.tar.gz.sha256"))
            .current_dir(dir)
            .output()
            .unwrap()
    };
    assert_exit(&check(&out), 0);
    let tampered = tmp.path().join("tampered");
    std::fs::create_dir(&tampered).unwrap();
    std::fs::copy(
        out.join(format!("{name}.tar.gz.sha256")),
        tampered.join(format!("{name}.tar.gz.sha256")),
    )
    .unwrap();
    let mut bytes = std::fs::read(&archive).unwrap();
    bytes.push(0);
    std::fs::write(tampered.join(format!("{name}.tar.gz")), bytes).unwrap();
    assert_exit(&check(&tampered), 1);

    // One top directory with the binary, the documents, completions and man pages.
    let unpacked = tmp.path().join("unpacked");
    std::fs::create_dir(&unpacked).unwrap();
    let tar = Command::new("tar")
        .arg("-xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&unpacked)
        .output()
        .unwrap();
    assert_exit(&tar, 0);
    let top: Vec<String> = std::fs::read_dir(&unpacked)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(top, std::slice::from_ref(&name));
    let dir = unpacked.join(&name);
    let mut files: Vec<String> = walk(&dir)
        .iter()
        .map(|p| {
            p.strip_prefix(&dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    files.sort();
    for wanted in [
        "spark-docs",
        "LICENSE",
        "README.md",
        "CHANGELOG.md",
        "completions/spark-docs.bash",
        "completions/_spark-docs",
        "completions/spark-docs.fish",
        "completions/_spark-docs.ps1",
        "completions/spark-docs.elv",
        "man/man1/spark-docs.1",
        "man/man1/spark-docs-build.1",
        "man/man1/spark-docs-check.1",
    ] {
        assert!(
            files.iter().any(|f| f == wanted),
            "{wanted} missing: {files:?}"
        );
    }
    assert!(
        files.iter().all(|f| f == "spark-docs"
            || f.ends_with(".md")
            || f == "LICENSE"
            || f.starts_with("completions/")
            || f.starts_with("man/man1/spark-docs")),
        "unexpected files: {files:?}"
    );
    let license = std::fs::read_to_string(dir.join("LICENSE")).unwrap();
    assert!(license.contains("Apache License") && license.contains("Version 2.0"));
    let bash = std::fs::read_to_string(dir.join("completions/spark-docs.bash")).unwrap();
    assert!(
        bash.contains("spark-docs") && bash.contains("build"),
        "{bash}"
    );
    let man = std::fs::read_to_string(dir.join("man/man1/spark-docs.1")).unwrap();
    assert!(man.starts_with(".ie") || man.contains(".TH"), "{man}");

    // The unpacked binary builds the default site.
    let site = tmp.path().join("site");
    let build = Command::new(dir.join("spark-docs"))
        .arg("build")
        .arg("--root")
        .arg(repo_root())
        .arg("--out")
        .arg(&site)
        .output()
        .unwrap();
    assert_exit(&build, 0);
    assert!(site.join("index.html").is_file());
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// A static file server on 127.0.0.1 for the install tests: GET /<path> answers the file under
/// `root` (200) or 404, one request per connection; `requests` counts the requests.
struct FileServer {
    url: String,
    requests: Arc<AtomicUsize>,
}

fn serve_files(root: PathBuf) -> FileServer {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            counter.fetch_add(1, Ordering::SeqCst);
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                    break;
                }
            }
            let path = request_line.split(' ').nth(1).unwrap_or("/");
            let file = root.join(path.trim_start_matches('/'));
            let response = match std::fs::read(&file) {
                Ok(body) if !path.contains("..") => {
                    let mut r = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    r.extend(body);
                    r
                }
                _ => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .to_vec(),
            };
            let _ = stream.write_all(&response);
        }
    });
    FileServer { url, requests }
}

/// A release directory as the release workflow publishes it: `<root>/v<version>/` with the
/// archive and SHA256SUMS. Returns the archive's path.
fn publish_release(root: &Path) -> PathBuf {
    let release = root.join(format!("v{VERSION}"));
    let archive = dist(&release);
    let name = archive.file_name().unwrap().to_string_lossy().into_owned();
    let sums = release.join(format!("{name}.sha256"));
    std::fs::rename(&sums, release.join("SHA256SUMS")).unwrap();
    archive
}

/// `scripts/action-install.sh <mode>` with only the given variables of the action's environment.
fn action_install(mode: &str, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new("bash");
    cmd.arg(repo_root().join("scripts/action-install.sh"))
        .arg(mode);
    for var in [
        "ACTION_PATH",
        "ACTION_REF",
        "ACTION_REPOSITORY",
        "SPARK_DOCS_VERSION",
        "SPARK_DOCS_DOWNLOAD_URL",
        "SPARK_DOCS_TARGET",
        "SPARK_DOCS_INSTALL_DIR",
        "SPARK_DOCS_FEATURES",
        "GITHUB_PATH",
        "GITHUB_OUTPUT",
    ] {
        cmd.env_remove(var);
    }
    let host = host_triple();
    if !host.ends_with("-unknown-linux-gnu") && !host.ends_with("-apple-darwin") {
        // The script names the targets of the release workflow; any other host says which.
        cmd.env("SPARK_DOCS_TARGET", &host);
    }
    cmd.envs(env.iter().copied());
    cmd.output().unwrap()
}

#[test]
fn action_install_downloads_verifies_caches_and_runs_the_release_binary() {
    if !tools_present() {
        eprintln!("SKIPPED action install: bash, tar, curl or sha256sum missing");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let releases = tmp.path().join("releases");
    publish_release(&releases);
    let server = serve_files(releases);
    let install = tmp.path().join("install");
    let github_path = tmp.path().join("github_path");
    let env = [
        ("SPARK_DOCS_VERSION", VERSION),
        ("SPARK_DOCS_DOWNLOAD_URL", server.url.as_str()),
        ("SPARK_DOCS_INSTALL_DIR", install.to_str().unwrap()),
        ("GITHUB_PATH", github_path.to_str().unwrap()),
    ];
    let out = action_install("install", &env);
    assert_exit(&out, 0);
    let installed = install.join("spark-docs");
    assert_eq!(stdout(&out).trim(), installed.to_str().unwrap());
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        2,
        "archive and SHA256SUMS"
    );
    assert_eq!(
        std::fs::read_to_string(&github_path).unwrap().trim(),
        install.to_str().unwrap()
    );
    let version = Command::new(&installed).arg("--version").output().unwrap();
    assert_exit(&version, 0);
    assert!(stdout(&version).contains(VERSION), "{}", describe(&version));
    let check = Command::new(&installed)
        .args(["check", "--root"])
        .arg(fixture("basic"))
        .output()
        .unwrap();
    assert_exit(&check, 0);

    // A binary already there (what actions/cache restores) is used without downloading.
    let again = action_install("install", &env);
    assert_exit(&again, 0);
    assert_eq!(server.requests.load(Ordering::SeqCst), 2);
    assert!(
        stderr(&again).contains("already in"),
        "{}",
        describe(&again)
    );
}

#[test]
fn action_install_refuses_an_archive_whose_checksum_does_not_match() {
    if !tools_present() {
        eprintln!("SKIPPED action install: bash, tar, curl or sha256sum missing");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let releases = tmp.path().join("releases");
    let archive = publish_release(&releases);
    // Same length, one byte changed in the middle: only the checksum can tell.
    let mut bytes = std::fs::read(&archive).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&archive, bytes).unwrap();
    let server = serve_files(releases);
    let install = tmp.path().join("install");
    let out = action_install(
        "install",
        &[
            ("SPARK_DOCS_VERSION", VERSION),
            ("SPARK_DOCS_DOWNLOAD_URL", server.url.as_str()),
            ("SPARK_DOCS_INSTALL_DIR", install.to_str().unwrap()),
        ],
    );
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("checksum mismatch"),
        "{}",
        describe(&out)
    );
    assert!(!install.join("spark-docs").exists());

    // A release without the archive at all fails as clearly.
    let out = action_install(
        "install",
        &[
            ("SPARK_DOCS_VERSION", "0.0.0-missing"),
            ("SPARK_DOCS_DOWNLOAD_URL", server.url.as_str()),
            ("SPARK_DOCS_INSTALL_DIR", install.to_str().unwrap()),
        ],
    );
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("cannot download"),
        "{}",
        describe(&out)
    );
}

#[test]
fn action_install_takes_the_version_from_a_release_tag_and_builds_other_refs() {
    let repo = repo_root();
    let action_path = repo.to_str().unwrap();
    let resolve = |action_ref: &str, version: &str| {
        let out = action_install(
            "resolve",
            &[
                ("ACTION_PATH", action_path),
                ("ACTION_REF", action_ref),
                ("SPARK_DOCS_VERSION", version),
                ("SPARK_DOCS_INSTALL_DIR", "/nowhere"),
            ],
        );
        assert_exit(&out, 0);
        stdout(&out)
            .lines()
            .find_map(|l| l.strip_prefix("version=").map(str::to_string))
            .expect("a version= line")
    };
    // A full or a major tag: the version of the action's Cargo.toml at that tag.
    assert_eq!(resolve(&format!("v{VERSION}"), ""), VERSION);
    assert_eq!(resolve("v1", ""), VERSION);
    // The `version` input wins, with or without its `v`.
    assert_eq!(resolve("main", "v9.8.7"), "9.8.7");
    assert_eq!(resolve("", "9.8.7"), "9.8.7");
    // A branch or a commit: no release, a build from source.
    assert_eq!(resolve("main", ""), "");
    assert_eq!(resolve("0123456789abcdef0123456789abcdef01234567", ""), "");
}
