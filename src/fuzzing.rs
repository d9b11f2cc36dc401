//! fuzzing: entry points for the cargo-fuzz targets in `fuzz/` and their regression tests. Each
//! one loads a single source from a string — a recipe, a notebook, a preset with its chart, a
//! code block — into an in-memory site beside the charts of a real site, and runs every check.
//! Nothing is read from disk per input, so a target runs thousands of inputs a second.
//!
//! Decisions: the harness goes through the same `load` functions and `check::run` as a build
//! (no parser is called on its own), so a crash found here is a crash a user can hit; the site
//! root (its `site.toml` and charts) is a real directory read once, the fuzzed text never is.

use crate::config::Config;
use crate::diagnostics::Finding;
use crate::load::{self, Chart, Loaded, SourceFile};
use crate::{check, model, BuildError, BuildOptions};
use std::path::Path;

/// A site read once (its configuration and charts), into which each fuzz input is loaded as the
/// site's only page, preset or notebook.
pub struct Harness {
    config: Config,
    charts: Vec<Chart>,
    subcharts: Vec<Chart>,
}

impl Harness {
    /// Reads the site at `root`: `site.toml` (which must configure a recipes directory) and every
    /// chart it lists.
    pub fn new(root: &Path) -> Result<Harness, BuildError> {
        let opts = BuildOptions {
            root: root.to_path_buf(),
            ..BuildOptions::default()
        };
        let config = Config::load(&opts.root, None, None)?;
        let loaded = load::load_all(&config);
        Ok(Harness {
            config,
            charts: loaded.charts,
            subcharts: loaded.subcharts,
        })
    }

    /// The harness every fuzz target uses: the `check-values-templates` fixture site (charts with
    /// values, a schema, templates and a subchart), read once per process.
    pub fn shared() -> &'static Harness {
        static SHARED: std::sync::OnceLock<Harness> = std::sync::OnceLock::new();
        SHARED.get_or_init(|| {
            crate::check::shell::quiet_parser_panics();
            let root = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/check-values-templates"
            );
            Harness::new(Path::new(root)).expect("the fuzzing fixture site loads")
        })
    }

    fn source(&self, rel: &str, text: &str) -> SourceFile {
        SourceFile {
            path: self.config.root.join(rel),
            rel: rel.to_string(),
            text: text.to_string(),
        }
    }

    fn recipes_dir(&self) -> String {
        self.config
            .site
            .sources
            .recipes
            .clone()
            .unwrap_or_else(|| "content/recipes".into())
    }

    /// Checks a site of the loaded charts plus `loaded`'s sources.
    fn check(&self, mut loaded: Loaded) -> Vec<Finding> {
        if loaded.charts.is_empty() {
            loaded.charts = self.charts.clone();
        }
        loaded.subcharts = self.subcharts.clone();
        let site = model::Site::new(self.config.clone(), loaded);
        check::run(&site)
    }

    /// Loads `text` as the recipe `<recipes>/fuzz/page.md` (front matter and Markdown) and runs
    /// every check.
    pub fn check_recipe(&self, text: &str) -> Vec<Finding> {
        let dir = self.recipes_dir();
        let file = self.source(&format!("{dir}/fuzz/page.md"), text);
        let mut loaded = Loaded::default();
        if let Some(recipe) = load::recipe::load_recipe(file, Path::new(&dir), &mut loaded.findings)
        {
            loaded.recipes.push(recipe);
        }
        self.check(loaded)
    }

    /// Checks `code` as the one fenced block (info string `info`) of an otherwise valid recipe.
    /// The fence is longer than any run of backticks in `code`, so the block holds all of it.
    pub fn check_block(&self, info: &str, code: &str) -> Vec<Finding> {
        self.check_recipe(&fenced_recipe(info, code))
    }

    /// Loads `text` as a notebook (`.ipynb` JSON) and runs every check.
    pub fn check_notebook(&self, text: &str) -> Vec<Finding> {
        let dir = self
            .config
            .site
            .sources
            .notebooks
            .clone()
            .unwrap_or_else(|| "notebooks".into());
        let file = self.source(&format!("{dir}/fuzz.ipynb"), text);
        let mut loaded = Loaded::default();
        if let Some(notebook) = load::notebook::load_notebook(file, &mut loaded.findings) {
            loaded.notebooks.push(notebook);
        }
        self.check(loaded)
    }

    /// Loads `preset` as a values file of the site's first chart and runs every check. When
    /// given, `chart_values` replaces that chart's `values.yaml` and `template` is added to its
    /// `templates/` (as `templates/fuzz.yaml`), so the template scan sees it too.
    pub fn check_values(
        &self,
        preset: &str,
        chart_values: Option<&str>,
        template: Option<&str>,
    ) -> Vec<Finding> {
        let mut loaded = Loaded::default();
        let mut charts = self.charts.clone();
        let Some(chart) = charts.first_mut() else {
            return Vec::new();
        };
        if let Some(text) = chart_values {
            let file = self.source(&format!("{}/values.yaml", chart.rel), text);
            chart.values = match load::preset::parse_values(text) {
                Ok(v) => Some(v),
                Err((line, col, msg)) => {
                    loaded.findings.push(Finding::error(
                        check::codes::Code::ValuesSyntax,
                        &file.rel,
                        line,
                        col,
                        msg,
                    ));
                    None
                }
            };
            chart.values_file = Some(file);
        }
        if let Some(text) = template {
            let file = self.source(&format!("{}/templates/fuzz.yaml", chart.rel), text);
            chart.templates.get_or_insert_with(Vec::new).push(file);
        }
        let file = self.source(&format!("{}/values-fuzz.yaml", chart.rel), preset);
        if let Some(mut p) = load::preset::load_preset(file, &mut loaded.findings) {
            p.chart_dir = Some(chart.dir.clone());
            loaded.presets.push(p);
        }
        loaded.charts = charts;
        self.check(loaded)
    }
}

/// The fuzz targets in `fuzz/fuzz_targets/`, one per kind of hostile text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Front matter + Markdown of a recipe.
    Recipe,
    /// `preset\0chart values.yaml\0template`: values against a chart, and the template scan.
    Values,
    /// Notebook JSON.
    Notebook,
    /// A shell block (first byte picks bash, console, ...), helm lines included.
    Shell,
    /// A spark-defaults.conf/properties block, or another language Spark properties are
    /// extracted from (first byte picks which).
    Properties,
}

/// Info strings the shell target picks from.
pub const SHELL_INFOS: &[&str] = &[
    "bash",
    "console",
    "sh",
    "shell",
    "shell-session",
    "bash title=\"install.sh\"",
];

/// Info strings the properties target picks from.
pub const PROPERTIES_INFOS: &[&str] = &[
    "properties",
    "spark-defaults.conf",
    "conf title=\"spark-defaults.conf\"",
    "java-properties",
    "conf",
    "yaml",
    "python",
    "sql",
    "scala",
];

impl Target {
    pub const ALL: [Target; 5] = [
        Target::Recipe,
        Target::Values,
        Target::Notebook,
        Target::Shell,
        Target::Properties,
    ];

    /// The name of the target's binary and of its seed and corpus directories.
    pub fn name(self) -> &'static str {
        match self {
            Target::Recipe => "recipe",
            Target::Values => "values",
            Target::Notebook => "notebook",
            Target::Shell => "shell",
            Target::Properties => "properties",
        }
    }

    /// Runs one fuzz input through `harness`; inputs that are not UTF-8 are skipped (the
    /// loaders reject those before any parser sees them).
    pub fn run(self, harness: &Harness, data: &[u8]) -> Vec<Finding> {
        let pick = |infos: &[&'static str]| -> Option<(&'static str, &str)> {
            let (&first, rest) = data.split_first()?;
            let code = std::str::from_utf8(rest).ok()?;
            Some((infos[first as usize % infos.len()], code))
        };
        match self {
            Target::Shell => pick(SHELL_INFOS)
                .map(|(info, code)| harness.check_block(info, code))
                .unwrap_or_default(),
            Target::Properties => pick(PROPERTIES_INFOS)
                .map(|(info, code)| harness.check_block(info, code))
                .unwrap_or_default(),
            _ => {
                let Ok(text) = std::str::from_utf8(data) else {
                    return Vec::new();
                };
                match self {
                    Target::Recipe => harness.check_recipe(text),
                    Target::Notebook => harness.check_notebook(text),
                    _ => {
                        let parts = split_input(text, 3);
                        harness.check_values(parts[0], parts.get(1).copied(), parts.get(2).copied())
                    }
                }
            }
        }
    }
}

/// A recipe with front matter, a heading and `code` in one fenced block with info `info`.
pub fn fenced_recipe(info: &str, code: &str) -> String {
    let longest_run = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run.max(2) + 1);
    let info: String = info.chars().filter(|&c| c != '`' && c != '\n').collect();
    format!(
        "---\ntitle: Fuzz\n---\n\n# Fuzz\n\nRun this:\n\n{fence}{info}\n{code}\n{fence}\n\nDone.\n"
    )
}

/// Splits fuzz input into up to `n` parts at NUL characters (the last part keeps any further
/// NULs), so one input can carry several files.
pub fn split_input(text: &str, n: usize) -> Vec<&str> {
    text.splitn(n, '\0').collect()
}
