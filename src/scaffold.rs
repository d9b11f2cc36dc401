//! Scaffolding: `spark-docs init` writes a new, buildable site; `spark-docs new recipe|issue|preset`
//! adds one source to an existing site from the theme's templates (`themes/<theme>/scaffold/`,
//! overridable file by file like the page templates), following the site's conventions: its
//! configured directories, troubleshooting sections, issue IDs and chart contracts.
//!
//! Every command refuses to overwrite a file, and checks what it wrote with the same rules as
//! `spark-docs check`, so the findings of a new file (a policy of the site that a new preset
//! does not satisfy yet, an issue no recipe links to yet) are reported at once.

use crate::check::codes::Code;
use crate::config::ConfigError;
use crate::diagnostics::Finding;
use crate::model::{self, Site, SourceKind};
use crate::render::templates::{embedded, tera_error_chain};
use crate::util::slug::slugify;
use crate::{BuildError, BuildOptions};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Why a scaffold command wrote nothing: always a usage or configuration error (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Arguments that do not fit the site: an unknown chart or issue, a file that exists.
    #[error("{0}")]
    Usage(String),
    /// A scaffold template that does not parse or render.
    #[error("{0}")]
    Template(String),
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl ScaffoldError {
    /// Process exit code: 2 (usage or configuration).
    pub fn exit_code(&self) -> i32 {
        2
    }
}

impl From<BuildError> for ScaffoldError {
    fn from(e: BuildError) -> Self {
        match e {
            BuildError::Config(c) => ScaffoldError::Config(c),
            other => ScaffoldError::Template(other.to_string()),
        }
    }
}

/// A file a scaffold command wrote.
#[derive(Debug, Clone)]
pub struct Created {
    /// Path relative to the site root, `/`-separated.
    pub rel: String,
    /// Site-absolute URL of the page it became (without the base path), when it is a page.
    pub url: Option<String>,
    /// The issue ID, when the file is an issue write-up.
    pub issue: Option<String>,
    /// Whether no page references that issue yet (`issue-orphan`).
    pub orphan: bool,
}

/// What a scaffold command did.
#[derive(Debug)]
pub struct Outcome {
    /// The site root.
    pub root: PathBuf,
    pub created: Vec<Created>,
    /// Findings of `check` in the created files (all of them pass when this is empty).
    pub findings: Vec<Finding>,
}

/// `owner/repo@v<version>` of the composite action the generated Pages workflow uses: the
/// `repository` in Cargo.toml at the release tag of this very version, so the workflow downloads
/// the same spark-docs release that wrote it (action.yml installs the release binary of its tag).
pub fn default_action() -> String {
    let repo = env!("CARGO_PKG_REPOSITORY");
    let path = repo
        .trim_end_matches('/')
        .trim_end_matches(".git")
        .strip_prefix("https://github.com/")
        .unwrap_or("example/spark-docs");
    format!("{path}@v{}", env!("CARGO_PKG_VERSION"))
}

// ---------------------------------------------------------------------------------------------
// Templates

/// The scaffold templates: the built-in ones, then the site's `themes/<theme>/scaffold/` files.
fn scaffold_files(
    site_theme_dir: Option<&Path>,
) -> Result<BTreeMap<String, Vec<u8>>, ScaffoldError> {
    let mut files: BTreeMap<String, Vec<u8>> = embedded::SCAFFOLD
        .iter()
        .map(|(n, b)| (n.to_string(), b.to_vec()))
        .collect();
    if let Some(dir) = site_theme_dir {
        let dir = dir.join("scaffold");
        if dir.is_dir() {
            for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
                let entry = entry.map_err(|e| {
                    ScaffoldError::Template(format!("cannot read {}: {e}", dir.display()))
                })?;
                if !entry.file_type().is_file() {
                    continue;
                }
                let rel = crate::load::rel_path(&dir, entry.path());
                let bytes = std::fs::read(entry.path()).map_err(|e| {
                    ScaffoldError::Template(format!("cannot read {}: {e}", entry.path().display()))
                })?;
                files.insert(rel, bytes);
            }
        }
    }
    Ok(files)
}

/// Renders one template with Tera (no HTML escaping: these are Markdown, YAML and TOML files).
fn render(
    files: &BTreeMap<String, Vec<u8>>,
    name: &str,
    context: &tera::Context,
) -> Result<String, ScaffoldError> {
    let bytes = files.get(name).ok_or_else(|| {
        ScaffoldError::Template(format!("the theme has no scaffold template `{name}`"))
    })?;
    let text = std::str::from_utf8(bytes)
        .map_err(|_| ScaffoldError::Template(format!("scaffold template {name} is not UTF-8")))?;
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![]);
    tera.add_raw_template(name, text).map_err(|e| {
        ScaffoldError::Template(format!(
            "scaffold template {name}: {}",
            tera_error_chain(&e)
        ))
    })?;
    let text = tera.render(name, context).map_err(|e| {
        ScaffoldError::Template(format!(
            "scaffold template {name}: {}",
            tera_error_chain(&e)
        ))
    })?;
    // Template tags leave blank lines at the end; a file ends with exactly one newline.
    Ok(format!("{}\n", text.trim_end()))
}

fn today() -> String {
    crate::util::date::build_date()
}

// ---------------------------------------------------------------------------------------------
// Writing

/// Root-relative paths among `rels` that already exist under `root`.
fn existing(root: &Path, rels: &[String]) -> Vec<String> {
    rels.iter()
        .filter(|rel| std::fs::symlink_metadata(root.join(rel)).is_ok())
        .cloned()
        .collect()
}

fn write_new(root: &Path, rel: &str, text: &str) -> Result<(), ScaffoldError> {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| ScaffoldError::Write {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    // `create_new`: never replace a file, even one created since the check above.
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|source| ScaffoldError::Write {
            path: path.clone(),
            source,
        })?;
    file.write_all(text.as_bytes())
        .map_err(|source| ScaffoldError::Write {
            path: path.clone(),
            source,
        })?;
    #[cfg(unix)]
    if rel.ends_with(".sh") {
        use std::os::unix::fs::PermissionsExt as _;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755));
    }
    Ok(())
}

/// Loads the site again and checks it; returns the findings in `rels` and the page URLs.
fn verify(opts: &BuildOptions, rels: &[String]) -> Result<Outcome, ScaffoldError> {
    let (site, mut findings) = crate::check_site(opts, &[])?;
    findings.retain(|f| rels.contains(&f.file));
    let created = rels
        .iter()
        .map(|rel| {
            let issue = site
                .issues
                .iter()
                .find(|i| &i.source.rel == rel)
                .map(|i| i.id.clone());
            let orphan = findings
                .iter()
                .any(|f| &f.file == rel && f.code == Code::IssueOrphan);
            Created {
                rel: rel.clone(),
                url: site.file_urls.get(rel).cloned(),
                issue,
                orphan,
            }
        })
        .collect();
    Ok(Outcome {
        root: site.config.root.clone(),
        created,
        findings,
    })
}

// ---------------------------------------------------------------------------------------------
// init

/// `spark-docs init`.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// Directory of the new site (created when missing).
    pub dir: PathBuf,
    /// Site title (default: "Spark on Kubernetes — Operations").
    pub title: Option<String>,
    /// `uses:` of the composite action in the Pages workflow (default: [`default_action`]).
    pub action: Option<String>,
}

/// Maps a template path under `init/` to the file it writes: `dot-github/…` → `.github/…`,
/// `x.tera` → `x` (rendered).
fn init_target(name: &str) -> (String, bool) {
    let rendered = name.ends_with(".tera");
    let name = name.strip_suffix(".tera").unwrap_or(name);
    let rel = name
        .split('/')
        .map(|seg| match seg.strip_prefix("dot-") {
            Some(rest) => format!(".{rest}"),
            None => seg.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/");
    (rel, rendered)
}

/// Writes a new site into `opts.dir`: site.toml, the content and presets layout with one sample
/// of each kind (recipes, an issue, a chart contract with a preset, policies, a notebook, a
/// script) and the GitHub Pages workflow. Writes nothing when any of these files exists.
pub fn init(opts: &InitOptions) -> Result<Outcome, ScaffoldError> {
    let files = scaffold_files(None)?;
    let mut context = tera::Context::new();
    context.insert(
        "title",
        opts.title
            .as_deref()
            .unwrap_or("Spark on Kubernetes — Operations"),
    );
    context.insert(
        "action",
        &opts.action.clone().unwrap_or_else(default_action),
    );
    context.insert("date", &today());
    let mut out: Vec<(String, String)> = Vec::new();
    for (name, bytes) in &files {
        let Some(inner) = name.strip_prefix("init/") else {
            continue;
        };
        let (rel, rendered) = init_target(inner);
        let text = if rendered {
            render(&files, name, &context)?
        } else {
            String::from_utf8(bytes.clone()).map_err(|_| {
                ScaffoldError::Template(format!("scaffold file {name} is not UTF-8"))
            })?
        };
        out.push((rel, text));
    }
    if let Ok(meta) = std::fs::metadata(&opts.dir) {
        if !meta.is_dir() {
            return Err(ScaffoldError::Usage(format!(
                "{} exists and is not a directory",
                opts.dir.display()
            )));
        }
    }
    let rels: Vec<String> = out.iter().map(|(r, _)| r.clone()).collect();
    let clash = existing(&opts.dir, &rels);
    if !clash.is_empty() {
        return Err(ScaffoldError::Usage(format!(
            "refusing to overwrite existing files in {}: {} (nothing was written)",
            opts.dir.display(),
            clash.join(", ")
        )));
    }
    std::fs::create_dir_all(&opts.dir).map_err(|source| ScaffoldError::Write {
        path: opts.dir.clone(),
        source,
    })?;
    let root = opts
        .dir
        .canonicalize()
        .map_err(|source| ScaffoldError::Write {
            path: opts.dir.clone(),
            source,
        })?;
    for (rel, text) in &out {
        write_new(&root, rel, text)?;
    }
    let build = BuildOptions {
        root,
        ..Default::default()
    };
    verify(&build, &rels)
}

// ---------------------------------------------------------------------------------------------
// new: shared

/// The loaded site a `new` command adds to, and its templates.
struct Target {
    opts: BuildOptions,
    site: Site,
    files: BTreeMap<String, Vec<u8>>,
}

impl Target {
    fn load(opts: &BuildOptions) -> Result<Target, ScaffoldError> {
        let site = crate::load_site(opts)?;
        let theme_dir = site
            .config
            .root
            .join("themes")
            .join(&site.config.site.theme);
        let files = scaffold_files(Some(&theme_dir))?;
        Ok(Target {
            opts: opts.clone(),
            site,
            files,
        })
    }

    fn root(&self) -> &Path {
        &self.site.config.root
    }

    /// A configured source directory, relative to the root, `/`-separated, no trailing `/`.
    fn source_dir(&self, kind: SourceKind) -> Result<String, ScaffoldError> {
        let dir = kind.dir(&self.site.config.site.sources).ok_or_else(|| {
            ScaffoldError::Usage(format!(
                "{} sets no `[sources] {}`: add a directory for them first",
                self.site.config.file.display(),
                kind.key()
            ))
        })?;
        Ok(model::kind::normalize_dir(dir).to_string())
    }

    /// Spark versions of the site's charts (`4.1.0` → `4.1`), distinct and sorted.
    fn spark_versions(&self) -> Vec<String> {
        let set: BTreeSet<String> = self
            .site
            .charts
            .iter()
            .map(|c| model::spark_minor(&c.app_version))
            .filter(|v| !v.is_empty())
            .collect();
        set.into_iter().collect()
    }

    fn refuse_existing(&self, rels: &[String]) -> Result<(), ScaffoldError> {
        let clash = existing(self.root(), rels);
        if clash.is_empty() {
            Ok(())
        } else {
            Err(ScaffoldError::Usage(format!(
                "refusing to overwrite {} (nothing was written)",
                clash.join(", ")
            )))
        }
    }
}

fn join_rel(dir: &str, rest: &str) -> String {
    if dir.is_empty() {
        rest.to_string()
    } else {
        format!("{dir}/{rest}")
    }
}

/// `troubleshoot/driver-oom` (or `troubleshoot/driver-oom.md`) → (category, slug), slugified.
fn parse_recipe_path(path: &str) -> Result<(String, String), ScaffoldError> {
    let trimmed = path.trim().trim_matches('/');
    let trimmed = trimmed
        .strip_suffix(".md")
        .or_else(|| trimmed.strip_suffix(".markdown"))
        .unwrap_or(trimmed);
    let parts: Vec<&str> = trimmed.split('/').collect();
    let bad = || {
        ScaffoldError::Usage(format!(
            "`{path}`: expected <category>/<slug>, e.g. troubleshoot/driver-oom"
        ))
    };
    if parts.len() != 2 {
        return Err(bad());
    }
    let (category, slug) = (slugify(parts[0]), slugify(parts[1]));
    if category.is_empty() || slug.is_empty() {
        return Err(bad());
    }
    Ok((category, slug))
}

/// `driver-oom` → `Driver oom`.
fn title_from_slug(slug: &str) -> String {
    let words = slug.replace(['-', '_'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

fn normalize_issue_id(id: &str) -> Result<String, ScaffoldError> {
    let id = id.trim().to_ascii_uppercase();
    let ok = id
        .strip_prefix("ISSUE-")
        .is_some_and(|n| !n.is_empty() && n.len() <= 6 && n.chars().all(|c| c.is_ascii_digit()));
    if ok {
        Ok(id)
    } else {
        Err(ScaffoldError::Usage(format!(
            "`{id}` is not an issue ID: write ISSUE- followed by digits, e.g. ISSUE-042"
        )))
    }
}

// ---------------------------------------------------------------------------------------------
// new recipe

/// `spark-docs new recipe`.
#[derive(Debug, Clone, Default)]
pub struct NewRecipe {
    /// `<category>/<slug>`, e.g. `troubleshoot/driver-oom`.
    pub path: String,
    /// Issues the recipe covers (front matter `issues:`); each must exist.
    pub issues: Vec<String>,
    pub title: Option<String>,
}

/// Validated plan of a recipe, before anything is written.
struct RecipePlan {
    rel: String,
    category: String,
    slug: String,
}

fn plan_recipe(t: &Target, path: &str) -> Result<RecipePlan, ScaffoldError> {
    let dir = t.source_dir(SourceKind::Recipes)?;
    let (category, slug) = parse_recipe_path(path)?;
    let rel = join_rel(&dir, &format!("{category}/{slug}.md"));
    t.refuse_existing(std::slice::from_ref(&rel))?;
    if let Some(r) = t
        .site
        .recipes
        .iter()
        .find(|r| r.category == category && r.slug == slug)
    {
        return Err(ScaffoldError::Usage(format!(
            "{} already has the URL /recipes/{category}/{slug}/ (nothing was written)",
            r.source.rel
        )));
    }
    Ok(RecipePlan {
        rel,
        category,
        slug,
    })
}

fn write_recipe(t: &Target, plan: &RecipePlan, req: &NewRecipe) -> Result<(), ScaffoldError> {
    let mut issues = Vec::new();
    let mut issue_ids: Vec<String> = Vec::new();
    let mut spark: Vec<String> = Vec::new();
    for raw in &req.issues {
        let id = normalize_issue_id(raw)?;
        let Some(&i) = t.site.issue_index.get(&id) else {
            return Err(ScaffoldError::Usage(format!(
                "{id} does not exist: no file in the issues directory declares it; create it \
                 first with `spark-docs new issue --id {id} \"<title>\"` (nothing was written)"
            )));
        };
        let issue = &t.site.issues[i];
        if !issue_ids.contains(&id) {
            issue_ids.push(id.clone());
            let mut m = serde_json::Map::new();
            m.insert("id".into(), id.clone().into());
            m.insert("title".into(), issue.title.clone().into());
            issues.push(serde_json::Value::Object(m));
            for v in &issue.spark {
                if !spark.contains(v) {
                    spark.push(v.clone());
                }
            }
        }
    }
    if spark.is_empty() {
        spark = t.spark_versions();
    }
    let cfg = &t.site.config.site.check;
    let troubleshooting = cfg
        .troubleshooting_categories
        .iter()
        .any(|c| c == &plan.category);
    let own = [
        "symptoms",
        "diagnosis",
        "solution",
        "verification",
        "references",
    ];
    let extra_sections: Vec<&String> = cfg
        .troubleshooting_sections
        .iter()
        .filter(|s| !own.iter().any(|o| o.starts_with(&s.to_ascii_lowercase())))
        .collect();
    let mut context = tera::Context::new();
    context.insert(
        "title",
        &req.title
            .clone()
            .unwrap_or_else(|| title_from_slug(&plan.slug)),
    );
    context.insert("category", &plan.category);
    context.insert("slug", &plan.slug);
    context.insert("issues", &issues);
    context.insert("issue_ids", &issue_ids);
    context.insert("spark", &spark);
    context.insert("extra_sections", &extra_sections);
    context.insert("date", &today());
    let template = if troubleshooting {
        "recipe-troubleshoot.md"
    } else {
        "recipe.md"
    };
    let text = render(&t.files, template, &context)?;
    write_new(t.root(), &plan.rel, &text)
}

/// Writes `<recipes>/<category>/<slug>.md` from the theme's `recipe.md` (or
/// `recipe-troubleshoot.md` for the site's troubleshooting categories).
pub fn new_recipe(opts: &BuildOptions, req: &NewRecipe) -> Result<Outcome, ScaffoldError> {
    let t = Target::load(opts)?;
    let plan = plan_recipe(&t, &req.path)?;
    write_recipe(&t, &plan, req)?;
    verify(&t.opts, &[plan.rel])
}

// ---------------------------------------------------------------------------------------------
// new issue

/// `spark-docs new issue`.
#[derive(Debug, Clone, Default)]
pub struct NewIssue {
    pub title: String,
    /// `ISSUE-NNN`; default: one more than the highest ID of the site.
    pub id: Option<String>,
    /// Also write a recipe `<category>/<slug>` that covers the new issue.
    pub recipe: Option<String>,
}

/// The next free ID: one more than the highest, as wide as the widest (at least 3 digits).
pub fn next_issue_id(site: &Site) -> String {
    let mut max = 0u64;
    let mut width = 3;
    for id in site.issue_index.keys() {
        if let Some(n) = id.strip_prefix("ISSUE-") {
            width = width.max(n.len());
            max = max.max(n.parse().unwrap_or(0));
        }
    }
    format!("ISSUE-{:0width$}", max + 1)
}

/// File name of an issue: `ISSUE-NNN-<title slug>.md`, the slug cut at a word near 50 chars.
fn issue_file_name(id: &str, title: &str) -> String {
    let mut slug = String::new();
    for word in slugify(title).split('-').filter(|w| !w.is_empty()) {
        if !slug.is_empty() && slug.len() + word.len() >= 50 {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(word);
    }
    if slug.is_empty() {
        format!("{id}.md")
    } else {
        format!("{id}-{slug}.md")
    }
}

/// Writes `<issues>/ISSUE-NNN-<slug>.md` from the theme's `issue.md`, and with `recipe` a
/// recipe that covers it (so the issue is linked, not an orphan).
pub fn new_issue(opts: &BuildOptions, req: &NewIssue) -> Result<Outcome, ScaffoldError> {
    let t = Target::load(opts)?;
    let dir = t.source_dir(SourceKind::Issues)?;
    let title = req.title.trim();
    if title.is_empty() {
        return Err(ScaffoldError::Usage(
            "the issue needs a title: spark-docs new issue \"<title>\"".into(),
        ));
    }
    let id = match &req.id {
        Some(id) => normalize_issue_id(id)?,
        None => next_issue_id(&t.site),
    };
    if let Some(&i) = t.site.issue_index.get(&id) {
        return Err(ScaffoldError::Usage(format!(
            "{id} already exists: {} (nothing was written)",
            t.site.issues[i].source.rel
        )));
    }
    let rel = join_rel(&dir, &issue_file_name(&id, title));
    t.refuse_existing(std::slice::from_ref(&rel))?;
    let recipe_plan = match &req.recipe {
        Some(path) => Some(plan_recipe(&t, path)?),
        None => None,
    };
    let mut context = tera::Context::new();
    context.insert("id", &id);
    context.insert("title", title);
    context.insert("spark", &t.spark_versions());
    context.insert("date", &today());
    let text = render(&t.files, "issue.md", &context)?;
    write_new(t.root(), &rel, &text)?;
    let mut rels = vec![rel];
    if let Some(plan) = recipe_plan {
        // Reload, so the recipe sees the new issue (its title and Spark versions).
        let t = Target::load(opts)?;
        let recipe = NewRecipe {
            path: req.recipe.clone().unwrap_or_default(),
            issues: vec![id.clone()],
            title: Some(title.to_string()),
        };
        write_recipe(&t, &plan, &recipe)?;
        rels.push(plan.rel);
    }
    verify(opts, &rels)
}

// ---------------------------------------------------------------------------------------------
// new preset

/// `spark-docs new preset`.
#[derive(Debug, Clone, Default)]
pub struct NewPreset {
    /// The chart: its name (Chart.yaml), its directory, or a `[chart_paths]` key.
    pub chart: String,
    /// Scenario name: the file becomes `values-scenario-<scenario>.yaml`.
    pub scenario: String,
    /// Directory (relative to the root) to write to; default: beside the chart's presets.
    pub dir: Option<String>,
    pub title: Option<String>,
}

fn find_chart(site: &Site, wanted: &str) -> Result<usize, ScaffoldError> {
    let w = wanted.trim().trim_end_matches('/');
    let mapped = site.config.site.chart_paths.get(w).map(|to| {
        to.trim_start_matches("./")
            .trim_end_matches('/')
            .to_string()
    });
    let found = site
        .charts
        .iter()
        .position(|c| c.name == w)
        .or_else(|| site.charts.iter().position(|c| c.rel == w))
        .or_else(|| {
            mapped
                .as_deref()
                .and_then(|m| site.charts.iter().position(|c| c.rel == m))
        });
    found.ok_or_else(|| {
        if site.charts.is_empty() {
            ScaffoldError::Usage(format!(
                "no chart `{wanted}`: the site has no chart contracts; add one (a directory with \
                 Chart.yaml, values.yaml and values.schema.json) to `[sources] charts`"
            ))
        } else {
            let names: Vec<String> = site
                .charts
                .iter()
                .map(|c| format!("{} ({})", c.name, c.rel))
                .collect();
            ScaffoldError::Usage(format!(
                "no chart `{wanted}`; the site's charts are: {}",
                names.join(", ")
            ))
        }
    })
}

/// A YAML mapping key as it can be written in a block mapping.
fn yaml_key(key: &str) -> String {
    let plain = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !matches!(
            key.to_ascii_lowercase().as_str(),
            "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null"
        );
    if plain {
        key.to_string()
    } else {
        serde_json::Value::from(key).to_string()
    }
}

/// Writes `values-scenario-<scenario>.yaml` from the theme's `preset.yaml`: in the directory of
/// the chart's existing presets (else the chart directory), with the chart's components and
/// their `enabled` defaults from its values.yaml, so it validates against the chart contract.
pub fn new_preset(opts: &BuildOptions, req: &NewPreset) -> Result<Outcome, ScaffoldError> {
    let t = Target::load(opts)?;
    let site = &t.site;
    let ci = find_chart(site, &req.chart)?;
    let chart = &site.charts[ci];
    let scenario = req.scenario.trim();
    let scenario = scenario
        .strip_suffix(".yaml")
        .or_else(|| scenario.strip_suffix(".yml"))
        .unwrap_or(scenario);
    let scenario = slugify(
        scenario
            .strip_prefix("values-scenario-")
            .unwrap_or(scenario),
    );
    if scenario.is_empty() {
        return Err(ScaffoldError::Usage(format!(
            "`{}` is not a scenario name: use words such as jupyter-connect-k8s",
            req.scenario
        )));
    }
    let file_name = format!("values-scenario-{scenario}.yaml");
    let globs = &site.config.globs.presets;
    let mut candidates: Vec<String> = Vec::new();
    match &req.dir {
        Some(d) => {
            let d = d.trim_start_matches("./").trim_end_matches('/');
            if d.starts_with('/') || d.contains('\\') || d.split('/').any(|seg| seg == "..") {
                return Err(ScaffoldError::Usage(format!(
                    "--dir {d}: give a directory inside the site, relative to its root"
                )));
            }
            candidates.push(d.to_string())
        }
        None => {
            let mut dirs: Vec<&str> = site
                .presets
                .iter()
                .zip(&site.preset_chart)
                .filter(|(_, c)| **c == Some(ci))
                .filter_map(|(p, _)| p.source.rel.rsplit_once('/').map(|(d, _)| d))
                .collect();
            dirs.sort();
            candidates.extend(dirs.first().map(|d| d.to_string()));
            candidates.push(chart.rel.clone());
        }
    }
    let rel = candidates
        .iter()
        .map(|d| join_rel(d, &file_name))
        .find(|rel| globs.is_match(rel))
        .ok_or_else(|| {
            let tried = join_rel(&candidates[0], &file_name);
            ScaffoldError::Usage(format!(
                "{tried} would not be a preset: no `[sources] presets` glob of {} matches it \
                 ({}); pass --dir with a directory the globs cover",
                site.config.file.display(),
                site.config.site.sources.presets.join(", ")
            ))
        })?;
    t.refuse_existing(std::slice::from_ref(&rel))?;
    // The chart the preset resolves to from where it is (nearest Chart.yaml, else the name of
    // its directory), so the `# chart:` comment is written only when the location says nothing.
    let root = t.root().to_path_buf();
    let path = root.join(&rel);
    let mut nearest = None;
    let mut dir = path.parent();
    while let Some(d) = dir {
        if !d.starts_with(&root) {
            break;
        }
        if d.join("Chart.yaml").is_file() {
            nearest = Some(d.to_path_buf());
            break;
        }
        if d == root {
            break;
        }
        dir = d.parent();
    }
    let chart_hint = match &nearest {
        Some(d) if *d == chart.dir => false,
        Some(d) => {
            return Err(ScaffoldError::Usage(format!(
                "{rel} would belong to the chart in {}, not to {}: pass --dir outside that chart",
                crate::load::rel_path(&root, d),
                chart.name
            )))
        }
        None => {
            let parent = rel.rsplit('/').nth(1).unwrap_or("");
            parent != chart.name
        }
    };
    let mut components = Vec::new();
    if let Some(serde_yaml_ng::Value::Mapping(values)) = &chart.values {
        for (k, v) in values {
            let (Some(key), serde_yaml_ng::Value::Mapping(inner)) = (k.as_str(), v) else {
                continue;
            };
            if let Some(serde_yaml_ng::Value::Bool(enabled)) = inner.get("enabled") {
                let mut m = serde_json::Map::new();
                m.insert("key".into(), yaml_key(key).into());
                m.insert("enabled".into(), (*enabled).into());
                components.push(serde_json::Value::Object(m));
            }
        }
    }
    let values_file = chart
        .values_file
        .as_ref()
        .map(|f| f.rel.clone())
        .unwrap_or_else(|| join_rel(&chart.rel, "values.yaml"));
    let mut context = tera::Context::new();
    context.insert(
        "title",
        &req.title
            .clone()
            .unwrap_or_else(|| title_from_slug(&scenario)),
    );
    context.insert("scenario", &scenario);
    context.insert("chart", &chart.name);
    context.insert("chart_version", &chart.version);
    context.insert("app_version", &chart.app_version);
    context.insert("chart_path", &site.chart_command_path(ci));
    context.insert("chart_hint", &chart_hint);
    context.insert("file", &rel);
    context.insert("values_file", &values_file);
    context.insert("components", &components);
    context.insert("date", &today());
    let text = render(&t.files, "preset.yaml", &context)?;
    write_new(&root, &rel, &text)?;
    verify(&t.opts, &[rel])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_targets() {
        assert_eq!(
            init_target("dot-github/workflows/pages.yml.tera"),
            (".github/workflows/pages.yml".to_string(), true)
        );
        assert_eq!(
            init_target("content/scripts/a.sh"),
            ("content/scripts/a.sh".to_string(), false)
        );
    }

    #[test]
    fn recipe_paths() {
        assert_eq!(
            parse_recipe_path("troubleshoot/Driver OOM.md").unwrap(),
            ("troubleshoot".into(), "driver-oom".into())
        );
        assert!(parse_recipe_path("driver-oom").is_err());
        assert!(parse_recipe_path("a/b/c").is_err());
        assert!(parse_recipe_path("a/--").is_err());
    }

    #[test]
    fn issue_ids_and_files() {
        assert_eq!(normalize_issue_id("issue-42").unwrap(), "ISSUE-42");
        assert!(normalize_issue_id("ISSUE-").is_err());
        assert!(normalize_issue_id("BUG-1").is_err());
        assert_eq!(
            issue_file_name("ISSUE-007", "Executors can't reach the driver: DNS!"),
            "ISSUE-007-executors-can-t-reach-the-driver-dns.md"
        );
        assert_eq!(issue_file_name("ISSUE-007", "!!!"), "ISSUE-007.md");
    }

    #[test]
    fn yaml_keys() {
        assert_eq!(yaml_key("spark-base"), "spark-base");
        assert_eq!(yaml_key("on"), "\"on\"");
        assert_eq!(yaml_key("a b"), "\"a b\"");
    }

    #[test]
    fn default_action_is_a_github_ref() {
        let a = default_action();
        assert!(
            a.ends_with(&format!("/spark-docs@v{}", env!("CARGO_PKG_VERSION"))),
            "{a}"
        );
        assert!(!a.contains("://"), "{a}");
    }
}
