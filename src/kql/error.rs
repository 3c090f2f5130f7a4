//! Syntax errors: what went wrong, and where.

use std::fmt::{self, Display, Formatter};

use crate::span::Span;

/// A KQL syntax error at a byte span of the query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Where the fault is.
    pub span: Span,
    /// What the fault is.
    pub kind: ParseErrorKind,
}

/// The kinds of syntax error.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// Occurs when the query stops where something else must follow, as in `a:` or `(a:1`.
    UnexpectedEnd {
        /// What could have come next.
        expected: Expected,
    },
    /// Occurs when a character cannot continue the query, as in `a:1)` or `a:(b`.
    UnexpectedCharacter {
        /// What could have come next.
        expected: Expected,
    },
    /// Occurs when a double quote is never closed, as in `a:"b`.
    UnterminatedString,
    /// Occurs when a backslash escapes a character that needs no escape in an unquoted
    /// value, as in `a:b\x` (quote the value, or escape only `\():<>"*{}`, `\t`, `\r`, `\n`, `\uXXXX`).
    InvalidEscape,
    /// Occurs when the operator `not ` appears where it cannot, as in `not not a:1`,
    /// `a:not b`, `a:1 not b:2`, or `a:cannot be` (`not ` is an operator even inside a word).
    MisplacedNot {
        /// What precedes the `not`, which decides the advice.
        context: NotContext,
    },
    /// Occurs when parentheses, braces or `not` nest deeper than the parser allows.
    TooDeep {
        /// The nesting limit.
        limit: usize,
    },
    /// Occurs when the query is longer than the parser reads; the span is
    /// what lies beyond the limit.
    TooLong {
        /// The length limit, in bytes.
        limit: usize,
    },
}

/// Where a misplaced `not ` was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotContext {
    /// Right after another `not`: `not not a:1`.
    AfterNot,
    /// Where a value must start: `a:not b`.
    StartOfValue,
    /// After a complete condition, separated by spaces: `a:1 not b:2`.
    BetweenConditions,
    /// At the end of a word of an unquoted value: `a:cannot be`.
    InsideWord,
}

/// The set of things the parser could have accepted at an error position.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Expected(u16);

impl Expected {
    /// A field name, value or `(`: the start of an expression.
    pub const EXPRESSION: Expected = Expected(1 << 0);
    /// A value or `(` after `field:`.
    pub const VALUE: Expected = Expected(1 << 1);
    /// The keyword `or`.
    pub const OR: Expected = Expected(1 << 2);
    /// The keyword `and`.
    pub const AND: Expected = Expected(1 << 3);
    /// `:`, `<`, `<=`, `>` or `>=` after a field name.
    pub const FIELD_OPERATOR: Expected = Expected(1 << 4);
    /// A closing `)`.
    pub const CLOSE_PAREN: Expected = Expected(1 << 5);
    /// A closing `}`.
    pub const CLOSE_BRACE: Expected = Expected(1 << 6);
    /// The end of the query.
    pub const END: Expected = Expected(1 << 7);

    /// True when every flag of `other` is set.
    pub fn contains(self, other: Expected) -> bool {
        self.0 & other.0 == other.0
    }

    /// Adds the flags of `other`.
    pub fn insert(&mut self, other: Expected) {
        self.0 |= other.0;
    }
}

impl Expected {
    fn descriptions(self) -> Vec<&'static str> {
        let named = [
            (Expected::EXPRESSION, "a field name or value"),
            (Expected::VALUE, "a value"),
            (Expected::FIELD_OPERATOR, "`:` or a comparison"),
            (Expected::CLOSE_PAREN, "`)`"),
            (Expected::CLOSE_BRACE, "`}`"),
            (Expected::AND, "`and`"),
            (Expected::OR, "`or`"),
            (Expected::END, "the end of the query"),
        ];
        named
            .iter()
            .filter(|(flag, _)| self.contains(*flag))
            .map(|(_, description)| *description)
            .collect()
    }
}

impl Display for Expected {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let descriptions = self.descriptions();
        match descriptions.as_slice() {
            [] => f.write_str("nothing"),
            [only] => f.write_str(only),
            [init @ .., last] => write!(f, "{} or {last}", init.join(", ")),
        }
    }
}

impl ParseErrorKind {
    /// A stable snake_case name for this kind, part of the public error contract.
    pub fn tag(&self) -> &'static str {
        match self {
            ParseErrorKind::UnexpectedEnd { .. } => "unexpected_end",
            ParseErrorKind::UnexpectedCharacter { .. } => "unexpected_character",
            ParseErrorKind::UnterminatedString => "unterminated_string",
            ParseErrorKind::InvalidEscape => "invalid_escape",
            ParseErrorKind::MisplacedNot { .. } => "misplaced_not",
            ParseErrorKind::TooDeep { .. } => "too_deep",
            ParseErrorKind::TooLong { .. } => "too_long",
        }
    }
}

impl ParseError {
    /// The message, given the query the span points into.
    pub fn message(&self, query: &str) -> String {
        let found = query
            .get(self.span.start..)
            .and_then(|rest| rest.chars().next())
            .map(|c| format!("`{}`", c.escape_debug()))
            .unwrap_or_else(|| "the end of the query".to_string());
        match &self.kind {
            ParseErrorKind::UnexpectedEnd { expected } => {
                format!("expected {expected}, found the end of the query")
            }
            ParseErrorKind::UnexpectedCharacter { expected } => {
                format!("expected {expected}, found {found}")
            }
            ParseErrorKind::UnterminatedString => "this double quote is never closed".to_string(),
            ParseErrorKind::InvalidEscape => format!(
                "`\\` cannot escape {}: only \\():<>\"*{{}} and \\t, \\r, \\n, \\uXXXX can be escaped (or quote the value)",
                query
                    .get(self.span.start + 1..)
                    .and_then(|rest| rest.chars().next())
                    .map(|c| format!("`{}`", c.escape_debug()))
                    .unwrap_or_else(|| "the end of the query".to_string())
            ),
            ParseErrorKind::MisplacedNot { context } => match context {
                NotContext::AfterNot => {
                    "`not` cannot follow `not`: remove both, or write `not (not …)`".to_string()
                }
                NotContext::StartOfValue => {
                    "a value cannot start with `not `: write `not field:value`, or quote the value"
                        .to_string()
                }
                NotContext::BetweenConditions => {
                    "conditions must be joined with `and` or `or`: write `and not`".to_string()
                }
                NotContext::InsideWord => {
                    "`not` followed by a space is an operator even inside a word: quote the value"
                        .to_string()
                }
            },
            ParseErrorKind::TooDeep { limit } => {
                format!("the query nests more than {limit} levels deep")
            }
            ParseErrorKind::TooLong { limit } => {
                format!("the query is longer than {limit} bytes, the most a query may be")
            }
        }
    }
}
