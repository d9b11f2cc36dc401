//! Findings (severity, stable rule code, file:line:column, message, help) and their three
//! renderings: rustc-like text for people, GitHub workflow commands for CI, and JSON.

use crate::check::codes::Code;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One problem found in the content. `file` is relative to the site root, `line`/`column` are
/// 1-based and point into that file (0 when unknown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub code: Code,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Finding {
    pub fn error(
        code: Code,
        file: impl Into<String>,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            severity: Severity::Error,
            code,
            file: file.into(),
            line,
            column,
            message: message.into(),
            help: None,
        }
    }

    pub fn warning(
        code: Code,
        file: impl Into<String>,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            severity: Severity::Warning,
            ..Finding::error(code, file, line, column, message)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Counts by severity.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
}

pub fn summarize(findings: &[Finding]) -> Summary {
    let mut s = Summary::default();
    for f in findings {
        match f.severity {
            Severity::Error => s.errors += 1,
            Severity::Warning => s.warnings += 1,
            Severity::Info => {}
        }
    }
    s
}

/// Sorts findings by file, line, column, code so every output is deterministic.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.code, &a.message)
            .cmp(&(&b.file, b.line, b.column, &b.code, &b.message))
    });
}

/// rustc-like rendering: header, location arrow, the source line with a caret, help.
/// `root` is used to read the offending line; colours only when `color` is set. Prefer
/// [`render_human_with`] and the texts the model holds when a loaded site is at hand.
pub fn render_human(findings: &[Finding], root: &Path, color: bool) -> String {
    render_human_with(findings, |file| read_lossy(&root.join(file)), color)
}

fn read_lossy(path: &Path) -> Option<String> {
    std::fs::read(path)
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// [`render_human`] quoting the offending lines from `text_of(file)` (the model's source texts,
/// so sources are read once); `None` shows no snippet.
pub fn render_human_with(
    findings: &[Finding],
    text_of: impl Fn(&str) -> Option<String>,
    color: bool,
) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    let mut cache: std::collections::HashMap<&str, Option<Vec<String>>> = Default::default();
    for f in findings {
        let sev_color = match f.severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
        };
        let _ = writeln!(
            out,
            "{}{} {}",
            paint(sev_color, &format!("{}[{}]", f.severity.as_str(), f.code)),
            paint("1", ":"),
            paint("1", &f.message)
        );
        let location = match (f.line, f.column) {
            (0, _) => f.file.clone(),
            (l, 0) => format!("{}:{l}", f.file),
            (l, c) => format!("{}:{l}:{c}", f.file),
        };
        let _ = writeln!(out, "  {} {location}", paint("1;34", "-->"));
        let lines = cache
            .entry(f.file.as_str())
            .or_insert_with(|| text_of(&f.file).map(|t| t.lines().map(str::to_string).collect()));
        if let Some(src) = lines.as_ref().and_then(|l| l.get(f.line.wrapping_sub(1))) {
            let num = f.line.to_string();
            let pad = " ".repeat(num.len());
            let shown: String = src.chars().take(160).collect();
            let _ = writeln!(out, "{pad} {}", paint("1;34", "|"));
            let _ = writeln!(
                out,
                "{} {} {}",
                paint("1;34", &num),
                paint("1;34", "|"),
                shown.replace('\t', "    ")
            );
            if f.column > 0 {
                let prefix: String = src
                    .chars()
                    .take(f.column - 1)
                    .map(|c| {
                        if c == '\t' {
                            "    ".to_string()
                        } else {
                            " ".to_string()
                        }
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "{pad} {} {prefix}{}",
                    paint("1;34", "|"),
                    paint(sev_color, "^")
                );
            }
        }
        if let Some(help) = &f.help {
            let _ = writeln!(out, "  {} {help}", paint("1;36", "= help:"));
        }
        out.push('\n');
    }
    let s = summarize(findings);
    let _ = writeln!(
        out,
        "{}: {} error{}, {} warning{}",
        if s.errors > 0 {
            paint("1;31", "result")
        } else {
            paint("1;32", "result")
        },
        s.errors,
        if s.errors == 1 { "" } else { "s" },
        s.warnings,
        if s.warnings == 1 { "" } else { "s" }
    );
    out
}

/// GitHub workflow commands: `::error file=…,line=…,col=…,title=<code>::<message>`.
pub fn render_github(findings: &[Finding]) -> String {
    render_github_at(findings, "")
}

/// [`render_github`] with `prefix` (the site root relative to the repository, e.g. `docs/`)
/// before every file, since GitHub resolves annotation paths from the repository root.
pub fn render_github_at(findings: &[Finding], prefix: &str) -> String {
    let mut out = String::new();
    for f in findings {
        let kind = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut msg = f.message.clone();
        if let Some(h) = &f.help {
            msg.push_str("\nhelp: ");
            msg.push_str(h);
        }
        let _ = writeln!(
            out,
            "::{kind} file={},line={},col={},title={}::{}",
            escape_property(&format!("{prefix}{}", f.file)),
            f.line.max(1),
            f.column.max(1),
            escape_property(f.code.as_str()),
            escape_data(&msg)
        );
    }
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `{"findings":[…],"summary":{"errors":N,"warnings":N}}`.
pub fn render_json(findings: &[Finding]) -> String {
    #[derive(Serialize)]
    struct Report<'a> {
        findings: &'a [Finding],
        summary: Summary,
    }
    let report = Report {
        findings,
        summary: summarize(findings),
    };
    serde_json::to_string_pretty(&report).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escapes_properties_and_data() {
        let f = Finding::error(Code::ShellSyntax, "a,b:c.md", 3, 4, "50% bad\nline");
        assert_eq!(
            render_github(&[f]),
            "::error file=a%2Cb%3Ac.md,line=3,col=4,title=shell-syntax::50%25 bad%0Aline\n"
        );
    }

    #[test]
    fn human_shows_caret_under_column() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x.md"), "one\n  two\n").unwrap();
        let f = Finding::error(Code::ShellSyntax, "x.md", 2, 3, "bad").with_help("fix it");
        let out = render_human(&[f], dir.path(), false);
        assert!(
            out.contains("error[shell-syntax]: bad\n  --> x.md:2:3\n"),
            "{out}"
        );
        assert!(out.contains("2 |   two\n  |   ^\n"), "{out}");
        assert!(out.contains("= help: fix it"), "{out}");
        assert!(out.contains("1 error, 0 warnings"), "{out}");
    }
}
