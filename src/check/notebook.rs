//! Notebooks: `notebook-python-syntax` — a code cell of a Python notebook that Python cannot
//! parse. IPython lines (`!cmd`, `%magic`, `x = !cmd`) are excepted and a cell that starts with a
//! `%%` cell magic is another language and is skipped (see [`super::lang::python_error`]).
//! Notebooks whose kernel language is not Python (Scala, R, SQL kernels) are not checked.
//! (`notebook-invalid` comes from loading: `crate::load::notebook`.)
//!
//! Locations point into the .ipynb file: when `source` is a JSON array (Jupyter writes one line
//! per string), the finding is on the line of the string that holds the offending code line;
//! when `source` is one JSON string, on the line of the `"source"` key.

use super::Context;
use crate::check::codes::Code;
use crate::diagnostics::Finding;
use crate::load::notebook::CellKind;

pub fn check(cx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for nb in &cx.site.notebooks {
        if !is_python(&nb.language) {
            continue;
        }
        let text = &nb.source.text;
        for cell in nb.cells.iter().filter(|c| c.kind == CellKind::Code) {
            let Some(err) =
                super::lang::python_error(&cell.source, |s| cx.neutralize_placeholders(s))
            else {
                continue;
            };
            let (line, column) = locate(text, cell.line, err.line, err.column);
            let mut f = Finding::error(
                Code::NotebookPythonSyntax,
                &nb.source.rel,
                line,
                column,
                err.message,
            );
            f.help = err.help;
            out.push(f);
        }
    }
    out
}

fn is_python(language: &str) -> bool {
    let l = language.to_ascii_lowercase();
    l.is_empty() || l.starts_with("python") || l.starts_with("ipython") || l == "pyspark"
}

/// One string of a `source` array: the file line and column (1-based) of its opening quote,
/// its raw text between the quotes and its decoded text.
struct Piece {
    line: usize,
    column: usize,
    raw: String,
    text: String,
}

impl Piece {
    /// File column of the decoded character at 1-based `col` of this string.
    fn column_of(&self, col: usize) -> usize {
        let mut decoded = 1;
        let mut raw_col = self.column + 1;
        let mut chars = self.raw.chars();
        while decoded < col {
            match chars.next() {
                None => break,
                Some('\\') => match chars.next() {
                    Some('u') => {
                        chars.by_ref().take(4).for_each(drop);
                        raw_col += 6;
                    }
                    _ => raw_col += 2,
                },
                Some(_) => raw_col += 1,
            }
            decoded += 1;
        }
        raw_col
    }
}

/// Maps `code_line`/`code_col` of a cell's source to the .ipynb file, given the line of the
/// cell's `"source"` key.
fn locate(file: &str, key_line: usize, code_line: usize, code_col: usize) -> (usize, usize) {
    let fallback = (key_line.max(1), 1);
    let Some(pieces) = source_pieces(file, key_line) else {
        return fallback;
    };
    // The code line starts after `target` newlines.
    let target = code_line.saturating_sub(1);
    let mut newlines = 0;
    for p in &pieces {
        if newlines == target {
            return (p.line, p.column_of(code_col.max(1)));
        }
        let n = p.text.matches('\n').count();
        if newlines + n > target || (newlines + n == target && !p.text.ends_with('\n')) {
            // The line starts inside this string (one string holding several lines).
            return (p.line, p.column + 1);
        }
        newlines += n;
    }
    pieces.last().map_or(fallback, |p| (p.line, p.column + 1))
}

/// The strings of the `source` value whose key is on `key_line`, as written in the file; `None`
/// when the key is not there or `source` is a single string.
fn source_pieces(file: &str, key_line: usize) -> Option<Vec<Piece>> {
    let start = match key_line {
        0 => return None,
        1 => 0,
        n => file.match_indices('\n').nth(n - 2)?.0 + 1,
    };
    let rest = file.get(start..)?;
    let line_text = rest.split('\n').next().unwrap_or("");
    let key_at = line_text.find("\"source\"")?;
    let b = file.as_bytes();
    let mut i = start + key_at + "\"source\"".len();
    let skip_ws = |i: &mut usize| {
        while *i < b.len() && b[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    skip_ws(&mut i);
    if b.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    skip_ws(&mut i);
    if b.get(i) != Some(&b'[') {
        return None;
    }
    i += 1;
    let mut pieces = Vec::new();
    loop {
        skip_ws(&mut i);
        match b.get(i) {
            Some(b',') => {
                i += 1;
                continue;
            }
            Some(b'"') => {
                let s = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                let quoted = file.get(s..(i + 1).min(file.len()))?;
                let text: String = serde_json::from_str(quoted).ok()?;
                let raw = quoted.get(1..quoted.len() - 1).unwrap_or("").to_string();
                let (line, column) = super::lang::line_col(file, s);
                pieces.push(Piece {
                    line,
                    column,
                    raw,
                    text,
                });
                i += 1;
            }
            _ => break,
        }
    }
    Some(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NB: &str = r#"{
 "cells": [
  {
   "cell_type": "code",
   "source": [
    "import os\n",
    "x = = 1\n",
    "print(x)"
   ]
  },
  {"cell_type": "code", "source": ["a = 1\n", "b = (\n"]},
  {"cell_type": "code", "source": "a = 1\nb = = 2\n"},
  {"cell_type": "code", "source": [
    "a = \"\\t\"; b = = 2\n"
  ]}
 ]
}"#;

    #[test]
    fn locates_lines_of_source_arrays() {
        assert_eq!(locate(NB, 5, 2, 5), (7, 10));
        assert_eq!(locate(NB, 5, 1, 1), (6, 6));
        assert_eq!(locate(NB, 5, 3, 1), (8, 6));
        // Array on the key's line.
        assert_eq!(locate(NB, 11, 2, 1), (11, 48));
        // A single string: the key's line.
        assert_eq!(locate(NB, 12, 2, 5), (12, 1));
        // Escapes before the column are counted in the file.
        assert_eq!(locate(NB, 13, 1, 15), (14, 23));
        // Out of range or garbage never panics.
        assert_eq!(locate(NB, 99, 1, 1), (99, 1));
        assert_eq!(locate("", 0, 0, 0), (1, 1));
    }

    #[test]
    fn python_kernels() {
        assert!(is_python("python"));
        assert!(is_python("Python3"));
        assert!(!is_python("scala"));
    }
}
