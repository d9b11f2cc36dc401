//! TOML blocks (`toml-syntax`): the first error of a TOML document.

use super::position::line_col;
use super::SyntaxError;

pub fn toml_error(code: &str) -> Option<SyntaxError> {
    let e = code.parse::<::toml::Table>().err()?;
    let (line, column) = e.span().map(|s| line_col(code, s.start)).unwrap_or((1, 1));
    let msg = e.message().replace('\n', "; ");
    let err = SyntaxError::new(line, column, format!("invalid TOML: {msg}"));
    Some(if msg.starts_with("invalid string") {
        err.help("TOML strings are quoted: `key = \"value\"`")
    } else {
        err
    })
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_valid_and_invalid() {
        assert_eq!(toml_error("[a]\nb = \"c\"\n"), None);
        let e = toml_error("[a]\nb = \nc = 1\n").unwrap();
        assert_eq!((e.line, e.column), (2, 5));
        let e = toml_error("a = 1\na = 2\n").unwrap();
        assert_eq!((e.line, e.column), (2, 1));
    }
}
