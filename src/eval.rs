//! Runs a compiled query against one event.
//!
//! Its public functions say what Elasticsearch indexes for a document value
//! under each field type (`keyword_text`, `integer_value`, `date_value`, …),
//! facts the tests' query-DSL evaluator shares.
//!
//! Evaluation cannot fail: everything that could go wrong was decided when the
//! query was compiled. It allocates nothing for ordinary queries: values are
//! visited in place, field paths are built on the stack, and numbers are read
//! from their source text only when a clause needs them.

use std::cmp::Ordering;

use crate::analysis::{analyze, TermTest};
use crate::compile::{
    parse_number, round_to_width, CompiledQuery, DynamicTest, FieldClause, FlattenedKeyClause,
    FloatWidth, IpTest, KeywordOp, KeywordTest, Matcher, MatcherKind, Number, NumericTest, Test,
    TextTest, WalkClause,
};
use crate::date::{Instant, Resolution};
use crate::event::{Event, Scalar};
use crate::ip::IpAddress;
use crate::kql::RangeOperator;
use crate::pattern::Glob;

impl CompiledQuery {
    /// True when Elasticsearch would return `event` for this query.
    pub fn matches(&self, event: &dyn Event) -> bool {
        self.root.matches(event)
    }
}

impl Matcher {
    pub(crate) fn matches(&self, event: &dyn Event) -> bool {
        match &self.kind {
            MatcherKind::All => true,
            MatcherKind::Nothing(_) => false,
            MatcherKind::And(children) => children.iter().all(|child| child.matches(event)),
            MatcherKind::Or(children) => children.iter().any(|child| child.matches(event)),
            MatcherKind::Not(child) => !child.matches(event),
            MatcherKind::Field(clause) => clause.matches(event),
            MatcherKind::Walk(clause) => clause.matches(event),
            MatcherKind::FlattenedKey(clause) => clause.matches(event),
            MatcherKind::Nested { path, query } => {
                event.any_object(path, &mut |element| query.matches(element))
            }
        }
    }
}

impl FieldClause {
    pub(crate) fn matches(&self, event: &dyn Event) -> bool {
        if self.test.is_field_level() {
            let mut values = Vec::new();
            event.any_value(&self.path, &mut |value| {
                values.extend(self.test.field_value(value));
                false
            });
            return self.test.accepts_field(&values);
        }
        event.any_value(&self.path, &mut |value| self.test.accepts(value))
    }
}

impl FlattenedKeyClause {
    pub(crate) fn matches(&self, event: &dyn Event) -> bool {
        let terms = self.keyed_terms(event);
        let key_values: Vec<&str> = terms
            .iter()
            .filter(|(key, _)| *key == self.key)
            .map(|(_, value)| value.as_str())
            .collect();
        self.query.matches_by(|test| match test {
            TermTest::Wildcard(pattern) => terms
                .iter()
                .any(|(key, value)| pattern.matches(&format!("{key}\0{value}"))),
            other => other.matches_any(&key_values, !key_values.is_empty()),
        })
    }

    /// Every leaf of the flattened field as (key, indexed text).
    pub(crate) fn keyed_terms(&self, event: &dyn Event) -> Vec<(String, String)> {
        let pattern = Glob::new(&crate::schema::wildcard_pattern(&format!(
            "{}.*",
            self.root
        )));
        let mut terms = Vec::new();
        event.any_value_matching(&pattern, &mut |path, value| {
            let key = path.get(self.root.len() + 1..).unwrap_or_default();
            terms.push((key.to_string(), keyword_text(value).to_string()));
            false
        });
        terms
    }
}

impl WalkClause {
    pub(crate) fn matches(&self, event: &dyn Event) -> bool {
        if self.field_level {
            return self.matches_field_by_field(event);
        }
        event.any_value_matching(&self.pattern, &mut |path, value| {
            self.typing(path)
                .is_some_and(|(_, test)| test.accepts(value))
        })
    }

    /// Gathers each field's values before judging them, for tests that need them all.
    fn matches_field_by_field(&self, event: &dyn Event) -> bool {
        let mut fields: Vec<(String, Vec<String>)> = Vec::new();
        let found = event.any_value_matching(&self.pattern, &mut |path, value| {
            let Some((_, test)) = self.typing(path) else {
                return false;
            };
            if !test.is_field_level() {
                return test.accepts(value);
            }
            let index = match fields.iter().position(|(name, _)| name == path) {
                Some(index) => index,
                None => {
                    fields.push((path.to_string(), Vec::new()));
                    fields.len() - 1
                }
            };
            fields[index].1.extend(test.field_value(value));
            false
        });
        found
            || fields.iter().any(|(path, values)| {
                self.typing(path)
                    .is_some_and(|(_, test)| test.accepts_field(values))
            })
    }
}

impl Test {
    /// True when one value of a field passes this test.
    pub(crate) fn accepts(&self, value: Scalar<'_>) -> bool {
        match self {
            Test::Exists { ignore_above } => match value {
                Scalar::Text(text) => !exceeds(text, *ignore_above),
                Scalar::Number(_) | Scalar::Boolean(_) => true,
            },
            Test::Keyword(test) => test.accepts(value),
            Test::Integer(test) => integer_value(value).is_some_and(|number| test.accepts(number)),
            Test::UnsignedLong(test) => integer_value(value)
                .is_some_and(|number| is_unsigned_long(number) && test.accepts(number)),
            Test::Float(test, width) => {
                float_value(value, *width).is_some_and(|number| test.accepts(number))
            }
            Test::ScaledFloat(test, factor) => {
                scaled_value(value, *factor).is_some_and(|number| test.accepts(number))
            }
            Test::Boolean(test) => boolean_value(value).is_some_and(|number| test.accepts(number)),
            Test::Ip(test) => ip_value(value).is_some_and(|address| test.accepts(address)),
            Test::Date(interval, resolution) => {
                date_value(value, *resolution).is_some_and(|instant| interval.contains(instant))
            }
            Test::Dynamic(test) => test.accepts(value),
            Test::AnyOf(tests) => tests.iter().any(|test| test.accepts(value)),
            Test::AllOf(tests) => tests.iter().all(|test| test.accepts(value)),
            Test::Never => false,
            Test::Text(TextTest::Compare(operator, bound)) => analyze(keyword_text(value))
                .iter()
                .any(|token| satisfies(token.as_bytes().cmp(bound.as_bytes()), *operator)),
            Test::Text(TextTest::Query(_)) | Test::KeywordClauses { .. } => self
                .field_value(value)
                .is_some_and(|text| self.accepts_field(&[text])),
        }
    }

    /// How a field-level test sees one value: its indexed text (under dynamic
    /// mapping only strings are text; numbers and booleans have tests of their own).
    pub(crate) fn field_value(&self, value: Scalar<'_>) -> Option<String> {
        match (self, value) {
            (Test::Dynamic(_), Scalar::Text(text)) => Some(text.to_string()),
            (Test::Dynamic(_), _) => None,
            _ => Some(keyword_text(value).to_string()),
        }
    }

    /// True when a field with these values (as [`Test::field_value`] gives them) passes.
    pub(crate) fn accepts_field(&self, values: &[String]) -> bool {
        let texts: Vec<&str> = values.iter().map(String::as_str).collect();
        match self {
            Test::Text(TextTest::Query(query)) => query.matches(&texts),
            Test::KeywordClauses {
                ignore_above,
                query,
            } => {
                let indexed: Vec<&str> = texts
                    .iter()
                    .copied()
                    .filter(|text| !exceeds(text, *ignore_above))
                    .collect();
                query.matches(&indexed)
            }
            Test::AnyOf(tests) => tests.iter().any(|test| test.accepts_field(values)),
            Test::Dynamic(test) => test
                .text
                .as_ref()
                .is_some_and(|text| text.accepts_field(values)),
            other => texts.iter().any(|text| other.accepts(Scalar::Text(text))),
        }
    }
}

impl KeywordTest {
    /// Keyword fields index the value's text: strings as they are, numbers as
    /// written in the source, booleans as `true`/`false`.
    fn accepts(&self, value: Scalar<'_>) -> bool {
        let text = keyword_text(value);
        if exceeds(text, self.ignore_above) {
            return false;
        }
        match &self.op {
            KeywordOp::Equals(expected) => text == expected,
            KeywordOp::Matches(pattern) => pattern.matches(text),
            KeywordOp::Compare(operator, bound) => {
                satisfies(text.as_bytes().cmp(bound.as_bytes()), *operator)
            }
        }
    }
}

/// The string a keyword field indexes for a value.
pub fn keyword_text(value: Scalar<'_>) -> &str {
    match value {
        Scalar::Text(text) | Scalar::Number(text) => text,
        Scalar::Boolean(true) => "true",
        Scalar::Boolean(false) => "false",
    }
}

impl DynamicTest {
    fn accepts(&self, value: Scalar<'_>) -> bool {
        match value {
            Scalar::Text(_) => self.text.as_ref().is_some_and(|test| test.accepts(value)),
            Scalar::Number(text) if is_integer_syntax(text) => self.integer.is_some_and(|test| {
                integer_value(value).is_some_and(|number| test.accepts(number))
            }),
            Scalar::Number(_) => self.float.is_some_and(|test| {
                float_value(value, FloatWidth::Single).is_some_and(|number| test.accepts(number))
            }),
            Scalar::Boolean(_) => self.boolean.is_some_and(|test| {
                boolean_value(value).is_some_and(|number| test.accepts(number))
            }),
        }
    }
}

impl IpTest {
    fn accepts(&self, address: IpAddress) -> bool {
        match self {
            IpTest::Term(query) => query.contains(address),
            IpTest::Compare(operator, bound) => satisfies(address.cmp(bound), *operator),
        }
    }
}

/// An ip field indexes strings that parse as addresses; anything else would
/// have been rejected with the document.
pub fn ip_value(value: Scalar<'_>) -> Option<IpAddress> {
    match value {
        Scalar::Text(text) => crate::ip::parse(text),
        _ => None,
    }
}

/// A date field indexes strings in its default format and numbers as epoch milliseconds.
pub fn date_value(value: Scalar<'_>, resolution: Resolution) -> Option<Instant> {
    match value {
        Scalar::Text(text) => crate::date::parse_document_text(text, resolution),
        Scalar::Number(text) => crate::date::parse_document_number(text, resolution),
        Scalar::Boolean(_) => None,
    }
}

impl NumericTest {
    fn accepts(&self, value: Number) -> bool {
        match *self {
            NumericTest::Equals(expected) => value.compare(expected) == Some(Ordering::Equal),
            NumericTest::Compare(operator, bound) => value
                .compare(bound)
                .is_some_and(|ordering| satisfies(ordering, operator)),
            NumericTest::Impossible => false,
        }
    }
}

/// Whether a value ordered `ordering` against a bound passes the range operator.
pub fn satisfies(ordering: Ordering, operator: RangeOperator) -> bool {
    match operator {
        RangeOperator::Lt => ordering == Ordering::Less,
        RangeOperator::Lte => ordering != Ordering::Greater,
        RangeOperator::Gt => ordering == Ordering::Greater,
        RangeOperator::Gte => ordering != Ordering::Less,
    }
}

/// True when a string is longer than `ignore_above`, which Elasticsearch
/// counts in UTF-16 code units; such a string is not indexed at all.
pub fn exceeds(text: &str, ignore_above: Option<usize>) -> bool {
    ignore_above.is_some_and(|limit| text.len() > limit && text.encode_utf16().count() > limit)
}

fn is_integer_syntax(text: &str) -> bool {
    !text.contains(['.', 'e', 'E'])
}

/// The value an integer field stores: numbers and numeric strings, with any
/// fraction truncated (Elasticsearch coerces `5.7` to 5).
pub fn integer_value(value: Scalar<'_>) -> Option<Number> {
    let (Scalar::Text(text) | Scalar::Number(text)) = value else {
        return None;
    };
    match parse_number(text)? {
        Number::Integer(integer) => Some(Number::Integer(integer)),
        Number::Float(float) if float.abs() < 1.8446744073709552e19 => {
            Some(Number::Integer(float.trunc() as i128))
        }
        Number::Float(_) => None,
    }
}

/// Whether an integer fits an `unsigned_long` field.
pub fn is_unsigned_long(number: Number) -> bool {
    matches!(number, Number::Integer(value) if (0..=i128::from(u64::MAX)).contains(&value))
}

/// The value a floating-point field stores, rounded to its precision.
pub fn float_value(value: Scalar<'_>, width: FloatWidth) -> Option<Number> {
    let (Scalar::Text(text) | Scalar::Number(text)) = value else {
        return None;
    };
    let number = parse_number(text)?;
    Some(Number::Float(round_to_width(number.as_f64(), width)))
}

/// The long a scaled_float stores: `round(value × factor)`.
pub fn scaled_value(value: Scalar<'_>, factor: f64) -> Option<Number> {
    let (Scalar::Text(text) | Scalar::Number(text)) = value else {
        return None;
    };
    let number = parse_number(text)?;
    Some(Number::Integer(
        crate::compile::java_round(number.as_f64() * factor) as i128,
    ))
}

/// A boolean field's value as 0 or 1; it accepts `true`, `false` and the
/// strings `"true"`, `"false"` and `""` (false).
pub fn boolean_value(value: Scalar<'_>) -> Option<Number> {
    let value = match value {
        Scalar::Boolean(value) => value,
        Scalar::Text("true") => true,
        Scalar::Text("false" | "") => false,
        _ => return None,
    };
    Some(Number::Integer(i128::from(value)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::DYNAMIC_KEYWORD_IGNORE_ABOVE;

    #[test]
    fn ignore_above_counts_utf16_units() {
        let limit = Some(DYNAMIC_KEYWORD_IGNORE_ABOVE);
        assert!(!exceeds(&"a".repeat(1024), limit));
        assert!(exceeds(&"a".repeat(1025), limit));
        // 400 three-byte characters: 1200 bytes but only 400 UTF-16 units.
        assert!(!exceeds(&"€".repeat(400), limit));
        // Emoji are two UTF-16 units each.
        assert!(exceeds(&"😀".repeat(513), limit));
    }
}
