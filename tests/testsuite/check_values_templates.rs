//! `spark-docs check` over tests/fixtures/check-values-templates: a chart understood through its
//! templates. Keys templates read are known (`toYaml`, `range`, `with`, `index`, `$.Values`,
//! `define`/`include` in `_helpers.tpl`, a subchart's templates, a dependency condition), maps
//! handed on whole are open, the schema still closes what it closes, and declared keys no
//! template reads are `values-unread-key` — in presets, `--set` keys and values blocks in pages.

use crate::support::*;

const CODES: &[&str] = &[
    "values-unknown-key",
    "values-unread-key",
    "values-type",
    "values-schema",
    "helm-set-unknown-key",
    "helm-values-file-missing",
];

const CHART: &str = "charts/app";
/// A `common` library chart dependency (version 2.0.0), as Chart.yaml list-item lines.
const COMMON_DEPENDENCY: &str =
    "name: common\n    version: 2.0.0\n    repository: oci://registry.example/charts";
const INSTALL: &str = "content/recipes/deploy/install.md";
const TUNE: &str = "content/recipes/deploy/tune.md";

fn fixture_findings() -> Vec<Finding> {
    findings_of(&fixture("check-values-templates"), CODES)
}

fn in_file<'a>(all: &'a [Finding], file: &str) -> Vec<&'a Finding> {
    all.iter().filter(|f| f.file == file).collect()
}

/// The fixture in a temporary directory, its chart's configmap including the named template
/// `template` (under `key`) and its Chart.yaml listing one more dependency, given as the YAML
/// lines of its list item after `- `.
fn fixture_including(key: &str, template: &str, dependency: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture("check-values-templates"), tmp.path());
    let chart = tmp.path().join(CHART);
    append(
        &chart.join("templates/configmap.yaml"),
        &format!("  {key}: {{{{ include \"{template}\" . }}}}\n"),
    );
    append(&chart.join("Chart.yaml"), &format!("  - {dependency}\n"));
    tmp
}

#[test]
fn keys_templates_read_are_known_and_whole_maps_open() {
    // values-scenario-ok.yaml sets keys read through toYaml ($.Values.resources), range
    // (podLabels), with + `.image`, `$svc := .Values.service`, index (ingress.enabled),
    // include "app.metrics" inside `with .Values.metrics`, a helper's `.Values.nameOverride`,
    // keys only templates name (podPriority, sidecar.*), the subchart's keys and its condition,
    // `owner` (named by a values.yaml string that `tpl` renders) and `team` (read by the
    // subchart's named template "worker.labels", which the parent includes).
    let all = fixture_findings();
    let ok = in_file(&all, &format!("{CHART}/values-scenario-ok.yaml"));
    assert!(ok.is_empty(), "{ok:#?}");
}

#[test]
fn without_templates_the_chart_is_values_yaml_only() {
    // The same preset against the chart with its templates removed: keys only templates name are
    // unknown again, and nothing can be called unread.
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture("check-values-templates"), tmp.path());
    std::fs::remove_dir_all(tmp.path().join(CHART).join("templates")).unwrap();
    std::fs::remove_dir_all(tmp.path().join(CHART).join("charts/worker/templates")).unwrap();
    let all = findings_of(tmp.path(), CODES);
    let ok = format!("{CHART}/values-scenario-ok.yaml");
    let f = find(&all, "values-unknown-key", &ok, 18, 1);
    assert!(f.message.contains("sidecar"), "{f:?}");
    find(&all, "values-unknown-key", &ok, 21, 1); // podPriority
    assert!(
        all.iter().all(|f| f.code != "values-unread-key"),
        "{all:#?}"
    );
}

#[test]
fn a_template_from_an_unvendored_dependency_silences_unread() {
    // `include "common.names.fullname" .` hands the root context to a named template of the
    // `common` dependency, which Chart.yaml lists but nobody fetched: what it reads is unknown,
    // so no key is called unread. Unknown keys are still errors.
    let tmp = fixture_including("name2", "common.names.fullname", COMMON_DEPENDENCY);
    let all = findings_of(tmp.path(), CODES);
    assert!(
        all.iter().all(|f| f.code != "values-unread-key"),
        "{all:#?}"
    );
    find(
        &all,
        "values-unknown-key",
        &format!("{CHART}/values-scenario-typo.yaml"),
        4,
        3,
    );
}

#[test]
fn typo_is_unknown_with_did_you_mean() {
    let all = fixture_findings();
    let f = find(
        &all,
        "values-unknown-key",
        &format!("{CHART}/values-scenario-typo.yaml"),
        4,
        3,
    );
    assert!(f.message.contains("core.imgae"), "{f:?}");
    assert!(f.help.contains("did you mean `image`"), "{f:?}");
}

#[test]
fn declared_key_no_template_reads_names_the_read_sibling() {
    let all = fixture_findings();
    let file = format!("{CHART}/values-scenario-unread.yaml");
    let f = find(&all, "values-unread-key", &file, 3, 3);
    assert_eq!(f.severity, "warning");
    assert!(f.message.contains("core.replicas"), "{f:?}");
    assert!(f.help.contains("`instances`"), "{f:?}");
    let f = find(&all, "values-unread-key", &file, 5, 3);
    assert!(
        f.message.contains("service.type") && f.help.contains("`port`"),
        "{f:?}"
    );
    // Under a subchart: its own templates decide; the parent's condition is not a sibling.
    let f = find(&all, "values-unread-key", &file, 7, 3);
    assert!(f.message.contains("worker.legacyMode"), "{f:?}");
    assert!(
        f.help.contains("`threads`") && !f.help.contains("`global`"),
        "{f:?}"
    );
    assert_eq!(in_file(&all, &file).len(), 3, "{all:#?}");
}

#[test]
fn schema_closing_a_map_wins_over_templates() {
    let all = fixture_findings();
    let f = find(
        &all,
        "values-unknown-key",
        &format!("{CHART}/values-scenario-schema.yaml"),
        3,
        3,
    );
    assert!(f.message.contains("strict.fromTemplate"), "{f:?}");
}

#[test]
fn set_keys_use_the_template_interface() {
    let all = fixture_findings();
    let f = find(&all, "values-unread-key", INSTALL, 21, 9);
    assert_eq!(f.severity, "warning");
    assert!(
        f.message.contains("core.replicas") && f.help.contains("`instances`"),
        "{f:?}"
    );
    // `sidecar.image` (a map handed on whole) and `podPriority` (only in templates) are fine.
    let set_line: Vec<&Finding> = all
        .iter()
        .filter(|f| f.file == INSTALL && f.line == 21 && f.column != 9)
        .collect();
    assert!(set_line.is_empty(), "{set_line:#?}");
}

#[test]
fn page_values_blocks_are_checked_against_their_chart() {
    let all = fixture_findings();
    // ```yaml title="my-values.yaml"``` used by `helm … -f my-values.yaml`: line in the page.
    let f = find(&all, "values-unknown-key", INSTALL, 12, 3);
    assert!(f.help.contains("did you mean `instances`"), "{f:?}");
    // A `# file: tuning.yaml` caption, used by `-f ./tuning.yaml` (which therefore exists).
    let f = find(&all, "values-unknown-key", INSTALL, 29, 3);
    assert!(f.message.contains("service.prot"), "{f:?}");
    assert!(
        all.iter().all(|f| f.code != "helm-values-file-missing"),
        "{all:#?}"
    );
    // Front matter `chart: app`.
    let f = find(&all, "values-unread-key", TUNE, 11, 3);
    assert!(
        f.message.contains("metrics.path") && f.help.contains("`port`"),
        "{f:?}"
    );
    // Kubernetes manifests in the same pages are not values.
    assert_eq!(in_file(&all, INSTALL).len(), 3, "{all:#?}");
    assert_eq!(in_file(&all, TUNE).len(), 1, "{all:#?}");
}

#[test]
fn a_packaged_subchart_reads_like_a_vendored_one() {
    // `helm dependency update` leaves `charts/worker-0.1.0.tgz`, not a directory: its values and
    // templates are read from the archive, and every finding is the same as with the directory.
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture("check-values-templates"), tmp.path());
    let sub = tmp.path().join(CHART).join("charts");
    pack_chart(&sub.join("worker"), &sub.join("worker-0.1.0.tgz"));
    assert_eq!(findings_of(tmp.path(), CODES), fixture_findings());
}

#[test]
fn a_packaged_library_chart_supplies_its_named_templates() {
    // The parent includes `common.names.fullname` from a library chart packaged in `charts/`.
    // With the package read, what the define reads is known, so unread keys are reported again.
    // Two versions are packaged: the one Chart.yaml asks for (2.0.0) is the one read — 1.0.0's
    // define hands all of .Values to toYaml, which would hide every unread key.
    let tmp = fixture_including("name2", "common.names.fullname", COMMON_DEPENDENCY);
    let chart = tmp.path().join(CHART);
    for (version, body) in [
        ("1.0.0", "{{ toYaml .Values }}"),
        (
            "2.0.0",
            "{{ .Values.fullnameOverride | default .Chart.Name }}",
        ),
    ] {
        let dir = tmp.path().join("common");
        std::fs::create_dir_all(dir.join("templates")).unwrap();
        std::fs::write(
            dir.join("Chart.yaml"),
            format!("apiVersion: v2\nname: common\ntype: library\nversion: {version}\n"),
        )
        .unwrap();
        std::fs::write(
            dir.join("templates/_names.tpl"),
            format!("{{{{- define \"common.names.fullname\" -}}}}{body}{{{{- end }}}}\n"),
        )
        .unwrap();
        pack_chart(&dir, &chart.join(format!("charts/common-{version}.tgz")));
    }
    let all = findings_of(tmp.path(), CODES);
    let file = format!("{CHART}/values-scenario-unread.yaml");
    find(&all, "values-unread-key", &file, 3, 3);
    find(&all, "values-unread-key", &file, 5, 3);
    find(&all, "values-unread-key", &file, 7, 3);
}

#[test]
fn a_corrupt_package_is_reported_where_it_lies() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture("check-values-templates"), tmp.path());
    let sub = tmp.path().join(CHART).join("charts");
    std::fs::remove_dir_all(sub.join("worker")).unwrap();
    std::fs::write(sub.join("worker-0.1.0.tgz"), b"\x1f\x8b\x08\x00 truncated").unwrap();
    let checked = check_json(tmp.path(), &[]);
    assert_eq!(checked.code, 1, "{checked:#?}");
    let f = find(
        &checked.findings,
        "chart-invalid",
        &format!("{CHART}/charts/worker-0.1.0.tgz"),
        0,
        0,
    );
    assert!(
        f.message.contains("cannot read the packaged chart"),
        "{f:?}"
    );
}

#[test]
fn a_template_defined_nowhere_does_not_silence_unread() {
    // A named template no source defines and whose prefix names no missing dependency (here an
    // unfetched `grafana` is listed, but the template is `spark-operator.labels`): it exists
    // nowhere, reads nothing, and every unread key is still reported.
    let tmp = fixture_including(
        "labels2",
        "spark-operator.labels",
        "name: grafana\n    version: 8.x.x\n    repository: https://grafana.example/charts\n    condition: grafana.enabled",
    );
    let chart = tmp.path().join(CHART);
    let all = findings_of(tmp.path(), CODES);
    let file = format!("{CHART}/values-scenario-unread.yaml");
    find(&all, "values-unread-key", &file, 3, 3);
    find(&all, "values-unread-key", &file, 5, 3);
    // `grafana.fullname` would come from the unfetched dependency: silence again.
    append(
        &chart.join("templates/configmap.yaml"),
        "  name3: {{ include \"grafana.fullname\" . }}\n",
    );
    let all = findings_of(tmp.path(), CODES);
    assert!(
        all.iter().all(|f| f.code != "values-unread-key"),
        "{all:#?}"
    );
}
