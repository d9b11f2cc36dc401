//! lines: byte offsets → 1-based (line, column) positions, columns counted in characters.
//!
//! Build a [`LineIndex`] once per text when you convert many offsets (a parser reporting
//! several errors, a link checker walking a page); [`line_col`] converts a single offset.
//!
//! Decisions: columns count `char`s, not bytes and not display width, so a caret under
//! `café` lands where editors put it for most text; an offset past the end is clamped to the end
//! and an offset inside a multi-byte character is moved back to that character's start, so a
//! position is always valid.

/// Start offsets of every line of one text: `line_col` in O(log lines).
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset where each line starts; `starts[0] == 0`.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes the line starts of `text` (one pass over its bytes).
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    /// The text this index was built over.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// Number of lines (a trailing newline starts one more, empty, line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 1-based line of byte `offset` (clamped to the text).
    pub fn line(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset.min(self.text.len()))
            .max(1)
    }

    /// Byte offset where 1-based `line` starts; the text's end for lines past the last.
    pub fn line_start(&self, line: usize) -> usize {
        match line {
            0 | 1 => 0,
            n => self.starts.get(n - 1).copied().unwrap_or(self.text.len()),
        }
    }

    /// 1-based (line, column in characters) of byte `offset`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset);
        let line = self.line(offset);
        let start = self.line_start(line);
        (line, self.text[start..offset].chars().count() + 1)
    }
}

/// 1-based (line, column in characters) of byte `offset` in `text`, without keeping an index:
/// for one conversion. Same answers as [`LineIndex::line_col`].
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// `offset` clamped to `text` and moved back to the start of the character it falls in.
fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_and_one_off_agree() {
        let text = "ab\ncé\nd";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() + 3 {
            assert_eq!(index.line_col(offset), line_col(text, offset), "{offset}");
        }
        assert_eq!(index.line_col(6), (2, 3));
        assert_eq!(index.line_col(99), (3, 2));
        // Inside `é`: moved back to its start.
        assert_eq!(index.line_col(5), (2, 2));
    }

    #[test]
    fn lines_and_their_starts() {
        let index = LineIndex::new("one\ntwo\n");
        assert_eq!(index.line_count(), 3);
        assert_eq!((index.line(0), index.line(3), index.line(4)), (1, 1, 2));
        assert_eq!(
            (
                index.line_start(1),
                index.line_start(2),
                index.line_start(9)
            ),
            (0, 4, 8)
        );
    }
}
