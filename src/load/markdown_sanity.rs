//! markdown_sanity: two accidents in a Markdown source (recipe or issue) that still parse, so
//! nothing else would notice them: an empty file (`file-empty`) and a code fence that is never
//! closed, which turns the rest of the page into one code block (`fence-unclosed`).

use crate::check::codes::Code;
use crate::diagnostics::Finding;
use crate::load::recipe::markdown_options;
use crate::util::lines::LineIndex;
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};

/// Reports an empty (or whitespace-only) file; `true` when it is empty and must not be loaded.
pub fn is_empty(text: &str, rel: &str, findings: &mut Vec<Finding>) -> bool {
    if !text.trim().is_empty() {
        return false;
    }
    findings.push(
        Finding::error(Code::FileEmpty, rel, 0, 0, "the file is empty")
            .with_help("write its content, or delete it (an empty page would be published)"),
    );
    true
}

/// Reports the first fenced code block of `body` that runs to the end of the file without its
/// closing fence. `body_line` is the 1-based line of `body` in the file.
pub fn check_fences(body: &str, body_line: usize, rel: &str, findings: &mut Vec<Finding>) {
    let lines = LineIndex::new(body);
    for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) = event else {
            continue;
        };
        let block = &body[range.clone()];
        if range.end < body.trim_end().len() || is_closed(block) {
            continue;
        }
        let line = lines.line(range.start) + body_line - 1;
        let opening = block.lines().next().unwrap_or("").trim();
        findings.push(
            Finding::error(
                Code::FenceUnclosed,
                rel,
                line,
                1,
                format!("the code fence `{opening}` is never closed: the rest of the file renders as code"),
            )
            .with_help("close the block with a line of the same fence characters (``` or ~~~)"),
        );
        return;
    }
}

/// Whether the fenced block's text ends with a closing fence as long as its opening one.
fn is_closed(block: &str) -> bool {
    let strip = |l: &str| {
        l.trim_start_matches(|c: char| c == '>' || c.is_whitespace())
            .trim_end()
            .to_string()
    };
    let mut lines = block.lines().map(strip).filter(|l| !l.is_empty());
    let Some(open) = lines.next() else {
        return false;
    };
    let Some(fence_char) = open.chars().next().filter(|c| *c == '`' || *c == '~') else {
        return true;
    };
    let width = open.chars().take_while(|c| *c == fence_char).count();
    match lines.next_back() {
        Some(last) => last.len() >= width && last.chars().all(|c| c == fence_char),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fences(body: &str) -> Vec<usize> {
        let mut f = Vec::new();
        check_fences(body, 5, "a.md", &mut f);
        f.iter().map(|f| f.line).collect()
    }

    #[test]
    fn finds_only_fences_left_open() {
        assert_eq!(fences("intro\n\n```bash\nls\n"), vec![7]);
        assert_eq!(fences("~~~~\nx\n~~~\n"), vec![5]);
        assert!(fences("```bash\nls\n```\n").is_empty());
        assert!(fences("````\n```\n````\n\n").is_empty());
        assert!(fences("> ```\n> x\n> ```\n").is_empty());
        assert!(fences("> ```\n> x\n\nafter the quote\n").is_empty());
        let mut f = Vec::new();
        assert!(is_empty(" \n\n", "a.md", &mut f));
        assert!(!is_empty("x", "a.md", &mut f));
        assert_eq!(f.len(), 1);
    }
}
