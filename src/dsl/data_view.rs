//! The field list Kibana's `toElasticsearchQuery` consults: a data view
//! (`DataViewBase`), here derived from a [`Schema`].
//!
//! Kibana builds it from `_field_caps` over the rule's index patterns
//! (`get_query_filter_load_fields.ts`), so it lists concrete fields only.
//! Object and nested fields are left out, as data views leave them out; a
//! field inside a nested field records that nested path (`subType.nested`).
//! Templates and the dynamic mapping describe fields that may exist; they are
//! not fields yet, so they are not listed (see [`DataView::knows_more`]).

use serde_json::Value;

use super::{entry, object};

use crate::schema::{FieldMapping, FieldType, Schema};

/// A Kibana data view's fields: what Kibana knows when it turns KQL into DSL.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DataView {
    fields: Vec<DataViewField>,
    /// True when the schema maps fields it does not list (templates, dynamic mapping).
    open: bool,
}

/// One field of a data view.
#[derive(Clone, Debug, PartialEq)]
pub struct DataViewField {
    /// The field's full name.
    pub name: String,
    /// Its Elasticsearch types (several when indices disagree).
    pub es_types: Vec<String>,
    /// Kibana's field type: `string`, `number`, `date`, `ip`, `boolean`, …, or `conflict`.
    pub kibana_type: String,
    /// The nested field it lies in, if any.
    pub nested_path: Option<String>,
}

impl DataView {
    /// The data view Kibana would have for an index mapped by `schema`.
    pub fn of(schema: &Schema) -> DataView {
        let fields = schema
            .fields()
            .filter(|(_, mapping)| !mapping.is_container())
            .map(|(name, mapping)| DataViewField {
                name: name.to_string(),
                es_types: mapping.type_names.clone(),
                kibana_type: kibana_type(mapping),
                nested_path: schema.nested_parent(name).map(str::to_string),
            })
            .collect();
        DataView {
            fields,
            open: schema.is_dynamic() || !schema.templates().is_empty(),
        }
    }

    /// The fields, in name order.
    pub fn fields(&self) -> &[DataViewField] {
        &self.fields
    }

    /// The field named exactly `name` (Kibana's `getFields` on a literal).
    pub fn field(&self, name: &str) -> Option<&DataViewField> {
        self.fields
            .binary_search_by(|field| field.name.as_str().cmp(name))
            .ok()
            .map(|index| &self.fields[index])
    }

    /// True when `name` is a key inside a flattened field: `_field_caps` lists
    /// only the flattened field itself, so Kibana never knows such names, and
    /// Elasticsearch finds them all the same.
    pub fn is_flattened_key(&self, name: &str) -> bool {
        name.match_indices('.').any(|(dot, _)| {
            self.field(&name[..dot])
                .is_some_and(|field| field.es_types == ["flattened"])
        })
    }

    /// True when the schema this came from maps fields it cannot list (through
    /// templates or dynamic mapping): an index may then have fields this data
    /// view lacks, and Kibana, which reads the index's `_field_caps`, would
    /// know them.
    pub fn knows_more(&self) -> bool {
        self.open
    }

    /// As Kibana's `DataViewBase` JSON: `{"fields": [{name, type, esTypes, subType?}]}`.
    pub fn to_json(&self) -> Value {
        let fields: Vec<Value> = self
            .fields
            .iter()
            .map(|field| {
                let mut value = object([
                    ("name", field.name.as_str().into()),
                    ("type", field.kibana_type.as_str().into()),
                    ("esTypes", field.es_types.clone().into()),
                    ("scripted", false.into()),
                ]);
                if let Some(path) = &field.nested_path {
                    value["subType"] = entry("nested", entry("path", path.as_str().into()));
                }
                value
            })
            .collect();
        entry("fields", fields.into())
    }
}

impl DataViewField {
    /// Kibana's test for `term` and `wildcard` queries (is.ts, `isKeywordField`):
    /// `esTypes` is exactly `['keyword']`.
    pub fn is_keyword(&self) -> bool {
        self.es_types == ["keyword"]
    }

    /// Kibana's test for a date range instead of `match` (`field.type === 'date'`).
    pub fn is_date(&self) -> bool {
        self.kibana_type == "date"
    }
}

/// `castEsToKbnFieldTypeName` over a field's types; a field whose indices
/// disagree on the Kibana type is a `conflict`.
fn kibana_type(mapping: &FieldMapping) -> String {
    let mut types = mapping
        .types
        .iter()
        .zip(&mapping.type_names)
        .map(|(field_type, name)| kibana_type_of(*field_type, name));
    let first = types.next().unwrap_or("unknown");
    if types.all(|other| other == first) {
        first.to_string()
    } else {
        "conflict".to_string()
    }
}

fn kibana_type_of(field_type: FieldType, name: &str) -> &str {
    match field_type {
        FieldType::Keyword
        | FieldType::ConstantKeyword
        | FieldType::Wildcard
        | FieldType::Text
        | FieldType::MatchOnlyText
        | FieldType::Flattened => "string",
        FieldType::Long
        | FieldType::Integer
        | FieldType::Short
        | FieldType::Byte
        | FieldType::UnsignedLong
        | FieldType::Double
        | FieldType::Float
        | FieldType::HalfFloat
        | FieldType::ScaledFloat => "number",
        FieldType::Date | FieldType::DateNanos => "date",
        FieldType::Ip => "ip",
        FieldType::Boolean => "boolean",
        FieldType::Object | FieldType::Nested | FieldType::Other => name,
    }
}
