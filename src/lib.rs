//! spark-docs: a static-site generator and checker for the operations knowledge of teams that
//! run Apache Spark on Kubernetes. The pipeline runs one way:
//! `config → load → model → check → render → post → write`; `main.rs` is only the CLI.

pub mod check;
pub mod config;
pub mod diagnostics;
pub mod load;
pub mod memo;
pub mod model;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod post;
pub mod render;
pub mod scaffold;
#[cfg(feature = "search")]
pub mod search;
#[cfg(feature = "serve")]
pub mod serve;
pub mod util;
pub mod write;

use config::{Config, ConfigError};
use diagnostics::{Finding, Severity};
use std::path::PathBuf;
use std::time::Instant;

/// What to build and where.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub config: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub base_url: Option<String>,
    /// Write the site even when checks report errors, with a `/health/` page and per-page
    /// banners listing the findings (the build still fails with exit code 1).
    pub keep_going: bool,
}

/// Why a build did not produce a site.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Bad site.toml or theme: exit code 2.
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Theme(#[from] render::ThemeError),
    /// Content errors: exit code 1. The findings include warnings too.
    #[error("the content has {} error(s)", .findings.iter().filter(|f| f.severity == Severity::Error).count())]
    Content {
        root: PathBuf,
        findings: Vec<Finding>,
        /// Where the site was written anyway (`--keep-going`), if it was.
        written: Option<PathBuf>,
    },
    #[error(transparent)]
    Write(#[from] write::WriteError),
}

impl BuildError {
    /// Process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            BuildError::Content { .. } => 1,
            BuildError::Config(_) | BuildError::Theme(_) | BuildError::Write(_) => 2,
        }
    }
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    pub out: PathBuf,
    pub root: PathBuf,
    pub pages: usize,
    pub files: usize,
    pub findings: Vec<Finding>,
    pub millis: u128,
}

/// Loads and links the site: the model every later stage reads.
pub fn load_site(opts: &BuildOptions) -> Result<model::Site, BuildError> {
    let config = Config::load(&opts.root, opts.config.as_deref(), opts.base_url.as_deref())?;
    let loaded = load::load_all(&config);
    Ok(model::Site::new(config, loaded))
}

/// Loads the site and runs every check: what `spark-docs check` reports, restricted to the
/// findings in files of the given kinds (`check --only`; all when empty). Every rule still
/// runs, since a preset's findings depend on its chart and the policies.
pub fn check_site_kinds(
    opts: &BuildOptions,
    only: &[check::SourceKind],
) -> Result<(PathBuf, Vec<Finding>), BuildError> {
    let site = load_site(opts)?;
    let mut findings = check::run(&site);
    check::retain_kinds(&site, &mut findings, only);
    Ok((site.config.root.clone(), findings))
}

/// Renders a loaded site's pages into the in-memory output (pages post-processed, plus raw and
/// static files). Preset pages show their policy results from `findings`; `show_findings` adds
/// the health page and per-page banners (`--keep-going`).
pub fn render_pages(
    site: &model::Site,
    findings: &[Finding],
    show_findings: bool,
) -> Result<render::Output, BuildError> {
    let theme = render::Theme::load(&site.config)?;
    let (pages, mut files) = render::render_site(site, &theme, findings, show_findings)?;
    let base_path = site.config.base_path();
    use rayon::prelude::*;
    let rewritten: Vec<(String, Vec<u8>)> = pages
        .par_iter()
        .map(|page| {
            let html = post::rewrite(&page.html, &base_path)
                .map_err(|e| render::ThemeError(format!("post-processing {}: {e}", page.url)))?;
            Ok((render::output_path(&page.url), html.into_bytes()))
        })
        .collect::<Result<_, render::ThemeError>>()?;
    files.extend(rewritten);
    Ok(files)
}

/// Adds the outputs made from the whole rendered site: the search index (feature `search`) and
/// the quick-reference card PDF (feature `pdf`). Returns the card's findings (a card that had to
/// drop entries warns).
#[cfg_attr(not(any(feature = "search", feature = "pdf")), allow(unused_variables))]
pub fn render_site_wide(
    site: &model::Site,
    files: &mut render::Output,
) -> Result<Vec<Finding>, BuildError> {
    #[cfg_attr(not(feature = "pdf"), allow(unused_mut))]
    let mut findings = Vec::new();
    #[cfg(feature = "search")]
    search::index(site, files).map_err(render::ThemeError)?;
    #[cfg(feature = "pdf")]
    findings.extend(pdf::quickref(site, files)?);
    Ok(findings)
}

/// The whole build: load, link, (fail on content errors), render, post-process, write atomically.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    let site = load_site(opts)?;
    let mut findings = check::run(&site);
    let failed = findings.iter().any(|f| f.severity == Severity::Error);
    if failed && !opts.keep_going {
        return Err(BuildError::Content {
            root: site.config.root.clone(),
            findings,
            written: None,
        });
    }
    let mut files = render_pages(&site, &findings, opts.keep_going)?;
    findings.extend(render_site_wide(&site, &mut files)?);
    let out = opts
        .out
        .clone()
        .unwrap_or_else(|| site.config.root.join("public"));
    write::write_atomic(&out, &site.config.root, &files)?;
    if failed {
        return Err(BuildError::Content {
            root: site.config.root.clone(),
            findings,
            written: Some(out),
        });
    }
    Ok(BuildReport {
        pages: files.keys().filter(|k| k.ends_with(".html")).count(),
        files: files.len(),
        out,
        root: site.config.root.clone(),
        findings,
        millis: started.elapsed().as_millis(),
    })
}
