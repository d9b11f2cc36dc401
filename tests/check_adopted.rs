//! An adopted repository (docs/…, charts/…, no front matter, its own site.toml) gets every
//! relevant rule with no extra configuration.

use std::path::Path;
use std::process::Command;

fn copy(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn codes(root: &Path) -> Vec<(String, String)> {
    let out = Command::new(env!("CARGO_BIN_EXE_spark-docs"))
        .args([
            "check",
            "--root",
            root.to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn adopted_repository_is_clean_then_every_rule_family_fires() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/adopted");
    assert!(
        codes(&fixture).is_empty(),
        "the adopted fixture is clean: {:?}",
        codes(&fixture)
    );

    let dir = tempfile::tempdir().unwrap();
    copy(&fixture, dir.path());
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
    let text = std::fs::read_to_string(&preset).unwrap();
    std::fs::write(&preset, format!("{text}\nconnnect:\n  enabled: true\n")).unwrap();

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
