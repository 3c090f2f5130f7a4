//! Reads exception lists and items in the shapes Kibana hands them out, and
//! finds the items a rule's `exceptions_list` names.
//!
//! Accepted: the exception list export (NDJSON: list containers, then items,
//! then a line of export counts), a rule export that carries its exception
//! lists (its rule lines and counts are left to the rule loader), one list or
//! item as the Exceptions API returns it, an array of them, the `_find`
//! response `{"data": [...]}` and the rule exceptions request `{"items": [...]}`.
//! Every record has an outcome: it loads, it is skipped as not an exception
//! (rules, export counts), or it is an error with its place.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{ExceptionItem, ExceptionList, ExceptionListReference};
use crate::error::{Error, ErrorType};
use crate::span::Span;

/// One record read from an exceptions text.
#[derive(Clone, Debug, PartialEq)]
pub enum Loaded {
    /// A list container.
    List(ExceptionList),
    /// An item.
    Item(ExceptionItem),
}

/// Reads every exception list and item in `text`, which came from `origin` (a file name).
pub fn load(origin: &str, text: &str) -> Vec<Result<Loaded, Error>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Vec::new();
    }
    match serde_json::from_slice::<Value>(text.as_bytes()) {
        Ok(Value::Array(records)) => load_values(records, origin, ""),
        Ok(Value::Object(mut object)) => match wrapped_records(&mut object) {
            Some((key, records)) => load_values(records, origin, key),
            None => load_record(&Value::Object(object), text, origin, None)
                .into_iter()
                .collect(),
        },
        Ok(other) => load_values(vec![other], origin, ""),
        Err(_) if first_line_is_json(text) => load_ndjson(origin, text),
        Err(error) => vec![Err(json_error(
            "malformed_json",
            "malformed JSON",
            &error,
            text,
            1,
            origin,
        ))],
    }
}

fn first_line_is_json(text: &str) -> bool {
    text.lines()
        .find(|line| !line.trim().is_empty())
        .is_some_and(|line| serde_json::from_slice::<Value>(line.as_bytes()).is_ok())
}

/// The records of a `_find` response (`data`) or a rule exceptions request (`items`).
fn wrapped_records(object: &mut Map<String, Value>) -> Option<(&'static str, Vec<Value>)> {
    let key = ["data", "items"]
        .into_iter()
        .find(|key| object.get(*key).is_some_and(Value::is_array))?;
    match object.remove(key) {
        Some(Value::Array(records)) => Some((key, records)),
        _ => None,
    }
}

/// The records of a JSON document, named by their index (`file, data[2]`).
fn load_values(records: Vec<Value>, origin: &str, key: &str) -> Vec<Result<Loaded, Error>> {
    let prefix = if key.is_empty() {
        String::new()
    } else {
        format!(", {key}")
    };
    records
        .into_iter()
        .enumerate()
        .filter_map(|(index, record)| {
            record_from_value(&record, &format!("{origin}{prefix}[{index}]"))
        })
        .collect()
}

/// NDJSON, as Kibana exports: one record per line.
fn load_ndjson(origin: &str, text: &str) -> Vec<Result<Loaded, Error>> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .filter_map(|(index, line)| {
            let line_number = index + 1;
            match serde_json::from_slice::<Value>(line.as_bytes()) {
                Ok(value) => load_record(&value, line, origin, Some(line_number)),
                Err(error) => Some(Err(json_error(
                    "malformed_json",
                    "malformed JSON",
                    &error,
                    line,
                    line_number,
                    origin,
                ))),
            }
        })
        .collect()
}

/// One record whose JSON `text` is at hand (`value` is it parsed), so that
/// errors point into it; `line` is its line number in an NDJSON file.
fn load_record(
    value: &Value,
    text: &str,
    origin: &str,
    line: Option<usize>,
) -> Option<Result<Loaded, Error>> {
    let located = |kind, what, error: &serde_json::Error| {
        json_error(kind, what, error, text, line.unwrap_or(1), origin)
    };
    let record_origin = match line {
        Some(line) => format!("{origin}, line {line}"),
        None => origin.to_string(),
    };
    let record = match kind_of(value) {
        Kind::Skipped => return None,
        Kind::Unknown => return Some(Err(not_an_exception(&record_origin))),
        Kind::List => serde_json::from_slice(text.as_bytes())
            .map(Loaded::List)
            .map_err(|error| located("malformed_list", "malformed exception list", &error)),
        Kind::Item => serde_json::from_slice(text.as_bytes())
            .map(Loaded::Item)
            .map_err(|error| located("malformed_item", "malformed exception item", &error)),
    };
    Some(record.map(|record| with_origin(record, record_origin)))
}

/// One record of a JSON document (no positions: serde_json has none for values).
fn record_from_value(value: &Value, origin: &str) -> Option<Result<Loaded, Error>> {
    let record = match kind_of(value) {
        Kind::Skipped => return None,
        Kind::Unknown => return Some(Err(not_an_exception(origin))),
        Kind::List => {
            typed(value, origin, "malformed_list", "malformed exception list").map(Loaded::List)
        }
        Kind::Item => {
            typed(value, origin, "malformed_item", "malformed exception item").map(Loaded::Item)
        }
    };
    Some(record.map(|record| with_origin(record, origin.to_string())))
}

/// Reads a record through a borrowed `Value`, the one deserializer that rules
/// use too: each deserializer serde is used with is a copy of every derived
/// reader in the wasm.
fn typed<T: DeserializeOwned>(
    value: &Value,
    origin: &str,
    kind: &'static str,
    what: &str,
) -> Result<T, Error> {
    T::deserialize(value).map_err(|error| {
        Error::new(
            ErrorType::ExceptionInvalid,
            kind,
            format!("{what}: {error}"),
        )
        .in_origin(origin)
    })
}

fn with_origin(record: Loaded, origin: String) -> Loaded {
    match record {
        Loaded::List(list) => Loaded::List(ExceptionList { origin, ..list }),
        Loaded::Item(item) => Loaded::Item(ExceptionItem { origin, ..item }),
    }
}

enum Kind {
    List,
    Item,
    /// A rule, or an export's counts: not this loader's business.
    Skipped,
    Unknown,
}

fn kind_of(value: &Value) -> Kind {
    let Value::Object(object) = value else {
        return Kind::Unknown;
    };
    let has = |key: &str| object.contains_key(key);
    if has("entries") || has("item_id") {
        Kind::Item
    } else if has("rule_id") || is_export_counts(object) {
        Kind::Skipped
    } else if has("list_id") {
        Kind::List
    } else {
        Kind::Unknown
    }
}

/// The last line of an exception list export (`exported_exception_list_count`, …)
/// or of a rule export (`exported_count`, …).
fn is_export_counts(object: &Map<String, Value>) -> bool {
    object.contains_key("exported_exception_list_count") || object.contains_key("exported_count")
}

fn not_an_exception(origin: &str) -> Error {
    Error::new(
        ErrorType::ExceptionInvalid,
        "not_an_exception",
        "not an exception list or item: expected an object with `list_id`, and for an item `entries`",
    )
    .in_origin(origin)
}

/// An error at the place serde_json reports in `text`, whose first line is
/// line `first_line` of `origin`.
fn json_error(
    kind: &'static str,
    what: &str,
    error: &serde_json::Error,
    text: &str,
    first_line: usize,
    origin: &str,
) -> Error {
    let message = error.to_string();
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(message, _)| message);
    let offset = if error.is_eof() {
        text.trim_end().len()
    } else {
        offset_of(text, error.line(), error.column())
    };
    Error::new(
        ErrorType::ExceptionInvalid,
        kind,
        format!("{what}: {message}"),
    )
    .at(Span::new(offset, offset), text)
    .starting_at_line(first_line)
    .in_origin(origin)
}

/// The byte offset of serde_json's 1-based line and column, clamped to the text.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    crate::span::floor_char_boundary(text, line_start + column.saturating_sub(1))
}

/// Exception lists and items gathered from any number of texts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExceptionSet {
    /// The list containers.
    pub lists: Vec<ExceptionList>,
    /// The items.
    pub items: Vec<ExceptionItem>,
}

impl ExceptionSet {
    /// Adds one loaded record.
    pub fn add(&mut self, record: Loaded) {
        match record {
            Loaded::List(list) => self.lists.push(list),
            Loaded::Item(item) => self.items.push(item),
        }
    }

    /// The items of the lists `references` name, found as Kibana finds them: by
    /// `list_id` and `namespace_type`. Each reference nothing was loaded for
    /// (no container, no item) is reported, so that a rule does not silently
    /// run without exceptions its author gave it.
    pub fn items_for(
        &self,
        references: &[ExceptionListReference],
    ) -> (Vec<&ExceptionItem>, Vec<Error>) {
        let named = |reference: &ExceptionListReference, list_id: &str, namespace| {
            reference.list_id == list_id && reference.namespace_type == namespace
        };
        let items = self
            .items
            .iter()
            .filter(|item| {
                references
                    .iter()
                    .any(|reference| named(reference, &item.list_id, item.namespace_type))
            })
            .collect();
        let missing = references
            .iter()
            .filter(|reference| {
                !self
                    .lists
                    .iter()
                    .any(|list| named(reference, &list.list_id, list.namespace_type))
                    && !self
                        .items
                        .iter()
                        .any(|item| named(reference, &item.list_id, item.namespace_type))
            })
            .map(|reference| {
                Error::new(
                    ErrorType::ExceptionInvalid,
                    "missing_exception_list",
                    format!(
                        "the rule names exception list `{}` ({:?}), but no such list was loaded",
                        reference.list_id, reference.namespace_type
                    ),
                )
            })
            .collect();
        (items, missing)
    }
}

impl ExceptionListReference {
    /// Reads a rule's `exceptions_list` (`[{id, list_id, type, namespace_type}]`).
    pub fn from_rule(exceptions_list: &[Value]) -> Result<Vec<ExceptionListReference>, Error> {
        exceptions_list
            .iter()
            .enumerate()
            .map(|(index, reference)| {
                ExceptionListReference::deserialize(reference).map_err(|error| {
                    Error::new(
                        ErrorType::ExceptionInvalid,
                        "malformed_reference",
                        format!("exceptions_list[{index}]: {error}"),
                    )
                })
            })
            .collect()
    }
}
