//! A small evaluator of the query DSL over one event, for the consistency
//! checks: how Elasticsearch answers each query kind the translator and the
//! exception clauses emit (`bool`, `nested`, `term`, `terms`, `wildcard`,
//! `match`, `match_phrase`, `query_string`, `multi_match`, `range`, `exists`,
//! `match_all`) on each field type of the index's mapping.
//!
//! It reads only the DSL and the mapping, never the KQL, so that it agreeing
//! with `CompiledQuery::matches` on every case shows the translation and the
//! evaluator mean the same thing. What a field type stores for a document
//! value (`kql_detect::eval::integer_value`, …), text analysis and date math
//! are Elasticsearch facts the two share.

use std::cmp::Ordering;

use kql_detect::analysis::{analyze, KeywordQueryString, TermTest, TextQuery, Wildcard};
use kql_detect::compile::{java_round, parse_number, round_to_width, FloatWidth, Number};
use kql_detect::date::{self, Bound, Instant, Interval, Resolution};
use kql_detect::eval::{
    boolean_value, date_value, exceeds, float_value, integer_value, ip_value, is_unsigned_long,
    keyword_text, satisfies, scaled_value,
};
use kql_detect::event::{Event, JsonEvent, Scalar};
use kql_detect::kql::{Piece, RangeOperator, WildcardPattern};
use kql_detect::pattern::Glob;
use kql_detect::schema::{FieldMapping, FieldType, Resolution as Mapped, Schema};
use serde_json::{Map, Value};

/// Whether Elasticsearch returns `event`, indexed under `schema`, for `query`;
/// `Err` when it would reject the search.
pub fn matches(
    query: &Value,
    schema: &Schema,
    event: &Value,
    now: Instant,
) -> Result<bool, String> {
    let search = Search { schema, now };
    search.query(
        query,
        &Doc {
            event: &JsonEvent(event),
            nested: None,
        },
    )
}

struct Search<'s> {
    schema: &'s Schema,
    now: Instant,
}

/// The document a query runs on: the event, or one object of a nested field.
struct Doc<'e> {
    event: &'e dyn Event,
    /// The nested field this document is an object of.
    nested: Option<String>,
}

/// How a field holds its values.
enum Reading<'m> {
    Field(&'m FieldMapping, String),
    /// A key of a flattened field: keyword values, and the root it lies in.
    FlattenedKey(String),
    Unmapped,
}

impl Search<'_> {
    fn query(&self, query: &Value, doc: &Doc<'_>) -> Result<bool, String> {
        let (kind, body) = single_entry(query)?;
        match kind {
            "match_all" => Ok(true),
            "bool" => self.boolean(object(body)?, doc),
            "nested" => self.nested(object(body)?, doc),
            "exists" => Ok(self.exists(text(&body["field"])?, doc)),
            "multi_match" => self.every_field(|field| {
                let kind = match body["type"].as_str() {
                    Some("phrase") => "match_phrase",
                    _ => "match",
                };
                self.leaf(kind, field, &body["query"], doc)
            }),
            "query_string" => match body.get("fields") {
                Some(fields) => {
                    let [field] = fields.as_array().map(Vec::as_slice).unwrap_or_default() else {
                        return Err(format!("unsupported query_string fields {fields}"));
                    };
                    self.leaf(kind, text(field)?, &body["query"], doc)
                }
                // Without `fields` the default field is `*`, and QueryStringQueryParser.getWildcardQuery
                // turns the term `*` on a match-all field pattern into match_all.
                None if body["query"] == "*" => Ok(true),
                None => self.every_field(|field| self.leaf(kind, field, &body["query"], doc)),
            },
            // TermsQueryBuilder: a term query per value, any of which may match
            // (none for no value); the field types read each value as their
            // termQuery does (an ip field takes CIDR networks).
            "terms" => {
                let (field, values) = single_entry(body)?;
                let values = values
                    .as_array()
                    .ok_or_else(|| format!("[terms] query needs an array, found {values}"))?;
                for value in values {
                    if self.leaf("term", field, value, doc)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            "term" | "wildcard" | "match" | "match_phrase" | "range" => {
                let (field, parameters) = single_entry(body)?;
                let parameters = match (kind, parameters) {
                    ("term" | "wildcard", Value::Object(map)) => &map["value"],
                    _ => parameters,
                };
                self.leaf(kind, field, parameters, doc)
            }
            other => Err(format!("unsupported query `{other}`")),
        }
    }

    fn boolean(&self, body: &Map<String, Value>, doc: &Doc<'_>) -> Result<bool, String> {
        let clauses = |key: &str| match body.get(key) {
            None => Vec::new(),
            Some(Value::Array(items)) => items.iter().collect(),
            Some(item) => vec![item],
        };
        // BoolQueryBuilder.doToQuery: a bool without any clause is a
        // MatchAllDocsQuery, whatever its minimum_should_match (Kibana sends one
        // for an empty ip_range value list).
        if ["must", "filter", "should", "must_not"]
            .iter()
            .all(|key| clauses(key).is_empty())
        {
            return Ok(true);
        }
        let required = [clauses("must"), clauses("filter")].concat();
        for clause in &required {
            if !self.query(clause, doc)? {
                return Ok(false);
            }
        }
        for clause in clauses("must_not") {
            if self.query(clause, doc)? {
                return Ok(false);
            }
        }
        let should = clauses("should");
        let minimum = match body.get("minimum_should_match") {
            Some(value) => value.as_u64().ok_or("bad minimum_should_match")? as usize,
            None if required.is_empty() && !should.is_empty() => 1,
            None => 0,
        };
        let mut matched = 0;
        for clause in should {
            matched += usize::from(self.query(clause, doc)?);
        }
        Ok(matched >= minimum)
    }

    fn nested(&self, body: &Map<String, Value>, doc: &Doc<'_>) -> Result<bool, String> {
        let path = text(&body["path"])?;
        let is_nested = matches!(self.schema.resolve(path), Mapped::Mapped(mapping) if mapping.single_type() == Some(FieldType::Nested));
        if !is_nested {
            return Err(format!(
                "[nested] failed to find nested object under path [{path}]"
            ));
        }
        let Some(relative) = self.visible(path, doc) else {
            return Ok(false);
        };
        let mut outcome = Ok(false);
        doc.event.any_object(relative, &mut |object| {
            let inner = Doc {
                event: object,
                nested: Some(path.to_string()),
            };
            outcome = self.query(&body["query"], &inner);
            !matches!(outcome, Ok(false))
        });
        outcome
    }

    /// A field-less query: each field of the mapping, leniently (errors skipped).
    fn every_field(&self, query: impl Fn(&str) -> Result<bool, String>) -> Result<bool, String> {
        Ok(self
            .schema
            .fields()
            .filter(|(_, mapping)| mapping.searchable && !mapping.is_container())
            .any(|(name, _)| query(name).unwrap_or(false)))
    }

    /// The path of `field` within `doc`, if the document holds it: fields of a
    /// nested field exist only in its own objects.
    fn visible<'p>(&self, field: &'p str, doc: &Doc<'_>) -> Option<&'p str> {
        if self.schema.nested_parent(field) != doc.nested.as_deref() {
            return None;
        }
        match &doc.nested {
            Some(path) => field.strip_prefix(path.as_str())?.strip_prefix('.'),
            None => Some(field),
        }
    }

    fn reading(&self, field: &str) -> Reading<'_> {
        match self.schema.resolve(field) {
            Mapped::Mapped(mapping) => Reading::Field(
                mapping,
                mapping
                    .source_path
                    .clone()
                    .unwrap_or_else(|| field.to_string()),
            ),
            Mapped::FlattenedKey => Reading::FlattenedKey(
                self.schema
                    .flattened_parent(field)
                    .unwrap_or_default()
                    .to_string(),
            ),
            Mapped::Dynamic | Mapped::Unmapped => Reading::Unmapped,
        }
    }

    /// The values stored at `path` (for a flattened root: every leaf below it).
    fn values(&self, path: &str, flattened: bool, doc: &Doc<'_>) -> Vec<Stored> {
        let Some(relative) = self.visible(path, doc) else {
            return Vec::new();
        };
        let mut values = Vec::new();
        if flattened {
            let leaves = Glob::new(&WildcardPattern::from_pieces([
                Piece::Text(format!("{relative}.")),
                Piece::AnySequence,
            ]));
            doc.event.any_value_matching(&leaves, &mut |_, value| {
                values.push(Stored::of(value));
                false
            });
        } else {
            doc.event.any_value(relative, &mut |value| {
                values.push(Stored::of(value));
                false
            });
        }
        values
    }

    /// Every leaf of a flattened field as (key, indexed text).
    fn keyed_terms(&self, root: &str, doc: &Doc<'_>) -> Vec<(String, String)> {
        let Some(relative) = self.visible(root, doc) else {
            return Vec::new();
        };
        let leaves = Glob::new(&WildcardPattern::from_pieces([
            Piece::Text(format!("{relative}.")),
            Piece::AnySequence,
        ]));
        let mut terms = Vec::new();
        doc.event.any_value_matching(&leaves, &mut |path, value| {
            terms.push((
                path[relative.len() + 1..].to_string(),
                keyword_text(value).to_string(),
            ));
            false
        });
        terms
    }

    fn exists(&self, field: &str, doc: &Doc<'_>) -> bool {
        match self.reading(field) {
            Reading::Field(mapping, _) if mapping.single_type() == Some(FieldType::Object) => {
                self.any_below_exists(field, doc)
            }
            Reading::Field(mapping, _) if constant(mapping).is_some() => true,
            Reading::Field(mapping, source) => {
                let flattened = mapping.single_type() == Some(FieldType::Flattened);
                self.values(&source, flattened, doc)
                    .into_iter()
                    .any(|value| !exceeds(keyword_text(value.scalar()), keyword_limit(mapping)))
            }
            Reading::FlattenedKey(_) => !self.values(field, false, doc).is_empty(),
            // ExistsQueryBuilder: a name that is no field but an object covers the fields below it.
            Reading::Unmapped => self.any_below_exists(field, doc),
        }
    }

    fn any_below_exists(&self, object: &str, doc: &Doc<'_>) -> bool {
        let prefix = format!("{object}.");
        self.schema
            .fields()
            .filter(|(name, mapping)| name.starts_with(&prefix) && !mapping.is_container())
            .any(|(name, _)| self.exists(name, doc))
    }

    /// A term-level or full-text query on one field, as each of its types reads it.
    fn leaf(
        &self,
        kind: &str,
        field: &str,
        parameters: &Value,
        doc: &Doc<'_>,
    ) -> Result<bool, String> {
        let query = Leaf::new(kind, parameters, self.now)?;
        match self.reading(field) {
            Reading::Unmapped => Ok(false),
            Reading::FlattenedKey(root) => {
                if kind == "query_string" {
                    let key = &field[root.len() + 1..];
                    return Ok(keyed_query_string(
                        &query,
                        key,
                        &self.keyed_terms(&root, doc),
                    ));
                }
                query.on_keywords(&texts(&self.values(field, false, doc), None))
            }
            Reading::Field(mapping, source) => {
                if !mapping.searchable {
                    return Err(format!(
                        "cannot search on field [{field}] since it is not indexed"
                    ));
                }
                let flattened = mapping.single_type() == Some(FieldType::Flattened);
                let values = self.values(&source, flattened, doc);
                let mut first_error = None;
                for &field_type in &mapping.types {
                    match query.on_type(field_type, mapping, &values) {
                        Ok(true) => return Ok(true),
                        Ok(false) => {}
                        Err(error) => {
                            first_error.get_or_insert(error);
                        }
                    }
                }
                first_error.map_or(Ok(false), Err)
            }
        }
    }
}

/// One leaf query, read from its DSL.
struct Leaf {
    kind: String,
    /// The value (`term`, `match`, …) or the query string.
    value: Option<String>,
    /// For `range`: the bounds, by operator.
    bounds: Vec<(RangeOperator, String)>,
    now: Instant,
}

impl Leaf {
    fn new(kind: &str, parameters: &Value, now: Instant) -> Result<Leaf, String> {
        let mut leaf = Leaf {
            kind: kind.to_string(),
            value: None,
            bounds: Vec::new(),
            now,
        };
        if kind != "range" {
            leaf.value = Some(scalar_text(parameters)?);
            return Ok(leaf);
        }
        for (key, bound) in object(parameters)? {
            let operator = match key.as_str() {
                "gt" => RangeOperator::Gt,
                "gte" => RangeOperator::Gte,
                "lt" => RangeOperator::Lt,
                "lte" => RangeOperator::Lte,
                "time_zone" if matches!(bound.as_str(), Some("Zulu" | "UTC" | "Z")) => continue,
                "format" if bound.as_str() == Some("strict_date_optional_time") => continue,
                other => return Err(format!("unsupported range parameter `{other}`: {bound}")),
            };
            // A `null` bound is no bound (RangeQueryBuilder).
            if !bound.is_null() {
                leaf.bounds.push((operator, scalar_text(bound)?));
            }
        }
        Ok(leaf)
    }

    fn value(&self) -> &str {
        self.value.as_deref().unwrap_or_default()
    }

    fn on_type(
        &self,
        field_type: FieldType,
        mapping: &FieldMapping,
        values: &[Stored],
    ) -> Result<bool, String> {
        if let Some(constant) = constant(mapping) {
            return self.on_keywords(&[constant.to_string()]).map(|matched| {
                // ConstantKeywordFieldMapper: term queries compare with Regex.simpleMatch.
                matched || (self.is_term_like() && simple_match(self.value(), constant))
            });
        }
        match field_type {
            FieldType::ConstantKeyword => {
                let texts = texts(values, None);
                Ok(texts
                    .iter()
                    .any(|text| self.is_term_like() && simple_match(self.value(), text))
                    || self.on_keywords(&texts)?)
            }
            FieldType::Keyword | FieldType::Wildcard | FieldType::Flattened => {
                self.on_keywords(&texts(values, mapping.ignore_above))
            }
            FieldType::Text | FieldType::MatchOnlyText => self.on_text(&texts(values, None)),
            FieldType::Long
            | FieldType::Integer
            | FieldType::Short
            | FieldType::Byte
            | FieldType::UnsignedLong => self.on_integers(field_type, values),
            FieldType::Double | FieldType::Float | FieldType::HalfFloat => {
                let width = match field_type {
                    FieldType::Float => FloatWidth::Single,
                    FieldType::HalfFloat => FloatWidth::Half,
                    _ => FloatWidth::Double,
                };
                let read = |text: &str| {
                    Some(Number::Float(round_to_width(
                        parse_number(text)?.as_f64(),
                        width,
                    )))
                };
                self.on_numbers(
                    values
                        .iter()
                        .filter_map(|value| float_value(value.scalar(), width)),
                    read,
                )
            }
            FieldType::ScaledFloat => self.on_scaled(mapping.scaling_factor.unwrap_or(1.0), values),
            FieldType::Boolean => {
                let read = |text: &str| match text {
                    "true" => Some(Number::Integer(1)),
                    "false" => Some(Number::Integer(0)),
                    _ => None,
                };
                self.on_numbers(
                    values
                        .iter()
                        .filter_map(|value| boolean_value(value.scalar())),
                    read,
                )
            }
            FieldType::Ip => self.on_ips(values),
            FieldType::Date | FieldType::DateNanos => {
                let resolution = if field_type == FieldType::DateNanos {
                    Resolution::Nanoseconds
                } else {
                    Resolution::Milliseconds
                };
                self.on_dates(values, resolution)
            }
            FieldType::Object | FieldType::Nested => Ok(false),
            other => Err(format!("unsupported field type {other}")),
        }
    }

    fn is_term_like(&self) -> bool {
        matches!(self.kind.as_str(), "term" | "match" | "match_phrase")
    }

    /// Keyword-like fields: whole values, compared as bytes.
    fn on_keywords(&self, values: &[String]) -> Result<bool, String> {
        let value = self.value();
        Ok(match self.kind.as_str() {
            "term" | "match" | "match_phrase" => values.iter().any(|text| text == value),
            "wildcard" => {
                let pattern = Wildcard::parse(value, false);
                values.iter().any(|text| pattern.matches(text))
            }
            "query_string" => match KeywordQueryString::parse(value) {
                Ok(query) => query.matches(&values.iter().map(String::as_str).collect::<Vec<_>>()),
                Err(_) => false,
            },
            _ => values.iter().any(|text| {
                self.bounds.iter().all(|(operator, bound)| {
                    satisfies(text.as_bytes().cmp(bound.as_bytes()), *operator)
                })
            }),
        })
    }

    /// Analysed text: the standard analyzer's tokens.
    fn on_text(&self, values: &[String]) -> Result<bool, String> {
        let texts: Vec<&str> = values.iter().map(String::as_str).collect();
        let value = self.value();
        // Term-level queries are not analysed: they meet single tokens as the
        // analyzer indexed them, and a wildcard pattern is not lower-cased
        // (StringFieldType.wildcardQuery without normalisation).
        let tokens = || texts.iter().flat_map(|text| analyze(text));
        Ok(match self.kind.as_str() {
            "term" => tokens().any(|token| token == value),
            "wildcard" => {
                let pattern = Wildcard::parse(value, false);
                tokens().any(|token| pattern.matches(&token))
            }
            "match" => TextQuery::match_query(value).matches(&texts),
            "match_phrase" => TextQuery::phrase(value).matches(&texts),
            "query_string" => TextQuery::query_string(value).matches(&texts),
            "range" => texts.iter().flat_map(|text| analyze(text)).any(|token| {
                self.bounds.iter().all(|(operator, bound)| {
                    satisfies(token.as_bytes().cmp(bound.as_bytes()), *operator)
                })
            }),
            other => return Err(format!("`{other}` on a text field is not modelled")),
        })
    }

    fn on_integers(&self, field_type: FieldType, values: &[Stored]) -> Result<bool, String> {
        let (min, max) = match field_type {
            FieldType::Integer => (i128::from(i32::MIN), i128::from(i32::MAX)),
            FieldType::Short => (i128::from(i16::MIN), i128::from(i16::MAX)),
            FieldType::Byte => (i128::from(i8::MIN), i128::from(i8::MAX)),
            FieldType::UnsignedLong => (0, i128::from(u64::MAX)),
            _ => (i128::from(i64::MIN), i128::from(i64::MAX)),
        };
        for (_, bound) in &self.bounds {
            if let Some(Number::Integer(value)) = parse_number(bound) {
                if value < min || value > max {
                    return Err(format!("[{bound}] is out of range for the field"));
                }
            }
        }
        let stored = values
            .iter()
            .filter_map(|value| integer_value(value.scalar()))
            .filter(|number| field_type != FieldType::UnsignedLong || is_unsigned_long(*number));
        // NumberFieldMapper.termQuery: a value with a fraction, or out of the type's range, matches nothing.
        let read = |text: &str| match parse_number(text)? {
            Number::Float(value) if value.fract() == 0.0 => Some(Number::Integer(value as i128)),
            Number::Float(_) => Some(Number::Float(f64::NAN)),
            Number::Integer(value) if value < min || value > max => Some(Number::Float(f64::NAN)),
            number => Some(number),
        };
        self.on_numbers(stored, read)
    }

    /// A scaled_float stores `round(value × factor)`: terms are scaled and
    /// rounded alike, range bounds round inwards (ScaledFloatFieldMapper).
    fn on_scaled(&self, factor: f64, values: &[Stored]) -> Result<bool, String> {
        let stored: Vec<Number> = values
            .iter()
            .filter_map(|value| scaled_value(value.scalar(), factor))
            .collect();
        let scaled = |text: &str| {
            Ok::<f64, String>(parse_number(text).ok_or_else(|| invalid(text))?.as_f64() * factor)
        };
        if self.is_term_like() {
            let expected = Number::Integer(java_round(scaled(self.value())?) as i128);
            return Ok(stored
                .iter()
                .any(|number| number.compare(expected) == Some(Ordering::Equal)));
        }
        let mut bounds = Vec::new();
        for (operator, bound) in &self.bounds {
            let scaled = scaled(bound)?;
            bounds.push(match operator {
                RangeOperator::Gte => (RangeOperator::Gte, scaled.ceil()),
                RangeOperator::Gt => (RangeOperator::Gte, scaled.floor() + 1.0),
                RangeOperator::Lte => (RangeOperator::Lte, scaled.floor()),
                RangeOperator::Lt => (RangeOperator::Lte, scaled.ceil() - 1.0),
            });
        }
        Ok(stored.iter().any(|number| {
            bounds.iter().all(|(operator, bound)| {
                number
                    .compare(Number::Integer(*bound as i128))
                    .is_some_and(|ordering| satisfies(ordering, *operator))
            })
        }))
    }

    /// Numeric term and range queries; `read` parses a query value as the field type reads it.
    fn on_numbers(
        &self,
        stored: impl Iterator<Item = Number>,
        read: impl Fn(&str) -> Option<Number>,
    ) -> Result<bool, String> {
        if !self.is_term_like() && self.kind != "range" {
            return Err(format!(
                "`{}` only works on keyword and text fields",
                self.kind
            ));
        }
        let stored: Vec<Number> = stored.collect();
        if self.is_term_like() {
            let expected = read(self.value()).ok_or_else(|| invalid(self.value()))?;
            return Ok(stored
                .iter()
                .any(|number| number.compare(expected) == Some(Ordering::Equal)));
        }
        let bounds = self
            .bounds
            .iter()
            .map(|(operator, bound)| {
                Ok((
                    *operator,
                    parse_number(bound).ok_or_else(|| invalid(bound))?,
                ))
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(stored.iter().any(|number| {
            bounds.iter().all(|(operator, bound)| {
                number
                    .compare(*bound)
                    .is_some_and(|ordering| satisfies(ordering, *operator))
            })
        }))
    }

    fn on_ips(&self, values: &[Stored]) -> Result<bool, String> {
        let stored: Vec<_> = values
            .iter()
            .filter_map(|value| ip_value(value.scalar()))
            .collect();
        if self.is_term_like() {
            let query = kql_detect::ip::parse_query(self.value())?;
            return Ok(stored.iter().any(|address| query.contains(*address)));
        }
        if self.kind != "range" {
            return Err(format!("`{}` on an ip field", self.kind));
        }
        let bounds = self
            .bounds
            .iter()
            .map(|(operator, bound)| Ok((*operator, kql_detect::ip::parse_range_bound(bound)?)))
            .collect::<Result<Vec<_>, String>>()?;
        Ok(stored.iter().any(|address| {
            bounds
                .iter()
                .all(|(operator, bound)| satisfies(address.cmp(bound), *operator))
        }))
    }

    /// Dates: a term is the whole unit written (DateFieldType.termQuery is a
    /// range from the value rounded down to the value rounded up); range bounds
    /// round by their operator.
    fn on_dates(&self, values: &[Stored], resolution: Resolution) -> Result<bool, String> {
        let interval = |bound: Bound, text: &str| {
            date::query_interval(bound, text, self.now, resolution).map_err(|error| error.message)
        };
        let mut covered = Interval {
            from: None,
            to: None,
        };
        if self.is_term_like() {
            covered = interval(Bound::Equals, self.value())?;
        } else if self.kind == "range" {
            for (operator, text) in &self.bounds {
                let bound = match operator {
                    RangeOperator::Gt => Bound::Gt,
                    RangeOperator::Gte => Bound::Gte,
                    RangeOperator::Lt => Bound::Lt,
                    RangeOperator::Lte => Bound::Lte,
                };
                let part = interval(bound, text)?;
                covered.from = covered.from.max(part.from);
                covered.to = match (covered.to, part.to) {
                    (Some(left), Some(right)) => Some(left.min(right)),
                    (left, right) => left.or(right),
                };
            }
        } else {
            return Err(format!("`{}` on a date field", self.kind));
        }
        Ok(values
            .iter()
            .filter_map(|value| date_value(value.scalar(), resolution))
            .any(|instant| covered.contains(instant)))
    }
}

/// `query_string` on a key of a flattened field: term and prefix clauses read
/// the key's values; wildcard clauses read every `key\0value` term of the root
/// (KeyedFlattenedFieldType prefixes only the terms it builds itself).
fn keyed_query_string(query: &Leaf, key: &str, terms: &[(String, String)]) -> bool {
    let Ok(parsed) = KeywordQueryString::parse(query.value()) else {
        return false;
    };
    let key_values: Vec<&str> = terms
        .iter()
        .filter(|(name, _)| name == key)
        .map(|(_, value)| value.as_str())
        .collect();
    parsed.matches_by(|test| match test {
        TermTest::Wildcard(pattern) => terms
            .iter()
            .any(|(name, value)| pattern.matches(&format!("{name}\0{value}"))),
        other => other.matches_any(&key_values, !key_values.is_empty()),
    })
}

/// A document value, kept beyond the visit that found it.
enum Stored {
    Text(String),
    Number(String),
    Boolean(bool),
}

impl Stored {
    fn of(value: Scalar<'_>) -> Stored {
        match value {
            Scalar::Text(text) => Stored::Text(text.to_string()),
            Scalar::Number(text) => Stored::Number(text.to_string()),
            Scalar::Boolean(value) => Stored::Boolean(value),
        }
    }

    fn scalar(&self) -> Scalar<'_> {
        match self {
            Stored::Text(text) => Scalar::Text(text),
            Stored::Number(text) => Scalar::Number(text),
            Stored::Boolean(value) => Scalar::Boolean(*value),
        }
    }
}

/// `Regex.simpleMatch`: `*` matches any characters.
fn simple_match(pattern: &str, text: &str) -> bool {
    let pieces = pattern.split('*').enumerate().flat_map(|(index, part)| {
        let star = (index > 0).then_some(Piece::AnySequence);
        star.into_iter().chain([Piece::Text(part.to_string())])
    });
    Glob::new(&WildcardPattern::from_pieces(pieces)).matches(text)
}

fn constant(mapping: &FieldMapping) -> Option<&str> {
    match mapping.single_type() {
        Some(FieldType::ConstantKeyword) => mapping.constant_value.as_deref(),
        _ => None,
    }
}

fn keyword_limit(mapping: &FieldMapping) -> Option<usize> {
    mapping
        .types
        .iter()
        .any(|field_type| field_type.is_keyword_like())
        .then_some(mapping.ignore_above)
        .flatten()
}

/// The keyword texts of values, without those longer than `ignore_above`.
fn texts(values: &[Stored], ignore_above: Option<usize>) -> Vec<String> {
    values
        .iter()
        .map(|value| keyword_text(value.scalar()))
        .filter(|text| !exceeds(text, ignore_above))
        .map(str::to_string)
        .collect()
}

fn invalid(text: &str) -> String {
    format!("failed to parse [{text}]")
}

fn single_entry(value: &Value) -> Result<(&str, &Value), String> {
    match object(value)?.iter().collect::<Vec<_>>()[..] {
        [(key, inner)] => Ok((key.as_str(), inner)),
        _ => Err(format!("expected an object with one key, found {value}")),
    }
}

fn object(value: &Value) -> Result<&Map<String, Value>, String> {
    value
        .as_object()
        .ok_or_else(|| format!("expected an object, found {value}"))
}

fn text(value: &Value) -> Result<&str, String> {
    value
        .as_str()
        .ok_or_else(|| format!("expected a string, found {value}"))
}

/// A query value as Elasticsearch reads it into a term: strings as they are,
/// booleans and numbers as their JSON text; `null` is rejected.
fn scalar_text(value: &Value) -> Result<String, String> {
    match value {
        Value::String(text) => Ok(text.clone()),
        Value::Bool(value) => Ok(value.to_string()),
        Value::Number(number) => Ok(number.to_string()),
        other => Err(format!("[term] query does not support [{other}] values")),
    }
}
