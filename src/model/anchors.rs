//! anchors: what a link in a page may point at — the ids `render` gives headings, and relative
//! link targets resolved to root-relative source paths. Checks judge `#fragment` links against
//! exactly these, and render writes exactly these, so the two cannot disagree.

use crate::load::recipe::markdown_options;
use crate::util::slug::{heading_id, unique_id};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use std::collections::HashSet;

/// A heading of a Markdown body: its 1-based line in the body, level (1–6) and plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub line: usize,
    pub level: u32,
    pub text: String,
}

/// Every heading of a body, in order (headings inside code blocks are code, not headings).
pub fn headings(body: &str) -> Vec<Heading> {
    let lines = crate::util::lines::LineIndex::new(body);
    let mut out = Vec::new();
    let mut current: Option<Heading> = None;
    for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                current = Some(Heading {
                    line: lines.line(range.start),
                    level: level as u32,
                    text: String::new(),
                })
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = current.as_mut() {
                    h.text.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => out.extend(current.take()),
            _ => {}
        }
    }
    out
}

/// The ids `render` gives a body's headings (h2 and below; the leading h1 gets none), in order.
/// Link checks use this so `#fragment` links are judged against exactly what the site has.
pub fn heading_ids(body: &str) -> Vec<String> {
    let mut used: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    let mut seen_heading = false;
    let mut iter = Parser::new_ext(body, markdown_options());
    while let Some(event) = iter.next() {
        if let Event::Start(Tag::Heading { level, id, .. }) = event {
            let mut text = String::new();
            for e in iter.by_ref() {
                match e {
                    Event::End(TagEnd::Heading(_)) => break,
                    Event::Text(t) | Event::Code(t) => text.push_str(&t),
                    _ => {}
                }
            }
            if level == HeadingLevel::H1 && !seen_heading {
                seen_heading = true;
                continue;
            }
            seen_heading = true;
            out.push(unique_id(
                id.map(|i| i.to_string())
                    .unwrap_or_else(|| heading_id(&text)),
                &mut used,
            ));
        }
    }
    out
}

/// Normalizes `a/b/../c` → `a/c`; `None` when it climbs above the root.
pub fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Resolves a relative link target written in `source_rel` to a root-relative path (fragment and
/// query stripped). `None` for external, absolute or fragment-only links.
pub fn resolve_relative(source_rel: &str, dest: &str) -> Option<(String, Option<String>)> {
    resolve_relative_under("", source_rel, dest)
}

/// [`resolve_relative`] for a site that lives at `prefix` (`docs/`) inside a larger tree: the
/// result is relative to that tree, so a link may climb above the site root into it.
pub fn resolve_relative_under(
    prefix: &str,
    source_rel: &str,
    dest: &str,
) -> Option<(String, Option<String>)> {
    if dest.is_empty()
        || dest.starts_with(['#', '/'])
        || dest.contains("://")
        || dest.starts_with("mailto:")
        || dest.starts_with("data:")
        || dest.starts_with("tel:")
    {
        return None;
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (dest, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    let dir = source_rel.rsplit_once('/').map_or("", |(d, _)| d);
    let joined = format!("{prefix}{dir}/{path}");
    Some((normalize(&percent_decode(&joined))?, fragment))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_relative_paths() {
        assert_eq!(
            resolve_relative("a/b/c.md", "../d.md#x"),
            Some(("a/d.md".into(), Some("x".into())))
        );
        assert_eq!(resolve_relative("a.md", "../../x.md"), None);
        assert_eq!(resolve_relative("a.md", "https://x"), None);
    }

    #[test]
    fn ids_of_a_body() {
        assert_eq!(
            heading_ids("# Title\n\n## Root cause\n\n## Root cause\n"),
            vec!["root-cause".to_string(), "root-cause-1".to_string()]
        );
    }
}
