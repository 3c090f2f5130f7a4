//! Azure activity-log records → the document the `azure.activitylogs` data
//! stream of Elastic's Azure integration indexes.
//!
//! Rules on role assignments, VM extensions, resource deletions and the
//! like query `azure.activitylogs.*`, `event.action` and `azure.resource.*`
//! as the pipeline shapes them, so a pasted record is replayed through the
//! same steps, in the same order, with the same quirks.
//!
//! # Records
//!
//! The integration's routing sends the categories `Administrative`,
//! `Security`, `ServiceHealth`, `Alert`, `Recommendation`, `Policy`,
//! `Autoscale` and `ResourceHealth` here. The pipeline itself drops
//! nothing: an activity-log Event Hub also carries older categories such as
//! `Action`, `Write` or `Delete` (its own test records do), and those are
//! normalized alike.
//!
//! # Pipelines followed
//!
//! `elastic/integrations`, package `packages/azure`:
//! `data_stream/activitylogs/elasticsearch/ingest_pipeline/default.yml` at
//! `30b74f3e069547aaa1a3cfe51fb2251fdfa455ca` (ECS 8.11.0), with one change
//! the expected output demands: a JSON-text `properties.responseBody` ends up
//! decoded in `azure.activitylogs.response_body` and removed from
//! `properties` (that version decodes it in place); and the resource-scoped
//! `data_stream/activitylogs/elasticsearch/ingest_pipeline/azure-shared-pipeline.yml`
//! at `1b08d3b52662a7ddeca4752b94c7a14773c771df`. Checked against
//! `_dev/test/pipeline/test-activitylogs-raw.log` @`c81e9fe7…` with its
//! expected output @`136ebec1…`, and `test-acitivitylogs-responsebody.log`
//! @`30b74f3e…` with expected @`0acd8799…`.
//!
//! Newer versions add `related.entity`, map a numeric `Level` to a
//! `log.level` name and restructure `azure.*` (`azure.resource_group.name`,
//! `cloud.resource_id`); the expected outputs have none of that, so neither
//! has this module.
//!
//! # Not reproduced
//!
//! GeoIP and ASN lookups (`geo.*`, which replaces `geo.name` when the caller
//! address resolves, `source.geo.*`, `source.as.*`). Failure messages name
//! the pipeline without its package version suffix.
//!
//! # Failures
//!
//! A non-string `category`, a non-object `properties` when no outcome was
//! found yet, a rename onto an existing field, or JSON broken by the
//! `"":"",` clean-up fail the pipeline. This pipeline version only sets
//! `error.message` to a string on failure; the document gets the shape every
//! stream shares instead (see `common::mark_failed`). A `time` the `date`
//! processor cannot read leaves no `@timestamp` (that processor ignores its
//! failure; none is invented).

use serde_json::{Map, Value};

use super::common::date::{date_field, TimeFormat};
use super::common::grok::split_user_at_host;
use super::common::{
    begin_with_cleaned_text, copy_source_ip_to_client_and_related, event_category_of, java,
    move_caller_ip, parse_json_string, replay, run_resource_shared_pipeline,
    scale_duration_to_nanos, set_event_type_from_category, set_outcome_from_result, Doc,
    Duplicates, FailureStyle, Object, OrFail, Step, Stream,
};

const STREAM: Stream = Stream {
    dataset: "azure.activitylogs",
    failure_style: FailureStyle::Quoted {
        pipeline: "logs-azure.activitylogs",
    },
};

const ROOT: &str = "azure.activitylogs";
const IDENTITY: &str = "azure.activitylogs.identity";
const INITIATING_USER: &str = "azure.activitylogs.identity.claims_initiated_by_user";

/// Turns one raw activity-log record into the document the
/// `azure.activitylogs` data stream indexes.
///
/// `original` is the record's JSON text; its cleaned form becomes
/// `event.original` when `keep_original` is true (the
/// `preserve_original_event` tag), and always when the pipeline fails.
pub fn normalize(record: &Map<String, Value>, original: &str, keep_original: bool) -> Value {
    replay(&STREAM, keep_original, |doc| {
        run_pipeline(doc, record, original)
    })
}

/// The processors of the activity-log pipeline, in order.
fn run_pipeline(doc: &mut Doc, record: &Object, original: &str) -> Step {
    begin_with_cleaned_text(doc, ROOT, record, original).or_fail("json")?;
    // ignore_failure: an unreadable `time` leaves no `@timestamp`.
    let _ = date_field(
        doc,
        "azure.activitylogs.time",
        "@timestamp",
        &[TimeFormat::Iso8601],
    );
    doc.remove("azure.activitylogs.time");
    rename(doc, "azure.activitylogs.resourceId", "azure.resource_id")?;
    move_caller_ip(doc, "azure.activitylogs.callerIpAddress");
    copy_source_ip_to_client_and_related(doc);
    rename(doc, "azure.activitylogs.level", "log.level")?;
    rename(doc, "azure.activitylogs.durationMs", "event.duration")?;
    // ignore_failure: a duration Painless cannot multiply stays as it is.
    let _ = scale_duration_to_nanos(doc);
    rename(doc, "azure.activitylogs.location", "geo.name")?;
    move_string_identity(doc)?;
    decode_string_properties(doc);
    decode_response_body(doc);
    set_event_category(doc);
    rename(
        doc,
        "azure.activitylogs.resultType",
        "azure.activitylogs.result_type",
    )?;
    set_outcome_from_result(doc, ROOT)?;
    rename(
        doc,
        "azure.activitylogs.operationName",
        "azure.activitylogs.operation_name",
    )?;
    doc.convert_to_string("azure.activitylogs.operation_name", "event.action")
        .or_fail("convert")?;
    rename_plain_fields(doc)?;
    rename(
        doc,
        "azure.activitylogs.identity.claims.name",
        &format!("{INITIATING_USER}.fullname"),
    )?;
    copy_initiating_user_claims(doc);
    set_initiating_user_schema(doc);
    underscore_claim_names(doc);
    set_event_type_from_category(doc, "azure.activitylogs.category")?;
    set_user_fields(doc)?;
    doc.put("event.kind", Value::from("event"));
    run_resource_shared_pipeline(doc).or_fail("rename")
}

/// A string `identity` (a display name) moves to `identity_name`, leaving
/// `identity` for the structured authorization and claims object.
fn move_string_identity(doc: &mut Doc) -> Step {
    if matches!(doc.get(IDENTITY), Some(Value::String(_))) {
        rename(doc, IDENTITY, "azure.activitylogs.identity_name")?;
    }
    Ok(())
}

/// `properties` sometimes arrives as JSON text; the pipeline decodes it when
/// it can and leaves it alone when it cannot.
fn decode_string_properties(doc: &mut Doc) {
    let path = "azure.activitylogs.properties";
    if let Some(decoded) = parse_json_string(doc.get(path)) {
        doc.put(path, decoded);
    }
}

/// `properties.responseBody` (an ARM response as JSON text) is decoded into
/// `azure.activitylogs.response_body`, as the expected output shows.
fn decode_response_body(doc: &mut Doc) {
    let path = "azure.activitylogs.properties.responseBody";
    if let Some(decoded) = parse_json_string(doc.get(path)) {
        doc.remove(path);
        doc.put("azure.activitylogs.response_body", decoded);
    }
}

/// `event_category` (see [`event_category_of`]), after which
/// `properties.eventCategory` is removed. A non-object `properties` makes
/// the script, which ignores its failure, throw: no category.
fn set_event_category(doc: &mut Doc) {
    let category = match doc.get("azure.activitylogs.properties") {
        None | Some(Value::Null) => Some(Value::from("Administrative")),
        Some(Value::Object(properties)) => Some(event_category_of(properties)),
        Some(_) => None,
    };
    if let Some(category) = category {
        doc.put("azure.activitylogs.event_category", category);
        doc.remove("azure.activitylogs.properties.eventCategory");
    }
}

/// The explicit renames that do not interact with other steps.
fn rename_plain_fields(doc: &mut Doc) -> Step {
    const EVIDENCE: &str = "azure.activitylogs.identity.authorization.evidence";
    let record_renames = [
        ("operationVersion", "operation_version"),
        ("tenantId", "tenant_id"),
        ("Level", "level"),
        ("resultSignature", "result_signature"),
    ];
    doc.rename_under(ROOT, &record_renames).or_fail("rename")?;
    let evidence_renames = [
        ("roleAssignmentScope", "role_assignment_scope"),
        ("roleDefinitionId", "role_definition_id"),
        ("roleAssignmentId", "role_assignment_id"),
        ("principalId", "principal_id"),
        ("principalType", "principal_type"),
    ];
    doc.rename_under(EVIDENCE, &evidence_renames)
        .or_fail("rename")?;
    for (from, to) in [
        ("azure.activitylogs.correlationId", "azure.correlation_id"),
        (
            "azure.activitylogs.properties.serviceRequestId",
            "azure.activitylogs.properties.service_request_id",
        ),
        ("azure.activitylogs.properties.statusMessage", "message"),
        (
            "azure.activitylogs.properties.statusCode",
            "azure.activitylogs.properties.status_code",
        ),
    ] {
        rename(doc, from, to)?;
    }
    Ok(())
}

/// The xmlsoap name claims are copied next to `fullname`. The scripts
/// assign into `claims_initiated_by_user`, which exists only when a `name`
/// claim was renamed into it; otherwise they throw, which is ignored.
fn copy_initiating_user_claims(doc: &mut Doc) {
    const XMLSOAP: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/";
    let Some(Value::Object(identity)) = doc.get_mut(IDENTITY) else {
        return;
    };
    let Some(Value::Object(claims)) = identity.get("claims") else {
        return;
    };
    let copies: Vec<(&str, Value)> = ["surname", "name", "givenname"]
        .into_iter()
        .filter_map(|claim| {
            let value = claims.get(&format!("{XMLSOAP}{claim}"))?;
            (!value.is_null()).then(|| (claim, value.clone()))
        })
        .collect();
    if let Some(Value::Object(user)) = identity.get_mut("claims_initiated_by_user") {
        for (claim, value) in copies {
            user.insert(claim.to_string(), value);
        }
    }
}

fn set_initiating_user_schema(doc: &mut Doc) {
    if let Some(Value::Object(user)) = doc.get_mut(INITIATING_USER) {
        if user.get("name").is_some_and(|name| !name.is_null()) {
            let schema = Value::from("http://schemas.xmlsoap.org/ws/2005/05/identity/claims");
            user.insert("schema".to_string(), schema);
        }
    }
}

/// Claim names are URIs; every `.` becomes `_` so they can be field names.
/// The script first stores an empty map in a top-level `temp_claims` and
/// only then walks the claims, so a non-object `claims` leaves that empty
/// `temp_claims` behind (the failure is ignored).
fn underscore_claim_names(doc: &mut Doc) {
    let leaves_temp_claims = match doc.get_mut("azure.activitylogs.identity.claims") {
        None | Some(Value::Null) => false,
        Some(Value::Object(claims)) => {
            let renamed = std::mem::take(claims)
                .into_iter()
                .map(|(key, value)| (key.replace('.', "_"), value))
                .collect();
            *claims = renamed;
            false
        }
        Some(_) => true,
    };
    if leaves_temp_claims {
        doc.put("temp_claims", Value::Object(Object::new()));
    }
}

/// `user.*` from the initiating user's UPN: `name@domain` is split by grok
/// (`%{USERNAME}@%{HOSTNAME}`, unanchored, so a guest prefix such as
/// `live.com#` is skipped) and also kept as `user.email`; anything else
/// becomes `user.name` whole.
fn set_user_fields(doc: &mut Doc) -> Step {
    let name = doc.get(&format!("{INITIATING_USER}.name"));
    let split = match name {
        Some(Value::String(text)) => split_user_at_host(text),
        _ => None,
    };
    let rendered = java::render_template(name);
    if let Some((user, domain)) = split {
        doc.put("user.name", Value::from(user));
        doc.put("user.domain", Value::from(domain));
        doc.put("user.email", Value::from(rendered));
    } else if !rendered.is_empty() {
        doc.put("user.name", Value::from(rendered));
    }
    if let Some(user_name) = doc.get("user.name").cloned() {
        // Cannot fail: `related` is written only by the pipeline.
        let _ = doc.append("related.user", user_name, Duplicates::Skip);
    }
    doc.convert_to_string(&format!("{INITIATING_USER}.fullname"), "user.full_name")
        .or_fail("convert")
}

fn rename(doc: &mut Doc, from: &str, to: &str) -> Step {
    doc.rename(from, to).or_fail("rename")
}
