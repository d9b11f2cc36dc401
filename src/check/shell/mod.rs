//! `shell-syntax`: shell code blocks (```` ```bash ````, `sh`, `shell`, `zsh`, `ksh`, and the
//! `$ `-prompted commands of ```` ```console ````/`shell-session`/`shellsession` blocks; the list is
//! [`crate::util::langs`]) that bash would not parse.
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
//!
//! Layout: this file is the rule and the public API; [`program`] checks one program (scan, blank
//! substitutions, parse, recurse into bodies); [`scanner`] finds where bash's constructs end;
//! [`parse`] hands the program to brush and turns its errors into messages, with [`structure`]
//! explaining what is open; [`brush_gaps`] adds what brush accepts and bash rejects; [`console`]
//! takes the commands out of console transcripts; [`words`] splits commands into words with
//! their positions for rules that read arguments (`helm`).

use crate::check::codes::Code;
mod brush_gaps;
mod console;
mod parse;
pub use parse::quiet_parser_panics;
pub(crate) mod placeholders;
mod program;
mod scanner;
mod structure;
pub mod words;

pub use console::{console_commands, console_errors};
pub use program::{has_errors, syntax_errors};

use super::{Block, Context};
use crate::diagnostics::{Finding, Severity};
use crate::util::langs;
use rayon::prelude::*;

pub const CODE: Code = Code::ShellSyntax;

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

// ---------------------------------------------------------------------------------------------
// The rule
// ---------------------------------------------------------------------------------------------

pub fn check(cx: &Context) -> Vec<Finding> {
    let blocks: Vec<Block> = cx
        .code_blocks()
        .into_iter()
        .filter(|b| langs::is_shell_or_console(&b.block.lang) && !b.ignores(CODE))
        .collect();
    blocks
        .par_iter()
        .filter_map(|b| {
            let code = cx.neutralize_placeholders(&b.block.code);
            let errors = block_errors(&b.block.lang, &code)?;
            first_finding(&errors).map(|e| {
                to_finding(e, |sev, line, col, msg| {
                    b.finding(sev, CODE, line, col, msg)
                })
            })
        })
        .collect()
}

/// What bash would say about a code block in `lang`: the whole block for shell languages, the
/// prompted commands for console transcripts; `None` for any other language.
pub fn block_errors(lang: &str, code: &str) -> Option<Vec<ShellError>> {
    // `serve` rebuilds: most blocks did not change since the last save.
    static VERDICTS: crate::memo::PageCache<Option<Vec<ShellError>>> =
        crate::memo::PageCache::new();
    let key = crate::memo::rebuild_key(&[lang.as_bytes(), code.as_bytes()]);
    VERDICTS.get_or_insert(key, || block_errors_uncached(lang, code))
}

fn block_errors_uncached(lang: &str, code: &str) -> Option<Vec<ShellError>> {
    if langs::is_console(lang) {
        Some(console_errors(code))
    } else if langs::is_shell(lang) {
        Some(syntax_errors(code))
    } else {
        None
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_and_console_language_is_checked() {
        for lang in ["bash", "sh", "shell", "zsh", "ksh"] {
            let e = block_errors(lang, "echo ok\nfi\n").expect(lang);
            assert_eq!((e[0].line, e[0].column), (2, 1), "{lang}: {e:?}");
        }
        // Only the prompted lines of a transcript are code: output may be anything.
        let transcript = "$ kubectl get pods\nNAME (READY\n$ echo \"x\n";
        for lang in ["console", "shell-session", "shellsession"] {
            let e = block_errors(lang, transcript).expect(lang);
            assert_eq!(e.len(), 1, "{lang}: {e:?}");
            assert_eq!((e[0].line, e[0].column), (3, 8), "{lang}: {e:?}");
            assert!(e[0].message.contains("unclosed `\"`"), "{lang}: {e:?}");
        }
        assert!(block_errors("shellsession", "$ ls\noutput )\n").is_some_and(|e| e.is_empty()));
        assert!(block_errors("text", "fi").is_none());
        assert!(block_errors("python", "fi").is_none());
    }
}
