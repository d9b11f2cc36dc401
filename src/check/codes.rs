//! The rule registry: one table of every rule spark-docs reports — its stable code, family,
//! default severity, a one-line summary and a longer explanation (`spark-docs explain <code>`).
//!
//! Findings name their rule through [`Code`], never through a string literal, so a code cannot be
//! misspelt in the source; site.toml's `[check] severity` keys are validated against this table
//! (an unknown code is a configuration error with a did-you-mean). The README's rule table is
//! generated from it ([`markdown_table`]) and a test keeps the two equal.
//!
//! Decisions: the explanations live in `explain/<code>.md` beside this file, embedded with
//! `include_str!`, so they read as documents and a missing one is a compile error.

use crate::diagnostics::Severity;
use serde::{Serialize, Serializer};
use std::fmt;

/// Which part of the checker a rule belongs to (`spark-docs rules` groups by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// Loading sources: files that cannot be read or parsed at all.
    Load,
    /// Shell code blocks and scripts.
    Shell,
    /// `helm` command lines in code blocks.
    Helm,
    /// Code blocks of data and programming languages (YAML, JSON, TOML, Python, Rego, properties).
    Lang,
    /// Preset values files against their chart.
    Values,
    /// Rego policies over presets.
    Policy,
    /// Links, anchors and repository paths.
    Links,
    /// Issue IDs and references, recipe structure, error signatures.
    Issues,
    /// Notebooks.
    Notebook,
    /// Site-wide outputs (the quick-reference card).
    Output,
    /// Spark properties against the catalog of the Spark version they target.
    Spark,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Load => "load",
            Family::Shell => "shell",
            Family::Helm => "helm",
            Family::Lang => "lang",
            Family::Values => "values",
            Family::Policy => "policy",
            Family::Links => "links",
            Family::Issues => "issues",
            Family::Notebook => "notebook",
            Family::Output => "output",
            Family::Spark => "spark",
        }
    }
}

/// How a rule's severity is decided when site.toml does not override it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultSeverity {
    /// Always this severity.
    Fixed(Severity),
    /// Taken from the tool that reports it (ShellCheck's error/warning/info/style levels).
    Mapped,
}

impl DefaultSeverity {
    pub fn as_str(self) -> &'static str {
        match self {
            DefaultSeverity::Fixed(s) => s.as_str(),
            DefaultSeverity::Mapped => "mapped",
        }
    }
}

/// One row of the registry.
#[derive(Debug)]
pub struct Rule {
    pub code: Code,
    pub family: Family,
    pub severity: DefaultSeverity,
    /// One line: what the rule catches.
    pub summary: &'static str,
    /// Markdown: what it does, why it matters, a bad and a good example, how to silence it.
    pub explanation: &'static str,
}

macro_rules! registry {
    ($( $variant:ident $code:literal $family:ident $severity:expr, $summary:literal; )*) => {
        /// Every rule code. `Display`/`Serialize` give the stable kebab-case code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( $variant, )* }

        /// The registry, in the order `spark-docs rules` and the README list it.
        pub static RULES: &[Rule] = &[ $( Rule {
            code: Code::$variant,
            family: Family::$family,
            severity: $severity,
            summary: $summary,
            explanation: include_str!(concat!("explain/", $code, ".md")),
        }, )* ];

        impl Code {
            /// The stable code, e.g. `shell-syntax`.
            pub const fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $code, )* }
            }
        }
    };
}

use DefaultSeverity::{Fixed, Mapped};
use Severity::{Error, Warning};

registry! {
    FileUnreadable "file-unreadable" Load Fixed(Error), "a source file, directory or symlink that cannot be read (permissions, dangling links, loops)";
    FileNotUtf8 "file-not-utf8" Load Fixed(Error), "a source file that is not valid UTF-8";
    FileTooLarge "file-too-large" Load Fixed(Error), "a source file over the size limit";
    FileEmpty "file-empty" Load Fixed(Error), "a recipe or issue file with no content at all";
    FenceUnclosed "fence-unclosed" Load Fixed(Error), "a Markdown code fence that is never closed, so the rest of the page renders as code";
    FrontMatterInvalid "front-matter-invalid" Load Fixed(Error), "front matter that is not valid YAML or has a field of the wrong type";
    UrlConflict "url-conflict" Load Fixed(Error), "two sources that would be written to the same URL";
    ChartInvalid "chart-invalid" Load Fixed(Error), "a chart directory whose Chart.yaml, values.yaml or values.schema.json cannot be loaded";
    PresetChartUnknown "preset-chart-unknown" Load Fixed(Warning), "a preset whose target chart cannot be determined";
    ShellSyntax "shell-syntax" Shell Fixed(Error), "a shell block, or a `$ ` line of a console block, that bash would not parse (placeholders such as `<namespace>` are words)";
    ScriptSyntax "script-syntax" Shell Fixed(Error), "a script bash cannot parse";
    Shellcheck "shellcheck" Shell Mapped, "ShellCheck findings on scripts, when `shellcheck` is installed";
    HelmChartMissing "helm-chart-missing" Helm Fixed(Error), "`helm install/upgrade/template/lint` naming a local chart path that does not exist";
    HelmSetUnknownKey "helm-set-unknown-key" Helm Fixed(Error), "a `--set`/`--set-string`/`--set-file`/`--set-json`/`--set-literal` key (in blocks and scripts) the chart does not declare, or one that nests maps inside a free-form map such as `sparkConf` (help shows the escaped form)";
    HelmValuesFileMissing "helm-values-file-missing" Helm Fixed(Error), "a `-f/--values` file that does not exist";
    YamlSyntax "yaml-syntax" Lang Fixed(Error), "a `yaml` block that does not parse";
    JsonSyntax "json-syntax" Lang Fixed(Error), "a `json` block that does not parse";
    TomlSyntax "toml-syntax" Lang Fixed(Error), "a `toml` block that does not parse";
    PythonSyntax "python-syntax" Lang Fixed(Error), "a `python` block that does not parse (IPython `!`/`%` lines aside)";
    RegoSyntax "rego-syntax" Lang Fixed(Error), "a `rego` block that does not parse";
    PropertiesSyntax "properties-syntax" Lang Fixed(Error), "a `properties` (spark-defaults.conf) block that does not parse";
    ValuesSyntax "values-syntax" Values Fixed(Error), "a preset or chart values file that is not valid YAML";
    ValuesUnknownKey "values-unknown-key" Values Fixed(Error), "a preset key absent from the chart's values.yaml and schema (with a did-you-mean)";
    ValuesType "values-type" Values Fixed(Error), "a preset value whose type differs from the chart default's";
    ValuesSchema "values-schema" Values Fixed(Error), "any other `values.schema.json` violation of a preset";
    ValuesUnreadKey "values-unread-key" Values Fixed(Warning), "a preset, `--set` or chart values block in a page that sets a key the chart's values.yaml declares but none of its templates reads (Helm accepts it and nothing happens)";
    PolicyDeny "policy-deny" Policy Fixed(Error), "a preset that a Rego policy's `deny` rule rejects";
    PolicyWarn "policy-warn" Policy Fixed(Warning), "a preset that a Rego policy's `warn` rule flags";
    PolicyInvalid "policy-invalid" Policy Fixed(Error), "a Rego policy that does not compile or evaluate";
    PolicyRegoV0 "policy-rego-v0" Policy Fixed(Error), "a Rego policy only the v0 parser reads (OPA 1.0 and conftest read v1)";
    LinkBroken "link-broken" Links Fixed(Error), "a relative link to a file that does not exist";
    AnchorBroken "anchor-broken" Links Fixed(Error), "a `#fragment` that names no heading of its page";
    PathMissing "path-missing" Links Fixed(Warning), "a repository path in a code block, script or notebook that does not exist";
    IssueUnknown "issue-unknown" Issues Fixed(Error), "an `ISSUE-NNN` reference with no issue page";
    IssueDuplicateId "issue-duplicate-id" Issues Fixed(Error), "two issue files claim one ID";
    IssueIdMissing "issue-id-missing" Issues Fixed(Error), "an issue file with no ID in its front matter, heading or file name";
    IssueIdInvalid "issue-id-invalid" Issues Fixed(Error), "an issue ID that is not of the form `ISSUE-NNN`";
    IssueOrphan "issue-orphan" Issues Fixed(Warning), "an issue no page references";
    RecipeMissingSection "recipe-missing-section" Issues Fixed(Warning), "a troubleshooting recipe without its Symptoms / Diagnosis / Solution sections";
    SignatureInvalid "signature-invalid" Issues Fixed(Error), "a `signatures:` regex that does not compile, or would not mean the same in a browser";
    SignatureUnmatched "signature-unmatched" Issues Fixed(Warning), "a page's signature that matches none of the error texts the page quotes (code blocks and inline code)";
    IssueUnrouted "issue-unrouted" Issues Fixed(Warning), "an issue's quoted error (output blocks of its Symptom section) that no signature of any page matches";
    NotebookInvalid "notebook-invalid" Notebook Fixed(Error), "a notebook that is not nbformat-4 JSON";
    NotebookPythonSyntax "notebook-python-syntax" Notebook Fixed(Error), "a notebook code cell Python cannot parse (`!`/`%` lines excepted)";
    QuickrefTruncated "quickref-truncated" Output Fixed(Warning), "the quick-reference card PDF had to leave entries out to fit on two pages";
    SparkPropertyUnknown "spark-property-unknown" Spark Fixed(Error), "a `spark.*` property no Spark version of the catalog defines (with a did-you-mean), or a `--conf` key spark-submit ignores because it does not start with `spark.`";
    SparkPropertyVersion "spark-property-version" Spark Fixed(Error), "a Spark property that does not exist, or was removed, in the Spark version its page or preset targets";
    SparkPropertyDeprecated "spark-property-deprecated" Spark Fixed(Warning), "a deprecated Spark property (with its replacement)";
    SparkPropertyValue "spark-property-value" Spark Fixed(Warning), "a Spark property value that does not parse as the property's type (boolean, integer, number, size, duration, enum); placeholders are skipped";
}

impl Code {
    /// The registry row of this code.
    pub fn rule(self) -> &'static Rule {
        // RULES lists the variants in declaration order.
        &RULES[self as usize]
    }

    /// The default severity of findings of this rule (`Mapped` rules report their own).
    pub fn default_severity(self) -> Severity {
        match self.rule().severity {
            Fixed(s) => s,
            Mapped => Severity::Warning,
        }
    }

    /// Looks a code up by its stable name.
    pub fn from_name(name: &str) -> Option<Code> {
        RULES.iter().map(|r| r.code).find(|c| c.as_str() == name)
    }

    /// The closest known code to a misspelt one, for "did you mean".
    pub fn suggest(name: &str) -> Option<Code> {
        let found =
            crate::util::suggest::did_you_mean(name, RULES.iter().map(|r| r.code.as_str()))?;
        Code::from_name(found)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// The README's rule table (between `<!-- rules:start -->` and `<!-- rules:end -->`), generated
/// so the two cannot drift: `spark-docs rules --format markdown` prints it.
pub fn markdown_table() -> String {
    let mut out = String::from("| code | family | severity | catches |\n|---|---|---|---|\n");
    for r in RULES {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            r.code,
            r.family.as_str(),
            r.severity.as_str(),
            r.summary
        ));
    }
    out
}

/// The registry as JSON (`spark-docs rules --format json`).
pub fn json() -> serde_json::Value {
    serde_json::Value::Array(
        RULES
            .iter()
            .map(|r| {
                serde_json::json!({
                    "code": r.code,
                    "family": r.family,
                    "severity": r.severity.as_str(),
                    "summary": r.summary,
                    "explanation": r.explanation,
                })
            })
            .collect(),
    )
}

/// `spark-docs rules`: one line per rule, grouped by family.
pub fn human_list() -> String {
    let width = RULES
        .iter()
        .map(|r| r.code.as_str().len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    let mut family = None;
    for r in RULES {
        if family != Some(r.family) {
            if family.is_some() {
                out.push('\n');
            }
            out.push_str(&format!("{}:\n", r.family.as_str()));
            family = Some(r.family);
        }
        out.push_str(&format!(
            "  {:width$}  {:8}  {}\n",
            r.code.as_str(),
            r.severity.as_str(),
            r.summary.replace('`', "")
        ));
    }
    out
}

/// `spark-docs explain <code>`: the header line and the explanation.
pub fn explain(code: Code) -> String {
    let r = code.rule();
    format!(
        "{} ({}, default severity: {})\n{}\n\n{}",
        r.code,
        r.family.as_str(),
        r.severity.as_str(),
        r.summary.replace('`', ""),
        r.explanation.trim_end()
    ) + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_declaration_order_and_codes_are_unique() {
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(r.code as usize, i, "{} out of order", r.code);
            assert_eq!(Code::from_name(r.code.as_str()), Some(r.code));
            assert!(
                r.code
                    .as_str()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{} is not kebab-case",
                r.code
            );
        }
    }

    #[test]
    fn every_explanation_has_the_sections() {
        for r in RULES {
            for section in ["## What it does", "## Why is this bad?", "## Example"] {
                assert!(
                    r.explanation.contains(section),
                    "{} lacks {section}",
                    r.code
                );
            }
        }
    }

    /// The README's table is the generated one; regenerate it with
    /// `spark-docs rules --format markdown` between the markers.
    #[test]
    fn the_readme_table_is_the_registry() {
        let readme = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"));
        let start = readme.find("<!-- rules:start").expect("rules:start marker");
        let body = &readme[start..];
        let body = &body[body.find("-->").expect("end of marker") + 3..];
        let end = body.find("<!-- rules:end -->").expect("rules:end marker");
        assert_eq!(
            body[..end].trim(),
            markdown_table().trim(),
            "README.md's rule table differs from the registry: paste `spark-docs rules --format markdown`"
        );
    }

    #[test]
    fn misspelt_codes_get_a_suggestion() {
        assert_eq!(Code::suggest("shell-sytnax"), Some(Code::ShellSyntax));
        assert_eq!(Code::suggest("issue-orphaned"), Some(Code::IssueOrphan));
        assert_eq!(Code::suggest("completely-different"), None);
    }
}
