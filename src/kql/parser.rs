//! A backtracking parser that follows Kibana's KQL grammar rule by rule.
//!
//! Kibana's grammar (`grammar.peggy` in `@kbn/es-query`) is a PEG: ordered
//! choices, greedy repetition, and a literal scanner that consults the operator
//! rules at every character. Its quirks — `a:cannot be` failing because `not `
//! is an operator even inside a word, `a:x and` being the value "x and" — fall
//! out of that structure, so this parser keeps it: one function per grammar
//! rule, backtracking only where the grammar has an ordered choice.
//!
//! Errors are reported the way PEG parsers do it: at the furthest position any
//! alternative reached, with the set of things that could have come there.

use super::ast::{Literal, Node, Piece, RangeOperator, Value, WildcardPattern};
use super::error::{Expected, NotContext, ParseError, ParseErrorKind};
use crate::span::Span;

/// How deep parentheses, braces and `not` may nest before the parser gives up.
///
/// Detection rules nest a handful of levels; the limit keeps hostile input
/// from exhausting the stack of every later (recursive) stage too.
pub const MAX_NESTING: usize = 100;

/// How long a query may be, in bytes.
///
/// The longest of Elastic's detection rules hold a few kilobytes of KQL; the
/// limit bounds the time every later stage spends on a query (parsing,
/// compiling and matching are linear in it) and the memory it takes.
pub const MAX_QUERY_BYTES: usize = 256 * 1024;

/// Parses a KQL query into its syntax tree, with the current grammar.
pub fn parse(query: &str) -> Result<Node, ParseError> {
    parse_with(query, Grammar::Current)
}

/// Which version of Kibana's KQL grammar to read a query with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Grammar {
    /// Today's `grammar.peggy` in `@kbn/es-query`.
    #[default]
    Current,
    /// Kibana 7.x's `kuery.peg` (as in the npm copy `@cybernetex/kbn-es-query`,
    /// Kibana 7.3): `{` and `}` are ordinary characters, so there is no nested
    /// query; there are no `\uXXXX` escapes; and U+00A0 is not a space. Its
    /// binary `or`/`and` nodes and its numeric literals are a matter of
    /// translation, not of the tree (see `dsl`).
    Kibana7,
}

/// Parses a KQL query into its syntax tree, with the grammar of a given Kibana version.
pub fn parse_with(query: &str, grammar: Grammar) -> Result<Node, ParseError> {
    if query.len() > MAX_QUERY_BYTES {
        let start = crate::span::floor_char_boundary(query, MAX_QUERY_BYTES);
        return Err(ParseError {
            span: Span::new(start, query.len()),
            kind: ParseErrorKind::TooLong {
                limit: MAX_QUERY_BYTES,
            },
        });
    }
    let mut parser = Parser::new(query, grammar);
    match parser.start() {
        Some(node) => Ok(node),
        None => Err(parser.error()),
    }
}

struct Parser<'q> {
    text: &'q str,
    grammar: Grammar,
    pos: usize,
    depth: usize,
    furthest: usize,
    expected: Expected,
    unterminated_quote: Option<usize>,
    too_deep_at: Option<usize>,
}

/// What a scanned literal was, before Kibana's post-processing.
struct RawLiteral {
    span: Span,
    value: Value,
}

impl<'q> Parser<'q> {
    fn new(text: &'q str, grammar: Grammar) -> Parser<'q> {
        Parser {
            text,
            grammar,
            pos: 0,
            depth: 0,
            furthest: 0,
            expected: Expected::default(),
            unterminated_quote: None,
            too_deep_at: None,
        }
    }

    // ---- grammar rules -------------------------------------------------

    /// `start = Space* OrQuery? Space* EOF`; an empty query is `is(*, *)`.
    fn start(&mut self) -> Option<Node> {
        self.skip_spaces();
        let query_start = self.pos;
        let node = self.or_query();
        if node.is_none() {
            self.pos = query_start;
        }
        self.skip_spaces();
        if self.pos < self.text.len() {
            self.record(self.pos, Expected::END);
            return None;
        }
        if self.too_deep_at.is_some() {
            return None;
        }
        Some(node.unwrap_or_else(|| Node::match_all(Span::new(query_start, query_start))))
    }

    /// `OrQuery = AndQuery (Or AndQuery)*`
    fn or_query(&mut self) -> Option<Node> {
        self.infix_chain(Self::and_query, Self::or_keyword, |span, children| {
            Node::Or { span, children }
        })
    }

    /// `AndQuery = NotQuery (And NotQuery)*`
    fn and_query(&mut self) -> Option<Node> {
        self.infix_chain(Self::not_query, Self::and_keyword, |span, children| {
            Node::And { span, children }
        })
    }

    /// `NotQuery = Not SubQuery / SubQuery`
    fn not_query(&mut self) -> Option<Node> {
        let start = self.pos;
        if self.not_keyword() {
            if let Some(child) = self.nested_scope(Self::sub_query) {
                let span = Span::new(start, child.span().end);
                return Some(Node::Not {
                    span,
                    child: Box::new(child),
                });
            }
            self.pos = start;
        }
        self.sub_query()
    }

    /// `SubQuery = "(" Space* OrQuery Space* ")" / NestedQuery`
    fn sub_query(&mut self) -> Option<Node> {
        let start = self.pos;
        if self.eat('(') {
            self.skip_spaces();
            if let Some(node) = self.nested_scope(Self::or_query) {
                self.skip_spaces();
                if self.eat(')') {
                    return Some(node);
                }
                self.record(self.pos, Expected::CLOSE_PAREN);
            }
            self.pos = start;
        }
        self.nested_query()
    }

    /// `NestedQuery = Field Space* ":" Space* "{" Space* OrQuery Space* "}" / Expression`
    ///
    /// Every alternative of `NestedQuery` and `Expression` begins with the same
    /// literal, so it is scanned once and the alternatives are tried after it.
    fn nested_query(&mut self) -> Option<Node> {
        let start = self.pos;
        let field = self.literal(Expected::EXPRESSION)?;
        let after_field = self.pos;

        self.skip_spaces();
        if self.grammar == Grammar::Current && self.eat(':') {
            self.skip_spaces();
            if self.eat('{') {
                self.skip_spaces();
                if let Some(query) = self.nested_scope(Self::or_query) {
                    self.skip_spaces();
                    if self.eat('}') {
                        return Some(Node::Nested {
                            span: Span::new(start, self.pos),
                            path: field.into_literal(),
                            query: Box::new(query),
                        });
                    }
                    self.record(self.pos, Expected::CLOSE_BRACE);
                }
            }
        }

        self.pos = after_field;
        if let Some(node) = self.field_range_expression(start, &field) {
            return Some(node);
        }
        self.pos = after_field;
        if let Some(node) = self.field_value_expression(start, &field) {
            return Some(node);
        }
        self.pos = after_field;
        Some(Node::Is {
            span: field.span,
            field: None,
            value: field.into_literal(),
        })
    }

    /// `FieldRangeExpression = Field Space* RangeOperator Space* Literal`
    fn field_range_expression(&mut self, start: usize, field: &RawLiteral) -> Option<Node> {
        self.skip_spaces();
        let Some(operator) = self.range_operator() else {
            self.record(self.pos, Expected::FIELD_OPERATOR);
            return None;
        };
        self.skip_spaces();
        let value = self.literal(Expected::VALUE)?;
        Some(Node::Range {
            span: Span::new(start, value.span.end),
            field: field.to_literal(),
            operator,
            value: value.into_literal(),
        })
    }

    /// `FieldValueExpression = Field Space* ":" Space* ListOfValues`
    fn field_value_expression(&mut self, start: usize, field: &RawLiteral) -> Option<Node> {
        self.skip_spaces();
        if !self.eat(':') {
            return None;
        }
        self.skip_spaces();
        let field = field_name(field);
        // The expression spans `field:value` or `field:( … )`; the members of a
        // value list keep the spans of their own values.
        Some(match self.list_of_values(&field)? {
            Node::Is { field, value, .. } => Node::Is {
                span: Span::new(start, value.span.end),
                field,
                value,
            },
            Node::Or { children, .. } => Node::Or {
                span: Span::new(start, self.pos),
                children,
            },
            Node::And { children, .. } => Node::And {
                span: Span::new(start, self.pos),
                children,
            },
            Node::Not { child, .. } => Node::Not {
                span: Span::new(start, self.pos),
                child,
            },
            other => other,
        })
    }

    /// `ListOfValues = "(" Space* OrListOfValues Space* ")" / Value`
    fn list_of_values(&mut self, field: &Option<Literal>) -> Option<Node> {
        let start = self.pos;
        if self.eat('(') {
            self.skip_spaces();
            if let Some(node) = self.nested_scope(|parser| parser.or_list_of_values(field)) {
                self.skip_spaces();
                if self.eat(')') {
                    return Some(node);
                }
                self.record(self.pos, Expected::CLOSE_PAREN);
            }
            self.pos = start;
        }
        let value = self.literal(Expected::VALUE)?;
        Some(Node::Is {
            span: value.span,
            field: field.clone(),
            value: value.into_literal(),
        })
    }

    /// `OrListOfValues = AndListOfValues (Or AndListOfValues)*`
    fn or_list_of_values(&mut self, field: &Option<Literal>) -> Option<Node> {
        self.infix_chain(
            |parser| parser.and_list_of_values(field),
            Self::or_keyword,
            |span, children| Node::Or { span, children },
        )
    }

    /// `AndListOfValues = NotListOfValues (And NotListOfValues)*`
    fn and_list_of_values(&mut self, field: &Option<Literal>) -> Option<Node> {
        self.infix_chain(
            |parser| parser.not_list_of_values(field),
            Self::and_keyword,
            |span, children| Node::And { span, children },
        )
    }

    /// `NotListOfValues = Not ListOfValues / ListOfValues`
    fn not_list_of_values(&mut self, field: &Option<Literal>) -> Option<Node> {
        let start = self.pos;
        if self.not_keyword() {
            if let Some(child) = self.nested_scope(|parser| parser.list_of_values(field)) {
                return Some(Node::Not {
                    span: Span::new(start, child.span().end),
                    child: Box::new(child),
                });
            }
            self.pos = start;
        }
        self.list_of_values(field)
    }

    /// `head (operator head)*`, building an n-ary node when there are two or more.
    fn infix_chain(
        &mut self,
        mut operand: impl FnMut(&mut Self) -> Option<Node>,
        mut operator: impl FnMut(&mut Self) -> bool,
        build: impl FnOnce(Span, Vec<Node>) -> Node,
    ) -> Option<Node> {
        let first = operand(self)?;
        let mut children = vec![first];
        loop {
            let before_operator = self.pos;
            if !operator(self) {
                break;
            }
            match operand(self) {
                Some(node) => children.push(node),
                None => {
                    self.pos = before_operator;
                    break;
                }
            }
        }
        if children.len() == 1 {
            return children.pop();
        }
        let span = children[0].span().to(children[children.len() - 1].span());
        Some(build(span, children))
    }

    // ---- operators -----------------------------------------------------

    /// `Or = Space+ "or"i Space+`
    fn or_keyword(&mut self) -> bool {
        self.infix_keyword("or", Expected::OR)
    }

    /// `And = Space+ "and"i Space+`
    fn and_keyword(&mut self) -> bool {
        self.infix_keyword("and", Expected::AND)
    }

    fn infix_keyword(&mut self, word: &str, expected: Expected) -> bool {
        match self.grammar.infix_keyword_end(self.text, self.pos, word) {
            Some(end) => {
                self.pos = end;
                true
            }
            None => {
                self.record(self.grammar.skip_spaces(self.text, self.pos), expected);
                false
            }
        }
    }

    /// `Not = "not"i Space+`
    fn not_keyword(&mut self) -> bool {
        match self.grammar.not_keyword_end(self.text, self.pos) {
            Some(end) => {
                self.pos = end;
                true
            }
            None => false,
        }
    }

    /// `RangeOperator = "<=" / ">=" / "<" / ">"`
    fn range_operator(&mut self) -> Option<RangeOperator> {
        let rest = &self.text[self.pos..];
        let (operator, length) = if rest.starts_with("<=") {
            (RangeOperator::Lte, 2)
        } else if rest.starts_with(">=") {
            (RangeOperator::Gte, 2)
        } else if rest.starts_with('<') {
            (RangeOperator::Lt, 1)
        } else if rest.starts_with('>') {
            (RangeOperator::Gt, 1)
        } else {
            return None;
        };
        self.pos += length;
        Some(operator)
    }

    // ---- literals ------------------------------------------------------

    /// `Literal = QuotedString / UnquotedLiteral`
    fn literal(&mut self, expected: Expected) -> Option<RawLiteral> {
        if self.text[self.pos..].starts_with('"') {
            return self.quoted_string();
        }
        let literal = self.unquoted_literal();
        if literal.is_none() {
            self.record(self.pos, expected);
        }
        literal
    }

    /// `QuotedString = '"' QuotedCharacter* '"'`
    fn quoted_string(&mut self) -> Option<RawLiteral> {
        let start = self.pos;
        let mut text = String::new();
        let mut rest = &self.text[start + 1..];
        loop {
            let Some(c) = rest.chars().next() else {
                self.unterminated_quote = Some(start);
                self.record(self.text.len(), Expected::default());
                return None;
            };
            if c == '"' {
                rest = &rest[1..];
                break;
            }
            if c == '\\' {
                if let Some((decoded, length)) = self.grammar.quoted_escape(rest) {
                    text.push_str(&decoded);
                    rest = &rest[length..];
                    continue;
                }
            }
            text.push(c);
            rest = &rest[c.len_utf8()..];
        }
        self.pos = self.text.len() - rest.len();
        Some(RawLiteral {
            span: Span::new(start, self.pos),
            value: Value::Text { text, quoted: true },
        })
    }

    /// `UnquotedLiteral = UnquotedCharacter+`, trimmed, then classified as
    /// null, a boolean, a wildcard (if any `*` was unescaped) or text.
    fn unquoted_literal(&mut self) -> Option<RawLiteral> {
        let start = self.pos;
        let mut pieces: Vec<Piece> = Vec::new();
        let mut text = String::new();
        let mut has_wildcard = false;
        let mut pos = start;
        let mut last_non_space_end = start;
        while pos < self.text.len() {
            let rest = &self.text[pos..];
            let c = rest.chars().next().unwrap_or_default();
            if c == '\\' {
                let Some((decoded, length)) = self.grammar.unquoted_escape(rest) else {
                    break;
                };
                text.push_str(&decoded);
                pos += length;
                last_non_space_end = pos;
                continue;
            }
            if c == '*' {
                pieces.push(Piece::Text(std::mem::take(&mut text)));
                pieces.push(Piece::AnySequence);
                has_wildcard = true;
                pos += 1;
                last_non_space_end = pos;
                continue;
            }
            if self.grammar.is_special(c) || self.grammar.not_keyword_end(self.text, pos).is_some()
            {
                break;
            }
            if self.grammar.is_space(c) {
                // Every position in a run of spaces sees the same operator (or none)
                // after it, so the run is taken or left whole: linear, not quadratic.
                let run_end = self.grammar.skip_spaces(self.text, pos);
                if self
                    .grammar
                    .infix_keyword_end(self.text, pos, "or")
                    .is_some()
                    || self
                        .grammar
                        .infix_keyword_end(self.text, pos, "and")
                        .is_some()
                {
                    break;
                }
                text.push_str(&self.text[pos..run_end]);
                pos = run_end;
                continue;
            }
            text.push(c);
            pos += c.len_utf8();
            last_non_space_end = pos;
        }
        if pos == start {
            return None;
        }
        self.pos = pos;
        pieces.push(Piece::Text(text));
        trim_pieces(&mut pieces);
        let span = Span::new(start, last_non_space_end);
        let value = if has_wildcard {
            Value::Wildcard {
                pattern: WildcardPattern::from_pieces(pieces),
            }
        } else {
            let text = match pieces.pop() {
                Some(Piece::Text(text)) => text,
                _ => String::new(),
            };
            match text.as_str() {
                "null" => Value::Null,
                "true" => Value::Boolean { value: true },
                "false" => Value::Boolean { value: false },
                _ => Value::Text {
                    text,
                    quoted: false,
                },
            }
        };
        Some(RawLiteral { span, value })
    }

    // ---- bookkeeping ---------------------------------------------------

    fn skip_spaces(&mut self) {
        self.pos = self.grammar.skip_spaces(self.text, self.pos);
    }

    fn eat(&mut self, c: char) -> bool {
        if self.text[self.pos..].starts_with(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    /// Runs `rule` one nesting level deeper, failing once the limit is passed.
    fn nested_scope<T>(&mut self, rule: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        if self.too_deep_at.is_some() {
            return None;
        }
        if self.depth >= MAX_NESTING {
            self.too_deep_at = Some(self.pos);
            return None;
        }
        self.depth += 1;
        let result = rule(self);
        self.depth -= 1;
        result
    }

    /// Notes that `expected` could have come at `pos`; only the furthest position counts.
    fn record(&mut self, pos: usize, expected: Expected) {
        if pos > self.furthest {
            self.furthest = pos;
            self.expected = expected;
        } else if pos == self.furthest {
            self.expected.insert(expected);
        }
    }

    fn error(&self) -> ParseError {
        if let Some(pos) = self.too_deep_at {
            return ParseError {
                span: char_span(self.text, pos),
                kind: ParseErrorKind::TooDeep { limit: MAX_NESTING },
            };
        }
        let pos = self.furthest;
        let rest = &self.text[pos..];
        if let Some(quote) = self.unterminated_quote.filter(|_| pos == self.text.len()) {
            return ParseError {
                span: Span::new(quote, quote + 1),
                kind: ParseErrorKind::UnterminatedString,
            };
        }
        if let Some(escaped) = rest.strip_prefix('\\') {
            let escaped_len = escaped.chars().next().map_or(0, char::len_utf8);
            return ParseError {
                span: Span::new(pos, pos + 1 + escaped_len),
                kind: ParseErrorKind::InvalidEscape,
            };
        }
        if self.grammar.not_keyword_end(self.text, pos).is_some() {
            return ParseError {
                span: Span::new(pos, pos + 3),
                kind: ParseErrorKind::MisplacedNot {
                    context: self.not_context(pos),
                },
            };
        }
        let kind = if rest.is_empty() {
            ParseErrorKind::UnexpectedEnd {
                expected: self.expected,
            }
        } else {
            ParseErrorKind::UnexpectedCharacter {
                expected: self.expected,
            }
        };
        ParseError {
            span: char_span(self.text, pos),
            kind,
        }
    }

    /// Why a `not ` at `pos` could not be read, judging by what precedes it.
    fn not_context(&self, pos: usize) -> NotContext {
        let before = &self.text[..pos];
        if self.expected.contains(Expected::AND) {
            return if before.ends_with(|c| self.grammar.is_space(c)) {
                NotContext::BetweenConditions
            } else {
                NotContext::InsideWord
            };
        }
        let previous = before.trim_end_matches(|c| self.grammar.is_space(c));
        let previous_word = previous.get(previous.len().saturating_sub(3)..);
        if previous_word.is_some_and(|word| word.eq_ignore_ascii_case("not")) {
            NotContext::AfterNot
        } else {
            NotContext::StartOfValue
        }
    }
}

impl RawLiteral {
    fn to_literal(&self) -> Literal {
        Literal::new(self.span, self.value.clone())
    }

    fn into_literal(self) -> Literal {
        Literal::new(self.span, self.value)
    }
}

/// The field of `field:value`: Kibana treats an unquoted `null` field name as "no field".
fn field_name(field: &RawLiteral) -> Option<Literal> {
    match field.value {
        Value::Null => None,
        _ => Some(field.to_literal()),
    }
}

impl Grammar {
    /// Decodes an escape in a quoted string: `\t \r \n \uXXXX \\ \"` (no
    /// `\u` in Kibana 7). Anything else is not an escape, and the backslash
    /// stands for itself.
    fn quoted_escape(self, rest: &str) -> Option<(String, usize)> {
        let escaped = rest[1..].chars().next()?;
        match escaped {
            't' => Some(("\t".to_string(), 2)),
            'r' => Some(("\r".to_string(), 2)),
            'n' => Some(("\n".to_string(), 2)),
            'u' if self == Grammar::Current => unicode_escape(rest),
            '\\' | '"' => Some((escaped.to_string(), 2)),
            _ => None,
        }
    }

    /// Decodes an escape in an unquoted literal, trying Kibana's alternatives in
    /// order: `\t \r \n`, an escaped special character, `\uXXXX`, an escaped
    /// `or`/`and`/`not`. `None` means the backslash cannot start a character here.
    fn unquoted_escape(self, rest: &str) -> Option<(String, usize)> {
        let escaped = rest[1..].chars().next()?;
        match escaped {
            't' => return Some(("\t".to_string(), 2)),
            'r' => return Some(("\r".to_string(), 2)),
            'n' => return Some(("\n".to_string(), 2)),
            c if self.is_special(c) => return Some((c.to_string(), 2)),
            _ => {}
        }
        if self == Grammar::Current {
            if let Some(decoded) = unicode_escape(rest) {
                return Some(decoded);
            }
        }
        ["or", "and", "not"].iter().find_map(|keyword| {
            let word = rest.get(1..1 + keyword.len())?;
            word.eq_ignore_ascii_case(keyword)
                .then(|| (word.to_string(), 1 + keyword.len()))
        })
    }

    /// `SpecialCharacter = [\\():<>"*{}]` (Kibana 7: without `{}`)
    fn is_special(self, c: char) -> bool {
        matches!(c, '\\' | '(' | ')' | ':' | '<' | '>' | '"' | '*')
            || (self == Grammar::Current && matches!(c, '{' | '}'))
    }

    /// `Space = [\ \t\r\n\u00A0]` (Kibana 7: without U+00A0)
    fn is_space(self, c: char) -> bool {
        matches!(c, ' ' | '\t' | '\r' | '\n') || (self == Grammar::Current && c == '\u{a0}')
    }

    fn skip_spaces(self, text: &str, pos: usize) -> usize {
        text.len() - text[pos..].trim_start_matches(|c| self.is_space(c)).len()
    }

    /// Where `Space+ word Space+` ends, if it starts at `pos`.
    fn infix_keyword_end(self, text: &str, pos: usize, word: &str) -> Option<usize> {
        let word_start = self.skip_spaces(text, pos);
        if word_start == pos {
            return None;
        }
        self.keyword_then_spaces(text, word_start, word)
    }

    /// Where `"not"i Space+` ends, if it starts at `pos`.
    fn not_keyword_end(self, text: &str, pos: usize) -> Option<usize> {
        self.keyword_then_spaces(text, pos, "not")
    }

    fn keyword_then_spaces(self, text: &str, pos: usize, word: &str) -> Option<usize> {
        let candidate = text.get(pos..pos + word.len())?;
        if !candidate.eq_ignore_ascii_case(word) {
            return None;
        }
        let end = self.skip_spaces(text, pos + word.len());
        (end > pos + word.len()).then_some(end)
    }
}

/// Decodes `\uXXXX` (and a following low surrogate, as JavaScript strings would
/// combine the two). A lone surrogate becomes U+FFFD.
fn unicode_escape(rest: &str) -> Option<(String, usize)> {
    let unit = hex4(rest.get(1..6)?.strip_prefix('u')?)?;
    if (0xD800..0xDC00).contains(&unit) {
        if let Some(low) = rest
            .get(7..12)
            .filter(|_| rest[6..].starts_with('\\'))
            .and_then(|s| s.strip_prefix('u'))
            .and_then(hex4)
            .filter(|low| (0xDC00..0xE000).contains(low))
        {
            let combined = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
            let c = char::from_u32(combined).unwrap_or(char::REPLACEMENT_CHARACTER);
            return Some((c.to_string(), 12));
        }
    }
    let c = char::from_u32(unit).unwrap_or(char::REPLACEMENT_CHARACTER);
    Some((c.to_string(), 6))
}

fn hex4(digits: &str) -> Option<u32> {
    if digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        u32::from_str_radix(digits, 16).ok()
    } else {
        None
    }
}

/// JavaScript's `String.prototype.trim` on the joined pieces: whitespace and
/// line terminators as ECMAScript defines them (which includes U+FEFF).
fn trim_pieces(pieces: &mut [Piece]) {
    if let Some(Piece::Text(first)) = pieces.first_mut() {
        let trimmed = first.trim_start_matches(is_js_whitespace);
        *first = trimmed.to_string();
    }
    if let Some(Piece::Text(last)) = pieces.last_mut() {
        last.truncate(last.trim_end_matches(is_js_whitespace).len());
    }
}

fn is_js_whitespace(c: char) -> bool {
    matches!(
        c,
        '\u{9}'
            | '\u{a}'
            | '\u{b}'
            | '\u{c}'
            | '\u{d}'
            | '\u{20}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

/// The span of the character at `pos` (empty at the end of the text).
fn char_span(text: &str, pos: usize) -> Span {
    let length = text[pos..].chars().next().map_or(0, char::len_utf8);
    Span::new(pos, pos + length)
}
