//! Builds the alert document Elastic Security would write for a match.
//!
//! As Kibana does (`transform_hit_to_alert.ts`, `build_alert.ts`), an alert is
//! the source event minus what would clash with the alert (`kibana.*`,
//! `signal.*`, `threshold_result`, its own `event.kind`), plus `event.kind:
//! signal` and the `kibana.alert.*` fields: where and when it came from, the
//! rule's severity and risk (after the event's overrides), Kibana's reason
//! sentence, and a snapshot of the rule. Kibana writes the alert fields as
//! dotted keys; kql-detect writes every field as nested objects (dotted keys of
//! the source are expanded too), which Elasticsearch indexes identically and
//! JavaScript reads naturally (`alert.kibana.alert.rule.name`).
//!
//! Not reproduced: Kibana's removal of source values that contradict the ECS
//! mapping (kql-detect keeps the source as it is), `kibana.version` (we are
//! not a Kibana), `kibana.alert.url` (needs Kibana's public URL) and
//! entity-analytics enrichment.

mod overrides;
pub mod reason;

use serde_json::{json, Map, Value};

use crate::date::{self, Resolution};
use crate::event::{Event, JsonEvent, Scalar};
use crate::ids::{self, SourceIdentity};
use crate::rule::Rule;
use crate::time::Timestamp;

pub use overrides::{lodash_get, overrides, Overrides};

/// What an alert needs besides the event and the rule.
#[derive(Clone, Copy, Debug)]
pub struct AlertContext<'a> {
    /// When the alert is created (the rule execution's time).
    pub now: Timestamp,
    /// Where the event is stored: its index and document id.
    pub source: &'a SourceIdentity,
    /// The Kibana space the alert belongs to.
    pub space_id: &'a str,
}

/// Top-level source fields Kibana removes before adding the alert's own.
const FIELDS_REPLACED_BY_THE_ALERT: [&str; 3] = ["kibana", "signal", "threshold_result"];

/// What every alert of one rule records about the rule, worked out once per
/// rule rather than per alert (writing the rule's parameters out is much of
/// an alert's cost): its saved-object id, and `kibana.alert.rule` but for the
/// two fields that differ from alert to alert, `name` (an event may override
/// it) and `execution` (it depends on the time).
#[derive(Clone, Debug)]
pub struct RuleSnapshot {
    uuid: String,
    fields: Map<String, Value>,
}

impl RuleSnapshot {
    /// The snapshot of `rule`, which every alert of `rule` then shares.
    pub fn new(rule: &Rule) -> RuleSnapshot {
        let uuid = rule.uuid();
        let fields = match rule_snapshot(rule, &uuid) {
            Value::Object(fields) => fields,
            _ => Map::new(),
        };
        RuleSnapshot { uuid, fields }
    }

    /// The rule's saved-object id ([`Rule::uuid`]).
    pub fn uuid(&self) -> &str {
        &self.uuid
    }

    /// `kibana.alert.rule` of an alert named `name`, created at `now`.
    fn of_alert(&self, name: &str, now: Timestamp) -> Value {
        let mut fields = self.fields.clone();
        // Both keys exist already, so their places (and the key order) stay.
        put(&mut fields, "name", Value::String(name.to_string()));
        put(&mut fields, "execution", execution(&self.uuid, now));
        Value::Object(fields)
    }
}

/// The alert for `event` matched by `rule`, whose snapshot is `snapshot`.
pub fn build_alert(
    event: &Value,
    rule: &Rule,
    snapshot: &RuleSnapshot,
    context: &AlertContext<'_>,
) -> Value {
    build_alert_taking(event.clone(), rule, snapshot, context)
}

/// [`build_alert`] for an event the caller no longer needs: its fields move
/// into the alert rather than being copied (an event parsed only to be
/// alerted on was otherwise copied and dropped: a seventh of the time of
/// each alerting line of the mix, BENCHMARKS.md "Stop 24").
pub fn build_alert_taking(
    event: Value,
    rule: &Rule,
    snapshot: &RuleSnapshot,
    context: &AlertContext<'_>,
) -> Value {
    let overrides = overrides(rule, &event);
    // Read from the event as it came, before its fields move.
    let original_time = original_time(&event);
    let reason = reason::reason(
        &JsonEvent(&event),
        &overrides.rule_name,
        &overrides.severity,
    );
    let Value::Object(source) = event else {
        return expanded(event);
    };
    let mut fields = expanded_without_alert_fields(source);
    let original_event = fields
        .get("event")
        .filter(|value| value.is_object())
        .cloned();
    let original_data_stream = fields
        .get("data_stream")
        .filter(|value| value.is_object())
        .cloned();
    mark_as_signal(&mut fields);
    let now = Value::String(context.now.to_string());
    put(&mut fields, "@timestamp", now.clone());

    let mut alert_fields = Map::new();
    put(&mut alert_fields, "start", now.clone());
    put(&mut alert_fields, "last_detected", now.clone());
    put(
        &mut alert_fields,
        "uuid",
        Value::String(ids::alert_uuid(
            context.source,
            context.space_id,
            snapshot.uuid(),
        )),
    );
    put(
        &mut alert_fields,
        "ancestors",
        json!([{"id": context.source.id, "type": "event", "index": context.source.index, "depth": 0}]),
    );
    put(&mut alert_fields, "depth", json!(1));
    if let Some(original_time) = original_time {
        put(
            &mut alert_fields,
            "original_time",
            Value::String(original_time),
        );
    }
    if let Some(original_event) = original_event {
        put(&mut alert_fields, "original_event", original_event);
    }
    if let Some(original_data_stream) = original_data_stream {
        put(
            &mut alert_fields,
            "original_data_stream",
            original_data_stream,
        );
    }
    put(&mut alert_fields, "reason", Value::String(reason));
    put(&mut alert_fields, "severity", json!(overrides.severity));
    put(
        &mut alert_fields,
        "risk_score",
        overrides.risk_score.clone(),
    );
    put(&mut alert_fields, "status", json!("active"));
    put(&mut alert_fields, "workflow_status", json!("open"));
    put(&mut alert_fields, "workflow_tags", json!([]));
    put(&mut alert_fields, "workflow_assignee_ids", json!([]));
    if let Some(building_block_type) = &rule.building_block_type {
        put(
            &mut alert_fields,
            "building_block_type",
            json!(building_block_type),
        );
    }
    put(&mut alert_fields, "intended_timestamp", now);
    put(
        &mut alert_fields,
        "rule",
        snapshot.of_alert(&overrides.rule_name, context.now),
    );

    // Built by hand, not with `json!`, which would copy the alert fields
    // (the rule snapshot among them) by serialising them again.
    let mut kibana = Map::new();
    put(&mut kibana, "space_ids", json!([context.space_id]));
    put(&mut kibana, "alert", Value::Object(alert_fields));
    put(&mut fields, "kibana", Value::Object(kibana));
    Value::Object(fields)
}

/// The source event's fields, expanded ([`expand_dotted_keys`]), without the
/// top-level fields the alert replaces.
fn expanded_without_alert_fields(mut source: Map<String, Value>) -> Map<String, Value> {
    source.retain(|key, _| {
        let head = key.split('.').next().unwrap_or(key);
        !FIELDS_REPLACED_BY_THE_ALERT.contains(&head)
    });
    expanded_map(source)
}

/// Replaces the source's `event.kind` with `signal`.
fn mark_as_signal(fields: &mut Map<String, Value>) {
    let event = fields
        .entry("event")
        .or_insert_with(|| Value::Object(Map::new()));
    if !event.is_object() {
        *event = Value::Object(Map::new());
    }
    if let Value::Object(event) = event {
        put(event, "kind", json!("signal"));
    }
}

/// The source's `@timestamp` as Kibana re-emits it (ISO 8601, milliseconds,
/// UTC), or `None` when it is missing or not a date.
fn original_time(event: &Value) -> Option<String> {
    let mut found = None;
    JsonEvent(event).any_value("@timestamp", &mut |value| {
        found = match value {
            Scalar::Text(text) => date::parse_document_text(text, Resolution::Milliseconds),
            Scalar::Number(text) => date::parse_document_number(text, Resolution::Milliseconds),
            Scalar::Boolean(_) => None,
        };
        true
    });
    found.map(|instant| date::format(instant, Resolution::Milliseconds))
}

/// Where a key of the rule snapshot takes its value from.
enum Part {
    /// The field of this name in the rules API's shape, left out when the
    /// rule has none (an optional field it lacks).
    Rule(&'static str),
    /// `null`, filled in per alert (`name`, `execution`).
    Null,
    /// A fixed text.
    Text(&'static str),
    /// An empty list (`actions`).
    EmptyList,
    /// The rule's saved-object id.
    Uuid,
    /// The severity mapping in Kibana's order.
    SeverityMapping,
    /// [`rule_parameters`].
    Parameters,
}

/// `kibana.alert.rule`'s keys in Kibana's order. A table rather than `json!`:
/// most values are the rule's own fields as the rules API writes them, so
/// they are copied from the rule serialised once (`json!` inlined a
/// conversion and an insertion per key, several KB of wasm).
const SNAPSHOT: [(&str, Part); 44] = [
    ("uuid", Part::Uuid),
    ("rule_id", Part::Rule("rule_id")),
    ("name", Part::Null),
    ("type", Part::Rule("type")),
    ("version", Part::Rule("version")),
    ("description", Part::Rule("description")),
    ("author", Part::Rule("author")),
    ("references", Part::Rule("references")),
    ("false_positives", Part::Rule("false_positives")),
    ("threat", Part::Rule("threat")),
    ("exceptions_list", Part::Rule("exceptions_list")),
    ("from", Part::Rule("from")),
    ("to", Part::Rule("to")),
    ("interval", Part::Rule("interval")),
    ("max_signals", Part::Rule("max_signals")),
    ("immutable", Part::Rule("immutable")),
    ("severity_mapping", Part::SeverityMapping),
    ("risk_score_mapping", Part::Rule("risk_score_mapping")),
    ("indices", Part::Rule("index")),
    ("tags", Part::Rule("tags")),
    ("enabled", Part::Rule("enabled")),
    ("actions", Part::EmptyList),
    ("risk_score", Part::Rule("risk_score")),
    ("severity", Part::Rule("severity")),
    ("category", Part::Text("Custom Query Rule")),
    ("consumer", Part::Text("siem")),
    ("producer", Part::Text("siem")),
    ("rule_type_id", Part::Text("siem.queryRule")),
    ("revision", Part::Rule("revision")),
    ("execution", Part::Null),
    ("parameters", Part::Parameters),
    ("license", Part::Rule("license")),
    ("note", Part::Rule("note")),
    ("timestamp_override", Part::Rule("timestamp_override")),
    ("rule_name_override", Part::Rule("rule_name_override")),
    ("building_block_type", Part::Rule("building_block_type")),
    ("namespace", Part::Rule("namespace")),
    ("timeline_id", Part::Rule("timeline_id")),
    ("timeline_title", Part::Rule("timeline_title")),
    ("created_at", Part::Rule("created_at")),
    ("created_by", Part::Rule("created_by")),
    ("updated_at", Part::Rule("updated_at")),
    ("updated_by", Part::Rule("updated_by")),
    ("meta", Part::Rule("meta")),
];

/// `kibana.alert.rule`: what Kibana records about the rule on each alert,
/// with `name` and `execution` left for each alert to fill in (null here).
fn rule_snapshot(rule: &Rule, rule_uuid: &str) -> Value {
    let fields = match serde_json::to_value(rule) {
        Ok(Value::Object(fields)) => fields,
        _ => Map::new(),
    };
    let severity_mapping = json!(overrides::sorted_severity_mapping(rule));
    let snapshot = SNAPSHOT
        .iter()
        .filter_map(|(key, part)| {
            let value = match part {
                Part::Rule(name) => fields.get(*name)?.clone(),
                Part::Null => Value::Null,
                Part::Text(text) => Value::from(*text),
                Part::EmptyList => Value::Array(Vec::new()),
                Part::Uuid => Value::from(rule_uuid),
                Part::SeverityMapping => severity_mapping.clone(),
                Part::Parameters => {
                    rule_parameters(fields.clone(), severity_mapping.clone(), rule.immutable)
                }
            };
            Some((key.to_string(), value))
        })
        .collect();
    Value::Object(snapshot)
}

/// `kibana.alert.rule.execution`: the execution that created an alert at `now`.
fn execution(rule_uuid: &str, now: Timestamp) -> Value {
    json!({
        "uuid": ids::name_uuid(&format!("kql-detect execution {rule_uuid} {now}")),
        "timestamp": now.to_string(),
        "type": "scheduled",
    })
}

/// What Kibana keeps on the rule object rather than in its parameters.
const OUTSIDE_PARAMETERS: [&str; 10] = [
    "id",
    "name",
    "tags",
    "interval",
    "enabled",
    "revision",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
];

/// `kibana.alert.rule.parameters`: the rule's parameters in the rules API's
/// shape (`fields`, the rule serialised), without what Kibana keeps on the
/// rule object itself.
fn rule_parameters(
    mut parameters: Map<String, Value>,
    severity_mapping: Value,
    immutable: bool,
) -> Value {
    for outside in OUTSIDE_PARAMETERS {
        parameters.remove(outside);
    }
    put(&mut parameters, "severity_mapping", severity_mapping);
    let rule_source = if immutable {
        json!({"type": "external", "is_customized": false})
    } else {
        json!({"type": "internal"})
    };
    put(&mut parameters, "rule_source", rule_source);
    Value::Object(parameters)
}

/// The event with the ECS `rule.*` fields of the rules that matched it (arrays
/// when several did), for the `tag` output mode.
pub fn tag_event(event: &Value, rules: &[&Rule]) -> Value {
    let mut tagged = event.clone();
    let Value::Object(fields) = &mut tagged else {
        return tagged;
    };
    if rules.is_empty() {
        return tagged;
    }
    let one_or_many = |values: Vec<Value>| match values.len() {
        1 => values.into_iter().next().unwrap_or(Value::Null),
        _ => Value::Array(values),
    };
    let collect =
        |pick: &dyn Fn(&Rule) -> Value| one_or_many(rules.iter().map(|rule| pick(rule)).collect());
    let mut rule_fields = Map::new();
    put(&mut rule_fields, "id", collect(&|rule| json!(rule.rule_id)));
    put(&mut rule_fields, "name", collect(&|rule| json!(rule.name)));
    put(
        &mut rule_fields,
        "version",
        collect(&|rule| json!(rule.version.to_string())),
    );
    put(
        &mut rule_fields,
        "description",
        collect(&|rule| json!(rule.description)),
    );
    put(&mut rule_fields, "ruleset", json!("kql-detect"));
    if rules.iter().any(|rule| rule.license.is_some()) {
        put(
            &mut rule_fields,
            "license",
            collect(&|rule| json!(rule.license)),
        );
    }
    if rules.iter().any(|rule| !rule.author.is_empty()) {
        put(
            &mut rule_fields,
            "author",
            collect(&|rule| json!(rule.author)),
        );
    }
    put(fields, "rule", Value::Object(rule_fields));
    tagged
}

/// A copy of `value` in which `{"a.b": 1}` has become `{"a": {"b": 1}}`.
///
/// Where one field is spelled both ways, its values are combined into an
/// array, which is how Elasticsearch indexes it.
pub fn expand_dotted_keys(value: &Value) -> Value {
    expanded(value.clone())
}

/// [`expand_dotted_keys`], taking `value`.
fn expanded(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(expanded_map(map)),
        Value::Array(items) if items.iter().any(has_dotted_keys) => {
            Value::Array(items.into_iter().map(expanded).collect())
        }
        other => other,
    }
}

/// [`expanded`] for an object's fields.
fn expanded_map(map: Map<String, Value>) -> Map<String, Value> {
    // Most events have no dotted key at all, and fields without one are
    // kept as they are (in their order) rather than rebuilt key by key.
    if !map_has_dotted_keys(&map) {
        return map;
    }
    let mut fields = Map::new();
    for (key, child) in map {
        insert_path(&mut fields, &key, expanded(child));
    }
    fields
}

/// Whether some object in `value` has a key with a dot.
fn has_dotted_keys(value: &Value) -> bool {
    match value {
        Value::Object(map) => map_has_dotted_keys(map),
        Value::Array(items) => items.iter().any(has_dotted_keys),
        _ => false,
    }
}

/// [`has_dotted_keys`] for an object's fields.
fn map_has_dotted_keys(map: &Map<String, Value>) -> bool {
    map.iter()
        .any(|(key, child)| key.contains('.') || has_dotted_keys(child))
}

fn insert_path(map: &mut Map<String, Value>, key: &str, value: Value) {
    match key.split_once('.') {
        Some((head, rest)) if !head.is_empty() && !rest.is_empty() => {
            let mut inner = Map::new();
            insert_path(&mut inner, rest, value);
            merge(map, head, Value::Object(inner));
        }
        _ => merge(map, key, value),
    }
}

/// Sets `key` of an alert's object. Out of line: inlined, each of the some
/// thirty keys an alert, its rule snapshot and a tagged event set was its
/// key's allocation and copy, the map's insertion and the drop of the value
/// it replaced, over 2 KB of wasm (BENCHMARKS.md, stop 28, "Size and
/// start-up"); a call is nothing beside the allocation and the hashing.
#[inline(never)]
fn put(map: &mut Map<String, Value>, key: &str, value: Value) {
    map.insert(key.to_string(), value);
}

fn merge(map: &mut Map<String, Value>, key: &str, value: Value) {
    let Some(existing) = map.get_mut(key) else {
        map.insert(key.to_string(), value);
        return;
    };
    match (existing, value) {
        (Value::Object(existing), Value::Object(incoming)) => {
            for (inner_key, inner_value) in incoming {
                merge(existing, &inner_key, inner_value);
            }
        }
        (existing, incoming) => {
            let mut values = match std::mem::take(existing) {
                Value::Array(items) => items,
                other => vec![other],
            };
            match incoming {
                Value::Array(items) => values.extend(items),
                other => values.push(other),
            }
            *existing = Value::Array(values);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_keys_become_objects_and_clashes_become_arrays() {
        let expanded = expand_dotted_keys(&json!({
            "a.b": 1,
            "a": {"b": 2, "c.d": [{"e.f": true}]},
            ".odd": 3,
        }));
        assert_eq!(
            expanded,
            json!({"a": {"b": [1, 2], "c": {"d": [{"e": {"f": true}}]}}, ".odd": 3})
        );
    }

    /// An alert's source fields, as text (so in their order): expanded,
    /// without the fields the alert replaces, `event.kind` a signal, and a
    /// new `@timestamp`, whether the alert copies the event or takes it.
    #[test]
    fn an_alert_holds_the_events_fields_expanded_and_in_order() {
        let cases = [
            (
                r#"{"b":1,"a":{"x":2},"event":{"kind":"event","action":"x"}}"#,
                r#"{"b":1,"a":{"x":2},"event":{"kind":"signal","action":"x"},"@timestamp":NOW}"#,
            ),
            (
                r#"{"a.b":1,"c":[{"d.e":2},3],"a":{"f":4}}"#,
                r#"{"a":{"b":1,"f":4},"c":[{"d":{"e":2}},3],"event":{"kind":"signal"},"@timestamp":NOW}"#,
            ),
            (
                r#"{"kibana":{"x":1},"kibana.alert.y":2,"signal.z":3,"threshold_result":{},"keep":true}"#,
                r#"{"keep":true,"event":{"kind":"signal"},"@timestamp":NOW}"#,
            ),
            (
                r#"{"tags":["a.b",{"c":[{"d":1}]}],"@timestamp":"2026-01-01T00:00:00Z"}"#,
                r#"{"tags":["a.b",{"c":[{"d":1}]}],"@timestamp":NOW,"event":{"kind":"signal"}}"#,
            ),
        ];
        let rule = crate::rule::azure_external_guest_user_invitation();
        let snapshot = RuleSnapshot::new(&rule);
        let now = Timestamp(1_764_244_800_000);
        let source = SourceIdentity {
            index: "logs".to_string(),
            id: "1".to_string(),
        };
        let context = AlertContext {
            now,
            source: &source,
            space_id: "default",
        };
        for (event, expected) in cases {
            let event: Value = serde_json::from_str(event).unwrap();
            let expected = expected.replace("NOW", &format!("\"{now}\""));
            let copied = build_alert(&event, &rule, &snapshot, &context);
            let taken = build_alert_taking(event.clone(), &rule, &snapshot, &context);
            assert_eq!(copied.to_string(), taken.to_string(), "{event}");
            let Value::Object(mut fields) = taken else {
                panic!("not an object: {event}");
            };
            assert!(fields.shift_remove("kibana").is_some(), "{event}");
            assert_eq!(Value::Object(fields).to_string(), expected, "{event}");
        }
    }
}
