//! `spark-docs check` as the tests run it: the JSON findings parsed into [`Finding`]s, lookup of
//! the one finding at a position, and the human output with colours off.

use std::path::Path;
use std::process::Output;

use super::cli::spark_docs;

/// One finding of `spark-docs check --format json` (`help` is empty when the finding has none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: String,
    pub severity: String,
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub message: String,
    pub help: String,
}

/// The outcome of `spark-docs check --format json`.
#[derive(Debug)]
pub struct Checked {
    /// The exit code (`-1` if killed by a signal).
    pub code: i32,
    pub findings: Vec<Finding>,
    pub stderr: String,
}

/// `spark-docs check --root <root> --format json <extra…>`, its findings parsed. Panics if
/// stdout is not the JSON document or a finding lacks a field the schema requires.
pub fn check_json(root: &Path, extra: &[&str]) -> Checked {
    let out = spark_docs(["check", "--format", "json", "--root"])
        .arg(root)
        .args(extra)
        .output()
        .expect("run spark-docs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("json output: {e}\nstdout: {stdout}\nstderr: {stderr}"));
    let str_field = |f: &serde_json::Value, key: &str| {
        f[key]
            .as_str()
            .unwrap_or_else(|| panic!("finding without a string `{key}`: {f}"))
            .to_string()
    };
    let num_field = |f: &serde_json::Value, key: &str| {
        f[key]
            .as_u64()
            .unwrap_or_else(|| panic!("finding without a number `{key}`: {f}"))
    };
    let findings = json["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| Finding {
            code: str_field(f, "code"),
            severity: str_field(f, "severity"),
            file: str_field(f, "file"),
            line: num_field(f, "line"),
            column: num_field(f, "column"),
            message: str_field(f, "message"),
            help: f["help"].as_str().unwrap_or_default().to_string(),
        })
        .collect();
    Checked {
        code: out.status.code().unwrap_or(-1),
        findings,
        stderr,
    }
}

/// The findings of `spark-docs check` over `root` whose code is one of `codes`.
pub fn findings_of(root: &Path, codes: &[&str]) -> Vec<Finding> {
    check_json(root, &[])
        .findings
        .into_iter()
        .filter(|f| codes.contains(&f.code.as_str()))
        .collect()
}

/// The one finding of `code` at `file:line:column`; panics (listing `all`) unless exactly one.
pub fn find<'a>(all: &'a [Finding], code: &str, file: &str, line: u64, column: u64) -> &'a Finding {
    let hits: Vec<&Finding> = all
        .iter()
        .filter(|f| f.code == code && f.file == file && f.line == line && f.column == column)
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "expected one {code} at {file}:{line}:{column}, got {hits:#?}\nall: {all:#?}"
    );
    hits[0]
}

/// `spark-docs check --root <root> --format <format> <extra…>`: exit code and stdout.
pub fn check_text(root: &Path, format: &str, extra: &[&str]) -> (i32, String) {
    let out = check_output(root, format, extra);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8"),
    )
}

/// `spark-docs check --root <root> --format <format> <extra…>` with `NO_COLOR` set.
pub fn check_output(root: &Path, format: &str, extra: &[&str]) -> Output {
    spark_docs(["check", "--root"])
        .arg(root)
        .args(["--format", format])
        .args(extra)
        .env("NO_COLOR", "1")
        .output()
        .expect("run spark-docs")
}
