//! Language blocks: every Markdown code block written in a data or program language must parse.
//!
//! | code | language (first word of the info string) |
//! |---|---|
//! | `yaml-syntax` | `yaml`, `yml` |
//! | `json-syntax` | `json`, `jsonl`, `ndjson` (`jsonc`/`json5` are other languages and are not checked) |
//! | `toml-syntax` | `toml` |
//! | `python-syntax` | `python`, `py`, `python3`, `ipython`, `ipython3`, `pyspark` |
//! | `rego-syntax` | `rego` |
//! | `properties-syntax` | `properties`, `spark-defaults`, `spark-defaults.conf`, `java-properties`; `conf` only when the block is spark-defaults.conf (an attribute mentions `spark-defaults`, or every property key starts with `spark.`) |
//!
//! One finding per block (its first error), located in the Markdown file.
//!
//! Decisions, so that correct docs never get a finding, are noted per language in the doc of
//! its module (`yaml`, `json`, `python`, `rego`, `properties`).
//!
//! Layout: this module picks a block's language and turns the first [`SyntaxError`] into a
//! finding; one module per language family returns that error; `python/scan.rs` is Python's
//! light tokenizer scan; `position.rs` converts offsets to lines and columns; `stack.rs` runs
//! the recursive parsers (rustpython, regorus) on a big stack.

use crate::check::codes::Code;
mod json;
mod position;
mod properties;
mod python;
mod rego;
mod stack;
mod toml;
mod yaml;

pub use json::json_error;
pub use position::line_col;
pub use properties::properties_error;
pub use python::python_error;
pub use rego::{
    add_rego_module, compile_rego, parse_rego_error, v1_rewrite, AddedModule, RegoError,
};
pub use stack::{on_big_stack, MAX_PARSE_BYTES};
pub use toml::toml_error;
pub use yaml::yaml_error;

use super::{Block, Context};
use crate::diagnostics::{Finding, Severity};

/// A syntax error at a 1-based line and column of the checked text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: Option<String>,
}

impl SyntaxError {
    fn new(line: usize, column: usize, message: impl Into<String>) -> Self {
        SyntaxError {
            line: line.max(1),
            column: column.max(1),
            message: message.into(),
            help: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    Yaml,
    Json,
    Toml,
    Python,
    Rego,
    Properties,
}

impl Lang {
    fn code(self) -> Code {
        match self {
            Lang::Yaml => Code::YamlSyntax,
            Lang::Json => Code::JsonSyntax,
            Lang::Toml => Code::TomlSyntax,
            Lang::Python => Code::PythonSyntax,
            Lang::Rego => Code::RegoSyntax,
            Lang::Properties => Code::PropertiesSyntax,
        }
    }
}

fn language(block: &crate::load::recipe::CodeBlock) -> Option<Lang> {
    let lang = block.lang.to_ascii_lowercase();
    Some(match lang.as_str() {
        "yaml" | "yml" => Lang::Yaml,
        "json" | "jsonl" | "ndjson" => Lang::Json,
        "toml" => Lang::Toml,
        "python" | "py" | "python3" | "ipython" | "ipython3" | "pyspark" => Lang::Python,
        "rego" => Lang::Rego,
        "properties" | "spark-defaults" | "spark-defaults.conf" | "java-properties" => {
            Lang::Properties
        }
        "conf" if is_spark_defaults_conf(block) => Lang::Properties,
        _ => return None,
    })
}

/// A ```` ```conf ```` block is spark-defaults.conf when an attribute says so or when every
/// property key in it starts with `spark.`.
pub(crate) fn is_spark_defaults_conf(block: &crate::load::recipe::CodeBlock) -> bool {
    if block
        .attrs
        .iter()
        .any(|a| a.to_ascii_lowercase().contains("spark-defaults"))
    {
        return true;
    }
    let mut keys = block
        .code
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('!'))
        .peekable();
    keys.peek().is_some() && keys.all(|l| l.starts_with("spark."))
}

pub fn check(cx: &Context) -> Vec<Finding> {
    cx.code_blocks()
        .iter()
        .filter_map(|b| check_block(cx, b))
        .collect()
}

fn check_block(cx: &Context, b: &Block) -> Option<Finding> {
    let lang = language(b.block)?;
    let code = &b.block.code;
    if code.trim().is_empty() {
        return None;
    }
    let err = match lang {
        Lang::Yaml => yaml_error(code, |s| cx.neutralize_placeholders(s)),
        Lang::Json => json_error(code),
        Lang::Toml => toml_error(code),
        Lang::Python => python_error(code, |s| cx.neutralize_placeholders(s)),
        Lang::Rego => rego::rego_block_error(code),
        Lang::Properties => properties_error(code),
    }?;
    // An error past the last line (an unexpected end) points at the end of the last line.
    let lines = code.lines().count().max(1);
    let (line, column) = if err.line > lines {
        (
            lines,
            code.lines().last().map_or(0, |l| l.chars().count()) + 1,
        )
    } else {
        (err.line, err.column)
    };
    let mut f = b.finding(Severity::Error, lang.code(), line, column, err.message);
    f.help = err.help;
    Some(f)
}

/// Test helper: the default placeholder pattern's neutralization (placeholders become words).
#[cfg(test)]
fn neutral(s: &str) -> String {
    regex::Regex::new(&crate::config::CheckConfig::default().placeholder)
        .unwrap()
        .replace_all(s, |c: &regex::Captures| {
            "P".to_string() + &"x".repeat(c[0].len() - 1)
        })
        .into_owned()
}
