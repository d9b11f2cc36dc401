//! YAML blocks (`yaml-syntax`): the first error of a YAML stream.
//!
//! Decisions:
//! - Parsed raw (`<namespace>` is a valid plain scalar); several documents, anchors and
//!   aliases are valid; duplicate keys are an error (kubectl and Helm reject them). When the raw
//!   text fails, the placeholder-neutralized text is tried, and a block that holds Go template
//!   actions (`{{ ... }}`) is a Helm template, not YAML, and is skipped.
//! - A block that shows two versions side by side, each under a comment label at the left margin
//!   (`# BEFORE (BROKEN):` … `# AFTER (FIXED):`, `# ❌ Wrong` … `# ✅ Right`, `# Было:` …
//!   `# Стало:`), is checked one version at a time: the key both versions set is no duplicate.

use super::SyntaxError;
use serde::Deserialize;

fn yaml_parse(text: &str) -> Result<(), SyntaxError> {
    for doc in serde_yaml_ng::Deserializer::from_str(text) {
        if let Err(e) = serde_yaml_ng::Value::deserialize(doc) {
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            let (mut line, mut column) = e
                .location()
                .map(|l| (l.line(), l.column()))
                .unwrap_or((1, 1));
            if let Some(key) = msg.strip_prefix("duplicate entry with key ") {
                let key = key.trim_matches('"');
                if let Some(l) = second_key_line(text, key) {
                    line = l.0;
                    column = l.1;
                }
            }
            return Err(SyntaxError::new(
                line,
                column,
                format!("invalid YAML: {msg}"),
            ));
        }
    }
    Ok(())
}

/// Where a duplicated key appears the second time (best effort; YAML reports the map).
fn second_key_line(text: &str, key: &str) -> Option<(usize, usize)> {
    let forms = [
        format!("{key}:"),
        format!("\"{key}\":"),
        format!("'{key}':"),
    ];
    let mut seen: std::collections::HashMap<usize, usize> = Default::default();
    for (i, line) in text.lines().enumerate() {
        let body = line.trim_start();
        let body_dash = body.strip_prefix("- ").map(str::trim_start).unwrap_or(body);
        if forms.iter().any(|f| body_dash.starts_with(f.as_str())) {
            let indent = line.len() - body_dash.len();
            let n = seen.entry(indent).or_insert(0);
            *n += 1;
            if *n == 2 {
                return Some((i + 1, indent + 1));
            }
        }
    }
    None
}

/// Whether a comment line at the left margin labels one version of a side-by-side comparison.
fn version_label(line: &str) -> bool {
    let Some(text) = line.strip_prefix('#') else {
        return false;
    };
    let text = text.trim();
    if crate::load::mistakes::verdict(text) != crate::load::mistakes::Verdict::Neutral {
        return true;
    }
    let first: String = text
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    const WORDS: &[&str] = &[
        "before",
        "after",
        "old",
        "new",
        "broken",
        "fixed",
        "было",
        "стало",
        "до",
        "после",
    ];
    WORDS.contains(&first.as_str()) && text.trim_end().ends_with(':')
}

/// The versions of a side-by-side block, as (first line, text), when it has two or more labels.
fn versions(code: &str) -> Option<Vec<(usize, String)>> {
    let starts: Vec<usize> = code
        .lines()
        .enumerate()
        .filter(|(_, l)| version_label(l))
        .map(|(i, _)| i)
        .collect();
    if starts.len() < 2 {
        return None;
    }
    let lines: Vec<&str> = code.lines().collect();
    let mut out = Vec::new();
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(lines.len());
        out.push((start, lines[start..end].join("\n")));
    }
    Some(out)
}

/// The first YAML error of `code`, if any (see the module docs for what counts as valid).
pub fn yaml_error(code: &str, neutralize: impl Fn(&str) -> String) -> Option<SyntaxError> {
    let err = yaml_parse(code).err()?;
    if let Some(parts) = versions(code) {
        // Each version on its own; an error keeps its line in the block.
        for (start, text) in parts {
            if let Err(mut e) = yaml_parse(&text) {
                if yaml_parse(&neutralize(&text)).is_ok() {
                    continue;
                }
                e.line += start;
                return Some(e);
            }
        }
        return None;
    }
    if code.contains("{{") && code.contains("}}") {
        return None; // a Helm/Go template, not YAML
    }
    let neutral = neutralize(code);
    if neutral != code && yaml_parse(&neutral).is_ok() {
        return None;
    }
    Some(err)
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::lang::neutral;

    #[test]
    fn versions_side_by_side_are_parsed_apart() {
        let ok = "# BEFORE (BROKEN):\ninitContainers:\n  - name: wait\n\n# AFTER (FIXED):\ninitContainers: []\n";
        assert!(yaml_error(ok, neutral).is_none());
        let bad = "# ❌ Wrong:\na: 1\n# ✅ Right:\na: [1\n";
        // The error of the second version, within it (an unclosed `[` is reported where the
        // version's text ends).
        let e = yaml_error(bad, neutral).expect("the second version is invalid");
        assert!((4..=5).contains(&e.line), "{}", e.line);
        // Without labels the duplicate stays an error.
        assert!(yaml_error("a: 1\n# note\na: 2\n", neutral).is_some());
    }

    #[test]
    fn yaml_valid_and_invalid() {
        assert_eq!(
            yaml_error("a: <namespace>\nb:\n  - <item>\n<key>: [<x>]\n", neutral),
            None
        );
        assert_eq!(
            yaml_error("base: &b\n  cpu: 1\na:\n  <<: *b\n---\n- x\n", neutral),
            None
        );
        assert_eq!(
            yaml_error("{{- if .Values.x }}\nkind: Pod\n{{- end }}\n", neutral),
            None
        );
        let e = yaml_error("a:\n  b: 1\n c: 2\n", neutral).unwrap();
        assert_eq!((e.line, e.column), (3, 2));
        let e = yaml_error("x: 0\na: 1\na: 2\n", neutral).unwrap();
        assert_eq!((e.line, e.column), (3, 1), "{e:?}");
        assert!(e.message.contains("duplicate"));
    }
}
