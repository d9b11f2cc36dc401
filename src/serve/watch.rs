//! What `serve` watches and when it rebuilds: every configured source path, the theme directory
//! and the configuration file, through `notify` (inotify, FSEvents, …), debounced.

use crate::config::Config;
use crate::model::SourceKind;
use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind, RenameMode};
use notify::{RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Quiet time after a change before rebuilding: editors write a file in several steps.
pub const DEBOUNCE: Duration = Duration::from_millis(100);
/// Quiet time after a write that is known to be complete (the file was closed after writing, or
/// renamed into place): the usual single save, so it reaches the browser sooner.
pub const DEBOUNCE_COMPLETE: Duration = Duration::from_millis(10);
/// A stream of changes (a `git checkout`) still rebuilds at least this often.
pub const MAX_WAIT: Duration = Duration::from_millis(1000);

/// The paths to watch for one configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatchSet {
    /// Directories watched with everything below them.
    pub recursive: BTreeSet<PathBuf>,
    /// Directories watched for their direct entries only (the root: site.toml, a new `themes/`).
    pub flat: BTreeSet<PathBuf>,
    /// Files that matter in the flat directories.
    pub files: BTreeSet<PathBuf>,
}

/// The literal directory a glob starts with: `presets/**/values-*.yaml` → `presets`.
fn glob_base(glob: &str) -> &str {
    let Some(end) = glob.find(['*', '?', '[', '{']) else {
        return glob;
    };
    match glob[..end].rfind('/') {
        Some(i) => &glob[..i],
        None => "",
    }
}

impl WatchSet {
    /// Content, presets, charts, policies, notebooks, scripts, chart paths, `themes/<theme>` and
    /// the configuration file.
    pub fn for_config(config: &Config) -> WatchSet {
        let root = &config.root;
        let s = &config.site.sources;
        let mut dirs: Vec<PathBuf> = Vec::new();
        let kind_dirs = SourceKind::ALL.into_iter().filter_map(|k| k.dir(s));
        for d in kind_dirs.chain(s.policies.as_deref()) {
            dirs.push(root.join(d));
        }
        for g in s.presets.iter().chain(&s.charts) {
            dirs.push(root.join(glob_base(g)));
        }
        for to in config.site.chart_paths.values() {
            dirs.push(root.join(to));
        }
        dirs.push(root.join("themes").join(&config.site.theme));
        Self::from_parts(root, &config.file, dirs)
    }

    fn from_parts(root: &Path, config_file: &Path, mut dirs: Vec<PathBuf>) -> WatchSet {
        let mut set = WatchSet::default();
        let config_file = absolute(config_file);
        // Watching the root recursively would watch public/, target/, .git: never do it.
        dirs.retain(|d| d != root && d.starts_with(root) || !root.starts_with(d));
        dirs.sort();
        for d in dirs {
            if !set.recursive.iter().any(|r| d.starts_with(r)) {
                set.recursive.insert(d);
            }
        }
        set.flat.insert(root.to_path_buf());
        if let Some(parent) = config_file.parent() {
            set.flat.insert(parent.to_path_buf());
        }
        set.files.insert(config_file);
        set
    }

    /// Whether a change at `path` can change the site.
    pub fn relevant(&self, path: &Path) -> bool {
        if ignored_name(path) {
            return false;
        }
        if self.files.contains(path) {
            return true;
        }
        // Inside a watched tree, or a directory on the way to one (created, removed, renamed).
        self.recursive
            .iter()
            .any(|r| path.starts_with(r) || r.starts_with(path))
    }
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

/// Editor backups, swap and lock files, and VCS internals.
fn ignored_name(path: &Path) -> bool {
    if path.components().any(|c| c.as_os_str() == ".git") {
        return true;
    }
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    name.starts_with(".#")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name == "4913"
        || name == ".DS_Store"
}

/// Keeps the OS watches in line with a [`WatchSet`].
pub struct Watches {
    watcher: notify::RecommendedWatcher,
    /// What is registered: (path, recursive).
    active: BTreeSet<(PathBuf, bool)>,
    pub set: WatchSet,
}

impl Watches {
    pub fn new(watcher: notify::RecommendedWatcher) -> Watches {
        Watches {
            watcher,
            active: BTreeSet::new(),
            set: WatchSet::default(),
        }
    }

    /// Registers what `set` names and exists; drops what it no longer names. Called after every
    /// build, so a directory that appears later (or a new site.toml source) gets watched.
    pub fn update(&mut self, set: WatchSet) {
        let mut wanted: BTreeSet<(PathBuf, bool)> = BTreeSet::new();
        wanted.extend(
            set.recursive
                .iter()
                .filter(|p| p.is_dir())
                .map(|p| (p.clone(), true)),
        );
        wanted.extend(
            set.flat
                .iter()
                .filter(|p| p.is_dir())
                .map(|p| (p.clone(), false)),
        );
        // A watch on a directory that was removed and recreated is dead: re-register those too.
        let stale: Vec<_> = self
            .active
            .iter()
            .filter(|a| !wanted.contains(a) || !a.0.is_dir())
            .cloned()
            .collect();
        for (path, rec) in stale {
            let _ = self.watcher.unwatch(&path);
            self.active.remove(&(path, rec));
        }
        for (path, rec) in wanted {
            if self.active.contains(&(path.clone(), rec)) {
                continue;
            }
            let mode = if rec {
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            match self.watcher.watch(&path, mode) {
                Ok(()) => {
                    self.active.insert((path, rec));
                }
                Err(e) => eprintln!("warning: cannot watch {}: {e}", path.display()),
            }
        }
        self.set = set;
    }
}

/// Whether an event says the write is complete (closed after writing, renamed into place).
fn completes_write(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Access(AccessKind::Close(AccessMode::Write))
            | EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
            | EventKind::Remove(_)
    )
}

/// The relevant paths of one event; reads (opening, closing without writing) never count, or our
/// own build would trigger the next one.
fn relevant_paths(event: &notify::Event, set: &WatchSet) -> Vec<PathBuf> {
    match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => {}
        EventKind::Access(_) => return Vec::new(),
        _ => {}
    }
    if event.need_rescan() {
        return set.files.iter().take(1).cloned().collect();
    }
    event
        .paths
        .iter()
        .filter(|p| set.relevant(p))
        .cloned()
        .collect()
}

/// Why `wait_for_change` returned.
pub enum Wake {
    /// These files changed and settled: rebuild.
    Changed(BTreeSet<PathBuf>),
    /// The server is stopping.
    Stop,
}

/// Blocks until a relevant change has settled (no further change for [`DEBOUNCE`], or
/// [`DEBOUNCE_COMPLETE`] after a completed write), or until `stop()` is true.
pub fn wait_for_change(
    rx: &Receiver<notify::Result<notify::Event>>,
    set: &WatchSet,
    stop: &dyn Fn() -> bool,
) -> Wake {
    let mut changed = BTreeSet::new();
    let mut first: Option<Instant> = None;
    let mut quiet = DEBOUNCE;
    loop {
        if stop() {
            return Wake::Stop;
        }
        let timeout = match first {
            None => Duration::from_millis(200),
            Some(t) => quiet.min(MAX_WAIT.saturating_sub(t.elapsed())),
        };
        match rx.recv_timeout(timeout) {
            Ok(Ok(event)) => {
                let paths = relevant_paths(&event, set);
                if paths.is_empty() {
                    continue;
                }
                first.get_or_insert_with(Instant::now);
                quiet = if completes_write(&event.kind) {
                    DEBOUNCE_COMPLETE
                } else {
                    DEBOUNCE
                };
                changed.extend(paths);
            }
            Ok(Err(e)) => eprintln!("warning: file watcher: {e}"),
            Err(RecvTimeoutError::Timeout) => {
                if first.is_some() {
                    return Wake::Changed(changed);
                }
            }
            Err(RecvTimeoutError::Disconnected) => return Wake::Stop,
        }
        if first.is_some_and(|t| t.elapsed() >= MAX_WAIT) {
            return Wake::Changed(changed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_bases() {
        assert_eq!(glob_base("presets/**/values-scenario-*.yaml"), "presets");
        assert_eq!(glob_base("presets/charts/*"), "presets/charts");
        assert_eq!(
            glob_base("charts/spark-3.5/charts/*"),
            "charts/spark-3.5/charts"
        );
        assert_eq!(glob_base("*.yaml"), "");
        assert_eq!(glob_base("presets/a.yaml"), "presets/a.yaml");
    }

    #[test]
    fn relevance() {
        let root = Path::new("/site");
        let set = WatchSet::from_parts(
            root,
            &root.join("site.toml"),
            vec![
                root.join("content/recipes"),
                root.join("presets"),
                root.join("presets/charts"),
                root.join(""),
            ],
        );
        assert_eq!(
            set.recursive.len(),
            2,
            "{set:?}: nested and root directories are not watched twice"
        );
        assert!(set.relevant(Path::new("/site/site.toml")));
        assert!(set.relevant(Path::new("/site/content/recipes/ops/a.md")));
        assert!(
            set.relevant(Path::new("/site/content")),
            "a parent directory that moves"
        );
        assert!(!set.relevant(Path::new("/site/README.md")));
        assert!(!set.relevant(Path::new("/site/public/index.html")));
        assert!(!set.relevant(Path::new("/site/content/recipes/.a.md.swp")));
        assert!(!set.relevant(Path::new("/site/content/recipes/a.md~")));
    }
}
