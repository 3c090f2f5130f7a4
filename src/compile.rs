//! Gives a parsed query its meaning for a schema: the matcher tree the evaluator runs.
//!
//! This is where Kibana's `toElasticsearchQuery` and Elasticsearch's per-type
//! query parsing are reproduced, once per rule: field names with `*` are
//! expanded, values are converted to the field type (`"5"` to the long 5, a
//! wildcard to a compiled [`Glob`]), and queries that Kibana or Elasticsearch
//! would reject become a [`CompileError`] instead of a silent "no match".
//! Nothing here looks at events.

use std::cmp::Ordering;
use std::fmt::{self, Display, Formatter};

use crate::error::{Error, ErrorType};
use crate::kql::{Literal, Node, RangeOperator, Value};
use crate::pattern::Glob;
use crate::schema::{FieldType, Resolution, Schema};
use crate::span::Span;

/// A query ready to be evaluated against events.
#[derive(Clone, Debug)]
pub struct CompiledQuery {
    pub(crate) root: Matcher,
}

/// The compiled tree. Evaluation lives in [`crate::eval`].
#[derive(Clone, Debug)]
pub(crate) enum Matcher {
    /// Matches every event.
    All,
    /// Matches no event (for example, a query on an unmapped field).
    Nothing,
    And(Vec<Matcher>),
    Or(Vec<Matcher>),
    Not(Box<Matcher>),
    /// Some value of the selected field(s) passes the test.
    Field {
        field: FieldSelector,
        test: Test,
    },
    /// Some object under `path` matches the inner query on its own.
    Nested {
        path: String,
        query: Box<Matcher>,
    },
}

/// Which fields a clause reads.
#[derive(Clone, Debug)]
pub(crate) enum FieldSelector {
    /// The field with exactly this (dotted) name.
    Exact(String),
    /// Every field whose full name matches (dynamic schema only; explicit
    /// schemas expand patterns at compile time, as Kibana does against its data view).
    Matching(Glob),
}

/// The per-value test of a clause, already specialised to the field type.
#[derive(Clone, Debug)]
pub(crate) enum Test {
    /// The field has a value (for keywords: one short enough to be indexed).
    Exists {
        ignore_above: Option<usize>,
    },
    Keyword(KeywordTest),
    Integer(NumericTest),
    Float(NumericTest, FloatWidth),
    Boolean(NumericTest),
    /// Dynamic mapping: each value is typed by its JSON kind.
    Dynamic(Box<DynamicTest>),
}

/// A comparison on a keyword field's indexed string.
#[derive(Clone, Debug)]
pub(crate) struct KeywordTest {
    pub ignore_above: Option<usize>,
    pub op: KeywordOp,
}

#[derive(Clone, Debug)]
pub(crate) enum KeywordOp {
    Equals(String),
    Matches(Glob),
    Compare(RangeOperator, String),
}

/// A comparison on a numeric value (booleans compare as 0 and 1).
#[derive(Clone, Copy, Debug)]
pub(crate) enum NumericTest {
    Equals(Number),
    Compare(RangeOperator, Number),
}

/// A query number: integers stay exact, anything else is a double.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Number {
    Integer(i64),
    Float(f64),
}

/// The precision a floating-point field stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FloatWidth {
    Single,
    Double,
}

/// The test for each JSON kind under dynamic mapping; `None` when the query
/// value cannot apply to that kind (such values do not match).
#[derive(Clone, Debug)]
pub(crate) struct DynamicTest {
    pub text: Option<KeywordTest>,
    pub integer: Option<NumericTest>,
    pub float: Option<NumericTest>,
    pub boolean: Option<NumericTest>,
}

/// The `ignore_above` of strings under the `logs-*-*` dynamic templates.
pub const DYNAMIC_KEYWORD_IGNORE_ABOVE: usize = 1024;

/// A query that is valid KQL but that Kibana or Elasticsearch would refuse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    /// The offending part of the query.
    pub span: Span,
    /// What is wrong.
    pub kind: CompileErrorKind,
}

/// The kinds of compile error.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CompileErrorKind {
    /// Occurs when a value cannot be parsed for the field's type, as in `f:abc` on a `long`
    /// field (Elasticsearch fails the search).
    InvalidValue {
        /// The field name.
        field: String,
        /// The field's type.
        field_type: FieldType,
        /// The value as written.
        value: String,
    },
    /// Occurs when a wildcard value is used on a field that is neither keyword nor text,
    /// as in `f:1*` on a `long` field.
    WildcardOnNonText {
        /// The field name.
        field: String,
        /// The field's type.
        field_type: FieldType,
    },
    /// Occurs for the unquoted value `null`, as in `f:null` (Elasticsearch rejects null terms).
    NullValue,
    /// Occurs when `path:{ … }` names a field that is not mapped as `nested`.
    NotNested {
        /// The path as resolved.
        path: String,
    },
    /// Occurs when a field inside a nested field is queried outside `path:{ … }`
    /// or inside the wrong one.
    NestedPathMismatch {
        /// The field name.
        field: String,
        /// The nested field it belongs to.
        nested_path: String,
    },
    /// Occurs when a field type's query semantics are not implemented yet.
    UnsupportedFieldType {
        /// The field name.
        field: String,
        /// The field's type.
        field_type: FieldType,
    },
}

impl CompileErrorKind {
    /// A stable snake_case name for this kind.
    pub fn tag(&self) -> &'static str {
        match self {
            CompileErrorKind::InvalidValue { .. } => "invalid_value",
            CompileErrorKind::WildcardOnNonText { .. } => "wildcard_on_non_text",
            CompileErrorKind::NullValue => "null_value",
            CompileErrorKind::NotNested { .. } => "not_nested",
            CompileErrorKind::NestedPathMismatch { .. } => "nested_path_mismatch",
            CompileErrorKind::UnsupportedFieldType { .. } => "unsupported_field_type",
        }
    }
}

impl Display for CompileErrorKind {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            CompileErrorKind::InvalidValue {
                field,
                field_type,
                value,
            } => write!(
                f,
                "Elasticsearch cannot read `{value}` as a {field_type} value for field `{field}`"
            ),
            CompileErrorKind::WildcardOnNonText { field, field_type } => write!(
                f,
                "wildcards only work on keyword and text fields, and `{field}` is a {field_type} field"
            ),
            CompileErrorKind::NullValue => f.write_str(
                "a field cannot be compared with null: to find events without the field, write `not field:*`",
            ),
            CompileErrorKind::NotNested { path } => {
                write!(f, "`{path}` is not a nested field, so it cannot take `{{ … }}`")
            }
            CompileErrorKind::NestedPathMismatch { field, nested_path } => write!(
                f,
                "`{field}` lies in nested field `{nested_path}`: query it inside `{nested_path}:{{ … }}`"
            ),
            CompileErrorKind::UnsupportedFieldType { field, field_type } => write!(
                f,
                "queries on {field_type} fields (`{field}`) are not supported yet"
            ),
        }
    }
}

impl CompileError {
    /// As a public [`Error`] pointing into `query`.
    pub fn into_error(self, query: &str) -> Error {
        Error::new(ErrorType::KqlQuery, self.kind.tag(), self.kind.to_string()).at(self.span, query)
    }
}

impl CompiledQuery {
    /// Compiles a parsed query for `schema`.
    pub fn compile(query: &Node, schema: &Schema) -> Result<CompiledQuery, CompileError> {
        let compiler = Compiler {
            schema,
            nested_path: None,
        };
        Ok(CompiledQuery {
            root: compiler.node(query)?,
        })
    }
}

/// What a clause does with each value, before it meets a field type.
#[derive(Clone, Copy)]
enum Comparison<'q> {
    Exists,
    Is(&'q Literal),
    Range(RangeOperator, &'q Literal),
}

struct Compiler<'s> {
    schema: &'s Schema,
    /// The full path of the enclosing `path:{ … }`, if any.
    nested_path: Option<String>,
}

impl Compiler<'_> {
    fn node(&self, node: &Node) -> Result<Matcher, CompileError> {
        match node {
            Node::Or { children, .. } => Ok(Matcher::Or(self.nodes(children)?)),
            Node::And { children, .. } => Ok(Matcher::And(self.nodes(children)?)),
            Node::Not { child, .. } => Ok(Matcher::Not(Box::new(self.node(child)?))),
            Node::Nested { path, query, .. } => self.nested(path, query),
            Node::Is { field, value, .. } => {
                let comparison = if value.value.is_lone_wildcard() {
                    Comparison::Exists
                } else {
                    Comparison::Is(value)
                };
                match field {
                    None if value.value.is_lone_wildcard() => Ok(Matcher::All),
                    None => self.any_field(comparison),
                    Some(field)
                        if field.value.is_lone_wildcard() && value.value.is_lone_wildcard() =>
                    {
                        Ok(Matcher::All)
                    }
                    Some(field) => self.field(field, comparison),
                }
            }
            Node::Range {
                field,
                operator,
                value,
                ..
            } => self.field(field, Comparison::Range(*operator, value)),
        }
    }

    fn nodes(&self, nodes: &[Node]) -> Result<Vec<Matcher>, CompileError> {
        nodes.iter().map(|node| self.node(node)).collect()
    }

    fn full_name(&self, name: &str) -> String {
        match &self.nested_path {
            Some(path) => format!("{path}.{name}"),
            None => name.to_string(),
        }
    }

    fn nested(&self, path: &Literal, query: &Node) -> Result<Matcher, CompileError> {
        let relative = field_text(path);
        let full = self.full_name(&relative);
        if self.schema.resolve(&full) != Resolution::Mapped(FieldType::Nested) {
            return Err(CompileError {
                span: path.span,
                kind: CompileErrorKind::NotNested { path: full },
            });
        }
        let inner = Compiler {
            schema: self.schema,
            nested_path: Some(full),
        };
        Ok(Matcher::Nested {
            path: relative,
            query: Box::new(inner.node(query)?),
        })
    }

    /// A field-less value: Kibana's `multi_match` (lenient) over every field.
    fn any_field(&self, comparison: Comparison<'_>) -> Result<Matcher, CompileError> {
        if self.schema.is_dynamic() {
            return Ok(Matcher::Field {
                field: FieldSelector::Matching(Glob::new(&crate::kql::WildcardPattern::lone())),
                test: dynamic_test(comparison)?,
            });
        }
        let mut alternatives = Vec::new();
        for (name, field_type) in self.schema.fields() {
            if let Ok(test) = typed_test(name, field_type, comparison) {
                alternatives.push(self.mapped_field(name, test, true)?);
            }
        }
        Ok(any_of(alternatives))
    }

    fn field(&self, field: &Literal, comparison: Comparison<'_>) -> Result<Matcher, CompileError> {
        if let Value::Wildcard { pattern } = &field.value {
            let glob = Glob::new(pattern);
            if self.schema.is_dynamic() {
                return Ok(Matcher::Field {
                    field: FieldSelector::Matching(glob),
                    test: dynamic_test(comparison)?,
                });
            }
            let prefix_length = self.nested_path.as_ref().map_or(0, |path| path.len() + 1);
            let mut alternatives = Vec::new();
            for (name, field_type) in self.schema.fields() {
                let Some(relative) = name.get(prefix_length..) else {
                    continue;
                };
                if prefix_length > 0 && !name.starts_with(&self.full_name("")) {
                    continue;
                }
                if !glob.matches(relative)
                    || matches!(field_type, FieldType::Object | FieldType::Nested)
                {
                    continue;
                }
                let test =
                    typed_test(name, field_type, comparison).map_err(|kind| CompileError {
                        span: comparison_span(field, comparison),
                        kind,
                    })?;
                alternatives.push(self.mapped_field(name, test, true)?);
            }
            return Ok(any_of(alternatives));
        }

        let relative = field_text(field);
        if self.schema.is_dynamic() {
            return Ok(Matcher::Field {
                field: FieldSelector::Exact(relative),
                test: dynamic_test(comparison)?,
            });
        }
        let full = self.full_name(&relative);
        match self.schema.resolve(&full) {
            Resolution::Mapped(FieldType::Object) if matches!(comparison, Comparison::Exists) => {
                Ok(self.object_exists(&full))
            }
            Resolution::Mapped(field_type) => {
                let test =
                    typed_test(&full, field_type, comparison).map_err(|kind| CompileError {
                        span: comparison_span(field, comparison),
                        kind,
                    })?;
                self.mapped_field(&full, test, false).map_err(|mut error| {
                    error.span = field.span;
                    error
                })
            }
            Resolution::Unmapped | Resolution::Dynamic => {
                // Kibana sends an unknown field name through as-is; Elasticsearch
                // then finds no such field, and nothing matches.
                Ok(Matcher::Nothing)
            }
        }
    }

    /// A clause on the mapped field with full name `full`, honouring nested
    /// fields: Kibana wraps fields found by a `*` pattern in their nested query,
    /// and refuses a nested field named outright outside its group.
    fn mapped_field(
        &self,
        full: &str,
        test: Test,
        from_pattern: bool,
    ) -> Result<Matcher, CompileError> {
        let parent = self.schema.nested_parent(full);
        let inside = self.nested_path.as_deref();
        match (parent, inside) {
            (Some(parent), Some(inside)) if parent == inside => Ok(Matcher::Field {
                field: FieldSelector::Exact(full[inside.len() + 1..].to_string()),
                test,
            }),
            (None, None) => Ok(Matcher::Field {
                field: FieldSelector::Exact(full.to_string()),
                test,
            }),
            (Some(parent), None) if from_pattern => Ok(Matcher::Nested {
                path: parent.to_string(),
                query: Box::new(Matcher::Field {
                    field: FieldSelector::Exact(full[parent.len() + 1..].to_string()),
                    test,
                }),
            }),
            (parent, _) => Err(CompileError {
                span: Span::default(),
                kind: CompileErrorKind::NestedPathMismatch {
                    field: full.to_string(),
                    nested_path: parent.or(inside).unwrap_or_default().to_string(),
                },
            }),
        }
    }

    /// `object:*` exists when any field below the object does.
    fn object_exists(&self, full: &str) -> Matcher {
        let prefix = format!("{full}.");
        let below = self
            .schema
            .fields()
            .filter(|(name, field_type)| {
                name.starts_with(&prefix)
                    && !matches!(field_type, FieldType::Object | FieldType::Nested)
            })
            .filter_map(|(name, field_type)| {
                let test = typed_test(name, field_type, Comparison::Exists).ok()?;
                self.mapped_field(name, test, true).ok()
            })
            .collect();
        any_of(below)
    }
}

fn any_of(mut alternatives: Vec<Matcher>) -> Matcher {
    match alternatives.len() {
        0 => Matcher::Nothing,
        1 => alternatives.pop().unwrap_or(Matcher::Nothing),
        _ => Matcher::Or(alternatives),
    }
}

/// A field name literal as text (`true`/`false` name fields of those names).
fn field_text(field: &Literal) -> String {
    match &field.value {
        Value::Text { text, .. } => text.clone(),
        Value::Boolean { value } => value.to_string(),
        Value::Wildcard { pattern } => pattern.to_kql(),
        Value::Null => "null".to_string(),
    }
}

fn comparison_span(field: &Literal, comparison: Comparison<'_>) -> Span {
    match comparison {
        Comparison::Exists => field.span,
        Comparison::Is(value) | Comparison::Range(_, value) => value.span,
    }
}

/// The text a literal value stands for in a term or range query.
fn value_text(literal: &Literal) -> Result<String, CompileError> {
    match &literal.value {
        Value::Text { text, .. } => Ok(text.clone()),
        Value::Boolean { value } => Ok(value.to_string()),
        Value::Wildcard { pattern } => Ok(pattern.to_kql()),
        Value::Null => Err(CompileError {
            span: literal.span,
            kind: CompileErrorKind::NullValue,
        }),
    }
}

/// The test for one mapped field; an `Err` is what Elasticsearch would fail the search with.
fn typed_test(
    name: &str,
    field_type: FieldType,
    comparison: Comparison<'_>,
) -> Result<Test, CompileErrorKind> {
    let invalid = |value: &str| CompileErrorKind::InvalidValue {
        field: name.to_string(),
        field_type,
        value: value.to_string(),
    };
    if let Comparison::Exists = comparison {
        return match field_type {
            FieldType::Keyword
            | FieldType::ConstantKeyword
            | FieldType::Wildcard
            | FieldType::Long
            | FieldType::Integer
            | FieldType::Short
            | FieldType::Byte
            | FieldType::Double
            | FieldType::Float
            | FieldType::Boolean => Ok(Test::Exists { ignore_above: None }),
            _ => Err(unsupported(name, field_type)),
        };
    }
    let (literal, operator) = match comparison {
        Comparison::Is(literal) => (literal, None),
        Comparison::Range(operator, literal) => (literal, Some(operator)),
        Comparison::Exists => unreachable_exists(),
    };
    let text = match value_text(literal) {
        Ok(text) => text,
        Err(error) => return Err(error.kind),
    };
    let is_wildcard = matches!(literal.value, Value::Wildcard { .. }) && operator.is_none();
    match field_type {
        FieldType::Keyword | FieldType::ConstantKeyword | FieldType::Wildcard => {
            Ok(Test::Keyword(keyword_test(literal, operator, text, None)))
        }
        FieldType::Long | FieldType::Integer | FieldType::Short | FieldType::Byte => {
            if is_wildcard {
                return Err(CompileErrorKind::WildcardOnNonText {
                    field: name.to_string(),
                    field_type,
                });
            }
            let number = parse_number(&text).ok_or_else(|| invalid(&text))?;
            Ok(Test::Integer(integer_test(
                number,
                operator,
                integer_bounds(field_type),
            )))
        }
        FieldType::Double | FieldType::Float => {
            if is_wildcard {
                return Err(CompileErrorKind::WildcardOnNonText {
                    field: name.to_string(),
                    field_type,
                });
            }
            let number = parse_number(&text).ok_or_else(|| invalid(&text))?;
            let width = if field_type == FieldType::Float {
                FloatWidth::Single
            } else {
                FloatWidth::Double
            };
            Ok(Test::Float(float_test(number, operator, width), width))
        }
        FieldType::Boolean => {
            if is_wildcard {
                return Err(CompileErrorKind::WildcardOnNonText {
                    field: name.to_string(),
                    field_type,
                });
            }
            let value = parse_boolean(&text).ok_or_else(|| invalid(&text))?;
            Ok(Test::Boolean(boolean_test(value, operator)))
        }
        _ => Err(unsupported(name, field_type)),
    }
}

fn unreachable_exists() -> ! {
    // `typed_test` returns early for `Comparison::Exists`.
    panic!("exists comparisons are handled before values are read")
}

fn unsupported(name: &str, field_type: FieldType) -> CompileErrorKind {
    CompileErrorKind::UnsupportedFieldType {
        field: name.to_string(),
        field_type,
    }
}

fn keyword_test(
    literal: &Literal,
    operator: Option<RangeOperator>,
    text: String,
    ignore_above: Option<usize>,
) -> KeywordTest {
    let op = match (operator, &literal.value) {
        (Some(operator), _) => KeywordOp::Compare(operator, text),
        (None, Value::Wildcard { pattern }) => KeywordOp::Matches(Glob::new(pattern)),
        (None, _) => KeywordOp::Equals(text),
    };
    KeywordTest { ignore_above, op }
}

/// The test under dynamic mapping: strings as keywords (ignore_above 1024),
/// integers as long, decimals as float, booleans as boolean.
fn dynamic_test(comparison: Comparison<'_>) -> Result<Test, CompileError> {
    let (literal, operator) = match comparison {
        Comparison::Exists => {
            return Ok(Test::Exists {
                ignore_above: Some(DYNAMIC_KEYWORD_IGNORE_ABOVE),
            })
        }
        Comparison::Is(literal) => (literal, None),
        Comparison::Range(operator, literal) => (literal, Some(operator)),
    };
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
    Ok(Test::Dynamic(Box::new(DynamicTest {
        integer: number.map(|number| integer_test(number, operator, (i64::MIN, i64::MAX))),
        float: number.map(|number| float_test(number, operator, FloatWidth::Single)),
        boolean: boolean.map(|value| boolean_test(value, operator)),
        text: Some(keyword_test(
            literal,
            operator,
            text,
            Some(DYNAMIC_KEYWORD_IGNORE_ABOVE),
        )),
    })))
}

fn integer_bounds(field_type: FieldType) -> (i64, i64) {
    match field_type {
        FieldType::Integer => (i32::MIN.into(), i32::MAX.into()),
        FieldType::Short => (i16::MIN.into(), i16::MAX.into()),
        FieldType::Byte => (i8::MIN.into(), i8::MAX.into()),
        _ => (i64::MIN, i64::MAX),
    }
}

/// An integer field's term or range test. A term with a decimal part, or
/// outside the type's range, can equal no stored integer.
fn integer_test(
    number: Number,
    operator: Option<RangeOperator>,
    (min, max): (i64, i64),
) -> NumericTest {
    match operator {
        Some(operator) => NumericTest::Compare(operator, number),
        None => match number {
            Number::Integer(value) if (min..=max).contains(&value) => NumericTest::Equals(number),
            Number::Float(value)
                if value.fract() == 0.0 && value >= min as f64 && value <= max as f64 =>
            {
                NumericTest::Equals(Number::Integer(value as i64))
            }
            _ => NumericTest::Compare(RangeOperator::Lt, Number::Float(f64::NEG_INFINITY)),
        },
    }
}

/// A floating-point field's test; the query value is rounded to the field's precision
/// as Elasticsearch does before comparing.
fn float_test(number: Number, operator: Option<RangeOperator>, width: FloatWidth) -> NumericTest {
    let value = round_to_width(number.as_f64(), width);
    match operator {
        Some(operator) => NumericTest::Compare(operator, Number::Float(value)),
        None => NumericTest::Equals(Number::Float(value)),
    }
}

fn boolean_test(value: bool, operator: Option<RangeOperator>) -> NumericTest {
    let number = Number::Integer(i64::from(value));
    match operator {
        Some(operator) => NumericTest::Compare(operator, number),
        None => NumericTest::Equals(number),
    }
}

pub(crate) fn round_to_width(value: f64, width: FloatWidth) -> f64 {
    match width {
        FloatWidth::Single => f64::from(value as f32),
        FloatWidth::Double => value,
    }
}

/// Reads a decimal number the way Elasticsearch's numeric fields accept one:
/// optional sign, digits, optional fraction and exponent (`007` is 7).
pub(crate) fn parse_number(text: &str) -> Option<Number> {
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
        if let Ok(integer) = text.trim_start_matches('+').parse::<i64>() {
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
    pub(crate) fn as_f64(self) -> f64 {
        match self {
            Number::Integer(value) => value as f64,
            Number::Float(value) => value,
        }
    }

    /// Compares exactly when both are integers, as doubles otherwise.
    pub(crate) fn compare(self, other: Number) -> Option<Ordering> {
        match (self, other) {
            (Number::Integer(left), Number::Integer(right)) => Some(left.cmp(&right)),
            (left, right) => left.as_f64().partial_cmp(&right.as_f64()),
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
}
