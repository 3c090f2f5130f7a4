//! Turns what users paste into the documents Elasticsearch would hold.
//!
//! Rules only match documents shaped by Elastic's ingest pipelines, so raw
//! Azure records must be normalised the way Elastic's Azure integration does it
//! ([`azure`]) before they are evaluated. Users also paste wrappers around
//! records: the diagnostic-settings envelope `{"records": [...]}`, Microsoft
//! Graph `directoryAudits` items and `{"value": [...]}` pages, Filebeat or Agent
//! documents whose `message` still holds the raw JSON, and Elasticsearch search
//! hits or whole `_search` responses. This module recognises each shape and
//! yields one [`Ingested`] document per event; anything else is taken as an
//! already-ingested ECS document and passed through unchanged.

pub mod azure;

use crate::limits::{parse_json, DEFAULT_MAX_JSON_DEPTH};
use serde_json::{Map, Value};

use crate::error::{Error, ErrorType};
use crate::options;

/// Top-level keys that make an input something other than an ECS document:
/// a raw record (`category`…), a Graph item or page, an envelope, a search hit.
/// An input with none of them (nor a key starting with
/// [`NON_ECS_KEY_PREFIXES`]) and no [`EMBEDDING_FIELDS`] holding JSON text is
/// passed through unchanged by [`ingest`] in [`InputKind::Auto`], which lets a
/// caller that reads only some fields know that without parsing the rest.
pub const NON_ECS_TOP_LEVEL_KEYS: [&str; 9] = [
    "category",
    "Category",
    "CategoryValue",
    "activityDisplayName",
    "records",
    "value",
    "hits",
    "_source",
    "_index",
];

/// Prefixes of top-level keys that make an input a Graph API page.
pub const NON_ECS_KEY_PREFIXES: [&str; 1] = ["@odata."];

/// Fields whose text may hold the raw record a wrapper document carries.
pub const EMBEDDING_FIELDS: [&str; 2] = ["message", "event.original"];

/// Whether an [`EMBEDDING_FIELDS`] value may hold a raw record (JSON text).
pub fn may_embed_record(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// How to read an input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InputKind {
    /// Recognise raw Azure records and wrappers, and pass ECS documents through.
    #[default]
    Auto,
    /// Everything is an ECS document already (search hits are still unwrapped).
    Ecs,
    /// Everything is a raw Azure record (or a wrapper of them).
    Azure,
}

impl InputKind {
    /// The kind named `auto`, `ecs` or `azure`.
    pub fn from_name(name: &str) -> Option<InputKind> {
        match name {
            "auto" => Some(InputKind::Auto),
            "ecs" => Some(InputKind::Ecs),
            "azure" => Some(InputKind::Azure),
            _ => None,
        }
    }
}

/// How inputs are turned into documents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IngestOptions {
    /// What the inputs are.
    pub input: InputKind,
    /// Keep each raw record's JSON text as `event.original` (Elastic's
    /// `preserve_original_event` tag); off by default, as in Elastic.
    pub keep_original: bool,
}

impl IngestOptions {
    /// Reads `{"input": "auto" | "ecs" | "azure", "keepOriginal": bool}`
    /// (both optional); unknown keys are refused.
    pub fn from_json(text: &str) -> Result<IngestOptions, Error> {
        // The name `Given` is the one messages have always used.
        const SHAPE: options::Shape = options::Shape {
            name: "Given",
            keys: &["input", "keepOriginal"],
            kinds: &[options::Kind::Text, options::Kind::Flag],
            in_array: 2,
        };
        let (mut input, mut keep_original) = (None, None);
        for (index, given) in options::read(text, "normalize", &SHAPE)? {
            match index {
                0 => input = given.text,
                _ => keep_original = given.flag,
            }
        }
        let invalid =
            |message: String| Error::new(ErrorType::OptionsInvalid, "malformed_options", message);
        let input = match input.as_deref() {
            None => InputKind::Auto,
            Some(name) => InputKind::from_name(name).ok_or_else(|| {
                invalid(format!("`input` must be auto, ecs or azure, not `{name}`"))
            })?,
        };
        Ok(IngestOptions {
            input,
            keep_original: keep_original.unwrap_or(false),
        })
    }
}

/// Parses `text` and returns the documents it holds; the first part that is
/// not a document fails the whole input.
pub fn normalize_json(text: &str, options: IngestOptions) -> Result<Vec<Value>, Error> {
    let value = parse_json(text.as_bytes(), DEFAULT_MAX_JSON_DEPTH)
        .map_err(|fault| fault.into_error(text))?;
    ingest(value, Some(text), options)
        .into_iter()
        .map(|ingested| ingested.map(|ingested| ingested.document))
        .collect()
}

/// One document, ready to be evaluated.
#[derive(Clone, Debug, PartialEq)]
pub struct Ingested {
    /// The document as Elasticsearch would hold it.
    pub document: Value,
    /// Where Elasticsearch holds it, when the input said so (search hits).
    pub identity: Option<Identity>,
    /// The raw Azure record the document was normalised from, if it was: what
    /// a log-shipper filter passes on unchanged.
    pub record: Option<Value>,
}

/// A document's place in Elasticsearch (a search hit's `_index` and `_id`).
pub use crate::ids::SourceIdentity as Identity;

/// What an input value is, as [`ingest`] reads it (in this order: the first
/// shape that fits wins).
#[derive(Clone, Debug, PartialEq)]
pub enum Shape<'a> {
    /// Not a JSON object: nothing to ingest.
    NotAnObject,
    /// An Elasticsearch `_search` response: its hits.
    SearchResponse(&'a [Value]),
    /// One search hit (`_index` and `_source`).
    SearchHit,
    /// A diagnostic-settings envelope: `{"records": [...]}`.
    AzureRecords(&'a [Value]),
    /// A Microsoft Graph list page: `{"value": [...]}`.
    GraphPage(&'a [Value]),
    /// A Filebeat or Agent document whose `message` holds a raw record.
    Wrapped {
        /// The wrapper document, whose own fields stay on the result.
        wrapper: &'a Map<String, Value>,
        /// The record parsed from the wrapper.
        record: Value,
        /// The record's JSON text.
        text: String,
    },
    /// One raw Azure diagnostic record (or anything, with `--input azure`).
    AzureRecord,
    /// One Microsoft Graph `directoryAudit` item.
    GraphItem,
    /// An ECS document, passed through unchanged.
    Document,
}

impl Shape<'_> {
    /// The shape's stable name (the JavaScript `inputShape` returns it).
    pub fn name(&self) -> &'static str {
        match self {
            Shape::NotAnObject => "not_an_object",
            Shape::SearchResponse(_) => "search_response",
            Shape::SearchHit => "search_hit",
            Shape::AzureRecords(_) => "azure_records",
            Shape::GraphPage(_) => "graph_page",
            Shape::Wrapped { .. } => "wrapped_record",
            Shape::AzureRecord => "azure_record",
            Shape::GraphItem => "graph_item",
            Shape::Document => "ecs",
        }
    }
}

/// Recognises what `value` is, without ingesting it.
pub fn shape(value: &Value, options: IngestOptions) -> Shape<'_> {
    let Value::Object(object) = value else {
        return Shape::NotAnObject;
    };
    if let Some(hits) = search_hits(object) {
        return Shape::SearchResponse(hits);
    }
    if object.contains_key("_source") && object.contains_key("_index") {
        return Shape::SearchHit;
    }
    if options.input == InputKind::Ecs {
        return Shape::Document;
    }
    if let Some(Value::Array(records)) = object.get("records") {
        return Shape::AzureRecords(records);
    }
    if let Some(Value::Array(items)) = object.get("value").filter(|_| is_graph_page(object)) {
        return Shape::GraphPage(items);
    }
    if let Some((record, text)) = embedded_record(object) {
        return Shape::Wrapped {
            wrapper: object,
            record,
            text,
        };
    }
    if azure::is_raw_record(object) {
        return Shape::AzureRecord;
    }
    if azure::is_graph_directory_audit(object) {
        return Shape::GraphItem;
    }
    if options.input == InputKind::Azure {
        return Shape::AzureRecord;
    }
    Shape::Document
}

/// The documents one input value holds; `raw` is its exact JSON text when known.
///
/// Each element is one document or the reason one part of the input is not a
/// document, so nothing is dropped silently.
pub fn ingest(
    value: Value,
    raw: Option<&str>,
    options: IngestOptions,
) -> Vec<Result<Ingested, Error>> {
    match shape(&value, options) {
        Shape::NotAnObject => vec![Err(not_an_object(&value, "an event"))],
        Shape::SearchResponse(hits) => hits.iter().map(|hit| unwrap_hit(hit, options)).collect(),
        Shape::SearchHit => vec![unwrap_hit(&value, options)],
        Shape::AzureRecords(records) => raw_records(records, "records", options),
        Shape::GraphPage(items) => raw_records(items, "value", options),
        Shape::Wrapped {
            wrapper,
            record,
            text,
        } => vec![raw_record(&record, Some(&text), options)
            .map(|ingested| with_wrapper_fields(ingested, wrapper))],
        Shape::AzureRecord | Shape::GraphItem => vec![raw_record(&value, raw, options)],
        Shape::Document => vec![Ok(passed_through(value))],
    }
}

fn passed_through(document: Value) -> Ingested {
    Ingested {
        document,
        identity: None,
        record: None,
    }
}

/// The hits of a `_search` response, as copied from Kibana Dev Tools.
fn search_hits(object: &Map<String, Value>) -> Option<&Vec<Value>> {
    match object.get("hits")?.get("hits")? {
        Value::Array(hits) => Some(hits),
        _ => None,
    }
}

/// A search hit: its `_source` is the document, `_index` and `_id` its identity.
fn unwrap_hit(hit: &Value, options: IngestOptions) -> Result<Ingested, Error> {
    let source = hit.get("_source").cloned().ok_or_else(|| {
        Error::new(
            ErrorType::EventInvalid,
            "missing_source",
            "a search hit has no `_source`",
        )
    })?;
    let identity = match (
        hit.get("_index").and_then(Value::as_str),
        hit.get("_id").and_then(Value::as_str),
    ) {
        (Some(index), Some(id)) => Some(Identity {
            index: index.to_string(),
            id: id.to_string(),
        }),
        _ => None,
    };
    let mut ingested = match options.input {
        InputKind::Azure => raw_record(&source, None, options)?,
        _ => match &source {
            Value::Object(_) => passed_through(source),
            other => return Err(not_an_object(other, "a hit's `_source`")),
        },
    };
    ingested.identity = identity;
    Ok(ingested)
}

/// True for a Microsoft Graph list page: `{"@odata.context": …, "value": [...]}`,
/// or a `value` array of directoryAudit items.
fn is_graph_page(object: &Map<String, Value>) -> bool {
    object.keys().any(|key| key.starts_with("@odata."))
        || matches!(object.get("value"), Some(Value::Array(items)) if items.first().and_then(Value::as_object).is_some_and(azure::is_graph_directory_audit))
}

/// A Filebeat or Elastic Agent document that still carries the raw Azure record
/// as text in `message` (or `event.original`), as the integration receives it.
fn embedded_record(object: &Map<String, Value>) -> Option<(Value, String)> {
    if object.get("azure").is_some_and(|azure| {
        azure.as_object().is_some_and(|azure| {
            azure
                .keys()
                .any(|key| key != "eventhub" && key != "consumer_group")
        })
    }) {
        // Already parsed into azure.<stream>: an ingested document, not a wrapper.
        return None;
    }
    let text = object
        .get("message")
        .and_then(Value::as_str)
        .or_else(|| object.get("event")?.get("original")?.as_str())?;
    let record: Value = serde_json::from_slice(text.trim().as_bytes()).ok()?;
    let inner = record.as_object()?;
    (azure::is_raw_record(inner) || azure::is_graph_directory_audit(inner))
        .then(|| (record, text.to_string()))
}

/// The wrapper's own fields (agent, input, …) stay on the document, as the
/// pipeline only adds to the document it receives.
fn with_wrapper_fields(mut ingested: Ingested, wrapper: &Map<String, Value>) -> Ingested {
    let Value::Object(document) = &mut ingested.document else {
        return ingested;
    };
    for (key, value) in wrapper {
        if key == "message" || document.contains_key(key) {
            continue;
        }
        document.insert(key.clone(), value.clone());
    }
    ingested
}

/// Normalises one raw record (or Graph item).
fn raw_record(
    record: &Value,
    raw: Option<&str>,
    options: IngestOptions,
) -> Result<Ingested, Error> {
    let Value::Object(record) = record else {
        return Err(not_an_object(record, "an Azure record"));
    };
    let original = match raw {
        Some(text) => text.trim().to_string(),
        None => Value::Object(record.clone()).to_string(),
    };
    let document = azure::normalize(record, &original, options.keep_original)
        .map_err(|reason| Error::new(ErrorType::EventInvalid, "not_azure", reason))?;
    Ok(Ingested {
        document,
        identity: None,
        record: Some(Value::Object(record.clone())),
    })
}

/// Every item of an envelope's `array`; a failure names its item.
fn raw_records(
    items: &[Value],
    array: &str,
    options: IngestOptions,
) -> Vec<Result<Ingested, Error>> {
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            raw_record(item, None, options).map_err(|error| in_item(error, array, index))
        })
        .collect()
}

fn in_item(mut error: Error, array: &str, index: usize) -> Error {
    error.message = format!("{array}[{index}]: {}", error.message);
    error
}

fn not_an_object(value: &Value, what: &str) -> Error {
    let kind = crate::input::json_kind(value);
    Error::new(
        ErrorType::EventInvalid,
        "not_an_object",
        format!("{what} must be a JSON object, not {kind}"),
    )
}
