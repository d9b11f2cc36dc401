//! signatures: log signatures (Rust-syntax regexes in the `signatures:` front matter of recipes
//! and issues) — which pages carry them, how specific each one is (the ranking key `triage` and
//! the browser's paste box share), and whether it would mean the same in the browser, where the
//! paste box matches it. Checks warn about signatures that would not (`signature-invalid`);
//! search leaves them out of the browser's list.

use super::{PageRef, Site};
use std::sync::Arc;

/// Every page that carries signatures (recipes, then issues), with them, in a stable order.
pub fn signed_pages(site: &Site) -> Vec<(PageRef, &[String])> {
    site.all_pages()
        .into_iter()
        .filter_map(|r| {
            let sigs: &[String] = match r {
                PageRef::Recipe(i) => &site.recipes[i].signatures,
                PageRef::Issue(i) => &site.issues[i].signatures,
                _ => return None,
            };
            (!sigs.is_empty()).then_some((r, sigs))
        })
        .collect()
}

/// Compiles a signature the way every consumer does (bounded size); `None` when it does not.
pub fn compile(sig: &str) -> Option<Arc<regex::Regex>> {
    compile_checked(sig).ok()
}

/// [`compile`] with the compiler's message when it fails. Remembered for the process (compiling
/// the site's signatures again on every `serve` rebuild took most of the check stage), and shared
/// rather than cloned: a cloned `Regex` starts with empty match caches, so every rebuild would
/// build its automata again.
pub fn compile_checked(sig: &str) -> Result<Arc<regex::Regex>, String> {
    static COMPILED: crate::memo::Memo<String, Result<Arc<regex::Regex>, String>> =
        crate::memo::Memo::new(10_000);
    COMPILED.get_or_insert_with(sig.to_string(), || {
        regex::RegexBuilder::new(sig)
            .size_limit(1 << 20)
            .build()
            .map(Arc::new)
            .map_err(|e| e.to_string())
    })
}

/// How specific a signature is: the number of literal characters every match of it must contain
/// (escapes such as `\.` count one, classes, `.`, `\w`/`\d`/`\s` and optional parts count
/// none, an alternation counts its shortest branch, `{n,m}` counts `n` times). A longer literal
/// is rarer in logs, so `triage` and the paste box put the page with the most specific matching
/// signature first.
pub fn specificity(sig: &str) -> usize {
    let chars: Vec<char> = sig.strip_prefix("(?i)").unwrap_or(sig).chars().collect();
    let mut pos = 0;
    alternation(&chars, &mut pos)
}

fn alternation(c: &[char], pos: &mut usize) -> usize {
    let mut best = sequence(c, pos);
    while *pos < c.len() && c[*pos] == '|' {
        *pos += 1;
        best = best.min(sequence(c, pos));
    }
    best
}

fn sequence(c: &[char], pos: &mut usize) -> usize {
    let mut total = 0;
    while *pos < c.len() && c[*pos] != '|' && c[*pos] != ')' {
        let atom = match c[*pos] {
            '\\' => {
                *pos += 2;
                match c.get(*pos - 1) {
                    Some(ch) if "dDwWsSbBAzpP".contains(*ch) || ch.is_ascii_digit() => 0,
                    Some(_) => 1,
                    None => 0,
                }
            }
            '[' => {
                *pos += 1;
                if c.get(*pos) == Some(&'^') {
                    *pos += 1;
                }
                if c.get(*pos) == Some(&']') {
                    *pos += 1;
                }
                while *pos < c.len() && c[*pos] != ']' {
                    *pos += if c[*pos] == '\\' { 2 } else { 1 };
                }
                *pos += 1;
                0
            }
            '(' => {
                *pos += 1;
                if c.get(*pos) == Some(&'?') {
                    // (?:  (?<name>  (?P<name>  (?=  (?i)
                    while *pos < c.len() && !matches!(c[*pos], ':' | '>' | ')' | '=' | '!') {
                        *pos += 1;
                    }
                    if c.get(*pos) == Some(&')') {
                        *pos += 1;
                        continue;
                    }
                    *pos += 1;
                }
                let inner = alternation(c, pos);
                *pos += 1; // ')'
                inner
            }
            '.' | '^' | '$' => {
                *pos += 1;
                0
            }
            _ => {
                *pos += 1;
                1
            }
        };
        // A quantifier applies to the atom just read.
        let mut n = atom;
        match c.get(*pos) {
            Some('?') | Some('*') => {
                n = 0;
                *pos += 1;
            }
            Some('+') => *pos += 1,
            Some('{') => {
                let close = c[*pos..].iter().position(|&x| x == '}');
                if let Some(close) = close {
                    let body: String = c[*pos + 1..*pos + close].iter().collect();
                    let min = body
                        .split(',')
                        .next()
                        .unwrap_or("")
                        .trim()
                        .parse()
                        .unwrap_or(1);
                    n = atom * min;
                    *pos += close + 1;
                }
            }
            _ => {}
        }
        if matches!(c.get(*pos), Some('?') | Some('+')) {
            *pos += 1; // lazy or possessive suffix
        }
        total += n;
    }
    total
}

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

/// A Rust-syntax signature as a JavaScript `RegExp`: `(?i)` at the start becomes the `i` flag.
/// Returns `None` for constructs JavaScript does not share with Rust's regex syntax (other inline
/// flags, `\A`, `\z`, `(?P<`, Unicode classes such as `\p{Greek}` need the `u` flag we do not set).
pub fn js_regex(sig: &str) -> Option<(String, String)> {
    let (source, flags) = match sig.strip_prefix("(?i)") {
        Some(rest) => (rest, "i"),
        None => (sig, ""),
    };
    if js_incompatibility(source).is_some() {
        return None;
    }
    Some((source.to_string(), flags.to_string()))
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

    #[test]
    fn specificity_counts_required_literal_characters() {
        assert_eq!(specificity("OOMKilled"), 9);
        assert_eq!(specificity(r"java\.lang\.OutOfMemoryError"), 26);
        assert_eq!(specificity(r"Exit Code:\s+137"), 13);
        assert_eq!(specificity(r"(Permission denied|Read-only)"), 9);
        assert_eq!(specificity(r"bad address '[\w.-]+'"), 14);
        assert_eq!(specificity(r"(?i)x?yz{2}"), 3);
        assert_eq!(specificity(r"(?:ab)+c"), 3);
    }
}
