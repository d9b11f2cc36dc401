//! JSON blocks (`json-syntax`): the first error of a JSON value or of a JSON Lines stream.
//!
//! Decisions:
//! - Parsed raw; a sequence of values (JSON Lines, e.g. Spark event logs) is valid.

use super::position::char_column;
use super::SyntaxError;

pub fn json_error(code: &str) -> Option<SyntaxError> {
    let e = match serde_json::from_str::<serde_json::Value>(code) {
        Ok(_) => return None,
        Err(e) => e,
    };
    if e.classify() == serde_json::error::Category::Syntax
        && e.to_string().starts_with("trailing characters")
    {
        // JSON Lines: a sequence of values.
        let mut stream =
            serde_json::Deserializer::from_str(code).into_iter::<serde::de::IgnoredAny>();
        let mut seq_err = None;
        for v in &mut stream {
            if let Err(e) = v {
                seq_err = Some(e);
                break;
            }
        }
        return seq_err.map(json_syntax_error(code));
    }
    Some(json_syntax_error(code)(e))
}

fn json_syntax_error(code: &str) -> impl Fn(serde_json::Error) -> SyntaxError + '_ {
    move |e: serde_json::Error| {
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        let line = e.line().max(1);
        let column = char_column(code, line, e.column().max(1));
        let at = code
            .lines()
            .nth(line - 1)
            .and_then(|l| l.chars().nth(column - 1));
        let mut err = SyntaxError::new(line, column, format!("invalid JSON: {msg}"));
        if at == Some('/') || at == Some('#') {
            err = err.help("JSON has no comments; label an annotated block ```jsonc");
        } else if msg.contains("trailing comma") {
            err = err.help("JSON allows no comma after the last element");
        } else if msg.contains("key must be a string") {
            err = err.help("JSON keys are double-quoted strings");
        }
        err
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_valid_and_invalid() {
        assert_eq!(json_error("{\"a\": [1, null, \"<x>\"]}"), None);
        assert_eq!(json_error("{\"a\": 1}\n{\"b\": 2}\n"), None);
        let e = json_error("{\n  \"a\": 1,\n}\n").unwrap();
        assert_eq!((e.line, e.column), (3, 1));
        let e = json_error("{\"é\": 1, x}").unwrap();
        assert_eq!((e.line, e.column), (1, 10));
        let e = json_error("{\"a\": 1}\n{\"b\": }\n").unwrap();
        assert_eq!(e.line, 2);
        let e = json_error("{\n  // the port\n  \"port\": 1\n}").unwrap();
        assert_eq!((e.line, e.column), (2, 3));
        assert!(e.help.unwrap().contains("jsonc"));
    }
}
