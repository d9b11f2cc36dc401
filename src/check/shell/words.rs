//! Shell code split into simple commands and their words, for rules that read arguments (`helm`):
//! each word after quote removal the way bash does it (`'…'`, `"…"`, `\` escapes, `$'…'`,
//! `\`-newline continuations), each character with its line and column, and marked when it comes
//! from an expansion or a command substitution (`dynamic`) or a documentation placeholder (`ph`).
//! Comments, `;`/`&&`/`||`/`|`, redirections and here-document bodies are understood; the files
//! the code redirects output to (`> file`, `>> file`) are collected with their positions (what
//! commands themselves create is [`crate::check::created_files`]' business).
//!
//! Where an expansion, a backquoted command or a process substitution ends is decided by the
//! shell checker's [`scanner`](super::scanner), so both rules delimit shell code the same way. In a
//! console transcript the commands are those of [`console_commands`] (the one prompt extraction).
//!
//! Decisions: a placeholder is a plain word even where its `<`/`>` would be a redirection; the
//! word splitter never fails (unclosed quotes run to the end), it only feeds checks that need
//! literal arguments.

use super::console::console_commands;
use super::placeholders::{marks, neutralize};
use super::scanner::construct_end;
use regex::Regex;

/// Splits shell code into commands and words. In console mode (`console` true) only the
/// commands of the transcript are code. `placeholder` marks documentation placeholders.
pub fn split(code: &str, placeholder: Option<&Regex>, console: bool) -> Words {
    tokenize(&source_chars(code, placeholder, console))
}

/// A source character with its 1-based position; `ph` when it is part of a placeholder.
#[derive(Debug, Clone, Copy)]
struct SChar {
    c: char,
    line: usize,
    col: usize,
    ph: bool,
}

/// A character of a shell word after quote removal, with its 1-based position in the code.
#[derive(Debug, Clone, Copy)]
pub struct WChar {
    pub c: char,
    pub line: usize,
    pub col: usize,
    /// Produced by a `$` expansion, a command substitution or backticks.
    pub dynamic: bool,
    /// Part of a documentation placeholder (`<release-name>`).
    pub ph: bool,
}

/// A shell word: its characters after quote removal, and whether any part of it was quoted or
/// escaped.
#[derive(Debug, Clone, Default)]
pub struct Word {
    pub chars: Vec<WChar>,
    pub quoted: bool,
}

impl Word {
    /// The word after quote removal.
    pub fn text(&self) -> String {
        self.chars.iter().map(|c| c.c).collect()
    }
}

/// The text of some word characters.
pub fn text_of(chars: &[WChar]) -> String {
    chars.iter().map(|c| c.c).collect()
}

/// Whether the characters are what they say: no expansion, no placeholder.
pub fn literal(chars: &[WChar]) -> bool {
    chars.iter().all(|c| !c.dynamic && !c.ph)
}

/// What shell code splits into.
#[derive(Default)]
pub struct Words {
    /// The simple commands, each its words (redirections and their targets left out).
    pub commands: Vec<Vec<Word>>,
    /// The targets of output redirections (`> file`, `>> file`, `&> file`), in source order.
    pub written: Vec<Word>,
}

#[derive(Clone, Copy, PartialEq)]
enum Pending {
    None,
    /// The next word is a file written to.
    Out,
    /// The next word is read or duplicated: dropped.
    Drop,
    /// The next word is a here-document delimiter (`<<-` when true).
    Heredoc(bool),
}

struct Lexer<'s> {
    s: &'s [SChar],
    /// The characters of `s`, for the scanner.
    chars: Vec<char>,
    i: usize,
    cur: Option<Word>,
    cmd: Vec<Word>,
    out: Words,
    pending: Pending,
    heredocs: Vec<(String, bool)>,
}

fn tokenize(s: &[SChar]) -> Words {
    let mut lx = Lexer {
        s,
        chars: s.iter().map(|c| c.c).collect(),
        i: 0,
        cur: None,
        cmd: Vec::new(),
        out: Words::default(),
        pending: Pending::None,
        heredocs: Vec::new(),
    };
    lx.run();
    lx.out
}

impl Lexer<'_> {
    fn at(&self, i: usize) -> Option<char> {
        self.s.get(i).map(|c| c.c)
    }

    fn word(&mut self) -> &mut Word {
        self.cur.get_or_insert_with(Word::default)
    }

    fn push(&mut self, ch: SChar, dynamic: bool) {
        self.word().chars.push(WChar {
            c: ch.c,
            line: ch.line,
            col: ch.col,
            dynamic,
            ph: ch.ph,
        });
    }

    fn push_range(&mut self, from: usize, to: usize, dynamic: bool) {
        for k in from..to.min(self.s.len()) {
            let ch = self.s[k];
            self.push(ch, dynamic);
        }
    }

    fn end_word(&mut self) {
        let Some(w) = self.cur.take() else { return };
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::Out => self.out.written.push(w),
            Pending::Drop => {}
            Pending::Heredoc(strip) => self.heredocs.push((w.text(), strip)),
            Pending::None => self.cmd.push(w),
        }
    }

    fn end_cmd(&mut self) {
        self.end_word();
        self.pending = Pending::None;
        let cmd = std::mem::take(&mut self.cmd);
        if cmd.is_empty() {
            return;
        }
        self.out.commands.push(cmd);
    }

    /// Skips here-document bodies after a newline.
    fn heredoc_bodies(&mut self) {
        for (delim, strip) in std::mem::take(&mut self.heredocs) {
            while self.i < self.s.len() {
                let start = self.i;
                while self.i < self.s.len() && self.s[self.i].c != '\n' {
                    self.i += 1;
                }
                let line: String = self.s[start..self.i].iter().map(|c| c.c).collect();
                self.i += 1;
                let cmp = if strip {
                    line.trim_start_matches('\t')
                } else {
                    line.as_str()
                };
                if cmp == delim {
                    break;
                }
            }
        }
    }

    /// A `$` at `self.i`: an expansion (pushed as dynamic characters) or a literal `$`.
    fn dollar(&mut self, in_dq: bool) {
        let i = self.i;
        match self.at(i + 1) {
            Some('\'') if !in_dq => {
                self.word().quoted = true;
                self.i += 2;
                while self.i < self.s.len() && self.s[self.i].c != '\'' {
                    if self.s[self.i].c == '\\' && self.i + 1 < self.s.len() {
                        self.i += 1;
                    }
                    let ch = self.s[self.i];
                    self.push(ch, false);
                    self.i += 1;
                }
                self.i += 1;
            }
            Some('"') if !in_dq => self.i += 1,
            Some('(' | '{') => {
                let end = construct_end(&self.chars, i);
                self.push_range(i, end, true);
                self.i = end;
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                let mut end = i + 1;
                while self
                    .at(end)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    end += 1;
                }
                self.push_range(i, end, true);
                self.i = end;
            }
            Some(c) if c.is_ascii_digit() || "@*#?$!-".contains(c) => {
                self.push_range(i, i + 2, true);
                self.i = i + 2;
            }
            _ => {
                let ch = self.s[i];
                self.push(ch, false);
                self.i += 1;
            }
        }
    }

    fn backtick(&mut self) {
        let start = self.i;
        let end = construct_end(&self.chars, start);
        self.push_range(start, end, true);
        self.i = end;
    }

    fn redirect(&mut self) {
        // A file-descriptor number right before the operator (`2>`) is not a word.
        let fd = self.cur.as_ref().is_some_and(|w| {
            !w.quoted && !w.chars.is_empty() && w.chars.iter().all(|c| c.c.is_ascii_digit())
        });
        if fd {
            self.cur = None;
        } else {
            self.end_word();
        }
        let c = self.s[self.i].c;
        if self.at(self.i + 1) == Some('(') {
            // Process substitution: a dynamic word.
            let start = self.i;
            let end = construct_end(&self.chars, start);
            self.push_range(start, end, true);
            self.i = end;
            return;
        }
        self.i += 1;
        if c == '<' {
            match self.at(self.i) {
                Some('<') => {
                    self.i += 1;
                    if self.at(self.i) == Some('<') {
                        self.i += 1;
                        self.pending = Pending::Drop;
                    } else {
                        let strip = self.at(self.i) == Some('-');
                        if strip {
                            self.i += 1;
                        }
                        self.pending = Pending::Heredoc(strip);
                    }
                }
                Some('&') => {
                    self.i += 1;
                    self.pending = Pending::Drop;
                }
                Some('>') => {
                    self.i += 1;
                    self.pending = Pending::Out;
                }
                _ => self.pending = Pending::Drop,
            }
        } else {
            if matches!(self.at(self.i), Some('>') | Some('|')) {
                self.i += 1;
            }
            if self.at(self.i) == Some('&') {
                self.i += 1;
                self.pending = Pending::Drop;
            } else {
                self.pending = Pending::Out;
            }
        }
    }

    fn run(&mut self) {
        while self.i < self.s.len() {
            let ch = self.s[self.i];
            if ch.ph {
                self.push(ch, false);
                self.i += 1;
                continue;
            }
            match ch.c {
                ' ' | '\t' | '\r' => {
                    self.end_word();
                    self.i += 1;
                }
                '\n' => {
                    self.end_cmd();
                    self.i += 1;
                    self.heredoc_bodies();
                }
                '\\' => match self.at(self.i + 1) {
                    Some('\n') => self.i += 2,
                    Some(_) => {
                        self.word().quoted = true;
                        let next = self.s[self.i + 1];
                        self.push(next, false);
                        self.i += 2;
                    }
                    None => self.i += 1,
                },
                '\'' => {
                    self.word().quoted = true;
                    self.i += 1;
                    while self.i < self.s.len() && self.s[self.i].c != '\'' {
                        let c = self.s[self.i];
                        self.push(c, false);
                        self.i += 1;
                    }
                    self.i += 1;
                }
                '"' => {
                    self.word().quoted = true;
                    self.i += 1;
                    while self.i < self.s.len() {
                        let c = self.s[self.i];
                        match c.c {
                            '"' => {
                                self.i += 1;
                                break;
                            }
                            '\\' if matches!(
                                self.at(self.i + 1),
                                Some('$' | '`' | '"' | '\\' | '\n')
                            ) =>
                            {
                                let next = self.s[self.i + 1];
                                if next.c != '\n' {
                                    self.push(next, false);
                                }
                                self.i += 2;
                            }
                            '$' => self.dollar(true),
                            '`' => self.backtick(),
                            _ => {
                                self.push(c, false);
                                self.i += 1;
                            }
                        }
                    }
                }
                '$' => self.dollar(false),
                '`' => self.backtick(),
                '#' if self.cur.is_none() => {
                    while self.i < self.s.len() && self.s[self.i].c != '\n' {
                        self.i += 1;
                    }
                }
                ';' | '(' | ')' => {
                    self.end_cmd();
                    self.i += 1;
                }
                '|' => {
                    self.end_cmd();
                    self.i += 1;
                    if matches!(self.at(self.i), Some('|') | Some('&')) {
                        self.i += 1;
                    }
                }
                '&' => match self.at(self.i + 1) {
                    Some('&') => {
                        self.end_cmd();
                        self.i += 2;
                    }
                    Some('>') => {
                        self.end_word();
                        self.i += 2;
                        if self.at(self.i) == Some('>') {
                            self.i += 1;
                        }
                        self.pending = Pending::Out;
                    }
                    _ => {
                        self.end_cmd();
                        self.i += 1;
                    }
                },
                '<' | '>' => self.redirect(),
                _ => {
                    self.push(ch, false);
                    self.i += 1;
                }
            }
        }
        self.end_cmd();
    }
}

/// The characters of shell code with their positions. In console mode only the commands of the
/// transcript are code (see [`console_commands`]). Placeholder matches are marked.
fn source_chars(code: &str, placeholder: Option<&Regex>, console: bool) -> Vec<SChar> {
    let mut out = Vec::new();
    if !console {
        for (li, raw) in code.split('\n').enumerate() {
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            push_line(&mut out, line, li + 1, 0, placeholder);
        }
        return out;
    }
    // Placeholders are neutralised so that `<name>` does not read as an open redirection while
    // finding where a command ends; the characters are taken from the code as written.
    let neutral = match placeholder {
        Some(re) => neutralize(code, re),
        None => code.to_string(),
    };
    let lines: Vec<&str> = code.lines().collect();
    for (_, map) in console_commands(&neutral) {
        for (li, off) in map {
            let line = lines.get(li).copied().unwrap_or("");
            let text = line.get(off..).unwrap_or("");
            let col0 = line.get(..off).map_or(off, |p| p.chars().count());
            push_line(&mut out, text, li + 1, col0, placeholder);
        }
    }
    out
}

/// Pushes the characters of one line (`line`: 1-based; its text starts after `col0` columns) and
/// the newline that ends it.
fn push_line(
    out: &mut Vec<SChar>,
    text: &str,
    line: usize,
    col0: usize,
    placeholder: Option<&Regex>,
) {
    let ph = marks(text, placeholder);
    let mut n = 0;
    for (k, (b, c)) in text.char_indices().enumerate() {
        out.push(SChar {
            c,
            line,
            col: col0 + k + 1,
            ph: ph.get(b).copied().unwrap_or(false),
        });
        n = k + 1;
    }
    out.push(SChar {
        c: '\n',
        line,
        col: col0 + n + 1,
        ph: false,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(code: &str) -> Vec<Vec<String>> {
        let re = regex::Regex::new("<[A-Za-z][A-Za-z0-9_.:/-]*>").unwrap();
        split(code, Some(&re), false)
            .commands
            .iter()
            .map(|c| c.iter().map(Word::text).collect())
            .collect()
    }

    #[test]
    fn tokenizer_quotes_continuations_and_operators() {
        let w = words("helm upgrade <release-name> charts/x -n <namespace> \\\n  --set 'a\\.b=1' --set \"c=$X\" # note\necho hi && ls | wc -l; true");
        assert_eq!(
            w[0],
            vec![
                "helm",
                "upgrade",
                "<release-name>",
                "charts/x",
                "-n",
                "<namespace>",
                "--set",
                "a\\.b=1",
                "--set",
                "c=$X"
            ]
        );
        assert_eq!(w[1], vec!["echo", "hi"]);
        assert_eq!(w[2], vec!["ls"]);
        assert_eq!(w[3], vec!["wc", "-l"]);
        assert_eq!(w[4], vec!["true"]);
    }

    #[test]
    fn tokenizer_heredocs_and_redirections() {
        let code = "cat > my-values.yaml <<'EOF'\nhelm install x ./nope\nEOF\nhelm template x charts/y 2>&1 > /dev/null";
        let t = split(code, None, false);
        let cmds: Vec<Vec<String>> = t
            .commands
            .iter()
            .map(|c| c.iter().map(Word::text).collect())
            .collect();
        assert_eq!(
            cmds,
            vec![vec!["cat"], vec!["helm", "template", "x", "charts/y"]]
        );
        let written: Vec<String> = t.written.iter().map(Word::text).collect();
        assert_eq!(written, vec!["my-values.yaml", "/dev/null"]);
    }

    #[test]
    fn positions_survive_continuations() {
        let t = split("helm upgrade r c \\\n  --set a.b=1", None, false);
        let set = &t.commands[0][5];
        assert_eq!(set.text(), "a.b=1");
        assert_eq!((set.chars[0].line, set.chars[0].col), (2, 9));
    }

    #[test]
    fn console_prompts_only() {
        let t = split(
            "$ helm lint charts/x \\\n    -f v.yaml\noutput line helm install a b\n$ ls",
            None,
            true,
        );
        let cmds: Vec<Vec<String>> = t
            .commands
            .iter()
            .map(|c| c.iter().map(Word::text).collect())
            .collect();
        assert_eq!(
            cmds,
            vec![vec!["helm", "lint", "charts/x", "-f", "v.yaml"], vec!["ls"]]
        );
        assert_eq!(t.commands[0][0].chars[0].col, 3);
    }

    #[test]
    fn dynamic_words_are_marked() {
        let t = split(
            "helm install r \"$CHART\" --set 'x=${POD_IP}' $(echo y)",
            None,
            false,
        );
        let c = &t.commands[0];
        assert!(!literal(&c[3].chars));
        assert!(literal(&c[5].chars));
        assert!(!literal(&c[6].chars));
    }

    #[test]
    fn console_here_documents_and_placeholders() {
        // The here-document's body is part of its command, so the next prompt is a command again.
        let re = regex::Regex::new("<[A-Za-z][A-Za-z0-9_.:/-]*>").unwrap();
        let t = split(
            "$ cat > v.yaml <<EOF\n> a: 1\n> EOF\n$ helm install <release> ./c -f v.yaml\n",
            Some(&re),
            true,
        );
        let cmds: Vec<Vec<String>> = t
            .commands
            .iter()
            .map(|c| c.iter().map(Word::text).collect())
            .collect();
        assert_eq!(
            cmds,
            vec![
                vec!["cat"],
                vec!["helm", "install", "<release>", "./c", "-f", "v.yaml"]
            ]
        );
        let written: Vec<String> = t.written.iter().map(Word::text).collect();
        assert_eq!(written, vec!["v.yaml".to_string()]);
        assert_eq!(
            (t.written[0].chars[0].line, t.written[0].chars[0].col),
            (1, 9)
        );
        let release = &t.commands[1][2];
        assert!(!literal(&release.chars));
        assert_eq!((release.chars[0].line, release.chars[0].col), (4, 16));
    }
}
