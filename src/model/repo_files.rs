//! repo_files: links from a page to a repository file that is no page of the site
//! (`../../docker/spark/README.md`, `../scripts/run.py`): where such a file is, and the URL a
//! built page links it with. The repository is the nearest directory at or above the site root
//! holding `.git` (the site root itself when there is none), so a site in `docs/` may link
//! `../docker/…`.
//!
//! Decisions: with `repo_url` set, the link goes to the repository's file view
//! (`<repo_url>/blob/<repo_branch>/<path>`, `/tree/` for a directory, GitLab's `/-/blob/`);
//! without it, to `/<path>` under the site's base path, as if the site were served from the
//! repository — the output does not copy such files. A `#fragment` is kept.

use super::anchors::resolve_relative_under;
use crate::config::Config;
use std::path::{Path, PathBuf};

/// Where repository files are and how pages link them.
#[derive(Debug, Clone, Default)]
pub struct RepoFiles {
    repo_root: PathBuf,
    /// The site root relative to the repository root, `""` or ending with `/` (`docs/`).
    site_prefix: String,
    /// `repo_url` without a trailing slash; empty when unset.
    web: String,
    branch: String,
}

/// An existing file or directory of the repository a link names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoFile {
    /// Relative to the repository root.
    pub path: String,
    pub is_dir: bool,
    pub fragment: Option<String>,
}

impl RepoFiles {
    pub fn new(config: &Config) -> RepoFiles {
        let root = config.root.canonicalize().unwrap_or(config.root.clone());
        let repo_root = root
            .ancestors()
            .find(|d| d.join(".git").exists())
            .unwrap_or(&root)
            .to_path_buf();
        let site_prefix = match root.strip_prefix(&repo_root) {
            Ok(p) if p.as_os_str().is_empty() => String::new(),
            Ok(p) => format!("{}/", p.to_string_lossy().replace('\\', "/")),
            Err(_) => String::new(),
        };
        RepoFiles {
            repo_root,
            site_prefix,
            web: config.site.repo_url.trim_end_matches('/').to_string(),
            branch: config.site.repo_branch.clone(),
        }
    }

    /// The existing repository file or directory the relative link `dest`, written in the
    /// site-root-relative file `source_rel`, names; `None` for external, absolute and
    /// fragment-only links, links above the repository and files that exist nowhere.
    pub fn resolve(&self, source_rel: &str, dest: &str) -> Option<RepoFile> {
        let (path, fragment) = resolve_relative_under(&self.site_prefix, source_rel, dest)?;
        let full = self.repo_root.join(&path);
        let meta = std::fs::metadata(&full).ok()?;
        Some(RepoFile {
            path,
            is_dir: meta.is_dir(),
            fragment,
        })
    }

    /// The URL a built page links `file` with (see the module's decisions).
    pub fn href(&self, file: &RepoFile) -> String {
        let fragment = file
            .fragment
            .as_ref()
            .map_or(String::new(), |f| format!("#{f}"));
        if self.web.is_empty() {
            let in_site = file
                .path
                .strip_prefix(&self.site_prefix)
                .unwrap_or(&file.path);
            return format!("/{in_site}{fragment}");
        }
        let view = if file.is_dir { "tree" } else { "blob" };
        let gitlab = if self.web.contains("gitlab") {
            "-/"
        } else {
            ""
        };
        format!(
            "{}/{gitlab}{view}/{}/{}{fragment}",
            self.web, self.branch, file.path
        )
    }

    /// The repository root (for messages and tests).
    pub fn repo_root(&self) -> &Path {
        &self.repo_root
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(root: &Path, web: &str, prefix: &str) -> RepoFiles {
        RepoFiles {
            repo_root: root.to_path_buf(),
            site_prefix: prefix.into(),
            web: web.into(),
            branch: "dev".into(),
        }
    }

    #[test]
    fn links_existing_files_to_the_repository_view() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("docker/spark")).unwrap();
        std::fs::write(dir.path().join("docker/spark/README.md"), "x").unwrap();
        let repo = files(dir.path(), "https://git.example/o/r/", "");
        let f = repo
            .resolve("docs/recipes/a.md", "../../docker/spark/README.md#build")
            .unwrap();
        assert_eq!(f.path, "docker/spark/README.md");
        assert_eq!(
            files(dir.path(), "https://git.example/o/r", "").href(&f),
            "https://git.example/o/r/blob/dev/docker/spark/README.md#build"
        );
        let d = repo.resolve("docs/a.md", "../docker/spark/").unwrap();
        assert!(d.is_dir);
        assert_eq!(
            files(dir.path(), "https://git.example/o/r", "").href(&d),
            "https://git.example/o/r/tree/dev/docker/spark"
        );
        assert_eq!(files(dir.path(), "", "").href(&d), "/docker/spark");
        assert_eq!(repo.resolve("docs/a.md", "../docker/nope.md"), None);
        assert_eq!(repo.resolve("a.md", "../../x"), None);
        assert_eq!(repo.resolve("a.md", "https://x/y"), None);
    }

    #[test]
    fn a_site_below_the_repository_links_above_its_root() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("scripts")).unwrap();
        std::fs::write(dir.path().join("scripts/run.py"), "").unwrap();
        let repo = files(dir.path(), "", "site/");
        let f = repo
            .resolve("content/recipes/a.md", "../../../scripts/run.py")
            .unwrap();
        assert_eq!(f.path, "scripts/run.py");
        assert_eq!(repo.href(&f), "/scripts/run.py");
    }
}
