//! What is open at a token, and the first misplaced reserved word: a heuristic walk over brush's
//! tokens used only to explain an error brush found (`fi` with no `then`, an unclosed `{`).

use super::parse::REDIRECTIONS;
use brush_parser::Token;

/// An open compound command while walking the tokens.
#[derive(Debug, Clone)]
pub(super) struct Frame {
    pub(super) opener: &'static str,
    pub(super) closer: &'static str,
    pub(super) token: usize,
    /// `then` of an `if`, `do` of a loop, `in` of a `case`.
    pub(super) seen_middle: bool,
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
pub(super) struct Structure {
    stack: Vec<Frame>,
    /// The stack just before token `upto`.
    pub(super) before: Vec<Frame>,
    pub(super) anomaly: Option<(usize, String, String)>,
}

impl Structure {
    pub(super) fn walk(tokens: &[Token], upto: usize) -> Structure {
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
