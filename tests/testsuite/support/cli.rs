//! Running the `spark-docs` binary cargo built for this test binary, and judging how it ended.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Path of the `spark-docs` binary built by cargo for the integration tests.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_spark-docs"))
}

/// A `spark-docs` command with `args`, ready for more arguments, an environment or a directory.
pub fn spark_docs<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut cmd = Command::new(bin());
    cmd.args(args);
    cmd
}

/// Runs `spark-docs build --root <root> --out <out> <extra_args…>`.
pub fn run_build(root: &Path, out: &Path, extra_args: &[&str]) -> Output {
    let mut cmd = Command::new(bin());
    cmd.arg("build")
        .arg("--root")
        .arg(root)
        .arg("--out")
        .arg(out);
    cmd.args(extra_args);
    cmd.output().expect("failed to start spark-docs")
}

/// Human-readable summary of a finished process (for assertion messages).
pub fn describe(output: &Output) -> String {
    format!(
        "status: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Panics unless the build exited 0.
pub fn assert_success(output: &Output) {
    assert_eq!(
        output.status.code(),
        Some(0),
        "build failed:\n{}",
        describe(output)
    );
}

/// Panics unless the build exited with `code` and did not panic.
pub fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "unexpected exit code:\n{}",
        describe(output)
    );
    let err = stderr(output);
    assert!(
        !err.contains("panicked at"),
        "the binary panicked:\n{}",
        describe(output)
    );
}

/// Whether `<program> --version` runs and succeeds (node, shellcheck, bash, …).
pub fn program_runs(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}
