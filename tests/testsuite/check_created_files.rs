//! Files a page's (or script's) own earlier steps create are not reported missing, over
//! tests/fixtures/check-created-files: `cp`, redirections, here-documents, `tee`, `kubeseal -w`,
//! `mv`, `curl -o`, `wget -O`, `helm template --output-dir`, `helm pull --untar -d`, `git clone`,
//! `mkdir -p`, dated names, captions, fence titles, tree diagrams and `cd`. A file nothing
//! creates, one used before the step that creates it, or one only a "Wrong:" block writes, is
//! still reported.

use std::path::Path;

use crate::support::*;

const RESTORE: &str = "content/recipes/operations/backup-and-restore.md";
const MISSING: &str = "content/recipes/operations/still-missing.md";
const SCRIPT: &str = "scripts/restore.sh";

/// `(code, file, line, column)` of every finding of `spark-docs check` over `root`.
fn findings(root: &Path) -> Vec<(String, String, u64, u64)> {
    let mut v: Vec<_> = check_json(root, &[])
        .findings
        .into_iter()
        .map(|f| (f.code, f.file, f.line, f.column))
        .collect();
    v.sort();
    v
}

fn at(code: &str, file: &str, line: u64, column: u64) -> (String, String, u64, u64) {
    (code.to_string(), file.to_string(), line, column)
}

#[test]
fn created_files_are_not_missing_and_real_defects_stay() {
    let mut expect = vec![
        // Used in the block before the one that writes it.
        at("helm-values-file-missing", MISSING, 9, 47),
        // Nothing creates these.
        at("helm-values-file-missing", MISSING, 23, 47),
        at("path-missing", MISSING, 24, 4),
        at("helm-chart-missing", MISSING, 25, 30),
        at("path-missing", MISSING, 25, 30),
        at("link-broken", MISSING, 28, 6),
        // The tree diagram declares deploy/values-common.yaml, not deploy/values-stage.yaml.
        at("helm-values-file-missing", MISSING, 36, 47),
        // Only a block the page shows as the mistake writes it, and nobody runs that one.
        at("helm-values-file-missing", MISSING, 50, 47),
        at("helm-values-file-missing", SCRIPT, 6, 47),
        at("path-missing", SCRIPT, 6, 47),
    ];
    expect.sort();
    assert_eq!(findings(&fixture("check-created-files")), expect);
}

/// Without the steps that create them, every use on the clean page is reported: the fixture
/// exercises each creator, and the rules still see these paths.
#[test]
fn without_the_creating_steps_the_uses_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("check-created-files"), dir.path());
    let page = dir.path().join(RESTORE);
    for creator in [
        "cp presets/values-base.yaml my-values.yaml",
        "kubectl -n <namespace> get configmap spark-conf -o yaml > spark-conf.yaml",
        "kubeseal --format yaml -w presets/sealed-s3.yaml < s3-secret.yaml",
        "cat <<'YAML' | tee presets/overrides.yaml",
        "cat > values-s3.yaml <<'YAML'",
        "mv values-s3.yaml values-s3-prod.yaml",
        "echo '  dynamicAllocation: {enabled: true}' | tee -a presets/overrides.yaml",
        "helm get values spark -o yaml > \"presets/values-$(date +%F).yaml\"",
        "curl -fsSL -o values-upstream.yaml https://<mirror>/spark/values.yaml",
        "wget -O charts/upstream-values.yaml https://<mirror>/spark/values.yaml",
        "helm template spark bitnami/spark --output-dir charts/rendered",
        "helm pull bitnami/spark --untar -d charts/vendor",
        "git clone https://<git-host>/platform/spark-configs.git charts/configs",
        "mkdir -p presets/generated",
        "# file: values-gpu.yaml",
        "```yaml title=\"values-spot.yaml\"",
        "└── envs/",
    ] {
        let neutral = if creator.starts_with("```") {
            "```yaml"
        } else if creator.starts_with('#') {
            "# GPU overrides"
        } else if creator.starts_with('└') {
            "└── other/"
        } else if creator.contains("<<'YAML'") {
            "cat <<'YAML'"
        } else {
            "true"
        };
        edit(&page, creator, neutral);
    }
    let found = findings(dir.path());
    let on_page = |code: &str, line: u64| {
        found
            .iter()
            .any(|(c, f, l, _)| c == code && f == RESTORE && *l == line)
    };
    for (code, line) in [
        ("helm-values-file-missing", 13),  // my-values.yaml, spark-conf.yaml
        ("link-broken", 16),               // [the values you copied](my-values.yaml)
        ("path-missing", 23),              // presets/sealed-s3.yaml
        ("helm-values-file-missing", 45),  // presets/overrides.yaml, values-s3-prod.yaml
        ("helm-values-file-missing", 46),  // values-upstream.yaml, charts/upstream-values.yaml
        ("path-missing", 53),              // charts/rendered/spark/templates
        ("helm-chart-missing", 55),        // charts/vendor/spark
        ("helm-values-file-missing", 57),  // charts/configs/prod.yaml
        ("path-missing", 59),              // presets/generated
        ("helm-values-file-missing", 73),  // presets/values-2026-01-31.yaml
        ("helm-values-file-missing", 102), // values-gpu.yaml, values-spot.yaml
        ("helm-values-file-missing", 103), // deploy/envs/values-prod.yaml
        ("helm-values-file-missing", 105), // envs/values-prod.yaml after `cd deploy`
    ] {
        assert!(on_page(code, line), "{code} at line {line}: {found:#?}");
    }
    // A name with a date placeholder is a placeholder, not a path to look for; a file the
    // diagram still declares is still found.
    assert!(!on_page("helm-values-file-missing", 72), "{found:#?}");
    assert!(
        !found
            .iter()
            .any(|(c, f, l, col)| c == "helm-values-file-missing"
                && f == RESTORE
                && *l == 103
                && *col < 30),
        "deploy/values-common.yaml is still declared: {found:#?}"
    );
}
