//! signatures: what a recipe's log signature (a Rust-syntax regex) means in the browser, where
//! the search page's paste box matches it. Checks warn about signatures that would not mean the
//! same there (`signature-invalid`); search leaves them out of the browser's list.

/// Why a Rust-syntax regex would not mean the same in a browser, if it would not. A leading
/// `(?i)` is fine (it becomes the `i` flag), so callers strip it first.
pub fn js_incompatibility(source: &str) -> Option<&'static str> {
    let checks: &[(&str, &str)] = &[
        (
            "(?P<",
            "named groups `(?P<name>…)` are written `(?<name>…)` in JavaScript",
        ),
        (
            "(?i",
            "inline flags other than a leading `(?i)` do not exist in JavaScript",
        ),
        ("(?m", "inline flags do not exist in JavaScript"),
        ("(?s", "inline flags do not exist in JavaScript"),
        ("(?x", "inline flags do not exist in JavaScript"),
        ("(?u", "inline flags do not exist in JavaScript"),
        ("(?U", "inline flags do not exist in JavaScript"),
        ("(?-", "inline flags do not exist in JavaScript"),
        ("\\A", "`\\A` does not exist in JavaScript; use `^`"),
        ("\\z", "`\\z` does not exist in JavaScript; use `$`"),
        ("\\p{", "Unicode classes need the `u` flag in JavaScript"),
        ("\\P{", "Unicode classes need the `u` flag in JavaScript"),
        (
            "\\x{",
            "`\\x{…}` escapes need the `u` flag in JavaScript; write `\\xNN` or `\\uNNNN`",
        ),
        (
            "[[:",
            "POSIX classes `[[:alpha:]]` do not exist in JavaScript",
        ),
    ];
    let mut escaped = false;
    for (i, c) in source.char_indices() {
        if escaped {
            escaped = false;
            // `\\A` is a literal backslash followed by A: only unescaped sequences count.
            if c != '\\' {
                let seq = &source[i - 1..];
                if let Some((_, why)) = checks
                    .iter()
                    .filter(|(p, _)| p.starts_with('\\'))
                    .find(|(p, _)| seq.starts_with(p))
                {
                    return Some(why);
                }
            }
            continue;
        }
        if c == '\\' {
            escaped = true;
            continue;
        }
        let rest = &source[i..];
        if let Some((_, why)) = checks
            .iter()
            .filter(|(p, _)| !p.starts_with('\\'))
            .find(|(p, _)| rest.starts_with(p))
        {
            return Some(why);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_only_regex_constructs_are_refused_for_the_browser() {
        assert!(js_incompatibility(r"(?P<host>[\w.]+)").is_some());
        assert!(js_incompatibility(r"foo(?i)bar").is_some());
        assert!(js_incompatibility(r"\Afoo").is_some());
        assert!(js_incompatibility(r"\p{Greek}+").is_some());
        assert!(js_incompatibility(r"[[:alpha:]]").is_some());
        assert!(js_incompatibility(r"\\A literal backslash then A").is_none());
        assert!(js_incompatibility(r"Failed to connect to [\w.-]+:7078").is_none());
        assert!(
            js_incompatibility(r"Executor [\w/-]+ finished with state (EXITED|FAILED)").is_none()
        );
        assert!(js_incompatibility(r"(?:a|b)").is_none());
    }
}
