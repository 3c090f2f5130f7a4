//! The syntax tree of a KQL query, shaped like Kibana's own function nodes.
//!
//! Kibana parses `f:(a or b)` straight into `or(is(f, a), is(f, b))`, keeps no
//! grouping nodes, and represents an empty query as `is(*, *)`; this tree does
//! the same so that later stages can follow Kibana's `toElasticsearchQuery`
//! node by node. Every node carries the byte span it came from.
//!
//! `Display` prints a node back as fully parenthesised KQL, which is what the
//! parser test cases compare against: it shows the tree's structure while
//! staying readable for people who write detection rules.

use std::fmt::{self, Display, Formatter, Write as _};

use serde::{Serialize, Serializer};

use crate::span::Span;

/// One node of a parsed query.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Node {
    /// Matches when any child matches.
    Or {
        /// Source range of the whole disjunction.
        span: Span,
        /// Two or more alternatives, in source order.
        children: Vec<Node>,
    },
    /// Matches when every child matches.
    And {
        /// Source range of the whole conjunction.
        span: Span,
        /// Two or more conditions, in source order.
        children: Vec<Node>,
    },
    /// Matches when the child does not (including when its field is missing).
    Not {
        /// Source range from `not` to the end of the operand.
        span: Span,
        /// The negated condition.
        child: Box<Node>,
    },
    /// `field:value`, or a field-less `value` when `field` is `None`.
    Is {
        /// Source range of the expression (for value-list members: the value).
        span: Span,
        /// The field name; `None` searches the default fields.
        field: Option<Literal>,
        /// The value to compare with; a lone `*` means "the field exists".
        value: Literal,
    },
    /// `field < value`, `<=`, `>`, `>=`.
    Range {
        /// Source range of the expression.
        span: Span,
        /// The field name.
        field: Literal,
        /// The comparison.
        operator: RangeOperator,
        /// The bound.
        value: Literal,
    },
    /// `path:{ query }`: the inner query must match within one element of a nested field.
    Nested {
        /// Source range of the expression.
        span: Span,
        /// The nested field's path; inner field names are relative to it.
        path: Literal,
        /// The condition on each nested element.
        query: Box<Node>,
    },
}

impl Node {
    /// The source range this node was parsed from.
    pub fn span(&self) -> Span {
        match self {
            Node::Or { span, .. }
            | Node::And { span, .. }
            | Node::Not { span, .. }
            | Node::Is { span, .. }
            | Node::Range { span, .. }
            | Node::Nested { span, .. } => *span,
        }
    }

    /// The tree of the empty query and of `*:*`: Kibana's `is(*, *)`, which matches everything.
    pub fn match_all(span: Span) -> Node {
        Node::Is {
            span,
            field: Some(Literal::new(
                span,
                Value::Wildcard {
                    pattern: WildcardPattern::lone(),
                },
            )),
            value: Literal::new(
                span,
                Value::Wildcard {
                    pattern: WildcardPattern::lone(),
                },
            ),
        }
    }
}

/// A comparison in a range expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RangeOperator {
    /// `<`
    Lt,
    /// `<=`
    Lte,
    /// `>`
    Gt,
    /// `>=`
    Gte,
}

impl RangeOperator {
    /// The operator as written in KQL.
    pub fn symbol(self) -> &'static str {
        match self {
            RangeOperator::Lt => "<",
            RangeOperator::Lte => "<=",
            RangeOperator::Gt => ">",
            RangeOperator::Gte => ">=",
        }
    }
}

/// A literal in field or value position, with where it was written.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Literal {
    /// Source range of the literal as written (quotes included, surrounding spaces excluded).
    pub span: Span,
    /// What the literal means after unescaping.
    #[serde(flatten)]
    pub value: Value,
}

impl Literal {
    /// A literal with the given meaning.
    pub fn new(span: Span, value: Value) -> Literal {
        Literal { span, value }
    }
}

/// The meaning of a literal, following Kibana's literal and wildcard node types.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Value {
    /// Text; `quoted` tells `"a b"` (a phrase) from `a b` (analysed terms on text fields).
    Text {
        /// The unescaped, trimmed text.
        text: String,
        /// True when written in double quotes.
        quoted: bool,
    },
    /// Unquoted text containing at least one unescaped `*`.
    Wildcard {
        /// The pattern; `*` matches any sequence of characters.
        pattern: WildcardPattern,
    },
    /// The unquoted words `true` and `false`.
    Boolean {
        /// The boolean value.
        value: bool,
    },
    /// The unquoted word `null`.
    Null,
}

impl Value {
    /// True for an unquoted lone `*`.
    pub fn is_lone_wildcard(&self) -> bool {
        matches!(self, Value::Wildcard { pattern } if pattern.is_lone())
    }
}

/// A wildcard pattern: literal pieces and `*` placeholders.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WildcardPattern {
    pieces: Vec<Piece>,
}

/// One piece of a wildcard pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Characters that must appear as written.
    Text(String),
    /// `*`: any sequence of characters, including none.
    AnySequence,
}

impl WildcardPattern {
    /// The pattern `*`.
    pub fn lone() -> WildcardPattern {
        WildcardPattern {
            pieces: vec![Piece::AnySequence],
        }
    }

    /// A pattern from its pieces; adjacent texts are joined. Repeated `*`s are
    /// kept, as Kibana keeps them: `**` is not a lone wildcard (`isLoneWildcard`
    /// removes one `*` and finds another), and its query string is `**`.
    pub fn from_pieces(pieces: impl IntoIterator<Item = Piece>) -> WildcardPattern {
        let mut pattern = WildcardPattern::default();
        for piece in pieces {
            match (pattern.pieces.last_mut(), piece) {
                (Some(Piece::Text(last)), Piece::Text(text)) => last.push_str(&text),
                (_, Piece::Text(text)) if text.is_empty() => {}
                (_, piece) => pattern.pieces.push(piece),
            }
        }
        pattern
    }

    /// The pieces in order.
    pub fn pieces(&self) -> &[Piece] {
        &self.pieces
    }

    /// True for the pattern `*`.
    pub fn is_lone(&self) -> bool {
        self.pieces == [Piece::AnySequence]
    }

    /// The pattern in KQL syntax: `*` for wildcards, literal `*` and `\` escaped.
    pub fn to_kql(&self) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => write_unquoted(&mut out, text),
                Piece::AnySequence => out.push('*'),
            }
        }
        out
    }
}

impl Serialize for WildcardPattern {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_kql())
    }
}

impl Display for Node {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Node::Or { children, .. } => write_joined(f, children, " or "),
            Node::And { children, .. } => write_joined(f, children, " and "),
            Node::Not { child, .. } => match **child {
                Node::Not { .. } => write!(f, "not ({child})"),
                _ => write!(f, "not {child}"),
            },
            Node::Is {
                field: None, value, ..
            } => write!(f, "{value}"),
            Node::Is {
                field: Some(field),
                value,
                ..
            } => write!(f, "{field}:{value}"),
            Node::Range {
                field,
                operator,
                value,
                ..
            } => write!(f, "{field} {} {value}", operator.symbol()),
            Node::Nested { path, query, .. } => write!(f, "{path}:{{ {query} }}"),
        }
    }
}

fn write_joined(f: &mut Formatter<'_>, children: &[Node], separator: &str) -> fmt::Result {
    f.write_char('(')?;
    for (index, child) in children.iter().enumerate() {
        if index > 0 {
            f.write_str(separator)?;
        }
        write!(f, "{child}")?;
    }
    f.write_char(')')
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.value {
            Value::Text { text, quoted: true } => {
                let mut out = String::with_capacity(text.len() + 2);
                out.push('"');
                for c in text.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        '\t' => out.push_str("\\t"),
                        '\r' => out.push_str("\\r"),
                        '\n' => out.push_str("\\n"),
                        c => out.push(c),
                    }
                }
                out.push('"');
                f.write_str(&out)
            }
            Value::Text {
                text,
                quoted: false,
            } => {
                let mut out = String::with_capacity(text.len());
                write_unquoted(&mut out, text);
                f.write_str(&out)
            }
            Value::Wildcard { pattern } => f.write_str(&pattern.to_kql()),
            Value::Boolean { value } => write!(f, "{value}"),
            Value::Null => f.write_str("null"),
        }
    }
}

/// Appends `text` as an unquoted KQL literal that parses back to the same text,
/// wherever the printed query puts it (a space and an operator may follow).
///
/// Operator words are the subtle part: ` or `/` and ` are escaped as `\or`/`\and`,
/// but `\not` would read as the escape `\n` followed by `ot`, so the `n` of a
/// `not ` is written as a `\u` escape instead. A word at the end of the
/// literal counts as followed by a space; `or` and `and` there only matter
/// after a space within it (`x or`, not `or`).
fn write_unquoted(out: &mut String, text: &str) {
    if text.is_empty() {
        // Nothing written would be no literal at all; Kibana trims an escaped
        // space from an unquoted literal, as from `\f` (which is no KQL space).
        out.push_str("\\u0020");
        return;
    }
    let mut after_space = true;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let within = rest.len() < text.len();
        if starts_with_operator(rest, "not", true) {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            if after_space
                && (starts_with_operator(rest, "or", within)
                    || starts_with_operator(rest, "and", within))
            {
                out.push('\\');
            }
            match c {
                '\\' | '(' | ')' | ':' | '<' | '>' | '"' | '*' | '{' | '}' => {
                    out.push('\\');
                    out.push(c);
                }
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                '\n' => out.push_str("\\n"),
                c => out.push(c),
            }
        }
        after_space = c == ' ' || c == '\u{a0}';
        rest = &rest[c.len_utf8()..];
    }
}

/// True when `text` starts with the operator word `keyword` (any case)
/// followed by whitespace or, when `at_end_too`, by nothing.
fn starts_with_operator(text: &str, keyword: &str, at_end_too: bool) -> bool {
    text.len() >= keyword.len()
        && text.as_bytes()[..keyword.len()].eq_ignore_ascii_case(keyword.as_bytes())
        && (text.len() == keyword.len() && at_end_too
            || text[keyword.len()..].starts_with([' ', '\t', '\r', '\n', '\u{a0}']))
}
