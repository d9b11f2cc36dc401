//! Values files (presets, and chart values blocks in pages: see `page_blocks`) against the
//! values interface of the chart they target: `values-unknown-key` (a key the chart does not
//! declare, with "did you mean"), `values-unread-key` (a declared key no template reads, with the
//! keys templates read beside it), `values-type` (a value whose type differs from the chart
//! default's) and `values-schema` (any other `values.schema.json` violation, found by a real
//! JSON Schema validator over the values merged onto the chart defaults, as Helm validates: see
//! `schema`). `values-syntax` is reported at load time.
//!
//! The values interface itself (which keys a chart declares or its templates read, free-form
//! maps, subcharts: the key rule) is model data: [`crate::model::values`], shared with the `--set`
//! checks in `helm`. Findings point at the key in the values text through [`YamlIndex`].

use crate::check::codes::Code;
mod page_blocks;
mod schema;
mod yaml_index;

pub use yaml_index::YamlIndex;

use super::Context;
use crate::diagnostics::Finding;
use crate::load::Chart;
use crate::model::values::{display_path, kind_of, suggest, ChartId, Interface, Lookup, Node, Seg};
use crate::util::yaml::{key_str, map_get, untag};
use serde_yaml_ng::Value as Y;
use std::collections::{HashMap, HashSet};

pub fn check(cx: &Context) -> Vec<Finding> {
    let site = cx.site;
    let mut out = Vec::new();
    let mut validators: Validators = HashMap::new();
    for (i, preset) in site.presets.iter().enumerate() {
        let Some(values) = &preset.values else {
            continue;
        };
        let Some(ci) = site.preset_chart.get(i).copied().flatten() else {
            continue;
        };
        let iface = site.values_interface(ChartId::Listed(ci));
        let text = ValuesText {
            file: &preset.source.rel,
            text: &preset.source.text,
            line: 1,
            column: 1,
        };
        out.extend(check_values(&text, values, &iface, &mut validators));
    }
    out.extend(page_blocks::check(cx, &mut validators));
    out
}

/// Values text and where it starts in its file (a preset: line 1; a page's code block: its
/// first content line and indentation).
struct ValuesText<'t> {
    file: &'t str,
    text: &'t str,
    line: usize,
    column: usize,
}

/// Every values finding of `values` (parsed from `text`) against a chart's interface.
fn check_values(
    text: &ValuesText,
    values: &Y,
    iface: &Interface,
    validators: &mut Validators,
) -> Vec<Finding> {
    let mut pc = PresetCheck {
        file: text.file,
        values,
        index: YamlIndex::new(text.text),
        origin: (text.line, text.column),
        chart: iface.chart(),
        findings: Vec::new(),
        unknown: HashSet::new(),
        typed: HashSet::new(),
    };
    pc.walk(&iface.root(), values, &mut Vec::new());
    pc.schema(iface, values, validators);
    pc.findings
}

/// The help of a `values-unread-key` finding: the keys templates read beside `key` under
/// `parent`, the closest first as a "did you mean".
pub(super) fn unread_help(chart: &str, parent: &[Seg], key: &str, read: &[String]) -> String {
    let under = if parent.is_empty() {
        "at the top level".to_string()
    } else {
        format!("under `{}`", display_path(parent))
    };
    if read.is_empty() {
        return format!("chart `{chart}`'s templates read no key {under}: drop the setting, or make a template read it");
    }
    let list: Vec<String> = read.iter().take(12).map(|k| format!("`{k}`")).collect();
    let more = if read.len() > 12 { ", …" } else { "" };
    let listed = format!("templates read {under}: {}{more}", list.join(", "));
    match suggest(key, read.iter().map(String::as_str)) {
        Some(s) => {
            let mut fixed = parent.to_vec();
            fixed.push(Seg::Key(s));
            format!("did you mean `{}`? {listed}", display_path(&fixed))
        }
        None => listed,
    }
}

/// Compiled schemas by schema file.
type Validators = HashMap<String, Result<std::sync::Arc<jsonschema::Validator>, String>>;

/// One preset checked against its chart.
struct PresetCheck<'p> {
    file: &'p str,
    values: &'p Y,
    index: YamlIndex,
    /// File line and column where the values text starts.
    origin: (usize, usize),
    chart: &'p Chart,
    findings: Vec<Finding>,
    /// Paths reported as unknown keys.
    unknown: HashSet<Vec<Seg>>,
    /// Paths reported as type mismatches.
    typed: HashSet<Vec<Seg>>,
}

impl PresetCheck<'_> {
    /// File line and column of the key at `path`.
    fn locate(&self, path: &[Seg]) -> (usize, usize) {
        let (line, col) = self.index.locate(path);
        (line + self.origin.0 - 1, col + self.origin.1 - 1)
    }

    fn values_file(&self) -> String {
        self.chart
            .values_file
            .as_ref()
            .map(|f| f.rel.clone())
            .unwrap_or_else(|| format!("{}/values.yaml", self.chart.rel))
    }

    fn walk(&mut self, node: &Node, v: &Y, path: &mut Vec<Seg>) {
        match untag(v) {
            Y::Mapping(m) => {
                for (k, cv) in m {
                    let key = key_str(k);
                    path.push(Seg::Key(key.clone()));
                    match node.lookup(&key) {
                        Lookup::Known(child) => {
                            if let Some(read) = node.unread(&key) {
                                self.unread_key(path, &key, &read);
                            } else if !self.type_check(&child, cv, path) {
                                self.walk(&child, cv, path);
                            }
                        }
                        Lookup::Open { .. } => {}
                        Lookup::Unknown {
                            suggestion,
                            not_a_map,
                            known,
                        } => self.unknown_key(path, &key, suggestion, not_a_map, &known),
                    }
                    path.pop();
                }
            }
            Y::Sequence(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Seg::Index(i));
                    let child = node.item(i);
                    self.walk(&child, item, path);
                    path.pop();
                }
            }
            _ => {}
        }
    }

    fn unknown_key(
        &mut self,
        path: &[Seg],
        key: &str,
        suggestion: Option<String>,
        not_a_map: Option<&str>,
        known: &[String],
    ) {
        let (line, col) = self.locate(path);
        let parent = &path[..path.len().saturating_sub(1)];
        let chart = &self.chart.name;
        let f = match not_a_map {
            Some(kind) => Finding::error(
                Code::ValuesUnknownKey,
                self.file,
                line,
                col,
                format!(
                    "unknown key `{}`: `{}` is a {kind} in chart `{chart}`, not a map",
                    display_path(path),
                    display_path(parent)
                ),
            )
            .with_help(format!(
                "see the default of `{}` in {}",
                display_path(parent),
                self.values_file()
            )),
            None => {
                let f = Finding::error(
                    Code::ValuesUnknownKey,
                    self.file,
                    line,
                    col,
                    format!("unknown key `{}`: chart `{chart}` does not declare `{key}` here, and Helm silently ignores it", display_path(path)),
                );
                match suggestion {
                    Some(s) => {
                        let mut fixed = parent.to_vec();
                        fixed.push(Seg::Key(s.clone()));
                        if parent.is_empty() {
                            f.with_help(format!("did you mean `{s}`?"))
                        } else {
                            f.with_help(format!("did you mean `{s}` (`{}`)?", display_path(&fixed)))
                        }
                    }
                    None => {
                        let list: Vec<String> =
                            known.iter().take(12).map(|k| format!("`{k}`")).collect();
                        let more = if known.len() > 12 { ", …" } else { "" };
                        if list.is_empty() {
                            f.with_help(format!(
                                "see {} for the keys this chart reads",
                                self.values_file()
                            ))
                        } else {
                            f.with_help(format!(
                                "keys known under `{}`: {}{more} (see {})",
                                display_path(parent),
                                list.join(", "),
                                self.values_file()
                            ))
                        }
                    }
                }
            }
        };
        self.findings.push(f);
        self.unknown.insert(path.to_vec());
    }

    fn unread_key(&mut self, path: &[Seg], key: &str, read: &[String]) {
        let (line, col) = self.locate(path);
        let parent = &path[..path.len().saturating_sub(1)];
        let chart = &self.chart.name;
        self.findings.push(
            Finding::warning(
                Code::ValuesUnreadKey,
                self.file,
                line,
                col,
                format!(
                    "`{}` is declared in chart `{chart}`'s values, but none of its templates reads it: Helm accepts it and nothing happens",
                    display_path(path),
                ),
            )
            .with_help(unread_help(chart, parent, key, read)),
        );
    }

    /// Reports a type mismatch against the chart default; true when reported.
    fn type_check(&mut self, node: &Node, v: &Y, path: &[Seg]) -> bool {
        let Some(default) = node.default_value() else {
            return false;
        };
        let (want, got) = (kind_of(default), kind_of(v));
        if got == "null" || want == got || want == "value" || got == "value" {
            return false;
        }
        if node.schema_allows(v) {
            return false;
        }
        let (line, col) = self.locate(path);
        let shown = serde_yaml_ng::to_string(default)
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        let shown = if shown.contains('\n') || shown.chars().count() > 40 {
            String::new()
        } else {
            format!(" (`{shown}`)")
        };
        let hint = match (want, got) {
            ("string", _) => format!(
                "quote the value so it stays a string, like the default{shown} in {}",
                self.values_file()
            ),
            _ => format!(
                "give a {want}, like the default{shown} in {}",
                self.values_file()
            ),
        };
        self.findings.push(
            Finding::error(
                Code::ValuesType,
                self.file,
                line,
                col,
                format!(
                    "`{}` is a {got}, but chart `{}` expects a {want}",
                    display_path(path),
                    self.chart.name
                ),
            )
            .with_help(hint),
        );
        self.typed.insert(path.to_vec());
        true
    }

    /// Whether the preset itself sets `path` (root included), so the error is the preset's and
    /// not one of the chart defaults.
    fn in_preset(&self, path: &[Seg]) -> bool {
        let mut v = self.values;
        for seg in path {
            let next = match (untag(v), seg) {
                (Y::Mapping(m), Seg::Key(k)) => map_get(m, k),
                (Y::Sequence(items), Seg::Index(i)) => items.get(*i),
                _ => None,
            };
            match next {
                Some(n) => v = n,
                None => return false,
            }
        }
        true
    }

    fn already_reported(&self, path: &[Seg]) -> bool {
        (0..=path.len())
            .any(|n| self.unknown.contains(&path[..n]) || self.typed.contains(&path[..n]))
    }
}

pub(super) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}
