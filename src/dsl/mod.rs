//! KQL → Elasticsearch query DSL, exactly as Kibana's `toElasticsearchQuery`
//! builds it for a given field list, so a rule can run where the data is.
//!
//! The walk follows Kibana's kuery functions node by node
//! (`src/platform/packages/shared/kbn-es-query/src/kuery/functions/` in
//! elastic/kibana: `and.ts`, `or.ts`, `not.ts`, `nested.ts`, `is.ts`,
//! `range.ts`, with `utils/get_fields.ts` and
//! `utils/get_full_field_name_node.ts`), over the same syntax tree the
//! evaluator compiles. What Kibana knows about fields is a [`DataView`];
//! names it does not list are sent as written, as Kibana sends them.
//!
//! [`Form::Legacy`] is Kibana 7.x's translation (the npm copy of Kibana 7.3,
//! `@cybernetex/kbn-es-query`): `match`/`match_phrase` for every value,
//! `query_string` for every wildcard, binary `and`/`or`, numeric literals, and
//! Kibana 7's grammar. [`request`] wraps a rule's query into the search
//! request the detection engine sends for one execution, and
//! [`exception_clauses`] writes the rule's exception items as the lists
//! plugin does for that request's `must_not`.

mod data_view;
mod exceptions;
mod legacy;
pub mod request;

pub use data_view::{DataView, DataViewField};
pub use exceptions::exception_clauses;

use serde_json::{Map, Value};

use crate::collect::try_map;
use crate::compile::{CompileError, CompileErrorKind};
use crate::error::Error;
use crate::kql::{self, Grammar, Literal, Node, Piece, RangeOperator, WildcardPattern};
use crate::pattern::Glob;
use crate::span::Span;

/// Which Kibana's translation to reproduce.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Form {
    /// Today's Kibana: `term` and `wildcard` on keyword fields, date ranges
    /// with a time zone, nested queries.
    #[default]
    Current,
    /// Kibana 7.x: `match`, `match_phrase` and `query_string` only.
    Legacy,
}

impl Form {
    /// The grammar Kibana of this form parses KQL with.
    pub fn grammar(self) -> Grammar {
        match self {
            Form::Current => Grammar::Current,
            Form::Legacy => Grammar::Kibana7,
        }
    }
}

/// The detection engine's `dateFormatTZ` (`get_query_filter.ts`): date
/// clauses carry `time_zone: "Zulu"`.
const TIME_ZONE: &str = "Zulu";

/// A query translated: the DSL, and what a user should know about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Translation {
    /// The query DSL (`{"bool": …}`, `{"match_all": {}}`, …).
    pub query: Value,
    /// Field names sent as written because the field list lacks them, though the
    /// mapping may give an index such fields (templates, dynamic mapping).
    pub unlisted_fields: Vec<String>,
}

/// What to tell a user about a field name the field list lacks (see
/// [`Translation::unlisted_fields`]).
pub fn unlisted_field_warning(name: &str) -> String {
    format!(
        "`{name}` is not in the field list, so it is sent as Kibana sends unknown fields; an index may still have it (the mapping's templates or dynamic mapping would create it): for Kibana's exact query, give the index's `_field_caps` as the field types"
    )
}

/// Parses `query` with the form's grammar and translates it for `data_view`.
pub fn to_elasticsearch_query(
    query: &str,
    data_view: &DataView,
    form: Form,
) -> Result<Translation, Error> {
    let ast =
        kql::parse_with(query, form.grammar()).map_err(|error| Error::from((error, query)))?;
    translate(&ast, data_view, form).map_err(|error| error.into_error(query))
}

/// Translates a parsed query for `data_view`.
pub fn translate(
    node: &Node,
    data_view: &DataView,
    form: Form,
) -> Result<Translation, CompileError> {
    let mut translator = Translator {
        data_view,
        form,
        nested: None,
        unlisted_fields: Vec::new(),
    };
    let query = translator.node(node)?;
    Ok(Translation {
        query,
        unlisted_fields: translator.unlisted_fields,
    })
}

struct Translator<'d> {
    data_view: &'d DataView,
    form: Form,
    /// The full path of the enclosing `path:{ … }` (Kibana's `context.nested`).
    nested: Option<String>,
    unlisted_fields: Vec<String>,
}

/// A field name as Kibana holds it after `getFullFieldNameNode`.
enum FieldName {
    Literal(String),
    Pattern(WildcardPattern),
    /// A name no data-view field can have: Kibana compares names with `===`,
    /// and this one is a boolean, `null` or (Kibana 7) a number.
    Unlisted(String),
}

/// One field a clause applies to: from the data view, or Kibana's stand-in
/// (`{name, type: ''}`) for a name the data view lacks.
struct Target<'d> {
    name: String,
    field: Option<&'d DataViewField>,
}

impl<'d> Translator<'d> {
    fn node(&mut self, node: &Node) -> Result<Value, CompileError> {
        match node {
            Node::And { children, .. } => self.chain(children, |children| {
                entry("bool", entry("filter", children.into()))
            }),
            Node::Or { children, .. } => self.chain(children, should),
            Node::Not { child, .. } => Ok(entry("bool", entry("must_not", self.node(child)?))),
            Node::Nested { path, query, .. } => self.nested(path, query),
            Node::Is { field, value, .. } => self.is(field.as_ref(), value),
            Node::Range {
                field,
                operator,
                value,
                ..
            } => self.range(field, *operator, value),
        }
    }

    /// `and` and `or`: one node over all children today; Kibana 7's grammar
    /// built binary nodes nesting to the right (`a or b or c` is `or(a, or(b, c))`).
    fn chain(
        &mut self,
        children: &[Node],
        build: fn(Vec<Value>) -> Value,
    ) -> Result<Value, CompileError> {
        let mut translated = try_map(children, |child| self.node(child))?;
        if self.form == Form::Current {
            return Ok(build(translated));
        }
        let mut folded = translated.pop().unwrap_or(Value::Null);
        while let Some(left) = translated.pop() {
            folded = build(vec![left, folded]);
        }
        Ok(folded)
    }

    /// nested.ts: the path is prefixed by any enclosing path, and the inner
    /// query is translated in its context.
    fn nested(&mut self, path: &Literal, query: &Node) -> Result<Value, CompileError> {
        let full_path = self.full_name(&literal_text(path));
        let outer = self.nested.replace(full_path.clone());
        let inner = self.node(query);
        self.nested = outer;
        Ok(nested_query(full_path.into(), inner?))
    }

    /// is.ts: one clause per field, OR'd.
    fn is(&mut self, field: Option<&Literal>, value: &Literal) -> Result<Value, CompileError> {
        let exists = value.value.is_lone_wildcard();
        let field_is_all = field.is_some_and(|field| field.value.is_lone_wildcard());
        if exists && field_is_all {
            return Ok(match_all());
        }
        let name = match (field, &self.nested) {
            (Some(field), _) => self.field_name(field),
            // Inside `path:{ … }` Kibana prefixes even the missing field: `path.null`.
            (None, Some(path)) => FieldName::Literal(format!("{path}.null")),
            (None, None) => return Ok(self.field_less(value)),
        };
        let targets = self.targets(&name, field.map_or(value.span, |field| field.span))?;
        // Kibana 7's `isAllFieldsQuery`: a name covering as many fields as the
        // data view has (counting the stand-in for an unknown name) makes
        // `name:*` a `match_all`.
        if self.form == Form::Legacy && exists && targets.len() == self.data_view.fields().len() {
            return Ok(match_all());
        }
        let clauses = targets
            .iter()
            .map(|target| {
                let clause = self.is_clause(target, value, exists);
                self.wrap_nested(&name, target, clause)
            })
            .collect();
        Ok(should(clauses))
    }

    /// range.ts: one range per field, OR'd; dates get the time zone.
    fn range(
        &mut self,
        field: &Literal,
        operator: RangeOperator,
        value: &Literal,
    ) -> Result<Value, CompileError> {
        let name = self.field_name(field);
        let targets = self.targets(&name, field.span)?;
        let bound = match (&value.value, self.form) {
            (crate::kql::Value::Wildcard { pattern }, Form::Legacy) => {
                legacy::wildcard_node(pattern)
            }
            _ => self.value(value),
        };
        let clauses = targets
            .iter()
            .map(|target| {
                let mut parameters = Map::new();
                parameters.insert(operator_name(operator).to_string(), bound.clone());
                if target.field.is_some_and(DataViewField::is_date) && self.zoned(&bound) {
                    parameters.insert("time_zone".to_string(), TIME_ZONE.into());
                }
                let clause = keyed("range", &target.name, Value::Object(parameters));
                self.wrap_nested(&name, target, clause)
            })
            .collect();
        Ok(should(clauses))
    }

    /// A field-less value: `multi_match` over the default fields, or
    /// `query_string` for a wildcard.
    fn field_less(&self, value: &Literal) -> Value {
        if let crate::kql::Value::Wildcard { pattern } = &value.value {
            return keyed(
                "query_string",
                "query",
                self.query_string_text(pattern).into(),
            );
        }
        let query_type = if is_quoted(value) {
            "phrase"
        } else {
            "best_fields"
        };
        let multi_match = object([
            ("type", query_type.into()),
            ("query", self.value(value)),
            ("lenient", true.into()),
        ]);
        entry("multi_match", multi_match)
    }

    /// The clause is.ts builds for one field.
    fn is_clause(&self, target: &Target<'_>, literal: &Literal, exists: bool) -> Value {
        let name = &target.name;
        let keyword =
            self.form == Form::Current && target.field.is_some_and(DataViewField::is_keyword);
        if exists {
            return keyed("exists", "field", name.as_str().into());
        }
        if let crate::kql::Value::Wildcard { pattern } = &literal.value {
            let query = self.query_string_text(pattern);
            return if keyword {
                keyed("wildcard", name, entry("value", query.into()))
            } else {
                let fields = Value::Array(vec![name.as_str().into()]);
                entry(
                    "query_string",
                    object([("fields", fields), ("query", query.into())]),
                )
            };
        }
        let value = self.value(literal);
        if target.field.is_some_and(DataViewField::is_date) {
            let zoned = self.zoned(&value);
            let mut bounds = object([("gte", value.clone()), ("lte", value)]);
            if zoned {
                bounds["time_zone"] = TIME_ZONE.into();
            }
            return keyed("range", name, bounds);
        }
        if keyword {
            return keyed("term", name, entry("value", value));
        }
        let query_type = if is_quoted(literal) {
            "match_phrase"
        } else {
            "match"
        };
        keyed(query_type, name, value)
    }

    /// The field a clause names, as `getFullFieldNameNode` makes it: prefixed by
    /// the enclosing nested path.
    fn field_name(&self, field: &Literal) -> FieldName {
        use crate::kql::Value as V;
        match &field.value {
            V::Wildcard { pattern } => FieldName::Pattern(match &self.nested {
                Some(path) => WildcardPattern::from_pieces(
                    std::iter::once(Piece::Text(format!("{path}.")))
                        .chain(pattern.pieces().iter().cloned()),
                ),
                None => pattern.clone(),
            }),
            V::Text {
                text,
                quoted: false,
            } if self.form == Form::Legacy => match legacy::unquoted_number_key(text) {
                // `getFields` compares names with `===`: a number never equals one.
                Some(key) => FieldName::Unlisted(key),
                None => FieldName::Literal(text.clone()),
            },
            V::Text { text, .. } => FieldName::Literal(self.full_name(text)),
            V::Boolean { value } if self.nested.is_none() => FieldName::Unlisted(value.to_string()),
            V::Null if self.nested.is_none() => FieldName::Unlisted("null".to_string()),
            _ => FieldName::Literal(self.full_name(&literal_text(field))),
        }
    }

    fn full_name(&self, name: &str) -> String {
        match &self.nested {
            Some(path) => format!("{path}.{name}"),
            None => name.to_string(),
        }
    }

    /// `getFields`, then Kibana's stand-in for a name the data view lacks;
    /// `getFullFieldNameNode`'s nested checks come first.
    fn targets(&mut self, name: &FieldName, span: Span) -> Result<Vec<Target<'d>>, CompileError> {
        let data_view = self.data_view;
        let fields: Vec<&DataViewField> = match name {
            FieldName::Literal(name) => data_view.field(name).into_iter().collect(),
            FieldName::Pattern(pattern) => {
                let glob = Glob::new(pattern);
                data_view
                    .fields()
                    .iter()
                    .filter(|field| glob.matches(&field.name))
                    .collect()
            }
            FieldName::Unlisted(_) => Vec::new(),
        };
        let checked = !matches!(name, FieldName::Pattern(_)) || self.nested.is_some();
        if self.form == Form::Current && checked {
            if let Some(kind) = fields.iter().find_map(|field| self.nested_misuse(field)) {
                return Err(CompileError { span, kind });
            }
        }
        if fields.is_empty() {
            let written = name.written();
            let exact = match name {
                FieldName::Literal(name) => data_view.is_flattened_key(name),
                FieldName::Pattern(_) => false,
                FieldName::Unlisted(_) => true,
            };
            if data_view.knows_more() && !exact && !self.unlisted_fields.contains(&written) {
                self.unlisted_fields.push(written.clone());
            }
            return Ok(vec![Target {
                name: written,
                field: None,
            }]);
        }
        Ok(fields
            .into_iter()
            .map(|field| Target {
                name: field.name.clone(),
                field: Some(field),
            })
            .collect())
    }

    /// get_full_field_name_node.ts: a nested field must be queried inside its
    /// own nested group, and a group holds only its own fields.
    fn nested_misuse(&self, field: &DataViewField) -> Option<CompileErrorKind> {
        match (&self.nested, &field.nested_path) {
            (Some(group), None) => Some(CompileErrorKind::NotNested {
                path: group.clone(),
            }),
            (group, Some(path)) if group.as_ref() != Some(path) => {
                Some(CompileErrorKind::NestedPathMismatch {
                    field: field.name.clone(),
                    nested_path: path.clone(),
                })
            }
            _ => None,
        }
    }

    /// is.ts and range.ts wrap a field found by a `*` in its nested query.
    fn wrap_nested(&self, name: &FieldName, target: &Target<'_>, clause: Value) -> Value {
        let path = target.field.and_then(|field| field.nested_path.as_ref());
        match path {
            Some(path)
                if self.form == Form::Current
                    && matches!(name, FieldName::Pattern(_))
                    && self.nested.is_none() =>
            {
                nested_query(path.as_str().into(), clause)
            }
            _ => clause,
        }
    }

    /// A literal as the DSL carries it (`ast.toElasticsearchQuery`): strings,
    /// booleans, `null`, a wildcard as written; Kibana 7 read unquoted numbers.
    fn value(&self, literal: &Literal) -> Value {
        use crate::kql::Value as V;
        match &literal.value {
            V::Text {
                text,
                quoted: false,
            } if self.form == Form::Legacy => {
                legacy::unquoted_number(text).unwrap_or_else(|| text.as_str().into())
            }
            V::Text { text, .. } => text.as_str().into(),
            V::Boolean { value } => (*value).into(),
            V::Null => Value::Null,
            V::Wildcard { pattern } => pattern_as_written(pattern).into(),
        }
    }

    /// Whether a date clause gets the time zone: always in Kibana 7; today not
    /// for epoch values (`/^\d+$/`), which are absolute.
    fn zoned(&self, value: &Value) -> bool {
        let epoch = match value {
            Value::Number(_) => true,
            Value::String(text) => !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()),
            _ => false,
        };
        self.form == Form::Legacy || !epoch
    }

    /// `wildcard.toQueryStringQuery`: the literal pieces escaped, joined by `*`.
    fn query_string_text(&self, pattern: &WildcardPattern) -> String {
        pattern
            .pieces()
            .iter()
            .map(|piece| match (piece, self.form) {
                (Piece::AnySequence, _) => "*".to_string(),
                (Piece::Text(text), Form::Current) => crate::analysis::kibana_query_string(&[text]),
                (Piece::Text(text), Form::Legacy) => legacy::escape_query_string(text),
            })
            .collect()
    }
}

impl FieldName {
    /// The name as Kibana sends it when no field matches (`wildcard.toElasticsearchQuery`
    /// writes a pattern's `*`s back, unescaped).
    fn written(&self) -> String {
        match self {
            FieldName::Literal(name) | FieldName::Unlisted(name) => name.clone(),
            FieldName::Pattern(pattern) => pattern_as_written(pattern),
        }
    }
}

fn pattern_as_written(pattern: &WildcardPattern) -> String {
    pattern
        .pieces()
        .iter()
        .map(|piece| match piece {
            Piece::Text(text) => text.as_str(),
            Piece::AnySequence => "*",
        })
        .collect()
}

/// `{bool: {should: clauses, minimum_should_match: 1}}`, what is.ts and range.ts return.
fn should(clauses: Vec<Value>) -> Value {
    let bool_query = object([
        ("should", clauses.into()),
        ("minimum_should_match", 1.into()),
    ]);
    entry("bool", bool_query)
}

/// `{nested: {path, query, score_mode: "none"}}`.
fn nested_query(path: Value, query: Value) -> Value {
    let nested = object([
        ("path", path),
        ("query", query),
        ("score_mode", "none".into()),
    ]);
    entry("nested", nested)
}

/// `{match_all: {}}`.
fn match_all() -> Value {
    entry("match_all", Value::Object(Map::new()))
}

/// Whether `query` is `{match_all: {}}`, which the search request's filter
/// leaves out.
fn is_match_all(query: &Value) -> bool {
    *query == match_all()
}

/// `{kind: {field: body}}`.
fn keyed(kind: &str, field: &str, body: Value) -> Value {
    entry(kind, entry(field, body))
}

/// `{key: value}`.
fn entry(key: &str, value: Value) -> Value {
    object([(key, value)])
}

/// An object of `entries`, in their order. The translation builds its objects
/// through this rather than `json!`, which inlines every key's allocation and
/// insertion where it is used and copies a `Value` it is given by serialising
/// it again; the generic part only forwards to [`object_of`].
fn object<const N: usize>(mut entries: [(&str, Value); N]) -> Value {
    object_of(&mut entries)
}

/// An object of `entries`, in their order, the values taken out of them.
fn object_of(entries: &mut [(&str, Value)]) -> Value {
    let mut object = Map::with_capacity(entries.len());
    for (key, value) in entries {
        object.insert(key.to_string(), std::mem::take(value));
    }
    Value::Object(object)
}

fn operator_name(operator: RangeOperator) -> &'static str {
    match operator {
        RangeOperator::Lt => "lt",
        RangeOperator::Lte => "lte",
        RangeOperator::Gt => "gt",
        RangeOperator::Gte => "gte",
    }
}

fn is_quoted(literal: &Literal) -> bool {
    matches!(literal.value, crate::kql::Value::Text { quoted: true, .. })
}

/// A literal in name position as text.
fn literal_text(literal: &Literal) -> String {
    use crate::kql::Value as V;
    match &literal.value {
        V::Text { text, .. } => text.clone(),
        V::Boolean { value } => value.to_string(),
        V::Wildcard { pattern } => pattern_as_written(pattern),
        V::Null => "null".to_string(),
    }
}
