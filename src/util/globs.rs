//! globs: a list of glob patterns compiled once into one matcher.
//!
//! The configuration compiles `[check] ignore` and `[sources] presets`/`charts` when site.toml
//! loads ([`crate::config::Config::globs`] holds them), so no stage rebuilds a glob set per file
//! or per finding.
//!
//! Decisions: paths are matched as root-relative strings with `/` separators. Two flavours,
//! kept from the behaviour users rely on: [`Separator::Literal`] (`*` stays inside one path
//! segment, like a shell; `**` crosses segments) for `[sources]`, and [`Separator::Any`] (`*`
//! also crosses `/`) for `[check] ignore`, where `content/*.md` has always silenced a whole tree.

/// Whether `*` and `?` may match `/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separator {
    /// `*` matches within one path segment.
    Literal,
    /// `*` matches across segments too.
    Any,
}

/// Glob patterns compiled into one matcher, with the patterns kept for display and walking.
#[derive(Debug, Clone)]
pub struct Globs {
    patterns: Vec<String>,
    set: globset::GlobSet,
}

/// A pattern that does not compile: the pattern and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobError {
    pub pattern: String,
    pub message: String,
}

impl Globs {
    /// Compiles `patterns`; the first one that does not compile is the error.
    pub fn new(patterns: &[String], separator: Separator) -> Result<Globs, GlobError> {
        let mut builder = globset::GlobSetBuilder::new();
        for p in patterns {
            let glob = globset::GlobBuilder::new(p)
                .literal_separator(separator == Separator::Literal)
                .build()
                .map_err(|e| GlobError {
                    pattern: p.clone(),
                    message: e.kind().to_string(),
                })?;
            builder.add(glob);
        }
        let set = builder.build().map_err(|e| GlobError {
            pattern: patterns.join(", "),
            message: e.to_string(),
        })?;
        Ok(Globs {
            patterns: patterns.to_vec(),
            set,
        })
    }

    /// A matcher that matches nothing.
    pub fn empty() -> Globs {
        Globs {
            patterns: Vec::new(),
            set: globset::GlobSet::empty(),
        }
    }

    /// Whether any pattern matches the root-relative `path`.
    pub fn is_match(&self, path: &str) -> bool {
        self.set.is_match(path)
    }

    /// Whether `path` or one of its parent directories matches (a file inside a matched
    /// directory).
    pub fn matches_path_or_parent(&self, path: &str) -> bool {
        let mut dir = path;
        loop {
            if self.set.is_match(dir) {
                return true;
            }
            match dir.rfind('/') {
                Some(i) => dir = &dir[..i],
                None => return false,
            }
        }
    }

    /// The patterns as written.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }
}

impl Default for Globs {
    fn default() -> Self {
        Globs::empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn globs(p: &[&str], s: Separator) -> Globs {
        let p: Vec<String> = p.iter().map(|s| s.to_string()).collect();
        Globs::new(&p, s).unwrap()
    }

    #[test]
    fn separators() {
        let literal = globs(&["presets/*.yaml"], Separator::Literal);
        assert!(literal.is_match("presets/a.yaml"));
        assert!(!literal.is_match("presets/x/a.yaml"));
        let any = globs(&["presets/*.yaml"], Separator::Any);
        assert!(any.is_match("presets/x/a.yaml"));
    }

    #[test]
    fn parents_and_errors() {
        let charts = globs(&["charts/*"], Separator::Literal);
        assert!(charts.matches_path_or_parent("charts/spark/values.yaml"));
        assert!(!charts.matches_path_or_parent("content/x.md"));
        let err = Globs::new(&["a/[".to_string()], Separator::Any).unwrap_err();
        assert_eq!(err.pattern, "a/[");
        assert!(Globs::empty().patterns().is_empty());
    }
}
