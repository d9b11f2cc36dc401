//! Console transcripts: the commands of a ```` ```console ```` block are its `$ `-prompted lines,
//! with their `\` continuations and the lines an open quote or here-document runs onto (a
//! leading `> ` prompt stripped); everything else is output.

use super::{syntax_errors, ShellError};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
