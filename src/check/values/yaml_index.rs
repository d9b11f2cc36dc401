//! Where the keys of a preset are in its text, so values findings point at the key.

use crate::model::values::Seg;

/// Where the keys of a block-style YAML file are: key path → 1-based line and column of the key.
/// Indentation-aware; handles comments, quoted keys, `- ` list items (also compact lists at the
/// parent's indentation), anchors/tags, block scalars, multi-line scalars and several documents
/// (`---`). Keys inside flow collections (`{a: 1}`) are not indexed: lookups fall back to the
/// nearest indexed ancestor, then to line 1.
pub struct YamlIndex {
    entries: Vec<(Vec<Seg>, usize, usize)>,
}

struct Frame {
    indent: isize,
    seg: Option<Seg>,
    is_item: bool,
    items: usize,
}

impl YamlIndex {
    pub fn new(text: &str) -> YamlIndex {
        let mut entries = Vec::new();
        let root = || Frame {
            indent: -1,
            seg: None,
            is_item: false,
            items: 0,
        };
        let mut stack: Vec<Frame> = vec![root()];
        let mut skip_deeper_than: Option<usize> = None;
        for (n, raw) in text.lines().enumerate() {
            let line_no = n + 1;
            let chars: Vec<char> = raw.trim_end_matches('\r').chars().collect();
            let indent = chars.iter().take_while(|c| **c == ' ').count();
            let rest_blank = chars[indent.min(chars.len())..]
                .iter()
                .all(|c| c.is_whitespace());
            if let Some(limit) = skip_deeper_than {
                if rest_blank || indent > limit {
                    continue;
                }
                skip_deeper_than = None;
            }
            if rest_blank || chars.get(indent) == Some(&'#') {
                continue;
            }
            if indent == 0 {
                let starts = |p: &str| {
                    raw.starts_with(p)
                        && raw[p.len()..]
                            .chars()
                            .next()
                            .is_none_or(char::is_whitespace)
                };
                if starts("---") || starts("...") {
                    stack.clear();
                    stack.push(root());
                    continue;
                }
                if raw.starts_with('%') {
                    continue;
                }
            }
            let mut pos = indent;
            let mut item_col: Option<usize> = None;
            // Sequence entries, possibly nested on one line (`- - a`).
            while chars.get(pos) == Some(&'-')
                && chars.get(pos + 1).is_none_or(|c| *c == ' ' || *c == '\t')
            {
                let col = pos as isize;
                while stack.len() > 1
                    && stack
                        .last()
                        .is_some_and(|f| f.indent > col || (f.indent == col && f.is_item))
                {
                    stack.pop();
                }
                let idx = match stack.last_mut() {
                    Some(top) => {
                        top.items += 1;
                        top.items - 1
                    }
                    None => 0,
                };
                stack.push(Frame {
                    indent: col,
                    seg: Some(Seg::Index(idx)),
                    is_item: true,
                    items: 0,
                });
                item_col = Some(pos);
                pos += 1;
                while chars.get(pos).is_some_and(|c| *c == ' ' || *c == '\t') {
                    pos += 1;
                }
            }
            if pos >= chars.len() || chars.get(pos) == Some(&'#') {
                continue;
            }
            match parse_key(&chars, pos) {
                Some((key, key_col, after)) => {
                    let col = key_col as isize;
                    while stack.len() > 1 && stack.last().is_some_and(|f| f.indent >= col) {
                        stack.pop();
                    }
                    stack.push(Frame {
                        indent: col,
                        seg: Some(Seg::Key(key)),
                        is_item: false,
                        items: 0,
                    });
                    let path: Vec<Seg> = stack.iter().filter_map(|f| f.seg.clone()).collect();
                    entries.push((path, line_no, key_col + 1));
                    let value = value_text(&chars[after.min(chars.len())..]);
                    if !value.is_empty() {
                        // A scalar, block scalar, alias or flow collection: deeper lines belong to it.
                        skip_deeper_than = Some(key_col);
                    }
                }
                None => {
                    if let Some(c) = item_col {
                        skip_deeper_than = Some(c);
                    }
                }
            }
        }
        YamlIndex { entries }
    }

    /// Line and column of the key at `path`, else of its nearest indexed ancestor, else (1, 1).
    /// The last occurrence wins (later documents override earlier ones).
    pub fn locate(&self, path: &[Seg]) -> (usize, usize) {
        for len in (1..=path.len()).rev() {
            let want = &path[..len];
            if let Some((_, l, c)) = self
                .entries
                .iter()
                .rev()
                .find(|(p, _, _)| p.as_slice() == want)
            {
                return (*l, *c);
            }
        }
        (1, 1)
    }

    /// Whether `path` is indexed exactly.
    pub fn contains(&self, path: &[Seg]) -> bool {
        self.entries.iter().any(|(p, _, _)| p.as_slice() == path)
    }
}

/// The value part after `key:`, without a trailing comment and leading anchors/tags.
fn value_text(rest: &[char]) -> String {
    let s: String = rest.iter().collect();
    let mut v = s.trim();
    // Strip a comment (` #` outside quotes; good enough for deciding emptiness).
    if v.starts_with('#') {
        v = "";
    }
    let mut words: Vec<&str> = v.split_whitespace().collect();
    while words
        .first()
        .is_some_and(|w| w.starts_with('&') || w.starts_with('!'))
    {
        words.remove(0);
    }
    if words.first().is_some_and(|w| w.starts_with('#')) {
        return String::new();
    }
    words.join(" ")
}

/// A mapping key at `pos`: its text, the column (0-based) where it starts, and the index just
/// after its `:`.
fn parse_key(chars: &[char], mut pos: usize) -> Option<(String, usize, usize)> {
    // Anchors and tags before a key (`&a key: v`).
    for _ in 0..4 {
        match chars.get(pos) {
            Some('&') | Some('!') => {
                while chars.get(pos).is_some_and(|c| !c.is_whitespace()) {
                    pos += 1;
                }
                while chars.get(pos).is_some_and(|c| c.is_whitespace()) {
                    pos += 1;
                }
            }
            _ => break,
        }
    }
    let start = pos;
    let first = *chars.get(pos)?;
    let colon_ok =
        |i: usize| chars.get(i) == Some(&':') && chars.get(i + 1).is_none_or(|c| c.is_whitespace());
    if first == '"' || first == '\'' {
        let mut key = String::new();
        let mut i = pos + 1;
        loop {
            let c = *chars.get(i)?;
            if first == '\'' && c == '\'' {
                if chars.get(i + 1) == Some(&'\'') {
                    key.push('\'');
                    i += 2;
                    continue;
                }
                break;
            }
            if first == '"' && c == '\\' {
                let e = *chars.get(i + 1)?;
                key.push(match e {
                    'n' => '\n',
                    't' => '\t',
                    other => other,
                });
                i += 2;
                continue;
            }
            if first == '"' && c == '"' {
                break;
            }
            key.push(c);
            i += 1;
        }
        let mut j = i + 1;
        while chars.get(j).is_some_and(|c| *c == ' ' || *c == '\t') {
            j += 1;
        }
        return colon_ok(j).then_some((key, start, j + 1));
    }
    if "[]{},|>*?%@`#".contains(first) {
        return None;
    }
    if first == '-' && chars.get(pos + 1).is_none_or(|c| c.is_whitespace()) {
        return None;
    }
    let mut i = pos;
    while i < chars.len() {
        if colon_ok(i) {
            let key: String = chars[start..i].iter().collect();
            return Some((key.trim_end().to_string(), start, i + 1));
        }
        if chars[i] == '#' && i > 0 && chars[i - 1].is_whitespace() {
            return None;
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> Seg {
        Seg::Key(s.into())
    }

    #[test]
    fn index_locates_keys() {
        let text = "# comment\ntop:\n  a: 1   # c\n  \"quoted key\": x\n  list:\n  - name: n\n    value: v\n  -   other: o\n  block: |\n    not: a key\n  next: &anchor\n    inner: 2\n---\ntop:\n  late: 3\n";
        let ix = YamlIndex::new(text);
        assert_eq!(ix.locate(&[k("top"), k("a")]), (3, 3));
        assert_eq!(ix.locate(&[k("top"), k("quoted key")]), (4, 3));
        assert_eq!(
            ix.locate(&[k("top"), k("list"), Seg::Index(0), k("value")]),
            (7, 5)
        );
        assert_eq!(
            ix.locate(&[k("top"), k("list"), Seg::Index(1), k("other")]),
            (8, 7)
        );
        assert!(!ix.contains(&[k("top"), k("block"), k("not")]));
        assert_eq!(ix.locate(&[k("top"), k("next"), k("inner")]), (12, 5));
        assert_eq!(ix.locate(&[k("top"), k("late")]), (15, 3));
        // Unknown paths fall back to the nearest ancestor, then to line 1.
        assert_eq!(ix.locate(&[k("top"), k("a"), k("deeper")]), (3, 3));
        assert_eq!(ix.locate(&[k("nothing")]), (1, 1));
    }

    #[test]
    fn index_survives_odd_yaml() {
        for t in [
            "",
            "-",
            "- - a",
            ":",
            "\"unterminated: x",
            "a: [1,\n  2]\nb: 1",
            "? complex\n: v",
            "\t\ta: 1",
            "a:\n - b\n -\n - c: d",
        ] {
            let ix = YamlIndex::new(t);
            let _ = ix.locate(&[k("a"), Seg::Index(3)]);
        }
        let ix = YamlIndex::new("a: [1,\n  2]\nb: 1\n");
        assert_eq!(ix.locate(&[k("b")]), (3, 1));
    }
}
