//! What the Azure streams' pipelines share, modelled once: the ingest
//! document and its dotted paths, processor failures and the `on_failure`
//! handling, the `json` processor, caller IP addresses, key snake-casing,
//! durations, the data stream's constant fields, and (in submodules) Java
//! value semantics, the `date` processor and the grok processors.
//!
//! Each helper follows Elasticsearch's processor of the same name, including
//! its error messages, because a failed processor shows up in the document
//! (`error.message`) and changes what a rule sees (`event.kind:
//! pipeline_error`).

pub(crate) mod date;
pub(crate) mod grok;
pub(crate) mod java;

use serde_json::{Map, Value};

use crate::collect::try_map;

/// A JSON object.
pub(crate) type Object = Map<String, Value>;

/// The document an ingest pipeline works on, addressed by dotted paths
/// (`IngestDocument`). Paths walk objects only: no Azure pipeline path goes
/// through a list, where Elasticsearch would also accept a numeric index.
#[derive(Debug, Default)]
pub(crate) struct Doc {
    root: Object,
}

impl Doc {
    /// The value at `path`; `None` when a step is missing or its parent is not
    /// an object. A present null is `Some(Value::Null)`: Elasticsearch counts
    /// it as present (`rename` moves it, `set` cannot create over it).
    pub(crate) fn get(&self, path: &str) -> Option<&Value> {
        let mut steps = path.split('.');
        let first = self.root.get(steps.next()?)?;
        steps.try_fold(first, |value, step| value.as_object()?.get(step))
    }

    pub(crate) fn get_mut(&mut self, path: &str) -> Option<&mut Value> {
        let mut steps = path.split('.');
        let first = self.root.get_mut(steps.next()?)?;
        steps.try_fold(first, |value, step| value.as_object_mut()?.get_mut(step))
    }

    /// Whether `path` holds a value other than null (Painless `!= null`).
    pub(crate) fn is_present(&self, path: &str) -> bool {
        self.get(path).is_some_and(|value| !value.is_null())
    }

    /// `getFieldValue` for a processor without `ignore_missing`, with
    /// Elasticsearch's messages when the field is not there.
    pub(crate) fn get_required(&self, path: &str) -> Result<&Value, String> {
        let mut current = &self.root;
        let mut steps = path.split('.').peekable();
        while let Some(step) = steps.next() {
            let value = current
                .get(step)
                .ok_or_else(|| format!("field [{step}] not present as part of path [{path}]"))?;
            let Some(next) = steps.peek() else {
                return Ok(value);
            };
            current = match value {
                Value::Object(map) => map,
                Value::Null => {
                    return Err(format!(
                        "cannot resolve [{next}] from null as part of path [{path}]"
                    ))
                }
                other => {
                    return Err(format!(
                        "cannot resolve [{next}] from object of type [{}] as part of path [{path}]",
                        java::class_name(other)
                    ))
                }
            };
        }
        Err(format!("path [{path}] is empty"))
    }

    /// Painless's null-safe `ctx?.a?.b?.c`: `None` when a step is missing or
    /// null; an error, with Painless's message, when a step is neither an
    /// object nor null (a list accepts only numeric "shortcuts", which the
    /// pipelines never use).
    pub(crate) fn painless(&self, path: &str) -> Result<Option<&Value>, String> {
        let mut steps = path.split('.');
        let first = steps.next().and_then(|step| self.root.get(step));
        steps.try_fold(first, painless_field)
    }

    /// `setFieldValue`: missing parents become objects; a null or non-object
    /// parent fails with Elasticsearch's message.
    pub(crate) fn set(&mut self, path: &str, value: Value) -> Result<(), String> {
        let (parent, leaf) = self.parent_for_writing(path)?;
        parent.insert(leaf.to_string(), value);
        Ok(())
    }

    /// `set` for a field under parents only the pipeline writes (`event`,
    /// `source`, `user`, …) or that it has just checked are objects, where
    /// `set` cannot fail.
    pub(crate) fn put(&mut self, path: &str, value: Value) {
        // Cannot fail: see above.
        let _ = self.set(path, value);
    }

    /// `removeField` with `ignore_missing`: the removed value, if there was
    /// one. The other keys keep their order, so documents read like records.
    pub(crate) fn remove(&mut self, path: &str) -> Option<Value> {
        match path.rsplit_once('.') {
            None => self.root.shift_remove(path),
            Some((parent, leaf)) => self.get_mut(parent)?.as_object_mut()?.shift_remove(leaf),
        }
    }

    /// The `rename` processor with `ignore_missing`: a missing source is left
    /// alone (a null one is moved), an existing target fails, and a failed
    /// write puts the source back, as Elasticsearch does.
    pub(crate) fn rename(&mut self, from: &str, to: &str) -> Result<(), String> {
        if self.get(from).is_none() {
            return Ok(());
        }
        if self.get(to).is_some() {
            return Err(format!("field [{to}] already exists"));
        }
        let value = self.remove(from).unwrap_or(Value::Null);
        self.set(to, value.clone())
            .inspect_err(|_| self.put(from, value))
    }

    /// The `append` processor: a missing field becomes a list, a single value
    /// becomes the first item of one; with `Duplicates::Skip`, a value
    /// already in the list is not added again.
    pub(crate) fn append(
        &mut self,
        path: &str,
        value: Value,
        duplicates: Duplicates,
    ) -> Result<(), String> {
        let (parent, leaf) = self.parent_for_writing(path)?;
        let existing = parent
            .entry(leaf)
            .or_insert_with(|| Value::Array(Vec::new()));
        if !existing.is_array() {
            *existing = Value::Array(vec![existing.take()]);
        }
        if let Value::Array(items) = existing {
            if duplicates == Duplicates::Keep || !items.contains(&value) {
                items.push(value);
            }
        }
        Ok(())
    }

    /// `rename` for each (from, to) pair of keys under `parent`, in order,
    /// up to the first failure.
    pub(crate) fn rename_under(
        &mut self,
        parent: &str,
        renames: &[(&str, &str)],
    ) -> Result<(), String> {
        renames.iter().try_for_each(|(from, to)| {
            self.rename(&format!("{parent}.{from}"), &format!("{parent}.{to}"))
        })
    }

    /// The `set` processor with `copy_from` and `ignore_empty_value`: copies
    /// unless the source is missing, null or an empty string.
    pub(crate) fn copy_non_empty(&mut self, from: &str, to: &str) -> Result<(), String> {
        match self.get(from) {
            None | Some(Value::Null) => Ok(()),
            Some(Value::String(text)) if text.is_empty() => Ok(()),
            Some(value) => {
                let value = value.clone();
                self.set(to, value)
            }
        }
    }

    /// The `convert` processor with `type: string` and `ignore_missing` (a
    /// null source counts as missing).
    pub(crate) fn convert_to_string(&mut self, from: &str, to: &str) -> Result<(), String> {
        let Some(value) = self.get(from).filter(|value| !value.is_null()) else {
            return Ok(());
        };
        let converted = java::convert_to_string(value)?;
        self.set(to, converted)
    }

    /// Keeps the top-level fields `keep` accepts (it may change them).
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&mut Value) -> bool) {
        self.root.retain(|_, value| keep(value));
    }

    /// The finished document.
    pub(crate) fn into_value(self) -> Value {
        Value::Object(self.root)
    }

    /// The object `path`'s leaf is written into, created where missing, and
    /// the leaf's key.
    fn parent_for_writing<'p>(&mut self, path: &'p str) -> Result<(&mut Object, &'p str), String> {
        let steps: Vec<&str> = path.split('.').collect();
        let Some((leaf, parents)) = steps.split_last() else {
            return Err("path cannot be null nor empty".to_string());
        };
        let mut current = &mut self.root;
        for (index, step) in parents.iter().enumerate() {
            let child = current
                .entry(step.to_string())
                .or_insert_with(|| Value::Object(Object::new()));
            current = match child {
                Value::Object(map) => map,
                other => {
                    let next = steps.get(index + 1).copied().unwrap_or(leaf);
                    let next_is_leaf = index + 1 == parents.len();
                    return Err(unwritable_parent(path, next, next_is_leaf, other));
                }
            };
        }
        Ok((current, leaf))
    }
}

/// Painless's null-safe `receiver?.name` on ingest data (see [`Doc::painless`]).
pub(crate) fn painless_field<'a>(
    receiver: Option<&'a Value>,
    name: &str,
) -> Result<Option<&'a Value>, String> {
    match receiver {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(map.get(name)),
        Some(Value::Array(_)) => Err(format!("Illegal list shortcut value [{name}].")),
        Some(other) => Err(format!(
            "dynamic getter [{}, {name}] not found",
            java::class_name(other)
        )),
    }
}

/// Elasticsearch's message for a path whose parent is null or not an object.
fn unwritable_parent(path: &str, next: &str, next_is_leaf: bool, parent: &Value) -> String {
    match (next_is_leaf, parent) {
        (true, Value::Null) => {
            format!("cannot set [{next}] with null parent as part of path [{path}]")
        }
        (true, other) => format!(
            "cannot set [{next}] with parent object of type [{}] as part of path [{path}]",
            java::class_name(other)
        ),
        (false, Value::Null) => {
            format!("cannot resolve [{next}] from null as part of path [{path}]")
        }
        (false, other) => format!(
            "cannot resolve [{next}] from object of type [{}] as part of path [{path}]",
            java::class_name(other)
        ),
    }
}

/// Whether `append` adds a value that the list already holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Duplicates {
    /// `allow_duplicates: true`, the default.
    Keep,
    /// `allow_duplicates: false`.
    Skip,
}

/// A processor failure that its pipeline does not ignore.
///
/// Boxed: every pipeline step returns a [`Step`], and a one-pointer error
/// makes that result fit a register; the failure's three fields, returned
/// through memory and copied out at each of the pipelines' two hundred or
/// so `?`, were 5.7 KB of the wasm module (BENCHMARKS.md, stop 26).
/// Failures are rare: the allocation is paid only by them.
#[derive(Debug)]
pub(crate) struct ProcessorFailure(Box<FailureDetail>);

#[derive(Debug)]
struct FailureDetail {
    processor: &'static str,
    tag: &'static str,
    message: String,
}

/// The outcome of a pipeline step.
pub(crate) type Step = Result<(), ProcessorFailure>;

impl ProcessorFailure {
    /// A failure of an untagged processor of type `processor`.
    pub(crate) fn new(processor: &'static str, message: impl Into<String>) -> ProcessorFailure {
        ProcessorFailure(Box::new(FailureDetail {
            processor,
            tag: "",
            message: message.into(),
        }))
    }

    /// The same failure, for a processor with a `tag`.
    pub(crate) fn tagged(mut self, tag: &'static str) -> ProcessorFailure {
        self.0.tag = tag;
        self
    }

    /// A Painless script or `if` condition that threw, reported as "runtime
    /// error", the message of the `ScriptException` Elasticsearch wraps
    /// Painless errors in. The audit-log stream reports the inner Painless
    /// message instead (`dynamic getter [java.lang.String, result] not
    /// found`), as its pipeline's tagged failures were modelled; which of the
    /// two `_ingest.on_failure_message` holds is not settled by any fixture.
    pub(crate) fn painless(processor: &'static str) -> ProcessorFailure {
        ProcessorFailure::new(processor, "runtime error")
    }
}

/// Turns processor errors (Elasticsearch's messages) into failures.
pub(crate) trait OrFail<T> {
    /// The failure of processor `processor`.
    fn or_fail(self, processor: &'static str) -> Result<T, ProcessorFailure>;

    /// The failure of processor `processor` with `tag`.
    fn or_fail_tagged(
        self,
        processor: &'static str,
        tag: &'static str,
    ) -> Result<T, ProcessorFailure>;
}

impl<T> OrFail<T> for Result<T, String> {
    fn or_fail(self, processor: &'static str) -> Result<T, ProcessorFailure> {
        self.map_err(|message| ProcessorFailure::new(processor, message))
    }

    fn or_fail_tagged(
        self,
        processor: &'static str,
        tag: &'static str,
    ) -> Result<T, ProcessorFailure> {
        self.map_err(|message| ProcessorFailure::new(processor, message).tagged(tag))
    }
}

/// How a pipeline's `on_failure` handler words `error.message`; each
/// pipeline version has its own template.
#[derive(Clone, Copy, Debug)]
pub(crate) enum FailureStyle {
    /// `Processor '<type>' with tag '<tag>' failed with message '<message>'`.
    TypeAndTag,
    /// `Processor '<type>' failed with message '<message>'`.
    Type,
    /// `Processor "<type>" with tag "<tag>" in pipeline "<pipeline>" failed with message "<message>"`.
    Quoted {
        /// The pipeline's name, without the package version suffix.
        pipeline: &'static str,
    },
    /// `Processor <type> with tag <tag> in pipeline <pipeline> failed with message: <message>`.
    Plain {
        /// The pipeline's name, without the package version suffix.
        pipeline: &'static str,
    },
}

impl FailureStyle {
    /// The `error.message` entry for `failure`.
    pub(crate) fn message(self, failure: &ProcessorFailure) -> String {
        let FailureDetail {
            processor,
            tag,
            message,
        } = &*failure.0;
        match self {
            FailureStyle::TypeAndTag => {
                format!("Processor '{processor}' with tag '{tag}' failed with message '{message}'")
            }
            FailureStyle::Type => format!("Processor '{processor}' failed with message '{message}'"),
            FailureStyle::Quoted { pipeline } => format!(
                "Processor \"{processor}\" with tag \"{tag}\" in pipeline \"{pipeline}\" failed with message \"{message}\""
            ),
            FailureStyle::Plain { pipeline } => format!(
                "Processor {processor} with tag {tag} in pipeline {pipeline} failed with message: {message}"
            ),
        }
    }
}

/// What distinguishes one Azure data stream's documents.
pub(crate) struct Stream {
    /// `data_stream.dataset` and `event.dataset`.
    pub(crate) dataset: &'static str,
    /// How its pipeline words failures.
    pub(crate) failure_style: FailureStyle,
}

/// The `ecs.version` every followed pipeline (and its expected output) sets.
pub(crate) const ECS_VERSION: &str = "8.11.0";

/// Replays `pipeline` on a new ingest document and [`finish`]es it.
pub(crate) fn replay(
    stream: &Stream,
    keep_original: bool,
    pipeline: impl FnOnce(&mut Doc) -> Step,
) -> Value {
    let mut doc = Doc::default();
    let outcome = pipeline(&mut doc);
    finish(doc, outcome, stream, keep_original)
}

/// The first steps of the pipelines that clean the raw text: `ecs.version`,
/// the text without its `"":"",` pairs as `event.original`, and that text
/// through the `json` processor into `root` (the record, parsed anew only
/// when the clean-up changed it, and then possibly broken by it).
pub(crate) fn begin_with_cleaned_text(
    doc: &mut Doc,
    root: &str,
    record: &Object,
    original: &str,
) -> Result<(), String> {
    doc.put("ecs.version", Value::from(ECS_VERSION));
    let cleaned = original.replace("\"\":\"\",", "");
    let parsed = if cleaned == original {
        json_processor(record, original)
    } else {
        parse_json_text(&cleaned)
    };
    doc.put("event.original", Value::from(cleaned));
    doc.put(root, parsed?);
    Ok(())
}

/// The tag that keeps `event.original`.
const PRESERVE_ORIGINAL: &str = "preserve_original_event";

/// The end of every stream: a failure is recorded the one way all of them
/// share ([`mark_failed`]), `event.original` is dropped unless it is to be
/// kept, and the data stream's constant fields are added.
fn finish(mut doc: Doc, outcome: Step, stream: &Stream, keep_original: bool) -> Value {
    if let Err(failure) = outcome {
        mark_failed(&mut doc, stream.failure_style.message(&failure));
    }
    drop_original_unless_kept(&mut doc, keep_original);
    add_data_stream_fields(&mut doc, stream.dataset);
    doc.into_value()
}

/// A failed pipeline's document keeps what was written before the failure
/// and gains `event.kind: pipeline_error`, the `preserve_original_event` tag
/// (so the raw record is never dropped) and the message appended to the
/// `error.message` list.
///
/// Pipeline versions differ here (some only set `error.message` to a
/// string); one shape for every stream lets rules and users look for
/// failures in one place, and KQL matches a one-item list like the string.
pub(crate) fn mark_failed(doc: &mut Doc, message: String) {
    doc.put("event.kind", Value::from("pipeline_error"));
    // Cannot fail: `tags` and `error` are written only by the pipeline.
    let _ = doc.append("tags", Value::from(PRESERVE_ORIGINAL), Duplicates::Skip);
    append_error_message(doc, message);
}

/// Records a failure a processor handles itself, the pipeline going on.
pub(crate) fn append_error_message(doc: &mut Doc, message: String) {
    // Cannot fail: `error` is written only by the pipeline.
    let _ = doc.append("error.message", Value::from(message), Duplicates::Keep);
}

/// Fleet's final step: `event.original` stays only with the
/// `preserve_original_event` tag, which the integration adds when asked to
/// keep it (`keep_original`) and every failure handler adds.
fn drop_original_unless_kept(doc: &mut Doc, keep_original: bool) {
    let tagged = matches!(doc.get("tags"), Some(Value::Array(tags)) if tags.iter().any(|tag| tag == PRESERVE_ORIGINAL));
    if !keep_original && !tagged {
        doc.remove("event.original");
    }
}

/// The data stream's `constant_keyword` fields: no pipeline writes them, but
/// Elasticsearch reports them on every document and rules filter on them.
fn add_data_stream_fields(doc: &mut Doc, dataset: &str) {
    doc.put("data_stream.type", Value::from("logs"));
    doc.put("data_stream.dataset", Value::from(dataset));
    doc.put("data_stream.namespace", Value::from("default"));
    doc.put("event.dataset", Value::from(dataset));
    doc.put("event.module", Value::from("azure"));
}

/// The `json` processor on the text `record` was parsed from: Elasticsearch's
/// parser rejects a key repeated in one object, and stores numbers as Java
/// reads them (see [`java::canonical_numbers`]).
pub(crate) fn json_processor(record: &Object, text: &str) -> Result<Value, String> {
    match duplicate_key(text) {
        Some(key) => Err(duplicate_key_message(&key)),
        None => Ok(java::canonical_numbers(Value::Object(record.clone()))),
    }
}

/// The `json` processor on a text not parsed yet.
pub(crate) fn parse_json_text(text: &str) -> Result<Value, String> {
    if let Some(key) = duplicate_key(text) {
        return Err(duplicate_key_message(&key));
    }
    serde_json::from_slice::<Value>(text.as_bytes())
        .map(java::canonical_numbers)
        .map_err(|error| format!("com.fasterxml.jackson.core.JsonParseException: {error}"))
}

/// A `json` processor with `ignore_failure` on a field that may hold JSON
/// text: the decoded value when it is a string holding valid JSON.
pub(crate) fn parse_json_string(value: Option<&Value>) -> Option<Value> {
    parse_json_text(value?.as_str()?).ok()
}

/// Jackson's words for a repeated key; its exact text is approximated.
fn duplicate_key_message(key: &str) -> String {
    format!("com.fasterxml.jackson.core.JsonParseException: Duplicate field '{key}'")
}

/// The first key that appears twice in one object of `text` (`None` also
/// when `text` is not JSON at all, which the caller reports otherwise).
fn duplicate_key(text: &str) -> Option<String> {
    let error = serde_json::from_slice::<duplicates::NoDuplicateKeys>(text.as_bytes()).err()?;
    let message = error.to_string();
    let (key, _) = message
        .strip_prefix(duplicates::MARKER)?
        .rsplit_once(duplicates::END)?;
    Some(key.to_string())
}

mod duplicates {
    //! A serde visitor that walks JSON only to find a repeated key.
    use std::collections::HashSet;
    use std::fmt;

    use serde::de::{Deserialize, Deserializer, Error, MapAccess, SeqAccess, Visitor};

    pub(super) const MARKER: &str = "duplicate key <<";
    pub(super) const END: &str = ">>";

    pub(super) struct NoDuplicateKeys;

    impl<'de> Deserialize<'de> for NoDuplicateKeys {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(Walk)
        }
    }

    struct Walk;

    impl<'de> Visitor<'de> for Walk {
        type Value = NoDuplicateKeys;

        fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
            formatter.write_str("any JSON value")
        }

        fn visit_bool<E: Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(NoDuplicateKeys)
        }

        fn visit_i64<E: Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(NoDuplicateKeys)
        }

        fn visit_u64<E: Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(NoDuplicateKeys)
        }

        fn visit_f64<E: Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(NoDuplicateKeys)
        }

        fn visit_str<E: Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(NoDuplicateKeys)
        }

        fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
            Ok(NoDuplicateKeys)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Self::Value, A::Error> {
            while items.next_element::<NoDuplicateKeys>()?.is_some() {}
            Ok(NoDuplicateKeys)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Self::Value, A::Error> {
            let mut seen = HashSet::new();
            while let Some(key) = entries.next_key::<String>()? {
                if !seen.insert(key.clone()) {
                    return Err(A::Error::custom(format!("{MARKER}{key}{END}")));
                }
                entries.next_value::<NoDuplicateKeys>()?;
            }
            Ok(NoDuplicateKeys)
        }
    }
}

/// Whether Elasticsearch's `convert` to `ip` accepts the text (its
/// `InetAddresses` parser, modelled by [`crate::ip`]).
pub(crate) fn is_ip_address(text: &str) -> bool {
    crate::ip::parse(text).is_some()
}

/// The `convert` processor with `type: ip`: the value is kept as it is when
/// its text is an address; a list converts item by item; `None` when the
/// processor fails.
pub(crate) fn convert_to_ip(value: &Value) -> Option<Value> {
    match value {
        Value::Array(items) => try_map(items, |item| convert_to_ip(item).ok_or(()))
            .ok()
            .map(Value::Array),
        other => is_ip_address(&java::to_string(other)).then(|| other.clone()),
    }
}

/// A caller address `field` converted to `source.ip`; when it is no address
/// the processor's `on_failure` renames it to `source.address` instead
/// (ignoring a failure of that rename). A null field is left alone
/// (`ignore_missing`).
pub(crate) fn convert_caller_ip(doc: &mut Doc, field: &str) {
    let Some(raw) = doc.get(field).filter(|value| !value.is_null()) else {
        return;
    };
    match convert_to_ip(raw) {
        Some(ip) => doc.put("source.ip", ip),
        None => {
            // ignore_failure on the fallback rename.
            let _ = doc.rename(field, "source.address");
        }
    }
}

/// The raw caller address is removed once it has become `source.ip`.
pub(crate) fn remove_if_source_ip(doc: &mut Doc, field: &str) {
    if doc.is_present("source.ip") {
        doc.remove(field);
    }
}

/// [`convert_caller_ip`] then [`remove_if_source_ip`].
pub(crate) fn move_caller_ip(doc: &mut Doc, field: &str) {
    convert_caller_ip(doc, field);
    remove_if_source_ip(doc, field);
}

/// `client.ip` and `related.ip` rendered from `source.ip` by templates.
pub(crate) fn copy_source_ip_to_client_and_related(doc: &mut Doc) {
    let Some(ip) = doc.get("source.ip").filter(|ip| !ip.is_null()) else {
        return;
    };
    let ip = java::to_string(ip);
    if !ip.is_empty() {
        doc.put("client.ip", Value::from(ip.clone()));
    }
    // Cannot fail: `related` is written only by the pipeline.
    let _ = doc.append("related.ip", Value::from(ip), Duplicates::Skip);
}

/// `event.duration` (the raw `durationMs`) times 1,000,000 by the pipelines'
/// Painless script, with Java's arithmetic (see [`java::multiply_by_int`]).
/// The error is Painless's message for a value it cannot multiply.
pub(crate) fn scale_duration_to_nanos(doc: &mut Doc) -> Result<(), String> {
    let Some(duration) = doc.get("event.duration").filter(|value| !value.is_null()) else {
        return Ok(());
    };
    let nanos = java::multiply_by_int(duration, 1_000_000)?;
    doc.put("event.duration", nanos);
    Ok(())
}

/// The resource-scoped shared pipeline (`azure-shared-pipeline.yml`) the
/// sign-in, activity, platform and Graph pipelines end with:
/// `cloud.provider`, the resource id broken into `azure.subscription_id` and
/// `azure.resource.*` by [`grok::parse_resource_id`] and then moved to
/// `azure.resource.id`, and a lower-cased `event.outcome`. The error is the
/// failed rename's.
pub(crate) fn run_resource_shared_pipeline(doc: &mut Doc) -> Result<(), String> {
    doc.put("cloud.provider", Value::from("azure"));
    if let Some(Value::String(resource_id)) = doc.get("azure.resource_id") {
        for (field, value) in grok::parse_resource_id(resource_id) {
            doc.put(field, Value::from(value));
        }
    }
    doc.rename("azure.resource_id", "azure.resource.id")?;
    lowercase_event_outcome(doc);
    Ok(())
}

/// The shared pipelines' last word on the outcome: `event.outcome` lower-cased.
pub(crate) fn lowercase_event_outcome(doc: &mut Doc) {
    if let Some(Value::String(outcome)) = doc.get_mut("event.outcome") {
        *outcome = outcome.to_lowercase();
    }
}

/// The activity and platform pipelines' `event_category`: `eventCategory`
/// of an object `properties`, else `Policy` when it has `policies`, else
/// `Administrative`.
pub(crate) fn event_category_of(properties: &Object) -> Value {
    match properties.get("eventCategory") {
        Some(category) if !category.is_null() => category.clone(),
        _ if properties
            .get("policies")
            .is_some_and(|policies| !policies.is_null()) =>
        {
            Value::from("Policy")
        }
        _ => Value::from("Administrative"),
    }
}

/// `event.type` from the record's category, as the activity and platform
/// scripts map it, ignoring case: write and action → change, read →
/// access, delete → deletion, anything else → none. A non-string category
/// makes the script, which has no failure handling, fail the pipeline.
pub(crate) fn set_event_type_from_category(doc: &mut Doc, category_path: &str) -> Step {
    let event_type = match doc.get(category_path) {
        None | Some(Value::Null) => None,
        Some(Value::String(category)) => match category.to_lowercase().as_str() {
            "write" | "action" => Some("change"),
            "read" => Some("access"),
            "delete" => Some("deletion"),
            _ => None,
        },
        Some(_) => return Err(ProcessorFailure::painless("script")),
    };
    if let Some(event_type) = event_type {
        doc.put("event.type", Value::from(vec![event_type]));
    }
    Ok(())
}

/// `event.outcome` from `<root>.result_type` when it is "success" or
/// "failure" in any case (copied as written; the shared pipeline
/// lower-cases it), else from `<root>.properties.result` when it is exactly
/// "success", "failure" or "unknown". The second condition reads
/// `properties?.result`, which throws on a non-object `properties` and,
/// without failure handling, fails the pipeline.
pub(crate) fn set_outcome_from_result(doc: &mut Doc, root: &str) -> Step {
    let result_type = doc
        .get(&format!("{root}.result_type"))
        .and_then(Value::as_str);
    if let Some(result) =
        result_type.filter(|result| matches!(result.to_lowercase().as_str(), "success" | "failure"))
    {
        let outcome = Value::from(result);
        doc.put("event.outcome", outcome);
        return Ok(());
    }
    let result = match doc.get(&format!("{root}.properties")) {
        None | Some(Value::Null) => None,
        Some(Value::Object(properties)) => properties.get("result").and_then(Value::as_str),
        Some(_) => return Err(ProcessorFailure::painless("convert")),
    };
    if let Some(result) =
        result.filter(|result| matches!(*result, "success" | "failure" | "unknown"))
    {
        let outcome = Value::from(result);
        doc.put("event.outcome", outcome);
    }
    Ok(())
}

/// The regular expression a pipeline's snake-casing script replaces by
/// `$1_$2` in every key before lower-casing it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SnakeCase {
    /// `([a-z])([A-Z]+)`: `riskEventTypes_v2` → `risk_event_types_v2`.
    LowerThenUpper,
    /// `_?([a-z])([A-Z]+)`: also swallows an underscore before the pair
    /// (`a_bC` → `ab_c`).
    OptionalUnderscoreLowerThenUpper,
}

/// The snake-casing scripts: every key of every object, also objects that
/// are items of a list (but not lists in lists, which the scripts skip). On
/// a collision the key later in the record wins.
pub(crate) fn snake_case_keys(value: Value, style: SnakeCase) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| (snake_case(&key, style), snake_case_keys(value, style)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| match item {
                    Value::Object(_) => snake_case_keys(item, style),
                    other => other,
                })
                .collect(),
        ),
        other => other,
    }
}

fn snake_case(key: &str, style: SnakeCase) -> String {
    let chars: Vec<char> = key.chars().collect();
    let is = |at: usize, class: fn(&char) -> bool| chars.get(at).is_some_and(class);
    let mut out = String::with_capacity(key.len() + 4);
    let mut at = 0;
    while let Some(&current) = chars.get(at) {
        let swallowed = style == SnakeCase::OptionalUnderscoreLowerThenUpper
            && current == '_'
            && is(at + 1, char::is_ascii_lowercase)
            && is(at + 2, char::is_ascii_uppercase);
        let start = at + usize::from(swallowed);
        if is(start, char::is_ascii_lowercase) && is(start + 1, char::is_ascii_uppercase) {
            out.extend(chars.get(start));
            out.push('_');
            at = start + 1;
            while let Some(upper) = chars.get(at).filter(|c| c.is_ascii_uppercase()) {
                out.push(*upper);
                at += 1;
            }
        } else {
            out.push(current);
            at += 1;
        }
    }
    out.to_lowercase()
}

/// Null, or an empty string: what `ignore_empty_value` skips.
pub(crate) fn is_null_or_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.is_empty(),
        _ => false,
    }
}
