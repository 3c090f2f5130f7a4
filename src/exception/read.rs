//! Reads exception lists, items and their entries from parsed JSON, by hand.
//!
//! One reader for every shape a record comes in (a line of NDJSON, an element
//! of an array, the objects a host passes): serde's derived readers were
//! compiled once for each deserializer they were used with, and the
//! internally tagged [`Entry`] went through serde's buffered `Content`
//! besides (about 85 KB of the wasm in all). The messages are serde's, as
//! its JSON text reader words them: a number that fits 64 bits is an
//! `integer` with its value. Each [`Fault`] keeps the path to the value at
//! fault, so that a record read from a text can point into it. Keys are read
//! in their order and unknown keys are ignored, as the derived readers did; a
//! key given twice counts once, with its last value, as in `JSON.parse`.

use serde_json::{Map, Value};

use super::{
    Entry, ExceptionItem, ExceptionList, ExceptionListReference, NamespaceType, Operator,
    ValueListReference,
};
use crate::collect::try_map;
use crate::error::invalid_type;
use crate::time::Timestamp;

/// One step from a JSON value to a value inside it.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Step {
    /// The value of an object's key.
    Key(String),
    /// An array's element.
    Index(usize),
}

/// What is wrong with a record, and where.
#[derive(Debug)]
pub(super) struct Fault {
    /// serde's words for it.
    pub message: String,
    /// From the record to the value at fault, outermost step first; for a
    /// missing field, the object that lacks it.
    pub path: Vec<Step>,
}

type Read<T> = Result<T, Fault>;

impl Fault {
    fn new(message: impl Into<String>) -> Fault {
        Fault {
            message: message.into(),
            path: Vec::new(),
        }
    }

    fn invalid(value: &Value, expected: &str) -> Fault {
        Fault::new(invalid_type(value, expected))
    }

    /// The fault as seen from the value that holds this one at `step`.
    fn under(mut self, step: Step) -> Fault {
        self.path.insert(0, step);
        self
    }
}

/// An exception item; `origin` says where it was read from.
pub(super) fn item(value: &Value, origin: String) -> Read<ExceptionItem> {
    let mut item = ExceptionItem {
        id: None,
        item_id: None,
        list_id: String::new(),
        name: String::new(),
        namespace_type: NamespaceType::default(),
        entries: Vec::new(),
        expire_time: None,
        os_types: Vec::new(),
        origin,
    };
    let mut entries = None;
    fields(object(value, "struct ExceptionItem")?, |key, value| {
        match key {
            "id" => item.id = optional_string(value)?,
            "item_id" => item.item_id = optional_string(value)?,
            "list_id" => item.list_id = string(value)?,
            "name" => item.name = string(value)?,
            "namespace_type" => item.namespace_type = namespace_type(value)?,
            "entries" => entries = Some(non_empty_entries(value)?),
            "expire_time" => item.expire_time = expire_time(value)?,
            "os_types" => item.os_types = list(value, string)?,
            _ => {}
        }
        Ok(())
    })?;
    item.entries = required(entries, "entries")?;
    Ok(item)
}

/// An exception list container; `origin` says where it was read from.
pub(super) fn list_container(value: &Value, origin: String) -> Read<ExceptionList> {
    let mut list = ExceptionList {
        id: None,
        list_id: String::new(),
        name: String::new(),
        list_type: String::new(),
        namespace_type: NamespaceType::default(),
        origin,
    };
    let mut list_id = None;
    fields(object(value, "struct ExceptionList")?, |key, value| {
        match key {
            "id" => list.id = optional_string(value)?,
            "list_id" => list_id = Some(non_empty(value)?),
            "name" => list.name = string(value)?,
            "type" => list.list_type = string(value)?,
            "namespace_type" => list.namespace_type = namespace_type(value)?,
            _ => {}
        }
        Ok(())
    })?;
    list.list_id = required(list_id, "list_id")?;
    Ok(list)
}

/// One element of a rule's `exceptions_list`.
pub(super) fn list_reference(value: &Value) -> Read<ExceptionListReference> {
    let mut reference = ExceptionListReference {
        id: String::new(),
        list_id: String::new(),
        list_type: String::new(),
        namespace_type: NamespaceType::default(),
    };
    let mut list_id = None;
    fields(
        object(value, "struct ExceptionListReference")?,
        |key, value| {
            match key {
                "id" => reference.id = string(value)?,
                "list_id" => list_id = Some(non_empty(value)?),
                "type" => reference.list_type = string(value)?,
                "namespace_type" => reference.namespace_type = namespace_type(value)?,
                _ => {}
            }
            Ok(())
        },
    )?;
    reference.list_id = required(list_id, "list_id")?;
    Ok(reference)
}

/// The entry types, as the Exceptions API names them.
const ENTRY_TYPES: &[(&str, EntryType)] = &[
    ("match", EntryType::Match),
    ("match_any", EntryType::MatchAny),
    ("wildcard", EntryType::Wildcard),
    ("exists", EntryType::Exists),
    ("list", EntryType::List),
    ("nested", EntryType::Nested),
];

/// An entry's `type`.
#[derive(Clone, Copy, PartialEq)]
enum EntryType {
    Match,
    MatchAny,
    Wildcard,
    Exists,
    List,
    Nested,
}

/// An entry's fields, each as its type reads it.
#[derive(Default)]
struct EntryFields {
    field: Option<String>,
    operator: Option<Operator>,
    value: Option<String>,
    values: Option<Vec<String>>,
    list: Option<ValueListReference>,
    entries: Option<Vec<Entry>>,
}

/// An entry: its `type` first, wherever it is, then the fields that type has.
fn entry(value: &Value) -> Read<Entry> {
    let object = object(value, "internally tagged enum Entry")?;
    let tag = object
        .get("type")
        .ok_or_else(|| Fault::new("missing field `type`"))?;
    let expected = "one of `match`, `match_any`, `wildcard`, `exists`, `list`, `nested`";
    let entry_type =
        one_of(tag, ENTRY_TYPES, expected).map_err(|fault| fault.under(key_step("type")))?;
    let mut read = EntryFields::default();
    fields(object, |key, value| {
        match (key, entry_type) {
            ("field", _) => read.field = Some(non_empty(value)?),
            ("operator", entry_type) if entry_type != EntryType::Nested => {
                read.operator = Some(operator(value)?)
            }
            ("value", EntryType::Match | EntryType::Wildcard) => {
                read.value = Some(non_empty(value)?)
            }
            ("value", EntryType::MatchAny) => read.values = Some(non_empty_strings(value)?),
            ("list", EntryType::List) => read.list = Some(value_list(value)?),
            ("entries", EntryType::Nested) => read.entries = Some(nested_entries(value)?),
            _ => {}
        }
        Ok(())
    })?;
    read.into_entry(entry_type)
}

impl EntryFields {
    /// The entry, once every field its type requires was given (checked in
    /// the order the fields are declared, as serde did).
    fn into_entry(self, entry_type: EntryType) -> Read<Entry> {
        let field = required(self.field, "field")?;
        let operator = || required(self.operator, "operator");
        Ok(match entry_type {
            EntryType::Match => Entry::Match {
                field,
                operator: operator()?,
                value: required(self.value, "value")?,
            },
            EntryType::MatchAny => Entry::MatchAny {
                field,
                operator: operator()?,
                value: required(self.values, "value")?,
            },
            EntryType::Wildcard => Entry::Wildcard {
                field,
                operator: operator()?,
                value: required(self.value, "value")?,
            },
            EntryType::Exists => Entry::Exists {
                field,
                operator: operator()?,
            },
            EntryType::List => Entry::List {
                field,
                operator: operator()?,
                list: required(self.list, "list")?,
            },
            EntryType::Nested => Entry::Nested {
                field,
                entries: required(self.entries, "entries")?,
            },
        })
    }
}

fn value_list(value: &Value) -> Read<ValueListReference> {
    let (mut id, mut list_type) = (None, None);
    fields(object(value, "struct ValueListReference")?, |key, value| {
        match key {
            "id" => id = Some(non_empty(value)?),
            "type" => list_type = Some(string(value)?),
            _ => {}
        }
        Ok(())
    })?;
    Ok(ValueListReference {
        id: required(id, "id")?,
        list_type: required(list_type, "type")?,
    })
}

fn non_empty_entries(value: &Value) -> Read<Vec<Entry>> {
    let entries = list(value, entry)?;
    if entries.is_empty() {
        return Err(Fault::new("an item needs at least one entry"));
    }
    Ok(entries)
}

/// Kibana's `nonEmptyNestedEntriesArray`: `match`, `match_any` and `exists` only.
fn nested_entries(value: &Value) -> Read<Vec<Entry>> {
    let entries = non_empty_entries(value)?;
    let allowed = |entry: &Entry| {
        matches!(
            entry,
            Entry::Match { .. } | Entry::MatchAny { .. } | Entry::Exists { .. }
        )
    };
    match entries.iter().position(|entry| !allowed(entry)) {
        Some(index) => Err(Fault::new(
            "a nested entry may only hold match, match_any and exists entries",
        )
        .under(Step::Index(index))),
        None => Ok(entries),
    }
}

/// `value` as an object; `expected` names it in the message if it is not one.
fn object<'v>(value: &'v Value, expected: &str) -> Read<&'v Map<String, Value>> {
    value
        .as_object()
        .ok_or_else(|| Fault::invalid(value, expected))
}

/// Calls `set` with each key of `object` and its value, in order, placing a
/// fault under its key.
fn fields(object: &Map<String, Value>, mut set: impl FnMut(&str, &Value) -> Read<()>) -> Read<()> {
    for (key, value) in object {
        set(key, value).map_err(|fault| fault.under(key_step(key)))?;
    }
    Ok(())
}

fn key_step(key: &str) -> Step {
    Step::Key(key.to_string())
}

fn required<T>(field: Option<T>, key: &str) -> Read<T> {
    field.ok_or_else(|| Fault::new(format!("missing field `{key}`")))
}

fn string(value: &Value) -> Read<String> {
    match value {
        Value::String(text) => Ok(text.clone()),
        other => Err(Fault::invalid(other, "a string")),
    }
}

fn optional_string(value: &Value) -> Read<Option<String>> {
    match value {
        Value::Null => Ok(None),
        other => string(other).map(Some),
    }
}

/// Kibana's `NonEmptyString`: not empty, and not only white space.
fn non_empty(value: &Value) -> Read<String> {
    let text = string(value)?;
    if text.trim().is_empty() {
        return Err(Fault::new("must not be empty or only white space"));
    }
    Ok(text)
}

fn non_empty_strings(value: &Value) -> Read<Vec<String>> {
    let values = list(value, string)?;
    if values.is_empty() || values.iter().any(|value| value.trim().is_empty()) {
        return Err(Fault::new(
            "must be a list of values, none empty or only white space",
        ));
    }
    Ok(values)
}

fn list<T>(value: &Value, read: fn(&Value) -> Read<T>) -> Read<Vec<T>> {
    let Value::Array(items) = value else {
        return Err(Fault::invalid(value, "a sequence"));
    };
    try_map(items.iter().enumerate(), |(index, item)| {
        read(item).map_err(|fault| fault.under(Step::Index(index)))
    })
}

fn expire_time(value: &Value) -> Read<Option<Timestamp>> {
    let Some(text) = optional_string(value)? else {
        return Ok(None);
    };
    Timestamp::parse_rfc3339(&text).map(Some).ok_or_else(|| {
        Fault::new(format!(
            "expire_time must be an ISO 8601 time such as 2026-12-31T00:00:00.000Z, not `{text}`"
        ))
    })
}

fn operator(value: &Value) -> Read<Operator> {
    let operators = [
        ("included", Operator::Included),
        ("excluded", Operator::Excluded),
    ];
    one_of(value, &operators, "`included` or `excluded`")
}

fn namespace_type(value: &Value) -> Read<NamespaceType> {
    let namespaces = [
        ("single", NamespaceType::Single),
        ("agnostic", NamespaceType::Agnostic),
    ];
    one_of(value, &namespaces, "`single` or `agnostic`")
}

/// The variant named by the string `value`; `expected` words the names as
/// serde does (a type error says it too, rather than serde's "expected
/// variant identifier" or "string or map").
fn one_of<T: Copy>(value: &Value, variants: &[(&str, T)], expected: &str) -> Read<T> {
    let Value::String(name) = value else {
        return Err(Fault::invalid(value, expected));
    };
    variants
        .iter()
        .find(|(known, _)| known == name)
        .map(|(_, variant)| *variant)
        .ok_or_else(|| Fault::new(format!("unknown variant `{name}`, expected {expected}")))
}
