//! Microsoft Graph activity-log records → the document the
//! `azure.graphactivitylogs` data stream of Elastic's Azure integration
//! indexes.
//!
//! No shipped rule queries `azure.graphactivitylogs.*` yet, but
//! investigation guides and custom rules do; records are replayed through
//! the pipeline so the fields exist where Elastic puts them (snake-cased
//! keys, `http.*`, `url.*`, split `roles` / `scopes` / `wids`, `user.id`).
//!
//! # Records
//!
//! Diagnostic-settings records whose `category` is exactly
//! `MicrosoftGraphActivityLogs`, the only category the integration routes
//! here.
//!
//! # Pipelines followed
//!
//! `elastic/integrations`, package `packages/azure`:
//! `data_stream/graphactivitylogs/elasticsearch/ingest_pipeline/default.yml`
//! at `205cefd69ea38a679cd3890f6b46fae149d4ab46`, with `ecs.version` 8.11.0
//! as in the expected output of the same era
//! (`_dev/test/pipeline/test-activitylogs-raw.log-expected.json`
//! @`b5d2763918841e93eb22ea6d41bc7ab1e513c4b7`, read upstream, not in the
//! corpus), and the resource-scoped
//! `data_stream/graphactivitylogs/elasticsearch/ingest_pipeline/azure-shared-pipeline.yml`
//! @`6beb146463cc8c40ddb991a5bb3c7cf0bad2ac6a`. The corpus holds the input
//! `test-activitylogs-raw.log` @`f29825de3c1c695fbc622d1a72f4160929fd4fae`
//! only.
//!
//! Newer versions add `event.category: api`, `event.outcome`,
//! `azure.tenant.id`, `service.id`, `token.id`, `cloud.resource_id` and fix
//! the duration overflow below; they are not followed.
//!
//! # Behaviours worth knowing
//!
//! - Every key, at any depth (objects in lists too), is snake-cased by the
//!   regular expression `_?([a-z])([A-Z]+)` → `$1_$2` and lower-cased, so an
//!   underscore right before a lower-upper pair is swallowed (`a_bC` → `ab_c`).
//! - `durationMs` × 1,000,000 is computed in Java `int` arithmetic and wraps
//!   (462680 ms → -1176467968), as that expected output shows.
//! - Null and empty-string values, and objects or lists left empty, are
//!   dropped from the whole document at the end.
//! - Recoverable processor errors (an unreadable `tokenIssuedAt`, a request
//!   URI neither `java.net.URI` nor `java.net.URL` accepts, non-string
//!   `roles`, …) are appended to `error.message` and make `event.kind:
//!   pipeline_error` while processing goes on.
//!
//! # Not reproduced
//!
//! GeoIP and ASN lookups (`source.geo.*`, `source.as.*`, `client.geo.*`,
//! `client.as.*`), the user-agent parser's fields other than
//! `user_agent.original`, and the fingerprint `_id` (metadata, not part of
//! the document). `url.extension` follows current Elasticsearch, which takes
//! it from the last path segment only.
//!
//! # Failures
//!
//! An unreadable `time` (this `date` processor ignores nothing, so the
//! document has no `@timestamp`) or a non-object `properties` fail the
//! pipeline.

use serde_json::{Map, Value};

use super::common::date::{date_field, TimeFormat};
use super::common::{
    append_error_message, convert_caller_ip, copy_source_ip_to_client_and_related, is_ip_address,
    is_null_or_empty, java, json_processor, remove_if_source_ip, replay,
    run_resource_shared_pipeline, scale_duration_to_nanos, snake_case_keys, Doc, Duplicates,
    FailureStyle, Object, OrFail, ProcessorFailure, SnakeCase, Step, Stream, ECS_VERSION,
};
use crate::collect::try_map;

const STREAM: Stream = Stream {
    dataset: "azure.graphactivitylogs",
    failure_style: FailureStyle::Plain { pipeline: PIPELINE },
};

const PIPELINE: &str = "logs-azure.graphactivitylogs";
const ROOT: &str = "azure.graphactivitylogs";
const PROPERTIES: &str = "azure.graphactivitylogs.properties";

/// Turns one raw `MicrosoftGraphActivityLogs` record into the document the
/// `azure.graphactivitylogs` data stream indexes.
///
/// `original` is the record's JSON text; it becomes `event.original` when
/// `keep_original` is true (the `preserve_original_event` tag), and always
/// when the pipeline fails.
pub fn normalize(record: &Map<String, Value>, original: &str, keep_original: bool) -> Value {
    replay(&STREAM, keep_original, |doc| {
        doc.put("ecs.version", Value::from(ECS_VERSION));
        doc.put("event.original", Value::from(original));
        doc.put("event.kind", Value::from("event"));
        doc.put("event.type", Value::from(vec!["access"]));
        run_pipeline(doc, record, original)?;
        drop_empty_values(doc);
        if doc.is_present("error.message") {
            doc.put("event.kind", Value::from("pipeline_error"));
        }
        Ok(())
    })
}

/// The processors of the Graph activity-log pipeline, in order.
fn run_pipeline(doc: &mut Doc, record: &Object, original: &str) -> Step {
    let parsed = json_processor(record, original).or_fail("json")?;
    doc.put(
        ROOT,
        snake_case_keys(parsed, SnakeCase::OptionalUnderscoreLowerThenUpper),
    );
    set_timestamp(doc)?;
    doc.remove("azure.graphactivitylogs.time");
    reformat_date(doc, "token_issued_at", "date-token_issued_at");
    rename(
        doc,
        "azure.graphactivitylogs.resource_id",
        "azure.resource_id",
    )?;
    set_source_ip(doc);
    copy_source_ip_to_client_and_related(doc);
    doc.convert_to_string("azure.graphactivitylogs.level", "log.level")
        .or_fail("convert")?;
    doc.remove("azure.graphactivitylogs.level");
    move_duration(doc)?;
    move_with_fallback(doc, "location", "destination.geo.region_name")?;
    doc.convert_to_string("azure.graphactivitylogs.operation_name", "event.action")
        .or_fail("convert")?;
    move_with_fallback(doc, "tenant_id", "azure.tenant_id")?;
    rename(
        doc,
        "azure.graphactivitylogs.correlation_id",
        "azure.correlation_id",
    )?;
    rename(
        doc,
        "azure.graphactivitylogs.properties.request_id",
        "http.request.id",
    )?;
    rename(
        doc,
        "azure.graphactivitylogs.properties.request_method",
        "http.request.method",
    )?;
    set_url_parts(doc);
    rename(
        doc,
        "azure.graphactivitylogs.properties.response_size_bytes",
        "http.response.bytes",
    )?;
    rename(
        doc,
        "azure.graphactivitylogs.properties.response_status_code",
        "http.response.status_code",
    )?;
    for (field, tag) in [
        ("roles", "split-properties_roles"),
        ("scopes", "split-properties_scopes"),
        ("wids", "split-properties_wids"),
    ] {
        split_on_spaces(doc, field, tag);
    }
    set_user_agent(doc);
    set_user_id(doc)?;
    rename_billing_fields(doc)?;
    convert_property(
        doc,
        "is_billable",
        "convert-properties_is_billable",
        java_boolean,
    );
    convert_property(
        doc,
        "client_auth_method",
        "convert-properties_client_auth_method",
        java_int,
    );
    reformat_date(doc, "time_generated", "date-properties_time_generated");
    run_resource_shared_pipeline(doc).or_fail("rename")?;
    set_cloud_fields(doc);
    Ok(())
}

/// `@timestamp` from `time`; this `date` processor has no failure handling.
fn set_timestamp(doc: &mut Doc) -> Step {
    let time = "azure.graphactivitylogs.time";
    if !doc.is_present(time) {
        return Ok(());
    }
    date_field(doc, time, "@timestamp", &[TimeFormat::Iso8601]).or_fail_tagged("date", "date-time")
}

/// A `properties` date rewritten in the date processor's output form;
/// failures are recorded and processing goes on. The processor's condition
/// reads `properties?.<field>`, which throws on a non-object `properties`.
fn reformat_date(doc: &mut Doc, field: &str, tag: &'static str) {
    let path = format!("{PROPERTIES}.{field}");
    let condition = match doc.painless(&path) {
        Ok(None | Some(Value::Null)) => return,
        Ok(Some(_)) => Ok(()),
        Err(_) => Err(ProcessorFailure::painless("date").tagged(tag)),
    };
    let outcome = condition.and_then(|()| {
        date_field(doc, &path, &path, &[TimeFormat::Iso8601]).or_fail_tagged("date", tag)
    });
    if let Err(failure) = outcome {
        record_failure(doc, &failure);
    }
}

/// `caller_ip_address`, else `properties.ip_address`, becomes `source.ip`;
/// a non-address moves to `source.address` (the second only while no
/// address was set). Both raw fields go once `source.ip` is set.
fn set_source_ip(doc: &mut Doc) {
    let caller = "azure.graphactivitylogs.caller_ip_address";
    let property = "azure.graphactivitylogs.properties.ip_address";
    convert_caller_ip(doc, caller);
    if !doc.is_present("source.ip") {
        let is_address = doc
            .get(property)
            .and_then(Value::as_str)
            .is_some_and(is_ip_address);
        if is_address || !doc.is_present("source.address") {
            convert_caller_ip(doc, property);
        }
    }
    remove_if_source_ip(doc, caller);
    remove_if_source_ip(doc, property);
}

/// Top-level `duration_ms` becomes `event.duration` (scaled to nanoseconds);
/// both raw copies then go. The fallback to `properties.duration_ms` never
/// fires (its condition tests the pre-snake-case name `durationMs`), but
/// that condition still reads `properties?.durationMs`, which throws on a
/// non-object `properties` and fails the pipeline.
fn move_duration(doc: &mut Doc) -> Step {
    if doc.is_present("azure.graphactivitylogs.duration_ms") {
        doc.rename("azure.graphactivitylogs.duration_ms", "event.duration")
            .or_fail_tagged("rename", "rename-duration_ms")?;
    }
    if doc
        .get(PROPERTIES)
        .is_some_and(|properties| !properties.is_null() && !properties.is_object())
    {
        return Err(ProcessorFailure::painless("rename").tagged("rename-properties-durationMs"));
    }
    // ignore_failure: a duration Painless cannot multiply stays as it is.
    let _ = scale_duration_to_nanos(doc);
    if doc.is_present("event.duration") {
        doc.remove("azure.graphactivitylogs.duration_ms");
        doc.remove("azure.graphactivitylogs.properties.duration_ms");
    }
    Ok(())
}

/// The top-level `field`, else `properties.<field>`, becomes `target`; both
/// raw copies go once it is set.
fn move_with_fallback(doc: &mut Doc, field: &str, target: &str) -> Step {
    let top = format!("{ROOT}.{field}");
    let property = format!("{PROPERTIES}.{field}");
    rename(doc, &top, target)?;
    if !doc.is_present(target) {
        rename(doc, &property, target)?;
    }
    if doc.is_present(target) {
        doc.remove(&top);
        doc.remove(&property);
    }
    Ok(())
}

/// The `uri_parts` processor on `properties.request_uri` (keeping
/// `url.original`); the raw field goes once parsed, a failure is recorded.
fn set_url_parts(doc: &mut Doc) {
    let path = "azure.graphactivitylogs.properties.request_uri";
    let Some(uri) = doc.get(path).filter(|uri| !uri.is_null()) else {
        return;
    };
    let parsed = match uri {
        Value::String(text) => uri_parts(text),
        other => Err(format!(
            "field [request_uri] of type [{}] cannot be cast to [java.lang.String]",
            java::class_name(other)
        )),
    };
    match parsed {
        Ok(parts) => {
            doc.put("url", Value::Object(parts));
            doc.remove(path);
        }
        Err(message) => {
            let failure = ProcessorFailure::new("uri_parts", message)
                .tagged("uri_parts-properties-request_uri");
            record_failure(doc, &failure);
        }
    }
}

/// The parts `uri_parts` reports, with `original`: from `java.net.URI`
/// (decoded) when the text is a valid URI, else from `java.net.URL` (raw)
/// when Java knows the scheme.
fn uri_parts(text: &str) -> Result<Object, String> {
    let components = if is_valid_java_uri(text) {
        split_uri(text).map(UriComponents::decoded)
    } else {
        split_uri(text).filter(UriComponents::is_java_url)
    };
    let mut parts = components
        .map(UriComponents::into_fields)
        .ok_or_else(|| format!("unable to parse URI [{text}]"))?;
    parts.insert("original".to_string(), Value::from(text));
    Ok(parts)
}

/// The pieces of a URI reference, before any decoding.
#[derive(Default)]
struct UriComponents {
    scheme: Option<String>,
    user_info: Option<String>,
    host: Option<String>,
    port: Option<u16>,
    path: Option<String>,
    query: Option<String>,
    fragment: Option<String>,
}

impl UriComponents {
    fn decoded(self) -> UriComponents {
        UriComponents {
            user_info: self.user_info.map(|text| percent_decode(&text)),
            path: self.path.map(|text| percent_decode(&text)),
            query: self.query.map(|text| percent_decode(&text)),
            fragment: self.fragment.map(|text| percent_decode(&text)),
            ..self
        }
    }

    /// `java.net.URL` accepts only schemes it has a handler for.
    fn is_java_url(&self) -> bool {
        self.scheme.as_deref().is_some_and(|scheme| {
            matches!(
                scheme.to_ascii_lowercase().as_str(),
                "http" | "https" | "ftp" | "file" | "jar" | "mailto" | "jrt"
            )
        })
    }

    /// The fields `uri_parts` sets, in its order. One insertion over a list:
    /// a closure called per part was inlined at each of its eight calls
    /// (BENCHMARKS.md, stop 28, "Size and start-up").
    fn into_fields(self) -> Object {
        let extension = self.path.as_deref().and_then(path_extension);
        let (username, password) = match self.user_info.as_deref().map(|info| info.split_once(':'))
        {
            Some(Some((user, password))) => (Some(user.to_string()), Some(password.to_string())),
            _ => (None, None),
        };
        let parts = [
            ("domain", self.host),
            ("fragment", self.fragment),
            ("extension", extension),
            ("path", self.path),
            ("query", self.query),
            ("scheme", self.scheme),
            ("username", username),
            ("password", password),
            ("user_info", self.user_info),
        ];
        let mut fields = Object::new();
        for (name, value) in parts {
            if let Some(value) = value {
                fields.insert(name.to_string(), Value::from(value));
            }
        }
        if let Some(port) = self.port {
            fields.insert("port".to_string(), Value::from(port));
        }
        fields
    }
}

/// The extension of the last path segment, when it has a dot.
fn path_extension(path: &str) -> Option<String> {
    let segment = path.rsplit('/').next().unwrap_or(path);
    let (_, extension) = segment.rsplit_once('.')?;
    Some(extension.to_string())
}

/// Splits `scheme:[//authority]path[?query][#fragment]`; an opaque URI
/// (`scheme:` not followed by `/`) has neither path nor query.
fn split_uri(text: &str) -> Option<UriComponents> {
    let mut parts = UriComponents::default();
    let (before_fragment, fragment) = match text.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment.to_string())),
        None => (text, None),
    };
    parts.fragment = fragment;
    let mut rest = before_fragment;
    if let Some((scheme, after)) = rest.split_once(':') {
        if is_scheme(scheme) {
            parts.scheme = Some(scheme.to_string());
            if !after.starts_with('/') {
                return Some(parts);
            }
            rest = after;
        }
    }
    let (before_query, query) = match rest.split_once('?') {
        Some((before, query)) => (before, Some(query.to_string())),
        None => (rest, None),
    };
    parts.query = query;
    let path = match before_query.strip_prefix("//") {
        Some(after_slashes) => {
            let (authority, path) = after_slashes
                .find('/')
                .map_or((after_slashes, ""), |slash| after_slashes.split_at(slash));
            set_authority(&mut parts, authority)?;
            path
        }
        None => before_query,
    };
    parts.path = Some(path.to_string());
    Some(parts)
}

fn is_scheme(text: &str) -> bool {
    text.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
}

/// `[user_info@]host[:port]`; a host that is neither a plain name nor an
/// IPv6 literal makes Java treat the authority as registry-based (no host).
fn set_authority(parts: &mut UriComponents, authority: &str) -> Option<()> {
    let (user_info, host_port) = match authority.rsplit_once('@') {
        Some((user_info, host_port)) => (Some(user_info.to_string()), host_port),
        None => (None, authority),
    };
    parts.user_info = user_info;
    let (host, port) = match host_port.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => (host, port),
        _ => (host_port, ""),
    };
    if !port.is_empty() {
        parts.port = Some(port.parse().ok()?);
    }
    let is_name = host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'));
    let is_ipv6_literal = host.starts_with('[') && host.ends_with(']');
    if !host.is_empty() && (is_name || is_ipv6_literal) {
        parts.host = Some(host.to_string());
    }
    Some(())
}

/// Whether `java.net.URI` accepts the text: RFC 2396 characters only (and
/// non-ASCII letters), `%` always followed by two hex digits, one `#` at
/// most, and brackets only around an IPv6 host.
fn is_valid_java_uri(text: &str) -> bool {
    let bytes = text.as_bytes();
    let escapes_ok = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'%')
        .all(|(at, _)| {
            bytes.get(at + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(at + 2).is_some_and(u8::is_ascii_hexdigit)
        });
    let brackets_ok = match (text.split_once('['), text.find(']')) {
        (None, None) => true,
        (Some((before, _)), Some(close)) => {
            (before.ends_with("//") || before.ends_with('@')) && before.len() < close
        }
        _ => false,
    };
    let characters_ok = text.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || "-_.!~*'();/?:@&=+$,%#[]".contains(c)
            || (!c.is_ascii() && !c.is_whitespace() && !c.is_control())
    });
    escapes_ok && brackets_ok && characters_ok && text.matches('#').count() <= 1
}

/// `%XX` escapes decoded as UTF-8, invalid sequences replaced (Java's
/// `URI.decode`).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        let escaped = (byte == b'%')
            .then(|| std::str::from_utf8(bytes.get(at + 1..at + 3)?).ok())
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                decoded.push(byte);
                at += 3;
            }
            None => {
                decoded.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// The `split` processor on a single space (Java's `String.split`: trailing
/// empty strings dropped), skipped for null or empty values; a non-string
/// is recorded as a failure.
fn split_on_spaces(doc: &mut Doc, field: &str, tag: &'static str) {
    let path = format!("{PROPERTIES}.{field}");
    let split = match doc.get(&path) {
        None => return,
        Some(value) if is_null_or_empty(value) => return,
        Some(Value::String(text)) => {
            let mut parts: Vec<Value> = text.split(' ').map(Value::from).collect();
            while parts.last().is_some_and(|part| part == "") {
                parts.pop();
            }
            Ok(parts)
        }
        Some(other) => Err(ProcessorFailure::new(
            "split",
            format!(
                "field [{field}] of type [{}] cannot be cast to [java.lang.String]",
                java::class_name(other)
            ),
        )
        .tagged(tag)),
    };
    match split {
        Ok(parts) => doc.put(&path, Value::Array(parts)),
        Err(failure) => record_failure(doc, &failure),
    }
}

/// `properties.user_agent` goes through the `user_agent` processor; only
/// `user_agent.original` is reproduced. The raw field goes once
/// `user_agent` exists.
fn set_user_agent(doc: &mut Doc) {
    let path = "azure.graphactivitylogs.properties.user_agent";
    match doc.get(path) {
        None => {}
        Some(value) if is_null_or_empty(value) => {}
        Some(Value::String(agent)) => {
            let original = Value::from(agent.clone());
            doc.put("user_agent.original", original);
            doc.remove(path);
        }
        Some(other) => {
            let message = format!(
                "field [user_agent] of type [{}] cannot be cast to [java.lang.String]",
                java::class_name(other)
            );
            let failure = ProcessorFailure::new("user_agent", message)
                .tagged("user_agent-properties_user_agent");
            record_failure(doc, &failure);
        }
    }
}

/// A non-empty `properties.user_id` becomes `user.id`, copied to
/// `client.user.id` and `related.user`.
fn set_user_id(doc: &mut Doc) -> Step {
    let path = "azure.graphactivitylogs.properties.user_id";
    if doc.get(path).is_some_and(|id| !is_null_or_empty(id)) {
        doc.rename(path, "user.id")
            .or_fail_tagged("rename", "rename-properties_user_id")?;
    }
    let user_id = java::render_template(doc.get("user.id"));
    if doc.is_present("user.id") {
        if !user_id.is_empty() {
            doc.put("client.user.id", Value::from(user_id.clone()));
        }
        // Cannot fail: `related` is written only by the pipeline.
        let _ = doc.append("related.user", Value::from(user_id), Duplicates::Skip);
    }
    Ok(())
}

/// `_BilledSize` and `_IsBillable` snake-case to `_billed_size` and
/// `_is_billable`, and lose their leading underscore.
fn rename_billing_fields(doc: &mut Doc) -> Step {
    for (from, to, tag) in [
        (
            "_billed_size",
            "billed_size",
            "rename-properties_billed_size",
        ),
        (
            "_is_billable",
            "is_billable",
            "rename-properties_is_billable",
        ),
    ] {
        let from = format!("{PROPERTIES}.{from}");
        if doc.is_present(&from) {
            doc.rename(&from, &format!("{PROPERTIES}.{to}"))
                .or_fail_tagged("rename", tag)?;
        }
    }
    Ok(())
}

/// The `convert` processor on a `properties` field in place (a list item by
/// item); a failure is recorded and the value left as it was.
fn convert_property(
    doc: &mut Doc,
    field: &str,
    tag: &'static str,
    convert: fn(&Value) -> Result<Value, String>,
) {
    let path = format!("{PROPERTIES}.{field}");
    let Some(value) = doc.get(&path).filter(|value| !value.is_null()) else {
        return;
    };
    let converted = match value {
        Value::Array(items) => try_map(items, convert).map(Value::Array),
        other => convert(other),
    };
    match converted {
        Ok(converted) => doc.put(&path, converted),
        Err(message) => record_failure(doc, &ProcessorFailure::new("convert", message).tagged(tag)),
    }
}

/// Java's boolean conversion: "true" or "false" in any case.
fn java_boolean(value: &Value) -> Result<Value, String> {
    let text = java::to_string(value);
    match text.to_lowercase().as_str() {
        "true" => Ok(Value::Bool(true)),
        "false" => Ok(Value::Bool(false)),
        _ => Err(format!(
            "[{text}] is not a boolean value, cannot convert to boolean"
        )),
    }
}

/// Java's integer conversion (`Integer.parseInt`, or `decode` for `0x`).
fn java_int(value: &Value) -> Result<Value, String> {
    let text = java::to_string(value);
    java::parse_int(&text)
        .map(Value::from)
        .ok_or_else(|| format!("unable to convert [{text}] to integer"))
}

/// `cloud.account.id` is the tenant, `cloud.region` the region name, and
/// `cloud.service.name` is fixed.
fn set_cloud_fields(doc: &mut Doc) {
    for (target, source) in [
        ("cloud.account.id", "azure.tenant_id"),
        ("cloud.region", "destination.geo.region_name"),
    ] {
        let rendered = java::render_template(doc.get(source));
        if !rendered.is_empty() {
            doc.put(target, Value::from(rendered));
        }
    }
    doc.put("cloud.service.name", Value::from("Microsoft Graph"));
}

/// A processor failure handled by the processor itself: recorded, and the
/// pipeline goes on.
fn record_failure(doc: &mut Doc, failure: &ProcessorFailure) {
    append_error_message(doc, STREAM.failure_style.message(failure));
}

/// The pipeline's last script: null and empty-string values go everywhere,
/// and so do objects and lists that end up empty.
fn drop_empty_values(doc: &mut Doc) {
    fn is_droppable(value: &mut Value) -> bool {
        match value {
            Value::Null => true,
            Value::String(text) => text.is_empty(),
            Value::Object(map) => {
                map.retain(|_, child| !is_droppable(child));
                map.is_empty()
            }
            Value::Array(items) => {
                items.retain_mut(|item| !is_droppable(item));
                items.is_empty()
            }
            Value::Bool(_) | Value::Number(_) => false,
        }
    }
    doc.retain(|child| !is_droppable(child));
}

fn rename(doc: &mut Doc, from: &str, to: &str) -> Step {
    doc.rename(from, to).or_fail("rename")
}

#[cfg(test)]
mod tests {
    use super::uri_parts;

    /// Each case's fields as `uri_parts` writes them, keys in its order
    /// (taken from the closure-per-part version before stop 28's change).
    #[test]
    fn uri_parts_sets_its_fields_in_order() {
        let cases = [
            (
                "https://user:pw@example.com:8443/a/b%20c.txt?q=1#frag",
                r#"{"domain":"example.com","fragment":"frag","extension":"txt","path":"/a/b c.txt","query":"q=1","scheme":"https","username":"user","password":"pw","user_info":"user:pw","port":8443,"original":"https://user:pw@example.com:8443/a/b%20c.txt?q=1#frag"}"#,
            ),
            (
                "https://someone@graph.microsoft.com/v1.0/me",
                r#"{"domain":"graph.microsoft.com","path":"/v1.0/me","scheme":"https","user_info":"someone","original":"https://someone@graph.microsoft.com/v1.0/me"}"#,
            ),
            (
                "/v1.0/users?$top=5",
                r#"{"path":"/v1.0/users","query":"$top=5","original":"/v1.0/users?$top=5"}"#,
            ),
            (
                "mailto:a@b.c",
                r#"{"scheme":"mailto","original":"mailto:a@b.c"}"#,
            ),
        ];
        for (uri, expected) in cases {
            let parts = uri_parts(uri).map(|parts| serde_json::Value::Object(parts).to_string());
            assert_eq!(parts.as_deref(), Ok(expected), "{uri}");
        }
        assert_eq!(
            uri_parts("a b://x"),
            Err("unable to parse URI [a b://x]".to_string())
        );
    }
}
