//! Positions: byte offsets of a checked text to 1-based lines and character columns.

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Byte offset of the start of 1-based `line`.
fn line_start(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n')
        .nth(line - 2)
        .map_or(text.len(), |(i, _)| i + 1)
}

/// Converts a byte column on `line` into a character column.
pub(super) fn char_column(text: &str, line: usize, byte_col: usize) -> usize {
    let start = line_start(text, line);
    let (_, col) = line_col(text, start + byte_col.saturating_sub(1));
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
