//! Draws an [`Error`] for people: the message, then the faulty line with carets
//! under the fault.
//!
//! It is the only renderer: the command line prints it, the wasm API returns it
//! as `rendered`, and the playground shows it, so all three read the same.
//!
//! ```text
//! error: `not` followed by a space is an operator even inside a word: quote the value
//!   |
//! 1 | a:cannot be
//!   |      ^^^
//! ```

use std::fmt::Write as _;

use crate::error::Error;
use crate::span::{floor_char_boundary, line_column};

/// How many characters of a long line are shown before the fault.
const CONTEXT_BEFORE: usize = 40;
/// How many characters of a long line are shown in all.
const MAX_SHOWN: usize = 100;

/// The error as text: message, origin, and the source line with carets.
pub fn render(error: &Error) -> String {
    let mut out = format!("error: {}", error.message);
    let (Some(span), Some(source)) = (error.span(), error.source()) else {
        if let Some(origin) = &error.origin {
            let _ = write!(out, "\n --> {origin}");
        }
        return out;
    };
    let start = floor_char_boundary(source, span.start);
    let end = floor_char_boundary(source, span.end.max(span.start));
    let position = error
        .line_column()
        .unwrap_or_else(|| line_column(source, start));
    match &error.origin {
        Some(origin) => {
            let _ = write!(
                out,
                "\n --> {origin}, line {}, column {}",
                position.line, position.column
            );
        }
        None if source.contains('\n') || error.first_line() > 1 => {
            let _ = write!(
                out,
                "\n --> line {}, column {}",
                position.line, position.column
            );
        }
        None => {}
    }

    let line_start = source[..start].rfind('\n').map_or(0, |newline| newline + 1);
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |offset| start + offset);
    let line: Vec<char> = source[line_start..line_end]
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let fault_column = source[line_start..start].chars().count();
    let fault_width = source[start..end.min(line_end)].chars().count().max(1);

    let first_shown = if line.len() > MAX_SHOWN {
        fault_column.saturating_sub(CONTEXT_BEFORE)
    } else {
        0
    };
    let last_shown = (first_shown + MAX_SHOWN).min(line.len());
    let mut shown: String = line[first_shown..last_shown].iter().collect();
    let mut caret_offset = fault_column - first_shown;
    if first_shown > 0 {
        shown.insert(0, '…');
        caret_offset += 1;
    }
    if last_shown < line.len() {
        shown.push('…');
    }

    let number = position.line.to_string();
    let gutter = " ".repeat(number.len());
    let _ = write!(
        out,
        "\n{gutter} |\n{number} | {shown}\n{gutter} | {}{}",
        " ".repeat(caret_offset),
        "^".repeat(fault_width.min(MAX_SHOWN))
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorType;
    use crate::span::Span;

    fn error_at(source: &str, start: usize, end: usize) -> Error {
        Error::new(ErrorType::KqlSyntax, "test", "boom").at(Span::new(start, end), source)
    }

    #[test]
    fn carets_sit_under_the_span() {
        assert_eq!(
            render(&error_at("a:cannot be", 5, 8)),
            "error: boom\n  |\n1 | a:cannot be\n  |      ^^^"
        );
    }

    #[test]
    fn an_empty_span_at_the_end_gets_one_caret_after_the_text() {
        assert_eq!(
            render(&error_at("a:", 2, 2)),
            "error: boom\n  |\n1 | a:\n  |   ^"
        );
    }

    #[test]
    fn multi_line_sources_name_the_line() {
        assert_eq!(
            render(&error_at("a:1 and\n  b:", 12, 12)),
            "error: boom\n --> line 2, column 5\n  |\n2 |   b:\n  |     ^"
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_fault() {
        let source = format!("{}:x{}", "a".repeat(200), "b".repeat(200));
        let rendered = render(&error_at(&source, 200, 201));
        let lines: Vec<&str> = rendered.lines().collect();
        assert!(lines[2].starts_with("1 | …"), "{rendered}");
        assert!(lines[2].ends_with('…'), "{rendered}");
        let caret = lines[3].find('^').unwrap();
        assert_eq!(lines[2].chars().nth(caret), Some(':'), "{rendered}");
    }

    #[test]
    fn excerpts_keep_the_line_numbers_of_their_origin() {
        let error = error_at("{\"a\":", 5, 5)
            .starting_at_line(42)
            .in_origin("events.ndjson");
        assert_eq!(
            render(&error),
            "error: boom\n --> events.ndjson, line 42, column 6\n   |\n42 | {\"a\":\n   |      ^"
        );
    }

    #[test]
    fn origin_is_named() {
        let error = error_at("a:", 2, 2).in_origin("rule 2");
        assert!(render(&error).starts_with("error: boom\n --> rule 2, line 1, column 3\n"));
    }
}
