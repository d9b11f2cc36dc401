//! Positions: byte offsets of a checked text to 1-based lines and character columns.

pub use crate::util::lines::line_col;
use crate::util::lines::LineIndex;

/// Converts a byte column on `line` into a character column.
pub(super) fn char_column(text: &str, line: usize, byte_col: usize) -> usize {
    let index = LineIndex::new(text);
    let (_, col) = index.line_col(index.line_start(line) + byte_col.saturating_sub(1));
    col
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        assert_eq!(line_col("ab\ncé\nd", 6), (2, 3));
        assert_eq!(line_col("ab", 99), (1, 3));
        assert_eq!(char_column("x\néa", 2, 3), 2);
    }
}
