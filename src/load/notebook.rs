//! Jupyter notebooks (nbformat 4): cells with their line in the JSON file for diagnostics.

use super::SourceFile;
use crate::check::codes::Code;
use crate::diagnostics::Finding;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellKind {
    Markdown,
    Code,
    Raw,
}

/// One cell. `line` is the 1-based line of the cell's `source` key in the .ipynb file.
#[derive(Debug, Clone)]
pub struct Cell {
    pub kind: CellKind,
    pub source: String,
    pub outputs: Vec<String>,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Notebook {
    pub source: SourceFile,
    pub slug: String,
    pub file_name: String,
    pub title: String,
    pub language: String,
    pub cells: Vec<Cell>,
}

fn text_of(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) => a.iter().filter_map(|x| x.as_str()).collect(),
        _ => String::new(),
    }
}

fn strip_ansi(s: &str) -> String {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| regex::Regex::new(r"\x1b\[[0-9;]*[A-Za-z]").expect("static regex"));
    re.replace_all(s, "").into_owned()
}

/// Lines of each `"source"` key in the file, in order: cells are matched to them by index.
fn source_key_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("\"source\""))
        .map(|(i, _)| i + 1)
        .collect()
}

pub fn load_notebook(file: SourceFile, findings: &mut Vec<Finding>) -> Option<Notebook> {
    let json: serde_json::Value = match serde_json::from_str(&file.text) {
        Ok(v) => v,
        Err(e) => {
            findings.push(
                Finding::error(
                    Code::NotebookInvalid,
                    &file.rel,
                    e.line(),
                    e.column(),
                    format!("not valid JSON: {e}"),
                )
                .with_help(
                    "a notebook is nbformat 4 JSON; open and save it in Jupyter to repair it",
                ),
            );
            return None;
        }
    };
    let major = json.get("nbformat").and_then(|v| v.as_u64());
    let Some(cells) = json
        .get("cells")
        .and_then(|c| c.as_array())
        .filter(|_| major == Some(4))
    else {
        let message = match major {
            Some(n) if n != 4 => format!("nbformat {n} is not supported; expected nbformat 4"),
            _ => "not an nbformat 4 notebook (needs `\"nbformat\": 4` and a `cells` list)"
                .to_string(),
        };
        findings.push(
            Finding::error(Code::NotebookInvalid, &file.rel, 1, 1, message)
                .with_help("convert it with `jupyter nbconvert --to notebook --nbformat 4`"),
        );
        return None;
    };
    let key_line = |key: &str| {
        let pat = format!("\"{key}\"");
        file.text
            .lines()
            .position(|l| l.contains(&pat))
            .map_or(1, |i| i + 1)
    };
    if !json.get("nbformat_minor").is_some_and(|v| v.is_u64()) {
        findings.push(
            Finding::error(Code::NotebookInvalid, &file.rel, key_line("nbformat"), 1, "`nbformat_minor` is missing or not an integer")
                .with_help("nbformat 4 notebooks declare `\"nbformat_minor\": 5` (or the minor version they were written with)"),
        );
    }
    let lines = source_key_lines(&file.text);
    // Cells are matched to `"source"` lines in order; cells without a `source` key take none.
    let mut next_line = 0;
    let mut out = Vec::new();
    for (i, cell) in cells.iter().enumerate() {
        if !cell.is_object() {
            findings.push(Finding::error(
                Code::NotebookInvalid,
                &file.rel,
                key_line("cells"),
                1,
                format!("cell {} is not an object", i + 1),
            ));
            continue;
        }
        let line = if cell.get("source").is_some() {
            next_line += 1;
            lines.get(next_line - 1).copied().unwrap_or(1)
        } else {
            lines.get(next_line).copied().unwrap_or(1)
        };
        let kind = match cell.get("cell_type").and_then(|t| t.as_str()) {
            Some("markdown") => CellKind::Markdown,
            Some("code") => CellKind::Code,
            Some("raw") => CellKind::Raw,
            other => {
                findings.push(Finding::error(
                    Code::NotebookInvalid,
                    &file.rel,
                    line,
                    1,
                    format!(
                        "cell {} has cell_type {:?}; expected markdown, code or raw",
                        i + 1,
                        other.unwrap_or("(missing)")
                    ),
                ));
                continue;
            }
        };
        let source = match cell.get("source") {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(v @ serde_json::Value::Array(a)) if a.iter().all(|x| x.is_string()) => text_of(v),
            Some(_) => {
                findings.push(Finding::error(
                    Code::NotebookInvalid,
                    &file.rel,
                    line,
                    1,
                    format!(
                        "cell {}: `source` must be a string or a list of strings",
                        i + 1
                    ),
                ));
                continue;
            }
            None => {
                findings.push(Finding::error(
                    Code::NotebookInvalid,
                    &file.rel,
                    line,
                    1,
                    format!("cell {} has no `source`", i + 1),
                ));
                continue;
            }
        };
        let mut outputs = Vec::new();
        for o in cell
            .get("outputs")
            .and_then(|o| o.as_array())
            .into_iter()
            .flatten()
        {
            let text = match o.get("output_type").and_then(|t| t.as_str()) {
                Some("stream") => o.get("text").map(text_of).unwrap_or_default(),
                Some("execute_result") | Some("display_data") => o
                    .get("data")
                    .and_then(|d| d.get("text/plain"))
                    .map(text_of)
                    .unwrap_or_default(),
                Some("error") => o
                    .get("traceback")
                    .map(|t| strip_ansi(&text_of_lines(t)))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            if !text.is_empty() {
                outputs.push(text);
            }
        }
        out.push(Cell {
            kind,
            source,
            outputs,
            line,
        });
    }
    let title = out
        .iter()
        .find(|c| c.kind == CellKind::Markdown)
        .and_then(|c| {
            c.source
                .lines()
                .find_map(|l| l.trim().strip_prefix("# ").map(|t| t.trim().to_string()))
        })
        .unwrap_or_else(|| stem(&file.rel).replace(['-', '_'], " "));
    let language = json
        .pointer("/metadata/kernelspec/language")
        .or_else(|| json.pointer("/metadata/language_info/name"))
        .and_then(|l| l.as_str())
        .unwrap_or("python")
        .to_string();
    let file_name = file.rel.rsplit('/').next().unwrap_or(&file.rel).to_string();
    Some(Notebook {
        slug: crate::util::slug::slugify(&stem(&file.rel)),
        file_name,
        title,
        language,
        cells: out,
        source: file,
    })
}

fn text_of_lines(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Array(a) => a
            .iter()
            .filter_map(|x| x.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        other => text_of(other),
    }
}

fn stem(rel: &str) -> String {
    std::path::Path::new(rel)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_json_is_a_finding_with_line() {
        let mut f = Vec::new();
        let n = load_notebook(
            SourceFile {
                path: "n".into(),
                rel: "n.ipynb".into(),
                text: "{\n  \"cells\": [\n".into(),
            },
            &mut f,
        );
        assert!(n.is_none());
        assert_eq!(f[0].code, Code::NotebookInvalid);
        assert!(f[0].line >= 2);
    }

    #[test]
    fn cells_and_title() {
        let text = r##"{"nbformat": 4, "nbformat_minor": 5, "metadata": {},
 "cells": [
  {"cell_type": "markdown", "metadata": {},
   "source": ["# Probe DNS\n", "text"]},
  {"cell_type": "code", "metadata": {}, "execution_count": null,
   "source": "print(1)", "outputs": [{"output_type": "stream", "name": "stdout", "text": ["1\n"]}]}
 ]}"##;
        let mut f = Vec::new();
        let n = load_notebook(
            SourceFile {
                path: "n".into(),
                rel: "nb/probe-dns.ipynb".into(),
                text: text.into(),
            },
            &mut f,
        )
        .unwrap();
        assert_eq!(n.title, "Probe DNS");
        assert_eq!(n.slug, "probe-dns");
        assert_eq!(n.cells[1].outputs, vec!["1\n"]);
        assert_eq!(n.cells[0].line, 4);
        assert_eq!(n.cells[1].line, 6);
    }

    #[test]
    fn malformed_cells_and_missing_minor_are_findings() {
        let text = r##"{"nbformat": 4, "metadata": {},
 "cells": [
  "not a cell",
  {"cell_type": "code", "metadata": {},
   "source": 42},
  {"cell_type": "markdown", "metadata": {}},
  {"cell_type": "code", "metadata": {},
   "source": ["x = 1\n", "y = 2"]}
 ]}"##;
        let mut f = Vec::new();
        let n = load_notebook(
            SourceFile {
                path: "n".into(),
                rel: "n.ipynb".into(),
                text: text.into(),
            },
            &mut f,
        )
        .unwrap();
        let got: Vec<(usize, &str)> = f.iter().map(|f| (f.line, f.message.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (1, "`nbformat_minor` is missing or not an integer"),
                (2, "cell 1 is not an object"),
                (5, "cell 2: `source` must be a string or a list of strings"),
                (8, "cell 3 has no `source`"),
            ]
        );
        assert!(f.iter().all(|f| f.code == Code::NotebookInvalid));
        assert_eq!(n.cells.len(), 1);
        assert_eq!(n.cells[0].source, "x = 1\ny = 2");
        assert_eq!(n.cells[0].line, 8);
    }
}
