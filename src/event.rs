//! How the evaluator reads an event: the values of a field, whichever way the
//! JSON spells the field.
//!
//! Elasticsearch indexes `{"a.b": 1}`, `{"a": {"b": 1}}` and `{"a": [{"b": 1}]}`
//! all as field `a.b` with value 1, and treats `null`, `[]` and `[null]` as no
//! value. The [`Event`] trait exposes exactly that view, so the evaluator never
//! sees JSON structure, and a faster representation than `serde_json::Value`
//! can implement it later without the evaluator changing.

use serde_json::Value;

use crate::pattern::{Glob, GlobState};

/// One value of a field.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar<'a> {
    /// A JSON string.
    Text(&'a str),
    /// A JSON number, as written in the source: a keyword field indexes `1.0`
    /// as "1.0", and a long field reads it as 1, so both readings must stay possible.
    Number(&'a str),
    /// A JSON boolean.
    Boolean(bool),
}

/// Visits values until the visitor returns `true` ("found"); the caller learns whether it did.
pub type Visitor<'v> = dyn FnMut(Scalar<'_>) -> bool + 'v;

/// Read access to an event's fields, in Elasticsearch's flattened view.
pub trait Event {
    /// Visits each value of the field named exactly `path`; true if the visitor returned true.
    fn any_value(&self, path: &str, visit: &mut Visitor<'_>) -> bool;

    /// Visits each value of every field whose full name matches `pattern`.
    fn any_value_matching(&self, pattern: &Glob, visit: &mut Visitor<'_>) -> bool;

    /// Visits each object stored under `path`, as an event of its own (for nested queries).
    fn any_object(&self, path: &str, visit: &mut dyn FnMut(&dyn Event) -> bool) -> bool;
}

/// An event held as a parsed `serde_json::Value`.
#[derive(Clone, Copy, Debug)]
pub struct JsonEvent<'a>(pub &'a Value);

impl Event for JsonEvent<'_> {
    fn any_value(&self, path: &str, visit: &mut Visitor<'_>) -> bool {
        any_node_at(self.0, path, &mut |node| any_scalar(node, visit))
    }

    fn any_value_matching(&self, pattern: &Glob, visit: &mut Visitor<'_>) -> bool {
        match self.0 {
            Value::Object(_) | Value::Array(_) => {
                any_matching_below(self.0, pattern, pattern.start(), true, visit)
            }
            _ => false,
        }
    }

    fn any_object(&self, path: &str, visit: &mut dyn FnMut(&dyn Event) -> bool) -> bool {
        any_node_at(self.0, path, &mut |node| any_object_in(node, visit))
    }
}

/// Visits each JSON node stored at `path` below `node`: a key may hold several
/// segments of the path at once (`"a.b"`), and arrays are looked through.
fn any_node_at(node: &Value, path: &str, visit: &mut dyn FnMut(&Value) -> bool) -> bool {
    match node {
        Value::Object(map) => {
            for (dot, _) in path.match_indices('.') {
                if let Some(child) = map.get(&path[..dot]) {
                    if any_node_at(child, &path[dot + 1..], visit) {
                        return true;
                    }
                }
            }
            map.get(path).is_some_and(visit)
        }
        Value::Array(items) => items.iter().any(|item| any_node_at(item, path, visit)),
        _ => false,
    }
}

/// Visits the scalar values of a field node: arrays are flattened, `null` is no
/// value, and an object is not a value of this field.
fn any_scalar(node: &Value, visit: &mut Visitor<'_>) -> bool {
    match node {
        Value::Null | Value::Object(_) => false,
        Value::Bool(value) => visit(Scalar::Boolean(*value)),
        Value::String(text) => visit(Scalar::Text(text)),
        Value::Number(number) => visit(Scalar::Number(number.as_str())),
        Value::Array(items) => items.iter().any(|item| any_scalar(item, visit)),
    }
}

fn any_object_in(node: &Value, visit: &mut dyn FnMut(&dyn Event) -> bool) -> bool {
    match node {
        Value::Object(_) => visit(&JsonEvent(node)),
        Value::Array(items) => items.iter().any(|item| any_object_in(item, visit)),
        _ => false,
    }
}

/// Walks every field below `node`, feeding each key to the pattern as it goes,
/// and skipping any branch the pattern can no longer match.
fn any_matching_below(
    node: &Value,
    pattern: &Glob,
    state: GlobState,
    at_root: bool,
    visit: &mut Visitor<'_>,
) -> bool {
    match node {
        Value::Object(map) => map.iter().any(|(key, child)| {
            let state = if at_root {
                state
            } else {
                pattern.feed(state, b".")
            };
            let state = pattern.feed(state, key.as_bytes());
            !pattern.is_dead(state) && any_matching_field(child, pattern, state, visit)
        }),
        Value::Array(items) => items
            .iter()
            .any(|item| any_matching_below(item, pattern, state, at_root, visit)),
        _ => false,
    }
}

/// Visits the values of the field whose name has brought the pattern to `state`,
/// then the fields below it.
fn any_matching_field(
    node: &Value,
    pattern: &Glob,
    state: GlobState,
    visit: &mut Visitor<'_>,
) -> bool {
    match node {
        Value::Object(_) => any_matching_below(node, pattern, state, false, visit),
        Value::Array(items) => items
            .iter()
            .any(|item| any_matching_field(item, pattern, state, visit)),
        scalar => pattern.accepts(state) && any_scalar(scalar, visit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn values(event: &Value, path: &str) -> Vec<String> {
        let mut seen = Vec::new();
        JsonEvent(event).any_value(path, &mut |scalar| {
            seen.push(format!("{scalar:?}"));
            false
        });
        seen
    }

    #[test]
    fn dotted_keys_nested_objects_and_arrays_are_one_field() {
        let event = json!({
            "a.b": 1,
            "a": {"b": [2, null, [3]], "b.c": "no"},
            "x": [{"y": "first"}, {"y": "second"}],
        });
        assert_eq!(
            values(&event, "a.b"),
            ["Number(\"2\")", "Number(\"3\")", "Number(\"1\")"]
        );
        assert_eq!(
            values(&event, "x.y"),
            ["Text(\"first\")", "Text(\"second\")"]
        );
        assert!(values(&event, "a").is_empty(), "an object is not a value");
        assert!(values(&event, "missing").is_empty());
    }
}
