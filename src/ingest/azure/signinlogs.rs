//! Microsoft Entra ID sign-in records → the document the `azure.signinlogs`
//! data stream of Elastic's Azure integration indexes.
//!
//! Sign-in rules (risky sign-ins, device-code phishing, unusual brokers)
//! query fields the pipeline creates: snake-cased keys at every depth,
//! `event.outcome` from the error code, `user.name` / `user.domain` split
//! from the UPN, `source.ip` from whichever address field is set. The
//! pipeline is replayed processor by processor.
//!
//! # Pipeline followed
//!
//! `elastic/integrations`
//! `packages/azure/data_stream/signinlogs/elasticsearch/ingest_pipeline/default.yml`
//! at `ef4cee489c70a96deda8f792df4484c15435cfbc`, amended where the
//! pipeline-test fixtures, which are newer, disagree with it:
//! `_dev/test/pipeline/test-signinlogs-sample.log-expected.json`
//! @`136ebec10fe34f4161b2ea919f5b4f8de2e487fe` and
//! `_dev/test/pipeline/test-signinlogs-raw.log-expected.json`
//! @`905509a05f2b492ce17a374466b048e2a49b6909` show ECS 8.11.0,
//! `azure.signinlogs.caller_ip_address` kept in the document, and
//! `authentication_processing_details` keys holding dots kept whole (the
//! key/value list folded by a script, not by the older `foreach`/`set`
//! pair). The resource-scoped shared pipeline follows the data stream's
//! `azure-shared-pipeline.yml` at `01087ab468d05f65450a087aefbe0977e96ce32d`.
//!
//! Later versions add `related.user`, `related.entity`, `user.email`, a
//! `created_date_time` fallback for `time`, `geo.region_name` instead of
//! `geo.country_name` and the removal of empty values; the fixtures predate
//! them, so none is reproduced.
//!
//! # Records
//!
//! The integration routes `SignInLogs`, `NonInteractiveUserSignInLogs`,
//! `ServicePrincipalSignInLogs`, `MicrosoftServicePrincipalSignInLogs` and
//! `ManagedIdentitySignInLogs` here (the pipeline itself keeps any category
//! ending in `SignInLogs`); this module drops nothing.
//!
//! # Not reproduced
//!
//! GeoIP `source.geo.*`, ASN `source.as.*` and the user-agent parser's
//! fields (`user_agent.name`, `.version`, `.os.*`, `.device.name`; only
//! `user_agent.original` is set): they need databases the record does not
//! carry. Jackson's parse-error texts are approximated; a key collision
//! created by snake-casing keeps the key later in the record.
//!
//! # Failures
//!
//! The `date` processor on `time` ignores nothing: a record without a
//! readable `time` fails the pipeline and has no `@timestamp` (none is
//! invented), and as that happens before the raw text moves from `message`
//! to `event.original`, the text stays in `message`. Painless failures are
//! reported as Elasticsearch reports a script exception, "runtime error".

use std::cmp::Ordering;

use serde_json::{Map, Value};

use super::common::date::{date_field, TimeFormat};
use super::common::grok::{first_line, split_user_at_host};
use super::common::{
    convert_to_ip, copy_source_ip_to_client_and_related, java, json_processor, replay,
    run_resource_shared_pipeline, scale_duration_to_nanos, snake_case_keys, Doc, FailureStyle,
    Object, OrFail, ProcessorFailure, SnakeCase, Step, Stream, ECS_VERSION,
};

const STREAM: Stream = Stream {
    dataset: "azure.signinlogs",
    failure_style: FailureStyle::Type,
};

const TIME: &str = "azure.signinlogs.time";
const PROPERTIES: &str = "azure.signinlogs.properties";
const STATUS_FAILURE_REASON: &str = "azure.signinlogs.properties.status.failure_reason";
const STATUS_ADDITIONAL_DETAILS: &str = "azure.signinlogs.properties.status.additional_details";
const STATUS_ERROR_CODE: &str = "azure.signinlogs.properties.status.error_code";
const PROCESSING_DETAILS: &str = "azure.signinlogs.properties.authentication_processing_details";
const USER_ID: &str = "azure.signinlogs.properties.user_id";

/// Turns one raw sign-in record into the document the `azure.signinlogs`
/// data stream indexes.
///
/// `original` is the record's JSON text; it becomes `event.original` when
/// `keep_original` is true (the integration's `preserve_original_event`
/// tag), and is always kept when the pipeline fails.
pub fn normalize(record: &Map<String, Value>, original: &str, keep_original: bool) -> Value {
    replay(&STREAM, keep_original, |doc| {
        run_pipeline(doc, record, original)
    })
}

/// The processors of `default.yml`, in order; the first failure stops the
/// pipeline.
fn run_pipeline(doc: &mut Doc, record: &Object, original: &str) -> Step {
    doc.put("ecs.version", Value::from(ECS_VERSION));
    doc.put("message", Value::from(original));
    let parsed = json_processor(record, original).or_fail("json")?;
    doc.put(
        "azure.signinlogs",
        snake_case_keys(parsed, SnakeCase::LowerThenUpper),
    );
    // `time` is the only time source this version knows, and its `date`
    // processor has no `ignore_failure`.
    date_field(doc, TIME, "@timestamp", &[TimeFormat::Iso8601]).or_fail("date")?;
    doc.remove(TIME);
    if let Some(message) = doc.remove("message") {
        doc.put("event.original", message);
    }
    rename(doc, "azure.signinlogs.resource_id", "azure.resource_id")?;
    set_source_address_and_ip(doc);
    doc.convert_to_string("azure.signinlogs.level", "log.level")
        .or_fail("convert")?;
    doc.remove("azure.signinlogs.level");
    set_event_duration(doc)?;
    rename(doc, "azure.signinlogs.location", "geo.country_iso_code")?;
    doc.convert_to_string("azure.signinlogs.operation_name", "event.action")
        .or_fail("convert")?;
    rename(doc, "azure.signinlogs.tenant_id", "azure.tenant_id")?;
    rename(
        doc,
        "azure.signinlogs.correlation_id",
        "azure.correlation_id",
    )?;
    rename_irregular_properties(doc)?;
    set_message_from_status(doc)?;
    move_location_to_geo(doc)?;
    fold_authentication_processing_details(doc)?;
    doc.put("event.kind", Value::from("event"));
    doc.put("event.category", Value::from(vec!["authentication"]));
    doc.put("event.type", Value::from(vec!["info"]));
    set_event_outcome(doc)?;
    set_event_id(doc);
    set_user_fields(doc)?;
    move_user_agent(doc)?;
    run_resource_shared_pipeline(doc).or_fail("rename")
}

/// Sign-in logs carry the client address in several places; the first one
/// that renders non-empty becomes `source.address` (`properties.ipAddress`,
/// then the top-level `callerIpAddress`, which stays in the document as
/// `caller_ip_address`), and `source.ip` when it is an address.
fn set_source_address_and_ip(doc: &mut Doc) {
    for path in [
        "azure.signinlogs.properties.ipaddress",
        "azure.signinlogs.properties.ip_address",
        "azure.signinlogs.caller_ip_address",
    ] {
        if !doc.is_present("source.address") {
            let address = java::render_template(doc.get(path));
            if !address.is_empty() {
                doc.put("source.address", Value::from(address));
            }
        }
    }
    // `convert` to ip with ignore_failure.
    if let Some(ip) = doc.get("source.address").and_then(convert_to_ip) {
        doc.put("source.ip", ip);
    }
    doc.remove("azure.signinlogs.properties.ipaddress");
    doc.remove("azure.signinlogs.properties.ip_address");
    copy_source_ip_to_client_and_related(doc);
}

/// `duration_ms` → `event.duration` in nanoseconds; a value Painless cannot
/// multiply (a string) fails the pipeline.
fn set_event_duration(doc: &mut Doc) -> Step {
    rename(doc, "azure.signinlogs.duration_ms", "event.duration")?;
    scale_duration_to_nanos(doc).map_err(|_| ProcessorFailure::painless("script"))
}

/// The only keys the pipeline renames beyond snake-casing.
fn rename_irregular_properties(doc: &mut Doc) -> Step {
    let renames = [
        ("created_date_time", "created_at"),
        ("processing_time_in_milliseconds", "processing_time_ms"),
        ("risk_level_during_sign_in", "risk_level_during_signin"),
    ];
    doc.rename_under(PROPERTIES, &renames).or_fail("rename")
}

/// A script joins `status.failureReason` and `status.additionalDetails`
/// into `message` ("reason (details)"); both are then removed.
fn set_message_from_status(doc: &mut Doc) -> Step {
    let reason = painless_string(doc, STATUS_FAILURE_REASON)?;
    let details = painless_string(doc, STATUS_ADDITIONAL_DETAILS)?;
    let message = match (reason, details) {
        (Some(reason), Some(details)) => Some(format!("{reason} ({details})")),
        (reason, details) => reason.or(details),
    };
    if let Some(message) = message {
        doc.put("message", Value::from(message));
    }
    doc.remove(STATUS_FAILURE_REASON);
    doc.remove(STATUS_ADDITIONAL_DETAILS);
    Ok(())
}

/// The script's `String x = ctx?.…` assignment: a null-safe walk, and a
/// runtime error when the value is not a string or a step not an object.
fn painless_string(doc: &Doc, path: &str) -> Result<Option<String>, ProcessorFailure> {
    match doc.painless(path) {
        Ok(None | Some(Value::Null)) => Ok(None),
        Ok(Some(Value::String(text))) => Ok(Some(text.clone())),
        _ => Err(ProcessorFailure::painless("script")),
    }
}

/// `properties.location` feeds `geo.*`; the pipeline puts the state into
/// `geo.country_name`. What is left of `location` (`countryOrRegion`) goes.
fn move_location_to_geo(doc: &mut Doc) -> Step {
    let location = format!("{PROPERTIES}.location");
    for (from, to) in [
        ("city", "geo.city_name"),
        ("state", "geo.country_name"),
        ("geo_coordinates.latitude", "geo.location.lat"),
        ("geo_coordinates.longitude", "geo.location.lon"),
    ] {
        rename(doc, &format!("{location}.{from}"), to)?;
    }
    doc.remove(&location);
    Ok(())
}

/// `authenticationProcessingDetails` is a list of `{key, value}` pairs; a
/// script folds it into one object keyed by `key` (keys holding dots stay
/// whole). Only a list is folded; an item that is not an object is a
/// runtime error.
fn fold_authentication_processing_details(doc: &mut Doc) -> Step {
    let items = match doc.painless(PROCESSING_DETAILS) {
        Err(_) => return Err(ProcessorFailure::painless("script")),
        Ok(Some(Value::Array(items))) => items,
        Ok(_) => return Ok(()),
    };
    let mut folded = Object::new();
    for item in items {
        let Value::Object(pair) = item else {
            return Err(ProcessorFailure::painless("script"));
        };
        let key = pair
            .get("key")
            .map_or_else(|| "null".to_string(), java::to_string);
        folded.insert(key, pair.get("value").cloned().unwrap_or(Value::Null));
    }
    doc.put(PROCESSING_DETAILS, Value::Object(folded));
    Ok(())
}

/// `event.outcome` depends only on `status.errorCode`: missing or 0 is
/// success, above 0 failure (`resultType` is never read). Painless compares
/// a non-number with 0 as unequal, and fails comparing it with `> 0`.
fn set_event_outcome(doc: &mut Doc) -> Step {
    let code = doc
        .painless(STATUS_ERROR_CODE)
        .map_err(|_| ProcessorFailure::painless("set"))?
        .filter(|code| !code.is_null());
    let outcome = match code {
        None => Some("success"),
        Some(Value::Number(number)) => match java::compare_to_zero(number) {
            Some(Ordering::Equal) => Some("success"),
            Some(Ordering::Greater) => Some("failure"),
            _ => None,
        },
        Some(_) => return Err(ProcessorFailure::painless("set")),
    };
    if let Some(outcome) = outcome {
        doc.put("event.outcome", Value::from(outcome));
    }
    Ok(())
}

fn set_event_id(doc: &mut Doc) {
    let id = java::render_template(doc.get("azure.signinlogs.properties.id"));
    if !id.is_empty() {
        doc.put("event.id", Value::from(id));
    }
}

/// `user.name` and `user.domain` from the UPN by grok
/// (`%{USERNAME}@%{HOSTNAME}`, else the first line whole), then
/// `user.full_name` and `user.id` as strings. Managed identities send
/// `"userId": null`, which the pipeline removes.
fn set_user_fields(doc: &mut Doc) -> Step {
    if let Some(Value::String(upn)) = doc.get("azure.signinlogs.properties.user_principal_name") {
        let (name, domain) = match split_user_at_host(upn) {
            Some((name, domain)) => (name, Some(domain)),
            None => (first_line(upn).to_string(), None),
        };
        doc.put("user.name", Value::from(name));
        if let Some(domain) = domain {
            doc.put("user.domain", Value::from(domain));
        }
    }
    doc.convert_to_string(
        "azure.signinlogs.properties.user_display_name",
        "user.full_name",
    )
    .or_fail("convert")?;
    let user_id = doc
        .painless(USER_ID)
        .map_err(|_| ProcessorFailure::painless("remove"))?;
    if user_id.is_none_or(Value::is_null) {
        doc.remove(USER_ID);
    }
    doc.convert_to_string(USER_ID, "user.id").or_fail("convert")
}

/// `properties.userAgent` becomes `user_agent.original`; the `user_agent`
/// processor then rejects anything but a string (its parsed fields are not
/// reproduced).
fn move_user_agent(doc: &mut Doc) -> Step {
    rename(
        doc,
        "azure.signinlogs.properties.user_agent",
        "user_agent.original",
    )?;
    match doc.get("user_agent.original") {
        None | Some(Value::Null) | Some(Value::String(_)) => Ok(()),
        Some(other) => Err(ProcessorFailure::new(
            "user_agent",
            format!(
                "field [user_agent.original] of type [{}] cannot be cast to [java.lang.String]",
                java::class_name(other)
            ),
        )),
    }
}

fn rename(doc: &mut Doc, from: &str, to: &str) -> Step {
    doc.rename(from, to).or_fail("rename")
}
