//! The values interface of the site's charts: which keys a chart declares through `values.yaml`
//! and `values.schema.json`, free-form maps, vendored subcharts; and Helm's merge of values over
//! chart defaults. Model data, not a rule: the dependencies of every chart are resolved once in
//! [`Site::new`](crate::model::Site::new) (subcharts are loaded by `load`), and the `values` and
//! `helm` checks read the same [`Interface`] through [`Site::values_interface`].
//!
//! The key rule (PRODUCT.md, "What valid means"): a key is known when it appears in the chart's
//! `values.yaml` or is declared under `properties` (or a matching `patternProperties`) in its
//! `values.schema.json`. A map accepts unknown children only when its default is an empty map
//! `{}` or its schema sets `additionalProperties` explicitly (true or a schema). JSON Schema's
//! implicit openness does not make a typo valid.
//!
//! Templates: a chart with a `templates/` directory is also understood through what its
//! templates read ([`templates`]): a key a template reads is known even when values.yaml omits it,
//! a map a template hands on whole (`toYaml`, `range`, `tpl`, `include`) accepts any key, and a
//! declared key no template (nor subchart, nor `global` reader, nor dependency condition) reads is
//! [`Node::unread`]. A schema that closes a map (`additionalProperties: false`) still wins. A
//! chart without `templates/` keeps the key rule above alone.
//!
//! Beyond that rule:
//! - `global` is always allowed, and accepts any child (known children are still checked);
//! - keys under a dependency's name (or alias) from Chart.yaml are checked against the vendored
//!   subchart (`<chart>/charts/<name>/`) together with what the parent declares under that key;
//!   when the subchart is not vendored, keys the parent does not declare are accepted unless the
//!   parent's schema closes that map with `additionalProperties: false`; `enabled` (the usual
//!   dependency condition) is always allowed under a dependency, and `tags` at the top level of
//!   a chart with dependencies;
//! - a place the interface says nothing about (no map default with keys, no schema with
//!   `properties` or `additionalProperties: false`: e.g. a `null` default, an untyped list item)
//!   accepts any child: there is nothing to check against.

mod interface;
mod merge;
pub mod templates;

pub use interface::{Dep, Interface, Lookup, Node};
pub use merge::{coalesce, merge};
pub use templates::Reads;

use super::Site;
use crate::load::Chart;
use crate::util::yaml::untag;
use serde_yaml_ng::Value as Y;

/// One step of a values path: a map key or a list index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// `a.b[0].c`; the empty path is `(root)`.
pub fn display_path(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => {
                s.push('[');
                s.push_str(&i.to_string());
                s.push(']');
            }
        }
    }
    if s.is_empty() {
        s.push_str("(root)");
    }
    s
}

/// The closest candidate to `key` by edit distance (case-insensitive), if close enough to be a
/// plausible typo.
pub fn suggest<'c>(key: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<String> {
    crate::util::suggest::did_you_mean(key, candidates).map(str::to_string)
}

/// The kind of a value as the checks name it.
pub fn kind_of(v: &Y) -> &'static str {
    match untag(v) {
        Y::Null => "null",
        Y::Bool(_) => "bool",
        Y::Number(_) => "number",
        Y::String(_) => "string",
        Y::Sequence(_) => "list",
        Y::Mapping(_) => "map",
        Y::Tagged(_) => "value",
    }
}

/// A chart the site reads values from: one of [`Site::charts`] (listed in site.toml or found
/// beside a preset) or one of [`Site::subcharts`] (a vendored dependency, a `[chart_paths]`
/// target or a chart directory a helm command names: read for its values only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChartId {
    Listed(usize),
    Vendored(usize),
}

/// A dependency of a chart, by the key its values live under.
#[derive(Debug, Clone)]
pub struct Dependency {
    /// The alias, else the name, from Chart.yaml.
    pub key: String,
    /// The name from Chart.yaml.
    pub name: String,
    /// The vendored subchart (`<chart>/charts/<name>/`), when present.
    pub chart: Option<ChartId>,
}

/// The dependencies of every chart, resolved once when the model is built.
#[derive(Debug, Default)]
pub struct Dependencies {
    listed: Vec<Vec<Dependency>>,
    vendored: Vec<Vec<Dependency>>,
}

impl Dependencies {
    pub fn resolve(charts: &[Chart], subcharts: &[Chart]) -> Dependencies {
        let find = |dir: &std::path::Path| {
            charts
                .iter()
                .position(|c| c.dir == dir)
                .map(ChartId::Listed)
                .or_else(|| {
                    subcharts
                        .iter()
                        .position(|c| c.dir == dir)
                        .map(ChartId::Vendored)
                })
        };
        let of = |chart: &Chart| -> Vec<Dependency> {
            chart
                .dependencies
                .iter()
                .filter(|d| !d.name.is_empty())
                .map(|d| Dependency {
                    key: d
                        .alias
                        .clone()
                        .filter(|a| !a.is_empty())
                        .unwrap_or_else(|| d.name.clone()),
                    name: d.name.clone(),
                    chart: find(&crate::load::chart::dependency_dir(chart, d)),
                })
                .collect()
        };
        Dependencies {
            listed: charts.iter().map(of).collect(),
            vendored: subcharts.iter().map(of).collect(),
        }
    }

    /// The dependencies of a chart.
    pub fn of(&self, id: ChartId) -> &[Dependency] {
        let v = match id {
            ChartId::Listed(i) => self.listed.get(i),
            ChartId::Vendored(i) => self.vendored.get(i),
        };
        v.map(Vec::as_slice).unwrap_or_default()
    }
}

/// What the templates of every chart read, scanned once when the model is built; `None` for a
/// chart without a `templates/` directory.
#[derive(Debug, Default)]
pub struct TemplateReads {
    listed: Vec<Option<Reads>>,
    vendored: Vec<Option<Reads>>,
}

impl TemplateReads {
    pub fn scan(charts: &[Chart], subcharts: &[Chart], deps: &Dependencies) -> TemplateReads {
        let chart = |id: ChartId| match id {
            ChartId::Listed(i) => &charts[i],
            ChartId::Vendored(i) => &subcharts[i],
        };
        let of = |id: ChartId| -> Option<Reads> {
            let c = chart(id);
            let templates = c.templates.as_ref()?;
            let mut sources = templates::Sources {
                own: templates.iter().map(|f| f.text.as_str()).collect(),
                ..Default::default()
            };
            if let Some(v) = &c.values {
                template_strings(v, &mut sources.own);
            }
            sources.conditions = c
                .dependencies
                .iter()
                .filter_map(|d| d.condition.as_deref())
                .collect();
            // Every vendored descendant's templates, for their named templates; the
            // dependencies found nowhere, whose named templates are unknown.
            let mut seen = vec![id];
            let mut queue = vec![id];
            while let Some(at) = queue.pop() {
                if at != id {
                    if let Some(t) = &chart(at).templates {
                        sources.helpers.extend(t.iter().map(|f| f.text.as_str()));
                    }
                }
                for dep in deps.of(at) {
                    match dep.chart {
                        Some(sub) if !seen.contains(&sub) => {
                            seen.push(sub);
                            queue.push(sub);
                        }
                        Some(_) => {}
                        None => sources
                            .missing
                            .extend([dep.key.as_str(), dep.name.as_str()]),
                    }
                }
            }
            Some(Reads::scan(&sources))
        };
        TemplateReads {
            listed: (0..charts.len()).map(|i| of(ChartId::Listed(i))).collect(),
            vendored: (0..subcharts.len())
                .map(|i| of(ChartId::Vendored(i)))
                .collect(),
        }
    }

    /// What a chart's templates read (`None`: the chart has no templates).
    pub fn of(&self, id: ChartId) -> Option<&Reads> {
        match id {
            ChartId::Listed(i) => self.listed.get(i),
            ChartId::Vendored(i) => self.vendored.get(i),
        }
        .and_then(Option::as_ref)
    }
}

/// The strings of a values tree that hold template actions (rendered by `tpl`).
fn template_strings<'v>(v: &'v Y, out: &mut Vec<&'v str>) {
    match untag(v) {
        Y::String(s) if s.contains("{{") => out.push(s),
        Y::Mapping(m) => m.values().for_each(|c| template_strings(c, out)),
        Y::Sequence(items) => items.iter().for_each(|c| template_strings(c, out)),
        _ => {}
    }
}

impl Site {
    /// A chart by id.
    pub fn chart(&self, id: ChartId) -> &Chart {
        match id {
            ChartId::Listed(i) => &self.charts[i],
            ChartId::Vendored(i) => &self.subcharts[i],
        }
    }

    /// The chart in directory `rel` (relative to the root), listed or vendored.
    pub fn chart_by_rel(&self, rel: &str) -> Option<ChartId> {
        self.charts
            .iter()
            .position(|c| c.rel == rel)
            .map(ChartId::Listed)
            .or_else(|| {
                self.subcharts
                    .iter()
                    .position(|c| c.rel == rel)
                    .map(ChartId::Vendored)
            })
    }

    /// The values interface of a chart (a view over the model: nothing is loaded or cloned).
    pub fn values_interface(&self, id: ChartId) -> Interface<'_> {
        let deps = self
            .dependencies
            .of(id)
            .iter()
            .map(|d| Dep {
                key: &d.key,
                chart: d.chart.map(|c| self.chart(c)),
                reads: d.chart.and_then(|c| self.template_reads.of(c)),
            })
            .collect();
        Interface::new(self.chart(id), self.template_reads.of(id), deps)
    }

    /// The values a preset installs with, as Helm computes them: its chart's defaults with the
    /// preset merged over them ([`merge`]); the preset alone when the chart has no defaults;
    /// `null` when the preset has no values.
    pub fn preset_effective_values(&self, preset: usize) -> Y {
        let chart = self.preset_chart[preset].map(|c| &self.charts[c]);
        match (
            chart.and_then(|c| c.values.as_ref()),
            self.presets[preset].values.as_ref(),
        ) {
            (Some(base), Some(v)) => merge(base, v),
            (None, Some(v)) => v.clone(),
            _ => Y::Null,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_close_only() {
        assert_eq!(
            suggest("sparkConect", ["sparkConnect", "historyServer"]).as_deref(),
            Some("sparkConnect")
        );
        assert_eq!(suggest("hostname", ["host", "port"]), None);
        assert_eq!(
            suggest("Replicas", ["replicas"]).as_deref(),
            Some("replicas")
        );
    }
}
