//! YAML front matter: splitting it off a Markdown file and deserializing it with file:line errors.

use crate::check::codes::Code;
use crate::diagnostics::Finding;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

/// A Markdown file split into its front matter (if any) and body.
pub struct Split<'a> {
    /// The YAML between the `---` fences, if the file starts with one.
    pub yaml: Option<&'a str>,
    pub body: &'a str,
    /// 1-based line in the file where `body` starts.
    pub body_line: usize,
}

/// Splits `---\n…\n---\n` off the top of `text`. An opening fence without a closing one is
/// reported and the whole file treated as body.
pub fn split<'a>(text: &'a str, rel: &str, findings: &mut Vec<Finding>) -> Split<'a> {
    let first = text.lines().next().unwrap_or("");
    if first.trim_end() == "+++" {
        findings.push(
            Finding::error(
                Code::FrontMatterInvalid,
                rel,
                1,
                1,
                "TOML front matter (`+++`) is not supported; the block would be published as text",
            )
            .with_help("write the front matter as YAML between `---` lines (`title: …`)"),
        );
    }
    if first.trim_end() != "---" {
        return Split {
            yaml: None,
            body: text,
            body_line: 1,
        };
    }
    let after_open = first.len()
        + if text[first.len()..].starts_with("\r\n") {
            2
        } else {
            1
        };
    let rest = &text[after_open.min(text.len())..];
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let yaml = &rest[..offset];
            let body_start = after_open + offset + line.len();
            return Split {
                yaml: Some(yaml),
                body: &text[body_start.min(text.len())..],
                body_line: i + 3,
            };
        }
        offset += line.len();
    }
    findings.push(
        Finding::error(
            Code::FrontMatterInvalid,
            rel,
            1,
            1,
            "front matter starts with `---` but is never closed",
        )
        .with_help("add a line `---` after the last front matter key"),
    );
    Split {
        yaml: None,
        body: text,
        body_line: 1,
    }
}

/// Deserializes front matter into `T`; syntax and type errors become a `front-matter-invalid`
/// finding at the right line of the file (the YAML starts on line 2).
pub fn parse<T: DeserializeOwned + Default>(
    yaml: &str,
    rel: &str,
    findings: &mut Vec<Finding>,
) -> Option<T> {
    if yaml.trim().is_empty() {
        return Some(T::default());
    }
    match serde_yaml_ng::from_str::<T>(yaml) {
        Ok(v) => Some(v),
        Err(e) => {
            let (line, column) = e
                .location()
                .map(|l| (l.line() + 1, l.column()))
                .unwrap_or((2, 1));
            let message = e.to_string();
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or(&message)
                .to_string();
            findings.push(
                Finding::error(
                    Code::FrontMatterInvalid,
                    rel,
                    line,
                    column,
                    format!("invalid front matter: {message}"),
                )
                .with_help("front matter is YAML between two `---` lines at the top of the file"),
            );
            None
        }
    }
}

/// A list of strings that may be written as one scalar (`spark: 4.1`) or a list (`[3.5, "4.1"]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StringList(pub Vec<String>);

impl<'de> Deserialize<'de> for StringList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Scalar {
            S(String),
            F(f64),
            I(i64),
            B(bool),
        }
        impl Scalar {
            fn text(self) -> String {
                match self {
                    Scalar::S(s) => s,
                    Scalar::F(f) => f.to_string(),
                    Scalar::I(i) => i.to_string(),
                    Scalar::B(b) => b.to_string(),
                }
            }
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(Scalar),
            Many(Vec<Scalar>),
            Null(()),
        }
        Ok(match OneOrMany::deserialize(d)? {
            OneOrMany::One(s) => StringList(vec![s.text()]),
            OneOrMany::Many(v) => StringList(v.into_iter().map(Scalar::text).collect()),
            OneOrMany::Null(()) => StringList(Vec::new()),
        })
    }
}

/// `**Key:** value` (or `**Key**: value`) lines in the lead of a Markdown body (before the first
/// `## ` heading), with their 1-based line within the body. Used for metadata in repositories
/// without front matter; bold lead-ins further down are prose, not metadata.
pub fn meta_lines(body: &str) -> Vec<(String, String, usize)> {
    let mut out = Vec::new();
    let mut in_fence = false;
    for (i, line) in body.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        if t.starts_with("## ") {
            break;
        }
        let t = t.trim_start_matches(['-', '*', ' ']).trim_start();
        let t = if line.trim_start().starts_with("**") {
            line.trim_start()
        } else {
            t
        };
        let Some(rest) = t.strip_prefix("**") else {
            continue;
        };
        let Some(end) = rest.find("**") else { continue };
        let inner = &rest[..end];
        let after = &rest[end + 2..];
        let (key, value) = if let Some(k) = inner.strip_suffix(':') {
            (k, after)
        } else if let Some(v) = after.strip_prefix(':') {
            (inner, v)
        } else {
            continue;
        };
        let key = key.trim();
        let value = value.trim();
        if key.is_empty() || key.len() > 40 || key.contains(',') || value.is_empty() {
            continue;
        }
        out.push((key.to_string(), value.to_string(), i + 1));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_counts_body_line() {
        let mut f = Vec::new();
        let s = split("---\ntitle: x\n---\n# Body\n", "a.md", &mut f);
        assert_eq!(s.yaml, Some("title: x\n"));
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_line, 4);
        assert!(f.is_empty());
    }

    #[test]
    fn unclosed_front_matter_is_a_finding() {
        let mut f = Vec::new();
        let s = split("---\ntitle: x\n", "a.md", &mut f);
        assert!(s.yaml.is_none());
        assert_eq!(f[0].code, Code::FrontMatterInvalid);
    }

    #[test]
    fn yaml_error_points_at_file_line() {
        #[derive(Deserialize, Default)]
        #[allow(dead_code)]
        struct T {
            title: Option<String>,
        }
        let mut f = Vec::new();
        let r: Option<T> = parse("title: ok\nbad: [unclosed\n", "a.md", &mut f);
        assert!(r.is_none());
        assert_eq!(f[0].file, "a.md");
        assert!(f[0].line >= 3, "line {}", f[0].line);
    }

    #[test]
    fn meta_lines_both_styles() {
        let m = meta_lines("# T\n**Status:** Resolved\n**Related Issues**: ISSUE-1, ISSUE-2\n```\n**No:** x\n```\n");
        assert_eq!(m[0], ("Status".into(), "Resolved".into(), 2));
        assert_eq!(m[1].0, "Related Issues");
        assert_eq!(m.len(), 2);
    }
}
