//! False alarms of an adopted repository (tests/fixtures/adopted-patterns) vanish, and the real
//! defect behind each pattern stays: section headings by their synonyms (English, Russian,
//! numbered, with emoji) but a recipe truly without its Solution; links to repository files that
//! are no pages but a link to a file that exists nowhere; ShellCheck idioms and notes below the
//! minimum level but a real SC2086; a Rego v1 policy but a v0 one.

use std::path::Path;

use crate::support::*;

const FIXTURE: &str = "adopted-patterns";

fn all_findings(root: &Path) -> Vec<Finding> {
    check_json(root, &[]).findings
}

#[test]
fn the_adopted_patterns_raise_no_finding() {
    let found = all_findings(&fixture(FIXTURE));
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn a_recipe_truly_missing_a_section_and_an_unrouted_quote_under_a_synonym_stay() {
    let s = site(FIXTURE);
    edit(
        &s.root.join("docs/recipes/troubleshoot/numbered.md"),
        "## 1. Fix the probe",
        "## Notes",
    );
    edit(
        &s.root.join("docs/issues/ISSUE-002-driver-host.md"),
        "java.net.UnknownHostException: spark-connect-driver",
        "java.nio.channels.ClosedChannelException",
    );
    let found = all_findings(&s.root);
    let missing = find(
        &found,
        "recipe-missing-section",
        "docs/recipes/troubleshoot/numbered.md",
        4,
        1,
    );
    assert!(missing.message.contains("`## Solution`"), "{missing:?}");
    assert!(
        !missing.message.contains("Symptoms") && !missing.message.contains("Diagnosis"),
        "`## Issue` and `## Root cause` count: {missing:?}"
    );
    // The quote sits under `## Проблема`, the Russian name of the Symptoms section.
    find(
        &found,
        "issue-unrouted",
        "docs/issues/ISSUE-002-driver-host.md",
        10,
        1,
    );
    assert_eq!(found.len(), 2, "{found:#?}");
}

#[test]
fn a_site_replaces_section_names_and_bad_names_are_configuration_errors() {
    let s = site(FIXTURE);
    let toml = s.root.join("site.toml");
    append(&toml, "\n[sections]\nsolution = [\"Remedy\"]\n");
    let found = all_findings(&s.root);
    let files: Vec<&str> = found
        .iter()
        .filter(|f| f.code == "recipe-missing-section")
        .map(|f| f.file.as_str())
        .collect();
    // `## Solution 1: …` still counts (a section's own name always does); `Fix`, `Исправление`
    // no longer do.
    assert_eq!(
        files,
        [
            "docs/recipes/troubleshoot/driver-host-ru.md",
            "docs/recipes/troubleshoot/numbered.md"
        ],
        "{found:#?}"
    );

    edit(
        &toml,
        "solution = [\"Remedy\"]",
        "solution = [\"...\", \"Fix\"]\nsymptom = [\"Observed\"]",
    );
    let out = check_output(&s.root, "human", &[]);
    assert_exit(&out, 2);
    let err = stderr(&out);
    let line = std::fs::read_to_string(&toml)
        .unwrap()
        .lines()
        .position(|l| l.starts_with("symptom ="))
        .unwrap()
        + 1;
    assert!(err.contains(&format!("site.toml:{line}:")), "{err}");
    assert!(
        err.contains("`symptom` is no troubleshooting section"),
        "{err}"
    );

    edit(
        &toml,
        "symptom = [\"Observed\"]",
        "diagnosis = [\"...\", \"Fix\"]",
    );
    let out = check_output(&s.root, "human", &[]);
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains("`Fix`: this name is already a name of `"),
        "a name under two sections: {err}"
    );
}

/// The `href`s of every built page, by page file.
fn hrefs(out: &Path) -> Vec<String> {
    let re = regex::Regex::new(r#"href="([^"]*)""#).unwrap();
    let mut all = Vec::new();
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "html") {
            let html = std::fs::read_to_string(entry.path()).unwrap();
            all.extend(re.captures_iter(&html).map(|c| c[1].to_string()));
        }
    }
    all
}

#[test]
fn links_to_repository_files_go_to_the_repository_view_or_below_the_base_path() {
    let s = site(FIXTURE);
    assert_success(&run_build(&s.root, &s.out, &[]));
    let links = hrefs(&s.out);
    let repo = "https://github.com/example/spark-platform";
    for want in [
        format!("{repo}/blob/develop/docker/spark/README.md#memory"),
        format!("{repo}/tree/develop/docker/spark"),
        format!("{repo}/blob/develop/tools/run.py"),
    ] {
        assert!(links.contains(&want), "no link {want}: {links:#?}");
    }
    assert!(!links.iter().any(|l| l.contains("../docker")), "{links:#?}");

    // Without `repo_url`: relative to the site root, under the base path.
    edit(
        &s.root.join("site.toml"),
        "repo_url = \"https://github.com/example/spark-platform\"\n",
        "",
    );
    let out2 = s.tmp.path().join("out/second");
    assert_success(&run_build(&s.root, &out2, &[]));
    let links = hrefs(&out2);
    assert!(
        links.contains(&"/platform/docker/spark/README.md#memory".to_string()),
        "{links:#?}"
    );
}

#[test]
fn a_link_to_a_file_that_exists_nowhere_stays_broken_and_a_repository_above_the_site_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    let root = repo.join("site");
    copy_dir(&fixture(FIXTURE), &root);
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::create_dir_all(repo.join("shared")).unwrap();
    std::fs::write(repo.join("shared/runbook.md"), "# Runbook\n").unwrap();
    let recipe = root.join("docs/recipes/troubleshoot/executor-oom.md");
    edit(
        &recipe,
        "replays the job.",
        "replays the job; see [the runbook](../../../../shared/runbook.md),\nnot [the old one](../../../docker/legacy/README.md) or [this](../../../../../nowhere.md).",
    );
    let found = all_findings(&root);
    let broken: Vec<_> = found.iter().filter(|f| f.code == "link-broken").collect();
    assert_eq!(broken.len(), 2, "{found:#?}");
    let file = "docs/recipes/troubleshoot/executor-oom.md";
    assert!(find(&found, "link-broken", file, 12, 5)
        .message
        .contains("docker/legacy/README.md"));
    find(&found, "link-broken", file, 12, 56);
    assert_eq!(found.len(), 2, "{found:#?}");
}

#[test]
fn shellcheck_idioms_and_notes_below_the_minimum_vanish_a_real_sc2086_stays() {
    if !program_runs("shellcheck") {
        eprintln!("note: shellcheck is not installed: skipped");
        return;
    }
    let s = site(FIXTURE);
    let script = s.root.join("scripts/cleanup.sh");
    append(&script, "rm -rf $HOME/.cache/spark-$namespace\n");
    let found = all_findings(&s.root);
    let f = find(&found, "shellcheck", "scripts/cleanup.sh", 12, 8);
    assert!(f.message.starts_with("SC2086:"), "{f:?}");
    assert_eq!(f.severity, "warning");
    assert!(
        found
            .iter()
            .all(|f| !f.message.starts_with("SC2015") && !f.message.starts_with("SC2001")),
        "{found:#?}"
    );

    // Every level: the style note shows (as info), the `|| true` idiom still does not.
    append(
        &s.root.join("site.toml"),
        "\n[check]\nshellcheck_level = \"style\"\n",
    );
    let found = all_findings(&s.root);
    let style = find(&found, "shellcheck", "scripts/cleanup.sh", 10, 9);
    assert_eq!(style.severity, "info");
    assert!(style.message.starts_with("SC2001"), "{style:?}");
    assert!(
        found.iter().all(|f| !f.message.starts_with("SC2015")),
        "{found:#?}"
    );

    edit(&s.root.join("site.toml"), "\"style\"", "\"loud\"");
    assert_exit(&check_output(&s.root, "human", &[]), 2);
}

#[test]
fn a_rego_v0_policy_is_reported_with_its_v1_form_and_still_evaluated() {
    let s = site(FIXTURE);
    std::fs::write(
        s.root.join("policies/legacy.rego"),
        "package spark.legacy\n\ndeny[msg] {\n\tinput.connect.enabled == false\n\tmsg := \"connect must be on\"\n}\n",
    )
    .unwrap();
    let found = all_findings(&s.root);
    let f = find(&found, "policy-rego-v0", "policies/legacy.rego", 3, 11);
    assert_eq!(f.severity, "error");
    assert!(
        f.help
            .contains("write `deny contains msg if {` for `deny[msg] {`")
            && f.help.contains("import rego.v1"),
        "{f:?}"
    );
    assert_eq!(found.len(), 1, "{found:#?}");
}
