//! Tests of the test helpers themselves: `check_links` must catch what it claims to catch,
//! otherwise the link tests in build.rs would pass vacuously.

use std::fs;
use std::path::Path;

use crate::support::*;

fn write(root: &Path, rel: &str, body: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, body).unwrap();
}

fn page(body: &str) -> String {
    format!(
        "<!doctype html><html><head><link rel=\"stylesheet\" href=\"/spark-docs/static/style.css\">\
         </head><body><h1>T</h1>{body}</body></html>"
    )
}

/// A small output tree whose links are all fine.
fn good_site() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    write(
        out,
        "static/style.css",
        "body{} @font-face{src:url('fonts/a.woff2')}",
    );
    write(out, "static/fonts/a.woff2", "x");
    write(
        out,
        "index.html",
        &page(
            "<a href=\"/spark-docs/issues/issue-001/#resolution\">i</a>\
             <a href=\"recipes/x/y/\">rel</a><a href=\"#top\">top</a><a href=\"#\">js</a>\
             <a href=\"https://github.com/example\">gh</a><a href=\"mailto:a@b.c\">m</a>\
             <img src=\"data:image/png;base64,AAAA\"><a href=\"/spark-docs/issues\">no slash</a>\
             <a href=\"https://example.github.io/spark-docs/recipes/x/y/\">abs</a>\
             <a href=\"/spark-docs/?q=a&amp;b=c\">q</a>",
        ),
    );
    write(out, "issues/index.html", &page("<a href=\"../\">home</a>"));
    write(
        out,
        "issues/issue-001/index.html",
        &page("<h2 id=\"resolution\">R</h2><a href=\"../../recipes/x/y/#st%C3%A9p\">r</a>"),
    );
    write(
        out,
        "recipes/x/y/index.html",
        &page("<h2 id=\"stép\">S</h2><a name=\"legacy\"></a>"),
    );
    write(
        out,
        "404.html",
        &page(
            "<a href=\"/spark-docs/\">home</a><a href=\"#main\">skip</a><main id=\"main\"></main>",
        ),
    );
    tmp
}

#[test]
fn good_site_has_no_problems() {
    let tmp = good_site();
    let problems = check_links(tmp.path(), BASE_URL);
    assert!(problems.is_empty(), "{problems:#?}");
    let problems = check_links(tmp.path(), BASE_PATH);
    assert!(problems.is_empty(), "{problems:#?}");
}

fn problems_with(rel: &str, body: &str) -> Vec<String> {
    let tmp = good_site();
    write(tmp.path(), rel, &page(body));
    check_links(tmp.path(), BASE_URL)
}

#[test]
fn catches_missing_target() {
    let p = problems_with(
        "a/index.html",
        "<a href=\"/spark-docs/issues/issue-999/\">x</a>",
    );
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(p[0].contains("does not exist"), "{p:#?}");
}

#[test]
fn catches_missing_fragment() {
    let p = problems_with(
        "a/index.html",
        "<a href=\"/spark-docs/issues/issue-001/#nope\">x</a>",
    );
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(p[0].contains("id=\"nope\""), "{p:#?}");
    let p = problems_with("a/index.html", "<a href=\"#nope\">x</a>");
    assert_eq!(p.len(), 1, "{p:#?}");
}

#[test]
fn catches_links_that_escape_the_base_path() {
    let p = problems_with("a/index.html", "<a href=\"/issues/issue-001/\">x</a>");
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(p[0].contains("outside the base path"), "{p:#?}");
    let p = problems_with("a/index.html", "<a href=\"../../issues/issue-001/\">x</a>");
    assert_eq!(p.len(), 1, "{p:#?}");
    let p = problems_with("a/index.html", "<script src=\"/static/app.js\"></script>");
    assert_eq!(p.len(), 1, "{p:#?}");
}

#[test]
fn catches_same_site_absolute_urls_to_missing_pages() {
    let p = problems_with(
        "a/index.html",
        "<a href=\"https://example.github.io/spark-docs/nope/\">x</a>",
    );
    assert_eq!(p.len(), 1, "{p:#?}");
    // Other hosts are not checked.
    let p = problems_with(
        "a/index.html",
        "<a href=\"https://example.github.io.evil/nope/\">x</a>",
    );
    assert!(p.is_empty(), "{p:#?}");
}

#[test]
fn catches_relative_links_and_missing_files_on_404_page() {
    let tmp = good_site();
    write(tmp.path(), "404.html", &page("<a href=\"issues/\">x</a>"));
    let p = check_links(tmp.path(), BASE_URL);
    assert_eq!(p.len(), 1, "{p:#?}");
}

#[test]
fn catches_empty_href_fragment_into_raw_file_and_markdown_targets() {
    let tmp = good_site();
    write(tmp.path(), "presets/d/s/s.yaml", "a: 1");
    write(
        tmp.path(),
        "a/index.html",
        &page("<a href=\"\">e</a><a href=\"/spark-docs/presets/d/s/s.yaml#x\">f</a><a href=\"../recipes/x/y.md\">m</a>"),
    );
    let p = check_links(tmp.path(), BASE_URL);
    assert_eq!(p.len(), 3, "{p:#?}");
}

#[test]
fn catches_broken_css_urls() {
    let tmp = good_site();
    write(
        tmp.path(),
        "static/extra.css",
        "a{background:url(img/missing.png)} b{background:url(/x.png)}",
    );
    let p = check_links(tmp.path(), BASE_URL);
    assert_eq!(p.len(), 2, "{p:#?}");
}

#[test]
fn pages_and_h1_helpers() {
    let tmp = good_site();
    let got = pages(tmp.path());
    let want: std::collections::BTreeSet<String> =
        ["/", "/issues/", "/issues/issue-001/", "/recipes/x/y/"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    assert_eq!(got, want);
    assert!(h1_problems(tmp.path()).is_empty());
    write(tmp.path(), "b/index.html", "<h1>a</h1><h1>b</h1>");
    assert_eq!(h1_problems(tmp.path()).len(), 1);
}

#[test]
fn resolve_handles_relative_and_absolute_forms() {
    let base = Base::parse(BASE_URL);
    let internal = |p: &str, f: &str| Target::Internal {
        path: p.into(),
        fragment: f.into(),
    };
    assert_eq!(
        resolve("/recipes/a/b/", "../../../issues/issue-001/#x", &base),
        internal("issues/issue-001/", "x")
    );
    assert_eq!(
        resolve("/recipes/a/b/", "./", &base),
        internal("recipes/a/b/", "")
    );
    assert_eq!(
        resolve("/recipes/a/b/", "#frag", &base),
        internal("recipes/a/b/", "frag")
    );
    assert_eq!(resolve("/", "/spark-docs", &base), internal("", ""));
    assert_eq!(resolve("/", "mailto:x@y.z", &base), Target::External);
    assert_eq!(
        resolve("/", "//cdn.example.com/x.js", &base),
        Target::External
    );
    assert!(matches!(resolve("/", "/other/", &base), Target::Escapes(_)));
    assert!(matches!(resolve("/", "../", &base), Target::Escapes(_)));
    let root = Base::parse("/");
    assert_eq!(resolve("/a/", "/issues/", &root), internal("issues/", ""));
}
