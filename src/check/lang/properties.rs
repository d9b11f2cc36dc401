//! Java properties and spark-defaults.conf blocks (`properties-syntax`): the first line Java
//! rejects or Spark would misread.
//!
//! Decisions:
//! - Java `Properties.load` rules as Spark reads spark-defaults.conf. Errors are what
//!   Java rejects (a malformed `\uXXXX` escape) or what Spark would misread: a `--conf`/
//!   `spark-submit` command line pasted as a property, a key with no value at all, a value wrapped
//!   in quotes (Java keeps the quotes), a `\` continuation on the block's last line.

use super::position::line_col;
use super::SyntaxError;

/// One natural line of a logical property line: its 1-based line number, and the byte offset in
/// the logical text where it begins together with the number of leading bytes skipped.
struct Piece {
    line: usize,
    logical_start: usize,
    skipped: usize,
}

/// The first error of a Java properties text as Spark reads spark-defaults.conf.
pub fn properties_error(code: &str) -> Option<SyntaxError> {
    let lines: Vec<&str> = code
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let last_content = lines
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .unwrap_or(0);
    let mut i = 0;
    while i < lines.len() {
        let first = lines[i];
        let body = first.trim_start_matches([' ', '\t', '\x0c']);
        if body.is_empty() || body.starts_with('#') || body.starts_with('!') {
            i += 1;
            continue;
        }
        // Gather the logical line.
        let mut logical = String::new();
        let mut pieces = Vec::new();
        let mut j = i;
        let mut text = first;
        let mut skipped = first.len() - body.len();
        loop {
            let content = &text[skipped..];
            pieces.push(Piece {
                line: j + 1,
                logical_start: logical.len(),
                skipped,
            });
            let trailing = content.bytes().rev().take_while(|&c| c == b'\\').count();
            if trailing % 2 == 1 {
                logical.push_str(&content[..content.len() - 1]);
                if j >= last_content {
                    let col = text.chars().count();
                    return Some(
                        SyntaxError::new(j + 1, col, "line continuation `\\` at the end of the block continues into nothing")
                            .help("remove the trailing `\\`; pasted into a file it would swallow the next line"),
                    );
                }
                j += 1;
                text = lines.get(j).copied().unwrap_or("");
                skipped = text.len() - text.trim_start_matches([' ', '\t', '\x0c']).len();
                continue;
            }
            logical.push_str(content);
            break;
        }
        let locate = |offset: usize| -> (usize, usize) {
            let p = pieces
                .iter()
                .rev()
                .find(|p| p.logical_start <= offset)
                .unwrap_or(&pieces[0]);
            let text = lines.get(p.line - 1).copied().unwrap_or("");
            let byte = (p.skipped + offset - p.logical_start).min(text.len());
            let (_, col) = line_col(text, byte);
            (p.line, col)
        };
        if let Some(err) = logical_line_error(&logical, &locate) {
            return Some(err);
        }
        i = j + 1;
    }
    None
}

fn logical_line_error(
    logical: &str,
    locate: &dyn Fn(usize) -> (usize, usize),
) -> Option<SyntaxError> {
    // Malformed \uXXXX escapes: Java throws IllegalArgumentException.
    let b = logical.as_bytes();
    let mut k = 0;
    while k < b.len() {
        if b[k] == b'\\' {
            if b.get(k + 1) == Some(&b'u') {
                let hex = logical.get(k + 2..k + 6).unwrap_or("");
                if hex.len() != 4 || !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
                    let (line, col) = locate(k);
                    return Some(
                        SyntaxError::new(line, col, "malformed \\uxxxx encoding: `\\u` needs four hex digits")
                            .help("Java's Properties.load rejects the whole file; write `\\\\u` for a literal backslash-u"),
                    );
                }
            }
            k += 2;
            continue;
        }
        k += 1;
    }
    // Key: up to the first unescaped `=`, `:` or whitespace.
    let mut key_end = b.len();
    let mut k = 0;
    while k < b.len() {
        match b[k] {
            b'\\' => k += 2,
            b'=' | b':' | b' ' | b'\t' | b'\x0c' => {
                key_end = k;
                break;
            }
            _ => k += 1,
        }
    }
    let key_end = key_end.min(b.len());
    let key = &logical[..key_end];
    let mut rest = logical[key_end..].trim_start_matches([' ', '\t', '\x0c']);
    let had_separator = rest.starts_with('=') || rest.starts_with(':');
    if had_separator {
        rest = rest[1..].trim_start_matches([' ', '\t', '\x0c']);
    }
    let value = rest.trim_end();
    let value_offset = logical.len() - rest.len();
    if key == "--conf" || key == "-c" || key.starts_with("--") {
        let (line, col) = locate(0);
        let fixed = value.replacen('=', " ", 1);
        return Some(
            SyntaxError::new(
                line,
                col,
                format!(
                    "`{key}` is a spark-submit option, not a property: Java reads the key `{key}`"
                ),
            )
            .help(format!("write the property itself: `{fixed}`")),
        );
    }
    if matches!(
        key,
        "spark-submit" | "pyspark" | "spark-shell" | "spark-sql" | "export"
    ) || key.ends_with("/spark-submit")
    {
        let (line, col) = locate(0);
        return Some(
            SyntaxError::new(line, col, format!("`{key}` starts a shell command, not a property"))
                .help("use a ```bash block for commands; spark-defaults.conf holds `spark.key value` lines"),
        );
    }
    if !had_separator && value.is_empty() {
        let (line, col) = locate(0);
        return Some(
            SyntaxError::new(
                line,
                col,
                format!(
                    "`{key}` has no value: Java reads it as the key `{key}` set to an empty string"
                ),
            )
            .help("write `key=value` (or `key value`); mark elided lines with a `#` comment"),
        );
    }
    let quoted = value.len() >= 2
        && ((value.starts_with('"') && value.ends_with('"'))
            || (value.starts_with('\'') && value.ends_with('\'')));
    if quoted {
        let (line, col) = locate(value_offset);
        return Some(
            SyntaxError::new(line, col, format!("the value of `{key}` is wrapped in quotes, which Java keeps as part of the value"))
                .help(format!("remove the quotes: `{key}={}`", &value[1..value.len() - 1])),
        );
    }
    None
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_rules() {
        let ok = "# spark-defaults.conf\n! also a comment\nspark.master k8s://https://k8s:443\nspark.eventLog.enabled=true\nspark.executor.memory : 4g\nspark.driver.extraJavaOptions=-Dx=1 \\\n   -Dy=2\nspark.unicode=\\u00e9\nspark.path=C:\\\\tmp\n\n";
        assert_eq!(properties_error(ok), None);
        let e = properties_error("spark.a=1\nspark.b=\\u00zz\n").unwrap();
        assert_eq!((e.line, e.column), (2, 9));
        let e = properties_error("spark.a=1 \\\n  x\\u12\n").unwrap();
        assert_eq!((e.line, e.column), (2, 4), "{e:?}");
        let e = properties_error("--conf spark.a=1\n").unwrap();
        assert_eq!((e.line, e.column), (1, 1));
        assert_eq!(
            e.help.as_deref(),
            Some("write the property itself: `spark.a 1`")
        );
        let e = properties_error("spark.a=1\n  spark.eventLog.enabled\n").unwrap();
        assert_eq!((e.line, e.column), (2, 3));
        let e = properties_error("spark.a = \"x y\"\n").unwrap();
        assert_eq!((e.line, e.column), (1, 11));
        let e = properties_error("spark.a=1 \\\n").unwrap();
        assert_eq!(e.line, 1);
        // A comment ending in a backslash does not continue.
        assert_eq!(properties_error("# a \\\nspark.a=1\n"), None);
    }
}
