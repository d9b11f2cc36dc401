//! Spark properties against the catalog of the Spark version they target
//! (`crate::model::spark_catalog`): `spark-property-unknown` (no Spark line defines the key;
//! did-you-mean), `spark-property-version` (not in, or removed from, the targeted line),
//! `spark-property-deprecated` (with the replacement) and `spark-property-value` (does not parse as
//! the property's type). Properties are extracted from every place they appear — command lines,
//! properties blocks, YAML `sparkConf` maps, Python and SQL — by the small modules beside this one,
//! each returning keys with their position in the text it was given.
//!
//! Version targeting: a recipe's or issue's front matter `spark:`; a preset's chart
//! (`appVersion`); for a `helm --set`, the chart the command names; else the site's versions
//! (`[check.spark] versions`, by default every line pages and presets declare, else every line of
//! the catalog). Declared versions the catalog does not cover are not checked for existence.
//!
//! Decisions: a page that targets several lines gets a `spark-property-version` finding when the
//! key is missing from any of them (a 3.5 + 4.1 page promises both); keys with a placeholder and
//! keys in an open namespace are never unknown; only `--conf` keys are reported for not starting
//! with `spark.` (spark-submit drops them), other non-`spark.` keys are ignored.

mod properties;
mod python;
mod shell;
mod sql;
mod sysprops;
mod yaml;

use super::codes::Code;
use super::{Block, Context};
use crate::diagnostics::{Finding, Severity};
use crate::load::notebook::CellKind;
use crate::model::spark_catalog::{catalog, Catalog, OpenNamespaces};
use crate::model::spark_value::{is_placeholder, value_error};
use crate::model::{spark_minor, PageRef};
use rayon::prelude::*;

/// A property found in a text: 1-based line and column of its key within that text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prop {
    pub key: String,
    /// The value as Spark would receive it; `None` when absent or not a literal.
    pub value: Option<String>,
    pub line: usize,
    pub column: usize,
    /// Set with `--conf`/`-c` (a non-`spark.` key is dropped by spark-submit).
    pub conf_flag: bool,
    /// The other words of the `helm` command it comes from (to find the chart).
    pub chart_words: Vec<String>,
}

impl Prop {
    pub fn new(key: &str, value: Option<String>, line: usize, column: usize) -> Prop {
        Prop {
            key: key.to_string(),
            value,
            line,
            column,
            conf_flag: false,
            chart_words: Vec::new(),
        }
    }

    fn conf_flag(mut self) -> Prop {
        self.conf_flag = true;
        self
    }
}

/// What a source can contain, by block language.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Shell,
    Properties,
    Yaml,
    Python,
    Sql,
}

fn kind_of(block: &crate::load::recipe::CodeBlock) -> Option<Kind> {
    Some(match block.lang.as_str() {
        l if crate::util::langs::is_shell_or_console(l) || l == "terminal" => Kind::Shell,
        "properties" | "spark-defaults" | "spark-defaults.conf" | "java-properties" => {
            Kind::Properties
        }
        "conf" if crate::check::lang::is_spark_defaults_conf(block) => Kind::Properties,
        "yaml" | "yml" => Kind::Yaml,
        "python" | "py" | "python3" | "ipython" | "ipython3" | "pyspark" | "scala" => Kind::Python,
        "sql" | "sparksql" | "spark-sql" | "hiveql" => Kind::Sql,
        _ => return None,
    })
}

fn extract(kind: Kind, text: &str, placeholder: &regex::Regex, console: bool) -> Vec<Prop> {
    match kind {
        Kind::Shell => with_sysprops(shell::props(text, Some(placeholder), console), text),
        Kind::Properties => properties::props_at(text, 0, 0),
        Kind::Yaml => with_sysprops(yaml::props(text), text),
        Kind::Python => python::props(text),
        Kind::Sql => sql::props(text),
    }
}

/// `props` plus the `-Dspark.x=v` system properties of `text` not already among them.
fn with_sysprops(mut props: Vec<Prop>, text: &str) -> Vec<Prop> {
    for p in sysprops::props(text) {
        if !props.iter().any(|q| q.line == p.line && q.key == p.key) {
            props.push(p);
        }
    }
    props
}

/// The rule's view of the site: catalog, namespaces, the site's lines.
struct Judge<'a> {
    cat: &'static Catalog,
    open: OpenNamespaces,
    site_lines: Vec<String>,
    cx: &'a Context<'a>,
}

/// One verdict on one property.
struct Verdict {
    code: Code,
    message: String,
    help: Option<String>,
}

pub fn check(cx: &Context) -> Vec<Finding> {
    // All four rules off: do not even decompress the catalog.
    let codes = [
        Code::SparkPropertyUnknown,
        Code::SparkPropertyVersion,
        Code::SparkPropertyDeprecated,
        Code::SparkPropertyValue,
    ];
    if codes
        .iter()
        .all(|c| cx.cfg.severity.get(c.as_str()).is_some_and(|s| s == "off"))
    {
        return Vec::new();
    }
    let cat = catalog();
    let judge = Judge {
        cat,
        open: OpenNamespaces::new(&cx.cfg.spark.open_namespaces),
        site_lines: cx.site.spark_lines(cat),
        cx,
    };
    let mut out: Vec<Finding> = cx
        .code_blocks()
        .par_iter()
        .flat_map_iter(|b| judge.block(b))
        .collect();
    let site = cx.site;
    for (i, p) in site.presets.iter().enumerate() {
        let lines = judge.declared(&[site.preset_spark_version(i)]);
        for prop in with_sysprops(yaml::props(&p.source.text), &p.source.text) {
            for v in judge.verdicts(&prop, &lines) {
                out.push(v.finding(&p.source.rel, prop.line, prop.column));
            }
        }
    }
    for s in &site.scripts {
        for prop in with_sysprops(
            shell::props(&s.source.text, Some(&cx.placeholder), false),
            &s.source.text,
        ) {
            let lines = judge
                .helm_lines(&prop)
                .unwrap_or_else(|| judge.site_lines.clone());
            for v in judge.verdicts(&prop, &lines) {
                out.push(v.finding(&s.source.rel, prop.line, prop.column));
            }
        }
    }
    for nb in &site.notebooks {
        let text = &nb.source.text;
        for cell in nb.cells.iter().filter(|c| c.kind == CellKind::Code) {
            let mut props = python::props(&cell.source);
            props.extend(sql::props(&cell.source));
            for prop in props {
                let (line, column) = locate_in_notebook(text, cell.line, &prop);
                for v in judge.verdicts(&prop, &judge.site_lines) {
                    out.push(v.finding(&nb.source.rel, line, column));
                }
            }
        }
    }
    out
}

impl Verdict {
    fn finding(self, file: &str, line: usize, column: usize) -> Finding {
        let mut f = Finding::error(self.code, file, line, column, self.message);
        f.severity = self.code.default_severity();
        f.help = self.help;
        f
    }
}

impl Judge<'_> {
    fn block(&self, b: &Block) -> Vec<Finding> {
        let Some(kind) = kind_of(b.block) else {
            return Vec::new();
        };
        let page_lines = match b.page {
            PageRef::Recipe(i) => self.page_lines(&self.cx.site.recipes[i].spark),
            PageRef::Issue(i) => self.page_lines(&self.cx.site.issues[i].spark),
            _ => self.site_lines.clone(),
        };
        let mut out = Vec::new();
        let console = crate::util::langs::is_console(&b.block.lang);
        for prop in extract(kind, &b.block.code, &self.cx.placeholder, console) {
            let lines = self.helm_lines(&prop).unwrap_or_else(|| page_lines.clone());
            for v in self.verdicts(&prop, &lines) {
                let sev: Severity = v.code.default_severity();
                let mut f = b.finding(sev, v.code, prop.line, prop.column, v.message);
                f.help = v.help;
                out.push(f);
            }
        }
        out
    }

    /// A page's declared versions as catalog lines; the site's when it declares none.
    fn page_lines(&self, spark: &[String]) -> Vec<String> {
        if spark.is_empty() {
            self.site_lines.clone()
        } else {
            self.declared(spark)
        }
    }

    /// Declared versions (`3.5`, `4.1.0`, `3.5.x`) that the catalog covers.
    fn declared(&self, versions: &[String]) -> Vec<String> {
        let mut v: Vec<String> = versions
            .iter()
            .map(|s| spark_minor(s.trim()))
            .filter(|l| self.cat.lines().contains(l))
            .collect();
        v.dedup();
        v
    }

    /// For a `helm --set`, the line of the chart the command names (a `[chart_paths]` key or a
    /// chart directory).
    fn helm_lines(&self, prop: &Prop) -> Option<Vec<String>> {
        if prop.chart_words.is_empty() {
            return None;
        }
        let site = self.cx.site;
        let chart = (0..site.charts.len()).find(|&c| {
            let cmd = site.chart_command_path(c);
            let rel = &site.charts[c].rel;
            prop.chart_words.iter().any(|w| {
                let w = w.trim_start_matches("./").trim_end_matches('/');
                w == cmd.trim_end_matches('/') || w == rel
            })
        })?;
        Some(self.declared(&[site.charts[chart].app_version.clone()]))
    }

    fn verdicts(&self, prop: &Prop, lines: &[String]) -> Vec<Verdict> {
        let key = prop.key.as_str();
        let cat = self.cat;
        if !key.starts_with("spark.") {
            if !prop.conf_flag || key.is_empty() || is_placeholder(key) {
                return Vec::new();
            }
            let spark_key = format!("spark.{key}");
            return vec![Verdict {
                code: Code::SparkPropertyUnknown,
                message: format!(
                    "spark-submit ignores `--conf {key}`: it does not start with `spark.`"
                ),
                help: Some(if cat.knows(&spark_key) {
                    format!("did you mean `{spark_key}`?")
                } else {
                    "Spark only reads `spark.*` properties; Hadoop settings go under `spark.hadoop.`"
                        .into()
                }),
            }];
        }
        if is_placeholder(key)
            || self.cx.placeholder.is_match(key)
            || key.contains('*')
            || key.ends_with('.')
        {
            return Vec::new();
        }
        if !cat.knows(key) {
            if self.open.matching(key).is_some() {
                return Vec::new();
            }
            let help = match cat.suggest(key) {
                Some(s) => format!(
                    "did you mean `{s}`{}?",
                    cat.since(s)
                        .map(|v| format!(" (since Spark {v})"))
                        .unwrap_or_default()
                ),
                None => format!(
                    "no Spark release in the catalog ({}) defines it; if a plugin reads it, add its namespace to `[check.spark] open_namespaces` in site.toml",
                    self.releases()
                ),
            };
            return vec![Verdict {
                code: Code::SparkPropertyUnknown,
                message: format!("unknown Spark property `{key}`"),
                help: Some(help),
            }];
        }
        let mut out = Vec::new();
        let checked: Vec<String> = if lines.is_empty() {
            // Not a line the catalog covers: judge by the newest line that has the key.
            cat.lines_of(key)
                .last()
                .map(|l| vec![l.to_string()])
                .unwrap_or_default()
        } else {
            lines.to_vec()
        };
        let mut missing = Vec::new();
        let mut deprecated_done = false;
        let mut value_done = false;
        for line in &checked {
            if let Some(r) = cat.removed(key, line) {
                let at_default = prop.value.as_deref().map(str::trim) == r.default.as_deref();
                out.push(Verdict {
                    code: if at_default {
                        Code::SparkPropertyDeprecated
                    } else {
                        Code::SparkPropertyVersion
                    },
                    message: format!(
                        "`{key}` was removed in Spark {}{}",
                        r.since.as_deref().unwrap_or(line),
                        if at_default {
                            " (its old default is still accepted)"
                        } else {
                            "; Spark rejects setting it"
                        }
                    ),
                    help: r.replacement.map(|x| format!("use `{x}`")).or(r.message),
                });
                break;
            }
            if !cat.exists_in(key, line) {
                missing.push(line.clone());
                continue;
            }
            if !deprecated_done {
                if let Some(d) = cat.deprecated(key, line) {
                    deprecated_done = true;
                    out.push(Verdict {
                        code: Code::SparkPropertyDeprecated,
                        message: format!(
                            "`{key}` is deprecated{}",
                            d.since
                                .as_deref()
                                .map(|s| format!(" since Spark {s}"))
                                .unwrap_or_default()
                        ),
                        help: match (&d.replacement, &d.message) {
                            (Some(r), _) => Some(format!("use `{r}` instead")),
                            (None, Some(m)) => Some(m.clone()),
                            _ => None,
                        },
                    });
                }
            }
            if !value_done {
                if let (Some(p), Some(v)) = (cat.property(key, line), prop.value.as_deref()) {
                    if let Some(err) = value_error(&p, v) {
                        value_done = true;
                        out.push(Verdict {
                            code: Code::SparkPropertyValue,
                            message: format!("{err} (`{key}`)"),
                            help: Some(format!(
                                "Spark {} reads `{key}` as {}{}",
                                line,
                                p.value_type.map_or("a value", |t| t.with_article()),
                                p.default
                                    .filter(|d| !d.starts_with('<'))
                                    .map(|d| format!("; default `{d}`"))
                                    .unwrap_or_default()
                            )),
                        });
                    }
                }
            }
        }
        if !missing.is_empty() {
            let has = cat.lines_of(key);
            out.insert(
                0,
                Verdict {
                    code: Code::SparkPropertyVersion,
                    message: format!(
                        "`{key}` does not exist in Spark {} (targeted: {})",
                        missing.join(", "),
                        checked.join(", ")
                    ),
                    help: Some(format!(
                        "it exists in Spark {}{}",
                        has.join(", "),
                        cat.since(key)
                            .map(|s| format!(" (since {s})"))
                            .unwrap_or_default()
                    )),
                },
            );
        }
        out
    }

    fn releases(&self) -> String {
        self.cat
            .lines()
            .iter()
            .map(|l| self.cat.release(l).unwrap_or(l).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A notebook property's position in the .ipynb: when `source` is a JSON array (one string per
/// line, starting on the line after the key), the line of its string; else the `source` line.
/// The column is where the key appears on that line (1 when not found).
fn locate_in_notebook(text: &str, source_line: usize, prop: &Prop) -> (usize, usize) {
    let lines: Vec<&str> = text.lines().collect();
    let is_array = lines
        .get(source_line.saturating_sub(1))
        .is_some_and(|l| l.trim_end().ends_with('['));
    let line = if is_array {
        source_line + prop.line
    } else {
        source_line
    };
    let column = lines
        .get(line.saturating_sub(1))
        .and_then(|l| l.find(&prop.key).map(|i| l[..i].chars().count() + 1))
        .unwrap_or(1);
    (line, column)
}
