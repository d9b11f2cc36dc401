//! write: atomic output. The site is written into a temporary directory beside `--out`, then
//! swapped into place; a failed build leaves the previous output untouched.
//!
//! Decisions: on Linux the swap is one `renameat2(RENAME_EXCHANGE)`, so `--out` never goes
//! missing, not even for a moment (a web server or `rsync` reading it sees the old tree or the new
//! one); the old tree, now at the temporary name, is removed afterwards. Where that call is not
//! available (other systems, file systems without it) the old output is renamed aside and the new
//! one renamed in: two renames, a gap of microseconds.
//!
//! A file whose bytes equal the previous output's file at the same path is hard-linked from it
//! instead of written: no new inode (creating inodes is most of the cost of writing a site, and on
//! ext4 it grows with the number of recently deleted ones, which every rebuild leaves), and the
//! file keeps its modification time, so `rsync` and caches see it unchanged.

use std::io;
use std::path::{Path, PathBuf};

/// Marks a directory as spark-docs output, so an existing non-empty `--out` that lacks it is
/// never replaced (protects against `--out .` or `--out ~`).
pub const MARKER: &str = ".spark-docs-output";

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("refusing to replace {0}: it is not empty and was not written by spark-docs (no {MARKER} file); choose another --out or empty it")]
    NotOurs(PathBuf),
    #[error("refusing to write the site into {0}: it contains the site sources")]
    ContainsRoot(PathBuf),
    #[error("refusing to write the site into {out}: it is inside the source directory {sources}; the next build would read its own output")]
    InsideSources { out: PathBuf, sources: PathBuf },
    #[error("writing the output panicked")]
    Panicked,
    #[error("writing {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A new output being written: a temporary directory beside `--out` that files go into as they
/// are ready (pages while the search index is still being built from them), swapped into place
/// by [`Staging::commit`]. Dropped without a commit, it is removed and `--out` is untouched.
pub struct Staging {
    tmp: tempfile::TempDir,
    out: PathBuf,
    /// The previous output, when there is one of ours to reuse unchanged files from.
    previous: Option<PathBuf>,
    parent: PathBuf,
    name: String,
}

impl Staging {
    /// Checks that `out` may be replaced (not the sources, not inside a source directory, empty
    /// or ours) and creates the temporary directory beside it.
    pub fn new(out: &Path, root: &Path, source_dirs: &[PathBuf]) -> Result<Staging, WriteError> {
        let out_abs = absolute(out);
        let root_abs = absolute(root);
        if root_abs.starts_with(&out_abs) {
            return Err(WriteError::ContainsRoot(out.to_path_buf()));
        }
        if let Some(dir) = source_dirs
            .iter()
            .find(|d| out_abs.starts_with(absolute(d)))
        {
            return Err(WriteError::InsideSources {
                out: out.to_path_buf(),
                sources: dir.clone(),
            });
        }
        if out_abs.is_dir()
            && !out_abs.join(MARKER).exists()
            && std::fs::read_dir(&out_abs)
                .map(|mut d| d.next().is_some())
                .unwrap_or(false)
        {
            return Err(WriteError::NotOurs(out.to_path_buf()));
        }
        let parent = out_abs
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        std::fs::create_dir_all(&parent).map_err(io_err(&parent))?;
        let name = out_abs
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}.new-"))
            .tempdir_in(&parent)
            .map_err(io_err(&parent))?;
        let previous = out_abs.join(MARKER).is_file().then(|| out_abs.clone());
        Ok(Staging {
            tmp,
            previous,
            out: out_abs,
            parent,
            name,
        })
    }

    /// Writes `files` into the new output: their directories first, then the files on every
    /// core (creating inodes is most of the cost, and file systems do it in parallel); files
    /// unchanged since the previous output are hard-linked from it.
    pub fn write(&self, files: &crate::render::Output) -> Result<(), WriteError> {
        use rayon::prelude::*;
        let mut dirs: Vec<PathBuf> = files
            .keys()
            .filter_map(|rel| Path::new(rel).parent().map(Path::to_path_buf))
            .collect();
        dirs.dedup();
        for dir in dirs {
            let dir = self.tmp.path().join(dir);
            std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        }
        files
            .par_iter()
            .try_for_each(|(rel, bytes)| self.write_one(rel, bytes))
    }

    /// Writes one file into the new output (its directories too), or links it when unchanged.
    /// Called from many threads at once: pages are written as they are rendered.
    pub fn write_file(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let path = self.tmp.path().join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        }
        self.write_one(rel, bytes)
    }

    /// Writes one file whose directory exists, or links it when unchanged.
    fn write_one(&self, rel: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let path = self.tmp.path().join(rel);
        if let Some(previous) = &self.previous {
            if link_if_unchanged(&previous.join(rel), &path, bytes) {
                return Ok(());
            }
        }
        std::fs::write(&path, bytes).map_err(io_err(&path))
    }

    /// Marks the new output as ours and swaps it into place of `out`.
    pub fn commit(self) -> Result<(), WriteError> {
        std::fs::write(
            self.tmp.path().join(MARKER),
            b"written by spark-docs; safe to delete with the directory\n",
        )
        .map_err(io_err(self.tmp.path()))?;
        let staged = self.tmp.keep();
        let result = if self.out.exists() {
            replace(&staged, &self.out, &self.parent, &self.name)
        } else {
            std::fs::rename(&staged, &self.out).map_err(io_err(&self.out))
        };
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&staged);
        }
        result
    }
}

/// Hard-links `to` from `from` when `from` is a regular file holding exactly `bytes`. Any
/// failure (no such file, different bytes, a file system without hard links) returns `false` and
/// the caller writes the file.
fn link_if_unchanged(from: &Path, to: &Path, bytes: &[u8]) -> bool {
    let same = std::fs::symlink_metadata(from)
        .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && std::fs::read(from).is_ok_and(|old| old == bytes);
    same && std::fs::hard_link(from, to).is_ok()
}

/// Puts `staged` in place of the existing directory `out`, then removes the old tree.
fn replace(staged: &Path, out: &Path, parent: &Path, name: &str) -> Result<(), WriteError> {
    if exchange(staged, out).is_ok() {
        // `staged` now holds the previous output.
        remove_tree(staged);
        return Ok(());
    }
    let old = tempfile::Builder::new()
        .prefix(&format!(".{name}.old-"))
        .tempdir_in(parent)
        .map_err(io_err(parent))?;
    let old_path = old.keep();
    // rename() onto an existing empty directory works on Unix; the old output moves aside.
    std::fs::rename(out, &old_path).map_err(|e| {
        let _ = std::fs::remove_dir(&old_path);
        WriteError::Io {
            path: out.to_path_buf(),
            source: e,
        }
    })?;
    if let Err(e) = std::fs::rename(staged, out) {
        let _ = std::fs::rename(&old_path, out);
        return Err(WriteError::Io {
            path: out.to_path_buf(),
            source: e,
        });
    }
    remove_tree(&old_path);
    Ok(())
}

/// Removes the directory tree at `dir` (the previous output, after the swap) with its
/// directories emptied on several threads at once: unlinking a site's thousands of files one after another was
/// the build's last serial step. Symbolic links are removed, never followed; what cannot be
/// removed is left behind, as `remove_dir_all` would leave it.
fn remove_tree(dir: &Path) {
    use rayon::prelude::*;
    fn empty(dir: &Path) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let entries: Vec<std::fs::DirEntry> = entries.filter_map(Result::ok).collect();
        entries.par_iter().for_each(|entry| {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                empty(&path);
                let _ = std::fs::remove_dir(&path);
            } else {
                let _ = std::fs::remove_file(&path);
            }
        });
    }
    // Unlinking waits on the file system more than it computes: more threads than cores help
    // (at 1,000 recipes: 125 ms with one thread, 97 with two, 52-58 with eight, on 2 cores).
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    crate::own_pool((cores * 4).clamp(4, 16), || empty(dir));
    let _ = std::fs::remove_dir_all(dir);
}

/// Atomically exchanges two existing paths (Linux `renameat2(RENAME_EXCHANGE)`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "NUL in path"))
    };
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both pointers are valid NUL-terminated strings that outlive the call.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// No atomic exchange here: the caller falls back to two renames.
#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "no atomic exchange",
    ))
}

fn absolute(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    // Canonicalize what exists, so `a/../b` and symlinks compare correctly.
    match abs.canonicalize() {
        Ok(c) => c,
        Err(_) => match (abs.parent(), abs.file_name()) {
            (Some(parent), Some(name)) => parent
                .canonicalize()
                .map(|c| c.join(name))
                .unwrap_or(abs.clone()),
            _ => abs,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `files` (output-relative path → bytes) as the new content of `out`. `source_dirs` are
    /// the directories sources are read from, which `out` must not be inside.
    fn write_atomic(
        out: &Path,
        root: &Path,
        source_dirs: &[PathBuf],
        files: &crate::render::Output,
    ) -> Result<(), WriteError> {
        let staging = Staging::new(out, root, source_dirs)?;
        staging.write(files)?;
        staging.commit()
    }

    /// A temporary directory holding a site root `site/`, and the output path `public/` beside it.
    fn site_and_out() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir(&root).unwrap();
        let out = dir.path().join("public");
        (dir, root, out)
    }

    #[test]
    fn swaps_and_protects_foreign_directories() {
        let (dir, root, out) = site_and_out();
        let mut files = crate::render::Output::new();
        files.insert("index.html".into(), b"one".to_vec());
        write_atomic(&out, &root, &[], &files).unwrap();
        files.insert("index.html".into(), b"two".to_vec());
        write_atomic(&out, &root, &[], &files).unwrap();
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"two");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers.len(), 2, "{leftovers:?}");

        let foreign = dir.path().join("home");
        std::fs::create_dir(&foreign).unwrap();
        std::fs::write(foreign.join("notes.txt"), "keep").unwrap();
        assert!(matches!(
            write_atomic(&foreign, &root, &[], &files),
            Err(WriteError::NotOurs(_))
        ));
        assert!(matches!(
            write_atomic(dir.path(), &root, &[], &files),
            Err(WriteError::ContainsRoot(_))
        ));
        let content = root.join("content");
        assert!(matches!(
            write_atomic(
                &content.join("public"),
                &root,
                std::slice::from_ref(&content),
                &files
            ),
            Err(WriteError::InsideSources { .. })
        ));
        assert!(!content.exists());
    }

    /// The previous output is removed after the swap, deep trees and wide directories alike,
    /// and a symbolic link planted in it is removed, not followed.
    #[cfg(unix)]
    #[test]
    fn the_previous_output_is_removed_without_following_links() {
        let (dir, root, out) = site_and_out();
        let outside = dir.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("keep.txt"), "keep").unwrap();
        let mut files = crate::render::Output::new();
        for i in 0..300 {
            files.insert(format!("pagefind/fragment/{i}.pf_fragment"), vec![1; i]);
            files.insert(
                format!("recipes/c{}/r{i}/index.html", i % 7),
                b"page".to_vec(),
            );
        }
        files.insert("a/b/c/d/e/f/index.html".into(), b"deep".to_vec());
        write_atomic(&out, &root, &[], &files).unwrap();
        std::os::unix::fs::symlink(&outside, out.join("recipes/link")).unwrap();
        std::os::unix::fs::symlink(outside.join("keep.txt"), out.join("a/b/file-link")).unwrap();
        let mut next = crate::render::Output::new();
        next.insert("index.html".into(), b"new".to_vec());
        write_atomic(&out, &root, &[], &next).unwrap();
        let left: Vec<String> = walkdir::WalkDir::new(&out)
            .min_depth(1)
            .sort_by_file_name()
            .into_iter()
            .map(|e| {
                e.unwrap()
                    .path()
                    .strip_prefix(&out)
                    .unwrap()
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(left, [MARKER, "index.html"].map(String::from));
        assert_eq!(
            std::fs::read_to_string(outside.join("keep.txt")).unwrap(),
            "keep"
        );
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 3, "site, public and outside only");
    }

    /// Unchanged files are the previous output's inodes (hard links); changed ones are new, and a
    /// symlink planted in the previous output is never linked.
    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_linked_from_the_previous_output() {
        use std::os::unix::fs::MetadataExt;
        let (dir, root, out) = site_and_out();
        let inode = |rel: &str| std::fs::metadata(out.join(rel)).unwrap().ino();
        let mut files = crate::render::Output::new();
        files.insert("a/index.html".into(), b"same".to_vec());
        files.insert("b/index.html".into(), b"one".to_vec());
        files.insert("c.txt".into(), b"planted".to_vec());
        write_atomic(&out, &root, &[], &files).unwrap();
        let (a, b) = (inode("a/index.html"), inode("b/index.html"));
        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, b"planted").unwrap();
        std::fs::remove_file(out.join("c.txt")).unwrap();
        std::os::unix::fs::symlink(&outside, out.join("c.txt")).unwrap();
        files.insert("b/index.html".into(), b"two".to_vec());
        write_atomic(&out, &root, &[], &files).unwrap();
        assert_eq!(inode("a/index.html"), a, "unchanged file not reused");
        assert_ne!(inode("b/index.html"), b);
        assert_eq!(std::fs::read(out.join("b/index.html")).unwrap(), b"two");
        let c = std::fs::symlink_metadata(out.join("c.txt")).unwrap();
        assert!(c.is_file(), "the planted symlink was carried over");
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"same");
        assert_eq!(
            std::fs::metadata(out.join("a/index.html")).unwrap().nlink(),
            1
        );
    }

    /// A reader polling `out/index.html` while the site is rewritten again and again never finds
    /// it missing, and always reads one whole version.
    #[test]
    fn output_never_goes_missing_during_swaps() {
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        use std::sync::Arc;
        let (dir, root, out) = site_and_out();
        let mut files = crate::render::Output::new();
        files.insert("index.html".into(), b"version 0".to_vec());
        write_atomic(&out, &root, &[], &files).unwrap();
        let done = Arc::new(AtomicBool::new(false));
        let (misses, reads) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let poller = {
            let (done, misses, reads) = (done.clone(), misses.clone(), reads.clone());
            let index = out.join("index.html");
            std::thread::spawn(move || {
                while !done.load(Ordering::Relaxed) {
                    match std::fs::read(&index) {
                        Ok(b) if b.starts_with(b"version ") => {}
                        _ => {
                            misses.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    reads.fetch_add(1, Ordering::Relaxed);
                }
            })
        };
        for i in 1..=200 {
            files.insert("index.html".into(), format!("version {i}").into_bytes());
            write_atomic(&out, &root, &[], &files).unwrap();
        }
        done.store(true, Ordering::Relaxed);
        poller.join().unwrap();
        assert!(reads.load(Ordering::Relaxed) > 0);
        if cfg!(target_os = "linux") {
            assert_eq!(misses.load(Ordering::Relaxed), 0, "index.html went missing");
        }
        assert_eq!(
            std::fs::read(out.join("index.html")).unwrap(),
            b"version 200"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
