//! What brush accepts and bash rejects, checked on brush's tokens after a successful parse:
//! extended globs before `shopt -s extglob`, and `name=(…)` as an argument of an ordinary command.

use super::parse::{at_command_start, is_op, start_of};
use super::program::Lines;
use super::ShellError;
use brush_parser::Token;

/// An extended glob outside `[[ … ]]` before `shopt -s extglob`: bash rejects its `(`.
pub(super) fn extglob_error(
    text: &[char],
    tokens: &[Token],
    enabled_from: Option<usize>,
) -> Option<ShellError> {
    let mut in_cond = false;
    for (i, t) in tokens.iter().enumerate() {
        let Token::Word(w, loc) = t else { continue };
        if w == "[[" && at_command_start(tokens, i) {
            in_cond = true;
            continue;
        }
        if w == "]]" {
            in_cond = false;
            continue;
        }
        if in_cond || !w.contains('(') {
            continue;
        }
        let (start, end) = (loc.start.index, loc.end.index.min(text.len()));
        if start >= end {
            continue;
        }
        if enabled_from.is_some_and(|from| start >= from) {
            continue;
        }
        if let Some(k) = find_extglob(&text[start..end]) {
            // `!(…)` as a whole command word is `!` and a subshell.
            if k == 0
                && text[start] == '!'
                && at_command_start(tokens, i)
                && closing_paren(&text[start + 1..end]) == Some(end - start - 2)
            {
                continue;
            }
            let lines = Lines::new(text);
            let (l, c) = lines.pos(start + k);
            let op = text[start + k];
            return Some(
                ShellError::new(l, c, format!("unexpected `(`: `{op}(…)` is an extended glob, which bash does not parse by default"))
                    .help("quote the word if the parentheses are literal, or put `shopt -s extglob` on an earlier line"),
            );
        }
    }
    None
}

/// `name=(…)` as an argument: bash takes an array assignment only before the command name or as
/// an argument of a declaration builtin (brush takes it anywhere).
pub(super) fn array_error(tokens: &[Token]) -> Option<ShellError> {
    const DECLARATIONS: &[&str] = &["declare", "typeset", "local", "export", "readonly", "[["];
    let mut command: Option<&str> = None;
    let mut i = 0;
    while i < tokens.len() {
        if at_command_start(tokens, i) {
            command = None;
        }
        if let Token::Word(w, loc) = &tokens[i] {
            let paren = tokens
                .get(i + 1)
                .filter(|n| is_op(n, &["("]) && n.location().start.index == loc.end.index);
            if let (Some(paren), true) = (paren, is_array_assignment(w)) {
                if let Some(name) = command.filter(|c| !DECLARATIONS.contains(c)) {
                    let (_, l, c) = start_of(paren);
                    return Some(
                        ShellError::new(l, c, format!("unexpected `(`: `{w}(…)` is an array assignment, which `{name}` cannot take as an argument"))
                            .help("quote the word if the parentheses are literal; an array assignment goes before the command or after `declare`/`local`/`export`"),
                    );
                }
                // Skip the array's elements.
                let mut depth = 0usize;
                i += 1;
                while i < tokens.len() {
                    if is_op(&tokens[i], &["("]) {
                        depth += 1;
                    } else if is_op(&tokens[i], &[")"]) {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            break;
                        }
                    }
                    i += 1;
                }
                i += 1;
                continue;
            }
            if command.is_none() && !is_assignment_word(w) {
                command = Some(w.as_str());
            }
        }
        i += 1;
    }
    None
}

/// `name=` or `name+=` (what precedes an array's `(`).
fn is_array_assignment(w: &str) -> bool {
    let name = w.strip_suffix("+=").or_else(|| w.strip_suffix('='));
    name.is_some_and(is_name)
}

/// `name=value`, `name+=value`, `name[i]=value`.
fn is_assignment_word(w: &str) -> bool {
    let Some(eq) = w.find('=') else { return false };
    let lhs = w[..eq].strip_suffix('+').unwrap_or(&w[..eq]);
    let lhs = match lhs.find('[') {
        Some(b) if lhs.ends_with(']') => &lhs[..b],
        _ => lhs,
    };
    is_name(lhs)
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Offset of the `)` matching the `(` that `w` starts with.
fn closing_paren(w: &[char]) -> Option<usize> {
    let mut d = 0usize;
    for (k, c) in w.iter().enumerate() {
        match c {
            '(' => d += 1,
            ')' => {
                d = d.checked_sub(1)?;
                if d == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

/// Offset of an unquoted extended glob operator (`@(`, `!(`, `?(`, `*(`, `+(`) in a word.
fn find_extglob(w: &[char]) -> Option<usize> {
    let mut i = 0;
    while i < w.len() {
        match w[i] {
            '\\' => i += 2,
            '\'' => {
                i += 1;
                while i < w.len() && w[i] != '\'' {
                    i += 1;
                }
                i += 1;
            }
            '"' => {
                i += 1;
                while i < w.len() && w[i] != '"' {
                    i += if w[i] == '\\' { 2 } else { 1 };
                }
                i += 1;
            }
            '`' => {
                i += 1;
                while i < w.len() && w[i] != '`' {
                    i += if w[i] == '\\' { 2 } else { 1 };
                }
                i += 1;
            }
            '$' => {
                // Skip `${…}`, `$(…)` (blanked) and special parameters like `$@`, `$*`, `$?`, `$!`.
                match w.get(i + 1) {
                    Some('{') | Some('(') => {
                        let (open, close) = if w[i + 1] == '{' {
                            ('{', '}')
                        } else {
                            ('(', ')')
                        };
                        let mut d = 0;
                        i += 1;
                        while i < w.len() {
                            if w[i] == open {
                                d += 1;
                            } else if w[i] == close {
                                d -= 1;
                                if d == 0 {
                                    break;
                                }
                            }
                            i += 1;
                        }
                        i += 1;
                    }
                    _ => i += 2,
                }
            }
            '@' | '!' | '?' | '*' | '+' if w.get(i + 1) == Some(&'(') => return Some(i),
            _ => i += 1,
        }
    }
    None
}
