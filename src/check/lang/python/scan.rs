//! Python's light scan: logical line starts, CPython's tokenizer errors (strings and brackets)
//! and the f-strings only Python 3.12 reads, found without parsing.

/// CPython's tokenizer refuses 200 nested brackets ("too many nested parentheses").
const MAX_PY_NESTING: usize = 200;

/// What a light scan of Python source knows: which lines begin a logical line (not inside
/// brackets, a string or after a `\` continuation), and where the f-strings are that only
/// Python 3.12 reads (PEP 701: the outer quote reused inside `{}`, backslashes or comments in a
/// replacement field).
pub(super) struct PyScan {
    pub(super) logical_starts: Vec<bool>,
    /// The first error CPython's tokenizer reports: an unterminated string, a closing bracket
    /// that does not match, or else the innermost bracket still open at the end (offset, message).
    pub(super) tokenizer_error: Option<(usize, String)>,
    pub(super) fstrings_312: Vec<(usize, usize)>,
}

pub(super) fn scan_python(text: &str) -> PyScan {
    let b = text.as_bytes();
    let mut starts = vec![true];
    let mut fstrings = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut tokenizer_error: Option<(usize, String)> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\\' if b.get(i + 1) == Some(&b'\n') => {
                starts.push(false);
                i += 2;
                continue;
            }
            b'\\' if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') => {
                starts.push(false);
                i += 3;
                continue;
            }
            b'\n' => {
                starts.push(open.is_empty());
                i += 1;
                continue;
            }
            b'(' | b'[' | b'{' => {
                open.push(i);
                if open.len() > MAX_PY_NESTING {
                    tokenizer_error.get_or_insert((i, "too many nested parentheses".to_string()));
                    break;
                }
            }
            b')' | b']' | b'}' => {
                let want = match c {
                    b')' => b'(',
                    b']' => b'[',
                    _ => b'{',
                };
                match open.pop() {
                    Some(o) if b[o] == want => {}
                    Some(o) => {
                        tokenizer_error.get_or_insert((
                            i,
                            format!(
                                "closing `{}` does not match opening `{}`",
                                c as char, b[o] as char
                            ),
                        ));
                    }
                    None => {
                        tokenizer_error.get_or_insert((i, format!("unmatched `{}`", c as char)));
                    }
                }
            }
            b'\'' | b'"' => {
                let (end, _, terminated) = scan_string(b, i, i, "", &mut starts, &mut fstrings);
                if !terminated {
                    tokenizer_error.get_or_insert((i, unterminated(b, i)));
                }
                i = end;
                continue;
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                let s = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] >= 0x80)
                {
                    i += 1;
                }
                let word = text.get(s..i).unwrap_or("");
                if i < b.len() && (b[i] == b'\'' || b[i] == b'"') && is_string_prefix(word) {
                    let (end, _, terminated) =
                        scan_string(b, s, i, word, &mut starts, &mut fstrings);
                    if !terminated {
                        tokenizer_error.get_or_insert((i, unterminated(b, i)));
                    }
                    i = end;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if let Some(&o) = open.last() {
        tokenizer_error.get_or_insert((o, format!("`{}` was never closed", b[o] as char)));
    }
    PyScan {
        logical_starts: starts,
        tokenizer_error,
        fstrings_312: fstrings,
    }
}

/// CPython's message for a string opened at `q` and never closed.
fn unterminated(b: &[u8], q: usize) -> String {
    let triple = b.get(q + 1) == b.get(q) && b.get(q + 2) == b.get(q);
    if triple {
        "unterminated triple-quoted string literal"
    } else {
        "unterminated string literal"
    }
    .to_string()
}

fn is_string_prefix(w: &str) -> bool {
    matches!(
        w.to_ascii_lowercase().as_str(),
        "r" | "u" | "b" | "f" | "br" | "rb" | "fr" | "rf"
    )
}

/// Scans the string literal whose prefix starts at `start` and whose quote is at `q`. Returns
/// the byte after its end, whether it (or a nested string) needs Python 3.12 and whether it is
/// terminated. Records line
/// continuations in `starts` (lines inside a string never start a logical line) and PEP 701
/// f-strings in `fstrings`.
fn scan_string(
    b: &[u8],
    start: usize,
    q: usize,
    prefix: &str,
    starts: &mut Vec<bool>,
    fstrings: &mut Vec<(usize, usize)>,
) -> (usize, bool, bool) {
    let quote = b[q];
    let triple = b.get(q + 1) == Some(&quote) && b.get(q + 2) == Some(&quote);
    let is_f = prefix.to_ascii_lowercase().contains('f');
    let mut i = q + if triple { 3 } else { 1 };
    let mut needs_312 = false;
    let mut terminated = false;
    while i < b.len() {
        let c = b[i];
        if c == b'\\' {
            if b.get(i + 1) == Some(&b'\n') {
                starts.push(false);
            }
            i += 2;
            continue;
        }
        if c == b'\n' {
            if !triple {
                break; // unterminated: the parser reports it
            }
            starts.push(false);
            i += 1;
            continue;
        }
        if c == quote {
            if !triple {
                i += 1;
                terminated = true;
                break;
            }
            if b.get(i + 1) == Some(&quote) && b.get(i + 2) == Some(&quote) {
                i += 3;
                terminated = true;
                break;
            }
        }
        if is_f && c == b'{' {
            if b.get(i + 1) == Some(&b'{') {
                i += 2;
                continue;
            }
            let (end, n) = scan_field(b, i + 1, quote, triple, starts, fstrings);
            needs_312 |= n;
            i = end;
            continue;
        }
        i += 1;
    }
    let end = i.min(b.len());
    if !terminated {
        return (end, false, false);
    }
    if is_f && needs_312 {
        // Keep only the outermost PEP 701 f-string: drop nested ones it contains.
        fstrings.retain(|&(s, e)| !(s >= start && e <= end));
        fstrings.push((start, end));
    }
    (end, needs_312, true)
}

/// Scans an f-string replacement field from just after `{` to just after its `}`.
fn scan_field(
    b: &[u8],
    mut i: usize,
    outer: u8,
    outer_triple: bool,
    starts: &mut Vec<bool>,
    fstrings: &mut Vec<(usize, usize)>,
) -> (usize, bool) {
    let mut depth: usize = 0;
    let mut needs_312 = false;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\\' => {
                needs_312 = true;
                i += 1;
            }
            b'#' => {
                needs_312 = true;
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'\n' => {
                if !outer_triple {
                    return (i, needs_312); // the single-quoted f-string is unterminated here
                }
                starts.push(false);
                i += 1;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b')' | b']' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'}' => {
                if depth == 0 {
                    return (i + 1, needs_312);
                }
                depth -= 1;
                i += 1;
            }
            b':' if depth == 0 => {
                // Format spec: literal text with nested fields, up to the closing `}`.
                i += 1;
                while i < b.len() {
                    match b[i] {
                        b'{' => {
                            let (end, n) =
                                scan_field(b, i + 1, outer, outer_triple, starts, fstrings);
                            needs_312 |= n;
                            i = end;
                        }
                        b'}' => return (i + 1, needs_312),
                        b'\n' => {
                            starts.push(false);
                            i += 1;
                        }
                        q if q == outer && !outer_triple => return (i, needs_312),
                        _ => i += 1,
                    }
                }
                return (i, needs_312);
            }
            b'\'' | b'"' => {
                let q_triple = b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&c);
                if c == outer && (!outer_triple || q_triple) {
                    needs_312 = true;
                }
                let prefix_start = prefix_start(b, i);
                let prefix = std::str::from_utf8(&b[prefix_start..i]).unwrap_or("");
                let (end, n, _) = scan_string(b, prefix_start, i, prefix, starts, fstrings);
                needs_312 |= n;
                i = end;
            }
            _ => i += 1,
        }
    }
    (i, needs_312)
}

/// Start of the string prefix (`f`, `rb`, ...) right before the quote at `q`.
fn prefix_start(b: &[u8], q: usize) -> usize {
    let mut s = q;
    while s > 0 && b[s - 1].is_ascii_alphabetic() && q - s < 2 {
        s -= 1;
    }
    let word_before = s > 0 && (b[s - 1].is_ascii_alphanumeric() || b[s - 1] == b'_');
    match std::str::from_utf8(&b[s..q]) {
        Ok(p) if !word_before && (p.is_empty() || is_string_prefix(p)) => s,
        _ => q,
    }
}
