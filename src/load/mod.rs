//! load: reads every kind of source named in site.toml into typed values, keeping the path and
//! the source text for diagnostics. Problems in the content become findings, never panics.

use crate::check::codes::Code;
pub mod chart;
pub mod front_matter;
pub mod markdown_sanity;
pub mod mistakes;
pub mod notebook;
pub mod packed_chart;
pub mod preset;
pub mod recipe;
pub mod script;

use crate::config::Config;
use crate::diagnostics::Finding;
use crate::memo::PageCache;
use crate::util::globs::Globs;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use chart::Chart;
pub use notebook::Notebook;
pub use preset::Preset;
pub use recipe::{Issue, Recipe};
pub use script::Script;

/// Files larger than this are reported instead of read.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// A source file: where it is and what it says.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Absolute (or root-joined) path on disk.
    pub path: PathBuf,
    /// Path relative to the site root, with `/` separators: what diagnostics and links show.
    pub rel: String,
    pub text: String,
}

/// Everything read from disk.
#[derive(Debug, Default)]
pub struct Loaded {
    pub recipes: Vec<Recipe>,
    pub issues: Vec<Issue>,
    pub presets: Vec<Preset>,
    pub charts: Vec<Chart>,
    /// Charts read for their values but not in `charts`: vendored dependencies of `charts`
    /// (`<chart>/charts/<name>/`), `[chart_paths]` targets and chart directories helm commands
    /// name (see [`chart::load_subcharts`]).
    pub subcharts: Vec<Chart>,
    pub notebooks: Vec<Notebook>,
    pub scripts: Vec<Script>,
    pub policies: Vec<SourceFile>,
    pub findings: Vec<Finding>,
}

/// Reads every configured source.
pub fn load_all(config: &Config) -> Loaded {
    static RECIPES: Parses<Recipe> = PageCache::new();
    static ISSUES: Parses<Issue> = PageCache::new();
    static PRESETS: Parses<Preset> = PageCache::new();
    static NOTEBOOKS: Parses<Notebook> = PageCache::new();
    let mut out = Loaded::default();
    let src = &config.site.sources;
    let root = &config.root;
    if let Some(dir) = &src.recipes {
        let files = read_tree(root, dir, &["md", "markdown"], &mut out.findings);
        out.recipes = parse_all(files, dir, &RECIPES, &mut out.findings, |file, f| {
            recipe::load_recipe(file, Path::new(dir), f)
        });
    }
    if let Some(dir) = &src.issues {
        let files = read_tree(root, dir, &["md", "markdown"], &mut out.findings);
        out.issues = parse_all(files, "", &ISSUES, &mut out.findings, recipe::load_issue);
    }
    for dir in expand_globs(root, &config.globs.charts, true, &mut out.findings) {
        if let Some(c) = chart::load_chart(root, &dir, &mut out.findings) {
            out.charts.push(c);
        }
    }
    // A chart directory that holds presets but is not listed under `charts` is still a chart:
    // presets find theirs as the nearest ancestor with Chart.yaml.
    let files = expand_globs(root, &config.globs.presets, false, &mut out.findings)
        .into_iter()
        .filter_map(|path| read_source(root, &path, &mut out.findings))
        .collect();
    out.presets = parse_all(files, "", &PRESETS, &mut out.findings, preset::load_preset);
    for p in &mut out.presets {
        p.chart_dir = nearest_chart_dir(root, &p.source.path);
        if let Some(dir) = &p.chart_dir {
            if !out.charts.iter().any(|c| &c.dir == dir) {
                if let Some(c) = chart::load_chart(root, dir, &mut out.findings) {
                    out.charts.push(c);
                }
            }
        }
    }
    if let Some(dir) = &src.notebooks {
        let files = read_tree(root, dir, &["ipynb"], &mut out.findings);
        out.notebooks = parse_all(
            files,
            "",
            &NOTEBOOKS,
            &mut out.findings,
            notebook::load_notebook,
        );
    }
    if let Some(dir) = &src.scripts {
        for file in read_tree(root, dir, &["sh", "bash"], &mut out.findings) {
            out.scripts.push(script::load_script(file));
        }
    }
    if let Some(dir) = &src.policies {
        out.policies = read_tree(root, dir, &["rego"], &mut out.findings);
    }
    let unlisted = unlisted_chart_dirs(config, &out);
    out.subcharts = chart::load_subcharts(root, &out.charts, &unlisted, &mut out.findings);
    out
}

/// Parsed sources of one kind by the fingerprint of what their parser reads (`serve` only).
type Parses<T> = PageCache<Arc<(Option<T>, Vec<Finding>)>>;

/// Parses `files` on every core, keeping their order (and their findings' order). While `serve`
/// rebuilds ([`crate::memo::caching_pages`]), a file whose path and text are unchanged (and
/// `salt`, the rest of what `parse` reads) is not parsed again.
fn parse_all<T: Clone + Send + Sync>(
    files: Vec<SourceFile>,
    salt: &str,
    cache: &Parses<T>,
    findings: &mut Vec<Finding>,
    parse: impl Fn(SourceFile, &mut Vec<Finding>) -> Option<T> + Sync,
) -> Vec<T> {
    let parsed: Vec<_> = files
        .into_par_iter()
        .map(|file| {
            let key = crate::memo::rebuild_key(&[
                salt.as_bytes(),
                file.path.as_os_str().as_encoded_bytes(),
                file.rel.as_bytes(),
                file.text.as_bytes(),
            ]);
            cache.get_or_insert(key, || {
                let mut found = Vec::new();
                let value = parse(file, &mut found);
                Arc::new((value, found))
            })
        })
        .collect();
    let mut values = Vec::with_capacity(parsed.len());
    for p in parsed {
        // Not cached (a single `build`): the only owner, so moved out rather than copied.
        let (value, found) = Arc::try_unwrap(p).unwrap_or_else(|shared| (*shared).clone());
        findings.extend(found);
        values.extend(value);
    }
    values
}

/// Chart directories the site uses without listing them under `[sources] charts`: the targets
/// of `[chart_paths]`, then those a helm command in a recipe's or issue's shell block or in a
/// script names by a relative path (so `check` can check their `--set` keys). Directories
/// without `Chart.yaml` are dropped when loading.
fn unlisted_chart_dirs(config: &Config, out: &Loaded) -> Vec<PathBuf> {
    let root = &config.root;
    let mut dirs: Vec<PathBuf> = config
        .site
        .chart_paths
        .values()
        .map(|to| root.join(to))
        .collect();
    let docs = out
        .recipes
        .iter()
        .map(|r| &r.doc)
        .chain(out.issues.iter().map(|i| &i.doc));
    let blocks = docs
        .flat_map(|d| &d.code_blocks)
        .filter(|b| crate::util::langs::is_shell_or_console(&b.lang))
        .map(|b| b.code.as_str());
    for text in blocks.chain(out.scripts.iter().map(|s| s.source.text.as_str())) {
        chart::command_chart_dirs(root, text, &mut dirs);
    }
    dirs
}

/// The nearest directory above `file` (inside `root`) that holds a `Chart.yaml`.
fn nearest_chart_dir(root: &Path, file: &Path) -> Option<PathBuf> {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if !d.starts_with(root) {
            return None;
        }
        if d.join("Chart.yaml").is_file() {
            return Some(d.to_path_buf());
        }
        if d == root {
            return None;
        }
        dir = d.parent();
    }
    None
}

/// Path of `path` relative to `root`, `/`-separated.
pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads one file as UTF-8 text; unreadable, huge or non-UTF-8 files become findings.
pub fn read_source(root: &Path, path: &Path, findings: &mut Vec<Finding>) -> Option<SourceFile> {
    let rel = rel_path(root, path);
    let bytes = read_bytes(path, &rel, findings)?;
    decode_source(path.to_path_buf(), rel, bytes, findings)
}

/// Reads a file's bytes (`rel` is where findings place it); a file over [`MAX_FILE_BYTES`] or one
/// that cannot be read becomes a finding.
pub fn read_bytes(path: &Path, rel: &str, findings: &mut Vec<Finding>) -> Option<Vec<u8>> {
    match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_FILE_BYTES => {
            findings.push(
                Finding::error(
                    Code::FileTooLarge,
                    rel,
                    0,
                    0,
                    format!("file is {} bytes; the limit is {MAX_FILE_BYTES}", m.len()),
                )
                .with_help("split it, or move it out of the content directories"),
            );
            return None;
        }
        Ok(_) => {}
        Err(e) => {
            findings.push(Finding::error(
                Code::FileUnreadable,
                rel,
                0,
                0,
                format!("cannot read: {e}"),
            ));
            return None;
        }
    }
    match std::fs::read(path) {
        Ok(b) => Some(b),
        Err(e) => {
            findings.push(Finding::error(
                Code::FileUnreadable,
                rel,
                0,
                0,
                format!("cannot read: {e}"),
            ));
            None
        }
    }
}

/// A source file from its bytes (read from disk or from an archive): UTF-8 text without a
/// byte-order mark; other bytes become a `file-not-utf8` finding at the first bad byte.
pub fn decode_source(
    path: PathBuf,
    rel: String,
    bytes: Vec<u8>,
    findings: &mut Vec<Finding>,
) -> Option<SourceFile> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.remove(0);
            }
            Some(SourceFile { path, rel, text })
        }
        Err(e) => {
            // The bytes before the first bad one are valid UTF-8: locate the end of them.
            let valid = std::str::from_utf8(&e.as_bytes()[..e.utf8_error().valid_up_to()])
                .unwrap_or_default();
            let (line, column) = crate::util::lines::line_col(valid, valid.len());
            findings.push(
                Finding::error(
                    Code::FileNotUtf8,
                    &rel,
                    line,
                    column,
                    "file is not valid UTF-8",
                )
                .with_help("save the file as UTF-8"),
            );
            None
        }
    }
}

/// Reads every file under `root/dir` whose extension is in `exts`, sorted by path. Hidden files
/// and directories are skipped; symlink loops and unreadable entries become findings.
pub fn read_tree(
    root: &Path,
    dir: &str,
    exts: &[&str],
    findings: &mut Vec<Finding>,
) -> Vec<SourceFile> {
    let base = root.join(dir);
    let mut files = Vec::new();
    let inside = InsideRoot::new(root);
    let mut walker = walkdir::WalkDir::new(&base)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    while let Some(entry) = walker.next() {
        match entry {
            Ok(e) => {
                if !inside.check(root, &e, findings) {
                    if e.file_type().is_dir() {
                        walker.skip_current_dir();
                    }
                    continue;
                }
                if !e.file_type().is_file() {
                    continue;
                }
                let ext = e.path().extension().and_then(|x| x.to_str()).unwrap_or("");
                if exts.iter().any(|x| x.eq_ignore_ascii_case(ext)) {
                    if let Some(f) = read_source(root, e.path(), findings) {
                        files.push(f);
                    }
                }
            }
            Err(e) => {
                let at = e
                    .path()
                    .map(|p| rel_path(root, p))
                    .unwrap_or_else(|| dir.to_string());
                let message = if e.loop_ancestor().is_some() {
                    "symbolic link loop; skipped".to_string()
                } else {
                    format!("cannot read: {e}")
                };
                findings.push(Finding::error(Code::FileUnreadable, at, 0, 0, message));
            }
        }
    }
    files
}

/// The site root, resolved once, that symbolic links must not lead out of: a link to a file or
/// directory elsewhere (`/etc`, a home directory) is reported and not followed, so a site never
/// publishes what lies outside its repository.
struct InsideRoot(Option<PathBuf>);

impl InsideRoot {
    fn new(root: &Path) -> InsideRoot {
        InsideRoot(root.canonicalize().ok())
    }

    /// `false` (with a finding) when `entry` is a symbolic link leading outside the root.
    fn check(&self, root: &Path, entry: &walkdir::DirEntry, findings: &mut Vec<Finding>) -> bool {
        let Some(canonical_root) = &self.0 else {
            return true;
        };
        if !entry.path_is_symlink() {
            return true;
        }
        match entry.path().canonicalize() {
            Ok(target) if !target.starts_with(canonical_root) => {
                findings.push(
                    Finding::error(
                        Code::FileUnreadable,
                        rel_path(root, entry.path()),
                        0,
                        0,
                        format!(
                            "symbolic link to {}, outside the site root; not read",
                            target.display()
                        ),
                    )
                    .with_help("copy the file into the site, or point the link inside it"),
                );
                false
            }
            _ => true,
        }
    }
}

/// Expands the compiled globs `set` (relative to root) to matching directories (`dirs`) or files, sorted.
pub fn expand_globs(
    root: &Path,
    set: &Globs,
    dirs: bool,
    findings: &mut Vec<Finding>,
) -> Vec<PathBuf> {
    if set.is_empty() {
        return Vec::new();
    }
    // Walk only from the longest literal prefix of each glob.
    let mut starts: Vec<PathBuf> = set
        .patterns()
        .iter()
        .map(|g| {
            let literal: Vec<&str> = g
                .split('/')
                .take_while(|seg| !seg.contains(['*', '?', '[', '{']))
                .collect();
            root.join(literal.join("/"))
        })
        .collect();
    starts.sort();
    starts.dedup();
    let mut found = Vec::new();
    let inside = InsideRoot::new(root);
    for start in starts {
        if !start.exists() {
            continue;
        }
        let mut walker = walkdir::WalkDir::new(&start)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter();
        while let Some(entry) = walker.next() {
            match entry {
                Ok(e) => {
                    if !inside.check(root, &e, findings) {
                        if e.file_type().is_dir() {
                            walker.skip_current_dir();
                        }
                        continue;
                    }
                    let is_match = if dirs {
                        e.file_type().is_dir()
                    } else {
                        e.file_type().is_file()
                    };
                    if is_match && set.is_match(&rel_path(root, e.path())) {
                        found.push(e.path().to_path_buf());
                    }
                }
                Err(e) => {
                    if e.loop_ancestor().is_some() {
                        let at = e.path().map(|p| rel_path(root, p)).unwrap_or_default();
                        findings.push(Finding::error(
                            Code::FileUnreadable,
                            at,
                            0,
                            0,
                            "symbolic link loop; skipped",
                        ));
                    }
                }
            }
        }
    }
    found.sort();
    found.dedup();
    found
}
