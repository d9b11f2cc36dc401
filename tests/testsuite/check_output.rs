//! The machine-readable outputs of `spark-docs check`: JSON validates against the committed
//! schema, GitHub lines have the exact workflow-command syntax, human output reads like rustc.

use std::path::{Path, PathBuf};

use crate::support::*;

fn run(root: &Path, format: &str) -> (i32, String) {
    check_text(root, format, &[])
}

fn links_fixture() -> PathBuf {
    fixture("check-links")
}

#[test]
fn json_output_validates_against_committed_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../schemas/check-output.schema.json"))
            .expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for root in [links_fixture(), repo_root()] {
        let (_, text) = run(&root, "json");
        let value: serde_json::Value = serde_json::from_str(&text).expect("output is JSON");
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", root.display());
    }
    let (_, text) = run(&links_fixture(), "json");
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(value["summary"]["errors"].as_u64().unwrap() > 0);
    assert!(value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["help"].is_string()));
}

#[test]
fn github_lines_are_workflow_commands() {
    let (code, text) = run(&links_fixture(), "github");
    assert_eq!(code, 1);
    let re = regex::Regex::new(
        r"^::(error|warning|notice) file=[^,:]+,line=\d+,col=\d+,title=[a-z0-9-]+::\S.*$",
    )
    .unwrap();
    assert!(!text.is_empty());
    for line in text.lines() {
        assert!(re.is_match(line), "not a workflow command: {line}");
    }
}

#[test]
fn human_output_has_location_caret_and_summary() {
    let (_, text) = run(&links_fixture(), "human");
    assert!(
        text.contains("error[link-broken]: `missing.md` points to"),
        "{text}"
    );
    assert!(
        text.contains("  --> content/recipes/troubleshoot/broken.md:10:68\n"),
        "{text}"
    );
    assert!(
        text.contains("= help: links are relative to the file they are written in"),
        "{text}"
    );
    assert!(text.lines().any(|l| l.trim_end().ends_with('^')), "{text}");
    assert!(text.trim_end().ends_with("warnings"), "{text}");
}

#[test]
fn strict_fails_on_warnings_only() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("issues")).unwrap();
    std::fs::write(
        dir.path().join("site.toml"),
        "title = \"t\"\n[sources]\nissues = \"issues\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("issues/ISSUE-001-x.md"),
        "# ISSUE-001: Orphan\n",
    )
    .unwrap();
    let root = dir.path();
    assert_eq!(run(root, "human").0, 0);
    let out = spark_docs(["check", "--strict", "--root"])
        .arg(root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn default_site_passes_strict() {
    let out = spark_docs(["check", "--strict", "--root"])
        .arg(repo_root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
