//! Runs a compiled query against one event.
//!
//! Evaluation cannot fail: everything that could go wrong was decided when the
//! query was compiled. It allocates nothing: values are visited in place, and
//! numbers are read from their source text only when a clause needs them.

use std::cmp::Ordering;

use crate::compile::{
    parse_number, round_to_width, CompiledQuery, DynamicTest, FieldSelector, FloatWidth, KeywordOp,
    KeywordTest, Matcher, Number, NumericTest, Test,
};
use crate::event::{Event, Scalar};
use crate::kql::RangeOperator;

impl CompiledQuery {
    /// True when Elasticsearch would return `event` for this query.
    pub fn matches(&self, event: &dyn Event) -> bool {
        self.root.matches(event)
    }
}

impl Matcher {
    fn matches(&self, event: &dyn Event) -> bool {
        match self {
            Matcher::All => true,
            Matcher::Nothing => false,
            Matcher::And(children) => children.iter().all(|child| child.matches(event)),
            Matcher::Or(children) => children.iter().any(|child| child.matches(event)),
            Matcher::Not(child) => !child.matches(event),
            Matcher::Field { field, test } => {
                let mut accepts = |value: Scalar<'_>| test.accepts(value);
                match field {
                    FieldSelector::Exact(path) => event.any_value(path, &mut accepts),
                    FieldSelector::Matching(pattern) => {
                        event.any_value_matching(pattern, &mut accepts)
                    }
                }
            }
            Matcher::Nested { path, query } => {
                event.any_object(path, &mut |element| query.matches(element))
            }
        }
    }
}

impl Test {
    fn accepts(&self, value: Scalar<'_>) -> bool {
        match self {
            Test::Exists { ignore_above } => match value {
                Scalar::Text(text) => !exceeds(text, *ignore_above),
                Scalar::Number(_) | Scalar::Boolean(_) => true,
            },
            Test::Keyword(test) => test.accepts(value),
            Test::Integer(test) => integer_value(value).is_some_and(|number| test.accepts(number)),
            Test::Float(test, width) => {
                float_value(value, *width).is_some_and(|number| test.accepts(number))
            }
            Test::Boolean(test) => boolean_value(value).is_some_and(|number| test.accepts(number)),
            Test::Dynamic(test) => test.accepts(value),
        }
    }
}

impl KeywordTest {
    /// Keyword fields index the value's text: strings as they are, numbers as
    /// written in the source, booleans as `true`/`false`.
    fn accepts(&self, value: Scalar<'_>) -> bool {
        let text = match value {
            Scalar::Text(text) | Scalar::Number(text) => text,
            Scalar::Boolean(true) => "true",
            Scalar::Boolean(false) => "false",
        };
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

impl NumericTest {
    fn accepts(&self, value: Number) -> bool {
        match *self {
            NumericTest::Equals(expected) => value.compare(expected) == Some(Ordering::Equal),
            NumericTest::Compare(operator, bound) => value
                .compare(bound)
                .is_some_and(|ordering| satisfies(ordering, operator)),
        }
    }
}

fn satisfies(ordering: Ordering, operator: RangeOperator) -> bool {
    match operator {
        RangeOperator::Lt => ordering == Ordering::Less,
        RangeOperator::Lte => ordering != Ordering::Greater,
        RangeOperator::Gt => ordering == Ordering::Greater,
        RangeOperator::Gte => ordering != Ordering::Less,
    }
}

/// True when a string is longer than `ignore_above`, which Elasticsearch
/// counts in UTF-16 code units; such a string is not indexed at all.
fn exceeds(text: &str, ignore_above: Option<usize>) -> bool {
    ignore_above.is_some_and(|limit| text.len() > limit && text.encode_utf16().count() > limit)
}

fn is_integer_syntax(text: &str) -> bool {
    !text.contains(['.', 'e', 'E'])
}

/// The value an integer field stores: numbers and numeric strings, with any
/// fraction truncated (Elasticsearch coerces `5.7` to 5).
fn integer_value(value: Scalar<'_>) -> Option<Number> {
    let (Scalar::Text(text) | Scalar::Number(text)) = value else {
        return None;
    };
    match parse_number(text)? {
        Number::Integer(integer) => Some(Number::Integer(integer)),
        Number::Float(float) if float.abs() < 9.223_372_036_854_776e18 => {
            Some(Number::Integer(float.trunc() as i64))
        }
        Number::Float(_) => None,
    }
}

/// The value a floating-point field stores, rounded to its precision.
fn float_value(value: Scalar<'_>, width: FloatWidth) -> Option<Number> {
    let (Scalar::Text(text) | Scalar::Number(text)) = value else {
        return None;
    };
    let number = parse_number(text)?;
    Some(Number::Float(round_to_width(number.as_f64(), width)))
}

/// A boolean field's value as 0 or 1; it accepts `true`, `false` and the
/// strings `"true"`, `"false"` and `""` (false).
fn boolean_value(value: Scalar<'_>) -> Option<Number> {
    let value = match value {
        Scalar::Boolean(value) => value,
        Scalar::Text("true") => true,
        Scalar::Text("false" | "") => false,
        _ => return None,
    };
    Some(Number::Integer(i64::from(value)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::DYNAMIC_KEYWORD_IGNORE_ABOVE;

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
