//! Field types: how Elasticsearch indexed each field, which decides how a KQL
//! value is compared with it.
//!
//! A [`Schema`] holds declared fields (with their mapping parameters), path
//! templates (the dynamic groups of Elastic's integrations, such as
//! `azure.auditlogs.properties.target_resources.*.display_name`), and whether
//! undeclared fields are mapped dynamically. Three kinds are built:
//!
//! - [`Schema::builtin`]: ECS plus every field of Elastic's Azure integration,
//!   with the dynamic mapping of Elastic's `logs-*-*` data streams for the rest
//!   (strings `keyword` with ignore_above 1024, integers `long`, decimals
//!   `float`, booleans `boolean`). This is the default.
//! - [`Schema::dynamic`]: only that dynamic mapping.
//! - a user's mapping ([`Schema::from_json`]): a `{field: type}` map, a
//!   `GET _mapping` response, a `_field_caps` response, or a Kibana data view's
//!   field list. On its own it is complete — fields it does not list are
//!   unmapped, and a query on an unmapped field matches nothing, as in
//!   Elasticsearch — or it can [`extend`](Schema::extend) another schema.

mod builtin;
mod formats;
mod table;

use std::borrow::Cow;
use std::fmt::{self, Display, Formatter};
use std::sync::Arc;

use crate::error::{Error, ErrorType};
use crate::kql::WildcardPattern;
use crate::pattern::Glob;
use table::{FieldTable, Merge};

/// An Elasticsearch field type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldType {
    /// `keyword`: exact, case-sensitive strings.
    Keyword,
    /// `constant_keyword`: one value for the whole index.
    ConstantKeyword,
    /// `wildcard`: a keyword variant built for wildcard queries.
    Wildcard,
    /// `text`: analysed full text.
    Text,
    /// `match_only_text`: analysed text without scoring data.
    MatchOnlyText,
    /// `long`: 64-bit signed integer.
    Long,
    /// `integer`: 32-bit signed integer.
    Integer,
    /// `short`: 16-bit signed integer.
    Short,
    /// `byte`: 8-bit signed integer.
    Byte,
    /// `unsigned_long`: 64-bit unsigned integer.
    UnsignedLong,
    /// `double`: 64-bit float.
    Double,
    /// `float`: 32-bit float.
    Float,
    /// `half_float`: 16-bit float.
    HalfFloat,
    /// `scaled_float`: a float stored as a long after multiplying by a scaling factor.
    ScaledFloat,
    /// `date`: millisecond instants.
    Date,
    /// `date_nanos`: nanosecond instants.
    DateNanos,
    /// `ip`: IPv4 and IPv6 addresses.
    Ip,
    /// `boolean`.
    Boolean,
    /// `object`: a container with no values of its own.
    Object,
    /// `nested`: an array of objects indexed as separate documents.
    Nested,
    /// `flattened`: a whole object indexed as keywords.
    Flattened,
    /// Any other type (`geo_point`, `version`, `dense_vector`, …): loaded, but not queryable here.
    Other,
}

impl FieldType {
    /// Every type with its Elasticsearch name (`Other` has none).
    pub const NAMED: [(FieldType, &'static str); 21] = [
        (FieldType::Keyword, "keyword"),
        (FieldType::ConstantKeyword, "constant_keyword"),
        (FieldType::Wildcard, "wildcard"),
        (FieldType::Text, "text"),
        (FieldType::MatchOnlyText, "match_only_text"),
        (FieldType::Long, "long"),
        (FieldType::Integer, "integer"),
        (FieldType::Short, "short"),
        (FieldType::Byte, "byte"),
        (FieldType::UnsignedLong, "unsigned_long"),
        (FieldType::Double, "double"),
        (FieldType::Float, "float"),
        (FieldType::HalfFloat, "half_float"),
        (FieldType::ScaledFloat, "scaled_float"),
        (FieldType::Date, "date"),
        (FieldType::DateNanos, "date_nanos"),
        (FieldType::Ip, "ip"),
        (FieldType::Boolean, "boolean"),
        (FieldType::Object, "object"),
        (FieldType::Nested, "nested"),
        (FieldType::Flattened, "flattened"),
    ];

    /// The type called `name` in Elasticsearch; unknown names are [`FieldType::Other`].
    pub fn from_name(name: &str) -> FieldType {
        FieldType::NAMED
            .iter()
            .find(|(_, known)| *known == name)
            .map_or(FieldType::Other, |(field_type, _)| *field_type)
    }

    /// The Elasticsearch name (`other` for [`FieldType::Other`]).
    pub fn name(self) -> &'static str {
        FieldType::NAMED
            .iter()
            .find(|(field_type, _)| *field_type == self)
            .map_or("other", |(_, name)| name)
    }

    /// Strings indexed whole, compared byte-wise: keyword and its relatives.
    pub fn is_keyword_like(self) -> bool {
        matches!(
            self,
            FieldType::Keyword
                | FieldType::ConstantKeyword
                | FieldType::Wildcard
                | FieldType::Flattened
        )
    }

    /// Analysed text.
    pub fn is_text(self) -> bool {
        matches!(self, FieldType::Text | FieldType::MatchOnlyText)
    }
}

impl Display for FieldType {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How one field is mapped.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldMapping {
    /// The field's types: one, or several when indices disagree (Kibana calls that a
    /// conflict and then builds match-style queries that each index reads its own way).
    pub types: Vec<FieldType>,
    /// The Elasticsearch names of `types`, in the same order (kept for messages).
    pub type_names: Vec<String>,
    /// Keyword values longer than this (in UTF-16 units) are not indexed.
    pub ignore_above: Option<usize>,
    /// The value of a `constant_keyword` field, when the mapping fixes it.
    pub constant_value: Option<String>,
    /// The factor of a `scaled_float` field.
    pub scaling_factor: Option<f64>,
    /// Where the indexed values come from when it is not the field's own path:
    /// an alias's target, or a multi-field's parent.
    pub source_path: Option<String>,
    /// False for fields mapped with `index: false` (and no doc values): not searchable.
    pub searchable: bool,
}

impl FieldMapping {
    /// A mapping of one type with default parameters.
    pub fn of(field_type: FieldType) -> FieldMapping {
        FieldMapping::named(field_type.name())
    }

    /// A mapping of the type called `name` (which may be one kql-detect does not know).
    pub fn named(name: &str) -> FieldMapping {
        FieldMapping {
            types: vec![FieldType::from_name(name)],
            type_names: vec![name.to_string()],
            ignore_above: None,
            constant_value: None,
            scaling_factor: None,
            source_path: None,
            searchable: true,
        }
    }

    /// The single type, or `None` for a conflict.
    pub fn single_type(&self) -> Option<FieldType> {
        match self.types.as_slice() {
            [only] => Some(*only),
            _ => None,
        }
    }

    /// Kibana's test for building `term`/`wildcard` rather than `match`/`query_string`:
    /// `esTypes` is exactly `['keyword']`.
    pub fn is_exactly_keyword(&self) -> bool {
        self.single_type() == Some(FieldType::Keyword)
    }

    /// Adds the types of `other`, as when two indices map a field differently.
    fn merge_conflict(&mut self, other: &FieldMapping) {
        for (field_type, name) in other.types.iter().zip(&other.type_names) {
            if !self.type_names.contains(name) {
                self.types.push(*field_type);
                self.type_names.push(name.clone());
            }
        }
        self.ignore_above = self.ignore_above.or(other.ignore_above);
        self.scaling_factor = self.scaling_factor.or(other.scaling_factor);
        if self.constant_value != other.constant_value {
            self.constant_value = None;
        }
    }

    /// True for an `object` or `nested` field: a container of fields, with no values of its own.
    pub fn is_container(&self) -> bool {
        self.types
            .iter()
            .any(|field_type| matches!(field_type, FieldType::Object | FieldType::Nested))
    }

    /// The mapping's types for people: `keyword`, or `keyword, text` for a conflict.
    pub fn describe(&self) -> String {
        // Most fields have one type: copying it keeps `join`'s generic code
        // (1 KB of wasm) out of what start-up compiles for the seed rule.
        match self.type_names.as_slice() {
            [only] => only.clone(),
            names => names.join(", "),
        }
    }
}

/// A mapping for every field whose path matches a pattern (a dynamic template).
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    /// The path pattern, `*` matching any characters including dots.
    pub pattern: String,
    /// The compiled pattern.
    pub glob: Glob,
    /// The mapping of matching fields.
    pub mapping: FieldMapping,
}

/// The field types a query is compiled against.
#[derive(Clone, Debug, PartialEq)]
pub struct Schema {
    /// Shared until changed: every engine starts from the built-in schema, so
    /// a copy costs a reference count, not a copy of hundreds of fields.
    fields: Arc<FieldTable>,
    templates: Vec<Template>,
    dynamic: bool,
}

/// What a schema says about one field name.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Resolution<'s> {
    /// Declared, or matched by a template.
    Mapped(&'s FieldMapping),
    /// Not declared: typed by each value, as Elasticsearch's dynamic mapping would.
    Dynamic,
    /// A key inside a `flattened` field: its values are keywords, but the field is
    /// absent from Kibana's field list (field_caps lists only the flattened root).
    FlattenedKey,
    /// Not in the mapping: queries on it match nothing.
    Unmapped,
}

/// The dynamic mapping's `ignore_above` for strings in Elastic's `logs-*-*` data streams.
pub const DYNAMIC_KEYWORD_IGNORE_ABOVE: usize = 1024;

impl Default for Schema {
    fn default() -> Schema {
        Schema::builtin()
    }
}

impl Schema {
    /// ECS and Elastic's Azure integration, over the `logs-*-*` dynamic mapping.
    pub fn builtin() -> Schema {
        // Read once per process: every engine a host creates starts from it.
        static BUILTIN: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
        BUILTIN.get_or_init(Schema::read_builtin).clone()
    }

    fn read_builtin() -> Schema {
        let mut schema = Schema::dynamic();
        let tables = [
            ("ecs.fields", builtin::ECS),
            ("azure.fields", builtin::AZURE),
        ];
        let lines = tables.iter().map(|(_, text)| text.lines().count()).sum();
        Arc::make_mut(&mut schema.fields).reserve(lines);
        for (origin, text) in tables {
            formats::read_field_table(&mut schema, text)
                .unwrap_or_else(|error| panic!("the built-in {origin} must be valid: {error}"));
        }
        schema.resolve_sources();
        schema
    }

    /// Only the dynamic mapping of Elastic's `logs-*-*` data streams.
    pub fn dynamic() -> Schema {
        Schema {
            fields: Arc::default(),
            templates: Vec::new(),
            dynamic: true,
        }
    }

    /// A complete mapping from field names to types.
    pub fn explicit(fields: impl IntoIterator<Item = (String, FieldType)>) -> Schema {
        let mut schema = Schema::closed();
        for (name, field_type) in fields {
            schema.declare(name, FieldMapping::of(field_type));
        }
        schema.resolve_sources();
        schema
    }

    /// Reads a user's mapping in any supported format; the result is complete.
    pub fn from_json(text: &str) -> Result<Schema, Error> {
        let value: serde_json::Value =
            serde_json::from_slice(text.as_bytes()).map_err(|error| {
                Error::new(
                    ErrorType::FieldTypesInvalid,
                    "malformed_json",
                    format!("field types are not valid JSON: {error}"),
                )
            })?;
        Schema::from_value(&value)
    }

    /// Reads an already parsed mapping in any supported format; the result is complete.
    pub fn from_value(value: &serde_json::Value) -> Result<Schema, Error> {
        let mut schema = Schema::closed();
        formats::read(&mut schema, value)?;
        schema.resolve_sources();
        Ok(schema)
    }

    /// This schema with `other`'s fields and templates added (replacing same-named fields).
    pub fn extend(mut self, other: Schema) -> Schema {
        let fields = Arc::make_mut(&mut self.fields);
        for (name, mapping) in Arc::unwrap_or_clone(other.fields).into_fields() {
            fields.stage_shared(name, mapping, Merge::Replace);
        }
        fields.settle();
        let mut templates = other.templates;
        templates.append(&mut self.templates);
        self.templates = templates;
        self
    }

    fn closed() -> Schema {
        Schema {
            fields: Arc::default(),
            templates: Vec::new(),
            dynamic: false,
        }
    }

    /// [`Schema::replace`] for a built-in table's field (no `*` in its name):
    /// the name borrowed from the table's text, the mapping shared.
    fn replace_shared(&mut self, name: &'static str, mapping: Arc<FieldMapping>) {
        debug_assert!(!name.contains('*'), "a pattern is a template: {name}");
        Arc::make_mut(&mut self.fields).stage_shared(Cow::Borrowed(name), mapping, Merge::Replace);
    }

    /// Adds a field, replacing any earlier declaration of the same name.
    pub(crate) fn replace(&mut self, name: String, mapping: FieldMapping) {
        if name.contains('*') {
            // A pattern is a template, never a key of `fields`: nothing to replace.
            self.declare(name, mapping);
            return;
        }
        Arc::make_mut(&mut self.fields).stage(name, mapping, Merge::Replace);
    }

    /// Adds a field; a second declaration of the same name with another type is a conflict.
    pub(crate) fn declare(&mut self, name: String, mapping: FieldMapping) {
        if name.contains('*') {
            let glob = Glob::new(&wildcard_pattern(&name));
            self.templates.push(Template {
                pattern: name,
                glob,
                mapping,
            });
            return;
        }
        Arc::make_mut(&mut self.fields).stage(name, mapping, Merge::Declare);
    }

    /// Adds a field unless one of that name is already declared (a nested
    /// path a data view implies without listing it).
    pub(crate) fn declare_if_absent(&mut self, name: String, mapping: FieldMapping) {
        Arc::make_mut(&mut self.fields).stage(name, mapping, Merge::IfAbsent);
    }

    /// Applies the queued declarations: lookups see them from now on.
    pub(crate) fn settle(&mut self) {
        Arc::make_mut(&mut self.fields).settle();
    }

    /// Gives aliases the mapping of their target (keeping the target as source).
    fn resolve_sources(&mut self) {
        self.settle();
        let aliases: Vec<(String, String)> = self
            .fields
            .iter()
            .filter(|(_, mapping)| mapping.type_names == ["alias"])
            .filter_map(|(name, mapping)| Some((name.to_string(), mapping.source_path.clone()?)))
            .collect();
        // Unresolved aliases, in name order (as `aliases` is): dropped in one
        // pass at the end, but absent already for the aliases after them.
        let mut removed: Vec<String> = Vec::new();
        for (alias, target) in aliases {
            let resolved = self
                .target_mapping(&target, &removed)
                .map(|mapping| FieldMapping {
                    source_path: Some(
                        mapping
                            .source_path
                            .clone()
                            .unwrap_or_else(|| target.clone()),
                    ),
                    ..mapping.clone()
                });
            match (resolved, Arc::make_mut(&mut self.fields).get_mut(&alias)) {
                (Some(mapping), Some(field)) => *field = mapping,
                _ => removed.push(alias),
            }
        }
        Arc::make_mut(&mut self.fields).remove_all(&removed);
    }

    /// The mapping an alias to `target` takes, the aliases in `removed` being gone.
    fn target_mapping(&self, target: &str, removed: &[String]) -> Option<&FieldMapping> {
        if removed
            .binary_search_by(|name| name.as_str().cmp(target))
            .is_ok()
        {
            return self.template_mapping(target);
        }
        match self.resolve(target) {
            Resolution::Mapped(mapping) => Some(mapping),
            _ => None,
        }
    }

    /// The mapping of the first template matching `name`.
    fn template_mapping(&self, name: &str) -> Option<&FieldMapping> {
        self.templates
            .iter()
            .find(|template| template.glob.matches(name))
            .map(|template| &template.mapping)
    }

    /// The complete mapping an index mapped by this schema has once `document`
    /// is indexed: every field of the document that a template or the dynamic
    /// mapping covers becomes a declared field (strings `keyword` with
    /// ignore_above 1024, integers `long`, decimals `float`, booleans
    /// `boolean`, each typed by its first value, as Elasticsearch's dynamic
    /// mapping does), and every object on the way an `object`. This is the
    /// field list `_field_caps` would then report, which Kibana expands
    /// field-name `*`s against.
    pub fn after_indexing(&self, document: &serde_json::Value) -> Schema {
        let mut indexed = Schema {
            fields: self.fields.clone(),
            templates: self.templates.clone(),
            dynamic: false,
        };
        let mut leaves: Vec<(String, FieldMapping)> = Vec::new();
        let every_field = Glob::new(&WildcardPattern::lone());
        crate::event::Event::any_value_matching(
            &crate::event::JsonEvent(document),
            &every_field,
            &mut |path, value| {
                if !leaves.iter().any(|(name, _)| name == path) {
                    if let Some(mapping) = self.mapping_when_indexed(path, value) {
                        leaves.push((path.to_string(), mapping));
                    }
                }
                false
            },
        );
        for (path, mapping) in leaves {
            for (dot, _) in path.match_indices('.') {
                indexed.declare_if_absent(
                    path[..dot].to_string(),
                    FieldMapping::of(FieldType::Object),
                );
            }
            indexed.declare_if_absent(path, mapping);
        }
        indexed.settle();
        indexed
    }

    /// The mapping a document value at `path` is indexed under, if any.
    fn mapping_when_indexed(
        &self,
        path: &str,
        value: crate::event::Scalar<'_>,
    ) -> Option<FieldMapping> {
        use crate::event::Scalar;
        match self.resolve(path) {
            Resolution::Mapped(mapping) => Some(mapping.clone()),
            Resolution::Dynamic => Some(match value {
                Scalar::Text(_) => FieldMapping {
                    ignore_above: Some(DYNAMIC_KEYWORD_IGNORE_ABOVE),
                    ..FieldMapping::of(FieldType::Keyword)
                },
                Scalar::Number(text) if !text.contains(['.', 'e', 'E']) => {
                    FieldMapping::of(FieldType::Long)
                }
                Scalar::Number(_) => FieldMapping::of(FieldType::Float),
                Scalar::Boolean(_) => FieldMapping::of(FieldType::Boolean),
            }),
            Resolution::FlattenedKey | Resolution::Unmapped => None,
        }
    }

    /// True when undeclared fields are mapped dynamically.
    pub fn is_dynamic(&self) -> bool {
        self.dynamic
    }

    /// True when the schema is the pure dynamic mapping, with nothing declared.
    pub fn is_purely_dynamic(&self) -> bool {
        self.dynamic && self.fields.is_empty() && self.templates.is_empty()
    }

    /// What the schema says about the field named exactly `name`.
    pub fn resolve(&self, name: &str) -> Resolution<'_> {
        if let Some(mapping) = self.fields.get(name) {
            return Resolution::Mapped(mapping);
        }
        if let Some(mapping) = self.template_mapping(name) {
            return Resolution::Mapped(mapping);
        }
        if self.flattened_parent(name).is_some() {
            return Resolution::FlattenedKey;
        }
        if self.dynamic && !self.under_a_leaf(name) {
            Resolution::Dynamic
        } else {
            Resolution::Unmapped
        }
    }

    /// True when some declared field with values of its own (not an object,
    /// nested or flattened container) is a proper prefix of `name`: nothing can be
    /// mapped below a keyword, say. Flattened fields are resolved separately.
    fn under_a_leaf(&self, name: &str) -> bool {
        name.match_indices('.').any(|(dot, _)| {
            self.fields.get(&name[..dot]).is_some_and(|mapping| {
                mapping.source_path.is_none()
                    && !mapping.types.iter().any(|field_type| {
                        matches!(
                            field_type,
                            FieldType::Object | FieldType::Nested | FieldType::Flattened
                        )
                    })
            })
        })
    }

    /// The flattened field that `name` lies inside, if any.
    pub fn flattened_parent<'n>(&self, name: &'n str) -> Option<&'n str> {
        name.match_indices('.')
            .map(|(dot, _)| &name[..dot])
            .find(|prefix| {
                let declared = self
                    .fields
                    .get(prefix)
                    .or_else(|| self.template_mapping(prefix));
                declared.is_some_and(|mapping| mapping.single_type() == Some(FieldType::Flattened))
            })
    }

    /// The declared fields, in name order.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &FieldMapping)> {
        self.fields.iter()
    }

    /// The templates, in the order they are tried.
    pub fn templates(&self) -> &[Template] {
        &self.templates
    }

    /// The nested field that `name` lies inside, if any (the longest such path).
    pub fn nested_parent<'n>(&self, name: &'n str) -> Option<&'n str> {
        name.rmatch_indices('.')
            .map(|(dot, _)| &name[..dot])
            .find(|prefix| {
                self.fields
                    .get(prefix)
                    .is_some_and(|mapping| mapping.single_type() == Some(FieldType::Nested))
            })
    }
}

/// A field name with `*` as a wildcard pattern (no escapes: names are plain text).
pub(crate) fn wildcard_pattern(name: &str) -> WildcardPattern {
    let mut pieces = Vec::new();
    for (index, part) in name.split('*').enumerate() {
        if index > 0 {
            pieces.push(crate::kql::Piece::AnySequence);
        }
        pieces.push(crate::kql::Piece::Text(part.to_string()));
    }
    WildcardPattern::from_pieces(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_schema_knows_ecs_azure_and_the_dynamic_rest() {
        let schema = Schema::builtin();
        let types = |name: &str| match schema.resolve(name) {
            Resolution::Mapped(mapping) => mapping.describe(),
            Resolution::Dynamic => "dynamic".to_string(),
            Resolution::FlattenedKey => "flattened key".to_string(),
            Resolution::Unmapped => "unmapped".to_string(),
        };
        assert_eq!(types("event.outcome"), "keyword");
        assert_eq!(types("event.dataset"), "constant_keyword");
        assert_eq!(types("source.ip"), "ip");
        assert_eq!(types("@timestamp"), "date");
        assert_eq!(types("azure.auditlogs.level"), "float");
        assert_eq!(
            types("azure.auditlogs.properties.target_resources.3.display_name"),
            "keyword"
        );
        assert_eq!(
            types("azure.auditlogs.properties.target_resources.0.modified_properties.1.new_value"),
            "keyword"
        );
        assert_eq!(types("azure.platformlogs.properties"), "flattened");
        assert_eq!(
            types("azure.platformlogs.properties.log.verb"),
            "flattened key"
        );
        assert_eq!(types("something.undeclared"), "dynamic");
        assert_eq!(types("event.outcome.below"), "unmapped");
        match schema.resolve("azure.auditlogs.tenant_id") {
            Resolution::Mapped(mapping) => {
                assert_eq!(mapping.source_path.as_deref(), Some("azure.tenant.id"));
                assert_eq!(mapping.describe(), "keyword");
            }
            other => panic!("alias not resolved: {other:?}"),
        }
        assert_eq!(
            schema.flattened_parent("azure.platformlogs.properties.log.verb"),
            Some("azure.platformlogs.properties")
        );
    }
}
