//! Azure resource ("platform") logs → the document the `azure.platformlogs`
//! data stream of Elastic's Azure integration indexes.
//!
//! The AKS rules query `azure.platformlogs.properties.log.*` (the Kubernetes
//! audit event) with `event.action` and `azure.platformlogs.category`, which
//! exist only once the pipeline has decoded and renamed the raw record; this
//! module replays that pipeline.
//!
//! # Records
//!
//! The integration's routing sends every record with a category to this
//! stream unless a more specific one claims the category, so AKS
//! `kube-audit`, `kube-audit-admin`, `kube-apiserver`, `guard`, Key Vault
//! `AuditEvent`, storage, App Service and Function App logs are all
//! platform logs. The pipeline drops nothing.
//!
//! # Pipelines followed
//!
//! `elastic/integrations`, package `packages/azure`:
//! `data_stream/platformlogs/elasticsearch/ingest_pipeline/default.yml` at
//! `18be22de3593baa0c4d6d18325cd0b34fd3725e4` (ECS 8.11.0), the commit of the
//! expected output, and the resource-scoped shared pipeline as in
//! `super::activitylogs` (`azure-shared-pipeline.yml`
//! @`1b08d3b52662a7ddeca4752b94c7a14773c771df`). Checked against
//! `_dev/test/pipeline/test-platformlogs-kube.log` @`50da1ee8…` with its
//! expected output @`18be22de…`.
//!
//! Newer versions also parse a JSON-text `properties` (keeping an
//! unparsable one as `properties.raw`), rename `Identity`, rewrite
//! single-quoted JSON and map `Status` `Succeeded`/`Failed` to
//! `success`/`failure`; this module follows the version of the fixture.
//!
//! # Behaviours worth knowing
//!
//! - `properties.log` holding JSON (the Kubernetes audit event of AKS
//!   `kube-audit*`) is decoded in place, keys untouched; other text moves to
//!   `message`.
//! - `event.outcome` comes from `resultType` (success or failure in any
//!   case), else `properties.result` (success, failure, unknown), else
//!   `Status` (those three or `Succeeded`, `Failed`); the shared pipeline
//!   lower-cases it, so `Succeeded` is indexed as `succeeded`.
//! - A numeric `durationMs` is removed without becoming `event.duration`;
//!   only a string one is converted (to a Java `int`) and scaled.
//! - `EventTimeString` (ISO 8601 or `M/d/yyyy h:mm:ss a XXX`) overrides
//!   `time` for `@timestamp`; neither readable leaves no `@timestamp` (the
//!   processors ignore their failures; none is invented). An
//!   `EventProperties` JSON text replaces `properties`.
//!
//! # Not reproduced
//!
//! GeoIP and ASN lookups (`geo.*`, `source.geo.*`, `source.as.*`), and the
//! Spring Apps sub-pipeline, which runs only for documents carrying the log
//! forwarder's `azure_log_forwarder.resource_type` (never part of a raw
//! record). Failure messages name the pipeline without its version suffix.
//!
//! # Failures
//!
//! A non-object `properties` (the `properties?.log` condition throws), a
//! string `durationMs` that is no Java `int`, a non-string `category`, or a
//! rename onto an existing field fail the pipeline. Text that the `"":"",`
//! clean-up turns into invalid JSON takes the pipeline's own fallback:
//! `resourceId`, `category` and `time` are picked out of the text,
//! `error.message` says the JSON was invalid and the original is kept.

use serde_json::{Map, Value};

use super::common::date::{date_field, TimeFormat};
use super::common::{
    begin_with_cleaned_text, copy_source_ip_to_client_and_related, event_category_of, java,
    move_caller_ip, parse_json_string, replay, run_resource_shared_pipeline,
    scale_duration_to_nanos, set_event_type_from_category, set_outcome_from_result, Doc,
    Duplicates, FailureStyle, Object, OrFail, ProcessorFailure, Step, Stream,
};

const STREAM: Stream = Stream {
    dataset: "azure.platformlogs",
    failure_style: FailureStyle::Quoted {
        pipeline: "logs-azure.platformlogs",
    },
};

const ROOT: &str = "azure.platformlogs";
const PROPERTIES: &str = "azure.platformlogs.properties";
const INVALID_JSON_MESSAGE: &str =
    "Received invalid json from the Azure Cloud platform. Unable to parse the source log message";

/// Turns one raw platform-log (resource log) record into the document the
/// `azure.platformlogs` data stream indexes.
///
/// `original` is the record's JSON text; its cleaned form becomes
/// `event.original` when `keep_original` is true (the
/// `preserve_original_event` tag), and always when the pipeline fails.
pub fn normalize(record: &Map<String, Value>, original: &str, keep_original: bool) -> Value {
    replay(&STREAM, keep_original, |doc| {
        let outcome = run_pipeline(doc, record, original);
        if outcome.is_err() {
            // The pipeline's `on_failure` *sets* `error.message`, replacing the
            // invalid-JSON note of the fallback.
            doc.remove("error.message");
        }
        outcome
    })
}

/// The processors of the platform-log pipeline, in order.
fn run_pipeline(doc: &mut Doc, record: &Object, original: &str) -> Step {
    if begin_with_cleaned_text(doc, ROOT, record, original).is_err() {
        salvage_invalid_json(doc);
    }
    if matches!(
        doc.get("azure.platformlogs.identity"),
        Some(Value::String(_))
    ) {
        rename(
            doc,
            "azure.platformlogs.identity",
            "azure.platformlogs.identity_name",
        )?;
    }
    // Both `date` processors ignore their failures.
    let _ = date_field(
        doc,
        "azure.platformlogs.time",
        "@timestamp",
        &[TimeFormat::Iso8601],
    );
    let event_time_formats = [TimeFormat::Iso8601, TimeFormat::UsClock12WithOffset];
    let _ = date_field(
        doc,
        "azure.platformlogs.EventTimeString",
        "@timestamp",
        &event_time_formats,
    );
    doc.remove("azure.platformlogs.time");
    rename(doc, "azure.platformlogs.resourceId", "azure.resource_id")?;
    rename(doc, "azure.platformlogs.Region", "cloud.region")?;
    apply_event_properties(doc)?;
    decode_properties_log(doc)?;
    rename(doc, "azure.platformlogs.EventName", "event.action")?;
    move_caller_ip(doc, "azure.platformlogs.callerIpAddress");
    copy_source_ip_to_client_and_related(doc);
    rename(doc, "azure.platformlogs.level", "log.level")?;
    convert_string_duration(doc)?;
    rename(doc, "azure.platformlogs.location", "geo.name")?;
    set_event_category(doc);
    rename(
        doc,
        "azure.platformlogs.resultType",
        "azure.platformlogs.result_type",
    )?;
    set_outcome_from_result(doc, ROOT)?;
    set_outcome_from_status(doc);
    rename(
        doc,
        "azure.platformlogs.operationName",
        "azure.platformlogs.operation_name",
    )?;
    // `event.action` becomes `operation_name`, overriding one from `EventName`.
    doc.convert_to_string("azure.platformlogs.operation_name", "event.action")
        .or_fail("convert")?;
    rename_plain_fields(doc)?;
    set_event_type_from_category(doc, "azure.platformlogs.category")?;
    doc.put("event.kind", Value::from("event"));
    run_resource_shared_pipeline(doc).or_fail("rename")?;
    rename(
        doc,
        "azure.platformlogs.resultDescription",
        "azure.platformlogs.result_description",
    )
}

/// The `json` processor's own `on_failure`: `resourceId`, `category` and
/// `time` are picked out of the text by grok, the error is recorded and the
/// document tagged so that its original is kept.
fn salvage_invalid_json(doc: &mut Doc) {
    let text = java::render_template(doc.get("event.original"));
    for key in ["resourceId", "category", "time"] {
        if let Some(value) = grok_quoted_value(&text, key) {
            doc.put(&format!("{ROOT}.{key}"), Value::from(value));
        }
    }
    doc.put("error.message", Value::from(vec![INVALID_JSON_MESSAGE]));
    // Cannot fail: `tags` is written only by the pipeline.
    let _ = doc.append(
        "tags",
        Value::from("preserve_original_event"),
        Duplicates::Skip,
    );
}

/// Grok `<key>": ?"%{DATA}"`, unanchored: the leftmost `<key>"` followed by
/// `:`, an optional space and a quote, then the shortest text up to the next
/// quote on the same line.
fn grok_quoted_value(text: &str, key: &str) -> Option<String> {
    let needle = format!("{key}\":");
    text.match_indices(&needle).find_map(|(at, _)| {
        let rest = text.get(at + needle.len()..)?;
        let rest = rest.strip_prefix(' ').unwrap_or(rest);
        let value_and_after = rest.strip_prefix('"')?;
        let end = value_and_after.find(['"', '\n'])?;
        let value = value_and_after.get(..end)?;
        value_and_after
            .get(end..)?
            .starts_with('"')
            .then(|| value.to_string())
    })
}

/// An `EventProperties` JSON text replaces `properties`; it is then removed
/// unless `properties` ended up null. That removal's condition reads
/// `azure.platformlogs` without a null check, so a document where nothing
/// could be salvaged fails there.
fn apply_event_properties(doc: &mut Doc) -> Step {
    if let Some(decoded) = parse_json_string(doc.get("azure.platformlogs.EventProperties")) {
        doc.put(PROPERTIES, decoded);
    }
    if doc.get(ROOT).is_none() {
        return Err(ProcessorFailure::painless("remove"));
    }
    if doc.is_present(PROPERTIES) {
        doc.remove("azure.platformlogs.EventProperties");
    }
    Ok(())
}

/// `properties.log` holding JSON (an AKS Kubernetes audit event) is decoded
/// in place; other text moves to `message`. The move's condition reads
/// `properties?.log`, which throws on a non-object `properties` and fails
/// the pipeline.
fn decode_properties_log(doc: &mut Doc) -> Step {
    let path = "azure.platformlogs.properties.log";
    if let Some(decoded) = parse_json_string(doc.get(path)) {
        doc.put(path, decoded);
    }
    let log_is_text = match doc.get(PROPERTIES) {
        None | Some(Value::Null) => false,
        Some(Value::Object(properties)) => properties.get("log").is_some_and(Value::is_string),
        Some(_) => return Err(ProcessorFailure::painless("rename")),
    };
    if log_is_text {
        rename(doc, path, "message")?;
    }
    Ok(())
}

/// Only a string `durationMs` becomes `event.duration`, by `convert` to
/// `integer`, which fails the pipeline on anything but a Java `int`; the raw
/// field is removed in every case, so a numeric one is simply dropped.
fn convert_string_duration(doc: &mut Doc) -> Step {
    let path = "azure.platformlogs.durationMs";
    if let Some(Value::String(text)) = doc.get(path) {
        let millis = java::parse_int(text).ok_or_else(|| {
            ProcessorFailure::new("convert", format!("unable to convert [{text}] to integer"))
        })?;
        doc.put("event.duration", Value::from(millis));
    }
    doc.remove(path);
    // ignore_failure, as in the other pipelines (an `int` always multiplies).
    let _ = scale_duration_to_nanos(doc);
    Ok(())
}

/// `event_category` as in activity logs, but `properties.eventCategory`
/// stays.
fn set_event_category(doc: &mut Doc) {
    let category = match doc.get(PROPERTIES) {
        None | Some(Value::Null) => Value::from("Administrative"),
        Some(Value::Object(properties)) => event_category_of(properties),
        Some(_) => return,
    };
    doc.put("azure.platformlogs.event_category", category);
}

/// Without an outcome yet, a string `Status` that is success, failure,
/// unknown, Succeeded or Failed is copied as written.
fn set_outcome_from_status(doc: &mut Doc) {
    if doc.is_present("event.outcome") {
        return;
    }
    let status = doc.get("azure.platformlogs.Status").and_then(Value::as_str);
    let is_outcome = |status: &&str| {
        matches!(
            *status,
            "success" | "failure" | "unknown" | "Succeeded" | "Failed"
        )
    };
    if let Some(status) = status.filter(is_outcome) {
        let outcome = Value::from(status);
        doc.put("event.outcome", outcome);
    }
}

fn rename_plain_fields(doc: &mut Doc) -> Step {
    for (from, to) in [
        (
            "azure.platformlogs.resultSignature",
            "azure.platformlogs.result_signature",
        ),
        ("azure.platformlogs.correlationId", "azure.correlation_id"),
        (
            "azure.platformlogs.properties.statusCode",
            "azure.platformlogs.properties.status_code",
        ),
        ("azure.platformlogs.Status", "azure.platformlogs.status"),
    ] {
        rename(doc, from, to)?;
    }
    Ok(())
}

fn rename(doc: &mut Doc, from: &str, to: &str) -> Step {
    doc.rename(from, to).or_fail("rename")
}
