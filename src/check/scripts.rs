//! Scripts (the `scripts` source: `.sh`/`.bash` files):
//!
//! - `script-syntax`: a script bash would not parse — the same parser and verdict as
//!   `shell-syntax` (see `shell.rs`), one finding per script (the first error);
//! - `shellcheck`: ShellCheck's findings, when `[check] shellcheck` is on (the default) and a
//!   `shellcheck` executable is on PATH; silently skipped otherwise, or when it fails. Its levels
//!   map error → error, warning → warning, info/style → info.
//!
//! Nothing is executed but ShellCheck itself, which reads the script on stdin (one process per
//! script, in parallel) in the script's directory, so a team's `.shellcheckrc` applies.

use super::shell::{first_finding, syntax_errors, to_finding};
use super::Context;
use crate::check::codes::Code;
use crate::diagnostics::{Finding, Severity};
use crate::load::Script;
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const SYNTAX: Code = Code::ScriptSyntax;
pub const SHELLCHECK: Code = Code::Shellcheck;

pub fn check(cx: &Context) -> Vec<Finding> {
    let shellcheck = if cx.cfg.shellcheck {
        find_on_path("shellcheck")
    } else {
        None
    };
    cx.site
        .scripts
        .par_iter()
        .flat_map_iter(|script| {
            let mut out = Vec::new();
            let errors = syntax_errors(&script.source.text);
            let broken = errors.iter().any(|e| !e.warning);
            if let Some(e) = first_finding(&errors) {
                out.push(to_finding(e, |severity, line, column, message| Finding {
                    severity,
                    ..Finding::error(SYNTAX, &script.source.rel, line, column, message)
                }));
            }
            // A script that does not parse gets one finding, not a second from ShellCheck's parser.
            if let (Some(exe), false) = (&shellcheck, broken) {
                out.extend(run_shellcheck(exe, script).unwrap_or_default());
            }
            out
        })
        .collect()
}

/// The first executable called `name` on PATH.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file() || p.with_extension("exe").is_file()
}

/// The shell ShellCheck should assume: the script's own `sh`/`dash`/`ksh` shebang when it has
/// one (ShellCheck reads it), bash otherwise.
fn shell_arg(text: &str) -> Option<&'static str> {
    let first = text.lines().next().unwrap_or("");
    if let Some(shebang) = first.strip_prefix("#!") {
        let mut words = shebang.split_whitespace();
        let prog = words.next().unwrap_or("");
        let prog = if prog.ends_with("/env") {
            words.find(|w| !w.starts_with('-')).unwrap_or("")
        } else {
            prog
        };
        let name = prog.rsplit('/').next().unwrap_or(prog);
        if matches!(name, "sh" | "dash" | "ksh" | "bash") {
            return None;
        }
    }
    Some("--shell=bash")
}

/// ShellCheck over one script; `None` when it could not run or its output is not understood.
/// Results are remembered for the life of the process by everything that decides them (the
/// executable, the directory, the text and the `.shellcheckrc` files that apply), so `serve`
/// does not start ShellCheck again for scripts that did not change: it costs ~100 ms a script.
fn run_shellcheck(exe: &Path, script: &Script) -> Option<Vec<Finding>> {
    type Key = (PathBuf, Option<PathBuf>, String, String);
    static OUTPUTS: crate::memo::Memo<Key, Vec<u8>> = crate::memo::Memo::new(10_000);
    let dir = script.source.path.parent().filter(|d| d.is_dir());
    let key = (
        exe.to_path_buf(),
        dir.map(Path::to_path_buf),
        script.source.text.clone(),
        dir.map(shellcheckrc_text).unwrap_or_default(),
    );
    if let Some(stdout) = OUTPUTS.get(&key) {
        return parse_json1(&stdout, &script.source.rel);
    }
    let stdout = shellcheck_output(exe, script, dir)?;
    OUTPUTS.insert(key, stdout.clone());
    parse_json1(&stdout, &script.source.rel)
}

/// The `.shellcheckrc` files ShellCheck would read for a script in `dir` (it looks in the
/// directory and its parents), concatenated.
fn shellcheckrc_text(dir: &Path) -> String {
    dir.ancestors()
        .filter_map(|d| std::fs::read_to_string(d.join(".shellcheckrc")).ok())
        .collect::<Vec<_>>()
        .join("\n")
}

/// ShellCheck's `json1` output for one script, when it ran and exited 0 or 1.
fn shellcheck_output(exe: &Path, script: &Script, dir: Option<&Path>) -> Option<Vec<u8>> {
    let mut cmd = Command::new(exe);
    cmd.arg("--format=json1");
    if let Some(shell) = shell_arg(&script.source.text) {
        cmd.arg(shell);
    }
    cmd.arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    let mut child = cmd.spawn().ok()?;
    let mut stdin = child.stdin.take()?;
    let text = script.source.text.as_bytes();
    let output = std::thread::scope(|s| {
        s.spawn(move || {
            // A write error means ShellCheck stopped reading; its exit status tells the rest.
            let _ = stdin.write_all(text);
        });
        child.wait_with_output()
    })
    .ok()?;
    // 0: no findings, 1: findings; anything else (bad options, a crash) is skipped.
    if !matches!(output.status.code(), Some(0 | 1)) {
        return None;
    }
    Some(output.stdout)
}

/// Findings from ShellCheck's `json1` output.
pub fn parse_json1(stdout: &[u8], file: &str) -> Option<Vec<Finding>> {
    let v: serde_json::Value = serde_json::from_slice(stdout).ok()?;
    let comments = v.get("comments")?.as_array()?;
    let mut out = Vec::new();
    for c in comments {
        let line = c.get("line").and_then(|x| x.as_u64()).unwrap_or(0) as usize;
        let column = c.get("column").and_then(|x| x.as_u64()).unwrap_or(0) as usize;
        let code = c.get("code").and_then(|x| x.as_u64()).unwrap_or(0);
        let message = c
            .get("message")
            .and_then(|x| x.as_str())
            .unwrap_or("")
            .trim();
        let severity = match c.get("level").and_then(|x| x.as_str()).unwrap_or("") {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            _ => Severity::Info,
        };
        let f = Finding {
            severity,
            ..Finding::error(
                SHELLCHECK,
                file,
                line,
                column,
                format!("SC{code}: {message}"),
            )
        };
        out.push(f.with_help(format!("see https://www.shellcheck.net/wiki/SC{code}")));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json1_maps_levels_codes_and_positions() {
        let out = br#"{"comments":[
            {"file":"-","line":3,"endLine":3,"column":6,"endColumn":8,"level":"warning","code":2086,"message":"Double quote to prevent globbing and word splitting.","fix":null},
            {"file":"-","line":1,"endLine":1,"column":1,"endColumn":2,"level":"error","code":1009,"message":"The mentioned syntax error was in this simple command."},
            {"file":"-","line":2,"endLine":2,"column":1,"endColumn":2,"level":"style","code":2001,"message":"See if you can use ${variable//search/replace} instead."}
        ]}"#;
        let f = parse_json1(out, "scripts/x.sh").expect("parses");
        assert_eq!(f.len(), 3);
        assert_eq!(
            (f[0].code.as_str(), f[0].line, f[0].column, f[0].severity),
            ("shellcheck", 3, 6, Severity::Warning)
        );
        assert_eq!(
            f[0].message,
            "SC2086: Double quote to prevent globbing and word splitting."
        );
        assert_eq!(
            f[0].help.as_deref(),
            Some("see https://www.shellcheck.net/wiki/SC2086")
        );
        assert_eq!(f[1].severity, Severity::Error);
        assert_eq!(f[2].severity, Severity::Info);
        assert!(parse_json1(b"not json", "x").is_none());
        assert!(parse_json1(b"{}", "x").is_none());
    }

    #[test]
    fn shebang_decides_the_shell() {
        assert_eq!(shell_arg("#!/bin/sh\necho"), None);
        assert_eq!(shell_arg("#!/usr/bin/env bash\necho"), None);
        assert_eq!(shell_arg("#!/usr/bin/env -S bash -e\necho"), None);
        assert_eq!(shell_arg("echo"), Some("--shell=bash"));
        assert_eq!(shell_arg("#!/bin/zsh\necho"), Some("--shell=bash"));
    }
}
