//! Site search (feature `search`): the Pagefind bundle in the output, base-path safety, the
//! signatures file and its check, and the browser test (headless Chromium via playwright-core,
//! `tests/browser/search.test.mjs`).
#![cfg(feature = "search")]

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::support::*;
use walkdir::WalkDir;

fn dir_bytes(dir: &Path) -> (usize, u64) {
    let mut files = 0;
    let mut bytes = 0;
    for e in WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
    {
        files += 1;
        bytes += e.metadata().map(|m| m.len()).unwrap_or(0);
    }
    (files, bytes)
}

#[test]
fn default_site_has_the_bundle_under_the_base_path() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let started = Instant::now();
    let output = run_build(&repo_root(), &out, &["--base-url", BASE_URL]);
    assert_success(&output);
    let build_ms = started.elapsed().as_millis();

    for f in [
        "pagefind.js",
        "pagefind-worker.js",
        "pagefind-entry.json",
        "wasm.en.pagefind",
        "pagefind-ui.js",
        "pagefind-ui.css",
    ] {
        assert!(
            out.join("pagefind").join(f).is_file(),
            "pagefind/{f} missing"
        );
    }
    for d in ["index", "fragment"] {
        let n = fs::read_dir(out.join("pagefind").join(d))
            .map(|r| r.count())
            .unwrap_or(0);
        assert!(n > 0, "pagefind/{d}/ is empty");
    }
    let entry: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("pagefind/pagefind-entry.json")).unwrap())
            .unwrap();
    let langs = entry["languages"]
        .as_object()
        .expect("languages in pagefind-entry.json");
    assert_eq!(
        langs.keys().collect::<Vec<_>>(),
        vec!["en"],
        "one index in the site language"
    );
    let indexed = langs["en"]["page_count"].as_u64().unwrap();
    let content_page = regex::Regex::new(
        r"^/(recipes/[^/]+/[^/]+|issues/[^/]+|presets/[^/]+/[^/]+|notebooks/[^/]+|scripts/[^/]+)/$",
    )
    .unwrap();
    let content_pages = pages(&out)
        .iter()
        .filter(|u| content_page.is_match(u))
        .count();
    // One record per property that has a row on the /properties/<line>/ pages (3.5 and 4.1 here),
    // however many lines define it.
    let row = regex::Regex::new(r#"<tr id="(spark\.[^"]+)""#).unwrap();
    let mut properties = std::collections::BTreeSet::new();
    for line in ["3.5", "4.1"] {
        let html =
            fs::read_to_string(out.join("properties").join(line).join("index.html")).unwrap();
        let before = properties.len();
        properties.extend(row.captures_iter(&html).map(|c| c[1].to_string()));
        assert!(
            properties.len() - before > 50 || before == 0,
            "{line}: few new rows"
        );
    }
    assert!(
        properties.len() > 1000,
        "only {} properties",
        properties.len()
    );
    assert_eq!(
        indexed as usize,
        content_pages + properties.len(),
        "every content page and every property row is indexed, nothing else"
    );

    // The search page, the UI assets and the signatures file.
    assert!(out.join("search/index.html").is_file());
    assert!(out.join("static/search.js").is_file() && out.join("static/search.css").is_file());
    let sigs: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("search/signatures.json")).unwrap()).unwrap();
    let recipes = sigs["pages"].as_array().unwrap();
    assert!(
        recipes.iter().any(
            |r| r["url"] == "/recipes/troubleshoot/driver-host-resolution/"
                && !r["signatures"].as_array().unwrap().is_empty()
        ),
        "{sigs}"
    );

    // Every page links the search UI through the base path, and nothing we wrote points at an
    // absolute `/pagefind/` (which would escape the base path).
    let escape = regex::Regex::new(r#"["'(=]\s*/(pagefind|search|static)/"#).unwrap();
    for e in WalkDir::new(&out)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
    {
        let rel = e
            .path()
            .strip_prefix(&out)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with("pagefind/")
            || !(rel.ends_with(".html") || rel.ends_with(".js") || rel.ends_with(".css"))
        {
            continue;
        }
        let text = fs::read_to_string(e.path()).unwrap();
        if let Some(m) = escape.find(&text) {
            panic!(
                "{rel}: absolute path outside the base path: …{}…",
                &text[m.start().saturating_sub(60)..(m.end() + 40).min(text.len())]
            );
        }
    }
    let home = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        home.contains("src=\"/spark-docs/static/search.js\""),
        "search.js not linked through the base path"
    );
    assert!(
        home.contains("action=\"/spark-docs/search/\""),
        "search form not pointed at /spark-docs/search/"
    );
    assert!(home.contains("id=\"search-input\""));
    let troubleshoot = fs::read_to_string(out.join("recipes/troubleshoot/index.html")).unwrap();
    assert!(
        troubleshoot.contains("data-paste-box"),
        "no paste box on the troubleshooting index"
    );
    let operations = out.join("recipes/operations/index.html");
    if operations.is_file() {
        assert!(
            !fs::read_to_string(operations)
                .unwrap()
                .contains("data-paste-box"),
            "paste box outside troubleshooting"
        );
    }
    // The served pages are not polluted with indexing attributes: those go to the indexed copy only.
    assert!(
        !home.contains("data-pagefind"),
        "data-pagefind attributes leaked into the output"
    );

    let (files, bytes) = dir_bytes(&out.join("pagefind"));
    let (_, wasm) = dir_bytes(&out.join("pagefind/wasm.en.pagefind"));
    println!("search: {indexed} pages indexed; pagefind/ = {files} files, {bytes} bytes ({wasm} bytes of it the English WASM); whole build {build_ms} ms");
}

#[test]
fn signatures_that_a_browser_cannot_run_are_flagged() {
    let root = fixture("search-signatures");
    let output = Command::new(bin())
        .arg("check")
        .arg("--root")
        .arg(&root)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("signature-invalid") && text.contains("(?P<host>"),
        "{text}"
    );
    assert!(text.contains("does not work in the browser"), "{text}");
    // The leading `(?i)` is fine: it becomes the `i` flag.
    assert!(
        !text.contains("connection refused: "),
        "the (?i) signature was flagged:\n{text}"
    );

    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let output = run_build(&root, &out, &["--keep-going"]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let sigs: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("search/signatures.json")).unwrap()).unwrap();
    let list = sigs["pages"][0]["signatures"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{sigs}");
    assert_eq!(list[0]["source"], r"connection refused: [\w.-]+:15002");
    assert_eq!(list[0]["flags"], "i");
}

/// Builds the default site and the Russian fixture under sub-paths of a localhost URL and runs
/// the browser test against them. Skips only when `node` is not installed.
#[test]
fn browser_search() {
    if !program_runs("node") {
        eprintln!("SKIPPED browser_search: `node` is not installed (.ci/run installs nodejs, npm and chromium)");
        return;
    }
    let browser_dir = repo_root().join("tests/browser");
    assert!(
        browser_dir.join("node_modules/playwright-core").is_dir(),
        "playwright-core is not installed: run `npm ci --prefix tests/browser` (.ci/run does)"
    );
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let tmp = tempfile::tempdir().unwrap();
    let served = tmp.path().join("www");
    let output = run_build(
        &repo_root(),
        &served.join("spark-docs"),
        &[
            "--base-url",
            &format!("http://127.0.0.1:{port}/spark-docs/"),
        ],
    );
    assert_success(&output);
    let output = run_build(
        &fixture("search-ru"),
        &served.join("ru-site"),
        &["--base-url", &format!("http://127.0.0.1:{port}/ru-site/")],
    );
    assert_success(&output);

    let run = Command::new("node")
        .arg(browser_dir.join("search.test.mjs"))
        .arg(&served)
        .arg(port.to_string())
        .output()
        .expect("node failed to start");
    let stdout = String::from_utf8_lossy(&run.stdout);
    println!("{stdout}");
    assert!(
        run.status.success(),
        "browser test failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// The README's numbers: pages indexed, bundle size and indexing time for the default site.
#[test]
fn default_site_index_size_and_time() {
    let opts = spark_docs::BuildOptions {
        root: repo_root(),
        base_url: Some(BASE_URL.into()),
        ..Default::default()
    };
    let site = spark_docs::load_site(&opts).unwrap();
    let findings = spark_docs::check::run(&site);
    let mut files = spark_docs::render_pages(&site, &findings, false).unwrap();
    let stats = spark_docs::search::index(&site, &mut files).unwrap();
    assert!(stats.pages > 0 && stats.bytes > 0);
    println!(
        "search index of the default site: {} pages, {} files, {} bytes, {} ms",
        stats.pages, stats.files, stats.bytes, stats.millis
    );
}

/// `build` feeds the index each page as it is rendered, on many threads, and writes the pages to
/// disk as they come; the site it writes is byte for byte the one rendered in memory and indexed
/// afterwards (pages, bundle, signatures), so neither the order pages finish in nor the streaming
/// changes a byte.
#[test]
fn the_index_made_while_rendering_equals_the_index_of_the_rendered_site() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let opts = spark_docs::BuildOptions {
        root: repo_root(),
        base_url: Some(BASE_URL.into()),
        out: Some(out.clone()),
        ..Default::default()
    };
    spark_docs::build(&opts).unwrap();
    let site = spark_docs::load_site(&opts).unwrap();
    let findings = spark_docs::check::run(&site);
    let mut files = spark_docs::render_pages(&site, &findings, false).unwrap();
    spark_docs::search::index(&site, &mut files).unwrap();
    let mut compared = 0;
    for (path, bytes) in &files {
        if path.ends_with(".pdf") {
            continue;
        }
        let written = fs::read(out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(
            written == *bytes,
            "{path} differs between build and render + index"
        );
        compared += 1;
    }
    let bundle = files.keys().filter(|k| k.starts_with("pagefind/")).count();
    assert!(
        bundle > 10 && compared > 100,
        "{bundle} bundle files, {compared} compared"
    );
}
