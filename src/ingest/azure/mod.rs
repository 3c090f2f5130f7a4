//! Raw Azure records → the documents Elastic's Azure integration indexes.
//!
//! Elastic's Azure rules match the documents the integration's ingest
//! pipelines produce, never the records Azure exports, so each record is
//! replayed through the pipeline of the data stream it would land in, one
//! module per stream:
//!
//! | category | data stream | module |
//! |---|---|---|
//! | `AuditLogs` | `azure.auditlogs` | [`auditlogs`] |
//! | `SignInLogs`, `NonInteractiveUserSignInLogs`, `ServicePrincipalSignInLogs`, `MicrosoftServicePrincipalSignInLogs`, `ManagedIdentitySignInLogs` | `azure.signinlogs` | [`signinlogs`] |
//! | `RiskyUsers`, `UserRiskEvents` | `azure.identity_protection` | [`identity_protection`] |
//! | `MicrosoftGraphActivityLogs` | `azure.graphactivitylogs` | [`graphactivitylogs`] |
//! | `Administrative`, `Security`, `ServiceHealth`, `Alert`, `Recommendation`, `Policy`, `Autoscale`, `ResourceHealth` | `azure.activitylogs` | [`activitylogs`] |
//! | any other | `azure.platformlogs` | [`platformlogs`] |
//!
//! The routing is the integration's `azure.events` pipeline
//! (`elastic/integrations` `packages/azure/data_stream/events/elasticsearch/ingest_pipeline/default.yml`
//! at `0b504b2af661dca4f454dab4a6ed2d36eca33436`, with `routing_rules.yml`
//! at `75677cac39725f031d9a67df69c5ec87344c9804`): the category is
//! `category`, else `Category`, else `CategoryValue`, compared exactly. That
//! pipeline also sends application gateway, firewall, provisioning and Spring
//! Apps categories to data streams of their own, which kql-detect does not
//! model (no Azure rule queries them); here they become platform logs. A
//! record without any category stays in Elastic's generic `azure.events`
//! stream, which no rule queries: it is not taken for a raw record.
//!
//! Each module names the pipeline version it follows, with commits, and
//! checks itself against Elastic's pipeline-test fixtures. Across all of
//! them, what needs data a record does not carry is not reproduced: GeoIP
//! and ASN enrichment (`source.geo.*`, `source.as.*`, and `geo.*` where a
//! pipeline writes GeoIP there), the user-agent parser's fields (only
//! `user_agent.original` is set), and `event.ingested` (index time). The
//! data stream's constant fields (`data_stream.*`, `event.dataset`,
//! `event.module`), which Elasticsearch reports on every document although
//! no pipeline writes them, are added. A pipeline failure yields the
//! document Elasticsearch would store (`event.kind: pipeline_error`,
//! `error.message`, `event.original` kept), never an error. Where a record's
//! time cannot be read, the document has no `@timestamp`: Elasticsearch
//! would keep the shipper's read time, which a pasted record does not carry,
//! and no time is invented.
//!
//! Microsoft Graph `directoryAudits` items (what the Graph API and the Entra
//! admin center export) are not diagnostic records: Elastic's pipeline would
//! drop them. They are wrapped into the `AuditLogs` record they correspond
//! to first ([`normalize`]), which is kql-detect's own step.

pub mod activitylogs;
pub mod auditlogs;
mod common;
pub mod graphactivitylogs;
pub mod identity_protection;
pub mod platformlogs;
pub mod signinlogs;

use serde_json::{Map, Value};

/// A stream's normalizer: (record, its JSON text, keep_original) → document.
type Normalizer = fn(&Map<String, Value>, &str, bool) -> Value;

/// The keys, after the integration's own, that routing reads a category from.
const CATEGORY_KEYS: [&str; 3] = ["category", "Category", "CategoryValue"];

/// Keys of Azure Monitor's common schema for resource and activity logs; a
/// raw record has one besides its category, which tells it apart from other
/// JSON that happens to have a `category`. (`properties` is common too, but
/// so frequent in other JSON that it does not tell a record apart, and every
/// record Azure writes has a time and an operation besides.)
pub(crate) const COMMON_SCHEMA_KEYS: [&str; 4] =
    ["time", "operationName", "resourceId", "EventTimeString"];

/// Whether `record` looks like a raw Azure Monitor diagnostic record: it has
/// a category the integration routes by, and a field of Azure Monitor's
/// common schema (`time`, `operationName`, `resourceId`, or the
/// `EventTimeString` some resource logs carry instead of `time`).
pub fn is_raw_record(record: &Map<String, Value>) -> bool {
    routing_category(record).is_some()
        && COMMON_SCHEMA_KEYS
            .iter()
            .any(|key| record.contains_key(*key))
}

/// Whether `record` is a Microsoft Graph `directoryAudit` item (an entry of
/// `GET /auditLogs/directoryAudits`): an activity name and time, and who or
/// what it concerned, without the diagnostic record's `operationName`.
pub fn is_graph_directory_audit(record: &Map<String, Value>) -> bool {
    record
        .get("activityDisplayName")
        .is_some_and(Value::is_string)
        && record.contains_key("activityDateTime")
        && ["loggedByService", "initiatedBy", "targetResources"]
            .iter()
            .any(|key| record.contains_key(*key))
        && !record.contains_key("operationName")
}

/// The document Elastic's Azure integration would index for `record`, a raw
/// diagnostic record or a Graph `directoryAudit` item.
///
/// `original` is the record's JSON text: it becomes `event.original` when
/// `keep_original` is true (Elastic's `preserve_original_event` tag) or when
/// the pipeline fails. The error says why `record` is no raw Azure record.
pub fn normalize(
    record: &Map<String, Value>,
    original: &str,
    keep_original: bool,
) -> Result<Value, String> {
    if is_graph_directory_audit(record) && !is_raw_record(record) {
        let wrapped = audit_record_of(record);
        return Ok(auditlogs::normalize(&wrapped, original, keep_original));
    }
    let category = routing_category(record).ok_or_else(|| {
        "not a raw Azure record: it has no `category` (nor `Category` or `CategoryValue`), \
         which Elastic's Azure integration routes records by"
            .to_string()
    })?;
    Ok(normalizer_for(category)(record, original, keep_original))
}

/// The category the integration routes by, if any.
fn routing_category(record: &Map<String, Value>) -> Option<&Value> {
    CATEGORY_KEYS
        .iter()
        .find_map(|key| record.get(*key).filter(|category| !category.is_null()))
}

/// The integration's routing: the data stream a category lands in.
fn normalizer_for(category: &Value) -> Normalizer {
    match category.as_str().unwrap_or_default() {
        "AuditLogs" => auditlogs::normalize,
        "SignInLogs"
        | "NonInteractiveUserSignInLogs"
        | "ServicePrincipalSignInLogs"
        | "MicrosoftServicePrincipalSignInLogs"
        | "ManagedIdentitySignInLogs" => signinlogs::normalize,
        "RiskyUsers" | "UserRiskEvents" => identity_protection::normalize,
        "MicrosoftGraphActivityLogs" => graphactivitylogs::normalize,
        "Administrative" | "Security" | "ServiceHealth" | "Alert" | "Recommendation" | "Policy"
        | "Autoscale" | "ResourceHealth" => activitylogs::normalize,
        _ => platformlogs::normalize,
    }
}

/// The `AuditLogs` diagnostic record a Graph `directoryAudit` item
/// corresponds to: the item is the record's `properties`, and the record's
/// own `operationName`, `time`, `category` and `correlationId` are the
/// item's `activityDisplayName`, `activityDateTime`, "AuditLogs" and
/// `correlationId`. The item's `result` and `resultReason` stay in
/// `properties`, where the pipeline reads them (`event.outcome`,
/// `properties.result_reason`). What a Graph item does not say (tenant,
/// resource id, caller address, `resultDescription`, duration) is left out
/// rather than guessed.
fn audit_record_of(item: &Map<String, Value>) -> Map<String, Value> {
    let mut record = Map::new();
    for (from, to) in [
        ("activityDateTime", "time"),
        ("activityDisplayName", "operationName"),
    ] {
        if let Some(value) = item.get(from) {
            record.insert(to.to_string(), value.clone());
        }
    }
    record.insert("category".to_string(), Value::from("AuditLogs"));
    if let Some(correlation) = item.get("correlationId") {
        record.insert("correlationId".to_string(), correlation.clone());
    }
    record.insert("properties".to_string(), Value::Object(item.clone()));
    record
}
