//! write: atomic output. The site is written into a temporary directory beside `--out`, then
//! swapped into place; a failed build leaves the previous output untouched.

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
    #[error("writing {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `files` (output-relative path → bytes) as the new content of `out`.
pub fn write_atomic(
    out: &Path,
    root: &Path,
    files: &crate::render::Output,
) -> Result<(), WriteError> {
    let out_abs = absolute(out);
    let root_abs = absolute(root);
    if root_abs.starts_with(&out_abs) {
        return Err(WriteError::ContainsRoot(out.to_path_buf()));
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
    for (rel, bytes) in files {
        let path = tmp.path().join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        }
        std::fs::write(&path, bytes).map_err(io_err(&path))?;
    }
    std::fs::write(
        tmp.path().join(MARKER),
        b"written by spark-docs; safe to delete with the directory\n",
    )
    .map_err(io_err(tmp.path()))?;
    let staged = tmp.keep();
    if out_abs.exists() {
        let old = tempfile::Builder::new()
            .prefix(&format!(".{name}.old-"))
            .tempdir_in(&parent)
            .map_err(io_err(&parent))?;
        let old_path = old.keep();
        // rename() onto an existing empty directory works on Unix; the old output moves aside.
        std::fs::rename(&out_abs, &old_path).map_err(|e| {
            let _ = std::fs::remove_dir_all(&staged);
            WriteError::Io {
                path: out_abs.clone(),
                source: e,
            }
        })?;
        if let Err(e) = std::fs::rename(&staged, &out_abs) {
            let _ = std::fs::rename(&old_path, &out_abs);
            let _ = std::fs::remove_dir_all(&staged);
            return Err(WriteError::Io {
                path: out_abs,
                source: e,
            });
        }
        let _ = std::fs::remove_dir_all(&old_path);
    } else if let Err(e) = std::fs::rename(&staged, &out_abs) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(WriteError::Io {
            path: out_abs,
            source: e,
        });
    }
    Ok(())
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

    #[test]
    fn swaps_and_protects_foreign_directories() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir(&root).unwrap();
        let out = dir.path().join("public");
        let mut files = crate::render::Output::new();
        files.insert("index.html".into(), b"one".to_vec());
        write_atomic(&out, &root, &files).unwrap();
        files.insert("index.html".into(), b"two".to_vec());
        write_atomic(&out, &root, &files).unwrap();
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
            write_atomic(&foreign, &root, &files),
            Err(WriteError::NotOurs(_))
        ));
        assert!(matches!(
            write_atomic(dir.path(), &root, &files),
            Err(WriteError::ContainsRoot(_))
        ));
    }
}
