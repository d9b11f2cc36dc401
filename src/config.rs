//! `site.toml`: the typed site configuration, its defaults and its validation.

use crate::util::globs::{Globs, Separator};
use crate::util::sections::SectionNames;
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A configuration problem: always exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{path}: `{key}` names `{value}`, which does not exist")]
    MissingPath {
        path: PathBuf,
        key: String,
        value: String,
    },
    #[error("{}:{line}: unknown rule code `{code}` in [check] severity{}\n  = help: `spark-docs rules` lists every code", path.display(), match suggestion { Some(s) => format!("; did you mean `{s}`?"), None => String::new() })]
    UnknownRule {
        path: PathBuf,
        /// 1-based line of the key in the file (0 when it cannot be found).
        line: usize,
        code: String,
        suggestion: Option<String>,
    },
    #[error("{}:{line}: `{key}` = `{value}`: {message}", path.display())]
    InvalidAt {
        path: PathBuf,
        /// 1-based line of the value in the file (0 when it cannot be found).
        line: usize,
        key: String,
        value: String,
        message: String,
    },
    #[error("{path}: `{key}` = `{value}`: {message}")]
    Invalid {
        path: PathBuf,
        key: String,
        value: String,
        message: String,
    },
}

/// The whole of `site.toml`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Site title, shown in the header and in every `<title>`.
    pub title: String,
    /// One sentence shown on the home page and as the default meta description.
    #[serde(default)]
    pub description: String,
    /// Absolute URL the site is served from; its path (e.g. `/spark-docs/`) prefixes every link.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// Language of the pages (`<html lang>`).
    #[serde(default = "default_language")]
    pub language: String,
    /// Repository URL; when set, pages get an "Edit this page" link.
    #[serde(default)]
    pub repo_url: String,
    /// Branch used in "Edit this page" links.
    #[serde(default = "default_branch")]
    pub repo_branch: String,
    /// Theme name: files in `<root>/themes/<theme>/` override the built-in default theme.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Where each kind of source lives.
    #[serde(default)]
    pub sources: Sources,
    /// Chart paths as commands write them (`charts/spark-4.1`) → chart directories in the repo.
    #[serde(default)]
    pub chart_paths: BTreeMap<String, String>,
    /// `[check]`: how the checks run.
    #[serde(default)]
    pub check: CheckConfig,
    /// `[sections]`: troubleshooting section (`symptoms`, `diagnosis`, `solution`, or another of
    /// `[check] troubleshooting_sections`, lowercase) → the headings that count as it; a list
    /// replaces the built-in names of its section, `"..."` in it splices them back in.
    #[serde(default)]
    pub sections: BTreeMap<String, Vec<String>>,
    /// `[markdown]`: how Markdown becomes HTML.
    #[serde(default)]
    pub markdown: MarkdownConfig,
}

/// `[markdown]`: what raw HTML in Markdown may do.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// `"safe"` (default), `"all"` or `"none"`; see [`RawHtml`].
    #[serde(default)]
    pub raw_html: RawHtml,
}

/// Raw HTML written in Markdown (`<details>`, `<kbd>`, `<script>` …). Whatever the policy,
/// `javascript:`, `vbscript:` and `data:` URLs never become links or image sources.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    /// Keep a short allow-list of harmless elements (`details`, `summary`, `kbd`, `br`, `sup`,
    /// `sub`, `abbr`, `mark`, `ins`, `del` and other inline text elements) with only the `open`
    /// and `title` attributes; escape every other tag so it shows as text.
    #[default]
    Safe,
    /// Pass raw HTML through unchanged (scripts, iframes, event handlers): only for trusted authors.
    All,
    /// Escape every tag, so raw HTML shows as text.
    None,
}

/// `[check]`: severity overrides, ignored paths, the placeholder pattern, shellcheck.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckConfig {
    /// Rule code → `error`, `warning`, `info` or `off`.
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    /// Globs (relative to the root) of files whose findings are dropped.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Regex of documentation placeholders in code (`<namespace>`): treated as plain words.
    #[serde(default = "default_placeholder")]
    pub placeholder: String,
    /// Run `shellcheck` on scripts when it is on PATH.
    #[serde(default = "default_true")]
    pub shellcheck: bool,
    /// The lowest ShellCheck level reported: `error`, `warning` (default), `info` or `style`.
    #[serde(default = "default_shellcheck_level")]
    pub shellcheck_level: String,
    /// ShellCheck codes reported as warnings whatever their level (default SC2086 and SC2046:
    /// unquoted expansions, which ShellCheck rates info).
    #[serde(default = "default_shellcheck_warn")]
    pub shellcheck_warn: Vec<String>,
    /// Recipe categories that follow the troubleshooting template.
    #[serde(default = "default_troubleshoot_categories")]
    pub troubleshooting_categories: Vec<String>,
    /// Sections every troubleshooting recipe must have (`recipe-missing-section`).
    #[serde(default = "default_troubleshoot_sections")]
    pub troubleshooting_sections: Vec<String>,
    /// `[check.spark]`: the `spark-property-*` rules.
    #[serde(default)]
    pub spark: SparkCheckConfig,
}

/// `[check.spark]`: which Spark lines pages are checked against, and namespaces of property
/// names the catalog cannot list (`spark.myplugin.*`), added to the built-in open namespaces.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SparkCheckConfig {
    /// Version lines (`"3.5"`, `"4.1"`) for sources that do not declare their own; default: the
    /// lines pages and presets declare, else every line of the catalog.
    #[serde(default)]
    pub versions: Vec<String>,
    /// Extra open namespaces: `spark.x.*`, `spark.x.` or `spark.x.<name>.y`.
    #[serde(default)]
    pub open_namespaces: Vec<String>,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            severity: BTreeMap::new(),
            ignore: Vec::new(),
            placeholder: default_placeholder(),
            shellcheck: true,
            shellcheck_level: default_shellcheck_level(),
            shellcheck_warn: default_shellcheck_warn(),
            troubleshooting_categories: default_troubleshoot_categories(),
            troubleshooting_sections: default_troubleshoot_sections(),
            spark: SparkCheckConfig::default(),
        }
    }
}

fn default_placeholder() -> String {
    "<[A-Za-z][A-Za-z0-9_.:/-]*>".into()
}
fn default_true() -> bool {
    true
}
fn default_shellcheck_level() -> String {
    "warning".into()
}
fn default_shellcheck_warn() -> Vec<String> {
    vec!["SC2086".into(), "SC2046".into()]
}
fn default_troubleshoot_categories() -> Vec<String> {
    vec!["troubleshoot".into(), "troubleshooting".into()]
}
fn default_troubleshoot_sections() -> Vec<String> {
    vec!["Symptoms".into(), "Diagnosis".into(), "Solution".into()]
}

/// `[sources]`: every key optional; a key that is set must name an existing path.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sources {
    /// Directory of the recipes (Markdown with front matter).
    pub recipes: Option<String>,
    /// Directory of the issues (`ISSUE-NNN`, Markdown with front matter).
    pub issues: Option<String>,
    /// Globs of Helm values presets (`presets/**/values-scenario-*.yaml`).
    #[serde(default)]
    pub presets: Vec<String>,
    /// Globs of chart directories (Chart.yaml, values.yaml, values.schema.json, templates/).
    #[serde(default)]
    pub charts: Vec<String>,
    /// Directory of Jupyter notebooks.
    pub notebooks: Option<String>,
    /// Directory of shell scripts.
    pub scripts: Option<String>,
    /// Directory of Rego policies.
    pub policies: Option<String>,
}

/// The JSON Schema of `site.toml`, generated from [`SiteConfig`] (`schemas/site.schema.json`
/// holds it, for editors: Taplo and Tombi read a `#:schema` first line).
pub fn site_schema() -> String {
    let schema = schemars::schema_for!(SiteConfig);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serialises");
    text.push('\n');
    text
}

fn default_base_url() -> String {
    "/".into()
}
fn default_language() -> String {
    "en".into()
}
fn default_branch() -> String {
    "main".into()
}
fn default_theme() -> String {
    "default".into()
}

/// A loaded configuration together with the directory everything is relative to.
#[derive(Debug, Clone)]
pub struct Config {
    pub root: PathBuf,
    pub file: PathBuf,
    pub site: SiteConfig,
    /// The globs of site.toml, compiled once when it loaded.
    pub globs: ConfigGlobs,
    /// `[sections]` over the built-in names, compiled once when it loaded.
    pub sections: SectionNames,
}

/// The glob lists of site.toml, compiled once (validation compiles them anyway): every stage
/// matches paths through these instead of building its own glob set.
#[derive(Debug, Clone, Default)]
pub struct ConfigGlobs {
    /// `[check] ignore`: `*` also matches `/`.
    pub ignore: Globs,
    /// `[sources] presets`: `*` stays inside one path segment.
    pub presets: Globs,
    /// `[sources] charts`: `*` stays inside one path segment.
    pub charts: Globs,
}

impl Config {
    /// Reads and validates `site.toml`. `base_url_override` replaces `base_url` (CLI `--base-url`).
    pub fn load(
        root: &Path,
        file: Option<&Path>,
        base_url_override: Option<&str>,
    ) -> Result<Config, ConfigError> {
        let file = file
            .map(Path::to_path_buf)
            .unwrap_or_else(|| root.join("site.toml"));
        let text = std::fs::read_to_string(&file).map_err(|source| ConfigError::Read {
            path: file.clone(),
            source,
        })?;
        let mut site: SiteConfig = toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: file.clone(),
            message: describe_toml_error(&text, &e),
        })?;
        if let Some(url) = base_url_override {
            site.base_url = url.to_string();
        }
        let mut config = Config {
            root: root.to_path_buf(),
            file,
            site,
            globs: ConfigGlobs::default(),
            sections: SectionNames::default(),
        };
        config.globs = config.validate()?;
        config.validate_rule_codes(&text)?;
        config.sections = config.compile_sections(&text)?;
        Ok(config)
    }

    /// The directories sources are read from (recipes, issues, notebooks, scripts, policies, and
    /// the literal directories of the preset and chart globs), joined to the root.
    pub fn source_dirs(&self) -> Vec<PathBuf> {
        let s = &self.site.sources;
        let dirs = [&s.recipes, &s.issues, &s.notebooks, &s.scripts, &s.policies];
        let globbed = s.presets.iter().chain(&s.charts).map(|g| {
            g.split('/')
                .take_while(|seg| !seg.contains(['*', '?', '[', '{']))
                .collect::<Vec<_>>()
                .join("/")
        });
        dirs.into_iter()
            .flatten()
            .cloned()
            .chain(globbed)
            .filter(|d| !d.is_empty() && d != ".")
            .map(|d| self.root.join(d))
            .collect()
    }

    /// Checks every setting; returns the globs, compiled on the way.
    fn validate(&self) -> Result<ConfigGlobs, ConfigError> {
        let url = &self.site.base_url;
        if !(url.starts_with('/') || url.starts_with("http://") || url.starts_with("https://")) {
            return Err(ConfigError::Invalid {
                path: self.file.clone(),
                key: "base_url".into(),
                value: url.clone(),
                message: "must be an absolute URL (https://host/path/) or a path starting with `/`"
                    .into(),
            });
        }
        let s = &self.site.sources;
        let dirs = [
            ("sources.recipes", &s.recipes),
            ("sources.issues", &s.issues),
            ("sources.notebooks", &s.notebooks),
            ("sources.scripts", &s.scripts),
            ("sources.policies", &s.policies),
        ];
        for (key, value) in dirs {
            if let Some(value) = value {
                if !self.root.join(value).is_dir() {
                    return Err(ConfigError::MissingPath {
                        path: self.file.clone(),
                        key: key.into(),
                        value: value.clone(),
                    });
                }
            }
        }
        let compile = |key: &str, globs: &[String], separator| {
            Globs::new(globs, separator).map_err(|e| ConfigError::Invalid {
                path: self.file.clone(),
                key: key.into(),
                value: e.pattern,
                message: e.message,
            })
        };
        let presets = compile("sources.presets", &s.presets, Separator::Literal)?;
        let charts = compile("sources.charts", &s.charts, Separator::Literal)?;
        if let Err(e) = regex::Regex::new(&self.site.check.placeholder) {
            return Err(ConfigError::Invalid {
                path: self.file.clone(),
                key: "check.placeholder".into(),
                value: self.site.check.placeholder.clone(),
                message: e.to_string(),
            });
        }
        for (code, sev) in &self.site.check.severity {
            if !matches!(sev.as_str(), "error" | "warning" | "info" | "off") {
                return Err(ConfigError::Invalid {
                    path: self.file.clone(),
                    key: format!("check.severity.{code}"),
                    value: sev.clone(),
                    message: "expected one of error, warning, info, off".into(),
                });
            }
        }
        let check = &self.site.check;
        if crate::check::scripts::level_rank(&check.shellcheck_level).is_none() {
            return Err(ConfigError::Invalid {
                path: self.file.clone(),
                key: "check.shellcheck_level".into(),
                value: check.shellcheck_level.clone(),
                message: "expected one of error, warning, info, style".into(),
            });
        }
        if let Some(bad) = check
            .shellcheck_warn
            .iter()
            .find(|c| crate::check::scripts::sc_number(c).is_none())
        {
            return Err(ConfigError::Invalid {
                path: self.file.clone(),
                key: "check.shellcheck_warn".into(),
                value: bad.clone(),
                message: "expected a ShellCheck code such as `SC2086`".into(),
            });
        }
        let ignore = compile("check.ignore", &self.site.check.ignore, Separator::Any)?;
        for (from, to) in &self.site.chart_paths {
            if !self.root.join(to).is_dir() {
                return Err(ConfigError::MissingPath {
                    path: self.file.clone(),
                    key: format!("chart_paths.\"{from}\""),
                    value: to.clone(),
                });
            }
        }
        Ok(ConfigGlobs {
            ignore,
            presets,
            charts,
        })
    }

    /// Every key of `[check] severity` must name a rule of the registry: a misspelt code would
    /// otherwise leave the rule on without a word.
    fn validate_rule_codes(&self, text: &str) -> Result<(), ConfigError> {
        use crate::check::codes::Code;
        for code in self.site.check.severity.keys() {
            if Code::from_name(code).is_none() {
                return Err(ConfigError::UnknownRule {
                    path: self.file.clone(),
                    line: key_line(text, code),
                    code: code.clone(),
                    suggestion: Code::suggest(code).map(|c| c.as_str().to_string()),
                });
            }
        }
        Ok(())
    }

    /// `[sections]` over the built-in names; a bad name is an error at its line.
    fn compile_sections(&self, text: &str) -> Result<SectionNames, ConfigError> {
        SectionNames::new(
            &self.site.sections,
            &self.site.check.troubleshooting_sections,
        )
        .map_err(|e| ConfigError::InvalidAt {
            path: self.file.clone(),
            line: value_line(text, &e.section, &e.name),
            key: format!("sections.{}", e.section),
            value: e.name,
            message: e.message,
        })
    }

    /// The path part of `base_url`, always starting and ending with `/` (e.g. `/spark-docs/`).
    pub fn base_path(&self) -> String {
        let url = &self.site.base_url;
        let path = match url.find("://") {
            Some(i) => {
                let rest = &url[i + 3..];
                rest.find('/').map(|j| &rest[j..]).unwrap_or("/")
            }
            None => url.as_str(),
        };
        let mut p = path.split(['?', '#']).next().unwrap_or("/").to_string();
        if !p.starts_with('/') {
            p.insert(0, '/');
        }
        if !p.ends_with('/') {
            p.push('/');
        }
        p
    }

    /// `base_url` with a trailing slash, for absolute links (sitemap).
    pub fn absolute_base(&self) -> String {
        let mut u = self.site.base_url.clone();
        if !u.ends_with('/') {
            u.push('/');
        }
        u
    }

    /// Resolves a path from site.toml against the root.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }
}

/// The 1-based line where `key` is written as a TOML key (bare or quoted), 0 when not found.
fn key_line(text: &str, key: &str) -> usize {
    let quoted = [format!("\"{key}\""), format!("'{key}'")];
    text.lines()
        .position(|l| {
            quoted.iter().any(|q| l.contains(q.as_str()))
                || l.trim_start().strip_prefix(key).is_some_and(|rest| {
                    let rest = rest.trim_start();
                    rest.starts_with('=') || rest.starts_with('.')
                })
                || l.contains(&format!(".{key} ="))
                || l.contains(&format!(".{key}="))
        })
        .map_or(0, |i| i + 1)
}

/// The 1-based line of `value` (a quoted string) in the `[sections]` list `key`, else of the
/// key itself; 0 when neither is found.
fn value_line(text: &str, key: &str, value: &str) -> usize {
    let start = key_line(text, key);
    let quoted = [format!("\"{value}\""), format!("'{value}'")];
    text.lines()
        .enumerate()
        .skip(start.saturating_sub(1))
        .find(|(_, l)| quoted.iter().any(|q| l.contains(q.as_str())))
        .map_or(start, |(i, _)| i + 1)
}

fn describe_toml_error(text: &str, e: &toml::de::Error) -> String {
    let mut msg = e.message().trim().to_string();
    if let Some(suggestion) = unknown_field_suggestion(&msg) {
        msg.push_str(&format!("; did you mean `{suggestion}`?"));
    }
    match e.span() {
        Some(span) => {
            let (line, _) = crate::util::lines::line_col(text, span.start);
            format!("line {line}: {msg}")
        }
        None => msg,
    }
}

/// For serde's "unknown field `shelcheck`, expected one of `severity`, `shellcheck`, …": the
/// closest expected key, when one is close enough.
fn unknown_field_suggestion(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, expected) = rest.split_once('`')?;
    let keys: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    crate::util::suggest::did_you_mean(field, keys).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_gets_the_closest_expected_key() {
        let msg = "unknown field `shelcheck`, expected one of `severity`, `shellcheck`, `spark`";
        assert_eq!(unknown_field_suggestion(msg).as_deref(), Some("shellcheck"));
        let msg = "unknown field `zzz`, expected `title` or `description`";
        assert_eq!(unknown_field_suggestion(msg), None);
        assert_eq!(unknown_field_suggestion("expected a string"), None);
    }

    fn cfg(url: &str) -> Config {
        Config {
            root: PathBuf::from("."),
            file: PathBuf::from("site.toml"),
            site: toml::from_str(&format!("title = \"t\"\nbase_url = \"{url}\"")).unwrap(),
            globs: ConfigGlobs::default(),
            sections: SectionNames::builtin(),
        }
    }

    #[test]
    fn base_path_from_url() {
        assert_eq!(
            cfg("https://example.github.io/spark-docs/").base_path(),
            "/spark-docs/"
        );
        assert_eq!(cfg("https://example.github.io/a/b").base_path(), "/a/b/");
        assert_eq!(cfg("https://docs.example.com").base_path(), "/");
        assert_eq!(cfg("/").base_path(), "/");
    }
}
