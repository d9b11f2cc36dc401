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
use std::sync::Arc;
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
    memo::next_rebuild();
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
    let (files, _) = render_pages_into(site, findings, show_findings, &|_, _, _| {}, None)?;
    Ok(files)
}

/// [`render_pages`] that hands each content page, post-processed, to `on_content` (with its
/// position in [`model::Site::all_pages`]) as soon as it is rendered, and with a `staging` writes
/// it there at once instead of keeping it: pages stream to disk while the rest renders. Returns
/// the files kept and how many pages were streamed.
fn render_pages_into(
    site: &model::Site,
    findings: &[Finding],
    show_findings: bool,
    on_content: &(dyn Fn(usize, model::PageRef, &str) + Sync),
    staging: Option<&write::Staging>,
) -> Rendered {
    let theme = render::Theme::load(&site.config)?;
    let base_path = site.config.base_path();
    let cat = model::spark_catalog::catalog();
    let spark_lines = site.spark_lines(cat);
    // The same lines link the same way on every rebuild (~8 ms to build for the default site).
    static LINKS: memo::Memo<Vec<String>, Arc<model::properties::PropertyLinks>> =
        memo::Memo::new(4);
    let links = LINKS.get_or_insert_with(spark_lines.clone(), || {
        Arc::new(model::properties::PropertyLinks::new(cat, &spark_lines))
    });
    // Where property names link to depends on every line the site targets.
    let site_lines = spark_lines.join("\n");
    // Pages post-processed by content (`serve` rebuilds only); both caches keep what this render
    // and the one before used.
    static POSTED: memo::PageCache = memo::PageCache::new();
    let post = |page: &render::Page| -> Result<String, render::ThemeError> {
        let props = post::Properties {
            links: &links,
            lines: &page.spark_lines,
        };
        let key = memo::caching_pages().then(|| {
            let lines = page.spark_lines.join("\n");
            memo::fingerprint(&[
                page.html.as_bytes(),
                base_path.as_bytes(),
                lines.as_bytes(),
                site_lines.as_bytes(),
            ])
        });
        POSTED
            .get_or_try_insert(key, || post::rewrite(&page.html, &base_path, Some(props)))
            .map(|html| html.to_string())
            .map_err(|e| render::ThemeError(format!("post-processing {}: {e}", page.url)))
    };
    let streamed = std::sync::atomic::AtomicUsize::new(0);
    let finish = |position: usize, r: model::PageRef, page: render::Page| {
        let html = post(&page)?;
        let path = render::output_path(&page.url);
        drop(page);
        on_content(position, r, &html);
        match staging {
            Some(staging) => {
                staging.write_file(&path, html.as_bytes())?;
                streamed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                Ok(None)
            }
            None => Ok(Some((path, html.into_bytes()))),
        }
    };
    let (pages, mut files) =
        render::render_site::<BuildError>(site, &theme, findings, show_findings, &finish)?;
    use rayon::prelude::*;
    // Each page's pre-rewrite HTML is dropped as soon as it is rewritten.
    let rewritten: Vec<(String, Vec<u8>)> = pages
        .into_par_iter()
        .map(|page| {
            let html = post(&page)?;
            Ok((render::output_path(&page.url), html.into_bytes()))
        })
        .collect::<Result<_, render::ThemeError>>()?;
    files.extend(rewritten);
    Ok((files, streamed.into_inner()))
}

/// Adds the outputs made from the whole rendered site: the search index (feature `search`) and
/// the quick-reference card PDF (feature `pdf`), made at the same time on two threads. Returns
/// the card's findings (a card that had to drop entries warns). `serve` calls this after the
/// reload; `build` makes both while it renders (see [`run`]).
#[cfg_attr(not(any(feature = "search", feature = "pdf")), allow(unused_variables))]
pub fn render_site_wide(
    site: &model::Site,
    files: &mut render::Output,
) -> Result<Vec<Finding>, BuildError> {
    #[cfg_attr(not(feature = "search"), allow(unused_mut))]
    let mut added = render::Output::new();
    let (indexed, card) = beside_card(site, || -> Result<(), BuildError> {
        #[cfg(feature = "search")]
        search::index_into(site, files, &mut added).map_err(render::ThemeError)?;
        Ok(())
    });
    indexed?;
    let (card_files, findings, _) = card?;
    files.extend(added);
    files.extend(card_files);
    Ok(findings)
}

/// What the card made: its files, its findings (`[check]` settings applied) and how long it
/// took (0 without the `pdf` feature).
type CardDone = (render::Output, Vec<Finding>, u128);

/// Runs `work` while the quick-reference card is typeset on a thread of its own (the card does
/// not read the pages). Typst's own parallel work runs in a pool of its own: queued behind the
/// pages in the shared one, a 2-page card waited for the whole render (seconds on a large site).
fn beside_card<R: Send>(
    site: &model::Site,
    work: impl FnOnce() -> R + Send,
) -> (R, Result<CardDone, BuildError>) {
    #[cfg(feature = "pdf")]
    {
        std::thread::scope(|scope| {
            let card = scope.spawn(|| {
                let t = Instant::now();
                let mut files = render::Output::new();
                let found = own_pool(1, || pdf::quickref(site, &mut files));
                (found, files, t.elapsed().as_millis())
            });
            let done = work();
            let card = card
                .join()
                .map_err(|_| render::ThemeError("the quick-reference card panicked".into()))
                .and_then(|(found, files, millis)| {
                    let mut found = found?;
                    check::apply_settings(site, &mut found);
                    Ok((files, found, millis))
                })
                .map_err(BuildError::from);
            (done, card)
        })
    }
    #[cfg(not(feature = "pdf"))]
    {
        let _ = site;
        (work(), Ok((render::Output::new(), Vec::new(), 0)))
    }
}

/// Runs `work` with its rayon jobs in a pool of `threads` threads of its own (in the shared pool
/// when one cannot be made), so work started beside the page rendering does not queue behind it.
#[cfg_attr(not(any(feature = "search", feature = "pdf")), allow(dead_code))]
pub(crate) fn own_pool<T: Send>(threads: usize, work: impl FnOnce() -> T + Send) -> T {
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}

/// Milliseconds each site-wide output took, each on its own thread from the start of rendering
/// (the search index is fed pages as they are rendered).
#[derive(Debug, Clone, Copy, Default)]
pub struct SiteWideTimings {
    pub search: u128,
    pub card: u128,
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
    /// Pages and post-processing (the search index is fed meanwhile).
    pub render: u128,
    /// The search index and the quick-reference card (features `search`, `pdf`), when they
    /// were made as part of this build: what was left of them after rendering, wall time.
    pub site_wide: u128,
    /// Each of the two site-wide outputs on its own thread, from the start of rendering.
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
    /// The rendered files; `None` when the errors stopped the build before rendering. Pages
    /// streamed to disk (see [`build`]) are not in it.
    pub output: Option<Result<render::Output, BuildError>>,
    /// How many content pages were written to disk as they were rendered.
    pub streamed: usize,
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
    run_into(opts, mode, |_| Ok(None)).map(|(staged, _)| staged)
}

/// [`run`] that, once the checks let the build go on, may open a [`write::Staging`] (`build`):
/// the content pages are then written into it as they are rendered instead of being kept in
/// [`Staged::output`].
///
/// When the site-wide outputs are made now, they are made while the pages render: the card is
/// typeset on a thread of its own (it does not read the pages) and the search index is fed each
/// page as soon as it is post-processed (Pagefind indexes one page at a time, on its own thread).
fn run_into(
    opts: &BuildOptions,
    mode: Mode,
    open: impl FnOnce(&model::Site) -> Result<Option<write::Staging>, BuildError>,
) -> Result<(Staged, Option<write::Staging>), BuildError> {
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
        streamed: 0,
        site_wide_findings: Vec::new(),
        site_wide_pending: false,
        timings,
    };
    if failed && mode.on_errors == OnErrors::Stop {
        staged.timings.total = started.elapsed().as_millis();
        return Ok((staged, None));
    }
    let staging = open(&staged.site)?;
    let show_findings = match mode.on_errors {
        OnErrors::KeepGoing => true,
        OnErrors::Fallback => failed,
        OnErrors::Stop => false,
    };
    let defer = mode.site_wide == SiteWide::DeferWhenClean && !failed;
    let site = &staged.site;
    let findings = &staged.findings;
    let t = Instant::now();
    let (rendered, site_wide, render_ms) = if defer {
        let rendered = render_pages_into(
            site,
            findings,
            show_findings,
            &|_, _, _| {},
            staging.as_ref(),
        );
        (rendered, None, t.elapsed().as_millis())
    } else {
        let (rendered, site_wide, render_ms) =
            render_with_site_wide(site, findings, show_findings, staging.as_ref());
        (rendered, Some(site_wide), render_ms)
    };
    staged.timings.render = render_ms;
    staged.site_wide_pending = defer;
    staged.output = Some(match (rendered, site_wide) {
        (Ok((files, streamed)), None) => {
            staged.streamed = streamed;
            Ok(files)
        }
        (Ok((mut files, streamed)), Some(Ok((added, found, parts)))) => {
            staged.streamed = streamed;
            staged.site_wide_findings = found;
            staged.timings.site_wide = t.elapsed().as_millis().saturating_sub(render_ms);
            staged.timings.site_wide_parts = parts;
            files.extend(added);
            Ok(files)
        }
        (Err(e), _) | (_, Some(Err(e))) => Err(e),
    });
    staged.timings.total = started.elapsed().as_millis();
    Ok((staged, staging))
}

/// What [`render_with_site_wide`] made besides the pages: the site-wide files, the card's
/// findings and the time of each part.
type SiteWideDone = (render::Output, Vec<Finding>, SiteWideTimings);

/// Pages rendered by [`render_pages_into`]: the files kept and how many were streamed to disk.
type Rendered = Result<(render::Output, usize), BuildError>;

/// Renders the pages while the card is typeset and the search index is built from the pages as
/// they come. Returns the pages (see [`render_pages_into`]), the site-wide outputs and how long
/// rendering took.
fn render_with_site_wide(
    site: &model::Site,
    findings: &[Finding],
    show_findings: bool,
    staging: Option<&write::Staging>,
) -> (Rendered, Result<SiteWideDone, BuildError>, u128) {
    let started = Instant::now();
    let ((rendered, render_ms, indexed), card) = beside_card(site, || {
        #[cfg(feature = "search")]
        let indexer = search::Indexer::start(site, site.all_pages().len());
        #[cfg_attr(not(feature = "search"), allow(unused_variables))]
        let on_content = |position: usize, r: model::PageRef, html: &str| {
            #[cfg(feature = "search")]
            indexer.add(position, search::prepare(site, r, html));
        };
        let rendered = render_pages_into(site, findings, show_findings, &on_content, staging);
        let render_ms = started.elapsed().as_millis();
        #[cfg_attr(not(feature = "search"), allow(unused_mut))]
        let mut added = render::Output::new();
        // After a failed render the indexer lacks pages; its error is not the one to report.
        #[cfg(feature = "search")]
        let indexed = match &rendered {
            Ok(_) => indexer
                .finish(site, &mut added)
                .map(|_| (added, started.elapsed().as_millis()))
                .map_err(|e| BuildError::from(render::ThemeError(e))),
            Err(_) => Ok((added, 0)),
        };
        #[cfg(not(feature = "search"))]
        let indexed: Result<_, BuildError> = Ok((added, 0));
        (rendered, render_ms, indexed)
    });
    let site_wide = indexed.and_then(|(mut added, search)| {
        let (card_files, found, card) = card?;
        added.extend(card_files);
        Ok((added, found, SiteWideTimings { search, card }))
    });
    (rendered, site_wide, render_ms)
}

/// The whole build: [`run`] (stopping on content errors unless `--keep-going`), with the pages
/// streamed into the new output as they are rendered, then the rest written and the new output
/// swapped into place.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    let on_errors = if opts.keep_going {
        OnErrors::KeepGoing
    } else {
        OnErrors::Stop
    };
    let out_of = |site: &model::Site| {
        opts.out
            .clone()
            .unwrap_or_else(|| site.config.root.join("public"))
    };
    let (staged, staging) = run_into(
        opts,
        Mode {
            on_errors,
            site_wide: SiteWide::Now,
        },
        |site| {
            let staging =
                write::Staging::new(&out_of(site), &site.config.root, &site.config.source_dirs())?;
            Ok(Some(staging))
        },
    )?;
    let out = out_of(&staged.site);
    let Staged {
        site,
        mut findings,
        failed,
        output,
        streamed,
        site_wide_findings,
        mut timings,
        ..
    } = staged;
    let root = site.config.root.clone();
    let (Some(files), Some(staging)) = (output, staging) else {
        return Err(BuildError::Content {
            root,
            findings,
            written: None,
        });
    };
    let files = files?;
    findings.extend(site_wide_findings);
    let writing = Instant::now();
    staging.write(&files)?;
    staging.commit()?;
    let write_millis = writing.elapsed().as_millis();
    timings.total = started.elapsed().as_millis();
    if failed {
        return Err(BuildError::Content {
            root,
            findings,
            written: Some(out),
        });
    }
    Ok(BuildReport {
        pages: files.keys().filter(|k| k.ends_with(".html")).count() + streamed,
        files: files.len() + streamed,
        out,
        root,
        findings,
        millis: started.elapsed().as_millis(),
        timings,
        write_millis,
    })
}
