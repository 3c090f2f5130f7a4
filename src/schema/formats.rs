//! Reading mappings in the shapes people have them: kql-detect's own field
//! tables, a `{field: type}` map, a `GET _mapping` response (or one mapping
//! body), a `_field_caps` response, and a Kibana data view's field list (as the
//! data views API returns it, as a saved object exports it, or as a bare list).

use std::sync::Arc;

use serde_json::{Map, Value};

use super::{FieldMapping, FieldType, Schema};
use crate::error::{Error, ErrorType};

/// Reads a field table: `name<TAB>type[<TAB>key=value]...` per line, `#` comments.
/// Its fields borrow their names from `text` and share equal mappings (see `table.rs`).
pub(super) fn read_field_table(schema: &mut Schema, text: &'static str) -> Result<(), String> {
    let mut distinct = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut columns = line.split('\t');
        let (Some(name), Some(type_name)) = (columns.next(), columns.next()) else {
            return Err(format!("line {}: expected `name<TAB>type`", index + 1));
        };
        let attributes: Vec<(&str, &str)> = columns
            .filter_map(|column| column.split_once('='))
            .collect();
        let attribute = |key: &str| {
            attributes
                .iter()
                .find(|(name, _)| *name == key)
                .map(|(_, value)| *value)
        };
        let ignore_above = match attribute("ignore_above") {
            Some(limit) => Some(
                limit
                    .parse()
                    .map_err(|_| format!("line {}: ignore_above must be a number", index + 1))?,
            ),
            None => None,
        };
        let mapping = match (type_name, attribute("object_type")) {
            // An object group with an object_type maps every path below it (a dynamic template).
            ("object", Some(object_type)) => FieldMapping::named(object_type),
            // An object group without one leaves its contents to the dynamic mapping.
            ("object", None) if name.contains('*') => continue,
            _ => FieldMapping::named(type_name),
        };
        let mapping = FieldMapping {
            ignore_above,
            constant_value: attribute("value").map(str::to_string),
            source_path: attribute("path")
                .or(attribute("parent"))
                .map(str::to_string),
            searchable: attribute("index") != Some("false"),
            ..mapping
        };
        // Later tables refine earlier ones (the integration's mapping over ECS).
        if name.contains('*') {
            schema.replace(name.to_string(), mapping);
        } else {
            schema.replace_shared(name, shared(&mut distinct, mapping));
        }
    }
    // Lookups see only settled fields (see `table.rs`).
    schema.settle();
    Ok(())
}

/// `mapping`, or the equal one read before it: a built-in table's some 200
/// fields have a dozen or two distinct mappings. A duplicate is dropped at
/// once, so the next line's mapping reuses its memory.
fn shared(distinct: &mut Vec<Arc<FieldMapping>>, mapping: FieldMapping) -> Arc<FieldMapping> {
    if let Some(equal) = distinct.iter().find(|known| ***known == mapping) {
        return Arc::clone(equal);
    }
    let mapping = Arc::new(mapping);
    distinct.push(Arc::clone(&mapping));
    mapping
}

/// Reads a user's mapping, recognising its format by its shape.
pub(super) fn read(schema: &mut Schema, value: &Value) -> Result<(), Error> {
    match value {
        Value::Array(fields) => read_data_view_fields(schema, fields),
        Value::Object(map) => read_object(schema, map),
        _ => Err(invalid(
            "not_an_object",
            "field types must be a JSON object (a {\"field\": \"type\"} map, a _mapping or _field_caps response) or a data view field list",
        )),
    }
}

fn read_object(schema: &mut Schema, map: &Map<String, Value>) -> Result<(), Error> {
    if let Some(data_view) = map.get("data_view") {
        return read(schema, data_view);
    }
    if let Some(Value::String(fields)) = map
        .get("attributes")
        .and_then(|attributes| attributes.get("fields"))
    {
        // A data view saved object keeps its field list as a JSON string.
        let fields: Value = serde_json::from_slice(fields.as_bytes()).map_err(|error| {
            invalid(
                "malformed_json",
                format!("the saved object's fields are not JSON: {error}"),
            )
        })?;
        return read(schema, &fields);
    }
    match map.get("fields") {
        Some(Value::Array(fields)) => return read_data_view_fields(schema, fields),
        Some(Value::Object(fields)) if is_field_caps(fields) => {
            return read_field_caps(schema, fields)
        }
        Some(Value::Object(fields)) if fields.values().all(|field| field.get("name").is_some()) => {
            let fields: Vec<Value> = fields.values().cloned().collect();
            return read_data_view_fields(schema, &fields);
        }
        _ => {}
    }
    if let Some(Value::Object(mappings)) = map.get("mappings") {
        return read_mapping_body(schema, mappings);
    }
    if map.get("properties").is_some_and(Value::is_object) && !map.contains_key("type") {
        return read_mapping_body(schema, map);
    }
    if !map.is_empty() && map.values().all(|index| index.get("mappings").is_some()) {
        // A `GET _mapping` response: one entry per index; disagreements become conflicts.
        for index in map.values() {
            if let Some(Value::Object(mappings)) = index.get("mappings") {
                read_mapping_body(schema, mappings)?;
            }
        }
        return Ok(());
    }
    read_plain_map(schema, map)
}

/// `{"field": "type"}`, or `{"field": {mapping parameters}}`.
fn read_plain_map(schema: &mut Schema, map: &Map<String, Value>) -> Result<(), Error> {
    for (name, definition) in map {
        match definition {
            Value::String(type_name) => {
                if FieldType::from_name(type_name) == FieldType::Other && type_name != "alias" {
                    return Err(invalid(
                        "unknown_type",
                        format!("field `{name}` has an unknown type \"{type_name}\""),
                    ));
                }
                schema.declare(name.clone(), FieldMapping::named(type_name));
            }
            Value::Object(_) => read_property(schema, name, definition),
            other => {
                return Err(invalid(
                    "unknown_type",
                    format!("field `{name}` must have a type name or mapping, not {other}"),
                ))
            }
        }
    }
    Ok(())
}

/// One mapping body: `{"properties": {...}}` (dynamic templates are not read:
/// a user's mapping is a snapshot, and fields it lacks are unmapped).
fn read_mapping_body(schema: &mut Schema, body: &Map<String, Value>) -> Result<(), Error> {
    if let Some(Value::Object(properties)) = body.get("properties") {
        read_properties(schema, "", properties);
    }
    Ok(())
}

fn read_properties(schema: &mut Schema, prefix: &str, properties: &Map<String, Value>) {
    for (name, definition) in properties {
        read_property(schema, &format!("{prefix}{name}"), definition);
    }
}

/// One field of a mapping, with its sub-properties and multi-fields.
fn read_property(schema: &mut Schema, name: &str, definition: &Value) {
    let type_name = definition
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("object");
    let disabled = definition.get("enabled") == Some(&Value::Bool(false));
    let mut mapping = FieldMapping::named(type_name);
    mapping.ignore_above = definition
        .get("ignore_above")
        .and_then(Value::as_u64)
        .and_then(|limit| usize::try_from(limit).ok());
    mapping.constant_value = definition
        .get("value")
        .and_then(Value::as_str)
        .map(str::to_string);
    mapping.scaling_factor = definition.get("scaling_factor").and_then(Value::as_f64);
    mapping.source_path = definition
        .get("path")
        .and_then(Value::as_str)
        .map(str::to_string);
    mapping.searchable = definition.get("index") != Some(&Value::Bool(false)) && !disabled;
    schema.declare(name.to_string(), mapping);
    if disabled {
        return;
    }
    if let Some(Value::Object(properties)) = definition.get("properties") {
        read_properties(schema, &format!("{name}."), properties);
    }
    if let Some(Value::Object(multi_fields)) = definition.get("fields") {
        for (sub_name, sub_definition) in multi_fields {
            let sub_type = sub_definition
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or("keyword");
            let mut sub_mapping = FieldMapping::named(sub_type);
            sub_mapping.ignore_above = sub_definition
                .get("ignore_above")
                .and_then(Value::as_u64)
                .and_then(|limit| usize::try_from(limit).ok());
            sub_mapping.source_path = Some(name.to_string());
            schema.declare(format!("{name}.{sub_name}"), sub_mapping);
        }
    }
}

/// True when `fields` looks like `_field_caps`' `fields`: name → type → capabilities.
fn is_field_caps(fields: &Map<String, Value>) -> bool {
    !fields.is_empty()
        && fields.values().all(|types| {
            types
                .as_object()
                .is_some_and(|types| types.values().all(|caps| caps.get("type").is_some()))
        })
}

/// A `_field_caps` response: several types for one name are a conflict.
fn read_field_caps(schema: &mut Schema, fields: &Map<String, Value>) -> Result<(), Error> {
    for (name, types) in fields {
        if name.starts_with('_') {
            continue;
        }
        let Some(types) = types.as_object() else {
            continue;
        };
        for (type_name, caps) in types {
            if type_name == "unmapped" {
                continue;
            }
            let mut mapping = FieldMapping::named(type_name);
            mapping.searchable = caps.get("searchable") != Some(&Value::Bool(false));
            schema.declare(name.clone(), mapping);
        }
    }
    infer_multi_field_parents(schema);
    Ok(())
}

/// A Kibana data view's fields: `{name, type, esTypes, searchable, subType}`.
fn read_data_view_fields(schema: &mut Schema, fields: &[Value]) -> Result<(), Error> {
    for field in fields {
        let Some(name) = field.get("name").and_then(Value::as_str) else {
            return Err(invalid(
                "missing_name",
                "every field of a data view needs a \"name\"",
            ));
        };
        if name.starts_with('_') {
            continue;
        }
        let es_types: Vec<&str> = match field.get("esTypes").and_then(Value::as_array) {
            Some(types) => types.iter().filter_map(Value::as_str).collect(),
            None => vec![kibana_type_to_es(
                field
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("unknown"),
            )],
        };
        for es_type in es_types {
            let mut mapping = FieldMapping::named(es_type);
            mapping.searchable = field.get("searchable") != Some(&Value::Bool(false));
            mapping.source_path = field
                .pointer("/subType/multi/parent")
                .and_then(Value::as_str)
                .map(str::to_string);
            schema.declare(name.to_string(), mapping);
        }
        if let Some(nested_path) = field
            .pointer("/subType/nested/path")
            .and_then(Value::as_str)
        {
            schema.declare_if_absent(nested_path.to_string(), FieldMapping::of(FieldType::Nested));
        }
    }
    Ok(())
}

/// Kibana's own type names, for field lists without `esTypes`.
fn kibana_type_to_es(kibana_type: &str) -> &str {
    match kibana_type {
        "string" => "keyword",
        "number" => "double",
        other => other,
    }
}

/// Kibana treats `a.b.text` as a multi-field of `a.b` when `a.b` is a field with values.
fn infer_multi_field_parents(schema: &mut Schema) {
    schema.settle();
    let children: Vec<(String, String)> = schema
        .fields
        .iter()
        .filter_map(|(name, _)| {
            let (parent, _) = name.rsplit_once('.')?;
            let parent_mapping = schema.fields.get(parent)?;
            let is_container = parent_mapping.types.iter().any(|field_type| {
                matches!(
                    field_type,
                    FieldType::Object | FieldType::Nested | FieldType::Flattened
                )
            });
            (!is_container).then(|| (name.to_string(), parent.to_string()))
        })
        .collect();
    let fields = Arc::make_mut(&mut schema.fields);
    for (child, parent) in children {
        if let Some(mapping) = fields.get_mut(&child) {
            mapping.source_path.get_or_insert(parent);
        }
    }
}

fn invalid(kind: &'static str, message: impl Into<String>) -> Error {
    Error::new(ErrorType::FieldTypesInvalid, kind, message)
}

#[cfg(test)]
mod tests {
    use super::super::Resolution;
    use super::*;
    use serde_json::json;

    fn describe(schema: &Schema, name: &str) -> String {
        match schema.resolve(name) {
            Resolution::Mapped(mapping) => match &mapping.source_path {
                Some(source) => format!("{} from {source}", mapping.describe()),
                None => mapping.describe(),
            },
            Resolution::Dynamic => "dynamic".to_string(),
            Resolution::FlattenedKey => "flattened key".to_string(),
            Resolution::Unmapped => "unmapped".to_string(),
        }
    }

    #[test]
    fn a_later_field_table_replaces_what_an_earlier_one_declared() {
        let mut schema = Schema::closed();
        let earlier =
            "a\tkeyword\tignore_above=10\nb\tlong\nlabels.*\tobject\tobject_type=keyword\n";
        let later = "a\tconstant_keyword\tvalue=x\nlabels.*\tobject\tobject_type=long\n";
        read_field_table(&mut schema, earlier).unwrap();
        read_field_table(&mut schema, later).unwrap();
        let cases = [
            // Replaced whole: the later type, none of the earlier attributes, no conflict.
            ("a", "constant_keyword"),
            ("b", "long"),
            // A template is added, the first one declared matching first.
            ("labels.x", "keyword"),
        ];
        for (name, expected) in cases {
            assert_eq!(describe(&schema, name), expected, "{name}");
        }
        let Resolution::Mapped(replaced) = schema.resolve("a") else {
            panic!("`a` is declared");
        };
        assert_eq!(replaced.ignore_above, None);
        assert_eq!(replaced.constant_value.as_deref(), Some("x"));
        assert_eq!(schema.templates().len(), 2);
    }

    /// Each field of a table read whole (where equal mappings are shared)
    /// has the mapping it has when its line is read alone: fields whose
    /// mappings differ in one attribute each share nothing, and the built-in
    /// tables read the same either way.
    #[test]
    fn a_shared_mapping_is_only_ever_an_equal_one() {
        let table = "a\tkeyword\nb\tkeyword\tignore_above=8191\nc\tkeyword\tignore_above=10\n\
            d\tkeyword\tvalue=x\ne\tkeyword\tpath=a\nf\tkeyword\tparent=a\ng\tkeyword\tindex=false\n\
            h\tlong\ni\tkeyword\tignore_above=8191\nj\tobject\tobject_type=keyword\nk\tkeyword\n";
        let builtin = [include_str!("ecs.fields"), include_str!("azure.fields")];
        for text in std::iter::once(table).chain(builtin) {
            let mut whole = Schema::closed();
            read_field_table(&mut whole, text).unwrap();
            let mut fields = 0;
            for line in text.lines().filter(|line| !line.starts_with('#')) {
                let name = line.split('\t').next().unwrap_or_default();
                let mut alone = Schema::closed();
                read_field_table(&mut alone, line.to_string().leak()).unwrap();
                let expected = alone.fields.get(name);
                assert_eq!(whole.fields.get(name), expected, "{line}");
                fields += usize::from(expected.is_some());
            }
            assert!(fields > 10, "{fields} fields compared");
        }
    }

    #[test]
    fn an_alias_takes_its_targets_mapping_or_is_dropped_without_one() {
        let schema = Schema::from_value(&json!({"logs-a": {"mappings": {"properties": {
            "n": {"type": "long"},
            "kept": {"type": "alias", "path": "n"},
            "orphan": {"type": "alias", "path": "nowhere"},
        }}}}))
        .unwrap();
        for (name, expected) in [("kept", "long from n"), ("orphan", "unmapped")] {
            assert_eq!(describe(&schema, name), expected, "{name}");
        }
    }

    #[test]
    fn plain_maps_take_names_or_mapping_parameters() {
        let schema = Schema::from_value(&json!({
            "a": "keyword",
            "b": {"type": "keyword", "ignore_above": 10},
            "c": {"properties": {"d": {"type": "long"}}},
        }))
        .unwrap();
        assert_eq!(describe(&schema, "a"), "keyword");
        assert_eq!(describe(&schema, "c.d"), "long");
        assert_eq!(describe(&schema, "z"), "unmapped");
        assert!(Schema::from_value(&json!({"a": "keywrd"})).is_err());
        assert!(Schema::from_value(&json!("keyword")).is_err());
    }

    #[test]
    fn mapping_responses_give_types_multi_fields_aliases_and_conflicts() {
        let schema = Schema::from_value(&json!({
            "logs-a": {"mappings": {"properties": {
                "user": {"properties": {"name": {"type": "keyword", "fields": {"text": {"type": "match_only_text"}}}}},
                "tenant": {"type": "alias", "path": "cloud.account.id"},
                "cloud": {"properties": {"account": {"properties": {"id": {"type": "keyword"}}}}},
                "n": {"type": "long"},
                "off": {"type": "keyword", "index": false},
            }}},
            "logs-b": {"mappings": {"properties": {"n": {"type": "keyword"}}}},
        }))
        .unwrap();
        assert_eq!(describe(&schema, "user.name"), "keyword");
        assert_eq!(
            describe(&schema, "user.name.text"),
            "match_only_text from user.name"
        );
        assert_eq!(describe(&schema, "tenant"), "keyword from cloud.account.id");
        assert_eq!(describe(&schema, "n"), "long, keyword");
        assert!(
            matches!(schema.resolve("off"), Resolution::Mapped(mapping) if !mapping.searchable)
        );
        assert_eq!(describe(&schema, "user"), "object");
    }

    #[test]
    fn field_caps_and_data_views_are_read() {
        let caps = Schema::from_value(&json!({
            "indices": ["logs-a", "logs-b"],
            "fields": {
                "host.name": {"keyword": {"type": "keyword", "searchable": true}},
                "host.name.text": {"match_only_text": {"type": "match_only_text", "searchable": true}},
                "port": {"long": {"type": "long"}, "keyword": {"type": "keyword"}, "unmapped": {"type": "unmapped"}},
                "_id": {"_id": {"type": "_id"}},
            }
        }))
        .unwrap();
        assert_eq!(
            describe(&caps, "host.name.text"),
            "match_only_text from host.name"
        );
        assert_eq!(describe(&caps, "port"), "long, keyword");
        assert_eq!(describe(&caps, "_id"), "unmapped");

        let view = Schema::from_value(&json!([
            {"name": "a", "type": "string", "esTypes": ["keyword"], "searchable": true},
            {"name": "a.text", "type": "string", "esTypes": ["text"], "subType": {"multi": {"parent": "a"}}},
            {"name": "u.first", "type": "string", "esTypes": ["keyword"], "subType": {"nested": {"path": "u"}}},
            {"name": "n", "type": "number"},
        ]))
        .unwrap();
        assert_eq!(describe(&view, "a.text"), "text from a");
        assert_eq!(describe(&view, "u"), "nested");
        assert_eq!(describe(&view, "n"), "double");

        let saved_object = Schema::from_value(&json!({
            "attributes": {"fields": "[{\"name\":\"x\",\"type\":\"ip\",\"esTypes\":[\"ip\"]}]"}
        }))
        .unwrap();
        assert_eq!(describe(&saved_object, "x"), "ip");
        let api = Schema::from_value(&json!({"data_view": {"fields": {"x": {"name": "x", "type": "date", "esTypes": ["date_nanos"]}}}})).unwrap();
        assert_eq!(describe(&api, "x"), "date_nanos");
    }
}
