//! Per-field-type value tests: the query Kibana builds for a field (term,
//! wildcard, match, match_phrase, query_string, range, exists), as the
//! field's Elasticsearch type reads it.
//!
//! Each `compile_*` function returns the [`Test`] a value of the field must
//! pass, or an error Elasticsearch would fail the search with. Whether such an
//! error is raised or the field is quietly skipped is the caller's decision
//! (Kibana's free-text `multi_match` is lenient, field queries are not).
//!
//! Besides KQL's comparisons, three term-level queries Kibana builds without
//! KQL are read here, for rule exceptions ([`crate::exception`]): `wildcard`,
//! `terms` and a two-sided `range`. They meet the field's indexed terms
//! unanalysed, so on text fields they test tokens, not phrases.

use std::cmp::Ordering;
use std::fmt::{self, Display, Formatter};

use crate::analysis::{Clause, KeywordQueryString, Occur, TermTest, TextQuery, Wildcard};
use crate::collect::try_map;
use crate::date::{Bound, Instant, Interval, Resolution};
use crate::ip::{IpAddress, IpQuery};
use crate::kql::{Literal, Piece, RangeOperator, Value};
use crate::pattern::Glob;
use crate::schema::{FieldMapping, FieldType, DYNAMIC_KEYWORD_IGNORE_ABOVE};

use super::CompileErrorKind;

/// What a clause asks of each value of a field, before it meets a field type.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Comparison<'q> {
    Exists,
    /// `field:value`.
    Is(&'q Literal),
    /// A field-less value: Kibana's `multi_match` (lenient), or `query_string`
    /// for wildcards, over every field.
    FreeText(&'q Literal),
    Range(RangeOperator, &'q Literal),
    /// Elasticsearch's `wildcard` query: Lucene's `*`, `?` and `\` escapes,
    /// case-sensitive, against each indexed term.
    Wildcard(&'q str),
    /// Elasticsearch's `terms` query: an indexed term equals one of these.
    Terms(&'q [Literal]),
    /// Elasticsearch's `range` query with `gte` and `lte`: one value between both.
    Between(&'q Literal, &'q Literal),
}

/// The per-value test of a clause, specialised to the field's type.
#[derive(Clone, Debug)]
pub(crate) enum Test {
    /// The field has a value (for keywords: one short enough to be indexed).
    Exists {
        ignore_above: Option<usize>,
    },
    Keyword(KeywordTest),
    Integer(NumericTest),
    UnsignedLong(NumericTest),
    Float(NumericTest, FloatWidth),
    ScaledFloat(NumericTest, f64),
    Boolean(NumericTest),
    Ip(IpTest),
    /// The instants a date clause covers, and the field's precision.
    Date(Interval, Resolution),
    /// Dynamic mapping: each value is typed by its JSON kind.
    Dynamic(Box<DynamicTest>),
    /// A field whose indices disagree on its type, or a `terms` query: a value
    /// matches if any test accepts it.
    AnyOf(Vec<Test>),
    /// A two-sided range: one value must pass every test.
    AllOf(Vec<Test>),
    /// A field whose type cannot read the query value: no value matches.
    Never,
    /// An analysed text field: match, match_phrase, query_string or a range on its tokens.
    /// It judges all of a field's values together (phrases never span values).
    Text(TextTest),
    /// `query_string` on a keyword-like field: whitespace-separated clauses, OR'ed,
    /// each compared with whole values. It judges all of a field's values together.
    KeywordClauses {
        ignore_above: Option<usize>,
        query: KeywordQueryString,
    },
}

/// A query on an analysed text field.
#[derive(Clone, Debug)]
pub(crate) enum TextTest {
    Query(TextQuery),
    /// A range on text compares each token (Elasticsearch's TermRangeQuery on the terms).
    Compare(RangeOperator, String),
}

impl Test {
    /// True when the test must see all of a field's values at once rather than one by one.
    pub(crate) fn is_field_level(&self) -> bool {
        match self {
            Test::Text(TextTest::Query(_)) | Test::KeywordClauses { .. } => true,
            Test::AnyOf(tests) | Test::AllOf(tests) => tests.iter().any(Test::is_field_level),
            Test::Dynamic(test) => test.text.as_ref().is_some_and(Test::is_field_level),
            _ => false,
        }
    }
}

/// A comparison on a keyword value (the whole string, as indexed).
#[derive(Clone, Debug)]
pub(crate) struct KeywordTest {
    pub ignore_above: Option<usize>,
    pub op: KeywordOp,
}

#[derive(Clone, Debug)]
pub(crate) enum KeywordOp {
    /// `term`, and `match` on keyword-like fields.
    Equals(String),
    /// `wildcard`: `*` matches any characters, case-sensitively.
    Matches(Glob),
    /// `range`: byte-wise comparison of UTF-8 strings.
    Compare(RangeOperator, String),
}

/// A comparison on an ip field: an address or CIDR network, or a range.
#[derive(Clone, Copy, Debug)]
pub(crate) enum IpTest {
    Term(IpQuery),
    Compare(RangeOperator, IpAddress),
}

/// A comparison on a number (booleans compare as 0 and 1).
#[derive(Clone, Copy, Debug)]
pub(crate) enum NumericTest {
    Equals(Number),
    Compare(RangeOperator, Number),
    /// A term that can equal no stored value (a decimal on an integer field, out of range).
    Impossible,
}

/// A query number: integers stay exact (up to `unsigned_long`), anything else is a double.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// A whole number, exact.
    Integer(i128),
    /// Any other number.
    Float(f64),
}

/// The precision a floating-point field stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FloatWidth {
    /// `half_float`: 16 bits.
    Half,
    /// `float`: 32 bits.
    Single,
    /// `double`: 64 bits.
    Double,
}

/// The test for each JSON kind under dynamic mapping; `None` when the query
/// value cannot apply to that kind (such values do not match).
#[derive(Clone, Debug)]
pub(crate) struct DynamicTest {
    pub text: Option<Test>,
    pub integer: Option<NumericTest>,
    pub float: Option<NumericTest>,
    pub boolean: Option<NumericTest>,
}

/// The test for a declared field with `mapping`, or the error Elasticsearch would raise.
/// `Ok(None)`: this field contributes nothing (Kibana's query for it matches no document).
pub(crate) fn declared_test(
    name: &str,
    mapping: &FieldMapping,
    comparison: Comparison<'_>,
    now: Instant,
) -> Result<Option<Test>, CompileErrorKind> {
    if !mapping.searchable {
        return Err(CompileErrorKind::NotSearchable {
            field: name.to_string(),
        });
    }
    match mapping.single_type() {
        Some(field_type) => typed_test(name, mapping, field_type, comparison, now),
        None => conflict_test(name, mapping, comparison, now),
    }
}

/// A conflict: Kibana builds match-style queries, and each index reads them its own way.
fn conflict_test(
    name: &str,
    mapping: &FieldMapping,
    comparison: Comparison<'_>,
    now: Instant,
) -> Result<Option<Test>, CompileErrorKind> {
    let mut alternatives = Vec::new();
    let mut first_error = None;
    for &field_type in &mapping.types {
        // Kibana only builds `term`/`wildcard` for a field whose esTypes is exactly ['keyword'];
        // in a conflict, keyword indices see `match`/`query_string` instead, read as keyword-like.
        let as_seen = if field_type == FieldType::Keyword {
            FieldType::Wildcard
        } else {
            field_type
        };
        match typed_test(name, mapping, as_seen, comparison, now) {
            Ok(Some(test)) => alternatives.push(test),
            Ok(None) => {}
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    match (alternatives.len(), first_error) {
        (0, Some(error)) => Err(error),
        (0, None) => Ok(None),
        (1, _) => Ok(alternatives.pop()),
        _ => Ok(Some(Test::AnyOf(alternatives))),
    }
}

fn typed_test(
    name: &str,
    mapping: &FieldMapping,
    field_type: FieldType,
    comparison: Comparison<'_>,
    now: Instant,
) -> Result<Option<Test>, CompileErrorKind> {
    let ignore_above = mapping.ignore_above;
    match comparison {
        Comparison::Exists => {
            return Ok(Some(Test::Exists {
                ignore_above: if field_type.is_keyword_like() {
                    ignore_above
                } else {
                    None
                },
            }))
        }
        Comparison::Wildcard(pattern) => {
            return wildcard_query_test(name, field_type, pattern, ignore_above)
        }
        Comparison::Terms(values) => return terms_test(name, mapping, field_type, values, now),
        Comparison::Between(low, high) => {
            let bound = |operator, value| {
                typed_test(
                    name,
                    mapping,
                    field_type,
                    Comparison::Range(operator, value),
                    now,
                )
            };
            return Ok(all_of(
                bound(RangeOperator::Gte, low)?,
                bound(RangeOperator::Lte, high)?,
            ));
        }
        Comparison::Is(_) | Comparison::FreeText(_) | Comparison::Range(..) => {}
    }
    let (literal, operator) = operands(comparison);
    let text = value_text(literal)?;
    let is_wildcard = matches!(literal.value, Value::Wildcard { .. }) && operator.is_none();
    let free_text = matches!(comparison, Comparison::FreeText(_));
    match field_type {
        // Kibana sends `wildcard` only for fields whose esTypes is exactly ['keyword'];
        // every other field, and every field-less value, gets `query_string`.
        FieldType::Keyword
        | FieldType::Wildcard
        | FieldType::Flattened
        | FieldType::ConstantKeyword
            if is_wildcard && (free_text || field_type != FieldType::Keyword) =>
        {
            Ok(Some(keyword_clauses(literal, ignore_above)))
        }
        FieldType::Keyword
        | FieldType::Wildcard
        | FieldType::Flattened
        | FieldType::ConstantKeyword => Ok(Some(Test::Keyword(keyword_test(
            literal,
            operator,
            text.clone(),
            ignore_above,
            field_type,
        )))),
        FieldType::Text | FieldType::MatchOnlyText => {
            Ok(Some(Test::Text(text_test(literal, operator, &text))))
        }
        _ if is_wildcard && free_text => Ok(None),
        _ => scalar_test(name, mapping, field_type, &text, operator, is_wildcard, now),
    }
}

/// [`typed_test`] for the types other than text and keywords: numbers,
/// dates, addresses, booleans. Out of line: queries on keywords (most
/// detection rules, the built-in one) never run it, and V8 compiles a wasm
/// function, all of it, when it first runs.
#[inline(never)]
fn scalar_test(
    name: &str,
    mapping: &FieldMapping,
    field_type: FieldType,
    text: &str,
    operator: Option<RangeOperator>,
    is_wildcard: bool,
    now: Instant,
) -> Result<Option<Test>, CompileErrorKind> {
    let invalid = || CompileErrorKind::InvalidValue {
        field: name.to_string(),
        field_type,
        value: text.to_string(),
    };
    let not_text = || CompileErrorKind::WildcardOnNonText {
        field: name.to_string(),
        field_type,
    };
    match field_type {
        FieldType::Long
        | FieldType::Integer
        | FieldType::Short
        | FieldType::Byte
        | FieldType::UnsignedLong => {
            if is_wildcard {
                return Err(not_text());
            }
            let number = parse_number(text).ok_or_else(invalid)?;
            let test =
                integer_test(number, operator, integer_bounds(field_type)).ok_or_else(invalid)?;
            Ok(Some(if field_type == FieldType::UnsignedLong {
                Test::UnsignedLong(test)
            } else {
                Test::Integer(test)
            }))
        }
        FieldType::Double | FieldType::Float | FieldType::HalfFloat => {
            if is_wildcard {
                return Err(not_text());
            }
            let number = parse_number(text).ok_or_else(invalid)?;
            let width = match field_type {
                FieldType::Float => FloatWidth::Single,
                FieldType::HalfFloat => FloatWidth::Half,
                _ => FloatWidth::Double,
            };
            Ok(Some(Test::Float(
                float_test(number, operator, width),
                width,
            )))
        }
        FieldType::ScaledFloat => {
            if is_wildcard {
                return Err(not_text());
            }
            let number = parse_number(text).ok_or_else(invalid)?;
            let factor = mapping.scaling_factor.unwrap_or(1.0);
            Ok(Some(Test::ScaledFloat(
                scaled_test(number, operator, factor),
                factor,
            )))
        }
        FieldType::Boolean => {
            if is_wildcard {
                return Err(not_text());
            }
            let value = parse_boolean(text).ok_or_else(invalid)?;
            Ok(Some(Test::Boolean(boolean_test(value, operator))))
        }
        FieldType::Ip => {
            if is_wildcard {
                return Err(not_text());
            }
            let test = match operator {
                None => IpTest::Term(crate::ip::parse_query(text).map_err(|_| invalid())?),
                Some(operator) => IpTest::Compare(
                    operator,
                    crate::ip::parse_range_bound(text).map_err(|_| invalid())?,
                ),
            };
            Ok(Some(Test::Ip(test)))
        }
        FieldType::Date | FieldType::DateNanos => {
            if is_wildcard {
                return Err(not_text());
            }
            let resolution = if field_type == FieldType::DateNanos {
                Resolution::Nanoseconds
            } else {
                Resolution::Milliseconds
            };
            // Kibana turns `field:value` on a date into a range gte=value, lte=value (is.ts),
            // and Elasticsearch rounds each end to cover the whole unit written.
            let bound = match operator {
                None => Bound::Equals,
                Some(RangeOperator::Gt) => Bound::Gt,
                Some(RangeOperator::Gte) => Bound::Gte,
                Some(RangeOperator::Lt) => Bound::Lt,
                Some(RangeOperator::Lte) => Bound::Lte,
            };
            let interval =
                crate::date::query_interval(bound, text, now, resolution).map_err(|_| invalid())?;
            Ok(Some(Test::Date(interval, resolution)))
        }
        FieldType::Object | FieldType::Nested => Ok(None),
        _ => Err(CompileErrorKind::UnsupportedFieldType {
            field: name.to_string(),
            field_type,
        }),
    }
}

/// `query_string` on a keyword-like field, for a KQL wildcard value.
fn keyword_clauses(literal: &Literal, ignore_above: Option<usize>) -> Test {
    let parts = wildcard_parts(literal);
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    match KeywordQueryString::from_parts(&parts) {
        Ok(query) => Test::KeywordClauses {
            ignore_above,
            query,
        },
        // A query string Elasticsearch rejects fails the search: nothing matches.
        Err(_) => Test::Never,
    }
}

/// Elasticsearch's `wildcard` query on a field of this type. The pattern is
/// not normalised (`StringFieldType.wildcardQuery` with `shouldNormalize`
/// false), so on text fields an upper-case letter never meets a token.
fn wildcard_query_test(
    name: &str,
    field_type: FieldType,
    pattern: &str,
    ignore_above: Option<usize>,
) -> Result<Option<Test>, CompileErrorKind> {
    let clauses = wildcard_query(pattern);
    match field_type {
        FieldType::Keyword
        | FieldType::Wildcard
        | FieldType::Flattened
        | FieldType::ConstantKeyword => Ok(Some(Test::KeywordClauses {
            ignore_above,
            query: KeywordQueryString { clauses },
        })),
        FieldType::Text | FieldType::MatchOnlyText => {
            Ok(Some(Test::Text(TextTest::Query(TextQuery::QueryString {
                clauses,
            }))))
        }
        FieldType::Object | FieldType::Nested => Ok(None),
        _ => Err(CompileErrorKind::WildcardOnNonText {
            field: name.to_string(),
            field_type,
        }),
    }
}

/// Elasticsearch's `terms` query: each value read as a `term` query on the
/// field, except that text fields compare whole tokens, unanalysed.
fn terms_test(
    name: &str,
    mapping: &FieldMapping,
    field_type: FieldType,
    values: &[Literal],
    now: Instant,
) -> Result<Option<Test>, CompileErrorKind> {
    if matches!(field_type, FieldType::Text | FieldType::MatchOnlyText) {
        let terms = try_map(values, value_text)?;
        return Ok(Some(Test::Text(TextTest::Query(TextQuery::QueryString {
            clauses: vec![should(TermTest::AnyOf(terms))],
        }))));
    }
    let mut tests = Vec::with_capacity(values.len());
    for value in values {
        tests.extend(typed_test(
            name,
            mapping,
            field_type,
            Comparison::Is(value),
            now,
        )?);
    }
    Ok(Some(Test::AnyOf(tests)))
}

/// The one clause of Elasticsearch's `wildcard` query, unnormalised.
fn wildcard_query(pattern: &str) -> Vec<Clause> {
    vec![should(TermTest::Wildcard(Wildcard::parse(pattern, false)))]
}

fn should(test: TermTest) -> Clause {
    Clause {
        occur: Occur::Should,
        test,
    }
}

/// Both bounds of a range; a side that reads nothing makes the whole read nothing.
/// On text fields each bound meets the value's tokens on its own, where
/// Elasticsearch wants one token between both: only an `ip_range` value list
/// on a text field could tell the difference.
fn all_of(low: Option<Test>, high: Option<Test>) -> Option<Test> {
    Some(Test::AllOf(vec![low?, high?]))
}

/// The text query Kibana builds for a value on a `text`/`match_only_text` field.
fn text_test(literal: &Literal, operator: Option<RangeOperator>, text: &str) -> TextTest {
    match (operator, &literal.value) {
        (Some(operator), _) => TextTest::Compare(operator, text.to_string()),
        (None, Value::Wildcard { .. }) => {
            let parts = wildcard_parts(literal);
            let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
            TextTest::Query(TextQuery::query_string_from_parts(&parts))
        }
        (None, Value::Text { quoted: true, .. }) => TextTest::Query(TextQuery::phrase(text)),
        (None, _) => TextTest::Query(TextQuery::match_query(text)),
    }
}

/// The literal pieces of a wildcard value, between its `*`s.
fn wildcard_parts(literal: &Literal) -> Vec<String> {
    let Value::Wildcard { pattern } = &literal.value else {
        return Vec::new();
    };
    let mut parts = vec![String::new()];
    for piece in pattern.pieces() {
        match piece {
            Piece::Text(text) => {
                if let Some(last) = parts.last_mut() {
                    last.push_str(text);
                }
            }
            Piece::AnySequence => parts.push(String::new()),
        }
    }
    parts
}

/// A key inside a flattened field. Kibana does not know such fields, so it sends
/// `match`, `query_string` for wildcards, or `range` on the raw name, and
/// Elasticsearch finds the key all the same (FieldTypeLookup's dynamic sub-key
/// lookup gives a KeyedFlattenedFieldType), reading its values as keywords:
/// ranges compare them as strings. Of the term-level queries (from
/// exceptions), `wildcard` fails the search
/// (KeyedFlattenedFieldType: "[wildcard] queries are not currently supported
/// on keyed [flattened] fields"), `terms` and `range` compare keywords.
pub(crate) fn flattened_key_test(
    name: &str,
    comparison: Comparison<'_>,
) -> Result<Test, CompileErrorKind> {
    let keyword = |literal: &Literal, operator| -> Result<Test, CompileErrorKind> {
        let text = value_text(literal)?;
        Ok(Test::Keyword(keyword_test(
            literal,
            operator,
            text,
            None,
            FieldType::Flattened,
        )))
    };
    match comparison {
        Comparison::Exists => Ok(Test::Exists { ignore_above: None }),
        Comparison::Range(operator, literal) => keyword(literal, Some(operator)),
        Comparison::Is(literal) | Comparison::FreeText(literal) => {
            if matches!(literal.value, Value::Wildcard { .. }) {
                return Ok(keyword_clauses(literal, None));
            }
            keyword(literal, None)
        }
        Comparison::Wildcard(_) => Err(CompileErrorKind::WildcardOnNonText {
            field: name.to_string(),
            field_type: FieldType::Flattened,
        }),
        Comparison::Terms(values) => {
            Ok(Test::AnyOf(try_map(values, |value| keyword(value, None))?))
        }
        Comparison::Between(low, high) => Ok(Test::AllOf(vec![
            keyword(low, Some(RangeOperator::Gte))?,
            keyword(high, Some(RangeOperator::Lte))?,
        ])),
    }
}

/// The test under dynamic mapping: strings as keywords (ignore_above 1024),
/// integers as long, decimals as float, booleans as boolean. A value that one
/// kind cannot read simply does not match values of that kind.
pub(crate) fn dynamic_test(comparison: Comparison<'_>) -> Result<Test, CompileErrorKind> {
    match comparison {
        Comparison::Exists => {
            return Ok(Test::Exists {
                ignore_above: Some(DYNAMIC_KEYWORD_IGNORE_ABOVE),
            })
        }
        // Only strings can be read by a wildcard: a field of numbers is a long or
        // float field, on which Elasticsearch refuses the query.
        Comparison::Wildcard(pattern) => {
            return Ok(Test::Dynamic(Box::new(DynamicTest {
                text: Some(Test::KeywordClauses {
                    ignore_above: Some(DYNAMIC_KEYWORD_IGNORE_ABOVE),
                    query: KeywordQueryString {
                        clauses: wildcard_query(pattern),
                    },
                }),
                integer: None,
                float: None,
                boolean: None,
            })))
        }
        Comparison::Terms(values) => {
            return try_map(values, |value| dynamic_test(Comparison::Is(value))).map(Test::AnyOf)
        }
        Comparison::Between(low, high) => {
            return Ok(Test::AllOf(vec![
                dynamic_test(Comparison::Range(RangeOperator::Gte, low))?,
                dynamic_test(Comparison::Range(RangeOperator::Lte, high))?,
            ]))
        }
        Comparison::Is(_) | Comparison::FreeText(_) | Comparison::Range(..) => {}
    }
    let (literal, operator) = operands(comparison);
    let text = value_text(literal)?;
    let is_wildcard = matches!(literal.value, Value::Wildcard { .. }) && operator.is_none();
    let number = if is_wildcard {
        None
    } else {
        parse_number(&text)
    };
    let boolean = if is_wildcard {
        None
    } else {
        parse_boolean(&text)
    };
    let text = if is_wildcard && matches!(comparison, Comparison::FreeText(_)) {
        keyword_clauses(literal, Some(DYNAMIC_KEYWORD_IGNORE_ABOVE))
    } else {
        Test::Keyword(keyword_test(
            literal,
            operator,
            text,
            Some(DYNAMIC_KEYWORD_IGNORE_ABOVE),
            FieldType::Keyword,
        ))
    };
    Ok(Test::Dynamic(Box::new(DynamicTest {
        integer: number
            .and_then(|number| integer_test(number, operator, (i64::MIN.into(), i64::MAX.into()))),
        float: number.map(|number| float_test(number, operator, FloatWidth::Single)),
        boolean: boolean.map(|value| boolean_test(value, operator)),
        text: Some(text),
    })))
}

fn operands<'q>(comparison: Comparison<'q>) -> (&'q Literal, Option<RangeOperator>) {
    match comparison {
        Comparison::Is(literal) | Comparison::FreeText(literal) => (literal, None),
        Comparison::Range(operator, literal) => (literal, Some(operator)),
        Comparison::Exists
        | Comparison::Wildcard(_)
        | Comparison::Terms(_)
        | Comparison::Between(..) => unreachable_operands(),
    }
}

fn unreachable_operands() -> ! {
    // Every caller answers `Exists` and the term-level queries before reading operands.
    panic!("this comparison has no single operand")
}

/// The text a literal value stands for in a term or range query.
pub(crate) fn value_text(literal: &Literal) -> Result<String, CompileErrorKind> {
    match &literal.value {
        Value::Text { text, .. } => Ok(text.clone()),
        Value::Boolean { value } => Ok(value.to_string()),
        Value::Wildcard { pattern } => Ok(pattern.to_kql()),
        Value::Null => Err(CompileErrorKind::NullValue),
    }
}

fn keyword_test(
    literal: &Literal,
    operator: Option<RangeOperator>,
    text: String,
    ignore_above: Option<usize>,
    field_type: FieldType,
) -> KeywordTest {
    let op = match (operator, &literal.value) {
        (Some(operator), _) => KeywordOp::Compare(operator, text),
        (None, Value::Wildcard { pattern }) => KeywordOp::Matches(Glob::new(pattern)),
        // constant_keyword compares terms with Regex.simpleMatch, so even a quoted `*`
        // acts as a wildcard there (ConstantKeywordFieldMapper.matches).
        (None, _) if field_type == FieldType::ConstantKeyword && text.contains('*') => {
            KeywordOp::Matches(Glob::new(&crate::schema::wildcard_pattern(&text)))
        }
        (None, _) => KeywordOp::Equals(text),
    };
    KeywordTest { ignore_above, op }
}

pub(crate) fn integer_bounds(field_type: FieldType) -> (i128, i128) {
    match field_type {
        FieldType::Integer => (i32::MIN.into(), i32::MAX.into()),
        FieldType::Short => (i16::MIN.into(), i16::MAX.into()),
        FieldType::Byte => (i8::MIN.into(), i8::MAX.into()),
        FieldType::UnsignedLong => (0, u64::MAX.into()),
        _ => (i64::MIN.into(), i64::MAX.into()),
    }
}

/// An integer field's term or range test. A term with a decimal part, or out of the
/// type's range, matches nothing (NumberFieldMapper: MatchNoDocs); an out-of-range
/// range bound is an error (`None`).
fn integer_test(
    number: Number,
    operator: Option<RangeOperator>,
    (min, max): (i128, i128),
) -> Option<NumericTest> {
    match operator {
        Some(operator) => {
            if let Number::Integer(value) = number {
                if value < min || value > max {
                    return None;
                }
            }
            Some(NumericTest::Compare(operator, number))
        }
        None => Some(match number {
            Number::Integer(value) if (min..=max).contains(&value) => NumericTest::Equals(number),
            Number::Float(value)
                if value.fract() == 0.0 && value >= min as f64 && value <= max as f64 =>
            {
                NumericTest::Equals(Number::Integer(value as i128))
            }
            _ => NumericTest::Impossible,
        }),
    }
}

/// A floating-point field's test; the query value is rounded to the field's
/// precision first, as Elasticsearch does.
fn float_test(number: Number, operator: Option<RangeOperator>, width: FloatWidth) -> NumericTest {
    let value = Number::Float(round_to_width(number.as_f64(), width));
    match operator {
        Some(operator) => NumericTest::Compare(operator, value),
        None => NumericTest::Equals(value),
    }
}

/// A scaled_float stores `round(value × factor)` as a long; a term is scaled and
/// rounded the same way, and range bounds round inwards (ScaledFloatFieldMapper).
fn scaled_test(number: Number, operator: Option<RangeOperator>, factor: f64) -> NumericTest {
    let scaled = number.as_f64() * factor;
    let bound = |value: f64| Number::Integer(value as i128);
    match operator {
        None => NumericTest::Equals(bound(java_round(scaled))),
        Some(RangeOperator::Gte) => NumericTest::Compare(RangeOperator::Gte, bound(scaled.ceil())),
        Some(RangeOperator::Gt) => {
            NumericTest::Compare(RangeOperator::Gte, bound(scaled.floor() + 1.0))
        }
        Some(RangeOperator::Lte) => NumericTest::Compare(RangeOperator::Lte, bound(scaled.floor())),
        Some(RangeOperator::Lt) => {
            NumericTest::Compare(RangeOperator::Lte, bound(scaled.ceil() - 1.0))
        }
    }
}

/// Java's `Math.round`: halves round towards positive infinity.
pub fn java_round(value: f64) -> f64 {
    (value + 0.5).floor()
}

fn boolean_test(value: bool, operator: Option<RangeOperator>) -> NumericTest {
    let number = Number::Integer(i128::from(value));
    match operator {
        Some(operator) => NumericTest::Compare(operator, number),
        None => NumericTest::Equals(number),
    }
}

/// Rounds to what a field of this width stores (round to nearest, ties to even).
pub fn round_to_width(value: f64, width: FloatWidth) -> f64 {
    match width {
        FloatWidth::Double => value,
        FloatWidth::Single => f64::from(value as f32),
        FloatWidth::Half => round_to_half(value),
    }
}

/// Rounds to the nearest IEEE 754 binary16 value (11 significant bits), as
/// Lucene's HalfFloatPoint does, with overflow to infinity.
fn round_to_half(value: f64) -> f64 {
    if !value.is_finite() || value == 0.0 {
        return value;
    }
    const MAX_HALF: f64 = 65504.0;
    const SMALLEST_NORMAL_EXPONENT: i32 = -14;
    let exponent = value.abs().log2().floor() as i32;
    // Below the normal range, values are multiples of 2^-24 (subnormals).
    let quantum_exponent = exponent.max(SMALLEST_NORMAL_EXPONENT) - 10;
    let quantum = 2f64.powi(quantum_exponent);
    let scaled = value / quantum;
    let rounded = round_ties_even(scaled) * quantum;
    if rounded.abs() > MAX_HALF {
        if value.abs() >= MAX_HALF + 16.0 {
            f64::INFINITY.copysign(value)
        } else {
            MAX_HALF.copysign(value)
        }
    } else {
        rounded
    }
}

fn round_ties_even(value: f64) -> f64 {
    let rounded = value.round();
    if (value - value.trunc()).abs() == 0.5 && rounded % 2.0 != 0.0 {
        rounded - value.signum()
    } else {
        rounded
    }
}

/// Reads a decimal number the way Elasticsearch's numeric fields accept one:
/// optional sign, digits, optional fraction and exponent (`007` is 7).
pub fn parse_number(text: &str) -> Option<Number> {
    let bytes = text.as_bytes();
    let mut index = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let digits_start = index;
    while bytes.get(index).is_some_and(u8::is_ascii_digit) {
        index += 1;
    }
    let integer_digits = index - digits_start;
    let mut fraction_digits = 0;
    if bytes.get(index) == Some(&b'.') {
        index += 1;
        while bytes.get(index).is_some_and(u8::is_ascii_digit) {
            index += 1;
            fraction_digits += 1;
        }
    }
    if integer_digits + fraction_digits == 0 {
        return None;
    }
    let mut has_exponent = false;
    if matches!(bytes.get(index), Some(b'e' | b'E')) {
        index += 1;
        index += usize::from(matches!(bytes.get(index), Some(b'+' | b'-')));
        let exponent_start = index;
        while bytes.get(index).is_some_and(u8::is_ascii_digit) {
            index += 1;
        }
        if index == exponent_start {
            return None;
        }
        has_exponent = true;
    }
    if index != bytes.len() {
        return None;
    }
    if !has_exponent && fraction_digits == 0 {
        if let Ok(integer) = text.trim_start_matches('+').parse::<i128>() {
            return Some(Number::Integer(integer));
        }
    }
    let value: f64 = text.parse().ok()?;
    value.is_finite().then_some(Number::Float(value))
}

/// `true` and `false`, the only boolean values Elasticsearch accepts in a query.
fn parse_boolean(text: &str) -> Option<bool> {
    match text {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

impl Number {
    /// The number as a double.
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Integer(value) => value as f64,
            Number::Float(value) => value,
        }
    }

    /// Compares exactly when both are integers, as doubles otherwise.
    pub fn compare(self, other: Number) -> Option<Ordering> {
        match (self, other) {
            (Number::Integer(left), Number::Integer(right)) => Some(left.cmp(&right)),
            (left, right) => left.as_f64().partial_cmp(&right.as_f64()),
        }
    }
}

impl Display for Number {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Number::Integer(value) => write!(f, "{value}"),
            Number::Float(value) => write!(f, "{value}"),
        }
    }
}

impl Display for Test {
    /// The test as a person reads it in an explanation: `term "guest"`, `range >= 5`.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Test::Exists { .. } => f.write_str("exists"),
            Test::Keyword(test) => match &test.op {
                KeywordOp::Equals(value) => write!(f, "term {value:?}"),
                KeywordOp::Matches(glob) => write!(f, "wildcard {:?}", glob.to_string()),
                KeywordOp::Compare(operator, bound) => {
                    write!(f, "range {} {bound:?}", operator.symbol())
                }
            },
            Test::Integer(test)
            | Test::UnsignedLong(test)
            | Test::Boolean(test)
            | Test::Float(test, _) => {
                write!(f, "{test}")
            }
            Test::ScaledFloat(test, factor) => write!(f, "{test} (scaled by {factor})"),
            Test::Ip(IpTest::Term(IpQuery::Address(address))) => write!(f, "term {address}"),
            Test::Ip(IpTest::Term(IpQuery::Network { first, last })) => {
                write!(f, "network {first} to {last}")
            }
            Test::Ip(IpTest::Compare(operator, bound)) => {
                write!(f, "range {} {bound}", operator.symbol())
            }
            Test::Date(interval, resolution) => {
                let end = |instant: Option<Instant>| {
                    instant.map_or_else(
                        || "…".to_string(),
                        |instant| crate::date::format(instant, *resolution),
                    )
                };
                write!(f, "range [{}, {}]", end(interval.from), end(interval.to))
            }
            Test::Dynamic(test) => match &test.text {
                Some(text) => write!(f, "{text} (or the number/boolean it spells)"),
                None => f.write_str("dynamic"),
            },
            Test::Text(TextTest::Query(query)) => f.write_str(&describe_text_query(query)),
            Test::Text(TextTest::Compare(operator, bound)) => {
                write!(f, "range {} {bound:?} on any token", operator.symbol())
            }
            Test::KeywordClauses { query, .. } => match lone_wildcard(&query.clauses) {
                Some(pattern) => write!(f, "wildcard {:?}", pattern.to_string()),
                None => write!(f, "query_string of {} clause(s)", query.clauses.len()),
            },
            Test::AnyOf(tests) => write!(f, "any of [{}]", describe_tests(tests)),
            Test::AllOf(tests) => write!(f, "all of [{}]", describe_tests(tests)),
            Test::Never => f.write_str("nothing (this field's type cannot read the value)"),
        }
    }
}

/// The tests of a list, the first few only: a value list may hold thousands.
fn describe_tests(tests: &[Test]) -> String {
    const SHOWN: usize = 10;
    let mut parts: Vec<String> = tests.iter().take(SHOWN).map(Test::to_string).collect();
    if tests.len() > SHOWN {
        parts.push(format!("… {} more", tests.len() - SHOWN));
    }
    parts.join("; ")
}

/// The pattern of a query that is a single wildcard clause (what a `wildcard`
/// query, or a `query_string` of one wildcard term, amounts to).
fn lone_wildcard(clauses: &[Clause]) -> Option<&Wildcard> {
    match clauses {
        [Clause {
            occur: Occur::Should,
            test: TermTest::Wildcard(pattern),
        }] => Some(pattern),
        _ => None,
    }
}

fn describe_text_query(query: &TextQuery) -> String {
    match query {
        TextQuery::Match { terms } => format!("match any token of {terms:?}"),
        TextQuery::Phrase { terms } => format!("match_phrase {terms:?}"),
        TextQuery::QueryString { clauses } => match lone_wildcard(clauses) {
            Some(pattern) => format!("wildcard {:?} on any token", pattern.to_string()),
            None => format!("query_string of {} clause(s)", clauses.len()),
        },
        TextQuery::Invalid(error) => format!("nothing (Elasticsearch rejects the query: {error})"),
    }
}

impl Display for NumericTest {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            NumericTest::Equals(value) => write!(f, "term {value}"),
            NumericTest::Compare(operator, bound) => {
                write!(f, "range {} {bound}", operator.symbol())
            }
            NumericTest::Impossible => f.write_str("nothing (no stored value can equal it)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_as_elasticsearch_numeric_fields_read_them() {
        assert_eq!(parse_number("007"), Some(Number::Integer(7)));
        assert_eq!(parse_number("+5"), Some(Number::Integer(5)));
        assert_eq!(
            parse_number("18446744073709551615"),
            Some(Number::Integer(u64::MAX.into()))
        );
        assert_eq!(parse_number("-1.5"), Some(Number::Float(-1.5)));
        assert_eq!(parse_number("1e3"), Some(Number::Float(1000.0)));
        assert_eq!(parse_number(".5"), Some(Number::Float(0.5)));
        assert_eq!(parse_number("5."), Some(Number::Float(5.0)));
        for invalid in [
            "", "abc", "1e", "--1", "1 2", "0x10", "inf", "NaN", ".", "+",
        ] {
            assert_eq!(parse_number(invalid), None, "{invalid}");
        }
    }

    #[test]
    fn half_floats_keep_eleven_significant_bits() {
        assert_eq!(round_to_width(1.0, FloatWidth::Half), 1.0);
        assert_eq!(round_to_width(0.1, FloatWidth::Half), 0.0999755859375);
        assert_eq!(round_to_width(2049.0, FloatWidth::Half), 2048.0);
        assert_eq!(round_to_width(2051.0, FloatWidth::Half), 2052.0);
        assert_eq!(round_to_width(65504.0, FloatWidth::Half), 65504.0);
        assert_eq!(round_to_width(1e6, FloatWidth::Half), f64::INFINITY);
        assert_eq!(round_to_width(1e-8, FloatWidth::Half), 0.0);
        assert_eq!(round_to_width(6e-8, FloatWidth::Half), 2f64.powi(-24));
    }

    #[test]
    fn java_round_rounds_halves_up() {
        assert_eq!(java_round(2.5), 3.0);
        assert_eq!(java_round(-2.5), -2.0);
        assert_eq!(java_round(-2.6), -3.0);
    }
}
