//! Documentation placeholders (`<namespace>`, the `[check] placeholder` pattern) in shell code:
//! which characters belong to one, and the same text with each replaced by a plain word.
//!
//! Decisions: a placeholder is matched within one line, so that replacing it never moves a line;
//! the replacement (`Pxxx…`, as long as the placeholder) keeps every column.
//! `Context::neutralize_placeholders` is this function for every rule.

use regex::Regex;

/// Per byte of `line`: whether it is part of a placeholder.
pub(super) fn marks(line: &str, placeholder: Option<&Regex>) -> Vec<bool> {
    let mut ph = vec![false; line.len()];
    if let Some(re) = placeholder {
        for m in re.find_iter(line) {
            for flag in ph.iter_mut().take(m.end()).skip(m.start()) {
                *flag = true;
            }
        }
    }
    ph
}

/// `code` with every placeholder replaced by a plain word of the same length, line by line.
pub(crate) fn neutralize(code: &str, placeholder: &Regex) -> String {
    let lines: Vec<String> = code
        .split('\n')
        .map(|line| {
            placeholder
                .replace_all(line, |c: &regex::Captures| {
                    let len = c[0].len();
                    let mut w = String::with_capacity(len);
                    w.push('P');
                    w.extend(std::iter::repeat_n('x', len.saturating_sub(1)));
                    w
                })
                .into_owned()
        })
        .collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_marked_and_neutralized_in_place() {
        let re = Regex::new("<[A-Za-z][A-Za-z0-9_.:/-]*>").unwrap();
        let m = marks("kubectl -n <ns> get", Some(&re));
        let flagged: String = "kubectl -n <ns> get"
            .chars()
            .zip(&m)
            .filter(|(_, f)| **f)
            .map(|(c, _)| c)
            .collect();
        assert_eq!(flagged, "<ns>");
        assert!(marks("a <b>", None).iter().all(|f| !f));
        assert_eq!(neutralize("a <ns>\n<x> b", &re), "a Pxxx\nPxx b");
    }
}
