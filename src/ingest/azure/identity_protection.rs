//! Microsoft Entra ID Identity Protection records (`RiskyUsers`,
//! `UserRiskEvents`) → the document the `azure.identity_protection` data
//! stream of Elastic's Azure integration indexes, with its fields under
//! `azure.identityprotection.*` (no underscore).
//!
//! The risky-user and risk-detection rules query what the pipeline makes of
//! these records, so it is replayed processor by processor.
//!
//! # Pipeline followed
//!
//! `elastic/integrations`
//! `packages/azure/data_stream/identity_protection/elasticsearch/ingest_pipeline/default.yml`
//! at `f75f2cf294d3e511aad4d665e5bc19e81049bfe1`, with the data stream's
//! `azure-shared-pipeline.yml` at `d003e7f74152cbfe0704a5be4a9ed38f521df979`,
//! checked against `_dev/test/pipeline/test-userriskevents-raw.log-expected.json`
//! @`8849eb97def9b7e97ca24f4e2601fd53965bb53d`. Later versions also copy the
//! user into `user.*`; that fixture has none, so neither has this module.
//!
//! In short: keys are renamed one by one (no general snake-casing); the four
//! `*DateTime` properties become `*_datetime` texts in the date processor's
//! output form; `additionalInfo` (a JSON string) is parsed and stays a list;
//! `callerIpAddress` becomes `source.ip`, or `source.address` when it is no
//! address; no `event.category`, `event.type` or `event.outcome` is set.
//!
//! # Not reproduced
//!
//! GeoIP `source.geo.*` and ASN `source.as.*`.
//!
//! # Raw text and failures
//!
//! The pipeline first deletes every literal `"":"",` from the raw text and
//! parses what is left; `event.original` is that cleaned text. Its time,
//! date and `additionalInfo` steps ignore their own failures: a `time` no
//! format reads leaves the document without `@timestamp` (none is invented).
//! So a pipeline failure comes only from the `json` step, a rename onto an
//! existing key, or a record without an object `properties` (the
//! `additionalInfo` clean-up condition then throws).

use serde_json::{Map, Value};

use super::common::date::{date_field, TimeFormat};
use super::common::grok::{parse_tenant_resource_id, TenantGrok};
use super::common::{
    begin_with_cleaned_text, java, move_caller_ip, parse_json_text, replay,
    scale_duration_to_nanos, Doc, FailureStyle, Object, OrFail, ProcessorFailure, Step, Stream,
};

const STREAM: Stream = Stream {
    dataset: "azure.identity_protection",
    failure_style: FailureStyle::Type,
};

const ROOT: &str = "azure.identityprotection";
const PROPERTIES: &str = "azure.identityprotection.properties";

const FLAG_AND_RISK_RENAMES: [(&str, &str); 8] = [
    ("isDeleted", "is_deleted"),
    ("isGuest", "is_guest"),
    ("isProcessing", "is_processing"),
    ("riskType", "risk_type"),
    ("riskEventType", "risk_event_type"),
    ("riskState", "risk_state"),
    ("riskLevel", "risk_level"),
    ("riskDetail", "risk_detail"),
];

const USER_RENAMES: [(&str, &str); 4] = [
    ("userId", "user_id"),
    ("userDisplayName", "user_display_name"),
    ("userPrincipalName", "user_principal_name"),
    ("userType", "user_type"),
];

const DETECTION_RENAMES: [(&str, &str); 5] = [
    ("detectionTimingType", "detection_timing_type"),
    ("requestId", "request_id"),
    ("correlationId", "correlation_id"),
    ("tokenIssuerType", "token_issuer_type"),
    ("ipAddress", "ip_address"),
];

/// Turns one raw `RiskyUsers` or `UserRiskEvents` record into the document
/// the `azure.identity_protection` data stream indexes.
///
/// `original` is the record's JSON text; its cleaned form becomes
/// `event.original` when `keep_original` is true (the integration's
/// `preserve_original_event` tag), and is always kept when the pipeline fails.
pub fn normalize(record: &Map<String, Value>, original: &str, keep_original: bool) -> Value {
    replay(&STREAM, keep_original, |doc| {
        run_pipeline(doc, record, original)
    })
}

/// The processors of `default.yml`, in order; the first failure stops the
/// pipeline.
fn run_pipeline(doc: &mut Doc, record: &Object, original: &str) -> Step {
    begin_with_cleaned_text(doc, ROOT, record, original).or_fail("json")?;
    set_timestamp(doc);
    rename(
        doc,
        "azure.identityprotection.resourceId",
        "azure.resource_id",
    )?;
    move_caller_ip(doc, "azure.identityprotection.callerIpAddress");
    rename(doc, "azure.identityprotection.durationMs", "event.duration")?;
    // ignore_failure: a duration Painless cannot multiply stays as it is.
    let _ = scale_duration_to_nanos(doc);
    rename_operation_fields(doc)?;
    for key in ["identity", "Level", "location"] {
        doc.remove(&format!("{ROOT}.{key}"));
    }
    rename(
        doc,
        &format!("{ROOT}.resultSignature"),
        &format!("{ROOT}.result_signature"),
    )?;
    rename(
        doc,
        &format!("{ROOT}.correlationId"),
        "azure.correlation_id",
    )?;
    rename_properties(doc, &FLAG_AND_RISK_RENAMES)?;
    normalise_date(doc, "lastUpdatedDateTime", "last_updated_datetime");
    normalise_date(doc, "riskLastUpdatedDateTime", "risk_last_updated_datetime");
    rename_properties(doc, &USER_RENAMES)?;
    normalise_date(doc, "activityDateTime", "activity_datetime");
    normalise_date(doc, "detectedDateTime", "detected_datetime");
    rename_properties(doc, &DETECTION_RENAMES)?;
    parse_additional_info(doc)?;
    for key in ["resourceTenantId", "homeTenantId", "crossTenantAccessType"] {
        doc.remove(&format!("{PROPERTIES}.{key}"));
    }
    doc.put("event.kind", Value::from("event"));
    run_tenant_shared_pipeline(doc)
}

/// `time` → `@timestamp`, trying Azure's US form (`8/22/2022 6:07:16 PM`)
/// before ISO 8601; a failure is ignored. `time` is removed either way.
fn set_timestamp(doc: &mut Doc) {
    let time = format!("{ROOT}.time");
    let formats = [TimeFormat::UsClock12, TimeFormat::Iso8601];
    let _ = date_field(doc, &time, "@timestamp", &formats);
    doc.remove(&time);
}

/// `operationName` (also converted to `event.action`), `operationVersion`
/// and `tenantId`.
fn rename_operation_fields(doc: &mut Doc) -> Step {
    rename(
        doc,
        &format!("{ROOT}.operationName"),
        &format!("{ROOT}.operation_name"),
    )?;
    doc.convert_to_string(&format!("{ROOT}.operation_name"), "event.action")
        .or_fail("convert")?;
    rename(
        doc,
        &format!("{ROOT}.operationVersion"),
        &format!("{ROOT}.operation_version"),
    )?;
    rename(doc, &format!("{ROOT}.tenantId"), "azure.tenant_id")
}

fn rename_properties(doc: &mut Doc, renames: &[(&str, &str)]) -> Step {
    doc.rename_under(PROPERTIES, renames).or_fail("rename")
}

/// A `*DateTime` property becomes `*_datetime` in the date processor's
/// output form (failures ignored); the raw property goes either way. Azure
/// writes one-digit hours (`2022-09-09T8:48:50.361Z`), hence the second format.
fn normalise_date(doc: &mut Doc, from: &str, to: &str) {
    let from = format!("{PROPERTIES}.{from}");
    let formats = [TimeFormat::Iso8601, TimeFormat::IsoOneDigitHourMillis];
    let _ = date_field(doc, &from, &format!("{PROPERTIES}.{to}"), &formats);
    doc.remove(&from);
}

/// `additionalInfo` holds a JSON text (a list of `{Key, Value}`), parsed as
/// it is into `additional_info` (failures ignored). The raw property goes
/// once parsed; that step's condition reads `properties` without a null
/// check, so a record whose `properties` is missing or not an object fails
/// the pipeline there.
fn parse_additional_info(doc: &mut Doc) -> Step {
    let from = format!("{PROPERTIES}.additionalInfo");
    let parsed = doc
        .get(&from)
        .and_then(|value| parse_json_text(&java::to_string(value)).ok());
    if let Some(parsed) = parsed {
        doc.put(&format!("{PROPERTIES}.additional_info"), parsed);
    }
    let was_parsed = match doc.get(PROPERTIES) {
        Some(Value::Object(properties)) => properties
            .get("additional_info")
            .is_some_and(|info| !info.is_null()),
        _ => return Err(ProcessorFailure::painless("remove")),
    };
    if was_parsed {
        doc.remove(&from);
    }
    Ok(())
}

/// This version's shared pipeline: `cloud.provider`, then the tenant and
/// provider of a `/tenants/<guid>/providers/<name>` resource id (overriding
/// `azure.tenant_id`), then `azure.resource_id` moves to
/// `azure.resource.id`. Its `event.outcome` lower-casing finds nothing: this
/// stream sets no outcome.
fn run_tenant_shared_pipeline(doc: &mut Doc) -> Step {
    doc.put("cloud.provider", Value::from("azure"));
    if let Some(Value::String(resource_id)) = doc.get("azure.resource_id") {
        for (field, value) in parse_tenant_resource_id(resource_id, TenantGrok::TwoSpellings) {
            doc.put(field, Value::from(value));
        }
    }
    rename(doc, "azure.resource_id", "azure.resource.id")
}

fn rename(doc: &mut Doc, from: &str, to: &str) -> Step {
    doc.rename(from, to).or_fail("rename")
}
