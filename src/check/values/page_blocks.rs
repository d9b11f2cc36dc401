//! Chart values shown in pages: a `yaml` block that says which chart it is for gets the same
//! checks as a preset (`values-unknown-key`, `values-unread-key`, `values-type`,
//! `values-schema`), with findings at the block's lines in the page.
//!
//! A block is for a chart when a helm command of the same page installs that chart with
//! `-f <file>` and the block names that file — a first-line caption `# file: values.yaml` or a
//! fence attribute such as `title="values.yaml"` — or, failing that, when the page's front
//! matter says `chart: <name or path>` and the block looks like values (a map without the
//! `apiVersion`/`kind` of a Kubernetes manifest).

use super::{check_values, Validators, ValuesText};
use crate::check::created_files::declared_files;
use crate::check::{helm, Context};
use crate::diagnostics::Finding;
use crate::load::recipe::CodeBlock;
use crate::model::values::ChartId;
use crate::model::PageRef;
use crate::util::langs;
use crate::util::yaml::map_get;
use serde_yaml_ng::Value as Y;
use std::collections::BTreeMap;

pub(super) fn check(cx: &Context, validators: &mut Validators) -> Vec<Finding> {
    let mut pages: BTreeMap<&str, (PageRef, Vec<&CodeBlock>)> = BTreeMap::new();
    for b in cx.code_blocks() {
        pages
            .entry(b.file)
            .or_insert_with(|| (b.page, Vec::new()))
            .1
            .push(b.block);
    }
    let mut out = Vec::new();
    for (file, (page, blocks)) in pages {
        if !blocks.iter().any(|b| is_yaml(&b.lang)) {
            continue;
        }
        let installs: Vec<(String, String)> = blocks
            .iter()
            .filter(|b| langs::is_shell_or_console(&b.lang))
            .flat_map(|b| helm::values_files_by_chart(cx, &b.code, langs::is_console(&b.lang)))
            .collect();
        let page_chart = front_matter_chart(cx, page);
        for block in blocks.iter().filter(|b| is_yaml(&b.lang)) {
            let named = declared_files(block).into_iter().find_map(|name| {
                installs
                    .iter()
                    .find(|(f, _)| same_file(f, name))
                    .and_then(|(_, chart)| cx.site.chart_by_rel(chart))
            });
            let Ok(values) = crate::load::preset::parse_values(&block.code) else {
                continue;
            };
            let chart = match named {
                Some(c) => c,
                None => match page_chart {
                    Some(c) if looks_like_values(&values) => c,
                    _ => continue,
                },
            };
            let iface = cx.site.values_interface(chart);
            let text = ValuesText {
                file,
                text: &block.code,
                line: block.line,
                column: block.column,
            };
            out.extend(check_values(&text, &values, &iface, validators));
        }
    }
    out
}

fn is_yaml(lang: &str) -> bool {
    matches!(lang, "yaml" | "yml")
}

/// Whether a `-f` path and a block's file name are the same file (`./` and leading directories
/// aside when one of them is a bare file name).
fn same_file(flag_path: &str, name: &str) -> bool {
    let a = flag_path.trim_start_matches("./");
    let b = name.trim_start_matches("./");
    if a == b {
        return true;
    }
    let base = |p: &str| p.rsplit('/').next().unwrap_or(p).to_string();
    (!a.contains('/') || !b.contains('/')) && base(a) == base(b)
}

/// The chart a page's front matter names (`chart: <name or path>`).
fn front_matter_chart(cx: &Context, page: PageRef) -> Option<ChartId> {
    let site = cx.site;
    let meta = match page {
        PageRef::Recipe(i) => &site.recipes[i].metadata,
        PageRef::Issue(i) => &site.issues[i].metadata,
        _ => return None,
    };
    let value = meta.iter().find(|(k, _)| k == "chart")?.1.trim();
    if let Some(id) = helm::local_chart(cx, value).and_then(|rel| site.chart_by_rel(&rel)) {
        return Some(id);
    }
    site.charts
        .iter()
        .position(|c| c.name == value)
        .map(ChartId::Listed)
        .or_else(|| {
            site.subcharts
                .iter()
                .position(|c| c.name == value)
                .map(ChartId::Vendored)
        })
}

/// A map that is not a Kubernetes manifest.
fn looks_like_values(v: &Y) -> bool {
    match v {
        Y::Mapping(m) => {
            !m.is_empty() && (map_get(m, "apiVersion").is_none() || map_get(m, "kind").is_none())
        }
        _ => false,
    }
}
