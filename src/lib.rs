//! spark-docs: a static-site generator and checker for the operations knowledge of teams that
//! run Apache Spark on Kubernetes. The pipeline runs one way:
//! `config → load → model → check → render → post → write`; `main.rs` is only the CLI.

pub mod check;
pub mod config;
pub mod diagnostics;
/// Entry points for the fuzz targets in `fuzz/`; not part of the supported API.
#[doc(hidden)]
pub mod fuzzing;
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
pub mod triage;
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
    /// The stages before writing.
    pub timings: Timings,
    /// Writing the output and swapping it into place.
    pub write_millis: u128,
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
pub fn check_site(
    opts: &BuildOptions,
    only: &[model::SourceKind],
) -> Result<(model::Site, Vec<Finding>), BuildError> {
    check_site_timed(opts, only).map(|(site, findings, _)| (site, findings))
}

/// [`check_site`] with the time its two stages took (`load`, `check`, `total`).
pub fn check_site_timed(
    opts: &BuildOptions,
    only: &[model::SourceKind],
) -> Result<(model::Site, Vec<Finding>, Timings), BuildError> {
    let started = Instant::now();
    let site = load_site(opts)?;
    let load = started.elapsed().as_millis();
    let mut findings = check::run(&site);
    check::retain_kinds(&site, &mut findings, only);
    let total = started.elapsed().as_millis();
    let timings = Timings {
        load,
        check: total - load,
        total,
        ..Timings::default()
    };
    Ok((site, findings, timings))
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
    let cat = model::spark_catalog::catalog();
    let links = model::properties::PropertyLinks::new(cat, &site.spark_lines(cat));
    use rayon::prelude::*;
    // Each page's pre-rewrite HTML is dropped as soon as it is rewritten.
    let rewritten: Vec<(String, Vec<u8>)> = pages
        .into_par_iter()
        .map(|page| {
            let props = post::Properties {
                links: &links,
                lines: &page.spark_lines,
            };
            let html = post::rewrite(&page.html, &base_path, Some(props))
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
pub fn render_site_wide(
    site: &model::Site,
    files: &mut render::Output,
) -> Result<Vec<Finding>, BuildError> {
    let mut added = render::Output::new();
    let (findings, _) = render_site_wide_timed(site, files, &mut added)?;
    files.extend(added);
    Ok(findings)
}

/// Milliseconds each site-wide output took; they are made at the same time, on two threads.
#[derive(Debug, Clone, Copy, Default)]
pub struct SiteWideTimings {
    pub search: u128,
    pub card: u128,
}

/// [`render_site_wide`] with the time of each output, leaving the rendered `files` alone (they
/// may be written to disk meanwhile) and putting the new outputs into `added`. The card does not
/// read the rendered files, so it is typeset on a thread of its own while the search index is
/// built.
#[cfg_attr(not(any(feature = "search", feature = "pdf")), allow(unused_variables))]
pub fn render_site_wide_timed(
    site: &model::Site,
    files: &render::Output,
    added: &mut render::Output,
) -> Result<(Vec<Finding>, SiteWideTimings), BuildError> {
    #[cfg_attr(not(feature = "pdf"), allow(unused_mut))]
    let mut findings = Vec::new();
    #[cfg_attr(not(any(feature = "search", feature = "pdf")), allow(unused_mut))]
    let mut timings = SiteWideTimings::default();
    std::thread::scope(|scope| -> Result<(), BuildError> {
        #[cfg(feature = "pdf")]
        let card = scope.spawn(|| {
            let t = Instant::now();
            let mut card_files = render::Output::new();
            let found = pdf::quickref(site, &mut card_files);
            (found, card_files, t.elapsed().as_millis())
        });
        #[cfg(feature = "search")]
        {
            let t = Instant::now();
            let indexed = search::index_into(site, files, added).map_err(render::ThemeError);
            timings.search = t.elapsed().as_millis();
            indexed?;
        }
        #[cfg(feature = "pdf")]
        {
            let (found, card_files, millis) = card
                .join()
                .map_err(|_| render::ThemeError("the quick-reference card panicked".into()))?;
            timings.card = millis;
            findings.extend(found?);
            added.extend(card_files);
        }
        #[cfg(not(feature = "pdf"))]
        let _ = scope;
        Ok(())
    })?;
    check::apply_settings(site, &mut findings);
    Ok((findings, timings))
}

/// What [`run`] does when the checks report errors, and when it makes the site-wide outputs.
/// `build` and `serve` differ only in this (Zola's `Site` with a build mode is the model).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mode {
    /// On content errors: stop before rendering, or render the site with its findings shown
    /// (the `/health/` page and per-page banners).
    pub on_errors: OnErrors,
    /// Make the search index and the card now, or leave them to the caller when the build is
    /// clean (`serve` makes them on another thread after the reload).
    pub site_wide: SiteWide,
}

/// See [`Mode::on_errors`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnErrors {
    /// Stop before rendering (`build`, `serve`'s rebuilds: the last good site stays up).
    Stop,
    /// Render anyway, findings always shown, errors or not (`build --keep-going`).
    KeepGoing,
    /// Render anyway, findings shown only when there are errors (`serve`'s first build: there
    /// is something to look at while the errors are fixed).
    Fallback,
}

/// See [`Mode::site_wide`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteWide {
    Now,
    /// Left to the caller ([`render_site_wide`]) when the checks found no error; a site
    /// rendered with its errors shown gets them now.
    DeferWhenClean,
}

/// Milliseconds spent in each stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    pub load: u128,
    pub check: u128,
    /// Pages and post-processing.
    pub render: u128,
    /// The search index and the quick-reference card (features `search`, `pdf`), when they
    /// were made as part of this build: wall time of both, made at the same time.
    pub site_wide: u128,
    /// Each of the two site-wide outputs on its own thread.
    pub site_wide_parts: SiteWideTimings,
    pub total: u128,
}

/// What [`run`] produced, before anything is written.
pub struct Staged {
    pub site: model::Site,
    /// The checks' findings, sorted.
    pub findings: Vec<Finding>,
    /// Whether the findings hold an error: the build fails.
    pub failed: bool,
    /// The rendered files; `None` when the errors stopped the build before rendering.
    pub output: Option<Result<render::Output, BuildError>>,
    /// The site-wide stage's findings (a card that had to drop entries warns).
    pub site_wide_findings: Vec<Finding>,
    /// Whether the site-wide outputs are still to be made (see [`SiteWide::DeferWhenClean`]).
    pub site_wide_pending: bool,
    pub timings: Timings,
}

/// The one orchestrator `build` and `serve` both call: load, check, decide whether the errors
/// stop the build, render, post-process, and make the site-wide outputs. Configuration errors
/// stop it (the `Err`); theme errors end up in `output`.
pub fn run(opts: &BuildOptions, mode: Mode) -> Result<Staged, BuildError> {
    let started = Instant::now();
    let mut timings = Timings::default();
    let site = load_site(opts)?;
    timings.load = started.elapsed().as_millis();
    let t = Instant::now();
    let mut findings = check::run(&site);
    diagnostics::sort(&mut findings);
    timings.check = t.elapsed().as_millis();
    let failed = findings.iter().any(|f| f.severity == Severity::Error);
    let mut staged = Staged {
        site,
        findings,
        failed,
        output: None,
        site_wide_findings: Vec::new(),
        site_wide_pending: false,
        timings,
    };
    if failed && mode.on_errors == OnErrors::Stop {
        staged.timings.total = started.elapsed().as_millis();
        return Ok(staged);
    }
    let t = Instant::now();
    let show_findings = match mode.on_errors {
        OnErrors::KeepGoing => true,
        OnErrors::Fallback => failed,
        OnErrors::Stop => false,
    };
    let rendered = render_pages(&staged.site, &staged.findings, show_findings);
    staged.timings.render = t.elapsed().as_millis();
    let defer = mode.site_wide == SiteWide::DeferWhenClean && !failed;
    staged.output = Some(match rendered {
        Ok(files) if defer => {
            staged.site_wide_pending = true;
            Ok(files)
        }
        Ok(mut files) => {
            let t = Instant::now();
            let mut added = render::Output::new();
            let site_wide = render_site_wide_timed(&staged.site, &files, &mut added);
            staged.timings.site_wide = t.elapsed().as_millis();
            site_wide.map(|(f, parts)| {
                staged.site_wide_findings = f;
                staged.timings.site_wide_parts = parts;
                files.extend(added);
                files
            })
        }
        Err(e) => Err(e),
    });
    staged.timings.total = started.elapsed().as_millis();
    Ok(staged)
}

/// The whole build: [`run`] (stopping on content errors unless `--keep-going`), then write
/// atomically. The pages go to disk while the search index and the card are made from them.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    let on_errors = if opts.keep_going {
        OnErrors::KeepGoing
    } else {
        OnErrors::Stop
    };
    let staged = run(
        opts,
        Mode {
            on_errors,
            site_wide: SiteWide::DeferWhenClean,
        },
    )?;
    let Staged {
        site,
        mut findings,
        failed,
        output,
        site_wide_findings,
        site_wide_pending,
        mut timings,
    } = staged;
    let root = site.config.root.clone();
    let Some(files) = output else {
        return Err(BuildError::Content {
            root,
            findings,
            written: None,
        });
    };
    let mut files = files?;
    findings.extend(site_wide_findings);
    let out = opts.out.clone().unwrap_or_else(|| root.join("public"));
    let writing = Instant::now();
    let staging = write::Staging::new(&out, &root, &site.config.source_dirs())?;
    if site_wide_pending {
        let t = Instant::now();
        let mut added = render::Output::new();
        let (written, site_wide) = std::thread::scope(|scope| {
            let writer = scope.spawn(|| staging.write(&files));
            let site_wide = render_site_wide_timed(&site, &files, &mut added);
            (writer.join(), site_wide)
        });
        let (site_wide_found, parts) = site_wide?;
        written.map_err(|_| write::WriteError::Panicked)??;
        timings.site_wide = t.elapsed().as_millis();
        timings.site_wide_parts = parts;
        findings.extend(site_wide_found);
        staging.write(&added)?;
        files.extend(added);
    } else {
        staging.write(&files)?;
    }
    staging.commit()?;
    // The writing the site-wide stage did not hide.
    let write_millis = writing
        .elapsed()
        .as_millis()
        .saturating_sub(timings.site_wide);
    timings.total = started.elapsed().as_millis();
    if failed {
        return Err(BuildError::Content {
            root,
            findings,
            written: Some(out),
        });
    }
    Ok(BuildReport {
        pages: files.keys().filter(|k| k.ends_with(".html")).count(),
        files: files.len(),
        out,
        root,
        findings,
        millis: started.elapsed().as_millis(),
        timings,
        write_millis,
    })
}
