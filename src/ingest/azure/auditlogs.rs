//! Microsoft Entra ID directory audit records (`AuditLogs`) → the document
//! the `azure.auditlogs` data stream of Elastic's Azure integration indexes.
//!
//! Rules query what the pipeline makes of a record, not the record:
//! `operationName` becomes `event.action` and `azure.auditlogs.operation_name`,
//! `properties.targetResources[]` becomes an object keyed `"0"`, `"1"`, …,
//! `properties.result` becomes a lower-cased `event.outcome`. Users paste raw
//! records, so the pipeline is replayed processor by processor, quirks and
//! failure documents included.
//!
//! # Pipeline followed
//!
//! `elastic/integrations`
//! `packages/azure/data_stream/auditlogs/elasticsearch/ingest_pipeline/default.yml`
//! at `7cf29462f03c878abb2b9b1d9b898207a0016786` (ECS 8.11.0, `user.*`,
//! `related.entity`, `cloud.account.id`), which calls the tenant-scoped
//! shared pipeline
//! `packages/azure/_dev/shared/elasticsearch/ingest_pipeline/azure-shared-pipeline-tenant.yml`
//! at `dbae084ef39b267010fd90adc7f228658cacf468` (`azure.tenant.id` and
//! `azure.resource_provider.namespace` from the resource id,
//! `cloud.resource_id`, and the legacy copies `azure.tenant_id`,
//! `azure.correlation_id`, `azure.resource.*`). The copy of `default.yml` at
//! `5a1e6a5d4aeada4afd657be4b886e445889d9aeb` names the resource-scoped
//! shared pipeline instead; its own expected outputs show the tenant-scoped
//! fields, and the expected outputs win.
//!
//! Checked against the pipeline tests of the same folder
//! (`_dev/test/pipeline/`): `test-auditlogs-raw.log` @`c81e9fe7…` with its
//! expected output @`5a1e6a5d…`, `test-audit-logs-sample.log` @`0c1eadf3…`
//! with expected @`5a1e6a5d…`, `test-audit-logs-tenant-from-resource-id.log`
//! @`5a1e6a5d…` with expected @`7cf29462…`; the inputs without an expected
//! output (edge cases, result reason and description, time formats) against
//! what these pipelines say.
//!
//! # Records
//!
//! One Azure Monitor diagnostic-settings record whose `category` is
//! `AuditLogs` (the pipeline drops any other; routing is the caller's job).
//! Microsoft Graph `directoryAudits` items are wrapped into such a record by
//! [`super`] first.
//!
//! # Not reproduced
//!
//! GeoIP `source.geo.*` and ASN `source.as.*` (they need MaxMind
//! databases), and `event.ingested` (set at index time). The Java class names
//! in Painless messages are best-effort reconstructions.
//!
//! # Failures
//!
//! A processor failure the pipeline does not ignore stops it; what was
//! written before stays and the failure is recorded the way every stream
//! records one (`event.kind: pipeline_error`, the `preserve_original_event`
//! tag, the message appended to the `error.message` list). Reachable
//! failures come from malformed records: a key repeated in one object, a raw
//! key that collides with a rename target (both `operationName` and
//! `operation_name`), a non-object where a Painless condition expects an
//! object (`properties`, `initiatedBy`), a `durationMs` that is neither a
//! number nor a string. The script that copies target-resource ids into
//! `related.entity` handles its own failure and the pipeline goes on; in
//! Elasticsearch its handler sets `error.message` to the bare message (a
//! string) where here it is the one item of the list.

use serde_json::{Map, Value};

use super::common::date::{date_field, TimeFormat};
use super::common::grok::{parse_tenant_resource_id, TenantGrok};
use super::common::{
    append_error_message, copy_source_ip_to_client_and_related, is_null_or_empty, java,
    json_processor, lowercase_event_outcome, mark_failed, move_caller_ip, painless_field, replay,
    scale_duration_to_nanos, Doc, Duplicates, FailureStyle, Object, OrFail, Step, Stream,
    ECS_VERSION,
};

const STREAM: Stream = Stream {
    dataset: "azure.auditlogs",
    failure_style: FailureStyle::TypeAndTag,
};

const PROPERTIES: &str = "azure.auditlogs.properties";

/// The formats of the `time` date processor, most frequent first.
const TIME_FORMATS: &[TimeFormat] = &[
    TimeFormat::Iso8601,
    TimeFormat::UsClock12WithOffset,
    TimeFormat::UsClock12,
    TimeFormat::UsClock24,
    TimeFormat::IsoOneDigitHourMillis,
];

/// A raw field moved to its indexed name: (from, to, processor tag).
type Rename = (&'static str, &'static str, &'static str);

const RESOURCE_ID_RENAME: Rename = (
    "azure.auditlogs.resourceId",
    "azure.resource_id",
    "rename_azure_auditlogs_resourceId_to_azure_resource_id_c2be188b",
);

/// The string `level` ("Informational"); the numeric `Level` goes to
/// `azure.auditlogs.level`.
const LOG_LEVEL_RENAME: Rename = (
    "azure.auditlogs.level",
    "log.level",
    "rename_azure_auditlogs_level_to_log_level_addcc801",
);

/// Only the top key is renamed: keys inside `initiated_by` keep their camelCase.
const INITIATED_BY_RENAME: Rename = (
    "azure.auditlogs.properties.initiatedBy",
    "azure.auditlogs.properties.initiated_by",
    "rename_azure_auditlogs_properties_initiatedBy_to_azure_auditlogs_properties_initiated_by_01a8e84d",
);

/// Renames right after `event.action` is derived from `operationName`.
const RECORD_RENAMES: &[Rename] = &[
    (
        "azure.auditlogs.operationName",
        "azure.auditlogs.operation_name",
        "rename_azure_auditlogs_operationName_to_azure_auditlogs_operation_name_e82644e9",
    ),
    (
        "azure.auditlogs.resultSignature",
        "azure.auditlogs.result_signature",
        "rename_azure_auditlogs_resultSignature_to_azure_auditlogs_result_signature_240cba5f",
    ),
    (
        "azure.auditlogs.resultDescription",
        "azure.auditlogs.result_description",
        "rename_azure_auditlogs_resultDescription_to_azure_auditlogs_result_description_922d9d17",
    ),
    (
        "azure.auditlogs.operationVersion",
        "azure.auditlogs.operation_version",
        "rename_azure_auditlogs_operationVersion_to_azure_auditlogs_operation_version_a58690d5",
    ),
    (
        "azure.auditlogs.tenantId",
        "azure.tenant.id",
        "rename_azure_auditlogs_tenantId_to_azure_tenant_id_5d969ee3",
    ),
    (
        "azure.auditlogs.correlationId",
        "azure.correlation.id",
        "rename_azure_auditlogs_correlationId_to_azure_correlation_id_b086e56d",
    ),
];

/// The only rename with `ignore_failure`: a name clash leaves both keys as they are.
const ACTIVITY_DISPLAY_NAME_RENAME: Rename = (
    "azure.auditlogs.properties.activityDisplayName",
    "azure.auditlogs.properties.activity_display_name",
    "rename_azure_auditlogs_properties_activityDisplayName_to_azure_auditlogs_properties_activity_display_name_7447adcd",
);

const ACTIVITY_RENAMES: &[Rename] = &[
    (
        "azure.auditlogs.properties.activityDateTime",
        "azure.auditlogs.properties.activity_datetime",
        "rename_azure_auditlogs_properties_activityDateTime_to_azure_auditlogs_properties_activity_datetime_9120e03b",
    ),
    (
        "azure.auditlogs.properties.additionalDetails",
        "azure.auditlogs.properties.additional_details",
        "rename_azure_auditlogs_properties_additionalDetails_to_azure_auditlogs_properties_additional_details_2aab6971",
    ),
];

/// Renames after the caller IP has been handled.
const PROPERTY_RENAMES: &[Rename] = &[
    (
        "azure.auditlogs.properties.resultReason",
        "azure.auditlogs.properties.result_reason",
        "rename_azure_auditlogs_properties_resultReason_to_azure_auditlogs_properties_result_reason_2dcad4bf",
    ),
    (
        "azure.auditlogs.properties.resultDescription",
        "azure.auditlogs.properties.result_description",
        "rename_azure_auditlogs_properties_resultDescription_to_azure_auditlogs_properties_result_description_bf4e10d9",
    ),
    (
        "azure.auditlogs.properties.correlationId",
        "azure.auditlogs.properties.correlation_id",
        "rename_azure_auditlogs_properties_correlationId_to_azure_auditlogs_properties_correlation_id_3ccd0009",
    ),
    (
        "azure.auditlogs.properties.loggedByService",
        "azure.auditlogs.properties.logged_by_service",
        "rename_azure_auditlogs_properties_loggedByService_to_azure_auditlogs_properties_logged_by_service_418b8198",
    ),
    (
        "azure.auditlogs.properties.operationType",
        "azure.auditlogs.properties.operation_type",
        "rename_azure_auditlogs_properties_operationType_to_azure_auditlogs_properties_operation_type_1462a34b",
    ),
    (
        "azure.auditlogs.Level",
        "azure.auditlogs.level",
        "rename_azure_auditlogs_Level_to_azure_auditlogs_level_3f32879c",
    ),
    (
        "azure.auditlogs.properties.additional_details.userAgent",
        "azure.auditlogs.properties.additional_details.user_agent",
        "rename_azure_auditlogs_properties_additional_details_userAgent_to_azure_auditlogs_properties_additional_details_user_agent_4d0302e9",
    ),
];

/// Raw keys removed when their value is null: (path, processor tag).
const NULL_INITIATOR_FIELDS: &[(&str, &str)] = &[
    (
        "azure.auditlogs.properties.initiatedBy.app.appId",
        "remove_azure_auditlogs_properties_initiatedBy_app_appId_606b36a5",
    ),
    (
        "azure.auditlogs.properties.initiatedBy.app.servicePrincipalName",
        "remove_azure_auditlogs_properties_initiatedBy_app_servicePrincipalName_a8effdd5",
    ),
    (
        "azure.auditlogs.properties.userAgent",
        "remove_azure_auditlogs_properties_userAgent_8ae2899b",
    ),
];

const NULL_USER_DISPLAY_NAME: &[(&str, &str)] = &[(
    "azure.auditlogs.properties.initiatedBy.user.displayName",
    "remove_azure_auditlogs_properties_initiatedBy_user_displayName_7f4d05b0",
)];

/// Initiator ids appended to `related.entity`: (path, processor tag).
const INITIATOR_ENTITIES: &[(&str, &str)] = &[
    (
        "azure.auditlogs.properties.initiated_by.user.id",
        "append_related_entity_6a4d3f71",
    ),
    (
        "azure.auditlogs.properties.initiated_by.app.servicePrincipalId",
        "append_related_entity_5cb64734",
    ),
];

/// The shared pipeline's legacy copies: (from, to, processor tag).
const LEGACY_COPIES: &[Rename] = &[
    (
        "cloud.resource_id",
        "azure.resource.id",
        "set_legacy_azure_resource_id_7c1f9a24",
    ),
    (
        "azure.resource_provider.namespace",
        "azure.resource.provider",
        "set_legacy_azure_resource_provider_9f4a6c07",
    ),
    (
        "azure.tenant.id",
        "azure.tenant_id",
        "set_legacy_azure_tenant_id_5b3d8e91",
    ),
    (
        "azure.correlation.id",
        "azure.correlation_id",
        "set_legacy_azure_correlation_id_1a7e4f62",
    ),
];

/// Turns one raw `AuditLogs` record into the document the `azure.auditlogs`
/// data stream indexes.
///
/// `original` is the record's JSON text; it becomes `event.original` when
/// `keep_original` is true (the integration's `preserve_original_event`
/// tag), and always when the pipeline fails. A `time` no format reads leaves
/// the document without `@timestamp`, as the processor ignores its failure
/// (Elasticsearch would keep the shipper's read time, which a raw record does
/// not carry).
pub fn normalize(record: &Map<String, Value>, original: &str, keep_original: bool) -> Value {
    replay(&STREAM, keep_original, |doc| {
        run_pipeline(doc, record, original)
    })
}

/// The processors of `default.yml`, in order. Each `?` is a processor whose
/// failure stops the pipeline; the others ignore their failures or cannot fail.
fn run_pipeline(doc: &mut Doc, record: &Object, original: &str) -> Step {
    doc.put("ecs.version", Value::from(ECS_VERSION));
    doc.put("event.original", Value::from(original));
    let parsed = json_processor(record, original)
        .or_fail_tagged("json", "json_event_original_to_azure_auditlogs_184483db")?;
    doc.put("azure.auditlogs", parsed);
    // ignore_failure: an unreadable or missing `time` leaves no `@timestamp`.
    let _ = date_field(doc, "azure.auditlogs.time", "@timestamp", TIME_FORMATS);
    rename(doc, RESOURCE_ID_RENAME)?;
    move_duration(doc)?;
    move_result_to_outcome(doc)?;
    rename(doc, LOG_LEVEL_RENAME)?;
    doc.remove("azure.auditlogs.time");
    // ignore_failure: a list holding a null keeps `event.action` unset.
    let _ = doc.convert_to_string("azure.auditlogs.operationName", "event.action");
    rename_all(doc, RECORD_RENAMES)?;
    // ignore_failure: a clash leaves both keys in place.
    let _ = rename(doc, ACTIVITY_DISPLAY_NAME_RENAME);
    rename_all(doc, ACTIVITY_RENAMES)?;
    move_caller_ip(doc, "azure.auditlogs.callerIpAddress");
    remove_null_fields(doc, NULL_INITIATOR_FIELDS)?;
    copy_source_ip_to_client_and_related(doc);
    rename_all(doc, PROPERTY_RENAMES)?;
    remove_null_fields(doc, NULL_USER_DISPLAY_NAME)?;
    index_target_resources(doc);
    rename(doc, INITIATED_BY_RENAME)?;
    set_user_fields(doc)?;
    doc.put("event.kind", Value::from("event"));
    append_initiator_entities(doc)?;
    append_target_entities(doc);
    append_related_users(doc);
    if let Err(failure) = run_tenant_shared_pipeline(doc) {
        // The shared pipeline has its own on_failure handler, after which this one goes on.
        mark_failed(doc, STREAM.failure_style.message(&failure));
    }
    doc.copy_non_empty("azure.tenant.id", "cloud.account.id")
        .or_fail_tagged("set", "set-cloud_account_id_3e7d9f2b")?;
    flag_handled_script_error(doc);
    Ok(())
}

/// `durationMs` → `event.duration` in nanoseconds: a string is converted to
/// a Java `long` (left out when that fails), which the script multiplies as
/// a `long`; any other value is moved as it is and multiplied with Java's
/// arithmetic for its type, so an `int` of 2148 ms or more wraps around. A
/// value the script cannot multiply fails the pipeline, `event.duration`
/// still holding it.
fn move_duration(doc: &mut Doc) -> Step {
    const NANOS_PER_MILLI: i64 = 1_000_000;
    match doc.remove("azure.auditlogs.durationMs") {
        None | Some(Value::Null) => Ok(()),
        Some(Value::String(text)) => {
            if let Some(millis) = java::parse_long(&text) {
                doc.put(
                    "event.duration",
                    Value::from(millis.wrapping_mul(NANOS_PER_MILLI)),
                );
            }
            Ok(())
        }
        Some(other) => {
            doc.put("event.duration", other);
            scale_duration_to_nanos(doc).or_fail_tagged("script", "script_c48851e6")
        }
    }
}

/// `properties.result` becomes `event.outcome` only when it is a string
/// equal, ignoring case, to "success" or "failure"; the shared pipeline
/// lower-cases it. Anything else stays where it is.
fn move_result_to_outcome(doc: &mut Doc) -> Step {
    const TAG: &str = "rename_azure_auditlogs_properties_result_to_event_outcome_4c491c6b";
    let result = doc
        .painless("azure.auditlogs.properties.result")
        .or_fail_tagged("conditional", TAG)?;
    let is_outcome = matches!(result, Some(Value::String(text))
        if matches!(text.to_lowercase().as_str(), "success" | "failure"));
    if is_outcome {
        rename(
            doc,
            ("azure.auditlogs.properties.result", "event.outcome", TAG),
        )?;
    }
    Ok(())
}

/// `remove` processors guarded by a Painless null check: a key whose value
/// is null goes. The null-safe walk itself fails on a non-object parent (a
/// string `initiatedBy`), which fails the pipeline.
fn remove_null_fields(doc: &mut Doc, fields: &[(&'static str, &'static str)]) -> Step {
    for &(path, tag) in fields {
        let value = doc.painless(path).or_fail_tagged("conditional", tag)?;
        if value.is_none_or(Value::is_null) {
            doc.remove(path);
        }
    }
    Ok(())
}

/// The `target_resources` script (`ignore_failure`):
/// `properties.targetResources[i]` becomes `properties.target_resources["i"]`
/// with `display_name` (if not null), `id` and `type` (null when absent),
/// `ip_address` and `user_principal_name` (if not null) and
/// `modified_properties`, itself keyed by index, with `display_name` (null
/// when absent) and `new_value` / `old_value` (if not null). The raw list is
/// removed only when the script completes.
///
/// The script writes as it goes, so when it throws (a target without a
/// `modifiedProperties` list, as in real invitations, or an item that is not
/// an object) what it wrote stays, later targets are skipped and the raw
/// `targetResources` stays too.
fn index_target_resources(doc: &mut Doc) {
    let Some(Value::Object(properties)) = doc.get_mut(PROPERTIES) else {
        return;
    };
    let Some(raw_targets) = properties.get("targetResources").filter(|v| !v.is_null()) else {
        return;
    };
    let mut indexed = Object::new();
    let completed = index_targets(raw_targets, &mut indexed).is_ok();
    properties.insert("target_resources".into(), Value::Object(indexed));
    if completed {
        properties.shift_remove("targetResources");
    }
}

/// Why the target-resources script stopped; its message is discarded
/// (`ignore_failure`).
struct ScriptAborted;

fn index_targets(raw_targets: &Value, indexed: &mut Object) -> Result<(), ScriptAborted> {
    let Value::Array(targets) = raw_targets else {
        return Err(ScriptAborted);
    };
    for (index, raw_target) in targets.iter().enumerate() {
        let mut target = Object::new();
        let outcome = index_target(raw_target, &mut target);
        indexed.insert(index.to_string(), Value::Object(target));
        outcome?;
    }
    Ok(())
}

fn index_target(raw_target: &Value, target: &mut Object) -> Result<(), ScriptAborted> {
    let Value::Object(raw) = raw_target else {
        return Err(ScriptAborted);
    };
    copy_if_not_null(raw, "displayName", target, "display_name");
    target.insert("id".into(), raw.get("id").cloned().unwrap_or(Value::Null));
    target.insert(
        "type".into(),
        raw.get("type").cloned().unwrap_or(Value::Null),
    );
    copy_if_not_null(raw, "ipAddress", target, "ip_address");
    copy_if_not_null(raw, "userPrincipalName", target, "user_principal_name");
    let mut modified = Object::new();
    let outcome = index_modified_properties(raw.get("modifiedProperties"), &mut modified);
    target.insert("modified_properties".into(), Value::Object(modified));
    outcome
}

fn index_modified_properties(
    raw_properties: Option<&Value>,
    indexed: &mut Object,
) -> Result<(), ScriptAborted> {
    let Some(Value::Array(properties)) = raw_properties else {
        // `.length` of a missing (null) or non-list modifiedProperties throws.
        return Err(ScriptAborted);
    };
    for (index, raw_property) in properties.iter().enumerate() {
        let mut property = Object::new();
        let outcome = index_modified_property(raw_property, &mut property);
        indexed.insert(index.to_string(), Value::Object(property));
        outcome?;
    }
    Ok(())
}

fn index_modified_property(
    raw_property: &Value,
    property: &mut Object,
) -> Result<(), ScriptAborted> {
    let Value::Object(raw) = raw_property else {
        return Err(ScriptAborted);
    };
    let display_name = raw.get("displayName").cloned().unwrap_or(Value::Null);
    property.insert("display_name".into(), display_name);
    copy_if_not_null(raw, "newValue", property, "new_value");
    copy_if_not_null(raw, "oldValue", property, "old_value");
    Ok(())
}

fn copy_if_not_null(from: &Object, from_key: &str, to: &mut Object, to_key: &str) {
    if let Some(value) = from.get(from_key).filter(|value| !value.is_null()) {
        to.insert(to_key.into(), value.clone());
    }
}

/// `user.name`, `user.id` (as a string) and `user.full_name` from the
/// initiating user; `user` is written only here, so only the conversion can
/// fail (a list holding a null).
fn set_user_fields(doc: &mut Doc) -> Step {
    const USER: &str = "azure.auditlogs.properties.initiated_by.user";
    doc.copy_non_empty(&format!("{USER}.userPrincipalName"), "user.name")
        .or_fail_tagged("set", "set_user_name_be6ed7e9")?;
    doc.convert_to_string(&format!("{USER}.id"), "user.id")
        .or_fail_tagged("convert", "convert_user_id_2eecf067")?;
    doc.copy_non_empty(&format!("{USER}.displayName"), "user.full_name")
        .or_fail_tagged("set", "set_user_full_name_4d40aed2")
}

/// The initiating user's id and app's service principal id go to
/// `related.entity` as text, unless null or empty; the conditions walk the
/// record null-safely and fail on a non-object step.
fn append_initiator_entities(doc: &mut Doc) -> Step {
    for &(path, tag) in INITIATOR_ENTITIES {
        let value = doc.painless(path).or_fail_tagged("conditional", tag)?;
        let Some(value) = value.filter(|value| !is_null_or_empty(value)) else {
            continue;
        };
        let entity = Value::String(java::to_string(value));
        append_related(doc, "related.entity", entity);
    }
    Ok(())
}

/// The script that adds every target resource's `id` to `related.entity`,
/// leaving the list (possibly empty) in any case. It visits the index keys
/// in Java `HashMap` order. Its own `on_failure` handler records the message
/// and lets the pipeline go on; [`flag_handled_script_error`] then marks the
/// document.
fn append_target_entities(doc: &mut Doc) {
    let (ids, error) = target_entity_ids(doc);
    if !doc.is_present("related.entity") {
        doc.put("related.entity", Value::Array(Vec::new()));
    }
    for id in ids {
        append_related(doc, "related.entity", id);
    }
    if let Some(message) = error {
        append_error_message(doc, message);
    }
}

/// Target ids in the script's iteration order, up to the point where it
/// would throw, with the message it would throw.
fn target_entity_ids(doc: &Doc) -> (Vec<Value>, Option<String>) {
    let mut ids = Vec::new();
    let targets = match doc.painless("azure.auditlogs.properties.target_resources") {
        Ok(Some(Value::Object(targets))) => targets,
        Ok(None | Some(Value::Null)) => return (ids, None),
        Ok(Some(other)) => {
            let message = format!(
                "dynamic method [{}, keySet/0] not found",
                java::class_name(other)
            );
            return (ids, Some(message));
        }
        Err(message) => return (ids, Some(message)),
    };
    let keys: Vec<&String> = targets.keys().collect();
    for key in java::hash_map_order(&keys) {
        match painless_field(targets.get(key.as_str()), "id") {
            Ok(Some(id)) if !is_null_or_empty(id) => ids.push(id.clone()),
            Ok(_) => {}
            Err(message) => return (ids, Some(message)),
        }
    }
    (ids, None)
}

/// `user.id`, `user.name` and `user.full_name`, in that order, into `related.user`.
fn append_related_users(doc: &mut Doc) {
    for path in ["user.id", "user.name", "user.full_name"] {
        if let Some(value) = doc.get(path).filter(|value| !value.is_null()) {
            let user = Value::String(java::to_string(value));
            append_related(doc, "related.user", user);
        }
    }
}

fn append_related(doc: &mut Doc, path: &str, value: Value) {
    // Cannot fail: `related` is written only by the pipeline.
    let _ = doc.append(path, value, Duplicates::Skip);
}

/// `azure-shared-pipeline-tenant`: the cloud provider, the tenant and
/// provider namespace of a `/tenants/<guid>/providers/<namespace>` resource
/// id (overriding `tenantId`), the resource id as `cloud.resource_id`, the
/// lower-cased outcome, and the legacy copies. It also copies
/// `azure.resource_group.name`, which this stream never writes.
fn run_tenant_shared_pipeline(doc: &mut Doc) -> Step {
    doc.put("cloud.provider", Value::from("azure"));
    set_tenant_from_resource_id(doc);
    rename(
        doc,
        (
            "azure.resource_id",
            "cloud.resource_id",
            "rename_azure_resource_id_to_cloud_resource_id_4a05dbed",
        ),
    )?;
    lowercase_event_outcome(doc);
    for &(from, to, tag) in LEGACY_COPIES {
        doc.copy_non_empty(from, to).or_fail_tagged("set", tag)?;
    }
    Ok(())
}

/// The shared pipeline's grok (`ignore_failure`) on the resource id.
fn set_tenant_from_resource_id(doc: &mut Doc) {
    let Some(Value::String(resource_id)) = doc.get("azure.resource_id") else {
        return;
    };
    for (field, value) in parse_tenant_resource_id(resource_id, TenantGrok::AnyCase) {
        doc.put(field, Value::from(value));
    }
}

/// The pipeline's last processors: a failure a processor handled itself
/// (see [`append_target_entities`]) makes the document a pipeline error too.
fn flag_handled_script_error(doc: &mut Doc) {
    if doc.is_present("error.message") {
        doc.put("event.kind", Value::from("pipeline_error"));
        // Cannot fail: `tags` is written only by the pipeline.
        let _ = doc.append(
            "tags",
            Value::from("preserve_original_event"),
            Duplicates::Skip,
        );
    }
}

fn rename(doc: &mut Doc, (from, to, tag): Rename) -> Step {
    doc.rename(from, to).or_fail_tagged("rename", tag)
}

fn rename_all(doc: &mut Doc, renames: &[Rename]) -> Step {
    renames.iter().try_for_each(|&spec| rename(doc, spec))
}
