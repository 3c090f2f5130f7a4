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

/// Visits values with the full name of the field they belong to.
pub type PathVisitor<'v> = dyn FnMut(&str, Scalar<'_>) -> bool + 'v;

/// Read access to an event's fields, in Elasticsearch's flattened view.
pub trait Event {
    /// Visits each value of the field named exactly `path`; true if the visitor returned true.
    fn any_value(&self, path: &str, visit: &mut Visitor<'_>) -> bool;

    /// Visits each value of every field whose full name matches `pattern`, with that name.
    fn any_value_matching(&self, pattern: &Glob, visit: &mut PathVisitor<'_>) -> bool;

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

    fn any_value_matching(&self, pattern: &Glob, visit: &mut PathVisitor<'_>) -> bool {
        let mut walk = Walk {
            pattern,
            path: PathBuffer::default(),
            visit,
        };
        match self.0 {
            Value::Object(_) | Value::Array(_) => walk.below(self.0, pattern.start(), true),
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

/// A walk over every field of an event, feeding each key to the pattern as it
/// goes and skipping any branch the pattern can no longer match.
struct Walk<'w, 'v> {
    pattern: &'w Glob,
    path: PathBuffer,
    visit: &'w mut PathVisitor<'v>,
}

impl Walk<'_, '_> {
    /// Visits the fields below `node`, whose own name brought the pattern to
    /// `state` (`at_root` for the event itself: an empty key below it still
    /// adds its `.`).
    fn below(&mut self, node: &Value, state: GlobState, at_root: bool) -> bool {
        match node {
            Value::Object(map) => map.iter().any(|(key, child)| {
                let state = if at_root {
                    state
                } else {
                    self.pattern.feed(state, b".")
                };
                let state = self.pattern.feed(state, key.as_bytes());
                if self.pattern.is_dead(state) {
                    return false;
                }
                let mark = self.path.push_key(key, at_root);
                let found = self.field(child, state);
                self.path.truncate(mark);
                found
            }),
            Value::Array(items) => items.iter().any(|item| self.below(item, state, at_root)),
            _ => false,
        }
    }

    /// Visits the values of the field at the current path, then the fields below it.
    fn field(&mut self, node: &Value, state: GlobState) -> bool {
        match node {
            Value::Object(_) => self.below(node, state, false),
            Value::Array(items) => items.iter().any(|item| self.field(item, state)),
            scalar => {
                if !self.pattern.accepts(state) {
                    return false;
                }
                let Some(path) = self.path.as_str() else {
                    return false;
                };
                let visit = &mut *self.visit;
                any_scalar(scalar, &mut |value| visit(path, value))
            }
        }
    }
}

/// The dotted path of the field being walked: on the stack while it is short
/// (as field names are), on the heap only beyond that.
struct PathBuffer {
    inline: [u8; 192],
    length: usize,
    spilled: Option<Vec<u8>>,
}

impl Default for PathBuffer {
    fn default() -> PathBuffer {
        PathBuffer {
            inline: [0; 192],
            length: 0,
            spilled: None,
        }
    }
}

impl PathBuffer {
    /// Appends `.key` (or `key` at the root) and returns the length to truncate back to.
    fn push_key(&mut self, key: &str, at_root: bool) -> usize {
        let mark = self.length;
        if !at_root {
            self.push_bytes(b".");
        }
        self.push_bytes(key.as_bytes());
        mark
    }

    fn push_bytes(&mut self, bytes: &[u8]) {
        let end = self.length + bytes.len();
        match &mut self.spilled {
            Some(spilled) => spilled.extend_from_slice(bytes),
            None if end <= self.inline.len() => {
                self.inline[self.length..end].copy_from_slice(bytes)
            }
            None => {
                let mut spilled = self.inline[..self.length].to_vec();
                spilled.extend_from_slice(bytes);
                self.spilled = Some(spilled);
            }
        }
        self.length = end;
    }

    fn truncate(&mut self, length: usize) {
        self.length = length;
        if let Some(spilled) = &mut self.spilled {
            spilled.truncate(length);
        }
    }

    /// The path; keys are UTF-8, so this only fails if that were ever broken.
    fn as_str(&self) -> Option<&str> {
        let bytes = match &self.spilled {
            Some(spilled) => spilled.as_slice(),
            None => &self.inline[..self.length],
        };
        std::str::from_utf8(bytes).ok()
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

    #[test]
    fn walks_report_the_full_path_of_each_value() {
        let long_key = "k".repeat(300);
        let event = json!({"a": {"x.y": {"b": 1}, "z": [{"b": "two"}]}, "q": {long_key.clone(): {"b": true}}});
        let mut seen = Vec::new();
        let pattern = crate::pattern::Glob::new(&crate::schema::wildcard_pattern("*.b"));
        JsonEvent(&event).any_value_matching(&pattern, &mut |path, value| {
            seen.push(format!("{path}={value:?}"));
            false
        });
        assert_eq!(
            seen,
            [
                "a.x.y.b=Number(\"1\")".to_string(),
                "a.z.b=Text(\"two\")".to_string(),
                format!("q.{long_key}.b=Boolean(true)")
            ]
        );
    }
}
