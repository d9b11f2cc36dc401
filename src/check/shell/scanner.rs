//! The scanner: finds where bash's constructs end (`$( … )`, `${ … }`, `$(( … ))`, quotes,
//! backquotes, here-documents, `case` patterns) the way bash delimits them, and records the
//! command substitution bodies and arithmetic commands of a program. The word splitter of
//! [`super::words`] asks it where an expansion ends.

use super::program::MAX_NESTING;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SubKind {
    Comsub,
    Backtick,
    /// `$((…) …)`: bash takes it for a command substitution after trying arithmetic, and
    /// `bash -n` does not parse such a body; blanked, not checked.
    Unchecked,
}

/// An arithmetic command `(( … ))` or a `for (( … ))` head: `src[start..end]` from the first `(`.
#[derive(Debug, Clone, Copy)]
pub(super) struct ArithCmd {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) is_for: bool,
}

/// A substitution body: `src[start..end]`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Sub {
    pub(super) kind: SubKind,
    pub(super) start: usize,
    pub(super) end: usize,
}

#[derive(Debug, Clone)]
pub(super) struct HereDoc {
    pub(super) delim: String,
    pub(super) strip_tabs: bool,
    /// Index of the `<<`.
    pub(super) at: usize,
}

/// A construct the input ends inside.
#[derive(Debug)]
pub(super) struct Unclosed {
    pub(super) at: usize,
    pub(super) what: &'static str,
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

pub(super) struct Scanner<'a> {
    s: &'a [char],
    /// Substitutions of the program itself (not those nested inside another substitution).
    pub(super) subs: Vec<Sub>,
    /// How deep inside substitution bodies the scanner is.
    nest: usize,
    pending: Vec<HereDoc>,
    pub(super) unterminated: Vec<HereDoc>,
    /// Arithmetic commands of the program itself.
    pub(super) arith_cmds: Vec<ArithCmd>,
    /// Errors bash reports that brush would not see: (index, message, help).
    pub(super) errors: Vec<(usize, String, String)>,
    /// Recursion depth of `$` constructs.
    depth: usize,
    /// Steps left before the scanner gives up on pathological input.
    budget: usize,
}

pub(super) type ScanResult = Result<usize, Unclosed>;

/// `Unclosed::what` when the input is too deep or too costly to follow.
pub(super) const GAVE_UP: &str = "(too deep)";

fn is_meta(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | ';' | '&' | '|' | '<' | '>' | '(' | ')'
    )
}

impl<'a> Scanner<'a> {
    pub(super) fn new(s: &'a [char]) -> Scanner<'a> {
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

    pub(super) fn program(&mut self) -> Result<(), Unclosed> {
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

/// The index just after the construct that starts at `s[i]`, delimited as bash does: a `$`
/// expansion (`$( … )`, `${ … }`, `$(( … ))`, `$[ … ]`, `$'…'`, `$"…"`, `$name`), a backquoted
/// command, or a `<( … )`/`>( … )` process substitution. The end of the input when the construct
/// is never closed.
pub(super) fn construct_end(s: &[char], i: usize) -> usize {
    let mut scan = Scanner::new(s);
    let end = match (s.get(i), s.get(i + 1)) {
        (Some('$'), _) => scan.dollar(i),
        (Some('`'), _) => scan.backtick(i),
        (Some('<' | '>'), Some('(')) => scan.comsub_as(i, SubKind::Unchecked),
        _ => Ok(i + 1),
    };
    end.unwrap_or(s.len()).min(s.len())
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
