//! `shell-syntax`: shell code blocks (```` ```bash ````, `sh`, `shell`, `zsh`, and the `$ `-prompted
//! commands of ```` ```console ```` blocks) that bash would not parse.
//!
//! The verdict follows `bash -n`: the parser is `brush-parser` (microseconds per block, with
//! positions), completed where brush and bash differ:
//!
//! - brush only tokenizes `$( … )` bodies; bash parses them. A small scanner finds every command
//!   substitution (also inside `"…"`, `${…}` and `$(( … ))`), blanks its body out for the outer
//!   parse, and the body is parsed on its own, recursively, with positions mapped back. The
//!   scanner also finds the end of a body the way bash does (a `case` pattern's `)` does not
//!   close `$(`, here-documents and comments are skipped).
//! - Backquoted bodies are parsed too (bash parses them when the command runs, `bash -n` does
//!   not: a deliberate difference, a broken `` `…` `` is broken).
//! - `select` (unknown to brush) is parsed as the `for` it is shaped like.
//! - Arithmetic is not checked (`bash -n` accepts `(( x + ))`); `(( … ))` and `for (( … ))`
//!   heads are handed to brush as `:` and `for x` (brush rejects `for ((;;))`), and a `for ((`
//!   head without exactly three `;`-separated parts is an error, as in bash. A `$((…) …)` that
//!   turns out not to be arithmetic is a command substitution whose body `bash -n` skips; so do we.
//! - `name=(…)` is an error as an argument of anything but `declare`/`local`/`export`/
//!   `readonly`/`typeset` (brush takes it anywhere).
//! - Extended globs (`@(a|b)`, `!(x)`) are errors outside `[[ … ]]`, as in bash without
//!   `shopt -s extglob` — unless a `shopt -s extglob` line comes first (bash then parses the
//!   later lines with it, although `bash -n` still rejects them).
//! - What bash only warns about (a here-document that runs to the end of the input, a trailing
//!   `\`) is a warning, and the rest of the input is still checked.
//!
//! Nothing is ever executed. Doc placeholders (`<namespace>`) are neutralised into words first.

use super::{Block, Context};
use crate::diagnostics::{Finding, Severity};
use brush_parser::{ParseError, ParserOptions, Token, TokenizerError};
use rayon::prelude::*;

pub const CODE: &str = "shell-syntax";

/// Code block languages checked as bash.
const SHELL_LANGS: &[&str] = &["bash", "sh", "shell", "zsh"];
/// Code block languages whose `$ `-prompted lines are checked.
const CONSOLE_LANGS: &[&str] = &["console", "shell-session"];

/// Deepest nesting of substitution bodies parsed on their own.
const MAX_DEPTH: usize = 48;
/// Deepest `$…` nesting the scanner follows, and deepest bracket/keyword nesting handed to brush
/// (whose recursive parser would overflow the stack on pathological input).
const MAX_NESTING: usize = 100;

/// One reason bash would not parse a piece of shell code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellError {
    /// 1-based line within the code.
    pub line: usize,
    /// 1-based column (characters) within the line.
    pub column: usize,
    /// What is wrong, lower-case, e.g. ``unexpected end of file (unclosed `"`)``.
    pub message: String,
    /// How to fix it, when we know.
    pub help: Option<String>,
    /// Bash accepts the code but warns (a here-document closed by the end of the input).
    pub warning: bool,
    /// The code ends inside an open construct: more lines could complete it.
    pub incomplete: bool,
}

impl ShellError {
    fn new(line: usize, column: usize, message: impl Into<String>) -> ShellError {
        ShellError {
            line,
            column,
            message: message.into(),
            help: None,
            warning: false,
            incomplete: false,
        }
    }
    fn help(mut self, help: impl Into<String>) -> ShellError {
        self.help = Some(help.into());
        self
    }
    fn incomplete(mut self) -> ShellError {
        self.incomplete = true;
        self
    }
}

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

/// The commands of a console transcript: each `$ ` line (the prompt stripped), with its `\`
/// continuation lines, and the following lines while the command is still open (a here-document,
/// a quote; a leading `> ` prompt is stripped). Returns the command text and, per command line,
/// the (0-based line in `code`, column offset) it came from.
pub fn console_commands(code: &str) -> Vec<(String, Vec<(usize, usize)>)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let rest = &line[indent..];
        let cmd = if rest == "$" {
            Some("")
        } else {
            rest.strip_prefix("$ ")
        };
        let Some(cmd) = cmd else {
            i += 1;
            continue;
        };
        let mut text = cmd.to_string();
        let mut map = vec![(i, indent + 2)];
        i += 1;
        loop {
            let continued = ends_with_continuation(&text);
            let Some(next) = lines.get(i) else { break };
            let next_is_prompt = {
                let t = next.trim_start_matches([' ', '\t']);
                t == "$" || t.starts_with("$ ")
            };
            if continued && !next_is_prompt {
                text.push('\n');
                text.push_str(next);
                map.push((i, 0));
                i += 1;
                continue;
            }
            if next_is_prompt {
                break;
            }
            // An open quote or here-document continues on the next lines (PS2 `> ` or raw).
            let open = syntax_errors(&text).iter().any(|e| e.incomplete);
            if !open {
                break;
            }
            let (body, off) = match next.strip_prefix("> ") {
                Some(b) => (b, 2),
                None if *next == ">" => ("", 1),
                None => (*next, 0),
            };
            text.push('\n');
            text.push_str(body);
            map.push((i, off));
            i += 1;
        }
        if !text.trim().is_empty() {
            out.push((text, map));
        }
    }
    out
}

/// Whether the text ends with an unescaped `\` (a line continuation).
fn ends_with_continuation(text: &str) -> bool {
    let n = text.chars().rev().take_while(|c| *c == '\\').count();
    n % 2 == 1
}

/// [`syntax_errors`] over the commands of a console transcript, positions in `code`.
pub fn console_errors(code: &str) -> Vec<ShellError> {
    let mut out = Vec::new();
    for (text, map) in console_commands(code) {
        for mut e in syntax_errors(&text) {
            let (line, off) = map.get(e.line.saturating_sub(1)).copied().unwrap_or((0, 0));
            e.line = line + 1;
            e.column += off;
            out.push(e);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The rule
// ---------------------------------------------------------------------------------------------

pub fn check(cx: &Context) -> Vec<Finding> {
    let blocks: Vec<Block> = cx
        .code_blocks()
        .into_iter()
        .filter(|b| {
            let lang = b.block.lang.as_str();
            (SHELL_LANGS.contains(&lang) || CONSOLE_LANGS.contains(&lang)) && !b.ignores(CODE)
        })
        .collect();
    blocks
        .par_iter()
        .filter_map(|b| {
            let code = cx.neutralize_placeholders(&b.block.code);
            let errors = if CONSOLE_LANGS.contains(&b.block.lang.as_str()) {
                console_errors(&code)
            } else {
                syntax_errors(&code)
            };
            first_finding(&errors).map(|e| {
                to_finding(e, |sev, line, col, msg| {
                    b.finding(sev, CODE, line, col, msg)
                })
            })
        })
        .collect()
}

/// The first error, else the first warning.
pub fn first_finding(errors: &[ShellError]) -> Option<&ShellError> {
    errors
        .iter()
        .find(|e| !e.warning)
        .or_else(|| errors.first())
}

/// A finding for `e`, built by `make(severity, line, column, message)`.
pub fn to_finding(
    e: &ShellError,
    make: impl FnOnce(Severity, usize, usize, String) -> Finding,
) -> Finding {
    let (sev, msg) = if e.warning {
        (Severity::Warning, e.message.clone())
    } else {
        (
            Severity::Error,
            format!("bash cannot parse this: {}", e.message),
        )
    };
    let f = make(sev, e.line, e.column, msg);
    match &e.help {
        Some(h) => f.with_help(h.clone()),
        None => f,
    }
}

// ---------------------------------------------------------------------------------------------
// One program: scan, blank substitutions, parse, recurse
// ---------------------------------------------------------------------------------------------

/// Line and column (1-based) of every char index.
struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(src: &[char]) -> Lines {
        let mut starts = vec![0];
        starts.extend(
            src.iter()
                .enumerate()
                .filter(|(_, c)| **c == '\n')
                .map(|(i, _)| i + 1),
        );
        Lines { starts }
    }
    fn pos(&self, index: usize) -> (usize, usize) {
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

fn unclosed_error(line: usize, column: usize, what: &'static str) -> ShellError {
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

// ---------------------------------------------------------------------------------------------
// brush: tokenize, parse, translate errors
// ---------------------------------------------------------------------------------------------

fn options() -> ParserOptions {
    ParserOptions {
        enable_extended_globbing: true,
        ..ParserOptions::default()
    }
}

/// Parses the (blanked) program; the first error, translated.
fn parse(
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

fn start_of(t: &Token) -> (usize, usize, usize) {
    let p = &t.location().start;
    (p.index, p.line, p.column)
}

fn is_op(t: &Token, ops: &[&str]) -> bool {
    matches!(t, Token::Operator(o, _) if ops.contains(&o.as_str()))
}

fn is_word(t: &Token, words: &[&str]) -> bool {
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

fn at_command_start(tokens: &[Token], i: usize) -> bool {
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

const REDIRECTIONS: &[&str] = &[
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

/// An open compound command while walking the tokens.
#[derive(Debug, Clone)]
struct Frame {
    opener: &'static str,
    closer: &'static str,
    token: usize,
    /// `then` of an `if`, `do` of a loop, `in` of a `case`.
    seen_middle: bool,
    case_stage: CaseStage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CaseStage {
    NotCase,
    Subject,
    In,
    Pattern { started: bool },
    Body,
}

/// What is open at a token, and the first misplaced reserved word: a heuristic walk over the
/// tokens used only to explain an error brush found.
struct Structure {
    stack: Vec<Frame>,
    /// The stack just before token `upto`.
    before: Vec<Frame>,
    anomaly: Option<(usize, String, String)>,
}

impl Structure {
    fn walk(tokens: &[Token], upto: usize) -> Structure {
        let mut st = Structure {
            stack: Vec::new(),
            before: Vec::new(),
            anomaly: None,
        };
        let mut cmd = true;
        let mut skip_word = false;
        let mut loose_parens = 0usize;
        let mut after_function = false;
        for (i, t) in tokens.iter().enumerate() {
            if i == upto {
                st.before = st.stack.clone();
            }
            if i > upto {
                break;
            }
            let stage = st
                .stack
                .last()
                .map(|f| f.case_stage)
                .unwrap_or(CaseStage::NotCase);
            match t {
                Token::Operator(op, _) => {
                    let op = op.as_str();
                    skip_word = false;
                    if REDIRECTIONS.contains(&op) {
                        skip_word = true;
                        continue;
                    }
                    match op {
                        ";;" | ";&" | ";;&" => {
                            if let Some(f) = st
                                .stack
                                .last_mut()
                                .filter(|f| f.case_stage == CaseStage::Body)
                            {
                                f.case_stage = CaseStage::Pattern { started: false };
                            } else {
                                st.note(i, format!("unexpected `{op}` outside a `case` branch"), "`;;` only ends a `case` branch; use `;` or a new line between commands");
                            }
                            cmd = false;
                        }
                        "(" => {
                            if let CaseStage::Pattern { started: false } = stage {
                                // The optional `(` before a pattern.
                            } else if cmd {
                                st.push("(", ")", i);
                            } else {
                                loose_parens += 1;
                            }
                            cmd = true;
                        }
                        ")" => {
                            if let CaseStage::Pattern { .. } = stage {
                                if let Some(f) = st.stack.last_mut() {
                                    f.case_stage = CaseStage::Body;
                                }
                            } else if loose_parens > 0 {
                                loose_parens -= 1;
                            } else if st.stack.last().is_some_and(|f| f.opener == "(") {
                                st.stack.pop();
                            } else {
                                st.stray(i, ")");
                            }
                            cmd = true;
                        }
                        "|" if matches!(stage, CaseStage::Pattern { .. }) => {}
                        _ => cmd = true,
                    }
                }
                Token::Word(w, _) => {
                    if skip_word {
                        skip_word = false;
                        continue;
                    }
                    if after_function {
                        after_function = false;
                        cmd = true;
                        continue;
                    }
                    let w = w.as_str();
                    match stage {
                        CaseStage::Subject => {
                            if let Some(f) = st.stack.last_mut() {
                                f.case_stage = CaseStage::In;
                            }
                            continue;
                        }
                        CaseStage::In => {
                            if let Some(f) = st.stack.last_mut() {
                                f.case_stage = CaseStage::Pattern { started: false };
                                f.seen_middle = w == "in";
                            }
                            continue;
                        }
                        CaseStage::Pattern { started } => {
                            if w == "esac" && !started {
                                st.stack.pop();
                                cmd = false;
                            } else if let Some(f) = st.stack.last_mut() {
                                f.case_stage = CaseStage::Pattern { started: true };
                            }
                            continue;
                        }
                        _ => {}
                    }
                    if !cmd {
                        if w == "]]" && st.stack.last().is_some_and(|f| f.opener == "[[") {
                            st.stack.pop();
                        }
                        continue;
                    }
                    cmd = false;
                    match w {
                        "if" => {
                            st.push("if", "fi", i);
                            cmd = true;
                        }
                        "then" => {
                            match st.stack.last_mut() {
                                Some(f) if f.opener == "if" => f.seen_middle = true,
                                _ => st.note(
                                    i,
                                    "unexpected `then` (no open `if`)".into(),
                                    "`then` follows the condition of an `if`",
                                ),
                            }
                            cmd = true;
                        }
                        "elif" | "else" => {
                            match st.stack.last_mut() {
                                Some(f) if f.opener == "if" && f.seen_middle => {
                                    if w == "elif" {
                                        f.seen_middle = false;
                                    }
                                }
                                Some(f) if f.opener == "if" => st.note(
                                    i,
                                    format!("unexpected `{w}` (the `if` has no `then`)"),
                                    "write `then` after the condition: `if …; then`",
                                ),
                                _ => st.stray(i, w),
                            }
                            cmd = true;
                        }
                        "fi" => st.close(
                            i,
                            "if",
                            "fi",
                            "`if` has no `then`",
                            "write `then` after the condition: `if …; then`",
                        ),
                        "while" | "until" => {
                            st.push(if w == "while" { "while" } else { "until" }, "done", i);
                            cmd = true;
                        }
                        "for" | "select" => {
                            st.push(if w == "for" { "for" } else { "select" }, "done", i)
                        }
                        "do" => {
                            match st.stack.last_mut() {
                                Some(f) if f.closer == "done" => f.seen_middle = true,
                                _ => st.note(
                                    i,
                                    "unexpected `do` (no open `for`, `while` or `until`)".into(),
                                    "`do` follows the head of a loop",
                                ),
                            }
                            cmd = true;
                        }
                        "done" => st.close(
                            i,
                            "loop",
                            "done",
                            "loop has no `do`",
                            "write `do` after the loop head: `for …; do`",
                        ),
                        "case" => {
                            st.push("case", "esac", i);
                            if let Some(f) = st.stack.last_mut() {
                                f.case_stage = CaseStage::Subject;
                            }
                        }
                        "esac" => st.close(i, "case", "esac", "", ""),
                        "{" => {
                            st.push("{", "}", i);
                            cmd = true;
                        }
                        "}" => st.close(i, "{", "}", "", ""),
                        "[[" => st.push("[[", "]]", i),
                        "!" | "time" | "coproc" => cmd = true,
                        "function" => after_function = true,
                        _ => {
                            // An assignment keeps the command position (`A=1 cmd`).
                            if w.contains('=') && !w.starts_with('=') {
                                cmd = true;
                            }
                        }
                    }
                }
            }
        }
        if upto >= tokens.len() {
            st.before = st.stack.clone();
        }
        st
    }

    fn push(&mut self, opener: &'static str, closer: &'static str, token: usize) {
        self.stack.push(Frame {
            opener,
            closer,
            token,
            seen_middle: false,
            case_stage: CaseStage::NotCase,
        });
    }

    fn note(&mut self, i: usize, msg: String, help: &str) {
        if self.anomaly.is_none() {
            self.anomaly = Some((i, msg, help.to_string()));
        }
    }

    fn stray(&mut self, i: usize, w: &str) {
        let help = match self.stack.last() {
            Some(f) => format!(
                "the `{}` before it is still open: close it with `{}` first",
                f.opener, f.closer
            ),
            None => format!(
                "remove it, or add the construct it belongs to (nothing open here takes `{w}`)"
            ),
        };
        self.note(i, format!("unexpected `{w}`"), &help);
    }

    /// `closer` at token `i` closes the innermost frame, which must be `kind` ("loop" for any).
    fn close(
        &mut self,
        i: usize,
        kind: &str,
        closer: &'static str,
        missing_middle: &str,
        middle_help: &str,
    ) {
        let matches = |f: &Frame| {
            if kind == "loop" {
                f.closer == "done"
            } else {
                f.opener == kind
            }
        };
        match self.stack.last() {
            Some(f) if matches(f) => {
                if !missing_middle.is_empty() && !f.seen_middle {
                    self.note(
                        i,
                        format!("unexpected `{closer}`: the {missing_middle}"),
                        middle_help,
                    );
                }
                self.stack.pop();
            }
            Some(f) => {
                let msg = if self.stack.iter().any(matches) {
                    format!(
                        "unexpected `{closer}`: the `{}` inside is not closed",
                        f.opener
                    )
                } else {
                    format!("unexpected `{closer}`: nothing open here takes it")
                };
                let help = format!(
                    "close the `{}` with `{}` before this `{closer}`",
                    f.opener, f.closer
                );
                self.note(i, msg, &help);
                if let Some(pos) = self.stack.iter().rposition(matches) {
                    self.stack.truncate(pos);
                }
            }
            None => {
                self.note(
                    i,
                    format!("unexpected `{closer}`: nothing open here takes it"),
                    &format!("remove the stray `{closer}`, or add the construct it closes"),
                );
            }
        }
    }
}

/// An extended glob outside `[[ … ]]` before `shopt -s extglob`: bash rejects its `(`.
fn extglob_error(
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
fn array_error(tokens: &[Token]) -> Option<ShellError> {
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

// ---------------------------------------------------------------------------------------------
// The scanner: finds substitution bodies the way bash delimits them
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SubKind {
    Comsub,
    Backtick,
    /// `$((…) …)`: bash takes it for a command substitution after trying arithmetic, and
    /// `bash -n` does not parse such a body; blanked, not checked.
    Unchecked,
}

/// An arithmetic command `(( … ))` or a `for (( … ))` head: `src[start..end]` from the first `(`.
#[derive(Debug, Clone, Copy)]
struct ArithCmd {
    start: usize,
    end: usize,
    is_for: bool,
}

/// A substitution body: `src[start..end]`.
#[derive(Debug, Clone, Copy)]
struct Sub {
    kind: SubKind,
    start: usize,
    end: usize,
}

#[derive(Debug, Clone)]
struct HereDoc {
    delim: String,
    strip_tabs: bool,
    /// Index of the `<<`.
    at: usize,
}

/// A construct the input ends inside.
#[derive(Debug)]
struct Unclosed {
    at: usize,
    what: &'static str,
}

/// Case-statement tracking while looking for the `)` that closes a `$(`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScanCase {
    Subject,
    In,
    /// In a pattern list; `depth` counts parens inside the pattern, `started` once a word is seen.
    Pattern {
        depth: usize,
        started: bool,
    },
    Body,
}

struct Scanner<'a> {
    s: &'a [char],
    /// Substitutions of the program itself (not those nested inside another substitution).
    subs: Vec<Sub>,
    /// How deep inside substitution bodies the scanner is.
    nest: usize,
    pending: Vec<HereDoc>,
    unterminated: Vec<HereDoc>,
    /// Arithmetic commands of the program itself.
    arith_cmds: Vec<ArithCmd>,
    /// Errors bash reports that brush would not see: (index, message, help).
    errors: Vec<(usize, String, String)>,
    /// Recursion depth of `$` constructs.
    depth: usize,
    /// Steps left before the scanner gives up on pathological input.
    budget: usize,
}

type ScanResult = Result<usize, Unclosed>;

/// `Unclosed::what` when the input is too deep or too costly to follow.
const GAVE_UP: &str = "(too deep)";

fn is_meta(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | ';' | '&' | '|' | '<' | '>' | '(' | ')'
    )
}

impl<'a> Scanner<'a> {
    fn new(s: &'a [char]) -> Scanner<'a> {
        Scanner {
            s,
            subs: Vec::new(),
            nest: 0,
            pending: Vec::new(),
            unterminated: Vec::new(),
            arith_cmds: Vec::new(),
            errors: Vec::new(),
            depth: 0,
            budget: s.len().saturating_mul(16).saturating_add(100_000),
        }
    }

    fn at(&self, i: usize) -> Option<char> {
        self.s.get(i).copied()
    }

    fn tick(&mut self, at: usize) -> Result<(), Unclosed> {
        if self.budget == 0 {
            return Err(Unclosed { at, what: GAVE_UP });
        }
        self.budget -= 1;
        Ok(())
    }

    fn program(&mut self) -> Result<(), Unclosed> {
        self.shell(0, false)?;
        // Here-documents whose line is the last one: their body is empty and never closed.
        let pending = std::mem::take(&mut self.pending);
        self.unterminated.extend(pending);
        Ok(())
    }

    /// Shell text from `i`: to the end (`in_comsub` false) or to the `)` closing a `$(`, whose
    /// index is returned.
    fn shell(&mut self, mut i: usize, in_comsub: bool) -> ScanResult {
        let s = self.s;
        let mut parens = 0usize;
        let mut cases: Vec<ScanCase> = Vec::new();
        let mut word = String::new();
        let mut in_word = false;
        let mut plain = true;
        let mut cmd = true;
        let mut after_for = false;
        while i < s.len() {
            self.tick(i)?;
            let c = s[i];
            // A word ends at a metacharacter.
            if in_word && is_meta(c) {
                in_word = false;
                let w = std::mem::take(&mut word);
                after_for = cmd && plain && w == "for";
                cmd = word_done(&w, plain, cmd, &mut cases);
                plain = true;
            } else if !matches!(c, ' ' | '\t' | '(') {
                after_for = false;
            }
            let in_pattern = matches!(cases.last(), Some(ScanCase::Pattern { .. }));
            match c {
                '\\' => {
                    if self.at(i + 1) == Some('\n') {
                        i += 2;
                        continue;
                    }
                    in_word = true;
                    plain = false;
                    i += 2;
                }
                '\'' => {
                    in_word = true;
                    plain = false;
                    i = self.single(i)?;
                }
                '"' => {
                    in_word = true;
                    plain = false;
                    i = self.double(i)?;
                }
                '`' => {
                    in_word = true;
                    plain = false;
                    i = self.backtick(i)?;
                }
                '$' => {
                    in_word = true;
                    plain = false;
                    i = self.dollar(i)?;
                }
                '#' if !in_word => {
                    while i < s.len() && s[i] != '\n' {
                        i += 1;
                    }
                }
                ' ' | '\t' => i += 1,
                '\n' => {
                    i += 1;
                    if !self.pending.is_empty() {
                        i = self.here_bodies(i);
                    }
                    if !in_pattern {
                        cmd = true;
                    }
                }
                ';' | '&' | '|' => {
                    let next: String = s[i..(i + 3).min(s.len())].iter().collect();
                    let len = if next.starts_with(";;&") {
                        3
                    } else if [";;", ";&", "&&", "||", "|&", "&>"]
                        .iter()
                        .any(|p| next.starts_with(p))
                    {
                        2
                    } else {
                        1
                    };
                    if c == ';' && len >= 2 {
                        if let Some(st) = cases.last_mut() {
                            if *st == ScanCase::Body {
                                *st = ScanCase::Pattern {
                                    depth: 0,
                                    started: false,
                                };
                            }
                        }
                    }
                    if !in_pattern {
                        cmd = true;
                    }
                    i += len;
                }
                '<' | '>' => {
                    if c == '<' && self.at(i + 1) == Some('<') && self.at(i + 2) != Some('<') {
                        let strip = self.at(i + 2) == Some('-');
                        let from = i + if strip { 3 } else { 2 };
                        i = self.here_word(i, from, strip);
                    } else if self.at(i + 1) == Some('(') {
                        // Process substitution: its parens count like a subshell's.
                        i += 1;
                    } else {
                        i += 1;
                        while i < s.len() && matches!(s[i], '<' | '>' | '&' | '|' | '-') {
                            i += 1;
                        }
                    }
                }
                '(' => {
                    if let Some(ScanCase::Pattern { depth, started }) = cases.last().copied() {
                        let st = if depth == 0 && !started {
                            // The optional `(` before a pattern.
                            ScanCase::Pattern {
                                depth,
                                started: true,
                            }
                        } else {
                            ScanCase::Pattern {
                                depth: depth + 1,
                                started,
                            }
                        };
                        if let Some(top) = cases.last_mut() {
                            *top = st;
                        }
                        i += 1;
                        continue;
                    }
                    if self.at(i + 1) == Some('(') && (cmd || after_for) {
                        let mark = self.subs.len();
                        match self.arith(i + 2)? {
                            Some((end, semicolons)) => {
                                if self.nest == 0 {
                                    self.arith_cmds.push(ArithCmd {
                                        start: i,
                                        end,
                                        is_for: after_for,
                                    });
                                }
                                if after_for && semicolons != 2 {
                                    self.errors.push((
                                        i,
                                        format!("`for (( … ))` needs three expressions separated by `;`, found {}", semicolons + 1),
                                        "write `for ((i = 0; i < n; i++))`; a part may be empty but keeps its `;`".into(),
                                    ));
                                }
                                i = end;
                                cmd = false;
                                after_for = false;
                                continue;
                            }
                            None => self.subs.truncate(mark),
                        }
                    }
                    parens += 1;
                    cmd = true;
                    i += 1;
                }
                ')' => {
                    if let Some(ScanCase::Pattern { depth, started }) = cases.last().copied() {
                        let st = if depth > 0 {
                            ScanCase::Pattern {
                                depth: depth - 1,
                                started,
                            }
                        } else {
                            ScanCase::Body
                        };
                        if let Some(top) = cases.last_mut() {
                            *top = st;
                        }
                        cmd = st == ScanCase::Body;
                        i += 1;
                        continue;
                    }
                    if parens == 0 {
                        if in_comsub {
                            return Ok(i);
                        }
                    } else {
                        parens -= 1;
                    }
                    cmd = true;
                    i += 1;
                }
                _ => {
                    in_word = true;
                    word.push(c);
                    i += 1;
                }
            }
        }
        if in_comsub {
            return Err(Unclosed { at: i, what: "$(" });
        }
        Ok(i.min(s.len()))
    }

    fn single(&mut self, i: usize) -> ScanResult {
        let mut j = i + 1;
        while j < self.s.len() {
            if self.s[j] == '\'' {
                return Ok(j + 1);
            }
            j += 1;
        }
        Err(Unclosed { at: i, what: "'" })
    }

    /// `"…"` from the opening quote at `i`; returns the index after the closing one.
    fn double(&mut self, i: usize) -> ScanResult {
        let mut j = i + 1;
        while j < self.s.len() {
            self.tick(j)?;
            match self.s[j] {
                '\\' => j += 2,
                '"' => return Ok(j + 1),
                '$' => j = self.dollar(j)?,
                '`' => j = self.backtick(j)?,
                _ => j += 1,
            }
        }
        Err(Unclosed { at: i, what: "\"" })
    }

    fn backtick(&mut self, i: usize) -> ScanResult {
        let mut j = i + 1;
        while j < self.s.len() {
            match self.s[j] {
                '\\' => j += 2,
                '`' => {
                    if self.nest == 0 {
                        self.subs.push(Sub {
                            kind: SubKind::Backtick,
                            start: i + 1,
                            end: j,
                        });
                    }
                    return Ok(j + 1);
                }
                _ => j += 1,
            }
        }
        Err(Unclosed { at: i, what: "`" })
    }

    /// A `$` at `i`; returns the index after what it introduces.
    fn dollar(&mut self, i: usize) -> ScanResult {
        self.depth += 1;
        let r = if self.depth > MAX_NESTING {
            Err(Unclosed {
                at: i,
                what: GAVE_UP,
            })
        } else {
            self.dollar_inner(i)
        };
        self.depth -= 1;
        r
    }

    fn dollar_inner(&mut self, i: usize) -> ScanResult {
        match self.at(i + 1) {
            Some('(') => {
                if self.at(i + 2) == Some('(') {
                    let mark = self.subs.len();
                    match self.arith(i + 3) {
                        Ok(Some((end, _))) => return Ok(end),
                        // `$((…) …)`: a command substitution starting with a subshell.
                        Ok(None) => {
                            self.subs.truncate(mark);
                            return self.comsub_as(i, SubKind::Unchecked);
                        }
                        Err(u) if u.what == GAVE_UP => return Err(u),
                        Err(_) => return Err(Unclosed { at: i, what: "$((" }),
                    }
                }
                self.comsub_as(i, SubKind::Comsub)
            }
            Some('{') => self.brace(i),
            Some('\'') => {
                let mut j = i + 2;
                while j < self.s.len() {
                    match self.s[j] {
                        '\\' => j += 2,
                        '\'' => return Ok(j + 1),
                        _ => j += 1,
                    }
                }
                Err(Unclosed { at: i, what: "$'" })
            }
            Some('"') => self.double(i + 1),
            Some('[') => {
                let mut j = i + 2;
                let mut d = 0usize;
                while j < self.s.len() {
                    self.tick(j)?;
                    match self.s[j] {
                        '\\' => j += 2,
                        '$' => j = self.dollar(j)?,
                        '`' => j = self.backtick(j)?,
                        '[' => {
                            d += 1;
                            j += 1;
                        }
                        ']' => {
                            if d == 0 {
                                return Ok(j + 1);
                            }
                            d -= 1;
                            j += 1;
                        }
                        _ => j += 1,
                    }
                }
                Err(Unclosed { at: i, what: "$[" })
            }
            _ => Ok(i + 1),
        }
    }

    /// `$(` at `i`: scans the body and records it.
    fn comsub_as(&mut self, i: usize, kind: SubKind) -> ScanResult {
        let saved = std::mem::take(&mut self.pending);
        self.nest += 1;
        let r = self.shell(i + 2, true);
        self.nest -= 1;
        let inner = std::mem::replace(&mut self.pending, saved);
        // A here-document opened inside whose body starts after the `)` belongs to the outer line.
        self.pending.extend(inner);
        let end = r.map_err(|u| {
            if u.what == "$(" {
                Unclosed { at: i, what: "$(" }
            } else {
                u
            }
        })?;
        if self.nest == 0 {
            self.subs.push(Sub {
                kind,
                start: i + 2,
                end,
            });
        }
        Ok(end + 1)
    }

    /// `${` at `i` (a bare `{` inside does not nest, as in bash).
    fn brace(&mut self, i: usize) -> ScanResult {
        let mut j = i + 2;
        while j < self.s.len() {
            self.tick(j)?;
            match self.s[j] {
                '\\' => j += 2,
                '\'' => j = self.single(j)?,
                '"' => j = self.double(j)?,
                '$' => j = self.dollar(j)?,
                '`' => j = self.backtick(j)?,
                '}' => return Ok(j + 1),
                _ => j += 1,
            }
        }
        Err(Unclosed { at: i, what: "${" })
    }

    /// Arithmetic after `((` (at `j`): `Some((index after "))", top-level `;` count))`, or `None`
    /// when the parens do not close as `))` (then it was a subshell or command substitution).
    fn arith(&mut self, mut j: usize) -> Result<Option<(usize, usize)>, Unclosed> {
        let start = j.saturating_sub(2);
        let mut d = 0usize;
        let mut semicolons = 0usize;
        while j < self.s.len() {
            self.tick(j)?;
            match self.s[j] {
                '\\' => j += 2,
                '\'' => j = self.single(j)?,
                '"' => j = self.double(j)?,
                '$' => j = self.dollar(j)?,
                '`' => j = self.backtick(j)?,
                '(' => {
                    d += 1;
                    j += 1;
                }
                ')' => {
                    if d == 0 {
                        return Ok(if self.at(j + 1) == Some(')') {
                            Some((j + 2, semicolons))
                        } else {
                            None
                        });
                    }
                    d -= 1;
                    j += 1;
                }
                ';' => {
                    if d == 0 {
                        semicolons += 1;
                    }
                    j += 1;
                }
                _ => j += 1,
            }
        }
        Err(Unclosed {
            at: start,
            what: "((",
        })
    }

    /// The delimiter word after `<<` / `<<-` (operator at `op`, word from `j`).
    fn here_word(&mut self, op: usize, mut j: usize, strip_tabs: bool) -> usize {
        let s = self.s;
        while j < s.len() && matches!(s[j], ' ' | '\t') {
            j += 1;
        }
        let mut delim = String::new();
        while j < s.len() && !is_meta(s[j]) {
            match s[j] {
                '\\' => {
                    if let Some(c) = s.get(j + 1) {
                        delim.push(*c);
                    }
                    j += 2;
                }
                q @ ('\'' | '"') => {
                    j += 1;
                    while j < s.len() && s[j] != q {
                        delim.push(s[j]);
                        j += 1;
                    }
                    j += 1;
                }
                '$' if matches!(s.get(j + 1), Some('\'' | '"')) => j += 1,
                c => {
                    delim.push(c);
                    j += 1;
                }
            }
        }
        // A delimiter with a substitution in it is left to the parser.
        if !delim.is_empty() && !delim.contains('`') && !delim.contains("$(") {
            self.pending.push(HereDoc {
                delim,
                strip_tabs,
                at: op,
            });
        }
        j.min(s.len())
    }

    /// Skips the bodies of the pending here-documents, starting at line start `i`.
    fn here_bodies(&mut self, mut i: usize) -> usize {
        let s = self.s;
        for h in std::mem::take(&mut self.pending) {
            let mut closed = false;
            while i < s.len() {
                let end = s[i..]
                    .iter()
                    .position(|c| *c == '\n')
                    .map(|p| i + p)
                    .unwrap_or(s.len());
                let mut line = &s[i..end];
                if h.strip_tabs {
                    while let ['\t', rest @ ..] = line {
                        line = rest;
                    }
                }
                i = (end + 1).min(s.len());
                if line.iter().copied().eq(h.delim.chars()) {
                    closed = true;
                    break;
                }
            }
            if !closed {
                self.unterminated.push(h);
            }
        }
        i
    }
}

/// Tracks `case … in pattern) … ;; esac` by words; returns whether the next word starts a command.
fn word_done(w: &str, plain: bool, cmd: bool, cases: &mut Vec<ScanCase>) -> bool {
    if let Some(st) = cases.last_mut() {
        match *st {
            ScanCase::Subject => {
                *st = ScanCase::In;
                return false;
            }
            ScanCase::In => {
                *st = ScanCase::Pattern {
                    depth: 0,
                    started: false,
                };
                return false;
            }
            ScanCase::Pattern { depth, started } => {
                if plain && w == "esac" && !started {
                    cases.pop();
                } else {
                    *st = ScanCase::Pattern {
                        depth,
                        started: true,
                    };
                }
                return false;
            }
            ScanCase::Body => {}
        }
    }
    if !cmd || !plain {
        return false;
    }
    match w {
        "case" => {
            cases.push(ScanCase::Subject);
            false
        }
        "esac" => {
            if cases.last() == Some(&ScanCase::Body) {
                cases.pop();
            }
            false
        }
        "if" | "then" | "else" | "elif" | "do" | "while" | "until" | "{" | "!" | "time" => true,
        _ => w.contains('=') && !w.starts_with('='),
    }
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
    fn console_commands_take_prompts_continuations_and_open_constructs() {
        let code = "$ kubectl get pods \\\n    -n spark\nNAME READY\n$ cat <<EOF\n> a: 1\n> EOF\noutput (\n";
        let cmds = console_commands(code);
        assert_eq!(cmds.len(), 2, "{cmds:?}");
        assert_eq!(cmds[0].0, "kubectl get pods \\\n    -n spark");
        assert_eq!(cmds[1].0, "cat <<EOF\na: 1\nEOF");
        assert!(console_errors(code).is_empty());
        let e = console_errors("some output\n  $ echo \"x\n");
        assert_eq!((e[0].line, e[0].column), (2, 10), "{e:?}");
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
