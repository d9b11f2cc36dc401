//! Integration tests of `spark-docs build` over the sites in `tests/fixtures/`.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Command;

use crate::support::*;
use regex::Regex;

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn recipe_page_re() -> Regex {
    Regex::new(r"^/recipes/[^/]+/[^/]+/$").unwrap()
}

fn issue_page_re() -> Regex {
    Regex::new(r"^/issues/issue-\d+/$").unwrap()
}

/// `(recipe URL, issue URL)` pairs.
type Pairs = BTreeSet<(String, String)>;

/// Recipe→issue pairs as seen from the recipe pages, and issue→recipe pairs as seen from the
/// issue pages (flipped to recipe→issue), both as `(recipe URL, issue URL)`.
fn graph(out: &Path) -> (Pairs, Pairs) {
    let all = pages(out);
    let mut from_recipes = BTreeSet::new();
    let mut from_issues = BTreeSet::new();
    for page in all.iter().filter(|p| recipe_page_re().is_match(p)) {
        for issue in links_from(out, page, &issue_page_re()) {
            from_recipes.insert((page.clone(), issue));
        }
    }
    for page in all.iter().filter(|p| issue_page_re().is_match(p)) {
        for recipe in links_from(out, page, &recipe_page_re()) {
            from_issues.insert((recipe, page.clone()));
        }
    }
    (from_recipes, from_issues)
}

fn pairs(items: &[(&str, &str)]) -> Pairs {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

const BASIC_PAGES: &[&str] = &[
    "/",
    "/recipes/",
    "/recipes/troubleshoot/",
    "/recipes/troubleshoot/driver-host/",
    "/recipes/troubleshoot/s3-creds/",
    "/recipes/operations/",
    "/recipes/operations/event-log/",
    "/issues/",
    "/issues/issue-001/",
    "/issues/issue-002/",
    "/issues/issue-003/",
    "/presets/",
    "/presets/demo/values-scenario-basic/",
    "/notebooks/",
    "/notebooks/probe/",
    "/scripts/",
    "/scripts/probe/",
    "/quickref/",
    // The Spark property reference, one page per line the pages and presets declare.
    "/properties/",
    "/properties/3.5/",
    "/properties/4.1/",
];

const ADOPTED_PAGES: &[&str] = &[
    "/",
    "/recipes/",
    "/recipes/troubleshoot/",
    "/recipes/troubleshoot/driver-host/",
    "/recipes/troubleshoot/s3-creds/",
    "/recipes/operations/",
    "/recipes/operations/event-log/",
    "/issues/",
    "/issues/issue-001/",
    "/issues/issue-002/",
    "/issues/issue-003/",
    "/presets/",
    "/presets/demo/values-scenario-basic/",
    // Two `environments/<env>/values.yaml`: named by their directory.
    "/presets/demo/environments-dev-values/",
    "/presets/demo/environments-prod-values/",
    "/quickref/",
    // The Spark property reference, one page per line the pages and presets declare.
    "/properties/",
    "/properties/3.5/",
    "/properties/4.1/",
];

/// A page set plus the pages optional features add (`/search/` with the `search` feature).
fn site_pages(base: &[&str]) -> BTreeSet<String> {
    let mut pages = set(base);
    if cfg!(feature = "search") {
        pages.insert("/search/".to_string());
    }
    pages
}

/// The recipe→issue graph both fixtures describe.
fn expected_graph() -> Pairs {
    pairs(&[
        ("/recipes/troubleshoot/driver-host/", "/issues/issue-001/"),
        ("/recipes/troubleshoot/s3-creds/", "/issues/issue-002/"),
        ("/recipes/troubleshoot/s3-creds/", "/issues/issue-003/"),
        ("/recipes/operations/event-log/", "/issues/issue-003/"),
    ])
}

// ---------------------------------------------------------------------------------------------
// Pages and files

#[test]
fn basic_produces_exact_set_of_pages() {
    let out = shared_build("basic");
    assert_eq!(pages(&out), site_pages(BASIC_PAGES));
}

/// Files the output may hold besides pages, raw files, 404.html, sitemap.xml, static/**, the
/// search bundle (pagefind/** and search/signatures.json, feature `search`) and quickref.pdf (feature `pdf`): the marker that lets a later build replace this directory (src/write.rs).
const EXTRA_OUTPUT_FILES: &[&str] = &[".spark-docs-output"];

#[test]
fn basic_output_holds_pages_raw_files_404_sitemap_and_static_only() {
    let out = shared_build("basic");
    let raw = set(&[
        "presets/demo/values-scenario-basic/values-scenario-basic.yaml",
        "notebooks/probe/probe.ipynb",
        "scripts/probe/probe.sh",
    ]);
    let unexpected: Vec<String> = files(&out)
        .into_iter()
        .filter(|f| {
            !(EXTRA_OUTPUT_FILES.contains(&f.as_str())
                || f == "index.html"
                || f.ends_with("/index.html")
                || f == "404.html"
                || f == "sitemap.xml"
                || f.starts_with("static/")
                || raw.contains(f)
                || (cfg!(feature = "search")
                    && (f.starts_with("pagefind/") || f == "search/signatures.json"))
                || (cfg!(feature = "pdf") && f == "quickref.pdf"))
        })
        .collect();
    assert!(
        unexpected.is_empty(),
        "files outside the documented layout: {unexpected:#?}"
    );
    assert!(
        files(&out).iter().any(|f| f.starts_with("static/")),
        "no /static/ files"
    );
}

#[test]
fn adopted_produces_exact_set_of_pages() {
    let out = shared_build("adopted");
    assert_eq!(pages(&out), site_pages(ADOPTED_PAGES));
}

#[test]
fn raw_preset_notebook_and_script_files_are_copied_verbatim() {
    let out = shared_build("basic");
    for (src, dest) in [
        (
            "presets/demo/values-scenario-basic.yaml",
            "presets/demo/values-scenario-basic/values-scenario-basic.yaml",
        ),
        (
            "content/notebooks/probe.ipynb",
            "notebooks/probe/probe.ipynb",
        ),
        ("content/scripts/probe.sh", "scripts/probe/probe.sh"),
    ] {
        let want = fs::read(fixture("basic").join(src)).unwrap();
        let got = fs::read(out.join(dest)).unwrap_or_else(|e| panic!("{dest} missing: {e}"));
        assert_eq!(got, want, "{dest} differs from {src}");
    }
    // Each detail page links to its raw file.
    for (page, raw) in [
        (
            "/presets/demo/values-scenario-basic/",
            "/presets/demo/values-scenario-basic/values-scenario-basic.yaml",
        ),
        ("/notebooks/probe/", "/notebooks/probe/probe.ipynb"),
        ("/scripts/probe/", "/scripts/probe/probe.sh"),
    ] {
        let re = Regex::new(&format!("^{}$", regex::escape(raw))).unwrap();
        assert!(
            !links_from(&out, page, &re).is_empty(),
            "{page} does not link to {raw}"
        );
    }
}

#[test]
fn adopted_raw_preset_is_copied_verbatim() {
    let out = shared_build("adopted");
    let want = fs::read(fixture("adopted").join("charts/demo/values-scenario-basic.yaml")).unwrap();
    let got = fs::read(out.join("presets/demo/values-scenario-basic/values-scenario-basic.yaml"))
        .expect("raw preset missing");
    assert_eq!(got, want);
}

#[test]
fn sitemap_lists_every_page_with_the_full_base_url() {
    let out = shared_build("basic");
    let locs: BTreeSet<String> = sitemap_locs(&out).into_iter().collect();
    let want: BTreeSet<String> = pages(&out)
        .iter()
        .map(|p| format!("{}{}", BASE_URL, &p[1..]))
        .collect();
    let missing: Vec<_> = want.difference(&locs).collect();
    let extra: Vec<_> = locs.difference(&want).collect();
    assert!(
        missing.is_empty(),
        "pages missing from sitemap.xml: {missing:#?}"
    );
    assert!(
        extra.is_empty(),
        "sitemap.xml entries that are not pages: {extra:#?}"
    );
}

#[test]
fn not_found_page_exists_and_uses_base_path_links() {
    let out = shared_build("basic");
    let html = fs::read_to_string(out.join("404.html")).expect("404.html exists");
    let doc = parse_html(&html);
    assert_eq!(doc.h1_count, 1, "404.html should have one <h1>");
    let base = Base::parse(BASE_URL);
    // Served at any URL: links must be base-path absolute, and the home link must be there.
    let mut links_home = false;
    for (_, _, v) in &doc.links {
        match resolve("/404.html", v, &base) {
            Target::Internal { path, .. } if path.is_empty() => links_home = true,
            Target::RelativeOnAnyUrlPage | Target::Escapes(_) | Target::Empty => {
                panic!("404.html has a link that breaks when served at any URL: {v}")
            }
            _ => {}
        }
    }
    assert!(
        links_home,
        "404.html does not link to the home page ({BASE_PATH})"
    );
}

#[test]
fn every_page_has_exactly_one_h1() {
    for fixture in ["basic", "adopted"] {
        let out = shared_build(fixture);
        let problems = h1_problems(&out);
        assert!(problems.is_empty(), "{fixture}: {problems:#?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Cross-links

#[test]
fn recipes_link_to_their_issues_and_issues_link_back() {
    let out = shared_build("basic");
    let (from_recipes, from_issues) = graph(&out);
    assert_eq!(from_recipes, expected_graph(), "recipe pages → issue pages");
    assert_eq!(
        from_issues,
        expected_graph(),
        "issue pages → recipe pages (flipped)"
    );
    // The links carry the base path.
    let links = raw_links(&out, "/recipes/troubleshoot/driver-host/");
    assert!(
        links
            .iter()
            .any(|l| l.starts_with("/spark-docs/issues/issue-001/")),
        "driver-host does not link to /spark-docs/issues/issue-001/: {links:#?}"
    );
    let links = raw_links(&out, "/issues/issue-001/");
    assert!(
        links
            .iter()
            .any(|l| l == "/spark-docs/recipes/troubleshoot/driver-host/"),
        "issue-001 does not link back to /spark-docs/recipes/troubleshoot/driver-host/: {links:#?}"
    );
}

#[test]
fn front_matter_issues_alone_create_the_link() {
    // event-log.md names ISSUE-003 only in its front matter `issues:` list.
    let out = shared_build("basic");
    let source =
        fs::read_to_string(fixture("basic").join("content/recipes/operations/event-log.md"))
            .unwrap();
    let body = source.splitn(3, "---").nth(2).unwrap();
    assert!(
        !body.contains("ISSUE-003"),
        "fixture: the body must not mention the issue"
    );
    let linked = links_from(&out, "/recipes/operations/event-log/", &issue_page_re());
    assert_eq!(linked, set(&["/issues/issue-003/"]));
}

#[test]
fn recipe_shows_status_of_its_issues() {
    // ISSUE-003 is "In Progress" in both fixtures; the recipes never say so themselves.
    for (fixture, page) in [
        ("basic", "/recipes/operations/event-log/"),
        ("adopted", "/recipes/operations/event-log/"),
        ("adopted", "/recipes/troubleshoot/s3-creds/"),
    ] {
        let out = shared_build(fixture);
        let html = read_page(&out, page);
        assert!(
            html.contains("In Progress"),
            "{fixture} {page}: no status badge \"In Progress\""
        );
    }
}

#[test]
fn notebook_script_and_preset_mentions_link_both_ways() {
    let out = shared_build("basic");
    let cases = [
        ("/notebooks/probe/", "/issues/issue-002/"),
        ("/scripts/probe/", "/issues/issue-003/"),
        ("/presets/demo/values-scenario-basic/", "/issues/issue-001/"),
    ];
    for (page, issue) in cases {
        let to_issue = Regex::new(&format!("^{}$", regex::escape(issue))).unwrap();
        assert!(
            !links_from(&out, page, &to_issue).is_empty(),
            "{page} does not link to {issue}"
        );
        let to_page = Regex::new(&format!("^{}$", regex::escape(page))).unwrap();
        assert!(
            !links_from(&out, issue, &to_page).is_empty(),
            "{issue} does not list {page}"
        );
    }
    // Nothing mentions ISSUE-002 in a script, or ISSUE-003 in a notebook.
    let nb = Regex::new(r"^/notebooks/[^/]+/$").unwrap();
    let sc = Regex::new(r"^/scripts/[^/]+/$").unwrap();
    assert!(
        links_from(&out, "/issues/issue-003/", &nb).is_empty(),
        "issue-003 lists a notebook"
    );
    assert!(
        links_from(&out, "/issues/issue-002/", &sc).is_empty(),
        "issue-002 lists a script"
    );
}

#[test]
fn preset_page_lists_pages_mentioning_its_file_name() {
    let out = shared_build("basic");
    let re = Regex::new(r"^/recipes/troubleshoot/driver-host/$").unwrap();
    assert!(
        !links_from(&out, "/presets/demo/values-scenario-basic/", &re).is_empty(),
        "the preset page does not list driver-host.md, which mentions values-scenario-basic.yaml"
    );
}

#[test]
fn adopted_repository_gives_the_same_cross_links() {
    let basic_out = shared_build("basic");
    let adopted_out = shared_build("adopted");
    let (b_recipes, b_issues) = graph(&basic_out);
    let (a_recipes, a_issues) = graph(&adopted_out);
    assert_eq!(
        a_recipes, b_recipes,
        "recipe→issue links differ between adopted and basic"
    );
    assert_eq!(
        a_issues, b_issues,
        "issue→recipe links differ between adopted and basic"
    );
    assert_eq!(a_recipes, expected_graph());
}

#[test]
fn adopted_issue_ids_come_from_heading_or_file_name() {
    let out = shared_build("adopted");
    // ID only in the file name (ISSUE-001-driver-host.md); title from the heading.
    let html = read_page(&out, "/issues/issue-001/");
    assert!(html.contains("Executors cannot resolve the Connect driver host"));
    // ID only in the heading (002-s3-secret.md).
    let html = read_page(&out, "/issues/issue-002/");
    assert!(html.contains("Chart expects an s3-credentials Secret that nothing creates"));
    assert!(
        !pages(&out).iter().any(|p| p.contains("002-s3-secret")),
        "page named after the file"
    );
}

#[test]
fn adopted_issue_metadata_comes_from_key_value_lines() {
    let out = shared_build("adopted");
    let html = read_page(&out, "/issues/issue-002/");
    for want in ["Resolved", "Critical", "2026-01-19"] {
        assert!(
            html.contains(want),
            "/issues/issue-002/ does not show {want}"
        );
    }
    // The issue index renders no bodies: statuses and severities there come from the metadata.
    let index = read_page(&out, "/issues/");
    for want in ["In Progress", "Major", "Resolved", "Critical"] {
        assert!(index.contains(want), "/issues/ does not show {want}");
    }
}

#[test]
fn relative_markdown_links_are_rewritten_to_page_urls() {
    for fixture in ["basic", "adopted"] {
        let out = shared_build(fixture);
        let base = Base::parse(BASE_URL);
        for page in pages(&out) {
            for l in raw_links(&out, &page) {
                // External links (e.g. "edit this page" on GitHub) may name .md files.
                if resolve(&page, &l, &base) == Target::External {
                    continue;
                }
                let path = l.split(['#', '?']).next().unwrap();
                assert!(
                    !path.ends_with(".md"),
                    "{fixture} {page}: link to a Markdown file: {l}"
                );
            }
        }
    }
    let out = shared_build("basic");
    let links = raw_links(&out, "/recipes/troubleshoot/driver-host/");
    for want in [
        "/spark-docs/issues/issue-001/#resolution",
        "/spark-docs/recipes/troubleshoot/s3-creds/",
    ] {
        assert!(
            links.iter().any(|l| l == want),
            "driver-host: no href=\"{want}\" in {links:#?}"
        );
    }
    let links = raw_links(&out, "/recipes/troubleshoot/s3-creds/");
    assert!(
        links
            .iter()
            .any(|l| l == "/spark-docs/recipes/operations/event-log/"),
        "s3-creds: cross-category link not rewritten: {links:#?}"
    );
    // Adopted: a link to an issue file whose name has no ID goes to the ID's page.
    let out = shared_build("adopted");
    let links = raw_links(&out, "/recipes/troubleshoot/s3-creds/");
    assert!(
        links
            .iter()
            .any(|l| l == "/spark-docs/issues/issue-002/#resolution"),
        "adopted s3-creds: link to 002-s3-secret.md not rewritten: {links:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Rendering details

#[test]
fn markdown_tables_admonitions_and_placeholders_render() {
    let out = shared_build("basic");
    let html = read_page(&out, "/recipes/troubleshoot/driver-host/");
    assert!(
        html.contains("<table"),
        "the Markdown table is not rendered"
    );
    assert!(
        !html.contains("[!WARNING]"),
        "the admonition marker is left as text"
    );
    assert!(
        html.contains("7078 and 7079"),
        "the admonition body is missing"
    );
    assert!(
        !html.contains("<namespace") && !html.contains("<release-name"),
        "placeholder parsed as a tag"
    );
    assert!(
        html.contains("namespace") && html.contains("release-name"),
        "placeholders lost"
    );
}

#[test]
fn headings_carry_unique_ids() {
    let out = shared_build("basic");
    for page in ["/recipes/troubleshoot/driver-host/", "/issues/issue-001/"] {
        let html = read_page(&out, page);
        let doc = parse_html(&html);
        let want = if page.starts_with("/issues") {
            ["symptom", "resolution"]
        } else {
            ["symptoms", "solution"]
        };
        for id in want {
            assert!(doc.ids.contains(id), "{page}: no element with id=\"{id}\"");
        }
    }
    for fixture in ["basic", "adopted"] {
        let out = shared_build(fixture);
        for page in pages(&out) {
            let doc = parse_html(&read_page(&out, &page));
            let mut seen = BTreeSet::new();
            let dups: Vec<_> = doc
                .id_list
                .iter()
                .filter(|id| !seen.insert(id.as_str()))
                .collect();
            assert!(dups.is_empty(), "{fixture} {page}: duplicate ids {dups:?}");
        }
    }
}

#[test]
fn valid_fixtures_build_without_findings() {
    for fixture in ["basic", "adopted"] {
        let s = site(fixture);
        let output = run_build(&s.root, &s.out, &["--base-url", BASE_URL]);
        assert_success(&output);
        let err = stderr(&output);
        assert!(
            !err.contains("error[") && !err.contains("warning["),
            "{fixture}: findings on a valid fixture:\n{err}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Links resolve

#[test]
fn basic_links_resolve_under_a_sub_path() {
    let out = shared_build("basic");
    let problems = check_links(&out, BASE_URL);
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn adopted_links_resolve_under_a_sub_path() {
    let out = shared_build("adopted");
    let problems = check_links(&out, BASE_URL);
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn base_url_flag_overrides_site_toml() {
    let s = site("basic");
    let output = run_build(
        &s.root,
        &s.out,
        &["--base-url", "https://docs.example.com/"],
    );
    assert_success(&output);
    let problems = check_links(&s.out, "https://docs.example.com/");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let links = raw_links(&s.out, "/recipes/troubleshoot/driver-host/");
    assert!(
        links.iter().any(|l| l == "/issues/issue-001/#resolution"),
        "{links:#?}"
    );
    assert!(
        !links.iter().any(|l| l.starts_with("/spark-docs/")),
        "site.toml base path leaked"
    );
    let locs = sitemap_locs(&s.out);
    assert!(
        locs.iter()
            .all(|l| l.starts_with("https://docs.example.com/")),
        "{locs:#?}"
    );
}

#[test]
fn default_site_links_resolve() {
    let root = &repo_root();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let output = run_build(root, &out, &["--base-url", BASE_URL]);
    assert_success(&output);
    assert!(out.join("index.html").is_file());
    let problems = check_links(&out, BASE_URL);
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    let problems = h1_problems(&out);
    assert!(problems.is_empty(), "{problems:#?}");
}

// ---------------------------------------------------------------------------------------------
// CLI defaults

#[test]
fn root_and_out_default_to_the_current_directory() {
    let s = site("basic");
    let output = Command::new(bin())
        .arg("build")
        .current_dir(&s.root)
        .output()
        .unwrap();
    assert_success(&output);
    assert!(
        s.root.join("public/index.html").is_file(),
        "no <root>/public/index.html"
    );
    // site.toml's base_url is used when --base-url is absent.
    let links = raw_links(&s.root.join("public"), "/recipes/troubleshoot/driver-host/");
    assert!(
        links
            .iter()
            .any(|l| l.starts_with("/spark-docs/issues/issue-001/")),
        "{links:#?}"
    );
}

#[test]
fn relative_out_is_relative_to_the_current_directory() {
    let s = site("basic");
    let output = Command::new(bin())
        .args(["build", "--root", "site", "--out", "out/public"])
        .current_dir(s.tmp.path())
        .output()
        .unwrap();
    assert_success(&output);
    assert!(
        s.out.join("index.html").is_file(),
        "relative --out not resolved against the cwd"
    );
}

#[test]
fn config_flag_selects_another_file() {
    let s = site("basic");
    let alt = s.tmp.path().join("alt.toml");
    let toml = fs::read_to_string(s.root.join("site.toml")).unwrap();
    fs::write(
        &alt,
        toml.replace("title = \"Basic fixture", "title = \"Alternate config"),
    )
    .unwrap();
    let output = run_build(&s.root, &s.out, &["--config", alt.to_str().unwrap()]);
    assert_success(&output);
    assert!(
        read_page(&s.out, "/").contains("Alternate config"),
        "--config file not used"
    );
}

// ---------------------------------------------------------------------------------------------
// Errors

#[test]
fn malformed_front_matter_exits_1_naming_file_and_line() {
    let s = site("bad-front-matter");
    let output = run_build(&s.root, &s.out, &[]);
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains("error[front-matter-invalid]"),
        "no error[front-matter-invalid]:\n{err}"
    );
    let loc = Regex::new(r"--> content/recipes/troubleshoot/broken\.md:4:\d+").unwrap();
    assert!(
        loc.is_match(&err),
        "stderr does not point at broken.md line 4:\n{err}"
    );
    assert!(
        !s.out.exists(),
        "a failed build created the output directory"
    );
    assert!(
        dir_entries(s.out.parent().unwrap()).is_empty(),
        "temp dirs left behind"
    );
}

#[test]
fn invalid_site_toml_exits_2() {
    let s = site("bad-config");
    let output = run_build(&s.root, &s.out, &[]);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("site.toml"),
        "stderr does not name site.toml:\n{}",
        describe(&output)
    );
    assert!(
        dir_entries(s.out.parent().unwrap()).is_empty(),
        "output or temp dirs created"
    );
}

#[test]
fn unknown_config_key_exits_2_naming_the_key() {
    let s = site("basic");
    let path = s.root.join("site.toml");
    let toml = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("colour = \"blue\"\n{toml}")).unwrap();
    let output = run_build(&s.root, &s.out, &[]);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("colour"),
        "stderr does not name the key:\n{}",
        describe(&output)
    );
}

#[test]
fn missing_config_file_exits_2() {
    let s = site("basic");
    let output = run_build(&s.root, &s.out, &["--config", "/nonexistent/site.toml"]);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("/nonexistent/site.toml"),
        "{}",
        describe(&output)
    );
}

#[test]
fn missing_source_directory_exits_2_naming_key_and_path() {
    let s = site("missing-source");
    let output = run_build(&s.root, &s.out, &[]);
    assert_exit(&output, 2);
    let err = stderr(&output);
    assert!(
        err.contains("sources.recipes"),
        "stderr does not name sources.recipes:\n{err}"
    );
    assert!(
        err.contains("docs/no-such-recipes"),
        "stderr does not name the path:\n{err}"
    );
}

#[test]
fn unknown_subcommand_or_flag_exits_2() {
    let output = Command::new(bin())
        .args(["build", "--no-such-flag"])
        .output()
        .unwrap();
    assert_exit(&output, 2);
}

// ---------------------------------------------------------------------------------------------
// Atomic output

#[test]
fn failed_build_leaves_previous_output_byte_identical() {
    for (bad, code) in [
        ("bad-front-matter", 1),
        ("bad-config", 2),
        ("missing-source", 2),
    ] {
        let good = build_fixture("basic");
        let before = snapshot(&good.out);
        assert!(!before.is_empty());
        let bad_site = site(bad);
        let output = run_build(&bad_site.root, &good.out, &["--base-url", BASE_URL]);
        assert_exit(&output, code);
        let after = snapshot(&good.out);
        assert!(
            before == after,
            "{bad}: the failed build changed the previous output"
        );
        assert_eq!(
            dir_entries(good.out.parent().unwrap()),
            set(&["public"]),
            "{bad}: something left beside the output directory"
        );
    }
}

#[test]
fn rebuild_replaces_output_and_leaves_nothing_beside_it() {
    let s = build_fixture("basic");
    fs::write(s.out.join("stale.html"), "<h1>stale</h1>").unwrap();
    let adopted = site("adopted");
    let output = run_build(&adopted.root, &s.out, &["--base-url", BASE_URL]);
    assert_success(&output);
    assert_eq!(
        pages(&s.out),
        site_pages(ADOPTED_PAGES),
        "pages of the previous build survived"
    );
    assert!(
        !s.out.join("stale.html").exists(),
        "stale file survived the rebuild"
    );
    assert_eq!(
        dir_entries(s.out.parent().unwrap()),
        set(&["public"]),
        "temp dirs left behind"
    );
}

#[test]
fn refuses_to_replace_a_directory_it_did_not_write() {
    let s = site("basic");
    fs::create_dir_all(&s.out).unwrap();
    fs::write(s.out.join("notes.txt"), "not a site").unwrap();
    let before = snapshot(&s.out);
    let output = run_build(&s.root, &s.out, &[]);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("not written by spark-docs"),
        "{}",
        describe(&output)
    );
    assert!(
        !stderr(&output).contains("panicked at"),
        "{}",
        describe(&output)
    );
    assert!(
        before == snapshot(&s.out),
        "the foreign directory was changed"
    );
    assert_eq!(
        dir_entries(s.out.parent().unwrap()),
        set(&["public"]),
        "temp dirs left behind"
    );
}

#[test]
fn build_does_not_write_into_the_source_tree() {
    let s = site("basic");
    let before = snapshot(&s.root);
    let output = run_build(&s.root, &s.out, &[]);
    assert_success(&output);
    assert!(s.out.join("index.html").is_file(), "no output");
    assert!(
        before == snapshot(&s.root),
        "the build changed files under --root"
    );
}
