//! model: the one place that knows how sources relate — IDs, slugs, stable URLs, which chart a
//! preset targets, the issue ↔ page graph, and the values interface of each chart (`values`).
//! Everything downstream reads the `Site`.

use crate::check::codes::Code;
pub mod values;

pub mod anchors;
pub mod kind;
pub mod presets;
pub mod properties;
pub mod repo_files;
pub mod signatures;

pub mod spark_catalog;
pub mod spark_value;

use crate::config::Config;
use crate::diagnostics::Finding;
use crate::load::{self, Chart, Issue, Loaded, Notebook, Preset, Recipe, Script, SourceFile};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub use kind::SourceKind;

/// A reference to one page-producing source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PageRef {
    Recipe(usize),
    Issue(usize),
    Preset(usize),
    Notebook(usize),
    Script(usize),
}

impl PageRef {
    pub fn kind(self) -> SourceKind {
        match self {
            PageRef::Recipe(_) => SourceKind::Recipes,
            PageRef::Issue(_) => SourceKind::Issues,
            PageRef::Preset(_) => SourceKind::Presets,
            PageRef::Notebook(_) => SourceKind::Notebooks,
            PageRef::Script(_) => SourceKind::Scripts,
        }
    }
}

/// Human title of a recipe category directory.
pub fn category_title(category: &str) -> String {
    match category {
        "troubleshoot" | "troubleshooting" => "Troubleshooting".into(),
        "operations" => "Operations".into(),
        "deployment" => "Deployment".into(),
        "integration" => "Integration".into(),
        other => {
            let mut s: String = other.replace(['-', '_'], " ");
            if let Some(first) = s.get(..1) {
                s = first.to_uppercase() + &s[1..];
            }
            s
        }
    }
}

/// The whole site, loaded and linked.
pub struct Site {
    pub config: Config,
    pub recipes: Vec<Recipe>,
    pub issues: Vec<Issue>,
    pub presets: Vec<Preset>,
    /// For each preset, the index of its chart in `charts`.
    pub preset_chart: Vec<Option<usize>>,
    pub charts: Vec<Chart>,
    /// Charts read for their values but not in `charts`: vendored dependencies of `charts`,
    /// `[chart_paths]` targets and chart directories that helm commands name.
    pub subcharts: Vec<Chart>,
    /// The dependencies of every chart, resolved once (see [`values`]).
    pub dependencies: values::Dependencies,
    /// What each chart's templates read from `.Values` (see [`values::templates`]).
    pub template_reads: values::TemplateReads,
    pub notebooks: Vec<Notebook>,
    pub scripts: Vec<Script>,
    pub policies: Vec<SourceFile>,
    /// Findings from loading and linking.
    pub findings: Vec<Finding>,
    /// Upper-case issue ID → index into `issues`.
    pub issue_index: BTreeMap<String, usize>,
    /// Issue IDs each page mentions or declares, in order.
    pub mentions: BTreeMap<PageRef, Vec<String>>,
    /// Root-relative source path → URL of the page (or raw file) it became.
    pub file_urls: HashMap<String, String>,
    /// Repository files pages link that are no pages (`../docker/x/README.md`).
    pub repo_files: repo_files::RepoFiles,
}

impl Site {
    /// Links loaded sources into a site. Never fails: problems become findings.
    pub fn new(config: Config, loaded: Loaded) -> Site {
        let Loaded {
            recipes,
            issues,
            mut presets,
            charts,
            subcharts,
            notebooks,
            scripts,
            policies,
            mut findings,
        } = loaded;
        let dependencies = values::Dependencies::resolve(&charts, &subcharts);
        let template_reads = values::TemplateReads::scan(&charts, &subcharts, &dependencies);
        let mut issue_index = BTreeMap::new();
        for (i, issue) in issues.iter().enumerate() {
            if let Some(&first) = issue_index.get(&issue.id) {
                let other: &Issue = &issues[first];
                findings.push(
                    Finding::error(
                        Code::IssueDuplicateId,
                        &issue.source.rel,
                        issue.id_line,
                        1,
                        format!("{} is also claimed by {}", issue.id, other.source.rel),
                    )
                    .with_help(format!(
                        "give one of the two files a new ID; {} keeps the page",
                        other.source.rel
                    )),
                );
            } else {
                issue_index.insert(issue.id.clone(), i);
            }
        }
        let preset_chart = presets
            .iter()
            .map(|p| resolve_chart(&config, p, &charts))
            .collect::<Vec<_>>();
        for (p, c) in presets.iter().zip(&preset_chart) {
            if c.is_none() {
                findings.push(
                    Finding::warning(Code::PresetChartUnknown, &p.source.rel, 1, 1, "cannot tell which chart this preset targets")
                        .with_help("put it in the chart's directory (next to Chart.yaml), in a directory named like the chart, or add a comment `# chart: NAME`"),
                );
            }
        }
        disambiguate_preset_stems(&mut presets, &preset_chart, &charts, &config.root);
        let repo_files = repo_files::RepoFiles::new(&config);
        let mut site = Site {
            config,
            recipes,
            issues,
            presets,
            preset_chart,
            charts,
            subcharts,
            dependencies,
            template_reads,
            notebooks,
            scripts,
            policies,
            findings,
            issue_index,
            mentions: BTreeMap::new(),
            file_urls: HashMap::new(),
            repo_files,
        };
        site.link();
        site
    }

    fn link(&mut self) {
        let mut mentions = BTreeMap::new();
        for (i, r) in self.recipes.iter().enumerate() {
            let mut ids = r.issues.clone();
            for id in load::recipe::issue_mentions(&r.doc.body) {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            mentions.insert(PageRef::Recipe(i), ids);
        }
        for (i, is) in self.issues.iter().enumerate() {
            let ids: Vec<String> = load::recipe::issue_mentions(&is.doc.body)
                .into_iter()
                .filter(|id| id != &is.id)
                .collect();
            mentions.insert(PageRef::Issue(i), ids);
        }
        for (i, p) in self.presets.iter().enumerate() {
            mentions.insert(
                PageRef::Preset(i),
                load::recipe::issue_mentions(&p.source.text),
            );
        }
        for (i, n) in self.notebooks.iter().enumerate() {
            let text: String = n
                .cells
                .iter()
                .map(|c| c.source.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            mentions.insert(PageRef::Notebook(i), load::recipe::issue_mentions(&text));
        }
        for (i, s) in self.scripts.iter().enumerate() {
            mentions.insert(
                PageRef::Script(i),
                load::recipe::issue_mentions(&s.source.text),
            );
        }
        self.mentions = mentions;

        let mut file_urls = HashMap::new();
        let mut seen: HashMap<String, String> = HashMap::new();
        let refs: Vec<PageRef> = self.all_pages();
        for r in refs {
            let url = self.url(r);
            let rel = self.source(r).rel.clone();
            if let Some(other) = seen.get(&url) {
                self.findings.push(
                    Finding::error(
                        Code::UrlConflict,
                        &rel,
                        1,
                        1,
                        format!(
                            "this page would be written to {url}, which {other} already produces"
                        ),
                    )
                    .with_help("rename one of the two files"),
                );
                continue;
            }
            seen.insert(url.clone(), rel.clone());
            file_urls.insert(rel, url);
        }
        self.file_urls = file_urls;
    }

    /// Every page-producing source, in a stable order.
    pub fn all_pages(&self) -> Vec<PageRef> {
        let mut v = Vec::new();
        v.extend((0..self.recipes.len()).map(PageRef::Recipe));
        v.extend(
            (0..self.issues.len())
                .filter(|&i| self.issue_index.get(&self.issues[i].id) == Some(&i))
                .map(PageRef::Issue),
        );
        v.extend((0..self.presets.len()).map(PageRef::Preset));
        v.extend((0..self.notebooks.len()).map(PageRef::Notebook));
        v.extend((0..self.scripts.len()).map(PageRef::Script));
        v
    }

    pub fn source(&self, r: PageRef) -> &SourceFile {
        match r {
            PageRef::Recipe(i) => &self.recipes[i].source,
            PageRef::Issue(i) => &self.issues[i].source,
            PageRef::Preset(i) => &self.presets[i].source,
            PageRef::Notebook(i) => &self.notebooks[i].source,
            PageRef::Script(i) => &self.scripts[i].source,
        }
    }

    pub fn title(&self, r: PageRef) -> String {
        match r {
            PageRef::Recipe(i) => self.recipes[i].title.clone(),
            PageRef::Issue(i) => format!("{}: {}", self.issues[i].id, self.issues[i].title),
            PageRef::Preset(i) => self.presets[i].file_name.clone(),
            PageRef::Notebook(i) => self.notebooks[i].title.clone(),
            PageRef::Script(i) => self.scripts[i].file_name.clone(),
        }
    }

    /// Site-absolute URL (without the base path) of a page, ending with `/`.
    pub fn url(&self, r: PageRef) -> String {
        match r {
            PageRef::Recipe(i) => format!(
                "/recipes/{}/{}/",
                self.recipes[i].category, self.recipes[i].slug
            ),
            PageRef::Issue(i) => issue_url(&self.issues[i].id),
            PageRef::Preset(i) => format!(
                "/presets/{}/{}/",
                self.preset_chart_name(i),
                url_segment(&self.presets[i].stem)
            ),
            PageRef::Notebook(i) => format!("/notebooks/{}/", self.notebooks[i].slug),
            PageRef::Script(i) => format!("/scripts/{}/", self.scripts[i].slug),
        }
    }

    /// URL of the raw file published beside a preset, notebook or script page.
    pub fn raw_url(&self, r: PageRef) -> Option<String> {
        let name = match r {
            PageRef::Preset(i) => &self.presets[i].file_name,
            PageRef::Notebook(i) => &self.notebooks[i].file_name,
            PageRef::Script(i) => &self.scripts[i].file_name,
            _ => return None,
        };
        Some(format!("{}{}", self.url(r), name))
    }

    /// Name of the chart a preset targets (`other` when unknown).
    pub fn preset_chart_name(&self, i: usize) -> String {
        self.preset_chart[i]
            .map(|c| url_segment(&self.charts[c].name))
            .unwrap_or_else(|| "other".into())
    }

    /// Recipe categories in display order (troubleshooting first), with recipe indexes sorted by
    /// weight then title.
    pub fn categories(&self) -> Vec<(String, Vec<usize>)> {
        let mut map: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, r) in self.recipes.iter().enumerate() {
            map.entry(r.category.clone()).or_default().push(i);
        }
        let order = |c: &str| match c {
            "troubleshoot" | "troubleshooting" => 0,
            "deployment" => 1,
            "operations" => 2,
            "integration" => 3,
            _ => 4,
        };
        let mut v: Vec<(String, Vec<usize>)> = map.into_iter().collect();
        v.sort_by(|a, b| (order(&a.0), &a.0).cmp(&(order(&b.0), &b.0)));
        for (_, items) in v.iter_mut() {
            items.sort_by(|&a, &b| {
                let (ra, rb) = (&self.recipes[a], &self.recipes[b]);
                (ra.weight, ra.title.to_lowercase()).cmp(&(rb.weight, rb.title.to_lowercase()))
            });
        }
        v
    }

    /// Pages that mention an issue, grouped by kind (recipe, notebook, script, preset, issue).
    pub fn issue_backlinks(&self, id: &str) -> Vec<PageRef> {
        let mut v: Vec<PageRef> = self
            .mentions
            .iter()
            .filter(|(_, ids)| ids.iter().any(|m| m == id))
            .map(|(r, _)| *r)
            .filter(|r| self.file_urls.contains_key(&self.source(*r).rel))
            .collect();
        v.sort_by_key(|r| (r.kind().order(), self.title(*r).to_lowercase()));
        v
    }

    /// Pages whose source text names `file_name` (a preset's or script's file), except `except`.
    pub fn pages_naming(&self, file_name: &str, except: PageRef) -> Vec<PageRef> {
        let mut v: Vec<PageRef> = self
            .all_pages()
            .into_iter()
            .filter(|&r| r != except && self.source(r).text.contains(file_name))
            .collect();
        v.sort_by_key(|r| (r.kind().order(), self.title(*r).to_lowercase()));
        v
    }

    /// Presets, notebooks and scripts a page's text names by file name.
    pub fn related_files(&self, from: PageRef) -> Vec<PageRef> {
        let text = &self.source(from).text;
        let mut v = Vec::new();
        for (i, p) in self.presets.iter().enumerate() {
            if text.contains(p.file_name.as_str()) {
                v.push(PageRef::Preset(i));
            }
        }
        for (i, n) in self.notebooks.iter().enumerate() {
            if text.contains(n.file_name.as_str()) {
                v.push(PageRef::Notebook(i));
            }
        }
        for (i, s) in self.scripts.iter().enumerate() {
            if text.contains(s.file_name.as_str()) {
                v.push(PageRef::Script(i));
            }
        }
        v.retain(|r| *r != from);
        v
    }

    /// Distinct Spark versions a preset's chart is for (from `appVersion`, e.g. `4.1.0` → `4.1`).
    pub fn preset_spark_version(&self, i: usize) -> String {
        self.preset_chart[i]
            .map(|c| spark_minor(&self.charts[c].app_version))
            .unwrap_or_default()
    }

    /// The chart path users write in commands for a chart (reverse of `[chart_paths]`).
    pub fn chart_command_path(&self, chart: usize) -> String {
        let rel = &self.charts[chart].rel;
        self.config
            .site
            .chart_paths
            .iter()
            .find(|(_, to)| to.trim_end_matches('/') == rel)
            .map(|(from, _)| from.clone())
            .unwrap_or_else(|| rel.clone())
    }

    /// Which kinds of source are configured, in navigation order.
    pub fn configured_kinds(&self) -> Vec<SourceKind> {
        let s = &self.config.site.sources;
        SourceKind::ALL
            .into_iter()
            .filter(|k| k.configured(s))
            .collect()
    }

    /// How many pages of a kind the site has (issues: distinct IDs).
    pub fn kind_count(&self, kind: SourceKind) -> usize {
        match kind {
            SourceKind::Recipes => self.recipes.len(),
            SourceKind::Issues => self.issue_index.len(),
            SourceKind::Presets => self.presets.len(),
            SourceKind::Notebooks => self.notebooks.len(),
            SourceKind::Scripts => self.scripts.len(),
        }
    }

    /// The text of a root-relative source file as loaded, if the model holds it: what
    /// diagnostics quote, so sources are read once. Files the model does not hold (site.toml,
    /// a chart's templates) return `None`.
    pub fn source_text(&self, rel: &str) -> Option<&str> {
        let pages = self.all_pages().into_iter().map(|r| self.source(r));
        let charts = self
            .charts
            .iter()
            .flat_map(|c| c.values_file.iter().chain(c.schema_file.iter()));
        pages
            .chain(self.policies.iter())
            .chain(charts)
            .find(|s| s.rel == rel)
            .map(|s| s.text.as_str())
    }

    /// Findings rendered for people ([`crate::diagnostics::render_human_with`]), quoting the
    /// texts the model holds; files it does not hold are read from disk.
    pub fn render_findings(&self, findings: &[Finding], color: bool) -> String {
        crate::diagnostics::render_human_with(
            findings,
            |file| match self.source_text(file) {
                Some(text) => Some(text.to_string()),
                None => std::fs::read(self.config.root.join(file))
                    .ok()
                    .map(|b| String::from_utf8_lossy(&b).into_owned()),
            },
            color,
        )
    }

    /// The set of issue IDs that exist.
    pub fn issue_ids(&self) -> BTreeSet<&str> {
        self.issue_index.keys().map(String::as_str).collect()
    }
}

/// A name made safe for one URL path segment: lower-case; letters, digits, `.`, `_` and `-` kept,
/// anything else becomes `-` (so `spark-4.1` stays `spark-4.1`).
pub fn url_segment(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches(['-', '.']).to_string();
    if s.is_empty() {
        "page".into()
    } else {
        s
    }
}

pub fn issue_url(id: &str) -> String {
    format!("/issues/{}/", id.to_ascii_lowercase())
}

/// `4.1.0` → `4.1`, `3.5.x` → `3.5`.
pub fn spark_minor(version: &str) -> String {
    let parts: Vec<&str> = version.trim_start_matches('v').split('.').collect();
    if parts.len() >= 2 {
        format!("{}.{}", parts[0], parts[1])
    } else {
        version.to_string()
    }
}

/// The chart a preset targets: nearest ancestor with Chart.yaml, else the configured chart named
/// like the preset's parent directory, else the `# chart: NAME` comment.
fn resolve_chart(config: &Config, p: &Preset, charts: &[Chart]) -> Option<usize> {
    if let Some(dir) = &p.chart_dir {
        if let Some(i) = charts.iter().position(|c| &c.dir == dir) {
            return Some(i);
        }
    }
    let parent = p
        .source
        .path
        .parent()
        .and_then(|d| d.file_name())
        .map(|n| n.to_string_lossy().into_owned());
    if let Some(parent) = parent {
        if let Some(i) = charts.iter().position(|c| c.name == parent) {
            return Some(i);
        }
    }
    if let Some(hint) = &p.chart_hint {
        if let Some(i) = charts.iter().position(|c| &c.name == hint) {
            return Some(i);
        }
        // A hint may also be a command path mapped in [chart_paths].
        if let Some(to) = config.site.chart_paths.get(hint) {
            if let Some(i) = charts
                .iter()
                .position(|c| c.rel == to.trim_end_matches('/'))
            {
                return Some(i);
            }
        }
    }
    None
}

/// Presets of one chart with the same file name in different directories (an adopted
/// repository's `environments/dev/values.yaml` and `environments/prod/values.yaml`) are told
/// apart by their directory: the stem of each becomes its path below the chart's directory (or
/// the site root), `/` as `-` (`environments-dev-values`), so their pages get distinct URLs.
/// Presets whose stems are unique keep them.
fn disambiguate_preset_stems(
    presets: &mut [load::Preset],
    preset_chart: &[Option<usize>],
    charts: &[load::Chart],
    root: &std::path::Path,
) {
    let mut groups: HashMap<(Option<usize>, String), Vec<usize>> = HashMap::new();
    for (i, p) in presets.iter().enumerate() {
        groups
            .entry((preset_chart[i], p.stem.clone()))
            .or_default()
            .push(i);
    }
    for ((chart, _), members) in groups {
        if members.len() < 2 {
            continue;
        }
        let base = chart.map(|c| charts[c].dir.as_path()).unwrap_or(root);
        for i in members {
            let p = &mut presets[i];
            let below = p.source.path.strip_prefix(base).unwrap_or(&p.source.path);
            let rel = load::rel_path(std::path::Path::new(""), &below.with_extension(""));
            p.stem = rel.replace('/', "-");
        }
    }
}
