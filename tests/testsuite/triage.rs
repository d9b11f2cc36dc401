//! `spark-docs triage` over the default site (the repository root): real error excerpts, as
//! Spark, Kubernetes, Helm and the PySpark client print them, each routed to the page that fixes
//! it first; output formats and exit codes; and the two signature rules over
//! tests/fixtures/check-signatures at their exact positions.

use std::io::Write;
use std::process::{Output, Stdio};

use crate::support::*;

/// Real error excerpts, as each component prints them: (what it is, the excerpt, the URL
/// `triage` must rank first), from tests/fixtures/error-excerpts.json (each entry also names
/// its `source`); the browser test pastes the same file into the built site.
fn excerpts() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(fixture("error-excerpts.json")).unwrap();
    let list: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    list.iter()
        .map(|e| {
            let field = |k: &str| e[k].as_str().unwrap().to_string();
            assert!(!field("source").is_empty());
            (field("what"), field("log"), field("expect"))
        })
        .collect()
}

/// `spark-docs triage --root <repo root> <args…>` with `log` on stdin.
fn triage(log: &str, args: &[&str]) -> Output {
    let mut child = spark_docs(["triage", "--root"])
        .arg(repo_root())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run spark-docs triage");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(log.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn ranked(log: &str) -> Vec<serde_json::Value> {
    let out = triage(log, &["--format", "json", "-"]);
    assert_exit(&out, 0);
    serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout).unwrap()
}

#[test]
fn real_error_excerpts_are_routed_to_their_page_first() {
    let excerpts = excerpts();
    assert!(excerpts.len() >= 20);
    // One process per excerpt, all started at once (each loads the site on its own).
    let lists: Vec<Vec<serde_json::Value>> = std::thread::scope(|s| {
        let handles: Vec<_> = excerpts
            .iter()
            .map(|(_, log, _)| s.spawn(move || ranked(log)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut wrong = Vec::new();
    for ((what, _, want), list) in excerpts.iter().zip(&lists) {
        let first = list[0]["url"].as_str().unwrap();
        if !first.ends_with(want) {
            wrong.push(format!("{what}: first {first}, want {want}"));
        }
        // One entry per page.
        let mut urls: Vec<&str> = list.iter().map(|e| e["url"].as_str().unwrap()).collect();
        let n = urls.len();
        urls.sort();
        urls.dedup();
        assert_eq!(urls.len(), n, "{what}: a page is listed twice");
    }
    assert!(wrong.is_empty(), "misrouted:\n{}", wrong.join("\n"));
}

#[test]
fn signature_matches_rank_by_specificity_then_tokens() {
    // Both the recipe's `Reason:\s+OOMKilled` (16 literal characters) and the issue-free
    // `\bOOMKilled\b` match; the heap-space line matches java-heap-oom's 43-character signature,
    // which must come first, and every signature match precedes every token-only page.
    let log = "      Reason:       OOMKilled\njava.lang.OutOfMemoryError: Java heap space\n";
    let list = ranked(log);
    let urls: Vec<&str> = list.iter().map(|e| e["url"].as_str().unwrap()).collect();
    assert!(
        urls[0].ends_with("/recipes/troubleshoot/java-heap-oom/"),
        "{urls:?}"
    );
    assert!(
        urls[1].ends_with("/recipes/troubleshoot/container-oom-killed/"),
        "{urls:?}"
    );
    let specificity: Vec<u64> = list
        .iter()
        .map(|e| e["signatures"][0]["specificity"].as_u64().unwrap_or(0))
        .collect();
    let signed = specificity.iter().take_while(|&&s| s > 0).count();
    assert!(
        signed >= 2 && specificity[signed..].iter().all(|&s| s == 0),
        "{specificity:?}"
    );
    assert!(
        specificity[..signed].windows(2).all(|w| w[0] >= w[1]),
        "{specificity:?}"
    );
    assert_eq!(
        list[0]["signatures"][0]["matched"],
        "java.lang.OutOfMemoryError: Java heap space"
    );
    assert!(
        list[0]["lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["line"] == 2),
        "{}",
        list[0]
    );
}

#[test]
fn the_launcher_issue_outranks_the_misdiagnosis_sharing_its_error() {
    // ISSUE-019 and ISSUE-020 quote the same error; ISSUE-020 (the real cause) carries the more
    // specific signature.
    let list = ranked(&excerpts().last().unwrap().1);
    let pos = |url: &str| {
        list.iter()
            .position(|e| e["url"].as_str().unwrap().ends_with(url))
    };
    assert!(pos("/issues/issue-020/").unwrap() < pos("/issues/issue-019/").unwrap());
}

#[test]
fn human_output_has_rank_title_kind_url_and_matched_lines() {
    let out = triage(
        "26/12/07 WARN Foo: bar\n  Warning  Failed  kubelet  Error: ImagePullBackOff\n",
        &[],
    );
    assert_exit(&out, 0);
    let text = stdout(&out);
    let first: Vec<&str> = text.lines().take(4).collect();
    assert!(
        first[0].starts_with("1. ") && first[0].ends_with("(recipe)"),
        "{text}"
    );
    assert_eq!(
        first[1].trim(),
        "https://example.github.io/spark-docs/recipes/troubleshoot/image-pull-backoff/",
        "the URL carries the site's base_url:\n{text}"
    );
    assert!(
        text.contains("   2 | Warning  Failed  kubelet  Error: ImagePullBackOff"),
        "{text}"
    );
    assert!(
        !text.contains("   1 | 26/12/07"),
        "an unmatched line is not shown:\n{text}"
    );
}

#[test]
fn token_search_routes_a_log_without_a_signature_and_ignores_generic_words() {
    // No signature matches; `CrashLoopBackOff` (a Kubernetes reason) does the routing.
    let list = ranked("Warning  BackOff  kubelet  Back-off restarting failed container spark-connect in pod sc41-connect-0 (CrashLoopBackOff)\n");
    assert!(
        list[0]["signatures"].as_array().unwrap().is_empty(),
        "{:?}",
        list[0]
    );
    assert!(
        list[0]["terms"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "CrashLoopBackOff"),
        "{:?}",
        list[0]
    );
    // Generic words alone route nowhere: exit 1 and a message on stderr.
    let out = triage("ERROR failed: connection exception, warn info error\n", &[]);
    assert_exit(&out, 1);
    assert!(
        stdout(&out).is_empty() && stderr(&out).contains("no page matches"),
        "{}",
        describe(&out)
    );
}

#[test]
fn reads_a_file_and_reports_usage_errors_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("driver.log");
    let excerpts = excerpts();
    std::fs::write(&file, &excerpts[6].1).unwrap();
    let out = spark_docs(["triage", "--format", "json", "--root"])
        .arg(repo_root())
        .arg(&file)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(list[0]["url"].as_str().unwrap().ends_with(&excerpts[6].2));

    let missing = spark_docs(["triage", "--root"])
        .arg(repo_root())
        .arg(dir.path().join("nope.log"))
        .output()
        .unwrap();
    assert_exit(&missing, 2);
    assert_exit(&triage("   \n", &[]), 2);
    let bad = spark_docs(["triage", "--format", "xml"]).output().unwrap();
    assert_exit(&bad, 2);
}

#[test]
fn signature_rules_fire_at_their_positions() {
    let checked = check_json(&fixture("check-signatures"), &[]);
    let mut found: Vec<(String, String, u64, u64)> = checked
        .findings
        .into_iter()
        .map(|f| (f.code, f.file, f.line, f.column))
        .collect();
    found.sort();
    let expect: Vec<(String, String, u64, u64)> = [
        (
            "issue-unrouted",
            "content/issues/ISSUE-002-unrouted.md",
            17,
            1,
        ),
        (
            "issue-unrouted",
            "content/issues/ISSUE-002-unrouted.md",
            31,
            1,
        ),
        (
            "issue-unrouted",
            "content/issues/ISSUE-002-unrouted.md",
            37,
            1,
        ),
        (
            "signature-unmatched",
            "content/issues/ISSUE-001-routed.md",
            6,
            6,
        ),
        (
            "signature-unmatched",
            "content/recipes/troubleshoot/oom.md",
            6,
            6,
        ),
    ]
    .iter()
    .map(|(c, f, l, col)| (c.to_string(), f.to_string(), *l, *col))
    .collect();
    assert_eq!(found, expect);
    // Warnings: exit 0, and 1 with --strict.
    assert_eq!(checked.code, 0);
    assert_eq!(
        check_json(&fixture("check-signatures"), &["--strict"]).code,
        1
    );
}

/// Seen on an adopted repository: its issues start with `# ISSUE-NNN: …` (a title, which the
/// "Issue" synonym of Symptoms must not turn into a Symptoms section), and a site with no
/// signature at all gets no `issue-unrouted` (one warning per quoted error of every issue).
#[test]
fn issue_unrouted_ignores_page_titles_and_waits_for_the_first_signature() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_dir(&fixture("check-signatures"), &site);
    let issue = site.join("content/issues/ISSUE-002-unrouted.md");
    edit(
        &issue,
        "Context before the symptom is not checked:",
        "# ISSUE-002: Issue with the metastore connection\n\nContext before the symptom is not checked:",
    );
    let unrouted = |root: &std::path::Path| -> Vec<u64> {
        check_json(root, &[])
            .findings
            .into_iter()
            .filter(|f| f.code == "issue-unrouted")
            .map(|f| f.line)
            .collect()
    };
    // The quotes under the title but before `## Symptom` stay out; the three real ones stay in.
    assert_eq!(unrouted(&site), vec![19, 33, 39]);
    // No signatures anywhere: the rule is silent.
    for page in [
        "content/issues/ISSUE-001-routed.md",
        "content/recipes/troubleshoot/oom.md",
    ] {
        let path = site.join(page);
        let text = std::fs::read_to_string(&path).unwrap();
        let mut out = Vec::new();
        let mut skipping = false;
        for line in text.lines() {
            if line.starts_with("signatures:") {
                skipping = true;
                continue;
            }
            if skipping && line.starts_with("  ") {
                continue;
            }
            skipping = false;
            out.push(line);
        }
        std::fs::write(&path, out.join("\n") + "\n").unwrap();
    }
    assert_eq!(unrouted(&site), Vec::<u64>::new());
}

/// The browser's paste box (search.js, run in node with the DOM stubbed) ranks like `triage`:
/// the same search terms in the same order, and the same signature matches with the same
/// specificity and count, in the same order up to ties (which the token score breaks: the
/// browser asks Pagefind which pages hold a term, the CLI reads the sources). Skips when `node`
/// is not installed.
#[test]
fn paste_box_ranks_like_triage() {
    if !program_runs("node") {
        eprintln!("SKIPPED paste_box_ranks_like_triage: `node` is not installed");
        return;
    }
    let opts = spark_docs::BuildOptions {
        root: repo_root(),
        ..Default::default()
    };
    let site = spark_docs::load_site(&opts).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sigs = dir.path().join("signatures.json");
    std::fs::write(&sigs, spark_docs::triage::signatures_json(&site)).unwrap();
    let excerpts = excerpts();
    let logs: Vec<&str> = excerpts.iter().map(|(_, log, _)| log.as_str()).collect();
    let logs_file = dir.path().join("logs.json");
    std::fs::write(&logs_file, serde_json::to_string(&logs).unwrap()).unwrap();
    let run = std::process::Command::new("node")
        .arg(repo_root().join("tests/browser/paste-rank.mjs"))
        .arg(repo_root().join("themes/default/static/search.js"))
        .arg(&sigs)
        .arg(&logs_file)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", describe(&run));
    let browser: Vec<serde_json::Value> = serde_json::from_slice(&run.stdout).unwrap();
    for ((what, log, _), js) in excerpts.iter().zip(&browser) {
        let terms: Vec<String> = spark_docs::triage::terms(log)
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(
            js["terms"],
            serde_json::json!(terms),
            "{what}: terms differ"
        );
        let cli: Vec<(usize, usize, String)> = spark_docs::triage::triage(&site, log)
            .into_iter()
            .filter(|e| !e.signatures.is_empty())
            .map(|e| {
                let best = e.signatures[0].specificity;
                (best, e.signatures.len(), site.url(e.page))
            })
            .collect();
        let js_list: Vec<(usize, usize, String)> = js["matches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["best"].as_u64().unwrap() as usize,
                    m["count"].as_u64().unwrap() as usize,
                    m["url"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        // Same (specificity, count) sequence; the same pages within each tie.
        let key = |l: &[(usize, usize, String)]| -> Vec<(usize, usize)> {
            l.iter().map(|(b, c, _)| (*b, *c)).collect()
        };
        assert_eq!(
            key(&js_list),
            key(&cli),
            "{what}: signature ranking differs"
        );
        let mut a = js_list.clone();
        let mut b = cli.clone();
        a.sort();
        b.sort();
        assert_eq!(a, b, "{what}: signature matches differ");
    }
}
