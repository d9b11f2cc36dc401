//! Chart contracts: a directory with `Chart.yaml`, `values.yaml` and an optional
//! `values.schema.json`, the values interface presets and `--set` flags are checked against;
//! and the charts the site reads values from without listing them — the vendored subcharts of its
//! charts (`<chart>/charts/<dependency>/`), the `[chart_paths]` targets and the chart directories
//! helm commands in recipes, issues and scripts name — loaded here like any chart so their
//! problems are reported with the rest of the load findings.

use super::packed_chart::{read_archive, Packed};
use super::{decode_source, read_bytes, read_source, SourceFile};
use crate::check::codes::Code;
use crate::diagnostics::Finding;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ChartDependency {
    pub name: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub repository: String,
    #[serde(default)]
    pub alias: Option<String>,
    /// Values paths (comma-separated) that enable the dependency; Helm reads them itself.
    #[serde(default)]
    pub condition: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChartYaml {
    #[serde(default)]
    name: String,
    #[serde(default)]
    version: serde_yaml_ng::Value,
    #[serde(default)]
    app_version: serde_yaml_ng::Value,
    #[serde(default)]
    description: String,
    #[serde(default)]
    dependencies: Vec<ChartDependency>,
}

/// A chart contract.
#[derive(Debug, Clone)]
pub struct Chart {
    pub dir: PathBuf,
    /// Directory relative to the root, `/`-separated.
    pub rel: String,
    pub name: String,
    pub version: String,
    pub app_version: String,
    pub description: String,
    pub dependencies: Vec<ChartDependency>,
    pub values: Option<serde_yaml_ng::Value>,
    pub values_file: Option<SourceFile>,
    pub schema: Option<serde_json::Value>,
    pub schema_file: Option<SourceFile>,
    /// Every file under `templates/` (helpers and partials included), sorted by path; `None`
    /// when the chart has no `templates/` directory (a values contract only).
    pub templates: Option<Vec<SourceFile>>,
}

fn scalar(v: &serde_yaml_ng::Value) -> String {
    match v {
        serde_yaml_ng::Value::String(s) => s.clone(),
        serde_yaml_ng::Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// Loads the chart in `dir`; a directory without `Chart.yaml` is skipped silently (globs such as
/// `charts/*` may match other directories).
pub fn load_chart(root: &Path, dir: &Path, findings: &mut Vec<Finding>) -> Option<Chart> {
    load_from(root, &Source::Dir(dir.to_path_buf()), dir, findings)
}

/// Where a chart's files are read from: a directory, or a chart inside a `.tgz` package.
#[derive(Debug, Clone)]
enum Source {
    Dir(PathBuf),
    Packed(Packed),
}

impl Source {
    /// A file of the chart (`values.yaml`); `None` when it is missing or unreadable (the
    /// latter with a finding).
    fn read(
        &self,
        root: &Path,
        dir: &Path,
        name: &str,
        findings: &mut Vec<Finding>,
    ) -> Option<SourceFile> {
        match self {
            Source::Dir(d) => {
                let path = d.join(name);
                path.is_file()
                    .then(|| read_source(root, &path, findings))
                    .flatten()
            }
            Source::Packed(p) => {
                let bytes = p.file(name)?.to_vec();
                decode_source(dir.join(name), p.rel(name), bytes, findings)
            }
        }
    }

    /// Every file under the chart's `templates/` (sorted); `None` when it has none.
    fn templates(
        &self,
        root: &Path,
        dir: &Path,
        findings: &mut Vec<Finding>,
    ) -> Option<Vec<SourceFile>> {
        match self {
            Source::Dir(d) => load_templates(root, &d.join("templates"), findings),
            Source::Packed(p) => {
                let files: Vec<SourceFile> = p
                    .templates()
                    .filter_map(|(name, bytes)| {
                        decode_source(dir.join(name), p.rel(name), bytes.to_vec(), findings)
                    })
                    .collect();
                (!files.is_empty()).then_some(files)
            }
        }
    }

    /// Where diagnostics place the chart.
    fn rel(&self, root: &Path) -> String {
        match self {
            Source::Dir(d) => super::rel_path(root, d),
            Source::Packed(p) => p.rel(""),
        }
    }
}

/// Loads the chart whose files `source` holds; `dir` is the directory it has (or, for a
/// packaged dependency, would have vendored: `<parent>/charts/<name>`).
fn load_from(
    root: &Path,
    source: &Source,
    dir: &Path,
    findings: &mut Vec<Finding>,
) -> Option<Chart> {
    let file = source.read(root, dir, "Chart.yaml", findings)?;
    let meta: ChartYaml = match serde_yaml_ng::from_str(&file.text) {
        Ok(m) => m,
        Err(e) => {
            let (line, col) = e
                .location()
                .map(|l| (l.line(), l.column()))
                .unwrap_or((1, 1));
            findings.push(Finding::error(
                Code::ChartInvalid,
                &file.rel,
                line,
                col,
                format!("invalid Chart.yaml: {e}"),
            ));
            return None;
        }
    };
    let name = if meta.name.is_empty() {
        dir.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        meta.name
    };
    let mut chart = Chart {
        dir: dir.to_path_buf(),
        rel: source.rel(root),
        name,
        version: scalar(&meta.version),
        app_version: scalar(&meta.app_version),
        description: meta.description,
        dependencies: meta.dependencies,
        values: None,
        values_file: None,
        schema: None,
        schema_file: None,
        templates: None,
    };
    if let Some(file) = source.read(root, dir, "values.yaml", findings) {
        match super::preset::parse_values(&file.text) {
            Ok(v) => chart.values = Some(v),
            Err((line, col, msg)) => findings.push(Finding::error(
                Code::ValuesSyntax,
                &file.rel,
                line,
                col,
                msg,
            )),
        }
        chart.values_file = Some(file);
    }
    if let Some(file) = source.read(root, dir, "values.schema.json", findings) {
        match serde_json::from_str(&file.text) {
            Ok(v) => chart.schema = Some(v),
            Err(e) => findings.push(Finding::error(
                Code::ChartInvalid,
                &file.rel,
                e.line(),
                e.column(),
                format!("invalid values.schema.json: {e}"),
            )),
        }
        chart.schema_file = Some(file);
    }
    chart.templates = source.templates(root, dir, findings);
    Some(chart)
}

/// Reads every file under a chart's `templates/` directory (sorted, so scans are reproducible).
fn load_templates(root: &Path, dir: &Path, findings: &mut Vec<Finding>) -> Option<Vec<SourceFile>> {
    if !dir.is_dir() {
        return None;
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if entry.file_type().is_file() {
            if let Some(f) = read_source(root, entry.path(), findings) {
                files.push(f);
            }
        }
    }
    Some(files)
}

/// The directory a dependency is vendored in: `<chart>/charts/<name>/`.
pub fn dependency_dir(chart: &Chart, dep: &ChartDependency) -> PathBuf {
    chart.dir.join("charts").join(&dep.name)
}

/// Loads the charts the site reads values from without listing them: the vendored dependencies
/// of `charts` (each `<chart>/charts/<name>/` with a `Chart.yaml`, or else the package
/// `<chart>/charts/<name>-<version>.tgz` that `helm dependency update` leaves, for the
/// dependencies Chart.yaml names), then the directories in `unlisted` that hold a `Chart.yaml`
/// (`[chart_paths]` targets, charts helm commands name: see [`command_chart_dirs`]), and the
/// dependencies of each in turn, except the charts already in `charts`. Their problems (invalid
/// Chart.yaml, values.yaml, schema, a corrupt package) become findings.
pub fn load_subcharts(
    root: &Path,
    charts: &[Chart],
    unlisted: &[PathBuf],
    findings: &mut Vec<Finding>,
) -> Vec<Chart> {
    let mut subcharts: Vec<Chart> = Vec::new();
    let mut seen: Vec<PathBuf> = charts.iter().map(|c| canonical(&c.dir)).collect();
    let mut queue: std::collections::VecDeque<(Source, PathBuf)> =
        std::collections::VecDeque::new();
    for c in charts {
        queue.extend(dependency_sources(
            root,
            &Source::Dir(c.dir.clone()),
            c,
            findings,
        ));
    }
    queue.extend(unlisted.iter().map(|d| (Source::Dir(d.clone()), d.clone())));
    while let Some((source, dir)) = queue.pop_front() {
        let key = canonical(&dir);
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        if let Some(c) = load_from(root, &source, &dir, findings) {
            queue.extend(dependency_sources(root, &source, &c, findings));
            subcharts.push(c);
        }
    }
    subcharts
}

/// Where each dependency of `chart` (read from `source`) is vendored, with the directory it is
/// known by ([`dependency_dir`]): its directory under `charts/` when that holds a Chart.yaml,
/// else the package in `charts/` whose Chart.yaml names it (the one with its version when there
/// are several). Dependencies found nowhere are left out.
fn dependency_sources(
    root: &Path,
    source: &Source,
    chart: &Chart,
    findings: &mut Vec<Finding>,
) -> Vec<(Source, PathBuf)> {
    let mut packages: Option<Vec<(ChartYaml, Packed)>> = None;
    let mut out = Vec::new();
    for dep in chart.dependencies.iter().filter(|d| !d.name.is_empty()) {
        let dir = dependency_dir(chart, dep);
        let vendored = match source {
            Source::Dir(_) => dir
                .join("Chart.yaml")
                .is_file()
                .then(|| Source::Dir(dir.clone())),
            Source::Packed(p) => p.vendored(&dep.name).map(Source::Packed),
        };
        let found = vendored.or_else(|| {
            let packages = packages.get_or_insert_with(|| packaged_charts(root, source, findings));
            let named = || packages.iter().filter(|(meta, _)| meta.name == dep.name);
            named()
                .find(|(meta, _)| scalar(&meta.version) == dep.version)
                .or_else(|| named().next())
                .map(|(_, p)| Source::Packed(p.clone()))
        });
        if let Some(found) = found {
            out.push((found, dir));
        }
    }
    out
}

/// The charts packaged as `.tgz` in the `charts/` directory of the chart `source` holds, with their Chart.yaml.
/// Packages that cannot be read become `chart-invalid` findings.
fn packaged_charts(
    root: &Path,
    source: &Source,
    findings: &mut Vec<Finding>,
) -> Vec<(ChartYaml, Packed)> {
    let mut archives: Vec<(String, Vec<u8>)> = Vec::new();
    match source {
        Source::Dir(d) => {
            let Ok(entries) = std::fs::read_dir(d.join("charts")) else {
                return Vec::new();
            };
            let mut paths: Vec<PathBuf> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "tgz") && p.is_file())
                .collect();
            paths.sort();
            for path in paths {
                let rel = super::rel_path(root, &path);
                if let Some(bytes) = read_bytes(&path, &rel, findings) {
                    archives.push((rel, bytes));
                }
            }
        }
        Source::Packed(p) => archives.extend(p.archives().map(|(rel, b)| (rel, b.to_vec()))),
    }
    let mut out = Vec::new();
    for (rel, bytes) in archives {
        let archive = match read_archive(rel.clone(), &bytes) {
            Ok(a) => std::sync::Arc::new(a),
            Err(e) => {
                findings.push(
                    Finding::error(
                        Code::ChartInvalid,
                        &rel,
                        0,
                        0,
                        format!("cannot read the packaged chart: {e}"),
                    )
                    .with_help("run `helm dependency update` to fetch it again"),
                );
                continue;
            }
        };
        for packed in archive.charts() {
            let meta = packed
                .file("Chart.yaml")
                .and_then(|b| serde_yaml_ng::from_slice::<ChartYaml>(b).ok());
            if let Some(meta) = meta {
                out.push((meta, packed));
            }
        }
    }
    out
}

/// The helm subcommands that take a chart argument whose `--set` keys are checked.
const CHART_SUBCOMMANDS: &[&str] = &["install", "upgrade", "template", "lint"];

/// Adds to `out` the chart directories (inside `root`, holding `Chart.yaml`) that a
/// `helm install|upgrade|template|lint` command in the shell `text` names by a relative path
/// (`./charts/app`, `charts/app`). Deliberately cheap and permissive — whitespace words after the
/// subcommand, up to a shell separator — since it only decides which directories `load` reads;
/// the `helm` check resolves each chart argument precisely.
pub fn command_chart_dirs(root: &Path, text: &str, out: &mut Vec<PathBuf>) {
    let joined = text.replace("\\\r\n", " ").replace("\\\n", " ");
    for line in joined.lines() {
        let mut words = line.split_whitespace();
        while words.by_ref().any(|w| w == "helm" || w.ends_with("/helm")) {
            let mut in_chart_command = false;
            for w in words.by_ref() {
                if matches!(w, "|" | "||" | "&&" | ";" | "&") || w.ends_with(';') {
                    break;
                }
                if !in_chart_command {
                    in_chart_command = CHART_SUBCOMMANDS.contains(&w);
                } else if let Some(dir) = local_chart_dir(root, w) {
                    if !out.contains(&dir) {
                        out.push(dir);
                    }
                }
            }
        }
    }
}

/// The chart directory a command word names, if it is a relative path inside the root to a
/// directory with `Chart.yaml`.
fn local_chart_dir(root: &Path, word: &str) -> Option<PathBuf> {
    let w = word.trim_matches(['"', '\'']);
    if w.starts_with(['-', '/', '~']) || w.contains(['=', '$', '`']) || w.contains("://") {
        return None;
    }
    let mut p = w.trim_end_matches('/');
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    if p.is_empty() || p == "." || p.split('/').any(|seg| seg == "..") {
        return None;
    }
    let dir = root.join(p);
    dir.join("Chart.yaml").is_file().then_some(dir)
}

fn canonical(dir: &Path) -> PathBuf {
    dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_dirs_named_by_helm_commands() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for d in ["charts/app", "charts/other", "lint-me"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
            std::fs::write(root.join(d).join("Chart.yaml"), "name: x\n").unwrap();
        }
        std::fs::create_dir_all(root.join("charts/plain")).unwrap();
        let text = "helm upgrade --install x \\\n  ./charts/app/ --set a=1\n\
                    $ helm lint lint-me && helm template y charts/plain\n\
                    helm repo add charts/other https://x\n\
                    helm install z \"$D\" | grep charts/other\n\
                    helm install w ../charts/app\n";
        let mut out = Vec::new();
        command_chart_dirs(root, text, &mut out);
        command_chart_dirs(root, "helm install again charts/app", &mut out);
        assert_eq!(out, vec![root.join("charts/app"), root.join("lint-me")]);
    }
}
