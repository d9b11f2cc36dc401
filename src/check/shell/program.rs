//! One program: scan it for substitutions, blank their bodies out, hand the rest to brush, then
//! check every body on its own with positions mapped back. Also what bash only warns about (a
//! here-document closed by the end of the input, a trailing `\`).

use super::parse::parse;
use super::scanner::{Scanner, SubKind, GAVE_UP};
use super::ShellError;

/// Deepest nesting of substitution bodies parsed on their own.
const MAX_DEPTH: usize = 48;
/// Deepest `$…` nesting the scanner follows, and deepest bracket/keyword nesting handed to brush
/// (whose recursive parser would overflow the stack on pathological input).
pub(super) const MAX_NESTING: usize = 100;

/// Every reason bash would not parse `code` (errors and warnings), sorted by position. Empty when
/// bash would parse it. Never executes anything.
pub fn syntax_errors(code: &str) -> Vec<ShellError> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    check_program(&chars, 0, &mut out);
    out.sort_by_key(|e| (e.line, e.column, e.warning));
    out.dedup();
    out
}

/// Only the errors (what makes `bash -n` fail).
pub fn has_errors(code: &str) -> bool {
    syntax_errors(code).iter().any(|e| !e.warning)
}

/// Line and column (1-based) of every char index.
pub(super) struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub(super) fn new(src: &[char]) -> Lines {
        let mut starts = vec![0];
        starts.extend(
            src.iter()
                .enumerate()
                .filter(|(_, c)| **c == '\n')
                .map(|(i, _)| i + 1),
        );
        Lines { starts }
    }
    pub(super) fn pos(&self, index: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|s| *s <= index).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        (line, index.saturating_sub(start) + 1)
    }
}

/// Maps a position inside a body that starts at `(bl, bc)` to the enclosing text.
fn shift(e: &mut ShellError, bl: usize, bc: usize) {
    if e.line <= 1 {
        e.column += bc - 1;
    }
    e.line += bl - 1;
}

fn check_program(src: &[char], depth: usize, out: &mut Vec<ShellError>) {
    if depth > MAX_DEPTH || src.iter().all(|c| c.is_whitespace()) {
        return;
    }
    let lines = Lines::new(src);
    if too_deep(src) {
        let mut e = ShellError::new(
            1,
            1,
            format!("nested more than {MAX_NESTING} levels deep: not checked"),
        );
        e.warning = true;
        out.push(e);
        return;
    }
    let mut scan = Scanner::new(src);
    let scanned = scan.program();
    let subs = match scanned {
        Err(u) if u.what == GAVE_UP => {
            scan.arith_cmds.clear();
            scan.errors.clear();
            Vec::new()
        }
        Err(u) => {
            let (l, c) = lines.pos(u.at);
            out.push(unclosed_error(l, c, u.what));
            return;
        }
        Ok(()) => std::mem::take(&mut scan.subs),
    };

    // The outer program with every command substitution body blanked out.
    let mut text: Vec<char> = src.to_vec();
    for sub in subs.iter().filter(|s| s.kind != SubKind::Backtick) {
        for c in text.iter_mut().take(sub.end).skip(sub.start) {
            if *c != '\n' {
                *c = ' ';
            }
        }
    }
    // bash does not parse arithmetic at `-n` time (`(( x + ))` is fine), and brush stumbles on
    // `for ((;;))`: `(( … ))` becomes the command `:` and a `for` head the name `x` (after a
    // blank, so that `then((…))` stays two words).
    for a in &scan.arith_cmds {
        for (k, c) in text.iter_mut().enumerate().take(a.end).skip(a.start) {
            if *c != '\n' {
                *c = if k == a.start + 1 {
                    if a.is_for {
                        'x'
                    } else {
                        ':'
                    }
                } else {
                    ' '
                };
            }
        }
    }
    for (at, msg, help) in &scan.errors {
        let (l, c) = lines.pos(*at);
        out.push(ShellError::new(l, c, msg.clone()).help(help.clone()));
    }
    // Here-documents that run to the end: bash warns and reads on; so do we.
    for h in &scan.unterminated {
        let (l, c) = lines.pos(h.at);
        let mut e = ShellError::new(
            l,
            c,
            format!("here-document is never closed: no line `{}` ends it, so it runs to the end of the code", h.delim),
        );
        e.warning = true;
        e.incomplete = true;
        let indented = src_lines(src).iter().any(|line| line.trim() == h.delim);
        e.help = Some(if indented {
            format!(
                "the closing `{}` must start its line{}",
                h.delim,
                if h.strip_tabs {
                    " (with `<<-`, only tabs may precede it)"
                } else {
                    " (or use `<<-` and indent it with tabs)"
                }
            )
        } else {
            format!("add a line `{}` after the document", h.delim)
        });
        out.push(e);
        if text.last().is_some_and(|c| *c != '\n') {
            text.push('\n');
        }
        text.extend(h.delim.chars());
        text.push('\n');
    }
    // A last line ending with `\`: bash keeps it (or the newline) literally, but a command was
    // probably cut short.
    if scan.unterminated.is_empty() {
        let trimmed = src
            .iter()
            .rposition(|c| !c.is_whitespace())
            .map(|p| p + 1)
            .unwrap_or(0);
        let backslashes = src[..trimmed]
            .iter()
            .rev()
            .take_while(|c| **c == '\\')
            .count();
        if backslashes % 2 == 1 {
            let (l, c) = lines.pos(trimmed - 1);
            let mut e = ShellError::new(l, c, "the last line ends with `\\` but no line follows");
            e.warning = true;
            e.incomplete = true;
            e.help = Some("remove the trailing `\\`, or add the line it continues to".into());
            out.push(e);
            if text.len() == trimmed {
                text.pop();
            }
        }
    }

    let extglob_from = extglob_enabled_from(src);
    if let Some(e) = parse(&text, src, &lines, extglob_from) {
        out.push(e);
    }

    for sub in subs.iter().filter(|s| s.kind != SubKind::Unchecked) {
        let (bl, bc) = lines.pos(sub.start);
        let end = sub.end.min(src.len());
        let start = sub.start.min(end);
        let body: Vec<char> = match sub.kind {
            SubKind::Backtick => unescape_backquoted(&src[start..end]),
            _ => src[start..end].to_vec(),
        };
        let mut inner = Vec::new();
        check_program(&body, depth + 1, &mut inner);
        for mut e in inner {
            shift(&mut e, bl, bc);
            // The body's end is the closing `)` or backquote: nothing more can complete it.
            if e.incomplete && !e.warning {
                let end = if sub.kind == SubKind::Comsub {
                    "`)`"
                } else {
                    "`` ` ``"
                };
                e.message = e
                    .message
                    .replace("unexpected end of file", &format!("unexpected {end}"));
                e.incomplete = false;
            }
            out.push(e);
        }
    }
}

/// Whether brackets or compound commands nest deeper than [`MAX_NESTING`] (a rough count that
/// ignores quoting; real code stays far below).
fn too_deep(src: &[char]) -> bool {
    let mut depth = 0usize;
    let mut max = 0usize;
    let mut word = String::new();
    for c in src.iter().copied().chain(std::iter::once(' ')) {
        if c.is_ascii_lowercase() {
            word.push(c);
            continue;
        }
        match word.as_str() {
            "if" | "while" | "until" | "for" | "select" | "case" => depth += 1,
            "fi" | "done" | "esac" => depth = depth.saturating_sub(1),
            _ => {}
        }
        word.clear();
        match c {
            '(' | '{' | '[' => depth += 1,
            ')' | '}' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        max = max.max(depth);
    }
    max > MAX_NESTING
}

fn src_lines(src: &[char]) -> Vec<String> {
    src.split(|c| *c == '\n')
        .map(|l| l.iter().collect())
        .collect()
}

/// Inside backquotes `\``, `\\` and `\$` stand for the character; the backslash becomes a blank
/// so columns stay put.
fn unescape_backquoted(body: &[char]) -> Vec<char> {
    let mut out = body.to_vec();
    let mut i = 0;
    while i < out.len() {
        if out[i] == '\\' && matches!(out.get(i + 1), Some('`' | '\\' | '$')) {
            out[i] = ' ';
            i += 2;
        } else {
            i += 1;
        }
    }
    out
}

/// The char index from which extended globs are on (after a `shopt -s … extglob` line).
fn extglob_enabled_from(src: &[char]) -> Option<usize> {
    let mut index = 0;
    for line in src.split(|c| *c == '\n') {
        let s: String = line.iter().collect();
        let mut words = s.split_whitespace();
        if words.next() == Some("shopt")
            && words.next() == Some("-s")
            && words.any(|w| w == "extglob")
        {
            return Some(index + line.len() + 1);
        }
        index += line.len() + 1;
    }
    None
}

pub(super) fn unclosed_error(line: usize, column: usize, what: &'static str) -> ShellError {
    let help = match what {
        "\"" => "close the `\"` opened here (write a literal one as `\\\"`)",
        "'" => "close the `'` opened here (inside single quotes, write a literal `'` as `'\\''`)",
        "$'" => "close the `$'` quote opened here",
        "`" => "close the backquote opened here (or use `$( … )`, which nests)",
        "$(" => "close the command substitution opened here with `)`",
        "${" => "close the parameter expansion opened here with `}`",
        "$((" => "close the arithmetic expansion opened here with `))`",
        "((" => "close the arithmetic command opened here with `))`",
        "$[" => "close the arithmetic expansion opened here with `]`",
        _ => "close the construct opened here",
    };
    let shown = if what == "`" {
        "`` ` ``".to_string()
    } else {
        format!("`{what}`")
    };
    ShellError::new(
        line,
        column,
        format!("unexpected end of file (unclosed {shown})"),
    )
    .help(help)
    .incomplete()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errs(code: &str) -> Vec<ShellError> {
        syntax_errors(code)
            .into_iter()
            .filter(|e| !e.warning)
            .collect()
    }

    fn first(code: &str) -> ShellError {
        errs(code)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("expected an error in {code:?}"))
    }

    #[test]
    fn valid_code_has_no_errors() {
        for code in [
            "echo hi\n",
            "x=$(case a in a) echo;; esac)\n",
            "select x in a b; do echo $x; done\n",
            "[[ $x == @(a|b) ]]\n",
            "echo $(( 1 + ))\n",
            "cat <<EOF\n$(if)\nEOF\n",
            "x=$(cat <<EOF\n)\nEOF\n)\n",
            "echo $((echo a) | cat)\n",
            "for ((i=0; i<3; i++)); do echo $i; done\n",
            "(( x <<= 1 ))\n",
            "!(true)\n",
            "echo \"${x:-$(echo \"a)\")}\"\n",
            "echo $(echo a # ) comment\n)\n",
            "a=(1 2); echo ${#a[@]} ${v//x/y}\n",
            "shopt -s extglob\nls !(foo)\n",
            "",
            "   \n",
        ] {
            assert!(errs(code).is_empty(), "{code:?}: {:?}", errs(code));
        }
    }

    #[test]
    fn errors_inside_substitutions_are_found_at_their_position() {
        let e = first("echo ok\necho \"$(if)\"\n");
        assert_eq!((e.line, e.column), (2, 9), "{e:?}");
        assert!(e.message.contains("unexpected `)`"), "{e:?}");
        let e = first("x=$(echo $(fi))\n");
        assert_eq!((e.line, e.column), (1, 12), "{e:?}");
        let e = first("x=$(\n  echo a\n  then\n)\n");
        assert_eq!((e.line, e.column), (3, 3), "{e:?}");
        let e = first("echo `if`\n");
        assert_eq!((e.line, e.column), (1, 7), "{e:?}");
    }

    #[test]
    fn unclosed_constructs_point_at_their_opener() {
        let e = first("echo one\necho \"two\n");
        assert_eq!((e.line, e.column), (2, 6));
        assert_eq!(e.message, "unexpected end of file (unclosed `\"`)");
        assert!(e.incomplete);
        let e = first("if true; then\n  echo\n");
        assert_eq!((e.line, e.column), (1, 1));
        assert!(e.message.contains("`if` without `fi`"), "{e:?}");
        let e = first("x=$(echo a\n");
        assert_eq!((e.line, e.column), (1, 3));
        assert!(e.message.contains("`$(`"), "{e:?}");
    }

    #[test]
    fn stray_closers_and_placeholders() {
        let e = first("echo a\nfi\n");
        assert_eq!((e.line, e.column), (2, 1));
        assert!(e.message.contains("`fi`"), "{e:?}");
        let e = first("kubectl get pods -n <namespace>\n");
        assert!(
            e.help.as_deref().unwrap_or("").contains("placeholder"),
            "{e:?}"
        );
        let e = first("ls !(foo)\n");
        assert_eq!((e.line, e.column), (1, 4));
    }

    #[test]
    fn unterminated_heredoc_is_a_warning_and_the_rest_is_checked() {
        let all = syntax_errors("cat <<EOF\nabc\n  EOF\n");
        assert_eq!(all.len(), 1, "{all:?}");
        assert!(all[0].warning);
        assert!(all[0]
            .help
            .as_deref()
            .unwrap_or("")
            .contains("start its line"));
    }

    #[test]
    fn hostile_input_does_not_panic() {
        let deep = "$(".repeat(5000);
        let _ = syntax_errors(&deep);
        let deep = format!("{}{}", "$(echo ".repeat(200), ")".repeat(200));
        let _ = syntax_errors(&deep);
        for code in [
            "\\",
            "$",
            "`",
            "<<",
            "<<-",
            "$((",
            "${",
            "case",
            "case x in",
            "'\u{1F600}",
            "((",
            "))",
            "\u{0}",
        ] {
            let _ = syntax_errors(code);
        }
        // brush's parser recurses: deep nesting is refused before it, on a thread with the
        // stack size rayon's workers have.
        let run = |code: String| {
            std::thread::Builder::new()
                .stack_size(2 << 20)
                .spawn(move || syntax_errors(&code))
                .unwrap()
                .join()
                .unwrap()
        };
        for code in [
            "{ ".repeat(3000),
            "(".repeat(3000),
            "if true; then ".repeat(500),
            format!("{}echo;{}", "{ ".repeat(99), " }".repeat(99)),
            format!("{}echo{}", "$(".repeat(99), ")".repeat(99)),
            format!("echo {}x{}", "${a:-".repeat(99), "}".repeat(99)),
            format!("{}:{}", "while true; do ".repeat(30), "; done".repeat(30)),
        ] {
            let _ = run(code);
        }
        assert!(run(format!("{}echo;{}", "{ ".repeat(90), " }".repeat(90))).is_empty());
    }
}
