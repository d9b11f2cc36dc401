//! `command_words`: a deliberately small shell word splitter for finding `--conf` and `--set`
//! arguments on one logical command line. Isolated here so it can be swapped for the project's
//! shell lexer without touching the extractors.

/// Splits one logical shell line into words: whitespace separates words, single and double
/// quotes group (and are removed), a backslash escapes the next character outside single quotes
/// (and is kept inside double quotes unless it escapes `"`, `\`, `$` or a backtick), `;`, `|`,
/// `&`, `(` and `)` are words of their own, and `#` at the start of a word starts a comment.
/// Each word comes with the byte offset in `line` of its first character (an opening quote
/// included).
pub fn command_words(line: &str) -> Vec<(String, usize)> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut start: Option<usize> = None;
    let mut chars = line.char_indices().peekable();
    let flush = |cur: &mut String, start: &mut Option<usize>, words: &mut Vec<(String, usize)>| {
        if let Some(s) = start.take() {
            words.push((std::mem::take(cur), s));
        }
    };
    while let Some((i, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => flush(&mut cur, &mut start, &mut words),
            '#' if start.is_none() => break,
            ';' | '|' | '&' | '(' | ')' => {
                flush(&mut cur, &mut start, &mut words);
                let mut op = c.to_string();
                if let Some(&(_, n)) = chars.peek() {
                    if (c == '|' || c == '&') && n == c {
                        op.push(n);
                        chars.next();
                    }
                }
                words.push((op, i));
            }
            '\'' => {
                start.get_or_insert(i);
                for (_, q) in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    cur.push(q);
                }
            }
            '"' => {
                start.get_or_insert(i);
                while let Some((_, q)) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => match chars.peek() {
                            Some(&(_, n)) if matches!(n, '"' | '\\' | '$' | '`') => {
                                cur.push(n);
                                chars.next();
                            }
                            _ => cur.push('\\'),
                        },
                        _ => cur.push(q),
                    }
                }
            }
            '\\' => {
                start.get_or_insert(i);
                if let Some((_, n)) = chars.next() {
                    cur.push(n);
                }
            }
            _ => {
                start.get_or_insert(i);
                cur.push(c);
            }
        }
    }
    flush(&mut cur, &mut start, &mut words);
    words
}

/// Whether a word separates commands (`;`, `|`, `&&`, ...).
pub fn is_operator(word: &str) -> bool {
    matches!(word, ";" | "|" | "||" | "&" | "&&" | "(" | ")")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(line: &str) -> Vec<(String, usize)> {
        command_words(line)
    }

    #[test]
    fn splits_quotes_escapes_and_operators() {
        assert_eq!(
            w(r#"spark-submit --conf 'a=b c' --conf "x=\"y\"" k\ v; echo"#),
            vec![
                ("spark-submit".into(), 0),
                ("--conf".into(), 13),
                ("a=b c".into(), 20),
                ("--conf".into(), 28),
                ("x=\"y\"".into(), 35),
                ("k v".into(), 45),
                (";".into(), 49),
                ("echo".into(), 51),
            ]
        );
        assert_eq!(
            w(r"helm --set 'a.sparkConf.spark\.x=1' # c"),
            vec![
                ("helm".into(), 0),
                ("--set".into(), 5),
                (r"a.sparkConf.spark\.x=1".into(), 11)
            ]
        );
        assert_eq!(
            w("a && b || c"),
            vec![
                ("a".into(), 0),
                ("&&".into(), 2),
                ("b".into(), 5),
                ("||".into(), 7),
                ("c".into(), 10)
            ]
        );
    }
}
