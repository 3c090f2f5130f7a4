//! Field types: how Elasticsearch indexed each field, which decides how a KQL
//! value is compared with it.
//!
//! Two kinds of schema exist today. The **dynamic** schema has no declared
//! fields and types each value the way Elastic's `logs-*-*` data streams map
//! fields nobody declared: strings as `keyword` (ignore_above 1024), integers as
//! `long`, decimals as `float`, booleans as `boolean`. An **explicit** schema is
//! a complete `{field: type}` map: fields it does not list are unmapped, and a
//! query on an unmapped field matches nothing, as in Elasticsearch.

use std::collections::BTreeMap;
use std::fmt::{self, Display, Formatter};

use crate::error::{Error, ErrorType};

/// An Elasticsearch field type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldType {
    /// `keyword`: exact, case-sensitive strings.
    Keyword,
    /// `constant_keyword`: one value for the whole index.
    ConstantKeyword,
    /// `wildcard`: a keyword variant optimised for wildcard queries; same matching.
    Wildcard,
    /// `text`: analysed full text.
    Text,
    /// `match_only_text`: analysed text without positions or scoring.
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
    /// `scaled_float`: a float stored as a scaled long.
    ScaledFloat,
    /// `date`: millisecond timestamps.
    Date,
    /// `date_nanos`: nanosecond timestamps.
    DateNanos,
    /// `ip`: IPv4 and IPv6 addresses.
    Ip,
    /// `boolean`.
    Boolean,
    /// `object`: a container; has no values of its own.
    Object,
    /// `nested`: an array of objects indexed as separate documents.
    Nested,
    /// `flattened`: a whole object indexed as keywords.
    Flattened,
}

impl FieldType {
    /// Every type with its Elasticsearch name.
    pub const ALL: [(FieldType, &'static str); 21] = [
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

    /// The type with Elasticsearch name `name`.
    pub fn from_name(name: &str) -> Option<FieldType> {
        FieldType::ALL
            .iter()
            .find(|(_, known)| *known == name)
            .map(|(field_type, _)| *field_type)
    }

    /// The Elasticsearch name.
    pub fn name(self) -> &'static str {
        FieldType::ALL
            .iter()
            .find(|(field_type, _)| *field_type == self)
            .map_or("unknown", |(_, name)| name)
    }
}

impl Display for FieldType {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The field types a query is compiled against.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schema {
    explicit: Option<BTreeMap<String, FieldType>>,
}

/// What a schema says about one field name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// Typed by each value, as Elasticsearch's dynamic mapping would.
    Dynamic,
    /// Mapped with this type.
    Mapped(FieldType),
    /// Not in the mapping: queries on it match nothing.
    Unmapped,
}

impl Schema {
    /// The dynamic schema of Elastic's `logs-*-*` data streams.
    pub fn dynamic() -> Schema {
        Schema { explicit: None }
    }

    /// A complete mapping from field names to types.
    pub fn explicit(fields: impl IntoIterator<Item = (String, FieldType)>) -> Schema {
        Schema {
            explicit: Some(fields.into_iter().collect()),
        }
    }

    /// Reads a JSON object of `"field": "type"` pairs.
    pub fn from_json(text: &str) -> Result<Schema, Error> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|error| {
            Error::new(
                ErrorType::FieldTypesInvalid,
                "malformed_json",
                format!("field types are not valid JSON: {error}"),
            )
        })?;
        Schema::from_value(&value)
    }

    /// Reads an already parsed JSON object of `"field": "type"` pairs.
    pub fn from_value(value: &serde_json::Value) -> Result<Schema, Error> {
        let serde_json::Value::Object(entries) = value else {
            return Err(Error::new(
                ErrorType::FieldTypesInvalid,
                "not_an_object",
                "field types must be a JSON object of \"field\": \"type\" pairs",
            ));
        };
        let mut fields = BTreeMap::new();
        for (field, type_name) in entries {
            let field_type = type_name
                .as_str()
                .and_then(FieldType::from_name)
                .ok_or_else(|| {
                    Error::new(
                        ErrorType::FieldTypesInvalid,
                        "unknown_type",
                        format!("field `{field}` has an unknown type {type_name}"),
                    )
                })?;
            fields.insert(field.clone(), field_type);
        }
        Ok(Schema {
            explicit: Some(fields),
        })
    }

    /// True for the dynamic schema.
    pub fn is_dynamic(&self) -> bool {
        self.explicit.is_none()
    }

    /// What the schema says about the field named exactly `name`.
    pub fn resolve(&self, name: &str) -> Resolution {
        match &self.explicit {
            None => Resolution::Dynamic,
            Some(fields) => fields.get(name).map_or(Resolution::Unmapped, |field_type| {
                Resolution::Mapped(*field_type)
            }),
        }
    }

    /// The mapped fields, in name order (empty for the dynamic schema).
    pub fn fields(&self) -> impl Iterator<Item = (&str, FieldType)> {
        self.explicit
            .iter()
            .flatten()
            .map(|(name, field_type)| (name.as_str(), *field_type))
    }

    /// The nested field that `name` lies inside, if any (the longest such path).
    pub fn nested_parent(&self, name: &str) -> Option<&str> {
        self.fields()
            .filter(|(path, field_type)| {
                *field_type == FieldType::Nested
                    && name.len() > path.len()
                    && name.starts_with(path)
                    && name.as_bytes()[path.len()] == b'.'
            })
            .map(|(path, _)| path)
            .max_by_key(|path| path.len())
    }
}
