//! `spark-docs check` over tests/fixtures/check-values: presets against their chart contract
//! (`values-unknown-key`, `values-type`, `values-schema`) and helm commands in recipes and
//! scripts (`helm-chart-missing`, `helm-set-unknown-key`, `helm-values-file-missing`).

use crate::support::*;

const CODES: &[&str] = &[
    "values-unknown-key",
    "values-type",
    "values-schema",
    "helm-chart-missing",
    "helm-set-unknown-key",
    "helm-values-file-missing",
];

/// The findings of [`CODES`] over tests/fixtures/check-values.
fn fixture_findings() -> Vec<Finding> {
    findings_of(&fixture("check-values"), CODES)
}

const RECIPE: &str = "content/recipes/deployment/install.md";
const CHART: &str = "contracts/spark-x";

#[test]
fn unknown_preset_key_with_did_you_mean() {
    let all = fixture_findings();
    let f = find(
        &all,
        "values-unknown-key",
        &format!("{CHART}/values-scenario-typo.yaml"),
        5,
        1,
    );
    assert!(f.message.contains("sparkConect"), "{f:?}");
    assert!(f.help.contains("did you mean `sparkConnect`"), "{f:?}");
}

#[test]
fn unknown_key_under_vendored_subchart() {
    let all = fixture_findings();
    let f = find(
        &all,
        "values-unknown-key",
        &format!("{CHART}/values-scenario-subchart.yaml"),
        6,
        3,
    );
    assert!(f.message.contains("metastore.warehouseDirr"), "{f:?}");
    assert!(f.help.contains("warehouseDir"), "{f:?}");
    // `enabled` (the dependency condition) and known subchart keys are fine.
    let others: Vec<&Finding> = all
        .iter()
        .filter(|f| f.file.ends_with("values-scenario-subchart.yaml") && f.line != 6)
        .collect();
    assert!(others.is_empty(), "{others:#?}");
}

#[test]
fn type_mismatch_against_default() {
    let all = fixture_findings();
    let f = find(
        &all,
        "values-type",
        &format!("{CHART}/values-scenario-type.yaml"),
        5,
        5,
    );
    assert!(
        f.message.contains("sparkConnect.executor.cores") && f.message.contains("string"),
        "{f:?}"
    );
    // The schema's own type error at the same place is not reported twice.
    let dup: Vec<&Finding> = all
        .iter()
        .filter(|f| f.code == "values-schema" && f.file.ends_with("values-scenario-type.yaml"))
        .collect();
    assert!(dup.is_empty(), "{dup:#?}");
}

#[test]
fn schema_violation() {
    let all = fixture_findings();
    let f = find(
        &all,
        "values-schema",
        &format!("{CHART}/values-scenario-schema.yaml"),
        4,
        3,
    );
    assert!(
        f.message.contains("connect.backendMode") && f.message.contains("kubernetes"),
        "{f:?}"
    );
}

#[test]
fn clean_preset_has_no_findings() {
    let all = fixture_findings();
    let bad: Vec<&Finding> = all
        .iter()
        .filter(|f| f.file.ends_with("values-scenario-clean.yaml"))
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn set_key_typo_in_recipe() {
    let all = fixture_findings();
    let f = find(&all, "helm-set-unknown-key", RECIPE, 11, 44);
    assert!(f.message.contains("connect.sparConf"), "{f:?}");
    assert!(f.help.contains("connect.sparkConf"), "{f:?}");
}

#[test]
fn unescaped_spark_property_shows_escaped_form() {
    let all = fixture_findings();
    let f = find(&all, "helm-set-unknown-key", RECIPE, 18, 9);
    assert!(f.message.contains("spark.executor.memory"), "{f:?}");
    assert!(
        f.help
            .contains(r"--set 'connect.sparkConf.spark\.executor\.memory=4g'"),
        "{f:?}"
    );
    let half = find(&all, "helm-set-unknown-key", RECIPE, 24, 52);
    assert!(
        half.help.contains(
            r"--set-string 'connect.sparkConf.spark\.hive\.metastore\.uris=thrift://hms:9083'"
        ),
        "{half:?}"
    );
}

#[test]
fn missing_values_file_and_chart() {
    let all = fixture_findings();
    let f = find(&all, "helm-values-file-missing", RECIPE, 30, 26);
    assert!(f.message.contains("missing.yaml"), "{f:?}");
    let c = find(&all, "helm-chart-missing", RECIPE, 30, 16);
    assert!(c.message.contains("./nope"), "{c:?}");
    // `$ `-prompted console lines are checked; their output lines are not.
    find(&all, "helm-chart-missing", RECIPE, 34, 13);
}

#[test]
fn correct_commands_have_no_findings() {
    let all = fixture_findings();
    // The "Everything right" block: escaped properties, free-form maps, globals, subchart keys,
    // files written earlier on the page, placeholders, variables, remote charts.
    let bad: Vec<&Finding> = all
        .iter()
        .filter(|f| f.file == RECIPE && f.line >= 38)
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn scripts_are_checked() {
    let all = fixture_findings();
    let f = find(
        &all,
        "helm-set-unknown-key",
        "content/scripts/deploy.sh",
        7,
        9,
    );
    assert!(f.help.contains("connect.driver.host"), "{f:?}");
    assert_eq!(
        all.iter()
            .filter(|f| f.file == "content/scripts/deploy.sh")
            .count(),
        1,
        "{all:#?}"
    );
}

#[test]
fn exact_finding_count() {
    // Guards against both missed and spurious findings of these codes.
    let all = fixture_findings();
    assert_eq!(all.len(), 11, "{all:#?}");
}

#[test]
fn default_site_is_clean() {
    let all = findings_of(&repo_root(), CODES);
    assert!(all.is_empty(), "{all:#?}");
}

#[test]
fn broken_vendored_subchart_is_reported() {
    // Subcharts are loaded with the site, not while checking: a broken values.yaml of a vendored
    // dependency, and a broken Chart.yaml one level deeper, are load findings at file:line.
    let all: Vec<(String, String, u64, u64)> = check_json(&fixture("check-values-subchart"), &[])
        .findings
        .into_iter()
        .map(|f| (f.code, f.file, f.line, f.column))
        .collect();
    let at = |code: &str, file: &str, line: u64, column: u64| {
        (code.to_string(), file.to_string(), line, column)
    };
    assert_eq!(
        all,
        vec![
            at(
                "values-syntax",
                "charts/app/charts/broken/values.yaml",
                5,
                1
            ),
            at(
                "chart-invalid",
                "charts/app/charts/nested/charts/deep/Chart.yaml",
                4,
                1
            ),
        ],
        "the preset itself is clean; only the subcharts' own files are reported"
    );
}

#[test]
fn set_keys_checked_against_unlisted_local_chart() {
    // charts/app is not under `[sources] charts` and no preset sits beside it: `load` loads it
    // because a recipe's helm command names it by a relative path, so its `--set` keys are
    // checked; vendor/mapped is loaded as the target of `[chart_paths]`, for a script.
    let checked = check_json(&fixture("check-helm-unlisted"), &[]);
    assert_eq!(checked.code, 1, "{}", checked.stderr);
    let all = checked.findings;
    let recipe = "content/recipes/deployment/install.md";
    let f = find(&all, "helm-set-unknown-key", recipe, 11, 35);
    assert!(f.message.contains("`typo.key`"), "{f:?}");
    assert!(f.message.contains("chart `app`"), "{f:?}");
    let f = find(
        &all,
        "helm-set-unknown-key",
        "content/scripts/render.sh",
        6,
        37,
    );
    assert!(f.help.contains("did you mean `logLevel`"), "{f:?}");
    // The correct keys (recipe line 17, script line 5) get none; nothing else is reported.
    let at: Vec<(&str, &str, u64)> = all
        .iter()
        .map(|f| (f.code.as_str(), f.file.as_str(), f.line))
        .collect();
    assert_eq!(
        at,
        vec![
            ("helm-set-unknown-key", recipe, 11),
            ("helm-set-unknown-key", "content/scripts/render.sh", 6),
        ]
    );
}
