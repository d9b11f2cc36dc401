//! brush's side: tokenize and parse the (blanked) program, and turn brush's first error into
//! what bash would say, with a `help:` that names the fix.

use super::brush_gaps::{array_error, extglob_error};
use super::program::{unclosed_error, Lines};
use super::structure::{Frame, Structure};
use super::ShellError;
use brush_parser::{ParseError, ParserOptions, Token, TokenizerError};

pub(super) fn options() -> ParserOptions {
    ParserOptions {
        enable_extended_globbing: true,
        ..ParserOptions::default()
    }
}

/// Installs (once) a panic hook that stays silent for panics inside brush-parser, which
/// [`parse`] catches (a few odd inputs reach an `unwrap` in its tokenizer; the block then gets no
/// syntax finding), and hands every other panic to the hook installed before it. Without it the
/// default hook prints a backtrace notice for a panic the check already recovered from, and a
/// fuzzer's hook aborts on it.
pub fn quiet_parser_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_parser = info
                .location()
                .is_some_and(|l| l.file().contains("brush-parser"));
            if !in_parser {
                previous(info);
            }
        }));
    });
}

/// Parses the (blanked) program; the first error, translated.
pub(super) fn parse(
    text: &[char],
    src: &[char],
    lines: &Lines,
    extglob_from: Option<usize>,
) -> Option<ShellError> {
    let s: String = text.iter().collect();
    let opts = options();
    let result = std::panic::catch_unwind(|| {
        let tokens = brush_parser::uncached_tokenize_str(&s, &opts.tokenizer_options());
        match tokens {
            Err(e) => Err(Failure::Tokenize(e)),
            Ok(mut tokens) => {
                select_as_for(&mut tokens);
                match brush_parser::parse_tokens(&tokens, &opts) {
                    Ok(_) => Ok(tokens),
                    Err(e) => Err(Failure::Parse(e, tokens)),
                }
            }
        }
    });
    let result = result.ok()?;
    match result {
        Ok(tokens) => extglob_error(text, &tokens, extglob_from).or_else(|| array_error(&tokens)),
        Err(Failure::Tokenize(e)) => Some(tokenizer_error(e, lines, text.len())),
        Err(Failure::Parse(e, tokens)) => {
            // Messages quote the source as written, not the blanked text brush saw.
            let tokens: Vec<Token> = tokens
                .into_iter()
                .map(|t| match t {
                    Token::Word(w, loc) => {
                        let (a, b) = (loc.start.index.min(src.len()), loc.end.index.min(src.len()));
                        let original = if a < b { src[a..b].iter().collect() } else { w };
                        Token::Word(original, loc)
                    }
                    op => op,
                })
                .collect();
            Some(parse_error(e, &tokens, lines, text.len()))
        }
    }
}

enum Failure {
    Tokenize(TokenizerError),
    Parse(ParseError, Vec<Token>),
}

pub(super) fn start_of(t: &Token) -> (usize, usize, usize) {
    let p = &t.location().start;
    (p.index, p.line, p.column)
}

pub(super) fn is_op(t: &Token, ops: &[&str]) -> bool {
    matches!(t, Token::Operator(o, _) if ops.contains(&o.as_str()))
}

pub(super) fn is_word(t: &Token, words: &[&str]) -> bool {
    matches!(t, Token::Word(w, _) if words.contains(&w.as_str()))
}

/// Operators after which a command starts.
const COMMAND_SEPARATORS: &[&str] = &[
    "\n", ";", "&", "&&", "||", "|", "|&", "(", ")", ";;", ";&", ";;&",
];
/// Reserved words after which a command starts.
const COMMAND_PREFIX_WORDS: &[&str] = &[
    "then", "do", "else", "elif", "if", "while", "until", "{", "!", "time",
];

pub(super) fn at_command_start(tokens: &[Token], i: usize) -> bool {
    match i.checked_sub(1).and_then(|p| tokens.get(p)) {
        None => true,
        Some(prev) => is_op(prev, COMMAND_SEPARATORS) || is_word(prev, COMMAND_PREFIX_WORDS),
    }
}

/// brush does not know `select`; it has the grammar of `for`.
fn select_as_for(tokens: &mut [Token]) {
    for i in 0..tokens.len() {
        if is_word(&tokens[i], &["select"]) && at_command_start(tokens, i) {
            let loc = tokens[i].location().clone();
            tokens[i] = Token::Word("for".into(), loc);
        }
    }
}

fn tokenizer_error(e: TokenizerError, lines: &Lines, len: usize) -> ShellError {
    let (end_line, end_col) = lines.pos(len);
    let at = |p: &brush_parser::SourcePosition| (p.line, p.column);
    match e {
        TokenizerError::UnterminatedSingleQuote(p) => {
            let (l, c) = at(&p);
            unclosed_error(l, c, "'")
        }
        TokenizerError::UnterminatedDoubleQuote(p) => {
            let (l, c) = at(&p);
            unclosed_error(l, c, "\"")
        }
        TokenizerError::UnterminatedAnsiCQuote(p) => {
            let (l, c) = at(&p);
            unclosed_error(l, c.saturating_sub(1).max(1), "$'")
        }
        TokenizerError::UnterminatedBackquote(p) => {
            let (l, c) = at(&p);
            unclosed_error(l, c, "`")
        }
        TokenizerError::UnterminatedExtendedGlob(p) => {
            let (l, c) = at(&p);
            ShellError::new(l, c, "unexpected end of file (unclosed extended glob `(`)")
                .help("close the pattern with `)`")
                .incomplete()
        }
        TokenizerError::UnterminatedCommandSubstitution => unclosed_error(end_line, end_col, "$("),
        TokenizerError::UnterminatedVariable => unclosed_error(end_line, end_col, "${"),
        TokenizerError::UnterminatedExpansion => unclosed_error(end_line, end_col, "$(("),
        TokenizerError::UnterminatedEscapeSequence => {
            ShellError::new(end_line, end_col, "unexpected end of file after `\\`").incomplete()
        }
        TokenizerError::UnterminatedHereDocuments(tags, _) => {
            let tag = tags.lines().next().unwrap_or("").trim().to_string();
            ShellError::new(
                end_line,
                end_col,
                format!("unexpected end of file in a here-document (no line `{tag}` ends it)"),
            )
            .incomplete()
        }
        TokenizerError::MissingHereTag(_) | TokenizerError::MissingHereTagForDocumentBody => {
            ShellError::new(end_line, end_col, "`<<` needs a delimiter word (`<<EOF`)")
        }
        other => ShellError::new(end_line, end_col, other.to_string()),
    }
}

/// Shows a token in a message.
fn shown(t: &Token) -> String {
    let s = t.to_str();
    if s == "\n" {
        return "end of line".into();
    }
    let first = s.lines().next().unwrap_or("");
    let short: String = first.chars().take(40).collect();
    let short = if short.len() < s.trim_end().len() {
        format!("{short}…")
    } else {
        short
    };
    if short.contains('`') {
        format!("`` {short} ``")
    } else {
        format!("`{short}`")
    }
}

pub(super) const REDIRECTIONS: &[&str] = &[
    "<", ">", ">>", "<&", ">&", "<>", ">|", "&>", "&>>", "<<<", "<<", "<<-",
];

fn parse_error(e: ParseError, tokens: &[Token], lines: &Lines, len: usize) -> ShellError {
    let err_index = match &e {
        ParseError::ParsingNear(p) => tokens
            .iter()
            .position(|t| t.location().start.index >= p.index)
            .unwrap_or(tokens.len()),
        _ => tokens.len(),
    };
    let structure = Structure::walk(tokens, err_index);
    // A misplaced reserved word the walk noticed first explains the failure best.
    if let Some((i, msg, help)) = &structure.anomaly {
        if *i <= err_index {
            if let Some(t) = tokens.get(*i) {
                let (_, l, c) = start_of(t);
                return ShellError::new(l, c, msg.clone()).help(help.clone());
            }
        }
    }
    let open = structure.before.last();
    match tokens.get(err_index) {
        Some(t) => {
            let (_, l, c) = start_of(t);
            let prev = err_index.checked_sub(1).and_then(|p| tokens.get(p));
            if let Some(prev) = prev.filter(|p| is_op(p, REDIRECTIONS)) {
                let (_, pl, pc) = start_of(prev);
                return ShellError::new(pl, pc, format!("{} has no target (found {})", shown(prev), shown(t))).help(
                    "write the file name after it; a placeholder must be one word in angle brackets, like `<namespace>`",
                );
            }
            // brush may stop on the end of the line after the word it could not take.
            if let Some(prev) =
                prev.filter(|p| is_op(t, &["\n", ";"]) && is_word(p, &["fi", "done", "esac", "}"]))
            {
                let (_, pl, pc) = start_of(prev);
                let walk = Structure::walk(tokens, err_index - 1);
                return empty_body_error(pl, pc, prev.to_str(), walk.before.last());
            }
            if is_op(t, &[";;", ";&", ";;&"]) {
                return ShellError::new(
                    l,
                    c,
                    format!("unexpected {} outside a `case` branch", shown(t)),
                )
                .help("`;;` only ends a `case` branch; use `;` or a new line between commands");
            }
            if is_op(t, &["&&", "||", "|", "|&", ";", "&"]) && at_command_start(tokens, err_index) {
                return ShellError::new(l, c, format!("unexpected {}: no command before it", shown(t)))
                    .help("put a command before it; to continue a command on the next line, end the line with `&&`, `|` or `\\`");
            }
            if is_op(t, &["("]) {
                return ShellError::new(l, c, "unexpected `(`")
                    .help("quote the word if the parentheses are literal, e.g. `'name(1)'`");
            }
            if is_word(t, &["fi", "done", "esac", "}"]) {
                return empty_body_error(l, c, t.to_str(), open);
            }
            if let Some(e) = cond_error(tokens, err_index) {
                return e;
            }
            if let Some(e) = paren_after_word(tokens, err_index) {
                return e;
            }
            let mut err = ShellError::new(l, c, format!("unexpected {}", shown(t)));
            err.help = open.map(|open| match (open.opener, open.seen_middle) {
                ("if", false) => "write `then` after the condition: `if …; then …; fi`".to_string(),
                ("for" | "select" | "while" | "until", false) => {
                    format!(
                        "write `do` after the loop head: `{} …; do …; done`",
                        open.opener
                    )
                }
                _ => format!(
                    "the `{}` before it is still open: close it with `{}`",
                    open.opener, open.closer
                ),
            });
            err
        }
        None => {
            // End of input.
            if let Some(open) = open {
                if let Some(t) = tokens.get(open.token) {
                    let (_, l, c) = start_of(t);
                    let missing = match (open.opener, open.seen_middle) {
                        ("if", false) => "`then … fi`",
                        ("while" | "until" | "for" | "select", false) => "`do … done`",
                        _ => "",
                    };
                    let missing = if missing.is_empty() {
                        format!("`{}`", open.closer)
                    } else {
                        missing.to_string()
                    };
                    let mut help =
                        format!("close the `{}` opened here with {missing}", open.opener);
                    if open.opener == "{" {
                        help.push_str(" (on the same line, a `;` must come before it: `{ cmd; }`)");
                    }
                    return ShellError::new(
                        l,
                        c,
                        format!(
                            "unexpected end of file (`{}` without {missing})",
                            open.opener
                        ),
                    )
                    .help(help)
                    .incomplete();
                }
            }
            if let Some(e) = cond_error(tokens, err_index) {
                return e;
            }
            // `grep -E (Crash`: brush reads on to the end; bash stops at the `(`.
            if let Some(e) = paren_after_word(tokens, err_index) {
                return e;
            }
            let last = tokens.iter().rposition(|t| !is_op(t, &["\n"]));
            if let Some(t) = last.and_then(|i| tokens.get(i)) {
                if is_op(t, &["&&", "||", "|", "|&"]) {
                    let (_, l, c) = start_of(t);
                    return ShellError::new(
                        l,
                        c,
                        format!("unexpected end of file after {}", shown(t)),
                    )
                    .help("add the command that follows it, or remove it")
                    .incomplete();
                }
                if is_op(t, REDIRECTIONS) {
                    let (_, l, c) = start_of(t);
                    return ShellError::new(l, c, format!("{} has no target", shown(t)))
                        .help("write the file name after it; a placeholder must be one word in angle brackets, like `<namespace>`");
                }
            }
            let (l, c) = lines.pos(len);
            ShellError::new(l, c, "unexpected end of file").incomplete()
        }
    }
}

/// A `(` right after an argument (`echo spark(4.1)`): bash only takes `(` to start a command,
/// a function definition or an array.
fn paren_after_word(tokens: &[Token], upto: usize) -> Option<ShellError> {
    for i in 1..=upto.min(tokens.len().saturating_sub(1)) {
        if !is_op(&tokens[i], &["("]) {
            continue;
        }
        let prev = &tokens[i - 1];
        if matches!(prev, Token::Word(..))
            && !at_command_start(tokens, i - 1)
            && !is_word(prev, &["in", "function"])
        {
            let (_, l, c) = start_of(&tokens[i]);
            return Some(
                ShellError::new(l, c, format!("unexpected `(` after {}", shown(prev)))
                    .help("quote the word if the parentheses are literal, e.g. `'spark(4.1)'`"),
            );
        }
    }
    None
}

/// A closer brush did not take although its construct is open: the construct has an empty part.
fn empty_body_error(line: usize, column: usize, closer: &str, open: Option<&Frame>) -> ShellError {
    let e = ShellError::new(line, column, format!("unexpected `{closer}`"));
    match open {
        Some(f) if f.closer == closer => e.help(match f.opener {
            "if" => "an `if` needs a condition and at least one command: `if …; then …; fi` (`:` is a command that does nothing)".to_string(),
            "{" => "`{ … }` needs at least one command, and on one line a `;` before `}`: `{ cmd; }`".to_string(),
            "case" => "write `case WORD in pattern) …;; esac`".to_string(),
            other => format!("`{other} …; do … done` needs at least one command between `do` and `done` (`:` does nothing)"),
        }),
        Some(f) => e.help(format!("the `{}` before it is still open: close it with `{}` first", f.opener, f.closer)),
        None => e.help(format!("remove the stray `{closer}`, or add the construct it closes")),
    }
}

/// A `[[ … ]]` test brush cannot parse on its own: the test at fault when the error is inside it
/// (`upto`) or at the end of the input.
fn cond_error(tokens: &[Token], upto: usize) -> Option<ShellError> {
    let opts = options();
    let mut i = 0;
    while i < tokens.len() {
        if !(is_word(&tokens[i], &["[["]) && at_command_start(tokens, i)) {
            i += 1;
            continue;
        }
        let end = (i + 1..tokens.len())
            .find(|&k| is_word(&tokens[k], &["]]"]))
            .unwrap_or(tokens.len().saturating_sub(1));
        // Only a test that starts before the error can explain it.
        if i <= upto {
            let test: Vec<Token> = tokens
                .get(i..=end)
                .map(<[Token]>::to_vec)
                .unwrap_or_default();
            let bad =
                std::panic::catch_unwind(|| brush_parser::parse_tokens(&test, &opts).is_err())
                    .unwrap_or(false);
            if bad {
                let (_, l, c) = start_of(&tokens[i]);
                let last_is_single_bracket = test.iter().any(|t| is_word(t, &["]"]));
                return Some(ShellError::new(l, c, "this `[[ … ]]` test is incomplete or malformed").help(if last_is_single_bracket {
                    "close the test with `]]`, not `]`".to_string()
                } else {
                    "each test needs its operands: `[[ -f FILE ]]`, `[[ $a == b ]]`, `[[ -n \"$x\" && -z \"$y\" ]]`; quote values that may be empty".to_string()
                }));
            }
        }
        i = end + 1;
    }
    None
}
