//! Byte ranges into a source text, and their human positions.
//!
//! Every stage reports faults as byte spans so that one renderer can point at them;
//! lines and columns are derived only when a person (or JavaScript) needs them.

use serde::Serialize;

/// A half-open byte range `start..end` into a source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// True when the span covers no bytes.
    pub fn is_empty(self) -> bool {
        self.start >= self.end
    }
}

/// A 1-based line and column; the column counts Unicode characters, not bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LineColumn {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters from the start of the line.
    pub column: usize,
}

/// The line and column of byte `offset` in `source`.
///
/// Offsets past the end, or inside a multi-byte character, are clamped to the
/// nearest preceding character boundary so that this never panics.
pub fn line_column(source: &str, offset: usize) -> LineColumn {
    let offset = floor_char_boundary(source, offset);
    let before = &source[..offset];
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    LineColumn {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
    }
}

/// The largest character boundary at or before `offset` (clamped to the text).
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_lines() {
        assert_eq!(line_column("a:b", 2), LineColumn { line: 1, column: 3 });
        assert_eq!(
            line_column("a:\n  é:x", 7),
            LineColumn { line: 2, column: 4 }
        );
        assert_eq!(line_column("é", 1), LineColumn { line: 1, column: 1 });
        assert_eq!(line_column("ab", 99), LineColumn { line: 1, column: 3 });
    }
}
