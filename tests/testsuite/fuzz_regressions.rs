//! The fuzz harness (`spark_docs::fuzzing`, driven by the cargo-fuzz targets in `fuzz/`): every
//! committed seed and every input a fuzzer once crashed on (`tests/fixtures/fuzz-regressions/
//! <target>/`) runs through its target without a panic, and each target really reaches the rules
//! it is meant to fuzz (a known mistake gives its finding, code, file and line).

use spark_docs::diagnostics::Finding;
use spark_docs::fuzzing::{Harness, Target};
use std::path::{Path, PathBuf};

/// The site every fuzz target checks its inputs beside (the targets use the same one).
fn harness() -> &'static Harness {
    Harness::shared()
}

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

/// The findings of `code` as (file, line).
fn located(findings: &[Finding], code: &str) -> Vec<(String, usize)> {
    findings
        .iter()
        .filter(|f| f.code.as_str() == code)
        .map(|f| (f.file.clone(), f.line))
        .collect()
}

#[test]
fn every_seed_and_every_former_crash_runs_through_its_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for target in Target::ALL {
        let seeds = inputs(&root.join("fuzz/seeds").join(target.name()));
        assert!(!seeds.is_empty(), "no seeds for {}", target.name());
        let crashes = inputs(
            &root
                .join("tests/fixtures/fuzz-regressions")
                .join(target.name()),
        );
        for input in seeds.iter().chain(&crashes) {
            let data = std::fs::read(input).unwrap();
            let run = std::panic::catch_unwind(|| target.run(harness(), &data));
            assert!(
                run.is_ok(),
                "{} panicked on {}",
                target.name(),
                input.display()
            );
        }
    }
}

#[test]
fn the_recipe_target_checks_front_matter_and_markdown() {
    let findings = Target::Recipe.run(harness(), b"---\ntitle: [unclosed\n---\n# T\n");
    let page = "content/recipes/fuzz/page.md";
    assert!(
        findings.iter().any(|f| f.file == page && f.line == 2),
        "{findings:#?}"
    );
}

#[test]
fn the_values_target_checks_a_preset_against_the_chart() {
    let findings = Target::Values.run(harness(), b"# chart: app\nnoSuchKey: 1\n");
    assert_eq!(
        located(&findings, "values-unknown-key"),
        [("charts/app/values-fuzz.yaml".to_string(), 2)],
        "{findings:#?}"
    );
}

#[test]
fn the_notebook_target_loads_the_json() {
    let findings = Target::Notebook.run(harness(), b"{\"cells\": [");
    assert_eq!(
        located(&findings, "notebook-invalid").len(),
        1,
        "{findings:#?}"
    );
}

#[test]
fn the_shell_target_checks_the_block() {
    // First byte 0: a bash block; the block starts on line 10 of the generated page.
    let findings = Target::Shell.run(harness(), b"\0echo ok\nif true; then\n");
    let page = "content/recipes/fuzz/page.md";
    let lines: Vec<usize> = located(&findings, "shell-syntax")
        .into_iter()
        .filter(|(f, _)| f == page)
        .map(|(_, l)| l)
        .collect();
    assert!(!lines.is_empty(), "{findings:#?}");
}

#[test]
fn the_properties_target_checks_spark_defaults() {
    let findings = Target::Properties.run(harness(), b"\x01spark.executor.memroy 4g\n");
    assert_eq!(
        located(&findings, "spark-property-unknown"),
        [("content/recipes/fuzz/page.md".to_string(), 10)],
        "{findings:#?}"
    );
}
