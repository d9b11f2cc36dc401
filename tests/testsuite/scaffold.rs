//! `spark-docs init` and `spark-docs new recipe|issue|preset`, run as a new user runs them, and
//! `spark-docs check --only`.

use crate::support::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A sub-path base URL, as GitHub project pages have.
const DEMO_URL: &str = "https://example.github.io/demo/";

fn run(root: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .current_dir(root)
        .output()
        .expect("failed to start spark-docs")
}

fn check_strict(root: &Path) {
    let out = run(root, &["check", "--strict"]);
    assert_exit(&out, 0);
}

fn build_demo(root: &Path) -> PathBuf {
    let out_dir = root.parent().unwrap().join("public");
    let out = run_build(root, &out_dir, &["--base-url", DEMO_URL]);
    assert_success(&out);
    out_dir
}

/// The README's "Deploy to GitHub Pages" says: init, then check, then build with a sub-path.
#[test]
fn init_writes_a_site_that_checks_builds_and_links() {
    let (_tmp, root) = init_site();
    for f in [
        "site.toml",
        ".gitignore",
        ".github/workflows/pages.yml",
        "content/recipes/troubleshoot/connect-oomkilled.md",
        "content/recipes/deployment/install-connect.md",
        "content/issues/ISSUE-001-connect-oomkilled.md",
        "content/notebooks/connect-smoke-test.ipynb",
        "content/scripts/check-connect.sh",
        "presets/charts/spark-connect/Chart.yaml",
        "presets/charts/spark-connect/values.yaml",
        "presets/charts/spark-connect/values.schema.json",
        "presets/charts/spark-connect/values-scenario-connect-k8s.yaml",
        "presets/policies/resources.rego",
    ] {
        assert!(root.join(f).is_file(), "init did not write {f}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(root.join("content/scripts/check-connect.sh"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o111, 0o111, "the sample script is executable");
    }
    check_strict(&root);
    let out = build_demo(&root);
    let problems = check_links(&out, DEMO_URL);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let problems = h1_problems(&out);
    assert!(problems.is_empty(), "{problems:#?}");
    let pages = pages(&out);
    for p in [
        "/",
        "/recipes/troubleshoot/connect-oomkilled/",
        "/recipes/deployment/install-connect/",
        "/issues/issue-001/",
        "/presets/spark-connect/values-scenario-connect-k8s/",
        "/notebooks/connect-smoke-test/",
        "/scripts/check-connect/",
    ] {
        assert!(pages.contains(p), "no page {p}: {pages:#?}");
    }
    assert_eq!(
        pages.contains("/search/"),
        cfg!(feature = "search"),
        "/search/ exists exactly when the search feature is on"
    );
    assert_eq!(out.join("pagefind").is_dir(), cfg!(feature = "search"));
    assert_eq!(out.join("quickref.pdf").is_file(), cfg!(feature = "pdf"));
    // Sample recipe ↔ sample issue.
    let issue = read_page(&out, "/issues/issue-001/");
    assert!(
        issue.contains("href=\"/demo/recipes/troubleshoot/connect-oomkilled/\""),
        "{issue}"
    );
}

#[test]
fn init_prints_next_steps_and_uses_the_action() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(bin())
        .args([
            "init",
            "docs",
            "--title",
            "Data platform: Spark",
            "--action",
        ])
        .arg("acme/spark-docs@v2")
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("next steps:"), "{text}");
    assert!(text.contains("cd docs"), "{text}");
    assert!(text.contains("spark-docs check --strict"), "{text}");
    assert!(text.contains("Source: GitHub Actions"), "{text}");
    let site = fs::read_to_string(tmp.path().join("docs/site.toml")).unwrap();
    assert!(site.contains("title = \"Data platform: Spark\""), "{site}");
    let wf = fs::read_to_string(tmp.path().join("docs/.github/workflows/pages.yml")).unwrap();
    assert!(wf.contains("uses: acme/spark-docs@v2"), "{wf}");
    assert!(wf.contains("${{ steps.pages.outputs.base_url }}"), "{wf}");
}

#[test]
fn init_refuses_to_overwrite_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fs::write(root.join("site.toml"), "title = \"mine\"\n").unwrap();
    fs::create_dir_all(root.join("content/scripts")).unwrap();
    fs::write(root.join("content/scripts/check-connect.sh"), "echo mine\n").unwrap();
    fs::write(root.join("README.md"), "unrelated files are fine\n").unwrap();
    let out = Command::new(bin()).arg("init").arg(root).output().unwrap();
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("site.toml"), "{err}");
    assert!(err.contains("content/scripts/check-connect.sh"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(
        fs::read_to_string(root.join("site.toml")).unwrap(),
        "title = \"mine\"\n"
    );
    assert!(!root.join("content/recipes").exists());
    assert!(!root.join(".github").exists());
    // A directory that holds only other files is fine.
    let other = tempfile::tempdir().unwrap();
    fs::write(other.path().join("README.md"), "x\n").unwrap();
    let out = Command::new(bin())
        .arg("init")
        .arg(other.path())
        .output()
        .unwrap();
    assert_exit(&out, 0);
    // A file where the site's directory should be.
    let file = other.path().join("README.md");
    let out = Command::new(bin()).arg("init").arg(&file).output().unwrap();
    assert_exit(&out, 2);
}

#[test]
fn new_issue_and_recipe_cross_link_and_pass_strict() {
    let (_tmp, root) = init_site();
    let out = run(
        &root,
        &["new", "issue", "Executors cannot resolve the driver host"],
    );
    assert_exit(&out, 0);
    let issue_rel = "content/issues/ISSUE-002-executors-cannot-resolve-the-driver-host.md";
    assert!(stdout(&out).contains(issue_rel), "{}", describe(&out));
    assert!(
        stdout(&out).contains("(page /issues/issue-002/)"),
        "{}",
        describe(&out)
    );
    // Alone, the issue is an orphan: reported as a warning, with the command that fixes it.
    assert!(
        stderr(&out).contains("warning[issue-orphan]"),
        "{}",
        describe(&out)
    );
    assert!(
        stdout(&out).contains("spark-docs new recipe troubleshoot/<slug> --issue ISSUE-002"),
        "{}",
        describe(&out)
    );
    let out = run(&root, &["check", "--strict"]);
    assert_exit(&out, 1);

    let out = run(
        &root,
        &[
            "new",
            "recipe",
            "troubleshoot/driver-host-dns",
            "--issue",
            "issue-002",
        ],
    );
    assert_exit(&out, 0);
    assert!(stderr(&out).is_empty(), "{}", describe(&out));
    let recipe =
        fs::read_to_string(root.join("content/recipes/troubleshoot/driver-host-dns.md")).unwrap();
    for section in [
        "## Symptoms",
        "## Diagnosis",
        "## Solution",
        "## Verification",
        "## References",
    ] {
        assert!(recipe.contains(section), "{section} missing:\n{recipe}");
    }
    assert!(recipe.contains("issues: [\"ISSUE-002\"]"), "{recipe}");
    assert!(recipe.contains("signatures:"), "{recipe}");

    let out = run(
        &root,
        &[
            "new",
            "recipe",
            "operations/rotate-s3-keys",
            "--title",
            "Rotate the S3 keys",
        ],
    );
    assert_exit(&out, 0);
    let ops =
        fs::read_to_string(root.join("content/recipes/operations/rotate-s3-keys.md")).unwrap();
    for section in [
        "## Goal",
        "## Prerequisites",
        "## Steps",
        "## Verification",
        "## References",
    ] {
        assert!(ops.contains(section), "{section} missing:\n{ops}");
    }
    assert!(ops.contains("title: \"Rotate the S3 keys\""), "{ops}");

    // Issue and recipe in one go: nothing is an orphan.
    let out = run(
        &root,
        &[
            "new",
            "issue",
            "--id",
            "ISSUE-010",
            "Metastore schema init fails",
            "--recipe",
            "troubleshoot/metastore-init",
        ],
    );
    assert_exit(&out, 0);
    assert!(stderr(&out).is_empty(), "{}", describe(&out));
    assert!(root
        .join("content/issues/ISSUE-010-metastore-schema-init-fails.md")
        .is_file());
    // The next free ID follows the highest.
    let out = run(
        &root,
        &[
            "new",
            "issue",
            "Another one",
            "--recipe",
            "troubleshoot/another-one",
        ],
    );
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains("ISSUE-011-another-one.md"),
        "{}",
        describe(&out)
    );

    check_strict(&root);
    let out = build_demo(&root);
    let problems = check_links(&out, DEMO_URL);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let issue = read_page(&out, "/issues/issue-002/");
    assert!(
        issue.contains("href=\"/demo/recipes/troubleshoot/driver-host-dns/\""),
        "the issue page links the new recipe"
    );
    let recipe = read_page(&out, "/recipes/troubleshoot/driver-host-dns/");
    assert!(
        recipe.contains("href=\"/demo/issues/issue-002/\""),
        "the recipe links the issue"
    );
    let issue = read_page(&out, "/issues/issue-010/");
    assert!(issue.contains("href=\"/demo/recipes/troubleshoot/metastore-init/\""));
}

#[test]
fn new_refuses_what_does_not_fit_the_site() {
    let (_tmp, root) = init_site();
    let cases: &[(&[&str], &str)] = &[
        (
            &["new", "recipe", "troubleshoot/connect-oomkilled"],
            "refusing to overwrite",
        ),
        (
            &["new", "recipe", "troubleshoot/x", "--issue", "ISSUE-999"],
            "ISSUE-999 does not exist",
        ),
        (
            &["new", "recipe", "no-category"],
            "expected <category>/<slug>",
        ),
        (
            &["new", "recipe", "a/b", "--issue", "BUG-1"],
            "is not an issue ID",
        ),
        (
            &["new", "issue", "--id", "ISSUE-001", "Duplicate"],
            "ISSUE-001 already exists",
        ),
        (&["new", "issue", "  "], "needs a title"),
        (
            &[
                "new",
                "issue",
                "x",
                "--recipe",
                "troubleshoot/connect-oomkilled",
            ],
            "refusing to overwrite",
        ),
        (
            &["new", "preset", "spark-4.1", "x"],
            "the site's charts are: spark-connect",
        ),
        (
            &["new", "preset", "spark-connect", "connect-k8s"],
            "refusing to overwrite",
        ),
        (
            &["new", "preset", "spark-connect", "x", "--dir", "elsewhere"],
            "no `[sources] presets` glob",
        ),
        (
            &[
                "new",
                "preset",
                "spark-connect",
                "x",
                "--dir",
                "presets/../../outside",
            ],
            "inside the site",
        ),
        (
            &["new", "preset", "spark-connect", "x", "--dir", "/tmp"],
            "inside the site",
        ),
    ];
    let before = snapshot(&root);
    for (args, wanted) in cases {
        let out = run(&root, args);
        assert_exit(&out, 2);
        assert!(
            stderr(&out).contains(wanted),
            "{args:?}: {}",
            describe(&out)
        );
    }
    assert_eq!(
        snapshot(&root).keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>(),
        "nothing was written"
    );
    // No site here: a configuration error.
    let empty = tempfile::tempdir().unwrap();
    let out = run(empty.path(), &["new", "recipe", "a/b"]);
    assert_exit(&out, 2);
}

#[test]
fn new_preset_follows_the_chart_contract() {
    let (_tmp, root) = init_site();
    let out = run(
        &root,
        &["new", "preset", "charts/spark-connect", "Jupyter GPU"],
    );
    assert_exit(&out, 0);
    assert!(stderr(&out).is_empty(), "{}", describe(&out));
    let rel = "presets/charts/spark-connect/values-scenario-jupyter-gpu.yaml";
    assert!(stdout(&out).contains(rel), "{}", describe(&out));
    let text = fs::read_to_string(root.join(rel)).unwrap();
    assert!(text.starts_with("# Jupyter gpu: "), "{text}");
    assert!(
        text.contains("helm install <release-name> charts/spark-connect -n <namespace> --create-namespace -f presets/charts/spark-connect/values-scenario-jupyter-gpu.yaml"),
        "{text}"
    );
    assert!(text.contains("connect:\n  enabled: true\n"), "{text}");
    assert!(
        text.contains("historyServer:\n  enabled: false\n"),
        "{text}"
    );
    assert!(
        !text.contains("# chart:"),
        "the location names the chart: {text}"
    );
    check_strict(&root);

    // A preset directory named like the chart (no Chart.yaml above it) works too.
    let toml = fs::read_to_string(root.join("site.toml")).unwrap();
    fs::write(
        root.join("site.toml"),
        toml.replace(
            "presets = [\"presets/**/values-scenario-*.yaml\"]",
            "presets = [\"presets/**/values-scenario-*.yaml\", \"scenarios/**/*.yaml\"]",
        ),
    )
    .unwrap();
    fs::create_dir_all(root.join("scenarios/any")).unwrap();
    let out = run(
        &root,
        &[
            "new",
            "preset",
            "spark-connect",
            "batch",
            "--dir",
            "scenarios/any",
        ],
    );
    assert_exit(&out, 0);
    let text = fs::read_to_string(root.join("scenarios/any/values-scenario-batch.yaml")).unwrap();
    assert!(text.contains("# chart: spark-connect\n"), "{text}");
    check_strict(&root);
    let out = build_demo(&root);
    assert!(pages(&out).contains("/presets/spark-connect/values-scenario-batch/"));
}

/// `new` on the default site: its conventions (troubleshooting sections, ISSUE-0NN, the
/// spark-4.1 contract, the Rego policies) are followed, so the result passes `check --strict`.
#[test]
fn new_on_the_default_site_passes_its_checks() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let repo = repo_root();
    for d in ["content", "presets"] {
        copy_dir(&repo.join(d), &root.join(d));
    }
    fs::copy(repo.join("site.toml"), root.join("site.toml")).unwrap();
    for args in [
        &["new", "preset", "spark-4.1", "gpu-notebooks"][..],
        &[
            "new",
            "preset",
            "charts/spark-3.5/charts/spark-standalone",
            "batch-only",
        ][..],
        &[
            "new",
            "issue",
            "Executor OOM during shuffle",
            "--recipe",
            "troubleshoot/executor-oom-shuffle",
        ][..],
        &[
            "new",
            "recipe",
            "operations/scale-executors",
            "--issue",
            "ISSUE-024",
        ][..],
    ] {
        let out = run(&root, args);
        assert_exit(&out, 0);
        assert!(stderr(&out).is_empty(), "{args:?}: {}", describe(&out));
    }
    assert!(root
        .join("presets/charts/spark-4.1/values-scenario-gpu-notebooks.yaml")
        .is_file());
    assert!(root
        .join("presets/charts/spark-3.5/charts/spark-standalone/values-scenario-batch-only.yaml")
        .is_file());
    // The highest ID of the default site is ISSUE-029.
    assert!(root
        .join("content/issues/ISSUE-030-executor-oom-during-shuffle.md")
        .is_file());
    let out = run(&root, &["check", "--strict"]);
    assert_exit(&out, 0);
}

#[test]
fn site_templates_override_the_theme() {
    let (_tmp, root) = init_site();
    // Extra troubleshooting sections from site.toml are added to the built-in template.
    let toml = fs::read_to_string(root.join("site.toml")).unwrap();
    fs::write(
        root.join("site.toml"),
        format!("{toml}\n[check]\ntroubleshooting_sections = [\"Symptoms\", \"Diagnosis\", \"Solution\", \"Rollback\"]\n"),
    )
    .unwrap();
    let out = run(&root, &["new", "recipe", "troubleshoot/with-rollback"]);
    assert_exit(&out, 0);
    let text =
        fs::read_to_string(root.join("content/recipes/troubleshoot/with-rollback.md")).unwrap();
    assert!(text.contains("## Rollback"), "{text}");
    // No finding in the new file (the sample recipe of `init` lacks `## Rollback`, though).
    assert!(stderr(&out).is_empty(), "{}", describe(&out));

    let dir = root.join("themes/default/scaffold");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("recipe.md"),
        "---\ntitle: {{ title | json_encode() }}\n---\n\nOur own template for {{ category }}/{{ slug }}.\n\n## Steps\n\n1. Do it.\n",
    )
    .unwrap();
    let out = run(&root, &["new", "recipe", "operations/custom"]);
    assert_exit(&out, 0);
    let text = fs::read_to_string(root.join("content/recipes/operations/custom.md")).unwrap();
    assert!(
        text.contains("Our own template for operations/custom."),
        "{text}"
    );

    // A template that does not parse is a configuration error, and nothing is written.
    fs::write(dir.join("recipe.md"), "{% if %}\n").unwrap();
    let out = run(&root, &["new", "recipe", "operations/broken"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("scaffold template recipe.md"),
        "{}",
        describe(&out)
    );
    assert!(!root.join("content/recipes/operations/broken.md").exists());

    // A template whose output does not pass the checks: written, reported, exit 1.
    fs::write(
        dir.join("recipe.md"),
        "# {{ title }}\n\n```bash\nif then fi (\n```\n",
    )
    .unwrap();
    let out = run(&root, &["new", "recipe", "operations/bad-shell"]);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("error[shell-syntax]"),
        "{}",
        describe(&out)
    );
}

#[test]
fn check_only_keeps_the_findings_of_those_kinds() {
    let (_tmp, root) = init_site();
    let preset = root.join("presets/charts/spark-connect/values-scenario-connect-k8s.yaml");
    let text = fs::read_to_string(&preset).unwrap();
    fs::write(&preset, text.replace("instances: 2", "instancez: 2")).unwrap();
    let recipe = root.join("content/recipes/deployment/install-connect.md");
    let text = fs::read_to_string(&recipe).unwrap();
    fs::write(
        &recipe,
        text.replace(
            "connect.executor.instances=4",
            "connect.executor.instance=4",
        ),
    )
    .unwrap();
    let values = root.join("presets/charts/spark-connect/values.yaml");
    let text = fs::read_to_string(&values).unwrap();
    fs::write(&values, format!("{text}\nbroken: [\n")).unwrap();

    let codes = |args: &[&str]| -> Vec<(String, String)> {
        let out = run(&root, args);
        assert_exit(&out, 1);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["file"].as_str().unwrap().to_string(),
                    f["code"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let all = codes(&["check", "--format", "json"]);
    assert!(
        all.iter().any(|(f, _)| f.ends_with("install-connect.md")),
        "{all:?}"
    );
    let presets = codes(&["check", "--only", "presets", "--format", "json"]);
    assert!(!presets.is_empty());
    assert!(
        presets.iter().all(|(f, _)| f.starts_with("presets/")),
        "{presets:?}"
    );
    assert!(
        presets.iter().any(|(_, c)| c == "values-syntax"),
        "chart files count: {presets:?}"
    );
    let recipes = codes(&["check", "--only", "recipe", "--format", "json"]);
    assert_eq!(
        recipes,
        vec![(
            "content/recipes/deployment/install-connect.md".to_string(),
            "helm-set-unknown-key".to_string()
        )]
    );
    let both = codes(&["check", "--only", "recipes,presets", "--format", "json"]);
    assert_eq!(both.len(), recipes.len() + presets.len());
    // Kinds without findings pass.
    let out = run(&root, &["check", "--only", "scripts,notebooks,issues"]);
    assert_exit(&out, 0);
    let out = run(&root, &["check", "--only", "pictures"]);
    assert_exit(&out, 2);
}

#[test]
fn github_annotations_name_files_from_the_repository_root() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("docs");
    let out = Command::new(bin()).arg("init").arg(&root).output().unwrap();
    assert_exit(&out, 0);
    let recipe = root.join("content/recipes/deployment/install-connect.md");
    let text = fs::read_to_string(&recipe).unwrap();
    fs::write(
        &recipe,
        text.replace(
            "connect.executor.instances=4",
            "connect.executor.instance=4",
        ),
    )
    .unwrap();
    // From the repository root (the workspace), `--root docs`.
    let out = run(
        tmp.path(),
        &["check", "--root", "docs", "--format", "github"],
    );
    assert_exit(&out, 1);
    assert!(
        stdout(&out)
            .starts_with("::error file=docs/content/recipes/deployment/install-connect.md,line="),
        "{}",
        describe(&out)
    );
    // From the site root itself.
    let out = run(&root, &["check", "--format", "github"]);
    assert!(
        stdout(&out)
            .starts_with("::error file=content/recipes/deployment/install-connect.md,line="),
        "{}",
        describe(&out)
    );
}
