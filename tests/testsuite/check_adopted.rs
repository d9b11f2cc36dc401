//! An adopted repository (docs/…, charts/…, no front matter, its own site.toml) gets every
//! relevant rule with no extra configuration.

use std::path::Path;

use crate::support::*;

/// `(code, file)` of every finding of `spark-docs check` over `root`.
fn codes(root: &Path) -> Vec<(String, String)> {
    check_json(root, &[])
        .findings
        .into_iter()
        .map(|f| (f.code, f.file))
        .collect()
}

#[test]
fn adopted_repository_is_clean_then_every_rule_family_fires() {
    let fixture = fixture("adopted");
    assert!(
        codes(&fixture).is_empty(),
        "the adopted fixture is clean: {:?}",
        codes(&fixture)
    );

    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture, dir.path());
    let recipe = dir.path().join("docs/recipes/troubleshoot/driver-host.md");
    edit(
        &recipe,
        "--set connect.driver.host=",
        "--set connect.drivr.host=",
    );
    edit(
        &recipe,
        "kubectl -n <namespace> logs",
        "kubectl -n <namespace> logs \"unclosed",
    );
    edit(
        &recipe,
        "[the S3 credentials recipe](s3-creds.md)",
        "[the S3 credentials recipe](s3-creds.md#nope) and ISSUE-042",
    );
    let preset = dir.path().join("charts/demo/values-scenario-basic.yaml");
    append(&preset, "\nconnnect:\n  enabled: true\n");

    let found = codes(dir.path());
    let has = |code: &str, file: &str| found.iter().any(|(c, f)| c == code && f == file);
    let r = "docs/recipes/troubleshoot/driver-host.md";
    assert!(has("helm-set-unknown-key", r), "{found:?}");
    assert!(has("shell-syntax", r), "{found:?}");
    assert!(has("anchor-broken", r), "{found:?}");
    assert!(has("issue-unknown", r), "{found:?}");
    assert!(
        has(
            "values-unknown-key",
            "charts/demo/values-scenario-basic.yaml"
        ),
        "{found:?}"
    );
}

#[test]
fn same_named_presets_in_different_directories_get_their_own_pages() {
    // `environments/dev/values.yaml` and `environments/prod/values.yaml` of one chart: no
    // url-conflict (the fixture is clean above), one page each named by the directory, and the
    // Celeborn client's `spark.celeborn.*` properties are an open namespace.
    let site = build_fixture("adopted");
    for env in ["dev", "prod"] {
        let page = read_page(
            &site.out,
            &format!("/presets/demo/environments-{env}-values/"),
        );
        assert!(page.contains("values.yaml"), "{env}: {page}");
    }
    let prod = read_page(&site.out, "/presets/demo/environments-prod-values/");
    assert!(prod.contains("spark.celeborn.master.endpoints"), "{prod}");
    // The preset whose stem is unique keeps its URL.
    read_page(&site.out, "/presets/demo/values-scenario-basic/");
}

#[test]
fn a_comma_inside_a_set_value_is_reported_as_helm_reads_it() {
    // `--set k="a:1,b:2"`: the shell drops the quotes and Helm splits at the comma, so `b:2` is
    // a part without `=` and `helm` fails ("key has no value").
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("adopted"), dir.path());
    let recipe = dir.path().join("docs/recipes/troubleshoot/driver-host.md");
    edit(
        &recipe,
        "--set connect.driver.host=<release-name>-connect",
        "--set connect.driver.host=\"demo-connect:15002,demo-connect-2:15002\"",
    );
    let checked = check_json(dir.path(), &[]);
    let f = find(
        &checked.findings,
        "helm-set-unknown-key",
        "docs/recipes/troubleshoot/driver-host.md",
        25,
        49,
    );
    assert!(f.message.contains("has no `=`"), "{f:?}");
    assert!(f.help.contains("\\,"), "{f:?}");
}
