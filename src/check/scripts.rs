//! Scripts (the `scripts` source: `.sh`/`.bash` files):
//!
//! - `script-syntax`: a script bash would not parse — the same parser and verdict as
//!   `shell-syntax` (see `shell.rs`), one finding per script (the first error);
//! - `shellcheck`: ShellCheck's findings, when `[check] shellcheck` is on (the default) and a
//!   `shellcheck` executable is on PATH; silently skipped otherwise, or when it fails. Its levels
//!   map error → error, warning → warning, info/style → info; notes below `[check]
//!   shellcheck_level` (default `warning`) are not reported, except the codes of `[check]
//!   shellcheck_warn` (default SC2086, SC2046: unquoted expansions, which ShellCheck rates info
//!   because it cannot know the value), reported as warnings at any level.
//!
//! Decisions: SC2015 ("A && B || C is not if-then-else") is not reported when C is `true` or
//! `:` — `cmd && other || true` is the idiom for "never fail here", where C running after a
//! failed B is exactly what is meant.
//!
//! Nothing is executed but ShellCheck itself, which reads the script on stdin (one process per
//! script, in parallel) in the script's directory, so a team's `.shellcheckrc` applies.

use super::shell::{block_errors, first_finding, to_finding};
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
            // The shell rule's verdict on a `bash` block, remembered across `serve` rebuilds.
            let errors = block_errors("bash", &script.source.text).unwrap_or_default();
            let broken = errors.iter().any(|e| !e.warning);
            if let Some(e) = first_finding(&errors) {
                out.push(to_finding(e, |severity, line, column, message| Finding {
                    severity,
                    ..Finding::error(SYNTAX, &script.source.rel, line, column, message)
                }));
            }
            // A script that does not parse gets one finding, not a second from ShellCheck's parser.
            if let (Some(exe), false) = (&shellcheck, broken) {
                let policy = Policy::from_config(cx.cfg);
                out.extend(
                    run_shellcheck(exe, script)
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(|note| {
                            policy.report(note, &script.source.rel, &script.source.text)
                        }),
                );
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

/// ShellCheck's notes on one script; `None` when it could not run or its output is not understood.
/// Results are remembered for the life of the process by everything that decides them (the
/// executable, the directory, the text and the `.shellcheckrc` files that apply), so `serve`
/// does not start ShellCheck again for scripts that did not change: it costs ~100 ms a script.
fn run_shellcheck(exe: &Path, script: &Script) -> Option<Vec<Note>> {
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
        return parse_json1(&stdout);
    }
    let stdout = shellcheck_output(exe, script, dir)?;
    OUTPUTS.insert(key, stdout.clone());
    parse_json1(&stdout)
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

/// ShellCheck's levels, lowest first (the names `shellcheck_level` takes).
pub const LEVELS: [&str; 4] = ["style", "info", "warning", "error"];

/// One ShellCheck comment, as its `json1` output gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub line: usize,
    pub column: usize,
    pub code: u64,
    /// `error`, `warning`, `info` or `style`.
    pub level: String,
    pub message: String,
}

/// The comments of ShellCheck's `json1` output; `None` when it is not that.
pub fn parse_json1(stdout: &[u8]) -> Option<Vec<Note>> {
    let v: serde_json::Value = serde_json::from_slice(stdout).ok()?;
    let comments = v.get("comments")?.as_array()?;
    let num = |c: &serde_json::Value, k: &str| c.get(k).and_then(|x| x.as_u64()).unwrap_or(0);
    let text = |c: &serde_json::Value, k: &str| {
        c.get(k)
            .and_then(|x| x.as_str())
            .unwrap_or("")
            .trim()
            .to_string()
    };
    Some(
        comments
            .iter()
            .map(|c| Note {
                line: num(c, "line") as usize,
                column: num(c, "column") as usize,
                code: num(c, "code"),
                level: text(c, "level"),
                message: text(c, "message"),
            })
            .collect(),
    )
}

/// Which ShellCheck notes become findings, from `[check]`.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Rank in [`LEVELS`] of `shellcheck_level`.
    min_rank: usize,
    /// `shellcheck_warn` as numbers (`SC2086` → 2086).
    warn: Vec<u64>,
}

impl Policy {
    /// From `[check]` (validated when site.toml loaded).
    pub fn from_config(cfg: &crate::config::CheckConfig) -> Policy {
        Policy {
            min_rank: level_rank(&cfg.shellcheck_level).unwrap_or(2),
            warn: cfg
                .shellcheck_warn
                .iter()
                .filter_map(|c| sc_number(c))
                .collect(),
        }
    }

    /// The finding for `note` on the script `file` (its text `file_text`), or `None` when the
    /// note is an idiom or below the minimum level.
    pub fn report(&self, note: Note, file: &str, file_text: &str) -> Option<Finding> {
        if note.code == 2015 && else_part_is_no_op(file_text, note.line, note.column) {
            return None;
        }
        let rank = level_rank(&note.level).unwrap_or(1);
        let severity = if self.warn.contains(&note.code) && rank < 3 {
            Severity::Warning
        } else if rank < self.min_rank {
            return None;
        } else {
            match rank {
                3 => Severity::Error,
                2 => Severity::Warning,
                _ => Severity::Info,
            }
        };
        let message = format!("SC{}: {}", note.code, note.message);
        let finding = Finding {
            severity,
            ..Finding::error(SHELLCHECK, file, note.line, note.column, message)
        };
        Some(finding.with_help(format!(
            "see https://www.shellcheck.net/wiki/SC{}",
            note.code
        )))
    }
}

/// The rank of a ShellCheck level name in [`LEVELS`].
pub fn level_rank(level: &str) -> Option<usize> {
    LEVELS.iter().position(|l| *l == level)
}

/// `SC2086` → 2086.
pub fn sc_number(code: &str) -> Option<u64> {
    code.strip_prefix("SC")
        .filter(|n| n.len() == 4 && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse().ok())
}

/// Whether the `A && B || C` ShellCheck points at (its `&&` at 1-based `line`/`column`, tabs
/// counting one) has a C that does nothing: `true` or `:`, alone up to the end of the command.
fn else_part_is_no_op(text: &str, line: usize, column: usize) -> bool {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = text.get(line_start..).unwrap_or("");
    let from = rest
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(rest.len(), |(i, _)| i);
    let rest = &rest[from..];
    let Some(or) = rest.find("||") else {
        return false;
    };
    let c = rest[or + 2..].replace("\\\n", " ");
    let c = c.trim_start_matches([' ', '\t']);
    let word_end = c
        .find(|ch: char| ch.is_whitespace() || matches!(ch, ';' | '&' | '|' | ')' | '}' | '#'))
        .unwrap_or(c.len());
    let (word, after) = c.split_at(word_end);
    let after = after.trim_start_matches([' ', '\t']);
    let command_ends = after.is_empty()
        || after.starts_with(['\n', ';', ')', '}', '#'])
        || (after.starts_with('&') && !after.starts_with("&&"));
    matches!(word, "true" | ":") && command_ends
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(level: &str, warn: &[&str]) -> Policy {
        let cfg = crate::config::CheckConfig {
            shellcheck_level: level.into(),
            shellcheck_warn: warn.iter().map(|w| w.to_string()).collect(),
            ..Default::default()
        };
        Policy::from_config(&cfg)
    }

    #[test]
    fn json1_maps_levels_codes_and_positions() {
        let out = br#"{"comments":[
            {"file":"-","line":3,"endLine":3,"column":6,"endColumn":8,"level":"warning","code":2034,"message":"x appears unused.","fix":null},
            {"file":"-","line":1,"endLine":1,"column":1,"endColumn":2,"level":"error","code":1009,"message":"The mentioned syntax error was in this simple command."},
            {"file":"-","line":2,"endLine":2,"column":1,"endColumn":2,"level":"style","code":2001,"message":"See if you can use ${variable//search/replace} instead."},
            {"file":"-","line":4,"endLine":4,"column":8,"endColumn":10,"level":"info","code":2086,"message":"Double quote to prevent globbing and word splitting."}
        ]}"#;
        let notes = parse_json1(out).expect("parses");
        let report = |p: &Policy| -> Vec<Finding> {
            notes
                .iter()
                .filter_map(|n| p.report(n.clone(), "scripts/x.sh", ""))
                .collect()
        };
        let f = report(&policy("warning", &["SC2086"]));
        assert_eq!(f.len(), 3, "the style note is below the minimum: {f:?}");
        assert_eq!(
            (f[0].code.as_str(), f[0].line, f[0].column, f[0].severity),
            ("shellcheck", 3, 6, Severity::Warning)
        );
        assert_eq!(f[0].message, "SC2034: x appears unused.");
        assert_eq!(
            f[0].help.as_deref(),
            Some("see https://www.shellcheck.net/wiki/SC2034")
        );
        assert_eq!(f[1].severity, Severity::Error);
        assert_eq!((f[2].line, f[2].severity), (4, Severity::Warning));
        let all = report(&policy("style", &[]));
        assert_eq!(all.len(), 4);
        assert_eq!(
            (all[2].severity, all[3].severity),
            (Severity::Info, Severity::Info)
        );
        assert_eq!(report(&policy("error", &[])).len(), 1);
        assert!(parse_json1(b"not json").is_none());
        assert!(parse_json1(b"{}").is_none());
    }

    #[test]
    fn or_true_is_an_idiom_other_else_parts_are_not() {
        let text = "#!/bin/bash\ntest -f a && rm a || true\n\t[ -d b ] && echo y || :   # fine\nf && g || h\nf && g || true && h\nf && \\\n  g || true; echo\n";
        assert!(else_part_is_no_op(text, 2, 11));
        assert!(else_part_is_no_op(text, 3, 11));
        assert!(!else_part_is_no_op(text, 4, 3));
        assert!(!else_part_is_no_op(text, 5, 3));
        assert!(else_part_is_no_op(text, 6, 3));
        let sc2015 = |line, column| Note {
            line,
            column,
            code: 2015,
            level: "info".into(),
            message: "Note that A && B || C is not if-then-else.".into(),
        };
        let p = policy("style", &[]);
        assert!(p.report(sc2015(2, 11), "x.sh", text).is_none());
        assert!(p.report(sc2015(4, 3), "x.sh", text).is_some());
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
