//! Gives a parsed query its meaning for a schema: the matcher tree the evaluator runs.
//!
//! This is where Kibana's `toElasticsearchQuery` is reproduced, once per rule:
//! field names with `*` are expanded (against a complete mapping, or by walking
//! the event when the schema maps undeclared fields dynamically), each field's
//! query kind is chosen as Kibana chooses it, values are converted to the
//! field's type ([`value`]), and queries Kibana or Elasticsearch would reject
//! become a [`CompileError`] instead of a silent "no match". Nothing here looks
//! at events.

mod value;

use std::fmt::{self, Display, Formatter};

pub use value::{java_round, parse_number, round_to_width, FloatWidth, Number};
pub(crate) use value::{
    Comparison, DynamicTest, IpTest, KeywordOp, KeywordTest, NumericTest, Test, TextTest,
};

use crate::collect::try_map;
use crate::date::Instant;
use crate::error::{Error, ErrorType};
use crate::kql::{Literal, Node, Value, WildcardPattern};
use crate::pattern::Glob;
use crate::schema::{FieldMapping, FieldType, Resolution, Schema};
use crate::span::Span;
use crate::time::Timestamp;

/// A query ready to be evaluated against events.
#[derive(Clone, Debug)]
pub struct CompiledQuery {
    pub(crate) root: Matcher,
}

/// One node of the compiled tree, with the span of the query text it came from.
#[derive(Clone, Debug)]
pub(crate) struct Matcher {
    pub span: Span,
    pub kind: MatcherKind,
}

#[derive(Clone, Debug)]
pub(crate) enum MatcherKind {
    /// Matches every event.
    All,
    /// Matches no event, for the reason given (shown by explanations).
    Nothing(String),
    And(Vec<Matcher>),
    Or(Vec<Matcher>),
    Not(Box<Matcher>),
    /// Some value at `path` passes `test`.
    Field(FieldClause),
    /// Some field whose full name matches the pattern has a value that passes
    /// the test its type calls for.
    Walk(WalkClause),
    /// Some object under `path` matches the inner query on its own.
    Nested {
        path: String,
        query: Box<Matcher>,
    },
    /// A wildcard value on a key inside a flattened field (Kibana's `query_string`).
    FlattenedKey(FlattenedKeyClause),
}

/// `query_string` on a key of a flattened field, as Elasticsearch runs it: term and
/// prefix clauses read the key's values, but wildcard clauses (any `*` not at the
/// end) are built without the key prefix (StringFieldType.wildcardQuery with
/// normalisation uses the raw pattern, while KeyedFlattenedFieldType prefixes only
/// through indexedValueForSearch), so they are matched against every
/// `key\0value` term of the whole flattened field.
#[derive(Clone, Debug)]
pub(crate) struct FlattenedKeyClause {
    /// The field as the query names it.
    pub field: String,
    /// The flattened field's path.
    pub root: String,
    /// The key inside it.
    pub key: String,
    pub query: crate::analysis::KeywordQueryString,
}

/// A clause on one concrete field.
#[derive(Clone, Debug)]
pub(crate) struct FieldClause {
    /// The field as the query names it (after expansion).
    pub field: String,
    /// Where its values are read from (differs for aliases and multi-fields).
    pub path: String,
    /// The field's type(s), for explanations.
    pub field_type: String,
    pub test: Test,
}

/// A clause on every field of the event matching a pattern, each typed by the schema.
#[derive(Clone, Debug)]
pub(crate) struct WalkClause {
    pub pattern: Glob,
    /// Tests of declared fields matching the pattern, by exact name (sorted).
    pub declared: Vec<(String, String, Test)>,
    /// Tests of templates, tried in order.
    pub templates: Vec<(Glob, String, Test)>,
    /// Tests for keys inside flattened fields, by the flattened field's name plus `.`.
    pub flattened: Vec<(String, Test)>,
    /// The test for fields nobody declared, when the schema maps them dynamically.
    pub dynamic: Option<Test>,
    /// Whether some test must see a field's values all at once (decided once
    /// here rather than for every event).
    pub field_level: bool,
    /// Whether every field the pattern matches takes the first template's
    /// typing: no declared field may come before it, and it is the pattern
    /// itself (as the seed rule's `target_resources.*.display_name` is).
    /// Then [`WalkClause::typing`] need not match a field's name against it.
    first_template_covers: bool,
}

impl WalkClause {
    /// A walk over the fields matching `pattern`, with the typings some field
    /// it can visit may take (see [`Reach`]).
    fn new(
        pattern: Glob,
        declared: Vec<(String, String, Test)>,
        templates: Vec<(Glob, String, Test)>,
        flattened: Vec<(String, Test)>,
        dynamic: Option<Test>,
    ) -> WalkClause {
        let field_level = declared.iter().any(|(_, _, test)| test.is_field_level())
            || templates.iter().any(|(_, _, test)| test.is_field_level())
            || flattened.iter().any(|(_, test)| test.is_field_level())
            || dynamic.as_ref().is_some_and(Test::is_field_level);
        let first_template_covers = declared.is_empty()
            && templates
                .first()
                .is_some_and(|(template, _, _)| *template == pattern);
        WalkClause {
            pattern,
            declared,
            templates,
            flattened,
            dynamic,
            field_level,
            first_template_covers,
        }
    }

    /// A walk over the fields matching `pattern`, every one tested by `test`
    /// whatever its mapping.
    fn dynamic(pattern: Glob, test: Test) -> WalkClause {
        WalkClause::new(pattern, Vec::new(), Vec::new(), Vec::new(), Some(test))
    }

    /// The test and type name for the field at `path` (a field the pattern
    /// matches), if the field is mapped.
    pub(crate) fn typing(&self, path: &str) -> Option<(&str, &Test)> {
        if let Some((_, field_type, test)) = self
            .templates
            .first()
            .filter(|_| self.first_template_covers)
        {
            return Some((field_type, test));
        }
        if let Ok(index) = self
            .declared
            .binary_search_by(|(name, _, _)| name.as_str().cmp(path))
        {
            let (_, field_type, test) = &self.declared[index];
            return Some((field_type, test));
        }
        if let Some((_, field_type, test)) = self
            .templates
            .iter()
            .find(|(glob, _, _)| glob.matches(path))
        {
            return Some((field_type, test));
        }
        if let Some((_, test)) = self
            .flattened
            .iter()
            .find(|(prefix, _)| path.starts_with(prefix.as_str()))
        {
            return Some(("flattened", test));
        }
        self.dynamic.as_ref().map(|test| ("dynamic", test))
    }
}

/// Which typings a walk over `pattern` can consult. Every field it visits
/// matches the pattern, so a declared name, template or flattened field no
/// such name can fall under is never consulted: leaving it out changes no
/// answer, spares every value a look at it, and spares compiling its test
/// (the schema has hundreds of fields, a pattern reaches a handful).
struct Reach<'g>(&'g Glob);

impl Reach<'_> {
    fn declared(&self, name: &str) -> bool {
        self.0.matches(name)
    }

    fn template(&self, template: &Glob) -> bool {
        template.may_share_a_match_with(self.0)
    }

    /// A flattened field's keys, named `prefix` and more.
    fn flattened(&self, prefix: &str) -> bool {
        !self
            .0
            .is_dead(self.0.feed(self.0.start(), prefix.as_bytes()))
    }
}

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
    /// Occurs when a field mapped with `index: false` is queried.
    NotSearchable {
        /// The field name.
        field: String,
    },
    /// Occurs when a field type's query semantics are not implemented.
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
            CompileErrorKind::NotSearchable { .. } => "not_searchable",
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
                "Elasticsearch cannot read `{value}` as {} {field_type} value for field `{field}`",
                if field_type.name().starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
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
            CompileErrorKind::NotSearchable { field } => {
                write!(f, "`{field}` is not indexed, so Elasticsearch cannot search it")
            }
            CompileErrorKind::UnsupportedFieldType { field, field_type } => write!(
                f,
                "queries on {field_type} fields (`{field}`) are not supported"
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
    /// Compiles a parsed query for `schema`; date math (`now-1d`) is relative to `now`.
    pub fn compile(
        query: &Node,
        schema: &Schema,
        now: Timestamp,
    ) -> Result<CompiledQuery, CompileError> {
        Ok(CompiledQuery {
            root: Compiler::top_level(schema, now).node(query)?,
        })
    }

    /// Compiles one comparison on `field` (named exactly: a `*` in it is a
    /// character), for the queries Kibana builds without KQL: rule exceptions'
    /// `wildcard` entries and value lists ([`crate::exception`]).
    pub(crate) fn compile_comparison(
        field: &Literal,
        comparison: Comparison<'_>,
        schema: &Schema,
        now: Timestamp,
    ) -> Result<CompiledQuery, CompileError> {
        Ok(CompiledQuery {
            root: Matcher {
                span: field.span,
                kind: Compiler::top_level(schema, now).field(field, comparison)?,
            },
        })
    }
}

struct Compiler<'s> {
    schema: &'s Schema,
    /// What `now` means in date math.
    now: Instant,
    /// The full path of the enclosing `path:{ … }`, if any.
    nested_path: Option<String>,
}

impl<'s> Compiler<'s> {
    /// A compiler outside any nested query.
    fn top_level(schema: &'s Schema, now: Timestamp) -> Compiler<'s> {
        Compiler {
            schema,
            now: Instant::from_millis(now.0),
            nested_path: None,
        }
    }

    fn node(&self, node: &Node) -> Result<Matcher, CompileError> {
        let span = node.span();
        let kind = match node {
            Node::Or { children, .. } => MatcherKind::Or(self.nodes(children)?),
            Node::And { children, .. } => MatcherKind::And(self.nodes(children)?),
            Node::Not { child, .. } => MatcherKind::Not(Box::new(self.node(child)?)),
            Node::Nested { path, query, .. } => self.nested(path, query)?,
            Node::Is { field, value, .. } => {
                let comparison = if value.value.is_lone_wildcard() {
                    Comparison::Exists
                } else {
                    Comparison::Is(value)
                };
                match field {
                    // Inside `path:{ … }` Kibana prefixes even a missing field name
                    // (getFullFieldNameNode): the value is sought in `path.null`.
                    None if self.nested_path.is_some() => {
                        let null = Value::Text {
                            text: "null".to_string(),
                            quoted: false,
                        };
                        self.field(&Literal::new(value.span, null), comparison)?
                    }
                    // `*` alone, `*:*` and the empty query match everything (Kibana is.ts:
                    // match_all; query_string `*` over all fields is match_all too).
                    None if value.value.is_lone_wildcard() => MatcherKind::All,
                    Some(field)
                        if field.value.is_lone_wildcard() && value.value.is_lone_wildcard() =>
                    {
                        MatcherKind::All
                    }
                    None => self.any_field(Comparison::FreeText(value), value)?,
                    Some(field) => self.field(field, comparison)?,
                }
            }
            // A range whose bound is `null` has no bounds at all, which Elasticsearch
            // runs as an exists query (RangeQueryBuilder.doToQuery).
            Node::Range { field, value, .. } if value.value == Value::Null => {
                self.field(field, Comparison::Exists)?
            }
            Node::Range {
                field,
                operator,
                value,
                ..
            } => self.field(field, Comparison::Range(*operator, value))?,
        };
        Ok(Matcher { span, kind })
    }

    fn nodes(&self, nodes: &[Node]) -> Result<Vec<Matcher>, CompileError> {
        try_map(nodes, |node| self.node(node))
    }

    fn full_name(&self, name: &str) -> String {
        match &self.nested_path {
            Some(path) => format!("{path}.{name}"),
            None => name.to_string(),
        }
    }

    /// A full path relative to the enclosing nested field (where its values are read).
    fn relative<'p>(&self, full: &'p str) -> &'p str {
        match &self.nested_path {
            Some(path) => full
                .strip_prefix(path.as_str())
                .and_then(|rest| rest.strip_prefix('.'))
                .unwrap_or(full),
            None => full,
        }
    }

    fn nested(&self, path: &Literal, query: &Node) -> Result<MatcherKind, CompileError> {
        let relative = field_text(path);
        let full = self.full_name(&relative);
        let is_nested = matches!(self.schema.resolve(&full), Resolution::Mapped(mapping) if mapping.single_type() == Some(FieldType::Nested));
        if !is_nested {
            // Elasticsearch: "[nested] failed to find nested object under path".
            return Err(CompileError {
                span: path.span,
                kind: CompileErrorKind::NotNested { path: full },
            });
        }
        let inner = Compiler {
            schema: self.schema,
            now: self.now,
            nested_path: Some(full),
        };
        Ok(MatcherKind::Nested {
            path: relative,
            query: Box::new(inner.node(query)?),
        })
    }

    /// A field-less value: Kibana's `multi_match` (lenient) or `query_string` over every field.
    fn any_field(
        &self,
        comparison: Comparison<'_>,
        value: &Literal,
    ) -> Result<MatcherKind, CompileError> {
        value::value_text(value).map_err(|kind| CompileError {
            span: value.span,
            kind,
        })?;
        self.pattern_field(&WildcardPattern::lone(), comparison, false)
    }

    fn field(
        &self,
        field: &Literal,
        comparison: Comparison<'_>,
    ) -> Result<MatcherKind, CompileError> {
        let error_span = match comparison {
            Comparison::Is(value) | Comparison::FreeText(value) | Comparison::Range(_, value) => {
                value.span
            }
            Comparison::Exists
            | Comparison::Wildcard(_)
            | Comparison::Terms(_)
            | Comparison::Between(..) => field.span,
        };
        let with_span = |kind: CompileErrorKind| CompileError {
            span: error_span,
            kind,
        };
        if let Value::Wildcard { pattern } = &field.value {
            return self
                .pattern_field(pattern, comparison, true)
                .map_err(|error| CompileError {
                    span: if error.span.is_empty() {
                        error_span
                    } else {
                        error.span
                    },
                    ..error
                });
        }
        let full = self.full_name(&field_text(field));
        match self.schema.resolve(&full) {
            Resolution::Mapped(mapping) => self
                .declared_field(&full, mapping, comparison, false)
                .map_err(|kind| CompileError {
                    span: if matches!(kind, CompileErrorKind::NestedPathMismatch { .. }) {
                        field.span
                    } else {
                        error_span
                    },
                    kind,
                }),
            Resolution::FlattenedKey => {
                let test = value::flattened_key_test(&full, comparison).map_err(with_span)?;
                if let (Test::KeywordClauses { query, .. }, Some(root)) =
                    (&test, self.schema.flattened_parent(&full))
                {
                    return Ok(MatcherKind::FlattenedKey(FlattenedKeyClause {
                        field: full.clone(),
                        root: self.relative(root).to_string(),
                        key: full[root.len() + 1..].to_string(),
                        query: query.clone(),
                    }));
                }
                Ok(self.field_clause(&full, "flattened", test))
            }
            Resolution::Dynamic => {
                let test = value::dynamic_test(comparison).map_err(with_span)?;
                Ok(self.field_clause(&full, "dynamic", test))
            }
            Resolution::Unmapped => {
                if let Comparison::Is(value) = comparison {
                    value::value_text(value).map_err(with_span)?;
                }
                // Kibana sends an unknown field name through as-is; Elasticsearch then
                // finds no such field, and nothing matches.
                Ok(MatcherKind::Nothing(format!("`{full}` is not mapped")))
            }
        }
    }

    /// A clause on a field the schema does not declare, read at its own path.
    fn field_clause(&self, field: &str, field_type: &str, test: Test) -> MatcherKind {
        MatcherKind::Field(FieldClause {
            field: field.to_string(),
            path: self.relative(field).to_string(),
            field_type: field_type.to_string(),
            test,
        })
    }

    /// A clause on a declared field. `from_pattern` is true when the field was
    /// found by expanding a `*` (Kibana then wraps nested fields in their nested query).
    fn declared_field(
        &self,
        full: &str,
        mapping: &FieldMapping,
        comparison: Comparison<'_>,
        from_pattern: bool,
    ) -> Result<MatcherKind, CompileErrorKind> {
        if let Some(constant) = constant_outcome(mapping, comparison, full, self.now)? {
            return Ok(constant);
        }
        if mapping.single_type() == Some(FieldType::Object)
            && matches!(comparison, Comparison::Exists)
        {
            return Ok(self.object_exists(full));
        }
        let source = mapping.source_path.as_deref().unwrap_or(full);
        let test = value::declared_test(full, mapping, comparison, self.now)?;
        let Some(test) = test else {
            return Ok(MatcherKind::Nothing(format!(
                "`{full}` has no values of its own"
            )));
        };
        if mapping.single_type() == Some(FieldType::Flattened) {
            // The root of a flattened field matches any of its leaf values.
            return Ok(MatcherKind::Walk(WalkClause::dynamic(
                Glob::new(&crate::schema::wildcard_pattern(&format!(
                    "{}.*",
                    self.relative(source)
                ))),
                test,
            )));
        }
        // Called at most once (each arm below builds one clause), so it takes
        // the test rather than cloning it: `Test::clone` is 1.7 KB of wasm
        // that start-up would otherwise compile for the seed rule.
        let clause = move |path: &str| {
            MatcherKind::Field(FieldClause {
                field: full.to_string(),
                path: path.to_string(),
                field_type: mapping.describe(),
                test,
            })
        };
        let parent = self.schema.nested_parent(full);
        match (parent, self.nested_path.as_deref()) {
            (Some(parent), Some(inside)) if parent == inside => Ok(clause(self.relative(source))),
            (None, _) => Ok(clause(self.relative(source))),
            // A field-less value is a `multi_match` at the top level, which
            // never sees inside nested objects; only a field-name `*` is wrapped.
            (Some(parent), None)
                if from_pattern && !matches!(comparison, Comparison::FreeText(_)) =>
            {
                Ok(MatcherKind::Nested {
                    path: parent.to_string(),
                    query: Box::new(Matcher {
                        span: Span::default(),
                        kind: clause(&source[parent.len() + 1..]),
                    }),
                })
            }
            (Some(parent), _) => Err(CompileErrorKind::NestedPathMismatch {
                field: full.to_string(),
                nested_path: parent.to_string(),
            }),
        }
    }

    /// A clause on every field matching `pattern`. With a complete mapping the
    /// pattern is expanded against it, as Kibana expands it against its data view;
    /// when undeclared fields are mapped dynamically, the event's own fields are
    /// walked, each typed by the schema.
    fn pattern_field(
        &self,
        pattern: &WildcardPattern,
        comparison: Comparison<'_>,
        strict: bool,
    ) -> Result<MatcherKind, CompileError> {
        let prefix = self
            .nested_path
            .as_ref()
            .map(|path| format!("{path}."))
            .unwrap_or_default();
        let glob = Glob::new(pattern);
        let matches = |name: &str| {
            name.strip_prefix(prefix.as_str())
                .is_some_and(|relative| glob.matches(relative))
        };
        let error_at = |kind| CompileError {
            span: Span::default(),
            kind,
        };

        // Fields whose values come from elsewhere (aliases, multi-fields) are never
        // found by walking the event, so they always get clauses of their own.
        let mut alternatives = Vec::new();
        let walks = self.schema.is_dynamic();
        for (name, mapping) in self.schema.fields() {
            // Walking the event cannot find fields whose values live elsewhere
            // (aliases, multi-fields) or whose name is a prefix of their values'
            // paths (flattened), so those get clauses of their own.
            let found_by_walk = mapping.source_path.is_none()
                && mapping.single_type() != Some(FieldType::Flattened);
            // A field that cannot be searched is an error like any other when the
            // pattern names it: Kibana sends it a clause, and Elasticsearch fails.
            if !matches(name) || (walks && found_by_walk) || mapping.is_container() {
                continue;
            }
            match self.declared_field(name, mapping, comparison, true) {
                Ok(kind) => alternatives.push(Matcher {
                    span: Span::default(),
                    kind,
                }),
                Err(kind) if strict && !walks => return Err(error_at(kind)),
                Err(_) => {}
            }
        }
        if walks {
            alternatives.push(Matcher {
                span: Span::default(),
                kind: MatcherKind::Walk(
                    self.walk_clause(glob.clone(), &prefix, comparison)
                        .map_err(error_at)?,
                ),
            });
        }
        Ok(match alternatives.len() {
            0 => MatcherKind::Nothing(format!("no mapped field matches `{}`", pattern.to_kql())),
            1 => alternatives
                .pop()
                .map_or(MatcherKind::All, |matcher| matcher.kind),
            _ => MatcherKind::Or(alternatives),
        })
    }

    /// The typing a walk applies: declared fields and templates with their
    /// tests (lenient: a type that cannot read the value just does not match).
    fn walk_clause(
        &self,
        pattern: Glob,
        prefix: &str,
        comparison: Comparison<'_>,
    ) -> Result<WalkClause, CompileErrorKind> {
        let relative = |name: &str| name.strip_prefix(prefix).map(str::to_string);
        let reach = Reach(&pattern);
        let mut declared: Vec<(String, String, Test)> = Vec::new();
        let mut flattened = Vec::new();
        for (name, mapping) in self.schema.fields() {
            let Some(relative_name) = relative(name) else {
                continue;
            };
            if mapping.source_path.is_some() || mapping.is_container() {
                continue;
            }
            if mapping.single_type() == Some(FieldType::Flattened) {
                // Kibana's field list has the flattened field, not its keys: its keys are
                // covered by the flattened field's own clause when the pattern names it.
                // Pushed rather than `format!`ted: the seed rule's wildcard
                // field reaches here, and start-up would compile the formatting code.
                let mut keys = relative_name.to_string();
                keys.push('.');
                if reach.flattened(&keys) {
                    flattened.push((keys, Test::Never));
                }
                continue;
            }
            if !reach.declared(&relative_name) {
                continue;
            }
            let test = if mapping.searchable {
                value::declared_test(name, mapping, comparison, self.now)
                    .ok()
                    .flatten()
            } else {
                None
            };
            declared.push((
                relative_name,
                mapping.describe(),
                test.unwrap_or(Test::Never),
            ));
        }
        crate::sort::sort_by(&mut declared, |left, right| left.0.cmp(&right.0));
        let templates = self
            .schema
            .templates()
            .iter()
            .filter_map(|template| {
                let relative_pattern = template.pattern.strip_prefix(prefix)?;
                let glob = Glob::new(&crate::schema::wildcard_pattern(relative_pattern));
                if !reach.template(&glob) {
                    return None;
                }
                let test = value::declared_test(
                    &template.pattern,
                    &template.mapping,
                    comparison,
                    self.now,
                )
                .ok()
                .flatten()
                .unwrap_or(Test::Never);
                Some((glob, template.mapping.describe(), test))
            })
            .collect();
        Ok(WalkClause::new(
            pattern,
            declared,
            templates,
            flattened,
            Some(value::dynamic_test(comparison)?),
        ))
    }

    /// `object:*` exists when any field below the object does.
    fn object_exists(&self, full: &str) -> MatcherKind {
        let pattern = crate::schema::wildcard_pattern(&format!("{}.*", self.relative(full)));
        if self.schema.is_dynamic() {
            return MatcherKind::Walk(WalkClause::dynamic(
                Glob::new(&pattern),
                Test::Exists { ignore_above: None },
            ));
        }
        let prefix = format!("{full}.");
        let below: Vec<Matcher> = self
            .schema
            .fields()
            .filter(|(name, mapping)| name.starts_with(&prefix) && !mapping.is_container())
            .filter_map(|(name, mapping)| {
                self.declared_field(name, mapping, Comparison::Exists, true)
                    .ok()
            })
            .map(|kind| Matcher {
                span: Span::default(),
                kind,
            })
            .collect();
        if below.is_empty() {
            MatcherKind::Nothing(format!("nothing is mapped below `{full}`"))
        } else {
            MatcherKind::Or(below)
        }
    }
}

/// A constant_keyword whose mapping fixes its value matches all or none of the
/// index, whatever the document holds (ConstantKeywordFieldMapper rewrites the query).
fn constant_outcome(
    mapping: &FieldMapping,
    comparison: Comparison<'_>,
    name: &str,
    now: Instant,
) -> Result<Option<MatcherKind>, CompileErrorKind> {
    let (Some(FieldType::ConstantKeyword), Some(constant)) =
        (mapping.single_type(), &mapping.constant_value)
    else {
        return Ok(None);
    };
    let Some(test) = value::declared_test(name, mapping, comparison, now)? else {
        return Ok(None);
    };
    let matched = test.accepts(crate::event::Scalar::Text(constant));
    Ok(Some(if matched {
        MatcherKind::All
    } else {
        MatcherKind::Nothing(format!(
            "`{name}` is the constant \"{constant}\" in this index"
        ))
    }))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk as built before [`Reach`]: a test for every field under
    /// `prefix`, the unreachable ones dropped afterwards. The reference the
    /// filtered walk must equal.
    fn unfiltered_walk(
        compiler: &Compiler<'_>,
        pattern: Glob,
        prefix: &str,
        comparison: Comparison<'_>,
    ) -> WalkClause {
        let mut declared = Vec::new();
        let mut flattened = Vec::new();
        for (name, mapping) in compiler.schema.fields() {
            let Some(relative_name) = name.strip_prefix(prefix) else {
                continue;
            };
            if mapping.source_path.is_some() || mapping.is_container() {
                continue;
            }
            if mapping.single_type() == Some(FieldType::Flattened) {
                flattened.push((format!("{relative_name}."), Test::Never));
                continue;
            }
            let test = mapping
                .searchable
                .then(|| value::declared_test(name, mapping, comparison, compiler.now))
                .and_then(|test| test.ok().flatten());
            declared.push((
                relative_name.to_string(),
                mapping.describe(),
                test.unwrap_or(Test::Never),
            ));
        }
        crate::sort::sort_by(&mut declared, |left, right| left.0.cmp(&right.0));
        let mut templates: Vec<(Glob, String, Test)> = compiler
            .schema
            .templates()
            .iter()
            .filter_map(|template| {
                let relative_pattern = template.pattern.strip_prefix(prefix)?;
                let test = value::declared_test(
                    &template.pattern,
                    &template.mapping,
                    comparison,
                    compiler.now,
                )
                .ok()
                .flatten()
                .unwrap_or(Test::Never);
                Some((
                    Glob::new(&crate::schema::wildcard_pattern(relative_pattern)),
                    template.mapping.describe(),
                    test,
                ))
            })
            .collect();
        declared.retain(|(name, _, _)| pattern.matches(name));
        templates.retain(|(template, _, _)| template.may_share_a_match_with(&pattern));
        flattened
            .retain(|(keys, _)| !pattern.is_dead(pattern.feed(pattern.start(), keys.as_bytes())));
        WalkClause::new(
            pattern,
            declared,
            templates,
            flattened,
            Some(value::dynamic_test(comparison).unwrap_or(Test::Never)),
        )
    }

    /// Field-name patterns: a `*` for each segment of every field (and for
    /// its tail, and before it), the seed rule's, and a few broad ones.
    fn patterns(schema: &Schema) -> Vec<String> {
        let mut patterns: Vec<String> = [
            "*",
            "*.*",
            "azure.auditlogs.properties.target_resources.*.display_name",
            "azure.*",
            "*.name",
            "user.*name",
            "labels.*",
            "labels.tag*",
            "event.*",
            "*ip*",
            "nothing.here.*",
        ]
        .map(str::to_string)
        .to_vec();
        let names = schema.fields().map(|(name, _)| name.to_string()).chain(
            schema
                .templates()
                .iter()
                .map(|template| template.pattern.clone()),
        );
        for name in names.step_by(13) {
            let segments: Vec<&str> = name.split('.').collect();
            for index in 0..segments.len() {
                let mut starred = segments.clone();
                starred[index] = "*";
                patterns.push(starred.join("."));
                patterns.push(format!("{}.*", segments[..index].join(".")));
            }
            patterns.push(format!("*{}", segments[segments.len() - 1]));
        }
        patterns.dedup();
        patterns
    }

    fn parsed(query: &str) -> Node {
        crate::kql::parse(query).unwrap()
    }

    #[test]
    fn a_walk_keeps_the_typings_it_would_keep_if_every_field_had_a_test() {
        let extra = Schema::from_json(
            r#"{"labels.flat": "flattened", "labels.tags": "keyword", "labels.count": "long", "labels.seen": "date", "labels.addr": "ip"}"#,
        )
        .unwrap();
        let schema = Schema::builtin().extend(extra);
        assert!(schema.is_dynamic() && !schema.templates().is_empty());
        let queries = parsed(
            "x:guest or x:42 or x:10.0.0.1 or x:gu* or x:* or x >= 5 or x < 2026-01-01 or x:\"a b\"",
        );
        let Node::Or { children, .. } = &queries else {
            panic!("{queries:?}")
        };
        let comparisons: Vec<Comparison<'_>> = children
            .iter()
            .map(|node| match node {
                Node::Is { value, .. } if value.value.is_lone_wildcard() => Comparison::Exists,
                Node::Is { value, .. } => Comparison::Is(value),
                Node::Range {
                    operator, value, ..
                } => Comparison::Range(*operator, value),
                other => panic!("{other:?}"),
            })
            .chain(children.iter().filter_map(|node| match node {
                Node::Is { value, .. } if !value.value.is_lone_wildcard() => {
                    Some(Comparison::FreeText(value))
                }
                _ => None,
            }))
            .collect();
        let compiler = Compiler::top_level(&schema, Timestamp(1_764_000_000_000));
        let mut reached = 0;
        for pattern in patterns(&schema) {
            let glob = Glob::new(&crate::schema::wildcard_pattern(&pattern));
            for prefix in ["", "azure."] {
                for &comparison in &comparisons {
                    let filtered = compiler
                        .walk_clause(glob.clone(), prefix, comparison)
                        .map(|walk| format!("{walk:?}"));
                    let unfiltered = unfiltered_walk(&compiler, glob.clone(), prefix, comparison);
                    if let Ok(filtered) = &filtered {
                        assert_eq!(
                            *filtered,
                            format!("{unfiltered:?}"),
                            "{pattern} under {prefix:?}"
                        );
                    }
                    reached += unfiltered.declared.len()
                        + unfiltered.templates.len()
                        + unfiltered.flattened.len();
                }
            }
        }
        assert!(reached > 1000, "{reached}");
    }

    /// A walk whose first template is its own pattern types every field it
    /// visits by that template without matching (`first_template_covers`),
    /// and must type each as the full search does: checked on names made
    /// from every declared field and template (`*` as `0` and `a.b`), under every
    /// pattern of the walk tests and every template's own.
    #[test]
    fn a_covering_template_types_every_field_as_the_full_search_does() {
        let schema = Schema::builtin();
        let compiler = Compiler::top_level(&schema, Timestamp(1_764_000_000_000));
        let names: Vec<String> =
            schema
                .fields()
                .map(|(name, _)| name.to_string())
                .chain(schema.templates().iter().flat_map(|template| {
                    ["0", "a.b"].map(|key| template.pattern.replace('*', key))
                }))
                .collect();
        let query = parsed("x:guest");
        let Node::Is { value, .. } = &query else {
            panic!("{query:?}")
        };
        let templates = schema
            .templates()
            .iter()
            .map(|template| template.pattern.clone());
        let mut covered = 0;
        for pattern in patterns(&schema).into_iter().chain(templates) {
            let glob = Glob::new(&crate::schema::wildcard_pattern(&pattern));
            let Ok(walk) = compiler.walk_clause(glob.clone(), "", Comparison::Is(value)) else {
                continue;
            };
            if !walk.first_template_covers {
                continue;
            }
            let searched = WalkClause {
                first_template_covers: false,
                ..walk.clone()
            };
            for name in names.iter().filter(|name| glob.matches(name)) {
                covered += 1;
                let typing = |walk: &WalkClause| {
                    walk.typing(name)
                        .map(|(field_type, test)| format!("{field_type} {test:?}"))
                };
                assert_eq!(typing(&walk), typing(&searched), "{name} under {pattern}");
            }
        }
        assert!(covered > 0, "no walk's first template covers it");
    }
}
