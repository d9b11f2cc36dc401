//! `spark-docs check` over tests/fixtures/check-lang: language blocks (`yaml-syntax`,
//! `json-syntax`, `toml-syntax`, `python-syntax`, `rego-syntax`, `properties-syntax`), notebook
//! code cells (`notebook-python-syntax`, `notebook-invalid`) and Rego policies over presets
//! (`policy-deny`, `policy-warn`, `policy-invalid`, `policy-rego-v0`).
//!
//! `bad/` holds one valid and one invalid block per language (the valid ones are the same file as
//! in `clean/`), a notebook with a bad cell, a broken policy and presets that trip the policies;
//! `clean/` holds only valid sources and must produce no finding of these codes.

use std::path::{Path, PathBuf};

use crate::support::*;

const CODES: &[&str] = &[
    "yaml-syntax",
    "json-syntax",
    "toml-syntax",
    "python-syntax",
    "rego-syntax",
    "properties-syntax",
    "notebook-python-syntax",
    "notebook-invalid",
    "policy-deny",
    "policy-warn",
    "policy-invalid",
    "policy-rego-v0",
];

fn root(name: &str) -> PathBuf {
    fixture("check-lang").join(name)
}

/// The findings of [`CODES`] over `root`, and what `check` printed on stderr.
fn run_check(root: &Path) -> (Vec<Finding>, String) {
    let checked = check_json(root, &[]);
    let findings = checked
        .findings
        .into_iter()
        .filter(|f| CODES.contains(&f.code.as_str()))
        .collect();
    (findings, checked.stderr)
}

fn bad() -> Vec<Finding> {
    run_check(&root("bad")).0
}

const INVALID: &str = "content/recipes/operations/invalid-blocks.md";
const VALID: &str = "content/recipes/operations/valid-blocks.md";

#[test]
fn yaml_block_error_points_into_the_markdown_file() {
    let all = bad();
    let f = find(&all, "yaml-syntax", INVALID, 6, 2);
    assert_eq!(f.severity, "error");
    assert!(f.message.contains("invalid YAML"), "{f:?}");
}

#[test]
fn json_block_trailing_comma() {
    let all = bad();
    let f = find(&all, "json-syntax", INVALID, 12, 1);
    assert!(f.message.contains("trailing comma"), "{f:?}");
    assert!(!f.help.is_empty());
}

#[test]
fn toml_block_unquoted_string() {
    let all = bad();
    let f = find(&all, "toml-syntax", INVALID, 17, 9);
    assert!(f.help.contains("quoted"), "{f:?}");
}

#[test]
fn python_block_in_a_list_item_points_at_the_unclosed_bracket() {
    let all = bad();
    let f = find(&all, "python-syntax", INVALID, 25, 80);
    assert_eq!(f.message, "invalid Python: `(` was never closed");
}

#[test]
fn rego_block_unexpected_end_points_at_the_last_line() {
    let all = bad();
    let f = find(&all, "rego-syntax", INVALID, 34, 21);
    assert!(f.message.starts_with("invalid Rego"), "{f:?}");
}

#[test]
fn properties_blocks_spark_submit_flag_and_bad_unicode_escape() {
    let all = bad();
    let f = find(&all, "properties-syntax", INVALID, 39, 1);
    assert!(f.message.contains("`--conf`"), "{f:?}");
    assert_eq!(
        f.help,
        "write the property itself: `spark.eventLog.dir s3a://spark-logs/events`"
    );
    let f = find(&all, "properties-syntax", INVALID, 43, 19);
    assert!(f.message.contains("\\uxxxx"), "{f:?}");
}

#[test]
fn one_finding_per_invalid_block_and_none_for_valid_blocks() {
    let all = bad();
    let in_invalid: Vec<&Finding> = all.iter().filter(|f| f.file == INVALID).collect();
    assert_eq!(in_invalid.len(), 7, "{in_invalid:#?}");
    let in_valid: Vec<&Finding> = all.iter().filter(|f| f.file == VALID).collect();
    assert!(
        in_valid.is_empty(),
        "valid blocks got findings: {in_valid:#?}"
    );
}

#[test]
fn notebook_cell_error_points_at_the_ipynb_line() {
    let all = bad();
    let f = find(
        &all,
        "notebook-python-syntax",
        "content/notebooks/probe-bad.ipynb",
        51,
        27,
    );
    assert_eq!(f.message, "invalid Python: `(` was never closed");
    // The valid notebook (magics, `%%bash` cell, f-strings) has none.
    assert!(
        !all.iter()
            .any(|f| f.file == "content/notebooks/probe.ipynb"),
        "{all:#?}"
    );
}

#[test]
fn notebook_with_a_source_of_the_wrong_type_is_invalid() {
    let all = bad();
    let f = find(
        &all,
        "notebook-invalid",
        "content/notebooks/broken.ipynb",
        11,
        1,
    );
    assert_eq!(
        f.message,
        "cell 1: `source` must be a string or a list of strings"
    );
}

#[test]
fn policies_deny_warn_and_invalid() {
    let all = bad();
    let f = find(
        &all,
        "policy-deny",
        "presets/demo/values-scenario-privileged.yaml",
        1,
        1,
    );
    assert_eq!(f.severity, "error");
    assert_eq!(
        f.message,
        "policy spark.security: privileged containers are not allowed (demo)"
    );
    let f = find(
        &all,
        "policy-deny",
        "presets/demo/values-scenario-no-auth.yaml",
        1,
        1,
    );
    assert_eq!(
        f.message, "policy spark.legacy: spark.authenticate must not be disabled",
        "v0 policy, object messages"
    );
    // The v0 module is still evaluated (above) and reported, at the body v1 needs an `if` for.
    let f = find(&all, "policy-rego-v0", "policies/legacy.rego", 4, 25);
    assert_eq!(f.severity, "error");
    assert!(f.help.contains("`contains` for partial sets"), "{f:?}");
    // The message names `image.tag` in backticks: the finding points at that key.
    let f = find(
        &all,
        "policy-warn",
        "presets/demo/values-scenario-latest.yaml",
        5,
        3,
    );
    assert_eq!(f.severity, "warning");
    assert!(
        f.message
            .starts_with("policy spark.security: image tag `latest`"),
        "{f:?}"
    );
    let f = find(&all, "policy-invalid", "policies/broken.rego", 7, 24);
    assert!(f.message.starts_with("invalid Rego policy"), "{f:?}");
    // `# test-only: true` exempts a preset through data.spark_docs.preset.test_only.
    for clean in [
        "presets/demo/values-scenario-test-only.yaml",
        "presets/demo/values-scenario-clean.yaml",
    ] {
        assert!(!all.iter().any(|f| f.file == clean), "{clean}: {all:#?}");
    }
    let policy_findings = all.iter().filter(|f| f.code.starts_with("policy-")).count();
    assert_eq!(policy_findings, 5, "{all:#?}");
}

#[test]
fn clean_fixture_has_no_findings_and_prints_nothing() {
    let (all, stderr) = run_check(&root("clean"));
    assert!(all.is_empty(), "{all:#?}");
    assert!(stderr.trim().is_empty(), "stderr: {stderr}");
    // Rules never print, even over broken policies and v0 modules.
    let (_, stderr) = run_check(&root("bad"));
    assert!(stderr.trim().is_empty(), "stderr: {stderr}");
}
