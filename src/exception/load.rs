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

use serde_json::{Map, Value};

use super::read::{self, Step};
use super::{locate, ExceptionItem, ExceptionList, ExceptionListReference};
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
    let record_origin = match line {
        Some(line) => format!("{origin}, line {line}"),
        None => origin.to_string(),
    };
    let located = |error: Error, path: &[Step]| match locate::last_byte_of(text, path) {
        Some(offset) => error
            .at(Span::new(offset, offset), text)
            .starting_at_line(line.unwrap_or(1))
            .in_origin(origin),
        None => error.in_origin(record_origin.as_str()),
    };
    read_record(value, record_origin.clone(), located)
}

/// One record of a JSON document, named by its index there (`origin`);
/// its errors have no place in the text.
fn record_from_value(value: &Value, origin: &str) -> Option<Result<Loaded, Error>> {
    read_record(value, origin.to_string(), |error, _| {
        error.in_origin(origin)
    })
}

/// Reads the record `value`, read from `origin`; `place` gives an error its
/// place from the path to the value at fault.
fn read_record(
    value: &Value,
    origin: String,
    place: impl FnOnce(Error, &[Step]) -> Error,
) -> Option<Result<Loaded, Error>> {
    let (record, kind, what) = match kind_of(value) {
        Kind::Skipped => return None,
        Kind::Unknown => return Some(Err(not_an_exception(&origin))),
        Kind::List => (
            read::list_container(value, origin).map(Loaded::List),
            "malformed_list",
            "malformed exception list",
        ),
        Kind::Item => (
            read::item(value, origin).map(Loaded::Item),
            "malformed_item",
            "malformed exception item",
        ),
    };
    Some(record.map_err(|fault| {
        let error = Error::new(
            ErrorType::ExceptionInvalid,
            kind,
            format!("{what}: {}", fault.message),
        );
        place(error, &fault.path)
    }))
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
                read::list_reference(reference).map_err(|fault| {
                    Error::new(
                        ErrorType::ExceptionInvalid,
                        "malformed_reference",
                        format!("exceptions_list[{index}]: {}", fault.message),
                    )
                })
            })
            .collect()
    }
}

/// The one item `json` holds, for tests that need an item at hand.
#[cfg(test)]
pub(crate) fn item_for_test(json: &str) -> ExceptionItem {
    match load("test", json).as_slice() {
        [Ok(Loaded::Item(item))] => item.clone(),
        other => panic!("not one item: {other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An item whose entries are `entries`.
    fn with_entries(entries: &str) -> String {
        format!(r#"{{"item_id":"a","list_id":"l","entries":[{entries}]}}"#)
    }

    /// A `match` entry with `rest` in place of its value.
    fn matching(rest: &str) -> String {
        with_entries(&format!(
            r#"{{"field":"user.name","operator":"included","type":"match",{rest}}}"#
        ))
    }

    fn only_error(text: &str) -> Error {
        match load("t", text).as_slice() {
            [Err(error)] => error.clone(),
            other => panic!("{text}: {other:?}"),
        }
    }

    /// Every message the reader gives, read from the record's own text (the
    /// error points at the last byte of `at`, found in the record: the value at
    /// fault, or the object missing a field) and from a JSON array holding it
    /// (no place): the two must say the same.
    #[test]
    fn each_message_is_the_same_from_text_and_from_a_parsed_document() {
        let entry = r#"{"field":"user.name","operator":"included","type":"exists"}"#;
        let item = |rest: &str| format!(r#"{{"item_id":"a",{rest},"entries":[{entry}]}}"#);
        let no_entries = r#"{"item_id":"a","list_id":"l"}"#.to_string();
        let no_type = r#"{"field":"user.name","operator":"included"}"#;
        let no_list_type = r#"{"id":"admins"}"#;
        let cases: Vec<(String, &str, &str)> = vec![
            (no_entries.clone(), "missing field `entries`", &no_entries),
            (item(r#""list_id":5"#), "invalid type: integer `5`, expected a string", ":5"),
            (item(r#""list_id":-7"#), "invalid type: integer `-7`, expected a string", ":-7"),
            (item(r#""list_id":1.5"#), "invalid type: number, expected a string", ":1.5"),
            (item(r#""list_id":18446744073709551616"#), "invalid type: number, expected a string", "616"),
            (item(r#""name":null"#), "invalid type: null, expected a string", "null"),
            (item(r#""id":true"#), "invalid type: boolean `true`, expected a string", "true"),
            (item(r#""namespace_type":"global""#), "unknown variant `global`, expected `single` or `agnostic`", "\"global\""),
            (item(r#""namespace_type":[]"#), "invalid type: sequence, expected `single` or `agnostic`", "[]"),
            (item(r#""os_types":["linux",3]"#), "invalid type: integer `3`, expected a string", ",3"),
            (item(r#""expire_time":"soon""#), "expire_time must be an ISO 8601 time such as 2026-12-31T00:00:00.000Z, not `soon`", "\"soon\""),
            (r#"{"list_id":"l","entries":{}}"#.to_string(), "invalid type: map, expected a sequence", "{}"),
            (with_entries(""), "an item needs at least one entry", "[]"),
            (with_entries(r#""x""#), "invalid type: string \"x\", expected internally tagged enum Entry", "\"x\""),
            (with_entries(no_type), "missing field `type`", no_type),
            (with_entries(r#"{"type":"regex"}"#), "unknown variant `regex`, expected one of `match`, `match_any`, `wildcard`, `exists`, `list`, `nested`", "\"regex\""),
            (with_entries(r#"{"type":5}"#), "invalid type: integer `5`, expected one of `match`, `match_any`, `wildcard`, `exists`, `list`, `nested`", "5"),
            (with_entries(r#"{"type":"exists","operator":"included"}"#), "missing field `field`", "\"included\"}"),
            (with_entries(r#"{"type":"exists","field":"f"}"#), "missing field `operator`", "\"f\"}"),
            (matching(r#""x":1"#), "missing field `value`", "\"x\":1}"),
            (matching(r#""value":5"#), "invalid type: integer `5`, expected a string", ":5"),
            (matching(r#""value":" ""#), "must not be empty or only white space", "\" \""),
            (with_entries(r#"{"field":"f","operator":"is","type":"exists"}"#), "unknown variant `is`, expected `included` or `excluded`", "\"is\""),
            (with_entries(r#"{"field":"f","operator":"included","type":"match_any","value":"x"}"#), "invalid type: string \"x\", expected a sequence", "\"x\""),
            (with_entries(r#"{"field":"f","operator":"included","type":"match_any","value":["x",""]}"#), "must be a list of values, none empty or only white space", "[\"x\",\"\"]"),
            (with_entries(r#"{"field":"f","operator":"included","type":"list"}"#), "missing field `list`", "\"list\"}"),
            (with_entries(r#"{"field":"f","operator":"included","type":"list","list":"x"}"#), "invalid type: string \"x\", expected struct ValueListReference", "\"x\""),
            (with_entries(&format!(r#"{{"field":"f","operator":"included","type":"list","list":{no_list_type}}}"#)), "missing field `type`", no_list_type),
            (with_entries(r#"{"field":"f","type":"nested"}"#), "missing field `entries`", "\"nested\"}"),
            (with_entries(r#"{"field":"f","type":"nested","entries":[{"field":"g","operator":"included","type":"exists"},{"field":"g","operator":"included","type":"wildcard","value":"*"}]}"#), "a nested entry may only hold match, match_any and exists entries", "\"*\"}"),
            (r#"{"list_id":" "}"#.to_string(), "must not be empty or only white space", "\" \""),
            (r#"{"list_id":"l","type":5}"#.to_string(), "invalid type: integer `5`, expected a string", "5"),
        ];
        for (record, message, at) in &cases {
            let is_item = record.contains("entries") || record.contains("item_id");
            let what = if is_item { "item" } else { "list" };
            let expected = format!("malformed exception {what}: {message}");
            let from_text = only_error(record);
            let from_document = only_error(&format!("[{record}]"));
            assert_eq!(from_text.message, expected, "{record}");
            assert_eq!(from_document.message, expected, "[{record}]");
            let last_byte = record.find(at).map(|start| start + at.len() - 1);
            assert_eq!(
                from_text.span().map(|span| span.start),
                last_byte,
                "{record}"
            );
            assert_eq!(from_document.span(), None, "[{record}]");
        }
    }

    #[test]
    fn each_message_of_a_rules_list_reference() {
        let cases = [
            (r#"{"id":"x"}"#, "exceptions_list[0]: missing field `list_id`"),
            (r#"{"list_id":""}"#, "exceptions_list[0]: must not be empty or only white space"),
            (r#"{"list_id":"l","id":5}"#, "exceptions_list[0]: invalid type: integer `5`, expected a string"),
            (r#"{"list_id":"l","namespace_type":"x"}"#, "exceptions_list[0]: unknown variant `x`, expected `single` or `agnostic`"),
            ("5", "exceptions_list[0]: invalid type: integer `5`, expected struct ExceptionListReference"),
        ];
        for (reference, message) in cases {
            let value: Value = serde_json::from_slice(reference.as_bytes()).expect("JSON");
            let error = ExceptionListReference::from_rule(&[value]).expect_err(reference);
            assert_eq!(error.message, message, "{reference}");
        }
    }
}
