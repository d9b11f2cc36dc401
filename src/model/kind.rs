//! kind: the one type for "kind of source" — recipes, issues, presets, notebooks, scripts —
//! with its name, title, URL, navigation and backlink orders, and which files it owns. Check
//! (`check --only`), render, search, serve and scaffold all read it from here.

use super::Site;
use crate::config::Sources;

/// A kind of page-producing source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceKind {
    /// Files under `[sources] recipes`.
    Recipes,
    /// Files under `[sources] issues`.
    Issues,
    /// Preset values files (`[sources] presets`), the chart contracts they target (every file of
    /// a chart directory) and the Rego policies (`[sources] policies`).
    Presets,
    /// Files under `[sources] notebooks`.
    Notebooks,
    /// Files under `[sources] scripts`.
    Scripts,
}

impl SourceKind {
    /// Every kind, in navigation order (the site's menu and home page).
    pub const ALL: [SourceKind; 5] = [
        SourceKind::Recipes,
        SourceKind::Issues,
        SourceKind::Presets,
        SourceKind::Notebooks,
        SourceKind::Scripts,
    ];

    /// The singular name templates and the search index use: `recipe`, `issue`, `preset`,
    /// `notebook`, `script`.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Recipes => "recipe",
            SourceKind::Issues => "issue",
            SourceKind::Presets => "preset",
            SourceKind::Notebooks => "notebook",
            SourceKind::Scripts => "script",
        }
    }

    /// Plural title, for headings and navigation.
    pub fn title(self) -> &'static str {
        match self {
            SourceKind::Recipes => "Recipes",
            SourceKind::Issues => "Issues",
            SourceKind::Presets => "Presets",
            SourceKind::Notebooks => "Notebooks",
            SourceKind::Scripts => "Scripts",
        }
    }

    /// The `[sources]` key of site.toml that configures this kind (also the plural name).
    pub fn key(self) -> &'static str {
        match self {
            SourceKind::Recipes => "recipes",
            SourceKind::Issues => "issues",
            SourceKind::Presets => "presets",
            SourceKind::Notebooks => "notebooks",
            SourceKind::Scripts => "scripts",
        }
    }

    /// The stable URL of the kind's index page: `/recipes/`.
    pub fn url(self) -> String {
        format!("/{}/", self.key())
    }

    /// Order of a kind in backlink lists: recipes, notebooks, scripts, presets, issues.
    pub fn order(self) -> usize {
        match self {
            SourceKind::Recipes => 0,
            SourceKind::Notebooks => 1,
            SourceKind::Scripts => 2,
            SourceKind::Presets => 3,
            SourceKind::Issues => 4,
        }
    }

    /// The directory site.toml sets for this kind (`None` for presets, which are globs, and for
    /// a kind the site does not configure).
    pub fn dir(self, sources: &Sources) -> Option<&str> {
        match self {
            SourceKind::Recipes => sources.recipes.as_deref(),
            SourceKind::Issues => sources.issues.as_deref(),
            SourceKind::Notebooks => sources.notebooks.as_deref(),
            SourceKind::Scripts => sources.scripts.as_deref(),
            SourceKind::Presets => None,
        }
    }

    /// Whether site.toml configures sources of this kind.
    pub fn configured(self, sources: &Sources) -> bool {
        match self {
            SourceKind::Presets => !sources.presets.is_empty(),
            k => k.dir(sources).is_some(),
        }
    }

    /// Whether the root-relative `file` is a source of this kind on `site` (`check --only`).
    pub fn owns(self, site: &Site, file: &str) -> bool {
        let s = &site.config.site.sources;
        if self != SourceKind::Presets {
            return self.dir(s).is_some_and(|d| is_under(file, d));
        }
        if s.policies.as_deref().is_some_and(|d| is_under(file, d))
            || site.presets.iter().any(|p| p.source.rel == file)
        {
            return true;
        }
        let mut charts = site.charts.iter().chain(&site.subcharts);
        if charts.any(|c| is_under(file, &c.rel)) {
            return true;
        }
        // Files the globs name, loaded or not (a preset that is not valid UTF-8), and the
        // files of chart directories that did not load (`chart-invalid`).
        let globs = &site.config.globs;
        globs.presets.is_match(file) || globs.charts.matches_path_or_parent(file)
    }
}

/// `content/recipes/`, `./content/recipes` → `content/recipes`; `.` → `` (the root).
pub fn normalize_dir(dir: &str) -> &str {
    let d = dir.trim_start_matches("./").trim_end_matches('/');
    if d == "." {
        ""
    } else {
        d
    }
}

fn is_under(file: &str, dir: &str) -> bool {
    let dir = normalize_dir(dir);
    dir.is_empty() || file == dir || file.starts_with(&format!("{dir}/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_titles_urls_agree() {
        for k in SourceKind::ALL {
            assert_eq!(k.url(), format!("/{}/", k.title().to_lowercase()));
            assert_eq!(k.key(), format!("{}s", k.as_str()));
        }
        let mut by_order = SourceKind::ALL;
        by_order.sort_by_key(|k| k.order());
        let names: Vec<&str> = by_order.iter().map(|k| k.as_str()).collect();
        assert_eq!(names, ["recipe", "notebook", "script", "preset", "issue"]);
    }

    #[test]
    fn dirs_normalize() {
        assert!(is_under("content/recipes/a.md", "./content/recipes/"));
        assert!(!is_under("content/recipes2/a.md", "content/recipes"));
        assert!(is_under("anything.md", "."));
    }
}
