//! One rebuild for `serve`: the same stages as `spark-docs build` (load, check, render, post), kept
//! in memory. A failed rebuild becomes a list of [`Problem`]s for the terminal and the overlay.

use crate::config::{Config, ConfigError};
use crate::diagnostics::Finding;
use crate::model::Site;
use crate::{render, BuildError, BuildOptions, Mode, OnErrors, Staged};
use hyper::body::Bytes;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

/// The served files: output-relative path → bytes (cheap to clone per request).
pub type Files = BTreeMap<String, Bytes>;

/// A finding as the overlay shows it: the finding plus the offending source line.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Problem {
    pub severity: &'static str,
    pub code: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The source line `line` points at, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Milliseconds spent in each stage, for the terminal (the orchestrator's).
pub use crate::Timings;

impl std::fmt::Display for Timings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ms (load {}, check {}, render {}",
            self.total, self.load, self.check, self.render
        )?;
        // Rebuilds make the search index and the card afterwards, on another thread.
        if self.site_wide > 0 {
            write!(f, ", search index and card {}", self.site_wide)?;
        }
        f.write_str(")")
    }
}

/// What one build produced.
pub enum Outcome {
    Built {
        files: Files,
        base_path: String,
        config: Box<Config>,
        /// Warnings and infos: the build succeeded.
        findings: Vec<Finding>,
        timings: Timings,
        /// The site-wide stage still to run (`files` holds the pages only).
        site_wide: SiteWide,
    },
    Failed {
        problems: Vec<Problem>,
        /// Terminal text (rustc-like findings, or the configuration/theme error).
        report: String,
        /// The configuration, when it loaded (so the watcher keeps up with site.toml).
        config: Option<Box<Config>>,
        /// For the very first build only: the site rendered with its findings (banners, /health/),
        /// so there is something to look at; `None` when even that failed.
        fallback: Option<(Files, String)>,
        timings: Timings,
    },
}

/// Runs the orchestrator ([`crate::run`]: load → check → render → post); the search index and
/// the card are left in [`SiteWide`]. `first` asks for a best-effort site on content errors.
pub fn build(opts: &BuildOptions, first: bool, color: bool) -> Outcome {
    let started = Instant::now();
    let mode = Mode {
        on_errors: if first {
            OnErrors::Fallback
        } else {
            OnErrors::Stop
        },
        site_wide: crate::SiteWide::DeferWhenClean,
    };
    let staged = match crate::run(opts, mode) {
        Ok(staged) => staged,
        Err(e) => {
            let timings = Timings {
                total: started.elapsed().as_millis(),
                ..Timings::default()
            };
            return failure_from_error(&e, &opts.root, None, timings);
        }
    };
    let Staged {
        site,
        findings,
        failed,
        output,
        timings,
        ..
    } = staged;
    let config = Box::new(site.config.clone());
    let root = site.config.root.clone();
    let base_path = site.config.base_path();
    if failed {
        // The first build's best-effort site; `None` when even that failed.
        let fallback = output
            .and_then(Result::ok)
            .map(|files| (into_files(files), base_path.clone()));
        // Errors first: they are why the build failed; warnings follow.
        let mut shown = findings.clone();
        shown.sort_by_key(|f| f.severity);
        let problems = shown.iter().map(|f| problem(f, &site)).collect();
        let report = site.render_findings(&findings, color);
        return Outcome::Failed {
            problems,
            report,
            config: Some(config),
            fallback,
            timings,
        };
    }
    match output.unwrap_or_else(|| Ok(render::Output::new())) {
        Ok(pages) => {
            let files = into_files(pages);
            Outcome::Built {
                // The worker shares the page bytes: no copy on the way to the reload.
                site_wide: SiteWide {
                    site: Box::new(site),
                    pages: files.clone(),
                },
                files,
                base_path,
                config,
                findings,
                timings,
            }
        }
        Err(e) => failure_from_error(&e, &root, Some(config), timings),
    }
}

/// The search index and the quick-reference card of a good build, made from all of its pages.
/// `serve` makes them after the reload a save triggers: they take longer than everything
/// else together (~0.7 s on the default site) and only the search box and the PDF use them.
pub struct SiteWide {
    site: Box<Site>,
    pages: Files,
}

impl SiteWide {
    /// The files this stage adds (path → bytes) and the card's findings.
    pub fn finish(self) -> Result<(Files, Vec<Finding>), BuildError> {
        let mut files: render::Output = self
            .pages
            .iter()
            .map(|(k, v)| (k.clone(), v.to_vec()))
            .collect();
        let findings = crate::render_site_wide(&self.site, &mut files)?;
        let added = files
            .into_iter()
            .filter(|(k, _)| !self.pages.contains_key(k))
            .map(|(k, v)| (k, Bytes::from(v)))
            .collect();
        Ok((added, findings))
    }
}

fn into_files(output: render::Output) -> Files {
    output
        .into_iter()
        .map(|(k, v)| (k, Bytes::from(v)))
        .collect()
}

/// A finding with its source line, quoted from the text the model holds (read from disk only
/// for files the model does not hold).
fn problem(f: &Finding, site: &Site) -> Problem {
    let source = match site.source_text(&f.file) {
        Some(text) if f.line > 0 => quote_line(text, f.line),
        Some(_) => None,
        None => source_line(&site.config.root, &f.file, f.line),
    };
    Problem {
        severity: f.severity.as_str(),
        code: f.code.to_string(),
        file: f.file.clone(),
        line: f.line,
        column: f.column,
        message: f.message.clone(),
        help: f.help.clone(),
        source,
    }
}

fn source_line(root: &Path, file: &str, line: usize) -> Option<String> {
    if file.is_empty() || line == 0 {
        return None;
    }
    let bytes = std::fs::read(root.join(file)).ok()?;
    quote_line(&String::from_utf8_lossy(&bytes), line)
}

/// Line `line` (1-based) of `text`, clipped to 200 characters, tabs as four spaces.
fn quote_line(text: &str, line: usize) -> Option<String> {
    let l = text.lines().nth(line.checked_sub(1)?)?;
    Some(
        l.chars()
            .take(200)
            .collect::<String>()
            .replace('\t', "    "),
    )
}

fn rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// A configuration or theme error as one problem (they carry no finding).
fn failure_from_error(
    e: &BuildError,
    root: &Path,
    config: Option<Box<Config>>,
    timings: Timings,
) -> Outcome {
    Outcome::Failed {
        problems: problems_from_error(e, root),
        report: format!("error: {e}\n"),
        config,
        fallback: None,
        timings,
    }
}

/// A configuration, theme or other build error as the overlay's one problem.
pub fn problems_from_error(e: &BuildError, root: &Path) -> Vec<Problem> {
    let (code, file, line, message) = match e {
        BuildError::Config(c) => {
            let (path, message) = match c {
                ConfigError::Read { path, source } => (path, format!("cannot read: {source}")),
                ConfigError::Parse { path, message } => (path, message.clone()),
                ConfigError::MissingPath { path, key, value } => (
                    path,
                    format!("`{key}` names `{value}`, which does not exist"),
                ),
                ConfigError::Invalid {
                    path,
                    key,
                    value,
                    message,
                } => (path, format!("`{key}` = `{value}`: {message}")),
                ConfigError::InvalidAt {
                    path,
                    line,
                    key,
                    value,
                    message,
                } => (path, format!("line {line}: `{key}` = `{value}`: {message}")),
                ConfigError::UnknownRule {
                    path,
                    line,
                    code,
                    suggestion,
                } => (
                    path,
                    format!(
                        "line {line}: unknown rule code `{code}` in [check] severity{}",
                        suggestion
                            .as_ref()
                            .map(|s| format!("; did you mean `{s}`?"))
                            .unwrap_or_default()
                    ),
                ),
            };
            // `describe_toml_error` puts the line first: "line 3: expected …".
            let (line, message) = match message
                .strip_prefix("line ")
                .and_then(|m| m.split_once(": "))
            {
                Some((n, rest)) if n.parse::<usize>().is_ok() => {
                    (n.parse().unwrap_or(0), rest.to_string())
                }
                _ => (0, message),
            };
            ("config", rel(root, path), line, message)
        }
        BuildError::Theme(t) => ("theme", String::new(), 0, t.0.clone()),
        other => ("build", String::new(), 0, other.to_string()),
    };
    let source = source_line(root, &file, line);
    let problem = Problem {
        severity: "error",
        code: code.into(),
        file,
        line,
        column: 0,
        message,
        help: None,
        source,
    };
    vec![problem]
}

/// The overlay's data for a failed build, as JSON.
pub fn error_json(problems: &[Problem], generation: u64) -> String {
    #[derive(Serialize)]
    struct Report<'a> {
        /// The generation still being served.
        generation: u64,
        errors: usize,
        warnings: usize,
        problems: &'a [Problem],
    }
    let errors = problems.iter().filter(|p| p.severity == "error").count();
    let warnings = problems.iter().filter(|p| p.severity == "warning").count();
    serde_json::to_string(&Report {
        generation,
        errors,
        warnings,
        problems,
    })
    .unwrap_or_else(|_| "{}".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_parse_errors_keep_their_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("site.toml"), "title = \"t\"\nbase_url = \n").unwrap();
        let opts = BuildOptions {
            root: dir.path().to_path_buf(),
            ..Default::default()
        };
        match build(&opts, false, false) {
            Outcome::Failed {
                problems, config, ..
            } => {
                assert!(config.is_none());
                assert_eq!(problems.len(), 1);
                assert_eq!(problems[0].code, "config");
                assert_eq!(problems[0].file, "site.toml");
                assert_eq!(problems[0].line, 2, "{problems:?}");
                assert_eq!(problems[0].source.as_deref(), Some("base_url = "));
            }
            Outcome::Built { .. } => panic!("a broken site.toml built"),
        }
    }
}
