//! Link and issue-graph rules over tests/fixtures/check-links: each code at its exact position.

use std::path::{Path, PathBuf};

use crate::support::*;

/// Exit code and `(code, file, line, column)` of every finding of `spark-docs check` over `root`.
fn findings(root: &Path) -> (i32, Vec<(String, String, u64, u64)>) {
    let checked = check_json(root, &[]);
    let list = checked
        .findings
        .into_iter()
        .map(|f| (f.code, f.file, f.line, f.column))
        .collect();
    (checked.code, list)
}

fn links_fixture() -> PathBuf {
    fixture("check-links")
}

#[test]
fn each_link_and_issue_rule_fires_at_its_position() {
    let (code, found) = findings(&links_fixture());
    assert_eq!(code, 1, "errors mean exit 1");
    let expect = [
        ("issue-orphan", "content/issues/ISSUE-002-orphan.md", 2, 1),
        ("issue-duplicate-id", "content/issues/again.md", 1, 1),
        (
            "issue-unknown",
            "content/recipes/troubleshoot/broken.md",
            3,
            21,
        ),
        (
            "signature-invalid",
            "content/recipes/troubleshoot/broken.md",
            4,
            47,
        ),
        // The page quotes no error text its signature could stand for.
        (
            "signature-unmatched",
            "content/recipes/troubleshoot/broken.md",
            4,
            15,
        ),
        (
            "recipe-missing-section",
            "content/recipes/troubleshoot/broken.md",
            6,
            1,
        ),
        (
            "anchor-broken",
            "content/recipes/troubleshoot/broken.md",
            10,
            5,
        ),
        (
            "link-broken",
            "content/recipes/troubleshoot/broken.md",
            10,
            68,
        ),
        (
            "anchor-broken",
            "content/recipes/troubleshoot/broken.md",
            11,
            9,
        ),
        (
            "path-missing",
            "content/recipes/troubleshoot/broken.md",
            15,
            1,
        ),
        ("path-missing", "scripts/check.sh", 5, 5),
    ];
    for (c, f, l, col) in expect {
        assert!(
            found
                .iter()
                .any(|x| x.0 == c && x.1 == f && x.2 == l && x.3 == col),
            "missing {c} at {f}:{l}:{col}; found {found:#?}"
        );
    }
    // Valid links (to an existing heading, to a page, within the page) produce nothing more.
    assert_eq!(
        found.len(),
        expect.len(),
        "unexpected extra findings: {found:#?}"
    );
}

#[test]
fn severity_overrides_and_ignores_apply() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&links_fixture(), dir.path());
    let toml = std::fs::read_to_string(dir.path().join("site.toml")).unwrap();
    let toml = toml.replace(
        "[check]\n",
        "[check]\nseverity = { \"issue-orphan\" = \"off\", \"path-missing\" = \"error\" }\nignore = [\"content/issues/again.md\"]\n",
    );
    std::fs::write(dir.path().join("site.toml"), toml).unwrap();
    let (_, found) = findings(dir.path());
    assert!(!found.iter().any(|f| f.0 == "issue-orphan"));
    assert!(!found.iter().any(|f| f.1 == "content/issues/again.md"));
    let (_, text) = check_text(dir.path(), "github", &[]);
    assert!(
        text.lines().any(|l| l == "::error file=scripts/check.sh,line=5,col=5,title=path-missing::`presets/missing-values.yaml` does not exist in this repository%0Ahelp: fix the path, or silence the block with <!-- spark-docs-ignore: path-missing --> if it is an example"),
        "{text}"
    );
}

#[test]
fn ignore_comment_silences_one_block() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&links_fixture(), dir.path());
    let path = dir.path().join("content/recipes/troubleshoot/broken.md");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "```bash\n",
        "<!-- spark-docs-ignore: path-missing -->\n```bash\n",
    );
    std::fs::write(&path, text).unwrap();
    let (_, found) = findings(dir.path());
    assert!(
        !found
            .iter()
            .any(|f| f.0 == "path-missing" && f.1.ends_with("broken.md")),
        "{found:#?}"
    );
    assert!(found
        .iter()
        .any(|f| f.0 == "path-missing" && f.1 == "scripts/check.sh"));
}

#[test]
fn keep_going_writes_site_with_health_page_and_banners() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("public");
    let status = run_build(&links_fixture(), &out, &["--keep-going"]);
    assert_eq!(status.status.code(), Some(1), "errors still fail the build");
    let health = std::fs::read_to_string(out.join("health/index.html")).expect("health page");
    assert!(health.contains("<code>link-broken</code>"), "rule table");
    assert!(
        health.contains("content/recipes/troubleshoot/broken.md"),
        "grouped by page"
    );
    let page = std::fs::read_to_string(out.join("recipes/troubleshoot/broken/index.html")).unwrap();
    assert!(
        page.contains("class=\"findings-banner\""),
        "banner on the page with findings"
    );
    assert!(page.contains("no heading in this page has the id `nowhere`"));
    let clean = std::fs::read_to_string(out.join("recipes/operations/clean/index.html")).unwrap();
    assert!(
        !clean.contains("class=\"findings-banner\""),
        "no banner on a clean page"
    );

    // Without --keep-going nothing is written.
    let out2 = out_dir.path().join("strict");
    let status = run_build(&links_fixture(), &out2, &[]);
    assert_eq!(status.status.code(), Some(1));
    assert!(!out2.exists());
}
