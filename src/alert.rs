//! Builds the alert document Elastic Security would write for a match.
//!
//! As in Kibana (`transform_hit_to_alert.ts`), an alert is the source event
//! with its own `event.kind` replaced by `signal`, plus the `kibana.alert.*`
//! fields: when and from what it was created, the rule's severity and risk, and
//! a snapshot of the rule. Output uses nested objects throughout: dotted keys of
//! the source event are expanded, so every field has exactly one spelling.

use serde_json::{json, Map, Value};

use crate::event::{Event, JsonEvent, Scalar};
use crate::rule::Rule;
use crate::time::Timestamp;

/// What an alert needs besides the event and the rule.
#[derive(Clone, Copy, Debug)]
pub struct AlertContext<'a> {
    /// When the alert is created.
    pub now: Timestamp,
    /// The index the event was read from, when known.
    pub index: Option<&'a str>,
}

/// The alert for `event` matched by `rule`.
pub fn build_alert(event: &Value, rule: &Rule, context: &AlertContext<'_>) -> Value {
    let now = context.now;
    let mut alert = expand_dotted_keys(event);
    let Value::Object(fields) = &mut alert else {
        return alert;
    };

    let original_event = fields.get("event").cloned();
    let original_time = first_text(event, "@timestamp");
    fields.insert("@timestamp".to_string(), Value::String(now.to_string()));
    let event_fields = fields
        .entry("event")
        .or_insert_with(|| Value::Object(Map::new()));
    if !event_fields.is_object() {
        *event_fields = Value::Object(Map::new());
    }
    if let Value::Object(event_fields) = event_fields {
        event_fields.insert("kind".to_string(), Value::String("signal".to_string()));
    }

    let parameters = serde_json::to_value(rule).unwrap_or(Value::Null);
    let mut rule_snapshot = match &parameters {
        Value::Object(snapshot) => snapshot.clone(),
        _ => Map::new(),
    };
    rule_snapshot.insert("parameters".to_string(), parameters);

    let mut alert_fields = Map::new();
    if let Some(original_time) = original_time {
        alert_fields.insert("original_time".to_string(), Value::String(original_time));
    }
    if let Some(original_event) = original_event.filter(Value::is_object) {
        alert_fields.insert("original_event".to_string(), original_event);
    }
    alert_fields.insert("severity".to_string(), json!(rule.severity));
    alert_fields.insert("risk_score".to_string(), json!(rule.risk_score));
    alert_fields.insert("status".to_string(), json!("active"));
    alert_fields.insert("workflow_status".to_string(), json!("open"));
    alert_fields.insert("depth".to_string(), json!(1));
    alert_fields.insert("rule".to_string(), Value::Object(rule_snapshot));

    let kibana = fields
        .entry("kibana")
        .or_insert_with(|| Value::Object(Map::new()));
    if !kibana.is_object() {
        *kibana = Value::Object(Map::new());
    }
    if let Value::Object(kibana) = kibana {
        kibana.insert("alert".to_string(), Value::Object(alert_fields));
    }
    alert
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
    rule_fields.insert("id".to_string(), collect(&|rule| json!(rule.rule_id)));
    rule_fields.insert("name".to_string(), collect(&|rule| json!(rule.name)));
    rule_fields.insert(
        "version".to_string(),
        collect(&|rule| json!(rule.version.to_string())),
    );
    rule_fields.insert(
        "description".to_string(),
        collect(&|rule| json!(rule.description)),
    );
    rule_fields.insert("ruleset".to_string(), json!("kql-detect"));
    if rules.iter().any(|rule| rule.license.is_some()) {
        rule_fields.insert("license".to_string(), collect(&|rule| json!(rule.license)));
    }
    if rules.iter().any(|rule| !rule.author.is_empty()) {
        rule_fields.insert("author".to_string(), collect(&|rule| json!(rule.author)));
    }
    fields.insert("rule".to_string(), Value::Object(rule_fields));
    tagged
}

/// The first string value of `path`, in Elasticsearch's flattened view.
fn first_text(event: &Value, path: &str) -> Option<String> {
    let mut found = None;
    JsonEvent(event).any_value(path, &mut |value| match value {
        Scalar::Text(text) | Scalar::Number(text) => {
            found = Some(text.to_string());
            true
        }
        Scalar::Boolean(_) => false,
    });
    found
}

/// A copy of `value` in which `{"a.b": 1}` has become `{"a": {"b": 1}}`.
///
/// Where one field is spelled both ways, its values are combined into an
/// array, which is how Elasticsearch indexes it.
pub fn expand_dotted_keys(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut expanded = Map::new();
            for (key, child) in map {
                insert_path(&mut expanded, key, expand_dotted_keys(child));
            }
            Value::Object(expanded)
        }
        Value::Array(items) => Value::Array(items.iter().map(expand_dotted_keys).collect()),
        other => other.clone(),
    }
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
}
