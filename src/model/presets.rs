//! presets: domain knowledge about presets that several stages share — the components the
//! catalog tracks, which of them a preset deploys, and the settings that tell presets apart.
//! Render shows them on preset pages and in the catalog matrix; the card (pdf) lists them.

/// The components the preset catalog tracks, in matrix column order.
pub const COMPONENTS: &[&str] = &[
    "Connect",
    "Jupyter",
    "Airflow",
    "Standalone",
    "Operator",
    "MinIO",
    "History Server",
    "Metastore",
];

/// Components a preset deploys, judged on the preset merged over its chart's defaults.
pub fn preset_components(values: &serde_yaml_ng::Value) -> Vec<&'static str> {
    const TABLE: &[(&str, &[&str])] = &[
        ("Connect", &["connect.enabled", "sparkConnect.enabled"]),
        ("Jupyter", &["jupyter.enabled", "jupyterhub.enabled"]),
        ("Airflow", &["airflow.enabled"]),
        (
            "Standalone",
            &[
                "sparkStandalone.enabled",
                "sparkMaster.enabled",
                "master.enabled",
            ],
        ),
        ("Operator", &["sparkOperator.enabled", "operator.enabled"]),
        (
            "MinIO",
            &[
                "minio.enabled",
                "spark-base.minio.enabled",
                "core.minio.enabled",
            ],
        ),
        ("History Server", &["historyServer.enabled"]),
        (
            "Metastore",
            &[
                "hiveMetastore.enabled",
                "core.hiveMetastore.enabled",
                "spark-base.core.hiveMetastore.enabled",
            ],
        ),
    ];
    let standalone_backend = ["connect.backendMode", "sparkConnect.backendMode"]
        .iter()
        .any(|p| lookup(values, p).and_then(|v| v.as_str()) == Some("standalone"));
    TABLE
        .iter()
        .filter(|(name, paths)| {
            paths.iter().any(|p| truthy(lookup(values, p)))
                || (*name == "Standalone" && standalone_backend)
        })
        .map(|(name, _)| *name)
        .collect()
}

/// Components a scenario works with that its preset does not deploy (they come from their own
/// releases, e.g. Airflow or the kubeflow Spark Operator): named by a word of the scenario, like
/// `airflow-operator`, and absent from `deployed`.
pub fn scenario_external_components(scenario: &str, deployed: &[&str]) -> Vec<&'static str> {
    let words: Vec<String> = scenario
        .split(['-', '_', '.'])
        .map(str::to_lowercase)
        .collect();
    COMPONENTS
        .iter()
        .copied()
        .filter(|c| !deployed.contains(c))
        .filter(|c| words.contains(&c.to_lowercase()))
        .collect()
}

/// The settings that tell presets apart, from the preset's own values.
pub fn preset_key_settings(values: &serde_yaml_ng::Value) -> Vec<(String, String)> {
    const SUFFIXES: &[&str] = &[
        "backendMode",
        "driver.host",
        "spark.driver.host",
        "eventLog.dir",
        "spark.eventLog.dir",
        "logDirectory",
        "existingSecret",
        "deleteWorkerPods",
        "crds.create",
        "rbac.create",
        "serviceAccountName",
        "podSecurityStandards",
    ];
    let mut leaves = Vec::new();
    flatten(values, String::new(), &mut leaves);
    let mut out: Vec<(String, String)> = Vec::new();
    for suffix in SUFFIXES {
        for (path, value) in &leaves {
            if (path == suffix || path.ends_with(&format!(".{suffix}")))
                && !out.iter().any(|(p, _)| p == path)
            {
                out.push((path.clone(), value.clone()));
            }
        }
    }
    out.truncate(8);
    out
}

/// Every leaf of a values tree as (dotted path, value as YAML text).
pub fn flatten(v: &serde_yaml_ng::Value, prefix: String, out: &mut Vec<(String, String)>) {
    match v {
        serde_yaml_ng::Value::Mapping(m) => {
            for (k, child) in m {
                let key = match k {
                    serde_yaml_ng::Value::String(s) => s.clone(),
                    other => serde_yaml_ng::to_string(other)
                        .unwrap_or_default()
                        .trim()
                        .to_string(),
                };
                let path = if prefix.is_empty() {
                    key
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(child, path, out);
            }
        }
        serde_yaml_ng::Value::Sequence(_) => out.push((prefix, "[…]".into())),
        serde_yaml_ng::Value::String(s) => out.push((
            prefix,
            if s.is_empty() {
                "\"\"".into()
            } else {
                s.clone()
            },
        )),
        serde_yaml_ng::Value::Null => out.push((prefix, "null".into())),
        other => out.push((
            prefix,
            serde_yaml_ng::to_string(other)
                .unwrap_or_default()
                .trim()
                .to_string(),
        )),
    }
}

/// The value at a dotted path (`connect.enabled`) of a values tree.
pub fn lookup<'v>(v: &'v serde_yaml_ng::Value, path: &str) -> Option<&'v serde_yaml_ng::Value> {
    let mut cur = v;
    for key in path.split('.') {
        cur = cur.as_mapping()?.get(key)?;
    }
    Some(cur)
}

fn truthy(v: Option<&serde_yaml_ng::Value>) -> bool {
    matches!(v, Some(serde_yaml_ng::Value::Bool(true)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_names_components_the_preset_leaves_to_other_releases() {
        assert_eq!(
            scenario_external_components("airflow-operator", &["MinIO"]),
            ["Airflow", "Operator"]
        );
        assert_eq!(
            scenario_external_components("jupyter-connect-k8s", &["Connect", "Jupyter", "MinIO"]),
            Vec::<&str>::new()
        );
        // Words, not substrings: "k8s-submit" names nothing.
        assert_eq!(
            scenario_external_components("airflow-k8s-submit", &[]),
            ["Airflow"]
        );
    }
}
