//! Raw Azure records → ECS documents (`kql_detect::ingest`): every stream
//! against Elastic's own pipeline-test fixtures (read from
//! `../shared/corpus`, never copied), records written here for what the
//! fixtures do not cover, the input shapes `ingest` recognises (envelopes,
//! Graph pages, Filebeat documents, search hits, ECS passthrough), and
//! hostile input.
//!
//! Test records use fictitious tenants, users and ids, and addresses from
//! the documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24).
#![cfg(not(target_arch = "wasm32"))]

#[path = "common/fixtures.rs"]
mod fixtures;

use std::time::{Duration, Instant};

use fixtures::Normalize;
use kql_detect::ingest::azure::{
    activitylogs, auditlogs, graphactivitylogs, identity_protection, platformlogs, signinlogs,
};
use kql_detect::ingest::{ingest, shape, Identity, IngestOptions, Ingested, InputKind};
use serde_json::{json, Map, Value};

/// Each stream's fixture folder (under `../shared/corpus`), dataset and
/// normalizer. The fixtures test a stream's pipeline as its own Event Hub
/// input feeds it, so they go to the stream's normalizer directly: two
/// activity-log fixtures carry categories (`Action`,
/// `NonInteractiveUserSignInLogs`) that category routing would send elsewhere.
const STREAMS: [(&str, &str, Normalize); 6] = [
    (
        "azure-auditlogs/integrations/pipeline-tests",
        "azure.auditlogs",
        auditlogs::normalize,
    ),
    (
        "azure-signinlogs/pipeline-tests",
        "azure.signinlogs",
        signinlogs::normalize,
    ),
    (
        "azure-identity_protection/pipeline-tests",
        "azure.identity_protection",
        identity_protection::normalize,
    ),
    (
        "azure-activitylogs/pipeline-tests",
        "azure.activitylogs",
        activitylogs::normalize,
    ),
    (
        "azure-platformlogs/pipeline-tests",
        "azure.platformlogs",
        platformlogs::normalize,
    ),
    (
        "azure-graphactivitylogs/pipeline-tests",
        "azure.graphactivitylogs",
        graphactivitylogs::normalize,
    ),
];

/// A record's document, its text being `record` serialized.
fn run(normalize: Normalize, record: &Value, keep_original: bool) -> Value {
    let text = record.to_string();
    let Value::Object(map) = record else {
        panic!("test records are objects")
    };
    normalize(map, &text, keep_original)
}

/// The document of the record written as `text`.
fn run_text(normalize: Normalize, text: &str, keep_original: bool) -> Value {
    normalize(&object(text), text, keep_original)
}

fn object(text: &str) -> Map<String, Value> {
    match serde_json::from_str(text) {
        Ok(Value::Object(map)) => map,
        other => panic!("not a JSON object: {other:?}\n{text}"),
    }
}

/// The value at a dotted path through objects.
fn get<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(doc, |value, key| value.get(key))
}

/// The value at a dotted path, null when absent.
fn field<'a>(doc: &'a Value, path: &str) -> &'a Value {
    get(doc, path).unwrap_or(&Value::Null)
}

/// `yyyy-MM-ddTHH:mm:ss.SSSZ`, the only form the pipelines write.
fn is_pipeline_timestamp(value: &Value) -> bool {
    let Some(text) = value.as_str() else {
        return false;
    };
    let shape = "dddd-dd-ddTdd:dd:dd.dddZ";
    text.len() == shape.len()
        && shape
            .bytes()
            .zip(text.bytes())
            .all(|(want, got)| match want {
                b'd' => got.is_ascii_digit(),
                literal => literal == got,
            })
}

/// The test harness keeps `event.original` where the expected document's
/// `tags` hold `preserve_original_event` (the sign-in and audit fixtures);
/// the others are normalized without it and then checked to differ with it
/// only by `event.original`.
fn expects_original(expected: &Value) -> bool {
    expected["tags"]
        .as_array()
        .is_some_and(|tags| tags.contains(&json!("preserve_original_event")))
}

#[test]
fn every_fixture_with_an_expected_output_matches_field_by_field() {
    let Some(corpus) = fixtures::corpus() else {
        return;
    };
    let mut report = Vec::new();
    let mut compared = 0;
    for (folder, dataset, normalize) in STREAMS {
        for fixture in fixtures::fixtures(&corpus.join(folder)) {
            let Some(expected) = fixture.expected else {
                continue;
            };
            assert_eq!(
                fixture.lines.len(),
                expected.len(),
                "{folder}: records vs expected documents"
            );
            for (line, want) in fixture.lines.iter().zip(&expected) {
                let keep = expects_original(want);
                let got = normalize(&line.record, &line.text, keep);
                assert_data_stream_fields(&got, dataset, &line.place);
                let differences = fixtures::differences(dataset, want, &got);
                report.extend(
                    differences
                        .iter()
                        .map(|difference| format!("{}: {difference}", line.place)),
                );
                if !keep {
                    let kept = normalize(&line.record, &line.text, true);
                    let extra = fixtures::differences(dataset, &got, &kept);
                    let only_original =
                        extra.len() == 1 && extra[0].starts_with("event.original: not expected");
                    if !only_original || kept["event"]["original"] != json!(line.text) {
                        report.push(format!(
                            "{}: keep_original should add only event.original: {extra:?}",
                            line.place
                        ));
                    }
                }
                compared += 1;
            }
        }
    }
    assert!(compared > 0, "no fixture with an expected output was found");
    assert!(
        report.is_empty(),
        "{} differences:\n{}",
        report.len(),
        report.join("\n")
    );
}

fn assert_data_stream_fields(doc: &Value, dataset: &str, place: &str) {
    for (path, want) in [
        ("data_stream.type", "logs"),
        ("data_stream.dataset", dataset),
        ("data_stream.namespace", "default"),
        ("event.dataset", dataset),
        ("event.module", "azure"),
    ] {
        assert_eq!(field(doc, path), &json!(want), "{place}: {path}");
    }
}

/// Inputs without an expected output in the corpus: each yields a document
/// with a pipeline timestamp or a pipeline error, never a panic, and what
/// the design notes say of them holds.
#[test]
fn every_fixture_without_an_expected_output_normalizes_sanely() {
    let Some(corpus) = fixtures::corpus() else {
        return;
    };
    let mut checked = 0;
    for (folder, dataset, normalize) in STREAMS {
        for fixture in fixtures::fixtures(&corpus.join(folder)) {
            if fixture.expected.is_some() {
                continue;
            }
            for line in &fixture.lines {
                let doc = normalize(&line.record, &line.text, true);
                let failed = field(&doc, "event.kind") == "pipeline_error";
                assert!(
                    failed || is_pipeline_timestamp(field(&doc, "@timestamp")),
                    "{}: neither a pipeline timestamp nor a pipeline error: {doc}",
                    line.place
                );
                assert_data_stream_fields(&doc, dataset, &line.place);
                match dataset {
                    "azure.auditlogs" => assert_audit_design_notes(&line.place, &doc),
                    "azure.graphactivitylogs" => {
                        assert_graph_design_notes(&line.record, &doc, &line.place)
                    }
                    _ => {}
                }
                checked += 1;
            }
        }
    }
    assert!(
        checked > 0,
        "no fixture without an expected output was found"
    );
}

/// What the design notes (../shared/design/azure-auditlogs.md, §2) say about records of the
/// fixtures that come without an expected output.
fn assert_audit_design_notes(place: &str, doc: &Value) {
    let (file, line_number) = place.rsplit_once(':').unwrap_or((place, ""));
    let line_number: usize = line_number.parse().unwrap_or(0);
    let context = place;
    let at = |path: &str| get(doc, path).cloned();
    match (file, line_number) {
        // §2 `time`: ISO8601, `M/d/yyyy h:mm:ss a XXX`, `M/d/yyyy h:mm:ss a`, `M/d/yyyy H:mm:ss`,
        // in UTC unless an offset is given, truncated to milliseconds.
        ("test-time-formats-corner-cases.log", _) => {
            let want = match line_number {
                7 => "2007-01-09T09:41:00.220Z",
                8 => "2007-01-09T09:41:00.681Z",
                9 => "2007-01-09T09:41:00.535Z",
                10 => "2007-01-09T09:41:00.992Z",
                _ => "2007-01-09T09:41:00.000Z",
            };
            assert_eq!(at("@timestamp"), Some(json!(want)), "{context}");
            // The target-resources script always leaves a `related.entity` list.
            assert_eq!(at("related.entity"), Some(json!([])), "{context}");
        }
        // §2 `callerIpAddress`: source.ip when it parses as an IP, else source.address, and
        // client.ip / related.ip only in the first case.
        ("test-audit-logs-edgecases.log", 1) => {
            let ip = json!("2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6");
            assert_eq!(at("source.ip"), Some(ip.clone()), "{context}");
            assert_eq!(at("client.ip"), Some(ip.clone()), "{context}");
            assert_eq!(at("related.ip"), Some(json!([ip])), "{context}");
        }
        ("test-audit-logs-edgecases.log", 2) => {
            let address = json!("::2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6");
            assert_eq!(at("source.address"), Some(address), "{context}");
            for absent in [
                "source.ip",
                "client.ip",
                "related.ip",
                "azure.auditlogs.callerIpAddress",
            ] {
                assert_eq!(at(absent), None, "{context}: {absent}");
            }
        }
        // §2 `properties.result` / `resultReason` / `resultDescription`.
        ("test-auditlogs-result-reason.log", _) => {
            assert_eq!(at("event.outcome"), Some(json!("failure")), "{context}");
            assert_eq!(
                at("azure.auditlogs.properties.result_reason"),
                Some(json!(
                    "The directory object quota limit for the tenant has been exceeded."
                )),
                "{context}"
            );
            assert_eq!(
                at("azure.auditlogs.result_description"),
                Some(json!("Failed to add member to role")),
                "{context}"
            );
        }
        ("test-auditlogs-result-description.log", 1) => {
            assert_eq!(
                at("azure.auditlogs.result_description"),
                Some(json!("User policy updated by administrator")),
                "{context}"
            );
        }
        ("test-auditlogs-result-description.log", 2) => {
            assert_eq!(
                at("azure.auditlogs.properties.result_description"),
                Some(json!("Conditional access policy was updated.")),
                "{context}"
            );
            assert_eq!(
                at("azure.auditlogs.properties.additional_details"),
                Some(json!([])),
                "{context}"
            );
        }
        // §2: null old/new values are omitted, display_name is always written; null appId and
        // servicePrincipalName are removed.
        ("test-auditlogs.log", _) => {
            let property = "azure.auditlogs.properties.target_resources.0.modified_properties.0";
            assert_eq!(
                at(property),
                Some(json!({"display_name": "Included Updated Properties", "new_value": "\"\""})),
                "{context}"
            );
            assert_eq!(
                at("azure.auditlogs.properties.initiated_by.app"),
                Some(json!({
                    "displayName": "Device Registration Service",
                    "servicePrincipalId": "8a4de8b5-095c-47d0-a96f-a75130c61d53"
                })),
                "{context}"
            );
        }
        _ => {}
    }
}

/// What the design notes (azure-other-streams.md, "azure.graphactivitylogs")
/// state for every Graph activity record.
fn assert_graph_design_notes(raw: &Map<String, Value>, doc: &Value, place: &str) {
    let properties = &raw["properties"];
    assert_eq!(field(doc, "event.kind"), "event", "{place}");
    assert_eq!(field(doc, "event.type"), &json!(["access"]), "{place}");
    assert_eq!(
        field(doc, "event.outcome"),
        &Value::Null,
        "{place}: no outcome is set"
    );
    assert_eq!(field(doc, "event.action"), &raw["operationName"], "{place}");
    assert_eq!(
        field(doc, "cloud.service.name"),
        "Microsoft Graph",
        "{place}"
    );
    assert_eq!(field(doc, "azure.tenant_id"), &raw["tenantId"], "{place}");
    assert_eq!(field(doc, "cloud.account.id"), &raw["tenantId"], "{place}");
    assert_eq!(
        field(doc, "destination.geo.region_name"),
        &raw["location"],
        "{place}"
    );
    assert_eq!(field(doc, "cloud.region"), &raw["location"], "{place}");
    assert_eq!(field(doc, "source.ip"), &raw["callerIpAddress"], "{place}");
    assert_eq!(field(doc, "client.ip"), &raw["callerIpAddress"], "{place}");
    assert_eq!(
        field(doc, "related.ip"),
        &json!([raw["callerIpAddress"]]),
        "{place}"
    );
    assert_eq!(
        field(doc, "http.request.id"),
        &properties["requestId"],
        "{place}"
    );
    assert_eq!(
        field(doc, "http.request.method"),
        &properties["requestMethod"],
        "{place}"
    );
    assert_eq!(
        field(doc, "http.response.status_code"),
        &properties["responseStatusCode"],
        "{place}"
    );
    assert_eq!(
        field(doc, "http.response.bytes"),
        &properties["responseSizeBytes"],
        "{place}"
    );
    assert_eq!(
        field(doc, "url.original"),
        &properties["requestUri"],
        "{place}"
    );
    for (raw_key, field_name) in [("roles", "roles"), ("scopes", "scopes"), ("wids", "wids")] {
        let split: Vec<&str> = properties[raw_key]
            .as_str()
            .unwrap_or("")
            .split(' ')
            .collect();
        let expected = if split == [""] {
            Value::Null
        } else {
            json!(split)
        };
        let path = format!("azure.graphactivitylogs.properties.{field_name}");
        assert_eq!(
            field(doc, &path),
            &expected,
            "{place}: {raw_key} split on spaces"
        );
    }
    match properties["userId"].as_str() {
        Some(user) => {
            assert_eq!(field(doc, "user.id"), user, "{place}");
            assert_eq!(field(doc, "client.user.id"), user, "{place}");
            assert_eq!(field(doc, "related.user"), &json!([user]), "{place}");
        }
        None => assert_eq!(field(doc, "user.id"), &Value::Null, "{place}"),
    }
}

/// Audit-log records written for behaviours the fixtures do not cover.
mod audit_records {
    use super::*;

    const TENANT: &str = "3f2a9c1e-7b4d-4e8a-9c6f-1d2e3f4a5b6c";
    const ADMIN_ID: &str = "a1b2c3d4-0001-4a5b-8c9d-0e1f2a3b4c5d";
    const APP_SP_ID: &str = "b2c3d4e5-0002-4b6c-9d0e-1f2a3b4c5d6e";

    fn guest_id(n: usize) -> String {
        format!("c3d4e5f6-0003-4c7d-8e9f-{n:012}")
    }

    /// An "Invite external user" diagnostic record as Entra ID exports it: invited by an admin user,
    /// the invitee's address in additionalDetails, targetResources as given.
    fn invite_record(result: &str, targets: Value) -> Value {
        json!({
            "time": "2024-03-05T10:15:30.1234567Z",
            "resourceId": format!("/tenants/{TENANT}/providers/Microsoft.aadiam"),
            "operationName": "Invite external user",
            "operationVersion": "1.0",
            "category": "AuditLogs",
            "tenantId": TENANT,
            "resultSignature": "None",
            "durationMs": 0,
            "callerIpAddress": "192.0.2.10",
            "correlationId": "d4e5f6a7-0004-4d8e-9f0a-1b2c3d4e5f6a",
            "identity": "Alex Admin",
            "Level": 4,
            "properties": {
                "id": "Invited Users_d4e5f6a7-0004-4d8e-9f0a-1b2c3d4e5f6a_QX7TB_12345678",
                "category": "UserManagement",
                "correlationId": "d4e5f6a7-0004-4d8e-9f0a-1b2c3d4e5f6a",
                "result": result,
                "resultReason": "",
                "activityDisplayName": "Invite external user",
                "activityDateTime": "2024-03-05T10:15:30.1234567+00:00",
                "loggedByService": "Invited Users",
                "operationType": "Add",
                "userAgent": null,
                "initiatedBy": {
                    "user": {
                        "id": ADMIN_ID,
                        "displayName": null,
                        "userPrincipalName": "alex.admin@contoso-example.onmicrosoft.com",
                        "ipAddress": "192.0.2.10",
                        "roles": []
                    }
                },
                "targetResources": targets,
                "additionalDetails": [
                    {"key": "invitedUserEmailAddress", "value": "jdoe@fabrikam.example"},
                    {"key": "InvitationId", "value": "e5f6a7b8-0005-4e9f-8a1b-2c3d4e5f6a7b"}
                ]
            }
        })
    }

    fn invited_user(n: usize, display_name: Value) -> Value {
        json!({
            "id": guest_id(n),
            "displayName": display_name,
            "type": "User",
            "userPrincipalName": format!("guest{n}_fabrikam.example#EXT#@contoso-example.onmicrosoft.com"),
            "administrativeUnits": []
        })
    }

    fn with_modified_properties(mut target: Value, properties: Value) -> Value {
        target["modifiedProperties"] = properties;
        target
    }

    fn run(record: &Value, keep_original: bool) -> Value {
        super::run(auditlogs::normalize, record, keep_original)
    }

    fn at(doc: &Value, path: &str) -> Value {
        field(doc, path).clone()
    }

    const TARGETS: &str = "azure.auditlogs.properties.target_resources";

    #[test]
    fn invite_with_one_target_without_modified_properties_keeps_partial_target() {
        let record = invite_record("Success", json!([invited_user(1, json!("guest"))]));
        let doc = run(&record, true);
        assert_eq!(at(&doc, "event.action"), json!("Invite external user"));
        assert_eq!(
            at(&doc, "azure.auditlogs.operation_name"),
            json!("Invite external user")
        );
        // "Success" is renamed to event.outcome, then lower-cased by the shared pipeline.
        assert_eq!(at(&doc, "event.outcome"), json!("success"));
        assert_eq!(at(&doc, "azure.auditlogs.properties.result"), Value::Null);
        // The script writes display_name/id/type/user_principal_name and an empty
        // modified_properties map, then throws on `.length` of the missing modifiedProperties;
        // ignore_failure keeps what it wrote and the raw targetResources array.
        assert_eq!(
            at(&doc, &format!("{TARGETS}.0")),
            json!({
                "display_name": "guest",
                "id": guest_id(1),
                "type": "User",
                "user_principal_name": "guest1_fabrikam.example#EXT#@contoso-example.onmicrosoft.com",
                "modified_properties": {}
            })
        );
        assert_eq!(
            at(&doc, "azure.auditlogs.properties.targetResources"),
            json!([invited_user(1, json!("guest"))])
        );
        // The related.entity script iterates the partial target_resources.
        assert_eq!(at(&doc, "related.entity"), json!([ADMIN_ID, guest_id(1)]));
        // A null initiatedBy.user.displayName is removed, so there is no user.full_name.
        assert_eq!(
            at(&doc, "user.name"),
            json!("alex.admin@contoso-example.onmicrosoft.com")
        );
        assert_eq!(at(&doc, "user.id"), json!(ADMIN_ID));
        assert_eq!(at(&doc, "user.full_name"), Value::Null);
        assert_eq!(
            at(&doc, "azure.auditlogs.properties.initiated_by.user"),
            json!({
                "id": ADMIN_ID,
                "userPrincipalName": "alex.admin@contoso-example.onmicrosoft.com",
                "ipAddress": "192.0.2.10",
                "roles": []
            })
        );
        assert_eq!(
            at(&doc, "related.user"),
            json!([ADMIN_ID, "alex.admin@contoso-example.onmicrosoft.com"])
        );
        // additionalDetails stays a list of {key, value}.
        assert_eq!(
            at(&doc, "azure.auditlogs.properties.additional_details.0"),
            Value::Null,
            "additional_details is an array, not an index-keyed object"
        );
        assert_eq!(
            at(&doc, "azure.auditlogs.properties.additional_details")[0]["value"],
            json!("jdoe@fabrikam.example")
        );
        assert_eq!(at(&doc, "@timestamp"), json!("2024-03-05T10:15:30.123Z"));
        assert_eq!(
            at(&doc, "azure.auditlogs.properties.activity_datetime"),
            json!("2024-03-05T10:15:30.1234567+00:00")
        );
        assert_eq!(at(&doc, "source.ip"), json!("192.0.2.10"));
        assert_eq!(at(&doc, "client.ip"), json!("192.0.2.10"));
        assert_eq!(at(&doc, "related.ip"), json!(["192.0.2.10"]));
        assert_eq!(at(&doc, "azure.auditlogs.level"), json!(4));
        assert_eq!(at(&doc, "azure.tenant.id"), json!(TENANT));
        assert_eq!(at(&doc, "azure.tenant_id"), json!(TENANT));
        assert_eq!(at(&doc, "cloud.account.id"), json!(TENANT));
        assert_eq!(
            at(&doc, "azure.resource.provider"),
            json!("Microsoft.aadiam")
        );
        assert_eq!(at(&doc, "event.kind"), json!("event"));
        assert_eq!(at(&doc, "event.original"), json!(record.to_string()));
        assert_eq!(at(&doc, "data_stream.dataset"), json!("azure.auditlogs"));
    }

    #[test]
    fn invite_with_several_targets_indexes_each_target() {
        let targets = json!([
            with_modified_properties(invited_user(1, json!("Guest")), json!([])),
            with_modified_properties(
                invited_user(2, Value::Null),
                json!([{"displayName": "UserType", "oldValue": null, "newValue": "\"Guest\""}])
            ),
            with_modified_properties(
                invited_user(3, json!("guest")),
                json!([{"displayName": "DisplayName", "oldValue": "\"\"", "newValue": "\"guest\""}])
            ),
        ]);
        // Invited through an app this time (e.g. an HR onboarding service principal).
        let mut record = invite_record("success", targets);
        record["properties"]["initiatedBy"] = json!({
            "app": {
                "appId": null,
                "displayName": "Contoso Onboarding",
                "servicePrincipalId": APP_SP_ID,
                "servicePrincipalName": null
            }
        });
        let doc = run(&record, true);
        assert_eq!(at(&doc, "event.outcome"), json!("success"));
        // Null appId / servicePrincipalName are removed; no user.* without an initiating user.
        assert_eq!(
            at(&doc, "azure.auditlogs.properties.initiated_by"),
            json!({"app": {"displayName": "Contoso Onboarding", "servicePrincipalId": APP_SP_ID}})
        );
        assert_eq!(at(&doc, "user"), Value::Null);
        assert_eq!(at(&doc, "related.user"), Value::Null);
        // Every target has modifiedProperties, so the script completes and drops the raw array.
        assert_eq!(
            at(&doc, "azure.auditlogs.properties.targetResources"),
            Value::Null
        );
        // display_name is a keyword: "Guest" stays "Guest"; a null one is left out.
        assert_eq!(
            at(&doc, &format!("{TARGETS}.0.display_name")),
            json!("Guest")
        );
        assert_eq!(
            at(&doc, &format!("{TARGETS}.0.modified_properties")),
            json!({})
        );
        assert_eq!(at(&doc, &format!("{TARGETS}.1.display_name")), Value::Null);
        assert!(get(&doc, &format!("{TARGETS}.1"))
            .is_some_and(|target| target.get("display_name").is_none()));
        // A null oldValue is left out; display_name is always written.
        assert_eq!(
            at(&doc, &format!("{TARGETS}.1.modified_properties")),
            json!({"0": {"display_name": "UserType", "new_value": "\"Guest\""}})
        );
        assert_eq!(
            at(&doc, &format!("{TARGETS}.2.display_name")),
            json!("guest")
        );
        assert_eq!(
            at(&doc, &format!("{TARGETS}.2.modified_properties.0")),
            json!({"display_name": "DisplayName", "old_value": "\"\"", "new_value": "\"guest\""})
        );
        // administrativeUnits is not carried over.
        assert_eq!(
            at(&doc, &format!("{TARGETS}.0.administrative_units")),
            Value::Null
        );
        assert_eq!(
            at(&doc, "related.entity"),
            json!([APP_SP_ID, guest_id(1), guest_id(2), guest_id(3)])
        );
    }

    #[test]
    fn invite_result_values_map_to_event_outcome() {
        let target = || {
            json!([with_modified_properties(
                invited_user(1, json!("guest")),
                json!([])
            )])
        };
        // Only strings equal to success/failure ignoring case are moved, then lower-cased.
        for (result, outcome) in [
            ("Success", "success"),
            ("success", "success"),
            ("failure", "failure"),
            ("FAILURE", "failure"),
        ] {
            let doc = run(&invite_record(result, target()), true);
            assert_eq!(at(&doc, "event.outcome"), json!(outcome), "result {result}");
            assert_eq!(
                at(&doc, "azure.auditlogs.properties.result"),
                Value::Null,
                "result {result}"
            );
        }
        // Anything else stays under properties.result and leaves event.outcome absent.
        for other in ["timeout", "failed"] {
            let doc = run(&invite_record(other, target()), true);
            assert_eq!(at(&doc, "event.outcome"), Value::Null, "result {other}");
            assert_eq!(
                at(&doc, "azure.auditlogs.properties.result"),
                json!(other),
                "result {other}"
            );
        }
    }

    #[test]
    fn target_without_modified_properties_stops_indexing_later_targets() {
        let first = invited_user(1, json!("guest"));
        let second = with_modified_properties(invited_user(2, json!("Second Guest")), json!([]));
        let doc = run(
            &invite_record("success", json!([first.clone(), second.clone()])),
            true,
        );
        let indexed = at(&doc, TARGETS);
        assert_eq!(
            indexed.as_object().map(|targets| targets.len()),
            Some(1),
            "{indexed}"
        );
        assert_eq!(
            at(&doc, &format!("{TARGETS}.0.display_name")),
            json!("guest")
        );
        assert_eq!(
            at(&doc, "azure.auditlogs.properties.targetResources"),
            json!([first, second])
        );
        assert_eq!(at(&doc, "related.entity"), json!([ADMIN_ID, guest_id(1)]));
    }

    #[test]
    fn original_event_is_kept_only_when_asked() {
        let record = invite_record("success", json!([]));
        assert_eq!(at(&run(&record, false), "event.original"), Value::Null);
        assert_eq!(
            at(&run(&record, true), "event.original"),
            json!(record.to_string())
        );
        // An empty targetResources list still yields an (empty) target_resources object.
        assert_eq!(at(&run(&record, false), TARGETS), json!({}));
    }

    #[test]
    fn duration_follows_java_arithmetic() {
        let with_duration = |duration: Value| {
            let mut record = invite_record("success", json!([]));
            record["durationMs"] = duration;
            run(&record, false)
        };
        // A JSON integer that fits an int is a Java Integer; Painless multiplies ints as ints, so
        // 2148 ms * 1,000,000 wraps around 2^32.
        assert_eq!(
            at(&with_duration(json!(12)), "event.duration"),
            json!(12_000_000)
        );
        assert_eq!(
            at(&with_duration(json!(2148)), "event.duration"),
            json!(-2_146_967_296_i64)
        );
        // A string is converted to a long first, so it does not wrap.
        assert_eq!(
            at(&with_duration(json!("2148")), "event.duration"),
            json!(2_148_000_000_i64)
        );
        // A non-numeric string fails the (ignore_failure) convert and is removed.
        let unparsable = with_duration(json!("soon"));
        assert_eq!(at(&unparsable, "event.duration"), Value::Null);
        assert_eq!(at(&unparsable, "azure.auditlogs.durationMs"), Value::Null);
        // A JSON double stays a double.
        assert_eq!(
            at(&with_duration(json!(1.5)), "event.duration"),
            json!(1_500_000.0)
        );
    }

    #[test]
    fn caller_ip_with_port_is_an_address_not_an_ip() {
        let mut record = invite_record("success", json!([]));
        record["callerIpAddress"] = json!("192.0.2.10:4433");
        let doc = run(&record, false);
        assert_eq!(at(&doc, "source.address"), json!("192.0.2.10:4433"));
        for absent in [
            "source.ip",
            "client.ip",
            "related.ip",
            "azure.auditlogs.callerIpAddress",
        ] {
            assert_eq!(at(&doc, absent), Value::Null, "{absent}");
        }
    }

    #[test]
    fn tenant_from_resource_id_overrides_tenant_id() {
        // The shared pipeline's grok writes azure.tenant.id from the resource ID after tenantId was
        // renamed there, so the resource ID's tenant wins.
        let other_tenant = "9e8d7c6b-5a49-4382-9171-605f4e3d2c1b";
        let mut record = invite_record("success", json!([]));
        record["resourceId"] = json!(format!(
            "/TENANTS/{other_tenant}/PROVIDERS/Microsoft.aadiam"
        ));
        let doc = run(&record, false);
        assert_eq!(at(&doc, "azure.tenant.id"), json!(other_tenant));
        assert_eq!(at(&doc, "cloud.account.id"), json!(other_tenant));
        assert_eq!(
            at(&doc, "azure.resource_provider.namespace"),
            json!("Microsoft.aadiam")
        );
    }

    #[test]
    fn unparsable_time_leaves_no_timestamp() {
        // The date processor has ignore_failure: no @timestamp, and no pipeline error.
        let mut record = invite_record("success", json!([]));
        record["time"] = json!("2024-03-05 10:15:30");
        let doc = run(&record, false);
        assert_eq!(at(&doc, "@timestamp"), Value::Null);
        assert_eq!(at(&doc, "event.kind"), json!("event"));
    }

    #[test]
    fn related_entity_follows_java_hash_map_order() {
        // target_resources is a java.util.HashMap keyed "0".."11"; with 12 keys "11" shares bucket 0
        // with "0" and "10" falls in bucket 15, so the script visits 0, 11, 1, …, 9, 10.
        let targets: Vec<Value> = (0..12)
            .map(|n| with_modified_properties(invited_user(n, json!("Guest")), json!([])))
            .collect();
        let doc = run(&invite_record("success", Value::Array(targets)), false);
        let mut order = vec![ADMIN_ID.to_string()];
        order.extend([0, 11, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(guest_id));
        assert_eq!(at(&doc, "related.entity"), json!(order));
    }

    fn assert_pipeline_error(doc: &Value, message: &str) {
        assert_eq!(at(doc, "event.kind"), json!("pipeline_error"));
        assert_eq!(at(doc, "error.message"), json!([message]));
        assert_eq!(at(doc, "tags"), json!(["preserve_original_event"]));
        // The failure handler's tag keeps event.original even when it was not asked for.
        assert!(at(doc, "event.original").is_string());
        assert_eq!(at(doc, "data_stream.dataset"), json!("azure.auditlogs"));
    }

    #[test]
    fn rename_clash_is_a_pipeline_error_that_keeps_earlier_fields() {
        let mut record = invite_record("success", json!([]));
        record["operation_name"] = json!("Invite external user");
        let doc = run(&record, false);
        assert_pipeline_error(
            &doc,
            "Processor 'rename' with tag 'rename_azure_auditlogs_operationName_to_azure_auditlogs_operation_name_e82644e9' \
             failed with message 'field [azure.auditlogs.operation_name] already exists'",
        );
        // Written before the failing processor:
        assert_eq!(at(&doc, "@timestamp"), json!("2024-03-05T10:15:30.123Z"));
        assert_eq!(at(&doc, "event.duration"), json!(0));
        assert_eq!(at(&doc, "event.outcome"), json!("success"));
        assert_eq!(at(&doc, "event.action"), json!("Invite external user"));
        assert_eq!(
            at(&doc, "azure.resource_id"),
            json!(format!("/tenants/{TENANT}/providers/Microsoft.aadiam"))
        );
        // Never reached:
        assert_eq!(
            at(&doc, "azure.auditlogs.operationName"),
            json!("Invite external user")
        );
        assert_eq!(at(&doc, "cloud.provider"), Value::Null);
        assert_eq!(at(&doc, "source.ip"), Value::Null);
    }

    #[test]
    fn non_object_properties_fail_the_outcome_condition() {
        let mut record = invite_record("success", json!([]));
        record["properties"] = json!("not an object");
        let doc = run(&record, false);
        assert_pipeline_error(
            &doc,
            "Processor 'conditional' with tag 'rename_azure_auditlogs_properties_result_to_event_outcome_4c491c6b' \
             failed with message 'dynamic getter [java.lang.String, result] not found'",
        );
    }

    #[test]
    fn boolean_duration_fails_the_multiplication_script() {
        let mut record = invite_record("success", json!([]));
        record["durationMs"] = json!(true);
        let doc = run(&record, false);
        assert_pipeline_error(
            &doc,
            "Processor 'script' with tag 'script_c48851e6' failed with message \
             'Cannot apply [*] operation to types [java.lang.Boolean] and [java.lang.Integer].'",
        );
        // The rename to event.duration happened before the script threw.
        assert_eq!(at(&doc, "event.duration"), json!(true));
    }

    #[test]
    fn non_object_target_resources_entry_is_a_handled_script_error() {
        // A raw `target_resources` object whose entry is a string: the related.entity script throws,
        // its own handler records the bare message, and the pipeline finishes. Elasticsearch stores
        // that message as a string; here every failure is an item of the `error.message` list.
        let mut record = invite_record("success", json!([]));
        record["properties"]
            .as_object_mut()
            .map(|properties| properties.remove("targetResources"));
        record["properties"]["target_resources"] = json!({"0": "not an object"});
        let doc = run(&record, false);
        assert_eq!(at(&doc, "event.kind"), json!("pipeline_error"));
        assert_eq!(
            at(&doc, "error.message"),
            json!(["dynamic getter [java.lang.String, id] not found"])
        );
        assert_eq!(at(&doc, "tags"), json!(["preserve_original_event"]));
        assert_eq!(at(&doc, "cloud.provider"), json!("azure"));
        assert_eq!(at(&doc, "related.entity"), json!([ADMIN_ID]));
    }
}

/// Sign-in and Identity Protection records written for behaviours the fixtures do not cover.
mod sign_in_records {
    use super::*;

    #[test]
    fn non_interactive_sign_in_snake_cases_every_key_and_falls_back_to_caller_ip() {
        // signinlogs pipeline: every key is snake-cased at any depth (also inside lists of
        // objects); source.address comes from properties.ipAddress, else callerIpAddress,
        // which stays as caller_ip_address; additionalDetails alone becomes `message`.
        let text = r#"{"time":"2024-05-02T11:20:31.5012345Z","resourceId":"/tenants/0b5d9a3e-1111-4c2d-9e3f-2a4b6c8d0e1f/providers/Microsoft.aadiam","operationName":"Sign-in activity","operationVersion":"1.0","category":"NonInteractiveUserSignInLogs","tenantId":"0b5d9a3e-1111-4c2d-9e3f-2a4b6c8d0e1f","resultType":"0","resultSignature":"None","durationMs":0,"callerIpAddress":"192.0.2.10","correlationId":"5e0c2a43-9a2e-4b7e-8a51-0c3f8c1d2e3f","identity":"Ana Silva","Level":4,"location":"PT","properties":{"id":"77e1c3c5-52bb-4f6a-9d61-0a1b2c3d4e00","createdDateTime":"2024-05-02T11:18:02.1234567+00:00","userDisplayName":"Ana Silva","userPrincipalName":"ana.silva@contoso.example","userId":"c1d2e3f4-0000-4a5b-8c9d-112233445566","appId":"29d9ed98-a469-4536-ade2-f981bc1d605e","appDisplayName":"Microsoft Authentication Broker","status":{"errorCode":0,"additionalDetails":"MFA requirement satisfied by claim in the token"},"sessionId":"3f9c1d0e-aaaa-4bbb-8ccc-0d1e2f3a4b5c","incomingTokenType":"primaryRefreshToken","authenticationProtocol":"deviceCode","isInteractive":false,"conditionalAccessAudiences":[{"applicationId":"00000003-0000-0000-c000-000000000000","audienceReasons":"none"}],"riskEventTypes_v2":["unfamiliarFeatures"],"riskLevelDuringSignIn":"medium","tokenIssuerType":"AzureAD","userType":"Member","authenticationProcessingDetails":[{"key":"Oauth Scope Info","value":"[\"Directory.Read.All\"]"},{"key":"Is CAE Token","value":"True"}]}}"#;
        let doc = run_text(signinlogs::normalize, text, false);
        let properties = field(&doc, "azure.signinlogs.properties");
        assert_eq!(
            properties["session_id"],
            json!("3f9c1d0e-aaaa-4bbb-8ccc-0d1e2f3a4b5c")
        );
        assert_eq!(
            properties["incoming_token_type"],
            json!("primaryRefreshToken")
        );
        assert_eq!(properties["authentication_protocol"], json!("deviceCode"));
        assert_eq!(properties["is_interactive"], json!(false));
        assert_eq!(
            properties["conditional_access_audiences"][0]["application_id"],
            json!("00000003-0000-0000-c000-000000000000")
        );
        assert_eq!(
            properties["risk_event_types_v2"],
            json!(["unfamiliarFeatures"])
        );
        assert_eq!(properties["risk_level_during_signin"], json!("medium"));
        assert_eq!(
            properties["authentication_processing_details"]["Oauth Scope Info"],
            json!("[\"Directory.Read.All\"]")
        );
        assert_eq!(
            field(&doc, "azure.signinlogs.category"),
            &json!("NonInteractiveUserSignInLogs")
        );
        assert_eq!(
            field(&doc, "azure.signinlogs.caller_ip_address"),
            &json!("192.0.2.10")
        );
        assert_eq!(field(&doc, "source.ip"), &json!("192.0.2.10"));
        assert_eq!(field(&doc, "source.address"), &json!("192.0.2.10"));
        assert_eq!(field(&doc, "client.ip"), &json!("192.0.2.10"));
        assert_eq!(field(&doc, "related.ip"), &json!(["192.0.2.10"]));
        assert_eq!(
            doc["message"],
            json!("MFA requirement satisfied by claim in the token")
        );
        assert_eq!(field(&doc, "event.outcome"), &json!("success"));
        assert_eq!(field(&doc, "event.category"), &json!(["authentication"]));
        assert_eq!(
            field(&doc, "@timestamp"),
            &json!("2024-05-02T11:20:31.501Z")
        );
        assert_eq!(field(&doc, "user.name"), &json!("ana.silva"));
        assert_eq!(field(&doc, "user.domain"), &json!("contoso.example"));
        assert_eq!(field(&doc, "event.dataset"), &json!("azure.signinlogs"));
        assert_eq!(field(&doc, "data_stream.namespace"), &json!("default"));
        // Without the preserve_original_event tag the raw text is dropped.
        assert!(field(&doc, "event.original").is_null());
    }

    /// A minimal sign-in record with the given `properties` body and extra top-level members.
    fn sign_in_text(extra_top_level: &str, properties: &str) -> String {
        format!(
            r#"{{"time":"2024-05-02T11:20:31.5Z","operationName":"Sign-in activity","category":"SignInLogs","durationMs":0,{extra_top_level}"properties":{properties}}}"#
        )
    }

    #[test]
    fn user_principal_names_split_like_the_grok() {
        // grok `%{USERNAME}@%{HOSTNAME}` searches anywhere in the UPN, so a '+' (not a
        // USERNAME character) cuts the name; a UPN without '@' is the name whole.
        let cases = [
            (
                "ana.silva@contoso.example",
                json!("ana.silva"),
                json!("contoso.example"),
            ),
            (
                "ops+alerts@fabrikam.example",
                json!("alerts"),
                json!("fabrikam.example"),
            ),
            (
                "c3813493-bf92-4123-8717-8a8b2979c38b",
                json!("c3813493-bf92-4123-8717-8a8b2979c38b"),
                Value::Null,
            ),
        ];
        for (upn, name, domain) in cases {
            let text = sign_in_text("", &format!(r#"{{"userPrincipalName":"{upn}"}}"#));
            let doc = run_text(signinlogs::normalize, &text, false);
            assert_eq!(field(&doc, "user.name"), &name, "{upn}");
            assert_eq!(field(&doc, "user.domain"), &domain, "{upn}");
        }
    }

    #[test]
    fn outcome_follows_error_code_not_result_type() {
        // Two `set` processors: error_code missing or 0 → success, > 0 → failure; resultType
        // is never read. A string code makes the `> 0` comparison throw in painless.
        let cases = [
            (r#"{"status":{"errorCode":50126}}"#, Some("failure")),
            (r#"{"status":{}}"#, Some("success")),
            (r#"{"status":{"errorCode":0}}"#, Some("success")),
        ];
        for (properties, outcome) in cases {
            let text = sign_in_text(r#""resultType":"50126","#, properties);
            let doc = run_text(signinlogs::normalize, &text, false);
            assert_eq!(
                field(&doc, "event.outcome").as_str(),
                outcome,
                "{properties}"
            );
        }
        let text = sign_in_text("", r#"{"status":{"errorCode":"50126"}}"#);
        let doc = run_text(signinlogs::normalize, &text, false);
        assert_eq!(field(&doc, "event.kind"), &json!("pipeline_error"));
        assert_eq!(
            field(&doc, "error.message"),
            &json!(["Processor 'set' failed with message 'runtime error'"])
        );
    }

    #[test]
    fn duration_uses_painless_integer_arithmetic() {
        // `ctx.event.duration * 1000000` on a JSON integer: Elasticsearch parses it as a Java
        // Integer, so the product is a 32-bit int and wraps above 2147 ms; Longs and Doubles
        // keep their own types.
        let cases = [
            ("0", json!(0)),
            ("1500", json!(1_500_000_000)),
            ("2500", json!(-1_794_967_296)),
            ("3000000000", json!(3_000_000_000_000_000_i64)),
            ("1.5", json!(1_500_000.0)),
        ];
        for (duration, nanos) in cases {
            let text = format!(
                r#"{{"time":"2024-05-02T11:20:31Z","category":"SignInLogs","durationMs":{duration},"properties":{{}}}}"#
            );
            let doc = run_text(signinlogs::normalize, &text, false);
            assert_eq!(
                field(&doc, "event.duration"),
                &nanos,
                "durationMs {duration}"
            );
        }
    }

    #[test]
    fn sign_in_without_usable_time_is_a_pipeline_error_that_keeps_the_raw_text() {
        // The date processor on `time` has no ignore_failure, and it runs before `message` is
        // moved to event.original: the raw text stays in `message`, even when not preserved.
        let missing = sign_in_text("", r#"{"userPrincipalName":"ana.silva@contoso.example"}"#)
            .replace(r#""time":"2024-05-02T11:20:31.5Z","#, "");
        let doc = run_text(signinlogs::normalize, &missing, false);
        assert_eq!(field(&doc, "event.kind"), &json!("pipeline_error"));
        assert_eq!(
            field(&doc, "error.message"),
            &json!(["Processor 'date' failed with message 'field [time] not present as part of path [azure.signinlogs.time]'"])
        );
        assert_eq!(doc["message"], json!(missing));
        assert_eq!(field(&doc, "tags"), &json!(["preserve_original_event"]));
        assert_eq!(
            field(&doc, "azure.signinlogs.properties.user_principal_name"),
            &json!("ana.silva@contoso.example")
        );
        assert!(doc.get("@timestamp").is_none());
        assert_eq!(
            field(&doc, "data_stream.dataset"),
            &json!("azure.signinlogs")
        );

        let garbled = sign_in_text("", "{}").replace("2024-05-02T11:20:31.5Z", "yesterday");
        let doc = run_text(signinlogs::normalize, &garbled, false);
        assert_eq!(
            field(&doc, "error.message"),
            &json!(["Processor 'date' failed with message 'unable to parse date [yesterday]'"])
        );
    }

    #[test]
    fn managed_identity_sign_in_drops_null_user_and_empty_address() {
        // `userId: null` is removed; an empty ipAddress renders empty and is skipped
        // (ignore_empty_value), so without callerIpAddress there is no source at all.
        let text = r#"{"time":"2024-05-02T04:59:49.2279838Z","resourceId":"/tenants/0b5d9a3e-1111-4c2d-9e3f-2a4b6c8d0e1f/providers/Microsoft.aadiam","operationName":"Sign-in activity","category":"ManagedIdentitySignInLogs","durationMs":0,"Level":4,"properties":{"id":"a08869a8-3b15-46e4-8de3-000000000001","userId":null,"appId":"b3b975ac-995b-426e-8b5d-000000000002","ipAddress":"","status":{"errorCode":0},"location":{"city":"","state":"","countryOrRegion":"","geoCoordinates":{"latitude":0.0,"longitude":0.0}},"servicePrincipalName":"vm-reporting-identity","servicePrincipalId":"9d370547-cb61-4753-be23-000000000003"}}"#;
        let doc = run_text(signinlogs::normalize, text, false);
        let properties = field(&doc, "azure.signinlogs.properties");
        assert!(properties.get("user_id").is_none());
        assert!(properties.get("ip_address").is_none());
        assert!(properties.get("location").is_none());
        assert_eq!(
            properties["service_principal_name"],
            json!("vm-reporting-identity")
        );
        assert!(doc.get("source").is_none() && doc.get("user").is_none());
        assert_eq!(field(&doc, "geo.city_name"), &json!(""));
        assert_eq!(field(&doc, "geo.location.lat"), &json!(0.0));
        assert_eq!(field(&doc, "log.level"), &json!("4"));
        assert_eq!(
            field(&doc, "azure.resource.provider"),
            &json!("Microsoft.aadiam")
        );
    }

    #[test]
    fn subscription_resource_ids_fill_group_provider_and_name() {
        // Shared Azure pipeline: a named resource gives subscription, group, provider and name;
        // the id itself moves to azure.resource.id unchanged.
        let resource = "/SUBSCRIPTIONS/3F041B6D-FC31-41D8-8FF6-E5F16E6747FF/RESOURCEGROUPS/RG-OBS/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/OBSKUBE";
        let text = sign_in_text(&format!(r#""resourceId":"{resource}","#), "{}");
        let doc = run_text(signinlogs::normalize, &text, false);
        let azure = &doc["azure"];
        assert_eq!(
            azure["subscription_id"],
            json!("3F041B6D-FC31-41D8-8FF6-E5F16E6747FF")
        );
        assert_eq!(azure["resource"]["group"], json!("RG-OBS"));
        assert_eq!(
            azure["resource"]["provider"],
            json!("MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS")
        );
        assert_eq!(azure["resource"]["name"], json!("OBSKUBE"));
        assert_eq!(azure["resource"]["id"], json!(resource));
        assert_eq!(field(&doc, "cloud.provider"), &json!("azure"));
    }

    #[test]
    fn risky_user_record_normalises_dates_and_keeps_non_ip_caller_as_address() {
        // identity_protection pipeline: US-style `time`; riskLastUpdatedDateTime with a
        // single-digit hour is normalised; a caller address that is not an IP goes to
        // source.address; no event.category/type/outcome and (in this version) no user.*.
        let text = r#"{"time":"3/5/2024 7:04:12 AM","resourceId":"/tenants/0b5d9a3e-1111-4c2d-9e3f-2a4b6c8d0e1f/providers/microsoft.aadiam","operationName":"Risky user","operationVersion":"1.0","category":"RiskyUsers","tenantId":"0b5d9a3e-1111-4c2d-9e3f-2a4b6c8d0e1f","resultSignature":"None","durationMs":0,"callerIpAddress":"unknown","correlationId":"6d1f0c2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f","identity":"Identity Protection","Level":4,"location":"pt","properties":{"id":"c1d2e3f4-0000-4a5b-8c9d-112233445566","isDeleted":false,"isProcessing":false,"riskLastUpdatedDateTime":"2024-03-05T7:04:11.123Z","riskLevel":"high","riskState":"confirmedCompromised","riskDetail":"adminConfirmedUserCompromised","userDisplayName":"Ana Silva","userPrincipalName":"ana.silva@contoso.example"}}"#;
        let doc = run_text(identity_protection::normalize, text, false);
        let properties = field(&doc, "azure.identityprotection.properties");
        assert_eq!(
            field(&doc, "@timestamp"),
            &json!("2024-03-05T07:04:12.000Z")
        );
        assert_eq!(
            properties["risk_last_updated_datetime"],
            json!("2024-03-05T07:04:11.123Z")
        );
        assert!(properties.get("riskLastUpdatedDateTime").is_none());
        assert_eq!(properties["is_deleted"], json!(false));
        assert_eq!(
            properties["risk_detail"],
            json!("adminConfirmedUserCompromised")
        );
        assert_eq!(
            properties["user_principal_name"],
            json!("ana.silva@contoso.example")
        );
        assert_eq!(field(&doc, "event.action"), &json!("Risky user"));
        assert_eq!(field(&doc, "source.address"), &json!("unknown"));
        assert!(field(&doc, "source.ip").is_null());
        for absent in [
            "event.category",
            "event.type",
            "event.outcome",
            "user",
            "client",
            "related",
        ] {
            assert!(field(&doc, absent).is_null(), "{absent} should be absent");
        }
        assert!(field(&doc, "azure.identityprotection.identity").is_null());
        assert_eq!(
            field(&doc, "azure.tenant_id"),
            &json!("0b5d9a3e-1111-4c2d-9e3f-2a4b6c8d0e1f")
        );
        assert_eq!(
            field(&doc, "event.dataset"),
            &json!("azure.identity_protection")
        );
    }

    #[test]
    fn risk_event_text_loses_empty_pairs_and_keeps_additional_info_as_a_list() {
        // The pipeline deletes `"":"",` from the raw text before parsing; event.original is
        // that cleaned text. additionalInfo is parsed but not turned into an object.
        let text = r#"{"":"","time":"2024-05-02T18:05:06.1330000Z","operationName":"User Risk Detection","category":"UserRiskEvents","durationMs":0,"callerIpAddress":"198.51.100.23","properties":{"riskEventType":"unfamiliarFeatures","activity":"signin","ipAddress":"198.51.100.23","location":{"city":"Porto","countryOrRegion":"PT","geoCoordinates":{"latitude":41.1496,"longitude":-8.611}},"additionalInfo":"[{\"Key\":\"userAgent\",\"Value\":\"Mozilla/5.0\"},{\"Key\":\"mitreTechniques\",\"Value\":\"T1078\"}]"}}"#;
        let doc = run_text(identity_protection::normalize, text, true);
        assert_eq!(
            field(&doc, "event.original"),
            &json!(text.replacen(r#""":"","#, "", 1))
        );
        assert!(field(&doc, "azure.identityprotection").get("").is_none());
        let properties = field(&doc, "azure.identityprotection.properties");
        assert_eq!(
            properties["additional_info"],
            json!([{"Key": "userAgent", "Value": "Mozilla/5.0"}, {"Key": "mitreTechniques", "Value": "T1078"}])
        );
        assert_eq!(properties["location"]["countryOrRegion"], json!("PT"));
        assert_eq!(properties["ip_address"], json!("198.51.100.23"));
        assert_eq!(field(&doc, "source.ip"), &json!("198.51.100.23"));
        assert_eq!(
            field(&doc, "@timestamp"),
            &json!("2024-05-02T18:05:06.133Z")
        );
    }

    #[test]
    fn identity_records_that_break_the_pipeline_become_pipeline_errors() {
        // Without `properties`, the additionalInfo clean-up condition dereferences null.
        let no_properties = r#"{"time":"2024-05-02T18:05:06Z","operationName":"User Risk Detection","category":"UserRiskEvents"}"#;
        let doc = run_text(identity_protection::normalize, no_properties, false);
        assert_eq!(field(&doc, "event.kind"), &json!("pipeline_error"));
        assert_eq!(
            field(&doc, "error.message"),
            &json!(["Processor 'remove' failed with message 'runtime error'"])
        );
        assert_eq!(field(&doc, "event.original"), &json!(no_properties));
        assert_eq!(
            field(&doc, "@timestamp"),
            &json!("2024-05-02T18:05:06.000Z")
        );

        // Elasticsearch's JSON parser rejects a repeated key, so nothing is parsed.
        let duplicate = r#"{"time":"2024-05-02T18:05:06Z","category":"UserRiskEvents","category":"RiskyUsers","properties":{}}"#;
        let doc = run_text(identity_protection::normalize, duplicate, false);
        assert_eq!(field(&doc, "event.kind"), &json!("pipeline_error"));
        assert!(field(&doc, "azure").is_null());
        assert_eq!(field(&doc, "event.original"), &json!(duplicate));
    }
}

/// Activity, platform and Graph activity records written for behaviours the fixtures do not cover.
mod activity_records {
    use super::*;

    const SUBSCRIPTION: &str = "11111111-2222-3333-4444-555555555555";
    const TENANT: &str = "99999999-8888-7777-6666-555555555555";

    fn role_assignment_write() -> Value {
        json!({
            "time": "2024-05-14T09:21:07.1234567Z",
            "resourceId": format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-prod/providers/Microsoft.Authorization/roleAssignments/0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6"),
            "operationName": "MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE",
            "category": "Administrative",
            "resultType": "Success",
            "resultSignature": "Succeeded.Created",
            "durationMs": 1500,
            "callerIpAddress": "192.0.2.44",
            "correlationId": "5b0a9c1e-7f3d-4e2a-9c8b-1d2e3f4a5b6c",
            "identity": {
                "authorization": {
                    "scope": format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-prod"),
                    "action": "Microsoft.Authorization/roleAssignments/write",
                    "evidence": {
                        "role": "User Access Administrator",
                        "roleAssignmentScope": format!("/subscriptions/{SUBSCRIPTION}"),
                        "roleAssignmentId": "3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f",
                        "roleDefinitionId": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
                        "principalId": "6a7b8c9d-0e1f-2a3b-4c5d-6e7f8a9b0c1d",
                        "principalType": "User"
                    }
                },
                "claims": {
                    "name": "Alex Wilber",
                    "appid": "c44b4083-3bb0-49c1-b47d-974e53cbdf3c",
                    "ipaddr": "192.0.2.44",
                    "authnmethodsreferences": "pwd,mfa",
                    "http://schemas.microsoft.com/identity/claims/objectidentifier": "6a7b8c9d-0e1f-2a3b-4c5d-6e7f8a9b0c1d",
                    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name": "live.com#alex.wilber@contoso.example",
                    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname": "Alex",
                    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname": "Wilber"
                }
            },
            "level": "Information",
            "location": "global",
            "properties": {
                "statusCode": "Created",
                "serviceRequestId": "7e8f9a0b-1c2d-3e4f-5a6b-7c8d9e0f1a2b",
                "eventCategory": "Administrative",
                "entity": format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-prod/providers/Microsoft.Authorization/roleAssignments/0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6"),
                "message": "Microsoft.Authorization/roleAssignments/write",
                "requestbody": "{\"Id\":\"0d1e2f3a\",\"Properties\":{\"PrincipalId\":\"6a7b8c9d\",\"RoleDefinitionId\":\"/providers/Microsoft.Authorization/roleDefinitions/18d7d88d-d35e-4fb5-a5c3-7773c20a72d9\"}}"
            }
        })
    }

    /// Activity pipeline: renames, claims, user split, resource-id grok, and the
    /// shared sub-pipeline's lower-casing of `event.outcome`
    /// (azure-shared-pipeline.yml `lowercase: event.outcome`).
    #[test]
    fn activity_role_assignment_write() {
        let doc = run(activitylogs::normalize, &role_assignment_write(), false);
        let claims_path = "azure.activitylogs.identity.claims";
        let expected = [
            ("@timestamp", json!("2024-05-14T09:21:07.123Z")),
            (
                "event.action",
                json!("MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE"),
            ),
            ("event.outcome", json!("success")),
            ("event.kind", json!("event")),
            ("event.duration", json!(1_500_000_000)),
            ("event.dataset", json!("azure.activitylogs")),
            ("event.module", json!("azure")),
            ("data_stream.type", json!("logs")),
            ("data_stream.dataset", json!("azure.activitylogs")),
            ("data_stream.namespace", json!("default")),
            ("ecs.version", json!("8.11.0")),
            ("cloud.provider", json!("azure")),
            ("log.level", json!("Information")),
            ("geo.name", json!("global")),
            ("source.ip", json!("192.0.2.44")),
            ("client.ip", json!("192.0.2.44")),
            ("related.ip", json!(["192.0.2.44"])),
            ("azure.subscription_id", json!(SUBSCRIPTION)),
            ("azure.resource.group", json!("rg-prod")),
            (
                "azure.resource.provider",
                json!("Microsoft.Authorization/roleAssignments"),
            ),
            (
                "azure.resource.name",
                json!("0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6"),
            ),
            (
                "azure.correlation_id",
                json!("5b0a9c1e-7f3d-4e2a-9c8b-1d2e3f4a5b6c"),
            ),
            (
                "azure.activitylogs.operation_name",
                json!("MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE"),
            ),
            ("azure.activitylogs.result_type", json!("Success")),
            (
                "azure.activitylogs.result_signature",
                json!("Succeeded.Created"),
            ),
            ("azure.activitylogs.event_category", json!("Administrative")),
            (
                "azure.activitylogs.properties.status_code",
                json!("Created"),
            ),
            (
                "azure.activitylogs.identity.authorization.evidence.principal_type",
                json!("User"),
            ),
            (
                "azure.activitylogs.identity.authorization.evidence.role_definition_id",
                json!("18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"),
            ),
            (
                "azure.activitylogs.identity.claims_initiated_by_user.fullname",
                json!("Alex Wilber"),
            ),
            (
                "azure.activitylogs.identity.claims_initiated_by_user.name",
                json!("live.com#alex.wilber@contoso.example"),
            ),
            (
                "azure.activitylogs.identity.claims_initiated_by_user.givenname",
                json!("Alex"),
            ),
            (
                "azure.activitylogs.identity.claims_initiated_by_user.surname",
                json!("Wilber"),
            ),
            (
                "azure.activitylogs.identity.claims_initiated_by_user.schema",
                json!("http://schemas.xmlsoap.org/ws/2005/05/identity/claims"),
            ),
            // grok %{USERNAME}@%{HOSTNAME} is unanchored: the guest prefix `live.com#` is skipped.
            ("user.name", json!("alex.wilber")),
            ("user.domain", json!("contoso.example")),
            ("user.email", json!("live.com#alex.wilber@contoso.example")),
            ("user.full_name", json!("Alex Wilber")),
            ("related.user", json!(["alex.wilber"])),
        ];
        for (path, value) in expected {
            assert_eq!(field(&doc, path), &value, "{path}");
        }
        let claims = field(&doc, claims_path);
        assert_eq!(claims["appid"], "c44b4083-3bb0-49c1-b47d-974e53cbdf3c");
        assert_eq!(claims["authnmethodsreferences"], "pwd,mfa");
        assert!(claims
            .get("http://schemas_microsoft_com/identity/claims/objectidentifier")
            .is_some());
        assert!(
            claims.get("name").is_none(),
            "claims.name moved to claims_initiated_by_user.fullname"
        );
        // `properties` stays raw (flattened): requestbody is not decoded.
        assert!(field(&doc, "azure.activitylogs.properties.requestbody").is_string());
        assert!(field(&doc, "azure.activitylogs.properties.eventCategory").is_null());
        assert!(field(&doc, "azure.activitylogs.properties.service_request_id").is_string());
        // `category: Administrative` is not in the write/read/delete/action table.
        assert!(field(&doc, "event.type").is_null());
        assert!(
            field(&doc, "event.original").is_null(),
            "kept only with keep_original"
        );
        assert!(field(&doc, "azure.activitylogs.callerIpAddress").is_null());
        assert!(field(&doc, "azure.activitylogs.time").is_null());
    }

    /// The Painless duration script multiplies a JSON int (a Java `int`) by the
    /// int 1000000, so it wraps at 2^31, as Elastic's own Graph expected output
    /// shows (462680 ms → -1176467968); a string duration makes the script throw
    /// and is left as it is (`ignore_failure`).
    #[test]
    fn activity_duration_is_scaled_in_java_int_arithmetic() {
        let mut record = role_assignment_write();
        record["durationMs"] = json!(5000);
        let doc = run(activitylogs::normalize, &record, false);
        assert_eq!(field(&doc, "event.duration"), &json!(705_032_704));
        record["durationMs"] = json!("812");
        let doc = run(activitylogs::normalize, &record, false);
        assert_eq!(field(&doc, "event.duration"), &json!("812"));
    }

    /// `event.type` comes from the category (write/action → change, read →
    /// access, delete → deletion); `resultType` "Failure" becomes the outcome,
    /// lower-cased; a string `identity` moves to `identity_name`; a non-address
    /// caller becomes `source.address` only; `statusMessage` becomes `message`.
    #[test]
    fn activity_delete_with_string_identity_and_non_ip_caller() {
        let record = json!({
            "time": "2024-05-14T11:21:07+02:00",
            "resourceId": format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-old"),
            "operationName": "MICROSOFT.RESOURCES/SUBSCRIPTIONS/RESOURCEGROUPS/DELETE",
            "category": "Delete",
            "resultType": "Failure",
            "callerIpAddress": "internal-deployment-service",
            "identity": "deploy-bot@contoso.example",
            "properties": {"statusCode": "Conflict", "statusMessage": "{\"error\":{\"code\":\"ScopeLocked\"}}"}
        });
        let doc = run(activitylogs::normalize, &record, true);
        assert_eq!(
            field(&doc, "@timestamp"),
            "2024-05-14T09:21:07.000Z",
            "offset converted to UTC"
        );
        assert_eq!(field(&doc, "event.type"), &json!(["deletion"]));
        assert_eq!(field(&doc, "event.outcome"), "failure");
        assert_eq!(
            field(&doc, "azure.activitylogs.identity_name"),
            "deploy-bot@contoso.example"
        );
        assert!(field(&doc, "azure.activitylogs.identity").is_null());
        assert!(
            field(&doc, "user.name").is_null(),
            "a string identity is not split into user.*"
        );
        assert_eq!(field(&doc, "source.address"), "internal-deployment-service");
        assert!(field(&doc, "source.ip").is_null());
        assert!(field(&doc, "client.ip").is_null());
        assert!(field(&doc, "related.ip").is_null());
        assert_eq!(
            field(&doc, "message"),
            "{\"error\":{\"code\":\"ScopeLocked\"}}"
        );
        assert_eq!(field(&doc, "azure.subscription_id"), SUBSCRIPTION);
        assert_eq!(field(&doc, "azure.resource.group"), "rg-old");
        assert_eq!(field(&doc, "event.original"), &json!(record.to_string()));
    }

    /// A JSON-string `properties` is decoded; without `eventCategory` the
    /// category is `Policy` when `properties.policies` exists; with a
    /// non-success `resultType` the outcome comes from `properties.result`.
    #[test]
    fn activity_policy_with_string_properties() {
        let policies =
            "[{\"policyDefinitionName\":\"audit-storage-https\",\"policyDefinitionEffect\":\"audit\"}]";
        let properties =
            json!({"isComplianceCheck": "False", "policies": policies, "result": "failure"});
        let record = json!({
            "time": "2024-05-14T09:30:00Z",
            "resourceId": format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-prod/providers/Microsoft.Storage/storageAccounts/stprod01"),
            "operationName": "MICROSOFT.AUTHORIZATION/POLICIES/AUDIT/ACTION",
            "category": "Policy",
            "resultType": "Start",
            "properties": properties.to_string()
        });
        let doc = run(activitylogs::normalize, &record, false);
        assert_eq!(field(&doc, "azure.activitylogs.event_category"), "Policy");
        assert_eq!(
            field(&doc, "azure.activitylogs.properties.policies"),
            policies
        );
        assert_eq!(field(&doc, "event.outcome"), "failure");
        assert_eq!(
            field(&doc, "azure.resource.provider"),
            "Microsoft.Storage/storageAccounts"
        );
        assert_eq!(field(&doc, "azure.resource.name"), "stprod01");
    }

    /// Pipeline failures keep the record: a non-string category makes the
    /// event.type script (no failure handling) throw; a non-object `properties`
    /// makes the `properties?.result` condition throw when no outcome was found
    /// yet; a rename onto an existing key fails. `event.original` is kept even
    /// without `keep_original`, and what was written before the failure stays.
    #[test]
    fn activity_pipeline_failures() {
        let mut record = role_assignment_write();
        record["category"] = json!(7);
        let doc = run(activitylogs::normalize, &record, false);
        assert_eq!(field(&doc, "event.kind"), "pipeline_error");
        assert_eq!(
            field(&doc, "error.message"),
            &json!(["Processor \"script\" with tag \"\" in pipeline \"logs-azure.activitylogs\" failed with message \"runtime error\""])
        );
        assert_eq!(field(&doc, "event.original"), &json!(record.to_string()));
        assert_eq!(field(&doc, "@timestamp"), "2024-05-14T09:21:07.123Z");
        assert_eq!(
            field(
                &doc,
                "azure.activitylogs.identity.claims_initiated_by_user.fullname"
            ),
            "Alex Wilber"
        );
        assert!(
            field(&doc, "user.name").is_null(),
            "written after the failing step"
        );
        assert!(
            field(&doc, "cloud.provider").is_null(),
            "the shared sub-pipeline never ran"
        );
        assert_eq!(field(&doc, "data_stream.dataset"), "azure.activitylogs");

        let mut record = role_assignment_write();
        record["resultType"] = json!("Start");
        record["properties"] = json!("not json");
        let doc = run(activitylogs::normalize, &record, false);
        assert_eq!(field(&doc, "event.kind"), "pipeline_error");
        assert_eq!(
            field(&doc, "error.message"),
            &json!(["Processor \"convert\" with tag \"\" in pipeline \"logs-azure.activitylogs\" failed with message \"runtime error\""])
        );

        record["resultType"] = json!("Success");
        let doc = run(activitylogs::normalize, &record, false);
        assert_eq!(
            field(&doc, "event.kind"),
            "event",
            "the condition short-circuits once an outcome exists"
        );
        assert_eq!(field(&doc, "azure.activitylogs.properties"), "not json");
        assert!(
            field(&doc, "azure.activitylogs.event_category").is_null(),
            "the category script throws, ignored"
        );

        let mut record = role_assignment_write();
        record["result_type"] = json!("already here");
        let doc = run(activitylogs::normalize, &record, false);
        assert_eq!(
            field(&doc, "error.message"),
            &json!(["Processor \"rename\" with tag \"\" in pipeline \"logs-azure.activitylogs\" failed with message \"field [azure.activitylogs.result_type] already exists\""])
        );
    }

    /// The pipelines delete the literal `"":"",` from the raw text first, so the
    /// empty key never reaches the document and `event.original` lacks it too.
    #[test]
    fn activity_empty_field_pair_is_removed_from_the_text() {
        let text = format!(
            r#"{{"":"","time":"2024-05-14T09:21:07Z","category":"Administrative","operationName":"MICROSOFT.COMPUTE/VIRTUALMACHINES/START/ACTION","resultType":"Success","resourceId":"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/vm-web-01"}}"#
        );
        let doc = activitylogs::normalize(&object(&text), &text, true);
        assert!(field(&doc, "azure.activitylogs").get("").is_none());
        assert_eq!(
            field(&doc, "event.original"),
            &json!(text.replacen(r#""":"","#, "", 1))
        );
        assert_eq!(
            field(&doc, "azure.resource.provider"),
            "Microsoft.Compute/virtualMachines"
        );
        assert_eq!(field(&doc, "azure.resource.name"), "vm-web-01");
        assert_eq!(field(&doc, "event.outcome"), "success");
    }

    /// A record whose time the date processor cannot parse keeps going without
    /// `@timestamp` (that processor ignores failures); a UPN-less claim name
    /// becomes `user.name` whole, without `user.email`.
    #[test]
    fn activity_unparseable_time_and_plain_claim_name() {
        let mut record = role_assignment_write();
        record["time"] = json!("14/05/2024 09:21");
        record["identity"]["claims"]
            ["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"] =
            json!("Automation Account");
        let doc = run(activitylogs::normalize, &record, false);
        assert!(field(&doc, "@timestamp").is_null());
        assert_eq!(field(&doc, "event.kind"), "event");
        assert_eq!(field(&doc, "user.name"), "Automation Account");
        assert!(field(&doc, "user.email").is_null());
        assert_eq!(field(&doc, "related.user"), &json!(["Automation Account"]));
    }

    fn kube_audit_event() -> Value {
        json!({
            "kind": "Event",
            "apiVersion": "audit.k8s.io/v1",
            "level": "RequestResponse",
            "auditID": "4f1d2c3b-5a6e-4d7c-8b9a-0e1f2a3b4c5d",
            "stage": "ResponseComplete",
            "requestURI": "/api/v1/namespaces/kube-system/pods/coredns-6f7d9c8b5-x2k4p/exec?command=sh&container=coredns&stdin=true&stdout=true&tty=true",
            "verb": "create",
            "user": {"username": "alex.wilber@contoso.example", "groups": ["system:authenticated", "aks-admins"]},
            "sourceIPs": ["203.0.113.25"],
            "userAgent": "kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819",
            "objectRef": {"resource": "pods", "namespace": "kube-system", "name": "coredns-6f7d9c8b5-x2k4p", "apiVersion": "v1", "subresource": "exec"},
            "responseStatus": {"metadata": {}, "code": 101},
            "requestReceivedTimestamp": "2024-05-14T09:21:07.100000Z",
            "stageTimestamp": "2024-05-14T09:21:07.180000Z",
            "annotations": {"authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": ""}
        })
    }

    fn kube_audit_record(log: String) -> Value {
        json!({
            "operationName": "Microsoft.ContainerService/managedClusters/diagnosticLogs/Read",
            "category": "kube-audit",
            "ccpNamespace": "65f1a2b3c4d5e6f7a8b9c0d1",
            "resourceId": format!("/SUBSCRIPTIONS/{SUBSCRIPTION}/RESOURCEGROUPS/RG-AKS/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/AKS-PROD"),
            "properties": {"log": log, "stream": "stdout", "pod": "kube-apiserver-7c9d8f6b5-abcde", "containerID": "0123456789abcdef"},
            "time": "2024-05-14T09:21:07.1800000Z",
            "Cloud": "AzureCloud",
            "Environment": "prod",
            "UnderlayClass": "hcp-underlay",
            "UnderlayName": "hcp-underlay-westeurope-cx-101"
        })
    }

    /// AKS `kube-audit`: `properties.log` (a Kubernetes audit.k8s.io/v1 Event as
    /// a JSON string) is decoded in place with its camelCase keys, which the AKS
    /// rules query; nothing from it becomes `user.*` or `source.ip`.
    #[test]
    fn platform_kube_audit_event_is_decoded_in_place() {
        let record = kube_audit_record(kube_audit_event().to_string());
        let doc = run(platformlogs::normalize, &record, false);
        let log = "azure.platformlogs.properties.log";
        let expected = [
            ("@timestamp", json!("2024-05-14T09:21:07.180Z")),
            (
                "event.action",
                json!("Microsoft.ContainerService/managedClusters/diagnosticLogs/Read"),
            ),
            ("event.kind", json!("event")),
            ("event.dataset", json!("azure.platformlogs")),
            ("data_stream.dataset", json!("azure.platformlogs")),
            ("azure.platformlogs.category", json!("kube-audit")),
            ("azure.platformlogs.event_category", json!("Administrative")),
            ("azure.platformlogs.Environment", json!("prod")),
            (
                "azure.resource.provider",
                json!("MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS"),
            ),
            ("azure.resource.name", json!("AKS-PROD")),
            ("azure.resource.group", json!("RG-AKS")),
            ("azure.subscription_id", json!(SUBSCRIPTION)),
            (
                "azure.platformlogs.properties.pod",
                json!("kube-apiserver-7c9d8f6b5-abcde"),
            ),
        ];
        for (path, value) in expected {
            assert_eq!(field(&doc, path), &value, "{path}");
        }
        let audit = field(&doc, log);
        assert_eq!(audit["verb"], "create");
        assert_eq!(audit["stage"], "ResponseComplete");
        assert_eq!(audit["user"]["username"], "alex.wilber@contoso.example");
        assert_eq!(
            audit["user"]["groups"],
            json!(["system:authenticated", "aks-admins"])
        );
        assert_eq!(audit["sourceIPs"], json!(["203.0.113.25"]));
        assert_eq!(audit["objectRef"]["subresource"], "exec");
        assert_eq!(audit["responseStatus"]["code"], 101);
        assert_eq!(
            audit["annotations"]["authorization.k8s.io/decision"],
            "allow"
        );
        for absent in [
            "event.type",
            "event.outcome",
            "user.name",
            "source.ip",
            "message",
            "event.duration",
        ] {
            assert!(field(&doc, absent).is_null(), "{absent}");
        }
    }

    /// A `properties.log` that is not JSON (kube-apiserver's klog lines) moves
    /// to `message`.
    #[test]
    fn platform_plain_text_log_moves_to_message() {
        let line =
            "I0514 09:21:07.180123       1 trace.go:236] Trace[1]: \"List\" url:/api/v1/pods";
        let mut record = kube_audit_record(line.to_string());
        record["category"] = json!("kube-apiserver");
        let doc = run(platformlogs::normalize, &record, false);
        assert_eq!(field(&doc, "message"), line);
        assert!(field(&doc, "azure.platformlogs.properties.log").is_null());
        assert_eq!(
            field(&doc, "azure.platformlogs.properties.stream"),
            "stdout"
        );
    }

    /// Key Vault `AuditEvent`: outcome from `resultType`, a string `durationMs`
    /// converted to int and scaled, `resultDescription` renamed, caller IP to
    /// `source.ip`; a numeric `durationMs` is removed without becoming
    /// `event.duration` (the convert only runs on strings, the removal always).
    #[test]
    fn platform_key_vault_audit_event() {
        let mut record = json!({
            "time": "2024-05-14T09:25:41.5500000Z",
            "category": "AuditEvent",
            "operationName": "SecretGet",
            "operationVersion": "7.4",
            "resultType": "Success",
            "resultSignature": "OK",
            "resultDescription": "",
            "durationMs": "12",
            "callerIpAddress": "198.51.100.7",
            "correlationId": "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
            "identity": {"claim": {"oid": "6a7b8c9d-0e1f-2a3b-4c5d-6e7f8a9b0c1d", "upn": "alex.wilber@contoso.example"}},
            "properties": {"id": "https://kv-prod.vault.azure.net/secrets/db-password", "httpStatusCode": 200, "isAccessPolicyMatch": true},
            "resourceId": format!("/SUBSCRIPTIONS/{SUBSCRIPTION}/RESOURCEGROUPS/RG-PROD/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/KV-PROD"),
            "location": "westeurope"
        });
        let doc = run(platformlogs::normalize, &record, false);
        assert_eq!(field(&doc, "event.outcome"), "success");
        assert_eq!(field(&doc, "event.duration"), &json!(12_000_000));
        assert_eq!(field(&doc, "event.action"), "SecretGet");
        assert_eq!(field(&doc, "azure.platformlogs.result_type"), "Success");
        assert_eq!(field(&doc, "azure.platformlogs.result_description"), "");
        assert_eq!(
            field(&doc, "azure.platformlogs.identity.claim.upn"),
            "alex.wilber@contoso.example"
        );
        assert_eq!(field(&doc, "source.ip"), "198.51.100.7");
        assert_eq!(field(&doc, "related.ip"), &json!(["198.51.100.7"]));
        assert_eq!(field(&doc, "geo.name"), "westeurope");
        assert_eq!(
            field(&doc, "azure.resource.provider"),
            "MICROSOFT.KEYVAULT/VAULTS"
        );
        assert_eq!(field(&doc, "azure.resource.name"), "KV-PROD");
        assert!(field(&doc, "azure.platformlogs.durationMs").is_null());

        record["durationMs"] = json!(12);
        let doc = run(platformlogs::normalize, &record, false);
        assert!(field(&doc, "event.duration").is_null());
        assert!(field(&doc, "azure.platformlogs.durationMs").is_null());
    }

    /// `Status` is the last outcome source and is copied as written, but the
    /// shared sub-pipeline lower-cases `event.outcome`, so "Succeeded" is
    /// indexed as "succeeded". `EventTimeString` (US form) sets `@timestamp`,
    /// an `EventProperties` JSON string becomes `properties`, `Region` becomes
    /// `cloud.region`.
    #[test]
    fn platform_status_event_time_string_and_event_properties() {
        let record = json!({
            "EventTimeString": "5/14/2024 9:21:07 AM +00:00",
            "category": "ApplicationMetricsLogs",
            "operationName": "Microsoft.EventHub/Namespaces/ApplicationMetrics",
            "Status": "Succeeded",
            "Region": "westeurope",
            "EventProperties": "{\"consumerGroup\":\"$Default\",\"count\":42}",
            "resourceId": format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-prod/providers/Microsoft.EventHub/namespaces/evhns-prod")
        });
        let doc = run(platformlogs::normalize, &record, false);
        assert_eq!(field(&doc, "@timestamp"), "2024-05-14T09:21:07.000Z");
        assert_eq!(field(&doc, "event.outcome"), "succeeded");
        assert_eq!(field(&doc, "azure.platformlogs.status"), "Succeeded");
        assert_eq!(field(&doc, "cloud.region"), "westeurope");
        assert_eq!(field(&doc, "azure.platformlogs.properties.count"), 42);
        assert!(field(&doc, "azure.platformlogs.EventProperties").is_null());
        assert_eq!(
            field(&doc, "azure.resource.provider"),
            "Microsoft.EventHub/namespaces"
        );
    }

    /// Platform-pipeline failures: a non-object `properties` makes the
    /// `properties?.log` condition throw; a string `durationMs` that is not a
    /// Java int fails the `convert` processor.
    #[test]
    fn platform_pipeline_failures() {
        let mut record = kube_audit_record(String::new());
        record["properties"] = json!("plain text properties");
        let doc = run(platformlogs::normalize, &record, false);
        assert_eq!(field(&doc, "event.kind"), "pipeline_error");
        assert_eq!(
            field(&doc, "error.message"),
            &json!(["Processor \"rename\" with tag \"\" in pipeline \"logs-azure.platformlogs\" failed with message \"runtime error\""])
        );
        assert_eq!(field(&doc, "event.original"), &json!(record.to_string()));
        assert_eq!(field(&doc, "@timestamp"), "2024-05-14T09:21:07.180Z");

        let mut record = kube_audit_record(kube_audit_event().to_string());
        record["durationMs"] = json!("12.5");
        let doc = run(platformlogs::normalize, &record, false);
        assert_eq!(
            field(&doc, "error.message"),
            &json!(["Processor \"convert\" with tag \"\" in pipeline \"logs-azure.platformlogs\" failed with message \"unable to convert [12.5] to integer\""])
        );
    }

    /// When the JSON text does not parse after the `"":"",` clean-up, the
    /// platform pipeline's `json` processor salvages `resourceId`, `category`
    /// and `time` by pattern, records the error and keeps the original (here the
    /// caller's text is truncated while its parsed record is complete).
    #[test]
    fn platform_unparseable_text_is_salvaged() {
        let record = kube_audit_record(kube_audit_event().to_string());
        let text = format!(
            r#"{{"":"","category":"kube-audit","time":"2024-05-14T09:21:07.1800000Z","resourceId":"/SUBSCRIPTIONS/{SUBSCRIPTION}/RESOURCEGROUPS/RG-AKS/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/AKS-PROD","properties":{{"log":"{{\"kind\":"#
        );
        let Value::Object(map) = &record else {
            unreachable!()
        };
        let doc = platformlogs::normalize(map, &text, false);
        assert_eq!(
            field(&doc, "error.message"),
            &json!(["Received invalid json from the Azure Cloud platform. Unable to parse the source log message"])
        );
        assert_eq!(field(&doc, "tags"), &json!(["preserve_original_event"]));
        assert!(field(&doc, "event.original").is_string());
        assert_eq!(field(&doc, "event.kind"), "event");
        assert_eq!(field(&doc, "azure.platformlogs.category"), "kube-audit");
        assert_eq!(field(&doc, "@timestamp"), "2024-05-14T09:21:07.180Z");
        assert_eq!(field(&doc, "azure.resource.name"), "AKS-PROD");
        assert!(field(&doc, "azure.platformlogs.properties").is_null());
    }

    fn graph_request() -> Value {
        json!({
            "time": "2024-05-14T09:21:07.6442361Z",
            "resourceId": format!("/TENANTS/{TENANT}/PROVIDERS/MICROSOFT.AADIAM"),
            "operationName": "Microsoft Graph Activity",
            "operationVersion": "v1.0",
            "category": "MicrosoftGraphActivityLogs",
            "resultSignature": "200",
            "durationMs": 1500,
            "callerIpAddress": "203.0.113.25",
            "correlationId": "8f9e0d1c-2b3a-4c5d-6e7f-8a9b0c1d2e3f",
            "Level": 4,
            "location": "West Europe",
            "tenantId": TENANT,
            "properties": {
                "timeGenerated": "2024-05-14T09:21:07.6442361Z",
                "location": "West Europe",
                "requestId": "8f9e0d1c-2b3a-4c5d-6e7f-8a9b0c1d2e3f",
                "operationId": "8f9e0d1c-2b3a-4c5d-6e7f-8a9b0c1d2e3f",
                "clientRequestId": "1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d",
                "apiVersion": "v1.0",
                "requestMethod": "GET",
                "responseStatusCode": 200,
                "tenantId": TENANT,
                "durationMs": 1500,
                "responseSizeBytes": 2048,
                "signInActivityId": "Y2l0eS1zaWduLWlu",
                "roles": "",
                "tokenIssuedAt": "2024-05-14T09:01:00Z",
                "appId": "14d82eec-204b-4c2f-b7e8-296a70dab67e",
                "userId": "6a7b8c9d-0e1f-2a3b-4c5d-6e7f8a9b0c1d",
                "servicePrincipalId": null,
                "scopes": "Directory.Read.All User.Read  Mail.Read ",
                "identityProvider": "https://sts.windows.net/99999999-8888-7777-6666-555555555555/",
                "clientAuthMethod": "0",
                "wids": "62e90394-69f5-4237-9190-012177145e10",
                "requestUri": "https://graph.microsoft.com/v1.0/users?$filter=startswith(displayName,%27adm%27)&$select=id",
                "ipAddress": "203.0.113.25",
                "userAgent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
                "atContent": "",
                "_IsBillable": "True",
                "_BilledSize": 1234
            }
        })
    }

    /// Graph: snake-cased keys, `http.*`, `url.*` (java.net.URI decodes the
    /// query), `user.id` copies, Java `String.split(" ")` (inner empty strings
    /// kept, then dropped with all empty values), `_IsBillable` →
    /// `is_billable` converted to boolean, `client_auth_method` to int.
    #[test]
    fn graph_user_request() {
        let doc = run(graphactivitylogs::normalize, &graph_request(), false);
        let properties = "azure.graphactivitylogs.properties";
        let expected = [
            ("@timestamp", json!("2024-05-14T09:21:07.644Z")),
            ("event.kind", json!("event")),
            ("event.type", json!(["access"])),
            ("event.action", json!("Microsoft Graph Activity")),
            ("event.duration", json!(1_500_000_000)),
            ("event.dataset", json!("azure.graphactivitylogs")),
            ("log.level", json!("4")),
            ("azure.tenant_id", json!(TENANT)),
            ("azure.correlation_id", json!("8f9e0d1c-2b3a-4c5d-6e7f-8a9b0c1d2e3f")),
            ("azure.resource.provider", json!("MICROSOFT.AADIAM")),
            ("azure.graphactivitylogs.operation_version", json!("v1.0")),
            ("cloud.account.id", json!(TENANT)),
            ("cloud.region", json!("West Europe")),
            ("cloud.service.name", json!("Microsoft Graph")),
            ("destination.geo.region_name", json!("West Europe")),
            ("http.request.id", json!("8f9e0d1c-2b3a-4c5d-6e7f-8a9b0c1d2e3f")),
            ("http.request.method", json!("GET")),
            ("http.response.status_code", json!(200)),
            ("http.response.bytes", json!(2048)),
            ("url.domain", json!("graph.microsoft.com")),
            ("url.path", json!("/v1.0/users")),
            ("url.query", json!("$filter=startswith(displayName,'adm')&$select=id")),
            ("url.scheme", json!("https")),
            ("user.id", json!("6a7b8c9d-0e1f-2a3b-4c5d-6e7f8a9b0c1d")),
            ("client.user.id", json!("6a7b8c9d-0e1f-2a3b-4c5d-6e7f8a9b0c1d")),
            ("related.user", json!(["6a7b8c9d-0e1f-2a3b-4c5d-6e7f8a9b0c1d"])),
            ("source.ip", json!("203.0.113.25")),
            ("user_agent.original", json!("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36")),
        ];
        for (path, value) in expected {
            assert_eq!(field(&doc, path), &value, "{path}");
        }
        let properties = field(&doc, properties);
        assert_eq!(
            properties["scopes"],
            json!(["Directory.Read.All", "User.Read", "Mail.Read"])
        );
        assert_eq!(
            properties["wids"],
            json!(["62e90394-69f5-4237-9190-012177145e10"])
        );
        assert_eq!(properties["token_issued_at"], "2024-05-14T09:01:00.000Z");
        assert_eq!(properties["time_generated"], "2024-05-14T09:21:07.644Z");
        assert_eq!(properties["sign_in_activity_id"], "Y2l0eS1zaWduLWlu");
        assert_eq!(properties["client_auth_method"], 0);
        assert_eq!(properties["is_billable"], true);
        assert_eq!(properties["billed_size"], 1234);
        for absent in [
            "roles",
            "at_content",
            "service_principal_id",
            "ip_address",
            "duration_ms",
            "location",
            "tenant_id",
            "request_uri",
            "user_agent",
            "_is_billable",
        ] {
            assert!(properties.get(absent).is_none(), "properties.{absent}");
        }
        assert!(field(&doc, "url.extension").is_null());
        assert!(field(&doc, "event.outcome").is_null());
    }

    /// Recoverable Graph processor errors are appended to `error.message` and
    /// turn `event.kind` into `pipeline_error` while processing goes on (and
    /// `event.original` is still removed without `keep_original`); an
    /// unparseable `time` fails the whole pipeline.
    #[test]
    fn graph_processor_errors() {
        let mut record = graph_request();
        record["properties"]["tokenIssuedAt"] = json!("yesterday");
        record["properties"]["requestUri"] =
            json!("https://graph.microsoft.com/v1.0/me/drive/root:/Reports/budget.xlsx");
        let doc = run(graphactivitylogs::normalize, &record, false);
        assert_eq!(field(&doc, "event.kind"), "pipeline_error");
        assert_eq!(
            field(&doc, "error.message"),
            &json!(["Processor date with tag date-token_issued_at in pipeline logs-azure.graphactivitylogs failed with message: unable to parse date [yesterday]"])
        );
        assert_eq!(
            field(&doc, "azure.graphactivitylogs.properties.token_issued_at"),
            "yesterday"
        );
        assert_eq!(field(&doc, "http.request.method"), "GET");
        assert_eq!(field(&doc, "url.extension"), "xlsx");
        assert!(field(&doc, "event.original").is_null());

        record["time"] = json!("yesterday");
        let doc = run(graphactivitylogs::normalize, &record, false);
        assert_eq!(field(&doc, "event.kind"), "pipeline_error");
        assert_eq!(
            field(&doc, "error.message"),
            &json!(["Processor date with tag date-time in pipeline logs-azure.graphactivitylogs failed with message: unable to parse date [yesterday]"])
        );
        assert_eq!(field(&doc, "event.original"), &json!(record.to_string()));
        assert!(
            field(&doc, "http.request.method").is_null(),
            "never reached"
        );
    }

    /// Without `callerIpAddress`, `properties.ipAddress` becomes `source.ip`;
    /// an app-only request has no `user.id`.
    #[test]
    fn graph_app_only_request_uses_properties_ip_address() {
        let mut record = graph_request();
        if let Some(map) = record.as_object_mut() {
            map.remove("callerIpAddress");
        }
        record["properties"]["userId"] = Value::Null;
        record["properties"]["servicePrincipalId"] = json!("2b3c4d5e-6f7a-8b9c-0d1e-2f3a4b5c6d7e");
        let doc = run(graphactivitylogs::normalize, &record, true);
        assert_eq!(field(&doc, "source.ip"), "203.0.113.25");
        assert_eq!(field(&doc, "client.ip"), "203.0.113.25");
        assert!(field(&doc, "azure.graphactivitylogs.properties.ip_address").is_null());
        assert!(field(&doc, "user.id").is_null());
        assert!(field(&doc, "related.user").is_null());
        assert_eq!(
            field(
                &doc,
                "azure.graphactivitylogs.properties.service_principal_id"
            ),
            "2b3c4d5e-6f7a-8b9c-0d1e-2f3a4b5c6d7e"
        );
        assert_eq!(field(&doc, "event.original"), &json!(record.to_string()));
    }
}

/// `ingest` itself: the input shapes it recognises and the kinds it is told.
mod inputs {
    use super::*;
    use kql_detect::engine::Engine;
    use kql_detect::time::Timestamp;

    const ADMIN: &str = "a1b2c3d4-0001-4a5b-8c9d-0e1f2a3b4c5d";
    const GUEST: &str = "c3d4e5f6-0003-4c7d-8e9f-000000000001";

    fn options(input: InputKind) -> IngestOptions {
        IngestOptions {
            input,
            keep_original: false,
        }
    }

    fn documents(value: Value, input: InputKind) -> Vec<Ingested> {
        ingest(value, None, options(input))
            .into_iter()
            .map(|result| result.unwrap_or_else(|error| panic!("{}", error.message)))
            .collect()
    }

    fn single(value: Value, input: InputKind) -> Ingested {
        let mut all = documents(value, input);
        assert_eq!(all.len(), 1, "one document");
        all.remove(0)
    }

    /// A Microsoft Graph `directoryAudit` item for a guest invitation, as
    /// `GET /auditLogs/directoryAudits` returns it.
    fn invite_item(display_name: &str) -> Value {
        json!({
            "id": "Directory_d4e5f6a7-0004-4d8e-9f0a-1b2c3d4e5f6a_ABCDE_123456789",
            "category": "UserManagement",
            "correlationId": "d4e5f6a7-0004-4d8e-9f0a-1b2c3d4e5f6a",
            "result": "success",
            "resultReason": "",
            "activityDisplayName": "Invite external user",
            "activityDateTime": "2026-11-27T10:00:00.1234567Z",
            "loggedByService": "Invited Users",
            "operationType": "Add",
            "initiatedBy": {
                "app": null,
                "user": {
                    "id": ADMIN,
                    "displayName": null,
                    "userPrincipalName": "alex.admin@contoso-example.onmicrosoft.com",
                    "ipAddress": "192.0.2.10",
                    "userType": null,
                    "homeTenantId": null,
                    "homeTenantName": null
                }
            },
            "targetResources": [{
                "id": GUEST,
                "displayName": display_name,
                "type": "User",
                "userPrincipalName": "jdoe_fabrikam.example#EXT#@contoso-example.onmicrosoft.com",
                "groupType": null,
                "modifiedProperties": []
            }],
            "additionalDetails": [
                {"key": "invitedUserEmailAddress", "value": "jdoe@fabrikam.example"}
            ]
        })
    }

    fn sign_in_record() -> Value {
        json!({
            "time": "2026-11-27T10:01:00.0000000Z",
            "resourceId": "/tenants/3f2a9c1e-7b4d-4e8a-9c6f-1d2e3f4a5b6c/providers/Microsoft.aadiam",
            "operationName": "Sign-in activity",
            "category": "SignInLogs",
            "callerIpAddress": "198.51.100.7",
            "properties": {"userPrincipalName": "jdoe@contoso.example", "status": {"errorCode": 0}}
        })
    }

    fn activity_record() -> Value {
        json!({
            "time": "2026-11-27T10:02:00Z",
            "resourceId": "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-prod",
            "operationName": "MICROSOFT.RESOURCES/SUBSCRIPTIONS/RESOURCEGROUPS/DELETE",
            "category": "Administrative",
            "resultType": "Success"
        })
    }

    fn audit_record() -> Value {
        json!({
            "time": "2026-11-27T10:03:00Z",
            "operationName": "Update user",
            "category": "AuditLogs",
            "properties": {"result": "success", "targetResources": []}
        })
    }

    fn dataset(ingested: &Ingested) -> &str {
        field(&ingested.document, "data_stream.dataset")
            .as_str()
            .unwrap_or_default()
    }

    #[test]
    fn records_envelope_with_mixed_categories_yields_one_document_per_record() {
        let kube = json!({"time": "2026-11-27T10:04:00Z", "category": "kube-audit", "properties": {"log": "{\"verb\":\"get\"}"}});
        let envelope = json!({"records": [audit_record(), sign_in_record(), activity_record(), kube, {"no": "category"}]});
        let results = ingest(envelope, None, options(InputKind::Auto));
        assert_eq!(results.len(), 5);
        let datasets: Vec<String> = results
            .iter()
            .take(4)
            .map(|result| {
                result
                    .as_ref()
                    .map(|ingested| dataset(ingested).to_string())
                    .unwrap_or_default()
            })
            .collect();
        assert_eq!(
            datasets,
            [
                "azure.auditlogs",
                "azure.signinlogs",
                "azure.activitylogs",
                "azure.platformlogs"
            ]
        );
        let Some(Err(error)) = results.last() else {
            panic!("a record without a category is reported, not dropped")
        };
        assert!(
            error
                .message
                .starts_with("records[4]: not a raw Azure record"),
            "{}",
            error.message
        );
        assert_eq!(error.kind, "not_azure");
    }

    #[test]
    fn a_single_raw_record_is_normalized_and_keeps_its_text_when_asked() {
        let record = sign_in_record();
        let text = record.to_string();
        let options = IngestOptions {
            input: InputKind::Auto,
            keep_original: true,
        };
        let results = ingest(record, Some(&format!("  {text}\n")), options);
        let [Ok(ingested)] = results.as_slice() else {
            panic!("one document: {results:?}")
        };
        assert_eq!(dataset(ingested), "azure.signinlogs");
        assert_eq!(field(&ingested.document, "user.name"), "jdoe");
        assert_eq!(field(&ingested.document, "event.original"), &json!(text));
        assert_eq!(ingested.identity, None);
    }

    fn assert_invite_document(document: &Value) {
        assert_eq!(
            field(document, "azure.auditlogs.operation_name"),
            "Invite external user"
        );
        assert_eq!(field(document, "event.action"), "Invite external user");
        assert_eq!(field(document, "event.outcome"), "success");
        assert_eq!(
            field(
                document,
                "azure.auditlogs.properties.target_resources.0.display_name"
            ),
            "guest"
        );
        assert_eq!(
            field(document, "azure.auditlogs.properties.target_resources.0.id"),
            GUEST
        );
        assert_eq!(field(document, "azure.auditlogs.category"), "AuditLogs");
        assert_eq!(
            field(document, "azure.auditlogs.properties.category"),
            "UserManagement"
        );
        assert_eq!(field(document, "@timestamp"), "2026-11-27T10:00:00.123Z");
        assert_eq!(
            field(document, "azure.correlation_id"),
            "d4e5f6a7-0004-4d8e-9f0a-1b2c3d4e5f6a"
        );
        assert_eq!(
            field(document, "user.name"),
            "alex.admin@contoso-example.onmicrosoft.com"
        );
        assert_eq!(field(document, "related.entity"), &json!([ADMIN, GUEST]));
        assert_eq!(field(document, "data_stream.dataset"), "azure.auditlogs");
        // A Graph item says nothing of the caller address or tenant: none is invented.
        assert!(get(document, "source").is_none() && get(document, "azure.tenant_id").is_none());
    }

    #[test]
    fn a_graph_directory_audit_item_is_the_audit_record_it_stands_for() {
        let ingested = single(invite_item("guest"), InputKind::Auto);
        assert_invite_document(&ingested.document);
        assert!(get(&ingested.document, "event.original").is_none());
    }

    #[test]
    fn a_graph_page_yields_its_items() {
        let page = json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits",
            "@odata.nextLink": "https://graph.microsoft.com/v1.0/auditLogs/directoryAudits?$skiptoken=abc",
            "value": [invite_item("guest"), invite_item("Jane Doe")]
        });
        let all = documents(page, InputKind::Auto);
        assert_eq!(all.len(), 2);
        assert_invite_document(&all[0].document);
        assert_eq!(
            field(
                &all[1].document,
                "azure.auditlogs.properties.target_resources.0.display_name"
            ),
            "Jane Doe"
        );
    }

    /// The built-in rule (Azure External Guest User Invitation) fires on the
    /// normalized Graph item whose invitee is literally named "guest", and
    /// on no other invitation: the clause is a case-sensitive keyword match.
    #[test]
    fn the_guest_invitation_rule_fires_on_a_normalized_graph_invite() {
        let engine = Engine::builtin();
        let now = Timestamp::parse_rfc3339("2026-11-27T10:05:00Z").expect("a valid time");
        let alerts = |display_name: &str| {
            let ingested = single(invite_item(display_name), InputKind::Auto);
            engine
                .evaluate(&ingested.document, now)
                .map(|alerts| alerts.len())
        };
        assert_eq!(alerts("guest").ok(), Some(1));
        assert_eq!(alerts("Guest").ok(), Some(0));
    }

    #[test]
    fn a_filebeat_document_is_normalized_from_its_message() {
        let raw = audit_record().to_string();
        let filebeat = json!({
            "@timestamp": "2026-11-27T10:03:05.000Z",
            "message": raw,
            "agent": {"type": "filebeat", "version": "8.15.0"},
            "input": {"type": "azure-eventhub"},
            "azure": {"eventhub": "insights-logs-auditlogs", "consumer_group": "$Default"}
        });
        let ingested = single(filebeat, InputKind::Auto);
        let document = &ingested.document;
        assert_eq!(field(document, "data_stream.dataset"), "azure.auditlogs");
        assert_eq!(
            field(document, "azure.auditlogs.operation_name"),
            "Update user"
        );
        assert_eq!(field(document, "@timestamp"), "2026-11-27T10:03:00.000Z");
        assert_eq!(field(document, "agent.type"), "filebeat");
        assert_eq!(field(document, "input.type"), "azure-eventhub");
        assert!(get(document, "message").is_none());
    }

    #[test]
    fn an_ecs_document_passes_through_unchanged() {
        let ecs = json!({
            "@timestamp": "2026-11-27T10:00:00.000Z",
            "event": {"dataset": "azure.auditlogs", "outcome": "success"},
            "azure.auditlogs": {"operation_name": "Invite external user"}
        });
        assert_eq!(single(ecs.clone(), InputKind::Auto).document, ecs);
        assert_eq!(single(ecs.clone(), InputKind::Ecs).document, ecs);
    }

    #[test]
    fn ecs_input_never_normalizes() {
        for raw in [
            audit_record(),
            invite_item("guest"),
            json!({"records": [audit_record()]}),
        ] {
            assert_eq!(single(raw.clone(), InputKind::Ecs).document, raw);
        }
    }

    #[test]
    fn azure_input_rejects_what_is_no_azure_record() {
        let ecs =
            json!({"@timestamp": "2026-11-27T10:00:00.000Z", "event": {"outcome": "success"}});
        let results = ingest(ecs, None, options(InputKind::Azure));
        let [Err(error)] = results.as_slice() else {
            panic!("one error: {results:?}")
        };
        assert_eq!(error.kind, "not_azure");
        assert!(error.message.contains("no `category`"), "{}", error.message);
        let results = ingest(json!([1, 2]), None, options(InputKind::Azure));
        assert!(matches!(results.as_slice(), [Err(error)] if error.kind == "not_an_object"));
    }

    #[test]
    fn azure_input_normalizes_records_auto_would_not_recognise() {
        // Only a category and a field outside Azure Monitor's common schema.
        let bare = json!({"category": "AuditLogs", "Level": 4});
        assert_eq!(single(bare.clone(), InputKind::Auto).document, bare);
        let ingested = single(bare, InputKind::Azure);
        assert_eq!(field(&ingested.document, "azure.auditlogs.level"), 4);
    }

    fn hit(index: &str, id: &str, source: Value) -> Value {
        json!({"_index": index, "_id": id, "_score": 1.0, "_source": source})
    }

    #[test]
    fn a_search_hit_keeps_its_identity() {
        let source = json!({"event": {"dataset": "azure.signinlogs"}, "user": {"name": "jdoe"}});
        let index = ".ds-logs-azure.signinlogs-default-2026.11.27-000001";
        let ingested = single(hit(index, "a1", source.clone()), InputKind::Auto);
        assert_eq!(ingested.document, source);
        assert_eq!(
            ingested.identity,
            Some(Identity {
                index: index.to_string(),
                id: "a1".to_string()
            })
        );
    }

    #[test]
    fn a_search_response_yields_every_hit_with_its_identity() {
        let response = json!({
            "took": 3,
            "timed_out": false,
            "hits": {
                "total": {"value": 2, "relation": "eq"},
                "hits": [
                    hit("logs-a", "1", json!({"event": {"action": "one"}})),
                    hit("logs-b", "2", json!({"event": {"action": "two"}}))
                ]
            }
        });
        let all = documents(response, InputKind::Auto);
        let seen: Vec<(String, String, Value)> = all
            .into_iter()
            .map(|ingested| {
                let identity = ingested.identity.expect("an identity");
                (
                    identity.index,
                    identity.id,
                    field(&ingested.document, "event.action").clone(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("logs-a".to_string(), "1".to_string(), json!("one")),
                ("logs-b".to_string(), "2".to_string(), json!("two"))
            ]
        );
    }

    /// Records are routed as the integration routes them, `category` first,
    /// then `Category`, then `CategoryValue`.
    #[test]
    fn categories_route_to_the_integration_data_streams() {
        let cases = [
            ("category", json!("AuditLogs"), "azure.auditlogs"),
            ("category", json!("SignInLogs"), "azure.signinlogs"),
            (
                "category",
                json!("NonInteractiveUserSignInLogs"),
                "azure.signinlogs",
            ),
            (
                "category",
                json!("ServicePrincipalSignInLogs"),
                "azure.signinlogs",
            ),
            (
                "category",
                json!("MicrosoftServicePrincipalSignInLogs"),
                "azure.signinlogs",
            ),
            (
                "category",
                json!("ManagedIdentitySignInLogs"),
                "azure.signinlogs",
            ),
            ("category", json!("ADFSSignInLogs"), "azure.platformlogs"),
            ("category", json!("RiskyUsers"), "azure.identity_protection"),
            (
                "category",
                json!("UserRiskEvents"),
                "azure.identity_protection",
            ),
            (
                "category",
                json!("MicrosoftGraphActivityLogs"),
                "azure.graphactivitylogs",
            ),
            ("category", json!("Administrative"), "azure.activitylogs"),
            ("category", json!("Security"), "azure.activitylogs"),
            ("category", json!("ServiceHealth"), "azure.activitylogs"),
            ("category", json!("Alert"), "azure.activitylogs"),
            ("category", json!("Recommendation"), "azure.activitylogs"),
            ("category", json!("Policy"), "azure.activitylogs"),
            ("category", json!("Autoscale"), "azure.activitylogs"),
            ("category", json!("ResourceHealth"), "azure.activitylogs"),
            ("category", json!("administrative"), "azure.platformlogs"),
            ("category", json!("kube-audit"), "azure.platformlogs"),
            ("category", json!(7), "azure.platformlogs"),
            ("Category", json!("AuditEvent"), "azure.platformlogs"),
            ("Category", json!("SignInLogs"), "azure.signinlogs"),
            (
                "CategoryValue",
                json!("Administrative"),
                "azure.activitylogs",
            ),
        ];
        for (key, category, want) in cases {
            let mut record = json!({"time": "2026-11-27T10:00:00Z", "properties": {}});
            record[key] = category.clone();
            let ingested = single(record, InputKind::Auto);
            assert_eq!(dataset(&ingested), want, "{key}: {category}");
        }
        let both = json!({"time": "2026-11-27T10:00:00Z", "category": "AuditLogs", "Category": "SignInLogs"});
        assert_eq!(dataset(&single(both, InputKind::Auto)), "azure.auditlogs");
    }

    #[test]
    fn shapes_are_named_as_ingest_reads_them() {
        let wrapper = json!({"message": audit_record().to_string(), "agent": {"type": "filebeat"}});
        let hit = json!({"_index": "logs-azure.auditlogs-default", "_id": "1", "_source": {}});
        let cases = [
            (json!([]), InputKind::Auto, "not_an_object"),
            (
                json!({"hits": {"hits": [hit.clone()]}}),
                InputKind::Auto,
                "search_response",
            ),
            (hit, InputKind::Auto, "search_hit"),
            (
                json!({"records": [audit_record()]}),
                InputKind::Auto,
                "azure_records",
            ),
            (
                json!({"@odata.context": "x", "value": []}),
                InputKind::Auto,
                "graph_page",
            ),
            (wrapper, InputKind::Auto, "wrapped_record"),
            (sign_in_record(), InputKind::Auto, "azure_record"),
            (invite_item("guest"), InputKind::Auto, "graph_item"),
            (json!({"event": {"dataset": "x"}}), InputKind::Auto, "ecs"),
            (
                json!({"event": {"dataset": "x"}}),
                InputKind::Azure,
                "azure_record",
            ),
            (sign_in_record(), InputKind::Ecs, "ecs"),
        ];
        for (value, input, name) in cases {
            assert_eq!(shape(&value, options(input)).name(), name, "{value}");
        }
    }
}

/// Input built to hurt: every stream must return a document (possibly a
/// pipeline error) quickly and never panic, whatever a record holds.
mod hostile {
    use super::*;

    const ODD_VALUES: [&str; 12] = [
        "null",
        "true",
        "-7",
        "1.5e300",
        "1e400",
        "123456789012345678901234567890",
        "\"not a date\"",
        "[null, 1, \"a\", {\"kEy\": 1}]",
        "{\"nestedKey\": {\"deeperKey\": [1, {\"cD\": 2}]}}",
        "\"8/22/2022 13:07:16 PM\"",
        "\"2024-02-30T00:00:00Z\"",
        "\"\"",
    ];

    const TOP_LEVEL_KEYS: [&str; 12] = [
        "time",
        "properties",
        "durationMs",
        "Level",
        "level",
        "resourceId",
        "callerIpAddress",
        "location",
        "identity",
        "operationName",
        "resultType",
        "category",
    ];

    const PROPERTY_KEYS: [&str; 16] = [
        "status",
        "userPrincipalName",
        "userAgent",
        "authenticationProcessingDetails",
        "location",
        "userId",
        "ipAddress",
        "additionalInfo",
        "activityDateTime",
        "targetResources",
        "initiatedBy",
        "result",
        "log",
        "requestUri",
        "roles",
        "responseBody",
    ];

    #[test]
    fn odd_values_anywhere_never_panic() {
        let base = json!({"time": "2024-05-02T11:20:31Z", "category": "SignInLogs", "properties": {"status": {"errorCode": 0}}});
        for (_, _, normalize) in STREAMS {
            for odd in ODD_VALUES {
                let value: Value = serde_json::from_str(odd).expect("valid JSON");
                for key in TOP_LEVEL_KEYS {
                    let mut record = base.clone();
                    record[key] = value.clone();
                    assert!(run(normalize, &record, false).is_object(), "{key}: {odd}");
                }
                for key in PROPERTY_KEYS {
                    let mut record = base.clone();
                    record["properties"][key] = value.clone();
                    assert!(
                        run(normalize, &record, false).is_object(),
                        "properties.{key}: {odd}"
                    );
                }
            }
        }
    }

    /// A resource id built to make the grok expressions backtrack: the work
    /// budget ends the search, as Elasticsearch's grok watchdog would.
    #[test]
    fn crafted_resource_ids_return_quickly() {
        let crafted = [
            format!(
                "/SUBSCRIPTIONS/3F041B6D-FC31-41D8-8FF6-E5F16E6747FF/RESOURCEGROUPS/{}",
                "/PROVIDERS/a/NAMESPACES/".repeat(2_000)
            ),
            format!(
                "/subscriptions/3f041b6d-fc31-41d8-8ff6-e5f16e6747ff/resourceGroups/{}x",
                "/providers/Ab.Cd/Ef/".repeat(2_000)
            ),
            "/tenants/00000000-0000-0000-0000-00000000000".repeat(2_000),
            "/SUBSCRIPTIONS/".repeat(5_000),
        ];
        for resource_id in crafted {
            for (_, _, normalize) in STREAMS {
                let record = json!({"time": "2024-05-02T11:20:31Z", "category": "x", "resourceId": resource_id, "properties": {}});
                let started = Instant::now();
                let doc = run(normalize, &record, false);
                assert!(doc.is_object());
                assert!(
                    started.elapsed() < Duration::from_secs(5),
                    "took {:?}",
                    started.elapsed()
                );
            }
        }
    }

    #[test]
    fn deeply_nested_and_huge_records_return_quickly() {
        let mut deep = json!("bottom");
        for depth in 0..120 {
            deep = if depth % 2 == 0 {
                json!([deep])
            } else {
                json!({"nestedKey": deep})
            };
        }
        let huge = "x".repeat(1_000_000);
        let records = [
            json!({"time": "2024-05-02T11:20:31Z", "category": "AuditLogs", "properties": {"targetResources": [deep.clone()], "initiatedBy": deep.clone()}}),
            json!({"time": huge.clone(), "category": huge.clone(), "resourceId": huge.clone(), "callerIpAddress": huge.clone(), "properties": {"userPrincipalName": format!("{huge}@{huge}"), "log": huge.clone()}}),
            json!({"time": "2024-05-02T11:20:31Z", "category": "SignInLogs", "properties": deep}),
        ];
        for record in records {
            for (_, _, normalize) in STREAMS {
                let started = Instant::now();
                assert!(run(normalize, &record, false).is_object());
                assert!(
                    started.elapsed() < Duration::from_secs(5),
                    "took {:?}",
                    started.elapsed()
                );
            }
            let results = ingest(record, None, IngestOptions::default());
            assert_eq!(results.len(), 1);
        }
    }

    #[test]
    fn hostile_envelopes_are_reported_item_by_item() {
        let envelope = json!({"records": [1, "two", null, [], {"category": null}, {"time": "x", "category": "AuditLogs"}]});
        let results = ingest(envelope, None, IngestOptions::default());
        assert_eq!(results.len(), 6);
        assert!(results.iter().take(5).all(Result::is_err));
        assert!(results.last().is_some_and(Result::is_ok));
        let text = format!(
            "{{\"message\": {}}}",
            json!(format!(
                "{{\"category\":\"AuditLogs\",\"time\":{}}}",
                "[".repeat(100)
            ))
        );
        let wrapper: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(
            ingest(wrapper.clone(), None, IngestOptions::default()).len(),
            1
        );
    }
}
